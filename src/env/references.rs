//! Where code reads environment variables: `process.env.X` and friends in
//! every language shipcheck lexes, docker-compose interpolation, Prisma's
//! `env("X")`, configurable accessor functions, and the keys of t3-env/zod
//! `createEnv` and envalid `cleanEnv` schemas.
//!
//! A read counts only where it starts in code (for compose files: code or a
//! string, not a comment). A read with a fallback — `?? "x"`, `|| "x"`,
//! `.get("X", d)`, `${X:-d}`, `ENV.fetch("X", d)`, `.optional()` — is
//! optional.

use crate::lexer::{Lang, RegionKind};
use crate::workspace::SourceFile;
use regex::Regex;
use std::sync::LazyLock;

/// One read of a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvRead {
    pub name: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// The name's byte span in the file, for the finding's caret.
    pub end_column: u32,
    /// Absence is not an error here: a fallback or default, a declared
    /// optional key, or a read that yields `None`/`nil` when unset.
    pub optional: bool,
    /// Absence gives a value the code chose (a fallback, a default, a
    /// declared optional key): unlike `os.getenv("X")`, which yields `None`
    /// and may still break later. `env/missing` skips only these.
    pub defaulted: bool,
    /// `process.env.B = process.env.A`: this read's value becomes the
    /// variable B (an alias, like a platform's `POSTGRES_URL` mapped onto
    /// the app's own variable).
    pub feeds: Option<String>,
    pub source_line: crate::finding::ShownLine,
}

fn re(s: &str) -> Regex {
    Regex::new(s).expect("env read patterns are valid")
}

/// Group 1 is the name; group 2, when it matched, means a fallback.
struct ReadPattern {
    langs: &'static [Lang],
    /// A literal every match holds: a file without it is not searched,
    /// and a run whose files never hold it never compiles the pattern (a
    /// tenth of a millisecond each, most of a small app's env reads).
    literal: &'static str,
    re: LazyLock<Regex>,
    /// The same matches found by hand (JS, Python, Ruby and Prisma reads:
    /// compiling the regex cost a small app a tenth of its run, page
    /// faults included): then `re` is compiled only by the tests that hold
    /// the two equal.
    hand: Option<Hand>,
}

impl ReadPattern {
    /// Every match in `text`: by hand where there is a hand matcher.
    fn matches(&self, text: &str) -> Vec<ReadCaps> {
        if let Some(hand) = self.hand {
            return hand.find_all(self.literal, text);
        }
        self.re
            .captures_iter(text)
            .filter_map(|caps| {
                let whole = caps.get(0)?;
                // Alternations put the name in group 1 or 3, its fallback in 2 or 4.
                let (name, fallback) = match (caps.get(1), caps.get(3)) {
                    (Some(n), _) => (n, caps.get(2)),
                    (None, Some(n)) => (n, caps.get(4)),
                    _ => return None,
                };
                Some(ReadCaps {
                    whole: whole.range(),
                    name: name.range(),
                    fallback: fallback.map(|f| f.range()),
                })
            })
            .collect()
    }
}

/// A span of a read, as a regex match gives it.
#[derive(Clone, Copy)]
struct Span<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

impl<'t> Span<'t> {
    fn of(text: &'t str, r: std::ops::Range<usize>) -> Self {
        Span {
            text,
            start: r.start,
            end: r.end,
        }
    }
    fn as_str(&self) -> &'t str {
        &self.text[self.start..self.end]
    }
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.end
    }
}

/// A read pattern's match: the whole read, the name, the fallback.
struct ReadCaps {
    whole: std::ops::Range<usize>,
    name: std::ops::Range<usize>,
    fallback: Option<std::ops::Range<usize>>,
}

/// Hand matchers of reads: `literal` then, for `Dot`, the name
/// (`process.env.X`); for `Bracket`, a quoted name in brackets
/// (`process.env["X"]`); then an optional `??` or `||` after blanks. For
/// `Quoted`, the other languages' calls and subscripts.
#[derive(Clone, Copy)]
enum Hand {
    Dot,
    Bracket,
    /// `literal`, one of `leads` (the first that is there), blanks, a
    /// name in any of `quotes` (each side its own), blanks, then `end`: a
    /// call or subscript with the name as its whole argument (`env("X")`,
    /// `environ["X"]`, `getenv('X', d)`, `ENV.key?("X")`).
    Quoted {
        leads: &'static [&'static str],
        quotes: &'static [u8],
        end: End,
    },
}

/// How a [`Hand::Quoted`] read ends, after the blanks past its name.
#[derive(Clone, Copy)]
enum End {
    /// This byte; the pattern's second group is empty, at the end.
    Then(u8),
    /// `,` or `)`, which is the second group.
    CommaOrParen,
    /// `)`, which is the second group.
    Paren,
    /// Ruby's `ENV["X"]`: `]`, then as the second group, if one follows,
    /// `||` or `.present?` (`.blank?`, `.nil?`, `.presence`, `.empty?`)
    /// after blanks, or `&.`.
    RubyIndex,
    /// Ruby's `ENV.fetch("X"`: `,`, `) {` or `) do` as the second group,
    /// or a bare `)` with none.
    RubyFetch,
}

impl Hand {
    /// Every match in `text`, leftmost first, as the pattern's regex finds.
    fn find_all(self, literal: &str, text: &str) -> Vec<ReadCaps> {
        let bytes = text.as_bytes();
        let finder = memchr::memmem::Finder::new(literal);
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(i) = finder.find(&bytes[at..]) {
            let start = at + i;
            let after = start + literal.len();
            if let Hand::Quoted { leads, quotes, end } = self {
                let read = leads
                    .iter()
                    .find(|l| text[after..].starts_with(*l))
                    .and_then(|l| quoted_at(text, after + l.len(), quotes, end));
                match read {
                    Some((name, fallback, end)) => {
                        at = end;
                        out.push(ReadCaps {
                            whole: start..end,
                            name,
                            fallback,
                        });
                    }
                    None => at = start + 1,
                }
                continue;
            }
            match self.at(text, after) {
                Some(name) => {
                    let end_of_read = match self {
                        Hand::Dot | Hand::Quoted { .. } => name.end,
                        // The closing quote, blanks and `]`.
                        Hand::Bracket => {
                            let close = name.end + 1;
                            let blank = blanks(text, close);
                            blank + 1
                        }
                    };
                    let fallback = fallback_at(text, end_of_read);
                    let end = fallback.as_ref().map_or(end_of_read, |f| f.end);
                    out.push(ReadCaps {
                        whole: start..end,
                        name,
                        fallback,
                    });
                    at = end;
                }
                None => at = start + 1,
            }
        }
        out
    }

    /// The name's span when the read's shape continues at `after`.
    fn at(self, text: &str, after: usize) -> Option<std::ops::Range<usize>> {
        let bytes = text.as_bytes();
        let at = match self {
            Hand::Dot | Hand::Quoted { .. } => after,
            Hand::Bracket => {
                let q = blanks(text, after);
                matches!(bytes.get(q), Some(b'"' | b'\'' | b'`')).then_some(q + 1)?
            }
        };
        let name = name_at(bytes, at)?;
        if let Hand::Bracket = self {
            if !matches!(bytes.get(name.end), Some(b'"' | b'\'' | b'`')) {
                return None;
            }
            if bytes.get(blanks(text, name.end + 1)) != Some(&b']') {
                return None;
            }
        }
        Some(name)
    }
}

/// A [`Hand::Quoted`] read's name, second group and end, its shape
/// starting at `after` (past the literal and its lead).
fn quoted_at(
    text: &str,
    after: usize,
    quotes: &[u8],
    end: End,
) -> Option<(
    std::ops::Range<usize>,
    Option<std::ops::Range<usize>>,
    usize,
)> {
    let bytes = text.as_bytes();
    let q = blanks(text, after);
    if !bytes.get(q).is_some_and(|b| quotes.contains(b)) {
        return None;
    }
    let name = name_at(bytes, q + 1)?;
    if !bytes.get(name.end).is_some_and(|b| quotes.contains(b)) {
        return None;
    }
    let last = blanks(text, name.end + 1);
    let group = match (end, bytes.get(last)) {
        (End::Then(b), Some(&c)) if c == b => last + 1..last + 1,
        (End::CommaOrParen, Some(b',' | b')')) | (End::Paren, Some(b')')) => last..last + 1,
        (End::RubyIndex, Some(b']')) => {
            let close = last + 1;
            let tail = ruby_index_tail(text, close);
            let end = tail.as_ref().map_or(close, |t| t.end);
            return Some((name, tail, end));
        }
        (End::RubyFetch, Some(b',')) => last..last + 1,
        (End::RubyFetch, Some(b')')) => {
            let next = blanks(text, last + 1);
            let rest = &text[next..];
            if rest.starts_with('{') {
                last..next + 1
            } else if rest.starts_with("do") && word_ends(text, next + 2) {
                last..next + 2
            } else {
                return Some((name, None, last + 1));
            }
        }
        _ => return None,
    };
    let end = group.end;
    Some((name, Some(group), end))
}

/// The second group of Ruby's `ENV["X"]` after its `]` at `close - 1`:
/// `\s*\|\|`, `\s*\.\s*(?:present\?|blank\?|nil\?|presence\b|empty\?)`
/// or `&\.`, the first that is there.
fn ruby_index_tail(text: &str, close: usize) -> Option<std::ops::Range<usize>> {
    let op = blanks(text, close);
    if text[op..].starts_with("||") {
        return Some(close..op + 2);
    }
    if text[op..].starts_with('.') {
        let word = blanks(text, op + 1);
        let rest = &text[word..];
        let len = ["present?", "blank?", "nil?"]
            .iter()
            .find(|w| rest.starts_with(**w))
            .map(|w| w.len())
            .or_else(|| (rest.starts_with("presence") && word_ends(text, word + 8)).then_some(8))
            .or_else(|| rest.starts_with("empty?").then_some(6));
        if let Some(len) = len {
            return Some(close..word + len);
        }
    }
    text[close..].starts_with("&.").then_some(close..close + 2)
}

/// Does a word end at `at` (`\b` after a word character)?
fn word_ends(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_none_or(|c| !is_word(c))
}

/// The name (`[A-Za-z_][A-Za-z0-9_]*`) at `at`, if one starts there.
fn name_at(bytes: &[u8], at: usize) -> Option<std::ops::Range<usize>> {
    let len = bytes
        .get(at..)?
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    (len > 0 && !bytes[at].is_ascii_digit()).then_some(at..at + len)
}

/// The end of the run of blanks (`\s`: Unicode white space) at `from`.
fn blanks(text: &str, from: usize) -> usize {
    from + text[from..]
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(char::len_utf8)
        .sum::<usize>()
}

/// `\s*(?:\?\?|\|\|)` at `from`.
fn fallback_at(text: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let op = blanks(text, from);
    let rest = &text.as_bytes()[op..];
    (rest.starts_with(b"??") || rest.starts_with(b"||")).then_some(from..op + 2)
}

const JS: &[Lang] = &[
    Lang::JavaScript,
    Lang::TypeScript,
    Lang::Vue,
    Lang::Svelte,
    Lang::Astro,
];
const PY: &[Lang] = &[Lang::Python];
const RB: &[Lang] = &[Lang::Ruby];
const RS: &[Lang] = &[Lang::Rust];
const GO: &[Lang] = &[Lang::Go];
const PHP: &[Lang] = &[Lang::Php];
const PRISMA: &[Lang] = &[Lang::Prisma];

macro_rules! read_pattern {
    ($langs:expr, $literal:literal, $re:literal) => {
        ReadPattern {
            langs: $langs,
            literal: $literal,
            re: LazyLock::new(|| re($re)),
            hand: None,
        }
    };
    ($langs:expr, $literal:literal, $re:literal, $hand:expr) => {
        ReadPattern {
            langs: $langs,
            literal: $literal,
            re: LazyLock::new(|| re($re)),
            hand: Some($hand),
        }
    };
}

static READS: [ReadPattern; 15] = [
    read_pattern!(
        JS,
        "process.env.",
        r"process\.env\.([A-Za-z_][A-Za-z0-9_]*)(\s*(?:\?\?|\|\|))?",
        Hand::Dot
    ),
    read_pattern!(
        JS,
        "process.env[",
        r#"process\.env\[\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\](\s*(?:\?\?|\|\|))?"#,
        Hand::Bracket
    ),
    read_pattern!(
        JS,
        "import.meta.env.",
        r"import\.meta\.env\.([A-Za-z_][A-Za-z0-9_]*)(\s*(?:\?\?|\|\|))?",
        Hand::Dot
    ),
    read_pattern!(
        PY,
        "environ[",
        r#"environ\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]()"#,
        Hand::Quoted {
            leads: &[""],
            quotes: b"\"'",
            end: End::Then(b']')
        }
    ),
    // `.get("X")` and `getenv("X")` return None when unset: optional with
    // or without a default. The name must be the whole argument (`"A_" +
    // suffix` is a dynamic read, no variable).
    read_pattern!(
        PY,
        "environ.get(",
        r#"environ\.get\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*([,)])"#,
        Hand::Quoted {
            leads: &[""],
            quotes: b"\"'",
            end: End::CommaOrParen
        }
    ),
    read_pattern!(
        PY,
        "getenv(",
        r#"getenv\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*([,)])"#,
        Hand::Quoted {
            leads: &[""],
            quotes: b"\"'",
            end: End::CommaOrParen
        }
    ),
    // `ENV["X"] || d`, `ENV["X"].present?` (`.blank?`, `.nil?`,
    // `.presence`, `&.`): optional.
    read_pattern!(
        RB,
        "ENV[",
        r#"ENV\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\](\s*\|\||\s*\.\s*(?:present\?|blank\?|nil\?|presence\b|empty\?)|&\.)?"#,
        Hand::Quoted {
            leads: &[""],
            quotes: b"\"'",
            end: End::RubyIndex
        }
    ),
    read_pattern!(
        RB,
        "ENV.fetch(",
        r#"ENV\.fetch\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:(,|\)\s*\{|\)\s*do\b)|\))"#,
        Hand::Quoted {
            leads: &[""],
            quotes: b"\"'",
            end: End::RubyFetch
        }
    ),
    // `ENV.key?("X")` and friends ask whether it is set: optional.
    read_pattern!(
        RB,
        "ENV.",
        r#"ENV\.(?:key|has_key|include|member)\?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(\))"#,
        Hand::Quoted {
            leads: &["key?(", "has_key?(", "include?(", "member?("],
            quotes: b"\"'",
            end: End::Paren
        }
    ),
    read_pattern!(
        RS,
        "env::var",
        r#"env::var(?:_os)?\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)(\s*\.\s*(?:unwrap_or|ok\(\)|is_ok|is_err))?"#
    ),
    read_pattern!(
        RS,
        "env!(",
        r#"(?:option_env!\(\s*"([A-Za-z_][A-Za-z0-9_]*)"(\s*)|env!\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*[,)]())"#
    ),
    read_pattern!(
        GO,
        "os.",
        r#"os\.(?:Getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"()|LookupEnv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"(\s*))"#
    ),
    read_pattern!(
        PHP,
        "getenv(",
        r#"getenv\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*(?:(,)|\))"#
    ),
    read_pattern!(
        PHP,
        "$_",
        r#"\$_(?:ENV|SERVER)\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\](\s*\?\?)?"#
    ),
    read_pattern!(
        PRISMA,
        "env(",
        r#"env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)()"#,
        Hand::Quoted {
            leads: &[""],
            quotes: b"\"",
            end: End::Then(b')')
        }
    ),
];

/// Is `c` a word character as the `regex` crate's Unicode `\b` reads
/// them?
fn is_word(c: char) -> bool {
    regex_syntax::is_word_character(c)
}

/// Is there a word boundary before byte `at` of `text`, which starts a
/// word (`\b` before a word's first letter)?
fn boundary_before(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_none_or(|c| !is_word(c))
}

/// `const { A, B: alias, C = "d", ...rest } = process.env` (or
/// `import.meta.env`): each match's whole span and the braces' inside, as
/// `(?:const|let|var)\s*\{([^{}]*)\}\s*=\s*(?:process\.env|import\.meta\.env)\b`
/// finds them (the tests hold the two equal). Found by hand backwards from
/// each `env`: its compiling (the regex crate's, with Unicode blanks) cost
/// a small app a tenth of its run. Each match ends at its own `env` and
/// no two can overlap (the braces hold none), so every one is found.
fn destructures(code: &str) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    for env in ["process.env", "import.meta.env"] {
        for at in memchr::memmem::find_iter(code.as_bytes(), env) {
            let end = at + env.len();
            if code[end..].chars().next().is_some_and(is_word) {
                continue;
            }
            let Some(lhs) = code[..at].trim_end().strip_suffix('=') else {
                continue;
            };
            let Some(close) = lhs.trim_end().strip_suffix('}').map(str::len) else {
                continue;
            };
            let Some(open) = memchr::memrchr2(b'{', b'}', &code.as_bytes()[..close]) else {
                continue;
            };
            if code.as_bytes()[open] != b'{' {
                continue;
            }
            let head = code[..open].trim_end();
            let Some(start) = ["const", "let", "var"]
                .iter()
                .find_map(|k| head.strip_suffix(k).map(str::len))
            else {
                continue;
            };
            out.push((start..end, open + 1..close));
        }
    }
    out.sort_unstable_by_key(|(whole, _)| whole.start);
    out
}

/// A variable of a compose file: `${X}`, `${X:-d}`, `${X-d}`, `${X:?err}`,
/// `$X`, as `\$(?:\{(NAME)(:?[-?+][^}]*)?\}|(NAME))` finds them (the tests
/// hold the two equal), `NAME` being `[A-Za-z_][A-Za-z0-9_]*`.
struct ComposeRef {
    whole: std::ops::Range<usize>,
    name: std::ops::Range<usize>,
    /// The `:-d`, `-d`, `:?err`, `+x` after a braced name.
    modifier: Option<std::ops::Range<usize>>,
}

fn compose_refs(text: &str) -> Vec<ComposeRef> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'$', &bytes[at..]) {
        let dollar = at + i;
        at = dollar + 1;
        let found = if bytes.get(dollar + 1) == Some(&b'{') {
            name_at(bytes, dollar + 2).and_then(|name| {
                let after = name.end;
                if bytes.get(after) == Some(&b'}') {
                    return Some((name, None, after + 1));
                }
                let op = after + usize::from(bytes.get(after) == Some(&b':'));
                if !matches!(bytes.get(op), Some(b'-' | b'?' | b'+')) {
                    return None;
                }
                let close = op + 1 + memchr::memchr(b'}', &bytes[op + 1..])?;
                Some((name, Some(after..close), close + 1))
            })
        } else {
            name_at(bytes, dollar + 1).map(|name| {
                let end = name.end;
                (name, None, end)
            })
        };
        if let Some((name, modifier, end)) = found {
            out.push(ComposeRef {
                whole: dollar..end,
                name,
                modifier,
            });
            at = end;
        }
    }
    out
}

/// Where `createEnv(` or `cleanEnv(` calls start and their `(` is, as
/// `\b(?:createEnv|cleanEnv)\s*\(` finds them (held equal by the tests).
fn schema_starts(code: &str) -> Vec<std::ops::Range<usize>> {
    words_then(code, &["createEnv", "cleanEnv"], &[], b'(')
}

/// `server: {`, `client: {`, `shared: {`, as
/// `\b(?:server|client|shared)\s*:\s*\{` finds them (held equal by the
/// tests).
fn schema_sections(code: &str) -> Vec<std::ops::Range<usize>> {
    words_then(code, &["server", "client", "shared"], b":", b'{')
}

/// Each of `words` at a word boundary, then blanks and each byte of
/// `between` with blanks after it, then `last`: the matches' spans,
/// leftmost first (no word is another's prefix).
fn words_then(code: &str, words: &[&str], between: &[u8], last: u8) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for word in words {
        'found: for at in memchr::memmem::find_iter(code.as_bytes(), word) {
            if !boundary_before(code, at) {
                continue;
            }
            let mut i = blanks(code, at + word.len());
            for &b in between {
                if code.as_bytes().get(i) != Some(&b) {
                    continue 'found;
                }
                i = blanks(code, i + 1);
            }
            if code.as_bytes().get(i) == Some(&last) {
                out.push(at..i + 1);
            }
        }
    }
    out.sort_unstable_by_key(|r| r.start);
    out
}

/// Is this a docker-compose file (by name)?
pub fn is_compose_file(rel: &str) -> bool {
    is_compose_name(rel.rsplit_once('/').map_or(rel, |(_, n)| n))
}

/// Is a file of this name a docker-compose file?
pub fn is_compose_name(name: &str) -> bool {
    use crate::workspace::{ends_with_ci, starts_with_ci};
    (starts_with_ci(name, "docker-compose") || starts_with_ci(name, "compose"))
        && (ends_with_ci(name, ".yml") || ends_with_ci(name, ".yaml"))
}

/// Literal tokens of which one must be present for `reads_in` to find
/// anything in a file of `lang`, given the configured accessors.
pub fn tokens(lang: Lang, accessors: &[String]) -> Vec<String> {
    let mut t: Vec<String> = match lang {
        // Each from where its word is rare (the prefilter tells tokens
        // apart by their first four bytes): `t.meta.env`, not `import…`
        // (every import), `ss.env`, `teEnv`, `anEnv`, not `process`,
        // `create`, `clean`.
        l if l.is_js_like() => vec![
            "ss.env".into(),
            "t.meta.env".into(),
            "teEnv".into(),
            "anEnv".into(),
        ],
        Lang::Python => vec!["environ".into(), "getenv".into()],
        Lang::Ruby => vec!["ENV".into()],
        Lang::Rust => vec!["env".into()],
        Lang::Go => vec!["Getenv".into(), "LookupEnv".into()],
        Lang::Php => vec!["getenv".into(), "$_ENV".into(), "$_SERVER".into()],
        Lang::Prisma => vec!["env(".into()],
        Lang::Yaml => vec!["$".into()],
        _ => return Vec::new(),
    };
    t.extend(accessors.iter().map(|a| format!("{a}(")));
    t
}

/// Every variable read in `file`.
pub fn reads_in(file: &SourceFile, accessors: &[Regex]) -> Vec<EnvRead> {
    let mut out = Vec::new();
    if file.lang == Lang::Yaml {
        if is_compose_file(file.rel) {
            compose_reads(file, &mut out);
        }
        return out;
    }
    let text = file.text;
    // Names this file tests for presence.
    let mut tested: std::collections::BTreeSet<String> = Default::default();
    for p in READS
        .iter()
        .filter(|p| p.langs.contains(&file.lang) && text.contains(p.literal))
    {
        for caps in p.matches(text) {
            let whole = Span::of(text, caps.whole);
            let name = Span::of(text, caps.name);
            let fallback = caps.fallback.map(|f| Span::of(text, f));
            if !in_code(file, whole.start())
                || is_vite_builtin(whole.as_str(), name.as_str())
                || (fallback.is_none_or(|f| f.as_str().is_empty())
                    && is_assignment(text, whole.end()))
            {
                continue;
            }
            let test = tests_presence(file.lang)
                && (is_presence_test(text, whole.start(), whole.end())
                    || guarded_after_assignment(text, whole.start(), whole.end()));
            if test {
                tested.insert(name.as_str().to_string());
            }
            let default_value = is_default_value(text, whole.start());
            let optional = fallback
                .is_some_and(|f| !f.as_str().is_empty() || is_lookup(whole.as_str()))
                || test
                || default_value;
            push(file, &mut out, name.start(), name.as_str(), optional);
            if let Some(last) = out.last_mut() {
                last.feeds = assigned_variable(text, whole.start());
                if let Some(f) = fallback {
                    last.defaulted = optional && !is_nullable(whole.as_str(), f.as_str());
                }
                if default_value && fallback.is_none() {
                    last.defaulted = false;
                }
            }
        }
    }
    // A variable the file tests for presence is optional in that file:
    // the code knows it may be unset, and its other reads sit behind the
    // test (`if (X) { use(X) }`, `X ? [X] : []`, `if (!X) return; X.split`).
    for r in out.iter_mut() {
        if tested.contains(&r.name) {
            r.optional = true;
        }
    }
    for acc in accessors {
        for caps in acc.captures_iter(text) {
            let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            if in_code(file, whole.start()) {
                push(
                    file,
                    &mut out,
                    name.start(),
                    name.as_str(),
                    caps.get(2).is_some(),
                );
            }
        }
    }
    if file.lang.is_js_like() {
        destructured_reads(file, &mut out);
        let mut schema = Vec::new();
        schema_reads(file, &mut schema);
        // A key the schema declares `.optional()`/`.default(…)` is optional
        // wherever the file reads it (t3-env's `runtimeEnv: { X:
        // process.env.X }` re-reads every key).
        for r in out.iter_mut() {
            if schema.iter().any(|s| s.optional && s.name == r.name) {
                r.optional = true;
                r.defaulted = true;
            }
        }
        out.extend(schema);
    }
    out
}

/// Languages where an unset variable reads as `undefined`/`nil`/`false`,
/// so a test of it handles absence (Python's `os.environ["X"]` raises
/// instead, and Go, Rust return errors or empty strings).
fn tests_presence(lang: Lang) -> bool {
    lang.is_js_like() || matches!(lang, Lang::Ruby | Lang::Php)
}

/// The read at `start..end` is a test of the variable, not a use of its
/// value: compared (`=== "1"`, `!= nil`), negated (`!X`, `!!X`), a
/// condition on its own (`if (X)`, `if ENV["X"]`, `X ? a : b`, `X && …`),
/// or the argument of a call the code falls back from
/// (`parseInt(X, 10) || 200`). Unset, it is simply false.
fn is_presence_test(text: &str, start: usize, end: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before = text[line_start..start].trim_end();
    let mut after = text[end..line_end].trim_start();
    // A condition whose `?` or `&&` starts the next line (prettier's
    // layout of a long ternary).
    if after.is_empty() {
        let next = text[line_end..].trim_start();
        if next.starts_with(['?', '&', '|']) {
            after = &next[..next.find('\n').unwrap_or(next.len())];
        }
    }
    let compared = ["===", "!==", "==", "!=", "&&"]
        .iter()
        .any(|op| after.starts_with(op))
        || (after.starts_with('?') && !after.starts_with("?.") && !after.starts_with("??"));
    let negated = before.ends_with('!');
    let condition =
        (before.ends_with("if (") || before.ends_with("if(") || before.ends_with("while ("))
            && after.starts_with(')')
            || before.ends_with("if")
            || before.ends_with("unless")
            || before.ends_with("&&");
    // `f(X, …) || d` / `f(X) ?? d`: the call's result has a fallback.
    let call_fallback = before.ends_with('(') && {
        let rest = after.split(';').next().unwrap_or("");
        rest.contains(") ||") || rest.contains(") ??")
    };
    compared || negated || condition || call_fallback
}

/// `field :token, default: ENV["X"]`, `Field(default=os.getenv("X"))`: the
/// read is the default of a setting the app can change, unset it is `nil`.
fn is_default_value(text: &str, start: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start].trim_end();
    before.ends_with("default:") || before.ends_with("default =") || before.ends_with("default=")
}

/// `process.env.B = ` (`ENV["B"] = `, `os.environ["B"] = `) before a read
/// on its line: the variable the read's value is copied into. Found by
/// hand from the end of the text before the read; the tests hold it to the
/// pattern it was (`ASSIGNED_TO`), whose compiling was most of a small
/// app's env reads.
fn assigned_variable(text: &str, start: usize) -> Option<String> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // `\s*=\s*` at the end (`trim_end` takes Unicode's White_Space, as `\s`).
    let lhs = text[line_start..start]
        .trim_end()
        .strip_suffix('=')?
        .trim_end();
    // The name: the identifier bytes the text ends with.
    let name_at = |t: &str| {
        t.len()
            - t.bytes()
                .rev()
                .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_')
                .count()
    };
    let is_name = |n: &str| n.as_bytes().first().is_some_and(|b| !b.is_ascii_digit());
    let at = name_at(lhs);
    if at < lhs.len() {
        // `process.env.NAME`
        let name = &lhs[at..];
        return (is_name(name) && lhs[..at].ends_with("process.env.")).then(|| name.to_string());
    }
    // `process.env["NAME"]`, `ENV['NAME']`, `os.environ[ "NAME" ]`
    let quoted = lhs
        .strip_suffix(']')?
        .trim_end()
        .strip_suffix(['"', '\''])?;
    let at = name_at(quoted);
    let name = &quoted[at..];
    let head = quoted[..at]
        .strip_suffix(['"', '\''])?
        .trim_end()
        .strip_suffix('[')?;
    (is_name(name)
        && ["process.env", "ENV", "os.environ"]
            .iter()
            .any(|h| head.ends_with(h)))
    .then(|| name.to_string())
}

/// `const apiKey = process.env.X;` then `if (!apiKey) return` (`secret =
/// ENV["X"]` then `return nil unless secret.present?`) within the next few
/// lines: the code handles absence through the local it assigned.
fn guarded_after_assignment(text: &str, start: usize, end: usize) -> bool {
    const LOOKAHEAD: usize = 4;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let rest = text[end..line_end].trim();
    if !(rest.is_empty() || rest == ";") {
        return false;
    }
    let Some(lhs) = text[line_start..start].trim_end().strip_suffix('=') else {
        return false;
    };
    let lhs = lhs.trim_end();
    let local_at = lhs
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .map_or(0, |i| i + 1);
    let local = &lhs[local_at..];
    let keyword = lhs[..local_at].trim();
    if local.is_empty()
        || local.starts_with(|c: char| c.is_ascii_digit())
        || !matches!(keyword, "" | "const" | "let" | "var")
    {
        return false;
    }
    let is_local_at = |line: &str, at: usize| {
        let before_ok = line[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'));
        let after = &line[at + local.len()..];
        before_ok && !after.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$')
    };
    text[line_end..]
        .lines()
        .skip(1)
        .take(LOOKAHEAD)
        .any(|line| {
            line.match_indices(local).any(|(at, _)| {
                if !is_local_at(line, at) {
                    return false;
                }
                let before = line[..at].trim_end();
                let after = line[at + local.len()..].trim_start();
                before.ends_with('!')
                    || before.ends_with("unless")
                    || before.ends_with("if")
                    || (before.ends_with("if (") || before.ends_with("if("))
                        && after.starts_with(')')
                    || after.starts_with(".present?")
                    || after.starts_with(".blank?")
                    || after.starts_with(".nil?")
                    || after.starts_with("&&")
                    || [
                        "=== undefined",
                        "== null",
                        "=== null",
                        "== nil",
                        "=== \"\"",
                        "== \"\"",
                    ]
                    .iter()
                    .any(|t| after.starts_with(t))
            })
        })
}

/// `process.env.X = …`, `ENV["X"] = …`, `os.environ["X"] = …`: the code
/// sets the variable, it does not depend on it. (`==`, `===`, `=~`, `=>`
/// are comparisons and arrows, not assignments.)
fn is_assignment(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches([' ', '\t']);
    let mut chars = rest.chars();
    chars.next() == Some('=') && !matches!(chars.next(), Some('=' | '~' | '>'))
}

/// `import.meta.env.MODE` and friends are set by Vite itself, not by the
/// environment.
fn is_vite_builtin(read: &str, name: &str) -> bool {
    read.starts_with("import.meta.env")
        && matches!(name, "MODE" | "DEV" | "PROD" | "SSR" | "BASE_URL")
}

/// A read that yields `None`/`nil` when the variable is unset, with no
/// value of the code's own: Python's `.get("X")`/`getenv("X")` (the match
/// ends at `)`), Ruby's `ENV["X"].present?`, `ENV["X"]&.…`, `ENV.key?("X")`.
fn is_nullable(read: &str, fallback: &str) -> bool {
    let f = fallback.trim_start();
    f == ")"
        || f.starts_with('.')
        || f.starts_with('&')
        || (read.starts_with("ENV.") && read.contains("?("))
}

/// `os.LookupEnv`, `option_env!` and Ruby's `ENV.key?` handle absence by
/// design.
fn is_lookup(read: &str) -> bool {
    read.contains("LookupEnv")
        || read.starts_with("option_env!")
        || (read.starts_with("ENV.") && read.contains("?("))
}

pub use crate::config::env::accessor_regex;

fn in_code(file: &SourceFile, offset: usize) -> bool {
    file.region_at(offset).map(|r| r.kind) == Some(RegionKind::Code)
}

fn push(file: &SourceFile, out: &mut Vec<EnvRead>, start: usize, name: &str, optional: bool) {
    let span = file.span(start, start + name.len());
    out.push(EnvRead {
        name: name.to_string(),
        path: file.rel.to_string(),
        line: span.line,
        column: span.column,
        end_column: span.end_column,
        optional,
        defaulted: optional,
        feeds: None,
        source_line: file.shown_line(start, start + name.len()),
    });
}

fn destructured_reads(file: &SourceFile, out: &mut Vec<EnvRead>) {
    if !file.code_has("process.env") && !file.code_has("import.meta.env") {
        return;
    }
    let code = file.code();
    for (whole, body) in destructures(code) {
        // `= process.env.VERCEL === "1" ? geo : {}` destructures something
        // else: only `= process.env` itself gives variables.
        let after = code[whole.end..].trim_start();
        if after.starts_with(['.', '[', '?']) {
            continue;
        }
        let mut offset = body.start;
        for part in code[body].split(',') {
            let lead = part.len() - part.trim_start().len();
            let item = part.trim();
            let name_len = item
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(item.len());
            let name = &item[..name_len];
            if !name.is_empty() && !item.starts_with("...") {
                // `NAME = d` or `NAME: alias = d`: a default makes it optional.
                let optional = item[name_len..]
                    .split_once('=')
                    .is_some_and(|(_, after)| !after.starts_with(['=', '>']));
                push(file, out, offset + lead, name, optional);
            }
            offset += part.len() + 1;
        }
    }
}

/// Keys of `server: {…}`, `client: {…}`, `shared: {…}` inside `createEnv(…)`
/// and of the spec object in `cleanEnv(env, {…})`.
fn schema_reads(file: &SourceFile, out: &mut Vec<EnvRead>) {
    // Most apps call neither: their runs never compile the pattern.
    if !file.code_has("createEnv") && !file.code_has("cleanEnv") {
        return;
    }
    let code = file.code();
    for start in schema_starts(code) {
        let Some(call) = balanced(code, start.end - 1) else {
            continue;
        };
        let call_text = &code[call.clone()];
        let is_envalid = code[start].starts_with("cleanEnv");
        let objects: Vec<std::ops::Range<usize>> = if is_envalid {
            // cleanEnv(source, { … }): the second argument.
            call_text
                .match_indices('{')
                .next()
                .and_then(|(i, _)| balanced(code, call.start + i))
                .into_iter()
                .collect()
        } else {
            schema_sections(call_text)
                .into_iter()
                .filter_map(|m| balanced(code, call.start + m.end - 1))
                .collect()
        };
        for obj in objects {
            object_keys(file, code, obj, out);
        }
    }
}

/// Top-level `KEY:` entries of the object spanning `range` (braces included).
fn object_keys(
    file: &SourceFile,
    code: &str,
    range: std::ops::Range<usize>,
    out: &mut Vec<EnvRead>,
) {
    let b = code.as_bytes();
    let (mut depth, mut i, mut entry_start) = (0i32, range.start, range.start + 1);
    while i < range.end {
        match b[i] {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => depth -= 1,
            b',' if depth == 1 => {
                entry(file, code, entry_start..i, out);
                entry_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    entry(file, code, entry_start..range.end.saturating_sub(1), out);
}

fn entry(file: &SourceFile, code: &str, range: std::ops::Range<usize>, out: &mut Vec<EnvRead>) {
    let Some(text) = code.get(range.clone()) else {
        return;
    };
    let lead = text.len() - text.trim_start().len();
    let t = text.trim_start();
    let name_len = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    let name = &t[..name_len];
    if name.is_empty() || !t[name_len..].trim_start().starts_with(':') {
        return;
    }
    let spec = &t[name_len..];
    let optional =
        spec.contains(".optional()") || spec.contains(".default(") || spec.contains("default:");
    push(file, out, range.start + lead, name, optional);
}

/// The range of the bracketed group opening at `open` (inclusive of both
/// brackets), on masked code so brackets in strings and comments don't count.
fn balanced(code: &str, open: usize) -> Option<std::ops::Range<usize>> {
    let b = code.as_bytes();
    let mut depth = 0i32;
    for (i, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open..i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn compose_reads(file: &SourceFile, out: &mut Vec<EnvRead>) {
    // `compose.example.yml` shows self-hosters a way to run the app; it
    // requires nothing of the deployment this repository makes.
    let example = file.rel.rsplit('/').next().is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        ["example", "sample", "template"]
            .iter()
            .any(|w| n.contains(w))
    });
    for r in compose_refs(file.text) {
        // `$$` escapes a dollar in compose files.
        if r.whole.start > 0 && file.text.as_bytes()[r.whole.start - 1] == b'$' {
            continue;
        }
        if file.region_at(r.whole.start).map(|r| r.kind) == Some(RegionKind::Comment) {
            continue;
        }
        let optional = r.modifier.is_some_and(|m| !file.text[m].contains('?'));
        let name = &file.text[r.name.clone()];
        push(file, out, r.name.start, name, optional || example);
    }
}

#[cfg(test)]
mod tests;
