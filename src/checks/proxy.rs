//! The reverse proxy in front of the app (nginx): `proxy/http-without-redirect`,
//! `proxy/weak-tls`, `proxy/no-hsts`. Each nginx tree in the repository is
//! parsed (`nginx`), its includes inlined, and every `server` block judged
//! with what it inherits from `http`. Caddy and Traefik are not judged:
//! Caddy redirects to HTTPS and uses modern TLS by default, Traefik's
//! entrypoints live mostly outside the repository. Dev configs
//! (`dev/`, `*.dev.conf`, tests) are not judged.
//! Docs: `docs/rules/proxy-*.md`.

pub mod nginx;
mod server;

use super::repo::{RepoCheck, RepoFacts};
use super::Context;
use crate::finding::{Finding, Span};
use crate::migrations::RepoFile;
use crate::rules::{Area, Judged, Level, Rule};
use nginx::Directive;
use server::{has_hsts, location_hsts, servers, serving, weak_protocols, Server};
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
    let all: Vec<Server> = tree.iter().flat_map(|r| servers(&r.directives)).collect();
    for root in tree {
        if !servers(&root.directives).is_empty() {
            facts.judged.mark(
                "proxy",
                Area::Security,
                format!("nginx config {}", root.rel),
            );
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
