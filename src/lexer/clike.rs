//! C-family languages other than JavaScript: Java, Kotlin, Go, Rust, C, C++,
//! C#, Swift, PHP and Prisma. `//` and `/* */` comments plus each language's
//! string forms. String prefixes (`r#`, `b`, `u8R`, `@`, `$`, `#`) are found by
//! looking back from the quote, so the hot loop only stops at delimiters.

use super::heredoc::heredoc_body;
use super::scanner::{
    block_comment, count_back, find_end, is_blank, is_ident, line_comment, line_end, prefix_start,
    quoted, run_close, skip_to, table, trim_cr, utf8_len, word_before, Out, Quote, Stops,
};
use super::Lang;
use super::RegionKind::{Comment, String as Str};

const BASE: Stops<3> = table(b"/\"'");
const GO: Stops<4> = table(b"/\"'`");
const PHP: Stops<6> = table(b"/\"'#<?");

/// Lex the whole of `b` as `lang` (one of the C-like languages).
pub(super) fn lex(lang: Lang, b: &[u8], out: &mut Out) {
    let skip = |b: &[u8], i: usize| match lang {
        Lang::Go => skip_to(b, i, &GO),
        Lang::Php => skip_to(b, i, &PHP),
        _ => skip_to(b, i, &BASE),
    };
    let nest = matches!(lang, Lang::Rust | Lang::Kotlin | Lang::Swift);
    let php = lang == Lang::Php;
    // PHP starts in template (HTML) mode: Code up to the first `<?`.
    let mut i = if php { find_end(b, 0, b"<?") } else { 0 };
    let line_comment = |b: &[u8], i: usize| {
        let e = line_comment(b, i);
        // `?>` ends a PHP line comment.
        if php {
            if let Some(k) = memmem_short(&b[i..e], b"?>") {
                return i + k;
            }
        }
        e
    };
    loop {
        i = skip(b, i);
        if i >= b.len() {
            break;
        }
        let (start, end) = match b[i] {
            b'/' => match b.get(i + 1) {
                Some(b'/') => (i, line_comment(b, i)),
                Some(b'*') => (i, block_comment(b, i, *b"/*", *b"*/", nest)),
                _ => {
                    i += 1;
                    continue;
                }
            },
            b'"' => {
                let (s, e) = double(lang, b, i, out.pos);
                out.emit(Str, s, e);
                i = e.max(i + 1);
                continue;
            }
            b'\'' => match single(lang, b, i, out.pos) {
                Some((s, e)) => {
                    out.emit(Str, s, e);
                    i = e.max(i + 1);
                    continue;
                }
                None => {
                    i += 1;
                    continue;
                }
            },
            b'`' => {
                let e = quoted(b, i, b'`', Quote::RAW_MULTI);
                out.emit(Str, i, e);
                i = e;
                continue;
            }
            b'#' if b.get(i + 1) != Some(&b'[') => (i, line_comment(b, i)),
            b'?' if b.get(i + 1) == Some(&b'>') => {
                // Back to template mode until the next `<?php` / `<?=`.
                i = find_end(b, i + 2, b"<?");
                continue;
            }
            b'<' if b[i..].starts_with(b"<<<") => match php_heredoc(b, i) {
                Some(e) => {
                    out.emit(Str, i, e);
                    i = e;
                    continue;
                }
                None => {
                    i += 3;
                    continue;
                }
            },
            _ => {
                i += 1;
                continue;
            }
        };
        out.emit(Comment, start, end);
        i = end.max(i + 1);
    }
}

/// Offset of the first `needle` (two bytes or more) in `hay`.
fn memmem_short(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A `"` string at `p`: returns `(start, end)` with any prefix included.
fn double(lang: Lang, b: &[u8], p: usize, floor: usize) -> (usize, usize) {
    let quotes = b[p..].iter().take(3).take_while(|&&c| c == b'"').count();
    match lang {
        Lang::Rust => {
            let h = count_back(b, p, floor, b'#');
            let pre = prefix_start(b, p - h, floor, &["r", "br", "cr"], false);
            if pre < p - h {
                let tail = vec![b'#'; h];
                return (pre, run_close(b, p + 1, b'"', 1, &tail, false, h > 0));
            }
            let pre = prefix_start(b, p, floor, &["b", "c"], false);
            (pre, quoted(b, p, b'"', Quote::MULTI))
        }
        Lang::C | Lang::Cpp => {
            if lang == Lang::Cpp {
                let pre = prefix_start(b, p, floor, &["R", "u8R", "uR", "UR", "LR"], false);
                if pre < p {
                    if let Some(e) = cpp_raw(b, p) {
                        return (pre, e);
                    }
                }
            }
            let pre = prefix_start(b, p, floor, &["u8", "u", "U", "L"], false);
            (pre, quoted(b, p, b'"', Quote::LINE))
        }
        Lang::CSharp => {
            let mut s = p;
            while s > floor && matches!(b[s - 1], b'@' | b'$') && p - s < 4 {
                s -= 1;
            }
            let verbatim = b[s..p].contains(&b'@');
            if quotes >= 3 {
                let n = b[p..].iter().take_while(|&&c| c == b'"').count();
                return (s, run_close(b, p + n, b'"', n, b"", false, true));
            }
            let style = if verbatim {
                Quote {
                    escapes: false,
                    doubled: true,
                    multiline: true,
                }
            } else {
                Quote::LINE
            };
            (s, quoted(b, p, b'"', style))
        }
        Lang::Swift => {
            let h = count_back(b, p, floor, b'#');
            let tail = vec![b'#'; h];
            if quotes >= 3 {
                return (p - h, run_close(b, p + 3, b'"', 3, &tail, h == 0, true));
            }
            if h > 0 {
                return (p - h, run_close(b, p + 1, b'"', 1, &tail, false, true));
            }
            (p, quoted(b, p, b'"', Quote::LINE))
        }
        Lang::Kotlin | Lang::Java if quotes >= 3 => (
            p,
            run_close(
                b,
                p + 3,
                b'"',
                3,
                b"",
                lang == Lang::Java,
                lang == Lang::Kotlin,
            ),
        ),
        Lang::Php => (p, quoted(b, p, b'"', Quote::MULTI)),
        _ => (p, quoted(b, p, b'"', Quote::LINE)),
    }
}

/// A C++ raw string `R"delim( … )delim"` whose quote is at `p`.
fn cpp_raw(b: &[u8], p: usize) -> Option<usize> {
    let mut j = p + 1;
    while j < b.len() && j - p <= 17 {
        match b[j] {
            b'(' => {
                let mut close = Vec::with_capacity(j - p + 1);
                close.push(b')');
                close.extend_from_slice(&b[p + 1..j]);
                close.push(b'"');
                return Some(find_end(b, j + 1, &close));
            }
            b')' | b'\\' | b' ' | b'\t' | b'\n' | b'\r' | b'"' => return None,
            _ => j += 1,
        }
    }
    None
}

/// A `'` at `p`: a char literal / string `(start, end)`, or `None` for code
/// (a Rust lifetime, a C++ digit separator, a stray quote in Swift).
fn single(lang: Lang, b: &[u8], p: usize, floor: usize) -> Option<(usize, usize)> {
    match lang {
        Lang::Rust => {
            let pre = prefix_start(b, p, floor, &["b"], false);
            let c = *b.get(p + 1)?;
            if c == b'\\' {
                return Some((pre, quoted(b, p, b'\'', Quote::LINE)));
            }
            if c == b'\n' || c == b'\'' {
                return None;
            }
            let close = p + 1 + utf8_len(c);
            (b.get(close) == Some(&b'\'')).then_some((pre, close + 1))
        }
        Lang::C | Lang::Cpp => {
            let w = word_before(b, p, floor);
            if w < p && b[w].is_ascii_digit() {
                return None;
            }
            let pre = prefix_start(b, p, floor, &["u8", "u", "U", "L"], false);
            Some((pre, quoted(b, p, b'\'', Quote::LINE)))
        }
        Lang::Php => Some((p, quoted(b, p, b'\'', Quote::MULTI))),
        Lang::Swift | Lang::Prisma => None,
        _ => Some((p, quoted(b, p, b'\'', Quote::LINE))),
    }
}

/// A PHP heredoc / nowdoc `<<<EOT`, `<<<"EOT"`, `<<<'EOT'` at `i`: its end
/// (past the closing label), or `None` if this is not one.
fn php_heredoc(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 3;
    while j < b.len() && is_blank(b[j]) {
        j += 1;
    }
    let quote = matches!(b.get(j), Some(b'\'' | b'"'));
    if quote {
        j += 1;
    }
    let first = *b.get(j)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let ls = j;
    while j < b.len() && is_ident(b[j]) && b[j] != b'$' {
        j += 1;
    }
    let label = &b[ls..j];
    if quote {
        j += 1;
    }
    let eol = line_end(b, j);
    if trim_cr(b, j, eol) != j.min(eol) {
        return None;
    }
    Some(heredoc_body(b, eol, label, true).map_or(b.len(), |(_, e)| e))
}
