//! The table of `debug/breakpoint` and `debug/print` patterns for
//! production code outside JavaScript (JS and TS: `js.rs`).

use crate::lexer::Lang;
use crate::rules::Rule;
use regex::Regex;
use std::sync::{LazyLock, OnceLock};

/// One pattern of one rule, for some languages.
pub struct Pattern {
    pub rule: &'static Rule,
    pub langs: &'static [Lang],
    /// Literals of which one must be in the file for the pattern to match;
    /// they feed the per-file prefilter too.
    pub needles: &'static [&'static str],
    /// Group 1 is the flagged span.
    source: &'static str,
    compiled: OnceLock<Regex>,
    /// `Some(extra)`: the match must start a token — no identifier character
    /// and none of `extra` right before it. `None`: the regex anchors itself.
    pub not_after: Option<&'static str>,
    /// Message and help from the flagged text.
    pub describe: Describe,
    /// Only in files where this also matches (an import that makes a bare
    /// name a debugger call).
    requires: Option<&'static LazyLock<Regex>>,
}

/// `from pdb import set_trace` (or ipdb, pudb, celery's rdb): only then is a
/// bare `set_trace()` a debugger call.
static IMPORTS_SET_TRACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*from[ \t]+(?:pdb|ipdb|pudb|celery\.contrib\.rdb)[ \t]+import[^\n]*\bset_trace\b")
        .expect("valid pattern")
});

impl Pattern {
    /// Whether this pattern applies to the file at all (beyond its needles).
    pub fn applies_to(&self, code: &str) -> bool {
        self.requires.is_none_or(|r| r.is_match(code))
    }

    pub fn regex(&self) -> &Regex {
        self.compiled
            .get_or_init(|| Regex::new(self.source).expect("debug patterns are valid"))
    }
}

fn breakpoint_help(what: &str) -> (String, String) {
    (
        format!("`{what}` left in production code"),
        "delete it: an interactive debugger stops the process waiting for input; log what you needed to see instead"
            .into(),
    )
}

fn print_help(what: &str) -> (String, String) {
    (
        format!("`{what}` in production code"),
        "log through the application's logger at the right level, or delete the print".into(),
    )
}

const PY: &[Lang] = &[Lang::Python];
const RB: &[Lang] = &[Lang::Ruby];
const RS: &[Lang] = &[Lang::Rust];
const GO: &[Lang] = &[Lang::Go];
const PHP: &[Lang] = &[Lang::Php];
const JVM: &[Lang] = &[Lang::Java, Lang::Kotlin];
const KT: &[Lang] = &[Lang::Kotlin];

const BREAK: &Rule = &crate::checks::debug::BREAKPOINT;
const PRINT: &Rule = &crate::checks::debug::PRINT;

/// (rule, languages, needles, regex, not_after, describe): see [`Pattern`].
type Row = (
    &'static Rule,
    &'static [Lang],
    &'static [&'static str],
    &'static str,
    Option<&'static str>,
    Describe,
);
type Describe = fn(&str) -> (String, String);

pub static PRODUCTION_PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    #[rustfmt::skip]
    let table: &[Row] = &[
        (BREAK, PY, &["breakpoint"], r"(breakpoint)\s*\(", Some("."), breakpoint_help),
        (BREAK, PY, &["set_trace", "post_mortem", "break_into_debugger", "breakpoint"],
            r"((?:pdb|ipdb|pudb|rdb|ptvsd|debugpy)\s*\.\s*(?:set_trace|post_mortem|breakpoint|break_into_debugger))\s*\(", Some("."), breakpoint_help),
        (BREAK, PY, &["pdb", "pudb"], r"(?m)^[ \t]*((?:import|from)[ \t]+(?:pdb|ipdb|pudb)\b)", None, breakpoint_help),
        (BREAK, PY, &["celery.contrib.rdb"], r"(?m)^[ \t]*((?:import|from)[ \t]+celery\.contrib\.rdb\b)", None, breakpoint_help),
        (BREAK, RB, &["binding"], r"(binding\s*\.\s*(?:pry|irb|b))\b", Some(".:@$"), breakpoint_help),
        (BREAK, RB, &["byebug", "debugger"], r"(?m)(?:^|;)[ \t]*(byebug|debugger)[ \t\r]*(?:$|;|\bif\b|\bunless\b)", None, breakpoint_help),
        (BREAK, RS, &["dbg!"], r"(dbg!)\s*[(\[{]", Some(".:"), breakpoint_help),
        (BREAK, PHP, &["var_dump"], r"(var_dump)\s*\(", Some("$>:\\"), breakpoint_help),
        // `dd(` written tight, as Laravel code is: the needle is `dd(`.
        (BREAK, PHP, &["dd("], r"(dd)\(", Some("$>:\\"), breakpoint_help),
        (BREAK, GO, &["Breakpoint"], r"(runtime\s*\.\s*Breakpoint)\s*\(", Some("."), breakpoint_help),
        (PRINT, PY, &["print"], r"(print)\s*\(", Some("."), print_help),
        (PRINT, RS, &["print"], r"(e?print(?:ln)?!)\s*[(\[{]", Some(".:"), print_help),
        (PRINT, GO, &["Print"], r"(fmt\s*\.\s*Print(?:ln|f)?)\s*\(", Some("."), print_help),
        (PRINT, JVM, &["System"], r"(System\s*\.\s*(?:out|err)\s*\.\s*print(?:ln|f)?)\s*\(", Some("."), print_help),
        (PRINT, KT, &["print"], r"(println|print)\s*\(", Some("."), print_help),
        (PRINT, RB, &["puts", "pp"], r"(?m)(?:^|;)[ \t]*(puts|pp)\b", None, print_help),
    ];
    table
        .iter()
        .map(
            |&(rule, langs, needles, source, not_after, describe)| Pattern {
                rule,
                langs,
                needles,
                source,
                compiled: OnceLock::new(),
                not_after,
                describe,
                requires: None,
            },
        )
        .chain(std::iter::once(Pattern {
            // A bare `set_trace()` counts where the file imported it from a debugger.
            rule: BREAK,
            langs: PY,
            needles: &["set_trace"],
            source: r"(set_trace)\s*\(",
            compiled: OnceLock::new(),
            not_after: Some("."),
            describe: breakpoint_help,
            requires: Some(&IMPORTS_SET_TRACE),
        }))
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    /// JS and TS go through `js.rs` (scope-aware: a local `console` is not
    /// the global one); a row here for them would never run.
    #[test]
    fn no_pattern_is_for_javascript() {
        for p in PRODUCTION_PATTERNS.iter() {
            assert!(
                !p.langs.iter().any(|l| l.is_js_like()),
                "{}: JS/TS patterns belong in checks/debug/js.rs",
                p.rule.id
            );
        }
    }
}
