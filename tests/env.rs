//! The environment, secret and Stripe rules end to end: scenario fixtures
//! with production env files passed as `--env-file`, env files outside the
//! repository, `--env-from-process`, committed env files in a real git
//! repository — and no secret value in any output.

mod support;

use support::{expected, finding_lines, fixture, json, manifest, run, shipcheck, Run as Out};

/// The scenario fixtures, each checked against its `prod.env`.
const SCENARIOS: &[&str] = &["env-drift", "weak-secrets", "stripe-modes", "env-clean"];

fn check_scenario(name: &str, format: &str) -> Out {
    let dir = fixture(name);
    run(shipcheck()
        .arg("check")
        .arg(&dir)
        .arg("--env-file")
        .arg(dir.join("prod.env"))
        .args(["--branch", "feature/x", "--format", format]))
}

#[test]
fn scenarios_report_exactly_the_planted_findings() {
    for name in SCENARIOS {
        let out = check_scenario(name, "json");
        let got = finding_lines(&json(&out));
        let want = expected(name);
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name}\nmissing: {missing:#?}\nextra: {extra:#?}"
        );
        let code = if want.iter().any(|w| !w.starts_with("env/unused")) {
            1
        } else {
            0
        };
        assert_eq!(out.code, code, "{name}: {}", out.stderr);
    }
}

#[test]
fn env_findings_name_their_variable() {
    let out = check_scenario("weak-secrets", "json");
    for f in json(&out)["findings"].as_array().unwrap() {
        let msg = f["message"].as_str().unwrap();
        assert!(
            msg.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|w| w.len() > 2
                    && w.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')),
            "no variable name in {msg:?}"
        );
    }
}

/// Public prefixes a masked value may keep.
const PREFIXES: &[&str] = &[
    "sk_live_", "sk_test_", "pk_live_", "pk_test_", "rk_live_", "rk_test_", "whsec_", "re_",
];

fn assert_no_secret(output: &str, what: &str) {
    let values = std::fs::read_to_string(manifest().join("tests/expected/secret-values.txt"))
        .expect("secret-values.txt");
    for value in values.lines().map(str::trim).filter(|v| v.len() >= 8) {
        assert!(
            !output.contains(value),
            "{what} prints a whole secret value"
        );
        let prefix = PREFIXES
            .iter()
            .find(|p| value.starts_with(**p))
            .map_or(0, |p| p.len());
        let chars: Vec<(usize, char)> = value.char_indices().collect();
        for w in 0..chars.len().saturating_sub(7) {
            let start = chars[w].0;
            let end = chars.get(w + 8).map_or(value.len(), |c| c.0);
            if end <= prefix {
                continue;
            }
            let slice = &value[start..end];
            assert!(
                !output.contains(slice),
                "{what} prints the 8-character slice {:?}… of a secret value",
                &slice[..2]
            );
        }
    }
}

#[test]
fn no_output_format_prints_a_secret() {
    for name in SCENARIOS.iter().chain(&["elearning-platform"]) {
        for format in ["text", "json", "sarif", "github", "markdown", "junit"] {
            let out = if *name == "elearning-platform" {
                run(shipcheck()
                    .arg("check")
                    .arg(fixture(name))
                    .args(["--branch", "main", "--format", format]))
            } else {
                check_scenario(name, format)
            };
            // The run did its job and reported: a crash or an empty output
            // would pass the search below without proving anything (workflow
            // commands are one per finding: none for a clean scenario).
            assert!(
                (out.code == 0 || out.code == 1)
                    && (format == "github" || !out.stdout.trim().is_empty()),
                "{name} --format {format}: exit {}: {}",
                out.code,
                out.stderr
            );
            // SARIF also carries the rule catalog: every rule's doc, whose
            // examples name well-known placeholders (`changeme`, `sk_test_51Fake…`).
            // It is the same for every repository (tests/sarif_schema.rs), so
            // the rest of the document is what is checked here.
            let stdout = if format == "sarif" {
                let mut v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
                v["runs"][0]["tool"]["driver"]["rules"].take();
                v.to_string()
            } else {
                out.stdout.clone()
            };
            assert_no_secret(&stdout, &format!("{name} --format {format} stdout"));
            assert_no_secret(&out.stderr, &format!("{name} --format {format} stderr"));
        }
    }
}

#[test]
fn env_file_outside_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    let env = outside.path().join("production.env");
    std::fs::write(&env, "NODE_ENV=development\nJWT_SECRET=changeme\n").unwrap();
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join(".env.example"),
        "NODE_ENV=production\nJWT_SECRET=\nAPI_URL=\n",
    )
    .unwrap();
    std::fs::create_dir_all(repo.path().join("src")).unwrap();
    std::fs::write(
        repo.path().join("src/a.ts"),
        "const s = process.env.JWT_SECRET;\nconst u = process.env.API_URL;\n",
    )
    .unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(repo.path())
        .arg("--env-file")
        .arg(&env)
        .args(["--format", "json"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v = json(&out);
    let lines = finding_lines(&v);
    // SARIF and annotations need repository paths: findings in the outside
    // file point at the template's declaration, and name the file.
    for want in [
        "debug/debug-mode .env.example:1",
        "secret/weak .env.example:2",
        "env/missing .env.example:3",
    ] {
        assert!(lines.contains(want), "{want} not in {lines:#?}");
    }
    let shown = env.to_string_lossy();
    let weak = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret/weak")
        .unwrap();
    assert!(
        weak["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("(in {shown} line 2, outside the repository)")),
        "{weak:#}"
    );
    assert!(
        !out.stdout.contains(&format!("\"path\": \"{shown}")),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("changeme"));
    // A variable the template does not declare loses its place, not its finding.
    std::fs::write(
        &env,
        "NODE_ENV=production\nJWT_SECRET=changeme\nEXTRA_SECRET=changeme2\n",
    )
    .unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(repo.path())
        .arg("--env-file")
        .arg(&env)
        .args(["--format", "sarif"]));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 2, "{}", out.stdout);
    for r in results {
        for l in r["locations"].as_array().into_iter().flatten() {
            let uri = l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(!uri.starts_with('/') && !uri.starts_with(".."), "{uri}");
        }
    }
}

#[test]
fn env_from_process_judges_ci_secrets_without_printing_them() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join(".env.example"),
        "JWT_SECRET=\nSTRIPE_SECRET_KEY=\n",
    )
    .unwrap();
    std::fs::create_dir_all(repo.path().join("src")).unwrap();
    std::fs::write(
        repo.path().join("src/a.ts"),
        "export const k = [process.env.JWT_SECRET, process.env.STRIPE_SECRET_KEY];\n",
    )
    .unwrap();
    let weak = "password1234";
    let out = run(shipcheck()
        .arg("check")
        .arg(repo.path())
        .args(["--env-from-process", "--format", "json"])
        .env("JWT_SECRET", weak)
        .env(
            "STRIPE_SECRET_KEY",
            format!("sk_test_{}", "4eC39HqLyjWDarjtT1zdp7dc"),
        )
        .env("UNRELATED_TOKEN", "x"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v = json(&out);
    let rules = support::rules(&v);
    assert!(
        rules.contains(&"secret/weak") && rules.contains(&"stripe/test-key-in-production"),
        "{rules:?}"
    );
    assert!(!rules.contains(&"env/missing"), "{rules:?}");
    assert!(!out.stdout.contains(weak) && !out.stdout.contains("4eC39HqLyjWD"));
    assert!(out.stdout.contains("process environment"));
    // UNRELATED_TOKEN is not the app's: neither declared nor read.
    assert!(!out.stdout.contains("UNRELATED_TOKEN"));
}

#[test]
fn malformed_env_file_gives_syntax_findings_and_the_run_goes_on() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join(".env.example"), "A=\nB=\n").unwrap();
    std::fs::write(
        repo.path().join(".env.production"),
        "A=1\nthis line has no equals\nB=\"unterminated\n9BAD=x\nA=2\n",
    )
    .unwrap();
    std::fs::create_dir_all(repo.path().join("src")).unwrap();
    std::fs::write(
        repo.path().join("src/a.ts"),
        "use(process.env.A, process.env.B);\nconsole.log(1);\n",
    )
    .unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    assert_eq!(out.code, 1);
    let lines = finding_lines(&json(&out));
    for want in [
        "env/syntax .env.production:2",
        "env/syntax .env.production:3",
        "env/syntax .env.production:4",
        "env/duplicate-key .env.production:5",
        "debug/console src/a.ts:2",
    ] {
        assert!(lines.contains(want), "{want} not in {lines:#?}");
    }
}

#[test]
fn committed_env_files_are_found_by_asking_git() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(repo.path())
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    let secret = "Zx9vQ2mL8pR4tK7wB3nH";
    std::fs::write(
        repo.path().join(".env"),
        format!("A=1\nAPI_SECRET={secret}\n"),
    )
    .unwrap();
    std::fs::write(repo.path().join(".env.example"), "A=\nAPI_SECRET=\n").unwrap();
    std::fs::write(repo.path().join(".env.local.example"), "A=\n").unwrap();
    std::fs::write(
        repo.path().join(".env.development"),
        "A=1\nAPI_SECRET=changeme\n",
    )
    .unwrap();
    std::fs::write(repo.path().join(".env.production.local"), "A=2\n").unwrap();
    std::fs::write(repo.path().join(".env.local"), "A=2\n").unwrap();
    git(&[
        "add",
        ".env",
        ".env.example",
        ".env.local.example",
        ".env.development",
        ".env.production.local",
    ]);
    let out = run(shipcheck()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "json"]));
    let v = json(&out);
    let lines = finding_lines(&v);
    let committed: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("env/committed-env-file"))
        .collect();
    // A secret with a real value, and a local file, whatever it holds; not
    // defaults without secrets, templates, or an untracked local file.
    assert_eq!(
        committed,
        [
            "env/committed-env-file .env.production.local:null",
            "env/committed-env-file .env:null"
        ],
        "{lines:#?}"
    );
    assert!(!out.stdout.contains(secret), "the value is masked");
    assert!(out.stdout.contains("API_SECRET"), "{}", out.stdout);
}

#[test]
fn named_environments_get_the_non_production_rules_only() {
    let repo = tempfile::tempdir().unwrap();
    let d = repo.path();
    std::fs::write(
        d.join(".env.example"),
        "STRIPE_SECRET_KEY=\nSTRIPE_PUBLISHABLE_KEY=\nNODE_ENV=\n",
    )
    .unwrap();
    std::fs::write(
        d.join(".shipcheck.yml"),
        "env:\n  environments:\n    staging: [.env.staging]\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.join("src")).unwrap();
    std::fs::write(d.join("src/pay.ts"), "export const k = [process.env.STRIPE_SECRET_KEY, process.env.STRIPE_PUBLISHABLE_KEY, process.env.NODE_ENV];\n").unwrap();
    let body = "51NfAkE8xQ2vLr7TbYw3Hc9Ud1Km4Pz6Je0Sg5Va";
    std::fs::write(
        d.join(".env.staging"),
        format!("STRIPE_SECRET_KEY=sk_test_{body}\nSTRIPE_PUBLISHABLE_KEY=pk_live_{body}\nNODE_ENV=development\n"),
    )
    .unwrap();
    let out = run(shipcheck().arg("check").arg(d).args(["--format", "json"]));
    let lines = finding_lines(&json(&out));
    assert!(
        // At the live key: test mode is right outside production.
        lines.contains("stripe/mixed-modes .env.staging:2"),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("stripe/test-key-in-production")
                || l.starts_with("debug/debug-mode")),
        "{lines:#?}"
    );
    // A named environment whose file is missing is a configuration error.
    std::fs::remove_file(d.join(".env.staging")).unwrap();
    let out = run(shipcheck().arg("check").arg(d));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(".env.staging") && out.stderr.lines().count() == 1,
        "{}",
        out.stderr
    );
}
