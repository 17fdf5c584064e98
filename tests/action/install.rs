//! install.sh in release mode: the archive for the runner's platform,
//! verified against SHA256SUMS, and one line when something is missing.

use crate::release_server::{fake_binary, publish, serve_releases, PLATFORMS};
use crate::runner::{action_at, one_line_error, Runner};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

/// The release target of the machine the tests run on (the real binary
/// is only packed where it runs).
fn host_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-musl"),
        _ => None,
    }
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "a skipped test says so in the test output"
)]
fn install_verifies_the_release_against_sha256sums() {
    let Some(target) = host_target() else {
        eprintln!("skipped: the real binary is packed for Linux hosts only");
        return;
    };
    let releases = tempfile::tempdir().unwrap();
    let real = std::fs::read(assert_cmd::cargo::cargo_bin("shipcheck")).unwrap();
    let archive = publish(releases.path(), "0.1.0", target, &real);
    let base = serve_releases(releases.path());
    let action = action_at("0.1.0");
    let arch = if target.starts_with("x86_64") {
        "X64"
    } else {
        "ARM64"
    };

    // The real binary, from the release, verified and on GITHUB_PATH.
    let runner = Runner::new();
    let step = runner.install(action.path(), &base, &[], &[("RUNNER_ARCH", arch)]);
    assert_eq!(step.code, 0, "{}", step.stderr);
    assert!(step.stdout.contains("shipcheck 0.1.0"), "{}", step.stdout);
    let dirs = runner.path_lines();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    let bin = Path::new(&dirs[0]).join("shipcheck");
    let version = Command::new(&bin).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        "shipcheck 0.1.0"
    );

    // A tampered archive is refused, and nothing is installed.
    std::fs::write(&archive, b"not the release").unwrap();
    let runner = Runner::new();
    let step = runner.install(action.path(), &base, &[], &[("RUNNER_ARCH", arch)]);
    let line = one_line_error(&step);
    assert!(
        line.contains("SHA-256") && line.contains("refusing"),
        "{line}"
    );
    assert!(runner.path_lines().is_empty());
    assert!(!runner.temp().join("shipcheck-0.1.0/bin/shipcheck").exists());
}

#[test]
fn install_refuses_a_checksum_mismatch_a_missing_entry_and_a_mislabelled_binary() {
    let releases = tempfile::tempdir().unwrap();
    let target = "x86_64-unknown-linux-musl";
    let base = serve_releases(releases.path());
    let action = action_at("0.4.0");

    // SHA256SUMS names another hash for the archive.
    publish(
        releases.path(),
        "0.4.0",
        target,
        &fake_binary("0.4.0", target),
    );
    let sums = releases.path().join("v0.4.0/SHA256SUMS");
    let text = std::fs::read_to_string(&sums).unwrap();
    std::fs::write(&sums, format!("{}{}", "0".repeat(64), &text[64..])).unwrap();
    let runner = Runner::new();
    let line = one_line_error(&runner.install(action.path(), &base, &[], &[])).to_string();
    assert!(
        line.contains("SHA-256 of shipcheck-0.4.0-x86_64-unknown-linux-musl.tar.gz")
            && line.contains(&"0".repeat(64))
            && line.contains("refusing"),
        "{line}"
    );
    assert!(runner.path_lines().is_empty());

    // SHA256SUMS does not list the archive at all.
    std::fs::write(&sums, "").unwrap();
    let line = one_line_error(&runner.install(action.path(), &base, &[], &[])).to_string();
    assert!(
        line.contains("has no shipcheck-0.4.0-x86_64-unknown-linux-musl.tar.gz")
            && line.contains("/v0.4.0/SHA256SUMS"),
        "{line}"
    );

    // An archive whose binary is another version.
    publish(
        releases.path(),
        "0.4.0",
        target,
        &fake_binary("0.3.9", target),
    );
    let line = one_line_error(&runner.install(action.path(), &base, &[], &[])).to_string();
    assert!(
        line.contains("says 'shipcheck 0.3.9', not shipcheck 0.4.0"),
        "{line}"
    );
    assert!(runner.path_lines().is_empty());
}

#[test]
fn a_missing_version_fails_with_one_line_naming_it_and_the_url() {
    let releases = tempfile::tempdir().unwrap();
    let base = serve_releases(releases.path());
    let runner = Runner::new();

    let step = runner.install(
        action_at("0.4.0").path(),
        &base,
        &[],
        &[("INPUT_VERSION", "9.9.9")],
    );
    let line = one_line_error(&step);
    assert_eq!(
        line,
        format!("shipcheck: version 9.9.9 is not released (no SHA256SUMS): {base}/v9.9.9/SHA256SUMS answered HTTP 404")
    );

    // A release without this platform's archive names the archive's URL.
    publish(
        releases.path(),
        "0.4.0",
        "x86_64-unknown-linux-musl",
        &fake_binary("0.4.0", "x86_64-unknown-linux-musl"),
    );
    let step = runner.install(
        action_at("0.4.0").path(),
        &base,
        &[],
        &[("RUNNER_OS", "macOS"), ("RUNNER_ARCH", "ARM64")],
    );
    let line = one_line_error(&step);
    assert!(
        line.contains("SHA256SUMS does not list it") || line.contains("answered HTTP 404"),
        "{line}"
    );
    assert!(
        line.contains("shipcheck-0.4.0-aarch64-apple-darwin.tar.gz")
            && line.contains("macOS/ARM64"),
        "{line}"
    );

    // Nothing listening: curl's reason, still one line with version and URL.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}/download");
    let step = runner.install(action_at("0.4.0").path(), &dead, &[], &[]);
    let line = one_line_error(&step);
    assert!(
        line.starts_with("shipcheck: could not download version 0.4.0: ")
            && line.contains(&format!("{dead}/v0.4.0/SHA256SUMS")),
        "{line}"
    );

    // In Actions the line is an error annotation as well.
    let step = runner.install(
        action_at("0.4.0").path(),
        &base,
        &[],
        &[("INPUT_VERSION", "9.9.9"), ("GITHUB_ACTIONS", "true")],
    );
    assert!(
        step.stderr
            .starts_with("::error title=shipcheck::version 9.9.9 is not released"),
        "{}",
        step.stderr
    );
}

#[test]
fn each_runner_os_and_arch_installs_its_own_archive() {
    let releases = tempfile::tempdir().unwrap();
    for (_, _, target) in PLATFORMS {
        publish(
            releases.path(),
            "0.4.0",
            target,
            &fake_binary("0.4.0", target),
        );
    }
    let base = serve_releases(releases.path());
    let action = action_at("0.4.0");
    for (os, arch, target) in PLATFORMS {
        let runner = Runner::new();
        let step = runner.install(
            action.path(),
            &base,
            &[],
            &[("RUNNER_OS", os), ("RUNNER_ARCH", arch)],
        );
        assert_eq!(step.code, 0, "{os}/{arch}: {}", step.stderr);
        let exe = if os == "Windows" {
            "shipcheck.exe"
        } else {
            "shipcheck"
        };
        let installed = runner.temp().join("shipcheck-0.4.0/bin").join(exe);
        let script = std::fs::read_to_string(&installed)
            .unwrap_or_else(|e| panic!("{os}/{arch}: {}: {e}", installed.display()));
        assert!(
            script.contains(&format!("# target: {target}\n")),
            "{os}/{arch} got {script}"
        );
        assert_eq!(
            runner.path_lines(),
            vec![runner
                .temp()
                .join("shipcheck-0.4.0/bin")
                .display()
                .to_string()]
        );
    }

    // A runner with no release binary: one line, nothing downloaded.
    let step = Runner::new().install(
        action.path(),
        &base,
        &[],
        &[("RUNNER_OS", "Linux"), ("RUNNER_ARCH", "X86")],
    );
    assert_eq!(
        one_line_error(&step),
        "shipcheck: no release binary of version 0.4.0 for Linux/X86; use a Linux, macOS or Windows runner (X64 or ARM64)"
    );
}

#[test]
fn the_committed_version_is_the_default_and_the_version_input_overrides_it() {
    let releases = tempfile::tempdir().unwrap();
    let target = "x86_64-unknown-linux-musl";
    for v in ["0.4.0", "0.5.0", "0.6.0-rc.1"] {
        publish(releases.path(), v, target, &fake_binary(v, target));
    }
    let base = serve_releases(releases.path());
    let action = action_at("0.4.0");

    for (input, want) in [
        ("", "0.4.0"),
        ("0.5.0", "0.5.0"),
        ("v0.5.0", "0.5.0"),
        ("0.6.0-rc.1", "0.6.0-rc.1"),
    ] {
        let runner = Runner::new();
        let env = [("INPUT_VERSION", input)];
        let plan = runner.install(action.path(), &base, &["plan"], &env);
        assert_eq!(plan.code, 0, "{}", plan.stderr);
        assert_eq!(runner.output("version").as_deref(), Some(want));
        assert_eq!(runner.output("mode").as_deref(), Some("release"));
        assert_eq!(runner.output("cache-key"), None, "no cache for a release");

        let step = runner.install(action.path(), &base, &[], &env);
        assert_eq!(step.code, 0, "{input:?}: {}", step.stderr);
        assert!(
            step.stdout.contains(&format!("shipcheck {want} (")),
            "{input:?}: {}",
            step.stdout
        );
    }

    // Not a version, or a -dev one asked for by name: one line each.
    for (input, says) in [
        (
            "latest",
            "version 'latest' (from the version input) is not a version like 1.2.3",
        ),
        ("0.7.0-dev", "version 0.7.0-dev is not a release"),
    ] {
        let step = Runner::new().install(action.path(), &base, &[], &[("INPUT_VERSION", input)]);
        let line = one_line_error(&step);
        assert!(line.contains(says), "{line}");
    }
}
