//! Debug code left in production: `debug/console`, `debug/debugger`,
//! `debug/focused-test`, `debug/breakpoint`, `debug/print`.
//!
//! Patterns run over the file's code with comments and strings blanked out
//! (see [`SourceFile::code`]), so text inside comments, strings, template
//! literal text and regex literals never matches. Every pattern starts with
//! a literal, so the regex engine skips to candidates at memchr speed; what
//! may stand before the literal is checked in code ([`starts_token`]). A
//! multi-line call is reported where it starts. Docs: `docs/rules/debug-*.md`.

mod js;
mod patterns;

use super::{Context, FileCheck, FileKind, FileOutcome};
use crate::lexer::Lang;
use crate::rules::{Area, Judged, Level, Rule};
use crate::workspace::SourceFile;
use patterns::PRODUCTION_PATTERNS;
use regex::Regex;
use std::sync::LazyLock;

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const CONSOLE: Rule = Rule {
    id: "debug/console",
    default_level: Some(Level::Error),
    area: Area::DebugCode,
    judged: Judged::Lines,
    summary: "`console.log/debug/info/trace/dir/table/…` in production JS/TS (allow-list: `error`, `warn`)",
    options: &["allow"],
    doc: crate::rule_doc!("debug-console"),
    module: module_path!(),
};

pub const DEBUGGER: Rule = Rule {
    id: "debug/debugger",
    default_level: Some(Level::Error),
    area: Area::DebugCode,
    judged: Judged::Lines,
    summary: "`debugger` statements in production JS/TS",
    options: &[],
    doc: crate::rule_doc!("debug-debugger"),
    module: module_path!(),
};

pub const FOCUSED_TEST: Rule = Rule {
    id: "debug/focused-test",
    default_level: Some(Level::Error),
    area: Area::DebugCode,
    judged: Judged::Lines,
    summary: "`it.only`, `describe.only`, `test.only`, `test.describe.only`, `fit(`, `fdescribe(` in test files",
    options: &[],
    doc: crate::rule_doc!("debug-focused-test"),
    module: module_path!(),
};

pub const BREAKPOINT: Rule = Rule {
    id: "debug/breakpoint",
    default_level: Some(Level::Error),
    area: Area::DebugCode,
    judged: Judged::Lines,
    summary: "`breakpoint()`, `pdb.set_trace()`, `import pdb`/`ipdb`, `binding.pry`, `byebug`, `dbg!`, `var_dump`/`dd(`, `runtime.Breakpoint()`",
    options: &[],
    doc: crate::rule_doc!("debug-breakpoint"),
    module: module_path!(),
};

pub const PRINT: Rule = Rule {
    id: "debug/print",
    default_level: None,
    area: Area::DebugCode,
    judged: Judged::Lines,
    summary:
        "`print(`, `println!`, `fmt.Println`, `System.out.println`, Kotlin `println`, Ruby `puts`",
    options: &[],
    doc: crate::rule_doc!("debug-print"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&CONSOLE, &DEBUGGER, &FOCUSED_TEST, &BREAKPOINT, &PRINT];

pub struct DebugCode;

/// A definition of the flagged name (`def print(`, `fn dbg`), not a call.
static DEFINITION_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:def|fn|func|function|fun)\s+$").expect("valid pattern"));
/// In Rust, `#[cfg(test)]` marks the item after it as test code.
static RUST_CFG_TEST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]").expect("valid pattern"));

impl FileCheck for DebugCode {
    fn tokens(&self, ctx: &Context, kind: FileKind) -> Vec<String> {
        let mut t: Vec<&str> = Vec::new();
        if kind.lang.is_js_like() || kind.lang == Lang::Html {
            t.extend(js::tokens(kind));
        } else if kind.production {
            for p in PRODUCTION_PATTERNS.iter() {
                if p.langs.contains(&kind.lang) && ctx.enabled(p.rule) {
                    t.extend(p.needles);
                }
            }
        }
        t.sort_unstable();
        t.dedup();
        t.into_iter().map(String::from).collect()
    }

    fn check_file(&self, file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
        if file.lang.is_js_like() || file.lang == Lang::Html {
            js::check(file, ctx, out);
            return;
        }
        // A file that starts with `#!` is a command-line script: its
        // prints are its output.
        if !file.is_production || crate::checks::is_shebang_script(file.text) {
            return;
        }
        let mut test_code: Option<Vec<std::ops::Range<usize>>> = None;
        let needles = patterns::needles(file.lang);
        let in_raw = needles.present(file.text.as_bytes());
        let mut in_code = None;
        for p in PRODUCTION_PATTERNS.iter() {
            if !p.langs.contains(&file.lang) || !ctx.enabled(p.rule) || !in_raw.any(p.needles) {
                continue;
            }
            let code = file.code();
            // Again in the code: a needle only in a string or comment (a
            // docstring's "never import pdb") leaves nothing to match, and
            // a pattern anchored at line starts would read the whole file.
            let in_code = in_code.get_or_insert_with(|| needles.present(code.as_bytes()));
            if !in_code.any(p.needles) || !p.applies_to(code) {
                continue;
            }
            let test_code = test_code.get_or_insert_with(|| match file.lang {
                Lang::Rust => rust_test_items(code),
                _ => Vec::new(),
            });
            for caps in p.regex().captures_iter(code) {
                let Some(m) = caps.get(1) else { continue };
                if test_code.iter().any(|r| r.contains(&m.start()))
                    || p.not_after
                        .is_some_and(|extra| !starts_token(code, m.start(), extra))
                    || is_definition(code, m.start())
                {
                    continue;
                }
                let flagged = m
                    .as_str()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace(" .", ".")
                    .replace(". ", ".");
                let (message, help) = (p.describe)(&flagged);
                out.findings
                    .extend(ctx.finding(p.rule, file, m.start(), m.end(), message, help));
            }
        }
    }
}

/// The items `#[cfg(test)]` marks (`mod tests { … }`, a test-only `fn`,
/// `use` or `impl`), from the attribute to the item's closing brace or
/// semicolon, in masked code (braces in strings and comments are blank).
/// An item that never closes runs to the end of the file.
fn rust_test_items(code: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    for m in RUST_CFG_TEST.find_iter(code) {
        if out
            .last()
            .is_some_and(|r: &std::ops::Range<usize>| r.contains(&m.start()))
        {
            continue;
        }
        let mut depth = 0usize;
        let mut end = code.len();
        for (i, &b) in bytes.iter().enumerate().skip(m.end()) {
            match b {
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && b == b'}' {
                        end = i + 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        out.push(m.start()..end);
    }
    out
}

/// Does a token start at `at`: the character before it is not part of an
/// identifier (letters, digits, `_`) nor one of `extra` (`.` for member
/// access, `$`, `:` for paths, …)?
fn starts_token(code: &str, at: usize, extra: &str) -> bool {
    code[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || extra.contains(c)))
}

fn is_definition(code: &str, at: usize) -> bool {
    DEFINITION_BEFORE.is_match(&code[line_start(code, at)..at])
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests;
