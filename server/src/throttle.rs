//! Limits on guessing: wrong check codes and failed sign-ins are recorded in
//! the database (so limits survive a restart and hold across servers), and
//! each limit says how long the caller must wait.

use crate::params;
use crate::store::{DbError, Sql};
use std::net::IpAddr;

/// A limit on failures of one kind per key.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub kind: &'static str,
    /// Failures counted over this many seconds.
    pub window: i64,
    /// Failures allowed in the window before waiting is required.
    pub free: u32,
    /// `None`: a fixed limit — after `free` failures, wait until the oldest
    /// leaves the window. `Some((base, max))`: growing delays — each failure
    /// past `free` doubles the wait after the last one, from `base` up to
    /// `max` seconds.
    pub growing: Option<(i64, i64)>,
}

/// At most 10 wrong check codes per dossier code per hour.
pub const CHECK_CODE_PER_CODE: Limit = Limit { kind: "check_code", window: 3600, free: 10, growing: None };
/// At most 30 wrong check codes per client address per 10 minutes.
pub const CHECK_CODE_PER_ADDRESS: Limit = Limit { kind: "check_code_addr", window: 600, free: 30, growing: None };
/// Sign-ins: 5 wrong passwords per user name, then 30 s, 1 min, 2 min … up to 15 min.
pub const LOGIN_PER_USER: Limit = Limit { kind: "login_user", window: 3600, free: 5, growing: Some((30, 900)) };
/// Sign-ins: 20 wrong passwords per address, then 10 s, 20 s … up to 15 min.
pub const LOGIN_PER_ADDRESS: Limit = Limit { kind: "login_addr", window: 3600, free: 20, growing: Some((10, 900)) };

impl Limit {
    /// Seconds the caller must still wait, or `None` when it may try now.
    pub fn wait(&self, sql: &mut dyn Sql, key: &str, now: i64) -> Result<Option<i64>, DbError> {
        let since = now - self.window;
        let row = sql
            .row(
                "SELECT count(*), min(at), max(at) FROM throttle_events WHERE kind = $1 AND key = $2 AND at > $3",
                params![self.kind, key, since],
            )?
            .ok_or_else(|| DbError::Decode("no count".into()))?;
        let count: i64 = row.get(0)?;
        if count < i64::from(self.free) {
            return Ok(None);
        }
        let (oldest, newest): (Option<i64>, Option<i64>) = (row.get(1)?, row.get(2)?);
        let until = match self.growing {
            None => oldest.unwrap_or(now) + self.window,
            Some((base, max)) => {
                let doublings = u32::try_from(count - i64::from(self.free)).unwrap_or(u32::MAX).min(20);
                newest.unwrap_or(now) + base.saturating_mul(1_i64 << doublings).min(max)
            }
        };
        Ok((until > now).then_some(until - now))
    }

    /// Counts an attempt before it is judged, so that attempts made at once
    /// cannot slip past the limit together: refuses with the wait when the
    /// key is over its limit; otherwise records the attempt as a failure
    /// (withdrawn with [`Attempt::withdraw`] if it succeeds). The caller's
    /// transaction should hold nothing else: the check and the record run
    /// alone for this key.
    pub fn reserve(&self, sql: &mut dyn Sql, key: &str, now: i64) -> Result<Result<Attempt, i64>, DbError> {
        sql.serialize(&format!("throttle:{}:{key}", self.kind))?;
        if let Some(wait) = self.wait(sql, key, now)? {
            return Ok(Err(wait));
        }
        let id: i64 = sql.one(
            "INSERT INTO throttle_events (kind, key, at) VALUES ($1, $2, $3) RETURNING id",
            params![self.kind, key, now],
        )?;
        let count: i64 = sql.one(
            "SELECT count(*) FROM throttle_events WHERE kind = $1 AND key = $2 AND at > $3",
            params![self.kind, key, now - self.window],
        )?;
        Ok(Ok(Attempt { id, reached_limit: count == i64::from(self.free) }))
    }

    /// Forgets the failures of a key (a successful sign-in).
    pub fn clear(&self, sql: &mut dyn Sql, key: &str) -> Result<(), DbError> {
        sql.execute("DELETE FROM throttle_events WHERE kind = $1 AND key = $2", params![self.kind, key])?;
        Ok(())
    }

    /// Forgets the failures of any key that were for this account
    /// ([`Attempt::for_account`]): its password was reset.
    pub fn clear_account(&self, sql: &mut dyn Sql, username: &str) -> Result<(), DbError> {
        sql.execute("DELETE FROM throttle_events WHERE kind = $1 AND subject = $2", params![self.kind, username])?;
        Ok(())
    }
}

/// The key of a client address: IPv4 as is, IPv6 by its /64 (one household
/// or one phone gets a whole /64).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// An attempt counted against a limit.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    id: i64,
    /// This attempt, if it fails, is the one that reached the limit (log it once).
    pub reached_limit: bool,
}

impl Attempt {
    /// The attempt failed for this account (`None`: no account has that
    /// name): counted as before, and lifted by [`Limit::clear_account`].
    pub fn for_account(self, sql: &mut dyn Sql, username: Option<&str>) -> Result<(), DbError> {
        sql.execute("UPDATE throttle_events SET subject = $2 WHERE id = $1", params![self.id, username])?;
        Ok(())
    }

    /// The attempt succeeded: it no longer counts.
    pub fn withdraw(self, sql: &mut dyn Sql) -> Result<(), DbError> {
        sql.execute("DELETE FROM throttle_events WHERE id = $1", params![self.id])?;
        Ok(())
    }
}

/// Drops events that no limit looks at any more.
pub fn prune(sql: &mut dyn Sql, now: i64) -> Result<u64, DbError> {
    sql.execute("DELETE FROM throttle_events WHERE at < $1", params![now - 2 * 24 * 3600])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_group_ipv6_by_64() {
        assert_eq!(address_key("10.0.0.7".parse().unwrap()), "10.0.0.7");
        assert_eq!(address_key("2001:db8:1:2:aaaa::1".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2:bbbb::9".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(address_key("::ffff:10.0.0.7".parse().unwrap()), "10.0.0.7");
    }
}
