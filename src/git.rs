//! The git CLI, for what only git knows.

use crate::run_context::RunContext;
use std::path::Path;
use std::process::Command;

mod history;
mod new_only;
mod objects;

pub use history::*;
pub use new_only::*;

/// `git -C root`, trusting the one repository being checked for this
/// command only: a checkout owned by another user (a container job's
/// workspace) makes git refuse with "dubious ownership", and shipcheck only
/// reads. `safe.directory` is set on the command line, never in any config
/// file, and names the work tree that holds `root`, not `*`.
pub fn command(root: &Path) -> Command {
    let mut c = Command::new("git");
    if let Some(top) = work_tree_top(root) {
        let mut trust = std::ffi::OsString::from("safe.directory=");
        trust.push(top.as_os_str());
        c.arg("-c").arg(trust);
    }
    c.arg("-C").arg(root);
    c
}

/// Whether a `git` program is in one of `PATH`'s folders (what starting
/// git would find), without starting it.
pub fn on_path(ctx: &RunContext) -> bool {
    let program = if cfg!(windows) { "git.exe" } else { "git" };
    ctx.vars()
        .get("PATH")
        .is_some_and(|path| std::env::split_paths(path).any(|dir| dir.join(program).is_file()))
}

/// Variables that, set (in a hook, by a wrapper), may point git at
/// another repository than the `.git` under the work tree.
const REPOSITORY_VARS: [&str; 3] = ["GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR"];

/// Whether a variable set in the run's environment (by a hook, by a
/// wrapper) may point git at another repository or index than the files
/// under `.git`: then only git answers.
pub fn redirected(ctx: &RunContext) -> bool {
    REPOSITORY_VARS
        .iter()
        .chain(&["GIT_INDEX_FILE"])
        .any(|v| ctx.vars().contains_key(*v))
}

/// The nearest directory at or above `root` holding `.git` (a directory or
/// a worktree's file), canonical; `None` outside any work tree.
pub fn work_tree_top(root: &Path) -> Option<std::path::PathBuf> {
    let start = root.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// What git can say about `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repository {
    /// Inside a work tree git can read.
    WorkTree,
    /// No `.git` at or above `root`: not a repository.
    None,
    /// A `.git` is there but git could not read it: not installed, or it
    /// failed (the reason, git's first line of stderr).
    Unavailable(String),
}

/// Probe `root` once: is it a work tree git can read?
pub fn repository(root: &Path) -> Repository {
    if work_tree_top(root).is_none() {
        return Repository::None;
    }
    match command(root)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
    {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Repository::Unavailable("git is not installed or not on PATH".to_string())
        }
        Err(e) => Repository::Unavailable(format!("cannot run git: {e}")),
        Ok(o) if o.status.success() && o.stdout.starts_with(b"true") => Repository::WorkTree,
        Ok(o) => Repository::Unavailable(
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .next()
                .unwrap_or("git failed")
                .trim()
                .to_string(),
        ),
    }
}

/// Is `root` itself a bare repository (objects and refs, no work tree)?
pub fn is_bare_repository(root: &Path) -> bool {
    root.join("HEAD").is_file()
        && root.join("objects").is_dir()
        && root.join("refs").is_dir()
        && !root.join(".git").exists()
}

/// The current branch of the repository at `root`, `None` when detached,
/// not a repository, or git is missing.
pub fn current_branch(root: &Path, ctx: &RunContext) -> Option<String> {
    match head_file(root, ctx) {
        Some(Head::Detached(_)) => None,
        Some(Head::Branch {
            refname,
            common,
            git_dir,
        }) => {
            let name = refname.strip_prefix("refs/heads/")?;
            // A branch that is itself a symbolic ref (git follows it), or
            // a name another ref has too (`--short` then answers
            // `heads/<name>`): git answers.
            let symbolic = std::fs::read_to_string(common.join(&refname))
                .is_ok_and(|loose| !is_object_id(loose.strip_suffix('\n').unwrap_or(&loose)));
            let packed = std::fs::read_to_string(common.join("packed-refs")).unwrap_or_default();
            if symbolic || shared_name(name, &common, &git_dir, &packed) {
                branch_from_git(root)
            } else {
                Some(name.to_string())
            }
        }
        None => branch_from_git(root),
    }
}

/// Whether another ref than branch `name` answers to `name` (git's short
/// name is then `heads/<name>`): a top-level ref, `refs/<name>`, a tag, a
/// remote or its `HEAD` by that name, loose or packed.
fn shared_name(name: &str, common: &Path, git_dir: &Path, packed: &str) -> bool {
    let others = [
        name.to_string(),
        format!("refs/{name}"),
        format!("refs/tags/{name}"),
        format!("refs/remotes/{name}"),
        format!("refs/remotes/{name}/HEAD"),
    ];
    others.iter().any(|other| {
        common.join(other).exists()
            || git_dir.join(other).exists()
            || packed
                .lines()
                .any(|line| line.split_once(' ').is_some_and(|(_, r)| r == other))
    })
}

/// [`current_branch`], as git answers it.
fn branch_from_git(root: &Path) -> Option<String> {
    let out = command(root)
        .args(["symbolic-ref", "--short", "-q", "HEAD"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!name.is_empty()).then_some(name)
}

/// `--rev REV` as a full commit id, or one line saying why not.
pub fn resolve_commit(root: &Path, rev: &str) -> Result<String, String> {
    let commit = format!("{rev}^{{commit}}");
    // One process where all is well: a work tree, a commit and its tree
    // (`--revs-only` leaves out what does not resolve; a range gives more
    // lines, a `^`-prefixed one among them).
    if work_tree_top(root).is_some() {
        let tree = format!("{rev}^{{tree}}");
        let asked = [
            "rev-parse",
            "--is-inside-work-tree",
            "--revs-only",
            "--end-of-options",
            &commit,
            &tree,
        ];
        if let Ok(out) = git(root, &asked) {
            let out = String::from_utf8_lossy(&out);
            if let ["true", id, tree] = out.lines().collect::<Vec<_>>()[..] {
                if is_object_id(id) && is_object_id(tree) {
                    TREES
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(id.to_string(), tree.to_string());
                    return Ok(id.to_string());
                }
            }
        }
    }
    // Else the reason, asked as before.
    match repository(root) {
        Repository::WorkTree => {}
        Repository::None => {
            return Err(format!(
                "--rev {rev}: {} is not in a git repository",
                root.display()
            ))
        }
        Repository::Unavailable(why) => return Err(format!("--rev {rev}: {why}")),
    }
    git(
        root,
        &["rev-parse", "--verify", "-q", "--end-of-options", &commit],
    )
    .map(|o| String::from_utf8_lossy(&o).trim().to_string())
    .map_err(|_| format!("--rev {rev}: no such commit in {}", root.display()))
}

/// The trees of the commits [`resolve_commit`] resolved, by commit id (a
/// commit's id names its tree in any repository).
static TREES: std::sync::Mutex<std::collections::BTreeMap<String, String>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// The id of commit `commit`'s tree (`commit` a full id): resolved with
/// it, else read from the object store (see [`objects`]), else asked of
/// git.
pub fn tree_of(root: &Path, commit: &str, ctx: &RunContext) -> Option<String> {
    if let Some(tree) = TREES.lock().unwrap_or_else(|e| e.into_inner()).get(commit) {
        return Some(tree.clone());
    }
    if let Some(tree) = tree_from_files(root, commit, ctx) {
        return Some(tree);
    }
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "-q",
            "--end-of-options",
            &format!("{commit}^{{tree}}"),
        ],
    )
    .ok()
    .map(|o| String::from_utf8_lossy(&o).trim().to_string())
    .filter(|t| is_object_id(t))
}

/// [`tree_of`] read from the object store's files, where the context does
/// not point git elsewhere and `root` is in a work tree (not in its `.git`).
fn tree_from_files(root: &Path, commit: &str, ctx: &RunContext) -> Option<String> {
    objects::commit_tree(&objects_dir(root, ctx)?, commit)
}

/// The size of blob `blob` (a full id) read from the object store's files,
/// as [`tree_from_files`] reads them (`Some(None)`: the store does not
/// hold it); `None` where git should say.
pub fn blob_size(root: &Path, blob: &str, ctx: &RunContext) -> Option<Option<u64>> {
    objects::blob_size(&objects_dir(root, ctx)?, blob)
}

/// The object store of the work tree holding `root`, where the context
/// does not point git elsewhere and `root` is not in `.git` itself.
fn objects_dir(root: &Path, ctx: &RunContext) -> Option<std::path::PathBuf> {
    if REPOSITORY_VARS
        .iter()
        .chain(&["GIT_OBJECT_DIRECTORY"])
        .any(|v| ctx.vars().contains_key(*v))
    {
        return None;
    }
    let top = work_tree_top(root)?;
    if root.canonicalize().ok()?.starts_with(top.join(".git")) {
        return None;
    }
    let (_, common) = ref_dirs(root)?;
    Some(common.join("objects"))
}

/// `--rev REV` as a full commit id: [`resolve_commit`], without starting
/// git where `REV` is `HEAD` or a full commit id and the files say what it
/// is (`HEAD` from its files, the commit's tree from the object store,
/// kept for [`tree_of`]).
pub fn resolve_commit_in(root: &Path, rev: &str, ctx: &RunContext) -> Result<String, String> {
    let commit = if rev == "HEAD" {
        head_from_files(root, ctx).flatten()
    } else {
        is_object_id(rev).then(|| rev.to_string())
    };
    if let Some(commit) = commit {
        if let Some(tree) = tree_from_files(root, &commit, ctx) {
            TREES
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(commit.clone(), tree);
            return Ok(commit);
        }
    }
    resolve_commit(root, rev)
}

/// The commit `HEAD` points at in a work tree already known to be one
/// (`None` before the first commit): one git call, no second probe.
pub fn head_commit(root: &Path, ctx: &RunContext) -> Option<String> {
    if let Some(commit) = head_from_files(root, ctx) {
        return commit;
    }
    git(root, &["rev-parse", "--verify", "-q", "HEAD^{commit}"])
        .ok()
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The commit `HEAD` points at, read from the files git keeps it in
/// (`HEAD`, the loose ref, `packed-refs`; a linked worktree's `gitdir:`
/// and `commondir`), without starting git: a process costs about a
/// millisecond, a small app's whole check a dozen. `Some(None)` before the
/// first commit; `None` where the files say something only git should
/// interpret (a reftable store, a `HEAD` that is a link, a symbolic ref
/// pointing at another, a name with white space, anything unexpected):
/// git is asked then. Called once git has listed the work tree.
fn head_from_files(root: &Path, ctx: &RunContext) -> Option<Option<String>> {
    let (refname, common) = match head_file(root, ctx)? {
        Head::Detached(id) => return Some(Some(id)),
        Head::Branch {
            refname, common, ..
        } => (refname, common),
    };
    match std::fs::read_to_string(common.join(&refname)) {
        Ok(loose) => {
            let loose = loose.strip_suffix('\n').unwrap_or(&loose);
            is_object_id(loose).then(|| Some(loose.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            match std::fs::read_to_string(common.join("packed-refs")) {
                Ok(packed) => Some(packed.lines().find_map(|line| {
                    let (id, name) = line.split_once(' ')?;
                    (name == refname && is_object_id(id)).then(|| id.to_string())
                })),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(None),
                Err(_) => None,
            }
        }
        Err(_) => None,
    }
}

/// The work tree's git folder and the one its refs are shared in (a linked
/// worktree's `gitdir:` and `commondir`); `None` for a reftable store.
fn ref_dirs(root: &Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let top = work_tree_top(root)?;
    let dot_git = top.join(".git");
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else {
        let link = std::fs::read_to_string(&dot_git).ok()?;
        top.join(link.strip_prefix("gitdir:")?.trim())
    };
    let common = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(c) => git_dir.join(c.trim()),
        Err(_) => git_dir.clone(),
    };
    if common.join("reftable").exists() || git_dir.join("reftable").exists() {
        return None;
    }
    Some((git_dir, common))
}

/// What `HEAD` holds, read from its file.
enum Head {
    /// A commit id.
    Detached(String),
    /// A branch (`refs/heads/…`, checked to be a plain name), and the
    /// folder its loose ref and `packed-refs` are in.
    Branch {
        refname: String,
        common: std::path::PathBuf,
        git_dir: std::path::PathBuf,
    },
}

/// `HEAD` read from its file (see [`head_from_files`]): `None` where only
/// git should interpret it.
fn head_file(root: &Path, ctx: &RunContext) -> Option<Head> {
    // Set, they may name another repository: git, which sees them,
    // answers. (The index file does not matter to HEAD.)
    if REPOSITORY_VARS.iter().any(|v| ctx.vars().contains_key(*v)) {
        return None;
    }
    let (git_dir, common) = ref_dirs(root)?;
    let head_path = git_dir.join("HEAD");
    if std::fs::symlink_metadata(&head_path)
        .ok()?
        .file_type()
        .is_symlink()
    {
        return None;
    }
    let head = std::fs::read_to_string(head_path).ok()?;
    let head = head.strip_suffix('\n').unwrap_or(&head);
    let Some(refname) = head.strip_prefix("ref: ") else {
        return is_object_id(head).then(|| Head::Detached(head.to_string()));
    };
    if !refname.starts_with("refs/heads/")
        || refname.contains(char::is_whitespace)
        || refname
            .split('/')
            .any(|part| part.is_empty() || part == "..")
    {
        return None;
    }
    Some(Head::Branch {
        refname: refname.to_string(),
        common,
        git_dir,
    })
}

/// A full SHA-1 or SHA-256 object id in lower-case hex.
fn is_object_id(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The remote's default branch as this clone knows it: `<remote>/HEAD`'s
/// target, else `<remote>/main`, else `<remote>/master` — as (ref to diff
/// against, branch name). `None` when the clone knows none of them.
pub fn remote_default_branch(root: &Path, remote: &str) -> Option<(String, String)> {
    if let Ok(out) = git(
        root,
        &["symbolic-ref", "-q", &format!("refs/remotes/{remote}/HEAD")],
    ) {
        let target = String::from_utf8_lossy(&out).trim().to_string();
        let prefix = format!("refs/remotes/{remote}/");
        if let Some(name) = target.strip_prefix(&prefix) {
            return Some((format!("{remote}/{name}"), name.to_string()));
        }
    }
    ["main", "master"].iter().find_map(|name| {
        let reference = format!("refs/remotes/{remote}/{name}");
        git(root, &["rev-parse", "--verify", "-q", &reference])
            .ok()
            .map(|_| (format!("{remote}/{name}"), name.to_string()))
    })
}

/// A local branch whose tip is `commit` (the first by name), if any: read
/// from the ref files (see [`branch_at_from_files`]), else asked of git.
pub fn branch_at(root: &Path, commit: &str, ctx: &RunContext) -> Option<String> {
    if let Some(found) = branch_at_from_files(root, commit, ctx) {
        return found;
    }
    let out = git(
        root,
        &[
            "for-each-ref",
            "--points-at",
            commit,
            "--format=%(refname:short)",
            "refs/heads/",
        ],
    )
    .ok()?;
    String::from_utf8_lossy(&out)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(String::from)
}

/// [`branch_at`] read from the files git keeps branches in (the loose refs
/// under `refs/heads`, `packed-refs`), without starting git; `None` where
/// only git should say (a variable pointing git elsewhere, a reftable
/// store, a symbolic or malformed ref, a name another ref has too).
fn branch_at_from_files(root: &Path, commit: &str, ctx: &RunContext) -> Option<Option<String>> {
    if REPOSITORY_VARS.iter().any(|v| ctx.vars().contains_key(*v)) || !is_object_id(commit) {
        return None;
    }
    let (git_dir, common) = ref_dirs(root)?;
    let packed = match std::fs::read_to_string(common.join("packed-refs")) {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(_) => return None,
    };
    // By name, as `for-each-ref` sorts them; a loose ref over a packed one.
    let mut heads = std::collections::BTreeMap::new();
    for line in packed.lines() {
        if line.starts_with('#') || line.starts_with('^') {
            continue;
        }
        let (id, name) = line.split_once(' ')?;
        if let Some(name) = name.strip_prefix("refs/heads/") {
            heads.insert(name.to_string(), id == commit);
        }
    }
    let mut folders = vec![(common.join("refs/heads"), String::new())];
    while let Some((folder, prefix)) = folders.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(_) => return None,
        };
        for entry in entries {
            let entry = entry.ok()?;
            let name = format!("{prefix}{}", entry.file_name().to_str()?);
            let kind = entry.file_type().ok()?;
            if kind.is_dir() {
                folders.push((entry.path(), format!("{name}/")));
                continue;
            }
            if name.ends_with(".lock") {
                // A ref being written: git skips it.
                continue;
            }
            let plain = !name.contains(|c: char| c.is_whitespace() || "~^:?*[\\".contains(c))
                && !name.contains("..")
                && !name.contains("@{")
                && name
                    .split('/')
                    .all(|p| !p.is_empty() && !p.starts_with('.'));
            if !kind.is_file() || !plain {
                return None;
            }
            let id = std::fs::read_to_string(entry.path()).ok()?;
            let id = id.strip_suffix('\n').unwrap_or(&id);
            if !is_object_id(id) {
                return None;
            }
            heads.insert(name, id == commit);
        }
    }
    match heads.into_iter().find_map(|(name, at)| at.then_some(name)) {
        None => Some(None),
        Some(name) if shared_name(&name, &common, &git_dir, &packed) => None,
        Some(name) => Some(Some(name)),
    }
}

/// Run git in `root`; stdout on success, stderr's first line on failure.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = command(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_string())
    }
}

/// The ref the migration rules compare against: `--base`, else
/// `origin/$GITHUB_BASE_REF` in a pull request workflow. Narrower than
/// [`new_only_base`] on purpose: a push's `before` commit is usually not in
/// a shallow Actions checkout, and the migration rules judge what a branch
/// brings into its base, which only a pull request (or `--base`) names.
pub fn base_ref(explicit: Option<&str>, ctx: &RunContext) -> Option<String> {
    explicit.map(String::from).or_else(|| {
        ctx.var("GITHUB_BASE_REF")
            .map(|b| format!("origin/{}", b.trim()))
    })
}

/// Unit tests' git: a command in a scratch repository that must succeed,
/// its output trimmed (integration tests have `tests/support`).
#[cfg(test)]
pub(crate) fn test_git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_git as run;

    /// What git itself answers, for comparison.
    fn from_git(dir: &Path) -> Option<String> {
        git(dir, &["rev-parse", "--verify", "-q", "HEAD^{commit}"])
            .ok()
            .map(|o| String::from_utf8_lossy(&o).trim().to_string())
    }

    /// Read from the files, `HEAD`'s commit and branch are what git says:
    /// unborn, on a branch (loose, then packed), detached, in a linked
    /// worktree, from a subfolder; git is asked where the files need it.
    #[test]
    fn head_read_from_the_files_is_what_git_says() {
        let ctx = RunContext::from_vars(Default::default(), (2026, 1, 1)).unwrap();
        let same_branch = |dir: &Path| {
            assert_eq!(current_branch(dir, &ctx), branch_from_git(dir), "{dir:?}");
            current_branch(dir, &ctx)
        };
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(repo.join("src")).unwrap();
        run(&repo, &["init", "-q"]);
        assert_eq!(head_from_files(&repo, &ctx), Some(None));
        assert_eq!(from_git(&repo), None);
        assert!(same_branch(&repo).is_some(), "an unborn branch has a name");

        std::fs::write(repo.join("src/a.ts"), "a\n").unwrap();
        run(&repo, &["add", "."]);
        run(&repo, &["commit", "-qm", "one"]);
        run(&repo, &["checkout", "-qb", "feature/x"]);
        let first = run(&repo, &["rev-parse", "HEAD"]);
        assert_eq!(
            head_from_files(&repo.join("src"), &ctx),
            Some(Some(first.clone()))
        );
        assert_eq!(same_branch(&repo.join("src")).as_deref(), Some("feature/x"));

        run(&repo, &["pack-refs", "--all"]);
        assert!(!repo.join(".git/refs/heads/feature/x").exists());
        assert_eq!(head_from_files(&repo, &ctx), Some(from_git(&repo)));
        assert_eq!(same_branch(&repo).as_deref(), Some("feature/x"));

        run(&repo, &["checkout", "-q", "--detach", &first]);
        assert_eq!(head_from_files(&repo, &ctx), Some(Some(first.clone())));
        assert_eq!(same_branch(&repo), None, "detached");
        run(&repo, &["checkout", "-q", "feature/x"]);

        let linked = dir.path().join("linked");
        run(
            &repo,
            &[
                "worktree",
                "add",
                "-q",
                "-b",
                "other",
                linked.to_str().unwrap(),
            ],
        );
        std::fs::write(linked.join("b.ts"), "b\n").unwrap();
        run(&linked, &["add", "."]);
        run(&linked, &["commit", "-qm", "two"]);
        let there = head_from_files(&linked, &ctx).unwrap();
        assert_eq!(there, from_git(&linked));
        assert_eq!(same_branch(&linked).as_deref(), Some("other"));

        // A tag with the branch's name: git shortens to `heads/<name>`.
        run(&repo, &["tag", "feature/x"]);
        assert_eq!(same_branch(&repo).as_deref(), Some("heads/feature/x"));
        run(&repo, &["tag", "-d", "feature/x"]);
        // A branch that is a symbolic ref to another: git follows it.
        run(
            &repo,
            &["symbolic-ref", "refs/heads/alias", "refs/heads/feature/x"],
        );
        run(&repo, &["symbolic-ref", "HEAD", "refs/heads/alias"]);
        assert_eq!(same_branch(&repo).as_deref(), Some("feature/x"));
        run(&repo, &["symbolic-ref", "HEAD", "refs/heads/feature/x"]);
        assert_eq!(same_branch(&repo).as_deref(), Some("feature/x"));
        assert_ne!(there.as_deref(), Some(first.as_str()));

        // GIT_DIR and its kin set: git, which sees them, is asked.
        let redirected = RunContext::from_vars(
            [("GIT_DIR".to_string(), "/elsewhere/.git".to_string())].into(),
            (2026, 1, 1),
        )
        .unwrap();
        assert_eq!(head_from_files(&repo, &redirected), None);
        // White space after the name (git trims it), a symbolic ref
        // pointing at another, a `HEAD` that is a link: git is asked.
        let head = repo.join(".git/HEAD");
        std::fs::write(&head, "ref: refs/heads/feature/x \n").unwrap();
        assert_eq!(head_from_files(&repo, &ctx), None);
        std::fs::write(&head, "ref: refs/remotes/origin/HEAD\n").unwrap();
        assert_eq!(head_from_files(&repo, &ctx), None);
        #[cfg(unix)]
        {
            std::fs::remove_file(&head).unwrap();
            std::os::unix::fs::symlink("refs/heads/feature/x", &head).unwrap();
            assert_eq!(head_from_files(&repo, &ctx), None);
        }
    }

    /// A repository on `main` with two commits: it, its path, their ids.
    fn two_commits() -> (tempfile::TempDir, std::path::PathBuf, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        run(&repo, &["init", "-q", "-b", "main"]);
        std::fs::write(repo.join("a.ts"), "a\n").unwrap();
        run(&repo, &["add", "."]);
        run(&repo, &["commit", "-qm", "one"]);
        let first = run(&repo, &["rev-parse", "HEAD"]);
        std::fs::write(repo.join("a.ts"), "b\n").unwrap();
        run(&repo, &["commit", "-qam", "two"]);
        let second = run(&repo, &["rev-parse", "HEAD"]);
        (dir, repo, first, second)
    }

    /// `for-each-ref --points-at`'s first local branch at a commit.
    fn branch_from_refs(dir: &Path, commit: &str) -> Option<String> {
        let out = run(
            dir,
            &[
                "for-each-ref",
                "--points-at",
                commit,
                "--format=%(refname:short)",
                "refs/heads/",
            ],
        );
        out.lines().next().map(str::to_string)
    }

    /// The branches at a commit read from the ref files are git's: none,
    /// loose and packed ones (the first by name), nested names, a lock
    /// file beside them; git is asked where a name is shared or a ref is
    /// symbolic.
    #[test]
    fn the_branch_at_a_commit_read_from_the_files_is_what_git_says() {
        let ctx = RunContext::from_vars(Default::default(), (2026, 1, 1)).unwrap();
        let (_dir, repo, first, second) = two_commits();
        let same = |commit: &str| {
            let files = branch_at_from_files(&repo, commit, &ctx);
            let git = branch_from_refs(&repo, commit);
            assert_eq!(branch_at(&repo, commit, &ctx), git, "{commit}");
            if let Some(files) = files {
                assert_eq!(files, git, "{commit}");
            }
            git
        };
        assert_eq!(same(&first), None);
        assert_eq!(same(&second).as_deref(), Some("main"));
        run(&repo, &["branch", "zeta", &first]);
        run(&repo, &["branch", "release/1.0", &first]);
        assert_eq!(same(&first).as_deref(), Some("release/1.0"));
        run(&repo, &["pack-refs", "--all"]);
        assert!(!repo.join(".git/refs/heads/zeta").exists());
        assert_eq!(same(&first).as_deref(), Some("release/1.0"));
        // Moved since it was packed: the loose ref is the branch.
        run(&repo, &["branch", "-f", "release/1.0", &second]);
        assert_eq!(same(&first).as_deref(), Some("zeta"));
        assert_eq!(same(&second).as_deref(), Some("main"));
        run(&repo, &["branch", "a-first", &second]);
        assert_eq!(same(&second).as_deref(), Some("a-first"));
        std::fs::write(repo.join(".git/refs/heads/0.lock"), format!("{second}\n")).unwrap();
        assert_eq!(same(&second).as_deref(), Some("a-first"));
        // A tag of the same name: git says `heads/<name>`.
        run(&repo, &["tag", "a-first"]);
        assert_eq!(branch_at_from_files(&repo, &second, &ctx), None);
        assert_eq!(same(&second).as_deref(), Some("heads/a-first"));
        // A symbolic branch: git answers.
        run(
            &repo,
            &["symbolic-ref", "refs/heads/alias", "refs/heads/main"],
        );
        assert_eq!(branch_at_from_files(&repo, &second, &ctx), None);
        same(&second);
        // GIT_DIR and its kin set: git, which sees them, is asked.
        let redirected = RunContext::from_vars(
            [("GIT_DIR".to_string(), "/elsewhere/.git".to_string())].into(),
            (2026, 1, 1),
        )
        .unwrap();
        assert_eq!(branch_at_from_files(&repo, &first, &redirected), None);
    }

    /// One process resolves a revision and its tree; what it cannot
    /// resolve gets the same error as before.
    #[test]
    fn a_revision_resolves_with_its_tree() {
        let (_dir, repo, parent, head) = two_commits();
        assert_eq!(resolve_commit(&repo, "main").as_deref(), Ok(head.as_str()));
        let tree = run(&repo, &["rev-parse", "HEAD^{tree}"]);
        let ctx = RunContext::from_vars(Default::default(), (2026, 1, 1)).unwrap();
        assert_eq!(tree_of(&repo, &head, &ctx).as_deref(), Some(tree.as_str()));
        let parent_tree = run(&repo, &["rev-parse", "HEAD~1^{tree}"]);
        assert_eq!(
            tree_of(&repo, &parent, &ctx).as_deref(),
            Some(parent_tree.as_str())
        );
        let no = |rev: &str| format!("--rev {rev}: no such commit in {}", repo.display());
        for rev in ["nope", "HEAD~1..HEAD", "HEAD^{tree}", "--all", "HEAD HEAD"] {
            assert_eq!(resolve_commit(&repo, rev), Err(no(rev)), "{rev}");
            assert_eq!(resolve_commit_in(&repo, rev, &ctx), Err(no(rev)), "{rev}");
        }
        // From the files: HEAD, a commit's id (its tree kept), loose and
        // packed; a tree's id or an unknown one is git's to refuse.
        for _ in 0..2 {
            assert_eq!(
                resolve_commit_in(&repo, "HEAD", &ctx).as_deref(),
                Ok(head.as_str())
            );
            assert_eq!(
                resolve_commit_in(&repo, &parent, &ctx).as_deref(),
                Ok(parent.as_str())
            );
            assert_eq!(
                tree_from_files(&repo, &parent, &ctx).as_deref(),
                Some(parent_tree.as_str())
            );
            for rev in [tree.as_str(), &"0".repeat(40)] {
                assert_eq!(resolve_commit_in(&repo, rev, &ctx), Err(no(rev)), "{rev}");
            }
            run(&repo, &["gc", "-q", "--prune=now"]);
        }
        // In `.git` itself: git says whether that is a work tree.
        let inside = repo.join(".git");
        assert_eq!(tree_from_files(&inside, &head, &ctx), None);
        assert_eq!(
            resolve_commit_in(&inside, "HEAD", &ctx),
            resolve_commit(&inside, "HEAD")
        );
    }
}
