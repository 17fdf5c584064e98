//! Repository-relative paths (`/`-separated): split at the last slash
//! without `str::rsplit_once`'s search setup. A leaf: it imports nothing
//! of the crate.

/// `path` split at its last `/`: the folder and the file name. A byte scan
/// from the end, where `str::rsplit_once('/')` sets up a word-at-a-time
/// reverse search that costs more than the few bytes of a file name: the
/// path sets ask it of every path the walk reads, some several times
/// (dub: 345.5 M -> 343.4 M instructions).
pub fn split_name(path: &str) -> Option<(&str, &str)> {
    let slash = path.bytes().rposition(|b| b == b'/')?;
    Some((&path[..slash], &path[slash + 1..]))
}

/// The file name of `path`: what follows its last `/` (see [`split_name`]).
pub fn file_name(path: &str) -> &str {
    split_name(path).map_or(path, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    /// As `rsplit_once('/')` splits, beyond ASCII too.
    #[test]
    fn a_path_splits_at_its_last_slash() {
        for path in ["a/b/c.ts", "c.ts", "a/", "/c", "", "dé/ü/ñ.ts", "a//b"] {
            assert_eq!(super::split_name(path), path.rsplit_once('/'), "{path}");
            assert_eq!(
                super::file_name(path),
                path.rsplit('/').next().unwrap_or(path),
                "{path}"
            );
        }
    }
}
