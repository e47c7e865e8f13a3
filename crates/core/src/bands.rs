//! Classification bands (Xuất sắc, Tốt, Khá …): data per province, checked
//! when loaded so that every possible score falls in exactly one band. Each
//! band runs from its `from` (inclusive) to the next band's `from`
//! (exclusive); the last one up to `max` inclusive. Written this way, gaps
//! and overlaps cannot be expressed, only a wrong start or order, which
//! validation refuses.

use crate::Text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Band {
    pub key: String,
    pub label: Text,
    pub from: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bands {
    pub province: String,
    pub note: Text,
    pub max: f64,
    pub bands: Vec<Band>,
    /// When some of the nine indicators are unknown, scale the known ones
    /// to `max` and classify that (stated on the report). Off unless the
    /// province decides so: an incomplete total is otherwise unclassified.
    #[serde(default)]
    pub proportional_when_incomplete: bool,
}

const BUILTIN: &str = include_str!("../rulesets/bands-quangtri.json");

impl Bands {
    pub fn validate(&self) -> Result<(), String> {
        if !(self.max.is_finite() && self.max > 0.0) {
            return Err("max must be a positive number".into());
        }
        let first = self.bands.first().ok_or("no bands")?;
        if first.from != 0.0 {
            return Err("the first band must start at 0".into());
        }
        if self.bands.windows(2).any(|w| w[0].from.partial_cmp(&w[1].from) != Some(std::cmp::Ordering::Less)) {
            return Err("bands must start in increasing order".into());
        }
        if self.bands.iter().any(|b| !b.from.is_finite() || b.from > self.max) {
            return Err("every band must start within 0..=max".into());
        }
        if self.bands.iter().any(|b| !b.label.is_complete() || b.key.is_empty()) {
            return Err("every band needs a key and a label in both languages".into());
        }
        Ok(())
    }

    pub fn from_json(json: &str) -> Result<Self, String> {
        let bands: Bands = serde_json::from_str(json).map_err(|e| e.to_string())?;
        bands.validate()?;
        Ok(bands)
    }

    /// The built-in bands (checked by the tests, so a broken file cannot ship).
    pub fn builtin() -> Self {
        #[allow(clippy::expect_used)]
        Self::from_json(BUILTIN).expect("built-in bands are validated by tests")
    }

    /// The band of a score; `None` only for a score outside 0..=max (or NaN).
    pub fn classify(&self, score: f64) -> Option<&Band> {
        if !(0.0..=self.max).contains(&score) {
            return None;
        }
        self.bands.iter().rev().find(|b| score >= b.from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_example_bands_including_exactly_15() {
        let b = Bands::builtin();
        let key = |s: f64| b.classify(s).map(|b| b.key.as_str());
        assert_eq!(key(18.0), Some("excellent"));
        assert_eq!(key(15.0), Some("excellent"), "the gap one province's system left at 15");
        assert_eq!(key(14.99), Some("good"));
        assert_eq!(key(12.0), Some("good"));
        assert_eq!(key(9.0), Some("fair"));
        assert_eq!(key(6.0), Some("average"));
        assert_eq!(key(0.0), Some("weak"));
        assert_eq!(key(18.01), None);
        assert_eq!(key(f64::NAN), None);
    }

    #[test]
    fn broken_bands_are_refused() {
        let mut b = Bands::builtin();
        b.bands[0].from = 1.0;
        assert!(b.validate().is_err());
        let mut b = Bands::builtin();
        b.bands.swap(1, 2);
        assert!(b.validate().is_err());
        let mut b = Bands::builtin();
        b.bands[2].from = b.bands[1].from;
        assert!(b.validate().is_err());
        let mut b = Bands::builtin();
        b.bands[4].label.en.clear();
        assert!(b.validate().is_err());
    }

    proptest! {
        #[test]
        fn every_score_falls_in_exactly_one_band(score in 0.0f64..=18.0) {
            let b = Bands::builtin();
            let matching = b.bands.iter().enumerate().filter(|(i, band)| {
                let end = b.bands.get(i + 1).map_or(f64::INFINITY, |next| next.from);
                score >= band.from && score < end
            }).count();
            prop_assert_eq!(matching, 1);
            prop_assert!(b.classify(score).is_some());
        }

        #[test]
        fn any_valid_band_set_covers_every_score(starts in prop::collection::btree_set(1u32..180, 0..6), score in 0.0f64..=18.0) {
            let mut bands = vec![Band { key: "b0".into(), label: Text { vi: "a".into(), en: "a".into() }, from: 0.0 }];
            bands.extend(starts.iter().map(|s| Band { key: format!("b{s}"), label: Text { vi: "x".into(), en: "x".into() }, from: f64::from(*s) / 10.0 }));
            let set = Bands { province: "p".into(), note: Text { vi: "n".into(), en: "n".into() }, max: 18.0, bands, proportional_when_incomplete: false };
            prop_assert!(set.validate().is_ok());
            prop_assert!(set.classify(score).is_some());
        }
    }
}
