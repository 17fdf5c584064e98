//! Files the repository runs as commands in CI, found by the workflow
//! steps that run them (`run: npx tsx other/index-podcasts.ts`). They are
//! not the app: what they print is their output, so the debug rules leave
//! them alone, like files in `scripts/` or with a `#!` line. (`package.json`
//! scripts are no such sign: `"start": "node server.js"` runs the app.)

use crate::migrations::RepoFile;
use std::collections::BTreeSet;

const SCRIPT_EXTENSIONS: &[&str] = &[
    ".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".py", ".rb",
];

/// Repo-relative paths of the files `.github/workflows/*` steps run, and
/// (ending in `/`) the folders of command-line packages: a `package.json`
/// with a `bin` field, whose console output is the program's output.
pub fn script_files(files: &[RepoFile]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in files {
        if is_workflow(&f.rel) {
            for line in f.text.lines() {
                out.extend(paths_in(line));
            }
        } else if f.rel == "package.json" || f.rel.ends_with("/package.json") {
            let is_cli = serde_json::from_str::<serde_json::Value>(&f.text)
                .is_ok_and(|v| v.get("bin").is_some_and(|b| !b.is_null()));
            // The root package's `bin` would cover the whole repository.
            if let (true, Some((dir, _))) = (is_cli, f.rel.rsplit_once('/')) {
                out.insert(format!("{dir}/"));
            }
        }
    }
    out
}

/// Is `path` one of [`script_files`]' files, or in one of its folders?
pub fn is_script(scripts: &BTreeSet<String>, path: &str) -> bool {
    scripts.contains(path)
        || scripts
            .iter()
            .any(|s| s.ends_with('/') && path.starts_with(s.as_str()))
}

/// A GitHub Actions workflow file.
pub fn is_workflow(rel: &str) -> bool {
    rel.starts_with(".github/workflows/") && (rel.ends_with(".yml") || rel.ends_with(".yaml"))
}

/// The script paths a workflow command names (steps run at the repository
/// root), repo-relative.
fn paths_in(command: &str) -> impl Iterator<Item = String> + '_ {
    command
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '&' | ';' | '|' | '(' | ')')
        })
        .filter(|w| SCRIPT_EXTENSIONS.iter().any(|e| w.ends_with(e)) && !w.contains("://"))
        .filter_map(|w| normalize(w.trim_start_matches("./")))
}

/// `a/./b/../c` → `a/c`; `None` when it climbs out of the repository.
fn normalize(rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, text: &str) -> RepoFile {
        RepoFile {
            rel: rel.into(),
            text: text.into(),
        }
    }

    #[test]
    fn scripts_run_by_package_json_and_workflows() {
        let got = script_files(&[
            // `start` runs the app: package.json scripts are not read.
            file("package.json", r#"{"scripts": {"start": "node server.js"}, "bin": {"x": "x.js"}}"#),
            file("packages/cli/package.json", r#"{"name": "dub-cli", "bin": {"dub": "./dist/index.js"}}"#),
            file("packages/ui/package.json", r#"{"name": "ui"}"#),
            file(
                ".github/workflows/index.yml",
                "jobs:\n  x:\n    steps:\n      - run: npx tsx other/semantic-search/index-podcasts.ts --all && node ./tools/x.mjs\n      - run: echo https://x.example.com/a.js\n",
            ),
            file("src/app.ts", "import './other.ts'"),
        ]);
        assert_eq!(
            got.into_iter().collect::<Vec<_>>(),
            [
                "other/semantic-search/index-podcasts.ts",
                "packages/cli/",
                "tools/x.mjs"
            ]
        );
    }
}
