//! The registry: every native rule, gathered from the modules that declare
//! them (each next to the code that emits it). `shipcheck rules`,
//! `explain`, config and suppression validation, the docs, the README tables
//! and the SARIF rule metadata all read [`all`]. This module sits above the
//! checks; nothing a check imports may import it.

use crate::config::Settings;
use crate::policy::baseline;
use crate::rules::{Area, Rule};
use crate::{checks, github, policy, scan};
use std::sync::LazyLock;

/// Group by group, in the order `shipcheck rules` and the README list them.
const GROUPS: &[&[&Rule]] = &[
    checks::debug::RULES,
    checks::debug_mode::RULES,
    checks::compose::RULES,
    checks::todo::RULES,
    &[&github::issues::CLOSED_ISSUE],
    checks::env::RULES,
    checks::env_values::RULES,
    checks::secret::RULES,
    &[&checks::stripe_keys::PROVIDER_KEY_IN_REPO],
    checks::stripe::RULES,
    checks::migrations::RULES,
    checks::migration_lint::RULES,
    checks::database::RULES,
    checks::proxy::RULES,
    checks::docker::RULES,
    checks::app::RULES,
    &[&policy::SUPPRESSION_INVALID],
    &[&checks::scan::UNREADABLE],
    scan::RULES,
    &[
        &checks::scan::GIT_UNAVAILABLE,
        &checks::history::GIT_HISTORY,
    ],
    baseline::RULES,
    &[&github::issues::ONLINE_LOOKUP],
    crate::checklist::RULES,
];

static RULES: LazyLock<Vec<&'static Rule>> =
    LazyLock::new(|| GROUPS.iter().flat_map(|g| g.iter().copied()).collect());

/// Every native rule. Ids imported from other tools' SARIF (`import/…`)
/// are not rules of this table.
pub fn all() -> &'static [&'static Rule] {
    &RULES
}

pub fn find(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.id == id)
}

/// The rule with this id, for tests and tools that name rules by text.
/// Panics on an unknown id: code emits rules by value, never by name.
pub fn rule(id: &str) -> &'static Rule {
    find(id).unwrap_or_else(|| panic!("{id:?} is not a registered rule id"))
}

/// Does `pattern` (a rule id or `group/*`) name at least one rule?
/// Imported ids (`import/<tool>/<rule>`) are known by their shape.
pub fn pattern_is_known(pattern: &str) -> bool {
    crate::rules::is_import_id(pattern)
        || all()
            .iter()
            .any(|r| crate::rules::pattern_matches(pattern, r.id))
}

/// `--config` / `.shipcheck.yml` read and checked against the registry:
/// unknown rule ids and options a rule does not take are errors naming the
/// line.
pub fn load_settings(path: &std::path::Path) -> anyhow::Result<Settings> {
    let settings = Settings::load(path)?;
    settings.check_rules(find)?;
    settings.check_checklist(pattern_is_known)?;
    Ok(settings)
}

/// [`load_settings`] for text already read.
pub fn parse_settings(text: &str, name: &str) -> anyhow::Result<Settings> {
    let settings = Settings::parse(text, name)?;
    settings.check_rules(find)?;
    settings.check_checklist(pattern_is_known)?;
    Ok(settings)
}

/// A Markdown table of the rules in `areas` (in registry order), plus the
/// `extra` ids: what the README's rule tables hold, generated so that a rule
/// is described in one place (see `tests/readme.rs`).
pub fn markdown_table(areas: &[Area], extra: &[&str]) -> String {
    let mut out = String::from("| rule | default | flags |\n|---|---|---|\n");
    for r in all()
        .iter()
        .filter(|r| areas.contains(&r.area) || extra.contains(&r.id))
    {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.id,
            r.level_name(),
            r.summary
        ));
    }
    out
}

/// `docs/rules/README.md`: for every rule, in one row, its level, area,
/// what it judges, and where its code, doc and fixture are (links relative
/// to `docs/rules/`). Generated; `tests/readme.rs` keeps it in sync.
pub fn index_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n\
         <!-- Generated from the registry (src/registry.rs): refresh with `SHIPCHECK_BLESS=1 cargo test --test readme`. -->\n\n\
         Every rule, where its code, doc and fixture are. `judged`: `lines` findings are filtered by `--new-only`, \
         `state` findings (production values, the live database, the run itself) never are.\n\n\
         | rule | default | area | judged | code | fixture |\n|---|---|---|---|---|---|\n",
    );
    for r in all() {
        let stem = r.file_stem();
        let code = r.source_file();
        out.push_str(&format!(
            "| [`{}`]({stem}.md) | {} | {} | {} | [`{code}`](../../{code}) | [`tests/rules/{stem}.txtar`](../../tests/rules/{stem}.txtar) |\n",
            r.id,
            r.level_name(),
            r.area.slug(),
            r.judged.as_str(),
        ));
    }
    out
}

/// The registry as JSON (`shipcheck rules --format json`): one object per
/// rule with its id, default level, area, summary and options.
pub fn json() -> String {
    let rules: Vec<serde_json::Value> = all()
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "level": r.level_name(),
                "area": r.area.slug(),
                "area_title": r.area.title(),
                "summary": r.summary,
                "options": r.options,
                "judged": r.judged.as_str(),
                "source": r.source_file(),
                "doc": format!("docs/rules/{}.md", r.file_stem()),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rules).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::DOC_HEADINGS;
    use std::collections::HashSet;

    /// Every `.rs` file under `src/`, with its text.
    fn rust_sources() -> Vec<(std::path::PathBuf, String)> {
        let mut out = Vec::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path, text));
                }
            }
        }
        out
    }

    #[test]
    fn rule_ids_are_unique_and_kebab_case_group_slash_name() {
        let mut seen = HashSet::new();
        for r in all() {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            let (group, name) = r.id.split_once('/').expect("group/name");
            for part in [group, name] {
                assert!(
                    !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                    "{}",
                    r.id
                );
            }
        }
    }

    #[test]
    fn every_rule_has_all_doc_sections_in_order_and_a_title() {
        for r in all() {
            assert!(
                r.doc.starts_with(&format!("# {}\n", r.id)),
                "{} doc must start with its id",
                r.id
            );
            let mut from = 0;
            for h in DOC_HEADINGS {
                let pos = r.doc[from..]
                    .find(h)
                    .unwrap_or_else(|| panic!("{} doc lacks {h:?} (or out of order)", r.id));
                from += pos + h.len();
                let body = r.doc[from..].split("\n## ").next().unwrap_or("");
                assert!(body.trim().len() > 10, "{} section {h:?} is empty", r.id);
            }
        }
    }

    /// Every `Rule` declared in the sources is in the registry: a rule
    /// declared and emitted but left out of its module's `RULES` list would
    /// be missing from `shipcheck rules`, the docs and config validation.
    #[test]
    fn every_declared_rule_is_registered_once() {
        let decl =
            regex::Regex::new(r#"(?m)^pub const (\w+): Rule = Rule \{\s*id: "([^"]+)""#).unwrap();
        let mut declared: Vec<String> = rust_sources()
            .iter()
            .flat_map(|(_, text)| decl.captures_iter(text).map(|c| c[2].to_string()))
            .collect();
        declared.sort();
        let mut registered: Vec<String> = all().iter().map(|r| r.id.to_string()).collect();
        registered.sort();
        assert_eq!(declared, registered);
    }

    /// `Rule::source_file` points at the file that declares the rule.
    #[test]
    fn every_rule_names_the_file_that_declares_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for r in all() {
            let text = std::fs::read_to_string(root.join(r.source_file()))
                .unwrap_or_else(|e| panic!("{}: {} ({e})", r.id, r.source_file()));
            assert!(text.contains(&format!("id: \"{}\"", r.id)), "{}", r.id);
        }
    }

    #[test]
    fn every_area_is_listed_once_in_checklist_order() {
        assert!(Area::ALL.windows(2).all(|w| w[0] < w[1]));
        // `slug` is an exhaustive match: a new variant fails to compile
        // there; this catches one left out of `ALL`.
        let slugs: HashSet<&str> = Area::ALL.iter().map(|a| a.slug()).collect();
        assert_eq!(slugs.len(), Area::ALL.len());
        for r in all() {
            // `checklist/unticked`'s area is shown only when ticking is required.
            assert!(
                Area::ALL.contains(&r.area) || r.area == Area::Checklist,
                "{}",
                r.id
            );
        }
    }

    /// Ids that tools and tests still write as text (config keys,
    /// suppressions, `registry::rule("…")` in tests) must be registered:
    /// every rule-id-shaped string in the sources is a registered id or a
    /// `group/*` pattern.
    #[test]
    fn every_rule_id_written_in_the_sources_is_registered() {
        let groups: HashSet<&str> = all()
            .iter()
            .filter_map(|r| r.id.split('/').next())
            .collect();
        let shaped = regex::Regex::new(r#""([a-z]+)/([a-z*][a-z-]*)""#).unwrap();
        let mut checked = 0;
        for (path, text) in rust_sources() {
            for c in shaped.captures_iter(&text) {
                let (id, group) = (&c[0][1..c[0].len() - 1], &c[1]);
                if !groups.contains(group) {
                    continue;
                }
                assert!(
                    find(id).is_some() || pattern_is_known(id) || id.ends_with("/consol"),
                    "{}: {id:?} is not a registered rule id",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(
            checked > 100,
            "only {checked} rule ids found: is the scan broken?"
        );
    }

    #[test]
    fn group_patterns_are_known_by_the_registry() {
        assert!(pattern_is_known("todo/*"));
        assert!(!pattern_is_known("nope/*"));
        assert!(!pattern_is_known("debug/consol"));
    }
}
