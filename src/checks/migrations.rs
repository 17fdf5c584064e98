//! Migration rules: `migrations/layout` (static), `migrations/edited`,
//! `migrations/out-of-order`, `migrations/schema-without-migration` (against
//! the base branch), and `migrations/pending`, `migrations/failed`,
//! `migrations/checksum-mismatch`, `migrations/unknown-applied` (live, with
//! `--database-url`). Docs: `docs/rules/migrations-*.md`.

use super::repo::{RepoCheck, RepoFacts};
use super::Context;
use crate::finding::{Finding, Span};
use crate::git::{Change, Diff};
use crate::lexer::Lang;
use crate::migrations::history::{SchemaChange, SetHistory};
use crate::migrations::live::LiveState;
use crate::migrations::{normalize, Framework, MigrationSet};
use crate::rules::{Area, Judged, Level, Rule};
use std::collections::BTreeSet;

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const PENDING: Rule = Rule {
    id: "migrations/pending",
    default_level: Some(Level::Error),
    area: Area::Migrations,
    judged: Judged::State,
    summary: "(live) a migration in the repository the database has not applied",
    options: &[],
    doc: crate::rule_doc!("migrations-pending"),
    module: module_path!(),
};

pub const FAILED: Rule = Rule {
    id: "migrations/failed",
    default_level: Some(Level::Error),
    area: Area::Migrations,
    judged: Judged::State,
    summary: "(live) a migration recorded as failed or unfinished (Prisma P3009, golang-migrate dirty, sqlx/Flyway `success = false`)",
    options: &[],
    doc: crate::rule_doc!("migrations-failed"),
    module: module_path!(),
};

pub const CHECKSUM_MISMATCH: Rule = Rule {
    id: "migrations/checksum-mismatch",
    default_level: Some(Level::Error),
    area: Area::Migrations,
    judged: Judged::State,
    summary: "(live) an applied migration whose file changed since it ran",
    options: &[],
    doc: crate::rule_doc!("migrations-checksum-mismatch"),
    module: module_path!(),
};

pub const UNKNOWN_APPLIED: Rule = Rule {
    id: "migrations/unknown-applied",
    default_level: Some(Level::Error),
    area: Area::Migrations,
    judged: Judged::State,
    summary: "(live) a migration applied in the database that no file in the repository matches",
    options: &[],
    doc: crate::rule_doc!("migrations-unknown-applied"),
    module: module_path!(),
};

pub const SCHEMA_WITHOUT_MIGRATION: Rule = Rule {
    id: "migrations/schema-without-migration",
    default_level: Some(Level::Error),
    area: Area::Migrations,
    judged: Judged::Lines,
    summary: "a schema change (Prisma schema, `schema.rb`, Drizzle schema, Django models) with no new migration",
    options: &[],
    doc: crate::rule_doc!("migrations-schema-without-migration"),
    module: module_path!(),
};

pub const EDITED: Rule = Rule {
    id: "migrations/edited",
    default_level: Some(Level::Error),
    area: Area::Migrations,
    judged: Judged::Lines,
    summary: "a migration already on the base branch modified or deleted on this branch",
    options: &[],
    doc: crate::rule_doc!("migrations-edited"),
    module: module_path!(),
};

pub const OUT_OF_ORDER: Rule = Rule {
    id: "migrations/out-of-order",
    default_level: Some(Level::Warning),
    area: Area::Migrations,
    judged: Judged::Lines,
    summary: "a new migration that sorts before the newest one on the base branch",
    options: &[],
    doc: crate::rule_doc!("migrations-out-of-order"),
    module: module_path!(),
};

pub const LAYOUT: Rule = Rule {
    id: "migrations/layout",
    default_level: Some(Level::Error),
    area: Area::Migrations,
    judged: Judged::Lines,
    summary: "a broken migrations directory: duplicate versions or Rails class names, Prisma P3015/P3019, Alembic multiple heads or a missing parent, Django conflicts or no `__init__.py`, Drizzle journal gaps (warnings for what a branch adds: a stale `schema.rb`, shared timestamps, a snapshot collision)",
    options: &[],
    doc: crate::rule_doc!("migrations-layout"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[
    &PENDING,
    &FAILED,
    &CHECKSUM_MISMATCH,
    &UNKNOWN_APPLIED,
    &super::database::missing_index::MISSING_INDEX,
    &SCHEMA_WITHOUT_MIGRATION,
    &EDITED,
    &OUT_OF_ORDER,
    &LAYOUT,
];

pub struct MigrationRules;

impl RepoCheck for MigrationRules {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        for (i, set) in facts.migration_sets.iter().enumerate() {
            layout(set, facts.set_history.get(i), ctx, out);
        }
        // No history to compare with is said by `scan/git-history`
        // (checks/history.rs).
        if let Some(Ok(diff)) = facts.history {
            for (set, hist) in facts.migration_sets.iter().zip(facts.set_history) {
                against_base(set, diff, hist, ctx, out);
            }
        }
        if let Some(live) = facts.live {
            live_rules(facts, live, ctx, out);
        }
    }
}

/// A finding of `rule` at `path`'s `line`, at the level the settings give
/// it (`None` when the rule is off). Also the migration lints'.
pub(super) fn at(
    rule: &'static Rule,
    ctx: &Context,
    path: &str,
    line: Option<u32>,
    message: String,
    help: String,
) -> Option<Finding> {
    let level = ctx.settings.level(rule)?;
    let mut f = Finding::new(rule, level, message, help);
    f.path = Some(path.to_string());
    f.span = line.map(|l| Span {
        line: l,
        column: 1,
        end_line: l,
        end_column: 1,
    });
    Some(f)
}

/// `migrations/layout`: what the framework rejects or misorders, at the
/// rule's level; what is legal but risky to add (`only_when_new`), as a
/// warning and only when the branch added it (no history: nothing).
fn layout(set: &MigrationSet, hist: Option<&SetHistory>, ctx: &Context, out: &mut Vec<Finding>) {
    for p in &set.problems {
        let warning_only = match (&p.only_when_new, hist) {
            (None, _) => false,
            (Some(files), Some(h)) if files.iter().any(|f| !h.base_files.contains(f)) => true,
            (Some(_), _) => continue,
        };
        let before = out.len();
        out.extend(at(
            &LAYOUT,
            ctx,
            &p.path,
            p.line,
            format!("{}: {}", set.framework.name(), p.message),
            p.help.clone(),
        ));
        if warning_only {
            for f in &mut out[before..] {
                f.level = f.level.min(Level::Warning);
            }
        }
    }
}

/// Files that live in a migrations directory without being migrations.
fn is_bookkeeping(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "migration_lock.toml"
        || name == "_journal.json"
        || name.ends_with("_snapshot.json")
        || name == "snapshot.json"
        || name == "__init__.py"
        || name.starts_with('.')
        || name.to_ascii_lowercase().starts_with("readme")
        || path.contains("__pycache__/")
        || !matches!(
            name.rsplit('.').next(),
            Some("sql" | "py" | "rb" | "js" | "ts" | "cjs" | "mjs" | "go")
        )
}

fn against_base(
    set: &MigrationSet,
    diff: &Diff,
    hist: &SetHistory,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    let prefix = format!("{}/", set.dir);
    let base_files = &hist.base_files;
    let base_short = &diff.base;

    // Edited or deleted after merge.
    for (change, path) in &diff.changes {
        if !path.starts_with(&prefix) || is_bookkeeping(path) || *change == Change::Added {
            continue;
        }
        let what = if *change == Change::Deleted {
            "deleted"
        } else {
            "modified"
        };
        let message = format!("{path} is a migration already on {base_short} and this branch {what} it: databases that ran it will never run the new version");
        let help = format!(
            "restore it (`git checkout {} -- {path}`) and put the change in a new migration",
            diff.merge_base.get(..12).unwrap_or(&diff.merge_base)
        );
        let line = hist.first_changed.get(path).copied().flatten();
        out.extend(at(&EDITED, ctx, path, line, message, help));
    }

    // New migrations, and the newest one already on the base branch.
    let is_new = |m: &crate::migrations::Migration| {
        m.files
            .first()
            .is_some_and(|f| diff.status(f) == Some(Change::Added))
    };
    let new: Vec<_> = set.migrations.iter().filter(|m| is_new(m)).collect();
    let newest_on_base = set
        .migrations
        .iter()
        .filter(|m| m.files.first().is_some_and(|f| base_files.contains(f)))
        .filter_map(|m| m.order_key.as_deref().map(|k| (k, m)))
        .max_by(|a, b| a.0.cmp(b.0));
    if let Some((newest_key, newest)) = newest_on_base {
        for m in &new {
            if m.order_key.as_deref().is_some_and(|k| k < newest_key) {
                let path = m.files.first().map_or(set.dir.as_str(), String::as_str);
                let message = format!("new migration {} sorts before {}, the newest on {base_short}: it runs out of order, or never, on databases already past it", m.name, newest.name);
                let help = format!("regenerate it so it sorts last (a new timestamp/version after {}), e.g. rename it with a current timestamp", newest.name);
                out.extend(at(&OUT_OF_ORDER, ctx, path, None, message, help));
            }
        }
    }

    // Schema changed, no migration added (for Prisma: none that touches
    // what changed).
    for (schema, change) in &hist.schemas {
        if !schema_change_matters(set.framework, schema, change) {
            continue;
        }
        let uncovered = if new.is_empty() {
            Some(format!("no migration was added to {}", set.dir))
        } else if set.framework == Framework::Prisma {
            let names = prisma_changed_names(&change.changed_lines);
            let sql: String = new
                .iter()
                .filter_map(|m| m.files.first())
                .filter_map(|f| hist.new_migration_text.get(f))
                .map(|t| t.to_ascii_lowercase())
                .collect();
            let covered =
                names.is_empty() || names.iter().any(|n| sql.contains(&n.to_ascii_lowercase()));
            (!covered).then(|| {
                format!(
                    "none of the migrations added to {} touches {}",
                    set.dir,
                    names.join(", ")
                )
            })
        } else {
            None
        };
        let Some(what) = uncovered else { continue };
        let line = change.first_changed_line;
        let message = format!("{schema} changed on this branch but {what}");
        let help = match set.framework {
            Framework::Prisma => {
                "run `npx prisma migrate dev --name <change>` and commit the new migration folder"
                    .to_string()
            }
            Framework::Rails => {
                "run `bin/rails generate migration …` for the change and commit it with schema.rb"
                    .to_string()
            }
            Framework::Django => {
                "run `python manage.py makemigrations` and commit the new migration".to_string()
            }
            Framework::DrizzleJournal | Framework::DrizzleFolders => {
                "run `npx drizzle-kit generate` and commit the new migration".to_string()
            }
            f => format!("add a {} migration for the schema change", f.name()),
        };
        out.extend(at(
            &SCHEMA_WITHOUT_MIGRATION,
            ctx,
            schema,
            line,
            message,
            help,
        ));
    }
}

/// Names a Prisma schema change is about, from its changed lines: the field
/// or model a line declares and any `@map`/`@@map` name. A migration for the
/// change mentions at least one of them.
fn prisma_changed_names(lines: &[String]) -> Vec<String> {
    let mut names = BTreeSet::new();
    for line in lines {
        let code = line.split("//").next().unwrap_or("").trim();
        let mut words = code
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty());
        match words.next() {
            Some("model" | "enum" | "view" | "type") => {
                names.extend(words.next().map(String::from))
            }
            Some("datasource" | "generator") | None => {}
            Some(first) if !code.starts_with('@') => {
                names.insert(first.to_string());
            }
            Some(_) => {}
        }
        for (i, _) in code.match_indices("map(") {
            let rest = &code[i + 4..];
            if let Some(name) = rest.split('"').nth(1) {
                names.insert(name.to_string());
            }
        }
        if let Some(args) = code
            .strip_prefix("@@")
            .and_then(|c| c.split_once('['))
            .map(|(_, a)| a)
        {
            names.extend(
                args.split([',', ']', ' '])
                    .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || c == '_'))
                    .map(String::from),
            );
        }
    }
    names.into_iter().collect()
}

/// Whether the schema file's change reaches the database, judged by the
/// framework: Prisma and code schemas compared without comments and layout;
/// Django by the changed lines.
fn schema_change_matters(framework: Framework, path: &str, change: &SchemaChange) -> bool {
    let (base, head) = (&change.base, &change.head);
    match framework {
        Framework::Prisma => normalize::prisma(base) != normalize::prisma(head),
        Framework::Django => change
            .changed_lines
            .iter()
            .any(|l| normalize::django_line_matters(l)),
        _ => {
            let lang =
                Lang::from_file_name(path.rsplit('/').next().unwrap_or(path)).unwrap_or(Lang::Text);
            normalize::code(lang, base) != normalize::code(lang, head)
        }
    }
}

fn live_rules(
    facts: &RepoFacts,
    live: &crate::migrations::live::LiveReport,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    for f in &live.findings {
        let db = live.database_of(&f.set_dir, facts.database_label);
        let (rule, message, help) = match &f.state {
            LiveState::Pending => (
                &PENDING,
                format!("{} migration {} is not applied to {db}", f.framework.name(), f.migration_name),
                deploy_command(f.framework),
            ),
            LiveState::NoTrackingTable { table } => (
                &PENDING,
                format!("{} migration {} is not applied to {db}: its tracking table {table} does not exist there, although other migration sets' tables do", f.framework.name(), f.migration_name),
                format!("{}; if this set uses another database, map it in .shipcheck.yml (`migrations: database-url-env:`), or leave it out of the live checks (`migrations: not-live:`)", deploy_command(f.framework)),
            ),
            LiveState::Failed { detail } => (
                &FAILED,
                format!("{} migration {} is recorded as failed in {db} ({detail}): later deploys will refuse to migrate", f.framework.name(), f.migration_name),
                resolve_command(f.framework, &f.migration_name),
            ),
            LiveState::ChecksumMismatch => (
                &CHECKSUM_MISMATCH,
                format!("{} migration {} was applied to {db} but its file has changed since", f.framework.name(), f.migration_name),
                "restore the file to what was applied (see `git log -p` for it) and put the change in a new migration".to_string(),
            ),
            LiveState::UnknownApplied => (
                &UNKNOWN_APPLIED,
                format!("{db} has {} migration {} applied, but the repository has no such migration", f.framework.name(), f.migration_name),
                "restore the missing migration file from the branch that applied it, or check that --database-url points at this app's database".to_string(),
            ),
        };
        let path = f.path.clone().unwrap_or_else(|| f.set_dir.clone());
        out.extend(at(rule, ctx, &path, None, message, help));
    }
}

fn deploy_command(framework: Framework) -> String {
    match framework {
        Framework::Prisma => "run `npx prisma migrate deploy` as part of the deploy",
        Framework::Sqlx => "run `sqlx migrate run` as part of the deploy",
        Framework::GolangMigrate => {
            "run `migrate -path … -database $DATABASE_URL up` as part of the deploy"
        }
        Framework::Goose => "run `goose up` as part of the deploy",
        Framework::Flyway => "run `flyway migrate` as part of the deploy",
        Framework::Rails => "run `bin/rails db:migrate` as part of the deploy",
        Framework::Django => "run `python manage.py migrate` as part of the deploy",
        Framework::Alembic => "run `alembic upgrade head` as part of the deploy",
        Framework::Knex => "run `npx knex migrate:latest` as part of the deploy",
        Framework::Sequelize => "run `npx sequelize-cli db:migrate` as part of the deploy",
        Framework::TypeOrm => "run `npx typeorm migration:run` as part of the deploy",
        Framework::Diesel => "run `diesel migration run` as part of the deploy",
        Framework::DrizzleJournal | Framework::DrizzleFolders => {
            "run `npx drizzle-kit migrate` as part of the deploy"
        }
    }
    .to_string()
}

fn resolve_command(framework: Framework, name: &str) -> String {
    match framework {
        Framework::Prisma => format!("fix the cause, then `npx prisma migrate resolve --rolled-back {name}` (or `--applied` if you completed it by hand) and deploy again"),
        Framework::GolangMigrate => "fix the schema by hand, then `migrate force <last good version>` and run up again".to_string(),
        Framework::Flyway => "fix the cause, then `flyway repair` and migrate again".to_string(),
        Framework::Sqlx => "fix the schema by hand, delete the failed row from _sqlx_migrations, and run `sqlx migrate run` again".to_string(),
        f => format!("fix the cause and re-run the {} migration", f.name()),
    }
}
