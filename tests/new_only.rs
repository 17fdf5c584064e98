//! `--new-only` on real git repositories built here: a main branch with
//! existing findings and a PR branch that adds one console.log to an old file
//! and a new file with a TODO — with `--base`, and with the bases GitHub
//! Actions events name (pull_request, push, merge_group, a new branch), a
//! first commit, and shallow clones that lack the base.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::{finding_lines, git, json, run, shipcheck, write};

const OLD_TS: &str = "export function start() {\n  console.log(\"old\");\n  return 1;\n}\n\nexport function stop() {\n  return 0;\n}\n";

/// What main already has: console.log in src/old.ts:2, a TODO in
/// src/legacy.py:1, a committed .env.local (a file-level finding).
const MAIN_FINDINGS: [&str; 3] = [
    "debug/console src/old.ts:3",
    "env/committed-env-file .env.local:null",
    "todo/untracked src/legacy.py:1",
];

/// What the PR adds: a console.log in the old file and a new file with a TODO.
const PR_FINDINGS: [&str; 2] = ["debug/console src/old.ts:8", "todo/untracked src/new.ts:1"];

/// main with old findings; `feature` adds two. Returns (repo, main's sha).
fn repo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("repo");
    std::fs::create_dir(&d).unwrap();
    git(&d, &["init", "-q", "-b", "main"]);
    write(&d, "src/old.ts", OLD_TS);
    write(&d, "src/legacy.py", "# TODO rewrite in rust\nx = 1\n");
    write(&d, ".env.local", "FEATURE_FLAG=on\n");
    git(&d, &["add", "-A"]);
    git(&d, &["commit", "-q", "-m", "main"]);
    let main = git(&d, &["rev-parse", "HEAD"]);
    git(&d, &["checkout", "-q", "-b", "feature"]);
    // A line inserted above the old console.log moves it without changing it.
    write(
        &d,
        "src/old.ts",
        OLD_TS
            .replace(
                "export function start() {\n",
                "// Engine control.\nexport function start() {\n",
            )
            .replace(
                "  return 0;\n",
                "  console.log(\"stopping\");\n  return 0;\n",
            ),
    );
    write(
        &d,
        "src/new.ts",
        "// TODO write the new thing\nexport const y = 2;\n",
    );
    git(&d, &["add", "-A"]);
    git(&d, &["commit", "-q", "-m", "feature"]);
    (dir, main)
}

fn repo_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("repo")
}

/// `check --format json --new-only` with `extra` args and env.
fn check(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> (i32, Value) {
    let mut cmd = shipcheck();
    cmd.arg("check")
        .arg(dir)
        .args(["--format", "json", "--branch", "feature/x", "--new-only"])
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let r = run(&mut cmd);
    let v = json(&r);
    (r.code, v)
}

fn lines(v: &Value) -> Vec<String> {
    finding_lines(v).into_iter().collect()
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// An event payload file outside the repository.
fn event(dir: &tempfile::TempDir, json: &str) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let p = dir.path().join(format!("event-{n}.json"));
    std::fs::write(&p, json).unwrap();
    p.to_str().unwrap().to_string()
}

fn git_history(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "scan/git-history")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

fn clone(from: &Path, into: &Path, extra: &[&str]) {
    let url = format!("file://{}", from.display());
    let ok = std::process::Command::new("git")
        .args(["clone", "-q"])
        .args(extra)
        .arg(&url)
        .arg(into)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

#[test]
fn a_pr_branch_reports_only_what_it_added() {
    let (dir, _) = repo();
    let d = repo_path(&dir);
    let r =
        run(shipcheck()
            .arg("check")
            .arg(&d)
            .args(["--format", "json", "--branch", "feature/x"]));
    let all = json(&r);
    let mut want_all: Vec<&str> = MAIN_FINDINGS.to_vec();
    want_all.extend(PR_FINDINGS);
    assert_eq!(lines(&all), sorted(&want_all));
    assert_eq!(all["new_only"], false);

    let (code, v) = check(&d, &["--base", "main"], &[]);
    assert_eq!(code, 1, "the new console.log is an error");
    assert_eq!(lines(&v), sorted(&PR_FINDINGS));
    assert_eq!(v["new_only"], true);

    let text = run(shipcheck().arg("check").arg(&d).args([
        "--branch",
        "feature/x",
        "--new-only",
        "--base",
        "main",
    ]));
    assert!(text.stdout.contains("new lines only"), "{}", text.stdout);

    // Changing the old file's finding line counts as new.
    write(&d, "src/legacy.py", "# TODO rewrite in rust, soon\nx = 1\n");
    git(&d, &["commit", "-q", "-am", "touch"]);
    let (_, v) = check(&d, &["--base", "main"], &[]);
    let mut want: Vec<&str> = PR_FINDINGS.to_vec();
    want.push("todo/untracked src/legacy.py:1");
    assert_eq!(lines(&v), sorted(&want));
}

#[test]
fn file_level_findings_count_when_their_file_changed() {
    let (dir, _) = repo();
    let d = repo_path(&dir);
    write(&d, ".env.local", "FEATURE_FLAG=off\n");
    git(&d, &["commit", "-q", "-am", "flip"]);
    let (_, v) = check(&d, &["--base", "main"], &[]);
    let mut want: Vec<&str> = PR_FINDINGS.to_vec();
    want.push("env/committed-env-file .env.local:null");
    assert_eq!(lines(&v), sorted(&want));
}

#[test]
fn pull_request_push_and_merge_group_events_name_the_base() {
    let (dir, main) = repo();
    let d = repo_path(&dir);
    // pull_request: origin/$GITHUB_BASE_REF, in a full clone.
    let c = dir.path().join("clone");
    clone(&d, &c, &["--branch", "feature"]);
    let ev = tempfile::tempdir().unwrap();
    let pr = event(
        &ev,
        r#"{"pull_request":{"base":{"ref":"main"},"head":{"ref":"feature"}}}"#,
    );
    for base_ref in ["main", ""] {
        // With GITHUB_BASE_REF, and from the payload alone.
        let (_, v) = check(
            &c,
            &[],
            &[
                ("GITHUB_EVENT_NAME", "pull_request"),
                ("GITHUB_EVENT_PATH", &pr),
                ("GITHUB_BASE_REF", base_ref),
            ],
        );
        assert_eq!(
            lines(&v),
            sorted(&PR_FINDINGS),
            "GITHUB_BASE_REF={base_ref:?}"
        );
    }

    let push = event(
        &ev,
        &format!(r#"{{"ref":"refs/heads/feature","before":"{main}","after":"x","created":false}}"#),
    );
    let (_, v) = check(
        &d,
        &[],
        &[("GITHUB_EVENT_NAME", "push"), ("GITHUB_EVENT_PATH", &push)],
    );
    assert_eq!(lines(&v), sorted(&PR_FINDINGS), "push");

    let mg = event(
        &ev,
        &format!(
            r#"{{"action":"checks_requested","merge_group":{{"base_sha":"{main}","head_sha":"y"}}}}"#
        ),
    );
    let (_, v) = check(
        &d,
        &[],
        &[
            ("GITHUB_EVENT_NAME", "merge_group"),
            ("GITHUB_EVENT_PATH", &mg),
        ],
    );
    assert_eq!(lines(&v), sorted(&PR_FINDINGS), "merge_group");

    // --base wins over the event.
    let (_, v) = check(
        &d,
        &["--base", "feature"],
        &[
            ("GITHUB_EVENT_NAME", "merge_group"),
            ("GITHUB_EVENT_PATH", &mg),
        ],
    );
    assert_eq!(lines(&v), Vec::<String>::new());
}

#[test]
fn a_new_branch_push_compares_with_the_default_branch_or_reports_everything() {
    let (dir, _) = repo();
    let d = repo_path(&dir);
    let zeros = "0".repeat(40);
    let ev = tempfile::tempdir().unwrap();
    let created = event(
        &ev,
        &format!(
            r#"{{"ref":"refs/heads/feature","before":"{zeros}","created":true,"repository":{{"default_branch":"main"}}}}"#
        ),
    );
    let env = [
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", created.as_str()),
    ];

    // A clone has the default branch: only the branch's lines. Named by the
    // payload, or found as origin/HEAD when the payload does not say.
    git(&d, &["checkout", "-q", "main"]);
    let c = dir.path().join("clone");
    clone(&d, &c, &["--branch", "feature"]);
    git(&d, &["checkout", "-q", "feature"]);
    let (_, v) = check(&c, &[], &env);
    assert_eq!(lines(&v), sorted(&PR_FINDINGS));
    assert_eq!(v["new_only"], true);
    let unnamed = event(
        &ev,
        &format!(r#"{{"ref":"refs/heads/feature","before":"{zeros}"}}"#),
    );
    let (_, v) = check(
        &c,
        &[],
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", &unnamed),
        ],
    );
    assert_eq!(lines(&v), sorted(&PR_FINDINGS), "via origin/HEAD");

    // No remote to compare with: everything is new, and no complaint.
    let (_, v) = check(&d, &[], &env);
    let mut all: Vec<&str> = MAIN_FINDINGS.to_vec();
    all.extend(PR_FINDINGS);
    assert_eq!(lines(&v), sorted(&all));
    assert!(git_history(&v).is_empty(), "{v}");

    // Creating the default branch itself: everything is new.
    let m = dir.path().join("main-clone");
    clone(&d, &m, &["--branch", "main"]);
    let first_push = event(
        &ev,
        &format!(
            r#"{{"ref":"refs/heads/main","before":"{zeros}","repository":{{"default_branch":"main"}}}}"#
        ),
    );
    let (_, v) = check(
        &m,
        &[],
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", &first_push),
        ],
    );
    assert_eq!(
        lines(&v),
        sorted(&[
            "debug/console src/old.ts:2",
            "env/committed-env-file .env.local:null",
            "todo/untracked src/legacy.py:1",
        ])
    );
    assert!(git_history(&v).is_empty(), "{v}");
}

#[test]
fn every_line_of_a_first_commit_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "src/old.ts", OLD_TS);
    write(d, "src/legacy.py", "# TODO rewrite in rust\nx = 1\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "first"]);
    let want = sorted(&[
        "debug/console src/old.ts:2",
        "todo/untracked src/legacy.py:1",
    ]);
    // The parent of a first commit, or a base that is not there yet.
    // (The migration checks still say they could not compare with it.)
    for base in ["HEAD~1", "origin/main"] {
        let (_, v) = check(d, &["--base", base], &[]);
        let got: Vec<String> = lines(&v)
            .into_iter()
            .filter(|l| !l.starts_with("scan/git-history"))
            .collect();
        assert_eq!(got, want, "--base {base}");
        assert_eq!(v["new_only"], true);
        assert!(
            git_history(&v).iter().all(|m| !m.contains("--new-only")),
            "{v}"
        );
    }
    // The push that created the repository.
    let ev = tempfile::tempdir().unwrap();
    let p = event(
        &ev,
        &format!(
            r#"{{"ref":"refs/heads/main","before":"{}","created":true}}"#,
            "0".repeat(40)
        ),
    );
    let (_, v) = check(
        d,
        &[],
        &[("GITHUB_EVENT_NAME", "push"), ("GITHUB_EVENT_PATH", &p)],
    );
    assert_eq!(lines(&v), want);
}

#[test]
fn a_shallow_clone_without_the_base_keeps_every_finding_and_says_fetch_depth_0() {
    let (dir, main) = repo();
    let d = repo_path(&dir);
    let c = dir.path().join("shallow");
    clone(&d, &c, &["--depth", "1", "--branch", "feature"]);
    let mut all: Vec<&str> = MAIN_FINDINGS.to_vec();
    all.extend(PR_FINDINGS);
    all.push("scan/git-history -:null");

    // pull_request without the base branch fetched.
    let (code, v) = check(&c, &[], &[("GITHUB_BASE_REF", "main")]);
    assert_eq!(code, 1);
    assert_eq!(lines(&v), sorted(&all));
    assert_eq!(v["new_only"], false, "it fell back to every finding");
    let msgs = git_history(&v);
    assert_eq!(
        msgs.len(),
        1,
        "one explanation, shared with the migration checks: {msgs:?}"
    );
    assert!(
        msgs[0].contains("--new-only") && msgs[0].contains("fetch-depth: 0"),
        "{}",
        msgs[0]
    );

    // push whose `before` is not in the clone.
    let ev = tempfile::tempdir().unwrap();
    let push = event(
        &ev,
        &format!(r#"{{"ref":"refs/heads/feature","before":"{main}"}}"#),
    );
    let (_, v) = check(
        &c,
        &[],
        &[("GITHUB_EVENT_NAME", "push"), ("GITHUB_EVENT_PATH", &push)],
    );
    assert_eq!(lines(&v), sorted(&all));
    let msgs = git_history(&v);
    assert!(
        msgs.len() == 1 && msgs[0].contains("fetch-depth: 0"),
        "{msgs:?}"
    );
}

#[test]
fn no_base_at_all_keeps_every_finding_and_explains() {
    let (dir, _) = repo();
    let d = repo_path(&dir);
    let (_, v) = check(&d, &[], &[]);
    assert_eq!(v["new_only"], false);
    let msgs = git_history(&v);
    assert_eq!(msgs.len(), 1, "{v}");
    assert!(msgs[0].contains("--base"), "{}", msgs[0]);
    assert_eq!(v["findings"].as_array().unwrap().len(), 6);

    // An event that names no base (workflow_dispatch), and an unreadable payload.
    for (name, path) in [
        ("workflow_dispatch", "/nonexistent/event.json"),
        ("push", "/nonexistent/event.json"),
    ] {
        let (code, v) = check(
            &d,
            &[],
            &[("GITHUB_EVENT_NAME", name), ("GITHUB_EVENT_PATH", path)],
        );
        assert_eq!(code, 1, "{name}");
        assert_eq!(git_history(&v).len(), 1, "{name}: {v}");
        assert_eq!(v["findings"].as_array().unwrap().len(), 6, "{name}");
    }
}

#[test]
fn new_only_and_baseline_together() {
    let (dir, _) = repo();
    let d = repo_path(&dir);
    // Baseline everything on main, then check the PR with both.
    git(&d, &["checkout", "-q", "main"]);
    let r = run(shipcheck().arg("baseline").arg(&d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let baseline = std::fs::read_to_string(d.join(".shipcheck-baseline.json")).unwrap();
    git(&d, &["checkout", "-q", "feature"]);
    write(&d, ".shipcheck-baseline.json", &baseline);
    let (_, v) = check(&d, &["--base", "main"], &[]);
    assert_eq!(lines(&v), sorted(&PR_FINDINGS));
    assert_eq!(v["baselined"], 3);
}
