//! The tree a run judges: the working tree under the root, or with `--rev`
//! the tree of one commit, read from git's object store. The few reads that
//! happen after the walk (a migration file's bytes for its checksum, the
//! mention pass of `env/unused`) go through it, so a revision is judged on
//! its own files even when the checkout holds others.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Tree {
    root: PathBuf,
    /// `--rev`, resolved to a full commit id, and one `git cat-file
    /// --batch` for every read of it (the mention pass of `env/unused` may
    /// read every scanned file).
    rev: Option<(String, std::sync::Arc<super::listing::ObjectStore>)>,
}

impl Tree {
    pub fn new(root: &Path, rev: Option<&str>) -> Tree {
        Tree {
            root: root.to_path_buf(),
            rev: rev.map(|r| {
                let store = super::listing::ObjectStore::new(root);
                (r.to_string(), std::sync::Arc::new(store))
            }),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The commit `--rev` names, when it does.
    pub fn rev(&self) -> Option<&str> {
        self.rev.as_ref().map(|(r, _)| r.as_str())
    }

    /// What the git-aware checks call the branch's tip: `HEAD`, or the
    /// commit `--rev` names.
    pub fn head(&self) -> &str {
        self.rev().unwrap_or("HEAD")
    }

    /// The bytes of `rel` (relative to the root) in this tree.
    pub fn read(&self, rel: &str) -> std::io::Result<Vec<u8>> {
        match &self.rev {
            None => std::fs::read(self.root.join(rel)),
            Some((rev, store)) => store.read(&format!("{rev}:./{rel}")).map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("{rel} is not in {rev}"),
                )
            }),
        }
    }

    /// Is there a file at `rel` in this tree?
    pub fn is_file(&self, rel: &str) -> bool {
        match &self.rev {
            None => self.root.join(rel).is_file(),
            Some(_) => self.read(rel).is_ok(),
        }
    }
}
