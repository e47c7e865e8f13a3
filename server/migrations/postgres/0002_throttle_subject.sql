-- As SQLite's 0006: a failed sign-in's address event names the account it
-- was for, so that a password reset lifts that account's failures from its
-- address's count too.
ALTER TABLE throttle_events ADD COLUMN subject TEXT;
CREATE INDEX throttle_events_subject ON throttle_events (kind, subject);
