//! Secret strength in every environment: `secret/too-short`, `secret/weak`,
//! `secret/template-value`, `secret/reused`. A value is never shown: only
//! its length. Docs: `docs/rules/secret-*.md`.

use super::repo::{at_value, RepoCheck, RepoFacts};
use super::Context;
use crate::env::environments::EnvValue;
use crate::finding::Finding;
use crate::rules::{Area, Judged, Level, Rule};
use crate::secret_strength::weakness;
use std::collections::BTreeMap;

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const TOO_SHORT: Rule = Rule {
    id: "secret/too-short",
    default_level: Some(Level::Error),
    area: Area::Secrets,
    judged: Judged::State,
    summary:
        "a secret shorter than 32 characters (64 for JWT, session, cookie, signing, encryption)",
    options: &[],
    doc: crate::rule_doc!("secret-too-short"),
    module: module_path!(),
};

pub const WEAK: Rule = Rule {
    id: "secret/weak",
    default_level: Some(Level::Error),
    area: Area::Secrets,
    judged: Judged::State,
    summary: "a placeholder, default or low-randomness secret (`changeme`, `keyboard cat`, …)",
    options: &[],
    doc: crate::rule_doc!("secret-weak"),
    module: module_path!(),
};

pub const TEMPLATE_VALUE: Rule = Rule {
    id: "secret/template-value",
    default_level: Some(Level::Error),
    area: Area::Secrets,
    judged: Judged::State,
    summary: "a production secret equal to the template's example value",
    options: &[],
    doc: crate::rule_doc!("secret-template-value"),
    module: module_path!(),
};

pub const REUSED: Rule = Rule {
    id: "secret/reused",
    default_level: Some(Level::Error),
    area: Area::Secrets,
    judged: Judged::State,
    summary: "one value behind two secret names in one environment",
    options: &[],
    doc: crate::rule_doc!("secret-reused"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&TOO_SHORT, &WEAK, &TEMPLATE_VALUE, &REUSED];

pub struct SecretRules;

const GENERATE: &str = "generate one with `openssl rand -base64 48` (64 characters) and store it only in the environment";

/// Stripe keys and webhook secrets have their own rules (`stripe/*`).
fn is_stripe_value(v: &str) -> bool {
    ["sk_", "pk_", "rk_", "whsec_"]
        .iter()
        .any(|p| v.starts_with(p))
}

/// `${OTHER}`: interpolation, judged where OTHER is set.
fn is_reference(v: &str) -> bool {
    v.starts_with("${") && v.ends_with('}') && !v[2..v.len() - 1].contains('}')
}

impl RepoCheck for SecretRules {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        let secrets_cfg = &ctx.settings.secrets;
        let mut template_values: BTreeMap<&str, &str> = BTreeMap::new();
        for t in facts.templates {
            for e in &t.parsed.entries {
                if !e.value.is_empty() {
                    template_values
                        .entry(e.key.as_str())
                        .or_insert(e.value.as_str());
                }
            }
        }
        for env in facts.environments {
            let secrets: Vec<&EnvValue> = facts
                .judged_values(env)
                .into_iter()
                .filter(|v| {
                    secrets_cfg.is_secret_name(&v.key)
                        && !v.value.is_empty()
                        && !is_reference(&v.value)
                })
                .collect();
            for v in &secrets {
                let len = v.value.chars().count();
                if template_values.get(v.key.as_str()) == Some(&v.value.as_str()) {
                    let message = format!("{} in the {} environment is the example value from the template ({len} characters anyone with the repository can read)", v.key, env.name);
                    out.extend(at_value(
                        ctx,
                        &TEMPLATE_VALUE,
                        v,
                        env,
                        message,
                        GENERATE.to_string(),
                    ));
                    continue;
                }
                if is_stripe_value(&v.value) {
                    continue;
                }
                if let Some(w) = weakness(&v.value) {
                    let message = format!("{} {} ({len} characters)", v.key, w.describe());
                    out.extend(at_value(ctx, &WEAK, v, env, message, GENERATE.to_string()));
                    continue;
                }
                let min = secrets_cfg.min_length(&v.key);
                if len < min {
                    let message = format!(
                        "{} is {len} characters; a secret of this kind needs at least {min}",
                        v.key
                    );
                    out.extend(at_value(
                        ctx,
                        &TOO_SHORT,
                        v,
                        env,
                        message,
                        GENERATE.to_string(),
                    ));
                }
            }
            reused(&secrets, env, ctx, out);
        }
    }
}

/// One value behind two names: reported at every name after the first.
/// Where a value was assigned, for ordering: files by path and line, then
/// the process environment, by name.
fn place(v: &EnvValue) -> (bool, &str, u32, &str) {
    match &v.origin {
        crate::env::environments::Origin::File { path, line, .. } => (false, path, *line, &v.key),
        crate::env::environments::Origin::Process => (true, "", 0, &v.key),
    }
}

fn reused(
    secrets: &[&EnvValue],
    env: &crate::env::environments::Environment,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    let mut by_value: BTreeMap<&str, Vec<&EnvValue>> = BTreeMap::new();
    for v in secrets {
        if v.value.chars().count() >= 8 {
            by_value.entry(v.value.as_str()).or_default().push(v);
        }
    }
    for group in by_value.values() {
        // The first assignment keeps the value; the later ones are the
        // reuse (file order, then the process environment, by name).
        let mut names: Vec<&&EnvValue> = group.iter().collect();
        names.sort_by(|a, b| place(a).cmp(&place(b)));
        for v in &names[1..] {
            let message = format!(
                "{} has the same value as {}: a leak of one is a leak of both",
                v.key, names[0].key
            );
            let help = format!("give {} its own value: `openssl rand -base64 48`", v.key);
            out.extend(at_value(ctx, &REUSED, v, env, message, help));
        }
    }
}
