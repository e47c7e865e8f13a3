-- A failed sign-in's address event names the account it was for (only
-- accounts that exist), so that an administrator's password reset lifts
-- that account's failures from its address's count too: an office behind
-- one address is not kept waiting for one officer's typos after the reset.
ALTER TABLE throttle_events ADD COLUMN subject TEXT;
CREATE INDEX throttle_events_subject ON throttle_events (kind, subject);
