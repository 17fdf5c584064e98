//! The scanned set: which files ship. In a git work tree that is what git
//! tracks (a tracked file that `.gitignore` matches still ships) plus
//! untracked files that are not ignored; outside git, every file under the
//! root that `.gitignore` does not match. `.ignore` files are not honoured:
//! a pull request must not be able to hide code from the gate without it
//! showing in `.shipcheck.yml`, whose `paths.exclude` is the one way to
//! leave files out. With `--rev`, the scanned set is the tree of that
//! commit, read from git's object store: no checkout, no working tree
//! (what a pre-push hook judges is the pushed commit, not the checkout).

use crate::git::{self, Repository};
use std::path::{Path, PathBuf};

/// Where the file list came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannedSet {
    /// `git ls-files`: tracked files and untracked files not ignored.
    GitWorkTree,
    /// A directory walk honouring `.gitignore` (not a repository, or git
    /// could not run).
    Directory,
    /// `--rev`: the tree of this commit (`git ls-tree`), blobs read from
    /// the object store.
    GitRevision(String),
}

/// One file of the scanned set.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Repo-relative, `/`-separated (lossy for names that are not UTF-8).
    pub rel: String,
    pub content: Content,
}

/// See [`Listed::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File,
    Symlink,
    Gone,
}

/// Where a listed file's bytes are. The checks only ever go through
/// [`Listed`]'s methods, so a revision's tree (`--rev`: blobs read from
/// the object store) is one more variant here, not a second walk.
#[derive(Debug, Clone)]
pub enum Content {
    /// A file in the work tree, with what the walk saw there (from the
    /// directory entry, no syscall), `None` when git listed it.
    Disk(PathBuf, Option<FileKind>),
    /// A blob of a revision's tree.
    Blob(Blob),
}

/// What a revision holds at a path (an entry of its [`RevTree`]).
///
/// [`RevTree`]: super::revtree::RevTree
#[derive(Debug, Clone)]
pub struct Blob {
    oid: String,
    size: u64,
    kind: FileKind,
    store: std::sync::Arc<ObjectStore>,
    /// Read ahead by the listing ([`Prefetch`]); else read on demand.
    bytes: Option<Vec<u8>>,
    /// The checkout's file at the same path, where the index vouches for it
    /// (`cached`) or it has the blob's size: most likely the same bytes (a
    /// pre-push hook's `--rev` is usually the checkout's own commit). Read
    /// from there unhashed while its `stat` is `cached`, else when its git
    /// blob id is `oid` (a read and a hash instead of git inflating it).
    checkout: Option<PathBuf>,
    /// The index's `stat` of that file, where it vouches that the file
    /// holds this blob while the `stat` matches: then it is read unhashed
    /// (see [`super::revtree`]).
    cached: Option<super::index::Cached>,
}

impl Listed {
    fn disk(rel: String, path: PathBuf, walked: Option<FileKind>) -> Listed {
        Listed {
            rel,
            content: Content::Disk(path, walked),
        }
    }

    /// What is at its path now: a regular file, a symbolic link (never
    /// followed: it may point out of the repository), or nothing that
    /// ships (deleted in the work tree, a folder, a submodule's checkout).
    /// Asked by the worker that reads the file, not by the listing, so the
    /// 20,000 `lstat`s of a large repository run in parallel. With it, the
    /// size in bytes of a regular file (0 otherwise): one `lstat` says both.
    /// A file the walk saw as a regular file, or git listed (git lists
    /// regular files, links and submodules' folders only), is opened
    /// instead (never following a link, never waiting on a FIFO put there
    /// since) and its open file says both: one path lookup, not two (a
    /// 4,000-file app: 7,374 `statx` calls by path, now 4,462 on open
    /// files). What cannot be opened so is told apart by `lstat`.
    pub fn look(&self) -> Looked {
        let gone = Looked {
            kind: FileKind::Gone,
            size: 0,
            file: None,
        };
        match &self.content {
            Content::Disk(_, Some(FileKind::Symlink)) => Looked {
                kind: FileKind::Symlink,
                ..gone
            },
            Content::Disk(p, walked) => {
                if matches!(walked, None | Some(FileKind::File)) {
                    if let Ok(file) = open_no_wait(p) {
                        return match file.metadata() {
                            Ok(m) if m.is_file() => Looked {
                                kind: FileKind::File,
                                size: m.len(),
                                file: Some(file),
                            },
                            _ => gone,
                        };
                    }
                    // Not openable as a file: `lstat` says what it is, and
                    // the read says why it cannot be read.
                }
                match std::fs::symlink_metadata(p) {
                    Ok(m) if m.file_type().is_symlink() => Looked {
                        kind: FileKind::Symlink,
                        ..gone
                    },
                    Ok(m) if m.is_file() => Looked {
                        kind: FileKind::File,
                        size: m.len(),
                        file: None,
                    },
                    _ => gone,
                }
            }
            Content::Blob(b) => match b.vouched() {
                // The checkout's file, opened: read as the blob.
                Some((file, size)) => Looked {
                    kind: FileKind::File,
                    size,
                    file: Some(file),
                },
                None => Looked {
                    kind: b.kind,
                    size: b.size,
                    file: None,
                },
            },
        }
    }

    /// All of its bytes, into `buf` (cleared first): a worker reuses one
    /// buffer for all its files, so the kernel copies into memory already
    /// in cache instead of fresh pages. `looked`'s size (from
    /// [`Listed::look`]) sizes it, so no second `stat` is made
    /// (`std::fs::read` makes one).
    pub fn read_into(&self, looked: Looked, buf: &mut Vec<u8>) -> std::io::Result<()> {
        use std::io::Read;
        buf.clear();
        match &self.content {
            Content::Disk(p, _) => {
                let file = match looked.file {
                    Some(f) => f,
                    None => std::fs::File::open(p)?,
                };
                buf.reserve(usize::try_from(looked.size).unwrap_or(0) + 1);
                // Through `Take`: `File`'s own `read_to_end` stats the file
                // again for a size hint.
                file.take(u64::MAX).read_to_end(buf)?;
            }
            // The checkout's file the index vouches for (see `look`).
            Content::Blob(b) => match (looked.file, &b.bytes) {
                (Some(file), _) => {
                    buf.reserve(usize::try_from(looked.size).unwrap_or(0) + 1);
                    file.take(u64::MAX).read_to_end(buf)?;
                }
                (None, Some(bytes)) => {
                    buf.extend_from_slice(bytes);
                    keep_blob(&b.oid, bytes);
                }
                (None, None) => match b.checkout_bytes() {
                    Some(bytes) => {
                        keep_blob(&b.oid, &bytes);
                        *buf = bytes;
                    }
                    None => buf.extend_from_slice(&b.store.read(&b.oid)?),
                },
            },
        }
        Ok(())
    }

    /// Its bytes swept for committed keys, streamed (see
    /// [`super::sweep::sweep_file`]: an image's compressed pixels are
    /// skipped).
    pub fn sweep(&self, looked: Looked) -> std::io::Result<Vec<super::sweep::SweepHit>> {
        match &self.content {
            Content::Disk(p, _) => {
                let file = match looked.file {
                    Some(f) => f,
                    None => std::fs::File::open(p)?,
                };
                super::sweep::sweep_file(file, looked.size, &self.rel)
            }
            Content::Blob(_) => match looked.file {
                Some(file) => super::sweep::sweep_file(file, looked.size, &self.rel),
                None => self.open(looked).and_then(super::sweep::sweep),
            },
        }
    }

    /// A reader over its bytes, for streaming a large file.
    fn open(&self, looked: Looked) -> std::io::Result<Box<dyn std::io::Read>> {
        match &self.content {
            Content::Disk(p, _) => Ok(Box::new(match looked.file {
                Some(f) => f,
                None => std::fs::File::open(p)?,
            })),
            Content::Blob(b) => Ok(Box::new(std::io::Cursor::new(match &b.bytes {
                Some(bytes) => bytes.clone(),
                None => match b.checkout_bytes() {
                    Some(bytes) => bytes,
                    None => b.store.read(&b.oid)?,
                },
            }))),
        }
    }
}

impl Blob {
    /// The checkout's file at this blob's path, opened, and its size, when
    /// the index vouches that it holds this blob (its `stat` unchanged).
    fn vouched(&self) -> Option<(std::fs::File, u64)> {
        super::revtree::open_vouched(self.checkout.as_ref()?, self.cached.as_ref()?)
    }

    /// The checkout's bytes at this blob's path when they are this blob's:
    /// their git blob id is its id (SHA-1, or SHA-256 in a repository of
    /// that format). Anything else (another content, a file gone or
    /// grown since, an unreadable one) is `None`: git is asked.
    fn checkout_bytes(&self) -> Option<Vec<u8>> {
        let path = self.checkout.as_ref()?;
        #[cfg(test)]
        HASHED.with(|n| n.set(n.get() + 1));
        let bytes = std::fs::read(path).ok()?;
        (blob_id(&bytes, self.oid.len())? == self.oid).then_some(bytes)
    }
}

#[cfg(test)]
thread_local! {
    /// How many checkout files this thread hashed to know them a blob's.
    pub(crate) static HASHED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Git's id of a blob holding `bytes`, in lower-case hex of `hex_len`
/// digits (40: SHA-1, 64: SHA-256); `None` for another length.
pub(crate) fn blob_id(bytes: &[u8], hex_len: usize) -> Option<String> {
    // (migrations' checksums have their own: the workspace must not
    // import the migrations, which import it.)
    use super::revtree::hex;
    let header = format!("blob {}\0", bytes.len());
    match hex_len {
        40 => {
            use sha1::Digest;
            let mut h = sha1::Sha1::new();
            h.update(header.as_bytes());
            h.update(bytes);
            Some(hex(&h.finalize()))
        }
        64 => {
            use sha2::Digest;
            let mut h = sha2::Sha256::new();
            h.update(header.as_bytes());
            h.update(bytes);
            Some(hex(&h.finalize()))
        }
        _ => None,
    }
}

/// What [`Listed::look`] found, and the file it opened to find it.
#[derive(Debug)]
pub struct Looked {
    pub kind: FileKind,
    pub size: u64,
    file: Option<std::fs::File>,
}

/// Opens a path for reading without following a final symbolic link and
/// without blocking on a FIFO (or a device) that replaced the file.
#[cfg(unix)]
pub(crate) fn open_no_wait(p: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(p)
}

#[cfg(not(unix))]
pub(crate) fn open_no_wait(_: &Path) -> std::io::Result<std::fs::File> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// The blobs the listing read ahead, kept by id for the reads after the
/// walk: the `env/unused` mention pass reads every scanned file again, and
/// asking git for them twice inflated each twice (most of a `--rev` run).
/// By id, so any tree's read may take them; up to [`KEPT_BYTES`] in all.
static KEPT: std::sync::LazyLock<std::sync::Mutex<Kept>> =
    std::sync::LazyLock::new(Default::default);

/// What [`KEPT`] may hold: a 4,000-file app's blobs are 18 MB.
const KEPT_BYTES: usize = 64 << 20;

#[derive(Default)]
struct Kept {
    bytes: usize,
    blobs: std::collections::HashMap<String, std::sync::Arc<[u8]>>,
}

pub(crate) fn keep_blob(oid: &str, bytes: &[u8]) {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    if kept.bytes + bytes.len() <= KEPT_BYTES && !kept.blobs.contains_key(oid) {
        kept.bytes += bytes.len();
        kept.blobs.insert(oid.to_string(), bytes.into());
    }
}

/// A blob the listing kept (see [`KEPT`]).
pub(crate) fn kept_blob(oid: &str) -> Option<std::sync::Arc<[u8]>> {
    let kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    kept.blobs.get(oid).cloned()
}

/// Blobs read through one long-lived `git cat-file --batch`: a process per
/// file would cost more than reading it. Workers take turns; git inflates
/// while the others check what they already have.
#[derive(Debug)]
pub struct ObjectStore {
    batch: std::sync::Mutex<Option<Batch>>,
    root: PathBuf,
}

#[derive(Debug)]
struct Batch {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl ObjectStore {
    pub(crate) fn new(root: &Path) -> ObjectStore {
        ObjectStore {
            batch: std::sync::Mutex::new(None),
            root: root.to_path_buf(),
        }
    }

    /// The bytes of blob `oid` (or any object name git resolves to a blob,
    /// `<commit>:./<path>` included).
    pub fn read(&self, oid: &str) -> std::io::Result<Vec<u8>> {
        use std::io::Write;
        let mut guard = self
            .batch
            .lock()
            .map_err(|_| std::io::Error::other("git cat-file reader poisoned"))?;
        if guard.is_none() {
            let (child, stdin, stdout) = cat_file_batch(&self.root)?;
            *guard = Some(Batch {
                child,
                stdin,
                stdout: std::io::BufReader::new(stdout),
            });
        }
        let result = (|| {
            let b = guard.as_mut().expect("started above");
            writeln!(b.stdin, "{oid}")?;
            b.stdin.flush()?;
            match answer(&mut b.stdout, None) {
                Got::Blob(bytes) => Ok(bytes),
                Got::Missing => Err(std::io::Error::other(format!(
                    "object {oid} is not a blob in this repository"
                ))),
                Got::Broken => Err(std::io::Error::other("git cat-file's answer was cut short")),
            }
        })();
        if result.is_err() {
            // A broken pipe or a short read leaves the stream out of step:
            // the next read starts a fresh process.
            if let Some(mut b) = guard.take() {
                let _ = b.child.kill();
                let _ = b.child.wait();
            }
        }
        result
    }
}

impl Drop for ObjectStore {
    fn drop(&mut self) {
        if let Ok(mut guard) = self.batch.lock() {
            if let Some(b) = guard.take() {
                drop(b.stdin); // EOF: git exits
                let mut child = b.child;
                let _ = child.wait();
            }
        }
    }
}

/// What the listing found besides the files it handed out.
#[derive(Debug, Default)]
pub struct Listing {
    /// Walk errors (a folder that cannot be read), with their message.
    pub errors: Vec<String>,
    pub set: Option<ScannedSet>,
    /// Env files (`.env`, `.env.*`) git tracks, submodules' included, in
    /// git's order; `None` outside a git work tree (`env/committed-env-file`).
    pub tracked_env_files: Option<Vec<String>>,
}

/// List the scanned set under `root`, handing each file to `emit` as soon
/// as it is known (so reading can start before the listing ends).
pub fn list(
    root: &Path,
    repo: &Repository,
    rev: Option<&str>,
    started: Option<GitListing>,
    mut emit: impl FnMut(Listed),
) -> Listing {
    if let Some(rev) = rev {
        return from_rev(root, rev, &mut emit);
    }
    if *repo == Repository::WorkTree {
        let started = started.unwrap_or_else(|| GitListing::start(root, None));
        if let Some(listing) = from_git(root, started, &mut emit) {
            return listing;
        }
    }
    from_walk(root, false, true, &mut emit)
}

/// `git ls-files` started (see [`from_git`]), so that it can run while the
/// run does something else: the settings are compiled meanwhile (on a
/// small app both take about as long). Dropped unread, git is stopped.
/// Where the index file can be read ([`GitListing::start`]), only the
/// untracked names are asked of git.
#[derive(Debug)]
pub struct GitListing {
    /// The tracked names: `ls-files -s` (each with its mode) where the work
    /// tree has no `.gitmodules`, else with the submodules' files
    /// (`--recurse-submodules`, which takes no `--others`). In a small
    /// repository without `.gitmodules`, the untracked names too, tagged
    /// (`-t`).
    tracked: Option<std::process::Child>,
    /// The untracked names, not ignored, where they have their own
    /// process: git walks the whole work tree for them before it prints
    /// any, and the tracked names (a fraction of that time) are checked
    /// meanwhile. In one process with the tracked ones, the workers of a
    /// 4,000-file app waited for that walk, a fifth of the run; in a
    /// repository of a hundred files, the second process costs more than
    /// the walk.
    untracked: Option<std::process::Child>,
    /// The untracked names the one process gave.
    untracked_given: Vec<u8>,
    /// The untracked names are the directory walk's, not git's.
    walk_untracked: bool,
    /// The untracked names are asked of git once the tracked ones are
    /// known, and only where a file on disk is not one of them (see
    /// [`only_tracked`]).
    untracked_later: bool,
    /// The directory walk asks for the user's global excludes (see
    /// [`global_excludes_may_apply`]): always but where it lists a small
    /// repository's untracked names.
    walk_global_excludes: bool,
    /// The work tree's top, whose index file is read for the tracked
    /// names instead of starting git (see [`super::index`]); git is asked
    /// when it cannot be.
    index_at: Option<PathBuf>,
    with_modes: bool,
    combined: bool,
    root: PathBuf,
}

/// An index larger than this (about 300 tracked files) lists its
/// untracked names in a second process; one this small, read by
/// shipcheck, has them found by the directory walk ([`walks_untracked`]).
const ONE_PROCESS_INDEX: u64 = 32 * 1024;

impl GitListing {
    /// `git ls-files` for the work tree holding `root`: the tracked and the
    /// untracked names from two processes started together, or from one
    /// in a small repository without submodules. With the run's context
    /// (its environment: no `GIT_DIR`, `GIT_INDEX_FILE` or kin pointing git
    /// elsewhere), the tracked names are read from the index file where
    /// it can be, and only the untracked ones asked of git, once the
    /// tracked ones are handed out and only where a file on disk is not
    /// tracked ([`only_tracked`]); in a small repository, the directory
    /// walk finds those (see [`walks_untracked`]).
    pub fn start(root: &Path, ctx: Option<&crate::run_context::RunContext>) -> GitListing {
        let top = git::work_tree_top(root);
        let ctx = ctx.filter(|ctx| !git::redirected(ctx));
        if let (Some(top), Some(ctx)) = (top.as_ref().filter(|t| t.join(".git").is_dir()), ctx) {
            let walk = walks_untracked(top, ctx);
            // Without git on `PATH`, git is started and its failure
            // reported as before.
            let later = !walk && git::on_path(ctx);
            return GitListing {
                tracked: None,
                untracked: if walk || later {
                    None
                } else {
                    git_ls_files(root, &["--others", "--exclude-standard"])
                },
                walk_untracked: walk,
                untracked_later: later,
                // (The walk that lists them when git fails on them asks.)
                walk_global_excludes: !walk || global_excludes_may_apply(ctx),
                untracked_given: Vec::new(),
                index_at: Some(top.clone()),
                // (Set if git is asked after all.)
                with_modes: false,
                combined: false,
                root: root.to_path_buf(),
            };
        }
        let with_modes = top
            .as_ref()
            .is_some_and(|top| !top.join(".gitmodules").exists());
        // `.git` is a folder here; in a linked worktree or a submodule it is
        // a file, and the index elsewhere: two processes.
        let small = top.as_ref().is_some_and(|top| {
            std::fs::metadata(top.join(".git").join("index"))
                .is_ok_and(|m| m.len() <= ONE_PROCESS_INDEX)
        });
        GitListing::start_as(root, with_modes, with_modes && small)
    }

    fn start_as(root: &Path, with_modes: bool, combined: bool) -> GitListing {
        GitListing {
            tracked: if combined {
                git_ls_files(
                    root,
                    &["-t", "-s", "--cached", "--others", "--exclude-standard"],
                )
            } else {
                GitListing::start_tracked(root, with_modes)
            },
            untracked: if combined {
                None
            } else {
                git_ls_files(root, &["--others", "--exclude-standard"])
            },
            untracked_given: Vec::new(),
            walk_untracked: false,
            untracked_later: false,
            walk_global_excludes: true,
            index_at: None,
            with_modes,
            combined,
            root: root.to_path_buf(),
        }
    }

    fn start_tracked(root: &Path, with_modes: bool) -> Option<std::process::Child> {
        if with_modes {
            git_ls_files(root, &["-s", "--cached"])
        } else {
            git_ls_files(root, &["--cached", "--recurse-submodules"])
        }
    }

    /// The tracked names, NUL-separated; `None` when git failed on them (or
    /// a process could not start).
    fn tracked(&mut self) -> Option<Vec<u8>> {
        if let Some(top) = self.index_at.take() {
            // No untracked list from git: the directory walk lists
            // everything.
            if !self.walk_untracked && !self.untracked_later {
                self.untracked.as_ref()?;
            }
            let root = self.root.canonicalize().ok();
            if let Some(names) = root.and_then(|root| super::index::tracked_names(&top, &root)) {
                return Some(names);
            }
            // Both asked of git, together, as when the index is not read.
            if self.untracked_later {
                self.untracked = git_ls_files(&self.root, &["--others", "--exclude-standard"]);
                self.untracked_later = false;
            }
            self.with_modes = !top.join(".gitmodules").exists();
            self.tracked = GitListing::start_tracked(&self.root, self.with_modes);
        }
        let child = self.tracked.take()?;
        if !self.combined
            && !self.walk_untracked
            && !self.untracked_later
            && self.untracked.is_none()
        {
            let _ = finished(child);
            return None;
        }
        let out = finished(child)?;
        if !self.with_modes {
            return Some(out);
        }
        let mut tracked = Vec::with_capacity(out.len() / 2);
        for entry in out.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            // Tagged (`-t`): `? name` untracked; `H <mode> <id> <stage>\tname`
            // tracked (`S` sparse, `M` unmerged). Untagged: `<mode> ...`.
            let entry = match entry.split_first_chunk::<2>() {
                Some((tag, rest)) if self.combined => {
                    if tag[0] == b'?' {
                        self.untracked_given.extend_from_slice(rest);
                        self.untracked_given.push(0);
                        continue;
                    }
                    rest
                }
                _ => entry,
            };
            let Some(tab) = entry.iter().position(|&b| b == b'\t') else {
                continue;
            };
            if entry.starts_with(b"160000 ") {
                // A submodule, whose `.gitmodules` is not in the work tree
                // (deleted, or left out of a sparse checkout): git reads it
                // from the index for `--recurse-submodules`, so list as
                // with submodules.
                if self.combined {
                    self.untracked_given.clear();
                    self.untracked = git_ls_files(&self.root, &["--others", "--exclude-standard"]);
                    self.combined = false;
                }
                return finished(GitListing::start_tracked(&self.root, false)?);
            }
            tracked.extend_from_slice(&entry[tab + 1..]);
            tracked.push(0);
        }
        Some(tracked)
    }

    /// The untracked names, NUL-separated; `None` if git failed on them
    /// (an exclude file that is a folder, say) after the tracked ones were
    /// handed out.
    fn untracked(&mut self) -> Option<Vec<u8>> {
        if self.walk_untracked {
            return None;
        }
        if self.combined {
            return Some(std::mem::take(&mut self.untracked_given));
        }
        self.untracked.take().and_then(finished)
    }
}

/// Whether the untracked names of the work tree at `top` are found by the
/// directory walk ([`from_walk`], `.gitignore`, `.git/info/exclude` and the
/// user's global excludes honoured, a nested repository not entered), not
/// by `git ls-files --others`: in a small repository (an index of about
/// 300 files at most), where starting git cost more than its walk (the
/// start holds this process for up to a millisecond here), unless its
/// config names an excludes file of its own (which the walk does not
/// read), and only where git could run: without it, git is started as
/// before and its failure is reported (`scan/git-unavailable`: the run's
/// other uses of git did not happen either).
fn walks_untracked(top: &Path, ctx: &crate::run_context::RunContext) -> bool {
    let git_dir = top.join(".git");
    let small =
        std::fs::metadata(git_dir.join("index")).is_ok_and(|m| m.len() <= ONE_PROCESS_INDEX);
    small
        && git::on_path(ctx)
        && std::fs::read(git_dir.join("config")).is_ok_and(|config| !names_excludes_file(&config))
}

/// Whether the user's global git excludes may hide a file from the
/// directory walk: a git config file the walk's `ignore` crate reads for
/// `core.excludesFile` (`$GIT_CONFIG_GLOBAL`, `~/.gitconfig`,
/// `$XDG_CONFIG_HOME/git/config` or `~/.config/git/config`,
/// `$GIT_CONFIG_SYSTEM` or `/etc/gitconfig`) mentions it, or the default
/// excludes file (`git/ignore` there) exists. Where neither, the walk is
/// told there are none: the crate, asked, compiles a pattern to read the
/// config files (0.4 ms of a 171-file app's run) and finds none. Without
/// a home in the run's environment, they may.
fn global_excludes_may_apply(ctx: &crate::run_context::RunContext) -> bool {
    let var = |k: &str| ctx.var(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let Some(home) = var("HOME") else {
        return true;
    };
    let xdg = var("XDG_CONFIG_HOME").unwrap_or_else(|| home.join(".config"));
    let configs = [
        var("GIT_CONFIG_GLOBAL"),
        Some(home.join(".gitconfig")),
        Some(xdg.join("git/config")),
        Some(var("GIT_CONFIG_SYSTEM").unwrap_or_else(|| PathBuf::from("/etc/gitconfig"))),
    ];
    configs
        .into_iter()
        .flatten()
        .any(|config| std::fs::read(config).is_ok_and(|c| names_excludes_file(&c)))
        || xdg.join("git/ignore").exists()
}

/// A git config's text mentions `excludesFile` (in any case).
fn names_excludes_file(config: &[u8]) -> bool {
    config
        .windows(b"excludesfile".len())
        .any(|w| w.eq_ignore_ascii_case(b"excludesfile"))
}

/// `git ls-files -z ARGS`, its output piped.
fn git_ls_files(root: &Path, args: &[&str]) -> Option<std::process::Child> {
    git::command(root)
        .args(["ls-files", "-z"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()
}

/// A child's whole output, if it succeeded.
fn finished(child: std::process::Child) -> Option<Vec<u8>> {
    child
        .wait_with_output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| o.stdout)
}

impl Drop for GitListing {
    fn drop(&mut self) {
        for child in self.tracked.iter_mut().chain(self.untracked.iter_mut()) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `git ls-files` (tracked, with submodules' tracked files) and
/// `git ls-files --others --exclude-standard` (untracked, not ignored), as
/// [`GitListing`] started them: the tracked names handed out before git
/// has found the untracked ones. `None` (nothing handed out) when git fails
/// on the tracked list.
fn from_git(
    root: &Path,
    mut started: GitListing,
    emit: &mut impl FnMut(Listed),
) -> Option<Listing> {
    let tracked = started.tracked()?;
    let mut listing = Listing {
        set: Some(ScannedSet::GitWorkTree),
        tracked_env_files: Some(Vec::new()),
        ..Listing::default()
    };
    let hand_out = |emit: &mut dyn FnMut(Listed), name: &[u8]| {
        emit(Listed::disk(
            String::from_utf8_lossy(name).into_owned(),
            root.join(os_path(name)),
            None,
        ));
    };
    let mut seen: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
    let tracked_names = names(&tracked);
    for &name in &tracked_names {
        if seen.insert(name) {
            let file = name.rsplit(|&b| b == b'/').next().unwrap_or(name);
            if file == b".env" || file.starts_with(b".env.") {
                if let Some(env) = &mut listing.tracked_env_files {
                    env.push(String::from_utf8_lossy(name).into_owned());
                }
            }
            hand_out(emit, name);
        }
    }
    let global_excludes = started.walk_global_excludes;
    let walk_untracked = started.walk_untracked;
    // A work tree holding only tracked files has no untracked ones,
    // whatever its ignore files say: seen without compiling them (the
    // walk's `.gitignore` patterns were a twentieth of a 70-file app's
    // run) or starting git (2–8 ms of CPU in a 1,000–4,000-file app,
    // beside the workers on two cores).
    let only = || {
        let mut sorted = tracked_names.clone();
        if !sorted.is_sorted() {
            sorted.sort_unstable();
        }
        only_tracked(root, &seen, &sorted)
    };
    if started.untracked_later {
        if only() {
            return Some(listing);
        }
        started.untracked = git_ls_files(root, &["--others", "--exclude-standard"]);
        started.untracked_later = false;
    }
    let Some(untracked) = started.untracked() else {
        if walk_untracked && only() {
            return Some(listing);
        }
        // The untracked files, as the directory walk finds them (what
        // listed everything when one git process failed on both), never
        // silently none.
        let walked = from_walk(root, true, global_excludes, &mut |listed: Listed| {
            if !seen.contains(name_bytes(root, &listed)) {
                emit(listed);
            }
        });
        listing.errors.extend(walked.errors);
        return Some(listing);
    };
    for name in names(&untracked) {
        if !seen.contains(name) {
            hand_out(emit, name);
        }
    }
    Some(listing)
}

/// The tree of commit `rev` under `root` (paths relative to it, as `git
/// ls-tree` gives them when run there), submodules' commits left out (their
/// files are not in this repository's object store): the run's prepared
/// [`RevTree`](super::revtree::RevTree), else listed here. A listing git
/// cannot give is an error of the run, reported by [`Listing::errors`].
fn from_rev(root: &Path, rev: &str, emit: &mut impl FnMut(Listed)) -> Listing {
    let mut listing = Listing {
        set: Some(ScannedSet::GitRevision(rev.to_string())),
        tracked_env_files: Some(Vec::new()),
        ..Listing::default()
    };
    let tree = super::revtree::prepared(root, rev)
        .unwrap_or_else(|| std::sync::Arc::new(super::revtree::RevTree::load(root, rev, None)));
    if let Some(e) = &tree.error {
        listing.errors.push(e.clone());
        return listing;
    }
    let store = std::sync::Arc::new(ObjectStore::new(root));
    // Files the checkout holds with the blob's bytes are read from there:
    // unhashed where the index vouches for them, else when their blob id
    // matches (see [`Blob::checkout_bytes`]). The other small blobs are
    // read ahead while the workers check what was handed out (asked for
    // one at a time, each blob cost a round trip to git: a 4,000-file app
    // took 7× as long as from a checkout), through two `git cat-file
    // --batch` taking turns on two cores or more (one inflating one blob
    // after another was what the listing waited for).
    let prefetchable = |e: &super::revtree::RevEntry| {
        e.cached.is_none()
            && !e.maybe_in_checkout
            && e.mode != super::revtree::LINK
            && e.size.is_some_and(|n| n <= PREFETCH_MAX)
    };
    let wanted: Vec<String> = tree
        .entries
        .iter()
        .filter(|e| prefetchable(e))
        .map(|e| e.oid.clone())
        .collect();
    let streams = if wanted.len() >= 256 && crate::cores::cores().is_some_and(|n| n > 1) {
        2
    } else {
        1
    };
    let mut prefetches: Vec<Option<Prefetch>> = (0..streams)
        .map(|k| {
            Prefetch::start(
                root,
                wanted.iter().skip(k).step_by(streams).cloned().collect(),
            )
        })
        .collect();
    let mut taken = 0usize;
    for entry in &tree.entries {
        let rel = String::from_utf8_lossy(&entry.path).into_owned();
        let file = rel.rsplit('/').next().unwrap_or(&rel);
        if file == ".env" || file.starts_with(".env.") {
            if let Some(env) = &mut listing.tracked_env_files {
                env.push(rel.clone());
            }
        }
        let bytes = if prefetchable(entry) {
            let turn = taken % streams;
            taken += 1;
            let bytes = prefetches[turn].as_mut().and_then(|p| p.next(&entry.oid));
            if bytes.is_none() {
                // Out of step from here on: read the rest on demand.
                prefetches.iter_mut().for_each(|p| *p = None);
            }
            bytes
        } else {
            None
        };
        let checkout = (entry.cached.is_some() || entry.maybe_in_checkout)
            .then(|| root.join(os_path(&entry.path)));
        emit(Listed {
            rel,
            content: Content::Blob(Blob {
                oid: entry.oid.clone(),
                size: entry.size.unwrap_or(0),
                kind: if entry.mode == super::revtree::LINK {
                    FileKind::Symlink
                } else {
                    FileKind::File
                },
                store: store.clone(),
                bytes,
                checkout,
                cached: entry.cached,
            }),
        });
    }
    listing
}

/// Blobs at most this large are read ahead; larger ones (swept as too
/// large, or rare) on demand, so the read-ahead never holds much.
const PREFETCH_MAX: u64 = 64 * 1024;

/// One entry of `git ls-tree -r -z`, with `-l` its size:
/// `<mode> SP <type> SP <oid> SP+ [<size>] TAB <path>`.
pub(crate) struct TreeEntry<'a> {
    pub mode: &'a str,
    pub kind: &'a str,
    pub oid: &'a str,
    /// With `-l` (`-` for a submodule's commit: `None`).
    pub size: Option<u64>,
    pub path: &'a [u8],
}

impl<'a> TreeEntry<'a> {
    pub(crate) fn parse(entry: &'a [u8]) -> Option<TreeEntry<'a>> {
        let tab = entry.iter().position(|&b| b == b'\t')?;
        let meta = std::str::from_utf8(&entry[..tab]).ok()?;
        let mut fields = meta.split_whitespace();
        let (mode, kind, oid) = (fields.next()?, fields.next()?, fields.next()?);
        Some(TreeEntry {
            mode,
            kind,
            oid,
            size: fields.next().and_then(|s| s.parse().ok()),
            path: &entry[tab + 1..],
        })
    }
}

/// A `git cat-file --batch` fed every wanted oid up front by a thread of
/// its own; the blobs are taken in the same order. Any surprise (git
/// missing, a short read, an unexpected header) ends the read-ahead: the
/// rest is read on demand through the [`ObjectStore`].
pub(crate) struct Prefetch {
    child: std::process::Child,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    feeder: Option<std::thread::JoinHandle<()>>,
}

impl Prefetch {
    pub(crate) fn start(root: &Path, oids: Vec<String>) -> Option<Prefetch> {
        if oids.is_empty() {
            return None;
        }
        let (child, stdin, stdout) = cat_file_batch(root).ok()?;
        let feeder = std::thread::spawn(move || {
            use std::io::Write;
            let mut w = std::io::BufWriter::new(stdin);
            for oid in oids {
                if writeln!(w, "{oid}").is_err() {
                    return;
                }
            }
            let _ = w.flush();
        });
        Some(Prefetch {
            child,
            stdout: std::io::BufReader::with_capacity(1 << 16, stdout),
            feeder: Some(feeder),
        })
    }

    /// The next blob's bytes, which must be `oid`'s.
    fn next(&mut self, oid: &str) -> Option<Vec<u8>> {
        match self.take(Some(oid)) {
            Got::Blob(bytes) => Some(bytes),
            Got::Missing | Got::Broken => None,
        }
    }

    /// The next answer (see [`answer`]).
    pub(crate) fn take(&mut self, expect: Option<&str>) -> Got {
        answer(&mut self.stdout, expect)
    }
}

/// `git cat-file --batch` started, with its pipes.
fn cat_file_batch(
    root: &Path,
) -> std::io::Result<(
    std::process::Child,
    std::process::ChildStdin,
    std::process::ChildStdout,
)> {
    let mut child = git::command(root)
        .args(["cat-file", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    match (child.stdin.take(), child.stdout.take()) {
        (Some(stdin), Some(stdout)) => Ok((child, stdin, stdout)),
        _ => Err(std::io::Error::other("git cat-file has no pipes")),
    }
}

/// The next answer of a `git cat-file --batch`: a blob (whose oid must be
/// `expect`, when given), a name git does not have (or that is no blob, its
/// contents skipped), or a stream out of step.
fn answer(stdout: &mut impl std::io::BufRead, expect: Option<&str>) -> Got {
    let mut header = String::new();
    if stdout.read_line(&mut header).is_err() {
        return Got::Broken;
    }
    // `<oid> <type> <size>`, or `<name> missing`.
    let parts: Vec<&str> = header.split_whitespace().collect();
    match parts[..] {
        [_, "missing"] => Got::Missing,
        [got, kind, size] => {
            let Ok(size) = size.parse::<usize>() else {
                return Got::Broken;
            };
            if expect.is_some_and(|e| e != got) {
                return Got::Broken;
            }
            let mut bytes = vec![0; size + 1];
            if stdout.read_exact(&mut bytes).is_err() {
                return Got::Broken;
            }
            bytes.pop(); // the newline after the contents
            if kind == "blob" {
                Got::Blob(bytes)
            } else {
                Got::Missing
            }
        }
        _ => Got::Broken,
    }
}

/// One answer of a `git cat-file --batch`.
pub(crate) enum Got {
    Blob(Vec<u8>),
    Missing,
    Broken,
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        // Whatever was not taken: git stops at once, the feeder's pipe breaks.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(f) = self.feeder.take() {
            let _ = f.join();
        }
    }
}

#[cfg(unix)]
pub(crate) fn os_path(name: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(name))
}

#[cfg(not(unix))]
pub(crate) fn os_path(name: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(name).into_owned())
}

/// A walked file's name under `root` as git gives it: its bytes (`rel` is
/// lossy for a name that is not UTF-8), `/`-separated.
#[cfg(unix)]
fn name_bytes<'a>(root: &Path, listed: &'a Listed) -> &'a [u8] {
    use std::os::unix::ffi::OsStrExt;
    match &listed.content {
        Content::Disk(path, _) => path
            .strip_prefix(root)
            .map_or(listed.rel.as_bytes(), |p| p.as_os_str().as_bytes()),
        Content::Blob(_) => listed.rel.as_bytes(),
    }
}

#[cfg(not(unix))]
fn name_bytes<'a>(_: &Path, listed: &'a Listed) -> &'a [u8] {
    listed.rel.as_bytes()
}

/// Whether every file and link under `root` (`.git` not entered) is one
/// of `tracked` (paths relative to `root`, by their bytes; `sorted`, the
/// same in byte order): then git lists no untracked file there, whatever
/// the ignore files say. `false` at the first that is not, at a folder
/// holding something but no tracked file (`node_modules`, `dist`: found
/// as its name is read, not after the rest), at a nested repository (a
/// folder holding a `.git`) and at a folder that cannot be read: the walk
/// or git decides those.
#[cfg(unix)]
fn only_tracked(root: &Path, tracked: &std::collections::HashSet<&[u8]>, sorted: &[&[u8]]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    // Folders to read, by their path relative to `root` ("" for it).
    let mut folders: Vec<Vec<u8>> = vec![Vec::new()];
    while let Some(rel) = folders.pop() {
        let dir = root.join(std::ffi::OsStr::from_bytes(&rel));
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return false;
        };
        for entry in entries {
            let Ok(entry) = entry else { return false };
            let name = entry.file_name();
            let name = name.as_bytes();
            if name == b".git" {
                if rel.is_empty() {
                    continue;
                }
                return false;
            }
            let mut path = rel.clone();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(name);
            match entry.file_type() {
                Ok(t) if t.is_dir() => {
                    let mut under = path.clone();
                    under.push(b'/');
                    let at = sorted.partition_point(|n| *n < under.as_slice());
                    if sorted.get(at).is_some_and(|n| n.starts_with(&under)) {
                        folders.push(path);
                        continue;
                    }
                    // No tracked file in it: anything it holds is not.
                    let dir = root.join(std::ffi::OsStr::from_bytes(&path));
                    if std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_some()) {
                        return false;
                    }
                }
                Ok(t) if t.is_file() || t.is_symlink() => {
                    if !tracked.contains(path.as_slice()) {
                        return false;
                    }
                }
                // A FIFO, a socket, a device: neither git nor the walk
                // lists one.
                Ok(_) => {}
                Err(_) => return false,
            }
        }
    }
    true
}

#[cfg(not(unix))]
fn only_tracked(_: &Path, _: &std::collections::HashSet<&[u8]>, _: &[&[u8]]) -> bool {
    false
}

/// Every file under `root` that `.gitignore` (and git's excludes) do not
/// match; `.git` folders are not entered, symlinks not followed. In a git
/// work tree (`in_work_tree`), nor is a nested repository (a folder
/// holding a `.git`), which `git ls-files --others` names as a folder and
/// does not list the files of.
fn from_walk(
    root: &Path,
    in_work_tree: bool,
    global_excludes: bool,
    emit: &mut impl FnMut(Listed),
) -> Listing {
    let mut listing = Listing {
        set: Some(ScannedSet::Directory),
        ..Listing::default()
    };
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_global(global_excludes)
        .git_ignore(true)
        .git_exclude(true)
        .ignore(false)
        .parents(true)
        // A .gitignore says what is not source even in an exported tree.
        .require_git(false)
        .follow_links(false)
        // Handed out in the order of their paths' bytes, as git lists
        // them: the results need no sorting after the walk.
        .sort_by_file_path(walk_order)
        .filter_entry(move |e| {
            let dir = e.file_type().is_some_and(|t| t.is_dir());
            !(dir
                && (e.file_name() == ".git"
                    || (in_work_tree && e.depth() > 0 && e.path().join(".git").exists())))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let Some(t) = e.file_type() else { continue };
                // Symlinks too: the worker counts them (never followed).
                if t.is_file() || t.is_symlink() {
                    let walked = if t.is_symlink() {
                        FileKind::Symlink
                    } else {
                        FileKind::File
                    };
                    let rel = super::relative(root, e.path());
                    emit(Listed::disk(rel, e.into_path(), Some(walked)));
                }
            }
            Err(err) => listing.errors.push(err.to_string()),
        }
    }
    listing
}

/// The order of two entries of one directory that makes a depth-first
/// walk hand out paths in the order of their bytes (as git lists them,
/// and the report sorts them): by name, a folder's name taken as ending
/// in `/`. That differs from the names' own order only where one name
/// begins the other and the longer goes on with a byte below `/` (`utils`
/// and `utils.ts`, `a` and `a-b`): then the shorter one's type (not
/// followed: a link to a folder is listed as a file) decides.
fn walk_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    // A walked entry's path is its folder's joined with its name: the
    // name is what follows the last `/` (`Path::file_name` parses the
    // components, a fifth of the walk's sorting).
    #[cfg(unix)]
    fn name(p: &Path) -> &[u8] {
        let b = p.as_os_str().as_encoded_bytes();
        memchr::memrchr(b'/', b).map_or(b, |i| &b[i + 1..])
    }
    #[cfg(not(unix))]
    fn name(p: &Path) -> &[u8] {
        p.file_name().map_or(&[][..], |n| n.as_encoded_bytes())
    }
    let (x, y) = (name(a), name(b));
    let common = x.len().min(y.len());
    if x[..common] != y[..common] || x.len() == y.len() {
        return x.cmp(y);
    }
    let (short, long, short_first) = if x.len() < y.len() {
        (a, y, Ordering::Less)
    } else {
        (b, x, Ordering::Greater)
    };
    let is_dir = || std::fs::symlink_metadata(short).is_ok_and(|m| m.is_dir());
    if long[common] < b'/' && is_dir() {
        short_first.reverse()
    } else {
        short_first
    }
}

/// The paths of `git ls-files -z` output (folders, listed with a trailing
/// `/` for untracked nested repositories, left out).
fn names(out: &[u8]) -> Vec<&[u8]> {
    out.split(|&b| b == 0)
        .filter(|n| !n.is_empty() && !n.ends_with(b"/"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run's context of a test: this process's environment.
    fn ctx() -> crate::run_context::RunContext {
        crate::run_context::RunContext::from_vars(std::env::vars().collect(), (2026, 1, 1)).unwrap()
    }

    /// The names a listing hands out, sorted.
    fn listed_names(root: &Path, started: GitListing) -> Vec<String> {
        let mut names = Vec::new();
        from_git(root, started, &mut |l: Listed| names.push(l.rel)).expect("git lists");
        names.sort();
        names
    }

    /// git failing on the untracked names alone (an exclude file that is a
    /// folder) is never a silent listing of the tracked ones: the untracked
    /// files come from the directory walk.
    #[test]
    fn untracked_names_git_cannot_list_are_not_dropped_silently() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git::test_git(root, &["init", "-q"]);
        std::fs::write(root.join("t.ts"), "t").unwrap();
        git::test_git(root, &["add", "-A"]);
        git::test_git(root, &["commit", "-qm", "x"]);
        std::fs::write(root.join("u.ts"), "u").unwrap();
        std::fs::create_dir(root.join("excludes")).unwrap();
        git::test_git(root, &["config", "core.excludesFile", "excludes"]);
        for combined in [true, false] {
            let mut names = Vec::new();
            let listed = from_git(
                root,
                GitListing::start_as(root, true, combined),
                &mut |l: Listed| names.push(l.rel),
            );
            // One process failing lists nothing (the run walks the
            // directory); the untracked list failing alone is walked.
            if listed.is_some() {
                assert!(names.iter().any(|n| n == "u.ts"), "{combined}: {names:?}");
            }
        }
    }

    #[test]
    fn every_way_of_asking_git_lists_the_same_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git::test_git(root, &["init", "-q"]);
        for (name, text) in [
            ("src/a.ts", "a"),
            ("src/b.ts", "b"),
            (".gitignore", "dist/\n"),
            ("README.md", "r"),
        ] {
            std::fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            std::fs::write(root.join(name), text).unwrap();
        }
        git::test_git(root, &["add", "-A"]);
        git::test_git(root, &["commit", "-qm", "x"]);
        std::fs::write(root.join("src/new.ts"), "n").unwrap();
        std::fs::create_dir_all(root.join("dist")).unwrap();
        std::fs::write(root.join("dist/out.js"), "o").unwrap();
        let want = [
            ".gitignore",
            "README.md",
            "src/a.ts",
            "src/b.ts",
            "src/new.ts",
        ];
        // One process, two with modes, two with submodules.
        for (with_modes, combined) in [(true, true), (true, false), (false, false)] {
            let started = GitListing::start_as(root, with_modes, combined);
            assert_eq!(listed_names(root, started), want, "{with_modes} {combined}");
        }
        // The index file read, git asked for the untracked names only.
        let started = GitListing::start(root, Some(&ctx()));
        assert!(started.index_at.is_some() && started.tracked.is_none());
        assert_eq!(listed_names(root, started), want);
        // A submodule whose `.gitmodules` is gone from the work tree: each
        // way lists its files, the untracked names still given once.
        let sub = dir.path().join("sub");
        let root = &root.join("app");
        for (repo, file) in [(&sub, "lib.ts"), (root, "app.ts")] {
            std::fs::create_dir_all(repo).unwrap();
            git::test_git(repo, &["init", "-q"]);
            std::fs::write(repo.join(file), "x").unwrap();
            git::test_git(repo, &["add", "-A"]);
            git::test_git(repo, &["commit", "-qm", "x"]);
        }
        git::test_git(
            root,
            &[
                "-c",
                "protocol.file.allow=always",
                "submodule",
                "-q",
                "add",
                "../sub",
                "libs/sub",
            ],
        );
        std::fs::remove_file(root.join(".gitmodules")).unwrap();
        std::fs::write(root.join("new.ts"), "n").unwrap();
        let with_sub = listed_names(root, GitListing::start_as(root, false, false));
        // (`.gitmodules` is still in the index.)
        assert_eq!(
            with_sub,
            [".gitmodules", "app.ts", "libs/sub/lib.ts", "new.ts"]
        );
        for combined in [true, false] {
            let started = GitListing::start_as(root, true, combined);
            assert_eq!(listed_names(root, started), with_sub, "{combined}");
        }
        // The index holds the submodule: git is asked after all.
        let started = GitListing::start(root, Some(&ctx()));
        assert!(started.index_at.is_some());
        assert_eq!(listed_names(root, started), with_sub);
    }

    /// `rel` under `root`, holding its own name.
    fn write_named(root: &Path, rel: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, rel).unwrap();
    }

    /// The directory walk hands the paths out in their bytes' order, as
    /// git lists them: a folder whose name begins another's (`utils`,
    /// `utils.ts`, `utils-old`) after it where the next byte is below
    /// `/`, a file of that name before it, a link to a folder as a file.
    #[test]
    fn the_walk_hands_out_paths_in_their_bytes_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "utils/z.ts",
            "utils.ts",
            "utils-old/a.ts",
            "utils0.ts",
            "util",
            "util.d/x.ts",
            "a b/c.ts",
            "a/b.ts",
            "a.ts",
            "A.ts",
            "src/x/y/z.ts",
            "src/x.y/z.ts",
            "src/x-y.ts",
            "é.ts",
            "e.ts",
        ] {
            write_named(root, rel);
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("utils"), root.join("link")).unwrap();
            write_named(root, "link.ts");
            write_named(root, "link-b/c.ts");
        }
        let mut names = Vec::new();
        let listing = from_walk(root, false, false, &mut |l: Listed| names.push(l.rel));
        assert!(listing.errors.is_empty(), "{:?}", listing.errors);
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert!(names.len() >= 15, "{names:?}");
    }

    /// In a small repository the untracked names are the directory
    /// walk's: the same as git's, through every kind of exclude.
    #[test]
    fn the_walk_finds_the_untracked_names_git_finds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git::test_git(root, &["init", "-q"]);
        let write = |rel: &str| write_named(root, rel);
        std::fs::write(
            root.join(".gitignore"),
            "dist/\n*.log\n!keep.log\n/top-only.txt\nbuild\n",
        )
        .unwrap();
        for rel in ["src/a.ts", "dist/tracked.js", "sub/.gitignore"] {
            write(rel);
        }
        std::fs::write(root.join("sub/.gitignore"), "local.ts\n").unwrap();
        git::test_git(root, &["add", "-A"]);
        git::test_git(root, &["add", "-f", "dist/tracked.js"]);
        git::test_git(root, &["commit", "-qm", "x"]);
        std::fs::write(root.join(".git/info/exclude"), "notes.md\n").unwrap();
        for rel in [
            "src/new.ts",
            "dist/out.js",
            "a.log",
            "deep/b.log",
            "keep.log",
            "top-only.txt",
            "sub/top-only.txt",
            "sub/local.ts",
            "sub/build/x.ts",
            "notes.md",
            "space d/f.ts",
            ".hidden/h.ts",
        ] {
            write(rel);
        }
        // An untracked nested repository: git names its folder only.
        write("nested/x.ts");
        git::test_git(&root.join("nested"), &["init", "-q"]);
        for at in [root.to_path_buf(), root.join("sub")] {
            let by_git = listed_names(&at, GitListing::start_as(&at, true, false));
            let started = GitListing::start(&at, Some(&ctx()));
            assert!(started.walk_untracked && started.untracked.is_none());
            assert_eq!(listed_names(&at, started), by_git, "{}", at.display());
        }
        assert_eq!(
            listed_names(root, GitListing::start(root, Some(&ctx()))),
            [
                ".gitignore",
                ".hidden/h.ts",
                "dist/tracked.js",
                "keep.log",
                "space d/f.ts",
                "src/a.ts",
                "src/new.ts",
                "sub/.gitignore",
                "sub/top-only.txt",
            ]
        );
        // An excludes file the repository's config names: git reads it.
        git::test_git(root, &["config", "core.excludesFile", "/dev/null"]);
        assert!(!GitListing::start(root, Some(&ctx())).walk_untracked);
    }

    /// A work tree whose files are all tracked lists no untracked name,
    /// seen without walking it through its ignore files; anything else
    /// on disk (ignored or not, a link, a nested repository) is left to
    /// the walk, which lists what git lists.
    #[cfg(unix)]
    #[test]
    fn only_tracked_files_on_disk_means_no_untracked_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git::test_git(root, &["init", "-q"]);
        let write = |rel: &str| write_named(root, rel);
        std::fs::write(root.join(".gitignore"), "dist/\n*.log\n").unwrap();
        for rel in ["src/a.ts", "src/deep/b.ts", "docs/c d.md"] {
            write(rel);
        }
        std::os::unix::fs::symlink("src/a.ts", root.join("link.ts")).unwrap();
        git::test_git(root, &["add", "-A"]);
        git::test_git(root, &["commit", "-qm", "x"]);
        // An empty folder and a FIFO: neither git nor the walk lists one.
        std::fs::create_dir(root.join("empty")).unwrap();
        assert!(std::process::Command::new("mkfifo")
            .arg(root.join("src/pipe"))
            .status()
            .unwrap()
            .success());
        let tracked_under = |at: &Path| -> Vec<Vec<u8>> {
            let out = std::process::Command::new("git")
                .args(["ls-files", "-z"])
                .current_dir(at)
                .output()
                .unwrap();
            names(&out.stdout).into_iter().map(<[u8]>::to_vec).collect()
        };
        let only = |at: &Path| {
            let names = tracked_under(at);
            let mut sorted: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
            sorted.sort_unstable();
            let set: std::collections::HashSet<&[u8]> = sorted.iter().copied().collect();
            only_tracked(at, &set, &sorted)
        };
        let same_as_git = |at: &Path| {
            let by_git = listed_names(at, GitListing::start_as(at, true, false));
            assert_eq!(
                listed_names(at, GitListing::start(at, Some(&ctx()))),
                by_git
            );
        };
        assert!(only(root) && only(&root.join("src")));
        same_as_git(root);
        // Untracked, ignored or not, anywhere; a link; a nested repository.
        type Make<'a> = (&'a str, &'a dyn Fn(&Path));
        let untracked: [Make; 4] = [
            ("dist/out.js", &|p| std::fs::write(p, "x").unwrap()),
            ("src/deep/new.log", &|p| std::fs::write(p, "x").unwrap()),
            ("src/other.ts", &|p| {
                std::os::unix::fs::symlink("a.ts", p).unwrap()
            }),
            ("nested/.git", &|p| {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                git::test_git(p.parent().unwrap(), &["init", "-q"]);
            }),
        ];
        for (rel, make) in untracked {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            make(&path);
            assert!(!only(root), "{rel}");
            same_as_git(root);
            if rel.starts_with("dist/") || rel.starts_with("nested/") {
                std::fs::remove_dir_all(root.join(rel.split('/').next().unwrap())).unwrap();
            } else {
                std::fs::remove_file(&path).unwrap();
            }
            assert!(only(root), "{rel} removed");
        }
    }

    /// In a larger repository git is asked for the untracked names only
    /// once a file on disk is seen not to be tracked: a clean checkout
    /// starts no git, and otherwise the names are git's as before.
    #[cfg(unix)]
    #[test]
    fn a_larger_repository_asks_git_for_untracked_names_only_when_there_may_be_some() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git::test_git(root, &["init", "-q"]);
        std::fs::write(root.join(".gitignore"), "node_modules/\n*.log\n").unwrap();
        for i in 0..600 {
            write_named(root, &format!("src/m{}/f{i:03}.ts", i % 7));
        }
        git::test_git(root, &["add", "-A"]);
        git::test_git(root, &["commit", "-qm", "x"]);
        let same_as_git = |at: &Path| {
            let started = GitListing::start(at, Some(&ctx()));
            assert!(started.untracked_later && started.untracked.is_none());
            let by_git = listed_names(at, GitListing::start_as(at, true, false));
            assert_eq!(listed_names(at, started), by_git, "{}", at.display());
            by_git
        };
        assert_eq!(same_as_git(root).len(), 601);
        // Untracked: ignored folders and files, a new file, from the top
        // and from a folder.
        write_named(root, "node_modules/pkg/index.js");
        write_named(root, "src/m1/debug.log");
        assert_eq!(same_as_git(root).len(), 601);
        write_named(root, "src/m2/new.ts");
        assert!(same_as_git(root).contains(&"src/m2/new.ts".to_string()));
        assert!(same_as_git(&root.join("src")).contains(&"m2/new.ts".to_string()));
    }

    fn walked(path: &Path) -> Listed {
        Listed::disk("f.ts".into(), path.to_path_buf(), Some(FileKind::File))
    }

    /// A file the walk saw or git listed is opened once and its open file
    /// gives the size; whatever replaced it since is told apart without
    /// following a link or waiting on a FIFO.
    #[cfg(unix)]
    #[test]
    fn a_listed_file_is_looked_at_through_its_open_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.ts");
        // Walked, and git-listed (no type from a walk): the same.
        for listed in [walked(&p), Listed::disk("f.ts".into(), p.clone(), None)] {
            std::fs::write(&p, "console.log(1)\n").unwrap();
            let looked = listed.look();
            assert_eq!((looked.kind, looked.size), (FileKind::File, 15));
            assert!(looked.file.is_some());
            let mut buf = Vec::new();
            listed.read_into(looked, &mut buf).unwrap();
            assert_eq!(buf, b"console.log(1)\n");

            std::fs::remove_file(&p).unwrap();
            std::os::unix::fs::symlink("/etc/hostname", &p).unwrap();
            assert_eq!(listed.look().kind, FileKind::Symlink);

            std::fs::remove_file(&p).unwrap();
            assert!(std::process::Command::new("mkfifo")
                .arg(&p)
                .status()
                .unwrap()
                .success());
            // No writer: a blocking open would never return.
            assert_eq!(listed.look().kind, FileKind::Gone);

            std::fs::remove_file(&p).unwrap();
            assert_eq!(listed.look().kind, FileKind::Gone);
            std::fs::create_dir(&p).unwrap();
            assert_eq!(listed.look().kind, FileKind::Gone);
            std::fs::remove_dir(&p).unwrap();
        }
    }

    /// Git's own ids (`git hash-object`), SHA-1 and SHA-256.
    #[test]
    fn blob_ids_are_gits() {
        assert_eq!(
            blob_id(b"hello\n", 40).as_deref(),
            Some("ce013625030ba8dba906f756967f9e9ca394464a")
        );
        assert_eq!(
            blob_id(b"hello\n", 64).as_deref(),
            Some("2cf8d83d9ee29543b34a87727421fdecb7e3f3a183d337639025de576db9ebb4")
        );
        assert_eq!(blob_id(b"hello\n", 12), None);
    }
}
