//! Committed keys of providers other than Stripe, told by their exact
//! shapes (and GitHub's checksum): AWS access key pairs, GitHub, Slack,
//! Resend, SendGrid, Twilio, OpenAI and Anthropic keys, private key blocks.
//! No entropy-only rule: a string is a key only if its provider's format
//! says so. Shared by `checks::provider_keys` (files the checks read) and
//! `workspace::sweep` (the others), so both find the same keys.

use regex::bytes::Regex;
use std::sync::LazyLock;

/// A provider's key kind: how findings name it and how to rotate it.
#[derive(Debug, PartialEq, Eq)]
pub struct Provider {
    /// "AWS access key", "GitHub token", …
    pub name: &'static str,
    /// How to rotate it.
    pub help: &'static str,
}

macro_rules! provider {
    ($id:ident, $name:expr, $help:expr) => {
        pub static $id: Provider = Provider {
            name: $name,
            help: $help,
        };
    };
}

provider!(AWS, "AWS access key", "deactivate and delete the access key in IAM (Users → Security credentials → Access keys), create a new one for the workload (or better, an IAM role), check CloudTrail for its use; then delete it from the file and read it from the environment");
provider!(GITHUB, "GitHub token", "revoke the token (Settings → Developer settings → Personal access tokens, or the OAuth/GitHub App's settings) and create a new one with the least scopes; then delete it from the file and read it from the environment or the CI's secrets");
provider!(SLACK, "Slack token", "revoke the token (api.slack.com/apps → your app → OAuth & Permissions → Revoke, or Basic Information → App-Level Tokens) and reinstall the app for a new one; then delete it from the file and read it from the environment");
provider!(PRIVATE_KEY, "private key", "treat the key pair as compromised: generate a new pair, replace the public key wherever it is trusted (servers' authorized_keys, TLS certificate, deploy keys, JWT verifiers) and revoke the old one; then delete the file and load the key from a secret store");
provider!(RESEND, "Resend API key", "delete the key in the Resend dashboard (API Keys) and create a new one; then delete it from the file and read it from the environment");
provider!(SENDGRID, "SendGrid API key", "delete the key in SendGrid (Settings → API Keys) and create a new one with the least permissions; then delete it from the file and read it from the environment");
provider!(TWILIO, "Twilio API key", "delete the API key in the Twilio console (Account → API keys & tokens) and create a new one; then delete it from the file and read it from the environment");
provider!(OPENAI, "OpenAI API key", "revoke the key at platform.openai.com (API keys) and create a new one; then delete it from the file and read it from the environment");
provider!(ANTHROPIC, "Anthropic API key", "disable and delete the key in the Anthropic Console (API keys) and create a new one; then delete it from the file and read it from the environment");

/// Literals one of which every key contains: the per-file prefilter's
/// tokens.
pub const TOKENS: &[&str] = &[
    "AKIA",
    "ASIA",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "xapp-",
    "PRIVATE KEY-----",
    "re_",
    "SG.",
    // Twilio: `SK` and a hex digit (a bare `SK` is in TASK, RISK, DESK…).
    "SK0",
    "SK1",
    "SK2",
    "SK3",
    "SK4",
    "SK5",
    "SK6",
    "SK7",
    "SK8",
    "SK9",
    "SKa",
    "SKb",
    "SKc",
    "SKd",
    "SKe",
    "SKf",
    "sk-",
];

/// Every shape, one alternative per kind (one pass over the text).
static SHAPES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u)",
        r"\b(?P<aws>(?:AKIA|ASIA)[A-Z2-7]{16})\b",
        r"|\b(?P<gh>gh[pousr]_[A-Za-z0-9]{36})\b",
        r"|\b(?P<ghpat>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        r"|\b(?P<slack>xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}|xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}|xapp-[0-9]-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-f0-9]{64})\b",
        r"|(?P<pem>-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----)(?:\\r|\\n|\s)+(?P<body>[A-Za-z0-9+/]{40})",
        r"|\b(?P<resend>re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24})\b",
        r"|\b(?P<sendgrid>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})",
        r"|\b(?P<twilio>SK[0-9a-f]{32})\b",
        r"|\b(?P<anthropic>sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)",
        r"|\b(?P<openai>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})",
    ))
    .expect("valid provider key pattern")
});

/// Compile the key shapes now (see `engine::warm_up`).
pub fn warm() {
    LazyLock::force(&SHAPES);
}

/// An AWS secret access key: 40 base64 characters standing alone.
static AWS_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)(?:^|[^A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)")
        .expect("valid AWS secret pattern")
});

/// A key found: its byte range (a private key: its header), the public
/// prefix output may show, the key masked, and the provider.
#[derive(Debug)]
pub struct KeyMatch {
    pub start: usize,
    pub end: usize,
    pub masked: String,
    pub provider: &'static Provider,
    /// Values output must never show (a paired AWS secret on another
    /// line, or the same one): the caller registers them with the redactor.
    pub also_secret: Vec<String>,
}

/// Every provider key in `text`, in order.
pub fn find(text: &[u8]) -> Vec<KeyMatch> {
    let mut out = Vec::new();
    let mut aws_secret: Option<Option<String>> = None;
    for c in SHAPES.captures_iter(text) {
        let Some((name, m)) = SHAPES
            .capture_names()
            .flatten()
            .find_map(|n| c.name(n).map(|m| (n, m)))
        else {
            continue;
        };
        // Every alternative matched ASCII only.
        let key = String::from_utf8_lossy(m.as_bytes()).into_owned();
        let (provider, prefix, body): (&'static Provider, &str, &str) = match name {
            "aws" => {
                if key.ends_with("EXAMPLE") {
                    continue;
                }
                let secret = aws_secret.get_or_insert_with(|| aws_secret_in(text));
                let Some(secret) = secret else { continue };
                out.push(KeyMatch {
                    start: m.start(),
                    end: m.end(),
                    masked: crate::redact::mask_secret(&key, &key[..4]),
                    provider: &AWS,
                    also_secret: vec![secret.clone()],
                });
                continue;
            }
            "gh" => {
                if !github_checksum_ok(&key[4..]) {
                    continue;
                }
                (&GITHUB, &key[..4], &key[4..34])
            }
            "ghpat" => (&GITHUB, "github_pat_", &key[11..]),
            "slack" => (&SLACK, &key[..5], &key[5..]),
            "pem" => {
                let body = c.name("body").map_or(&b""[..], |b| b.as_bytes());
                if crate::secret_strength::weakness(&String::from_utf8_lossy(body)).is_some() {
                    continue;
                }
                out.push(KeyMatch {
                    start: m.start(),
                    end: m.end(),
                    masked: format!("{key}…"),
                    provider: &PRIVATE_KEY,
                    also_secret: Vec::new(),
                });
                continue;
            }
            "resend" => (&RESEND, "re_", &key[3..]),
            "sendgrid" => (&SENDGRID, "SG.", &key[3..]),
            "twilio" => (&TWILIO, "SK", &key[2..]),
            "anthropic" => (&ANTHROPIC, "sk-ant-", &key[7..]),
            _ => {
                let prefix = ["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"]
                    .into_iter()
                    .find(|p| key.starts_with(p))
                    .unwrap_or("sk-");
                (&OPENAI, prefix, &key[prefix.len()..])
            }
        };
        if crate::secret_strength::weakness(body).is_some() {
            continue;
        }
        out.push(KeyMatch {
            start: m.start(),
            end: m.end(),
            masked: crate::redact::mask_secret(&key, prefix),
            provider,
            also_secret: Vec::new(),
        });
    }
    out
}

/// The AWS secret access key in `text`, if one is there: 40 characters
/// mixing cases and digits (a hex digest is not one), not AWS's documented
/// example (`…EXAMPLEKEY`) nor a placeholder.
fn aws_secret_in(text: &[u8]) -> Option<String> {
    AWS_SECRET.captures_iter(text).find_map(|c| {
        let s = String::from_utf8_lossy(c.get(1)?.as_bytes()).into_owned();
        let mixed = s.bytes().any(|b| b.is_ascii_uppercase())
            && s.bytes().any(|b| b.is_ascii_lowercase())
            && s.bytes().any(|b| b.is_ascii_digit());
        (mixed && !s.contains("EXAMPLE") && crate::secret_strength::weakness(&s).is_none())
            .then_some(s)
    })
}

/// GitHub's classic token checksum: the last 6 characters are the CRC32 of
/// the 30 before them, in base62 (`0-9A-Za-z`), zero-padded.
fn github_checksum_ok(random: &str) -> bool {
    let (body, check) = random.split_at(30);
    let mut n: u64 = 0;
    for b in check.bytes() {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return false,
        };
        n = n * 62 + u64::from(d);
    }
    n == u64::from(crc32fast::hash(body.as_bytes()))
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A GitHub token with a valid checksum (built at run time: no
    /// key-shaped literal in the source).
    pub fn github_token(prefix: &str, body30: &str) -> String {
        let mut n = u64::from(crc32fast::hash(body30.as_bytes()));
        let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut check = [b'0'; 6];
        for slot in check.iter_mut().rev() {
            *slot = digits[(n % 62) as usize];
            n /= 62;
        }
        format!("{prefix}{body30}{}", String::from_utf8_lossy(&check))
    }

    fn names(text: &str) -> Vec<(&'static str, String)> {
        find(text.as_bytes())
            .into_iter()
            .map(|k| (k.provider.name, k.masked))
            .collect()
    }

    #[test]
    fn github_tokens_need_their_checksum() {
        let good = github_token("ghp_", "Zq8pL2vR9wK4mN7hJ3xB6tY1cF5gD0");
        let mut bad = good.clone();
        bad.replace_range(10..11, if &good[10..11] == "a" { "b" } else { "a" });
        let text = format!("token = \"{good}\"\nother = \"{bad}\"\n");
        let got = names(&text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "GitHub token");
        assert!(got[0].1.starts_with("ghp_…"));
    }

    #[test]
    fn aws_ids_need_a_secret_and_examples_are_fine() {
        let id = "AKIA".to_string() + "Q3EGRQ7JZ5KX2MLP";
        let secret = "Jx7/qR2mVt9Lp4+Wz8NcK1bYs6Hd3Gf0Ae5UiOkT";
        assert!(names(&format!("id={id}\n")).is_empty());
        let got = names(&format!("id={id}\nsecret={secret}\n"));
        assert_eq!(got, [("AWS access key", format!("AKIA…{}", &id[16..]))]);
        let example = "AKIAIOSFODNN7EXAMPLE\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
        assert!(names(example).is_empty());
        // A hex digest is no secret key.
        let sha = "0123456789abcdef0123456789abcdef01234567";
        assert!(names(&format!("id={id}\nsha={sha}\n")).is_empty());
    }

    #[test]
    fn shapes_and_placeholders() {
        let slack = format!(
            "xoxb-{}-{}-{}",
            "1234567890123", "9876543210987", "Zq8pL2vR9wK4mN7hJ3xB6tY1"
        );
        let sendgrid = format!(
            "SG.{}.{}",
            "Zq8pL2vR9wK4mN7hJ3xB6t", "Yq1cF5gD0sAe2Wr8pL2vR9wK4mN7hJ3xB6tY1cF5gD0"
        );
        let resend = format!("re_{}_{}", "Zq8pL2vR", "9wK4mN7hJ3xB6tY1cF5gD0sA");
        let twilio = format!("SK{}", "9f2c4e6a8b0d1f3e5a7c9b2d4f6e8a0c");
        let openai = format!(
            "sk-proj-{}T3BlbkFJ{}",
            "Zq8pL2vR9wK4mN7hJ3xB", "6tY1cF5gD0sAe2Wr8pL2"
        );
        // Built at run time, like the others: no key-shaped literal here.
        let armor = |edge: &str| format!("-----{edge} RSA PRIVATE KEY-----");
        let pem = format!(
            "{}\nMIIEpAIBAAKCAQEAzq8pL2vR9wK4mN7hJ3xB6tY1cF5gD0sAe2Wr\n{}\n",
            armor("BEGIN"),
            armor("END")
        );
        let text = format!("{slack}\n{sendgrid}\n{resend}\n{twilio}\n{openai}\n{pem}");
        let got: Vec<&str> = names(&text).iter().map(|(n, _)| *n).collect();
        assert_eq!(
            got,
            [
                "Slack token",
                "SendGrid API key",
                "Resend API key",
                "Twilio API key",
                "OpenAI API key",
                "private key"
            ]
        );
        let placeholders = "xoxb-0000000000-0000000000-xxxxxxxxxxxxxxxxxxxxxxxx\n\
            re_xxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxx\n\
            SK00000000000000000000000000000000\n\
            -----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n\
            -----BEGIN PRIVATE KEY-----\nXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n\
            ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx task-assessment-something-long-enough\n";
        assert!(names(placeholders).is_empty(), "{:?}", names(placeholders));
    }
}
