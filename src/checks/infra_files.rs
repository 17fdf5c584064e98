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

/// Any of the above, a compose file or a `.dockerignore`.
pub fn is_infra_file(rel: &str) -> bool {
    is_dockerfile(rel)
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
        ] {
            assert!(is_infra_file(yes), "{yes}");
        }
        for no in [
            "src/app.ts",
            "docs/nginx.md",
            "config/app.conf",
            "Dockerfile.md.txt/x",
        ] {
            assert!(!is_infra_file(no), "{no}");
        }
        assert!(!is_dockerfile("Dockerfile.dockerignore"));
    }
}
