//! Where `console` is a local binding rather than the global, found on the
//! masked code (comments, strings and regex literals are blanks, so the
//! brackets left are the program's). Every search is bounded or done once
//! per file, so a megabyte bundle full of `console` stays linear.

use crate::checks::debug::starts_token;
use std::ops::Range;

/// Does `text` hold `import { a, console } from` (`import type {…}`, `{
/// log as console }`): `import` after no word byte, blanks, maybe `type`,
/// braces around `console` as a whole word (ASCII word bytes), blanks,
/// `from`? By hand: the pattern this was (`IMPORTED_IN_BRACES` in the
/// tests, which hold the two equal) compiled on most apps' runs.
fn imports_console_in_braces(text: &str) -> bool {
    let b = text.as_bytes();
    let word = |i: usize| {
        b.get(i)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
    };
    let blanks = |i: usize| i + (text[i..].len() - text[i..].trim_start().len());
    memchr::memmem::find_iter(b, b"import").any(|at| {
        if at > 0 && word(at - 1) {
            return false;
        }
        let mut open = blanks(at + "import".len());
        if text[open..].starts_with("type") {
            let after = blanks(open + "type".len());
            if b.get(after) == Some(&b'{') {
                open = after;
            }
        }
        if b.get(open) != Some(&b'{') {
            return false;
        }
        let Some(len) = memchr::memchr(b'}', &b[open + 1..]) else {
            return false;
        };
        let close = open + 1 + len;
        let named = memchr::memmem::find_iter(&b[open + 1..close], b"console").any(|k| {
            let start = open + 1 + k;
            !word(start - 1) && !word(start + "console".len())
        });
        named && text[blanks(close + 1)..].starts_with("from")
    })
}

/// How far a parameter list, an import or a return type is searched: far
/// enough for any real one, and it keeps thousands of `f(console)` calls in
/// one bundle linear.
const NEAR: usize = 4096;

/// Is `at` inside one of `scopes` (sorted, disjoint, as returned by
/// [`local_console_scopes`])?
pub fn covers(scopes: &[Range<usize>], at: usize) -> bool {
    let i = scopes.partition_point(|r| r.end <= at);
    scopes.get(i).is_some_and(|r| r.contains(&at))
}

/// The byte ranges of `code` where `console` names a local binding, sorted
/// and disjoint: the whole file for an imported `console`; the enclosing
/// block of a `const`/`let`/`class console` declaration, the enclosing
/// function of a `var`/`function console` one (they are hoisted);
/// the parameter list and body of a function, method or arrow with a
/// `console` parameter (`function f(console)`, `({ level, console }) => {…}`,
/// `console => …`, `(console: Console): void {…}`), and a `catch (console)`
/// block. `console` as a default value (`log = console.log`), an argument
/// (`bind(console)`) or a renamed key (`{ console: c }`) binds nothing.
pub fn local_console_scopes(code: &str) -> Vec<Range<usize>> {
    let b = code.as_bytes();
    let mut braces: Option<Braces> = None;
    let mut scopes: Vec<Range<usize>> = Vec::new();
    // Occurrences come in order; one inside a scope already found adds
    // nothing (scopes nest), so it is not looked at.
    let mut covered_until = 0;
    for at in memchr::memmem::find_iter(b, b"console") {
        let end = at + "console".len();
        if !starts_token(code, at, "$.")
            || code[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$')
        {
            continue;
        }
        let before = code[..at].trim_end();
        let after = code[end..].trim_start();
        let keyword = |k: &str| {
            before
                .strip_suffix(k)
                .is_some_and(|rest| starts_token(code, rest.len(), "$."))
        };
        if keyword("import")
            || before.ends_with("* as")
            || ((before.ends_with(['{', ',']) || keyword("as")) && imported_in_braces(code, at))
        {
            scopes.clear();
            scopes.push(0..code.len());
            return scopes;
        }
        if at < covered_until {
            continue;
        }
        let scope = if ["const", "let", "class"].iter().any(|k| keyword(k)) {
            Some(braces.get_or_insert_with(|| Braces::new(b)).enclosing(at))
        } else if ["var", "function"].iter().any(|k| keyword(k)) {
            // Hoisted to the enclosing function, whatever block it sits in.
            Some(
                braces
                    .get_or_insert_with(|| Braces::new(b))
                    .enclosing_function(code, at),
            )
        } else if after.starts_with("=>") && !after.starts_with("=>=") {
            // `console => …`: the arrow's body.
            let arrow = code.len() - after.len() + 2;
            let braces = braces.get_or_insert_with(|| Braces::new(b));
            Some(at..arrow_body_end(b, arrow, braces))
        } else {
            parameter_scope(code, at, before, after, &mut braces)
        };
        if let Some(scope) = scope {
            covered_until = covered_until.max(scope.end);
            scopes.push(scope);
        }
    }
    scopes.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(scopes.len());
    for r in scopes {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The scope of `console` at `at` if it is a parameter: an item of a list
/// (after `(`, `,`, `{` or `...`; before `,`, `)`, `}`, `=` a default, `:` a
/// type or `?` optional) that a function body follows.
fn parameter_scope(
    code: &str,
    at: usize,
    before: &str,
    after: &str,
    braces: &mut Option<Braces>,
) -> Option<Range<usize>> {
    let b = code.as_bytes();
    let opens_item = before.ends_with(['(', ',', '{']) || before.ends_with("...");
    let closes_item = after.starts_with([',', ')', '}', ':', '?'])
        || (after.starts_with('=') && !after.starts_with("==") && !after.starts_with("=>"));
    if !(opens_item && closes_item) {
        return None;
    }
    let (open, bracket) = unmatched_bracket_before(b, at)?;
    if bracket == b'{' && after.starts_with(':') {
        // `{ console: c }`: a key, renamed (or an object literal's key).
        return None;
    }
    let open = if bracket == b'(' {
        open
    } else {
        // A destructured parameter: the `(` around the `{…}` pattern.
        unmatched_before(b, open, b'(', b')')?
    };
    let close = matching_after(b, open, b'(', b')')?;
    let (rest, head_word) = last_word(code[..open].trim_end());
    if matches!(
        head_word,
        "if" | "while" | "for" | "switch" | "with" | "return" | "typeof" | "await" | "new"
    ) || rest.trim_end().ends_with("extends")
    {
        return None;
    }
    let tail = code[close + 1..].trim_start();
    let tail_at = code.len() - tail.len();
    let braces = braces.get_or_insert_with(|| Braces::new(b));
    if tail.starts_with("=>") {
        return Some(open..arrow_body_end(b, tail_at + 2, braces));
    }
    // `function f(console) {`, a method `log(console) {`, `catch (console) {`,
    // or with a return type, `f(console: Console): void {` / `): T =>`.
    let body = if tail.starts_with('{') {
        tail_at
    } else if tail.starts_with(':') {
        match return_type_end(b, tail_at + 1)? {
            (i, true) => return Some(open..arrow_body_end(b, i + 2, braces)),
            (i, false) => i,
        }
    } else {
        return None;
    };
    Some(open..braces.close_of(body).map_or(b.len(), |e| e + 1))
}

/// After a return type's `:` at `from`, the `{` of the body or the `=>` of
/// an arrow (`true`), if only type-like text stands between: a ternary's
/// `: null;` or `: g(x)` is not a return type.
fn return_type_end(b: &[u8], from: usize) -> Option<(usize, bool)> {
    for (i, &c) in b.iter().enumerate().skip(from).take(NEAR) {
        match c {
            b'{' => return Some((i, false)),
            b'=' if b.get(i + 1) == Some(&b'>') => return Some((i, true)),
            b' ' | b'\t' | b'<' | b'>' | b'[' | b']' | b'|' | b'&' | b'.' | b',' | b'_' | b'$' => {}
            c if c.is_ascii_alphanumeric() => {}
            _ => return None,
        }
    }
    None
}

/// Is the `console` at `at` a name in `import { …, console, … } from`? Looks
/// at most [`NEAR`] bytes either side.
fn imported_in_braces(code: &str, at: usize) -> bool {
    let mut lo = at.saturating_sub(NEAR);
    while !code.is_char_boundary(lo) {
        lo += 1;
    }
    let mut hi = (at + NEAR).min(code.len());
    while !code.is_char_boundary(hi) {
        hi -= 1;
    }
    let Some(import) = code[lo..at].rfind("import") else {
        return false;
    };
    imports_console_in_braces(&code[lo + import..hi])
}

/// The end of an arrow function's body starting at `from` (just after
/// `=>`): its block, or an expression that ends at a `;` or `,`, a bracket
/// it did not open, or a line break, at its own nesting level.
fn arrow_body_end(b: &[u8], from: usize, braces: &Braces) -> usize {
    let body = from
        + b[from..]
            .iter()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
    if b.get(body) == Some(&b'{') {
        return braces.close_of(body).map_or(b.len(), |e| e + 1);
    }
    let mut depth = 0usize;
    for (i, &c) in b.iter().enumerate().skip(body) {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return i,
            b')' | b']' | b'}' => depth -= 1,
            b';' | b',' | b'\n' if depth == 0 => return i,
            _ => {}
        }
    }
    b.len()
}

/// The nearest `(` or `{` before `at`, at most [`NEAR`] bytes back, that is
/// not closed before `at`, and which of the two it is.
fn unmatched_bracket_before(b: &[u8], at: usize) -> Option<(usize, u8)> {
    let (mut parens, mut curlies) = (0usize, 0usize);
    for i in (at.saturating_sub(NEAR)..at).rev() {
        match b[i] {
            b')' => parens += 1,
            b'}' => curlies += 1,
            b'(' if parens == 0 => return Some((i, b'(')),
            b'(' => parens -= 1,
            b'{' if curlies == 0 => return Some((i, b'{')),
            b'{' => curlies -= 1,
            _ => {}
        }
    }
    None
}

/// The nearest `open` before `at`, at most [`NEAR`] bytes back, that is not
/// closed before `at`.
fn unmatched_before(b: &[u8], at: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    for i in (at.saturating_sub(NEAR)..at).rev() {
        if b[i] == close {
            depth += 1;
        } else if b[i] == open {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
        }
    }
    None
}

/// The `close` matching the `open` at `at`, at most [`NEAR`] bytes on.
fn matching_after(b: &[u8], at: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &c) in b.iter().enumerate().skip(at).take(NEAR) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// Every `{…}` pair of the file, matched once with a stack: `(open, close)`
/// in order of `open` (an unclosed `{` closes at the end of the file, a stray
/// `}` is ignored), and each pair's parent.
struct Braces {
    len: usize,
    pairs: Vec<(usize, usize)>,
    parent: Vec<Option<usize>>,
}

impl Braces {
    fn new(b: &[u8]) -> Braces {
        let (mut pairs, mut parent, mut stack) = (Vec::new(), Vec::new(), Vec::new());
        for i in memchr::memchr2_iter(b'{', b'}', b) {
            if b[i] == b'{' {
                parent.push(stack.last().copied());
                stack.push(pairs.len());
                pairs.push((i, b.len()));
            } else if let Some(k) = stack.pop() {
                pairs[k].1 = i;
            }
        }
        Braces {
            len: b.len(),
            pairs,
            parent,
        }
    }

    /// The `}` matching the `{` at `open`.
    fn close_of(&self, open: usize) -> Option<usize> {
        let k = self.pairs.binary_search_by_key(&open, |p| p.0).ok()?;
        Some(self.pairs[k].1).filter(|&c| c < self.len)
    }

    /// The innermost `{…}` around `at`, braces included, or the whole file
    /// at the top level.
    fn enclosing(&self, at: usize) -> Range<usize> {
        self.around(at)
            .next()
            .map_or(0..self.len, |(open, close)| open..(close + 1).min(self.len))
    }

    /// The innermost function body around `at` (see [`is_function_body`]),
    /// or the whole file.
    fn enclosing_function(&self, code: &str, at: usize) -> Range<usize> {
        self.around(at)
            .find(|&(open, _)| is_function_body(code, open))
            .map_or(0..self.len, |(open, close)| open..(close + 1).min(self.len))
    }

    /// The `{…}` pairs around `at`, innermost first. Pairs nest, so they are
    /// the ancestors of the last pair opened before `at` that close after it.
    fn around(&self, at: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut k = self.pairs.partition_point(|p| p.0 < at).checked_sub(1);
        std::iter::from_fn(move || {
            while let Some(i) = k {
                k = self.parent[i];
                if self.pairs[i].1 > at {
                    return Some(self.pairs[i]);
                }
            }
            None
        })
    }
}

/// Does the `{` at `open` start a function body: after `=>`, or after the
/// `)` of a parameter list (not of `if`/`for`/`while`/`switch`/`catch`/
/// `with`)? A body with a return type annotation is not recognised, so the
/// scope widens to the next function out: fewer findings, never more.
fn is_function_body(code: &str, open: usize) -> bool {
    let before = code[..open].trim_end();
    if before.ends_with("=>") {
        return true;
    }
    if !before.ends_with(')') {
        return false;
    }
    let b = code.as_bytes();
    let Some(paren) = unmatched_before(b, before.len() - 1, b'(', b')') else {
        return false;
    };
    let (_, word) = last_word(code[..paren].trim_end());
    !matches!(word, "if" | "for" | "while" | "switch" | "catch" | "with")
}

/// `s` split before its last word (letters, digits, `_`, `$`); the split
/// falls after the last other character, which may be several bytes long.
fn last_word(s: &str) -> (&str, &str) {
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    s.split_at(start)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// What [`super::imports_console_in_braces`] finds, as a pattern.
    static IMPORTED_IN_BRACES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?-u:\b)import\s*(?:type\s*)?\{[^}]*(?-u:\b)console(?-u:\b)[^}]*\}\s*from")
            .expect("valid pattern")
    });

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn imports_in_braces_are_the_patterns(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "import", "reimport", "type", "typed", "{", "}", "console", "consoles", "_console",
                "$console", "console2", "log as console", " ", "\t", "\n", "\u{a0}", "\u{2028}",
                ",", "from", "fromage", "'x'", "é", "a", "import { console } from 'c'",
                "import type{console}from", "x", ";", "import {", "import type {", "import{",
                "} from", "}from", "} fromage", "}\u{a0}from", "a, ", ", b",
            ]), 0..10)
        ) {
            let text = pieces.concat();
            prop_assert_eq!(
                super::imports_console_in_braces(&text),
                IMPORTED_IN_BRACES.is_match(&text),
                "{:?}", text
            );
        }
    }

    #[test]
    fn imported_console() {
        assert!(super::imports_console_in_braces(
            "import { log as console } from './log';"
        ));
        assert!(super::imports_console_in_braces(
            "import type {\n  a,\n  console,\n} from 'x'"
        ));
        assert!(!super::imports_console_in_braces(
            "import { consoles } from 'x'"
        ));
        assert!(!super::imports_console_in_braces(
            "import { _console } from 'x'"
        ));
        assert!(!super::imports_console_in_braces("import { console } as x"));
        assert!(!super::imports_console_in_braces(
            "reimport { console } from 'x'"
        ));
        assert!(!super::imports_console_in_braces(
            "import x from 'y'; if (a) { console.log(1) }"
        ));
    }
}
