//! Live migration status (`--database-url`): each framework's tracking
//! table read with one `SELECT`, read-only, and compared with the
//! repository's migrations.
//!
//! Read-only by construction: a catalog lookup and one `SELECT` per table,
//! and one catalog `SELECT` of the indexes (`indexes.rs`), nothing else; no advisory lock, no `CREATE`, no write. PostgreSQL
//! sessions are opened with `default_transaction_read_only=on` and a
//! `statement_timeout`; MySQL/MariaDB sessions set `TRANSACTION READ ONLY`
//! and a statement time limit; SQLite files are opened read-only. Every
//! message names the driver, host, port and database, never the password or
//! the URL as given.

mod checksum;
mod db;
mod indexes;
mod python;
mod records;
mod status;
mod tables;
mod url;

use crate::workspace::tree::Tree;
pub use indexes::{IndexCatalog, LiveIndex};
pub use url::redact_url;

use super::{Framework, MigrationSet};
use std::time::Duration;

pub struct LiveOptions {
    pub url: String,
    pub connect_timeout: Duration,
    pub statement_timeout: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveState {
    /// In the repo, not applied.
    Pending,
    /// Recorded as failed / unfinished / dirty; `detail` says what the table
    /// shows (no secrets), e.g. "started 2026-01-02 10:00 UTC, never finished".
    Failed { detail: String },
    /// Applied, but the file's checksum differs from the recorded one.
    ChecksumMismatch,
    /// Applied in the database, no file in the repository.
    UnknownApplied,
    /// In the repo, and the set's tracking table does not exist in a
    /// database where other sets' tables do: nothing of the set has run.
    NoTrackingTable { table: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveFinding {
    pub framework: Framework,
    pub set_dir: String,
    pub migration_id: String,
    pub migration_name: String,
    /// Repo-relative main file of the migration when it exists in the repo.
    pub path: Option<String>,
    pub state: LiveState,
}

#[derive(Debug, Default)]
pub struct LiveReport {
    /// Sorted by set dir, then migration order (unknown-applied last).
    pub findings: Vec<LiveFinding>,
    /// (set dir, framework, tracking table, number of applied migrations)
    /// per set checked.
    pub checked: Vec<(String, Framework, String, usize)>,
    /// (set dir, tracking table) of the sets whose table does not exist
    /// (each of their migrations is a `NoTrackingTable` finding).
    pub missing_tables: Vec<(String, String)>,
    /// Set folder → the database it was read from, as messages name it
    /// (password redacted); filled by the caller, which knows the URLs.
    pub labels: std::collections::BTreeMap<String, String>,
    /// Set folder → the tables and indexes of its database's current
    /// schema (`migrations/missing-index`), for every set read.
    pub indexes: std::collections::BTreeMap<String, IndexCatalog>,
}

impl LiveReport {
    /// The database a set was read from, as messages name it: its own
    /// label, else `fallback` (`--database-url`'s), else "the database".
    pub fn database_of<'a>(&'a self, set_dir: &str, fallback: Option<&'a str>) -> &'a str {
        self.labels
            .get(set_dir)
            .map(String::as_str)
            .or(fallback)
            .unwrap_or("the database")
    }
}

/// Errors name the driver, host and port (and database), never the
/// password or the full URL. Each is one line.
#[derive(Debug)]
pub enum LiveError {
    InvalidUrl(String),
    Unreachable(String),
    Auth(String),
    MissingTable(String),
    Query(String),
}

impl std::fmt::Display for LiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (LiveError::InvalidUrl(m)
        | LiveError::Unreachable(m)
        | LiveError::Auth(m)
        | LiveError::MissingTable(m)
        | LiveError::Query(m)) = self;
        f.write_str(m)
    }
}

impl std::error::Error for LiveError {}

/// Read every set's tracking table and report what differs from the
/// repository. When no set's table exists the database is likely the wrong
/// one: an error. When some exist, a set whose table is missing has never
/// run there: each of its migrations is reported pending.
pub fn live_status(
    tree: &Tree,
    sets: &[MigrationSet],
    opts: &LiveOptions,
) -> Result<LiveReport, LiveError> {
    let target = url::parse(&opts.url).map_err(LiveError::InvalidUrl)?;
    if sets.is_empty() {
        return Ok(LiveReport::default());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LiveError::Query(format!("cannot start the database client: {e}")))?;
    runtime.block_on(run(tree, sets, opts, &target))
}

/// Sets grouped by the table they share, in first-seen order.
fn groups<'a>(
    sets: &'a [MigrationSet],
    target: &url::Target,
) -> Vec<(Framework, tables::Table, Vec<&'a MigrationSet>)> {
    let mut out: Vec<(Framework, tables::Table, Vec<&MigrationSet>)> = Vec::new();
    for set in sets {
        let table = tables::table(set.framework, target);
        match out
            .iter_mut()
            .find(|(f, t, _)| *f == set.framework && *t == table)
        {
            Some((_, _, members)) => members.push(set),
            None => out.push((set.framework, table, vec![set])),
        }
    }
    out
}

async fn run(
    tree: &Tree,
    sets: &[MigrationSet],
    opts: &LiveOptions,
    target: &url::Target,
) -> Result<LiveReport, LiveError> {
    let mut conn = db::connect(target, opts).await?;
    let result = read_all(&mut conn, tree, sets, opts, target).await;
    conn.close().await;
    result
}

async fn read_all(
    conn: &mut db::Conn,
    tree: &Tree,
    sets: &[MigrationSet],
    opts: &LiveOptions,
    target: &url::Target,
) -> Result<LiveReport, LiveError> {
    let limit = opts.statement_timeout;
    let mut report = LiveReport::default();
    let mut missing: Vec<String> = Vec::new();
    let mut found_any = false;
    for (framework, table, members) in groups(sets, target) {
        let shown = table.display();
        let (exists_sql, bind) = tables::exists_query(&table, target.driver);
        let found = conn
            .select(target, "the catalog", exists_sql, &[bind.as_str()], limit)
            .await?;
        if !found
            .first()
            .is_some_and(|r| r.first().is_some_and(Option::is_some))
        {
            if !missing.contains(&shown) {
                missing.push(shown);
            }
            continue;
        }
        found_any = true;
        let rows = conn
            .select(
                target,
                &shown,
                &tables::select(framework, &table, target.driver),
                &[],
                limit,
            )
            .await?;
        let history = records::read(framework, &rows);
        for (set, outcome) in members
            .iter()
            .zip(status::evaluate(framework, &members, &history, tree))
        {
            report.findings.extend(outcome.findings);
            report
                .checked
                .push((set.dir.clone(), framework, shown.clone(), outcome.applied));
        }
    }
    if found_any {
        // Other sets' tables are here, so this is the right database and
        // these sets have never run in it: every migration is pending.
        for (framework, table, members) in groups(sets, target) {
            let shown = table.display();
            if !missing.contains(&shown) {
                continue;
            }
            for set in members {
                report.missing_tables.push((set.dir.clone(), shown.clone()));
                for m in &set.migrations {
                    report.findings.push(LiveFinding {
                        framework,
                        set_dir: set.dir.clone(),
                        migration_id: m.id.clone(),
                        migration_name: m.name.clone(),
                        path: m.files.first().cloned(),
                        state: LiveState::NoTrackingTable {
                            table: shown.clone(),
                        },
                    });
                }
            }
        }
    }
    if found_any {
        let (sql, binds) = indexes::query(target);
        let binds: Vec<&str> = binds.iter().map(String::as_str).collect();
        let rows = conn
            .select(target, "the index catalog", sql, &binds, limit)
            .await?;
        let catalog = indexes::read(&rows, target.driver);
        for set in sets {
            report.indexes.insert(set.dir.clone(), catalog.clone());
        }
    }
    if !found_any {
        let what = match missing.as_slice() {
            [one] => format!("no {one} table"),
            many => format!("none of the tables {}", many.join(", ")),
        };
        return Err(LiveError::MissingTable(format!(
            "the database at {} has {what}: nothing has been migrated there, or --database-url points at the wrong database",
            place(target)
        )));
    }
    // Stable: each set's findings keep migration order.
    report.findings.sort_by(|a, b| a.set_dir.cmp(&b.set_dir));
    report
        .checked
        .sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));
    Ok(report)
}

/// `db.example.com:5432/app` (or the SQLite file).
fn place(target: &url::Target) -> String {
    let label = target.label();
    match label.split_once(" at ") {
        Some((_, place)) => place.to_string(),
        None => label.trim_start_matches("sqlite database ").to_string(),
    }
}
