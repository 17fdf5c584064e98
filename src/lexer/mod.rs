//! Splits a source file into code, comment and string regions.
//!
//! Contract (relied on by every check):
//! - `lex` returns regions in order, contiguous, covering `text` exactly
//!   (first starts at 0, each starts where the previous ended, last ends at
//!   `text.len()`); adjacent regions of the same kind are merged.
//! - Every boundary is a char boundary of `text`.
//! - Comment regions include their delimiters (`//`, `/* */`, `#`, `<!-- -->`);
//!   string regions include their quotes. In a JS template literal the `${…}`
//!   substitutions are Code (nested arbitrarily); the literal parts are String.
//! - It never panics and runs in linear time on any input.

pub mod call_args;
mod clike;
mod hash;
mod heredoc;
mod js;
mod jsx;
mod lang;
mod markup;
mod python;
mod ruby;
mod scanner;
mod sql;
#[cfg(test)]
mod tests;

pub use lang::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    Code,
    Comment,
    String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub kind: RegionKind,
    /// Byte offset of the first byte, inclusive.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

/// Lex `text` as `lang`.
/// The contents of an HTML file's JavaScript `<script>` blocks: the only
/// code a page runs (the markup around them is text).
pub fn script_blocks(text: &str) -> Vec<std::ops::Range<usize>> {
    markup::script_ranges(text.as_bytes())
}

pub fn lex(lang: Lang, text: &str) -> Vec<Region> {
    lex_into(lang, text, Vec::new())
}

/// [`lex`] into `spare`'s memory (cleared first): a worker hands the last
/// file's list on to the next file.
pub fn lex_into(lang: Lang, text: &str, spare: Vec<Region>) -> Vec<Region> {
    if text.is_empty() {
        return Vec::new();
    }
    let b = text.as_bytes();
    let mut out = scanner::Out::reusing(spare, b.len());
    match lang {
        Lang::JavaScript | Lang::TypeScript => js::lex(b, 0, b.len(), &mut out, true),
        Lang::Vue | Lang::Svelte | Lang::Html | Lang::Markdown | Lang::Xml => {
            markup::lex(lang, b, &mut out)
        }
        Lang::Astro => markup::lex_astro(b, &mut out),
        Lang::Java
        | Lang::Kotlin
        | Lang::Go
        | Lang::Rust
        | Lang::C
        | Lang::Cpp
        | Lang::CSharp
        | Lang::Swift
        | Lang::Php
        | Lang::Prisma => clike::lex(lang, b, &mut out),
        Lang::Python => python::lex(b, &mut out),
        Lang::Ruby => ruby::lex(b, &mut out),
        Lang::Shell | Lang::Yaml | Lang::Toml | Lang::Dockerfile | Lang::Env => {
            hash::lex(lang, b, &mut out)
        }
        Lang::Sql => sql::lex(b, &mut out),
        // No comment or string syntax: the whole file is code.
        Lang::Text => {}
    }
    on_char_boundaries(text, out.finish(b.len()))
}

/// Safety net for the contract: every lexer only cuts next to ASCII
/// delimiters, so this normally returns `regions` untouched; if a boundary
/// ever fell inside a character, it is moved forward to the next boundary.
fn on_char_boundaries(text: &str, regions: Vec<Region>) -> Vec<Region> {
    if regions.iter().all(|r| text.is_char_boundary(r.end)) {
        return regions;
    }
    let mut fixed: Vec<Region> = Vec::with_capacity(regions.len());
    let mut pos = 0;
    for r in regions {
        let mut end = r.end.max(pos);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end == pos {
            continue;
        }
        match fixed.last_mut() {
            Some(last) if last.kind == r.kind => last.end = end,
            _ => fixed.push(Region {
                kind: r.kind,
                start: pos,
                end,
            }),
        }
        pos = end;
    }
    fixed
}

/// A copy of `text` where every byte outside regions of `keep` is a space
/// (newlines are kept), so byte offsets and line numbers are unchanged and a
/// regex over the result only sees the kept kind.
pub fn mask(text: &str, regions: &[Region], keep: RegionKind) -> String {
    mask_into(text, regions, keep, Vec::new())
}

/// [`mask`] into `spare`'s memory (cleared first).
pub fn mask_into(text: &str, regions: &[Region], keep: RegionKind, spare: Vec<u8>) -> String {
    let mut out = spare;
    out.clear();
    out.extend_from_slice(text.as_bytes());
    for r in regions.iter().filter(|r| r.kind != keep) {
        // Branch-free, so it runs a vector at a time.
        for b in &mut out[r.start..r.end] {
            *b = if *b == b'\n' { b'\n' } else { b' ' };
        }
    }
    // Regions end on char boundaries and every replaced byte is ASCII, so the
    // result is valid UTF-8; fall back to lossy rather than panic if not.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
