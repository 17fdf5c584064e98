//! `--format json`, version 1: the contract in DESIGN.md. Field names and
//! order are fixed (struct order); new fields are only ever added.

use super::Report;
use serde::Serialize;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    passed: bool,
    fail_on: &'static str,
    branch: Option<&'a str>,
    counts: JsonCounts,
    files_scanned: usize,
    files_skipped: JsonSkipped,
    /// Files of the scanned set not fully checked, one count per reason
    /// (all but `excluded` and `symlinks` were still searched for live keys).
    skipped: std::collections::BTreeMap<&'static str, usize>,
    suppressed: usize,
    /// Findings hidden by the baseline.
    baselined: usize,
    /// The findings are limited to lines changed since the base (`--new-only`).
    new_only: bool,
    todos: JsonTodos,
    environments: Vec<JsonEnvironment<'a>>,
    migration_sets: Vec<JsonMigrationSet<'a>>,
    /// Every checklist area: `passed`, `failed` or `not_checked` (with the
    /// reason).
    areas: Vec<JsonArea>,
    /// The configured checklist's items, in order, with their state: a
    /// presentation layer over the areas, the rules, the other check runs
    /// and the pull request's ticked boxes.
    checklist: Vec<JsonItem<'a>>,
    /// Serialised one by one as written: a list of a million findings'
    /// views is not built first.
    findings: JsonFindings<'a>,
    /// `--rev`: the commit whose tree was judged, instead of the working
    /// tree (absent without `--rev`).
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonArea {
    area: &'static str,
    title: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    section: &'a str,
    item: &'a str,
    /// `passed`, `failed`, `not_checked`, `pending`, `ticked`, `unticked`
    /// or `manual` (no pull request description was read).
    state: &'static str,
    backing: JsonBacking,
    /// Why not checked, or which of its rules were not.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// Findings behind the item.
    findings: usize,
    /// The check runs behind a `ci:` item, as read with `--github`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    check_runs: Vec<JsonCheckRun<'a>>,
}

#[derive(Serialize)]
struct JsonBacking {
    /// `area`, `rules`, `ci` or `manual`.
    kind: &'static str,
    /// The area slug, rule ids or check-run name patterns.
    names: Vec<String>,
}

#[derive(Serialize)]
struct JsonCheckRun<'a> {
    name: &'a str,
    status: &'a str,
    conclusion: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEnvironment<'a> {
    name: &'a str,
    sources: &'a [String],
}

#[derive(Serialize)]
struct JsonMigrationSet<'a> {
    framework: &'a str,
    dir: &'a str,
    migrations: usize,
    /// What the live check did with the set.
    #[serde(skip_serializing_if = "Option::is_none")]
    live: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonCounts {
    error: usize,
    warning: usize,
    notice: usize,
}

#[derive(Serialize)]
struct JsonSkipped {
    too_large: usize,
    binary: usize,
    minified: usize,
}

#[derive(Serialize)]
struct JsonTodos {
    tracked: usize,
    untracked: usize,
    expired: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    level: &'static str,
    path: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    message: &'a str,
    help: &'a str,
    fingerprint: &'a str,
}

/// The findings, each turned into its JSON shape while being written.
struct JsonFindings<'a>(&'a [crate::finding::Finding]);

impl Serialize for JsonFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for f in self.0 {
            let span = f.span.as_ref();
            seq.serialize_element(&JsonFinding {
                rule: f.rule.id,
                level: f.level.as_str(),
                path: f.path.as_deref(),
                line: span.map(|s| s.line),
                column: span.map(|s| s.column),
                end_line: span.map(|s| s.end_line),
                end_column: span.map(|s| s.end_column),
                message: &f.message,
                help: &f.help,
                fingerprint: &f.fingerprint,
            })?;
        }
        seq.end()
    }
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail; the JSON is UTF-8.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The report as JSON, streamed to `w` (a large report is never held
/// whole in memory).
pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let counts = report.counts();
    let doc = JsonReport {
        version: 1,
        passed: report.verdict.passed,
        fail_on: report.verdict.fail_on.as_str(),
        branch: report.verdict.branch.as_deref(),
        counts: JsonCounts {
            error: counts.error,
            warning: counts.warning,
            notice: counts.notice,
        },
        files_scanned: report.files_scanned,
        files_skipped: JsonSkipped {
            too_large: report.skipped.too_large,
            binary: report.skipped.binary,
            minified: report.skipped.minified,
        },
        skipped: report.skipped.counts(),
        suppressed: report.suppressed,
        baselined: report.baselined,
        new_only: report.new_only,
        todos: JsonTodos {
            tracked: report.todos.tracked,
            untracked: report.todos.untracked,
            expired: report.todos.expired,
        },
        environments: report
            .environments
            .iter()
            .map(|(name, sources)| JsonEnvironment { name, sources })
            .collect(),
        migration_sets: report
            .migration_sets
            .iter()
            .map(|m| JsonMigrationSet {
                framework: m.framework,
                dir: &m.dir,
                migrations: m.migrations,
                live: m.live.as_deref(),
            })
            .collect(),
        areas: report
            .area_states()
            .into_iter()
            .map(|a| JsonArea {
                area: a.area.slug(),
                title: a.area.title(),
                status: a.status.as_str(),
                reason: match a.status {
                    super::AreaStatus::NotChecked(why) => Some(why),
                    _ => None,
                },
            })
            .collect(),
        checklist: report
            .checklist_states()
            .into_iter()
            .map(|st| JsonItem {
                section: st.section,
                item: &st.item.text,
                state: st.status.as_str(),
                backing: JsonBacking {
                    kind: st.item.backing.kind(),
                    names: st.item.backing.names(),
                },
                reason: match st.status {
                    super::ItemStatus::NotChecked(why) => Some(why),
                    _ => st.note,
                },
                findings: st.findings.len(),
                check_runs: st
                    .runs
                    .iter()
                    .map(|r| JsonCheckRun {
                        name: &r.name,
                        status: &r.status,
                        conclusion: r.conclusion.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
        findings: JsonFindings(&report.findings),
        revision: report.revision.as_deref(),
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}
