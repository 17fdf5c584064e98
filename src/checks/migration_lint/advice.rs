//! Which rule an operation on an existing table breaks, and the message and
//! concrete fix, worded for the database and the framework.

use super::ops::{ConstraintKind, Op};
use super::{Rule, BLOCKING_INDEX, DESTRUCTIVE, UNSAFE_NOT_NULL, UNVALIDATED_CONSTRAINT};
use crate::migrations::dialect::Dialect;
use crate::migrations::Framework;

type Judgement = (&'static Rule, String, String);

/// `op` acts on an existing table of a `dialect` database (`None`:
/// undecided, only what is unsafe on every database is said).
pub(super) fn judge(framework: Framework, dialect: Option<Dialect>, op: &Op) -> Option<Judgement> {
    let postgres = dialect == Some(Dialect::PostgreSql);
    match op {
        Op::AddColumn {
            table,
            column,
            not_null: true,
            has_default: false,
        } => add_not_null(framework, dialect, table, column),
        // SET NOT NULL is PostgreSQL's syntax (MySQL restates the column).
        Op::SetNotNull { table, column } if dialect != Some(Dialect::Sqlite) => Some((
            &UNSAFE_NOT_NULL,
            format!("SET NOT NULL on column `{column}` of existing table `{table}`: PostgreSQL scans the whole table under an ACCESS EXCLUSIVE lock (reads and writes wait), and the migration fails if a row is still NULL"),
            if framework == Framework::Rails {
                format!("backfill the NULLs, then in steps (strong_migrations' way): `add_check_constraint :{table}, \"{column} IS NOT NULL\", name: \"{column}_not_null\", validate: false`, in a later migration `validate_check_constraint :{table}, name: \"{column}_not_null\"` (no exclusive lock), then `change_column_null :{table}, :{column}, false` (PostgreSQL 12+ trusts the validated check and skips the scan) and `remove_check_constraint`")
            } else { format!("backfill the NULLs, then in steps: `ALTER TABLE \"{table}\" ADD CONSTRAINT \"{column}_not_null\" CHECK (\"{column}\" IS NOT NULL) NOT VALID;`, in a later migration `ALTER TABLE \"{table}\" VALIDATE CONSTRAINT \"{column}_not_null\";` (no exclusive lock), then `ALTER TABLE \"{table}\" ALTER COLUMN \"{column}\" SET NOT NULL;` (PostgreSQL 12+ trusts the validated check and skips the scan) and drop the check") },
        )),
        Op::CreateIndex {
            table,
            name,
            unique,
            concurrently: false,
        } if postgres => {
            let what = if *unique { "unique index" } else { "index" };
            let name = name.as_deref().map_or(String::new(), |n| format!(" `{n}`"));
            Some((
                &BLOCKING_INDEX,
                format!("CREATE {}{name} on existing table `{table}` without CONCURRENTLY: PostgreSQL blocks every write to `{table}` while the index builds", what.to_uppercase()),
                concurrent_help(framework),
            ))
        }
        Op::AddConstraint {
            table,
            name,
            kind,
            not_valid: false,
        } if postgres => {
            let what = match kind {
                ConstraintKind::ForeignKey => "FOREIGN KEY",
                ConstraintKind::Check => "CHECK",
            };
            let (shown, used) = match name {
                Some(n) => (format!(" `{n}`"), format!("\"{n}\"")),
                None => (String::new(), "<name>".to_string()),
            };
            Some((
                &UNVALIDATED_CONSTRAINT,
                format!("{what} constraint{shown} added to existing table `{table}` without NOT VALID: PostgreSQL checks every row while holding a lock that blocks writes{}", if *kind == ConstraintKind::ForeignKey { " (on the referenced table too)" } else { "" }),
                format!("add it with `NOT VALID` (only new rows are checked), then validate it in a later migration: `ALTER TABLE \"{table}\" VALIDATE CONSTRAINT {used};`, which takes no lock that blocks writes{}", prisma_note(framework)),
            ))
        }
        Op::DropTable { table } => Some((
            &DESTRUCTIVE,
            format!("DROP TABLE `{table}`: the code still running during the rollout reads it, and its data is gone"),
            expand_contract(framework, Shape::DropTable, table, None),
        )),
        Op::DropColumn { table, column } => Some((
            &DESTRUCTIVE,
            format!("DROP COLUMN `{column}` of table `{table}`: the code still running during the rollout reads it, and its data is gone"),
            expand_contract(framework, Shape::DropColumn, table, Some(column)),
        )),
        Op::RenameTable { from, to } => Some((
            &DESTRUCTIVE,
            format!("RENAME TABLE `{from}` to `{to}`: the code still running during the rollout queries `{from}`, which no longer exists"),
            expand_contract(framework, Shape::RenameTable(to), from, None),
        )),
        Op::RenameColumn { table, from, to } => Some((
            &DESTRUCTIVE,
            format!("RENAME COLUMN `{from}` of table `{table}` to `{to}`: the code still running during the rollout reads `{from}`, which no longer exists"),
            expand_contract(framework, Shape::RenameColumn(to), table, Some(from)),
        )),
        Op::AlterType { table, column } => Some((
            &DESTRUCTIVE,
            format!("ALTER COLUMN `{column}` of table `{table}` TYPE: the code still running reads the old type{}", if postgres { ", and PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock unless the change is binary-compatible" } else { "" }),
            expand_contract(framework, Shape::AlterType, table, Some(column)),
        )),
        _ => None,
    }
}

fn add_not_null(
    framework: Framework,
    dialect: Option<Dialect>,
    table: &str,
    column: &str,
) -> Option<Judgement> {
    let what =
        format!("ADD COLUMN `{column}` NOT NULL without a DEFAULT on existing table `{table}`");
    let message = match dialect {
        Some(Dialect::PostgreSql) => format!("{what}: PostgreSQL fails the migration on any non-empty table (\"column \\\"{column}\\\" contains null values\"), so the deploy stops halfway"),
        Some(Dialect::MySql) => format!("{what}: MySQL/MariaDB accept it but silently give every existing row the type's implicit default ('' or 0), which the code cannot tell from real values"),
        // SQLite refuses it on every table, empty or not: the developer saw it fail.
        Some(Dialect::Sqlite | Dialect::Other) => return None,
        None => format!("{what}: PostgreSQL fails the migration on any non-empty table; MySQL/MariaDB silently give existing rows the type's implicit default ('' or 0)"),
    };
    let sql = format!("add it nullable (or with a DEFAULT), backfill the existing rows (`UPDATE \"{table}\" SET \"{column}\" = …`), then make it NOT NULL in a later migration");
    let help = match framework {
        Framework::Prisma => format!("give the field a `@default(…)` in schema.prisma, or {sql} (make the field optional first, required after the backfill)"),
        Framework::DrizzleJournal | Framework::DrizzleFolders => format!("give the column a `.default(…)` in the Drizzle schema, or {sql}"),
        Framework::Rails => format!("give it a `default:` (Rails writes it into the ADD COLUMN), or add it with `null: true`, backfill in batches, and `change_column_null :{table}, :{column}, false` in a later migration"),
        Framework::Django => "give the field a `default=` (Django writes it into the ADD COLUMN, and with `preserve_default=False` drops it afterwards), or add it with `null=True`, backfill, and make it non-null in a later migration".to_string(),
        Framework::Alembic => format!("give the column a `server_default=` (a Python-side `default=` never reaches the database), or add it nullable, backfill, and `op.alter_column(\"{table}\", \"{column}\", nullable=False)` in a later migration"),
        _ => format!("{sql}, or give the column a DEFAULT"),
    };
    Some((&UNSAFE_NOT_NULL, message, help))
}

/// CONCURRENTLY cannot run inside a transaction: how each framework lets a
/// migration run outside one.
fn concurrent_help(framework: Framework) -> String {
    let how = match framework {
        Framework::Prisma => "Prisma runs each migration in a transaction, where CONCURRENTLY fails: put `CREATE INDEX CONCURRENTLY …` alone in a migration of its own (`npx prisma migrate dev --create-only`, then edit the SQL), as Prisma's docs describe",
        Framework::Sqlx => "write `CREATE INDEX CONCURRENTLY …` in a migration whose first line is `-- no-transaction` (sqlx then runs it outside a transaction)",
        Framework::Goose => "write `CREATE INDEX CONCURRENTLY …` in a migration marked `-- +goose NO TRANSACTION`",
        Framework::Diesel => "write `CREATE INDEX CONCURRENTLY …` in a migration of its own with `run_in_transaction = false` in its metadata.toml",
        Framework::Flyway => "write `CREATE INDEX CONCURRENTLY …` in a migration of its own (Flyway runs it outside a transaction; mixing it with other statements needs `mixed = true`)",
        Framework::GolangMigrate => "write `CREATE INDEX CONCURRENTLY …` alone in a migration of its own (several statements in one file run in one implicit transaction, where CONCURRENTLY fails)",
        Framework::DrizzleJournal | Framework::DrizzleFolders => "drizzle-kit migrate runs pending migrations in one transaction, where CONCURRENTLY fails: create the index with `CREATE INDEX CONCURRENTLY IF NOT EXISTS …` before the deploy, outside the migrator, and make the migration's statement `CREATE INDEX IF NOT EXISTS …`",
        Framework::Rails => "add `disable_ddl_transaction!` to the migration class and `algorithm: :concurrently` to the index (`add_index …, algorithm: :concurrently`; for `add_reference`, `index: { algorithm: :concurrently }`), ideally in a migration of its own",
        Framework::Django => "use `AddIndexConcurrently` (and `AddConstraint` of a unique constraint built on a concurrent unique index) from `django.contrib.postgres.operations`, in a migration with `atomic = False`; for a field's own index, add the field with `db_index=False` and the index concurrently",
        Framework::Alembic => "pass `postgresql_concurrently=True` to `op.create_index`, inside `with op.get_context().autocommit_block():` (CONCURRENTLY cannot run in Alembic's transaction)",
        _ => "create it with `CREATE INDEX CONCURRENTLY …`, outside a transaction",
    };
    format!("{how}; if a concurrent build fails it leaves an INVALID index: drop it and retry")
}

fn prisma_note(framework: Framework) -> &'static str {
    match framework {
        Framework::Prisma => " (edit the generated SQL: Prisma does not write NOT VALID itself)",
        Framework::DrizzleJournal | Framework::DrizzleFolders => {
            " (edit the generated SQL: drizzle-kit does not write NOT VALID itself)"
        }
        _ => "",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape<'a> {
    DropTable,
    DropColumn,
    /// The new name.
    RenameTable(&'a str),
    RenameColumn(&'a str),
    AlterType,
}

/// The expand/contract way for the framework: keep the old shape while the
/// old code runs; remove it in a later deploy.
fn expand_contract(
    framework: Framework,
    shape: Shape,
    table: &str,
    column: Option<&str>,
) -> String {
    let col = column.unwrap_or("");
    let later = "ship it in a later deploy, once no running code uses it";
    let prisma = matches!(framework, Framework::Prisma);
    let drizzle = matches!(
        framework,
        Framework::DrizzleJournal | Framework::DrizzleFolders
    );
    let rails = framework == Framework::Rails;
    let django = framework == Framework::Django;
    match shape {
        Shape::DropColumn if rails => format!("first deploy with `self.ignored_columns += [\"{col}\"]` in the model (ActiveRecord caches the columns it saw, and the running app's INSERTs and SELECTs fail once `{col}` is gone), then {later} (strong_migrations' way)"),
        Shape::RenameColumn(_) if rails => format!("expand/contract: add the new column, write both, backfill it from `{col}`, switch the reads, then `self.ignored_columns += [\"{col}\"]` and drop `{col}` in a later deploy"),
        Shape::DropColumn if django => format!("first deploy the code without the field: remove it from the model state only (`migrations.SeparateDatabaseAndState(state_operations=[RemoveField(…)])`), so no running code reads `{col}`, then drop the column in a later deploy"),
        Shape::RenameColumn(to) if django => format!("rename only the field and keep the column: `{to} = models.…(db_column=\"{col}\")` (Django then changes no table)"),
        Shape::RenameTable(_) if django => format!("rename only the model and keep the table: `db_table = \"{table}\"` in its `Meta` (Django then changes no table)"),
        Shape::RenameColumn(to) if prisma => format!("rename only the field and keep the column: `{to} … @map(\"{col}\")` in schema.prisma, and take this statement out of the migration"),
        Shape::RenameTable(to) if prisma => format!("rename only the model and keep the table: `model {to} {{ … @@map(\"{table}\") }}` in schema.prisma, and take this statement out of the migration"),
        Shape::RenameColumn(to) if drizzle => format!("rename only the property and keep the column name in the schema (`{to}: text(\"{col}\")`), and take this statement out of the migration"),
        Shape::RenameTable(_) if drizzle => format!("rename only the variable and keep the table name in the schema (`pgTable(\"{table}\", …)`), and take this statement out of the migration"),
        Shape::RenameColumn(_) | Shape::AlterType => format!("expand/contract: add a new column, write both, backfill it from `{col}`, switch the reads, and drop `{col}` in a later deploy"),
        Shape::RenameTable(_) => format!("expand/contract: create the new table (or a view named `{table}` over it), write both, move the reads, and drop `{table}` in a later deploy"),
        Shape::DropColumn if prisma => format!("first deploy with the field marked `@ignore` in schema.prisma and no code using it (a running Prisma Client selects every scalar field and fails once `{col}` is gone), then {later}"),
        Shape::DropTable if prisma => format!("first deploy the code that no longer uses the model, then {later}"),
        Shape::DropColumn | Shape::DropTable => format!("first deploy the code that no longer reads it, then {later}; if it is already unused, say so: `-- shipcheck-ignore: migrations/destructive -- <why>` above the statement"),
    }
}
