//! Prisma: `<dir>/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql` plus
//! `migration_lock.toml`. The schema is `schema.prisma` (or a folder of
//! `*.prisma`) next to the migrations, or wherever `package.json`
//! `"prisma": {"schema": …}` or `prisma.config.ts` (`schema`,
//! `migrations.path`) puts it.

use super::files::{file_name, join, parent, resolve, Repo};
use super::problems::problem;
use super::text::{js_object, js_prop, line_at, re};
use super::Claimed;
use crate::migrations::{Framework, LayoutProblem, Migration, MigrationSet};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// A `datasource <name> { … }` block. Twice: Unicode's `\w` made this the
/// costliest pattern to build (0.6 ms) on schemas that are nearly always
/// ASCII, where the ASCII form finds the same.
const DATASOURCE_SOURCE: &str = r"(?m)^[ \t]*datasource[ \t]+\w+[ \t]*\{([^}]*)\}";
pub(super) static DATASOURCE: LazyLock<Regex> = LazyLock::new(|| re(DATASOURCE_SOURCE));
static DATASOURCE_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(&format!("(?-u){DATASOURCE_SOURCE}"))
        .expect("migration discovery patterns are valid")
});

/// The body of the first `datasource` block of a schema.
pub(super) fn datasource_block(text: &str) -> Option<&str> {
    if text.is_ascii() {
        let caps = DATASOURCE_ASCII.captures(text.as_bytes())?;
        return caps.get(1).map(|m| &text[m.range()]);
    }
    DATASOURCE.captures(text)?.get(1).map(|m| m.as_str())
}
static PROVIDER: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)^[ \t]*provider[ \t]*=[ \t]*"([^"\n]*)""#));
/// The lock file's provider line as the engine reads it: the first line
/// starting with `provider`.
static LOCK_PROVIDER: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)^provider[ \t]*=[ \t]*"([^"\n]*)"[ \t]*\r?$"#));

/// Where a config file puts the schema and the migrations.
struct Config {
    schema: Option<String>,
    migrations: Option<String>,
}

impl Config {
    /// The migrations directory this config implies.
    fn migrations_dir(&self) -> Option<String> {
        if let Some(m) = &self.migrations {
            return Some(m.clone());
        }
        let s = self.schema.as_deref()?;
        Some(if s.ends_with(".prisma") {
            join(parent(s), "migrations")
        } else {
            join(s, "migrations")
        })
    }
}

fn configs(repo: &Repo) -> Vec<Config> {
    let mut out = Vec::new();
    for (path, text) in repo.all() {
        let name = file_name(path);
        let base = parent(path);
        if name == "package.json" {
            let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
                continue;
            };
            if let Some(s) = json.pointer("/prisma/schema").and_then(|v| v.as_str()) {
                out.push(Config {
                    schema: resolve(base, s),
                    migrations: None,
                });
            }
        } else if name.starts_with("prisma.config.") {
            let schema = js_prop(text, "schema")
                .and_then(|v| v.into_iter().next())
                .and_then(|s| resolve(base, &s));
            let migrations = js_object(text, "migrations")
                .and_then(|o| js_prop(o, "path"))
                .and_then(|v| v.into_iter().next())
                .and_then(|s| resolve(base, &s));
            if schema.is_some() || migrations.is_some() {
                out.push(Config { schema, migrations });
            }
        }
    }
    out
}

/// Does some sub-directory of `dir` hold a `migration.sql`?
fn has_migration_sql(repo: &Repo, dir: &str) -> bool {
    repo.subdirs(dir)
        .values()
        .any(|files| files.contains(&"migration.sql"))
}

/// A Drizzle 1.0 folder: sub-folders with `snapshot.json`, or a journal.
fn looks_drizzle(repo: &Repo, dir: &str) -> bool {
    repo.exists(&join(dir, "meta/_journal.json"))
        || repo
            .subdirs(dir)
            .values()
            .any(|files| files.contains(&"snapshot.json"))
}

pub(super) fn discover(repo: &Repo, claimed: &mut Claimed) -> Vec<MigrationSet> {
    let configs = configs(repo);
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for (path, _) in repo.all() {
        let name = file_name(path);
        if name == "migration_lock.toml" {
            dirs.insert(parent(path).to_string());
        } else if name.ends_with(".prisma") {
            let d = join(parent(path), "migrations");
            if has_migration_sql(repo, &d) && !looks_drizzle(repo, &d) {
                dirs.insert(d);
            }
        }
    }
    for c in &configs {
        if let Some(d) = c.migrations_dir() {
            if has_migration_sql(repo, &d) && !looks_drizzle(repo, &d) {
                dirs.insert(d);
            }
        }
    }
    let mut sets = Vec::new();
    for dir in dirs {
        if claimed.contains(&dir) {
            continue;
        }
        let schema_files = schema_files(repo, &dir, &configs);
        sets.push(set_for(repo, &dir, schema_files));
        claimed.insert(dir);
    }
    sets
}

fn schema_files(repo: &Repo, dir: &str, configs: &[Config]) -> Vec<String> {
    let prisma_under = |d: &str| -> Vec<String> {
        repo.under(d)
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| p.ends_with(".prisma") && !p.starts_with(&format!("{dir}/")))
            .map(str::to_string)
            .collect()
    };
    for c in configs {
        if c.migrations_dir().as_deref() == Some(dir) {
            if let Some(s) = &c.schema {
                return if s.ends_with(".prisma") {
                    vec![s.clone()]
                } else {
                    prisma_under(s)
                };
            }
        }
    }
    let base = parent(dir);
    let direct: Vec<String> = repo
        .children(base)
        .into_iter()
        .filter(|(n, _, _)| n.ends_with(".prisma"))
        .map(|(_, p, _)| p.to_string())
        .collect();
    if !direct.is_empty() {
        return direct;
    }
    prisma_under(&join(base, "schema"))
}

fn set_for(repo: &Repo, dir: &str, schema_files: Vec<String>) -> MigrationSet {
    let mut migrations = Vec::new();
    let mut problems = Vec::new();
    for (sub, files) in repo.subdirs(dir) {
        if sub.starts_with('.') {
            continue;
        }
        if files.contains(&"migration.sql") {
            migrations.push(Migration {
                id: sub.to_string(),
                name: sub.to_string(),
                order_key: Some(sub.to_string()),
                files: vec![format!("{}/migration.sql", join(dir, sub))],
            });
        } else {
            let folder = join(dir, sub);
            problems.push(problem(
                &folder,
                None,
                format!(
                    "Prisma migration folder `{sub}` has no migration.sql \
                     (`prisma migrate deploy` stops with P3015)"
                ),
                format!(
                    "add the migration's SQL as `{folder}/migration.sql`, or delete the \
                     folder if it is a leftover (e.g. of a renamed migration)"
                ),
            ));
        }
    }
    problems.extend(duplicate_timestamps(&migrations));
    problems.extend(provider_mismatch(repo, dir, &schema_files));
    MigrationSet {
        framework: Framework::Prisma,
        dir: dir.to_string(),
        migrations,
        schema_files,
        problems,
    }
}

/// The 14-digit timestamp a migration folder starts with.
fn timestamp(name: &str) -> Option<&str> {
    let ts = name.get(..14)?;
    let rest = name.get(14..)?;
    (ts.bytes().all(|b| b.is_ascii_digit()) && (rest.is_empty() || rest.starts_with('_')))
        .then_some(ts)
}

/// Two folders sharing a timestamp. Prisma names a migration by its whole
/// folder name and applies them in name order, so this is legal, and such
/// pairs ship in real apps, already applied (renaming one would make Prisma
/// see a new migration). Only a branch that adds such a folder is told, as
/// a warning: its order against the other now rests on the names' tails.
/// Which one runs first is not claimed: Prisma's own comparison (the CLI
/// sorts with `localeCompare`) is not byte order.
fn duplicate_timestamps(migrations: &[Migration]) -> Vec<LayoutProblem> {
    let mut first: std::collections::BTreeMap<&str, &Migration> = Default::default();
    let mut out = Vec::new();
    for m in migrations {
        let Some(ts) = timestamp(&m.name) else {
            continue;
        };
        let Some(earlier) = first.get(ts).copied() else {
            first.insert(ts, m);
            continue;
        };
        let mut p = super::problems::problem(
            m.files.first().map_or("", String::as_str),
            None,
            format!(
                "Prisma migration timestamp {ts} is used by both `{}` and `{}`: their order rests on the rest of the folder names, not on when they were written",
                earlier.name, m.name
            ),
            format!(
                "if `{}` is the newer one and not deployed yet, give it a later timestamp (rename the folder before it reaches any database)",
                m.name
            ),
        );
        p.only_when_new = Some(earlier.files.iter().chain(&m.files).cloned().collect());
        out.push(p);
    }
    out
}

fn provider_mismatch(repo: &Repo, dir: &str, schema_files: &[String]) -> Option<LayoutProblem> {
    let lock = join(dir, "migration_lock.toml");
    let lock_text = repo.text(&lock)?;
    let caps = LOCK_PROVIDER.captures(lock_text)?;
    let lock_provider = caps.get(1)?;
    let (schema_file, schema_provider) = schema_files.iter().find_map(|f| {
        let text = repo.text(f)?;
        let block = datasource_block(text)?;
        let p = PROVIDER.captures(block)?.get(1)?.as_str();
        Some((f.as_str(), p))
    })?;
    // `postgres` is the schema language's alias; the engine compares the
    // connector's canonical name.
    let canonical = if schema_provider == "postgres" {
        "postgresql"
    } else {
        schema_provider
    };
    if canonical == lock_provider.as_str() {
        return None;
    }
    let lp = lock_provider.as_str();
    Some(problem(
        &lock,
        Some(line_at(lock_text, lock_provider.start())),
        format!(
            "{lock} records provider `{lp}` but the datasource in {schema_file} uses \
             `{schema_provider}` (`prisma migrate` stops with P3019)"
        ),
        format!(
            "set the datasource provider in {schema_file} back to `{lp}`; if the database \
             really moved to {canonical}, start a new migration history for it (move {dir} \
             aside and run `npx prisma migrate dev --name init`)"
        ),
    ))
}
