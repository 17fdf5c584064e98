//! `database/unindexed-foreign-key` on raw SQL migration sets on
//! PostgreSQL (Drizzle, sqlx, golang-migrate, goose, Flyway, Diesel; a
//! Prisma set is judged on its schema instead): every foreign key the
//! set's migrations declare, in order, against every index, primary key or
//! unique constraint they declare on the same table. The migration lint's
//! SQL reader parses the statements; a table dropped later takes its keys
//! with it.

use crate::checks::migration_lint::sql::{each_statement, ident, last};
use crate::migrations::dialect::Dialect;
use sqlparser::ast::{
    AlterTableOperation, ColumnDef, ColumnOption, Expr, ObjectType, Statement, TableConstraint,
};
use std::collections::BTreeMap;

/// A foreign key no index starts with: where it is declared, its table and
/// columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unindexed {
    pub path: String,
    pub line: u32,
    pub table: String,
    pub columns: Vec<String>,
}

/// The foreign keys of `scripts` (a set's up scripts, in migration order:
/// path and text) that no index starts with.
pub fn unindexed(scripts: &[(&str, String)]) -> Vec<Unindexed> {
    let mut fks: Vec<Unindexed> = Vec::new();
    let mut indexes: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for (path, text) in scripts {
        for (line, key) in keys(text, Some(Dialect::PostgreSql)) {
            match key {
                Key::ForeignKey { table, columns } => fks.push(Unindexed {
                    path: path.to_string(),
                    line,
                    table,
                    columns,
                }),
                Key::Index { table, columns } => indexes
                    .entry(table.to_lowercase())
                    .or_default()
                    .push(columns.iter().map(|c| c.to_lowercase()).collect()),
                Key::DropTable { table } => {
                    fks.retain(|f| !f.table.eq_ignore_ascii_case(&table));
                    indexes.remove(&table.to_lowercase());
                }
            }
        }
    }
    fks.retain(|fk| {
        let cols: Vec<String> = fk.columns.iter().map(|c| c.to_lowercase()).collect();
        !cols.is_empty()
            && !indexes.get(&fk.table.to_lowercase()).is_some_and(|ixs| {
                ixs.iter()
                    .any(|ix| super::prisma_schema::starts_with(ix, &cols))
            })
    });
    fks
}

/// A foreign key or an index a statement declares, or a table it drops
/// (`database/unindexed-foreign-key` on raw SQL sets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    ForeignKey {
        table: String,
        columns: Vec<String>,
    },
    /// An index, a primary key or a unique constraint, its columns in order.
    Index {
        table: String,
        columns: Vec<String>,
    },
    DropTable {
        table: String,
    },
}

/// The keys `text`'s statements declare, each with its statement's line.
pub fn keys(text: &str, dialect: Option<Dialect>) -> Vec<(u32, Key)> {
    let mut out = Vec::new();
    each_statement(text, dialect, |line, parsed| {
        out.extend(parsed.into_iter().flat_map(keys_of).map(|k| (line, k)));
    });
    out
}

fn keys_of(s: &Statement) -> Vec<Key> {
    let index = |table: &str, columns: Vec<String>| Key::Index {
        table: table.to_string(),
        columns,
    };
    match s {
        Statement::CreateTable(t) => {
            let table = last(&t.name);
            let mut out: Vec<Key> = t
                .columns
                .iter()
                .flat_map(|c| column_keys(&table, c))
                .collect();
            out.extend(
                t.constraints
                    .iter()
                    .filter_map(|c| constraint_key(&table, c)),
            );
            out
        }
        Statement::CreateIndex(i) => vec![index(
            &last(&i.table_name),
            i.columns.iter().map(index_column).collect(),
        )],
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => names
            .iter()
            .map(|n| Key::DropTable { table: last(n) })
            .collect(),
        Statement::AlterTable(a) => {
            let table = last(&a.name);
            a.operations
                .iter()
                .flat_map(|op| match op {
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        column_keys(&table, column_def)
                    }
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        constraint_key(&table, constraint).into_iter().collect()
                    }
                    _ => Vec::new(),
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// A column's inline `REFERENCES`, `PRIMARY KEY` or `UNIQUE`.
fn column_keys(table: &str, c: &ColumnDef) -> Vec<Key> {
    let columns = vec![ident(&c.name)];
    let table = table.to_string();
    c.options
        .iter()
        .filter_map(|o| match &o.option {
            ColumnOption::ForeignKey(_) => Some(Key::ForeignKey {
                table: table.clone(),
                columns: columns.clone(),
            }),
            ColumnOption::PrimaryKey(_) | ColumnOption::Unique(_) => Some(Key::Index {
                table: table.clone(),
                columns: columns.clone(),
            }),
            _ => None,
        })
        .collect()
}

fn constraint_key(table: &str, c: &TableConstraint) -> Option<Key> {
    let table = table.to_string();
    Some(match c {
        TableConstraint::ForeignKey(fk) => Key::ForeignKey {
            table,
            columns: fk.columns.iter().map(ident).collect(),
        },
        TableConstraint::PrimaryKey(p) => Key::Index {
            table,
            columns: p.columns.iter().map(index_column).collect(),
        },
        TableConstraint::Unique(u) => Key::Index {
            table,
            columns: u.columns.iter().map(index_column).collect(),
        },
        _ => return None,
    })
}

/// An index column's name; an expression (`lower(email)`) is no column.
pub(super) fn index_column(c: &sqlparser::ast::IndexColumn) -> String {
    match &c.column.expr {
        Expr::Identifier(i) => ident(i),
        Expr::CompoundIdentifier(parts) => parts.last().map(ident).unwrap_or_default(),
        other => format!("({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(files: &[(&str, &str)]) -> Vec<String> {
        let scripts: Vec<(&str, String)> = files.iter().map(|(p, t)| (*p, t.to_string())).collect();
        unindexed(&scripts)
            .into_iter()
            .map(|u| format!("{}:{} {}.{}", u.path, u.line, u.table, u.columns.join("+")))
            .collect()
    }

    #[test]
    fn references_without_and_with_an_index() {
        let init = "CREATE TABLE users (id serial PRIMARY KEY);\n\
            CREATE TABLE posts (\n  id serial PRIMARY KEY,\n  author_id int REFERENCES users(id),\n  editor_id int,\n  tag_id int,\n  FOREIGN KEY (editor_id) REFERENCES users(id),\n  UNIQUE (tag_id, id)\n);\n\
            -- CREATE INDEX posts_author ON posts (author_id);\n\
            ALTER TABLE posts ADD COLUMN tag_id2 int REFERENCES users(id);\n\
            ALTER TABLE posts ADD CONSTRAINT posts_tag FOREIGN KEY (tag_id) REFERENCES users(id);\n";
        let later = "CREATE INDEX CONCURRENTLY posts_editor ON posts (editor_id, created_at);\n\
            CREATE TABLE gone (id int, user_id int REFERENCES users(id));\nDROP TABLE gone;\n";
        assert_eq!(
            found(&[("m/1.up.sql", init), ("m/2.up.sql", later)]),
            [
                "m/1.up.sql:2 posts.author_id",
                "m/1.up.sql:11 posts.tag_id2"
            ]
        );
    }
}
