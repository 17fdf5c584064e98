//! `shipcheck check`: load settings, walk once, run the checks, apply the
//! policy, and hand back a [`Report`] for the renderers.

use crate::checks::repo::RepoFacts;
use crate::checks::{self, Context, FileChecker, TodoCounts};
use crate::config::{Settings, CONFIG_FILE};
use crate::env::environments;
use crate::finding::{self, Finding};
use crate::migrations::{discover, live, RepoFile};
use crate::policy;
use crate::report::{MigrationSetSummary, Report};
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
    /// `--base`: the ref the git-aware rules compare against.
    pub base: Option<String>,
    /// `--database-url`: read migration status from this database.
    pub database_url: Option<String>,
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
    let scan = workspace::scan(&opts.root, &settings, discover::is_relevant, |file| {
        let mut outcome = checker.check(file);
        if discover::is_relevant(file.rel) {
            outcome.repo_files.push(RepoFile {
                rel: file.rel.to_string(),
                text: file.text.to_string(),
            });
        }
        outcome
    })?;

    let mut findings: Vec<Finding> = Vec::new();
    let mut suppressions = Vec::new();
    let mut todos = TodoCounts::default();
    let mut reads = Vec::new();
    let mut templates = Vec::new();
    let mut repo_files = Vec::new();
    for (_, outcome) in scan.results {
        findings.extend(outcome.findings);
        suppressions.extend(outcome.suppressions);
        todos += outcome.todos;
        reads.extend(outcome.env_reads);
        templates.extend(outcome.templates);
        repo_files.extend(outcome.repo_files);
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
    let migration_sets = discover::discover(&repo_files);
    let history = crate::git::base_ref(opts.base.as_deref())
        .map(|base| crate::git::diff_against(&opts.root, &base));
    let database_label = opts.database_url.as_deref().map(live::redact_url);
    let live_report = match &opts.database_url {
        Some(url) => {
            let live_opts = live::LiveOptions {
                url: url.clone(),
                connect_timeout: std::time::Duration::from_secs(10),
                statement_timeout: std::time::Duration::from_secs(15),
            };
            Some(
                live::live_status(&opts.root, &migration_sets, &live_opts)
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
            )
        }
        None => None,
    };
    let facts = RepoFacts {
        reads: &reads,
        templates: &templates,
        environments: &environments,
        tracked_env_files: tracked_env_files.as_deref(),
        root: &opts.root,
        migration_sets: &migration_sets,
        history: history.as_ref(),
        live: live_report.as_ref(),
        database_label: database_label.as_deref(),
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
        migration_sets: migration_sets
            .iter()
            .map(|s| MigrationSetSummary {
                framework: s.framework.name(),
                dir: s.dir.clone(),
                migrations: s.migrations.len(),
            })
            .collect(),
        environments: environments
            .iter()
            .map(|e| (e.name.clone(), e.sources.clone()))
            .collect(),
        elapsed: started.elapsed(),
    })
}
