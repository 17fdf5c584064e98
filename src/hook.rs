//! `shipcheck install-hook`: a git `pre-push` hook that checks what is being
//! pushed against what the remote already has.

use std::path::{Path, PathBuf};

/// Marks a hook as ours, so reinstalling may replace it.
pub const MARKER: &str = "# installed by `shipcheck install-hook`";

/// The hook: POSIX `sh` (Git for Windows runs it with its bash), handing
/// git's arguments and stdin to `shipcheck pre-push`, which does the work.
pub fn script() -> String {
    format!(
        r#"#!/bin/sh
{MARKER}
# Blocks a push whose new lines break the deployment checklist: each pushed
# commit is judged as committed (not the checkout), on the lines it adds
# against what the remote has, by the policy of the branch it will merge into.
# Skip once with: git push --no-verify
command -v shipcheck >/dev/null 2>&1 || {{
  echo "shipcheck: not on PATH; install it: npm i -D shipcheck, pipx install shipcheck or cargo install --locked shipcheck" >&2
  exit 1
}}
exec shipcheck pre-push "$@"
"#
    )
}

/// One ref of a push, as git hands it to the pre-push hook on stdin:
/// `<local ref> <local sha> <remote ref> <remote sha>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRef {
    pub local_ref: String,
    pub local_sha: String,
    pub remote_ref: String,
    pub remote_sha: String,
}

impl PushedRef {
    /// The refs of git's pre-push input; malformed lines are errors (git
    /// never writes them, so something else is feeding the command).
    pub fn parse_all(input: &str) -> anyhow::Result<Vec<PushedRef>> {
        input
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
                [_, b, _, d] if !is_object_id(b) || !is_object_id(d) => anyhow::bail!(
                    "pre-push: expected hexadecimal commit ids on stdin, got {l:?}"
                ),
                [a, b, c, d] => Ok(PushedRef {
                    local_ref: a.into(),
                    local_sha: b.into(),
                    remote_ref: c.into(),
                    remote_sha: d.into(),
                }),
                _ => anyhow::bail!(
                    "pre-push: expected `<local ref> <local sha> <remote ref> <remote sha>` on stdin, got {l:?}"
                ),
            })
            .collect()
    }

    fn deletes(&self) -> bool {
        is_zero(&self.local_sha)
    }

    /// The branch on the remote (`refs/heads/feature` → `feature`).
    pub fn remote_branch(&self) -> &str {
        self.remote_ref
            .strip_prefix("refs/heads/")
            .unwrap_or(&self.remote_ref)
    }
}

/// A SHA-1 or SHA-256 object id, as git writes them.
fn is_object_id(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_zero(sha: &str) -> bool {
    !sha.is_empty() && sha.bytes().all(|b| b == b'0')
}

/// How one pushed ref is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The pushed commit (`--rev`).
    pub rev: String,
    /// The base whose merge-base with `rev` starts the new lines; `None`:
    /// every line counts as new.
    pub base: Option<String>,
    /// The branch whose policy applies (`--branch`).
    pub policy_branch: String,
    /// What the hook tells the user about the base and policy.
    pub about: String,
}

/// The plan for each pushed ref (deletions have none). `policy_branch` is
/// `hook.policy-branch` from the pushed commit's config, asked per commit.
pub fn plan(
    root: &Path,
    remote: &str,
    pushed: &[PushedRef],
    policy_branch: impl Fn(&str) -> Option<String>,
) -> Vec<Plan> {
    let default = crate::git::remote_default_branch(root, remote);
    pushed
        .iter()
        .filter(|p| !p.deletes())
        .map(|p| {
            let short = &p.local_sha[..p.local_sha.len().min(12)];
            let (base, about_base) = if !is_zero(&p.remote_sha)
                && crate::git::resolve_commit(root, &p.remote_sha).is_ok()
            {
                let remote_short = &p.remote_sha[..p.remote_sha.len().min(12)];
                (
                    Some(p.remote_sha.clone()),
                    format!("new lines since {remote}'s {remote_short}"),
                )
            } else {
                match &default {
                    Some((reference, _)) => (
                        Some(reference.clone()),
                        format!("new lines since the merge-base with {reference}"),
                    ),
                    None => (
                        None,
                        format!(
                            "{remote} has no default branch known here ({remote}/HEAD, {remote}/main, {remote}/master): every line counts as new"
                        ),
                    ),
                }
            };
            let (policy, why) = match policy_branch(&p.local_sha) {
                Some(b) => (b, "hook.policy-branch"),
                None => match &default {
                    Some((_, name)) => (name.clone(), "the remote's default branch"),
                    None => (p.remote_branch().to_string(), "the pushed branch"),
                },
            };
            Plan {
                rev: p.local_sha.clone(),
                base,
                about: format!(
                    "shipcheck pre-push: {} ({short}) to {remote}/{}: {about_base}; policy of {policy} ({why})",
                    p.local_ref,
                    p.remote_branch()
                ),
                policy_branch: policy,
            }
        })
        .collect()
}

/// Where git keeps the hook for the repository at `root`.
fn hook_path(root: &Path) -> anyhow::Result<PathBuf> {
    let out = crate::git::command(root)
        .args(["rev-parse", "--git-path", "hooks/pre-push"])
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run git: {e}"))?;
    if !out.status.success() {
        anyhow::bail!("{} is not inside a git repository", root.display());
    }
    let rel = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let p = PathBuf::from(&rel);
    Ok(if p.is_absolute() { p } else { root.join(p) })
}

/// Install the hook; a hook that is not ours is kept unless `force`.
pub fn install(root: &Path, force: bool) -> anyhow::Result<PathBuf> {
    let path = hook_path(root)?;
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if !existing.contains(MARKER) && !force {
            anyhow::bail!(
                "{} already exists and was not written by shipcheck; pass --force to replace it (or call `shipcheck check` from it)",
                path.display()
            );
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&path, script())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| anyhow::anyhow!("cannot make {} executable: {e}", path.display()))?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_refs_must_carry_commit_ids() {
        let sha = "a".repeat(40);
        let zero = "0".repeat(40);
        let ok = format!("refs/heads/x {sha} refs/heads/x {zero}\n");
        assert_eq!(PushedRef::parse_all(&ok).unwrap().len(), 1);
        for bad in ["refs/heads/x ééé refs/heads/x 000\n", "a b c\n"] {
            assert!(PushedRef::parse_all(bad).is_err(), "{bad}");
        }
    }
}
