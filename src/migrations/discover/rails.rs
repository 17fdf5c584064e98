//! Rails / ActiveRecord: `db/migrate/<version>_<name>.rb` (recursively, an
//! optional `.<scope>` before `.rb`; multi-database `db/<name>_migrate`),
//! with the schema dump `db/schema.rb` or `db/structure.sql` beside it.

use super::files::{file_name, join, parent, Repo};
use super::problems::{duplicates, problem};
use super::text::{line_at, pad20, re, strip_zeros};
use crate::migrations::{Framework, LayoutProblem, Migration, MigrationSet};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The version of an `ActiveRecord::Migrator` file name
/// (`<version>_<name>[.<scope>].rb`), as `^([0-9]+)_([_a-z0-9]*)\.?([_a-z0-9]*)?\.rb$`
/// takes it (`MIGRATION_NAME` in the tests, which hold the two equal). By
/// hand, as the next: each regex was compiled in every Rails app's run.
fn migration_version(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".rb")?;
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    let rest = stem[digits..].strip_prefix('_')?;
    let named = |c: u8| c == b'_' || c.is_ascii_lowercase() || c.is_ascii_digit();
    (digits > 0
        && rest.bytes().filter(|&c| c == b'.').count() <= 1
        && rest.bytes().all(|c| c == b'.' || named(c)))
    .then(|| &stem[..digits])
}

/// Where the version of the schema dump's
/// `ActiveRecord::Schema[7.1].define(version: 2024_01_02_030405)` is, as
/// the first match of
/// `ActiveRecord::Schema(?:\[[0-9.]+\])?\.define\(\s*version:\s*([0-9][0-9_]*)\s*\)`
/// gives its group (`DEFINE_VERSION` in the tests, which hold the two
/// equal; `\s` is Unicode's white space).
fn define_version(text: &str) -> Option<std::ops::Range<usize>> {
    let blanks = |i: usize| {
        i + text[i..]
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(char::len_utf8)
            .sum::<usize>()
    };
    let b = text.as_bytes();
    let head = "ActiveRecord::Schema";
    memchr::memmem::find_iter(b, head).find_map(|at| {
        let mut i = at + head.len();
        if b.get(i) == Some(&b'[') {
            let n = b[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b'.')
                .count();
            if n > 0 && b.get(i + 1 + n) == Some(&b']') {
                i += n + 2;
            }
        }
        let define = i + ".define(".len();
        if !text[i..].starts_with(".define(") {
            return None;
        }
        let label = blanks(define);
        if !text[label..].starts_with("version:") {
            return None;
        }
        let start = blanks(label + "version:".len());
        if !b.get(start).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let end = start
            + b[start..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b'_')
                .count();
        (b.get(blanks(end)) == Some(&b')')).then_some(start..end)
    })
}
static STRUCTURE_VERSIONS: LazyLock<Regex> =
    LazyLock::new(|| re(r#"INSERT INTO [`"]?schema_migrations[`"]? \(version\) VALUES"#));
static QUOTED_VERSION: LazyLock<Regex> = LazyLock::new(|| re(r"\('([0-9]+)'\)"));

/// The migrations directories: `…/db/migrate` and `…/db/<name>_migrate`.
fn migrate_dir(path: &str) -> Option<&str> {
    let mut dir = parent(path);
    loop {
        let name = file_name(dir);
        if file_name(parent(dir)) == "db" && (name == "migrate" || name.ends_with("_migrate")) {
            return Some(dir);
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent(dir);
    }
}

pub(super) fn discover(repo: &Repo) -> Vec<MigrationSet> {
    let mut dirs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (path, _) in repo.all() {
        let name = file_name(path);
        // Rails globs `[0-9]*_*.rb` below the directory.
        if name.ends_with(".rb")
            && name.starts_with(|c: char| c.is_ascii_digit())
            && name.contains('_')
        {
            if let Some(dir) = migrate_dir(path) {
                dirs.entry(dir).or_default().push(path);
            }
        }
    }
    dirs.into_iter()
        .map(|(dir, paths)| set_for(repo, dir, &paths))
        .collect()
}

fn set_for(repo: &Repo, dir: &str, paths: &[&str]) -> MigrationSet {
    let mut migrations = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let name = file_name(path);
        let Some(version) = migration_version(name) else {
            problems.push(problem(
                path,
                None,
                format!("Rails migration file name {name} is not `<version>_<snake_case_name>.rb`; `rails db:migrate` raises IllegalMigrationNameError"),
                format!("rename {name} to `<version>_<name>.rb` using only lower-case letters, digits and underscores in the name"),
            ));
            continue;
        };
        let stem = name.strip_suffix(".rb").unwrap_or(name);
        migrations.push(Migration {
            id: strip_zeros(version),
            name: stem.to_string(),
            order_key: Some(pad20(version)),
            files: vec![path.to_string()],
        });
    }
    migrations.sort_by(|a, b| (&a.order_key, &a.name).cmp(&(&b.order_key, &b.name)));
    problems.extend(duplicate_names(&migrations));
    problems.extend(duplicates(
        "Rails",
        &migrations,
        |m| Some(m.id.clone()),
        "migration version",
        |_, later| {
            format!(
                "give {} (the one not deployed yet) a new version: `bin/rails generate migration` \
             again and move its body over (Rails raises DuplicateMigrationVersionError)",
                later.name
            )
        },
    ));

    let db = parent(dir);
    let prefix = file_name(dir).strip_suffix("migrate").unwrap_or("");
    let schema_rb = join(db, &format!("{prefix}schema.rb"));
    let structure = join(db, &format!("{prefix}structure.sql"));
    let schema_files: Vec<String> = [schema_rb, structure]
        .into_iter()
        .filter(|p| repo.exists(p))
        .collect();
    if let Some(newest) = migrations
        .iter()
        .max_by(|a, b| a.order_key.cmp(&b.order_key))
    {
        // With both dumps committed, the one kept current is the one in use.
        let stale: Vec<_> = schema_files
            .iter()
            .map(|f| stale_dump(repo, f, newest, &migrations))
            .collect();
        if stale.iter().all(Option::is_some) {
            problems.extend(stale.into_iter().flatten());
        }
    }
    MigrationSet {
        framework: Framework::Rails,
        dir: dir.to_string(),
        migrations,
        schema_files,
        problems,
    }
}

/// `String#camelize` on a migration file's name part (lower-case letters,
/// digits and underscores): each `_`-separated word capitalized, so
/// `add_index_to_users` is `AddIndexToUsers` (and `a__b` is `AB`, like
/// `a_b`). Acronym inflections are the app's own and not known here; two
/// equal names camelize alike whatever they are.
fn camelize(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Two migrations in one migrations directory whose names camelize to the
/// same class (`20240101000000_add_index_to_users.rb` and
/// `20240301000000_add_index_to_users.rb`; a scope suffix such as
/// `.active_storage` is not part of the name): `Migrator#validate` raises
/// DuplicateMigrationNameError, so every `db:migrate` fails.
///
/// `migrations` sorted by version; each `name` is `<version>_<name>[.<scope>]`.
fn duplicate_names(migrations: &[Migration]) -> Vec<LayoutProblem> {
    let mut by_class: BTreeMap<String, Vec<&Migration>> = BTreeMap::new();
    for m in migrations {
        let snake = m.name.split_once('_').map_or("", |(_, rest)| rest);
        let snake = snake.split('.').next().unwrap_or(snake);
        by_class.entry(camelize(snake)).or_default().push(m);
    }
    let mut out = Vec::new();
    for (class, ms) in by_class {
        let Some((first, rest)) = ms.split_first() else {
            continue;
        };
        for m in rest {
            let file = m.files.first().map_or("", String::as_str);
            out.push(problem(
                file,
                None,
                format!(
                    "Rails migrations `{}` and `{}` both have the class name {class}: \
                     `rails db:migrate` raises DuplicateMigrationNameError",
                    first.name, m.name
                ),
                format!(
                    "give {} and its class a name no other migration has (Rails records only \
                     the version, so even an applied migration can be renamed)",
                    file_name(file)
                ),
            ));
        }
    }
    out
}

/// The schema dump doesn't include the newest migration: `schema.rb`'s
/// `define(version:)` is older, or `structure.sql`'s schema_migrations
/// insert lacks it.
///
/// Rails never reads the dump during `db:migrate`, so deploys are
/// unaffected; a database loaded from it (`db:schema:load`,
/// the test database) leaves the newer migrations pending. Only the branch
/// that adds such a migration hears about it, as a warning: a dump already
/// stale on the base is history, and blocking every later branch on it
/// would block main for good.
fn stale_dump(
    repo: &Repo,
    path: &str,
    newest: &Migration,
    migrations: &[Migration],
) -> Option<LayoutProblem> {
    let text = repo.text(path)?;
    let newest_file = newest.files.first().map_or("", |f| file_name(f));
    let help = format!(
        "run `bin/rails db:migrate` and commit the regenerated {}",
        file_name(path)
    );
    // The migrations newer than the dump's version: the ones it misses.
    let newer_than = |dumped: &str| -> Vec<String> {
        migrations
            .iter()
            .filter(|m| m.order_key.as_deref().is_some_and(|k| k > dumped))
            .flat_map(|m| m.files.iter().cloned())
            .collect()
    };
    let mut p = if path.ends_with(".rb") {
        let m = define_version(text)?;
        let version: String = text[m.clone()].chars().filter(|c| *c != '_').collect();
        let dumped = pad20(&version);
        if dumped >= newest.order_key.clone()? {
            return None;
        }
        let mut p = problem(
            path,
            Some(line_at(text, m.start)),
            format!(
                "{path} is at version {} but the newest migration is {newest_file}: the schema \
                 dump was not regenerated, so databases loaded from it leave it pending \
                 (PendingMigrationError in tests)",
                &text[m.clone()]
            ),
            help,
        );
        p.only_when_new = Some(newer_than(&dumped));
        p
    } else {
        let at = STRUCTURE_VERSIONS.find(text)?;
        let listed: Vec<String> = QUOTED_VERSION
            .captures_iter(&text[at.end()..])
            .filter_map(|c| c.get(1))
            .map(|v| strip_zeros(v.as_str()))
            .collect();
        if listed.contains(&newest.id) {
            return None;
        }
        let dumped = listed.iter().map(|v| pad20(v)).max().unwrap_or_default();
        let mut p = problem(
            path,
            Some(line_at(text, at.start())),
            format!(
                "{path} does not list version {} of the newest migration {newest_file}: the \
                 structure dump was not regenerated, so databases loaded from it leave it \
                 pending (PendingMigrationError in tests)",
                newest.id
            ),
            help,
        );
        p.only_when_new = Some(newer_than(&dumped));
        p
    };
    // Never empty: the newest migration is newer than what the dump holds.
    if p.only_when_new.as_ref().is_some_and(Vec::is_empty) {
        p.only_when_new = Some(newest.files.clone());
    }
    Some(p)
}

#[cfg(test)]
mod hand_tests {
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// What [`super::migration_version`] takes, as a pattern.
    static MIGRATION_NAME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([0-9]+)_([_a-z0-9]*)\.?([_a-z0-9]*)?\.rb$").expect("valid pattern")
    });
    /// What [`super::define_version`] finds, as a pattern.
    static DEFINE_VERSION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"ActiveRecord::Schema(?:\[[0-9.]+\])?\.define\(\s*version:\s*([0-9][0-9_]*)\s*\)",
        )
        .expect("valid pattern")
    });

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn migration_versions_are_the_patterns(
            name in proptest::collection::vec(proptest::sample::select(vec![
                "2024", "0", "_", "create_users", "a", "Z", ".", ".rb", "rb", "é", "-", "9_x",
                "20240102030405_add_index.rb", ".primary",
            ]), 0..7).prop_map(|p| p.concat())
        ) {
            let by_regex = MIGRATION_NAME.captures(&name).and_then(|c| c.get(1)).map(|m| m.as_str());
            prop_assert_eq!(super::migration_version(&name), by_regex, "{:?}", name);
        }

        #[test]
        fn define_versions_are_the_patterns(
            text in proptest::collection::vec(proptest::sample::select(vec![
                "ActiveRecord::Schema", "[7.1]", "[", "]", "7", ".", ".define(", "define(",
                "version:", " ", "\n", "\u{a0}", "2024_01_02", "_", "0", ")", "(", "x", "é",
                "ActiveRecord::Schema.define(version: 2024_01_02_030405)",
            ]), 0..12).prop_map(|p| p.concat())
        ) {
            let by_regex = DEFINE_VERSION.captures(&text).and_then(|c| c.get(1)).map(|m| m.range());
            prop_assert_eq!(super::define_version(&text), by_regex, "{:?}", text);
        }
    }
}
