//! A fake GitHub REST API on loopback (std::net, one thread per
//! connection): checks the bearer token, speaks the check-run and issue
//! comment shapes, records every request, and can be scripted to fail.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
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
}

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub body: Option<Value>,
    pub raw_body: String,
}

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
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            comments,
            ..State::default()
        }));
        let st = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let st = Arc::clone(&st);
                std::thread::spawn(move || serve(stream, &st, script));
            }
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

fn serve(stream: TcpStream, state: &Mutex<State>, script: Script) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let (mut len, mut auth) = (0usize, None);
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':').unwrap_or((h, ""));
            match k.to_ascii_lowercase().as_str() {
                "content-length" => len = v.trim().parse().unwrap_or(0),
                "authorization" => auth = Some(v.trim().to_string()),
                _ => {}
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        let raw_body = String::from_utf8_lossy(&body).into_owned();
        let req = Request {
            method,
            path,
            authorization: auth,
            body: serde_json::from_str(&raw_body).ok(),
            raw_body,
        };
        let (status, headers, resp) = answer(&req, state, script);
        state.lock().unwrap().requests.push(req);
        let text = resp.to_string();
        let mut w = &stream;
        let _ = write!(
            w,
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n{text}",
            text.len()
        );
        let _ = w.flush();
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
