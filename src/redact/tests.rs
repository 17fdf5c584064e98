use super::*;

// shipcheck-ignore: stripe/live-key-in-repo -- a made-up key the redaction tests mask
const LIVE: &str = "sk_live_51HqLyjWDarjtT1zdp7dc4eC39Z9fQa";

#[test]
fn secret_shapes_are_masked_even_when_glued_to_a_word() {
    for (input, want) in [
        (format!("key={LIVE}"), "key=sk_live_…9fQa".to_string()),
        (format!("\"\\n{LIVE}\""), "\"\\nsk_live_…9fQa\"".to_string()),
        (format!("%3D{LIVE}"), "%3Dsk_live_…9fQa".to_string()),
        (format!("x_{LIVE}"), "x_sk_live_…9fQa".to_string()),
        (format!("é{LIVE}"), "ésk_live_…9fQa".to_string()),
        (
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789".to_string(),
            "ghp_…6789".to_string(),
        ),
        (
            "idAKIAIOSFODNN7EXAMPLE".to_string(),
            "idAKIA…MPLE".to_string(),
        ),
    ] {
        assert_eq!(text(&input), want, "{input}");
    }
}

#[test]
fn identifiers_that_merely_contain_a_prefix_are_left_alone() {
    for s in [
        "desk_test_environment",
        "task_live_updates_enabled",
        "const highs_and_lows = 1;",
        "console.log(x)",
        "https://example.com/a/b?page=2&sort=asc",
        "http://localhost:3000/@vite/client",
        "src/app.ts:12:5",
        r#"{"rule":"debug/console","message":"a@b"}"#,
        "TODO(alice): ask @bob",
    ] {
        assert_eq!(text(s), s);
    }
}

#[test]
fn url_passwords_are_masked_whatever_the_scheme_looks_like() {
    for (input, want) in [
        (
            "postgres://app:Pw0rd-123@db/app",
            "postgres://app:***@db/app",
        ),
        ("postgres:/app:Pw0rd-123@db/app", "postgres:/app:***@db/app"),
        ("postgresql:app:Pw0rd-123@db", "postgresql:***@db"),
        ("postgres//app:Pw0rd-123@db", "postgres//app:***@db"),
        ("redis://:Pw0rd-123@cache:6379", "redis://:***@cache:6379"),
        (
            "postgres://app:p@ss/w?rd@db/app",
            "postgres://app:***@db/app",
        ),
        (
            "mysql://u@h/db?password=Pw0rd-123&ssl=1",
            "mysql://u@h/db?password=***&ssl=1",
        ),
        (
            "postgres://h/db?%70assword=Pw0rd-123",
            "postgres://h/db?%70assword=***",
        ),
        (
            "Host=db;Password=Pw0rd-123;Port=5",
            "Host=db;Password=***;Port=5",
        ),
    ] {
        assert_eq!(text(input), want, "{input}");
    }
}

#[test]
fn registered_values_are_masked_anywhere_and_in_their_escaped_spellings() {
    let secret = "Zq8#pL2!vR9$wK4&mN7*hJ3^xB6";
    assert!(register(secret));
    assert!(!text(&format!("TODO rotate {secret} soon")).contains("pL2!vR9$"));
    // JSON-escaped and percent-encoded spellings are registered too.
    let two_lines = "first-line-Tq9Xw2Lm\nsecond-line-Vb7Kp4Rs";
    assert!(register(two_lines));
    let json = serde_json::to_string(two_lines).unwrap();
    assert!(!text(&json).contains("Tq9Xw2Lm"), "{}", text(&json));
    assert!(!text("x second-line-Vb7Kp4Rs y").contains("Vb7Kp4"));
    assert!(!text(&percent_encode(secret)).contains("pL2%21vR9"));
}

#[test]
fn only_values_that_can_be_secrets_are_registered() {
    for v in [
        "true",
        "production",
        "postgres",
        "5432",
        "1.2.3",
        "short",
        "2026-12-04",
        "PRODUCTION",
    ] {
        assert!(!is_registrable(v), "{v}");
    }
    assert!(is_registrable("hunter2hunter2"));
}

#[test]
fn the_caret_stays_on_the_same_code_after_masking() {
    let line = format!("const k = \"{LIVE}\"; console.log(k);");
    let caret = line.find("console").unwrap() as u32;
    let (shown, c) = with_caret(&line, caret);
    assert!(shown[..]
        .chars()
        .skip(c as usize)
        .collect::<String>()
        .starts_with("console"));
}

#[test]
fn register_url_credentials_registers_the_password_of_a_mistyped_url() {
    register_url_credentials("postgresql:app:Mx7-secret-Qw2@db.internal/app");
    assert!(!text("password was Mx7-secret-Qw2 yesterday").contains("Mx7-secret"));
}

#[test]
fn shortening_never_leaves_a_fragment_of_a_token() {
    assert_eq!(shorten("fix this soon", 80), ("fix this soon", false));
    assert_eq!(
        shorten("rotate Zq8pL2vR9wK4mN7hJ3xB6 now", 10),
        ("rotate", true)
    );
    assert_eq!(shorten("ab cd ef", 5), ("ab cd", true));
}

#[test]
fn a_part_of_a_random_secret_is_masked_without_its_tail() {
    // The production value is `x` + key; the code holds the key alone.
    let key = "Vq7TzP2mKc9RwL4xNb8HsJ3dFg6YtA1e";
    assert!(register(&format!("x{key}")));
    let shown = text(&format!("console.log(\"{key}\")")).into_owned();
    assert!(
        !shown.contains(&key[..8]) && !shown.contains(&key[20..28]),
        "{shown}"
    );
    assert_eq!(shown, "console.log(\"…\")");
    // The whole value still shows its last four.
    assert_eq!(
        text(&format!("x{key}")),
        format!("…{}", &key[key.len() - 4..])
    );
    // A host name is not a key: none of it is masked elsewhere.
    assert!(!looks_random("learn.example.com"));
    // A weak value registers whole only: its words stay readable.
    assert!(register("changeme123456"));
    assert_eq!(
        text("a placeholder (changeme) was found"),
        "a placeholder (changeme) was found"
    );
}

/// The streaming redactor gives what redacting the whole text gives, however
/// the writes cut the text (a key split across two writes is still masked).
#[test]
fn the_line_redactor_masks_keys_split_across_writes() {
    use std::io::Write;
    let whole = format!("{{\n  \"message\": \"key {LIVE} here\",\n  \"x\": 1\n}}\nlast {LIVE}");
    let want = text(&whole).into_owned();
    assert!(!want.contains(LIVE));
    for cut in [1, 7, 20, 30, 33, 50, whole.len() - 3] {
        let mut w = LineRedactor::new(Vec::new());
        w.write_all(&whole.as_bytes()[..cut]).unwrap();
        w.write_all(&whole.as_bytes()[cut..]).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(out, want, "cut at {cut}");
    }
}

proptest::proptest! {
    /// Lines written as they are when nothing in them can need masking
    /// (one search of each block) come out as redacting each line gives,
    /// however the writes cut them.
    #[test]
    fn the_line_redactors_unchanged_lines_are_what_each_line_gives(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "plain text", " ", "\n", "\n", "=", "@", "a=b", "?password=hunter2&x=1",
                "postgres://u:pw123@host/db", "rk_test_QQQQQQQQQQQQQQQQQQQQ", "SK", "é",
                "\"message\": ", "{", "}", "ghp_", "\r\n",
            ]),
            0..40,
        ),
        cuts in proptest::collection::vec(0usize..400, 0..4),
    ) {
        use std::io::Write;
        let whole = pieces.concat();
        let want: String = whole.split_inclusive('\n').map(|l| text(l).into_owned()).collect();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(whole.len())).collect();
        cuts.sort_unstable();
        let mut w = LineRedactor::new(Vec::new());
        w.no_values = true;
        let mut from = 0;
        for cut in cuts.into_iter().chain([whole.len()]) {
            w.write_all(&whole.as_bytes()[from..cut]).unwrap();
            from = cut;
        }
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        proptest::prop_assert_eq!(out, want);
    }
}

/// Every shape the secret regex masks holds one of the literals that
/// decide whether it runs at all (built here, so no key sits in the source).
#[test]
fn every_secret_shape_passes_the_literal_check() {
    let r = |n: usize, c: &str| c.repeat(n);
    let shapes = [
        format!("sk_live_{}", r(24, "a")),
        format!("rk_test_{}", r(16, "B")),
        format!("whsec_{}", r(16, "c")),
        format!("ghs_{}", r(30, "d")),
        format!("github_pat_{}", r(30, "e")),
        format!("xoxs-{}", r(10, "f")),
        format!("ASIA{}", r(16, "G")),
        format!("eyJ{}.{}.{}", r(8, "h"), r(8, "i"), r(8, "j")),
        format!("SG.{}.{}", r(22, "k"), r(43, "l")),
        format!("re_{}_{}", r(8, "m"), r(24, "n")),
        format!("SK{}", r(32, "0")),
        format!("sk-proj-{}", r(20, "o")),
        format!("xapp-{}", r(10, "p")),
        format!("PRIVATE KEY-----\\n{}", r(16, "Q")),
    ];
    for s in &shapes {
        let line = format!("value: {s} end");
        assert!(super::SECRET_SHAPED.is_match(&line), "{s}");
        assert!(
            super::SECRET_SHAPED_LITERALS.is_match(line.as_bytes()),
            "{s}"
        );
        assert!(super::may_hold_secret_shape(&line), "{s}");
        assert!(!text(&line).contains(s.as_str()), "{s} shown");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

    /// Text the secret-shape pattern matches always passes the check that
    /// decides whether it runs; everyday words holding a literal do not.
    #[test]
    fn secret_shapes_pass_the_body_check(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "sk_live_", "pk_test_", "k_live_", "whsec_", "ghp_", "github_pat_", "xoxb-", "xoxa-",
            "AKIA", "ASIA", "eyJ", ".", "SG.", "re_", "SK", "SK0", "SKf", "SKA", "sk-", "sk-ant-",
            "xapp-", "PRIVATE KEY-----", "\\n", "\n", " ", "\t", "_", "-", "+", "/", "=",
            "abcd1234", "ABCDEFGH", "0123456789abcdef", "x", "é", "a", "\u{a0}",
        ]), 0..14)
    ) {
        let text = pieces.concat();
        proptest::prop_assert!(
            !super::SECRET_SHAPED.is_match(&text) || super::may_hold_secret_shape(&text),
            "{:?}", text
        );
    }
}

#[test]
fn everyday_words_holding_a_key_literal_skip_the_secret_pattern() {
    for line in [
        "TASK-1234: RISK of DISK full",
        "before_save :store_id, if: :are_ok?",
        "const desk-top = task-runner",
        "SG.x = eyJ.y",
    ] {
        assert!(
            super::SECRET_SHAPED_LITERALS.is_match(line.as_bytes()),
            "{line}"
        );
        assert!(!super::may_hold_secret_shape(line), "{line}");
    }
}

/// On a walk's worker a registered value masks its own file's text at
/// once, another file's only after the walk hands it back, and the
/// process-wide registry does not hold it in between.
#[test]
fn values_a_walk_registers_are_held_back_until_it_ends() {
    let own = "held7Kq2Vw9Zr4Tx8Ln3Bj6";
    let other = "keep5Hm1Qs8Yd2Gf7Pc4Nx0";
    let ((), held) = std::thread::spawn(move || {
        holding_back(|| {
            next_file();
            assert!(register(own));
            assert_eq!(text(own), format!("…{}", &own[own.len() - 4..]));
            next_file();
            assert_eq!(text(own), own, "another file's value masks nothing yet");
            assert!(register(other));
            assert_ne!(text(other), other);
        })
    })
    .join()
    .unwrap();
    assert_eq!(held, [own, other]);
    assert_eq!(
        text(own),
        own,
        "not registered for the process until handed back"
    );
    for v in &held {
        register(v);
    }
    assert_ne!(text(own), own);
    assert_ne!(text(other), other);
}

/// The public prefix as the pattern it replaced reads it.
static PUBLIC_PREFIX: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:sk|rk|pk)_(?:live|test)_|whsec_|gh[pousr]_|github_pat_|xox[abprs]-|AKIA|ASIA|eyJ|SG\.|re_|SK|sk-(?:ant-|proj-|svcacct-|admin-)?|xapp-|PRIVATE KEY-----)",
    )
    .expect("valid prefix pattern")
});

/// Pieces of key-shaped text: the public prefixes, prefixes cut short,
/// bodies, and what stands around a key (word characters, blanks,
/// escapes, dots).
fn key_pieces() -> Vec<&'static str> {
    let around = [
        "sk",
        "_live",
        "gh",
        "xox",
        "ABCDEFGH2345",
        "abcdefgh",
        "0123456789abcdef",
        "Zz9_-",
        "+/=",
        ".",
        "_",
        "-",
        " ",
        "\n",
        "\\n",
        "\t",
        "x",
        "=",
        "\"",
        "'",
    ];
    super::PUBLIC_PREFIXES
        .iter()
        .copied()
        .chain(around)
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

    /// `public_prefix` is the prefix the pattern finds.
    #[test]
    fn the_public_prefix_is_the_patterns(pieces in proptest::collection::vec(
        proptest::sample::select(key_pieces()), 0..6,
    )) {
        let token = pieces.concat();
        proptest::prop_assert_eq!(
            public_prefix(&token),
            PUBLIC_PREFIX.find(&token).map_or("", |m| m.as_str()),
            "{:?}", token
        );
    }

    /// On ASCII text the shapes compiled ahead of time find what the
    /// runtime pattern finds, where it finds it.
    #[test]
    fn prebuilt_secret_shapes_are_the_patterns_on_ascii(pieces in proptest::collection::vec(
        proptest::sample::select(key_pieces()), 0..14,
    )) {
        let text = pieces.concat();
        let prebuilt: Vec<(usize, usize)> = crate::prebuilt::REDACT_SECRET_SHAPED
            .find_iter(&text)
            .map(|m| (m.start, m.end))
            .collect();
        let runtime: Vec<(usize, usize)> =
            SECRET_SHAPED.find_iter(&text).map(|m| (m.start(), m.end())).collect();
        proptest::prop_assert_eq!(prebuilt, runtime, "{:?}", text);
    }
}

/// Text beyond ASCII still goes to the runtime pattern: a key glued to a
/// letter beyond ASCII has no word boundary before it in Unicode, and is
/// not masked as the first alternative; ASCII mode would see one.
#[test]
fn text_beyond_ascii_keeps_the_unicode_pattern() {
    let text = format!("é{}{}", "ghp_", "a1".repeat(5));
    let found: Vec<_> = spans(&text).into_iter().map(|(s, e, _)| (s, e)).collect();
    assert_eq!(found, []);
    assert!(SECRET_SHAPED.find(&text).is_none());
    // ASCII mode would have masked it.
    assert!(crate::prebuilt::REDACT_SECRET_SHAPED.find(&text).is_some());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
    /// The userinfo passwords matched by hand are the regex's: group 1 of
    /// each match, leftmost first, not overlapping; blanks beyond ASCII
    /// (and the vertical tab) end a password as the regex's `\s` does.
    #[test]
    fn userinfo_passwords_are_the_regexs(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                ":", "@", "/", "//", " ", "\t", "\u{b}", "\u{c}", "\"", "'", "<", ">", "`",
                "a", "pw", "é", "\u{a0}", "\u{85}", "\u{2028}", "\u{1c}", "postgres://", "u:p@h",
                "redis://:p@h", "x@y", "::", "@@", "\n",
            ]),
            0..24,
        ),
    ) {
        static RE: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(USERINFO).expect("valid userinfo pattern"));
        let text = pieces.concat();
        let want: Vec<(usize, usize)> = RE
            .captures_iter(&text)
            .map(|c| c.get(1).map(|m| (m.start(), m.end())).expect("group 1"))
            .collect();
        proptest::prop_assert_eq!(userinfo_passwords(&text), want, "{:?}", text);
    }
}

proptest::proptest! {
    /// Masking a shown line in place gives what `with_caret` gives, the
    /// caret too: lines with and without secrets, non-ASCII text, carets
    /// inside, at the end of and past the line.
    #[test]
    fn a_line_masked_in_place_is_what_with_caret_gives(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "plain ", "é", "日本", " ", "x=1", "postgres://u:pw123@host/db ",
                "rk_test_QQQQQQQQQQQQQQQQQQQQ", "console.log(k)", "\t",
            ]),
            0..8,
        ),
        caret in 0u32..80,
    ) {
        let line = pieces.concat();
        let want = with_caret(&line, caret);
        let (mut got, mut got_caret) = (line.clone(), caret);
        with_caret_in_place(&mut got, &mut got_caret);
        proptest::prop_assert_eq!((got, got_caret), want);
    }
}
