//! JavaScript / TypeScript (with JSX): comments, quotes, template literals
//! with nested `${}` substitutions, regex literals and JSX text.
//!
//! One forward pass with an explicit stack (no recursion). Whether a `/` or a
//! `<` starts a regex / JSX element is decided by looking back over the
//! whitespace of the current code gap at the previous significant byte or word;
//! when the gap is exhausted the state recorded at the last comment or string
//! is used.

use super::jsx::{ends_statement, jsx_start, starts_line_comment};
use super::scanner::{
    block_comment, is_ident, line_comment, quoted, regex_end, skip_to, table, Out, Quote, Stops,
};
use super::RegionKind::{Comment, String as Str};
use memchr::{memchr, memchr3};

/// What the innermost open `{` belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Top,
    /// `${` of a template literal: `}` resumes the template text.
    Subst,
    /// `{` in a JSX tag: `}` resumes the tag.
    JsxAttr,
    /// `{` in JSX children: `}` resumes the text.
    JsxChild,
    /// A JSX element tree; `n` is the number of open elements.
    Jsx,
}

struct Level {
    kind: Kind,
    /// Plain `{` opened at this level (or open elements for `Jsx`).
    n: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Code,
    Tag { closing: bool },
    Text,
}

const CODE: Stops<7> = table(b"/'\"`{}<");
/// At the top level braces change nothing (only a `}` that closes a `${…}`
/// or a JSX expression matters), so code there skips them: blocks and object
/// literals are the most frequent stops otherwise.
const CODE_TOP: Stops<5> = table(b"/'\"`<");
const TAG: Stops<11> = table(b">/{\"'<;(),`");
const TEXT: Stops<3> = table(b"<{\n");

/// Keywords after which an expression (so a regex or JSX) may start.
const EXPR_KEYWORDS: &[&[u8]] = &[
    b"return",
    b"typeof",
    b"case",
    b"do",
    b"else",
    b"in",
    b"of",
    b"new",
    b"delete",
    b"void",
    b"throw",
    b"yield",
    b"await",
    b"instanceof",
];

/// Lex `b[start..end]` as JavaScript; `hashbang` allows a `#!` first line.
pub(super) fn lex(b: &[u8], start: usize, end: usize, out: &mut Out, hashbang: bool) {
    let b = &b[..end.min(b.len())];
    let mut lx = Lexer {
        b,
        stack: vec![Level {
            kind: Kind::Top,
            n: 0,
        }],
        mode: Mode::Code,
        expr_ok: true,
        regex_fail_until: 0,
        text_start: None,
    };
    let mut i = start;
    if hashbang && start == 0 && b.starts_with(b"#!") {
        i = line_comment(b, 0);
        out.emit(Comment, 0, i);
    }
    while i < b.len() {
        i = match lx.mode {
            Mode::Code => lx.code(i, out),
            Mode::Tag { closing } => lx.tag(i, closing, out),
            Mode::Text => lx.text(i, out),
        };
    }
}

struct Lexer<'a> {
    b: &'a [u8],
    stack: Vec<Level>,
    mode: Mode,
    /// Whether an expression may start right after the last emitted region.
    expr_ok: bool,
    /// A regex attempt failed to close before this offset (its line end):
    /// slashes before it are division, which keeps long lines linear.
    regex_fail_until: usize,
    /// Start of the JSX text being scanned; it becomes a String region once a
    /// tag or `{` confirms it was JSX text (literal content, not code).
    text_start: Option<usize>,
}

impl Lexer<'_> {
    fn top(&mut self) -> &mut Level {
        if self.stack.is_empty() {
            self.stack.push(Level {
                kind: Kind::Top,
                n: 0,
            });
        }
        let k = self.stack.len() - 1;
        &mut self.stack[k]
    }

    /// Can an expression (regex literal, JSX element) start at `i`?
    fn expr_allowed(&self, i: usize, out: &Out) -> bool {
        let b = self.b;
        let floor = out.pos;
        let mut j = i;
        while j > floor && b[j - 1].is_ascii_whitespace() {
            j -= 1;
        }
        if j == floor {
            return self.expr_ok;
        }
        let c = b[j - 1];
        if is_ident(c) {
            let mut w = j - 1;
            while w > floor && is_ident(b[w - 1]) {
                w -= 1;
            }
            let word = &b[w..j];
            let member = w > floor && b[w - 1] == b'.';
            return !member && EXPR_KEYWORDS.contains(&word);
        }
        !matches!(c, b')' | b']' | b'}' | b'"' | b'\'' | b'`')
    }

    fn comment(&mut self, kind_start: usize, end: usize, out: &mut Out) -> usize {
        self.expr_ok = self.expr_allowed(kind_start, out);
        out.emit(Comment, kind_start, end);
        end
    }

    fn string(&mut self, start: usize, end: usize, out: &mut Out) -> usize {
        self.expr_ok = false;
        out.emit(Str, start, end);
        end
    }

    fn code(&mut self, i: usize, out: &mut Out) -> usize {
        let b = self.b;
        let i = match self.stack.last() {
            Some(Level {
                kind: Kind::Top, ..
            }) => skip_to(b, i, &CODE_TOP),
            _ => skip_to(b, i, &CODE),
        };
        if i >= b.len() {
            return i;
        }
        match b[i] {
            b'/' => match b.get(i + 1) {
                Some(b'/') => self.comment(i, line_comment(b, i), out),
                Some(b'*') => self.comment(i, block_comment(b, i, *b"/*", *b"*/", false), out),
                _ if i >= self.regex_fail_until && self.expr_allowed(i, out) => {
                    match regex_end(b, i) {
                        Ok(e) => self.string(i, e, out),
                        Err(eol) => {
                            self.regex_fail_until = eol;
                            i + 1
                        }
                    }
                }
                _ => i + 1,
            },
            q @ (b'\'' | b'"') => self.string(i, quoted(b, i, q, Quote::LINE), out),
            b'`' => self.template(i, i + 1, out),
            b'{' => {
                let top = self.top();
                top.n = top.n.saturating_add(1);
                i + 1
            }
            b'}' => self.close_brace(i, out),
            b'<' => {
                if jsx_start(b, i) && self.expr_allowed(i, out) {
                    self.stack.push(Level {
                        kind: Kind::Jsx,
                        n: 1,
                    });
                    self.mode = Mode::Tag { closing: false };
                }
                i + 1
            }
            _ => i + 1,
        }
    }

    fn close_brace(&mut self, i: usize, out: &mut Out) -> usize {
        let top = self.top();
        if top.n > 0 {
            top.n -= 1;
            return i + 1;
        }
        match top.kind {
            Kind::Top | Kind::Jsx => i + 1,
            Kind::Subst => {
                self.stack.pop();
                self.template(i + 1, i + 1, out)
            }
            Kind::JsxAttr => {
                self.stack.pop();
                self.mode = Mode::Tag { closing: false };
                i + 1
            }
            Kind::JsxChild => {
                self.stack.pop();
                self.mode = Mode::Text;
                i + 1
            }
        }
    }

    /// Template text starting at `s` (a backtick or just after a `}`), scanned
    /// from `from`: up to the closing backtick, or up to a `${`, which opens a
    /// substitution whose `${` is Code.
    fn template(&mut self, s: usize, from: usize, out: &mut Out) -> usize {
        let b = self.b;
        let mut j = from;
        while let Some(k) = b.get(j..).and_then(|t| memchr3(b'`', b'\\', b'$', t)) {
            let p = j + k;
            match b[p] {
                b'`' => return self.string(s, p + 1, out),
                b'\\' => j = p + 2,
                _ if b.get(p + 1) == Some(&b'{') => {
                    out.emit(Str, s, p);
                    self.expr_ok = true;
                    self.stack.push(Level {
                        kind: Kind::Subst,
                        n: 0,
                    });
                    return p + 2;
                }
                _ => j = p + 1,
            }
        }
        self.string(s, b.len(), out)
    }

    /// Leave JSX entirely (the `<` was not JSX after all, or the tree closed).
    fn leave_jsx(&mut self) {
        self.text_start = None;
        if self.stack.last().is_some_and(|l| l.kind == Kind::Jsx) {
            self.stack.pop();
        }
        self.mode = Mode::Code;
    }

    /// One element closed (`</x>` or `/>`).
    fn close_element(&mut self) {
        let top = self.top();
        if top.kind != Kind::Jsx || top.n <= 1 {
            self.leave_jsx();
        } else {
            top.n -= 1;
            self.mode = Mode::Text;
        }
    }

    /// Inside `<name ...` up to `>` / `/>`.
    fn tag(&mut self, i: usize, closing: bool, out: &mut Out) -> usize {
        let b = self.b;
        let i = skip_to(b, i, &TAG);
        if i >= b.len() {
            return i;
        }
        match b[i] {
            b'>' => {
                if closing {
                    self.close_element();
                } else {
                    self.mode = Mode::Text;
                }
                i + 1
            }
            b'/' => match b.get(i + 1) {
                Some(b'>') => {
                    self.close_element();
                    i + 2
                }
                Some(b'/') => self.comment(i, line_comment(b, i), out),
                Some(b'*') => self.comment(i, block_comment(b, i, *b"/*", *b"*/", false), out),
                _ => i + 1,
            },
            b'{' => {
                self.stack.push(Level {
                    kind: Kind::JsxAttr,
                    n: 0,
                });
                self.mode = Mode::Code;
                self.expr_ok = true;
                i + 1
            }
            q @ (b'"' | b'\'') => {
                let e = match b.get(i + 1..).and_then(|t| memchr(q, t)) {
                    Some(k) => i + 1 + k + 1,
                    None => b.len(),
                };
                out.emit(Str, i, e);
                e
            }
            // Not a tag after all (a comparison or a TS cast): back to code.
            _ => {
                self.leave_jsx();
                i
            }
        }
    }

    /// JSX children text: Code, with `{…}` expressions and nested elements.
    fn text(&mut self, i: usize, out: &mut Out) -> usize {
        let b = self.b;
        let start = *self.text_start.get_or_insert(i);
        let i = skip_to(b, i, &TEXT);
        if i >= b.len() {
            return i;
        }
        if matches!(b[i], b'<' | b'{') {
            self.text_start = None;
            if b[start..i].iter().any(|c| !c.is_ascii_whitespace()) {
                out.emit(Str, start, i);
            }
        }
        match b[i] {
            b'<' => match b.get(i + 1) {
                Some(b'/') => {
                    self.mode = Mode::Tag { closing: true };
                    i + 2
                }
                Some(&c) if c == b'>' || c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                    let top = self.top();
                    top.n = top.n.saturating_add(1);
                    self.mode = Mode::Tag { closing: false };
                    i + 1
                }
                _ => i + 1,
            },
            b'{' => {
                self.stack.push(Level {
                    kind: Kind::JsxChild,
                    n: 0,
                });
                self.mode = Mode::Code;
                self.expr_ok = true;
                i + 1
            }
            _ => {
                // A line of "text" ending in `;`, or followed by a `//` line, is
                // code: a TS cast or generic was misread as JSX. Resume code.
                if ends_statement(b, i) || starts_line_comment(b, i + 1) {
                    self.leave_jsx();
                }
                i + 1
            }
        }
    }
}
