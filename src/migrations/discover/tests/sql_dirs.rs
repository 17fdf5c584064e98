//! sqlx, golang-migrate, goose and Diesel.

use super::{assert_actionable, discover, ids, names, only, repo, Files};
use crate::migrations::Framework;

#[test]
fn which_tool_owns_a_numbered_directory() {
    // (files, framework, ids)
    let cases: &[(Files, Framework, &[&str])] = &[
        (
            &[
                ("Cargo.toml", "[package]"),
                (
                    "migrations/20240102000000_users.sql",
                    "CREATE TABLE users();",
                ),
                ("migrations/20240101000000_init.sql", "CREATE TABLE a();"),
            ],
            Framework::Sqlx,
            &["20240101000000", "20240102000000"],
        ),
        (
            &[
                ("crates/api/Cargo.toml", "[package]"),
                (
                    "crates/api/migrations/0001_init.up.sql",
                    "CREATE TABLE a();",
                ),
                ("crates/api/migrations/0001_init.down.sql", "DROP TABLE a;"),
                (
                    "crates/api/migrations/0002_more.up.sql",
                    "CREATE TABLE b();",
                ),
            ],
            Framework::Sqlx,
            &["1", "2"],
        ),
        (
            &[
                ("go.mod", "module x"),
                ("db/migrations/000002_users.up.sql", "CREATE TABLE users();"),
                ("db/migrations/000002_users.down.sql", "DROP TABLE users;"),
                ("db/migrations/000001_init.up.sql", "CREATE TABLE a();"),
                ("db/migrations/000001_init.down.sql", "DROP TABLE a;"),
            ],
            Framework::GolangMigrate,
            &["1", "2"],
        ),
        (
            // No marker at all: pairs are golang-migrate's (the CLI is used from any stack).
            &[
                ("migrations/1_init.up.sql", "x"),
                ("migrations/1_init.down.sql", "y"),
            ],
            Framework::GolangMigrate,
            &["1"],
        ),
        (
            &[
                ("Cargo.toml", "[workspace]"),
                (
                    "sql/schema/00002_posts.sql",
                    "-- +goose Up\nCREATE TABLE posts();\n-- +goose Down\nDROP TABLE posts;",
                ),
                (
                    "sql/schema/00001_users.sql",
                    "-- +goose Up\nCREATE TABLE users();",
                ),
                (
                    "sql/schema/00003_backfill.go",
                    "func init() { goose.AddMigrationContext(up, down) }",
                ),
            ],
            Framework::Goose,
            &["1", "2", "3"],
        ),
    ];
    for (files, framework, want) in cases {
        let set = only(files);
        assert_eq!(set.framework, *framework, "{files:?}");
        assert_eq!(ids(&set), *want);
        assert!(set.problems.is_empty(), "{:#?}", set.problems);
    }
}

#[test]
fn sqlx_files_and_keys() {
    let set = only(&[
        ("Cargo.toml", "[package]"),
        ("migrations/0001_init.up.sql", "CREATE TABLE a();"),
        ("migrations/0001_init.down.sql", "DROP TABLE a;"),
        ("migrations/0002_more.sql", "CREATE TABLE b();"),
    ]);
    assert_eq!(set.dir, "migrations");
    assert_eq!(names(&set), ["0001_init", "0002_more"]);
    assert_eq!(
        set.migrations[0].files,
        [
            "migrations/0001_init.up.sql",
            "migrations/0001_init.down.sql"
        ]
    );
    assert_eq!(
        set.migrations[1].order_key.as_deref(),
        Some("00000000000000000002")
    );
}

#[test]
fn duplicate_versions() {
    // (files, path of the problem)
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("Cargo.toml", ""),
                ("migrations/1_a.sql", "x"),
                ("migrations/0001_b.sql", "y"),
            ],
            "migrations/1_a.sql",
        ),
        (
            &[
                ("go.mod", ""),
                ("m/1_a.up.sql", "x"),
                ("m/1_b.up.sql", "y"),
                ("m/1_a.down.sql", "x"),
            ],
            "m/1_b.up.sql",
        ),
        (
            &[
                ("db/001_a.sql", "-- +goose Up\n"),
                ("db/1_b.sql", "-- +goose Up\n"),
            ],
            "db/1_b.sql",
        ),
        (
            &[
                ("migrations/2024-01-01-120000_a/up.sql", "x"),
                ("migrations/2024-01-01-120000_b/up.sql", "y"),
            ],
            "migrations/2024-01-01-120000_b/up.sql",
        ),
    ];
    for (files, path) in cases {
        let set = only(files);
        assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
        let p = &set.problems[0];
        assert_eq!(p.path, *path);
        // Diesel keys migrations by version in a HashMap: no error, one of
        // the pair is skipped. sqlx and goose refuse the pair.
        let diesel = set.framework == Framework::Diesel;
        assert_eq!(p.help.contains("silently skipped"), diesel, "{}", p.help);
        if matches!(set.framework, Framework::Sqlx | Framework::Goose) {
            assert!(p.help.contains("cannot apply"), "{}", p.help);
        }
        assert_actionable(&set);
    }
}

#[test]
fn golang_migrate_missing_half_only_when_the_set_uses_pairs() {
    let mut files = vec![("go.mod", "module x")];
    let paired = [
        "m/1_a.up.sql",
        "m/1_a.down.sql",
        "m/2_b.up.sql",
        "m/2_b.down.sql",
        "m/3_c.up.sql",
        "m/3_c.down.sql",
        "m/4_d.up.sql",
        "m/4_d.down.sql",
    ];
    files.extend(paired.iter().map(|p| (*p, "x")));
    files.push(("m/5_e.up.sql", "x"));
    let set = only(&files);
    assert_eq!(set.framework, Framework::GolangMigrate);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    assert_eq!(set.problems[0].path, "m/5_e.up.sql");
    assert!(set.problems[0].help.contains("m/5_e.down.sql"));

    // Up-only directories are normal.
    let set = only(&[
        ("go.mod", ""),
        ("m/1_a.up.sql", "x"),
        ("m/2_b.up.sql", "x"),
        ("m/3_c.up.sql", "x"),
    ]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    let set = only(&[
        ("go.mod", ""),
        ("m/1_a.up.sql", "x"),
        ("m/1_a.down.sql", "x"),
        ("m/2_b.up.sql", "x"),
    ]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn diesel() {
    let set = only(&[
        ("diesel.toml", "[print_schema]\nfile = \"src/schema.rs\"\n\n[migrations_directory]\ndir = \"migrations\"\n"),
        ("migrations/2024-02-01-093000_create_posts/up.sql", "CREATE TABLE posts();"),
        ("migrations/2024-02-01-093000_create_posts/down.sql", "DROP TABLE posts;"),
        ("migrations/00000000000000_diesel_initial_setup/up.sql", "x"),
        ("migrations/00000000000000_diesel_initial_setup/down.sql", "y"),
        ("migrations/.keep", ""),
        ("Cargo.toml", "[package]"),
    ]);
    assert_eq!(set.framework, Framework::Diesel);
    assert_eq!(ids(&set), ["00000000000000", "20240201093000"]);
    assert_eq!(
        set.migrations[1].files,
        [
            "migrations/2024-02-01-093000_create_posts/up.sql",
            "migrations/2024-02-01-093000_create_posts/down.sql"
        ]
    );
    assert_eq!(set.schema_files, ["src/schema.rs"]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);

    let set = only(&[
        ("migrations/2024-02-01-093000_create_posts/up.sql", "x"),
        ("migrations/2024-03-01-093000_half/down.sql", "y"),
    ]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    assert_eq!(set.problems[0].path, "migrations/2024-03-01-093000_half");
    assert!(set.problems[0].message.contains("up.sql"));
    assert_actionable(&set);
}

#[test]
fn numbered_sql_that_is_nobody_s() {
    // No Rust project: plain numbered SQL could be anything.
    let sets = discover(&repo(&[
        ("db/001_schema.sql", "CREATE TABLE a();"),
        ("db/002_seed.sql", "INSERT INTO a VALUES (1);"),
        ("go.mod", "module x"),
    ]));
    assert!(sets.is_empty(), "{sets:#?}");
    // dbmate / sql-migrate / Supabase files in a Rust repository.
    let sets = discover(&repo(&[
        ("Cargo.toml", "[package]"),
        (
            "dbmate/20240101000000_init.sql",
            "-- migrate:up\nCREATE TABLE a();\n-- migrate:down\n",
        ),
        ("other/1_x.sql", "-- +migrate Up\nCREATE TABLE a();"),
        (
            "supabase/migrations/20240101000000_init.sql",
            "create table a();",
        ),
    ]));
    assert!(sets.is_empty(), "{sets:#?}");
}
