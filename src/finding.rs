//! Findings are data: what was flagged, where, how bad, and how to fix it.

use crate::rules::Rule;
use std::borrow::Cow;

pub use crate::rules::Level;

/// A place in the repository. Line and column are 1-based; columns count
/// characters (Unicode scalar values), not bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static Rule,
    pub level: Level,
    pub message: String,
    /// How to fix it: the command to run or the code change to make.
    pub help: String,
    /// Repo-relative path with `/` separators; `None` for findings with no
    /// place (a missing variable, a pending migration).
    pub path: Option<String>,
    pub span: Option<Span>,
    /// The flagged source line, for the terminal renderer and fingerprints.
    /// Never holds a secret value (checks that see secrets leave it empty).
    /// A line longer than [`SOURCE_LINE_MAX`] bytes (minified code) is
    /// cut to a window around the span, marked with `…`.
    pub source_line: Option<String>,
    /// Character index in `source_line` where the span starts (its column
    /// minus one, unless the line was cut).
    pub source_caret: u32,
    /// Filled in by [`assign_fingerprints`] once all findings are known.
    pub fingerprint: String,
}

impl Finding {
    pub fn new(
        rule: &'static Rule,
        level: Level,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            level,
            message: message.into(),
            help: help.into(),
            path: None,
            span: None,
            source_line: None,
            source_caret: 0,
            fingerprint: String::new(),
        }
    }

    /// Place the finding. The source line is kept for display with any
    /// secret-shaped token in it masked (see [`redact_secrets`]); a very long
    /// one only around the span (see [`source_window`]).
    pub fn at(self, path: &str, span: Span, source_line: &str) -> Self {
        let shown = ShownLine::new(source_line, &span);
        self.at_shown(path, span, shown)
    }

    /// [`Finding::at`] with the line already prepared (kept by a check that
    /// reports later, so it never holds a whole minified line).
    pub fn at_shown(mut self, path: &str, span: Span, shown: ShownLine) -> Self {
        self.path = Some(path.to_string());
        self.span = Some(span);
        self.source_line = Some(shown.text);
        self.source_caret = shown.caret;
        self
    }

    pub fn line(&self) -> Option<u32> {
        self.span.as_ref().map(|s| s.line)
    }

    /// Mask the shown line with every value registered so far, its caret
    /// kept on the same code (see [`crate::redact::with_caret`]).
    pub fn mask_source_line(&mut self) {
        if let Some(line) = &mut self.source_line {
            crate::redact::with_caret_in_place(line, &mut self.source_caret);
        }
    }

    /// The order every renderer uses: path, line, column, rule (place-less
    /// findings first), then message so the order is total.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.path.as_deref(),
            self.span.as_ref().map(|s| (s.line, s.column)),
            self.rule.id,
            self.message.as_str(),
        )
    }
}

/// A source line as a finding shows it: cut to a window around the span when
/// long (see [`source_window`]), secret-shaped tokens masked, with the
/// character index of the span's start in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShownLine {
    pub text: String,
    pub caret: u32,
}

impl ShownLine {
    /// From the whole line and a span on it.
    pub fn new(line: &str, span: &Span) -> ShownLine {
        let end = (span.end_line == span.line).then_some(span.end_column);
        let (shown, caret) = source_window(line.trim_end_matches(['\r', '\n']), span.column, end);
        ShownLine::masked(shown, caret)
    }

    /// From the whole line (without its line ending) and the span's bytes in it.
    pub fn from_bytes(line: &str, start: usize, end: usize) -> ShownLine {
        let (shown, caret) = source_window_bytes(line, start, end);
        ShownLine::masked(shown, caret)
    }

    /// Masked again, with the values registered since it was made.
    pub fn remask(&mut self) {
        crate::redact::with_caret_in_place(&mut self.text, &mut self.caret);
    }

    /// `shown` with secrets masked (see [`crate::redact::with_caret`]).
    fn masked(shown: Cow<'_, str>, caret: u32) -> ShownLine {
        let mut line = ShownLine {
            text: shown.into_owned(),
            caret,
        };
        crate::redact::with_caret_in_place(&mut line.text, &mut line.caret);
        line
    }
}

/// Longest source line kept whole, in bytes.
pub const SOURCE_LINE_MAX: usize = 240;
/// Characters kept either side of the span when a line is cut.
const SOURCE_CONTEXT: usize = 80;

use crate::redact::is_token_char;

/// What to show of `line` for a span from 1-based character `column` to
/// `end_column` (`None`: to the end of the line), and the character index of
/// the span's start in it: see [`source_window_bytes`].
fn source_window(line: &str, column: u32, end_column: Option<u32>) -> (Cow<'_, str>, u32) {
    let col0 = column.saturating_sub(1) as usize;
    if line.len() <= SOURCE_LINE_MAX {
        return (Cow::Borrowed(line), col0 as u32);
    }
    // Byte offset of the character at index `i` (or the line's end).
    let byte_at = |i: usize| line.char_indices().nth(i).map_or(line.len(), |(b, _)| b);
    let start = byte_at(col0);
    let end = end_column.map_or(line.len(), |e| {
        byte_at((e.saturating_sub(1) as usize).max(col0))
    });
    source_window_bytes(line, start, end)
}

/// What to show of `line` for the span of bytes `start..end` in it, and the
/// character index of the span's start in what is shown. A line up to
/// [`SOURCE_LINE_MAX`] bytes is shown whole. A longer one (a minified
/// bundle's line can be megabytes) is cut to about [`SOURCE_CONTEXT`]
/// characters either side of the span, marked with `…`; the cut never falls
/// inside a token, so a secret is either shown whole (and then masked by
/// [`redact_secrets`], which needs its prefix) or not at all. Costs
/// O(start) only to count the characters before the window.
fn source_window_bytes(line: &str, start: usize, end: usize) -> (Cow<'_, str>, u32) {
    let floor = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (floor(start), floor(end.max(start)));
    let chars_before = |i: usize| line[..i].chars().count();
    if line.len() <= SOURCE_LINE_MAX {
        return (Cow::Borrowed(line), chars_before(start) as u32);
    }
    // SOURCE_CONTEXT characters back from the span, and on from its end.
    let mut from = start;
    for _ in 0..SOURCE_CONTEXT {
        match line[..from].chars().next_back() {
            Some(c) => from -= c.len_utf8(),
            None => break,
        }
    }
    let mut to = end;
    for _ in 0..SOURCE_CONTEXT {
        match line[to..].chars().next() {
            Some(c) => to += c.len_utf8(),
            None => break,
        }
    }
    let splits_token = |i: usize| {
        line[..i].chars().next_back().is_some_and(is_token_char)
            && line[i..].chars().next().is_some_and(is_token_char)
    };
    // Not inside a token: move each cut towards the span to the nearest
    // boundary, never past the span itself.
    while from > 0 && from < start && splits_token(from) {
        from += line[from..].chars().next().map_or(1, char::len_utf8);
    }
    while to < line.len() && to > end && splits_token(to) {
        to -= line[..to].chars().next_back().map_or(1, char::len_utf8);
    }
    let (lead, tail) = (
        if from > 0 { "…" } else { "" },
        if to < line.len() { "…" } else { "" },
    );
    let caret = line[from..start].chars().count() + lead.chars().count();
    (
        Cow::Owned(format!("{lead}{}{tail}", &line[from..to])),
        caret as u32,
    )
}

/// From this many findings a report's stages after the walk (sorting,
/// fingerprints, redaction, the JSON) run on every core.
pub const LARGE_REPORT: usize = 4096;

/// Sort findings into report order and give each a fingerprint that survives
/// line shifts: rule + path + the flagged line as shown (a line over
/// [`SOURCE_LINE_MAX`] bytes: its window) with whitespace collapsed (or the
/// message when there is no line), plus an occurrence counter so two
/// identical lines in one file stay distinct.
pub fn finalize(findings: &mut Vec<Finding>) {
    // Sorted a file at a time ([`sort`]); a large report's fingerprints
    // hashed and written on every core, its occurrences counted in order
    // on one (the stress corpus's 14,680 findings: 6 ms hashing and
    // writing on one core).
    sort(findings);
    findings.dedup_by(|a, b| {
        a.rule == b.rule && a.path == b.path && a.span == b.span && a.message == b.message
    });
    let mut bases = vec![0u64; findings.len()];
    crate::cores::on_every_core_mut(&mut bases, LARGE_REPORT, |first, run| {
        for (base, f) in run.iter_mut().zip(&findings[first..]) {
            *base = fingerprint_base(f);
        }
    });
    let mut seen: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    let occurrences: Vec<u32> = bases
        .iter()
        .map(|&base| {
            let n = seen.entry(base).or_insert(0);
            *n += 1;
            *n
        })
        .collect();
    crate::cores::on_every_core_mut(findings, LARGE_REPORT, |first, run| {
        for (k, f) in run.iter_mut().enumerate() {
            f.fingerprint = fingerprint_text(bases[first + k], occurrences[first + k]);
        }
    });
}

/// `findings` in the report's order ([`Finding::sort_key`]), as one stable
/// sort of the whole leaves them. The walk's findings come a file at a
/// time in path order: while the paths of consecutive files increase,
/// each file's few findings are sorted on their own (no path compared
/// again), the rest (findings of later stages) sorted apart and merged in.
/// The stress corpus's 14,680 findings: 5 ms of comparing long paths on
/// two cores before.
fn sort(findings: &mut Vec<Finding>) {
    let order = |a: &Finding, b: &Finding| a.sort_key().cmp(&b.sort_key());
    // The leading files whose paths increase, each sorted alone.
    let mut i = 0;
    while i < findings.len() {
        if i > 0 && findings[i - 1].path >= findings[i].path {
            break;
        }
        let mut j = i + 1;
        while j < findings.len() && findings[j].path == findings[i].path {
            j += 1;
        }
        findings[i..j].sort_by(order);
        i = j;
    }
    if i == findings.len() {
        return;
    }
    let mut rest = findings.split_off(i);
    if rest.len() >= LARGE_REPORT {
        // Each core's run sorted, then the whole: the stable sort finds
        // the sorted runs and merges them as a sort of the whole orders
        // them (equal findings keep their order).
        crate::cores::on_every_core_mut(&mut rest, LARGE_REPORT, |_, run| run.sort_by(order));
    }
    rest.sort_by(order);
    // Merged, the earlier of two equal findings first, as a stable sort
    // of the whole leaves them.
    let sorted = std::mem::take(findings);
    findings.reserve(sorted.len() + rest.len());
    let mut rest = rest.into_iter().peekable();
    for f in sorted {
        while let Some(r) = rest.next_if(|r| order(r, &f) == std::cmp::Ordering::Less) {
            findings.push(r);
        }
        findings.push(f);
    }
    findings.extend(rest);
}

/// A fingerprint as baselines hold it: the base in sixteen hex digits, a
/// colon, the occurrence (what `format!("{base:016x}:{n}")` writes,
/// without the formatting machinery: a tenth of the stress corpus's
/// finalize).
fn fingerprint_text(base: u64, n: u32) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(16 + 1 + 10);
    for shift in (0..16).rev() {
        out.push(HEX[((base >> (shift * 4)) & 0xf) as usize] as char);
    }
    out.push(':');
    out.push_str(decimal(n, &mut [0; 10]));
    out
}

/// `n` in decimal digits, written into `digits` (what `n.to_string()`
/// gives, without an allocation).
pub(crate) fn decimal(n: u32, digits: &mut [u8; 10]) -> &str {
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits.
    std::str::from_utf8(&digits[at..]).unwrap_or_default()
}

/// What a finding's fingerprint hashes: its rule, path and shown line (or
/// message).
fn fingerprint_base(f: &Finding) -> u64 {
    let mut hash = Fnv1a64::default();
    hash.part(f.rule.id.as_bytes());
    hash.part(f.path.as_deref().unwrap_or("").as_bytes());
    match &f.source_line {
        // The words joined by one space, hashed as they come (a copy
        // per finding was a tenth of this step on 117,000 findings).
        // ASCII lines (nearly all) split as `split_whitespace` splits them,
        // at tab, line feed, vertical tab, form feed, carriage return and
        // space, without decoding characters.
        Some(line) if line.is_ascii() => hash.words(
            line.as_bytes()
                .split(|b| matches!(b, b'\t'..=b'\r' | b' '))
                .filter(|w| !w.is_empty()),
        ),
        Some(line) => hash.words(line.split_whitespace().map(str::as_bytes)),
        None => hash.part(f.message.as_bytes()),
    }
    hash.0
}

/// FNV-1a, 64 bit: tiny, stable across platforms and releases (unlike
/// `DefaultHasher`), good enough to tell findings apart in a baseline.
/// Each part ends with a separator step, so ("ab","c") and ("a","bc")
/// differ.
struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a64 {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn end_part(&mut self) {
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }

    fn part(&mut self, bytes: &[u8]) {
        self.write(bytes);
        self.end_part();
    }

    /// `words` joined by one space, as one part.
    fn words<'a>(&mut self, words: impl Iterator<Item = &'a [u8]>) {
        for (i, word) in words.enumerate() {
            if i > 0 {
                self.write(b" ");
            }
            self.write(word);
        }
        self.end_part();
    }
}

/// `text` with every secret masked: see [`crate::redact::text`]. Used on
/// every source line and comment excerpt a finding carries.
pub fn redact_secrets(text: &str) -> Cow<'_, str> {
    crate::redact::text(text)
}

pub use crate::redact::mask_secret;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, text: &str) -> Finding {
        Finding::new(
            crate::registry::rule("debug/console"),
            Level::Error,
            "m",
            "h",
        )
        .at(
            "src/a.ts",
            Span {
                line,
                column: 1,
                end_line: line,
                end_column: 2,
            },
            text,
        )
    }

    #[test]
    fn fingerprint_survives_line_shift_and_whitespace_changes() {
        let mut a = vec![at(10, "  console.log(x);")];
        let mut b = vec![at(42, "console.log(x);   ")];
        finalize(&mut a);
        finalize(&mut b);
        assert_eq!(a[0].fingerprint, b[0].fingerprint);
    }

    /// Fingerprints are stable across releases: baselines hold them. This
    /// one was computed before the hash was streamed.
    #[test]
    fn a_fingerprint_is_what_it_always_was() {
        let mut v = vec![at(7, "  console.log( x,\t y );  ")];
        finalize(&mut v);
        assert_eq!(v[0].fingerprint, "7c175708836b232a:1");
    }

    /// A large report is hashed and written on every core: each finding's
    /// fingerprint is its line's, as one finding alone gets it, counted in
    /// order across the cores' runs.
    #[test]
    fn a_large_reports_fingerprints_count_across_cores() {
        let lines = ["  console.log( x,\t y );  ", "console.log(a);", "debug(b)"];
        let base = |text: &str| {
            let mut one = vec![at(1, text)];
            finalize(&mut one);
            one[0].fingerprint.split(':').next().unwrap().to_string()
        };
        let bases = lines.map(base);
        assert_eq!(bases[0], "7c175708836b232a");
        let n = 6001;
        let mut v: Vec<Finding> = (0..n)
            .map(|i| at(i as u32 + 1, lines[i % 3]))
            .rev()
            .collect();
        finalize(&mut v);
        for (i, f) in v.iter().enumerate() {
            assert_eq!(
                f.fingerprint,
                format!("{}:{}", bases[i % 3], i / 3 + 1),
                "finding {i}"
            );
        }
    }

    /// The fingerprint's text is what `format!` writes: leading zeros,
    /// every digit, large and small occurrences.
    #[test]
    fn a_fingerprints_text_is_what_format_writes() {
        for base in [0, 1, 0xdead_beef, 0x0123_4567_89ab_cdef, u64::MAX] {
            for n in [0, 1, 9, 10, 99, 1000, 4_000_000_000, u32::MAX] {
                assert_eq!(fingerprint_text(base, n), format!("{base:016x}:{n}"));
            }
        }
    }

    proptest::proptest! {
        /// An ASCII line's words, split without decoding characters, hash
        /// as `split_whitespace` gives them: every ASCII whitespace byte,
        /// runs, leading and trailing, and non-ASCII lines' own path.
        #[test]
        fn a_lines_words_hash_as_split_whitespace_gives_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "console.log(x)", " ", "\t", "\n", "\u{b}", "\u{c}", "\r", "  ",
                    "a", "é", "\u{a0}", "\u{2003}", "\u{1c}", ";",
                ]),
                0..12,
            ),
        ) {
            let f = at(1, &pieces.concat());
            let shown = f.source_line.as_deref().expect("a line");
            let mut want = Fnv1a64::default();
            want.part(f.rule.id.as_bytes());
            want.part(b"src/a.ts");
            want.part(shown.split_whitespace().collect::<Vec<_>>().join(" ").as_bytes());
            proptest::prop_assert_eq!(fingerprint_base(&f), want.0);
        }
    }

    #[test]
    fn identical_lines_get_distinct_fingerprints() {
        let mut v = vec![at(3, "console.log(x);"), at(9, "console.log(x);")];
        finalize(&mut v);
        assert_ne!(v[0].fingerprint, v[1].fingerprint);
        let mut w = vec![at(1, "console.log(y);")];
        finalize(&mut w);
        assert_ne!(v[0].fingerprint, w[0].fingerprint);
    }

    fn placed(line: &str, column: u32, end_column: u32) -> Finding {
        Finding::new(
            crate::registry::rule("debug/console"),
            Level::Error,
            "m",
            "h",
        )
        .at(
            "a.js",
            Span {
                line: 1,
                column,
                end_line: 1,
                end_column,
            },
            line,
        )
    }

    /// A large report sorted on every core keeps the order of findings
    /// the sort holds equal (one place, one rule, one message, ends
    /// differing), as one sort of the whole does. A finding in `b.js`
    /// first: the 6,000 in `a.js` after it are out of path order, so they
    /// are sorted apart, on every core, and merged in.
    #[test]
    fn a_large_reports_sort_keeps_equal_findings_in_order() {
        // Three places, shuffled; each finding's end tells it apart.
        let places: Vec<(u32, u32)> = (0..6000u32).map(|i| (1 + (i * 7919) % 3, i + 2)).collect();
        let mut later = placed("console.log(x);", 1, 1);
        later.path = Some("b.js".to_string());
        let mut v: Vec<Finding> = std::iter::once(later)
            .chain(
                places
                    .iter()
                    .map(|&(column, end)| placed("console.log(x);", column, end)),
            )
            .collect();
        assert!(v.len() > LARGE_REPORT);
        finalize(&mut v);
        assert_eq!(v.pop().and_then(|f| f.path).as_deref(), Some("b.js"));
        let mut want = places.clone();
        want.sort_by_key(|&(column, _)| column);
        let got: Vec<(u32, u32)> = v
            .iter()
            .map(|f| f.span.as_ref().map(|s| (s.column, s.end_column)).unwrap())
            .collect();
        assert!(got == want, "equal findings reordered");
    }

    /// A finding told apart by its help text (`id`), which the sort does
    /// not look at: `path` (none: a repository-wide finding), line,
    /// rule and message are what it orders by.
    fn keyed(path: Option<u8>, line: u32, rule: bool, message: u8, id: u32) -> Finding {
        let rule = if rule {
            "debug/console"
        } else {
            "todo/untracked"
        };
        let f = Finding::new(
            crate::registry::rule(rule),
            Level::Error,
            format!("m{message}"),
            format!("{id}"),
        );
        match path {
            Some(p) => f.at(
                &format!("src/{}.js", (b'a' + p) as char),
                Span {
                    line,
                    column: 1,
                    end_line: line,
                    end_column: id,
                },
                "x",
            ),
            None => f,
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// The sort by files equals one stable sort of the whole: the
        /// walk's files in path order (some not), each file's findings in
        /// any order, later stages' findings after them; equal findings
        /// keep their order.
        #[test]
        fn sorting_by_files_is_one_stable_sort(
            files in proptest::collection::vec((0u8..6, proptest::collection::vec((1u32..4, proptest::bool::ANY, 0u8..2), 1..5)), 0..8),
            tail in proptest::collection::vec((proptest::option::of(0u8..6), 1u32..4, proptest::bool::ANY, 0u8..2), 0..8),
            sorted_files in proptest::bool::ANY,
        ) {
            let mut files = files;
            if sorted_files {
                files.sort_by_key(|f| f.0);
                files.dedup_by_key(|f| f.0);
            }
            let mut id = 0;
            let mut next = || { id += 1; id };
            let mut v: Vec<Finding> = Vec::new();
            for (p, found) in &files {
                for &(line, rule, message) in found {
                    v.push(keyed(Some(*p), line, rule, message, next()));
                }
            }
            for &(p, line, rule, message) in &tail {
                v.push(keyed(p, line, rule, message, next()));
            }
            let mut want = v.clone();
            want.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            sort(&mut v);
            let ids = |v: &[Finding]| v.iter().map(|f| f.help.clone()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(ids(&v), ids(&want));
            proptest::prop_assert_eq!(v.len(), want.len());
        }
    }

    #[test]
    fn long_lines_are_shown_as_a_window_around_the_span() {
        // Short: whole, caret at the column.
        let f = placed("  console.log(x);", 3, 14);
        assert_eq!(f.source_line.as_deref(), Some("  console.log(x);"));
        assert_eq!(f.source_caret, 2);

        // A 200 KB minified line: a window, cut between tokens, marked.
        let line = format!(
            "{}console.log(1){}",
            "a=1;".repeat(25_000),
            ";b=2".repeat(25_000)
        );
        let col = 100_001;
        let f = placed(&line, col, col + 11);
        let shown = f.source_line.unwrap();
        assert!(
            shown.chars().count() <= 2 * SOURCE_CONTEXT + 11 + 2,
            "{shown}"
        );
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        let caret = f.source_caret as usize;
        assert_eq!(
            &shown.chars().skip(caret).take(11).collect::<String>(),
            "console.log"
        );

        // Non-ASCII before the span: the caret counts characters.
        let line = format!("{}console.log(1);", "é".repeat(400));
        let f = placed(&line, 401, 412);
        let shown = f.source_line.unwrap();
        assert_eq!(
            shown
                .chars()
                .skip(f.source_caret as usize)
                .take(11)
                .collect::<String>(),
            "console.log"
        );
    }

    #[test]
    fn the_caret_follows_masking() {
        // Found by fuzzing: a key masked before the span moved the text, not the caret.
        let test_key = ["sk_test_", &"T3st".repeat(8)].concat();
        let live_key = ["rk_live_", &"L1ve".repeat(8)].concat();
        let line = format!("new Stripe('{test_key}'); const k = '{live_key}';");
        let col = line.find("rk_live_").unwrap() as u32 + 1;
        let f = placed(&line, col, col + live_key.len() as u32);
        let shown = f.source_line.unwrap();
        let at: String = shown
            .chars()
            .skip(f.source_caret as usize)
            .take(8)
            .collect();
        assert_eq!(at, "rk_live_", "{shown}");
        // A caret inside a masked token goes to its start; after it, it shifts.
        let s = ShownLine::from_bytes(&line, 20, 21);
        assert_eq!(s.caret, 12, "{}", s.text);
        let end = line.len() - 1;
        let s = ShownLine::from_bytes(&line, end, end + 1);
        assert_eq!(s.text.chars().nth(s.caret as usize), Some(';'));
    }

    #[test]
    fn a_cut_never_shows_part_of_a_secret() {
        let key = ["sk_live_", &"Zq7".repeat(30)].concat();
        // The key starts 100 characters before the span: the window's edge
        // (80 before) falls inside it, so the whole key is left out.
        let line = format!(
            "{} k='{key}'; console.log(k); {}",
            "x".repeat(500),
            "y".repeat(500)
        );
        let col = line.find("console").unwrap() as u32 + 1;
        let shown = placed(&line, col, col + 11).source_line.unwrap();
        for w in key.as_bytes().windows(8).skip(8) {
            assert!(!shown.contains(std::str::from_utf8(w).unwrap()), "{shown}");
        }
        assert!(shown.contains("console.log"), "{shown}");
        // Within the window: whole, so masked with its prefix.
        let near = format!(
            "{} '{key}'.length; console.log(1); {}",
            "x".repeat(500),
            "y".repeat(500)
        );
        let col = near.find("console").unwrap() as u32 + 1;
        let shown = placed(&near, col, col + 11).source_line.unwrap();
        assert!(
            shown.contains("sk_live_…Zq7") || !shown.contains("sk_live"),
            "{shown}"
        );
        assert!(!shown.contains("Zq7Zq7Zq7"), "{shown}");
    }

    #[test]
    fn secret_shaped_tokens_are_masked_in_source_lines() {
        let key = ["sk_live_", "51Habcdefghijklmnopqrstu9fQa"].concat();
        let line = format!(
            "console.log('charging with', \"{key}\"); // ghp_{}",
            "a".repeat(36)
        );
        let f = Finding::new(
            crate::registry::rule("debug/console"),
            Level::Error,
            "m",
            "h",
        )
        .at(
            "a.ts",
            Span {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 2,
            },
            &line,
        );
        let shown = f.source_line.unwrap();
        assert!(!shown.contains("51Habcdefghij"), "{shown}");
        assert!(
            shown.contains("sk_live_…9fQa") && shown.contains("ghp_…aaaa"),
            "{shown}"
        );
        assert_eq!(
            redact_secrets("const x = 'not a secret';"),
            "const x = 'not a secret';"
        );
    }

    #[test]
    fn masking_keeps_prefix_and_last_four_only() {
        assert_eq!(
            mask_secret("sk_live_51Habcdefghijklmn9fQa", "sk_live_"),
            "sk_live_…9fQa"
        );
        assert_eq!(mask_secret("short", ""), "…");
        assert_eq!(mask_secret("sk_live_short", "sk_live_"), "sk_live_…");
    }
}
