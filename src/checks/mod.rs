//! Check groups. Each group is one module with the same shape (doc, types,
//! `impl FileCheck`, helpers, tests); [`CHECKS`] is the one list of them.
//! Checks are pure: they read a [`SourceFile`] and push findings.

mod debug;
#[cfg(test)]
mod test_support;
mod todo;

use crate::config::Settings;
use crate::finding::{Finding, Span};
use crate::policy::{self, Suppression};
use crate::workspace::SourceFile;
use aho_corasick::AhoCorasick;

/// A calendar date, compared as (year, month, day).
pub type Date = (u16, u8, u8);

/// What every check may read besides the file.
pub struct Context<'s> {
    pub settings: &'s Settings,
    /// "Today", for dated TODOs (`SHIPCHECK_TODAY` overrides the clock).
    pub today: Date,
}

impl Context<'_> {
    /// A finding of `rule` at `start..end` of `file`, at the rule's
    /// configured level; `None` when the rule is off.
    pub fn finding(
        &self,
        rule: &'static str,
        file: &SourceFile,
        start: usize,
        end: usize,
        message: String,
        help: String,
    ) -> Option<Finding> {
        let level = self.settings.level(rule)?;
        let span: Span = file.span(start, end);
        let line = file.line_text(span.line);
        Some(Finding::new(rule, level, message, help).at(file.rel, span, line))
    }

    pub fn enabled(&self, rule: &str) -> bool {
        self.settings.level(rule).is_some()
    }
}

/// TODO-style comments seen, whatever their rules' levels (the JSON report's
/// inventory).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TodoCounts {
    pub tracked: usize,
    pub untracked: usize,
    pub expired: usize,
}

impl std::ops::AddAssign for TodoCounts {
    fn add_assign(&mut self, o: TodoCounts) {
        self.tracked += o.tracked;
        self.untracked += o.untracked;
        self.expired += o.expired;
    }
}

/// Everything one file contributes to the report.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub findings: Vec<Finding>,
    pub suppressions: Vec<Suppression>,
    pub todos: TodoCounts,
}

pub trait FileCheck: Sync {
    /// Literal tokens of which at least one must occur in a file for this
    /// check to have anything to say: the prefilter skips lexing otherwise.
    fn tokens(&self, ctx: &Context) -> Vec<String>;
    fn check_file(&self, file: &SourceFile, ctx: &Context, out: &mut FileOutcome);
}

pub static CHECKS: &[&dyn FileCheck] = &[&debug::DebugCode, &todo::Todos];

/// Runs every per-file check on a file, after one Aho-Corasick pass that
/// says which checks have candidate tokens in it.
pub struct FileChecker<'s> {
    ctx: Context<'s>,
    prefilter: AhoCorasick,
    /// Pattern index → index in CHECKS, or `CHECKS.len()` for suppressions.
    owner: Vec<usize>,
}

const SUPPRESSION_TOKEN: &str = "shipcheck-ignore";

impl<'s> FileChecker<'s> {
    pub fn new(ctx: Context<'s>) -> Self {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, check) in CHECKS.iter().enumerate() {
            for t in check.tokens(&ctx) {
                patterns.push(t);
                owner.push(i);
            }
        }
        patterns.push(SUPPRESSION_TOKEN.to_string());
        owner.push(CHECKS.len());
        let prefilter = AhoCorasick::new(&patterns).expect("check tokens are plain literals");
        FileChecker {
            ctx,
            prefilter,
            owner,
        }
    }

    pub fn context(&self) -> &Context<'s> {
        &self.ctx
    }

    pub fn check(&self, file: &SourceFile) -> FileOutcome {
        let mut wanted = vec![false; CHECKS.len() + 1];
        let mut remaining = wanted.len();
        for m in self.prefilter.find_iter(file.text) {
            let i = self.owner[m.pattern().as_usize()];
            if !wanted[i] {
                wanted[i] = true;
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
        }
        let mut out = FileOutcome::default();
        for (i, check) in CHECKS.iter().enumerate() {
            if wanted[i] {
                check.check_file(file, &self.ctx, &mut out);
            }
        }
        if wanted[CHECKS.len()] {
            out.suppressions = policy::suppressions_in(file);
        }
        out
    }
}

/// Today's date: `SHIPCHECK_TODAY=YYYY-MM-DD`, else the system clock (UTC).
pub fn today() -> anyhow::Result<Date> {
    if let Ok(s) = std::env::var("SHIPCHECK_TODAY") {
        return parse_date(&s)
            .ok_or_else(|| anyhow::anyhow!("SHIPCHECK_TODAY={s:?} is not a YYYY-MM-DD date"));
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Ok(civil_from_days((secs / 86_400) as i64))
}

pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: u16 = s[0..4].parse().ok()?;
    let m: u8 = s[5..7].parse().ok()?;
    let d: u8 = s[8..10].parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// Days since 1970-01-01 → (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as u16, m as u8, d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_783), (2026, 11, 26));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn date_parsing() {
        assert_eq!(parse_date("2026-12-01"), Some((2026, 12, 1)));
        for bad in ["2026-13-01", "2026-1-01", "20261201xx", "2026-12-00"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
