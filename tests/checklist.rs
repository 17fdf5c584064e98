//! The checklist as the pull request's report, from the real binary: the
//! demo's check-run summary laid out as the checklist, `ci:` items ticked
//! from the head commit's other check runs on a fake GitHub (passed,
//! failed, still running, unreadable), and `checklist/unticked` driven by
//! pull request payloads (unticked, ticked, edited, no description, not a
//! release branch, no pull request at all).

#[path = "github_publish/fake.rs"]
#[allow(
    dead_code,
    reason = "comment and retry scripts are github_publish.rs's"
)]
mod fake;
mod support;

use fake::{Fake, Script, TOKEN};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::{area, fixture, git, run, shipcheck, write, Run};

const HEAD_SHA: &str = "1111111111111111111111111111111111111111";

/// A run inside "GitHub Actions" on a pull request event written to
/// `event`, publishing to `api` when given.
fn in_actions(root: &Path, event: &Path, api: Option<&str>, args: &[&str]) -> Run {
    let payload: Value = serde_json::from_str(&std::fs::read_to_string(event).unwrap()).unwrap();
    let base = payload["pull_request"]["base"]["ref"].as_str().unwrap();
    let mut cmd = shipcheck();
    cmd.arg("check").arg(root).args(args);
    // As Actions sets it on a pull_request event.
    cmd.env("GITHUB_BASE_REF", base);
    cmd.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_REPOSITORY", "acme/app")
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", event)
        .env("GITHUB_SHA", "2222222222222222222222222222222222222222")
        .env("GITHUB_RUN_ID", "42")
        .env("SHIPCHECK_GITHUB_BACKOFF_MS", "10")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .timeout(Duration::from_secs(60));
    if let Some(api) = api {
        cmd.env("GITHUB_TOKEN", TOKEN).env("GITHUB_API_URL", api);
    } else {
        cmd.env_remove("GITHUB_TOKEN");
    }
    run(&mut cmd)
}

/// [`in_actions`] with `--github` against `fake`, JSON on stdout.
fn published(root: &Path, event: &Path, fake: &Fake) -> Run {
    in_actions(
        root,
        event,
        Some(&fake.url),
        &["--format", "json", "--github"],
    )
}

/// A `pull_request` event into `base` with this description.
fn event(dir: &Path, action: &str, base: &str, body: Value, changes: Value) -> PathBuf {
    let path = dir.join(format!("event-{action}.json"));
    std::fs::write(
        &path,
        json!({
            "action": action, "number": 7, "changes": changes,
            "pull_request": {"number": 7, "body": body,
                "head": {"ref": "feature", "sha": HEAD_SHA},
                "base": {"ref": base, "sha": "3333333333333333333333333333333333333333"}},
            "repository": {"full_name": "acme/app", "default_branch": "main"}
        })
        .to_string(),
    )
    .unwrap();
    path
}

/// The final summary the fake received for the shipcheck check run.
fn summary(fake: &Fake) -> String {
    let last = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .filter_map(|r| r.body)
        .next_back()
        .expect("a completing update");
    assert_eq!(last["status"], "completed");
    last["output"]["summary"].as_str().unwrap().to_string()
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr))
}

fn item<'a>(v: &'a Value, text: &str) -> &'a Value {
    v["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == text)
        .unwrap_or_else(|| panic!("no item {text:?} in {}", v["checklist"]))
}

fn unticked(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "checklist/unticked")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

const CONFIG: &str = "checklist:\n  require-on: release\n  sections:\n    - section: Database\n      items:\n        - item: Database migrations are up to date\n          area: migrations\n        - Database backup system tested\n        - Point-in-time recovery enabled\n    - section: Before deploying\n      items:\n        - Team notified of the deployment\n";

fn clean_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, "src/app.js", "export const add = (a, b) => a + b;\n");
    write(&root, ".shipcheck.yml", CONFIG);
    commit_with_bases(&root);
    dir
}

/// A git repository whose one commit is also `origin/main` and
/// `origin/feature/x`, as a pull request's checkout with history has them.
fn commit_with_bases(root: &Path) {
    git(root, &["init", "-q", "-b", "feature"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "init"]);
    for base in ["main", "feature/x"] {
        git(
            root,
            &["update-ref", &format!("refs/remotes/origin/{base}"), "HEAD"],
        );
    }
}

#[test]
fn unticked_manual_items_block_a_pull_request_into_a_release_branch_until_ticked() {
    let dir = clean_repo();
    let root = dir.path().join("repo");
    let fake = Fake::start(Script::Ok);
    let body = "## Checklist\n- [ ] Database backup system tested\n- [ ] Point-in-time recovery enabled\n- [x] Team notified of the deployment\n<!-- - [x] Database backup system tested -->\n```\n- [x] Point-in-time recovery enabled\n```\n";
    let opened = event(dir.path(), "opened", "main", json!(body), json!(null));
    let r = published(&root, &opened, &fake);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    assert_eq!(
        unticked(&v),
        [
            "checklist item not ticked in the pull request's description: `Database backup system tested` (Database)",
            "checklist item not ticked in the pull request's description: `Point-in-time recovery enabled` (Database)",
        ]
    );
    assert_eq!(
        item(&v, "Team notified of the deployment")["state"],
        "ticked"
    );
    assert_eq!(
        item(&v, "Database backup system tested")["state"],
        "unticked"
    );
    let area = area(&v, "checklist").expect("the checklist area is shown when ticking is required");
    assert_eq!(area["status"], "failed");
    let md = summary(&fake);
    assert!(md.contains("- [ ] Database backup system tested\n"), "{md}");
    assert!(
        md.contains("- [x] Team notified of the deployment\n"),
        "{md}"
    );
    assert!(md.contains("**checklist/unticked**"), "{md}");
    assert!(
        md.contains("editing the description runs this check again"),
        "{md}"
    );

    // The author ticks the boxes: GitHub sends `edited` with the new body
    // (and the old one under `changes`), and the same check passes.
    let ticked = body.replace("- [ ]", "- [x]");
    let edited = event(
        dir.path(),
        "edited",
        "main",
        json!(ticked),
        json!({"body": {"from": body}}),
    );
    let fake = Fake::start(Script::Ok);
    let r = published(&root, &edited, &fake);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    assert!(unticked(&v).is_empty(), "{}", r.stdout);
    for text in [
        "Database backup system tested",
        "Point-in-time recovery enabled",
        "Team notified of the deployment",
    ] {
        assert_eq!(item(&v, text)["state"], "ticked", "{text}");
    }
    let md = summary(&fake);
    assert!(md.contains("- [x] Database backup system tested\n"), "{md}");
    let run = fake.runs().pop().unwrap();
    assert_eq!(run["conclusion"], "success");

    // A description with no boxes at all (GitHub sends `null`): every
    // manual item is unticked.
    let empty = event(dir.path(), "reopened", "main", json!(null), json!(null));
    let r = in_actions(&root, &empty, None, &["--format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(unticked(&json_of(&r)).len(), 3, "{}", r.stdout);
}

#[test]
fn ticking_is_not_required_off_release_branches_nor_judged_without_a_pull_request() {
    let dir = clean_repo();
    let root = dir.path().join("repo");
    // Into a feature branch: the boxes are shown, nothing is required.
    let into_feature = event(dir.path(), "opened", "feature/x", json!(""), json!(null));
    let r = in_actions(&root, &into_feature, None, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    assert!(unticked(&v).is_empty());
    assert_eq!(
        item(&v, "Database backup system tested")["state"],
        "unticked"
    );
    assert!(area(&v, "checklist").is_none());

    // A local run judged by main's policy: no description to read, so the
    // area is "not checked" (never ticked), and nothing blocks.
    let r = run(shipcheck()
        .arg("check")
        .arg(&root)
        .args(["--branch", "main", "--format", "json"])
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_BASE_REF"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    let area = area(&v, "checklist").expect("shown as not checked");
    assert_eq!(area["status"], "not_checked");
    assert!(area["reason"]
        .as_str()
        .unwrap()
        .contains("no pull request description"));
    assert_eq!(item(&v, "Database backup system tested")["state"], "manual");

    // Turned off: no finding, and the area is not shown.
    write(
        &root,
        ".shipcheck.yml",
        format!("{CONFIG}rules:\n  checklist/unticked: off\n"),
    );
    let empty = event(dir.path(), "opened", "main", json!(""), json!(null));
    let r = in_actions(&root, &empty, None, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(unticked(&json_of(&r)).is_empty());
}

#[test]
fn ci_items_are_ticked_from_the_head_commits_other_check_runs() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, "src/app.js", "export const add = (a, b) => a + b;\n");
    commit_with_bases(&root);
    let runs = vec![
        json!({"id": 1, "name": "test (ubuntu-latest)", "head_sha": HEAD_SHA,
            "status": "completed", "conclusion": "success",
            "html_url": "https://github.com/acme/app/runs/1"}),
        json!({"id": 2, "name": "Lint", "head_sha": HEAD_SHA,
            "status": "completed", "conclusion": "failure",
            "html_url": "https://github.com/acme/app/runs/2"}),
        json!({"id": 3, "name": "build", "head_sha": HEAD_SHA,
            "status": "in_progress", "conclusion": null,
            "html_url": "https://github.com/acme/app/runs/3"}),
        // Another commit's run, and an earlier shipcheck run: not read.
        json!({"id": 4, "name": "typecheck", "head_sha": "9999999999999999999999999999999999999999",
            "status": "completed", "conclusion": "failure"}),
        json!({"id": 5, "name": "shipcheck", "head_sha": HEAD_SHA,
            "status": "completed", "conclusion": "failure"}),
    ];
    let fake = Fake::start_with_runs(Script::Ok, runs);
    let ev = event(
        dir.path(),
        "synchronize",
        "feature/x",
        json!(""),
        json!(null),
    );
    let r = published(&root, &ev, &fake);
    // The other checks gate themselves: their state is shown, not judged.
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    assert_eq!(item(&v, "All tests pass")["state"], "passed");
    assert_eq!(
        item(&v, "All tests pass")["check_runs"][0]["name"],
        "test (ubuntu-latest)"
    );
    assert_eq!(item(&v, "No ESLint errors")["state"], "failed");
    assert_eq!(item(&v, "Build succeeds")["state"], "pending");
    assert_eq!(item(&v, "No TypeScript errors")["state"], "not_checked");
    let md = summary(&fake);
    assert!(
        md.contains("- ✅ All tests pass — [`test (ubuntu-latest)`](https://github.com/acme/app/runs/1) passed\n"),
        "{md}"
    );
    assert!(md.contains("- ❌ No ESLint errors — [`Lint`]("), "{md}");
    assert!(md.contains("- ⏳ Build succeeds — [`build`]("), "{md}");
    assert!(md.contains("still running"), "{md}");
    assert!(md.contains("`workflow_run: types: [completed]`"), "{md}");
    assert!(
        md.contains(
            "- ⚪ No TypeScript errors — not checked: no check run on this commit is named like"
        ),
        "{md}"
    );

    // A token without `checks: read`: said, never ticked.
    let fake = Fake::start(Script::ListForbidden);
    let r = published(&root, &ev, &fake);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    let tests = item(&v, "All tests pass");
    assert_eq!(tests["state"], "not_checked");
    assert!(
        tests["reason"].as_str().unwrap().contains("checks: read"),
        "{tests}"
    );
}

#[test]
fn the_demos_check_run_summary_renders_the_checklist() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::start(Script::Ok);
    let ev = event(dir.path(), "opened", "main", json!(""), json!(null));
    let r = published(&fixture("elearning-platform"), &ev, &fake);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let md = summary(&fake);
    let sections = [
        "**Code &amp; Build**",
        "**Environment Configuration**",
        "**Database**",
        "**Security**",
        "**Infrastructure**",
        "**Before deploying**",
        "**Also checked**",
    ];
    let mut at = 0;
    for s in sections {
        let i = md[at..]
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing or out of order:\n{md}"));
        at += i + s.len();
    }
    // Automated items link to their findings at the head commit.
    let blob = format!("https://github.com/acme/app/blob/{HEAD_SHA}/");
    assert!(
        md.contains(&format!(
            "- ❌ All console.logs removed from production code — 6 errors: [`apps/api/src/routes/auth.ts:84`]({blob}apps/api/src/routes/auth.ts#L84)"
        )),
        "{md}"
    );
    assert!(
        md.contains("- ❌ Nginx reverse proxy configured — "),
        "{md}"
    );
    // Without a database the migrations item is not ticked.
    assert!(
        md.contains("- ⚪ Database migrations are up to date — not checked: no `--database-url`"),
        "{md}"
    );
    assert!(md.contains("- [ ] Database backup system tested\n"), "{md}");
    // The header records what was judged.
    assert!(
        md.contains(
            "newest migration `20260210120000_add_video_transcoding` (`prisma/migrations`)"
        ),
        "{md}"
    );
    assert!(md.contains("environments: production"), "{md}");
    assert!(md.contains("database: not checked"), "{md}");
    let v = json_of(&r);
    assert!(v["checklist"].as_array().unwrap().len() > 30);
}

/// A checklist with no `ci:` item never asks GitHub for the other check
/// runs: one request fewer, and no `checks: read` needed.
#[test]
fn no_ci_items_no_check_runs_request() {
    let dir = clean_repo();
    let root = dir.path().join("repo");
    let fake = Fake::start(Script::Ok);
    let ev = event(dir.path(), "opened", "feature/x", json!(""), json!(null));
    let r = published(&root, &ev, &fake);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        !fake
            .requests()
            .iter()
            .any(|q| q.method == "GET" && q.path.contains("/commits/")),
        "{:?}",
        fake.requests().iter().map(|q| &q.path).collect::<Vec<_>>()
    );
    assert_eq!(
        fake.runs().len(),
        1,
        "the check run itself is still created"
    );
}
