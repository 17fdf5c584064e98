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

    #[test]
    fn placeholders_and_prose_are_not_keys() {
        let text = "keys look like sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxx or sk_live_... \n";
        assert!(sweep(text.as_bytes()).unwrap().is_empty());
    }
}
