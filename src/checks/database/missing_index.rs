//! `migrations/missing-index` (live): an index the repository declares that
//! the database lacks — the checklist's "Database indexes created". Declared
//! by a Prisma set's schema (`@@index`, `@@unique`, `@unique`, through
//! `@@map`/`@map`) or by the applied migrations of a raw SQL set
//! (`CREATE [UNIQUE] INDEX`, less the indexes and tables later ones drop);
//! compared by table and column list (names may be mapped) with the index
//! catalog the live stage read (`migrations::live::IndexCatalog`).
//!
//! Only tables the database has are judged, and a Prisma schema only when
//! every migration of its set is applied as it is in the repository: a
//! missing table or an unapplied migration is `migrations/pending`'s
//! finding, a migration edited since it ran `migrations/checksum-mismatch`'s
//! (and `failed`'s), not this rule's.

use super::prisma_schema::Schema;
use super::sql_keys::index_column;
use crate::checks::migration_lint::sql::{each_statement, last};
use crate::checks::repo::RepoFacts;
use crate::checks::Context;
use crate::finding::Finding;
use crate::migrations::dialect::Dialect;
use crate::migrations::live::{IndexCatalog, LiveReport, LiveState};
use crate::migrations::{Framework, MigrationSet};
use crate::rules::{Area, Judged, Level, Rule};
use sqlparser::ast::{ObjectType, Statement};
use std::collections::BTreeSet;

pub const MISSING_INDEX: Rule = Rule {
    id: "migrations/missing-index",
    default_level: Some(Level::Error),
    area: Area::Migrations,
    judged: Judged::State,
    summary: "(live) an index the Prisma schema or an applied SQL migration declares that the database lacks",
    options: &[],
    doc: crate::rule_doc!("migrations-missing-index"),
    module: module_path!(),
};

/// One declared index: where, on which table and columns.
struct Declared {
    path: String,
    line: u32,
    name: String,
    table: String,
    columns: Vec<String>,
    unique: bool,
}

pub(super) fn check(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(live) = facts.live else { return };
    for set in facts.migration_sets {
        let Some(catalog) = live.indexes.get(&set.dir) else {
            continue;
        };
        let unapplied = unapplied(live, set);
        let declared = match set.framework {
            Framework::Prisma if unapplied.is_empty() => prisma_declared(facts, ctx, set),
            Framework::Prisma => continue,
            f if crate::checks::migration_lint::is_sql_framework(f) => {
                sql_declared(facts, ctx, set, &unapplied)
            }
            _ => continue,
        };
        let db = live.database_of(&set.dir, facts.database_label);
        for d in declared {
            if !catalog.has_table(&d.table)
                || catalog.find(&d.table, &d.columns, d.unique).is_some()
            {
                continue;
            }
            out.extend(finding(set, &d, db, catalog, ctx));
        }
    }
}

fn finding(
    set: &MigrationSet,
    d: &Declared,
    db: &str,
    catalog: &IndexCatalog,
    ctx: &Context,
) -> Option<Finding> {
    let (t, list, name) = (&d.table, d.columns.join(", "), &d.name);
    let kind = if d.unique { "unique index" } else { "index" };
    let from = if set.framework == Framework::Prisma {
        "the Prisma schema declares"
    } else {
        "an applied migration created"
    };
    let why = if d.unique {
        format!("duplicate `{list}` values are not refused, and lookups by them scan all of `{t}`")
    } else {
        format!("queries by `{list}` scan all of `{t}`")
    };
    let pg = catalog.dialect == Dialect::PostgreSql;
    let q = |name: &str| match catalog.dialect {
        Dialect::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let cols: Vec<String> = d.columns.iter().map(|c| q(c)).collect();
    let create = format!(
        "CREATE {}INDEX {}{} ON {} ({})",
        if d.unique { "UNIQUE " } else { "" },
        if pg { "CONCURRENTLY " } else { "" },
        q(name),
        q(t),
        cols.join(", ")
    );
    // Prisma runs each migration in a transaction, where CONCURRENTLY fails.
    let own = if pg { " in a migration of its own" } else { "" };
    let help = match set.framework {
        Framework::Prisma => format!("run `npx prisma migrate deploy`; if every migration is applied, the index was dropped or never created: create it with a migration{own} (`npx prisma migrate dev --create-only`, then `{create};`)"),
        _ => format!("the migration is recorded as applied, so the index was dropped or its creation failed: create it again (`{create};`){own}, or, if it was dropped on purpose, add a migration that drops it so the repository says so"),
    };
    super::super::migrations::at(
        &MISSING_INDEX,
        ctx,
        &d.path,
        Some(d.line),
        format!("{kind} `{name}` on `{t}` ({list}), which {from}, is missing from {db}: {why}"),
        help,
    )
}

/// The set's migrations the database has not applied as they are in the
/// repository (pending, failed, its tracking table absent, or edited since
/// they ran): another live rule's finding, whose indexes are not judged.
fn unapplied<'a>(live: &'a LiveReport, set: &MigrationSet) -> BTreeSet<&'a str> {
    live.findings
        .iter()
        .filter(|f| f.set_dir == set.dir)
        .filter(|f| {
            matches!(
                f.state,
                LiveState::Pending
                    | LiveState::Failed { .. }
                    | LiveState::NoTrackingTable { .. }
                    | LiveState::ChecksumMismatch
            )
        })
        .map(|f| f.migration_id.as_str())
        .collect()
}

fn prisma_declared(facts: &RepoFacts, ctx: &Context, set: &MigrationSet) -> Vec<Declared> {
    let mut schema = Schema::default();
    for f in facts.repo_files.iter().filter(|f| {
        set.schema_files.contains(&f.rel)
            && f.rel.ends_with(".prisma")
            && facts.is_production(ctx, &f.rel)
    }) {
        schema.add_file(&f.rel, &f.text);
    }
    let mut out = Vec::new();
    for m in &schema.models {
        let table = m.table_name().to_string();
        for ix in &m.declared {
            let columns: Vec<String> = ix.fields.iter().map(|f| m.column(f)).collect();
            // Prisma's default names: `{table}_{columns}_key` / `_idx`.
            let suffix = if ix.unique { "key" } else { "idx" };
            let name = ix
                .name
                .clone()
                .unwrap_or_else(|| format!("{table}_{}_{suffix}", columns.join("_")));
            out.push(Declared {
                path: ix.place.path.clone(),
                line: ix.place.line,
                name,
                table: table.clone(),
                columns,
                unique: ix.unique,
            });
        }
    }
    out
}

/// The indexes a raw SQL set's applied migrations leave, in order: each
/// `CREATE INDEX`, less those a later `DROP INDEX` or `DROP TABLE` removes.
fn sql_declared(
    facts: &RepoFacts,
    ctx: &Context,
    set: &MigrationSet,
    unapplied: &BTreeSet<&str>,
) -> Vec<Declared> {
    let (scripts, dialect) =
        super::up_scripts(facts, ctx, set, |m| !unapplied.contains(m.id.as_str()));
    created_indexes(&scripts, dialect)
}

/// Each `CREATE INDEX` of `scripts` (path and text, in migration order)
/// that no later `DROP INDEX` or `DROP TABLE` undoes.
fn created_indexes(scripts: &[(&str, String)], dialect: Option<Dialect>) -> Vec<Declared> {
    let mut out: Vec<Declared> = Vec::new();
    for (path, script) in scripts {
        each_statement(script, dialect, |line, parsed| match parsed {
            Some(Statement::CreateIndex(i)) => {
                let columns: Vec<String> = i.columns.iter().map(index_column).collect();
                // An expression (`lower(email)`) is not matched: the
                // catalogs spell it each their own way.
                if columns.iter().any(|c| c.starts_with('(')) {
                    return;
                }
                let table = last(&i.table_name);
                let name = i
                    .name
                    .as_ref()
                    .map_or_else(|| format!("{table}_{}_idx", columns.join("_")), last);
                out.push(Declared {
                    path: path.to_string(),
                    line,
                    name,
                    table,
                    columns,
                    unique: i.unique,
                });
            }
            Some(Statement::Drop {
                object_type, names, ..
            }) => {
                let gone: Vec<String> = names.iter().map(|n| last(n).to_lowercase()).collect();
                match object_type {
                    ObjectType::Index => out.retain(|d| !gone.contains(&d.name.to_lowercase())),
                    ObjectType::Table => out.retain(|d| !gone.contains(&d.table.to_lowercase())),
                    _ => {}
                }
            }
            _ => {}
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_indexes_are_what_the_applied_scripts_leave() {
        let scripts: Vec<(&str, String)> = vec![
            (
                "m/1.sql",
                "CREATE TABLE users (id int, email text, name text);\n\
                 CREATE UNIQUE INDEX users_email_key ON users (email);\n\
                 CREATE INDEX ON users (name, id);\n\
                 CREATE INDEX users_lower ON users (lower(email));\n\
                 -- CREATE INDEX users_commented ON users (id);\n\
                 CREATE INDEX gone_idx ON users (id);\n"
                    .to_string(),
            ),
            (
                "m/2.sql",
                "DROP INDEX gone_idx;\nCREATE TABLE tmp (id int);\nCREATE INDEX tmp_idx ON tmp (id);\nDROP TABLE tmp;\n"
                    .to_string(),
            ),
        ];
        let got: Vec<String> = created_indexes(&scripts, Some(Dialect::PostgreSql))
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {} {}({}){}",
                    d.path,
                    d.line,
                    d.name,
                    d.table,
                    d.columns.join(","),
                    if d.unique { " unique" } else { "" }
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "m/1.sql:2 users_email_key users(email) unique",
                "m/1.sql:3 users_name_id_idx users(name,id)",
            ]
        );
    }
}
