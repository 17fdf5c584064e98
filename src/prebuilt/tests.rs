//! Each prebuilt set against the `regex` crate: the same matches, spans
//! and alternatives, on text made of the patterns' own pieces.

use super::*;
use proptest::prelude::*;

/// The `regex` crate's answer: one group per alternative says which.
fn reference(alternatives: &[&str]) -> regex::Regex {
    let groups: Vec<String> = alternatives.iter().map(|a| format!("({a})")).collect();
    regex::Regex::new(&groups.join("|")).expect("prebuilt patterns are valid")
}

fn reference_matches(re: &regex::Regex, text: &str) -> Vec<Match> {
    re.captures_iter(text)
        .map(|c| {
            let m = c.get(0).expect("group 0");
            let alternative = (1..c.len())
                .find(|&i| c.get(i).is_some_and(|g| g.range() == m.range()))
                .expect("one alternative matched")
                - 1;
            Match {
                start: m.start(),
                end: m.end(),
                alternative,
            }
        })
        .collect()
}

/// Pieces of text near what the patterns look for: their words, quotes,
/// separators and neighbours that must not match.
const PIECES: &[&str] = &[
    "express",
    "express()",
    "(",
    ")",
    "{",
    "}",
    "<",
    ">",
    " ",
    "\n",
    "\t",
    "'",
    "\"",
    "`",
    "/",
    ".",
    ",",
    ":",
    "*",
    "+",
    "^",
    "$",
    "@",
    "_",
    "-",
    "x",
    "é",
    "\u{a0}",
    "fastify",
    "Fastify",
    "new ",
    "Koa",
    "serve",
    "fetch",
    "NestFactory",
    ".create",
    "http",
    "https",
    "http2",
    "require",
    "node:",
    ".createServer",
    "createServer",
    "process",
    ".on",
    "once",
    "SIGTERM",
    "SIGINT",
    "enableShutdownHooks",
    "closeGracefully",
    "stoppable",
    "lightship",
    "@godaddy/terminus",
    "api/",
    "health",
    "healthz",
    "ready",
    "up",
    "status",
    "ping",
    "Get",
    "Controller",
    "HealthCheck",
    "helmet",
    "@fastify/helmet",
    "Strict-Transport-Security",
    "content-security-policy",
    "secureHeaders",
    "express-rate-limit",
    "ThrottlerModule",
    "limit_req",
    ".get",
    ".post",
    ".use",
    "login",
    "sign-in",
    "reset-password",
    "url:",
    "auth",
    "credentials",
    "true",
    "origin",
    "process.env.",
    "CORS_ORIGIN",
    "A1",
    "cors",
    "enableCors",
    "register",
    "app",
    "jwt",
    "JWT",
    ".sign",
    "SignJWT",
    "jsonwebtoken",
    ".",
    "/.*/",
    "/^.+$/",
    "?",
    "&",
    ";",
    "=",
    "#",
    "password",
    "pwd",
    "sslmode",
    "postgres://u:p@h/db",
    "\u{2028}",
    "${base}",
    "${",
    "/api/users/:id",
    "/*",
    ":path*",
    "{*",
    "(.*)",
    "@Controller(",
    "@Get(",
    "setGlobalPrefix(",
    "basePath(",
    "path:",
    "path",
    "PATH",
    "Route",
    "ſ",
    "K",
    "req.url",
    "request.pathname",
    "===",
    "case ",
    "express.static(",
    "serveStatic",
    "serve-static",
    "@fastify/static",
    "prefix:",
    "prefix(",
    "RouterModule",
    ".register(",
    ".delete(",
    ".on(",
    "$",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every set finds what the regex crate finds, where it finds it,
    /// and says which alternative; `is_match` and `find_at` agree.
    #[test]
    fn prebuilt_sets_match_as_the_regex_crate(text in text(), from in 0usize..200) {
        // Compiled once for all the cases.
        static REFERENCES: std::sync::LazyLock<Vec<regex::Regex>> = std::sync::LazyLock::new(|| {
            ALL.iter().map(|set| reference(set.alternatives)).collect()
        });
        for (set, re) in ALL.iter().zip(REFERENCES.iter()) {
            let name = set.name;
            prop_assert_eq!(
                set.find_iter(&text).collect::<Vec<_>>(),
                reference_matches(re, &text),
                "{} on {:?}", name, text
            );
            prop_assert_eq!(set.is_match(&text), re.is_match(&text), "{} on {:?}", name, text);
            if text.is_char_boundary(from.min(text.len())) {
                let from = from.min(text.len());
                prop_assert_eq!(
                    set.find_at(&text, from).map(|m| (m.start, m.end)),
                    re.find_at(&text, from).map(|m| (m.start(), m.end())),
                    "{} on {:?} from {}", name, text, from
                );
            }
        }
    }
}

/// Real-looking lines, one per alternative, each found as its alternative
/// and to the end the regex crate gives (leftmost first, not the earliest
/// end: `serve({ fetch: app.fetch` runs to the last `fetch`).
#[test]
fn each_alternative_is_found_as_itself() {
    let cases: &[(&Prebuilt, &str, usize, &str)] = &[
        (&APP_SERVER, "const app = express();", 0, "express()"),
        (
            &APP_SERVER,
            "const app = Fastify({ logger: true })",
            1,
            "Fastify({",
        ),
        (&APP_SERVER, "const app = new Koa();", 2, "new Koa("),
        (
            &APP_SERVER,
            "serve({ fetch: app.fetch, port: 3000 })",
            3,
            "serve({ fetch: app.fetch",
        ),
        (
            &APP_SERVER,
            "await NestFactory.create<NestExpressApplication>(AppModule)",
            4,
            "NestFactory.create<NestExpressApplication>(",
        ),
        (
            &APP_SERVER,
            "http.createServer(app).listen(3000)",
            5,
            "http.createServer(",
        ),
        (
            &APP_SERVER,
            "require('node:https').createServer(opts)",
            5,
            "require('node:https').createServer(",
        ),
        (
            &APP_SERVER,
            "const server = createServer(handler)",
            6,
            "createServer(",
        ),
        (
            &APP_ENV_ORIGIN,
            "{ origin: process.env.CORS_ORIGIN, credentials: true }",
            0,
            "origin: process.env.CORS_ORIGIN,",
        ),
    ];
    for (set, line, alternative, matched) in cases {
        let m = set
            .find(line)
            .unwrap_or_else(|| panic!("{} finds nothing in {line}", set.name));
        assert_eq!(m.alternative, *alternative, "{line}");
        assert_eq!(&line[m.start..m.end], *matched, "{line}");
    }
    assert!(!APP_SERVER.is_match("vite.createServ(er)"));
    assert!(!APP_CREDENTIALS.is_match("credentials: trueish"));
}

/// Each alternative is a pattern without groups of its own: the fallback
/// regex tells the alternatives apart by their groups.
#[test]
fn alternatives_have_no_groups() {
    assert_eq!(ALL.len(), patterns::ALL.len());
    for set in ALL {
        let name = set.name;
        for a in set.alternatives {
            let re = regex::Regex::new(a).expect("valid");
            assert_eq!(re.captures_len(), 1, "{name}: {a}");
        }
    }
}

/// Tries that would read the same bytes again and again (`serve({` with
/// no `}`, `"${` with no `}`) hand over to the regex crate: the matches
/// are the same, and the search stays linear (quadratic tries on these
/// 200 KB would take minutes here).
#[test]
fn rereading_tries_hand_over_to_the_regex_crate() {
    let cases: [(&Prebuilt, String); 3] = [
        (
            &APP_SERVER,
            "serve({ a\n".repeat(20_000) + "serve({ fetch }) express()",
        ),
        (
            &ROUTES_PATH_LITERAL,
            "x = \"${x\n".repeat(20_000) + "'/health'",
        ),
        (&APP_SERVER, "NestFactory.create<\n".repeat(10_000)),
    ];
    for (set, text) in &cases {
        let (name, alternatives) = (set.name, set.alternatives);
        let re = reference(alternatives);
        assert_eq!(
            set.find_iter(text).collect::<Vec<_>>(),
            reference_matches(&re, text),
            "{name}"
        );
        assert_eq!(set.is_match(text), re.is_match(text), "{name}");
        assert_eq!(
            set.find_at(text, 7).map(|m| (m.start, m.end)),
            re.find_at(text, 7).map(|m| (m.start(), m.end())),
            "{name}"
        );
    }
}
