//! The committed-secret sweep over files the full checks do not read:
//! vendored, minified, over `max-file-size`, binary-looking, or in a format
//! shipcheck does not lex (`.pem`, `.csv`, `.ipynb`, …). What ships is what
//! is committed, so `stripe/live-key-in-repo` must see every one of them.
//! Files are streamed in chunks: a 2 GB asset costs its read, not its size
//! in memory.

use crate::finding::ShownLine;
use std::io::Read;

/// Bytes read at a time.
const CHUNK: usize = 1 << 20;
/// Bytes carried from one chunk into the next: longer than any key (255
/// characters), so a key cut by a chunk boundary is found whole in the next.
const CARRY: usize = 512;

/// Live Stripe secret and restricted keys in `buf`: the prefix `sk_live_`
/// or `rk_live_` glued to whatever precedes it, 24–247 alphanumerics and
/// no word character after them (see `checks::stripe_keys`). Matched by
/// hand from `live`, every place `_live_` starts in `buf` (the provider
/// keys' search finds them: one pass over the file), leftmost first as
/// the regex `tests::LIVE_KEY` would: compiling that counted repetition
/// cost every run half a millisecond. Each key as its start, where its
/// prefix ends and its end.
fn live_keys(buf: &[u8], live: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut resume = 0;
    for &at in live {
        let Some(start) = at.checked_sub(2).filter(|&s| s >= resume) else {
            continue;
        };
        if !matches!(&buf[start..at], b"sk" | b"rk") {
            continue;
        }
        let random = at + 6;
        let n = buf[random..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        // A longer run, or `_` after it, leaves no word boundary.
        if (24..=247).contains(&n) && buf.get(random + n) != Some(&b'_') {
            out.push((start, random, random + n));
            resume = random + n;
        }
    }
    out
}

/// A live key found by the sweep: where, and what a finding may show of it.
#[derive(Debug, Clone)]
pub struct SweepHit {
    pub line: u32,
    /// 1-based byte columns (the sweep does not decode the file).
    pub column: u32,
    pub end_column: u32,
    /// `sk_live_` or `rk_live_` (a Stripe key), or "" (another provider's).
    pub prefix: &'static str,
    /// Another provider's key (`crate::provider_keys`), or `None` for a
    /// Stripe key.
    pub provider: Option<&'static crate::provider_keys::Provider>,
    /// The key masked: prefix and last four.
    pub masked: String,
    pub shown: ShownLine,
}

/// Sweep `reader` to its end, its chunks read into this thread's sweep
/// buffer: kept from file to file (a megabyte at most, per thread), so the
/// kernel copies each file into pages already mapped. A fresh buffer per
/// file faulted in its pages for each swept file (60 % of a Remix app's
/// page faults, and a fault costs microseconds in a virtual machine).
pub fn sweep(reader: impl Read) -> std::io::Result<Vec<SweepHit>> {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|buf| match buf.try_borrow_mut() {
        Ok(mut buf) => sweep_into(reader, &mut buf),
        Err(_) => sweep_into(reader, &mut Vec::new()),
    })
}

/// Sweep bytes already in memory: in place when they fit one chunk (what
/// [`sweep`] would find reading them, without copying them first).
pub fn sweep_bytes(bytes: &[u8]) -> Vec<SweepHit> {
    if bytes.len() < CHUNK {
        let mut hits = Vec::new();
        chunk(bytes, true, 0, 0, &mut hits);
        return hits;
    }
    sweep(bytes).unwrap_or_default()
}

/// Sweep a file of `size` bytes named `name` (its path, for its
/// extension). A PNG or WebP image, or a TrueType, OpenType or WOFF font,
/// is skimmed first ([`skim`]): when the bytes around its compressed
/// pixels or its outlines hold no place a key could start, it holds no
/// key this sweep could report, and those are not read (PNG screenshots,
/// WebP images and fonts were most of the bytes three real apps read).
/// Anything else, and an image or font whose other bytes hold such a
/// place, is swept whole, as [`sweep`] does.
pub fn sweep_file(file: std::fs::File, size: u64, name: &str) -> std::io::Result<Vec<SweepHit>> {
    #[cfg(unix)]
    if let Some(format) = Packed::by_name(name) {
        use std::os::unix::fs::FileExt;
        // Read at offsets: the file's own position stays at its start for
        // the whole sweep below.
        let read_at = |buf: &mut Vec<u8>, at: u64, n: usize| -> std::io::Result<()> {
            let start = buf.len();
            buf.resize(start + n, 0);
            let mut got = 0;
            while got < n {
                match file.read_at(&mut buf[start + got..], at + got as u64) {
                    Ok(0) => break,
                    Ok(k) => got += k,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            buf.truncate(start + got);
            Ok(())
        };
        if skim(format, size, read_at)?.is_some() {
            return Ok(Vec::new());
        }
    }
    #[cfg(not(unix))]
    let _ = (size, name);
    sweep(file)
}

/// A format whose bulk is compressed or numeric data in parts that say
/// their length: an image's pixels, a font's outlines. [`skim`] skips
/// those parts. A key in them is as out of reach as one in a zip
/// archive's deflated entries, which the sweep does not inflate either:
/// compressed pixels and glyph coordinates hold no typed text (an
/// image's text chunks, `tEXt` or `EXIF`, and a font's names, `name` and
/// `post`, are read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Packed {
    /// PNG (and APNG): `IDAT` and `fdAT` chunks hold the zlib stream.
    Png,
    /// WebP (a RIFF file): `VP8 `, `VP8L`, `ALPH` and `ANMF` chunks hold
    /// the coded frames.
    WebP,
    /// TrueType or OpenType (an `sfnt`): a directory of tables by offset
    /// and length; the [`FONT_DATA`] tables are skipped.
    Font,
    /// WOFF: an sfnt's tables, each zlib-compressed or stored; the
    /// compressed ones and stored [`FONT_DATA`] tables are skipped.
    Woff,
    /// WOFF 2: every table in one Brotli stream after the directory,
    /// which is skipped.
    Woff2,
}

/// A font's tables of glyph outlines, metrics, character maps and layout:
/// numbers only, and nine tenths of the fonts' bytes in 13 real apps.
const FONT_DATA: [&[u8; 4]; 15] = [
    b"glyf", b"loca", b"CFF ", b"CFF2", b"gvar", b"hmtx", b"vmtx", b"hdmx", b"GPOS", b"GSUB",
    b"GDEF", b"kern", b"cmap", b"HVAR", b"VVAR",
];

/// A chunk's data shorter than this is read with the rest: a skip costs
/// a read call of its own.
const MIN_SKIP: u64 = 4096;
/// Bytes [`skim`] reads at least at a time.
const READ_AHEAD: usize = 256;
/// Bytes read at the start of each skipped part's data: longer than any
/// literal a key starts with, so one that begins before the data is found
/// whole (and as many again are read after them, so is one that begins in
/// them).
const LOOK: u64 = 16;

impl Packed {
    fn by_name(name: &str) -> Option<Packed> {
        let ext = name.rsplit_once('.')?.1;
        let is = |e: &str| ext.eq_ignore_ascii_case(e);
        if is("png") || is("apng") {
            Some(Packed::Png)
        } else if is("webp") {
            Some(Packed::WebP)
        } else if is("ttf") || is("otf") {
            Some(Packed::Font)
        } else if is("woff") {
            Some(Packed::Woff)
        } else if is("woff2") {
            Some(Packed::Woff2)
        } else {
            None
        }
    }

    /// Bytes before the first chunk, or a font's header.
    fn head_len(self) -> u64 {
        match self {
            Packed::Png => 8,
            Packed::WebP | Packed::Font => 12,
            Packed::Woff => 44,
            Packed::Woff2 => 48,
        }
    }

    fn head_ok(self, head: &[u8]) -> bool {
        let len = self.head_len() as usize;
        if head.len() != len {
            return false;
        }
        match self {
            Packed::Png => head == b"\x89PNG\r\n\x1a\n",
            Packed::WebP => &head[..4] == b"RIFF" && &head[8..] == b"WEBP",
            Packed::Font => matches!(&head[..4], b"\0\x01\0\0" | b"OTTO" | b"true"),
            Packed::Woff => &head[..4] == b"wOFF",
            // A collection has another directory after the tables'.
            Packed::Woff2 => &head[..4] == b"wOF2" && &head[4..8] != b"ttcf",
        }
    }

    /// A font's skipped parts, from its header `head` and the directory
    /// after it (read through `read_at`): where each lies, and where the
    /// directory ends (no part is skipped before it). Nothing for an
    /// image, or a directory that cannot be read: then every byte is
    /// searched.
    fn font_parts(
        self,
        head: &[u8],
        len: u64,
        mut read_at: impl FnMut(&mut Vec<u8>, u64, usize) -> std::io::Result<()>,
    ) -> std::io::Result<(Vec<std::ops::Range<u64>>, u64)> {
        let be16 = |b: &[u8], at: usize| u16::from_be_bytes([b[at], b[at + 1]]);
        let be32 = |b: &[u8], at: usize| {
            u64::from(u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]))
        };
        let start = self.head_len();
        let (tables, entry) = match self {
            Packed::Png | Packed::WebP => return Ok((Vec::new(), 0)),
            Packed::Font => (be16(head, 4), 16),
            Packed::Woff => (be16(head, 12), 20),
            // Entries of 1 to 15 bytes.
            Packed::Woff2 => (be16(head, 12), 15),
        };
        let want = usize::from(tables) * entry;
        let mut dir = Vec::new();
        read_at(
            &mut dir,
            start,
            want.min(usize::try_from(len.saturating_sub(start)).unwrap_or(want)),
        )?;
        let mut parts = Vec::new();
        let dir_end = match self {
            Packed::Woff2 => {
                let Some(end) = woff2_directory_len(&dir, tables) else {
                    return Ok((Vec::new(), len));
                };
                let end = start + end as u64;
                parts.push(end..end.saturating_add(be32(head, 20)));
                end
            }
            _ => {
                if dir.len() < want {
                    return Ok((Vec::new(), len));
                }
                for e in dir.chunks_exact(entry) {
                    let data = FONT_DATA.iter().any(|t| e[..4] == t[..]);
                    if self == Packed::Font {
                        // Tag, checksum, offset, length.
                        if data {
                            parts.push(be32(e, 8)..be32(e, 8) + be32(e, 12));
                        }
                    } else {
                        // Tag, offset, length as stored, the table's own
                        // length (longer when compressed), checksum.
                        let (offset, stored) = (be32(e, 4), be32(e, 8));
                        if data || stored < be32(e, 12) {
                            parts.push(offset..offset + stored);
                        }
                    }
                }
                start + want as u64
            }
        };
        Ok((parts, dir_end))
    }

    /// A chunk from its 8-byte header: whether its data is compressed
    /// pixels, its data's length, the bytes from its header to the next
    /// chunk's, and whether it ends the image. `None` for a length no
    /// chunk of the format has.
    fn chunk(self, h: &[u8; 8]) -> Option<(bool, u64, u64, bool)> {
        match self {
            Packed::Png => {
                let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
                if len > i32::MAX as u32 {
                    return None;
                }
                let ty = &h[4..];
                let len = u64::from(len);
                Some((
                    ty == b"IDAT" || ty == b"fdAT",
                    len,
                    8 + len + 4,
                    ty == b"IEND",
                ))
            }
            Packed::WebP => {
                let len = u64::from(u32::from_le_bytes([h[4], h[5], h[6], h[7]]));
                let ty = &h[..4];
                Some((
                    matches!(ty, b"VP8 " | b"VP8L" | b"ALPH" | b"ANMF"),
                    len,
                    8 + len + (len & 1),
                    false,
                ))
            }
            // A font's parts are found by its directory.
            Packed::Font | Packed::Woff | Packed::Woff2 => None,
        }
    }
}

/// Skim an image or a font of `len` bytes in `format`, read through
/// `read_at` (append `n` bytes from an offset, fewer at its end): walk an
/// image's chunks, or read a font's directory, skip the data of the parts
/// holding compressed pixels or outlines (all but their first [`LOOK`]
/// bytes; a literal starting in those is read whole) and search every
/// other byte for a place a key may start
/// (`provider_keys::may_start_key`). `Some(skipped ranges)` when there is
/// none; `None` when there may be a key, or the file is not of the
/// format: sweep it whole. A chunk whose length runs past the end stops
/// the walk, and the rest is searched; a font's part that overlaps
/// another, its directory or the end is read.
fn skim(
    format: Packed,
    len: u64,
    read_at: impl FnMut(&mut Vec<u8>, u64, usize) -> std::io::Result<()>,
) -> std::io::Result<Option<Vec<std::ops::Range<u64>>>> {
    skim_by(format, len, CHUNK, read_at)
}

/// [`skim`], searching `chunk` bytes at a time (tests make it small).
fn skim_by(
    format: Packed,
    len: u64,
    chunk: usize,
    mut read_at: impl FnMut(&mut Vec<u8>, u64, usize) -> std::io::Result<()>,
) -> std::io::Result<Option<Vec<std::ops::Range<u64>>>> {
    // A font's directory says where its parts are: read first, then
    // searched with the rest.
    let font = !matches!(format, Packed::Png | Packed::WebP);
    let mut fonts = Vec::new().into_iter();
    if font {
        let mut head = Vec::new();
        read_at(&mut head, 0, format.head_len() as usize)?;
        if !format.head_ok(&head) {
            return Ok(None);
        }
        let (mut parts, dir_end) = format.font_parts(&head, len, &mut read_at)?;
        parts.sort_by_key(|r| r.start);
        let mut end = dir_end;
        parts.retain(|r| {
            let keep = r.start >= end && r.end <= len && r.end - r.start >= MIN_SKIP;
            if keep {
                end = r.end;
            }
            keep
        });
        fonts = parts.into_iter();
    }
    let mut skipped = Vec::new();
    // Bytes from `from` on, read and not yet searched.
    let mut buf = Vec::new();
    let mut from = 0u64;
    // Search what `buf` holds once it is a chunk long, keeping its last
    // bytes: a literal cut there is found whole next time, and the chunk
    // header being read is kept whole.
    let mut fill = |buf: &mut Vec<u8>, from: &mut u64, to: u64| -> std::io::Result<bool> {
        loop {
            let have = *from + buf.len() as u64;
            if have >= to {
                return Ok(false);
            }
            if buf.len() >= chunk {
                if crate::provider_keys::may_start_key(buf) {
                    return Ok(true);
                }
                let cut = buf.len() - 2 * LOOK as usize;
                buf.drain(..cut);
                *from += cut as u64;
            }
            // A little past `to`: the small chunks before the pixels
            // (size, colour space, density) come in one read, not one each.
            let want = usize::try_from(to - have)
                .unwrap_or(usize::MAX)
                .clamp(READ_AHEAD.min(chunk), chunk);
            let before = buf.len();
            read_at(buf, have, want)?;
            if buf.len() == before {
                return Ok(false);
            }
        }
    };
    if fill(&mut buf, &mut from, format.head_len())?
        || !format.head_ok(buf.get(..format.head_len() as usize).unwrap_or_default())
    {
        return Ok(None);
    }
    // An image's chunks are walked to find its pixels.
    let mut pos = format.head_len();
    let mut ended = font;
    loop {
        let part = if font {
            fonts.next()
        } else {
            let mut part = None;
            while !ended && part.is_none() && pos + 8 <= len {
                if fill(&mut buf, &mut from, (pos + 8 + LOOK).min(len))? {
                    return Ok(None);
                }
                let at = pos
                    .checked_sub(from)
                    .and_then(|at| usize::try_from(at).ok());
                let Some(header) = at.and_then(|at| buf.get(at..)?.first_chunk::<8>()) else {
                    break;
                };
                let Some((packed, data, next, last)) = format.chunk(header) else {
                    break;
                };
                let Some(next) = pos.checked_add(next).filter(|&n| n <= len) else {
                    break;
                };
                if packed && data >= MIN_SKIP {
                    part = Some(pos + 8..pos + 8 + data);
                }
                pos = next;
                ended = last;
            }
            part
        };
        let Some(part) = part else {
            break;
        };
        // The part's first `LOOK` bytes are read, and as many again: a
        // literal starting in them is read whole.
        let (skip_from, skip_to) = (part.start + LOOK, part.end);
        if fill(&mut buf, &mut from, skip_from + LOOK)? {
            return Ok(None);
        }
        buf.truncate((skip_from + LOOK - from) as usize);
        if crate::provider_keys::may_start_key(&buf) {
            return Ok(None);
        }
        buf.clear();
        from = skip_to;
        skipped.push(skip_from..skip_to);
    }
    if fill(&mut buf, &mut from, len)? || crate::provider_keys::may_start_key(&buf) {
        return Ok(None);
    }
    Ok(Some(skipped))
}

/// The length of a WOFF 2 table directory of `tables` entries at the
/// start of `dir`: each a flags byte, a tag unless the flags name a known
/// one, the table's length and, when transformed, its transformed length
/// (numbers of 1 to 5 bytes, 7 bits each). `None` when it runs past `dir`
/// or a number is malformed.
fn woff2_directory_len(dir: &[u8], tables: u16) -> Option<usize> {
    let mut at = 0;
    let base128 = |at: &mut usize| -> Option<u32> {
        let mut value = 0u32;
        for i in 0..5 {
            let b = *dir.get(*at)?;
            *at += 1;
            if (i == 0 && b == 0x80) || value >> 25 != 0 {
                return None;
            }
            value = (value << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    };
    for _ in 0..tables {
        let flags = *dir.get(at)?;
        at += 1;
        let known = flags & 0x3f;
        if known == 0x3f {
            at += 4;
        }
        base128(&mut at)?;
        // `glyf` and `loca` (10 and 11) are transformed by version 0, any
        // other table by any other.
        let version = flags >> 6;
        if (version == 0) == matches!(known, 10 | 11) {
            base128(&mut at)?;
        }
    }
    Some(at)
}

fn sweep_into(mut reader: impl Read, buf: &mut Vec<u8>) -> std::io::Result<Vec<SweepHit>> {
    buf.clear();
    // Once per thread: a chunk and its carry fit without growing (pages
    // are mapped only as reads fill them).
    buf.reserve(CHUNK + CARRY);
    let mut hits = Vec::new();
    // Newlines before `buf[0]`, and bytes since the last one at `buf[0]`.
    let (mut lines_before, mut col_at_start) = (0usize, 0usize);
    loop {
        let n = (&mut reader).take(CHUNK as u64).read_to_end(buf)?;
        let eof = n < CHUNK;
        let limit = chunk(buf, eof, lines_before, col_at_start, &mut hits);
        if eof {
            return Ok(hits);
        }
        // Keep the last CARRY bytes; account for what is dropped.
        let cut = limit;
        let dropped = &buf[..cut];
        let newlines = memchr::memchr_iter(b'\n', dropped).count();
        col_at_start = match memchr::memrchr(b'\n', dropped) {
            Some(i) => cut - i - 1,
            None => col_at_start + cut,
        };
        lines_before += newlines;
        buf.drain(..cut);
    }
}

/// The keys of one chunk `buf` (the last if `eof`), pushed to `hits`;
/// returns where the carry into the next chunk starts.
fn chunk(
    buf: &[u8],
    eof: bool,
    lines_before: usize,
    col_at_start: usize,
    hits: &mut Vec<SweepHit>,
) -> usize {
    // Keys ending at the buffer's end may go on in the next chunk;
    // the carry holds them whole next time.
    let limit = if eof {
        buf.len()
    } else {
        buf.len().saturating_sub(CARRY)
    };
    let (keys, live) = crate::provider_keys::find_and_live(buf);
    for (start, random, end) in live_keys(buf, &live) {
        if start >= limit || (!eof && end >= buf.len()) {
            continue;
        }
        let random = String::from_utf8_lossy(&buf[random..end]);
        // The same test as the checks' (`stripe_keys::looks_random`),
        // without importing the checks into the walk.
        if crate::secret_strength::weakness(&random).is_some() {
            continue;
        }
        let prefix: &'static str = if buf[start] == b'r' {
            "rk_live_"
        } else {
            "sk_live_"
        };
        let key = String::from_utf8_lossy(&buf[start..end]);
        let masked = crate::redact::mask_secret(&key, prefix);
        let at = Place {
            start,
            end,
            lines_before,
            col_at_start,
        };
        hits.push(hit(buf, &at, prefix, None, masked));
    }
    for key in keys {
        if key.start >= limit || (!eof && key.end >= buf.len()) {
            continue;
        }
        for s in &key.also_secret {
            crate::redact::register(s);
        }
        let at = Place {
            start: key.start,
            end: key.end,
            lines_before,
            col_at_start,
        };
        hits.push(hit(buf, &at, "", Some(key.provider), key.masked));
    }
    limit
}

/// Where a key is in the buffer, and where the buffer is in the file.
struct Place {
    start: usize,
    end: usize,
    /// Newlines before the buffer, and bytes since the last one at its start.
    lines_before: usize,
    col_at_start: usize,
}

fn hit(
    buf: &[u8],
    at: &Place,
    prefix: &'static str,
    provider: Option<&'static crate::provider_keys::Provider>,
    masked: String,
) -> SweepHit {
    let (start, end, lines_before, col_at_start) =
        (at.start, at.end, at.lines_before, at.col_at_start);
    let before = &buf[..start];
    let line = lines_before + memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = if line_start == 0 {
        col_at_start + start + 1
    } else {
        start - line_start + 1
    };
    let line_end = memchr::memchr(b'\n', &buf[end..]).map_or(buf.len(), |i| end + i);
    // The key matched ASCII, so decoding it loses nothing.
    let key = String::from_utf8_lossy(&buf[start..end]);
    // The line as far as this buffer holds it: a finding shows a window of it.
    let text = String::from_utf8_lossy(&buf[line_start..line_end]);
    let (s, e) = (start - line_start, end - line_start);
    // Lossy decoding keeps ASCII offsets up to the key only if nothing
    // before it was replaced; otherwise show the key's own bytes.
    let shown = if text.len() == line_end - line_start {
        ShownLine::from_bytes(text.trim_end_matches('\r'), s, e)
    } else {
        ShownLine::from_bytes(&key, 0, key.len())
    };
    SweepHit {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
        end_column: u32::try_from(column + (end - start)).unwrap_or(u32::MAX),
        prefix,
        provider,
        masked,
        shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::bytes::Regex;
    use std::sync::LazyLock;

    /// What [`live_keys`] matches, as the regex it replaced.
    static LIVE_KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"((?:sk|rk)_live_)([A-Za-z0-9]{24,247})(?-u:\b)").expect("valid pattern")
    });

    fn live_soup() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        const PIECES: &[&str] = &[
            "sk_live_", "rk_live_", "_live_", "sk", "rk", "k_live_", "_", "-", " ", "é", "\x7f",
            "s",
        ];
        let run = (
            prop::sample::select(&[1usize, 23, 24, 25, 246, 247, 248][..]),
            any::<u64>(),
        )
            .prop_map(|(n, seed)| {
                let a = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                let mut x = seed | 1;
                (0..n)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        a[(x % 62) as usize]
                    })
                    .collect::<Vec<u8>>()
            });
        let piece = prop_oneof![
            prop::sample::select(PIECES).prop_map(|p| p.as_bytes().to_vec()),
            run,
        ];
        prop::collection::vec(piece, 0..10).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn live_keys_match_the_regex(text in live_soup()) {
            let want: Vec<(usize, usize, usize)> = LIVE_KEY
                .captures_iter(&text)
                .map(|c| (c.get(0).unwrap().start(), c.get(2).unwrap().start(), c.get(0).unwrap().end()))
                .collect();
            let live = crate::provider_keys::find_and_live(&text).1;
            proptest::prop_assert_eq!(live_keys(&text, &live), want);
        }
    }

    fn key(n: u64) -> String {
        let a = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let body: String = (0..32)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                a[(x % 62) as usize] as char
            })
            .collect();
        format!("sk_live_{body}")
    }

    #[test]
    fn finds_keys_in_binary_and_across_chunk_boundaries_with_their_lines() {
        let k1 = key(1);
        let k2 = key(2);
        let mut bytes = vec![0u8, 1, 2, b'\n'];
        bytes.extend_from_slice(format!("x_{k1}\n").as_bytes());
        // Push the second key across the first chunk boundary.
        let pad = CHUNK - bytes.len() - 10;
        bytes.extend(std::iter::repeat_n(b'.', pad));
        bytes.extend_from_slice(k2.as_bytes());
        bytes.extend_from_slice(b"\n\xff\xfe");
        let hits = sweep(&bytes[..]).unwrap();
        let got: Vec<(u32, u32, String)> = hits
            .iter()
            .map(|h| (h.line, h.column, h.masked.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (2, 3, crate::redact::mask_secret(&k1, "sk_live_")),
                (
                    3,
                    (pad + 1) as u32,
                    crate::redact::mask_secret(&k2, "sk_live_")
                ),
            ]
        );
        for h in &hits {
            assert!(!h.shown.text.contains(&k1[8..20]) && !h.shown.text.contains(&k2[8..20]));
        }
    }

    fn summary(hits: &[SweepHit]) -> Vec<(u32, u32, u32, String, String)> {
        hits.iter()
            .map(|h| {
                let (text, masked) = (h.shown.text.clone(), h.masked.clone());
                (h.line, h.column, h.end_column, masked, text)
            })
            .collect()
    }

    #[test]
    fn a_thread_sweeps_file_after_file_with_one_buffer_and_bytes_in_place() {
        let k = key(3);
        // A file of two chunks (a key near its end), then a small one: the
        // buffer kept from the first holds nothing of it for the second.
        let mut big = vec![b'.'; CHUNK + 100];
        big.extend_from_slice(format!("\nk={k}\n").as_bytes());
        let small = format!("{k} here\n");
        let first = sweep(&big[..]).unwrap();
        assert_eq!(summary(&first).len(), 1);
        assert_eq!(first[0].line, 2);
        let second = sweep(small.as_bytes()).unwrap();
        assert_eq!(
            summary(&second),
            [(
                1,
                1,
                1 + k.len() as u32,
                crate::redact::mask_secret(&k, "sk_live_"),
                second[0].shown.text.clone()
            )]
        );
        // Bytes in memory: swept in place under a chunk, streamed over one;
        // the same hits either way.
        for bytes in [small.as_bytes(), &big[..], &big[..CHUNK - 1]] {
            assert_eq!(
                summary(&sweep_bytes(bytes)),
                summary(&sweep(bytes).unwrap())
            );
        }
        assert_eq!(summary(&sweep_bytes(small.as_bytes())).len(), 1);
    }

    /// A PNG of `chunks` (type, data), each with its CRC, then `trailing`.
    fn png(chunks: &[(&[u8; 4], Vec<u8>)], trailing: &[u8]) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        for (ty, data) in chunks {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(&ty[..]);
            out.extend_from_slice(data);
            let mut crc = crc32fast::Hasher::new();
            crc.update(&ty[..]);
            crc.update(data);
            out.extend_from_slice(&crc.finalize().to_be_bytes());
        }
        out.extend_from_slice(trailing);
        out
    }

    /// A WebP of `chunks` (type, data), odd lengths padded.
    fn webp(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut body = b"WEBP".to_vec();
        for (ty, data) in chunks {
            body.extend_from_slice(&ty[..]);
            body.extend_from_slice(&(data.len() as u32).to_le_bytes());
            body.extend_from_slice(data);
            if data.len() % 2 == 1 {
                body.push(0);
            }
        }
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// `n` bytes of noise holding no key and no place one could start
    /// (what compressed pixels look like to the sweep), with `inside`
    /// written at `at`.
    fn pixels(n: usize, seed: u64, inside: &[u8], at: usize) -> Vec<u8> {
        let mut x = seed | 1;
        let mut out: Vec<u8> = (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // No byte of a starting literal's: none can form.
                b"0123456789\x00\x01\x02\xff\xfe\x80"[(x % 16) as usize]
            })
            .collect();
        out[at..at + inside.len()].copy_from_slice(inside);
        out
    }

    /// `sweep_file` on `bytes` written to a file named `name`.
    fn swept_file(name: &str, bytes: &[u8]) -> Vec<SweepHit> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        sweep_file(file, bytes.len() as u64, name).unwrap()
    }

    fn skimmed(format: Packed, bytes: &[u8]) -> Option<Vec<std::ops::Range<u64>>> {
        skimmed_by(format, bytes, CHUNK)
    }

    fn skimmed_by(format: Packed, bytes: &[u8], chunk: usize) -> Option<Vec<std::ops::Range<u64>>> {
        skim_by(format, bytes.len() as u64, chunk, |buf, at, n| {
            let len = bytes.len() as u64;
            let (from, to) = (at.min(len) as usize, (at + n as u64).min(len) as usize);
            buf.extend_from_slice(&bytes[from..to]);
            Ok(())
        })
        .unwrap()
    }

    #[test]
    fn an_image_is_swept_around_its_compressed_pixels() {
        let k = key(4);
        let text = |s: &str| s.as_bytes().to_vec();
        let ihdr = (b"IHDR", vec![0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0]);
        let iend = (b"IEND", Vec::new());
        let idat = |inside: &[u8], at: usize| (b"IDAT", pixels(64 << 10, 7, inside, at));
        // A key where text is: in a text chunk, after the image's end, in
        // a chunk that is not pixels, in a file named .png that is none.
        let found = [
            (
                "shot.png",
                png(
                    &[
                        ihdr.clone(),
                        (b"tEXt", text(&format!("Comment\0{k}"))),
                        idat(b"", 0),
                        iend.clone(),
                    ],
                    b"",
                ),
            ),
            (
                "shot.PNG",
                png(
                    &[ihdr.clone(), idat(b"", 0), iend.clone()],
                    format!("\n{k}\n").as_bytes(),
                ),
            ),
            (
                "shot.png",
                png(
                    &[
                        ihdr.clone(),
                        idat(b"", 0),
                        (b"zzTX", pixels(8192, 3, k.as_bytes(), 100)),
                        iend.clone(),
                    ],
                    b"",
                ),
            ),
            ("shot.png", format!("GIF89a {k}\n").into_bytes()),
            // A chunk longer than the file stops the walk: the rest is read.
            ("shot.png", {
                let mut b = png(std::slice::from_ref(&ihdr), b"");
                b.extend_from_slice(&u32::MAX.to_be_bytes()[..]);
                b.extend_from_slice(format!("IDAT {k}").as_bytes());
                b
            }),
            // A key starting just before the pixels' data, or in its first
            // bytes, is found whole.
            (
                "shot.png",
                png(&[ihdr.clone(), idat(k.as_bytes(), 3), iend.clone()], b""),
            ),
            (
                "shot.png",
                png(&[ihdr.clone(), idat(k.as_bytes(), 10), iend.clone()], b""),
            ),
            (
                "shot.webp",
                webp(&[
                    (b"VP8X", vec![0; 10]),
                    (b"EXIF", text(&k)),
                    (b"VP8L", pixels(9000, 5, b"", 0)),
                ]),
            ),
        ];
        for (name, bytes) in &found {
            let want = summary(&sweep(&bytes[..]).unwrap());
            assert_eq!(want.len(), 1, "{name}");
            assert_eq!(summary(&swept_file(name, bytes)), want, "{name}");
        }
        // A key inside the compressed pixels is not read, as one in a zip
        // archive's deflated entry is not: PNG (after an odd-length chunk
        // in WebP, whose padding the walk must count to find the pixels).
        let skipped = [
            (
                "shot.png",
                png(
                    &[
                        ihdr.clone(),
                        idat(k.as_bytes(), 30000),
                        idat(b"", 0),
                        iend.clone(),
                    ],
                    b"",
                ),
            ),
            (
                "shot.apng",
                png(
                    &[
                        ihdr.clone(),
                        (b"fdAT", pixels(9000, 9, k.as_bytes(), 4000)),
                        iend.clone(),
                    ],
                    b"",
                ),
            ),
            (
                "shot.webp",
                webp(&[
                    (b"VP8X", vec![0; 9]),
                    (b"ALPH", pixels(5001, 1, b"", 0)),
                    (b"VP8 ", pixels(70000, 2, k.as_bytes(), 500)),
                ]),
            ),
        ];
        for (name, bytes) in &skipped {
            assert_eq!(summary(&sweep(&bytes[..]).unwrap()).len(), 1, "{name}");
            assert!(swept_file(name, bytes).is_empty(), "{name}");
        }
        // Other files are swept whole.
        let (_, gif) = &skipped[0];
        assert_eq!(summary(&swept_file("shot.gif", gif)).len(), 1);
    }

    /// Every place in `bytes` a key could start lies in `skipped`.
    fn every_start_skipped(
        bytes: &[u8],
        skipped: &[std::ops::Range<u64>],
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        for s in crate::provider_keys::STARTS {
            for at in memchr::memmem::find_iter(bytes, s.as_bytes()) {
                let at = at as u64;
                proptest::prop_assert!(
                    skipped.iter().any(|r| r.contains(&at)),
                    "{s} at {at} outside {skipped:?}"
                );
            }
        }
        Ok(())
    }

    /// Data of one of a few lengths around a skip's, noise but for a
    /// literal a key may start with, perhaps.
    fn soup_data() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        (
            prop::sample::select(&[0usize, 1, 15, 16, 17, 4095, 4096, 4097, 4113, 9001][..]),
            any::<u64>(),
            prop::option::of((
                prop::sample::select(&crate::provider_keys::STARTS[..]),
                any::<prop::sample::Index>(),
            )),
        )
            .prop_map(|(n, seed, start)| {
                let mut d = pixels(n + 16, seed, b"", 0);
                d.truncate(n);
                if let Some((s, at)) = start {
                    let s = s.as_bytes();
                    if n >= s.len() {
                        let at = at.index(n - s.len() + 1);
                        d[at..at + s.len()].copy_from_slice(s);
                    }
                }
                d
            })
    }

    fn image_soup() -> impl proptest::strategy::Strategy<Value = (bool, Vec<u8>)> {
        use proptest::prelude::*;
        const TYPES: &[&[u8; 4]] = &[
            b"IDAT", b"fdAT", b"tEXt", b"IEND", b"VP8 ", b"VP8L", b"ALPH", b"ANMF", b"EXIF",
        ];
        let chunk = (prop::sample::select(TYPES), soup_data());
        (
            any::<bool>(),
            prop::collection::vec(chunk, 0..6),
            prop::collection::vec(
                prop::sample::select(&[0u8, b'S', b'K', b'_', b'-', b'x'][..]),
                0..4,
            ),
            prop::option::of(any::<prop::sample::Index>()),
        )
            .prop_map(|(is_png, chunks, trailing, cut)| {
                let chunks: Vec<(&[u8; 4], Vec<u8>)> = chunks;
                let mut bytes = if is_png {
                    png(&chunks, &trailing)
                } else {
                    webp(&chunks)
                };
                if let Some(cut) = cut {
                    bytes.truncate(cut.index(bytes.len() + 1));
                }
                (is_png, bytes)
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Every place a key could start is read, or in a skipped range
        /// that holds compressed pixels only: what the skim calls clean,
        /// a whole sweep finds no key in outside them.
        #[test]
        fn the_skim_reads_every_place_a_key_could_start(
            (is_png, bytes) in image_soup(),
            chunk in proptest::sample::select(&[40usize, 64, 333, CHUNK][..]),
        ) {
            let format = if is_png { Packed::Png } else { Packed::WebP };
            // Small chunks: the bytes searched a piece at a time, as a
            // long text chunk is.
            if let Some(skipped) = skimmed_by(format, &bytes, chunk) {
                every_start_skipped(&bytes, &skipped)?;
                for r in &skipped {
                    proptest::prop_assert!(r.end <= bytes.len() as u64 && r.end - r.start >= MIN_SKIP - LOOK);
                }
            }
        }
    }

    #[test]
    fn a_clean_image_skips_its_pixels_only() {
        // What is read of a skipped chunk's data holds any literal that
        // starts before it.
        assert!(crate::provider_keys::STARTS
            .iter()
            .all(|s| (s.len() as u64) < LOOK));
        let bytes = png(
            &[
                (b"IHDR", vec![0; 13]),
                (b"IDAT", pixels(9000, 1, b"", 0)),
                (b"IDAT", pixels(100, 2, b"", 0)),
                (b"IDAT", pixels(4096, 3, b"", 0)),
                (b"IEND", Vec::new()),
            ],
            b"",
        );
        // Signature 8, IHDR 25: the first pixels' data at 41, the second
        // chunk read whole, the third's data at 8 + 25 + 9012 + 112 + 8.
        assert_eq!(
            skimmed(Packed::Png, &bytes),
            Some(vec![57..9041, 9181..13261])
        );
        let riff = webp(&[(b"VP8X", vec![0; 9]), (b"VP8L", pixels(5000, 1, b"", 0))]);
        assert_eq!(
            skimmed(Packed::WebP, &riff),
            Some(vec![std::ops::Range {
                start: 12 + 18 + 8 + 16,
                end: 12 + 18 + 8 + 5000
            }])
        );
        assert_eq!(skimmed(Packed::WebP, &bytes), None);
    }

    /// A TrueType font of `tables` (tag, data), each at the offset its
    /// directory entry says (`at`, else after the one before, 4-aligned),
    /// then `trailing`.
    fn sfnt(tables: &[(&[u8; 4], Vec<u8>, Option<u32>)], trailing: &[u8]) -> Vec<u8> {
        let mut out = vec![0, 1, 0, 0];
        out.extend_from_slice(&(tables.len() as u16).to_be_bytes());
        out.extend_from_slice(&[0; 6]);
        let mut body = Vec::new();
        let base = 12 + 16 * tables.len();
        for (tag, data, at) in tables {
            let offset = at.unwrap_or((base + body.len()) as u32);
            out.extend_from_slice(&tag[..]);
            out.extend_from_slice(&[0; 4]);
            out.extend_from_slice(&offset.to_be_bytes());
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            body.extend_from_slice(data);
            body.resize(body.len().next_multiple_of(4), 0);
        }
        out.extend_from_slice(&body);
        out.extend_from_slice(trailing);
        out
    }

    /// A WOFF of `tables` (tag, data as stored, whether compressed: the
    /// table's own length is then longer), then `trailing`.
    fn woff(tables: &[(&[u8; 4], Vec<u8>, bool)], trailing: &[u8]) -> Vec<u8> {
        let mut out = b"wOFF\0\x01\0\0".to_vec();
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(tables.len() as u16).to_be_bytes());
        out.extend_from_slice(&[0; 30]);
        let mut body = Vec::new();
        let base = 44 + 20 * tables.len();
        for (tag, data, compressed) in tables {
            out.extend_from_slice(&tag[..]);
            out.extend_from_slice(&((base + body.len()) as u32).to_be_bytes());
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let own = data.len() as u32 + if *compressed { 100 } else { 0 };
            out.extend_from_slice(&own.to_be_bytes());
            out.extend_from_slice(&[0; 4]);
            body.extend_from_slice(data);
            body.resize(body.len().next_multiple_of(4), 0);
        }
        out.extend_from_slice(&body);
        out.extend_from_slice(trailing);
        out
    }

    /// A WOFF 2 of the directory `dir` (entries of `tables`), then its
    /// Brotli stream `packed`, then `trailing` (metadata, private data).
    fn woff2(tables: u16, dir: &[u8], packed: &[u8], trailing: &[u8]) -> Vec<u8> {
        let mut out = b"wOF2\0\x01\0\0".to_vec();
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&tables.to_be_bytes());
        out.extend_from_slice(&[0; 6]);
        out.extend_from_slice(&(packed.len() as u32).to_be_bytes());
        out.extend_from_slice(&[0; 24]);
        out.extend_from_slice(dir);
        out.extend_from_slice(packed);
        out.extend_from_slice(trailing);
        out
    }

    /// A WOFF 2 directory: `glyf` transformed (two lengths, the first of
    /// three bytes), `head` (one), an arbitrary tag (its four bytes, one
    /// length), `loca` not transformed (version 3: one length).
    #[rustfmt::skip]
    const WOFF2_DIR: &[u8] = &[
        10, 0x81, 0x80, 0x00, 0x7f,
        1, 0x40,
        0x3f, b'Z', b'Z', b'Z', b'Z', 0x05,
        0xc0 | 11, 0x10,
    ];

    #[test]
    fn a_font_is_swept_around_its_outlines() {
        let k = key(5);
        let text = |s: &str| s.as_bytes().to_vec();
        let glyf = |inside: &[u8], at: usize| (b"glyf", pixels(20000, 11, inside, at), None);
        let name = |s: &str| (b"name", text(s), None);
        // A key where text is: in the names, after the last table, in a
        // table that is not outlines, in an outline table shorter than a
        // skip, in a file named .ttf that is none, in a table overlapping
        // the one before or pointing into the directory (neither skipped),
        // or just before the outlines.
        let found = [
            ("a.ttf", sfnt(&[glyf(b"", 0), name(&k)], b"")),
            ("a.ttf", sfnt(&[name("x"), glyf(k.as_bytes(), 10)], b"")),
            ("a.otf", sfnt(&[glyf(b"", 0)], format!("\n{k}").as_bytes())),
            (
                "a.ttf",
                sfnt(
                    &[
                        glyf(b"", 0),
                        (b"post", pixels(9000, 2, k.as_bytes(), 50), None),
                    ],
                    b"",
                ),
            ),
            (
                "a.ttf",
                sfnt(&[(b"glyf", pixels(4000, 3, k.as_bytes(), 10), None)], b""),
            ),
            ("a.TTF", format!("wOFF {k}").into_bytes()),
            (
                "a.ttf",
                sfnt(
                    &[
                        (b"glyf", pixels(9000, 4, b"", 0), None),
                        (
                            b"GPOS",
                            pixels(9000, 5, k.as_bytes(), 100),
                            Some(12 + 32 + 4000),
                        ),
                    ],
                    b"",
                ),
            ),
            ("a.ttf", {
                let mut b = sfnt(&[(b"CFF ", pixels(9000, 6, b"", 0), Some(0))], b"");
                b.splice(40..40, k.bytes());
                b
            }),
            ("a.ttf", {
                let mut b = sfnt(&[name("x"), glyf(b"", 0)], b"");
                b.splice(12 + 32..12 + 32 + 4, k.bytes().take(4));
                b.splice(12 + 32 + 4..12 + 32 + 4, k.bytes().skip(4));
                b
            }),
            (
                "a.woff",
                woff(
                    &[
                        (b"glyf", pixels(9000, 7, b"", 0), true),
                        (b"post", text(&k), false),
                    ],
                    b"",
                ),
            ),
            (
                "a.woff",
                woff(&[(b"name", pixels(9000, 8, k.as_bytes(), 100), false)], b""),
            ),
            (
                "a.woff2",
                woff2(
                    4,
                    WOFF2_DIR,
                    &pixels(9000, 9, b"", 0),
                    format!("<meta>{k}").as_bytes(),
                ),
            ),
            // A malformed directory: every byte searched.
            (
                "a.woff2",
                woff2(
                    4,
                    &[10, 0x80, 0x01, 0x01],
                    &pixels(9000, 9, k.as_bytes(), 4000),
                    b"",
                ),
            ),
        ];
        for (i, (name, bytes)) in found.iter().enumerate() {
            let want = summary(&sweep(&bytes[..]).unwrap());
            assert_eq!(want.len(), 1, "{i} {name}");
            assert_eq!(summary(&swept_file(name, bytes)), want, "{i} {name}");
        }
        // A key inside outlines, or a compressed table, is not read.
        let skipped = [
            ("a.ttf", sfnt(&[name("x"), glyf(k.as_bytes(), 9000)], b"")),
            (
                "a.otf",
                sfnt(&[(b"CFF ", pixels(9000, 1, k.as_bytes(), 40), None)], b""),
            ),
            (
                "a.woff",
                woff(&[(b"name", pixels(9000, 8, k.as_bytes(), 100), true)], b""),
            ),
            (
                "a.woff",
                woff(&[(b"glyf", pixels(9000, 8, k.as_bytes(), 100), false)], b""),
            ),
            (
                "a.woff2",
                woff2(4, WOFF2_DIR, &pixels(9000, 9, k.as_bytes(), 4000), b"\0\0"),
            ),
        ];
        for (i, (name, bytes)) in skipped.iter().enumerate() {
            assert_eq!(summary(&sweep(&bytes[..]).unwrap()).len(), 1, "{i} {name}");
            assert!(swept_file(name, bytes).is_empty(), "{i} {name}");
        }
    }

    fn font_soup() -> impl proptest::strategy::Strategy<Value = (Packed, Vec<u8>)> {
        use proptest::prelude::*;
        const TAGS: &[&[u8; 4]] = &[
            b"glyf", b"CFF ", b"GPOS", b"cmap", b"name", b"post", b"ZZZZ",
        ];
        let table = (
            prop::sample::select(TAGS),
            soup_data(),
            any::<bool>(),
            prop::option::of(0u32..20_000),
        );
        (
            prop::sample::select(&[Packed::Font, Packed::Woff, Packed::Woff2][..]),
            prop::collection::vec(table, 0..5),
            prop::collection::vec(
                prop::sample::select(
                    &[0u8, 10, 11, 0x3f, 0x40, 0x80, 0x81, 0xc0 | 11, b'S', b'K'][..],
                ),
                0..16,
            ),
            soup_data(),
            prop::option::of(any::<prop::sample::Index>()),
        )
            .prop_map(|(format, tables, dir, trailing, cut)| {
                let mut bytes = match format {
                    Packed::Font => sfnt(
                        &tables
                            .iter()
                            .map(|(t, d, _, at)| (*t, d.clone(), *at))
                            .collect::<Vec<_>>(),
                        &trailing,
                    ),
                    Packed::Woff => woff(
                        &tables
                            .iter()
                            .map(|(t, d, c, _)| (*t, d.clone(), *c))
                            .collect::<Vec<_>>(),
                        &trailing,
                    ),
                    _ => {
                        let packed = tables
                            .iter()
                            .flat_map(|(_, d, ..)| d.clone())
                            .collect::<Vec<u8>>();
                        woff2(tables.len() as u16, &dir, &packed, &trailing)
                    }
                };
                if let Some(cut) = cut {
                    bytes.truncate(cut.index(bytes.len() + 1));
                }
                (format, bytes)
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// A font's skim, as an image's: what it calls clean, a whole
        /// sweep finds no key in outside the skipped parts, which lie
        /// apart, past the directory, inside the file.
        #[test]
        fn the_font_skim_reads_every_place_a_key_could_start(
            (format, bytes) in font_soup(),
            chunk in proptest::sample::select(&[40usize, 64, 333, CHUNK][..]),
        ) {
            if let Some(skipped) = skimmed_by(format, &bytes, chunk) {
                every_start_skipped(&bytes, &skipped)?;
                let mut end = format.head_len();
                for r in &skipped {
                    proptest::prop_assert!(r.start >= end + LOOK && r.end <= bytes.len() as u64);
                    proptest::prop_assert!(r.end - r.start >= MIN_SKIP - LOOK);
                    end = r.end;
                }
            }
        }
    }

    #[test]
    fn a_clean_font_skips_its_outlines_only() {
        // Directory 12 + 3 * 16: `name` at 60 (8 bytes), `glyf` at 68,
        // `hmtx` at 68 + 9000, `post` after it.
        let ttf = sfnt(
            &[
                (b"name", vec![b'n'; 8], None),
                (b"glyf", pixels(9000, 1, b"", 0), None),
                (b"hmtx", pixels(5000, 2, b"", 0), None),
                (b"post", pixels(6000, 3, b"", 0), None),
            ],
            b"",
        );
        let base = 12 + 4 * 16;
        assert_eq!(
            skimmed(Packed::Font, &ttf),
            Some(vec![
                base + 8 + 16..base + 8 + 9000,
                base + 9008 + 16..base + 9008 + 5000
            ])
        );
        let w = woff(
            &[
                (b"post", pixels(6000, 3, b"", 0), false),
                (b"name", pixels(5000, 2, b"", 0), true),
            ],
            b"",
        );
        let base = 44 + 2 * 20;
        assert_eq!(
            skimmed(Packed::Woff, &w),
            Some(vec![std::ops::Range {
                start: base + 6000 + 16,
                end: base + 6000 + 5000
            }])
        );
        assert_eq!(WOFF2_DIR.len(), 15);
        let w2 = woff2(4, WOFF2_DIR, &pixels(9000, 9, b"", 0), b"meta");
        assert_eq!(
            skimmed(Packed::Woff2, &w2),
            Some(vec![std::ops::Range {
                start: 48 + 15 + 16,
                end: 48 + 15 + 9000
            }])
        );
        // One entry fewer: the directory ends before `loca`, whose bytes
        // begin the stream as the format reads it.
        assert_eq!(
            skimmed(
                Packed::Woff2,
                &woff2(3, WOFF2_DIR, &pixels(9000, 9, b"", 0), b"")
            ),
            Some(vec![std::ops::Range {
                start: 48 + 13 + 16,
                end: 48 + 13 + 9000
            }])
        );
        // A collection, or another format's signature: swept whole.
        let mut ttc = w2.clone();
        ttc[4..8].copy_from_slice(b"ttcf");
        assert_eq!(skimmed(Packed::Woff2, &ttc), None);
        assert_eq!(skimmed(Packed::Font, &w), None);
        assert_eq!(skimmed(Packed::Woff, &ttf), None);
    }

    #[test]
    fn placeholders_and_prose_are_not_keys() {
        let text = "keys look like sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxx or sk_live_... \n";
        assert!(sweep(text.as_bytes()).unwrap().is_empty());
    }
}
