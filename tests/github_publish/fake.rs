//! A fake GitHub REST API on loopback (`support::http`): checks the bearer token, speaks the check-run and issue
//! comment shapes, records every request, and can be scripted to fail.

use crate::support::http;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

pub const TOKEN: &str = "ghs_faketoken0123456789abcdefABCDEF";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    /// Every request succeeds.
    Ok,
    /// `POST check-runs` answers 403 "Resource not accessible by integration".
    Forbidden,
    /// The first `POST check-runs` creates the run but answers 502.
    CreateThen502,
    /// The first `POST check-runs` answers 429 with `retry-after: 1`.
    RateLimitedOnce,
    /// `GET …/commits/{sha}/check-runs` answers 403 (no `checks: read`).
    ListForbidden,
}

pub use crate::support::http::Request;

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    runs: Vec<Value>,
    comments: Vec<Value>,
    failed_once: bool,
}

pub struct Fake {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl Fake {
    pub fn start(script: Script) -> Fake {
        Fake::start_with_comments(script, vec![])
    }

    pub fn start_with_comments(script: Script, comments: Vec<Value>) -> Fake {
        Fake::start_with(script, comments, vec![])
    }

    /// With check runs other CI jobs made already (`name`, `head_sha`,
    /// `status`, `conclusion`, `html_url`).
    pub fn start_with_runs(script: Script, runs: Vec<Value>) -> Fake {
        Fake::start_with(script, vec![], runs)
    }

    fn start_with(script: Script, comments: Vec<Value>, runs: Vec<Value>) -> Fake {
        let state = Arc::new(Mutex::new(State {
            comments,
            runs,
            ..State::default()
        }));
        let st = Arc::clone(&state);
        let url = http::serve(move |req| {
            let out = answer(req, &st, script);
            st.lock().unwrap().requests.push(req.clone());
            out
        });
        Fake { url, state }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn runs(&self) -> Vec<Value> {
        self.state.lock().unwrap().runs.clone()
    }

    pub fn comments(&self) -> Vec<Value> {
        self.state.lock().unwrap().comments.clone()
    }
}

fn answer(req: &Request, state: &Mutex<State>, script: Script) -> (u16, String, Value) {
    if req.authorization.as_deref() != Some(&format!("Bearer {TOKEN}")) {
        return (401, String::new(), json!({"message": "Bad credentials"}));
    }
    let mut st = state.lock().unwrap();
    let route = req.path.split('?').next().unwrap_or("");
    let segs: Vec<&str> = route.trim_start_matches('/').split('/').collect();
    match (req.method.as_str(), segs.as_slice()) {
        ("POST", ["repos", _, _, "check-runs"]) => {
            match script {
                Script::Forbidden => {
                    return (
                        403,
                        String::new(),
                        json!({"message": "Resource not accessible by integration"}),
                    )
                }
                Script::RateLimitedOnce if !st.failed_once => {
                    st.failed_once = true;
                    return (
                        429,
                        "retry-after: 1\r\n".into(),
                        json!({"message": "secondary rate limit"}),
                    );
                }
                _ => {}
            }
            let body = req.body.clone().unwrap_or_default();
            let id = 1000 + st.runs.len() as u64;
            let run = json!({
                "id": id, "name": body["name"], "head_sha": body["head_sha"],
                "external_id": body["external_id"], "status": body["status"],
                "html_url": format!("https://github.com/acme/app/runs/{id}"),
                "annotations": 0, "pull_requests": [],
            });
            st.runs.push(run.clone());
            if script == Script::CreateThen502 && !st.failed_once {
                st.failed_once = true;
                return (502, String::new(), json!({"message": "Bad Gateway"}));
            }
            (201, String::new(), run)
        }
        ("PATCH", ["repos", _, _, "check-runs", id]) => {
            let id: u64 = id.parse().unwrap_or(0);
            let Some(run) = st.runs.iter_mut().find(|r| r["id"] == id) else {
                return (404, String::new(), json!({"message": "Not Found"}));
            };
            let body = req.body.clone().unwrap_or_default();
            let n = body["output"]["annotations"].as_array().map_or(0, Vec::len);
            run["annotations"] = json!(run["annotations"].as_u64().unwrap_or(0) + n as u64);
            for k in ["status", "conclusion"] {
                if !body[k].is_null() {
                    run[k] = body[k].clone();
                }
            }
            (200, String::new(), run.clone())
        }
        ("GET", ["repos", _, _, "commits", _, "check-runs"]) if script == Script::ListForbidden => {
            (
                403,
                String::new(),
                json!({"message": "Resource not accessible by integration"}),
            )
        }
        ("GET", ["repos", _, _, "commits", sha, "check-runs"]) => {
            let runs: Vec<Value> = st
                .runs
                .iter()
                .filter(|r| r["head_sha"] == *sha)
                .cloned()
                .collect();
            (
                200,
                String::new(),
                json!({"total_count": runs.len(), "check_runs": runs}),
            )
        }
        ("GET", ["repos", _, _, "issues", _, "comments"]) => {
            (200, String::new(), Value::from(st.comments.clone()))
        }
        ("POST", ["repos", _, _, "issues", _, "comments"]) => {
            let id = 500 + st.comments.len() as u64;
            let c = json!({"id": id, "body": req.body.clone().unwrap_or_default()["body"]});
            st.comments.push(c.clone());
            (201, String::new(), c)
        }
        ("PATCH", ["repos", _, _, "issues", "comments", id]) => {
            let id: u64 = id.parse().unwrap_or(0);
            let body = req.body.clone().unwrap_or_default();
            match st.comments.iter_mut().find(|c| c["id"] == id) {
                Some(c) => {
                    c["body"] = body["body"].clone();
                    (200, String::new(), c.clone())
                }
                None => (404, String::new(), json!({"message": "Not Found"})),
            }
        }
        _ => (404, String::new(), json!({"message": "Not Found"})),
    }
}
