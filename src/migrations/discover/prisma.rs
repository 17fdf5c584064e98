//! Prisma: `<dir>/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql` plus
//! `migration_lock.toml`. The schema is `schema.prisma` (or a folder of
//! `*.prisma`) next to the migrations, or wherever `package.json`
//! `"prisma": {"schema": …}` or `prisma.config.ts` (`schema`,
//! `migrations.path`) puts it.

use super::files::{file_name, join, parent, resolve, Repo};
use super::problems::problem;
use super::text::{blanks, js_object, js_prop, line_at, lines, re};
use super::Claimed;
use crate::migrations::{Framework, LayoutProblem, Migration, MigrationSet};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// A `datasource <name> { … }` block: its pattern, for a schema whose
/// datasource is named beyond ASCII (Unicode's `\w`); the others, nearly
/// all, are read by hand ([`datasource_block`]), as the patterns below:
/// compiling the three was most of migration discovery on a Prisma app.
pub(super) static DATASOURCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*datasource[ \t]+\w+[ \t]*\{([^}]*)\}"));

/// After `key` at `at`: blanks, `=`, blanks and a quoted value on the
/// line ending at `end`; the value's span.
fn quoted_value(b: &[u8], at: usize, key: &str, end: usize) -> Option<(usize, usize)> {
    b[at..end].starts_with(key.as_bytes()).then_some(())?;
    let eq = blanks(b, at + key.len());
    (eq < end && b[eq] == b'=').then_some(())?;
    let open = blanks(b, eq + 1);
    (open < end && b[open] == b'"').then_some(())?;
    let len = memchr::memchr(b'"', &b[open + 1..end])?;
    Some((open + 1, open + 1 + len))
}

/// The body of the first `datasource` block of a schema, as [`DATASOURCE`]
/// finds it. A name is read as ASCII word characters; a `datasource` line
/// whose name goes on beyond ASCII is left to the pattern (a schema that
/// is not ASCII only in its comments, documenso's, no longer compiles it:
/// a millisecond).
pub(super) fn datasource_block(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    for (start, _) in lines(text) {
        let at = blanks(b, start);
        if !b[at..].starts_with(b"datasource") {
            continue;
        }
        let name = blanks(b, at + "datasource".len());
        let name_end = name
            + b[name..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
        if name == at + "datasource".len() {
            continue;
        }
        if b.get(name_end).is_some_and(|c| !c.is_ascii()) {
            return DATASOURCE.captures(text)?.get(1).map(|m| m.as_str());
        }
        let open = blanks(b, name_end);
        if name_end == name || b.get(open) != Some(&b'{') {
            continue;
        }
        let len = memchr::memchr(b'}', &b[open + 1..])?;
        return Some(&text[open + 1..open + 1 + len]);
    }
    None
}

/// The value of the first `provider = "…"` line of a datasource block (as
/// `PROVIDER` in the tests matches).
fn block_provider(block: &str) -> Option<&str> {
    let b = block.as_bytes();
    lines(block)
        .find_map(|(start, end)| quoted_value(b, blanks(b, start), "provider", end))
        .map(|(s, e)| &block[s..e])
}

/// The lock file's provider as the engine reads it: the first line
/// starting with `provider` and holding only its quoted value (as
/// `LOCK_PROVIDER` in the tests matches); the value's span.
fn lock_provider(lock: &str) -> Option<(usize, usize)> {
    let b = lock.as_bytes();
    lines(lock).find_map(|(start, end)| {
        let value = quoted_value(b, start, "provider", end)?;
        let rest = &b[blanks(b, value.1 + 1).min(end)..end];
        (rest.is_empty() || rest == b"\r").then_some(value)
    })
}

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
    let (lock_start, lock_end) = lock_provider(lock_text)?;
    let lock_value = &lock_text[lock_start..lock_end];
    let (schema_file, schema_provider) = schema_files.iter().find_map(|f| {
        let text = repo.text(f)?;
        let p = block_provider(datasource_block(text)?)?;
        Some((f.as_str(), p))
    })?;
    // `postgres` is the schema language's alias; the engine compares the
    // connector's canonical name.
    let canonical = if schema_provider == "postgres" {
        "postgresql"
    } else {
        schema_provider
    };
    if canonical == lock_value {
        return None;
    }
    let lp = lock_value;
    Some(problem(
        &lock,
        Some(line_at(lock_text, lock_start)),
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

#[cfg(test)]
mod hand_tests {
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// What [`super::block_provider`] finds, as a pattern.
    static PROVIDER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^[ \t]*provider[ \t]*=[ \t]*"([^"\n]*)""#).expect("valid pattern")
    });
    /// What [`super::lock_provider`] finds, as a pattern.
    static LOCK_PROVIDER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^provider[ \t]*=[ \t]*"([^"\n]*)"[ \t]*\r?$"#).expect("valid pattern")
    });

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "provider",
                "providers",
                "datasource",
                "db",
                " ",
                "\t",
                "\n",
                "\r",
                "\r\n",
                "=",
                "\"",
                "\"postgresql\"",
                "x",
                "é",
                "{",
                "}",
                "#",
                "provider = \"mysql\"\n",
                "  provider=\"sqlite\" ",
                "url = env(\"DATABASE_URL\")",
                "provider = \"pg\" x",
                "provider = \"pg\"\r",
                "provider = \"pg\" \t",
                "provider =\"pg\"\r ",
            ]),
            0..14,
        )
        .prop_map(|p| p.concat())
    }

    #[test]
    fn lock_providers() {
        assert_eq!(
            super::lock_provider("# x\nprovider = \"postgresql\"\r\n"),
            Some((16, 26))
        );
        assert_eq!(super::lock_provider("provider = \"mysql\" # no\n"), None);
        assert_eq!(super::lock_provider("  provider = \"mysql\"\n"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn providers_are_the_patterns(text in text()) {
            prop_assert_eq!(
                super::block_provider(&text),
                PROVIDER.captures(&text).and_then(|c| c.get(1)).map(|m| m.as_str()),
                "{:?}", text
            );
            prop_assert_eq!(
                super::lock_provider(&text),
                LOCK_PROVIDER.captures(&text).and_then(|c| c.get(1)).map(|m| (m.start(), m.end())),
                "{:?}", text
            );
            prop_assert_eq!(
                super::datasource_block(&text),
                super::DATASOURCE.captures(&text).and_then(|c| c.get(1)).map(|m| m.as_str()),
                "{:?}", text
            );
        }
    }
}
