//! What the readers of migrations written as code (Rails, Django, Alembic)
//! share: the file with comments and string contents blanked (offsets and
//! lines kept), the calls found by name with their arguments split at the
//! top level, and the literal values read back from the original text. An
//! argument that is not a literal the readers understand reads as `None`,
//! and the reader then says nothing.

use super::ops::{Located, Op};
use crate::lexer::call_args::call_args;
use crate::lexer::{self, Lang, RegionKind};
use regex::Regex;
use std::ops::Range;

pub(super) struct Source<'a> {
    pub text: &'a str,
    /// Comments blanked, each string a `"` … `"` of blanks (newlines kept).
    pub skeleton: String,
    line_starts: Vec<usize>,
    /// Parts no call is read in (`def down`, Django's state operations).
    pub skip: Vec<Range<usize>>,
}

/// A call: where its name starts, and its arguments.
pub(super) struct Call {
    pub name: String,
    pub at: usize,
    pub args: Vec<Arg>,
}

/// One argument: `key` for `key: v` (Ruby) and `key=v` (Python).
pub(super) struct Arg {
    pub key: Option<String>,
    pub value: Range<usize>,
}

impl<'a> Source<'a> {
    pub fn new(lang: Lang, text: &'a str) -> Source<'a> {
        let mut sk = text.as_bytes().to_vec();
        for r in lexer::lex(lang, text) {
            if r.kind == RegionKind::Code {
                continue;
            }
            for b in &mut sk[r.start..r.end] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
            // Every byte of the region is now a blank or a newline: the
            // quotes replace blanks only (a heredoc body may end in `\n`).
            if r.kind == RegionKind::String {
                for at in [r.start, r.end - 1] {
                    if sk[at] == b' ' {
                        sk[at] = b'"';
                    }
                }
            }
        }
        let skeleton = String::from_utf8(sk).unwrap_or_default();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            text,
            skeleton,
            line_starts,
            skip: Vec::new(),
        }
    }

    /// The 1-based line of `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        let n = self.line_starts.partition_point(|&s| s <= offset);
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Every call whose name `names` matches (its group 1), outside
    /// `skip`, in file order. `bare`: Ruby's call without parentheses.
    pub fn calls(&self, names: &Regex, bare: bool) -> Vec<Call> {
        let sk = self.skeleton.as_str();
        let mut out = Vec::new();
        for c in names.captures_iter(sk) {
            let Some(m) = c.get(1) else { continue };
            if self.skip.iter().any(|r| r.contains(&m.start())) {
                continue;
            }
            let rest = &sk[m.end()..];
            let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let (start, paren) = match rest.as_bytes().get(gap) {
                Some(b'(') => (m.end() + gap + 1, true),
                Some(_) if bare && gap > 0 => (m.end() + gap, false),
                _ => continue,
            };
            let Some((ranges, _)) = call_args(sk, start, paren) else {
                continue;
            };
            out.push(Call {
                name: m.as_str().to_string(),
                at: m.start(),
                args: ranges
                    .into_iter()
                    .filter(|r| !r.is_empty())
                    .map(|r| self.arg(r))
                    .collect(),
            });
        }
        out
    }

    /// The ops of every call `names` matches, each at its call's line.
    pub fn ops(&self, names: &Regex, bare: bool, ops: impl Fn(&Call) -> Vec<Op>) -> Vec<Located> {
        self.calls(names, bare)
            .iter()
            .flat_map(|c| {
                let line = self.line(c.at);
                ops(c).into_iter().map(move |op| Located { line, op })
            })
            .collect()
    }

    fn arg(&self, r: Range<usize>) -> Arg {
        let s = &self.skeleton[r.clone()];
        let ident = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        let after = &s[ident..];
        let key_len = if ident > 0 && after.starts_with(':') && !after.starts_with("::") {
            Some(ident + 1)
        } else if ident > 0
            && after.trim_start().starts_with('=')
            && !after.trim_start().starts_with("==")
        {
            Some(ident + after.find('=').unwrap_or(0) + 1)
        } else {
            None
        };
        match key_len {
            Some(k) => {
                let v = &s[k..];
                let lead = v.len() - v.trim_start().len();
                Arg {
                    key: Some(s[..ident].to_string()),
                    value: r.start + k + lead..r.end,
                }
            }
            None => Arg {
                key: None,
                value: r,
            },
        }
    }

    /// The original text of `r`.
    pub fn raw(&self, r: &Range<usize>) -> &'a str {
        &self.text[r.clone()]
    }

    /// A name given as a string without interpolation (`'users'`,
    /// `"users"`) or a Ruby symbol (`:users`).
    pub fn name(&self, r: &Range<usize>) -> Option<String> {
        let s = self.raw(r).trim();
        let word = |w: &str| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        };
        if let Some(sym) = s.strip_prefix(':') {
            return word(sym).then(|| sym.to_string());
        }
        let q = s.chars().next()?;
        let inner = s.strip_prefix(['"', '\''])?.strip_suffix(q)?;
        word(inner).then(|| inner.to_string())
    }

    /// `true`/`false` (Ruby) or `True`/`False` (Python).
    pub fn boolean(&self, r: &Range<usize>) -> Option<bool> {
        match self.raw(r).trim() {
            "true" | "True" => Some(true),
            "false" | "False" => Some(false),
            _ => None,
        }
    }

    /// The callee and arguments of a call written as an argument
    /// (`models.CharField(max_length=10)`, `sa.Column('c', …)`).
    pub fn inner_call(&self, r: &Range<usize>) -> Option<(String, Vec<Arg>)> {
        let s = &self.skeleton[r.clone()];
        let open = s.find('(')?;
        let callee = s[..open].trim();
        if callee.is_empty()
            || !callee
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return None;
        }
        let (ranges, _) = call_args(&self.skeleton, r.start + open + 1, true)?;
        let args = ranges
            .into_iter()
            .filter(|r| !r.is_empty())
            .map(|r| self.arg(r))
            .collect();
        Some((callee.to_string(), args))
    }
}

impl Call {
    /// The `i`-th positional argument.
    pub fn pos(&self, i: usize) -> Option<&Range<usize>> {
        positional(&self.args, i)
    }

    pub fn kw(&self, key: &str) -> Option<&Range<usize>> {
        keyword(&self.args, key)
    }

    /// Argument `key`, else the `i`-th positional one (Python's calls take
    /// either).
    pub fn arg(&self, key: &str, i: usize) -> Option<&Range<usize>> {
        self.kw(key).or_else(|| self.pos(i))
    }
}

pub(super) fn positional(args: &[Arg], i: usize) -> Option<&Range<usize>> {
    args.iter()
        .filter(|a| a.key.is_none())
        .nth(i)
        .map(|a| &a.value)
}

pub(super) fn keyword<'a>(args: &'a [Arg], key: &str) -> Option<&'a Range<usize>> {
    args.iter()
        .find(|a| a.key.as_deref() == Some(key))
        .map(|a| &a.value)
}

/// The end of the block a line at `start` opens, by indentation: Ruby's
/// `end` at the opener's indentation (`python`: false), or the first
/// non-blank line indented no deeper than the opener (Python).
pub(super) fn block_end(skeleton: &str, start: usize, python: bool) -> usize {
    let line_start = skeleton[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(&skeleton[line_start..]);
    let first = skeleton[start..]
        .find('\n')
        .map_or(skeleton.len(), |i| start + i + 1);
    let mut at = first;
    for line in skeleton[first..].split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() {
            let i = indent(line);
            if python && i <= own {
                return at;
            }
            if !python && i == own && (t == "end" || t.starts_with("end ") || t.starts_with("end."))
            {
                return at + line.len();
            }
        }
        at += line.len();
    }
    skeleton.len()
}

/// The offset after the bracket that closes the one at `open`.
pub(super) fn closing(sk: &str, open: usize) -> usize {
    let mut depth = 0;
    for (i, b) in sk.bytes().enumerate().skip(open) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    sk.len()
}
