//! PostgreSQL and MariaDB/MySQL, through the admin URLs `.ci/run` exports
//! (`SHIPCHECK_TEST_POSTGRES_URL`, `SHIPCHECK_TEST_MYSQL_URL`); each test
//! in a fresh database. Skipped with a note when unset, except under
//! `CI=true`.

use crate::flyway::{flyway_case, flyway_expected};
use crate::support::*;
use shipcheck::migrations::live::{live_status, LiveError, LiveState};
use shipcheck::migrations::{Framework, Migration};
use sqlx::Connection;
use std::time::{Duration, Instant};

pub(crate) const PG: &str = "SHIPCHECK_TEST_POSTGRES_URL";
pub(crate) const MY: &str = "SHIPCHECK_TEST_MYSQL_URL";

/// Prisma's PostgreSQL DDL (`sql-schema-connector/src/flavour/postgres.rs`).
const PRISMA_PG_DDL: &str = "CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)";

/// Everything a read-only reader must leave as it was: schemas, tables,
/// the tracking table's rows, locks and sessions on this database.
pub(crate) fn pg_snapshot(db: &TestDb, table: &str) -> Vec<Rows> {
    let queries = [
        "SELECT CAST(schema_name AS TEXT) FROM information_schema.schemata ORDER BY 1".to_string(),
        "SELECT CAST(table_schema || '.' || table_name || ' ' || table_type AS TEXT) FROM information_schema.tables ORDER BY 1".to_string(),
        "SELECT CAST(schemaname || '.' || indexname || ' ' || indexdef AS TEXT) FROM pg_indexes ORDER BY 1".to_string(),
        format!("SELECT CAST(row_to_json(t) AS TEXT) FROM {table} t ORDER BY 1"),
        // Client sessions only: an autovacuum worker may visit the new
        // database at any time.
        "SELECT CAST(l.locktype || ' ' || l.mode || ' ' || COALESCE(CAST(l.relation AS regclass)::text, '') AS TEXT) \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE a.backend_type = 'client backend' AND l.pid <> pg_backend_pid() \
         AND (l.locktype = 'advisory' OR l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) ORDER BY 1"
            .to_string(),
        "SELECT CAST(application_name AS TEXT) FROM pg_stat_activity \
         WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() ORDER BY 1"
            .to_string(),
    ];
    db.query_all(&queries)
}

/// The server notices a closed session a moment after the client has gone.
pub(crate) fn pg_snapshot_settled(db: &TestDb, table: &str, want: &[Rows]) -> Vec<Rows> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let snap = pg_snapshot(db, table);
        if snap == want || Instant::now() > deadline {
            return snap;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn postgres_prisma_done_when_scenario_leaves_the_database_unchanged() {
    let Some(admin) = server(PG) else { return };
    let db = TestDb::on_server(Kind::Pg, &admin);
    let repo = Repo::new();
    let write = |name: &str, sql: &str| -> Migration {
        let f = format!("prisma/migrations/{name}/migration.sql");
        repo.write(&f, sql.as_bytes());
        mig(name, name, &f)
    };
    let init = write("20240101000000_init", "-- CreateTable\nCREATE TABLE \"User\" (\n    \"id\" SERIAL NOT NULL,\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n");
    let posts_original =
        "-- CreateTable\nCREATE TABLE \"Post\" (\n    \"id\" SERIAL NOT NULL\n);\n";
    let posts = write("20240102000000_add_posts", posts_original);
    let index = write(
        "20240103000000_add_index",
        "-- CreateIndex\nCREATE UNIQUE INDEX \"Post_id_key\" ON \"Post\"(\"id\");\n",
    );
    let tags = write(
        "20240104000000_add_tags",
        "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL);\n",
    );
    let sum =
        |m: &Migration| sha256_hex(&std::fs::read(repo.root().join(&m.files[0])).expect("read"));
    let insert = |id: &str,
                  name: &str,
                  checksum: &str,
                  finished: &str,
                  logs: &str,
                  started: &str,
                  steps: u8| {
        format!(
            "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) \
             VALUES ('{id}', '{checksum}', {finished}, '{name}', {logs}, NULL, {started}, {steps})"
        )
    };
    db.exec(&[
        PRISMA_PG_DDL,
        &insert(
            "0a2c5a46-0d4e-4a0b-9d9e-1b3f5c7d9e01",
            &init.id,
            &sum(&init),
            "now()",
            "NULL",
            "now()",
            1,
        ),
        &insert(
            "0a2c5a46-0d4e-4a0b-9d9e-1b3f5c7d9e02",
            &posts.id,
            &sum(&posts),
            "now()",
            "NULL",
            "now()",
            1,
        ),
        &insert(
            "0a2c5a46-0d4e-4a0b-9d9e-1b3f5c7d9e03",
            &index.id,
            &sum(&index),
            "NULL",
            "'Database error code: 23505'",
            "'2026-01-02 10:00:00+00'",
            0,
        ),
        &insert(
            "0a2c5a46-0d4e-4a0b-9d9e-1b3f5c7d9e04",
            "20231215000000_hotfix",
            &sha256_hex(b"SELECT 1;"),
            "now()",
            "''",
            "now()",
            1,
        ),
    ]);
    // Edited after it was applied.
    repo.write(
        &posts.files[0],
        format!("{posts_original}ALTER TABLE \"Post\" ADD COLUMN \"title\" TEXT;\n").as_bytes(),
    );

    let s = set(
        Framework::Prisma,
        "prisma/migrations",
        vec![init, posts.clone(), index.clone(), tags.clone()],
    );
    let before = pg_snapshot(&db, "_prisma_migrations");
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
            unknown(&s, "20231215000000_hotfix", "20231215000000_hotfix"),
        ]
    );
    assert_eq!(
        report.checked,
        vec![(
            "prisma/migrations".to_string(),
            Framework::Prisma,
            "_prisma_migrations".to_string(),
            3
        )]
    );
    let after = pg_snapshot_settled(&db, "_prisma_migrations", &before);
    assert_eq!(
        before, after,
        "no new schema, table, row, lock or lingering session"
    );
    assert!(
        before[4].is_empty() && before[5].is_empty(),
        "nothing else holds locks or sessions: {before:?}"
    );
}

#[test]
fn postgres_sqlx_and_flyway() {
    let Some(admin) = server(PG) else { return };
    let db = TestDb::on_server(Kind::Pg, &admin);
    let repo = Repo::new();
    let sqls: [(&str, &str, &str); 3] = [
        (
            "1",
            "migrations/20240101000000_users.sql",
            "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
        ),
        (
            "2",
            "migrations/20240102000000_posts.sql",
            "CREATE TABLE posts (id BIGINT PRIMARY KEY, body TEXT);\n",
        ),
        (
            "3",
            "migrations/20240103000000_tags.sql",
            "CREATE TABLE tags (id BIGINT PRIMARY KEY);\n",
        ),
    ];
    let ms: Vec<Migration> = sqls
        .iter()
        .map(|(_, f, sql)| {
            repo.write(f, sql.as_bytes());
            let name = f.trim_start_matches("migrations/").trim_end_matches(".sql");
            mig(&name[..14], name, f)
        })
        .collect();
    let row = |v: &str, desc: &str, sum: &str| {
        format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ({v}, '{desc}', TRUE, {}, 1200)",
            db.bytes(sum)
        )
    };
    db.exec(&[
        "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
)",
        &row("20240101000000", "users", &sha384_hex(sqls[0].2.as_bytes())),
        &row(
            "20240102000000",
            "posts",
            &sha384_hex(b"CREATE TABLE posts (id BIGINT PRIMARY KEY);\n"),
        ),
        &row("20231201000000", "legacy", &sha384_hex(b"SELECT 1;")),
    ]);
    let (fs, fms, rows) = flyway_case(&repo);
    let mut flyway = vec![
        r#"CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
)"#
        .to_string(),
        r#"ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank")"#.to_string(),
        r#"CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success")"#.to_string(),
    ];
    flyway.extend(rows);
    db.exec(&flyway.iter().map(String::as_str).collect::<Vec<_>>());
    let s = set(Framework::Sqlx, "migrations", ms.clone());
    let report = status(&repo, &[fs.clone(), s.clone()], &db.url).expect("live status");
    let mut want = flyway_expected(&fs, &fms);
    want.extend([
        found(&s, &ms[1], LiveState::ChecksumMismatch),
        found(&s, &ms[2], LiveState::Pending),
        unknown(&s, "20231201000000", "20231201000000_legacy"),
    ]);
    assert_eq!(report.findings, want);
}

#[test]
fn postgres_golang_migrate_and_drizzle_schema() {
    let Some(admin) = server(PG) else { return };
    let db = TestDb::on_server(Kind::Pg, &admin);
    let repo = Repo::new();
    let go: Vec<Migration> = (1..=3)
        .map(|v| {
            let f = format!("db/migrations/00000{v}_s.up.sql");
            repo.write(&f, b"SELECT 1;\n");
            mig(&v.to_string(), &format!("00000{v}_s"), &f)
        })
        .collect();
    let d0 = "CREATE TABLE \"users\" (\"id\" serial PRIMARY KEY NOT NULL);\n";
    repo.write("drizzle/0000_init.sql", d0.as_bytes());
    repo.write(
        "drizzle/0001_more.sql",
        b"CREATE TABLE \"more\" (\"id\" serial);\n",
    );
    let dz = vec![
        mig("1700000000000", "0000_init", "drizzle/0000_init.sql"),
        mig("1700000001000", "0001_more", "drizzle/0001_more.sql"),
    ];
    db.exec(&[
        "CREATE TABLE IF NOT EXISTS \"schema_migrations\" (version bigint not null primary key, dirty boolean not null)",
        "INSERT INTO \"schema_migrations\" (version, dirty) VALUES (2, TRUE)",
        "CREATE SCHEMA IF NOT EXISTS \"drizzle\"",
        "CREATE TABLE IF NOT EXISTS \"drizzle\".\"__drizzle_migrations\" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)",
        &format!("INSERT INTO \"drizzle\".\"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES ('{}', 1700000000000)", sha256_hex(d0.as_bytes())),
    ]);
    let sets = [
        set(Framework::GolangMigrate, "db/migrations", go.clone()),
        set(Framework::DrizzleJournal, "drizzle", dz.clone()),
    ];
    let report = status(&repo, &sets, &db.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&sets[0], &go[1], failed("schema_migrations is dirty at version 2: it failed part-way (fix the schema, then `migrate force`)")),
            found(&sets[0], &go[2], LiveState::Pending),
            found(&sets[1], &dz[1], LiveState::Pending),
        ]
    );
    assert_eq!(report.checked[1].2, "drizzle.__drizzle_migrations");
}

#[test]
fn postgres_wrong_password_missing_table_and_statement_timeout() {
    let Some(admin) = server(PG) else { return };
    let db = TestDb::on_server(Kind::Pg, &admin);
    let repo = Repo::new();
    let s = set(Framework::Prisma, "prisma/migrations", vec![]);
    let (head, tail) = db.url.split_once('@').expect("admin URL has credentials");
    let user = head.rsplit_once(':').map_or(head, |(u, _)| u);
    let wrong = format!("{user}:Wr0ng-pa55word-x@{tail}");
    let err = status(&repo, std::slice::from_ref(&s), &wrong).unwrap_err();
    assert!(matches!(err, LiveError::Auth(_)), "{err:?}");
    assert!(
        !err.to_string().contains("Wr0ng-pa55word-x") && err.to_string().contains("127.0.0.1:5432"),
        "{err}"
    );
    let err = status(&repo, std::slice::from_ref(&s), &db.url).unwrap_err();
    assert!(matches!(err, LiveError::MissingTable(_)), "{err:?}");
    assert!(
        err.to_string().contains(&format!(
            "127.0.0.1:5432/{} has no _prisma_migrations table",
            db.name
        )),
        "{err}"
    );
    let (_, pw) = head.rsplit_once(':').expect("password");
    assert!(!err.to_string().contains(pw), "{err}");

    // A migration holding an exclusive lock: the read gives up after the
    // statement timeout instead of hanging the gate.
    db.exec(&[PRISMA_PG_DDL]);
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let url = db.url.clone();
    let holder = std::thread::spawn(move || {
        rt().block_on(async {
            let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
            sqlx::raw_sql("BEGIN; LOCK TABLE _prisma_migrations IN ACCESS EXCLUSIVE MODE")
                .execute(&mut c)
                .await
                .expect("lock");
            locked_tx.send(()).expect("signal");
            let _ = release_rx.recv();
            sqlx::raw_sql("ROLLBACK")
                .execute(&mut c)
                .await
                .expect("unlock");
            c.close().await.expect("close");
        })
    });
    locked_rx.recv().expect("lock taken");
    let mut o = opts(&db.url);
    o.statement_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let err = live_status(
        &shipcheck::workspace::tree::Tree::new(repo.root(), None),
        std::slice::from_ref(&s),
        &o,
    )
    .unwrap_err();
    release_tx.send(()).expect("release");
    holder.join().expect("lock holder");
    assert!(matches!(err, LiveError::Query(_)), "{err:?}");
    assert!(
        err.to_string().contains("_prisma_migrations")
            && err.to_string().contains("took longer than 300ms"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "gave up in time"
    );
}

#[test]
fn mysql_sqlx_partial_row_and_rails() {
    let Some(admin) = server(MY) else { return };
    let db = TestDb::on_server(Kind::My, &admin);
    let repo = Repo::new();
    let files: [(&str, &str); 3] = [
        (
            "migrations/1_users.sql",
            "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
        ),
        (
            "migrations/2_posts.sql",
            "CREATE TABLE posts (id BIGINT PRIMARY KEY);\n",
        ),
        (
            "migrations/3_tags.sql",
            "CREATE TABLE tags (id BIGINT PRIMARY KEY);\n",
        ),
    ];
    let ms: Vec<Migration> = files
        .iter()
        .enumerate()
        .map(|(i, (f, sql))| {
            repo.write(f, sql.as_bytes());
            mig(
                &(i + 1).to_string(),
                f.trim_start_matches("migrations/").trim_end_matches(".sql"),
                f,
            )
        })
        .collect();
    let row = |v: u32, ok: bool, sql: &str| {
        format!(
            "INSERT INTO _sqlx_migrations ( version, description, success, checksum, execution_time, installed_on ) VALUES ( {v}, 'm{v}', {}, {}, -1, '2026-01-02 10:00:00' )",
            if ok { "TRUE" } else { "FALSE" },
            db.bytes(&sha384_hex(sql.as_bytes()))
        )
    };
    let rails: Vec<Migration> = ["20240101000000_create_users", "20240102000000_add_email"]
        .iter()
        .map(|n| {
            let f = format!("db/migrate/{n}.rb");
            repo.write(&f, b"class X < ActiveRecord::Migration[7.1]; end\n");
            mig(&n[..14], n, &f)
        })
        .collect();
    db.exec(&[
        "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)",
        &row(1, true, files[0].1),
        // sqlx's MySQL path: inserted with success = FALSE before the script ran.
        &row(2, false, files[1].1),
        "CREATE TABLE `schema_migrations` (`version` varchar(255) NOT NULL PRIMARY KEY)",
        "CREATE TABLE `ar_internal_metadata` (`key` varchar(255) NOT NULL PRIMARY KEY, `value` varchar(255), `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL)",
        "INSERT INTO `schema_migrations` (`version`) VALUES ('20240101000000'), ('20231201000000')",
    ]);
    let sets = [
        set(Framework::Rails, "db/migrate", rails.clone()),
        set(Framework::Sqlx, "migrations", ms.clone()),
    ];
    let before = db.query("SELECT CAST(CONCAT(version, ':', success, ':', HEX(checksum)) AS CHAR) FROM _sqlx_migrations ORDER BY version");
    let report = status(&repo, &sets, &db.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&sets[0], &rails[1], LiveState::Pending),
            unknown(&sets[0], "20231201000000", "20231201000000"),
            found(
                &sets[1],
                &ms[1],
                failed("recorded as partially applied (success = false) at 2026-01-02 10:00")
            ),
            found(&sets[1], &ms[2], LiveState::Pending),
        ]
    );
    let after = db.query("SELECT CAST(CONCAT(version, ':', success, ':', HEX(checksum)) AS CHAR) FROM _sqlx_migrations ORDER BY version");
    assert_eq!(before, after);
    let (head, tail) = db.url.split_once('@').expect("admin URL has credentials");
    let user = head.rsplit_once(':').map_or(head, |(u, _)| u);
    let err = status(&repo, &sets, &format!("{user}:Wr0ng-pa55word-x@{tail}")).unwrap_err();
    assert!(
        matches!(err, LiveError::Auth(_)) && !err.to_string().contains("Wr0ng-pa55word-x"),
        "{err:?}"
    );
}

/// Issue 10: a database that does not exist (or that the user may not
/// use) is said as such — MySQL/MariaDB answer "Access denied … to
/// database", which is not a wrong password.
#[test]
fn mysql_missing_database_is_not_called_an_authentication_failure() {
    let Some(admin) = server(MY) else { return };
    let db = TestDb::on_server(Kind::My, &admin);
    let user = format!("sc_limited_{}", std::process::id());
    let pw = "Lim1ted-pa55word-q";
    db.exec(&[
        &format!("DROP USER IF EXISTS '{user}'@'%'"),
        &format!("CREATE USER '{user}'@'%' IDENTIFIED BY '{pw}'"),
    ]);
    let repo = Repo::new();
    let s = set(Framework::Prisma, "prisma/migrations", vec![]);
    let (_, tail) = db.url.split_once('@').expect("admin URL has credentials");
    let host = tail.split('/').next().unwrap();
    let url = format!("mysql://{user}:{pw}@{host}/no_such_db_here");
    let err = status(&repo, std::slice::from_ref(&s), &url).unwrap_err();
    db.exec(&[&format!("DROP USER IF EXISTS '{user}'@'%'")]);
    let msg = err.to_string();
    assert!(matches!(err, LiveError::Unreachable(_)), "{err:?}");
    assert!(
        msg.contains("the database does not exist, or user"),
        "{msg}"
    );
    assert!(
        !msg.contains("authentication failed") && !msg.contains(pw),
        "{msg}"
    );
}
