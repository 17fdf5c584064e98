//! `migrations/missing-index` on real PostgreSQL and MariaDB, through the
//! binary: a sqlx set whose applied migrations create indexes, one of them
//! absent from the database; a table the database lacks and a pending
//! migration are not judged; the run leaves the database as it was, and the
//! statement log taken from the wire (`wire_log`) shows only reads.

use crate::servers::{pg_snapshot, pg_snapshot_settled, MY, PG};
use crate::support::*;
use crate::wire_log::{is_read, WireLog};
use serde_json::Value;

const USERS: &str =
    "CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(200), name VARCHAR(200));\n\
    CREATE UNIQUE INDEX users_email_key ON users (email);\n\
    CREATE INDEX users_name_idx ON users (name);\n\
    -- CREATE INDEX users_commented_idx ON users (email, name);\n";
const POSTS: &str = "CREATE TABLE posts (id BIGINT PRIMARY KEY, author_id BIGINT);\n\
    CREATE INDEX posts_author_idx ON posts (author_id);\n";
const TAGS: &str = "CREATE TABLE tags (id BIGINT PRIMARY KEY, label VARCHAR(50));\n\
    CREATE INDEX tags_label_idx ON tags (label);\n";

/// The repository (a sqlx set: 1 and 2 applied, 3 pending) and the
/// database (`users` with its unique index only; no `posts`; `tags`
/// created by hand without its index).
fn scenario(db: &TestDb) -> Repo {
    let repo = Repo::new();
    let feature = if db.kind == Kind::Pg {
        "postgres"
    } else {
        "mysql"
    };
    repo.write(
        "Cargo.toml",
        format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nsqlx = {{ version = \"0.8\", features = [\"{feature}\"] }}\n").as_bytes(),
    );
    repo.write("src/main.rs", b"fn main() {}\n");
    for (f, sql) in [
        ("migrations/1_users.sql", USERS),
        ("migrations/2_posts.sql", POSTS),
        ("migrations/3_tags.sql", TAGS),
    ] {
        repo.write(f, sql.as_bytes());
    }
    let (ts, bool_type, bytes_type) = match db.kind {
        Kind::Pg => ("TIMESTAMPTZ", "BOOLEAN", "BYTEA"),
        _ => ("TIMESTAMP", "BOOLEAN", "BLOB"),
    };
    let row = |v: u32, sql: &str| {
        format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ({v}, 'm{v}', TRUE, {}, 1)",
            db.bytes(&sha384_hex(sql.as_bytes()))
        )
    };
    db.exec(&[
        &format!("CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on {ts} NOT NULL DEFAULT CURRENT_TIMESTAMP, success {bool_type} NOT NULL, checksum {bytes_type} NOT NULL, execution_time BIGINT NOT NULL)"),
        &row(1, USERS),
        &row(2, POSTS),
        "CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(200), name VARCHAR(200))",
        "CREATE UNIQUE INDEX users_email_key ON users (email)",
        "CREATE TABLE tags (id BIGINT PRIMARY KEY, label VARCHAR(50))",
    ]);
    repo
}

/// Every finding of a JSON run of the binary.
fn findings(repo: &Repo, url: &str) -> Vec<Value> {
    let out = assert_cmd::Command::cargo_bin("shipcheck")
        .expect("binary")
        .args(["check", ".", "--format", "json", "--database-url", url])
        .current_dir(repo.root())
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    v["findings"].as_array().expect("findings").clone()
}

/// The run through a statement-logging proxy: its findings as
/// [`run_rule`] gives them, after checking that every statement shipcheck
/// sent only reads and that the index catalog was among them (so the log
/// is of the run that judged the indexes).
fn run_logged(repo: &Repo, kind: Kind, url: &str, catalog: &str) -> Vec<String> {
    let wire = WireLog::start(kind, url);
    let got = run_rule(repo, &wire.url);
    let log = wire.statements();
    let writes: Vec<&String> = log.iter().filter(|s| !is_read(s)).collect();
    assert!(
        writes.is_empty(),
        "statements that are not reads: {writes:#?}"
    );
    assert!(
        log.iter().any(|s| s.contains(catalog)),
        "the index catalog ({catalog}) is not in the statement log: {log:#?}"
    );
    got
}

/// `path:line rule` of every finding of the two rules this is about.
fn run_rule(repo: &Repo, url: &str) -> Vec<String> {
    let mut got: Vec<String> = findings(repo, url)
        .iter()
        .filter(|f| {
            matches!(
                f["rule"].as_str(),
                Some("migrations/missing-index" | "migrations/pending")
            )
        })
        .map(|f| {
            format!(
                "{}:{} {}",
                f["path"].as_str().unwrap_or("-"),
                f["line"].as_u64().unwrap_or(0),
                f["rule"].as_str().unwrap_or("?")
            )
        })
        .collect();
    got.sort();
    got
}

/// The help of the one `migrations/missing-index` finding.
fn help(repo: &Repo, url: &str) -> String {
    let all = findings(repo, url);
    let mut helps = all
        .iter()
        .filter(|f| f["rule"] == "migrations/missing-index")
        .map(|f| f["help"].as_str().unwrap_or_default().to_string());
    helps.next().expect("a missing-index finding")
}

const WANT: [&str; 2] = [
    "migrations/1_users.sql:3 migrations/missing-index",
    "migrations/3_tags.sql:0 migrations/pending",
];

#[test]
fn postgres_missing_index_reads_only_the_catalog() {
    let Some(admin) = server(PG) else { return };
    let db = TestDb::on_server(Kind::Pg, &admin);
    let repo = scenario(&db);
    let before = pg_snapshot(&db, "_sqlx_migrations");
    assert_eq!(run_logged(&repo, Kind::Pg, &db.url, "pg_index"), WANT);
    let after = pg_snapshot_settled(&db, "_sqlx_migrations", &before);
    assert_eq!(
        before, after,
        "no new schema, table, index, row, lock or lingering session"
    );
    // Once created, nothing is missing.
    db.exec(&["CREATE INDEX users_name_idx ON users (name)"]);
    assert_eq!(run_rule(&repo, &db.url), WANT[1..]);
    // A migration edited after it ran is migrations/checksum-mismatch's:
    // the index it now creates was never asked of the database.
    repo.write(
        "migrations/1_users.sql",
        format!("{USERS}CREATE INDEX users_id_name_idx ON users (id, name);\n").as_bytes(),
    );
    assert_eq!(run_rule(&repo, &db.url), WANT[1..]);
}

#[test]
fn mariadb_missing_index_reads_only_the_catalog() {
    let Some(admin) = server(MY) else { return };
    let db = TestDb::on_server(Kind::My, &admin);
    let repo = scenario(&db);
    let snapshot = || {
        db.query_all(&[
            "SELECT CAST(CONCAT(table_name, ' ', index_name, ' ', column_name) AS CHAR) FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY 1".to_string(),
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1".to_string(),
            "SELECT CAST(CONCAT(version, ' ', HEX(checksum)) AS CHAR) FROM _sqlx_migrations ORDER BY 1".to_string(),
        ])
    };
    let before = snapshot();
    assert_eq!(
        run_logged(&repo, Kind::My, &db.url, "information_schema.statistics"),
        WANT
    );
    assert_eq!(before, snapshot(), "no new table, index or row");
    let h = help(&repo, &db.url);
    assert!(
        h.contains("`CREATE INDEX `users_name_idx` ON `users` (`name`);`")
            && !h.contains("CONCURRENTLY"),
        "{h}"
    );
    // A non-unique index does not stand in for a declared unique one.
    db.exec(&[
        "DROP INDEX users_email_key ON users",
        "CREATE INDEX users_email_key ON users (email)",
        "CREATE INDEX users_name_idx ON users (name)",
    ]);
    assert_eq!(
        run_rule(&repo, &db.url),
        [
            "migrations/1_users.sql:2 migrations/missing-index",
            "migrations/3_tags.sql:0 migrations/pending"
        ]
    );
}

const PRISMA_SCHEMA: &str = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\n\
    model Post {\n  id       Int    @id\n  slug     String @unique\n  authorId Int    @map(\"author_id\")\n  title    String\n  @@index([authorId])\n  @@index([title], map: \"post_title\")\n  @@map(\"posts\")\n}\n\n\
    model Draft {\n  id    Int    @id\n  title String\n  @@index([title])\n}\n";

/// Prisma on PostgreSQL in the URL's `?schema=app`: the same table in
/// `public` with every index does not count; mixed-case quoted names
/// match; with a migration pending, the schema's indexes are not judged.
#[test]
fn postgres_prisma_schema_in_its_own_schema() {
    let Some(admin) = server(PG) else { return };
    let db = TestDb::on_server(Kind::Pg, &admin);
    let repo = Repo::new();
    repo.write("prisma/schema.prisma", PRISMA_SCHEMA.as_bytes());
    repo.write(
        "prisma/migrations/migration_lock.toml",
        b"provider = \"postgresql\"\n",
    );
    let init = "CREATE TABLE \"posts\" (\"id\" INTEGER PRIMARY KEY, \"slug\" TEXT NOT NULL, \"author_id\" INTEGER NOT NULL, \"title\" TEXT NOT NULL);\n";
    repo.write(
        "prisma/migrations/20240101000000_init/migration.sql",
        init.as_bytes(),
    );
    let posts = "CREATE TABLE %s.posts (id INTEGER PRIMARY KEY, slug TEXT NOT NULL, author_id INTEGER NOT NULL, title TEXT NOT NULL)";
    db.exec(&[
        "CREATE SCHEMA app",
        &PRISMA_PG_TABLE.replace("%s", "app"),
        &format!(
            "INSERT INTO app._prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ('a1', '{}', now(), '20240101000000_init', now(), 1)",
            sha256_hex(init.as_bytes())
        ),
        &posts.replace("%s", "app"),
        "CREATE UNIQUE INDEX \"posts_slug_key\" ON app.posts (slug)",
        "CREATE INDEX \"posts_author_id_idx\" ON app.posts (author_id)",
        &posts.replace("%s", "public"),
        "CREATE INDEX post_title ON public.posts (title)",
    ]);
    let url = format!("{}?schema=app", db.url);
    assert_eq!(
        run_rule(&repo, &url),
        ["prisma/schema.prisma:12 migrations/missing-index"]
    );
    repo.write(
        "prisma/migrations/20240102000000_drafts/migration.sql",
        b"CREATE TABLE \"Draft\" (\"id\" INTEGER PRIMARY KEY, \"title\" TEXT NOT NULL);\n",
    );
    assert_eq!(
        run_rule(&repo, &url),
        ["prisma/migrations/20240102000000_drafts/migration.sql:0 migrations/pending"]
    );
}

/// Prisma's `_prisma_migrations` in schema `%s`.
const PRISMA_PG_TABLE: &str = "CREATE TABLE %s._prisma_migrations (id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)";
