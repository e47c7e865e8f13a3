//! Who may do what, and where: the one place that decides.
//!
//! Every account belongs to one agency and has one role. What a role may do
//! is [`Role::may`]; where it may do it is its agency's subtree, a
//! [`Scope`] loaded with the session. Storage functions take the scope and
//! filter with [`SUBTREE`]; handlers never write scope SQL of their own.

use crate::params;
use crate::store::{DbError, Sql};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Transcribes and prints slips of its agency.
    Officer,
    /// Also imports dossiers, enters agency indicators, reads reports.
    Office,
    /// Accounts, agencies and officials of its subtree; reads reports and the audit log.
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "officer" => Some(Role::Officer),
            "office" => Some(Role::Office),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Office => "office",
            Role::Admin => "admin",
        }
    }

    /// The whole table of what each role may do.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Officer => matches!(action, ReadDossiers | EnterRatings | PrintSlips),
            Role::Office => matches!(
                action,
                ReadDossiers
                    | EnterRatings
                    | PrintSlips
                    | ImportDossiers
                    | ReadReports
                    | EnterSelfScores
                    | VerifyScores
                    | DecideRatings
                    | WriteProposals
            ),
            Role::Admin => matches!(action, Administer | ReadAudit | ReadReports),
        }
    }
}

/// Things an account may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Look dossiers up (with their citizen tokens) and list them for offline use.
    ReadDossiers,
    /// Send paper slips and kiosk ratings.
    EnterRatings,
    PrintSlips,
    ImportDossiers,
    ReadReports,
    /// An agency's own assessment of indicators 5, 6, 8, 9.
    EnterSelfScores,
    /// The verified (thẩm định) points, by an agency above the one assessed.
    VerifyScores,
    /// Which of a dossier's two ratings counts.
    DecideRatings,
    WriteProposals,
    /// Agencies, officials and accounts.
    Administer,
    ReadAudit,
}

/// A recursive query of the agencies under `$1` (itself included), named
/// `scope`: list queries start with it and keep rows whose agency is
/// `IN (SELECT id FROM scope)`.
pub const SUBTREE: &str = "WITH RECURSIVE scope (id) AS (
    SELECT id FROM agencies WHERE id = $1
    UNION
    SELECT a.id FROM agencies a JOIN scope s ON a.parent_id = s.id)";

/// The agencies an account may reach: its own and every agency below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    root: String,
    /// Agency → its parent (within the scope; the root's parent is outside it).
    parents: BTreeMap<String, Option<String>>,
}

impl Scope {
    pub fn load(sql: &mut dyn Sql, root: &str) -> Result<Scope, DbError> {
        let rows = sql.query(
            &format!("{SUBTREE} SELECT a.id, a.parent_id FROM agencies a WHERE a.id IN (SELECT id FROM scope)"),
            params![root],
        )?;
        let parents = rows
            .iter()
            .map(|r| Ok((r.get::<String>(0)?, r.get::<Option<String>>(1)?)))
            .collect::<Result<BTreeMap<_, _>, DbError>>()?;
        Ok(Scope { root: root.to_owned(), parents })
    }

    /// The account's own agency.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// Whether `agency` is the account's agency or below it.
    pub fn covers(&self, agency: &str) -> bool {
        self.parents.contains_key(agency)
    }

    /// Whether `agency` is strictly below the account's agency: what an
    /// agency above may verify, but not the agency itself.
    pub fn is_below(&self, agency: &str) -> bool {
        agency != self.root && self.covers(agency)
    }

    /// An agency just created under one of the scope's (an import's later rows may sit under it).
    pub fn add(&mut self, agency: &str, parent: Option<&str>) {
        if parent.is_some_and(|p| self.covers(p)) {
            self.parents.insert(agency.to_owned(), parent.map(str::to_owned));
        }
    }

    /// Whether the account's agency is the top of the tree (no agency above it).
    pub fn is_top(&self) -> bool {
        self.parents.get(&self.root).is_some_and(Option::is_none)
    }

    pub fn agencies(&self) -> impl Iterator<Item = &str> {
        self.parents.keys().map(String::as_str)
    }

    /// Whether `agency` has `ancestor` above it (or is it).
    pub fn descends_from(&self, agency: &str, ancestor: &str) -> bool {
        let mut at = Some(agency.to_owned());
        let mut steps = 0;
        while let Some(a) = at {
            if a == ancestor {
                return true;
            }
            steps += 1;
            if steps > self.parents.len() {
                return false;
            }
            at = self.parents.get(&a).cloned().flatten();
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_have_distinct_rights() {
        assert!(Role::Officer.may(Action::EnterRatings));
        assert!(!Role::Officer.may(Action::ReadReports), "reports are for office and admin");
        assert!(!Role::Officer.may(Action::ImportDossiers));
        assert!(Role::Office.may(Action::ImportDossiers));
        assert!(!Role::Office.may(Action::Administer));
        assert!(Role::Admin.may(Action::Administer));
        assert!(!Role::Admin.may(Action::EnterRatings), "an admin does not rate");
        for r in ["officer", "office", "admin"] {
            assert_eq!(Role::parse(r).map(Role::as_str), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn a_scope_is_a_subtree() {
        let parents = [("H45", None), ("H45.01", Some("H45")), ("H45.01.A", Some("H45.01"))]
            .into_iter()
            .map(|(a, p)| (a.to_owned(), p.map(str::to_owned)))
            .collect();
        let scope = Scope { root: "H45".into(), parents };
        assert!(scope.covers("H45") && scope.covers("H45.01.A"));
        assert!(!scope.covers("H46") && !scope.covers("H4"));
        assert!(scope.is_below("H45.01") && !scope.is_below("H45"));
        assert!(scope.descends_from("H45.01.A", "H45.01"));
        assert!(!scope.descends_from("H45.01", "H45.01.A"));
    }
}
