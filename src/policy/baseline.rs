//! `.shipcheck-baseline.json`: findings a team has accepted for now, keyed
//! by fingerprint (rule + path + normalised line content, so entries survive
//! lines moving). The file never holds source text or messages — only
//! fingerprints (hashes), rule ids, paths, a line hint, and the optional
//! reason and expiry people write.
//!
//! Format, version 1 (sorted by path, line hint, rule, fingerprint; pretty;
//! byte-identical for the same findings):
//! `{"version":1,"entries":[{"fingerprint","rule","path","line_hint"?,"reason"?,"expires"?}]}`

use crate::date::{parse_date, Date};
use crate::finding::Finding;
use crate::rules::{Area, Judged, Level, Rule};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::Path;

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const STALE_BASELINE: Rule = Rule {
    id: "scan/stale-baseline",
    default_level: Some(Level::Notice),
    area: Area::Scan,
    judged: Judged::State,
    summary: "a baseline entry that matches no finding any more: remove it",
    options: &[],
    doc: crate::rule_doc!("scan-stale-baseline"),
    module: module_path!(),
};

pub const EXPIRED_BASELINE: Rule = Rule {
    id: "scan/expired-baseline",
    default_level: Some(Level::Warning),
    area: Area::Scan,
    judged: Judged::State,
    summary: "a baseline entry past its `expires` date: its finding is reported again",
    options: &[],
    doc: crate::rule_doc!("scan-expired-baseline"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&STALE_BASELINE, &EXPIRED_BASELINE];

/// The baseline `check` reads from the repository root when `--baseline` is not given.
pub const FILE: &str = ".shipcheck-baseline.json";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    /// Repo-relative path; `null` for findings with no place.
    #[serde(default)]
    pub path: Option<String>,
    /// Where the finding was when recorded: for people reading the file,
    /// never used for matching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_hint: Option<u32>,
    /// Why the finding is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `YYYY-MM-DD`: from the day after, the entry hides nothing and is
    /// reported as `scan/expired-baseline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Entry {
    fn expiry(&self) -> Option<Date> {
        self.expires.as_deref().and_then(parse_date)
    }

    /// Has the entry expired on `today`? An entry is valid through its date.
    pub fn is_expired(&self, today: Date) -> bool {
        self.expiry().is_some_and(|d| d < today)
    }

    /// `rule in path` (or just the rule) for messages.
    pub fn describe(&self) -> String {
        match (&self.path, self.line_hint) {
            (Some(p), Some(l)) => format!("{} in {p} (line {l} when recorded)", self.rule),
            (Some(p), None) => format!("{} in {p}", self.rule),
            (None, _) => self.rule.clone(),
        }
    }
}

/// A baseline read from disk, with its text for locating entries in it.
#[derive(Debug, Clone)]
pub struct BaselineFile {
    pub baseline: Baseline,
    pub text: String,
}

impl BaselineFile {
    /// Read and validate a baseline. Errors name the file and fit on one line.
    pub fn load(path: &Path) -> anyhow::Result<BaselineFile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("baseline {}: cannot read it", path.display()))?;
        BaselineFile::parse(text, &path.display().to_string())
    }

    /// A baseline already read; `name` says where from in errors.
    pub fn parse(text: String, name: &str) -> anyhow::Result<BaselineFile> {
        let baseline =
            Baseline::parse(&text).map_err(|e| anyhow::anyhow!("baseline {name}: {e}"))?;
        Ok(BaselineFile { baseline, text })
    }

    /// 1-based (line, column) of the entry's fingerprint in the file.
    pub fn position_of(&self, fingerprint: &str) -> Option<(u32, u32)> {
        let at = self.text.find(&format!("\"{fingerprint}\""))?;
        let before = &self.text[..at];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..at].chars().count() as u32 + 1;
        Some((line, column))
    }

    pub fn line_text(&self, line: u32) -> &str {
        self.text
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("")
    }
}

/// What applying a baseline did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Findings hidden.
    pub hidden: usize,
    /// Entries that match no finding any more (expired or not).
    pub stale: Vec<Entry>,
    /// Expired entries that still match: their findings are reported again.
    pub expired: Vec<Entry>,
}

/// How a rewrite changed the baseline.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rewrite {
    pub added: usize,
    pub kept: usize,
    pub removed: usize,
}

impl Baseline {
    /// Parse and validate: version 1, a fingerprint and rule in every entry,
    /// `expires` as YYYY-MM-DD.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        #[derive(Deserialize)]
        struct Versioned {
            version: Option<serde_json::Value>,
        }
        let v: Versioned =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        match v.version {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(VERSION)) => {}
            Some(other) => {
                return Err(format!(
                    "unsupported version {other} (this shipcheck reads version {VERSION}; rewrite it with `shipcheck baseline`)"
                ))
            }
            None => return Err(format!("no \"version\" field (expected {VERSION})")),
        }
        let b: Baseline = serde_json::from_str(text).map_err(|e| format!("not a baseline: {e}"))?;
        for (i, e) in b.entries.iter().enumerate() {
            if e.fingerprint.trim().is_empty() || e.rule.trim().is_empty() {
                return Err(format!("entry {} has an empty fingerprint or rule", i + 1));
            }
            if let Some(d) = &e.expires {
                if parse_date(d).is_none() {
                    return Err(format!(
                        "entry {} ({}): expires {d:?} is not a YYYY-MM-DD date",
                        i + 1,
                        e.fingerprint
                    ));
                }
            }
        }
        Ok(b)
    }

    /// Every finding's fingerprint. Entries of `previous` that still match
    /// keep their reason and expiry; new entries get `reason` and `expires`.
    pub fn from_findings(
        findings: &[Finding],
        previous: Option<&Baseline>,
        reason: Option<&str>,
        expires: Option<&str>,
    ) -> (Baseline, Rewrite) {
        let old: HashMap<&str, &Entry> = previous
            .map(|b| {
                b.entries
                    .iter()
                    .map(|e| (e.fingerprint.as_str(), e))
                    .collect()
            })
            .unwrap_or_default();
        let mut rewrite = Rewrite::default();
        let mut seen = HashSet::new();
        let mut entries = Vec::new();
        for f in findings {
            if !seen.insert(f.fingerprint.as_str()) {
                continue;
            }
            let (reason, expires) = match old.get(f.fingerprint.as_str()) {
                Some(e) => {
                    rewrite.kept += 1;
                    (e.reason.clone(), e.expires.clone())
                }
                None => {
                    rewrite.added += 1;
                    (reason.map(String::from), expires.map(String::from))
                }
            };
            entries.push(Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.to_string(),
                path: f.path.clone(),
                line_hint: f.line(),
                reason,
                expires,
            });
        }
        rewrite.removed = old.keys().filter(|fp| !seen.contains(**fp)).count();
        entries.sort_by(|a, b| {
            (&a.path, a.line_hint, &a.rule, &a.fingerprint).cmp(&(
                &b.path,
                b.line_hint,
                &b.rule,
                &b.fingerprint,
            ))
        });
        (
            Baseline {
                version: VERSION,
                entries,
            },
            rewrite,
        )
    }

    /// The file's bytes: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        // Plain structs of strings and numbers always serialise.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Remove the findings this baseline accepts. Expired entries hide
    /// nothing; entries matching no finding are stale.
    pub fn apply(&self, findings: &mut Vec<Finding>, today: Date) -> Applied {
        let mut by_fp: HashMap<&str, &Entry> = HashMap::new();
        for e in &self.entries {
            by_fp.entry(e.fingerprint.as_str()).or_insert(e);
        }
        let mut matched: HashSet<&str> = HashSet::new();
        let mut applied = Applied::default();
        findings.retain(|f| match by_fp.get(f.fingerprint.as_str()) {
            Some(e) => {
                matched.insert(e.fingerprint.as_str());
                if e.is_expired(today) {
                    true
                } else {
                    applied.hidden += 1;
                    false
                }
            }
            None => true,
        });
        for e in by_fp.values() {
            if !matched.contains(e.fingerprint.as_str()) {
                applied.stale.push((*e).clone());
            } else if e.is_expired(today) {
                applied.expired.push((*e).clone());
            }
        }
        let key = |e: &Entry| {
            (
                e.path.clone(),
                e.line_hint,
                e.rule.clone(),
                e.fingerprint.clone(),
            )
        };
        applied.stale.sort_by_key(key);
        applied.expired.sort_by_key(key);
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{finalize, Level, Span};

    fn finding(path: &str, line: u32, text: &str) -> Finding {
        Finding::new(
            crate::registry::rule("debug/console"),
            Level::Error,
            "console.log call",
            "remove it",
        )
        .at(
            path,
            Span {
                line,
                column: 1,
                end_line: line,
                end_column: 12,
            },
            text,
        )
    }

    fn findings() -> Vec<Finding> {
        let mut v = vec![
            finding("src/b.ts", 3, "console.log(secretish)"),
            finding("src/a.ts", 9, "console.log(1)"),
            Finding::new(
                crate::registry::rule("env/missing"),
                Level::Error,
                "API_KEY is not set",
                "set it",
            ),
        ];
        finalize(&mut v);
        v
    }

    #[test]
    fn written_file_is_sorted_stable_and_holds_no_source_or_message() {
        let (b, r) = Baseline::from_findings(&findings(), None, Some("legacy"), None);
        assert_eq!(
            r,
            Rewrite {
                added: 3,
                kept: 0,
                removed: 0
            }
        );
        let json = b.to_json();
        assert_eq!(
            json,
            Baseline::from_findings(&findings(), None, Some("legacy"), None)
                .0
                .to_json()
        );
        assert!(
            !json.contains("console.log")
                && !json.contains("API_KEY")
                && !json.contains("secretish"),
            "{json}"
        );
        let paths: Vec<_> = b.entries.iter().map(|e| e.path.as_deref()).collect();
        assert_eq!(paths, [None, Some("src/a.ts"), Some("src/b.ts")]);
        assert_eq!(Baseline::parse(&json).unwrap(), b);
        assert!(
            json.starts_with("{\n  \"version\": 1,\n  \"entries\": ["),
            "{json}"
        );
    }

    #[test]
    fn rewrite_keeps_reasons_of_entries_that_still_match() {
        let all = findings();
        let (mut b, _) = Baseline::from_findings(&all, None, None, None);
        b.entries[1].reason = Some("kept on purpose".into());
        b.entries[1].expires = Some("2027-01-01".into());
        let (b2, r) = Baseline::from_findings(&all[1..], Some(&b), Some("new"), None);
        assert_eq!(
            r,
            Rewrite {
                added: 0,
                kept: 2,
                removed: 1
            }
        );
        let a = b2
            .entries
            .iter()
            .find(|e| e.path.as_deref() == Some("src/a.ts"))
            .unwrap();
        assert_eq!(a.reason.as_deref(), Some("kept on purpose"));
        assert_eq!(a.expires.as_deref(), Some("2027-01-01"));
    }

    #[test]
    fn apply_hides_matches_reports_stale_and_expired() {
        let all = findings();
        let (mut b, _) = Baseline::from_findings(&all, None, None, None);
        // src/a.ts entry expired yesterday; a made-up entry matches nothing.
        b.entries[1].expires = Some("2026-11-25".into());
        b.entries.push(Entry {
            fingerprint: "00000000deadbeef:1".into(),
            rule: "todo/untracked".into(),
            path: Some("gone.ts".into()),
            line_hint: Some(4),
            reason: None,
            expires: None,
        });
        let mut current = all.clone();
        let applied = b.apply(&mut current, (2026, 11, 26));
        assert_eq!(applied.hidden, 2);
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].path.as_deref(), Some("src/a.ts"));
        assert_eq!(applied.stale.len(), 1);
        assert_eq!(applied.stale[0].path.as_deref(), Some("gone.ts"));
        assert_eq!(applied.expired.len(), 1);
        // valid through its date
        let mut current = all.clone();
        assert_eq!(b.apply(&mut current, (2026, 11, 25)).hidden, 3);
    }

    #[test]
    fn bad_files_are_clear_errors() {
        assert!(Baseline::parse("{").unwrap_err().contains("not valid JSON"));
        assert!(Baseline::parse(r#"{"version":2,"entries":[]}"#)
            .unwrap_err()
            .contains("unsupported version 2"));
        assert!(Baseline::parse(r#"{"entries":[]}"#)
            .unwrap_err()
            .contains("version"));
        assert!(Baseline::parse(
            r#"{"version":1,"entries":[{"fingerprint":"a:1","rule":"x/y","path":null,"expires":"soon"}]}"#
        )
        .unwrap_err()
        .contains("YYYY-MM-DD"));
        assert!(Baseline::parse(
            r#"{"version":1,"entries":[{"fingerprint":"a:1","rule":"x/y","expiry":"2026-01-01"}]}"#
        )
        .unwrap_err()
        .contains("expiry"));
        let ok = Baseline::parse(r#"{"version":1,"entries":[{"fingerprint":"a:1","rule":"x/y"}]}"#)
            .unwrap();
        assert_eq!(ok.entries[0].path, None);
    }

    #[test]
    fn positions_of_entries_in_the_file() {
        let (b, _) = Baseline::from_findings(&findings(), None, None, None);
        let file = BaselineFile {
            text: b.to_json(),
            baseline: b.clone(),
        };
        let fp = &b.entries[2].fingerprint;
        let (line, column) = file.position_of(fp).unwrap();
        assert!(file.line_text(line).contains(fp.as_str()));
        assert_eq!(
            &file.line_text(line)[column as usize - 1..][..fp.len() + 2],
            format!("\"{fp}\"")
        );
    }
}
