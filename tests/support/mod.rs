//! Shared by the black-box test files: the binary with a pinned "today"
//! and no CI variables, fixture paths, and the `rule path:line` view of a
//! JSON report that expectation files use.
#![allow(dead_code, reason = "each test file uses a different subset")]

pub mod http;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    manifest().join("fixtures").join(name)
}

/// The binary with a pinned "today" and no CI variables leaking in.
pub fn shipcheck() -> Command {
    let mut c = Command::cargo_bin("shipcheck").expect("binary builds");
    c.env("SHIPCHECK_TODAY", "2026-11-26")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_REF_NAME")
        .env_remove("GITHUB_EVENT_NAME")
        .env_remove("GITHUB_EVENT_PATH")
        .env("NO_COLOR", "1");
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn json(out: &Run) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout, out.stderr))
}

/// The rule id of each finding, in report order.
/// The JSON report's entry for the area with this slug, if it shows one.
pub fn area<'a>(v: &'a Value, slug: &str) -> Option<&'a Value> {
    v["areas"]
        .as_array()
        .expect("areas array")
        .iter()
        .find(|a| a["area"] == slug)
}

pub fn rules(v: &Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule id"))
        .collect()
}

/// `rule path:line` for each finding (`-` for no path, `null` for no line).
pub fn finding_lines(v: &Value) -> BTreeSet<String> {
    v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap_or("-"),
                f["line"]
            )
        })
        .collect()
}

/// `tests/expected/<name>.txt` without `#` comments and blank lines.
pub fn expected(name: &str) -> BTreeSet<String> {
    let path = manifest()
        .join("tests/expected")
        .join(format!("{name}.txt"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// Writes `bytes` to `root/rel`, creating the directories on the way.
pub fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("a file under root")).expect("mkdir");
    std::fs::write(p, bytes).expect("write");
}

/// Runs `git -C dir args…` with a fixed identity; panics with git's stderr
/// if it fails; returns its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Deterministic random-looking text over `alphabet`: keys and secrets are
/// built at run time, so no key-shaped literal sits in a test's source.
pub fn random(seed: u64, len: usize, alphabet: &str) -> String {
    let a: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            a[(x % a.len() as u64) as usize]
        })
        .collect()
}
