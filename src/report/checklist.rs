//! The checklist's items with their state: a presentation layer over the
//! areas, the rules' findings, the head commit's other check runs and the
//! pull request's ticked boxes. Pure: the check runs were read (by
//! `github/`) before rendering.

use super::{AreaStatus, Counts, Report};
use crate::checklist::{Backing, Item};
use crate::finding::Finding;

/// The other check runs on the head commit, as `--github` read them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CiRuns {
    /// Not read: no `--github`, or not in a GitHub Actions run.
    #[default]
    NotRead,
    /// The API refused or failed: why.
    Unreadable(String),
    Read(Vec<CiRun>),
}

/// One check run, as `GET /repos/{o}/{r}/commits/{sha}/check-runs` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiRun {
    pub name: String,
    /// `queued`, `in_progress`, `completed`, …
    pub status: String,
    /// Set once completed: `success`, `failure`, `neutral`, `skipped`, …
    pub conclusion: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemStatus {
    /// Checked; nothing at or above the fail level.
    Passed,
    Failed,
    NotChecked(String),
    /// Other check runs still going.
    Pending,
    Ticked,
    Unticked,
    /// A manual item with no pull request description to read.
    Manual,
}

impl ItemStatus {
    /// JSON `state`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ItemStatus::Passed => "passed",
            ItemStatus::Failed => "failed",
            ItemStatus::NotChecked(_) => "not_checked",
            ItemStatus::Pending => "pending",
            ItemStatus::Ticked => "ticked",
            ItemStatus::Unticked => "unticked",
            ItemStatus::Manual => "manual",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ItemState<'a> {
    pub section: &'a str,
    pub item: &'a Item,
    pub status: ItemStatus,
    /// Findings behind the item (area- or rule-backed).
    pub findings: Vec<&'a Finding>,
    pub counts: Counts,
    /// The check runs behind a `ci:` item.
    pub runs: Vec<&'a CiRun>,
    /// What else a reader should know (rules of the item not checked).
    pub note: Option<String>,
}

const FAILED: &[&str] = &[
    "failure",
    "timed_out",
    "cancelled",
    "action_required",
    "startup_failure",
    "stale",
];

impl Report {
    /// Every checklist item, in order, with its state.
    pub fn checklist_states(&self) -> Vec<ItemState<'_>> {
        let areas = self.area_states();
        self.checklist
            .items()
            .map(|(section, item)| {
                let mut st = ItemState {
                    section: &section.name,
                    item,
                    status: ItemStatus::Passed,
                    findings: Vec::new(),
                    counts: Counts::default(),
                    runs: Vec::new(),
                    note: None,
                };
                match &item.backing {
                    Backing::Area(area) => {
                        st.findings = self
                            .findings
                            .iter()
                            .filter(|f| f.rule.area == *area)
                            .collect();
                        st.status = match areas.iter().find(|a| a.area == *area) {
                            Some(a) => match &a.status {
                                AreaStatus::Passed => ItemStatus::Passed,
                                AreaStatus::Failed => ItemStatus::Failed,
                                AreaStatus::NotChecked(why) => ItemStatus::NotChecked(why.clone()),
                            },
                            // An area this run does not show (imported
                            // without --import).
                            None => {
                                ItemStatus::NotChecked("nothing of it was read by this run".into())
                            }
                        };
                    }
                    Backing::Rules(patterns) => self.rules_state(patterns, &mut st),
                    Backing::Ci(patterns) => self.ci_state(patterns, &mut st),
                    Backing::Manual => {
                        st.status = match &self.ticks {
                            Some(t) if t.is_ticked(&item.text) => ItemStatus::Ticked,
                            Some(_) => ItemStatus::Unticked,
                            None => ItemStatus::Manual,
                        }
                    }
                }
                for f in &st.findings {
                    st.counts.add(f.level);
                }
                st
            })
            .collect()
    }

    fn rules_state<'a>(&'a self, patterns: &[String], st: &mut ItemState<'a>) {
        let matches = |id: &str| {
            patterns
                .iter()
                .any(|p| crate::rules::pattern_matches(p, id))
        };
        st.findings = self
            .findings
            .iter()
            .filter(|f| matches(f.rule.id))
            .collect();
        if st.findings.iter().any(|f| self.blocks(f)) {
            st.status = ItemStatus::Failed;
            return;
        }
        // Imported ids have no registry entry: judged when a SARIF was read.
        let imported = patterns.iter().any(|p| crate::rules::is_import_id(p));
        let mut checked = Vec::new();
        let mut unchecked: Vec<(String, String)> = Vec::new();
        for rule in self.rules.iter().filter(|r| matches(r.id)) {
            match self.why_not_checked(rule) {
                Some(why) => unchecked.push((rule.id.to_string(), why)),
                None => checked.push(rule.id),
            }
        }
        if imported && self.imports > 0 {
            checked.push("import");
        }
        if checked.is_empty() && st.findings.is_empty() {
            let mut reasons: Vec<&str> = Vec::new();
            for (_, why) in &unchecked {
                if !reasons.contains(&why.as_str()) {
                    reasons.push(why);
                }
            }
            st.status = ItemStatus::NotChecked(if reasons.is_empty() {
                "no rule of it ran".into()
            } else {
                reasons.join("; ")
            });
            return;
        }
        if !unchecked.is_empty() {
            let mut by_reason: Vec<(String, Vec<String>)> = Vec::new();
            for (id, why) in unchecked {
                match by_reason.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, ids)) => ids.push(id),
                    None => by_reason.push((why, vec![id])),
                }
            }
            st.note = Some(
                by_reason
                    .iter()
                    .map(|(why, ids)| format!("`{}` not checked: {why}", ids.join("`, `")))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        st.status = ItemStatus::Passed;
    }

    /// Why this run could not judge `rule`, if it could not: turned off, its
    /// group had nothing to judge, or its area lacked its inputs.
    fn why_not_checked(&self, rule: &crate::rules::Rule) -> Option<String> {
        if self.rules_off.contains(&rule.id) {
            return Some("turned off in the config".into());
        }
        if let Some((marks, why)) = crate::checks::repo::marking_group(rule.id) {
            if !self.judged_groups.contains(&marks) {
                return Some(why.to_string());
            }
        }
        let group = rule.id.split('/').next().unwrap_or("");
        // The database's rules read its schema and migrations: with none,
        // there was nothing to judge.
        if matches!(group, "migrations" | "database") && self.migration_sets.is_empty() {
            return Some("no migrations found in the repository".into());
        }
        match rule.judged {
            // Read from the repository's lines: checked whenever files were.
            crate::rules::Judged::Lines if self.files_scanned > 0 => None,
            _ => self
                .not_checked
                .iter()
                .find(|(a, _)| *a == rule.area)
                .map(|(_, why)| why.clone()),
        }
    }

    fn ci_state<'a>(&'a self, patterns: &[String], st: &mut ItemState<'a>) {
        let runs = match &self.ci {
            CiRuns::NotRead => {
                st.status = ItemStatus::NotChecked(
                    "left to the other CI checks (read with `--github` in GitHub Actions)".into(),
                );
                return;
            }
            CiRuns::Unreadable(why) => {
                st.status = ItemStatus::NotChecked(format!(
                    "the other check runs could not be read: {why}"
                ));
                return;
            }
            CiRuns::Read(runs) => runs,
        };
        let globs: Vec<globset::GlobMatcher> = patterns
            .iter()
            .filter_map(|p| {
                globset::GlobBuilder::new(p)
                    .case_insensitive(true)
                    .build()
                    .ok()
                    .map(|g| g.compile_matcher())
            })
            .collect();
        st.runs = runs
            .iter()
            .filter(|r| globs.iter().any(|g| g.is_match(&r.name)))
            .collect();
        let completed = |r: &&CiRun| r.status == "completed";
        st.status =
            if st.runs.is_empty() {
                ItemStatus::NotChecked(format!(
                    "no check run on this commit is named like `{}`",
                    patterns.join("`, `")
                ))
            } else if st.runs.iter().any(|r| {
                completed(r) && r.conclusion.as_deref().is_some_and(|c| FAILED.contains(&c))
            }) {
                ItemStatus::Failed
            } else if !st.runs.iter().all(completed) {
                ItemStatus::Pending
            } else if st
                .runs
                .iter()
                .all(|r| r.conclusion.as_deref() == Some("skipped"))
            {
                ItemStatus::NotChecked("its check runs were skipped".into())
            } else {
                ItemStatus::Passed
            };
    }
}
