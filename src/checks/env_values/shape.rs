//! The documented shapes of well-known variables (`env/malformed-value`):
//! Sentry DSNs, Resend keys, URLs, ports. Extend the table in [`malformed`]
//! and in `docs/rules/env-malformed-value.md`.

use super::reach::{reach, Reach};

/// The documented shape of well-known variables. Extend the table here and
/// in `docs/rules/env-malformed-value.md`.
pub(super) fn malformed(upper: &str, value: &str) -> Option<(String, String)> {
    if upper.ends_with("SENTRY_DSN") {
        return (!is_sentry_dsn(value)).then(|| {
            (
                "is not a Sentry DSN (`https://<key>@<host>/<project-id>`)".to_string(),
                "copy the DSN from Sentry: Settings → Projects → Client Keys (DSN)".to_string(),
            )
        });
    }
    if upper == "RESEND_API_KEY" {
        return (!value.starts_with("re_")).then(|| {
            (
                "does not start with `re_`, as every Resend API key does".to_string(),
                "create a key in Resend (API Keys) and paste it whole".to_string(),
            )
        });
    }
    if upper == "PORT" || upper.ends_with("_PORT") {
        // Kubernetes service links set `<SERVICE>_PORT=tcp://ip:port`.
        let ok = value.starts_with("tcp://")
            || value.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        return (!ok).then(|| {
            (
                "is not a port number (1–65535)".to_string(),
                format!("set {upper} to a number such as 3000"),
            )
        });
    }
    if (upper.ends_with("_URL") || upper.ends_with("_URI") || upper == "URL")
        && !upper.contains("VERCEL")
    {
        // Several hosts (`mongodb://h1:27017,h2:27017/db`, libpq's
        // `postgres://h1,h2/db`) are valid for their drivers, not for a
        // WHATWG parser: not judged.
        let authority = value
            .split_once("://")
            .map_or("", |(_, rest)| rest.split(['/', '?']).next().unwrap_or(""));
        if authority.contains(',') {
            return None;
        }
        let bad = value.chars().any(char::is_whitespace)
            || (value.contains("://")
                && url::Url::parse(value).map_or(true, |u| {
                    matches!(u.scheme(), "http" | "https" | "ws" | "wss")
                        && u.host_str().is_none_or(str::is_empty)
                }));
        return bad.then(|| {
            ("does not parse as a URL".to_string(),
             "write the whole URL (`https://host/path`), percent-encoding reserved characters in the user and password (`@` is `%40`, `#` is `%23`)".to_string())
        });
    }
    None
}

/// `https://<key>@<host>/<project-id>` (a path prefix before the project
/// id is allowed, as Sentry documents; `http://` only to a private host).
pub(super) fn is_sentry_dsn(value: &str) -> bool {
    let Ok(u) = url::Url::parse(value) else {
        return false;
    };
    let secure = u.scheme() == "https"
        || (u.scheme() == "http" && u.host_str().is_some_and(|h| reach(h) != Reach::Public));
    let project = u
        .path_segments()
        .and_then(|mut s| s.next_back())
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    secure && !u.username().is_empty() && u.host_str().is_some_and(|h| !h.is_empty()) && project
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentry_dsns() {
        for ok in [
            "https://abc123@o12345.ingest.sentry.io/4501234",
            "https://abc@sentry.example.com/prefix/42",
            "http://abc@sentry:9000/1",
        ] {
            assert!(is_sentry_dsn(ok), "{ok}");
        }
        for bad in [
            "https://o12345.ingest.sentry.io/4501234",
            "abc123@o12345.ingest.sentry.io/4501234",
            "https://abc@o1.ingest.sentry.io/",
            "https://abc@o1.ingest.sentry.io/project",
            "http://abc@sentry.example.com/1",
        ] {
            assert!(!is_sentry_dsn(bad), "{bad}");
        }
    }

    #[test]
    fn malformed_table() {
        for (name, value, bad) in [
            ("RESEND_API_KEY", "re_123", false),
            ("RESEND_API_KEY", "sk_123", true),
            ("PORT", "3000", false),
            ("PORT", "0", true),
            ("DB_PORT", "70000", true),
            ("SMTP_PORT", "five", true),
            ("REDIS_PORT", "tcp://10.0.0.1:6379", false),
            ("APP_URL", "https://example.com", false),
            ("APP_URL", "https://", true),
            ("APP_URL", "https://exa mple.com", true),
            ("NEXT_PUBLIC_API_URL", "/api", false),
            ("VERCEL_URL", "my-app.vercel.app", false),
            ("APP_URL", "example.com", false),
            ("DATABASE_URL", "postgres://u:p@db:5432/app", false),
            ("DATABASE_URL", "file:./prod.db", false),
            (
                "MONGODB_URI",
                "mongodb://a:b@h1:27017,h2:27017/db?replicaSet=rs0",
                false,
            ),
            ("DATABASE_URL", "postgres://u:p@h1:5432,h2:5432/db", false),
        ] {
            assert_eq!(malformed(name, value).is_some(), bad, "{name}={value}");
        }
    }
}
