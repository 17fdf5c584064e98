//! `shipcheck install-hook`: a git `pre-push` hook that checks what is being
//! pushed against what the remote already has.

use std::path::{Path, PathBuf};

/// Marks a hook as ours, so reinstalling may replace it.
pub const MARKER: &str = "# installed by `shipcheck install-hook`";

/// The hook. Git feeds one line per pushed ref on stdin:
/// `<local ref> <local sha> <remote ref> <remote sha>`. Each pushed ref is
/// checked with the remote's commit as the base (new branches: the
/// upstream's default branch), only findings on lines the push adds, and
/// the policy of the branch it lands on.
pub fn script() -> String {
    format!(
        r#"#!/bin/sh
{MARKER}
# Blocks a push whose new lines break the deployment checklist.
# Skip once with: git push --no-verify
set -u
command -v shipcheck >/dev/null 2>&1 || {{ echo "shipcheck: not on PATH; install it with: cargo install --locked shipcheck (or --path)" >&2; exit 1; }}
zero=0000000000000000000000000000000000000000
status=0
while read -r local_ref local_sha remote_ref remote_sha; do
  [ "$local_sha" = "$zero" ] && continue  # deleting a branch
  branch=${{remote_ref#refs/heads/}}
  if [ "$remote_sha" = "$zero" ]; then
    base=$(git rev-parse -q --verify "refs/remotes/$1/HEAD" 2>/dev/null || true)
  else
    base=$remote_sha
  fi
  if [ -n "$base" ]; then
    shipcheck check . --branch "$branch" --base "$base" --new-only || status=$?
  else
    shipcheck check . --branch "$branch" || status=$?
  fi
done
exit $status
"#
    )
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
