//! Quarterly and yearly scores as pure functions over dossiers and ratings:
//! per dossier the points of the per-dossier indicators; per official their
//! averages, sum, counts and the QĐ 766 satisfaction rate; per agency all 9
//! indicators (the per-agency ones from the office's self-assessed and
//! verified entries), the total out of 18, classification and rank.

use crate::bands::Bands;
use crate::rating::{BLANK, DossierDates, Timeliness};
use crate::rules::{Indicator, RuleSet};
use std::collections::BTreeMap;

/// The per-dossier indicators an official is scored on (1 + 2 + 3 + 4 + 7, max 10).
pub const OFFICIAL_INDICATORS: [u8; 5] = [1, 2, 3, 4, 7];

/// One dossier of the period, with its rating if any.
#[derive(Debug, Clone)]
pub struct DossierFacts<'a> {
    pub agency_id: String,
    pub official_id: Option<i64>,
    pub dates: DossierDates,
    pub rules: &'a RuleSet,
    pub answers: Option<BTreeMap<String, String>>,
}

/// An office entry for a per-agency indicator (5, 6, 8, 9).
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyEntry {
    pub agency_id: String,
    pub indicator: u8,
    pub self_assessed: Option<f64>,
    pub verified: Option<f64>,
}

fn derived_points(ind: &Indicator, dates: &DossierDates) -> Option<u8> {
    let opts = ind.from_dates.as_ref()?;
    let key = match dates.timeliness()? {
        Timeliness::Early => &opts.early,
        Timeliness::OnTime => &opts.on_time,
        Timeliness::Late => &opts.late,
    };
    ind.option(key).map(|o| o.points)
}

/// Points of indicator `number` for a dossier: the citizen's answer if given
/// (not blank), else what the dates say; `None` when nothing is known.
pub fn dossier_points(d: &DossierFacts, number: u8) -> Option<u8> {
    let ind = d.rules.indicator(number)?;
    let answered = d
        .answers
        .as_ref()
        .and_then(|a| a.get(&ind.key))
        .filter(|v| v.as_str() != BLANK)
        .and_then(|v| ind.option(v))
        .map(|o| o.points);
    answered.or_else(|| derived_points(ind, &d.dates))
}

/// "Not satisfied" under QĐ 766: a satisfaction answer that counts as such,
/// or a complaint about attitude (indicator 7 at its lowest).
pub fn is_dissatisfied(d: &DossierFacts) -> bool {
    let Some(answers) = &d.answers else { return false };
    let unhappy = d.rules.satisfaction.iter().any(|sat| {
        sat.questions
            .iter()
            .any(|q| answers.get(&q.key).is_some_and(|a| sat.scale.iter().any(|l| l.key == *a && l.dissatisfied)))
    });
    let complaint = d.rules.indicator(7).is_some_and(|i| {
        answers.get(&i.key).and_then(|a| i.option(a)).is_some_and(|o| i.options.last().is_some_and(|w| w.key == o.key))
    });
    unhappy || complaint
}

fn mean(values: &[u8]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64)
}

#[derive(Debug, Clone, PartialEq)]
pub struct OfficialScore {
    pub official_id: i64,
    pub dossiers: u32,
    pub rated: u32,
    /// Average points of indicators 1, 2, 3, 4, 7 over the dossiers where known.
    pub averages: BTreeMap<u8, f64>,
    /// Sum of those averages (max 10).
    pub total: f64,
    /// Answers to the first satisfaction question ("overall"), by level key.
    pub satisfaction: BTreeMap<String, u32>,
    /// QĐ 766: (dossiers − dissatisfied or complained) ÷ dossiers × 100.
    pub satisfaction_rate: Option<f64>,
}

pub fn score_officials(dossiers: &[DossierFacts]) -> Vec<OfficialScore> {
    let mut by_official: BTreeMap<i64, Vec<&DossierFacts>> = BTreeMap::new();
    for d in dossiers {
        if let Some(id) = d.official_id {
            by_official.entry(id).or_default().push(d);
        }
    }
    by_official
        .into_iter()
        .map(|(official_id, list)| {
            let averages: BTreeMap<u8, f64> = OFFICIAL_INDICATORS
                .iter()
                .filter_map(|&n| {
                    let points: Vec<u8> = list.iter().filter_map(|d| dossier_points(d, n)).collect();
                    mean(&points).map(|m| (n, m))
                })
                .collect();
            let mut satisfaction = BTreeMap::new();
            for d in &list {
                let first = d.rules.satisfaction.as_ref().and_then(|s| s.questions.first());
                if let (Some(q), Some(a)) = (first, &d.answers)
                    && let Some(level) = a.get(&q.key)
                {
                    *satisfaction.entry(level.clone()).or_insert(0) += 1;
                }
            }
            let n = list.len() as u32;
            let unhappy = list.iter().filter(|d| is_dissatisfied(d)).count() as u32;
            let rated = list.iter().filter(|d| d.answers.is_some()).count() as u32;
            OfficialScore {
                official_id,
                dossiers: n,
                rated,
                total: averages.values().sum(),
                averages,
                satisfaction,
                // None before any rating, as for agencies: 100 % of dossiers
                // nobody rated said nothing.
                satisfaction_rate: (rated > 0).then(|| f64::from(n - unhappy) / f64::from(n) * 100.0),
            }
        })
        .collect()
}

/// Where an indicator's points came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointsSource {
    /// Averaged over the period's dossiers (1, 2, 3, 4, 7).
    Dossiers,
    /// The district's verified (thẩm định) entry.
    Verified,
    /// The agency's own entry, not yet verified.
    SelfAssessed,
}

impl PointsSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PointsSource::Dossiers => "dossiers",
            PointsSource::Verified => "verified",
            PointsSource::SelfAssessed => "self",
        }
    }
}

/// Whether an agency can be graded for the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// No rated dossier in the period: no grade, no rank ("Chưa có đánh giá").
    NotRated,
    /// Some of the nine indicators are unknown: the total is not classified
    /// against bands made for all nine (unless the bands allow proportional totals).
    Incomplete,
    /// Classified and ranked.
    Graded,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::NotRated => "not_rated",
            Standing::Incomplete => "incomplete",
            Standing::Graded => "graded",
        }
    }
}

/// An agency of the report: its code and level (`commune`, `town` … rank
/// among themselves in the commune summary, Mẫu 05).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub level: String,
}

impl Unit {
    /// Communes and towns: the units of the commune summary (Mẫu 05).
    pub fn is_commune_level(&self) -> bool {
        matches!(self.level.as_str(), "commune" | "town")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgencyScore {
    pub agency_id: String,
    pub dossiers: u32,
    pub rated: u32,
    /// Indicators 1–9: per-dossier ones averaged, per-agency ones from the
    /// office's entries (verified over self-assessed); `None` when unknown.
    pub indicators: BTreeMap<u8, Option<f64>>,
    /// Where each known indicator came from.
    pub sources: BTreeMap<u8, PointsSource>,
    /// Out of 18: the sum of the nine, or — when the bands allow it and some
    /// are missing — the known ones scaled to 18 (`proportional`). For an
    /// incomplete agency without that option, the sum of what is known.
    pub total: f64,
    pub proportional: bool,
    pub standing: Standing,
    /// Only when graded.
    pub band: Option<String>,
    /// Among the graded agencies: 1 for the best; equal totals (to the
    /// hundredth, as shown) share a rank (1, 1, 3 …).
    pub rank: Option<u32>,
    /// The same rule among graded communes and towns only (Mẫu 05).
    pub commune_rank: Option<u32>,
    /// QĐ 766 over the agency's dossiers; `None` with no rated dossier.
    pub satisfaction_rate: Option<f64>,
}

/// Competition ranks ("1, 1, 3") of the totals that take part, by the
/// totals as shown (rounded to hundredths): the one ranking rule of the
/// core, the PWA and the exports.
pub fn competition_ranks(totals: &[Option<f64>]) -> Vec<Option<u32>> {
    let key = |t: f64| (t * 100.0).round() as i64;
    let keys: Vec<Option<i64>> = totals.iter().map(|t| t.map(key)).collect();
    keys.iter().map(|k| k.map(|k| 1 + keys.iter().flatten().filter(|o| **o > k).count() as u32)).collect()
}

pub fn score_agencies(
    units: &[Unit],
    dossiers: &[DossierFacts],
    entries: &[AgencyEntry],
    bands: &Bands,
) -> Vec<AgencyScore> {
    let mut scores: Vec<AgencyScore> = units
        .iter()
        .map(|unit| {
            let agency = &unit.id;
            let list: Vec<&DossierFacts> = dossiers.iter().filter(|d| &d.agency_id == agency).collect();
            let mut sources = BTreeMap::new();
            let indicators: BTreeMap<u8, Option<f64>> = (1..=9u8)
                .map(|n| {
                    let entry = entries.iter().find(|e| &e.agency_id == agency && e.indicator == n);
                    let value = match entry {
                        Some(AgencyEntry { verified: Some(v), .. }) => Some((*v, PointsSource::Verified)),
                        Some(AgencyEntry { self_assessed: Some(v), .. }) => Some((*v, PointsSource::SelfAssessed)),
                        _ if OFFICIAL_INDICATORS.contains(&n) => {
                            let points: Vec<u8> = list.iter().filter_map(|d| dossier_points(d, n)).collect();
                            mean(&points).map(|m| (m, PointsSource::Dossiers))
                        }
                        _ => None,
                    };
                    if let Some((_, source)) = value {
                        sources.insert(n, source);
                    }
                    (n, value.map(|(v, _)| v))
                })
                .collect();
            let known = indicators.values().flatten().count();
            // `+ 0.0`: an empty float sum is -0.0, which would print as "-0.00".
            let sum: f64 = indicators.values().flatten().sum::<f64>() + 0.0;
            let rated = list.iter().filter(|d| d.answers.is_some()).count() as u32;
            let (standing, total, proportional) = if rated == 0 {
                (Standing::NotRated, sum, false)
            } else if known == 9 {
                (Standing::Graded, sum, false)
            } else if bands.proportional_when_incomplete && known > 0 {
                (Standing::Graded, sum / (2.0 * known as f64) * bands.max, true)
            } else {
                (Standing::Incomplete, sum, false)
            };
            let n = list.len() as u32;
            let unhappy = list.iter().filter(|d| is_dissatisfied(d)).count() as u32;
            AgencyScore {
                satisfaction_rate: (rated > 0).then(|| f64::from(n - unhappy) / f64::from(n) * 100.0),
                agency_id: agency.clone(),
                dossiers: n,
                rated,
                band: (standing == Standing::Graded).then(|| bands.classify(total).map(|b| b.key.clone())).flatten(),
                indicators,
                sources,
                total,
                proportional,
                standing,
                rank: None,
                commune_rank: None,
            }
        })
        .collect();
    let graded = |s: &AgencyScore| (s.standing == Standing::Graded).then_some(s.total);
    let ranks = competition_ranks(&scores.iter().map(graded).collect::<Vec<_>>());
    let commune_totals: Vec<Option<f64>> =
        scores.iter().zip(units).map(|(s, u)| graded(s).filter(|_| u.is_commune_level())).collect();
    let commune_ranks = competition_ranks(&commune_totals);
    for ((s, r), c) in scores.iter_mut().zip(ranks).zip(commune_ranks) {
        s.rank = r;
        s.commune_rank = c;
    }
    // Ranked first (best first), then the others by code.
    scores.sort_by(|a, b| {
        a.rank.unwrap_or(u32::MAX).cmp(&b.rank.unwrap_or(u32::MAX)).then_with(|| a.agency_id.cmp(&b.agency_id))
    });
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CivilDate, RuleBook};
    use proptest::prelude::*;

    fn day(s: &str) -> CivilDate {
        CivilDate::parse_vn(s).unwrap()
    }

    fn dossier<'a>(
        rules: &'a RuleSet,
        agency: &str,
        official: i64,
        returned: &str,
        answers: Option<&[(&str, &str)]>,
    ) -> DossierFacts<'a> {
        DossierFacts {
            agency_id: agency.into(),
            official_id: Some(official),
            dates: DossierDates {
                received_on: day("01/07/2026"),
                appointed_on: day("10/07/2026"),
                returned_on: Some(day(returned)),
            },
            rules,
            answers: answers.map(|a| a.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
        }
    }

    /// Expected figures worked out by hand from TT 01's points (2/1/0), not
    /// from this code's output.
    #[test]
    fn golden_quarter() {
        let book = RuleBook::builtin();
        let rules = book.by_version("tt01-qd766-2022").unwrap();
        let happy = [
            ("s_overall", "very_satisfied"),
            ("s_convenience", "satisfied"),
            ("s_timeliness", "very_satisfied"),
            ("s_attitude", "very_satisfied"),
            ("i3", "none"),
            ("i4", "desk_only"),
            ("i7", "early_no_complaint"),
        ];
        let unhappy = [
            ("s_overall", "dissatisfied"),
            ("s_convenience", "satisfied"),
            ("s_timeliness", "satisfied"),
            ("s_attitude", "satisfied"),
            ("i3", "more"),
            ("i4", "more"),
            ("i7", "on_time_no_complaint"),
        ];
        let complaint = [
            ("s_overall", "satisfied"),
            ("s_convenience", "satisfied"),
            ("s_timeliness", "satisfied"),
            ("s_attitude", "satisfied"),
            ("i3", "once"),
            ("i4", "none"),
            ("i7", "complaint"),
        ];
        let dossiers = vec![
            // Official 1 (agency A): early + happy; late + unhappy; on time, not rated.
            dossier(rules, "A", 1, "08/07/2026", Some(&happy)),
            dossier(rules, "A", 1, "12/07/2026", Some(&unhappy)),
            dossier(rules, "A", 1, "10/07/2026", None),
            // Official 2 (agency B): on time + complaint.
            dossier(rules, "B", 2, "10/07/2026", Some(&complaint)),
        ];
        let officials = score_officials(&dossiers);
        let o1 = &officials[0];
        // i1, i2 from dates: early 2, late 0, on time 1 → mean 1 each.
        // i3: 2 (none), 0 (more) → 1; i4: 1 (desk only), 0 (more) → 0.5; i7: 2, 1 → 1.5.
        assert_eq!((o1.dossiers, o1.rated), (3, 2));
        assert_eq!(o1.averages, BTreeMap::from([(1, 1.0), (2, 1.0), (3, 1.0), (4, 0.5), (7, 1.5)]));
        assert_eq!(o1.total, 5.0);
        assert_eq!(o1.satisfaction, BTreeMap::from([("very_satisfied".into(), 1), ("dissatisfied".into(), 1)]));
        // 3 dossiers, 1 not satisfied → 66.67 %.
        assert!((o1.satisfaction_rate.unwrap() - 200.0 / 3.0).abs() < 1e-9);
        let o2 = &officials[1];
        // On time: i1 1, i2 1; i3 once 1; i4 none 2; i7 complaint 0 → 5; the complaint makes the rate 0.
        assert_eq!(o2.total, 5.0);
        assert_eq!(o2.satisfaction_rate, Some(0.0));

        let entries = vec![
            AgencyEntry { agency_id: "A".into(), indicator: 5, self_assessed: Some(2.0), verified: Some(1.0) },
            AgencyEntry { agency_id: "A".into(), indicator: 6, self_assessed: Some(2.0), verified: None },
            AgencyEntry { agency_id: "A".into(), indicator: 8, self_assessed: Some(2.0), verified: Some(2.0) },
            AgencyEntry { agency_id: "A".into(), indicator: 9, self_assessed: Some(1.0), verified: Some(1.0) },
            AgencyEntry { agency_id: "B".into(), indicator: 5, self_assessed: Some(2.0), verified: Some(2.0) },
            AgencyEntry { agency_id: "B".into(), indicator: 6, self_assessed: Some(2.0), verified: Some(2.0) },
            AgencyEntry { agency_id: "B".into(), indicator: 8, self_assessed: Some(2.0), verified: Some(2.0) },
            AgencyEntry { agency_id: "B".into(), indicator: 9, self_assessed: Some(2.0), verified: Some(2.0) },
        ];
        let agencies = score_agencies(&units(&["A", "B", "C"]), &dossiers, &entries, &Bands::builtin());
        // A: 1 + 1 + 1 + 0.5 + (5) 1 + (6) 2 + 1.5 + (8) 2 + (9) 1 = 11 → Khá (9–<12).
        // B: 1 + 1 + 1 + 2 + 2 + 2 + 0 + 2 + 2 = 13 → Tốt (12–<15).
        // C: no dossier at all → not rated: no grade, no rank, no satisfaction rate.
        let summary: Vec<_> =
            agencies.iter().map(|a| (a.agency_id.as_str(), a.total, a.standing, a.band.as_deref(), a.rank)).collect();
        assert_eq!(
            summary,
            [
                ("B", 13.0, Standing::Graded, Some("good"), Some(1)),
                ("A", 11.0, Standing::Graded, Some("fair"), Some(2)),
                ("C", 0.0, Standing::NotRated, None, None)
            ]
        );
        assert_eq!(agencies[1].indicators[&5], Some(1.0), "the verified score wins over the self-assessed one");
        assert_eq!(agencies[1].sources[&5], PointsSource::Verified);
        assert_eq!(agencies[1].sources[&6], PointsSource::SelfAssessed);
        assert_eq!(agencies[1].sources[&1], PointsSource::Dossiers);
        // A: 3 dossiers, 1 not satisfied; B: 1 dossier with a complaint; C: none.
        let rates: Vec<_> = agencies.iter().map(|a| a.satisfaction_rate.map(|r| (r * 100.0).round() / 100.0)).collect();
        assert_eq!(rates, [Some(0.0), Some(66.67), None]);

        // Without indicator 9, A is incomplete: its sum is not classified against the 18-point bands.
        let partial: Vec<AgencyEntry> =
            entries.iter().filter(|e| !(e.agency_id == "A" && e.indicator == 9)).cloned().collect();
        let scores = score_agencies(&units(&["A", "B"]), &dossiers, &partial, &Bands::builtin());
        let a = scores.iter().find(|s| s.agency_id == "A").unwrap();
        assert_eq!((a.standing, a.total, a.band.as_deref(), a.rank), (Standing::Incomplete, 10.0, None, None));
        // A province that allows proportional totals: 10 points over 8 indicators → 10 / 16 × 18 = 11.25.
        let mut proportional = Bands::builtin();
        proportional.proportional_when_incomplete = true;
        let scores = score_agencies(&units(&["A", "B"]), &dossiers, &partial, &proportional);
        let a = scores.iter().find(|s| s.agency_id == "A").unwrap();
        assert_eq!(
            (a.standing, a.total, a.proportional, a.band.as_deref(), a.rank),
            (Standing::Graded, 11.25, true, Some("fair"), Some(2))
        );
    }

    /// An official whose dossiers nobody rated has no satisfaction rate
    /// (it read 100 %, every dossier counted as "not dissatisfied").
    #[test]
    fn an_official_with_no_rating_has_no_satisfaction_rate() {
        let book = RuleBook::builtin();
        let rules = book.by_version("tt01-qd766-2022").unwrap();
        let unrated = [dossier(rules, "H45.03", 7, "09/07/2026", None)];
        let [s] = score_officials(&unrated).try_into().unwrap();
        assert_eq!((s.dossiers, s.rated, s.satisfaction_rate), (1, 0, None));
        let rated = [dossier(rules, "H45.03", 7, "09/07/2026", Some(&[("s_overall", "satisfied")]))];
        assert_eq!(score_officials(&rated)[0].satisfaction_rate, Some(100.0));
    }

    #[test]
    fn ties_share_a_rank() {
        let entries: Vec<AgencyEntry> = ["A", "B", "C"]
            .iter()
            .zip([2.0, 2.0, 1.0])
            .map(|(a, s)| AgencyEntry {
                agency_id: a.to_string(),
                indicator: 5,
                self_assessed: Some(s),
                verified: None,
            })
            .collect();
        let mut proportional = Bands::builtin();
        proportional.proportional_when_incomplete = true;
        let dossiers: Vec<DossierFacts> = ["A", "B", "C"].iter().map(|a| rated(a)).collect();
        let scores = score_agencies(&units(&["C", "B", "A"]), &dossiers, &entries, &proportional);
        let ranks: Vec<_> = scores.iter().map(|s| (s.agency_id.as_str(), s.rank)).collect();
        assert_eq!(ranks, [("A", Some(1)), ("B", Some(1)), ("C", Some(3))]);
        assert_eq!(competition_ranks(&[Some(2.004), Some(1.996), None, Some(1.0)]), [Some(1), Some(1), None, Some(3)]);
    }

    #[test]
    fn communes_rank_among_themselves() {
        let book = RuleBook::builtin();
        let rules = book.by_version("tt01-qd766-2022").unwrap();
        let mut proportional = Bands::builtin();
        proportional.proportional_when_incomplete = true;
        let entries: Vec<AgencyEntry> = [("D", 2.0), ("X1", 1.0), ("X2", 2.0), ("T", 1.0)]
            .iter()
            .map(|(a, v)| AgencyEntry {
                agency_id: a.to_string(),
                indicator: 5,
                self_assessed: Some(*v),
                verified: None,
            })
            .collect();
        let dossiers: Vec<DossierFacts> = ["D", "X1", "X2", "T"]
            .iter()
            .map(|a| DossierFacts { answers: Some(BTreeMap::new()), ..dossier(rules, a, 1, "10/07/2026", None) })
            .collect();
        let units = vec![
            Unit { id: "D".into(), level: "district".into() },
            Unit { id: "X1".into(), level: "commune".into() },
            Unit { id: "X2".into(), level: "commune".into() },
            Unit { id: "T".into(), level: "town".into() },
        ];
        let scores = score_agencies(&units, &dossiers, &entries, &proportional);
        let ranks: BTreeMap<&str, (Option<u32>, Option<u32>)> =
            scores.iter().map(|s| (s.agency_id.as_str(), (s.rank, s.commune_rank))).collect();
        assert_eq!(ranks["D"], (Some(1), None));
        assert_eq!(ranks["X2"], (Some(1), Some(1)));
        assert_eq!(ranks["X1"].1, Some(2));
        assert_eq!(ranks["T"].1, Some(2), "a town ties with the commune of the same total");
    }

    fn units(ids: &[&str]) -> Vec<Unit> {
        ids.iter().map(|id| Unit { id: id.to_string(), level: "commune".into() }).collect()
    }

    /// A dossier of `agency` with a rating (no answers needed for the grade rules).
    fn rated(agency: &str) -> DossierFacts<'static> {
        static BOOK: std::sync::OnceLock<RuleBook> = std::sync::OnceLock::new();
        let rules = BOOK.get_or_init(RuleBook::builtin).by_version("tt01-qd766-2022").unwrap();
        DossierFacts { answers: Some(BTreeMap::new()), ..dossier(rules, agency, 1, "10/07/2026", None) }
    }

    proptest! {
        /// With any mix of entries, ratings and the proportional option:
        /// only graded agencies have a band and a rank; ranks follow the
        /// totals as shown; an agency without rated dossiers is never
        /// graded; a complete agency's total is the plain sum.
        #[test]
        fn grades_follow_the_rules(
            values in prop::collection::vec(prop::option::of(0u8..=2), 4 * 4),
            rated_mask in prop::collection::vec(any::<bool>(), 4),
            proportional in any::<bool>(),
        ) {
            let entries: Vec<AgencyEntry> = values.chunks(4).enumerate().flat_map(|(a, chunk)| {
                chunk.iter().zip([5u8, 6, 8, 9]).map(move |(v, n)| AgencyEntry {
                    agency_id: format!("X{a}"), indicator: n, self_assessed: v.map(f64::from), verified: None,
                })
            }).collect();
            let ids: Vec<String> = (0..4).map(|a| format!("X{a}")).collect();
            let dossiers: Vec<DossierFacts> = ids.iter().zip(&rated_mask).filter(|(_, r)| **r).map(|(a, _)| rated(a)).collect();
            let mut bands = Bands::builtin();
            bands.proportional_when_incomplete = proportional;
            let units: Vec<Unit> = ids.iter().map(|id| Unit { id: id.clone(), level: "commune".into() }).collect();
            let scores = score_agencies(&units, &dossiers, &entries, &bands);
            for s in &scores {
                prop_assert!((0.0..=18.0).contains(&s.total));
                prop_assert_eq!(s.band.is_some(), s.standing == Standing::Graded);
                prop_assert_eq!(s.rank.is_some(), s.standing == Standing::Graded);
                if s.rated == 0 {
                    prop_assert_eq!(s.standing, Standing::NotRated);
                    prop_assert!(s.satisfaction_rate.is_none());
                }
                if s.indicators.values().all(Option::is_some) && s.rated > 0 {
                    prop_assert_eq!(s.standing, Standing::Graded);
                    prop_assert!(!s.proportional);
                    prop_assert!((s.total - s.indicators.values().flatten().sum::<f64>()).abs() < 1e-9);
                }
                if let Some(rank) = s.rank {
                    let shown = |t: f64| (t * 100.0).round() as i64;
                    let better = scores.iter().filter(|o| o.rank.is_some() && shown(o.total) > shown(s.total)).count() as u32;
                    prop_assert_eq!(rank, better + 1);
                }
            }
        }
    }
}
