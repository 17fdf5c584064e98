//! Python: `#` comments; `'`/`"` and triple-quoted strings with any valid
//! prefix (`r b u f t rb br fr rf …`, any case). An f-string is one String.

use super::scanner::{
    line_comment, prefix_start, quoted, run_close, skip_to, table, Out, Quote, Stops,
};
use super::RegionKind::{Comment, String as Str};

const CODE: Stops<3> = table(b"#'\"");

const PREFIXES: &[&str] = &["r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"];

pub(super) fn lex(b: &[u8], out: &mut Out) {
    let mut i = 0;
    loop {
        i = skip_to(b, i, &CODE);
        if i >= b.len() {
            break;
        }
        if b[i] == b'#' {
            let e = line_comment(b, i);
            out.emit(Comment, i, e);
            i = e.max(i + 1);
            continue;
        }
        let q = b[i];
        let pre = prefix_start(b, i, out.pos, PREFIXES, true);
        let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
        let e = if triple {
            // Raw strings still cannot end on an escaped quote, so a backslash
            // always skips the next byte.
            run_close(b, i + 3, q, 3, b"", true, false)
        } else {
            // Same for raw strings: `r"\""` is one string.
            quoted(b, i, q, Quote::LINE)
        };
        out.emit(Str, pre, e);
        i = e.max(i + 1);
    }
}
