//! The release workflow's plan step (.github/scripts/release-plan.sh): the
//! tagged commit is the one whose action/VERSION names the release, the
//! branch keeps its -dev version, and a version the crate does not have is
//! refused. Run against a local bare "origin".

use crate::support::{git, manifest, write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A bare origin and a clone of its main, where Cargo.toml says
/// `crate_version` and action/VERSION `action_version`.
fn repo(crate_version: &str, action_version: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.git");
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    git(
        dir.path(),
        &["init", "-q", "--bare", "-b", "main", "origin.git"],
    );
    git(&work, &["init", "-q", "-b", "main"]);
    write(
        &work,
        "Cargo.toml",
        format!("[package]\nname = \"shipcheck\"\nversion = \"{crate_version}\"\n\n[dependencies]\nx = {{ version = \"9.9.9\" }}\n"),
    );
    write(&work, "action/VERSION", format!("{action_version}\n"));
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "main"]);
    git(
        &work,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&work, &["push", "-q", "origin", "main"]);
    (dir, origin, work)
}

struct Plan {
    code: i32,
    stderr: String,
    outputs: String,
}

fn plan(work: &Path, event: &str, ref_name: &str, version: &str) -> Plan {
    let output = work.join("../github_output");
    let _ = std::fs::remove_file(&output);
    let out = Command::new("bash")
        .arg(manifest().join(".github/scripts/release-plan.sh"))
        .current_dir(work)
        .env("EVENT", event)
        .env("REF_NAME", ref_name)
        .env("RELEASE_VERSION", version)
        .env("GITHUB_OUTPUT", &output)
        .output()
        .unwrap();
    Plan {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        outputs: std::fs::read_to_string(&output).unwrap_or_default(),
    }
}

fn show(repo: &Path, rev: &str) -> String {
    git(repo, &["show", rev])
}

#[test]
fn a_dispatched_release_tags_a_commit_whose_action_version_names_it() {
    let (_dir, origin, work) = repo("1.2.3", "1.2.3-dev");
    let main_before = git(&origin, &["rev-parse", "main"]);

    let p = plan(&work, "workflow_dispatch", "main", "v1.2.3");
    assert_eq!(p.code, 0, "{}", p.stderr);
    assert_eq!(
        p.outputs,
        "version=1.2.3\ntag=v1.2.3\nref=refs/tags/v1.2.3\nprerelease=false\npublish=true\n"
    );
    // The tag, on origin, points at main plus the version stamp.
    assert_eq!(show(&origin, "v1.2.3:action/VERSION"), "1.2.3");
    assert_eq!(
        git(&origin, &["rev-parse", "v1.2.3^{commit}~1"]),
        main_before
    );
    assert_eq!(
        git(&origin, &["diff", "--name-only", "main", "v1.2.3"]),
        "action/VERSION"
    );
    // main itself keeps the -dev version: @main builds its own source.
    assert_eq!(git(&origin, &["rev-parse", "main"]), main_before);
    assert_eq!(show(&origin, "main:action/VERSION"), "1.2.3-dev");

    // A release is never re-tagged.
    let p = plan(&work, "workflow_dispatch", "main", "1.2.3");
    assert_eq!(p.code, 1);
    assert!(p.stderr.contains("v1.2.3 exists already"), "{}", p.stderr);
}

#[test]
fn a_pushed_tag_must_be_on_a_commit_that_says_its_version() {
    let (_dir, _origin, work) = repo("1.2.3", "1.2.3-dev");
    let p = plan(&work, "push", "v1.2.3", "");
    assert_eq!(p.code, 1);
    assert!(
        p.stderr.contains("action/VERSION at v1.2.3 says 1.2.3-dev")
            && p.stderr
                .contains("run this workflow from the Actions tab with version 1.2.3"),
        "{}",
        p.stderr
    );

    write(&work, "action/VERSION", "1.2.3\n");
    let p = plan(&work, "push", "v1.2.3", "");
    assert_eq!(p.code, 0, "{}", p.stderr);
    assert!(
        p.outputs.contains("ref=refs/tags/v1.2.3\n") && p.outputs.contains("publish=true\n"),
        "{}",
        p.outputs
    );
}

#[test]
fn the_release_version_is_the_crate_version() {
    let (_dir, origin, work) = repo("1.2.3", "1.2.3-dev");
    for (version, says) in [
        ("1.2.4", "Cargo.toml says 1.2.3, the release is 1.2.4"),
        ("1.2.3-dev", "'1.2.3-dev' is not a release version"),
        ("latest", "'latest' is not a release version"),
    ] {
        let p = plan(&work, "workflow_dispatch", "main", version);
        assert_eq!(p.code, 1, "{version}");
        assert!(
            p.stderr.starts_with("::error title=release::") && p.stderr.contains(says),
            "{version}: {}",
            p.stderr
        );
    }
    assert_eq!(git(&origin, &["tag", "-l"]), "", "nothing tagged");

    // A pull request is a dry run of the crate's version.
    let p = plan(&work, "pull_request", "7/merge", "");
    assert_eq!(p.code, 0, "{}", p.stderr);
    let head = git(&work, &["rev-parse", "HEAD"]);
    assert_eq!(
        p.outputs,
        format!("version=1.2.3\ntag=v1.2.3\nref={head}\nprerelease=false\npublish=false\n")
    );

    // A pre-release is marked as one (npm's next tag, no major tag move).
    let (_dir, _origin, work) = repo("2.0.0-rc.1", "2.0.0-rc.1-dev");
    let p = plan(&work, "workflow_dispatch", "main", "2.0.0-rc.1");
    assert_eq!(p.code, 0, "{}", p.stderr);
    assert!(p.outputs.contains("prerelease=true\n"), "{}", p.outputs);
}

/// release.yml runs the script tested here, with the inputs it reads.
#[test]
fn the_release_workflow_plans_with_this_script() {
    let yml: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(manifest().join(".github/workflows/release.yml")).unwrap(),
    )
    .unwrap();
    let step = yml["jobs"]["plan"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some("plan"))
        .expect("the plan step");
    assert_eq!(
        step["run"].as_str(),
        Some("bash .github/scripts/release-plan.sh")
    );
    for (var, value) in [
        ("EVENT", "${{ github.event_name }}"),
        ("REF_NAME", "${{ github.ref_name }}"),
        ("RELEASE_VERSION", "${{ inputs.version }}"),
    ] {
        assert_eq!(step["env"][var].as_str(), Some(value), "{var}");
    }
    // Every job after the plan builds or publishes what the plan names.
    for (name, job) in yml["jobs"].as_mapping().unwrap() {
        for s in job["steps"].as_sequence().unwrap() {
            if s["uses"].as_str() == Some("actions/checkout@v4") && name.as_str() != Some("plan") {
                assert_eq!(
                    s["with"]["ref"].as_str(),
                    Some("${{ needs.plan.outputs.ref }}"),
                    "{name:?}"
                );
            }
        }
    }
}
