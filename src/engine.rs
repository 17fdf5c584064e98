//! `shipcheck check`: load settings, walk once, run the checks, apply the
//! policy, and hand back a [`Report`] for the renderers.

use crate::checks::repo::RepoFacts;
use crate::checks::{self, Context, Date, FileChecker, TodoCounts};
use crate::config::{Settings, CONFIG_FILE};
use crate::env::environments;
use crate::finding::{self, Finding, Span};
use crate::git::HistoryProblem;
use crate::migrations::{discover, live, RepoFile};
use crate::policy;
use crate::policy::baseline::{self, Applied, Baseline, BaselineFile, Entry, Rewrite};
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
    /// `--rev`, resolved to a full commit id: judge that commit's tree,
    /// read from git's object store, instead of the working tree.
    pub rev: Option<String>,
    /// `--import`: other tools' SARIF files, folded in as `import/…` findings.
    pub imports: Vec<PathBuf>,
}

/// A commit id as people read it.
fn short(rev: &str) -> &str {
    &rev[..rev.len().min(12)]
}

impl CheckOptions {
    /// The tree this run judges.
    pub fn tree(&self) -> crate::workspace::tree::Tree {
        crate::workspace::tree::Tree::new(&self.root, self.rev.as_deref())
    }
}

/// The settings for a run: `--config`, else `.shipcheck.yml` at `root`
/// (with `--rev`: that commit's), else the embedded defaults.
pub fn load_settings(
    root: &Path,
    config: Option<&Path>,
    rev: Option<&str>,
) -> anyhow::Result<Settings> {
    match (config, rev) {
        (Some(path), _) => crate::registry::load_settings(path),
        (None, Some(rev)) => {
            let tree = crate::workspace::tree::Tree::new(root, Some(rev));
            match tree.read(CONFIG_FILE) {
                Ok(bytes) => crate::registry::parse_settings(
                    &String::from_utf8_lossy(&bytes),
                    &format!("{}:{CONFIG_FILE}", short(rev)),
                ),
                Err(_) => Ok(Settings::defaults()),
            }
        }
        (None, None) => {
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
    /// Rule groups that had something to judge.
    judged_groups: Vec<&'static str>,
    /// The commit judged, when git knows it.
    commit: Option<String>,
    /// The base the git-aware rules compared with.
    base: Option<String>,
}

/// One `shipcheck check`: `ctx` is what `main` read from the process once
/// (date, Actions variables and event, the environment).
pub fn check(opts: &CheckOptions, ctx: &RunContext) -> anyhow::Result<Report> {
    // `--rev`'s tree, listed once for the baseline, the settings, the walk
    // and the reads after it, with the checkout's files the index vouches
    // for; forgotten when the run ends.
    let _prepared = opts
        .rev
        .as_ref()
        .map(|rev| workspace::revtree::prepare(&opts.root, rev, ctx));
    // Read the baseline first: a broken one fails before the walk. With
    // `--rev`, the commit's own baseline.
    let (baseline_path, baseline_file) = match (&opts.baseline, &opts.rev) {
        (Some(p), _) => (Some(p.clone()), Some(BaselineFile::load(p)?)),
        (None, Some(rev)) => match opts.tree().read(baseline::FILE) {
            Ok(bytes) => {
                let label = format!("{}:{}", short(rev), baseline::FILE);
                let file =
                    BaselineFile::parse(String::from_utf8_lossy(&bytes).into_owned(), &label)?;
                (Some(PathBuf::from(label)), Some(file))
            }
            Err(_) => (None, None),
        },
        (None, None) => {
            let p = Some(opts.root.join(baseline::FILE)).filter(|p| p.is_file());
            let file = p.as_deref().map(BaselineFile::load).transpose()?;
            (p, file)
        }
    };
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
    let branch = policy::target_branch(opts.branch.as_deref(), ctx, || match &opts.rev {
        // A commit is on no branch by itself: a local branch whose tip it
        // is, if one is.
        Some(rev) => crate::git::branch_at(&opts.root, rev, ctx),
        None => crate::git::current_branch(&opts.root, ctx),
    });
    // `require:` turns "not checked" into a blocking finding on release
    // branches (an unknown target counts as one).
    let release_target = policy::is_release_target(&c.settings, branch.as_deref());
    if release_target {
        about_baseline.extend(required_but_not_checked(
            &c.settings,
            &c.coverage,
            &c.not_checked,
        ));
    }
    // The pull request's ticked boxes, and `checklist/unticked` where the
    // config requires them.
    let ticks = ctx
        .event
        .as_ref()
        .and_then(|(_, e)| e.as_ref().ok())
        .and_then(|e| e.pull_request.as_ref())
        .map(|pr| crate::checklist::Ticks::parse(pr.body.as_deref().unwrap_or("")));
    let checklist = &c.settings.checklist;
    let checklist_required = checklist.requires_ticks(release_target)
        && checklist
            .items()
            .any(|(_, i)| i.backing == crate::checklist::Backing::Manual)
        && c.settings.level(&crate::checklist::UNTICKED).is_some();
    if checklist_required {
        match (&ticks, c.settings.level(&crate::checklist::UNTICKED)) {
            (Some(t), Some(level)) => {
                about_baseline.extend(crate::checklist::unticked(checklist, t, level))
            }
            _ => {
                let why = match &ctx.event {
                    Some((_, Err(e))) => format!("the event payload could not be read ({e}), so the pull request's description was not"),
                    _ => "no pull request description to read: the manual items are ticked in the description of a pull request (a `pull_request` event)".to_string(),
                };
                c.not_checked.push((crate::rules::Area::Checklist, why))
            }
        }
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
        revision: opts.rev.clone(),
        rules: crate::registry::all(),
        imports: opts.imports.len(),
        rules_off: crate::registry::all()
            .iter()
            .filter(|r| c.settings.level(r).is_none())
            .map(|r| r.id)
            .collect(),
        checklist: c.settings.checklist.clone(),
        ticks,
        checklist_required,
        ci: Default::default(),
        judged_groups: c.judged_groups,
        commit: c.commit,
        base: c.base,
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
            &crate::policy::baseline::STALE_BASELINE,
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
            &crate::policy::baseline::EXPIRED_BASELINE,
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

/// Patterns the walk is all but sure to need compile on a thread of their
/// own while git lists the files and the settings compile, instead of by
/// the first worker to need each while the other waits on it (on a small
/// app, compiling patterns is half the run): a JavaScript project's
/// (`package.json` at the root) app facts. (The sweep's key shapes and
/// the JS env reads are matched by hand and need none.) Detached: a run
/// that ends first does not wait for it.
fn warm_up(root: &std::path::Path) {
    if !root.join("package.json").is_file() {
        return;
    }
    let _ = std::thread::Builder::new().spawn(|| {
        checks::app::scan::warm();
    });
}

/// Walk once, run every check, apply suppressions: the stages in order.
fn collect(opts: &CheckOptions, ctx: &RunContext) -> anyhow::Result<Collected> {
    let started = Instant::now();
    // git lists the untracked files while the settings compile (each
    // about a quarter of a small app's run); the tracked ones are read
    // from the index file (see `GitListing::start`).
    let listing = (opts.rev.is_none() && crate::git::work_tree_top(&opts.root).is_some())
        .then(|| workspace::listing::GitListing::start(&opts.root, Some(ctx)));
    warm_up(&opts.root);
    let (settings, environments) = inputs(opts, ctx)?;
    // Before the walk: a malformed SARIF file fails the run at once.
    let imported = crate::import::findings(&opts.imports, &opts.root, &opts.tree(), &settings)?;
    let checker = FileChecker::new(Context {
        settings: &settings,
        today: ctx.today,
        online: opts.online,
    })
    .with_server_deps(checks::app::ServerDeps::new(Some(opts.tree())));
    let mut walked = walk(opts, &settings, &checker, listing)?;
    // Now that the code's reads are known: process values by score too.
    environments::register_secrets(
        &environments,
        &settings,
        &checks::repo::known_names(&walked.reads, &walked.templates),
    );
    // The mention pass (`env/unused`'s, reading every scanned file
    // again) runs beside the stages after the walk and the checks: none
    // of them but `env/unused`, which waits for it, needs what it finds,
    // and they leave a core idle between them (one long check, a stage on
    // one thread). Its thread is joined when the scope ends, raising its
    // panic if it had one.
    let mentioned = checks::repo::Mentioned::default();
    let (migration_sets, history, live, live_report, mut findings, judged) =
        std::thread::scope(|scope| -> anyhow::Result<_> {
            scope.spawn(|| {
                // Found, or failed if the pass panicked: `env/unused` waits.
                struct FailedUnlessFound<'a>(&'a checks::repo::Mentioned);
                impl Drop for FailedUnlessFound<'_> {
                    fn drop(&mut self) {
                        self.0.failed();
                    }
                }
                let _unless = FailedUnlessFound(&mentioned);
                mentioned.found(checks::env::mentioned_template_names(
                    &opts.tree(),
                    &walked.visited,
                    &walked.templates,
                    &walked.reads,
                    &environments,
                    &settings,
                ));
            });
            let migration_sets = discover::discover(&walked.repo_files);
            // The facts that matter only in a package with a server, read
            // in those packages' files; then the app's paths, for its
            // health probes: read only when there are any.
            let mut app_files = std::mem::take(&mut walked.app_files);
            app_files.extend(checks::app::scan::server_package_facts(
                &opts.tree(),
                &walked.visited,
                &walked.repo_files,
                &app_files,
                &settings,
                checker.server_deps(),
            ));
            // In the walk's order (by path), as `AppRules` reads them: the
            // walk's files and the ones read again are different files.
            app_files.sort_by(|a, b| a.rel.cmp(&b.rel));
            app_files.extend(checks::app::routes::gather(
                &opts.tree(),
                &walked.visited,
                &walked.repo_files,
                &app_files,
                &settings,
            ));
            let history = HistoryFacts::gather(opts, ctx, &migration_sets);
            let database_label = opts.database_url.as_deref().map(live::redact_url);
            let mut live = live_checks(opts, ctx, &settings, &migration_sets)?;
            let live_report = live.report.take();

            let mut findings = std::mem::take(&mut walked.findings);
            let judged = checks::repo::Judged::default();
            let shared = checks::repo::Shared::default();
            let facts = RepoFacts {
                reads: &walked.reads,
                templates: &walked.templates,
                environments: &environments,
                tracked_env_files: walked.scan.tracked_env_files.as_deref(),
                env_files: &walked.env_files,
                mentioned: &mentioned,
                image_env: &walked.image_env,
                migration_sets: &migration_sets,
                history: history.diff.as_ref(),
                set_history: &history.sets,
                new_lines: history.new_lines.as_ref(),
                live: live_report.as_ref(),
                database_label: database_label.as_deref(),
                git_unavailable: match &walked.repo {
                    crate::git::Repository::Unavailable(why) => Some(why.as_str()),
                    _ => None,
                },
                unreadable: &walked.scan.unreadable,
                swept: &walked.scan.swept,
                scripts: &walked.scripts,
                repo_files: &walked.repo_files,
                judged: &judged,
                app_files: &app_files,
                visited: &walked.visited,
                shared: &shared,
            };
            checks::repo::run_on_every_core(
                checks::REPO_CHECKS,
                &facts,
                checker.context(),
                &mut findings,
            );
            Ok((migration_sets, history, live, live_report, findings, judged))
        })?;
    relocate_outside_env_findings(&mut findings, &environments, &walked.templates);
    if opts.online {
        findings.extend(crate::github::issues::check(
            ctx,
            &opts.root,
            &settings,
            &walked.issue_refs,
        ));
    }

    let imported = crate::import::without_duplicates(&mut findings, imported);
    findings.extend(imported);
    let suppressed = policy::apply_suppressions(
        &mut findings,
        &walked.suppressions,
        &settings,
        crate::registry::pattern_is_known,
    );
    let coverage = NotCheckedFacts {
        files_scanned: walked.scan.files_scanned,
        has_template: !walked.templates.is_empty(),
        has_production: environments.iter().any(|e| e.is_production),
        migration_sets: migration_sets.len(),
        database_checked: live_report
            .as_ref()
            .is_some_and(|r| !r.checked.is_empty() || !r.missing_tables.is_empty()),
        live_unchecked: live.unchecked.clone(),
        judged: judged.all(),
    };
    let not_checked = not_checked(&coverage);
    let collected = Collected {
        coverage,
        started,
        today: ctx.today,
        findings,
        suppressed,
        files_scanned: walked.scan.files_scanned,
        skipped: walked.scan.skipped.clone(),
        todos: walked.todos,
        migration_sets: migration_sets
            .iter()
            .map(|s| MigrationSetSummary {
                framework: s.framework.name(),
                dir: s.dir.clone(),
                migrations: s.migrations.len(),
                live: live.per_set.get(&s.dir).cloned(),
                newest: s.migrations.last().map(|m| m.name.clone()),
            })
            .collect(),
        environments: environments
            .iter()
            .map(|e| (e.name.clone(), e.sources.clone()))
            .collect(),
        new_lines: history.new_lines,
        not_checked,
        judged_groups: judged.groups(),
        commit: match (&opts.rev, &walked.repo) {
            (Some(rev), _) => Some(rev.clone()),
            (None, crate::git::Repository::WorkTree) => crate::git::head_commit(&opts.root, ctx),
            _ => None,
        },
        base: match &history.diff {
            Some(Ok(d)) => Some(format!("{} (merge base {})", d.base, short(&d.merge_base))),
            _ => None,
        },
        settings,
    };
    // The walk's paths and facts, freed beside what comes next (the
    // stress corpus's 30,000 paths were made on the listing's thread).
    if walked.visited.len() >= DROP_ELSEWHERE_FROM {
        drop_elsewhere(walked);
    }
    Ok(collected)
}

/// The settings and the environments, with every secret the environments
/// hold registered with the redactor before any finding's text is made (a
/// TODO quoting a production secret is cut for display, and a cut secret
/// could no longer be recognised).
fn inputs(
    opts: &CheckOptions,
    ctx: &RunContext,
) -> anyhow::Result<(Settings, Vec<environments::Environment>)> {
    // Before anything can fail and quote it: the URL's password, however
    // malformed the URL is.
    if let Some(url) = &opts.database_url {
        crate::redact::register_url_credentials(url);
    }
    if !opts.root.exists() {
        anyhow::bail!("path {} does not exist", opts.root.display());
    }
    let mut settings = load_settings(&opts.root, opts.config.as_deref(), opts.rev.as_deref())?;
    if let Some(level) = opts.fail_on {
        settings.fail_on = level;
    }
    let environments = environments::load(
        &opts.root,
        &settings,
        &opts.env_files,
        opts.env_from_process.then(|| ctx.vars()),
    )?;
    environments::register_secrets(&environments, &settings, &Default::default());
    Ok((settings, environments))
}

/// What the walk gave: the per-file checks' findings and facts, gathered.
struct Walked {
    /// The files the walk read, by repo-relative path.
    visited: Vec<String>,
    repo: crate::git::Repository,
    scan: workspace::Scan<()>,
    findings: Vec<Finding>,
    suppressions: Vec<policy::Suppression>,
    todos: TodoCounts,
    /// Sorted by path, line, column.
    reads: Vec<crate::env::references::EnvRead>,
    templates: Vec<checks::env_reads::Template>,
    /// Env files that are not templates, parsed.
    env_files: Vec<(String, crate::env::dotenv::EnvFile)>,
    /// Variables Dockerfiles set with `ENV`.
    image_env: std::collections::BTreeSet<String>,
    repo_files: Vec<RepoFile>,
    issue_refs: Vec<checks::todo::TodoIssueRefs>,
    /// What the manifests and workflows say is not the app (`checks::scripts`).
    scripts: std::collections::BTreeSet<String>,
    app_files: Vec<checks::app::scan::FileFacts>,
}

impl Walked {
    /// The values files registered were held back during the walk (see
    /// `redact::holding_back`): mask every line it hands on with all of
    /// them, so what a finding shows, and its fingerprint, does not depend
    /// on which worker read which file first. A new kind of shown line in
    /// a file's outcome belongs here too.
    fn remask(&mut self) {
        for f in &mut self.findings {
            f.mask_source_line();
        }
        for (_, hit) in &mut self.scan.swept {
            hit.shown.remask();
        }
        for read in &mut self.reads {
            read.source_line.remask();
        }
        for todo in &mut self.issue_refs {
            todo.source_line.remask();
        }
        for facts in &mut self.app_files {
            facts.remask();
        }
    }
}

/// The scanned set, each file read once and run through the per-file
/// checks (migration discovery's files kept with their text).
fn walk(
    opts: &CheckOptions,
    settings: &Settings,
    checker: &FileChecker,
    listing: Option<workspace::listing::GitListing>,
) -> anyhow::Result<Walked> {
    if opts.rev.is_none() && crate::git::is_bare_repository(&opts.root) {
        anyhow::bail!(
            "{} is a bare git repository: it has no working tree to check; run shipcheck on a checkout",
            opts.root.display()
        );
    }
    // A `.git` above: a work tree, as good as certain, and `git ls-files`
    // lists it. Git is asked what it makes of the `.git` (a process per
    // run) only when that listing fails, for the reason.
    let likely = match crate::git::work_tree_top(&opts.root) {
        Some(_) => crate::git::Repository::WorkTree,
        None => crate::git::Repository::None,
    };
    let rev = opts.rev.as_deref();
    let scan = workspace::scan(
        &opts.root,
        settings,
        &likely,
        rev,
        listing,
        discover::is_relevant,
        |file| {
            let mut outcome = checker.check(file);
            if discover::is_relevant(file.rel)
                || checks::scripts::is_workflow(file.rel)
                || checks::infra_files::is_infra_file(file.rel)
                || checks::infra_files::is_next_config(file.rel)
                || checks::database::pool::is_deploy_config(file.rel)
                || checks::compose::model::may_be_compose(file.rel, file.text)
            {
                outcome.repo_files.push(RepoFile {
                    rel: file.rel.to_string(),
                    text: file.text.to_string(),
                });
            }
            // Most files yield nothing: held until the walk ends, an empty
            // outcome would cost its ten empty lists per file.
            (!outcome.is_empty()).then(|| {
                outcome.shrink_to_fit();
                Box::new(outcome)
            })
        },
    )?;
    let (results, scan) = scan.split_results();
    let listed_by_git = matches!(
        scan.set,
        Some(
            workspace::listing::ScannedSet::GitWorkTree
                | workspace::listing::ScannedSet::GitRevision(_)
        )
    );
    let repo = if likely == crate::git::Repository::WorkTree && !listed_by_git {
        crate::git::repository(&opts.root)
    } else {
        likely
    };
    let mut w = Walked {
        visited: Vec::with_capacity(results.len()),
        repo,
        scan,
        findings: Vec::new(),
        suppressions: Vec::new(),
        todos: TodoCounts::default(),
        reads: Vec::new(),
        templates: Vec::new(),
        env_files: Vec::new(),
        image_env: Default::default(),
        repo_files: Vec::new(),
        issue_refs: Vec::new(),
        scripts: Default::default(),
        app_files: Vec::new(),
    };
    // The outcomes are emptied here and freed on a thread of their own:
    // made on the workers' threads, each freed here went back to its
    // worker's heap under that heap's lock (the stress corpus's 14,000
    // outcomes: 5 ms of `free` on one core while the other idled).
    let mut emptied = Vec::new();
    for (rel, outcome) in results {
        w.visited.push(rel);
        let Some(mut outcome) = outcome else { continue };
        w.findings.append(&mut outcome.findings);
        w.suppressions.append(&mut outcome.suppressions);
        w.todos += outcome.todos;
        w.reads.append(&mut outcome.env_reads);
        w.templates.append(&mut outcome.templates);
        w.env_files.append(&mut outcome.env_files);
        w.image_env.extend(outcome.image_env.drain(..));
        w.repo_files.append(&mut outcome.repo_files);
        w.issue_refs.append(&mut outcome.issue_refs);
        w.app_files.append(&mut outcome.app_files);
        emptied.push(outcome);
    }
    if emptied.len() >= DROP_ELSEWHERE_FROM {
        drop_elsewhere(emptied);
    }
    if w.scan.registered_during_walk {
        w.remask();
    }
    // Files CI runs as commands, command-line packages and the targets a
    // Cargo manifest makes tests, benches or examples are not the app: the
    // debug rules, which saw each file alone, leave them.
    // (The env rules ask `RepoFacts::is_production`, which knows them too.)
    w.scripts = checks::scripts::script_files(&w.repo_files);
    w.findings.retain(|f| {
        !(f.rule.area == crate::rules::Area::DebugCode
            && f.path
                .as_ref()
                .is_some_and(|p| checks::scripts::is_script(&w.scripts, p)))
    });
    // Results come sorted by path; keep reads in line order within a file.
    w.reads
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    Ok(w)
}

/// From this many outcomes (or paths) they are freed on a thread of their
/// own (a thread's start costs about what freeing a thousand does).
const DROP_ELSEWHERE_FROM: usize = 1024;

/// Drop `garbage` on a thread of its own, or here if none can start.
/// Detached: a run that ends first does not wait for it.
fn drop_elsewhere<T: Send + 'static>(garbage: T) {
    // A spawn that fails drops its closure, and `garbage` with it, here.
    let _ = std::thread::Builder::new().spawn(move || drop(garbage));
}

/// What the git-aware checks compare, read before they run.
struct HistoryFacts {
    /// The migration rules' diff against their base, when there is one.
    diff: Option<Result<crate::git::Diff, HistoryProblem>>,
    /// With a diff: each migration set at the merge-base (same order).
    sets: Vec<crate::migrations::history::SetHistory>,
    /// With `--new-only`: the lines new since its base, or why not.
    new_lines: Option<Result<crate::git::NewLines, HistoryProblem>>,
}

impl HistoryFacts {
    fn gather(
        opts: &CheckOptions,
        ctx: &RunContext,
        migration_sets: &[crate::migrations::MigrationSet],
    ) -> HistoryFacts {
        let tree = opts.tree();
        let diff = crate::git::base_ref(opts.base.as_deref(), ctx)
            .map(|base| crate::git::diff_against(&opts.root, tree.head(), &base));
        let sets = match &diff {
            Some(Ok(diff)) => migration_sets
                .iter()
                .map(|set| crate::migrations::history::gather(&tree, set, diff))
                .collect(),
            _ => Vec::new(),
        };
        let new_lines = opts.new_only.then(|| {
            let base = crate::git::new_only_base_of(opts.base.as_deref(), ctx);
            crate::git::new_lines(&opts.root, tree.head(), &base)
        });
        HistoryFacts {
            diff,
            sets,
            new_lines,
        }
    }
}
