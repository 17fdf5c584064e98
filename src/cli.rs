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
    Rules,
    /// Show a rule's documentation: what it flags, why, an example, the fix, its config
    Explain {
        /// Rule id, e.g. debug/console
        rule: String,
    },
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
    /// Config file (default: .shipcheck.yml at PATH; none: embedded defaults)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Format written to stdout
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = clap::builder::PossibleValuesParser::new(crate::report::Format::NAMES))]
    pub format: String,
    /// Also write FORMAT to FILE (repeatable), e.g. --output json=shipcheck.json
    #[arg(long, value_name = "FORMAT=FILE")]
    pub output: Vec<String>,
    /// A production env file to check, possibly outside the repository (repeatable)
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Treat the process environment as part of production (CI secrets)
    #[arg(long)]
    pub env_from_process: bool,
    /// Compare against this ref for the git-aware migration rules (default in Actions: origin/$GITHUB_BASE_REF)
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Read migration status from this database, read-only (postgres://, mysql://, sqlite://)
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Target branch for the policy (default: GITHUB_BASE_REF, else the current branch)
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Colour in text output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(ValueEnum, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}
