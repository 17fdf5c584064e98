//! The unsafe-migration lints: `migrations/unsafe-not-null`,
//! `migrations/blocking-index`, `migrations/destructive` and
//! `migrations/unvalidated-constraint`, on the migrations a branch adds to a
//! raw-SQL set (Prisma, Drizzle, sqlx, golang-migrate, goose, Flyway,
//! Diesel) or to a Rails, Django or Alembic set (their schema calls, read
//! by `rails.rs`, `django.rs`, `alembic.rs` over `code.rs`). Migrations
//! already on the base are deployed and never judged;
//! without a base nothing is said (`scan/git-history` says why). A table a
//! new migration of the branch creates is empty when the rest run: nothing
//! done to it is judged. Docs: `docs/rules/migrations-*.md`.
//!
//! Pure: the texts come from `migrations::history` (read before the checks),
//! `sql.rs` turns them into [`ops::Op`]s, `advice.rs` words the findings.

mod advice;
mod alembic;
mod code;
#[cfg(test)]
mod code_tests;
mod django;
pub mod ops;
mod rails;
pub mod sql;
#[cfg(test)]
mod tests;

use super::repo::{RepoCheck, RepoFacts};
use super::Context;
use crate::finding::Finding;
use crate::migrations::dialect::{self, Dialect};
use crate::migrations::Framework;
use crate::rules::{Area, Judged, Level, Rule};
use ops::{Located, Op};
use std::collections::BTreeSet;

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const UNSAFE_NOT_NULL: Rule = Rule {
    id: "migrations/unsafe-not-null",
    default_level: Some(Level::Error),
    area: Area::Migrations,
    judged: Judged::Lines,
    summary: "a new migration adds a NOT NULL column without a default, or sets NOT NULL, on an existing table",
    options: &[],
    doc: crate::rule_doc!("migrations-unsafe-not-null"),
    module: module_path!(),
};

pub const BLOCKING_INDEX: Rule = Rule {
    id: "migrations/blocking-index",
    default_level: Some(Level::Warning),
    area: Area::Migrations,
    judged: Judged::Lines,
    summary: "a new migration creates a PostgreSQL index on an existing table without CONCURRENTLY (writes blocked while it builds)",
    options: &[],
    doc: crate::rule_doc!("migrations-blocking-index"),
    module: module_path!(),
};

pub const DESTRUCTIVE: Rule = Rule {
    id: "migrations/destructive",
    default_level: Some(Level::Warning),
    area: Area::Migrations,
    judged: Judged::Lines,
    summary: "a new migration drops, renames or retypes an existing table or column that the running code still reads",
    options: &[],
    doc: crate::rule_doc!("migrations-destructive"),
    module: module_path!(),
};

pub const UNVALIDATED_CONSTRAINT: Rule = Rule {
    id: "migrations/unvalidated-constraint",
    default_level: Some(Level::Notice),
    area: Area::Migrations,
    judged: Judged::Lines,
    summary: "a new migration adds a PostgreSQL foreign key or CHECK to an existing table without NOT VALID (a full scan under lock)",
    options: &[],
    doc: crate::rule_doc!("migrations-unvalidated-constraint"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[
    &UNSAFE_NOT_NULL,
    &BLOCKING_INDEX,
    &DESTRUCTIVE,
    &UNVALIDATED_CONSTRAINT,
];

pub struct MigrationLint;

impl RepoCheck for MigrationLint {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        // No base, no judgement: `scan/git-history` says why.
        let Some(Ok(_)) = facts.history else {
            return;
        };
        for (set, hist) in facts.migration_sets.iter().zip(facts.set_history) {
            let new: Vec<(&str, &str)> = set
                .migrations
                .iter()
                .filter_map(|m| m.files.first())
                .filter_map(|f| hist.new_migration_text.get_key_value(f))
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            let lint = lint_set(set.framework, hist.declared_dialect, &new);
            for v in lint.verdicts {
                let line = Some(v.line);
                let statement = new
                    .iter()
                    .find(|(p, _)| *p == v.path)
                    .and_then(|(_, text)| text.lines().nth(v.line as usize - 1));
                out.extend(
                    super::migrations::at(v.rule, ctx, &v.path, line, v.message, v.help).map(
                        |mut f| {
                            // The statement's first line under the location, as
                            // every other finding shows its source.
                            if let (Some(text), Some(span)) = (statement, f.span.clone()) {
                                let span = crate::finding::Span {
                                    end_column: text.trim_end().chars().count() as u32 + 1,
                                    ..span
                                };
                                f = f.at(&v.path, span, text);
                            }
                            f
                        },
                    ),
                );
            }
        }
    }
}

/// One finding before the settings give it a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub rule: &'static Rule,
    pub path: String,
    pub line: u32,
    pub message: String,
    pub help: String,
}

/// What [`lint_set`] judged and could not read.
#[derive(Debug, Default)]
pub struct SetLint {
    pub verdicts: Vec<Verdict>,
    /// The dialect the set was read as (`None`: undecided).
    pub dialect: Option<Dialect>,
    /// Per file: statements seen, and the lines of those not parsed.
    pub files: Vec<(String, usize, Vec<u32>)>,
}

/// Whether the framework's migrations are SQL files this module reads.
pub fn is_sql_framework(f: Framework) -> bool {
    matches!(
        f,
        Framework::Prisma
            | Framework::DrizzleJournal
            | Framework::DrizzleFolders
            | Framework::Sqlx
            | Framework::GolangMigrate
            | Framework::Goose
            | Framework::Flyway
            | Framework::Diesel
    )
}

/// Whether the framework's migrations are code whose schema calls a
/// reader here turns into ops (Rails, Django, Alembic).
pub fn is_code_framework(f: Framework) -> bool {
    matches!(f, Framework::Rails | Framework::Django | Framework::Alembic)
}

/// The ops of a migration written as code, and their lines.
fn code_ops(framework: Framework, path: &str, text: &str) -> Vec<Located> {
    match framework {
        Framework::Rails => rails::read(text),
        Framework::Django => django::read(path, text),
        Framework::Alembic => alembic::read(text),
        _ => Vec::new(),
    }
}

/// Judge `new` (a set's new migrations, in the framework's order: path and
/// text) as one branch adds them.
pub fn lint_set(framework: Framework, declared: Option<Dialect>, new: &[(&str, &str)]) -> SetLint {
    if is_code_framework(framework) {
        let read: Vec<(&str, Vec<Located>)> = new
            .iter()
            .map(|(path, text)| (*path, code_ops(framework, path, text)))
            .collect();
        let mut lint = SetLint {
            dialect: declared,
            ..SetLint::default()
        };
        if declared != Some(Dialect::Other) {
            judge_set(&mut lint, framework, &read);
        }
        return lint;
    }
    let mut lint = SetLint::default();
    if !is_sql_framework(framework) {
        return lint;
    }
    let scripts: Vec<(&str, String)> = new
        .iter()
        .filter(|(path, _)| is_up_script(path))
        .map(|(path, text)| (*path, up_section(framework, text)))
        .collect();
    let dialect =
        declared.or_else(|| dialect::from_statements(scripts.iter().map(|(_, t)| t.as_str())));
    lint.dialect = dialect;
    if dialect == Some(Dialect::Other) {
        return lint;
    }
    let read: Vec<(&str, Vec<Located>)> = scripts
        .iter()
        .map(|(path, text)| {
            let r = sql::read(text, dialect);
            lint.files
                .push((path.to_string(), r.statements, r.unparsed.clone()));
            (*path, r.ops)
        })
        .collect();
    judge_set(&mut lint, framework, &read);
    lint
}

/// The verdicts on a set's new migrations' ops, in migration order.
fn judge_set(lint: &mut SetLint, framework: Framework, read: &[(&str, Vec<Located>)]) {
    let dialect = lint.dialect;
    // Tables created so far on the branch, in migration order.
    let mut created = BTreeSet::new();
    for (path, ops) in read {
        for (i, located) in ops.iter().enumerate() {
            if is_new_table(&mut created, &located.op) || is_redefined(located, &ops[i + 1..], ops)
            {
                continue;
            }
            if let Some((rule, message, help)) = advice::judge(framework, dialect, &located.op) {
                lint.verdicts.push(Verdict {
                    rule,
                    path: path.to_string(),
                    line: located.line,
                    message,
                    help,
                });
            }
        }
    }
}

/// Tables are compared case-insensitively: a miss only costs an exemption.
fn key(name: &str) -> String {
    name.to_lowercase()
}

/// Whether `op` acts on a table an earlier statement of the branch created
/// or emptied (its rows are all new), recording the tables `op` creates or
/// empties: a new one, an emptied one, or
/// a new one renamed (a rebuilt table: `CREATE TABLE new_t … ALTER TABLE
/// new_t RENAME TO t`).
fn is_new_table(created: &mut BTreeSet<String>, op: &Op) -> bool {
    match op {
        Op::CreateTable { table } | Op::EmptyTable { table } => {
            created.insert(key(table));
            true
        }
        Op::RenameTable { from, to } if created.contains(&key(from)) => {
            created.insert(key(to));
            true
        }
        other => created.contains(&key(other.table())),
    }
}

/// A `DROP TABLE t` that a later statement of the same migration replaces
/// by renaming a new table to `t` (Prisma's SQLite table rebuild): the
/// table's data is copied into the new one, nothing is lost.
fn is_redefined(l: &Located, rest: &[Located], all: &[Located]) -> bool {
    let Op::DropTable { table } = &l.op else {
        return false;
    };
    rest.iter().any(|r| {
        matches!(&r.op, Op::RenameTable { from, to } if key(to) == key(table)
            && all.iter().any(|c| matches!(&c.op, Op::CreateTable { table } if key(table) == key(from))))
    })
}

/// golang-migrate's and sqlx's `.down.sql`, Diesel's `down.sql`, goose's Go
/// migrations: not what a deploy runs.
pub(crate) fn is_up_script(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".sql") && name != "down.sql" && !name.contains(".down.")
}

/// The part of the file a deploy runs, line numbers kept: for goose the
/// `-- +goose Up` section (other lines blanked); for Drizzle all of it
/// without its `--> statement-breakpoint` markers, which drizzle-kit splits
/// on and the database never sees (MySQL would not read `-->` as a comment).
pub(crate) fn up_section(framework: Framework, text: &str) -> String {
    match framework {
        Framework::Goose => goose_up(text),
        Framework::DrizzleJournal | Framework::DrizzleFolders => {
            text.replace("--> statement-breakpoint", ";")
        }
        _ => text.to_string(),
    }
}

fn goose_up(text: &str) -> String {
    let mut up = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let directive = line.trim().to_ascii_lowercase();
        if let Some(rest) = directive.strip_prefix("-- +goose ") {
            match rest.trim() {
                "up" => up = true,
                "down" => up = false,
                _ => {}
            }
        }
        if up {
            out.push_str(line);
        } else if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}
