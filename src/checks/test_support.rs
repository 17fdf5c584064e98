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

pub fn found_with(settings: &Settings, path: &str, src: &str) -> Vec<(&'static str, u32)> {
    let mut v: Vec<_> = outcome(settings, path, src)
        .findings
        .iter()
        .map(|f| (f.rule, f.line().unwrap_or(0)))
        .collect();
    v.sort();
    v
}

pub fn found(path: &str, src: &str) -> Vec<(&'static str, u32)> {
    found_with(&Settings::defaults(), path, src)
}

/// A table row: (path, source, expected `(rule, line)` findings).
pub type Case = (&'static str, &'static str, &'static [(&'static str, u32)]);
