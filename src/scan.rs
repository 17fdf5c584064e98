//! `scan/not-checked`: inputs `require:` names that the run did not have.
//! The engine's coverage stage emits it; it is declared here, below
//! `registry`, because the engine reads the registry.

use crate::rules::{Area, Judged, Level, Rule};

// This module's rules (gathered by `registry`; see `rules::Rule`).

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

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&NOT_CHECKED];
