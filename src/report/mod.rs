//! Renderers: pure `Report → bytes`, one module per format. Only `main.rs`
//! writes the bytes anywhere.

mod checklist;
mod github;
mod json;
mod junit;
mod markdown;
mod sarif;
#[cfg(test)]
mod test_report;
mod text;

use crate::checks::TodoCounts;
use crate::finding::{Finding, Level};
use crate::policy::Verdict;
use crate::rules::{Area, Rule};
use crate::workspace::Skipped;
use std::time::Duration;

pub use checklist::{CiRun, CiRuns, ItemState, ItemStatus};
pub use github::render as render_github;
pub use json::render as render_json;
pub use json::write_redacted as write_json_redacted;
pub use junit::render as render_junit;
pub use markdown::{render as render_markdown, MarkdownOptions, MAX_CHARS as MARKDOWN_MAX_CHARS};
pub use sarif::render as render_sarif;
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
    /// Findings hidden by the baseline file.
    pub baselined: usize,
    /// `--new-only` limited the findings to lines changed since the base
    /// (false when it was not asked for, or fell back to every finding).
    pub new_only: bool,
    pub todos: TodoCounts,
    /// Migration sets found, in (dir, framework) order.
    pub migration_sets: Vec<MigrationSetSummary>,
    /// Environments checked: (name, sources).
    pub environments: Vec<(String, Vec<String>)>,
    /// Checklist areas the run could not check, and why (no template, no
    /// production environment, no `--database-url`, no files). An area here
    /// is never shown as passed.
    pub not_checked: Vec<(Area, String)>,
    pub elapsed: Duration,
    /// `--rev`: the commit whose tree was judged (not the working tree).
    pub revision: Option<String>,
    /// The registry of the binary that ran (SARIF lists it as the tool's
    /// rules, so each result can point at its rule's metadata).
    pub rules: &'static [&'static Rule],
    /// SARIF files read with `--import`: with any, the imported area is
    /// shown, passed when none of their results is left.
    pub imports: usize,
    /// The checklist the summary is laid out as.
    pub checklist: crate::checklist::Checklist,
    /// The boxes of the pull request's description, when the run had one.
    pub ticks: Option<crate::checklist::Ticks>,
    /// Manual items must be ticked by this run (`checklist.require-on`):
    /// the [`Area::Checklist`] area is shown.
    pub checklist_required: bool,
    /// The head commit's other check runs (`--github` reads them before
    /// rendering).
    pub ci: CiRuns,
    /// Rule groups that had something to judge (`checks::repo::Judged`).
    pub judged_groups: Vec<&'static str>,
    /// Rules the config turned off.
    pub rules_off: Vec<&'static str>,
    /// The commit whose tree (or checkout) was judged, when git knows it.
    pub commit: Option<String>,
    /// The base the git-aware rules compared with: `origin/main (merge
    /// base 1a2b3c4d5e6f)`.
    pub base: Option<String>,
}

/// Where an area stands after a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaStatus {
    /// Checked; nothing at or above the fail level (findings below it may
    /// be there: `counts` says).
    Passed,
    /// A finding at or above the fail level.
    Failed,
    /// Not checked, and why. A blocking finding wins: the area is then
    /// `Failed` (what could be checked failed).
    NotChecked(String),
}

impl AreaStatus {
    /// `passed`, `failed`, `not_checked` (JSON).
    pub fn as_str(&self) -> &'static str {
        match self {
            AreaStatus::Passed => "passed",
            AreaStatus::Failed => "failed",
            AreaStatus::NotChecked(_) => "not_checked",
        }
    }
}

#[derive(Debug, Clone)]
pub struct AreaState {
    pub area: Area,
    pub status: AreaStatus,
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationSetSummary {
    pub framework: &'static str,
    pub dir: String,
    pub migrations: usize,
    /// What the live check did with the set (`checked live: 4 applied in
    /// _prisma_migrations`, `not checked live: no --database-url`).
    pub live: Option<String>,
    /// The last migration in the framework's order.
    pub newest: Option<String>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub notice: usize,
}

impl Report {
    /// Pass every string the report holds through the one redactor
    /// ([`crate::redact`]) — messages, help, paths, source lines (caret
    /// kept on the same code), environment sources, migration set folders,
    /// baseline entries. The engine calls it once before handing the report
    /// out, so renderers only ever see redacted text and cannot forget it.
    /// (Stale baseline entries reach the report only as
    /// `scan/stale-baseline` findings, redacted with the others.)
    pub fn redact(&mut self) {
        use crate::redact::in_place;
        let redact = |_: usize, findings: &mut [Finding]| {
            for f in findings {
                in_place(&mut f.message);
                in_place(&mut f.help);
                if let Some(p) = &mut f.path {
                    in_place(p);
                }
                f.mask_source_line();
            }
        };
        // On every core for a large report (the stress corpus's 117,000
        // findings took 11 ms on one); each finding alone.
        crate::cores::on_every_core_mut(&mut self.findings, crate::finding::LARGE_REPORT, redact);
        if let Some(b) = &mut self.verdict.branch {
            in_place(b);
        }
        for s in &mut self.migration_sets {
            in_place(&mut s.dir);
            if let Some(n) = &mut s.newest {
                in_place(n);
            }
            if let Some(l) = &mut s.live {
                in_place(l);
            }
        }
        for (name, sources) in &mut self.environments {
            in_place(name);
            sources.iter_mut().for_each(in_place);
        }
        for (_, why) in &mut self.not_checked {
            in_place(why);
        }
        if let Some(b) = &mut self.base {
            in_place(b);
        }
    }

    /// Every checklist area, in checklist order, with its status.
    /// The areas this report shows: every checklist area, and
    /// [`Area::Imported`] when the run read a SARIF file (or holds an
    /// imported result).
    pub fn areas(&self) -> Vec<Area> {
        let mut out = areas();
        if self.imports > 0 || self.findings.iter().any(|f| area_of(f) == Area::Imported) {
            out.push(Area::Imported);
        }
        if self.checklist_required || self.findings.iter().any(|f| area_of(f) == Area::Checklist) {
            out.push(Area::Checklist);
        }
        out
    }

    pub fn area_states(&self) -> Vec<AreaState> {
        self.areas()
            .into_iter()
            .map(|area| {
                let mut counts = Counts::default();
                let mut blocks = false;
                for f in self.findings.iter().filter(|f| area_of(f) == area) {
                    counts.add(f.level);
                    blocks |= self.blocks(f);
                }
                let why = self.not_checked.iter().find(|(a, _)| *a == area);
                let status = match (blocks, why) {
                    (true, _) => AreaStatus::Failed,
                    (false, Some((_, why))) => AreaStatus::NotChecked(why.clone()),
                    (false, None) => AreaStatus::Passed,
                };
                AreaState {
                    area,
                    status,
                    counts,
                }
            })
            .collect()
    }

    /// How many areas are shown as not checked.
    pub fn areas_not_checked(&self) -> usize {
        self.area_states()
            .iter()
            .filter(|s| matches!(s.status, AreaStatus::NotChecked(_)))
            .count()
    }

    /// The verdict in words: `ready`, `ready — 2 areas not checked`,
    /// `blocked`. "Ready" is never said plainly about a run that could not
    /// look at everything it claims to check.
    pub fn verdict_words(&self) -> String {
        if !self.verdict.passed {
            return "blocked".to_string();
        }
        match self.areas_not_checked() {
            0 => "ready".to_string(),
            1 => "ready — 1 area not checked".to_string(),
            n => format!("ready — {n} areas not checked"),
        }
    }

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

    /// Does this finding's level block the deploy under the report's policy?
    pub fn blocks(&self, f: &Finding) -> bool {
        f.level >= self.verdict.fail_on
    }
}

impl Counts {
    /// `2 errors, 1 warning, 0 notices`.
    pub fn describe(&self) -> String {
        format!(
            "{}, {}, {}",
            plural(self.error, "error"),
            plural(self.warning, "warning"),
            plural(self.notice, "notice")
        )
    }

    fn add(&mut self, level: Level) {
        match level {
            Level::Error => self.error += 1,
            Level::Warning => self.warning += 1,
            Level::Notice => self.notice += 1,
        }
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// The checklist areas in checklist order.
pub fn areas() -> Vec<Area> {
    Area::ALL.to_vec()
}

/// The area a finding belongs to: its rule's.
pub fn area_of(f: &Finding) -> Area {
    f.rule.area
}

/// A repo-relative `/` path as a URI reference (SARIF `artifactLocation.uri`,
/// Markdown link targets): RFC 3986 path characters stay, everything else —
/// space, `%`, `#`, `?`, `:` (a first segment with `:` would read as a
/// scheme), brackets, non-ASCII — is percent-encoded as UTF-8.
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Output formats `--format` and `--output FORMAT=FILE` accept.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    Sarif,
    Github,
    Markdown,
    Junit,
}

impl Format {
    pub const NAMES: &'static [&'static str] =
        &["text", "json", "sarif", "github", "markdown", "junit"];

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "github" => Some(Format::Github),
            "markdown" => Some(Format::Markdown),
            "junit" => Some(Format::Junit),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
        }
    }

    pub fn render(self, report: &Report, text: TextOptions) -> Vec<u8> {
        let out = match self {
            Format::Text => render_text(report, text),
            Format::Json => render_json(report),
            Format::Sarif => render_sarif(report),
            Format::Github => render_github(report),
            // From the CLI there is no repository/commit to link to; the
            // GitHub publisher calls `render_markdown` with a link base.
            Format::Markdown => render_markdown(report, &MarkdownOptions::default()),
            Format::Junit => render_junit(report),
        };
        out.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_name_parses_back_to_itself() {
        let mut seen = std::collections::HashSet::new();
        for name in Format::NAMES {
            let f = Format::parse(name).unwrap_or_else(|| panic!("{name} does not parse"));
            assert_eq!(f.name(), *name);
            assert!(seen.insert(f.name()), "{name} listed twice");
        }
        assert_eq!(Format::parse("xml"), None);
    }

    #[test]
    fn areas_follow_checklist_order_and_cover_every_rule() {
        let areas = areas();
        assert_eq!(areas.first(), Some(&Area::DebugCode));
        assert!(areas.windows(2).all(|w| w[0] < w[1]));
        for r in crate::registry::all() {
            assert!(
                areas.contains(&r.area) || r.area == Area::Checklist,
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn uri_paths_encode_what_a_uri_path_cannot_hold() {
        for (path, uri) in [
            ("src/app.ts", "src/app.ts"),
            (".env.example", ".env.example"),
            ("docs/my file.md", "docs/my%20file.md"),
            ("a#b?c%d", "a%23b%3Fc%25d"),
            ("c:/x", "c%3A/x"),
            ("café/ü.ts", "caf%C3%A9/%C3%BC.ts"),
            ("[id]/page.tsx", "%5Bid%5D/page.tsx"),
        ] {
            assert_eq!(uri_path(path), uri, "{path}");
        }
    }
}
