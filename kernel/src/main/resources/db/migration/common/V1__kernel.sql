-- The kernel schema. Plain SQL accepted by SQLite and PostgreSQL alike:
-- times are epoch milliseconds (BIGINT), JSON documents are TEXT, ids are prefixed ULIDs (TEXT).

CREATE TABLE owners (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,          -- stored lower-cased
    password_hash TEXT NOT NULL,                 -- Argon2id, PHC string
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE owner_sessions (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES owners (id),
    token_hash TEXT NOT NULL UNIQUE,             -- SHA-256 of the bearer token
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE agents (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES owners (id),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX agents_by_owner ON agents (owner_id, id);

CREATE TABLE agent_keys (
    id           TEXT PRIMARY KEY,
    agent_id     TEXT NOT NULL REFERENCES agents (id),
    key_hash     TEXT NOT NULL UNIQUE,           -- SHA-256 of the key; the key itself is never stored
    key_hint     TEXT NOT NULL,                  -- e.g. nxt_ag_Ab3d...x9Qz, for listings
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX agent_keys_by_agent ON agent_keys (agent_id);

CREATE TABLE capability_specs (
    capability_key      TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL,
    input_schema        TEXT NOT NULL,
    output_schema       TEXT NOT NULL,
    price_nc            BIGINT NOT NULL,
    lease_seconds       INTEGER NOT NULL,
    heartbeat_seconds   INTEGER NOT NULL,
    max_attempts        INTEGER NOT NULL,
    job_ttl_seconds     INTEGER NOT NULL,
    max_submit_attempts INTEGER NOT NULL,
    status              TEXT NOT NULL,           -- active | deprecated
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);

-- Which capabilities an agent serves as a worker.
CREATE TABLE agent_capabilities (
    agent_id       TEXT NOT NULL REFERENCES agents (id),
    capability_key TEXT NOT NULL REFERENCES capability_specs (capability_key),
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (agent_id, capability_key)
);

CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES owners (id),
    agent_id        TEXT NOT NULL REFERENCES agents (id),   -- the caller
    capability_key  TEXT NOT NULL REFERENCES capability_specs (capability_key),
    status          TEXT NOT NULL,        -- queued | running | succeeded | failed | cancelled | expired
    input           TEXT NOT NULL,
    output          TEXT,
    error_code      TEXT,
    error_message   TEXT,
    attempt         INTEGER NOT NULL,     -- runs started so far
    max_attempts    INTEGER NOT NULL,
    max_budget_nc   BIGINT NOT NULL,
    price_nc        BIGINT NOT NULL,      -- the capability's price when the job was created
    cost_nc         BIGINT,
    idempotency_key TEXT,
    request_hash    TEXT,                 -- SHA-256 of the canonical create request, for replays
    callback_url    TEXT,
    current_run_id  TEXT,                 -- the run holding (or that last held) the lease
    worker_agent_id TEXT,                 -- the worker whose run was accepted
    event_seq       INTEGER NOT NULL DEFAULT 0,
    queued_at       BIGINT NOT NULL,      -- when it last became queued (pickup latency)
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    finished_at     BIGINT
);
-- Idempotency keys are scoped per calling agent; the index makes concurrent creates produce one job.
CREATE UNIQUE INDEX jobs_idempotency ON jobs (agent_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The work queue: oldest queued job first, per capability.
CREATE INDEX jobs_queue ON jobs (capability_key, id) WHERE status = 'queued';
CREATE INDEX jobs_open_by_expiry ON jobs (expires_at) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_by_agent ON jobs (agent_id, id);
CREATE INDEX jobs_by_owner ON jobs (owner_id, id);

CREATE TABLE task_runs (
    id                   TEXT PRIMARY KEY,
    job_id               TEXT NOT NULL REFERENCES jobs (id),
    worker_agent_id      TEXT NOT NULL REFERENCES agents (id),
    attempt              INTEGER NOT NULL,
    status               TEXT NOT NULL,   -- active | succeeded | failed | expired | cancelled
    lease_expires_at     BIGINT NOT NULL,
    submit_attempts_left INTEGER NOT NULL,
    output_hash          TEXT,            -- SHA-256 of the accepted output, to recognise a repeated submit
    created_at           BIGINT NOT NULL,
    ended_at             BIGINT
);
CREATE INDEX task_runs_active_by_lease ON task_runs (lease_expires_at) WHERE status = 'active';
CREATE INDEX task_runs_by_job ON task_runs (job_id);

CREATE TABLE job_events (
    job_id TEXT NOT NULL REFERENCES jobs (id),
    seq    INTEGER NOT NULL,
    type   TEXT NOT NULL,
    at     BIGINT NOT NULL,
    data   TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);
