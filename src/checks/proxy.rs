//! The reverse proxy in front of the app (nginx): `proxy/http-without-redirect`,
//! `proxy/weak-tls`, `proxy/no-hsts`. Each nginx tree in the repository is
//! parsed (`nginx`), its includes inlined, and every `server` block judged
//! with what it inherits from `http`. Caddy and Traefik are not judged:
//! Caddy redirects to HTTPS and uses modern TLS by default, Traefik's
//! entrypoints live mostly outside the repository. Dev configs
//! (`dev/`, `*.dev.conf`, tests) are not judged.
//! Docs: `docs/rules/proxy-*.md`.

pub mod nginx;

use super::repo::{RepoCheck, RepoFacts};
use super::Context;
use crate::finding::{Finding, Span};
use crate::migrations::RepoFile;
use crate::rules::{Area, Judged, Level, Rule};
use nginx::Directive;
use std::collections::{BTreeMap, BTreeSet};

pub const HTTP_WITHOUT_REDIRECT: Rule = Rule {
    id: "proxy/http-without-redirect",
    default_level: Some(Level::Error),
    area: Area::Security,
    judged: Judged::State,
    summary: "an nginx server on port 80 serves the app instead of redirecting to HTTPS",
    options: &[],
    doc: crate::rule_doc!("proxy-http-without-redirect"),
    module: module_path!(),
};

pub const WEAK_TLS: Rule = Rule {
    id: "proxy/weak-tls",
    default_level: Some(Level::Error),
    area: Area::Security,
    judged: Judged::State,
    summary: "nginx `ssl_protocols` enables TLSv1 or TLSv1.1 (or SSLv3)",
    options: &[],
    doc: crate::rule_doc!("proxy-weak-tls"),
    module: module_path!(),
};

pub const NO_HSTS: Rule = Rule {
    id: "proxy/no-hsts",
    default_level: Some(Level::Warning),
    area: Area::Security,
    judged: Judged::State,
    summary: "an nginx TLS server sends no `Strict-Transport-Security` header",
    options: &[],
    doc: crate::rule_doc!("proxy-no-hsts"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&HTTP_WITHOUT_REDIRECT, &WEAK_TLS, &NO_HSTS];

pub struct ProxyRules;

impl RepoCheck for ProxyRules {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        let files: Vec<RepoFile> = facts
            .repo_files
            .iter()
            .filter(|f| is_nginx_file(&f.rel) && is_judged_path(ctx, facts, &f.rel))
            .cloned()
            .collect();
        for tree in trees(&files) {
            judge_tree(&tree, facts, ctx, out);
        }
    }
}

/// An nginx file among the proxy configs (not Caddy, not Traefik).
fn is_nginx_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    super::infra_files::is_proxy_config(rel)
        && !name.starts_with("caddyfile")
        && !name.starts_with("traefik.")
}

/// Not a development, test or example config.
fn is_judged_path(ctx: &Context, facts: &RepoFacts, rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let mut parts = lower.split('/');
    let name = parts.next_back().unwrap_or("");
    let dev_dir = parts.any(|p| {
        matches!(
            p,
            "dev" | "development" | "local" | "test" | "tests" | "e2e" | "example" | "examples"
        )
    });
    let dev_name = name.split(['.', '-', '_']).any(|w| {
        matches!(
            w,
            "dev" | "development" | "local" | "test" | "example" | "sample"
        )
    });
    !dev_dir && !dev_name && facts.is_production(ctx, rel)
}

/// The directory an nginx tree's relative includes start from: the folder
/// of `nginx.conf`, or the parent of `conf.d/`/`sites-enabled/`.
fn root_dir(rel: &str) -> &str {
    let dir = nginx::dir_of(rel);
    let last = dir.rsplit('/').next().unwrap_or(dir);
    if matches!(last, "conf.d" | "sites-enabled" | "sites-available") {
        nginx::dir_of(dir)
    } else {
        dir
    }
}

/// One file nginx loads first (not included by another), its includes inlined.
struct Root {
    rel: String,
    directives: Vec<Directive>,
}

/// The roots grouped by nginx root directory: one deployed proxy each.
fn trees(files: &[RepoFile]) -> Vec<Vec<Root>> {
    let mut included = Vec::new();
    let mut expanded = Vec::new();
    for f in files {
        let dir = root_dir(&f.rel);
        let parsed = nginx::parse(&f.rel, &f.text);
        let mut mine = Vec::new();
        let directives = nginx::expand(parsed, &f.rel, dir, files, &mut mine, 0);
        included.extend(mine);
        expanded.push((
            dir.to_string(),
            Root {
                rel: f.rel.clone(),
                directives,
            },
        ));
    }
    let included: BTreeSet<String> = included.into_iter().collect();
    let mut by_dir: BTreeMap<String, Vec<Root>> = BTreeMap::new();
    for (dir, root) in expanded {
        if !included.contains(&root.rel) {
            by_dir.entry(dir).or_default().push(root);
        }
    }
    by_dir.into_values().collect()
}

/// A `server` block with what it inherits from its `http` context.
struct Server<'a> {
    block: &'a Directive,
    http: &'a [Directive],
}

impl Server<'_> {
    fn own(&self, name: &str) -> impl Iterator<Item = &Directive> {
        let name = name.to_string();
        self.block.children().iter().filter(move |d| d.name == name)
    }

    /// The `listen` directives that accept TLS, or the `server` block
    /// itself under the legacy `ssl on;`.
    fn tls_listen(&self) -> Option<&Directive> {
        let ssl_on = self.own("ssl").any(|d| d.arg(0) == Some("on"));
        self.own("listen")
            .find(|l| ssl_on || l.args.iter().any(|a| a == "ssl" || a == "quic"))
    }

    /// Where the server accepts plain HTTP on port 80: its `listen 80`, or
    /// the `server` line when it has no `listen` (nginx's default `*:80`).
    fn plain_http_listen(&self) -> Option<&Directive> {
        if self.own("ssl").any(|d| d.arg(0) == Some("on")) {
            return None;
        }
        let mut listens = self.own("listen").peekable();
        if listens.peek().is_none() {
            return Some(self.block);
        }
        listens.find(|l| {
            !l.args.iter().any(|a| a == "ssl" || a == "quic")
                && l.arg(0).is_some_and(|a| listen_port(a) == Some(80))
        })
    }

    /// Directives of `name` in effect: the server's own, else `http`'s
    /// (nginx's array-directive inheritance: a level that sets any does
    /// not inherit its parent's).
    fn effective(&self, name: &str) -> Vec<&Directive> {
        let own: Vec<&Directive> = self.own(name).collect();
        if !own.is_empty() {
            return own;
        }
        self.http.iter().filter(|d| d.name == name).collect()
    }

    /// Every `server_name` is a local development name (`localhost`,
    /// `*.localhost`, `*.test`, `*.local`, `127.0.0.1`): not a deployed site.
    fn is_local(&self) -> bool {
        let names: Vec<&str> = self
            .own("server_name")
            .flat_map(|d| d.args.iter().map(String::as_str))
            .collect();
        !names.is_empty()
            && names.iter().all(|n| {
                let n = n.to_ascii_lowercase();
                n == "localhost"
                    || n == "127.0.0.1"
                    || n.ends_with(".localhost")
                    || n.ends_with(".test")
                    || n.ends_with(".local")
            })
    }

    /// An include outside the repository that may add headers (stock
    /// files that never do — `mime.types`, `*_params`, certbot's
    /// `options-ssl-nginx.conf` — do not count).
    fn has_unresolved_include(&self) -> bool {
        self.block
            .children()
            .iter()
            .chain(self.http)
            .any(|d| d.unresolved_include && !d.arg(0).is_some_and(is_stock_include))
    }
}

/// nginx's and certbot's stock include files: types, upstream parameters
/// and TLS session settings, never a response header.
fn is_stock_include(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "mime.types"
        || name.ends_with("_params")
        || name == "fastcgi.conf"
        || name == "options-ssl-nginx.conf"
        || path.contains("modules-enabled/")
}

/// The port of a `listen` address: `80`, `[::]:80`, `0.0.0.0:80`,
/// `example.com` (80); `None` for a unix socket.
fn listen_port(addr: &str) -> Option<u16> {
    // A unix socket, or a port set when the container starts
    // (`listen ${PORT};` through envsubst): not known here.
    if addr.starts_with("unix:") || addr.contains('$') {
        return None;
    }
    if let Ok(p) = addr.parse() {
        return Some(p);
    }
    let tail = match addr.rfind(']') {
        Some(i) => &addr[i + 1..],
        None => addr,
    };
    match tail.rsplit_once(':') {
        Some((_, p)) => p.parse().ok(),
        None => Some(80),
    }
}

/// The `http` contexts of a root: `http { … }` blocks, or the file itself
/// when it is a fragment nginx includes inside `http` (`conf.d/app.conf`).
fn http_contexts(directives: &[Directive]) -> Vec<&[Directive]> {
    let blocks: Vec<&[Directive]> = directives
        .iter()
        .filter(|d| d.name == "http")
        .map(|d| d.children())
        .collect();
    if blocks.is_empty() {
        vec![directives]
    } else {
        blocks
    }
}

fn servers(root: &Root) -> Vec<Server<'_>> {
    let mut out = Vec::new();
    for http in http_contexts(&root.directives) {
        for block in http.iter().filter(|d| d.name == "server") {
            out.push(Server { block, http });
        }
    }
    out
}

/// `return 301 https://…`, `return https://…`, `rewrite ^ https://… permanent`.
fn is_https_redirect(d: &Directive) -> bool {
    match d.name.as_str() {
        "return" => match d.args.as_slice() {
            [url] => url.starts_with("https://"),
            [code, url, ..] => {
                matches!(code.as_str(), "301" | "302" | "303" | "307" | "308")
                    && url.starts_with("https://")
            }
            _ => false,
        },
        "rewrite" => d.arg(1).is_some_and(|u| u.starts_with("https://")),
        _ => false,
    }
}

/// An `if` on the scheme (`$scheme`, `$https`, `X-Forwarded-Proto`,
/// `$server_port`) that redirects to HTTPS.
fn is_scheme_redirect(d: &Directive) -> bool {
    d.name == "if"
        && d.args.iter().any(|a| {
            let a = a.to_ascii_lowercase();
            a.contains("$scheme")
                || a.contains("$https")
                || a.contains("x_forwarded_proto")
                || a.contains("$server_port")
        })
        && d.children().iter().any(is_https_redirect)
}

const CONTENT: &[&str] = &[
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
    "memcached_pass",
    "root",
    "alias",
    "try_files",
];

fn is_acme(location: &Directive) -> bool {
    location.args.iter().any(|a| a.contains("/.well-known"))
}

/// The first directive by which the server serves the app over this
/// connection (a content directive in a location that neither returns nor
/// is the ACME challenge), or `None` when it only redirects or refuses.
fn serving(server: &Server) -> Option<&'static str> {
    let children = server.block.children();
    // A server-level `return` answers every request before any location.
    if children.iter().any(|d| d.name == "return") {
        return None;
    }
    if children
        .iter()
        .any(|d| is_scheme_redirect(d) || is_https_redirect(d))
    {
        return None;
    }
    let server_content = children
        .iter()
        .find_map(|d| CONTENT.iter().find(|c| **c == d.name).copied());
    let locations: Vec<&Directive> = children.iter().filter(|d| d.name == "location").collect();
    if locations.is_empty() {
        return server_content;
    }
    locations
        .into_iter()
        .find_map(|l| location_serving(l, server_content))
}

fn location_serving(l: &Directive, inherited: Option<&'static str>) -> Option<&'static str> {
    if is_acme(l) {
        return None;
    }
    let children = l.children();
    if children
        .iter()
        .any(|d| d.name == "return" || is_https_redirect(d) || is_scheme_redirect(d))
    {
        return None;
    }
    let own = children
        .iter()
        .find_map(|d| CONTENT.iter().find(|c| **c == d.name).copied());
    let nested = children
        .iter()
        .filter(|d| d.name == "location")
        .find_map(|n| location_serving(n, own.or(inherited)));
    own.or(nested).or(inherited)
}

fn has_hsts(directives: &[&Directive]) -> bool {
    directives.iter().any(|d| sets_hsts(d))
}

fn sets_hsts(d: &Directive) -> bool {
    match d.name.as_str() {
        "add_header" => d
            .arg(0)
            .is_some_and(|h| h.eq_ignore_ascii_case("strict-transport-security")),
        "more_set_headers" => d.args.iter().any(|a| {
            a.to_ascii_lowercase()
                .starts_with("strict-transport-security")
        }),
        _ => false,
    }
}

/// Any location (at any depth) adding HSTS itself.
fn location_hsts(directives: &[Directive]) -> bool {
    directives
        .iter()
        .filter(|d| d.name == "location" || d.name == "if")
        .any(|l| l.children().iter().any(sets_hsts) || location_hsts(l.children()))
}

fn weak_protocols(d: &Directive) -> Vec<&str> {
    d.args
        .iter()
        .map(String::as_str)
        .filter(|a| matches!(*a, "TLSv1" | "TLSv1.1" | "SSLv3" | "SSLv2"))
        .collect()
}

fn at(
    rule: &'static Rule,
    level: Level,
    d: &Directive,
    message: String,
    help: String,
    files: &[RepoFile],
) -> Finding {
    let text = files
        .iter()
        .find(|f| f.rel == d.file)
        .map_or("", |f| f.text.as_str());
    let line = text
        .lines()
        .nth(d.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let indent = line.len() - line.trim_start().len();
    let span = Span {
        line: d.line,
        column: indent as u32 + 1,
        end_line: d.line,
        end_column: line.trim_end().chars().count() as u32 + 1,
    };
    Finding::new(rule, level, message, help).at(&d.file, span, line)
}

fn server_label(s: &Server) -> String {
    match s.own("server_name").next().and_then(|d| d.arg(0)) {
        Some(name) if name != "_" && !name.is_empty() => format!("server {name}"),
        _ => format!("the server block at line {}", s.block.line),
    }
}

fn judge_tree(tree: &[Root], facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    let files = facts.repo_files;
    let all: Vec<Server> = tree.iter().flat_map(servers).collect();
    for root in tree {
        if !servers(root).is_empty() {
            facts
                .judged
                .mark(Area::Security, format!("nginx config {}", root.rel));
        }
    }
    // A tree with no TLS server sits behind something that terminates TLS
    // (a load balancer, the platform's router): its port 80 is not public.
    let terminates_tls = all.iter().any(|s| s.tls_listen().is_some());
    let mut weak_seen = BTreeSet::new();
    for s in all.iter().filter(|s| !s.is_local()) {
        let what = serving(s);
        if let (Some(level), Some(listen), Some(content), true) = (
            ctx.settings.level(&HTTP_WITHOUT_REDIRECT),
            s.plain_http_listen(),
            what,
            terminates_tls,
        ) {
            out.push(at(
                &HTTP_WITHOUT_REDIRECT,
                level,
                listen,
                format!("{} accepts plain HTTP on port 80 and serves the app (`{content}`) instead of redirecting to HTTPS", server_label(s)),
                "redirect port 80 to HTTPS: a server block with `listen 80;` and `return 301 https://$host$request_uri;` (keep `location /.well-known/acme-challenge/` if certbot needs it), and serve the app only from the `listen 443 ssl` server".to_string(),
                files,
            ));
        }
        let Some(tls) = s.tls_listen() else { continue };
        if let Some(level) = ctx.settings.level(&WEAK_TLS) {
            for d in s.effective("ssl_protocols") {
                let weak = weak_protocols(d);
                if !weak.is_empty() && weak_seen.insert((d.file.clone(), d.line)) {
                    out.push(at(
                        &WEAK_TLS,
                        level,
                        d,
                        format!("`ssl_protocols` enables {} for {}: deprecated protocols (RFC 8996) that browsers have dropped and PCI DSS forbids", weak.join(" and "), server_label(s)),
                        "set `ssl_protocols TLSv1.2 TLSv1.3;` (or remove the line: nginx 1.23.4+ defaults to TLSv1.2 TLSv1.3)".to_string(),
                        files,
                    ));
                }
            }
        }
        if let Some(level) = ctx.settings.level(&NO_HSTS) {
            let headers: Vec<&Directive> = s
                .effective("add_header")
                .into_iter()
                .chain(s.effective("more_set_headers"))
                .collect();
            if what.is_some()
                && !has_hsts(&headers)
                && !location_hsts(s.block.children())
                && !s.has_unresolved_include()
            {
                out.push(at(
                    &NO_HSTS,
                    level,
                    tls,
                    format!("{} serves HTTPS without a `Strict-Transport-Security` header: a browser keeps trying plain HTTP first, where the connection can be downgraded", server_label(s)),
                    "add `add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;` to the server block (nginx drops headers inherited from `http` in any block that has its own `add_header`)".to_string(),
                    files,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_ports() {
        for (addr, port) in [
            ("80", Some(80)),
            ("[::]:80", Some(80)),
            ("0.0.0.0:8080", Some(8080)),
            ("example.com", Some(80)),
            ("127.0.0.1:443", Some(443)),
            ("unix:/var/run/nginx.sock", None),
            ("${NGINX_PORT}", None),
        ] {
            assert_eq!(listen_port(addr), port, "{addr}");
        }
    }

    fn root(text: &str) -> Root {
        Root {
            rel: "nginx.conf".into(),
            directives: nginx::parse("nginx.conf", text),
        }
    }

    #[test]
    fn what_a_server_serves() {
        for (text, serves) in [
            ("server { listen 80; location / { proxy_pass http://app:3000; } }", true),
            ("server { listen 80; return 301 https://$host$request_uri; }", false),
            ("server { listen 80; location /.well-known/acme-challenge/ { root /var/www/certbot; } location / { return 301 https://$host$request_uri; } }", false),
            ("server { listen 80; listen 443 ssl; if ($scheme = http) { return 301 https://$host$request_uri; } location / { proxy_pass http://app; } }", false),
            ("server { listen 80; root /srv; location / { try_files $uri /index.html; } }", true),
            ("server { listen 80; root /srv; location /api { } }", true),
            ("server { listen 80; rewrite ^ https://example.com$request_uri permanent; }", false),
        ] {
            let r = root(text);
            let s = &servers(&r)[0];
            assert_eq!(serving(s).is_some(), serves, "{text}");
        }
    }

    #[test]
    fn add_header_inheritance() {
        let r = root("http { add_header Strict-Transport-Security max-age=1; server { listen 443 ssl; add_header X-Frame-Options DENY; } server { listen 443 ssl; } }");
        let s = servers(&r);
        assert!(!has_hsts(&s[0].effective("add_header")));
        assert!(has_hsts(&s[1].effective("add_header")));
    }
}
