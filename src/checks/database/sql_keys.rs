//! `database/unindexed-foreign-key` on raw SQL migration sets on
//! PostgreSQL (Drizzle, sqlx, golang-migrate, goose, Flyway, Diesel; a
//! Prisma set is judged on its schema instead): every foreign key the
//! set's migrations declare, in order, against every index, primary key or
//! unique constraint they declare on the same table. The migration lint's
//! SQL reader parses the statements; a table dropped later takes its keys
//! with it.

use crate::checks::migration_lint::sql::{keys, Key};
use crate::migrations::dialect::Dialect;
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
