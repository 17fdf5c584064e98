//! `--online`: `todo/closed-issue`. Each GitHub issue a tracked TODO names
//! is looked up once (`GET /repos/{owner}/{repo}/issues/{n}`, a few at a
//! time) and a closed one is a finding at the TODO; so is an issue the pull
//! request itself closes (`Closes #N` in its description), without a
//! look-up. Answers are cached in [`CACHE_DIR`]`/issues.json` under the
//! repository root: closed issues for good, open and missing ones for
//! [`OPEN_TTL`], so a rerun within the hour sends no request.
//!
//! Nothing here may turn into a false verdict: rate limits, network errors
//! and unreadable repositories become one `scan/online-lookup` notice and
//! the TODOs they concern are simply not judged. Without `--online` this
//! module is never called.

use crate::checks::todo::{GithubRef, TodoIssueRefs};
use crate::config::Settings;
use crate::finding::Finding;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

mod api;
mod cache;

use crate::rules::{Area, Judged, Level, Rule};
use api::{fetch_all, Failure, Key, State};
use cache::{load_cache, now, save_cache, CacheEntry};
pub use cache::{CACHE_DIR, OPEN_TTL};

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const CLOSED_ISSUE: Rule = Rule {
    id: "todo/closed-issue",
    default_level: Some(Level::Warning),
    area: Area::Todos,
    judged: Judged::Lines,
    summary: "TODO referencing a GitHub issue that is closed, or that the pull request closes (`Closes #12`); only with `--online`",
    options: &[],
    doc: crate::rule_doc!("todo-closed-issue"),
    module: module_path!(),
};

pub const ONLINE_LOOKUP: Rule = Rule {
    id: "scan/online-lookup",
    default_level: Some(Level::Notice),
    area: Area::Scan,
    judged: Judged::State,
    summary: "`--online` issue look-ups that failed (rate limit, network, no repository): those TODOs were not judged",
    options: &[],
    doc: crate::rule_doc!("scan-online-lookup"),
    module: module_path!(),
};

/// What the online check reads from the environment.
#[derive(Debug, Clone, Default)]
pub struct OnlineEnv {
    pub api_url: String,
    /// `GITHUB_TOKEN`; without one, public repositories still answer.
    pub token: Option<String>,
    /// `owner/repo` that `#N` means: `GITHUB_REPOSITORY`, else the
    /// `origin` remote when it is on github.com.
    pub repository: Option<String>,
    /// The pull request's description, from the event payload.
    pub pr_body: Option<String>,
    /// Where `issues.json` lives.
    pub cache_dir: PathBuf,
}

impl OnlineEnv {
    pub fn of(ctx: &crate::run_context::RunContext, root: &Path) -> OnlineEnv {
        let var = |k: &str| ctx.var(k).map(String::from);
        OnlineEnv {
            api_url: var("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()),
            token: var("GITHUB_TOKEN"),
            repository: var("GITHUB_REPOSITORY").or_else(|| origin_repo(root)),
            pr_body: ctx
                .event_payload()
                .and_then(|e| e.pull_request.as_ref())
                .and_then(|p| p.body.clone()),
            cache_dir: root.join(CACHE_DIR),
        }
    }
}

/// `owner/repo` of `git remote get-url origin`, when it is on github.com.
fn origin_repo(root: &Path) -> Option<String> {
    let out = crate::git::command(root)
        .args(["remote", "get-url", "origin"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    parse_remote(String::from_utf8_lossy(&out.stdout).trim())
}

/// `https://github.com/o/r(.git)`, `git@github.com:o/r.git`,
/// `ssh://git@github.com/o/r.git` → `o/r`.
pub fn parse_remote(url: &str) -> Option<String> {
    static REMOTE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:(?:https?|ssh|git)://(?:[^@/]+@)?(?:www\.)?github\.com(?::\d+)?/|[^@/]+@github\.com:)([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")
            .expect("valid remote pattern")
    });
    let c = REMOTE.captures(url.trim())?;
    Some(format!("{}/{}", &c[1], &c[2]))
}

/// The issues a pull request description closes on merge: GitHub's
/// keywords (close, closes, closed, fix, fixes, fixed, resolve, resolves,
/// resolved; any case, optional colon) before `#N`, `owner/repo#N` or an
/// issue URL.
pub fn closing_refs(body: &str) -> Vec<GithubRef> {
    static CLOSING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+",
            r"(?:https?://(?:www\.)?github\.com/(?P<uo>[\w.-]+)/(?P<ur>[\w.-]+)/issues/(?P<un>\d+)",
            r"|(?P<o>[\w.-]+)/(?P<r>[\w.-]+)#(?P<n>\d+)",
            r"|#(?P<b>\d+))\b",
        ))
        .expect("valid closing keyword pattern")
    });
    CLOSING
        .captures_iter(body)
        .filter_map(|c| {
            let num = |k: &str| c.name(k).and_then(|m| m.as_str().parse::<u64>().ok());
            let repo =
                |o: &str, r: &str| Some(format!("{}/{}", c.name(o)?.as_str(), c.name(r)?.as_str()));
            let (repo, number) = if let Some(n) = num("un") {
                (repo("uo", "ur"), n)
            } else if let Some(n) = num("n") {
                (repo("o", "r"), n)
            } else {
                (None, num("b")?)
            };
            Some(GithubRef { repo, number })
        })
        .collect()
}

/// `todo/closed-issue` findings and at most one `scan/online-lookup`
/// notice for the TODOs' references, reading the environment.
pub fn check(
    ctx: &crate::run_context::RunContext,
    root: &Path,
    settings: &Settings,
    todos: &[TodoIssueRefs],
) -> Vec<Finding> {
    check_with(&OnlineEnv::of(ctx, root), settings, todos)
}

pub fn check_with(env: &OnlineEnv, settings: &Settings, todos: &[TodoIssueRefs]) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(level) = settings.level(&CLOSED_ISSUE) else {
        return out;
    };
    if todos.is_empty() {
        return out;
    }
    let current = env.repository.as_deref();
    let closing: BTreeSet<Key> = env
        .pr_body
        .as_deref()
        .map(closing_refs)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| Key::of(r, current))
        .collect();
    let mut unresolved = 0usize;
    let mut wanted: BTreeSet<Key> = BTreeSet::new();
    for t in todos {
        for r in &t.refs {
            match Key::of(r, current) {
                Some(k) if !closing.contains(&k) => {
                    wanted.insert(k);
                }
                Some(_) => {}
                None => unresolved += 1,
            }
        }
    }

    let now = now();
    let mut cache = load_cache(&env.cache_dir, &env.api_url);
    let mut states: BTreeMap<Key, State> = BTreeMap::new();
    let mut to_fetch = Vec::new();
    for k in wanted {
        match cache.issues.get(&k.to_string()).and_then(|e| e.state(now)) {
            Some(s) => {
                states.insert(k, s);
            }
            None => to_fetch.push(k),
        }
    }
    let mut failures: Vec<(Key, Failure)> = Vec::new();
    if !to_fetch.is_empty() {
        let mut answered = false;
        for (k, r) in fetch_all(&env.api_url, env.token.as_deref(), to_fetch) {
            match r {
                Ok(s) => {
                    cache.issues.insert(k.to_string(), CacheEntry::new(&s, now));
                    states.insert(k, s);
                    answered = true;
                }
                Err(f) => failures.push((k, f)),
            }
        }
        if answered {
            save_cache(&env.cache_dir, &cache);
        }
    }

    for t in todos {
        let mut seen = BTreeSet::new();
        for r in &t.refs {
            let Some(k) = Key::of(r, current) else {
                continue;
            };
            if !seen.insert(k.clone()) {
                continue;
            }
            let (message, help) = if closing.contains(&k) {
                (
                    format!(
                        "`{}` references {k}, which this pull request closes: {}",
                        t.marker, t.summary
                    ),
                    format!(
                        "do the work in this pull request and delete the comment, or link the TODO to an issue that stays open (or drop the closing keyword for #{} from the description)",
                        k.number
                    ),
                )
            } else if let Some(State::Closed(reason)) = states.get(&k) {
                let why = match reason.as_deref() {
                    Some("not_planned") => " as not planned",
                    Some("completed") => " as completed",
                    Some("duplicate") => " as a duplicate",
                    _ => "",
                };
                (
                    format!(
                        "`{}` references {k}, which was closed{why}: {}",
                        t.marker, t.summary
                    ),
                    "do the work and delete the comment, or reopen the issue or link the TODO to an open one".to_string(),
                )
            } else {
                continue;
            };
            out.push(Finding::new(&CLOSED_ISSUE, level, message, help).at_shown(
                &t.path,
                t.span.clone(),
                t.source_line.clone(),
            ));
        }
    }

    let missing = states.values().filter(|s| **s == State::Missing).count();
    if let Some(n) = lookup_notice(&failures, unresolved, missing, settings) {
        out.push(n);
    }
    out
}

/// One notice for everything that could not be judged, or `None`.
fn lookup_notice(
    failures: &[(Key, Failure)],
    unresolved: usize,
    missing: usize,
    settings: &Settings,
) -> Option<Finding> {
    if failures.is_empty() && unresolved == 0 {
        return None;
    }
    let level = settings.level(&ONLINE_LOOKUP)?;
    let count = |f: fn(&Failure) -> bool| failures.iter().filter(|(_, x)| f(x)).count();
    let mut why = Vec::new();
    let limited = count(|f| *f == Failure::RateLimited);
    if limited > 0 {
        why.push(format!("{limited} rate limited"));
    }
    let skipped = count(|f| *f == Failure::Skipped);
    if skipped > 0 {
        why.push(format!("{skipped} not tried after that"));
    }
    if let Some((_, Failure::Network(e))) = failures
        .iter()
        .find(|(_, f)| matches!(f, Failure::Network(_)))
    {
        let n = count(|f| matches!(f, Failure::Network(_)));
        why.push(format!("{n} without an answer ({e})"));
    }
    if let Some((_, Failure::Other(e))) = failures
        .iter()
        .find(|(_, f)| matches!(f, Failure::Other(_)))
    {
        let n = count(|f| matches!(f, Failure::Other(_)));
        why.push(format!("{n} refused ({e})"));
    }
    if unresolved > 0 {
        why.push(format!(
            "{unresolved} `#N` reference(s) with no repository to look in (set GITHUB_REPOSITORY, or an `origin` remote on github.com)"
        ));
    }
    if missing > 0 {
        why.push(format!(
            "{missing} not found (a private repository the token cannot read, or a wrong number)"
        ));
    }
    let mut f = Finding::new(
        &ONLINE_LOOKUP,
        level,
        format!(
            "{} GitHub issue look-up(s) failed, so the TODOs referencing them were not checked for closed issues: {}",
            failures.len() + unresolved,
            why.join("; ")
        ),
        "rerun later (answers already received are cached), or set GITHUB_TOKEN for a higher rate limit and access to private repositories",
    );
    f.path = None;
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(repo: Option<&str>, number: u64) -> GithubRef {
        GithubRef {
            repo: repo.map(str::to_string),
            number,
        }
    }

    #[test]
    fn closing_keywords() {
        let body = "Closes #12.\nfixes: acme/lib#3, RESOLVED https://github.com/o/r/issues/9\nFixed #4 and #5\nsee #6; prefix#7; closes#8; unclosed #10; Close #11";
        assert_eq!(
            closing_refs(body),
            vec![
                r(None, 12),
                r(Some("acme/lib"), 3),
                r(Some("o/r"), 9),
                r(None, 4),
                r(None, 11),
            ]
        );
        assert!(closing_refs("This PR relates to #4, refs #5").is_empty());
    }

    #[test]
    fn remotes() {
        for (url, want) in [
            ("https://github.com/acme/app.git", Some("acme/app")),
            ("https://github.com/acme/app", Some("acme/app")),
            (
                "https://x-access-token:t@github.com/acme/app.git",
                Some("acme/app"),
            ),
            ("git@github.com:acme/my.app.git", Some("acme/my.app")),
            ("ssh://git@github.com/acme/app.git", Some("acme/app")),
            ("https://gitlab.com/acme/app.git", None),
            ("git@gitlab.com:acme/app.git", None),
        ] {
            assert_eq!(parse_remote(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn cache_ttl() {
        let closed = CacheEntry::new(&State::Closed(Some("completed".into())), 0);
        assert_eq!(
            closed.state(10_000_000),
            Some(State::Closed(Some("completed".into())))
        );
        let open = CacheEntry::new(&State::Open, 1000);
        assert_eq!(open.state(1000 + 3599), Some(State::Open));
        assert_eq!(open.state(1000 + 3600), None);
        // Poisoned: checked "in the future" is never fresh.
        let future = CacheEntry::new(&State::Open, 10_000_000);
        assert_eq!(future.state(1000), None);
        assert_eq!(
            CacheEntry::new(&State::Missing, 1100).state(1000),
            Some(State::Missing)
        );
    }

    #[test]
    fn keys_are_case_insensitive_and_need_a_repo() {
        assert_eq!(
            Key::of(&r(Some("Acme/App"), 1), None),
            Key::of(&r(None, 1), Some("acme/app"))
        );
        assert_eq!(Key::of(&r(None, 1), None), None);
    }
}
