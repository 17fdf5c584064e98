//! `--github` / `--comment` from the real binary against a fake GitHub on
//! loopback: one check run on the pull request's head SHA, annotations in
//! batches of at most 50, request bodies valid against GitHub's own request
//! schemas (tests/data/schemas, extracted from github/rest-api-description
//! at the commit recorded in the file), the job summary and outputs, the
//! 403 fallback, retries that never duplicate the run, and no secret in
//! any request body.

#[path = "github_publish/fake.rs"]
#[allow(
    dead_code,
    reason = "other CI check runs are seeded by tests/checklist.rs"
)]
mod fake;
mod support;

use fake::{Fake, Script, TOKEN};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{manifest, run, shipcheck, Run};

const HEAD_SHA: &str = "1111111111111111111111111111111111111111";
const MERGE_SHA: &str = "2222222222222222222222222222222222222222";
/// Built at run time so this file holds no key-shaped literal.
const KEY_BODY: &str = "51HqLyjWDarjtT1zdp7dcXbBnq4hW3T9fQa";

struct Repo {
    dir: tempfile::TempDir,
    summary: PathBuf,
    output: PathBuf,
    event: PathBuf,
}

/// A repository with `n` `console.log` lines (errors) and, with `secret`, a
/// file holding a live Stripe key.
fn repo(n: usize, secret: bool) -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join("src")).unwrap();
    let mut js = String::new();
    for i in 0..n {
        js.push_str(&format!("console.log('step {i}');\n"));
    }
    std::fs::write(root.join("src/app.js"), js).unwrap();
    if secret {
        std::fs::write(
            root.join("src/pay.js"),
            format!("const stripe = 'sk_live_{KEY_BODY}';\n"),
        )
        .unwrap();
    }
    let event = dir.path().join("event.json");
    std::fs::write(
        &event,
        json!({
            "action": "synchronize", "number": 7,
            "pull_request": {"number": 7,
                "head": {"ref": "feature", "sha": HEAD_SHA},
                "base": {"ref": "main", "sha": "3333333333333333333333333333333333333333"}},
            "repository": {"full_name": "acme/app", "default_branch": "main"}
        })
        .to_string(),
    )
    .unwrap();
    let summary = dir.path().join("summary.md");
    let output = dir.path().join("output.txt");
    Repo {
        dir,
        summary,
        output,
        event,
    }
}

fn publish(api_url: &str, repo: &Repo, extra: &[&str]) -> Run {
    let mut cmd = shipcheck();
    cmd.arg("check")
        .arg(repo.dir.path().join("repo"))
        .args(["--branch", "feature"])
        .args(extra);
    if !extra.contains(&"--format") {
        cmd.args(["--format", "json"]);
    }
    cmd.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", "acme/app")
        .env("GITHUB_API_URL", api_url)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &repo.event)
        .env("GITHUB_SHA", MERGE_SHA)
        .env("GITHUB_RUN_ID", "42")
        .env("GITHUB_RUN_ATTEMPT", "1")
        .env("GITHUB_STEP_SUMMARY", &repo.summary)
        .env("GITHUB_OUTPUT", &repo.output)
        .env("SHIPCHECK_GITHUB_BACKOFF_MS", "10")
        .timeout(Duration::from_secs(60));
    run(&mut cmd)
}

fn schema_file() -> Value {
    let path = manifest().join("tests/data/schemas/github-checks-requests.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validators() -> (jsonschema::Validator, jsonschema::Validator) {
    let file = schema_file();
    assert_eq!(file["source"]["repo"], "github/rest-api-description");
    assert!(file["source"]["commit"].as_str().unwrap().len() == 40);
    let build = |op: &str| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&file["operations"][op])
            .unwrap_or_else(|e| panic!("{op} schema compiles: {e}"))
    };
    (build("checks/create"), build("checks/update"))
}

fn assert_valid(v: &jsonschema::Validator, body: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what} body invalid: {errors:#?}");
}

/// The recorded check-run requests: every body schema-valid, at most 50
/// annotations each, no secret; returns (creates, updates).
fn check_requests(fake: &Fake) -> (Vec<Value>, Vec<Value>) {
    let (create, update) = validators();
    let (mut creates, mut updates) = (vec![], vec![]);
    for r in fake.requests() {
        assert_eq!(
            r.authorization.as_deref(),
            Some(&*format!("Bearer {TOKEN}"))
        );
        assert!(
            !r.raw_body.contains(KEY_BODY),
            "secret in {} {}",
            r.method,
            r.path
        );
        assert!(!r.raw_body.contains(&KEY_BODY[..12]));
        assert!(!r.raw_body.contains(TOKEN), "token in a body");
        let Some(body) = r.body else { continue };
        let n = body["output"]["annotations"].as_array().map_or(0, Vec::len);
        assert!(n <= 50, "{n} annotations in one request");
        match (r.method.as_str(), r.path.ends_with("/check-runs")) {
            ("POST", true) => {
                assert_valid(&create, &body, "create");
                creates.push(body);
            }
            ("PATCH", _) if r.path.contains("/check-runs/") => {
                assert_valid(&update, &body, "update");
                updates.push(body);
            }
            _ => {}
        }
    }
    (creates, updates)
}

fn annotations_sent(updates: &[Value]) -> usize {
    updates
        .iter()
        .map(|b| b["output"]["annotations"].as_array().map_or(0, Vec::len))
        .sum()
}

fn final_update(updates: &[Value]) -> &Value {
    let last = updates.last().expect("a completing update");
    assert_eq!(last["status"], "completed");
    last
}

#[test]
fn done_when_120_findings_on_a_pull_request() {
    let fake = Fake::start(Script::Ok);
    let repo = repo(120, true);
    let r = publish(&fake.url, &repo, &["--github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let (creates, updates) = check_requests(&fake);
    assert_eq!(creates.len(), 1, "exactly one create");
    assert_eq!(
        creates[0]["head_sha"], HEAD_SHA,
        "the PR head, not GITHUB_SHA"
    );
    assert_eq!(creates[0]["name"], "shipcheck");
    assert_eq!(fake.runs().len(), 1);
    let last = final_update(&updates);
    assert_eq!(last["conclusion"], "failure");
    // 120 console.log lines plus the key.
    let total = fake.runs()[0]["annotations"].as_u64().unwrap();
    assert!(total >= 121, "{total}");
    assert_eq!(annotations_sent(&updates) as u64, total);
    let title = last["output"]["title"].as_str().unwrap();
    assert!(title.starts_with("Blocked: "), "{title}");
    let summary = last["output"]["summary"].as_str().unwrap();
    assert!(summary.chars().count() <= 65_535);
    let md = std::fs::read_to_string(&repo.summary).unwrap();
    assert!(md.contains("debug/console"), "{md}");
    assert!(md.contains(&format!("blob/{HEAD_SHA}")));
    assert!(!md.contains(KEY_BODY));
    let out = std::fs::read_to_string(&repo.output).unwrap();
    assert!(out.contains("passed=false\n") && out.contains("warnings="));
    assert!(out
        .lines()
        .any(|l| l.starts_with("errors=") && l != "errors=0"));
}

fn annotation_count_case(findings: usize, expect_updates: usize) {
    let fake = Fake::start(Script::Ok);
    let repo = repo(findings, false);
    let r = publish(
        &fake.url,
        &repo,
        &["--github", "--check-name", "deploy readiness"],
    );
    assert_eq!(r.code, if findings == 0 { 0 } else { 1 }, "{}", r.stderr);
    let (creates, updates) = check_requests(&fake);
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0]["name"], "deploy readiness");
    let sent = annotations_sent(&updates);
    assert_eq!(sent, findings, "every console.log arrives once");
    assert_eq!(updates.len(), expect_updates, "{findings} findings");
    let last = final_update(&updates);
    let want = if findings == 0 { "success" } else { "failure" };
    assert_eq!(last["conclusion"], want);
}

#[test]
fn zero_annotations() {
    annotation_count_case(0, 1);
}

#[test]
fn one_annotation() {
    annotation_count_case(1, 1);
}

#[test]
fn fifty_annotations_fit_one_request() {
    annotation_count_case(50, 1);
}

#[test]
fn fifty_one_annotations_take_two() {
    annotation_count_case(51, 2);
}

#[test]
fn five_hundred_annotations_take_ten() {
    annotation_count_case(500, 10);
}

#[test]
fn summary_over_the_limit_is_cut_to_65535_characters() {
    let fake = Fake::start(Script::Ok);
    let repo = repo(1500, false);
    let r = publish(&fake.url, &repo, &["--github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let (_, updates) = check_requests(&fake);
    let summary = final_update(&updates)["output"]["summary"]
        .as_str()
        .unwrap()
        .to_string();
    let n = summary.chars().count();
    assert!(n <= 65_535 && n > 30_000, "{n}");
    // Annotations are capped at 1000 (20 requests); the summary says how many were left out.
    assert_eq!(annotations_sent(&updates), 1000);
    let title = final_update(&updates)["output"]["title"].as_str().unwrap();
    assert!(title.ends_with("(1000 of 1500 annotated)"), "{title}");
}

#[test]
fn forbidden_create_falls_back_to_workflow_commands() {
    let fake = Fake::start(Script::Forbidden);
    let repo = repo(30, true);
    let started = Instant::now();
    let r = publish(&fake.url, &repo, &["--github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(started.elapsed() < Duration::from_secs(20));
    // With --format json on stdout, the fallback commands go to stderr
    // (the runner reads workflow commands there too) and stdout stays JSON.
    serde_json::from_str::<serde_json::Value>(&r.stdout).expect("stdout is still pure JSON");
    let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.starts_with("::")).collect();
    assert_eq!(lines.len(), 1, "one line: {}", r.stderr);
    assert!(
        lines[0].contains("could not create the check run")
            && lines[0].contains("403")
            && lines[0].contains("fork"),
        "{}",
        lines[0]
    );
    let errors = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("::error "))
        .count();
    assert_eq!(errors, 10, "the runner's per-step cap: {}", r.stderr);
    assert!(!r.stdout.contains(KEY_BODY) && !r.stderr.contains(KEY_BODY));
    // One read of the other check runs (for the checklist), one create.
    let posts = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "no retry storm on a 403");
    assert!(std::fs::read_to_string(&repo.summary)
        .unwrap()
        .contains("debug/console"));
}

#[test]
fn server_error_after_create_finds_the_run_instead_of_duplicating_it() {
    let fake = Fake::start(Script::CreateThen502);
    let repo = repo(3, false);
    let r = publish(&fake.url, &repo, &["--github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert_eq!(fake.runs().len(), 1, "one run despite the 502");
    let (creates, updates) = check_requests(&fake);
    assert_eq!(creates.len(), 1, "the POST was not resent");
    assert!(fake
        .requests()
        .iter()
        .any(|r| r.method == "GET" && r.path.contains(&format!("/commits/{HEAD_SHA}/check-runs"))));
    assert_eq!(final_update(&updates)["conclusion"], "failure");
    assert_eq!(annotations_sent(&updates), 3);
}

#[test]
fn rate_limit_429_waits_for_retry_after() {
    let fake = Fake::start(Script::RateLimitedOnce);
    let repo = repo(2, false);
    let started = Instant::now();
    let r = publish(&fake.url, &repo, &["--github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retry-after: 1 honoured"
    );
    let (creates, updates) = check_requests(&fake);
    assert_eq!(creates.len(), 2, "the rejected POST is resent once");
    assert_eq!(fake.runs().len(), 1);
    assert_eq!(final_update(&updates)["conclusion"], "failure");
}

#[test]
fn unreachable_api_still_exits_with_the_verdict() {
    let repo = repo(1, false);
    // A port nothing listens on.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let mut r = publish(&url, &repo, &["--github"]);
    r.stderr = r.stderr.trim().to_string();
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("could not publish the check run"),
        "{}",
        r.stderr
    );
    assert!(Path::new(&repo.summary).is_file());
}

#[test]
fn workflow_run_posts_on_the_triggering_head() {
    let fake = Fake::start(Script::Ok);
    let repo = repo(1, false);
    let head = "4444444444444444444444444444444444444444";
    std::fs::write(
        &repo.event,
        json!({"workflow_run": {"head_sha": head, "pull_requests": [{"number": 7}]}}).to_string(),
    )
    .unwrap();
    let r = publish(&fake.url, &repo, &["--github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let (creates, _) = check_requests(&fake);
    assert_eq!(creates[0]["head_sha"], head);
}

#[test]
fn forbidden_with_format_github_does_not_repeat_the_commands() {
    let fake = Fake::start(Script::Forbidden);
    let repo = repo(12, false);
    let r = publish(&fake.url, &repo, &["--github", "--format", "github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let errors = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .count();
    assert_eq!(errors, 12, "{}", r.stdout);
    assert!(r.stderr.contains("--format github"), "{}", r.stderr);
}

#[test]
fn outside_actions_without_a_token_only_says_so() {
    let repo = repo(1, false);
    let mut cmd = shipcheck();
    cmd.arg("check")
        .arg(repo.dir.path().join("repo"))
        .args(["--branch", "feature", "--github"])
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT");
    let r = run(&mut cmd);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("GITHUB_TOKEN"), "{}", r.stderr);
    assert!(!r.stdout.contains("::error"), "{}", r.stdout);
}

#[test]
fn comment_is_created_once_then_updated_in_place() {
    let fake = Fake::start_with_comments(Script::Ok, vec![json!({"id": 1, "body": "LGTM"})]);
    let repo = repo(2, true);
    let r = publish(&fake.url, &repo, &["--comment"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert_eq!(fake.comments().len(), 2);
    let r = publish(&fake.url, &repo, &["--comment", "--github"]);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let comments = fake.comments();
    assert_eq!(comments.len(), 2, "updated, not added");
    let body = comments[1]["body"].as_str().unwrap();
    assert!(body.starts_with("<!-- shipcheck:sticky-comment -->"));
    assert!(!body.contains(KEY_BODY));
    let patched = format!("/repos/acme/app/issues/comments/{}", comments[1]["id"]);
    assert!(fake
        .requests()
        .iter()
        .any(|r| r.method == "PATCH" && r.path == patched));
    let schemas = schema_file();
    for r in fake.requests() {
        let op = match (r.method.as_str(), r.path.contains("/issues/comments/")) {
            ("POST", false) if r.path.ends_with("/comments") => "issues/create-comment",
            ("PATCH", true) => "issues/update-comment",
            _ => continue,
        };
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schemas["operations"][op])
            .unwrap();
        assert_valid(&v, r.body.as_ref().unwrap(), op);
    }
    assert_eq!(check_requests(&fake).0.len(), 1);
}

#[test]
fn the_vendored_schemas_reject_what_github_rejects() {
    let (create, update) = validators();
    let ann = json!({"path": "a.js", "start_line": 1, "end_line": 1,
        "annotation_level": "failure", "message": "m"});
    let too_many = json!({"output": {"title": "t", "summary": "s",
        "annotations": vec![ann.clone(); 51]}});
    assert!(!update.is_valid(&too_many));
    let fifty = json!({"output": {"title": "t", "summary": "s", "annotations": vec![ann; 50]}});
    assert!(update.is_valid(&fifty));
    let long = json!({"output": {"title": "t", "summary": "x".repeat(65_536)}});
    assert!(!update.is_valid(&long));
    let no_conclusion = json!({"name": "n", "head_sha": HEAD_SHA, "status": "completed"});
    assert!(!create.is_valid(&no_conclusion));
}

/// Issue 10: a malformed event payload is named, not ignored (it used to
/// surface as "GITHUB_SHA not set").
#[test]
fn a_malformed_event_payload_is_named() {
    let fake = Fake::start(Script::Ok);
    let repo = repo(1, false);
    std::fs::write(&repo.event, "{ not json").unwrap();
    let mut cmd = shipcheck();
    cmd.arg("check")
        .arg(repo.dir.path().join("repo"))
        .args(["--branch", "feature", "--github", "--format", "json"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", "acme/app")
        .env("GITHUB_API_URL", &fake.url)
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &repo.event)
        .env_remove("GITHUB_SHA")
        .env("GITHUB_STEP_SUMMARY", &repo.summary)
        .timeout(Duration::from_secs(60));
    let r = run(&mut cmd);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("the event payload could not be read") && r.stderr.contains("event.json"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("GITHUB_SHA not set"), "{}", r.stderr);
    assert!(
        fake.requests().is_empty(),
        "nothing posted on an unknown commit"
    );
}
