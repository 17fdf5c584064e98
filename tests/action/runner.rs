//! install.sh as a runner job runs it: its RUNNER_TEMP, GITHUB_PATH and
//! GITHUB_OUTPUT, and the action checkout it reads action/VERSION from.

use crate::support::{manifest, write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// An action checkout as the runner lays it out under GITHUB_ACTION_PATH,
/// with `version` committed in action/VERSION.
pub fn action_at(version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "action/VERSION", format!("{version}\n"));
    dir
}

/// The action with the files its source build reads, copied from this
/// repository, for the source-build and cache-key tests.
pub fn action_with_source(version: &str) -> tempfile::TempDir {
    let dir = action_at(version);
    for f in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(manifest().join(f), dir.path().join(f)).unwrap();
    }
    copy_tree(&manifest().join("src"), &dir.path().join("src"));
    write(dir.path(), "README.md", "# shipcheck\n");
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// One runner job: its RUNNER_TEMP and step files.
pub struct Runner {
    dir: tempfile::TempDir,
}

pub struct Step {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Runner {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("temp")).unwrap();
        Runner { dir }
    }

    pub fn temp(&self) -> PathBuf {
        self.dir.path().join("temp")
    }

    pub fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    /// The directories install.sh added to GITHUB_PATH.
    pub fn path_lines(&self) -> Vec<String> {
        self.file("github_path").lines().map(String::from).collect()
    }

    /// `name=value` outputs the steps wrote.
    pub fn output(&self, name: &str) -> Option<String> {
        self.file("github_output")
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(&format!("{name}=")).map(String::from))
    }

    /// `install.sh [args]` on a Linux X64 runner unless `env` says otherwise.
    pub fn install(&self, action: &Path, base: &str, args: &[&str], env: &[(&str, &str)]) -> Step {
        let mut cmd = Command::new("bash");
        cmd.arg(manifest().join("action/install.sh"))
            .args(args)
            .env("GITHUB_ACTION_PATH", action)
            .env("SHIPCHECK_RELEASE_BASE_URL", base)
            .env("RUNNER_TEMP", self.temp())
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("GITHUB_PATH", self.dir.path().join("github_path"))
            .env("GITHUB_OUTPUT", self.dir.path().join("github_output"))
            .env_remove("INPUT_VERSION")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("ImageOS");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("bash runs");
        Step {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// The one line a failed install prints.
pub fn one_line_error(step: &Step) -> &str {
    assert_eq!(step.code, 1, "{}\n{}", step.stdout, step.stderr);
    let lines: Vec<&str> = step.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, got:\n{}", step.stderr);
    lines[0]
}
