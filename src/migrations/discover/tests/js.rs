//! Knex, Sequelize and TypeORM.

use super::{assert_actionable, discover, ids, only, repo, FileList};
use crate::migrations::Framework;

fn typeorm(class: &str) -> String {
    format!("import {{ MigrationInterface, QueryRunner }} from \"typeorm\";\n\nexport class {class} implements MigrationInterface {{\n    public async up(queryRunner: QueryRunner): Promise<void> {{}}\n}}\n")
}

#[test]
fn each_runner() {
    // (files, framework, dir, ids)
    let init = typeorm("Init1700000000000");
    let posts = typeorm("AddPosts1700000005000");
    let cases: Vec<(FileList, Framework, &str, Vec<&str>)> = vec![
        (
            vec![
                ("knexfile.js", "module.exports = { client: 'pg' };"),
                ("migrations/20240102000000_add_posts.js", "exports.up = function (k) { return k.schema; };"),
                ("migrations/20240101000000_create_users.js", "exports.up = function (k) { return k.schema; };"),
            ],
            Framework::Knex,
            "migrations",
            vec!["20240101000000_create_users.js", "20240102000000_add_posts.js"],
        ),
        (
            vec![(
                "db/migrations/20240101000000_init.ts",
                "import { Knex } from 'knex';\nexport async function up(knex: Knex): Promise<void> {}\n",
            )],
            Framework::Knex,
            "db/migrations",
            vec!["20240101000000_init.ts"],
        ),
        (
            vec![(
                "migrations/20240101000000-create-user.js",
                "'use strict';\nmodule.exports = {\n  async up(queryInterface, Sequelize) {}\n};\n",
            )],
            Framework::Sequelize,
            "migrations",
            vec!["20240101000000-create-user.js"],
        ),
        (
            vec![
                ("src/migrations/1700000005000-AddPosts.ts", posts.as_str()),
                ("src/migrations/1700000000000-Init.ts", init.as_str()),
                ("src/data-source.ts", "export const AppDataSource = new DataSource({});"),
            ],
            Framework::TypeOrm,
            "src/migrations",
            vec!["Init1700000000000", "AddPosts1700000005000"],
        ),
    ];
    for (files, framework, dir, want) in cases {
        let set = only(&files);
        assert_eq!((set.framework, set.dir.as_str()), (framework, dir));
        assert_eq!(ids(&set), want);
        assert!(set.problems.is_empty(), "{:#?}", set.problems);
    }
    let set = only(&[("src/migrations/1700000000000-Init.ts", init.as_str())]);
    assert_eq!(
        set.migrations[0].order_key.as_deref(),
        Some("00000001700000000000")
    );
    assert_eq!(set.migrations[0].name, "1700000000000-Init");
}

#[test]
fn typeorm_problems() {
    let a = typeorm("AddA1700000000000");
    let b = typeorm("AddB1700000000000");
    let again = typeorm("AddA1700000000000");
    let bad = typeorm("AddC");
    let set = only(&[
        ("src/migrations/1700000000000-AddA.ts", &a),
        ("src/migrations/1700000000000-AddB.ts", &b),
        ("src/migrations/1700000000000-AddAAgain.ts", &again),
        ("src/migrations/1700000009999-AddC.ts", &bad),
    ]);
    assert_eq!(set.framework, Framework::TypeOrm);
    assert_eq!(set.problems.len(), 3, "{:#?}", set.problems);
    assert!(set
        .problems
        .iter()
        .any(|p| p.message.contains("Duplicate migrations")));
    // Duplicate names are an error (TypeORM throws); a shared timestamp is
    // legal, both run, in load order: a warning for the branch adding one.
    let dup = set
        .problems
        .iter()
        .find(|p| p.message.contains("Duplicate migrations"))
        .expect("duplicate name");
    assert_eq!(dup.only_when_new, None);
    let shared = set
        .problems
        .iter()
        .find(|p| p.message.contains("share the timestamp 1700000000000"))
        .expect("shared timestamp");
    assert!(
        shared.message.contains("rests on load order") && !shared.message.contains("undefined"),
        "{}",
        shared.message
    );
    assert_eq!(
        shared.only_when_new.as_deref(),
        Some(
            &[
                "src/migrations/1700000000000-AddA.ts".to_string(),
                "src/migrations/1700000000000-AddB.ts".to_string()
            ][..]
        )
    );
    assert!(set
        .problems
        .iter()
        .any(|p| p.path.ends_with("AddC.ts") && p.line == Some(3)));
    assert_actionable(&set);

    // TypeORM reads `parseInt(name.substr(-13))`: a `name` property wins
    // over the class name, and trailing non-digits after a number pass.
    let named = format!(
        "{}\n",
        typeorm("Whatever").replace(
            "{\n    public async",
            "{\n    name = 'Init1700000000000'\n    public async"
        )
    );
    let set = only(&[("src/migrations/1700000000000-Init.ts", named.as_str())]);
    assert_eq!(ids(&set), ["Init1700000000000"]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    for (name, ok) in [
        ("Init1700000000000", true),
        ("Init0000000000000", false),
        ("Init", false),
        ("X17000000000ab", true),
        ("X1700000000000abc", false),
    ] {
        assert_eq!(
            super::super::js::typeorm_timestamp(name).is_some(),
            ok,
            "{name}"
        );
    }
}

#[test]
fn not_migrations() {
    let sets = discover(&repo(&[
        (
            "node_modules/some-orm/migrations/20240101000000_init.js",
            "exports.up = (knex) => knex;",
        ),
        (
            "migrations/20240101000000_notes.js",
            "console.log('not a migration')",
        ),
        ("src/1700000000000-helper.ts", "export const x = 1;"),
    ]));
    assert!(sets.is_empty(), "{sets:#?}");
}
