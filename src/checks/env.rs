//! Environment completeness: `env/undeclared`, `env/no-template`,
//! `env/missing`, `env/unused`, `env/duplicate-key`, `env/syntax`,
//! `env/committed-env-file`, `env/public-secret`. Docs: `docs/rules/env-*.md`.

use super::env_reads::Template;
use super::repo::{at_entry, at_read, at_value, RepoCheck, RepoFacts};
use super::Context;
use crate::env::dotenv::EnvFile;
use crate::env::references::EnvRead;
use crate::finding::{Finding, Span};
use crate::rules::{Area, Judged, Level, Rule};
use std::collections::{BTreeMap, BTreeSet};

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const UNDECLARED: Rule = Rule {
    id: "env/undeclared",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::Lines,
    summary: "a variable read by production code or compose but absent from the nearest template (warning if the read has a fallback)",
    options: &[],
    doc: crate::rule_doc!("env-undeclared"),
    module: module_path!(),
};

pub const NO_TEMPLATE: Rule = Rule {
    id: "env/no-template",
    default_level: Some(Level::Warning),
    area: Area::Environment,
    judged: Judged::Lines,
    summary: "code reads environment variables but the repository has no template (`.env.example`)",
    options: &[],
    doc: crate::rule_doc!("env-no-template"),
    module: module_path!(),
};

pub const MISSING: Rule = Rule {
    id: "env/missing",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::State,
    summary: "a template variable absent or empty in a production environment",
    options: &[],
    doc: crate::rule_doc!("env-missing"),
    module: module_path!(),
};

pub const UNUSED: Rule = Rule {
    id: "env/unused",
    default_level: Some(Level::Notice),
    area: Area::Environment,
    judged: Judged::Lines,
    summary: "a template variable that nothing reads",
    options: &[],
    doc: crate::rule_doc!("env-unused"),
    module: module_path!(),
};

pub const DUPLICATE_KEY: Rule = Rule {
    id: "env/duplicate-key",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::Lines,
    summary: "a key assigned twice in one env file",
    options: &[],
    doc: crate::rule_doc!("env-duplicate-key"),
    module: module_path!(),
};

pub const SYNTAX: Rule = Rule {
    id: "env/syntax",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::Lines,
    summary: "a malformed env-file line: no `=`, bad key, unterminated quote, text after a quote",
    options: &[],
    doc: crate::rule_doc!("env-syntax"),
    module: module_path!(),
};

pub const COMMITTED_ENV_FILE: Rule = Rule {
    id: "env/committed-env-file",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::Lines,
    summary: "`.env`, `.env.local`, `.env.production`, … tracked by git",
    options: &[],
    doc: crate::rule_doc!("env-committed-env-file"),
    module: module_path!(),
};

pub const PUBLIC_SECRET: Rule = Rule {
    id: "env/public-secret",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::Lines,
    summary:
        "a secret name behind a client-exposed prefix (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`, …)",
    options: &[],
    doc: crate::rule_doc!("env-public-secret"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[
    &UNDECLARED,
    &NO_TEMPLATE,
    &MISSING,
    &UNUSED,
    &DUPLICATE_KEY,
    &SYNTAX,
    &COMMITTED_ENV_FILE,
    &PUBLIC_SECRET,
];

pub struct EnvRules;

/// Read by frameworks and runtimes without a line of app code naming them.
const IMPLICITLY_READ: &[&str] = &[
    "NODE_ENV",
    "NODE_OPTIONS",
    "PORT",
    "HOST",
    "TZ",
    "NEXTAUTH_URL",
    "NEXTAUTH_SECRET",
    "AUTH_SECRET",
    "AUTH_URL",
    "DEBUG",
    // The Python interpreter's own settings (PEP 553's breakpoint hook,
    // unbuffered output, bytecode, import path, hash seed, warnings).
    "PYTHONBREAKPOINT",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPATH",
    "PYTHONHASHSEED",
    "PYTHONWARNINGS",
];
/// Prefixes bundlers inline into client-side JavaScript.
const PUBLIC_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "EXPO_PUBLIC_",
    "NUXT_PUBLIC_",
    "GATSBY_",
    "PUBLIC_",
];
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "PRIVATE",
    "PASSWORD",
    "PASSWD",
    "TOKEN",
    "SERVICE_ROLE",
];
/// Names that are public by design (a publishable or anon key, a captcha
/// site key, the CSRF token a page sends back), matched as whole `_`-words:
/// `CANONICAL` is not `ANON`.
const PUBLIC_WORDS: &[&str] = &[
    "PUBLISHABLE",
    "ANON",
    "PUBLIC_KEY",
    "SITE_KEY",
    "CSRF_TOKEN",
];

impl RepoCheck for EnvRules {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        for t in facts.templates {
            file_rules(ctx, &t.rel, &t.parsed, out);
        }
        for env in facts.environments {
            for f in &env.files {
                file_rules(ctx, &f.path, &f.parsed, out);
            }
        }
        undeclared(facts, ctx, out);
        no_template(facts, ctx, out);
        missing(facts, ctx, out);
        unused(facts, ctx, out);
        committed(facts, ctx, out);
        public_secrets(facts, ctx, out);
    }
}

/// `env/syntax` and `env/duplicate-key` for one env file.
fn file_rules(ctx: &Context, path: &str, parsed: &EnvFile, out: &mut Vec<Finding>) {
    if let Some(level) = ctx.settings.level(&SYNTAX) {
        for e in &parsed.errors {
            let span = Span {
                line: e.line,
                column: e.column,
                end_line: e.line,
                end_column: e.column + 1,
            };
            let mut f = Finding::new(&SYNTAX, level, e.message.clone(), "write the line as KEY=value; quote values that contain spaces or #; close every quote");
            f.path = Some(path.to_string());
            f.span = Some(span);
            out.push(f);
        }
    }
    let mut seen: BTreeMap<&str, u32> = BTreeMap::new();
    for e in &parsed.entries {
        if let Some(first) = seen.insert(&e.key, e.line) {
            let message = format!("{} is assigned again (first on line {first}); loaders silently keep one of the values", e.key);
            out.extend(at_entry(
                ctx,
                &DUPLICATE_KEY,
                None,
                path,
                e,
                message,
                format!("delete one of the two {} lines", e.key),
            ));
            seen.insert(&e.key, first);
        }
    }
}

/// The template that governs `path`: the one in the closest ancestor directory.
/// The templates of the directory nearest `path` that has any, the main
/// one first: a configured template name (`.env.example`) before a derived
/// one (`.env.local.example`), and a test template (`.env.test.example`)
/// last.
fn nearest_templates<'t>(
    ctx: &Context,
    templates: &'t [Template],
    path: &str,
) -> Vec<&'t Template> {
    let covering: Vec<&Template> = templates
        .iter()
        .filter(|t| t.dir.is_empty() || path.starts_with(&format!("{}/", t.dir)))
        .collect();
    let Some(deepest) = covering.iter().map(|t| t.dir.len()).max() else {
        return Vec::new();
    };
    let mut here: Vec<&Template> = covering
        .into_iter()
        .filter(|t| t.dir.len() == deepest)
        .collect();
    let rank = |t: &Template| {
        let name = t.rel.rsplit('/').next().unwrap_or(&t.rel);
        let configured = ctx.settings.env.templates.iter().any(|c| c == name);
        let test = name.split(['.', '-', '_']).any(|p| p == "test");
        (!configured, test, t.rel.clone())
    };
    here.sort_by_key(|t| rank(t));
    here
}

fn lower(level: Level) -> Level {
    match level {
        Level::Error => Level::Warning,
        _ => Level::Notice,
    }
}

/// `env/no-template`: production code reads variables and there is no
/// template at all, so `env/undeclared` had nothing to compare with. One
/// finding, at the first read, naming a few of the variables.
fn no_template(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(level) = ctx.settings.level(&NO_TEMPLATE) else {
        return;
    };
    if !facts.templates.is_empty() {
        return;
    }
    let reads: Vec<&EnvRead> = facts
        .reads
        .iter()
        .filter(|r| {
            facts.is_production(ctx, &r.path)
                && !ctx.settings.env.is_ignored(&r.name)
                && !IMPLICITLY_READ.contains(&r.name.as_str())
        })
        .collect();
    let Some(first) = reads.first() else {
        return;
    };
    let names: BTreeSet<&str> = reads.iter().map(|r| r.name.as_str()).collect();
    let shown: Vec<&str> = names.iter().take(5).copied().collect();
    let more = if names.len() > shown.len() {
        format!(" and {} more", names.len() - shown.len())
    } else {
        String::new()
    };
    let message = format!(
        "the code reads {} environment variable{} ({}{more}) but the repository has no template (`.env.example`): nothing says which a deploy must set",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        shown.join(", ")
    );
    out.push(at_read(
        &NO_TEMPLATE,
        level,
        first,
        message,
        "commit a `.env.example` listing every variable the code reads, with a safe example value or an empty one (`STRIPE_SECRET_KEY=`); then env/undeclared keeps it complete".to_string(),
    ));
}

fn undeclared(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(level) = ctx.settings.level(&UNDECLARED) else {
        return;
    };
    // (template, name) → reads, in path/line order.
    let mut groups: BTreeMap<(&str, &str), Vec<&EnvRead>> = BTreeMap::new();
    // Names copied into a declared variable (`process.env.DB_URL =
    // process.env.POSTGRES_URL`): aliases a platform may set, which the
    // template documents through the variable they feed.
    let mut aliases: BTreeSet<&str> = BTreeSet::new();
    for read in facts.reads {
        if let Some(target) = &read.feeds {
            if nearest_templates(ctx, facts.templates, &read.path)
                .iter()
                .any(|t| t.documents(target))
            {
                aliases.insert(&read.name);
            }
        }
    }
    for read in facts.reads {
        if !facts.is_production(ctx, &read.path)
            || ctx.settings.env.is_ignored(&read.name)
            || facts.image_env.contains(&read.name)
        {
            continue;
        }
        // Any template of the nearest directory that documents the name
        // declares it; the main one is named in the finding.
        let here = nearest_templates(ctx, facts.templates, &read.path);
        let Some(t) = here.first() else {
            continue;
        };
        if !here.iter().any(|t| t.documents(&read.name)) {
            groups
                .entry((t.rel.as_str(), read.name.as_str()))
                .or_default()
                .push(read);
        }
    }
    for ((template, name), reads) in groups {
        let all_optional = reads.iter().all(|r| r.optional);
        if all_optional && aliases.contains(name) {
            continue;
        }
        let places = if reads.len() == 1 {
            String::new()
        } else {
            format!(" (read in {} places)", reads.len())
        };
        let kind = if all_optional {
            "optional variable"
        } else {
            "variable"
        };
        let message = format!("{kind} {name} is read here but not declared in {template}{places}");
        let help = format!(
            "add `{name}=` to {template} with a placeholder and a comment saying what it is for"
        );
        out.push(at_read(
            &UNDECLARED,
            if all_optional { lower(level) } else { level },
            reads[0],
            message,
            help,
        ));
    }
}

fn is_marked_optional(t: &Template, line: u32) -> bool {
    let idx = line as usize - 1;
    let same = t.lines.get(idx).is_some_and(|l| {
        l.split_once(" #")
            .is_some_and(|(_, c)| c.to_ascii_lowercase().contains("optional"))
    });
    let above = idx > 0
        && t.lines.get(idx - 1).is_some_and(|l| {
            l.trim_start().starts_with('#') && l.to_ascii_lowercase().contains("optional")
        });
    same || above
}

fn missing(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    if ctx.settings.level(&MISSING).is_none() {
        return;
    }
    let mut reads: BTreeMap<&str, Vec<&EnvRead>> = BTreeMap::new();
    for r in facts.reads {
        reads.entry(r.name.as_str()).or_default().push(r);
    }
    for env in facts.environments {
        // A committed `.env.production` found by default and holding no
        // secret is a defaults layer (Next.js documents committing
        // non-secret defaults there): its values are judged, but the
        // platform sets the rest, so what it lacks is not missing. Name it
        // (`env.production`, `--env-file`) to have it judged whole.
        let tracked = |path: &str| {
            facts
                .tracked_env_files
                .is_some_and(|t| t.iter().any(|p| p == path))
        };
        let defaults_layer = !env.explicit
            && !env.files.is_empty()
            && env
                .files
                .iter()
                .all(|f| tracked(&f.path) && real_secret(ctx, &f.parsed).is_none());
        if defaults_layer {
            continue;
        }
        let mut reported = BTreeSet::new();
        for t in facts.templates {
            for e in &t.parsed.entries {
                if reported.contains(e.key.as_str()) || is_marked_optional(t, e.line) {
                    continue;
                }
                if reads
                    .get(e.key.as_str())
                    .is_some_and(|rs| rs.iter().all(|r| r.defaulted))
                {
                    continue;
                }
                let state = match env.values.get(&e.key) {
                    Some(v) if !v.value.trim().is_empty() => continue,
                    Some(_) => "is empty",
                    None => "is not set",
                };
                reported.insert(e.key.as_str());
                let message = format!(
                    "{} is declared in {} but {state} in the {}",
                    e.key,
                    t.rel,
                    env.describe()
                );
                let help = format!(
                    "set {} for the {} environment (its env file, the deploy platform's settings, or the CI secret passed with --env-from-process)",
                    e.key, env.name
                );
                out.extend(at_entry(ctx, &MISSING, None, &t.rel, e, message, help));
            }
        }
    }
}

/// The template variables no read uses whose exact name a scanned file
/// other than an env file mentions as a whole word: read through a helper
/// (`env("X")`, `requireEnv("X")`, `config("X")`), a computed name's
/// schema, ERB or YAML config (`<%= ENV['X'] %>`), a compose file, a CI
/// workflow, a shell script, `package.json`. Any such mention counts as a
/// use for `env/unused`. Read in the facts stage: only when there are
/// such names, and only the files the walk read.
pub fn mentioned_template_names(
    tree: &crate::workspace::tree::Tree,
    visited: &[String],
    templates: &[Template],
    reads: &[EnvRead],
    environments: &[crate::env::environments::Environment],
    settings: &crate::config::Settings,
) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    if settings.level(&UNUSED).is_none() {
        return found;
    }
    let read: BTreeSet<&str> = reads.iter().map(|r| r.name.as_str()).collect();
    let referenced: BTreeSet<&str> = templates
        .iter()
        .flat_map(|t| t.parsed.entries.iter())
        .chain(
            environments
                .iter()
                .flat_map(|e| e.files.iter())
                .flat_map(|f| f.parsed.entries.iter()),
        )
        .flat_map(|e| e.references.iter().map(String::as_str))
        .collect();
    let candidates: Vec<&str> = templates
        .iter()
        .flat_map(|t| t.parsed.entries.iter())
        .map(|e| e.key.as_str())
        .filter(|k| !read.contains(k) && !referenced.contains(k) && !IMPLICITLY_READ.contains(k))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if candidates.is_empty() {
        return found;
    }
    let found_by_any = Found {
        flags: candidates
            .iter()
            .map(|_| std::sync::atomic::AtomicBool::new(false))
            .collect(),
        count: std::sync::atomic::AtomicUsize::new(0),
    };
    // Every scanned file is read again (but env files and templates): on
    // all cores, each looking only for the names no thread has found yet,
    // the files likeliest to mention one first (the pass ends once all are
    // found). A checkout's files are cut into a share per thread, each
    // taking its own share's one at a time, then what is left of the
    // others' (see `Shares`), a large file read and searched a window at a
    // time: each thread reading its half alone, one often read the larger
    // half (a blog's posts) while the other had ended, and read whole, a
    // large file grew a thread's buffer to its size. A revision's: each
    // thread its own share, whole, through its own `git cat-file`.
    let ordered: Vec<&String> = reading_order(visited, &candidates)
        .into_iter()
        .filter(|rel| !is_env_or_template(rel, settings))
        .collect();
    let threads: Vec<usize> = (0..crate::cores::cores().unwrap_or(1).min(8)).collect();
    let shares = crate::workspace::tree::Shares::new(ordered.len(), threads.len());
    crate::cores::on_every_core(&threads, |me| {
        for &me in me {
            mentions_in(tree, &ordered, &shares, me, &candidates, &found_by_any);
        }
        Vec::<()>::new()
    });
    found.extend(
        candidates
            .iter()
            .zip(&found_by_any.flags)
            .filter(|(_, f)| f.load(std::sync::atomic::Ordering::Relaxed))
            .map(|(c, _)| c.to_string()),
    );
    found
}

/// `visited` in the order the mention pass reads them, the likeliest to
/// mention a candidate first: a name's own word in the path (the
/// `DYNADOT_API_KEY` of `lib/dynadot/client.ts`, read through a helper
/// there) and modules named for the settings (`app/utils/env.server.ts`);
/// then configuration, scripts and READMEs (`turbo.json`,
/// `config/database.yml`, a compose file, a workflow) and docs on setting
/// up; then source code; then other docs (a blog's posts). Within each,
/// path order. Only the order changes: every file is still read while a
/// name is left. A small app's files keep their path order.
fn reading_order<'v>(visited: &'v [String], candidates: &[&str]) -> Vec<&'v String> {
    /// A word in more paths than this names a common folder, not an
    /// integration.
    const HINT_MAX_PATHS: usize = 64;
    /// Fewer files are read in path order: ordering them (an automaton
    /// over the names' words, built for the run) cost more than a read of
    /// them all (1 M instructions on a 215-file app).
    const ORDER_FROM: usize = 512;
    if visited.len() < ORDER_FROM {
        return visited.iter().collect();
    }
    let mut words: Vec<&str> = candidates
        .iter()
        .flat_map(|c| c.split('_'))
        .filter(|w| w.len() >= 5)
        .collect();
    words.sort_unstable();
    words.dedup();
    // Each path's words, found in one pass over it.
    let search = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        .ok();
    let in_path: Vec<Vec<usize>> = visited
        .iter()
        .map(|path| match &search {
            Some(s) if !words.is_empty() => s
                .find_overlapping_iter(path)
                .map(|m| m.pattern().as_usize())
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let mut paths_with = vec![0usize; words.len()];
    for w in in_path.iter().flatten() {
        paths_with[*w] += 1;
    }
    let tiers: Vec<u8> = visited
        .iter()
        .zip(&in_path)
        .map(|(path, found)| {
            let path = path.to_ascii_lowercase();
            let name = path.rsplit('/').next().unwrap_or(&path);
            let lang = crate::lexer::Lang::from_file_name(name);
            if found.iter().any(|&w| paths_with[w] <= HINT_MAX_PATHS)
                || (is_env_module(name) && lang.is_some_and(is_source_code))
            {
                return 0;
            }
            match lang {
                Some(lang) if is_source_code(lang) => 2,
                Some(crate::lexer::Lang::Markdown) if !is_setup_doc(&path, name) => 3,
                _ => 1,
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..visited.len()).collect();
    order.sort_by_key(|&i| tiers[i]);
    order.into_iter().map(|i| &visited[i]).collect()
}

/// A module named for the app's settings (lower-case file name):
/// `env.ts`, `env.server.ts`, `env.mjs`, `environment.ts`, where a schema
/// (t3-env, zod, envalid) lists the variables by name.
fn is_env_module(name: &str) -> bool {
    matches!(
        name.split_once('.').map(|(stem, _)| stem),
        Some("env" | "envs" | "environment")
    )
}

/// A program's source: where a name is seldom written out, bar a
/// helper's argument. (Shell scripts, like configuration, often name
/// settings.)
fn is_source_code(lang: crate::lexer::Lang) -> bool {
    use crate::lexer::Lang::*;
    matches!(
        lang,
        JavaScript
            | TypeScript
            | Vue
            | Svelte
            | Astro
            | Java
            | Kotlin
            | Go
            | Rust
            | C
            | Cpp
            | CSharp
            | Swift
            | Php
            | Python
            | Ruby
            | Html
    )
}

/// A doc (lower-case path, file name) that may well name settings: a
/// README, one at the root (`AGENTS.md`), or one about configuration,
/// environments, deploying or installing.
fn is_setup_doc(path: &str, name: &str) -> bool {
    const TOPICS: &[&str] = &[
        "config",
        "environment",
        "deploy",
        "self-host",
        "setup",
        "install",
    ];
    !path.contains('/') || name.starts_with("readme") || TOPICS.iter().any(|t| path.contains(t))
}

/// The candidates some thread has found (see [`mentions_in`]).
struct Found {
    flags: Vec<std::sync::atomic::AtomicBool>,
    count: std::sync::atomic::AtomicUsize,
}

/// Env files and templates, whose names' mentions are declarations.
fn is_env_or_template(rel: &str, settings: &crate::config::Settings) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.starts_with(".env") || name.ends_with(".env") || settings.env.is_template_name(name)
}

/// Bytes of a large file the mention pass searches at a time.
const MENTION_WINDOW: usize = 256 << 10;

/// Marks the candidates that the files of `rels` thread `me` takes (see
/// `Shares`) mention as whole words. The
/// search holds only the names not found yet, by this thread or another,
/// and is rebuilt as they are found: the names left are few after the
/// first files (a vector search for up to 64), and the pass ends once every
/// name is found. Which names are found does not depend on the order.
fn mentions_in(
    tree: &crate::workspace::tree::Tree,
    rels: &[&String],
    shares: &crate::workspace::tree::Shares,
    me: usize,
    candidates: &[&str],
    found: &Found,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let left = || -> Vec<usize> {
        (0..candidates.len())
            .filter(|&i| !found.flags[i].load(Relaxed))
            .collect()
    };
    let mut searched = found.count.load(Relaxed);
    let Some(mut search) = Mentions::new(candidates, left()) else {
        return;
    };
    // A window carries the longest name and the byte before it into the
    // next (see `Mentions::whole_words_in`).
    let carry = candidates.iter().map(|c| c.len()).max().unwrap_or(0) + 1;
    let mut each = |bytes: &[u8], first: bool, last: bool| {
        for i in search.whole_words_in(bytes, first, last) {
            if !found.flags[i].swap(true, Relaxed) {
                found.count.fetch_add(1, Relaxed);
            }
        }
        let now = found.count.load(Relaxed);
        if now == candidates.len() {
            return false;
        }
        if now != searched && search.worth_rebuilding(candidates.len() - now) {
            searched = now;
            if let Some(s) = Mentions::new(candidates, left()) {
                search = s;
            }
        }
        true
    };
    tree.read_claimed(
        rels,
        shares,
        me,
        MENTION_WINDOW,
        carry,
        |_, window, first, last| each(window, first, last),
    );
}

/// A search for whole-word mentions of some of the candidates.
struct Mentions {
    /// The candidates searched, by their index among all candidates.
    names: Vec<usize>,
    search: MentionSearch,
}

enum MentionSearch {
    /// Names of word characters only, longest first, leftmost first: the
    /// leftmost-longest match at each place. Such names cannot overlap a
    /// whole-word mention of another (the byte before one is no word
    /// character, so no match spans it): every whole-word mention is found.
    Words(crate::literals::Literals),
    /// Leftmost longest over many names (an automaton with its own
    /// prefilter).
    ManyWords(aho_corasick::AhoCorasick),
    /// Other names: every overlapping match is looked at.
    Overlapping(aho_corasick::AhoCorasick),
}

impl Mentions {
    /// Above this many names the vector search gives way to an automaton.
    const VECTOR_MAX: usize = 64;

    fn new(candidates: &[&str], mut names: Vec<usize>) -> Option<Self> {
        let words_only = names.iter().all(|&i| {
            candidates[i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
        let search = if !words_only {
            MentionSearch::Overlapping(
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .build(names.iter().map(|&i| candidates[i]))
                    .ok()?,
            )
        } else if names.len() <= Self::VECTOR_MAX {
            names.sort_by_key(|&i| std::cmp::Reverse(candidates[i].len()));
            MentionSearch::Words(crate::literals::Literals::new(
                names.iter().map(|&i| candidates[i]),
            )?)
        } else {
            MentionSearch::ManyWords(
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(names.iter().map(|&i| candidates[i]))
                    .ok()?,
            )
        };
        Some(Mentions { names, search })
    }

    /// With `left` names not found, is a new search cheaper than this one?
    /// A vector search is built in microseconds; an automaton over many
    /// names is rebuilt only once they have halved.
    fn worth_rebuilding(&self, left: usize) -> bool {
        left <= Self::VECTOR_MAX || left * 2 <= self.names.len()
    }

    /// The candidates (their indices) `bytes` mentions as whole words.
    #[cfg(test)]
    fn whole_words(&self, bytes: &[u8]) -> Vec<usize> {
        self.whole_words_in(bytes, true, true)
    }

    /// [`Mentions::whole_words`] in a window of a file, its `first` or
    /// `last` or neither: a mention at the window's start (but the file's)
    /// or touching its end (but the file's) is left to the window before or
    /// after, which overlap this one by the longest name and a byte. The
    /// whole file's mentions, each in some window: a match the window's
    /// cut makes up (in a word, at its start) is no whole word, and hides
    /// none, as no name holds a byte that is not a word character (`Words`)
    /// or every overlapping match is looked at (`Overlapping`).
    fn whole_words_in(&self, bytes: &[u8], first: bool, last: bool) -> Vec<usize> {
        let word = |b: Option<&u8>| b.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
        let whole = |start: usize, end: usize| {
            !word(start.checked_sub(1).and_then(|i| bytes.get(i))) && !word(bytes.get(end))
        };
        let matches: Vec<(usize, usize, usize)> = match &self.search {
            MentionSearch::Words(l) => l
                .find_iter(bytes)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect(),
            MentionSearch::ManyWords(ac) => ac
                .find_iter(bytes)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect(),
            MentionSearch::Overlapping(ac) => ac
                .find_overlapping_iter(bytes)
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect(),
        };
        matches
            .into_iter()
            .filter(|&(s, e, _)| (first || s > 0) && (last || e < bytes.len()) && whole(s, e))
            .map(|(_, _, p)| self.names[p])
            .collect()
    }
}

fn unused(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    if ctx.settings.level(&UNUSED).is_none() {
        return;
    }
    let mut used: BTreeSet<&str> = facts.reads.iter().map(|r| r.name.as_str()).collect();
    used.extend(IMPLICITLY_READ);
    for t in facts.templates {
        for e in &t.parsed.entries {
            used.extend(e.references.iter().map(String::as_str));
        }
    }
    for env in facts.environments {
        for f in &env.files {
            for e in &f.parsed.entries {
                used.extend(e.references.iter().map(String::as_str));
            }
        }
    }
    // (A pass that failed raises its panic when its thread is joined.)
    let Some(mentioned) = facts.mentioned.wait() else {
        return;
    };
    used.extend(mentioned.iter().map(String::as_str));
    for t in facts.templates {
        for e in &t.parsed.entries {
            if !used.contains(e.key.as_str()) {
                let message = format!(
                    "{} is declared in {} but nothing in the repository reads it",
                    e.key, t.rel
                );
                let help = format!(
                    "delete the {} line if it is obsolete, or read it where it is needed",
                    e.key
                );
                out.extend(at_entry(ctx, &UNUSED, None, &t.rel, e, message, help));
            }
        }
    }
}

fn committed(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    let (Some(level), Some(tracked)) = (
        ctx.settings.level(&COMMITTED_ENV_FILE),
        facts.tracked_env_files,
    ) else {
        return;
    };
    for path in tracked {
        let name = path.rsplit('/').next().unwrap_or(path);
        // Templates, and env files of tests and fixtures (`test/.env.test`
        // holds the suite's own values).
        if ctx.settings.env.is_template_name(name) || !ctx.settings.is_production(path) {
            continue;
        }
        // `.env*.local` is where frameworks put a developer's own values:
        // never committed. Other env files (`.env`, `.env.production`) may
        // hold committed non-secret defaults, as Next.js documents: only a
        // secret-named variable with a real-looking value is a finding.
        let local = name.split('.').any(|p| p == "local");
        let message = if local {
            format!("{path} is a local env file tracked by git: everyone with the repository has its values")
        } else {
            let parsed = facts.env_files.iter().find(|(p, _)| p == path);
            let Some(e) = parsed.and_then(|(_, f)| real_secret(ctx, f)) else {
                continue;
            };
            format!(
                "{path} is tracked by git and holds {} ({}), a secret with a real-looking value: everyone with the repository has it",
                e.key,
                crate::redact::mask_secret(&e.value, "")
            )
        };
        let mut f = Finding::new(
            &COMMITTED_ENV_FILE,
            level,
            message,
            format!("run `git rm --cached {path}`, add it to .gitignore, and rotate every secret it held; commit a template (.env.example) instead"),
        );
        f.path = Some(path.clone());
        out.push(f);
    }
}

/// The first secret-named variable with a real-looking value in `file`.
pub(crate) fn real_secret<'f>(
    ctx: &Context,
    file: &'f crate::env::dotenv::EnvFile,
) -> Option<&'f crate::env::dotenv::Entry> {
    file.entries.iter().find(|e| {
        ctx.settings.secrets.is_secret_name(&e.key)
            && !is_public_by_design(&e.key, &e.value)
            && looks_real(&e.value)
    })
}

/// A value someone would use: 8 characters or more, not a `${reference}`,
/// not a placeholder or default (`changeme`, `your-key-here`, `xxx…`,
/// `postgres`), nor a run or a repetition. A weak but real password is
/// still real.
pub(crate) fn looks_real(value: &str) -> bool {
    use crate::secret_strength::{weakness, Weakness};
    let v = value.trim();
    v.chars().count() >= 8
        && !v.starts_with("${")
        && !matches!(
            weakness(v),
            Some(
                Weakness::Placeholder
                    | Weakness::FewDistinct
                    | Weakness::Sequence
                    | Weakness::Repeated
            )
        )
}

/// Shipped to browsers on purpose: a client-exposed prefix
/// (`NEXT_PUBLIC_`, `VITE_`, …), a publishable or anon key.
pub(crate) fn is_public_by_design(key: &str, value: &str) -> bool {
    PUBLIC_PREFIXES.iter().any(|p| key.starts_with(p))
        || value.starts_with("pk_")
        || has_any_word(key, PUBLIC_WORDS)
}

/// Does `name` hold one of `words` as whole `_`-separated words
/// (`PUBLIC_KEY` in `FIREBASE_PUBLIC_KEY`, not `ANON` in `CANONICAL`)?
fn has_any_word(name: &str, words: &[&str]) -> bool {
    let name = format!("_{name}_");
    words.iter().any(|w| name.contains(&format!("_{w}_")))
}

fn is_public_secret(name: &str) -> bool {
    let Some(rest) = PUBLIC_PREFIXES.iter().find_map(|p| name.strip_prefix(p)) else {
        return false;
    };
    SECRET_WORDS.iter().any(|w| rest.contains(w))
        && !has_any_word(rest, PUBLIC_WORDS)
        && !has_any_word(rest, FLAG_WORDS)
}

/// Words that make a name a switch about a secret, not a secret:
/// `NEXT_PUBLIC_DISABLE_EMAIL_PASSWORD_SIGNUP`, `VITE_SHOW_API_KEY_FORM`.
const FLAG_WORDS: &[&str] = &[
    "DISABLE", "DISABLED", "ENABLE", "ENABLED", "SHOW", "HIDE", "ALLOW", "USE", "REQUIRE",
    "REQUIRED", "IS", "HAS", "FEATURE", "FLAG", "LENGTH", "MIN", "MAX",
];

/// `true`, `false`, `0`, `1`, `yes`, `no`, `on`, `off`: a switch's value.
fn is_boolean_value(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "false" | "0" | "1" | "yes" | "no" | "on" | "off"
    )
}

fn public_secrets(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(level) = ctx.settings.level(&PUBLIC_SECRET) else {
        return;
    };
    let mut reported = BTreeSet::new();
    let help = |name: &str| {
        format!("rename it without the public prefix and read it only on the server; treat the value as leaked and rotate it ({name} is inlined into the JavaScript every visitor downloads)")
    };
    let message = |name: &str| {
        format!("{name} looks like a secret but its prefix exposes it to the browser bundle")
    };
    // A name whose template or environment value is a boolean is a switch.
    let switches: BTreeSet<&str> = facts
        .templates
        .iter()
        .flat_map(|t| t.parsed.entries.iter())
        .chain(
            facts
                .environments
                .iter()
                .flat_map(|e| e.files.iter())
                .flat_map(|f| f.parsed.entries.iter()),
        )
        .filter(|e| is_boolean_value(&e.value))
        .map(|e| e.key.as_str())
        .collect();
    let is_public_secret = |name: &str| is_public_secret(name) && !switches.contains(name);
    for t in facts.templates {
        for e in &t.parsed.entries {
            if is_public_secret(&e.key) && reported.insert(e.key.clone()) {
                out.extend(at_entry(
                    ctx,
                    &PUBLIC_SECRET,
                    Some(level),
                    &t.rel,
                    e,
                    message(&e.key),
                    help(&e.key),
                ));
            }
        }
    }
    for r in facts.reads {
        if is_public_secret(&r.name) && reported.insert(r.name.clone()) {
            out.push(at_read(
                &PUBLIC_SECRET,
                level,
                r,
                message(&r.name),
                help(&r.name),
            ));
        }
    }
    for env in facts.environments {
        for v in facts.judged_values(env) {
            if is_public_secret(&v.key) && reported.insert(v.key.clone()) {
                out.extend(at_value(
                    ctx,
                    &PUBLIC_SECRET,
                    v,
                    env,
                    message(&v.key),
                    help(&v.key),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_word_mentions_with_names_inside_names() {
        let text = b"a = NEXT_PUBLIC_API_URL; b = API_URL_2; c = FOO\nd: API_URL";
        for candidates in [
            &["API_URL", "NEXT_PUBLIC_API_URL", "FOO", "BAR"][..],
            &["API_URL", "FOO", "BAR", "X-Y"][..],
        ] {
            let want: Vec<&str> = ["API_URL", "FOO", "NEXT_PUBLIC_API_URL"]
                .into_iter()
                .filter(|w| candidates.contains(w))
                .collect();
            // Both the vector search and, past its limit (names no text
            // holds added), the automaton over many names.
            let filler: Vec<String> = (0..Mentions::VECTOR_MAX)
                .map(|i| format!("UNUSED_{i}"))
                .collect();
            for many in [false, true] {
                let mut all: Vec<&str> = candidates.to_vec();
                if many {
                    all.extend(filler.iter().map(String::as_str));
                }
                let search = Mentions::new(&all, (0..all.len()).collect()).unwrap();
                assert!(
                    !many
                        || candidates.contains(&"X-Y")
                        || matches!(search.search, MentionSearch::ManyWords(_))
                );
                let mut found: Vec<&str> = search
                    .whole_words(text)
                    .into_iter()
                    .map(|i| all[i])
                    .collect();
                found.sort_unstable();
                found.dedup();
                assert_eq!(found, want, "{candidates:?} many: {many}");
            }
        }
    }

    /// The mentions of a text searched in windows that overlap by the
    /// longest name and a byte (how the pass reads a large file): the
    /// same names as searched whole, with each kind of search.
    #[test]
    fn windows_find_the_mentions_the_whole_text_holds() {
        use proptest::prelude::*;
        let filler: Vec<String> = (0..Mentions::VECTOR_MAX)
            .map(|i| format!("UNUSED_{i}"))
            .collect();
        const PIECES: &[&str] = &[
            "API",
            "API_URL",
            "NEXT_PUBLIC_API_URL",
            "DB",
            "X-Y",
            "_",
            "a",
            " ",
            "\n",
            "-",
            "é",
            "=",
            "Y",
        ];
        let text = prop::collection::vec(prop::sample::select(PIECES), 0..40)
            .prop_map(|p| p.concat().into_bytes());
        let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
            cases: 1500,
            ..Default::default()
        });
        let kinds: [&[&str]; 3] = [
            &["API", "API_URL", "NEXT_PUBLIC_API_URL", "DB"],
            &["API", "API_URL", "DB", "X-Y"],
            &["API", "API_URL", "DB"],
        ];
        runner
            .run(
                &(text, 1usize..12, 0usize..3, any::<bool>()),
                |(text, window, kind, many)| {
                    let mut all: Vec<&str> = kinds[kind].to_vec();
                    if many {
                        all.extend(filler.iter().map(String::as_str));
                    }
                    let search = Mentions::new(&all, (0..all.len()).collect()).unwrap();
                    let names = |found: Vec<usize>| {
                        let mut n: Vec<&str> = found.into_iter().map(|i| all[i]).collect();
                        n.sort_unstable();
                        n.dedup();
                        n
                    };
                    let want = names(search.whole_words(&text));
                    // Windows as `Tree::read_claimed` cuts them.
                    let carry = all.iter().map(|c| c.len()).max().unwrap() + 1;
                    let window = window.max(carry + 1);
                    let mut got = Vec::new();
                    let (mut start, mut first) = (0, true);
                    loop {
                        let end = (start + window).min(text.len());
                        let last = end == text.len();
                        got.extend(search.whole_words_in(&text[start..end], first, last));
                        if last {
                            break;
                        }
                        first = false;
                        start = end - carry;
                    }
                    prop_assert_eq!(names(got), want);
                    Ok(())
                },
            )
            .unwrap();
    }

    /// A name that begins another (`API` and `API_URL`, listed shortest
    /// first) does not hide it: the longest name at a place is the match.
    #[test]
    fn a_name_inside_the_start_of_another_does_not_hide_it() {
        let all = ["API", "API_URL", "DB"];
        let search = Mentions::new(&all, vec![0, 1, 2]).unwrap();
        let found: Vec<&str> = search
            .whole_words(b"url = API_URL\ndb = DB_URL")
            .into_iter()
            .map(|i| all[i])
            .collect();
        assert_eq!(found, ["API_URL"]);
    }

    /// The mention pass reads a path holding a name's word first, then
    /// configuration and setup docs, then source, then other docs; a word
    /// in many paths is no hint. Every file is still in the order.
    #[test]
    fn the_mention_pass_reads_the_likeliest_files_first() {
        let mut visited: Vec<String> = [
            "content/blog/hello.mdx",
            "lib/auth.ts",
            "lib/dynadot/client.ts",
            "README.md",
            "config/database.yml",
            "docs/self-hosting/configuration/environment.mdx",
            "docs/guide.md",
            "turbo.json",
            "AGENTS.md",
            "packages/emails/Templates/Welcome.tsx",
            "app/utils/env.server.ts",
            "docs/env.md",
        ]
        .map(String::from)
        .to_vec();
        // A small app's files keep their path order.
        let names = ["DYNADOT_API_KEY", "SENDGRID_EMAILS_KEY"];
        let small: Vec<&String> = reading_order(&visited, &names);
        assert_eq!(small, visited.iter().collect::<Vec<_>>());
        // `EMAILS` is the word of 70 paths: a folder, not an integration.
        visited.extend((0..70).map(|i| format!("packages/emails/src/e{i:02}.tsx")));
        visited.extend((0..500).map(|i| format!("src/gen/f{i:03}.ts")));
        let order = reading_order(&visited, &names);
        let mut sorted: Vec<&String> = order.clone();
        sorted.sort();
        let mut all: Vec<&String> = visited.iter().collect();
        all.sort();
        assert_eq!(sorted, all, "every file, once");
        let first: Vec<&str> = order.iter().take(8).map(|p| p.as_str()).collect();
        assert_eq!(
            first,
            [
                "lib/dynadot/client.ts",
                "app/utils/env.server.ts",
                "README.md",
                "config/database.yml",
                "docs/self-hosting/configuration/environment.mdx",
                "turbo.json",
                "AGENTS.md",
                "lib/auth.ts",
            ]
        );
        let last: Vec<&str> = order.iter().rev().take(3).map(|p| p.as_str()).collect();
        assert_eq!(
            last,
            ["docs/env.md", "docs/guide.md", "content/blog/hello.mdx"]
        );
    }

    #[test]
    fn committed_values_that_look_real() {
        for real in [
            "sk_live_51NfAkE8rN0cLbyjkGALz",
            "hunter2-prod-Passw0rd",
            "Zx9vQ2mL8pR4tK7w",
        ] {
            assert!(looks_real(real), "{real}");
        }
        for not in [
            "",
            "changeme",
            "xxxxxxxxxxxx",
            "your-api-key-here",
            "${SECRET}",
            "12345678",
            "short",
        ] {
            assert!(!looks_real(not), "{not}");
        }
        assert!(is_public_by_design("NEXT_PUBLIC_STRIPE_KEY", "x"));
        assert!(is_public_by_design("STRIPE_KEY", "pk_live_abc"));
        assert!(is_public_by_design("SUPABASE_ANON_KEY", "eyJ…"));
        assert!(!is_public_by_design("STRIPE_SECRET_KEY", "sk_live_abc"));
    }

    #[test]
    fn public_secret_names() {
        for yes in [
            "NEXT_PUBLIC_STRIPE_SECRET_KEY",
            "VITE_API_TOKEN",
            "REACT_APP_DB_PASSWORD",
            "NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY",
            // `ANON` inside another word, and a CSRF signing secret.
            "VITE_CANONICAL_API_TOKEN",
            "NEXT_PUBLIC_ANONYMIZER_SECRET",
            "NEXT_PUBLIC_CSRF_SECRET",
        ] {
            assert!(is_public_secret(yes), "{yes}");
        }
        for no in [
            "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY",
            "NEXT_PUBLIC_API_URL",
            "JWT_SECRET",
            "VITE_SUPABASE_ANON_KEY",
            "NEXT_PUBLIC_CSRF_TOKEN_HEADER",
            "NEXT_PUBLIC_CSRF_TOKEN",
            "NEXT_PUBLIC_RECAPTCHA_SITE_KEY",
            "NEXT_PUBLIC_DISABLE_EMAIL_PASSWORD_SIGNUP",
            "VITE_SHOW_API_KEY_FORM",
            "NEXT_PUBLIC_PASSWORD_MIN_LENGTH",
            "VITE_FIREBASE_PUBLIC_KEY",
        ] {
            assert!(!is_public_secret(no), "{no}");
        }
    }
}
