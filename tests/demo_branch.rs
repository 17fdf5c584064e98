//! The demo's branch scenario (`fixtures/elearning-platform-branch.sh`, in
//! the README's demo section): the platform on `main`, a feature branch
//! adding course certificates with one Prisma migration, judged against
//! main. The migration's three unsafe statements are reported where they
//! are; the new table's own statements, the column added with a DEFAULT and
//! the nullable one are not.

mod support;

use serde_json::Value;
use std::process::Command;

const MIGRATION: &str = "prisma/migrations/20261201090000_add_certificates/migration.sql";

#[test]
fn the_certificates_branch_is_blocked_by_its_unsafe_migration_only() {
    let script = support::manifest().join("fixtures/elearning-platform-branch.sh");
    let out = Command::new("sh")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_shipcheck"))
        .args(["--format", "json", "--branch", "main"])
        .output()
        .expect("the branch script runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "blocked; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    let mut lint: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"] == MIGRATION)
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["level"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    lint.sort();
    let want = [
        ("migrations/blocking-index", "warning", 30),
        ("migrations/destructive", "warning", 9),
        ("migrations/unsafe-not-null", "error", 13),
    ]
    .map(|(r, l, n)| (r.to_string(), l.to_string(), n));
    assert_eq!(lint, want, "the migration's findings, and only those");
    // The migrations already on main are never judged by the lint.
    let on_main = report["findings"].as_array().unwrap().iter().any(|f| {
        f["path"] != MIGRATION
            && f["rule"].as_str().is_some_and(|r| {
                matches!(
                    r,
                    "migrations/unsafe-not-null"
                        | "migrations/blocking-index"
                        | "migrations/destructive"
                        | "migrations/unvalidated-constraint"
                )
            })
    });
    assert!(!on_main, "a migration already on main was judged: {stdout}");
}
