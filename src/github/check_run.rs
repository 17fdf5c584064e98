//! One check run per invocation: create it `in_progress` on the head SHA,
//! PATCH the annotations in batches of at most 50 (GitHub appends them),
//! then complete it with the conclusion, a title with counts and the
//! Markdown summary. The create POST is never blindly resent: after a
//! 5xx or no answer the run is looked up by its `external_id` first.

use super::client::{ApiError, Client, Method};
use crate::finding::{Finding, Level};
use crate::report::{Report, MARKDOWN_MAX_CHARS};
use serde_json::{json, Value};

/// GitHub's `maxItems` for `output.annotations` per request.
pub const BATCH: usize = 50;
/// Annotations sent per run at most (20 requests); the summary lists all.
pub const MAX_ANNOTATIONS: usize = 1000;
/// `annotations[].message` / `raw_details` limit (64 KB), in characters.
const MAX_MESSAGE: usize = 65_000;

pub struct CheckRun<'a> {
    pub owner_repo: &'a str,
    pub name: &'a str,
    pub head_sha: &'a str,
    pub external_id: &'a str,
    pub details_url: Option<&'a str>,
    pub summary: &'a str,
}

/// What was published.
#[derive(Debug)]
pub struct Published {
    pub id: u64,
    pub html_url: Option<String>,
    pub annotations: usize,
    pub requests: usize,
}

pub async fn publish(
    client: &Client,
    run: &CheckRun<'_>,
    report: &Report,
) -> Result<Published, ApiError> {
    let id = create(client, run).await?;
    // Most severe first, so a cap drops notices before errors.
    let mut annotations: Vec<Value> = [Level::Error, Level::Warning, Level::Notice]
        .iter()
        .flat_map(|l| report.findings.iter().filter(move |f| f.level == *l))
        .filter_map(annotation)
        .collect();
    let mut title = title(report);
    if annotations.len() > MAX_ANNOTATIONS {
        title.push_str(&format!(
            " ({MAX_ANNOTATIONS} of {} annotated)",
            annotations.len()
        ));
        annotations.truncate(MAX_ANNOTATIONS);
    }
    let path = format!("/repos/{}/check-runs/{id}", run.owner_repo);
    let mut batches: Vec<&[Value]> = annotations.chunks(BATCH).collect();
    // The last batch rides on the completing PATCH.
    let last = batches.pop().unwrap_or(&[]);
    let mut requests = 1;
    for batch in batches {
        let body = json!({
            "output": {"title": title, "summary": "Publishing annotations…", "annotations": batch}
        });
        client.send(Method::Patch, &path, Some(&body)).await?;
        requests += 1;
    }
    let conclusion = if report.verdict.passed {
        "success"
    } else {
        "failure"
    };
    let mut output = json!({"title": title, "summary": clip(run.summary, MARKDOWN_MAX_CHARS)});
    if !last.is_empty() {
        output["annotations"] = Value::from(last.to_vec());
    }
    let body = json!({
        "status": "completed",
        "conclusion": conclusion,
        "completed_at": now_iso8601(),
        "output": output,
    });
    let done = client.send(Method::Patch, &path, Some(&body)).await?;
    requests += 1;
    Ok(Published {
        id,
        html_url: done["html_url"].as_str().map(str::to_string),
        annotations: annotations.len(),
        requests,
    })
}

/// POST the run; after a server error or no answer, look for a run with our
/// `external_id` before trying again, so a create that reached GitHub is
/// never duplicated.
async fn create(client: &Client, run: &CheckRun<'_>) -> Result<u64, ApiError> {
    let mut body = json!({
        "name": run.name,
        "head_sha": run.head_sha,
        "status": "in_progress",
        "external_id": run.external_id,
    });
    if let Some(url) = run.details_url {
        body["details_url"] = Value::from(url);
    }
    let path = format!("/repos/{}/check-runs", run.owner_repo);
    let mut attempt = 0;
    loop {
        let err = match client.once(Method::Post, &path, Some(&body)).await {
            Ok(v) => return id_of(&v),
            Err(e) => e,
        };
        if !err.is_transient() || attempt + 1 >= 4 {
            return Err(err);
        }
        client.pause(&err, attempt).await?;
        attempt += 1;
        if !err.is_rate_limit() {
            if let Some(id) = find_existing(client, run).await? {
                return Ok(id);
            }
        }
    }
}

async fn find_existing(client: &Client, run: &CheckRun<'_>) -> Result<Option<u64>, ApiError> {
    let path = format!(
        "/repos/{}/commits/{}/check-runs?check_name={}&filter=all&per_page=100",
        run.owner_repo,
        run.head_sha,
        query_escape(run.name)
    );
    // One try: when the look-up fails too, giving up beats a second run.
    let list = client.once(Method::Get, &path, None).await?;
    Ok(list["check_runs"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["external_id"].as_str() == Some(run.external_id))
        .and_then(|r| r["id"].as_u64()))
}

fn id_of(v: &Value) -> Result<u64, ApiError> {
    v["id"].as_u64().ok_or_else(|| ApiError::Status {
        status: 201,
        message: "the created check run has no id".into(),
        wait: None,
    })
}

/// `Blocked: 2 errors, 1 warning, 0 notices`, `Ready — 2 areas not
/// checked: 0 errors, …`.
pub fn title(report: &Report) -> String {
    let words = report.verdict_words();
    let mut verdict = words.chars();
    let verdict: String = verdict
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(verdict)
        .collect();
    format!("{verdict}: {}", report.counts().describe())
}

/// A finding with a file becomes an annotation; one without a line is
/// placed on line 1; placeless findings live in the summary only.
pub fn annotation(f: &Finding) -> Option<Value> {
    let path = f.path.as_deref()?;
    let level = match f.level {
        Level::Error => "failure",
        Level::Warning => "warning",
        Level::Notice => "notice",
    };
    let message = if f.help.is_empty() {
        f.message.clone()
    } else {
        format!("{}\n\nhelp: {}", f.message, f.help)
    };
    let (line, end_line) = f
        .span
        .as_ref()
        .map_or((1, 1), |s| (s.line.max(1), s.end_line.max(s.line.max(1))));
    let mut a = json!({
        "path": path,
        "start_line": line,
        "end_line": end_line,
        "annotation_level": level,
        "message": clip(&message, MAX_MESSAGE),
        "title": clip(f.rule.id, 255),
    });
    if let Some(s) = f.span.as_ref().filter(|s| s.line == s.end_line) {
        a["start_column"] = Value::from(s.column.max(1));
        a["end_column"] = Value::from(s.end_column.max(s.column.max(1)));
    }
    Some(a)
}

/// At most `max` characters, cut at a line end when there is one.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind('\n') {
        Some(i) if i > 0 => cut[..=i].to_string(),
        _ => cut,
    }
}

fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// UTC now as `YYYY-MM-DDTHH:MM:SSZ`.
fn now_iso8601() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    crate::date::iso8601(secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Span;

    #[test]
    fn clip_keeps_whole_lines_and_characters() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("ab\ncd\nef", 7), "ab\ncd\n");
        assert_eq!(clip("ééé", 2), "éé");
    }

    #[test]
    fn annotation_levels_and_columns() {
        let f = Finding::new(
            crate::registry::rule("debug/console"),
            Level::Error,
            "m",
            "h",
        )
        .at(
            "a.js",
            Span {
                line: 3,
                column: 2,
                end_line: 3,
                end_column: 9,
            },
            "console.log(1)",
        );
        let a = annotation(&f).unwrap();
        assert_eq!(a["annotation_level"], "failure");
        assert_eq!(a["start_column"], 2);
        assert_eq!(a["message"], "m\n\nhelp: h");
        let placeless = Finding::new(
            crate::registry::rule("scan/git-history"),
            Level::Warning,
            "m",
            "",
        );
        assert!(annotation(&placeless).is_none());
    }

    #[test]
    fn iso8601_shape() {
        let t = now_iso8601();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'));
    }
}
