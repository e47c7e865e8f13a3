//! Rating records: what a citizen's online form or an officer's transcribed
//! slip produces, and the one validator both the PWA and the server apply.

use crate::rules::{CitizenQuestion, RuleSet};
use crate::{CivilDate, DossierCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The answer for "the citizen left this question blank" (paper slips only).
pub const BLANK: &str = "blank";
/// Longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;
/// Most records in one request.
pub const MAX_BATCH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// The citizen, on the online form.
    Online,
    /// An officer, transcribing a paper slip.
    Paper,
    /// The citizen, on the rating device at the counter (a kiosk tablet).
    Kiosk,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Online, Channel::Paper, Channel::Kiosk];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Paper => "paper",
            Channel::Kiosk => "kiosk",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Entered on a staff device (a signed-in account is needed): paper slips
    /// and the kiosk.
    pub fn needs_staff_device(self) -> bool {
        matches!(self, Channel::Paper | Channel::Kiosk)
    }
}

/// The dates of a dossier that the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DossierDates {
    pub received_on: CivilDate,
    pub appointed_on: CivilDate,
    pub returned_on: Option<CivilDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    Early,
    OnTime,
    Late,
}

impl DossierDates {
    /// Returned vs appointed day, once the result was returned.
    pub fn timeliness(&self) -> Option<Timeliness> {
        let returned = self.returned_on?;
        Some(match returned.cmp(&self.appointed_on) {
            std::cmp::Ordering::Less => Timeliness::Early,
            std::cmp::Ordering::Equal => Timeliness::OnTime,
            std::cmp::Ordering::Greater => Timeliness::Late,
        })
    }
}

/// One question of a dossier's form: asked, or already answered by its dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormQuestion<'a> {
    pub question: CitizenQuestion<'a>,
    /// The option the dates select; such a question is shown, not asked.
    pub derived: Option<&'a str>,
}

impl FormQuestion<'_> {
    pub fn is_asked(&self) -> bool {
        self.derived.is_none()
    }
}

/// The citizen's questions for one dossier, in slip order. One definition
/// serves the online form, the transcription screen and the printed slip.
pub fn form_for<'a>(rules: &'a RuleSet, dates: &DossierDates) -> Vec<FormQuestion<'a>> {
    let timeliness = dates.timeliness();
    rules
        .citizen_questions()
        .into_iter()
        .map(|question| {
            let derived = question
                .indicator
                .and_then(|n| rules.indicator(n))
                .and_then(|ind| ind.from_dates.as_ref())
                .zip(timeliness)
                .map(|(opts, t)| match t {
                    Timeliness::Early => opts.early.as_str(),
                    Timeliness::OnTime => opts.on_time.as_str(),
                    Timeliness::Late => opts.late.as_str(),
                });
            FormQuestion { question, derived }
        })
        .collect()
}

/// A rating as sent to the server. Fields are plain strings on the wire so
/// that one bad record is rejected on its own, not the whole batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingRecord {
    /// UUIDv4 made by the client when the rating was created: the idempotency key.
    pub id: String,
    pub dossier_code: String,
    /// The token of the citizen link (online ratings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen_token: Option<String>,
    pub channel: Channel,
    /// The rule set the form was built from; must be the dossier's.
    pub ruleset_version: String,
    /// Question key → option key (or `blank` on paper).
    pub answers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When the rating was made, by the client's clock (RFC 3339).
    pub client_time: String,
}

/// Why a record is refused. The codes are stable: clients translate them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    BadId,
    BadCode,
    UnknownDossier,
    BadToken,
    SignInRequired,
    RulesetMismatch,
    UnknownQuestion,
    UnknownOption,
    BlankNotAllowed,
    DerivedAnswered,
    MissingAnswer,
    CommentTooLong,
    BadComment,
    BadClientTime,
    /// Conflict: the dossier already holds a different rating.
    AlreadyRated,
    /// Conflict: this id was used before for different content.
    IdReused,
    /// The dossier is not within the signed-in account's agencies.
    OutOfScope,
}

impl Reason {
    pub const ALL: [Reason; 17] = [
        Reason::BadId,
        Reason::BadCode,
        Reason::UnknownDossier,
        Reason::BadToken,
        Reason::SignInRequired,
        Reason::RulesetMismatch,
        Reason::UnknownQuestion,
        Reason::UnknownOption,
        Reason::BlankNotAllowed,
        Reason::DerivedAnswered,
        Reason::MissingAnswer,
        Reason::CommentTooLong,
        Reason::BadComment,
        Reason::BadClientTime,
        Reason::AlreadyRated,
        Reason::IdReused,
        Reason::OutOfScope,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::BadId => "bad_id",
            Reason::BadCode => "bad_code",
            Reason::UnknownDossier => "unknown_dossier",
            Reason::BadToken => "bad_token",
            Reason::SignInRequired => "sign_in_required",
            Reason::RulesetMismatch => "ruleset_mismatch",
            Reason::UnknownQuestion => "unknown_question",
            Reason::UnknownOption => "unknown_option",
            Reason::BlankNotAllowed => "blank_not_allowed",
            Reason::DerivedAnswered => "derived_answered",
            Reason::MissingAnswer => "missing_answer",
            Reason::CommentTooLong => "comment_too_long",
            Reason::BadComment => "bad_comment",
            Reason::BadClientTime => "bad_client_time",
            Reason::AlreadyRated => "already_rated",
            Reason::IdReused => "id_reused",
            Reason::OutOfScope => "out_of_scope",
        }
    }

    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A refusal: the stable reason and a detail for logs and people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: Reason,
    pub detail: String,
}

impl Rejection {
    pub fn new(reason: Reason, detail: impl Into<String>) -> Self {
        Rejection { reason, detail: detail.into() }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reason.code(), self.detail)
    }
}

/// `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, lower-case hex.
pub fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            14 => c == b'4',
            19 => matches!(c, b'8' | b'9' | b'a' | b'b'),
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
}

/// An RFC 3339 timestamp's shape: `yyyy-mm-ddThh:mm:ss…` with a real date.
/// RFC 3339 date-time: `yyyy-mm-ddThh:mm:ss`, optional fraction, then `Z`
/// or `±hh:mm`, every field in range.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if !(20..=40).contains(&b.len()) || !s.is_ascii() || b[10] != b'T' || CivilDate::parse_iso(&s[..10]).is_err() {
        return false;
    }
    let two = |i: usize, max: u8| {
        b.get(i..i + 2).is_some_and(|d| d.iter().all(u8::is_ascii_digit) && (d[0] - b'0') * 10 + (d[1] - b'0') <= max)
    };
    if !(two(11, 23) && b[13] == b':' && two(14, 59) && b[16] == b':' && two(17, 60)) {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest.as_bytes() {
        [b'Z'] => true,
        [sign, ..] if (*sign == b'+' || *sign == b'-') && rest.len() == 6 => {
            let o = rest.as_bytes();
            let two_at = |i: usize, max: u8| {
                o[i].is_ascii_digit() && o[i + 1].is_ascii_digit() && (o[i] - b'0') * 10 + (o[i + 1] - b'0') <= max
            };
            two_at(1, 23) && o[3] == b':' && two_at(4, 59)
        }
        _ => false,
    }
}

/// Everything about a record that the rules decide. The server adds what
/// only it can check (the dossier exists, the token, the officer).
pub fn check_record(record: &RatingRecord, rules: &RuleSet, dates: &DossierDates) -> Result<(), Rejection> {
    if !is_uuid_v4(&record.id) {
        return Err(Rejection::new(Reason::BadId, "the id is not a lower-case UUIDv4"));
    }
    if let Err(e) = DossierCode::parse(&record.dossier_code) {
        return Err(Rejection::new(Reason::BadCode, e.to_string()));
    }
    if record.ruleset_version != rules.version {
        return Err(Rejection::new(
            Reason::RulesetMismatch,
            format!("the dossier is rated under {}, not {}", rules.version, record.ruleset_version),
        ));
    }
    if !is_timestamp(&record.client_time) {
        return Err(Rejection::new(Reason::BadClientTime, "client_time is not an RFC 3339 timestamp"));
    }
    if let Some(comment) = &record.comment {
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(Rejection::new(Reason::CommentTooLong, format!("at most {MAX_COMMENT_CHARS} characters")));
        }
        if comment.chars().any(|c| crate::text::is_hidden(c) && c != '\n' && c != '\t') {
            return Err(Rejection::new(Reason::BadComment, "the comment holds control or invisible characters"));
        }
    }
    let form = form_for(rules, dates);
    for (key, value) in &record.answers {
        let Some(q) = form.iter().find(|q| q.question.key == key) else {
            return Err(Rejection::new(Reason::UnknownQuestion, format!("{key} is not asked on this form")));
        };
        // A slip transcribed before its dossier was known may carry a tick for
        // a question the dates answer; it is kept (the dates still decide).
        if !q.is_asked() && record.channel != Channel::Paper {
            return Err(Rejection::new(Reason::DerivedAnswered, format!("{key} follows from the dossier's dates")));
        }
        if value == BLANK {
            if record.channel != Channel::Paper {
                return Err(Rejection::new(Reason::BlankNotAllowed, format!("{key} needs an answer")));
            }
        } else if !q.question.choices.iter().any(|(k, _)| k == value) {
            return Err(Rejection::new(Reason::UnknownOption, format!("{value} is not an option of {key}")));
        }
    }
    if let Some(q) = form.iter().find(|q| q.is_asked() && !record.answers.contains_key(q.question.key)) {
        return Err(Rejection::new(Reason::MissingAnswer, format!("{} is not answered", q.question.key)));
    }
    Ok(())
}

/// The answers being given on a form, before they become a record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub answers: BTreeMap<String, String>,
    pub comment: String,
}

impl Draft {
    pub fn choose(&mut self, key: &str, option: &str) {
        self.answers.insert(key.to_owned(), option.to_owned());
    }

    /// The asked questions still without an answer, in form order.
    pub fn missing<'a>(&self, form: &'a [FormQuestion<'a>]) -> Vec<&'a str> {
        form.iter()
            .filter(|q| q.is_asked() && !self.answers.contains_key(q.question.key))
            .map(|q| q.question.key)
            .collect()
    }

    /// The record, keeping only answers to questions this form asks.
    pub fn into_record(self, new: NewRecord<'_>) -> RatingRecord {
        let form = form_for(new.rules, new.dates);
        // `retain`, not a filtered `collect`: building a map from an iterator
        // sorts, and that sort's code was kilobytes of the citizen's download.
        let mut answers = self.answers;
        answers.retain(|k, _| form.iter().any(|q| q.is_asked() && q.question.key == k));
        let comment = self.comment.trim();
        RatingRecord {
            id: new.id,
            dossier_code: new.code.to_string(),
            citizen_token: new.citizen_token,
            channel: new.channel,
            ruleset_version: new.rules.version.clone(),
            answers,
            comment: (!comment.is_empty()).then(|| comment.to_owned()),
            client_time: new.client_time,
        }
    }
}

/// What a record needs besides the answers.
pub struct NewRecord<'a> {
    pub id: String,
    pub code: &'a DossierCode,
    pub citizen_token: Option<String>,
    pub channel: Channel,
    pub rules: &'a RuleSet,
    pub dates: &'a DossierDates,
    pub client_time: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleBook;
    use proptest::prelude::*;

    const ID: &str = "0b0f5b5e-8a6e-4c39-9b8e-2f4d3c1a7e90";

    fn dates(appointed: &str, returned: Option<&str>) -> DossierDates {
        DossierDates {
            received_on: CivilDate::parse_iso("2024-03-01").unwrap(),
            appointed_on: CivilDate::parse_iso(appointed).unwrap(),
            returned_on: returned.map(|r| CivilDate::parse_iso(r).unwrap()),
        }
    }

    fn record(
        rules: &RuleSet,
        d: &DossierDates,
        channel: Channel,
        pick: impl Fn(&FormQuestion) -> String,
    ) -> RatingRecord {
        let form = form_for(rules, d);
        let mut draft = Draft::default();
        for q in form.iter().filter(|q| q.is_asked()) {
            draft.choose(q.question.key, &pick(q));
        }
        let code = DossierCode::parse("H45.03-240301-0001").unwrap();
        draft.into_record(NewRecord {
            id: ID.into(),
            code: &code,
            citizen_token: None,
            channel,
            rules,
            dates: d,
            client_time: "2024-03-20T09:15:00.000Z".into(),
        })
    }

    #[test]
    fn indicator_1_follows_the_dates() {
        let book = RuleBook::builtin();
        let rules = book.by_version("tt01-qd766-2022").unwrap();
        let derived =
            |d: DossierDates| form_for(rules, &d).into_iter().find(|q| q.question.key == "i1").unwrap().derived;
        assert_eq!(derived(dates("2024-03-10", Some("2024-03-08"))), Some("shorter"));
        assert_eq!(derived(dates("2024-03-10", Some("2024-03-10"))), Some("equal"));
        assert_eq!(derived(dates("2024-03-10", Some("2024-03-12"))), Some("longer"));
        assert_eq!(derived(dates("2024-03-10", None)), None);
    }

    #[test]
    fn each_rule_is_enforced() {
        let book = RuleBook::builtin();
        let rules = book.by_version("tt01-qd766-2022").unwrap();
        let d = dates("2024-03-10", Some("2024-03-08"));
        let good = record(rules, &d, Channel::Online, |q| q.question.choices[0].0.to_owned());
        assert_eq!(check_record(&good, rules, &d), Ok(()));
        assert!(!good.answers.contains_key("i1"), "derived answers are not sent");

        let reason = |r: &RatingRecord| check_record(r, rules, &d).unwrap_err().reason;
        let mut r = good.clone();
        r.id = ID.to_uppercase();
        assert_eq!(reason(&r), Reason::BadId);
        let mut r = good.clone();
        r.dossier_code = "<b>".into();
        assert_eq!(reason(&r), Reason::BadCode);
        let mut r = good.clone();
        r.ruleset_version = "tt01-2018".into();
        assert_eq!(reason(&r), Reason::RulesetMismatch);
        let mut r = good.clone();
        r.client_time = "yesterday".into();
        for bad in [
            "2024-01-01T99:99:99Z",
            "2024-01-01T+++++++++",
            "2024-01-01T10:00:00",
            "2024-01-01T10:00:00.Z",
            "2024-01-01T10:00:00+7:00",
            "2024-13-01T10:00:00Z",
        ] {
            let mut r = r.clone();
            r.client_time = bad.into();
            assert_eq!(check_record(&r, rules, &d).map_err(|e| e.reason), Err(Reason::BadClientTime), "{bad}");
        }
        assert_eq!(reason(&r), Reason::BadClientTime);
        let mut r = good.clone();
        r.comment = Some("x".repeat(MAX_COMMENT_CHARS + 1));
        assert_eq!(reason(&r), Reason::CommentTooLong);
        let mut r = good.clone();
        r.comment = Some("a\u{0}b".into());
        assert_eq!(reason(&r), Reason::BadComment);
        let mut r = good.clone();
        r.answers.insert("i9".into(), "high".into());
        assert_eq!(reason(&r), Reason::UnknownQuestion);
        let mut r = good.clone();
        r.answers.insert("i1".into(), "shorter".into());
        assert_eq!(reason(&r), Reason::DerivedAnswered);
        r.channel = Channel::Paper;
        assert_eq!(check_record(&r, rules, &d), Ok(()), "a slip may carry a tick the dates answer");
        let mut r = good.clone();
        r.answers.insert("i3".into(), "twice".into());
        assert_eq!(reason(&r), Reason::UnknownOption);
        let mut r = good.clone();
        r.answers.insert("i3".into(), BLANK.into());
        assert_eq!(reason(&r), Reason::BlankNotAllowed);
        r.channel = Channel::Paper;
        assert_eq!(check_record(&r, rules, &d), Ok(()), "a blank answer is fine on paper");
        let mut r = good.clone();
        r.answers.remove("s_overall");
        assert_eq!(reason(&r), Reason::MissingAnswer);
    }

    #[test]
    fn reason_codes_round_trip() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_code(r.code()), Some(r));
        }
    }

    fn any_dates() -> impl Strategy<Value = DossierDates> {
        (0i32..60, prop::option::of(-10i32..10)).prop_map(|(appointed, returned)| {
            let day = |n: i32| CivilDate::new(2024, 1 + (n / 28) as u8, 1 + (n % 28) as u8).unwrap();
            let base = 20 + appointed;
            DossierDates { received_on: day(0), appointed_on: day(base), returned_on: returned.map(|r| day(base + r)) }
        })
    }

    proptest! {
        #[test]
        fn every_record_a_form_can_build_is_accepted(
            version in 0usize..2,
            d in any_dates(),
            paper in any::<bool>(),
            picks in prop::collection::vec(0usize..8, 16),
            comment in "[^\\p{C}\\p{Zl}\\p{Zp}]{0,50}",
        ) {
            let book = RuleBook::builtin();
            let rules = &book.sets()[version];
            let channel = if paper { Channel::Paper } else { Channel::Online };
            let form = form_for(rules, &d);
            let mut draft = Draft { comment, ..Draft::default() };
            for (i, q) in form.iter().filter(|q| q.is_asked()).enumerate() {
                let n = q.question.choices.len();
                // On paper every question may also be left blank.
                let pick = picks[i % picks.len()];
                if paper && pick >= n { draft.choose(q.question.key, BLANK) } else { draft.choose(q.question.key, q.question.choices[pick % n].0) }
            }
            prop_assert!(draft.missing(&form).is_empty());
            let code = DossierCode::parse("H45-1").unwrap();
            let r = draft.into_record(NewRecord {
                id: ID.into(), code: &code, citizen_token: None, channel, rules, dates: &d,
                client_time: "2024-03-20T09:15:00+07:00".into(),
            });
            prop_assert_eq!(check_record(&r, rules, &d), Ok(()));
        }

        #[test]
        fn answers_outside_the_rule_set_are_rejected(
            d in any_dates(),
            key in "[a-z0-9_]{1,12}",
            value in "[a-z0-9_]{1,12}",
        ) {
            let book = RuleBook::builtin();
            let rules = book.by_version("tt01-qd766-2022").unwrap();
            let form = form_for(rules, &d);
            let mut r = record(rules, &d, Channel::Paper, |q| q.question.choices[0].0.to_owned());
            // On paper, derived questions may be answered too.
            let asked = form.iter().find(|q| q.question.key == key);
            let fits = asked.is_some_and(|q| value == BLANK || q.question.choices.iter().any(|(k, _)| *k == value));
            r.answers.insert(key, value);
            prop_assert_eq!(check_record(&r, rules, &d).is_ok(), fits);
        }
    }
}
