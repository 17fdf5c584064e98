//! App server rules (`app/*`): a custom Node server (Express, Fastify, Koa,
//! Hono on Node, NestJS, plain `http.createServer`) judged per package (the
//! nearest `package.json`) from the facts `scan::AppFiles` gathered per
//! file. Frameworks that manage these themselves (Next.js `next start`,
//! Remix, SvelteKit, Django, Rails) have no server creation to find and are
//! never flagged.

mod package;
pub use package::ServerDeps;
mod probes;
pub mod routes;
pub mod scan;
mod start_script;

use super::infra_files;
use super::repo::{RepoCheck, RepoFacts};
use super::Context;
use crate::finding::Finding;
use crate::rules::{Area, Judged, Level, Rule};
use package::{dependencies, manifests, package_of, Manifest, Package};
use scan::{FileFacts, Place};
use std::collections::BTreeMap;

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const NO_GRACEFUL_SHUTDOWN: Rule = Rule {
    id: "app/no-graceful-shutdown",
    default_level: Some(Level::Warning),
    area: Area::Infrastructure,
    judged: Judged::State,
    summary: "a custom Node server whose package never handles SIGTERM",
    options: &[],
    doc: crate::rule_doc!("app-no-graceful-shutdown"),
    module: module_path!(),
};

pub const NO_HEALTH_ROUTE: Rule = Rule {
    id: "app/no-health-route",
    default_level: Some(Level::Warning),
    area: Area::Infrastructure,
    judged: Judged::State,
    summary: "a Node server app with no health or readiness route",
    options: &[],
    doc: crate::rule_doc!("app-no-health-route"),
    module: module_path!(),
};

pub const CORS_CREDENTIALS_WILDCARD: Rule = Rule {
    id: "app/cors-credentials-wildcard",
    default_level: Some(Level::Error),
    area: Area::Security,
    judged: Judged::Lines,
    summary: "CORS admits any origin (`'*'`, `true`, `/.*/`) together with `credentials: true`",
    options: &[],
    doc: crate::rule_doc!("app-cors-credentials-wildcard"),
    module: module_path!(),
};

pub const NO_SECURITY_HEADERS: Rule = Rule {
    id: "app/no-security-headers",
    default_level: Some(Level::Warning),
    area: Area::Security,
    judged: Judged::State,
    summary: "a Node server app with no security-header layer (helmet, a proxy adding them)",
    options: &[],
    doc: crate::rule_doc!("app-no-security-headers"),
    module: module_path!(),
};

pub const NO_RATE_LIMIT: Rule = Rule {
    id: "app/no-rate-limit",
    default_level: Some(Level::Notice),
    area: Area::Security,
    judged: Judged::State,
    summary: "a server with login/password routes and no rate limiter",
    options: &[],
    doc: crate::rule_doc!("app-no-rate-limit"),
    module: module_path!(),
};

pub const JWT_WITHOUT_EXPIRY: Rule = Rule {
    id: "app/jwt-without-expiry",
    default_level: Some(Level::Warning),
    area: Area::Security,
    judged: Judged::Lines,
    summary: "a JWT signed without an expiry (`jwt.sign` without `expiresIn`, `SignJWT` without `setExpirationTime`)",
    options: &[],
    doc: crate::rule_doc!("app-jwt-without-expiry"),
    module: module_path!(),
};

pub const RULES: &[&Rule] = &[
    &NO_GRACEFUL_SHUTDOWN,
    &NO_HEALTH_ROUTE,
    &CORS_CREDENTIALS_WILDCARD,
    &NO_SECURITY_HEADERS,
    &NO_RATE_LIMIT,
    &JWT_WITHOUT_EXPIRY,
];

/// Production dependencies that make a package a custom server.
const SERVER_DEPS: &[&str] = &[
    "express",
    "fastify",
    "koa",
    "@hono/node-server",
    "@nestjs/core",
];

/// Dependencies that route by files or serve pages on any path: a probe's
/// path may be one of theirs.
const FILE_ROUTED_DEPS: &[&str] = &[
    "next",
    "@remix-run/express",
    "@remix-run/node",
    "@react-router/express",
    "@sveltejs/kit",
    "nuxt",
    "astro",
    "honox",
    "@fastify/autoload",
    "fastify-autoload",
    "express-file-routing",
];

/// Dependencies that handle shutdown, serve a health route, add security
/// headers, limit rates.
const SHUTDOWN_DEPS: &[&str] = &[
    "@godaddy/terminus",
    "http-terminator",
    "stoppable",
    "lightship",
    "fastify-graceful-shutdown",
    "close-with-grace",
];
const HEALTH_DEPS: &[&str] = &[
    "@nestjs/terminus",
    "fastify-healthcheck",
    "@fastify/under-pressure",
    "@godaddy/terminus",
    "lightship",
];
const HEADER_DEPS: &[&str] = &[
    "helmet",
    "@fastify/helmet",
    "fastify-helmet",
    "koa-helmet",
    "lusca",
];
const RATE_DEPS: &[&str] = &[
    "express-rate-limit",
    "express-slow-down",
    "rate-limiter-flexible",
    "@fastify/rate-limit",
    "fastify-rate-limit",
    "@nestjs/throttler",
    "koa-ratelimit",
    "koa2-ratelimit",
    "hono-rate-limiter",
    "@upstash/ratelimit",
];

/// Does a proxy config add the security headers, or limit request rates?
fn proxy_has(facts: &RepoFacts, needles: &[&str]) -> bool {
    facts.repo_files.iter().any(|f| {
        super::infra_files::is_infra_file(&f.rel)
            && !f.rel.ends_with(".json")
            && needles.iter().any(|n| f.text.contains(n))
    })
}

pub struct AppRules;

impl RepoCheck for AppRules {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        let files: Vec<&FileFacts> = facts
            .app_files
            .iter()
            .filter(|f| facts.is_production(ctx, &f.rel))
            .collect();
        for f in &files {
            for (p, value) in &f.cors_wildcard {
                out.extend(finding(ctx, &CORS_CREDENTIALS_WILDCARD, &f.rel, p,
                    format!("CORS admits any origin (`origin: {value}`) with `credentials: true`: any website can make authenticated requests as your users and read the answers"),
                    "list the allowed origins (`origin: ['https://app.example.com']`, from the environment) or drop `credentials: true`".to_string()));
            }
            for (p, name) in &f.cors_env {
                let star = facts
                    .environments
                    .iter()
                    .filter(|e| e.is_production)
                    .any(|e| e.values.get(name).is_some_and(|v| v.value.trim() == "*"));
                if star {
                    out.extend(finding(ctx, &CORS_CREDENTIALS_WILDCARD, &f.rel, p,
                        format!("CORS origin comes from {name}, which is `*` in the production environment, with `credentials: true`"),
                        format!("set {name} to the site's own origins (`https://app.example.com`), never `*` with credentials")));
                }
            }
            for p in &f.jwt_no_expiry {
                out.extend(finding(ctx, &JWT_WITHOUT_EXPIRY, &f.rel, p,
                    "JWT signed without an expiry: a stolen token works forever".to_string(),
                    "give it a short lifetime (`jwt.sign(payload, secret, { expiresIn: '15m' })`, `.setExpirationTime('15m')`) and refresh it".to_string()));
            }
        }
        let servers = self.servers(facts, ctx, &files, out);
        if servers > 0 {
            for (rel, line) in start_script::unexec_scripts(facts.repo_files) {
                if scan::is_example(rel) || ctx.settings.is_test_file(rel) {
                    continue;
                }
                out.extend(line_finding(facts, ctx, &NO_GRACEFUL_SHUTDOWN, rel, line,
                    "the start script runs the server as the shell's child: SIGTERM stops at the shell and never reaches the server".to_string(),
                    "start the server with `exec` (`exec node dist/server.js`) so it replaces the shell and receives the signal".to_string()));
            }
        }
    }
}

impl AppRules {
    fn servers(
        &self,
        facts: &RepoFacts,
        ctx: &Context,
        files: &[&FileFacts],
        out: &mut Vec<Finding>,
    ) -> usize {
        let mut found = 0;
        let manifests = manifests(facts.repo_files);
        let dirs: Vec<String> = manifests.iter().map(|(d, _)| d.to_string()).collect();
        let mut packages: BTreeMap<&str, Package> = BTreeMap::new();
        // Each manifest parsed once: a package's ancestors' manifests are
        // read again for each package below them.
        let parsed: Vec<Option<serde_json::Value>> = manifests
            .iter()
            .map(|(_, text)| serde_json::from_str(text).ok())
            .collect();
        let own_deps: Vec<Vec<String>> = parsed.iter().map(|v| dependencies(v.as_ref())).collect();
        // A workspace's packages inherit the root's hoisted dependencies:
        // a package's own and its ancestors' manifests count.
        for ((dir, _), v) in manifests.iter().zip(&parsed) {
            let deps = manifests
                .iter()
                .zip(&own_deps)
                .filter(|((d, _), _)| {
                    d.is_empty() || *d == *dir || dir.starts_with(&format!("{d}/"))
                })
                .flat_map(|(_, deps)| deps.iter().cloned())
                .collect();
            let pkg = packages.entry(dir).or_default();
            pkg.deps = deps;
            pkg.manifest = Manifest::of(v.as_ref());
        }
        for f in files {
            if let Some(dir) = package_of(&f.rel, &dirs) {
                packages.entry(dir).or_default().files.push(f);
            }
        }
        let proxy_headers = proxy_has(
            facts,
            &["Strict-Transport-Security", "Content-Security-Policy"],
        );
        let proxy_limit = proxy_has(facts, &["limit_req"]);
        let mut apps = Vec::new();
        for (dir, pkg) in &packages {
            let Some((server_file, at, framework)) = pkg.server() else {
                continue;
            };
            found += 1;
            let what = if dir.is_empty() {
                "the Node server".to_string()
            } else {
                format!("the Node server in {dir}")
            };
            facts.judged.mark("app", Area::Infrastructure, what.clone());
            facts.judged.mark("app", Area::Security, what);
            let name = framework_name(framework);
            if !pkg.has_dep(SHUTDOWN_DEPS) && !pkg.any(|f| f.shutdown) {
                let help = if framework == "nest" {
                    "call `app.enableShutdownHooks()` before `listen`, so SIGTERM closes the app and its connections"
                } else {
                    "on SIGTERM, stop accepting connections and finish in-flight requests: `process.on('SIGTERM', () => server.close(() => process.exit(0)))` (or `@godaddy/terminus`, `http-terminator`)"
                };
                out.extend(finding(ctx, &NO_GRACEFUL_SHUTDOWN, &server_file.rel, at,
                    format!("{name} server never handles SIGTERM: a deploy or scale-down kills in-flight requests"), help.to_string()));
            }
            let health_file = facts.visited.iter().any(|v| {
                (dir.is_empty() || v.starts_with(&format!("{dir}/")))
                    && scan::is_health_route_file(v)
            });
            if !pkg.has_dep(HEALTH_DEPS) && !pkg.any(|f| f.health_route) && !health_file {
                out.extend(finding(ctx, &NO_HEALTH_ROUTE, &server_file.rel, at,
                    format!("{name} server has no health route (`/health`, `/healthz`, `/ready`): the platform cannot tell a hung instance from a healthy one"),
                    "add `GET /health` answering 200 once the app can serve (checking the database if it needs one), and point the load balancer's or orchestrator's probe at it".to_string()));
            }
            apps.push(probes::Routes {
                dir: dir.to_string(),
                name: pkg.manifest.name.clone(),
                paths: known_paths(pkg, health_file),
            });
            // A plain Node server is judged for what every server needs:
            // shutdown and health. Headers and rate limits belong to apps.
            if framework == "http" {
                continue;
            }
            let next_headers = facts.repo_files.iter().any(|f| {
                infra_files::is_next_config(&f.rel)
                    && package_of(&f.rel, &dirs) == Some(*dir)
                    && next_config_sets_headers(&f.text)
            });
            if !pkg.has_dep(HEADER_DEPS)
                && !pkg.any(|f| f.security_headers)
                && !proxy_headers
                && !next_headers
            {
                out.extend(finding(ctx, &NO_SECURITY_HEADERS, &server_file.rel, at,
                    format!("{name} server sends no security headers (CSP, HSTS, X-Frame-Options, nosniff): no helmet and no proxy adding them"),
                    header_help(framework).to_string()));
            }
            let auth = pkg
                .files
                .iter()
                .find_map(|f| f.auth_route.as_ref().map(|p| (f, p)));
            if let Some((f, p)) = auth {
                if !pkg.has_dep(RATE_DEPS) && !pkg.any(|f| f.rate_limit) && !proxy_limit {
                    out.extend(finding(ctx, &NO_RATE_LIMIT, &f.rel, p,
                        "login/password route with no rate limiter: passwords can be guessed and reset mail sent without limit".to_string(),
                        "limit attempts per IP and account (`express-rate-limit`, `@fastify/rate-limit`, `@nestjs/throttler`, or nginx `limit_req`)".to_string()));
                }
            }
        }
        for (probe, app) in probes::unserved(facts, ctx, &dirs, &apps) {
            let whose = if app.dir.is_empty() {
                "the app".to_string()
            } else {
                format!("the app in {}", app.dir)
            };
            out.extend(line_finding(facts, ctx, &NO_HEALTH_ROUTE, &probe.rel, probe.line,
                format!("{} requests `{}`, a path {whose} does not define: the probe fails on a healthy instance (or checks nothing)", probe.what, probe.path),
                "point the probe at the app's health route, or add that route (`app.get('/healthz', …)`) answering 200 once the app can serve".to_string()));
        }
        found
    }
}

/// The paths a server package serves, when its literals name them all
/// (see `probes::Routes::paths`).
fn known_paths(pkg: &Package, health_file: bool) -> Option<Vec<String>> {
    let unsure = pkg.has_dep(HEALTH_DEPS)
        || pkg.has_dep(FILE_ROUTED_DEPS)
        || health_file
        || !pkg.any(|f| f.defines_routes)
        || pkg.any(|f| f.routes_unsure);
    (!unsure).then(|| pkg.files.iter().flat_map(|f| f.paths.clone()).collect())
}

/// Does a `next.config` set Content-Security-Policy or
/// Strict-Transport-Security in its `headers()` (comment lines aside)?
fn next_config_sets_headers(text: &str) -> bool {
    let code: String = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.starts_with("//") && !t.starts_with('*') && !t.starts_with("/*")
        })
        .collect::<Vec<_>>()
        .join("\n")
        .to_ascii_lowercase();
    code.contains("headers")
        && (code.contains("content-security-policy") || code.contains("strict-transport-security"))
}

fn framework_name(framework: &str) -> &'static str {
    match framework {
        "express" => "Express",
        "fastify" => "Fastify",
        "koa" => "Koa",
        "hono" => "Hono",
        "nest" => "NestJS",
        _ => "Node",
    }
}

fn header_help(framework: &str) -> &'static str {
    match framework {
        "fastify" => "register `@fastify/helmet` (or add Strict-Transport-Security and Content-Security-Policy at the proxy)",
        "koa" => "use `koa-helmet` (or add Strict-Transport-Security and Content-Security-Policy at the proxy)",
        "hono" => "use `secureHeaders()` from `hono/secure-headers` (or add the headers at the proxy)",
        _ => "use `helmet()` (`app.use(helmet())`), or add Strict-Transport-Security, Content-Security-Policy, X-Content-Type-Options at the proxy",
    }
}

/// A finding of `rule` on line `line` of the kept file `rel`.
fn line_finding(
    facts: &RepoFacts,
    ctx: &Context,
    rule: &'static Rule,
    rel: &str,
    line: u32,
    message: String,
    help: String,
) -> Option<Finding> {
    let level = ctx.settings.level(rule)?;
    let span = crate::finding::Span {
        line,
        column: 1,
        end_line: line,
        end_column: 1,
    };
    let text = facts
        .repo_files
        .iter()
        .find(|f| f.rel == rel)
        .map_or("", |f| f.text.as_str());
    let shown = text.lines().nth(line as usize - 1).unwrap_or("");
    Some(Finding::new(rule, level, message, help).at(rel, span, shown))
}

fn finding(
    ctx: &Context,
    rule: &'static Rule,
    rel: &str,
    p: &Place,
    message: String,
    help: String,
) -> Option<Finding> {
    let level = ctx.settings.level(rule)?;
    Some(Finding::new(rule, level, message, help).at_shown(rel, p.span.clone(), p.shown.clone()))
}
