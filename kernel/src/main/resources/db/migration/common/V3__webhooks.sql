-- Signed webhooks: per-owner endpoints, the per-owner secret that signs jobs' callback_url deliveries,
-- and the transactional outbox of deliveries with every attempt recorded.
-- Secrets must be usable for signing, so they are stored sealed (AES-GCM, see webhooks/SecretBox), not hashed.

CREATE TABLE webhook_endpoints (
    id                         TEXT PRIMARY KEY,        -- whe_...
    owner_id                   TEXT NOT NULL REFERENCES owners (id),
    url                        TEXT NOT NULL,
    description                TEXT NOT NULL,
    status                     TEXT NOT NULL,           -- active | disabled | deleted
    disabled_reason            TEXT,
    secret                     TEXT NOT NULL,           -- sealed
    previous_secret            TEXT,                    -- sealed; valid until previous_secret_expires_at
    previous_secret_expires_at BIGINT,
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_by_owner ON webhook_endpoints (owner_id, id);

-- One per owner, created on first use: signs the deliveries to its jobs' callback_url.
CREATE TABLE owner_webhook_secrets (
    owner_id                   TEXT PRIMARY KEY REFERENCES owners (id),
    secret                     TEXT NOT NULL,           -- sealed
    previous_secret            TEXT,
    previous_secret_expires_at BIGINT,
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL
);

-- The outbox: written in the transaction that settles the job, so a committed settlement always has
-- its deliveries. A claim pushes next_attempt_at past the attempt's deadline (the claim's lease) and
-- counts the attempt; a node that dies mid-attempt leaves the row due again once the lease passes.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,                  -- msg_...: also the event id and webhook-id
    job_id           TEXT NOT NULL REFERENCES jobs (id),
    owner_id         TEXT NOT NULL REFERENCES owners (id),
    endpoint_id      TEXT REFERENCES webhook_endpoints (id),  -- NULL: the job's callback_url
    url              TEXT NOT NULL,
    event_type       TEXT NOT NULL,                     -- job.settled
    payload          TEXT NOT NULL,                     -- the exact body sent, byte for byte, on every attempt
    status           TEXT NOT NULL,                     -- pending | delivered | failed
    attempts         INTEGER NOT NULL,                  -- attempts claimed so far
    next_attempt_at  BIGINT NOT NULL,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    finished_at      BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries (job_id, id);

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempt     INTEGER NOT NULL,
    at          BIGINT NOT NULL,
    status_code INTEGER,                                -- NULL when no HTTP answer came
    error       TEXT,                                   -- NULL on success
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
