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

/// A finding's JSON shape. A large list's findings are written by hand
/// ([`pretty_finding`]): a field added here is added there too (the tests
/// hold both equal to serde's output).
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

impl<'a> JsonFinding<'a> {
    fn of(f: &'a crate::finding::Finding) -> Self {
        let span = f.span.as_ref();
        JsonFinding {
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
        }
    }
}

/// The findings, each turned into its JSON shape while being written.
struct JsonFindings<'a>(&'a [crate::finding::Finding]);

impl Serialize for JsonFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for f in self.0 {
            seq.serialize_element(&JsonFinding::of(f))?;
        }
        seq.end()
    }
}

/// From this many findings the list is rendered on every core (the stress
/// corpus's 14,680 findings, 6.9 MB of JSON with the redactor's pass, took
/// 20 ms on one core after the walk, a sixteenth of the run), in blocks of
/// [`BLOCK`] written in order as they come: never held whole.
const PARALLEL_FROM: usize = crate::finding::LARGE_REPORT;
const BLOCK: usize = 512;

/// Where the report's findings list goes, as the pretty printer writes the
/// report with an empty one: the only `"findings"` key one level in (the
/// checklist items' counts are three levels in; a newline in a string is
/// escaped).
const EMPTY_LIST: &[u8] = b"\n  \"findings\": []";

/// The findings as `serde_json`'s pretty printer writes them as the
/// report's `findings`, between the list's opening line and its closing
/// one (byte for byte: held equal by the tests), each block of them
/// rendered on a worker thread and passed through `redact` there.
fn write_findings_parallel(
    findings: &[crate::finding::Finding],
    threads: usize,
    redact: fn(&mut Vec<u8>, &mut Vec<u8>),
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use std::sync::mpsc::{channel, sync_channel};
    let blocks: Vec<&[crate::finding::Finding]> = findings.chunks(BLOCK).collect();
    std::thread::scope(|scope| -> std::io::Result<()> {
        let mut rendered = Vec::new();
        let mut spares = Vec::new();
        for k in 0..threads {
            // Two blocks ahead at most per worker; written buffers come back.
            let (done, rx) = sync_channel::<Vec<u8>>(2);
            let (spare, spare_rx) = channel::<Vec<u8>>();
            rendered.push(rx);
            spares.push(spare);
            let blocks = &blocks;
            scope.spawn(move || {
                let mut scratch = Vec::new();
                for b in (k..blocks.len()).step_by(threads) {
                    let mut buf = spare_rx.try_recv().unwrap_or_default();
                    buf.clear();
                    render_block(blocks[b], b + 1 == blocks.len(), &mut buf);
                    redact(&mut buf, &mut scratch);
                    // The writer stopped (an error): so does the worker.
                    if done.send(buf).is_err() {
                        return;
                    }
                }
            });
        }
        for b in 0..blocks.len() {
            let Ok(buf) = rendered[b % threads].recv() else {
                // The worker panicked: the scope raises it.
                break;
            };
            w.write_all(&buf)?;
            let _ = spares[b % threads].send(buf);
        }
        Ok(())
    })
}

/// One block of the list, whole lines: each finding indented two levels
/// (the report, the list) as the pretty printer writes it, then its comma
/// unless it is the list's `last`, and the line's end.
fn render_block(block: &[crate::finding::Finding], last: bool, out: &mut Vec<u8>) {
    for (i, f) in block.iter().enumerate() {
        pretty_finding(&JsonFinding::of(f), out);
        out.extend_from_slice(if last && i + 1 == block.len() {
            b"\n"
        } else {
            b",\n"
        });
    }
}

/// One finding as `serde_json`'s pretty printer writes it two levels in
/// (the report, the list), written out by hand: the serializer's field by
/// field calls and its escaping byte by byte were most of the stress
/// corpus's 6.9 MB of JSON (held equal to serde's by the tests).
fn pretty_finding(f: &JsonFinding, out: &mut Vec<u8>) {
    fn key(out: &mut Vec<u8>, first: bool, name: &str) {
        out.extend_from_slice(if first { b"\n      \"" } else { b",\n      \"" });
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\": ");
    }
    fn number(out: &mut Vec<u8>, n: Option<u32>) {
        match n {
            Some(n) => out.extend_from_slice(crate::finding::decimal(n, &mut [0; 10]).as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
    }
    out.extend_from_slice(b"    {");
    key(out, true, "rule");
    string(out, f.rule);
    key(out, false, "level");
    string(out, f.level);
    key(out, false, "path");
    match f.path {
        Some(p) => string(out, p),
        None => out.extend_from_slice(b"null"),
    }
    for (name, n) in [
        ("line", f.line),
        ("column", f.column),
        ("end_line", f.end_line),
        ("end_column", f.end_column),
    ] {
        key(out, false, name);
        number(out, n);
    }
    key(out, false, "message");
    string(out, f.message);
    key(out, false, "help");
    string(out, f.help);
    key(out, false, "fingerprint");
    string(out, f.fingerprint);
    out.extend_from_slice(b"\n    }");
}

/// `s` as a JSON string, as `serde_json` escapes it: a string with
/// nothing to escape (a quote, a backslash, a control character) copied
/// as it is, after one pass the compiler vectorises.
fn string(out: &mut Vec<u8>, s: &str) {
    let plain = !s.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing to memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// `block` (whole lines) through the one redactor, a line at a time as
/// [`crate::redact::LineRedactor`] passes them; `scratch` is spare room.
fn redacted(block: &mut Vec<u8>, scratch: &mut Vec<u8>) {
    use std::io::Write;
    scratch.clear();
    let mut lines = crate::redact::LineRedactor::new(std::mem::take(scratch));
    // Writing to memory cannot fail.
    let _ = lines.write_all(block);
    *scratch = lines.finish().unwrap_or_default();
    std::mem::swap(block, scratch);
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
    let threads = crate::cores::cores().map_or(1, |n| n.min(8));
    write_on(report, w, threads, false)
}

/// [`write`] through the one redactor a line at a time (see
/// [`crate::redact::LineRedactor`]): what `--format json` prints. A large
/// list's blocks are redacted where they are rendered, on every core (the
/// stress corpus's 6.9 MB through one redactor on the writing thread was
/// most of the 12 ms the JSON took after the walk).
pub fn write_redacted(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let threads = crate::cores::cores().map_or(1, |n| n.min(8));
    write_on(report, w, threads, true)
}

/// [`write`], a large list rendered on `threads`; with `redact`, every
/// line through the one redactor.
fn write_on(
    report: &Report,
    w: &mut dyn std::io::Write,
    threads: usize,
    redact: bool,
) -> std::io::Result<()> {
    use std::io::Write;
    let doc = doc(report);
    if report.findings.len() < PARALLEL_FROM || threads < 2 {
        if !redact {
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            return w.write_all(b"\n");
        }
        // Buffered: the serializer's many small writes reach the redactor
        // as blocks of lines.
        let mut lines = crate::redact::LineRedactor::new(&mut *w);
        let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut lines);
        serde_json::to_writer_pretty(&mut out, &doc)?;
        out.write_all(b"\n")?;
        out.flush()?;
        drop(out);
        return lines.finish().map(drop);
    }
    let redact: fn(&mut Vec<u8>, &mut Vec<u8>) = if redact { redacted } else { |_, _| {} };
    let mut scratch = Vec::new();
    // The report around an empty list, the list written in its place.
    let around = serde_json::to_vec_pretty(&JsonReport {
        findings: JsonFindings(&[]),
        ..doc
    })?;
    let slot = memchr::memmem::rfind(&around, EMPTY_LIST)
        .map(|at| at + EMPTY_LIST.len() - "[]".len())
        .ok_or_else(|| std::io::Error::other("the report has no findings list"))?;
    let mut head = around[..slot].to_vec();
    head.extend_from_slice(b"[\n");
    redact(&mut head, &mut scratch);
    w.write_all(&head)?;
    write_findings_parallel(&report.findings, threads, redact, w)?;
    let mut tail = b"  ]".to_vec();
    tail.extend_from_slice(&around[slot + "[]".len()..]);
    tail.push(b'\n');
    redact(&mut tail, &mut scratch);
    w.write_all(&tail)
}

fn doc(report: &Report) -> JsonReport<'_> {
    let counts = report.counts();
    JsonReport {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Level};
    use crate::report::test_report::{report, span};

    /// `n` findings with every shape a field takes: no place, characters
    /// the JSON escapes, non-ASCII text.
    fn many(n: usize) -> Report {
        let findings = (0..n)
            .map(|i| {
                let f = Finding::new(
                    crate::registry::rule(if i % 3 == 0 {
                        "debug/console"
                    } else {
                        "todo/untracked"
                    }),
                    if i % 2 == 0 {
                        Level::Error
                    } else {
                        Level::Warning
                    },
                    format!("{i:06} \"quoted\" \\ tab\t é {}", "x".repeat(i % 7)),
                    "help\nline",
                );
                if i % 5 == 0 {
                    f
                } else {
                    f.at(
                        &format!("src/m_{}/f.ts", i / 4),
                        span(i as u32 + 1, 3, i as u32 + 2, 1),
                        "console.log(x)",
                    )
                }
            })
            .collect();
        report(findings, Level::Error, Some("main"))
    }

    /// The report written with its list rendered on threads is what the
    /// pretty printer writes for the whole report in one pass, byte for
    /// byte: blocks ending at the list's end, a last block of one and of
    /// seventeen, with and without the field after the list, on two and
    /// three threads.
    #[test]
    fn findings_rendered_on_threads_are_what_serde_writes() {
        for n in [
            PARALLEL_FROM,
            PARALLEL_FROM + 1,
            PARALLEL_FROM + BLOCK * 3 + 17,
        ] {
            let mut r = many(n);
            for revision in [None, Some("0123abcd")] {
                r.revision = revision.map(String::from);
                let mut one_pass = serde_json::to_vec_pretty(&doc(&r)).expect("written");
                one_pass.push(b'\n');
                for threads in [2, 3] {
                    let mut parallel = Vec::new();
                    write_on(&r, &mut parallel, threads, false).expect("written");
                    assert!(
                        parallel == one_pass,
                        "{n} findings, {threads} threads, revision {revision:?}"
                    );
                }
            }
        }
    }

    /// Through the redactor, the report is what one redactor passing the
    /// whole of serde's report a line at a time gives, however it is
    /// written: secrets in the parts before and after the list (the
    /// branch, the revision), in the first and last findings and in blocks
    /// between, on one, two and
    /// three threads, below and above the threshold.
    #[test]
    fn the_redacted_report_is_what_the_line_redactor_gives_for_the_whole() {
        use std::io::Write;
        // Built here, so no key sits in the source.
        let key = format!("sk_live_{}", "a1B2".repeat(6));
        for n in [10, PARALLEL_FROM, PARALLEL_FROM + BLOCK * 2 + 5] {
            let mut r = many(n);
            r.verdict.branch = Some(format!("fix/{key}"));
            r.revision = Some(key.clone());
            let last = r.findings.len() - 1;
            for (i, f) in r.findings.iter_mut().enumerate() {
                if i % 97 == 0 || i == last {
                    f.message = format!("uses {key} here");
                }
            }
            let mut whole = serde_json::to_vec_pretty(&doc(&r)).expect("written");
            whole.push(b'\n');
            let mut lines = crate::redact::LineRedactor::new(Vec::new());
            lines.write_all(&whole).expect("written");
            let want = lines.finish().expect("written");
            assert!(want != whole, "the key is masked");
            for threads in [1, 2, 3] {
                let mut written = Vec::new();
                write_on(&r, &mut written, threads, true).expect("written");
                assert!(
                    written == want,
                    "{n} findings, {threads} threads:\n{}",
                    String::from_utf8_lossy(&written)
                );
                assert!(!String::from_utf8_lossy(&written).contains(&key));
            }
        }
    }

    proptest::proptest! {
        /// A string is written as serde writes it: quotes, backslashes,
        /// every control character, DEL, non-ASCII.
        #[test]
        fn a_string_is_what_serde_writes(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "plain", " ", "\"", "\\", "\n", "\t", "\r", "\u{0}", "\u{1f}", "\u{8}",
                    "\u{c}", "\u{7f}", "é", "日本", "\u{2028}", "/",
                ]),
                0..10,
            ),
        ) {
            let s = pieces.concat();
            let mut out = Vec::new();
            string(&mut out, &s);
            proptest::prop_assert_eq!(out, serde_json::to_vec(&s).expect("written"));
        }
    }

    /// Below the threshold, and on one core, the report is serde's in one pass.
    #[test]
    fn a_small_report_is_written_in_one_pass() {
        let r = many(10);
        let mut one_pass = serde_json::to_vec_pretty(&doc(&r)).expect("written");
        one_pass.push(b'\n');
        let mut written = Vec::new();
        write_on(&r, &mut written, 2, false).expect("written");
        assert!(written == one_pass);
        let big = many(PARALLEL_FROM);
        let mut one_pass = serde_json::to_vec_pretty(&doc(&big)).expect("written");
        one_pass.push(b'\n');
        let mut written = Vec::new();
        write_on(&big, &mut written, 1, false).expect("written");
        assert!(written == one_pass);
    }
}
