//! The nasty files a real repository contains that `walk.rs` does not cover:
//! a 50 MB generated file, a 100,000-character line, an unreadable file.
//! None may crash the run or lose the other findings. (Speed is the
//! benchmark's business, never a timed test's.)

mod support;

use serde_json::Value;
use std::path::Path;
use support::{shipcheck, write};

fn check_json(root: &Path, config: &str) -> Value {
    let mut cfg = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut cfg, config.as_bytes()).unwrap();
    let out = shipcheck()
        .arg("check")
        .arg(root)
        .args(["--format", "json", "--branch", "feature/x", "--config"])
        .arg(cfg.path())
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `rule path:line` of every finding.
fn findings(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule"].as_str().unwrap_or("-"),
                f["path"].as_str().unwrap_or("-"),
                f["line"]
            )
        })
        .collect()
}

/// Two ordinary files whose findings must survive whatever sits next to them.
fn ordinary(root: &Path) {
    write(root, "src/a.ts", b"console.log(1);\n");
    write(root, "src/z.ts", b"const z = 1;\nconsole.log(z);\n");
}

fn has(got: &[String], want: &str) -> bool {
    got.iter().any(|g| g.ends_with(want))
}

#[test]
fn fifty_megabyte_generated_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ordinary(root);
    // 50 MB of finding-free lines, then one finding on the very last line.
    let line = b"const generatedValue = 12345;\n";
    let lines = 50 * 1024 * 1024 / line.len();
    let mut big = line.repeat(lines);
    big.extend_from_slice(b"console.log(generatedValue);\n");
    assert!(big.len() > 50 * 1024 * 1024 - line.len());
    write(root, "src/generated/api.js", &big);

    // Default limit (1 MiB): skipped, counted, nothing else lost.
    let v = check_json(root, "");
    let got = findings(&v);
    assert_eq!(v["files_skipped"]["too_large"], 1, "{v:#}");
    assert!(has(&got, "src/a.ts:1"), "{got:?}");
    assert!(has(&got, "src/z.ts:2"), "{got:?}");
    assert!(
        !got.iter().any(|g| g.contains("src/generated/api.js")),
        "{got:?}"
    );

    // Raised limit: read and checked to the end, other findings kept.
    let v = check_json(root, "max-file-size: 100MiB\n");
    let got = findings(&v);
    assert_eq!(v["files_skipped"]["too_large"], 0, "{v:#}");
    assert!(has(&got, "src/a.ts:1"), "{got:?}");
    assert!(has(&got, "src/z.ts:2"), "{got:?}");
    assert!(
        has(&got, &format!("src/generated/api.js:{}", lines + 1)),
        "{got:?}"
    );
}

#[test]
fn hundred_thousand_character_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ordinary(root);
    let long = "x".repeat(100_000);
    // JS-like: one 100,000-character line means minified; skipped, counted.
    write(
        root,
        "src/bundle.ts",
        format!("console.log(1); const s = \"{long}\";\nconsole.log(2);\n").as_bytes(),
    );
    // Python: no minified rule; lexed in full, the findings on and after
    // the long line kept.
    write(
        root,
        "src/long.py",
        format!("s = \"{long}\"  # TODO: on the long line\n# FIXME: after it\n").as_bytes(),
    );
    let v = check_json(root, "");
    let got = findings(&v);
    assert_eq!(v["files_skipped"]["minified"], 1, "{v:#}");
    assert!(!got.iter().any(|g| g.contains("src/bundle.ts")), "{got:?}");
    assert!(has(&got, "src/long.py:1"), "{got:?}");
    assert!(has(&got, "src/long.py:2"), "{got:?}");
    assert!(has(&got, "src/a.ts:1"), "{got:?}");
    assert!(has(&got, "src/z.ts:2"), "{got:?}");
}

#[cfg(unix)]
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[cfg(unix)]
#[test]
#[allow(
    clippy::print_stderr,
    reason = "says why the test did nothing when run as root"
)]
fn unreadable_file_is_reported_not_fatal() {
    use std::os::unix::fs::PermissionsExt;
    if is_root() {
        eprintln!("skipped: running as root, chmod 000 does not deny reads");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ordinary(root);
    write(root, "src/secret.ts", b"console.log(3);\n");
    let p = root.join("src/secret.ts");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let v = check_json(root, "");
    // Restore so the temp dir can be removed.
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    let got = findings(&v);
    assert!(
        got.iter()
            .any(|g| g.starts_with("scan/unreadable src/secret.ts")),
        "{got:?}"
    );
    assert!(has(&got, "src/a.ts:1"), "{got:?}");
    assert!(has(&got, "src/z.ts:2"), "{got:?}");
}

/// A scanned minified bundle (`minified-line-length: 0`): 2,000 findings on
/// one 1.6 MB line. The terminal shows a short window of the line around
/// each finding with its caret in place, not the line itself.
#[test]
fn findings_on_a_megabyte_line_show_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let chunk = format!(
        "function f(a){{console.log(a)}};var pad=\"{}\";",
        "p".repeat(760)
    );
    write(root, "dist/app.js", chunk.repeat(2_000).as_bytes());
    let mut cfg = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(
        &mut cfg,
        b"minified-line-length: 0\nmax-file-size: 4MiB\nproduction-code:\n  exclude: []\n",
    )
    .unwrap();
    let out = shipcheck()
        .arg("check")
        .arg(root)
        .args(["--branch", "feature/x", "--config"])
        .arg(cfg.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.matches("`console.log` left in production code")
            .count(),
        2_000
    );
    let longest = text.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 400, "a line of {longest} characters was printed");
    // The caret sits under `console.log`, here and in the last finding.
    let lines: Vec<&str> = text.lines().collect();
    let carets: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with('|') && l.contains('^'))
        .map(|(i, l)| (i, *l))
        .collect();
    assert_eq!(carets.len(), 2_000);
    for (i, caret_line) in [carets[0], carets[1_999]] {
        let src: Vec<char> = lines[i - 1].chars().collect();
        let at = caret_line.chars().position(|c| c == '^').unwrap();
        let under: String = src[at..at + 11].iter().collect();
        assert_eq!(under, "console.log", "{}\n{caret_line}", lines[i - 1]);
    }
}

/// A shipcheck bug on one file (a panic, injected in debug builds with
/// `SHIPCHECK_TEST_PANIC_ON`) costs that file only: it is reported as
/// `scan/unreadable`, the other files' findings stay, and stderr names the
/// place in shipcheck's source but never the panic's message, which may quote
/// the file (here it holds a Stripe-key-shaped string).
#[test]
fn a_panic_on_one_file_is_confined_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    ordinary(root);
    write(root, "src/boom.ts", b"console.log('boom');\n");
    let out = shipcheck()
        .env("SHIPCHECK_TEST_PANIC_ON", "src/boom.ts")
        .arg("check")
        .arg(root)
        .args(["--format", "json", "--branch", "feature/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the console calls still block");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got = findings(&v);
    assert!(
        has(&got, "src/a.ts:1") && has(&got, "src/z.ts:2"),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|g| g.starts_with("scan/unreadable src/boom.ts")),
        "{got:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("shipcheck: internal error at src/"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("sk_live_") && !stderr.contains("FAKEsecret"),
        "{stderr}"
    );
}

/// Shapes that once made the console-scope analysis or the column count
/// quadratic (found in review): thousands of local `console` declarations,
/// of `function(console){…}` wrappers, of ternaries passing `console`, and
/// 20,000 findings on one line. Linear now, so this finishes in about a
/// second; the findings are the ones each shape must give.
#[test]
fn pathological_console_shapes_stay_linear() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "src/decl.js",
        "var console = 1;\n".repeat(20_000) + "console.log(1);\n",
    );
    write(
        root,
        "src/wrap.js",
        "x(function(console){console.log(1)});".repeat(20_000),
    );
    write(
        root,
        "src/tern.js",
        "a?f(console):0;".repeat(20_000) + "\nconsole.log(2);\n",
    );
    write(root, "src/line.js", "console.log(1);".repeat(20_000));
    let v = check_json(
        root,
        "minified-line-length: 0\nmax-file-size: 64MiB\nfail-on: error\n",
    );
    let got = findings(&v);
    let count = |path: &str| got.iter().filter(|g| g.contains(path)).count();
    assert_eq!(
        count("src/decl.js"),
        0,
        "a top-level var console shadows the file"
    );
    assert_eq!(
        count("src/wrap.js"),
        0,
        "every call is inside its own console parameter"
    );
    assert_eq!(count("src/tern.js"), 1, "passing console binds nothing");
    assert_eq!(count("src/line.js"), 20_000);
}
