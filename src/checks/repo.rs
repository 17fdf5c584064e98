//! Checks over the whole repository, after the walk: the environment,
//! secret and Stripe rules compare templates, code reads and environments.

use super::env_reads::Template;
use super::Context;
use crate::env::dotenv::Entry;
use crate::env::environments::{EnvValue, Environment, Origin};
use crate::env::references::EnvRead;
use crate::finding::{Finding, Level, Span};
use crate::rules::Rule;
use std::collections::BTreeSet;

/// What the walk and the environment loader found.
/// The names [`RepoFacts::mentioned`] holds, found by a pass of their own
/// while the other stages and checks run (it reads every scanned file
/// again; the checks use a core between them): [`Mentioned::wait`] waits
/// for them.
#[derive(Debug, Default)]
pub struct Mentioned(std::sync::OnceLock<Option<std::collections::BTreeSet<String>>>);

impl Mentioned {
    /// Names known already.
    pub fn known(names: std::collections::BTreeSet<String>) -> Mentioned {
        Mentioned(std::sync::OnceLock::from(Some(names)))
    }

    /// The pass found `names`.
    pub fn found(&self, names: std::collections::BTreeSet<String>) {
        let _ = self.0.set(Some(names));
    }

    /// The pass ended without finding them (it panicked: the panic is
    /// raised where its thread is joined). Nothing if it found them.
    pub fn failed(&self) {
        let _ = self.0.set(None);
    }

    /// The names, once the pass has found them; `None` if it failed.
    pub fn wait(&self) -> Option<&std::collections::BTreeSet<String>> {
        self.0.wait().as_ref()
    }
}

pub struct RepoFacts<'a> {
    /// Sorted by path, line.
    pub reads: &'a [EnvRead],
    /// Sorted by path.
    pub templates: &'a [Template],
    pub environments: &'a [Environment],
    /// Env files tracked by git; `None` when the root is not in a git repository.
    pub tracked_env_files: Option<&'a [String]>,
    /// Template variables that no read uses but whose name a scanned file
    /// other than an env file mentions as a whole word (see
    /// `env::mentioned_template_names`), found beside the other checks.
    pub mentioned: &'a Mentioned,
    /// Variables a Dockerfile sets with `ENV`: the image provides them.
    pub image_env: &'a std::collections::BTreeSet<String>,
    /// Env files in the scanned set that are not templates, parsed.
    pub env_files: &'a [(String, crate::env::dotenv::EnvFile)],
    pub migration_sets: &'a [crate::migrations::MigrationSet],
    /// The branch's changes against the base, when a base was given.
    pub history: Option<&'a Result<crate::git::Diff, crate::git::HistoryProblem>>,
    /// With a history: what each migration set (same order) looked like at
    /// the merge-base, read by the facts stage so the checks read nothing.
    pub set_history: &'a [crate::migrations::history::SetHistory],
    /// With `--new-only`: the lines new since its base, or why not.
    pub new_lines: Option<&'a Result<crate::git::NewLines, crate::git::HistoryProblem>>,
    /// Live migration status, with `--database-url`.
    pub live: Option<&'a crate::migrations::live::LiveReport>,
    /// The database as messages may name it (password redacted).
    pub database_label: Option<&'a str>,
    /// Why git could not read the repository, when it could not.
    pub git_unavailable: Option<&'a str>,
    /// Files the walk could not read.
    pub unreadable: &'a [crate::workspace::ReadError],
    /// Live keys the sweep found in files the checks did not read.
    pub swept: &'a [(String, crate::workspace::sweep::SweepHit)],
    /// Files and folders (ending in `/`) the repository's manifests and
    /// workflows say are commands, tests or build tooling (see
    /// `checks::scripts`): not production code, whatever the globs say.
    pub scripts: &'a BTreeSet<String>,
    /// The text of the files discovery, the workflow scan and the
    /// Security/Infrastructure rules need (`checks::infra_files`), by path.
    pub repo_files: &'a [crate::migrations::RepoFile],
    /// What the Security and Infrastructure checks found to judge: an area
    /// no check judged is "not checked", never passed.
    pub judged: &'a Judged,
    /// What each production JS/TS file says about its app server.
    pub app_files: &'a [super::app::scan::FileFacts],
    /// Every file the walk read, by path (file-based routes: `routes/api.health.ts`).
    pub visited: &'a [String],
    /// What several checks derive from the same files, worked out once.
    pub shared: &'a Shared,
}

/// What several repository checks derive from the same files, worked out
/// by the first to ask (the others wait for it): the production compose
/// projects (the compose, Dockerfile, debug-mode and health-probe rules
/// each parsed every compose file again, twice where they asked for the
/// Dockerfiles too: documenso's three compose files were parsed twelve
/// times, 12 M instructions) and the builds the compose files declare.
#[derive(Debug, Default)]
pub struct Shared {
    pub compose_projects: std::sync::OnceLock<Vec<super::compose::model::Project>>,
    pub docker_builds: std::sync::OnceLock<Vec<(String, super::docker::builds::Build)>>,
}

/// The areas a check judged, and on what (`Dockerfile`, `nginx.conf`):
/// recorded while the checks run, read by the coverage stage.
#[derive(Debug, Default)]
pub struct Judged(std::sync::Mutex<Vec<(&'static str, crate::rules::Area, String)>>);

impl Judged {
    fn marks(&self) -> std::sync::MutexGuard<'_, Vec<(&'static str, crate::rules::Area, String)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The rules of `group` (`docker`, the part of their ids before `/`)
    /// judged `area` on `what` (a file, or a kind of input).
    pub fn mark(&self, group: &'static str, area: crate::rules::Area, what: impl Into<String>) {
        self.marks().push((group, area, what.into()));
    }

    /// Every area marked and on what, in order.
    pub fn all(&self) -> Vec<(crate::rules::Area, String)> {
        self.marks()
            .iter()
            .map(|(_, a, w)| (*a, w.clone()))
            .collect()
    }

    /// The rule groups that judged something, sorted, once each.
    pub fn groups(&self) -> Vec<&'static str> {
        let mut g: Vec<&'static str> = self.marks().iter().map(|(g, _, _)| *g).collect();
        g.sort_unstable();
        g.dedup();
        g
    }
}

/// Rule groups (or single rules) that record what they judged
/// ([`Judged::mark`]): a rule of one of these with nothing marked had
/// nothing to judge, and why.
pub const MARKING_GROUPS: &[(&str, &str)] = &[
    ("docker", "no production Dockerfile found"),
    ("compose", "no production compose file found"),
    ("proxy", "no nginx config found"),
    ("app", "no Node server found"),
    (
        "database/unindexed-foreign-key",
        "no PostgreSQL Prisma schema or SQL migrations to read foreign keys from",
    ),
    (
        "database/connection-pool",
        "no serverless deploy (Vercel, Netlify, Lambda) with a production database URL",
    ),
];

/// The [`MARKING_GROUPS`] entry a rule id falls under.
pub fn marking_group(id: &str) -> Option<(&'static str, &'static str)> {
    MARKING_GROUPS
        .iter()
        .find(|(g, _)| id == *g || id.strip_prefix(g).is_some_and(|r| r.starts_with('/')))
        .copied()
}

impl RepoFacts<'_> {
    /// Is `path` production code: not excluded by `production-code` and
    /// not a script, command-line package or test target.
    pub fn is_production(&self, ctx: &super::Context, path: &str) -> bool {
        ctx.settings.is_production(path) && !super::scripts::is_script(self.scripts, path)
    }

    /// Every name declared in a template or read by code: the names a
    /// process environment is judged on.
    pub fn known_names(&self) -> BTreeSet<&str> {
        known_names(self.reads, self.templates)
    }

    /// The values of `env` worth judging: from files always, from the
    /// process only for names the repository knows (CI's own PATH, HOME,
    /// GITHUB_TOKEN are not the app's configuration).
    pub fn judged_values<'e>(&self, env: &'e Environment) -> Vec<&'e EnvValue> {
        let known = self.known_names();
        env.values
            .values()
            .filter(|v| v.origin != Origin::Process || known.contains(v.key.as_str()))
            .collect()
    }
}

/// Every name declared in `templates` or read in `reads`.
pub fn known_names<'a>(reads: &'a [EnvRead], templates: &'a [Template]) -> BTreeSet<&'a str> {
    let mut names: BTreeSet<&str> = reads.iter().map(|r| r.name.as_str()).collect();
    for t in templates {
        names.extend(t.parsed.entries.iter().map(|e| e.key.as_str()));
    }
    names
}

/// Files walked below which [`run_on_every_core`] uses one thread: a small
/// app's checks take less time than starting another.
pub const ONE_THREAD_BELOW: usize = 512;

pub trait RepoCheck: Sync {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>);
}

/// Each of `checks` on `facts`, on every core (at most 8 threads, each
/// taking the next check not yet taken), their findings appended to `out`
/// and what they judged marked on `facts.judged` in the order of `checks`:
/// the same as running them one after another. They ran on one core while
/// the others waited: nearly a fifth of a 3,000-file app's instructions
/// (documenso: 66 M of 356 M). An app of fewer than [`ONE_THREAD_BELOW`]
/// files keeps them on the calling thread. A check's panic goes on in the
/// caller.
pub fn run_on_every_core(
    checks: &[&dyn RepoCheck],
    facts: &RepoFacts,
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    let threads = if facts.visited.len() < ONE_THREAD_BELOW {
        1
    } else {
        crate::cores::cores()
            .map_or(1, |n| n.min(8))
            .min(checks.len())
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done: Vec<std::sync::OnceLock<(Vec<Finding>, Judged)>> =
        checks.iter().map(|_| std::sync::OnceLock::new()).collect();
    let work = || loop {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Some(check) = checks.get(i) else { break };
        let judged = Judged::default();
        let mut found = Vec::new();
        check.check_repo(
            &RepoFacts {
                judged: &judged,
                ..*facts
            },
            ctx,
            &mut found,
        );
        let _ = done[i].set((found, judged));
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        work();
        for h in helpers {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        }
    });
    for (found, judged) in done.into_iter().filter_map(std::sync::OnceLock::into_inner) {
        out.extend(found);
        let marks = judged.0.into_inner().unwrap_or_else(|e| e.into_inner());
        facts.judged.marks().extend(marks);
    }
}

/// A finding about a value in an environment, placed on its key (never its
/// value: the shown line is `KEY=…`).
pub fn at_value(
    ctx: &Context,
    rule: &'static Rule,
    v: &EnvValue,
    env: &Environment,
    message: String,
    help: String,
) -> Option<Finding> {
    let level = ctx.settings.level(rule)?;
    Some(place_value(
        Finding::new(rule, level, message, help),
        v,
        env,
    ))
}

fn place_value(f: Finding, v: &EnvValue, env: &Environment) -> Finding {
    match &v.origin {
        Origin::File { path, line, column } => f.at(
            path,
            key_span(*line, *column, &v.key),
            &masked_line(*column, &v.key),
        ),
        Origin::Process => {
            let mut f = f;
            f.message = format!("{} [{}]", f.message, env.describe());
            f
        }
    }
}

/// A finding at a template's declaration of `entry`.
pub fn at_entry(
    ctx: &Context,
    rule: &'static Rule,
    level: Option<Level>,
    path: &str,
    entry: &Entry,
    message: String,
    help: String,
) -> Option<Finding> {
    let level = level.or_else(|| ctx.settings.level(rule))?;
    Some(placed_at_entry(
        Finding::new(rule, level, message, help),
        path,
        entry,
    ))
}

/// `f` placed on the key of an env file's `entry` in `path`, the line shown
/// as `KEY=…` (never the value).
pub fn placed_at_entry(f: Finding, path: &str, entry: &Entry) -> Finding {
    f.at(
        path,
        key_span(entry.line, entry.column, &entry.key),
        &masked_line(entry.column, &entry.key),
    )
}

/// A finding at a code read.
pub fn at_read(
    rule: &'static Rule,
    level: Level,
    read: &EnvRead,
    message: String,
    help: String,
) -> Finding {
    let span = Span {
        line: read.line,
        column: read.column,
        end_line: read.line,
        end_column: read.end_column,
    };
    Finding::new(rule, level, message, help).at_shown(&read.path, span, read.source_line.clone())
}

/// What the terminal shows for an env line: the key where it stands, never
/// the value.
fn masked_line(column: u32, key: &str) -> String {
    format!("{}{key}=…", " ".repeat(column.saturating_sub(1) as usize))
}

fn key_span(line: u32, column: u32, key: &str) -> Span {
    Span {
        line,
        column,
        end_line: line,
        end_column: column + key.chars().count() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Area;
    use std::collections::HashSet;
    use std::sync::Mutex;
    use std::time::Duration;

    #[test]
    fn mentioned_names_are_waited_for_and_a_failed_pass_ends_the_wait() {
        let names: std::collections::BTreeSet<String> = ["KEY".to_string()].into();
        assert_eq!(Mentioned::known(names.clone()).wait(), Some(&names));
        // Found later, on another thread: the wait ends then, with them.
        let mentioned = Mentioned::default();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(Duration::from_millis(50));
                mentioned.found(names.clone());
                // What a pass that found them marks on its way out.
                mentioned.failed();
            });
            assert_eq!(mentioned.wait(), Some(&names));
        });
        // A pass that ends without them: the wait ends too.
        let mentioned = Mentioned::default();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(Duration::from_millis(50));
                mentioned.failed();
            });
            assert_eq!(mentioned.wait(), None);
        });
    }

    /// A check that waits, then finds and judges what it is told, noting
    /// the thread it ran on.
    struct Fake {
        wait_ms: u64,
        finds: &'static [&'static str],
        ran_on: Mutex<HashSet<std::thread::ThreadId>>,
    }

    impl RepoCheck for Fake {
        fn check_repo(&self, facts: &RepoFacts, _: &Context, out: &mut Vec<Finding>) {
            self.ran_on
                .lock()
                .unwrap()
                .insert(std::thread::current().id());
            std::thread::sleep(Duration::from_millis(self.wait_ms));
            for &f in self.finds {
                facts.judged.mark("docker", Area::Infrastructure, f);
                out.push(Finding::new(
                    &crate::checks::debug::PRINT,
                    Level::Error,
                    f,
                    "",
                ));
            }
        }
    }

    fn fake(wait_ms: u64, finds: &'static [&'static str]) -> Fake {
        Fake {
            wait_ms,
            finds,
            ran_on: Mutex::default(),
        }
    }

    /// Run `checks` as the engine does, over an app of `files` files:
    /// the findings' messages, the marks, and the threads used.
    fn run(checks: &[Fake], files: usize) -> (Vec<String>, Vec<String>, usize) {
        let settings = crate::config::Settings::defaults();
        let ctx = Context {
            settings: &settings,
            today: (2026, 12, 6),
            online: false,
        };
        let visited: Vec<String> = (0..files).map(|i| format!("src/f{i}.ts")).collect();
        let (empty_names, empty_scripts) = (BTreeSet::new(), BTreeSet::new());
        let judged = Judged::default();
        let facts = RepoFacts {
            reads: &[],
            templates: &[],
            environments: &[],
            tracked_env_files: None,
            mentioned: &Mentioned::known(BTreeSet::new()),
            image_env: &empty_names,
            env_files: &[],
            migration_sets: &[],
            history: None,
            set_history: &[],
            new_lines: None,
            live: None,
            database_label: None,
            git_unavailable: None,
            unreadable: &[],
            swept: &[],
            scripts: &empty_scripts,
            repo_files: &[],
            judged: &judged,
            app_files: &[],
            visited: &visited,
            shared: &Shared::default(),
        };
        let dyns: Vec<&dyn RepoCheck> = checks.iter().map(|c| c as &dyn RepoCheck).collect();
        // A finding already there stays first.
        let mut out = vec![Finding::new(
            &crate::checks::debug::PRINT,
            Level::Error,
            "walk",
            "",
        )];
        run_on_every_core(&dyns, &facts, &ctx, &mut out);
        let threads: HashSet<_> = checks
            .iter()
            .flat_map(|c| c.ran_on.lock().unwrap().clone())
            .collect();
        (
            out.into_iter().map(|f| f.message).collect(),
            judged.all().into_iter().map(|(_, w)| w).collect(),
            threads.len(),
        )
    }

    /// The first check is the slowest, so another thread finishes the
    /// others first: findings and marks still come in the checks' order,
    /// as if they ran one after another.
    #[test]
    fn checks_on_every_core_report_in_their_own_order() {
        let checks = [
            fake(200, &["a"]),
            fake(0, &["b1", "b2"]),
            fake(0, &[]),
            fake(0, &["c"]),
        ];
        let (found, marked, threads) = run(&checks, ONE_THREAD_BELOW);
        assert_eq!(found, ["walk", "a", "b1", "b2", "c"]);
        assert_eq!(marked, ["a", "b1", "b2", "c"]);
        // While the first check waits, another thread takes the rest.
        let cores = crate::cores::cores().unwrap_or(1);
        assert_eq!(
            threads >= 2,
            cores >= 2,
            "{threads} threads on {cores} cores"
        );
    }

    /// A small app's checks stay on the calling thread.
    #[test]
    fn a_small_apps_checks_run_on_one_thread() {
        let checks = [fake(0, &["a"]), fake(0, &["b"]), fake(0, &["c"])];
        let (found, marked, threads) = run(&checks, ONE_THREAD_BELOW - 1);
        assert_eq!(found, ["walk", "a", "b", "c"]);
        assert_eq!(marked, ["a", "b", "c"]);
        assert_eq!(threads, 1);
    }
}
