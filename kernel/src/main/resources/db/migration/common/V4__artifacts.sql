-- Job artifacts: files a worker hands in with its accepted submit. Inline ones are blobs in the blob
-- store, named by the SHA-256 of their bytes; by-reference ones are a URL the worker gave, never fetched.
-- Written in the submit's transaction, never changed afterwards. With artifacts, task_runs.output_hash
-- hashes the output together with each artifact's name, type and sha256 or URL (a repeat must match).

CREATE TABLE job_artifacts (
    id           TEXT PRIMARY KEY,                            -- art_...
    job_id       TEXT NOT NULL REFERENCES jobs (id),
    task_run_id  TEXT NOT NULL REFERENCES task_runs (id),     -- the run whose submit brought it
    position     INTEGER NOT NULL,                            -- its place in the submit's list
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT,                                      -- inline only
    sha256       TEXT,                                        -- inline only: the blob's key
    url          TEXT,                                        -- by reference only
    created_at   BIGINT NOT NULL,
    CHECK ((sha256 IS NOT NULL AND size_bytes IS NOT NULL AND url IS NULL)
        OR (sha256 IS NULL AND size_bytes IS NULL AND url IS NOT NULL)),
    UNIQUE (job_id, position)
);
-- Which blobs are still referenced, for a collection of unreferenced blobs.
CREATE INDEX job_artifacts_by_sha256 ON job_artifacts (sha256);
