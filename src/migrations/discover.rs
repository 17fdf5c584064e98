//! Discovery: every migration set in the repository, whatever the framework,
//! with the layout problems visible from the files alone (`migrations/layout`).
//!
//! The walker asks [`is_relevant`] about every path and hands the matching
//! files to [`discover`]. Each framework family lives in its own module; a
//! directory one framework claims is not looked at by the next (Prisma and
//! Drizzle before the plain-SQL tools, so a Drizzle `out` folder in a Rust
//! repository is never mistaken for sqlx).
//!
//! Layout problems are reported only when the framework itself would refuse
//! the directory or the history is certainly broken: this feeds a
//! merge-blocking gate.

mod alembic;
mod django;
mod drizzle;
mod files;
mod flyway;
mod js;
mod prisma;
mod problems;
mod rails;
mod sql_dirs;
mod text;

#[cfg(test)]
mod tests;

use super::{MigrationSet, RepoFile};
use files::Repo;
use std::collections::BTreeSet;

/// Directories already claimed by a framework.
type Claimed = BTreeSet<String>;

/// Is this repo-relative path one discovery may need to read?
///
/// Precise on purpose: migration directories and their files, the config
/// files that locate them, schema files, and the project markers
/// (`Cargo.toml`, `go.mod`) that tell sqlx from golang-migrate. Never
/// anything under `node_modules/`.
pub fn is_relevant(rel: &str) -> bool {
    let rel = rel.strip_prefix("./").unwrap_or(rel);
    if rel.is_empty() || files::is_excluded(rel) {
        return false;
    }
    // Split by a plain loop, without collecting the parts: this runs on
    // every path of the repository, twice.
    let (folders, name) = match rel.bytes().rposition(|b| b == b'/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    };
    let dirs = || {
        folders
            .as_bytes()
            .split(|&b| b == b'/')
            .filter(|_| !folders.is_empty())
    };
    let parent = match folders.bytes().rposition(|b| b == b'/') {
        Some(i) => &folders[i + 1..],
        None => folders,
    };
    if matches!(
        name,
        "migration_lock.toml"
            | "package.json"
            | "alembic.ini"
            | "pyproject.toml"
            | "env.py"
            | "diesel.toml"
            | "sqlx.toml"
            | "Cargo.toml"
            | "go.mod"
            | "flyway.conf"
            | "flyway.toml"
            | ".sequelizerc"
            | "models.py"
            | "ormconfig.json"
            | "ormconfig.yml"
            | "ormconfig.yaml"
    ) {
        return true;
    }
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let script = matches!(ext, "ts" | "js" | "mjs" | "cjs" | "mts" | "cts");
    if ext == "prisma" {
        return true;
    }
    if script
        && (matches!(
            stem,
            "prisma.config" | "drizzle.config" | "knexfile" | "ormconfig"
        ) || stem.starts_with("drizzle.config.")
            || stem.starts_with("knexfile.")
            || stem.contains("data-source")
            || stem.contains("datasource")
            || stem.contains("dataSource"))
    {
        return true;
    }
    // Drizzle 0.x journal and snapshots.
    if parent == "meta" && name.ends_with(".json") {
        return true;
    }
    // Inside any migrations directory (Prisma, Diesel, sqlx, Knex, Django,
    // Flask-Migrate, Flyway `db/migration`, Rails `db/migrate`, …).
    if dirs()
        .any(|d| matches!(d, b"migrations" | b"migration" | b"migrate") || d.ends_with(b"_migrate"))
    {
        return true;
    }
    // Alembic versions, Django `models/` packages.
    if matches!(parent, "versions" | "models") && ext == "py" {
        return true;
    }
    // Rails schema dumps (multi-database ones too).
    if parent == "db"
        && (name == "schema.rb"
            || name == "structure.sql"
            || name.ends_with("_schema.rb")
            || name.ends_with("_structure.sql"))
    {
        return true;
    }
    // Drizzle `out` folders (any name) and Drizzle schema files.
    if (ext == "sql" || ext == "json") && dirs().any(|d| d == b"drizzle") {
        return true;
    }
    // Drizzle schema files by the usual names (a config glob can only be
    // resolved against files discovery was handed).
    if script
        && !name.ends_with(".d.ts")
        && (matches!(parent, "schema" | "schemas")
            || stem == "schema"
            || [".schema", "-schema", "_schema"]
                .iter()
                .any(|s| stem.ends_with(s)))
    {
        return true;
    }
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    let after = name.as_bytes().get(digits).copied();
    // Numbered SQL anywhere (sqlx, goose, golang-migrate, Drizzle tags).
    if ext == "sql" && digits > 0 && after == Some(b'_') {
        return true;
    }
    // golang-migrate pairs with any extension (`.up.cql`, `.up.json`).
    if digits > 0 && after == Some(b'_') && (name.contains(".up.") || name.contains(".down.")) {
        return true;
    }
    // Flyway scripts outside `db/migration` (custom `locations`).
    if ext == "sql" && (name.starts_with("R__") || flyway::is_versioned_name(name)) {
        return true;
    }
    // Folder-per-migration layouts under a custom directory.
    if matches!(
        name,
        "migration.sql" | "snapshot.json" | "up.sql" | "down.sql"
    ) && parent.bytes().next().is_some_and(|b| b.is_ascii_digit())
    {
        return true;
    }
    // TypeORM `<13 digits>-Name.ts`, Knex/Sequelize `<14 digits>[_-]name.js`.
    script && (digits == 13 || digits == 14) && matches!(after, Some(b'-' | b'_'))
}

/// Every migration set in the repository, sorted by (dir, framework).
pub fn discover(files: &[RepoFile]) -> Vec<MigrationSet> {
    let repo = Repo::new(files);
    let mut claimed = Claimed::new();
    let mut sets = Vec::new();
    sets.extend(prisma::discover(&repo, &mut claimed));
    sets.extend(drizzle::discover(&repo, &mut claimed));
    sets.extend(sql_dirs::discover_diesel(&repo, &mut claimed));
    sets.extend(flyway::discover(&repo, &mut claimed));
    sets.extend(sql_dirs::discover(&repo, &mut claimed));
    sets.extend(rails::discover(&repo));
    sets.extend(django::discover(&repo));
    sets.extend(alembic::discover(&repo));
    sets.extend(js::discover(&repo));
    sets.sort_by(|a, b| (a.dir.as_str(), a.framework).cmp(&(b.dir.as_str(), b.framework)));
    sets
}
