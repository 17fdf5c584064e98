//! SQL: `--` and `/* */` comments, `'…'` strings (`''` escape; backslash
//! escapes only in Postgres `E'…'`), `"…"` quoted identifiers (as String) and
//! Postgres dollar quoting `$$…$$` / `$tag$…$tag$`.

use super::scanner::{
    block_comment, find_end, is_ident, line_comment, prefix_start, quoted, skip_to, table, Out,
    Quote, Stops,
};
use super::RegionKind::{Comment, String as Str};

const CODE: Stops<5> = table(b"-/'\"$");

pub(super) fn lex(b: &[u8], out: &mut Out) {
    let mut i = 0;
    loop {
        i = skip_to(b, i, &CODE);
        if i >= b.len() {
            break;
        }
        let (kind, s, e) = match (b[i], b.get(i + 1)) {
            (b'-', Some(b'-')) => (Comment, i, line_comment(b, i)),
            (b'/', Some(b'*')) => (Comment, i, block_comment(b, i, *b"/*", *b"*/", false)),
            (b'\'', _) => {
                let pre = prefix_start(b, i, out.pos, &["E", "N", "B", "X"], true);
                let escapes = pre < i && b[pre].eq_ignore_ascii_case(&b'E');
                let style = Quote {
                    escapes,
                    doubled: true,
                    multiline: true,
                };
                (Str, pre, quoted(b, i, b'\'', style))
            }
            (b'"', _) => {
                let style = Quote {
                    escapes: false,
                    doubled: true,
                    multiline: true,
                };
                (Str, i, quoted(b, i, b'"', style))
            }
            (b'$', _) => match dollar_tag(b, i) {
                Some(t) => (Str, i, find_end(b, t, &b[i..t])),
                None => {
                    i += 1;
                    continue;
                }
            },
            _ => {
                i += 1;
                continue;
            }
        };
        out.emit(kind, s, e);
        i = e.max(i + 1);
    }
}

/// A dollar-quote opener `$$` or `$tag$` at `i` (not `$1` or `a$b`): the
/// offset just past it.
fn dollar_tag(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && is_ident(b[i - 1]) {
        return None;
    }
    let mut j = i + 1;
    if b.get(j).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    while j < b.len() && is_ident(b[j]) && b[j] != b'$' && j - i <= 64 {
        j += 1;
    }
    (b.get(j) == Some(&b'$')).then_some(j + 1)
}
