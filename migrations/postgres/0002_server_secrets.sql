-- Secrets every server process on this database shares (the CSRF cookie key and HMAC salt).
CREATE TABLE IF NOT EXISTS server_secrets (name TEXT PRIMARY KEY, value BYTEA NOT NULL);

-- The session table of tower-sessions-sqlx-store's PostgresStore, as its migrate() makes
-- it. Made here, under the migrator's lock, because several servers starting at once
-- would race in migrate()'s CREATE SCHEMA and the loser would skip the table.
CREATE SCHEMA IF NOT EXISTS tower_sessions;
CREATE TABLE IF NOT EXISTS tower_sessions.session (
    id          TEXT PRIMARY KEY NOT NULL,
    data        BYTEA NOT NULL,
    expiry_date TIMESTAMPTZ NOT NULL
);
