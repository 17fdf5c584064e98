//! `--rev`'s tree, listed once for a run and shared by its readers (the
//! settings, the listing, the reads after the walk), with which of the
//! checkout's files can stand for its blobs without being hashed.
//!
//! A pre-push hook's `--rev` is most often the checkout's own commit: its
//! files are the commit's blobs. Git itself tells a file unchanged without
//! reading it: the index keeps, with each file's blob id, the file's
//! `stat` (times, inode, size) when that id was taken, and git counts the
//! file unchanged while its `stat` still matches and the match is not
//! "racy" (the file written in the same instant as the index, after it was
//! hashed). Where the index's entry has the blob's id, the file's `stat`
//! matches and no checkout conversion (line endings, filters, encodings)
//! can make the file differ from its blob, the file is read as the blob
//! (see [`trusted`]); anything else is hashed against the id or asked of
//! git, as before. When the index's cached tree (its `TREE` extension) is
//! the commit's tree, the index lists the tree too, and `git ls-tree` is
//! not run.

use super::index::{self, Cached};
use crate::run_context::RunContext;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// A revision's tree under a root (paths relative to it), blobs only
/// (submodules' commits left out).
#[derive(Debug, Default)]
pub(crate) struct RevTree {
    pub(crate) entries: Vec<RevEntry>,
    /// Why git could not list it.
    pub(crate) error: Option<String>,
    /// Listed from the index (its cached tree is this one), not by git.
    /// (What the tests check: the listing is the same either way.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) from_index: bool,
    sorted: OnceLock<bool>,
    by_path: OnceLock<HashMap<String, usize>>,
}

/// One blob of a [`RevTree`].
#[derive(Debug, Clone)]
pub(crate) struct RevEntry {
    /// Relative to the root, as git spells it.
    pub(crate) path: Vec<u8>,
    /// Git's mode: `100644`, `100755` or `120000`.
    pub(crate) mode: u32,
    pub(crate) oid: String,
    pub(crate) size: Option<u64>,
    /// The checkout's file at this path holds this blob while its `stat`
    /// still matches this (see [`trusted`]).
    pub(crate) cached: Option<Cached>,
    /// The checkout's file at this path may hold this blob (hashed to
    /// know): the index says nothing sure of it.
    pub(crate) maybe_in_checkout: bool,
}

/// Mode of a symbolic link.
pub(crate) const LINK: u32 = 0o120000;

impl RevTree {
    /// The entry at `rel` (relative to the root, `/`-separated).
    /// (Git lists a tree's paths in byte order, the index's, which its
    /// cached trees rely on: found by bisection; else, never seen, by a
    /// map made once.)
    pub(crate) fn get(&self, rel: &str) -> Option<&RevEntry> {
        let sorted = *self
            .sorted
            .get_or_init(|| self.entries.windows(2).all(|w| w[0].path < w[1].path));
        if sorted {
            let at = self
                .entries
                .binary_search_by(|e| e.path.as_slice().cmp(rel.as_bytes()))
                .ok()?;
            return Some(&self.entries[at]);
        }
        let by_path = self.by_path.get_or_init(|| {
            self.entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| Some((String::from_utf8(e.path.clone()).ok()?, i)))
                .collect()
        });
        by_path.get(rel).map(|&i| &self.entries[i])
    }

    /// `rev`'s tree under `root`: from the index when its cached tree is
    /// `rev`'s (and the run's context says git reads the usual files),
    /// else from `git ls-tree`. Without a context, nothing of the checkout
    /// is trusted unhashed.
    pub(crate) fn load(root: &Path, rev: &str, ctx: Option<&RunContext>) -> RevTree {
        let mut checkout = ctx.and_then(|ctx| Checkout::read(root, rev, ctx));
        if let Some(entries) = checkout.as_mut().and_then(Checkout::as_tree) {
            return RevTree {
                entries,
                from_index: true,
                ..RevTree::default()
            };
        }
        // Each blob's size from the index (its entry of the same blob,
        // where nothing converts) or the object store, so that git lists
        // names and ids only: `ls-tree -l` reads every blob's header in
        // git, twice as long. Where a size is not found so, git lists them.
        let sized = checkout.as_ref().filter(|c| c.as_blobs).zip(ctx);
        let mut entries = None;
        for long in [sized.is_none(), true] {
            let out = match ls_tree(root, rev, long) {
                Ok(out) => out,
                Err(error) => {
                    return RevTree {
                        error: Some(error),
                        ..RevTree::default()
                    }
                }
            };
            entries = listed(
                root,
                &out,
                checkout.as_ref(),
                if long { None } else { sized },
            );
            if entries.is_some() || long {
                break;
            }
        }
        RevTree {
            entries: entries.unwrap_or_default(),
            ..RevTree::default()
        }
    }
}

/// `git ls-tree -r -z` of `rev` under `root` (with `-l`, each blob's size).
fn ls_tree(root: &Path, rev: &str, long: bool) -> Result<Vec<u8>, String> {
    let out = crate::git::command(root)
        .args(["-c", "core.quotePath=false", "ls-tree", "-r"])
        .args(long.then_some("-l"))
        .args(["-z", rev])
        .stderr(std::process::Stdio::piped())
        .output();
    match out {
        Ok(o) if o.status.success() => Ok(o.stdout),
        Ok(o) => Err(format!(
            "cannot list the tree of {rev}: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("cannot run git ls-tree: {e}")),
    }
}

/// The blobs `ls-tree` listed, with what the index says of each: sizes
/// from `ls-tree -l` (none for a blob git does not have), else from
/// `sized` (the index, where nothing converts, and the object store);
/// `None` where a size is found neither way.
fn listed(
    root: &Path,
    out: &[u8],
    checkout: Option<&Checkout>,
    sized: Option<(&Checkout, &RunContext)>,
) -> Option<Vec<RevEntry>> {
    let by_name: HashMap<&[u8], &IndexEntry> = checkout
        .map(|c| c.entries.iter().map(|e| (&e.name[..], e)).collect())
        .unwrap_or_default();
    out.split(|&b| b == 0)
        .filter_map(super::listing::TreeEntry::parse)
        .filter(|e| e.kind == "blob")
        .map(|e| {
            let mode = u32::from_str_radix(e.mode, 8).ok()?;
            let same = by_name.get(e.path).filter(|i| hex(&i.oid) == e.oid);
            let size = match (e.size, sized) {
                (Some(size), _) => Some(size),
                (None, Some((_, ctx))) => match same.filter(|i| !i.smudged) {
                    Some(i) => Some(u64::from(i.size)),
                    // (None for a blob the store does not hold, as `-l`.)
                    None => crate::git::blob_size(root, e.oid, ctx)?,
                },
                // (A blob git does not have, in a partial clone: `-`.)
                (None, None) => None,
            };
            let cached = same.and_then(|i| i.trusted);
            let maybe_in_checkout =
                cached.is_none() && size.is_some_and(|n| same_size_file(root, e.mode, e.path, n));
            Some(RevEntry {
                path: e.path.to_vec(),
                mode,
                oid: e.oid.to_string(),
                size,
                cached,
                maybe_in_checkout,
            })
        })
        .collect()
}

/// A regular file of the entry's size at its path in the checkout.
fn same_size_file(root: &Path, mode: &str, path: &[u8], size: u64) -> bool {
    if !matches!(mode, "100644" | "100755") {
        return false;
    }
    let path = root.join(super::listing::os_path(path));
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == size)
}

/// The trees the run prepared ([`prepare`]), by root and commit id.
static PREPARED: Mutex<Vec<(PathBuf, String, Arc<RevTree>)>> = Mutex::new(Vec::new());

/// How many prepared trees are kept (a pre-push hook judges one commit
/// per pushed branch, one after another).
const KEEP: usize = 4;

/// List `rev`'s tree under `root` for this run, with the run's context
/// (which says whether git reads the usual files), for every reader of it
/// to share until the returned guard is dropped. Always listed afresh: the
/// checkout may have changed since.
#[must_use = "the listing is forgotten when the guard is dropped"]
pub fn prepare(root: &Path, rev: &str, ctx: &RunContext) -> Prepared {
    let tree = Arc::new(RevTree::load(root, rev, Some(ctx)));
    let mut prepared = PREPARED.lock().unwrap_or_else(|e| e.into_inner());
    prepared.retain(|(r, c, _)| !(r == root && c == rev));
    if prepared.len() >= KEEP {
        prepared.remove(0);
    }
    prepared.push((root.to_path_buf(), rev.to_string(), tree.clone()));
    Prepared(tree)
}

/// A run's listing of a revision ([`prepare`]): forgotten when dropped
/// (a million-file tree's listing is a hundred megabytes).
pub struct Prepared(Arc<RevTree>);

impl Drop for Prepared {
    fn drop(&mut self) {
        let mut prepared = PREPARED.lock().unwrap_or_else(|e| e.into_inner());
        prepared.retain(|(_, _, t)| !Arc::ptr_eq(t, &self.0));
    }
}

/// The tree [`prepare`] listed for `rev` under `root`, if it did.
pub(crate) fn prepared(root: &Path, rev: &str) -> Option<Arc<RevTree>> {
    let prepared = PREPARED.lock().unwrap_or_else(|e| e.into_inner());
    prepared
        .iter()
        .find(|(r, c, _)| r == root && c == rev)
        .map(|(_, _, t)| t.clone())
}

/// The checkout's file at `path`, opened (never following a link, never
/// waiting on a FIFO put there), and its size, when its `stat` is still
/// `cached` (see [`trusted`]).
pub(crate) fn open_vouched(path: &Path, cached: &Cached) -> Option<(std::fs::File, u64)> {
    let file = super::listing::open_no_wait(path).ok()?;
    let m = file.metadata().ok()?;
    let size = m.len();
    trusted(cached, &m).then_some((file, size))
}

/// Whether a file's `stat` (`m`, of the file opened at the path) is the
/// one the index cached: git's test of an unchanged file (`ce_match_stat`,
/// with nanoseconds, inode and change time; the size cut to 32 bits as the
/// index keeps it).
#[cfg(unix)]
pub(crate) fn trusted(cached: &Cached, m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // (The index keeps 32 bits of each: git compares them so.)
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let stat = Cached {
        ctime: (m.ctime() as u32, m.ctime_nsec() as u32),
        mtime: (m.mtime() as u32, m.mtime_nsec() as u32),
        ino: m.ino() as u32,
        size: m.size() as u32,
    };
    m.is_file() && stat == *cached
}

#[cfg(not(unix))]
pub(crate) fn trusted(_: &Cached, _: &std::fs::Metadata) -> bool {
    false
}

/// What the index says of one file under the root.
#[derive(Debug)]
struct IndexEntry {
    name: Vec<u8>,
    mode: u32,
    oid: [u8; 20],
    size: u32,
    /// Its `stat`, where the file holds the entry's blob while it matches.
    trusted: Option<Cached>,
    /// Listed by the index but in no tree (intent-to-add).
    not_in_tree: bool,
    /// No file is expected in the checkout (skip-worktree).
    absent: bool,
    /// Its cached size cannot be the blob's: made 0 by git to force a
    /// re-check (a racily clean entry when the index was written).
    smudged: bool,
    gitlink: bool,
}

/// The checkout as the index knows it, for `rev`.
struct Checkout {
    entries: Vec<IndexEntry>,
    /// The index's cached tree is `rev`'s tree.
    is_rev: bool,
    /// No checkout conversion can make a file differ from its blob.
    as_blobs: bool,
}

impl Checkout {
    /// The index of the work tree holding `root`, read where it is the
    /// usual file (see [`index::index_file`]) and the context does not
    /// point git elsewhere; `None` otherwise.
    fn read(root: &Path, rev: &str, ctx: &RunContext) -> Option<Checkout> {
        if crate::git::redirected(ctx) {
            return None;
        }
        let root = root.canonicalize().ok()?;
        let top = crate::git::work_tree_top(&root)?;
        let (bytes, written) = index::index_file(&top)?;
        let prefix = index::prefix(&top, &root)?;
        let mut entries = Vec::new();
        let mut attributes = Vec::new();
        let root_tree = index::entries(&bytes, b"", |e| {
            if e.name == b".gitattributes" || e.name.ends_with(b"/.gitattributes") {
                attributes.push(top.join(super::listing::os_path(e.name)));
            }
            let Some(name) = e.name.strip_prefix(&prefix[..]) else {
                return;
            };
            let gitlink = e.mode & 0o170000 == 0o160000;
            let regular = matches!(e.mode, 0o100644 | 0o100755);
            let smudged = e.cached.size == 0 && e.oid != EMPTY_BLOB;
            // Racily clean: written in the second the index was (git's
            // test, by whole seconds as git built without `USE_NSEC` makes
            // it: a file changed in the same instant as it was hashed keeps
            // its `stat`).
            let racy = e.cached.mtime.0 >= written.0;
            let plain = e.stage == 0 && !e.assume_valid && !e.skip_worktree && !e.intent_to_add;
            entries.push(IndexEntry {
                name: name.to_vec(),
                mode: e.mode,
                oid: e.oid.try_into().unwrap_or([0; 20]),
                size: e.cached.size,
                trusted: (plain && regular && !smudged && !racy).then_some(e.cached),
                not_in_tree: e.intent_to_add,
                absent: e.skip_worktree,
                smudged,
                gitlink,
            });
        })?;
        let tree = crate::git::tree_of(&root, rev, ctx)?;
        // (An attributes file git does not track applies too: the top's,
        // where one would be put, is looked for.)
        let top_attributes = top.join(".gitattributes");
        if !attributes.contains(&top_attributes) && top_attributes.exists() {
            attributes.push(top_attributes);
        }
        let as_blobs = cfg!(unix)
            && settings_convert_nothing(&top, ctx)
            && attributes
                .iter()
                .all(|a| std::fs::read(a).is_ok_and(|t| !may_convert(&t)));
        if !as_blobs {
            for e in &mut entries {
                e.trusted = None;
            }
        }
        Some(Checkout {
            entries,
            is_rev: root_tree.is_some_and(|t| hex(&t) == tree),
            as_blobs,
        })
    }

    /// The tree's entries from the index, when the index is `rev`'s tree
    /// and says each blob's size (no conversion, no entry smudged).
    fn as_tree(&mut self) -> Option<Vec<RevEntry>> {
        if !self.is_rev || !self.as_blobs || self.entries.iter().any(|e| e.smudged) {
            return None;
        }
        let mut out = Vec::with_capacity(self.entries.len());
        for e in std::mem::take(&mut self.entries) {
            if e.gitlink || e.not_in_tree {
                continue;
            }
            out.push(RevEntry {
                path: e.name,
                mode: e.mode,
                oid: hex(&e.oid),
                size: Some(u64::from(e.size)),
                cached: e.trusted,
                maybe_in_checkout: e.trusted.is_none() && !e.absent && e.mode != LINK,
            });
        }
        Some(out)
    }
}

/// The empty blob's id: its cached size is rightly 0.
const EMPTY_BLOB: [u8; 20] = [
    0xe6, 0x9d, 0xe2, 0x9b, 0xb2, 0xd1, 0xd6, 0x43, 0x4b, 0x8b, 0x29, 0xae, 0x77, 0x5a, 0xd8, 0xc2,
    0xe4, 0x8c, 0x53, 0x91,
];

/// Lower-case hex of an id (a blob's, a digest).
pub(crate) fn hex(id: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let hex: Vec<u8> = id
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .collect();
    String::from_utf8(hex).unwrap_or_default()
}

/// No git setting and no attributes file outside the tree may make a
/// checkout file differ from its blob: in the repository's (its
/// `config.worktree` too), the user's and the system's config files no `autocrlf` turning line ends into CRLF, no
/// `eol = crlf`, no attributes file of the user's named, no include (whose
/// file is not read here); the repository's `info/attributes`, the user's
/// (`$XDG_CONFIG_HOME/git/attributes`) and the system's
/// (`/etc/gitattributes`) absent or converting nothing; no variable
/// pointing git at other settings.
fn settings_convert_nothing(top: &Path, ctx: &RunContext) -> bool {
    if [
        "GIT_CONFIG",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_COUNT",
        "GIT_CONFIG_PARAMETERS",
        "GIT_ATTR_SOURCE",
    ]
    .iter()
    .any(|v| ctx.var(v).is_some())
    {
        return false;
    }
    let var = |k: &str| ctx.var(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let Some(home) = var("HOME") else {
        return false;
    };
    let xdg = var("XDG_CONFIG_HOME").unwrap_or_else(|| home.join(".config"));
    let config: fn(&[u8]) -> bool = config_converts_nothing;
    let attributes: fn(&[u8]) -> bool = |text| !may_convert(text);
    [
        (top.join(".git/config"), config),
        // (Read by git where `extensions.worktreeConfig` is on.)
        (top.join(".git/config.worktree"), config),
        (home.join(".gitconfig"), config),
        (xdg.join("git/config"), config),
        (PathBuf::from("/etc/gitconfig"), config),
        (top.join(".git/info/attributes"), attributes),
        (xdg.join("git/attributes"), attributes),
        (PathBuf::from("/etc/gitattributes"), attributes),
    ]
    .iter()
    .all(|(path, fine)| match std::fs::read(path) {
        Ok(text) => fine(&text),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    })
}

/// A git config file's text sets nothing that converts a file on checkout
/// (see [`settings_convert_nothing`]); read line by line, spaces and
/// comments dropped, names in any case.
fn config_converts_nothing(text: &[u8]) -> bool {
    String::from_utf8_lossy(text).lines().all(|line| {
        let line: String = line
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '"')
            .collect::<String>()
            .to_ascii_lowercase();
        let mut line = line.split(['#', ';']).next().unwrap_or("");
        if line.starts_with('[') {
            if line.starts_with("[include") {
                return false;
            }
            // A key may follow its section's header on the same line.
            line = line.split_once(']').map_or("", |(_, rest)| rest);
        }
        if let Some(value) = line.strip_prefix("autocrlf") {
            return matches!(value, "=false" | "=no" | "=off" | "=0" | "=input");
        }
        if line.starts_with("eol") {
            return !line.contains("crlf");
        }
        !line.starts_with("attributesfile")
    })
}

/// An attributes file's text names something that may make a checkout
/// file differ from its blob: line ends (`eol=crlf`, `crlf`), a filter
/// (Git LFS's among them), `ident`, a working-tree encoding. (`text`
/// alone converts nothing here: without `autocrlf`, line ends stay LF.)
fn may_convert(text: &[u8]) -> bool {
    ["crlf", "filter", "ident", "encoding"]
        .iter()
        .any(|w| memchr::memmem::find(text, w.as_bytes()).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git as git;

    /// A run's context whose home holds no git settings of the user's.
    fn ctx(home: &Path) -> RunContext {
        let mut vars: std::collections::BTreeMap<String, String> = std::env::vars()
            .filter(|(k, _)| !k.starts_with("GIT_") && k != "XDG_CONFIG_HOME")
            .collect();
        vars.insert("HOME".into(), home.display().to_string());
        RunContext::from_vars(vars, (2026, 1, 1)).unwrap()
    }

    /// A new repository and a home for the run's context, in a folder
    /// that goes with the first.
    fn repo() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let (root, home) = (dir.path().join("repo"), dir.path().join("home"));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        git(&root, &["init", "-q"]);
        (dir, root, home)
    }

    /// A file written a minute ago (so that an index written after it does
    /// not find it racily clean).
    fn write_old(root: &Path, rel: &str, text: &str) {
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(past).unwrap();
    }

    /// Files written a minute ago, added and committed.
    fn commit(root: &Path, files: &[(&str, &str)], message: &str) -> String {
        for (rel, text) in files {
            write_old(root, rel, text);
        }
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", message]);
        git(root, &["rev-parse", "HEAD"]).trim().to_string()
    }

    /// `git ls-tree -r -l` of `rev` in `root`: path, mode, id, size.
    fn git_tree(root: &Path, rev: &str) -> Vec<(Vec<u8>, u32, String, Option<u64>)> {
        let out = std::process::Command::new("git")
            .args(["ls-tree", "-r", "-l", "-z", rev])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
            .split(|&b| b == 0)
            .filter_map(super::super::listing::TreeEntry::parse)
            .filter(|e| e.kind == "blob")
            .map(|e| {
                let mode = u32::from_str_radix(e.mode, 8).unwrap();
                (e.path.to_vec(), mode, e.oid.to_string(), e.size)
            })
            .collect()
    }

    fn tree_of(t: &RevTree) -> Vec<(Vec<u8>, u32, String, Option<u64>)> {
        t.entries
            .iter()
            .map(|e| (e.path.clone(), e.mode, e.oid.clone(), e.size))
            .collect()
    }

    fn vouched(t: &RevTree) -> Vec<String> {
        t.entries
            .iter()
            .filter(|e| e.cached.is_some())
            .map(|e| String::from_utf8_lossy(&e.path).into_owned())
            .collect()
    }

    /// Every file of `rev`'s listing read on this thread: path → bytes,
    /// and how many checkout files were hashed to know them.
    fn read_all(root: &Path, rev: &str) -> (Vec<(String, Vec<u8>)>, usize) {
        let before = super::super::listing::HASHED.with(std::cell::Cell::get);
        let mut files = Vec::new();
        let listing = super::super::listing::list(
            root,
            &crate::git::Repository::WorkTree,
            Some(rev),
            None,
            |l| {
                let looked = l.look();
                if looked.kind == super::super::listing::FileKind::File {
                    let mut buf = Vec::new();
                    l.read_into(looked, &mut buf).unwrap();
                    files.push((l.rel.clone(), buf));
                }
            },
        );
        assert!(listing.errors.is_empty(), "{:?}", listing.errors);
        let hashed = super::super::listing::HASHED.with(std::cell::Cell::get) - before;
        (files, hashed)
    }

    /// The blob of `rel` in `rev`, as git gives it.
    fn blob(root: &Path, rev: &str, rel: &str) -> Vec<u8> {
        let out = std::process::Command::new("git")
            .args(["cat-file", "blob", &format!("{rev}:{rel}")])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    }

    #[test]
    fn the_index_lists_the_checkouts_commit_and_vouches_for_its_files() {
        let (_dir, root, home) = repo();
        let (root, home) = (root.as_path(), home.as_path());
        let files = [
            ("a.ts", "console.log(1);\n"),
            ("src/b.ts", "export const b = 2;\n"),
            ("src/c d/é.ts", "x\n"),
            ("empty.txt", ""),
            ("run.sh", "#!/bin/sh\n"),
        ];
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::write(root.join("run.sh"), "").unwrap();
            let mode = std::fs::Permissions::from_mode(0o755);
            std::fs::set_permissions(root.join("run.sh"), mode).unwrap();
            std::os::unix::fs::symlink("a.ts", root.join("link.ts")).unwrap();
        }
        let head = commit(root, &files, "one");
        let t = RevTree::load(root, &head, Some(&ctx(home)));
        assert!(t.error.is_none() && t.from_index);
        // The same entries as git's, in git's order, without running it.
        assert_eq!(tree_of(&t), git_tree(root, &head));
        let mut want = vec!["a.ts", "empty.txt", "run.sh", "src/b.ts", "src/c d/é.ts"];
        if cfg!(unix) {
            // (The link's stat is not a regular file's: never vouched.)
            assert!(t.get("link.ts").is_some_and(|e| e.cached.is_none()));
        }
        want.sort_unstable();
        assert_eq!(vouched(&t), want);
        // A subfolder's tree: its entries, relative to it.
        let sub = RevTree::load(&root.join("src"), &head, Some(&ctx(home)));
        assert_eq!(tree_of(&sub), git_tree(&root.join("src"), &head));
        assert_eq!(vouched(&sub), ["b.ts", "c d/é.ts"]);

        // Read as the run reads them: the commit's bytes, none hashed.
        let _prepared = prepare(root, &head, &ctx(home));
        let (read, hashed) = read_all(root, &head);
        assert_eq!(hashed, 0);
        for (rel, bytes) in &read {
            assert_eq!(bytes, &blob(root, &head, rel), "{rel}");
        }
        assert_eq!(read.len(), 5);

        // Changed since (same size, other bytes): the file's stat no
        // longer matches; hashed, found another's, read from git.
        std::fs::write(root.join("src/b.ts"), "export const b = 3;\n").unwrap();
        let _prepared = prepare(root, &head, &ctx(home));
        let (read, hashed) = read_all(root, &head);
        assert_eq!(hashed, 1);
        let b = read.iter().find(|(r, _)| r == "src/b.ts").unwrap();
        assert_eq!(b.1, b"export const b = 2;\n");
        // Deleted from the checkout: from git.
        std::fs::remove_file(root.join("a.ts")).unwrap();
        let _prepared = prepare(root, &head, &ctx(home));
        let (read, _) = read_all(root, &head);
        let a = read.iter().find(|(r, _)| r == "a.ts").unwrap();
        assert_eq!(a.1, b"console.log(1);\n");
        // A run's listing lives as long as its guard.
        let guard = prepare(root, &head, &ctx(home));
        assert!(prepared(root, &head).is_some());
        drop(guard);
        assert!(prepared(root, &head).is_none());
    }

    #[test]
    fn what_the_index_cannot_vouch_for_is_hashed_or_asked_of_git() {
        let (_dir, root, home) = repo();
        let (root, home) = (root.as_path(), home.as_path());
        let first = commit(root, &[("a.ts", "a1\n"), ("b.ts", "b1\n")], "one");
        // (Another size: git, built without `USE_NSEC`, compares seconds.)
        let second = commit(root, &[("a.ts", "a2 two\n"), ("c.ts", "c\n")], "two");
        let ctx = ctx(home);
        let clean = RevTree::load(root, &second, Some(&ctx));
        assert!(clean.from_index);
        assert_eq!(vouched(&clean), ["a.ts", "b.ts", "c.ts"]);

        // Another commit than the index's: git lists it; the files whose
        // blob the index has are still vouched for.
        let t = RevTree::load(root, &first, Some(&ctx));
        assert!(!t.from_index);
        assert_eq!(tree_of(&t), git_tree(root, &first));
        assert_eq!(vouched(&t), ["b.ts"]);

        // A staged change: the index is no commit's tree.
        std::fs::write(root.join("c.ts"), "c2\n").unwrap();
        git(root, &["add", "c.ts"]);
        let t = RevTree::load(root, &second, Some(&ctx));
        assert_eq!(tree_of(&t), git_tree(root, &second));
        assert_eq!(vouched(&t), ["a.ts", "b.ts"]);
        git(root, &["reset", "-q"]);
        write_old(root, "c.ts", "c\n");
        git(root, &["update-index", "-q", "--refresh"]);
        // (Its cached tree made again: the commit's.)
        git(root, &["write-tree"]);
        assert!(RevTree::load(root, &second, Some(&ctx)).from_index);

        // Racily clean: the index written no later than a file: hashed.
        let index = root.join(".git/index");
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let before = std::fs::read(&index).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&index)
            .unwrap()
            .set_modified(past)
            .unwrap();
        let t = RevTree::load(root, &second, Some(&ctx));
        assert!(vouched(&t).is_empty(), "{:?}", vouched(&t));
        std::fs::write(&index, before).unwrap();
        assert_eq!(vouched(&RevTree::load(root, &second, Some(&ctx))).len(), 3);

        // An entry git smudged (its cached size made 0 when it was racily
        // clean as the index was written): the index's sizes are not the
        // blobs', git lists the tree.
        let mut smudged = std::fs::read(&index).unwrap();
        assert_eq!(&smudged[12 + 62..12 + 66], b"a.ts");
        smudged[12 + 36..12 + 40].copy_from_slice(&[0; 4]);
        std::fs::write(&index, &smudged).unwrap();
        let t = RevTree::load(root, &second, Some(&ctx));
        assert!(!t.from_index);
        assert_eq!(tree_of(&t), git_tree(root, &second));
        assert_eq!(vouched(&t), ["b.ts", "c.ts"]);
        git(root, &["update-index", "-q", "--really-refresh"]);
        assert_eq!(vouched(&RevTree::load(root, &second, Some(&ctx))).len(), 3);

        // Assumed unchanged, or skipped by a sparse checkout: not vouched.
        git(root, &["update-index", "--assume-unchanged", "a.ts"]);
        git(root, &["update-index", "--skip-worktree", "b.ts"]);
        let t = RevTree::load(root, &second, Some(&ctx));
        assert_eq!(vouched(&t), ["c.ts"]);
        assert_eq!(tree_of(&t), git_tree(root, &second));
        git(root, &["update-index", "--no-assume-unchanged", "a.ts"]);
        git(root, &["update-index", "--no-skip-worktree", "b.ts"]);

        // Intent to add: in the index, in no tree.
        std::fs::write(root.join("new.ts"), "n\n").unwrap();
        git(root, &["add", "-N", "new.ts"]);
        // (git leaves the cached tree stale then, even after `write-tree`:
        // the tree is listed by git.)
        let t = RevTree::load(root, &second, Some(&ctx));
        assert_eq!(tree_of(&t), git_tree(root, &second));
        git(root, &["rm", "-q", "--cached", "new.ts"]);

        // Packed, deltas among them: the sizes git does not list are read
        // from the pack.
        for n in 0..8 {
            commit(
                root,
                &[("a.ts", &format!("a{n} {}\n", "x".repeat(300 + n)))],
                "more",
            );
        }
        git(root, &["gc", "-q", "--aggressive", "--prune=now"]);
        let t = RevTree::load(root, &first, Some(&ctx));
        assert!(!t.from_index);
        assert_eq!(tree_of(&t), git_tree(root, &first));

        // No context: nothing vouched for, git lists the tree.
        let t = RevTree::load(root, &second, None);
        assert_eq!(tree_of(&t), git_tree(root, &second));
        assert!(vouched(&t).is_empty());
    }

    /// A submodule's commit is no blob of the tree: left out, as `git
    /// ls-tree` lists blobs, whether the index or git lists the tree.
    #[test]
    fn a_submodule_is_left_out_of_the_tree() {
        let (dir, root, home) = repo();
        let (root, home) = (root.as_path(), home.as_path());
        let sub = dir.path().join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        git(&sub, &["init", "-q"]);
        commit(&sub, &[("s.ts", "console.log(1);\n")], "sub");
        commit(root, &[("a.ts", "a\n")], "one");
        let sub = sub.to_str().unwrap();
        git(
            root,
            &[
                "-c",
                "protocol.file.allow=always",
                "submodule",
                "add",
                "-q",
                sub,
                "vendor/sub",
            ],
        );
        git(root, &["commit", "-qm", "two"]);
        let head = git(root, &["rev-parse", "HEAD"]).trim().to_string();
        let t = RevTree::load(root, &head, Some(&ctx(home)));
        assert!(t.from_index);
        let want = git_tree(root, &head);
        assert!(
            want.iter().any(|e| e.0 == b".gitmodules") && want.len() == 2,
            "{want:?}"
        );
        assert_eq!(tree_of(&t), want);
        assert_eq!(tree_of(&RevTree::load(root, &head, None)), want);
    }

    /// A blob the object store lacks (a partial clone's not fetched) is
    /// listed, its size unknown, as `ls-tree -l` lists it.
    #[test]
    fn a_blob_the_store_lacks_is_listed_without_a_size() {
        let (_dir, root, home) = repo();
        let (root, home) = (root.as_path(), home.as_path());
        let first = commit(root, &[("a.ts", "a1\n"), ("b.ts", "b1\n")], "one");
        commit(root, &[("a.ts", "a2 two\n")], "two");
        let gone = git(root, &["rev-parse", &format!("{first}:a.ts")]);
        let gone = gone.trim();
        std::fs::remove_file(root.join(".git/objects").join(&gone[..2]).join(&gone[2..])).unwrap();
        let t = RevTree::load(root, &first, Some(&ctx(home)));
        assert!(t.error.is_none());
        let want = git_tree(root, &first);
        assert_eq!(want[0].3, None, "{want:?}");
        assert_eq!(tree_of(&t), want);
    }

    /// A checkout git converts (line ends, a filter) is not its blobs:
    /// nothing is vouched for where a setting may convert.
    #[test]
    fn a_checkout_git_may_convert_is_not_vouched_for() {
        let (_dir, root, home) = repo();
        let (root, home) = (root.as_path(), home.as_path());
        let head = commit(
            root,
            &[("a.ts", "a\n"), (".gitattributes", "*.md text\n")],
            "one",
        );
        assert_eq!(
            vouched(&RevTree::load(root, &head, Some(&ctx(home)))).len(),
            2
        );
        // The repository's config.
        git(root, &["config", "core.autocrlf", "true"]);
        assert!(vouched(&RevTree::load(root, &head, Some(&ctx(home)))).is_empty());
        git(root, &["config", "core.autocrlf", "input"]);
        assert_eq!(
            vouched(&RevTree::load(root, &head, Some(&ctx(home)))).len(),
            2
        );
        git(root, &["config", "--unset", "core.autocrlf"]);
        // The user's.
        // The work tree's own (`extensions.worktreeConfig`).
        git(root, &["config", "extensions.worktreeConfig", "true"]);
        git(root, &["config", "--worktree", "core.autocrlf", "true"]);
        assert!(vouched(&RevTree::load(root, &head, Some(&ctx(home)))).is_empty());
        git(root, &["config", "--worktree", "--unset", "core.autocrlf"]);
        assert_eq!(
            vouched(&RevTree::load(root, &head, Some(&ctx(home)))).len(),
            2
        );
        std::fs::write(home.join(".gitconfig"), "[core]\n\teol = crlf\n").unwrap();
        assert!(vouched(&RevTree::load(root, &head, Some(&ctx(home)))).is_empty());
        std::fs::write(home.join(".gitconfig"), "[include]\n\tpath = other\n").unwrap();
        assert!(vouched(&RevTree::load(root, &head, Some(&ctx(home)))).is_empty());
        std::fs::remove_file(home.join(".gitconfig")).unwrap();
        std::fs::create_dir_all(home.join(".config/git")).unwrap();
        std::fs::write(home.join(".config/git/attributes"), "* eol=crlf\n").unwrap();
        assert!(vouched(&RevTree::load(root, &head, Some(&ctx(home)))).is_empty());
        std::fs::remove_file(home.join(".config/git/attributes")).unwrap();
        // An attributes file git does not track, at the top.
        std::fs::write(root.join(".gitattributes"), "*.md text\n* filter=lfs\n").unwrap();
        assert!(vouched(&RevTree::load(root, &head, Some(&ctx(home)))).is_empty());
        git(root, &["checkout", "--", ".gitattributes"]);
        std::fs::rename(root.join(".gitattributes"), root.join("moved")).unwrap();
        std::fs::write(root.join(".gitattributes"), "* eol=crlf\n").unwrap();
        git(root, &["rm", "-q", "--cached", ".gitattributes"]);
        assert!(vouched(&RevTree::load(root, &head, Some(&ctx(home)))).is_empty());
        git(root, &["reset", "-q"]);
        std::fs::rename(root.join("moved"), root.join(".gitattributes")).unwrap();
        // The repository's attributes, in the tree or in `.git/info`.
        std::fs::write(root.join(".git/info/attributes"), "*.ts filter=lfs\n").unwrap();
        assert!(vouched(&RevTree::load(root, &head, Some(&ctx(home)))).is_empty());
        std::fs::remove_file(root.join(".git/info/attributes")).unwrap();
        let head = commit(root, &[("web/.gitattributes", "*.ts ident\n")], "two");
        let t = RevTree::load(root, &head, Some(&ctx(home)));
        assert!(vouched(&t).is_empty());
        // (Listed by git then: the index's sizes may not be the blobs'.)
        assert_eq!(tree_of(&t), git_tree(root, &head));
    }

    #[test]
    fn config_and_attributes_that_may_convert() {
        for (text, converts) in [
            ("[core]\n\tautocrlf = true\n", true),
            ("[core]\n\tautocrlf\n", true),
            ("[core]\n\tAutoCRLF = \"true\" # yes\n", true),
            ("[core] autocrlf = true\n", true),
            ("[core]\n\tautocrlf = false\n", false),
            ("[core]\n\tautocrlf = input\n", false),
            ("[core]\n\teol = crlf\n", true),
            ("[core]\n\teol = lf\n", false),
            ("[core]\n\tattributesFile = ~/.ga\n", true),
            ("[includeIf \"gitdir:~/w/\"]\n\tpath = w\n", true),
            (
                "[user]\n\tname = a\n[filter \"lfs\"]\n\tsmudge = git-lfs smudge -- %f\n",
                false,
            ),
            ("# autocrlf = true\n", false),
        ] {
            assert_eq!(
                !config_converts_nothing(text.as_bytes()),
                converts,
                "{text}"
            );
        }
        for (text, converts) in [
            ("* text=auto\n*.png binary\n", false),
            ("* text=auto eol=lf\n", false),
            ("*.bat eol=crlf\n", true),
            ("*.psd filter=lfs diff=lfs merge=lfs -text\n", true),
            ("*.c ident\n", true),
            ("*.txt working-tree-encoding=UTF-16\n", true),
            ("*.txt crlf\n", true),
        ] {
            assert_eq!(may_convert(text.as_bytes()), converts, "{text}");
        }
    }
}
