//! The run's own facts as findings: files the walk could not read
//! (`scan/unreadable`) and git that could not run (`scan/git-unavailable`).

use super::repo::{RepoCheck, RepoFacts};
use super::Context;
use crate::finding::Finding;
use crate::rules::{Area, Judged, Level, Rule};

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const UNREADABLE: Rule = Rule {
    id: "scan/unreadable",
    default_level: Some(Level::Warning),
    area: Area::Scan,
    judged: Judged::State,
    summary: "a file in the tree that could not be read",
    options: &[],
    doc: crate::rule_doc!("scan-unreadable"),
    module: module_path!(),
};

pub const GIT_UNAVAILABLE: Rule = Rule {
    id: "scan/git-unavailable",
    default_level: Some(Level::Warning),
    area: Area::Scan,
    judged: Judged::State,
    summary: "git could not read the repository (not installed, \"dubious ownership\"): committed env files, base-branch checks and the tracked set were not judged",
    options: &[],
    doc: crate::rule_doc!("scan-git-unavailable"),
    module: module_path!(),
};

pub struct ScanProblems;

impl RepoCheck for ScanProblems {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        if let (Some(why), Some(level)) =
            (facts.git_unavailable, ctx.settings.level(&GIT_UNAVAILABLE))
        {
            out.push(Finding::new(
                &GIT_UNAVAILABLE,
                level,
                format!(
                    "git could not read this repository ({why}), so these were not judged: which env files are committed (env/committed-env-file), the changes against the base branch, and which files git tracks (the files on disk were scanned, .gitignore honoured)"
                ),
                "install git in the job's image; if git says \"dubious ownership\", run shipcheck as the checkout's owner (shipcheck already trusts the one repository it checks for its own git commands)",
            ));
        }
        let Some(level) = ctx.settings.level(&UNREADABLE) else {
            return;
        };
        for e in facts.unreadable {
            let mut f = if e.internal {
                Finding::new(
                    &UNREADABLE,
                    level,
                    e.message.clone(),
                    "a shipcheck bug: please report it with the line printed on stderr; \
                     meanwhile exclude the path in .shipcheck.yml `paths.exclude` if it blocks you",
                )
            } else {
                Finding::new(
                    &UNREADABLE,
                    level,
                    format!("could not read: {}", e.message),
                    "fix the permissions (`chmod a+r`) or exclude the path in .shipcheck.yml `paths.exclude`",
                )
            };
            f.path = (!e.rel.is_empty()).then(|| e.rel.clone());
            out.push(f);
        }
    }
}
