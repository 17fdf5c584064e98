//! Reading a file the user named (an env file, the config, a baseline):
//! never blocks on a FIFO, never reads a device or a huge file to its end.
//! Every refusal is one message naming the file and the problem.

use std::io::Read;
use std::path::Path;

/// Largest env file read, in bytes: real ones are a few KiB.
pub const MAX_ENV_FILE: u64 = 1 << 20;
/// Largest `.shipcheck.yml` read.
pub const MAX_CONFIG_FILE: u64 = 1 << 20;

/// The bytes of `path`, a regular file of at most `limit` bytes. `what`
/// names it in errors (`env file .env.production`). A FIFO, socket or
/// directory is refused before it is opened (opening a FIFO waits for a
/// writer forever); a character device such as `/dev/null` is read, but
/// never past `limit`.
pub fn read(path: &Path, what: &str, limit: u64) -> anyhow::Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| anyhow::anyhow!("cannot read {what}: {e}"))?;
    let t = meta.file_type();
    if t.is_dir() {
        anyhow::bail!("{what} is a directory, not a file");
    }
    if !t.is_file() && !is_char_device(&meta) {
        anyhow::bail!(
            "{what} is not a regular file (a FIFO, socket or device): shipcheck reads only files"
        );
    }
    if t.is_file() && meta.len() > limit {
        anyhow::bail!(
            "{what} is {} bytes; files over {} bytes are not read (is it the right file?)",
            meta.len(),
            limit
        );
    }
    let file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("cannot read {what}: {e}"))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot read {what}: {e}"))?;
    if bytes.len() as u64 > limit {
        anyhow::bail!(
            "{what} is over {limit} bytes; files that large are not read (is it the right file?)"
        );
    }
    Ok(bytes)
}

#[cfg(unix)]
fn is_char_device(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_char_device()
}

#[cfg(not(unix))]
fn is_char_device(_meta: &std::fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_small_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.env");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        let err = read(&big, "env file big.env", 1024)
            .unwrap_err()
            .to_string();
        assert!(err.contains("env file big.env is 2048 bytes"), "{err}");
        let err = read(dir.path(), "env file d", 1024)
            .unwrap_err()
            .to_string();
        assert!(err.contains("is a directory"), "{err}");
        assert_eq!(read(Path::new("/dev/null"), "config", 10).unwrap(), b"");
        let err = read(Path::new("/dev/zero"), "config /dev/zero", 10)
            .unwrap_err()
            .to_string();
        assert!(err.contains("over 10 bytes"), "{err}");
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo.env");
            let ok = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(ok.success());
            let err = read(&fifo, "env file fifo.env", 1024)
                .unwrap_err()
                .to_string();
            assert!(err.contains("not a regular file"), "{err}");
        }
    }
}
