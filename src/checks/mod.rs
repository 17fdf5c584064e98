//! Check groups. Each group is one module with the same shape (doc, types,
//! `impl FileCheck`, helpers, tests); [`CHECKS`] is the one list of them.
//! Checks are pure: they read a [`SourceFile`] and push findings.

pub mod app;
pub mod compose;
pub mod database;
pub mod debug;
pub mod debug_mode;
pub mod docker;
pub mod env;
pub mod env_reads;
pub mod env_values;
pub mod history;
pub mod infra_files;
pub mod migration_lint;
pub mod migrations;
pub mod proxy;
pub mod repo;
pub mod scan;
pub mod scripts;
pub mod secret;
pub mod stripe;
pub mod stripe_keys;
#[cfg(test)]
mod test_support;
pub mod todo;

use crate::config::Settings;
use crate::finding::{Finding, Span};
use crate::lexer::Lang;
use crate::policy::{self, Suppression};
use crate::rules::Rule;
use crate::workspace::SourceFile;
use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

pub use crate::date::{parse_date, Date};

/// What every check may read besides the file.
pub struct Context<'s> {
    pub settings: &'s Settings,
    /// "Today", for dated TODOs (`SHIPCHECK_TODAY` overrides the clock).
    pub today: Date,
    /// `--online`: the tracked TODOs' GitHub issue references are gathered
    /// for its look-up after the walk (else they are not looked for: a
    /// regex run on every tracked TODO for nothing).
    pub online: bool,
}

impl Context<'_> {
    /// A finding of `rule` at `start..end` of `file`, at the rule's
    /// configured level; `None` when the rule is off.
    pub fn finding(
        &self,
        rule: &'static Rule,
        file: &SourceFile,
        start: usize,
        end: usize,
        message: String,
        help: String,
    ) -> Option<Finding> {
        let level = self.settings.level(rule)?;
        let span: Span = file.span(start, end);
        let shown = file.shown_line(start, end);
        Some(Finding::new(rule, level, message, help).at_shown(file.rel, span, shown))
    }

    pub fn enabled(&self, rule: &Rule) -> bool {
        self.settings.level(rule).is_some()
    }
}

/// TODO-style comments seen, whatever their rules' levels (the JSON report's
/// inventory).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TodoCounts {
    pub tracked: usize,
    pub untracked: usize,
    pub expired: usize,
}

impl std::ops::AddAssign for TodoCounts {
    fn add_assign(&mut self, o: TodoCounts) {
        self.tracked += o.tracked;
        self.untracked += o.untracked;
        self.expired += o.expired;
    }
}

/// Everything one file contributes to the report.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub findings: Vec<Finding>,
    pub suppressions: Vec<Suppression>,
    pub todos: TodoCounts,
    pub env_reads: Vec<crate::env::references::EnvRead>,
    pub templates: Vec<env_reads::Template>,
    /// Env files that are not templates (`.env`, `.env.production`, …),
    /// parsed: `env/committed-env-file` judges what a committed one holds.
    pub env_files: Vec<(String, crate::env::dotenv::EnvFile)>,
    /// Variables a Dockerfile's `ENV` sets in the image it builds.
    pub image_env: Vec<String>,
    /// Files migration discovery needs, with their text.
    pub repo_files: Vec<crate::migrations::RepoFile>,
    /// Tracked TODOs that name GitHub issues (`--online` looks them up).
    pub issue_refs: Vec<todo::TodoIssueRefs>,
    /// What a JS/TS file says about its app server (`app::scan`).
    pub app_files: Vec<app::scan::FileFacts>,
}

impl FileOutcome {
    /// Give back the lists' spare room: an outcome is held until the walk
    /// ends, and a list of one finding has room for four.
    pub fn shrink_to_fit(&mut self) {
        self.findings.shrink_to_fit();
        self.suppressions.shrink_to_fit();
        self.env_reads.shrink_to_fit();
        self.templates.shrink_to_fit();
        self.env_files.shrink_to_fit();
        self.image_env.shrink_to_fit();
        self.repo_files.shrink_to_fit();
        self.issue_refs.shrink_to_fit();
        self.app_files.shrink_to_fit();
    }

    /// Nothing found and nothing to keep.
    pub fn is_empty(&self) -> bool {
        let FileOutcome {
            findings,
            suppressions,
            todos,
            env_reads,
            templates,
            env_files,
            image_env,
            repo_files,
            issue_refs,
            app_files,
        } = self;
        findings.is_empty()
            && suppressions.is_empty()
            && *todos == TodoCounts::default()
            && env_reads.is_empty()
            && templates.is_empty()
            && env_files.is_empty()
            && image_env.is_empty()
            && repo_files.is_empty()
            && issue_refs.is_empty()
            && app_files.is_empty()
    }
}

/// What decides which tokens can matter in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileKind {
    pub lang: Lang,
    pub production: bool,
    pub test: bool,
    /// A production JS/TS file in a package that may have a server (see
    /// [`app::ServerDeps`]); `false` for every other file.
    pub server_package: bool,
}

impl FileKind {
    pub fn of(file: &SourceFile) -> FileKind {
        FileKind {
            lang: file.lang,
            production: file.is_production,
            test: file.is_test,
            server_package: false,
        }
    }

    /// Dense index for the per-kind prefilter table.
    fn index(self) -> usize {
        (self.lang as usize) * 8
            + usize::from(self.production) * 4
            + usize::from(self.test) * 2
            + usize::from(self.server_package)
    }
}

/// Slots in the prefilter table: 8 per language (production × test ×
/// server package).
const KIND_SLOTS: usize = 64 * 8;

pub trait FileCheck: Sync {
    /// Literal tokens of which at least one must occur in a file of this kind
    /// for this check to have anything to say there; none means the check
    /// never applies to the kind. The prefilter skips lexing otherwise.
    fn tokens(&self, ctx: &Context, kind: FileKind) -> Vec<String>;
    fn check_file(&self, file: &SourceFile, ctx: &Context, out: &mut FileOutcome);
}

pub static CHECKS: &[&dyn FileCheck] = &[
    &debug::DebugCode,
    &todo::Todos,
    &env_reads::EnvReads,
    &stripe_keys::StripeKeysInRepo,
    &stripe_keys::ProviderKeysInRepo,
    &app::scan::AppFiles,
];

/// The whole-repository checks, run once after the walk.
pub static REPO_CHECKS: &[&dyn repo::RepoCheck] = &[
    &env::EnvRules,
    &debug_mode::DebugModeRule,
    &env_values::EnvValueRules,
    &docker::DockerRules,
    &compose::ComposeRules,
    &secret::SecretRules,
    &stripe::StripeModes,
    &migrations::MigrationRules,
    &migration_lint::MigrationLint,
    &database::DatabaseRules,
    &history::HistoryProblems,
    &scan::ScanProblems,
    &stripe_keys::SweptKeys,
    &proxy::ProxyRules,
    &app::AppRules,
];

/// Aho-Corasick automata over the tokens that matter for a file kind, a
/// few dozen patterns each: within that, the automaton searches with its
/// SIMD (Teddy) searcher; a single automaton over every token falls back to
/// a byte-at-a-time one several times slower.
struct Prefilter {
    parts: Vec<PrefilterPart>,
}

struct PrefilterPart {
    /// `None` only if the search could not be built (it always can for
    /// plain literals); the file is then left unchecked rather than crash.
    ac: PartSearch,
    /// Pattern index → index in CHECKS, or `CHECKS.len()` for suppressions.
    owner: Vec<usize>,
    /// The bits of every owner in this part.
    mask: u64,
}

/// A kind's tokens, each with the index of its check in [`CHECKS`].
type TokenList = Vec<(String, usize)>;

/// Patterns per automaton: Teddy's limit is 64.
const PATTERNS_PER_PART: usize = 48;

/// Runs every per-file check on a file, after one pass over its bytes that
/// says which checks have candidate tokens in it. Automata are built once per
/// file kind, on first use.
pub struct FileChecker<'s> {
    ctx: Context<'s>,
    prefilters: Vec<OnceLock<std::sync::Arc<Prefilter>>>,
    /// The automata by token list: kinds with the same tokens (text,
    /// Markdown, SQL, TOML…) share one instead of each building its own.
    built: std::sync::Mutex<std::collections::HashMap<TokenList, std::sync::Arc<Prefilter>>>,
    /// The searches by their patterns: kinds whose token lists differ share
    /// the parts they have alike (the short tokens' automaton, the same in
    /// nearly every kind, took a third of a millisecond to build each time).
    parts: std::sync::Mutex<std::collections::HashMap<Vec<String>, PartSearch>>,
    /// Which production JS/TS files may be in a server's package.
    servers: app::ServerDeps,
}

/// A prefilter part's search, shared by the kinds with the same patterns.
type PartSearch = Option<std::sync::Arc<SharedSearch>>;

/// Bytes of text a part's vector search is given before its literals are
/// dealt into Teddy's buckets ([`crate::literals::Literals::dealt`]):
/// dealing takes 45–110 µs, more than a small repository's whole search
/// (256 KB of source take a vector search about 50 µs). Dealing after
/// 256 KB rather than a megabyte: postiz-app 0.95, taxonomy 0.965, the
/// others alike (interleaved).
const DEAL_AFTER: usize = 1 << 18;

/// A part's search: as built, then, once it has been given [`DEAL_AFTER`]
/// bytes of text (counted whole, though a search may stop early), with
/// its literals dealt into like buckets (the same matches).
struct SharedSearch {
    built: crate::literals::Literals,
    patterns: Vec<String>,
    searched: std::sync::atomic::AtomicUsize,
    /// Set by the thread that deals: the others go on with `built`
    /// meanwhile instead of waiting.
    dealing: std::sync::atomic::AtomicBool,
    dealt: OnceLock<Option<crate::literals::Literals>>,
}

impl SharedSearch {
    fn new(built: crate::literals::Literals, patterns: Vec<String>) -> Self {
        SharedSearch {
            built,
            patterns,
            searched: Default::default(),
            dealing: Default::default(),
            dealt: OnceLock::new(),
        }
    }

    /// The search for a text of `len` bytes.
    fn for_text(&self, len: usize) -> &crate::literals::Literals {
        use std::sync::atomic::Ordering::Relaxed;
        if let Some(dealt) = self.dealt.get() {
            return dealt.as_ref().unwrap_or(&self.built);
        }
        if !matches!(self.built, crate::literals::Literals::Vector(_))
            || self.searched.fetch_add(len, Relaxed).saturating_add(len) < DEAL_AFTER
            || self.dealing.swap(true, Relaxed)
        {
            return &self.built;
        }
        self.dealt
            .get_or_init(|| crate::literals::Literals::dealt(&self.patterns))
            .as_ref()
            .unwrap_or(&self.built)
    }
}

const SUPPRESSION_TOKEN: &str = "shipcheck-ignore";

impl<'s> FileChecker<'s> {
    pub fn new(ctx: Context<'s>) -> Self {
        FileChecker {
            ctx,
            prefilters: (0..KIND_SLOTS).map(|_| OnceLock::new()).collect(),
            built: Default::default(),
            parts: Default::default(),
            servers: app::ServerDeps::new(None),
        }
    }

    /// Guess the server packages from the manifests under `root` (see
    /// [`app::ServerDeps`]); without this, every JS/TS file is looked in
    /// for every app fact.
    pub fn with_server_deps(mut self, servers: app::ServerDeps) -> Self {
        self.servers = servers;
        self
    }

    /// The walk's guess at the server packages, for the files it left.
    pub fn server_deps(&self) -> &app::ServerDeps {
        &self.servers
    }

    pub fn context(&self) -> &Context<'s> {
        &self.ctx
    }

    fn prefilter(&self, kind: FileKind) -> &Prefilter {
        self.prefilters[kind.index() % KIND_SLOTS].get_or_init(|| {
            let mut patterns = Vec::new();
            let mut owner = Vec::new();
            for (i, check) in CHECKS.iter().enumerate() {
                for t in check.tokens(&self.ctx, kind) {
                    patterns.push(t);
                    owner.push(i);
                }
            }
            patterns.push(SUPPRESSION_TOKEN.to_string());
            owner.push(CHECKS.len());
            let key: TokenList = patterns
                .iter()
                .cloned()
                .zip(owner.iter().copied())
                .collect();
            let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(shared) = built.get(&key) {
                return shared.clone();
            }
            // Teddy fingerprints a pattern by its first bytes, as many as
            // the part's shortest pattern has (at most 4): one 3-byte token
            // makes every pattern of its part a 3-byte fingerprint, which
            // matches far more often. Tokens under 4 bytes (`XXX`, `re_`,
            // the sixteen `SKx`) get a part of their own (Teddy with
            // three-byte masks: 15 GB/s over the stress corpus's JS, side
            // benchmark); the others are split evenly into as few parts as
            // Teddy takes (two parts of 44 scan 1.6 GB/s, 48 + 39 the same,
            // 64 + 23 or 32 + 32 + 23 half as fast).
            let (short, mut long): (Vec<usize>, Vec<usize>) =
                (0..patterns.len()).partition(|&i| patterns[i].len() < 4);
            // One-byte tokens (`=` in env files, `$` in YAML) get a part of
            // their own, found with `memchr`: among the short tokens they
            // left the automaton no prefilter, and it stepped through every
            // byte of a lock file.
            let (single, short): (Vec<usize>, Vec<usize>) =
                short.into_iter().partition(|&i| patterns[i].len() == 1);
            // The suppression token first, in the first part with the
            // other checks' few tokens: a part's search stops once each
            // of its checks has a candidate, and is skipped if they all
            // had one in an earlier part. At the end, it kept the last
            // part (the app facts' tokens) from ever stopping or being
            // skipped, since files rarely hold it.
            long.sort_by_key(|&i| owner[i] != CHECKS.len());
            let per_part = long
                .len()
                .div_ceil(long.len().div_ceil(PATTERNS_PER_PART).max(1));
            let groups = long
                .chunks(per_part.max(1))
                .chain((!short.is_empty()).then_some(short.as_slice()))
                .chain(single.chunks(3));
            let mut searches = self.parts.lock().unwrap_or_else(|e| e.into_inner());
            let parts = groups
                .map(|group| PrefilterPart {
                    // Leftmost-first lets the long tokens be found by a
                    // vector search (Teddy) alone, built in microseconds:
                    // an automaton with Teddy as its prefilter gives the
                    // same matches but builds an automaton it never steps
                    // (a DFA, chosen by default for a few dozen patterns,
                    // took three times as long again: 15 M of a small
                    // app's 100 M instructions went to them). The short
                    // tokens of three bytes (`XXX`, `re_`, the `SKx`) too:
                    // their automaton, a DFA, took 360 k instructions to
                    // build, twice in a Python app (10 % of
                    // django-realworld's run), and searched no faster than
                    // Teddy's three-byte masks (wall time alike,
                    // interleaved). With a shorter one (Ruby's `pp`), an
                    // automaton as the crate picks.
                    ac: searches
                        .entry(group.iter().map(|&i| patterns[i].clone()).collect())
                        .or_insert_with_key(|listed| {
                            let shortest = group.iter().map(|&i| patterns[i].len()).min();
                            if shortest >= Some(3) {
                                crate::literals::Literals::new(group.iter().map(|&i| &patterns[i]))
                            } else if patterns[group[0]].len() == 1 {
                                crate::literals::Literals::bytes(
                                    group.iter().map(|&i| &patterns[i]),
                                )
                            } else {
                                AhoCorasick::builder()
                                    .match_kind(MatchKind::LeftmostFirst)
                                    .build(group.iter().map(|&i| &patterns[i]))
                                    .ok()
                                    .map(crate::literals::Literals::Automaton)
                            }
                            .map(|built| {
                                std::sync::Arc::new(SharedSearch::new(built, listed.clone()))
                            })
                        })
                        .clone(),
                    owner: group.iter().map(|&i| owner[i]).collect(),
                    mask: group.iter().fold(0, |m, &i| m | 1 << owner[i]),
                })
                .collect();
            let prefilter = std::sync::Arc::new(Prefilter { parts });
            built.insert(key, prefilter.clone());
            prefilter
        })
    }

    pub fn check(&self, file: &SourceFile) -> FileOutcome {
        let mut kind = FileKind::of(file);
        kind.server_package = app::scan::judged(kind) && self.servers.may_serve(file.rel);
        let prefilter = self.prefilter(kind);
        let mut out = FileOutcome::default();
        // Bit i: CHECKS[i] has a candidate token; bit CHECKS.len(): suppressions.
        let mut wanted: u64 = 0;
        for part in &prefilter.parts {
            let Some(ac) = &part.ac else { return out };
            // A part whose checks all have a candidate already is skipped.
            if wanted & part.mask == part.mask {
                continue;
            }
            for m in ac.for_text(file.text.len()).find_iter(file.text.as_bytes()) {
                wanted |= 1 << part.owner[m.pattern().as_usize()];
                if wanted & part.mask == part.mask {
                    break;
                }
            }
        }
        for (i, check) in CHECKS.iter().enumerate() {
            if wanted & (1 << i) != 0 {
                check.check_file(file, &self.ctx, &mut out);
            }
        }
        if wanted & (1 << CHECKS.len()) != 0 {
            out.suppressions = policy::suppressions_in(file);
        }
        out
    }
}

/// A file that starts with a `#!` interpreter line (`#!/usr/bin/env node`)
/// is a command-line script: what it prints is its output. Rust's inner
/// attributes (`#![allow(…)]`) start with `#!` too and are not one.
pub fn is_shebang_script(text: &str) -> bool {
    text.strip_prefix("#!")
        .is_some_and(|rest| !rest.trim_start_matches([' ', '\t']).starts_with('['))
}

#[cfg(test)]
mod shared_search_tests {
    use super::*;

    /// A part's search is dealt into like buckets once it has been given
    /// `DEAL_AFTER` bytes, not before, and finds what it found as built.
    #[test]
    fn a_part_is_dealt_after_deal_after_bytes_and_finds_the_same() {
        let patterns: Vec<String> = [
            "shipcheck-ignore",
            "bugger",
            "onsole",
            "TODO",
            "FIXME",
            "HACK",
            "ss.env",
            "t.meta.env",
            "teEnv",
            "anEnv",
            "sk_live_",
            "rk_live_",
            "AKIA",
            "ghp_",
            "gho_",
            "xoxb-",
            "xpress(",
            "astify",
            "cors",
            "Cors",
            "jwt.sign",
        ]
        .map(String::from)
        .to_vec();
        let built = crate::literals::Literals::new(&patterns).expect("built");
        let search = SharedSearch::new(built, patterns);
        let text = "const x = process.env.A; // TODO: cors\nconsole.log(jwt.sign(x)) ghp_ xoxb-1";
        let found = |l: &crate::literals::Literals| {
            l.find_iter(text.as_bytes())
                .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                .collect::<Vec<_>>()
        };
        let before = search.for_text(DEAL_AFTER / 2);
        assert!(matches!(before, crate::literals::Literals::Vector(_)));
        let want = found(before);
        assert_eq!(want.len(), 7, "{want:?}");
        let after = search.for_text(DEAL_AFTER / 2);
        assert!(matches!(after, crate::literals::Literals::Dealt(..)));
        assert_eq!(found(after), want);
        assert!(matches!(
            search.for_text(1),
            crate::literals::Literals::Dealt(..)
        ));
    }
}
