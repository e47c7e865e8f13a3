-- Officer accounts (argon2 password hashes) and their sign-in sessions.
-- A session's token is only stored as its SHA-256: a copy of the database
-- does not let anyone sign in.
CREATE TABLE officers (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    role          TEXT NOT NULL CHECK (role IN ('officer', 'office')),
    active        INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    officer_id INTEGER NOT NULL REFERENCES officers (id),
    created_at INTEGER NOT NULL,   -- unix seconds
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_officer ON sessions (officer_id);
