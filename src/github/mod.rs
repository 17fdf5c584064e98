//! `--github` / `--comment`: publish a run to GitHub. The only network code
//! besides live migrations. Never prints: [`publish`] returns the lines
//! `main.rs` should write, and the exit status stays the verdict's whatever
//! happens to the API.
//!
//! Always (inside Actions): the Markdown goes to `$GITHUB_STEP_SUMMARY` and
//! `passed`/`errors`/`warnings` to `$GITHUB_OUTPUT`. With a token: one check
//! run on the pull request's head SHA. When the token may not create check
//! runs (403: fork pull request, `checks: none`) or is missing: the most
//! severe findings as workflow-command annotations, and one line saying so.

pub mod check_run;
pub mod client;
pub mod comment;
pub mod issues;

use crate::github_event::Event;
use crate::report::{render_github, render_markdown, CiRun, CiRuns, MarkdownOptions, Report};
use client::{ApiError, Client};
use std::io::Write;

/// Workflow-command annotations the runner shows per step and level.
const COMMANDS_PER_LEVEL: usize = 10;

#[derive(Debug, Clone)]
pub struct Options {
    /// Create a check run (`--github`).
    pub check: bool,
    /// Upsert the sticky pull request comment (`--comment`).
    pub comment: bool,
    /// `--check-name`.
    pub check_name: String,
    /// stdout already carries `--format github` commands: do not repeat them.
    pub stdout_has_commands: bool,
}

/// What `main.rs` should print.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Workflow commands for stdout (the fallback annotations).
    pub stdout: String,
    /// One-line notices for stderr.
    pub notices: Vec<String>,
}

/// The Actions environment shipcheck reads.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `GITHUB_ACTIONS=true`: workflow commands reach a runner.
    pub actions: bool,
    pub token: Option<String>,
    pub repository: Option<String>,
    pub api_url: String,
    pub server_url: String,
    pub event: Option<Event>,
    /// `GITHUB_EVENT_PATH` is set but its payload could not be read or
    /// parsed: what went wrong (named in the notices, never ignored).
    pub event_error: Option<String>,
    pub sha: Option<String>,
    pub run_id: Option<String>,
    pub run_attempt: Option<String>,
    pub step_summary: Option<String>,
    pub output: Option<String>,
}

impl Env {
    /// The Actions variables and event of this run, as `main` read them.
    pub fn of(ctx: &crate::run_context::RunContext) -> Env {
        let (event, event_error) = match ctx.event.as_ref().map(|(_, e)| e) {
            Some(Ok(e)) => (Some(e.clone()), None),
            Some(Err(why)) => (None, Some(why.clone())),
            None => (None, None),
        };
        let var = |k: &str| ctx.var(k).map(String::from);
        Env {
            actions: var("GITHUB_ACTIONS").as_deref() == Some("true"),
            token: var("GITHUB_TOKEN"),
            repository: var("GITHUB_REPOSITORY"),
            api_url: var("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()),
            server_url: var("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into()),
            event,
            event_error,
            sha: var("GITHUB_SHA"),
            run_id: var("GITHUB_RUN_ID"),
            run_attempt: var("GITHUB_RUN_ATTEMPT"),
            step_summary: var("GITHUB_STEP_SUMMARY"),
            output: var("GITHUB_OUTPUT"),
        }
    }

    /// The head of the pull request (not the test merge in `GITHUB_SHA`),
    /// of the triggering workflow run, or of the push; else `GITHUB_SHA`.
    pub fn head_sha(&self) -> Option<&str> {
        self.event
            .as_ref()
            .and_then(Event::head_sha)
            .or(self.sha.as_deref())
    }
}

/// The head commit's other check runs (tests, lint, build), for the
/// checklist's `ci:` items: read before the report is rendered. Our own
/// runs (named `own_name`) are left out. Never fails the run: what went
/// wrong is the answer.
pub fn read_ci_runs(env: &Env, own_name: &str) -> CiRuns {
    let (Some(token), Some(repo), Some(sha)) = (&env.token, &env.repository, env.head_sha()) else {
        return CiRuns::Unreadable(
            "GITHUB_TOKEN, GITHUB_REPOSITORY or the head commit is not known".into(),
        );
    };
    crate::redact::register(token);
    let client = match Client::new(&env.api_url, token) {
        Ok(c) => c,
        Err(e) => return CiRuns::Unreadable(e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return CiRuns::Unreadable(e.to_string()),
    };
    match runtime.block_on(list_runs(&client, repo, sha)) {
        Ok(runs) => {
            let mut runs: Vec<CiRun> = runs.into_iter().filter(|r| r.name != own_name).collect();
            // The API's order is its own: sorted, the summary and JSON are
            // the same for the same runs.
            runs.sort_by(|a, b| (&a.name, &a.url).cmp(&(&b.name, &b.url)));
            CiRuns::Read(runs)
        }
        Err(e @ ApiError::Status { status: 403, .. }) => CiRuns::Unreadable(format!(
            "{e} (the workflow needs `permissions: checks: read`)"
        )),
        Err(e) => CiRuns::Unreadable(e.to_string()),
    }
}

/// Every check run on `sha` (the latest of each name), page by page.
async fn list_runs(client: &Client, repo: &str, sha: &str) -> Result<Vec<CiRun>, ApiError> {
    const PER_PAGE: usize = 100;
    const MAX_PAGES: usize = 10;
    let mut out = Vec::new();
    for page in 1..=MAX_PAGES {
        let path = format!(
            "/repos/{repo}/commits/{sha}/check-runs?filter=latest&per_page={PER_PAGE}&page={page}"
        );
        let list = client.send(client::Method::Get, &path, None).await?;
        let runs = list["check_runs"].as_array().cloned().unwrap_or_default();
        let n = runs.len();
        out.extend(runs.iter().filter_map(|r| {
            Some(CiRun {
                name: r["name"].as_str()?.to_string(),
                status: r["status"].as_str().unwrap_or("completed").to_string(),
                conclusion: r["conclusion"].as_str().map(String::from),
                url: r["html_url"].as_str().map(String::from),
            })
        }));
        let total = list["total_count"].as_u64().unwrap_or(0) as usize;
        if n < PER_PAGE || out.len() >= total {
            break;
        }
    }
    Ok(out)
}

pub fn publish(report: &Report, opts: &Options, env: &Env) -> Outcome {
    let mut out = Outcome::default();
    let sha = env.head_sha();
    let link_base = match (&env.repository, sha) {
        (Some(repo), Some(sha)) => Some(format!("{}/{repo}/blob/{sha}", env.server_url)),
        _ => None,
    };
    let markdown = render_markdown(report, &MarkdownOptions { link_base });
    if let Err(e) = write_job_files(report, &markdown, env) {
        out.notices.push(format!("shipcheck: {e}"));
    }
    if let (Some(e), Some(_)) = (&env.event_error, sha) {
        out.notices.push(format!(
            "shipcheck: the event payload could not be read ({e}); posting on GITHUB_SHA, which in a pull request is the test merge commit, not the head"
        ));
    }
    let (Some(token), Some(repo), Some(sha)) = (&env.token, &env.repository, sha) else {
        let missing = [
            ("GITHUB_TOKEN", env.token.is_none()),
            ("GITHUB_REPOSITORY", env.repository.is_none()),
            ("GITHUB_SHA", sha.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(k, _)| *k)
        .collect::<Vec<_>>()
        .join(", ");
        let why = match (&env.event_error, sha) {
            (Some(e), None) => {
                format!(
                "the event payload could not be read ({e}), so the commit to post on is unknown{}",
                if missing == "GITHUB_SHA" { String::new() } else { format!("; {missing} not set") }
            )
            }
            _ => format!("{missing} not set (pass `GITHUB_TOKEN: ${{{{ github.token }}}}` in env)"),
        };
        fallback(report, opts, env, &mut out, &why);
        return out;
    };
    crate::redact::register(token);
    let client = match Client::new(&env.api_url, token) {
        Ok(c) => c,
        Err(e) => {
            out.notices
                .push(format!("shipcheck: GitHub not published: {e}"));
            return out;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            out.notices
                .push(format!("shipcheck: GitHub not published: {e}"));
            return out;
        }
    };
    if opts.check {
        let external_id = format!(
            "shipcheck:{}:{}:{}",
            env.run_id.as_deref().unwrap_or("local"),
            env.run_attempt.as_deref().unwrap_or("1"),
            opts.check_name
        );
        let details_url = env
            .run_id
            .as_ref()
            .map(|id| format!("{}/{repo}/actions/runs/{id}", env.server_url));
        let run = check_run::CheckRun {
            owner_repo: repo,
            name: &opts.check_name,
            head_sha: sha,
            external_id: &external_id,
            details_url: details_url.as_deref(),
            summary: &markdown,
        };
        match runtime.block_on(check_run::publish(&client, &run, report)) {
            Ok(_) => {}
            Err(e @ ApiError::Status { status: 403, .. }) => fallback(
                report,
                opts,
                env,
                &mut out,
                &format!(
                    "{e} — the token may not write checks (a pull request from a fork, or the workflow lacks `permissions: checks: write`)"
                ),
            ),
            Err(e) => out.notices.push(format!(
                "shipcheck: could not publish the check run {:?} on {sha}: {e}",
                opts.check_name
            )),
        }
    }
    if opts.comment {
        match env.event.as_ref().and_then(Event::pull_request_number) {
            None => out
                .notices
                .push("shipcheck: --comment: not a pull request event, no comment posted".into()),
            Some(n) => {
                if let Err(e) = runtime.block_on(comment::upsert(&client, repo, n, &markdown)) {
                    out.notices.push(format!(
                        "shipcheck: could not post the pull request comment on #{n}: {e}"
                    ));
                }
            }
        }
    }
    out
}

/// The check run could not be created: annotate through workflow commands
/// (most severe first, within the runner's per-level cap) and say so once.
/// Outside Actions nothing would read the commands: only the line.
fn fallback(report: &Report, opts: &Options, env: &Env, out: &mut Outcome, why: &str) {
    let mut shown = 0;
    if !env.actions {
        out.notices.push(format!(
            "shipcheck: not published to GitHub: {why}; --github works inside GitHub Actions"
        ));
        return;
    }
    if !opts.stdout_has_commands {
        let all = render_github(report);
        for prefix in ["::error ", "::warning ", "::notice "] {
            for line in all
                .lines()
                .filter(|l| l.starts_with(prefix))
                .take(COMMANDS_PER_LEVEL)
            {
                out.stdout.push_str(line);
                out.stdout.push('\n');
                shown += 1;
            }
        }
    }
    let what = if opts.check {
        format!("could not create the check run {:?}", opts.check_name)
    } else {
        "could not publish to GitHub".to_string()
    };
    let annotated = if opts.stdout_has_commands {
        "findings annotated through --format github".to_string()
    } else {
        format!(
            "annotated the {shown} most severe of {} findings through workflow commands",
            report.findings.len()
        )
    };
    out.notices.push(format!(
        "shipcheck: {what}: {why}; {annotated}, full report in the job summary"
    ));
}

/// Append the Markdown to `$GITHUB_STEP_SUMMARY` and the outputs to
/// `$GITHUB_OUTPUT`, when those are set.
pub fn write_job_files(report: &Report, markdown: &str, env: &Env) -> Result<(), String> {
    if let Some(path) = &env.step_summary {
        append(path, &format!("{markdown}\n"))?;
    }
    if let Some(path) = &env.output {
        let c = report.counts();
        append(
            path,
            &format!(
                "passed={}\nerrors={}\nwarnings={}\n",
                report.verdict.passed, c.error, c.warning
            ),
        )?;
    }
    Ok(())
}

fn append(path: &str, text: &str) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(crate::redact::text(text).as_bytes()))
        .map_err(|e| format!("cannot write {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_sha_falls_back_to_github_sha() {
        let mut env = Env {
            sha: Some("merge".into()),
            ..Env::default()
        };
        assert_eq!(env.head_sha(), Some("merge"));
        env.event = Some(Event::parse(r#"{"pull_request":{"head":{"sha":"head"}}}"#).unwrap());
        assert_eq!(env.head_sha(), Some("head"));
        env.event = Some(Event::parse(r#"{"pull_request":{"head":{"sha":null}}}"#).unwrap());
        assert_eq!(env.head_sha(), Some("merge"));
    }
}
