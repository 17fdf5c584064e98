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
    /// A stable machine name (JSON `areas`, JUnit class names). An
    /// exhaustive match: a new area does not compile until it has one.
    pub fn slug(self) -> &'static str {
        match self {
            Area::DebugCode => "debug-code",
            Area::Todos => "todos",
            Area::Environment => "environment",
            Area::Secrets => "secrets",
            Area::Stripe => "stripe",
            Area::Migrations => "migrations",
            Area::Scan => "scan",
        }
    }

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
        "`console.log/debug/info/trace/dir/table/…` in production JS/TS (allow-list: `error`, `warn`)", ["allow"]),
    rule!("debug/debugger", Some(Level::Error), Area::DebugCode, "debug-debugger",
        "`debugger` statements in production JS/TS", []),
    rule!("debug/focused-test", Some(Level::Error), Area::DebugCode, "debug-focused-test",
        "`it.only`, `describe.only`, `test.only`, `test.describe.only`, `fit(`, `fdescribe(` in test files", []),
    rule!("debug/breakpoint", Some(Level::Error), Area::DebugCode, "debug-breakpoint",
        "`breakpoint()`, `pdb.set_trace()`, `import pdb`/`ipdb`, `binding.pry`, `byebug`, `dbg!`, `var_dump`/`dd(`, `runtime.Breakpoint()`", []),
    rule!("debug/print", None, Area::DebugCode, "debug-print",
        "`print(`, `println!`, `fmt.Println`, `System.out.println`, Kotlin `println`, Ruby `puts`", []),
    rule!("debug/debug-mode", Some(Level::Error), Area::Environment, "debug-debug-mode",
        "`NODE_ENV` not `production`, `DEBUG`/`APP_DEBUG` on, `RAILS_ENV=development`, … in production", []),
    rule!("todo/untracked", Some(Level::Warning), Area::Todos, "todo-untracked",
        "`TODO`/`FIXME`/`XXX`/`HACK` comment without `#123`, `owner/repo#123`, `ABC-123` or an issue URL", ["markers", "issue-pattern"]),
    rule!("todo/expired", Some(Level::Warning), Area::Todos, "todo-expired",
        "`TODO(2026-01-15)` / `TODO(by: 2026-01-15)` past its date", []),
    rule!("todo/closed-issue", Some(Level::Warning), Area::Todos, "todo-closed-issue",
        "TODO referencing a GitHub issue that is closed, or that the pull request closes (`Closes #12`); only with `--online`", []),
    rule!("env/undeclared", Some(Level::Error), Area::Environment, "env-undeclared",
        "a variable read by production code or compose but absent from the nearest template (warning if the read has a fallback)", []),
    rule!("env/no-template", Some(Level::Warning), Area::Environment, "env-no-template",
        "code reads environment variables but the repository has no template (`.env.example`)", []),
    rule!("env/missing", Some(Level::Error), Area::Environment, "env-missing",
        "a template variable absent or empty in a production environment", []),
    rule!("env/unused", Some(Level::Notice), Area::Environment, "env-unused",
        "a template variable that nothing reads", []),
    rule!("env/duplicate-key", Some(Level::Error), Area::Environment, "env-duplicate-key",
        "a key assigned twice in one env file", []),
    rule!("env/syntax", Some(Level::Error), Area::Environment, "env-syntax",
        "a malformed env-file line: no `=`, bad key, unterminated quote, text after a quote", []),
    rule!("env/committed-env-file", Some(Level::Error), Area::Environment, "env-committed-env-file",
        "`.env`, `.env.local`, `.env.production`, … tracked by git", []),
    rule!("env/public-secret", Some(Level::Error), Area::Environment, "env-public-secret",
        "a secret name behind a client-exposed prefix (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`, …)", []),
    rule!("secret/too-short", Some(Level::Error), Area::Secrets, "secret-too-short",
        "a secret shorter than 32 characters (64 for JWT, session, cookie, signing, encryption)", []),
    rule!("secret/weak", Some(Level::Error), Area::Secrets, "secret-weak",
        "a placeholder, default or low-randomness secret (`changeme`, `keyboard cat`, …)", []),
    rule!("secret/template-value", Some(Level::Error), Area::Secrets, "secret-template-value",
        "a production secret equal to the template's example value", []),
    rule!("secret/reused", Some(Level::Error), Area::Secrets, "secret-reused",
        "one value behind two secret names in one environment", []),
    rule!("stripe/test-key-in-production", Some(Level::Error), Area::Stripe, "stripe-test-key-in-production",
        "`sk_test_`, `pk_test_` or `rk_test_` key in a production environment", []),
    rule!("stripe/live-key-in-repo", Some(Level::Error), Area::Stripe, "stripe-live-key-in-repo",
        "a real `sk_live_`/`rk_live_` key in any file of the repository", []),
    rule!("stripe/test-key-in-repo", Some(Level::Warning), Area::Stripe, "stripe-test-key-in-repo",
        "a real `sk_test_`/`rk_test_` key in production source", []),
    rule!("stripe/mixed-modes", Some(Level::Error), Area::Stripe, "stripe-mixed-modes",
        "live and test Stripe keys in one environment", []),
    rule!("stripe/malformed-key", Some(Level::Error), Area::Stripe, "stripe-malformed-key",
        "a Stripe value of the wrong kind: `pk_` as secret key, webhook secret without `whsec_`, bad length", []),
    rule!("migrations/pending", Some(Level::Error), Area::Migrations, "migrations-pending",
        "(live) a migration in the repository the database has not applied", []),
    rule!("migrations/failed", Some(Level::Error), Area::Migrations, "migrations-failed",
        "(live) a migration recorded as failed or unfinished (Prisma P3009, golang-migrate dirty, sqlx/Flyway `success = false`)", []),
    rule!("migrations/checksum-mismatch", Some(Level::Error), Area::Migrations, "migrations-checksum-mismatch",
        "(live) an applied migration whose file changed since it ran", []),
    rule!("migrations/unknown-applied", Some(Level::Error), Area::Migrations, "migrations-unknown-applied",
        "(live) a migration applied in the database that no file in the repository matches", []),
    rule!("migrations/schema-without-migration", Some(Level::Error), Area::Migrations, "migrations-schema-without-migration",
        "a schema change (Prisma schema, `schema.rb`, Drizzle schema, Django models) with no new migration", []),
    rule!("migrations/edited", Some(Level::Error), Area::Migrations, "migrations-edited",
        "a migration already on the base branch modified or deleted on this branch", []),
    rule!("migrations/out-of-order", Some(Level::Warning), Area::Migrations, "migrations-out-of-order",
        "a new migration that sorts before the newest one on the base branch", []),
    rule!("migrations/layout", Some(Level::Error), Area::Migrations, "migrations-layout",
        "a broken migrations directory: duplicate versions, Prisma P3015/P3019, Alembic multiple heads, Django conflicts, stale `schema.rb`, Drizzle journal gaps, golang-migrate `up` without `down`", []),
    rule!("suppression/invalid", Some(Level::Error), Area::Scan, "suppression-invalid",
        "a `shipcheck-ignore` without a reason, or naming an unknown rule", []),
    rule!("scan/unreadable", Some(Level::Warning), Area::Scan, "scan-unreadable",
        "a file in the tree that could not be read", []),
    rule!("scan/not-checked", Some(Level::Error), Area::Scan, "scan-not-checked",
        "opt-in with `require:`: on a release branch, an input the config requires (production environment, template, database) was not given", []),
    rule!("scan/git-unavailable", Some(Level::Warning), Area::Scan, "scan-git-unavailable",
        "git could not read the repository (not installed, \"dubious ownership\"): committed env files, base-branch checks and the tracked set were not judged", []),
    rule!("scan/git-history", Some(Level::Warning), Area::Scan, "scan-git-history",
        "the git-aware migration checks or `--new-only` could not compare with the base (shallow clone, unknown base, no merge-base)", []),
    rule!("scan/stale-baseline", Some(Level::Notice), Area::Scan, "scan-stale-baseline",
        "a baseline entry that matches no finding any more: remove it", []),
    rule!("scan/expired-baseline", Some(Level::Warning), Area::Scan, "scan-expired-baseline",
        "a baseline entry past its `expires` date: its finding is reported again", []),
    rule!("scan/online-lookup", Some(Level::Notice), Area::Scan, "scan-online-lookup",
        "`--online` issue look-ups that failed (rate limit, network, no repository): those TODOs were not judged", []),
];

impl Rule {
    /// `error`, `warning`, `notice` or `off`.
    pub fn level_name(&self) -> &'static str {
        self.default_level.map_or("off", |l| l.as_str())
    }
}

/// A Markdown table of the rules in `areas` (in registry order), plus the
/// `extra` ids: what the README's rule tables hold, generated so that a rule
/// is described in one place (see `tests/readme.rs`).
pub fn markdown_table(areas: &[Area], extra: &[&str]) -> String {
    let mut out = String::from("| rule | default | flags |\n|---|---|---|\n");
    for r in RULES
        .iter()
        .filter(|r| areas.contains(&r.area) || extra.contains(&r.id))
    {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.id,
            r.level_name(),
            r.summary
        ));
    }
    out
}

/// The registry as JSON (`shipcheck rules --format json`): one object per
/// rule with its id, default level, area, summary and options.
pub fn json() -> String {
    let rules: Vec<serde_json::Value> = RULES
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "level": r.level_name(),
                "area": r.area.slug(),
                "area_title": r.area.title(),
                "summary": r.summary,
                "options": r.options,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rules).unwrap_or_default();
    s.push('\n');
    s
}

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

    /// A rule id typed wrong in a check turns its rule off without a word
    /// (`Settings::level` finds no level): every rule-id-shaped string in
    /// the sources must be a registered id or a `group/*` pattern.
    #[test]
    fn every_rule_id_written_in_the_sources_is_registered() {
        let groups: HashSet<&str> = RULES
            .iter()
            .filter_map(|r| r.id.split('/').next())
            .collect();
        let shaped = regex::Regex::new(r#""([a-z]+)/([a-z*][a-z-]*)""#).unwrap();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for c in shaped.captures_iter(&text) {
                    let (id, group) = (&c[0][1..c[0].len() - 1], &c[1]);
                    if !groups.contains(group) {
                        continue;
                    }
                    assert!(
                        find(id).is_some() || pattern_is_known(id) || id.ends_with("/consol"),
                        "{}: {id:?} is not a registered rule id",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 100,
            "only {checked} rule ids found: is the scan broken?"
        );
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
