//! `shipcheck init`: a commented starter `.shipcheck.yml` tuned to what the
//! repository contains.

use crate::config::DEFAULT_RELEASE_BRANCHES;
use std::path::Path;

/// What `init` noticed in the repository (top two levels only: fast, and
/// enough to recognise a monorepo's apps).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Detected {
    pub javascript: bool,
    pub python: bool,
    pub ruby: bool,
    pub go: bool,
    pub rust: bool,
    pub php: bool,
    pub prisma: bool,
}

pub fn detect(root: &Path) -> Detected {
    let mut d = Detected::default();
    let mut dirs = vec![root.to_path_buf()];
    for depth in 0..3 {
        let mut next = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                match name.as_str() {
                    "package.json" | "tsconfig.json" => d.javascript = true,
                    "pyproject.toml" | "requirements.txt" | "setup.py" | "Pipfile" => {
                        d.python = true
                    }
                    "Gemfile" => d.ruby = true,
                    "go.mod" => d.go = true,
                    "Cargo.toml" => d.rust = true,
                    "composer.json" => d.php = true,
                    "schema.prisma" => d.prisma = true,
                    _ => {}
                }
                let skip = name.starts_with('.')
                    || matches!(name.as_str(), "node_modules" | "vendor" | "target" | "dist");
                if depth < 2 && !skip && e.file_type().is_ok_and(|t| t.is_dir()) {
                    next.push(e.path());
                }
            }
        }
        dirs = next;
    }
    d
}

pub fn starter_config(d: &Detected) -> String {
    let mut langs = Vec::new();
    for (on, name) in [
        (d.javascript, "JavaScript/TypeScript"),
        (d.python, "Python"),
        (d.ruby, "Ruby"),
        (d.go, "Go"),
        (d.rust, "Rust"),
        (d.php, "PHP"),
        (d.prisma, "Prisma"),
    ] {
        if on {
            langs.push(name);
        }
    }
    let detected = if langs.is_empty() {
        "nothing specific".to_string()
    } else {
        langs.join(", ")
    };
    let branches = DEFAULT_RELEASE_BRANCHES
        .iter()
        .map(|b| format!("\"{b}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = format!(
        "# shipcheck configuration — `shipcheck explain RULE` documents every rule.\n\
         # Detected: {detected}.\n\
         \n\
         # Findings at or above this level block (exit 1): notice | warning | error\n\
         fail-on: error\n\
         # On release branches (the PR's target, or --branch) warnings block too.\n\
         release-fail-on: warning\n\
         release-branches: [{branches}]\n\
         \n\
         # Files larger than this are skipped (and counted in the summary).\n\
         max-file-size: 1MiB\n\
         # JS/TS files with a longer line are skipped as minified (0: scan them all).\n\
         # minified-line-length: 1000\n\
         \n\
         # paths:\n\
         #   include: [\"apps/**\", \"packages/**\"]   # only these (default: everything not ignored)\n\
         #   exclude: [\"legacy/**\", \"*.generated.ts\"]\n\
         \n\
         # Debug rules skip non-production code: tests, scripts, examples, docs,\n\
         # fixtures, stories, seeds and config files by default. Listing\n\
         # production-code.exclude replaces that default list.\n\
         # production-code:\n\
         #   exclude: [\"**/scripts/**\", \"*.test.*\", \"**/__tests__/**\"]\n\
         \n\
         rules:\n"
    );
    if d.javascript {
        s.push_str(
            "  debug/console:\n    level: error\n    allow: [error, warn]   # console methods fine in production\n  debug/debugger: error\n  debug/focused-test: error\n",
        );
    }
    if d.python || d.ruby || d.go || d.rust || d.php {
        s.push_str("  debug/breakpoint: error\n");
        s.push_str("  # debug/print: warning      # flag print()/println!/fmt.Println too\n");
    }
    s.push_str(
        "  todo/untracked:\n    level: warning\n    markers: [TODO, FIXME, XXX, HACK]\n    # issue-pattern: 'JIRA:\\d+'   # extra references that count as tracked\n  todo/expired: warning\n",
    );
    if d.prisma {
        s.push_str("# Prisma detected: migration checks arrive with `migrations/*` rules.\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_starter_config_loads() {
        for d in [
            Detected::default(),
            Detected {
                javascript: true,
                prisma: true,
                ..Detected::default()
            },
            Detected {
                javascript: true,
                python: true,
                ruby: true,
                go: true,
                rust: true,
                php: true,
                prisma: true,
            },
        ] {
            let text = starter_config(&d);
            crate::registry::parse_settings(&text, "init")
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
        }
    }

    #[test]
    fn tuned_to_the_repository() {
        let js = starter_config(&Detected {
            javascript: true,
            ..Detected::default()
        });
        assert!(js.contains("debug/console") && !js.contains("debug/breakpoint"));
        let py = starter_config(&Detected {
            python: true,
            ..Detected::default()
        });
        assert!(py.contains("debug/breakpoint") && !py.contains("debug/console"));
    }
}
