//! The rule sets compiled into the app, parsed once.

use danhgia_core::RuleBook;
use std::sync::OnceLock;

static BOOK: OnceLock<RuleBook> = OnceLock::new();

pub fn book() -> &'static RuleBook {
    BOOK.get_or_init(RuleBook::builtin)
}
