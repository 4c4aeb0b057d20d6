-- The server's state (issue 15). Portable SQL: TEXT, INTEGER and BIGINT columns, no
-- SQLite-only functions, so the same schema can be carried to PostgreSQL (issue item 6).
-- Times are ISO-8601 UTC text written by the application.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('head', 'lead', 'agent', 'planner')),
    staff_id      TEXT,
    -- An argon2 PHC string; the password itself is never stored.
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE months (
    month         TEXT PRIMARY KEY,   -- YYYY-MM
    scenario_toml TEXT NOT NULL,
    source        TEXT NOT NULL,      -- where the scenario came from, for messages
    created_at    TEXT NOT NULL
);

CREATE TABLE roster_versions (
    month       TEXT NOT NULL REFERENCES months (month),
    version     BIGINT NOT NULL,
    roster_json TEXT NOT NULL,
    published   INTEGER NOT NULL DEFAULT 0,
    -- The version this one was made from (a swap or leave applied to it); NULL for a solve.
    parent      BIGINT,
    reason      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    -- Two writers deriving the same next version collide here: one wins, one must re-judge.
    PRIMARY KEY (month, version)
);

CREATE TABLE swap_requests (
    id              INTEGER PRIMARY KEY,
    month           TEXT NOT NULL REFERENCES months (month),
    staff           TEXT NOT NULL,    -- A, who gives the shift away
    date            TEXT NOT NULL,
    with_staff      TEXT NOT NULL,    -- B, who takes it
    return_date     TEXT,
    state           TEXT NOT NULL CHECK (state IN ('proposed', 'accepted_by_partner',
                        'approved_by_lead_a', 'approved_by_lead_b', 'rejected', 'applied')),
    judged_version  BIGINT NOT NULL,
    violations_json TEXT NOT NULL,
    lead_a_signed   TEXT,             -- login of the lead of A's team who signed
    lead_b_signed   TEXT,
    applied_version BIGINT,
    reason          TEXT,             -- why it was rejected, in words
    proposed_by     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE leave_requests (
    id              INTEGER PRIMARY KEY,
    month           TEXT NOT NULL REFERENCES months (month),
    staff           TEXT NOT NULL,
    from_date       TEXT NOT NULL,
    to_date         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    requested_at    TEXT NOT NULL,    -- YYYY-MM-DDTHH:MM, the centre's local time
    certificate     INTEGER NOT NULL,
    emergency       INTEGER NOT NULL,
    approver        TEXT NOT NULL,    -- whom LEAVE-APPROVER sends it to
    state           TEXT NOT NULL CHECK (state IN ('proposed', 'rejected', 'applied')),
    judged_version  BIGINT NOT NULL,
    violations_json TEXT NOT NULL,
    decided_by      TEXT,
    applied_version BIGINT,
    reason          TEXT,
    filed_by        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    month    TEXT,
    version  BIGINT,                  -- the roster version the action was taken on
    detail   TEXT NOT NULL
);
CREATE INDEX audit_month ON audit (month, id);
