//! The one table of rules. `shipcheck rules`, `shipcheck explain`, config
//! validation, suppression validation and the reports all read this table;
//! nothing else lists rule ids.

use crate::finding::Level;

/// The checklist area a rule belongs to (one line each in summaries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    DebugCode,
    Todos,
    Environment,
    Secrets,
    Stripe,
    Migrations,
    Scan,
}

impl Area {
    pub fn title(self) -> &'static str {
        match self {
            Area::DebugCode => "Debug code removed",
            Area::Todos => "TODOs addressed or tracked",
            Area::Environment => "Environment variables set",
            Area::Secrets => "Secrets strong",
            Area::Stripe => "Stripe keys are production keys",
            Area::Migrations => "Database migrations up to date",
            Area::Scan => "Scan complete",
        }
    }
}

pub struct Rule {
    pub id: &'static str,
    /// `None`: off unless enabled in config.
    pub default_level: Option<Level>,
    pub area: Area,
    /// One line, shown by `shipcheck rules`.
    pub summary: &'static str,
    /// Per-rule options accepted in `.shipcheck.yml` besides `level`.
    pub options: &'static [&'static str],
    /// Markdown with the headings in [`DOC_HEADINGS`].
    pub doc: &'static str,
}

/// Every rule's doc has these sections, in this order.
pub const DOC_HEADINGS: [&str; 5] = [
    "## What it flags",
    "## Why it blocks a deploy",
    "## Example",
    "## How to fix",
    "## Config",
];

macro_rules! rule {
    ($id:literal, $level:expr, $area:expr, $file:literal, $summary:literal, [$($opt:literal),*]) => {
        Rule {
            id: $id,
            default_level: $level,
            area: $area,
            summary: $summary,
            options: &[$($opt),*],
            doc: include_str!(concat!("../docs/rules/", $file, ".md")),
        }
    };
}

#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    rule!("debug/console", Some(Level::Error), Area::DebugCode, "debug-console",
        "console.log/debug/trace/… in production JS/TS (allow-list: error, warn)", ["allow"]),
    rule!("debug/debugger", Some(Level::Error), Area::DebugCode, "debug-debugger",
        "`debugger` statements in production JS/TS", []),
    rule!("debug/focused-test", Some(Level::Error), Area::DebugCode, "debug-focused-test",
        "it.only / describe.only / test.only / fit / fdescribe in test files", []),
    rule!("debug/breakpoint", Some(Level::Error), Area::DebugCode, "debug-breakpoint",
        "breakpoint(), pdb/ipdb, binding.pry, byebug, dbg!, var_dump/dd, runtime.Breakpoint()", []),
    rule!("debug/print", None, Area::DebugCode, "debug-print",
        "plain prints (print(, println!, fmt.Println, System.out.println) in production code", []),
    rule!("debug/debug-mode", Some(Level::Error), Area::Environment, "debug-debug-mode",
        "NODE_ENV not production, DEBUG/APP_DEBUG true, RAILS_ENV development in a production env", []),
    rule!("todo/untracked", Some(Level::Warning), Area::Todos, "todo-untracked",
        "TODO/FIXME/XXX/HACK comment without an issue reference", ["markers", "issue-pattern"]),
    rule!("todo/expired", Some(Level::Warning), Area::Todos, "todo-expired",
        "TODO with a due date that has passed", []),
    rule!("todo/closed-issue", Some(Level::Warning), Area::Todos, "todo-closed-issue",
        "TODO referencing a GitHub issue that is closed, or that this pull request closes (--online)", []),
    rule!("env/undeclared", Some(Level::Error), Area::Environment, "env-undeclared",
        "variable read by code or docker-compose but absent from the template (.env.example)", []),
    rule!("env/no-template", Some(Level::Warning), Area::Environment, "env-no-template",
        "code reads environment variables but the repository has no template", []),
    rule!("env/missing", Some(Level::Error), Area::Environment, "env-missing",
        "variable declared in the template but absent or empty in a production environment", []),
    rule!("env/unused", Some(Level::Notice), Area::Environment, "env-unused",
        "variable in the template that nothing reads", []),
    rule!("env/duplicate-key", Some(Level::Error), Area::Environment, "env-duplicate-key",
        "a key assigned twice in one env file", []),
    rule!("env/syntax", Some(Level::Error), Area::Environment, "env-syntax",
        "a malformed line in an env file", []),
    rule!("env/committed-env-file", Some(Level::Error), Area::Environment, "env-committed-env-file",
        "a real env file (.env, .env.production, ...) tracked by git", []),
    rule!("env/public-secret", Some(Level::Error), Area::Environment, "env-public-secret",
        "a secret-looking name behind a client-exposed prefix (NEXT_PUBLIC_, VITE_, ...)", []),
    rule!("secret/too-short", Some(Level::Error), Area::Secrets, "secret-too-short",
        "a secret under its minimum length (64 for JWT/session/signing, 32 otherwise)", []),
    rule!("secret/weak", Some(Level::Error), Area::Secrets, "secret-weak",
        "a placeholder, default or otherwise non-random secret", []),
    rule!("secret/template-value", Some(Level::Error), Area::Secrets, "secret-template-value",
        "a production secret equal to the template's example value", []),
    rule!("secret/reused", Some(Level::Error), Area::Secrets, "secret-reused",
        "one value used for two different secrets", []),
    rule!("stripe/test-key-in-production", Some(Level::Error), Area::Stripe, "stripe-test-key-in-production",
        "sk_test_/pk_test_/rk_test_ key in a production environment", []),
    rule!("stripe/live-key-in-repo", Some(Level::Error), Area::Stripe, "stripe-live-key-in-repo",
        "a live secret or restricted key (sk_live_, rk_live_) written in a repository file", []),
    rule!("stripe/test-key-in-repo", Some(Level::Warning), Area::Stripe, "stripe-test-key-in-repo",
        "a test secret key written in a tracked source file", []),
    rule!("stripe/mixed-modes", Some(Level::Error), Area::Stripe, "stripe-mixed-modes",
        "live and test Stripe keys mixed in one environment", []),
    rule!("stripe/malformed-key", Some(Level::Error), Area::Stripe, "stripe-malformed-key",
        "a Stripe variable whose value has the wrong kind or shape", []),
    rule!("migrations/pending", Some(Level::Error), Area::Migrations, "migrations-pending",
        "migration in the repo not applied to the database (live)", []),
    rule!("migrations/failed", Some(Level::Error), Area::Migrations, "migrations-failed",
        "a migration recorded as failed / unfinished (live)", []),
    rule!("migrations/checksum-mismatch", Some(Level::Error), Area::Migrations, "migrations-checksum-mismatch",
        "an applied migration whose file changed since (live)", []),
    rule!("migrations/unknown-applied", Some(Level::Error), Area::Migrations, "migrations-unknown-applied",
        "applied in the database, missing from the repo (live)", []),
    rule!("migrations/schema-without-migration", Some(Level::Error), Area::Migrations, "migrations-schema-without-migration",
        "schema file changed against the base branch with no new migration", []),
    rule!("migrations/edited", Some(Level::Error), Area::Migrations, "migrations-edited",
        "a migration that exists on the base branch was modified", []),
    rule!("migrations/out-of-order", Some(Level::Warning), Area::Migrations, "migrations-out-of-order",
        "a new migration sorts before the newest one on the base branch", []),
    rule!("migrations/layout", Some(Level::Error), Area::Migrations, "migrations-layout",
        "duplicate versions, folder without SQL, lock-file provider mismatch, multiple heads, stale schema dump", []),
    rule!("suppression/invalid", Some(Level::Error), Area::Scan, "suppression-invalid",
        "shipcheck-ignore comment without a reason or naming an unknown rule", []),
    rule!("scan/unreadable", Some(Level::Warning), Area::Scan, "scan-unreadable",
        "a file in the tree that could not be read", []),
    rule!("scan/not-checked", Some(Level::Error), Area::Scan, "scan-not-checked",
        "an input `require:` names (production environment, template, database) was not given on a release branch", []),
    rule!("scan/git-unavailable", Some(Level::Warning), Area::Scan, "scan-git-unavailable",
        "git could not read the repository: what only git knows was not judged", []),
    rule!("scan/git-history", Some(Level::Warning), Area::Scan, "scan-git-history",
        "git-aware checks could not run (shallow clone, unknown base, no merge-base)", []),
    rule!("scan/stale-baseline", Some(Level::Notice), Area::Scan, "scan-stale-baseline",
        "a baseline entry that matches no finding any more: remove it", []),
    rule!("scan/expired-baseline", Some(Level::Warning), Area::Scan, "scan-expired-baseline",
        "a baseline entry past its `expires` date: its finding is reported again", []),
    rule!("scan/online-lookup", Some(Level::Notice), Area::Scan, "scan-online-lookup",
        "--online look-ups that failed (rate limit, network, no access): what they concern was not checked", []),
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Does `pattern` (a rule id or `group/*`) name at least one rule?
pub fn pattern_matches(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(group) => id.split_once('/').is_some_and(|(g, _)| g == group),
        None => pattern == id,
    }
}

pub fn pattern_is_known(pattern: &str) -> bool {
    RULES.iter().any(|r| pattern_matches(pattern, r.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rule_ids_are_unique_and_kebab_case_group_slash_name() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            let (group, name) = r.id.split_once('/').expect("group/name");
            for part in [group, name] {
                assert!(
                    !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                    "{}",
                    r.id
                );
            }
        }
    }

    #[test]
    fn every_rule_has_all_doc_sections_in_order_and_a_title() {
        for r in RULES {
            assert!(
                r.doc.starts_with(&format!("# {}\n", r.id)),
                "{} doc must start with its id",
                r.id
            );
            let mut from = 0;
            for h in DOC_HEADINGS {
                let pos = r.doc[from..]
                    .find(h)
                    .unwrap_or_else(|| panic!("{} doc lacks {h:?} (or out of order)", r.id));
                from += pos + h.len();
                let body = r.doc[from..].split("\n## ").next().unwrap_or("");
                assert!(body.trim().len() > 10, "{} section {h:?} is empty", r.id);
            }
        }
    }

    #[test]
    fn readme_rule_table_lists_every_rule() {
        let readme = include_str!("../README.md");
        for r in RULES {
            assert!(
                readme.contains(&format!("| `{}` |", r.id)),
                "README rule table lacks {}",
                r.id
            );
        }
    }

    #[test]
    fn group_patterns() {
        assert!(pattern_matches("debug/*", "debug/console"));
        assert!(!pattern_matches("debug/*", "todo/untracked"));
        assert!(pattern_is_known("todo/*"));
        assert!(!pattern_is_known("nope/*"));
        assert!(!pattern_is_known("debug/consol"));
    }
}
