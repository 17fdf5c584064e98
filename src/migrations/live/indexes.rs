//! The live index catalog (`migrations/missing-index`): every table of the
//! current schema and each index on it, its columns in order and whether
//! it is unique, read with one catalog `SELECT` per database. PostgreSQL:
//! `pg_index` and `pg_attribute` in the URL's `?schema=` (Prisma's) or the
//! session's `current_schema()`; MySQL/MariaDB: `information_schema`'s
//! `statistics` for `DATABASE()`; SQLite: `pragma_index_list`/`_info`.
//! Read-only like the rest: catalogs only, no lock.

use super::db::Rows;
use super::url::{Driver, Target};
use crate::migrations::dialect::Dialect;
use std::collections::BTreeMap;

/// One index as the database has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveIndex {
    pub name: String,
    /// In index order; `None` for an expression (`lower(email)`).
    pub columns: Vec<Option<String>>,
    pub unique: bool,
}

/// The tables of one database's current schema and their indexes; table
/// names lower-cased (matching is case-insensitive, as unquoted names are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexCatalog {
    pub tables: BTreeMap<String, Vec<LiveIndex>>,
    /// The database's SQL dialect (how a fix's `CREATE INDEX` is spelled).
    pub dialect: Dialect,
}

impl IndexCatalog {
    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(&table.to_lowercase())
    }

    /// An index on `table` whose columns are `columns` (in order, case
    /// ignored) and that is unique when `unique` is asked for.
    pub fn find(&self, table: &str, columns: &[String], unique: bool) -> Option<&LiveIndex> {
        self.tables.get(&table.to_lowercase())?.iter().find(|ix| {
            (ix.unique || !unique)
                && ix.columns.len() == columns.len()
                && ix.columns.iter().zip(columns).all(|(have, want)| {
                    have.as_deref()
                        .is_some_and(|h| h.eq_ignore_ascii_case(want))
                })
        })
    }
}

/// PostgreSQL: every table, partitioned table and materialized view of a
/// schema, left-joined to its valid indexes (an unfinished `CONCURRENTLY`
/// build is invalid: no index yet) and their columns.
macro_rules! pg_catalog {
    ($schema:literal) => {
        concat!(
            "SELECT CAST(t.relname AS TEXT), CAST(i.relname AS TEXT), CAST(a.attname AS TEXT), ",
            "CAST(k.ord AS TEXT), CASE WHEN x.indisunique THEN '1' ELSE '0' END ",
            "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace ",
            "LEFT JOIN pg_index x ON x.indrelid = t.oid AND x.indisvalid ",
            "LEFT JOIN pg_class i ON i.oid = x.indexrelid ",
            "LEFT JOIN LATERAL unnest(CAST(x.indkey AS int2[])) WITH ORDINALITY AS k(attnum, ord) ON true ",
            "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0 ",
            "WHERE t.relkind IN ('r', 'p', 'm') AND n.nspname = ",
            $schema,
            " ORDER BY 1, 2, k.ord"
        )
    };
}

/// The catalog query and its binds (the schema on PostgreSQL when the URL
/// names one). Rows: table, index, column, position, unique (`1`/`0`);
/// index and column NULL for a table without indexes, column NULL for an
/// expression.
pub fn query(target: &Target) -> (&'static str, Vec<String>) {
    match target.driver {
        Driver::Postgres => match &target.schema {
            Some(s) => (pg_catalog!("$1"), vec![s.clone()]),
            None => (pg_catalog!("current_schema()"), vec![]),
        },
        Driver::MySql => (
            "SELECT CAST(t.table_name AS CHAR), CAST(s.index_name AS CHAR), CAST(s.column_name AS CHAR), \
             CAST(s.seq_in_index AS CHAR), CASE WHEN s.non_unique = 0 THEN '1' ELSE '0' END \
             FROM information_schema.tables t LEFT JOIN information_schema.statistics s \
             ON s.table_schema = t.table_schema AND s.table_name = t.table_name \
             WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' ORDER BY 1, 2, s.seq_in_index",
            vec![],
        ),
        Driver::Sqlite => (
            "SELECT m.name, il.name, ii.name, CAST(ii.seqno AS TEXT), CAST(il.\"unique\" AS TEXT) \
             FROM sqlite_master m LEFT JOIN pragma_index_list(m.name) il \
             LEFT JOIN pragma_index_info(il.name) ii \
             WHERE m.type = 'table' ORDER BY 1, 2, ii.seqno",
            vec![],
        ),
    }
}

/// Rows of [`query`] → the catalog. Rows come sorted by table, index and
/// position, so each index's columns arrive in order.
pub fn read(rows: &Rows, driver: Driver) -> IndexCatalog {
    let mut catalog = IndexCatalog {
        dialect: match driver {
            Driver::Postgres => Dialect::PostgreSql,
            Driver::MySql => Dialect::MySql,
            Driver::Sqlite => Dialect::Sqlite,
        },
        tables: BTreeMap::new(),
    };
    for row in rows {
        let cell = |i: usize| row.get(i).cloned().flatten();
        let Some(table) = cell(0) else { continue };
        let indexes = catalog.tables.entry(table.to_lowercase()).or_default();
        let Some(index) = cell(1) else { continue };
        let unique = cell(4).as_deref() == Some("1");
        match indexes.last_mut() {
            Some(last) if last.name == index => last.columns.push(cell(2)),
            _ => indexes.push(LiveIndex {
                name: index,
                columns: vec![cell(2)],
                unique,
            }),
        }
    }
    catalog
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: [Option<&str>; 5]) -> Vec<Option<String>> {
        cells.iter().map(|c| c.map(str::to_string)).collect()
    }

    #[test]
    fn rows_become_indexes_matched_by_columns_and_uniqueness() {
        let rows = vec![
            row([
                Some("Post"),
                Some("Post_a_b_idx"),
                Some("a"),
                Some("1"),
                Some("0"),
            ]),
            row([
                Some("Post"),
                Some("Post_a_b_idx"),
                Some("b"),
                Some("2"),
                Some("0"),
            ]),
            row([
                Some("Post"),
                Some("Post_slug_key"),
                Some("slug"),
                Some("1"),
                Some("1"),
            ]),
            row([Some("Post"), Some("lower_idx"), None, Some("1"), Some("0")]),
            row([Some("empty"), None, None, None, None]),
        ];
        let c = read(&rows, Driver::Postgres);
        assert!(
            c.dialect == Dialect::PostgreSql
                && c.has_table("post")
                && c.has_table("EMPTY")
                && !c.has_table("tag")
        );
        let cols = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            c.find("post", &cols(&["A", "b"]), false)
                .map(|i| i.name.as_str()),
            Some("Post_a_b_idx")
        );
        assert!(
            c.find("Post", &cols(&["b", "a"]), false).is_none(),
            "order matters"
        );
        assert!(
            c.find("Post", &cols(&["a"]), false).is_none(),
            "a prefix is another index"
        );
        assert!(
            c.find("Post", &cols(&["a", "b"]), true).is_none(),
            "not unique"
        );
        assert!(c.find("Post", &cols(&["slug"]), true).is_some());
        assert!(
            c.find("Post", &cols(&["slug"]), false).is_some(),
            "a unique index serves lookups"
        );
        assert!(c.find("empty", &cols(&["id"]), false).is_none());
    }
}
