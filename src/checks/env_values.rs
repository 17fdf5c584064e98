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
use crate::rules::{Area, Judged, Level, Rule};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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
        let local_db_proxy = runs_local_db_proxy(facts);
        for env in facts.environments.iter().filter(|e| e.is_production) {
            for v in facts.judged_values(env) {
                judge(v, env, local_db_proxy, ctx, out);
            }
        }
    }
}

/// Where a host is, as the app sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    /// `localhost`, `127.0.0.1`, `::1`, `0.0.0.0`: the app's own machine.
    Loopback,
    /// A compose service name (one label), a private address, `*.internal`,
    /// `*.local`, `*.svc.cluster.local`: reached without the internet.
    Private,
    Public,
}

fn reach(host: &str) -> Reach {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return Reach::Loopback;
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip_reach(ip);
    }
    const PRIVATE_SUFFIXES: &[&str] = &[
        ".internal",
        ".local",
        ".localdomain",
        ".svc",
        ".cluster.local",
        ".lan",
        ".home.arpa",
        ".flycast",
    ];
    if !host.contains('.') || PRIVATE_SUFFIXES.iter().any(|s| host.ends_with(s)) {
        Reach::Private
    } else {
        Reach::Public
    }
}

fn ip_reach(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(v4) if v4.is_loopback() || v4 == Ipv4Addr::UNSPECIFIED => Reach::Loopback,
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            // RFC 1918, link-local and carrier-grade NAT (Tailscale).
            if v4.is_private() || v4.is_link_local() || (a == 100 && (64..128).contains(&b)) {
                Reach::Private
            } else {
                Reach::Public
            }
        }
        IpAddr::V6(v6) if v6.is_loopback() || v6 == Ipv6Addr::UNSPECIFIED => Reach::Loopback,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => ip_reach(IpAddr::V4(v4)),
            // fc00::/7 unique local, fe80::/10 link-local.
            None if (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80 =>
            {
                Reach::Private
            }
            None => Reach::Public,
        },
    }
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
fn runs_local_db_proxy(facts: &RepoFacts) -> bool {
    const PROXIES: &[&str] = &[
        "cloud-sql-proxy",
        "cloud_sql_proxy",
        "cloudsql-proxy",
        "alloydb-auth-proxy",
        "pgbouncer",
        "pgcat",
    ];
    facts.repo_files.iter().any(|f| {
        let lower = f.rel.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        let deploy_file = super::infra_files::is_infra_file(&f.rel)
            || name.ends_with(".yaml")
            || name.ends_with(".yml");
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

/// The documented shape of well-known variables. Extend the table here and
/// in `docs/rules/env-malformed-value.md`.
fn malformed(upper: &str, value: &str) -> Option<(String, String)> {
    if upper.ends_with("SENTRY_DSN") {
        return (!is_sentry_dsn(value)).then(|| {
            (
                "is not a Sentry DSN (`https://<key>@<host>/<project-id>`)".to_string(),
                "copy the DSN from Sentry: Settings → Projects → Client Keys (DSN)".to_string(),
            )
        });
    }
    if upper == "RESEND_API_KEY" {
        return (!value.starts_with("re_")).then(|| {
            (
                "does not start with `re_`, as every Resend API key does".to_string(),
                "create a key in Resend (API Keys) and paste it whole".to_string(),
            )
        });
    }
    if upper == "PORT" || upper.ends_with("_PORT") {
        // Kubernetes service links set `<SERVICE>_PORT=tcp://ip:port`.
        let ok = value.starts_with("tcp://")
            || value.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        return (!ok).then(|| {
            (
                "is not a port number (1–65535)".to_string(),
                format!("set {upper} to a number such as 3000"),
            )
        });
    }
    if (upper.ends_with("_URL") || upper.ends_with("_URI") || upper == "URL")
        && !upper.contains("VERCEL")
    {
        // Several hosts (`mongodb://h1:27017,h2:27017/db`, libpq's
        // `postgres://h1,h2/db`) are valid for their drivers, not for a
        // WHATWG parser: not judged.
        let authority = value
            .split_once("://")
            .map_or("", |(_, rest)| rest.split(['/', '?']).next().unwrap_or(""));
        if authority.contains(',') {
            return None;
        }
        let bad = value.chars().any(char::is_whitespace)
            || (value.contains("://")
                && url::Url::parse(value).map_or(true, |u| {
                    matches!(u.scheme(), "http" | "https" | "ws" | "wss")
                        && u.host_str().is_none_or(str::is_empty)
                }));
        return bad.then(|| {
            ("does not parse as a URL".to_string(),
             "write the whole URL (`https://host/path`), percent-encoding reserved characters in the user and password (`@` is `%40`, `#` is `%23`)".to_string())
        });
    }
    None
}

/// `https://<key>@<host>/<project-id>` (a path prefix before the project
/// id is allowed, as Sentry documents; `http://` only to a private host).
fn is_sentry_dsn(value: &str) -> bool {
    let Ok(u) = url::Url::parse(value) else {
        return false;
    };
    let secure = u.scheme() == "https"
        || (u.scheme() == "http" && u.host_str().is_some_and(|h| reach(h) != Reach::Public));
    let project = u
        .path_segments()
        .and_then(|mut s| s.next_back())
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    secure && !u.username().is_empty() && u.host_str().is_some_and(|h| !h.is_empty()) && project
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

    #[test]
    fn hosts_by_reach() {
        for (host, r) in [
            ("localhost", Reach::Loopback),
            ("127.0.0.1", Reach::Loopback),
            ("[::1]", Reach::Loopback),
            ("0.0.0.0", Reach::Loopback),
            ("db", Reach::Private),
            ("postgres", Reach::Private),
            ("10.1.2.3", Reach::Private),
            ("172.20.0.5", Reach::Private),
            ("172.32.0.5", Reach::Public),
            ("192.168.1.10", Reach::Private),
            ("[fd12::1]", Reach::Private),
            ("api.railway.internal", Reach::Private),
            ("redis.default.svc.cluster.local", Reach::Private),
            ("printer.local", Reach::Private),
            ("api.example.com", Reach::Public),
            ("8.8.8.8", Reach::Public),
        ] {
            assert_eq!(reach(host), r, "{host}");
        }
    }

    #[test]
    fn sentry_dsns() {
        for ok in [
            "https://abc123@o12345.ingest.sentry.io/4501234",
            "https://abc@sentry.example.com/prefix/42",
            "http://abc@sentry:9000/1",
        ] {
            assert!(is_sentry_dsn(ok), "{ok}");
        }
        for bad in [
            "https://o12345.ingest.sentry.io/4501234",
            "abc123@o12345.ingest.sentry.io/4501234",
            "https://abc@o1.ingest.sentry.io/",
            "https://abc@o1.ingest.sentry.io/project",
            "http://abc@sentry.example.com/1",
        ] {
            assert!(!is_sentry_dsn(bad), "{bad}");
        }
    }

    #[test]
    fn malformed_table() {
        for (name, value, bad) in [
            ("RESEND_API_KEY", "re_123", false),
            ("RESEND_API_KEY", "sk_123", true),
            ("PORT", "3000", false),
            ("PORT", "0", true),
            ("DB_PORT", "70000", true),
            ("SMTP_PORT", "five", true),
            ("REDIS_PORT", "tcp://10.0.0.1:6379", false),
            ("APP_URL", "https://example.com", false),
            ("APP_URL", "https://", true),
            ("APP_URL", "https://exa mple.com", true),
            ("NEXT_PUBLIC_API_URL", "/api", false),
            ("VERCEL_URL", "my-app.vercel.app", false),
            ("APP_URL", "example.com", false),
            ("DATABASE_URL", "postgres://u:p@db:5432/app", false),
            ("DATABASE_URL", "file:./prod.db", false),
            (
                "MONGODB_URI",
                "mongodb://a:b@h1:27017,h2:27017/db?replicaSet=rs0",
                false,
            ),
            ("DATABASE_URL", "postgres://u:p@h1:5432,h2:5432/db", false),
        ] {
            assert_eq!(malformed(name, value).is_some(), bad, "{name}={value}");
        }
    }
}
