-- The device authorization grant (RFC 8628): one row per code pair a program asked for.
-- The device code is a bearer secret and is stored only as its SHA-256; the user code is short and
-- typed by a person, so it is stored normalized (upper case, no dash) to be matched exactly.

CREATE TABLE device_authorizations (
    id               TEXT PRIMARY KEY,                -- dev_...
    device_code_hash TEXT NOT NULL UNIQUE,            -- SHA-256 of the device code
    user_code        TEXT NOT NULL UNIQUE,            -- 8 letters of BCDFGHJKLMNPQRSTVWXZ, no dash
    client_name      TEXT NOT NULL,                   -- the name the approved agent gets
    client_id        TEXT,
    scope            TEXT,
    status           TEXT NOT NULL,                   -- pending | approved | denied | exchanged
    owner_id         TEXT REFERENCES owners (id),     -- who approved or denied
    agent_id         TEXT REFERENCES agents (id),     -- minted when the code was exchanged
    interval_seconds INTEGER NOT NULL,                -- grows by 5 on every slow_down
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    last_polled_at   BIGINT,
    decided_at       BIGINT
);
CREATE INDEX device_authorizations_by_expiry ON device_authorizations (expires_at);
