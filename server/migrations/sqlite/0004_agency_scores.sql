-- The office's entries for the per-agency indicators (5, 6, 8, 9) of a
-- period: the agency's self-assessment, then the verified (thẩm định) score
-- with the reason for any deduction. `period` is `2026` or `2026-Q3`.
CREATE TABLE agency_scores (
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    period        TEXT NOT NULL,
    indicator     INTEGER NOT NULL CHECK (indicator IN (5, 6, 8, 9)),
    self_assessed REAL,
    verified      REAL,
    reason        TEXT,
    updated_by    INTEGER REFERENCES officers (id),
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (agency_id, period, indicator)
);
CREATE INDEX dossiers_returned ON dossiers (returned_on);
