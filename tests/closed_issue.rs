//! `todo/closed-issue` with `--online`, from the real binary against a fake
//! GitHub issues API on loopback: open vs closed issues, references to other
//! repositories, one request per distinct issue, the cache, issues the pull
//! request closes, rate limits and dead networks as one notice that never
//! changes the verdict, and no request at all without `--online`.

mod support;

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use support::http::{self, Request};
use support::{run, shipcheck, Run};

const TOKEN: &str = "ghs_issuesfaketoken0123456789abcdef";
const RULE: &str = "todo/closed-issue";
const NOTICE: &str = "scan/online-lookup";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Ok,
    /// Every request: 403 with the primary rate limit used up.
    RateLimited,
}

/// A fake `GET /repos/{owner}/{repo}/issues/{n}`: `issues` maps
/// `owner/repo#n` to `open` / `closed`; anything else is 404.
struct Fake {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Fake {
    fn start(script: Script, issues: &[(&str, &str)]) -> Fake {
        let issues: BTreeMap<String, String> = issues
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let reqs = Arc::clone(&requests);
        let url = http::serve(move |req| {
            reqs.lock().unwrap().push(req.clone());
            answer(&req.path, &issues, script)
        });
        Fake { url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    fn paths(&self) -> Vec<String> {
        let mut p: Vec<String> = self.requests().into_iter().map(|r| r.path).collect();
        p.sort();
        p
    }
}

fn answer(path: &str, issues: &BTreeMap<String, String>, script: Script) -> http::Response {
    if script == Script::RateLimited {
        let reset = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3600;
        return (
            403,
            format!("x-ratelimit-remaining: 0\r\nx-ratelimit-reset: {reset}\r\n"),
            json!({"message": "API rate limit exceeded"}),
        );
    }
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["repos", o, r, "issues", n] => {
            match issues.get(&format!("{o}/{r}#{n}")).map(String::as_str) {
                Some("closed") => (
                    200,
                    String::new(),
                    json!({"number": n.parse::<u64>().unwrap(), "state": "closed", "state_reason": "completed", "title": "t"}),
                ),
                Some(_) => (
                    200,
                    String::new(),
                    json!({"number": n.parse::<u64>().unwrap(), "state": "open", "state_reason": null, "title": "t"}),
                ),
                None => (404, String::new(), json!({"message": "Not Found"})),
            }
        }
        _ => (404, String::new(), json!({"message": "Not Found"})),
    }
}

/// A repository with `src/a.ts` holding `source`.
fn repo(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/a.ts"), source).unwrap();
    dir
}

/// `shipcheck check --format json ROOT [--online]` against `api`, with
/// `GITHUB_REPOSITORY=acme/app` unless `repository` is `None`.
fn check(root: &Path, api: &str, online: bool, extra_env: &[(&str, &str)]) -> Run {
    let mut cmd = shipcheck();
    cmd.arg("check")
        .arg(root)
        .args(["--format", "json", "--branch", "feature"])
        .env("GITHUB_API_URL", api)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", "acme/app")
        .env("SHIPCHECK_GITHUB_BACKOFF_MS", "1");
    if online {
        cmd.arg("--online");
    }
    for (k, v) in extra_env {
        if v.is_empty() {
            cmd.env_remove(k);
        } else {
            cmd.env(k, v);
        }
    }
    run(&mut cmd)
}

fn report(out: &Run) -> Value {
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}: {}",
        out.code,
        out.stderr
    );
    support::json(out)
}

/// `(rule, line, message)` of the findings of `rules`.
fn of(v: &Value, rules: &[&str]) -> Vec<(String, u64, String)> {
    let mut f: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| rules.contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    f.sort();
    f
}

fn lines(v: &Value, rule: &str) -> Vec<u64> {
    of(v, &[rule]).into_iter().map(|(_, l, _)| l).collect()
}

const MIXED: &str = "\
// TODO(#1): open in this repository
// TODO(#2): closed in this repository
// FIXME: see other/lib#3 for the upstream fix
// TODO: wait for https://github.com/other/lib/issues/4
// TODO PAY-88 a Jira key is not looked up
const a = 1;
";

fn mixed_fake() -> Fake {
    Fake::start(
        Script::Ok,
        &[
            ("acme/app#1", "open"),
            ("acme/app#2", "closed"),
            ("other/lib#3", "closed"),
            ("other/lib#4", "open"),
        ],
    )
}

#[test]
fn closed_issues_are_findings_open_ones_are_not_across_repositories() {
    let fake = mixed_fake();
    let dir = repo(MIXED);
    let v = report(&check(dir.path(), &fake.url, true, &[]));
    let found = of(&v, &[RULE, NOTICE]);
    assert_eq!(lines(&v, RULE), vec![2, 3], "{found:?}");
    assert!(lines(&v, NOTICE).is_empty(), "{found:?}");
    assert!(
        found[0].2.contains("acme/app#2") && found[0].2.contains("closed"),
        "{found:?}"
    );
    assert!(found[1].2.contains("other/lib#3"), "{found:?}");
    assert_eq!(
        fake.paths(),
        vec![
            "/repos/acme/app/issues/1",
            "/repos/acme/app/issues/2",
            "/repos/other/lib/issues/3",
            "/repos/other/lib/issues/4",
        ]
    );
    for r in fake.requests() {
        assert_eq!(
            r.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    // Warnings only: the verdict is the offline one.
    let offline = check(dir.path(), &fake.url, false, &[]);
    assert_eq!(offline.code, 0, "{}", offline.stderr);
}

#[test]
fn without_online_no_request_and_no_finding() {
    let fake = mixed_fake();
    let dir = repo(MIXED);
    let v = report(&check(dir.path(), &fake.url, false, &[]));
    assert!(of(&v, &[RULE, NOTICE]).is_empty());
    assert!(fake.requests().is_empty());
    assert!(!dir.path().join(".shipcheck-cache").exists());
}

#[test]
fn each_issue_is_requested_once() {
    let fake = Fake::start(Script::Ok, &[("acme/app#5", "closed")]);
    let dir = repo("// TODO(#5): one\n// TODO: two, Acme/App#5\nconst x = 1;\n// HACK: three #5\n");
    let v = report(&check(dir.path(), &fake.url, true, &[]));
    assert_eq!(lines(&v, RULE), vec![1, 2, 4]);
    assert_eq!(fake.paths(), vec!["/repos/acme/app/issues/5"]);
}

#[test]
fn a_rerun_is_answered_from_the_cache() {
    let fake = mixed_fake();
    let dir = repo(MIXED);
    let first = report(&check(dir.path(), &fake.url, true, &[]));
    assert_eq!(fake.requests().len(), 4);
    let cache = dir.path().join(".shipcheck-cache/issues.json");
    let text = std::fs::read_to_string(&cache).unwrap();
    assert!(
        text.contains("acme/app#2") && text.contains("closed"),
        "{text}"
    );
    let second = report(&check(dir.path(), &fake.url, true, &[]));
    assert_eq!(fake.requests().len(), 4, "the rerun sent requests");
    assert_eq!(of(&first, &[RULE, NOTICE]), of(&second, &[RULE, NOTICE]));
    // The cache is not scanned as source.
    assert_eq!(first["files_scanned"], second["files_scanned"]);
}

#[test]
fn an_issue_the_pull_request_closes_is_a_finding_without_a_lookup() {
    let fake = Fake::start(
        Script::Ok,
        &[("acme/app#7", "open"), ("acme/app#8", "open")],
    );
    let dir = repo("// TODO(#7): finish before merging\n// TODO(#8): stays open\n");
    let event_dir = tempfile::tempdir().unwrap();
    let event = event_dir.path().join("event.json");
    std::fs::write(
        &event,
        json!({"pull_request": {"number": 3, "body": "Adds the thing.\n\nFixes #7"}}).to_string(),
    )
    .unwrap();
    let v = report(&check(
        dir.path(),
        &fake.url,
        true,
        &[
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
        ],
    ));
    let found = of(&v, &[RULE]);
    assert_eq!(lines(&v, RULE), vec![1], "{found:?}");
    assert!(found[0].2.contains("this pull request closes"), "{found:?}");
    assert_eq!(fake.paths(), vec!["/repos/acme/app/issues/8"]);
}

#[test]
fn a_rate_limit_is_one_notice_and_never_a_verdict() {
    let fake = Fake::start(Script::RateLimited, &[]);
    // An error-level finding too, so the verdict is "blocked" either way.
    let src = format!("{MIXED}debugger;\n");
    let dir = repo(&src);
    let online = check(dir.path(), &fake.url, true, &[]);
    let offline = check(dir.path(), &fake.url, false, &[]);
    assert_eq!(online.code, offline.code, "{}", online.stderr);
    let v = report(&online);
    assert!(lines(&v, RULE).is_empty());
    let notices = of(&v, &[NOTICE]);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].2.contains("rate limited"), "{notices:?}");
    // The first rate limit stops the others: at most one per worker.
    assert!(fake.requests().len() <= 4, "{}", fake.requests().len());
    // Nothing cached: the next run asks again.
    assert!(!dir.path().join(".shipcheck-cache").exists());
    let passing = repo(MIXED);
    let online = check(passing.path(), &fake.url, true, &[]);
    let offline = check(passing.path(), &fake.url, false, &[]);
    assert_eq!((online.code, offline.code), (0, 0), "{}", online.stderr);
}

#[test]
fn a_dead_network_is_one_notice() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = repo(MIXED);
    let out = check(dir.path(), &format!("http://127.0.0.1:{port}"), true, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = report(&out);
    assert!(lines(&v, RULE).is_empty());
    let notices = of(&v, &[NOTICE]);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].2.contains("without an answer"), "{notices:?}");
}

#[test]
fn unauthenticated_and_the_origin_remote_names_the_repository() {
    let fake = Fake::start(Script::Ok, &[("acme/site#2", "closed")]);
    let dir = repo("// TODO(#2): x\n");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["remote", "add", "origin", "git@github.com:acme/site.git"]);
    let v = report(&check(
        dir.path(),
        &fake.url,
        true,
        &[("GITHUB_REPOSITORY", ""), ("GITHUB_TOKEN", "")],
    ));
    assert_eq!(lines(&v, RULE), vec![1]);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, "/repos/acme/site/issues/2");
    assert_eq!(reqs[0].authorization, None);
}

#[test]
fn hash_references_without_a_repository_are_a_notice() {
    let fake = mixed_fake();
    let dir = repo(MIXED);
    let v = report(&check(
        dir.path(),
        &fake.url,
        true,
        &[("GITHUB_REPOSITORY", "")],
    ));
    // other/lib#3 is still judged; #1 and #2 cannot be.
    assert_eq!(lines(&v, RULE), vec![3]);
    let notices = of(&v, &[NOTICE]);
    assert_eq!(notices.len(), 1);
    assert!(notices[0].2.contains("GITHUB_REPOSITORY"), "{notices:?}");
    let paths: BTreeSet<String> = fake.paths().into_iter().collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
}
