//! Plain-SQL tools told apart by file names and project markers:
//! - Diesel: `migrations/<YYYY-MM-DD-HHMMSS>_<name>/up.sql` (+ `down.sql`),
//!   directory from `diesel.toml`;
//! - goose: `<version>_<name>.sql` annotated `-- +goose Up` (and `.go`);
//! - sqlx: `<i64>_<desc>.sql` or `.up.sql`/`.down.sql` in a Rust project
//!   (nearest marker `Cargo.toml` or `sqlx.toml`); plain numbered SQL only
//!   in a directory named `migrations` (sqlx's default) or under a
//!   `sqlx.toml`, since Docker init scripts look the same;
//! - golang-migrate: `<uint>_<title>.up.<ext>`/`.down.<ext>` elsewhere
//!   (nearest marker `go.mod`, or none).

use super::files::{file_name, join, parent, resolve, Repo};
use super::problems::{duplicates, problem};
use super::text::{pad20, re, strip_zeros};
use super::Claimed;
use crate::migrations::{Framework, LayoutProblem, Migration, MigrationSet};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static GOOSE_UP: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*--[ \t]*\+goose[ \t]+(?:Up|UP|up)\b"));
/// dbmate and sql-migrate annotations: numbered SQL that is someone else's.
static OTHER_TOOL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*--[ \t]*(?:migrate:up|\+migrate[ \t]+Up)\b"));
/// golang-migrate's own pattern (`source/parse.go`).
static PAIRED: LazyLock<Regex> = LazyLock::new(|| re(r"^([0-9]+)_(.*)\.(down|up)\.(.*)$"));
static DIESEL_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}|[0-9]{14})_"));
static DIESEL_DIR: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?ms)^\[migrations_directory\][^\[]*?^[ \t]*dir[ \t]*=[ \t]*"([^"\n]*)""#)
});
static DIESEL_SCHEMA: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?ms)^\[print_schema\][^\[]*?^[ \t]*file[ \t]*=[ \t]*"([^"\n]*)""#));

/// The literals each pattern's matches hold, asked first: a repository
/// whose files hold none never compiles the pattern (Django's numbered
/// migrations come here, and compiling these cost a small app's run a
/// tenth of a millisecond each).
fn other_tool(text: &str) -> bool {
    (text.contains("migrate:up") || text.contains("+migrate")) && OTHER_TOOL.is_match(text)
}

fn goose_up(text: &str) -> bool {
    text.contains("+goose") && GOOSE_UP.is_match(text)
}

fn may_pair(name: &str) -> bool {
    name.contains(".up.") || name.contains(".down.")
}

fn is_paired(name: &str) -> bool {
    may_pair(name) && PAIRED.is_match(name)
}

fn numbered(name: &str) -> Option<(&str, &str)> {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    let rest = name.get(digits..)?.strip_prefix('_')?;
    (digits > 0).then(|| (&name[..digits], rest))
}

fn set(
    framework: Framework,
    dir: &str,
    migrations: Vec<Migration>,
    problems: Vec<LayoutProblem>,
) -> MigrationSet {
    MigrationSet {
        framework,
        dir: dir.to_string(),
        migrations,
        schema_files: Vec::new(),
        problems,
    }
}

fn dup_help(tool: &'static str) -> impl Fn(&Migration, &Migration) -> String {
    move |earlier, later| {
        let why = if tool == "Diesel" {
            // diesel_migrations collects the directory into a HashMap keyed
            // by version: no error, one of the pair just never runs.
            format!(
                "Diesel keys migrations by version, so one of `{}` and `{}` is silently skipped",
                earlier.name, later.name
            )
        } else {
            format!(
                "{tool} cannot apply two migrations with the version of `{}`",
                earlier.name
            )
        };
        format!(
            "renumber `{}` (the one not deployed yet) to a version above every existing one; {why}",
            later.name
        )
    }
}

pub(super) fn discover_diesel(repo: &Repo, claimed: &mut Claimed) -> Vec<MigrationSet> {
    let mut dirs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, text) in repo.all() {
        if file_name(path) == "diesel.toml" {
            let base = parent(path);
            let dir = DIESEL_DIR
                .captures(text)
                .and_then(|c| resolve(base, c.get(1)?.as_str()))
                .unwrap_or_else(|| join(base, "migrations"));
            let schema = DIESEL_SCHEMA
                .captures(text)
                .and_then(|c| resolve(base, c.get(1)?.as_str()));
            dirs.entry(dir).or_default().extend(schema);
        } else if file_name(path) == "up.sql" {
            let folder = parent(path);
            if DIESEL_NAME.is_match(file_name(folder)) {
                dirs.entry(parent(folder).to_string()).or_default();
            }
        }
    }
    let mut sets = Vec::new();
    for (dir, schema_files) in dirs {
        if claimed.contains(&dir) {
            continue;
        }
        let subs = repo.subdirs(&dir);
        if !subs.values().any(|f| f.contains(&"up.sql")) {
            continue;
        }
        let mut migrations = Vec::new();
        let mut problems = Vec::new();
        for (sub, files) in subs {
            if sub.starts_with('.') {
                continue;
            }
            let folder = join(&dir, sub);
            if !files.contains(&"up.sql") {
                problems.push(problem(
                    &folder,
                    None,
                    format!("Diesel migration folder `{sub}` has no up.sql; Diesel refuses the whole directory (UnknownMigrationFormat)"),
                    format!("add `{folder}/up.sql` (and `down.sql`), or move the folder out of {dir}"),
                ));
                continue;
            }
            let version = sub.split('_').next().unwrap_or(sub).replace('-', "");
            let order_key = if version.bytes().all(|b| b.is_ascii_digit()) && !version.is_empty() {
                pad20(&version)
            } else {
                version.clone()
            };
            let mut paths = vec![format!("{folder}/up.sql")];
            if files.contains(&"down.sql") {
                paths.push(format!("{folder}/down.sql"));
            }
            migrations.push(Migration {
                id: version,
                name: sub.to_string(),
                order_key: Some(order_key),
                files: paths,
            });
        }
        migrations.sort_by(|a, b| (&a.order_key, &a.name).cmp(&(&b.order_key, &b.name)));
        problems.extend(duplicates(
            "Diesel",
            &migrations,
            |m| Some(m.id.clone()),
            "version",
            dup_help("Diesel"),
        ));
        let mut s = set(Framework::Diesel, &dir, migrations, problems);
        s.schema_files = schema_files;
        sets.push(s);
        claimed.insert(dir);
    }
    sets
}

pub(super) fn discover(repo: &Repo, claimed: &mut Claimed) -> Vec<MigrationSet> {
    let mut by_dir: BTreeMap<&str, Vec<(&str, &str, &str)>> = BTreeMap::new();
    for (path, text) in repo.all() {
        let name = file_name(path);
        if numbered(name).is_some() {
            by_dir
                .entry(parent(path))
                .or_default()
                .push((name, path, text));
        }
    }
    let mut sets = Vec::new();
    for (dir, files) in by_dir {
        if claimed.contains(dir) || dir.split('/').any(|c| c == "supabase") {
            continue;
        }
        if files.iter().any(|(_, _, t)| other_tool(t)) {
            continue;
        }
        let is_goose = files
            .iter()
            .any(|(n, _, t)| n.ends_with(".sql") && goose_up(t));
        let rust = matches!(
            repo.nearest_marker(dir, &["sqlx.toml", "Cargo.toml", "go.mod"]),
            Some("sqlx.toml" | "Cargo.toml")
        );
        let paired: Vec<_> = files.iter().filter(|(n, _, _)| is_paired(n)).collect();
        let s = if is_goose {
            goose(dir, &files)
        } else if !paired.is_empty() {
            if rust && paired.iter().all(|(n, _, _)| n.ends_with(".sql")) {
                sqlx(dir, &files)
            } else {
                golang_migrate(dir, &files)
            }
        } else if rust
            && (file_name(dir) == "migrations"
                || repo.nearest_marker(dir, &["sqlx.toml"]).is_some())
            && files.iter().any(|(n, _, _)| n.ends_with(".sql"))
        {
            sqlx(dir, &files)
        } else {
            continue;
        };
        if !s.migrations.is_empty() {
            claimed.insert(dir.to_string());
            sets.push(s);
        }
    }
    sets
}

fn goose(dir: &str, files: &[(&str, &str, &str)]) -> MigrationSet {
    let mut migrations = Vec::new();
    for (name, path, text) in files {
        let is_go = name.ends_with(".go") && !name.ends_with("_test.go") && text.contains("goose.");
        if !name.ends_with(".sql") && !is_go {
            continue;
        }
        let Some((v, _)) = numbered(name) else {
            continue;
        };
        let Ok(version) = v.parse::<i64>() else {
            continue;
        };
        let stem = name.rsplit_once('.').map_or(*name, |(s, _)| s);
        migrations.push(Migration {
            id: version.to_string(),
            name: stem.to_string(),
            order_key: Some(pad20(v)),
            files: vec![path.to_string()],
        });
    }
    migrations.sort_by(|a, b| (&a.order_key, &a.name).cmp(&(&b.order_key, &b.name)));
    let problems = duplicates(
        "goose",
        &migrations,
        |m| Some(m.id.clone()),
        "version",
        dup_help("goose"),
    );
    set(Framework::Goose, dir, migrations, problems)
}

fn sqlx(dir: &str, files: &[(&str, &str, &str)]) -> MigrationSet {
    let mut downs: BTreeMap<i64, &str> = BTreeMap::new();
    let mut ups = Vec::new();
    for (name, path, _) in files {
        let Some(stem) = name.strip_suffix(".sql") else {
            continue;
        };
        let Some((v, _)) = numbered(name) else {
            continue;
        };
        let Ok(version) = v.parse::<i64>() else {
            continue;
        };
        if stem.ends_with(".down") {
            downs.entry(version).or_insert(path);
        } else {
            ups.push((version, stem.strip_suffix(".up").unwrap_or(stem), *path));
        }
    }
    let mut migrations: Vec<Migration> = ups
        .into_iter()
        .map(|(version, stem, path)| {
            let mut paths = vec![path.to_string()];
            if path.ends_with(".up.sql") {
                paths.extend(downs.get(&version).map(|d| d.to_string()));
            }
            Migration {
                id: version.to_string(),
                name: stem.to_string(),
                order_key: Some(pad20(&version.to_string())),
                files: paths,
            }
        })
        .collect();
    migrations.sort_by(|a, b| (&a.order_key, &a.name).cmp(&(&b.order_key, &b.name)));
    let problems = duplicates(
        "sqlx",
        &migrations,
        |m| Some(m.id.clone()),
        "version",
        dup_help("sqlx"),
    );
    set(Framework::Sqlx, dir, migrations, problems)
}

fn golang_migrate(dir: &str, files: &[(&str, &str, &str)]) -> MigrationSet {
    #[derive(Default)]
    struct Version<'a> {
        digits: &'a str,
        ups: Vec<(&'a str, &'a str)>,
        downs: Vec<(&'a str, &'a str)>,
    }
    let mut versions: BTreeMap<u64, Version> = BTreeMap::new();
    for (name, path, _) in files {
        let Some(c) = may_pair(name).then(|| PAIRED.captures(name)).flatten() else {
            continue;
        };
        let (Some(v), Some(title), Some(dir_m)) = (c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        let Ok(n) = v.as_str().parse::<u64>() else {
            continue;
        };
        let e = versions.entry(n).or_default();
        e.digits = v.as_str();
        let item = (path as &str, title.as_str());
        if dir_m.as_str() == "up" {
            e.ups.push(item);
        } else {
            e.downs.push(item);
        }
    }
    let mut migrations = Vec::new();
    let mut problems = Vec::new();
    for (n, v) in &versions {
        for (kind, list) in [("up", &v.ups), ("down", &v.downs)] {
            if let [(first, _), rest @ ..] = list.as_slice() {
                for (path, _) in rest {
                    problems.push(problem(
                        path,
                        None,
                        format!(
                            "golang-migrate version {n} has two {kind} files: {} and {} (ErrDuplicateMigration)",
                            file_name(first),
                            file_name(path)
                        ),
                        format!("renumber {} (the one not deployed yet) above the newest version", file_name(path)),
                    ));
                }
            }
        }
        let Some(&(path, title)) = v.ups.first().or(v.downs.first()) else {
            continue;
        };
        let mut paths = vec![path.to_string()];
        if !v.ups.is_empty() {
            paths.extend(v.downs.first().map(|(d, _)| d.to_string()));
        }
        migrations.push(Migration {
            id: n.to_string(),
            name: format!("{}_{title}", v.digits),
            order_key: Some(pad20(&strip_zeros(v.digits))),
            files: paths,
        });
    }
    // Missing halves, only when the directory clearly works in pairs.
    let total = versions.len();
    let unpaired: Vec<_> = versions
        .values()
        .filter(|v| v.ups.is_empty() || v.downs.is_empty())
        .collect();
    if total - unpaired.len() >= 3 && unpaired.len() * 4 <= total {
        for v in unpaired {
            let (have, missing, list) = if v.downs.is_empty() {
                ("up", "down", &v.ups)
            } else {
                ("down", "up", &v.downs)
            };
            let article = if have == "up" { "an" } else { "a" };
            let Some(&(path, title)) = list.first() else {
                continue;
            };
            let want = format!(
                "{}_{title}.{missing}.{}",
                v.digits,
                path.rsplit_once(&format!(".{have}."))
                    .map_or("sql", |(_, e)| e)
            );
            // golang-migrate runs a version with a missing half (it treats
            // the absent file as empty): legal, so only a branch adding
            // one hears about it, as a warning.
            let mut p = problem(
                path,
                None,
                format!("golang-migrate migration {} has {article} {have} file but no {missing} file, unlike the rest of {dir}", file_name(path)),
                format!("add {}", join(dir, &want)),
            );
            p.only_when_new = Some(vec![path.to_string()]);
            problems.push(p);
        }
    }
    set(Framework::GolangMigrate, dir, migrations, problems)
}

#[cfg(test)]
mod gates {
    use super::*;
    use proptest::prelude::*;

    fn glued(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(pieces), 0..10).prop_map(|p| p.concat())
    }

    proptest! {
        /// The literal asked first never turns a match away.
        #[test]
        fn gates_answer_as_the_patterns(
            name in glued(&["0001", "1", "_", "x", ".up.", ".down.", "up", "down", ".sql", "V1", "V", "__", ".", "é"]),
            text in glued(&["-- +goose Up", "--", " ", "\t", "\n", "+goose", "Up", "up", "migrate:up", "+migrate", "-- migrate:up", "-- +migrate Up", "x"]),
        ) {
            prop_assert_eq!(other_tool(&text), OTHER_TOOL.is_match(&text));
            prop_assert_eq!(goose_up(&text), GOOSE_UP.is_match(&text));
            prop_assert_eq!(is_paired(&name), PAIRED.is_match(&name));
            prop_assert_eq!(
                super::super::flyway::is_versioned_name(&name),
                re(r"^V([0-9][0-9._]*?)__(.+)\.sql$").is_match(&name)
            );
        }
    }
}
