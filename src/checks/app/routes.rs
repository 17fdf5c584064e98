//! What a file says about the paths its app serves, for the probes of
//! `app/no-health-route` (see `probes`): every path-like literal (a
//! superset of the routes), whether it defines a route with a literal path,
//! and whether it may serve paths no literal names.

use super::scan::FileFacts;
use regex::Regex;
use std::sync::LazyLock;

/// Does the repository hold an HTTP probe (a Dockerfile `HEALTHCHECK`, a
/// compose `healthcheck:`, a Kubernetes `httpGet`)? Only then are the
/// app's paths gathered ([`gather`]): most repositories have none, and the
/// paths are in nearly every file.
fn may_have_probes(repo_files: &[crate::migrations::RepoFile]) -> bool {
    use crate::checks::infra_files::{is_dockerfile, is_kubernetes_manifest};
    // A HEALTHCHECK or compose test the probes judge requests a URL on the
    // container itself (`probes::command_path`) within the keyword's block
    // (its line, the lines indented under it, `\` continuations); a
    // datastore's `pg_isready` or `redis-cli ping` does not, nor does an
    // app URL elsewhere in the file.
    let local_url_after = |text: &str, keyword: &str| {
        text.match_indices(keyword).any(|(at, _)| {
            let near = block_at(text, at);
            ["localhost", "127.0.0.1", "0.0.0.0", "[::1]"]
                .iter()
                .any(|h| near.contains(&format!("://{h}")))
        })
    };
    repo_files.iter().any(|f| {
        (is_dockerfile(&f.rel) && local_url_after(&f.text, "HEALTHCHECK"))
            || (crate::env::references::is_compose_file(&f.rel)
                && local_url_after(&f.text, "healthcheck"))
            || (is_kubernetes_manifest(&f.rel) && f.text.contains("httpGet"))
    })
}

/// The line holding byte `at` and the lines that belong to it: indented
/// deeper (a YAML block) or continuing it (`\` at a line's end).
fn block_at(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut lines = text[start..].split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let mut end = start + first.len();
    let mut continues = first.trim_end().ends_with('\\');
    for line in lines {
        let body = line.trim_end();
        if !(continues || body.is_empty() || indent(body) > indent(first)) {
            break;
        }
        continues = body.ends_with('\\');
        end += line.len();
    }
    &text[start..end]
}

/// The route facts (paths, definitions, doubts) of the production JS/TS
/// files the walk read, when the repository has a probe to judge: read
/// again after the walk, on every core. Only the files of a package where
/// the walk found a server (`app_files`) are read: a probe is judged
/// against its server package's paths alone (a monorepo's web apps and
/// libraries were a second read of most of its files). JSX files (a page's
/// links) are left out; a Hono JSX app's routes come with its server facts
/// (`scan`). Comments are not blanked: a path in one only adds to the
/// superset.
pub fn gather(
    tree: &crate::workspace::tree::Tree,
    visited: &[String],
    repo_files: &[crate::migrations::RepoFile],
    app_files: &[FileFacts],
    settings: &crate::config::Settings,
) -> Vec<FileFacts> {
    if !may_have_probes(repo_files) {
        return Vec::new();
    }
    let (dirs, servers) = super::package::server_packages(repo_files, app_files);
    if servers.is_empty() {
        return Vec::new();
    }
    let judged = |rel: &&String| {
        let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
        matches!(ext, "js" | "mjs" | "cjs" | "ts" | "mts" | "cts")
            && super::package::package_of(rel, &dirs).is_some_and(|d| servers.contains(d))
            && settings.is_production(rel)
            && !settings.is_test_file(rel)
            && !settings.is_vendored(rel)
            && !super::scan::is_example(rel)
    };
    let files: Vec<&String> = visited.iter().filter(judged).collect();
    crate::cores::on_every_core(&files, |chunk| {
        let mut out = Vec::new();
        tree.read_each(chunk, |rel, bytes| {
            let text = String::from_utf8_lossy(bytes);
            let mut f = FileFacts {
                rel: rel.to_string(),
                ..FileFacts::default()
            };
            routes(&text, &mut f);
            if !f.paths.is_empty() || f.routes_unsure || f.defines_routes {
                out.push(f);
            }
            true
        });
        out
    })
}

// The patterns are compiled ahead of time (`crate::prebuilt`; their text is
// in `src/prebuilt/patterns.rs`).
use crate::prebuilt::{
    ROUTES_BARE_PATH as BARE_PATH, ROUTES_DEFINITION as ROUTE_DEFINITION,
    ROUTES_PATH_LITERAL as PATH_LITERAL, ROUTES_UNSURE,
};

/// A route whose method is computed (`app[method](`, `router[verb](`): the
/// one kind of doubt without a leading literal, so a regex of its own, run
/// only on text holding `](`.
static ROUTES_UNSURE_METHOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[0-9A-Za-z_]\[[0-9A-Za-z_.]*(?i:method|verb)[0-9A-Za-z_.]*\]\("#)
        .expect("valid unsure method pattern")
});

/// The path literals, route definitions and doubts of `text` (see
/// `FileFacts::paths`).
pub(super) fn routes(text: &str, f: &mut FileFacts) {
    // `find_iter`, not captures: a file holds many literals, and finding
    // is what the fast engines do; the path is the match from its `/` to
    // before the closing quote.
    let mut paths: Vec<String> = PATH_LITERAL
        .find_iter(text)
        .map(|m| &text[m.start..m.end])
        .filter_map(|m| m.get(m.find('/')?..m.len() - 1))
        .filter(|p| p.len() < 200)
        .map(str::to_string)
        .collect();
    // The path holds no quote: it follows the match's last quote but one.
    paths.extend(BARE_PATH.find_iter(text).filter_map(|m| {
        let quoted = &text[m.start..m.end - 1];
        let open = quoted.rfind(['"', '\'', '`'])?;
        Some(format!("/{}", &quoted[open + 1..]))
    }));
    paths.sort();
    paths.dedup();
    f.paths = paths;
    f.defines_routes = ROUTE_DEFINITION.is_match(text);
    f.routes_unsure = ROUTES_UNSURE.is_match(text)
        || (text.contains("](") && ROUTES_UNSURE_METHOD.is_match(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_keyword_block_ends_where_its_indentation_does() {
        let compose = "  db:\n    healthcheck:\n      test: pg_isready\n    ports: [1]\n  web:\n    environment:\n      URL: http://localhost:3000\n";
        let at = compose.find("healthcheck").unwrap();
        assert_eq!(
            block_at(compose, at),
            "    healthcheck:\n      test: pg_isready\n"
        );
        let docker = "FROM node\nHEALTHCHECK --interval=5s \\\n  CMD curl -f http://localhost/health\nCMD node a.js\n";
        let at = docker.find("HEALTHCHECK").unwrap();
        assert!(block_at(docker, at).ends_with("http://localhost/health\n"));
        assert!(!block_at(docker, at).contains("CMD node"));
    }

    #[test]
    fn route_paths_and_doubts() {
        let routes_of = |text: &str| {
            let mut f = FileFacts::default();
            routes(text, &mut f);
            (f.paths, f.defines_routes, f.routes_unsure)
        };
        let (paths, defines, unsure) = routes_of(
            "app.get('/health', ok);\nrouter.get(`${base}/ready`, ok);\n@Controller('status')",
        );
        assert_eq!(paths, ["/health", "/ready", "/status"]);
        assert!(defines && !unsure);
        for unsure in [
            "app.use(express.static('public'));",
            "app.get('*', spa);",
            "app.get(/.*/, spa);",
            "app.use(API_PREFIX, router);",
            "fastify.register(routes, { prefix: config.prefix });",
            "app.setGlobalPrefix(prefix);",
            "router[route.method](route.path, handler);",
        ] {
            assert!(routes_of(unsure).2, "{unsure}");
        }
        assert!(!routes_of("app.use(cors(), helmet());").2);
        assert!(!routes_of("const link = `[docs](${url})`; router[name](x);").2);
    }
}
