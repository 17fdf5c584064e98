//! Lexer tests: table-driven per family, contract properties, and scale.

use super::{lex, mask, Lang, Region, RegionKind};

mod clike;
mod config;
mod js;
mod props;
mod script;

pub(super) const C: RegionKind = RegionKind::Code;
pub(super) const M: RegionKind = RegionKind::Comment;
pub(super) const S: RegionKind = RegionKind::String;

/// Panics unless `regions` satisfies the `lex` contract for `text`.
pub(super) fn check_contract(text: &str, regions: &[Region]) {
    if text.is_empty() {
        assert!(regions.is_empty(), "empty text must give no regions");
        return;
    }
    assert_eq!(
        regions.first().map(|r| r.start),
        Some(0),
        "first region starts at 0"
    );
    assert_eq!(
        regions.last().map(|r| r.end),
        Some(text.len()),
        "last region ends at len"
    );
    for r in regions {
        assert!(r.start < r.end, "empty region {r:?}");
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "{r:?} splits a char"
        );
    }
    for w in regions.windows(2) {
        assert_eq!(
            w[0].end, w[1].start,
            "gap or overlap between {:?} and {:?}",
            w[0], w[1]
        );
        assert_ne!(
            w[0].kind, w[1].kind,
            "adjacent regions of the same kind: {:?} {:?}",
            w[0], w[1]
        );
    }
    for keep in [RegionKind::Code, RegionKind::Comment, RegionKind::String] {
        let m = mask(text, regions, keep);
        assert_eq!(m.len(), text.len(), "mask changes the length");
        assert_eq!(
            m.matches('\n').count(),
            text.matches('\n').count(),
            "mask changes lines"
        );
    }
}

/// Lex and render as `(kind, text)` pairs, checking the contract on the way.
pub(super) fn parts(lang: Lang, text: &str) -> Vec<(RegionKind, &str)> {
    let regions = lex(lang, text);
    check_contract(text, &regions);
    regions
        .iter()
        .map(|r| (r.kind, &text[r.start..r.end]))
        .collect()
}

/// Assert the exact regions of each `(input, expected)` case.
pub(super) fn assert_cases(lang: Lang, cases: &[(&str, &[(RegionKind, &str)])]) {
    for (text, want) in cases {
        assert_eq!(parts(lang, text), want.to_vec(), "{lang:?}: {text:?}");
    }
}

/// The kind of every byte of the first occurrence of `needle` in `text`
/// (asserting they all share one kind).
pub(super) fn kind_at(lang: Lang, text: &str, needle: &str) -> RegionKind {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    let regions = lex(lang, text);
    check_contract(text, &regions);
    let kinds: Vec<RegionKind> = regions
        .iter()
        .filter(|r| r.start < at + needle.len() && r.end > at)
        .map(|r| r.kind)
        .collect();
    assert_eq!(
        kinds.len(),
        1,
        "{lang:?}: {needle:?} spans {kinds:?} in {text:?}"
    );
    kinds[0]
}

/// Assert the kind of each `needle` in `text`.
pub(super) fn assert_kinds(lang: Lang, text: &str, want: &[(&str, RegionKind)]) {
    for (needle, kind) in want {
        assert_eq!(
            kind_at(lang, text, needle),
            *kind,
            "{lang:?}: {needle:?} in {text:?}"
        );
    }
}

pub(super) const ALL: [Lang; 27] = Lang::ALL;

#[test]
fn empty_text_gives_no_regions() {
    for lang in ALL {
        assert!(lex(lang, "").is_empty());
    }
}

#[test]
fn plain_code_is_one_region() {
    for lang in ALL {
        assert_eq!(parts(lang, "abc = 1"), vec![(C, "abc = 1")], "{lang:?}");
    }
}
