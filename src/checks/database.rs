//! The checklist's database items that a repository shows without a
//! connection: `database/unindexed-foreign-key` (a Prisma relation, or a
//! raw SQL migration's foreign key, on PostgreSQL whose fields no index
//! starts with: "Database indexes created") and `database/connection-pool` (a serverless deployment whose
//! production database URL has no pooler: "Database connection pooling
//! configured"). Both notices: they cost performance, not correctness.
//! Docs: `docs/rules/database-*.md`.

pub mod missing_index;
pub mod pool;
pub mod prisma_schema;
pub mod sql_keys;

use super::repo::{at_value, RepoCheck, RepoFacts};
use super::Context;
use crate::finding::{Finding, Span};
use crate::migrations::Framework;
use crate::rules::{Area, Judged, Level, Rule};
use prisma_schema::Schema;
use std::collections::{BTreeMap, BTreeSet};

pub const UNINDEXED_FOREIGN_KEY: Rule = Rule {
    id: "database/unindexed-foreign-key",
    default_level: Some(Level::Notice),
    area: Area::Migrations,
    judged: Judged::Lines,
    summary: "a Prisma relation or SQL migration foreign key on PostgreSQL whose columns no index starts with (PostgreSQL does not index foreign keys itself)",
    options: &[],
    doc: crate::rule_doc!("database-unindexed-foreign-key"),
    module: module_path!(),
};

pub const CONNECTION_POOL: Rule = Rule {
    id: "database/connection-pool",
    default_level: Some(Level::Notice),
    area: Area::Environment,
    judged: Judged::State,
    summary: "the production database URL of a serverless deployment (Vercel, Netlify, Lambda) connects without a pooler",
    options: &[],
    doc: crate::rule_doc!("database-connection-pool"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&UNINDEXED_FOREIGN_KEY, &CONNECTION_POOL];

pub struct DatabaseRules;

impl RepoCheck for DatabaseRules {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        unindexed_foreign_keys(facts, ctx, out);
        unindexed_sql_foreign_keys(facts, ctx, out);
        connection_pool(facts, ctx, out);
        missing_index::check(facts, ctx, out);
    }
}

/// The production `.prisma` files, one schema per migration set (its
/// schema files read together) and, for files no set names (a schema
/// deployed with `db push`), one per folder.
fn schemas(facts: &RepoFacts, ctx: &Context) -> Vec<Schema> {
    let text: BTreeMap<&str, &str> = facts
        .repo_files
        .iter()
        .filter(|f| f.rel.ends_with(".prisma") && facts.is_production(ctx, &f.rel))
        .map(|f| (f.rel.as_str(), f.text.as_str()))
        .collect();
    let mut groups: Vec<Vec<&str>> = Vec::new();
    let mut grouped: BTreeSet<&str> = BTreeSet::new();
    for set in facts
        .migration_sets
        .iter()
        .filter(|s| s.framework == Framework::Prisma)
    {
        let files: Vec<&str> = set
            .schema_files
            .iter()
            .filter_map(|f| text.get_key_value(f.as_str()).map(|(k, _)| *k))
            .filter(|f| grouped.insert(f))
            .collect();
        if !files.is_empty() {
            groups.push(files);
        }
    }
    let mut by_dir: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in text.keys().filter(|f| !grouped.contains(*f)) {
        let dir = f.rsplit_once('/').map_or("", |(d, _)| d);
        by_dir.entry(dir).or_default().push(f);
    }
    groups.extend(by_dir.into_values());
    groups
        .into_iter()
        .map(|files| {
            let mut schema = Schema::default();
            for f in files {
                schema.add_file(f, text[f]);
            }
            schema
        })
        .collect()
}

fn unindexed_foreign_keys(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(level) = ctx.settings.level(&UNINDEXED_FOREIGN_KEY) else {
        return;
    };
    for schema in schemas(facts, ctx).iter().filter(|s| s.is_postgresql()) {
        facts.judged.mark(
            UNINDEXED_FOREIGN_KEY.id,
            Area::Migrations,
            "a PostgreSQL Prisma schema",
        );
        for (model, fields, place) in schema.unindexed_foreign_keys() {
            let (m, list) = (&model.name, fields.join(", "));
            let message = format!(
                "foreign key `{m}.{list}` has no index: PostgreSQL does not index foreign-key columns, so reading a relation through `{list}`, and every delete or key change of the row it references, scans all of `{m}`"
            );
            let help = format!(
                "add `@@index([{list}])` to model `{m}` and create it with a migration (on a large table, `CREATE INDEX CONCURRENTLY` in a migration of its own)"
            );
            let span = Span {
                line: place.line,
                column: place.column,
                end_line: place.line,
                end_column: place.end_column,
            };
            out.push(
                Finding::new(&UNINDEXED_FOREIGN_KEY, level, message, help).at(
                    &place.path,
                    span,
                    &place.text,
                ),
            );
        }
    }
}

/// A raw SQL set's up scripts (path and the text of its up section) of
/// the migrations `take` keeps, in migration order, and the set's dialect
/// (declared by the framework's files, or told from the statements).
pub(super) fn up_scripts<'a>(
    facts: &'a RepoFacts,
    ctx: &Context,
    set: &'a crate::migrations::MigrationSet,
    take: impl Fn(&crate::migrations::Migration) -> bool,
) -> (
    Vec<(&'a str, String)>,
    Option<crate::migrations::dialect::Dialect>,
) {
    use crate::checks::migration_lint::{is_up_script, up_section};
    use crate::migrations::dialect;
    let text: BTreeMap<&str, &str> = facts
        .repo_files
        .iter()
        .map(|f| (f.rel.as_str(), f.text.as_str()))
        .collect();
    let read = |p: &str| text.get(p).map(|t| t.to_string());
    let scripts: Vec<(&str, String)> = set
        .migrations
        .iter()
        .filter(|m| take(m))
        .flat_map(|m| &m.files)
        .filter(|f| is_up_script(f) && facts.is_production(ctx, f))
        .filter_map(|f| Some((f.as_str(), up_section(set.framework, text.get(f.as_str())?))))
        .collect();
    let dialect = dialect::declared(set, &read)
        .or_else(|| dialect::from_statements(scripts.iter().map(|(_, t)| t.as_str())));
    (scripts, dialect)
}

/// `database/unindexed-foreign-key` on the raw SQL sets on PostgreSQL
/// that are not Prisma's (whose schema says it above).
fn unindexed_sql_foreign_keys(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    use crate::checks::migration_lint::is_sql_framework;
    use crate::migrations::dialect::Dialect;
    for set in facts
        .migration_sets
        .iter()
        .filter(|s| is_sql_framework(s.framework) && s.framework != Framework::Prisma)
    {
        let (scripts, dialect) = up_scripts(facts, ctx, set, |_| true);
        if dialect != Some(Dialect::PostgreSql) {
            continue;
        }
        facts
            .judged
            .mark(UNINDEXED_FOREIGN_KEY.id, Area::Migrations, set.dir.clone());
        for fk in sql_keys::unindexed(&scripts) {
            let (t, list) = (&fk.table, fk.columns.join(", "));
            out.extend(super::migrations::at(
                &UNINDEXED_FOREIGN_KEY,
                ctx,
                &fk.path,
                Some(fk.line),
                format!("foreign key `{t}.{list}` has no index in the migrations of `{}`: PostgreSQL does not index foreign-key columns, so reading rows by `{list}`, and every delete or key change of the row it references, scans all of `{t}`", set.dir),
                format!("add `CREATE INDEX CONCURRENTLY ON {t} ({list});` in a new migration of its own"),
            ));
        }
    }
}

fn connection_pool(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(config) = pool::serverless_config(facts.repo_files, |p| facts.is_production(ctx, p))
    else {
        return;
    };
    for env in facts.environments.iter().filter(|e| e.is_production) {
        for v in facts.judged_values(env) {
            let value = v.value.trim();
            if !pool::is_app_database_url(&v.key) || value.contains("${") {
                continue;
            }
            let Ok(url) = url::Url::parse(value) else {
                continue;
            };
            facts
                .judged
                .mark(CONNECTION_POOL.id, Area::Migrations, env.name.clone());
            let local = url.host_str().is_some_and(super::env_values::is_loopback);
            if local || pool::direct_connection(&url) != Some(true) {
                continue;
            }
            let name = &v.key;
            out.extend(at_value(ctx, &CONNECTION_POOL, v, env,
                format!("{name} connects to the database without a pooler, and `{config}` deploys the app as serverless functions: every instance opens its own connections, and a burst of traffic exhausts the database's connection limit"),
                format!("point {name} at a pooled endpoint (Neon's `-pooler` host, Supabase's pooler on port 6543, Prisma Accelerate, or your own PgBouncer); with Prisma behind PgBouncer add `?pgbouncer=true`, and keep the direct URL for migrations in `directUrl`"),
            ));
        }
    }
}
