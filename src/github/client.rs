//! A small GitHub REST client: bearer token, JSON bodies, timeouts, and
//! retries with backoff that honour `retry-after` and `x-ratelimit-reset`.
//! Every request body is masked before it leaves the process.

use serde_json::Value;
use std::time::Duration;

/// Attempts per request (the first try plus retries).
const ATTEMPTS: u32 = 4;
/// Longest wait shipcheck accepts before a retry; a longer `retry-after` or
/// rate-limit reset ends the retries instead of stalling the job.
const MAX_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub enum ApiError {
    /// The server answered with a non-2xx status.
    Status {
        status: u16,
        message: String,
        /// How long the server asked us to wait (`retry-after`, or the
        /// rate-limit reset when the limit is used up).
        wait: Option<Duration>,
    },
    /// No answer: connection refused, timeout, unreadable body.
    Transport(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            ApiError::Transport(_) => None,
        }
    }

    /// A rate limit: 429, or 403 with a wait hint (secondary limit). The
    /// request was not processed, so resending it is safe even for a POST.
    pub fn is_rate_limit(&self) -> bool {
        matches!(self, ApiError::Status { status: 429, .. })
            || matches!(
                self,
                ApiError::Status {
                    status: 403,
                    wait: Some(_),
                    ..
                }
            )
    }

    /// Worth another try: rate limits, server errors, no answer.
    pub fn is_transient(&self) -> bool {
        self.is_rate_limit()
            || matches!(self, ApiError::Status { status, .. } if *status >= 500)
            || matches!(self, ApiError::Transport(_))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Status {
                status, message, ..
            } if message.is_empty() => write!(f, "HTTP {status}"),
            ApiError::Status {
                status, message, ..
            } => write!(f, "HTTP {status}: {message}"),
            ApiError::Transport(e) => write!(f, "no answer from the API: {e}"),
        }
    }
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    /// First backoff; doubles on each retry.
    backoff: Duration,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
}

impl Client {
    pub fn new(base: &str, token: &str) -> Result<Client, String> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("shipcheck/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        // Only for the test suite's fake server: keep waits tiny.
        let backoff = std::env::var("SHIPCHECK_GITHUB_BACKOFF_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(Duration::from_secs(1), Duration::from_millis);
        Ok(Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            backoff,
        })
    }

    /// One request, no retries.
    pub async fn once(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let url = format!("{}{path}", self.base);
        let mut req = match method {
            Method::Get => self.http.get(&url),
            Method::Post => self.http.post(&url),
            Method::Patch => self.http.patch(&url),
        }
        .header("accept", "application/vnd.github+json")
        .header("x-github-api-version", "2022-11-28");
        // No token: unauthenticated (public repositories, lower rate limit).
        if !self.token.is_empty() {
            req = req.bearer_auth(&self.token);
        }
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(self.mask(&body.to_string()));
        }
        let resp = req
            .send()
            .await
            .map_err(|e| ApiError::Transport(e.without_url().to_string()))?;
        let status = resp.status().as_u16();
        let wait = wait_hint(resp.headers());
        let text = resp
            .text()
            .await
            .map_err(|e| ApiError::Transport(e.without_url().to_string()))?;
        if (200..300).contains(&status) {
            return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
        }
        let message = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_string))
            .unwrap_or_else(|| text.chars().take(200).collect());
        Err(ApiError::Status {
            status,
            message,
            wait,
        })
    }

    /// A request that is safe to repeat, retried on transient errors with
    /// backoff: a GET, or a PATCH (an annotation batch that GitHub applied
    /// before failing may then show twice: a duplicate beats a gap).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let mut attempt = 0;
        loop {
            match self.once(method, path, body).await {
                Err(e) if e.is_transient() && attempt + 1 < ATTEMPTS => {
                    self.pause(&e, attempt).await?;
                    attempt += 1;
                }
                r => return r,
            }
        }
    }

    /// Wait before retry number `attempt + 1`; `Err` (the same error, as a
    /// message) when the server asks for longer than [`MAX_WAIT`].
    pub async fn pause(&self, e: &ApiError, attempt: u32) -> Result<(), ApiError> {
        let hinted = match e {
            ApiError::Status { wait, .. } => *wait,
            ApiError::Transport(_) => None,
        };
        let wait = hinted.unwrap_or(self.backoff * 2u32.pow(attempt));
        if wait > MAX_WAIT {
            return Err(ApiError::Transport(format!(
                "{e}; the API asks to wait {}s, giving up",
                wait.as_secs()
            )));
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Secret-shaped tokens and the API token itself never leave the
    /// process, whatever a finding's text holds.
    fn mask(&self, body: &str) -> String {
        let masked = crate::redact::text(body).into_owned();
        if self.token.len() >= 8 {
            masked.replace(&self.token, "***")
        } else {
            masked
        }
    }
}

/// `retry-after` (seconds), else the rate-limit reset when
/// `x-ratelimit-remaining` is 0.
fn wait_hint(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    let num = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    if let Some(s) = num("retry-after") {
        return Some(Duration::from_secs(s));
    }
    if num("x-ratelimit-remaining") == Some(0) {
        let reset = num("x-ratelimit-reset")?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        return Some(Duration::from_secs(reset.saturating_sub(now).max(1)));
    }
    None
}
