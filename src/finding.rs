//! Findings are data: what was flagged, where, how bad, and how to fix it.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

/// How much a finding matters. `Off` exists only in configuration: a rule
/// set to `off` produces no findings at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Notice,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "notice" => Some(Level::Notice),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in the repository. Line and column are 1-based; columns count
/// characters (Unicode scalar values), not bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    pub message: String,
    /// How to fix it: the command to run or the code change to make.
    pub help: String,
    /// Repo-relative path with `/` separators; `None` for findings with no
    /// place (a missing variable, a pending migration).
    pub path: Option<String>,
    pub span: Option<Span>,
    /// The flagged source line, for the terminal renderer and fingerprints.
    /// Never holds a secret value (checks that see secrets leave it empty).
    pub source_line: Option<String>,
    /// Filled in by [`assign_fingerprints`] once all findings are known.
    pub fingerprint: String,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        level: Level,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            level,
            message: message.into(),
            help: help.into(),
            path: None,
            span: None,
            source_line: None,
            fingerprint: String::new(),
        }
    }

    /// Place the finding. The source line is kept for display with any
    /// secret-shaped token in it masked (see [`redact_secrets`]).
    pub fn at(mut self, path: &str, span: Span, source_line: &str) -> Self {
        self.path = Some(path.to_string());
        self.span = Some(span);
        self.source_line =
            Some(redact_secrets(source_line.trim_end_matches(['\r', '\n'])).into_owned());
        self
    }

    pub fn line(&self) -> Option<u32> {
        self.span.as_ref().map(|s| s.line)
    }

    /// The order every renderer uses: path, line, column, rule (place-less
    /// findings first), then message so the order is total.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.path.as_deref(),
            self.span.as_ref().map(|s| (s.line, s.column)),
            self.rule,
            self.message.as_str(),
        )
    }
}

/// Sort findings into report order and give each a fingerprint that survives
/// line shifts: rule + path + the flagged line with whitespace collapsed (or
/// the message when there is no line), plus an occurrence counter so two
/// identical lines in one file stay distinct.
pub fn finalize(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| {
        a.rule == b.rule && a.path == b.path && a.span == b.span && a.message == b.message
    });
    let mut seen: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let content = match &f.source_line {
            Some(line) => line.split_whitespace().collect::<Vec<_>>().join(" "),
            None => f.message.clone(),
        };
        let base = fnv1a64(&[
            f.rule.as_bytes(),
            f.path.as_deref().unwrap_or("").as_bytes(),
            content.as_bytes(),
        ]);
        let n = seen.entry(base).or_insert(0);
        *n += 1;
        f.fingerprint = format!("{base:016x}:{n}");
    }
}

/// FNV-1a, 64 bit: tiny, stable across platforms and releases (unlike
/// `DefaultHasher`), good enough to tell findings apart in a baseline.
fn fnv1a64(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        // separator so ("ab","c") and ("a","bc") differ
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Tokens that are secrets by their shape, with the public prefix kept when
/// masked: Stripe keys and webhook secrets, GitHub and Slack tokens, AWS
/// access key ids, JWTs.
static SECRET_SHAPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:(?:sk|rk|pk)_(?:live|test)_|whsec_|gh[pousr]_|github_pat_|xox[abprs]-|AKIA|ASIA)[A-Za-z0-9_\-]{8,}",
        r"|\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
    ))
    .expect("valid secret pattern")
});
static PUBLIC_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:sk|rk|pk)_(?:live|test)_|whsec_|gh[pousr]_|github_pat_|xox[abprs]-|AKIA|ASIA|eyJ)",
    )
    .expect("valid prefix pattern")
});

/// `text` with every secret-shaped token masked to its public prefix and
/// last four characters. Used on every source line and comment excerpt a
/// finding carries, so no renderer can print a key that sits in code.
pub fn redact_secrets(text: &str) -> Cow<'_, str> {
    SECRET_SHAPED.replace_all(text, |c: &regex::Captures| {
        let token = &c[0];
        let prefix = PUBLIC_PREFIX.find(token).map_or("", |m| m.as_str());
        mask_secret(token, prefix)
    })
}

/// Show a secret the only way shipcheck ever shows one: a known public
/// prefix and the last four characters (`sk_live_…9fQa`). Values too short to
/// keep four characters hidden are shown as `…` alone.
pub fn mask_secret(value: &str, public_prefix: &str) -> String {
    let prefix = if value.starts_with(public_prefix) {
        public_prefix
    } else {
        ""
    };
    let rest = &value[prefix.len()..];
    let chars: Vec<char> = rest.chars().collect();
    if chars.len() < 12 {
        return format!("{prefix}…");
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{prefix}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, text: &str) -> Finding {
        Finding::new("debug/console", Level::Error, "m", "h").at(
            "src/a.ts",
            Span {
                line,
                column: 1,
                end_line: line,
                end_column: 2,
            },
            text,
        )
    }

    #[test]
    fn fingerprint_survives_line_shift_and_whitespace_changes() {
        let mut a = vec![at(10, "  console.log(x);")];
        let mut b = vec![at(42, "console.log(x);   ")];
        finalize(&mut a);
        finalize(&mut b);
        assert_eq!(a[0].fingerprint, b[0].fingerprint);
    }

    #[test]
    fn identical_lines_get_distinct_fingerprints() {
        let mut v = vec![at(3, "console.log(x);"), at(9, "console.log(x);")];
        finalize(&mut v);
        assert_ne!(v[0].fingerprint, v[1].fingerprint);
        let mut w = vec![at(1, "console.log(y);")];
        finalize(&mut w);
        assert_ne!(v[0].fingerprint, w[0].fingerprint);
    }

    #[test]
    fn secret_shaped_tokens_are_masked_in_source_lines() {
        let key = ["sk_live_", "51Habcdefghijklmnopqrstu9fQa"].concat();
        let line = format!(
            "console.log('charging with', \"{key}\"); // ghp_{}",
            "a".repeat(36)
        );
        let f = Finding::new("debug/console", Level::Error, "m", "h").at(
            "a.ts",
            Span {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 2,
            },
            &line,
        );
        let shown = f.source_line.unwrap();
        assert!(!shown.contains("51Habcdefghij"), "{shown}");
        assert!(
            shown.contains("sk_live_…9fQa") && shown.contains("ghp_…aaaa"),
            "{shown}"
        );
        assert_eq!(
            redact_secrets("const x = 'not a secret';"),
            "const x = 'not a secret';"
        );
    }

    #[test]
    fn masking_keeps_prefix_and_last_four_only() {
        assert_eq!(
            mask_secret("sk_live_51Habcdefghijklmn9fQa", "sk_live_"),
            "sk_live_…9fQa"
        );
        assert_eq!(mask_secret("short", ""), "…");
        assert_eq!(mask_secret("sk_live_short", "sk_live_"), "sk_live_…");
    }
}
