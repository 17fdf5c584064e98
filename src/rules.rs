//! What a rule is. Each rule is declared once, as a `const` value next to
//! the code that emits it (`checks::debug::CONSOLE`, `checks::history::GIT_HISTORY`, …); findings carry that value, so a misspelt rule does not
//! compile. `registry` gathers the modules' lists into the one table that
//! `shipcheck rules`, `explain`, config and suppression validation, the docs
//! and the reports read. This module is a leaf: it knows no check.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How much a finding matters. `Off` exists only in configuration: a rule
/// set to `off` produces no findings at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Notice,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "notice" => Some(Level::Notice),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The checklist area a rule belongs to (one line each in summaries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    DebugCode,
    Todos,
    Environment,
    Secrets,
    Stripe,
    Migrations,
    Security,
    Infrastructure,
    Scan,
    /// Other tools' results read with `--import`: not in [`Area::ALL`],
    /// shown only by a run that imported something.
    Imported,
    /// The manual checklist items a pull request must tick
    /// (`checklist.require-on`): not in [`Area::ALL`], shown only when
    /// ticking is required of the run.
    Checklist,
}

impl Area {
    /// Every area, in checklist order (the order of the enum, which
    /// `Ord` follows).
    pub const ALL: [Area; 9] = [
        Area::DebugCode,
        Area::Todos,
        Area::Environment,
        Area::Secrets,
        Area::Stripe,
        Area::Migrations,
        Area::Security,
        Area::Infrastructure,
        Area::Scan,
    ];

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
            Area::Security => "security",
            Area::Infrastructure => "infrastructure",
            Area::Scan => "scan",
            Area::Imported => "imported",
            Area::Checklist => "checklist",
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
            Area::Security => "HTTPS, CORS, security headers and rate limits configured",
            Area::Infrastructure => "Containers, compose, proxy and app server production-ready",
            Area::Scan => "Scan complete",
            Area::Imported => "Other tools' results clean",
            Area::Checklist => "Manual checklist items ticked",
        }
    }

    /// The area with this [`Area::slug`].
    pub fn from_slug(slug: &str) -> Option<Area> {
        Area::ALL
            .into_iter()
            .chain([Area::Imported, Area::Checklist])
            .find(|a| a.slug() == slug)
    }
}

/// What a rule judges, which decides whether `--new-only` may filter its
/// findings by the diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judged {
    /// Lines of the repository: a finding on a line the branch did not
    /// touch is not new, and `--new-only` drops it.
    Lines,
    /// The deployed state or the run itself (production values, the live
    /// database, the scan): no diff introduces it line by line, so
    /// `--new-only` never drops it.
    State,
}

impl Judged {
    /// `lines` or `state` (`shipcheck rules --format json`, the rule index).
    pub fn as_str(self) -> &'static str {
        match self {
            Judged::Lines => "lines",
            Judged::State => "state",
        }
    }
}

#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    /// `None`: off unless enabled in config.
    pub default_level: Option<Level>,
    pub area: Area,
    /// One line, shown by `shipcheck rules`.
    pub summary: &'static str,
    /// Per-rule options accepted in `.shipcheck.yml` besides `level`.
    pub options: &'static [&'static str],
    pub judged: Judged,
    /// Markdown with the headings in [`DOC_HEADINGS`] (`docs/rules/<id with
    /// `-` for `/`>.md`).
    pub doc: &'static str,
    /// The module that declares and emits it (`module_path!()`): where its
    /// code is.
    pub module: &'static str,
}

/// Rules are values with an id that the registry keeps unique: two are the
/// same rule when their ids are equal.
impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.id == other.id
    }
}
impl Eq for Rule {}

/// `finding.rule == "debug/console"`: a rule is its id.
impl PartialEq<str> for Rule {
    fn eq(&self, id: &str) -> bool {
        self.id == id
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// A rule's doc page, compiled in: `rule_doc!("debug-console")` is
/// `docs/rules/debug-console.md`.
#[macro_export]
macro_rules! rule_doc {
    ($file:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/rules/",
            $file,
            ".md"
        ))
    };
}

/// Every rule's doc has these sections, in this order.
pub const DOC_HEADINGS: [&str; 5] = [
    "## What it flags",
    "## Why it blocks a deploy",
    "## Example",
    "## How to fix",
    "## Config",
];

impl Rule {
    /// The source file of [`Rule::module`]: `shipcheck::checks::env` →
    /// `src/checks/env.rs` (a module with a folder of its own has its
    /// `mod.rs`-less file next to the folder).
    pub fn source_file(&self) -> String {
        let path = self
            .module
            .strip_prefix("shipcheck::")
            .unwrap_or(self.module)
            .replace("::", "/");
        format!("src/{path}.rs")
    }

    /// `docs/rules/<group>-<name>.md` and `tests/rules/<group>-<name>.txtar`
    /// share this stem.
    pub fn file_stem(&self) -> String {
        self.id.replace('/', "-")
    }

    /// `error`, `warning`, `notice` or `off`.
    pub fn level_name(&self) -> &'static str {
        self.default_level.map_or("off", |l| l.as_str())
    }
}

/// `import/<tool>/<rule>`, `import/<tool>/*` or `import/*`: ids of results
/// imported from other tools' SARIF, which no registry lists. Accepted by
/// prefix wherever a rule id is (config levels, suppressions).
pub fn is_import_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("import/") else {
        return false;
    };
    let part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match rest.split_once('/') {
        None => rest == "*",
        Some((tool, rule)) => part(tool) && (rule == "*" || (!rule.contains('/') && part(rule))),
    }
}

/// Does `pattern` (a rule id or `group/*`) name at least one rule?
pub fn pattern_matches(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix("/*") {
        // `group/*`, and for imported ids `import/<tool>/*` too.
        Some(prefix) => id
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/')),
        None => pattern == id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_patterns() {
        assert!(pattern_matches("debug/*", "debug/console"));
        assert!(!pattern_matches("debug/*", "todo/untracked"));
        assert!(pattern_matches("todo/untracked", "todo/untracked"));
        assert!(!pattern_matches("debug/consol", "debug/console"));
    }

    #[test]
    fn import_ids_by_prefix() {
        for ok in [
            "import/*",
            "import/semgrep/*",
            "import/semgrep/js.express.xss",
            "import/hadolint/DL3008",
        ] {
            assert!(is_import_id(ok), "{ok}");
        }
        for no in [
            "import/",
            "import/semgrep",
            "import/semgrep/",
            "import//x",
            "import/a/b/c",
            "imports/a/b",
            "debug/console",
        ] {
            assert!(!is_import_id(no), "{no}");
        }
    }
}
