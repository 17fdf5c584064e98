//! How compose files build a Dockerfile: its build context (`build:` or
//! `build.context`, relative to the compose file) and, in a production
//! compose file (the compose module's: by name, folder, config or deploy
//! command), the stage it targets (`build.target`).

use serde_yaml_ng::Value;

/// One Dockerfile's build as a compose file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The context folder, repo-relative (`""` at the root).
    pub context: String,
    /// The stage a production compose file targets, lowercased.
    pub target: Option<String>,
}

/// `(dockerfile repo path, build)` for every service build of every compose
/// file; production compose files (`production`: the compose module's, by
/// name, folder, config or deploy command) first, so their entry wins.
pub fn builds(
    files: &[crate::migrations::RepoFile],
    production: &std::collections::BTreeSet<String>,
) -> Vec<(String, Build)> {
    let mut out: Vec<(bool, String, Build)> = Vec::new();
    for f in files {
        if !crate::env::references::is_compose_file(&f.rel) {
            continue;
        }
        let Ok(doc) = serde_yaml_ng::from_str::<Value>(&f.text) else {
            continue;
        };
        let Some(services) = doc.get("services").and_then(Value::as_mapping) else {
            continue;
        };
        let production = production.contains(&f.rel);
        let dir = f.rel.rsplit_once('/').map_or("", |(d, _)| d);
        for service in services.values() {
            let (context, dockerfile, target) = match service.get("build") {
                Some(Value::String(ctx)) => (ctx.as_str(), "Dockerfile", None),
                Some(b @ Value::Mapping(_)) => (
                    b.get("context").and_then(Value::as_str).unwrap_or("."),
                    b.get("dockerfile")
                        .and_then(Value::as_str)
                        .unwrap_or("Dockerfile"),
                    b.get("target").and_then(Value::as_str),
                ),
                _ => continue,
            };
            if context.contains("://") || context.contains('$') || dockerfile.contains('$') {
                continue;
            }
            let context = crate::checks::infra_files::normalize(&format!("{dir}/{context}"));
            let dockerfile =
                crate::checks::infra_files::normalize(&format!("{context}/{dockerfile}"));
            out.push((
                production,
                dockerfile,
                Build {
                    context,
                    target: target
                        .filter(|_| production)
                        .map(|t| t.to_ascii_lowercase()),
                },
            ));
        }
    }
    out.sort_by_key(|(production, _, _)| !*production);
    out.into_iter().map(|(_, d, b)| (d, b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::RepoFile;

    #[test]
    fn contexts_and_production_targets() {
        let file = |rel: &str, text: &str| RepoFile {
            rel: rel.to_string(),
            text: text.to_string(),
        };
        let files = [
            file(
                "docker-compose.yml",
                "services:\n  api:\n    build:\n      context: .\n      dockerfile: apps/api/Dockerfile\n      target: dev\n  worker:\n    build: ./worker\n",
            ),
            file(
                "deploy/docker-compose.prod.yml",
                "services:\n  api:\n    build:\n      context: ..\n      dockerfile: apps/api/Dockerfile\n      target: Runtime\n  db:\n    image: postgres:16\n",
            ),
        ];
        let production = ["deploy/docker-compose.prod.yml".to_string()].into();
        let b = builds(&files, &production);
        assert_eq!(
            b[0],
            (
                "apps/api/Dockerfile".to_string(),
                Build {
                    context: String::new(),
                    target: Some("runtime".to_string())
                }
            )
        );
        // The development file's target is not the production stage.
        assert_eq!(b[1].1.target, None);
        assert_eq!(
            b[2],
            (
                "worker/Dockerfile".to_string(),
                Build {
                    context: "worker".to_string(),
                    target: None
                }
            )
        );
    }
}
