//! JavaScript and TypeScript: `debug/console` and `debug/debugger` in
//! production code, `debug/focused-test` in test files.

use super::{is_definition, starts_token};
use crate::checks::{Context, FileKind, FileOutcome};
use crate::workspace::SourceFile;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

mod scope;

/// `\b` is ASCII's word boundary: the regex engine's lazy DFA cannot
/// evaluate a Unicode one past a non-ASCII byte and falls back to its far
/// slower PikeVM for the whole search (the import scan reads whole files).
fn re(s: &str) -> Regex {
    Regex::new(&s.replace(r"\b", r"(?-u:\b)")).expect("debug patterns are valid")
}

/// `debugger` as a statement ends it: where each `debugger` of `code` is
/// followed by blanks of its line (` `, tab, CR) and then `;`, `}`, the
/// line's end or the file's, as `(?m)debugger[ \t\r]*(?:;|$|\})` finds
/// them (held equal by the tests). By hand: the regex was compiled in most
/// JS apps' runs (a `debugger` in any comment or string), 0.14 M
/// instructions and page faults costlier still in a virtual machine.
fn debugger_statements(code: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memmem::find_iter(code.as_bytes(), "debugger").filter(move |&at| {
        let rest = &code.as_bytes()[at + "debugger".len()..];
        let blank = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
            .count();
        matches!(rest.get(blank), None | Some(b';' | b'}' | b'\n'))
    })
}
static FOCUSED_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:describe|it|test|context|suite|specify|tape|fixture|serial|Feature|Scenario)(?:\s*\.\s*(?:describe|serial|parallel|step))*\s*\.\s*only\s*\(",
    )
});
/// Written tight (`fit(`), as formatters leave it: the prefilter looks for `fit(`.
static FOCUSED_PREFIX: LazyLock<Regex> = LazyLock::new(|| re(r"f(?:it|describe|context)\("));

/// The prefilter's tokens. It tells tokens apart by their first four
/// bytes, so each starts where the word is rare: `onsole`, not `console`,
/// whose `cons` begins every `const` (a candidate to verify on nearly every
/// line: the JS files' search ran 2.2 GB/s on the stress corpus, 3.9 with
/// this and `env_reads`' like change); `bugger`, not `debugger` (`debug`).
pub fn tokens(kind: FileKind) -> Vec<&'static str> {
    let mut t = Vec::new();
    if kind.production {
        t.extend(["onsole", "bugger"]);
    }
    if kind.test {
        t.extend([".only", "fit(", "fdescribe(", "fcontext("]);
    }
    t
}

/// `lib/logger.ts`, `utils/log.ts`, `logging/index.js`: the app's logger,
/// the place the rule's fix routes console output to. Its console calls
/// are the logger writing, not debug prints.
fn is_logger_module(rel: &str) -> bool {
    const NAMES: &[&str] = &["log", "logs", "logger", "loggers", "logging"];
    let mut parts = rel.rsplit('/');
    let name = parts.next().unwrap_or(rel);
    let stem = name.split('.').next().unwrap_or(name);
    NAMES.contains(&stem)
        || (stem == "index" && parts.next().is_some_and(|dir| NAMES.contains(&dir)))
}

/// A module built on a command-line framework (`nestjs-command`'s
/// `@Command`, commander, yargs, oclif, …) is a command: what it prints is
/// its output. One built on a bundler's API (a Vite or webpack plugin) runs
/// at build time: what it prints is build output. Read from the imports.
const CLI_MODULES: &[&str] = &[
    "nestjs-command",
    "nest-commander",
    "commander",
    "yargs",
    "yargs/yargs",
    "@oclif/core",
    "@oclif/command",
    "clipanion",
    "citty",
    "cac",
    "sade",
    "meow",
    "vite",
    "rollup",
    "webpack",
    "esbuild",
    "tsup",
    "unplugin",
    "@rspack/core",
];

/// What `(?m)^\s*(?:import\b[^;'"]*?(?:\bfrom\s*)?|(?:const|let|var)\b[^=;]*=\s*require\s*\(\s*)['"](?:MODULES)['"]`
/// matches (`\b` ASCII's), found by hand: each quoted module name, then
/// what precedes its opening quote. The regex took 0.4 ms to compile in
/// the runs that needed it (postiz-app, dub). Held equal to it by the
/// tests ([`CLI_IMPORT`]).
fn imports_cli_module(text: &str) -> bool {
    let b = text.as_bytes();
    let quote = |c: Option<&u8>| matches!(c, Some(b'\'' | b'"'));
    CLI_MODULES.iter().any(|m| {
        memchr::memmem::find_iter(b, m.as_bytes()).any(|at| {
            at > 0
                && quote(b.get(at - 1))
                && quote(b.get(at + m.len()))
                && (imported_at(text, at - 1) || required_at(text, at - 1))
        })
    })
}

/// An ASCII word byte (what `(?-u:\b)` tells apart).
fn word_byte(c: Option<&u8>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// `^\s*` can end at `i`: only whitespace before it back to a line start.
fn line_start_before(text: &str, i: usize) -> bool {
    for c in text[..i].chars().rev() {
        if c == '\n' {
            return true;
        }
        if !c.is_whitespace() {
            return false;
        }
    }
    true
}

/// `^\s*import\b[^;'"]*?(?:\bfrom\s*)?` ending at the quote at `q`: an
/// `import` word at a line's start with none of `;'"` after it up to `q`.
fn imported_at(text: &str, q: usize) -> bool {
    let b = text.as_bytes();
    let from = memchr::memrchr3(b';', b'\'', b'"', &b[..q]).map_or(0, |k| k + 1);
    memchr::memmem::find_iter(&b[from..q], b"import").any(|k| {
        let i = from + k;
        !word_byte(b.get(i + "import".len())) && line_start_before(text, i)
    })
}

/// `^\s*(?:const|let|var)\b[^=;]*=\s*require\s*\(\s*` ending at the quote
/// at `q`.
fn required_at(text: &str, q: usize) -> bool {
    let b = text.as_bytes();
    let Some(open) = text[..q].trim_end().strip_suffix('(') else {
        return false;
    };
    let Some(call) = open.trim_end().strip_suffix("require") else {
        return false;
    };
    let Some(eq) = call.trim_end().strip_suffix('=').map(str::len) else {
        return false;
    };
    let from = memchr::memrchr2(b'=', b';', &b[..eq]).map_or(0, |k| k + 1);
    ["const", "let", "var"].iter().any(|kw| {
        memchr::memmem::find_iter(&b[from..eq], kw.as_bytes()).any(|k| {
            let i = from + k;
            !word_byte(b.get(i + kw.len())) && line_start_before(text, i)
        })
    })
}

/// The pattern [`imports_cli_module`] matches by hand.
#[cfg(test)]
static CLI_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    let modules: Vec<String> = CLI_MODULES.iter().map(|m| regex::escape(m)).collect();
    re(&format!(
        r#"(?m)^\s*(?:import\b[^;'"]*?(?:\bfrom\s*)?|(?:const|let|var)\b[^=;]*=\s*require\s*\(\s*)['"](?:{})['"]"#,
        modules.join("|")
    ))
});

/// The quoted module names [`CLI_IMPORT`] imports end with: the regex
/// (which must read every line start) runs only on a file that names one.
/// A vector search, built in microseconds (an automaton for them took a
/// third of a millisecond).
static CLI_NAMES: LazyLock<Option<crate::literals::Literals>> = LazyLock::new(|| {
    let quoted: Vec<String> = CLI_MODULES
        .iter()
        .flat_map(|n| [format!("'{n}'"), format!("\"{n}\"")])
        .collect();
    crate::literals::Literals::new(&quoted)
});

fn is_tool_module(text: &str) -> bool {
    CLI_NAMES
        .as_ref()
        .is_none_or(|names| names.is_match(text.as_bytes()))
        && imports_cli_module(text)
}

/// In an HTML page only its `<script>` blocks run: the text around them
/// may say `console.log` in prose. `None`: the whole file is code.
fn script_only(file: &SourceFile) -> Option<Vec<Range<usize>>> {
    (file.lang == crate::lexer::Lang::Html).then(|| crate::lexer::script_blocks(file.text))
}

fn in_scripts(scripts: &Option<Vec<Range<usize>>>, at: usize) -> bool {
    scripts
        .as_ref()
        .is_none_or(|r| r.iter().any(|r| r.contains(&at)))
}

pub fn check(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    // A file that starts with `#!` is a command-line script: what it
    // prints is its output, not debug code left in the app.
    if file.is_production && !crate::checks::is_shebang_script(file.text) {
        if !is_logger_module(file.rel) {
            console(file, ctx, out);
        }
        debugger(file, ctx, out);
    }
    if file.is_test {
        focused(file, ctx, out);
    }
}

fn console(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    if !ctx.enabled(&crate::checks::debug::CONSOLE) || !file.code_has("console") {
        return;
    }
    let code = file.code();
    let allow = &ctx.settings.console_allow;
    // Asked only once there is a candidate: most files have none.
    let mut shadowed: Option<Vec<Range<usize>>> = None;
    let scripts = script_only(file);
    let mut dev_only: Option<Vec<Range<usize>>> = None;
    let mut command: Option<bool> = None;
    for (start, end, method) in console_members(file.text, code) {
        if !in_scripts(&scripts, start)
            || !(starts_token(code, start, "$.") || on_global_object(code, start))
            || allow.iter().any(|a| a == method)
            || is_type_query(code, start)
            || forwards_rest_args(code, end)
        {
            continue;
        }
        let dev_only = dev_only.get_or_insert_with(|| development_only_ranges(file.text, code));
        if dev_only.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let local = shadowed.get_or_insert_with(|| scope::local_console_scopes(code));
        if scope::covers(local, start) {
            continue;
        }
        if *command.get_or_insert_with(|| is_tool_module(file.text)) {
            return;
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
        out.findings.extend(ctx.finding(
            &crate::checks::debug::CONSOLE,
            file,
            start,
            end,
            message,
            help,
        ));
    }
}

/// `typeof console.log` (in `Parameters<typeof console.log>`, `type Log =
/// typeof console.log`) names the method's type; it calls nothing. Only
/// TypeScript's type position matters: a JS `typeof console.log ===
/// "function"` check calls nothing either.
fn is_type_query(code: &str, start: usize) -> bool {
    code[..start].trim_end().ends_with("typeof")
        && !code[..start]
            .trim_end()
            .strip_suffix("typeof")
            .is_some_and(|b| b.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$'))
}

/// `window.console`, `globalThis.console`, `self.console`, `global.console`:
/// the global console, reached through the global object.
fn on_global_object(code: &str, start: usize) -> bool {
    let before = code[..start].trim_end();
    let Some(object) = before.strip_suffix('.') else {
        return false;
    };
    let object = object.trim_end();
    ["window", "globalThis", "self", "global"].iter().any(|g| {
        object.strip_suffix(g).is_some_and(|rest| {
            !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
        })
    })
}

/// `(...args) => console.debug(prefix, ...args)`: a logger adapter that
/// hands its callers' arguments to the console (the app's logger, not a
/// debug print). Judged on the call's arguments in masked code.
fn forwards_rest_args(code: &str, member_end: usize) -> bool {
    let rest = code[member_end..].trim_start();
    let Some(args) = rest.strip_prefix('(') else {
        return false;
    };
    // A spread argument of the call itself, not one inside an object or
    // array argument (`console.log({ ...stats })` prints an object).
    let mut depth = 1;
    for (i, c) in args.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            '.' if depth == 1 && args[i..].starts_with("...") => return true,
            _ => {}
        }
    }
    false
}

/// The code that runs only in development: the block (or the rest of the
/// line) after an `if` whose condition is `process.env.NODE_ENV ===
/// "development"`, `!== "production"` (`VERCEL_ENV`, `APP_ENV` alike),
/// `import.meta.env.DEV` or `__DEV__`. Found once per file from the
/// conditions' words, so a file of many console calls stays linear. The
/// condition is read from `text` (strings are blank in `code`).
fn development_only_ranges(text: &str, code: &str) -> Vec<Range<usize>> {
    let dev = |cond: &str| {
        let c = cond
            .replace([' ', '\'', '"', '`'], "")
            .replace("===", "==")
            .replace("!==", "!=");
        let env = ["NODE_ENV", "VERCEL_ENV", "APP_ENV"]
            .iter()
            .any(|v| c.contains(v));
        (env && ((c.contains("==development") && !c.contains("!=development"))
            || c.contains("!=production")))
            || c.contains("import.meta.env.DEV")
            || c.contains("__DEV__")
    };
    let mut out: Vec<Range<usize>> = Vec::new();
    for m in dev_words(text) {
        let line_start = text[..m].rfind('\n').map_or(0, |i| i + 1);
        let Some(if_at) = code[line_start..m].rfind("if").map(|i| line_start + i) else {
            continue;
        };
        // The condition's parentheses, from the `if`.
        let Some(open) = code[if_at..].find('(').map(|i| if_at + i) else {
            continue;
        };
        let Some(close) = matching(code, open, b'(', b')') else {
            continue;
        };
        if !(open..=close).contains(&m) || !dev(&text[open..close]) {
            continue;
        }
        let after = close + 1 + (code[close + 1..].len() - code[close + 1..].trim_start().len());
        let range = if code[after..].starts_with('{') {
            match matching(code, after, b'{', b'}') {
                Some(end) => after..end,
                None => continue,
            }
        } else {
            after..code[after..].find('\n').map_or(code.len(), |i| after + i)
        };
        if !out.contains(&range) {
            out.push(range);
        }
    }
    out
}

/// What can make a condition development-only, where each is in `text`.
const DEV_WORDS: [&str; 4] = ["development", "production", "__DEV__", "env.DEV"];

/// The places of [`DEV_WORDS`] in `text`, in one pass (four `memmem`
/// passes were a tenth of the console check): none holds another or
/// begins with another's end, so leftmost-first finds every place each
/// alone would.
fn dev_words(text: &str) -> Vec<usize> {
    static SEARCH: LazyLock<Option<crate::literals::Literals>> =
        LazyLock::new(|| crate::literals::Literals::new(DEV_WORDS));
    crate::literals::starts(SEARCH.as_ref(), &DEV_WORDS, text.as_bytes())
}

/// The index of the bracket closing the one at `open`.
fn matching(code: &str, open: usize, left: u8, right: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &c) in code.as_bytes().iter().enumerate().skip(open) {
        if c == left {
            depth += 1;
        } else if c == right {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// Every `console.name` and `console['name']` (a string-literal key, which
/// the masked `code` shows as blanks, so the key is read from `text`), in
/// order: (start, end of the member, member name). A computed key that is
/// not a literal, `console[level]`, is a logger choosing its method at run
/// time, not debug output: it is not reported.
fn console_members<'t>(text: &'t str, code: &str) -> Vec<(usize, usize, &'t str)> {
    static FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("console"));
    let mut found: Vec<(usize, usize, &'t str)> = Vec::new();
    // What `console\s*\??\.\s*([A-Za-z_$][\w$]*)` and
    // `console\s*(?:\?\.\s*)?\[` matched, in one SIMD pass over `console`
    // and a few bytes after each (a capturing regex ran its slow engine on
    // every match). Each form resumes after its own last match, as the two
    // regexes' iterations did.
    let (mut member_end, mut computed_end) = (0, 0);
    for start in FINDER.find_iter(code.as_bytes()) {
        let after = start + "console".len();
        let skip_ws = |at: usize| at + (code[at..].len() - code[at..].trim_start().len());
        let at = skip_ws(after);
        let rest = &code[at..];
        if start >= member_end {
            let dot = match rest.as_bytes() {
                [b'?', b'.', ..] => Some(at + 2),
                [b'.', ..] => Some(at + 1),
                _ => None,
            };
            if let Some(dot) = dot {
                let name_at = skip_ws(dot);
                let name = &code[name_at..];
                if name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$') {
                    let len = name
                        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                        .unwrap_or(name.len());
                    member_end = name_at + len;
                    found.push((start, member_end, &text[name_at..member_end]));
                    continue;
                }
            }
        }
        if start < computed_end {
            continue;
        }
        let bracket = match rest.as_bytes() {
            [b'[', ..] => Some(at),
            [b'?', b'.', ..] => Some(skip_ws(at + 2)).filter(|&b| code[b..].starts_with('[')),
            _ => None,
        };
        let Some(bracket) = bracket else { continue };
        computed_end = bracket + 1;
        // The key, skipped in the text: in `code` the quoted key is blanks too.
        let at =
            computed_end + (text.len() - computed_end - text[computed_end..].trim_start().len());
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
        let Some(b) = code[close..].find(|c: char| !c.is_whitespace()) else {
            continue;
        };
        if code[close + b..].starts_with(']') {
            found.push((start, close + b + 1, &rest[1..after]));
        }
    }
    found.sort_unstable_by_key(|f| f.0);
    found
}

fn debugger(file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
    if !ctx.enabled(&crate::checks::debug::DEBUGGER) || !file.code_has("debugger") {
        return;
    }
    let code = file.code();
    let scripts = script_only(file);
    for at in debugger_statements(code) {
        if !in_scripts(&scripts, at)
            || !starts_token(code, at, "$.")
            || !at_statement_start(code, at)
        {
            continue;
        }
        out.findings.extend(
            ctx.finding(
                &crate::checks::debug::DEBUGGER,
                file,
                at,
                at + "debugger".len(),
                "`debugger` statement in production code".into(),
                "delete the `debugger;` line; set a breakpoint in your editor or browser instead"
                    .into(),
            ),
        );
    }
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
    if !ctx.enabled(&crate::checks::debug::FOCUSED_TEST) {
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
            &crate::checks::debug::FOCUSED_TEST,
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
            &crate::checks::debug::FOCUSED_TEST,
            file,
            m.start(),
            m.end() - 1,
            message,
            help,
        ));
    }
}

#[cfg(test)]
mod cli_names_tests {
    use super::*;

    /// The prefilter holds every module name of the regex, quoted both
    /// ways (one list makes both), so it never hides a match.
    #[test]
    fn the_prefilter_names_every_module_of_the_import_regex() {
        let names = CLI_NAMES
            .as_ref()
            .expect("the module names' search is built");
        for m in CLI_MODULES {
            for quoted in [format!("x = '{m}';"), format!("x = \"{m}\";")] {
                assert!(names.is_match(quoted.as_bytes()), "{quoted}");
            }
        }
        for (text, tool) in [
            (
                "import { Command } from 'commander';\nconsole.log(1);\n",
                true,
            ),
            ("const yargs = require(\"yargs/yargs\");\n", true),
            ("import { defineConfig } from \"@rspack/core\"\n", true),
            ("import x from 'commander-extra';\n", false),
            ("// see 'commander'\nconst a = 1;\n", false),
        ] {
            assert_eq!(is_tool_module(text), tool, "{text}");
        }
    }
}

#[cfg(test)]
mod dev_words_tests {
    proptest::proptest! {
        /// One search finds each word where a search for it alone does:
        /// words run together, cut, cased differently.
        #[test]
        fn the_dev_words_are_where_each_alone_is(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "development", "production", "__DEV__", "env.DEV", "env.DEVELOPMENT", "__DEV",
                "import.meta.env.DEV__", "developmentproduction", "prod", "env.", "Development",
                " ", "\n", "x", "_", "é",
            ]), 0..12)
        ) {
            let text = pieces.concat();
            let mut alone: Vec<usize> = super::DEV_WORDS
                .iter()
                .flat_map(|w| memchr::memmem::find_iter(text.as_bytes(), w))
                .collect();
            alone.sort_unstable();
            proptest::prop_assert_eq!(super::dev_words(&text), alone, "{:?}", text);
        }
    }
}

#[cfg(test)]
mod debugger_tests {
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// `debugger` statements found by hand start where the pattern's
        /// matches do.
        #[test]
        fn debugger_statements_are_the_patterns(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "debugger", "debug", "ger", ";", "}", "{", " ", "\t", "\r", "\n", "\r\n", "x",
                "\u{a0}", "é", "debugger;", "debugger }", "debugger\t\r\n", "debuggerdebugger",
            ]), 0..12)
        ) {
            let text = pieces.concat();
            let re = regex::Regex::new(r"(?m)debugger[ \t\r]*(?:;|$|\})").unwrap();
            let by_regex: Vec<usize> = re.find_iter(&text).map(|m| m.start()).collect();
            let by_hand: Vec<usize> = super::debugger_statements(&text).collect();
            proptest::prop_assert_eq!(by_hand, by_regex, "{:?}", text);
        }
    }
}

#[cfg(test)]
mod cli_import_tests {
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// The imports of a command-line or bundler module found by hand
        /// are the pattern's: each branch, its word boundaries, line
        /// starts after Unicode whitespace, barriers, mixed quotes.
        #[test]
        fn cli_imports_by_hand_are_the_patterns(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "import", "const", "let", "var", "require", "from", " from ", "vite", "yargs",
                "yargs/yargs", "@oclif/core", "'", "\"", "(", "=", ";", " ", "\t", "\n", "\r\n",
                "\u{a0}", "x", "_", "é", "{ a }", ",", "importer", "constant",
            ]), 0..14)
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(
                super::imports_cli_module(&text),
                super::CLI_IMPORT.is_match(&text),
                "{:?}", text
            );
        }
    }

    /// Named cases of each branch and of what stops a match.
    #[test]
    fn cli_imports_by_hand_named_cases() {
        for (text, want) in [
            ("import { x } from 'vite'", true),
            ("  import\n  { a,\n b }\n from \"commander\"", true),
            ("\u{a0}import x from 'vite'", true),
            ("x import 'vite'", false),
            ("importer from 'vite'", false),
            ("import a; from 'vite'", false),
            ("import a from 'b' + 'vite'", false),
            ("const y = require ( 'yargs' )", true),
            ("let y = require(\"yargs/yargs\")", true),
            ("const y = z = require('yargs')", false),
            ("constant = require('yargs')", false),
            ("const y = required('yargs')", false),
            ("import x from 'vite\"", true),
            ("import x from 'vitest'", false),
        ] {
            assert_eq!(super::imports_cli_module(text), want, "{text:?}");
            assert_eq!(super::CLI_IMPORT.is_match(text), want, "regex: {text:?}");
        }
    }
}
