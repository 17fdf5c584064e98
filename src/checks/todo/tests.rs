use crate::checks::test_support::{found_in, outcome, Case};
use crate::checks::TodoCounts;
use crate::config::Settings;

const U: &str = "todo/untracked";
const E: &str = "todo/expired";

const CASES: &[Case] = &[
    // prose: a hyphenated word, a possessive, and a doc comment's wrapped
    // sentence are no markers; a marker after a sentence still is
    ("src/a.rs", "/// TODO-style comments are counted.\n/// The TODO's text is cut.\n/// a secret (a\n/// TODO quoting it) is cut.\n/// Done.\n/// TODO: real one\n// Fix the cache\n// TODO remove after migration\n", &[(U, 6), (U, 8)]),
    ("src/a.ts", "// TODO: retry webhooks\nconst a = 1; // FIXME handle null\n/* HACK */\n/**\n * XXX: temporary\n */\n", &[(U, 1), (U, 2), (U, 3), (U, 5)]),
    ("src/a.ts", "// TODO(#123): x\n// FIXME: see acme/web#45\n// TODO PAY-88 rounding\n// HACK: https://github.com/acme/web/issues/9\n// @TODO(#5) y\n", &[]),
    ("src/a.ts", "// TODO: migrate this\n//   tracked in #77\n", &[]),
    ("src/a.ts", "// TODO: first\n// TODO: second #12\n", &[(U, 1)]),
    ("src/a.ts", "const s = \"TODO: not a comment\";\n// fetch the user's todos\n// TODOS are listed\nconst TODO = 1;\n// see the TODO list\n", &[]),
    ("src/a.ts", "const t = `// TODO in a template`;\nconst r = /TODO/;\n", &[]),
    ("a.py", "# TODO: py\nx = '''\n# TODO: in a docstring\n'''\n# FIXME(#3)\n", &[(U, 1)]),
    ("a.rb", "# TODO ruby\n=begin\nTODO: inside begin/end\n=end\n", &[(U, 1), (U, 3)]),
    ("deploy.sh", "#!/bin/bash\n# TODO: rollback\necho \"# TODO not a comment\"\n", &[(U, 2)]),
    ("docker-compose.yml", "services:\n  api: # TODO pin the tag\n    image: api:latest\n    url: http://x/#TODO\n", &[(U, 2)]),
    ("init.sql", "-- TODO: index on user_id\nSELECT '-- TODO not';\n", &[(U, 1)]),
    ("Dockerfile", "FROM node:20\n# FIXME: run as non-root\n", &[(U, 2)]),
    ("README.md", "# TODO list app\nTODO in prose\n<!-- TODO: screenshots -->\n", &[(U, 3)]),
    ("main.go", "package main\n// XXX: racy\n", &[(U, 2)]),
    ("src/a.test.ts", "// TODO: flaky test\n", &[(U, 1)]),
    // dates
    ("src/a.ts", "// TODO(2026-01-15): drop legacy field\n// TODO(by: 2026-03-01) remove flag\n// TODO(2027-06-30): not yet\n// TODO(2027-06-30): #88 tracked\n", &[(U, 3), (E, 1), (E, 2)]),
];

#[test]
fn todo_rules_hit_comments_only() {
    for (path, src, want) in CASES {
        let mut want: Vec<(&str, u32)> = want.to_vec();
        want.sort();
        assert_eq!(
            found_in(&["todo", "suppression"], &Settings::defaults(), path, src),
            want,
            "{path}:\n{src}"
        );
    }
}

#[test]
fn inventory_counts_tracked_untracked_expired() {
    let o = outcome(
        &Settings::defaults(),
        "src/a.ts",
        "// TODO(#1): a\n// TODO: b\n// FIXME(2020-01-01): c\n// HACK ABC-9\n",
    );
    assert_eq!(
        o.todos,
        TodoCounts {
            tracked: 2,
            untracked: 1,
            expired: 1
        }
    );
}

#[test]
fn markers_and_issue_pattern_are_configurable() {
    let s = crate::registry::parse_settings(
        "rules:\n  todo/untracked:\n    markers: [NOTE]\n    issue-pattern: 'JIRA:\\d+'\n",
        "t",
    )
    .unwrap();
    assert_eq!(
        found_in(
            &["todo", "suppression"],
            &s,
            "src/a.ts",
            "// TODO: ignored\n// NOTE: flagged\n// NOTE: JIRA:12\n"
        ),
        vec![(U, 2)]
    );
}

#[test]
fn message_names_the_marker_and_text() {
    let o = outcome(
        &Settings::defaults(),
        "src/a.ts",
        "// FIXME: handle refunds */\n",
    );
    assert!(
        o.findings[0].message.contains("FIXME") && o.findings[0].message.contains("handle refunds"),
        "{}",
        o.findings[0].message
    );
}

#[test]
fn github_references_are_extracted() {
    use crate::checks::todo::{github_refs, GithubRef};
    let r = |repo: Option<&str>, number| GithubRef {
        repo: repo.map(str::to_string),
        number,
    };
    assert_eq!(github_refs("(#123): x"), vec![r(None, 123)]);
    assert_eq!(
        github_refs(": see acme/web#45 and #6"),
        vec![r(Some("acme/web"), 45), r(None, 6)]
    );
    assert_eq!(
        github_refs(" https://github.com/acme/web/issues/9#issuecomment-1"),
        vec![r(Some("acme/web"), 9)]
    );
    for none in [
        " PAY-88 rounding",
        " https://acme.atlassian.net/browse/PAY-88",
        " https://gitlab.com/acme/web/issues/9",
        " x&#123; entity",
        " #0",
        " color #fff",
    ] {
        assert!(github_refs(none).is_empty(), "{none}");
    }
}

#[test]
fn tracked_todos_record_their_github_references() {
    let o = outcome(
        &Settings::defaults(),
        "src/a.ts",
        "// TODO(#1): a\n// FIXME: b\n//   see acme/lib#2\n// TODO PAY-88 c\n// TODO: untracked\n// TODO(2020-01-01, #3): expired\n",
    );
    let got: Vec<(u32, String, Vec<String>)> = o
        .issue_refs
        .iter()
        .map(|t| {
            (
                t.span.line,
                t.marker.clone(),
                t.refs
                    .iter()
                    .map(|r| format!("{}#{}", r.repo.as_deref().unwrap_or(""), r.number))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "TODO".to_string(), vec!["#1".to_string()]),
            (2, "FIXME".to_string(), vec!["acme/lib#2".to_string()]),
        ]
    );
}

/// Without `--online` nothing looks the references up: none are gathered,
/// and the TODOs are judged and counted as with it.
#[test]
fn offline_the_references_are_not_gathered() {
    let settings = Settings::defaults();
    let src = "// TODO(#1): a\n// FIXME: b\n//   see acme/lib#2\n// TODO: untracked\n";
    let file = crate::workspace::SourceFile::new(
        "src/a.ts",
        crate::lexer::Lang::TypeScript,
        src,
        &settings,
    );
    let run = |online| {
        crate::checks::FileChecker::new(crate::checks::Context {
            settings: &settings,
            today: crate::checks::test_support::TODAY,
            online,
        })
        .check(&file)
    };
    let (offline, online) = (run(false), run(true));
    assert!(offline.issue_refs.is_empty());
    assert_eq!(online.issue_refs.len(), 2);
    assert_eq!(offline.todos, online.todos);
    assert_eq!(offline.todos.tracked, 2);
    let messages = |o: &crate::checks::FileOutcome| {
        o.findings
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(messages(&offline), messages(&online));
    assert_eq!(offline.findings.len(), 1);
}

mod ascii_forms {
    use super::super::*;
    use proptest::prelude::*;

    const PARTS: &[&str] = &[
        "#12",
        "owner/repo#3",
        "a.b/c-d#0",
        "ABC-12",
        "https://github.com/a/b/issues/4",
        "http://www.github.com/o/r.git/issues/9",
        "https://jira.x.io/browse/K-1",
        "&#5",
        "/#6",
        " ",
        "see",
        "x_",
        "7",
        "-",
        ".",
        "/",
        "#",
        "\t",
        "TODO:",
        "(#8)",
        "k8s/x#1b",
    ];

    proptest! {
        /// On ASCII lines the ASCII forms find what the Unicode forms find.
        #[test]
        fn ascii_forms_agree(parts in proptest::collection::vec(0..PARTS.len(), 0..8)) {
            let text: String = parts.iter().map(|&i| PARTS[i]).collect();
            prop_assert_eq!(ISSUE_REF_ASCII.is_match(text.as_bytes()), ISSUE_REF.is_match(&text), "{}", text);
            let unicode: Vec<_> = GITHUB_REF
                .captures_iter(&text)
                .map(|c| {
                    let g = |k: &str| c.name(k).map(|m| m.as_str().to_string());
                    (g("uo"), g("ur"), g("un"), g("o"), g("r"), g("n"), g("b"))
                })
                .collect();
            let ascii: Vec<_> = GITHUB_REF_ASCII
                .captures_iter(text.as_bytes())
                .map(|c| {
                    let g = |k: &str| c.name(k).map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned());
                    (g("uo"), g("ur"), g("un"), g("o"), g("r"), g("n"), g("b"))
                })
                .collect();
            prop_assert_eq!(ascii, unicode, "{}", text);
        }
    }

    /// Pieces with other scripts' letters, digits and spaces.
    const WIDE: &[&str] = &[
        "é",
        "#",
        "-",
        "٣",
        "#٣",
        "-٣",
        "http",
        "ttp",
        "ABC",
        "-1",
        "#1",
        " ",
        "\u{a0}",
        "x/y",
        "ht",
        "tp://a/issues",
        "github.com/a/b/issues/",
    ];

    proptest! {
        /// Where the quick test says no reference can be, no form finds
        /// one; the date's ASCII form agrees on ASCII text.
        #[test]
        fn the_quick_test_never_hides_a_reference(parts in proptest::collection::vec(0..WIDE.len(), 0..8)) {
            let text: String = parts.iter().map(|&i| WIDE[i]).collect();
            if !may_name_an_issue(&text) {
                prop_assert!(!ISSUE_REF.is_match(&text), "{}", text);
                prop_assert!(!GITHUB_REF.is_match(&text), "{}", text);
                prop_assert!(!ISSUE_REF_ASCII.is_match(text.as_bytes()), "{}", text);
                prop_assert!(!GITHUB_REF_ASCII.is_match(text.as_bytes()), "{}", text);
            }
            let date = format!("{text}2026-01-1{}", parts.len() % 10);
            if date.is_ascii() {
                let unicode: Vec<_> = DATE_IN.find_iter(&date).map(|m| m.range()).collect();
                let ascii: Vec<_> = DATE_IN_ASCII.find_iter(date.as_bytes()).map(|m| m.range()).collect();
                prop_assert_eq!(ascii, unicode, "{}", date);
            }
        }
    }

    /// A line that is not ASCII goes through the Unicode forms: `é` is a
    /// word character there, so `é#12` names no issue.
    #[test]
    fn other_lines_use_the_unicode_forms() {
        assert!(github_refs("é#12").is_empty());
        assert_eq!(github_refs("see #12 é").len(), 1);
        assert_eq!(github_refs("see #12").len(), 1);
    }
}

/// `marker_lines` finds, from the markers' words, what walking every
/// comment line finds: each line holding a marker's word, the comment line
/// before it and the `CONTINUATION_LINES` after it (across comments, blank
/// lines, `\r\n`, code between, a file ending in a comment).
mod marker_lines_agree {
    use super::super::*;
    use crate::config::Settings;
    use crate::lexer::Lang;
    use proptest::prelude::*;

    /// What the check read before: every comment line, in order.
    fn walked<'f>(file: &'f SourceFile, markers: &[String]) -> Vec<MarkerLine<'f>> {
        let lines = comment_lines(file);
        lines
            .iter()
            .enumerate()
            .filter(|(_, (_, line))| markers.iter().any(|m| line.contains(m.as_str())))
            .map(|(i, &(offset, line))| MarkerLine {
                offset,
                line,
                previous: i.checked_sub(1).map(|p| lines[p]),
                next: lines[i + 1..]
                    .iter()
                    .take(CONTINUATION_LINES)
                    .copied()
                    .collect(),
            })
            .collect()
    }

    fn agree(text: &str, lang: Lang, rel: &str) {
        let settings = Settings::defaults();
        let markers = &settings.todo_markers;
        let file = SourceFile::new(rel, lang, text, &settings);
        assert_eq!(
            marker_lines(&file, markers),
            walked(&file, markers),
            "{text:?}"
        );
    }

    #[test]
    fn named_cases() {
        let settings = Settings::defaults();
        let text = "a(); // the\n// TODO one\r\n/* x\n * TODO two\n * #12\n */\nb();\n// XXX\n// HACK and TODO";
        let file = SourceFile::new("a.ts", Lang::TypeScript, text, &settings);
        let found = marker_lines(&file, &settings.todo_markers);
        let lines: Vec<_> = found.iter().map(|m| m.line).collect();
        assert_eq!(
            lines,
            ["// TODO one", " * TODO two", "// XXX", "// HACK and TODO"]
        );
        // The line before: in another comment; the lines after: across a
        // comment's end and the code after it.
        assert_eq!(found[0].previous, Some((5, "// the")));
        assert_eq!(found[1].next, [(42, " * #12"), (49, " */"), (58, "// XXX")]);
        assert_eq!(found[3].next, []);
        assert_eq!(found, walked(&file, &settings.todo_markers));
    }

    const PIECES: &[&str] = &[
        "// TODO a\n",
        "// FIXME(#3)\r\n",
        "/* XXX\n * more\n */",
        "/*\n\n TODO */",
        "x = 1;\n",
        "s = 'TODO';\n",
        "// note\n",
        "\n",
        "// HACK",
        "y(); // TODOS\n",
        "/* TODO */ /* next */\n",
        "# TODO py\n",
        "'''\nTODO in a docstring\n'''\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn as_walking_every_comment_line(parts in proptest::collection::vec(0..PIECES.len(), 0..12)) {
            let text: String = parts.iter().map(|&i| PIECES[i]).collect();
            agree(&text, Lang::TypeScript, "a.ts");
            agree(&text, Lang::Python, "a.py");
        }
    }
}
