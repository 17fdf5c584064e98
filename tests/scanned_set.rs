//! Issue 10, no silent pass: what ships is what git tracks. A tracked file
//! that `.gitignore` matches is scanned, `.ignore` hides nothing,
//! `paths.exclude` is the one way out and is counted; a live key in any
//! committed file — minified, vendored, large, binary-looking, in a format
//! shipcheck does not lex, named in bytes that are not UTF-8 — blocks; git
//! that cannot run is a finding, not a silent drop; a bare repository is an
//! error.

mod support;

use serde_json::Value;
use std::path::Path;
use support::{git, json, random, run, shipcheck, write};

/// A live key built at run time (no key-shaped literal in this file).
fn live_key(n: u64) -> String {
    let a = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let body: String = (0..32)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            a[(x % 62) as usize] as char
        })
        .collect();
    format!("sk_live_{body}")
}

/// A PNG: its header, then `chunks` of type and data (no end chunk; the
/// CRCs are not checked by anyone).
fn png(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    out.extend_from_slice(&[0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0, 1, 2, 3, 4]);
    for (ty, data) in chunks {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&ty[..]);
        out.extend_from_slice(data);
        out.extend_from_slice(&[9, 9, 9, 9]);
    }
    out
}

/// A TrueType font: its header, a directory of `tables` (tag, data),
/// the tables one after another.
fn ttf(tables: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let mut out = vec![0, 1, 0, 0];
    out.extend_from_slice(&(tables.len() as u16).to_be_bytes());
    out.extend_from_slice(&[0; 6]);
    let mut offset = 12 + 16 * tables.len();
    for (tag, data) in tables {
        out.extend_from_slice(&tag[..]);
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len();
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
    }
    out
}

/// The 1-based line of `bytes` where `key` starts.
fn line_of(bytes: &[u8], key: &str) -> usize {
    let at = bytes
        .windows(key.len())
        .position(|w| w == key.as_bytes())
        .expect("the key is in the file");
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count()
}

/// `len` zero bytes with `key` written at 9,000.
fn zeros_with(len: usize, key: &str) -> Vec<u8> {
    let mut out = vec![0u8; len];
    out[9000..9000 + key.len()].copy_from_slice(key.as_bytes());
    out
}

fn check(root: &Path, extra: &[&str]) -> (i32, Value) {
    let out = run(shipcheck()
        .arg("check")
        .arg(root)
        .args(["--format", "json", "--branch", "main"])
        .args(extra));
    assert!(
        out.code == 0 || out.code == 1,
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    (out.code, json(&out))
}

fn findings(v: &Value, rule: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap_or("-"), f["line"]))
        .collect()
}

#[test]
fn a_live_key_in_any_committed_file_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    let k = |n| live_key(n);
    let mut bundle = format!("var s=\"{}\";", k(1));
    bundle.push_str(&"a=1;".repeat(1000));
    write(root, "public/app.js", format!("{bundle}\n"));
    write(root, "public/jquery.min.js", format!("x=\"{}\"\n", k(2)));
    write(root, "vendor/sdk/client.rb", format!("KEY = '{}'\n", k(3)));
    write(
        root,
        "node_modules/pay/index.js",
        format!("module.exports='{}'\n", k(4)),
    );
    let mut big = "// padding\n".repeat(200_000);
    big.push_str(&format!("const k = '{}';\n", k(5)));
    write(root, "src/huge.ts", big);
    write(
        root,
        "assets/blob.bin",
        [b"\x00\x01\x02\n".as_slice(), k(6).as_bytes()].concat(),
    );
    write(
        root,
        "src/data.ts",
        [b"\x00\x01\n\n".as_slice(), k(12).as_bytes()].concat(),
    );
    write(
        root,
        "certs/stripe.pem",
        format!("-----BEGIN-----\n{}\n", k(7)),
    );
    write(root, "data/keys.csv", format!("name,key\nprod,{}\n", k(8)));
    // An image: its text chunk is read; its compressed pixels (`IDAT`)
    // are not, as a zip archive's deflated entries are not.
    let comment = format!("Comment\0{}", k(13));
    let shot = png(&[(b"IDAT", &[0; 20_000]), (b"tEXt", comment.as_bytes())]);
    let shot_line = line_of(&shot, &k(13));
    write(root, "assets/shot.png", shot);
    let pixels = zeros_with(20_000, &k(14));
    write(root, "assets/pixels.png", png(&[(b"IDAT", &pixels)]));
    // A font: its names are read; its outlines (`glyf`) are not.
    let names = format!("Copyright {}", k(15));
    let font = ttf(&[(b"glyf", &[0; 20_000]), (b"name", names.as_bytes())]);
    let font_line = line_of(&font, &k(15));
    write(root, "assets/brand.ttf", font);
    let outlines = zeros_with(20_000, &k(16));
    let names = b"Copyright the authors";
    write(
        root,
        "assets/outlines.otf",
        ttf(&[(b"glyf", &outlines), (b"name", names)]),
    );
    write(
        root,
        "notebooks/try.ipynb",
        format!("{{\"source\": [\"key = '{}'\\n\"]}}\n", k(9)),
    );
    // Tracked although .gitignore matches it: it ships.
    write(
        root,
        "config/secrets.js",
        format!("export default '{}';\n", k(10)),
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "app"]);
    write(root, ".gitignore", "config/secrets.js\nlocal/\n");
    // Untracked and ignored: does not ship.
    write(root, "local/scratch.js", format!("'{}'\n", k(11)));
    // `.ignore` hides nothing.
    write(root, ".ignore", "src/\n");
    write(root, "src/app.ts", "console.log('hi');\n");

    let (code, v) = check(root, &["--config", "/dev/null"]);
    assert_eq!(code, 1);
    let mut got = findings(&v, "stripe/live-key-in-repo");
    got.sort();
    assert_eq!(
        got,
        [
            "assets/blob.bin:2",
            format!("assets/brand.ttf:{font_line}").as_str(),
            format!("assets/shot.png:{shot_line}").as_str(),
            "certs/stripe.pem:2",
            "config/secrets.js:1",
            "data/keys.csv:2",
            "node_modules/pay/index.js:1",
            "notebooks/try.ipynb:1",
            "public/app.js:1",
            "public/jquery.min.js:1",
            "src/data.ts:3",
            "src/huge.ts:200001",
            "vendor/sdk/client.rb:1",
        ],
        "{v:#}"
    );
    assert_eq!(findings(&v, "debug/console"), ["src/app.ts:1"]);
    let skipped = &v["skipped"];
    assert_eq!(skipped["vendored"], 3, "{skipped:#}");
    assert_eq!(skipped["minified"], 1, "{skipped:#}");
    assert_eq!(skipped["too_large"], 1, "{skipped:#}");
    assert_eq!(skipped["binary"], 1, "{skipped:#}");
    // .bin, .pem, .csv, .ipynb, two .png, .ttf, .otf
    assert_eq!(skipped["other_format"], 8, "{skipped:#}");
}

/// The tracked names are read from the index file, not asked of git,
/// where git would read that file: `GIT_INDEX_FILE` (a hook's, a
/// wrapper's) names another, and git is asked what that one tracks.
#[test]
fn the_index_git_would_read_is_the_one_listed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, ".gitignore", "build/\n");
    write(root, "src/app.ts", "console.log('app');\n");
    write(root, "build/gen.ts", "console.log('gen');\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "app"]);
    // Another index that also tracks the ignored file.
    let other = dir.path().join("other-index");
    std::fs::copy(root.join(".git/index"), &other).unwrap();
    let status = std::process::Command::new("git")
        .args(["add", "-f", "build/gen.ts"])
        .current_dir(root)
        .env("GIT_INDEX_FILE", &other)
        .status()
        .unwrap();
    assert!(status.success());
    let consoles = |index: Option<&Path>| {
        let mut cmd = shipcheck();
        cmd.arg("check")
            .arg(root)
            .args(["--format", "json", "--branch", "main"]);
        if let Some(index) = index {
            cmd.env("GIT_INDEX_FILE", index);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
        let mut got = findings(&json(&out), "debug/console");
        got.sort();
        got
    };
    assert_eq!(consoles(None), ["src/app.ts:1"]);
    assert_eq!(consoles(Some(&other)), ["build/gen.ts:1", "src/app.ts:1"]);
}

/// A small repository's untracked files are found by the directory walk:
/// the user's global excludes hide the ones they name, as from git,
/// wherever git's config puts them (`core.excludesFile` in
/// `~/.gitconfig`, the default `~/.config/git/ignore`), and with none
/// every untracked file is scanned.
#[test]
fn global_excludes_hide_untracked_files_from_the_walk_as_from_git() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("app");
    std::fs::create_dir(&root).unwrap();
    git(&root, &["init", "-q", "-b", "main"]);
    write(&root, "src/app.ts", "export const a = 1;\n");
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "app"]);
    write(&root, "scratch.js", "console.log('a');\n");
    write(&root, "notes/todo.js", "console.log('b');\n");
    // Each home: its files, then what the walk and git leave untracked.
    type Home<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);
    let homes: [Home; 4] = [
        ("none", &[], &["notes/todo.js", "scratch.js"]),
        (
            "config without excludes",
            &[(".gitconfig", "[user]\n\tname = x\n")],
            &["notes/todo.js", "scratch.js"],
        ),
        (
            "core.excludesFile",
            &[
                (".gitconfig", "[core]\n\texcludesFile = ~/ignores\n"),
                ("ignores", "scratch.js\n"),
            ],
            &["notes/todo.js"],
        ),
        (
            "the default file",
            &[(".config/git/ignore", "notes/\n")],
            &["scratch.js"],
        ),
    ];
    for (i, (what, files, want)) in homes.iter().enumerate() {
        let home = dir.path().join(format!("home{i}"));
        std::fs::create_dir_all(&home).unwrap();
        for (rel, text) in *files {
            write(&home, rel, text);
        }
        // The home given, no other global or system config.
        let set: [(&str, &std::ffi::OsStr); 2] = [
            ("HOME", home.as_os_str()),
            ("GIT_CONFIG_SYSTEM", std::ffi::OsStr::new("/dev/null")),
        ];
        let unset = ["XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL"];
        let mut ls = std::process::Command::new("git");
        ls.args(["ls-files", "--others", "--exclude-standard"])
            .current_dir(&root);
        ls.envs(set);
        unset.iter().for_each(|k| {
            ls.env_remove(k);
        });
        let out = ls.output().unwrap();
        assert!(out.status.success(), "{what}");
        let by_git: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
        assert_eq!(&by_git, want, "git, {what}");
        let mut cmd = shipcheck();
        cmd.arg("check").arg(&root).args([
            "--format",
            "json",
            "--branch",
            "main",
            "--config",
            "/dev/null",
        ]);
        cmd.envs(set);
        unset.iter().for_each(|k| {
            cmd.env_remove(k);
        });
        let out = run(&mut cmd);
        assert_eq!(out.code, 1, "{what}\n{}\n{}", out.stdout, out.stderr);
        let mut got = findings(&json(&out), "debug/console");
        got.sort();
        let want: Vec<String> = want.iter().map(|f| format!("{f}:1")).collect();
        assert_eq!(got, want, "shipcheck, {what}");
    }
}

#[test]
fn decoys_in_skipped_files_are_not_keys() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "vendor/docs.md",
        "keys look like sk_live_... or sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
    );
    write(
        root,
        "data/example.csv",
        "key\nsk_live_00000000000000000000000000000000\n",
    );
    let (code, v) = check(root, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert!(findings(&v, "stripe/live-key-in-repo").is_empty());
}

#[test]
fn paths_exclude_is_the_one_way_out_and_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "legacy/old.js",
        format!("console.log('{}');\n", live_key(20)),
    );
    write(root, "src/app.ts", "export const a = 1;\n");
    write(
        root,
        ".shipcheck.yml",
        "paths:\n  exclude: [\"legacy/**\"]\n",
    );
    let (code, v) = check(root, &[]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["skipped"]["excluded"], 1);
    let text = run(shipcheck()
        .arg("check")
        .arg(root)
        .args(["--branch", "main"]));
    assert!(
        text.stdout.contains("1 excluded by paths.exclude"),
        "{}",
        text.stdout
    );
}

#[cfg(unix)]
#[test]
fn files_whose_names_are_not_utf8_are_scanned_and_counted() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.ts");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src").join(name), "console.log(1);\n").unwrap();
    for in_git in [false, true] {
        if in_git {
            git(root, &["init", "-q", "-b", "main"]);
            git(root, &["add", "-A"]);
        }
        let (code, v) = check(root, &[]);
        assert_eq!(code, 1, "in git: {in_git}: {v:#}");
        assert_eq!(v["files_scanned"], 1);
        assert_eq!(findings(&v, "debug/console"), ["src/caf\u{fffd}.ts:1"]);
    }
}

#[test]
fn git_that_cannot_run_is_reported_not_silent() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, ".env.production", "API_URL=https://api.example.com\n");
    write(root, "src/app.ts", "export const a = 1;\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "app"]);
    // A PATH with no git on it.
    let empty = tempfile::tempdir().unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(root)
        .args(["--format", "json", "--branch", "main"])
        .env("PATH", empty.path()));
    let v = json(&out);
    let rules = support::rules(&v);
    assert!(rules.contains(&"scan/git-unavailable"), "{rules:?}");
    assert_eq!(out.code, 1, "a warning on main blocks");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "scan/git-unavailable")
        .unwrap();
    assert!(
        f["message"].as_str().unwrap().contains("not installed"),
        "{f:#}"
    );
}

#[cfg(unix)]
#[test]
fn a_checkout_owned_by_another_user_is_still_read_through_git() {
    // Only root can hand the folder to another user (a container job's
    // checkout owned by the runner's uid is the real case).
    let me = std::process::Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&me.stdout).trim() != "0" {
        return; // CI runs as root, where this runs.
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q", "-b", "main"]);
    write(&root, ".env.local", "API_URL=https://api.example.com\n");
    write(&root, "src/app.ts", "export const a = 1;\n");
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "app"]);
    let status = std::process::Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    // Plain git now refuses ("dubious ownership")…
    let plain = std::process::Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["ls-files"])
        .env("HOME", dir.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        !plain.status.success(),
        "git did not refuse: the test proves nothing"
    );
    // …and shipcheck still sees the committed env file.
    let out = run(shipcheck()
        .arg("check")
        .arg(&root)
        .args(["--format", "json", "--branch", "main"])
        .env("HOME", dir.path())
        .env("GIT_CONFIG_NOSYSTEM", "1"));
    let v = json(&out);
    assert_eq!(
        findings(&v, "env/committed-env-file"),
        [".env.local:null"],
        "{v:#}"
    );
    assert!(findings(&v, "scan/git-unavailable").is_empty(), "{v:#}");
}

#[test]
fn a_bare_repository_is_an_error_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "--bare"]);
    let out = run(shipcheck().arg("check").arg(dir.path()));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("bare git repository"), "{}", out.stderr);
}

#[test]
fn a_submodules_committed_env_file_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    git(&sub, &["init", "-q", "-b", "main"]);
    write(
        &sub,
        ".env.production",
        "API_URL=https://api.example.com\nWEBHOOK_SECRET=mQ7vX2pL9sK4wR8tN3bH6yF1cZ5dJ0gA\n",
    );
    write(
        &sub,
        "src/pay.ts",
        format!("export const k = '{}';\n", live_key(30)),
    );
    git(&sub, &["add", "-A"]);
    git(&sub, &["commit", "-qm", "sub"]);
    let root = dir.path().join("app");
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q", "-b", "main"]);
    write(&root, "src/app.ts", "export const a = 1;\n");
    git(
        &root,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "-q",
            "add",
            "../sub",
            "libs/sub",
        ],
    );
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "app"]);
    let (code, v) = check(&root, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        findings(&v, "env/committed-env-file"),
        ["libs/sub/.env.production:null"],
        "{v:#}"
    );
    assert_eq!(
        findings(&v, "stripe/live-key-in-repo"),
        ["libs/sub/src/pay.ts:1"]
    );

    // `.gitmodules` gone from the work tree (deleted, not yet committed):
    // git still knows the submodule from the index, and so does the scan.
    std::fs::remove_file(root.join(".gitmodules")).unwrap();
    let (code, v) = check(&root, &[]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(
        findings(&v, "stripe/live-key-in-repo"),
        ["libs/sub/src/pay.ts:1"],
        "{v:#}"
    );
}

/// An AWS secret key, made up from `seed` (no key sits in the source),
/// and a module holding it beside its key id: the provider-key check registers
/// the secret with the redactor when it finds the pair.
fn aws_pair(seed: u64) -> (String, String) {
    let alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let secret = format!(
        "{}/{}",
        random(seed, 20, alnum),
        random(seed + 1, 19, alnum)
    );
    let id = format!(
        "AKIA{}",
        random(seed + 2, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    );
    let module = format!("export const id = \"{id}\";\nexport const secret = \"{secret}\";\n");
    (secret, module)
}

/// A key one file registers with the redactor (an AWS secret beside its
/// key id) masks what the files checked after it show of it: in a small
/// repository which files those are must not depend on which worker gets
/// there first. Twenty runs give one report, and the secret is never shown.
#[test]
fn a_small_repositorys_report_does_not_depend_on_timing() {
    let (secret, module) = aws_pair(3);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "k.ts", &module);
    write(root, "m.ts", format!("// TODO ghp_{secret}\n"));
    for name in ["h1", "h2", "h3"]
        .into_iter()
        .map(String::from)
        .chain((1..=40).map(|i| format!("z{i}")))
    {
        write(root, &format!("{name}.ts"), format!("// TODO {name}\n"));
    }
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "x"]);
    let first = check(root, &[]);
    assert!(
        !first.1.to_string().contains(&secret[..20]),
        "{:#}",
        first.1
    );
    for _ in 0..19 {
        let again = check(root, &[]);
        assert_eq!(again.0, first.0);
        assert_eq!(again.1["findings"], first.1["findings"]);
    }
}

/// The same race in a repository of more than one batch, where two workers
/// check files at once: the values a file registers (an AWS secret beside
/// its key id) are held back until the walk ends, then mask every file's
/// shown line. So a finding's fingerprint is the same wherever the key that
/// registered its secret lives — listed before it, or after it — and runs
/// agree.
#[test]
fn a_fingerprint_does_not_depend_on_where_the_registering_key_lives() {
    let (secret, module) = aws_pair(13);
    let repo = |key_file: &str| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        write(root, key_file, &module);
        write(root, "m.ts", format!("// TODO ghp_{secret}\n"));
        for i in 0..600 {
            write(root, &format!("f/{i:03}.ts"), format!("// TODO f{i}\n"));
        }
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "x"]);
        dir
    };
    let fingerprint_of_m = |v: &Value| {
        let m: Vec<&Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == "m.ts")
            .collect();
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(
            !m[0].to_string().contains(&secret[21..]),
            "the secret's second half is masked: {:#}",
            m[0]
        );
        m[0]["fingerprint"].as_str().unwrap().to_string()
    };
    // Listed first (`a/`), or last (`z/`), or among the files (`f/300k.ts`).
    let before = repo("a/k.ts");
    let (_, first) = check(before.path(), &[]);
    let expected = fingerprint_of_m(&first);
    for key_file in ["z/k.ts", "f/300k.ts"] {
        let dir = repo(key_file);
        for _ in 0..3 {
            let (_, v) = check(dir.path(), &[]);
            assert_eq!(fingerprint_of_m(&v), expected, "key in {key_file}");
        }
    }
}

/// Every line the walk hands on is masked again once the walk ends, not
/// only findings': an env read's line holding a secret another file
/// registered (the AWS secret beside its key id) is fingerprinted as it
/// is shown, masked, whichever file is read first. The twin repository
/// writes the masked form itself, so its fingerprint is the masked line's.
#[test]
fn lines_the_walk_hands_on_are_fingerprinted_masked() {
    let (secret, module) = aws_pair(23);
    let masked = format!("…{}", &secret[secret.len() - 4..]);
    let repo = |key_file: &str, in_b: &str| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        write(root, key_file, &module);
        write(
            root,
            "b.js",
            format!("const k = process.env.FOO_KEY || \"{in_b}\";\n"),
        );
        write(root, ".env.example", "BAR=1\n");
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "x"]);
        dir
    };
    let fingerprint_in_b = |dir: &tempfile::TempDir| {
        let (_, v) = check(dir.path(), &[]);
        let hits: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == "b.js" && f["rule"] == "env/undeclared")
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(hits.len(), 1, "{v:#}");
        assert!(!v.to_string().contains(&secret[21..]), "{v:#}");
        hits[0].clone()
    };
    for key_file in ["a/k.js", "z/k.js"] {
        let shown_masked = fingerprint_in_b(&repo(key_file, &masked));
        assert_eq!(
            fingerprint_in_b(&repo(key_file, &secret)),
            shown_masked,
            "key in {key_file}"
        );
    }
}
