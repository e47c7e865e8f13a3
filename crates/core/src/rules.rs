//! Rule sets: the indicators, their options and points, who supplies each,
//! and the satisfaction questions, as versioned data with an effective date.
//! A dossier is judged by the rule set in force on its received date.

use crate::{CivilDate, Text};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who supplies an indicator's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Supplier {
    /// The citizen: paper slip, rating device or online form.
    Citizen,
    /// Only the one-stop system's records.
    System,
}

/// What an indicator is scored over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Dossier,
    Agency,
    /// Scored per dossier and per agency (indicator 6 of TT 01).
    Both,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorOption {
    pub key: String,
    pub label: Text,
    pub points: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    pub number: u8,
    pub key: String,
    pub label: Text,
    pub supplier: Supplier,
    pub scope: Scope,
    /// When set, the answer follows from the returned vs appointed dates
    /// (one real system fills indicators 1 and 2 this way and locks them).
    pub from_dates: Option<DateOptions>,
    pub options: Vec<IndicatorOption>,
}

/// Which option a date comparison selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DateOptions {
    /// Returned before the appointed day.
    pub early: String,
    /// Returned on the appointed day.
    pub on_time: String,
    /// Returned after it.
    pub late: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScaleLevel {
    pub key: String,
    pub label: Text,
    /// Counts as "not satisfied" in the QĐ 766 satisfaction rate.
    pub dissatisfied: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SatisfactionQuestion {
    pub key: String,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Satisfaction {
    pub note: Text,
    pub scale: Vec<ScaleLevel>,
    pub questions: Vec<SatisfactionQuestion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSet {
    /// Stable identifier, stored with every rating.
    pub version: String,
    /// `yyyy-mm-dd`: dossiers received on or after this day use this set.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub effective_from: CivilDate,
    pub title: Text,
    pub legal_basis: Text,
    pub indicators: Vec<Indicator>,
    pub satisfaction: Option<Satisfaction>,
}

impl Indicator {
    pub fn option(&self, key: &str) -> Option<&IndicatorOption> {
        self.options.iter().find(|o| o.key == key)
    }
}

/// A question as the citizen (or the officer transcribing a slip) sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenQuestion<'a> {
    pub key: &'a str,
    pub label: &'a Text,
    /// The indicator's number, or `None` for a satisfaction question.
    pub indicator: Option<u8>,
    /// Option keys and labels, best first.
    pub choices: Vec<(&'a str, &'a Text)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    Json(String),
    Empty,
    DuplicateVersion(String),
    DuplicateEffectiveDate(CivilDate),
    Invalid { version: String, problem: String },
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleError::Json(e) => {
                write!(f, "rule set is not valid JSON of the expected shape: {e}")
            }
            RuleError::Empty => f.write_str("no rule set"),
            RuleError::DuplicateVersion(v) => write!(f, "rule set version {v} appears twice"),
            RuleError::DuplicateEffectiveDate(d) => write!(f, "two rule sets take effect on {d}"),
            RuleError::Invalid { version, problem } => write!(f, "rule set {version}: {problem}"),
        }
    }
}

impl std::error::Error for RuleError {}

/// The first key seen twice. A linear scan, not a `HashSet`: the lists are a
/// few dozen keys at most, and this runs in the citizen's app, whose download
/// then carries no hash table or hasher for it.
fn unique<'a>(keys: impl IntoIterator<Item = &'a str>) -> Result<(), &'a str> {
    let mut seen: Vec<&str> = Vec::new();
    keys.into_iter().try_for_each(|k| {
        if seen.contains(&k) {
            return Err(k);
        }
        seen.push(k);
        Ok(())
    })
}

/// A stable insertion sort by key, for the few items of a rule set. The
/// standard library's stable sort is kilobytes of wasm for each element type
/// in the citizen's download; these lists hold a handful of items.
fn sort_small_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

impl RuleSet {
    /// Checks what the type cannot: complete bilingual text, unique keys,
    /// sane options and points.
    pub fn validate(&self) -> Result<(), RuleError> {
        let fail = |problem: String| Err(RuleError::Invalid { version: self.version.clone(), problem });
        if self.version.trim().is_empty() {
            return fail("empty version".into());
        }
        if !self.title.is_complete() || !self.legal_basis.is_complete() {
            return fail("title or legal basis lacks a language".into());
        }
        if self.indicators.is_empty() {
            return fail("no indicators".into());
        }
        if let Err(k) = unique(self.indicators.iter().map(|i| i.key.as_str())) {
            return fail(format!("indicator key {k} appears twice"));
        }
        for (n, ind) in self.indicators.iter().enumerate() {
            if self.indicators[..n].iter().any(|i| i.number == ind.number) {
                return fail(format!("indicator number {} appears twice", ind.number));
            }
            if !ind.label.is_complete() {
                return fail(format!("indicator {} lacks a label in a language", ind.number));
            }
            if ind.options.len() < 2 {
                return fail(format!("indicator {} has fewer than two options", ind.number));
            }
            if let Err(k) = unique(ind.options.iter().map(|o| o.key.as_str())) {
                return fail(format!("indicator {} option {k} appears twice", ind.number));
            }
            if let Some(o) = ind.options.iter().find(|o| !o.label.is_complete() || o.key.trim().is_empty()) {
                // (Quoted by hand, not `{:?}`: Debug's escaping is kilobytes of
                // the citizen's download.)
                return fail(format!("indicator {} option '{}' lacks a key or a label", ind.number, o.key));
            }
            if ind.options.windows(2).any(|w| w[0].points <= w[1].points) {
                return fail(format!("indicator {} options must be listed best first", ind.number));
            }
        }
        if let Some(sat) = &self.satisfaction {
            if sat.scale.len() < 2 || sat.questions.is_empty() {
                return fail("satisfaction needs a scale of two levels or more and a question".into());
            }
            if !sat.note.is_complete()
                || sat.scale.iter().any(|l| !l.label.is_complete())
                || sat.questions.iter().any(|q| !q.label.is_complete())
            {
                return fail("satisfaction text lacks a language".into());
            }
            if let Err(k) = unique(sat.scale.iter().map(|l| l.key.as_str())) {
                return fail(format!("satisfaction level {k} appears twice"));
            }
            let all_keys =
                self.indicators.iter().map(|i| i.key.as_str()).chain(sat.questions.iter().map(|q| q.key.as_str()));
            if let Err(k) = unique(all_keys) {
                return fail(format!("question key {k} appears twice"));
            }
        }
        Ok(())
    }

    pub fn indicator_by_key(&self, key: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.key == key)
    }

    pub fn indicator(&self, number: u8) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.number == number)
    }

    /// What a citizen answers, in the order of the slip: the satisfaction
    /// questions first (as portals ask them since QĐ 766), then the
    /// citizen-supplied indicators by number.
    pub fn citizen_questions(&self) -> Vec<CitizenQuestion<'_>> {
        let satisfaction = self.satisfaction.iter().flat_map(|sat| {
            sat.questions.iter().map(move |q| CitizenQuestion {
                key: &q.key,
                label: &q.label,
                indicator: None,
                choices: sat.scale.iter().map(|l| (l.key.as_str(), &l.label)).collect(),
            })
        });
        let mut indicators: Vec<&Indicator> =
            self.indicators.iter().filter(|i| i.supplier == Supplier::Citizen).collect();
        sort_small_by_key(&mut indicators, |i| i.number);
        let indicators = indicators.into_iter().map(|i| CitizenQuestion {
            key: &i.key,
            label: &i.label,
            indicator: Some(i.number),
            choices: i.options.iter().map(|o| (o.key.as_str(), &o.label)).collect(),
        });
        satisfaction.chain(indicators).collect()
    }
}

/// All rule sets known, ordered by the date they take effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBook {
    sets: Vec<RuleSet>,
}

/// The rule sets shipped with the app (law as published; see domain notes),
/// as JSON: the PWA parses them with the browser's own JSON parser.
pub const BUILTIN_JSON: [&str; 2] = BUILTIN;
const BUILTIN: [&str; 2] =
    [include_str!("../rulesets/tt01-2018.json"), include_str!("../rulesets/tt01-qd766-2022.json")];

impl RuleBook {
    pub fn new(mut sets: Vec<RuleSet>) -> Result<Self, RuleError> {
        if sets.is_empty() {
            return Err(RuleError::Empty);
        }
        sets.iter().try_for_each(RuleSet::validate)?;
        if let Err(v) = unique(sets.iter().map(|s| s.version.as_str())) {
            return Err(RuleError::DuplicateVersion(v.to_owned()));
        }
        sort_small_by_key(&mut sets, |s| s.effective_from);
        if let Some(w) = sets.windows(2).find(|w| w[0].effective_from == w[1].effective_from) {
            return Err(RuleError::DuplicateEffectiveDate(w[0].effective_from));
        }
        Ok(RuleBook { sets })
    }

    pub fn from_json(documents: &[&str]) -> Result<Self, RuleError> {
        let sets = documents
            .iter()
            .map(|doc| serde_json::from_str(doc).map_err(|e| RuleError::Json(e.to_string())))
            .collect::<Result<Vec<RuleSet>, _>>()?;
        Self::new(sets)
    }

    /// The rule sets compiled into the app. Their validity is checked by the
    /// tests, so a broken one cannot ship.
    pub fn builtin() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_json(&BUILTIN).expect("built-in rule sets are validated by tests")
    }

    /// The rule set in force on `date`: the latest that took effect on or before it.
    pub fn for_date(&self, date: CivilDate) -> Option<&RuleSet> {
        self.sets.iter().rev().find(|s| s.effective_from <= date)
    }

    pub fn by_version(&self, version: &str) -> Option<&RuleSet> {
        self.sets.iter().find(|s| s.version == version)
    }

    pub fn sets(&self) -> &[RuleSet] {
        &self.sets
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> CivilDate {
        CivilDate::parse_vn(s).unwrap()
    }

    #[test]
    fn builtin_rule_sets_are_valid() {
        let book = RuleBook::from_json(&BUILTIN).unwrap();
        assert_eq!(book.sets().len(), 2);
        for set in book.sets() {
            assert_eq!(set.indicators.len(), 9);
            // 2/1/0 points each, 18 in all.
            let max: u32 = set.indicators.iter().map(|i| u32::from(i.options[0].points)).sum();
            assert_eq!(max, 18);
        }
    }

    #[test]
    fn chosen_by_date() {
        let book = RuleBook::builtin();
        assert!(book.for_date(date("05/01/2019")).is_none());
        assert_eq!(book.for_date(date("06/01/2019")).unwrap().version, "tt01-2018");
        assert_eq!(book.for_date(date("22/06/2022")).unwrap().version, "tt01-2018");
        assert_eq!(book.for_date(date("23/06/2022")).unwrap().version, "tt01-qd766-2022");
        assert_eq!(book.for_date(date("27/11/2026")).unwrap().version, "tt01-qd766-2022");
    }

    #[test]
    fn citizen_questions_follow_the_law() {
        let book = RuleBook::builtin();
        let old = book.by_version("tt01-2018").unwrap();
        let keys: Vec<_> = old.citizen_questions().iter().map(|q| q.key).collect();
        assert_eq!(keys, ["i1", "i3", "i4", "i7"]);
        let new = book.by_version("tt01-qd766-2022").unwrap();
        let qs = new.citizen_questions();
        let keys: Vec<_> = qs.iter().map(|q| q.key).collect();
        assert_eq!(keys, ["s_overall", "s_convenience", "s_timeliness", "s_attitude", "i1", "i3", "i4", "i7"]);
        assert!(new.indicator_by_key(qs[4].key).unwrap().from_dates.is_some());
        assert_eq!(qs[0].choices.len(), 3);
    }

    #[test]
    fn validation_catches_broken_data() {
        let good = RuleBook::builtin().sets()[0].clone();
        let mut missing_en = good.clone();
        missing_en.indicators[2].options[1].label.en = " ".into();
        assert!(matches!(missing_en.validate(), Err(RuleError::Invalid { .. })));
        let mut dup = good.clone();
        dup.indicators[1].number = 1;
        assert!(dup.validate().is_err());
        let mut worst_first = good.clone();
        worst_first.indicators[0].options.reverse();
        assert!(worst_first.validate().is_err());
        assert_eq!(
            RuleBook::new(vec![good.clone(), good.clone()]),
            Err(RuleError::DuplicateVersion(good.version.clone()))
        );
        let mut same_day = good.clone();
        same_day.version = "other".into();
        assert_eq!(
            RuleBook::new(vec![good.clone(), same_day]),
            Err(RuleError::DuplicateEffectiveDate(good.effective_from))
        );
        assert!(matches!(RuleBook::from_json(&["{}"]), Err(RuleError::Json(_))));
        assert_eq!(RuleBook::new(vec![]), Err(RuleError::Empty));
    }

    proptest! {
        #[test]
        fn the_set_in_force_is_the_latest_started(days in 17_000i64..22_000) {
            let book = RuleBook::builtin();
            // Any date: the chosen set started on or before it, and no later-starting set did.
            let y = 2016 + (days - 17_000) / 366;
            let d = CivilDate::new(y as u16, ((days % 12) + 1) as u8, ((days % 28) + 1) as u8).unwrap();
            match book.for_date(d) {
                Some(set) => {
                    prop_assert!(set.effective_from <= d);
                    prop_assert!(book.sets().iter().all(|s| s.effective_from <= set.effective_from || s.effective_from > d));
                }
                None => prop_assert!(book.sets().iter().all(|s| s.effective_from > d)),
            }
        }
    }
}
