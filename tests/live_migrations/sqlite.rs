//! Every framework against an embedded SQLite file: the framework's own
//! tracking-table DDL (SQLite flavour) and the rows it would write.

use crate::support::*;
use shipcheck::migrations::live::LiveState;
use shipcheck::migrations::{Framework, Migration};

const PRISMA_DDL: &str = r#"CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)"#;

fn prisma_row(
    id: &str,
    name: &str,
    checksum: &str,
    started: &str,
    finished: Option<&str>,
    rolled_back: Option<&str>,
) -> String {
    let opt = |v: Option<&str>| v.map_or("NULL".to_string(), lit);
    format!(
        "INSERT INTO \"_prisma_migrations\" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) \
         VALUES ({}, {}, {}, {}, NULL, {}, {}, {})",
        lit(id),
        lit(checksum),
        opt(finished),
        lit(name),
        opt(rolled_back),
        lit(started),
        u8::from(finished.is_some())
    )
}

fn prisma_mig(repo: &Repo, name: &str, sql: &[u8]) -> Migration {
    let file = format!("prisma/migrations/{name}/migration.sql");
    repo.write(&file, sql);
    mig(name, name, &file)
}

#[test]
fn prisma_edited_failed_unknown_and_pending_with_crlf_and_legacy_checksums() {
    let repo = Repo::new();
    let db = TestDb::sqlite();
    let init_sql = b"CREATE TABLE \"User\" (\"id\" INTEGER PRIMARY KEY);\n";
    let init = prisma_mig(&repo, "20240101000000_init", init_sql);
    let posts = prisma_mig(
        &repo,
        "20240102000000_posts",
        b"CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY);\n",
    );
    let index = prisma_mig(
        &repo,
        "20240103000000_index",
        b"CREATE INDEX \"i\" ON \"Post\" (\"id\");\n",
    );
    let retry_sql = b"ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT;\n";
    let retry = prisma_mig(&repo, "20240104000000_retry", retry_sql);
    let legacy_sql = b"ALTER TABLE \"User\" ADD COLUMN \"email\" TEXT;\n";
    let legacy = prisma_mig(&repo, "20240105000000_legacy", legacy_sql);
    let tags = prisma_mig(
        &repo,
        "20240106000000_tags",
        b"CREATE TABLE \"Tag\" (\"id\" INTEGER PRIMARY KEY);\n",
    );
    // Applied from a CRLF checkout; the file is LF now: not an edit.
    let init_crlf = String::from_utf8_lossy(init_sql).replace('\n', "\r\n");
    // Applied, then the file changed.
    let posts_applied = sha256_hex(b"CREATE TABLE \"Post\" (\"id\" INTEGER NOT NULL);\n");
    // A pre-2.x row: hex without zero padding.
    let legacy_sum: String = {
        use sha2::Digest;
        sha2::Sha256::digest(legacy_sql)
            .iter()
            .map(|b| format!("{b:x}"))
            .collect()
    };
    assert_ne!(
        legacy_sum.len(),
        64,
        "the vector exercises the unpadded form"
    );
    let any = sha256_hex(b"whatever");
    db.exec(&[
        PRISMA_DDL,
        &prisma_row(
            "a",
            &init.id,
            &sha256_hex(init_crlf.as_bytes()),
            "2024-01-01 00:00:01",
            Some("2024-01-01 00:00:02"),
            None,
        ),
        &prisma_row(
            "b",
            &posts.id,
            &posts_applied,
            "2024-01-02 00:00:01",
            Some("2024-01-02 00:00:02"),
            None,
        ),
        &prisma_row(
            "c",
            &index.id,
            &sha256_hex(b"CREATE INDEX \"i\" ON \"Post\" (\"id\");\n"),
            "2026-01-02 10:00:00",
            None,
            None,
        ),
        // Failed, resolved as rolled back, then applied by the next deploy.
        &prisma_row(
            "d1",
            &retry.id,
            &sha256_hex(retry_sql),
            "2024-01-04 09:00:00",
            None,
            Some("2024-01-04 09:01:00"),
        ),
        &prisma_row(
            "d2",
            &retry.id,
            &sha256_hex(retry_sql),
            "2024-01-04 09:05:00",
            Some("2024-01-04 09:05:01"),
            None,
        ),
        &prisma_row(
            "e",
            &legacy.id,
            &legacy_sum,
            "2024-01-05 00:00:01",
            Some("2024-01-05 00:00:02"),
            None,
        ),
        // Applied in the database, never in this repository.
        &prisma_row(
            "f",
            "20231231000000_hotfix",
            &any,
            "2023-12-31 00:00:01",
            Some("2023-12-31 00:00:02"),
            None,
        ),
        // Only a rolled-back attempt, no file: not applied, not reported.
        &prisma_row(
            "g",
            "20231230000000_abandoned",
            &any,
            "2023-12-30 00:00:01",
            None,
            Some("2023-12-30 00:01:00"),
        ),
    ]);
    let s = set(
        Framework::Prisma,
        "prisma/migrations",
        vec![
            init,
            posts.clone(),
            index.clone(),
            retry,
            legacy,
            tags.clone(),
        ],
    );
    let file = std::fs::read(db.url.trim_start_matches("sqlite://")).expect("db file");
    let report = status(&repo, std::slice::from_ref(&s), &db.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&s, &posts, LiveState::ChecksumMismatch),
            found(
                &s,
                &index,
                failed("started 2026-01-02 10:00 UTC, never finished")
            ),
            found(&s, &tags, LiveState::Pending),
            unknown(&s, "20231231000000_hotfix", "20231231000000_hotfix"),
        ]
    );
    assert_eq!(
        report.checked,
        vec![(
            "prisma/migrations".to_string(),
            Framework::Prisma,
            "_prisma_migrations".to_string(),
            5
        )]
    );
    let after = std::fs::read(db.url.trim_start_matches("sqlite://")).expect("db file");
    assert!(file == after, "the SQLite file is byte-for-byte unchanged");
}

#[test]
fn sqlx_sha384_and_partially_applied_rows() {
    let repo = Repo::new();
    let db = TestDb::sqlite();
    let files: [(&str, &str, &[u8]); 4] = [
        (
            "1",
            "migrations/1_users.sql",
            b"CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
        ),
        (
            "2",
            "migrations/2_posts.up.sql",
            b"CREATE TABLE posts (id BIGINT PRIMARY KEY, body TEXT);\n",
        ),
        (
            "3",
            "migrations/3_tags.sql",
            b"CREATE TABLE tags (id BIGINT PRIMARY KEY);\n",
        ),
        (
            "4",
            "migrations/4_likes.sql",
            b"CREATE TABLE likes (id BIGINT PRIMARY KEY);\n",
        ),
    ];
    repo.write("migrations/2_posts.down.sql", b"DROP TABLE posts;\n");
    let ms: Vec<Migration> = files
        .iter()
        .map(|(v, f, sql)| {
            repo.write(f, sql);
            let name = f
                .trim_start_matches("migrations/")
                .split('.')
                .next()
                .unwrap_or_default()
                .to_string();
            mig(v, &name, f)
        })
        .collect();
    let row = |v: i64, desc: &str, ok: bool, sum: &str| {
        format!(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES ({v}, {}, '2026-01-02 10:00:00', {}, {}, 1000)",
            lit(desc),
            u8::from(ok),
            db.bytes(sum)
        )
    };
    db.exec(&[
        SQLX_DDL,
        &row(1, "users", true, &sha384_hex(files[0].2)),
        &row(
            2,
            "posts",
            true,
            &sha384_hex(b"CREATE TABLE posts (id BIGINT PRIMARY KEY);\n"),
        ),
        &row(3, "tags", false, &sha384_hex(files[2].2)),
        &row(9, "old thing", true, &sha384_hex(b"SELECT 1;")),
    ]);
    let s = set(Framework::Sqlx, "migrations", ms.clone());
    let report = status(&repo, std::slice::from_ref(&s), &db.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&s, &ms[1], LiveState::ChecksumMismatch),
            found(
                &s,
                &ms[2],
                failed("recorded as partially applied (success = false) at 2026-01-02 10:00")
            ),
            found(&s, &ms[3], LiveState::Pending),
            unknown(&s, "9", "9_old_thing"),
        ]
    );
    assert_eq!(report.checked[0].3, 3);
}

const SQLX_DDL: &str = "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)";

#[test]
fn sqlx_ignored_chars_from_sqlx_toml() {
    let repo = Repo::new();
    let db = TestDb::sqlite();
    let lf = b"CREATE TABLE users (id BIGINT PRIMARY KEY);\n";
    // Checked out with CRLF; sqlx.toml drops \r before hashing.
    repo.write(
        "api/migrations/1_users.sql",
        b"CREATE TABLE users (id BIGINT PRIMARY KEY);\r\n",
    );
    repo.write("api/sqlx.toml", b"[migrate]\nignored-chars = [\"\\r\"]\n");
    db.exec(&[
        SQLX_DDL,
        &format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (1, 'users', 1, {}, 5)",
            db.bytes(&sha384_hex(lf))
        ),
    ]);
    let s = set(
        Framework::Sqlx,
        "api/migrations",
        vec![mig("1", "1_users", "api/migrations/1_users.sql")],
    );
    let report = status(&repo, std::slice::from_ref(&s), &db.url).expect("live status");
    assert_eq!(report.findings, vec![]);
    // Without the setting the same file is an edit (sqlx is byte-exact).
    std::fs::remove_file(repo.root().join("api/sqlx.toml")).expect("rm");
    let report = status(&repo, std::slice::from_ref(&s), &db.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![found(&s, &s.migrations[0], LiveState::ChecksumMismatch)]
    );
}

fn golang(repo: &Repo) -> (shipcheck::migrations::MigrationSet, Vec<Migration>) {
    let ms: Vec<Migration> = (1..=4)
        .map(|v| {
            let f = format!("db/migrations/00000{v}_step{v}.up.sql");
            repo.write(&f, b"SELECT 1;\n");
            mig(&v.to_string(), &format!("00000{v}_step{v}"), &f)
        })
        .collect();
    (
        set(Framework::GolangMigrate, "db/migrations", ms.clone()),
        ms,
    )
}

const GOLANG_DDL: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool)",
    "CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version)",
];

#[test]
fn golang_migrate_dirty_version_and_high_water_mark() {
    let repo = Repo::new();
    let (s, ms) = golang(&repo);
    let dirty = TestDb::sqlite();
    dirty.exec(&[
        GOLANG_DDL[0],
        GOLANG_DDL[1],
        "INSERT INTO schema_migrations (version, dirty) VALUES (3, 1)",
    ]);
    let report = status(&repo, std::slice::from_ref(&s), &dirty.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&s, &ms[2], failed("schema_migrations is dirty at version 3: it failed part-way (fix the schema, then `migrate force`)")),
            found(&s, &ms[3], LiveState::Pending),
        ]
    );
    assert_eq!(
        report.checked[0].3, 2,
        "1 and 2 are below the dirty version"
    );

    let ahead = TestDb::sqlite();
    ahead.exec(&[
        GOLANG_DDL[0],
        GOLANG_DDL[1],
        "INSERT INTO schema_migrations (version, dirty) VALUES (7, 0)",
    ]);
    let report = status(&repo, std::slice::from_ref(&s), &ahead.url).expect("live status");
    assert_eq!(report.findings, vec![unknown(&s, "7", "7")]);
}

#[test]
fn rails_schema_migrations() {
    let repo = Repo::new();
    let db = TestDb::sqlite();
    db.exec(&[
        r#"CREATE TABLE "schema_migrations" ("version" varchar NOT NULL PRIMARY KEY)"#,
        r#"CREATE TABLE "ar_internal_metadata" ("key" varchar NOT NULL PRIMARY KEY, "value" varchar, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL)"#,
        r#"INSERT INTO "schema_migrations" ("version") VALUES ('20240101000000'), ('20240102000000'), ('20230101000000')"#,
    ]);
    let ms: Vec<Migration> = [
        "20240101000000_create_users",
        "20240102000000_add_email",
        "20240103000000_create_posts",
    ]
    .iter()
    .map(|n| {
        let f = format!("db/migrate/{n}.rb");
        repo.write(&f, b"class X < ActiveRecord::Migration[7.1]\nend\n");
        mig(&n[..14], n, &f)
    })
    .collect();
    let s = set(Framework::Rails, "db/migrate", ms.clone());
    let report = status(&repo, std::slice::from_ref(&s), &db.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&s, &ms[2], LiveState::Pending),
            unknown(&s, "20230101000000", "20230101000000")
        ]
    );
    assert_eq!(report.checked[0].2, "schema_migrations");
}

#[test]
fn django_apps_squashes_and_foreign_apps() {
    let repo = Repo::new();
    let db = TestDb::sqlite();
    let row = |app: &str, name: &str| {
        format!("INSERT INTO \"django_migrations\" (app, name, applied) VALUES ('{app}', '{name}', '2024-01-01 00:00:00')")
    };
    db.exec(&[
        r#"CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL)"#,
        &row("contenttypes", "0001_initial"),
        &row("auth", "0001_initial"),
        &row("blog", "0001_initial"),
        &row("blog", "0002_post"),
        &row("blog", "0003_removed"),
        // Recorded one by one before the squash existed.
        &row("shop", "0001_initial"),
        &row("shop", "0002_items"),
    ]);
    let py = |app: &str, name: &str, body: &str| {
        let f = format!("{app}/migrations/{name}.py");
        repo.write(&f, format!("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n{body}\n").as_bytes());
        mig(&format!("{app}.{name}"), name, &f)
    };
    let blog = vec![
        py("blog", "0001_initial", "    dependencies = []"),
        py(
            "blog",
            "0002_post",
            "    dependencies = [('blog', '0001_initial')]",
        ),
        py(
            "blog",
            "0004_tags",
            "    dependencies = [('blog', '0002_post')]",
        ),
    ];
    let shop = vec![py("shop", "0001_squashed_0002_items", "    replaces = [\n        ('shop', '0001_initial'),\n        ('shop', '0002_items'),\n    ]\n    dependencies = []")];
    let sets = [
        set(Framework::Django, "blog/migrations", blog.clone()),
        set(Framework::Django, "shop/migrations", shop),
    ];
    let report = status(&repo, &sets, &db.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&sets[0], &blog[2], LiveState::Pending),
            unknown(&sets[0], "blog.0003_removed", "0003_removed")
        ]
    );
    let checked: Vec<_> = report.checked.iter().map(|c| (c.0.as_str(), c.3)).collect();
    assert_eq!(
        checked,
        vec![("blog/migrations", 3), ("shop/migrations", 1)]
    );
}

#[test]
fn alembic_heads_and_their_ancestors() {
    let repo = Repo::new();
    let rev = |id: &str, down: &str| {
        let f = format!("alembic/versions/{id}_step.py");
        let text = format!("\"\"\"step\n\nRevision ID: {id}\n\"\"\"\nfrom typing import Sequence, Union\n\nrevision: str = '{id}'\ndown_revision: Union[str, Sequence[str], None] = {down}\nbranch_labels = None\ndepends_on = None\n");
        repo.write(&f, text.as_bytes());
        mig(id, &format!("{id}_step"), &f)
    };
    let ms = vec![
        rev("a1", "None"),
        rev("b2", "'a1'"),
        rev("c3", "'b2'"),
        rev("d4", "'c3'"),
        rev("e5", "'a1'"),
        rev("f6", "('d4', 'e5')"),
    ];
    let s = set(Framework::Alembic, "alembic/versions", ms.clone());
    let ddl = "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))";
    let db = TestDb::sqlite();
    db.exec(&[
        ddl,
        "INSERT INTO alembic_version (version_num) VALUES ('c3'), ('e5')",
    ]);
    let report = status(&repo, std::slice::from_ref(&s), &db.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&s, &ms[3], LiveState::Pending),
            found(&s, &ms[5], LiveState::Pending)
        ]
    );
    assert_eq!(report.checked[0].3, 4, "a1, b2, c3, e5");

    // A head with no file: its ancestors can't be known, so no pending.
    let other = TestDb::sqlite();
    other.exec(&[
        ddl,
        "INSERT INTO alembic_version (version_num) VALUES ('zz99')",
    ]);
    let report = status(&repo, std::slice::from_ref(&s), &other.url).expect("live status");
    assert_eq!(report.findings, vec![unknown(&s, "zz99", "zz99")]);
}

/// `migrations.database-url-env` reads a set from its own database,
/// `migrations.not-live` leaves one out, and the report says per set what
/// the live check did; an unset variable is "not checked", never a pass.
#[test]
fn each_set_is_read_from_its_own_database_and_the_report_says_so() {
    let repo = Repo::new();
    let sql = b"CREATE TABLE t (id INTEGER);\n";
    let name = "20240101000000_init";
    let mut dbs = Vec::new();
    for app in ["a", "b"] {
        repo.write(
            &format!("apps/{app}/prisma/schema.prisma"),
            b"datasource db {\n  provider = \"sqlite\"\n  url = env(\"DATABASE_URL\")\n}\n",
        );
        repo.write(
            &format!("apps/{app}/prisma/migrations/{name}/migration.sql"),
            sql,
        );
        repo.write(
            &format!("apps/{app}/prisma/migrations/migration_lock.toml"),
            b"provider = \"sqlite\"\n",
        );
        let db = TestDb::sqlite();
        db.exec(&[
            PRISMA_DDL,
            &prisma_row(
                "1",
                name,
                &sha256_hex(sql),
                "2024-01-01 00:00:00",
                Some("2024-01-01 00:00:01"),
                None,
            ),
        ]);
        dbs.push(db);
    }
    let run = |config: &str, b_url: Option<&str>| {
        repo.write(".shipcheck.yml", config.as_bytes());
        let mut cmd = assert_cmd::Command::cargo_bin("shipcheck").unwrap();
        cmd.arg("check")
            .arg(repo.root())
            .args([
                "--format",
                "json",
                "--branch",
                "feature",
                "--database-url",
                &dbs[0].url,
            ])
            .env_remove("B_DATABASE_URL");
        if let Some(u) = b_url {
            cmd.env("B_DATABASE_URL", u);
        }
        let out = cmd.output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), v)
    };
    let live = |v: &serde_json::Value| -> Vec<String> {
        v["migration_sets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                format!(
                    "{}: {}",
                    s["dir"].as_str().unwrap(),
                    s["live"].as_str().unwrap_or("-")
                )
            })
            .collect()
    };
    let migrations_area = |v: &serde_json::Value| {
        v["areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["area"] == "migrations")
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let mapped = "migrations:\n  database-url-env:\n    apps/b/prisma/migrations: B_DATABASE_URL\n";

    let (code, v) = run(mapped, Some(&dbs[1].url));
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(
        live(&v),
        [
            "apps/a/prisma/migrations: checked live: 1 applied in _prisma_migrations",
            "apps/b/prisma/migrations: checked live: 1 applied in _prisma_migrations",
        ]
    );
    assert_eq!(migrations_area(&v), "passed");

    let (code, v) = run(mapped, None);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(
        live(&v)[1],
        "apps/b/prisma/migrations: not checked live: $B_DATABASE_URL is not set"
    );
    assert_eq!(migrations_area(&v), "not_checked");

    let (code, v) = run(
        "migrations:\n  not-live: [apps/b/prisma/migrations]\n",
        None,
    );
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(
        live(&v)[1],
        "apps/b/prisma/migrations: not checked live (migrations.not-live)"
    );
    assert_eq!(migrations_area(&v), "passed");

    // B's own database has no tracking table at all: the wrong database,
    // most likely, so the run stops (exit 2) and says which one.
    let empty = TestDb::sqlite();
    empty.exec(&["CREATE TABLE unrelated (id INTEGER)"]);
    repo.write(".shipcheck.yml", mapped.as_bytes());
    let out = assert_cmd::Command::cargo_bin("shipcheck")
        .unwrap()
        .arg("check")
        .arg(repo.root())
        .args(["--branch", "feature", "--database-url", &dbs[0].url])
        .env("B_DATABASE_URL", &empty.url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no _prisma_migrations table"), "{err}");
}
