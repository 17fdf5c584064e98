//! Delivery (issue 13): what `dist/package.sh` writes installs the way users
//! install it, for real, on this machine: the npm tarballs with
//! `npm install --offline` and through `npm publish` to a loopback registry
//! and `npx`, the wheel with `pip install --no-index` into a fresh venv, the
//! release archive with `dist/install.sh` from a loopback release server.
//! `cargo package --list` holds what the build embeds and nothing heavy.
//!
//! npm, node and python3 are needed: without them a test is skipped with the
//! reason, except under CI, where it fails (.ci/run installs them).

#[path = "packaging/loopback.rs"]
mod loopback;
#[path = "packaging/npm_registry.rs"]
mod npm_registry;

use loopback::{serve, Response};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether what a test needs is here. When it is not: under CI the test
/// fails, elsewhere it is skipped and says why.
fn available(present: bool, what: &str) -> bool {
    if present {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "{what} not installed and CI is set: .ci/run must install it"
    );
    let _ = writeln!(std::io::stderr(), "skipped: {what} not installed");
    false
}

/// Whether every program runs (`PROGRAM --version`); see `available`.
fn have(programs: &[&str]) -> bool {
    let missing: Vec<&str> = programs.iter().copied().filter(|p| !runs(p)).collect();
    available(missing.is_empty(), &missing.join(", "))
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"))
}

fn ok(command: &mut Command) -> Output {
    let out = run(command);
    assert!(out.status.success(), "{command:?} failed:\n{}", text(&out));
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The one line a failure prints on stderr.
fn one_line(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected one line on stderr:\n{}",
        text(out)
    );
    lines[0].to_string()
}

/// The release target for this machine, as dist/install.sh picks it.
fn release_target() -> String {
    let arch = std::env::consts::ARCH;
    match std::env::consts::OS {
        "macos" => format!("{arch}-apple-darwin"),
        "windows" => format!("{arch}-pc-windows-msvc"),
        _ => format!("{arch}-unknown-linux-musl"),
    }
}

/// npm's `process.platform-process.arch` for this machine.
fn npm_platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    };
    let cpu = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}-{cpu}")
}

struct Packaged {
    dir: PathBuf,
    archive: String,
    npm_platform: String,
    npm_main: String,
    wheel: String,
}

impl Packaged {
    fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
}

/// dist/package.sh run once on the test binary, as the release workflow runs
/// it per target. TARGET names the release's target for this machine: the
/// test binary is the host's (glibc) build, which runs here all the same,
/// and the files get the names and tags users download.
fn packaged() -> Option<&'static Packaged> {
    static PACKAGED: OnceLock<Packaged> = OnceLock::new();
    if !have(&["node", "npm", "python3"]) {
        return None;
    }
    Some(PACKAGED.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("packaging");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("scratch dir");
        // A stripped copy when `strip` is here: the same program, and
        // compressing the ~170 MB debug binary three times would be most of
        // this file's run time.
        let binary = root.join("shipcheck");
        std::fs::copy(env!("CARGO_BIN_EXE_shipcheck"), &binary).expect("copy binary");
        let _ = Command::new("strip")
            .arg(&binary)
            .stderr(Stdio::null())
            .status();
        let dir = root.join("out");
        let out = ok(Command::new(repo().join("dist/package.sh"))
            .arg(&binary)
            .arg(&dir)
            .env("TARGET", release_target()));
        let written: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
        let target = release_target();
        let archive = format!("shipcheck-{VERSION}-{target}.tar.gz");
        let npm_platform = format!("shipcheck-cli-{}-{VERSION}.tgz", npm_platform());
        let npm_main = format!("shipcheck-{VERSION}.tgz");
        let wheel = written.last().cloned().unwrap_or_default();
        assert_eq!(
            written,
            [
                archive.clone(),
                format!("{archive}.sha256"),
                npm_platform.clone(),
                npm_main.clone(),
                wheel.clone()
            ],
            "package.sh's list of what it wrote"
        );
        for file in &written {
            assert!(dir.join(file).is_file(), "{file} was not written");
        }
        Packaged {
            dir,
            archive,
            npm_platform,
            npm_main,
            wheel,
        }
    }))
}

#[test]
fn the_release_archive_holds_the_binary_and_matches_its_checksum() {
    let Some(p) = packaged() else { return };
    let bytes = std::fs::read(p.path(&p.archive)).unwrap();
    let hex: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let sums = std::fs::read_to_string(p.path(&format!("{}.sha256", p.archive))).unwrap();
    assert_eq!(sums, format!("{hex}  {}\n", p.archive), "sha256sum format");

    // Bare member names: `tar -xzf ARCHIVE shipcheck` extracts the binary.
    let listing = ok(Command::new("tar").arg("-tzf").arg(p.path(&p.archive)));
    assert_eq!(stdout(&listing), "LICENSE\nREADME.md\nshipcheck");
}

/// A scratch npm project with its own empty cache and config, so nothing
/// comes from this machine's npm setup.
struct NpmProject {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl NpmProject {
    fn new() -> NpmProject {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(
            path.join("package.json"),
            r#"{"name":"app","private":true}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("npmrc"), "").unwrap();
        NpmProject { _dir: dir, path }
    }

    fn npm(&self, program: &str) -> Command {
        let home = self.path.parent().unwrap();
        let mut c = Command::new(program);
        c.current_dir(&self.path)
            .env("npm_config_cache", home.join("npm-cache"))
            .env("npm_config_userconfig", home.join("npmrc"))
            .env("npm_config_update_notifier", "false")
            .env("npm_config_audit", "false")
            .env("npm_config_fund", "false");
        c
    }

    /// `npm install --offline` of local tarballs.
    fn install(&self, tarballs: &[PathBuf]) {
        ok(self
            .npm("npm")
            .args(["install", "--offline"])
            .args(tarballs));
    }
}

#[test]
fn the_npm_tarballs_install_offline_and_npx_runs_the_binary() {
    let Some(p) = packaged() else { return };
    let project = NpmProject::new();
    project.install(&[p.path(&p.npm_platform), p.path(&p.npm_main)]);

    let version = ok(project
        .npm("npx")
        .args(["--offline", "shipcheck", "--version"]));
    assert_eq!(stdout(&version), format!("shipcheck {VERSION}"));
    // Exit statuses pass through: 1 is blocked (the demo repository).
    let blocked = run(project
        .npm("npx")
        .args(["--offline", "shipcheck", "check"])
        .arg(repo().join("fixtures/elearning-platform")));
    assert_eq!(blocked.status.code(), Some(1), "{}", text(&blocked));

    let main: serde_json::Value = serde_json::from_slice(
        &std::fs::read(project.path.join("node_modules/shipcheck/package.json")).unwrap(),
    )
    .unwrap();
    let platforms: Vec<(&String, &serde_json::Value)> = main["optionalDependencies"]
        .as_object()
        .expect("optionalDependencies")
        .iter()
        .collect();
    let names: Vec<&str> = platforms.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "@shipcheck/cli-darwin-arm64",
            "@shipcheck/cli-darwin-x64",
            "@shipcheck/cli-linux-arm64",
            "@shipcheck/cli-linux-x64",
            "@shipcheck/cli-win32-x64"
        ]
    );
    assert!(
        platforms.iter().all(|(_, v)| *v == VERSION),
        "every platform package at exactly {VERSION}: {platforms:?}"
    );
    assert!(main.get("scripts").is_none(), "no install scripts: {main}");

    let platform: serde_json::Value = serde_json::from_slice(
        &std::fs::read(project.path.join(format!(
            "node_modules/@shipcheck/cli-{}/package.json",
            npm_platform()
        )))
        .unwrap(),
    )
    .unwrap();
    let (os, cpu) = npm_platform()
        .split_once('-')
        .map(|(o, c)| (o.to_string(), c.to_string()))
        .unwrap();
    assert_eq!(platform["os"], serde_json::json!([os]));
    assert_eq!(platform["cpu"], serde_json::json!([cpu]));
    assert!(
        platform.get("libc").is_none(),
        "static musl binaries: no libc field"
    );
}

#[test]
fn the_npm_launcher_says_one_line_when_no_platform_package_matches() {
    let Some(p) = packaged() else { return };
    let project = NpmProject::new();
    // Only the launcher, as after `npm install --omit=optional`.
    project.install(&[p.path(&p.npm_main)]);
    let launcher = project.path.join("node_modules/shipcheck/bin/shipcheck.js");

    let absent = run(project.npm("node").arg(&launcher).arg("--version"));
    assert_eq!(absent.status.code(), Some(2));
    let (os, cpu) = npm_platform()
        .split_once('-')
        .map(|(o, c)| (o.to_string(), c.to_string()))
        .unwrap();
    let line = one_line(&absent);
    assert!(
        line.contains(&format!(
            "@shipcheck/cli-{os}-{cpu} for {os} {cpu} is not installed"
        )) && line.contains("--omit=optional"),
        "{line}"
    );

    // A platform no package is built for.
    let preload = project.path.join("other-arch.js");
    std::fs::write(
        &preload,
        r#"Object.defineProperty(process, "arch", { value: "ppc64" });"#,
    )
    .unwrap();
    let unsupported = run(project
        .npm("node")
        .arg("--require")
        .arg(&preload)
        .arg(&launcher)
        .arg("--version"));
    assert_eq!(unsupported.status.code(), Some(2));
    let line = one_line(&unsupported);
    assert!(
        line.contains(&format!("no prebuilt binary for {os} ppc64"))
            && line.contains("linux-x64")
            && line.contains("cargo install --locked shipcheck"),
        "{line}"
    );
}

/// The launcher dies of the signal that killed the binary, so a shell or CI
/// runner sees the same thing either way.
#[cfg(unix)]
#[test]
fn the_npm_launcher_passes_a_signal_through() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::ExitStatusExt;
    let Some(p) = packaged() else { return };
    let project = NpmProject::new();
    project.install(&[p.path(&p.npm_main)]);
    // A stand-in platform package whose binary is killed by SIGTERM.
    let fake = project
        .path
        .join(format!("node_modules/@shipcheck/cli-{}", npm_platform()));
    std::fs::create_dir_all(&fake).unwrap();
    std::fs::write(
        fake.join("package.json"),
        r#"{"name":"fake","version":"0.0.0"}"#,
    )
    .unwrap();
    std::fs::write(fake.join("shipcheck"), "#!/bin/sh\nkill -TERM $$\n").unwrap();
    std::fs::set_permissions(
        fake.join("shipcheck"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();

    let out = run(project
        .npm("node")
        .arg(project.path.join("node_modules/shipcheck/bin/shipcheck.js")));
    assert_eq!(
        out.status.signal(),
        Some(15),
        "{:?} {}",
        out.status,
        text(&out)
    );
}

#[test]
fn npm_publish_to_a_registry_then_npx_installs_the_platform_package_it_needs() {
    let Some(p) = packaged() else { return };
    let registry = npm_registry::start();
    let project = NpmProject::new();
    let host = registry.url.trim_start_matches("http:");
    std::fs::write(
        project.path.parent().unwrap().join("npmrc"),
        format!(
            "registry={}\n{host}:_authToken=loopback-test-token\n",
            registry.url
        ),
    )
    .unwrap();
    // The release workflow's order: platform packages first, then the
    // package that depends on them.
    for tarball in [&p.npm_platform, &p.npm_main] {
        ok(project
            .npm("npm")
            .args(["publish", "--access", "public"])
            .arg(p.path(tarball)));
    }

    // `npx shipcheck` in a project that does not depend on it, with a cache
    // that has not seen the publish: npm resolves the optional dependencies,
    // skips the other platforms' and downloads this one's.
    let fresh_cache = project.path.parent().unwrap().join("npx-cache");
    let out = ok(project
        .npm("npx")
        .args(["--yes", &format!("shipcheck@{VERSION}"), "--version"])
        .env("npm_config_cache", fresh_cache));
    assert_eq!(stdout(&out), format!("shipcheck {VERSION}"));
    let log = registry.log();
    let platform = npm_platform();
    for expected in [
        "PUT /@shipcheck/cli-".to_string() + &platform + " 201",
        "PUT /shipcheck 201".to_string(),
        "GET /shipcheck 200".to_string(),
        format!("GET /@shipcheck/cli-{platform}/-/@shipcheck/cli-{platform}-{VERSION}.tgz 200"),
        format!("GET /shipcheck/-/shipcheck-{VERSION}.tgz 200"),
    ] {
        assert!(
            log.contains(&expected),
            "no `{expected}` in the registry's log: {log:#?}"
        );
    }
}

/// A fresh venv (`python3 -m venv`, with pip); returns it and its bin dir.
fn fresh_venv() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    ok(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    let bin = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
    (dir, bin)
}

/// pip in that venv, offline, with none of this machine's pip settings.
fn pip(bin: &Path) -> Command {
    let mut c = Command::new(bin.join("python"));
    for (name, _) in std::env::vars() {
        if name.starts_with("PIP_") {
            c.env_remove(name);
        }
    }
    c.env(
        "PIP_CONFIG_FILE",
        if cfg!(windows) { "NUL" } else { "/dev/null" },
    )
    .args(["-m", "pip"])
    .args(["--disable-pip-version-check", "--no-cache-dir"]);
    c
}

#[test]
fn the_wheel_installs_with_pip_into_a_fresh_venv_and_runs() {
    let Some(p) = packaged() else { return };
    if std::env::consts::OS == "linux" {
        let arch = std::env::consts::ARCH;
        assert_eq!(
            p.wheel,
            format!("shipcheck-{VERSION}-py3-none-manylinux_2_17_{arch}.manylinux2014_{arch}.musllinux_1_2_{arch}.whl")
        );
    }
    let (_venv, bin) = fresh_venv();
    ok(pip(&bin)
        .args(["install", "--no-index"])
        .arg(p.path(&p.wheel)));
    let installed = bin.join("shipcheck");
    let out = ok(Command::new(&installed).arg("--version"));
    assert_eq!(stdout(&out), format!("shipcheck {VERSION}"));
    // RECORD lists it with its hash, so pip can remove it again.
    ok(pip(&bin).args(["uninstall", "--yes", "shipcheck"]));
    assert!(
        !installed.exists(),
        "pip uninstall left {}",
        installed.display()
    );
}

/// pre-commit installs a `language: python` hook with `python -m pip
/// install .` on the hook's repository in a fresh venv: done here the same
/// way, offline, with dist/package.sh's wheel standing in for PyPI.
#[test]
fn the_pre_commit_hook_installs_the_wheel_of_this_version() {
    let Some(p) = packaged() else { return };
    let manifest = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: serde_json::Value = serde_yaml_ng::from_str(&manifest).unwrap();
    assert_eq!(hooks[0]["language"], "python", "{manifest}");
    assert_eq!(hooks[0]["entry"], "shipcheck check .", "{manifest}");

    let (_venv, bin) = fresh_venv();
    ok(pip(&bin)
        .args(["install", "--no-index", "--find-links"])
        .arg(&p.dir)
        .arg(repo()));
    let out = ok(Command::new(bin.join("shipcheck")).arg("--version"));
    assert_eq!(stdout(&out), format!("shipcheck {VERSION}"));
}

/// A release download site with GitHub's URLs, holding one release.
fn release_server(p: &Packaged, sums: String) -> String {
    let archive = std::fs::read(p.path(&p.archive)).unwrap();
    let archive_path = format!("/download/v{VERSION}/{}", p.archive);
    let sums_paths = [
        "/latest/download/SHA256SUMS".to_string(),
        format!("/download/v{VERSION}/SHA256SUMS"),
    ];
    serve(move |request| {
        if sums_paths.contains(&request.path) {
            Response::bytes("text/plain", sums.clone().into_bytes())
        } else if request.path == archive_path {
            Response::bytes("application/gzip", archive.clone())
        } else {
            Response::not_found()
        }
    })
}

/// SHA256SUMS as the release workflow writes it: the .sha256 files
/// concatenated (here with another target's line first).
fn good_sums(p: &Packaged) -> String {
    let other = format!(
        "{}  shipcheck-{VERSION}-riscv64gc-unknown-linux-musl.tar.gz\n",
        "0".repeat(64)
    );
    other + &std::fs::read_to_string(p.path(&format!("{}.sha256", p.archive))).unwrap()
}

/// `curl -fsSL …/install.sh | sh`, with the script on stdin.
fn install_sh(url: &str, version: Option<&str>, install_dir: &Path, path_env: &str) -> Output {
    let mut c = Command::new("sh");
    c.arg("-s")
        .env("SHIPCHECK_RELEASES_URL", url)
        .env("SHIPCHECK_INSTALL_DIR", install_dir)
        .env("PATH", path_env)
        .env_remove("SHIPCHECK_VERSION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(version) = version {
        c.env("SHIPCHECK_VERSION", version);
    }
    let mut child = c.spawn().expect("sh runs");
    let script = std::fs::read(repo().join("dist/install.sh")).unwrap();
    child.stdin.take().unwrap().write_all(&script).unwrap();
    child.wait_with_output().unwrap()
}

fn have_downloader() -> bool {
    available(runs("curl") || runs("wget"), "curl or wget")
}

#[cfg(unix)]
#[test]
fn install_sh_installs_the_latest_or_a_pinned_release_after_checking_sha256sums() {
    let Some(p) = packaged() else { return };
    if !have_downloader() {
        return;
    }
    let url = release_server(p, good_sums(p));
    let path = std::env::var("PATH").unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();

    // The latest release, into a directory that is not on PATH.
    let bin = dir.path().join("latest/bin");
    let out = install_sh(&url, None, &bin, &path);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "shipcheck {VERSION} installed to {0}/shipcheck\n{0} is not on your PATH; add it: export PATH=\"{0}:$PATH\"",
            bin.display()
        )
    );
    let version = ok(Command::new(bin.join("shipcheck")).arg("--version"));
    assert_eq!(stdout(&version), format!("shipcheck {VERSION}"));

    // A pinned version, tag-style, into a directory on PATH: one line.
    let bin = dir.path().join("pinned");
    let out = install_sh(
        &url,
        Some(&format!("v{VERSION}")),
        &bin,
        &format!("{}:{path}", bin.display()),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "shipcheck {VERSION} installed to {}/shipcheck",
            bin.display()
        )
    );
}

#[cfg(unix)]
#[test]
fn install_sh_refuses_an_archive_that_does_not_match_sha256sums() {
    let Some(p) = packaged() else { return };
    if !have_downloader() {
        return;
    }
    let good = good_sums(p);
    let hash = good
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let flipped = format!(
        "{}{}",
        if hash.starts_with('0') { "1" } else { "0" },
        &hash[1..]
    );
    let url = release_server(p, good.replace(&hash, &flipped));
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");

    let out = install_sh(&url, None, &bin, &std::env::var("PATH").unwrap_or_default());
    assert_eq!(out.status.code(), Some(1));
    let line = one_line(&out);
    assert!(
        line.starts_with(&format!(
            "shipcheck install: checksum mismatch for {}",
            p.archive
        )) && line.contains(&flipped)
            && line.ends_with("nothing installed"),
        "{line}"
    );
    assert!(!bin.exists(), "nothing may be installed");
}

#[cfg(unix)]
#[test]
fn install_sh_says_one_line_for_a_version_that_was_never_released() {
    let Some(p) = packaged() else { return };
    if !have_downloader() {
        return;
    }
    let url = release_server(p, good_sums(p));
    let dir = tempfile::tempdir().unwrap();
    let out = install_sh(
        &url,
        Some("9.9.9"),
        dir.path(),
        &std::env::var("PATH").unwrap_or_default(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        one_line(&out),
        format!("shipcheck install: no release v9.9.9: could not download {url}/download/v9.9.9/SHA256SUMS")
    );
}

#[cfg(unix)]
#[test]
fn package_sh_refuses_a_binary_of_another_version_and_an_unknown_target() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join("shipcheck");
    std::fs::write(&stale, "#!/bin/sh\necho 'shipcheck 0.0.1'\n").unwrap();
    std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = run(Command::new(repo().join("dist/package.sh"))
        .arg(&stale)
        .arg(dir.path().join("out"))
        .env("TARGET", release_target()));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        one_line(&out),
        format!(
            "package.sh: {} says 'shipcheck 0.0.1', Cargo.toml says {VERSION}",
            stale.display()
        )
    );

    let out = run(Command::new(repo().join("dist/package.sh"))
        .arg(env!("CARGO_BIN_EXE_shipcheck"))
        .arg(dir.path().join("out"))
        .env("TARGET", "riscv64gc-unknown-linux-gnu"));
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out)
        .starts_with("package.sh: no package layout for target riscv64gc-unknown-linux-gnu"));
}

/// The release matrix's names, from a stand-in binary (fast: the names do
/// not depend on what the binary is). The `shipcheck` npm package is the
/// same bytes from every target's job, so the workflow publishes it once.
#[cfg(unix)]
#[test]
fn package_sh_names_the_files_of_every_release_target() {
    use std::os::unix::fs::PermissionsExt;
    if !have(&["node", "npm", "python3"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("shipcheck");
    std::fs::write(&binary, format!("#!/bin/sh\necho 'shipcheck {VERSION}'\n")).unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    let v = VERSION;
    let linux =
        |arch: &str| format!("manylinux_2_17_{arch}.manylinux2014_{arch}.musllinux_1_2_{arch}");
    let matrix = [
        (
            "x86_64-unknown-linux-musl",
            "tar.gz",
            "linux-x64",
            linux("x86_64"),
        ),
        (
            "aarch64-unknown-linux-musl",
            "tar.gz",
            "linux-arm64",
            linux("aarch64"),
        ),
        (
            "x86_64-apple-darwin",
            "tar.gz",
            "darwin-x64",
            "macosx_10_12_x86_64".to_string(),
        ),
        (
            "aarch64-apple-darwin",
            "tar.gz",
            "darwin-arm64",
            "macosx_11_0_arm64".to_string(),
        ),
        (
            "x86_64-pc-windows-msvc",
            "zip",
            "win32-x64",
            "win_amd64".to_string(),
        ),
    ];
    let mut launchers = BTreeSet::new();
    for (target, ext, npm, wheel_tags) in matrix {
        let out_dir = dir.path().join(target);
        let out = ok(Command::new(repo().join("dist/package.sh"))
            .arg(&binary)
            .arg(&out_dir)
            .env("TARGET", target));
        assert_eq!(
            stdout(&out),
            [
                format!("shipcheck-{v}-{target}.{ext}"),
                format!("shipcheck-{v}-{target}.{ext}.sha256"),
                format!("shipcheck-cli-{npm}-{v}.tgz"),
                format!("shipcheck-{v}.tgz"),
                format!("shipcheck-{v}-py3-none-{wheel_tags}.whl"),
            ]
            .join("\n"),
            "{target}"
        );
        launchers.insert(std::fs::read(out_dir.join(format!("shipcheck-{v}.tgz"))).unwrap());
    }
    assert_eq!(
        launchers.len(),
        1,
        "the shipcheck npm tarball differs between targets"
    );
}

/// Files the build reads at compile time: every `rule_doc!("…")` page and
/// every `include_str!("…")` in src/, found by reading the source so a new
/// one cannot be forgotten.
fn files_the_build_embeds() -> BTreeSet<String> {
    fn walk(dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for (macro_name, resolve) in [("rule_doc!(\"", true), ("include_str!(\"", false)] {
                for rest in source.split(macro_name).skip(1) {
                    let literal = rest.split('"').next().unwrap();
                    if resolve {
                        found.insert(format!("docs/rules/{literal}.md"));
                        continue;
                    }
                    // Relative to the file; the macro's own definition
                    // (concat!) has no literal path.
                    let Ok(file) = path.parent().unwrap().join(literal).canonicalize() else {
                        continue;
                    };
                    let relative = file.strip_prefix(repo().canonicalize().unwrap()).unwrap();
                    found.insert(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(&repo().join("src"), &mut found);
    found
}

#[test]
fn cargo_package_holds_what_the_build_embeds_and_nothing_heavy() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = tempfile::tempdir().unwrap();
    let out = ok(Command::new(cargo)
        .current_dir(repo())
        .args([
            "package",
            "--list",
            "--locked",
            "--offline",
            "--allow-dirty",
        ])
        .env("CARGO_TARGET_DIR", target.path()));
    let listed: BTreeSet<String> = stdout(&out).lines().map(str::to_string).collect();

    let embedded = files_the_build_embeds();
    assert!(
        embedded.contains("docs/rules/debug-console.md")
            && embedded.contains("src/secret_strength/words.txt"),
        "{embedded:?}"
    );
    let needed = [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "src/main.rs",
        "src/lib.rs",
    ];
    for file in embedded.iter().map(String::as_str).chain(needed) {
        assert!(listed.contains(file), "cargo package leaves out {file}");
    }
    let heavy = [
        "fixtures/",
        "fuzz/",
        "tests/",
        "bench/",
        "action/",
        ".github/",
        ".ci/",
        "dist/",
        "npm/",
    ];
    let unwanted: Vec<&String> = listed
        .iter()
        .filter(|f| {
            heavy.iter().any(|h| f.starts_with(h))
                || f.contains("/snapshots/")
                || (f.starts_with("docs/") && !embedded.contains(*f))
        })
        .collect();
    assert!(
        unwanted.is_empty(),
        "cargo package ships files the build does not need: {unwanted:?}"
    );
}

/// On Linux with glibc the executable is linked at a fixed address
/// (`build.rs`): an ELF `ET_EXEC`, not a position-independent `ET_DYN`
/// whose 36,000 relocations the loader applied on every start.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_linux_binary_starts_without_relocating_itself() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_shipcheck")).expect("read the binary");
    assert_eq!(&binary[..4], b"\x7fELF", "an ELF executable");
    let e_type = u16::from_le_bytes([binary[16], binary[17]]);
    assert_eq!(
        e_type, 2,
        "ET_EXEC (2), not ET_DYN (3): linked with -no-pie"
    );
}
