-- A district runs itself: administration (agencies of any depth, officials
-- that can be deactivated and merged, accounts with an admin role, an audit
-- log), trust boundaries (sessions that go idle, throttled guesses), and the
-- office's quarter (agency indicators with their history, decided double
-- ratings, commune proposals, the kiosk channel).
--
-- Tables whose CHECK constraints change are rebuilt, SQLite's documented
-- way: the migration runner turns foreign keys off and checks every
-- reference before it commits.

-- Agencies: a tree (province → district → communes, towns, departments),
-- deactivated rather than deleted.
CREATE TABLE agencies_new (
    id        TEXT PRIMARY KEY NOT NULL,          -- the agency code, e.g. H45.03
    name      TEXT NOT NULL,
    level     TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune', 'town', 'department')),
    parent_id TEXT REFERENCES agencies (id),
    active    INTEGER NOT NULL DEFAULT 1
);
INSERT INTO agencies_new (id, name, level, parent_id) SELECT id, name, level, parent_id FROM agencies;
DROP TABLE agencies;
ALTER TABLE agencies_new RENAME TO agencies;
CREATE INDEX agencies_parent ON agencies (parent_id);

-- Officials: deactivated, or merged into another (an import typo); a
-- merged official's dossiers move to the one kept.
ALTER TABLE officials ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE officials ADD COLUMN merged_into INTEGER REFERENCES officials (id);
CREATE INDEX officials_agency ON officials (agency_id, full_name);

-- Accounts (formerly officers): roles officer, office and admin, each
-- limited to its agency's subtree; a one-time password must be changed.
CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    full_name            TEXT NOT NULL,
    agency_id            TEXT NOT NULL REFERENCES agencies (id),
    role                 TEXT NOT NULL CHECK (role IN ('officer', 'office', 'admin')),
    active               INTEGER NOT NULL DEFAULT 1,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL DEFAULT 0     -- unix seconds
);
INSERT INTO accounts (id, username, password_hash, full_name, agency_id, role, active)
    SELECT id, username, password_hash, full_name, agency_id, role, active FROM officers;

-- Earlier password hashes, so that a password is not reused.
CREATE TABLE password_history (
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    password_hash TEXT NOT NULL,
    changed_at    INTEGER NOT NULL
);
CREATE INDEX password_history_account ON password_history (account_id, changed_at);

-- Sessions end when they expire, go idle, or are revoked.
CREATE TABLE sessions_new (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
INSERT INTO sessions_new (token_hash, account_id, created_at, expires_at, last_seen_at)
    SELECT token_hash, officer_id, created_at, expires_at, created_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_account ON sessions (account_id);

-- Ratings: the kiosk at the counter is a third channel.
CREATE TABLE ratings_new (
    id              TEXT PRIMARY KEY NOT NULL,
    dossier_code    TEXT NOT NULL UNIQUE REFERENCES dossiers (code),
    channel         TEXT NOT NULL CHECK (channel IN ('online', 'paper', 'kiosk')),
    ruleset_version TEXT NOT NULL,
    answers         TEXT NOT NULL,
    comment         TEXT,
    client_time     TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    officer_id      INTEGER REFERENCES accounts (id),
    content         TEXT NOT NULL
);
INSERT INTO ratings_new SELECT id, dossier_code, channel, ruleset_version, answers, comment, client_time,
    received_at, officer_id, content FROM ratings;
DROP TABLE ratings;
ALTER TABLE ratings_new RENAME TO ratings;

-- Ratings set aside because the dossier already had one. At most one per
-- dossier and channel is open; `demoted` marks a rating that counted until
-- the office chose another, `resolved` one the office has decided on.
CREATE TABLE rating_conflicts_new (
    id              TEXT PRIMARY KEY NOT NULL,
    dossier_code    TEXT NOT NULL REFERENCES dossiers (code),
    channel         TEXT NOT NULL CHECK (channel IN ('online', 'paper', 'kiosk')),
    ruleset_version TEXT NOT NULL,
    answers         TEXT NOT NULL,
    comment         TEXT,
    client_time     TEXT NOT NULL,
    content         TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    officer_id      INTEGER REFERENCES accounts (id),
    demoted         INTEGER NOT NULL DEFAULT 0,
    resolved        INTEGER NOT NULL DEFAULT 0
);
-- Earlier set-asides keep their content; repeats beyond the first per
-- dossier and channel are kept too, as already reviewed.
INSERT INTO rating_conflicts_new (id, dossier_code, channel, ruleset_version, answers, comment, client_time,
        content, received_at, officer_id, resolved)
    SELECT c.id, c.dossier_code, c.channel,
           coalesce(json_extract(c.content, '$.ruleset_version'), ''),
           coalesce(json_extract(c.content, '$.answers'), '{}'),
           json_extract(c.content, '$.comment'),
           coalesce(json_extract(c.content, '$.client_time'), c.received_at),
           c.content, c.received_at, c.officer_id,
           CASE WHEN c.resolved = 1 OR c.rowid <> (SELECT min(c2.rowid) FROM rating_conflicts c2
                    WHERE c2.dossier_code = c.dossier_code AND c2.channel = c.channel) THEN 1 ELSE 0 END
    FROM rating_conflicts c;
DROP TABLE rating_conflicts;
ALTER TABLE rating_conflicts_new RENAME TO rating_conflicts;
CREATE UNIQUE INDEX rating_conflicts_open ON rating_conflicts (dossier_code, channel) WHERE demoted = 0 AND resolved = 0;
CREATE INDEX rating_conflicts_received ON rating_conflicts (received_at);

-- The office's decisions on dossiers rated twice: which rating counts, why, who.
CREATE TABLE rating_decisions (
    id           INTEGER PRIMARY KEY,
    dossier_code TEXT NOT NULL REFERENCES dossiers (code),
    counted_id   TEXT NOT NULL,
    previous_id  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    decided_by   INTEGER NOT NULL REFERENCES accounts (id),
    decided_at   TEXT NOT NULL
);
CREATE INDEX rating_decisions_dossier ON rating_decisions (dossier_code);

-- Per-agency indicators (5, 6, 8, 9): the agency's self-assessment and the
-- district's verified points, each with who and when; every entry is also
-- kept in the history.
CREATE TABLE agency_scores_new (
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    period        TEXT NOT NULL,                  -- 2026 or 2026-Q3
    indicator     INTEGER NOT NULL CHECK (indicator IN (5, 6, 8, 9)),
    self_assessed REAL CHECK (self_assessed BETWEEN 0 AND 2),
    self_by       INTEGER REFERENCES accounts (id),
    self_at       TEXT,
    verified      REAL CHECK (verified BETWEEN 0 AND 2),
    verified_by   INTEGER REFERENCES accounts (id),
    verified_at   TEXT,
    reason        TEXT,
    PRIMARY KEY (agency_id, period, indicator)
);
INSERT INTO agency_scores_new
    SELECT agency_id, period, indicator,
           self_assessed, CASE WHEN self_assessed IS NOT NULL THEN updated_by END,
           CASE WHEN self_assessed IS NOT NULL THEN updated_at END,
           verified, CASE WHEN verified IS NOT NULL THEN updated_by END,
           CASE WHEN verified IS NOT NULL THEN updated_at END, reason
    FROM agency_scores;
DROP TABLE agency_scores;
ALTER TABLE agency_scores_new RENAME TO agency_scores;

CREATE TABLE agency_score_history (
    id         INTEGER PRIMARY KEY,
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    period     TEXT NOT NULL,
    indicator  INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('self', 'verified')),
    points     REAL,
    reason     TEXT,
    account_id INTEGER REFERENCES accounts (id),
    at         TEXT NOT NULL
);
CREATE INDEX agency_score_history_key ON agency_score_history (agency_id, period, indicator);

DROP TABLE officers;

-- A commune's proposed fixes for a period (Mẫu 05, "đề xuất, kiến nghị").
CREATE TABLE proposals (
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    period     TEXT NOT NULL,
    text       TEXT NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES accounts (id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, period)
);

-- Every administrative change: who, when, what (before and after, JSON).
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id),   -- NULL: the command line
    actor      TEXT NOT NULL,
    agency_id  TEXT,                               -- the agency concerned, for scope
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    before     TEXT,
    after      TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Failed guesses (check codes, sign-ins), kept in the database so that
-- limits survive a restart and hold across servers.
CREATE TABLE throttle_events (
    id   INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    at   INTEGER NOT NULL                          -- unix seconds
);
CREATE INDEX throttle_events_key ON throttle_events (kind, key, at);
