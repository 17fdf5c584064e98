//! Hash-comment languages, SQL and markup.

use super::{assert_cases, assert_kinds, C, M, S};
use crate::lexer::Lang;

#[test]
fn shell() {
    assert_cases(
        Lang::Shell,
        &[
            (
                "#!/bin/bash\necho a#b ${#arr} $# # c",
                &[
                    (M, "#!/bin/bash"),
                    (C, "\necho a#b ${#arr} $# "),
                    (M, "# c"),
                ],
            ),
            (
                "echo 'a \\' # b",
                &[(C, "echo "), (S, "'a \\'"), (C, " "), (M, "# b")],
            ),
            (
                "echo \"a \\\" # b\" x;# c",
                &[(C, "echo "), (S, "\"a \\\" # b\""), (C, " x;"), (M, "# c")],
            ),
            ("echo don\\'t # c", &[(C, "echo don\\'t "), (M, "# c")]),
            (
                "echo $'a\\'b' # c",
                &[(C, "echo "), (S, "$'a\\'b'"), (C, " "), (M, "# c")],
            ),
            ("curl http://x/#frag", &[(C, "curl http://x/#frag")]),
            (
                "echo 'multi\nline' x",
                &[(C, "echo "), (S, "'multi\nline'"), (C, " x")],
            ),
        ],
    );
    let heredoc = "cat <<-'EOF' # c\n\tit's # text\n\tEOF\necho \"ok\" # d\n";
    assert_kinds(
        Lang::Shell,
        heredoc,
        &[
            ("# c", M),
            ("\tit's # text\n\tEOF", S),
            ("\"ok\"", S),
            ("# d", M),
        ],
    );
    // Shifts are not heredocs (no terminator line).
    assert_kinds(
        Lang::Shell,
        "x=$((a<<b)) # c\necho 'q'",
        &[("# c", M), ("'q'", S)],
    );
    assert_kinds(
        Lang::Shell,
        "cat <<<\"$x\" # c",
        &[("\"$x\"", S), ("# c", M)],
    );
}

#[test]
fn yaml() {
    let src = "url: http://x/#frag\nkey: v # note\ntitle: Don't stop # c2\nq: 'it''s # in'\nd: \"a # b\"\nl: [ 'x', \"y\" ]\n- 'z'\n";
    assert_kinds(
        Lang::Yaml,
        src,
        &[
            ("http://x/#frag", C),
            ("# note", M),
            ("Don't stop ", C),
            ("# c2", M),
            ("'it''s # in'", S),
            ("\"a # b\"", S),
            ("'x'", S),
            ("\"y\"", S),
            ("'z'", S),
        ],
    );
    let block = "steps:\n  - run: | # header\n      echo hi # not a comment\n\n      echo 'x\n    name: ok # c\n";
    assert_kinds(
        Lang::Yaml,
        block,
        &[
            ("# header", M),
            ("echo hi # not a comment\n\n      echo 'x", S),
            ("name: ok ", C),
            ("# c", M),
        ],
    );
    assert_kinds(
        Lang::Yaml,
        "a: >-\n  text # t\nb: c # d",
        &[("text # t", S), ("# d", M)],
    );
    assert_kinds(
        Lang::Yaml,
        "cmd: a | b # c\nx: y > z",
        &[("a | b ", C), ("# c", M)],
    );
}

#[test]
fn toml_env_dockerfile() {
    assert_cases(
        Lang::Toml,
        &[
            (
                "a = \"x # y\" # c",
                &[(C, "a = "), (S, "\"x # y\""), (C, " "), (M, "# c")],
            ),
            (
                "b = 'C:\\' #c",
                &[(C, "b = "), (S, "'C:\\'"), (C, " "), (M, "#c")],
            ),
            (
                "c = \"\"\"\nmulti # no\n\"\"\"\"\"",
                &[(C, "c = "), (S, "\"\"\"\nmulti # no\n\"\"\"\"\"")],
            ),
            (
                "d = '''\nlit \\''' x",
                &[(C, "d = "), (S, "'''\nlit \\'''"), (C, " x")],
            ),
        ],
    );
    assert_cases(
        Lang::Env,
        &[
            (
                "# top\nA=1 # c\nB=x#y\nC=\"q # r\"\nD=it's",
                &[
                    (M, "# top"),
                    (C, "\nA=1 "),
                    (M, "# c"),
                    (C, "\nB=x#y\nC="),
                    (S, "\"q # r\""),
                    (C, "\nD=it's"),
                ],
            ),
            (
                "KEY='-----BEGIN\nabc\n-----END'\nX=1",
                &[
                    (C, "KEY="),
                    (S, "'-----BEGIN\nabc\n-----END'"),
                    (C, "\nX=1"),
                ],
            ),
        ],
    );
    let docker = "# syntax=docker/dockerfile:1\nFROM node # base\nRUN echo \"a#b\" && echo it\\'s # c\nRUN echo 'x\nCMD [\"node\"]";
    assert_kinds(
        Lang::Dockerfile,
        docker,
        &[
            ("# syntax=docker/dockerfile:1", M),
            ("# base", M),
            ("\"a#b\"", S),
            ("# c", M),
            ("'x", S),
            ("\"node\"", S),
        ],
    );
}

#[test]
fn sql() {
    assert_cases(
        Lang::Sql,
        &[
            (
                "SELECT 1 -- c\n/* b */",
                &[(C, "SELECT 1 "), (M, "-- c"), (C, "\n"), (M, "/* b */")],
            ),
            (
                "SELECT 'it''s -- no', \"col\" FROM t",
                &[
                    (C, "SELECT "),
                    (S, "'it''s -- no'"),
                    (C, ", "),
                    (S, "\"col\""),
                    (C, " FROM t"),
                ],
            ),
            (
                "AS $$ SELECT 1; -- not comment $$ LANGUAGE sql",
                &[
                    (C, "AS "),
                    (S, "$$ SELECT 1; -- not comment $$"),
                    (C, " LANGUAGE sql"),
                ],
            ),
            (
                "AS $fn$ a $$ b $fn$; -- c",
                &[(C, "AS "), (S, "$fn$ a $$ b $fn$"), (C, "; "), (M, "-- c")],
            ),
            (
                "WHERE a = $1 AND b = 'C:\\' -- c",
                &[
                    (C, "WHERE a = $1 AND b = "),
                    (S, "'C:\\'"),
                    (C, " "),
                    (M, "-- c"),
                ],
            ),
            (
                "SELECT E'a\\'b' -- c",
                &[(C, "SELECT "), (S, "E'a\\'b'"), (C, " "), (M, "-- c")],
            ),
            ("x - 1 -- c", &[(C, "x - 1 "), (M, "-- c")]),
            ("$$ open", &[(S, "$$ open")]),
        ],
    );
}

#[test]
fn markup_and_script_blocks() {
    assert_cases(
        Lang::Markdown,
        &[(
            "# Title\n<!-- TODO -->\ntext",
            &[(C, "# Title\n"), (M, "<!-- TODO -->"), (C, "\ntext")],
        )],
    );
    assert_cases(
        Lang::Xml,
        &[(
            "<a><![CDATA[<!-- x -->]]><!-- c --></a>",
            &[
                (C, "<a><![CDATA[<!-- x -->]]>"),
                (M, "<!-- c -->"),
                (C, "</a>"),
            ],
        )],
    );
    let html = "<p>it's</p><!-- c --><SCRIPT type=\"module\">\n// js\nconst s = '<!-- no -->';\n</script><style>a{}</style><script type=\"text/template\">// t</script>";
    assert_kinds(
        Lang::Html,
        html,
        &[
            ("it's", C),
            ("<!-- c -->", M),
            ("// js", M),
            ("'<!-- no -->'", S),
            ("</script>", C),
            ("// t", C),
        ],
    );
    let vue = "<template>\n  <p>{{ msg }}</p> <!-- tpl -->\n</template>\n<script setup lang=\"ts\">\nconst a = `x ${y}`; // c\n</script>\n";
    for lang in [Lang::Vue, Lang::Svelte] {
        assert_kinds(
            lang,
            vue,
            &[
                ("<!-- tpl -->", M),
                ("`x ", S),
                ("${y}", C),
                ("// c", M),
                ("{{ msg }}", C),
            ],
        );
    }
    // An unterminated script or comment runs to the end.
    assert_kinds(
        Lang::Html,
        "<script>let a = 'x'; // c",
        &[("'x'", S), ("// c", M)],
    );
    assert_kinds(Lang::Html, "a <!-- open", &[("<!-- open", M)]);
}
