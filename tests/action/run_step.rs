//! run.sh, the action's run step: outputs, new-only auto, SARIF.

use crate::support::{git, manifest, write};
use serde_json::Value;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// run.sh as the action's run step runs it, in `dir`, without a token (a fork
/// PR or a local dry run): the verdict, the outputs and the report still come.
fn run_step(dir: &Path, inputs: &[(&str, &str)]) -> (i32, String, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let output = tmp.path().join("github_output");
    let bin_dir = assert_cmd::cargo::cargo_bin("shipcheck")
        .parent()
        .unwrap()
        .to_path_buf();
    let mut cmd = Command::new("bash");
    cmd.arg(manifest().join("action/run.sh"))
        .current_dir(dir)
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("RUNNER_TEMP", tmp.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", tmp.path().join("step_summary"))
        .env("GITHUB_WORKSPACE", dir)
        .env("SHIPCHECK_TODAY", "2026-11-26")
        .env("INPUT_CHECK_NAME", "shipcheck")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_EVENT_NAME")
        .env_remove("INPUT_NEW_ONLY")
        .env_remove("INPUT_UPLOAD_SARIF");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let mut outputs = std::fs::read_to_string(&output).unwrap_or_default();
    outputs.push_str(&String::from_utf8_lossy(&out.stdout));
    outputs.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), outputs, tmp)
}

fn fixture_step(fixture: &str, inputs: &[(&str, &str)]) -> (i32, String, tempfile::TempDir) {
    let path = format!("fixtures/{fixture}");
    let mut all = vec![("INPUT_PATH", path.as_str())];
    all.extend_from_slice(inputs);
    run_step(manifest(), &all)
}

fn report(tmp: &tempfile::TempDir) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("shipcheck-report.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn run_step_sets_outputs_summary_and_exit_status() {
    let (code, outputs, tmp) = fixture_step("clean", &[]);
    assert_eq!(code, 0, "{outputs}");
    assert!(
        outputs.contains("passed=true") && outputs.contains("errors=0"),
        "{outputs}"
    );
    let report_path = tmp.path().join("shipcheck-report.json");
    assert!(
        outputs.contains(&format!("report={}", report_path.display())),
        "{outputs}"
    );
    assert_eq!(report(&tmp)["passed"], true);
    assert!(std::fs::read_to_string(tmp.path().join("step_summary"))
        .unwrap()
        .contains("shipcheck"));
    assert!(!outputs.contains("sarif="), "no SARIF unless asked");

    // The online input looks up referenced issues: with no GitHub to answer
    // (a port nothing listens on), one notice, and the verdict stands.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let api = format!("http://127.0.0.1:{port}");
    let (_, outputs, tmp) = fixture_step(
        "todos",
        &[
            ("INPUT_ONLINE", "true"),
            ("GITHUB_API_URL", &api),
            ("GITHUB_REPOSITORY", "acme/shop"),
        ],
    );
    let report_json = report(&tmp);
    let notices = report_json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "scan/online-lookup")
        .count();
    assert_eq!(notices, 1, "{outputs}\n{report_json:#}");
    let (_, _, tmp) = fixture_step("todos", &[("GITHUB_API_URL", &api)]);
    let offline = std::fs::read_to_string(tmp.path().join("shipcheck-report.json")).unwrap();
    assert!(
        !offline.contains("scan/online-lookup"),
        "no look-up unless asked"
    );

    // The fail-on input makes a warning block.
    let (code, outputs, _tmp) =
        fixture_step("only-untracked-todo", &[("INPUT_FAIL_ON", "warning")]);
    assert_eq!(code, 1, "{outputs}");
    assert!(
        outputs.contains("passed=false") && outputs.contains("warnings=1"),
        "{outputs}"
    );

    // Extra arguments, and none (bash 3.2 calls an empty array unbound).
    let (code, outputs, _tmp) = fixture_step("clean", &[("INPUT_ARGS", "   ")]);
    assert_eq!(code, 0, "{outputs}");
    let (code, outputs, _tmp) = fixture_step("clean", &[("INPUT_ARGS", "--fail-on notice")]);
    assert_eq!(code, 0, "{outputs}");
}

/// Whether shipcheck ran with --new-only: applied, or (no base to compare
/// with here) reported as not applicable by scan/git-history.
fn asked_new_only(report: &Value) -> bool {
    report["new_only"] == true
        || report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "scan/git-history")
}

#[test]
fn new_only_auto_judges_pull_requests_and_merge_groups_on_new_lines_only() {
    for (event, want) in [
        ("pull_request", "true"),
        ("pull_request_target", "true"),
        ("merge_group", "true"),
        ("push", "false"),
        ("schedule", "false"),
        ("workflow_dispatch", "false"),
    ] {
        let (_, outputs, tmp) = fixture_step("clean", &[("GITHUB_EVENT_NAME", event)]);
        assert!(
            outputs.contains(&format!("new-only={want}\n")),
            "{event}: {outputs}"
        );
        assert!(
            outputs.contains(&format!("new-only: {want} (auto, on a {event} event)")),
            "{event}: {outputs}"
        );
        assert_eq!(asked_new_only(&report(&tmp)), want == "true", "{event}");
    }
    // An explicit value wins over the event.
    for (value, event) in [("false", "pull_request"), ("true", "push")] {
        let (_, outputs, tmp) = fixture_step(
            "clean",
            &[("GITHUB_EVENT_NAME", event), ("INPUT_NEW_ONLY", value)],
        );
        assert!(
            outputs.contains(&format!("new-only={value}\n")),
            "{outputs}"
        );
        assert_eq!(asked_new_only(&report(&tmp)), value == "true");
    }
    let (code, outputs, _) = fixture_step("clean", &[("INPUT_NEW_ONLY", "yes")]);
    assert_eq!(code, 2, "{outputs}");
    assert!(
        outputs.contains("shipcheck: new-only is 'yes'; use auto, true or false"),
        "{outputs}"
    );
}

/// A repository whose main has an untracked TODO and whose pull request
/// branch adds another, cloned so that origin/main is there.
fn pull_request_clone() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    write(&origin, "src/legacy.py", "# TODO rewrite this\nx = 1\n");
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-q", "-m", "main"]);
    git(&origin, &["checkout", "-q", "-b", "feature"]);
    write(&origin, "src/new.py", "# TODO finish this\ny = 2\n");
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-q", "-m", "feature"]);
    let clone = dir.path().join("clone");
    let out = Command::new("git")
        .args(["clone", "-q", "--branch", "feature"])
        .arg(&origin)
        .arg(&clone)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let event = dir.path().join("event.json");
    std::fs::write(
        &event,
        r#"{"pull_request":{"number":1,"base":{"ref":"main"},"head":{"ref":"feature","sha":"x"}}}"#,
    )
    .unwrap();
    let event = event.display().to_string();
    (dir, clone, event)
}

fn sarif_paths(sarif: &Value) -> Vec<String> {
    let mut paths: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["ruleId"].as_str().unwrap(),
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
            )
        })
        .collect();
    paths.sort();
    paths
}

#[test]
fn upload_sarif_writes_every_finding_while_the_gate_judges_new_lines() {
    let (_dir, clone, event) = pull_request_clone();
    let pr = [
        ("INPUT_UPLOAD_SARIF", "true"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_BASE_REF", "main"),
        ("GITHUB_EVENT_PATH", event.as_str()),
    ];
    let (_, outputs, tmp) = run_step(&clone, &pr);
    let sarif_path = tmp.path().join("shipcheck.sarif");
    assert!(
        outputs.contains(&format!("sarif={}\n", sarif_path.display()))
            && outputs.contains("new-only=true\n"),
        "{outputs}"
    );
    let gate = report(&tmp);
    let gate: Vec<&str> = gate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "todo/untracked")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(gate, ["src/new.py"], "the gate judges the new line only");
    // Code scanning takes an upload as the branch's whole state: the SARIF
    // has the old finding too, or its alert would be closed as fixed.
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let todos: Vec<String> = sarif_paths(&sarif)
        .into_iter()
        .filter(|p| p.starts_with("todo/untracked"))
        .collect();
    assert_eq!(
        todos,
        ["todo/untracked src/legacy.py", "todo/untracked src/new.py"]
    );

    // On a push (new-only off) the one run writes both files, alike.
    let (_, outputs, tmp) = run_step(
        &clone,
        &[
            ("INPUT_UPLOAD_SARIF", "true"),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert!(outputs.contains("new-only=false\n"), "{outputs}");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("shipcheck.sarif")).unwrap())
            .unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        report(&tmp)["findings"].as_array().unwrap().len()
    );

    // SARIF paths are relative to the checked path, so it must be the root.
    let (code, outputs, _) = fixture_step("clean", &[("INPUT_UPLOAD_SARIF", "true")]);
    assert_eq!(code, 2, "{outputs}");
    assert!(
        outputs.contains("upload-sarif needs path to be the repository root")
            && outputs.contains("not 'fixtures/clean'"),
        "{outputs}"
    );
}
