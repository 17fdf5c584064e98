//! JavaScript and TypeScript: `debug/console` and `debug/debugger` in
//! production code, `debug/focused-test` in test files.

use super::{is_definition, starts_token};
use crate::checks::{Context, FileKind, FileOutcome};
use crate::workspace::SourceFile;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

fn re(s: &str) -> Regex {
    Regex::new(s).expect("debug patterns are valid")
}

static CONSOLE: LazyLock<Regex> = LazyLock::new(|| re(r"console\s*\??\.\s*([A-Za-z_$][\w$]*)"));
/// `console[` or `console?.[`: the key after it is read from the text.
static CONSOLE_COMPUTED: LazyLock<Regex> = LazyLock::new(|| re(r"console\s*(?:\?\.\s*)?\["));
/// `import { a, console } from …` (see [`imported_in_braces`]).
static IMPORTED_IN_BRACES: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bimport\s*(?:type\s*)?\{[^}]*\bconsole\b[^}]*\}\s*from"));
/// `debugger` as a statement: at a statement start, ending the statement.
static DEBUGGER: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)debugger[ \t\r]*(?:;|$|\})"));
static FOCUSED_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:describe|it|test|context|suite|specify|tape|fixture|serial|Feature|Scenario)(?:\s*\.\s*(?:describe|serial|parallel|step))*\s*\.\s*only\s*\(",
    )
});
/// Written tight (`fit(`), as formatters leave it: the prefilter looks for `fit(`.
static FOCUSED_PREFIX: LazyLock<Regex> = LazyLock::new(|| re(r"f(?:it|describe|context)\("));

pub fn tokens(kind: FileKind) -> Vec<&'static str> {
    let mut t = Vec::new();
    if kind.production {
        t.extend(["console", "debugger"]);
    }
    if kind.test {
        t.extend([".only", "fit(", "fdescribe(", "fcontext("]);
    }
    t
}

pub fn check(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    if file.is_production {
        console(file, ctx, out);
        debugger(file, ctx, out);
    }
    if file.is_test {
        focused(file, ctx, out);
    }
}

fn console(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    if !ctx.enabled("debug/console") {
        return;
    }
    let code = file.code();
    let allow = &ctx.settings.console_allow;
    // Asked only once there is a candidate: most files have none.
    let mut shadowed: Option<Vec<Range<usize>>> = None;
    for (start, end, method) in console_members(file.text, code) {
        if !starts_token(code, start, "$.") || allow.iter().any(|a| a == method) {
            continue;
        }
        let local = shadowed.get_or_insert_with(|| local_console_scopes(code));
        if local.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let message = format!("`console.{method}` left in production code");
        let allowed = if allow.is_empty() {
            "none".to_string()
        } else {
            allow.join(", ")
        };
        let help = format!(
            "remove it or log through the app's logger; console methods allowed in production: {allowed} (rules.debug/console.allow)"
        );
        out.findings
            .extend(ctx.finding("debug/console", file, start, end, message, help));
    }
}

/// Every `console.name` and `console['name']` (a string-literal key, which
/// the masked `code` shows as blanks, so the key is read from `text`), in
/// order: (start, end of the member, member name). A computed key that is
/// not a literal, `console[level]`, is a logger choosing its method at run
/// time, not debug output: it is not reported.
fn console_members<'t>(text: &'t str, code: &str) -> Vec<(usize, usize, &'t str)> {
    let mut found: Vec<(usize, usize, &'t str)> = CONSOLE
        .captures_iter(code)
        .filter_map(|caps| {
            let (whole, method) = (caps.get(0)?, caps.get(1)?);
            Some((whole.start(), method.end(), &text[method.range()]))
        })
        .collect();
    for m in CONSOLE_COMPUTED.find_iter(code) {
        // Skipped in the text: in `code` the quoted key is blanks too.
        let at = m.end() + (text.len() - m.end() - text[m.end()..].trim_start().len());
        let rest = &text[at..];
        let Some(quote) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '\'' | '"' | '`'))
        else {
            continue;
        };
        let name_len = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(rest.len() - 1);
        let after = 1 + name_len;
        if name_len == 0 || !rest[after..].starts_with(quote) {
            continue;
        }
        let close = at + after + 1;
        let Some(bracket) = code[close..].find(|c: char| !c.is_whitespace()) else {
            continue;
        };
        if code[close + bracket..].starts_with(']') {
            found.push((m.start(), close + bracket + 1, &rest[1..after]));
        }
    }
    found.sort_unstable_by_key(|f| f.0);
    found
}

fn debugger(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    if !ctx.enabled("debug/debugger") {
        return;
    }
    let code = file.code();
    for m in DEBUGGER.find_iter(code) {
        if !starts_token(code, m.start(), "$.") || !at_statement_start(code, m.start()) {
            continue;
        }
        out.findings.extend(
            ctx.finding(
                "debug/debugger",
                file,
                m.start(),
                m.start() + "debugger".len(),
                "`debugger` statement in production code".into(),
                "delete the `debugger;` line; set a breakpoint in your editor or browser instead"
                    .into(),
            ),
        );
    }
}

/// Where `console` names a local binding rather than the global, as byte
/// ranges of `code`: the whole file for an imported `console`; the enclosing
/// block of a `const`/`let`/`var`/`class`/`function console` declaration;
/// the parameter list and body of a function or arrow with a `console`
/// parameter (`function f(console)`, `({ level, console }) => {…}`,
/// `console => …`), or a `catch (console)` block. Braces are matched on the
/// masked code, where strings, comments and regex literals are blanks. Looks
/// only at the words around each `console`, so a file without a local one
/// costs one substring search.
fn local_console_scopes(code: &str) -> Vec<Range<usize>> {
    let b = code.as_bytes();
    let mut scopes = Vec::new();
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
            || (before.ends_with(['{', ',']) && imported_in_braces(code, at))
        {
            scopes.clear();
            scopes.push(0..code.len());
            return scopes;
        }
        if ["const", "let", "var", "class", "function"]
            .iter()
            .any(|k| keyword(k))
        {
            scopes.push(enclosing_block(b, at));
            continue;
        }
        if after.starts_with("=>") && !after.starts_with("=>=") {
            // `console => …`: the arrow's body.
            let arrow = code.len() - after.len();
            scopes.push(at..arrow_body_end(b, arrow + 2));
            continue;
        }
        // A parameter: between `(` / `,` / `{` / `...` and `,` `)` `}` `=`
        // (a default) `:` (a type) or `?` (optional), inside a list that a
        // function body follows.
        let opens_item = before.ends_with(['(', ',', '{']) || before.ends_with("...");
        let closes_item = after.starts_with([',', ')', '}', ':', '?'])
            || (after.starts_with('=') && !after.starts_with("==") && !after.starts_with("=>"));
        if !(opens_item && closes_item) {
            continue;
        }
        let Some(open) = unmatched_before(b, at, b'(', b')', PARAMS_MAX) else {
            continue;
        };
        let Some(close) = matching_after(b, open, b'(', b')', PARAMS_MAX) else {
            continue;
        };
        let head = code[..open].trim_end();
        // After the last character that is not part of a word (which may be
        // several bytes long).
        let head_word_start = head
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let head_word = &head[head_word_start..];
        if matches!(
            head_word,
            "if" | "while" | "for" | "switch" | "with" | "return" | "typeof"
        ) {
            continue;
        }
        let tail = code[close + 1..].trim_start();
        let tail_at = code.len() - tail.len();
        if tail.starts_with("=>") {
            scopes.push(open..arrow_body_end(b, tail_at + 2));
        } else if head_word == "catch" || tail.starts_with('{') || tail.starts_with(':') {
            // `function f(console) {`, a method `log(console) {`, `catch (console) {`,
            // a typed `f(console: Console): void {`.
            let brace = tail_at + tail.find('{').unwrap_or(0);
            if b.get(brace) == Some(&b'{') {
                let body_end =
                    matching_after(b, brace, b'{', b'}', usize::MAX).map_or(b.len(), |e| e + 1);
                scopes.push(open..body_end);
            }
        }
    }
    scopes
}

/// Is the `console` at `at` a name in `import { …, console, … } from`? Looks
/// at most [`PARAMS_MAX`] bytes either side, so a megabyte-long minified line
/// costs no more than a short one.
fn imported_in_braces(code: &str, at: usize) -> bool {
    let mut lo = at.saturating_sub(PARAMS_MAX);
    while !code.is_char_boundary(lo) {
        lo += 1;
    }
    let mut hi = (at + PARAMS_MAX).min(code.len());
    while !code.is_char_boundary(hi) {
        hi -= 1;
    }
    let Some(import) = code[lo..at].rfind("import") else {
        return false;
    };
    IMPORTED_IN_BRACES.is_match(&code[lo + import..hi])
}

/// The end of an arrow function's body starting at `from` (just after
/// `=>`): its block, or an expression that ends at a `;` or `,`, a bracket
/// it did not open, or a line break, at its own nesting level.
fn arrow_body_end(b: &[u8], from: usize) -> usize {
    let body = from
        + b[from..]
            .iter()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
    if b.get(body) == Some(&b'{') {
        return matching_after(b, body, b'{', b'}', usize::MAX).map_or(b.len(), |e| e + 1);
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

/// The `{…}` block around `at`, or the whole file at the top level.
fn enclosing_block(b: &[u8], at: usize) -> Range<usize> {
    match unmatched_before(b, at, b'{', b'}', usize::MAX) {
        Some(open) => {
            open..matching_after(b, open, b'{', b'}', usize::MAX).map_or(b.len(), |e| e + 1)
        }
        None => 0..b.len(),
    }
}

/// How far a parameter list is searched for its parentheses: far enough for
/// any real one, and it keeps a bundle with thousands of `f(console)` calls
/// linear.
const PARAMS_MAX: usize = 4096;

/// The nearest `open` before `at`, at most `max` bytes back, that is not
/// closed before `at`.
fn unmatched_before(b: &[u8], at: usize, open: u8, close: u8, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in (at.saturating_sub(max)..at).rev() {
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

/// The `close` matching the `open` at `at`, at most `max` bytes on.
fn matching_after(b: &[u8], at: usize, open: u8, close: u8, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &c) in b.iter().enumerate().skip(at).take(max) {
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

/// Is `at` where a statement may begin: the start of the file or of a line,
/// or right after `;`, `{`, `}`, `(`, `)`, `:` or `else`?
fn at_statement_start(code: &str, at: usize) -> bool {
    let before = &code[..at];
    let prev = before.trim_end();
    if prev.is_empty() || before[prev.len()..].contains('\n') {
        return true;
    }
    prev.ends_with([';', '{', '}', '(', ')', ':'])
        || prev
            .strip_suffix("else")
            .is_some_and(|p| starts_token(code, p.len(), "$."))
}

fn focused(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    if !ctx.enabled("debug/focused-test") {
        return;
    }
    let code = file.code();
    for m in FOCUSED_ONLY.find_iter(code) {
        if !starts_token(code, m.start(), "$.") {
            continue;
        }
        let flagged: String = m
            .as_str()
            .trim_end_matches('(')
            .split_whitespace()
            .collect();
        let message = format!("`{flagged}` focuses this test: the rest of the suite is skipped");
        let help = format!(
            "remove `.only` (`{}`) so the whole suite runs",
            flagged.trim_end_matches(".only")
        );
        out.findings.extend(ctx.finding(
            "debug/focused-test",
            file,
            m.start(),
            m.end() - 1,
            message,
            help,
        ));
    }
    for m in FOCUSED_PREFIX.find_iter(code) {
        if !starts_token(code, m.start(), "$.") || is_definition(code, m.start()) {
            continue;
        }
        let name = m.as_str().trim_end_matches('(');
        let message = format!("`{name}` focuses this test: the rest of the suite is skipped");
        let help = format!(
            "rename `{name}` to `{}` so the whole suite runs",
            &name[1..]
        );
        out.findings.extend(ctx.finding(
            "debug/focused-test",
            file,
            m.start(),
            m.end() - 1,
            message,
            help,
        ));
    }
}
