//! Work markers in comments: `todo/untracked` and `todo/expired`.
//!
//! A TODO is a comment line whose text starts with a marker (`TODO`, `FIXME`,
//! `XXX`, `HACK` by default; upper case, whole word), after the comment
//! delimiter, whitespace, `*` and an optional `@`. It is tracked when the
//! marker line, or one of the next comment lines before another marker,
//! carries an issue reference. Only comments count: the lexer decides what
//! is a comment in each language. Docs: `docs/rules/todo-*.md`.

use super::{parse_date, Context, FileCheck, FileKind, FileOutcome};
use crate::lexer::{Region, RegionKind};
use crate::rules::{Area, Judged, Level, Rule};
use crate::workspace::SourceFile;
use regex::Regex;
use std::sync::LazyLock;

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const UNTRACKED: Rule = Rule {
    id: "todo/untracked",
    default_level: Some(Level::Warning),
    area: Area::Todos,
    judged: Judged::Lines,
    summary: "`TODO`/`FIXME`/`XXX`/`HACK` comment without `#123`, `owner/repo#123`, `ABC-123` or an issue URL",
    options: &["markers", "issue-pattern"],
    doc: crate::rule_doc!("todo-untracked"),
    module: module_path!(),
};

pub const EXPIRED: Rule = Rule {
    id: "todo/expired",
    default_level: Some(Level::Warning),
    area: Area::Todos,
    judged: Judged::Lines,
    summary: "`TODO(2026-01-15)` / `TODO(by: 2026-01-15)` past its date",
    options: &[],
    doc: crate::rule_doc!("todo-expired"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&UNTRACKED, &EXPIRED];

pub struct Todos;

/// `#123`, `owner/repo#123`, `ABC-123`, or an issue tracker URL.
const ISSUE_REF_SOURCE: &str = concat!(
    r"(?:^|[^\w&/])#\d+\b",
    r"|[\w.-]+/[\w.-]+#\d+\b",
    r"|\b[A-Z][A-Z0-9]{1,9}-\d+\b",
    r"|https?://\S+/(?:issues?|pulls?|browse|tickets?|bugs?|merge_requests|show_bug\.cgi|work_items)\b",
);
/// The GitHub issues a comment line names: `#123` (the current
/// repository), `owner/repo#123`, `https://github.com/owner/repo/issues/123`.
/// Jira keys and other trackers' URLs are not GitHub issues.
const GITHUB_REF_SOURCE: &str = concat!(
    r"https?://(?:www\.)?github\.com/(?P<uo>[\w.-]+)/(?P<ur>[\w.-]+)/issues/(?P<un>\d+)\b",
    r"|(?:^|[^\w&/#])(?P<o>[\w.-]+)/(?P<r>[\w.-]+)#(?P<n>\d+)\b",
    r"|(?:^|[^\w&/])#(?P<b>\d+)\b",
);
/// Each pattern twice: on an ASCII line (nearly every comment) `\w`, `\d`,
/// `\b` and `\S` mean the same with or without Unicode, and the ASCII
/// form compiles in a tenth of the time (the Unicode pair was a fifth of
/// a small app's run). The Unicode form is built for the first line that
/// needs it.
static ISSUE_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(ISSUE_REF_SOURCE).expect("valid issue reference pattern"));
static ISSUE_REF_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(&format!("(?-u){ISSUE_REF_SOURCE}"))
        .expect("valid issue reference pattern")
});
static GITHUB_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(GITHUB_REF_SOURCE).expect("valid GitHub reference pattern"));
static GITHUB_REF_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(&format!("(?-u){GITHUB_REF_SOURCE}"))
        .expect("valid GitHub reference pattern")
});
static DATE_IN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(DATE_IN_SOURCE).expect("valid date pattern"));
static DATE_IN_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(&format!("(?-u){DATE_IN_SOURCE}")).expect("valid date pattern")
});
const DATE_IN_SOURCE: &str = r"\b(\d{4}-\d{2}-\d{2})\b";

/// Can a reference pattern (any form) match `text`? Each of their forms
/// holds `http`, or a `#` or `-` right before a digit (`\d`, a decimal
/// digit of any script: `is_numeric` takes in more). Where neither is,
/// the patterns are neither built nor run: one non-ASCII comment line
/// built the Unicode forms, a twentieth of a large app's instructions,
/// and the first TODO built the ASCII ones (a third of a millisecond)
/// though most name no issue.
fn may_name_an_issue(text: &str) -> bool {
    text.contains("http")
        || text
            .match_indices(['#', '-'])
            .any(|(i, _)| text[i + 1..].chars().next().is_some_and(char::is_numeric))
}

/// How many comment lines after the marker may carry its reference.
const CONTINUATION_LINES: usize = 3;

/// Characters that open or decorate a comment before its text.
fn is_comment_lead(c: char) -> bool {
    c.is_whitespace() || matches!(c, '/' | '*' | '#' | '-' | '<' | '!' | '{' | ';' | '%' | '=')
}

struct Marker<'t> {
    /// Byte offsets of the marker word in the file.
    start: usize,
    end: usize,
    word: &'t str,
    /// The comment text from the marker to the end of the line.
    rest: &'t str,
}

/// The marker a comment line starts with, if any.
fn marker_on_line<'t>(line: &'t str, line_offset: usize, markers: &[String]) -> Option<Marker<'t>> {
    let body_start = line.len() - line.trim_start_matches(is_comment_lead).len();
    let body = &line[body_start..];
    let (body, at) = match body.strip_prefix('@') {
        Some(b) => (b, 1),
        None => (body, 0),
    };
    let word = markers.iter().find(|m| {
        body.starts_with(m.as_str())
            && !body[m.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })?;
    let start = line_offset + body_start + at;
    Some(Marker {
        start,
        end: start + word.len(),
        word: &body[..word.len()],
        rest: &body[word.len()..],
    })
}

/// The marker word in prose, not a marker: `TODO-style`, `TODO's`, or, in
/// a doc comment (`///`, `//!`, ` * `), the first word of a line that
/// continues the previous line's sentence ("… (a\n/// TODO quoting a
/// secret …)") and is not followed by `:` or `(`.
fn is_prose(
    marker: &Marker,
    line: &str,
    previous: Option<(usize, &str)>,
    file: &SourceFile,
    offset: usize,
) -> bool {
    let rest = marker.rest;
    // `TODO-style`, `TODO-list`: a lower-case word joined on. `TODO-APP:`
    // and `TODO-METADATA:` are tagged markers.
    if let Some(joined) = rest.strip_prefix('-') {
        let word_end = joined
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(joined.len());
        let word = &joined[..word_end];
        let tagged = joined[word_end..].trim_start().starts_with([':', '(']);
        if word.starts_with(|c: char| c.is_lowercase()) && !tagged {
            return true;
        }
    }
    if rest.starts_with("'s") {
        return true;
    }
    let lead = line.trim_start();
    let doc = lead.starts_with("///") || lead.starts_with("//!") || lead.starts_with("* ");
    if !doc || rest.trim_start().starts_with([':', '(']) {
        return false;
    }
    let Some((prev_offset, prev)) = previous else {
        return false;
    };
    let (this_line, _) = file.line_col(offset);
    let (prev_line, _) = file.line_col(prev_offset);
    let prev_text = prev.trim_start_matches(is_comment_lead).trim_end();
    // A sentence carries on only across a word that cannot end one (`… a`,
    // `… the`, `… open`): "Exceptions to the rule which follows common A11y
    // conventions\n * TODO make this configurable" is a marker after a
    // fragment.
    let last = prev_text
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    prev_line + 1 == this_line && CARRIES_ON.contains(&last.as_str())
}

/// Words after which a sentence goes on: articles, determiners,
/// prepositions, conjunctions and the adjectives that stand before "TODO"
/// in prose ("the open TODO items").
const CARRIES_ON: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "and",
    "or",
    "but",
    "as",
    "by",
    "from",
    "into",
    "about",
    "like",
    "than",
    "via",
    "per",
    "each",
    "every",
    "any",
    "no",
    "all",
    "some",
    "this",
    "that",
    "these",
    "those",
    "its",
    "their",
    "our",
    "your",
    "my",
    "whose",
    "which",
    "is",
    "are",
    "was",
    "were",
    "be",
    "open",
    "remaining",
    "outstanding",
    "pending",
    "unresolved",
    "existing",
    "new",
    "more",
    "many",
    "other",
];

impl FileCheck for Todos {
    fn tokens(&self, ctx: &Context, _kind: FileKind) -> Vec<String> {
        ctx.settings.todo_markers.clone()
    }

    fn check_file(&self, file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
        let markers = &ctx.settings.todo_markers;
        for candidate in marker_lines(file, markers) {
            let (offset, line) = (candidate.offset, candidate.line);
            let Some(marker) = marker_on_line(line, offset, markers) else {
                continue;
            };
            if is_prose(&marker, line, candidate.previous, file, offset) {
                continue;
            }
            let mut tracked = is_reference(marker.rest, ctx);
            let refs_of = |text: &str| {
                if ctx.online {
                    github_refs(text)
                } else {
                    Vec::new()
                }
            };
            let mut refs = refs_of(marker.rest);
            let (next_line, _) = file.line_col(offset + line.len());
            for (k, &(next_offset, next)) in candidate.next.iter().enumerate() {
                let (n, _) = file.line_col(next_offset);
                let blank = next.trim_start_matches(is_comment_lead).trim().is_empty();
                if tracked
                    || n != next_line + k as u32 + 1
                    || blank
                    || marker_on_line(next, next_offset, markers).is_some()
                {
                    break;
                }
                tracked = is_reference(next, ctx);
                refs.extend(refs_of(next));
            }
            let due = due_date(marker.rest);
            let text = summary(marker.rest);
            if let Some(date) = due.filter(|d| *d < ctx.today) {
                out.todos.expired += 1;
                let message = format!("`{}` was due {}: {text}", marker.word, format_date(date));
                let help = "do the work and delete the comment, or move the date and link the issue tracking it: `TODO(2027-01-31, #123): …`".to_string();
                out.findings.extend(ctx.finding(
                    &EXPIRED,
                    file,
                    marker.start,
                    marker.end,
                    message,
                    help,
                ));
            } else if tracked {
                out.todos.tracked += 1;
                if !refs.is_empty() {
                    refs.sort();
                    refs.dedup();
                    let span = file.span(marker.start, marker.end);
                    out.issue_refs.push(TodoIssueRefs {
                        path: file.rel.to_string(),
                        source_line: file.shown_line(marker.start, marker.end),
                        span,
                        marker: marker.word.to_string(),
                        summary: text,
                        refs,
                    });
                }
            } else {
                out.todos.untracked += 1;
                let message = format!("`{}` without an issue reference: {text}", marker.word);
                let help = format!(
                    "file an issue and reference it in the comment (`{}(#123): …`, `{0}(ABC-123)`, or the issue URL), or resolve it and delete the comment",
                    marker.word
                );
                out.findings.extend(ctx.finding(
                    &UNTRACKED,
                    file,
                    marker.start,
                    marker.end,
                    message,
                    help,
                ));
            }
        }
    }
}

/// A GitHub issue named in a TODO; `repo: None` is `#N` in the current
/// repository.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GithubRef {
    /// `owner/repo` as written.
    pub repo: Option<String>,
    pub number: u64,
}

/// A tracked TODO and the GitHub issues it references, for the online
/// `todo/closed-issue` look-up after the walk.
#[derive(Debug, Clone)]
pub struct TodoIssueRefs {
    pub path: String,
    /// The marker word's span.
    pub span: crate::finding::Span,
    pub source_line: crate::finding::ShownLine,
    pub marker: String,
    /// The comment text, quoted and shortened (as in the other TODO messages).
    pub summary: String,
    pub refs: Vec<GithubRef>,
}

/// Every GitHub issue reference in `text`, in order.
pub fn github_refs(text: &str) -> Vec<GithubRef> {
    // The named groups of each match, from whichever form ran.
    let found: Vec<Vec<(&str, &str)>> = if !may_name_an_issue(text) {
        Vec::new()
    } else if text.is_ascii() {
        let names: Vec<_> = GITHUB_REF_ASCII.capture_names().collect();
        GITHUB_REF_ASCII
            .captures_iter(text.as_bytes())
            .map(|c| named(&names, |i| c.get(i).map(|m| &text[m.range()])))
            .collect()
    } else {
        let names: Vec<_> = GITHUB_REF.capture_names().collect();
        GITHUB_REF
            .captures_iter(text)
            .map(|c| named(&names, |i| c.get(i).map(|m| m.as_str())))
            .collect()
    };
    found
        .into_iter()
        .filter_map(|c| {
            let get = |k: &str| c.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
            let num = |k: &str| get(k).and_then(|m| m.parse::<u64>().ok());
            let repo = |o: &str, r: &str| {
                Some(format!("{}/{}", get(o)?, get(r)?.trim_end_matches(".git")))
            };
            if let Some(n) = num("un") {
                Some(GithubRef {
                    repo: repo("uo", "ur"),
                    number: n,
                })
            } else if let Some(n) = num("n") {
                Some(GithubRef {
                    repo: repo("o", "r"),
                    number: n,
                })
            } else {
                num("b").map(|n| GithubRef {
                    repo: None,
                    number: n,
                })
            }
        })
        .filter(|r| r.number > 0)
        .collect()
}

/// The named groups that took part in a match: (name, text).
fn named<'t>(
    names: &[Option<&'static str>],
    group: impl Fn(usize) -> Option<&'t str>,
) -> Vec<(&'static str, &'t str)> {
    names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| Some(((*n)?, group(i)?)))
        .collect()
}

fn is_reference(text: &str, ctx: &Context) -> bool {
    (may_name_an_issue(text)
        && if text.is_ascii() {
            ISSUE_REF_ASCII.is_match(text.as_bytes())
        } else {
            ISSUE_REF.is_match(text)
        })
        || ctx
            .settings
            .issue_pattern
            .as_ref()
            .is_some_and(|p| p.is_match(text))
}

/// `(2026-12-01)`, `(by: 2026-12-01)`, `(@ana, 2026-12-01)` right after the marker.
fn due_date(rest: &str) -> Option<super::Date> {
    let inner = rest.strip_prefix('(')?;
    let inner = &inner[..inner.find(')')?];
    if inner.is_ascii() {
        return DATE_IN_ASCII
            .captures_iter(inner.as_bytes())
            .find_map(|c| parse_date(&inner[c.get(1)?.range()]));
    }
    DATE_IN
        .captures_iter(inner)
        .find_map(|c| parse_date(c.get(1)?.as_str()))
}

fn format_date((y, m, d): super::Date) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The comment text after the marker, trimmed and cut to a readable length.
fn summary(rest: &str) -> String {
    let t = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
    let t = t.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '/' | '>' | '-'));
    let t = crate::finding::redact_secrets(t);
    let (cut, was_cut) = crate::redact::shorten(&t, 80);
    let mut s = cut.to_string();
    if was_cut {
        s.push('…');
    }
    if s.is_empty() {
        "(no text)".into()
    } else {
        format!("\"{s}\"")
    }
}

/// Each line of each comment region: (byte offset of the line's start within
/// the file, the line's text within the region). The tests' account of what
/// [`marker_lines`] finds.
#[cfg(test)]
fn comment_lines<'f>(file: &'f SourceFile) -> Vec<(usize, &'f str)> {
    let mut lines = Vec::new();
    for r in file.comments() {
        let mut start = r.start;
        for piece in file.text[r.start..r.end].split('\n') {
            lines.push((start, piece.trim_end_matches('\r')));
            start += piece.len() + 1;
        }
    }
    lines
}

thread_local! {
    /// The markers' search, built once per thread for the markers the run
    /// has (one pass over a file, not one per marker).
    static MARKER_SEARCH: std::cell::RefCell<Option<(Vec<String>, Option<crate::literals::Literals>)>> =
        const { std::cell::RefCell::new(None) };
}

/// A comment line that holds a marker's word, and the comment lines (as
/// [`comment_lines`] lists them) the check reads around it.
#[derive(Debug, PartialEq, Eq)]
struct MarkerLine<'f> {
    /// Where the line starts in the file, and its text within the comment
    /// (a `\r` before the newline left out).
    offset: usize,
    line: &'f str,
    /// The comment line before it: a sentence carried on (`is_prose`).
    previous: Option<(usize, &'f str)>,
    /// Up to `CONTINUATION_LINES` comment lines after it: a reference on
    /// the next lines.
    next: Vec<(usize, &'f str)>,
}

/// The comment lines that hold one of `markers`' words, in order, each with
/// its neighbours: found from the words, not by splitting every comment
/// into lines (a file of many comments and one TODO splits one).
fn marker_lines<'f>(file: &'f SourceFile, markers: &[String]) -> Vec<MarkerLine<'f>> {
    let text = file.text;
    let regions = file.regions();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    MARKER_SEARCH.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.as_ref().is_none_or(|(built, _)| built != markers) {
            *cache = Some((markers.to_vec(), crate::literals::Literals::new(markers)));
        }
        // Markers are words: a line's leading marker is never inside an
        // earlier match, so a leftmost-first search finds each such line.
        let search = cache.as_ref().and_then(|(_, search)| search.as_ref());
        for at in crate::literals::starts(search, markers, text.as_bytes()) {
            let ri = regions.partition_point(|r| r.end <= at);
            if regions
                .get(ri)
                .is_some_and(|r| r.kind == RegionKind::Comment)
            {
                starts.push((line_start_in(text, &regions[ri], at), ri));
            }
        }
    });
    starts.dedup();
    starts
        .into_iter()
        .map(|(start, ri)| {
            let previous = if start > regions[ri].start {
                // The newline before this line is in the comment.
                Some(line_in(
                    text,
                    &regions[ri],
                    line_start_in(text, &regions[ri], start - 1),
                ))
            } else {
                regions[..ri]
                    .iter()
                    .rposition(|r| r.kind == RegionKind::Comment)
                    .map(|pi| {
                        let r = &regions[pi];
                        line_in(text, r, line_start_in(text, r, r.end))
                    })
            };
            let (offset, line) = line_in(text, &regions[ri], start);
            let mut next = Vec::with_capacity(CONTINUATION_LINES);
            let (mut ci, mut end) = (ri, line_end_in(text, &regions[ri], start));
            while next.len() < CONTINUATION_LINES {
                let from = if end < regions[ci].end {
                    end + 1
                } else {
                    match regions[ci + 1..]
                        .iter()
                        .position(|r| r.kind == RegionKind::Comment)
                    {
                        Some(k) => {
                            ci += 1 + k;
                            regions[ci].start
                        }
                        None => break,
                    }
                };
                end = line_end_in(text, &regions[ci], from);
                next.push(line_in(text, &regions[ci], from));
            }
            MarkerLine {
                offset,
                line,
                previous,
                next,
            }
        })
        .collect()
}

/// The start of the comment line holding `at` (the region's start, or just
/// after the newline before `at` in it).
fn line_start_in(text: &str, r: &Region, at: usize) -> usize {
    text[r.start..at]
        .rfind('\n')
        .map_or(r.start, |k| r.start + k + 1)
}

/// The comment line starting at `start` in `r`: (start, its text up to the
/// next newline in the comment or the comment's end, without a `\r`).
fn line_in<'f>(text: &'f str, r: &Region, start: usize) -> (usize, &'f str) {
    let end = line_end_in(text, r, start);
    (start, text[start..end].trim_end_matches('\r'))
}

/// The end of the comment line starting at `start` in `r`: its newline, or
/// the comment's end.
fn line_end_in(text: &str, r: &Region, start: usize) -> usize {
    text[start..r.end].find('\n').map_or(r.end, |k| start + k)
}

#[cfg(test)]
mod tests;
