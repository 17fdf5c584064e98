//! What the git-aware migration rules need from history, read before the
//! checks run (the facts stage), so the checks themselves stay pure: they
//! compare a [`MigrationSet`] with its [`SetHistory`] and read nothing.

use super::dialect::{self, Dialect};
use super::MigrationSet;
use crate::git::{self, Change, Diff};
use crate::workspace::tree::Tree;
use std::collections::{BTreeMap, BTreeSet};

/// One migration set against the merge-base with the base branch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetHistory {
    /// The set's files at the merge-base.
    pub base_files: BTreeSet<String>,
    /// For each migration file the branch modified: its first changed line.
    pub first_changed: BTreeMap<String, Option<u32>>,
    /// Each schema file the branch added or modified.
    pub schemas: BTreeMap<String, SchemaChange>,
    /// The text of the branch's new migrations (their first file: the
    /// script a framework runs going up), by path: for Prisma sets whose
    /// schema changed, does a new migration touch what the change is about;
    /// for every SQL set, what the migration lints judge.
    pub new_migration_text: BTreeMap<String, String>,
    /// The database the set's own files declare (Prisma's lock file,
    /// Drizzle's journal, the driver in `Cargo.toml`/`go.mod`), read only
    /// when the branch adds a migration.
    pub declared_dialect: Option<Dialect>,
}

/// A schema file at the merge-base and now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaChange {
    pub base: String,
    pub head: String,
    /// The added and removed lines, without the `+`/`-`.
    pub changed_lines: Vec<String>,
    pub first_changed_line: Option<u32>,
}

/// Read, for `set`, what [`SetHistory`] holds: a few git commands per set,
/// only for the files the branch changed.
pub fn gather(tree: &Tree, set: &MigrationSet, diff: &Diff) -> SetHistory {
    let (root, head) = (tree.root(), tree.head());
    let prefix = format!("{}/", set.dir);
    let rev = diff.merge_base.as_str();
    let mut h = SetHistory {
        base_files: git::files_at(root, rev, &set.dir).into_iter().collect(),
        ..SetHistory::default()
    };
    for (change, path) in &diff.changes {
        if *change == Change::Modified && path.starts_with(&prefix) {
            h.first_changed
                .insert(path.clone(), git::first_changed_line(root, rev, head, path));
        }
    }
    let read = |path: &str| {
        tree.read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    for schema in &set.schema_files {
        if !matches!(
            diff.status(schema),
            Some(Change::Modified) | Some(Change::Added)
        ) {
            continue;
        }
        h.schemas.insert(
            schema.clone(),
            SchemaChange {
                base: git::file_at(root, rev, schema).unwrap_or_default(),
                head: read(schema),
                changed_lines: git::changed_lines(root, rev, head, schema),
                first_changed_line: git::first_changed_line(root, rev, head, schema),
            },
        );
    }
    for m in &set.migrations {
        if let Some(f) = m.files.first() {
            if diff.status(f) == Some(Change::Added) {
                h.new_migration_text.insert(f.clone(), read(f));
            }
        }
    }
    if !h.new_migration_text.is_empty() {
        h.declared_dialect = dialect::declared(set, &|path| {
            tree.read(path)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        });
    }
    h
}
