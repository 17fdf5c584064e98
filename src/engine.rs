//! `shipcheck check`: load settings, walk once, run the checks, apply the
//! policy, and hand back a [`Report`] for the renderers.

use crate::baseline::{self, Applied, Baseline, BaselineFile, Entry, Rewrite};
use crate::checks::repo::RepoFacts;
use crate::checks::{self, Context, Date, FileChecker, TodoCounts};
use crate::config::{Settings, CONFIG_FILE};
use crate::env::environments;
use crate::finding::{self, Finding, Span};
use crate::git::HistoryProblem;
use crate::migrations::{discover, live, RepoFile};
use crate::policy;
use crate::report::{MigrationSetSummary, Report};
use crate::rules::Rule;
use crate::run_context::RunContext;
use crate::workspace::{self, Skipped};
use std::path::{Path, PathBuf};
use std::time::Instant;

mod coverage;
mod live_sets;
mod outside;

use coverage::{not_checked, required_but_not_checked, NotCheckedFacts};
use live_sets::live_checks;
use outside::relocate_outside_env_findings;

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
    /// `--baseline`: accept the findings recorded there (default:
    /// [`baseline::FILE`] at the root, if present).
    pub baseline: Option<PathBuf>,
    /// `--new-only`: report only findings on lines changed since the base.
    pub new_only: bool,
    /// `--fail-on`: overrides the config's `fail-on`.
    pub fail_on: Option<crate::finding::Level>,
    /// `--online`: look up the GitHub issues TODOs reference
    /// (`todo/closed-issue`). Off: no network for it at all.
    pub online: bool,
}

/// The settings for a run: `--config`, else `.shipcheck.yml` at `root`,
/// else the embedded defaults.
pub fn load_settings(root: &Path, config: Option<&Path>) -> anyhow::Result<Settings> {
    match config {
        Some(path) => crate::registry::load_settings(path),
        None => {
            let path = root.join(CONFIG_FILE);
            if path.is_file() {
                crate::registry::load_settings(&path)
            } else {
                Ok(Settings::defaults())
            }
        }
    }
}

/// Everything one walk and the checks produced, before baseline and
/// `--new-only`.
struct Collected {
    started: Instant,
    settings: Settings,
    today: Date,
    /// After suppressions; not yet fingerprinted.
    findings: Vec<Finding>,
    suppressed: usize,
    files_scanned: usize,
    skipped: Skipped,
    todos: TodoCounts,
    migration_sets: Vec<MigrationSetSummary>,
    environments: Vec<(String, Vec<String>)>,
    not_checked: Vec<(crate::rules::Area, String)>,
    /// What the run had, for `require:`.
    coverage: NotCheckedFacts,
    /// With `--new-only`: the lines new since its base, or why they could
    /// not be told.
    new_lines: Option<Result<crate::git::NewLines, HistoryProblem>>,
}

/// One `shipcheck check`: `ctx` is what `main` read from the process once
/// (date, Actions variables and event, the environment).
pub fn check(opts: &CheckOptions, ctx: &RunContext) -> anyhow::Result<Report> {
    // Read the baseline first: a broken one fails before the walk.
    let baseline_path = match &opts.baseline {
        Some(p) => Some(p.clone()),
        None => Some(opts.root.join(baseline::FILE)).filter(|p| p.is_file()),
    };
    let baseline_file = baseline_path
        .as_deref()
        .map(BaselineFile::load)
        .transpose()?;
    let mut c = collect(opts, ctx)?;
    finding::finalize(&mut c.findings);

    let mut baselined = 0;
    let mut about_baseline = Vec::new();
    if let (Some(path), Some(file)) = (&baseline_path, &baseline_file) {
        let applied = file.baseline.apply(&mut c.findings, c.today);
        baselined = applied.hidden;
        let shown = display_path(&opts.root, path);
        about_baseline = baseline_findings(&c.settings, file, &shown, &applied);
    }
    let new_only = match &c.new_lines {
        Some(Ok(lines)) => {
            policy::keep_new(&mut c.findings, lines);
            true
        }
        _ => false,
    };
    let branch = policy::target_branch(opts.branch.as_deref(), ctx, || {
        crate::git::current_branch(&opts.root)
    });
    // `require:` turns "not checked" into a blocking finding on release
    // branches (an unknown target counts as one).
    if policy::is_release_target(&c.settings, branch.as_deref()) {
        about_baseline.extend(required_but_not_checked(
            &c.settings,
            &c.coverage,
            &c.not_checked,
        ));
    }
    // Fingerprinted on their own: the occurrence counters of the other
    // findings must not depend on what the baseline hid.
    finding::finalize(&mut about_baseline);
    c.findings.extend(about_baseline);
    c.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let verdict = policy::verdict(&c.findings, &c.settings, branch);
    let mut report = Report {
        findings: c.findings,
        verdict,
        files_scanned: c.files_scanned,
        skipped: c.skipped,
        suppressed: c.suppressed,
        baselined,
        new_only,
        todos: c.todos,
        migration_sets: c.migration_sets,
        environments: c.environments,
        not_checked: c.not_checked,
        elapsed: c.started.elapsed(),
        rules: crate::registry::all(),
    };
    report.redact();
    Ok(report)
}

/// `shipcheck baseline`: every current finding (no baseline applied, no
/// `--new-only`) as a baseline. Entries of `previous` that still match keep
/// their reason and expiry; new ones get `reason` and `expires`.
pub fn baseline(
    opts: &CheckOptions,
    ctx: &RunContext,
    previous: Option<&Baseline>,
    reason: Option<&str>,
    expires: Option<&str>,
) -> anyhow::Result<(Baseline, Rewrite)> {
    let mut c = collect(opts, ctx)?;
    finding::finalize(&mut c.findings);
    Ok(Baseline::from_findings(
        &c.findings,
        previous,
        reason,
        expires,
    ))
}

/// `path` as findings show it: relative to the root with `/` when inside it.
fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// `scan/stale-baseline` and `scan/expired-baseline`, placed on the entry's
/// line in the baseline file.
fn baseline_findings(
    settings: &Settings,
    file: &BaselineFile,
    shown: &str,
    applied: &Applied,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |rule: &'static Rule, entry: &Entry, message: String, help: &str| {
        let Some(level) = settings.level(rule) else {
            return;
        };
        let mut f = Finding::new(rule, level, message, help);
        match file.position_of(&entry.fingerprint) {
            Some((line, column)) => {
                let span = Span {
                    line,
                    column,
                    end_line: line,
                    end_column: column + entry.fingerprint.chars().count() as u32 + 2,
                };
                f = f.at(shown, span, file.line_text(line));
            }
            None => f.path = Some(shown.to_string()),
        }
        out.push(f);
    };
    for e in &applied.stale {
        push(
            &crate::baseline::STALE_BASELINE,
            e,
            format!(
                "baseline entry for {} matches no finding any more: remove it",
                e.describe()
            ),
            "run `shipcheck baseline` to rewrite the file without it (the other entries keep their reasons and expiry), or delete the entry by hand",
        );
    }
    for e in &applied.expired {
        let reason = e
            .reason
            .as_deref()
            .map(|r| format!(" (reason: {r})"))
            .unwrap_or_default();
        push(
            &crate::baseline::EXPIRED_BASELINE,
            e,
            format!(
                "baseline entry for {} expired on {}{reason}: its finding is reported again",
                e.describe(),
                e.expires.as_deref().unwrap_or("?")
            ),
            "fix the finding, or set a later `expires` on the entry if accepting it is still right",
        );
    }
    out
}

/// Walk once, run every check, apply suppressions.
fn collect(opts: &CheckOptions, ctx: &RunContext) -> anyhow::Result<Collected> {
    let started = Instant::now();
    // Before anything can fail and quote it: the URL's password, however
    // malformed the URL is.
    if let Some(url) = &opts.database_url {
        crate::redact::register_url_credentials(url);
    }
    if !opts.root.exists() {
        anyhow::bail!("path {} does not exist", opts.root.display());
    }
    let mut settings = load_settings(&opts.root, opts.config.as_deref())?;
    if let Some(level) = opts.fail_on {
        settings.fail_on = level;
    }
    let today = ctx.today;
    // Loaded before the walk so that every secret they hold is registered
    // with the redactor before any finding's text is made (a TODO quoting
    // a production secret is cut for display, and a cut secret could no
    // longer be recognised).
    let environments = environments::load(
        &opts.root,
        &settings,
        &opts.env_files,
        opts.env_from_process.then(|| ctx.vars()),
    )?;
    environments::register_secrets(&environments, &settings, &Default::default());
    let checker = FileChecker::new(Context {
        settings: &settings,
        today,
    });
    if crate::git::is_bare_repository(&opts.root) {
        anyhow::bail!(
            "{} is a bare git repository: it has no working tree to check; run shipcheck on a checkout",
            opts.root.display()
        );
    }
    let repo = crate::git::repository(&opts.root);
    let scan = workspace::scan(
        &opts.root,
        &settings,
        &repo,
        discover::is_relevant,
        |file| {
            let mut outcome = checker.check(file);
            if discover::is_relevant(file.rel) {
                outcome.repo_files.push(RepoFile {
                    rel: file.rel.to_string(),
                    text: file.text.to_string(),
                });
            }
            outcome
        },
    )?;

    let mut findings: Vec<Finding> = Vec::new();
    for (rel, hit) in &scan.swept {
        findings.extend(checks::stripe_keys::swept_finding(
            checker.context(),
            rel,
            hit,
        ));
    }
    if let crate::git::Repository::Unavailable(why) = &repo {
        if let Some(level) = settings.level(&crate::scan::GIT_UNAVAILABLE) {
            findings.push(Finding::new(
                &crate::scan::GIT_UNAVAILABLE,
                level,
                format!(
                    "git could not read this repository ({why}), so these were not judged: which env files are committed (env/committed-env-file), the changes against the base branch, and which files git tracks (the files on disk were scanned, .gitignore honoured)"
                ),
                "install git in the job's image; if git says \"dubious ownership\", run shipcheck as the checkout's owner (shipcheck already trusts the one repository it checks for its own git commands)",
            ));
        }
    }
    let mut suppressions = Vec::new();
    let mut todos = TodoCounts::default();
    let mut reads = Vec::new();
    let mut templates = Vec::new();
    let mut repo_files = Vec::new();
    let mut issue_refs = Vec::new();
    for (_, outcome) in scan.results {
        findings.extend(outcome.findings);
        suppressions.extend(outcome.suppressions);
        todos += outcome.todos;
        reads.extend(outcome.env_reads);
        templates.extend(outcome.templates);
        repo_files.extend(outcome.repo_files);
        issue_refs.extend(outcome.issue_refs);
    }
    // Results come sorted by path; keep reads in line order within a file.
    reads.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    // Now that the code's reads are known: process values by score too.
    environments::register_secrets(
        &environments,
        &settings,
        &checks::repo::known_names(&reads, &templates),
    );
    let migration_sets = discover::discover(&repo_files);
    let history = crate::git::base_ref(opts.base.as_deref(), ctx)
        .map(|base| crate::git::diff_against(&opts.root, &base));
    // The facts the git-aware migration rules compare, read now so that
    // the checks read nothing.
    let set_history: Vec<_> = match &history {
        Some(Ok(diff)) => migration_sets
            .iter()
            .map(|set| crate::migrations::history::gather(&opts.root, set, diff))
            .collect(),
        _ => Vec::new(),
    };
    // `--new-only`'s base and new lines: history facts too, so that one
    // check words every history problem once.
    let new_lines = opts.new_only.then(|| {
        let base = crate::git::new_only_base_of(opts.base.as_deref(), ctx);
        crate::git::new_lines(&opts.root, &base)
    });
    let database_label = opts.database_url.as_deref().map(live::redact_url);
    let live = live_checks(opts, ctx, &settings, &migration_sets)?;
    let live_report = live.report;
    let facts = RepoFacts {
        reads: &reads,
        templates: &templates,
        environments: &environments,
        tracked_env_files: scan.tracked_env_files.as_deref(),
        migration_sets: &migration_sets,
        history: history.as_ref(),
        set_history: &set_history,
        new_lines: new_lines.as_ref(),
        live: live_report.as_ref(),
        database_label: database_label.as_deref(),
    };
    for check in checks::REPO_CHECKS {
        check.check_repo(&facts, checker.context(), &mut findings);
    }
    relocate_outside_env_findings(&mut findings, &environments, &templates);
    if opts.online {
        findings.extend(crate::github::issues::check(
            ctx,
            &opts.root,
            &settings,
            &issue_refs,
        ));
    }
    if let Some(level) = settings.level(&crate::scan::UNREADABLE) {
        for e in &scan.unreadable {
            let mut f = if e.internal {
                Finding::new(
                    &crate::scan::UNREADABLE,
                    level,
                    e.message.clone(),
                    "a shipcheck bug: please report it with the line printed on stderr; \
                     meanwhile exclude the path in .shipcheck.yml `paths.exclude` if it blocks you",
                )
            } else {
                Finding::new(
                    &crate::scan::UNREADABLE,
                    level,
                    format!("could not read: {}", e.message),
                    "fix the permissions (`chmod a+r`) or exclude the path in .shipcheck.yml `paths.exclude`",
                )
            };
            f.path = (!e.rel.is_empty()).then(|| e.rel.clone());
            findings.push(f);
        }
    }
    let suppressed = policy::apply_suppressions(
        &mut findings,
        &suppressions,
        &settings,
        crate::registry::pattern_is_known,
    );
    let coverage = NotCheckedFacts {
        files_scanned: scan.files_scanned,
        has_template: !templates.is_empty(),
        has_production: environments.iter().any(|e| e.is_production),
        migration_sets: migration_sets.len(),
        database_checked: live_report
            .as_ref()
            .is_some_and(|r| !r.checked.is_empty() || !r.missing_tables.is_empty()),
        live_unchecked: live.unchecked.clone(),
    };
    let not_checked = not_checked(&coverage);
    Ok(Collected {
        coverage,
        started,
        today,
        findings,
        suppressed,
        files_scanned: scan.files_scanned,
        skipped: scan.skipped,
        todos,
        migration_sets: migration_sets
            .iter()
            .map(|s| MigrationSetSummary {
                framework: s.framework.name(),
                dir: s.dir.clone(),
                migrations: s.migrations.len(),
                live: live.per_set.get(&s.dir).cloned(),
            })
            .collect(),
        environments: environments
            .iter()
            .map(|e| (e.name.clone(), e.sources.clone()))
            .collect(),
        new_lines,
        not_checked,
        settings,
    })
}
