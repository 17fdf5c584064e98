//! Python and Ruby.

use super::{assert_cases, assert_kinds, C, M, S};
use crate::lexer::Lang::{Python as Py, Ruby as Rb};

#[test]
fn python_strings_and_comments() {
    assert_cases(
        Py,
        &[
            ("x = 1  # print(x)", &[(C, "x = 1  "), (M, "# print(x)")]),
            (
                "s = '''a # not\nb''' # c",
                &[(C, "s = "), (S, "'''a # not\nb'''"), (C, " "), (M, "# c")],
            ),
            (
                "d = \"\"\"x \\\"\"\" y\"\"\"",
                &[(C, "d = "), (S, "\"\"\"x \\\"\"\" y\"\"\"")],
            ),
            ("f\"{x}\" # c", &[(S, "f\"{x}\""), (C, " "), (M, "# c")]),
            ("r'\\'' + 1", &[(S, "r'\\''"), (C, " + 1")]),
            ("r\"\\\"\"", &[(S, "r\"\\\"\"")]),
            (
                "(Rb'a', bR\"b\", FR'c', u'd', t'e')",
                &[
                    (C, "("),
                    (S, "Rb'a'"),
                    (C, ", "),
                    (S, "bR\"b\""),
                    (C, ", "),
                    (S, "FR'c'"),
                    (C, ", "),
                    (S, "u'd'"),
                    (C, ", "),
                    (S, "t'e'"),
                    (C, ")"),
                ],
            ),
            ("bar'x'", &[(C, "bar"), (S, "'x'")]),
            (
                "s = 'open\nprint(1) # c",
                &[(C, "s = "), (S, "'open"), (C, "\nprint(1) "), (M, "# c")],
            ),
            ("s = '''open\n# c", &[(C, "s = "), (S, "'''open\n# c")]),
            // `'''a'''` then a lone unterminated `'`: one merged String.
            ("'''a''''", &[(S, "'''a''''")]),
            (
                "x = 'é' # ü",
                &[(C, "x = "), (S, "'é'"), (C, " "), (M, "# ü")],
            ),
            ("a = 1 # c\r\nb", &[(C, "a = 1 "), (M, "# c"), (C, "\r\nb")]),
        ],
    );
}

#[test]
fn ruby_comments_strings_heredocs() {
    let src = "=begin\nputs 'x'\n=end\nputs \"a #{b} # c\" # real\nx = 'it''s'\n";
    assert_kinds(
        Rb,
        src,
        &[
            ("=begin\nputs 'x'\n=end", M),
            ("\"a #{b} # c\"", S),
            ("# real", M),
        ],
    );
    assert_cases(
        Rb,
        &[
            (
                "a = \"x #{ \"y\" } z\" # c",
                &[(C, "a = "), (S, "\"x #{ \"y\" } z\""), (C, " "), (M, "# c")],
            ),
            ("%w[a # b] # c", &[(S, "%w[a # b]"), (C, " "), (M, "# c")]),
            ("%q(a (b) c) x", &[(S, "%q(a (b) c)"), (C, " x")]),
            ("x = a % b # c", &[(C, "x = a % b "), (M, "# c")]),
            (
                "s =~ /#not/ # c",
                &[(C, "s =~ "), (S, "/#not/"), (C, " "), (M, "# c")],
            ),
            ("x = a / b # c", &[(C, "x = a / b "), (M, "# c")]),
            ("$' + $\" # c", &[(C, "$' + $\" "), (M, "# c")]),
            ("  =begin\nx", &[(C, "  =begin\nx")]),
            ("=begin\nopen", &[(M, "=begin\nopen")]),
        ],
    );
    let heredoc = "x = <<~EOS.strip # note\n  it's # not\n  EOS\ny = 'z' # c";
    assert_kinds(
        Rb,
        heredoc,
        &[
            ("# note", M),
            ("  it's # not\n  EOS", S),
            ("'z'", S),
            ("# c", M),
            (".strip", C),
        ],
    );
}
