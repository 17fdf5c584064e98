//! The `env:` and `secrets:` sections of `.shipcheck.yml`.

use globset::{GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
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
    // Runtimes and toolchains.
    "CARGO_*",
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
    ignore: GlobSet,
    local_proxies: GlobSet,
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
    names: GlobSet,
    not_names: GlobSet,
    min_lengths: Vec<(GlobMatcher, usize)>,
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

fn name_globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(name_glob(p)?);
    }
    b.build().map_err(|e| e.to_string())
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
        min_lengths.push((name_glob(&pattern)?.compile_matcher(), n));
    }
    for (pattern, n) in DEFAULT_MIN_LENGTHS {
        min_lengths.push((name_glob(pattern)?.compile_matcher(), *n));
    }
    Ok(SecretSettings {
        names: name_globs(&raw.names.unwrap_or_else(|| strs(DEFAULT_SECRET_NAMES)))?,
        not_names: name_globs(&strs(NOT_SECRET_NAMES))?,
        min_lengths,
    })
}
