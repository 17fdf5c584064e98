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

/// A work tree with the hook installed and a bare remote `origin` added
/// with `git remote add` (so no `origin/HEAD`), `main` pushed clean.
struct Pushing {
    _tmp: tempfile::TempDir,
    work: std::path::PathBuf,
    path_env: String,
}

impl Pushing {
    fn new() -> Pushing {
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
        let hook = std::fs::read_to_string(work.join(".git/hooks/pre-push")).unwrap();
        assert!(hook.starts_with("#!/bin/sh\n"), "{hook}");
        // First push: a new branch on an empty remote (nothing to compare
        // with), clean, so it passes.
        let p = Pushing {
            _tmp: tmp,
            work,
            path_env,
        };
        p.push_ok(&["origin", "main"]);
        p
    }

    fn git(&self, args: &[&str]) -> Output {
        git(&self.work, args, &self.path_env)
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.work.join(rel), text).unwrap();
    }

    fn commit(&self, message: &str) {
        ok(self.git(&["add", "-A"]));
        ok(self.git(&["commit", "-q", "-m", message]));
    }

    fn push(&self, args: &[&str]) -> (bool, String) {
        let mut all = vec!["push"];
        all.extend(args);
        let out = self.git(&all);
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    fn push_ok(&self, args: &[&str]) -> String {
        let (passed, out) = self.push(args);
        assert!(passed, "the push must pass:\n{out}");
        assert!(
            out.contains("shipcheck: ready"),
            "the hook must have run:\n{out}"
        );
        out
    }

    fn push_blocked(&self, args: &[&str]) -> String {
        let (passed, out) = self.push(args);
        assert!(!passed, "the hook must block the push:\n{out}");
        assert!(out.contains("shipcheck: blocked"), "{out}");
        out
    }
}

#[test]
fn the_hook_blocks_a_push_that_adds_debug_code() {
    let p = Pushing::new();
    p.write("src/app.ts", "export const a = 1;\nconsole.log(a);\n");
    p.commit("debug");
    let out = p.push_blocked(&["origin", "main"]);
    assert!(out.contains("debug/console"), "{out}");
    ok(p.git(&["push", "-q", "--no-verify", "origin", "main"]));
}

#[test]
fn the_hook_judges_the_pushed_commit_not_the_checkout() {
    let p = Pushing::new();
    // A dirty branch, committed; then back to a clean checkout.
    ok(p.git(&["checkout", "-q", "-b", "dirty"]));
    p.write("src/debug.ts", "console.log(\"left in\");\n");
    p.commit("dirty");
    ok(p.git(&["checkout", "-q", "main"]));
    ok(p.git(&["checkout", "-q", "-b", "clean"]));
    p.write("src/ok.ts", "export const ok = true;\n");
    p.commit("clean");
    // Pushing the dirty branch from the clean checkout: blocked.
    let out = p.push_blocked(&["origin", "dirty"]);
    assert!(out.contains("src/debug.ts"), "{out}");
    // Pushing the clean branch while the dirty one is checked out (with
    // uncommitted debug code in the working tree too): passes.
    ok(p.git(&["checkout", "-q", "dirty"]));
    p.write("src/app.ts", "export const a = 1;\ndebugger;\n");
    let out = p.push_ok(&["origin", "clean"]);
    // A new branch on a remote without origin/HEAD: judged against
    // origin/main, under main's policy, and says so.
    assert!(
        out.contains("since the merge-base with origin/main"),
        "{out}"
    );
    assert!(
        out.contains("policy of main (the remote's default branch)"),
        "{out}"
    );
}

#[test]
fn a_new_branch_is_judged_on_its_own_new_lines_only() {
    let p = Pushing::new();
    // Debt already on main (pushed past the hook), then a clean branch.
    p.write("src/old.ts", "console.log(\"old debt\");\n");
    p.commit("debt");
    ok(p.git(&["push", "-q", "--no-verify", "origin", "main"]));
    ok(p.git(&["checkout", "-q", "-b", "feature"]));
    p.write("src/new.ts", "export const n = 2;\n");
    p.commit("feature");
    let out = p.push_ok(&["origin", "feature"]);
    assert!(out.contains("new lines only"), "{out}");
    // Its own new debug code blocks it.
    p.write("src/new.ts", "export const n = 2;\nconsole.debug(n);\n");
    p.commit("oops");
    let out = p.push_blocked(&["origin", "feature"]);
    assert!(
        out.contains("src/new.ts") && !out.contains("src/old.ts"),
        "{out}"
    );
}

#[test]
fn the_policy_branch_comes_from_the_config_when_set() {
    let p = Pushing::new();
    ok(p.git(&["checkout", "-q", "-b", "feature"]));
    // A TODO is a warning: main (a release branch) blocks at warning,
    // `develop` (hook.policy-branch) only at error.
    p.write(".shipcheck.yml", "hook:\n  policy-branch: develop\n");
    p.write("src/todo.ts", "// TODO: tidy up\nexport const t = 1;\n");
    p.commit("todo");
    let out = p.push_ok(&["origin", "feature"]);
    assert!(
        out.contains("policy of develop (hook.policy-branch)"),
        "{out}"
    );
    p.write(".shipcheck.yml", "");
    p.write("src/todo2.ts", "// TODO: and this\nexport const u = 1;\n");
    p.commit("no config");
    let out = p.push_blocked(&["origin", "feature"]);
    assert!(out.contains("todo/untracked"), "{out}");
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

#[test]
fn without_a_known_default_branch_every_line_counts_and_the_hook_says_so() {
    let p = Pushing::new();
    // Only `main` is on the remote; forget it, as a clone of a remote whose
    // default branch has another name would not have it.
    ok(p.git(&["update-ref", "-d", "refs/remotes/origin/main"]));
    ok(p.git(&["checkout", "-q", "-b", "feature"]));
    p.write("src/f.ts", "export const f = 1;\n");
    p.commit("feature");
    let out = p.push_ok(&["origin", "feature"]);
    assert!(
        out.contains("origin has no default branch known here")
            && out.contains("every line counts as new"),
        "{out}"
    );
    assert!(
        out.contains("policy of feature (the pushed branch)"),
        "{out}"
    );
}
