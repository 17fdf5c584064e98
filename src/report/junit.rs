//! `--format junit`: JUnit XML for CI test-report viewers. The checklist is
//! the test plan: one suite with one test case per checklist area (in
//! checklist order); a finding at or above the fail level is a `<failure>`
//! of its area, findings below it are listed in `<system-out>`. No
//! timestamps or durations, so the output is byte-identical across runs.

use super::{area_of, AreaStatus, Report};
use crate::finding::Finding;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let states = report.area_states();
    let cases: Vec<Case> = report
        .areas()
        .into_iter()
        .map(|area| {
            let (failures, notes): (Vec<&Finding>, Vec<&Finding>) = report
                .findings
                .iter()
                .filter(|f| area_of(f) == area)
                .partition(|f| report.blocks(f));
            let skipped = states
                .iter()
                .find(|s| s.area == area)
                .and_then(|s| match &s.status {
                    AreaStatus::NotChecked(why) => Some(why.clone()),
                    _ => None,
                });
            Case {
                title: area.title(),
                slug: area.slug(),
                failures,
                notes,
                skipped,
            }
        })
        .collect();
    let failed = cases.iter().filter(|c| !c.failures.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"shipcheck\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">",
        cases.len()
    );
    for case in &cases {
        case.write(&mut out);
    }
    // Files not fully checked, by reason: a suite of properties, as JUnit
    // viewers show them.
    let _ = writeln!(
        out,
        "  <testsuite name=\"Files scanned\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <properties>"
    );
    let _ = writeln!(
        out,
        "      <property name=\"files.scanned\" value=\"{}\"/>",
        report.files_scanned
    );
    for (n, key, _) in report.skipped.reasons() {
        let _ = writeln!(
            out,
            "      <property name=\"files.skipped.{key}\" value=\"{n}\"/>"
        );
    }
    out.push_str("    </properties>\n  </testsuite>\n");
    out.push_str("</testsuites>\n");
    out
}

struct Case<'a> {
    title: &'static str,
    slug: &'static str,
    failures: Vec<&'a Finding>,
    notes: Vec<&'a Finding>,
    /// Not checked, and why: a `<skipped>` case.
    skipped: Option<String>,
}

impl Case<'_> {
    fn write(&self, out: &mut String) {
        let title = escape(self.title);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{title}\" tests=\"1\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            usize::from(!self.failures.is_empty()),
            usize::from(self.skipped.is_some())
        );
        let _ = write!(
            out,
            "    <testcase name=\"{title}\" classname=\"shipcheck.{}\"",
            self.slug
        );
        if self.failures.is_empty() && self.notes.is_empty() && self.skipped.is_none() {
            out.push_str("/>\n");
        } else {
            out.push_str(">\n");
            if let Some(why) = &self.skipped {
                let _ = writeln!(
                    out,
                    "      <skipped message=\"not checked: {}\"/>",
                    escape(why)
                );
            }
            for f in &self.failures {
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    escape(&f.message),
                    escape(f.rule.id),
                    escape(&detail(f))
                );
            }
            if !self.notes.is_empty() {
                let lines: String = self
                    .notes
                    .iter()
                    .map(|f| format!("{}: {}\n", f.level, detail(f)))
                    .collect();
                let _ = writeln!(out, "      <system-out>{}</system-out>", escape(&lines));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
}

/// `rule path:line: message (help: …)` — the place first, as test viewers
/// show the body as the failure's stack.
fn detail(f: &Finding) -> String {
    let place = match (&f.path, f.line()) {
        (Some(p), Some(l)) => format!(" {p}:{l}"),
        (Some(p), None) => format!(" {p}"),
        _ => String::new(),
    };
    format!("{}{place}: {} (help: {})", f.rule, f.message, f.help)
}

/// XML-escapes text for both element content and attribute values: the
/// five markup characters as entities, tab/CR/LF as character references
/// (attribute parsing would fold them to spaces), and the characters XML 1.0
/// cannot hold at all — other C0 controls, U+FFFE, U+FFFF — dropped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// XML 1.0 `Char` minus tab/LF/CR, which `escape` handles first. Rust chars
/// are never surrogates, so only the two ends of the BMP remain to exclude.
fn is_xml_char(c: char) -> bool {
    c >= '\u{20}' && c != '\u{FFFE}' && c != '\u{FFFF}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Level;
    use crate::report::test_report::{report, span, two_findings};

    #[test]
    fn two_findings_golden() {
        insta::assert_snapshot!("junit_two_findings", render(&two_findings()));
    }

    #[test]
    fn escaping_table() {
        for (input, want) in [
            ("plain", "plain"),
            ("a & b", "a &amp; b"),
            ("<tag attr=\"v\">", "&lt;tag attr=&quot;v&quot;&gt;"),
            ("it's", "it&apos;s"),
            ("tab\there\r\nnext", "tab&#9;here&#13;&#10;next"),
            ("bell\u{7}nul\u{0}esc\u{1b}", "bellnulesc"),
            ("\u{FFFE}\u{FFFF}\u{FFFD}", "\u{FFFD}"),
            ("é ✅ 🚀", "é ✅ 🚀"),
        ] {
            assert_eq!(escape(input), want, "{input:?}");
        }
    }

    #[test]
    fn hostile_finding_text_cannot_break_the_document() {
        let f = Finding::new(
            crate::registry::rule("debug/console"),
            Level::Error,
            "</failure><injected a=\"1\"/>\u{0}",
            "]]> & more",
        )
        .at("a\"b.ts", span(1, 1, 1, 2), "x");
        let out = render(&report(vec![f], Level::Error, None));
        assert!(!out.contains("<injected"));
        assert!(!out.contains('\u{0}'));
        assert_eq!(out.matches("<failure ").count(), 1);
        assert_eq!(out.matches("</failure>").count(), 1);
        assert!(out.contains("type=\"debug/console\""));
    }

    #[test]
    fn warnings_fail_on_a_release_branch() {
        let r = two_findings();
        let out = render(&report(r.findings, Level::Warning, Some("main")));
        assert!(out.contains("tests=\"9\" failures=\"2\""));
        assert!(out.contains("type=\"todo/untracked\""));
        assert!(!out.contains("<system-out>"));
    }

    #[test]
    fn deterministic() {
        assert_eq!(render(&two_findings()), render(&two_findings()));
    }
}
