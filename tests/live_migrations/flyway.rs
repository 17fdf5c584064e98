//! Flyway against SQLite (the PostgreSQL flavour is in `servers.rs`):
//! CRC32 checksums, failed rows, repeatables and baselines.

use crate::support::*;
use shipcheck::migrations::live::{LiveFinding, LiveState};
use shipcheck::migrations::{Framework, Migration, MigrationSet};

const FLYWAY_DDL: &str = r#"CREATE TABLE "flyway_schema_history" (
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INT,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL
)"#;

pub fn flyway_row(
    rank: u32,
    version: Option<&str>,
    desc: &str,
    kind: &str,
    script: &str,
    sum: Option<i32>,
    ok: bool,
) -> String {
    format!(
        "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) \
         VALUES ({rank}, {}, {}, {}, {}, {}, 'ci', '2026-01-02 10:00:00', 5, {})",
        version.map_or("NULL".to_string(), lit),
        lit(desc),
        lit(kind),
        lit(script),
        sum.map_or("NULL".to_string(), |s| s.to_string()),
        if ok { "TRUE" } else { "FALSE" }
    )
}

/// V1 (applied from CRLF, intact), V1_1 (edited), V2 (failed), V4 (pending),
/// R__views (edited repeatable: re-run, so pending); V3 applied, no file.
pub fn flyway_case(repo: &Repo) -> (MigrationSet, Vec<Migration>, Vec<String>) {
    let file = |name: &str, sql: &[u8]| {
        let f = format!("db/migration/{name}.sql");
        repo.write(&f, sql);
        f
    };
    let v1 = b"CREATE TABLE person (id INT);\nINSERT INTO person VALUES (1);\n";
    let ms = vec![
        mig("1", "V1__init", &file("V1__init", v1)),
        mig(
            "1.1",
            "V1_1__add_users",
            &file(
                "V1_1__add_users",
                b"CREATE TABLE users (id INT, name TEXT);\n",
            ),
        ),
        mig(
            "2",
            "V2__seed",
            &file("V2__seed", b"INSERT INTO users VALUES (1, 'a');\n"),
        ),
        mig(
            "4",
            "V4__more",
            &file("V4__more", b"CREATE TABLE more (id INT);\n"),
        ),
        mig(
            "R__views.sql",
            "R__views",
            &file("R__views", b"CREATE VIEW v AS SELECT 2;\n"),
        ),
    ];
    let crlf = String::from_utf8_lossy(v1).replace('\n', "\r\n");
    let rows = vec![
        flyway_row(
            1,
            Some("1"),
            "init",
            "SQL",
            "V1__init.sql",
            Some(flyway_crc(crlf.as_bytes())),
            true,
        ),
        flyway_row(
            2,
            Some("1.1"),
            "add users",
            "SQL",
            "V1_1__add_users.sql",
            Some(flyway_crc(b"CREATE TABLE users (id INT);\n")),
            true,
        ),
        flyway_row(
            3,
            Some("2"),
            "seed",
            "SQL",
            "V2__seed.sql",
            Some(flyway_crc(b"INSERT INTO users VALUES (1, 'a');\n")),
            false,
        ),
        flyway_row(
            4,
            Some("3"),
            "gone",
            "SQL",
            "V3__gone.sql",
            Some(12345),
            true,
        ),
        flyway_row(
            5,
            None,
            "views",
            "SQL",
            "R__views.sql",
            Some(flyway_crc(b"CREATE VIEW v AS SELECT 1;\n")),
            true,
        ),
    ];
    (set(Framework::Flyway, "db/migration", ms.clone()), ms, rows)
}

pub fn flyway_expected(s: &MigrationSet, ms: &[Migration]) -> Vec<LiveFinding> {
    vec![
        found(s, &ms[1], LiveState::ChecksumMismatch),
        found(s, &ms[2], failed("recorded as failed (success = false) at 2026-01-02 10:00; `flyway repair` after fixing the schema")),
        found(s, &ms[3], LiveState::Pending),
        found(s, &ms[4], LiveState::Pending),
        unknown(s, "3", "V3__gone"),
    ]
}

#[test]
fn flyway_crc32_failed_rows_repeatables_and_baseline() {
    let repo = Repo::new();
    let (s, ms, rows) = flyway_case(&repo);
    let db = TestDb::sqlite();
    let mut stmts = vec![
        FLYWAY_DDL.to_string(),
        r#"CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success")"#
            .to_string(),
    ];
    stmts.extend(rows);
    db.exec(&stmts.iter().map(String::as_str).collect::<Vec<_>>());
    let report = status(&repo, std::slice::from_ref(&s), &db.url).expect("live status");
    assert_eq!(report.findings, flyway_expected(&s, &ms));

    // Baselined at 2: everything up to it counts as applied.
    let base = TestDb::sqlite();
    base.exec(&[
        FLYWAY_DDL,
        &flyway_row(
            1,
            Some("2"),
            "<< Flyway Baseline >>",
            "BASELINE",
            "<< Flyway Baseline >>",
            None,
            true,
        ),
    ]);
    let report = status(&repo, std::slice::from_ref(&s), &base.url).expect("live status");
    assert_eq!(
        report.findings,
        vec![
            found(&s, &ms[3], LiveState::Pending),
            found(&s, &ms[4], LiveState::Pending)
        ]
    );
}
