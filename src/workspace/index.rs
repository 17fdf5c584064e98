//! The tracked names of a work tree read from its index file, without
//! starting git: what `git ls-files -z --cached` prints, for the common
//! layout only. A process costs about a millisecond and its own page
//! faults here, and the walk waited for it: the files were handed out
//! only once git had printed them all (in a small repository, once it had
//! walked the work tree for the untracked ones too, in the same process).
//! Anything the reader does not know is left to git (`None`): a `.git`
//! that is a file (a linked worktree, a submodule), an index of another
//! version, a split or sparse index, a submodule, a SHA-256 repository, a
//! malformed entry. The format: git's `Documentation/gitformat-index.txt`.

use std::path::Path;

/// The names the index at `top/.git/index` tracks under `root` (a folder
/// of the work tree at `top`, both canonical), relative to `root`, each
/// followed by a NUL, in the index's order (git's, by path; a name with
/// unmerged stages comes once per stage, as `ls-files` prints it).
pub fn tracked_names(top: &Path, root: &Path) -> Option<Vec<u8>> {
    let (index, _) = index_file(top)?;
    names(&index, &prefix(top, root)?)
}

/// The index file of the work tree at `top` (canonical), with the time it
/// was written (its `mtime`: seconds, nanoseconds, as git compares them),
/// where it is the usual file of a SHA-1 repository: `.git` a folder (not
/// a linked worktree's or a submodule's file), no `objectformat` in its
/// config (a SHA-256 repository's entries' ids are longer).
pub fn index_file(top: &Path) -> Option<(Vec<u8>, (u32, u32))> {
    let git_dir = top.join(".git");
    if !git_dir.is_dir() {
        return None;
    }
    let config = std::fs::read(git_dir.join("config")).ok()?;
    if config
        .windows(b"objectformat".len())
        .any(|w| w.eq_ignore_ascii_case(b"objectformat"))
    {
        return None;
    }
    // The time from the file read (git replaces the index by renaming a
    // new one over it).
    let mut file = std::fs::File::open(git_dir.join("index")).ok()?;
    let written = mtime(&file.metadata().ok()?);
    let mut index = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut index).ok()?;
    Some((index, written))
}

#[cfg(unix)]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn mtime(m: &std::fs::Metadata) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    // (32 bits, as the index keeps each file's.)
    (m.mtime() as u32, m.mtime_nsec() as u32)
}

#[cfg(not(unix))]
fn mtime(_: &std::fs::Metadata) -> (u32, u32) {
    (0, 0)
}

/// The index's names' prefix for `root` (a folder of the work tree at
/// `top`, both canonical): its path under `top`, each part followed by `/`.
pub fn prefix(top: &Path, root: &Path) -> Option<Vec<u8>> {
    let under = root.strip_prefix(top).ok()?;
    let mut prefix = Vec::new();
    for part in under.components() {
        prefix.extend_from_slice(part.as_os_str().as_encoded_bytes());
        prefix.push(b'/');
    }
    Some(prefix)
}

/// The id length of a SHA-1 repository's index entries.
const ID: usize = 20;
/// Mode of a folder entry (a sparse index's) and of a submodule.
const FOLDER: u32 = 0o040000;
const GITLINK: u32 = 0o160000;

/// The names of `index` (a whole index file) starting with `prefix`,
/// stripped of it, each followed by a NUL; `None` for anything but a
/// plain version 2, 3 or 4 index of files and links.
fn names(index: &[u8], prefix: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut gitlink = false;
    // (A submodule anywhere: git lists its files with `--recurse-submodules`.)
    entries(index, b"", |e| {
        gitlink |= e.mode & 0o170000 == GITLINK;
        if let Some(rel) = e.name.strip_prefix(prefix) {
            out.extend_from_slice(rel);
            out.push(0);
        }
    })?;
    (!gitlink).then_some(out)
}

/// What the index caches of a file's `stat` when it takes the file's blob
/// id: git counts a file unchanged while these still match (`ce_match_stat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cached {
    /// Seconds and nanoseconds.
    pub ctime: (u32, u32),
    pub mtime: (u32, u32),
    pub ino: u32,
    /// The size, cut to 32 bits.
    pub size: u32,
}

/// One entry of the index.
#[derive(Debug)]
pub struct Entry<'a> {
    /// Relative to the prefix asked for.
    pub name: &'a [u8],
    pub mode: u32,
    pub oid: &'a [u8],
    pub cached: Cached,
    /// 0 for a merged entry; 1–3 for the stages of a conflicted one.
    pub stage: u16,
    /// Assume-unchanged (git then trusts the file without `stat`).
    pub assume_valid: bool,
    /// Skip-worktree (a sparse checkout's: no file expected) or
    /// intent-to-add (in no tree yet).
    pub skip_worktree: bool,
    pub intent_to_add: bool,
}

/// Each entry of `index` whose name starts with `prefix`, given to `each`
/// in the index's order; the id of the tree the whole index makes when its
/// cache (the `TREE` extension's root) says it is still valid. `None` for
/// anything but a plain version 2, 3 or 4 index (a split index, a sparse
/// one, a malformed one).
pub fn entries(
    index: &[u8],
    prefix: &[u8],
    mut each: impl FnMut(&Entry),
) -> Option<Option<[u8; ID]>> {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(index.get(at..at + 4)?.try_into().ok()?))
    };
    if index.get(..4)? != b"DIRC" {
        return None;
    }
    let version = u32_at(4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = u32_at(8)?;
    // Entries end before the trailing checksum, at the latest.
    let end = index.len().checked_sub(ID)?;
    let mut name: Vec<u8> = Vec::new();
    let mut at = 12;
    for _ in 0..count {
        // ctime, mtime (8 each), dev, ino, mode, uid, gid, size (4 each),
        // the id, 2 bytes of flags.
        let entry_at = at;
        let mode = u32_at(at + 24)?;
        let flags_at = at + 40 + ID;
        let flags = u16::from_be_bytes(index.get(flags_at..flags_at + 2)?.try_into().ok()?);
        let mut name_at = flags_at + 2;
        let mut extended = 0u16;
        if flags & 0x4000 != 0 {
            // Extended flags (version 3 on): intent-to-add, skip-worktree.
            if version < 3 {
                return None;
            }
            extended = u16::from_be_bytes(index.get(name_at..name_at + 2)?.try_into().ok()?);
            name_at += 2;
        }
        if mode & 0o170000 == FOLDER {
            return None;
        }
        if version == 4 {
            // The name: how many bytes of the previous one to drop (git's
            // offset varint), then the rest, NUL-terminated; no padding.
            let (drop, used) = varint(index.get(name_at..end)?)?;
            let keep = name.len().checked_sub(usize::try_from(drop).ok()?)?;
            name.truncate(keep);
            let rest_at = name_at + used;
            let len = memchr::memchr(0, index.get(rest_at..end)?)?;
            name.extend_from_slice(&index[rest_at..rest_at + len]);
            at = rest_at + len + 1;
        } else {
            // NUL-terminated (its length is in the flags, up to 0xFFF),
            // then padded with NULs to a multiple of 8 bytes from `at`.
            let len = memchr::memchr(0, index.get(name_at..end)?)?;
            if len < 0xFFF && usize::from(flags & 0xFFF) != len {
                return None;
            }
            name.clear();
            name.extend_from_slice(&index[name_at..name_at + len]);
            at = at + (name_at - at + len + 8) / 8 * 8;
        }
        if at > end || name.is_empty() {
            return None;
        }
        if let Some(rel) = name.strip_prefix(prefix) {
            each(&Entry {
                name: rel,
                mode,
                oid: &index[entry_at + 40..entry_at + 40 + ID],
                cached: Cached {
                    ctime: (u32_at(entry_at)?, u32_at(entry_at + 4)?),
                    mtime: (u32_at(entry_at + 8)?, u32_at(entry_at + 12)?),
                    ino: u32_at(entry_at + 20)?,
                    size: u32_at(entry_at + 36)?,
                },
                stage: (flags >> 12) & 3,
                assume_valid: flags & 0x8000 != 0,
                skip_worktree: extended & 0x4000 != 0,
                intent_to_add: extended & 0x2000 != 0,
            });
        }
    }
    // Extensions: a split index keeps its entries in another file (`link`),
    // a sparse one folders for some of them (`sdir`); the cache of trees
    // (`TREE`) begins with the whole index's: an empty path, its entry
    // count (-1 once a change made it stale) and subtree count, its id.
    let mut tree = None;
    while at < end {
        let signature = index.get(at..at + 4)?;
        if signature == b"link" || signature == b"sdir" {
            return None;
        }
        let size = usize::try_from(u32_at(at + 4)?).ok()?;
        if signature == b"TREE" {
            tree = root_tree(index.get(at + 8..at.checked_add(8 + size)?)?);
        }
        at = at.checked_add(8 + size)?;
    }
    (at == end).then_some(tree)
}

/// The whole index's tree id from a `TREE` extension's data, when valid.
fn root_tree(data: &[u8]) -> Option<[u8; ID]> {
    let rest = data.strip_prefix(b"\0")?;
    let line_end = memchr::memchr(b'\n', rest)?;
    let (count, _) = std::str::from_utf8(&rest[..line_end])
        .ok()?
        .split_once(' ')?;
    if count.parse::<i64>().ok()? < 0 {
        return None;
    }
    rest.get(line_end + 1..line_end + 1 + ID)?.try_into().ok()
}

/// Git's offset varint (`varint.c`): seven bits a byte, most significant
/// first, each continuation adding one. The value and the bytes it took.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = u64::from(*bytes.first()? & 0x7F);
    let mut used = 1;
    while bytes[used - 1] & 0x80 != 0 {
        let b = *bytes.get(used)?;
        value = value.checked_add(1)?.checked_mul(128)? | u64::from(b & 0x7F);
        used += 1;
    }
    Some((value, used))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git;

    /// `git ls-files -z --cached` run in `root`.
    fn git_says(root: &Path) -> Vec<u8> {
        let out = std::process::Command::new("git")
            .args(["ls-files", "-z", "--cached"])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    }

    fn write(root: &Path, rel: &str, text: &[u8]) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(root: &Path) -> Option<Vec<u8>> {
        let root = root.canonicalize().unwrap();
        let top = crate::git::work_tree_top(&root).unwrap();
        tracked_names(&top, &root)
    }

    #[test]
    fn the_index_lists_what_git_lists_in_every_version() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        test_git(root, &["init", "-q"]);
        // Names of every length around the padding's multiples of 8, deep
        // and shared prefixes (version 4 compresses them), a long one, one
        // that is not UTF-8, a link, an executable.
        let mut rels: Vec<String> = (1..=17).map(|n| "n".repeat(n)).collect();
        rels.extend(
            [
                "src/app/page.tsx",
                "src/app/page.test.tsx",
                "src/lib/a.ts",
                "src/z.ts",
                "docs/é.md",
                ".env.example",
                "sp ace/x y.txt",
            ]
            .map(String::from),
        );
        rels.push(format!(
            "deep/{}f.ts",
            format!("{}/", "d".repeat(200)).repeat(5)
        ));
        for rel in &rels {
            write(root, rel, rel.as_bytes());
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = std::ffi::OsStr::from_bytes(b"odd-\xff.ts");
            std::fs::write(root.join(odd), "x").unwrap();
            std::os::unix::fs::symlink("src/z.ts", root.join("link.ts")).unwrap();
        }
        test_git(root, &["add", "-A"]);
        test_git(root, &["commit", "-qm", "x"]);
        // Untracked and an intent-to-add (an extended flag, version 3).
        write(root, "untracked.ts", b"u");
        write(root, "intent.ts", b"i");
        test_git(root, &["add", "-N", "intent.ts"]);
        let want = git_says(root);
        assert!(want.len() > 1000, "{}", String::from_utf8_lossy(&want));
        assert_eq!(read(root).as_deref(), Some(&want[..]));
        for version in ["4", "2", "3"] {
            if version == "2" {
                // Version 2 has no extended flags.
                test_git(root, &["rm", "-q", "--cached", "intent.ts"]);
            }
            test_git(root, &["update-index", "--index-version", version]);
            let want = git_says(root);
            assert_eq!(read(root).as_deref(), Some(&want[..]), "version {version}");
        }
        // A folder under the top: its names, relative to it.
        let sub = root.join("src");
        assert_eq!(read(&sub).as_deref(), Some(&git_says(&sub)[..]));
        assert_eq!(
            git_says(&sub),
            b"app/page.test.tsx\0app/page.tsx\0lib/a.ts\0z.ts\0"
        );
    }

    #[test]
    fn an_index_only_git_should_read_is_left_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = &dir.path().join("repo");
        std::fs::create_dir(root).unwrap();
        test_git(root, &["init", "-q"]);
        write(root, "a/b.ts", b"b");
        write(root, "c.ts", b"c");
        test_git(root, &["add", "-A"]);
        test_git(root, &["commit", "-qm", "x"]);
        assert!(read(root).is_some());
        let index = std::fs::read(root.join(".git/index")).unwrap();
        // A split index.
        test_git(root, &["update-index", "--split-index"]);
        assert_eq!(read(root), None);
        test_git(root, &["update-index", "--no-split-index"]);
        assert!(read(root).is_some());
        // Malformed: cut short, a wrong name length, another signature.
        for cut in [11, 40, index.len() / 2, index.len() - 21] {
            assert_eq!(names(&index[..cut], b""), None, "{cut}");
        }
        let mut bad = index.clone();
        bad[12 + 62 - 1] ^= 1;
        assert_eq!(names(&bad, b""), None);
        bad = index.clone();
        bad[0] = b'X';
        assert_eq!(names(&bad, b""), None);
        assert_eq!(names(&index, b"").as_deref(), Some(&b"a/b.ts\0c.ts\0"[..]));
        // Mid-merge: a conflicted name's stages, as git lists them.
        test_git(root, &["checkout", "-qb", "other"]);
        write(root, "c.ts", b"other");
        test_git(root, &["commit", "-qam", "other"]);
        test_git(root, &["checkout", "-q", "-"]);
        write(root, "c.ts", b"mine");
        test_git(root, &["commit", "-qam", "mine"]);
        let merge = std::process::Command::new("git")
            .args(["merge", "-q", "other"])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(!merge.status.success());
        let want = git_says(root);
        assert_eq!(read(root).as_deref(), Some(&want[..]));
        assert_eq!(want, b"a/b.ts\0c.ts\0c.ts\0c.ts\0");
        test_git(root, &["merge", "--abort"]);
        // A sparse index: folders for what the cone leaves out.
        test_git(
            root,
            &["sparse-checkout", "set", "--cone", "--sparse-index", "a"],
        );
        assert_eq!(read(root), None);
        test_git(root, &["sparse-checkout", "disable"]);
        assert!(read(root).is_some());
        // A SHA-256 repository, and a linked worktree's `.git` file.
        let other = dir.path().join("sha256");
        std::fs::create_dir(&other).unwrap();
        test_git(&other, &["init", "-q", "--object-format=sha256"]);
        write(&other, "f.ts", b"f");
        test_git(&other, &["add", "-A"]);
        assert_eq!(read(&other), None);
        let linked = dir.path().join("linked");
        test_git(root, &["worktree", "add", "-q", linked.to_str().unwrap()]);
        assert_eq!(read(&linked), None);
    }

    #[test]
    fn varints_are_gits() {
        // From git's varint.c: 0..=127 in one byte; 128 is 0x80 0x00.
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x7F]), Some((127, 1)));
        assert_eq!(varint(&[0x80, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0x80, 0x7F]), Some((255, 2)));
        assert_eq!(varint(&[0x81, 0x00]), Some((256, 2)));
        assert_eq!(varint(&[0x80]), None);
    }
}
