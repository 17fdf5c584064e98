use super::*;
use crate::config::Settings;
use std::path::Path;

/// (name, line, optional) of every read in `src` written at `path`.
fn reads(path: &str, src: &str, accessors: &[&str]) -> Vec<(String, u32, bool)> {
    let settings = Settings::defaults();
    let lang = Lang::detect(Path::new(path), "").expect("known language");
    let file = SourceFile::new(path, lang, src, &settings);
    let acc: Vec<Regex> = accessors
        .iter()
        .map(|a| accessor_regex(a).unwrap())
        .collect();
    let mut v: Vec<_> = reads_in(&file, &acc)
        .into_iter()
        .map(|r| (r.name, r.line, r.optional))
        .collect();
    v.sort();
    v
}

fn r(name: &str, line: u32, optional: bool) -> (String, u32, bool) {
    (name.to_string(), line, optional)
}

#[test]
fn javascript_reads() {
    let src = "const a = process.env.API_URL;\nconst b = process.env['REDIS_URL'] ?? 'redis://localhost';\nconst c = import.meta.env.VITE_KEY || 'x';\n// process.env.IN_COMMENT\nconst s = 'process.env.IN_STRING';\nconst { JWT_SECRET, SESSION_SECRET: session, PORT = '3000', TTL: ttl = '24', ...rest } = process.env;\nconst m = import.meta.env.MODE;\n";
    assert_eq!(
        reads("src/a.ts", src, &[]),
        [
            r("API_URL", 1, false),
            r("JWT_SECRET", 6, false),
            r("PORT", 6, true),
            r("REDIS_URL", 2, true),
            r("SESSION_SECRET", 6, false),
            r("TTL", 6, true),
            r("VITE_KEY", 3, true)
        ]
    );
}

#[test]
fn schema_keys_are_reads() {
    let src = "export const env = createEnv({\n  server: {\n    DATABASE_URL: z.string().url(),\n    SENTRY_DSN: z.string().optional(),\n  },\n  client: { NEXT_PUBLIC_API_URL: z.string() },\n  runtimeEnv: { DATABASE_URL: process.env.DATABASE_URL },\n});\nconst cfg = cleanEnv(process.env, {\n  PORT: port({ default: 3000 }),\n  RESEND_API_KEY: str(),\n});\n";
    assert_eq!(
        reads("src/env.ts", src, &[]),
        [
            r("DATABASE_URL", 3, false),
            r("DATABASE_URL", 7, false),
            r("NEXT_PUBLIC_API_URL", 6, false),
            r("PORT", 10, true),
            r("RESEND_API_KEY", 11, false),
            r("SENTRY_DSN", 4, true)
        ]
    );
}

#[test]
fn other_languages() {
    let py = "import os\nA = os.environ['A']\nB = os.environ.get('B', 'd')\nC = os.getenv(\"C\")\n# os.getenv('D')\n";
    assert_eq!(
        reads("w.py", py, &[]),
        [r("A", 2, false), r("B", 3, true), r("C", 4, true)]
    );
    let rb = "a = ENV['A']\nb = ENV.fetch('B', 'x')\nc = ENV.fetch('C')\nd = ENV['D'] || 'y'\n";
    assert_eq!(
        reads("c.rb", rb, &[]),
        [
            r("A", 1, false),
            r("B", 2, true),
            r("C", 3, false),
            r("D", 4, true)
        ]
    );
    let rs = "let a = std::env::var(\"A\")?;\nlet b = env!(\"B\");\nlet c = option_env!(\"C\");\nlet d = env::var(\"D\").unwrap_or_default();\n";
    assert_eq!(
        reads("m.rs", rs, &[]),
        [
            r("A", 1, false),
            r("B", 2, false),
            r("C", 3, true),
            r("D", 4, true)
        ]
    );
    let go = "package m\nvar a = os.Getenv(\"A\")\nvar b, ok = os.LookupEnv(\"B\")\n";
    assert_eq!(reads("m.go", go, &[]), [r("A", 2, false), r("B", 3, true)]);
    let php = "<?php\n$a = getenv('A');\n$b = $_ENV['B'] ?? 'x';\n";
    assert_eq!(
        reads("i.php", php, &[]),
        [r("A", 2, false), r("B", 3, true)]
    );
    let prisma = "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n";
    assert_eq!(
        reads("prisma/schema.prisma", prisma, &[]),
        [r("DATABASE_URL", 3, false)]
    );
}

/// Issue 12's classes, from real apps: optional reads, assignments, and
/// what is not a variable name at all.
#[test]
fn optional_reads_assignments_and_dynamic_names() {
    let py = "import os\nA = os.environ.get('A')\nB = os.getenv('B')\nos.environ['C'] = '1'\nos.environ.setdefault('D', 'x')\nname = os.environ.get('DJANGO_SUPERUSER_' + suffix)\nE = os.environ['E']\nif os.environ['F'] == 'x': pass\n";
    assert_eq!(
        reads("settings.py", py, &[]),
        [
            r("A", 2, true),
            r("B", 3, true),
            r("E", 7, false),
            r("F", 8, false)
        ]
    );
    let rb = "a = ENV['A'].present?\nb = ENV.key?('B')\nc = ENV.fetch('C', nil)\nENV['D'] = 'true'\ne = ENV['E']&.split(',')\nf = ENV['F'] == 'x'\ng = ENV.fetch('G')\n";
    assert_eq!(
        reads("config/application.rb", rb, &[]),
        [
            r("A", 1, true),
            r("B", 2, true),
            r("C", 3, true),
            r("E", 5, true),
            r("F", 6, true),
            r("G", 7, false)
        ]
    );
    let js = "process.env.TZ = 'UTC';\nif (process.env.CI === 'true') {}\nconst { continent, region } = process.env.VERCEL === '1' ? geo : {};\nconst { A } = process.env;\nprocess.env.B ??= 'x';\n";
    assert_eq!(
        reads("src/a.ts", js, &[]),
        [
            r("A", 4, false),
            r("B", 5, true),
            r("CI", 2, true),
            r("VERCEL", 3, true)
        ]
    );
}

/// t3-env: a key declared `.optional()` is optional where `runtimeEnv`
/// re-reads it too.
#[test]
fn t3_env_optional_keys_stay_optional_in_runtime_env() {
    let src = "export const env = createEnv({\n  server: {\n    SENTRY_DSN: z.string().optional(),\n    DATABASE_URL: z.string(),\n  },\n  runtimeEnv: {\n    SENTRY_DSN: process.env.SENTRY_DSN,\n    DATABASE_URL: process.env.DATABASE_URL,\n  },\n});\n";
    assert_eq!(
        reads("src/env.mjs", src, &[]),
        [
            r("DATABASE_URL", 4, false),
            r("DATABASE_URL", 8, false),
            r("SENTRY_DSN", 3, true),
            r("SENTRY_DSN", 7, true)
        ]
    );
}

#[test]
fn compose_interpolation() {
    let yml = "services:\n  api:\n    image: \"api:${IMAGE_TAG:-latest}\"\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n      TOKEN: ${TOKEN:?set it}\n      PRICE: $$NOT_A_VAR\n    # ${IN_COMMENT}\n";
    assert_eq!(
        reads("docker-compose.prod.yml", yml, &[]),
        [
            r("DATABASE_URL", 5, false),
            r("IMAGE_TAG", 3, true),
            r("TOKEN", 6, false)
        ]
    );
    assert!(
        reads("config.yml", yml, &[]).is_empty(),
        "only compose files interpolate"
    );
}

#[test]
fn configured_accessors() {
    let src = "const a = env('A');\nconst b = config.get(\"B\", 'd');\nconst c = myenv('C');\n";
    assert_eq!(
        reads("src/a.ts", src, &["env", "config.get"]),
        [r("A", 1, false), r("B", 2, true)]
    );
}

/// `os.getenv("X")` is optional (it yields `None`) but supplies no value of
/// its own: `env/missing` still wants a variable the template declares.
#[test]
fn nullable_reads_are_optional_but_not_defaulted() {
    let settings = Settings::defaults();
    let src = "import os\nA = os.getenv('A')\nB = os.getenv('B', 'x')\nC = os.environ.get('C')\n";
    let lang = Lang::detect(Path::new("w.py"), "").expect("known language");
    let file = SourceFile::new("w.py", lang, src, &settings);
    let mut got: Vec<(String, bool, bool)> = reads_in(&file, &[])
        .into_iter()
        .map(|r| (r.name, r.optional, r.defaulted))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("A".to_string(), true, false),
            ("B".to_string(), true, true),
            ("C".to_string(), true, false)
        ]
    );
}

/// A test of a variable handles its absence: optional (a warning when
/// undeclared), in JS, Ruby and PHP where unset reads as false.
#[test]
fn presence_tests_are_optional_reads() {
    let js = "if (!!process.env.RUN_CRON) {}\nconst d = process.env.DEBUG_PDF === '1';\nif (process.env.POSTGRES_URL) {}\nconst n = parseInt(process.env.RATE_LIMIT, 10) || 200;\nconst t = process.env.TLS ? 'https' : 'http';\nconst db = process.env.DATABASE_URL;\nconnect(process.env.REDIS_URL);\n";
    assert_eq!(
        reads("src/a.ts", js, &[]),
        [
            r("DATABASE_URL", 6, false),
            r("DEBUG_PDF", 2, true),
            r("POSTGRES_URL", 3, true),
            r("RATE_LIMIT", 4, true),
            r("REDIS_URL", 7, false),
            r("RUN_CRON", 1, true),
            r("TLS", 5, true)
        ]
    );
    let wrapped = "const c = process.env.MCP_ONLY\n  ? [a]\n  : [b];\nconst d = process.env.D\n  .split(',');\n";
    assert_eq!(
        reads("src/m.ts", wrapped, &[]),
        [r("D", 4, false), r("MCP_ONLY", 1, true)]
    );
    let rb = "if ENV['A']\nend\nb = ENV['B'] == 'true'\nc = ENV['C']\n";
    assert_eq!(
        reads("config/x.rb", rb, &[]),
        [r("A", 1, true), r("B", 3, true), r("C", 4, false)]
    );
    // Python raises on a missing key, compared or not.
    let py = "import os\nif os.environ['A'] == '1': pass\n";
    assert_eq!(reads("w.py", py, &[]), [r("A", 2, false)]);
}

/// A variable the file tests for presence is optional in that file: its
/// other reads sit behind the test.
#[test]
fn a_variable_tested_for_presence_is_optional_in_its_file() {
    let js = "if (process.env.POSTGRES_URL) {\n  db = process.env.POSTGRES_URL;\n}\nconst m = process.env.MAIN_URL ? [process.env.MAIN_URL] : [];\nif (!process.env.REPLICAS) return;\nconst r = process.env.REPLICAS.split(',');\nif (process.env.A) {\n  use(process.env.B);\n}\n";
    assert_eq!(
        reads("src/db.ts", js, &[]),
        [
            r("A", 7, true),
            r("B", 8, false),
            r("MAIN_URL", 4, true),
            r("MAIN_URL", 4, true),
            r("POSTGRES_URL", 1, true),
            r("POSTGRES_URL", 2, true),
            r("REPLICAS", 5, true),
            r("REPLICAS", 6, true)
        ]
    );
    let rb = "if ENV['PLAID_ID'].present?\n  config.id = ENV['PLAID_ID']\nend\n";
    assert_eq!(
        reads("config/initializers/plaid.rb", rb, &[]),
        [r("PLAID_ID", 1, true), r("PLAID_ID", 2, true)]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
    /// Every match of a read pattern holds the literal that gates it, so
    /// a file without the literal has no read the pattern would find.
    #[test]
    fn read_patterns_hold_their_literals(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "process.env", "import.meta.env", "environ", "os.", "getenv", "Getenv", "LookupEnv",
            "ENV", "env::var", "env::var_os", "option_env!", "env!", "env", "$_ENV", "$_SERVER",
            ".", "[", "]", "(", ")", "\"", "'", "`", " ", "\n", ",", "NAME", "??", "||", "get",
            "fetch", "key?", "é", "process.env.NAME", "process.env[\"NAME\"]",
            "import.meta.env.NAME", "environ[\"NAME\"]", "environ.get(\"NAME\")", "getenv('NAME')",
            "ENV[\"NAME\"]", "ENV.fetch(\"NAME\")", "ENV.key?(\"NAME\")", "ENV.member?(\"NAME\")", "env::var(\"NAME\")",
            "option_env!(\"NAME\")", "env!(\"NAME\")", "os.Getenv(\"NAME\")",
            "os.LookupEnv(\"NAME\")", "$_ENV['NAME']", "$_SERVER['NAME']", "env(\"NAME\")",
        ]), 0..14)
    ) {
        let text = pieces.concat();
        for p in READS.iter() {
            proptest::prop_assert!(
                !p.re.is_match(&text) || text.contains(p.literal),
                "{:?} matched {:?} without {:?}", p.re.as_str(), text, p.literal
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

    /// The hand matchers (the JS reads, Python's, Ruby's, Prisma's) find
    /// what their regexes find: the same reads, names and fallbacks.
    #[test]
    fn hand_matched_reads_are_the_regexes(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "process.env.", "process.env[", "import.meta.env.", "process.env", "import.meta.env",
            "A", "_", "1", "Z9", "'", "\"", "`", "]", "[", " ", "\t", "\n", "\u{a0}", "\u{2028}",
            "??", "||", "?", "|", ".", "é", "x", "process.env.API_URL", "process.env['A_B']",
            "import.meta.env.VITE_X ?? 'd'", " || ", "process.env.process.env.X",
            "process.env['", "process.env[\"A_1\"", "process.env[ `X` ]", "'X'", "\"Y\" ",
            "process.env['Z'", "process.env[ '9'] ", "process.env[\u{a0}'B'\u{a0}]",
            "env(", "environ[", "environ.get(", "getenv(", "os.environ", "(", ")", ",",
            "env(\"DATABASE_URL\")", "environ['A']", "getenv(\"B\", 'd')",
            "environ.get( 'C' )", "env( \"X\"\u{2028})", "getenv('9')", "envenv(",
            "ENV[", "ENV.fetch(", "ENV.", "ENV['A']", "ENV[\"B\"] ", "||", ".", " .present?",
            ".blank?", "nil?", ".presence", "presence", "é", "&.", ".empty?", "key?(", "has_key?(",
            "include?(", "member?(", "ENV.key?('K')", "ENV.fetch('F')", " {", " do", "do", "done",
            "ENV.fetch(\"G\", 1)", ") do |", "{", "ENV.fetch('H'){",
        ]), 0..16)
    ) {
        let text = pieces.concat();
        for p in READS.iter().filter(|p| p.hand.is_some()) {
            let by_hand: Vec<_> = p
                .matches(&text)
                .into_iter()
                .map(|c| (c.whole, c.name, c.fallback))
                .collect();
            let by_regex: Vec<_> = p
                .re
                .captures_iter(&text)
                .map(|c| {
                    (
                        c.get(0).unwrap().range(),
                        c.get(1).unwrap().range(),
                        c.get(2).map(|f| f.range()),
                    )
                })
                .collect();
            proptest::prop_assert_eq!(by_hand, by_regex, "{:?} on {:?}", p.literal, text);
        }
    }
}

/// What [`super::assigned_variable`] finds by hand, as a pattern.
pub(super) static ASSIGNED_TO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"(?:process\.env\.([A-Za-z_][A-Za-z0-9_]*)|(?:process\.env|ENV|os\.environ)\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\])\s*=\s*$"#,
    )
    .expect("valid pattern")
});

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

    /// The variable a read is assigned to, found by hand, is the pattern's.
    #[test]
    fn assigned_variables_are_the_patterns(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "process.env.", "process.env", "ENV", "os.environ", "MY_ENV", "environ", "process.",
            "[", "]", "'", "\"", "`", "=", "==", " = ", " ", "\t", "\u{a0}", "\u{2028}", "\n",
            "A", "_", "9", "B_1", "é", ".", "x", "process.env.B = ", "ENV['B'] = ",
            "os.environ[ \"C\" ] =", "process.env[\"D\"]\u{a0}=\u{a0}", "process.env.9 =",
            "process.env['1A'] = ", "ENV[\"A'] = ", "process.env.Aé = ",
        ]), 0..10)
    ) {
        let text = pieces.concat();
        let by_hand = super::assigned_variable(&text, text.len());
        let line_start = text.rfind('\n').map_or(0, |i| i + 1);
        let by_pattern = ASSIGNED_TO
            .captures(&text[line_start..])
            .and_then(|c| c.get(1).or(c.get(2)))
            .map(|m| m.as_str().to_string());
        proptest::prop_assert_eq!(by_hand, by_pattern, "{:?}", text);
    }
}

#[test]
fn assigned_variables() {
    let at_end = |t: &str| super::assigned_variable(t, t.len());
    assert_eq!(
        at_end("process.env.DATABASE_URL = ").as_deref(),
        Some("DATABASE_URL")
    );
    assert_eq!(at_end("x\n  ENV['REDIS_URL'] ||= ").as_deref(), None);
    assert_eq!(at_end("os.environ[ \"KEY\" ]=").as_deref(), Some("KEY"));
    assert_eq!(at_end("const key = "), None);
    assert_eq!(at_end("process.env.A = x; const b = "), None);
}

/// What the hand matchers of destructuring, compose variables and env
/// schemas find, as patterns (the `regex` crate's, Unicode blanks and word
/// boundaries).
static DESTRUCTURE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?:const|let|var)\s*\{([^{}]*)\}\s*=\s*(?:process\.env|import\.meta\.env)\b",
    )
    .expect("valid pattern")
});
static COMPOSE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))")
        .expect("valid pattern")
});
static SCHEMA_START: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b(?:createEnv|cleanEnv)\s*\(").expect("valid pattern")
});
static SCHEMA_SECTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b(?:server|client|shared)\s*:\s*\{").expect("valid pattern")
});

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

    /// Destructuring found by hand is the pattern's: the same spans and
    /// the same braces' insides.
    #[test]
    fn destructuring_by_hand_is_the_pattern(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "const", "let", "var", "{", "}", "A", ", B: b", " ", "\n", "\u{a0}", "\u{2028}", "=",
            "==", "process.env", "import.meta.env", "process.env.X", "é", "const { A } = process.env",
            "} =process.env", "}\u{a0}=\u{2028}import.meta.env", "x", "_", "1", "\u{300}", "\u{203f}",
            "constlet", "xvar{", "import.meta.process.env",
        ]), 0..12)
    ) {
        let text = pieces.concat();
        let by_regex: Vec<_> = DESTRUCTURE
            .captures_iter(&text)
            .map(|c| (c.get(0).unwrap().range(), c.get(1).unwrap().range()))
            .collect();
        proptest::prop_assert_eq!(super::destructures(&text), by_regex, "{:?}", text);
    }

    /// Compose variables found by hand are the pattern's: span, name and
    /// modifier.
    #[test]
    fn compose_variables_by_hand_are_the_pattern(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "$", "{", "}", "A", "_", "1", "Z9", ":", "-", "?", "+", "d", " ", "\n", "é", "$$",
            "${X}", "${X:-d}", "${X-d}", "${X:?e}", "${X+y}", "$X", "${", "${9}", "${A:x}", "${A:",
        ]), 0..14)
    ) {
        let text = pieces.concat();
        let by_hand: Vec<_> = super::compose_refs(&text)
            .into_iter()
            .map(|r| (r.whole, r.name, r.modifier))
            .collect();
        let by_regex: Vec<_> = COMPOSE
            .captures_iter(&text)
            .map(|c| {
                let name = c.get(1).or(c.get(3)).unwrap().range();
                (c.get(0).unwrap().range(), name, c.get(2).map(|m| m.range()))
            })
            .collect();
        proptest::prop_assert_eq!(by_hand, by_regex, "{:?}", text);
    }

    /// `createEnv(`/`cleanEnv(` and `server: {`-like sections found by
    /// hand are the patterns'.
    #[test]
    fn schema_calls_and_sections_by_hand_are_the_patterns(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "createEnv", "cleanEnv", "server", "client", "shared", "(", ":", "{", " ", "\n",
            "\u{a0}", "\u{2028}", "x", "_", "é", "\u{300}", ".", "createEnv (", "server : {",
            "sharedclient:{", "cleanEnvcreateEnv(",
        ]), 0..12)
    ) {
        let text = pieces.concat();
        let spans = |re: &regex::Regex| re.find_iter(&text).map(|m| m.range()).collect::<Vec<_>>();
        proptest::prop_assert_eq!(super::schema_starts(&text), spans(&SCHEMA_START), "{:?}", text);
        proptest::prop_assert_eq!(super::schema_sections(&text), spans(&SCHEMA_SECTION), "{:?}", text);
    }
}

#[test]
fn destructuring_shapes() {
    let found = |code: &str| super::destructures(code).len();
    assert_eq!(found("const { A, B } =\n  process.env;"), 1);
    assert_eq!(found("let {X} = import.meta.env"), 1);
    assert_eq!(found("const a = process.env.A;"), 0);
    assert_eq!(found("f({ a }); x = process.env.B"), 0);
    assert_eq!(found("const { A } = process.envx"), 0);
}
