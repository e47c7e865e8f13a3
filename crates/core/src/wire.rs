//! JSON shapes shared by the server and the PWA (the API contract; the
//! server's OpenAPI document is generated from these).

pub mod admin;
pub mod quarter;

use crate::rating::{Channel, RatingRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `"ok"` when the server and its database answer.
    pub status: String,
    /// The server's version.
    pub version: String,
    /// Schema version of the database (the last migration applied).
    pub schema_version: u32,
}

/// Every error the API answers: a stable code for programs, a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: String,
    /// In English, for people reading the API; the app words `code` (and
    /// `reason`, `columns`) in the user's language instead.
    pub message: String,
    /// A finer, stable code where `code` has several causes. `bad_file` (a
    /// CSV import refused as a whole): `not_utf8`, `not_csv`,
    /// `missing_columns`, `too_many_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `missing_columns`: the required columns the file's header lacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
}

/// `GET /api/v1/dossiers/{code}`: what anyone holding the slip may see.
/// Never the applicant's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierPublic {
    pub code: String,
    pub procedure: String,
    pub agency: String,
    /// `yyyy-mm-dd`.
    pub received_on: String,
    pub appointed_on: String,
    pub returned_on: Option<String>,
    /// The rule set this dossier is rated under.
    pub ruleset_version: String,
    /// The citizen token, so that a citizen who typed the check code can rate.
    pub token: String,
    /// The rating already given, if any (one rating per dossier).
    pub rating: Option<GivenRating>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GivenRating {
    pub channel: Channel,
    pub answers: BTreeMap<String, String>,
    /// Server time the rating was stored (RFC 3339).
    pub received_at: String,
}

/// `POST /api/v1/ratings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingBatch {
    /// At most `MAX_BATCH` records.
    pub records: Vec<RatingRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum RecordStatus {
    /// Stored now.
    Accepted,
    /// Delivered: stored before with the same content; or, with the reason
    /// `already_rated`, not kept, the dossier holding its ratings of this
    /// channel already (one counted or set aside per channel).
    Duplicate,
    /// The dossier already holds a different rating (or the id was reused):
    /// kept aside for the office to resolve, never overwriting.
    Conflict,
    /// Refused; `reason` says why. Retrying the same record cannot help.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordResult {
    pub id: String,
    pub status: RecordStatus,
    /// Stable reason code for conflicts and rejections (see `Reason`), and
    /// `already_rated` on a duplicate that repeats a rating already set aside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResults {
    /// One result per record, in the order sent.
    pub results: Vec<RecordResult>,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficerInfo {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub agency_id: String,
    pub agency: String,
    /// `officer` (transcribes and prints slips), `office` (also imports,
    /// agency indicators, reports) or `admin` (accounts, agencies, officials).
    pub role: String,
    /// A one-time password was used: the app asks for a new one first.
    #[serde(default)]
    pub must_change_password: bool,
}

/// A signed-in session: send `Authorization: Bearer {token}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub token: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub officer: OfficerInfo,
}

/// `POST /api/v1/auth/password`: the signed-in account changes its password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// `GET /api/v1/dossiers`: a page of the signed-in officer's agency's dossiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierPage {
    pub total: u32,
    pub offset: u32,
    pub dossiers: Vec<DossierPublic>,
}

/// `GET /api/v1/slips/{code}`: what a desk prints on the evaluation slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlipData {
    pub dossier: DossierPublic,
    /// The signed citizen link, absolute: what the QR code holds.
    pub link: String,
    /// The 6-digit code for typing the dossier in by hand.
    pub check_code: String,
    /// QR code of `link`, SVG with its quiet zone.
    pub qr_svg: String,
    /// Code 128 of the dossier code, SVG with its quiet zone.
    pub barcode_svg: String,
}

/// `POST /api/v1/dossiers` (CSV): what an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// One per refused row, in file order.
    pub errors: Vec<ImportRowError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRowError {
    /// Line in the file (the header is line 1).
    pub line: u32,
    /// Stable code: `bad_code`, `bad_date`, `date_order`, `missing_value`, `too_long`, `bad_text`,
    /// `bad_row`, `unknown_agency`, `no_ruleset`, `duplicate_in_file`, `out_of_scope`,
    /// `inactive_agency`, `agency_changed`, `rated_locked` (dossiers); the agencies' and officials'
    /// imports have their own.
    pub reason: String,
    /// The column the row is refused for, by its name in the file's header, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// That cell as the file has it (trimmed, at most 100 characters), where seeing it helps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// In English, for people reading the API; the app shows `reason`, `column` and `value`.
    pub detail: String,
}

impl ImportRowError {
    pub fn new(line: usize, reason: &str, detail: String) -> Self {
        ImportRowError { line: line as u32, reason: reason.into(), column: None, value: None, detail }
    }

    /// About `column`'s cell, which holds `value`.
    pub fn at(mut self, column: &str, value: &str) -> Self {
        self.column = Some(column.into());
        self.value = Some(crate::import::shown(value));
        self
    }

    /// About `column`, its cell not shown.
    pub fn in_column(mut self, column: &str) -> Self {
        self.column = Some(column.into());
        self
    }
}

/// A quarter or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    pub year: u16,
    /// 1–4, or `None` for the whole year.
    pub quarter: Option<u8>,
}

impl Period {
    /// `2026-Q3` or `2026`, as stored.
    pub fn key(&self) -> String {
        match self.quarter {
            Some(q) => format!("{}-Q{q}", self.year),
            None => self.year.to_string(),
        }
    }

    /// Whether the period is not over on `today` (its last day is today or
    /// later): its figures are so far, and its scores, grades and ranks may
    /// still change.
    pub fn is_open_on(&self, today: crate::CivilDate) -> bool {
        self.bounds().is_some_and(|(_, last)| today <= last)
    }

    /// Whether the period has begun on `today` (its first day is today or
    /// earlier): before, it has no figures at all.
    pub fn has_begun_on(&self, today: crate::CivilDate) -> bool {
        self.bounds().is_some_and(|(first, _)| first <= today)
    }

    /// First and last day.
    pub fn bounds(&self) -> Option<(crate::CivilDate, crate::CivilDate)> {
        let (first_month, last_month) = match self.quarter {
            Some(q @ 1..=4) => (3 * q - 2, 3 * q),
            Some(_) => return None,
            None => (1, 12),
        };
        let start = crate::CivilDate::new(self.year, first_month, 1).ok()?;
        let end = if last_month == 12 {
            crate::CivilDate::new(self.year, 12, 31).ok()?
        } else {
            crate::CivilDate::new(self.year, last_month + 1, 1).ok()?.add_days(-1)?
        };
        Some((start, end))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficialRow {
    pub official_id: i64,
    pub name: String,
    pub agency: String,
    pub dossiers: u32,
    pub rated: u32,
    /// Indicator number → average points (1, 2, 3, 4, 7).
    pub averages: BTreeMap<u8, f64>,
    pub total: f64,
    /// Answers to "overall satisfaction", by scale level.
    pub satisfaction: BTreeMap<String, u32>,
    pub satisfaction_rate: Option<f64>,
}

impl OfficialRow {
    /// The total out of 10 as reports show it: "—" with no rated dossier, in
    /// brackets while some of the official's indicators have no points
    /// (those the citizen answers), as an agency's incomplete total.
    pub fn total_shown(&self) -> String {
        if self.rated == 0 {
            "—".into()
        } else if crate::scoring::OFFICIAL_INDICATORS.iter().all(|n| self.averages.contains_key(n)) {
            format!("{:.2}", self.total)
        } else {
            format!("({:.2})", self.total)
        }
    }
}

/// An agency's entries for a per-agency indicator: its own and the verified points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScorePair {
    pub self_assessed: Option<f64>,
    pub verified: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyRow {
    pub agency_id: String,
    pub name: String,
    /// `district`, `commune`, `town`, `department` …
    pub level: String,
    pub dossiers: u32,
    pub rated: u32,
    /// Ratings counted, by channel: `online`, `paper`, `kiosk`.
    pub channels: BTreeMap<String, u32>,
    /// Indicator number (1–9) → points, `null` when unknown.
    pub indicators: BTreeMap<u8, Option<f64>>,
    /// Where each known indicator came from: `dossiers`, `verified` or `self`.
    pub sources: BTreeMap<u8, String>,
    /// The per-agency indicators (5, 6, 8, 9) as entered: self-assessed and verified.
    pub entries: BTreeMap<u8, ScorePair>,
    /// Out of 18 (see `standing` and `proportional`).
    pub total: f64,
    /// `graded`, `incomplete` (some indicator unknown: not classified) or
    /// `not_rated` (no rated dossier: no grade, no rank).
    pub standing: String,
    /// The total was scaled to 18 from the known indicators (a province option).
    pub proportional: bool,
    /// Band key (see `bands`), when graded.
    pub band: Option<String>,
    /// Among the graded agencies; equal totals share a rank.
    pub rank: Option<u32>,
    /// Among the graded communes and towns (Mẫu 05).
    pub commune_rank: Option<u32>,
    /// Reasons given for deductions, by indicator.
    pub reasons: BTreeMap<u8, String>,
    /// QĐ 766 satisfaction rate over the agency's dossiers; `null` without a rated one.
    pub satisfaction_rate: Option<f64>,
    /// The agency's proposed fixes for the period (Mẫu 05, "đề xuất, kiến nghị").
    pub proposals: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuarterSatisfaction {
    pub year: u16,
    pub quarter: u8,
    pub dossiers: u32,
    pub rate: Option<f64>,
}

/// A dossier rated twice: the rating that counts and the one(s) set aside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictRow {
    pub dossier_code: String,
    pub agency_id: String,
    /// The channel of the rating counted, and of the one set aside.
    pub counted: String,
    pub set_aside: String,
    /// When the rating set aside arrived (RFC 3339).
    pub received_at: String,
    /// Whether the office has decided (which one counts is then final until decided again).
    pub decided: bool,
}

/// `GET /api/v1/reports`: a period's scores for a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub period: Period,
    /// `yyyy-mm-dd`, inclusive: dossiers returned in this range count.
    pub from: String,
    pub to: String,
    pub unit: String,
    pub unit_name: String,
    pub officials: Vec<OfficialRow>,
    pub agencies: Vec<AgencyRow>,
    pub bands: crate::bands::Bands,
    /// Satisfaction rate of the unit over the last eight quarters up to this period.
    pub quarters: Vec<QuarterSatisfaction>,
    /// Dossiers of the period rated twice, not yet decided: the first page
    /// (`GET /conflicts` pages through all of them).
    pub conflicts: Vec<ConflictRow>,
    pub conflicts_total: u32,
    /// The bands allowed proportional totals for incomplete agencies (stated on the report).
    pub proportional_totals: bool,
    /// Server time the report was made (RFC 3339).
    pub generated_at: String,
}

/// `PUT /api/v1/agency-scores`: the office's entry for a per-agency indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyScoreEntry {
    pub agency_id: String,
    pub period: Period,
    /// 5, 6, 8 or 9.
    pub indicator: u8,
    pub self_assessed: Option<f64>,
    pub verified: Option<f64>,
    pub reason: Option<String>,
}

impl DossierPublic {
    /// The dates the rules look at; `None` when the server sent a malformed one.
    pub fn dates(&self) -> Option<crate::rating::DossierDates> {
        let day = |s: &str| crate::CivilDate::parse_iso(s).ok();
        Some(crate::rating::DossierDates {
            received_on: day(&self.received_on)?,
            appointed_on: day(&self.appointed_on)?,
            returned_on: match &self.returned_on {
                Some(r) => Some(day(r)?),
                None => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Period;
    use crate::CivilDate;

    fn day(y: u16, m: u8, d: u8) -> CivilDate {
        CivilDate::new(y, m, d).unwrap()
    }

    #[test]
    fn a_period_is_open_until_its_last_day_is_over() {
        let q3 = Period { year: 2026, quarter: Some(3) };
        assert_eq!(q3.bounds(), Some((day(2026, 7, 1), day(2026, 9, 30))));
        assert!(q3.is_open_on(day(2026, 8, 15)));
        assert!(q3.is_open_on(day(2026, 9, 30)));
        assert!(!q3.is_open_on(day(2026, 10, 1)));
        // Not begun yet: not over either.
        assert!(q3.is_open_on(day(2026, 1, 2)));
        assert!(!q3.has_begun_on(day(2026, 6, 30)));
        assert!(q3.has_begun_on(day(2026, 7, 1)));
        assert!(q3.has_begun_on(day(2026, 10, 1)));
        let year = Period { year: 2026, quarter: None };
        assert!(year.is_open_on(day(2026, 12, 31)));
        assert!(!year.is_open_on(day(2027, 1, 1)));
        assert!(!Period { year: 2026, quarter: Some(5) }.is_open_on(day(2026, 1, 1)));
        assert!(!Period { year: 2026, quarter: Some(5) }.has_begun_on(day(2027, 1, 1)));
    }
}
