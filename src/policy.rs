//! Policy, the stage after the checks: inline suppressions, the baseline
//! ([`baseline`]), `--new-only`, levels against `fail-on`, and which
//! threshold applies on which branch.

pub mod baseline;

use crate::config::Settings;
use crate::finding::{Finding, Level, Span};
use crate::rules::{self, Area, Judged, Rule};
use crate::run_context::RunContext;
use crate::workspace::SourceFile;
use std::collections::HashMap;

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const SUPPRESSION_INVALID: Rule = Rule {
    id: "suppression/invalid",
    default_level: Some(Level::Error),
    area: Area::Scan,
    judged: Judged::Lines,
    summary: "a `shipcheck-ignore` without a reason, or naming an unknown rule",
    options: &[],
    doc: crate::rule_doc!("suppression-invalid"),
    module: module_path!(),
};

const MARKER: &str = "shipcheck-ignore";

/// `shipcheck-ignore: RULE[, RULE…] -- reason` found in a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub path: String,
    /// The comment's line; it covers findings on this line and the next.
    pub line: u32,
    pub span: Span,
    pub source_line: crate::finding::ShownLine,
    /// Rule ids or `group/*` patterns.
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

/// Suppression comments of a file. Text that does not name anything shaped
/// like a rule id (prose about the syntax, `shipcheck-ignore: RULE`) is not a
/// suppression.
pub fn suppressions_in(file: &SourceFile) -> Vec<Suppression> {
    let mut out = Vec::new();
    for region in file.comments() {
        let text = &file.text[region.start..region.end];
        let mut from = 0;
        while let Some(pos) = text[from..].find(MARKER) {
            let at = from + pos;
            from = at + MARKER.len();
            let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
            let body = text[from..line_end].trim_start_matches(':');
            let body = body
                .trim()
                .trim_end_matches("*/")
                .trim_end_matches("-->")
                .trim_end();
            let (rule_part, reason) = match body.split_once("--") {
                Some((r, why)) => (
                    r,
                    Some(why.trim()).filter(|w| !w.is_empty()).map(String::from),
                ),
                None => (body, None),
            };
            let rules: Vec<String> = rule_part
                .split([',', ' ', '\t'])
                // A sentence's full stop is not part of the id.
                .map(|r| r.trim().trim_end_matches(['.', ';', ':']))
                .filter(|r| looks_like_rule(r))
                .map(String::from)
                .collect();
            if rules.is_empty() {
                continue;
            }
            let start = region.start + at;
            let span = file.span(start, start + MARKER.len());
            out.push(Suppression {
                path: file.rel.to_string(),
                line: span.line,
                source_line: file.shown_line(start, start + MARKER.len()),
                span,
                rules,
                reason,
            });
        }
    }
    out
}

fn looks_like_rule(s: &str) -> bool {
    // `import/<tool>/<rule>` keeps the other tool's spelling (`CKV_DOCKER_2`).
    if crate::rules::is_import_id(s) {
        return true;
    }
    let Some((group, name)) = s.split_once('/') else {
        return false;
    };
    let word = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    word(group) && (name == "*" || word(name))
}

/// Remove suppressed findings; report invalid suppressions (no reason, or an
/// unknown rule) as `suppression/invalid`. Returns how many were suppressed.
///
/// `known` says whether a rule id or `group/*` names a rule (the registry's
/// `pattern_is_known`, passed in because the registry sits above policy).
pub fn apply_suppressions(
    findings: &mut Vec<Finding>,
    suppressions: &[Suppression],
    settings: &Settings,
    known: fn(&str) -> bool,
) -> usize {
    let mut by_place: HashMap<(&str, u32), Vec<&Suppression>> = HashMap::new();
    let mut invalid = Vec::new();
    for s in suppressions {
        let unknown: Vec<&str> = s
            .rules
            .iter()
            .filter(|r| !known(r))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            invalid.push((
                s,
                format!(
                    "suppression names unknown rule `{}`: it silences nothing",
                    unknown.join("`, `")
                ),
                "check the id with `shipcheck rules` and fix the spelling".to_string(),
            ));
        } else if s.reason.is_none() {
            invalid.push((
                s,
                format!("suppression of `{}` gives no reason", s.rules.join("`, `")),
                format!(
                    "say why after ` -- `: `shipcheck-ignore: {} -- <why this is fine>`",
                    s.rules.join(", ")
                ),
            ));
        }
        for line in [s.line, s.line + 1] {
            by_place.entry((s.path.as_str(), line)).or_default().push(s);
        }
    }
    let before = findings.len();
    findings.retain(|f| {
        let (Some(path), Some(line)) = (f.path.as_deref(), f.line()) else {
            return true;
        };
        !by_place.get(&(path, line)).is_some_and(|v| {
            v.iter().any(|s| {
                s.rules
                    .iter()
                    .any(|r| known(r) && rules::pattern_matches(r, f.rule.id))
            })
        })
    });
    let suppressed = before - findings.len();
    if let Some(level) = settings.level(&SUPPRESSION_INVALID) {
        for (s, message, help) in invalid {
            findings.push(
                Finding::new(&SUPPRESSION_INVALID, level, message, help).at_shown(
                    &s.path,
                    s.span.clone(),
                    s.source_line.clone(),
                ),
            );
        }
    }
    suppressed
}

/// `--new-only`: keep findings on added or changed lines, file-level
/// findings in changed files, findings with no place, and findings of rules
/// that judge the deployed state or the run itself ([`Judged::State`]: the
/// production environment's values, the live database, `scan/*`), which no
/// diff introduces line by line. Returns how many were dropped.
pub fn keep_new(findings: &mut Vec<Finding>, new: &crate::git::NewLines) -> usize {
    let before = findings.len();
    findings.retain(|f| {
        if f.rule.judged == Judged::State {
            return true;
        }
        match (f.path.as_deref(), &f.span) {
            (None, _) => true,
            (Some(path), None) => new.file_changed(path),
            (Some(path), Some(s)) => new.lines_changed(path, s.line, s.end_line),
        }
    });
    before - findings.len()
}

/// Which threshold blocks, and on which branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub branch: Option<String>,
    pub is_release_branch: bool,
    pub fail_on: Level,
    pub passed: bool,
}

/// Does the release-branch policy apply? On a release branch, and when the
/// target is unknown (a detached HEAD outside a pull request, a bare
/// checkout): the gate must not pass a warning into `main` because it could
/// not tell where it runs.
pub fn is_release_target(settings: &Settings, branch: Option<&str>) -> bool {
    branch.is_none_or(|b| settings.is_release_branch(b))
}

pub fn verdict(findings: &[Finding], settings: &Settings, branch: Option<String>) -> Verdict {
    let is_release_branch = is_release_target(settings, branch.as_deref());
    let fail_on = if is_release_branch {
        settings.release_fail_on.min(settings.fail_on)
    } else {
        settings.fail_on
    };
    let passed = !findings.iter().any(|f| f.level >= fail_on);
    Verdict {
        branch,
        is_release_branch,
        fail_on,
        passed,
    }
}

/// The target branch: `--branch`, else the PR's base (`GITHUB_BASE_REF`),
/// else the branch being pushed in Actions (`GITHUB_REF_NAME`), else the
/// repository's current branch.
pub fn target_branch(
    explicit: Option<&str>,
    ctx: &RunContext,
    current: impl FnOnce() -> Option<String>,
) -> Option<String> {
    explicit
        .or_else(|| ctx.var("GITHUB_BASE_REF"))
        .or_else(|| ctx.var("GITHUB_ACTIONS").and(ctx.var("GITHUB_REF_NAME")))
        .map(String::from)
        .or_else(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, level: Level, line: u32) -> Finding {
        Finding::new(crate::registry::rule(rule), level, "m", "h").at(
            "a.ts",
            Span {
                line,
                column: 1,
                end_line: line,
                end_column: 2,
            },
            "x",
        )
    }

    fn supp(line: u32, rules: &[&str], reason: Option<&str>) -> Suppression {
        Suppression {
            path: "a.ts".into(),
            line,
            span: Span {
                line,
                column: 4,
                end_line: line,
                end_column: 20,
            },
            source_line: crate::finding::ShownLine {
                text: "// shipcheck-ignore".into(),
                caret: 3,
            },
            rules: rules.iter().map(|s| s.to_string()).collect(),
            reason: reason.map(String::from),
        }
    }

    #[test]
    fn suppression_covers_its_line_and_the_next_only() {
        let s = Settings::defaults();
        let mut f = vec![
            finding("debug/console", Level::Error, 5),
            finding("debug/console", Level::Error, 6),
            finding("debug/console", Level::Error, 7),
        ];
        let n = apply_suppressions(
            &mut f,
            &[supp(5, &["debug/console"], Some("ok"))],
            &s,
            crate::registry::pattern_is_known,
        );
        assert_eq!(n, 2);
        assert_eq!(f.iter().map(|f| f.line().unwrap()).collect::<Vec<_>>(), [7]);
    }

    #[test]
    fn suppression_only_silences_named_rules_and_groups() {
        let s = Settings::defaults();
        let mut f = vec![
            finding("todo/untracked", Level::Warning, 3),
            finding("debug/debugger", Level::Error, 3),
        ];
        assert_eq!(
            apply_suppressions(
                &mut f,
                &[supp(2, &["debug/*"], Some("ok"))],
                &s,
                crate::registry::pattern_is_known
            ),
            1
        );
        assert_eq!(f[0].rule, "todo/untracked");
    }

    #[test]
    fn missing_reason_still_suppresses_but_is_reported() {
        let s = Settings::defaults();
        let mut f = vec![finding("debug/console", Level::Error, 3)];
        assert_eq!(
            apply_suppressions(
                &mut f,
                &[supp(2, &["debug/console"], None)],
                &s,
                crate::registry::pattern_is_known
            ),
            1
        );
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].rule.id, f[0].line()),
            ("suppression/invalid", Some(2))
        );
    }

    #[test]
    fn unknown_rule_suppresses_nothing_and_is_reported() {
        let s = Settings::defaults();
        let mut f = vec![finding("debug/console", Level::Error, 3)];
        assert_eq!(
            apply_suppressions(
                &mut f,
                &[supp(2, &["debug/consol"], Some("typo"))],
                &s,
                crate::registry::pattern_is_known
            ),
            0
        );
        let rules: Vec<_> = f.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["debug/console", "suppression/invalid"]);
        assert!(f[1].message.contains("debug/consol"));
    }

    #[test]
    fn release_branches_block_on_warnings() {
        let s = Settings::defaults();
        let f = vec![finding("todo/untracked", Level::Warning, 1)];
        for (branch, passed) in [("feature/x", true), ("release/2.0", false), ("main", false)] {
            assert_eq!(
                verdict(&f, &s, Some(branch.into())).passed,
                passed,
                "{branch}"
            );
        }
        // Unknown target: the stricter release policy, said in the verdict.
        let unknown = verdict(&f, &s, None);
        assert!(!unknown.passed && unknown.is_release_branch && unknown.branch.is_none());
        assert!(!verdict(&[finding("debug/console", Level::Error, 1)], &s, None).passed);
    }

    #[test]
    fn new_only_keeps_changed_lines_changed_files_and_placeless_findings() {
        use crate::git::NewLines;
        let new = NewLines::Changed {
            base: "main".into(),
            files: ["a.ts".to_string()].into(),
            lines: [("a.ts".to_string(), vec![5..=6])].into(),
        };
        let mut file_level = finding("env/committed-env-file", Level::Error, 1);
        file_level.span = None;
        let mut other_file = file_level.clone();
        other_file.path = Some("b.ts".into());
        let mut placeless = finding("env/undeclared", Level::Error, 1);
        (placeless.path, placeless.span) = (None, None);
        let mut state = finding("env/missing", Level::Error, 40);
        state.path = Some(".env.example".into());
        let mut f = vec![
            finding("debug/console", Level::Error, 4),
            finding("debug/console", Level::Error, 6),
            file_level,
            other_file,
            placeless,
            state,
            finding("scan/git-history", Level::Warning, 99),
        ];
        assert_eq!(keep_new(&mut f, &new), 2);
        let kept: Vec<_> = f
            .iter()
            .map(|f| (f.rule.id, f.path.clone(), f.line()))
            .collect();
        assert_eq!(
            kept,
            [
                ("debug/console", Some("a.ts".to_string()), Some(6)),
                ("env/committed-env-file", Some("a.ts".to_string()), None),
                ("env/undeclared", None, None),
                ("env/missing", Some(".env.example".to_string()), Some(40)),
                ("scan/git-history", Some("a.ts".to_string()), Some(99)),
            ]
        );
    }

    #[test]
    fn rule_shaped_words_only() {
        assert!(looks_like_rule("debug/console") && looks_like_rule("debug/*"));
        assert!(
            !looks_like_rule("RULE") && !looks_like_rule("and/Or") && !looks_like_rule("http://x")
        );
    }
}
