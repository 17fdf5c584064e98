//! Shared by the check groups' tests: run every per-file check on one
//! in-memory file and list what it found as `(rule, line)`.

use super::{Context, FileChecker, FileOutcome};
use crate::config::Settings;
use crate::lexer::Lang;
use crate::workspace::SourceFile;
use std::path::Path;

pub const TODAY: super::Date = (2026, 11, 26);

pub fn outcome(settings: &Settings, path: &str, src: &str) -> FileOutcome {
    let lang = Lang::detect(Path::new(path), src.lines().next().unwrap_or(""))
        .expect("test path has a known language");
    let checker = FileChecker::new(Context {
        settings,
        today: TODAY,
        online: true,
    });
    checker.check(&SourceFile::new(path, lang, src, settings))
}

/// The findings of the rule groups in `groups` (`debug`, `todo`, …) on one
/// file: a group's tests see only their own rules, so another group's new
/// rule cannot break them.
pub fn found_in(
    groups: &[&str],
    settings: &Settings,
    path: &str,
    src: &str,
) -> Vec<(&'static str, u32)> {
    let mut v: Vec<_> = outcome(settings, path, src)
        .findings
        .iter()
        .filter(|f| {
            groups
                .iter()
                .any(|g| f.rule.id.split('/').next() == Some(*g))
        })
        .map(|f| (f.rule.id, f.line().unwrap_or(0)))
        .collect();
    v.sort();
    v
}

/// A table row: (path, source, expected `(rule, line)` findings).
pub type Case = (&'static str, &'static str, &'static [(&'static str, u32)]);

/// The prefilter's one-byte tokens (`=` in env files, `$` in YAML) have a
/// part of their own: a file holding only them still reaches its check.
#[test]
fn one_byte_tokens_reach_their_checks() {
    let settings = Settings::defaults();
    let template = outcome(&settings, ".env.example", "A=1\n");
    assert_eq!(template.templates.len(), 1);
    let compose = outcome(
        &settings,
        "docker-compose.yml",
        "services:\n  web:\n    image: ${IMAGE}\n",
    );
    assert!(
        compose.env_reads.iter().any(|r| r.name == "IMAGE"),
        "{:?}",
        compose
            .env_reads
            .iter()
            .map(|r| &r.name)
            .collect::<Vec<_>>()
    );
}
