use super::*;

fn err(text: &str) -> String {
    crate::registry::parse_settings(text, ".shipcheck.yml")
        .expect_err("should fail")
        .to_string()
}

#[test]
fn defaults_match_the_design() {
    let s = Settings::defaults();
    assert_eq!(s.fail_on, Level::Error);
    assert_eq!(s.release_fail_on, Level::Warning);
    assert_eq!(
        s.level(crate::registry::rule("debug/console")),
        Some(Level::Error)
    );
    assert_eq!(s.level(crate::registry::rule("debug/print")), None);
    assert_eq!(
        s.level(crate::registry::rule("todo/untracked")),
        Some(Level::Warning)
    );
    for b in ["main", "master", "release/2.0", "production"] {
        assert!(s.is_release_branch(b), "{b}");
    }
    for b in ["feature/x", "release", "mainline"] {
        assert!(!s.is_release_branch(b), "{b}");
    }
    assert_eq!(s.max_file_size, 1024 * 1024);
}

#[test]
fn comment_only_file_is_the_defaults() {
    let s = crate::registry::parse_settings("# nothing yet\n\n", "x").unwrap();
    assert_eq!(
        s.level(crate::registry::rule("debug/console")),
        Some(Level::Error)
    );
}

#[test]
fn unknown_top_level_key_names_key_and_line() {
    let e = err("fail-on: error\nfail-onn: warning\n");
    assert!(e.contains("fail-onn") && e.contains("line 2"), "{e}");
}

#[test]
fn unknown_rule_names_rule_and_line() {
    let e = err("rules:\n  debug/console: error\n  debug/consol: off\n");
    assert!(e.contains("debug/consol`") && e.contains("line 3"), "{e}");
}

#[test]
fn imported_rule_ids_are_accepted_by_shape_with_a_level_only() {
    let s = crate::registry::parse_settings(
        "rules:\n  import/semgrep/js.express.xss: warning\n  import/hadolint/DL3008: off\n  import/checkov/*: notice\n  import/*: warning\n",
        "t",
    );
    assert!(s.is_ok(), "{s:?}");
    let e = err("rules:\n  import/semgrep/x:\n    level: error\n    allow: [a]\n");
    assert!(e.contains("only `level`") && e.contains("line 2"), "{e}");
    let e = err("rules:\n  import/semgrep: error\n");
    assert!(e.contains("unknown rule `import/semgrep`"), "{e}");
}

#[test]
fn unknown_rule_option_names_option_and_line() {
    let e = err("rules:\n  debug/console:\n    level: error\n    allwo: [info]\n");
    assert!(e.contains("allwo") && e.contains("line 4"), "{e}");
}

#[test]
fn option_of_another_rule_is_rejected() {
    let e = err("rules:\n  debug/debugger:\n    allow: [log]\n");
    assert!(
        e.contains("debug/debugger") && e.contains("allow") && e.contains("line 2"),
        "{e}"
    );
}

#[test]
fn bad_level_is_an_error() {
    let e = err("rules:\n  debug/console: loud\n");
    assert!(e.contains("loud") || e.contains("unknown variant"), "{e}");
    let e = err("fail-on: off\n");
    assert!(e.contains("off"), "{e}");
}

#[test]
fn levels_and_options_apply() {
    let s = crate::registry::parse_settings(
        "fail-on: warning\nrules:\n  debug/print: warning\n  debug/console:\n    allow: [error, warn, info]\n  todo/untracked:\n    level: off\n    markers: [TODO, NOTE]\n    issue-pattern: 'JIRA:\\d+'\n",
        "x",
    )
    .unwrap();
    assert_eq!(s.fail_on, Level::Warning);
    assert_eq!(
        s.level(crate::registry::rule("debug/print")),
        Some(Level::Warning)
    );
    assert_eq!(s.level(crate::registry::rule("todo/untracked")), None);
    assert_eq!(s.console_allow, ["error", "warn", "info"]);
    assert_eq!(s.todo_markers, ["TODO", "NOTE"]);
    assert!(s.issue_pattern.as_ref().unwrap().is_match("JIRA:12"));
}

#[test]
fn sizes_parse() {
    for (text, want) in [
        ("max-file-size: 2048", 2048),
        ("max-file-size: \"2MiB\"", 2 << 20),
        ("max-file-size: 512KB", 512 << 10),
    ] {
        assert_eq!(
            crate::registry::parse_settings(text, "x")
                .unwrap()
                .max_file_size,
            want,
            "{text}"
        );
    }
    assert!(err("max-file-size: lots").contains("max-file-size"));
}

#[test]
fn path_classification() {
    let s = Settings::defaults();
    for p in [
        "src/a.test.ts",
        "apps/api/src/__tests__/x.ts",
        "scripts/deploy.js",
        "docs/a.js",
        "jest.config.js",
        "web/Button.stories.tsx",
        "tests/test_x.py",
        "prisma/seed.ts",
    ] {
        assert!(!s.is_production(p), "{p} is not production");
    }
    for p in [
        "src/index.ts",
        "apps/api/src/routes/video.ts",
        "worker/main.py",
        "src/testing_utils.ts",
        "src/latest/x.ts",
    ] {
        assert!(s.is_production(p), "{p} is production");
    }
    assert!(s.is_test_file("src/a.spec.ts") && s.is_test_file("e2e/login.ts"));
    assert!(!s.is_test_file("src/a.ts"));
    for p in [
        "node_modules/x/index.js",
        "public/vendor/a.js",
        "a/b/jquery.min.js",
        "third_party/x.c",
    ] {
        assert!(!s.is_scanned(p), "{p} is vendored");
    }
    assert!(s.is_scanned("src/vendors.ts"));
}

/// A name of literals, `*` and `?` is taken without building its glob
/// (globset takes every such name, `a**b` too); a bracket or brace that
/// does not close is refused as before.
#[test]
fn names_are_taken_and_bad_brackets_refused() {
    for good in ["a**b", "**x", "*.min.js", "test_?.py"] {
        assert!(path_globs(&[good.to_string()]).is_ok(), "{good}");
    }
    for bad in ["a[b", "x{y", "src/a[b"] {
        let Err(e) = path_globs(&[bad.to_string()]) else {
            panic!("{bad} taken");
        };
        assert!(e.contains("bad glob"), "{bad}: {e}");
    }
}

#[test]
fn include_and_exclude_globs() {
    let s = crate::registry::parse_settings(
        "paths:\n  include: [\"apps/**\"]\n  exclude: [legacy, \"*.gen.ts\"]\n",
        "x",
    )
    .unwrap();
    assert!(s.is_scanned("apps/api/a.ts"));
    assert!(!s.is_scanned("worker/a.py"));
    assert!(!s.is_scanned("apps/legacy/a.ts"));
    assert!(!s.is_scanned("apps/api/types.gen.ts"));
}

#[test]
fn a_key_given_twice_is_an_error_not_a_silent_override() {
    let e = err("rules:\n  debug/console: error\n  debug/console: off\n");
    assert!(
        e.contains("`debug/console` is given twice (lines 2 and 3)"),
        "{e}"
    );
}

#[test]
fn deep_nesting_is_refused_quickly() {
    let deep = format!(
        "paths:\n  exclude: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let started = std::time::Instant::now();
    let e = err(&deep);
    assert!(e.contains("nesting deeper than 32 levels at line 2"), "{e}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // Brackets in strings and comments are not nesting.
    assert!(crate::registry::parse_settings(
        &format!("# {}\nfail-on: error\n", "[".repeat(50)),
        "c"
    )
    .is_ok());
}

#[test]
fn an_empty_pattern_is_an_error() {
    for text in [
        "production-code:\n  exclude: [\"\"]\n",
        "paths:\n  exclude: [\"\"]\n",
        "paths:\n  include: [\"  \"]\n",
        "test-files: [\"\"]\n",
    ] {
        let e = err(text);
        assert!(e.contains("empty pattern"), "{text}: {e}");
    }
}

/// `docs/shipcheck.schema.json` is generated from the config types and
/// committed for editors (`# yaml-language-server: $schema=…`); refresh it
/// with `SHIPCHECK_BLESS=1 cargo test --lib json_schema`.
#[test]
fn json_schema_is_generated_from_the_config_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/shipcheck.schema.json");
    let fresh = format!(
        "{}\n",
        serde_json::to_string_pretty(&json_schema(&rule_ids())).unwrap()
    );
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if fresh != committed {
        if std::env::var_os("SHIPCHECK_BLESS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        } else {
            panic!("docs/shipcheck.schema.json differs from the config types: run `SHIPCHECK_BLESS=1 cargo test --lib json_schema`");
        }
    }
}

/// The schema accepts every config the project ships or documents, and
/// rejects what the parser rejects: a typo'd key, an unknown rule, a bad level.
#[test]
fn json_schema_agrees_with_the_parser() {
    let schema = json_schema(&rule_ids());
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .expect("the schema compiles");
    let as_json =
        |yaml: &str| -> serde_json::Value { serde_yaml_ng::from_str(yaml).expect("YAML") };
    let readme = include_str!("../../README.md");
    let block = readme
        .split("```yaml\nfail-on: error")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .map(|b| format!("fail-on: error{b}"))
        .expect("the README's configuration block");
    let starter = crate::init::starter_config(&crate::init::detect(std::path::Path::new(env!(
        "CARGO_MANIFEST_DIR"
    ))));
    for (what, yaml) in [("README", block.as_str()), ("init", starter.as_str())] {
        if yaml
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        crate::registry::parse_settings(yaml, what).unwrap_or_else(|e| panic!("{what}: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&as_json(yaml))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:?}");
    }
    for bad in [
        "fail-om: error\n",
        "rules:\n  debug/consol: error\n",
        "rules:\n  debug/console: loud\n",
        "paths:\n  exclud: [x]\n",
        "max-file-size: lots\n",
    ] {
        assert!(
            crate::registry::parse_settings(bad, "bad").is_err(),
            "parser accepts {bad:?}"
        );
        assert!(!validator.is_valid(&as_json(bad)), "schema accepts {bad:?}");
    }
}

fn rule_ids() -> Vec<&'static str> {
    crate::registry::all().iter().map(|r| r.id).collect()
}

/// A checklist item must name one real backing, once; the error names the
/// item and what is wrong.
#[test]
fn checklist_items_are_validated() {
    let items =
        |yaml: &str| format!("checklist:\n  sections:\n    - section: S\n      items:\n{yaml}");
    for (yaml, want) in [
        (
            "        - item: A\n          area: debugging\n",
            "unknown area `debugging`",
        ),
        (
            "        - item: A\n          rules: [debug/consol]\n",
            "names unknown rule `debug/consol`",
        ),
        (
            "        - item: A\n          rules: [nope/*]\n",
            "names unknown rule `nope/*`",
        ),
        (
            "        - item: A\n          area: todos\n          ci: [test]\n",
            "needs exactly one of",
        ),
        ("        - item: A\n", "needs exactly one of"),
        (
            "        - item: A\n          ci: []\n",
            "at least one non-empty name",
        ),
        (
            "        - Backups tested\n        - backups  TESTED\n",
            "listed twice",
        ),
        (
            "        - item: A\n          area: todos\n          owner: me\n",
            "unknown field `owner`",
        ),
    ] {
        let e = crate::registry::parse_settings(&items(yaml), "c.yml")
            .err()
            .unwrap_or_else(|| panic!("accepted {yaml:?}"))
            .to_string();
        assert!(e.contains(want), "{yaml:?}: {e}");
    }
    let ok = crate::registry::parse_settings(
        &items("        - item: A\n          rules: [\"docker/*\", import/semgrep/*]\n        - item: B\n          manual: true\n        - C\n"),
        "c.yml",
    )
    .unwrap();
    let kinds: Vec<&str> = ok
        .checklist
        .items()
        .map(|(_, i)| i.backing.kind())
        .collect();
    assert_eq!(kinds, ["rules", "manual", "manual"]);
    assert_eq!(ok.checklist.require_on, crate::checklist::RequireOn::Never);
    // `sections: []` turns the checklist off (the summary lists areas).
    let off = crate::registry::parse_settings("checklist:\n  sections: []\n", "c.yml").unwrap();
    assert_eq!(off.checklist.items().count(), 0);
}

#[test]
fn shared_folders_counts_whole_folders_only() {
    for (a, b, n) in [
        ("a/b/c", "a/b/d", 2),
        ("a/b", "a/bc", 1),
        ("a/bc", "a/b", 1),
        ("a/b", "a/b/c", 2),
        ("a/b/c", "a/b", 2),
        ("a/b", "a/b", 2),
        ("x", "y", 0),
        ("ab", "a", 0),
        ("a", "", 0),
        ("", "a", 0),
        ("src/é/x", "src/é/y", 2),
    ] {
        assert_eq!(shared_folders(a, b), n, "{a} {b}");
    }
}

/// The folder-name shortcut and the folder-by-folder matching of
/// `path_globs` match exactly what the globs they replace matched (`p` and
/// `p/**` for every pattern, as compiled before), on the default lists and
/// on patterns users write.
mod path_set_equivalence {
    use super::super::{path_globs, DEFAULT_NON_PRODUCTION, DEFAULT_TEST_FILES, DEFAULT_VENDORED};
    use proptest::prelude::*;

    fn reference(patterns: &[String]) -> globset::GlobSet {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            let p = p.trim_start_matches("./");
            let full = if p.contains('/') {
                p.trim_start_matches('/').to_string()
            } else {
                format!("**/{p}")
            };
            for candidate in [full.clone(), format!("{}/**", full.trim_end_matches("/**"))] {
                b.add(
                    globset::GlobBuilder::new(&candidate)
                        .literal_separator(true)
                        .build()
                        .unwrap(),
                );
            }
        }
        b.build().unwrap()
    }

    const WORDS: &[&str] = &[
        "src",
        "test",
        "tests",
        "app.test.ts",
        "scripts",
        "node_modules",
        "a.min.js",
        "seed.ts",
        "docs",
        "lib",
        "x",
        "conftest.py",
        "bench",
        "__tests__",
        "spec",
        "build.rs",
        "index.js",
        "vendor",
        "legacy",
        "gen.generated.ts",
        "e2e",
        "bin",
        "Gruntfile.js",
        "tests.rs",
        "mocks",
        "a.config.ts",
        "fixtures",
        ".storybook",
        "mock-api.ts",
        "x_test.go",
        "test_x.py",
        "a.spec.js",
        "mocks.ts",
        "b.cy.ts",
        "app.bundle.js",
        "mocké",
        "mocks",
        "e.config.ts",
    ];

    fn lists() -> Vec<Vec<String>> {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        vec![
            s(DEFAULT_NON_PRODUCTION),
            s(DEFAULT_TEST_FILES),
            s(DEFAULT_VENDORED),
            s(&[
                "legacy/**",
                "*.generated.ts",
                "/bin",
                "./docs",
                "**/x",
                "src/lib/**",
                "**/tests",
            ]),
            // Wildcards in folder positions: `p/**` is found by matching
            // each folder of the path.
            s(&[
                "src/*/x",
                "*.min.js",
                "mock?",
                "[st]ests",
                "{docs,e2e}",
                "src/**/lib",
                "**/*.config.ts",
                "*s",
            ]),
        ]
    }

    /// The literal a glob requires, and none where `/` beside `**` could
    /// be missing or the glob has syntax the scan does not follow.
    #[test]
    fn required_literals_are_held_by_every_match() {
        use super::super::required_literal as lit;
        assert_eq!(lit("**/*.test.*").as_deref(), Some(".test."));
        assert_eq!(lit("**/conftest.py").as_deref(), Some("conftest.py"));
        assert_eq!(lit("src/**/lib").as_deref(), Some("src"));
        assert_eq!(lit("legacy/**").as_deref(), Some("legacy"));
        assert_eq!(lit("src/*/x").as_deref(), Some("src/"));
        assert_eq!(lit("**/*"), None);
        assert_eq!(lit("**/[st]ests"), None);
        assert_eq!(lit("**/{docs,e2e}"), None);
    }

    /// A gate asked often enough to build its automaton answers alike
    /// before and after.
    #[test]
    fn the_literal_gate_answers_alike_once_it_builds_its_automaton() {
        let gate = super::super::LiteralGate::new(&[".test.".to_string(), "vendor".to_string()]);
        let paths = ["src/a.test.ts", "src/a.ts", "vendor/x.js", "src/vendo/x.js"];
        for i in 0..3 * super::super::LiteralGate::DFA_AFTER {
            let path = paths[i % paths.len()];
            assert_eq!(gate.is_match(path.as_bytes()), i % 2 == 0, "{path} at {i}");
        }
        assert!(gate.dfa.get().is_some_and(Option::is_some));
    }

    proptest! {
        /// A name glob matches what the glob set's own matcher matches,
        /// stars and question marks anywhere, multi-byte names too.
        #[test]
        fn name_globs_match_as_the_glob_set_does(
            glob in proptest::collection::vec(proptest::sample::select(vec!["a", "b", "*", "?", ".", "é"]), 1..8),
            name in proptest::collection::vec(proptest::sample::select(vec!["a", "b", ".", "é", "ab"]), 0..8),
        ) {
            let (glob, name) = (glob.concat(), name.concat());
            // No file is named `.` or `..` (the glob set reads them as the
            // folder and its parent, which have no file name).
            proptest::prop_assume!(name != "." && name != "..");
            let set = globset::GlobSetBuilder::new()
                .add(globset::GlobBuilder::new(&format!("**/{glob}")).literal_separator(true).build().unwrap())
                .build()
                .unwrap();
            prop_assert_eq!(
                super::super::wildcard_match(glob.as_bytes(), name.as_bytes()),
                set.is_match(&name),
                "{} against {}", glob, name
            );
        }

        /// Paths asked one after another, sharing folders as a walk's do,
        /// get the plain globs' answers: what a set keeps of the last
        /// folder it was asked is reused only where the paths agree.
        #[test]
        fn neighbouring_paths_get_the_plain_globs_answers(
            paths in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec!["src", "test", "lib", "tests", "a", "node_modules", "x.test.ts", "b.ts", "mocks", "mocké", "x.min.js"]),
                    1..6,
                ),
                1..24,
            ),
            list in 0usize..5,
        ) {
            let list = &lists()[list];
            let (fast, slow) = (path_globs(list).unwrap(), reference(list));
            for parts in &paths {
                let rel = parts.join("/");
                prop_assert_eq!(fast.is_match(&rel), slow.is_match(&rel), "{} with {:?}", rel, list);
            }
        }

        /// The literal gate says a path holds one of the literals exactly
        /// when it does: one-byte literals, shared first pairs, prefixes
        /// of each other, at the path's ends.
        #[test]
        fn the_literal_gate_finds_each_literal(
            literals in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(vec!["a", "b", ".", "é", "/", "ab"]), 1..4),
                1..6,
            ),
            path in proptest::collection::vec(proptest::sample::select(vec!["a", "b", ".", "é", "/", "ab", "x"]), 0..12),
        ) {
            let literals: Vec<String> = literals.into_iter().map(|l| l.concat()).collect();
            let path = path.concat();
            let gate = super::super::LiteralGate::new(&literals);
            let want = literals.iter().any(|l| path.contains(l.as_str()));
            prop_assert_eq!(gate.by_pairs(path.as_bytes()), want, "{} with {:?}", path, literals);
            let dfa = gate.dfa().as_ref().expect("an automaton");
            prop_assert_eq!(dfa.is_match(path.as_bytes()), want, "{} with {:?}", path, literals);
        }

        #[test]
        fn same_matches_as_the_plain_globs(parts in proptest::collection::vec(0..WORDS.len(), 1..6)) {
            static SETS: std::sync::LazyLock<Vec<(Vec<String>, super::super::PathSet, globset::GlobSet)>> =
                std::sync::LazyLock::new(|| {
                    lists()
                        .into_iter()
                        .map(|l| (l.clone(), path_globs(&l).unwrap(), reference(&l)))
                        .collect()
                });
            let rel = parts.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join("/");
            for (list, fast, slow) in SETS.iter() {
                prop_assert_eq!(fast.is_match(&rel), slow.is_match(&rel), "{} with {:?}", rel, list);
            }
        }
    }
}
