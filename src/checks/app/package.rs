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
