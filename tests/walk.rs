//! The one walk, on a real git repository with the files real repos contain.

mod support;

use serde_json::Value;
use std::path::Path;
use support::{git, shipcheck, write};

fn check_json(root: &Path, extra: &[&str]) -> Value {
    let out = shipcheck()
        .arg("check")
        .arg(root)
        .args(["--format", "json", "--branch", "feature/x"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn paths(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap_or("-"), f["line"]))
        .collect()
}

#[test]
fn walk_respects_ignores_and_skips_what_it_must() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, ".gitignore", b"dist/\n*.log.ts\n");
    // Not honoured: a pull request must not hide code from the gate.
    write(root, ".ignore", b"generated/\n");
    write(root, ".git/info/exclude", b"local-only.ts\n");
    write(root, "src/real.ts", b"console.log(1);\n");
    write(root, "dist/bundle.ts", b"console.log(1);\n");
    write(root, "src/debug.log.ts", b"console.log(1);\n");
    write(root, "generated/api.ts", b"console.log(1);\n");
    write(root, "local-only.ts", b"console.log(1);\n");
    write(root, "node_modules/lib/index.js", b"console.log(1);\n");
    write(root, "vendor/lib.js", b"console.log(1);\n");
    write(root, "public/jquery.min.js", b"console.log(1);\n");
    // minified: one very long line
    let mut long = b"console.log(1);".to_vec();
    long.extend(std::iter::repeat_n(b' ', 5000));
    long.extend(b"var a=1;\n");
    write(root, "src/app.bundle-like.js", &long);
    // binary: NUL byte early
    write(root, "src/blob.ts", b"console.log(1);\x00\x01\x02\n");
    // too large for a 1 KiB limit set below
    let mut big = b"console.log(1);\n".to_vec();
    big.extend("// padding\n".repeat(400).as_bytes());
    write(root, "src/big.ts", &big);
    // invalid UTF-8 is read lossily and still checked
    write(
        root,
        "src/latin1.ts",
        b"const s = '\xe9t\xe9';\nconsole.log(s);\n",
    );
    // UTF-16 LE with BOM
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "console.log(2);\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    write(root, "src/utf16.ts", &utf16);
    // CRLF everywhere
    write(
        root,
        "src/crlf.ts",
        b"const a = 1;\r\n// TODO: crlf\r\nconsole.log(a);\r\n",
    );
    // a directory named like a source file
    std::fs::create_dir_all(root.join("src/weird.ts")).unwrap();
    // a symlink loop
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", root.join("src/loop")).unwrap();

    let v = check_json(root, &["--config", "/dev/null"]);
    let mut cfg = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut cfg, b"max-file-size: 1KiB\n").unwrap();
    let v_small = check_json(root, &["--config", cfg.path().to_str().unwrap()]);

    let got = paths(&v);
    assert_eq!(
        got,
        [
            "generated/api.ts:1",
            "src/big.ts:1",
            "src/crlf.ts:2",
            "src/crlf.ts:3",
            "src/latin1.ts:2",
            "src/real.ts:1",
            "src/utf16.ts:1"
        ],
        "{v:#}"
    );
    assert_eq!(v["files_skipped"]["binary"], 1);
    assert_eq!(v["files_skipped"]["minified"], 1);
    // Every file of the set that was not fully checked is counted by reason.
    assert_eq!(v["skipped"]["vendored"], 3, "{:#}", v["skipped"]);
    assert_eq!(v["skipped"]["symlinks"], 1, "{:#}", v["skipped"]);
    assert_eq!(
        v_small["files_skipped"]["too_large"], 2,
        "big.ts and the 5 KB bundle-like file"
    );
    assert!(!paths(&v_small).iter().any(|p| p.starts_with("src/big.ts")));
    // column of the CRLF TODO and the lossy file are right
    let crlf = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/crlf.ts" && f["line"] == 3)
        .unwrap();
    assert_eq!(crlf["column"], 1);
    assert_eq!(crlf["end_column"], 12);
}

/// `minified-line-length` moves the minified threshold; 0 scans every JS file.
#[test]
fn minified_line_length_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut long = b"console.log(1);".to_vec();
    long.extend(std::iter::repeat_n(b' ', 1500));
    long.extend(b"var a=1;\n");
    write(root, "src/wide.js", &long);
    write(root, "src/narrow.js", b"var b = 2; console.log(b);\n");
    let run = |cfg: &str| {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, cfg.as_bytes()).unwrap();
        check_json(root, &["--config", f.path().to_str().unwrap()])
    };
    let default = run("fail-on: error\n");
    assert_eq!(paths(&default), ["src/narrow.js:1"], "{default:#}");
    assert_eq!(default["files_skipped"]["minified"], 1);

    let off = run("minified-line-length: 0\n");
    assert_eq!(paths(&off), ["src/narrow.js:1", "src/wide.js:1"], "{off:#}");
    assert_eq!(off["files_skipped"]["minified"], 0);

    let tight = run("minified-line-length: 20\n");
    assert_eq!(paths(&tight), Vec::<String>::new(), "{tight:#}");
    assert_eq!(tight["files_skipped"]["minified"], 2);
}
