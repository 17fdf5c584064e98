// Patterns compiled ahead of time into DFAs by `build.rs` (which includes
// this file) and loaded by `crate::prebuilt`. Each entry is a name and its
// alternatives, leftmost first: a match reports which alternative it is.
// Every alternative must begin with a literal (the search looks for those
// first); `build.rs` refuses one that does not. The tests in
// `crate::prebuilt` hold each entry to the `regex` crate's answers.
//
// Kept free of anything but constants: `build.rs` and the crate both
// include it.

/// The app facts (`checks::app::scan`): ASCII mode, as their comments say;
/// a negated class that must not split a character says `(?u:[^}])`.
pub const APP_SERVER: &[&str] = &[
    r"(?-u)\bexpress\(\s*\)",
    r"(?-u)\b[Ff]astify\(\s*[{)]",
    r"(?-u)\bnew\s+Koa\(",
    r"(?-u)\bserve\(\s*\{(?u:[^}])*\bfetch\b",
    r"(?-u)\bNestFactory\.create(?:<(?u:[^>])*>)?\(",
    r#"(?-u)\b(?:https?|http2|require\(\s*["'](?:node:)?https?["']\s*\))\.createServer\("#,
    // `import { createServer } from 'node:http'`: checked for the import.
    r"(?-u)\bcreateServer\(",
];

pub const APP_SHUTDOWN: &[&str] = &[concat!(
    r#"(?-u)process\s*\.\s*(?:on|once|addListener|prependListener)\(\s*["'`](?:SIGTERM|SIGINT)"#,
    r"|\benableShutdownHooks\(|\bcloseGracefully\b|\bcreateTerminus\(|\bcreateHttpTerminator\(",
    r#"|\bstoppable\(|\bcreateLightship\(|\bcloseWithGrace\(|["'](?:fastify-graceful-shutdown|close-with-grace|@godaddy/terminus|http-terminator|stoppable|lightship)["']"#,
)];

pub const APP_HEALTH: &[&str] = &[concat!(
    r#"(?-u)["'`]/(?:api/)?(?:health|healthz|healthcheck|ready|readyz|readiness|live|livez|liveness|up|ping|status)(?:["'`/?])"#,
    r#"|@(?:Get|Head|All|Controller)\(\s*["'`]/?(?:health|healthz|healthcheck|ready|readyz|live|livez|ping|status)["'`/]"#,
    r#"|@HealthCheck\(|["'](?:@nestjs/terminus|fastify-healthcheck|@fastify/under-pressure|@godaddy/terminus|lightship)["']"#,
)];

pub const APP_HEADERS: &[&str] = &[concat!(
    r#"(?-u)["'](?:helmet|@fastify/helmet|fastify-helmet|koa-helmet|hono/secure-headers|lusca)["']"#,
    r#"|\bsecureHeaders\(|(?i:["'](?:strict-transport-security|content-security-policy)["'])"#,
)];

pub const APP_RATE_LIMIT: &[&str] = &[concat!(
    r#"(?-u)["'](?:express-rate-limit|express-slow-down|rate-limiter-flexible|@fastify/rate-limit|fastify-rate-limit|@nestjs/throttler|koa-ratelimit|koa2-ratelimit|hono-rate-limiter|@upstash/ratelimit|express-brute)["']"#,
    r"|\bThrottlerModule\b|\blimit_req\b",
)];

pub const APP_AUTH_ROUTE: &[&str] = &[concat!(
    r#"(?-u)\.(?:get|post|put|patch|all|use|route)\(\s*["'`](?:/[\w:-]+)*/(?:login|signin|sign-in|auth|password|reset|reset-password|forgot-password)["'`/]"#,
    r#"|@(?:Controller|Post|Get|Put|Patch)\(\s*["'`]/?(?:[\w:-]+/)*(?:login|signin|sign-in|auth|password|reset|reset-password|forgot-password)["'`/]"#,
    r#"|\burl:\s*["'`](?:/[\w:-]+)*/(?:login|signin|auth|password|reset)["'`/]"#,
)];

pub const APP_HTTP_IMPORT: &[&str] = &[r#"(?-u)["'](?:node:)?(?:https?|http2)["']"#];

pub const APP_CREDENTIALS: &[&str] = &[r"(?-u)\bcredentials\s*:\s*true\b"];

/// An origin that admits any site: `'*'`, `true` (reflect the request's),
/// a regex matching anything.
pub const APP_ANY_ORIGIN: &[&str] =
    &[r#"(?-u)\borigin\s*:\s*(?:["'`]\*["'`]|true\b|/\^?\.[*+]\$?/)"#];

/// The name is the match's run of `[A-Z0-9_]` after `process.env.`.
pub const APP_ENV_ORIGIN: &[&str] =
    &[r"(?-u)\borigin\s*:\s*process\.env\.[A-Z_][A-Z0-9_]*\s*[,}\n]"];

pub const APP_CORS_CALL: &[&str] =
    &[r"(?-u)\b(?:cors|enableCors|register|cors\s*:)\s*\(?\s*(?:[\w.]+\s*,\s*)?\{?\s*$"];

pub const APP_JWT_SIGN: &[&str] = &[r"(?-u)\b(?:jwt|jsonwebtoken|JWT)\.sign\s*\("];

pub const APP_SIGN_JWT: &[&str] = &[r"(?-u)\bnew\s+SignJWT\s*\("];

/// A query or connection-string parameter (`crate::redact`): `?key=value`,
/// `&key=value`, `;key=value`. The key runs to the match's first `=`.
pub const REDACT_PARAM: &[&str] = &[r#"[?&;][^=&;?#\s'"<>`]+=[^&;#\s'"<>`]+"#];

/// Tokens that are secrets by their shape, in ASCII mode: used on ASCII
/// text only, where `\b` and `\s` mean what they mean in Unicode mode, so
/// a run whose shown lines are ASCII never compiles a regex (4 M
/// instructions, a millisecond). `crate::redact`'s `SECRET_SHAPED`, for
/// other text, is these alternatives in Unicode mode.
pub const REDACT_SECRET_SHAPED: &[&str] = &[
    r"(?-u)\b(?:(?:sk|rk|pk)_(?:live|test)_|whsec_|gh[pousr]_|github_pat_|xox[abprs]-|AKIA|ASIA)[A-Za-z0-9_\-]{8,}",
    r"(?-u)(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}",
    r"(?-u)whsec_[A-Za-z0-9+/]{16,}",
    r"(?-u)gh[pousr]_[A-Za-z0-9]{30,}",
    r"(?-u)github_pat_[A-Za-z0-9_]{30,}",
    r"(?-u)xox[abprs]-[A-Za-z0-9\-]{10,}",
    r"(?-u)(?:AKIA|ASIA)[A-Z0-9]{16}",
    r"(?-u)eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
    // The other providers of `provider_keys`: SendGrid, Resend, Twilio,
    // OpenAI/Anthropic, Slack app tokens, a private key's body on its
    // header's line (a key in a one-line string).
    r"(?-u)SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
    r"(?-u)\bre_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}",
    r"(?-u)\bSK[0-9a-fA-F]{32}",
    r"(?-u)\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",
    r"(?-u)xapp-[A-Za-z0-9\-]{10,}",
    r"(?-u)PRIVATE KEY-----(?:\\[rn]|\s)*[A-Za-z0-9+/=]{16,}[A-Za-z0-9+/=\\\s]*",
];

/// The app's route facts (`checks::app::routes`): a path literal, or the
/// path after a template's leading `${…}`.
pub const ROUTES_PATH_LITERAL: &[&str] = &[r#"["'`](?:\$\{[^}`]*\})?/[^"'`\s]*["'`]"#];

/// NestJS decorators and prefixes, and route config objects, whose paths
/// are written without the leading `/` (`@Controller('health')`). The path
/// is the match's text between its last two quotes.
pub const ROUTES_BARE_PATH: &[&str] = &[concat!(
    r#"(?:@(?:Controller|Get|Head|All|Post)\(|(?-u:\b)setGlobalPrefix\(|(?-u:\b)basePath\(|(?-u:\b)path\s*:)"#,
    r#"\s*(?:\{\s*path\s*:\s*)?["'`][0-9A-Za-z_.:-][^"'`\s]*["'`]"#,
)];

/// A route defined with a literal path.
pub const ROUTES_DEFINITION: &[&str] = &[concat!(
    r#"\.(?:get|post|put|patch|delete|head|all|route|on)\(\s*["'`]/"#,
    r#"|@(?:Controller|Get|Post|Head|All)\("#,
    r#"|(?-u:\b)url\s*:\s*["'`]/|(?-u:\b)req(?:uest)?\.(?:url|path|pathname)\s*===?\s*["'`]/|(?-u:\b)case\s+["'`]/"#,
)];

/// What may serve paths no literal names: static files, catch-all and
/// regex routes, a path or prefix held in a variable. (A dynamic method,
/// `app[method](`, has no leading literal: `routes` keeps it a regex.)
pub const ROUTES_UNSURE: &[&str] = &[concat!(
    r#"(?-u:\b)express\.static\(|serve-?[Ss]tatic|@fastify/static|fastify-static|koa-static|(?-u:\b)serveStatic(?-u:\b)"#,
    r#"|["'`](?:\*|/\*|\(\.\*\)|/\(\.\*\))["'`]|["'`]/[^"'`\s]*(?:/\*|:[0-9A-Za-z_]+\*|\{\*)"#,
    r#"|\.(?:get|head|all|use|route)\(\s*/"#,
    r#"|\.(?:get|head|all|use|route|register)\(\s*[0-9A-Za-z_.$]*(?i:path|route|url|prefix|base|endpoint|health|ready|live|api|mount)[0-9A-Za-z_.$]*\s*,"#,
    r#"|(?-u:\b)prefix\s*:\s*[A-Za-z_$`]|(?-u:\b)(?:setGlobalPrefix|basePath|prefix)\(\s*[^"'`\s)]"#,
    r#"|(?-u:\b)RouterModule(?-u:\b)"#,
)];

/// Every prebuilt set, by the name its generated static takes.
pub const ALL: &[(&str, &[&str])] = &[
    ("APP_SERVER", APP_SERVER),
    ("APP_SHUTDOWN", APP_SHUTDOWN),
    ("APP_HEALTH", APP_HEALTH),
    ("APP_HEADERS", APP_HEADERS),
    ("APP_RATE_LIMIT", APP_RATE_LIMIT),
    ("APP_AUTH_ROUTE", APP_AUTH_ROUTE),
    ("APP_HTTP_IMPORT", APP_HTTP_IMPORT),
    ("APP_CREDENTIALS", APP_CREDENTIALS),
    ("APP_ANY_ORIGIN", APP_ANY_ORIGIN),
    ("APP_ENV_ORIGIN", APP_ENV_ORIGIN),
    ("APP_CORS_CALL", APP_CORS_CALL),
    ("APP_JWT_SIGN", APP_JWT_SIGN),
    ("APP_SIGN_JWT", APP_SIGN_JWT),
    ("REDACT_PARAM", REDACT_PARAM),
    ("REDACT_SECRET_SHAPED", REDACT_SECRET_SHAPED),
    ("ROUTES_PATH_LITERAL", ROUTES_PATH_LITERAL),
    ("ROUTES_BARE_PATH", ROUTES_BARE_PATH),
    ("ROUTES_DEFINITION", ROUTES_DEFINITION),
    ("ROUTES_UNSURE", ROUTES_UNSURE),
];
