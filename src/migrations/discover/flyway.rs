//! Flyway: `V<version>__<desc>.sql` and `R__<desc>.sql` under `db/migration`
//! (any depth, e.g. `src/main/resources/db/migration`), under the
//! `locations` of `flyway.conf` / `flyway.toml`, or in a directory of their
//! own outside Rust projects (where the same names belong to refinery).
//! Versions compare as integer parts with `_` read as `.`: `V01` is `V1`,
//! `V1_1` is `V1.1`, and trailing zero parts don't count (`1.0` = `1`).

use super::files::{file_name, parent, resolve, Repo};
use super::problems::duplicates;
use super::text::{quoted_strings, re};
use super::Claimed;
use crate::migrations::{Framework, Migration, MigrationSet};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static VERSIONED: LazyLock<Regex> = LazyLock::new(|| re(r"^V([0-9][0-9._]*?)__(.+)\.sql$"));
static CONF_LOCATIONS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*flyway\.locations[ \t]*=[ \t]*(.+?)[ \t\r]*$"));
static TOML_LOCATIONS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]*locations[ \t]*=[ \t]*\[([^\]]*)\]"));

/// Can `name` be `V<version>__<desc>.sql` at all? Asked before the
/// regex, which most repositories then never compile.
fn may_be_versioned(name: &str) -> bool {
    name.starts_with('V') && name.ends_with(".sql")
}

/// `V<version>__<desc>.sql`.
pub(super) fn is_versioned_name(name: &str) -> bool {
    may_be_versioned(name) && VERSIONED.is_match(name)
}

/// A Flyway version as its integer parts: `_` read as `.`, leading zeros
/// and trailing zero parts dropped (`V01_0` → `1`, `V1_1` → `1.1`), so two
/// versions Flyway treats as equal have the same parts. `None` for a
/// version Flyway rejects.
pub(super) fn parts(version: &str) -> Option<Vec<String>> {
    let v = version.replace('_', ".");
    let mut parts = Vec::new();
    for p in v.split('.') {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts.push(super::text::strip_zeros(p));
    }
    while parts.len() > 1 && parts.last().is_some_and(|p| p == "0") {
        parts.pop();
    }
    Some(parts)
}

/// Where scripts may live: exact directories and classpath suffixes.
#[derive(Default)]
struct Locations {
    dirs: Vec<String>,
    suffixes: Vec<String>,
}

fn locations(repo: &Repo) -> Locations {
    let mut loc = Locations::default();
    for (path, text) in repo.all() {
        let entries: Vec<String> = match file_name(path) {
            "flyway.conf" => CONF_LOCATIONS
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .flat_map(|m| {
                    m.as_str()
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .collect::<Vec<_>>()
                })
                .collect(),
            "flyway.toml" => TOML_LOCATIONS
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .flat_map(|m| quoted_strings(m.as_str()))
                .collect(),
            _ => continue,
        };
        let base = parent(path);
        for e in entries {
            if let Some(fs) = e.strip_prefix("filesystem:") {
                loc.dirs.extend(resolve(base, fs));
            } else {
                let cp = e.strip_prefix("classpath:").unwrap_or(&e).trim_matches('/');
                if !cp.is_empty() && !cp.contains(':') {
                    loc.suffixes.push(cp.to_string());
                    loc.dirs.extend(resolve(base, cp));
                }
            }
        }
    }
    loc
}

/// The location root a script belongs to.
fn root_of(repo: &Repo, loc: &Locations, path: &str) -> Option<String> {
    let slashed = format!("/{path}");
    if let Some(i) = slashed.find("/db/migration/") {
        return Some(path[..i + "db/migration".len()].to_string());
    }
    if let Some(d) = loc.dirs.iter().find(|d| path.starts_with(&format!("{d}/"))) {
        return Some(d.clone());
    }
    for s in &loc.suffixes {
        if let Some(i) = slashed.find(&format!("/{s}/")) {
            return Some(path[..i + s.len()].to_string());
        }
    }
    let dir = parent(path);
    let rust = repo.nearest_marker(dir, &["Cargo.toml"]).is_some();
    (!rust).then(|| dir.to_string())
}

pub(super) fn discover(repo: &Repo, claimed: &mut Claimed) -> Vec<MigrationSet> {
    let loc = locations(repo);
    let mut roots: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (path, _) in repo.all() {
        let name = file_name(path);
        if !(is_versioned_name(name) || name.starts_with("R__") && name.ends_with(".sql")) {
            continue;
        }
        if let Some(root) = root_of(repo, &loc, path) {
            roots.entry(root).or_default().push(path);
        }
    }
    let mut sets = Vec::new();
    for (root, paths) in roots {
        if claimed.contains(&root) {
            continue;
        }
        let mut versioned = Vec::new();
        let mut repeatable = Vec::new();
        for path in paths {
            let name = file_name(path);
            let stem = name.strip_suffix(".sql").unwrap_or(name);
            if let Some(c) = may_be_versioned(name)
                .then(|| VERSIONED.captures(name))
                .flatten()
            {
                let Some(parts) = c.get(1).and_then(|v| parts(v.as_str())) else {
                    continue;
                };
                let key = parts
                    .iter()
                    .map(|p| format!("{p:0>20}"))
                    .collect::<Vec<_>>()
                    .join(".");
                versioned.push(Migration {
                    id: parts.join("."),
                    name: stem.to_string(),
                    order_key: Some(key),
                    files: vec![path.to_string()],
                });
            } else if let Some(desc) = stem.strip_prefix("R__") {
                let script = path
                    .get(root.len()..)
                    .unwrap_or(name)
                    .trim_start_matches('/');
                repeatable.push((
                    desc.to_string(),
                    Migration {
                        id: script.to_string(),
                        name: stem.to_string(),
                        order_key: None,
                        files: vec![path.to_string()],
                    },
                ));
            }
        }
        if versioned.is_empty() {
            continue;
        }
        versioned.sort_by(|a, b| (&a.order_key, &a.name).cmp(&(&b.order_key, &b.name)));
        repeatable.sort_by(|a, b| a.0.cmp(&b.0));
        let problems = duplicates(
            "Flyway",
            &versioned,
            |m| Some(m.id.clone()),
            "version",
            |earlier, later| {
                format!(
                "renumber {} (the one not deployed yet) above the newest version; Flyway reads `_` \
                 as `.` and ignores leading zeros, so it clashes with {} (\"Found more than one \
                 migration with version\")",
                later.name, earlier.name
            )
            },
        );
        let mut migrations = versioned;
        migrations.extend(repeatable.into_iter().map(|(_, m)| m));
        sets.push(MigrationSet {
            framework: Framework::Flyway,
            dir: root.clone(),
            migrations,
            schema_files: Vec::new(),
            problems,
        });
        claimed.insert(root);
    }
    sets
}
