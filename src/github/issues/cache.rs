//! The look-up cache, `.shipcheck-cache/issues.json` under the repository
//! root: closed issues for good, open and missing ones for [`OPEN_TTL`];
//! an answer dated in the future is never fresh.

use super::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The cache directory under the repository root (it ignores itself).
pub const CACHE_DIR: &str = ".shipcheck-cache";
/// How long an open (or missing) issue's state is trusted.
pub const OPEN_TTL: Duration = Duration::from_secs(3600);
/// How far in the future a cached answer's time may be and still count.
const CLOCK_SKEW: Duration = Duration::from_secs(300);

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct CacheFile {
    /// The API the answers came from; another one starts afresh.
    api: String,
    pub issues: BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct CacheEntry {
    /// `open`, `closed` or `missing`.
    state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state_reason: Option<String>,
    /// Unix seconds.
    checked_at: u64,
}

impl CacheEntry {
    pub(super) fn state(&self, now: u64) -> Option<State> {
        // A `checked_at` in the future (a poisoned or hand-edited cache, a
        // clock gone wrong) is never fresh: it would hide a closed issue for
        // ever. A few minutes of clock skew between machines are tolerated.
        let fresh = self.checked_at <= now + CLOCK_SKEW.as_secs()
            && now.saturating_sub(self.checked_at) < OPEN_TTL.as_secs();
        match self.state.as_str() {
            "closed" => Some(State::Closed(self.state_reason.clone())),
            "open" if fresh => Some(State::Open),
            "missing" if fresh => Some(State::Missing),
            _ => None,
        }
    }

    pub(super) fn new(state: &State, now: u64) -> CacheEntry {
        let (s, reason) = match state {
            State::Open => ("open", None),
            State::Closed(r) => ("closed", r.clone()),
            State::Missing => ("missing", None),
        };
        CacheEntry {
            state: s.into(),
            state_reason: reason,
            checked_at: now,
        }
    }
}

pub(super) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub(super) fn load_cache(dir: &Path, api: &str) -> CacheFile {
    std::fs::read_to_string(dir.join("issues.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<CacheFile>(&t).ok())
        .filter(|c| c.api == api)
        .unwrap_or_else(|| CacheFile {
            api: api.to_string(),
            issues: BTreeMap::new(),
        })
}

/// Best effort: a cache that cannot be written only costs requests later.
pub(super) fn save_cache(dir: &Path, cache: &CacheFile) {
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        let _ = std::fs::write(&ignore, "# shipcheck's cache: not source\n*\n");
    }
    if let Ok(text) = serde_json::to_string_pretty(cache) {
        let tmp = dir.join("issues.json.tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, dir.join("issues.json"));
        }
    }
}
