//! A Node package as the app rules see it: its manifest (name, library or
//! app, started by Next.js), its production dependencies with the
//! workspace root's, and its production files' facts.

use super::scan::{FileFacts, Place};
use super::SERVER_DEPS;

/// A package: its manifest's production dependencies and its files' facts.
#[derive(Default)]
pub(super) struct Package<'a> {
    pub deps: Vec<String>,
    pub files: Vec<&'a FileFacts>,
    pub manifest: Manifest,
}

/// What a `package.json` says beyond its dependencies.
#[derive(Default)]
pub(super) struct Manifest {
    /// The name without its scope, lower-cased.
    pub name: String,
    /// A library (`exports`, `module`, `types`, or `main` with no `start`
    /// script): a plain `http.createServer` in it is not the app's server.
    pub library: bool,
    /// `"start": "next start"`: Next.js serves the package.
    pub next_start: bool,
}

impl Manifest {
    /// What a parsed `package.json` says (nothing from one that did not
    /// parse).
    pub fn of(v: Option<&serde_json::Value>) -> Manifest {
        let Some(v) = v else {
            return Manifest::default();
        };
        let start = v
            .pointer("/scripts/start")
            .and_then(|s| s.as_str())
            .unwrap_or("");
        let has = |k: &str| v.get(k).is_some();
        let name = v.get("name").and_then(|n| n.as_str()).unwrap_or("");
        Manifest {
            name: name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase(),
            library: has("exports")
                || has("module")
                || has("types")
                || has("typings")
                || (has("main") && start.is_empty()),
            next_start: start.trim_start().starts_with("next start") || start.trim() == "next",
        }
    }
}

impl Package<'_> {
    pub fn has_dep(&self, names: &[&str]) -> bool {
        self.deps.iter().any(|d| names.contains(&d.as_str()))
    }
    pub fn any(&self, f: impl Fn(&FileFacts) -> bool) -> bool {
        self.files.iter().any(|x| f(x))
    }

    /// The file creating the package's server, where, and its framework:
    /// a framework's app when the package depends on one, else a plain
    /// `http.createServer` that listens, outside libraries. A package
    /// Next.js starts is no custom server.
    pub fn server(&self) -> Option<(&FileFacts, &Place, &'static str)> {
        if self.manifest.next_start {
            return None;
        }
        let created = |http: bool| {
            self.files.iter().find_map(|f| {
                let (at, fw) = f.server.as_ref()?;
                ((*fw == "http") == http).then_some((*f, at, *fw))
            })
        };
        let framework = created(false).filter(|_| self.has_dep(SERVER_DEPS));
        framework.or_else(|| created(true).filter(|_| !self.manifest.library))
    }
}

/// The production dependencies of a parsed `package.json`.
pub(super) fn dependencies(v: Option<&serde_json::Value>) -> Vec<String> {
    let Some(v) = v else {
        return Vec::new();
    };
    v.get("dependencies")
        .and_then(|d| d.as_object())
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default()
}

/// The `package.json` files of the repository (none under `node_modules`):
/// each one's folder ("" at the top) and text.
pub(super) fn manifests(repo_files: &[crate::migrations::RepoFile]) -> Vec<(&str, &str)> {
    repo_files
        .iter()
        .filter(|f| f.rel == "package.json" || f.rel.ends_with("/package.json"))
        .filter(|f| !f.rel.contains("node_modules/"))
        .map(|f| {
            (
                f.rel.trim_end_matches("package.json").trim_end_matches('/'),
                f.text.as_str(),
            )
        })
        .collect()
}

/// Which files the walk looks in for the facts that matter only in a
/// package with a server ([`super::scan::SERVER_PACKAGE_TOKENS`]): those
/// under a `package.json` (their package's or one above it, whose
/// dependencies a workspace's packages inherit) that depends on a server
/// framework. Asked as the walk reads each production JS/TS file, before
/// the walk has read the manifests: each folder's `package.json` is read
/// here once. Only a guess at the packages `AppRules` will find a server
/// in: a plain `http.createServer` needs no dependency, and a manifest may
/// be left out of the walk. The files of a server package the guess missed
/// are read again after the walk ([`super::scan::server_package_facts`]),
/// so a wrong guess costs time, never a fact.
pub struct ServerDeps {
    /// The tree whose manifests are read (the checkout, or `--rev`'s);
    /// `None` (in tests): every file is looked in, as if every package
    /// had a server.
    tree: Option<crate::workspace::tree::Tree>,
    /// A folder → whether its `package.json` or one above names a server
    /// framework among its production dependencies.
    folders: std::sync::RwLock<std::collections::HashMap<String, bool>>,
    /// This guess's own number, for the answer a thread keeps (see
    /// [`ServerDeps::may_serve`]): never another guess's, even one made
    /// where a dropped one was.
    id: usize,
}

impl ServerDeps {
    pub fn new(tree: Option<crate::workspace::tree::Tree>) -> ServerDeps {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
        ServerDeps {
            tree,
            folders: Default::default(),
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Does a `package.json` in `rel`'s folder or one above depend on a
    /// server framework?
    pub fn may_serve(&self, rel: &str) -> bool {
        let Some(tree) = &self.tree else {
            return true;
        };
        let dir = crate::paths::split_name(rel).map_or("", |(d, _)| d);
        // The walk hands a worker a folder's files one after another: the
        // last answer is kept on the thread, asked without a lock or a
        // hash (the look-ups were 0.8 % of the stress corpus's user
        // samples otherwise).
        thread_local! {
            static LAST: std::cell::RefCell<(usize, String, bool)> =
                const { std::cell::RefCell::new((0, String::new(), false)) };
        }
        let me = self.id;
        let last = LAST.with_borrow(|(who, d, b)| (*who == me && d == dir).then_some(*b));
        if let Some(b) = last {
            return b;
        }
        let known = self.folders.read().unwrap_or_else(|e| e.into_inner());
        let b = match known.get(dir) {
            Some(&b) => b,
            None => {
                drop(known);
                let mut folders = self.folders.write().unwrap_or_else(|e| e.into_inner());
                answer(tree, dir, &mut folders)
            }
        };
        LAST.with_borrow_mut(|last| {
            last.0 = me;
            last.1.clear();
            last.1.push_str(dir);
            last.2 = b;
        });
        b
    }
}

/// Folders this many slashes deep or deeper are not looked in for a
/// manifest: a workspace's packages sit a folder or two down (`apps/web`,
/// `packages/api`), and a Next.js app has a folder per route (dub: 1,900
/// of them; a look in each cost a millisecond in all). A server package
/// deeper down (`services/core/api`) is found after the walk, its files
/// read again.
const MANIFEST_DEPTH: usize = 2;

/// [`ServerDeps::may_serve`] for the files of `dir`, kept for each folder
/// (one look-up per file; each folder's manifest looked for once).
fn answer(
    tree: &crate::workspace::tree::Tree,
    dir: &str,
    folders: &mut std::collections::HashMap<String, bool>,
) -> bool {
    if let Some(&b) = folders.get(dir) {
        return b;
    }
    let shallow = dir.is_empty() || dir.bytes().filter(|&b| b == b'/').count() < MANIFEST_DEPTH;
    let b = (shallow && names_server_dep(tree, dir))
        || (!dir.is_empty()
            && answer(
                tree,
                crate::paths::split_name(dir).map_or("", |(d, _)| d),
                folders,
            ));
    folders.insert(dir.to_string(), b);
    b
}

/// Does `dir/package.json` list a server framework among its production
/// dependencies? Only a regular file of a manifest's size is read (never a
/// FIFO or a device; a symbolic link is not followed).
fn names_server_dep(tree: &crate::workspace::tree::Tree, dir: &str) -> bool {
    let rel = if dir.is_empty() {
        "package.json".to_string()
    } else {
        format!("{dir}/package.json")
    };
    let Some(text) = tree.read_small_file(&rel, 1 << 20) else {
        return false;
    };
    /// The dependencies' names, the rest skipped unread (a manifest of
    /// 200 dependencies built as a `Value` took a fifth of a millisecond).
    #[derive(serde::Deserialize)]
    struct Manifest {
        dependencies: Option<std::collections::HashMap<String, serde::de::IgnoredAny>>,
    }
    serde_json::from_slice::<Manifest>(&text)
        .ok()
        .and_then(|m| m.dependencies)
        .is_some_and(|deps| SERVER_DEPS.iter().any(|d| deps.contains_key(*d)))
}

/// The folders of the repository's manifests, and of those among them
/// holding a file that creates a server (`package.json` folders, as
/// `AppRules` groups files).
pub(super) fn server_packages(
    repo_files: &[crate::migrations::RepoFile],
    app_files: &[FileFacts],
) -> (Vec<String>, std::collections::BTreeSet<String>) {
    let dirs: Vec<String> = manifests(repo_files)
        .into_iter()
        .map(|(dir, _)| dir.to_string())
        .collect();
    let servers = app_files
        .iter()
        .filter(|f| f.server.is_some())
        .filter_map(|f| package_of(&f.rel, &dirs))
        .map(str::to_string)
        .collect();
    (dirs, servers)
}

/// The folder of `rel`'s nearest manifest among `dirs` ("" for the root).
/// Asked of every JS/TS file when probes are judged: `rel` is compared
/// with `d/` in place, without making that string.
pub(super) fn package_of<'d>(rel: &str, dirs: &'d [String]) -> Option<&'d str> {
    dirs.iter()
        .filter(|d| {
            d.is_empty()
                || (rel.starts_with(d.as_str()) && rel.as_bytes().get(d.len()) == Some(&b'/'))
        })
        .max_by_key(|d| d.len())
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::ServerDeps;

    /// The walk's guess: a file is looked in for the server facts when a
    /// manifest in its folder or one above (at most two folders down)
    /// depends on a server framework; a FIFO named `package.json` is not
    /// opened (the guess would wait on it forever), nor is a manifest that
    /// does not parse or lists the framework only for development.
    #[test]
    fn the_walk_guesses_server_packages_from_their_manifests() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        for (rel, text) in [
            ("package.json", r#"{ "dependencies": { "react": "1" } }"#),
            (
                "apps/api/package.json",
                r#"{ "dependencies": { "fastify": "4" } }"#,
            ),
            (
                "apps/web/package.json",
                r#"{ "dependencies": { "next": "14" } }"#,
            ),
            (
                "apps/dev/package.json",
                r#"{ "devDependencies": { "express": "4" } }"#,
            ),
            (
                "apps/bad/package.json",
                r#"{ "dependencies": { "express": "4" "#,
            ),
            (
                "a/b/c/package.json",
                r#"{ "dependencies": { "express": "4" } }"#,
            ),
        ] {
            write(rel, text);
        }
        std::fs::create_dir_all(root.join("apps/fifo")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("apps/fifo/package.json"))
            .status()
            .unwrap();
        assert!(made.success());
        let guess = ServerDeps::new(Some(crate::workspace::tree::Tree::new(root, None)));
        for (rel, want) in [
            ("apps/api/src/main.ts", true),
            ("apps/api/src/deep/er/routes.ts", true),
            ("apps/api/main.ts", true),
            ("apps/web/app/page.tsx", false),
            ("apps/dev/src/main.ts", false),
            ("apps/bad/src/main.ts", false),
            ("apps/fifo/src/main.ts", false),
            ("server.ts", false),
            // Three folders down: found after the walk instead.
            ("a/b/c/main.ts", false),
        ] {
            assert_eq!(guess.may_serve(rel), want, "{rel}");
            // Asked again, from what the first answer kept.
            assert_eq!(guess.may_serve(rel), want, "{rel} again");
        }
        // A framework at the top: every package inherits it.
        write(
            "package.json",
            r#"{ "dependencies": { "@nestjs/core": "10" } }"#,
        );
        let guess = ServerDeps::new(Some(crate::workspace::tree::Tree::new(root, None)));
        assert!(guess.may_serve("apps/web/app/page.tsx"));
        assert!(guess.may_serve("a/b/c/main.ts"));
        // No checkout (`--rev`, the checks' unit tests): every file.
        assert!(ServerDeps::new(None).may_serve("apps/web/app/page.tsx"));
        // Two guesses asked in turn on one thread keep their own answers
        // (the thread keeps the last one asked, for its guess only).
        let other = tempfile::tempdir().unwrap();
        let elsewhere =
            ServerDeps::new(Some(crate::workspace::tree::Tree::new(other.path(), None)));
        for _ in 0..2 {
            assert!(guess.may_serve("apps/web/app/page.tsx"));
            assert!(!elsewhere.may_serve("apps/web/app/page.tsx"));
        }
    }

    #[test]
    fn a_file_belongs_to_its_nearest_manifest_folder() {
        let dirs: Vec<String> = ["", "apps/web", "apps/web/server", "packages/ui"]
            .map(String::from)
            .to_vec();
        for (rel, want) in [
            ("apps/web/src/a.ts", Some("apps/web")),
            ("apps/web/server/main.ts", Some("apps/web/server")),
            // A folder whose name only begins with a package's is not in it.
            ("apps/web2/src/a.ts", Some("")),
            ("apps/webserver.ts", Some("")),
            ("packages/ui", Some("")),
            ("x.ts", Some("")),
        ] {
            assert_eq!(super::package_of(rel, &dirs), want, "{rel}");
        }
        assert_eq!(super::package_of("a/b.ts", &["apps".to_string()]), None);
    }
}
