//! Calendar dates without time zones: the rules speak of days (received,
//! appointed, returned, "in force from"), and Vietnam writes them dd/mm/yyyy.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    year: u16,
    month: u8,
    day: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not in the expected shape (`yyyy-mm-dd` or `dd/mm/yyyy`).
    Format,
    /// The shape is right but the day does not exist (31/02, month 13 …).
    NoSuchDay,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Format => f.write_str("date must be yyyy-mm-dd or dd/mm/yyyy"),
            DateError::NoSuchDay => f.write_str("no such day in the calendar"),
        }
    }
}

impl std::error::Error for DateError {}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn digits(s: &str, len: usize) -> Result<u16, DateError> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::Format);
    }
    s.parse().map_err(|_| DateError::Format)
}

impl CivilDate {
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, DateError> {
        if !(1..=9999).contains(&year) || day == 0 || day > days_in_month(year, month) {
            return Err(DateError::NoSuchDay);
        }
        Ok(CivilDate { year, month, day })
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// `yyyy-mm-dd`, the wire and storage form.
    pub fn parse_iso(s: &str) -> Result<Self, DateError> {
        let mut parts = s.trim().split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(DateError::Format);
        };
        let (y, m, d) = (digits(y, 4)?, digits(m, 2)?, digits(d, 2)?);
        Self::new(y, m as u8, d as u8)
    }

    /// `dd/mm/yyyy` (one-digit day and month accepted), as people write it.
    pub fn parse_vn(s: &str) -> Result<Self, DateError> {
        let mut parts = s.trim().split('/');
        let (Some(d), Some(m), Some(y), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(DateError::Format);
        };
        let two = |p: &str| {
            if p.len() == 1 { digits(p, 1) } else { digits(p, 2) }
        };
        let (d, m, y) = (two(d)?, two(m)?, digits(y, 4)?);
        Self::new(y, m as u8, d as u8)
    }

    /// `dd/mm/yyyy`, for people.
    pub fn format_vn(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// Days since 1970-01-01 (negative before); for differences between dates.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (y, m, d) = (i64::from(self.year), i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01; `None` outside years 1–9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Self> {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let year = u16::try_from(year).ok()?;
        CivilDate::new(year, month as u8, day as u8).ok()
    }

    /// `days` later (or earlier, when negative).
    pub fn add_days(self, days: i64) -> Option<Self> {
        Self::from_days_since_epoch(self.days_since_epoch() + days)
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for CivilDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CivilDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CivilDate::parse_iso(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_both_forms() {
        let d = CivilDate::new(2019, 9, 1).unwrap();
        assert_eq!(CivilDate::parse_iso("2019-09-01"), Ok(d));
        assert_eq!(CivilDate::parse_vn("01/09/2019"), Ok(d));
        assert_eq!(CivilDate::parse_vn("1/9/2019"), Ok(d));
        assert_eq!(d.format_vn(), "01/09/2019");
        assert_eq!(d.to_string(), "2019-09-01");
    }

    #[test]
    fn rejects_impossible_days() {
        assert_eq!(CivilDate::parse_vn("29/02/2023"), Err(DateError::NoSuchDay));
        assert!(CivilDate::parse_vn("29/02/2024").is_ok());
        assert_eq!(CivilDate::parse_iso("2024-13-01"), Err(DateError::NoSuchDay));
        assert_eq!(CivilDate::parse_iso("2024-1-01"), Err(DateError::Format));
        assert_eq!(CivilDate::parse_vn("01-09-2019"), Err(DateError::Format));
        assert_eq!(CivilDate::parse_vn("+1/09/2019"), Err(DateError::Format));
        assert_eq!(CivilDate::parse_iso(""), Err(DateError::Format));
    }

    #[test]
    fn epoch_days() {
        assert_eq!(CivilDate::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(CivilDate::new(2000, 3, 1).unwrap().days_since_epoch(), 11_017);
    }

    proptest! {
        #[test]
        fn iso_and_vn_round_trip(y in 1u16..=9999, m in 1u8..=12, d in 1u8..=31) {
            if let Ok(date) = CivilDate::new(y, m, d) {
                prop_assert_eq!(CivilDate::parse_iso(&date.to_string()), Ok(date));
                prop_assert_eq!(CivilDate::parse_vn(&date.format_vn()), Ok(date));
            }
        }

        #[test]
        fn order_matches_epoch_days(a in 0i64..3_000_000, b in 0i64..3_000_000) {
            // Walk from a fixed date is costly; compare via constructed dates instead.
            let mk = |n: i64| {
                let y = 1900 + (n / 372) as u16;
                let m = ((n / 31) % 12 + 1) as u8;
                let d = (n % 31 + 1) as u8;
                CivilDate::new(y, m, d).ok()
            };
            if let (Some(x), Some(y)) = (mk(a), mk(b)) {
                prop_assert_eq!(x.cmp(&y), x.days_since_epoch().cmp(&y.days_since_epoch()));
            }
        }

        #[test]
        fn epoch_days_round_trip(days in -719_162i64..2_932_896) {
            let date = CivilDate::from_days_since_epoch(days).unwrap();
            prop_assert_eq!(date.days_since_epoch(), days);
            prop_assert_eq!(date.add_days(1).unwrap().days_since_epoch(), days + 1);
        }

        #[test]
        fn parsers_never_panic(s in "\\PC{0,20}") {
            let _ = CivilDate::parse_iso(&s);
            let _ = CivilDate::parse_vn(&s);
        }
    }
}
