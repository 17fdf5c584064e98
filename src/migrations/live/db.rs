//! One read-only connection per run: connect (with the connect timeout),
//! make the session read-only where the server allows, look a table up in
//! the catalog, run a `SELECT`. Every column comes back as text (the SQL
//! casts it), so the readers above are the same for all three databases.
//!
//! Messages are built from the parsed URL parts; server text is scrubbed of
//! the password before it is quoted. sqlx's own errors are never shown as
//! they are (they may embed the host and, for configuration errors, parts
//! of the URL).

use super::url::{Driver, Target};
use super::{LiveError, LiveOptions};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

/// Rows of text cells (`None` = SQL NULL).
pub type Rows = Vec<Vec<Option<String>>>;

pub enum Conn {
    Pg(PgConnection),
    My(MySqlConnection),
    Lite(SqliteConnection),
}

async fn timed<T>(
    limit: Duration,
    fut: impl Future<Output = Result<T, LiveError>>,
    on_timeout: impl FnOnce() -> LiveError,
) -> Result<T, LiveError> {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or_else(|_| Err(on_timeout()))
}

fn secs(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

pub async fn connect(t: &Target, opts: &LiveOptions) -> Result<Conn, LiveError> {
    let statement_ms = opts.statement_timeout.as_millis().max(1).to_string();
    let fut = async {
        match t.driver {
            Driver::Postgres => {
                let o = PgConnectOptions::from_str(&t.sqlx_url)
                    .map_err(|e| config_error(t, &e))?
                    .application_name("shipcheck")
                    .options([
                        ("default_transaction_read_only", "on"),
                        ("statement_timeout", statement_ms.as_str()),
                    ])
                    .disable_statement_logging();
                o.connect()
                    .await
                    .map(Conn::Pg)
                    .map_err(|e| connect_error(t, &e))
            }
            Driver::MySql => {
                let o = MySqlConnectOptions::from_str(&t.sqlx_url)
                    .map_err(|e| config_error(t, &e))?
                    .disable_statement_logging();
                let mut c = o.connect().await.map_err(|e| connect_error(t, &e))?;
                // Session settings only: nothing is written. MariaDB and
                // MySQL name the statement time limit differently; a server
                // without either still has the client-side limit.
                let secs = opts.statement_timeout.as_secs_f64().max(0.001);
                let _ = sqlx::raw_sql("SET SESSION TRANSACTION READ ONLY")
                    .execute(&mut c)
                    .await;
                let maria = format!("SET SESSION max_statement_time = {secs:.3}");
                if sqlx::raw_sql(&maria).execute(&mut c).await.is_err() {
                    let mysql = format!("SET SESSION max_execution_time = {statement_ms}");
                    let _ = sqlx::raw_sql(&mysql).execute(&mut c).await;
                }
                Ok(Conn::My(c))
            }
            Driver::Sqlite => {
                let path = t.path.as_deref().unwrap_or_default();
                if !std::path::Path::new(path).is_file() {
                    return Err(LiveError::Unreachable(format!(
                        "cannot open {} (no such file)",
                        t.label()
                    )));
                }
                let o = SqliteConnectOptions::new()
                    .filename(path)
                    .read_only(true)
                    .create_if_missing(false)
                    .busy_timeout(opts.statement_timeout)
                    .disable_statement_logging();
                o.connect()
                    .await
                    .map(Conn::Lite)
                    .map_err(|e| connect_error(t, &e))
            }
        }
    };
    timed(opts.connect_timeout, fut, || {
        LiveError::Unreachable(format!(
            "cannot connect to {} (no answer within {})",
            t.label(),
            secs(opts.connect_timeout)
        ))
    })
    .await
}

macro_rules! fetch_text {
    ($conn:expr, $sql:expr, $binds:expr) => {{
        let mut q = sqlx::query($sql);
        for b in $binds {
            q = q.bind(*b);
        }
        let rows = q.fetch_all($conn).await?;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.try_get::<Option<String>, _>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Rows, sqlx::Error>>()
    }};
}

impl Conn {
    async fn fetch(&mut self, sql: &str, binds: &[&str]) -> Result<Rows, sqlx::Error> {
        match self {
            Conn::Pg(c) => fetch_text!(&mut *c, sql, binds),
            Conn::My(c) => fetch_text!(&mut *c, sql, binds),
            Conn::Lite(c) => fetch_text!(&mut *c, sql, binds),
        }
    }

    /// Run one `SELECT` under the statement timeout (enforced by the server
    /// where it can, and here in any case).
    pub async fn select(
        &mut self,
        t: &Target,
        what: &str,
        sql: &str,
        binds: &[&str],
        limit: Duration,
    ) -> Result<Rows, LiveError> {
        // The server's own limit fires first; this one covers servers that
        // have none and a connection that stops answering.
        let client_limit = limit + Duration::from_secs(1);
        timed(
            client_limit,
            async {
                self.fetch(sql, binds)
                    .await
                    .map_err(|e| query_error(t, what, &e, limit))
            },
            || {
                LiveError::Query(format!(
                    "reading {what} on {} took longer than {}",
                    t.label(),
                    secs(limit)
                ))
            },
        )
        .await
    }

    pub async fn close(self) {
        let _ = match self {
            Conn::Pg(c) => c.close().await,
            Conn::My(c) => c.close().await,
            Conn::Lite(c) => c.close().await,
        };
    }
}

fn config_error(t: &Target, e: &sqlx::Error) -> LiveError {
    let why = match e {
        sqlx::Error::Configuration(inner) => t.scrub(&inner.to_string()),
        other => t.scrub(&other.to_string()),
    };
    LiveError::InvalidUrl(format!("invalid --database-url for {}: {why}", t.label()))
}

fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused
        | K::ConnectionReset
        | K::ConnectionAborted
        | K::TimedOut
        | K::NotFound
        | K::PermissionDenied
        | K::AddrNotAvailable
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::UnexpectedEof => e.kind().to_string(),
        _ => {
            // Resolver failures carry the OS's text ("Name or service not known").
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            text.strip_prefix("failed to lookup address information: ")
                .map_or(text.clone(), |s| s.to_ascii_lowercase())
        }
    }
}

fn connect_error(t: &Target, e: &sqlx::Error) -> LiveError {
    let who = t
        .user
        .as_deref()
        .map(|u| format!(" as `{u}`"))
        .unwrap_or_default();
    match e {
        sqlx::Error::Io(io) if t.host.starts_with('/') && io.kind() == std::io::ErrorKind::NotFound => {
            LiveError::Unreachable(format!(
                "cannot connect to {}: no server socket in {} (is the server running, and is that its socket directory?)",
                t.label(),
                t.host
            ))
        }
        sqlx::Error::Io(io) => LiveError::Unreachable(format!(
            "cannot connect to {} ({})",
            t.label(),
            t.scrub(&io_reason(io))
        )),
        sqlx::Error::Tls(tls) => LiveError::Unreachable(format!(
            "cannot connect to {} (TLS failed: {})",
            t.label(),
            t.scrub(&tls.to_string())
        )),
        sqlx::Error::Configuration(_) => config_error(t, e),
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let message = db.message().to_ascii_lowercase();
            match (t.driver, code.as_str()) {
                // MySQL/MariaDB 1044: "Access denied for user … to database
                // …" — the password was right; the database is missing or
                // the user has no grant on it (the server does not say which).
                (Driver::MySql, "42000") if message.contains("to database") => {
                    let user = t.user.as_deref().map_or("the user".to_string(), |u| format!("user `{u}`"));
                    LiveError::Unreachable(format!(
                        "cannot connect to {}: the database does not exist, or {user} may not use it (the password was accepted; check the database name in --database-url and the user's grants)",
                        t.label()
                    ))
                }
                (Driver::Postgres, "28P01" | "28000") | (Driver::MySql, "28000" | "42000")
                    if is_auth(db.message()) || code == "28P01" =>
                {
                    LiveError::Auth(format!(
                        "authentication failed{who} on {}: check the user and password in --database-url",
                        t.label()
                    ))
                }
                (Driver::Postgres, "3D000") | (Driver::MySql, "42000") if db.message().to_ascii_lowercase().contains("database") => {
                    LiveError::Unreachable(format!("cannot connect to {}: the database does not exist", t.label()))
                }
                _ => LiveError::Unreachable(format!("cannot connect to {} ({})", t.label(), t.scrub(db.message()))),
            }
        }
        sqlx::Error::Protocol(p) if is_auth(p) => LiveError::Auth(format!(
            "authentication failed{who} on {}: check the user and password in --database-url",
            t.label()
        )),
        sqlx::Error::Protocol(_) => LiveError::Unreachable(format!(
            "cannot connect to {} (the server there does not speak the {} protocol)",
            t.label(),
            t.driver.name()
        )),
        other => LiveError::Unreachable(format!(
            "cannot connect to {} ({})",
            t.label(),
            t.scrub(&other.to_string())
        )),
    }
}

fn is_auth(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("password") || m.contains("access denied") || m.contains("authentication")
}

fn query_error(t: &Target, what: &str, e: &sqlx::Error, limit: Duration) -> LiveError {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            // 57014: statement_timeout; 1969/3024: MariaDB/MySQL time limits.
            if matches!(code.as_str(), "57014" | "70100")
                || db.message().contains("max_statement_time")
                || db.message().contains("maximum statement execution time")
            {
                return LiveError::Query(format!(
                    "reading {what} on {} took longer than {}",
                    t.label(),
                    secs(limit)
                ));
            }
            LiveError::Query(format!(
                "cannot read {what} on {}: {} [{code}]",
                t.label(),
                t.scrub(db.message())
            ))
        }
        sqlx::Error::Io(io) => LiveError::Unreachable(format!(
            "lost the connection to {} ({})",
            t.label(),
            io_reason(io)
        )),
        other => LiveError::Query(format!(
            "cannot read {what} on {}: {}",
            t.label(),
            t.scrub(&other.to_string())
        )),
    }
}
