//! JSX heuristics for the JavaScript lexer: where an element may start, and
//! when "JSX text" is really code (a TypeScript cast or generic misread).

use super::scanner::{is_blank, is_ident, trim_cr};

/// Does the line ending at the newline `nl` end with `;` (not an `&entity;`)?
pub(super) fn ends_statement(b: &[u8], nl: usize) -> bool {
    let mut j = trim_cr(b, 0, nl);
    while j > 0 && is_blank(b[j - 1]) {
        j -= 1;
    }
    if j == 0 || b[j - 1] != b';' {
        return false;
    }
    let mut k = j - 1;
    let stop = k.saturating_sub(12);
    while k > stop && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'#') {
        k -= 1;
    }
    !(k > 0 && b[k - 1] == b'&' && k < j - 1)
}

/// Does the line starting at `i` begin (after blanks) with `//`?
pub(super) fn starts_line_comment(b: &[u8], mut i: usize) -> bool {
    while i < b.len() && is_blank(b[i]) {
        i += 1;
    }
    b.get(i..).is_some_and(|t| t.starts_with(b"//"))
}

/// Does the `<` at `i` open a JSX element (not a TS generic or cast)?
pub(super) fn jsx_start(b: &[u8], i: usize) -> bool {
    let Some(&c) = b.get(i + 1) else {
        return false;
    };
    if c == b'>' {
        return true;
    }
    if !(c.is_ascii_alphabetic() || c == b'_' || c == b'$') {
        return false;
    }
    let mut j = i + 1;
    while j < b.len() && (is_ident(b[j]) || matches!(b[j], b'.' | b'-' | b':')) {
        j += 1;
    }
    let name = &b[i + 1..j];
    const CASTS: &[&[u8]] = &[
        b"any", b"string", b"number", b"boolean", b"unknown", b"never", b"bigint", b"symbol",
        b"const",
    ];
    if CASTS.contains(&name) {
        return false;
    }
    let mut k = j;
    while k < b.len() && b[k].is_ascii_whitespace() {
        k += 1;
    }
    match b.get(k) {
        // `<T,>(…) =>` and `<T>(…) =>`: generic arrow functions.
        Some(b',') => false,
        Some(b'>') => b.get(k + 1) != Some(&b'('),
        _ => {
            let rest = &b[k..];
            !(rest.starts_with(b"extends") && rest.get(7).is_some_and(|c| c.is_ascii_whitespace()))
        }
    }
}
