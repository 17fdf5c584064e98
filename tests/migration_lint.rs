//! The unsafe-migration lints on real git repositories: main holds a
//! migration that creates a table; a feature branch adds migrations that
//! change it. Only what the branch adds is judged, only against a base.

mod support;

use serde_json::Value;
use std::path::Path;
use support::{git, shipcheck, write};

/// main: a Prisma (PostgreSQL) set creating `User` and `Post`, a Drizzle
/// (MySQL, from its journal) set creating `accounts`; then branch `feature`.
fn repo_with_main() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "prisma/schema.prisma", "model User {\n  id Int @id\n}\n");
    write(
        d,
        "prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    write(
        d,
        "prisma/migrations/20250101000000_init/migration.sql",
        "CREATE TABLE \"User\" (\"id\" INTEGER PRIMARY KEY, \"name\" TEXT);\n\
         CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY, \"authorId\" INTEGER);\n\
         -- Deployed long ago: never judged again.\n\
         ALTER TABLE \"User\" ADD COLUMN \"legacy\" TEXT NOT NULL;\n",
    );
    write(
        d,
        "drizzle.config.ts",
        "export default { dialect: 'mysql', schema: './src/schema.ts', out: './drizzle' };\n",
    );
    write(d, "src/schema.ts", "export const accounts = 1;\n");
    write(
        d,
        "drizzle/meta/_journal.json",
        r#"{"version":"7","dialect":"mysql","entries":[{"idx":0,"version":"5","when":1735689600000,"tag":"0000_init","breakpoints":true}]}"#,
    );
    write(
        d,
        "drizzle/0000_init.sql",
        "CREATE TABLE accounts (id int PRIMARY KEY);\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "main"]);
    git(d, &["checkout", "-q", "-b", "feature"]);
    dir
}

fn add_feature_migrations(d: &Path) {
    write(
        d,
        "prisma/migrations/20250301000000_roles/migration.sql",
        "/*\n  Warnings:\n\n  - Added the required column `role` to the table `User` without a default value.\n*/\n\
         -- AlterTable\n\
         ALTER TABLE \"User\" ADD COLUMN \"role\" TEXT NOT NULL;\n\
         -- CreateIndex\n\
         CREATE INDEX \"Post_authorId_idx\" ON \"Post\"(\"authorId\");\n\
         ALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"fullName\";\n\
         ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\");\n\
         CREATE TABLE \"Team\" (\"id\" INTEGER PRIMARY KEY);\n\
         ALTER TABLE \"Team\" ADD COLUMN \"slug\" TEXT NOT NULL;\n\
         CREATE INDEX \"Team_slug_idx\" ON \"Team\"(\"slug\");\n",
    );
    write(
        d,
        "drizzle/meta/_journal.json",
        r#"{"version":"7","dialect":"mysql","entries":[{"idx":0,"version":"5","when":1735689600000,"tag":"0000_init","breakpoints":true},{"idx":1,"version":"5","when":1740787200000,"tag":"0001_plan","breakpoints":true}]}"#,
    );
    write(
        d,
        "drizzle/0001_plan.sql",
        "ALTER TABLE accounts ADD plan varchar(20) NOT NULL;--> statement-breakpoint\nCREATE INDEX accounts_plan ON accounts (plan);\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "feature"]);
}

fn run(d: &Path, extra: &[&str]) -> (i32, Value) {
    let out = shipcheck()
        .arg("check")
        .arg(d)
        .args(["--format", "json", "--branch", "feature/x"])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

/// `rule path:line level` of the lint findings.
fn lint_findings(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let r = f["rule"].as_str().unwrap();
            [
                "migrations/unsafe-not-null",
                "migrations/blocking-index",
                "migrations/destructive",
                "migrations/unvalidated-constraint",
            ]
            .contains(&r)
                || r == "suppression/invalid"
        })
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap_or("-"),
                f["line"],
                f["level"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_branch_judged_against_main_gets_one_finding_per_unsafe_statement() {
    let dir = repo_with_main();
    let d = dir.path();
    add_feature_migrations(d);
    let (code, v) = run(d, &["--base", "main"]);
    assert_eq!(code, 1, "an unsafe NOT NULL blocks");
    let p = "prisma/migrations/20250301000000_roles/migration.sql";
    assert_eq!(
        lint_findings(&v),
        [
            "migrations/unsafe-not-null drizzle/0001_plan.sql:1 error".to_string(),
            format!("migrations/unsafe-not-null {p}:7 error"),
            format!("migrations/blocking-index {p}:9 warning"),
            format!("migrations/destructive {p}:10 warning"),
            format!("migrations/unvalidated-constraint {p}:11 notice"),
        ]
    );
    let text = |rule: &str, path: &str| {
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule && f["path"] == path)
            .unwrap();
        format!("{} | {}", f["message"], f["help"])
    };
    let mysql = text("migrations/unsafe-not-null", "drizzle/0001_plan.sql");
    assert!(
        mysql.contains("`plan`") && mysql.contains("'' or 0"),
        "{mysql}"
    );
    assert!(mysql.contains(".default("), "Drizzle's way: {mysql}");
    let pg = text("migrations/unsafe-not-null", p);
    assert!(
        pg.contains("`role`") && pg.contains("PostgreSQL fails"),
        "{pg}"
    );
    let idx = text("migrations/blocking-index", p);
    assert!(
        idx.contains("CONCURRENTLY") && idx.contains("its own"),
        "{idx}"
    );
    let ren = text("migrations/destructive", p);
    assert!(ren.contains("@map(\\\"name\\\")"), "{ren}");
}

#[test]
fn without_a_base_nothing_is_judged() {
    let dir = repo_with_main();
    let d = dir.path();
    add_feature_migrations(d);
    let (_, v) = run(d, &[]);
    assert_eq!(lint_findings(&v), Vec::<String>::new());
}

#[test]
fn on_main_itself_every_migration_is_on_the_base() {
    let dir = repo_with_main();
    let d = dir.path();
    add_feature_migrations(d);
    git(d, &["checkout", "-q", "main"]);
    git(d, &["merge", "-q", "--ff-only", "feature"]);
    let (_, v) = run(d, &["--base", "main"]);
    assert_eq!(lint_findings(&v), Vec::<String>::new());
}

#[test]
fn a_suppression_covers_the_statement_below_and_needs_a_reason() {
    let dir = repo_with_main();
    let d = dir.path();
    write(
        d,
        "prisma/migrations/20250301000000_drop/migration.sql",
        "-- shipcheck-ignore: migrations/destructive -- Post is empty in production\n\
         DROP TABLE \"Post\";\n\
         -- shipcheck-ignore: migrations/destructive\n\
         ALTER TABLE \"User\" DROP COLUMN \"name\";\n\
         ALTER TABLE \"User\" DROP COLUMN \"legacy\";\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "drop"]);
    let (_, v) = run(d, &["--base", "main"]);
    let p = "prisma/migrations/20250301000000_drop/migration.sql";
    assert_eq!(
        lint_findings(&v),
        [
            format!("suppression/invalid {p}:3 error"),
            format!("migrations/destructive {p}:5 warning"),
        ]
    );
}
