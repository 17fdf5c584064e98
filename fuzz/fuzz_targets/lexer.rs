#![no_main]

use libfuzzer_sys::fuzz_target;
use shipcheck::lexer::{lex, mask, Lang, RegionKind};

/// Every `Lang` variant.
const LANGS: [Lang; 26] = Lang::ALL;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let lang = LANGS[usize::from(first) % LANGS.len()];
    let text = String::from_utf8_lossy(rest);
    let regions = lex(lang, &text);
    // The documented contract: contiguous, covering, on char boundaries.
    let mut pos = 0;
    for r in &regions {
        assert_eq!(r.start, pos, "{lang:?}: gap or overlap at {pos}");
        assert!(r.end > r.start, "{lang:?}: empty region at {pos}");
        assert!(
            text.is_char_boundary(r.end),
            "{lang:?}: {} not a char boundary",
            r.end
        );
        pos = r.end;
    }
    assert_eq!(pos, text.len(), "{lang:?}: regions do not cover the text");
    for keep in [RegionKind::Code, RegionKind::Comment, RegionKind::String] {
        let masked = mask(&text, &regions, keep);
        assert_eq!(masked.len(), text.len());
    }
});
