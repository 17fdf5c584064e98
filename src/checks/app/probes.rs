//! The second half of `app/no-health-route`: an HTTP health probe that
//! points at a path the app does not define. Probes come from a production
//! Dockerfile's final `HEALTHCHECK`, a production compose service's
//! `healthcheck.test`, and a Kubernetes manifest's liveness, readiness and
//! startup `httpGet.path`. Each is tied to one Node server package (the
//! build context's, or for Kubernetes the package holding and naming it) and
//! judged only when that is certain; the app's paths are a superset of its
//! routes (`scan::FileFacts::paths`), matched as a prefix (a mount) or a
//! suffix (a route under an unknown prefix) of the probe's path.

use super::super::repo::RepoFacts;
use super::super::Context;
use serde_yaml_ng::Value;

/// An HTTP probe on the app's own host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub rel: String,
    pub line: u32,
    /// The path requested, without query or trailing `/`.
    pub path: String,
    /// What the probe is, for the message (`the Dockerfile's HEALTHCHECK`).
    pub what: String,
    /// The build context it belongs to; `None` for a Kubernetes manifest,
    /// which names images, not folders.
    pub context: Option<String>,
    /// A Kubernetes probe's workload, container and image names (the image
    /// without registry or tag): how it is tied to a package.
    pub names: Vec<String>,
}

/// The path an HTTP health command requests on the container itself
/// (`curl -f http://localhost:3000/healthz || exit 1`, `wget -qO-
/// http://127.0.0.1/ready`); `None` for other hosts, variables in the
/// path, the root path, or no URL.
pub fn command_path(command: &str) -> Option<String> {
    let at = command
        .find("http://")
        .or_else(|| command.find("https://"))?;
    let rest = &command[at..];
    let rest = &rest[rest.find("//")? + 2..];
    let end = rest
        .find(|c: char| c.is_whitespace() || "\"'],;|&)`".contains(c))
        .unwrap_or(rest.len());
    let url = &rest[..end];
    let (host_port, path) = url.split_at(url.find('/').unwrap_or(url.len()));
    let host = host_port
        .rsplit_once(':')
        .filter(|(h, _)| !h.ends_with(']') || h.starts_with('['))
        .map_or(host_port, |(h, _)| h);
    let local = matches!(
        host,
        "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]" | "::1"
    );
    if !local {
        return None;
    }
    normal_path(path)
}

/// `path` without query, fragment and trailing `/`; `None` for the root,
/// or a path holding a variable.
fn normal_path(path: &str) -> Option<String> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_end_matches('/');
    (path.starts_with('/') && !path.contains('$') && !path.contains('{')).then(|| path.to_string())
}

/// Does the app, whose path literals are `paths`, serve `probe`? A literal
/// whose segments begin or end the probe's (a mount, or a route behind a
/// prefix the scan cannot see) counts; `:id`, `{id}`, `${…}` segments match
/// any segment, and a `*` anything after.
pub fn serves(paths: &[String], probe: &str) -> bool {
    let want: Vec<&str> = probe.split('/').filter(|s| !s.is_empty()).collect();
    paths.iter().any(|p| {
        let have: Vec<&str> = p
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        if have.is_empty() || have.len() > want.len() {
            return have.iter().any(|s| s.contains('*'));
        }
        let at = |offset: usize| {
            have.iter()
                .zip(&want[offset..])
                .all(|(h, w)| segment_matches(h, w))
        };
        at(0) || at(want.len() - have.len())
    })
}

fn segment_matches(have: &str, want: &str) -> bool {
    have == want
        || have.starts_with(':')
        || have.starts_with('{')
        || have.starts_with('[')
        || have.contains("${")
        || have.contains('*')
        || have.contains('(')
}

/// A Node server package and the paths it serves.
pub struct Routes {
    pub dir: String,
    /// Its `package.json` name without the scope, lower-cased.
    pub name: String,
    /// `None` when the app may serve paths its literals do not name
    /// (static files, catch-alls, file-based routes, prefixes in variables).
    pub paths: Option<Vec<String>>,
}

/// The probes of the production Dockerfiles (a Node image's), compose
/// files and Kubernetes manifests that request a path their app (of
/// `apps`, the repository's server packages) does not serve.
pub fn unserved<'r>(
    facts: &RepoFacts,
    ctx: &Context,
    dirs: &[String],
    apps: &'r [Routes],
) -> Vec<(Probe, &'r Routes)> {
    let mut probes = Vec::new();
    for image in super::super::docker::final_images(facts, ctx) {
        let Some((line, command)) = image.healthcheck().filter(|_| image.runs_node_only()) else {
            continue;
        };
        if let Some(path) = command_path(&command) {
            probes.push(Probe {
                rel: image.path.to_string(),
                line,
                path,
                what: "the Dockerfile's HEALTHCHECK".to_string(),
                context: Some(image.context().to_string()),
                names: Vec::new(),
            });
        }
    }
    probes.extend(compose_probes(facts, ctx));
    for f in facts.repo_files {
        if super::super::infra_files::is_kubernetes_manifest(&f.rel)
            && facts.is_production(ctx, &f.rel)
            && !super::super::docker::is_dev_dockerfile(&f.rel)
        {
            probes.extend(kubernetes_probes(&f.rel, &f.text));
        }
    }
    probes
        .into_iter()
        .filter_map(|p| {
            let app = package(&p, dirs, apps)?;
            let paths = app.paths.as_ref()?;
            (!serves(paths, &p.path)).then_some((p, app))
        })
        .collect()
}

/// The server package a probe checks: its build context's; for a
/// Kubernetes manifest, the package the manifest is in, when the manifest
/// names it (workload, container or image).
fn package<'r>(probe: &Probe, dirs: &[String], apps: &'r [Routes]) -> Option<&'r Routes> {
    let find = |dir: &str| apps.iter().find(|a| a.dir == dir);
    match &probe.context {
        Some(c) if c.is_empty() => find(super::package::package_of("_", dirs)?),
        Some(c) => find(super::package::package_of(&format!("{c}/_"), dirs)?),
        None => {
            let dir = super::package::package_of(&probe.rel, dirs)?;
            let app = find(dir)?;
            let folder = dir.rsplit('/').next().unwrap_or("");
            let named = probe
                .names
                .iter()
                .any(|n| *n == app.name || (!folder.is_empty() && n == folder));
            named.then_some(app)
        }
    }
}

/// The production compose services' HTTP healthchecks that build from the
/// repository.
pub fn compose_probes(facts: &RepoFacts, ctx: &Context) -> Vec<Probe> {
    let mut out = Vec::new();
    for project in super::super::compose::projects(facts, ctx) {
        for s in &project.services {
            let Some(context) = build_context(&s.path, s.def.get("build")) else {
                continue;
            };
            let Some(test) = s.def.get("healthcheck").and_then(|h| h.get("test")) else {
                continue;
            };
            let command = match test {
                Value::String(t) => t.clone(),
                Value::Sequence(words) => words
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => continue,
            };
            let Some(path) = command_path(&command) else {
                continue;
            };
            let text = facts
                .repo_files
                .iter()
                .find(|f| f.rel == s.path)
                .map_or("", |f| f.text.as_str());
            let line = line_of(text, s.at.line, s.at.end_line, &path).unwrap_or(s.at.line);
            out.push(Probe {
                rel: s.path.clone(),
                line,
                path,
                what: format!("the healthcheck of compose service `{}`", s.name),
                context: Some(context),
                names: Vec::new(),
            });
        }
    }
    out
}

/// A compose service's build context, repo-relative; `None` for an image
/// the repository does not build here.
fn build_context(compose: &str, build: Option<&Value>) -> Option<String> {
    let context = match build? {
        Value::String(c) => c.as_str(),
        Value::Mapping(m) => m.get("context").and_then(Value::as_str).unwrap_or("."),
        _ => return None,
    };
    if context.contains("://") || context.contains('$') {
        return None;
    }
    let dir = compose.rsplit_once('/').map_or("", |(d, _)| d);
    Some(super::super::infra_files::normalize(&format!(
        "{dir}/{context}"
    )))
}

/// The first line in `from..=to` (1-based) that holds `needle`.
fn line_of(text: &str, from: u32, to: u32, needle: &str) -> Option<u32> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1) as usize)
        .take((to + 1).saturating_sub(from) as usize)
        .find(|(_, l)| l.contains(needle))
        .map(|(n, _)| n as u32 + 1)
}

/// The HTTP probes of a Kubernetes manifest's workloads with a single
/// container (a sidecar's probe is not the app's). Helm templates are not
/// YAML until rendered and are skipped.
pub fn kubernetes_probes(rel: &str, text: &str) -> Vec<Probe> {
    let mut out = Vec::new();
    if text.contains("{{") {
        return out;
    }
    // Each probe's place: the `path:` line after its key, in file order.
    let mut from = 0usize;
    for doc in serde_yaml_ng::Deserializer::from_str(text) {
        let Ok(v) = <Value as serde::Deserialize>::deserialize(doc) else {
            return Vec::new();
        };
        let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
        let pod = match kind {
            "Deployment" | "StatefulSet" | "DaemonSet" => v
                .get("spec")
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec")),
            "Pod" => v.get("spec"),
            _ => None,
        };
        let Some(Value::Sequence(containers)) = pod.and_then(|p| p.get("containers")) else {
            continue;
        };
        let [container] = containers.as_slice() else {
            continue;
        };
        let image = container.get("image").and_then(Value::as_str).unwrap_or("");
        let image = image.split('@').next().unwrap_or(image);
        let image = image.rsplit('/').next().unwrap_or(image);
        let names: Vec<String> = [
            v.get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str),
            container.get("name").and_then(Value::as_str),
            image.split(':').next(),
        ]
        .into_iter()
        .flatten()
        .filter(|n| !n.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
        for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
            let Some(path) = container
                .get(key)
                .and_then(|p| p.get("httpGet"))
                .and_then(|h| h.get("path"))
                .and_then(Value::as_str)
                .and_then(normal_path)
            else {
                continue;
            };
            let line = probe_line(text, &mut from, key, &path);
            out.push(Probe {
                rel: rel.to_string(),
                line,
                path,
                what: format!("the {key} of {kind}"),
                context: None,
                names: names.clone(),
            });
        }
    }
    out
}

/// The line of the `path:` holding `path` after the next `key:` at or
/// after line index `*from`; moves `from` past it.
fn probe_line(text: &str, from: &mut usize, key: &str, path: &str) -> u32 {
    let lines: Vec<&str> = text.lines().collect();
    let start = (*from..lines.len())
        .find(|&i| lines[i].trim_start().starts_with(&format!("{key}:")))
        .unwrap_or(*from);
    let at = (start..lines.len())
        .find(|&i| lines[i].contains("path:") && lines[i].contains(path))
        .unwrap_or(start);
    *from = start + 1;
    at as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_paths_on_the_container_only() {
        for (command, path) in [
            (
                "curl -f http://localhost:3000/healthz || exit 1",
                Some("/healthz"),
            ),
            (
                "wget -qO- http://127.0.0.1:8080/api/ready?full=1",
                Some("/api/ready"),
            ),
            ("[curl, -f, http://localhost:3000/health/]", Some("/health")),
            ("curl -f http://localhost:3000/ || exit 1", None),
            ("curl -f http://localhost:$PORT/health", Some("/health")),
            ("curl -f http://localhost:3000/$HEALTH", None),
            ("curl -f https://api.example.com/health", None),
            ("node healthcheck.js", None),
            ("pg_isready -U postgres", None),
        ] {
            assert_eq!(command_path(command).as_deref(), path, "{command}");
        }
    }

    #[test]
    fn paths_served_as_routes_mounts_or_suffixes() {
        let paths = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        for (have, probe, served) in [
            (&["/health"][..], "/health", true),
            (&["/health"][..], "/healthz", false),
            (&["/api"][..], "/api/health", true),
            (&["/health"][..], "/api/v1/health", true),
            (&["/users/:id"][..], "/users/healthz", true),
            (&["/:slug"][..], "/ready", true),
            (&["/api/health"][..], "/health", false),
            (&["/"][..], "/health", false),
            (&["/*"][..], "/health", true),
            (&["/status", "/users"][..], "/healthz", false),
        ] {
            assert_eq!(serves(&paths(have), probe), served, "{have:?} {probe}");
        }
    }

    #[test]
    fn kubernetes_probes_of_single_container_workloads() {
        let manifest = "\
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: api
          livenessProbe:
            httpGet:
              path: /healthz
              port: 3000
          readinessProbe:
            tcpSocket:
              port: 3000
---
kind: Pod
spec:
  containers:
    - name: a
      readinessProbe: { httpGet: { path: /ready, port: 1 } }
    - name: sidecar
";
        let probes = kubernetes_probes("k8s/api.yaml", manifest);
        assert_eq!(probes.len(), 1);
        assert_eq!((probes[0].line, probes[0].path.as_str()), (10, "/healthz"));
        assert!(kubernetes_probes("k8s/x.yaml", "kind: Pod\nspec: {{ .Values }}\n").is_empty());
    }
}
