//! Ruby: `#` comments, `=begin`/`=end` blocks, `'`/`"`/backtick strings
//! (interpolation `#{…}` stays inside the String), `%q(…)`-style literals,
//! heredocs (`<<~EOS`, `<<-EOS`, `<<EOS`) and regex literals.

use super::heredoc::Heredocs;
use super::scanner::{
    is_blank, is_ident, line_comment, quoted, regex_end, skip_to, table, Out, Quote, Stops,
};
use super::RegionKind::{Comment, String as Str};
use memchr::{memchr3, memmem};

const CODE: Stops<11> = table(b"#'\"`=%<$?/\n");

/// Keywords after which `/` starts a regex.
const REGEX_KEYWORDS: &[&[u8]] = &[
    b"if", b"elsif", b"unless", b"while", b"until", b"when", b"and", b"or", b"not", b"return",
    b"then", b"in",
];

pub(super) fn lex(b: &[u8], out: &mut Out) {
    let n = b.len();
    let mut i = 0;
    let mut heredocs = Heredocs::default();
    let mut regex_fail_until = 0;
    loop {
        i = skip_to(b, i, &CODE);
        if i >= n {
            break;
        }
        if let Some((bs, be)) = heredocs.take(b, i) {
            out.emit(Str, bs, be);
            i = be.max(i + 1);
            continue;
        }
        let at_line_start = i == 0 || b[i - 1] == b'\n';
        let (kind, s, e) = match b[i] {
            b'#' => (Comment, i, line_comment(b, i)),
            b'=' if at_line_start && is_begin(b, i) => {
                let e = match memmem::find(&b[i..], b"\n=end") {
                    Some(k) => line_comment(b, i + k + 1),
                    None => n,
                };
                (Comment, i, e)
            }
            b'$' | b'?' => {
                // `$'` / `$"` globals and `?'` char literals are not strings.
                let quote_next = matches!(b.get(i + 1), Some(b'\'' | b'"'));
                let skip = quote_next && (b[i] == b'$' || i == 0 || !is_ident(b[i - 1]));
                i += if skip { 2 } else { 1 };
                continue;
            }
            b'\'' => (Str, i, quoted(b, i, b'\'', Quote::MULTI)),
            q @ (b'"' | b'`') => (Str, i, interpolated(b, i + 1, q)),
            b'%' => match percent_literal(b, i) {
                Some(e) => (Str, i, e),
                None => {
                    i += 1;
                    continue;
                }
            },
            b'<' => {
                if let Some((label, indented, after)) = heredoc_opener(b, i) {
                    heredocs.open(b, after, label, indented);
                    i = after;
                } else {
                    i += 2;
                }
                continue;
            }
            b'/' if i >= regex_fail_until && regex_allowed(b, i, out.pos) => {
                match regex_end(b, i) {
                    Ok(e) => (Str, i, e),
                    Err(eol) => {
                        regex_fail_until = eol;
                        i += 1;
                        continue;
                    }
                }
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.emit(kind, s, e);
        i = e.max(i + 1);
    }
}

fn is_begin(b: &[u8], i: usize) -> bool {
    b[i..].starts_with(b"=begin") && !matches!(b.get(i + 6), Some(c) if !c.is_ascii_whitespace())
}

/// End of a `"`/backtick string whose content starts at `from`; `#{…}`
/// interpolations (with nested braces and simple nested strings) are skipped.
fn interpolated(b: &[u8], from: usize, q: u8) -> usize {
    let n = b.len();
    let mut j = from;
    while let Some(k) = b.get(j..).and_then(|t| memchr3(q, b'\\', b'#', t)) {
        let p = j + k;
        if b[p] == q {
            return p + 1;
        }
        if b[p] == b'\\' {
            j = p + 2;
            continue;
        }
        if b.get(p + 1) != Some(&b'{') {
            j = p + 1;
            continue;
        }
        let mut depth = 1usize;
        j = p + 2;
        while j < n && depth > 0 {
            match b[j] {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                c @ (b'\'' | b'"') => {
                    j = quoted(b, j, c, Quote::LINE);
                    continue;
                }
                _ => {}
            }
            j += 1;
        }
    }
    n
}

/// `%q(…)`, `%w[…]`, `%i<…>`, `%r{…}` … at `i`: the end of the literal.
fn percent_literal(b: &[u8], i: usize) -> Option<usize> {
    let kind = *b.get(i + 1)?;
    if !b"qQwWiIrsx".contains(&kind) || (i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b')')) {
        return None;
    }
    let open = *b.get(i + 2)?;
    let close = match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        c if c.is_ascii_punctuation() => c,
        _ => return None,
    };
    let mut depth = 1usize;
    let mut j = i + 3;
    while j < b.len() {
        let c = b[j];
        if c == b'\\' {
            j += 2;
            continue;
        }
        if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(j + 1);
            }
        } else if c == open {
            depth += 1;
        }
        j += 1;
    }
    Some(b.len())
}

/// A heredoc opener at `i` (`<<~ID`, `<<-ID`, `<<ID`, quoted IDs):
/// `(label, indented terminator, offset after the opener)`.
fn heredoc_opener(b: &[u8], i: usize) -> Option<(&[u8], bool, usize)> {
    if b.get(i + 1) != Some(&b'<') {
        return None;
    }
    let mut j = i + 2;
    let flag = matches!(b.get(j), Some(b'~' | b'-'));
    if flag {
        j += 1;
    }
    let quote = match b.get(j) {
        Some(&c @ (b'\'' | b'"' | b'`')) => {
            j += 1;
            Some(c)
        }
        _ => None,
    };
    let first = *b.get(j)?;
    let ok = if flag || quote.is_some() {
        first.is_ascii_alphabetic() || first == b'_'
    } else {
        (first.is_ascii_uppercase() || first == b'_') && (i == 0 || !is_ident(b[i - 1]))
    };
    if !ok {
        return None;
    }
    let ls = j;
    while j < b.len() && is_ident(b[j]) && b[j] != b'$' {
        j += 1;
    }
    let label = &b[ls..j];
    if let Some(q) = quote {
        if b.get(j) != Some(&q) {
            return None;
        }
        j += 1;
    }
    Some((label, flag, j))
}

/// Is a `/` at `i` a regex (previous significant token an operator, an
/// opening bracket, a keyword or the start of the line)?
fn regex_allowed(b: &[u8], i: usize, floor: usize) -> bool {
    let mut j = i;
    while j > floor && is_blank(b[j - 1]) {
        j -= 1;
    }
    if j == floor || b[j - 1] == b'\n' {
        return true;
    }
    let c = b[j - 1];
    if is_ident(c) {
        let mut w = j - 1;
        while w > floor && is_ident(b[w - 1]) {
            w -= 1;
        }
        return REGEX_KEYWORDS.contains(&&b[w..j]);
    }
    // `a / b` with spaces around is division, `a /b/` after a call is a regex.
    !matches!(c, b')' | b']' | b'}')
}
