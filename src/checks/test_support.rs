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
