//! `shipcheck check --rev REV`: a commit's tree judged straight from git's
//! object store, whatever the checkout holds.

mod support;

use support::{finding_lines, git, json, run, shipcheck, write};

/// A repository whose `main` is clean and whose `dirty` branch adds debug
/// code, a config and a baseline; `main` is checked out.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    git(r, &["init", "-q", "-b", "main"]);
    write(r, "src/app.ts", "export const a = 1;\n");
    write(r, "src/gone.ts", "export const g = 1;\n");
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "clean"]);
    git(r, &["checkout", "-q", "-b", "dirty"]);
    write(r, "src/app.ts", "export const a = 1;\nconsole.log(a);\n");
    write(r, "src/gone.ts", "export const g = 1;\ndebugger;\n");
    write(r, "web/page.ts", "// TODO: later\n");
    write(r, ".shipcheck.yml", "rules:\n  todo/untracked: off\n");
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "dirty"]);
    git(r, &["checkout", "-q", "main"]);
    tmp
}

#[test]
fn a_commit_is_judged_by_its_own_tree_config_and_files() {
    let tmp = repo();
    let r = tmp.path();
    // The checkout is clean but carries work the commit does not have.
    write(r, "src/local.ts", "console.info('uncommitted');\n");
    std::fs::remove_file(r.join("src/gone.ts")).unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(r)
        .args(["--rev", "dirty", "--branch", "feature", "--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v = json(&out);
    let found = finding_lines(&v);
    assert!(found.contains("debug/console src/app.ts:2"), "{found:?}");
    // In the commit, deleted in the checkout: judged.
    assert!(found.contains("debug/debugger src/gone.ts:2"), "{found:?}");
    // Untracked in the checkout: not in the commit.
    assert!(
        !found.iter().any(|f| f.contains("src/local.ts")),
        "{found:?}"
    );
    // The commit's .shipcheck.yml turns todo/untracked off.
    assert!(!found.iter().any(|f| f.starts_with("todo/")), "{found:?}");
    let sha = git(r, &["rev-parse", "dirty"]);
    assert_eq!(v["revision"], sha.trim(), "{v}");

    // The same checkout without --rev: its own files.
    let out = run(shipcheck()
        .arg("check")
        .arg(r)
        .args(["--branch", "feature", "--format", "json"]));
    let found = finding_lines(&json(&out));
    assert!(found.contains("debug/console src/local.ts:1"), "{found:?}");
    assert!(!found.iter().any(|f| f.contains("src/app.ts")), "{found:?}");
    assert!(json(&out).get("revision").is_none());

    // And main, judged by revision: clean, though the checkout is not.
    let out = run(shipcheck()
        .arg("check")
        .arg(r)
        .args(["--rev", "main", "--branch", "feature"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("commit "), "{}", out.stdout);
}

#[test]
fn a_subdirectory_and_the_commits_baseline() {
    let tmp = repo();
    let r = tmp.path();
    // A baseline committed on a branch accepts that branch's finding.
    git(r, &["checkout", "-q", "dirty"]);
    let out = run(shipcheck()
        .arg("baseline")
        .arg(r)
        .args(["--reason", "old debt"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "baseline"]);
    git(r, &["checkout", "-q", "main"]);
    let out = run(shipcheck()
        .arg("check")
        .arg(r)
        .args(["--rev", "dirty", "--branch", "feature", "--format", "json"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(json(&out)["baselined"], 2, "{}", out.stdout);
    // A subdirectory of the repository: its part of the tree, paths
    // relative to it.
    let out = run(shipcheck().arg("check").arg(r.join("src")).args([
        "--rev", "dirty~1", "--branch", "feature", "--format", "json",
    ]));
    let found = finding_lines(&json(&out));
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["debug/console app.ts:2", "debug/debugger gone.ts:2"]
    );
}

#[test]
fn a_revision_that_is_not_there_is_one_clear_error() {
    let tmp = repo();
    let out = run(shipcheck()
        .arg("check")
        .arg(tmp.path())
        .args(["--rev", "no-such-branch"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--rev no-such-branch: no such commit in"),
        "{}",
        out.stderr
    );
    let plain = tempfile::tempdir().unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(plain.path())
        .args(["--rev", "HEAD"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is not in a git repository"),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn symlinks_and_binary_blobs_in_a_revision() {
    let tmp = repo();
    let r = tmp.path();
    std::os::unix::fs::symlink("/etc/passwd", r.join("src/link.ts")).unwrap();
    write(r, "assets/blob", b"\x00\x01console.log(1)\x00");
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "odd files"]);
    std::fs::remove_file(r.join("src/link.ts")).unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(r)
        .args(["--rev", "HEAD", "--branch", "feature", "--format", "json"]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let v = json(&out);
    assert_eq!(v["skipped"]["symlinks"], 1, "{v}");
    assert_eq!(v["skipped"]["binary"], 1, "{v}");
}

/// Enough files that the listing reads their blobs through two `git
/// cat-file` processes taking turns: every file is judged on its own bytes,
/// as from the checkout, in the listing's order.
#[test]
fn hundreds_of_blobs_read_ahead_in_turns_are_each_their_own_file() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    git(r, &["init", "-q", "-b", "main"]);
    for i in 0..400 {
        // Each file's finding is on a line of its own number (mod 7), so a
        // blob handed to the wrong path shows.
        let body = format!("{}console.log({i});\n", "\n".repeat(i % 7));
        write(r, &format!("src/m{i:03}.ts"), &body);
    }
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "many"]);
    let args = ["--branch", "feature", "--format", "json"];
    let checkout = run(shipcheck().arg("check").arg(r).args(args));
    let rev = run(shipcheck()
        .arg("check")
        .arg(r)
        .args(args)
        .args(["--rev", "HEAD"]));
    assert_eq!(
        (checkout.code, rev.code),
        (1, 1),
        "{}{}",
        checkout.stderr,
        rev.stderr
    );
    let (a, b) = (finding_lines(&json(&checkout)), finding_lines(&json(&rev)));
    assert_eq!(a.len(), 400, "{a:?}");
    assert_eq!(a, b);
    assert!(b.contains("debug/console src/m013.ts:7"), "{b:?}");
}

/// The findings of `--rev HEAD` and of a plain check of `r`, once their
/// exit codes are `codes`.
fn rev_and_checkout(
    r: &std::path::Path,
    codes: (i32, i32),
) -> (
    std::collections::BTreeSet<String>,
    std::collections::BTreeSet<String>,
) {
    let args = ["--branch", "feature", "--format", "json"];
    let rev = run(shipcheck()
        .arg("check")
        .arg(r)
        .args(args)
        .args(["--rev", "HEAD"]));
    let checkout = run(shipcheck().arg("check").arg(r).args(args));
    assert_eq!(
        (rev.code, checkout.code),
        codes,
        "{}{}",
        rev.stderr,
        checkout.stderr
    );
    (finding_lines(&json(&rev)), finding_lines(&json(&checkout)))
}

/// A checkout file of the commit's size is read from the checkout only
/// when it holds the commit's bytes: reordered lines of the same length
/// are the commit's, judged where the commit has them.
#[test]
fn a_same_size_checkout_file_with_other_bytes_is_not_taken_for_the_commits() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    git(r, &["init", "-q", "-b", "main"]);
    write(r, "src/a.ts", "debugger;\nexport const x = 1;\n");
    write(r, "src/b.ts", "export const y = 2;\ndebugger;\n");
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "one"]);
    // Same size, lines swapped: the checkout differs from the commit.
    write(r, "src/a.ts", "export const x = 1;\ndebugger;\n");
    let (rev, checkout) = rev_and_checkout(r, (1, 1));
    assert!(rev.contains("debug/debugger src/a.ts:1"), "{rev:?}");
    assert!(
        checkout.contains("debug/debugger src/a.ts:2"),
        "{checkout:?}"
    );
    // The unchanged file: the same from either.
    assert!(rev.contains("debug/debugger src/b.ts:2"), "{rev:?}");
    assert!(
        checkout.contains("debug/debugger src/b.ts:2"),
        "{checkout:?}"
    );
}

/// A file git converts on checkout (here a filter writing `debugger` where
/// the commit has `pause`) is not the commit's, though git counts it
/// unchanged: `--rev` judges the commit's blob, a plain check the file.
#[test]
fn a_file_git_converts_on_checkout_is_judged_as_the_commit_has_it() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    git(r, &["init", "-q", "-b", "main"]);
    git(
        r,
        &["config", "filter.demo.smudge", "sed s/pause/debugger/"],
    );
    git(r, &["config", "filter.demo.clean", "sed s/debugger/pause/"]);
    write(r, ".gitattributes", "*.ts filter=demo\n");
    write(r, "src/a.ts", "export const x = 1;\npause;\n");
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "one"]);
    // Checked out again: the filter writes the file; git finds it clean.
    std::fs::remove_file(r.join("src/a.ts")).unwrap();
    git(r, &["checkout", "--", "src/a.ts"]);
    let text = std::fs::read_to_string(r.join("src/a.ts")).unwrap();
    assert_eq!(text, "export const x = 1;\ndebugger;\n");
    // Written a minute ago, its stat cached again by git: not racily
    // clean, so only the filter tells it from the commit's blob.
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    let file = std::fs::File::options()
        .write(true)
        .open(r.join("src/a.ts"))
        .unwrap();
    file.set_modified(past).unwrap();
    drop(file);
    git(r, &["update-index", "-q", "--refresh"]);
    assert_eq!(git(r, &["status", "--porcelain"]), "");
    let (rev, checkout) = rev_and_checkout(r, (0, 1));
    assert!(rev.is_empty(), "{rev:?}");
    assert!(
        checkout.contains("debug/debugger src/a.ts:2"),
        "{checkout:?}"
    );
}
