//! Each framework's tracking table and the one `SELECT` that reads it, in
//! each SQL dialect. Every column is cast to text so the rows read the same
//! whatever the server (booleans come back as `true`/`false` from
//! PostgreSQL and `1`/`0` elsewhere; binary checksums as hex).

use super::url::{Driver, Target};
use crate::migrations::Framework;

/// Where a framework keeps its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Schema qualifier (PostgreSQL only).
    pub schema: Option<String>,
    pub name: &'static str,
}

impl Table {
    /// As shown to people: `_prisma_migrations`, `drizzle.__drizzle_migrations`.
    pub fn display(&self) -> String {
        match &self.schema {
            Some(s) if s != "public" => format!("{s}.{}", self.name),
            _ => self.name.to_string(),
        }
    }

    fn quoted(&self, driver: Driver) -> String {
        let q = |s: &str| match driver {
            Driver::MySql => format!("`{}`", s.replace('`', "``")),
            _ => format!("\"{}\"", s.replace('"', "\"\"")),
        };
        match (&self.schema, driver) {
            (Some(s), Driver::Postgres) => format!("{}.{}", q(s), q(self.name)),
            _ => q(self.name),
        }
    }
}

/// The tracking table of `framework` on this server.
pub fn table(framework: Framework, target: &Target) -> Table {
    let pg = target.driver == Driver::Postgres;
    let (schema, name) = match framework {
        // Prisma sets the search path to `?schema=` (default `public`).
        Framework::Prisma => (
            pg.then(|| {
                target
                    .schema
                    .clone()
                    .unwrap_or_else(|| "public".to_string())
            }),
            "_prisma_migrations",
        ),
        // Drizzle's `migrationsSchema` defaults to `drizzle` on PostgreSQL.
        Framework::DrizzleJournal | Framework::DrizzleFolders => {
            (pg.then(|| "drizzle".to_string()), "__drizzle_migrations")
        }
        Framework::Sqlx => (None, "_sqlx_migrations"),
        Framework::Diesel => (None, "__diesel_schema_migrations"),
        Framework::GolangMigrate | Framework::Rails => (None, "schema_migrations"),
        Framework::Goose => (None, "goose_db_version"),
        Framework::Flyway => (None, "flyway_schema_history"),
        Framework::Django => (None, "django_migrations"),
        Framework::Alembic => (None, "alembic_version"),
        Framework::Knex => (None, "knex_migrations"),
        Framework::TypeOrm => (None, "migrations"),
        Framework::Sequelize => (None, "SequelizeMeta"),
    };
    Table { schema, name }
}

/// A catalog query that returns a row iff the table exists (bind: the
/// quoted name on PostgreSQL, the bare name elsewhere).
pub fn exists_query(table: &Table, driver: Driver) -> (&'static str, String) {
    match driver {
        Driver::Postgres => ("SELECT CAST(to_regclass($1) AS TEXT)", table.quoted(driver)),
        Driver::MySql => (
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = ?",
            table.name.to_string(),
        ),
        Driver::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1 COLLATE NOCASE",
            table.name.to_string(),
        ),
    }
}

/// The one `SELECT` per table. Column order is what `read.rs` expects.
pub fn select(framework: Framework, table: &Table, driver: Driver) -> String {
    let t = |c: &str| match driver {
        Driver::MySql => format!("CAST({c} AS CHAR)"),
        _ => format!("CAST({c} AS TEXT)"),
    };
    let hex = |c: &str| match driver {
        Driver::Postgres => format!("encode({c}, 'hex')"),
        _ => format!("HEX({c})"),
    };
    let cols: Vec<String> = match framework {
        Framework::Prisma => [
            "migration_name",
            "checksum",
            "started_at",
            "finished_at",
            "rolled_back_at",
        ]
        .iter()
        .map(|c| t(c))
        .collect(),
        Framework::Sqlx => {
            vec![
                t("version"),
                t("description"),
                t("success"),
                hex("checksum"),
                t("installed_on"),
            ]
        }
        Framework::GolangMigrate => vec![t("version"), t("dirty")],
        Framework::Goose => vec![t("version_id"), t("is_applied"), t("id")],
        Framework::Flyway => [
            "installed_rank",
            "version",
            "description",
            "type",
            "script",
            "checksum",
            "success",
            "installed_on",
        ]
        .iter()
        .map(|c| t(c))
        .collect(),
        Framework::Django => vec![t("app"), t("name")],
        Framework::Alembic => vec![t("version_num")],
        Framework::Rails | Framework::Diesel => vec![t("version")],
        Framework::Knex | Framework::Sequelize | Framework::TypeOrm => vec![t("name")],
        Framework::DrizzleJournal => vec![t("hash"), t("created_at")],
        Framework::DrizzleFolders => vec![t("hash"), t("created_at"), t("name")],
    };
    format!("SELECT {} FROM {}", cols.join(", "), table.quoted(driver))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::live::url::parse;

    #[test]
    fn dialects_quote_and_cast() {
        let pg = parse("postgres://u:p@h/db?schema=app").unwrap();
        let prisma = table(Framework::Prisma, &pg);
        assert_eq!(prisma.display(), "app._prisma_migrations");
        assert_eq!(
            select(
                Framework::GolangMigrate,
                &table(Framework::GolangMigrate, &pg),
                Driver::Postgres
            ),
            "SELECT CAST(version AS TEXT), CAST(dirty AS TEXT) FROM \"schema_migrations\""
        );
        assert!(select(Framework::Prisma, &prisma, Driver::Postgres)
            .ends_with("FROM \"app\".\"_prisma_migrations\""));
        let my = parse("mysql://u:p@h/db").unwrap();
        let seq = table(Framework::Sequelize, &my);
        assert_eq!(
            select(Framework::Sequelize, &seq, Driver::MySql),
            "SELECT CAST(name AS CHAR) FROM `SequelizeMeta`"
        );
        assert!(
            select(Framework::Sqlx, &table(Framework::Sqlx, &my), Driver::MySql)
                .contains("HEX(checksum)")
        );
        assert_eq!(
            table(Framework::DrizzleJournal, &pg).display(),
            "drizzle.__drizzle_migrations"
        );
        assert_eq!(
            table(Framework::DrizzleJournal, &my).display(),
            "__drizzle_migrations"
        );
    }
}
