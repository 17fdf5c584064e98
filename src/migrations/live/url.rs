//! `--database-url` parsing for messages and redaction. The connection
//! itself is configured by sqlx from the same URL; this module only knows
//! enough to name the server (driver, host, port, database) and to keep the
//! password out of every message.

/// The database family a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    Postgres,
    MySql,
    Sqlite,
}

impl Driver {
    pub fn name(self) -> &'static str {
        match self {
            Driver::Postgres => "postgres",
            Driver::MySql => "mysql",
            Driver::Sqlite => "sqlite",
        }
    }
}

/// What a URL says, password kept only to scrub it from server messages.
#[derive(Clone, Debug)]
pub struct Target {
    pub driver: Driver,
    /// The URL as sqlx gets it (Prisma's `schema` parameter removed).
    pub sqlx_url: String,
    pub host: String,
    pub port: u16,
    pub database: Option<String>,
    pub user: Option<String>,
    /// Prisma's `?schema=` (PostgreSQL); Prisma itself defaults to `public`.
    pub schema: Option<String>,
    /// SQLite: the database file.
    pub path: Option<String>,
    /// Every spelling of the password (raw and percent-decoded), to scrub.
    secrets: Vec<String>,
}

impl Target {
    /// `postgres at db.example.com:5432/app` — never the password.
    pub fn label(&self) -> String {
        match self.driver {
            Driver::Sqlite => format!("sqlite database {}", self.path.as_deref().unwrap_or("?")),
            d => {
                let host = if self.host.contains(':')
                    && !self.host.starts_with('[')
                    && !self.host.starts_with('/')
                {
                    format!("[{}]", self.host)
                } else {
                    self.host.clone()
                };
                match &self.database {
                    Some(db) => format!("{} at {host}:{}/{db}", d.name(), self.port),
                    None => format!("{} at {host}:{}", d.name(), self.port),
                }
            }
        }
    }

    /// `text` with any spelling of the password replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if !s.is_empty() {
                out = out.replace(s.as_str(), "***");
            }
        }
        out
    }
}

/// The URL with its password (userinfo or `password=` parameter) replaced
/// by `***`. Over-redacts rather than under-redacts: an `@` anywhere after
/// the scheme is taken as the end of the userinfo.
pub fn redact_url(url: &str) -> String {
    crate::redact::text(&redact_url_shape(url)).into_owned()
}

/// [`redact_url`] for a URL of the expected shape.
fn redact_url_shape(url: &str) -> String {
    let (head, query) = match url.find('?') {
        // A `?` inside the userinfo (unencoded password) must not split it.
        Some(q) if !url[q..].contains('@') => (&url[..q], Some(&url[q + 1..])),
        _ => (url, None),
    };
    let mut out = match head.find("://") {
        Some(s) => {
            let (scheme, rest) = (&head[..s + 3], &head[s + 3..]);
            match rest.rfind('@') {
                Some(at) => {
                    let userinfo = &rest[..at];
                    match userinfo.find(':') {
                        Some(colon) => {
                            format!("{scheme}{}:***@{}", &userinfo[..colon], &rest[at + 1..])
                        }
                        None => head.to_string(),
                    }
                }
                None => head.to_string(),
            }
        }
        None => head.to_string(),
    };
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if is_secret_param(k) => format!("{k}=***"),
                _ => p.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

/// A password parameter, its key percent-decoded (`%70assword`).
fn is_secret_param(key: &str) -> bool {
    crate::redact::is_password_param(&decode(key))
}

use crate::redact::percent_decode as decode;

/// Parse `postgres://`, `postgresql://`, `mysql://`, `mariadb://`,
/// `sqlite:` / `sqlite://` / `file:` URLs. The error text is redacted.
pub fn parse(url: &str) -> Result<Target, String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let bad = |why: &str| format!("invalid --database-url {}: {why}", redact_url(url));
    if let Some(rest) = ["sqlite://", "sqlite:", "file://", "file:"]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &url[p.len()..]))
    {
        let path = decode(rest.split('?').next().unwrap_or(""));
        if path.is_empty() || path == ":memory:" {
            return Err(bad("no SQLite database file"));
        }
        return Ok(Target {
            driver: Driver::Sqlite,
            sqlx_url: url.to_string(),
            host: String::new(),
            port: 0,
            database: None,
            user: None,
            schema: None,
            path: Some(path),
            secrets: Vec::new(),
        });
    }
    let Some(sep) = url.find("://") else {
        return Err(bad("expected postgres://, mysql:// or sqlite: URL"));
    };
    let (driver, default_port) = match &lower[..sep] {
        "postgres" | "postgresql" => (Driver::Postgres, 5432),
        "mysql" | "mariadb" => (Driver::MySql, 3306),
        _ => {
            return Err(bad(
                "unsupported scheme (postgres://, mysql://, mariadb:// or sqlite: are)",
            ))
        }
    };
    let rest = &url[sep + 3..];
    let mut secrets = Vec::new();
    // A password with an unencoded `/`, `?` or `@` ends at the last `@`:
    // scrub that reading too.
    if let Some((_, p)) = rest.rfind('@').and_then(|at| rest[..at].split_once(':')) {
        secrets.push(p.to_string());
        secrets.push(decode(p));
    }
    // As the URL standard (and so sqlx) reads it: the authority ends at the
    // first `/`, `?` or `#`, the userinfo at its last `@`.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path_query) = rest.split_at(end);
    let (userinfo, authority) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    let path_query = path_query.split('#').next().unwrap_or("");
    let (path, query) = match path_query.split_once('?') {
        Some((p, q)) => (p, q),
        None => (path_query, ""),
    };
    let mut user = None;
    if let Some(ui) = userinfo {
        let (u, p) = match ui.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (ui, None),
        };
        if !u.is_empty() {
            user = Some(decode(u));
        }
        if let Some(p) = p {
            secrets.push(p.to_string());
            secrets.push(decode(p));
        }
    }
    let (mut host, mut port) = split_host_port(authority).map_err(|e| bad(&e))?;
    let mut database = Some(decode(path.trim_start_matches('/'))).filter(|d| !d.is_empty());
    let mut schema = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v);
        match k {
            "schema" if driver == Driver::Postgres => {
                schema = Some(v);
                continue;
            }
            "host" if !v.is_empty() => host = v,
            "port" => {
                port = Some(
                    v.parse()
                        .map_err(|_| bad("the port parameter is not a number"))?,
                )
            }
            "dbname" => database = Some(v),
            "user" => user = Some(v),
            k if is_secret_param(k) => {
                secrets.push(pair.split_once('=').map_or("", |(_, raw)| raw).to_string());
                secrets.push(v);
            }
            _ => {}
        }
        kept.push(pair);
    }
    let port = port.unwrap_or(default_port);
    if host.is_empty() {
        host = "localhost".to_string();
    }
    // `postgres://@/app?host=/socket` (an empty userinfo, the socket in
    // the query) is what libpq accepts; sqlx calls the `@` an empty host.
    let kept_rest = match userinfo {
        Some("") if authority.is_empty() => &rest[1..end + path.len()],
        _ => &rest[..end + path.len()],
    };
    let mut sqlx_url = format!("{}{kept_rest}", &url[..sep + 3]);
    if !kept.is_empty() {
        sqlx_url.push('?');
        sqlx_url.push_str(&kept.join("&"));
    }
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    Ok(Target {
        driver,
        sqlx_url,
        host,
        port,
        database,
        user,
        schema,
        path: None,
        secrets,
    })
}

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let end = v6.find(']').ok_or("unclosed `[` in the host")?;
        let port = v6[end + 1..].strip_prefix(':');
        (v6[..end].to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        Some("") | None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .map_err(|_| "the port is not a number".to_string())?,
        ),
    };
    Ok((decode(&host), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_userinfo_and_password_parameters() {
        assert_eq!(
            redact_url("postgres://app:s3cr%40t@db:5432/app"),
            "postgres://app:***@db:5432/app"
        );
        assert_eq!(
            redact_url("postgres://app:p@ss/w?rd@db/app?sslmode=require"),
            "postgres://app:***@db/app?sslmode=require"
        );
        assert_eq!(
            redact_url("mysql://u@h/db?password=x&ssl-mode=REQUIRED"),
            "mysql://u@h/db?password=***&ssl-mode=REQUIRED"
        );
        assert_eq!(redact_url("postgres://db/app"), "postgres://db/app");
        assert_eq!(redact_url("sqlite:./dev.db"), "sqlite:./dev.db");
        assert_eq!(redact_url("postgres://:pw@h"), "postgres://:***@h");
    }

    #[test]
    fn parses_parts_without_keeping_the_password_visible() {
        let t = parse(
            "postgresql://app:hunter22@db.example.com:6543/shop?schema=billing&sslmode=disable",
        )
        .unwrap();
        assert_eq!(t.driver, Driver::Postgres);
        assert_eq!(t.label(), "postgres at db.example.com:6543/shop");
        assert_eq!(t.schema.as_deref(), Some("billing"));
        assert_eq!(
            t.sqlx_url,
            "postgresql://app:hunter22@db.example.com:6543/shop?sslmode=disable"
        );
        assert_eq!(t.scrub("bad password hunter22"), "bad password ***");
        let m = parse("mariadb://root:pw%2Fx@[::1]/shop").unwrap();
        assert_eq!(m.label(), "mysql at [::1]:3306/shop");
        assert_eq!(m.scrub("pw/x and pw%2Fx"), "*** and ***");
        let s = parse("file:./dev.db").unwrap();
        assert_eq!(s.label(), "sqlite database ./dev.db");
        let e = parse("redis://u:topsecret@h").unwrap_err();
        assert!(!e.contains("topsecret") && e.contains("u:***@h"), "{e}");
        assert!(!parse("postgres://u:topsecret@h:notaport/x")
            .unwrap_err()
            .contains("topsecret"));
    }
}
