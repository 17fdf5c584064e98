//! `--format markdown`: the check-run summary and job summary, laid out
//! like the deployment checklist: a verdict, one ✅/❌/⚠️ line per checklist
//! area, the findings grouped by area, then what was checked and how to
//! reproduce it. Kept under GitHub's 65,535-character summary limit by
//! dropping whole finding lines, never by cutting text. Findings arrive with
//! secrets already masked; nothing else here reads a value.

use super::{area_of, uri_path, AreaState, AreaStatus, Counts, ItemState, ItemStatus, Report};
use crate::finding::Finding;

/// GitHub's `output.summary` limit, in characters.
pub const MAX_CHARS: usize = 65_535;

#[derive(Debug, Default, Clone)]
pub struct MarkdownOptions {
    /// Prefix for file links, e.g. `https://github.com/o/r/blob/<sha>`;
    /// `None` prints paths without links.
    pub link_base: Option<String>,
}

pub fn render(report: &Report, opts: &MarkdownOptions) -> String {
    render_within(report, opts, MAX_CHARS)
}

/// Lines are kept whole: `head` and `foot` always, finding lines while they
/// fit, so the cut can fall neither inside a character nor inside a
/// Markdown construct.
fn render_within(report: &Report, opts: &MarkdownOptions, max_chars: usize) -> String {
    let head = head(report, opts);
    let foot = foot(report);
    let sections = finding_sections(report, opts);
    let total = report.findings.len();
    let fixed = chars(&head) + chars(&foot);
    let all = sections.iter().map(|s| s.chars).sum::<usize>();
    if fixed + all <= max_chars {
        let body: Vec<&str> = sections.iter().map(|s| s.text.as_str()).collect();
        return [head, body.concat(), foot].concat();
    }
    // The note is sized for the largest count it could show.
    let note_room = chars(&more_note(total));
    let mut budget = max_chars.saturating_sub(fixed + note_room);
    let mut body = String::new();
    let mut kept = 0;
    for s in &sections {
        if s.chars > budget {
            break;
        }
        budget -= s.chars;
        body.push_str(&s.text);
        kept += s.findings;
    }
    body.push_str(&more_note(total - kept));
    let out = [head, body, foot].concat();
    if chars(&out) <= max_chars {
        return out;
    }
    keep_whole_lines(&out, max_chars)
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn more_note(n: usize) -> String {
    format!(
        "\n… and {n} more finding{}; see the full report.\n",
        if n == 1 { "" } else { "s" }
    )
}

/// Last resort when even the fixed parts overflow (thousands of
/// environments): whole lines while they fit.
fn keep_whole_lines(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for line in text.split_inclusive('\n') {
        let n = chars(line);
        if used + n > max_chars {
            break;
        }
        used += n;
        out.push_str(line);
    }
    out
}

/// One droppable unit of the findings part: a finding line (the first of
/// an area with the area's heading).
struct Section {
    text: String,
    chars: usize,
    findings: usize,
}

fn head(report: &Report, opts: &MarkdownOptions) -> String {
    let v = &report.verdict;
    let mut out = String::new();
    out.push_str(&match (v.passed, report.areas_not_checked()) {
        (true, 0) => "## ✅ shipcheck: ready to deploy\n\n".to_string(),
        (true, _) => format!("## ✅ shipcheck: {}\n\n", report.verdict_words()),
        (false, _) => "## ❌ shipcheck: blocked\n\n".to_string(),
    });
    let branch = match &v.branch {
        Some(b) if v.is_release_branch => format!("release branch {}", code(b)),
        Some(b) => format!("branch {}", code(b)),
        None => {
            "an unknown target branch, so the release policy applies (pass --branch)".to_string()
        }
    };
    out.push_str(&format!(
        "{} — blocking at `{}` and above on {branch}.\n\n",
        report.counts().describe(),
        v.fail_on
    ));
    out.push_str(&judged(report));
    let states = report.checklist_states();
    if !states.is_empty() {
        out.push_str(&checklist(report, &states, opts));
        return out;
    }
    for state in report.area_states() {
        out.push_str(&area_line(&state));
    }
    out
}

/// What was judged, in one line: commit, base, newest migration,
/// environments, database.
fn judged(report: &Report) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &report.commit {
        parts.push(format!("commit {}", code(&c[..c.len().min(12)])));
    }
    if let Some(b) = &report.base {
        parts.push(format!("base {}", inline(b)));
    }
    for m in &report.migration_sets {
        if let Some(n) = &m.newest {
            parts.push(format!("newest migration {} ({})", code(n), code(&m.dir)));
        }
    }
    parts.push(if report.environments.is_empty() {
        "environments: none".to_string()
    } else {
        format!(
            "environments: {}",
            report
                .environments
                .iter()
                .map(|(n, _)| inline(n))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    let database = if report.migration_sets.is_empty() {
        "no migrations".to_string()
    } else if report
        .migration_sets
        .iter()
        .any(|m| m.live.as_deref().is_some_and(|l| l.starts_with("checked")))
    {
        "checked live".to_string()
    } else {
        "not checked".to_string()
    };
    parts.push(format!("database: {database}"));
    format!("Judged: {}.\n", parts.join(" · "))
}

/// The checklist's sections in order, then the areas no item covers.
fn checklist(report: &Report, states: &[ItemState], opts: &MarkdownOptions) -> String {
    let mut out = String::new();
    let mut section = "";
    for st in states {
        if st.section != section {
            section = st.section;
            out.push_str(&format!("\n**{}**\n\n", inline(section)));
        }
        out.push_str(&item_line(report, st, opts));
    }
    let covered = |area: crate::rules::Area| {
        report.checklist.items().any(|(_, i)| match &i.backing {
            crate::checklist::Backing::Area(a) => *a == area,
            crate::checklist::Backing::Rules(ps) => report.rules.iter().any(|r| {
                r.area == area && ps.iter().any(|p| crate::rules::pattern_matches(p, r.id))
            }),
            _ => false,
        })
    };
    let rest: Vec<AreaState> = report
        .area_states()
        .into_iter()
        .filter(|s| !covered(s.area))
        .collect();
    if !rest.is_empty() {
        out.push_str("\n**Also checked**\n\n");
        for state in rest {
            out.push_str(&area_line(&state));
        }
    }
    if states.iter().any(|s| s.status == ItemStatus::Pending) {
        out.push_str("\n⏳ Some check runs were still going when shipcheck read them: re-run this check once they finish, or run shipcheck from a workflow on `workflow_run: types: [completed]` (GitHub sends no `check_suite` event for suites GitHub Actions creates).\n");
    }
    let unticked = states
        .iter()
        .filter(|s| s.status == ItemStatus::Unticked || s.status == ItemStatus::Manual)
        .count();
    if report.checklist_required && unticked > 0 {
        out.push_str("\nThe manual items must be ticked in the pull request's description before merging (`- [x] item`); editing the description runs this check again.\n");
    }
    out
}

fn item_line(report: &Report, st: &ItemState, opts: &MarkdownOptions) -> String {
    let text = inline(&st.item.text);
    let note = st
        .note
        .as_ref()
        .map(|n| format!(" ({})", inline(n)))
        .unwrap_or_default();
    let runs = |verb: &str| {
        let names: Vec<String> = st
            .runs
            .iter()
            .map(|r| match &r.url {
                Some(u) if u.starts_with("https://") || u.starts_with("http://") => {
                    format!("[{}]({u})", code(&r.name))
                }
                _ => code(&r.name),
            })
            .collect();
        format!(" — {} {verb}", names.join(", "))
    };
    match &st.status {
        ItemStatus::Ticked => format!("- [x] {text}\n"),
        ItemStatus::Unticked | ItemStatus::Manual => format!("- [ ] {text}\n"),
        ItemStatus::NotChecked(why) => format!("- ⚪ {text} — not checked: {}\n", inline(why)),
        ItemStatus::Pending => format!("- ⏳ {text}{}\n", runs("still running")),
        ItemStatus::Passed | ItemStatus::Failed => {
            let failed = st.status == ItemStatus::Failed;
            let mark = if failed {
                "❌"
            } else if st.counts != Counts::default() {
                "⚠️"
            } else {
                "✅"
            };
            let detail = if !st.runs.is_empty() {
                runs(if failed { "failed" } else { "passed" })
            } else if st.counts != Counts::default() {
                let mut all: Vec<String> = Vec::new();
                for p in st
                    .findings
                    .iter()
                    .filter(|f| !failed || report.blocks(f))
                    .filter_map(|f| place(f, opts))
                {
                    if !all.contains(&p) {
                        all.push(p);
                    }
                }
                let more = all.len().saturating_sub(3);
                let places: Vec<String> = all.into_iter().take(3).collect();
                let mut d = format!(" — {}", nonzero(st.counts));
                if !places.is_empty() {
                    d.push_str(&format!(": {}", places.join(", ")));
                    if more > 0 {
                        d.push_str(&format!(
                            " and {more} more place{}",
                            if more == 1 { "" } else { "s" }
                        ));
                    }
                }
                d
            } else {
                String::new()
            };
            format!("- {mark} {text}{detail}{note}\n")
        }
    }
}

fn area_line(state: &AreaState) -> String {
    let counts = if state.counts == Counts::default() {
        String::new()
    } else {
        format!(" — {}", nonzero(state.counts))
    };
    let detail = match &state.status {
        AreaStatus::NotChecked(why) => format!(" — not checked: {}", inline(why)),
        _ => counts,
    };
    format!("- {} {}{detail}\n", area_mark(state), state.area.title())
}

/// ✅ passed with no findings, ⚠️ passed with findings below the fail
/// level, ❌ failed, ⚪ not checked (never a tick).
fn area_mark(state: &AreaState) -> &'static str {
    match state.status {
        AreaStatus::Failed => "❌",
        AreaStatus::NotChecked(_) => "⚪",
        AreaStatus::Passed if state.counts != Counts::default() => "⚠️",
        AreaStatus::Passed => "✅",
    }
}

/// `1 error, 2 warnings` without the zeros.
fn nonzero(c: Counts) -> String {
    [
        (c.error, "error"),
        (c.warning, "warning"),
        (c.notice, "notice"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
    .collect::<Vec<_>>()
    .join(", ")
}

fn finding_sections(report: &Report, opts: &MarkdownOptions) -> Vec<Section> {
    let mut out = Vec::new();
    let mut push = |text: String, findings: usize| {
        out.push(Section {
            chars: chars(&text),
            text,
            findings,
        })
    };
    let states = report.area_states();
    for area in report.areas() {
        let mut in_area = report.findings.iter().filter(|f| area_of(f) == area);
        let Some(first) = in_area.next() else {
            continue;
        };
        // The heading travels with the area's first finding, so a cut
        // never leaves a heading with nothing under it.
        let mark = states
            .iter()
            .find(|s| s.area == area)
            .map_or("⚠️", area_mark);
        let heading = format!("\n### {mark} {}\n\n", area.title());
        push(heading + &finding_line(first, opts), 1);
        for f in in_area {
            push(finding_line(f, opts), 1);
        }
    }
    out
}

/// `- **rule** `path:line` — message`, the place linked when a base is set.
fn finding_line(f: &Finding, opts: &MarkdownOptions) -> String {
    let place = place(f, opts);
    let place = place.map(|p| format!(" {p}")).unwrap_or_default();
    format!("- **{}**{place} — {}\n", f.rule, inline(&f.message))
}

/// `` `path:line` ``, linked when a base is set.
fn place(f: &Finding, opts: &MarkdownOptions) -> Option<String> {
    f.path.as_deref().map(|path| {
        let line = f.line();
        let label = match line {
            Some(l) => code(&format!("{path}:{l}")),
            None => code(path),
        };
        match &opts.link_base {
            Some(base) => {
                let anchor = line.map(|l| format!("#L{l}")).unwrap_or_default();
                format!(
                    "[{label}]({}/{}{anchor})",
                    base.trim_end_matches('/'),
                    uri_path(path)
                )
            }
            None => label,
        }
    })
}

fn foot(report: &Report) -> String {
    let mut out = String::from("\n---\n\n");
    out.push_str(&format!(
        "- Suppressed inline: {}; accepted by the baseline: {}\n",
        report.suppressed, report.baselined
    ));
    if report.new_only {
        out.push_str("- Only lines changed since the base were checked (`--new-only`)\n");
    }
    if let Some(rev) = &report.revision {
        out.push_str(&format!(
            "- Judged commit `{rev}` (its tree, not a checkout)\n"
        ));
    }
    let skipped = report.skipped.describe();
    out.push_str(&format!(
        "- Files scanned: {}; skipped: {}\n",
        report.files_scanned,
        if skipped.is_empty() {
            "none".to_string()
        } else {
            skipped.join(", ")
        }
    ));
    let envs = if report.environments.is_empty() {
        "none (pass `--env-file FILE` or `--env-from-process` to check one)".to_string()
    } else {
        report
            .environments
            .iter()
            .map(|(name, sources)| {
                let sources: Vec<String> = sources.iter().map(|s| code(s)).collect();
                format!("{} ({})", inline(name), sources.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    out.push_str(&format!("- Environments checked: {envs}\n"));
    let sets = if report.migration_sets.is_empty() {
        "none found".to_string()
    } else {
        report
            .migration_sets
            .iter()
            .map(|m| match &m.live {
                Some(live) => format!(
                    "{} {} ({}; {})",
                    m.framework,
                    code(&m.dir),
                    m.migrations,
                    inline(live)
                ),
                None => format!("{} {} ({})", m.framework, code(&m.dir), m.migrations),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!("- Migration sets checked: {sets}\n"));
    let command = match &report.verdict.branch {
        Some(b) => format!("shipcheck check --branch {}", shell_word(b)),
        None => "shipcheck check".to_string(),
    };
    out.push_str(&format!("\nReproduce locally: {}\n", code(&command)));
    out
}

/// A code span that holds any text: the fence is one backtick longer than
/// the longest run inside, padded when the text touches a backtick.
fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A message on one list line: newlines become spaces, and outside its
/// code spans `<`, `>` and `&` are escaped so text like `<your-secret>` is
/// shown, not swallowed as an HTML tag; `[`, `]` and `\` are escaped and
/// `@` is followed by a zero-width space, so no link, image or mention
/// can be injected. With an odd number of backticks
/// there are no spans to trust: everything is escaped.
fn inline(text: &str) -> String {
    let text = text.replace("\r\n", " ").replace(['\r', '\n'], " ");
    let balanced = text.matches('`').count().is_multiple_of(2);
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' if balanced => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            '&' if !in_code => out.push_str("&amp;"),
            // Text from the repository (a TODO, a quoted line) must not
            // become a link or an image (a request from every viewer's
            // browser) or an @mention (a notification).
            '[' | ']' | '\\' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            '@' if !in_code => out.push_str("@&#8203;"),
            _ => out.push(c),
        }
    }
    out
}

/// A branch name as one shell word: bare when it is plainly safe, else in
/// single quotes.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+@=,%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Level;
    use crate::report::test_report::{report, span, two_findings};

    /// An imported result, as `--import` makes them (one interned rule per id).
    static HADOLINT_DL3007: crate::rules::Rule = crate::rules::Rule {
        id: "import/hadolint/DL3007",
        default_level: Some(Level::Warning),
        area: crate::rules::Area::Imported,
        judged: crate::rules::Judged::Lines,
        summary: "a result of hadolint, read with --import",
        options: &[],
        doc: "",
        module: module_path!(),
    };

    /// The check run's summary with a checklist: automated items passed,
    /// failed (linked to their findings) and not checked, other check runs
    /// passed and still running, manual boxes ticked and not, an imported
    /// result, and the judged header.
    #[test]
    fn checklist_golden() {
        use crate::checklist::{Backing, Checklist, Item, RequireOn, Section, Ticks};
        use crate::report::{CiRun, CiRuns};
        let mut r = two_findings();
        r.findings.push(
            Finding::new(
                &HADOLINT_DL3007,
                Level::Warning,
                "Using latest is prone to errors if the image will ever update.",
                "",
            )
            .at("Dockerfile", span(1, 1, 1, 19), "FROM node:latest"),
        );
        crate::finding::finalize(&mut r.findings);
        r.imports = 1;
        r.commit = Some("0123456789abcdef0123456789abcdef01234567".into());
        r.base = Some("origin/main (merge base 89abcdef0123)".into());
        let item = |text: &str, backing: Backing| Item {
            text: text.into(),
            backing,
        };
        let rules = |ids: &[&str]| Backing::Rules(ids.iter().map(|s| s.to_string()).collect());
        r.checklist = Checklist {
            require_on: RequireOn::Release,
            sections: vec![
                Section {
                    name: "Code & Build".into(),
                    items: vec![
                        item("All tests pass", Backing::Ci(vec!["*test*".into()])),
                        item("Build succeeds", Backing::Ci(vec!["*build*".into()])),
                        item("No ESLint errors", Backing::Ci(vec!["*lint*".into()])),
                        item(
                            "Debug code removed",
                            Backing::Area(crate::rules::Area::DebugCode),
                        ),
                        item(
                            "All TODO comments addressed or tracked",
                            Backing::Area(crate::rules::Area::Todos),
                        ),
                    ],
                },
                Section {
                    name: "Infrastructure".into(),
                    items: vec![
                        item("Docker images production-ready", rules(&["docker/*"])),
                        item("Dockerfiles pass hadolint", rules(&["import/hadolint/*"])),
                    ],
                },
                Section {
                    name: "Before deploying".into(),
                    items: vec![
                        item("Database backup created", Backing::Manual),
                        item("Team notified of the deployment", Backing::Manual),
                    ],
                },
            ],
        };
        r.checklist_required = true;
        let ticks = Ticks::parse("- [x] Team notified of the deployment\n");
        r.findings.extend(crate::checklist::unticked(
            &r.checklist,
            &ticks,
            Level::Error,
        ));
        crate::finding::finalize(&mut r.findings);
        r.ticks = Some(ticks);
        let run = |name: &str, status: &str, conclusion: Option<&str>, id: u32| CiRun {
            name: name.into(),
            status: status.into(),
            conclusion: conclusion.map(String::from),
            url: Some(format!("https://github.com/o/r/runs/{id}")),
        };
        r.ci = CiRuns::Read(vec![
            run("test (ubuntu-latest)", "completed", Some("success"), 1),
            run("build", "in_progress", None, 2),
        ]);
        let opts = MarkdownOptions {
            link_base: Some("https://github.com/o/r/blob/0123456789ab".into()),
        };
        insta::assert_snapshot!("markdown_checklist", render(&r, &opts));
    }

    #[test]
    fn two_findings_golden() {
        insta::assert_snapshot!(
            "markdown_two_findings",
            render(&two_findings(), &MarkdownOptions::default())
        );
    }

    #[test]
    fn links_point_at_the_line_when_a_base_is_set() {
        let opts = MarkdownOptions {
            link_base: Some("https://github.com/o/r/blob/abc123/".into()),
        };
        let out = render(&two_findings(), &opts);
        assert!(
            out.contains("- **debug/console** [`src/app.ts:3`](https://github.com/o/r/blob/abc123/src/app.ts#L3) — "),
            "{out}"
        );
        let mut f = Finding::new(
            crate::registry::rule("env/committed-env-file"),
            Level::Error,
            "tracked",
            "h",
        );
        f.path = Some("my dir/.env".into());
        let out = render(&report(vec![f], Level::Error, None), &opts);
        assert!(
            out.contains(
                "[`my dir/.env`](https://github.com/o/r/blob/abc123/my%20dir/.env) — tracked"
            ),
            "{out}"
        );
    }

    #[test]
    fn repository_text_cannot_inject_links_images_or_mentions() {
        let f = Finding::new(
            crate::registry::rule("todo/untracked"),
            Level::Warning,
            "`TODO` without an issue reference: \"![x](https://evil.example/p.png) [click](https://evil.example) @octocat <img src=x>\"",
            "h",
        );
        let out = render(
            &report(vec![f], Level::Error, Some("feature")),
            &MarkdownOptions::default(),
        );
        assert!(!out.contains("![x]("), "{out}");
        assert!(!out.contains("[click]("), "{out}");
        assert!(!out.contains("@octocat"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(
            out.contains("\\[click\\](https://evil.example) @&#8203;octocat"),
            "{out}"
        );
    }

    #[test]
    fn areas_not_checked_get_no_tick() {
        let mut r = report(vec![], Level::Error, Some("feature"));
        r.not_checked = vec![(
            crate::rules::Area::Migrations,
            "no `--database-url` given".into(),
        )];
        let out = render(&r, &MarkdownOptions::default());
        assert!(
            out.starts_with("## ✅ shipcheck: ready — 1 area not checked\n"),
            "{out}"
        );
        assert!(
            out.contains(
                "- ⚪ Database migrations up to date — not checked: no `--database-url` given\n"
            ),
            "{out}"
        );
        assert!(!out.contains("✅ Database migrations"), "{out}");
        assert_eq!(
            crate::github::check_run::title(&r),
            "Ready — 1 area not checked: 0 errors, 0 warnings, 0 notices"
        );
    }

    #[test]
    fn ready_report_has_all_green_areas_and_no_findings_part() {
        let out = render(
            &report(vec![], Level::Warning, Some("main")),
            &MarkdownOptions::default(),
        );
        assert!(out.starts_with("## ✅ shipcheck: ready to deploy\n\n0 errors, 0 warnings, 0 notices — blocking at `warning` and above on release branch `main`.\n"), "{out}");
        assert_eq!(out.matches("- ✅ ").count(), crate::report::areas().len());
        assert!(!out.contains("###"));
    }

    #[test]
    fn release_branch_turns_a_warning_area_red() {
        let r = two_findings();
        let blocked_on_main = report(r.findings, Level::Warning, Some("main"));
        let out = render(&blocked_on_main, &MarkdownOptions::default());
        assert!(out.contains("- ❌ TODOs addressed or tracked — 1 warning\n"));
        assert!(out.contains("### ❌ TODOs addressed or tracked\n"));
    }

    #[test]
    fn placeless_findings_and_hostile_text() {
        let f = Finding::new(
            crate::registry::rule("env/missing"),
            Level::Error,
            "API_URL <unset> & `a<b>`\nsecond line",
            "h",
        );
        let mut r = report(vec![f], Level::Error, Some("it's;rm"));
        r.environments = vec![("prod".into(), vec!["odd`name.env".into()])];
        let out = render(&r, &MarkdownOptions::default());
        assert!(
            out.contains("- **env/missing** — API_URL &lt;unset&gt; &amp; `a<b>` second line\n"),
            "{out}"
        );
        assert!(out.contains("prod (``odd`name.env``)"), "{out}");
        assert!(
            out.contains("Reproduce locally: `shipcheck check --branch 'it'\\''s;rm'`"),
            "{out}"
        );
    }

    #[test]
    fn baseline_and_new_only_are_reported() {
        let mut r = two_findings();
        r.baselined = 4;
        r.new_only = true;
        let out = render(&r, &MarkdownOptions::default());
        assert!(out.contains("- Suppressed inline: 1; accepted by the baseline: 4\n- Only lines changed since the base were checked (`--new-only`)\n"), "{out}");
    }

    #[test]
    fn escaping_helpers() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(inline("odd ` <b>"), "odd ` &lt;b&gt;");
        assert_eq!(shell_word("release/2.0"), "release/2.0");
        assert_eq!(shell_word("a b"), "'a b'");
    }

    fn many(n: usize, message: &str) -> Report {
        let findings = (0..n)
            .map(|i| {
                let rule = if i % 2 == 0 {
                    "debug/console"
                } else {
                    "todo/untracked"
                };
                Finding::new(
                    crate::registry::rule(rule),
                    Level::Error,
                    format!("{i:05} {message}"),
                    "h",
                )
                .at(
                    &format!("src/module_{i:05}/a_rather_long_file_name_{i}.ts"),
                    span(i as u32 + 1, 1, i as u32 + 1, 2),
                    "x",
                )
            })
            .collect();
        report(findings, Level::Error, Some("main"))
    }

    /// Every finding line in `out` is one of the report's lines, whole.
    fn assert_whole_lines(out: &str, r: &Report, opts: &MarkdownOptions) {
        let want: std::collections::HashSet<String> =
            r.findings.iter().map(|f| finding_line(f, opts)).collect();
        for line in out.split_inclusive('\n').filter(|l| l.starts_with("- **")) {
            assert!(want.contains(line), "cut line: {line:?}");
        }
        // No heading is left without a finding under it.
        assert!(!out.contains("\n\n\n… and"), "{out}");
        for block in out.split("\n### ").skip(1) {
            assert!(block.contains("\n- **"), "empty area heading: {block:?}");
        }
    }

    #[test]
    fn five_thousand_long_findings_are_cut_to_the_limit_by_whole_lines() {
        let r = many(5000, &"x".repeat(200));
        let opts = MarkdownOptions {
            link_base: Some("https://github.com/o/r/blob/0123456789abcdef".into()),
        };
        let out = render(&r, &opts);
        assert!(chars(&out) <= MAX_CHARS, "{}", chars(&out));
        assert!(
            chars(&out) > MAX_CHARS - 1000,
            "cut far too early: {}",
            chars(&out)
        );
        let shown = out.lines().filter(|l| l.starts_with("- **")).count();
        assert!(shown > 0 && shown < 5000);
        assert!(
            out.contains(&format!(
                "… and {} more findings; see the full report.",
                5000 - shown
            )),
            "{out}"
        );
        assert_whole_lines(&out, &r, &opts);
        // The verdict, every area line and the footer survive the cut.
        assert!(out.starts_with("## ❌ shipcheck: blocked\n"));
        assert_eq!(out.matches("\n- ❌ ").count(), 2);
        assert!(out.ends_with("Reproduce locally: `shipcheck check --branch main`\n"));
    }

    #[test]
    fn multi_byte_characters_at_the_cut_are_never_split() {
        // 4-byte and combining characters everywhere, so the cut lands next
        // to them whatever the limit.
        let r = many(400, &"🚀é✅ ".repeat(40));
        let opts = MarkdownOptions::default();
        let full = render_within(&r, &opts, usize::MAX);
        for limit in [5_000, 5_001, 5_002, 5_003, 12_345, 20_000] {
            let out = render_within(&r, &opts, limit);
            assert!(chars(&out) <= limit, "{limit}: {}", chars(&out));
            assert!(chars(&out) < chars(&full));
            assert_whole_lines(&out, &r, &opts);
            assert!(
                out.contains("more findings; see the full report."),
                "{limit}"
            );
        }
    }

    #[test]
    fn the_note_counts_exactly_what_was_dropped() {
        let r = many(10, "m");
        let opts = MarkdownOptions::default();
        let full = render_within(&r, &opts, usize::MAX);
        assert!(!full.contains("more finding"));
        let out = render_within(&r, &opts, chars(&full) - 1);
        let shown = out.lines().filter(|l| l.starts_with("- **")).count();
        assert!(shown < 10);
        let n = 10 - shown;
        let s = if n == 1 { "" } else { "s" };
        assert!(
            out.contains(&format!("… and {n} more finding{s}; see")),
            "{out}"
        );
    }

    #[test]
    fn overflowing_footer_falls_back_to_whole_lines() {
        let mut r = many(3, "m");
        r.environments = (0..20_000)
            .map(|i| (format!("env{i}"), vec![format!("e{i}.env")]))
            .collect();
        let out = render(&r, &MarkdownOptions::default());
        assert!(chars(&out) <= MAX_CHARS);
        assert!(out.ends_with('\n'));
        assert!(out.starts_with("## ❌ shipcheck: blocked\n"));
    }

    #[test]
    fn deterministic() {
        let opts = MarkdownOptions::default();
        assert_eq!(
            render(&two_findings(), &opts),
            render(&two_findings(), &opts)
        );
    }
}
