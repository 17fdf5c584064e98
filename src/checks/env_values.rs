//! Production values that are set but wrong: `env/insecure-url`,
//! `env/localhost-in-production`, `env/malformed-value`,
//! `env/superuser-database-url`. Production sources only (env files,
//! `--env-file`, `--env-from-process`), never templates. Messages name a
//! URL's scheme, host and user, never its password or query.
//! Docs: `docs/rules/env-*.md`.

use super::repo::{at_value, RepoCheck, RepoFacts};
use super::Context;
use crate::env::environments::{EnvValue, Environment};
use crate::finding::Finding;
use crate::migrations::RepoFile;
use crate::rules::{Area, Judged, Level, Rule};
use reach::{reach, Reach};
use shape::malformed;

mod reach;
mod shape;

pub const INSECURE_URL: Rule = Rule {
    id: "env/insecure-url",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::State,
    summary: "a production `http://` public URL, a database URL with `sslmode=disable`, `redis://` to a remote host, `NODE_TLS_REJECT_UNAUTHORIZED=0`",
    options: &[],
    doc: crate::rule_doc!("env-insecure-url"),
    module: module_path!(),
};

pub const LOCALHOST_IN_PRODUCTION: Rule = Rule {
    id: "env/localhost-in-production",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::State,
    summary: "a production database, cache, app or API URL pointing at `localhost`",
    options: &[],
    doc: crate::rule_doc!("env-localhost-in-production"),
    module: module_path!(),
};

pub const MALFORMED_VALUE: Rule = Rule {
    id: "env/malformed-value",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::State,
    summary:
        "a well-known production variable with the wrong shape (Sentry DSN, Resend key, URL, port)",
    options: &[],
    doc: crate::rule_doc!("env-malformed-value"),
    module: module_path!(),
};

pub const SUPERUSER_DATABASE_URL: Rule = Rule {
    id: "env/superuser-database-url",
    default_level: Some(Level::Notice),
    area: Area::Environment,
    judged: Judged::State,
    summary: "the production database URL connects as `postgres`, `root` or `sa`",
    options: &[],
    doc: crate::rule_doc!("env-superuser-database-url"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[
    &INSECURE_URL,
    &LOCALHOST_IN_PRODUCTION,
    &MALFORMED_VALUE,
    &SUPERUSER_DATABASE_URL,
];

pub struct EnvValueRules;

impl RepoCheck for EnvValueRules {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        let local_db_proxy = runs_local_db_proxy(facts.repo_files);
        for env in facts.environments.iter().filter(|e| e.is_production) {
            for v in facts.judged_values(env) {
                judge(v, env, local_db_proxy, ctx, out);
            }
        }
    }
}

/// Is `host` the app's own machine (`localhost`, `127.0.0.1`, `::1`)?
/// `env/localhost-in-production` speaks about such a URL; other rules leave it.
pub fn is_loopback(host: &str) -> bool {
    reach(host) == Reach::Loopback
}

/// A variable holding a URL by its name: `*_URL`, `*_URI`, `*_ENDPOINT`,
/// `*_ORIGIN`, `*WEBHOOK*`.
fn is_url_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    n.ends_with("URL")
        || n.ends_with("URI")
        || n.ends_with("_ENDPOINT")
        || n.ends_with("_ORIGIN")
        || n.contains("WEBHOOK")
}

const SQL_SCHEMES: &[&str] = &["postgres", "postgresql", "mysql", "mariadb"];
const DATASTORE_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "redis",
    "rediss",
    "mongodb",
    "amqp",
    "amqps",
    "sqlserver",
    "mssql",
];

/// A value written with a reference the loader did not expand
/// (`${OTHER}`): what it becomes is unknown.
fn is_templated(value: &str) -> bool {
    value.contains("${") || value.contains("{{")
}

/// A deployment file that runs a database proxy next to the app (the
/// Cloud SQL Auth proxy, pgbouncer, PgCat): `localhost` reaches it.
fn runs_local_db_proxy(files: &[RepoFile]) -> bool {
    const PROXIES: &[&str] = &[
        "cloud-sql-proxy",
        "cloud_sql_proxy",
        "cloudsql-proxy",
        "alloydb-auth-proxy",
        "pgbouncer",
        "pgcat",
    ];
    files.iter().any(|f| {
        let lower = f.rel.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        let deploy_file = super::infra_files::is_infra_file(&f.rel);
        let dev = name
            .split(['.', '-', '_'])
            .any(|w| matches!(w, "dev" | "development" | "local" | "test"));
        deploy_file && !dev && {
            let text = f.text.to_ascii_lowercase();
            PROXIES.iter().any(|p| text.contains(p))
        }
    })
}

fn judge(
    v: &EnvValue,
    env: &Environment,
    local_db_proxy: bool,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    let value = v.value.trim();
    let name = v.key.as_str();
    if value.is_empty() || is_templated(value) {
        return;
    }
    let upper = name.to_ascii_uppercase();
    if upper == "NODE_TLS_REJECT_UNAUTHORIZED" {
        if value == "0" {
            out.extend(at_value(ctx, &INSECURE_URL, v, env,
                "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks for every outgoing connection in production".to_string(),
                "remove NODE_TLS_REJECT_UNAUTHORIZED; for a private CA, give Node its certificate with NODE_EXTRA_CA_CERTS".to_string()));
        }
        return;
    }
    if let Some((message, help)) = malformed(&upper, value) {
        out.extend(at_value(
            ctx,
            &MALFORMED_VALUE,
            v,
            env,
            format!("{name} {message}"),
            help,
        ));
        return;
    }
    let Some(url) = value
        .contains("://")
        .then(|| url::Url::parse(value).ok())
        .flatten()
    else {
        return;
    };
    let scheme = url.scheme();
    let datastore = DATASTORE_SCHEMES.contains(&scheme);
    if !datastore && !is_url_name(name) {
        return;
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return;
    };
    let shown = format!("{scheme}://{host}");
    match reach(host) {
        Reach::Loopback => {
            let proxied = ctx.settings.env.is_local_proxy(name)
                || (SQL_SCHEMES.contains(&scheme) && local_db_proxy);
            if !proxied {
                out.extend(at_value(ctx, &LOCALHOST_IN_PRODUCTION, v, env,
                    format!("{name} points at {shown}: in production that is the app's own container or server, not the service"),
                    format!("set {name} to the production host (or, if a proxy or sidecar listens there, say so with `env.local-proxies: [{name}]`)")));
            }
        }
        Reach::Public => {
            if let Some(message) = insecure(scheme, &url) {
                out.extend(at_value(
                    ctx,
                    &INSECURE_URL,
                    v,
                    env,
                    format!("{name} {message} ({shown})"),
                    insecure_help(scheme),
                ));
            }
        }
        Reach::Private => {}
    }
    superuser(v, env, &url, ctx, out);
}

/// What is insecure about a URL to a public host.
fn insecure(scheme: &str, url: &url::Url) -> Option<&'static str> {
    match scheme {
        "http" => Some(
            "is a plain-HTTP URL to a public host: requests, tokens and cookies travel unencrypted",
        ),
        "ws" => {
            Some("is a plain WebSocket (`ws://`) URL to a public host: traffic travels unencrypted")
        }
        "redis" => Some("connects to a remote Redis without TLS (`redis://`, not `rediss://`)"),
        s if SQL_SCHEMES.contains(&s) => {
            let off = url.query_pairs().any(|(k, v)| {
                let (k, v) = (k.to_ascii_lowercase(), v.to_ascii_lowercase());
                (k == "sslmode" && v == "disable")
                    || (k == "ssl-mode" && v == "disabled")
                    || (k == "ssl" && (v == "false" || v == "0"))
            });
            off.then_some("connects to a remote database with TLS turned off (`sslmode=disable`)")
        }
        _ => None,
    }
}

fn insecure_help(scheme: &str) -> String {
    match scheme {
        "http" => "use the `https://` URL".to_string(),
        "ws" => "use the `wss://` URL".to_string(),
        "redis" => "use the provider's TLS URL (`rediss://…`)".to_string(),
        _ => "use `sslmode=require` (or `verify-full` with the provider's CA)".to_string(),
    }
}

/// The app's database user is a superuser name, outside Supabase (whose
/// documented app user is `postgres`) and migration-only URLs.
fn superuser(
    v: &EnvValue,
    env: &Environment,
    url: &url::Url,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    let scheme = url.scheme();
    if !(SQL_SCHEMES.contains(&scheme) || scheme == "sqlserver" || scheme == "mssql") {
        return;
    }
    let upper = v.key.to_ascii_uppercase();
    if ["DIRECT", "MIGRAT", "SHADOW", "ADMIN", "ROOT", "SUPERUSER"]
        .iter()
        .any(|w| upper.contains(w))
    {
        return;
    }
    let user = crate::redact::percent_decode(url.username()).to_ascii_lowercase();
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let supabase = host.ends_with(".supabase.co") || host.ends_with(".supabase.com");
    if matches!(user.as_str(), "postgres" | "root" | "sa") && !supabase {
        out.extend(at_value(ctx, &SUPERUSER_DATABASE_URL, v, env,
            format!("{} connects to {scheme}://{host} as `{user}`, the database superuser: a bug or injection in the app can drop or read everything", v.key),
            "create a role for the app with only the privileges it needs (CONNECT, and SELECT/INSERT/UPDATE/DELETE on its schema) and connect as it; keep the superuser for migrations".to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, text: &str) -> RepoFile {
        RepoFile {
            rel: rel.to_string(),
            text: text.to_string(),
        }
    }

    #[test]
    fn a_database_proxy_in_a_deployment_file() {
        let sidecar =
            "services:\n  db-proxy:\n    image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2\n";
        assert!(runs_local_db_proxy(&[file(
            "docker-compose.prod.yml",
            sidecar
        )]));
        assert!(runs_local_db_proxy(&[file(
            "deploy/start.sh",
            "pgbouncer -d /etc/pgbouncer.ini\nexec node server.js"
        )]));
        assert!(!runs_local_db_proxy(&[file(
            "docker-compose.dev.yml",
            sidecar
        )]));
        assert!(!runs_local_db_proxy(&[file("src/db.ts", "pgbouncer")]));
        assert!(!runs_local_db_proxy(&[file(
            "docker-compose.prod.yml",
            "image: postgres:16"
        )]));
    }
}
