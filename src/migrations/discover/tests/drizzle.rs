//! Drizzle 0.x (journal) and 1.0 (folders).

use super::{assert_actionable, ids, names, only, FileList};
use crate::migrations::discover::drizzle::glob_match;
use crate::migrations::Framework;

const JOURNAL: &str = r#"{
  "version": "7",
  "dialect": "postgresql",
  "entries": [
    { "idx": 0, "version": "7", "when": 1735689600000, "tag": "0000_brave_wolf", "breakpoints": true },
    { "idx": 1, "version": "7", "when": 1738368000000, "tag": "0001_quiet_owl", "breakpoints": true }
  ]
}"#;
const CONFIG: &str = "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({\n  dialect: 'postgresql',\n  schema: './src/db/schema.ts',\n  out: './drizzle',\n});\n";

fn snapshot(id: &str, prev: &str) -> String {
    format!("{{\n  \"id\": \"{id}\",\n  \"prevId\": \"{prev}\",\n  \"version\": \"7\"\n}}")
}

#[test]
fn journal_layout() {
    let s0 = snapshot("a", "00000000-0000-0000-0000-000000000000");
    let s1 = snapshot("b", "a");
    let set = only(&[
        ("drizzle.config.ts", CONFIG),
        ("drizzle/meta/_journal.json", JOURNAL),
        ("drizzle/meta/0000_snapshot.json", &s0),
        ("drizzle/meta/0001_snapshot.json", &s1),
        ("drizzle/0000_brave_wolf.sql", "CREATE TABLE a();"),
        ("drizzle/0001_quiet_owl.sql", "CREATE TABLE b();"),
        ("Cargo.toml", "[package]"),
    ]);
    assert_eq!(set.framework, Framework::DrizzleJournal);
    assert_eq!(set.dir, "drizzle");
    assert_eq!(ids(&set), ["1735689600000", "1738368000000"]);
    assert_eq!(names(&set), ["0000_brave_wolf", "0001_quiet_owl"]);
    assert_eq!(
        set.migrations[0].order_key.as_deref(),
        Some("00000001735689600000")
    );
    assert_eq!(set.migrations[1].files, ["drizzle/0001_quiet_owl.sql"]);
    assert_eq!(set.schema_files, ["src/db/schema.ts"]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn journal_problems() {
    // (files, path of the problem, words the message must contain)
    let s_a = snapshot("b", "a");
    let s_b = snapshot("c", "a");
    let cases: Vec<(FileList, &str, Vec<&str>)> = vec![
        (
            vec![
                ("drizzle/meta/_journal.json", JOURNAL),
                ("drizzle/0000_brave_wolf.sql", "x"),
            ],
            "drizzle/meta/_journal.json",
            vec!["0001_quiet_owl", "drizzle/0001_quiet_owl.sql"],
        ),
        (
            vec![
                ("db/out/meta/_journal.json", r#"{"entries": []}"#),
                ("db/out/meta/0001_a_snapshot.json", &s_a),
                ("db/out/meta/0001_b_snapshot.json", &s_b),
            ],
            "db/out/meta/0001_b_snapshot.json",
            vec!["0001_a_snapshot.json", "0001_b_snapshot.json", "collision"],
        ),
        (
            vec![(
                "drizzle/meta/_journal.json",
                "{\n  \"entries\": [\n<<<<<<< HEAD\n  ]\n}",
            )],
            "drizzle/meta/_journal.json",
            vec!["not valid JSON"],
        ),
    ];
    for (files, path, words) in cases {
        let set = only(&files);
        assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
        let p = &set.problems[0];
        assert_eq!(p.path, path);
        assert!(p.line.is_some(), "{p:?}");
        for w in words {
            assert!(p.message.contains(w), "{w} not in {}", p.message);
        }
        assert_actionable(&set);
    }
}

#[test]
fn snapshot_collision_is_for_the_branch_that_adds_one() {
    // Only drizzle-kit generate/check refuse a collision; `migrate` never
    // reads snapshots, so a deployed pair is history (see checks).
    let s_a = snapshot("b", "a");
    let s_b = snapshot("c", "a");
    let s_c = snapshot("d", "b");
    let set = only(&[
        ("db/out/meta/_journal.json", r#"{"entries": []}"#),
        ("db/out/meta/0001_a_snapshot.json", &s_a),
        ("db/out/meta/0001_b_snapshot.json", &s_b),
        ("db/out/meta/0002_snapshot.json", &s_c),
    ]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    let p = &set.problems[0];
    assert_eq!(
        p.only_when_new.as_deref(),
        Some(
            &[
                "db/out/meta/0001_a_snapshot.json".to_string(),
                "db/out/meta/0001_b_snapshot.json".to_string()
            ][..]
        )
    );
    assert!(
        p.message.contains("generate") && p.message.contains("unaffected"),
        "{}",
        p.message
    );
    // Both may be deployed: the help covers that, not just "delete one".
    assert!(
        p.help.contains("if both are deployed") && p.help.contains("prevId"),
        "{}",
        p.help
    );
}

#[test]
fn journal_entry_in_an_unread_folder_is_not_called_missing() {
    // `out: './sql'`: tag files there are not ones the walker keeps unless
    // numbered, so a custom tag can't be called missing.
    let journal = r#"{"entries": [{"idx": 0, "when": 1, "tag": "custom_name"}]}"#;
    let set = only(&[("sql/meta/_journal.json", journal)]);
    assert_eq!(ids(&set), ["1"]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn folder_layout() {
    let config = "export default {\n  schema: ['./src/db/*.ts', './src/auth/schema.ts'],\n  out: './migrations',\n  dialect: 'postgresql',\n};\n";
    let set = only(&[
        ("drizzle.config.ts", config),
        (
            "migrations/20250201000000_add_posts/migration.sql",
            "CREATE TABLE posts();",
        ),
        ("migrations/20250201000000_add_posts/snapshot.json", "{}"),
        (
            "migrations/20250101000000_init/migration.sql",
            "CREATE TABLE users();",
        ),
        ("migrations/20250101000000_init/snapshot.json", "{}"),
        ("src/db/users.ts", "export const users = pgTable()"),
        ("src/db/posts.ts", "export const posts = pgTable()"),
    ]);
    assert_eq!(set.framework, Framework::DrizzleFolders);
    assert_eq!(set.dir, "migrations");
    assert_eq!(
        ids(&set),
        ["20250101000000_init", "20250201000000_add_posts"]
    );
    assert_eq!(
        set.migrations[0].files,
        ["migrations/20250101000000_init/migration.sql"]
    );
    assert_eq!(
        set.schema_files,
        ["src/auth/schema.ts", "src/db/posts.ts", "src/db/users.ts"]
    );
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn folder_without_sql_but_with_snapshot() {
    let set = only(&[
        ("drizzle/20250101000000_init/migration.sql", "SELECT 1;"),
        ("drizzle/20250101000000_init/snapshot.json", "{}"),
        ("drizzle/20250201000000_lost/snapshot.json", "{}"),
    ]);
    assert_eq!(set.framework, Framework::DrizzleFolders);
    assert_eq!(ids(&set), ["20250101000000_init"]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    assert_eq!(set.problems[0].path, "drizzle/20250201000000_lost");
    assert_actionable(&set);
}

#[test]
fn globs() {
    let cases = [
        ("src/db/*.ts", "src/db/users.ts", true),
        ("src/db/*.ts", "src/db/sub/users.ts", false),
        ("src/**/*.ts", "src/db/sub/users.ts", true),
        ("src/**/schema.ts", "src/schema.ts", true),
        ("src/db/{users,posts}.ts", "src/db/posts.ts", true),
        ("src/db/{users,posts}.ts", "src/db/tags.ts", false),
        ("src/db/schema?.ts", "src/db/schema1.ts", true),
        (
            "src/*a*a*a*a*a*b",
            "src/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            false,
        ),
        ("{a,b", "a", false),
    ];
    for (g, p, want) in cases {
        assert_eq!(glob_match(g, p), want, "{g} vs {p}");
    }
}
