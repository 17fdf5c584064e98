//! The git-aware migration rules on real git repositories built here: a PR
//! branch that edits a merged migration, adds one that sorts before main's
//! newest and changes schema.prisma without a migration; one that only edits
//! a schema comment; shallow clones, unrelated histories, a first commit.

mod support;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use support::{git, write};

const SCHEMA: &str = "// Course platform\ndatasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\ngenerator client {\n  provider = \"prisma-client-js\"\n}\n\nmodel User {\n  id    String @id @default(cuid())\n  email String @unique\n}\n";

/// main: two migrations and a schema; returns the repo.
fn repo_with_main() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".env.example", "DATABASE_URL=\n");
    write(d, "prisma/schema.prisma", SCHEMA);
    write(
        d,
        "prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    write(
        d,
        "prisma/migrations/20250101000000_init/migration.sql",
        "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL);\n",
    );
    write(
        d,
        "prisma/migrations/20250201000000_add_email/migration.sql",
        "ALTER TABLE \"User\" ADD COLUMN \"email\" TEXT NOT NULL;\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "main"]);
    git(d, &["checkout", "-q", "-b", "feature"]);
    dir
}

fn check(dir: &Path, base: &str) -> (i32, Value) {
    let out = Command::cargo_bin("shipcheck")
        .unwrap()
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_ACTIONS")
        .arg("check")
        .arg(dir)
        .args(["--base", base, "--branch", "feature/x", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

fn migration_findings(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"].as_str().unwrap().starts_with("migrations/")
                || f["rule"] == "scan/git-history"
        })
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap_or("-")
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn edited_out_of_order_and_schema_without_migration_fire_at_the_right_files() {
    let dir = repo_with_main();
    let d = dir.path();
    write(
        d,
        "prisma/migrations/20250101000000_init/migration.sql",
        "CREATE TABLE \"User\" (\"id\" TEXT NOT NULL, \"x\" INT);\n",
    );
    write(
        d,
        "prisma/migrations/20250115000000_add_index/migration.sql",
        "CREATE INDEX \"User_id_idx\" ON \"User\"(\"id\");\n",
    );
    write(
        d,
        "prisma/schema.prisma",
        SCHEMA.replace(
            "  email String @unique\n",
            "  email String @unique\n  bio   String?\n",
        ),
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "feature"]);
    let (code, v) = check(d, "main");
    assert_eq!(code, 1);
    assert_eq!(
        migration_findings(&v),
        [
            // The new migration indexes main's table without CONCURRENTLY.
            "migrations/blocking-index prisma/migrations/20250115000000_add_index/migration.sql",
            "migrations/edited prisma/migrations/20250101000000_init/migration.sql",
            "migrations/out-of-order prisma/migrations/20250115000000_add_index/migration.sql",
            "migrations/schema-without-migration prisma/schema.prisma",
        ]
    );
    let schema = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "migrations/schema-without-migration")
        .unwrap();
    assert_eq!(schema["line"], 14, "the first changed line of the schema");
    assert!(schema["message"].as_str().unwrap().contains("bio"));
}

#[test]
fn a_schema_change_with_its_migration_is_fine() {
    let dir = repo_with_main();
    let d = dir.path();
    write(
        d,
        "prisma/schema.prisma",
        SCHEMA.replace(
            "  email String @unique\n",
            "  email String @unique\n  bio   String?\n",
        ),
    );
    write(
        d,
        "prisma/migrations/20250301000000_add_bio/migration.sql",
        "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "feature"]);
    let (code, v) = check(d, "main");
    assert_eq!(migration_findings(&v), Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn comment_and_formatting_edits_of_the_schema_are_not_findings() {
    let dir = repo_with_main();
    let d = dir.path();
    let edited = SCHEMA
        .replace(
            "// Course platform\n",
            "// Course platform — users and courses\n",
        )
        .replace(
            "  email String @unique\n",
            "  /// login address\n  email    String    @unique // unique per user\n",
        )
        .replace(
            "provider = \"prisma-client-js\"\n",
            "provider = \"prisma-client-js\"\n  previewFeatures = [\"metrics\"]\n",
        );
    write(d, "prisma/schema.prisma", &edited);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "comments"]);
    let (code, v) = check(d, "main");
    assert_eq!(migration_findings(&v), Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn missing_history_is_explained_not_fatal() {
    // A shallow clone of the feature branch does not have main.
    let dir = repo_with_main();
    let d = dir.path();
    write(
        d,
        "prisma/migrations/20250301000000_more/migration.sql",
        "SELECT 1;\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "feature"]);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", d.display());
    let c = clone.path().join("c");
    let ok = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--branch", "feature", &url])
        .arg(&c)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let (code, v) = check(&c, "origin/main");
    assert_eq!(code, 0, "a warning does not block a feature branch");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "scan/git-history")
        .expect("scan/git-history");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("shallow") && msg.contains("fetch-depth: 0"),
        "{msg}"
    );

    // Unrelated history.
    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    git(o, &["init", "-q", "-b", "main"]);
    write(o, "a.txt", "x\n");
    git(o, &["add", "-A"]);
    git(o, &["commit", "-q", "-m", "a"]);
    git(o, &["checkout", "-q", "--orphan", "island"]);
    write(o, "b.txt", "y\n");
    git(o, &["add", "-A"]);
    git(o, &["commit", "-q", "-m", "b"]);
    let (_, v) = check(o, "main");
    let msg = v["findings"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(msg.contains("shares no history"), "{v:#}");

    // No commits at all.
    let empty = tempfile::tempdir().unwrap();
    git(empty.path(), &["init", "-q"]);
    write(empty.path(), "a.ts", "export const a = 1;\n");
    let (code, v) = check(empty.path(), "main");
    assert_eq!(code, 0);
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no commits"),
        "{v:#}"
    );
}

#[test]
fn a_first_commit_compared_with_itself_has_nothing_to_say() {
    let dir = repo_with_main();
    let (code, v) = check(dir.path(), "main");
    assert_eq!(code, 0);
    assert_eq!(migration_findings(&v), Vec::<String>::new());
}
