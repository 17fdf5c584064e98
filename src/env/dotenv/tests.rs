use super::{parse, Entry, EnvFile, Quote};
use proptest::prelude::*;

/// Parse text that must hold exactly one assignment and no errors.
fn one(text: &str) -> Entry {
    let f = parse(text);
    assert!(
        f.errors.is_empty(),
        "{text:?}: unexpected errors {:?}",
        f.errors
    );
    assert_eq!(f.entries.len(), 1, "{text:?}: {:?}", f.entries);
    f.entries
        .into_iter()
        .next()
        .unwrap_or_else(|| unreachable!())
}

#[test]
fn values() {
    use Quote::*;
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, Quote, bool)] = &[
        ("KEY=value", "KEY", "value", None, false),
        ("KEY=value\n", "KEY", "value", None, false),
        ("KEY=value\r\n", "KEY", "value", None, false),
        ("KEY=value\r", "KEY", "value", None, false),
        ("\u{feff}KEY=v", "KEY", "v", None, false),
        ("KEY=", "KEY", "", None, false),
        ("KEY=\r\n", "KEY", "", None, false),
        ("KEY = value", "KEY", "value", None, false),
        ("  KEY\t=\t value  ", "KEY", "value", None, false),
        ("export KEY=v", "KEY", "v", None, true),
        ("export   KEY=v", "KEY", "v", None, true),
        ("\texport\tKEY = v", "KEY", "v", None, true),
        ("export=v", "export", "v", None, false),
        ("export = v", "export", "v", None, false),
        ("exporter=v", "exporter", "v", None, false),
        ("_a.b-c9=v", "_a.b-c9", "v", None, false),
        ("KEY=a b  c", "KEY", "a b  c", None, false),
        ("KEY=abc#def", "KEY", "abc#def", None, false),
        ("KEY=abc #def", "KEY", "abc", None, false),
        ("KEY=abc\t# c", "KEY", "abc", None, false),
        ("KEY=#abc", "KEY", "#abc", None, false),
        ("KEY= #abc", "KEY", "", None, false),
        ("KEY=a=b==", "KEY", "a=b==", None, false),
        ("KEY=it's \"x\"", "KEY", "it's \"x\"", None, false),
        ("KEY=a\\nb", "KEY", "a\\nb", None, false),
        ("KEY=héllo wörld", "KEY", "héllo wörld", None, false),
        ("KEY='a b'", "KEY", "a b", Single, false),
        ("KEY='a\\nb $X \"'", "KEY", "a\\nb $X \"", Single, false),
        ("KEY='a # b' # c", "KEY", "a # b", Single, false),
        ("KEY=''", "KEY", "", Single, false),
        ("KEY='l1\nl2'", "KEY", "l1\nl2", Single, false),
        ("KEY='l1\r\nl2'\r\n", "KEY", "l1\nl2", Single, false),
        ("KEY=\"a b\"", "KEY", "a b", Double, false),
        ("KEY = \"a\"  ", "KEY", "a", Double, false),
        ("KEY=\"\"", "KEY", "", Double, false),
        ("KEY=\"a\"# c", "KEY", "a", Double, false),
        ("KEY=\"a\" # c", "KEY", "a", Double, false),
        ("KEY=\"a#b\"", "KEY", "a#b", Double, false),
        ("KEY=\"\\n\\r\\t\\\"\\\\\\$\"", "KEY", "\n\r\t\"\\$", Double, false),
        ("KEY=\"\\a\\'\\x\"", "KEY", "\\a\\'\\x", Double, false),
        ("KEY=\"l1\nl2\n\"", "KEY", "l1\nl2\n", Double, false),
        ("KEY=\"l1\r\nl2\"\r\n", "KEY", "l1\nl2", Double, false),
        ("KEY=\"-----BEGIN KEY-----\nMIIE==\n-----END KEY-----\"", "KEY",
         "-----BEGIN KEY-----\nMIIE==\n-----END KEY-----", Double, false),
        ("KEY=`a 'b' \"c\" \\n`", "KEY", "a 'b' \"c\" \\n", Backtick, false),
        ("KEY=`l1\nl2`", "KEY", "l1\nl2", Backtick, false),
        ("# comment\n\n   \n  # indented\nKEY=v\n#K=x", "KEY", "v", None, false),
    ];
    for &(text, key, value, quote, exported) in cases {
        let e = one(text);
        assert_eq!(
            (e.key.as_str(), e.value.as_str(), e.quote, e.exported),
            (key, value, quote, exported),
            "{text:?}"
        );
    }
}

#[test]
fn comments_and_blank_files_have_nothing() {
    for text in [
        "",
        "\u{feff}",
        "\n\n",
        "\r\n",
        "# a=b",
        "  #x\n\t\n",
        "#\r\n# \"unterminated",
    ] {
        assert_eq!(parse(text), EnvFile::default(), "{text:?}");
    }
}

#[test]
fn positions() {
    // (text, entry index, line, column, value line, value column)
    #[rustfmt::skip]
    let cases: &[(&str, usize, u32, u32, u32, u32)] = &[
        ("KEY=v", 0, 1, 1, 1, 5),
        ("  KEY = v", 0, 1, 3, 1, 9),
        ("export  KEY=v", 0, 1, 9, 1, 13),
        ("\u{feff}KEY=v", 0, 1, 1, 1, 5),
        ("KEY=", 0, 1, 1, 1, 5),
        ("KEY=   ", 0, 1, 1, 1, 5),
        ("KEY=  # c", 0, 1, 1, 1, 5),
        ("KEY=\"v\"", 0, 1, 1, 1, 6),
        ("KEY= 'v'", 0, 1, 1, 1, 7),
        ("KEY=\"\"", 0, 1, 1, 1, 6),
        ("A=ü\n  K=1\nB=ü", 2, 3, 1, 3, 3),
        ("A=\"ö\nöö\" \n  B=1", 1, 3, 3, 3, 5),
        ("A=1\nB=2\n\nC=3", 2, 4, 1, 4, 3),
        ("A=1\r\nB=2\r\n\r\nC=3\r\n", 2, 4, 1, 4, 3),
        ("# c\r\n  B= x\r\n", 0, 2, 3, 2, 6),
        ("A=\"l1\nl2\nl3\"\nB=x", 1, 4, 1, 4, 3),
        ("A=\"l1\r\nl2\r\nl3\"\r\n  B=x", 1, 4, 3, 4, 5),
        ("A='x\ny'\nB=`\n\n`\nC=1", 2, 6, 1, 6, 3),
        ("A=\"ö\"\nB=ö", 0, 1, 1, 1, 4),
        ("K=ö #c\nL=é", 1, 2, 1, 2, 3),
    ];
    for &(text, idx, line, column, vline, vcol) in cases {
        let f = parse(text);
        assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
        let e = f
            .entries
            .get(idx)
            .unwrap_or_else(|| panic!("{text:?}: no entry {idx}"));
        assert_eq!(
            (e.line, e.column, e.value_line, e.value_column),
            (line, column, vline, vcol),
            "{text:?}"
        );
    }
}

#[test]
fn every_entry_in_order_with_duplicates() {
    let f = parse("A=1\nB='2'\nA=\"3\"\nexport B=4\n");
    assert!(f.errors.is_empty());
    let got: Vec<_> = f
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(got, [("A", "1"), ("B", "2"), ("A", "3"), ("B", "4")]);
}

#[test]
fn references() {
    #[rustfmt::skip]
    let cases: &[(&str, &[&str])] = &[
        ("K=${A}", &["A"]),
        ("K=$A", &["A"]),
        ("K=\"${A:-b}\"", &["A"]),
        ("K=${A-b}", &["A"]),
        ("K=${A:?need A} ${B?x} ${C:+y} ${D+z} ${E:=w}", &["A", "B", "C", "D", "E"]),
        ("K=\"http://$HOST:${PORT}/$HOST\"", &["HOST", "PORT"]),
        ("K=${A:-${B:-$C}}", &["A", "B", "C"]),
        ("K=$A_1.$b", &["A_1", "b"]),
        ("K='${A} $B'", &[]),
        ("K=`${A}`", &[]),
        ("K=\"\\${A} \\$B $C\"", &["C"]),
        ("K=\\$A $$B $$ ${C}", &["C"]),
        ("K=$ ${ } ${1} $1 ${A B} ${A:x} ${A", &[]),
        ("K=${A} #${B}", &["A"]),
        ("K=\"${A}\n$B\"", &["A", "B"]),
        ("K=price$", &[]),
    ];
    for &(text, refs) in cases {
        assert_eq!(one(text).references, refs, "{text:?}");
    }
}

#[test]
fn errors() {
    // (text, line, column, part of the message, keys still recorded)
    #[rustfmt::skip]
    let cases: &[(&str, u32, u32, &str, &[&str])] = &[
        ("FOO", 1, 1, "no `=`", &[]),
        ("A=1\n  stray text\nB=2", 2, 3, "no `=`", &["A", "B"]),
        ("export FOO", 1, 8, "no `=`", &[]),
        ("=value", 1, 1, "no key", &[]),
        ("  = value", 1, 3, "no key", &[]),
        ("1KEY=v", 1, 1, "start with a letter", &[]),
        ("-KEY=v", 1, 1, "start with a letter", &[]),
        ("MY KEY=v", 1, 3, "whitespace", &[]),
        ("A B C", 1, 1, "no `=`", &[]),
        ("KEY!=v", 1, 4, "not allowed", &[]),
        ("é=v\nKÉY=v", 1, 1, "start with a letter", &[]),
        ("x=1\nKÉY=v", 2, 2, "not allowed", &["x"]),
        ("KEY=\"a\"b", 1, 8, "after the closing double quote of the value of KEY at line 1", &["KEY"]),
        ("KEY='a' b", 1, 9, "closing single quote", &["KEY"]),
        ("K=\"ö\"x", 1, 6, "closing double quote", &["K"]),
        ("K=\"é\nöö\"x", 2, 4, "closes at line 2", &["K"]),
        ("KEY=`a``b`", 1, 8, "closing backtick", &["KEY"]),
        ("KEY=\"a\nb\" c\nN=1", 2, 4, "opens at line 1 and closes at line 2", &["KEY", "N"]),
        ("KEY=\"abc\nB=2", 1, 5, "unterminated double quote in the value of KEY starting at line 1", &["KEY", "B"]),
        ("A=1\r\n  KEY='abc\r\nB=2", 2, 7, "unterminated single quote", &["A", "KEY", "B"]),
        ("KEY=`abc", 1, 5, "unterminated backtick", &["KEY"]),
        ("1K=\"abc", 1, 1, "start with a letter", &[]),
    ];
    for &(text, line, column, needle, keys) in cases {
        let f = parse(text);
        let e = f
            .errors
            .first()
            .unwrap_or_else(|| panic!("{text:?}: no error"));
        assert_eq!((e.line, e.column), (line, column), "{text:?}: {e:?}");
        assert!(e.message.contains(needle), "{text:?}: {:?}", e.message);
        let got: Vec<_> = f.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(got, keys, "{text:?}");
    }
}

#[test]
fn invalid_key_still_consumes_a_multi_line_value() {
    let f = parse("1K=\"line1\nline2\"\nC=3");
    assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
    let got: Vec<_> = f.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(got, ["C"]);
}

#[test]
fn an_unclosed_quote_does_not_swallow_the_next_assignments() {
    // Issue 10: the value used to run on to the next quote, carrying the
    // live key on line 2 into NODE_ENV's value and into debug/debug-mode's
    // message.
    let f = parse("NODE_ENV=\"production\nSTRIPE_SECRET_KEY=sk_live_abc\nexport OTHER=\"x\"\n");
    assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
    let e = &f.errors[0];
    assert_eq!((e.line, e.column), (1, 10));
    assert!(
        e.message.contains("line 2 looks like the next assignment"),
        "{}",
        e.message
    );
    let got: Vec<_> = f
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("NODE_ENV", "production"),
            ("STRIPE_SECRET_KEY", "sk_live_abc"),
            ("OTHER", "x")
        ]
    );
}

#[test]
fn a_quoted_multi_line_value_with_base64_lines_is_one_value() {
    let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nabcDEF==\nQUJD=\n-----END PRIVATE KEY-----";
    let f = parse(&format!("KEY=\"{pem}\"\nNEXT=1\n"));
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let got: Vec<_> = f
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(got, [("KEY", pem), ("NEXT", "1")]);
}

#[test]
fn unterminated_quote_takes_the_rest_of_its_line() {
    let f = parse("JWT_SECRET=\"ab\\tc  \r\nNEXT=1\r\n");
    assert_eq!(f.errors.len(), 1);
    let e = f
        .errors
        .first()
        .map(|e| e.message.as_str())
        .unwrap_or_default();
    assert!(e.contains("JWT_SECRET") && e.contains("line 1"), "{e}");
    let got: Vec<_> = f
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(got, [("JWT_SECRET", "ab\tc  "), ("NEXT", "1")]);
    let first = f
        .entries
        .first()
        .map(|e| (e.quote, e.value_line, e.value_column));
    assert_eq!(first, Some((Quote::Double, 1, 13)));
}

#[test]
fn error_messages_never_contain_value_text() {
    let v = "S3cr3tV@lue";
    let texts = [
        format!("K=\"{v}\"{v}"),
        format!("K='{v}' {v}"),
        format!("K=`{v}`{v}"),
        format!("K=\"{v}\n{v}\"{v}"),
        format!("K=\"{v}"),
        format!("K='{v}\nX=1"),
        format!("K=`{v}"),
        v.to_string(),
        format!("{v}={v}"),
        format!("{v} {v}={v}"),
        format!("S3cr3t {v}={v}"),
        format!("S3cr3t!={v}"),
        format!("=\"{v}"),
        format!("export {v}"),
        format!("1{v}=\"{v}\"{v}"),
        format!("K=\"a\"\n{v}\nJ={v}\n{v}=\"{v}"),
    ];
    for text in &texts {
        let f = parse(text);
        assert!(!f.errors.is_empty(), "{text:?}: expected an error");
        for e in &f.errors {
            assert!(!e.message.contains("S3cr3t"), "{text:?}: {:?}", e.message);
            assert!(!e.message.contains("@lue"), "{text:?}: {:?}", e.message);
        }
    }
}

#[test]
fn large_inputs_are_linear() {
    let n = 200_000;
    let inputs = [
        "A=\"".repeat(n),
        "A='\n".repeat(n),
        "A=`x\nB=\"x\nC='x\n".repeat(n / 4),
        "K=\"\\".repeat(n),
        format!("K={}", "$A".repeat(n)),
        format!("K={}", "${A:-".repeat(n)),
        format!("K={}", "a#".repeat(n)),
        format!("K={}", "é".repeat(n)),
        "x".repeat(n),
        "=\n".repeat(n),
    ];
    for text in &inputs {
        check_invariants(text);
    }
}

/// Invariants on any input: no panic, positions point at keys/values, error
/// lines exist.
fn check_invariants(text: &str) {
    let f = parse(text);
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = body.split('\n').collect();
    let char_at = |line: u32, column: u32| -> Option<char> {
        let l = lines.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        l.chars().nth(usize::try_from(column).ok()?.checked_sub(1)?)
    };
    for e in &f.entries {
        assert_eq!(
            char_at(e.line, e.column),
            e.key.chars().next(),
            "{text:?}: {e:?}"
        );
        assert_eq!(e.value_line, e.line, "{text:?}: {e:?}");
        assert!(e.value_column > e.column, "{text:?}: {e:?}");
        // The char before the value is its opening quote, or `=`/a blank.
        let before = char_at(e.value_line, e.value_column - 1);
        match (e.quote, e.value.chars().next()) {
            (Quote::None, Some(c)) => assert_eq!(char_at(e.value_line, e.value_column), Some(c)),
            (Quote::None, None) => assert_eq!(before, Some('=')),
            (Quote::Single, _) => assert_eq!(before, Some('\'')),
            (Quote::Double, _) => assert_eq!(before, Some('"')),
            (Quote::Backtick, _) => assert_eq!(before, Some('`')),
        }
    }
    for e in &f.errors {
        assert!(
            e.line >= 1 && e.line as usize <= lines.len(),
            "{text:?}: {e:?}"
        );
        assert!(e.column >= 1, "{text:?}: {e:?}");
    }
}

const ALPHABET: &[&str] = &[
    "=", "\"", "'", "`", "#", "$", "{", "}", "\\", "\n", "\r", "\r\n", "export", "export ", " ",
    "\t", "A", "Z", "a", "z", "K", "_", ".", "-", "1", ":-", "é", "\u{feff}",
];

fn env_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_keep_the_invariants(bytes in any::<Vec<u8>>()) {
        check_invariants(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn env_like_text_keeps_the_invariants(text in env_like()) {
        check_invariants(&text);
    }
}
