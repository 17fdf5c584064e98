//! The git CLI, for what only git knows.

use std::path::Path;
use std::process::Command;

/// The current branch of the repository at `root`, `None` when detached,
/// not a repository, or git is missing.
pub fn current_branch(root: &Path) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["symbolic-ref", "--short", "-q", "HEAD"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!name.is_empty()).then_some(name)
}

/// Files named `.env` or `.env.*` that git tracks under `root`, relative to
/// `root`; `None` when `root` is not inside a git work tree (or git is missing).
pub fn tracked_env_files(root: &Path) -> Option<Vec<String>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--", ":(glob)**/.env", ":(glob)**/.env.*"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let mut files: Vec<String> = out
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    files.sort();
    Some(files)
}
