//! The GitHub side of `todo/closed-issue`: each referenced issue's state,
//! looked up [`CONCURRENCY`] at a time with retries, stopping at the first
//! rate limit or dead network. The rule itself (what a state means for a
//! TODO) is in `issues.rs`.

use crate::checks::todo::GithubRef;
use crate::github::client::{ApiError, Client, Method};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Look-ups in flight at once.
const CONCURRENCY: usize = 4;
/// Tries per look-up on a server error or no answer (rate limits: one).
const ATTEMPTS: u32 = 3;

/// One issue, `owner/repo` lower-cased (GitHub's names are case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Key {
    pub(super) repo: String,
    pub(super) number: u64,
}

impl Key {
    pub(super) fn of(r: &GithubRef, current: Option<&str>) -> Option<Key> {
        let repo = r.repo.as_deref().or(current)?;
        Some(Key {
            repo: repo.to_ascii_lowercase(),
            number: r.number,
        })
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.repo, self.number)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum State {
    Open,
    Closed(Option<String>),
    /// 404/410: no such issue, or a private repository the token cannot read.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Failure {
    RateLimited,
    /// Not tried: an earlier look-up hit a rate limit or a dead network.
    Skipped,
    Network(String),
    Other(String),
}

pub(super) type Fetched = Vec<(Key, Result<State, Failure>)>;

/// Look every key up, [`CONCURRENCY`] at a time, on a current-thread runtime.
pub(super) fn fetch_all(api_url: &str, token: Option<&str>, keys: Vec<Key>) -> Fetched {
    let fail_all = |keys: Vec<Key>, why: String| -> Fetched {
        keys.into_iter()
            .map(|k| (k, Err(Failure::Other(why.clone()))))
            .collect()
    };
    let client = match Client::new(api_url, token.unwrap_or("")) {
        Ok(c) => Arc::new(c),
        Err(e) => return fail_all(keys, e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail_all(keys, e.to_string()),
    };
    let queue = Arc::new(Mutex::new(keys));
    let stop = Arc::new(AtomicBool::new(false));
    runtime.block_on(async move {
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..CONCURRENCY {
            let (client, queue, stop) =
                (Arc::clone(&client), Arc::clone(&queue), Arc::clone(&stop));
            workers.spawn(async move {
                let mut done = Vec::new();
                loop {
                    let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                    let Some(k) = next else { break };
                    let r = if stop.load(Ordering::Relaxed) {
                        Err(Failure::Skipped)
                    } else {
                        fetch(&client, &k, &stop).await
                    };
                    done.push((k, r));
                }
                done
            });
        }
        let mut all = Vec::new();
        while let Some(r) = workers.join_next().await {
            if let Ok(v) = r {
                all.extend(v);
            }
        }
        all
    })
}

/// One issue's state. A rate limit or a dead network sets `stop` so the
/// other look-ups are not tried.
async fn fetch(client: &Client, k: &Key, stop: &AtomicBool) -> Result<State, Failure> {
    let path = format!("/repos/{}/issues/{}", k.repo, k.number);
    let mut attempt = 0;
    loop {
        match client.once(Method::Get, &path, None).await {
            Ok(v) => {
                return match v["state"].as_str() {
                    Some("closed") => Ok(State::Closed(
                        v["state_reason"].as_str().map(str::to_string),
                    )),
                    Some("open") => Ok(State::Open),
                    _ => Err(Failure::Other("an answer without a state".into())),
                }
            }
            Err(ApiError::Status {
                status: 404 | 410, ..
            }) => return Ok(State::Missing),
            Err(e) if e.is_rate_limit() => {
                stop.store(true, Ordering::Relaxed);
                return Err(Failure::RateLimited);
            }
            Err(e) if e.is_transient() && attempt + 1 < ATTEMPTS => {
                if client.pause(&e, attempt).await.is_err() {
                    return Err(Failure::Network(e.to_string()));
                }
                attempt += 1;
            }
            Err(e @ ApiError::Transport(_)) => {
                stop.store(true, Ordering::Relaxed);
                return Err(Failure::Network(e.to_string()));
            }
            Err(e) => return Err(Failure::Other(e.to_string())),
        }
    }
}
