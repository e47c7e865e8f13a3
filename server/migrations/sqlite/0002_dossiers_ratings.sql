-- Agencies (the district People's Committee, communes), their officials,
-- the dossiers they handle, and the citizens' ratings.
CREATE TABLE agencies (
    id        TEXT PRIMARY KEY NOT NULL,          -- e.g. H45.03
    name      TEXT NOT NULL,
    level     TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    parent_id TEXT REFERENCES agencies (id)
);

CREATE TABLE officials (
    id        INTEGER PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    full_name TEXT NOT NULL,
    position  TEXT NOT NULL
);

CREATE TABLE dossiers (
    code            TEXT PRIMARY KEY NOT NULL,   -- validated, upper case
    procedure_name  TEXT NOT NULL,
    agency_id       TEXT NOT NULL REFERENCES agencies (id),
    official_id     INTEGER REFERENCES officials (id),
    applicant_name  TEXT,                        -- never served by the public API
    received_on     TEXT NOT NULL,               -- yyyy-mm-dd
    appointed_on    TEXT NOT NULL,
    returned_on     TEXT,
    ruleset_version TEXT NOT NULL
);
CREATE INDEX dossiers_agency_received ON dossiers (agency_id, received_on);

-- One rating per dossier. `id` is the client's idempotency key; `content` is
-- the canonical JSON of what was rated, to tell a replay from a reuse.
CREATE TABLE ratings (
    id              TEXT PRIMARY KEY NOT NULL,
    dossier_code    TEXT NOT NULL UNIQUE REFERENCES dossiers (code),
    channel         TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
    ruleset_version TEXT NOT NULL,
    answers         TEXT NOT NULL,               -- JSON object question -> option
    comment         TEXT,
    client_time     TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    officer_id      INTEGER,
    content         TEXT NOT NULL
);

-- Ratings that arrived for an already rated dossier: kept for the office to
-- resolve, never overwriting and never counted twice.
CREATE TABLE rating_conflicts (
    id           TEXT PRIMARY KEY NOT NULL,
    dossier_code TEXT NOT NULL,
    channel      TEXT NOT NULL,
    content      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    officer_id   INTEGER,
    resolved     INTEGER NOT NULL DEFAULT 0
);
