//! `shipcheck baseline` and `check --baseline` on throwaway repositories:
//! recorded findings stay hidden when lines move, new ones show, fixed ones
//! leave stale entries, expired entries stop hiding, broken files exit 2,
//! and the file never holds source text.

mod support;

use serde_json::Value;
use std::path::Path;
use support::{finding_lines, json, run, shipcheck, write, Run};

const BASELINE: &str = ".shipcheck-baseline.json";

fn live_key() -> String {
    // Assembled so this file holds no key-shaped literal.
    [
        "sk_live_",
        "51NfAkEXr7dImXAeNJSRgCuXVWqaBGl1zJyXZOGRzFVfP3Mg5TRXLximqdPGR6s59S5",
    ]
    .concat()
}

/// A repository with three findings: two console calls (errors) and an
/// untracked TODO (a warning), plus a live Stripe key.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "src/app.ts",
        "export function start() {\n  console.log(\"starting the engine\");\n  return 1;\n}\n",
    );
    write(
        d,
        "src/util.ts",
        "// TODO clean this up before launch\nexport const x = 1;\n",
    );
    write(
        d,
        "src/other.ts",
        "export function f() {\n  console.debug(\"f called\");\n}\n",
    );
    write(
        d,
        "src/pay.ts",
        format!("export const stripe = new Stripe('{}');\n", live_key()),
    );
    dir
}

fn check(dir: &Path, extra: &[&str]) -> (Run, Value) {
    let r = run(shipcheck()
        .arg("check")
        .arg(dir)
        .args(["--format", "json", "--branch", "main"])
        .args(extra));
    let v = json(&r);
    (r, v)
}

fn baseline(dir: &Path, extra: &[&str]) -> Run {
    let r = run(shipcheck().arg("baseline").arg(dir).args(extra));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    r
}

fn lines(v: &Value) -> Vec<String> {
    finding_lines(v).into_iter().collect()
}

#[test]
fn a_baseline_hides_exactly_the_recorded_findings_across_line_shifts() {
    let dir = repo();
    let d = dir.path();
    let (r, before) = check(d, &[]);
    assert_eq!(r.code, 1);
    let recorded = lines(&before);
    assert_eq!(
        recorded,
        [
            "debug/console src/app.ts:2",
            "debug/console src/other.ts:2",
            "stripe/live-key-in-repo src/pay.ts:1",
            "todo/untracked src/util.ts:1",
        ]
    );

    let out = baseline(d, &[]);
    assert!(
        out.stdout.contains("4 entries (4 new, 0 kept, 0 removed)"),
        "{}",
        out.stdout
    );
    let first = std::fs::read(d.join(BASELINE)).unwrap();

    // Found at the root without --baseline, and given explicitly.
    for extra in [
        &[][..],
        &["--baseline", d.join(BASELINE).to_str().unwrap()][..],
    ] {
        let (r, v) = check(d, extra);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
        assert_eq!(v["baselined"], 4);
        assert_eq!(v["new_only"], false);
    }
    let text = run(shipcheck().arg("check").arg(d).args(["--branch", "main"]));
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("4 baselined"), "{}", text.stdout);

    // Five lines inserted at the top of every file: still hidden.
    for f in ["src/app.ts", "src/util.ts", "src/other.ts", "src/pay.ts"] {
        let old = std::fs::read_to_string(d.join(f)).unwrap();
        write(d, f, format!("// a\n// b\n\n// c\n// d\n{old}"));
    }
    let (r, v) = check(d, &[]);
    assert_eq!((r.code, v["baselined"].as_u64()), (0, Some(4)), "{v}");

    // A new console.log: only it is reported.
    let old = std::fs::read_to_string(d.join("src/app.ts")).unwrap();
    write(
        d,
        "src/app.ts",
        old.replace(
            "  return 1;\n",
            "  console.log(\"new debugging\");\n  return 1;\n",
        ),
    );
    let (r, v) = check(d, &[]);
    assert_eq!(r.code, 1);
    assert_eq!(lines(&v), ["debug/console src/app.ts:8"]);
    assert_eq!(v["baselined"], 4);

    // Rewriting with nothing changed is byte-identical.
    write(d, "src/app.ts", &old);
    let out = baseline(d, &[]);
    assert!(
        out.stdout.contains("(0 new, 4 kept, 0 removed)"),
        "{}",
        out.stdout
    );
    let second = std::fs::read(d.join(BASELINE)).unwrap();
    let strip_hints = |b: &[u8]| {
        let v: Value = serde_json::from_slice(b).unwrap();
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["fingerprint"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(strip_hints(&first), strip_hints(&second));
    baseline(d, &[]);
    assert_eq!(second, std::fs::read(d.join(BASELINE)).unwrap());
}

#[test]
fn the_baseline_file_holds_no_source_text_or_messages() {
    let dir = repo();
    let d = dir.path();
    baseline(d, &["--reason", "legacy, tracked in ENG-1"]);
    let text = std::fs::read_to_string(d.join(BASELINE)).unwrap();
    for leak in [
        "console.",
        "starting the engine",
        "clean this up",
        "f called",
        "sk_live",
        &live_key()[12..30],
        "Stripe",
    ] {
        assert!(!text.contains(leak), "baseline holds {leak:?}:\n{text}");
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    for e in v["entries"].as_array().unwrap() {
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(
            keys.iter().all(|k| [
                "fingerprint",
                "rule",
                "path",
                "line_hint",
                "reason",
                "expires"
            ]
            .contains(k)),
            "{keys:?}"
        );
        assert_eq!(e["reason"], "legacy, tracked in ENG-1");
    }
    let paths: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "entries sorted by path");
}

#[test]
fn a_fixed_finding_leaves_a_stale_entry_notice() {
    let dir = repo();
    let d = dir.path();
    baseline(d, &[]);
    write(d, "src/other.ts", "export function f() {}\n");
    let (r, v) = check(d, &[]);
    assert_eq!(r.code, 0, "a notice does not block: {v}");
    assert_eq!(v["baselined"], 3);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    let f = &findings[0];
    assert_eq!(f["rule"], "scan/stale-baseline");
    assert_eq!(f["level"], "notice");
    assert_eq!(f["path"], BASELINE);
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("debug/console in src/other.ts"), "{msg}");
    // It points at the entry's line in the baseline file.
    let text = std::fs::read_to_string(d.join(BASELINE)).unwrap();
    let line = text
        .lines()
        .nth(f["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    assert!(line.contains("\"fingerprint\""), "{line}");

    // Rewriting drops it, and the notice goes away.
    let out = baseline(d, &[]);
    assert!(
        out.stdout.contains("(0 new, 3 kept, 1 removed)"),
        "{}",
        out.stdout
    );
    let (_, v) = check(d, &[]);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
}

#[test]
fn an_expired_entry_stops_hiding_its_finding_and_says_so() {
    let dir = repo();
    let d = dir.path();
    baseline(d, &[]);
    // Expire the src/app.ts entry (SHIPCHECK_TODAY is 2026-11-26 in tests).
    let path = d.join(BASELINE);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for e in v["entries"].as_array_mut().unwrap() {
        if e["path"] == "src/app.ts" {
            e["expires"] = "2026-11-25".into();
            e["reason"] = "launch week".into();
        }
        if e["path"] == "src/util.ts" {
            e["expires"] = "2026-11-26".into(); // valid through today
        }
    }
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let (r, out) = check(d, &[]);
    assert_eq!(r.code, 1);
    assert_eq!(out["baselined"], 3);
    let app_fp = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "src/app.ts")
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    let entry_line = text.lines().position(|l| l.contains(&app_fp)).unwrap() + 1;
    assert_eq!(
        lines(&out),
        [
            "debug/console src/app.ts:2".to_string(),
            format!("scan/expired-baseline {BASELINE}:{entry_line}"),
        ]
    );
    let expired = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "scan/expired-baseline")
        .unwrap();
    assert_eq!(expired["level"], "warning");
    let msg = expired["message"].as_str().unwrap();
    assert!(
        msg.contains("2026-11-25") && msg.contains("launch week"),
        "{msg}"
    );

    // A rewrite keeps the entry's reason and date: extending it is a
    // decision someone makes in the file.
    let out = baseline(d, &["--reason", "new ones", "--expires", "2027-01-01"]);
    assert!(
        out.stdout.contains("(0 new, 4 kept, 0 removed)"),
        "{}",
        out.stdout
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let app = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "src/app.ts")
        .unwrap();
    assert_eq!(
        (app["expires"].as_str(), app["reason"].as_str()),
        (Some("2026-11-25"), Some("launch week"))
    );
}

#[test]
fn a_broken_baseline_exits_2_with_one_line_naming_the_file() {
    let dir = repo();
    let d = dir.path();
    for (content, says) in [
        ("{ not json", "not valid JSON"),
        ("{\"version\": 2, \"entries\": []}", "unsupported version 2"),
        (
            "{\"version\": 1, \"entries\": [{\"fingerprint\": \"a:1\", \"rule\": \"debug/console\", \"expires\": \"next week\"}]}",
            "YYYY-MM-DD",
        ),
    ] {
        write(d, BASELINE, content);
        let r = run(shipcheck().arg("check").arg(d));
        assert_eq!(r.code, 2, "{content}: {}{}", r.stdout, r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(BASELINE) && r.stderr.contains(says),
            "{}",
            r.stderr
        );
        // `shipcheck baseline` refuses to overwrite it (its reasons would be lost).
        let r = run(shipcheck().arg("baseline").arg(d));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(BASELINE), "{}", r.stderr);
    }
    let r = run(shipcheck()
        .arg("check")
        .arg(d)
        .args(["--baseline", "/nonexistent/accepted.json"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("/nonexistent/accepted.json"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);

    let r = run(shipcheck()
        .arg("baseline")
        .arg(d)
        .args(["--expires", "soon"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("YYYY-MM-DD"), "{}", r.stderr);
}

#[test]
fn output_elsewhere_and_explicit_baseline() {
    let dir = repo();
    let d = dir.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let file = elsewhere.path().join("accepted.json");
    baseline(d, &["--output", file.to_str().unwrap()]);
    assert!(!d.join(BASELINE).exists());
    let (r, v) = check(d, &[]);
    assert_eq!((r.code, v["baselined"].as_u64()), (1, Some(0)));
    let (r, v) = check(d, &["--baseline", file.to_str().unwrap()]);
    assert_eq!((r.code, v["baselined"].as_u64()), (0, Some(4)), "{v}");
}
