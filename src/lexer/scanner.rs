//! Shared byte-level helpers: the region builder and small scanners that every
//! language family uses. All positions are byte offsets into the whole file.

use super::{Region, RegionKind};
use memchr::{memchr, memchr2, memchr3};

/// Collects regions in order. Anything between two emitted regions (and after
/// the last one) is Code, so a lexer only reports comments and strings.
pub(super) struct Out {
    regions: Vec<Region>,
    /// End of the last emitted region: the start of the current code gap.
    pub pos: usize,
}

impl Out {
    /// For a text of `len` bytes, in `spare`'s memory (cleared first): room
    /// for the regions a typical source file of that size has (one per 40
    /// bytes), so the list is not grown and copied again and again as the
    /// lexer goes.
    pub fn reusing(mut spare: Vec<Region>, len: usize) -> Out {
        spare.clear();
        spare.reserve(len / 40 + 4);
        Out {
            regions: spare,
            pos: 0,
        }
    }

    /// Record `[start, end)` as `kind`, filling the gap before it with Code.
    /// Overlaps with what was already emitted are clipped, never reordered.
    pub fn emit(&mut self, kind: RegionKind, start: usize, end: usize) {
        let start = start.max(self.pos);
        if end <= start {
            return;
        }
        if start > self.pos {
            self.push(RegionKind::Code, self.pos, start);
        }
        self.push(kind, start, end);
        self.pos = end;
    }

    fn push(&mut self, kind: RegionKind, start: usize, end: usize) {
        if end <= start {
            return;
        }
        if let Some(last) = self.regions.last_mut() {
            if last.kind == kind && last.end == start {
                last.end = end;
                return;
            }
        }
        self.regions.push(Region { kind, start, end });
    }

    /// Close the trailing code gap and return the regions.
    pub fn finish(mut self, len: usize) -> Vec<Region> {
        if len > self.pos {
            let pos = self.pos;
            self.push(RegionKind::Code, pos, len);
        }
        self.regions
    }
}

/// Identifier byte: ASCII alphanumerics, `_`, `$` and any non-ASCII byte (so a
/// multi-byte letter never splits a word).
#[inline]
pub fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Space or tab.
#[inline]
pub fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Index of the next `\n` at or after `i`, or `b.len()`.
#[inline]
pub fn line_end(b: &[u8], i: usize) -> usize {
    match b.get(i..).and_then(|s| memchr(b'\n', s)) {
        Some(k) => i + k,
        None => b.len(),
    }
}

/// `end` moved before a `\r` that directly precedes it (never before `start`).
#[inline]
pub fn trim_cr(b: &[u8], start: usize, end: usize) -> usize {
    if end > start && b.get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

/// Start of the line containing `i`.
pub fn line_start(b: &[u8], i: usize) -> usize {
    match b.get(..i).and_then(|s| memchr::memrchr(b'\n', s)) {
        Some(k) => k + 1,
        None => 0,
    }
}

/// End of the first occurrence of `needle` at or after `from`, or `b.len()`.
/// Needles are short closers (`*/`, `-->`, `$tag$`), so a `memchr` for the
/// first byte beats building a `memmem` searcher per call.
pub fn find_end(b: &[u8], from: usize, needle: &[u8]) -> usize {
    let Some((&first, rest)) = needle.split_first() else {
        return from.min(b.len());
    };
    let mut j = from;
    while let Some(k) = b.get(j..).and_then(|s| memchr(first, s)) {
        let p = j + k;
        if b[p + 1..].starts_with(rest) {
            return p + needle.len();
        }
        j = p + 1;
    }
    b.len()
}

/// A line comment starting at `i`: ends before the newline (and its `\r`).
pub fn line_comment(b: &[u8], i: usize) -> usize {
    trim_cr(b, i, line_end(b, i))
}

/// Block comment opened at `i` by a two-byte `open` and closed by `close`,
/// optionally nesting. Returns the end (past the closer) or `b.len()`.
pub fn block_comment(b: &[u8], i: usize, open: [u8; 2], close: [u8; 2], nest: bool) -> usize {
    if !nest {
        return find_end(b, i + 2, &close);
    }
    let mut depth = 1usize;
    let mut j = i + 2;
    while j + 1 < b.len() {
        let Some(k) = memchr2(open[1], close[0], &b[j..]) else {
            break;
        };
        let p = j + k;
        if b[p] == close[0] && b.get(p + 1) == Some(&close[1]) {
            depth -= 1;
            j = p + 2;
            if depth == 0 {
                return j;
            }
        } else if b[p] == open[1] && p > j && b[p - 1] == open[0] {
            depth += 1;
            j = p + 1;
        } else {
            j = p + 1;
        }
    }
    b.len()
}

/// How a quoted string treats backslashes and newlines.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// `\x` escapes the next byte (so `\"` does not close).
    pub escapes: bool,
    /// The quote doubled (`''`) stands for one quote.
    pub doubled: bool,
    /// May span lines; otherwise an unescaped newline ends it unterminated.
    pub multiline: bool,
}

impl Quote {
    pub const LINE: Quote = Quote {
        escapes: true,
        doubled: false,
        multiline: false,
    };
    pub const MULTI: Quote = Quote {
        escapes: true,
        doubled: false,
        multiline: true,
    };
    pub const RAW_MULTI: Quote = Quote {
        escapes: false,
        doubled: false,
        multiline: true,
    };
    pub const RAW_LINE: Quote = Quote {
        escapes: false,
        doubled: false,
        multiline: false,
    };
}

/// A string whose opening quote `q` is at `open` (content starts at `open+1`).
/// Returns its end: past the closing quote, at the end of the line (before any
/// `\r`) for an unterminated single-line string, or `b.len()`.
pub fn quoted(b: &[u8], open: usize, q: u8, style: Quote) -> usize {
    let n = b.len();
    let mut j = open + 1;
    while j < n {
        let found = match (style.escapes, style.multiline) {
            (true, false) => memchr3(q, b'\\', b'\n', &b[j..]),
            (true, true) => memchr2(q, b'\\', &b[j..]),
            (false, false) => memchr2(q, b'\n', &b[j..]),
            (false, true) => memchr(q, &b[j..]),
        };
        let Some(k) = found else {
            return n;
        };
        let p = j + k;
        match b[p] {
            b'\\' if style.escapes => {
                j = p + 2;
                // `\` CR LF is one line continuation.
                if b.get(p + 1) == Some(&b'\r') && b.get(p + 2) == Some(&b'\n') {
                    j += 1;
                }
            }
            b'\n' if !style.multiline && b[p] != q => return trim_cr(b, open, p),
            _ => {
                if style.doubled && b.get(p + 1) == Some(&q) {
                    j = p + 2;
                } else {
                    return p + 1;
                }
            }
        }
    }
    n
}

/// Where a run of at least `min` copies of `q` (then `tail`, e.g. `#`s) closes
/// a string, searching from `from`. With `escapes`, `\x` skips a byte. A
/// `greedy` closer is the end of the whole run (extra quotes are content);
/// otherwise the first `min` quotes close. Unterminated: `b.len()`.
pub fn run_close(
    b: &[u8],
    from: usize,
    q: u8,
    min: usize,
    tail: &[u8],
    escapes: bool,
    greedy: bool,
) -> usize {
    let n = b.len();
    let mut j = from;
    while j < n {
        let found = if escapes {
            memchr2(q, b'\\', &b[j..])
        } else {
            memchr(q, &b[j..])
        };
        let Some(k) = found else {
            return n;
        };
        let p = j + k;
        if b[p] == b'\\' {
            j = p + 2;
            continue;
        }
        let mut e = p;
        while e < n && b[e] == q {
            e += 1;
        }
        if e - p >= min {
            let close = if greedy { e } else { p + min };
            if b.get(close..).is_some_and(|s| s.starts_with(tail)) {
                return close + tail.len();
            }
        }
        j = e;
    }
    n
}

/// Number of consecutive `c` bytes ending just before `i` (not before `floor`).
pub fn count_back(b: &[u8], i: usize, floor: usize, c: u8) -> usize {
    let mut j = i;
    while j > floor && b[j - 1] == c {
        j -= 1;
    }
    i - j
}

/// The identifier word ending just before `i` (not before `floor`), as its
/// start offset. Equal to `i` when the preceding byte is not an identifier byte.
pub fn word_before(b: &[u8], i: usize, floor: usize) -> usize {
    let mut j = i;
    while j > floor && is_ident(b[j - 1]) {
        j -= 1;
    }
    j
}

/// Start of a string prefix: if the word ending at `i` is one of `prefixes`
/// (compared case-sensitively, unless `fold`), its start; otherwise `i`.
pub fn prefix_start(b: &[u8], i: usize, floor: usize, prefixes: &[&str], fold: bool) -> usize {
    let w = word_before(b, i, floor);
    if w == i || i - w > 3 {
        return i;
    }
    let word = &b[w..i];
    let hit = prefixes.iter().any(|p| {
        if fold {
            p.as_bytes().eq_ignore_ascii_case(word)
        } else {
            p.as_bytes() == word
        }
    });
    if hit {
        w
    } else {
        i
    }
}

/// Where the first sixteen bytes of `rest` hold any of `set`, as a bit mask
/// (bit `k` for `rest[k]`): each byte of `set` compared across the block at
/// once (SSE2, which every x86-64 has). `None` when `rest` is shorter, or on
/// other machines: the caller searches as it would have.
#[inline]
fn head16(rest: &[u8], set: &[u8]) -> Option<u32> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use safe_arch::{
            bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
            set_splat_i8_m128i, zeroed_m128i,
        };
        let block: &[u8; 16] = rest.get(..16)?.try_into().ok()?;
        let v = load_unaligned_m128i(block);
        let mut hits = zeroed_m128i();
        for &c in set {
            hits = bitor_m128i(hits, cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(c as i8)));
        }
        Some(move_mask_i8_m128i(hits) as u32)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let _ = (rest, set);
        None
    }
}

/// The bytes a scanner must stop at: as a list (up to three are searched
/// with memchr) and as a 256-entry membership table.
pub struct Stops<const N: usize> {
    set: [u8; N],
    table: [bool; 256],
}

/// The stops `bytes`.
pub const fn table<const N: usize>(bytes: &[u8; N]) -> Stops<N> {
    let mut t = [false; 256];
    let mut k = 0;
    while k < N {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    Stops {
        set: *bytes,
        table: t,
    }
}

/// First index at or after `i` whose byte is one of `s`, or `b.len()`.
#[inline]
pub fn skip_to<const N: usize>(b: &[u8], i: usize, s: &Stops<N>) -> usize {
    let Some(rest) = b.get(i..) else {
        return b.len();
    };
    // Up to three bytes: memchr's search, vectors as wide as the CPU has.
    let found = match N {
        1 => Some(memchr(s.set[0], rest)),
        2 => Some(memchr2(s.set[0], s.set[1], rest)),
        3 => Some(memchr3(s.set[0], s.set[1], s.set[2], rest)),
        _ => None,
    };
    if let Some(found) = found {
        return found.map_or(b.len(), |k| i + k);
    }
    // More: sixteen bytes a step, each stop compared across the block at
    // once ([`head16`]).
    let mut at = i;
    while let Some(mask) = head16(&b[at..], &s.set) {
        if mask != 0 {
            return at + mask.trailing_zeros() as usize;
        }
        at += 16;
    }
    // Elsewhere (and for the last bytes): eight a step with one branch.
    let t = &s.table;
    for c in b[at..].chunks_exact(8) {
        let hit = t[c[0] as usize]
            | t[c[1] as usize]
            | t[c[2] as usize]
            | t[c[3] as usize]
            | t[c[4] as usize]
            | t[c[5] as usize]
            | t[c[6] as usize]
            | t[c[7] as usize];
        if hit {
            break;
        }
        at += 8;
    }
    match b[at..].iter().position(|&c| t[c as usize]) {
        Some(k) => at + k,
        None => b.len(),
    }
}

/// Length in bytes of the UTF-8 sequence whose first byte is `lead`.
#[inline]
pub fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// End of the regex literal whose `/` is at `i` (flags included; a `/`
/// inside `[…]` does not close it), or `Err(line end)` if it does not close
/// on its line.
pub fn regex_end(b: &[u8], i: usize) -> Result<usize, usize> {
    let mut j = i + 1;
    let mut class = false;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'\n' | b'\r' => return Err(j),
            b'[' => {
                class = true;
                j += 1;
            }
            b']' => {
                class = false;
                j += 1;
            }
            b'/' if !class => {
                j += 1;
                while j < b.len() && b[j].is_ascii_alphabetic() {
                    j += 1;
                }
                return Ok(j);
            }
            _ => j += 1,
        }
    }
    Err(b.len())
}
