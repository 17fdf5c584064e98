//! The files that say how the app is built, run and served — Dockerfiles,
//! compose files, reverse-proxy configs, start scripts — kept with their
//! text after the walk (there are few) for the Security and Infrastructure
//! rules, which judge them together.

use crate::workspace::{ends_with_ci, starts_with_ci};

/// `Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `Containerfile`.
pub fn is_dockerfile(rel: &str) -> bool {
    let name = file_name(rel);
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
    let (dirs, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let in_dir = |d: &str| dirs.split('/').any(|p| p.eq_ignore_ascii_case(d));
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    is("nginx.conf")
        || is("caddyfile")
        || starts_with_ci(name, "caddyfile.")
        || is("traefik.yml")
        || is("traefik.yaml")
        || is("traefik.toml")
        || (!dirs.is_empty()
            && ((ends_with_ci(name, ".conf") && (in_dir("nginx") || in_dir("conf.d")))
                || in_dir("sites-enabled")
                || in_dir("sites-available")))
}

/// Shell scripts (a container's start script, `deploy.sh`) and `Procfile`.
pub fn is_start_script(rel: &str) -> bool {
    let name = file_name(rel);
    name.ends_with(".sh")
        || name == "Procfile"
        || name == "entrypoint"
        || name == "docker-entrypoint"
}

/// A YAML file under a Kubernetes manifests folder (`k8s/`, `kubernetes/`,
/// `deploy/`, `manifests/`); Helm charts' `templates/` are not YAML until
/// rendered and are left out.
pub fn is_kubernetes_manifest(rel: &str) -> bool {
    // Case-insensitive without a lowercase copy: this runs on every path
    // the walk reads.
    let (dirs, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let yaml = ends_with_ci(name, ".yaml") || ends_with_ci(name, ".yml");
    let is = |d: &str, n: &str| d.eq_ignore_ascii_case(n);
    yaml && !dirs.split('/').any(|d| is(d, "templates"))
        && dirs.split('/').any(|d| {
            [
                "k8s",
                ".k8s",
                "kubernetes",
                "kube",
                "deploy",
                "deployment",
                "deployments",
                "manifests",
            ]
            .iter()
            .any(|n| is(d, n))
        })
}

/// `next.config.js` (`.mjs`, `.cjs`, `.ts`): where a Next.js app sets its
/// response headers.
pub fn is_next_config(rel: &str) -> bool {
    let name = file_name(rel);
    name.strip_prefix("next.config.")
        .is_some_and(|ext| matches!(ext, "js" | "mjs" | "cjs" | "ts" | "mts"))
}

/// Any of the above, a compose file, a Kubernetes manifest or a
/// `.dockerignore`.
pub fn is_infra_file(rel: &str) -> bool {
    is_dockerfile(rel)
        || is_kubernetes_manifest(rel)
        || crate::env::references::is_compose_file(rel)
        || is_proxy_config(rel)
        || is_start_script(rel)
        || file_name(rel).ends_with(".dockerignore")
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

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
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
        ] {
            assert!(!is_infra_file(no), "{no}");
        }
        assert!(!is_dockerfile("Dockerfile.dockerignore"));
        assert!(is_next_config("web/next.config.mjs"));
        assert!(!is_next_config("web/next.config.json"));
    }
}
