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
            OfficialScore {
                official_id,
                dossiers: n,
                rated: list.iter().filter(|d| d.answers.is_some()).count() as u32,
                total: averages.values().sum(),
                averages,
                satisfaction,
                satisfaction_rate: (n > 0).then(|| f64::from(n - unhappy) / f64::from(n) * 100.0),
            }
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgencyScore {
    pub agency_id: String,
    pub dossiers: u32,
    pub rated: u32,
    /// Indicators 1–9: per-dossier ones averaged, per-agency ones from the
    /// office's entries (verified over self-assessed); `None` when unknown.
    pub indicators: BTreeMap<u8, Option<f64>>,
    /// Out of 18; unknown indicators count 0.
    pub total: f64,
    pub band: Option<String>,
    /// 1 for the best; equal totals share a rank (1, 1, 3 …).
    pub rank: u32,
    /// QĐ 766 over the agency's dossiers (the commune summary, Mẫu 05).
    pub satisfaction_rate: Option<f64>,
}

pub fn score_agencies(
    agencies: &[String],
    dossiers: &[DossierFacts],
    entries: &[AgencyEntry],
    bands: &Bands,
) -> Vec<AgencyScore> {
    let mut scores: Vec<AgencyScore> = agencies
        .iter()
        .map(|agency| {
            let list: Vec<&DossierFacts> = dossiers.iter().filter(|d| &d.agency_id == agency).collect();
            let indicators: BTreeMap<u8, Option<f64>> = (1..=9u8)
                .map(|n| {
                    let entry = entries.iter().find(|e| &e.agency_id == agency && e.indicator == n);
                    let value = match entry {
                        Some(e) => e.verified.or(e.self_assessed),
                        None if OFFICIAL_INDICATORS.contains(&n) => {
                            let points: Vec<u8> = list.iter().filter_map(|d| dossier_points(d, n)).collect();
                            mean(&points)
                        }
                        None => None,
                    };
                    (n, value)
                })
                .collect();
            // `+ 0.0`: an empty float sum is -0.0, which would print as "-0.00".
            let total: f64 = indicators.values().flatten().sum::<f64>() + 0.0;
            let n = list.len() as u32;
            let unhappy = list.iter().filter(|d| is_dissatisfied(d)).count() as u32;
            AgencyScore {
                satisfaction_rate: (n > 0).then(|| f64::from(n - unhappy) / f64::from(n) * 100.0),
                agency_id: agency.clone(),
                dossiers: list.len() as u32,
                rated: list.iter().filter(|d| d.answers.is_some()).count() as u32,
                band: bands.classify(total).map(|b| b.key.clone()),
                indicators,
                total,
                rank: 0,
            }
        })
        .collect();
    // Rounded to hundredths before comparing, as the reports show them.
    let key = |s: &AgencyScore| (s.total * 100.0).round() as i64;
    let totals: Vec<i64> = scores.iter().map(key).collect();
    for s in &mut scores {
        let k = key(s);
        s.rank = 1 + totals.iter().filter(|t| **t > k).count() as u32;
    }
    scores.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.agency_id.cmp(&b.agency_id)));
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
        let agencies = score_agencies(&["A".into(), "B".into(), "C".into()], &dossiers, &entries, &Bands::builtin());
        // A: 1 + 1 + 1 + 0.5 + (5) 1 + (6) 2 + 1.5 + (8) 2 + (9) 1 = 11 → Khá (9–<12).
        // B: 1 + 1 + 1 + 2 + 2 + 2 + 0 + 2 + 2 = 13 → Tốt (12–<15). C: nothing known, 0 → Yếu.
        let summary: Vec<_> =
            agencies.iter().map(|a| (a.agency_id.as_str(), a.total, a.band.as_deref(), a.rank)).collect();
        assert_eq!(summary, [("B", 13.0, Some("good"), 1), ("A", 11.0, Some("fair"), 2), ("C", 0.0, Some("weak"), 3)]);
        assert_eq!(agencies[1].indicators[&5], Some(1.0), "the verified score wins over the self-assessed one");
        // A: 3 dossiers, 1 not satisfied; B: 1 dossier with a complaint; C: none.
        let rates: Vec<_> = agencies.iter().map(|a| a.satisfaction_rate.map(|r| (r * 100.0).round() / 100.0)).collect();
        assert_eq!(rates, [Some(0.0), Some(66.67), None]);
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
        let scores = score_agencies(&["C".into(), "B".into(), "A".into()], &[], &entries, &Bands::builtin());
        let ranks: Vec<_> = scores.iter().map(|s| (s.agency_id.as_str(), s.rank)).collect();
        assert_eq!(ranks, [("A", 1), ("B", 1), ("C", 3)]);
    }

    proptest! {
        #[test]
        fn totals_stay_in_range_and_ranks_follow_totals(values in prop::collection::vec(prop::option::of(0u8..=2), 4 * 4)) {
            let entries: Vec<AgencyEntry> = values.chunks(4).enumerate().flat_map(|(a, chunk)| {
                chunk.iter().zip([5u8, 6, 8, 9]).map(move |(v, n)| AgencyEntry {
                    agency_id: format!("X{a}"), indicator: n, self_assessed: v.map(f64::from), verified: None,
                })
            }).collect();
            let agencies: Vec<String> = (0..4).map(|a| format!("X{a}")).collect();
            let scores = score_agencies(&agencies, &[], &entries, &Bands::builtin());
            for s in &scores {
                prop_assert!((0.0..=18.0).contains(&s.total));
                prop_assert!(s.band.is_some());
                let better = scores.iter().filter(|o| o.total > s.total + 1e-9).count() as u32;
                prop_assert_eq!(s.rank, better + 1);
            }
        }
    }
}
