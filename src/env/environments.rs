//! The environments a deploy runs with: production (config files, then
//! `--env-file`, then `--env-from-process`) and named extras such as
//! staging. Values are secrets: nothing here formats one.

use super::dotenv::{self, EnvFile};
use crate::config::Settings;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An env file; `path` is repo-relative when the file is inside the
    /// repository, else as given on the command line.
    File {
        path: String,
        line: u32,
        column: u32,
    },
    Process,
}

#[derive(Debug, Clone)]
pub struct EnvValue {
    pub key: String,
    pub value: String,
    pub origin: Origin,
}

/// One env file as loaded, for the syntax and duplicate-key rules.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub path: String,
    pub parsed: EnvFile,
    /// Outside the repository (`--env-file ../deploy/prod.env`): findings
    /// cannot point into it (SARIF and annotations need repository paths).
    pub outside: bool,
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    /// Production rules (test keys, debug mode) apply.
    pub is_production: bool,
    /// Human-readable list of sources, e.g. `.env.production, process environment`.
    pub sources: Vec<String>,
    pub files: Vec<LoadedFile>,
    /// The effective value of each key: later sources override earlier ones.
    pub values: BTreeMap<String, EnvValue>,
    /// Process environment included: keys not declared anywhere are not
    /// judged (the process carries PATH, HOME and CI's own variables).
    pub from_process: bool,
    /// Named by the user (`env.production`/`env.environments` in the
    /// config, `--env-file`, `--env-from-process`) rather than found by
    /// default (`.env.production` at the root).
    pub explicit: bool,
}

impl Environment {
    fn new(name: &str, is_production: bool) -> Self {
        Environment {
            name: name.to_string(),
            is_production,
            sources: Vec::new(),
            files: Vec::new(),
            values: BTreeMap::new(),
            from_process: false,
            explicit: true,
        }
    }

    /// Add the env file `given` (absolute, or relative to `root`); `label`
    /// names it in errors (`env file .env.staging`, `--env-file prod.env`).
    fn add_file(
        &mut self,
        root: &Path,
        given: &str,
        required: bool,
        label: &str,
    ) -> anyhow::Result<()> {
        let path = if Path::new(given).is_absolute() {
            PathBuf::from(given)
        } else {
            root.join(given)
        };
        if !path.exists() {
            if required {
                anyhow::bail!("{label} for the {} environment does not exist", self.name);
            }
            return Ok(());
        }
        let bytes = crate::input_file::read(&path, label, crate::input_file::MAX_ENV_FILE)?;
        let text = String::from_utf8_lossy(&bytes);
        let display = display_path(root, &path, given);
        let parsed = dotenv::parse(&text);
        for e in &parsed.entries {
            self.values.insert(
                e.key.clone(),
                EnvValue {
                    key: e.key.clone(),
                    value: e.value.clone(),
                    origin: Origin::File {
                        path: display.clone(),
                        line: e.line,
                        column: e.column,
                    },
                },
            );
        }
        self.sources.push(display.clone());
        let outside = Path::new(&display).is_absolute() || display.starts_with("..");
        self.files.push(LoadedFile {
            path: display,
            parsed,
            outside,
        });
        Ok(())
    }

    fn add_process(&mut self, vars: &BTreeMap<String, String>) {
        for (key, value) in vars {
            self.values.insert(
                key.to_string(),
                EnvValue {
                    key: key.to_string(),
                    value: value.to_string(),
                    origin: Origin::Process,
                },
            );
        }
        self.from_process = true;
        self.sources.push("process environment".to_string());
    }

    pub fn describe(&self) -> String {
        format!("{} environment ({})", self.name, self.sources.join(", "))
    }
}

/// Repo-relative with `/` when inside `root`, else as given.
fn display_path(root: &Path, path: &Path, given: &str) -> String {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    match canon(path).strip_prefix(canon(root)) {
        Ok(rel) => crate::workspace::relative(Path::new(""), rel),
        Err(_) => given.to_string(),
    }
}

/// Load every environment. Production exists when any of its sources does;
/// an explicitly named file that does not exist is an error (exit 2).
pub fn load(
    root: &Path,
    settings: &Settings,
    env_files: &[PathBuf],
    process: Option<&BTreeMap<String, String>>,
) -> anyhow::Result<Vec<Environment>> {
    let mut production = Environment::new("production", true);
    production.explicit =
        settings.env.production_configured || !env_files.is_empty() || process.is_some();
    for f in &settings.env.production {
        production.add_file(
            root,
            f,
            settings.env.production_configured,
            &format!("env file {f}"),
        )?;
    }
    for f in env_files {
        let given = f.to_string_lossy();
        let abs = if f.is_absolute() {
            f.clone()
        } else {
            std::env::current_dir().unwrap_or_default().join(f)
        };
        production.add_file(
            root,
            &abs.to_string_lossy(),
            true,
            &format!("--env-file {given}"),
        )?;
        // Show the path as the user typed it when it lives outside the repo.
        if let Some(last) = production.files.last_mut() {
            if Path::new(&last.path).is_absolute() {
                last.path = given.to_string();
                relabel(&mut production, &abs.to_string_lossy(), &given);
            }
        }
    }
    if let Some(vars) = process {
        production.add_process(vars);
    }
    let mut out = Vec::new();
    if !production.sources.is_empty() {
        out.push(production);
    }
    for (name, files) in &settings.env.environments {
        let mut env = Environment::new(name, false);
        for f in files {
            env.add_file(root, f, true, &format!("env file {f}"))?;
        }
        out.push(env);
    }
    Ok(out)
}

fn relabel(env: &mut Environment, from: &str, to: &str) {
    for s in &mut env.sources {
        if s == from {
            *s = to.to_string();
        }
    }
    for v in env.values.values_mut() {
        if let Origin::File { path, .. } = &mut v.origin {
            if path == from {
                *path = to.to_string();
            }
        }
    }
}

/// Register with the redactor ([`crate::redact`]) every value of `envs`
/// that is, or holds, a secret, before any finding is rendered: the value
/// of a secret-named variable; the password of any URL; a value (or a URL
/// path segment) that scores as random. Process values are judged by score
/// only for names the repository knows (`known`): CI's own variables (a
/// commit sha, run ids) are random but not secrets, and would mangle the
/// output.
pub fn register_secrets(
    envs: &[Environment],
    settings: &Settings,
    known: &std::collections::BTreeSet<&str>,
) {
    use crate::redact;
    for env in envs {
        for v in env.values.values() {
            redact::register_url_credentials(&v.value);
            if settings.secrets.is_secret_name(&v.key) {
                redact::register(&v.value);
                continue;
            }
            if v.origin == Origin::Process && !known.contains(v.key.as_str()) {
                continue;
            }
            if v.value.contains("://") {
                // Path segments and query values, not hosts or user names.
                for segment in v
                    .value
                    .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '~' | '+')))
                {
                    if crate::redact::looks_random(segment) {
                        redact::register(segment);
                    }
                }
            } else if crate::redact::looks_random(&v.value) {
                redact::register(&v.value);
            }
        }
    }
}
