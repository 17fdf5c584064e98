//! Records against the repository: each migration of the sets that share a
//! tracking table is pending, failed, edited (checksum mismatch) or fine;
//! each record with no migration file is unknown-applied.

use super::records::{flyway_version, script_stem, sort_key, strip_zeros, History, Record};
use super::{checksum, python};
use super::{LiveFinding, LiveState};
use crate::migrations::{Framework, Migration, MigrationSet};
use crate::workspace::tree::Tree;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One set's outcome: findings in migration order, and how many of its
/// migrations the table records as applied.
pub struct SetOutcome {
    pub findings: Vec<LiveFinding>,
    pub applied: usize,
}

/// A Flyway repeatable (`R__…`): keyed by script, re-run when edited.
fn repeatable(framework: Framework, m: &Migration) -> bool {
    framework == Framework::Flyway && (m.name.starts_with("R__") || m.id.ends_with(".sql"))
}

/// The record key a migration matches.
pub fn key_of(framework: Framework, m: &Migration) -> String {
    match framework {
        Framework::Sqlx | Framework::GolangMigrate | Framework::Goose | Framework::Rails => {
            strip_zeros(&m.id)
        }
        Framework::Diesel => m.id.replace('-', ""),
        Framework::Flyway if !repeatable(framework, m) => flyway_version(&m.id),
        Framework::Knex | Framework::Sequelize => script_stem(&m.id),
        _ => m.id.clone(),
    }
}

fn read(tree: &Tree, m: &Migration) -> Option<Vec<u8>> {
    m.files.first().and_then(|f| tree.read(f).ok())
}

fn numeric_le(a: &str, b: &str) -> bool {
    if a.contains('.') || b.contains('.') {
        let parts = |s: &str| s.split('.').map(sort_key).collect::<Vec<_>>();
        let (pa, mut pb) = (parts(a), parts(b));
        pb.resize(pa.len().max(pb.len()), sort_key("0"));
        let mut pa = pa;
        pa.resize(pb.len(), sort_key("0"));
        return pa <= pb;
    }
    sort_key(a) <= sort_key(b)
}

/// What counts as applied without a row of its own, and whether pending
/// can be told at all.
struct Implied {
    keys: BTreeSet<String>,
    /// Record keys that are not unknown even without a file (Django
    /// migrations replaced by a squash).
    known: BTreeSet<String>,
    /// Alembic with a head that has no file: its ancestors are unknown.
    pending_unknowable: bool,
}

fn implied(framework: Framework, sets: &[&MigrationSet], h: &History, tree: &Tree) -> Implied {
    let mut out = Implied {
        keys: BTreeSet::new(),
        known: BTreeSet::new(),
        pending_unknowable: false,
    };
    let all = || sets.iter().flat_map(|s| s.migrations.iter());
    let recorded: BTreeSet<&str> = h.records.iter().map(|r| r.key.as_str()).collect();
    match framework {
        Framework::GolangMigrate => {
            if let Some(hw) = &h.high_water {
                out.keys.extend(
                    all()
                        .map(|m| key_of(framework, m))
                        .filter(|k| sort_key(k) < sort_key(hw)),
                );
            }
        }
        Framework::Flyway => {
            if let Some(base) = &h.baseline {
                out.keys.extend(
                    all()
                        .filter(|m| !repeatable(framework, m))
                        .map(|m| key_of(framework, m))
                        .filter(|k| numeric_le(k, base)),
                );
            }
        }
        Framework::Alembic => {
            let parents: BTreeMap<String, Vec<String>> = all()
                .map(|m| {
                    (
                        m.id.clone(),
                        read(tree, m)
                            .map(|b| python::alembic_parents(&String::from_utf8_lossy(&b)))
                            .unwrap_or_default(),
                    )
                })
                .collect();
            let mut stack: Vec<String> = Vec::new();
            for head in &recorded {
                match parents.get(*head) {
                    Some(p) => stack.extend(p.iter().cloned()),
                    None => out.pending_unknowable = true,
                }
            }
            while let Some(rev) = stack.pop() {
                if out.keys.insert(rev.clone()) {
                    stack.extend(parents.get(&rev).into_iter().flatten().cloned());
                }
            }
        }
        Framework::Django => {
            for m in all() {
                let replaces = read(tree, m)
                    .map(|b| python::django_replaces(&String::from_utf8_lossy(&b)))
                    .unwrap_or_default();
                if !replaces.is_empty() && replaces.iter().all(|r| recorded.contains(r.as_str())) {
                    out.keys.insert(m.id.clone());
                }
                out.known.extend(replaces);
            }
        }
        _ => {}
    }
    out
}

fn finding(set: &MigrationSet, m: &Migration, state: LiveState) -> LiveFinding {
    LiveFinding {
        framework: set.framework,
        set_dir: set.dir.clone(),
        migration_id: m.id.clone(),
        migration_name: m.name.clone(),
        path: m.files.first().cloned(),
        state,
    }
}

/// Evaluate the sets of one framework that share one table. Records no
/// migration of any of them matches are reported on the first set.
pub fn evaluate(
    framework: Framework,
    sets: &[&MigrationSet],
    h: &History,
    tree: &Tree,
) -> Vec<SetOutcome> {
    let by_key: BTreeMap<&str, &Record> = h.records.iter().map(|r| (r.key.as_str(), r)).collect();
    let implied = implied(framework, sets, h, tree);
    let mut matched: BTreeSet<String> = BTreeSet::new();
    let mut outcomes = Vec::new();
    for set in sets {
        let mut out = SetOutcome {
            findings: Vec::new(),
            applied: 0,
        };
        let ignored = match framework {
            Framework::Sqlx => sqlx_ignored(tree, &set.dir),
            _ => Vec::new(),
        };
        for m in &set.migrations {
            let key = key_of(framework, m);
            matched.insert(key.clone());
            let state = match by_key.get(key.as_str()) {
                Some(Record {
                    failed: Some(detail),
                    ..
                }) => Some(LiveState::Failed {
                    detail: detail.clone(),
                }),
                Some(rec) => {
                    out.applied += 1;
                    let edited = match (&rec.stored, read(tree, m)) {
                        (Some(stored), Some(bytes)) => {
                            !stored.matches(&checksum::without_chars(&bytes, &ignored))
                        }
                        _ => false,
                    };
                    match (edited, repeatable(framework, m)) {
                        (false, _) => None,
                        // Flyway re-runs an edited repeatable on the next migrate.
                        (true, true) => Some(LiveState::Pending),
                        (true, false) => Some(LiveState::ChecksumMismatch),
                    }
                }
                None if implied.keys.contains(&key) => {
                    out.applied += 1;
                    None
                }
                None if implied.pending_unknowable => None,
                None => Some(LiveState::Pending),
            };
            out.findings.extend(state.map(|s| finding(set, m, s)));
        }
        outcomes.push(out);
    }
    // Django: only apps this repository has migrations for are ours (the
    // table also lists `auth`, `admin`, third-party apps…).
    let apps: BTreeSet<&str> = sets
        .iter()
        .flat_map(|s| &s.migrations)
        .filter_map(|m| m.id.split_once('.').map(|(a, _)| a))
        .collect();
    let mut unknown: Vec<&Record> = h
        .records
        .iter()
        .filter(|r| !matched.contains(&r.key) && !implied.known.contains(&r.key))
        .filter(|r| {
            framework != Framework::Django
                || r.key.split_once('.').is_some_and(|(a, _)| apps.contains(a))
        })
        .collect();
    unknown.sort_by_key(|r| natural(&r.key));
    for r in unknown {
        // A Django row belongs to the set holding its app; others to the first.
        let app = r.key.split_once('.').map(|(a, _)| a);
        let owner = sets
            .iter()
            .position(|s| {
                framework == Framework::Django
                    && s.migrations
                        .iter()
                        .any(|m| m.id.split_once('.').map(|(a, _)| a) == app)
            })
            .unwrap_or(0);
        let (Some(set), Some(out)) = (sets.get(owner), outcomes.get_mut(owner)) else {
            continue;
        };
        let state = match &r.failed {
            Some(detail) => LiveState::Failed {
                detail: detail.clone(),
            },
            None => {
                out.applied += 1;
                LiveState::UnknownApplied
            }
        };
        out.findings.push(LiveFinding {
            framework: set.framework,
            set_dir: set.dir.clone(),
            migration_id: r.key.clone(),
            migration_name: r.name.clone(),
            path: None,
            state,
        });
    }
    outcomes
}

/// `ignored-chars` of the nearest `sqlx.toml` at or above the migrations
/// directory (sqlx reads it from the crate root).
fn sqlx_ignored(tree: &Tree, dir: &str) -> Vec<char> {
    let mut dir = Path::new(dir);
    loop {
        let toml = dir.join("sqlx.toml");
        if let Ok(bytes) = tree.read(&toml.to_string_lossy()) {
            return checksum::sqlx_ignored_chars(&String::from_utf8_lossy(&bytes));
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => return Vec::new(),
        }
    }
}

/// Digit runs compare as numbers (`1.10` after `1.9`).
fn natural(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut digits = false;
    for c in s.chars() {
        if c.is_ascii_digit() != digits && !cur.is_empty() {
            out.push(if digits { sort_key(&cur) } else { cur.clone() });
            cur.clear();
        }
        digits = c.is_ascii_digit();
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(if digits { sort_key(&cur) } else { cur });
    }
    out
}
