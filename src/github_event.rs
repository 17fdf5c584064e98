//! The GitHub Actions event that started the run: `$GITHUB_EVENT_NAME` and
//! the webhook payload at `$GITHUB_EVENT_PATH`. Read-only; every field is
//! optional, so a payload of another event (or a trimmed one) still parses.

use serde::Deserialize;
use std::path::Path;

/// The fields of an event payload shipcheck reads. Unknown fields are
/// ignored and missing ones are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Event {
    /// `push`: the commit the ref pointed at before the push (40 zeros when
    /// the push created the ref).
    pub before: Option<String>,
    /// `push`: the commit the ref points at after the push.
    pub after: Option<String>,
    /// `push`: the full ref pushed, `refs/heads/main`.
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// `push`: whether the push created the ref.
    pub created: Option<bool>,
    /// `pull_request` / `pull_request_target`.
    pub pull_request: Option<PullRequest>,
    /// `merge_group` (the merge queue).
    pub merge_group: Option<MergeGroup>,
    pub repository: Option<Repository>,
    /// `workflow_run`: the run that triggered this follow-up workflow.
    pub workflow_run: Option<WorkflowRun>,
    /// `push`: the pushed tip.
    pub head_commit: Option<HeadCommit>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct WorkflowRun {
    pub head_sha: Option<String>,
    pub pull_requests: Vec<PullRequest>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct HeadCommit {
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PullRequest {
    pub number: Option<u64>,
    /// The description; `Closes #N` there closes issue N on merge.
    pub body: Option<String>,
    pub base: Option<CommitRef>,
    pub head: Option<CommitRef>,
}

/// A branch and the commit it pointed at (`pull_request.base`, `.head`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct CommitRef {
    /// The branch name, without `refs/heads/`.
    #[serde(rename = "ref")]
    pub name: Option<String>,
    pub sha: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct MergeGroup {
    pub base_sha: Option<String>,
    /// The full ref of the target branch, `refs/heads/main`.
    pub base_ref: Option<String>,
    pub head_sha: Option<String>,
    pub head_ref: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Repository {
    pub full_name: Option<String>,
    pub default_branch: Option<String>,
}

impl Event {
    pub fn parse(text: &str) -> Result<Event, String> {
        serde_json::from_str(text).map_err(|e| format!("not a JSON event payload: {e}"))
    }

    /// Read a payload file; the error names the file.
    pub fn load(path: &Path) -> Result<Event, String> {
        let what = format!("the event payload {}", path.display());
        let bytes = crate::input_file::read(path, &what, 64 << 20).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{what} is not UTF-8 JSON"))?;
        Event::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// `before` of a push, unless the push created the ref.
    pub fn push_before(&self) -> Option<&str> {
        self.before
            .as_deref()
            .filter(|s| !s.trim().is_empty() && !is_null_sha(s))
    }

    /// Did this push create the ref (`before` is all zeros, or `created`)?
    pub fn push_created_ref(&self) -> bool {
        self.created == Some(true) || self.before.as_deref().is_some_and(is_null_sha)
    }

    /// The branch a push updated (`refs/heads/X` → `X`).
    pub fn pushed_branch(&self) -> Option<&str> {
        self.git_ref
            .as_deref()
            .and_then(|r| r.strip_prefix("refs/heads/"))
    }

    pub fn default_branch(&self) -> Option<&str> {
        self.repository
            .as_ref()
            .and_then(|r| r.default_branch.as_deref())
            .filter(|b| !b.trim().is_empty())
    }

    /// The merge queue's base commit.
    pub fn merge_group_base(&self) -> Option<&str> {
        self.merge_group
            .as_ref()
            .and_then(|m| m.base_sha.as_deref())
            .filter(|s| !s.trim().is_empty() && !is_null_sha(s))
    }

    /// The pull request's base branch name.
    pub fn pull_request_base(&self) -> Option<&str> {
        self.pull_request
            .as_ref()
            .and_then(|p| p.base.as_ref())
            .and_then(|b| b.name.as_deref())
            .filter(|b| !b.trim().is_empty())
    }
}

impl Event {
    /// The commit a check run belongs on: the pull request's head (not the
    /// test-merge commit in `GITHUB_SHA`), then `workflow_run.head_sha`,
    /// then a push's `head_commit.id`. `None`: use `GITHUB_SHA`.
    pub fn head_sha(&self) -> Option<&str> {
        let pr = self
            .pull_request
            .as_ref()
            .and_then(|p| p.head.as_ref())
            .and_then(|h| h.sha.as_deref());
        let run = self
            .workflow_run
            .as_ref()
            .and_then(|w| w.head_sha.as_deref());
        let push = self.head_commit.as_ref().and_then(|c| c.id.as_deref());
        [pr, run, push]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty() && !is_null_sha(s))
    }

    /// The pull request number: `pull_request.number`, else the first pull
    /// request of a `workflow_run`.
    pub fn pull_request_number(&self) -> Option<u64> {
        self.pull_request
            .as_ref()
            .and_then(|p| p.number)
            .or_else(|| {
                self.workflow_run
                    .as_ref()
                    .and_then(|w| w.pull_requests.first())
                    .and_then(|p| p.number)
            })
    }
}

/// The all-zeros object id git and GitHub use for "no commit".
pub fn is_null_sha(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_payload() {
        let e = Event::parse(
            r#"{"ref":"refs/heads/feature/x","before":"1111111111111111111111111111111111111111",
                "after":"2222222222222222222222222222222222222222","created":false,
                "repository":{"full_name":"o/r","default_branch":"main","private":true},
                "commits":[{"id":"2222"}]}"#,
        )
        .unwrap();
        assert_eq!(
            e.push_before(),
            Some("1111111111111111111111111111111111111111")
        );
        assert!(!e.push_created_ref());
        assert_eq!(e.pushed_branch(), Some("feature/x"));
        assert_eq!(e.default_branch(), Some("main"));
    }

    #[test]
    fn new_branch_push_has_no_before() {
        let e = Event::parse(&format!(
            r#"{{"ref":"refs/heads/new","before":"{}","created":true}}"#,
            "0".repeat(40)
        ))
        .unwrap();
        assert_eq!(e.push_before(), None);
        assert!(e.push_created_ref());
    }

    #[test]
    fn merge_group_and_pull_request_payloads() {
        let m = Event::parse(
            r#"{"action":"checks_requested","merge_group":{"base_sha":"abc","base_ref":"refs/heads/main","head_sha":"def","head_ref":"refs/heads/gh-readonly-queue/main/pr-1-abc"}}"#,
        )
        .unwrap();
        assert_eq!(m.merge_group_base(), Some("abc"));
        let p = Event::parse(
            r#"{"number":7,"pull_request":{"number":7,"base":{"ref":"main","sha":"abc"},"head":{"ref":"f","sha":"def"}}}"#,
        )
        .unwrap();
        assert_eq!(p.pull_request_base(), Some("main"));
        assert_eq!(
            p.pull_request.unwrap().head.unwrap().sha.as_deref(),
            Some("def")
        );
    }

    #[test]
    fn missing_and_null_fields_are_tolerated() {
        let e = Event::parse(
            r#"{"before":null,"pull_request":{},"merge_group":{"base_sha":null},"repository":{}}"#,
        )
        .unwrap();
        assert_eq!(e.push_before(), None);
        assert_eq!(e.pull_request_base(), None);
        assert_eq!(e.merge_group_base(), None);
        assert_eq!(e.default_branch(), None);
        assert_eq!(Event::parse("{}").unwrap(), Event::default());
    }

    #[test]
    fn bad_payloads_are_errors_naming_the_file() {
        assert!(Event::parse("not json").is_err());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("event.json");
        std::fs::write(&p, "{").unwrap();
        let err = Event::load(&p).unwrap_err();
        assert!(err.contains("event.json"), "{err}");
        let err = Event::load(&dir.path().join("missing.json")).unwrap_err();
        assert!(err.contains("missing.json"), "{err}");
    }

    #[test]
    fn head_sha_prefers_the_pull_request_head() {
        let pr = Event::parse(
            r#"{"pull_request":{"number":7,"head":{"sha":"def"}},"head_commit":{"id":"zzz"}}"#,
        )
        .unwrap();
        assert_eq!(pr.head_sha(), Some("def"));
        assert_eq!(pr.pull_request_number(), Some(7));
        let run =
            Event::parse(r#"{"workflow_run":{"head_sha":"abc","pull_requests":[{"number":9}]}}"#)
                .unwrap();
        assert_eq!(run.head_sha(), Some("abc"));
        assert_eq!(run.pull_request_number(), Some(9));
        let push = Event::parse(r#"{"head_commit":{"id":"123"}}"#).unwrap();
        assert_eq!(push.head_sha(), Some("123"));
        assert_eq!(Event::default().head_sha(), None);
    }

    #[test]
    fn null_sha() {
        assert!(is_null_sha(&"0".repeat(40)));
        assert!(!is_null_sha("") && !is_null_sha("00a0"));
    }
}
