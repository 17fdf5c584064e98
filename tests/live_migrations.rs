//! Live migration status against real tracking tables: each framework's own
//! DDL and rows, checksums computed as the framework computes them, the
//! repository in a tempdir. SQLite runs everywhere; PostgreSQL and MariaDB
//! run when `.ci/run` (or a developer) exports their admin URLs, and must
//! run under `CI=true`.

#[path = "live_migrations/flyway.rs"]
mod flyway;
#[path = "live_migrations/indexes.rs"]
mod indexes;
#[path = "live_migrations/other_tables.rs"]
mod other_tables;
#[path = "live_migrations/servers.rs"]
mod servers;
#[path = "live_migrations/sqlite.rs"]
mod sqlite;
#[path = "live_migrations/support.rs"]
mod support;
#[path = "live_migrations/wire_log.rs"]
mod wire_log;

use shipcheck::migrations::live::{redact_url, LiveError};
use shipcheck::migrations::Framework;
use support::*;

#[test]
fn unreachable_server_names_host_and_port_but_never_the_password() {
    let repo = Repo::new();
    let s = set(
        Framework::Prisma,
        "prisma/migrations",
        vec![mig(
            "20240101000000_init",
            "20240101000000_init",
            "prisma/migrations/20240101000000_init/migration.sql",
        )],
    );
    for url in [
        "postgres://app:sup3r-s3cret@127.0.0.1:1/app",
        "mysql://app:sup3r-s3cret@127.0.0.1:1/app",
    ] {
        let err = status(&repo, std::slice::from_ref(&s), url).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, LiveError::Unreachable(_)), "{err:?}");
        assert!(msg.contains("127.0.0.1:1"), "{msg}");
        assert!(
            !msg.contains("sup3r-s3cret") && !format!("{err:?}").contains("sup3r-s3cret"),
            "{msg}"
        );
        assert!(!msg.contains('\n'), "one line: {msg}");
    }
}

#[test]
fn invalid_urls_are_reported_redacted() {
    let repo = Repo::new();
    let s = set(
        Framework::Sqlx,
        "migrations",
        vec![mig("1", "1_init", "migrations/1_init.sql")],
    );
    for url in [
        "redis://u:sup3r-s3cret@h/0",
        "postgres://u:sup3r-s3cret@h:port/db",
        "postgres://u:sup3r-s3cret@h/db?sslmode=bogus",
    ] {
        let err = status(&repo, std::slice::from_ref(&s), url).unwrap_err();
        assert!(matches!(err, LiveError::InvalidUrl(_)), "{url}: {err:?}");
        assert!(!err.to_string().contains("sup3r-s3cret"), "{err}");
    }
    assert_eq!(
        redact_url("postgres://u:sup3r-s3cret@h/db"),
        "postgres://u:***@h/db"
    );
}

#[test]
fn no_sets_means_no_connection() {
    let repo = Repo::new();
    let report = status(&repo, &[], "postgres://u:p@127.0.0.1:1/db").expect("nothing to check");
    assert!(report.findings.is_empty() && report.checked.is_empty());
}
