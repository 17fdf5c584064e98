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
    /// Functions the code reads variables through (`requireEnv("X")`,
    /// `env.str("X")`, `get_bool_from_env("X")`): `env.accessors`.
    pub accessors: Vec<String>,
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
    d.accessors = detect_accessors(root);
    d
}

/// Functions called with an `UPPER_SNAKE` string literal whose names say
/// they read the environment (`env` in the name: `requireEnv`, `getEnv`,
/// `env.str`, `get_bool_from_env`), with at least two different variables.
/// The built-in reads (`os.getenv`, `ENV.fetch`) are left out: shipcheck
/// knows them. Reads at most a few thousand source files.
fn detect_accessors(root: &Path) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    static CALL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?:^|[^\w$.])([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?)\(\s*['"`]([A-Z][A-Z0-9_]{2,})['"`]"#,
        )
        .expect("valid pattern")
    });
    const BUILT_IN: &[&str] = &["getenv", "os.getenv", "environ.get", "ENV.fetch", "env.get"];
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![(root.to_path_buf(), 0)];
    let mut files = 0;
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                let skip = name.starts_with('.')
                    || matches!(
                        name.as_str(),
                        "node_modules" | "vendor" | "target" | "dist" | "build" | "coverage"
                    );
                if depth < 8 && !skip {
                    stack.push((e.path(), depth + 1));
                }
                continue;
            }
            let source = [".ts", ".tsx", ".js", ".mjs", ".cjs", ".py", ".rb", ".php"]
                .iter()
                .any(|x| name.ends_with(x));
            if !source || files >= 5000 {
                continue;
            }
            files += 1;
            let Ok(text) = crate::input_file::read(&e.path(), "source", 256 * 1024) else {
                continue;
            };
            let text = String::from_utf8_lossy(&text);
            for caps in CALL.captures_iter(&text) {
                let callee = &caps[1];
                if callee.to_ascii_lowercase().contains("env") && !BUILT_IN.contains(&callee) {
                    seen.entry(callee.to_string())
                        .or_default()
                        .insert(caps[2].to_string());
                }
            }
        }
    }
    seen.into_iter()
        .filter(|(_, names)| names.len() >= 2)
        .map(|(callee, _)| callee)
        .collect()
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
    s.push_str(
        "\n# The deployment checklist the pull request's check run reads like: each\n\
         # item backed by an `area:`, `rules:` (ids or group/*), `ci:` (the names of\n\
         # other check runs on the commit, globs) or, written as plain text, a person.\n",
    );
    s.push_str(crate::checklist::DEFAULT_YAML);
    if d.accessors.is_empty() {
        s.push_str(
            "\n# env:\n#   accessors: [requireEnv]   # functions the code reads variables through\n",
        );
    } else {
        s.push_str(&format!(
            "\nenv:\n  # Functions the code reads variables through (found in the code):\n  # env/undeclared checks their variables against the template too.\n  accessors: [{}]\n",
            d.accessors
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s
}

/// Prefixes of variables hosting platforms set at run time that the
/// built-in ignore list (`docs/rules/env-undeclared.md`) leaves to the
/// team: a first run's undeclared ones are proposed for `env.ignore`.
const PLATFORM_HINTS: &[(&str, &str)] = &[
    ("CF_PAGES", "Cloudflare Pages"),
    ("DENO_DEPLOYMENT_ID", "Deno Deploy"),
    ("DENO_REGION", "Deno Deploy"),
    ("KUBERNETES_", "Kubernetes"),
    ("WEBSITE_", "Azure App Service"),
    ("FUNCTIONS_WORKER_RUNTIME", "Azure Functions"),
    ("GOOGLE_CLOUD_PROJECT", "Google Cloud"),
    ("FUNCTION_TARGET", "Google Cloud Functions"),
    ("AWS_REGION", "AWS"),
    ("AWS_DEFAULT_REGION", "AWS"),
    ("KOYEB_", "Koyeb"),
    ("COOLIFY_", "Coolify"),
    ("CODESPACE", "GitHub Codespaces"),
    ("GITPOD_", "Gitpod"),
];

#[cfg(test)]
#[test]
fn platform_hints_are_not_already_ignored() {
    let s = crate::config::Settings::defaults();
    for (prefix, _) in PLATFORM_HINTS {
        let name = format!("{}X", prefix.trim_end_matches('_'));
        assert!(!s.env.is_ignored(&name), "{name} is built in already");
    }
}

/// What `init` learns from a first run with the starter config.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FirstRun {
    /// (rule, level, findings), most first.
    pub top_rules: Vec<(String, String, usize)>,
    /// Undeclared variables a hosting platform may set: (name, platform).
    pub platform: Vec<(String, &'static str)>,
    pub findings: usize,
}

/// Reads what a first run found: the rules that fire most and the
/// undeclared variables that look platform-provided.
pub fn first_run(report: &crate::report::Report) -> FirstRun {
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    let mut platform = std::collections::BTreeMap::new();
    for f in &report.findings {
        *counts.entry((f.rule.id, f.level.as_str())).or_default() += 1;
        if f.rule.id == crate::checks::env::UNDECLARED.id {
            let name = f
                .message
                .split_whitespace()
                .skip_while(|w| *w != "variable")
                .nth(1)
                .unwrap_or("");
            if let Some((_, p)) = PLATFORM_HINTS.iter().find(|(pre, _)| name.starts_with(pre)) {
                platform.insert(name.to_string(), *p);
            }
        }
    }
    let mut top_rules: Vec<_> = counts
        .into_iter()
        .map(|((r, l), n)| (r.to_string(), l.to_string(), n))
        .collect();
    top_rules.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    FirstRun {
        top_rules,
        platform: platform.into_iter().collect(),
        findings: report.findings.len(),
    }
}

/// The commented `env.ignore` proposal appended to the starter config.
/// `env_section`: the starter config already ends with an `env:` section
/// (its accessors), which the proposal then continues.
pub fn platform_proposal(run: &FirstRun, env_section: bool) -> Option<String> {
    if run.platform.is_empty() {
        return None;
    }
    let mut s = String::from(
        "  # A first run saw these variables read but not declared; a hosting\n  # platform may set them. If yours does, ignore them (env/undeclared):\n",
    );
    if !env_section {
        s = s.replace("  #", "#");
        s.insert(0, '\n');
        s.push_str("# env:\n");
    }
    s.push_str("#   ignore:\n");
    for (name, platform) in &run.platform {
        s.push_str(&format!("#     - {name}   # {platform}\n"));
    }
    Some(s)
}

/// What `init` prints after writing the config: the first run in brief and
/// the next steps as commands.
pub fn next_steps(run: &FirstRun, root: &str) -> String {
    let mut s = String::new();
    if run.findings == 0 {
        s.push_str("first run: nothing to report\n");
    } else {
        s.push_str(&format!(
            "first run: {} findings; the rules that fire most:\n",
            run.findings
        ));
        for (rule, level, n) in run.top_rules.iter().take(5) {
            s.push_str(&format!(
                "  {n:>5}  {level:<7}  {rule}   (shipcheck explain {rule})\n"
            ));
        }
    }
    if !run.platform.is_empty() {
        s.push_str(&format!(
            "possibly platform-provided, proposed for env.ignore (commented in the config): {}\n",
            run.platform
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s.push_str(&format!(
        "next steps:\n  - read the findings, then fix them or tune .shipcheck.yml:\n      shipcheck check {root}\n  - accept today's findings so that only new ones block:\n      shipcheck baseline {root} --reason \"debt before shipcheck\"\n  - check every push before it leaves:\n      shipcheck install-hook {root}\n  - check every pull request: add the Action (README: GitHub pull request check),\n    then require the `shipcheck` check in branch protection\n"
    ));
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
                accessors: vec!["requireEnv".into(), "env.str".into()],
            },
        ] {
            let text = starter_config(&d);
            crate::registry::parse_settings(&text, "init")
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
        }
    }

    /// The helpers a repository reads variables through are found and
    /// configured, so env/undeclared sees their reads.
    #[test]
    fn accessors_are_found_in_the_code() {
        let dir = tempfile::tempdir().unwrap();
        let w = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w(
            "src/env.ts",
            "export const a = requireEnv('DATABASE_URL');\nconst b = requireEnv(\"REDIS_URL\");\n",
        );
        w("settings.py", "DEBUG = env.bool('DJANGO_DEBUG')\nKEY = env.str('SECRET_KEY')\nX = env.str(\"ALLOWED_HOSTS\")\nY = os.getenv('A_B')\nZ = os.getenv('C_D')\n");
        w(
            "src/i18n.ts",
            "t('HELLO_WORLD'); t('BYE_NOW'); getElement('MAIN_ID');\n",
        );
        w(
            "node_modules/x/index.js",
            "fromEnv('A_A'); fromEnv('B_B');\n",
        );
        w("src/once.ts", "loadEnvVar('ONLY_ONE');\n");
        assert_eq!(detect(dir.path()).accessors, ["env.str", "requireEnv"]);
        let text = starter_config(&detect(dir.path()));
        let s = crate::registry::parse_settings(&text, "init")
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(s.env.accessor_names, ["env.str", "requireEnv"]);
    }

    /// The proposal stays valid YAML once uncommented, with or without the
    /// accessors' `env:` section before it.
    #[test]
    fn the_platform_proposal_uncomments_into_valid_config() {
        let run = FirstRun {
            platform: vec![("KUBERNETES_SERVICE_HOST".into(), "Kubernetes")],
            ..FirstRun::default()
        };
        for accessors in [vec![], vec!["requireEnv".to_string()]] {
            let d = Detected {
                accessors: accessors.clone(),
                ..Detected::default()
            };
            let proposal = platform_proposal(&run, !accessors.is_empty()).unwrap();
            let uncommented = starter_config(&d)
                + &proposal
                    .replace("# env:\n", "env:\n")
                    .replace("#   ignore:", "  ignore:")
                    .replace("#     - ", "    - ");
            let s = crate::registry::parse_settings(&uncommented, "init")
                .unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
            assert!(s.env.is_ignored("KUBERNETES_SERVICE_HOST"), "{uncommented}");
        }
        assert_eq!(platform_proposal(&FirstRun::default(), false), None);
    }

    /// `init` writes the built-in checklist, so the file it writes lays
    /// the report out exactly as a run without `checklist:` does.
    #[test]
    fn the_starter_config_holds_the_built_in_checklist() {
        let text = starter_config(&Detected::default());
        let s = crate::registry::parse_settings(&text, "init").unwrap();
        assert_eq!(s.checklist, crate::config::Settings::defaults().checklist);
        assert!(s.checklist.items().count() > 30);
        assert!(text.contains("\nchecklist:\n  # manual items must be ticked"));
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
        assert!(py.contains("debug/breakpoint") && !py.contains("  debug/console:\n"));
    }
}
