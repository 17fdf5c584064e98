//! The per-file half of the app server rules: what one JS/TS file says
//! about its server (creation, shutdown handling, routes, security layers)
//! and its CORS and JWT calls. Comments are blanked first; strings stay
//! visible, since routes and signal names are strings.

use super::super::{Context, FileCheck, FileKind, FileOutcome};
use super::routes;
use crate::finding::{ShownLine, Span};
use crate::lexer::Lang;
use crate::literals::Literals;
use crate::workspace::SourceFile;
use std::sync::LazyLock;

/// A place in a file, as a finding shows it.
#[derive(Debug, Clone)]
pub struct Place {
    pub span: Span,
    pub shown: ShownLine,
}

/// What one production JS/TS file says.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    pub rel: String,
    /// The server's creation or `listen` call, and its framework.
    pub server: Option<(Place, &'static str)>,
    pub shutdown: bool,
    pub health_route: bool,
    pub security_headers: bool,
    pub rate_limit: bool,
    /// A login/password/auth route.
    pub auth_route: Option<Place>,
    /// CORS options reflecting any origin with credentials.
    pub cors_wildcard: Vec<(Place, String)>,
    /// CORS options with credentials whose origin is `process.env.X`.
    pub cors_env: Vec<(Place, String)>,
    /// JWTs signed without an expiry.
    pub jwt_no_expiry: Vec<Place>,
    /// Path-like string literals (`'/health'`, `` `${base}/ready` ``'s
    /// `/ready`, a NestJS `@Controller('health')` as `/health`): a
    /// superset of the routes the file defines or mounts, for probes.
    pub paths: Vec<String>,
    /// The file defines a route with a literal path.
    pub defines_routes: bool,
    /// The file may serve paths no literal names: static files, a
    /// catch-all or regex route, a mount or route whose path is a variable.
    pub routes_unsure: bool,
}

impl FileFacts {
    /// Mask every shown line again, with the values registered since (see
    /// `redact::holding_back`).
    pub fn remask(&mut self) {
        let FileFacts {
            server,
            auth_route,
            cors_wildcard,
            cors_env,
            jwt_no_expiry,
            ..
        } = self;
        let places = server
            .iter_mut()
            .map(|(p, _)| p)
            .chain(auth_route.iter_mut())
            .chain(cors_wildcard.iter_mut().map(|(p, _)| p))
            .chain(cors_env.iter_mut().map(|(p, _)| p))
            .chain(jwt_no_expiry.iter_mut());
        for place in places {
            place.shown.remask();
        }
    }
}

pub struct AppFiles;

/// Literals one of which a file must hold for its facts to matter: each
/// pattern below needs one. Route words are matched with their leading `/`
/// (`"/login"`, `"/health"`), not as words: `auth`, `ready` or `reset`
/// alone are in most files, and every file the prefilter passes is lexed.
/// The prefilter tells tokens apart by their first four bytes, so each
/// starts where the word is rare: `teServer(` not `createServer`,
/// `ateLimit` not `rateLimit` (`generate`), `hrottle` needs its `o`
/// (`throw`), `xpress(` not `export` or `expression`, `thGrace` not
/// `With` (every `startsWith`), `r-pressure` not `unde` (every
/// `undefined`), `it_req` not `limit`.
///
/// These are the facts every package's files are judged on: its server,
/// its CORS and JWT calls. The walk looks for them in every file.
pub(crate) const TOKENS: &[&str] = &[
    // Servers.
    "xpress(",
    "astify",
    "Koa(",
    "@hono",
    "hono/",
    "'hono'",
    "\"hono\"",
    "NestFactory",
    "teServer(",
    // CORS and JWTs.
    "cors",
    "Cors",
    "jwt.sign",
    "JWT.sign",
    "ebtoken.sign",
    "ignJWT",
];

/// The facts that matter only in a package with a server: shutdown,
/// health routes, security headers, rate limits, auth routes. The walk
/// looks for them only in the packages that depend on a server framework
/// (see `ServerDeps`), and after the walk in the other packages where it
/// found a server ([`server_package_facts`]): beside [`TOKENS`] and the
/// other checks' tokens, they made a JS/TS file's search two vector
/// searches instead of one, in every file of every app, where most apps
/// have no server.
pub(super) const SERVER_PACKAGE_TOKENS: &[&str] = &[
    // Shutdown.
    "SIGTERM",
    "SIGINT",
    "ShutdownHooks",
    "Gracefully",
    "thGrace",
    "th-grace",
    "graceful-shutdown",
    "Terminus",
    "/terminus",
    "Terminator",
    "-terminator",
    "toppable",
    "ightship",
    // Health routes.
    "/health",
    "/ready",
    "/live",
    "/ping",
    "/up'",
    "/up\"",
    "/up`",
    "/status'",
    "/status\"",
    "/status`",
    "HealthCheck",
    "r-pressure",
    // Security headers.
    "helmet",
    "lusca",
    "ureHeaders",
    "ure-headers",
    "-Transport-",
    "-transport-",
    "-Security-",
    "-security-",
    // Rate limits.
    "ateLimit",
    "atelimit",
    "e-limit",
    "slow-down",
    "-brute",
    "hrottle",
    "it_req",
    // NestJS route decorators, whose paths need no `/` (`@Get('health')`,
    // `@Post('login')`): in controllers only, not every file importing
    // `@nestjs` (postiz-app: 28 files of 140).
    "@Controller(",
    "@Get(",
    "@Head(",
    "@All(",
    "@Post(",
    "@Put(",
    "@Patch(",
    // Auth routes.
    "/login",
    "/signin",
    "/sign-in",
    "/password",
    "/reset",
];

/// A production JS/TS file the app rules read.
pub fn judged(kind: FileKind) -> bool {
    matches!(kind.lang, Lang::JavaScript | Lang::TypeScript) && kind.production && !kind.test
}

/// A JSX file: a page or component, whose links are no routes.
fn is_jsx(rel: &str) -> bool {
    rel.ends_with(".tsx") || rel.ends_with(".jsx")
}

impl FileCheck for AppFiles {
    fn tokens(&self, _ctx: &Context, kind: FileKind) -> Vec<String> {
        if !judged(kind) {
            return Vec::new();
        }
        let later = if kind.server_package {
            SERVER_PACKAGE_TOKENS
        } else {
            &[]
        };
        TOKENS.iter().chain(later).map(|t| t.to_string()).collect()
    }

    fn check_file(&self, file: &SourceFile, _ctx: &Context, out: &mut FileOutcome) {
        out.app_files.extend(file_facts(file));
    }
}

/// What a production JS/TS file says, if anything.
fn file_facts(file: &SourceFile) -> Option<FileFacts> {
    if !file.is_production || file.is_test || is_example(file.rel) {
        return None;
    }
    let text = without_comments(file);
    let mut facts = facts(file, &text);
    // `AppRoutes` leaves JSX files alone; a Hono JSX app's routes are
    // in one, and it names its framework.
    if is_jsx(file.rel) {
        routes::routes(&text, &mut facts);
    }
    (facts.server.is_some()
        || facts.shutdown
        || facts.health_route
        || facts.security_headers
        || facts.rate_limit
        || facts.auth_route.is_some()
        || !facts.cors_wildcard.is_empty()
        || !facts.cors_env.is_empty()
        || !facts.jwt_no_expiry.is_empty()
        || !facts.paths.is_empty()
        || facts.routes_unsure)
        .then_some(facts)
}

/// The facts of the files the walk left for later: in each package where
/// the walk found a server (as `AppRules` groups files by their
/// `package.json`), the production JS/TS files it did not guess were in
/// one (`guessed`) holding none of [`TOKENS`] but one of
/// [`SERVER_PACKAGE_TOKENS`], read again on every core. The files the
/// walk gave facts already are not read again. Each
/// file is judged as the walk judged it (the same text, language and
/// production and test globs), so the facts are the ones a walk looking
/// for every token would have given.
pub fn server_package_facts(
    tree: &crate::workspace::tree::Tree,
    visited: &[String],
    repo_files: &[crate::migrations::RepoFile],
    app_files: &[FileFacts],
    settings: &crate::config::Settings,
    guessed: &super::ServerDeps,
) -> Vec<FileFacts> {
    let (dirs, mut servers) = super::package::server_packages(repo_files, app_files);
    // A package the walk guessed (its folder, or one above) was looked in
    // whole.
    servers.retain(|dir| !guessed.may_serve(&format!("{dir}/package.json")));
    if servers.is_empty() {
        return Vec::new();
    }
    let had_facts: std::collections::HashSet<&str> =
        app_files.iter().map(|f| f.rel.as_str()).collect();
    let later = |rel: &&String| {
        matches!(
            Lang::from_file_name(crate::paths::file_name(rel)),
            None | Some(Lang::JavaScript | Lang::TypeScript)
        ) && !had_facts.contains(rel.as_str())
            && !guessed.may_serve(rel)
            && super::package::package_of(rel, &dirs).is_some_and(|d| servers.contains(d))
            && settings.is_production(rel)
            && !settings.is_test_file(rel)
            && !is_example(rel)
    };
    let files: Vec<&String> = visited.iter().filter(later).collect();
    static SEARCH: LazyLock<Literals> = LazyLock::new(|| {
        Literals::new(SERVER_PACKAGE_TOKENS).expect("plain literals always build")
    });
    let visit = |file: &SourceFile| {
        if !judged(FileKind::of(file)) || !SEARCH.is_match(file.text.as_bytes()) {
            return None;
        }
        file_facts(file)
    };
    crate::cores::on_every_core(&files, |chunk| {
        let mut out = Vec::new();
        tree.read_each(chunk, |rel, bytes| {
            out.extend(crate::workspace::visit_again(settings, rel, bytes, &visit).flatten());
            true
        });
        out
    })
}

/// A file-based route serving health (`routes/api+/health.ts`,
/// `routes/api.healthz.ts`, `app/api/health/route.ts`): in ASCII,
/// `(?:^|[/.+])(?:health|healthz|healthcheck|ready|readyz|live|livez|ping)(?:/route|/index|/\+server|\.controller|\.routes?)?\.[cm]?[jt]sx?$`,
/// read by hand (the pattern took two thirds of a millisecond to compile,
/// in every run over an app with such a name anywhere in its paths).
pub fn is_health_route_file(rel: &str) -> bool {
    const WORDS: [&str; 8] = [
        "health",
        "healthz",
        "healthcheck",
        "ready",
        "readyz",
        "live",
        "livez",
        "ping",
    ];
    const SUFFIXES: [&str; 7] = [
        "",
        "/route",
        "/index",
        "/+server",
        ".controller",
        ".routes",
        ".route",
    ];
    // `.js`, `.cjs`, `.mts`, `.tsx`…: the whole rest of the path.
    let is_script_extension = |rest: &str| {
        let rest = rest.as_bytes();
        let Some((b'.', mut rest)) = rest.split_first() else {
            return false;
        };
        if let Some((b'c' | b'm', after)) = rest.split_first() {
            rest = after;
        }
        matches!(rest, [b'j' | b't', b's'] | [b'j' | b't', b's', b'x'])
    };
    WORDS.iter().any(|word| {
        rel.match_indices(word).any(|(at, _)| {
            let after_boundary = at == 0 || matches!(rel.as_bytes()[at - 1], b'/' | b'.' | b'+');
            let rest = &rel[at + word.len()..];
            after_boundary
                && SUFFIXES
                    .iter()
                    .any(|suffix| rest.strip_prefix(suffix).is_some_and(is_script_extension))
        })
    })
}

/// A dev or mock server by its name or folder (`dev-server.js`,
/// `mock-api.ts`, `__mocks__/`, `dev/`).
fn is_dev_tool(rel: &str) -> bool {
    rel.to_ascii_lowercase().split('/').any(|part| {
        part.split(['.', '-', '_']).any(|w| {
            matches!(
                w,
                "dev" | "mock" | "mocks" | "local" | "watcher" | "devserver"
            )
        })
    })
}

/// Examples and demos are never the app.
pub fn is_example(rel: &str) -> bool {
    rel.split('/')
        .any(|s| matches!(s, "example" | "examples" | "demo" | "demos" | "fixtures"))
}

/// The file with its comments blanked (same offsets; strings kept).
fn without_comments(file: &SourceFile) -> String {
    let mut bytes = file.text.as_bytes().to_vec();
    for c in file.comments() {
        for b in &mut bytes[c.start..c.end] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Blanking whole comment regions byte by byte keeps UTF-8 valid outside
    // them; inside, every byte became a space.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn place(file: &SourceFile, start: usize, end: usize) -> Place {
    Place {
        span: file.span(start, end),
        shown: file.shown_line(start, end),
    }
}

// The patterns are compiled ahead of time (`crate::prebuilt`; their text is
// in `src/prebuilt/patterns.rs`).
use crate::prebuilt::{
    APP_ANY_ORIGIN as ANY_ORIGIN, APP_AUTH_ROUTE as AUTH_ROUTE, APP_CORS_CALL as CORS_CALL,
    APP_CREDENTIALS as CREDENTIALS, APP_ENV_ORIGIN as ENV_ORIGIN, APP_HEADERS as HEADERS,
    APP_HEALTH as HEALTH, APP_HTTP_IMPORT as HTTP_IMPORT, APP_JWT_SIGN as JWT_SIGN,
    APP_RATE_LIMIT as RATE_LIMIT, APP_SERVER as SERVER, APP_SHUTDOWN as SHUTDOWN,
    APP_SIGN_JWT as SIGN_JWT,
};

/// The frameworks of [`SERVER`]'s alternatives, in order.
const SERVER_FRAMEWORKS: [&str; 7] = ["express", "fastify", "koa", "hono", "nest", "http", "bare"];

/// Does `text` call a function named for rate limiting (`rateLimit(`,
/// `createRateLimiter(`, `throttle(`): `\b\w*(?:[Rr]ate[Ll]imit|[Tt]hrottle)\w*\(`
/// in ASCII, read by hand. Apart from [`RATE_LIMIT`], whose search it
/// would slow tenfold: the leading `\w*` leaves a search no literal to
/// start from. The `\b\w*` before the name always holds (back to the
/// word's start); the `\w*` after it runs to the word's end, where a `(`
/// must follow.
fn calls_rate_limiter(text: &str) -> bool {
    static NAMES: LazyLock<Literals> = LazyLock::new(|| {
        Literals::new(["ateLimit", "atelimit", "hrottle"]).expect("plain literals always build")
    });
    let bytes = text.as_bytes();
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    NAMES.find_iter(bytes).any(|m| {
        // `[Tt]` before `hrottle`, `[Rr]` before `ate[Ll]imit`.
        let first = if bytes[m.start()] == b'h' {
            [b'T', b't']
        } else {
            [b'R', b'r']
        };
        let named = m.start() > 0 && first.contains(&bytes[m.start() - 1]);
        let end = m.end() + bytes[m.end()..].iter().take_while(|b| word(b)).count();
        named && bytes.get(end) == Some(&b'(')
    })
}

/// Does `text` name a rate limiter ([`RATE_LIMIT`] or
/// [`calls_rate_limiter`])?
#[cfg(test)]
fn names_rate_limit(text: &str) -> bool {
    RATE_LIMIT.is_match(text) || calls_rate_limiter(text)
}

/// Compile this check's patterns now, last used first: called on a thread
/// of its own while the listing runs, it meets the worker compiling them in
/// order halfway (see `engine::warm_up`).
pub fn warm() {
    for set in [
        &SIGN_JWT,
        &JWT_SIGN,
        &CORS_CALL,
        &ENV_ORIGIN,
        &ANY_ORIGIN,
        &CREDENTIALS,
        &AUTH_ROUTE,
        &RATE_LIMIT,
        &HEADERS,
        &HEALTH,
        &SHUTDOWN,
        &HTTP_IMPORT,
        &SERVER,
    ] {
        set.warm();
    }
    LazyLock::force(&GATE_SEARCH);
}

/// The sets [`facts`] searches, as bits of a [`gates`] mask.
const SERVER_BIT: u16 = 1 << 0;
const SHUTDOWN_BIT: u16 = 1 << 1;
const HEALTH_BIT: u16 = 1 << 2;
const HEADERS_BIT: u16 = 1 << 3;
const RATE_LIMIT_BIT: u16 = 1 << 4;
const AUTH_ROUTE_BIT: u16 = 1 << 5;
const CREDENTIALS_BIT: u16 = 1 << 6;
const JWT_SIGN_BIT: u16 = 1 << 7;
const SIGN_JWT_BIT: u16 = 1 << 8;
const RATE_LIMIT_CALL_BIT: u16 = 1 << 9;
const EVERY_SET: u16 = (1 << 10) - 1;

/// For each set, literals one of which every match of it holds. Each set's
/// own search starts from the literals its matches begin with (`new`,
/// `.get(`, `"con`, `'/`), common enough that nine such searches over
/// every server-side file were most of these facts' time. One vector
/// search for all the gates tells which sets can match, and only those
/// are searched. The vector search tells literals apart by their first
/// four bytes, so each gate is the tail of a necessary literal that begins
/// where code rarely does: `ess(` of `express(`, not `exp` (every
/// `export`); `rve(` of `serve(`. A literal several sets need is listed
/// once, with their bits. None is a prefix of another, so the search finds
/// each at every place it begins (see [`gates`]).
const GATES: &[(&str, u16)] = &[
    // `express()`, `[Ff]astify(`, `new Koa(`, `serve({ … fetch`,
    // `NestFactory.create(`, `….createServer(` and a bare `createServer(`.
    ("ess(", SERVER_BIT),
    ("ify(", SERVER_BIT),
    ("Koa(", SERVER_BIT),
    ("rve(", SERVER_BIT),
    ("stFactory", SERVER_BIT),
    ("ver(", SERVER_BIT),
    // Signal handlers; `enableShutdownHooks(`, `closeGracefully`,
    // `closeWithGrace(`, `createTerminus(`, `createHttpTerminator(`,
    // `stoppable(`, `createLightship(` and their packages' names.
    ("SIGTERM", SHUTDOWN_BIT),
    ("SIGINT", SHUTDOWN_BIT),
    ("ShutdownHooks(", SHUTDOWN_BIT),
    ("Grace", SHUTDOWN_BIT),
    ("grace", SHUTDOWN_BIT),
    ("inus", SHUTDOWN_BIT | HEALTH_BIT),
    ("nator", SHUTDOWN_BIT),
    ("toppable", SHUTDOWN_BIT),
    ("htship", SHUTDOWN_BIT | HEALTH_BIT),
    // A health path after its `/` (`'/api/readyz'`; `/read` for
    // `/readiness` too), a decorator whose
    // path may have no `/`, `@HealthCheck(` and the health packages.
    ("health", HEALTH_BIT),
    ("/read", HEALTH_BIT),
    ("/live", HEALTH_BIT),
    ("'/up", HEALTH_BIT),
    ("\"/up", HEALTH_BIT),
    ("`/up", HEALTH_BIT),
    ("api/up", HEALTH_BIT),
    ("/ping", HEALTH_BIT),
    ("/status", HEALTH_BIT),
    ("Get(", HEALTH_BIT | AUTH_ROUTE_BIT),
    ("@Head(", HEALTH_BIT),
    ("@All(", HEALTH_BIT),
    ("@Controller(", HEALTH_BIT | AUTH_ROUTE_BIT),
    ("lthCheck(", HEALTH_BIT),
    ("essure", HEALTH_BIT),
    // Security header packages and `secureHeaders(`; the two header
    // names, in any case, are looked for apart (see [`gates`]).
    ("helmet", HEADERS_BIT),
    ("re-headers", HEADERS_BIT),
    ("lusca", HEADERS_BIT),
    ("ureHeaders(", HEADERS_BIT),
    // Rate limit packages, `ThrottlerModule`, `limit_req` and the words
    // names [`calls_rate_limiter`] looks for.
    ("te-limit", RATE_LIMIT_BIT),
    ("ow-down", RATE_LIMIT_BIT),
    ("telimit", RATE_LIMIT_BIT | RATE_LIMIT_CALL_BIT),
    ("eLimit", RATE_LIMIT_CALL_BIT),
    ("hrottle", RATE_LIMIT_BIT | RATE_LIMIT_CALL_BIT),
    ("-brute", RATE_LIMIT_BIT),
    ("it_req", RATE_LIMIT_BIT),
    // An auth path after its `/`, or a decorator's, whose may have none.
    ("/login", AUTH_ROUTE_BIT),
    ("/signin", AUTH_ROUTE_BIT),
    ("gn-in", AUTH_ROUTE_BIT),
    ("/auth", AUTH_ROUTE_BIT),
    ("/password", AUTH_ROUTE_BIT),
    ("/reset", AUTH_ROUTE_BIT),
    ("ot-password", AUTH_ROUTE_BIT),
    ("@Post(", AUTH_ROUTE_BIT),
    ("@Put(", AUTH_ROUTE_BIT),
    ("@Patch(", AUTH_ROUTE_BIT),
    // CORS options are read only around `credentials: true`.
    ("credentials", CREDENTIALS_BIT),
    ("jwt.sign", JWT_SIGN_BIT),
    ("JWT.sign", JWT_SIGN_BIT),
    ("sonwebtoken.sign", JWT_SIGN_BIT),
    ("ignJWT", SIGN_JWT_BIT),
];

static GATE_SEARCH: LazyLock<Literals> = LazyLock::new(|| {
    Literals::new(GATES.iter().map(|(l, _)| l)).expect("plain literals always build")
});

/// Which sets of [`facts`] can match `text`: the bits of the [`GATES`]
/// found in it, and [`HEADERS_BIT`] when it holds `-transport-` or
/// `-security-` in any case (the header names are matched so).
fn gates(text: &str) -> u16 {
    let bytes = text.as_bytes();
    let mut mask = 0;
    let mut at = 0;
    // From each match's start + 1, not its end: no gate is a prefix of
    // another, so every place a gate begins is found.
    while mask != EVERY_SET {
        let Some(m) = GATE_SEARCH.find_from(bytes, at) else {
            break;
        };
        mask |= GATES[m.pattern().as_usize()].1;
        at = m.start() + 1;
    }
    if mask & HEADERS_BIT == 0 && names_header_in_any_case(bytes) {
        mask |= HEADERS_BIT;
    }
    mask
}

/// Does `bytes` hold `-transport-` or `-security-`, in any case? Every
/// match of [`HEADERS`]' case-insensitive header names holds one.
fn names_header_in_any_case(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'-', bytes).any(|i| {
        let rest = &bytes[i + 1..];
        [&b"transport-"[..], &b"security-"[..]]
            .iter()
            .any(|w| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w))
    })
}

fn facts(file: &SourceFile, text: &str) -> FileFacts {
    facts_of_sets(file, text, gates(text))
}

/// [`facts`], searching only the sets whose bits `sets` has.
fn facts_of_sets(file: &SourceFile, text: &str, sets: u16) -> FileFacts {
    let mut f = FileFacts {
        rel: file.rel.to_string(),
        ..FileFacts::default()
    };
    let has = |bit: u16| sets & bit != 0;
    // The framework's creation call (an Express app passed to
    // `http.createServer(app)` is still Express).
    f.server = has(SERVER_BIT)
        .then(|| SERVER.find_iter(text))
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let framework = SERVER_FRAMEWORKS[m.alternative];
            // A bare `createServer(` is Node's only when the file imports
            // `http`/`https` (not `net`, not Vite's).
            let (framework, end) = match framework {
                // `vite.createServer(`, `net.createServer(` are not.
                "bare" if text[..m.start].ends_with('.') => return None,
                // The call's name, without its `(`.
                "bare" if HTTP_IMPORT.is_match(text) => ("http", m.end - 1),
                "bare" => return None,
                fw => (fw, m.end),
            };
            Some((m.start, end, framework))
        })
        .min_by_key(|(_, _, fw)| *fw == "http")
        .map(|(s, e, fw)| (place(file, s, e), fw));
    // A plain Node server is one that listens; a module that only creates
    // one (for tests, a library wrapping it) is not the app, nor is a
    // command (`#!`) or a dev or mock server (`dev-watcher.ts`,
    // `mocks/server.js`) serving a developer's machine.
    if f.server.as_ref().is_some_and(|(_, fw)| *fw == "http")
        && (!text.contains(".listen(")
            || super::super::is_shebang_script(file.text)
            || is_dev_tool(file.rel))
    {
        f.server = None;
    }
    f.shutdown = has(SHUTDOWN_BIT) && SHUTDOWN.is_match(text);
    f.health_route = has(HEALTH_BIT) && HEALTH.is_match(text);
    f.security_headers = has(HEADERS_BIT) && HEADERS.is_match(text);
    f.rate_limit = (has(RATE_LIMIT_BIT) && RATE_LIMIT.is_match(text))
        || (has(RATE_LIMIT_CALL_BIT) && calls_rate_limiter(text));
    f.auth_route = has(AUTH_ROUTE_BIT)
        .then(|| AUTH_ROUTE.find(text))
        .flatten()
        .map(|m| place(file, m.start, m.end));
    let credentials = has(CREDENTIALS_BIT).then(|| CREDENTIALS.find_iter(text));
    for cred in credentials.into_iter().flatten() {
        let Some((open, close)) = enclosing_object(text, cred.start) else {
            continue;
        };
        let body = &text[open..close];
        // Up to 80 bytes before, from a character's start (`open` is a `{`).
        let from = (0..=open.saturating_sub(80))
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let before = &text[from..open + 1];
        if !CORS_CALL.is_match(before) && !before.contains("cors") {
            continue;
        }
        let call = before.rfind("cors").map_or(open, |i| from + i);
        if let Some(o) = ANY_ORIGIN.find(body) {
            let value = body[o.start..o.end].split(':').nth(1).unwrap_or("").trim();
            f.cors_wildcard
                .push((place(file, call, call + 4), value.to_string()));
        } else if let Some(m) = ENV_ORIGIN.find(body) {
            // The run of `[A-Z0-9_]` after `process.env.`.
            let matched = &body[m.start..m.end];
            let name = matched.find("process.env.").map_or("", |i| {
                let rest = &matched[i + "process.env.".len()..];
                let len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
                    .count();
                &rest[..len]
            });
            f.cors_env
                .push((place(file, call, call + 4), name.to_string()));
        }
    }
    for m in has(JWT_SIGN_BIT)
        .then(|| JWT_SIGN.find_iter(text))
        .into_iter()
        .flatten()
    {
        let Some(args) = call_args(text, m.end) else {
            continue;
        };
        if !jwt_args_expire(&args, text) {
            f.jwt_no_expiry.push(place(file, m.start, m.end));
        }
    }
    for m in has(SIGN_JWT_BIT)
        .then(|| SIGN_JWT.find_iter(text))
        .into_iter()
        .flatten()
    {
        // The builder chain up to its `.sign(`.
        let rest = &text[m.end..];
        let end = rest.find(".sign(").map_or(rest.len().min(2000), |i| i);
        if !rest[..end].contains(".setExpirationTime(") {
            f.jwt_no_expiry.push(place(file, m.start, m.end));
        }
    }
    f
}

/// The `{`…`}` object literal around `at`: the offsets of its braces.
fn enclosing_object(text: &str, at: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut open = None;
    for i in (0..at).rev() {
        match bytes[i] {
            b'}' => depth += 1,
            b'{' if depth == 0 => {
                open = Some(i);
                break;
            }
            b'{' => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    let mut depth = 0i32;
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((open, i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// The top-level arguments of the call whose `(` ends at `start`.
fn call_args(text: &str, start: usize) -> Option<Vec<&str>> {
    let (args, _) = crate::lexer::call_args::call_args(text, start, true)?;
    Some(args.into_iter().map(|r| &text[r]).collect())
}

/// Does `jwt.sign(args)` set an expiry: `expiresIn`/`exp` in its options or
/// payload literal? An options or payload variable is given the benefit of
/// the doubt when the file sets `expiresIn` or `exp` somewhere.
fn jwt_args_expire(args: &[&str], text: &str) -> bool {
    let sets = |s: &str| s.contains("expiresIn") || s.contains("exp:") || s.contains("exp :");
    let literal = |s: &str| s.starts_with('{');
    let payload = args.first().copied().unwrap_or("");
    let options = args.get(2).copied().filter(|o| !o.is_empty());
    if sets(payload) || options.is_some_and(sets) {
        return true;
    }
    let unknown = !literal(payload)
        || options.is_some_and(|o| !literal(o) && !o.starts_with("function") && !o.contains("=>"));
    unknown && (sets(text) || text.contains(".exp =") || text.contains(".exp="))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// A replaced pattern as it was compiled: in ASCII mode (`\b`, `\w`,
    /// `\s` ASCII's), as the prebuilt patterns are.
    fn ascii_re(pattern: &str) -> Regex {
        Regex::new(&format!("(?-u){pattern}")).expect("app patterns are valid")
    }

    proptest::proptest! {
        /// The rate-limit call read by hand answers as its pattern.
        #[test]
        fn rate_limit_call_by_hand_answers_as_its_pattern(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "rateLimit", "RateLimit", "ratelimit", "Ratelimit", "rateLimiter", "throttle",
                    "Throttle", "hrottle", "ateLimit", "atelimit", "create", "(", ")", " ", "_",
                    ".", "9", "é", "r", "R", "t", "T", "-", "\n",
                ]),
                0..10,
            )
        ) {
            static CALL: LazyLock<Regex> =
                LazyLock::new(|| ascii_re(r"\b\w*(?:[Rr]ate[Ll]imit|[Tt]hrottle)\w*\("));
            let text = parts.concat();
            proptest::prop_assert_eq!(calls_rate_limiter(&text), CALL.is_match(&text), "{:?}", text);
        }

        /// The rate-limit patterns split in two, the call gated by its
        /// words, answer as the one pattern they were.
        #[test]
        fn rate_limit_split_answers_as_one_pattern(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "rateLimit", "RateLimit", "ratelimit", "Ratelimit", "rateLimiter", "throttle",
                    "Throttle", "hrottle", "ateLimit", "create", "use", "(", ")", " ", "_", ".",
                    "'", "\"", "express-rate-limit", "@upstash/ratelimit", "ThrottlerModule",
                    "limit_req", "x", "9", "\n", "é", "rate", "Limit",
                ]),
                0..12,
            )
        ) {
            static ONE: LazyLock<Regex> = LazyLock::new(|| ascii_re(concat!(
                r#"["'](?:express-rate-limit|express-slow-down|rate-limiter-flexible|@fastify/rate-limit|fastify-rate-limit|@nestjs/throttler|koa-ratelimit|koa2-ratelimit|hono-rate-limiter|@upstash/ratelimit|express-brute)["']"#,
                r"|\b\w*(?:[Rr]ate[Ll]imit|[Tt]hrottle)\w*\(|\bThrottlerModule\b|\blimit_req\b",
            )));
            let text = parts.concat();
            proptest::prop_assert_eq!(names_rate_limit(&text), ONE.is_match(&text), "{:?}", text);
        }
    }

    /// Pieces of every set's matches, of their gates and decoys.
    const FACT_PIECES: &[&str] = &[
        "express()",
        "fastify({",
        "Fastify()",
        "new Koa(",
        "serve({ fetch",
        "NestFactory.create(",
        "http.createServer(",
        "createServer(",
        "import http from 'node:http';",
        ".listen(",
        "process.on('SIGTERM'",
        "process.once(\"SIGINT\"",
        "enableShutdownHooks(",
        "closeGracefully",
        "createTerminus(",
        "createHttpTerminator(",
        "stoppable(",
        "createLightship(",
        "closeWithGrace(",
        "'fastify-graceful-shutdown'",
        "'close-with-grace'",
        "'@godaddy/terminus'",
        "'http-terminator'",
        "'stoppable'",
        "'lightship'",
        "'/health'",
        "\"/api/readyz\"",
        "'/readiness'",
        "`/liveness`",
        "`/livez`",
        "'/up'",
        "'/api/up/",
        "'/ping'",
        "'/status?",
        "@Get('health')",
        "@Head(\"/live\")",
        "@All(`ready`)",
        "@Controller('ping')",
        "@HealthCheck(",
        "'@nestjs/terminus'",
        "'fastify-healthcheck'",
        "'@fastify/under-pressure'",
        "'helmet'",
        "'@fastify/helmet'",
        "'hono/secure-headers'",
        "'lusca'",
        "secureHeaders(",
        "'Strict-Transport-Security'",
        "\"content-SECURITY-policy\"",
        "'express-rate-limit'",
        "'express-slow-down'",
        "'rate-limiter-flexible'",
        "'@nestjs/throttler'",
        "'koa2-ratelimit'",
        "'@upstash/ratelimit'",
        "'express-brute'",
        "ThrottlerModule",
        "limit_req",
        "rateLimit(",
        "throttle(",
        ".post('/login'",
        ".get(\"/api/auth/\"",
        "@Post('signin')",
        "@Patch('v1/sign-in')",
        "@Controller('auth')",
        "url: '/reset'",
        ".use(`/forgot-password`",
        "cors({ origin: '*', credentials: true })",
        "{ origin: true, credentials: true }",
        "{ origin: process.env.ORIGIN, credentials: true }",
        "jwt.sign(payload, key)",
        "jsonwebtoken.sign({ exp: 1 }, k)",
        "JWT.sign(p, k, {})",
        "new SignJWT(p).sign(k)",
        "new SignJWT(p).setExpirationTime('1h').sign(k)",
        " ",
        "\n",
        "'",
        "/",
        "(",
        "{",
        "}",
        "é",
        "x",
        "api",
        "ready",
        "health",
        "Get",
        "credentials",
    ];

    proptest::proptest! {
        /// The facts are the same whether every set is searched or only
        /// those whose gates the text holds.
        #[test]
        fn gated_facts_are_every_sets_facts(
            parts in proptest::collection::vec(proptest::sample::select(FACT_PIECES), 0..10)
        ) {
            let settings = crate::config::Settings::defaults();
            let text = parts.concat();
            let file = SourceFile::new("src/server.ts", Lang::TypeScript, &text, &settings);
            proptest::prop_assert_eq!(
                format!("{:?}", facts(&file, &text)),
                format!("{:?}", facts_of_sets(&file, &text, EVERY_SET)),
                "{:?}", text
            );
        }
    }

    /// A gate found at a place hides none that begins there too.
    #[test]
    fn no_gate_begins_another() {
        for (a, _) in GATES {
            for (b, _) in GATES {
                assert!(a == b || !b.starts_with(a), "{a} begins {b}");
            }
        }
    }

    /// Each piece that makes a set match opens its gate.
    #[test]
    fn every_set_piece_opens_its_gate() {
        let settings = crate::config::Settings::defaults();
        let mut seen = 0;
        for piece in FACT_PIECES {
            let file = SourceFile::new("src/server.ts", Lang::TypeScript, piece, &settings);
            let all = facts_of_sets(&file, piece, EVERY_SET);
            let gated = facts(&file, piece);
            assert_eq!(format!("{all:?}"), format!("{gated:?}"), "{piece}");
            if format!("{all:?}") != format!("{:?}", facts_of_sets(&file, piece, 0)) {
                seen += 1;
            }
        }
        // The pieces are matches, not only decoys.
        assert!(seen > 50, "{seen}");
    }

    #[test]
    fn jwt_expiry_from_options_payload_or_the_file() {
        let none = "";
        for (args, text, expires) in [
            (&["{ sub }", "k"][..], none, false),
            (&["{ sub }", "k", "{ expiresIn: '1h' }"][..], none, true),
            (&["{ sub, exp: 1 }", "k"][..], none, true),
            (&["{ sub }", "k", "(err, t) => cb(t)"][..], none, false),
            (&["payload", "k"][..], none, false),
            (&["payload", "k"][..], "const payload = { exp: 1 }", true),
            (
                &["{ sub }", "k", "opts"][..],
                "const opts = { expiresIn: '1h' }",
                true,
            ),
        ] {
            assert_eq!(jwt_args_expire(args, text), expires, "{args:?} in {text:?}");
        }
    }

    #[test]
    fn enclosing_object_finds_the_braces_around() {
        let text = "cors({ origin: { a: 1 }, credentials: true }) {}";
        let at = text.find("credentials").unwrap();
        assert_eq!(enclosing_object(text, at), Some((5, 44)));
    }

    /// The 80 bytes looked at before a CORS object may begin inside a
    /// character (`é` is two bytes): they begin at the character instead.
    #[test]
    fn cors_before_non_ascii_text() {
        let settings = crate::config::Settings::defaults();
        for pad in 0..4 {
            let text = format!(
                "{}{}app.use(cors({{ origin: '*', credentials: true }}));",
                "x".repeat(pad),
                "é".repeat(40)
            );
            let file = SourceFile::new("src/server.js", Lang::JavaScript, &text, &settings);
            let f = facts(&file, &text);
            assert_eq!(f.cors_wildcard.len(), 1, "{text}");
        }
    }

    #[test]
    fn servers_by_framework_and_plain_http_that_listens() {
        let settings = crate::config::Settings::defaults();
        let framework = |text: &str| {
            let file = SourceFile::new("src/server.js", Lang::JavaScript, text, &settings);
            facts(&file, text).server.map(|(_, fw)| fw)
        };
        for (text, fw) in [
            (
                "const app = express();\nhttp.createServer(app).listen(1);",
                Some("express"),
            ),
            ("http.createServer(h).listen(1);", Some("http")),
            (
                "require('node:http').createServer(h).listen(1);",
                Some("http"),
            ),
            (
                "import { createServer } from 'node:http';\ncreateServer(h).listen(1);",
                Some("http"),
            ),
            (
                "import { createServer } from 'vite';\ncreateServer(c).listen(1);",
                None,
            ),
            (
                "import net from 'net';\nnet.createServer(h).listen(1);",
                None,
            ),
            ("export const make = (h) => http.createServer(h);", None),
            ("#!/usr/bin/env node\nhttp.createServer(h).listen(1);", None),
        ] {
            assert_eq!(framework(text), fw, "{text}");
        }
    }

    proptest::proptest! {
        /// The health route file reader answers as its pattern.
        #[test]
        fn health_route_file_by_hand_answers_as_its_pattern(
            before in proptest::collection::vec(
                proptest::sample::select(vec![
                    "health", "ready", "live", "ping", "/", ".", "+", "-", "api", "é", "x",
                    "route", "app/",
                ]),
                0..4,
            ),
            word in proptest::sample::select(vec![
                "health", "healthz", "healthcheck", "ready", "readyz", "live", "livez",
                "ping", "healthy", "alive", "pings", "",
            ]),
            suffix in proptest::sample::select(vec![
                "", "/route", "/index", "/+server", ".controller", ".routes", ".route",
                "/routes", ".controllers", "/", "route", "+server",
            ]),
            ext in proptest::sample::select(vec![
                "", ".ts", ".js", ".cjs", ".mjs", ".cts", ".mts", ".tsx", ".jsx", ".mtsx",
                ".ks", ".tx", ".tsxx", "ts", ".json", ".d.ts", ".ts/", ".xts", ".cmts",
            ]),
                ) {
            static FILE: LazyLock<Regex> = LazyLock::new(|| {
                ascii_re(
                    r"(?:^|[/.+])(?:health|healthz|healthcheck|ready|readyz|live|livez|ping)(?:/route|/index|/\+server|\.controller|\.routes?)?\.[cm]?[jt]sx?$",
                )
            });
            let rel = before.concat() + word + suffix + ext;
            proptest::prop_assert_eq!(is_health_route_file(&rel), FILE.is_match(&rel), "{:?}", rel);
        }
    }

    #[test]
    fn health_route_files() {
        for (rel, yes) in [
            ("apps/remix/app/routes/api+/health.ts", true),
            ("app/routes/api.healthz.tsx", true),
            ("app/api/health/route.ts", true),
            ("src/health/health.controller.ts", true),
            ("src/healthy-food.ts", false),
            ("src/readyState.ts", false),
        ] {
            assert_eq!(is_health_route_file(rel), yes, "{rel}");
        }
    }
}
