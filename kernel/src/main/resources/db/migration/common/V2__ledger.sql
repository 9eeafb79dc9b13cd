-- Credits. Double-entry: every movement is a set of ledger_entries rows, one per account it touches,
-- whose amounts sum to zero; the sum over all accounts is therefore always zero.
--
-- Accounts:
--   an owner's id       the owner's available credits (available_nc) and, beside them, how many of its
--                       credits sit in holds of its open jobs (held_nc);
--   a job's id          the job's hold: max_budget_nc from its creation until it settles (no row here:
--                       the job row, locked by every transition, guards it);
--   'platform'          platform fees;
--   'issuance'          where admin grants come from (its balance is minus everything ever granted).

CREATE TABLE credit_accounts (
    id           TEXT PRIMARY KEY,               -- an owner's id, 'platform' or 'issuance'
    owner_id     TEXT REFERENCES owners (id),    -- null for the system accounts
    available_nc BIGINT NOT NULL,
    held_nc      BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

INSERT INTO credit_accounts (id, owner_id, available_nc, held_nc, created_at, updated_at) VALUES ('platform', NULL, 0, 0, 0, 0);
INSERT INTO credit_accounts (id, owner_id, available_nc, held_nc, created_at, updated_at) VALUES ('issuance', NULL, 0, 0, 0, 0);

CREATE TABLE ledger_entries (
    id               TEXT PRIMARY KEY,           -- le_..., sortable: newest first by id
    movement_id      TEXT NOT NULL,              -- mv_...: the rows of one movement sum to zero
    account_id       TEXT NOT NULL,              -- an owner's id, a job's id, 'platform' or 'issuance'
    job_id           TEXT REFERENCES jobs (id),
    kind             TEXT NOT NULL,              -- hold | release | charge | payout | fee | grant
    amount_nc        BIGINT NOT NULL,            -- signed: what the account gained
    balance_after_nc BIGINT NOT NULL,            -- the account's (available) balance after this row
    memo             TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX ledger_entries_by_account ON ledger_entries (account_id, id);
CREATE INDEX ledger_entries_by_movement ON ledger_entries (movement_id);
