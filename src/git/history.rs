//! The branch against its base: what changed since the merge-base, and the
//! files as they were there (the migration checks against the base branch).

use super::git;
use std::path::Path;

/// Why the history needed for diff-aware checks is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryProblem {
    NotARepository,
    /// HEAD has no commit yet.
    NoCommits,
    /// The base ref does not resolve; `shallow` says whether this is a shallow clone.
    UnknownBase {
        base: String,
        shallow: bool,
    },
    /// Base and HEAD share no commit.
    NoMergeBase {
        base: String,
        shallow: bool,
    },
    /// `--new-only` was given nothing to compare with; `why` says what was looked at.
    NoBase {
        why: String,
    },
    /// `git diff` against the merge-base failed.
    DiffFailed {
        base: String,
        error: String,
    },
}

impl HistoryProblem {
    /// One sentence saying what is missing and how to get it.
    pub fn explain(&self) -> String {
        match self {
            HistoryProblem::NotARepository => "the path is not inside a git repository".into(),
            HistoryProblem::NoCommits => "the repository has no commits yet".into(),
            HistoryProblem::UnknownBase { base, shallow: true } => format!(
                "the base ref {base} is not in this shallow clone: fetch it (`git fetch --unshallow origin` or `git fetch origin {}`), or check out with `fetch-depth: 0` in actions/checkout",
                base.trim_start_matches("origin/")
            ),
            HistoryProblem::UnknownBase { base, shallow: false } => {
                format!("the base ref {base} does not exist here: check the name or `git fetch origin` first")
            }
            HistoryProblem::NoMergeBase { base, shallow: true } => format!(
                "this shallow clone does not reach the commit where the branch left {base}: check out with `fetch-depth: 0` (actions/checkout) or run `git fetch --unshallow`"
            ),
            HistoryProblem::NoMergeBase { base, shallow: false } => {
                format!("the branch shares no history with {base}, so nothing can be compared against it")
            }
            HistoryProblem::NoBase { why } => format!(
                "there is no base to compare with ({why}): pass --base REF (in GitHub Actions the pull_request, push and merge_group events name one)"
            ),
            HistoryProblem::DiffFailed { base, error } => {
                format!("`git diff` against {base} failed: {error}")
            }
        }
    }
}

/// How a file changed since the merge-base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Modified,
    Deleted,
}

/// The branch's changes against the merge-base of HEAD and `base`, with
/// paths relative to `root` (which may be a subdirectory of the repository).
#[derive(Debug, Clone)]
pub struct Diff {
    pub base: String,
    pub merge_base: String,
    pub changes: Vec<(Change, String)>,
}

impl Diff {
    pub fn status(&self, path: &str) -> Option<Change> {
        self.changes
            .iter()
            .find(|(_, p)| p == path)
            .map(|(c, _)| *c)
    }
}

pub(super) fn is_shallow(root: &Path) -> bool {
    git(root, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|o| o.starts_with(b"true"))
}

/// The changes of `head` (`HEAD`, or the commit `--rev` names) against its
/// merge-base with `base`.
pub fn diff_against(root: &Path, head: &str, base: &str) -> Result<Diff, HistoryProblem> {
    if git(root, &["rev-parse", "--git-dir"]).is_err() {
        return Err(HistoryProblem::NotARepository);
    }
    if git(
        root,
        &["rev-parse", "--verify", "-q", &format!("{head}^{{commit}}")],
    )
    .is_err()
    {
        return Err(HistoryProblem::NoCommits);
    }
    let spec = format!("{base}^{{commit}}");
    if git(root, &["rev-parse", "--verify", "-q", &spec]).is_err() {
        return Err(HistoryProblem::UnknownBase {
            base: base.to_string(),
            shallow: is_shallow(root),
        });
    }
    let merge_base = git(root, &["merge-base", head, base])
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .map_err(|_| HistoryProblem::NoMergeBase {
            base: base.to_string(),
            shallow: is_shallow(root),
        })?;
    let out = git(
        root,
        &[
            "diff",
            "--name-status",
            "-z",
            "--no-renames",
            "--relative",
            &merge_base,
            head,
        ],
    )
    .map_err(|_| HistoryProblem::NoMergeBase {
        base: base.to_string(),
        shallow: is_shallow(root),
    })?;
    let mut changes = Vec::new();
    let mut fields = out.split(|&b| b == 0).filter(|f| !f.is_empty());
    while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
        let change = match status.first() {
            Some(b'A') => Change::Added,
            Some(b'D') => Change::Deleted,
            _ => Change::Modified,
        };
        changes.push((change, String::from_utf8_lossy(path).into_owned()));
    }
    changes.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Diff {
        base: base.to_string(),
        merge_base,
        changes,
    })
}

/// A file's text at `rev` (path relative to `root`), `None` if absent.
pub fn file_at(root: &Path, rev: &str, path: &str) -> Option<String> {
    git(root, &["show", &format!("{rev}:./{path}")])
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Files under `dir` at `rev`, relative to `root`.
pub fn files_at(root: &Path, rev: &str, dir: &str) -> Vec<String> {
    let dir = if dir.is_empty() { "." } else { dir };
    git(
        root,
        &["ls-tree", "-r", "--name-only", "-z", rev, "--", dir],
    )
    .map(|o| {
        o.split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect()
    })
    .unwrap_or_default()
}

/// First added/changed line of `path` in `head` against `rev` (1-based).
pub fn first_changed_line(root: &Path, rev: &str, head: &str, path: &str) -> Option<u32> {
    let out = git(root, &["diff", "-U0", "--relative", rev, head, "--", path]).ok()?;
    let text = String::from_utf8_lossy(&out);
    let hunk = text.lines().find(|l| l.starts_with("@@"))?;
    let plus = hunk.split_whitespace().find(|w| w.starts_with('+'))?;
    plus.trim_start_matches('+')
        .split(',')
        .next()?
        .parse()
        .ok()
        .map(|n: u32| n.max(1))
}

/// The `-U0` diff of `path` between `rev` and `head`: changed lines only.
pub fn changed_lines(root: &Path, rev: &str, head: &str, path: &str) -> Vec<String> {
    git(root, &["diff", "-U0", "--relative", rev, head, "--", path])
        .map(|o| {
            String::from_utf8_lossy(&o)
                .lines()
                .filter(|l| {
                    (l.starts_with('+') || l.starts_with('-'))
                        && !l.starts_with("+++")
                        && !l.starts_with("---")
                })
                .map(|l| l[1..].to_string())
                .collect()
        })
        .unwrap_or_default()
}
