//! Throwaway repositories, databases and expected findings for the live
//! migration tests. Databases are set up with sqlx directly (the tests'
//! own client), each test in a fresh database dropped at the end.

use sha2::{Digest, Sha256, Sha384};
use shipcheck::migrations::live::{
    live_status, LiveError, LiveFinding, LiveOptions, LiveReport, LiveState,
};
use shipcheck::migrations::{Framework, Migration, MigrationSet};
use sqlx::{Connection, Row};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub type Rows = Vec<Vec<Option<String>>>;

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

// ---------------------------------------------------------------- repos --

pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Repo {
        Repo {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
}

pub fn mig(id: &str, name: &str, file: &str) -> Migration {
    Migration {
        id: id.to_string(),
        name: name.to_string(),
        order_key: None,
        files: vec![file.to_string()],
    }
}

pub fn set(framework: Framework, dir: &str, migrations: Vec<Migration>) -> MigrationSet {
    MigrationSet {
        framework,
        dir: dir.to_string(),
        migrations,
        schema_files: Vec::new(),
        problems: Vec::new(),
    }
}

/// The finding expected for `m` of `s`.
pub fn found(s: &MigrationSet, m: &Migration, state: LiveState) -> LiveFinding {
    LiveFinding {
        framework: s.framework,
        set_dir: s.dir.clone(),
        migration_id: m.id.clone(),
        migration_name: m.name.clone(),
        path: m.files.first().cloned(),
        state,
    }
}

/// An applied migration with no file.
pub fn unknown(s: &MigrationSet, id: &str, name: &str) -> LiveFinding {
    LiveFinding {
        framework: s.framework,
        set_dir: s.dir.clone(),
        migration_id: id.to_string(),
        migration_name: name.to_string(),
        path: None,
        state: LiveState::UnknownApplied,
    }
}

pub fn failed(detail: &str) -> LiveState {
    LiveState::Failed {
        detail: detail.to_string(),
    }
}

pub fn opts(url: &str) -> LiveOptions {
    LiveOptions {
        url: url.to_string(),
        connect_timeout: Duration::from_secs(5),
        statement_timeout: Duration::from_secs(5),
    }
}

pub fn status(repo: &Repo, sets: &[MigrationSet], url: &str) -> Result<LiveReport, LiveError> {
    live_status(
        &shipcheck::workspace::tree::Tree::new(repo.root(), None),
        sets,
        &opts(url),
    )
}

// ------------------------------------------------------------ checksums --
// Computed here as each framework does, independently of shipcheck.

pub fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

pub fn sha384_hex(b: &[u8]) -> String {
    Sha384::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Flyway: CRC32 of the lines without terminators, as a signed int.
pub fn flyway_crc(b: &[u8]) -> i32 {
    let bytes: Vec<u8> = b
        .iter()
        .copied()
        .filter(|c| *c != b'\r' && *c != b'\n')
        .collect();
    let bytes = bytes.strip_prefix(&b"\xef\xbb\xbf"[..]).unwrap_or(&bytes);
    crc32fast::hash(bytes) as i32
}

/// A SQL string literal.
pub fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

// ------------------------------------------------------------ databases --

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Pg,
    My,
    Lite,
}

/// A fresh database: a SQLite file, or a database created on the server
/// behind an admin URL and dropped when this is dropped.
pub struct TestDb {
    pub kind: Kind,
    pub url: String,
    pub name: String,
    admin_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "shipcheck_test_{}_{}_{nanos}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` pointing at database `db` instead.
pub fn with_db(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// The admin URL of a server, or `None` (test skipped) when the variable is
/// unset outside CI. Under `CI=true` a missing server fails the test.
pub fn server(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{var} is not set but CI=true: .ci/run must start the server and export it");
            }
            // Straight to stderr: libtest would hide a captured eprintln!.
            let _ = writeln!(std::io::stderr(), "skipped: {var} not set");
            None
        }
    }
}

macro_rules! on_conn {
    ($kind:expr, $url:expr, |$c:ident| $body:expr) => {
        rt().block_on(async {
            match $kind {
                Kind::Pg => {
                    let mut $c = sqlx::PgConnection::connect($url)
                        .await
                        .expect("connect postgres");
                    let out = $body;
                    $c.close().await.expect("close");
                    out
                }
                Kind::My => {
                    let mut $c = sqlx::MySqlConnection::connect($url)
                        .await
                        .expect("connect mysql");
                    let out = $body;
                    $c.close().await.expect("close");
                    out
                }
                Kind::Lite => {
                    let mut $c = sqlx::SqliteConnection::connect($url)
                        .await
                        .expect("open sqlite");
                    let out = $body;
                    $c.close().await.expect("close");
                    out
                }
            }
        })
    };
}

macro_rules! text_rows {
    ($c:expr, $sql:expr) => {{
        let rows = sqlx::query($sql)
            .fetch_all(&mut $c)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", $sql));
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.try_get::<Option<String>, _>(i).expect("text column"))
                    .collect()
            })
            .collect()
    }};
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("app.db");
        let url = format!("sqlite://{}", path.display());
        let db = TestDb {
            kind: Kind::Lite,
            url,
            name: "app.db".into(),
            admin_url: None,
            _dir: Some(dir),
        };
        rt().block_on(async {
            let o: sqlx::sqlite::SqliteConnectOptions =
                format!("{}?mode=rwc", db.url).parse().expect("sqlite url");
            sqlx::ConnectOptions::connect(&o)
                .await
                .expect("create sqlite")
                .close()
                .await
                .expect("close");
        });
        db
    }

    pub fn on_server(kind: Kind, admin_url: &str) -> TestDb {
        let name = unique_name();
        let create = match kind {
            Kind::Pg => format!("CREATE DATABASE \"{name}\""),
            _ => format!("CREATE DATABASE `{name}`"),
        };
        run_sql(kind, admin_url, &[create.as_str()]);
        TestDb {
            kind,
            url: with_db(admin_url, &name),
            name,
            admin_url: Some(admin_url.to_string()),
            _dir: None,
        }
    }

    /// Each statement in order, on a connection of the test's own.
    pub fn exec(&self, stmts: &[&str]) {
        run_sql(self.kind, &self.url, stmts);
    }

    pub fn query(&self, sql: &str) -> Rows {
        query_sql(self.kind, &self.url, sql)
    }

    /// Several queries on one connection.
    pub fn query_all(&self, sqls: &[String]) -> Vec<Rows> {
        on_conn!(self.kind, &self.url, |c| {
            let mut out: Vec<Rows> = Vec::new();
            for sql in sqls {
                out.push(text_rows!(c, sql.as_str()));
            }
            out
        })
    }

    /// A bytes literal in this dialect.
    pub fn bytes(&self, hex: &str) -> String {
        match self.kind {
            Kind::Pg => format!("decode('{hex}', 'hex')"),
            _ => format!("X'{hex}'"),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(admin) = &self.admin_url {
            let drop = match self.kind {
                Kind::Pg => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
                _ => format!("DROP DATABASE IF EXISTS `{}`", self.name),
            };
            let _ = std::panic::catch_unwind(|| run_sql(self.kind, admin, &[drop.as_str()]));
        }
    }
}

pub fn run_sql(kind: Kind, url: &str, stmts: &[&str]) {
    on_conn!(kind, url, |c| {
        for s in stmts {
            sqlx::raw_sql(s)
                .execute(&mut c)
                .await
                .unwrap_or_else(|e| panic!("{s}: {e}"));
        }
    })
}

/// Rows of a query whose columns are all text.
pub fn query_sql(kind: Kind, url: &str, sql: &str) -> Rows {
    on_conn!(kind, url, |c| text_rows!(c, sql))
}
