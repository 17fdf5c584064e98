//! Black-box tests of the `shipcheck` binary over fixture repositories and
//! throwaway repos: exit codes, JSON contract, determinism, bad input.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use support::{expected, finding_lines, fixture, run, shipcheck};

fn json_of(dir: &Path, extra: &[&str]) -> (i32, Value, String) {
    let r = run(shipcheck()
        .arg("check")
        .arg(dir)
        .args(["--format", "json"])
        .args(extra));
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (r.code, v, r.stdout)
}

fn assert_same(got: &BTreeSet<String>, want: &BTreeSet<String>, what: &str) {
    let missing: Vec<_> = want.difference(got).collect();
    let extra: Vec<_> = got.difference(want).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{what}\nmissing (expected, not reported): {missing:#?}\nextra (reported, not expected): {extra:#?}");
}

/// `tests/expected/<name>.decoys.txt`: places that must produce no finding
/// of the named rule (`-`: of any rule), each checked to exist in the
/// fixture so a moved line cannot turn the decoy into a test of nothing.
fn decoys(name: &str) -> Vec<(String, String)> {
    let path = support::manifest()
        .join("tests/expected")
        .join(format!("{name}.decoys.txt"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (rule, place) = line.split_once(' ').expect("<rule|-> <path>:<line>");
        let (file, n) = place.rsplit_once(':').expect("path:line");
        let n: usize = n.parse().expect("a line number");
        let source = std::fs::read_to_string(fixture(name).join(file))
            .unwrap_or_else(|e| panic!("{name} decoy {place}: {e}"));
        assert!(
            n >= 1 && n <= source.lines().count(),
            "{name} decoy {place}: no such line"
        );
        out.push((rule.to_string(), place.to_string()));
    }
    out
}

#[test]
fn fixtures_report_exactly_the_planted_findings_and_no_decoy() {
    let mut failures = Vec::new();
    for name in [
        "elearning-platform",
        "clean",
        "only-untracked-todo",
        "debug-code",
        "todos",
        "env-clean",
        "env-drift",
        "stripe-modes",
        "weak-secrets",
    ] {
        let (_, v, _) = json_of(&fixture(name), &["--branch", "feature/x"]);
        let got = finding_lines(&v);
        for (rule, place) in decoys(name) {
            let hit = got.iter().any(|g| {
                let (r, p) = g.split_once(' ').unwrap();
                p == place && (rule == "-" || r == rule)
            });
            if hit {
                failures.push(format!("{name}: decoy {rule} {place} was reported"));
            }
        }
        // The env scenarios are checked against their prod.env in tests/env.rs.
        if !name.starts_with("env-") && !["stripe-modes", "weak-secrets"].contains(&name) {
            let want = expected(name);
            for m in want.difference(&got) {
                failures.push(format!("{name}: expected, not reported: {m}"));
            }
            for e in got.difference(&want) {
                failures.push(format!("{name}: reported, not expected: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn debug_print_adds_exactly_the_plain_prints() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("print.yml");
    std::fs::write(&config, "rules:\n  debug/print: warning\n").unwrap();
    let (_, v, _) = json_of(
        &fixture("debug-code"),
        &[
            "--branch",
            "feature/x",
            "--config",
            config.to_str().unwrap(),
        ],
    );
    let mut want = expected("debug-code");
    want.extend(expected("debug-code.print"));
    assert_same(&finding_lines(&v), &want, "debug-code with debug/print on");
}

#[test]
fn demo_is_blocked_and_byte_identical_across_runs() {
    let (code, v, first) = json_of(&fixture("elearning-platform"), &["--branch", "main"]);
    assert_eq!(code, 1);
    assert_eq!(v["passed"], false);
    assert_eq!(v["fail_on"], "warning");
    assert_eq!(v["branch"], "main");
    assert!(
        v["suppressed"].as_u64().unwrap() >= 1,
        "the demo has a suppression with a reason"
    );
    for _ in 0..2 {
        let (_, _, again) = json_of(&fixture("elearning-platform"), &["--branch", "main"]);
        assert_eq!(
            first, again,
            "JSON output must be byte-identical across runs"
        );
    }
}

#[test]
fn json_contract_fields() {
    let (_, v, _) = json_of(&fixture("debug-code"), &["--branch", "feature/x"]);
    assert_eq!(v["version"], 1);
    for key in [
        "passed",
        "fail_on",
        "branch",
        "counts",
        "files_scanned",
        "findings",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let counts = &v["counts"];
    let total = counts["error"].as_u64().unwrap()
        + counts["warning"].as_u64().unwrap()
        + counts["notice"].as_u64().unwrap();
    assert_eq!(total as usize, v["findings"].as_array().unwrap().len());
    let f = &v["findings"][0];
    for key in [
        "rule",
        "level",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "help",
        "fingerprint",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}");
    }
    // sorted by path, line, column, rule
    let keys: Vec<(String, u64, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn untracked_todo_blocks_only_on_release_branches() {
    for (branch, code) in [("feature/x", 0), ("release/2.0", 1), ("main", 1)] {
        let r = run(shipcheck()
            .arg("check")
            .arg(fixture("only-untracked-todo"))
            .args(["--branch", branch]));
        assert_eq!(r.code, code, "--branch {branch}: {}{}", r.stdout, r.stderr);
    }
    // --fail-on overrides the config's threshold
    let r = run(shipcheck()
        .arg("check")
        .arg(fixture("only-untracked-todo"))
        .args(["--branch", "feature/x", "--fail-on", "warning"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    // GITHUB_BASE_REF is the PR's target branch when --branch is absent
    let r = run(shipcheck()
        .arg("check")
        .arg(fixture("only-untracked-todo"))
        .env("GITHUB_BASE_REF", "release/3"));
    assert_eq!(r.code, 1);
}

#[test]
fn clean_repo_passes_everywhere() {
    let r = run(shipcheck()
        .arg("check")
        .arg(fixture("clean"))
        .args(["--branch", "main"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("shipcheck: ready"), "{}", r.stdout);
}

#[test]
fn text_report_is_rustc_style_without_colour_off_a_tty() {
    let r = run(shipcheck()
        .arg("check")
        .arg(fixture("only-untracked-todo"))
        .args(["--branch", "main"]));
    assert!(
        r.stdout.contains("warning[todo/untracked]:"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(" --> "), "{}", r.stdout);
    assert!(r.stdout.contains("= help:"), "{}", r.stdout);
    assert!(r.stdout.contains('^'), "{}", r.stdout);
    assert!(
        !r.stdout.contains('\x1b'),
        "no ANSI colour when stdout is not a terminal"
    );
    assert!(
        r.stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("shipcheck: blocked: 0 errors, 1 warning"),
        "{}",
        r.stdout
    );
}

#[test]
fn output_flag_writes_several_formats() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let text = dir.path().join("r.txt");
    let r = run(shipcheck()
        .arg("check")
        .arg(fixture("only-untracked-todo"))
        .args(["--branch", "feature/x", "--format", "json"])
        .arg("--output")
        .arg(format!("json={}", json.display()))
        .arg("--output")
        .arg(format!("text={}", text.display())));
    assert_eq!(r.code, 0);
    assert_eq!(std::fs::read_to_string(&json).unwrap(), r.stdout);
    assert!(std::fs::read_to_string(&text)
        .unwrap()
        .contains("todo/untracked"));
    let r = run(shipcheck()
        .arg(fixture("clean"))
        .args(["--output", "yaml=x"]));
    assert_eq!(r.code, 2);
}

#[test]
fn tool_errors_exit_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let r = run(shipcheck().arg("check").arg(&missing));
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);

    std::fs::write(
        dir.path().join(".shipcheck.yml"),
        "fail-on: error\nrules:\n  debug/console:\n    level: error\n    alow: [info]\n",
    )
    .unwrap();
    let r = run(shipcheck().arg("check").arg(dir.path()));
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("alow") && r.stderr.contains("line 5"),
        "{}",
        r.stderr
    );

    std::fs::write(
        dir.path().join(".shipcheck.yml"),
        "rules:\n  debug/consol: off\n",
    )
    .unwrap();
    let r = run(shipcheck().arg("check").arg(dir.path()));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("debug/consol") && r.stderr.contains("line 2"),
        "{}",
        r.stderr
    );

    let file = dir.path().join("a.ts");
    std::fs::write(&file, "x").unwrap();
    let r = run(shipcheck().arg("check").arg(&file));
    assert_eq!(r.code, 2, "a file is not a repository");
    let r = run(shipcheck()
        .arg("check")
        .arg(fixture("clean"))
        .arg("--config")
        .arg(dir.path().join("missing.yml")));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.yml"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn rules_and_explain_come_from_one_table() {
    let r = run(shipcheck().arg("rules"));
    assert_eq!(r.code, 0);
    let ids: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(ids.contains(&"debug/console") && ids.contains(&"todo/expired"));
    for id in ids {
        let e = run(shipcheck().args(["explain", id]));
        assert_eq!(e.code, 0, "{id}");
        for h in [
            "What it flags",
            "Why it blocks a deploy",
            "Example",
            "How to fix",
            "Config",
        ] {
            assert!(e.stdout.contains(h), "{id} lacks {h}");
        }
    }
    let e = run(shipcheck().args(["explain", "debug/consol"]));
    assert_eq!(e.code, 2);
    assert!(
        e.stderr.contains("debug/console"),
        "suggests the near rule: {}",
        e.stderr
    );
}

#[test]
fn init_writes_a_config_that_loads_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{}").unwrap();
    std::fs::create_dir_all(dir.path().join("prisma")).unwrap();
    std::fs::write(dir.path().join("prisma/schema.prisma"), "").unwrap();
    let r = run(shipcheck().arg("init").arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cfg = std::fs::read_to_string(dir.path().join(".shipcheck.yml")).unwrap();
    assert!(
        cfg.contains("JavaScript/TypeScript") && cfg.contains("Prisma"),
        "{cfg}"
    );
    assert!(
        r.stdout.contains("first run: nothing to report"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("shipcheck install-hook"), "{}", r.stdout);
    let r = run(shipcheck().arg("check").arg(dir.path()));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(shipcheck().arg("init").arg(dir.path()));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--force"));

    // A first run with findings: the rules that fire most, and platform
    // variables proposed for env.ignore.
    std::fs::write(dir.path().join(".env.example"), "DATABASE_URL=\n").unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/app.ts"),
        "console.log(process.env.KUBERNETES_SERVICE_HOST);\nconsole.log(1);\n",
    )
    .unwrap();
    let r = run(shipcheck().arg("init").arg("--force").arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("first run: 4 findings")
            && r.stdout.contains("      2  error    debug/console"),
        "{}",
        r.stdout
    );
    let cfg = std::fs::read_to_string(dir.path().join(".shipcheck.yml")).unwrap();
    assert!(
        cfg.contains("#     - KUBERNETES_SERVICE_HOST   # Kubernetes"),
        "{cfg}"
    );
}

#[test]
fn no_output_format_prints_a_secret_found_on_a_flagged_line() {
    let dir = tempfile::tempdir().unwrap();
    // Built at run time so this test file holds no key-shaped literal.
    let body = "51HqLyjWDarjtT1zdp7dcXbBnq4hW3T9fQa";
    let key = format!("sk_live_{body}");
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/pay.ts"),
        format!("console.log('charging', '{key}');\n// TODO: rotate {key}\n"),
    )
    .unwrap();
    for format in ["text", "json"] {
        let r = run(shipcheck()
            .arg("check")
            .arg(dir.path())
            .args(["--format", format, "--branch", "main"]));
        assert_eq!(r.code, 1);
        assert!(
            !r.stdout.contains(&body[..20]) && !r.stderr.contains(&body[..20]),
            "{format} leaked the key:\n{}",
            r.stdout
        );
        if format == "text" {
            assert!(r.stdout.contains("sk_live_…9fQa"), "{}", r.stdout);
        }
    }
}

#[test]
fn unreachable_database_exits_2_naming_host_and_port_but_not_the_password() {
    let password = "hunter2-s3cret-pw";
    let r = run(shipcheck()
        .arg("check")
        .arg(fixture("elearning-platform"))
        .arg("--database-url")
        .arg(format!("postgres://app:{password}@127.0.0.1:1/learn")));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("127.0.0.1:1"), "{}", r.stderr);
    assert!(!r.stderr.contains(password) && !r.stdout.contains(password));
}

/// A FIFO (or any non-regular file) where an env file is expected is one
/// clear error, never a hang; so is a huge env file.
#[cfg(unix)]
#[test]
fn env_files_that_are_not_small_regular_files_are_refused_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("app.ts"), "export const a = 1;\n").unwrap();
    let fifo = dir.path().join("prod.env");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let r = run(shipcheck()
        .arg("check")
        .arg(&repo)
        .arg("--env-file")
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(20)));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not a regular file"), "{}", r.stderr);

    // The same FIFO as the repository's own .env.production, and as a
    // staging file named in the config.
    let refused = |name: &str| {
        let r = run(shipcheck()
            .arg("check")
            .arg(&repo)
            .timeout(std::time::Duration::from_secs(20)));
        assert_eq!(r.code, 2, "{}", r.stderr);
        let want = format!("env file {name} is not a regular file");
        assert!(r.stderr.contains(&want), "{}", r.stderr);
    };
    std::fs::rename(&fifo, repo.join(".env.production")).unwrap();
    refused(".env.production");
    std::fs::rename(repo.join(".env.production"), repo.join("staging.env")).unwrap();
    std::fs::write(
        repo.join(".shipcheck.yml"),
        "env:\n  environments:\n    staging: [staging.env]\n",
    )
    .unwrap();
    refused("staging.env");

    let huge = dir.path().join("huge.env");
    std::fs::write(&huge, "A=1\n".repeat(300_000)).unwrap();
    let r = run(shipcheck()
        .arg("check")
        .arg(&repo)
        .arg("--config")
        .arg("/dev/null")
        .arg("--env-file")
        .arg(&huge));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("bytes; files over"), "{}", r.stderr);
}

#[test]
fn rules_lists_the_registry_as_text_json_and_markdown() {
    let json = run(shipcheck().args(["rules", "--format", "json"]));
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let rules = v.as_array().unwrap();
    assert_eq!(rules.len(), shipcheck::registry::all().len());
    let console = rules.iter().find(|r| r["id"] == "debug/console").unwrap();
    assert_eq!(console["level"], "error");
    assert_eq!(console["area"], "debug-code");
    assert_eq!(console["options"], serde_json::json!(["allow"]));
    assert!(console["summary"].as_str().unwrap().contains("console.log"));
    let print = rules.iter().find(|r| r["id"] == "debug/print").unwrap();
    assert_eq!(print["level"], "off");

    let md = run(shipcheck().args(["rules", "--format", "markdown"]));
    assert!(md
        .stdout
        .starts_with("| rule | default | flags |\n|---|---|---|\n"));
    assert_eq!(
        md.stdout.lines().count(),
        shipcheck::registry::all().len() + 2
    );
    let text = run(shipcheck().arg("rules"));
    assert_eq!(
        text.stdout.lines().count(),
        shipcheck::registry::all().len()
    );
}
