use super::sarif::{parse, Region, SarifLevel};
use super::{relative_path, rule_id};
use std::path::Path;

#[test]
fn rule_ids_keep_to_the_characters_config_and_suppressions_accept() {
    for (tool, rule, want) in [
        (
            "Semgrep OSS",
            "subprocess-shell-true",
            "import/semgrep-oss/subprocess-shell-true",
        ),
        ("checkov", "CKV_DOCKER_2", "import/checkov/CKV_DOCKER_2"),
        (
            "CodeQL",
            "js/sql-injection",
            "import/codeql/js-sql-injection",
        ),
        ("hadolint", "DL3008", "import/hadolint/DL3008"),
    ] {
        let id = rule_id(tool, rule);
        assert_eq!(id, want);
        assert!(crate::rules::is_import_id(&id), "{id}");
    }
}

#[test]
fn uris_become_repository_relative_or_are_named_as_outside() {
    let root = Path::new("/repo");
    for (uri, want) in [
        ("src/a.py", Ok("src/a.py")),
        ("./src/a.py", Ok("src/a.py")),
        ("file:///repo/src/a.py", Ok("src/a.py")),
        ("file://localhost/repo/a.py", Ok("a.py")),
        ("/repo/a.py", Ok("a.py")),
        ("/elsewhere/a.py", Err("/elsewhere/a.py")),
        ("../a.py", Err("../a.py")),
        ("https://example.com/a.py", Err("https://example.com/a.py")),
    ] {
        let got = relative_path(uri, root);
        assert_eq!(got.as_deref().map_err(String::as_str), want, "{uri}");
    }
}

fn one(result: &str) -> super::sarif::SarifResult {
    let doc = format!(
        r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"t","rules":[{{"id":"r","defaultConfiguration":{{"level":"note"}}}}]}}}},"results":[{result}]}}]}}"#
    );
    let mut all = parse(&doc).unwrap_or_else(|e| panic!("{e}: {doc}"));
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn levels_follow_the_spec_defaults() {
    let level = |r: &str| one(r).level;
    assert_eq!(
        level(r#"{"ruleId":"r","message":{"text":"m"}}"#),
        SarifLevel::Note
    );
    assert_eq!(
        level(r#"{"ruleIndex":0,"message":{"text":"m"}}"#),
        SarifLevel::Note
    );
    assert_eq!(
        level(r#"{"ruleId":"x","message":{"text":"m"}}"#),
        SarifLevel::Warning
    );
    // A result that is not a failure (`pass`, `review`…) has level none.
    assert_eq!(
        level(r#"{"ruleId":"r","kind":"pass","message":{"text":"m"}}"#),
        SarifLevel::None
    );
    assert_eq!(
        level(r#"{"ruleId":"r","level":"error","message":{"text":"m"}}"#),
        SarifLevel::Error
    );
}

#[test]
fn regions_fill_in_what_sarif_leaves_out() {
    let region = |r: &str| {
        one(&format!(
            r#"{{"ruleId":"r","message":{{"text":"m"}},"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"a"}},"region":{r}}}}}]}}"#
        ))
        .region
    };
    assert_eq!(
        region(r#"{"startLine":3}"#),
        Some(Region {
            start_line: 3,
            start_column: 1,
            end_line: 3,
            end_column: 1
        })
    );
    assert_eq!(
        region(r#"{"startLine":3,"startColumn":5,"endLine":4,"endColumn":9}"#),
        Some(Region {
            start_line: 3,
            start_column: 5,
            end_line: 4,
            end_column: 9
        })
    );
    // Byte offsets only: no line to point at.
    assert_eq!(region(r#"{"charOffset":10,"charLength":3}"#), None);
}

#[test]
fn malformed_documents_name_the_json_path() {
    for (doc, want) in [
        ("[]", "not a SARIF log"),
        (r#"{"runs":[]}"#, "version: missing"),
        (r#"{"version":"2.1.0","runs":{}}"#, "runs: not an array"),
        (
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"ruleId":"r","message":"m"}]}]}"#,
            "runs[0].results[0].message: not an object",
        ),
        (
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"ruleId":"r","message":{"id":"nope"}}]}]}"#,
            "runs[0].results[0].message.id: no message string `nope`",
        ),
        (
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"region":{"startLine":0}}}]}]}]}"#,
            "runs[0].results[0].locations[0].physicalLocation.region.startLine: 0 is not",
        ),
    ] {
        let e = parse(doc).expect_err(doc).to_string();
        assert!(e.contains(want), "{doc}: {e}");
    }
}

#[test]
fn spans_overlap_on_a_shared_character() {
    use crate::finding::Span;
    let span = |line, column, end_column| Span {
        line,
        column,
        end_line: line,
        end_column,
    };
    assert!(super::overlap(&span(3, 10, 40), &span(3, 12, 12)));
    assert!(super::overlap(&span(3, 10, 40), &span(3, 1, 10)));
    assert!(!super::overlap(&span(3, 10, 40), &span(3, 41, 50)));
    assert!(!super::overlap(&span(3, 10, 40), &span(4, 10, 40)));
    let lines = Span {
        line: 2,
        column: 1,
        end_line: 5,
        end_column: 1,
    };
    assert!(super::overlap(&lines, &span(4, 30, 31)));
}
