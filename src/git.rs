//! The git CLI, for what only git knows.

use crate::run_context::RunContext;
use std::path::Path;
use std::process::Command;

mod history;
mod new_only;

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
pub fn current_branch(root: &Path) -> Option<String> {
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
        &[
            "rev-parse",
            "--verify",
            "-q",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map(|o| String::from_utf8_lossy(&o).trim().to_string())
    .map_err(|_| format!("--rev {rev}: no such commit in {}", root.display()))
}

/// The commit `HEAD` points at in a work tree already known to be one
/// (`None` before the first commit): one git call, no second probe.
pub fn head_commit(root: &Path) -> Option<String> {
    git(root, &["rev-parse", "--verify", "-q", "HEAD^{commit}"])
        .ok()
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .filter(|s| !s.is_empty())
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

/// A local branch whose tip is `commit` (the first by name), if any.
pub fn branch_at(root: &Path, commit: &str) -> Option<String> {
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
