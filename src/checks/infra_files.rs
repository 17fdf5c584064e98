//! The files that say how the app is built, run and served — Dockerfiles,
//! compose files, reverse-proxy configs, start scripts — kept with their
//! text after the walk (there are few) for the Security and Infrastructure
//! rules, which judge them together.

use crate::workspace::{ends_with_ci, starts_with_ci};

/// `Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `Containerfile`.
pub fn is_dockerfile(rel: &str) -> bool {
    is_dockerfile_name(split_name(rel).1)
}

fn is_dockerfile_name(name: &str) -> bool {
    // `Dockerfile.dockerignore` is the ignore file BuildKit reads beside it.
    if ends_with_ci(name, ".dockerignore") {
        return false;
    }
    name.eq_ignore_ascii_case("dockerfile")
        || starts_with_ci(name, "dockerfile.")
        || ends_with_ci(name, ".dockerfile")
        || name.eq_ignore_ascii_case("containerfile")
        || starts_with_ci(name, "containerfile.")
}

/// `nginx.conf`, `conf.d/app.conf`, `sites-enabled/app`, a `.conf` under
/// a folder named `nginx`; `Caddyfile`; Traefik's `traefik.yml`.
pub fn is_proxy_config(rel: &str) -> bool {
    let (dirs, name) = split_name(rel);
    is_proxy_config_in(dirs, name)
}

fn is_proxy_config_in(dirs: &str, name: &str) -> bool {
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    is("nginx.conf")
        || is("caddyfile")
        || starts_with_ci(name, "caddyfile.")
        || is("traefik.yml")
        || is("traefik.yaml")
        || is("traefik.toml")
        || (!dirs.is_empty()
            && ((ends_with_ci(name, ".conf") && any_folder(dirs, &["nginx", "conf.d"]))
                || any_folder(dirs, &["sites-enabled", "sites-available"])))
}

/// Shell scripts (a container's start script, `deploy.sh`) and `Procfile`.
pub fn is_start_script(rel: &str) -> bool {
    is_start_script_name(split_name(rel).1)
}

fn is_start_script_name(name: &str) -> bool {
    name.ends_with(".sh")
        || name == "Procfile"
        || name == "entrypoint"
        || name == "docker-entrypoint"
}

/// A YAML file under a Kubernetes manifests folder (`k8s/`, `kubernetes/`,
/// `deploy/`, `manifests/`); Helm charts' `templates/` are not YAML until
/// rendered and are left out.
pub fn is_kubernetes_manifest(rel: &str) -> bool {
    let (dirs, name) = split_name(rel);
    is_kubernetes_manifest_in(dirs, name)
}

fn is_kubernetes_manifest_in(dirs: &str, name: &str) -> bool {
    let yaml = ends_with_ci(name, ".yaml") || ends_with_ci(name, ".yml");
    yaml && !any_folder(dirs, &["templates"])
        && any_folder(
            dirs,
            &[
                "k8s",
                ".k8s",
                "kubernetes",
                "kube",
                "deploy",
                "deployment",
                "deployments",
                "manifests",
            ],
        )
}

/// The folders and the name of a path (`("", rel)` at the top). These
/// predicates run on every path the walk reads: the path is split once,
/// by a plain loop (a library search per `rsplit`, six a path, and a
/// lowercase copy were a third of a microsecond a path).
fn split_name(rel: &str) -> (&str, &str) {
    match rel.bytes().rposition(|b| b == b'/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    }
}

/// Is a folder of `dirs` one of `names` (ASCII case aside)?
fn any_folder(dirs: &str, names: &[&str]) -> bool {
    !dirs.is_empty()
        && dirs.as_bytes().split(|&b| b == b'/').any(|d| {
            names
                .iter()
                .any(|n| d.len() == n.len() && d.eq_ignore_ascii_case(n.as_bytes()))
        })
}

/// `next.config.js` (`.mjs`, `.cjs`, `.ts`): where a Next.js app sets its
/// response headers.
pub fn is_next_config(rel: &str) -> bool {
    let name = split_name(rel).1;
    name.strip_prefix("next.config.")
        .is_some_and(|ext| matches!(ext, "js" | "mjs" | "cjs" | "ts" | "mts"))
}

/// Any of the above, a compose file, a Kubernetes manifest or a
/// `.dockerignore`.
pub fn is_infra_file(rel: &str) -> bool {
    let (dirs, name) = split_name(rel);
    is_dockerfile_name(name)
        || crate::env::references::is_compose_name(name)
        || is_start_script_name(name)
        || name.ends_with(".dockerignore")
        || is_kubernetes_manifest_in(dirs, name)
        || is_proxy_config_in(dirs, name)
}

/// A `/`-separated path with empty parts, `.` and `..` resolved (`a/./b/../c`
/// → `a/c`); a `..` above the top is dropped, as a path inside the
/// repository is what every caller wants. Shared by the Dockerfile, compose
/// and proxy checks, which resolve paths one file names relative to another.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infra_files_by_name() {
        for yes in [
            "Dockerfile",
            "apps/api/Dockerfile.prod",
            "web.Dockerfile",
            "docker-compose.prod.yml",
            "compose.yaml",
            "deploy/nginx/app.conf",
            "nginx.conf",
            "etc/nginx/sites-enabled/default",
            "Caddyfile",
            "scripts/start.sh",
            "Procfile",
            ".dockerignore",
            "Dockerfile.dockerignore",
            "k8s/deployment.yaml",
            "deploy/kubernetes/api.yml",
            "Deploy/api.YML",
            "ETC/Nginx/sites-ENABLED/default",
            "srv/NGINX/site.CONF",
            "a//conf.d/app.conf",
        ] {
            assert!(is_infra_file(yes), "{yes}");
        }
        for no in [
            "src/app.ts",
            "docs/nginx.md",
            "config/app.conf",
            "Dockerfile.md.txt/x",
            "charts/api/templates/deploy/deployment.yaml",
            "k8s/README.md",
            "src/deploy.yaml",
            "deploy/templates/x.yaml",
            "deployer/x.yaml",
            "nginx/",
            "k8s",
        ] {
            assert!(!is_infra_file(no), "{no}");
        }
        assert!(!is_dockerfile("Dockerfile.dockerignore"));
        assert!(is_next_config("web/next.config.mjs"));
        assert!(!is_next_config("web/next.config.json"));
    }
}
