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

/// Which of a language's needles a text holds, from one search: a Python
/// file had its eight needles looked for in a `memmem` pass each, every
/// absent one to the file's end.
pub struct Needles {
    /// Every needle of the language's patterns, once, longest first; at
    /// most 64 (a test holds every language to it).
    needles: Vec<&'static str>,
    /// For each needle, its own bit and those of the needles it begins
    /// with: found at the same place, the search reports the longest alone.
    implies: Vec<u64>,
    search: Option<crate::literals::Literals>,
}

impl Needles {
    fn new(lang: Lang) -> Self {
        Self::of(
            PRODUCTION_PATTERNS
                .iter()
                .filter(|p| p.langs.contains(&lang))
                .flat_map(|p| p.needles.iter().copied())
                .collect(),
        )
    }

    fn of(mut needles: Vec<&'static str>) -> Self {
        needles.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        needles.dedup();
        needles.truncate(64);
        let implies = needles
            .iter()
            .map(|n| {
                (0..needles.len())
                    .filter(|&j| n.starts_with(needles[j]))
                    .fold(0u64, |bits, j| bits | 1 << j)
            })
            .collect();
        let search = crate::literals::Literals::new(&needles);
        Needles {
            needles,
            implies,
            search,
        }
    }

    /// The needles `text` holds. Every place a needle starts is looked at
    /// (the search goes on from the next byte, so a needle inside another's
    /// match is found too), until all are found.
    pub fn present(&self, text: &[u8]) -> Present<'_> {
        let all = u64::MAX >> (64 - self.needles.len().max(1));
        let mut bits = 0;
        if let Some(search) = &self.search {
            let mut at = 0;
            while bits != all {
                let Some(m) = search.find_from(text, at) else {
                    break;
                };
                bits |= self.implies[m.pattern().as_usize()];
                at = m.start() + 1;
            }
        }
        Present {
            needles: self,
            bits,
        }
    }
}

/// The needles a text holds (see [`Needles::present`]).
pub struct Present<'n> {
    needles: &'n Needles,
    bits: u64,
}

impl Present<'_> {
    /// Whether any of `needles` (a pattern's) is in the text. One the
    /// search does not hold (past the 64 the mask keeps) counts as there:
    /// its pattern runs, as before the search.
    pub fn any(&self, needles: &[&str]) -> bool {
        let table = &self.needles.needles;
        needles.iter().any(|n| {
            table
                .iter()
                .position(|m| m == n)
                .is_none_or(|i| self.bits & (1 << i) != 0)
        })
    }
}

/// Each language's [`Needles`], built when a file of it is first checked.
pub fn needles(lang: Lang) -> &'static Needles {
    static BY_LANG: [OnceLock<Needles>; Lang::ALL.len()] =
        [const { OnceLock::new() }; Lang::ALL.len()];
    let i = Lang::ALL.iter().position(|&l| l == lang).unwrap_or(0);
    BY_LANG[i].get_or_init(|| Needles::new(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JS and TS go through `js.rs` (scope-aware: a local `console` is not
    /// the global one); a row here for them would never run.
    #[test]
    fn no_language_has_more_needles_than_the_mask_holds() {
        for lang in Lang::ALL {
            let n: std::collections::BTreeSet<&str> = PRODUCTION_PATTERNS
                .iter()
                .filter(|p| p.langs.contains(&lang))
                .flat_map(|p| p.needles.iter().copied())
                .collect();
            assert!(n.len() <= 64, "{lang:?}: {} needles", n.len());
        }
    }

    /// One search tells which needles a text holds, as a `memmem` for
    /// each would: overlapping ones, one beginning another, one inside
    /// another's match.
    #[test]
    fn needles_are_found_as_memmem_finds_them() {
        let texts = [
            "",
            "import pdb; pdb.set_trace()",
            "breakpoint()",
            "x = 'pudb'",
            "from celery.contrib.rdb import set_trace",
            "printer = 1",
            "post_mortem()",
            "break_into_debugger",
            "ipdbx print",
        ];
        for lang in [
            Lang::Python,
            Lang::Ruby,
            Lang::Rust,
            Lang::Php,
            Lang::Go,
            Lang::Kotlin,
        ] {
            let needles = needles(lang);
            for text in texts {
                let present = needles.present(text.as_bytes());
                for p in PRODUCTION_PATTERNS
                    .iter()
                    .filter(|p| p.langs.contains(&lang))
                {
                    let want = p.needles.iter().any(|n| text.contains(n));
                    assert_eq!(
                        present.any(p.needles),
                        want,
                        "{lang:?} {:?} in {text:?}",
                        p.needles
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// Any needles, one beginning another or inside another: each is
        /// reported present exactly where `memmem` finds it.
        #[test]
        fn any_needles_are_found_as_memmem_finds_them(
            needles in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(vec!["a", "b", "ab", "ba", "_"]), 1..4),
                1..8,
            ),
            text in proptest::collection::vec(proptest::sample::select(vec!["a", "b", "ab", "_", "x", "\n"]), 0..30),
        ) {
            let needles: Vec<&'static str> = needles
                .into_iter()
                .map(|n| &*Box::leak(n.concat().into_boxed_str()))
                .collect();
            let text = text.concat();
            let search = Needles::of(needles.clone());
            let present = search.present(text.as_bytes());
            for n in &needles {
                proptest::prop_assert_eq!(present.any(&[n]), text.contains(n), "{:?} in {:?}", n, text);
            }
        }
    }

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
