//! `--new-only`: which base to compare with (from `--base` or the Actions
//! event) and which lines are new since it.

use super::history::is_shallow;
use super::{diff_against, git, Change, HistoryProblem};
use crate::github_event::Event;
use crate::run_context::RunContext;
use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;
use std::path::Path;

/// Where `--new-only` compares from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewOnlyBase {
    /// The merge-base of HEAD and this ref.
    Ref(String),
    /// A push that created its branch: compare with the repository's default
    /// branch when it resolves here, else everything on the branch is new.
    NewBranch {
        pushed: Option<String>,
        default_branch: Option<String>,
    },
    /// Nothing names a base; says what was looked at.
    Missing(String),
}

/// The base for `--new-only`: `--base`, else `origin/$GITHUB_BASE_REF`
/// (pull requests), else from the Actions event: `pull_request` and
/// `pull_request_target` → `origin/<base branch>`, `push` → the payload's
/// `before` (a new branch: [`NewOnlyBase::NewBranch`]), `merge_group` →
/// `merge_group.base_sha`.
pub fn new_only_base(
    explicit: Option<&str>,
    github_base_ref: Option<&str>,
    github_ref_name: Option<&str>,
    event: Option<(&str, &Result<Event, String>)>,
) -> NewOnlyBase {
    if let Some(base) = explicit {
        return NewOnlyBase::Ref(base.to_string());
    }
    if let Some(b) = github_base_ref.map(str::trim).filter(|b| !b.is_empty()) {
        return NewOnlyBase::Ref(format!("origin/{b}"));
    }
    let Some((name, payload)) = event else {
        return NewOnlyBase::Missing("no --base given and not in GitHub Actions".into());
    };
    let payload = match payload {
        Ok(p) => p,
        Err(e) => return NewOnlyBase::Missing(format!("the {name} event payload: {e}")),
    };
    match name {
        "pull_request" | "pull_request_target" => match payload.pull_request_base() {
            Some(b) => NewOnlyBase::Ref(format!("origin/{b}")),
            None => NewOnlyBase::Missing(format!(
                "the {name} event names no base branch (GITHUB_BASE_REF is empty)"
            )),
        },
        "push" => {
            if let Some(before) = payload.push_before() {
                NewOnlyBase::Ref(before.to_string())
            } else if payload.push_created_ref() {
                NewOnlyBase::NewBranch {
                    pushed: payload
                        .pushed_branch()
                        .map(String::from)
                        .or(github_ref_name.map(String::from))
                        .filter(|b| !b.is_empty()),
                    default_branch: payload.default_branch().map(String::from),
                }
            } else {
                NewOnlyBase::Missing("the push event payload has no `before` commit".into())
            }
        }
        "merge_group" => match payload.merge_group_base() {
            Some(sha) => NewOnlyBase::Ref(sha.to_string()),
            None => NewOnlyBase::Missing("the merge_group event payload has no base_sha".into()),
        },
        other => NewOnlyBase::Missing(format!("the {other} event names no base")),
    }
}

/// [`new_only_base`] from the run's Actions variables and event.
pub fn new_only_base_of(explicit: Option<&str>, ctx: &RunContext) -> NewOnlyBase {
    new_only_base(
        explicit,
        ctx.var("GITHUB_BASE_REF"),
        ctx.var("GITHUB_REF_NAME"),
        ctx.event.as_ref().map(|(n, p)| (n.as_str(), p)),
    )
}

/// What `--new-only` counts as new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewLines {
    /// Everything is new: a first commit, or a new branch with no default
    /// branch to compare with.
    Everything,
    /// Files added or modified since the merge-base, and their added or
    /// changed lines (1-based, in HEAD).
    Changed {
        base: String,
        files: HashSet<String>,
        lines: HashMap<String, Vec<RangeInclusive<u32>>>,
    },
}

impl NewLines {
    pub fn file_changed(&self, path: &str) -> bool {
        match self {
            NewLines::Everything => true,
            NewLines::Changed { files, lines, .. } => {
                files.contains(path) || lines.contains_key(path)
            }
        }
    }

    /// Does any line of `first..=last` in `path` count as changed?
    pub fn lines_changed(&self, path: &str, first: u32, last: u32) -> bool {
        match self {
            NewLines::Everything => true,
            NewLines::Changed { lines, .. } => lines.get(path).is_some_and(|ranges| {
                ranges
                    .iter()
                    .any(|r| *r.start() <= last.max(first) && first <= *r.end())
            }),
        }
    }
}

/// Is HEAD a root commit of a full (not shallow) history: a first commit?
fn is_first_commit(root: &Path, head: &str) -> bool {
    !is_shallow(root) && git(root, &["rev-parse", "--verify", "-q", &format!("{head}^")]).is_err()
}

fn resolves(root: &Path, rev: &str) -> bool {
    git(
        root,
        &["rev-parse", "--verify", "-q", &format!("{rev}^{{commit}}")],
    )
    .is_ok()
}

/// For a push that created its branch: the default branch to compare with
/// (`origin/<default>` when the payload names it, else `origin/HEAD`),
/// `None` when the pushed branch is the default branch itself or no default
/// branch resolves here.
fn default_branch_ref(
    root: &Path,
    pushed: Option<&str>,
    default_branch: Option<&str>,
) -> Option<String> {
    let origin_head = git(
        root,
        &["symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD"],
    )
    .ok()
    .map(|o| String::from_utf8_lossy(&o).trim().to_string());
    let default_name = default_branch.map(String::from).or_else(|| {
        origin_head
            .as_deref()
            .and_then(|h| h.strip_prefix("origin/"))
            .map(String::from)
    });
    if pushed.is_some() && pushed == default_name.as_deref() {
        return None;
    }
    default_name
        .map(|d| format!("origin/{d}"))
        .into_iter()
        .chain(std::iter::once("origin/HEAD".to_string()))
        .find(|r| resolves(root, r))
}

/// The lines `--new-only` keeps: those added or changed in HEAD since its
/// merge-base with the base. Committed changes only: the working tree is
/// judged as if it were HEAD.
pub fn new_lines(root: &Path, head: &str, base: &NewOnlyBase) -> Result<NewLines, HistoryProblem> {
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
    let base = match base {
        NewOnlyBase::Missing(why) => return Err(HistoryProblem::NoBase { why: why.clone() }),
        NewOnlyBase::Ref(r) => r.clone(),
        NewOnlyBase::NewBranch {
            pushed,
            default_branch,
        } => match default_branch_ref(root, pushed.as_deref(), default_branch.as_deref()) {
            Some(r) => r,
            None => return Ok(NewLines::Everything),
        },
    };
    let diff = match diff_against(root, head, &base) {
        Ok(d) => d,
        // Every line of a first commit is new, whatever the base.
        Err(HistoryProblem::UnknownBase { .. } | HistoryProblem::NoMergeBase { .. })
            if is_first_commit(root, head) =>
        {
            return Ok(NewLines::Everything)
        }
        Err(p) => return Err(p),
    };
    let lines = changed_lines_since(root, &diff.merge_base, head).map_err(|error| {
        HistoryProblem::DiffFailed {
            base: base.clone(),
            error,
        }
    })?;
    let files = diff
        .changes
        .into_iter()
        .filter(|(c, _)| *c != Change::Deleted)
        .map(|(_, p)| p)
        .collect();
    Ok(NewLines::Changed { base, files, lines })
}

/// Added and changed lines of every file in HEAD against `rev`, relative
/// to `root`: one `git diff -U0` for the whole repository. Renames are
/// followed, so a moved file contributes only the lines that changed.
pub fn changed_lines_since(
    root: &Path,
    rev: &str,
    head: &str,
) -> Result<HashMap<String, Vec<RangeInclusive<u32>>>, String> {
    let out = git(
        root,
        &[
            "-c",
            "core.quotePath=false",
            "diff",
            "-U0",
            "-M",
            "--relative",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            rev,
            head,
        ],
    )?;
    Ok(parse_zero_context_diff(&String::from_utf8_lossy(&out)))
}

/// The new-side line ranges of each file in a `-U0` unified diff. Hunk
/// bodies are skipped by their counts, so an added line that happens to
/// start with `++ ` is never mistaken for a file header.
pub fn parse_zero_context_diff(diff: &str) -> HashMap<String, Vec<RangeInclusive<u32>>> {
    let mut out: HashMap<String, Vec<RangeInclusive<u32>>> = HashMap::new();
    let mut current: Option<String> = None;
    let mut lines = diff.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("diff --git ") {
            current = None;
        } else if let Some(rest) = line.strip_prefix("+++ ") {
            current = diff_header_path(rest);
        } else if line.starts_with("@@ ") {
            let Some((old_count, start, count)) = parse_hunk_header(line) else {
                continue;
            };
            if let (Some(path), true) = (&current, count > 0) {
                out.entry(path.clone())
                    .or_default()
                    .push(start.max(1)..=start.max(1) + count - 1);
            }
            let mut body = u64::from(old_count) + u64::from(count);
            while body > 0 {
                match lines.next() {
                    Some(l) if l.starts_with('\\') => {} // "\ No newline at end of file"
                    Some(_) => body -= 1,
                    None => break,
                }
            }
        }
    }
    out
}

/// `@@ -a[,b] +c[,d] @@` → (b, c, d); a missing count is 1.
fn parse_hunk_header(line: &str) -> Option<(u32, u32, u32)> {
    let mut words = line.split_whitespace().skip(1);
    let old = words.next()?.strip_prefix('-')?;
    let new = words.next()?.strip_prefix('+')?;
    let range = |s: &str| -> Option<(u32, u32)> {
        match s.split_once(',') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    let (_, old_count) = range(old)?;
    let (start, count) = range(new)?;
    Some((old_count, start, count))
}

/// The path of a `+++ ` header: `b/` stripped, C-style quotes undone, `None`
/// for `/dev/null`. Git appends a tab to names containing a space.
fn diff_header_path(rest: &str) -> Option<String> {
    let rest = rest.strip_suffix('\t').unwrap_or(rest);
    if rest == "/dev/null" {
        return None;
    }
    let name = if rest.starts_with('"') {
        unquote_c(rest)?
    } else {
        rest.to_string()
    };
    name.strip_prefix("b/").map(String::from)
}

/// Undo git's C-style quoting of a path: `"a\tb\303\251"` → `a<TAB>bé`.
fn unquote_c(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut bytes = Vec::with_capacity(inner.len());
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        let e = it.next()?;
        bytes.push(match e {
            b'a' => 0x07,
            b'b' => 0x08,
            b't' => b'\t',
            b'n' => b'\n',
            b'v' => 0x0b,
            b'f' => 0x0c,
            b'r' => b'\r',
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match it.peek() {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            it.next();
                        }
                        _ => break,
                    }
                }
                u8::try_from(v).ok()?
            }
            other => other,
        });
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunk_headers_with_and_without_counts() {
        let diff = "diff --git a/src/a.ts b/src/a.ts\nindex 1..2 100644\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -3,0 +4,2 @@ function f() {\n+console.log(1);\n+++ x;\n@@ -10 +12 @@\n-old\n+new\n@@ -20,2 +21,0 @@\n-gone\n-gone too\ndiff --git a/new.py b/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+# TODO\n\\ No newline at end of file\ndiff --git a/del.txt b/del.txt\ndeleted file mode 100644\n--- a/del.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n";
        let m = parse_zero_context_diff(diff);
        assert_eq!(m["src/a.ts"], vec![4..=5, 12..=12]);
        assert_eq!(m["new.py"], vec![1..=1]);
        assert_eq!(m.len(), 2, "{m:?}");
    }

    #[test]
    fn added_lines_that_look_like_headers_are_content() {
        // "+++ b/evil" here is an added line "++ b/evil", inside the hunk body.
        let diff = "--- a/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+++ b/evil\n@@ -5 +6 @@\n-q\n+r\n";
        let m = parse_zero_context_diff(diff);
        assert_eq!(m["x"], vec![1..=2, 6..=6]);
        assert!(!m.contains_key("evil"));
    }

    #[test]
    fn quoted_and_spaced_paths() {
        let diff = "--- a/my file.ts\t\n+++ b/my file.ts\t\n@@ -1 +1 @@\n-a\n+b\n--- a/q\n+++ \"b/tab\\there\\303\\251.ts\"\n@@ -0,0 +7,3 @@\n+1\n+2\n+3\n";
        let m = parse_zero_context_diff(diff);
        assert_eq!(m["my file.ts"], vec![1..=1]);
        assert_eq!(m["tab\thereé.ts"], vec![7..=9]);
    }

    #[test]
    fn pure_renames_and_binaries_have_no_lines() {
        let diff = "diff --git a/a.ts b/b.ts\nsimilarity index 100%\nrename from a.ts\nrename to b.ts\ndiff --git a/i.png b/i.png\nBinary files a/i.png and b/i.png differ\n";
        assert!(parse_zero_context_diff(diff).is_empty());
    }

    #[test]
    fn new_lines_overlap() {
        let n = NewLines::Changed {
            base: "main".into(),
            files: ["a.ts".to_string(), "b.ts".to_string()].into(),
            lines: [("a.ts".to_string(), vec![4..=5, 12..=12])].into(),
        };
        assert!(n.lines_changed("a.ts", 5, 5) && n.lines_changed("a.ts", 1, 4));
        assert!(!n.lines_changed("a.ts", 6, 11) && !n.lines_changed("b.ts", 1, 1));
        assert!(n.file_changed("b.ts") && !n.file_changed("c.ts"));
        assert!(NewLines::Everything.lines_changed("z", 1, 1));
    }

    #[test]
    fn base_resolution_from_events() {
        let ok = |json: &str| Ok::<_, String>(Event::parse(json).unwrap());
        assert_eq!(
            new_only_base(Some("dev"), Some("main"), None, None),
            NewOnlyBase::Ref("dev".into())
        );
        assert_eq!(
            new_only_base(None, Some("main"), None, None),
            NewOnlyBase::Ref("origin/main".into())
        );
        let pr = ok(r#"{"pull_request":{"base":{"ref":"release/2"}}}"#);
        assert_eq!(
            new_only_base(None, Some(""), None, Some(("pull_request_target", &pr))),
            NewOnlyBase::Ref("origin/release/2".into())
        );
        let push = ok(r#"{"ref":"refs/heads/f","before":"abc123"}"#);
        assert_eq!(
            new_only_base(None, None, None, Some(("push", &push))),
            NewOnlyBase::Ref("abc123".into())
        );
        let created = ok(&format!(
            r#"{{"ref":"refs/heads/f","before":"{}","repository":{{"default_branch":"trunk"}}}}"#,
            "0".repeat(40)
        ));
        assert_eq!(
            new_only_base(None, None, None, Some(("push", &created))),
            NewOnlyBase::NewBranch {
                pushed: Some("f".into()),
                default_branch: Some("trunk".into())
            }
        );
        let mg = ok(r#"{"merge_group":{"base_sha":"def456"}}"#);
        assert_eq!(
            new_only_base(None, None, None, Some(("merge_group", &mg))),
            NewOnlyBase::Ref("def456".into())
        );
        for (name, payload) in [
            ("workflow_dispatch", ok("{}")),
            ("push", ok("{}")),
            ("merge_group", ok("{}")),
            (
                "push",
                Err("cannot read the event payload e.json".to_string()),
            ),
        ] {
            assert!(
                matches!(
                    new_only_base(None, None, None, Some((name, &payload))),
                    NewOnlyBase::Missing(_)
                ),
                "{name}"
            );
        }
        assert!(matches!(
            new_only_base(None, None, None, None),
            NewOnlyBase::Missing(_)
        ));
    }
}
