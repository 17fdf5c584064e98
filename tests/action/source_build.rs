//! install.sh for a -dev version: the action's own source built with cargo
//! (stubbed here), cached under a key that hashes that source.

use crate::release_server::set_executable;
use crate::runner::{action_with_source, one_line_error, Runner};
use crate::support::{manifest, write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A `cargo` that records its arguments in $CARGO_LOG and installs a stand-in
/// binary under --root, as `cargo install --path … --root …` would.
fn fake_cargo(dir: &Path) -> PathBuf {
    let bin = dir.join("fake-cargo");
    write(
        &bin,
        "cargo",
        "#!/bin/sh\necho \"$*\" >> \"$CARGO_LOG\"\nroot=\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --root ]; then root=$2; fi\n  shift\ndone\nmkdir -p \"$root/bin\"\nprintf '#!/bin/sh\\necho \"shipcheck 0.1.0\"\\n' > \"$root/bin/shipcheck\"\nchmod +x \"$root/bin/shipcheck\"\n",
    );
    set_executable(&bin.join("cargo"));
    bin
}

/// A PATH with the tools install.sh uses and no cargo.
fn path_without_cargo(dir: &Path) -> PathBuf {
    let bin = dir.join("no-cargo");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in [
        "bash",
        "env",
        "dirname",
        "tr",
        "cat",
        "mkdir",
        "rm",
        "cut",
        "sort",
        "find",
        "head",
        "tail",
        "sha256sum",
        "shasum",
        "perl",
        "printf",
    ] {
        let found = Command::new("bash")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .unwrap();
        let found = String::from_utf8_lossy(&found.stdout).trim().to_string();
        if found.starts_with('/') {
            std::os::unix::fs::symlink(&found, bin.join(tool)).unwrap();
        }
    }
    bin
}

#[test]
fn a_dev_version_builds_the_action_source_and_reuses_the_build_for_the_same_source() {
    let action = action_with_source("0.1.0-dev");
    let tools = tempfile::tempdir().unwrap();
    let cargo_dir = fake_cargo(tools.path());
    let log = tools.path().join("cargo.log");
    let path = format!(
        "{}:{}",
        cargo_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let env = [
        ("PATH", path.as_str()),
        ("CARGO_LOG", log.to_str().unwrap()),
    ];
    let nowhere = "http://127.0.0.1:9/download";
    let runner = Runner::new();
    let source_dir = runner.temp().join("shipcheck-source");

    let plan = runner.install(action.path(), nowhere, &["plan"], &env);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert_eq!(runner.output("mode").as_deref(), Some("source"));
    assert_eq!(runner.output("version").as_deref(), Some("0.1.0-dev"));
    assert_eq!(
        runner.output("cache-path"),
        Some(source_dir.display().to_string())
    );
    let key = runner.output("cache-key").expect("a cache key");

    let step = runner.install(action.path(), nowhere, &[], &env);
    assert_eq!(step.code, 0, "{}", step.stderr);
    assert!(
        step.stdout.contains("building this action's source"),
        "{}",
        step.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!(
            "install --locked --quiet --path {} --root {}\n",
            action.path().display(),
            source_dir.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(source_dir.join("source-key"))
            .unwrap()
            .trim(),
        key
    );
    assert_eq!(
        runner.path_lines(),
        vec![source_dir.join("bin").display().to_string()]
    );

    // The next job restores the cache (same directory): no rebuild.
    let step = runner.install(action.path(), nowhere, &[], &env);
    assert_eq!(step.code, 0, "{}", step.stderr);
    assert!(
        step.stdout.contains("using the cached build"),
        "{}",
        step.stdout
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);

    // A binary left from other source is not trusted: it is rebuilt.
    write(action.path(), "src/lib.rs", "// changed\n");
    let step = runner.install(action.path(), nowhere, &[], &env);
    assert_eq!(step.code, 0, "{}", step.stderr);
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);

    // Without cargo: one line saying what to do.
    let no_cargo = path_without_cargo(tools.path());
    let step = Runner::new().install(
        action.path(),
        nowhere,
        &[],
        &[("PATH", no_cargo.to_str().unwrap())],
    );
    let line = one_line_error(&step);
    assert!(
        line.contains("version 0.1.0-dev (from action/VERSION) is not a release")
            && line.contains("needs cargo"),
        "{line}"
    );
}

/// The key action.yml caches the source build under, computed as it does:
/// the plan step's `cache-key` output.
fn planned_key(action: &Path, env: &[(&str, &str)]) -> String {
    let runner = Runner::new();
    let plan = runner.install(action, "http://127.0.0.1:9", &["plan"], env);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    runner.output("cache-key").expect("a cache key")
}

#[test]
fn the_cache_key_changes_when_the_action_source_changes() {
    let action = action_with_source("0.1.0-dev");
    let key = planned_key(action.path(), &[]);
    assert!(key.starts_with("shipcheck-source-Linux-X64-"), "{key}");
    // cache-key.sh alone says the same.
    let direct = Command::new("bash")
        .arg(manifest().join("action/cache-key.sh"))
        .arg(action.path())
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env_remove("ImageOS")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&direct.stdout).trim(), key);
    assert_eq!(planned_key(action.path(), &[]), key, "stable");

    // Files the build does not read leave the key alone.
    write(action.path(), "README.md", "# changed\n");
    write(action.path(), "tests/new.rs", "#[test] fn t() {}\n");
    assert_eq!(planned_key(action.path(), &[]), key);

    // Each file the build reads changes it, and so do the runner image,
    // OS and arch.
    let mut seen = vec![key.clone()];
    let mut differs = |label: &str, key: String| {
        assert!(!seen.contains(&key), "{label} did not change the key");
        seen.push(key);
    };
    differs(
        "ImageOS",
        planned_key(action.path(), &[("ImageOS", "ubuntu24")]),
    );
    differs(
        "RUNNER_ARCH",
        planned_key(action.path(), &[("RUNNER_ARCH", "ARM64")]),
    );
    let main_rs = action.path().join("src/main.rs");
    let text = std::fs::read_to_string(&main_rs).unwrap();
    std::fs::write(&main_rs, format!("{text}\n// a change\n")).unwrap();
    differs("src/main.rs", planned_key(action.path(), &[]));
    write(action.path(), "src/report/new_format.rs", "// new\n");
    differs("a new file under src/", planned_key(action.path(), &[]));
    let lock = action.path().join("Cargo.lock");
    let text = std::fs::read_to_string(&lock).unwrap();
    std::fs::write(&lock, format!("{text}\n")).unwrap();
    differs("Cargo.lock", planned_key(action.path(), &[]));
    write(action.path(), "build.rs", "fn main() {}\n");
    differs("build.rs", planned_key(action.path(), &[]));
    // A file moved to another path with the same content.
    std::fs::rename(
        action.path().join("src/report/new_format.rs"),
        action.path().join("src/report/other_format.rs"),
    )
    .unwrap();
    differs("a renamed file", planned_key(action.path(), &[]));
}
