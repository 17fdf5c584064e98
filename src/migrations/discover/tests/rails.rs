//! Rails: versions, schema dumps in and out of sync, names Rails rejects.

use super::{assert_actionable, ids, names, only};
use crate::migrations::Framework;

fn schema_rb(version: &str) -> String {
    format!("# This file is auto-generated.\n\nActiveRecord::Schema[7.1].define(version: {version}) do\n  create_table \"users\" do |t|\n  end\nend\n")
}

const M1: (&str, &str) = (
    "db/migrate/20240115123456_create_users.rb",
    "class CreateUsers < ActiveRecord::Migration[7.1]\nend\n",
);
const M2: (&str, &str) = (
    "db/migrate/20240220100000_add_email_to_users.rb",
    "class AddEmailToUsers < ActiveRecord::Migration[7.1]\nend\n",
);

#[test]
fn in_sync() {
    let schema = schema_rb("2024_02_20_100000");
    let set = only(&[
        M2,
        M1,
        ("db/schema.rb", &schema),
        ("db/seeds.rb", "User.create!"),
    ]);
    assert_eq!(set.framework, Framework::Rails);
    assert_eq!(set.dir, "db/migrate");
    assert_eq!(ids(&set), ["20240115123456", "20240220100000"]);
    assert_eq!(
        names(&set),
        [
            "20240115123456_create_users",
            "20240220100000_add_email_to_users"
        ]
    );
    assert_eq!(
        set.migrations[0].order_key.as_deref(),
        Some("00000020240115123456")
    );
    assert_eq!(set.schema_files, ["db/schema.rb"]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);

    // Older Rails wrote the version without underscores or brackets.
    let old = "ActiveRecord::Schema.define(version: 20240220100000) do\nend\n";
    let set = only(&[M1, M2, ("db/schema.rb", old)]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn stale_schema_dump() {
    let schema = schema_rb("2024_01_15_123456");
    let set = only(&[M1, M2, ("db/schema.rb", &schema)]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    let p = &set.problems[0];
    assert_eq!((p.path.as_str(), p.line), ("db/schema.rb", Some(3)));
    assert!(
        p.message.contains("2024_01_15_123456")
            && p.message.contains("20240220100000_add_email_to_users.rb")
    );
    assert!(p.help.contains("bin/rails db:migrate"));
    assert!(p.message.contains("PendingMigrationError"), "{}", p.message);
    // Deploys never read the dump: only a branch adding a migration the
    // dump misses hears about it (a warning, see checks).
    assert_eq!(
        p.only_when_new.as_deref(),
        Some(&[M2.0.to_string()][..]),
        "{p:#?}"
    );
    assert_actionable(&set);

    // Several migrations past the dump: all of them count as the change.
    let m3 = (
        "db/migrate/20240301000000_add_name_to_users.rb",
        "class AddNameToUsers < ActiveRecord::Migration[7.1]\nend\n",
    );
    let set = only(&[M1, M2, m3, ("db/schema.rb", &schema)]);
    assert_eq!(
        set.problems[0].only_when_new.as_deref(),
        Some(&[M2.0.to_string(), m3.0.to_string()][..])
    );
}

#[test]
fn structure_sql() {
    let listed = "SET search_path = public;\n\nINSERT INTO \"schema_migrations\" (version) VALUES\n('20240220100000'),\n('20240115123456');\n\n";
    let set = only(&[M1, M2, ("db/structure.sql", listed)]);
    assert_eq!(set.schema_files, ["db/structure.sql"]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);

    let stale = "INSERT INTO \"schema_migrations\" (version) VALUES\n('20240115123456');\n";
    let set = only(&[M1, M2, ("db/structure.sql", stale)]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    assert_eq!(
        (set.problems[0].path.as_str(), set.problems[0].line),
        ("db/structure.sql", Some(1))
    );
    assert_eq!(
        set.problems[0].only_when_new.as_deref(),
        Some(&[M2.0.to_string()][..])
    );

    // Both dumps committed, structure.sql current: schema.rb is a leftover.
    let old_rb = schema_rb("2023_01_01_000000");
    let set = only(&[
        M1,
        M2,
        ("db/structure.sql", listed),
        ("db/schema.rb", &old_rb),
    ]);
    assert_eq!(set.schema_files, ["db/schema.rb", "db/structure.sql"]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn duplicate_and_illegal_names() {
    let set = only(&[
        M1,
        (
            "db/migrate/20240115123456_create_accounts.rb",
            "class CreateAccounts; end",
        ),
        (
            "db/migrate/20240301000000_AddIndex.rb",
            "class AddIndex; end",
        ),
        (
            "db/migrate/20240302000000_create_blobs.active_storage.rb",
            "class CreateBlobs; end",
        ),
    ]);
    assert_eq!(
        ids(&set),
        ["20240115123456", "20240115123456", "20240302000000"]
    );
    assert_eq!(set.problems.len(), 2, "{:#?}", set.problems);
    assert!(set.problems.iter().any(
        |p| p.path.ends_with("_AddIndex.rb") && p.message.contains("IllegalMigrationNameError")
    ));
    assert!(set
        .problems
        .iter()
        .any(|p| p.path.ends_with("20240115123456_create_users.rb")
            && p.message.contains("20240115123456")));
    assert_actionable(&set);
}

#[test]
fn multiple_databases() {
    let schema = schema_rb("2024_01_01_000000");
    let set = only(&[
        (
            "db/animals_migrate/20240101000000_create_dogs.rb",
            "class CreateDogs; end",
        ),
        ("db/animals_schema.rb", &schema),
    ]);
    assert_eq!(set.dir, "db/animals_migrate");
    assert_eq!(set.schema_files, ["db/animals_schema.rb"]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn duplicate_class_names() {
    // Both camelize to AddIndexToUsers: Migrator#validate raises
    // DuplicateMigrationNameError on every `db:migrate`.
    let a = (
        "db/migrate/20240101000000_add_index_to_users.rb",
        "class AddIndexToUsers < ActiveRecord::Migration[7.1]\nend\n",
    );
    let b = (
        "db/migrate/20240301000000_add_index_to_users.rb",
        "class AddIndexToUsers < ActiveRecord::Migration[7.1]\nend\n",
    );
    let set = only(&[b, M1, a]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    let p = &set.problems[0];
    assert_eq!(p.path, b.0);
    assert!(
        p.message.contains("AddIndexToUsers")
            && p.message.contains("DuplicateMigrationNameError")
            && p.message.contains("20240101000000_add_index_to_users"),
        "{}",
        p.message
    );
    assert_eq!(p.only_when_new, None);
    assert_actionable(&set);

    // A scope is not part of the name; a doubled underscore camelizes away.
    let set = only(&[
        (
            "db/migrate/20240101000000_create_blobs.active_storage.rb",
            "class CreateBlobs; end",
        ),
        (
            "db/migrate/20240201000000_create__blobs.rb",
            "class CreateBlobs; end",
        ),
    ]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    assert_eq!(
        set.problems[0].path,
        "db/migrate/20240201000000_create__blobs.rb"
    );

    // Decoys: different names, and one name in two databases' directories
    // (separate migrations paths, validated separately).
    let set = only(&[M1, M2]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    let sets = super::discover(&super::repo(&[
        a,
        (
            "db/animals_migrate/20240301000000_add_index_to_users.rb",
            "class AddIndexToUsers; end",
        ),
    ]));
    assert_eq!(sets.len(), 2, "{sets:#?}");
    assert!(sets.iter().all(|s| s.problems.is_empty()), "{sets:#?}");
}
