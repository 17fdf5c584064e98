//! JavaScript / TypeScript / JSX.

use super::{assert_cases, assert_kinds, parts, C, M, S};
use crate::lexer::Lang::{JavaScript as Js, TypeScript as Ts};

#[test]
fn comments_and_quotes() {
    assert_cases(
        Js,
        &[
            (
                "a // console.log(x)\nb",
                &[(C, "a "), (M, "// console.log(x)"), (C, "\nb")],
            ),
            (
                "a /* console.log */ b",
                &[(C, "a "), (M, "/* console.log */"), (C, " b")],
            ),
            ("x = 'console.log'", &[(C, "x = "), (S, "'console.log'")]),
            (
                "x = \"a\\\"b\" + 1",
                &[(C, "x = "), (S, "\"a\\\"b\""), (C, " + 1")],
            ),
            (
                "x = 'it\\'s' // c",
                &[(C, "x = "), (S, "'it\\'s'"), (C, " "), (M, "// c")],
            ),
            (
                "'a' /* x */ 'b'",
                &[(S, "'a'"), (C, " "), (M, "/* x */"), (C, " "), (S, "'b'")],
            ),
            (
                "#!/usr/bin/env node\nrun()",
                &[(M, "#!/usr/bin/env node"), (C, "\nrun()")],
            ),
            (
                "a /**/ b /*/ c */",
                &[(C, "a "), (M, "/**/"), (C, " b "), (M, "/*/ c */")],
            ),
        ],
    );
}

#[test]
fn unterminated_and_line_ends() {
    assert_cases(
        Js,
        &[
            // A stray quote stops at the end of its line.
            (
                "x = 'oops\nconsole.log(1)",
                &[(C, "x = "), (S, "'oops"), (C, "\nconsole.log(1)")],
            ),
            (
                "x = \"oops\r\ny",
                &[(C, "x = "), (S, "\"oops"), (C, "\r\ny")],
            ),
            (
                "a /* never closed\n b",
                &[(C, "a "), (M, "/* never closed\n b")],
            ),
            ("a // end", &[(C, "a "), (M, "// end")]),
            (
                "x = `never closed ${ y",
                &[(C, "x = "), (S, "`never closed "), (C, "${ y")],
            ),
            (
                "x = 'line\\\ncontinued'",
                &[(C, "x = "), (S, "'line\\\ncontinued'")],
            ),
            ("a // c\r\nb", &[(C, "a "), (M, "// c"), (C, "\r\nb")]),
            ("/", &[(C, "/")]),
            ("'", &[(S, "'")]),
            ("`", &[(S, "`")]),
        ],
    );
}

#[test]
fn templates_nest() {
    assert_cases(
        Js,
        &[
            (
                "`a ${ console.log(x) } b`",
                &[(S, "`a "), (C, "${ console.log(x) }"), (S, " b`")],
            ),
            (
                "`a ${ `b ${ c } d` } e`",
                &[
                    (S, "`a "),
                    (C, "${ "),
                    (S, "`b "),
                    (C, "${ c }"),
                    (S, " d`"),
                    (C, " }"),
                    (S, " e`"),
                ],
            ),
            (
                "`x ${ {a: {b: 1}}.a } y`",
                &[(S, "`x "), (C, "${ {a: {b: 1}}.a }"), (S, " y`")],
            ),
            ("`$ {not} \\${esc} $`", &[(S, "`$ {not} \\${esc} $`")]),
            ("`${a}${b}`", &[(S, "`"), (C, "${a}${b}"), (S, "`")]),
            (
                "`${ '}' + \"`\" }` // c",
                &[
                    (S, "`"),
                    (C, "${ "),
                    (S, "'}'"),
                    (C, " + "),
                    (S, "\"`\""),
                    (C, " }"),
                    (S, "`"),
                    (C, " "),
                    (M, "// c"),
                ],
            ),
            (
                "f(`${x /* c */}`)",
                &[
                    (C, "f("),
                    (S, "`"),
                    (C, "${x "),
                    (M, "/* c */"),
                    (C, "}"),
                    (S, "`"),
                    (C, ")"),
                ],
            ),
        ],
    );
}

#[test]
fn regex_versus_division() {
    assert_cases(
        Js,
        &[
            (
                "x = /\\/\\/ not a comment/;",
                &[(C, "x = "), (S, "/\\/\\/ not a comment/"), (C, ";")],
            ),
            (
                "x = /[/]/g.test(s)",
                &[(C, "x = "), (S, "/[/]/g"), (C, ".test(s)")],
            ),
            ("x = a / b / c", &[(C, "x = a / b / c")]),
            ("x = (a + 1) / 2 / y", &[(C, "x = (a + 1) / 2 / y")]),
            (
                "x = arr[0] / 2; // c",
                &[(C, "x = arr[0] / 2; "), (M, "// c")],
            ),
            (
                "return /re/.test(s)",
                &[(C, "return "), (S, "/re/"), (C, ".test(s)")],
            ),
            (
                "if (typeof /x/ === y) {}",
                &[(C, "if (typeof "), (S, "/x/"), (C, " === y) {}")],
            ),
            ("s.split(/'/)", &[(C, "s.split("), (S, "/'/"), (C, ")")]),
            ("a = b\n/re/.test(c)", &[(C, "a = b\n/re/.test(c)")]),
            (
                "x = 1 /* c */ / 2",
                &[(C, "x = 1 "), (M, "/* c */"), (C, " / 2")],
            ),
            (
                "x = (/* c */ /r'/)",
                &[
                    (C, "x = ("),
                    (M, "/* c */"),
                    (C, " "),
                    (S, "/r'/"),
                    (C, ")"),
                ],
            ),
            ("a = 'x' / 2", &[(C, "a = "), (S, "'x'"), (C, " / 2")]),
            ("x = y.return / 2", &[(C, "x = y.return / 2")]),
            // Unclosed on its line: division after all.
            ("x = (/b\n'c'", &[(C, "x = (/b\n"), (S, "'c'")]),
            ("x = [/b\n'c'", &[(C, "x = [/b\n"), (S, "'c'")]),
        ],
    );
}

#[test]
fn jsx_text_and_comments() {
    let src = "const A = () => (\n  <p className=\"x\">Don't {/* note */} stop {a ? 'y' : \"z\"}</p>\n);\n// after\nconsole.log('done');";
    assert_kinds(
        Js,
        src,
        &[
            ("Don't", S),
            ("/* note */", M),
            ("\"x\"", S),
            ("'y'", S),
            ("\"z\"", S),
            ("// after", M),
            ("'done'", S),
            ("console.log", C),
        ],
    );
    let nested =
        "return (<ul>{items.map(i => <li key={i}>It's {i}</li>)}</ul>); // c\nlet s = 'q';";
    assert_kinds(Js, nested, &[("It's", S), ("// c", M), ("'q'", S)]);
    let frag = "x = <><b>isn't</b><br/></>; y = 'ok';";
    assert_kinds(Js, frag, &[("isn't", S), ("'ok'", S)]);
    let selfclose = "x = <Foo a='1' {...p} /> // c";
    assert_kinds(Js, selfclose, &[("'1'", S), ("// c", M)]);
}

#[test]
fn ts_generics_and_casts_are_not_jsx() {
    let cases = [
        "const f = <T,>(x: T) => x; // c\nlet s = 'q';",
        "const f = <T>(x: T) => x; // c\nlet s = 'q';",
        "function g<T extends X>(x: T) {}\nconst h = <T extends X>(x: T) => x; // c\nlet s = 'q';",
        "const el = <HTMLInputElement>document.getElementById('id');\n// c\nlet s = 'q';",
        "const n = <any>x; // c\nlet s = 'q';",
        "if (a < b && c > d) { /* c */ }\nlet s = 'q';",
        "for (let i = 0; i<n; i++) {} // c\nlet s = 'q';",
    ];
    for src in cases {
        let c = if src.contains("// c") {
            "// c"
        } else {
            "/* c */"
        };
        assert_kinds(Ts, src, &[(c, M), ("'q'", S)]);
    }
}

#[test]
fn multibyte_next_to_delimiters() {
    assert_cases(
        Js,
        &[
            ("é//é\né", &[(C, "é"), (M, "//é"), (C, "\né")]),
            ("'é'+\"😀\"", &[(S, "'é'"), (C, "+"), (S, "\"😀\"")]),
            ("`😀${é}😀`", &[(S, "`😀"), (C, "${é}"), (S, "😀`")]),
            (
                "x=/é/;/*😀*/",
                &[(C, "x="), (S, "/é/"), (C, ";"), (M, "/*😀*/")],
            ),
            ("'\\é'", &[(S, "'\\é'")]),
        ],
    );
}

#[test]
fn crlf_file() {
    let src = "let a = 1; // one\r\n/* two\r\n */\r\nlet b = 'x';\r\n";
    assert_eq!(
        parts(Js, src),
        vec![
            (C, "let a = 1; "),
            (M, "// one"),
            (C, "\r\n"),
            (M, "/* two\r\n */"),
            (C, "\r\nlet b = "),
            (S, "'x'"),
            (C, ";\r\n"),
        ]
    );
}
