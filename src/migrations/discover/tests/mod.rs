//! Discovery tests: in-memory repositories per framework, decoys, the demo
//! fixture, and a property that no input makes discovery panic.

mod alembic;
mod django;
mod drizzle;
mod flyway;
mod js;
mod prisma;
mod props;
mod rails;
mod sql_dirs;

use super::{discover, is_relevant};
use crate::migrations::{Framework, MigrationSet, RepoFile};

/// A table row's files.
pub(super) type Files<'a> = &'a [(&'a str, &'a str)];
pub(super) type FileList<'a> = Vec<(&'a str, &'a str)>;

/// A repository of (path, text) pairs, sorted by path as the walker hands it.
pub(super) fn repo(files: &[(&str, &str)]) -> Vec<RepoFile> {
    let mut v: Vec<RepoFile> = files
        .iter()
        .map(|(rel, text)| RepoFile {
            rel: rel.to_string(),
            text: text.to_string(),
        })
        .collect();
    v.sort_by(|a, b| a.rel.cmp(&b.rel));
    v
}

/// The one set discovery finds, asserting there is exactly one.
pub(super) fn only(files: &[(&str, &str)]) -> MigrationSet {
    let sets = discover(&repo(files));
    assert_eq!(sets.len(), 1, "expected one set, got {sets:#?}");
    sets.into_iter().next().expect("one set")
}

pub(super) fn ids(set: &MigrationSet) -> Vec<&str> {
    set.migrations.iter().map(|m| m.id.as_str()).collect()
}

pub(super) fn names(set: &MigrationSet) -> Vec<&str> {
    set.migrations.iter().map(|m| m.name.as_str()).collect()
}

/// Every problem names something and says how to fix it.
pub(super) fn assert_actionable(set: &MigrationSet) {
    for p in &set.problems {
        assert!(
            !p.path.is_empty() && !p.message.is_empty() && !p.help.is_empty(),
            "{p:?}"
        );
    }
}

#[test]
fn relevance_is_precise() {
    let yes = [
        "prisma/schema.prisma",
        "prisma/migrations/migration_lock.toml",
        "prisma/migrations/20250101000000_init/migration.sql",
        "apps/api/package.json",
        "prisma.config.ts",
        "drizzle.config.ts",
        "drizzle/meta/_journal.json",
        "drizzle/meta/0000_snapshot.json",
        "drizzle/0000_brave_wolf.sql",
        "src/db/schema.ts",
        "src/db/schema/users.ts",
        "src/users.schema.ts",
        "db/schema.rb",
        "db/structure.sql",
        "db/migrate/20240101000000_create_users.rb",
        "db/animals_migrate/20240101000000_create_dogs.rb",
        "blog/migrations/0001_initial.py",
        "blog/models.py",
        "blog/models/post.py",
        "alembic/versions/abc123_init.py",
        "alembic.ini",
        "pyproject.toml",
        "src/main/resources/db/migration/V1__init.sql",
        "sql/V2_1__more.sql",
        "sql/R__views.sql",
        "diesel.toml",
        "sqlx.toml",
        "Cargo.toml",
        "go.mod",
        "knexfile.js",
        ".sequelizerc",
        "src/data-source.ts",
        "ormconfig.json",
        "schema/001_users.sql",
        "db/000001_init.up.cql",
        "src/db/1700000000000-Init.ts",
        "custom/2024-01-01-120000_create/up.sql",
        "./migrations/1_init.sql",
    ];
    for p in yes {
        assert!(is_relevant(p), "{p} should be relevant");
    }
    let no = [
        "",
        "node_modules/prisma/migrations/x/migration.sql",
        "apps/web/node_modules/.prisma/client/schema.prisma",
        "web/node_modules/pkg/package.json",
        ".git/config",
        "src/index.ts",
        "README.md",
        "db/seeds.rb",
        "db/seed.sql",
        "scripts/setup.sql",
        "worker/jobs/transcode.py",
        "app/versions.py",
        "src/lib.rs",
        "docs/schema.md",
        "types/schema.d.ts",
    ];
    for p in no {
        assert!(!is_relevant(p), "{p} should not be relevant");
    }
}

#[test]
fn demo_fixture_has_one_clean_prisma_set() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/elearning-platform");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(rel) = path.strip_prefix(&root) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !is_relevant(&rel) {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
            files.push(RepoFile { rel, text });
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let sets = discover(&files);
    assert_eq!(sets.len(), 1, "{sets:#?}");
    let set = &sets[0];
    assert_eq!(set.framework, Framework::Prisma);
    assert_eq!(set.dir, "prisma/migrations");
    assert_eq!(
        ids(set),
        [
            "20250814093000_init",
            "20250922141500_add_quizzes",
            "20251103100000_add_payments",
            "20260210120000_add_video_transcoding",
        ]
    );
    assert_eq!(set.schema_files, ["prisma/schema.prisma"]);
    assert_eq!(
        set.migrations[0].files,
        ["prisma/migrations/20250814093000_init/migration.sql"]
    );
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn decoys_yield_nothing() {
    let files = repo(&[
        ("migrations/README.md", "# Migrations\nNothing here yet.\n"),
        (
            "node_modules/some-orm/migrations/20240101000000_init.js",
            "exports.up = (knex) => knex.schema;",
        ),
        (
            "node_modules/pkg/prisma/migrations/20240101000000_x/migration.sql",
            "CREATE TABLE x();",
        ),
        (
            "node_modules/pkg/prisma/schema.prisma",
            "datasource db { provider = \"mysql\" }",
        ),
        ("db/seeds/seed.sql", "INSERT INTO users VALUES (1);"),
        ("scripts/001_setup.sql", "CREATE TABLE t();"),
        (
            "supabase/migrations/20240101000000_init.sql",
            "create table t();",
        ),
        (
            "alembic/env.py",
            "from alembic import context\nrevision = 'x'\n",
        ),
        ("blog/migrations/__init__.py", ""),
        ("worker/models.py", "class Job: pass\n"),
    ]);
    assert_eq!(discover(&files), Vec::<MigrationSet>::new());
}

#[test]
fn a_monorepo_lists_every_set_sorted_by_dir() {
    let files = repo(&[
        (
            "services/billing/Cargo.toml",
            "[package]\nname = \"billing\"\n",
        ),
        (
            "services/billing/migrations/20240101000000_init.sql",
            "CREATE TABLE a();",
        ),
        (
            "apps/web/prisma/schema.prisma",
            "datasource db {\n  provider = \"postgresql\"\n}\n",
        ),
        (
            "apps/web/prisma/migrations/migration_lock.toml",
            "provider = \"postgresql\"\n",
        ),
        (
            "apps/web/prisma/migrations/20240101000000_init/migration.sql",
            "CREATE TABLE b();",
        ),
        (
            "backend/db/migrate/20240101000000_create_users.rb",
            "class CreateUsers; end",
        ),
        ("backend/blog/migrations/__init__.py", ""),
        (
            "backend/blog/migrations/0001_initial.py",
            "class Migration(migrations.Migration):\n    dependencies = []\n",
        ),
    ]);
    let sets = discover(&files);
    let got: Vec<(&str, Framework)> = sets.iter().map(|s| (s.dir.as_str(), s.framework)).collect();
    assert_eq!(
        got,
        [
            ("apps/web/prisma/migrations", Framework::Prisma),
            ("backend/blog/migrations", Framework::Django),
            ("backend/db/migrate", Framework::Rails),
            ("services/billing/migrations", Framework::Sqlx),
        ]
    );
    assert!(sets.iter().all(|s| s.problems.is_empty()), "{sets:#?}");
}
