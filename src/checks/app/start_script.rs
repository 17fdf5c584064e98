//! A container start script that runs the server as a child of the shell:
//! `node server.js` as its last command instead of `exec node server.js`.
//! The shell is PID 1 and does not forward SIGTERM, so the server never
//! sees it and is killed after the grace period.

use crate::migrations::RepoFile;

/// Is `file` a container's start script: named `start`/`entrypoint`, or
/// the `ENTRYPOINT`/`CMD` of a Dockerfile in `files`?
fn is_container_start(file: &RepoFile, files: &[RepoFile]) -> bool {
    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
    if !name.ends_with(".sh") && name != "entrypoint" && name != "docker-entrypoint" {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    lower.contains("start")
        || lower.contains("entrypoint")
        || files.iter().any(|d| {
            super::super::infra_files::is_dockerfile(&d.rel)
                && d.text.lines().any(|l| {
                    let l = l.trim_start();
                    (l.starts_with("ENTRYPOINT") || l.starts_with("CMD")) && l.contains(name)
                })
        })
}

/// The 1-based line of the server command a start script runs last
/// without `exec`, if it does.
pub fn unexec_server_line(text: &str) -> Option<u32> {
    let (n, last) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#') && t != "fi" && t != "done" && t != "}"
        })
        .last()?;
    let t = last.trim();
    if t.starts_with("exec ") || t.ends_with('&') || t.starts_with("wait") {
        return None;
    }
    // Leading `VAR=value` assignments are the command's environment.
    let command = t
        .split_whitespace()
        .find(|w| !w.contains('=') || w.starts_with('-'))?;
    let server = matches!(
        command,
        "node" | "npm" | "yarn" | "pnpm" | "npx" | "bun" | "tsx" | "next" | "nest" | "pm2-runtime"
    );
    let starts = command == "node"
        || command == "tsx"
        || command == "pm2-runtime"
        || t.contains(" start")
        || t.contains("serve");
    (server && starts).then_some(n as u32 + 1)
}

/// The container start scripts among `files` that run the server without
/// `exec`: (path, line).
pub fn unexec_scripts(files: &[RepoFile]) -> Vec<(&str, u32)> {
    files
        .iter()
        .filter(|f| is_container_start(f, files))
        .filter_map(|f| unexec_server_line(&f.text).map(|l| (f.rel.as_str(), l)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_command_must_exec_the_server() {
        for (script, line) in [
            (
                "#!/bin/sh\nnpx prisma migrate deploy\nnode dist/server.js\n",
                Some(3),
            ),
            (
                "#!/bin/sh\nHOSTNAME=0.0.0.0 node build/server/main.js\n# done\n",
                Some(2),
            ),
            ("#!/bin/sh\nnpm run start\n", Some(2)),
            ("#!/bin/sh\nexec node dist/server.js\n", None),
            ("#!/bin/sh\nnode migrate.js\necho ok\n", None),
            ("#!/bin/sh\nexec \"$@\"\n", None),
            ("#!/bin/sh\nnode server.js &\nwait\n", None),
        ] {
            assert_eq!(unexec_server_line(script), line, "{script}");
        }
    }
}
