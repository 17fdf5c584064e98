//! The tree a run judges: the working tree under the root, or with `--rev`
//! the tree of one commit, read from git's object store. The few reads that
//! happen after the walk (a migration file's bytes for its checksum, the
//! mention pass of `env/unused`) go through it, so a revision is judged on
//! its own files even when the checkout holds others.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Tree {
    root: PathBuf,
    /// `--rev`, resolved to a full commit id, and one `git cat-file
    /// --batch` for every read of it (the mention pass of `env/unused` may
    /// read every scanned file).
    rev: Option<(String, std::sync::Arc<super::listing::ObjectStore>)>,
    /// `--rev`'s blobs by path, listed once for [`Tree::read_each`] where
    /// the run prepared no listing of it ([`super::revtree::prepare`]): git
    /// reads a blob asked for by id straight from its pack, and one asked
    /// for by path only after walking the trees down to it, each time
    /// (twice as long over a 4,000-file app).
    blob_ids: std::sync::Arc<std::sync::OnceLock<std::collections::HashMap<String, String>>>,
}

/// How many files of a revision the index does not vouch for may be read
/// from git one at a time (see [`Tree::read_claimed`]).
const STRAYS: usize = 16;

/// A list cut into one share per thread, each thread taking the files of
/// its own share one at a time, then, once it is done, those left in the
/// others': the shares start at different places (a pass that may end
/// early reads from each), and no thread idles while another has files.
pub struct Shares {
    next: Vec<std::sync::atomic::AtomicUsize>,
    ends: Vec<usize>,
}

impl Shares {
    pub fn new(len: usize, threads: usize) -> Shares {
        let threads = threads.max(1);
        let share = len.div_ceil(threads).max(1);
        Shares {
            next: (0..threads)
                .map(|t| std::sync::atomic::AtomicUsize::new((t * share).min(len)))
                .collect(),
            ends: (0..threads).map(|t| ((t + 1) * share).min(len)).collect(),
        }
    }

    /// The next index thread `me` takes: from its own share, else from the
    /// next share with one left.
    fn claim(&self, me: usize) -> Option<usize> {
        let n = self.next.len();
        (0..n).map(|k| (me + k) % n).find_map(|s| {
            let i = self.next[s].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (i < self.ends[s]).then_some(i)
        })
    }

    /// Thread `me`'s own share, whole.
    fn own(&self, me: usize) -> std::ops::Range<usize> {
        let me = me % self.next.len();
        let start = self.next[me].swap(self.ends[me], std::sync::atomic::Ordering::Relaxed);
        start.min(self.ends[me])..self.ends[me]
    }
}

impl Tree {
    pub fn new(root: &Path, rev: Option<&str>) -> Tree {
        Tree {
            root: root.to_path_buf(),
            rev: rev.map(|r| {
                let store = super::listing::ObjectStore::new(root);
                (r.to_string(), std::sync::Arc::new(store))
            }),
            blob_ids: Default::default(),
        }
    }

    /// `--rev`'s blob ids by path (relative to the root); empty when git
    /// cannot list them (reads by path then).
    fn blob_ids(&self, rev: &str) -> &std::collections::HashMap<String, String> {
        self.blob_ids.get_or_init(|| {
            let out = crate::git::command(&self.root)
                .args(["ls-tree", "-r", "-z", rev])
                .stderr(std::process::Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| o.stdout)
                .unwrap_or_default();
            out.split(|&b| b == 0)
                .filter_map(super::listing::TreeEntry::parse)
                .filter(|e| e.kind == "blob")
                .filter_map(|e| {
                    Some((
                        std::str::from_utf8(e.path).ok()?.to_string(),
                        e.oid.to_string(),
                    ))
                })
                .collect()
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The commit `--rev` names, when it does.
    pub fn rev(&self) -> Option<&str> {
        self.rev.as_ref().map(|(r, _)| r.as_str())
    }

    /// What the git-aware checks call the branch's tip: `HEAD`, or the
    /// commit `--rev` names.
    pub fn head(&self) -> &str {
        self.rev().unwrap_or("HEAD")
    }

    /// The bytes of `rel` (relative to the root) in this tree.
    pub fn read(&self, rel: &str) -> std::io::Result<Vec<u8>> {
        match &self.rev {
            None => std::fs::read(self.root.join(rel)),
            Some((rev, store)) => {
                if let Some(tree) = super::revtree::prepared(&self.root, rev) {
                    if let Some(e) = tree.get(rel) {
                        if let Some(bytes) = vouched_bytes(&self.root, e) {
                            return Ok(bytes);
                        }
                        return store.read(&e.oid).map_err(|_| not_in(rel, rev));
                    } else if is_plain(rel) {
                        return Err(not_in(rel, rev));
                    }
                }
                self.read_by_path(rev, store, rel)
            }
        }
    }

    /// `rel`'s blob in `rev`, found by git by its path.
    fn read_by_path(
        &self,
        rev: &str,
        store: &super::listing::ObjectStore,
        rel: &str,
    ) -> std::io::Result<Vec<u8>> {
        store
            .read(&format!("{rev}:./{rel}"))
            .map_err(|_| not_in(rel, rev))
    }

    /// The files of `rels` thread `me` of those sharing them takes (see
    /// [`Shares`]), each given to `f` a window of up to `window` bytes at a
    /// time, with whether it is the file's first and last; each window
    /// after the first begins with the last `carry` bytes of the one
    /// before. The buffer stays a window long however large the files.
    /// `f` says whether to go on. A revision's files are its share alone,
    /// given whole ([`Tree::read_each`]: each call starts `git cat-file`).
    pub fn read_claimed<S: AsRef<str>>(
        &self,
        rels: &[S],
        shares: &Shares,
        me: usize,
        window: usize,
        carry: usize,
        mut f: impl FnMut(&str, &[u8], bool, bool) -> bool,
    ) {
        use std::io::Read;
        // A revision whose files the index vouches for, all but a few, is
        // read as a checkout is (those few from git, one at a time); any
        // other revision's files a thread reads its own share of whole.
        let mut vouched = None;
        if let Some((rev, _)) = &self.rev {
            let tree = super::revtree::prepared(&self.root, rev);
            let strays = tree.as_ref().map(|t| {
                rels.iter()
                    .filter(|r| t.get(r.as_ref()).is_none_or(|e| e.cached.is_none()))
                    .count()
            });
            if strays.is_none_or(|n| n > STRAYS) {
                let own = shares.own(me);
                return self.read_each(&rels[own], |rel, bytes| f(rel, bytes, true, true));
            }
            vouched = tree;
        }
        let carry = carry.min(window);
        let mut buf = Vec::new();
        while let Some(rel) = shares.claim(me).and_then(|i| rels.get(i)) {
            let rel = rel.as_ref();
            let file = match &vouched {
                None => std::fs::File::open(self.root.join(rel)).ok(),
                Some(tree) => tree.get(rel).and_then(|e| {
                    let path = self.root.join(super::listing::os_path(&e.path));
                    super::revtree::open_vouched(&path, e.cached.as_ref()?).map(|(f, _)| f)
                }),
            };
            let Some(mut file) = file else {
                if vouched.is_some() {
                    if let Ok(bytes) = self.read(rel) {
                        if !f(rel, &bytes, true, true) {
                            return;
                        }
                    }
                }
                continue;
            };
            buf.clear();
            let mut first = true;
            loop {
                let kept = buf.len();
                let Ok(n) = (&mut file).take(window as u64).read_to_end(&mut buf) else {
                    break;
                };
                let last = n < window;
                if !f(rel, &buf, first, last) {
                    return;
                }
                if last {
                    break;
                }
                first = false;
                let cut = (kept + n).saturating_sub(carry);
                buf.drain(..cut);
            }
        }
    }

    /// [`Tree::read`] of each of `rels` in order, handed to `f` (those
    /// that cannot be read are left out); `f` returns whether to go on.
    /// With `--rev`, the blobs come from one pipelined `git cat-file
    /// --batch` instead of a round trip each.
    pub fn read_each<S: AsRef<str>>(&self, rels: &[S], mut f: impl FnMut(&str, &[u8]) -> bool) {
        let Some((rev, _)) = &self.rev else {
            // One buffer for every file, read to its end without asking its
            // size first: `fs::read` stats each file and allocates for it.
            let mut buf = Vec::new();
            for rel in rels.iter().map(AsRef::as_ref) {
                buf.clear();
                let read = std::fs::File::open(self.root.join(rel)).and_then(|file| {
                    std::io::Read::read_to_end(&mut std::io::Read::take(file, u64::MAX), &mut buf)
                });
                if read.is_ok() && !f(rel, &buf) {
                    return;
                }
                // A rare huge file does not keep its buffer for the rest.
                if buf.capacity() > 4 << 20 {
                    buf = Vec::new();
                }
            }
            return;
        };
        let ids = self.blob_ids(rev);
        // Files the index vouches for are read from the checkout (see
        // `super::revtree`).
        let prepared = super::revtree::prepared(&self.root, rev);
        let vouched: Vec<Option<&super::revtree::RevEntry>> = rels
            .iter()
            .map(|r| {
                prepared
                    .as_ref()
                    .and_then(|t| t.get(r.as_ref()))
                    .filter(|e| e.cached.is_some())
            })
            .collect();
        // The blobs the listing kept are not asked of git again.
        let kept: Vec<Option<std::sync::Arc<[u8]>>> = rels
            .iter()
            .zip(&vouched)
            .map(|(r, v)| {
                if v.is_some() {
                    return None;
                }
                ids.get(r.as_ref())
                    .and_then(|id| super::listing::kept_blob(id))
            })
            .collect();
        let names = rels
            .iter()
            .zip(&kept)
            .zip(&vouched)
            .filter(|((_, k), v)| k.is_none() && v.is_none())
            .map(|((r, _), _)| {
                let r = r.as_ref();
                ids.get(r)
                    .cloned()
                    .unwrap_or_else(|| format!("{rev}:./{r}"))
            })
            .collect();
        let mut prefetch = super::listing::Prefetch::start(&self.root, names);
        for ((rel, kept), vouched) in rels.iter().map(AsRef::as_ref).zip(kept).zip(vouched) {
            if let Some(e) = vouched {
                // Changed since: one at a time, as git has it.
                if let Some(bytes) = vouched_bytes(&self.root, e).or_else(|| self.read(rel).ok()) {
                    if !f(rel, &bytes) {
                        return;
                    }
                }
                continue;
            }
            let asked = match kept {
                Some(b) => {
                    if !f(rel, &b) {
                        return;
                    }
                    continue;
                }
                None => prefetch.as_mut().map(|p| p.take(None)),
            };
            let bytes = match asked {
                Some(super::listing::Got::Blob(b)) => Some(b),
                Some(super::listing::Got::Missing) => None,
                // No read-ahead, or out of step: one at a time from here.
                Some(super::listing::Got::Broken) | None => {
                    prefetch = None;
                    self.read(rel).ok()
                }
            };
            if let Some(bytes) = bytes {
                if !f(rel, &bytes) {
                    return;
                }
            }
        }
    }

    /// The bytes of a regular file at `rel` of at most `max` bytes (never
    /// a link followed, a FIFO or a device read): `None` for anything else.
    pub fn read_small_file(&self, rel: &str, max: u64) -> Option<Vec<u8>> {
        let Some((rev, _)) = &self.rev else {
            let path = self.root.join(rel);
            let meta = std::fs::symlink_metadata(&path).ok()?;
            if !meta.is_file() || meta.len() > max {
                return None;
            }
            return std::fs::read(&path).ok();
        };
        if let Some(tree) = super::revtree::prepared(&self.root, rev) {
            let e = tree.get(rel)?;
            if e.mode == super::revtree::LINK || e.size.is_some_and(|n| n > max) {
                return None;
            }
        }
        self.read(rel).ok().filter(|b| b.len() as u64 <= max)
    }

    /// Is there a file at `rel` in this tree?
    pub fn is_file(&self, rel: &str) -> bool {
        match &self.rev {
            None => self.root.join(rel).is_file(),
            Some(_) => self.read(rel).is_ok(),
        }
    }
}

/// The error of a read of `rel` that `rev` does not hold.
fn not_in(rel: &str, rev: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("{rel} is not in {rev}"),
    )
}

/// A relative path spelled as git lists it (no `.` or `..` part, no empty
/// one, no `\\`): one a listed tree not holding it does not hold.
fn is_plain(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && rel.split('/').all(|part| !matches!(part, "" | "." | ".."))
}

/// The checkout's bytes at `e`'s path when the index vouches that they are
/// its blob's (see [`super::revtree`]).
fn vouched_bytes(root: &Path, e: &super::revtree::RevEntry) -> Option<Vec<u8>> {
    let path = root.join(super::listing::os_path(&e.path));
    let (file, size) = super::revtree::open_vouched(&path, e.cached.as_ref()?)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    std::io::Read::read_to_end(&mut std::io::Read::take(file, u64::MAX), &mut bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod read_each_tests {
    use super::*;
    use crate::git::test_git as git;

    /// Threads sharing a list read every file once between them, a window
    /// at a time, each window after a file's first carrying the end of the
    /// one before; one that stops early leaves the rest to the others.
    #[test]
    fn threads_sharing_files_read_each_once_a_window_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let rels: Vec<String> = (0..120).map(|i| format!("f{i}.txt")).collect();
        let text = |i: usize| -> Vec<u8> { (0..i * 7).map(|k| (k % 251) as u8).collect() };
        for (i, rel) in rels.iter().enumerate() {
            std::fs::write(dir.path().join(rel), text(i)).unwrap();
        }
        let tree = Tree::new(dir.path(), None);
        let shares = Shares::new(rels.len(), 3);
        let read = std::sync::Mutex::new(Vec::new());
        let (window, carry) = (64, 5);
        std::thread::scope(|scope| {
            for (me, stop_after) in [usize::MAX, usize::MAX, 3].into_iter().enumerate() {
                let (tree, shares, read, rels) = (&tree, &shares, &read, &rels);
                scope.spawn(move || {
                    let (mut files, mut whole) = (0, Vec::new());
                    tree.read_claimed(
                        rels,
                        shares,
                        me,
                        window,
                        carry,
                        |rel, bytes, first, last| {
                            assert!(bytes.len() <= window + carry);
                            if first {
                                whole.clear();
                                whole.extend_from_slice(bytes);
                            } else {
                                assert!(bytes.len() >= carry);
                                assert_eq!(bytes[..carry], whole[whole.len() - carry..]);
                                whole.extend_from_slice(&bytes[carry..]);
                            }
                            if last {
                                read.lock().unwrap().push((rel.to_string(), whole.clone()));
                                files += 1;
                            }
                            files < stop_after
                        },
                    );
                });
            }
        });
        let mut read = read.into_inner().unwrap();
        read.sort();
        let mut want: Vec<(String, Vec<u8>)> = rels
            .iter()
            .enumerate()
            .map(|(i, r)| (r.clone(), text(i)))
            .collect();
        want.sort();
        assert_eq!(read, want);
    }

    /// With `--rev`, a thread reads its own share whole (one `git cat-file`
    /// each) and takes nothing of another's.
    #[test]
    fn a_revisions_shares_are_read_whole_by_their_own_threads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        let rels: Vec<String> = (0..5).map(|i| format!("f{i}.txt")).collect();
        for rel in &rels {
            std::fs::write(root.join(rel), rel).unwrap();
        }
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "one"]);
        let tree = Tree::new(root, Some("HEAD"));
        let shares = Shares::new(rels.len(), 2);
        let mut got = Vec::new();
        for me in [1, 0, 1] {
            let mut mine = Vec::new();
            tree.read_claimed(&rels, &shares, me, 4, 1, |rel, bytes, first, last| {
                assert!(first && last && rel.as_bytes() == bytes);
                mine.push(rel.to_string());
                true
            });
            got.push(mine);
        }
        // Each its own share once: none taken twice, none stolen.
        assert_eq!(
            got,
            [
                vec!["f3.txt", "f4.txt"],
                vec!["f0.txt", "f1.txt", "f2.txt"],
                vec![]
            ]
        );
    }

    /// With `--rev`, the pipelined reads give each file's bytes in order,
    /// leave out a path the commit does not have (a later file still comes
    /// right), and stop when asked; the checkout's reads agree.
    #[test]
    fn pipelined_reads_match_one_by_one_reads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        std::fs::write(root.join("a.txt"), "alpha\n").unwrap();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/c.txt"), "gamma").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "one"]);
        let rels: Vec<String> = ["a.txt", "missing.txt", "sub", "sub/c.txt"]
            .map(String::from)
            .to_vec();
        for tree in [Tree::new(root, Some("HEAD")), Tree::new(root, None)] {
            let mut got = Vec::new();
            tree.read_each(&rels, |rel, bytes| {
                got.push((rel.to_string(), String::from_utf8(bytes.to_vec()).unwrap()));
                true
            });
            assert_eq!(
                got,
                [
                    ("a.txt".to_string(), "alpha\n".to_string()),
                    ("sub/c.txt".to_string(), "gamma".to_string())
                ],
                "rev {:?}",
                tree.rev()
            );
            let mut first = Vec::new();
            tree.read_each(&rels, |rel, _| {
                first.push(rel.to_string());
                false
            });
            assert_eq!(first, ["a.txt"]);
        }
    }

    /// A prepared revision (`--rev` in a run) reads the files the index
    /// vouches for from the checkout, the others from git: with git's
    /// objects gone, only the vouched-for files can still be read.
    #[test]
    fn a_prepared_revision_reads_vouched_files_from_the_checkout() {
        let dir = tempfile::tempdir().unwrap();
        let (root, home) = (&dir.path().join("repo"), &dir.path().join("home"));
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(home).unwrap();
        git(root, &["init", "-q"]);
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        for (rel, text) in [
            ("a.txt", "alpha 5e1d\n"),
            ("b.txt", "beta 5e1d\n"),
            ("sub/c.txt", "gamma 5e1d"),
        ] {
            std::fs::write(root.join(rel), text).unwrap();
            let file = std::fs::File::options()
                .write(true)
                .open(root.join(rel))
                .unwrap();
            file.set_modified(past).unwrap();
        }
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "one"]);
        let head = git(root, &["rev-parse", "HEAD"]).trim().to_string();
        let vars = [("HOME".to_string(), home.display().to_string())];
        let ctx = crate::run_context::RunContext::from_vars(vars.into(), (2026, 1, 1)).unwrap();
        let _prepared = super::super::revtree::prepare(root, &head, &ctx);
        // Changed in the checkout since: the commit's bytes come from git.
        std::fs::write(root.join("b.txt"), "BETA 5E1D\n").unwrap();
        let tree = Tree::new(root, Some(&head));
        let text = |r: std::io::Result<Vec<u8>>| r.map(|b| String::from_utf8(b).unwrap());
        assert_eq!(text(tree.read("a.txt")).unwrap(), "alpha 5e1d\n");
        assert_eq!(text(tree.read("b.txt")).unwrap(), "beta 5e1d\n");
        assert_eq!(text(tree.read("./a.txt")).unwrap(), "alpha 5e1d\n");
        let missing = tree.read("missing.txt").unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(
            tree.read_small_file("a.txt", 11).as_deref(),
            Some(&b"alpha 5e1d\n"[..])
        );
        assert_eq!(tree.read_small_file("a.txt", 10), None);
        assert!(tree.is_file("sub/c.txt") && !tree.is_file("sub"));
        let rels = ["a.txt", "missing.txt", "b.txt", "sub/c.txt"].map(String::from);
        let read_each = |tree: &Tree| {
            let mut got = Vec::new();
            tree.read_each(&rels, |rel, bytes| {
                got.push(format!("{rel}={}", String::from_utf8_lossy(bytes)));
                true
            });
            got
        };
        assert_eq!(
            read_each(&tree),
            [
                "a.txt=alpha 5e1d\n",
                "b.txt=beta 5e1d\n",
                "sub/c.txt=gamma 5e1d"
            ]
        );
        // Shared by threads: claimed and read a window at a time as from a
        // checkout, the changed file whole from git.
        let shares = Shares::new(rels.len(), 2);
        let mut windows: std::collections::BTreeMap<String, (usize, Vec<u8>)> = Default::default();
        for me in [1, 0] {
            tree.read_claimed(&rels, &shares, me, 4, 0, |rel, bytes, _, _| {
                let (n, text) = windows.entry(rel.to_string()).or_default();
                *n += 1;
                text.extend_from_slice(bytes);
                true
            });
        }
        let windows: Vec<(String, usize, String)> = windows
            .into_iter()
            .map(|(rel, (n, text))| (rel, n, String::from_utf8(text).unwrap()))
            .collect();
        assert_eq!(
            windows,
            [
                ("a.txt".to_string(), 3, "alpha 5e1d\n".to_string()),
                ("b.txt".to_string(), 1, "beta 5e1d\n".to_string()),
                ("sub/c.txt".to_string(), 3, "gamma 5e1d".to_string())
            ]
        );
        // No objects: what the index vouches for is still read. (Bytes no
        // other test has: no blob the listing kept stands for them.)
        let objects = root.join(".git/objects");
        let away = root.join(".git/objects-away");
        std::fs::rename(&objects, &away).unwrap();
        let tree = Tree::new(root, Some(&head));
        assert_eq!(text(tree.read("a.txt")).unwrap(), "alpha 5e1d\n");
        assert!(tree.read("b.txt").is_err());
        assert_eq!(
            read_each(&tree),
            ["a.txt=alpha 5e1d\n", "sub/c.txt=gamma 5e1d"]
        );
        std::fs::rename(&away, &objects).unwrap();
    }

    /// Blobs the listing kept are taken from memory, in their place among
    /// the ones asked of git.
    #[test]
    fn kept_blobs_are_not_asked_of_git_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        // Content no other test has: its blob id is this test's alone.
        let unique = "kept by the listing: read_each test 7f3c\n";
        std::fs::write(root.join("a.txt"), "first\n").unwrap();
        std::fs::write(root.join("b.txt"), unique).unwrap();
        std::fs::write(root.join("c.txt"), "third\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "x"]);
        let tree = Tree::new(root, Some("HEAD"));
        let id = tree.blob_ids("HEAD")["b.txt"].clone();
        // Kept with other bytes: reading them shows the keep was used.
        super::super::listing::keep_blob(&id, b"from memory\n");
        let rels = ["a.txt", "b.txt", "c.txt"].map(String::from);
        let mut got = Vec::new();
        tree.read_each(&rels, |rel, bytes| {
            got.push(format!("{rel}={}", String::from_utf8_lossy(bytes)));
            true
        });
        assert_eq!(
            got,
            ["a.txt=first\n", "b.txt=from memory\n", "c.txt=third\n"]
        );
    }
}
