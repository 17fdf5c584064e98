//! Database migrations: discovery of every migration set in the repository
//! (13 frameworks), static layout problems, and — with `--database-url` —
//! the live status read from each framework's tracking table.
//!
//! The model below is shared by discovery (`discover`), the git-aware rules
//! and the live reader (`live`).

pub mod dialect;
pub mod discover;
pub mod history;
pub mod live;
pub mod normalize;

/// A migration framework shipcheck understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    Prisma,
    /// Drizzle 0.x: `<out>/NNNN_name.sql` + `meta/_journal.json`.
    DrizzleJournal,
    /// Drizzle 1.0: `<out>/<YYYYMMDDHHMMSS>_<name>/migration.sql`.
    DrizzleFolders,
    Sqlx,
    Diesel,
    GolangMigrate,
    Goose,
    Flyway,
    Rails,
    Django,
    Alembic,
    Knex,
    TypeOrm,
    Sequelize,
}

impl Framework {
    pub fn name(self) -> &'static str {
        match self {
            Framework::Prisma => "Prisma",
            Framework::DrizzleJournal => "Drizzle",
            Framework::DrizzleFolders => "Drizzle (1.0 folders)",
            Framework::Sqlx => "sqlx",
            Framework::Diesel => "Diesel",
            Framework::GolangMigrate => "golang-migrate",
            Framework::Goose => "goose",
            Framework::Flyway => "Flyway",
            Framework::Rails => "Rails",
            Framework::Django => "Django",
            Framework::Alembic => "Alembic",
            Framework::Knex => "Knex",
            Framework::TypeOrm => "TypeORM",
            Framework::Sequelize => "Sequelize",
        }
    }
}

/// One migration as its framework identifies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// What the tracking table records for it: the Prisma folder name;
    /// the sqlx / golang-migrate / goose / Rails version number as decimal
    /// text; the Flyway version normalised (`1.1`) or, for repeatables, the
    /// script name; Django `app.name`; the Alembic revision id; the Knex /
    /// Sequelize file name; the TypeORM class name; the Drizzle 0.x journal
    /// `when` (ms) or 1.0 folder name; the Diesel version (dashes removed).
    pub id: String,
    /// Human-readable name, e.g. `20250814093000_init` or `0002_add_quiz`.
    pub name: String,
    /// Sort key for out-of-order comparisons (numeric versions zero-padded
    /// to 20 digits so text order is numeric order); `None` where order is
    /// a dependency graph (Django, Alembic) or not meaningful (repeatables).
    pub order_key: Option<String>,
    /// The files that make up the migration, repo-relative; the first is
    /// the script whose checksum a framework records.
    pub files: Vec<String>,
}

/// A directory of migrations of one framework.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationSet {
    pub framework: Framework,
    /// The migrations directory, repo-relative (`prisma/migrations`).
    pub dir: String,
    /// In the framework's order.
    pub migrations: Vec<Migration>,
    /// Files whose change needs a new migration: the Prisma schema file(s),
    /// Rails `db/schema.rb` / `db/structure.sql`, Drizzle schema files,
    /// Django `<app>/models.py` or `<app>/models/*.py`.
    pub schema_files: Vec<String>,
    /// Problems in the layout itself (`migrations/layout`).
    pub problems: Vec<LayoutProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutProblem {
    pub path: String,
    pub line: Option<u32>,
    /// Names the migration / version / file concerned.
    pub message: String,
    /// The concrete fix (command or change).
    pub help: String,
    /// `None`: the framework itself rejects or misorders this, whenever it
    /// was introduced (an error). `Some(files)`: legal, but risky to add:
    /// a warning only when one of these files is new on the branch, and
    /// nothing when they are all already on the base (they are deployed).
    pub only_when_new: Option<Vec<String>>,
}

/// A file the walk read, handed to discovery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoFile {
    pub rel: String,
    pub text: String,
}

impl RepoFile {
    /// A file with this path and text (tests build repositories of them).
    pub fn new(rel: &str, text: &str) -> RepoFile {
        RepoFile {
            rel: rel.to_string(),
            text: text.to_string(),
        }
    }
}
