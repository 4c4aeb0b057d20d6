-- Long work started from a page (a month's solve, a simulation), kept here so every server
-- on the database streams its progress and only one runs per key (docs/api.md).
-- outcome: 'ok' or 'failed' with message, NULL while it runs; heartbeat: milliseconds since
-- 1970 of the owner's last word, so a job whose server died is seen as abandoned.
CREATE TABLE IF NOT EXISTS jobs (
    key       TEXT PRIMARY KEY,
    steps     TEXT NOT NULL,
    outcome   TEXT,
    message   TEXT,
    result    TEXT,
    owner     TEXT NOT NULL,
    heartbeat BIGINT NOT NULL
);
