//! Which SQL database a migration set targets: declared by the framework's
//! own files (Prisma `migration_lock.toml`, Drizzle's journal or snapshot,
//! the driver in `Cargo.toml` / `go.mod` for sqlx, Diesel, golang-migrate
//! and goose, Rails' `config/database.yml` adapter, the driver in a Python
//! app's requirements for Django and Alembic), else read from the
//! statements outside comments and strings.
//! The migration lints parse with it and word their messages by it.

use super::{Framework, MigrationSet};
use crate::lexer::{self, Lang, RegionKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    PostgreSql,
    /// MySQL and MariaDB.
    MySql,
    Sqlite,
    /// SQL Server, CockroachDB's non-PostgreSQL modes, anything else: not
    /// linted (never a false alarm).
    Other,
}

impl Dialect {
    /// A provider or driver name: `postgresql`, `postgres`, `mysql`,
    /// `mariadb`, `sqlite`, `turso`, …
    pub fn from_name(name: &str) -> Dialect {
        let n = name.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        if n.starts_with("postgres") || n == "pg" || n == "cockroachdb" {
            Dialect::PostgreSql
        } else if n == "mysql" || n == "mariadb" {
            Dialect::MySql
        } else if n == "sqlite" || n == "turso" || n == "libsql" || n == "d1" {
            Dialect::Sqlite
        } else {
            Dialect::Other
        }
    }
}

/// The dialect `set`'s own files declare, read through `read` (a path →
/// its text, `None` when absent). Only files next to or above the set are
/// read: a handful per set.
pub fn declared(set: &MigrationSet, read: &dyn Fn(&str) -> Option<String>) -> Option<Dialect> {
    let dir = set.dir.as_str();
    // golang-migrate and goose also drive ClickHouse, which no file here
    // declares; its sets are named for it.
    if dir.to_ascii_lowercase().contains("clickhouse") {
        return Some(Dialect::Other);
    }
    let at = |name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    match set.framework {
        Framework::Prisma => {
            let lock = read(&at("migration_lock.toml"))?;
            let line = lock
                .lines()
                .find(|l| l.trim_start().starts_with("provider"))?;
            Some(Dialect::from_name(line.split_once('=')?.1))
        }
        Framework::DrizzleJournal => json_dialect(&read(&at("meta/_journal.json"))?),
        Framework::DrizzleFolders => set
            .migrations
            .iter()
            .rev()
            .filter_map(|m| m.files.first())
            .filter_map(|f| f.rsplit_once('/'))
            .find_map(|(folder, _)| read(&format!("{folder}/snapshot.json")))
            .and_then(|s| json_dialect(&s)),
        Framework::Sqlx | Framework::Diesel => {
            manifest_above(dir, "Cargo.toml", read).and_then(|t| drivers(&t, CARGO_DRIVERS))
        }
        Framework::GolangMigrate | Framework::Goose => {
            manifest_above(dir, "go.mod", read).and_then(|t| drivers(&t, GO_DRIVERS))
        }
        Framework::Rails => {
            manifest_above(dir, "config/database.yml", read).and_then(|t| rails_adapter(&t))
        }
        Framework::Django | Framework::Alembic => PYTHON_MANIFESTS
            .iter()
            .filter_map(|name| manifest_above(dir, name, read))
            .find_map(|t| drivers(&t.to_ascii_lowercase(), PYTHON_DRIVERS)),
        _ => None,
    }
}

/// `"dialect": "postgresql"` in a Drizzle journal or snapshot.
fn json_dialect(text: &str) -> Option<Dialect> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v.get("dialect")?.as_str().map(Dialect::from_name)
}

/// The nearest `name` in `dir` or a folder above it.
fn manifest_above(dir: &str, name: &str, read: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut folder = dir;
    loop {
        let path = if folder.is_empty() {
            name.to_string()
        } else {
            format!("{folder}/{name}")
        };
        if let Some(text) = read(&path) {
            return Some(text);
        }
        if folder.is_empty() {
            return None;
        }
        folder = folder.rsplit_once('/').map_or("", |(p, _)| p);
    }
}

const CARGO_DRIVERS: &[(&str, Dialect)] = &[
    ("\"postgres\"", Dialect::PostgreSql),
    ("\"mysql\"", Dialect::MySql),
    ("\"sqlite\"", Dialect::Sqlite),
];

const GO_DRIVERS: &[(&str, Dialect)] = &[
    ("github.com/jackc/pgx", Dialect::PostgreSql),
    ("github.com/lib/pq", Dialect::PostgreSql),
    ("github.com/go-sql-driver/mysql", Dialect::MySql),
    ("github.com/mattn/go-sqlite3", Dialect::Sqlite),
    ("modernc.org/sqlite", Dialect::Sqlite),
];

/// Where a Python app names its database driver.
const PYTHON_MANIFESTS: &[&str] = &[
    "requirements.txt",
    "requirements/base.txt",
    "requirements/production.txt",
    "pyproject.toml",
    "Pipfile",
];

const PYTHON_DRIVERS: &[(&str, Dialect)] = &[
    ("psycopg", Dialect::PostgreSql),
    ("asyncpg", Dialect::PostgreSql),
    ("mysqlclient", Dialect::MySql),
    ("pymysql", Dialect::MySql),
    ("mysql-connector", Dialect::MySql),
];

/// The `adapter:` of Rails' `config/database.yml`: the production
/// section's, else the one every section names (an ERB value is not read).
fn rails_adapter(yml: &str) -> Option<Dialect> {
    let mut section = "";
    let (mut production, mut all) = (None, Vec::new());
    for line in yml.lines() {
        if !line.starts_with([' ', '\t', '#']) && line.trim_end().ends_with(':') {
            section = line.trim_end().trim_end_matches(':');
        }
        let Some(value) = line.trim().strip_prefix("adapter:").map(str::trim) else {
            continue;
        };
        if value.contains("<%") {
            continue;
        }
        let d = match value.trim_matches(['"', '\'']) {
            "mysql2" | "trilogy" | "mysql" => Dialect::MySql,
            "sqlite3" => Dialect::Sqlite,
            "postgis" => Dialect::PostgreSql,
            other => Dialect::from_name(other),
        };
        if section == "production" {
            production = Some(d);
        }
        all.push(d);
    }
    production.or_else(|| {
        let first = *all.first()?;
        all.iter().all(|d| *d == first).then_some(first)
    })
}

/// The one dialect whose driver the manifest names; none or several (an
/// app that talks to two databases): undecided.
fn drivers(manifest: &str, table: &[(&str, Dialect)]) -> Option<Dialect> {
    let mut found = table
        .iter()
        .filter(|(needle, _)| manifest.contains(needle))
        .map(|(_, d)| *d);
    let first = found.next()?;
    found.all(|d| d == first).then_some(first)
}

/// The dialect the statements themselves show, outside comments and
/// strings (Prisma's own `-- Warnings:` comments quote names in backquotes
/// whatever the database): backquoted names, `AUTO_INCREMENT`
/// or `InnoDB` are MySQL; `AUTOINCREMENT` or `PRAGMA` SQLite; PostgreSQL's casts,
/// serial and `tz` types, dollar quotes or double-quoted names PostgreSQL.
pub fn from_statements<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<Dialect> {
    let mut quoted_names = false;
    let mut postgres = false;
    for text in texts {
        let regions = lexer::lex(Lang::Sql, text);
        quoted_names |= regions
            .iter()
            .any(|r| r.kind == RegionKind::String && text[r.start..].starts_with('"'));
        postgres |= regions
            .iter()
            .any(|r| r.kind == RegionKind::String && text[r.start..].starts_with('$'));
        let code = lexer::mask(text, &regions, RegionKind::Code).to_ascii_uppercase();
        let word = |w: &str| {
            code.match_indices(w).any(|(i, _)| {
                let before = code[..i].chars().next_back();
                let after = code[i + w.len()..].chars().next();
                !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
            })
        };
        // ClickHouse (backquotes too) is none of the dialects judged.
        if code.contains("MERGETREE") || word("LOWCARDINALITY") || code.contains("ON CLUSTER") {
            return Some(Dialect::Other);
        }
        if code.contains('`') || word("AUTO_INCREMENT") || word("INNODB") {
            return Some(Dialect::MySql);
        }
        if word("AUTOINCREMENT") || word("PRAGMA") {
            return Some(Dialect::Sqlite);
        }
        postgres |= code.contains("::")
            || [
                "SERIAL",
                "BIGSERIAL",
                "TIMESTAMPTZ",
                "JSONB",
                "CONCURRENTLY",
                "EXTENSION",
            ]
            .iter()
            .any(|w| word(w));
    }
    (postgres || quoted_names).then_some(Dialect::PostgreSql)
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::Migration;
    use std::collections::BTreeMap;

    fn set(framework: Framework, dir: &str, files: &[&str]) -> MigrationSet {
        MigrationSet {
            framework,
            dir: dir.to_string(),
            migrations: files
                .iter()
                .map(|f| Migration {
                    id: f.to_string(),
                    name: f.to_string(),
                    order_key: None,
                    files: vec![f.to_string()],
                })
                .collect(),
            schema_files: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn declared_with(set: &MigrationSet, files: &[(&str, &str)]) -> Option<Dialect> {
        let files: BTreeMap<String, String> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        declared(set, &|p| files.get(p).cloned())
    }

    #[test]
    fn each_framework_reads_its_own_declaration() {
        let prisma = set(Framework::Prisma, "prisma/migrations", &[]);
        let lock = "# Please do not edit this file manually\nprovider = \"mysql\"\n";
        assert_eq!(
            declared_with(&prisma, &[("prisma/migrations/migration_lock.toml", lock)]),
            Some(Dialect::MySql)
        );
        assert_eq!(declared_with(&prisma, &[]), None);
        let drizzle = set(Framework::DrizzleJournal, "drizzle", &[]);
        let journal = r#"{"version":"7","dialect":"postgresql","entries":[]}"#;
        assert_eq!(
            declared_with(&drizzle, &[("drizzle/meta/_journal.json", journal)]),
            Some(Dialect::PostgreSql)
        );
        let folders = set(
            Framework::DrizzleFolders,
            "drizzle",
            &["drizzle/20250101000000_a/migration.sql"],
        );
        let snapshot = r#"{"dialect":"sqlite"}"#;
        assert_eq!(
            declared_with(
                &folders,
                &[("drizzle/20250101000000_a/snapshot.json", snapshot)]
            ),
            Some(Dialect::Sqlite)
        );
        let sqlx = set(Framework::Sqlx, "api/migrations", &[]);
        let cargo = "[dependencies]\nsqlx = { version = \"0.8\", features = [\"runtime-tokio\", \"postgres\"] }\n";
        assert_eq!(
            declared_with(&sqlx, &[("api/Cargo.toml", cargo)]),
            Some(Dialect::PostgreSql)
        );
        let goose = set(Framework::Goose, "db/migrations", &[]);
        let gomod = "module x\nrequire (\n\tgithub.com/go-sql-driver/mysql v1.8.1\n)\n";
        assert_eq!(
            declared_with(&goose, &[("go.mod", gomod)]),
            Some(Dialect::MySql)
        );
        // Two drivers: undecided.
        let both = "github.com/lib/pq v1\ngithub.com/mattn/go-sqlite3 v1\n";
        assert_eq!(declared_with(&goose, &[("go.mod", both)]), None);
        assert_eq!(Dialect::from_name(" \"sqlserver\""), Dialect::Other);
        let rails = set(Framework::Rails, "db/migrate", &[]);
        let yml = "default: &default\n  adapter: sqlite3\ndevelopment:\n  <<: *default\nproduction:\n  adapter: postgresql\n";
        assert_eq!(
            declared_with(&rails, &[("config/database.yml", yml)]),
            Some(Dialect::PostgreSql)
        );
        let yml = "default: &default\n  adapter: mysql2\ndevelopment:\n  <<: *default\n";
        assert_eq!(
            declared_with(&rails, &[("config/database.yml", yml)]),
            Some(Dialect::MySql)
        );
        let django = set(Framework::Django, "shop/migrations", &[]);
        assert_eq!(
            declared_with(
                &django,
                &[("requirements.txt", "Django==5.0\npsycopg2-binary==2.9\n")]
            ),
            Some(Dialect::PostgreSql)
        );
        let alembic = set(Framework::Alembic, "alembic/versions", &[]);
        assert_eq!(
            declared_with(
                &alembic,
                &[("pyproject.toml", "dependencies = [\"PyMySQL\"]\n")]
            ),
            Some(Dialect::MySql)
        );
        assert_eq!(declared_with(&alembic, &[]), None);
    }
}
