//! Hand-built reports shared by the renderer tests: the same two findings
//! every format's golden output is written against.

use super::{MigrationSetSummary, Report};
use crate::checks::TodoCounts;
use crate::finding::{self, Finding, Level, Span};
use crate::policy::Verdict;
use crate::workspace::Skipped;
use std::time::Duration;

pub fn span(line: u32, column: u32, end_line: u32, end_column: u32) -> Span {
    Span {
        line,
        column,
        end_line,
        end_column,
    }
}

/// A report over `findings` (sorted and fingerprinted like the engine does)
/// that blocks at `fail_on` on `branch`.
pub fn report(mut findings: Vec<Finding>, fail_on: Level, branch: Option<&str>) -> Report {
    finding::finalize(&mut findings);
    let passed = !findings.iter().any(|f| f.level >= fail_on);
    Report {
        findings,
        verdict: Verdict {
            branch: branch.map(String::from),
            is_release_branch: branch == Some("main"),
            fail_on,
            passed,
        },
        files_scanned: 12,
        skipped: Skipped {
            binary: 1,
            ..Skipped::default()
        },
        suppressed: 1,
        baselined: 0,
        new_only: false,
        todos: TodoCounts {
            tracked: 2,
            untracked: 1,
            expired: 0,
        },
        migration_sets: vec![MigrationSetSummary {
            framework: "prisma",
            dir: "prisma/migrations".into(),
            migrations: 3,
            live: None,
            newest: Some("20250301_add_quiz".into()),
        }],
        environments: vec![("production".into(), vec![".env.production".into()])],
        not_checked: Vec::new(),
        elapsed: Duration::from_millis(42),
        revision: None,
        rules: crate::registry::all(),
        imports: 0,
        checklist: crate::checklist::Checklist::default(),
        ticks: None,
        checklist_required: false,
        ci: Default::default(),
        judged_groups: Vec::new(),
        rules_off: Vec::new(),
        commit: None,
        base: None,
    }
}

/// The two-finding report: a blocking `console.log` and a TODO warning on a
/// feature branch (fail-on error), so one area fails and one only warns.
pub fn two_findings() -> Report {
    report(
        vec![
            Finding::new(
                crate::registry::rule("debug/console"),
                Level::Error,
                "`console.log` call in production code",
                "delete it or use the app's logger",
            )
            .at("src/app.ts", span(3, 5, 3, 16), "    console.log(user);"),
            Finding::new(
                crate::registry::rule("todo/untracked"),
                Level::Warning,
                "TODO without an issue reference",
                "link an issue: `TODO(#123)`",
            )
            .at("src/lib/util.ts", span(10, 4, 10, 8), "// TODO fix"),
        ],
        Level::Error,
        Some("feature/x"),
    )
}
