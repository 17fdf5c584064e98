//! HTML, XML, Markdown, Vue and Svelte: `<!-- … -->` comments, everything else
//! Code, except that (HTML, Vue, Svelte) the content of each `<script>` block
//! is lexed as JavaScript in place, so its regions carry file offsets.

use super::scanner::{find_end, Out};
use super::RegionKind::Comment;
use super::{js, Lang};
use memchr::memchr;

pub(super) fn lex(lang: Lang, b: &[u8], out: &mut Out) {
    lex_from(lang, b, 0, out)
}

/// An Astro component: its frontmatter (between a first line `---` and
/// the next `---` line) is TypeScript, the rest markup with scripts.
pub(super) fn lex_astro(b: &[u8], out: &mut Out) {
    let mut from = 0;
    let first_line_end = memchr(b'\n', b).unwrap_or(b.len());
    if b[..first_line_end].trim_ascii() == b"---" {
        let body = (first_line_end + 1).min(b.len());
        let mut at = body;
        let mut close = None;
        while at < b.len() {
            let end = b[at..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |k| at + k);
            if b[at..end].trim_ascii() == b"---" {
                close = Some((at, end));
                break;
            }
            at = end + 1;
        }
        let (fm_end, resume) = close.unwrap_or((b.len(), b.len()));
        js::lex(b, body, fm_end, out, false);
        from = resume;
    }
    lex_from(Lang::Astro, b, from, out)
}

fn lex_from(lang: Lang, b: &[u8], from: usize, out: &mut Out) {
    let scripts = matches!(lang, Lang::Html | Lang::Vue | Lang::Svelte | Lang::Astro);
    let cdata = matches!(lang, Lang::Html | Lang::Xml);
    let mut i = from;
    while let Some(k) = b.get(i..).and_then(|t| memchr(b'<', t)) {
        let p = i + k;
        let rest = &b[p..];
        if rest.starts_with(b"<!--") {
            let e = find_end(b, p + 4, b"-->");
            out.emit(Comment, p, e);
            i = e;
        } else if cdata && rest.starts_with(b"<![CDATA[") {
            i = find_end(b, p + 9, b"]]>");
        } else if scripts && is_tag(b, p, b"script") {
            let open_end = tag_end(b, p);
            let close = find_close(b, open_end, b"script");
            let self_closing = open_end >= 2 && b[open_end - 2] == b'/';
            if !self_closing && is_js(&b[p..open_end]) {
                js::lex(b, open_end, close, out, false);
            }
            i = close.max(p + 1);
        } else if scripts && is_tag(b, p, b"style") {
            let open_end = tag_end(b, p);
            i = find_close(b, open_end, b"style").max(p + 1);
        } else {
            i = p + 1;
        }
    }
}

/// The byte ranges of the JavaScript `<script>` blocks' contents, in order.
pub(super) fn script_ranges(b: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = b.get(i..).and_then(|t| memchr(b'<', t)) {
        let p = i + k;
        if b[p..].starts_with(b"<!--") {
            i = find_end(b, p + 4, b"-->");
        } else if is_tag(b, p, b"script") {
            let open_end = tag_end(b, p);
            let close = find_close(b, open_end, b"script");
            let self_closing = open_end >= 2 && b[open_end - 2] == b'/';
            if !self_closing && is_js(&b[p..open_end]) {
                out.push(open_end..close);
            }
            i = close.max(p + 1);
        } else {
            i = p + 1;
        }
    }
    out
}

/// Is there a `<name` tag (case-insensitive, then whitespace, `>` or `/`) at `p`?
fn is_tag(b: &[u8], p: usize, name: &[u8]) -> bool {
    let s = p + 1;
    let e = s + name.len();
    e <= b.len()
        && b[s..e].eq_ignore_ascii_case(name)
        && !matches!(b.get(e), Some(&c) if !(c.is_ascii_whitespace() || c == b'>' || c == b'/'))
}

/// Offset just past the `>` ending the tag that starts at `p` (quoted
/// attribute values may contain `>`), or `b.len()`.
fn tag_end(b: &[u8], p: usize) -> usize {
    let mut j = p + 1;
    while j < b.len() {
        match b[j] {
            b'>' => return j + 1,
            q @ (b'"' | b'\'') => {
                j = match b.get(j + 1..).and_then(|t| memchr(q, t)) {
                    Some(k) => j + 1 + k + 1,
                    None => return b.len(),
                };
            }
            _ => j += 1,
        }
    }
    b.len()
}

/// Offset of the first `</name` (case-insensitive) at or after `from`, or
/// `b.len()`.
fn find_close(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut j = from;
    while let Some(k) = b.get(j..).and_then(|t| memchr(b'<', t)) {
        let q = j + k;
        if b.get(q + 1) == Some(&b'/')
            && b.get(q + 2..q + 2 + name.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(name))
        {
            return q;
        }
        j = q + 1;
    }
    b.len()
}

/// Does a `<script …>` open tag hold JavaScript (not an HTML template)?
fn is_js(tag: &[u8]) -> bool {
    let lower = tag.to_ascii_lowercase();
    !["template", "text/html", "x-tmpl", "text/x-handlebars"]
        .iter()
        .any(|t| memchr::memmem::find(&lower, t.as_bytes()).is_some())
}
