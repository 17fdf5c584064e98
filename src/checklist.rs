//! The deployment checklist the pull request's report reads like: sections
//! of items, each backed by an area, by rules, by the pull request's other
//! CI check runs, or by a person (a manual item, ticked in the pull
//! request's description). A presentation layer over the areas and rules:
//! only `checklist/unticked` (opt-in, `require-on`) ever blocks.
//!
//! The checklist comes from `.shipcheck.yml` (`checklist:`), else the
//! built-in one below, which `shipcheck init` writes out.

use crate::finding::{Finding, Level};
use crate::rules::{Area, Judged, Rule};

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const UNTICKED: Rule = Rule {
    id: "checklist/unticked",
    default_level: Some(Level::Error),
    area: Area::Checklist,
    judged: Judged::State,
    summary: "opt-in with `checklist.require-on`: a manual checklist item not ticked in the description of a pull request into a release branch",
    options: &[],
    doc: crate::rule_doc!("checklist-unticked"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&UNTICKED];

/// The checklist used when `.shipcheck.yml` has no `checklist:` (and the
/// one `shipcheck init` writes): the seed deployment checklist's
/// pre-deployment items, the automated ones wired to the rules that check
/// them.
pub const DEFAULT_YAML: &str = include_str!("checklist/default.yml");

/// [`DEFAULT_YAML`] as JSON, which a run reads instead: parsing the YAML
/// took a million instructions on every run (a fifth of an empty
/// repository's). Generated from it; a test holds the two equal
/// (`SHIPCHECK_BLESS=1 cargo test --lib default_checklist` rewrites it).
pub const DEFAULT_JSON: &str = include_str!("checklist/default.json");

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checklist {
    pub sections: Vec<Section>,
    pub require_on: RequireOn,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub backing: Backing,
}

/// What decides an item's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backing {
    /// An area's status (`area: debug-code`).
    Area(Area),
    /// The findings of these rules or `group/*` patterns.
    Rules(Vec<String>),
    /// The head commit's other check runs whose names match these globs
    /// (case-insensitive): tests, type-check, lint, build.
    Ci(Vec<String>),
    /// A person's: ticked in the pull request's description.
    Manual,
}

impl Backing {
    /// `area`, `rules`, `ci`, `manual` (JSON).
    pub fn kind(&self) -> &'static str {
        match self {
            Backing::Area(_) => "area",
            Backing::Rules(_) => "rules",
            Backing::Ci(_) => "ci",
            Backing::Manual => "manual",
        }
    }

    /// The area slug, rule ids or check-run patterns behind the item.
    pub fn names(&self) -> Vec<String> {
        match self {
            Backing::Area(a) => vec![a.slug().to_string()],
            Backing::Rules(v) | Backing::Ci(v) => v.clone(),
            Backing::Manual => Vec::new(),
        }
    }
}

/// When manual items must be ticked (`checklist.require-on`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RequireOn {
    /// Shown as boxes, never required.
    #[default]
    Never,
    /// Required on a pull request into a release branch.
    Release,
    /// Required on every pull request.
    Always,
}

impl Checklist {
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    /// Is ticking required of a run whose target is (or is not) a release
    /// branch?
    pub fn requires_ticks(&self, release_target: bool) -> bool {
        match self.require_on {
            RequireOn::Never => false,
            RequireOn::Release => release_target,
            RequireOn::Always => true,
        }
    }
}

/// The task-list lines of a pull request's description: each box's text
/// (normalised, see [`normalise`]) and whether it is ticked. Lines in
/// fenced code blocks and HTML comments are not rendered as boxes, so they
/// are not read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ticks(Vec<(String, bool)>);

impl Ticks {
    pub fn parse(body: &str) -> Ticks {
        let mut out = Vec::new();
        let mut fence: Option<String> = None;
        let mut in_comment = false;
        for line in body.lines() {
            let t = line.trim_start();
            if let Some(f) = &fence {
                if t.starts_with(f.as_str()) {
                    fence = None;
                }
                continue;
            }
            if t.starts_with("```") || t.starts_with("~~~") {
                fence = Some(t[..3].to_string());
                continue;
            }
            let mut rest = line.to_string();
            // Drop HTML comments (`<!-- … -->`, maybe across lines).
            let mut visible = String::new();
            loop {
                if in_comment {
                    match rest.find("-->") {
                        Some(end) => {
                            rest = rest[end + 3..].to_string();
                            in_comment = false;
                        }
                        None => break,
                    }
                } else {
                    match rest.find("<!--") {
                        Some(start) => {
                            visible.push_str(&rest[..start]);
                            rest = rest[start + 4..].to_string();
                            in_comment = true;
                        }
                        None => {
                            visible.push_str(&rest);
                            break;
                        }
                    }
                }
            }
            if let Some((ticked, text)) = task(&visible) {
                out.push((normalise(text), ticked));
            }
        }
        Ticks(out)
    }

    /// Is `item` ticked? A box whose text is the item's, or the item's
    /// followed by a note after a dash, colon, parenthesis or comma (`- [x]
    /// Database backup system tested — on staging`), counts; any ticked box
    /// for it is enough.
    pub fn is_ticked(&self, item: &str) -> bool {
        let want = normalise(item);
        self.0.iter().any(|(text, ticked)| {
            *ticked
                && text.strip_prefix(want.as_str()).is_some_and(|rest| {
                    let rest = rest.trim_start();
                    rest.is_empty() || rest.starts_with(['—', '–', '-', ':', '(', ',', ';', '.'])
                })
        })
    }
}

/// `- [x] text`, `* [ ] text`, `1. [X] text`: (ticked, text).
fn task(line: &str) -> Option<(bool, &str)> {
    let t = line.trim_start();
    let after_marker = if let Some(r) = t.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return None;
        }
        t[digits..].strip_prefix(['.', ')'])?
    };
    if !after_marker.starts_with([' ', '\t']) {
        return None;
    }
    let r = after_marker.trim_start();
    let ticked = match r.get(..3)? {
        "[x]" | "[X]" => true,
        "[ ]" => false,
        _ => return None,
    };
    let text = &r[3..];
    if !text.is_empty() && !text.starts_with([' ', '\t']) {
        return None;
    }
    Some((ticked, text.trim()))
}

/// Lowercase, Markdown emphasis and code marks dropped, whitespace
/// collapsed, trailing punctuation trimmed: how a box's text is compared
/// with an item's.
pub fn normalise(text: &str) -> String {
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '~'))
        .flat_map(char::to_lowercase)
        .collect();
    plain
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', ':', ';', '!'])
        .to_string()
}

/// `checklist/unticked`: each manual item the description does not tick.
pub fn unticked(checklist: &Checklist, ticks: &Ticks, level: Level) -> Vec<Finding> {
    checklist
        .items()
        .filter(|(_, i)| i.backing == Backing::Manual && !ticks.is_ticked(&i.text))
        .map(|(s, i)| {
            Finding::new(
                &UNTICKED,
                level,
                format!(
                    "checklist item not ticked in the pull request's description: `{}` ({})",
                    i.text, s.name
                ),
                format!(
                    "do it, then tick it in the description: `- [x] {}`; editing the description runs the check again",
                    i.text
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_read_outside_code_and_comments() {
        let body = "Release notes\n\n- [x] Database backup system tested\n* [ ] Team notified\n1. [X] **Staging** tests pass.\n- [x]No space\n```\n- [x] Rollback plan prepared\n```\n<!-- - [x] Monitoring dashboards accessible -->\n<!--\n- [x] Point-in-time recovery enabled\n-->\n  - [x] `Admin panel` access restricted — by VPN\n- [x] Admin panel access restrictedness\n";
        let t = Ticks::parse(body);
        assert!(t.is_ticked("Database backup system tested"));
        assert!(t.is_ticked("database  backup system tested"));
        assert!(!t.is_ticked("Team notified"));
        assert!(t.is_ticked("Staging tests pass"));
        assert!(
            !t.is_ticked("Rollback plan prepared"),
            "inside a code fence"
        );
        assert!(
            !t.is_ticked("Monitoring dashboards accessible"),
            "in a comment"
        );
        assert!(
            !t.is_ticked("Point-in-time recovery enabled"),
            "in a comment"
        );
        assert!(t.is_ticked("Admin panel access restricted"));
        assert!(!t.is_ticked("No space"));
        assert!(
            !t.is_ticked("Admin panel access"),
            "a longer word is another item"
        );
    }

    #[test]
    fn only_unticked_manual_items_are_findings() {
        let c = crate::config::Settings::defaults().checklist;
        assert!(c.items().count() > 30);
        let manual: Vec<&str> = c
            .items()
            .filter(|(_, i)| i.backing == Backing::Manual)
            .map(|(_, i)| i.text.as_str())
            .collect();
        assert!(manual.contains(&"Database backup system tested"));
        let all = unticked(&c, &Ticks::default(), Level::Error);
        assert_eq!(all.len(), manual.len());
        let body: String = manual.iter().map(|m| format!("- [x] {m}\n")).collect();
        assert!(unticked(&c, &Ticks::parse(&body), Level::Error).is_empty());
        let one_left = body.replacen("- [x] Database backup", "- [ ] Database backup", 1);
        let left = unticked(&c, &Ticks::parse(&one_left), Level::Error);
        assert_eq!(left.len(), 1);
        assert!(left[0]
            .message
            .contains("`Database backup system tested` (Database)"));
    }
}
