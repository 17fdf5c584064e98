//! `--import FILE`: other tools' SARIF results as `import/<tool>/<rule>`
//! findings, through the binary: levels, places, masking in every format,
//! the policy, malformed files, and real semgrep, checkov and hadolint
//! output (`tests/import/README.md` says how it was made).

mod support;

use serde_json::{json, Value};
use std::path::Path;
use support::{json as json_of, manifest, run, shipcheck, write};

/// What semgrep and checkov ran on (`tests/import/README.md`).
const APP_PY: &str =
    "import subprocess\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n";
const DOCKERFILE: &str = "FROM python:3.12\nRUN pip install flask\nCMD [\"python\", \"app.py\"]\n";

/// A throwaway repository (no git: the walk lists the files) with the
/// files the real tools saw.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "app.py", APP_PY);
    write(dir.path(), "Dockerfile", DOCKERFILE);
    dir
}

fn sarif(runs: Value) -> Value {
    json!({"version": "2.1.0", "runs": runs})
}

fn save(dir: &Path, name: &str, doc: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    p.to_string_lossy().into_owned()
}

/// `--format json` with these `--import`s.
fn check(root: &Path, imports: &[&str], extra: &[&str]) -> (i32, Value) {
    let mut cmd = shipcheck();
    cmd.arg("check").arg(root).args(["--format", "json"]);
    for i in imports {
        cmd.args(["--import", i]);
    }
    let r = run(cmd.args(extra));
    assert_ne!(r.code, 2, "{}", r.stderr);
    (r.code, json_of(&r))
}

/// The imported findings as `rule level path:line:col message`.
fn imported(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("import/"))
        .map(|f| {
            format!(
                "{} {} {}:{}:{} {}",
                f["rule"].as_str().unwrap(),
                f["level"].as_str().unwrap(),
                f["path"].as_str().unwrap_or("-"),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn result(rule: &str, level: Option<&str>, text: &str) -> Value {
    let mut r = json!({"ruleId": rule, "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app.py"},
            "region": {"startLine": 4, "startColumn": 12}}}]});
    if let Some(level) = level {
        r["level"] = json!(level);
    }
    r
}

#[test]
fn levels_map_and_fall_back_to_the_rules_default_then_warning() {
    let dir = repo();
    let doc = sarif(json!([{
        "tool": {"driver": {"name": "Hand Tool", "rules": [
            {"id": "R-err", "defaultConfiguration": {"level": "error"}},
            {"id": "R-note", "defaultConfiguration": {"level": "note"}},
            {"id": "R-plain"},
            {"id": "R-msg", "messageStrings": {"m": {"text": "{0} called with {1}"}}}
        ]}},
        "results": [
            result("R-plain", Some("error"), "explicit error"),
            result("R-plain", Some("warning"), "explicit warning"),
            result("R-plain", Some("note"), "explicit note"),
            result("R-plain", Some("none"), "dropped"),
            result("R-err", None, "default error"),
            result("R-note", None, "default note"),
            result("R-plain", None, "no default"),
            result("R-other", None, "unknown rule"),
            {"ruleId": "R-msg", "level": "warning",
             "message": {"id": "m", "arguments": ["subprocess", "shell=True"]}}
        ]
    }]));
    let file = save(dir.path(), "hand.sarif", &doc);
    let (_, v) = check(dir.path(), &[&file], &[]);
    let got = imported(&v);
    let want = [
        "import/hand-tool/R-plain error app.py:4:12 explicit error",
        "import/hand-tool/R-plain warning app.py:4:12 explicit warning",
        "import/hand-tool/R-plain notice app.py:4:12 explicit note",
        "import/hand-tool/R-err error app.py:4:12 default error",
        "import/hand-tool/R-note notice app.py:4:12 default note",
        "import/hand-tool/R-plain warning app.py:4:12 no default",
        "import/hand-tool/R-other warning app.py:4:12 unknown rule",
        "import/hand-tool/R-msg warning -:null:null subprocess called with shell=True",
    ];
    for w in want {
        assert!(got.contains(&w.to_string()), "missing {w}\ngot {got:#?}");
    }
    assert_eq!(got.len(), want.len(), "{got:#?}");
    assert!(!got.iter().any(|g| g.contains("dropped")));
    // An error-level import blocks like a native error.
    assert_eq!(v["passed"], false);
    let area = support::area(&v, "imported").expect("an imported area");
    assert_eq!(area["status"], "failed");
}

/// A SARIF file with no result left (none, or all suppressed) shows the
/// imported area as passed: what was imported was judged and is clean.
#[test]
fn an_import_with_no_result_left_shows_its_area_passed() {
    let dir = repo();
    let empty = sarif(json!([{"tool": {"driver": {"name": "gitleaks"}}, "results": []}]));
    let file = save(dir.path(), "empty.sarif", &empty);
    let area =
        |v: &Value| support::area(v, "imported").map(|a| a["status"].as_str().unwrap().to_string());
    let (_, v) = check(dir.path(), &[&file], &[]);
    assert_eq!(area(&v).as_deref(), Some("passed"), "{v:#}");
    // Without --import there is no such area.
    let (_, v) = check(dir.path(), &[], &[]);
    assert_eq!(area(&v), None);
}

#[test]
fn uri_forms_are_made_repository_relative_and_outside_paths_named() {
    let dir = repo();
    let root = dir.path().canonicalize().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let outside_file = outside.path().join("elsewhere.py");
    let at = |n: u32, uri: Value, base: Option<&str>| {
        let mut loc = json!({"uri": uri});
        if let Some(b) = base {
            loc["uriBaseId"] = json!(b);
        }
        json!({"ruleId": "U", "level": "warning", "message": {"text": format!("{n} via {uri}")},
            "locations": [{"physicalLocation": {"artifactLocation": loc,
                "region": {"startLine": 1}}}]})
    };
    let doc = sarif(json!([{
        "tool": {"driver": {"name": "uris"}},
        "originalUriBaseIds": {"SRC": {"uri": format!("file://{}/", root.display())}},
        "results": [
            at(1, json!("app.py"), None),
            at(2, json!("./Dockerfile"), Some("%SRCROOT%")),
            at(3, json!("app.py"), Some("SRC")),
            at(4, json!(format!("file://{}/Dockerfile", root.display())), None),
            at(5, json!(format!("{}/app.py", root.display())), None),
            at(6, json!(outside_file.to_string_lossy()), None),
        ]
    }]));
    let file = save(outside.path(), "uris.sarif", &doc);
    let (_, v) = check(dir.path(), &[&file], &[]);
    let places: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "import/uris/U")
        .map(|f| format!("{} {}", f["path"].as_str().unwrap_or("-"), f["line"]))
        .collect();
    assert_eq!(
        places.iter().filter(|p| *p == "app.py 1").count(),
        3,
        "{places:#?}"
    );
    assert_eq!(
        places.iter().filter(|p| *p == "Dockerfile 1").count(),
        2,
        "{places:#?}"
    );
    let lost = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "import/uris/U" && f["path"].is_null())
        .expect("the outside result is kept, with no place");
    let msg = lost["message"].as_str().unwrap();
    assert!(
        msg.contains("elsewhere.py") && msg.contains("outside the repository"),
        "{msg}"
    );
}

#[test]
fn a_secret_in_an_imported_message_is_masked_in_every_format() {
    let dir = repo();
    let key = format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dcQ2xY");
    write(dir.path(), "config.py", format!("STRIPE = \"{key}\"\n"));
    let doc = sarif(json!([{
        "tool": {"driver": {"name": "gitleaks"}},
        "results": [{"ruleId": "stripe-access-token", "level": "error",
            "message": {"text": format!("stripe-access-token has detected secret for file config.py: {key}")},
            // Elsewhere than the key itself, which shipcheck reports too
            // (the duplicate is the next test's).
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app.py"},
                "region": {"startLine": 1, "startColumn": 1}}}]}]
    }]));
    let file = save(dir.path(), "gitleaks.sarif", &doc);
    let out = tempfile::tempdir().unwrap();
    let mut cmd = shipcheck();
    cmd.arg("check").arg(dir.path()).args(["--import", &file]);
    for f in ["json", "sarif", "github", "markdown", "junit"] {
        cmd.arg("--output")
            .arg(format!("{f}={}", out.path().join(f).display()));
    }
    let r = run(&mut cmd);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("import/gitleaks/stripe-access-token"),
        "{}",
        r.stdout
    );
    let secret_part = &key[12..];
    assert!(!r.stdout.contains(secret_part) && !r.stderr.contains(secret_part));
    for f in ["json", "sarif", "github", "markdown", "junit"] {
        let text = std::fs::read_to_string(out.path().join(f)).unwrap();
        assert!(text.contains("stripe-access-token"), "{f}: {text}");
        assert!(!text.contains(secret_part), "{f} leaks the key:\n{text}");
    }
}

/// gitleaks and `stripe/live-key-in-repo` on one key: reported once, as
/// the native finding, which names the tool; a gitleaks result on another
/// line of the file stays.
#[test]
fn a_secret_both_report_is_reported_once_as_the_native_finding() {
    let dir = repo();
    let key = format!("sk_live_{}", "9fQ2mX7kLp4RtZ8vWc3nBy6H");
    write(
        dir.path(),
        "config.py",
        format!("STRIPE = \"{key}\"\nTOKEN = load()\n"),
    );
    let at = |line: u32, col: u32, end: u32| {
        json!([{"physicalLocation": {"artifactLocation": {"uri": "config.py"},
            "region": {"startLine": line, "startColumn": col, "endColumn": end}}}])
    };
    let doc = sarif(json!([{
        "tool": {"driver": {"name": "gitleaks"}},
        "results": [
            {"ruleId": "stripe-access-token", "level": "error",
             "message": {"text": "stripe-access-token has detected secret for file config.py"},
             "locations": at(1, 11, 43)},
            {"ruleId": "generic-api-key", "level": "error",
             "message": {"text": "generic-api-key has detected secret for file config.py"},
             "locations": at(2, 1, 15)}
        ]
    }]));
    let file = save(dir.path(), "gitleaks.sarif", &doc);
    let (code, v) = check(dir.path(), &[&file], &[]);
    assert_eq!(code, 1);
    let on_line_1: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "config.py" && f["line"] == 1)
        .collect();
    assert_eq!(on_line_1.len(), 1, "{on_line_1:#?}");
    assert_eq!(on_line_1[0]["rule"], "stripe/live-key-in-repo");
    let message = on_line_1[0]["message"].as_str().unwrap();
    assert!(
        message.ends_with("(also reported by gitleaks as `stripe-access-token`)"),
        "{message}"
    );
    assert_eq!(
        imported(&v),
        ["import/gitleaks/generic-api-key error config.py:2:1 generic-api-key has detected secret for file config.py"]
    );
}

#[test]
fn suppressions_and_the_baseline_apply_to_imported_findings() {
    let file = manifest().join("tests/import/semgrep-1.187.0.sarif");
    let file = file.to_str().unwrap();
    let id = "import/semgrep-oss/subprocess-shell-true";

    // The baseline written with the import hides it on the next check.
    let dir = repo();
    let (_, before) = check(dir.path(), &[file], &[]);
    assert_eq!(
        support::rules(&before).iter().filter(|r| **r == id).count(),
        1
    );
    let r = run(shipcheck()
        .arg("baseline")
        .arg(dir.path())
        .args(["--import", file]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, after) = check(dir.path(), &[file], &[]);
    assert!(!support::rules(&after).contains(&id), "{after}");
    assert!(after["baselined"].as_u64().unwrap() >= 1);

    // An inline suppression on the line above.
    let dir = repo();
    write(
        dir.path(),
        "app.py",
        APP_PY.replace(
            "    return",
            "    # shipcheck-ignore: import/semgrep-oss/* -- cmd is a constant\n    return",
        ),
    );
    // The line moved down by one: the tool would say so too.
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let region = &mut doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    region["startLine"] = json!(5);
    region["endLine"] = json!(5);
    let moved = save(dir.path(), "moved.sarif", &doc);
    let (_, v) = check(dir.path(), &[&moved], &[]);
    assert!(!support::rules(&v).contains(&id), "{v}");
    assert!(v["suppressed"].as_u64().unwrap() >= 1, "{v}");
}

#[test]
fn real_semgrep_and_checkov_sarif_import() {
    let dir = repo();
    let semgrep = manifest().join("tests/import/semgrep-1.187.0.sarif");
    let checkov = manifest().join("tests/import/checkov-3.3.30.sarif");
    let (code, v) = check(
        dir.path(),
        &[semgrep.to_str().unwrap(), checkov.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 1);
    let got = imported(&v);
    assert_eq!(
        got,
        [
            "import/checkov/CKV_DOCKER_2 error Dockerfile:1:1 Ensure that HEALTHCHECK instructions have been added to container images",
            "import/checkov/CKV_DOCKER_3 error Dockerfile:1:1 Ensure that a user for the container has been created",
            "import/semgrep-oss/subprocess-shell-true error app.py:4:12 subprocess called with shell=True",
        ],
        "{got:#?}"
    );
    // The flagged line is read from the repository, as for native findings.
    let text = run(shipcheck()
        .arg("check")
        .arg(dir.path())
        .args(["--import", semgrep.to_str().unwrap()]));
    assert!(
        text.stdout
            .contains("return subprocess.call(cmd, shell=True)"),
        "{}",
        text.stdout
    );
}

/// Where hadolint ran, from the repository root, and what on
/// (`tests/import/README.md`): the SARIF names this path.
const HADOLINT_DOCKERFILE: &str = "tests/import/hadolint/Dockerfile";

/// A repository holding the Dockerfile hadolint saw, at the path it saw it,
/// with `edit` applied to its text (the line count must stay the same, or
/// the SARIF's lines would no longer point at the same instructions).
fn hadolint_repo(edit: impl Fn(&str) -> String, config: Option<&str>) -> tempfile::TempDir {
    let text = std::fs::read_to_string(manifest().join(HADOLINT_DOCKERFILE)).unwrap();
    let edited = edit(&text);
    assert_eq!(edited.lines().count(), text.lines().count(), "{edited}");
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), HADOLINT_DOCKERFILE, edited);
    if let Some(config) = config {
        write(dir.path(), ".shipcheck.yml", config);
    }
    dir
}

fn hadolint_sarif() -> String {
    let p = manifest().join("tests/import/hadolint-2.15.1.sarif");
    p.to_str().unwrap().to_string()
}

/// hadolint's own levels: error and warning as they are, info and style
/// both written as SARIF `note` (a notice here). The committed Dockerfile
/// suppresses DL3008 on its `RUN` line; DL3009 and DL3015 on that same line
/// are not named and stay.
#[test]
fn real_hadolint_sarif_import() {
    let dir = hadolint_repo(str::to_string, None);
    let (code, v) = check(dir.path(), &[&hadolint_sarif()], &[]);
    // DL4000 and DL3020 are errors.
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["passed"], false);
    let mut got = imported(&v);
    got.sort();
    let at = |rule: &str, level: &str, line: u32, message: &str| {
        format!("import/hadolint/{rule} {level} {HADOLINT_DOCKERFILE}:{line}:1 {message}")
    };
    let mut want = vec![
        at("DL3002", "warning", 10, "Last USER should not be root"),
        at("DL3003", "warning", 9, "Use WORKDIR to switch to a directory"),
        at("DL3007", "warning", 2, "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag"),
        at("DL3009", "notice", 6, "Delete the apt lists (/var/lib/apt/lists) after installing something"),
        at("DL3015", "notice", 6, "Avoid additional packages by specifying `--no-install-recommends`"),
        at("DL3020", "error", 7, "Use COPY instead of ADD for files and folders"),
        at("DL3048", "notice", 4, "Invalid label key."),
        at("DL3066", "notice", 10, "Non-numeric user-id may not be resolvable by host system"),
        at("DL4000", "error", 3, "MAINTAINER is deprecated"),
    ];
    want.sort();
    assert_eq!(got, want, "{got:#?}");
    assert!(v["suppressed"].as_u64().unwrap() >= 1, "{v:#}");
    let area = support::area(&v, "imported").expect("an imported area");
    assert_eq!(area["status"], "failed");
    // The flagged line is read from the repository.
    let text = run(shipcheck()
        .arg("check")
        .arg(dir.path())
        .args(["--import", &hadolint_sarif()]));
    assert_eq!(text.code, 1, "{}", text.stderr);
    assert!(
        text.stdout.contains("import/hadolint/DL3020")
            && text.stdout.contains("ADD server.js /srv/"),
        "{}",
        text.stdout
    );
}

/// Without the suppression comment (replaced by a plain one, so the lines
/// stay put) the same SARIF reports DL3008; the config's tool wildcard
/// turns hadolint off but for the one rule named more precisely.
#[test]
fn hadolint_results_follow_suppressions_and_the_config() {
    let unsuppressed = |text: &str| {
        text.replace(
            "# shipcheck-ignore: import/hadolint/DL3008 -- the base image pins the distribution",
            "# apt packages",
        )
    };
    let dir = hadolint_repo(unsuppressed, None);
    let (code, v) = check(dir.path(), &[&hadolint_sarif()], &[]);
    assert_eq!(code, 1, "{v:#}");
    let got = imported(&v);
    let dl3008 = format!(
        "import/hadolint/DL3008 warning {HADOLINT_DOCKERFILE}:6:1 Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`"
    );
    assert!(got.contains(&dl3008), "{got:#?}");
    assert_eq!(got.len(), 10, "{got:#?}");

    // Nothing else blocks in this repository: turning hadolint off passes.
    let dir = hadolint_repo(unsuppressed, Some("rules:\n  import/hadolint/*: off\n"));
    let (code, v) = check(dir.path(), &[&hadolint_sarif()], &[]);
    assert_eq!(imported(&v), Vec::<String>::new());
    assert_eq!(code, 0, "{v:#}");

    let dir = hadolint_repo(
        unsuppressed,
        Some("rules:\n  import/hadolint/*: off\n  import/hadolint/DL3007: error\n"),
    );
    let (code, v) = check(dir.path(), &[&hadolint_sarif()], &[]);
    assert_eq!(code, 1, "{v:#}");
    let got = imported(&v);
    assert_eq!(
        got,
        [format!("import/hadolint/DL3007 error {HADOLINT_DOCKERFILE}:2:1 Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag")],
        "{got:#?}"
    );
}

#[test]
fn malformed_sarif_exits_2_naming_the_file_and_the_json_path() {
    let dir = repo();
    let run_result = json!({"ruleId": "x", "level": "warning"});
    let cases: [(&str, String, &str); 6] = [
        ("not-json.sarif", "{ nope".to_string(), "not JSON"),
        (
            "old.sarif",
            json!({"version": "2.0.0", "runs": []}).to_string(),
            "version: \"2.0.0\" is not \"2.1.0\"",
        ),
        (
            "no-runs.sarif",
            json!({"version": "2.1.0"}).to_string(),
            "runs: missing",
        ),
        (
            "no-message.sarif",
            sarif(json!([{"tool": {"driver": {"name": "t"}},
                "results": [result("x", None, "ok"), result("x", None, "ok"),
                            result("x", None, "ok"), run_result]}]))
            .to_string(),
            "runs[0].results[3].message: missing",
        ),
        (
            "no-tool.sarif",
            sarif(json!([{"results": []}])).to_string(),
            "runs[0].tool.driver.name: missing",
        ),
        (
            "bad-level.sarif",
            sarif(json!([{"tool": {"driver": {"name": "t"}},
                "results": [result("x", Some("fatal"), "m")]}]))
            .to_string(),
            "runs[0].results[0].level: \"fatal\" is not error, warning, note or none",
        ),
    ];
    for (name, text, want) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let r = run(shipcheck()
            .arg("check")
            .arg(dir.path())
            .args(["--import", p.to_str().unwrap()]));
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains(name) && r.stderr.contains(want),
            "{name}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    }
    let r = run(shipcheck()
        .arg("check")
        .arg(dir.path())
        .args(["--import", "no-such-file.sarif"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no-such-file.sarif"), "{}", r.stderr);
}

#[test]
fn the_config_sets_an_imported_rules_level_or_turns_it_off() {
    let file = manifest().join("tests/import/semgrep-1.187.0.sarif");
    let id = "import/semgrep-oss/subprocess-shell-true";
    // The exact id, else the tool's wildcard, else every imported rule;
    // the most precise one wins.
    for (config, want) in [
        (format!("{id}: notice"), Some("notice")),
        (format!("{id}: off"), None),
        ("import/semgrep-oss/*: notice".to_string(), Some("notice")),
        ("import/*: off".to_string(), None),
        (
            format!("import/*: off\n  import/semgrep-oss/*: warning\n  {id}: notice"),
            Some("notice"),
        ),
        (
            "import/*: off\n  import/semgrep-oss/*: warning".to_string(),
            Some("warning"),
        ),
        ("import/checkov/*: off".to_string(), Some("error")),
    ] {
        let level = &config;
        let dir = repo();
        write(
            dir.path(),
            ".shipcheck.yml",
            format!("rules:\n  {config}\n"),
        );
        let (_, v) = check(dir.path(), &[file.to_str().unwrap()], &[]);
        let got = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == id)
            .map(|f| f["level"].as_str().unwrap().to_string());
        assert_eq!(got.as_deref(), want, "{level}");
    }
}

#[test]
fn new_only_keeps_imported_results_on_changed_lines_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    support::git(d, &["init", "-q", "-b", "main"]);
    write(d, "app.py", APP_PY);
    support::git(d, &["add", "-A"]);
    support::git(d, &["commit", "-q", "-m", "main"]);
    support::git(d, &["checkout", "-q", "-b", "feature"]);
    write(d, "app.py", format!("{APP_PY}    eval(cmd)\n"));
    support::git(d, &["commit", "-q", "-am", "feature"]);
    let at = |line: u32, text: &str| {
        json!({"ruleId": "R", "level": "error", "message": {"text": text},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app.py"},
                "region": {"startLine": line}}}]})
    };
    let doc = sarif(json!([{"tool": {"driver": {"name": "t"}},
        "results": [at(4, "old line"), at(5, "new line")]}]));
    let outside = tempfile::tempdir().unwrap();
    let file = save(outside.path(), "t.sarif", &doc);
    let (_, v) = check(d, &[&file], &["--new-only", "--base", "main"]);
    let got = imported(&v);
    assert_eq!(got, ["import/t/R error app.py:5:1 new line"], "{got:#?}");
}
