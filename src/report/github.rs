//! `--format github`: one GitHub Actions workflow command per finding, which
//! the runner turns into an annotation on the job (no token needed: the
//! fallback for fork pull requests). The findings, then one notice for what
//! the run could not fully look at (files skipped by reason, areas not
//! checked); the verdict goes to the job summary (`markdown`).
//!
//! `::error file={path},line={l},endLine={el},col={c},endColumn={ec},title={rule}::{message}`
//! with `::warning` / `::notice` by level. Escaping is @actions/core's
//! (`packages/core/src/command.ts`), which the runner reverses.

use super::Report;
use crate::finding::{Finding, Level};
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        command(&mut out, f);
    }
    let mut gaps = Vec::new();
    let skipped = report.skipped.describe();
    if !skipped.is_empty() {
        gaps.push(format!("files not fully checked: {}", skipped.join(", ")));
    }
    for a in report.area_states() {
        if let super::AreaStatus::NotChecked(why) = a.status {
            gaps.push(format!("{} not checked: {why}", a.area.title()));
        }
    }
    if !gaps.is_empty() {
        let _ = writeln!(
            out,
            "::notice title=shipcheck::{}",
            escape_data(&gaps.join("\n"))
        );
    }
    out
}

fn command(out: &mut String, f: &Finding) {
    let name = match f.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Notice => "notice",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(path) = &f.path {
        props.push(("file", path.clone()));
        if let Some(s) = &f.span {
            props.push(("line", s.line.to_string()));
            props.push(("endLine", s.end_line.to_string()));
            // Columns only mean something on a one-line span; GitHub
            // ignores or rejects them on a multi-line one.
            if s.end_line == s.line {
                props.push(("col", s.column.to_string()));
                props.push(("endColumn", s.end_column.to_string()));
            }
        }
    }
    props.push(("title", f.rule.to_string()));
    let props = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect::<Vec<_>>()
        .join(",");
    // The annotation has no separate detail field: the fix goes on a second
    // line of the message.
    let message = if f.help.is_empty() {
        f.message.clone()
    } else {
        format!("{}\nhelp: {}", f.message, f.help)
    };
    let _ = writeln!(out, "::{name} {props}::{}", escape_data(&message));
}

/// A command's message: `%` first, then CR and LF (`escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: the message escapes plus `:` and `,`, which would end
/// the value (`escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_report::{report as with_gaps, span, two_findings as two_with_gaps};
    use crate::report::Report;

    /// The shared test report with nothing skipped: only the findings' commands.
    fn report(findings: Vec<Finding>, level: Level, branch: Option<&str>) -> Report {
        let mut r = with_gaps(findings, level, branch);
        r.skipped = Default::default();
        r
    }

    fn two_findings() -> Report {
        let mut r = two_with_gaps();
        r.skipped = Default::default();
        r
    }

    #[test]
    fn what_was_not_looked_at_is_one_notice() {
        let mut r = with_gaps(vec![], Level::Error, None);
        r.not_checked = vec![(
            crate::rules::Area::Migrations,
            "no `--database-url` given".into(),
        )];
        assert_eq!(
            render(&r),
            "::notice title=shipcheck::files not fully checked: 1 binary%0ADatabase migrations up to date not checked: no `--database-url` given\n"
        );
    }

    #[test]
    fn two_findings_golden() {
        insta::assert_snapshot!("github_two_findings", render(&two_findings()));
    }

    #[test]
    fn escaping_matches_actions_core() {
        for (input, data, property) in [
            ("plain", "plain", "plain"),
            ("100%", "100%25", "100%25"),
            ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
            ("k: v, w", "k: v, w", "k%3A v%2C w"),
            ("%0A literal", "%250A literal", "%250A literal"),
            ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
            ("é ✅", "é ✅", "é ✅"),
        ] {
            assert_eq!(escape_data(input), data, "data {input:?}");
            assert_eq!(escape_property(input), property, "property {input:?}");
        }
    }

    #[test]
    fn hostile_path_and_message_stay_in_one_command() {
        let f = Finding::new(
            crate::registry::rule("debug/console"),
            Level::Notice,
            "a\nb: 50%, ok",
            "",
        )
        .at("dir,x/a:b.ts", span(2, 1, 2, 3), "x");
        assert_eq!(
            render(&report(vec![f], Level::Error, None)),
            "::notice file=dir%2Cx/a%3Ab.ts,line=2,endLine=2,col=1,endColumn=3,title=debug/console::a%0Ab: 50%25, ok\n"
        );
    }

    #[test]
    fn multi_line_spans_lose_columns_and_placeless_findings_lose_file() {
        let multi = Finding::new(
            crate::registry::rule("debug/console"),
            Level::Error,
            "m",
            "h",
        )
        .at("a.ts", span(4, 3, 6, 2), "console.log(");
        let mut lineless = Finding::new(
            crate::registry::rule("env/committed-env-file"),
            Level::Error,
            "tracked",
            "h",
        );
        lineless.path = Some(".env.production".into());
        let placeless = Finding::new(
            crate::registry::rule("scan/git-history"),
            Level::Warning,
            "no history",
            "h",
        );
        let got = render(&report(
            vec![multi, lineless, placeless],
            Level::Error,
            None,
        ));
        assert_eq!(
            got,
            "::warning title=scan/git-history::no history%0Ahelp: h\n\
             ::error file=.env.production,title=env/committed-env-file::tracked%0Ahelp: h\n\
             ::error file=a.ts,line=4,endLine=6,title=debug/console::m%0Ahelp: h\n"
        );
        assert_eq!(got.lines().count(), 3);
    }

    #[test]
    fn empty_report_prints_nothing() {
        assert_eq!(render(&report(vec![], Level::Error, None)), "");
    }
}
