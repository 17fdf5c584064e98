//! Thin: parse arguments, call the library, render, exit.
//!
//! Exit status (DESIGN.md): 0 ready, 1 blocked (a finding at or above the
//! fail level), 2 shipcheck could not do its job — with one line on stderr.

#![allow(
    clippy::print_stderr,
    reason = "main.rs owns the terminal: the one error line goes to stderr"
)]

use clap::Parser;
use shipcheck::cli::{BaselineArgs, CheckArgs, Cli, ColorChoice, Command, RulesFormat};
use shipcheck::engine::{self, CheckOptions};
use shipcheck::policy::baseline::BaselineFile;
use shipcheck::report::{Format, TextOptions};
use shipcheck::run_context::RunContext;
use shipcheck::{hook, init, redact, registry};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a shipcheck bug. Its message may quote a scanned file
    // (a secret, even), so only its place is printed; the file it happened
    // on is reported as `scan/unreadable` and the run goes on.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!("shipcheck: internal error{at}; please report it");
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Check(args)) => check(args),
        None => check(cli.check),
        Some(Command::Rules { format }) => list_rules(format),
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Init { path, force }) => init_config(path, force),
        Some(Command::Baseline(args)) => write_baseline(args),
        Some(Command::InstallHook { path, force }) => install_hook(&path, force),
        Some(Command::PrePush { remote, .. }) => pre_push(&remote),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // One clear line; `{:#}` joins anyhow's context chain with ": ".
            let line = format!("shipcheck: error: {e:#}");
            eprintln!("{}", redact::text(&line));
            ExitCode::from(2)
        }
    }
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let format = args.format;
    let mut outputs = Vec::new();
    for spec in &args.output {
        let (name, file) = spec.split_once('=').ok_or_else(|| {
            anyhow::anyhow!("--output {spec:?}: expected FORMAT=FILE, e.g. json=shipcheck.json")
        })?;
        let f = Format::parse(name).ok_or_else(|| {
            anyhow::anyhow!(
                "--output {spec:?}: unknown format {name:?} (one of {})",
                Format::NAMES.join(", ")
            )
        })?;
        outputs.push((f, PathBuf::from(file)));
    }
    let root = args.path.unwrap_or_else(|| PathBuf::from("."));
    let ctx = RunContext::from_process()?;
    let rev = match &args.rev {
        Some(rev) => {
            Some(shipcheck::git::resolve_commit_in(&root, rev, &ctx).map_err(anyhow::Error::msg)?)
        }
        None => None,
    };
    let opts = CheckOptions {
        root,
        rev,
        config: args.sources.config,
        branch: args.branch,
        env_files: args.sources.env_files,
        env_from_process: args.sources.env_from_process,
        base: args.sources.base,
        database_url: args.sources.database_url,
        imports: args.sources.imports,
        baseline: args.baseline,
        new_only: args.new_only,
        fail_on: args.fail_on.map(shipcheck::finding::Level::from),
        online: args.online,
    };
    let mut report = engine::check(&opts, &ctx)?;
    let has_ci_items = report
        .checklist
        .items()
        .any(|(_, i)| matches!(i.backing, shipcheck::checklist::Backing::Ci(_)));
    if args.github && has_ci_items {
        // The checklist's `ci:` items: the head commit's other check runs,
        // read before anything is rendered so every format shows them.
        report.ci =
            shipcheck::github::read_ci_runs(&shipcheck::github::Env::of(&ctx), &args.check_name);
    }

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    for (f, path) in &outputs {
        std::fs::File::create(path)
            .and_then(|file| write_report(*f, &report, TextOptions { color: false }, file))
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    match write_report(
        format,
        &report,
        TextOptions { color },
        std::io::stdout().lock(),
    ) {
        // A closed pipe (`| head`) is the reader's choice, not our failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r.map_err(|e| anyhow::anyhow!("cannot write to stdout: {e}"))?,
    }
    if args.github || args.comment {
        // Whatever happens to the API, the verdict below decides the exit.
        let published = shipcheck::github::publish(
            &report,
            &shipcheck::github::Options {
                check: args.github,
                comment: args.comment,
                check_name: args.check_name.clone(),
                stdout_has_commands: format == Format::Github,
            },
            &shipcheck::github::Env::of(&ctx),
        );
        // Keep machine-readable stdout pure: the runner reads workflow
        // commands from stderr as well.
        if matches!(format, Format::Text | Format::Github | Format::Markdown) {
            write_stdout(published.stdout.as_bytes())?;
        } else {
            eprint!("{}", redact::text(&published.stdout));
        }
        for line in &published.notices {
            eprintln!("{}", redact::text(line));
        }
    }
    let passed = report.verdict.passed;
    // The process ends next and its memory with it: freeing a large
    // report a finding at a time (the stress corpus's 14,680, five
    // strings each, and the rest of the report) took 3 ms on one core.
    std::mem::forget(report);
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The last pass of the one redactor over what is written: the report is
/// already redacted (see `Report::redact`); this catches any text that
/// reached the output another way.
fn redact_bytes(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match std::str::from_utf8(bytes) {
        Ok(s) => match redact::text(s) {
            std::borrow::Cow::Borrowed(_) => std::borrow::Cow::Borrowed(bytes),
            std::borrow::Cow::Owned(r) => std::borrow::Cow::Owned(r.into_bytes()),
        },
        Err(_) => std::borrow::Cow::Owned(
            redact::text(&String::from_utf8_lossy(bytes))
                .into_owned()
                .into_bytes(),
        ),
    }
}

/// The report in `format`, through the redactor, to `w`. JSON is streamed
/// and redacted a line at a time (a million findings' report is never held
/// whole; see `report::write_json_redacted`); the other formats are
/// rendered, then redacted whole.
fn write_report(
    format: Format,
    report: &shipcheck::report::Report,
    text: TextOptions,
    w: impl Write,
) -> std::io::Result<()> {
    if format == Format::Json {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, w);
        shipcheck::report::write_json_redacted(report, &mut out)?;
        out.flush()
    } else {
        let mut w = w;
        w.write_all(&redact_bytes(&format.render(report, text)))?;
        w.flush()
    }
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let bytes = redact_bytes(bytes);
    let mut out = std::io::stdout().lock();
    match out.write_all(&bytes).and_then(|()| out.flush()) {
        // A closed pipe (`| head`) is the reader's choice, not our failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| anyhow::anyhow!("cannot write to stdout: {e}")),
    }
}

fn list_rules(format: RulesFormat) -> anyhow::Result<ExitCode> {
    let out = match format {
        RulesFormat::Text => {
            let width = registry::all()
                .iter()
                .map(|r| r.id.len())
                .max()
                .unwrap_or(0);
            registry::all()
                .iter()
                .map(|r| format!("{:width$}  {:7}  {}\n", r.id, r.level_name(), r.summary))
                .collect()
        }
        RulesFormat::Json => registry::json(),
        RulesFormat::Markdown => {
            let mut areas = shipcheck::report::areas();
            areas.push(shipcheck::rules::Area::Checklist);
            registry::markdown_table(&areas, &[])
        }
    };
    write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn explain(id: &str) -> anyhow::Result<ExitCode> {
    let rule = registry::find(id).ok_or_else(|| {
        let group = id.split('/').next().unwrap_or("");
        let near: Vec<&str> = registry::all()
            .iter()
            .map(|r| r.id)
            .filter(|r| r.starts_with(group))
            .collect();
        if near.is_empty() {
            anyhow::anyhow!("unknown rule {id:?}; `shipcheck rules` lists them")
        } else {
            anyhow::anyhow!(
                "unknown rule {id:?}; did you mean one of: {}",
                near.join(", ")
            )
        }
    })?;
    let level = rule.default_level.map_or("off", |l| l.as_str());
    write_stdout(format!("{}\nDefault level: {level}\n", rule.doc).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn install_hook(root: &std::path::Path, force: bool) -> anyhow::Result<ExitCode> {
    let hook = hook::install(root, force)?;
    write_stdout(format!("installed {}\n", hook.display()).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `shipcheck pre-push REMOTE`: what the installed hook runs. Each pushed
/// commit is judged by its own tree (`--rev`), on the lines it adds against
/// what the remote has, by the policy of the branch it will merge into.
fn pre_push(remote: &str) -> anyhow::Result<ExitCode> {
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)
        .map_err(|e| anyhow::anyhow!("pre-push: cannot read git's refs on stdin: {e}"))?;
    let pushed = hook::PushedRef::parse_all(&input)?;
    let root = PathBuf::from(".");
    let ctx = RunContext::from_process()?;
    let plans = hook::plan(&root, remote, &pushed, |rev| {
        engine::load_settings(&root, None, Some(rev))
            .ok()
            .and_then(|s| s.hook_policy_branch)
    });
    let mut blocked = false;
    for plan in plans {
        eprintln!("{}", plan.about);
        let opts = CheckOptions {
            root: root.clone(),
            rev: Some(plan.rev.clone()),
            branch: Some(plan.policy_branch.clone()),
            new_only: plan.base.is_some(),
            base: plan.base.clone(),
            config: None,
            env_files: Vec::new(),
            imports: Vec::new(),
            env_from_process: false,
            database_url: None,
            baseline: None,
            fail_on: None,
            online: false,
        };
        let report = engine::check(&opts, &ctx)?;
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        // stderr: git shows a hook's output there.
        let text = Format::Text.render(&report, TextOptions { color });
        std::io::Write::write_all(&mut std::io::stderr(), redact_bytes(&text).as_ref())
            .map_err(|e| anyhow::anyhow!("cannot write the report: {e}"))?;
        blocked |= !report.verdict.passed;
    }
    Ok(if blocked {
        eprintln!("shipcheck: push blocked; fix the findings above, or skip once with git push --no-verify");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_baseline(args: BaselineArgs) -> anyhow::Result<ExitCode> {
    if let Some(d) = &args.expires {
        if shipcheck::checks::parse_date(d).is_none() {
            anyhow::bail!("--expires {d:?}: expected a YYYY-MM-DD date");
        }
    }
    let root = args.path.unwrap_or_else(|| PathBuf::from("."));
    let file = args
        .output
        .unwrap_or_else(|| root.join(shipcheck::policy::baseline::FILE));
    // A broken previous file is an error, not silently replaced: its
    // reasons and expiry dates would be lost.
    let previous = file
        .is_file()
        .then(|| BaselineFile::load(&file))
        .transpose()?;
    let opts = CheckOptions {
        root,
        config: args.sources.config,
        env_files: args.sources.env_files,
        env_from_process: args.sources.env_from_process,
        base: args.sources.base,
        database_url: args.sources.database_url,
        imports: args.sources.imports,
        ..CheckOptions::default()
    };
    let (baseline, rewrite) = engine::baseline(
        &opts,
        &RunContext::from_process()?,
        previous.as_ref().map(|p| &p.baseline),
        args.reason.as_deref(),
        args.expires.as_deref(),
    )?;
    // The baseline is a file that leaves the process too: a path named
    // after a key, a reason quoting a secret, are masked like any output.
    std::fs::write(&file, redact_bytes(baseline.to_json().as_bytes()).as_ref())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    write_stdout(
        format!(
            "wrote {}: {} entries ({} new, {} kept, {} removed)\n",
            file.display(),
            baseline.entries.len(),
            rewrite.added,
            rewrite.kept,
            rewrite.removed
        )
        .as_bytes(),
    )?;
    Ok(ExitCode::SUCCESS)
}

fn init_config(root: PathBuf, force: bool) -> anyhow::Result<ExitCode> {
    if !root.is_dir() {
        anyhow::bail!("{} is not a directory", root.display());
    }
    let path = root.join(shipcheck::config::CONFIG_FILE);
    if path.exists() && !force {
        anyhow::bail!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        );
    }
    let detected = init::detect(&root);
    let mut config = init::starter_config(&detected);
    std::fs::write(&path, &config)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    write_stdout(format!("wrote {}\n", path.display()).as_bytes())?;
    // A first run with it, to tune it and say what comes next.
    let ctx = RunContext::from_process()?;
    let opts = CheckOptions {
        root: root.clone(),
        config: None,
        branch: None,
        env_files: Vec::new(),
        imports: Vec::new(),
        env_from_process: false,
        base: None,
        database_url: None,
        baseline: None,
        new_only: false,
        fail_on: None,
        online: false,
        rev: None,
    };
    let run = init::first_run(&engine::check(&opts, &ctx)?);
    if let Some(proposal) = init::platform_proposal(&run, !detected.accessors.is_empty()) {
        config.push_str(&proposal);
        std::fs::write(&path, &config)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    let shown = root.display().to_string();
    write_stdout(redact::text(&init::next_steps(&run, &shown)).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
