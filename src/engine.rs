//! `shipcheck check`: load settings, walk once, run the checks, apply the
//! policy, and hand back a [`Report`] for the renderers.

use crate::checks::repo::RepoFacts;
use crate::checks::{self, Context, FileChecker, TodoCounts};
use crate::config::{Settings, CONFIG_FILE};
use crate::env::environments;
use crate::finding::{self, Finding};
use crate::policy;
use crate::report::Report;
use crate::workspace;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Default, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    /// `--config`; default `.shipcheck.yml` at the root, else embedded defaults.
    pub config: Option<PathBuf>,
    /// `--branch`.
    pub branch: Option<String>,
    /// `--env-file`: production env files, possibly outside the repository.
    pub env_files: Vec<PathBuf>,
    /// `--env-from-process`: the process environment is part of production.
    pub env_from_process: bool,
}

/// The settings for a run: `--config`, else `.shipcheck.yml` at `root`,
/// else the embedded defaults.
pub fn load_settings(root: &Path, config: Option<&Path>) -> anyhow::Result<Settings> {
    match config {
        Some(path) => Settings::load(path),
        None => {
            let path = root.join(CONFIG_FILE);
            if path.is_file() {
                Settings::load(&path)
            } else {
                Ok(Settings::defaults())
            }
        }
    }
}

pub fn check(opts: &CheckOptions) -> anyhow::Result<Report> {
    let started = Instant::now();
    if !opts.root.exists() {
        anyhow::bail!("path {} does not exist", opts.root.display());
    }
    let settings = load_settings(&opts.root, opts.config.as_deref())?;
    let today = checks::today()?;
    let checker = FileChecker::new(Context {
        settings: &settings,
        today,
    });
    let scan = workspace::scan(&opts.root, &settings, |file| checker.check(file))?;

    let mut findings: Vec<Finding> = Vec::new();
    let mut suppressions = Vec::new();
    let mut todos = TodoCounts::default();
    let mut reads = Vec::new();
    let mut templates = Vec::new();
    for (_, outcome) in scan.results {
        findings.extend(outcome.findings);
        suppressions.extend(outcome.suppressions);
        todos += outcome.todos;
        reads.extend(outcome.env_reads);
        templates.extend(outcome.templates);
    }
    // Results come sorted by path; keep reads in line order within a file.
    reads.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    let environments = environments::load(
        &opts.root,
        &settings,
        &opts.env_files,
        opts.env_from_process,
    )?;
    let tracked_env_files = crate::git::tracked_env_files(&opts.root);
    let facts = RepoFacts {
        reads: &reads,
        templates: &templates,
        environments: &environments,
        tracked_env_files: tracked_env_files.as_deref(),
    };
    for check in checks::REPO_CHECKS {
        check.check_repo(&facts, checker.context(), &mut findings);
    }
    if let Some(level) = settings.level("scan/unreadable") {
        for e in &scan.unreadable {
            let mut f = Finding::new(
                "scan/unreadable",
                level,
                format!("could not read: {}", e.message),
                "fix the permissions (`chmod a+r`) or exclude the path in .shipcheck.yml `paths.exclude`",
            );
            f.path = (!e.rel.is_empty()).then(|| e.rel.clone());
            findings.push(f);
        }
    }
    let suppressed = policy::apply_suppressions(&mut findings, &suppressions, &settings);
    finding::finalize(&mut findings);
    let branch = policy::target_branch(opts.branch.as_deref(), || {
        crate::git::current_branch(&opts.root)
    });
    let verdict = policy::verdict(&findings, &settings, branch);
    Ok(Report {
        findings,
        verdict,
        files_scanned: scan.files_scanned,
        skipped: scan.skipped,
        suppressed,
        todos,
        elapsed: started.elapsed(),
    })
}
