//! Issue 10: the summary never ticks an area that was not checked. A
//! repository with no template, no production environment and no database
//! URL is "ready — N areas not checked" in every format, each area saying
//! why; `env/no-template` replaces silence; an unknown target branch gets
//! the release policy and says so.

mod support;

use serde_json::Value;
use support::{git, json, run, shipcheck, write};

/// A clean app that reads two variables and has nothing else to judge.
fn bare_app(dir: &std::path::Path) {
    write(
        dir,
        "src/server.ts",
        "export const db = process.env.DATABASE_URL;\nexport const key = process.env.STRIPE_SECRET_KEY;\n",
    );
}

/// The messages of the report's `scan/not-checked` findings.
fn not_checked_messages(v: &Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["rule"] == "scan/not-checked")
        .map(|f| f["message"].as_str().unwrap())
        .collect()
}

fn areas(v: &Value) -> Vec<(String, String, Option<String>)> {
    v["areas"]
        .as_array()
        .expect("areas array")
        .iter()
        .map(|a| {
            (
                a["area"].as_str().unwrap().to_string(),
                a["status"].as_str().unwrap().to_string(),
                a["reason"].as_str().map(String::from),
            )
        })
        .collect()
}

#[test]
fn nothing_unchecked_is_ticked_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    bare_app(dir.path());
    let check = |format: &str| {
        run(shipcheck()
            .arg("check")
            .arg(dir.path())
            .args(["--branch", "feature", "--format", format]))
    };

    let out = check("json");
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let v = json(&out);
    let got = areas(&v);
    let status = |area: &str| {
        got.iter()
            .find(|a| a.0 == area)
            .unwrap_or_else(|| panic!("no {area} in {got:?}"))
            .clone()
    };
    assert_eq!(status("debug-code").1, "passed");
    assert_eq!(status("todos").1, "passed");
    for (area, why) in [
        ("environment", "no `.env.example` template"),
        ("secrets", "no production environment"),
        ("stripe", "no production environment"),
        ("migrations", "no migrations found"),
        ("security", "no reverse-proxy config or Node server found"),
        ("infrastructure", "no Dockerfile, production compose file"),
    ] {
        let (_, st, reason) = status(area);
        assert_eq!(st, "not_checked", "{area}");
        assert!(
            reason.as_deref().unwrap_or("").contains(why),
            "{area}: {reason:?}"
        );
    }
    // The code's reads without a template are a finding, not silence.
    let rules = support::rules(&v);
    assert_eq!(rules, ["env/no-template"]);

    let text = check("text");
    assert_eq!(text.code, 0);
    assert!(
        text.stdout
            .contains("shipcheck: ready — 6 areas not checked:"),
        "{}",
        text.stdout
    );
    assert!(text
        .stdout
        .contains("not checked: Database migrations up to date — no migrations found"));

    let md = check("markdown");
    assert!(
        md.stdout
            .starts_with("## ✅ shipcheck: ready — 6 areas not checked\n"),
        "{}",
        md.stdout
    );
    // The summary reads like the checklist: an item whose area or rules
    // could not be checked is never ticked.
    for item in [
        "All environment variables set correctly",
        "Secrets are strong (min 64 characters for JWT, randomly generated)",
        "Stripe keys are production keys (not test keys)",
        "Database migrations are up to date",
        "HTTPS enforced (HTTP redirects to HTTPS)",
        "Security headers enabled (CSP, HSTS, etc.)",
        "Docker images production-ready",
        "Docker Compose production file configured",
        "Nginx reverse proxy configured",
        "Graceful shutdown implemented",
    ] {
        assert!(
            !md.stdout.contains(&format!("✅ {item}")),
            "{item} ticked:\n{}",
            md.stdout
        );
        assert!(
            md.stdout.contains(&format!("- ⚪ {item} — not checked: ")),
            "{item}:\n{}",
            md.stdout
        );
    }
    assert!(md.stdout.contains("- ✅ Debug code removed\n"));
    // Other CI checks are not read without --github; manual items stay boxes.
    assert!(md.stdout.contains("- ⚪ All tests pass — not checked: "));
    assert!(md.stdout.contains("- [ ] Database backup system tested\n"));
    let json = check("json");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    for item in v["checklist"].as_array().unwrap() {
        let kind = item["backing"]["kind"].as_str().unwrap();
        let names: Vec<&str> = item["backing"]["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        let unchecked_area = [
            "environment",
            "secrets",
            "stripe",
            "migrations",
            "security",
            "infrastructure",
        ];
        if kind == "area" && unchecked_area.contains(&names[0]) {
            assert_eq!(item["state"], "not_checked", "{item}");
            assert!(item["reason"].as_str().is_some(), "{item}");
        }
        if kind == "manual" {
            assert_eq!(item["state"], "manual", "{item}");
        }
        assert_ne!(item["state"], "ticked", "{item}");
    }

    let junit = check("junit");
    assert_eq!(
        junit
            .stdout
            .matches("<skipped message=\"not checked: ")
            .count(),
        6,
        "{}",
        junit.stdout
    );
}

#[test]
fn areas_with_their_inputs_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    bare_app(dir.path());
    write(
        dir.path(),
        ".env.example",
        "DATABASE_URL=\nSTRIPE_SECRET_KEY=\n",
    );
    let outside = tempfile::tempdir().unwrap();
    let prod = outside.path().join("prod.env");
    let key = format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dcQ9fR");
    std::fs::write(
        &prod,
        format!("DATABASE_URL=postgres://db/app\nSTRIPE_SECRET_KEY={key}\n"),
    )
    .unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(dir.path())
        .args(["--branch", "feature", "--format", "json", "--env-file"])
        .arg(&prod));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let v = json(&out);
    for (area, status, _) in areas(&v) {
        let want = if matches!(area.as_str(), "migrations" | "security" | "infrastructure") {
            "not_checked"
        } else {
            "passed"
        };
        assert_eq!(status, want, "{area}: {}", out.stdout);
    }
    assert!(
        v["findings"].as_array().unwrap().is_empty(),
        "{}",
        out.stdout
    );
}

#[test]
fn a_blocking_finding_fails_an_area_even_when_part_of_it_was_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    bare_app(dir.path());
    // A committed live key fails the Stripe area whatever the environment.
    write(
        dir.path(),
        "src/pay.ts",
        format!("const k = 'sk_live_{}';\n", "4eC39HqLyjWDarjtT1zdp7dcQ9fR"),
    );
    let out = run(shipcheck()
        .arg("check")
        .arg(dir.path())
        .args(["--branch", "feature", "--format", "json"]));
    assert_eq!(out.code, 1);
    let got = areas(&json(&out));
    assert!(
        got.contains(&("stripe".into(), "failed".into(), None)),
        "{got:?}"
    );
}

#[test]
fn env_no_template_decoys() {
    // Reads only in tests, or only of names frameworks read themselves, or
    // with a template present: no finding.
    for (rel, code, template) in [
        ("src/app.test.ts", "process.env.API_URL;\n", false),
        (
            "src/app.ts",
            "if (process.env.NODE_ENV === 'production') {}\n",
            false,
        ),
        ("src/app.ts", "process.env.API_URL;\n", true),
        ("src/app.ts", "// process.env.API_URL in a comment\n", false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), rel, code);
        if template {
            write(dir.path(), ".env.example", "API_URL=\n");
        }
        let out = run(shipcheck()
            .arg("check")
            .arg(dir.path())
            .args(["--branch", "feature", "--format", "json"]));
        let v = json(&out);
        let rules = support::rules(&v);
        assert!(
            !rules.contains(&"env/no-template"),
            "{rel} {code:?}: {rules:?}"
        );
    }
}

#[test]
fn an_unknown_target_branch_gets_the_release_policy_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/a.ts",
        "// TODO tidy this\nexport const a = 1;\n",
    );
    git(dir.path(), &["init", "-q", "-b", "feature"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "init"]);
    // Detached HEAD: git names no branch, and nothing else does.
    git(dir.path(), &["checkout", "-q", "--detach"]);
    let out = run(shipcheck().arg("check").arg(dir.path()));
    assert_eq!(
        out.code, 1,
        "a warning blocks under the release policy:\n{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("unknown target branch, so the release policy applies"),
        "{}",
        out.stdout
    );
    // Named, a feature branch lets the warning through.
    let named = run(shipcheck()
        .arg("check")
        .arg(dir.path())
        .args(["--branch", "feature"]));
    assert_eq!(named.code, 0, "{}", named.stdout);
}

#[test]
fn require_turns_not_checked_into_a_blocking_finding_on_release_branches() {
    let dir = tempfile::tempdir().unwrap();
    bare_app(dir.path());
    write(
        dir.path(),
        ".env.example",
        "DATABASE_URL=\nSTRIPE_SECRET_KEY=\n",
    );
    write(
        dir.path(),
        ".shipcheck.yml",
        "require: [production-env, database]\n",
    );
    let check = |branch: &str| {
        run(shipcheck()
            .arg("check")
            .arg(dir.path())
            .args(["--branch", branch, "--format", "json"]))
    };
    let main = check("main");
    assert_eq!(main.code, 1, "{}", main.stdout);
    let v = json(&main);
    let msgs = not_checked_messages(&v);
    // No migrations in this repository: `database` needs nothing here.
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("a production environment"), "{msgs:?}");
    // A feature branch keeps "not checked" without blocking.
    let feature = check("feature");
    assert_eq!(feature.code, 0, "{}", feature.stdout);
    write(dir.path(), ".shipcheck.yml", "require: [staging]\n");
    let bad = run(shipcheck().arg("check").arg(dir.path()));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("unknown variant `staging`"),
        "{}",
        bad.stderr
    );
}

/// `require: [template]` is judged on whether a template exists, whatever
/// else the run had: a production environment given does not hide it.
#[test]
fn require_template_with_a_production_environment_given() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.js", "export const x = 1;\n");
    write(dir.path(), "prod.env", "API_URL=https://api.example.com\n");
    write(
        dir.path(),
        ".shipcheck.yml",
        "require: [template]\npaths:\n  exclude: [prod.env]\n",
    );
    let out = run(shipcheck()
        .arg("check")
        .arg(dir.path())
        .args(["--branch", "main", "--format", "json", "--env-file"])
        .arg(dir.path().join("prod.env")));
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let v = json(&out);
    let msgs = not_checked_messages(&v);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("an env template"), "{msgs:?}");
}

#[test]
fn declared_indexes_without_a_database_are_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    bare_app(dir.path());
    write(
        dir.path(),
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\nmodel Post {\n  id Int @id\n  title String\n  @@index([title])\n}\n",
    );
    write(
        dir.path(),
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY, \"title\" TEXT NOT NULL);\n",
    );
    let out = run(shipcheck()
        .arg("check")
        .arg(dir.path())
        .args(["--branch", "feature", "--format", "json"]));
    let v = json(&out);
    let migrations = areas(&v)
        .into_iter()
        .find(|(a, _, _)| a == "migrations")
        .expect("migrations area");
    assert_eq!(migrations.1, "not_checked", "{}", out.stdout);
    assert!(
        migrations
            .2
            .as_deref()
            .is_some_and(|r| r.contains("which indexes it has")),
        "{migrations:?}"
    );
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "migrations/missing-index"),
        "no finding without a database: {}",
        out.stdout
    );
}
