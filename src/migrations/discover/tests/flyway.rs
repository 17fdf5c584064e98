//! Flyway: locations, version normalisation, repeatables, duplicates.

use super::{assert_actionable, discover, ids, only, repo};
use crate::migrations::discover::flyway::parts;
use crate::migrations::Framework;

#[test]
fn versions_normalise_like_flyway_compares_them() {
    let cases = [
        ("1", Some("1")),
        ("01", Some("1")),
        ("1_1", Some("1.1")),
        ("1.1", Some("1.1")),
        ("1.0", Some("1")),
        ("2024.01.05.1200", Some("2024.1.5.1200")),
        ("0", Some("0")),
        ("1..2", None),
        ("1.a", None),
    ];
    for (v, want) in cases {
        assert_eq!(parts(v).map(|p| p.join(".")).as_deref(), want, "{v}");
    }
}

#[test]
fn default_location() {
    let set = only(&[
        (
            "src/main/resources/db/migration/V2__add_posts.sql",
            "CREATE TABLE posts();",
        ),
        (
            "src/main/resources/db/migration/V1_1__users.sql",
            "CREATE TABLE users();",
        ),
        (
            "src/main/resources/db/migration/V1__init.sql",
            "CREATE TABLE a();",
        ),
        (
            "src/main/resources/db/migration/V10__later.sql",
            "SELECT 1;",
        ),
        (
            "src/main/resources/db/migration/views/R__views.sql",
            "CREATE VIEW v AS SELECT 1;",
        ),
        (
            "src/main/resources/db/migration/U2__undo.sql",
            "DROP TABLE posts;",
        ),
    ]);
    assert_eq!(set.framework, Framework::Flyway);
    assert_eq!(set.dir, "src/main/resources/db/migration");
    assert_eq!(ids(&set), ["1", "1.1", "2", "10", "views/R__views.sql"]);
    let last = set.migrations.last().expect("repeatable");
    assert_eq!(last.order_key, None);
    assert_eq!(
        last.files,
        ["src/main/resources/db/migration/views/R__views.sql"]
    );
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn duplicate_versions() {
    let set = only(&[
        ("db/migration/V1__init.sql", "x"),
        ("db/migration/V01__init_again.sql", "y"),
        ("db/migration/V1_1__a.sql", "x"),
        ("db/migration/V1.1__b.sql", "y"),
        ("db/migration/V2__c.sql", "x"),
    ]);
    assert_eq!(set.problems.len(), 2, "{:#?}", set.problems);
    assert!(set
        .problems
        .iter()
        .any(|p| p.message.contains("version 1 ")));
    assert!(set
        .problems
        .iter()
        .any(|p| p.message.contains("version 1.1 ")));
    assert_actionable(&set);
}

#[test]
fn configured_locations_and_refinery() {
    let set = only(&[
        ("flyway.conf", "flyway.url=jdbc:postgresql://localhost/app\nflyway.locations=filesystem:sql/migrations\n"),
        ("sql/migrations/V1__init.sql", "x"),
        ("sql/migrations/V2__more.sql", "y"),
    ]);
    assert_eq!(
        (set.framework, set.dir.as_str()),
        (Framework::Flyway, "sql/migrations")
    );
    assert_eq!(ids(&set), ["1", "2"]);

    let set = only(&[
        ("flyway.toml", "[environments.default]\nurl = \"x\"\n\n[flyway]\nlocations = [\"filesystem:database\"]\n"),
        ("database/v1/V1__init.sql", "x"),
        ("database/v2/V2__more.sql", "y"),
    ]);
    assert_eq!(set.dir, "database");
    assert_eq!(ids(&set), ["1", "2"]);

    // The same names in a Rust project are refinery's.
    let sets = discover(&repo(&[
        ("Cargo.toml", "[package]"),
        ("migrations/V1__init.sql", "x"),
    ]));
    assert!(sets.is_empty(), "{sets:#?}");
}
