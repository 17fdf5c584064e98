//! C-family languages other than JavaScript.

use super::{assert_cases, assert_kinds, C, M, S};
use crate::lexer::Lang;

#[test]
fn rust_strings_lifetimes_and_comments() {
    assert_cases(
        Lang::Rust,
        &[
            (
                "let s = r#\"// not\"#; // c",
                &[
                    (C, "let s = "),
                    (S, "r#\"// not\"#"),
                    (C, "; "),
                    (M, "// c"),
                ],
            ),
            ("r##\"a \"# b\"##", &[(S, "r##\"a \"# b\"##")]),
            ("r\"\\\" x", &[(S, "r\"\\\""), (C, " x")]),
            (
                "(b\"x\", br\"y\", c\"z\")",
                &[
                    (C, "("),
                    (S, "b\"x\""),
                    (C, ", "),
                    (S, "br\"y\""),
                    (C, ", "),
                    (S, "c\"z\""),
                    (C, ")"),
                ],
            ),
            (
                "fn f<'a>(x: &'a str) // c",
                &[(C, "fn f<'a>(x: &'a str) "), (M, "// c")],
            ),
            (
                "'outer: loop { break 'outer; }",
                &[(C, "'outer: loop { break 'outer; }")],
            ),
            (
                "('x', '\\n', '\\'', '\\u{1F600}', b'q')",
                &[
                    (C, "("),
                    (S, "'x'"),
                    (C, ", "),
                    (S, "'\\n'"),
                    (C, ", "),
                    (S, "'\\''"),
                    (C, ", "),
                    (S, "'\\u{1F600}'"),
                    (C, ", "),
                    (S, "b'q'"),
                    (C, ")"),
                ],
            ),
            ("'é' '😀'", &[(S, "'é'"), (C, " "), (S, "'😀'")]),
            (
                "/// doc\n//! inner",
                &[(M, "/// doc"), (C, "\n"), (M, "//! inner")],
            ),
            (
                "/* a /* nested */ still */ x",
                &[(M, "/* a /* nested */ still */"), (C, " x")],
            ),
            ("\"multi\nline\" x", &[(S, "\"multi\nline\""), (C, " x")]),
            ("#[attr] x", &[(C, "#[attr] x")]),
            ("var_r\"x\"", &[(C, "var_r"), (S, "\"x\"")]),
        ],
    );
}

#[test]
fn go_raw_strings_and_runes() {
    assert_cases(
        Lang::Go,
        &[
            (
                "s := `a // b\n\\` + c",
                &[(C, "s := "), (S, "`a // b\n\\`"), (C, " + c")],
            ),
            (
                "r := '\\'' // c",
                &[(C, "r := "), (S, "'\\''"), (C, " "), (M, "// c")],
            ),
            ("/* a /* b */ c */", &[(M, "/* a /* b */"), (C, " c */")]),
        ],
    );
}

#[test]
fn jvm_dotnet_swift_strings() {
    assert_cases(
        Lang::Kotlin,
        &[
            (
                "val s = \"\"\"a \" // b\"\"\"\" // c",
                &[
                    (C, "val s = "),
                    (S, "\"\"\"a \" // b\"\"\"\""),
                    (C, " "),
                    (M, "// c"),
                ],
            ),
            (
                "/* a /* b */ c */ d",
                &[(M, "/* a /* b */ c */"), (C, " d")],
            ),
            ("val c = '\"'", &[(C, "val c = "), (S, "'\"'")]),
        ],
    );
    assert_cases(
        Lang::Java,
        &[
            (
                "String s = \"\"\"\n  a \\\"\"\" b\n  \"\"\"; // c",
                &[
                    (C, "String s = "),
                    (S, "\"\"\"\n  a \\\"\"\" b\n  \"\"\""),
                    (C, "; "),
                    (M, "// c"),
                ],
            ),
            (
                "char c = '\\''; // c",
                &[(C, "char c = "), (S, "'\\''"), (C, "; "), (M, "// c")],
            ),
        ],
    );
    assert_cases(
        Lang::CSharp,
        &[
            (
                "var p = @\"C:\\dir\\\" + x; // c",
                &[
                    (C, "var p = "),
                    (S, "@\"C:\\dir\\\""),
                    (C, " + x; "),
                    (M, "// c"),
                ],
            ),
            ("@\"a \"\" b\" x", &[(S, "@\"a \"\" b\""), (C, " x")]),
            (
                "$\"{a}\" + $@\"b\" + @$\"c\"",
                &[
                    (S, "$\"{a}\""),
                    (C, " + "),
                    (S, "$@\"b\""),
                    (C, " + "),
                    (S, "@$\"c\""),
                ],
            ),
            (
                "\"\"\"\n raw \"\" \"\"\" x",
                &[(S, "\"\"\"\n raw \"\" \"\"\""), (C, " x")],
            ),
        ],
    );
    assert_cases(
        Lang::Swift,
        &[
            (
                "let s = #\"a \" // b\"# // c",
                &[
                    (C, "let s = "),
                    (S, "#\"a \" // b\"#"),
                    (C, " "),
                    (M, "// c"),
                ],
            ),
            (
                "\"\"\"\n a \" \n\"\"\" x",
                &[(S, "\"\"\"\n a \" \n\"\"\""), (C, " x")],
            ),
            (
                "/* a /* b */ c */ d",
                &[(M, "/* a /* b */ c */"), (C, " d")],
            ),
            ("x = isn't", &[(C, "x = isn't")]),
        ],
    );
}

#[test]
fn c_and_cpp() {
    assert_cases(
        Lang::C,
        &[
            (
                "#include <stdio.h> // io",
                &[(C, "#include <stdio.h> "), (M, "// io")],
            ),
            (
                "char c = '\"'; /* a /* b */ x",
                &[
                    (C, "char c = "),
                    (S, "'\"'"),
                    (C, "; "),
                    (M, "/* a /* b */"),
                    (C, " x"),
                ],
            ),
            (
                "L\"wide\" u8\"utf\"",
                &[(S, "L\"wide\""), (C, " "), (S, "u8\"utf\"")],
            ),
        ],
    );
    assert_cases(
        Lang::Cpp,
        &[
            (
                "auto s = R\"x(a )\" // b)x\"; // c",
                &[
                    (C, "auto s = "),
                    (S, "R\"x(a )\" // b)x\""),
                    (C, "; "),
                    (M, "// c"),
                ],
            ),
            (
                "int n = 1'000'000; // c",
                &[(C, "int n = 1'000'000; "), (M, "// c")],
            ),
            (
                "auto h = 0xFF'FF; char c = 'x';",
                &[(C, "auto h = 0xFF'FF; char c = "), (S, "'x'"), (C, ";")],
            ),
        ],
    );
}

#[test]
fn php_and_prisma() {
    let php = "<?php\n# hash comment\n#[Attr]\n$a = 'multi\nline'; // c\n$b = <<<EOT\n  it's // here\n  EOT;\n$c = <<<'NOW'\nx\nNOW;\necho \"done\";";
    assert_kinds(
        Lang::Php,
        php,
        &[
            ("# hash comment", M),
            ("#[Attr]", C),
            ("'multi\nline'", S),
            ("// c", M),
            ("<<<EOT\n  it's // here\n  EOT", S),
            ("<<<'NOW'\nx\nNOW", S),
            ("\"done\"", S),
        ],
    );
    let template = "<p>Don't</p>\n<?php echo 'a'; // c ?><b>it's</b><?= \"x\" # d\n?>";
    assert_kinds(
        Lang::Php,
        template,
        &[
            ("Don't", C),
            ("'a'", S),
            ("// c ", M),
            ("?><b>it's</b><?= ", C),
            ("\"x\"", S),
            ("# d", M),
        ],
    );
    assert_cases(
        Lang::Prisma,
        &[(
            "model A {\n  id Int @id /// doc\n  n String @default(\"x//y\") // c\n}",
            &[
                (C, "model A {\n  id Int @id "),
                (M, "/// doc"),
                (C, "\n  n String @default("),
                (S, "\"x//y\""),
                (C, ") "),
                (M, "// c"),
                (C, "\n}"),
            ],
        )],
    );
}
