//! What a run reads from outside its arguments — the date, the process
//! environment, the GitHub Actions variables and event payload — read once,
//! by `main`, and handed down. The library never reads the process
//! environment itself, so a test builds any context it needs and two stages
//! can never disagree about, say, which branch is the base. Two test knobs
//! are read where they act: `SHIPCHECK_TEST_PANIC_ON` (debug builds only:
//! a panic injected on one file) and `SHIPCHECK_GITHUB_BACKOFF_MS` (short
//! retries against the test suite's fake GitHub).

use crate::date::{civil_from_days, parse_date, Date};
use crate::github_event::Event;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct RunContext {
    /// "Today", for dated TODOs and baseline expiry (`SHIPCHECK_TODAY`
    /// overrides the clock).
    pub today: Date,
    /// The process environment as it was when the run started (variables
    /// whose name or value is not UTF-8 are left out).
    vars: BTreeMap<String, String>,
    /// `$GITHUB_EVENT_NAME` and its payload read from `$GITHUB_EVENT_PATH`
    /// (`Err`: what went wrong reading it). `None` outside GitHub Actions.
    pub event: Option<(String, Result<Event, String>)>,
}

impl RunContext {
    /// The context of this process. Errors: a `SHIPCHECK_TODAY` that is not
    /// a date.
    pub fn from_process() -> anyhow::Result<RunContext> {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        RunContext::from_vars(vars, civil_today())
    }

    /// A context from these variables: what `from_process` does with the
    /// real ones (tests use it directly).
    pub fn from_vars(vars: BTreeMap<String, String>, clock: Date) -> anyhow::Result<RunContext> {
        let today = match vars.get("SHIPCHECK_TODAY") {
            Some(s) => parse_date(s)
                .ok_or_else(|| anyhow::anyhow!("SHIPCHECK_TODAY={s:?} is not a YYYY-MM-DD date"))?,
            None => clock,
        };
        let mut ctx = RunContext {
            today,
            vars,
            event: None,
        };
        ctx.event = ctx.var("GITHUB_EVENT_NAME").map(|name| {
            let payload = match ctx.vars.get("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) {
                Some(path) => Event::load(Path::new(path)),
                None => Err("GITHUB_EVENT_PATH is not set".to_string()),
            };
            (name.to_string(), payload)
        });
        Ok(ctx)
    }

    /// A variable's value, when it is set and not blank.
    pub fn var(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// Every variable (`--env-from-process` reads production from them).
    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    /// The event payload, when it was read.
    pub fn event_payload(&self) -> Option<&Event> {
        self.event.as_ref().and_then(|(_, e)| e.as_ref().ok())
    }

    /// Running in GitHub Actions (`GITHUB_ACTIONS=true`).
    pub fn in_actions(&self) -> bool {
        self.var("GITHUB_ACTIONS") == Some("true")
    }
}

/// Today by the system clock, in UTC.
fn civil_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_from_days((secs / 86_400) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(vars: &[(&str, &str)]) -> anyhow::Result<RunContext> {
        let vars = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        RunContext::from_vars(vars, parse_date("2030-01-02").unwrap())
    }

    #[test]
    fn today_is_pinned_by_shipcheck_today_else_the_clock() {
        assert_eq!(ctx(&[]).unwrap().today, parse_date("2030-01-02").unwrap());
        let c = ctx(&[("SHIPCHECK_TODAY", "2026-11-26")]).unwrap();
        assert_eq!(c.today, parse_date("2026-11-26").unwrap());
        let e = ctx(&[("SHIPCHECK_TODAY", "soon")]).unwrap_err();
        assert!(e.to_string().contains("SHIPCHECK_TODAY=\"soon\""), "{e}");
    }

    #[test]
    fn blank_variables_are_unset_and_the_event_is_read_once() {
        let c = ctx(&[("GITHUB_BASE_REF", "  "), ("GITHUB_EVENT_NAME", "push")]).unwrap();
        assert_eq!(c.var("GITHUB_BASE_REF"), None);
        let (name, payload) = c.event.as_ref().unwrap();
        assert_eq!(name, "push");
        assert!(payload.as_ref().unwrap_err().contains("GITHUB_EVENT_PATH"));
        assert!(!c.in_actions());
    }
}
