//! `--format sarif` from the real binary, validated against the vendored
//! SARIF 2.1.0 schema (tests/data/schemas) and against what GitHub code
//! scanning requires on top of it (reference/github.md §4).

mod support;

use serde_json::Value;
use support::{fixture, manifest, run, shipcheck};

fn schema_validator() -> jsonschema::Validator {
    let path = manifest().join("tests/data/schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("vendored SARIF schema");
    let mut schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "the validator below is set up for the schema's own draft"
    );
    // The published schema puts Errata01's "a region needs startLine,
    // charOffset or byteOffset" `anyOf` inside `region.properties`, where it
    // is not a schema at all (oasis-tcs/sarif-spec#578), so it fails the
    // meta-schema. The vendored file stays as published; the constraint is
    // moved here to where the erratum meant it.
    let region = &mut schema["definitions"]["region"];
    let any_of = region["properties"]
        .as_object_mut()
        .and_then(|p| p.remove("anyOf"))
        .expect("the vendored schema still has the misplaced region anyOf");
    region["anyOf"] = any_of;
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, sarif: &Value) -> Vec<String> {
    validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Valid against the schema and within GitHub code scanning's rules.
fn assert_accepted(sarif: &Value) {
    assert_eq!(github_problems(sarif), Vec::<String>::new());
    let errors = schema_errors(&schema_validator(), sarif);
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

fn sarif_of(out: &support::Run) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out.stdout, out.stderr))
}

/// The planted-problems fixture, as a CI job on a release branch runs it.
fn elearning_sarif() -> (support::Run, Value) {
    let out = run(shipcheck()
        .arg("check")
        .arg(fixture("elearning-platform"))
        .args(["--branch", "main", "--format", "sarif"]));
    assert_eq!(out.code, 1, "the fixture is blocked: {}", out.stderr);
    let sarif = sarif_of(&out);
    (out, sarif)
}

/// GitHub's acceptance rules beyond the schema; returns the problems found.
fn github_problems(sarif: &Value) -> Vec<String> {
    let runs = sarif["runs"].as_array().cloned().unwrap_or_default();
    let Some(run) = runs.first() else {
        return vec!["no runs".into()];
    };
    let mut problems = Vec::new();
    let mut need = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    let non_empty = |v: &Value| v.as_str().is_some_and(|s| !s.is_empty());
    need(
        sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json",
        "$schema".into(),
    );
    need(sarif["version"] == "2.1.0", "version".into());
    need(runs.len() == 1, format!("{} runs", runs.len()));
    let driver = &run["tool"]["driver"];
    need(driver["name"] == "shipcheck", "tool.driver.name".into());
    let rules = driver["rules"].as_array().cloned().unwrap_or_default();
    need(!rules.is_empty(), "no rules".into());
    for (i, r) in rules.iter().enumerate() {
        need(non_empty(&r["id"]), format!("rules[{i}].id"));
        for key in ["shortDescription", "fullDescription"] {
            let text = &r[key]["text"];
            need(
                non_empty(text) && text.as_str().unwrap().chars().count() <= 1024,
                format!("rules[{i}].{key}.text empty or over 1024 characters"),
            );
        }
        need(
            non_empty(&r["help"]["text"]),
            format!("rules[{i}].help.text"),
        );
        if let Some(name) = r["name"].as_str() {
            need(
                name.chars().count() <= 255,
                format!("rules[{i}].name too long"),
            );
        }
        let tags = r["properties"]["tags"].as_array().map_or(0, Vec::len);
        need(tags <= 20, format!("rules[{i}] has {tags} tags"));
    }
    let results = run["results"].as_array().cloned().unwrap_or_default();
    need(results.len() <= 25_000, "over 25,000 results".into());
    for (i, r) in results.iter().enumerate() {
        let id = r["ruleId"].as_str().unwrap_or("");
        let index = r["ruleIndex"].as_u64().map(|n| n as usize);
        need(
            rules.iter().any(|rule| rule["id"] == id),
            format!("results[{i}].ruleId {id:?} is not in rules[]"),
        );
        need(
            index
                .and_then(|n| rules.get(n))
                .is_some_and(|rule| rule["id"] == id),
            format!("results[{i}].ruleIndex does not point at {id}"),
        );
        need(
            ["error", "warning", "note"].contains(&r["level"].as_str().unwrap_or("")),
            format!("results[{i}].level"),
        );
        need(
            non_empty(&r["message"]["text"]),
            format!("results[{i}].message.text"),
        );
        let loc = &r["locations"][0]["physicalLocation"];
        need(
            non_empty(&loc["artifactLocation"]["uri"]),
            format!("results[{i}] location uri"),
        );
        need(
            loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1),
            format!("results[{i}] region.startLine"),
        );
        let fps = r["partialFingerprints"].as_object();
        need(
            fps.is_some_and(|m| !m.is_empty() && m.values().all(non_empty))
                && non_empty(&r["partialFingerprints"]["primaryLocationLineHash"]),
            format!("results[{i}].partialFingerprints"),
        );
    }
    problems
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let validator = schema_validator();
    let (_, sarif) = elearning_sarif();
    let errors = schema_errors(&validator, &sarif);
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_output_meets_github_code_scanning_rules() {
    let (_, sarif) = elearning_sarif();
    let problems = github_problems(&sarif);
    assert!(problems.is_empty(), "{problems:#?}");
    // One result per finding of the JSON report of the same run.
    let json = support::json(&run(shipcheck()
        .arg("check")
        .arg(fixture("elearning-platform"))
        .args(["--branch", "main", "--format", "json"])));
    let findings = json["findings"].as_array().unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert_eq!(results.len(), findings.len());
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(r["partialFingerprints"]["shipcheck/v1"], f["fingerprint"]);
    }
}

/// A finding from the process environment has no file; it must still land
/// on a file and line GitHub accepts, and stay schema-valid.
#[test]
fn placeless_findings_are_valid_too() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join(".env.example"), "JWT_SECRET=\n").unwrap();
    std::fs::create_dir_all(repo.path().join("src")).unwrap();
    std::fs::write(
        repo.path().join("src/a.ts"),
        "export const s = process.env.JWT_SECRET;\n",
    )
    .unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(repo.path())
        .args(["--env-from-process", "--format", "sarif"])
        .env("JWT_SECRET", "changeme"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif = sarif_of(&out);
    // (The rule docs in `rules[]` name `changeme` as a known placeholder.)
    assert!(
        !sarif["runs"][0]["results"].to_string().contains("changeme"),
        "a secret value in a result"
    );
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let placeless: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"].as_str().unwrap().starts_with("secret/"))
        .collect();
    assert!(!placeless.is_empty(), "{}", out.stdout);
    for r in placeless {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], ".env.example", "{r}");
        assert_eq!(loc["region"], serde_json::json!({"startLine": 1}), "{r}");
    }
    assert_accepted(&sarif);
}

/// The checks above can fail: a document with the mistakes GitHub rejects
/// is caught by both.
#[test]
fn broken_sarif_is_rejected() {
    let validator = schema_validator();
    let (_, mut sarif) = elearning_sarif();
    let result = &mut sarif["runs"][0]["results"][0];
    result["message"] = serde_json::json!({});
    result["level"] = "fatal".into();
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    result["ruleId"] = "debug/nope".into();
    result
        .as_object_mut()
        .unwrap()
        .remove("partialFingerprints");
    let errors = schema_errors(&validator, &sarif);
    assert!(errors.iter().any(|e| e.contains("/level")), "{errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("/startLine")),
        "{errors:#?}"
    );
    assert!(errors.iter().any(|e| e.contains("/message")), "{errors:#?}");
    let problems = github_problems(&sarif);
    for what in [
        "ruleId",
        "ruleIndex",
        "level",
        "message.text",
        "startLine",
        "partialFingerprints",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(what)),
            "{what} not caught: {problems:#?}"
        );
    }
    let mut no_start = sarif.clone();
    no_start["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"] =
        serde_json::json!({"endLine": 3});
    assert!(
        schema_errors(&validator, &no_start)
            .iter()
            .any(|e| e.contains("/results/1/locations/0/physicalLocation/region")),
        "a region without a start is rejected"
    );
    let mut wrong_version = sarif.clone();
    wrong_version["version"] = "2.0.0".into();
    assert!(!validator.is_valid(&wrong_version));
}

#[test]
fn sarif_is_byte_identical_across_runs_and_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shipcheck.sarif");
    let (first, _) = elearning_sarif();
    let second = run(shipcheck()
        .arg("check")
        .arg(fixture("elearning-platform"))
        .args(["--branch", "main", "--format", "sarif", "--output"])
        .arg(format!("sarif={}", file.display())));
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first.stdout);
}

/// The rule catalog (`tool.driver.rules`) depends on nothing in the checked
/// repository, so it cannot carry one of its secrets (tests/env.rs checks
/// the rest of the document for them).
#[test]
fn rule_catalog_is_the_same_for_every_repository() {
    let empty = tempfile::tempdir().unwrap();
    let out = run(shipcheck()
        .arg("check")
        .arg(empty.path())
        .args(["--format", "sarif"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bare = sarif_of(&out);
    assert_eq!(bare["runs"][0]["results"], serde_json::json!([]));
    let (_, planted) = elearning_sarif();
    let catalog = |v: &Value| v["runs"][0]["tool"].clone();
    assert_eq!(catalog(&bare), catalog(&planted));
}

/// Results imported from other tools' SARIF are valid in ours too: their
/// rules, built at run time, are listed in `rules[]` after the registry's.
#[test]
fn imported_results_are_valid_too() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("app.py"),
        "import subprocess\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n",
    )
    .unwrap();
    // What hadolint ran on, where it was (tests/import/README.md).
    let dockerfile = "tests/import/hadolint/Dockerfile";
    std::fs::create_dir_all(repo.path().join("tests/import/hadolint")).unwrap();
    std::fs::copy(manifest().join(dockerfile), repo.path().join(dockerfile)).unwrap();
    let semgrep = support::manifest().join("tests/import/semgrep-1.187.0.sarif");
    let hadolint = support::manifest().join("tests/import/hadolint-2.15.1.sarif");
    let out = run(shipcheck()
        .arg("check")
        .arg(repo.path())
        .args(["--format", "sarif", "--import"])
        .arg(&semgrep)
        .arg("--import")
        .arg(&hadolint));
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sarif = sarif_of(&out);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    for id in [
        "import/semgrep-oss/subprocess-shell-true",
        "import/hadolint/DL3020",
        "import/hadolint/DL3048",
    ] {
        assert!(
            results.iter().any(|r| r["ruleId"] == id),
            "{id}: {}",
            out.stdout
        );
    }
    assert_accepted(&sarif);
}

/// The committed outputs of other tools (tests/import/) are SARIF 2.1.0 as
/// the schema has it, so the import tests read what a valid log looks like.
#[test]
fn the_imported_tools_own_sarif_is_valid() {
    let validator = schema_validator();
    let dir = manifest().join("tests/import");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "sarif") {
            let text = std::fs::read_to_string(&path).unwrap();
            let doc: Value = serde_json::from_str(&text).unwrap();
            let errors = schema_errors(&validator, &doc);
            assert!(
                errors.is_empty(),
                "{}:\n{}",
                path.display(),
                errors.join("\n")
            );
            seen.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "checkov-3.3.30.sarif",
            "hadolint-2.15.1.sarif",
            "semgrep-1.187.0.sarif"
        ]
    );
}
