//! `--comment`: one sticky pull request comment, found again by a hidden
//! marker and edited in place on every run instead of piling up.

use super::check_run::clip;
use super::client::{ApiError, Client, Method};
use serde_json::json;

/// The hidden marker that identifies shipcheck's comment.
pub const MARKER: &str = "<!-- shipcheck:sticky-comment -->";
/// GitHub's comment body limit, in characters.
const MAX_BODY: usize = 65_536;
/// Pages of 100 comments searched for the marker.
const MAX_PAGES: u32 = 10;

#[derive(Debug, PartialEq, Eq)]
pub enum Upserted {
    Created(u64),
    Updated(u64),
}

pub fn body(markdown: &str) -> String {
    let room = MAX_BODY - MARKER.chars().count() - 1;
    format!("{MARKER}\n{}", clip(markdown, room))
}

pub async fn upsert(
    client: &Client,
    owner_repo: &str,
    number: u64,
    markdown: &str,
) -> Result<Upserted, ApiError> {
    let body = json!({ "body": body(markdown) });
    if let Some(id) = find(client, owner_repo, number).await? {
        let path = format!("/repos/{owner_repo}/issues/comments/{id}");
        client.send(Method::Patch, &path, Some(&body)).await?;
        return Ok(Upserted::Updated(id));
    }
    // A comment POST is not repeated after a 5xx: a duplicate comment is
    // worse than a missing one, and the next run will find the marker.
    let path = format!("/repos/{owner_repo}/issues/{number}/comments");
    let mut attempt = 0;
    loop {
        match client.once(Method::Post, &path, Some(&body)).await {
            Ok(v) => return Ok(Upserted::Created(v["id"].as_u64().unwrap_or(0))),
            Err(e) if e.is_rate_limit() && attempt < 3 => {
                client.pause(&e, attempt).await?;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn find(client: &Client, owner_repo: &str, number: u64) -> Result<Option<u64>, ApiError> {
    for page in 1..=MAX_PAGES {
        let path = format!("/repos/{owner_repo}/issues/{number}/comments?per_page=100&page={page}");
        let list = client.send(Method::Get, &path, None).await?;
        let items = list.as_array().map(Vec::as_slice).unwrap_or(&[]);
        if let Some(id) = items
            .iter()
            .find(|c| c["body"].as_str().is_some_and(|b| b.contains(MARKER)))
            .and_then(|c| c["id"].as_u64())
        {
            return Ok(Some(id));
        }
        if items.len() < 100 {
            break;
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_starts_with_marker_and_fits() {
        let b = body(&"line\n".repeat(20_000));
        assert!(b.starts_with(MARKER));
        assert!(b.chars().count() <= MAX_BODY);
    }
}
