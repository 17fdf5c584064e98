//! Command-line interface (clap derive). `shipcheck [PATH]` is `shipcheck check [PATH]`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "shipcheck",
    version,
    about = "Deployment-readiness gate: debug code, untracked TODOs and more, checked before you ship",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a repository (the default command)
    Check(CheckArgs),
    /// List every rule with its default level
    Rules {
        /// text (one line each), json (id, level, area, summary, options) or markdown (a table)
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Show a rule's documentation: what it flags, why, an example, the fix, its config
    Explain {
        /// Rule id, e.g. debug/console
        rule: String,
    },
    /// Install a git pre-push hook that checks what is being pushed
    InstallHook {
        /// Repository
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Replace a pre-push hook that shipcheck did not write
        #[arg(long)]
        force: bool,
    },
    /// Run by the pre-push hook: judge each pushed commit (git's refs on stdin) on the lines it adds
    PrePush {
        /// The remote's name (git's first hook argument)
        remote: String,
        /// The remote's URL (git's second hook argument; unused)
        url: Option<String>,
    },
    /// Record every current finding in a baseline file that `check` then accepts
    Baseline(BaselineArgs),
    /// Write a commented starter .shipcheck.yml tuned to the repository
    Init {
        /// Repository root
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Overwrite an existing .shipcheck.yml
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args, Debug, Default, Clone)]
pub struct CheckArgs {
    /// Repository to check
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Format written to stdout
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = crate::report::Format::Text)]
    pub format: crate::report::Format,
    /// Also write FORMAT to FILE (repeatable), e.g. --output json=shipcheck.json
    #[arg(long, value_name = "FORMAT=FILE")]
    pub output: Vec<String>,
    /// Judge the tree of this commit, read from git's object store (no checkout): its files, config and baseline; production env files still come from the working tree or --env-file
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Report only findings on lines added or changed since the merge-base with --base (in Actions: the pull request's base, the push's `before`, the merge queue's base); committed changes only
    #[arg(long)]
    pub new_only: bool,
    /// Accept the findings recorded in FILE (default: .shipcheck-baseline.json at PATH, if present; write it with `shipcheck baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Target branch for the policy (default: GITHUB_BASE_REF, else the current branch)
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Block at this level and above, overriding `fail-on` in the config (release branches still block at `release-fail-on` when that is stricter)
    #[arg(long, value_name = "LEVEL", value_enum)]
    pub fail_on: Option<FailOn>,
    /// Allow network look-ups: the state of the GitHub issues TODOs reference (`todo/closed-issue`; GITHUB_TOKEN optional for public repositories, answers cached in .shipcheck-cache/)
    #[arg(long)]
    pub online: bool,
    /// Colour in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// In GitHub Actions: publish a check run on the pull request's head commit, the job summary and step outputs (needs GITHUB_TOKEN and `permissions: checks: write`)
    #[arg(long)]
    pub github: bool,
    /// Name of the check run (the branch-protection status to require)
    #[arg(long, value_name = "NAME", default_value = "shipcheck")]
    pub check_name: String,
    /// In GitHub Actions: upsert one sticky pull request comment with the summary (needs `pull-requests: write`); with or without --github
    #[arg(long)]
    pub comment: bool,
}

/// `shipcheck baseline`: the flags of `check` that decide the findings, and
/// where to write them.
#[derive(Args, Debug, Default, Clone)]
pub struct BaselineArgs {
    /// Repository to check
    pub path: Option<PathBuf>,
    /// Baseline file to write (default: .shipcheck-baseline.json at PATH)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Why these findings are accepted; recorded on entries this run adds
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Date after which entries this run adds stop hiding their findings
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub expires: Option<String>,
    #[command(flatten)]
    pub sources: SourceArgs,
}

/// What decides the findings besides the files: shared by `check` and
/// `baseline`, so a baseline is written from exactly what `check` sees.
#[derive(Args, Debug, Default, Clone)]
pub struct SourceArgs {
    /// Config file (default: .shipcheck.yml at PATH; none: embedded defaults)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A production env file to check, possibly outside the repository (repeatable)
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Treat the process environment as part of production (CI secrets)
    #[arg(long)]
    pub env_from_process: bool,
    /// Compare against this ref for the git-aware rules (migrations, --new-only; default in Actions: origin/$GITHUB_BASE_REF)
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Read migration status from this database, read-only (postgres://, mysql://, sqlite://)
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Fold another tool's SARIF 2.1.0 results into the gate as `import/<tool>/<rule>` findings (repeatable)
    #[arg(long = "import", value_name = "FILE")]
    pub imports: Vec<PathBuf>,
}

/// `shipcheck rules --format`.
#[derive(ValueEnum, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum RulesFormat {
    #[default]
    Text,
    Json,
    Markdown,
}

/// `--fail-on`: the lowest level that blocks.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Notice,
}

impl From<FailOn> for crate::finding::Level {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Error => crate::finding::Level::Error,
            FailOn::Warning => crate::finding::Level::Warning,
            FailOn::Notice => crate::finding::Level::Notice,
        }
    }
}

#[derive(ValueEnum, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}
