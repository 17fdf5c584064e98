//! Drizzle. 0.x: `<out>/meta/_journal.json` lists the migrations (`idx`,
//! `when`, `tag`), each `<out>/<tag>.sql`, with `meta/<n>_snapshot.json`
//! chained by `prevId`. 1.0: `<out>/<YYYYMMDDHHMMSS>_<name>/migration.sql`
//! beside `snapshot.json`, and no journal. `out` and the schema files come from
//! `drizzle.config.{ts,js,…}` (`out` defaults to `./drizzle`).

use super::files::{file_name, join, parent, resolve, Repo};
use super::problems::problem;
use super::text::{js_prop, line_at};
use super::Claimed;
use crate::migrations::{Framework, LayoutProblem, Migration, MigrationSet};
use std::collections::{BTreeMap, BTreeSet};

struct Config {
    out: String,
    /// Resolved schema paths or globs.
    schema: Vec<String>,
}

fn configs(repo: &Repo) -> Vec<Config> {
    let mut out = Vec::new();
    for (path, text) in repo.all() {
        if !file_name(path).starts_with("drizzle.config.") {
            continue;
        }
        let base = parent(path);
        let dir = js_prop(text, "out")
            .and_then(|v| v.into_iter().next())
            .unwrap_or_else(|| "./drizzle".to_string());
        let Some(dir) = resolve(base, &dir) else {
            continue;
        };
        let schema = js_prop(text, "schema")
            .unwrap_or_default()
            .iter()
            .filter_map(|s| resolve(base, s))
            .collect();
        out.push(Config { out: dir, schema });
    }
    out
}

pub(super) fn discover(repo: &Repo, claimed: &mut Claimed) -> Vec<MigrationSet> {
    let configs = configs(repo);
    let mut sets = Vec::new();
    let mut journal_dirs = BTreeSet::new();
    for (path, text) in repo.all() {
        if file_name(path) == "_journal.json" && file_name(parent(path)) == "meta" {
            let out = parent(parent(path)).to_string();
            if claimed.contains(&out) || !journal_dirs.insert(out.clone()) {
                continue;
            }
            let schema = schema_files(repo, &configs, &out);
            sets.push(journal_set(repo, &out, path, text, schema));
        }
    }
    claimed.extend(journal_dirs);

    // 1.0 folders: named by a config's `out`, or holding `snapshot.json`s.
    let mut folder_dirs: BTreeSet<String> = configs.iter().map(|c| c.out.clone()).collect();
    for (path, _) in repo.all() {
        let folder = parent(path);
        if file_name(path) == "snapshot.json"
            && file_name(folder)
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit())
        {
            folder_dirs.insert(parent(folder).to_string());
        }
    }
    for dir in folder_dirs {
        if claimed.contains(&dir) || repo.exists(&join(&dir, "meta/_journal.json")) {
            continue;
        }
        let subs = repo.subdirs(&dir);
        if !subs
            .values()
            .any(|f| f.contains(&"migration.sql") || f.contains(&"snapshot.json"))
        {
            continue;
        }
        let schema = schema_files(repo, &configs, &dir);
        sets.push(folder_set(&dir, subs, schema));
        claimed.insert(dir);
    }
    sets
}

fn journal_set(
    repo: &Repo,
    out: &str,
    journal: &str,
    text: &str,
    schema_files: Vec<String>,
) -> MigrationSet {
    let mut migrations = Vec::new();
    let mut problems = Vec::new();
    match serde_json::from_str::<serde_json::Value>(text) {
        Err(e) => problems.push(problem(
            journal,
            u32::try_from(e.line()).ok().filter(|l| *l > 0),
            format!("Drizzle journal {journal} is not valid JSON ({e}); `drizzle-kit migrate` cannot read it"),
            "repair the journal (a merge conflict keeps both sides' entries: list every \
             migration once, in `idx` order), then run `npx drizzle-kit check`"
                .to_string(),
        )),
        Ok(json) => {
            let entries = json.get("entries").and_then(|e| e.as_array());
            for entry in entries.into_iter().flatten() {
                let Some(tag) = entry.get("tag").and_then(|t| t.as_str()) else { continue };
                let Some(when) = entry.get("when").and_then(when_ms) else { continue };
                let sql = join(out, &format!("{tag}.sql"));
                if !repo.exists(&sql) && super::is_relevant(&sql) {
                    let line = text.find(&format!("\"{tag}\"")).map(|at| line_at(text, at));
                    problems.push(problem(
                        journal,
                        line,
                        format!(
                            "Drizzle journal entry `{tag}` has no SQL file {sql}; \
                             `drizzle-kit migrate` fails on it"
                        ),
                        format!(
                            "restore {sql} from the branch that generated it, or remove the \
                             `{tag}` entry from the journal and run `npx drizzle-kit generate` again"
                        ),
                    ));
                }
                migrations.push(Migration {
                    id: when.to_string(),
                    name: tag.to_string(),
                    order_key: Some(format!("{when:020}")),
                    files: vec![sql],
                });
            }
        }
    }
    problems.extend(snapshot_collisions(repo, out));
    MigrationSet {
        framework: Framework::DrizzleJournal,
        dir: out.to_string(),
        migrations,
        schema_files,
        problems,
    }
}

/// The journal's `when`: milliseconds as an integer (written as a number,
/// sometimes as a float with no fraction).
fn when_ms(v: &serde_json::Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        let f = v.as_f64()?;
        (f >= 0.0 && f.fract() == 0.0 && f < 1e19).then_some(f as u64)
    })
}

/// Two snapshots sharing a `prevId`: two migrations generated from the same
/// parent on different branches. Only drizzle-kit's `generate` and `check`
/// refuse this (a collision); `migrate` reads the journal and the SQL files,
/// never the snapshots, so deploys are unaffected. A warning for the branch
/// that adds such a snapshot; nothing for a pair already on the base.
fn snapshot_collisions(repo: &Repo, out: &str) -> Vec<LayoutProblem> {
    let mut by_prev: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for (name, path, text) in repo.children(&join(out, "meta")) {
        if name.starts_with('_') || !name.ends_with("snapshot.json") {
            continue;
        }
        let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
            continue;
        };
        if let Some(prev) = json.get("prevId").and_then(|p| p.as_str()) {
            by_prev
                .entry(prev.to_string())
                .or_default()
                .push((path, text));
        }
    }
    let mut problems = Vec::new();
    for (prev, snaps) in by_prev {
        let Some(((first, _), rest)) = snaps.split_first() else {
            continue;
        };
        for (path, text) in rest {
            let line = text.find("\"prevId\"").map(|at| line_at(text, at));
            let (a, b) = (file_name(first), file_name(path));
            let mut p = problem(
                path,
                line,
                format!(
                    "Drizzle snapshots {a} and {b} both follow snapshot {prev}: two migrations \
                     were generated from the same parent (a branch collision); `drizzle-kit \
                     generate` and `drizzle-kit check` refuse it, deploys (`drizzle-kit \
                     migrate`) are unaffected"
                ),
                format!(
                    "if {b}'s migration has not reached any database, delete it (its .sql, \
                     snapshot and journal entry), merge the schema and run `npx drizzle-kit \
                     generate` again; if both are deployed, keep their SQL and relink the chain: \
                     set `prevId` in {b} to the `id` in {a}, then confirm with `npx drizzle-kit \
                     check` (review the next generated migration: it must not repeat {a}'s change)"
                ),
            );
            p.only_when_new = Some(vec![first.to_string(), path.to_string()]);
            problems.push(p);
        }
    }
    problems
}

fn folder_set(
    dir: &str,
    subs: BTreeMap<&str, Vec<&str>>,
    schema_files: Vec<String>,
) -> MigrationSet {
    let mut migrations = Vec::new();
    let mut problems = Vec::new();
    for (sub, files) in subs {
        if sub.starts_with('.') {
            continue;
        }
        let folder = join(dir, sub);
        if files.contains(&"migration.sql") {
            migrations.push(Migration {
                id: sub.to_string(),
                name: sub.to_string(),
                order_key: Some(sub.to_string()),
                files: vec![format!("{folder}/migration.sql")],
            });
        } else if files.contains(&"snapshot.json") {
            problems.push(problem(
                &folder,
                None,
                format!(
                    "Drizzle migration folder `{sub}` has a snapshot.json but no migration.sql; \
                     the migrator skips it, so its schema change never reaches the database"
                ),
                format!(
                    "restore `{folder}/migration.sql`, or delete the folder and run \
                     `npx drizzle-kit generate` again"
                ),
            ));
        }
    }
    MigrationSet {
        framework: Framework::DrizzleFolders,
        dir: dir.to_string(),
        migrations,
        schema_files,
        problems,
    }
}

/// The schema files of the config whose `out` is `dir`: literal paths as
/// written (a directory expands to the files under it), globs matched
/// against the files discovery was given.
fn schema_files(repo: &Repo, configs: &[Config], dir: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    for c in configs.iter().filter(|c| c.out == dir) {
        for s in &c.schema {
            if s.contains(['*', '?', '{', '[']) {
                out.extend(
                    repo.all()
                        .map(|(p, _)| p)
                        .filter(|p| glob_match(s, p))
                        .map(str::to_string),
                );
            } else {
                let below: Vec<String> = repo
                    .under(s)
                    .into_iter()
                    .map(|(p, _)| p.to_string())
                    .filter(|p| is_script(p))
                    .collect();
                if below.is_empty() {
                    out.insert(s.clone());
                } else {
                    out.extend(below);
                }
            }
        }
    }
    out.into_iter().collect()
}

fn is_script(p: &str) -> bool {
    [".ts", ".js", ".mts", ".cts", ".mjs", ".cjs"]
        .iter()
        .any(|e| p.ends_with(e))
        && !p.ends_with(".d.ts")
}

/// Glob matching on `/`-separated paths: `**` any number of segments, `*`
/// and `?` within one, `{a,b}` alternatives.
pub(super) fn glob_match(glob: &str, path: &str) -> bool {
    // Alternatives multiply; no real config has this many.
    if glob.matches('{').count() > 6 || glob.matches("**").count() > 4 {
        return false;
    }
    if let Some(open) = glob.find('{') {
        let Some(close) = glob[open..].find('}').map(|c| open + c) else {
            return false;
        };
        return glob[open + 1..close].split(',').any(|alt| {
            glob_match(
                &format!("{}{alt}{}", &glob[..open], &glob[close + 1..]),
                path,
            )
        });
    }
    let g: Vec<&str> = glob.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    segs_match(&g, &p)
}

fn segs_match(g: &[&str], p: &[&str]) -> bool {
    match g.split_first() {
        None => p.is_empty(),
        Some((&"**", rest)) => (0..=p.len()).any(|i| segs_match(rest, &p[i..])),
        Some((seg, rest)) => match p.split_first() {
            Some((first, prest)) => {
                crate::config::wildcard_match(seg.as_bytes(), first.as_bytes())
                    && segs_match(rest, prest)
            }
            None => false,
        },
    }
}
