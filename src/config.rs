//! `.shipcheck.yml`: parsed strictly (unknown keys are errors naming the key
//! and line), layered over embedded defaults, resolved into [`Settings`].

use crate::finding::Level;
use crate::rules::Rule;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::path::Path;

#[cfg(test)]
pub(crate) use raw::json_schema;
pub use raw::{MigrationSettings, Requirement};
use raw::{RawConfig, RuleLevel};

pub const CONFIG_FILE: &str = ".shipcheck.yml";

/// Where debug rules do not apply: tests, scripts, examples, docs, fixtures,
/// stories, seeds and config files. Patterns without `/` match the file name
/// anywhere in the tree.
pub const DEFAULT_NON_PRODUCTION: &[&str] = &[
    "*.test.*",
    "*.spec.*",
    "*.cy.*",
    "*_test.go",
    "*_test.py",
    "test_*.py",
    "*_spec.rb",
    "conftest.py",
    // Rust: a module's tests in their own file (`mod tests;`).
    "tests.rs",
    "**/__tests__/**",
    "**/__mocks__/**",
    // Test doubles and development mocks (MSW handlers, outbound mocks
    // wired in only by a dev entry point).
    "**/mocks/**",
    "mocks.*",
    "*.mock.*",
    "*.mocks.*",
    "mock-*.*",
    "mock_*.*",
    "*-mock.*",
    "*_mock.*",
    "*-mock-*.*",
    "**/test/**",
    "**/tests/**",
    "**/e2e/**",
    "**/spec/**",
    "**/cypress/**",
    "**/testdata/**",
    "**/benches/**",
    "**/bench/**",
    "**/benchmarks/**",
    "build.rs",
    "**/scripts/**",
    "**/script/**",
    "**/examples/**",
    "**/example/**",
    "**/docs/**",
    "**/fixtures/**",
    "**/__fixtures__/**",
    "*.stories.*",
    "**/stories/**",
    "**/.storybook/**",
    "seed.*",
    "seeds.*",
    "seed-*.*",
    "seed_*.*",
    "*-seed.*",
    "*_seed.*",
    // Rails: rake tasks (ENV there carries task arguments, `puts` is their
    // output) and binstubs.
    // npm lifecycle scripts run at install or publish time.
    "prepublish*.*",
    "prepare.*",
    "preinstall.*",
    "postinstall.*",
    "*.rake",
    "**/lib/tasks/**",
    "**/bin/**",
    "**/seed/**",
    "**/seeds/**",
    "**/seeders/**",
    "*.config.js",
    "*.config.cjs",
    "*.config.mjs",
    "*.config.ts",
    "*.config.mts",
    "*.config.cts",
    ".eslintrc*",
    "Gruntfile.js",
    "Gulpfile.js",
    "gulpfile.js",
];

/// Where focused tests are looked for.
pub const DEFAULT_TEST_FILES: &[&str] = &[
    "*.test.*",
    "*.spec.*",
    "*.cy.*",
    "*_test.go",
    "*_test.py",
    "test_*.py",
    "*_spec.rb",
    "**/__tests__/**",
    "**/test/**",
    "**/tests/**",
    "**/e2e/**",
    "**/spec/**",
    "**/cypress/**",
];

/// Never scanned: vendored and generated code.
pub const DEFAULT_VENDORED: &[&str] = &[
    "**/node_modules/**",
    "**/vendor/**",
    "**/third_party/**",
    "**/bower_components/**",
    "*.min.js",
    "*.min.mjs",
    "*.min.cjs",
    "*.min.css",
    "*.bundle.js",
    "*-bundle.js",
    "*.map",
];

pub const DEFAULT_RELEASE_BRANCHES: &[&str] = &["main", "master", "release/*", "production"];
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;
/// A JS/TS file with a line longer than this is minified or generated code.
pub const DEFAULT_MINIFIED_LINE_LENGTH: usize = 1000;

/// Resolved settings every check and the policy read.
#[derive(Debug)]
pub struct Settings {
    pub fail_on: Level,
    pub release_fail_on: Level,
    pub release_branches: Vec<String>,
    release_branch_set: GlobSet,
    pub max_file_size: u64,
    /// JS/TS files with a longer line are skipped as minified; 0: never.
    pub minified_line_length: usize,
    include: Option<PathSet>,
    exclude: PathSet,
    vendored: PathSet,
    non_production: PathSet,
    test_files: PathSet,
    /// Levels set in the config, by rule id (`None`: `off`); a rule not
    /// here runs at its default level.
    levels: HashMap<String, Option<Level>>,
    /// The rules the config names, with the line and the options it sets:
    /// checked against the registry by [`Settings::check_rules`].
    configured: Vec<ConfiguredRule>,
    pub console_allow: Vec<String>,
    pub todo_markers: Vec<String>,
    pub issue_pattern: Option<regex::Regex>,
    pub env: env::EnvSettings,
    pub secrets: env::SecretSettings,
    pub migrations: MigrationSettings,
    /// `compose.production`: compose files judged as production.
    pub compose_production: Vec<String>,
    pub require: Vec<Requirement>,
    /// `hook.policy-branch`: the branch whose policy the pre-push hook
    /// applies (default: the remote's default branch).
    pub hook_policy_branch: Option<String>,
    /// The checklist the report is laid out as (`checklist:`, else the
    /// built-in one).
    pub checklist: crate::checklist::Checklist,
    /// Where the settings came from, for messages (`None`: embedded defaults).
    pub source: Option<String>,
}

/// The YAML parser's "duplicate entry with key" error said with the lines
/// of each occurrence of the key.
fn duplicate_key(text: &str, error: &str) -> Option<String> {
    let rest = error.split_once("duplicate entry with key \"")?.1;
    let key = &rest[..rest.find('"')?];
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim_start().trim_start_matches("- ");
            let l = l.trim_start_matches(['"', '\'']);
            l.strip_prefix(key).is_some_and(|r| {
                r.trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with(':')
            })
        })
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    (lines.len() >= 2).then(|| {
        format!(
            "`{key}` is given twice (lines {}): the last would silently win; keep one",
            lines.join(" and ")
        )
    })
}

/// Deepest nesting of flow collections (`[`, `{`) a config may have.
const MAX_DEPTH: usize = 32;

/// The line where flow nesting first goes past [`MAX_DEPTH`], and the
/// limit: the YAML parser takes quadratic time on deep nesting, so it is
/// refused before parsing. Quotes and comments are skipped.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        let mut quote = None;
        let mut prev = ' ';
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '#') if prev.is_whitespace() => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some((n + 1, MAX_DEPTH));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            prev = c;
        }
    }
    None
}

/// A rule named under `rules:`.
#[derive(Debug, Clone)]
struct ConfiguredRule {
    id: String,
    line: Option<usize>,
    options: Vec<&'static str>,
}

impl Settings {
    pub fn defaults() -> Settings {
        Self::resolve(RawConfig::default(), None).expect("embedded defaults are valid")
    }

    /// Load `path`; errors name the file, the key and the line.
    pub fn load(path: &Path) -> anyhow::Result<Settings> {
        let what = format!("config {}", path.display());
        let bytes = crate::input_file::read(path, &what, crate::input_file::MAX_CONFIG_FILE)?;
        let text =
            String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{what} is not UTF-8 text"))?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, name: &str) -> anyhow::Result<Settings> {
        let only_comments = text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        let raw: RawConfig = if only_comments {
            RawConfig::default()
        } else {
            if let Some((line, depth)) = too_deep(text) {
                anyhow::bail!(
                    "invalid config {name}: nesting deeper than {depth} levels at line {line}; a shipcheck config is never nested that deep"
                );
            }
            // Through a generic value first: it refuses a key given twice
            // in one mapping (two `debug/console:` under `rules:` would
            // otherwise let the last silently win, turning a rule off).
            let value: Result<serde_yaml_ng::Value, _> = serde_yaml_ng::from_str(text);
            if let Err(e) = value {
                let e = e.to_string();
                anyhow::bail!(
                    "invalid config {name}: {}",
                    duplicate_key(text, &e).unwrap_or(e)
                );
            }
            serde_yaml_ng::from_str(text)
                .map_err(|e| anyhow::anyhow!("invalid config {name}: {e}"))?
        };
        let configured = raw
            .rules
            .iter()
            .map(|(id, rule)| ConfiguredRule {
                id: id.clone(),
                line: line_of_key(text, id),
                options: rule.options_set(),
            })
            .collect();
        let mut settings = Self::resolve(raw, Some(name.to_string()))
            .map_err(|e| anyhow::anyhow!("invalid config {name}: {e}"))?;
        settings.configured = configured;
        Ok(settings)
    }

    /// Every rule the config names must exist (`find` is the registry's
    /// lookup, passed in because the registry sits above the config) and
    /// take the options set for it.
    pub fn check_rules(&self, find: fn(&str) -> Option<&'static Rule>) -> anyhow::Result<()> {
        let name = self.source.as_deref().unwrap_or("(defaults)");
        for c in &self.configured {
            let (id, line) = (
                &c.id,
                c.line.map(|l| format!(" at line {l}")).unwrap_or_default(),
            );
            if crate::rules::is_import_id(id) {
                // Results imported from another tool's SARIF: any id of that
                // shape, with a level only.
                if let Some(opt) = c.options.first() {
                    return Err(anyhow::anyhow!(
                        "invalid config {name}: rule `{id}`{line} has no option `{opt}` (an imported rule accepts only `level`)"
                    ));
                }
                continue;
            }
            let Some(known) = find(id) else {
                return Err(anyhow::anyhow!(
                    "invalid config {name}: unknown rule `{id}`{line} (see `shipcheck rules`)"
                ));
            };
            if let Some(opt) = c.options.iter().find(|o| !known.options.contains(o)) {
                let accepted = if known.options.is_empty() {
                    "only `level`".to_string()
                } else {
                    format!("`level`, `{}`", known.options.join("`, `"))
                };
                return Err(anyhow::anyhow!(
                    "invalid config {name}: rule `{id}`{line} has no option `{opt}` (it accepts {accepted})"
                ));
            }
        }
        Ok(())
    }

    fn resolve(raw: RawConfig, source: Option<String>) -> Result<Settings, String> {
        let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let release_branches = raw
            .release_branches
            .unwrap_or_else(|| strs(DEFAULT_RELEASE_BRANCHES));
        let paths = raw.paths.unwrap_or_default();
        let production = raw.production_code.unwrap_or_default();
        if production.include.is_some() {
            return Err(
                "production-code takes only `exclude` (the paths that are not production code)"
                    .into(),
            );
        }
        let levels = raw
            .rules
            .iter()
            .filter_map(|(id, c)| Some((id.clone(), c.level.map(RuleLevel::resolve)?)))
            .collect();
        let rule = |id: &str| raw.rules.get(id);
        let issue_pattern =
            match rule("todo/untracked").and_then(|r| r.issue_pattern.as_deref()) {
                Some(p) => Some(regex::Regex::new(p).map_err(|e| {
                    format!("todo/untracked issue-pattern is not a valid regex: {e}")
                })?),
                None => None,
            };
        let markers = rule("todo/untracked")
            .and_then(|r| r.markers.clone())
            .unwrap_or_else(|| strs(&["TODO", "FIXME", "XXX", "HACK"]));
        if let Some(bad) = markers
            .iter()
            .find(|m| m.is_empty() || !m.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            return Err(format!(
                "todo/untracked markers: {bad:?} must be a word (letters, digits, _)"
            ));
        }
        Ok(Settings {
            fail_on: raw.fail_on.map_or(Level::Error, Level::from),
            release_fail_on: raw.release_fail_on.map_or(Level::Warning, Level::from),
            release_branch_set: branch_globs(&release_branches)?,
            release_branches,
            max_file_size: raw.max_file_size.map_or(DEFAULT_MAX_FILE_SIZE, |b| b.0),
            minified_line_length: raw
                .minified_line_length
                .unwrap_or(DEFAULT_MINIFIED_LINE_LENGTH),
            include: match paths.include {
                Some(v) if !v.is_empty() => Some(path_globs(&v)?),
                _ => None,
            },
            exclude: path_globs(&paths.exclude.unwrap_or_default())?,
            vendored: path_globs(&strs(DEFAULT_VENDORED))?,
            non_production: path_globs(
                &production
                    .exclude
                    .unwrap_or_else(|| strs(DEFAULT_NON_PRODUCTION)),
            )?,
            test_files: path_globs(&raw.test_files.unwrap_or_else(|| strs(DEFAULT_TEST_FILES)))?,
            levels,
            configured: Vec::new(),
            console_allow: rule("debug/console")
                .and_then(|r| r.allow.clone())
                .unwrap_or_else(|| strs(&["error", "warn"])),
            todo_markers: markers,
            issue_pattern,
            env: env::resolve_env(raw.env)?,
            secrets: env::resolve_secrets(raw.secrets)?,
            compose_production: raw.compose.and_then(|c| c.production).unwrap_or_default(),
            migrations: {
                let m = raw.migrations.unwrap_or_default();
                let trim = |d: &str| d.trim_matches('/').to_string();
                MigrationSettings {
                    database_url_env: m
                        .database_url_env
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(dir, var)| (trim(&dir), var))
                        .collect(),
                    not_live: m
                        .not_live
                        .unwrap_or_default()
                        .iter()
                        .map(|d| trim(d))
                        .collect(),
                }
            },
            require: raw.require.unwrap_or_default(),
            hook_policy_branch: raw.hook.and_then(|h| h.policy_branch),
            checklist: checklist::resolve(raw.checklist)?,
            source,
        })
    }

    /// Every rule a checklist item names must exist (`known`: the
    /// registry's pattern check, passed in like [`Settings::check_rules`]'s).
    pub fn check_checklist(&self, known: fn(&str) -> bool) -> anyhow::Result<()> {
        let name = self.source.as_deref().unwrap_or("(defaults)");
        for (_, item) in self.checklist.items() {
            if let crate::checklist::Backing::Rules(ids) = &item.backing {
                if let Some(bad) = ids.iter().find(|id| !known(id)) {
                    anyhow::bail!(
                        "invalid config {name}: checklist item {:?} names unknown rule `{bad}` (see `shipcheck rules`)",
                        item.text
                    );
                }
            }
        }
        Ok(())
    }

    /// The level the config sets for this exact rule id, if it sets one
    /// (`Some(None)`: off). Imported rules (`import/…`) have no default of
    /// their own: each SARIF result brings its level.
    pub fn level_override(&self, id: &str) -> Option<Option<Level>> {
        self.levels.get(id).copied()
    }

    /// The configured level of a rule; `None` when it is off.
    pub fn level(&self, rule: &Rule) -> Option<Level> {
        self.levels
            .get(rule.id)
            .copied()
            .unwrap_or(rule.default_level)
    }

    /// Is this repo-relative path part of the scan at all?
    pub fn is_scanned(&self, rel: &str) -> bool {
        if self.vendored.is_match(rel) || self.exclude.is_match(rel) {
            return false;
        }
        self.include.as_ref().is_none_or(|inc| inc.is_match(rel))
    }

    /// Left out by the user (`paths.exclude`, or not in `paths.include`):
    /// not read at all, only counted.
    pub fn is_excluded(&self, rel: &str) -> bool {
        self.exclude.is_match(rel) || self.include.as_ref().is_some_and(|inc| !inc.is_match(rel))
    }

    /// Vendored or generated code (`node_modules/`, `vendor/`, `*.min.js`):
    /// it ships, so it is searched for committed secrets, but the debug and
    /// TODO rules do not judge it.
    pub fn is_vendored(&self, rel: &str) -> bool {
        self.vendored.is_match(rel)
    }

    pub fn is_production(&self, rel: &str) -> bool {
        !self.non_production.is_match(rel)
    }

    pub fn is_test_file(&self, rel: &str) -> bool {
        self.test_files.is_match(rel)
    }

    pub fn is_release_branch(&self, branch: &str) -> bool {
        self.release_branch_set.is_match(branch)
    }
}

/// Compiled repo-relative path globs (see [`path_globs`]).
#[derive(Debug, Clone)]
struct PathSet {
    /// Each pattern once: `p`, not also `p/**` (see [`PathSet::is_match`]).
    globs: GlobSet,
    /// Plain names (no glob syntax) that match as a folder anywhere in the
    /// path: `**/name/**` by a set lookup per folder instead of one more
    /// regex per name. Building the regexes was most of a small
    /// repository's run.
    dir_names: std::collections::HashSet<String>,
    /// Name globs (`**/X`, `X` with no `/` and no syntax but `*` and `?`),
    /// matched against a path's last part by [`wildcard_match`] instead of
    /// compiled into `globs`: building the glob set's regexes was a
    /// quarter of a run on an empty repository, and the default sets hold
    /// little else than these and folder names (`**/lib/tasks/**` is one).
    names: Vec<Vec<u8>>,
    /// Tells this set's answers apart in the per-thread folder cache.
    id: usize,
    /// One literal of each glob of `globs` and `names` (see [`required_literal`]): a
    /// path holding none of them matches no glob, and is answered without
    /// the glob set, which cost thousands of instructions a path. `None`
    /// when some glob has no literal to require.
    required: Option<std::sync::Arc<LiteralGate>>,
}

/// Does a path hold one of a few literals? At first by a bit per byte
/// pair that starts one, then a comparison with the literals that start
/// so: built from the literals' bytes alone. A set asked more than
/// [`LiteralGate::DFA_AFTER`] times (a repository of some size) builds an
/// automaton, which answers a path in a third of the instructions but
/// cost half a millisecond of every run to build, four sets.
#[derive(Debug)]
struct LiteralGate {
    /// Bit `a << 8 | b` set: a literal of two bytes or more starts `ab`.
    pairs: Box<[u64; 1024]>,
    /// Bit `a` set: `a` is a one-byte literal.
    singles: [u64; 4],
    /// The literals of two bytes or more, by their first two bytes.
    longer: Vec<(u16, Vec<u8>)>,
    literals: Vec<String>,
    /// The longest literal's length in bytes.
    max_len: usize,
    asked: std::sync::atomic::AtomicUsize,
    dfa: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>>,
}

impl LiteralGate {
    const DFA_AFTER: usize = 1024;

    fn new(literals: &[String]) -> Self {
        let mut gate = LiteralGate {
            pairs: Box::new([0; 1024]),
            singles: [0; 4],
            longer: Vec::new(),
            literals: literals.to_vec(),
            max_len: literals.iter().map(String::len).max().unwrap_or(0),
            asked: std::sync::atomic::AtomicUsize::new(0),
            dfa: std::sync::OnceLock::new(),
        };
        for l in literals.iter().map(|l| l.as_bytes()) {
            match l {
                [] => {}
                [a] => gate.singles[usize::from(*a >> 6)] |= 1 << (a & 63),
                [a, b, ..] => {
                    let pair = u16::from(*a) << 8 | u16::from(*b);
                    gate.pairs[usize::from(pair >> 6)] |= 1 << (pair & 63);
                    gate.longer.push((pair, l.to_vec()));
                }
            }
        }
        gate.longer.sort();
        gate
    }

    fn is_match(&self, path: &[u8]) -> bool {
        let dfa = match self.dfa.get() {
            Some(dfa) => dfa.as_ref(),
            None => {
                let asked = self
                    .asked
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if asked < Self::DFA_AFTER {
                    return self.by_pairs(path);
                }
                self.dfa().as_ref()
            }
        };
        dfa.map_or_else(|| self.by_pairs(path), |d| d.is_match(path))
    }

    /// The automaton: a DFA without a prefilter (paths are too short for a
    /// vector search to pay for its setup).
    fn dfa(&self) -> &Option<aho_corasick::AhoCorasick> {
        self.dfa.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .prefilter(false)
                .build(&self.literals)
                .ok()
        })
    }

    fn by_pairs(&self, path: &[u8]) -> bool {
        if self.singles != [0; 4]
            && path
                .iter()
                .any(|&a| self.singles[usize::from(a >> 6)] & (1 << (a & 63)) != 0)
        {
            return true;
        }
        path.windows(2).enumerate().any(|(i, w)| {
            let pair = u16::from(w[0]) << 8 | u16::from(w[1]);
            self.pairs[usize::from(pair >> 6)] & (1 << (pair & 63)) != 0 && {
                let from = self.longer.partition_point(|(p, _)| *p < pair);
                self.longer[from..]
                    .iter()
                    .take_while(|(p, _)| *p == pair)
                    .any(|(_, l)| path[i..].starts_with(l))
            }
        })
    }
}

impl PathSet {
    /// `rel` matches a pattern `p` or `p/**`: it matches `p`, or one of
    /// its folders does. Compiled, each `p/**` was one more regex (a
    /// glob ending in `/**` after a wildcard has no cheaper form), and
    /// compiling them was a third of a small app's run.
    fn is_match(&self, rel: &str) -> bool {
        match crate::paths::split_name(rel) {
            Some((dir, _)) => {
                let (matched, held) = self.folder_matches(dir);
                matched
                    || self.globs_match_held(rel, self.holds_required_after(rel, dir.len(), held))
            }
            None => self.globs_match(rel),
        }
    }

    /// Does a glob of `globs` match `path`? Never when it holds none of
    /// the required literals.
    fn globs_match(&self, path: &str) -> bool {
        let held = self
            .required
            .as_ref()
            .is_none_or(|r| r.is_match(path.as_bytes()));
        self.globs_match_held(path, held)
    }

    /// [`PathSet::globs_match`], told whether `path` holds a required
    /// literal.
    fn globs_match_held(&self, path: &str, held: bool) -> bool {
        if !held {
            return false;
        }
        let name = crate::paths::file_name(path).as_bytes();
        self.names.iter().any(|g| wildcard_match(g, name))
            || (!self.globs.is_empty() && self.globs.is_match(path))
    }

    /// Does `path` hold a required literal, when its first `before` bytes
    /// do (`held`) or do not? Only a literal ending past them is left to
    /// find, which starts at most the longest literal's length back: the
    /// gate reads a file's name and not its folders again.
    fn holds_required_after(&self, path: &str, before: usize, held: bool) -> bool {
        match &self.required {
            None => true,
            Some(_) if held => true,
            Some(r) => {
                let from = (before + 1).saturating_sub(r.max_len).min(path.len());
                r.is_match(&path.as_bytes()[from..])
            }
        }
    }

    /// Does `dir` or a folder above it match? Every file directly in `dir`
    /// has the same answer, and a folder's files are listed one after
    /// another, next to its neighbours: each thread keeps, per set, the
    /// last folder asked and the answer for each of its ancestors, and
    /// works out only the folders a new path does not share with it (the
    /// whole chain again cost thousands of instructions a file).
    fn folder_matches(&self, dir: &str) -> (bool, bool) {
        struct Last {
            id: usize,
            dir: String,
            /// `upto[i]`: the first `i + 1` folders of `dir` hold a match.
            upto: Vec<bool>,
            /// `held[i]`: the first `i + 1` folders of `dir` hold a
            /// literal the set requires.
            held: Vec<bool>,
        }
        thread_local! {
            static LAST: std::cell::RefCell<Vec<Last>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        if self.dir_names.is_empty() && self.globs.is_empty() && self.names.is_empty() {
            return (false, false);
        }
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            let at = match last.iter().position(|l| l.id == self.id) {
                Some(at) => at,
                None => {
                    // A thread asks a handful of sets; tests make many.
                    if last.len() >= 64 {
                        last.clear();
                    }
                    last.push(Last {
                        id: self.id,
                        dir: String::new(),
                        upto: Vec::new(),
                        held: Vec::new(),
                    });
                    last.len() - 1
                }
            };
            let entry = &mut last[at];
            if entry.dir == dir && !entry.upto.is_empty() {
                return (
                    entry.upto.last().copied().unwrap_or(false),
                    entry.held.last().copied().unwrap_or(false),
                );
            }
            let shared = shared_folders(dir, &entry.dir).min(entry.upto.len());
            entry.upto.truncate(shared);
            entry.held.truncate(shared);
            let mut any = entry.upto.last().copied().unwrap_or(false);
            let mut held = entry.held.last().copied().unwrap_or(false);
            // Only the folders not shared: from after the `shared`-th slash.
            let folders = memchr::memchr_iter(b'/', dir.as_bytes()).count() + 1;
            let start = match shared {
                0 => 0,
                n => memchr::memchr_iter(b'/', dir.as_bytes())
                    .nth(n - 1)
                    .map_or(dir.len(), |i| i + 1),
            };
            let mut end = start;
            for name in dir[start..].split('/').take(folders - shared) {
                // The folders before this one, without the slash.
                let before = end.saturating_sub(1);
                end += name.len();
                let path = &dir[..end];
                held = self.holds_required_after(path, before, held);
                any = any || self.dir_names.contains(name) || self.globs_match_held(path, held);
                entry.upto.push(any);
                entry.held.push(held);
                end += 1;
            }
            entry.dir.clear();
            entry.dir.push_str(dir);
            (any, held)
        })
    }
}

/// How many leading folders two folder paths share (`a/b/c` and `a/b/d`:
/// 2; `a/b` and `a/bc`: 1), from their common bytes.
fn shared_folders(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let ends_folder = |s: &[u8]| s.get(common).is_none_or(|&c| c == b'/');
    let whole = usize::from(!a.is_empty() && !b.is_empty() && ends_folder(a) && ends_folder(b));
    memchr::memchr_iter(b'/', &a[..common]).count() + whole
}

/// Does `glob` (plain bytes, `*` and `?`) match all of `name`? Byte by
/// byte, as the glob set's `(?-u)` regexes do: `?` is one byte, `*` any
/// run of bytes (neither crosses a `/`, and a name has none). Iterative,
/// so no pattern can make it exponential. Drizzle's schema globs use it
/// for one path segment.
pub(crate) fn wildcard_match(glob: &[u8], name: &[u8]) -> bool {
    let (mut g, mut n) = (0, 0);
    // The last `*` seen, and where in `name` its run would end next.
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match glob.get(g) {
            Some(b'*') => {
                star = Some((g, n));
                g += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                g += 1;
                n += 1;
            }
            _ => match star {
                Some((sg, sn)) => {
                    star = Some((sg, sn + 1));
                    g = sg + 1;
                    n = sn + 1;
                }
                None => return false,
            },
        }
    }
    glob[g..].iter().all(|&c| c == b'*')
}

/// The longest run of plain characters in `glob`, which every path it
/// matches holds: `**/*.test.*` → `.test.`. A `/` beside `**` is not
/// required (`**/x` matches `x`). `None` when there is no such run, or the
/// glob has classes, alternatives or escapes.
fn required_literal(glob: &str) -> Option<String> {
    if glob.contains(['[', ']', '{', '}', '\\']) {
        return None;
    }
    let (mut best, mut run) = (String::new(), String::new());
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '*' && c != '?' {
            run.push(c);
            continue;
        }
        let double = c == '*' && chars.peek() == Some(&'*');
        if double {
            while chars.peek() == Some(&'*') {
                chars.next();
            }
            if run.ends_with('/') {
                run.pop();
            }
            if chars.peek() == Some(&'/') {
                chars.next();
            }
        }
        if run.len() > best.len() {
            best = std::mem::take(&mut run);
        }
        run.clear();
    }
    if run.len() > best.len() {
        best = run;
    }
    (!best.is_empty()).then_some(best)
}

/// Compile repo-relative path globs. A pattern without `/` matches a file or
/// directory name at any depth, as in `.gitignore`. Each pattern `p` means
/// the globs `p` and `p/**` (anything inside a match, found by matching
/// the path's folders: [`PathSet::is_match`]); a name with no glob
/// syntax, `**/name` and `**/name/**`, is a basename glob (a hash lookup in
/// the glob set) and a folder name ([`PathSet::dir_names`]).
fn path_globs(patterns: &[String]) -> Result<PathSet, String> {
    static IDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let mut b = GlobSetBuilder::new();
    let mut dir_names = std::collections::HashSet::new();
    let mut literals: Option<Vec<String>> = Some(Vec::new());
    let mut names = Vec::new();
    let plain =
        |s: &str| !s.is_empty() && !s.contains(['*', '?', '[', ']', '{', '}', '\\', '/', '!']);
    for p in patterns {
        if p.trim().is_empty() {
            return Err(
                "an empty pattern would match every path: remove it, or name the paths".to_string(),
            );
        }
        let p = p.trim_start_matches("./");
        let full = if p.contains('/') {
            p.trim_start_matches('/').to_string()
        } else {
            format!("**/{p}")
        };
        // `**/name/**` (given so, or made from `name`): a folder named so.
        let folder = full
            .trim_end_matches("/**")
            .strip_prefix("**/")
            .filter(|name| plain(name));
        if let Some(name) = folder {
            dir_names.insert(name.to_string());
            if full.ends_with("/**") {
                // `**/name/**` itself: the folder lookup is the whole glob.
                continue;
            }
        }
        let glob = || {
            globset::GlobBuilder::new(&full)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("bad glob {p:?}: {e}"))
        };
        match full
            .strip_prefix("**/")
            .filter(|name| !name.is_empty() && !name.contains(['/', '[', ']', '{', '}', '\\', '!']))
        {
            // A name of literals, `*` and `?` is a glob globset always takes
            // (`a**b` too): building each default name's glob only to check
            // it was a tenth of a small app's run. Brackets and braces, which
            // can be bad, go to the glob set, built and checked.
            Some(name) => names.push(name.as_bytes().to_vec()),
            None => {
                b.add(glob()?);
            }
        }
        match (required_literal(&full), &mut literals) {
            (Some(l), Some(list)) => list.push(l),
            _ => literals = None,
        }
    }
    Ok(PathSet {
        globs: b.build().map_err(|e| e.to_string())?,
        dir_names,
        names,
        id: IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        required: literals.map(|l| std::sync::Arc::new(LiteralGate::new(&l))),
    })
}

fn branch_globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("bad release-branches pattern {p:?}: {e}"))?);
    }
    b.build().map_err(|e| e.to_string())
}

/// 1-based line where `key` appears as a mapping key, for error messages.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            let t = t.trim_start_matches(['"', '\'']);
            t.strip_prefix(key).is_some_and(|rest| {
                rest.trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with(':')
            })
        })
        .map(|i| i + 1)
}

mod checklist;
pub mod env;
mod raw;
#[cfg(test)]
mod tests;
