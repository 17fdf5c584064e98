//! Renderers: pure `Report → bytes`, one module per format. Only `main.rs`
//! writes the bytes anywhere.

mod json;
mod text;

use crate::checks::TodoCounts;
use crate::finding::{Finding, Level};
use crate::policy::Verdict;
use crate::workspace::Skipped;
use std::time::Duration;

pub use json::render as render_json;
pub use text::{render as render_text, TextOptions};

/// Everything a renderer needs about one run.
#[derive(Debug)]
pub struct Report {
    /// Sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
    pub files_scanned: usize,
    pub skipped: Skipped,
    pub suppressed: usize,
    pub todos: TodoCounts,
    /// Migration sets found, in (dir, framework) order.
    pub migration_sets: Vec<MigrationSetSummary>,
    /// Environments checked: (name, sources).
    pub environments: Vec<(String, Vec<String>)>,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationSetSummary {
    pub framework: &'static str,
    pub dir: String,
    pub migrations: usize,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub notice: usize,
}

impl Report {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.findings {
            match f.level {
                Level::Error => c.error += 1,
                Level::Warning => c.warning += 1,
                Level::Notice => c.notice += 1,
            }
        }
        c
    }
}

/// Output formats `--format` and `--output FORMAT=FILE` accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["text", "json"];

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    pub fn render(self, report: &Report, text: TextOptions) -> Vec<u8> {
        match self {
            Format::Text => render_text(report, text).into_bytes(),
            Format::Json => render_json(report).into_bytes(),
        }
    }
}
