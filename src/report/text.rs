//! `--format text`: rustc-style diagnostics, then one summary line.

use super::Report;
use crate::finding::{Finding, Level};
use std::fmt::Write;

#[derive(Debug, Default, Clone, Copy)]
pub struct TextOptions {
    /// ANSI colour; main.rs turns it on only for a terminal without NO_COLOR.
    pub color: bool,
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn level(&self, level: Level) -> String {
        let code = match level {
            Level::Error => "1;31",
            Level::Warning => "1;33",
            Level::Notice => "1;36",
        };
        self.wrap(code, level.as_str())
    }
    fn gutter(&self, s: &str) -> String {
        self.wrap("1;34", s)
    }
}

pub fn render(report: &Report, opts: TextOptions) -> String {
    let paint = Paint(opts.color);
    let mut out = String::new();
    for f in &report.findings {
        finding(&mut out, f, &paint);
    }
    summary(&mut out, report, &paint);
    out
}

fn finding(out: &mut String, f: &Finding, paint: &Paint) {
    let _ = writeln!(
        out,
        "{}{} {}",
        paint.level(f.level),
        paint.wrap("1", &format!("[{}]:", f.rule)),
        f.message
    );
    let line_no = f
        .span
        .as_ref()
        .map(|s| s.line.to_string())
        .unwrap_or_default();
    let pad = " ".repeat(line_no.len().max(1));
    if let Some(path) = &f.path {
        let place = match &f.span {
            Some(s) => format!("{path}:{}:{}", s.line, s.column),
            None => path.clone(),
        };
        let _ = writeln!(out, "{pad}{} {place}", paint.gutter("-->"));
    }
    if let (Some(span), Some(src)) = (&f.span, &f.source_line) {
        let bar = paint.gutter("|");
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(out, "{} {bar} {src}", paint.gutter(&line_no));
        let lead: String = src
            .chars()
            .take(f.source_caret as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let line_chars = src.chars().count() as u32;
        let end = if span.end_line == span.line {
            span.end_column
        } else {
            span.column + line_chars
        };
        // Not past the shown text (a cut line ends early).
        let room = line_chars.saturating_sub(f.source_caret).max(1);
        let width = end.saturating_sub(span.column).clamp(1, room) as usize;
        let carets = paint.wrap(level_color(f.level), &"^".repeat(width));
        let _ = writeln!(out, "{pad} {bar} {lead}{carets}");
    }
    let _ = writeln!(
        out,
        "{pad} {} {}",
        paint.gutter("="),
        paint.wrap("1", &format!("help: {}", f.help))
    );
    out.push('\n');
}

fn level_color(level: Level) -> &'static str {
    match level {
        Level::Error => "1;31",
        Level::Warning => "1;33",
        Level::Notice => "1;36",
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// What was checked besides the files: environments and migration sets.
fn checked(out: &mut String, report: &Report) {
    let envs = if report.environments.is_empty() {
        "no production environment (pass --env-file FILE or --env-from-process to check one)"
            .to_string()
    } else {
        report
            .environments
            .iter()
            .map(|(name, sources)| format!("{name} ({})", sources.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let sets = if report.migration_sets.is_empty() {
        "none found".to_string()
    } else {
        report
            .migration_sets
            .iter()
            .map(|m| match &m.live {
                Some(live) => format!("{} {} ({}; {live})", m.framework, m.dir, m.migrations),
                None => format!("{} {} ({})", m.framework, m.dir, m.migrations),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "environments: {envs}");
    let _ = writeln!(out, "migrations: {sets}");
    for state in report.area_states() {
        if let super::AreaStatus::NotChecked(why) = &state.status {
            let _ = writeln!(out, "not checked: {} — {why}", state.area.title());
        }
    }
}

/// Findings per rule and level, most first (like ruff's `--statistics`),
/// so a long first run can be read from its end. Only when there is more
/// than one finding.
fn statistics(out: &mut String, report: &Report) {
    if report.findings.len() < 2 {
        return;
    }
    let mut by_rule: std::collections::BTreeMap<(&str, Level), usize> = Default::default();
    for f in &report.findings {
        *by_rule.entry((f.rule.id, f.level)).or_default() += 1;
    }
    let mut rows: Vec<_> = by_rule.into_iter().collect();
    // Most first; ties by level (errors first), then rule id.
    rows.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.0 .1.cmp(&a.0 .1))
            .then(a.0 .0.cmp(b.0 .0))
    });
    let width = rows.first().map_or(1, |r| r.1.to_string().len());
    let _ = writeln!(out, "findings by rule:");
    for ((rule, level), n) in rows {
        let _ = writeln!(out, "  {n:>width$}  {:<7}  {rule}", level.as_str());
    }
}

fn summary(out: &mut String, report: &Report, paint: &Paint) {
    statistics(out, report);
    checked(out, report);
    let c = report.counts();
    let v = &report.verdict;
    let verdict = if v.passed {
        paint.wrap("1;32", &report.verdict_words())
    } else {
        paint.wrap("1;31", "blocked")
    };
    let branch = match &v.branch {
        Some(b) if v.is_release_branch => format!("release branch {b}"),
        Some(b) => format!("branch {b}"),
        None => {
            "an unknown target branch, so the release policy applies (pass --branch)".to_string()
        }
    };
    let skip_parts = report.skipped.describe();
    let skipped_text = if skip_parts.is_empty() {
        String::new()
    } else {
        format!(", skipped {}", skip_parts.join(", "))
    };
    let mut new_only = if report.new_only {
        ", new lines only".to_string()
    } else {
        String::new()
    };
    if let Some(rev) = &report.revision {
        new_only.push_str(&format!(", commit {}", &rev[..rev.len().min(12)]));
    }
    let _ = writeln!(
        out,
        "shipcheck: {verdict}: {}, {}, {} (fail-on {} on {branch}); {} scanned, {} suppressed, {} baselined{new_only}{skipped_text}; {:.2}s",
        plural(c.error, "error"),
        plural(c.warning, "warning"),
        plural(c.notice, "notice"),
        v.fail_on,
        plural(report.files_scanned, "file"),
        report.suppressed,
        report.baselined,
        report.elapsed.as_secs_f64(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_report::two_findings;

    #[test]
    fn the_summary_counts_findings_per_rule_most_first() {
        let mut r = two_findings();
        let extra = r.findings[1].clone();
        r.findings.push(extra);
        let text = render(&r, TextOptions { color: false });
        let block = text
            .split("findings by rule:\n")
            .nth(1)
            .expect("a statistics block");
        let lines: Vec<&str> = block.lines().take(2).collect();
        assert_eq!(
            lines,
            [
                "  2  warning  todo/untracked",
                "  1  error    debug/console"
            ]
        );
        // One finding needs no table.
        r.findings.truncate(1);
        assert!(!render(&r, TextOptions { color: false }).contains("findings by rule"));
    }
}
