//! The run's own rules: what the engine reports about the scan itself
//! (files it could not read, git it could not use, inputs `require:` names
//! that were not given). The engine emits them; they are declared here,
//! below `registry`, because the engine reads the registry.

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

pub const NOT_CHECKED: Rule = Rule {
    id: "scan/not-checked",
    default_level: Some(Level::Error),
    area: Area::Scan,
    judged: Judged::State,
    summary: "opt-in with `require:`: on a release branch, an input the config requires (production environment, template, database) was not given",
    options: &[],
    doc: crate::rule_doc!("scan-not-checked"),
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

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&UNREADABLE, &NOT_CHECKED, &GIT_UNAVAILABLE];
