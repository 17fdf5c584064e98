//! Debug code left in production: `debug/console`, `debug/debugger`,
//! `debug/focused-test`, `debug/breakpoint`, `debug/print`.
//!
//! Patterns run over the file's code with comments and strings blanked out
//! (see [`SourceFile::code`]), so text inside comments, strings, template
//! literal text and regex literals never matches. Each pattern's first
//! capture group is the flagged span; a multi-line call is reported where it
//! starts. Docs: `docs/rules/debug-*.md`.

use super::{Context, FileCheck, FileOutcome};
use crate::lexer::Lang;
use crate::workspace::SourceFile;
use regex::Regex;
use std::sync::LazyLock;

pub struct DebugCode;

/// One pattern of one rule, for some languages.
struct Pattern {
    rule: &'static str,
    langs: fn(Lang) -> bool,
    re: Regex,
    /// Message and help from the flagged text.
    describe: fn(&str) -> (String, String),
}

fn re(s: &str) -> Regex {
    Regex::new(s).expect("debug patterns are valid")
}

fn python(l: Lang) -> bool {
    l == Lang::Python
}
fn ruby(l: Lang) -> bool {
    l == Lang::Ruby
}
fn rust(l: Lang) -> bool {
    l == Lang::Rust
}
fn go(l: Lang) -> bool {
    l == Lang::Go
}
fn php(l: Lang) -> bool {
    l == Lang::Php
}
fn jvm(l: Lang) -> bool {
    matches!(l, Lang::Java | Lang::Kotlin)
}
fn kotlin(l: Lang) -> bool {
    l == Lang::Kotlin
}

fn breakpoint_help(what: &str) -> (String, String) {
    (
        format!("`{what}` left in production code"),
        "delete it: an interactive debugger stops the process waiting for input; log what you needed to see instead".into(),
    )
}

fn print_help(what: &str) -> (String, String) {
    (
        format!("`{what}` in production code"),
        "log through the application's logger at the right level, or delete the print".into(),
    )
}

/// Production-code patterns of `debug/breakpoint` and `debug/print`.
static PRODUCTION_PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |rule, langs, pattern: &str, describe| Pattern {
        rule,
        langs,
        re: re(pattern),
        describe,
    };
    vec![
        p(
            "debug/breakpoint",
            python,
            r"(?:^|[^\w.])(breakpoint)\s*\(",
            breakpoint_help,
        ),
        p(
            "debug/breakpoint",
            python,
            r"(?:^|[^\w.])((?:pdb|ipdb|pudb|rdb|ptvsd|debugpy)\s*\.\s*(?:set_trace|post_mortem|breakpoint|break_into_debugger))\s*\(",
            breakpoint_help,
        ),
        p(
            "debug/breakpoint",
            python,
            r"(?m)^[ \t]*((?:import|from)[ \t]+(?:pdb|ipdb|pudb)\b)",
            breakpoint_help,
        ),
        p(
            "debug/breakpoint",
            ruby,
            r"(?:^|[^\w.:@$])(binding\s*\.\s*(?:pry|irb|b))\b",
            breakpoint_help,
        ),
        p(
            "debug/breakpoint",
            ruby,
            r"(?m)(?:^|;)[ \t]*(byebug|debugger)[ \t]*(?:$|;|\bif\b|\bunless\b)",
            breakpoint_help,
        ),
        p(
            "debug/breakpoint",
            rust,
            r"(?:^|[^\w.:])(dbg!)\s*[(\[{]",
            breakpoint_help,
        ),
        p(
            "debug/breakpoint",
            php,
            r"(?:^|[^\w$>:\\])(var_dump|dd)\s*\(",
            breakpoint_help,
        ),
        p(
            "debug/breakpoint",
            go,
            r"(?:^|[^\w.])(runtime\s*\.\s*Breakpoint)\s*\(",
            breakpoint_help,
        ),
        p(
            "debug/print",
            python,
            r"(?:^|[^\w.])(print)\s*\(",
            print_help,
        ),
        p(
            "debug/print",
            rust,
            r"(?:^|[^\w.:])(e?print(?:ln)?!)\s*[(\[{]",
            print_help,
        ),
        p(
            "debug/print",
            go,
            r"(?:^|[^\w.])(fmt\s*\.\s*Print(?:ln|f)?)\s*\(",
            print_help,
        ),
        p(
            "debug/print",
            jvm,
            r"(?:^|[^\w.])(System\s*\.\s*(?:out|err)\s*\.\s*print(?:ln|f)?)\s*\(",
            print_help,
        ),
        p(
            "debug/print",
            kotlin,
            r"(?:^|[^\w.])(println|print)\s*\(",
            print_help,
        ),
        p(
            "debug/print",
            ruby,
            r"(?m)(?:^|;)[ \t]*(puts|pp)\b",
            print_help,
        ),
    ]
});

static CONSOLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\w$.])(console)\s*\??\.\s*([A-Za-z_$][\w$]*)"));
/// A file that declares its own `console` binding is not talking to the global.
static CONSOLE_SHADOWED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:const|let|var|function|class)\s+console\b|\bimport\s+console\b|\bimport\s*(?:type\s*)?\{[^}]*\bconsole\b[^}]*\}\s*from",
    )
});
static DEBUGGER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)(?:^|[;{}():]|\belse)\s*(debugger)[ \t]*(?:;|$|\})"));
static FOCUSED_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[^\w$.])((?:describe|it|test|context|suite|specify|tape|fixture|serial|Feature|Scenario)(?:\s*\.\s*(?:describe|serial|parallel|step))*\s*\.\s*only)\s*\(",
    )
});
static FOCUSED_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\w$.])(f(?:it|describe|context))\s*\("));
/// A definition of the flagged name (`def print(`, `fn dbg`), not a call.
static DEFINITION_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:def|fn|func|function|fun)\s+$"));
/// In Rust, `#[cfg(test)]` starts test code (by convention the test module
/// closes the file).
static RUST_CFG_TEST: LazyLock<Regex> = LazyLock::new(|| re(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]"));

impl FileCheck for DebugCode {
    fn tokens(&self, ctx: &Context) -> Vec<String> {
        let mut t: Vec<&str> = vec![
            "console",
            "debugger",
            ".only",
            "fit",
            "fdescribe",
            "fcontext",
            "breakpoint",
            "set_trace",
            "post_mortem",
            "break_into_debugger",
            "pdb",
            "pudb",
            "binding",
            "byebug",
            "dbg!",
            "var_dump",
            "dd",
            "Breakpoint",
        ];
        if ctx.enabled("debug/print") {
            t.extend(["print", "Print", "puts", "pp"]);
        }
        t.into_iter().map(String::from).collect()
    }

    fn check_file(&self, file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
        if file.lang.is_js_like() {
            if file.is_production {
                check_console(file, ctx, out);
                check_debugger(file, ctx, out);
            }
            if file.is_test {
                check_focused(file, ctx, out);
            }
            return;
        }
        if !file.is_production {
            return;
        }
        let code = file.code();
        let production_end = match file.lang {
            Lang::Rust => RUST_CFG_TEST.find(code).map_or(code.len(), |m| m.start()),
            _ => code.len(),
        };
        for p in PRODUCTION_PATTERNS.iter() {
            if !(p.langs)(file.lang) || !ctx.enabled(p.rule) {
                continue;
            }
            for caps in p.re.captures_iter(&code[..production_end]) {
                let Some(m) = caps.get(1) else { continue };
                if DEFINITION_BEFORE.is_match(&code[line_start(code, m.start())..m.start()]) {
                    continue;
                }
                let flagged: String = m.as_str().split_whitespace().collect();
                let (message, help) = (p.describe)(&flagged);
                out.findings
                    .extend(ctx.finding(p.rule, file, m.start(), m.end(), message, help));
            }
        }
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn check_console(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    if !ctx.enabled("debug/console") {
        return;
    }
    let code = file.code();
    if CONSOLE_SHADOWED.is_match(code) {
        return;
    }
    let allow = &ctx.settings.console_allow;
    for caps in CONSOLE.captures_iter(code) {
        let (Some(obj), Some(method)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        if allow.iter().any(|a| a == method.as_str()) {
            continue;
        }
        let message = format!("`console.{}` left in production code", method.as_str());
        let help = format!(
            "remove it or log through the app's logger; console methods allowed in production: {} (rules.debug/console.allow)",
            if allow.is_empty() { "none".to_string() } else { allow.join(", ") }
        );
        out.findings.extend(ctx.finding(
            "debug/console",
            file,
            obj.start(),
            method.end(),
            message,
            help,
        ));
    }
}

fn check_debugger(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    if !ctx.enabled("debug/debugger") {
        return;
    }
    for caps in DEBUGGER.captures_iter(file.code()) {
        let Some(m) = caps.get(1) else { continue };
        out.findings.extend(
            ctx.finding(
                "debug/debugger",
                file,
                m.start(),
                m.end(),
                "`debugger` statement in production code".into(),
                "delete the `debugger;` line; set a breakpoint in your editor or browser instead"
                    .into(),
            ),
        );
    }
}

fn check_focused(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    if !ctx.enabled("debug/focused-test") {
        return;
    }
    let code = file.code();
    for caps in FOCUSED_ONLY.captures_iter(code) {
        let Some(m) = caps.get(1) else { continue };
        let flagged: String = m.as_str().split_whitespace().collect();
        let message = format!("`{flagged}` focuses this test: the rest of the suite is skipped");
        let help = format!(
            "remove `.only` (`{}`) so the whole suite runs",
            flagged.trim_end_matches(".only")
        );
        out.findings.extend(ctx.finding(
            "debug/focused-test",
            file,
            m.start(),
            m.end(),
            message,
            help,
        ));
    }
    for caps in FOCUSED_PREFIX.captures_iter(code) {
        let Some(m) = caps.get(1) else { continue };
        if DEFINITION_BEFORE.is_match(&code[line_start(code, m.start())..m.start()]) {
            continue;
        }
        let message = format!(
            "`{}` focuses this test: the rest of the suite is skipped",
            m.as_str()
        );
        let help = format!(
            "rename `{}` to `{}` so the whole suite runs",
            m.as_str(),
            &m.as_str()[1..]
        );
        out.findings.extend(ctx.finding(
            "debug/focused-test",
            file,
            m.start(),
            m.end(),
            message,
            help,
        ));
    }
}

#[cfg(test)]
mod tests;
