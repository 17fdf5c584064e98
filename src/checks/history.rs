//! `scan/git-history`: the git-aware checks that could not compare with
//! their base (a shallow clone, an unknown ref, no merge-base) say so, once
//! per problem: the migration rules' base and `--new-only`'s often fail for
//! the same reason, and then one finding names both consequences.

use super::repo::{RepoCheck, RepoFacts};
use super::Context;
use crate::finding::Finding;
use crate::rules::{Area, Judged, Level, Rule};

// This module's rule (gathered by `registry`; see `rules::Rule`).

pub const GIT_HISTORY: Rule = Rule {
    id: "scan/git-history",
    default_level: Some(Level::Warning),
    area: Area::Scan,
    judged: Judged::State,
    summary: "the git-aware migration checks or `--new-only` could not compare with the base (shallow clone, unknown base, no merge-base)",
    options: &[],
    doc: crate::rule_doc!("scan-git-history"),
    module: module_path!(),
};

pub struct HistoryProblems;

const HELP: &str = "give the checkout the history it needs (`fetch-depth: 0` in actions/checkout), or pass --base with a ref that exists here";

impl RepoCheck for HistoryProblems {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        let Some(level) = ctx.settings.level(&GIT_HISTORY) else {
            return;
        };
        let migrations = match facts.history {
            Some(Err(p)) => Some(p),
            _ => None,
        };
        let new_only = match facts.new_lines {
            Some(Err(p)) => Some(p),
            _ => None,
        };
        let mut say = |message: String| out.push(Finding::new(&GIT_HISTORY, level, message, HELP));
        match (migrations, new_only) {
            (Some(m), Some(n)) if m == n => say(format!(
                "migration checks against the base branch did not run and --new-only reports every finding: {}",
                m.explain()
            )),
            (m, n) => {
                if let Some(m) = m {
                    say(format!(
                        "migration checks against the base branch did not run: {}",
                        m.explain()
                    ));
                }
                if let Some(n) = n {
                    say(format!(
                        "--new-only could not tell new findings from old, so every finding is reported: {}",
                        n.explain()
                    ));
                }
            }
        }
    }
}
