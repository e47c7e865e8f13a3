//! The rule sets compiled into the app, parsed once (by the browser's JSON
//! parser: see `crate::json`).

use danhgia_core::RuleBook;
use danhgia_core::rules::{BUILTIN_JSON, RuleSet};
use std::sync::OnceLock;

static BOOK: OnceLock<Option<RuleBook>> = OnceLock::new();

fn parse() -> Option<RuleBook> {
    let sets = BUILTIN_JSON.iter().map(|text| crate::json::parse::<RuleSet>(text)).collect::<Option<Vec<_>>>()?;
    RuleBook::new(sets).ok()
}

/// The built-in rule sets (validated by the core's tests); `None` only if
/// this build could not read them, which shows as "unknown rules".
pub fn book() -> Option<&'static RuleBook> {
    BOOK.get_or_init(parse).as_ref()
}
