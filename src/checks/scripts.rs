//! Files the repository runs as commands in CI, found by the workflow
//! steps that run them (`run: npx tsx other/index-podcasts.ts`). They are
//! not the app: what they print is their output, so the debug rules leave
//! them alone, like files in `scripts/` or with a `#!` line. Of a
//! `package.json`'s scripts only the build-time ones say so (`"build:info":
//! "node ../../other/generate-build-info.ts"`, `postinstall`, `generate`):
//! `"start": "node server.js"` and `"dev": "tsx src/index.ts"` run the app.
//! A Cargo manifest names its test, bench and example targets and its build
//! script: test code and build tooling, not the app.

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
            let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&f.text) else {
                continue;
            };
            let dir = f.rel.rsplit_once('/').map(|(d, _)| d);
            let base = dir.map_or(String::new(), |d| format!("{d}/"));
            let bins = entry_points(manifest.get("bin"));
            let library = entry_points(manifest.get("main"))
                .into_iter()
                .chain(entry_points(manifest.get("exports")))
                .any(|e| !bins.contains(&e));
            match (bins.is_empty(), library, dir) {
                (true, _, _) => {}
                // A command-line package: everything in it serves the
                // command. (The root package's would cover the whole
                // repository.)
                (false, false, Some(dir)) => {
                    out.insert(format!("{dir}/"));
                }
                // A library that also ships a command (next, eslint):
                // only the command's own files.
                _ => out.extend(bins.iter().filter_map(|b| normalize(&format!("{base}{b}")))),
            }
            let scripts = manifest.get("scripts").and_then(|s| s.as_object());
            // (the package's build-time scripts)
            for (name, command) in scripts.into_iter().flatten() {
                let Some(command) = command.as_str().filter(|_| is_build_time(name)) else {
                    continue;
                };
                out.extend(script_words(command).filter_map(|w| normalize(&format!("{base}{w}"))));
            }
        } else if f.rel == "Cargo.toml" || f.rel.ends_with("/Cargo.toml") {
            out.extend(cargo_non_production(&f.rel, &f.text));
        }
    }
    out
}

/// The paths a `package.json` entry-point field names (`"bin": "x.js"`,
/// `{"name": "x.js"}`, `exports` maps and conditions), `./` dropped.
fn entry_points(field: Option<&serde_json::Value>) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<&serde_json::Value> = field.into_iter().collect();
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(p) => out.push(p.trim_start_matches("./").to_string()),
            serde_json::Value::Object(m) => stack.extend(m.values()),
            serde_json::Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    out
}

/// The files a Cargo manifest makes test, bench or example targets or its
/// build script, as cargo's target discovery finds them without running
/// cargo: `[[test]]`/`[[bench]]`/`[[example]]` `path = …` entries, the
/// conventional `tests/`, `benches/`, `examples/` folders (ending in `/`)
/// and `package.build` (default `build.rs`). An unreadable manifest names
/// nothing: its files stay production code.
fn cargo_non_production(rel: &str, text: &str) -> Vec<String> {
    let Ok(manifest) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let base = rel
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| format!("{d}/"));
    let mut out = Vec::new();
    let mut add = |path: &str| out.extend(normalize(&format!("{base}{path}")));
    for kind in ["test", "bench", "example"] {
        for target in manifest
            .get(kind)
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(path) = target.get("path").and_then(|p| p.as_str()) {
                add(path);
            }
        }
    }
    if manifest.contains_key("package") {
        let build = manifest["package"].get("build").and_then(|b| b.as_str());
        add(build.unwrap_or("build.rs"));
        for dir in ["tests", "benches", "examples"] {
            out.push(format!("{base}{dir}/"));
        }
    }
    out
}

/// A `package.json` script that runs at build, install or generation time,
/// never as the deployed app: `build`, `prebuild`, `build:info`,
/// `postinstall`, `prepare`, `generate:types`, `codegen`, `seed`.
fn is_build_time(name: &str) -> bool {
    let head = name.split(':').next().unwrap_or(name);
    let head = head
        .strip_prefix("pre")
        .or(head.strip_prefix("post"))
        .unwrap_or(head);
    matches!(
        head,
        "build"
            | "install"
            | "prepare"
            | "publish"
            | "publishOnly"
            | "pack"
            | "generate"
            | "gen"
            | "codegen"
            | "seed"
    )
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
    script_words(command).filter_map(normalize)
}

/// The words of a command that name a script file.
fn script_words(command: &str) -> impl Iterator<Item = &str> {
    command
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '&' | ';' | '|' | '(' | ')')
        })
        .filter(|w| SCRIPT_EXTENSIONS.iter().any(|e| w.ends_with(e)) && !w.contains("://"))
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
            file(
                "crates/core/Cargo.toml",
                "[package]\nname = \"core\"\nbuild = \"gen/build_script.rs\"\n[[test]]\nname = \"it\"\npath = \"integration/it.rs\"\n[[example]]\nname = \"demo\"\npath = \"../../demos/demo.rs\"\n[[bin]]\nname = \"core\"\npath = \"src/cli.rs\"\n",
            ),
            // Not TOML: names nothing.
            file("broken/Cargo.toml", "[package\n"),
            // `start` runs the app: package.json scripts are not read.
            file("package.json", r#"{"scripts": {"start": "node server.js"}, "bin": {"x": "x.js"}}"#),
            file("packages/cli/package.json", r#"{"name": "dub-cli", "bin": {"dub": "./dist/index.js"}, "main": "./dist/index.js", "exports": "./dist/index.js"}"#),
            // A library that also ships a command: only the command's file.
            file("packages/next/package.json", r#"{"name": "next", "bin": {"next": "./dist/bin/next"}, "main": "./dist/server/next.js"}"#),
            file("packages/ui/package.json", r#"{"name": "ui"}"#),
            // Build-time scripts are scripts; `start` and `dev` run the app.
            file(
                "services/site/package.json",
                r#"{"scripts": {"build:info": "node ../../other/generate-build-info.ts", "prebuild": "tsx ./tools/pre.ts", "start": "node ./server/index.js", "dev": "tsx server/dev.ts", "prestart": "node boot.js"}}"#,
            ),
            file(
                ".github/workflows/index.yml",
                "jobs:\n  x:\n    steps:\n      - run: npx tsx other/semantic-search/index-podcasts.ts --all && node ./tools/x.mjs\n      - run: echo https://x.example.com/a.js\n",
            ),
            file("src/app.ts", "import './other.ts'"),
        ]);
        assert_eq!(
            got.into_iter().collect::<Vec<_>>(),
            [
                "crates/core/benches/",
                "crates/core/examples/",
                "crates/core/gen/build_script.rs",
                "crates/core/integration/it.rs",
                "crates/core/tests/",
                "demos/demo.rs",
                "other/generate-build-info.ts",
                "other/semantic-search/index-podcasts.ts",
                "packages/cli/",
                "packages/next/dist/bin/next",
                "services/site/tools/pre.ts",
                "tools/x.mjs",
                // The root package's command file (not the whole repository).
                "x.js"
            ]
        );
    }
}
