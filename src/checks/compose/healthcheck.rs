//! `compose/no-healthcheck`: a service built from the repository that
//! others wait on (`depends_on`) or a proxy routes to, with no healthcheck
//! in the compose file nor in its Dockerfile's stage. Image-only services
//! are not judged: their image may carry a `HEALTHCHECK` we cannot see.

use super::{model, Judge, NO_HEALTHCHECK};
use crate::finding::Finding;
use serde_yaml_ng::{Mapping, Value};

const PROXIES: [&str; 5] = ["nginx", "traefik", "caddy", "haproxy", "envoy"];

pub(super) fn no_healthcheck(j: &Judge, out: &mut Vec<Finding>) {
    let s = j.service;
    if has_compose_healthcheck(&s.def) || !j.ctx.enabled(&NO_HEALTHCHECK) {
        return;
    }
    let Some(image_has_one) = image_healthcheck(j) else {
        return;
    };
    if image_has_one {
        return;
    }
    let mut healthy = Vec::new();
    let mut waiting = Vec::new();
    let mut proxies = Vec::new();
    for other in j.project.services.iter().filter(|o| o.name != s.name) {
        let Some(Value::Mapping(deps)) = other.def.get("depends_on").map(model::as_map) else {
            continue;
        };
        let Some(dep) = deps.get(s.name.as_str()) else {
            continue;
        };
        let condition = dep.get("condition").and_then(Value::as_str);
        if condition == Some("service_healthy") {
            healthy.push(other.name.clone());
        } else if is_proxy(j, &other.def) {
            proxies.push(other.name.clone());
        } else {
            waiting.push(other.name.clone());
        }
    }
    if proxies.is_empty() && routed_by_labels(&s.def) {
        proxies.push("the proxy (labels)".to_string());
    }
    let name = &s.name;
    let message = if let Some(first) = healthy.first() {
        format!("service `{name}` has no healthcheck, but `{first}` waits for it to be healthy (`condition: service_healthy`): the deploy cannot start")
    } else if let Some(first) = proxies.first() {
        format!("service `{name}` has no healthcheck, but `{first}` routes traffic to it: requests reach it before it is ready, and a hung instance keeps receiving them")
    } else if let Some(first) = waiting.first() {
        format!("service `{name}` has no healthcheck, but `{first}` depends on it: it starts before `{name}` is ready")
    } else {
        return;
    };
    j.push(
        out,
        &NO_HEALTHCHECK,
        message,
        format!("add a `healthcheck:` to `{name}` (e.g. `test: [\"CMD\", \"wget\", \"-qO-\", \"http://localhost:PORT/health\"]`) or a `HEALTHCHECK` to its Dockerfile, and make dependants use `condition: service_healthy`"),
    );
}

fn has_compose_healthcheck(def: &Mapping) -> bool {
    let Some(h) = def.get("healthcheck") else {
        return false;
    };
    let disabled = h.get("disable").and_then(Value::as_bool) == Some(true);
    let none = match h.get("test") {
        Some(Value::Sequence(t)) => t.first().and_then(Value::as_str) == Some("NONE"),
        Some(_) => false,
        None => true,
    };
    !disabled && !none
}

/// Whether the service's Dockerfile stage has a `HEALTHCHECK`; `None` when
/// the service is not built from a Dockerfile in the repository.
fn image_healthcheck(j: &Judge) -> Option<bool> {
    let build = j.get("build")?;
    let (context, dockerfile, target) = match build {
        Value::String(c) => (c.clone(), "Dockerfile".to_string(), None),
        Value::Mapping(m) => (
            m.get("context")
                .and_then(Value::as_str)
                .unwrap_or(".")
                .to_string(),
            m.get("dockerfile")
                .and_then(Value::as_str)
                .unwrap_or("Dockerfile")
                .to_string(),
            m.get("target").and_then(Value::as_str).map(str::to_string),
        ),
        _ => return None,
    };
    let vars = j.vars;
    let context = model::interpolate(&context, vars).value;
    let dockerfile = model::interpolate(&dockerfile, vars).value;
    if context.contains("://") || dockerfile.starts_with('/') {
        return None;
    }
    let dir = j.service.path.rsplit_once('/').map_or("", |(d, _)| d);
    let path = model::join_path(&model::join_path(dir, &context), &dockerfile);
    let text = &j.facts.repo_files.iter().find(|f| f.rel == path)?.text;
    Some(stage_has_healthcheck(text, target.as_deref()))
}

/// A `HEALTHCHECK` (not `NONE`) in the final stage, or in `target`.
pub(super) fn stage_has_healthcheck(text: &str, target: Option<&str>) -> bool {
    let mut stages: Vec<(String, bool)> = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(first) = words.first() else { continue };
        if first.eq_ignore_ascii_case("FROM") {
            let name = match words.as_slice() {
                [_, .., as_, n] if as_.eq_ignore_ascii_case("AS") => n.to_string(),
                _ => String::new(),
            };
            stages.push((name, false));
        } else if first.eq_ignore_ascii_case("HEALTHCHECK") {
            let none = words.get(1).is_some_and(|w| w.eq_ignore_ascii_case("NONE"));
            if let Some(stage) = stages.last_mut() {
                stage.1 = !none;
            }
        }
    }
    let stage = match target {
        Some(t) => stages.iter().find(|(n, _)| n.eq_ignore_ascii_case(t)),
        None => stages.last(),
    };
    stage.is_some_and(|(_, has)| *has)
}

fn is_proxy(j: &Judge, def: &Mapping) -> bool {
    let image = def
        .get("image")
        .and_then(model::scalar)
        .map(|i| model::interpolate(&i, j.vars).value.to_ascii_lowercase())
        .unwrap_or_default();
    let name = image.rsplit('/').next().unwrap_or(&image);
    PROXIES.iter().any(|p| name.starts_with(p))
}

/// Traefik or caddy-docker-proxy labels: a proxy routes to this service.
fn routed_by_labels(def: &Mapping) -> bool {
    let Some(Value::Mapping(labels)) = def.get("labels").map(model::as_map) else {
        return false;
    };
    labels.iter().any(|(k, v)| {
        let k = k.as_str().unwrap_or("");
        (k == "traefik.enable" && model::scalar(v).as_deref() == Some("true"))
            || k.starts_with("traefik.http.routers.")
            || k == "caddy"
    })
}
