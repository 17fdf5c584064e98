//! The composite action's shell steps, run with the environment GitHub
//! would set (RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT, inputs as INPUT_*).

use std::path::Path;
use std::process::Command;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-gnu"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-gnu"),
        _ => None,
    }
}

/// A local "release": the real binary in the archive layout install.sh expects.
fn fake_release(dir: &Path, version: &str, target: &str) -> std::path::PathBuf {
    let release = dir.join(format!("v{version}"));
    std::fs::create_dir_all(&release).unwrap();
    let staging = dir.join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("shipcheck"),
        staging.join("shipcheck"),
    )
    .unwrap();
    let archive = release.join(format!("shipcheck-{version}-{target}.tar.gz"));
    let ok = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&staging)
        .arg("shipcheck")
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let sum = Command::new("sha256sum").arg(&archive).output().unwrap();
    std::fs::write(
        release.join(format!("shipcheck-{version}-{target}.tar.gz.sha256")),
        sum.stdout,
    )
    .unwrap();
    archive
}

fn install(base: &Path, runner_temp: &Path, github_path: &Path) -> std::process::Output {
    Command::new("bash")
        .arg(manifest().join("action/install.sh"))
        .env("INPUT_VERSION", "0.1.0")
        .env(
            "SHIPCHECK_RELEASE_BASE_URL",
            format!("file://{}", base.display()),
        )
        .env("RUNNER_TEMP", runner_temp)
        .env("GITHUB_PATH", github_path)
        .output()
        .unwrap()
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "a skipped test says so in the test output"
)]
fn install_verifies_the_release_checksum() {
    let Some(target) = target() else {
        eprintln!("skipped: no prebuilt target for this platform");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("releases");
    let archive = fake_release(&base, "0.1.0", target);
    let runner_temp = tmp.path().join("runner");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let github_path = tmp.path().join("github_path");

    let out = install(&base, &runner_temp, &github_path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("shipcheck 0.1.0"));
    let path_line = std::fs::read_to_string(&github_path).unwrap();
    assert!(
        Path::new(path_line.trim()).join("shipcheck").exists(),
        "{path_line}"
    );

    // A tampered archive is refused.
    std::fs::write(&archive, b"not the release").unwrap();
    std::fs::remove_dir_all(runner_temp.join("shipcheck-install")).unwrap();
    let out = install(&base, &runner_temp, &github_path);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SHA-256"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!runner_temp.join("shipcheck-install/bin/shipcheck").exists());
}

/// run.sh as the action's second step runs it, without a token (a fork PR
/// or a local dry run): the verdict, the outputs and the report still come.
fn run_step(
    fixture: &str,
    inputs: &[(&str, &str)],
) -> (i32, String, std::path::PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let output = tmp.path().join("github_output");
    let summary = tmp.path().join("step_summary");
    let bin_dir = assert_cmd::cargo::cargo_bin("shipcheck")
        .parent()
        .unwrap()
        .to_path_buf();
    let mut cmd = Command::new("bash");
    cmd.arg(manifest().join("action/run.sh"))
        .current_dir(manifest())
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
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("SHIPCHECK_TODAY", "2026-11-26")
        .env("INPUT_PATH", format!("fixtures/{fixture}"))
        .env("INPUT_CHECK_NAME", "shipcheck")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_EVENT_NAME");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let outputs = std::fs::read_to_string(&output).unwrap_or_default();
    (out.status.code().unwrap_or(-1), outputs, summary, tmp)
}

#[test]
fn run_step_sets_outputs_summary_and_exit_status() {
    let (code, outputs, summary, tmp) = run_step("clean", &[]);
    assert_eq!(code, 0, "{outputs}");
    assert!(
        outputs.contains("passed=true") && outputs.contains("errors=0"),
        "{outputs}"
    );
    let report = tmp.path().join("shipcheck-report.json");
    assert!(
        outputs.contains(&format!("report={}", report.display())),
        "{outputs}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["passed"], true);
    assert!(std::fs::read_to_string(&summary)
        .unwrap()
        .contains("shipcheck"));

    // The online input looks up referenced issues: with no GitHub to answer
    // (a port nothing listens on), one notice, and the verdict stands.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let api = format!("http://127.0.0.1:{port}");
    let (_, outputs, _, tmp) = run_step(
        "todos",
        &[
            ("INPUT_ONLINE", "true"),
            ("GITHUB_API_URL", &api),
            ("GITHUB_REPOSITORY", "acme/shop"),
        ],
    );
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("shipcheck-report.json")).unwrap(),
    )
    .unwrap();
    let notices: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "scan/online-lookup")
        .collect();
    assert_eq!(notices.len(), 1, "{outputs}\n{report:#}");
    let (_, _, _, tmp) = run_step("todos", &[("GITHUB_API_URL", &api)]);
    let offline = std::fs::read_to_string(tmp.path().join("shipcheck-report.json")).unwrap();
    assert!(
        !offline.contains("scan/online-lookup"),
        "no look-up unless asked"
    );

    // The fail-on input makes a warning block.
    let (code, outputs, _, _tmp) = run_step("only-untracked-todo", &[("INPUT_FAIL_ON", "warning")]);
    assert_eq!(code, 1, "{outputs}");
    assert!(
        outputs.contains("passed=false") && outputs.contains("warnings=1"),
        "{outputs}"
    );
}
