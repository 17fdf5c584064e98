//! The files that say how the app is built, run and served — Dockerfiles,
//! compose files, reverse-proxy configs, start scripts — kept with their
//! text after the walk (there are few) for the Security and Infrastructure
//! rules, which judge them together.

/// `Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `Containerfile`.
pub fn is_dockerfile(rel: &str) -> bool {
    let name = file_name(rel);
    let lower = name.to_ascii_lowercase();
    // `Dockerfile.dockerignore` is the ignore file BuildKit reads beside it.
    if lower.ends_with(".dockerignore") {
        return false;
    }
    lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower == "containerfile"
        || lower.starts_with("containerfile.")
}

/// `nginx.conf`, `conf.d/app.conf`, `sites-enabled/app`, a `.conf` under
/// a folder named `nginx`; `Caddyfile`; Traefik's `traefik.yml`.
pub fn is_proxy_config(rel: &str) -> bool {
    let name = file_name(rel).to_ascii_lowercase();
    let in_dir = |d: &str| {
        rel.split('/')
            .rev()
            .skip(1)
            .any(|p| p.eq_ignore_ascii_case(d))
    };
    name == "nginx.conf"
        || (name.ends_with(".conf") && (in_dir("nginx") || in_dir("conf.d")))
        || in_dir("sites-enabled")
        || in_dir("sites-available")
        || name == "caddyfile"
        || name.starts_with("caddyfile.")
        || name == "traefik.yml"
        || name == "traefik.yaml"
        || name == "traefik.toml"
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
