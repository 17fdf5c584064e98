//! `#`-comment languages: Shell, YAML, TOML, Dockerfile and `.env`.
//!
//! A `#` starts a comment only at the start of a line or after whitespace
//! (TOML: anywhere outside strings), so `a#b`, `${#arr}` and `http://x/#frag`
//! stay code. Quote rules differ per language: shell quotes anywhere, YAML
//! quotes only where a scalar starts, `.env` quotes only right after `=`.

use super::heredoc::Heredocs;
use super::scanner::{
    is_blank, is_ident, line_comment, line_end, quoted, run_close, skip_to, table, trim_cr, Out,
    Quote, Stops,
};
use super::Lang;
use super::RegionKind::{Comment, String as Str};

const SHELL: Stops<6> = table(b"#'\"\\<\n");
const YAML: Stops<5> = table(b"#'\"|>");
const OTHER: Stops<3> = table(b"#'\"");

pub(super) fn lex(lang: Lang, b: &[u8], out: &mut Out) {
    let shell_like = matches!(lang, Lang::Shell | Lang::Dockerfile);
    let skip = |b: &[u8], i: usize| match lang {
        Lang::Shell | Lang::Dockerfile => skip_to(b, i, &SHELL),
        Lang::Yaml => skip_to(b, i, &YAML),
        _ => skip_to(b, i, &OTHER),
    };
    let n = b.len();
    let mut i = 0;
    let mut heredocs = Heredocs::default();
    loop {
        i = skip(b, i);
        if i >= n {
            break;
        }
        if let Some((bs, be)) = heredocs.take(b, i) {
            out.emit(Str, bs, be);
            i = be.max(i + 1);
            continue;
        }
        let c = b[i];
        let (s, e) = match c {
            b'#' => {
                if comment_allowed(lang, b, i) {
                    let e = line_comment(b, i);
                    out.emit(Comment, i, e);
                    i = e.max(i + 1);
                } else {
                    i += 1;
                }
                continue;
            }
            b'\\' => {
                i += 2;
                continue;
            }
            b'\n' => {
                i += 1;
                continue;
            }
            b'<' => {
                if let Some((label, indented, after)) = heredoc_opener(b, i) {
                    heredocs.open(b, after, label, indented);
                    i = after;
                } else {
                    i += 1;
                }
                continue;
            }
            b'|' | b'>' => {
                i = yaml_block(b, i, out);
                continue;
            }
            _ => match string(lang, shell_like, b, i, out.pos) {
                Some(r) => r,
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        out.emit(Str, s, e);
        i = e.max(i + 1);
    }
}

fn comment_allowed(lang: Lang, b: &[u8], i: usize) -> bool {
    if i == 0 || lang == Lang::Toml {
        return true;
    }
    let p = b[i - 1];
    p.is_ascii_whitespace()
        || (lang == Lang::Shell && matches!(p, b';' | b'|' | b'&' | b'(' | b')'))
}

/// A quote at `i`: the string's `(start, end)`, or `None` if it is not one
/// here (YAML mid-scalar apostrophes, `.env` values not starting with a quote).
fn string(
    lang: Lang,
    shell_like: bool,
    b: &[u8],
    i: usize,
    floor: usize,
) -> Option<(usize, usize)> {
    let q = b[i];
    let dq = q == b'"';
    if shell_like {
        if lang == Lang::Dockerfile {
            return Some((i, quoted(b, i, q, Quote::LINE)));
        }
        if !dq && i > floor && b[i - 1] == b'$' {
            return Some((i - 1, quoted(b, i, q, Quote::MULTI)));
        }
        let style = if dq { Quote::MULTI } else { Quote::RAW_MULTI };
        return Some((i, quoted(b, i, q, style)));
    }
    match lang {
        Lang::Toml => {
            let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
            let e = if triple {
                run_close(b, i + 3, q, 3, b"", dq, true)
            } else {
                quoted(b, i, q, if dq { Quote::LINE } else { Quote::RAW_LINE })
            };
            Some((i, e))
        }
        Lang::Env => {
            if i == 0 || b[i - 1] != b'=' {
                return None;
            }
            Some((
                i,
                quoted(b, i, q, if dq { Quote::MULTI } else { Quote::RAW_MULTI }),
            ))
        }
        _ => {
            if !yaml_scalar_start(b, i, floor) {
                return None;
            }
            let style = if dq {
                Quote::MULTI
            } else {
                Quote {
                    escapes: false,
                    doubled: true,
                    multiline: true,
                }
            };
            Some((i, quoted(b, i, q, style)))
        }
    }
}

/// Can a YAML scalar start at `i` (line start, after `: `, `- `, `? `, `[`,
/// `{` or `,`)?
fn yaml_scalar_start(b: &[u8], i: usize, floor: usize) -> bool {
    let mut j = i;
    while j > floor && is_blank(b[j - 1]) {
        j -= 1;
    }
    if j == 0 || b[j - 1] == b'\n' {
        return true;
    }
    if j == floor {
        return false;
    }
    match b[j - 1] {
        b'[' | b'{' | b',' | b':' => true,
        b'-' | b'?' => j < i,
        _ => false,
    }
}

/// A YAML block scalar indicator (`|`, `>-`, `|+2` …) at `i`: emits its header
/// comment and indented body (as String) and returns where to continue.
fn yaml_block(b: &[u8], i: usize, out: &mut Out) -> usize {
    if !yaml_scalar_start(b, i, out.pos) || (b[i] == b'>' && i > 0 && b[i - 1] == b'\n') {
        return i + 1;
    }
    let n = b.len();
    let mut j = i + 1;
    while j < n && matches!(b[j], b'+' | b'-' | b'0'..=b'9') {
        j += 1;
    }
    while j < n && is_blank(b[j]) {
        j += 1;
    }
    let at_eol = j >= n || b[j] == b'\n' || (b[j] == b'\r' && b.get(j + 1) == Some(&b'\n'));
    let comment = j < n && b[j] == b'#' && is_blank(b[j - 1]);
    if !at_eol && !comment {
        return i + 1;
    }
    let eol = line_end(b, j);
    if comment {
        out.emit(Comment, j, trim_cr(b, j, eol));
    }
    let parent = indent(b, super::scanner::line_start(b, i));
    let mut content = None;
    let mut last_end = eol;
    let mut ls = eol + 1;
    while ls < b.len() {
        let le = line_end(b, ls);
        let ind = indent(b, ls);
        let blank = trim_cr(b, ls, le) == ls + ind;
        if !blank {
            let need = content.map_or(parent + 1, |(ci, _)| ci);
            if ind < need {
                break;
            }
            if content.is_none() {
                content = Some((ind, ls + ind));
            }
            last_end = trim_cr(b, ls, le);
        }
        ls = le + 1;
    }
    match content {
        Some((_, start)) => {
            out.emit(Str, start, last_end);
            last_end
        }
        None => eol,
    }
}

/// Leading spaces of the line starting at `ls`.
fn indent(b: &[u8], ls: usize) -> usize {
    b[ls.min(b.len())..]
        .iter()
        .take_while(|&&c| c == b' ')
        .count()
}

/// A shell heredoc opener at `i` (`<<EOF`, `<<-EOF`, `<< 'EOF'`, `<<"EOF"`,
/// `<<\EOF`): `(label, tab-stripped terminator, offset after the opener)`.
fn heredoc_opener(b: &[u8], i: usize) -> Option<(&[u8], bool, usize)> {
    if b.get(i + 1) != Some(&b'<') || b.get(i + 2) == Some(&b'<') || (i > 0 && b[i - 1] == b'<') {
        return None;
    }
    let mut j = i + 2;
    let dash = b.get(j) == Some(&b'-');
    if dash {
        j += 1;
    }
    while j < b.len() && is_blank(b[j]) {
        j += 1;
    }
    let quote = match b.get(j) {
        Some(&c @ (b'\'' | b'"')) => {
            j += 1;
            Some(c)
        }
        Some(b'\\') => {
            j += 1;
            None
        }
        _ => None,
    };
    let first = *b.get(j)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let ls = j;
    while j < b.len() && (is_ident(b[j]) || b[j] == b'-') && b[j] != b'$' {
        j += 1;
    }
    let label = &b[ls..j];
    if let Some(q) = quote {
        if b.get(j) != Some(&q) {
            return None;
        }
        j += 1;
    }
    Some((label, dash, j))
}
