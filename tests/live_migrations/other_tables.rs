//! The remaining frameworks' tables in one SQLite file (several sets in
//! one run), missing tables and missing database files.

use crate::support::*;
use shipcheck::migrations::live::{LiveError, LiveState};
use shipcheck::migrations::{Framework, Migration};

#[test]
fn tables_of_the_other_frameworks_and_sets_without_a_table() {
    let repo = Repo::new();
    let db = TestDb::sqlite();
    let file = |f: &str, body: &[u8]| {
        repo.write(f, body);
        f.to_string()
    };
    // Drizzle 0.x: journal `when` = created_at, SHA-256 of the SQL.
    let d0 = b"CREATE TABLE \"users\" (\"id\" integer PRIMARY KEY);\n";
    let drizzle = vec![
        mig(
            "1700000000000",
            "0000_init",
            &file("drizzle/0000_init.sql", d0),
        ),
        mig(
            "1700000001000",
            "0001_posts",
            &file(
                "drizzle/0001_posts.sql",
                b"CREATE TABLE \"posts\" (\"id\" integer);\n",
            ),
        ),
        mig(
            "1700000002000",
            "0002_tags",
            &file(
                "drizzle/0002_tags.sql",
                b"CREATE TABLE \"tags\" (\"id\" integer);\n",
            ),
        ),
    ];
    let goose: Vec<Migration> = (1..=3)
        .map(|v| {
            mig(
                &v.to_string(),
                &format!("0000{v}_g"),
                &file(
                    &format!("db/goose/0000{v}_g.sql"),
                    b"-- +goose Up\nSELECT 1;\n",
                ),
            )
        })
        .collect();
    let knex = vec![
        mig(
            "20240101000000_init.ts",
            "20240101000000_init",
            &file(
                "migrations/20240101000000_init.ts",
                b"export async function up() {}\n",
            ),
        ),
        mig(
            "20240102000000_more.ts",
            "20240102000000_more",
            &file(
                "migrations/20240102000000_more.ts",
                b"export async function up() {}\n",
            ),
        ),
    ];
    let diesel = vec![
        mig(
            "20240101000000",
            "2024-01-01-000000_init",
            &file("migrations/2024-01-01-000000_init/up.sql", b"SELECT 1;\n"),
        ),
        mig(
            "20240102000000",
            "2024-01-02-000000_posts",
            &file("migrations/2024-01-02-000000_posts/up.sql", b"SELECT 1;\n"),
        ),
    ];
    let typeorm = vec![
        mig(
            "Init1700000000000",
            "1700000000000-Init",
            &file(
                "src/migration/1700000000000-Init.ts",
                b"export class Init1700000000000 {}\n",
            ),
        ),
        mig(
            "Posts1700000001000",
            "1700000001000-Posts",
            &file(
                "src/migration/1700000001000-Posts.ts",
                b"export class Posts1700000001000 {}\n",
            ),
        ),
    ];
    let sequelize = vec![mig(
        "20240101000000-create-user.js",
        "20240101000000-create-user",
        &file(
            "db/sequelize/20240101000000-create-user.js",
            b"module.exports = {};\n",
        ),
    )];
    db.exec(&[
        r#"CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)"#,
        &format!(r#"INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ('{}', 1700000000000), ('{}', 1700000001000)"#, sha256_hex(d0), sha256_hex(b"CREATE TABLE \"posts\" (\"id\" serial);\n")),
        "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')))",
        "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1), (2, 1), (2, 0)",
        "create table `knex_migrations` (`id` integer not null primary key autoincrement, `name` varchar(255), `batch` integer, `migration_time` datetime)",
        "create table `knex_migrations_lock` (`index` integer not null primary key autoincrement, `is_locked` integer)",
        "insert into `knex_migrations` (`name`, `batch`, `migration_time`) values ('20240101000000_init.js', 1, 1704067200000)",
        "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
        "INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101000000')",
        r#"CREATE TABLE "migrations" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "timestamp" bigint NOT NULL, "name" varchar NOT NULL)"#,
        r#"INSERT INTO "migrations" ("timestamp", "name") VALUES (1700000000000, 'Init1700000000000')"#,
        // No SequelizeMeta: that set never ran here, the others are read.
    ]);
    let sets = [
        set(Framework::Goose, "db/goose", goose.clone()),
        set(Framework::Sequelize, "db/sequelize", sequelize.clone()),
        set(Framework::DrizzleJournal, "drizzle", drizzle.clone()),
        set(Framework::Diesel, "migrations", diesel.clone()),
        set(Framework::Knex, "migrations", knex.clone()),
        set(Framework::TypeOrm, "src/migration", typeorm.clone()),
    ];
    let report = status(&repo, &sets, &db.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&sets[0], &goose[1], LiveState::Pending),
            found(&sets[0], &goose[2], LiveState::Pending),
            found(
                &sets[1],
                &sequelize[0],
                LiveState::NoTrackingTable {
                    table: "SequelizeMeta".into()
                }
            ),
            found(&sets[2], &drizzle[1], LiveState::ChecksumMismatch),
            found(&sets[2], &drizzle[2], LiveState::Pending),
            found(&sets[3], &diesel[1], LiveState::Pending),
            found(&sets[4], &knex[1], LiveState::Pending),
            found(&sets[5], &typeorm[1], LiveState::Pending),
        ]
    );
    let checked: Vec<_> = report
        .checked
        .iter()
        .map(|c| (c.0.as_str(), c.1, c.2.as_str(), c.3))
        .collect();
    assert_eq!(
        checked,
        vec![
            ("db/goose", Framework::Goose, "goose_db_version", 1),
            (
                "drizzle",
                Framework::DrizzleJournal,
                "__drizzle_migrations",
                2
            ),
            (
                "migrations",
                Framework::Diesel,
                "__diesel_schema_migrations",
                1
            ),
            ("migrations", Framework::Knex, "knex_migrations", 1),
            ("src/migration", Framework::TypeOrm, "migrations", 1),
        ]
    );
}

#[test]
fn missing_tables_and_missing_files() {
    let repo = Repo::new();
    let db = TestDb::sqlite();
    let prisma = set(
        Framework::Prisma,
        "prisma/migrations",
        vec![mig(
            "20240101000000_init",
            "20240101000000_init",
            "prisma/migrations/20240101000000_init/migration.sql",
        )],
    );
    let err = status(&repo, std::slice::from_ref(&prisma), &db.url).unwrap_err();
    assert!(matches!(err, LiveError::MissingTable(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("has no _prisma_migrations table: nothing has been migrated there"),
        "{err}"
    );

    let rails = set(
        Framework::Rails,
        "db/migrate",
        vec![mig(
            "20240101000000",
            "20240101000000_x",
            "db/migrate/20240101000000_x.rb",
        )],
    );
    let err = status(&repo, &[prisma, rails], &db.url).unwrap_err();
    assert!(
        err.to_string()
            .contains("none of the tables _prisma_migrations, schema_migrations"),
        "{err}"
    );

    let gone = format!("{}/nope.db", repo.root().display());
    let s = set(Framework::Sqlx, "migrations", vec![]);
    let err = status(&repo, &[s], &format!("sqlite://{gone}")).unwrap_err();
    assert!(
        matches!(err, LiveError::Unreachable(_)) && err.to_string().contains("nope.db"),
        "{err:?}"
    );
    assert!(!std::path::Path::new(&gone).exists(), "never created");
}

/// Issue 10: with several sets, a set whose tracking table is absent (while
/// another set's table exists) has never run in this database: every one
/// of its migrations is pending, saying the table is absent — never
/// dropped without a word.
#[test]
fn a_set_without_its_table_beside_one_with_it_is_all_pending() {
    let repo = Repo::new();
    let db = TestDb::sqlite();
    db.exec(&[
        r#"CREATE TABLE "schema_migrations" ("version" varchar NOT NULL PRIMARY KEY)"#,
        r#"INSERT INTO "schema_migrations" ("version") VALUES ('20240101000000')"#,
    ]);
    repo.write(
        "db/migrate/20240101000000_x.rb",
        b"class X < ActiveRecord::Migration[7.1]\nend\n",
    );
    let rails = set(
        Framework::Rails,
        "db/migrate",
        vec![mig(
            "20240101000000",
            "20240101000000_x",
            "db/migrate/20240101000000_x.rb",
        )],
    );
    let prisma_migs = vec![
        mig(
            "20240101000000_init",
            "20240101000000_init",
            "prisma/migrations/20240101000000_init/migration.sql",
        ),
        mig(
            "20240201000000_more",
            "20240201000000_more",
            "prisma/migrations/20240201000000_more/migration.sql",
        ),
    ];
    let prisma = set(Framework::Prisma, "prisma/migrations", prisma_migs.clone());
    let report = status(&repo, &[prisma.clone(), rails], &db.url).expect("live status");
    let absent = || LiveState::NoTrackingTable {
        table: "_prisma_migrations".into(),
    };
    assert_eq!(
        report.findings,
        vec![
            found(&prisma, &prisma_migs[0], absent()),
            found(&prisma, &prisma_migs[1], absent()),
        ]
    );
    assert_eq!(
        report.missing_tables,
        vec![(
            "prisma/migrations".to_string(),
            "_prisma_migrations".to_string()
        )]
    );
    assert_eq!(report.checked.len(), 1, "the Rails set was checked");
}
