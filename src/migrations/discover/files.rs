//! The files handed to migration discovery, by repo-relative path, and the
//! path arithmetic every framework's discovery uses.

use crate::migrations::RepoFile;
use std::collections::BTreeMap;
use std::ops::Bound;

/// The files handed to discovery, by repo-relative path.
pub(super) struct Repo<'a> {
    files: BTreeMap<&'a str, &'a str>,
}

impl<'a> Repo<'a> {
    pub fn new(files: &'a [RepoFile]) -> Self {
        let files = files
            .iter()
            .filter(|f| !f.rel.is_empty() && !is_excluded(&f.rel))
            .map(|f| (f.rel.as_str(), f.text.as_str()))
            .collect();
        Repo { files }
    }

    pub fn text(&self, path: &str) -> Option<&'a str> {
        self.files.get(path).copied()
    }

    pub fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Every file, sorted by path.
    pub fn all(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.files.iter().map(|(p, t)| (*p, *t))
    }

    /// Every file below `dir` (the whole repository for `""`), sorted.
    pub fn under(&self, dir: &str) -> Vec<(&'a str, &'a str)> {
        let prefix = dir_prefix(dir);
        self.files
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .take_while(|(p, _)| p.starts_with(prefix.as_str()))
            .map(|(p, t)| (*p, *t))
            .collect()
    }

    /// The files directly in `dir`: (file name, path, text).
    pub fn children(&self, dir: &str) -> Vec<(&'a str, &'a str, &'a str)> {
        let n = dir_prefix(dir).len();
        self.under(dir)
            .into_iter()
            .filter_map(|(p, t)| {
                let rest = p.get(n..)?;
                (!rest.contains('/')).then_some((rest, p, t))
            })
            .collect()
    }

    /// The immediate sub-directories of `dir` that hold files, each with the
    /// paths of those files relative to the sub-directory.
    pub fn subdirs(&self, dir: &str) -> BTreeMap<&'a str, Vec<&'a str>> {
        let n = dir_prefix(dir).len();
        let mut out: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for (p, _) in self.under(dir) {
            let Some(rest) = p.get(n..) else { continue };
            if let Some((sub, inner)) = rest.split_once('/') {
                if !sub.is_empty() {
                    out.entry(sub).or_default().push(inner);
                }
            }
        }
        out
    }

    /// The nearest ancestor of `dir` (itself included) holding one of
    /// `markers`: which marker it is.
    pub fn nearest_marker(&self, dir: &str, markers: &[&'static str]) -> Option<&'static str> {
        let mut cur = dir.to_string();
        loop {
            for m in markers {
                if self.exists(&join(&cur, m)) {
                    return Some(m);
                }
            }
            if cur.is_empty() {
                return None;
            }
            cur = parent(&cur).to_string();
        }
    }
}

/// Paths discovery never looks at, whoever passed them in.
pub(super) fn is_excluded(rel: &str) -> bool {
    // Nearly every path holds neither name: asked first, without splitting.
    (rel.contains("node_modules") || rel.contains(".git"))
        && rel.split('/').any(|c| c == "node_modules" || c == ".git")
}

fn dir_prefix(dir: &str) -> String {
    if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    }
}

pub(super) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

pub(super) fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, n)| n)
}

pub(super) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else if name.is_empty() {
        dir.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// `rel` taken relative to `base`, with `.`/`..` resolved; `None` when it
/// leaves the repository or is absolute.
pub(super) fn resolve(base: &str, rel: &str) -> Option<String> {
    let rel = rel.trim().replace('\\', "/");
    if rel.starts_with('/') || rel.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(parent("a/b/c"), "a/b");
        assert_eq!(parent("c"), "");
        assert_eq!(file_name("a/b/c"), "c");
        assert_eq!(join("", "x"), "x");
        assert_eq!(
            resolve("apps/api", "../../prisma/x").as_deref(),
            Some("prisma/x")
        );
        assert_eq!(resolve("apps/api", "../../../x"), None);
        assert_eq!(
            resolve("apps/api", "./prisma/../db/x").as_deref(),
            Some("apps/api/db/x")
        );
        assert_eq!(resolve("", "C:/x"), None);
    }
}
