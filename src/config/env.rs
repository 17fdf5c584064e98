//! The `env:` and `secrets:` sections of `.shipcheck.yml`.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const DEFAULT_TEMPLATES: &[&str] =
    &[".env.example", ".env.template", ".env.sample", ".env.dist"];
pub const DEFAULT_PRODUCTION_FILE: &str = ".env.production";
/// Variables the platform or runtime provides: never "undeclared".
pub const DEFAULT_IGNORED: &[&str] = &[
    // The shell and the OS.
    "HOME",
    "PATH",
    "PWD",
    "USER",
    "SHELL",
    "TMPDIR",
    "TZ",
    "LANG",
    "HOSTNAME",
    // Set by every platform that routes traffic to the app (Heroku,
    // Render, Railway, Cloud Run, Fly).
    "PORT",
    // Terminal conventions the user sets (no-color.org, force-color.org).
    "NO_COLOR",
    "FORCE_COLOR",
    "TERM",
    // Runtimes and toolchains. Cargo sets `CARGO_*` and a build script's
    // `OUT_DIR` for `env!` at compile time.
    "CARGO_*",
    "OUT_DIR",
    "NODE_ENV",
    "NODE_OPTIONS",
    "npm_*",
    "INIT_CWD",
    "NEXT_RUNTIME",
    "NEXT_PHASE",
    "RAILS_ENV",
    "RACK_ENV",
    "BUNDLE_*",
    "BUNDLER_VERSION",
    "WEB_CONCURRENCY",
    "PIDFILE",
    "DJANGO_SETTINGS_MODULE",
    "PYTHONPATH",
    "PYTHONUNBUFFERED",
    // CI.
    "CI",
    "GITHUB_*",
    "RUNNER_*",
    // Hosting platforms (each documents these as set by the platform).
    "VERCEL",
    "VERCEL_*",
    "NEXT_PUBLIC_VERCEL_*",
    "NETLIFY",
    "NETLIFY_*",
    "RAILWAY_*",
    "RENDER",
    "RENDER_*",
    "HEROKU_*",
    "DYNO",
    "FLY_*",
    "K_SERVICE",
    "K_REVISION",
    "K_CONFIGURATION",
    "OPENSHIFT_*",
    "AWS_LAMBDA_*",
    "AWS_EXECUTION_ENV",
    "LAMBDA_TASK_ROOT",
];
/// Names that look secret (case-insensitive globs).
pub const DEFAULT_SECRET_NAMES: &[&str] = &[
    "*SECRET*",
    "*_KEY",
    "*TOKEN*",
    "*PASSWORD*",
    "*PASSWD*",
    "*PRIVATE*",
];
/// Secret-looking names that are not secrets: public or publishable keys,
/// ids, and settings that merely mention a secret.
pub const NOT_SECRET_NAMES: &[&str] = &[
    "*PUBLISHABLE*",
    "*PUBLIC*",
    "*_ANON_KEY",
    "*_SITE_KEY",
    "*_ID",
    "*_URL",
    "*_URI",
    "*_HOST",
    "*_PORT",
    "*_NAME",
    "*_PATH",
    "*_FILE",
    "*_EXPIRES_IN",
    "*_EXPIRY",
    "*_EXPIRES",
    "*_TTL",
    "*_ALGORITHM",
    "*_LENGTH",
    "*_VERSION",
];
/// Minimum lengths by name; the first match wins, 32 otherwise.
pub const DEFAULT_MIN_LENGTHS: &[(&str, usize)] = &[
    ("*JWT*", 64),
    ("*SESSION*", 64),
    ("*COOKIE*", 64),
    ("*SIGNING*", 64),
    ("*ENCRYPTION*", 64),
];
pub const DEFAULT_MIN_LENGTH: usize = 32;

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawEnv {
    templates: Option<Vec<String>>,
    production: Option<Vec<String>>,
    environments: Option<BTreeMap<String, Vec<String>>>,
    accessors: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    /// Variable-name globs whose `localhost` value reaches a proxy or
    /// sidecar running next to the app (Cloud SQL proxy, pgbouncer).
    local_proxies: Option<Vec<String>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawSecrets {
    names: Option<Vec<String>>,
    min_length: Option<BTreeMap<String, usize>>,
}

#[derive(Debug)]
pub struct EnvSettings {
    /// File names that are templates.
    pub templates: Vec<String>,
    /// Production env files (repo-relative or absolute).
    pub production: Vec<String>,
    /// Whether `production` came from the config (then a missing file is an
    /// error) or is the default (`.env.production` when present).
    pub production_configured: bool,
    /// Extra named environments and their files.
    pub environments: Vec<(String, Vec<String>)>,
    pub accessor_names: Vec<String>,
    pub accessors: Vec<Regex>,
    ignore: NameSet,
    local_proxies: NameSet,
}

impl EnvSettings {
    pub fn is_ignored(&self, name: &str) -> bool {
        self.ignore.is_match(name)
    }

    /// `env.local-proxies`: does `name`'s localhost value reach a local
    /// proxy or sidecar (so it is right in production)?
    pub fn is_local_proxy(&self, name: &str) -> bool {
        self.local_proxies.is_match(name)
    }

    /// A configured template name, or an env file named as an example:
    /// `.env.local.example`, `.env.test.sample`, `example.env`,
    /// `.env-template`, `.env.dist` (a part of the name, split at `.`, `-`
    /// and `_`, says so).
    pub fn is_template_name(&self, file_name: &str) -> bool {
        self.templates.iter().any(|t| t == file_name)
            || file_name.split(['.', '-', '_']).any(|part| {
                matches!(
                    part.to_ascii_lowercase().as_str(),
                    "example" | "examples" | "sample" | "template" | "tmpl" | "tpl" | "dist"
                )
            })
    }
}

#[derive(Debug)]
pub struct SecretSettings {
    names: NameSet,
    not_names: NameSet,
    min_lengths: Vec<(NameSet, usize)>,
}

impl SecretSettings {
    /// Does the variable name look like it holds a secret?
    pub fn is_secret_name(&self, name: &str) -> bool {
        self.names.is_match(name) && !self.not_names.is_match(name)
    }

    pub fn min_length(&self, name: &str) -> usize {
        self.min_lengths
            .iter()
            .find(|(g, _)| g.is_match(name))
            .map_or(DEFAULT_MIN_LENGTH, |(_, n)| *n)
    }
}

fn name_glob(pattern: &str) -> Result<globset::Glob, String> {
    GlobBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .map_err(|e| format!("bad name pattern {pattern:?}: {e}"))
}

fn name_globs(patterns: &[String]) -> Result<NameSet, String> {
    NameSet::new(patterns)
}

/// Case-insensitive globs over variable names. Nearly every pattern is a
/// name with `*` wildcards (`*_KEY`, `npm_*`, `*SECRET*`): those match
/// ASCII names piece by piece, with no regex to compile (compiling the
/// default lists' globs was a fifth of a small app's run). A pattern with
/// other glob syntax is compiled, with the rest, at once (and so checked);
/// a name that is not ASCII goes through the compiled globs, built on
/// first use, for Unicode case folding.
#[derive(Debug, Clone)]
pub struct NameSet {
    patterns: Vec<String>,
    /// Each pattern split at its `*`s, when all of them are plain.
    pieces: Option<Vec<Vec<String>>>,
    globs: std::sync::OnceLock<GlobSet>,
}

impl NameSet {
    fn new(patterns: &[String]) -> Result<NameSet, String> {
        // `**` is glob syntax of its own (a whole path component, else
        // an error): compiled, as before.
        let plain = |p: &String| {
            p.is_ascii() && !p.contains(['?', '[', ']', '{', '}', '\\', '!']) && !p.contains("**")
        };
        let set = NameSet {
            patterns: patterns.to_vec(),
            pieces: patterns.iter().all(plain).then(|| {
                patterns
                    .iter()
                    .map(|p| p.split('*').map(String::from).collect())
                    .collect()
            }),
            globs: std::sync::OnceLock::new(),
        };
        if set.pieces.is_none() {
            let globs = set.compile()?;
            let _ = set.globs.set(globs);
        }
        Ok(set)
    }

    fn compile(&self) -> Result<GlobSet, String> {
        let mut b = GlobSetBuilder::new();
        for p in &self.patterns {
            b.add(name_glob(p)?);
        }
        b.build().map_err(|e| e.to_string())
    }

    pub fn is_match(&self, name: &str) -> bool {
        match &self.pieces {
            Some(pieces) if name.is_ascii() => pieces.iter().any(|p| wildcard_match(p, name)),
            _ => self
                .globs
                .get_or_init(|| self.compile().unwrap_or_else(|_| GlobSet::empty()))
                .is_match(name),
        }
    }
}

/// `name` matches the pattern whose `*`-separated `pieces` these are,
/// ASCII case ignored: it starts with the first, ends with the last, and
/// holds the others in order between them.
fn wildcard_match(pieces: &[String], name: &str) -> bool {
    let name = name.as_bytes();
    let (first, middle, last) = match pieces {
        [] => return false,
        [only] => return name.eq_ignore_ascii_case(only.as_bytes()),
        [first, middle @ .., last] => (first, middle, last),
    };
    let (first, last) = (first.as_bytes(), last.as_bytes());
    if name.len() < first.len() + last.len()
        || !name[..first.len()].eq_ignore_ascii_case(first)
        || !name[name.len() - last.len()..].eq_ignore_ascii_case(last)
    {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for piece in middle
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.as_bytes())
    {
        match rest
            .windows(piece.len())
            .position(|w| w.eq_ignore_ascii_case(piece))
        {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// The accessor regex for a configured function name such as `env`,
/// `getEnv` or `config.get`: `name("X")` with an optional second argument.
/// Compiled here, with the rest of the settings, so that the config
/// depends on nothing that depends on it.
pub fn accessor_regex(name: &str) -> Result<Regex, regex::Error> {
    Regex::new(&format!(
        r#"(?:^|[^\w$.]){}\(\s*['"`]([A-Za-z_][A-Za-z0-9_]*)['"`]\s*(,)?"#,
        regex::escape(name)
    ))
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

pub(super) fn resolve_env(raw: Option<RawEnv>) -> Result<EnvSettings, String> {
    let raw = raw.unwrap_or_default();
    let accessor_names = raw.accessors.unwrap_or_default();
    let accessors = accessor_names
        .iter()
        .map(|a| accessor_regex(a).map_err(|e| format!("env.accessors: {a:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut ignore = strs(DEFAULT_IGNORED);
    ignore.extend(raw.ignore.unwrap_or_default());
    Ok(EnvSettings {
        templates: raw.templates.unwrap_or_else(|| strs(DEFAULT_TEMPLATES)),
        production_configured: raw.production.is_some(),
        production: raw
            .production
            .unwrap_or_else(|| vec![DEFAULT_PRODUCTION_FILE.to_string()]),
        environments: raw.environments.unwrap_or_default().into_iter().collect(),
        accessor_names,
        accessors,
        ignore: name_globs(&ignore)?,
        local_proxies: name_globs(&raw.local_proxies.unwrap_or_default())?,
    })
}

pub(super) fn resolve_secrets(raw: Option<RawSecrets>) -> Result<SecretSettings, String> {
    let raw = raw.unwrap_or_default();
    let mut min_lengths = Vec::new();
    for (pattern, n) in raw.min_length.unwrap_or_default() {
        min_lengths.push((NameSet::new(&[pattern])?, n));
    }
    for (pattern, n) in DEFAULT_MIN_LENGTHS {
        min_lengths.push((NameSet::new(&[pattern.to_string()])?, *n));
    }
    Ok(SecretSettings {
        names: name_globs(&raw.names.unwrap_or_else(|| strs(DEFAULT_SECRET_NAMES)))?,
        not_names: name_globs(&strs(NOT_SECRET_NAMES))?,
        min_lengths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lists() -> Vec<Vec<String>> {
        vec![
            strs(DEFAULT_IGNORED),
            strs(DEFAULT_SECRET_NAMES),
            strs(NOT_SECRET_NAMES),
            strs(&["*JWT*", "a*b*c", "X", "*_*_KEY", "STRIPE_*_SECRET", "ab*ab"]),
            strs(&["*"]),
        ]
    }

    const PIECES: &[&str] = &[
        "A", "B", "C", "ab", "X", "_", "KEY", "SECRET", "secret", "jwt", "PUBLIC", "npm", "CARGO",
        "STRIPE", "ID", "Ünï", "ß", "K", "\u{212A}", "PORT", "port", "HOME",
    ];

    proptest! {
        /// The piece-by-piece match says what the compiled globs say, in
        /// any case and for names that are not ASCII.
        #[test]
        fn name_sets_match_as_the_globs_do(parts in proptest::collection::vec(0..PIECES.len(), 0..6)) {
            static SETS: std::sync::LazyLock<Vec<(NameSet, GlobSet)>> = std::sync::LazyLock::new(|| {
                lists()
                    .iter()
                    .map(|l| {
                        let mut b = GlobSetBuilder::new();
                        for p in l {
                            b.add(name_glob(p).unwrap());
                        }
                        (NameSet::new(l).unwrap(), b.build().unwrap())
                    })
                    .collect()
            });
            let name: String = parts.iter().map(|&i| PIECES[i]).collect();
            for (fast, slow) in SETS.iter() {
                prop_assert!(fast.pieces.is_some());
                prop_assert_eq!(fast.is_match(&name), slow.is_match(&name), "{} in {:?}", name, fast.patterns);
            }
        }
    }

    /// Glob syntax beyond `*` is compiled at once, so a bad pattern is
    /// still an error of the config.
    #[test]
    fn other_glob_syntax_is_compiled_and_checked() {
        let set = NameSet::new(&["API_?EY".to_string()]).unwrap();
        assert!(set.pieces.is_none());
        assert!(set.is_match("api_key") && !set.is_match("API_KEYS"));
        assert!(NameSet::new(&["A[".to_string()]).is_err());
    }
}
