//! Debug settings left on in a production environment: `debug/debug-mode`
//! (`NODE_ENV` not `production`, `DEBUG`/`APP_DEBUG` on, `RAILS_ENV`
//! development, …). Doc: `docs/rules/debug-debug-mode.md`.

use super::compose;
use super::repo::{at_value, RepoCheck, RepoFacts};
use super::Context;
use crate::finding::{Finding, Span};
use crate::rules::{Area, Judged, Level, Rule};

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const DEBUG_MODE: Rule = Rule {
    id: "debug/debug-mode",
    default_level: Some(Level::Error),
    area: Area::Environment,
    judged: Judged::State,
    summary: "`NODE_ENV` not `production`, `DEBUG`/`APP_DEBUG` on, `RAILS_ENV=development`, … in production",
    options: &[],
    doc: crate::rule_doc!("debug-debug-mode"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&DEBUG_MODE];

pub struct DebugModeRule;

impl RepoCheck for DebugModeRule {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        debug_mode(facts, ctx, out);
    }
}

fn is_true(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

/// A non-secret setting's value as a message may quote it: a short,
/// single-line word (`"development"`), else only its length. A value that
/// swallowed other lines (an unterminated quote) or holds anything but a
/// plain word is never quoted: it may carry a secret.
fn shown_setting(value: &str) -> String {
    let plain = value.len() <= 32
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if plain {
        format!("{value:?}")
    } else {
        format!(
            "a {}-character value that is not a plain word",
            value.chars().count()
        )
    }
}

/// Is `key=value` a debug or development setting? Its message and help.
fn judge(key: &str, value: &str) -> Option<(String, String)> {
    let value = value.trim();
    let message = match key {
        "NODE_ENV" if !value.is_empty() && value != "production" => format!(
            "NODE_ENV is {}, not \"production\": frameworks keep debug behaviour and skip optimisations",
            shown_setting(value)
        ),
        "DEBUG" | "APP_DEBUG" | "FLASK_DEBUG" | "DJANGO_DEBUG" if is_true(value) => {
            format!("{key} is on: stack traces and debug pages reach users")
        }
        "RAILS_ENV" | "RACK_ENV" | "APP_ENV" | "FLASK_ENV"
            if matches!(
                value.to_ascii_lowercase().as_str(),
                "development" | "dev" | "local" | "test"
            ) =>
        {
            format!("{key} is {} in production", shown_setting(value))
        }
        _ => return None,
    };
    let help = match key {
        "NODE_ENV" | "RAILS_ENV" | "RACK_ENV" | "APP_ENV" | "FLASK_ENV" => {
            format!("set {key}=production")
        }
        _ => format!("set {key}=false (or remove it)"),
    };
    Some((message, help))
}

fn debug_mode(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    for env in facts.environments.iter().filter(|e| e.is_production) {
        for v in facts.judged_values(env) {
            if let Some((message, help)) = judge(&v.key, &v.value) {
                out.extend(at_value(ctx, &DEBUG_MODE, v, env, message, help));
            }
        }
    }
    in_dockerfiles(facts, ctx, out);
    in_compose(facts, ctx, out);
}

/// The final image of a production Dockerfile: its `ENV` is the
/// container's environment unless the deploy overrides it.
fn in_dockerfiles(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    let Some(level) = ctx.settings.level(&DEBUG_MODE) else {
        return;
    };
    for image in super::docker::final_images(facts, ctx) {
        for s in image.settings() {
            let Some(value) = s
                .value
                .as_ref()
                .filter(|v| s.keyword == "ENV" && !v.has_variable)
            else {
                continue;
            };
            let Some((message, help)) = judge(&s.key, &value.text) else {
                continue;
            };
            let span = Span {
                line: s.line,
                column: s.column,
                end_line: s.line,
                end_column: s.column + s.key.chars().count() as u32,
            };
            out.push(
                Finding::new(
                    &DEBUG_MODE,
                    level,
                    format!(
                        "{message} (set with ENV in the final image of {})",
                        image.path
                    ),
                    format!("{help} in the Dockerfile's final stage"),
                )
                .at(image.path, span, &image.shown_key(s.line, s.column, &s.key)),
            );
        }
    }
}

/// The production compose file's `environment:`: a value written there or
/// taken from an inline default (a value from the production environment
/// is judged, and reported, where it is set).
fn in_compose(facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
    if !ctx.enabled(&DEBUG_MODE) {
        return;
    }
    let vars = compose::production_vars(facts);
    for project in compose::projects(facts, ctx) {
        for s in &project.services {
            for (key, raw) in compose::environment(&s.def) {
                let value = compose::model::interpolate(&raw, &vars);
                if value.from_env {
                    continue;
                }
                if let Some((message, help)) = judge(&key, &value.value) {
                    let message = format!("service `{}`: {message}", s.name);
                    let help = format!("{help} in the `environment:` of `{}`", s.name);
                    out.extend(compose::at_service(ctx, &DEBUG_MODE, s, message, help));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_quoted_only_when_they_are_a_plain_word() {
        assert_eq!(shown_setting("development"), "\"development\"");
        let swallowed = "production\nSTRIPE_SECRET_KEY=sk_live_abc";
        assert!(!shown_setting(swallowed).contains("sk_live"));
        assert!(!shown_setting(&"x".repeat(40)).contains("xxxx"));
    }
}
