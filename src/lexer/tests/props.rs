//! Contract properties on arbitrary input for every language, and scale.

use super::{check_contract, ALL};
use crate::lexer::{lex, Lang, RegionKind};
use proptest::prelude::*;

/// Characters that open, close or escape something in some language.
const TRICKY: &[&str] = &[
    "/",
    "*",
    "\"",
    "'",
    "`",
    "$",
    "{",
    "}",
    "#",
    "-",
    "\n",
    "\r\n",
    "\\",
    "<",
    "!",
    ">",
    "[",
    "]",
    "(",
    ")",
    "r",
    "b",
    "f",
    "R",
    "@",
    "%",
    "q",
    "=",
    "|",
    ":",
    " ",
    "a",
    "é",
    "😀",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<<",
    "EOF",
    "\"\"\"",
    "'''",
    "=begin",
    "=end",
    "${",
    "*/",
    "/*",
    "//",
    "$$",
    "u8",
    "x",
    "\t",
    ";",
    ",",
    "r#\"",
    "\"#",
    "'a",
    "<<~",
    "<<-",
    "%w(",
    "$t$",
    "R\"x(",
    ")x\"",
    "@\"",
    "#\"",
    ": ",
    "- ",
    "E'",
    "<p>",
    "</p>",
    "<T>",
    "return ",
    "?",
];

fn tricky() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TRICKY), 0..64).prop_map(|parts| parts.concat())
}

fn check_all(text: &str) {
    for lang in ALL {
        check_contract(text, &lex(lang, text));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_keep_the_contract(bytes in any::<Vec<u8>>()) {
        check_all(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn tricky_text_keeps_the_contract(text in tricky()) {
        check_all(&text);
    }

    /// A worker lexes and blanks each file in the last file's memory: what
    /// that memory held never shows through.
    #[test]
    fn lexing_and_blanking_in_used_memory_is_the_same(first in tricky(), text in tricky()) {
        use crate::lexer::{lex_into, mask, mask_into};
        for lang in ALL {
            let used = lex(lang, &first);
            let fresh = lex(lang, &text);
            prop_assert_eq!(&lex_into(lang, &text, used.clone()), &fresh, "{:?}", lang);
            let spare = mask(&first, &used, RegionKind::Code).into_bytes();
            prop_assert_eq!(
                mask_into(&text, &fresh, RegionKind::Code, spare),
                mask(&text, &fresh, RegionKind::Code),
                "{:?}", lang
            );
        }
    }

    #[test]
    fn lexing_a_slice_of_js_keeps_the_contract(text in tricky(), cut in 0usize..64) {
        // Truncation mid-construct (as in an editor) never breaks anything.
        let end = text.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(text.len());
        check_all(&text[..end]);
    }
}

/// `skip_to` finds the first stop at or after the start, as a byte-by-byte
/// scan does, whether it searches with memchr (up to three stops) or a
/// table: stops at each offset of a step, none, and a start past the end.
fn skip_to_is_the_first_stop<const N: usize>(stops: &[u8; N], bytes: &[u8], from: usize) {
    use crate::lexer::scanner::{skip_to, table};
    let s = table(stops);
    let naive = bytes
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, b)| stops.contains(b))
        .map_or(bytes.len(), |(i, _)| i);
    assert_eq!(skip_to(bytes, from, &s), naive, "{stops:?} from {from}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn skip_to_finds_the_first_stop(
        bytes in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'/'), Just(b'"'), Just(b'\''), Just(b'`'), Just(b'<'), Just(b'{'), Just(b'\n'), any::<u8>()], 0..80),
        from in 0usize..90,
    ) {
        skip_to_is_the_first_stop(b"/", &bytes, from);
        skip_to_is_the_first_stop(b"/\"", &bytes, from);
        skip_to_is_the_first_stop(b"/\"'", &bytes, from);
        skip_to_is_the_first_stop(b"/\"'`", &bytes, from);
        skip_to_is_the_first_stop(b"/'\"`<", &bytes, from);
        skip_to_is_the_first_stop(b"/'\"`{}<", &bytes, from);
    }
}

#[test]
fn long_single_line_is_linear() {
    let patterns: [&str; 6] = ["(/[", "a/b/", "<a ", "`${", "'", "x"];
    for p in patterns {
        let line = p.repeat(100_000 / p.len());
        for lang in ALL {
            check_contract(&line, &lex(lang, &line));
        }
    }
}

/// About 5 MB of realistic JavaScript / JSX.
pub(super) fn big_js() -> String {
    let chunk = concat!(
        "import React from 'react';\n",
        "// A component with a template, a regex and JSX.\n",
        "export function Item({ name, n }) {\n",
        "  const re = /^[a-z\\/]+$/i; /* block */\n",
        "  const msg = `hello ${name.toUpperCase()} you have ${n / 2 | 0} items`;\n",
        "  if (!re.test(name)) { console.log(\"bad name\", name); }\n",
        "  return (<li className=\"item\">Don't {/* note */} {msg}</li>);\n",
        "}\n",
    );
    chunk.repeat(5_000_000 / chunk.len())
}

#[test]
fn five_megabytes_of_js() {
    let src = big_js();
    let regions = lex(Lang::JavaScript, &src);
    check_contract(&src, &regions);
    let comments = regions
        .iter()
        .filter(|r| r.kind == RegionKind::Comment)
        .count();
    let copies = src.matches("export function").count();
    assert_eq!(
        comments,
        copies * 3,
        "each copy has a line, a block and a JSX comment"
    );
}
