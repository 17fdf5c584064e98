//! Alembic: `<script dir>/versions/*.py`, each declaring `revision` and
//! `down_revision` (`None`, a string, or a tuple at merge points; the typed
//! `revision: str = …` form too). Order is the revision graph; a graph
//! with several heads makes `alembic upgrade head` fail, and a
//! `down_revision` no file defines stops every command.

use super::files::{file_name, parent, Repo};
use super::problems::problem;
use super::text::{bracketed, line_at, quoted_strings, re};
use crate::migrations::{Framework, LayoutProblem, Migration, MigrationSet};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

static REVISION: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?m)^revision[ \t]*(?::[^=\n]*)?=[ \t]*['"]([^'"\n]+)['"]"#));
static DOWN_REVISION: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^down_revision[ \t]*(?::[^=\n]*)?=[ \t]*"));
static BRANCH_LABELS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^branch_labels[ \t]*(?::[^=\n]*)?=[ \t]*(\S+)"));

struct Rev<'a> {
    path: &'a str,
    text: &'a str,
    id: String,
    /// Byte offset of the `revision` assignment.
    at: usize,
    /// Byte offset of the `down_revision` value.
    down_at: usize,
    down: Vec<String>,
    labelled: bool,
}

fn parse<'a>(path: &'a str, text: &'a str) -> Option<Rev<'a>> {
    if !path.ends_with(".py") || file_name(parent(path)) != "versions" {
        return None;
    }
    let rev = REVISION.captures(text)?;
    let id = rev.get(1)?;
    let down_at = DOWN_REVISION.find(text)?.end();
    let value = text.get(down_at..)?;
    let down = match value.as_bytes().first() {
        Some(b'(' | b'[') => quoted_strings(bracketed(text, down_at)),
        Some(b'"' | b'\'') => quoted_strings(value.lines().next().unwrap_or(""))
            .into_iter()
            .take(1)
            .collect(),
        _ => Vec::new(),
    };
    let labelled = BRANCH_LABELS
        .captures(text)
        .and_then(|c| c.get(1))
        .is_some_and(|v| !v.as_str().starts_with("None"));
    Some(Rev {
        path,
        text,
        id: id.as_str().to_string(),
        at: id.start(),
        down_at,
        down,
        labelled,
    })
}

pub(super) fn discover(repo: &Repo) -> Vec<MigrationSet> {
    let revs: Vec<Rev> = repo.all().filter_map(|(p, t)| parse(p, t)).collect();
    // A revision named as anyone's parent is not a head, whichever version
    // directory the child lives in (`version_locations` may split a graph).
    let parents: BTreeSet<&str> = revs
        .iter()
        .flat_map(|r| r.down.iter().map(String::as_str))
        .collect();
    let known: BTreeSet<&str> = revs.iter().map(|r| r.id.as_str()).collect();
    // Revisions this reading can't see: versions files it couldn't parse,
    // and directories only a `version_locations` setting names.
    let unparsed: Vec<&str> = repo
        .all()
        .filter(|(p, _)| {
            p.ends_with(".py")
                && file_name(parent(p)) == "versions"
                && !revs.iter().any(|r| r.path == *p)
        })
        .map(|(_, t)| t)
        .collect();
    let elsewhere = repo.all().any(|(p, t)| {
        matches!(file_name(p), "alembic.ini" | "pyproject.toml")
            && t.lines()
                .any(|l| l.trim_start().starts_with("version_locations"))
    });
    let mut by_dir: BTreeMap<&str, Vec<&Rev>> = BTreeMap::new();
    for r in &revs {
        by_dir.entry(parent(r.path)).or_default().push(r);
    }
    by_dir
        .into_iter()
        .map(|(dir, revs)| {
            let mut problems = duplicate_ids(&revs);
            if !elsewhere {
                problems.extend(missing_parents(&revs, &known, &unparsed));
            }
            let mut heads: Vec<&&Rev> = revs
                .iter()
                .filter(|r| !parents.contains(r.id.as_str()))
                .collect();
            heads.sort_by_key(|r| r.path);
            let mut seen = BTreeSet::new();
            heads.retain(|r| seen.insert(r.id.as_str()));
            if heads.len() > 1 && !revs.iter().any(|r| r.labelled) {
                if let Some(last) = heads.last() {
                    let list: Vec<String> = heads
                        .iter()
                        .map(|r| format!("`{}` ({})", r.id, file_name(r.path)))
                        .collect();
                    problems.push(problem(
                        last.path,
                        Some(line_at(last.text, last.at)),
                        format!(
                            "Alembic has {} heads: {}; `alembic upgrade head` fails with \
                             \"Multiple head revisions are present\"",
                            heads.len(),
                            list.join(" and ")
                        ),
                        "run `alembic merge heads -m \"merge\"` and commit the merge revision"
                            .to_string(),
                    ));
                }
            }
            MigrationSet {
                framework: Framework::Alembic,
                dir: dir.to_string(),
                migrations: ordered(&revs),
                schema_files: Vec::new(),
                problems,
            }
        })
        .collect()
}

/// A `down_revision` naming a revision no versions file defines: building
/// the revision map warns "Revision … referenced from … is not present" and
/// then fails with a KeyError, so every `alembic` command stops.
fn missing_parents(revs: &[&Rev], known: &BTreeSet<&str>, unparsed: &[&str]) -> Vec<LayoutProblem> {
    let mut out = Vec::new();
    for r in revs {
        for d in &r.down {
            if d.is_empty()
                || known.contains(d.as_str())
                || unparsed.iter().any(|t| t.contains(d.as_str()))
            {
                continue;
            }
            out.push(problem(
                r.path,
                Some(line_at(r.text, r.down_at)),
                format!(
                    "Alembic revision `{}` ({}) has down_revision `{d}`, which no file in the \
                     versions directories defines: Alembic cannot build its revision map \
                     (KeyError: '{d}'), so `alembic upgrade head` fails",
                    r.id,
                    file_name(r.path)
                ),
                format!(
                    "restore the revision file that defines `{d}` (see `git log --all -- '*{d}*'`), \
                     or point down_revision in {} at the revision it follows",
                    file_name(r.path)
                ),
            ));
        }
    }
    out
}

fn duplicate_ids(revs: &[&Rev]) -> Vec<LayoutProblem> {
    let mut seen: BTreeMap<&str, &Rev> = BTreeMap::new();
    let mut out = Vec::new();
    for r in revs {
        match seen.get(r.id.as_str()) {
            Some(first) => out.push(problem(
                r.path,
                Some(line_at(r.text, r.at)),
                format!(
                    "Alembic revision `{}` is present more than once: {} and {}",
                    r.id,
                    file_name(first.path),
                    file_name(r.path)
                ),
                format!(
                    "give {} a fresh revision id (and point its children's down_revision at it)",
                    file_name(r.path)
                ),
            )),
            None => {
                seen.insert(&r.id, r);
            }
        }
    }
    out
}

/// Parents before children (ties by file name); leftovers of a cycle last.
fn ordered(revs: &[&Rev]) -> Vec<Migration> {
    let ids: BTreeSet<&str> = revs.iter().map(|r| r.id.as_str()).collect();
    let mut pending: Vec<(&Rev, BTreeSet<&str>)> = revs
        .iter()
        .map(|r| {
            let ps = r
                .down
                .iter()
                .map(String::as_str)
                .filter(|d| ids.contains(d) && *d != r.id)
                .collect();
            (*r, ps)
        })
        .collect();
    pending.sort_by_key(|(r, _)| r.path);
    let mut out = Vec::new();
    while !pending.is_empty() {
        let i = pending
            .iter()
            .position(|(_, ps)| ps.is_empty())
            .unwrap_or(0);
        let (r, _) = pending.remove(i);
        let done = r.id.as_str();
        if !pending.iter().any(|(o, _)| o.id == done) {
            for (_, ps) in pending.iter_mut() {
                ps.remove(done);
            }
        }
        let name = file_name(r.path);
        out.push(Migration {
            id: r.id.clone(),
            name: name.strip_suffix(".py").unwrap_or(name).to_string(),
            order_key: None,
            files: vec![r.path.to_string()],
        });
    }
    out
}
