//! `shipcheck install-hook`: the pre-push hook in a real push to a real
//! (bare) remote.

use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str], path_env: &str) -> Output {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("PATH", path_env)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap()
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_hook_blocks_a_push_that_adds_debug_code() {
    let bin = assert_cmd::cargo::cargo_bin("shipcheck");
    let path_env = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let tmp = tempfile::tempdir().unwrap();
    let remote = tmp.path().join("remote.git");
    let work = tmp.path().join("work");
    ok(Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&remote)
        .output()
        .unwrap());
    ok(Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .arg(&work)
        .output()
        .unwrap());
    ok(git(
        &work,
        &["remote", "add", "origin", remote.to_str().unwrap()],
        &path_env,
    ));
    std::fs::create_dir_all(work.join("src")).unwrap();
    std::fs::write(work.join("src/app.ts"), "export const a = 1;\n").unwrap();
    ok(git(&work, &["add", "-A"], &path_env));
    ok(git(&work, &["commit", "-q", "-m", "clean"], &path_env));

    let out = Command::new(&bin)
        .args(["install-hook"])
        .arg(&work)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // First push: a new branch on an empty remote, whole repo checked.
    ok(git(&work, &["push", "-q", "origin", "main"], &path_env));

    std::fs::write(
        work.join("src/app.ts"),
        "export const a = 1;\nconsole.log(a);\n",
    )
    .unwrap();
    ok(git(&work, &["commit", "-q", "-am", "debug"], &path_env));
    let out = git(&work, &["push", "-q", "origin", "main"], &path_env);
    assert!(!out.status.success(), "the hook must block the push");
    let stdout =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("debug/console"), "{stdout}");
    ok(git(
        &work,
        &["push", "-q", "--no-verify", "origin", "main"],
        &path_env,
    ));
}

#[test]
fn a_foreign_hook_is_kept_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    ok(Command::new("git")
        .args(["init", "-q"])
        .arg(repo)
        .output()
        .unwrap());
    let hook = repo.join(".git/hooks/pre-push");
    std::fs::write(&hook, "#!/bin/sh\necho mine\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("shipcheck");
    let out = Command::new(&bin)
        .arg("install-hook")
        .arg(repo)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\necho mine\n"
    );
    let out = Command::new(&bin)
        .arg("install-hook")
        .arg(repo)
        .arg("--force")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&hook)
        .unwrap()
        .contains("shipcheck"));
    // Our own hook is replaced without --force.
    let out = Command::new(&bin)
        .arg("install-hook")
        .arg(repo)
        .output()
        .unwrap();
    assert!(out.status.success());
}
