//! A fake GitHub release on loopback, packed the way dist/package.sh packs
//! one: archives named by version and target triple and a SHA256SUMS.

use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every release target, with the runner OS/arch that gets it.
pub const PLATFORMS: [(&str, &str, &str); 6] = [
    ("Linux", "X64", "x86_64-unknown-linux-musl"),
    ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
    ("macOS", "X64", "x86_64-apple-darwin"),
    ("macOS", "ARM64", "aarch64-apple-darwin"),
    ("Windows", "X64", "x86_64-pc-windows-msvc"),
    // Windows on ARM runs the x64 binary under emulation.
    ("Windows", "ARM64", "x86_64-pc-windows-msvc"),
];

/// Serves `root` on loopback like GitHub serves release assets:
/// `/download/vX/asset` redirects (302) to where the bytes are, and a missing
/// asset answers 404. Returns the base URL for SHIPCHECK_RELEASE_BASE_URL.
pub fn serve_releases(root: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("local addr"));
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(stream, &root));
        }
    });
    format!("{base}/download")
}

fn answer(mut stream: TcpStream, root: &Path) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut request = String::new();
    if reader.read_line(&mut request).unwrap_or(0) == 0 {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, location, body) = if let Some(rest) = path.strip_prefix("/download/") {
        (302, format!("location: /assets/{rest}\r\n"), Vec::new())
    } else {
        match path
            .strip_prefix("/assets/")
            .filter(|rest| !rest.contains(".."))
            .and_then(|rest| std::fs::read(root.join(rest)).ok())
        {
            Some(bytes) => (200, String::new(), bytes),
            None => (404, String::new(), b"Not Found".to_vec()),
        }
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n{location}\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

/// A stand-in release binary: a script that reports `version` and says in a
/// comment which target it was packed for.
pub fn fake_binary(version: &str, target: &str) -> Vec<u8> {
    format!("#!/bin/sh\n# target: {target}\necho \"shipcheck {version}\"\n").into_bytes()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Publishes `binary` as the `target` asset of release `version` under
/// `root`, named as dist/package.sh names release archives
/// (`shipcheck-<version>-<target>.tar.gz`, `.zip` for Windows), and rewrites
/// the release's SHA256SUMS. The binary sits in a top-level directory of the
/// .tar.gz and at the root of the .zip: install.sh takes either layout.
/// Returns the asset.
pub fn publish(root: &Path, version: &str, target: &str, binary: &[u8]) -> PathBuf {
    let release = root.join(format!("v{version}"));
    std::fs::create_dir_all(&release).unwrap();
    let staging = tempfile::tempdir().unwrap();
    let name = format!("shipcheck-{version}-{target}");
    let asset = if target.contains("windows") {
        let exe = staging.path().join("shipcheck.exe");
        std::fs::write(&exe, binary).unwrap();
        set_executable(&exe);
        let asset = release.join(format!("{name}.zip"));
        run_ok(
            Command::new("zip")
                .arg("-q")
                .arg("-j")
                .arg(&asset)
                .arg(&exe),
        );
        asset
    } else {
        let dir = staging.path().join(&name);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("shipcheck"), binary).unwrap();
        set_executable(&dir.join("shipcheck"));
        let asset = release.join(format!("{name}.tar.gz"));
        run_ok(
            Command::new("tar")
                .arg("-czf")
                .arg(&asset)
                .arg("-C")
                .arg(staging.path())
                .arg(&name),
        );
        asset
    };
    write_sums(&release);
    asset
}

/// SHA256SUMS over the release's archives, as `sha256sum` writes it.
fn write_sums(release: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(release)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tar.gz") || n.ends_with(".zip"))
        .collect();
    names.sort();
    let sums: String = names
        .iter()
        .map(|n| {
            let bytes = std::fs::read(release.join(n)).unwrap();
            format!("{}  {n}\n", sha256_hex(&bytes))
        })
        .collect();
    std::fs::write(release.join("SHA256SUMS"), sums).unwrap();
}

pub fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
