-- Secrets every server process on this database shares (the CSRF cookie key and HMAC salt).
-- IF NOT EXISTS: before this migration the server created the table itself on first use.
CREATE TABLE IF NOT EXISTS server_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
