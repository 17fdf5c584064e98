//! The production compose project, as Compose itself would see it: which
//! files are production (by name, by `compose.production` in the config,
//! or because a deploy workflow or script runs them with `-f`), merged in
//! order with `extends` resolved, and `${VAR}` interpolation from the
//! production environment (else the inline defaults).

use crate::migrations::RepoFile;
use serde_yaml_ng::{Mapping, Value};
use std::collections::BTreeMap;

pub use super::interpolation::{inline_defaults, interpolate, Interpolated};

/// One service after merging, with the place findings point at.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// The file (and line of the service's key) of the last file in the
    /// project that defines it: where a fix goes.
    pub path: String,
    pub at: Lines,
    /// The merged definition, before interpolation.
    pub def: Mapping,
}

/// The files one deploy command reads, merged.
#[derive(Debug)]
pub struct Project {
    pub files: Vec<String>,
    pub services: Vec<Service>,
}

/// Variable values for interpolation (the production environment's).
pub type Vars = BTreeMap<String, String>;

/// The production compose projects of the repository, sorted by their
/// files: configured, run by a deploy command, or named `*.prod*`.
pub fn production_projects(files: &[RepoFile], configured: &[String], vars: &Vars) -> Vec<Project> {
    let text = |p: &str| files.iter().find(|f| f.rel == p).map(|f| f.text.as_str());
    let mut sets: Vec<Vec<String>> = Vec::new();
    for p in configured {
        let p = normalize(p);
        if text(&p).is_some() {
            sets.push(vec![p]);
        }
    }
    for f in files.iter().filter(|f| is_deploy_runner(&f.rel)) {
        for set in deploy_commands(&f.text) {
            let set: Vec<String> = set.iter().map(|p| normalize(p)).collect();
            let set = match set.is_empty() {
                // `docker compose up` with no `-f`: the default file (and
                // its override, as Compose loads it), at the root.
                // Only a deploy script or workflow by name: a release
                // workflow may start a test stack that way.
                true if rel_says_deploy(&f.rel) => default_files(files),
                true => Vec::new(),
                false => set,
            };
            if !set.is_empty() && set.iter().all(|p| text(p).is_some()) {
                sets.push(set);
            }
        }
    }
    for f in files.iter().filter(|f| is_production_name(&f.rel)) {
        if sets.iter().any(|s| s.contains(&f.rel)) {
            continue;
        }
        let mut set = vec![f.rel.clone()];
        // A production file that only overrides (services without image
        // or build) is layered over the base file next to it.
        if let Some(base) = base_for_override(files, &f.rel) {
            set.insert(0, base);
        }
        sets.push(set);
    }
    sets.sort();
    sets.dedup();
    sets.into_iter()
        .filter_map(|set| load(files, set, vars))
        .collect()
}

/// A YAML file with a top-level `services:` (a compose file a deploy
/// command names, whatever its name: `deploy/stack.yml`), kept by the walk.
pub fn may_be_compose(rel: &str, text: &str) -> bool {
    (rel.ends_with(".yml") || rel.ends_with(".yaml"))
        && (text.starts_with("services:") || text.contains("\nservices:"))
}

fn rel_says_deploy(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.to_ascii_lowercase().contains("deploy")
}

/// Only workflows and scripts that deploy: a CI workflow's `docker compose
/// -f docker-compose.test.yml up` starts test databases.
fn is_deploy_runner(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let workflow = lower.starts_with(".github/workflows/")
        && (name.ends_with(".yml") || name.ends_with(".yaml"));
    let script = name.ends_with(".sh");
    (workflow || script)
        && ["deploy", "release", "prod", "publish"]
            .iter()
            .any(|w| name.contains(w))
}

/// `docker-compose.prod.yml`, `compose.production.yaml`,
/// `docker-compose.prod.aws.yml`, `docker/production/compose.yml`: the name
/// (or its folder) says production.
pub fn is_production_name(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let Some(stem) = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
    else {
        return false;
    };
    let rest = stem
        .strip_prefix("docker-compose")
        .or_else(|| stem.strip_prefix("compose"));
    let Some(rest) = rest.map(|r| r.trim_start_matches(['.', '-', '_'])) else {
        return false;
    };
    // `docker/production/compose.yml`: the folder says it.
    let in_production_dir = rel
        .split('/')
        .rev()
        .skip(1)
        .any(|d| d.eq_ignore_ascii_case("production") || d.eq_ignore_ascii_case("prod"));
    (rest.starts_with("prod") || (in_production_dir && !is_dev_name(rel)))
        && !rest.contains("test")
        && !rest.contains("local")
}

/// A name that says the file is for development or tests.
fn is_dev_name(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    ["dev", "test", "local", "ci.", "e2e", "override"]
        .iter()
        .any(|w| name.contains(w))
}

fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `p` without the quotes YAML may leave around it, `.`/`..` resolved.
fn normalize(p: &str) -> String {
    crate::checks::infra_files::normalize(p.trim_matches(['"', '\'']))
}

pub fn join_path(dir: &str, p: &str) -> String {
    if dir.is_empty() {
        normalize(p)
    } else {
        normalize(&format!("{dir}/{p}"))
    }
}

const DEFAULT_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

fn default_files(files: &[RepoFile]) -> Vec<String> {
    let has = |p: &str| files.iter().any(|f| f.rel == p);
    let Some(base) = DEFAULT_NAMES.iter().find(|n| has(n)) else {
        return Vec::new();
    };
    let mut set = vec![base.to_string()];
    let stem = base.rsplit_once('.').map_or(*base, |(s, _)| s);
    for ext in ["yaml", "yml"] {
        let o = format!("{stem}.override.{ext}");
        if has(&o) {
            set.push(o);
            break;
        }
    }
    set
}

fn base_for_override(files: &[RepoFile], rel: &str) -> Option<String> {
    let doc = parse(files.iter().find(|f| f.rel == rel)?.text.as_str())?;
    let services = doc.get("services")?.as_mapping()?;
    let partial = services.values().any(|s| {
        s.as_mapping().is_some_and(|m| {
            !["image", "build", "extends"]
                .iter()
                .any(|k| m.contains_key(*k))
        })
    });
    if !partial {
        return None;
    }
    let dir = dir_of(rel);
    DEFAULT_NAMES
        .iter()
        .map(|n| join_path(dir, n))
        .find(|p| files.iter().any(|f| &f.rel == p))
}

/// The `-f` file lists of every `docker compose … up` (or `docker-compose
/// … up`) command in a script or workflow; an empty list for one with no
/// `-f`. Commands naming a dev or test file are not deploys.
pub fn deploy_commands(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    // Line continuations join a command's lines.
    let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    for line in joined.lines() {
        let line = line.split(" #").next().unwrap_or(line);
        for (at, _) in line.match_indices("compose") {
            // `docker compose` or `docker-compose`, as a command word (not
            // the `docker-compose` of a file name).
            let before = &line[..at];
            let command = before.ends_with("docker ") || before.ends_with("docker-");
            let word_start = || {
                !before[..before.len() - 7]
                    .ends_with(|c: char| c.is_ascii_alphanumeric() || "-_./".contains(c))
            };
            let word_end = line[at + "compose".len()..].starts_with([' ', '\t']);
            if !(command && word_end && word_start()) {
                continue;
            }
            let words: Vec<&str> = line[at + "compose".len()..]
                .split(['&', ';', '|'])
                .next()
                .unwrap_or("")
                .split_whitespace()
                .map(|w| w.trim_matches(['"', '\'']))
                .collect();
            if !words.contains(&"up") {
                continue;
            }
            let mut set = Vec::new();
            let mut i = 0;
            while i < words.len() {
                let w = words[i];
                if w == "-f" || w == "--file" {
                    if let Some(f) = words.get(i + 1) {
                        set.push(f.to_string());
                    }
                    i += 1;
                } else if let Some(f) = w.strip_prefix("--file=") {
                    set.push(f.trim_matches(['"', '\'']).to_string());
                }
                i += 1;
            }
            if set.iter().any(|f| f.contains('$') || is_dev_name(f)) {
                continue;
            }
            out.push(set);
        }
    }
    out
}

fn parse(text: &str) -> Option<Value> {
    let mut v: Value = serde_yaml_ng::from_str(text).ok()?;
    v.apply_merge().ok()?;
    Some(v)
}

/// Loads and merges `set`; `None` when a file does not parse.
fn load(files: &[RepoFile], set: Vec<String>, vars: &Vars) -> Option<Project> {
    let mut merged: BTreeMap<String, (Mapping, String, Lines)> = BTreeMap::new();
    for rel in &set {
        let text = &files.iter().find(|f| &f.rel == rel)?.text;
        let doc = parse(text)?;
        let Some(services) = doc.get("services").and_then(Value::as_mapping) else {
            continue;
        };
        let lines = service_lines(text);
        for (name, def) in services {
            let (Some(name), Some(def)) = (name.as_str(), def.as_mapping()) else {
                continue;
            };
            let def = resolve_extends(files, rel, services, def, vars, 0);
            let line = lines.get(name).copied().unwrap_or(Lines {
                line: 1,
                column: 1,
                end_line: 1,
            });
            let entry = merged
                .entry(name.to_string())
                .or_insert_with(|| (Mapping::new(), rel.clone(), line));
            merge_service(&mut entry.0, &def);
            entry.1 = rel.clone();
            entry.2 = line;
        }
    }
    let services = merged
        .into_iter()
        .map(|(name, (def, path, at))| Service {
            name,
            path,
            at,
            def,
        })
        .collect();
    Some(Project {
        files: set,
        services,
    })
}

/// `def` with its `extends:` chain merged under it.
fn resolve_extends(
    files: &[RepoFile],
    rel: &str,
    siblings: &Mapping,
    def: &Mapping,
    vars: &Vars,
    depth: u8,
) -> Mapping {
    let Some(ext) = def.get("extends") else {
        return def.clone();
    };
    let (service, file) = match ext {
        Value::String(s) => (Some(s.clone()), None),
        Value::Mapping(m) => (
            m.get("service").and_then(Value::as_str).map(str::to_string),
            m.get("file")
                .and_then(Value::as_str)
                .map(|f| interpolate(f, vars).value),
        ),
        _ => (None, None),
    };
    let mut own = def.clone();
    own.remove("extends");
    let Some(service) = service.filter(|_| depth < 8) else {
        return own;
    };
    let base = match file {
        None => siblings
            .get(service.as_str())
            .and_then(Value::as_mapping)
            .map(|b| resolve_extends(files, rel, siblings, b, vars, depth + 1)),
        Some(f) => {
            let path = join_path(dir_of(rel), &f);
            files
                .iter()
                .find(|x| x.rel == path)
                .and_then(|x| parse(&x.text))
                .and_then(|doc| {
                    let sibs = doc.get("services")?.as_mapping()?.clone();
                    let b = sibs.get(service.as_str())?.as_mapping()?.clone();
                    Some(resolve_extends(files, &path, &sibs, &b, vars, depth + 1))
                })
        }
    };
    let Some(mut base) = base else { return own };
    merge_service(&mut base, &own);
    base
}

/// Keys whose lists Compose appends across files (the rest replace).
const APPENDED: [&str; 8] = [
    "ports", "expose", "volumes", "env_file", "secrets", "configs", "dns", "cap_add",
];
/// Keys whose list form Compose reads as a map (`KEY=value`, `name`).
const MAP_LISTS: [&str; 4] = ["environment", "labels", "depends_on", "extra_hosts"];

/// Merges `over` into `base` as Compose merges a service across files.
pub fn merge_service(base: &mut Mapping, over: &Mapping) {
    for (k, v) in over {
        let key = k.as_str().unwrap_or("");
        let v = if MAP_LISTS.contains(&key) {
            as_map(v)
        } else {
            v.clone()
        };
        match (base.get_mut(k), &v) {
            (Some(Value::Mapping(b)), Value::Mapping(o)) => {
                for (ok, ov) in o {
                    b.insert(ok.clone(), ov.clone());
                }
            }
            (Some(Value::Sequence(b)), Value::Sequence(o)) if APPENDED.contains(&key) => {
                for item in o {
                    if !b.contains(item) {
                        b.push(item.clone());
                    }
                }
            }
            _ => {
                base.insert(k.clone(), v);
            }
        }
    }
}

/// A list of `KEY=value` (or `name`) as a map; a map as it is.
pub fn as_map(v: &Value) -> Value {
    let Value::Sequence(items) = v else {
        return v.clone();
    };
    let mut m = Mapping::new();
    for item in items {
        if let Some(s) = item.as_str() {
            let (k, val) = match s.split_once('=') {
                Some((k, val)) => (k, Value::String(val.to_string())),
                None => (s, Value::Null),
            };
            m.insert(Value::String(k.to_string()), val);
        }
    }
    Value::Mapping(m)
}

/// Where a service's block is in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lines {
    /// The service key's line and column.
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
}

/// A service's lines: from its key under the top-level `services:` to
/// its block's last non-blank line (`--new-only` keeps a finding when any
/// of them changed).
pub fn service_lines(text: &str) -> BTreeMap<String, Lines> {
    let mut out: BTreeMap<String, Lines> = BTreeMap::new();
    let mut inside = false;
    let mut indent = None;
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let depth = line.len() - body.len();
        if depth == 0 {
            inside = body.starts_with("services:");
            current = None;
            continue;
        }
        if !inside {
            continue;
        }
        let want = *indent.get_or_insert(depth);
        if depth == want {
            current = body.split_once(':').map(|(key, _)| {
                let key = key.trim().trim_matches(['"', '\'']).to_string();
                out.entry(key.clone()).or_insert(Lines {
                    line: n,
                    end_line: n,
                    column: depth as u32 + 1,
                });
                key
            });
        } else if let Some(key) = &current {
            if let Some(span) = out.get_mut(key) {
                span.end_line = n;
            }
        }
    }
    out
}

/// A scalar as text (`true`, `5432`, `"x"`); `None` for maps and lists.
pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
