//! The production compose file: datastores published to the world,
//! services that do not come back after a crash, privileged containers,
//! weak inline defaults and password-less datastores, and services others
//! wait on without a healthcheck. Only the production project is judged
//! (see `model::production_projects`). Docs: `docs/rules/compose-*.md`.

pub mod model;

use super::repo::{RepoCheck, RepoFacts};
use super::Context;
use crate::finding::{Finding, Span};
use crate::rules::{Area, Judged, Level, Rule};
use model::{interpolate, scalar, Project, Service, Vars};
use serde_yaml_ng::{Mapping, Value};

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const EXPOSED_DATASTORE: Rule = Rule {
    id: "compose/exposed-datastore",
    default_level: Some(Level::Error),
    area: Area::Infrastructure,
    judged: Judged::Lines,
    summary:
        "a database or cache in the production compose file publishing its port on all interfaces",
    options: &[],
    doc: crate::rule_doc!("compose-exposed-datastore"),
    module: module_path!(),
};

pub const NO_RESTART_POLICY: Rule = Rule {
    id: "compose/no-restart-policy",
    default_level: Some(Level::Warning),
    area: Area::Infrastructure,
    judged: Judged::Lines,
    summary: "a long-running production compose service without `restart:` (it stays down after a crash or reboot)",
    options: &[],
    doc: crate::rule_doc!("compose-no-restart-policy"),
    module: module_path!(),
};

pub const PRIVILEGED: Rule = Rule {
    id: "compose/privileged",
    default_level: Some(Level::Error),
    area: Area::Infrastructure,
    judged: Judged::Lines,
    summary: "`privileged: true` in the production compose file",
    options: &[],
    doc: crate::rule_doc!("compose-privileged"),
    module: module_path!(),
};

pub const INSECURE_DEFAULT: Rule = Rule {
    id: "compose/insecure-default",
    default_level: Some(Level::Error),
    area: Area::Infrastructure,
    judged: Judged::Lines,
    summary: "a weak default or literal password, a password-less Redis or a trust-auth Postgres in the production compose file",
    options: &[],
    doc: crate::rule_doc!("compose-insecure-default"),
    module: module_path!(),
};

pub const NO_HEALTHCHECK: Rule = Rule {
    id: "compose/no-healthcheck",
    default_level: Some(Level::Warning),
    area: Area::Infrastructure,
    judged: Judged::Lines,
    summary: "an app service other services wait on, or a proxy routes to, without a healthcheck",
    options: &[],
    doc: crate::rule_doc!("compose-no-healthcheck"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[
    &EXPOSED_DATASTORE,
    &INSECURE_DEFAULT,
    &PRIVILEGED,
    &NO_RESTART_POLICY,
    &NO_HEALTHCHECK,
];

pub struct ComposeRules;

impl RepoCheck for ComposeRules {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        let vars = production_vars(facts);
        for project in projects(facts, ctx) {
            for f in &project.files {
                facts
                    .judged
                    .mark("compose", Area::Infrastructure, f.clone());
            }
            for s in &project.services {
                let judge = Judge {
                    facts,
                    ctx,
                    vars: &vars,
                    project,
                    service: s,
                };
                judge.exposed_datastore(out);
                passwords::insecure_default(&judge, out);
                judge.privileged(out);
                judge.no_restart_policy(out);
                healthcheck::no_healthcheck(&judge, out);
            }
        }
    }
}

mod healthcheck;
mod interpolation;
mod passwords;

/// The production compose projects (for this module, the Dockerfile and
/// health-probe rules and `debug/debug-mode`), worked out once a run.
pub fn projects<'f>(facts: &RepoFacts<'f>, ctx: &Context) -> &'f [Project] {
    facts.shared.compose_projects.get_or_init(|| {
        model::production_projects(
            facts.repo_files,
            &ctx.settings.compose_production,
            &production_vars(facts),
        )
    })
}

/// The first production environment's values: what `${VAR}` becomes.
pub fn production_vars(facts: &RepoFacts) -> Vars {
    facts
        .environments
        .iter()
        .find(|e| e.is_production)
        .map(|e| {
            e.values
                .values()
                .map(|v| (v.key.clone(), v.value.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// A service's `environment:` as (key, raw value) pairs, map or list form.
pub fn environment(def: &Mapping) -> Vec<(String, String)> {
    let Some(Value::Mapping(m)) = def.get("environment").map(model::as_map) else {
        return Vec::new();
    };
    m.iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), scalar(v).unwrap_or_default())))
        .collect()
}

/// A finding of `rule` at `s`'s line.
pub fn at_service(
    ctx: &Context,
    rule: &'static Rule,
    s: &Service,
    message: String,
    help: String,
) -> Option<Finding> {
    let level = ctx.settings.level(rule)?;
    let span = Span {
        line: s.at.line,
        column: s.at.column,
        end_line: s.at.end_line,
        end_column: s.at.column + s.name.chars().count() as u32,
    };
    let indent = " ".repeat(s.at.column.saturating_sub(1) as usize);
    let shown = format!("{indent}{}:", s.name);
    Some(Finding::new(rule, level, message, help).at(&s.path, span, &shown))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Datastore {
    Postgres,
    Mysql,
    Redis,
    Mongo,
    Memcached,
    Elasticsearch,
}

/// The datastore an image runs, by its name without registry or tag
/// (`postgres:16`, `bitnami/postgresql`, `docker.elastic.co/…/elasticsearch`).
fn datastore(image: &str) -> Option<Datastore> {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    let name = last.split(':').next().unwrap_or(last).to_ascii_lowercase();
    Some(match name.as_str() {
        "postgres" | "postgresql" | "postgis" | "timescaledb" | "pgvector" => Datastore::Postgres,
        "mysql" | "mariadb" | "percona-server" => Datastore::Mysql,
        "redis" | "redis-stack-server" | "redis-stack" | "valkey" | "keydb" => Datastore::Redis,
        "mongo" | "mongodb" => Datastore::Mongo,
        "memcached" => Datastore::Memcached,
        "elasticsearch" => Datastore::Elasticsearch,
        _ => return None,
    })
}

struct Judge<'a> {
    facts: &'a RepoFacts<'a>,
    ctx: &'a Context<'a>,
    vars: &'a Vars,
    project: &'a Project,
    service: &'a Service,
}

impl Judge<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.service.def.get(key)
    }

    fn text(&self, key: &str) -> Option<String> {
        self.get(key)
            .and_then(scalar)
            .map(|s| interpolate(&s, self.vars).value)
    }

    /// A command or entrypoint as one line of words.
    fn words(&self, key: &str) -> String {
        match self.get(key) {
            Some(Value::Sequence(items)) => items
                .iter()
                .filter_map(scalar)
                .map(|s| interpolate(&s, self.vars).value)
                .collect::<Vec<_>>()
                .join(" "),
            Some(v) => scalar(v)
                .map(|s| interpolate(&s, self.vars).value)
                .unwrap_or_default(),
            None => String::new(),
        }
    }

    fn datastore(&self) -> Option<Datastore> {
        datastore(&self.text("image")?)
    }

    fn push(&self, out: &mut Vec<Finding>, rule: &'static Rule, message: String, help: String) {
        out.extend(at_service(self.ctx, rule, self.service, message, help));
    }

    fn exposed_datastore(&self, out: &mut Vec<Finding>) {
        if self.datastore().is_none() || !self.ctx.enabled(&EXPOSED_DATASTORE) {
            return;
        }
        let Some(Value::Sequence(ports)) = self.get("ports") else {
            return;
        };
        let open: Vec<String> = ports
            .iter()
            .filter_map(|p| public_port(p, self.vars))
            .collect();
        if open.is_empty() {
            return;
        }
        let name = &self.service.name;
        self.push(
            out,
            &EXPOSED_DATASTORE,
            format!(
                "service `{name}` publishes its datastore port on every interface ({}): anyone who can reach the host can try its password",
                open.join(", ")
            ),
            format!("drop `ports:` from `{name}` (the app reaches it on the compose network by name), or bind it to loopback: \"127.0.0.1:{}\"", open[0].rsplit_once(':').map_or(open[0].as_str(), |(_, c)| c)),
        );
    }

    fn privileged(&self, out: &mut Vec<Finding>) {
        if self.text("privileged").as_deref() == Some("true") {
            let name = &self.service.name;
            self.push(out, &PRIVILEGED, format!("service `{name}` runs privileged: a compromise of the container is a compromise of the host"), format!("remove `privileged: true` from `{name}`; grant only the capabilities it needs with `cap_add:` (and `devices:` for hardware)"));
        }
    }

    fn no_restart_policy(&self, out: &mut Vec<Finding>) {
        let def = &self.service.def;
        let has_policy = def.contains_key("restart")
            || def
                .get("deploy")
                .and_then(|d| d.get("restart_policy"))
                .is_some();
        if has_policy || def.contains_key("profiles") || self.is_one_shot() {
            return;
        }
        let name = &self.service.name;
        self.push(out, &NO_RESTART_POLICY, format!("service `{name}` has no restart policy: after a crash or a host reboot it stays down"), format!("add `restart: unless-stopped` to `{name}` (or `restart: \"no\"` if it is a one-shot job)"));
    }

    /// A job that runs and exits: migrations, seeds, set-up.
    fn is_one_shot(&self) -> bool {
        const JOBS: [&str; 7] = [
            "migrat",
            "seed",
            "init",
            "setup",
            "backup",
            "certbot",
            "createbuckets",
        ];
        let name = self.service.name.to_ascii_lowercase();
        let cmd =
            format!("{} {}", self.words("command"), self.words("entrypoint")).to_ascii_lowercase();
        JOBS.iter().any(|j| name.contains(j) || cmd.contains(j))
    }
}

/// A port published on every interface, as `host:container` (or the
/// container port alone for an ephemeral host port); `None` for loopback
/// or a specific address.
fn public_port(p: &Value, vars: &Vars) -> Option<String> {
    if let Value::Mapping(m) = p {
        let ip = m.get("host_ip").and_then(scalar).unwrap_or_default();
        let ip = interpolate(&ip, vars).value;
        if !(ip.is_empty() || ip == "0.0.0.0" || ip == "::") {
            return None;
        }
        let target = m.get("target").and_then(scalar)?;
        let published = m.get("published").and_then(scalar);
        return Some(match published {
            Some(h) => format!("{}:{target}", interpolate(&h, vars).value),
            None => target,
        });
    }
    let s = interpolate(&scalar(p)?, vars).value;
    let s = s.split('/').next().unwrap_or(&s).trim();
    // `[::1]:5432:5432`, `127.0.0.1:5432:5432`, `5432:5432`, `5432`.
    let (ip, rest) = if let Some(r) = s.strip_prefix('[') {
        let (ip, rest) = r.split_once("]:")?;
        (ip.to_string(), rest.to_string())
    } else {
        let parts: Vec<&str> = s.split(':').collect();
        match parts.len() {
            1 | 2 => (String::new(), s.to_string()),
            3 => (parts[0].to_string(), format!("{}:{}", parts[1], parts[2])),
            _ => return None,
        }
    };
    if !(ip.is_empty() || ip == "0.0.0.0" || ip == "::") {
        return None;
    }
    if rest.starts_with(':') || rest.is_empty() {
        return None;
    }
    Some(rest)
}

#[cfg(test)]
mod tests;
