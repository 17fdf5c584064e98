//! A commit's tree id, and a blob's size, read from git's object store
//! without starting git: `--rev`'s commit is most often `HEAD`, and one
//! `git rev-parse` was a millisecond of a small app's six; `ls-tree -l`
//! took twice as long as `ls-tree` for the sizes. Loose objects and
//! version-2 pack indexes, an object stored whole or as a delta of another
//! of its pack; anything else (an alternate store, a SHA-256 repository, a
//! chain of deltas deeper than git makes, something malformed) is `None`,
//! and git is asked. The formats: git's `Documentation/gitformat-pack.txt`
//! and `gitformat-loose.txt`.

use std::path::Path;

/// The id of the tree of commit `commit` (40 lower-case hex digits) in the
/// object store at `objects` (a `.git/objects` folder).
pub(super) fn commit_tree(objects: &Path, commit: &str) -> Option<String> {
    let id = from_hex(commit)?;
    if let Some(text) = loose(objects, commit) {
        let body = text.strip_prefix(b"commit ")?;
        let nul = memchr::memchr(0, body)?;
        return tree_line(&body[nul + 1..]);
    }
    let (pack, offset) = find_packed(objects, &id)??;
    match pack.object(offset, 0)? {
        (COMMIT, text) => tree_line(&text),
        _ => None,
    }
}

/// The size of blob `blob` (40 lower-case hex digits) in the object store
/// at `objects`: `Some(None)` where the store does not hold it (a partial
/// clone's blob not fetched), with no other store to look in.
pub(super) fn blob_size(objects: &Path, blob: &str) -> Option<Option<u64>> {
    let id = from_hex(blob)?;
    if let Some(start) = loose(objects, blob) {
        let size = start.strip_prefix(b"blob ")?;
        let nul = memchr::memchr(0, size)?;
        return Some(Some(std::str::from_utf8(&size[..nul]).ok()?.parse().ok()?));
    }
    let loose_path = objects.join(&blob[..2]).join(&blob[2..]);
    if loose_path.exists() || objects.join("info/alternates").exists() {
        return None;
    }
    let Some((pack, offset)) = find_packed(objects, &id)? else {
        return Some(None);
    };
    (pack.kind(offset, 0)? == BLOB).then_some(())?;
    Some(Some(pack.size(offset)?))
}

/// The pack holding object `id`, and where: `Some(None)` when none of the
/// packs does; `None` for a pack index not understood.
fn find_packed(objects: &Path, id: &[u8; 20]) -> Option<Option<(Pack, u64)>> {
    let packs = std::fs::read_dir(objects.join("pack")).ok()?;
    for entry in packs {
        let path = entry.ok()?.path();
        if path.extension().is_none_or(|e| e != "idx") {
            continue;
        }
        let idx = PackIndex {
            file: std::fs::File::open(&path).ok()?,
        };
        if let Some(offset) = idx.find(id)? {
            let pack = Pack {
                file: std::fs::File::open(path.with_extension("pack")).ok()?,
                idx,
            };
            return Some(Some((pack, offset)));
        }
    }
    Some(None)
}

/// `tree <id>\n`, a commit's first line: the id.
fn tree_line(text: &[u8]) -> Option<String> {
    let id = text.strip_prefix(b"tree ")?.get(..40)?;
    let id = std::str::from_utf8(id).ok()?;
    (text.get(45) == Some(&b'\n')
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    .then(|| id.to_string())
}

fn from_hex(hex: &str) -> Option<[u8; 20]> {
    if hex.len() != 40 {
        return None;
    }
    let mut id = [0u8; 20];
    for (i, byte) in id.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(id)
}

/// The first bytes of a loose object (`objects/xx/yyyy…`), inflated from
/// its first kilobyte (a large blob's size is in its header).
fn loose(objects: &Path, hex: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(objects.join(hex.get(..2)?).join(hex.get(2..)?)).ok()?;
    let mut data = Vec::with_capacity(1024);
    file.take(1024).read_to_end(&mut data).ok()?;
    inflate_start(&data)
}

/// The first bytes (enough for a commit's header and tree line) of a zlib
/// stream that may go on past `data`.
fn inflate_start(data: &[u8]) -> Option<Vec<u8>> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let mut out = vec![0u8; 128];
    let mut state = DecompressorOxide::new();
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF
        | inflate_flags::TINFL_FLAG_HAS_MORE_INPUT;
    let (status, _, made) = decompress(&mut state, data, &mut out, 0, flags);
    match status {
        TINFLStatus::Done | TINFLStatus::HasMoreOutput | TINFLStatus::NeedsMoreInput => {
            out.truncate(made);
            Some(out)
        }
        _ => None,
    }
}

/// A version-2 pack index, read where it is looked at (a large clone's is
/// megabytes: read whole, it was most of the time saved).
struct PackIndex {
    file: std::fs::File,
}

impl PackIndex {
    fn bytes<const N: usize>(&self, at: u64) -> Option<[u8; N]> {
        let mut buf = [0u8; N];
        read_at(&self.file, &mut buf, at)?;
        Some(buf)
    }

    fn u32_at(&self, at: u64) -> Option<u32> {
        Some(u32::from_be_bytes(self.bytes(at)?))
    }

    /// Where object `id` is in the pack: `Some(None)` when the pack does
    /// not hold it; `None` for an index not understood.
    fn find(&self, id: &[u8; 20]) -> Option<Option<u64>> {
        if &self.bytes::<8>(0)? != b"\xfftOc\x00\x00\x00\x02" {
            return None;
        }
        // The fan-out: how many ids begin with a byte up to each value.
        let fan = |byte: u64| self.u32_at(8 + 4 * byte).map(u64::from);
        let count = fan(255)?;
        let first = u64::from(id[0]);
        let (mut lo, mut hi) = (if first == 0 { 0 } else { fan(first - 1)? }, fan(first)?);
        let ids = 8 + 256 * 4;
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.bytes::<20>(ids + 20 * mid)?.cmp(id) {
                std::cmp::Ordering::Equal => {
                    // Past the ids and their CRCs: 4-byte offsets, the high
                    // bit naming a slot of the 8-byte ones after them.
                    let offsets = ids + 24 * count;
                    let small = self.u32_at(offsets + 4 * mid)?;
                    if small & 0x8000_0000 == 0 {
                        return Some(Some(u64::from(small)));
                    }
                    let slot = u64::from(small & 0x7FFF_FFFF);
                    let large = self.bytes(offsets + 4 * count + 8 * slot)?;
                    return Some(Some(u64::from_be_bytes(large)));
                }
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Some(None)
    }
}

/// `buf.len()` bytes of `file` from `at`.
#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> Option<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at).ok()
}

#[cfg(not(unix))]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> Option<()> {
    use std::io::{Read, Seek};
    let mut file = file;
    file.seek(std::io::SeekFrom::Start(at)).ok()?;
    file.read_exact(buf).ok()
}

/// A pack's types of a commit and a blob, and of its two kinds of delta (on an object
/// at an earlier offset, on an object named by its id).
const COMMIT: u8 = 1;
const BLOB: u8 = 3;
const OFS_DELTA: u8 = 6;
const REF_DELTA: u8 = 7;

/// Deltas on deltas followed at most this deep (git's `--depth` is 50).
const MAX_DEPTH: u8 = 64;

/// Objects larger than this are left to git (a commit is a few hundred
/// bytes).
const MAX_SIZE: usize = 1 << 20;

/// A pack file and its index.
struct Pack {
    file: std::fs::File,
    idx: PackIndex,
}

impl Pack {
    /// The header of the object at `offset`: its type, its size (a
    /// delta's own), where its deflated data begins, and a delta's base's
    /// offset.
    fn header(&self, offset: u64) -> Option<Header> {
        let mut head = [0u8; 32];
        let got = {
            use std::io::{Read, Seek};
            let mut file = &self.file;
            file.seek(std::io::SeekFrom::Start(offset)).ok()?;
            file.read(&mut head).ok()?
        };
        let head = &head[..got];
        // Type in bits 4–6 of the first byte; the size in its low four
        // bits and seven more from each following byte.
        let kind = (head.first()? >> 4) & 7;
        let mut size = u64::from(head[0] & 0x0F);
        let mut at = 1;
        let mut shift = 4;
        let mut byte = head[0];
        while byte & 0x80 != 0 {
            byte = *head.get(at)?;
            size |= u64::from(byte & 0x7F).checked_shl(shift)?;
            shift += 7;
            at += 1;
        }
        let base = match kind {
            OFS_DELTA => {
                // The base's distance back: git's offset varint.
                let mut byte = *head.get(at)?;
                let mut back = u64::from(byte & 0x7F);
                at += 1;
                while byte & 0x80 != 0 {
                    byte = *head.get(at)?;
                    back = (back + 1).checked_mul(128)? | u64::from(byte & 0x7F);
                    at += 1;
                }
                Some(offset.checked_sub(back)?)
            }
            REF_DELTA => {
                let id: [u8; 20] = head.get(at..at + 20)?.try_into().ok()?;
                at += 20;
                Some(self.idx.find(&id)??)
            }
            1..=4 => None,
            _ => return None,
        };
        Some(Header {
            kind,
            size,
            data: offset + at as u64,
            base,
        })
    }

    /// Up to `len` deflated bytes from `at`.
    fn deflated(&self, at: u64, len: u64) -> Option<Vec<u8>> {
        use std::io::{Read, Seek};
        let mut file = &self.file;
        file.seek(std::io::SeekFrom::Start(at)).ok()?;
        let mut deflated = Vec::new();
        file.take(len).read_to_end(&mut deflated).ok()?;
        Some(deflated)
    }

    /// The object at `offset`: its type (a delta's base's) and its bytes.
    fn object(&self, offset: u64, depth: u8) -> Option<(u8, Vec<u8>)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let h = self.header(offset)?;
        let size = usize::try_from(h.size).ok().filter(|&n| n <= MAX_SIZE)?;
        // The deflated bytes: at most a little more than the inflated ones.
        let data = inflate(&self.deflated(h.data, h.size + h.size / 8 + 1024)?, size)?;
        let Some(base) = h.base else {
            return Some((h.kind, data));
        };
        let (kind, base) = self.object(base, depth + 1)?;
        Some((kind, apply_delta(&base, &data)?))
    }

    /// The type of the object at `offset` (a delta's base's, followed).
    fn kind(&self, offset: u64, depth: u8) -> Option<u8> {
        let h = self.header(offset)?;
        match h.base {
            None => Some(h.kind),
            Some(_) if depth > MAX_DEPTH => None,
            Some(base) => self.kind(base, depth + 1),
        }
    }

    /// The size of the object at `offset`: from its header, or a delta's
    /// from the start of its data (the result's size follows the base's).
    fn size(&self, offset: u64) -> Option<u64> {
        let h = self.header(offset)?;
        if h.base.is_none() {
            return Some(h.size);
        }
        // (A block's Huffman tables may come first: a few hundred bytes.)
        let start = inflate_start(&self.deflated(h.data, 1024)?)?;
        let mut at = 0;
        delta_size(&start, &mut at)?;
        u64::try_from(delta_size(&start, &mut at)?).ok()
    }
}

/// An object's header in a pack (see [`Pack::header`]).
struct Header {
    kind: u8,
    size: u64,
    data: u64,
    base: Option<u64>,
}

/// One of a delta's sizes: a little-endian varint.
fn delta_size(delta: &[u8], at: &mut usize) -> Option<usize> {
    let mut n = 0usize;
    let mut shift = 0u32;
    loop {
        let byte = *delta.get(*at)?;
        *at += 1;
        n |= usize::from(byte & 0x7F).checked_shl(shift)?;
        shift += 7;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
}

/// A zlib stream inflated whole into exactly `size` bytes.
fn inflate(data: &[u8], size: usize) -> Option<Vec<u8>> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let mut out = vec![0u8; size];
    let mut state = DecompressorOxide::new();
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, _, made) = decompress(&mut state, data, &mut out, 0, flags);
    (status == TINFLStatus::Done && made == size).then_some(out)
}

/// A git delta applied to `base`: the sizes (base's, result's) as
/// little-endian varints, then copies from the base and inserted bytes.
fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0;
    if delta_size(delta, &mut at)? != base.len() {
        return None;
    }
    let want = delta_size(delta, &mut at)?;
    if want > MAX_SIZE {
        return None;
    }
    let mut out = Vec::with_capacity(want);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            // Copy: which of four offset and three size bytes follow.
            let mut offset = 0usize;
            let mut len = 0usize;
            for bit in 0..7 {
                if op & (1 << bit) != 0 {
                    let byte = usize::from(*delta.get(at)?);
                    at += 1;
                    if bit < 4 {
                        offset |= byte << (8 * bit);
                    } else {
                        len |= byte << (8 * (bit - 4));
                    }
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            out.extend_from_slice(base.get(offset..offset.checked_add(len)?)?);
        } else if op != 0 {
            let len = usize::from(op);
            out.extend_from_slice(delta.get(at..at + len)?);
            at += len;
        } else {
            return None;
        }
    }
    (out.len() == want).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git as git;

    /// The one pack index under `objects`.
    fn pack_index(objects: &Path) -> String {
        let pack = objects.join("pack");
        let idx = std::fs::read_dir(&pack)
            .unwrap()
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "idx"))
            .unwrap();
        idx.path().display().to_string()
    }

    /// The tree of a loose commit, of a packed one, of one packed as a
    /// delta: git's answer; of anything else, none.
    #[test]
    fn a_commits_tree_is_read_loose_or_packed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        let mut commits = Vec::new();
        for n in 0..30 {
            std::fs::write(root.join("a.txt"), format!("{n}\n")).unwrap();
            // A larger file changed a little each time: deltas once packed.
            let lines: String = (0..200)
                .map(|i| format!("line {i} of {}\n", if i == 100 { n } else { i }))
                .collect();
            std::fs::write(root.join("b.txt"), lines).unwrap();
            git(root, &["add", "-A"]);
            // A long message, the same each time but its number: deltas
            // between commits are likely once packed aggressively.
            let message = format!("{}\n\n{n}", "change ".repeat(200));
            git(root, &["commit", "-qm", &message]);
            commits.push(git(root, &["rev-parse", "HEAD"]).trim().to_string());
        }
        let objects = root.join(".git/objects");
        let tree = |c: &str| {
            git(root, &["rev-parse", &format!("{c}^{{tree}}")])
                .trim()
                .to_string()
        };
        for c in &commits {
            assert_eq!(commit_tree(&objects, c), Some(tree(c)), "loose {c}");
        }
        // A loose blob larger than the kilobyte read of it.
        let noise: String = (0u64..20_000)
            .map(|i| format!("{:x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40))
            .collect();
        std::fs::write(root.join("big.txt"), &noise).unwrap();
        let big = git(root, &["hash-object", "-w", "big.txt"]);
        let big_loose = objects.join(&big.trim()[..2]).join(&big.trim()[2..]);
        assert!(std::fs::metadata(big_loose).unwrap().len() > 4096);
        assert_eq!(
            blob_size(&objects, big.trim()),
            Some(Some(noise.len() as u64))
        );
        let first_b = git(root, &["rev-parse", &format!("{}:b.txt", commits[0])]);
        let size = git(root, &["cat-file", "-s", first_b.trim()]);
        assert_eq!(
            blob_size(&objects, first_b.trim()),
            Some(size.trim().parse::<u64>().ok())
        );
        git(root, &["gc", "-q", "--aggressive", "--prune=now"]);
        assert!(!objects
            .join(&commits[0][..2])
            .join(&commits[0][2..])
            .exists());
        // Stored whole or as deltas (git's own listing says which).
        let listed = git(root, &["verify-pack", "-v", &pack_index(&objects)]);
        let deltas = commits
            .iter()
            .filter(|c| {
                listed
                    .lines()
                    .any(|l| l.starts_with(c.as_str()) && l.split_whitespace().count() > 5)
            })
            .count();
        assert!(deltas > 0 && deltas < commits.len(), "{listed}");
        for c in &commits {
            assert_eq!(commit_tree(&objects, c), Some(tree(c)), "packed {c}");
        }
        // Blobs' sizes, whole or deltas: git's.
        let blobs: Vec<String> = commits
            .iter()
            .flat_map(|c| {
                ["a.txt", "b.txt"].map(|f| git(root, &["rev-parse", &format!("{c}:{f}")]))
            })
            .map(|b| b.trim().to_string())
            .collect();
        let delta_blobs = blobs
            .iter()
            .filter(|b| {
                listed
                    .lines()
                    .any(|l| l.starts_with(b.as_str()) && l.split_whitespace().count() > 5)
            })
            .count();
        assert!(delta_blobs > 0, "{listed}");
        for b in &blobs {
            let size = git(root, &["cat-file", "-s", b]).trim().parse().unwrap();
            assert_eq!(blob_size(&objects, b), Some(Some(size)), "{b}");
        }
        assert_eq!(blob_size(&objects, &commits[0]), None);
        assert_eq!(blob_size(&objects, &"1".repeat(40)), Some(None));
        // Not a commit (a tree, a blob), or not there.
        let t = tree(&commits[0]);
        assert_eq!(commit_tree(&objects, &t), None);
        assert_eq!(commit_tree(&objects, &"0".repeat(40)), None);
        assert_eq!(commit_tree(&objects, "HEAD"), None);
    }
}
