//! No file name or content under a migration-looking path makes discovery
//! (or `is_relevant`) panic.

use super::repo;
use crate::migrations::discover::{discover, is_relevant};
use proptest::prelude::*;

const DIRS: &[&str] = &[
    "prisma/migrations/",
    "prisma/migrations/20240101000000_init/",
    "prisma/",
    "drizzle/",
    "drizzle/meta/",
    "drizzle/20240101000000_x/",
    "migrations/",
    "migrations/2024-01-01-120000_x/",
    "db/migrate/",
    "db/",
    "db/migration/",
    "blog/migrations/",
    "blog/",
    "alembic/versions/",
    "src/migrations/",
    "",
];

const NAMES: &[&str] = &[
    "migration.sql",
    "migration_lock.toml",
    "schema.prisma",
    "_journal.json",
    "0000_snapshot.json",
    "snapshot.json",
    "up.sql",
    "down.sql",
    "1_init.sql",
    "0001_x.up.sql",
    "0001_x.down.sql",
    "V1__a.sql",
    "V01__b.sql",
    "R__v.sql",
    "20240101000000_create_users.rb",
    "schema.rb",
    "structure.sql",
    "0001_initial.py",
    "abc_rev.py",
    "1700000000000-Init.ts",
    "20240101000000_x.js",
    "20240101000000-x.js",
    "package.json",
    "prisma.config.ts",
    "drizzle.config.ts",
    "diesel.toml",
    "flyway.conf",
    "Cargo.toml",
    "go.mod",
    "knexfile.js",
];

/// Fragments that open, close or name something some parser looks for.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "'",
    "`",
    ",",
    ":",
    "=",
    "\n",
    "\r\n",
    " ",
    "é",
    "😀",
    "datasource db {",
    "provider = \"postgresql\"",
    "provider = \"",
    "\"prisma\": {\"schema\": \"",
    "schema: path.join(__dirname, ",
    "out: \"./drizzle\"",
    "migrations: { path: '",
    "{\"entries\": [",
    "{\"idx\": 0, \"when\": 1700000000000, \"tag\": \"0000_x\"}",
    "\"when\": 1.5e300",
    "\"prevId\": \"a\"",
    "-- +goose Up",
    "-- migrate:up",
    "ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000)",
    "INSERT INTO \"schema_migrations\" (version) VALUES ('1')",
    "class Migration(migrations.Migration):",
    "dependencies = [(\"blog\", \"0001_initial\")",
    "replaces = [(",
    "run_before = [",
    "revision = 'a'",
    "down_revision = ('a', ",
    "down_revision = None",
    "branch_labels = ('x',)",
    "revision: str = \"b\"",
    "class Init1700000000000 implements MigrationInterface",
    "queryInterface",
    "exports.up",
    "class X",
    "name = '",
    "[migrations_directory]\ndir = \"",
    "[print_schema]\nfile = \"",
    "flyway.locations=filesystem:",
    "locations = [\"",
    "\\",
    "${",
    "**/*.ts",
    "{a,b",
    "../../..",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..24).prop_map(|p| p.concat())
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        (prop::sample::select(DIRS), prop::sample::select(NAMES))
            .prop_map(|(d, n)| format!("{d}{n}")),
        (prop::sample::select(DIRS), "[0-9A-Za-z_.~-]{0,24}").prop_map(|(d, n)| format!("{d}{n}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn discovery_never_panics(files in prop::collection::vec((path(), text()), 0..12)) {
        let pairs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        for (p, _) in &pairs {
            let _ = is_relevant(p);
        }
        let sets = discover(&repo(&pairs));
        for s in &sets {
            for p in &s.problems {
                prop_assert!(!p.message.is_empty() && !p.help.is_empty());
            }
        }
    }
}
