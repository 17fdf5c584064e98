//! ONE walk of the repository. Each file is read once, decoded, classified
//! (language, production/test) and handed to a visitor on the walker's
//! threads; it is lexed lazily, at most once, only if a check asks.

use crate::config::Settings;
use crate::finding::{ShownLine, Span};
use crate::lexer::{self, Lang, Region, RegionKind};
use std::cell::{Cell, OnceCell};
use std::path::Path;
use std::sync::mpsc;

mod index;
pub mod listing;
pub mod revtree;
pub mod sweep;
pub mod tree;

/// How much of a file is searched for a NUL byte to call it binary.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// One readable text file, as the checks see it.
pub struct SourceFile<'a> {
    /// Repo-relative, `/`-separated.
    pub rel: &'a str,
    pub lang: Lang,
    pub text: &'a str,
    pub is_production: bool,
    pub is_test: bool,
    regions: OnceCell<Vec<Region>>,
    code: OnceCell<String>,
    /// Only [`SourceFile::line_text`] indexes every line.
    line_starts: OnceCell<Vec<usize>>,
    /// A byte offset and the newlines before it: a finding's line is
    /// counted on from the last one asked (findings come in order). An
    /// index of every line start, built for each file with a finding, was
    /// a twentieth of the stress corpus's run; counting newlines without
    /// storing them is several times faster.
    lines_before: Cell<(usize, usize, usize)>,
    /// The last line [`SourceFile::shown_line`] found: its start and end.
    /// Findings on one long line (a generated file's) take it from here
    /// instead of each scanning the line again.
    last_line: Cell<(usize, usize)>,
    /// The last `line_col` answer (offset, line index, column): findings
    /// come in order, so the next column is counted on from there instead of
    /// from the start of a possibly megabyte-long line.
    last_col: Cell<(usize, usize, usize)>,
}

thread_local! {
    /// A worker's memory for the next file's regions and blanked code:
    /// what a dropped [`SourceFile`] held, instead of allocating both
    /// afresh for each file and freeing them after (`lexer::mask`'s
    /// allocation led the heap's growth in the stress corpus's profile;
    /// reused, its run took 0.966–0.991 of the time).
    static SPARE_REGIONS: Cell<Vec<Region>> = const { Cell::new(Vec::new()) };
    static SPARE_CODE: Cell<String> = const { Cell::new(String::new()) };
}

/// The largest buffer kept for the next file: a huge file's stays its own.
const SPARE_MAX_BYTES: usize = 1 << 22;

impl Drop for SourceFile<'_> {
    fn drop(&mut self) {
        if let Some(regions) = self.regions.take() {
            if regions.capacity() * std::mem::size_of::<Region>() <= SPARE_MAX_BYTES {
                SPARE_REGIONS.with(|s| s.set(regions));
            }
        }
        if let Some(code) = self.code.take() {
            if code.capacity() <= SPARE_MAX_BYTES {
                SPARE_CODE.with(|s| s.set(code));
            }
        }
    }
}

impl<'a> SourceFile<'a> {
    pub fn new(rel: &'a str, lang: Lang, text: &'a str, settings: &Settings) -> Self {
        SourceFile {
            rel,
            lang,
            text,
            is_production: settings.is_production(rel),
            is_test: settings.is_test_file(rel),
            regions: OnceCell::new(),
            code: OnceCell::new(),
            line_starts: OnceCell::new(),
            lines_before: Cell::new((0, 0, 0)),
            last_line: Cell::new((usize::MAX, 0)),
            last_col: Cell::new((0, 0, 1)),
        }
    }

    pub fn regions(&self) -> &[Region] {
        self.regions
            .get_or_init(|| lexer::lex_into(self.lang, self.text, SPARE_REGIONS.with(Cell::take)))
    }

    /// Whether `word` is in the file's code ([`SourceFile::code`] holds
    /// it), found without blanking the comments and strings: a word there
    /// is a text match whose bytes all lie in one code region (adjacent
    /// regions of a kind are merged). A check with nothing in the code
    /// leaves before asking for it: on the stress corpus, 6,013 of the
    /// 13,923 files the console check blanked held the word only in
    /// comments or strings.
    pub fn code_has(&self, word: &str) -> bool {
        memchr::memmem::find_iter(self.text.as_bytes(), word).any(|at| {
            self.region_at(at)
                .is_some_and(|r| r.kind == RegionKind::Code && r.end >= at + word.len())
        })
    }

    /// The region holding byte `offset` (none past the end).
    pub fn region_at(&self, offset: usize) -> Option<&Region> {
        let regions = self.regions();
        regions.get(regions.partition_point(|r| r.end <= offset))
    }

    /// The file with comments and strings blanked out; same offsets.
    pub fn code(&self) -> &str {
        self.code.get_or_init(|| {
            let spare = SPARE_CODE.with(Cell::take).into_bytes();
            lexer::mask_into(self.text, self.regions(), RegionKind::Code, spare)
        })
    }

    pub fn comments(&self) -> impl Iterator<Item = &Region> {
        self.regions()
            .iter()
            .filter(|r| r.kind == RegionKind::Comment)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            // memchr's iterator scans 32 bytes a step even across short lines
            // (a byte loop here was a tenth of the whole run).
            let bytes = self.text.as_bytes();
            let mut v = Vec::with_capacity(bytes.len() / 32 + 1);
            v.push(0);
            v.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
            v
        })
    }

    /// The 0-based line holding byte `offset` (past the end: the last
    /// line), and the offset its line starts at.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        let end = offset.min(bytes.len());
        let count = |from: usize, to: usize| memchr::memchr_iter(b'\n', &bytes[from..to]).count();
        // (offset, newlines before it, the start of its line)
        let (pos, before, pos_line) = self.lines_before.get();
        let (idx, start) = if end >= pos {
            // Forward: the line start moves only past a newline on the way.
            match memchr::memrchr(b'\n', &bytes[pos..end]) {
                None => (before, pos_line),
                Some(i) => (before + count(pos, end), pos + i + 1),
            }
        } else {
            let idx = if end >= pos / 2 {
                before - count(end, pos)
            } else {
                count(0, end)
            };
            (
                idx,
                memchr::memrchr(b'\n', &bytes[..end]).map_or(0, |i| i + 1),
            )
        };
        self.lines_before.set((end, idx, start));
        (idx, start)
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let (idx, line_start) = self.line_of(offset);
        let end = offset.min(self.text.len());
        let (last_offset, last_idx, last_col) = self.last_col.get();
        let (from, col) = if last_idx == idx && (line_start..=end).contains(&last_offset) {
            (last_offset, last_col)
        } else {
            (line_start, 1)
        };
        let col = col
            + self
                .text
                .get(from..end)
                .map_or(end - from, |s| s.chars().count());
        self.last_col.set((end, idx, col));
        (idx as u32 + 1, col as u32)
    }

    /// The line holding byte `start`, as a finding shows it with the span
    /// `start..end` (see [`ShownLine`]). Never copies a whole long line.
    pub fn shown_line(&self, start: usize, end: usize) -> ShownLine {
        let bytes = self.text.as_bytes();
        let at = start.min(bytes.len());
        let (_, line_start) = self.line_of(start);
        let line_end = match self.last_line.get() {
            (s, e) if s == line_start => e,
            _ => memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1),
        };
        self.last_line.set((line_start, line_end));
        let line = self
            .text
            .get(line_start..line_end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r']);
        ShownLine::from_bytes(line, start - line_start, end.saturating_sub(line_start))
    }

    /// The span of `start..end` (byte offsets).
    pub fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.line_col(start);
        let (end_line, end_column) = self.line_col(end);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The text of 1-based `line`, without its line ending.
    pub fn line_text(&self, line: u32) -> &str {
        let starts = self.line_starts();
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = starts.get(i) else {
            return "";
        };
        let end = starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// Why files of the scanned set were not fully checked, for the summary.
/// Every file but the excluded ones and symlinks was still searched for
/// committed live keys (see [`sweep`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Over `max-file-size`.
    pub too_large: usize,
    /// A NUL byte in the first 8 KiB.
    pub binary: usize,
    /// JS/TS with a line over `minified-line-length`.
    pub minified: usize,
    /// Vendored or generated (`node_modules/`, `vendor/`, `*.min.js`).
    pub vendored: usize,
    /// A format shipcheck does not lex (images, `.pem`, `.csv`, `.ipynb`…).
    pub other_format: usize,
    /// Left out by `paths.exclude` / `paths.include`: not read at all.
    pub excluded: usize,
    /// Symbolic links: never followed.
    pub symlinks: usize,
}

impl Skipped {
    /// `(count, reason)` for each reason, in a fixed order; the JSON key of
    /// each reason is its `name`.
    pub fn reasons(&self) -> [(usize, &'static str, &'static str); 7] {
        [
            (self.too_large, "too_large", "over max-file-size"),
            (self.binary, "binary", "binary"),
            (self.minified, "minified", "minified"),
            (self.vendored, "vendored", "vendored"),
            (self.other_format, "other_format", "in other formats"),
            (self.excluded, "excluded", "excluded by paths.exclude"),
            (self.symlinks, "symlinks", "symlinks (not followed)"),
        ]
    }

    /// The count of every reason by its JSON key (JSON `skipped`, the SARIF
    /// run's property bag).
    pub fn counts(&self) -> std::collections::BTreeMap<&'static str, usize> {
        self.reasons()
            .iter()
            .map(|(n, key, _)| (*key, *n))
            .collect()
    }

    /// `2 binary, 1 excluded by paths.exclude` without the zeros.
    pub fn describe(&self) -> Vec<String> {
        self.reasons()
            .iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, _, what)| format!("{n} {what}"))
            .collect()
    }
}

/// A file that could not be read: reported, never fatal.
#[derive(Debug, Clone)]
pub struct ReadError {
    pub rel: String,
    pub message: String,
    /// shipcheck itself failed on the file (a bug), not the file system.
    pub internal: bool,
}

pub struct Scan<T> {
    /// Visitor results, sorted by path.
    pub results: Vec<(String, T)>,
    pub files_scanned: usize,
    pub skipped: Skipped,
    pub unreadable: Vec<ReadError>,
    /// Live keys found by the sweep of files the checks did not read, by path.
    pub swept: Vec<(String, sweep::SweepHit)>,
    /// Where the file list came from.
    pub set: Option<listing::ScannedSet>,
    /// See [`listing::Listing::tracked_env_files`].
    pub tracked_env_files: Option<Vec<String>>,
    /// The files registered values with the redactor that it did not
    /// hold before: what the walk showed was masked without them (see
    /// `redact::holding_back`), so mask it again.
    pub registered_during_walk: bool,
}

impl<T> Scan<T> {
    /// The visitor results apart from the rest of the scan.
    pub fn split_results(self) -> (Vec<(String, T)>, Scan<()>) {
        (
            self.results,
            Scan {
                results: Vec::new(),
                files_scanned: self.files_scanned,
                skipped: self.skipped,
                unreadable: self.unreadable,
                swept: self.swept,
                set: self.set,
                tracked_env_files: self.tracked_env_files,
                registered_during_walk: self.registered_during_walk,
            },
        )
    }
}

/// Why a listed file was not visited.
#[derive(Clone, Copy)]
enum Reason {
    TooLarge,
    Binary,
    Minified,
    Vendored,
    OtherFormat,
    Excluded,
    Symlink,
}

enum Outcome<T> {
    /// Listed (tracked) but not in the work tree as a file: deleted, or a
    /// submodule's folder. Nothing ships from this checkout at that path.
    Gone,
    Visited(String, T),
    /// Over the size limit, visited with empty text (see `always_listed`),
    /// and swept.
    VisitedTooLarge(String, T, Vec<sweep::SweepHit>),
    Skipped(String, Reason, Vec<sweep::SweepHit>),
    Unreadable(ReadError),
}

/// Scan the files that ship under `root` (see [`listing`]), in parallel,
/// and call `visit` for every text file in a language shipcheck reads. The
/// rest is swept for committed live keys and counted by reason. Errors only
/// when `root` itself cannot be read.
///
/// Files over `max-file-size` are skipped, except those `always_listed`
/// says must be seen: they are visited with empty text.
pub fn scan<T, F, L>(
    root: &Path,
    settings: &Settings,
    repo: &crate::git::Repository,
    rev: Option<&str>,
    started: Option<listing::GitListing>,
    always_listed: L,
    visit: F,
) -> anyhow::Result<Scan<T>>
where
    T: Send,
    F: Fn(&SourceFile) -> T + Sync,
    L: Fn(&str) -> bool + Sync,
{
    let meta = std::fs::metadata(root)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", root.display()))?;
    if !meta.is_dir() {
        anyhow::bail!("{} is not a directory", root.display());
    }
    std::fs::read_dir(root).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", root.display()))?;

    // The listing feeds the workers as it goes: reading and checking files
    // overlaps with git's walk for untracked files (or the directory walk).
    // Workers hand back their outcomes a batch at a time, and this thread
    // takes them in as they come: held in a channel until the walk ended,
    // a million files' outcomes were stored twice.
    // Each batch with its place in the listing: taken in in that order,
    // the results come sorted as the listing hands the paths out (in
    // their bytes' order, see `listing::list`), and their sort after the
    // walk finds them so (the stress corpus's 30,000 paths took 6–9 ms
    // to sort on one core while the other idled).
    let (tx, rx) = mpsc::channel::<(usize, Vec<Outcome<T>>)>();
    // Bounded: the listing (git's, or the directory walk) runs far ahead of
    // the workers, and a million listed paths waiting would be held at once.
    // In batches: a bounded channel wakes its blocked sender on every
    // receive, and a wake per file cost more system time than the walk's
    // reads. The first holds 4 files and each next one twice as many, up
    // to 128: both workers start at once, and the last batch of a
    // 900-file app is not a fifth of its files checked by one worker
    // while the other idles; beyond, fewer batches wake the listing and
    // this thread less (the stress corpus's 30,000 files: 64 a batch ran
    // 2.5 % slower, 256 no faster). (A first batch of 256 sent an app of up to
    // 256 files to one worker whole: hackathon-starter's walk ran on one
    // core, 20.6 ms a run against 16.2 ms now.) What a file shows does
    // not depend on which worker read it: the values files register with
    // the redactor are held back until the walk ends (see
    // `redact::holding_back`), and a test runs a small repository twenty
    // times.
    const BATCH: usize = 128;
    const FIRST_BATCH: usize = 4;
    let (files_tx, files_rx) = mpsc::sync_channel::<(usize, Vec<listing::Listed>)>(32);
    let files_rx = std::sync::Mutex::new(files_rx);
    let workers = crate::cores::cores().unwrap_or(2);
    let mut scan = Scan {
        results: Vec::new(),
        files_scanned: 0,
        skipped: Skipped::default(),
        unreadable: Vec::new(),
        swept: Vec::new(),
        set: None,
        tracked_env_files: None,
        registered_during_walk: false,
    };
    // What the workers registered with the redactor, held back until the
    // walk ends (see `redact::holding_back`).
    let held = std::sync::Mutex::new(Vec::<String>::new());
    let listing = std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (files_rx, visit, always_listed, held) = (&files_rx, &visit, &always_listed, &held);
            scope.spawn(move || {
                // A worker that panics outside the checks' own guard still
                // takes (and drops) the rest of the listing, so the bounded
                // channel never leaves the listing waiting forever.
                let _drain = DrainOnPanic(files_rx);
                let ((), values) = crate::redact::holding_back(|| loop {
                    let next = files_rx.lock().ok().and_then(|rx| rx.recv().ok());
                    let Some((place, batch)) = next else { break };
                    let done = batch
                        .into_iter()
                        .map(|listed| {
                            crate::redact::next_file();
                            process(settings, listed, always_listed, visit)
                        })
                        .collect();
                    let _ = tx.send((place, done));
                });
                if !values.is_empty() {
                    held.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .extend(values);
                }
            });
        }
        drop(tx);
        let lister = scope.spawn(move || {
            let mut size = FIRST_BATCH;
            let mut batch = Vec::with_capacity(size);
            let mut place = 0;
            let summary = listing::list(root, repo, rev, started, |listed| {
                batch.push(listed);
                if batch.len() == size {
                    size = (size * 2).min(BATCH);
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(size));
                    let _ = files_tx.send((place, full));
                    place += 1;
                }
            });
            if !batch.is_empty() {
                let _ = files_tx.send((place, batch));
            }
            summary
        });
        // The batches waiting for their turn, by place.
        let mut early = std::collections::BTreeMap::new();
        let mut turn = 0;
        for (place, outcomes) in rx.iter() {
            early.insert(place, outcomes);
            while let Some(outcomes) = early.remove(&turn) {
                outcomes.into_iter().for_each(|o| absorb(&mut scan, o));
                turn += 1;
            }
        }
        // Left only if a worker died with a batch (the sort below orders
        // what came).
        for outcomes in early.into_values() {
            outcomes.into_iter().for_each(|o| absorb(&mut scan, o));
        }
        lister
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    scan.set = listing.set;
    scan.tracked_env_files = listing.tracked_env_files;
    for value in held.into_inner().unwrap_or_else(|e| e.into_inner()) {
        scan.registered_during_walk |= crate::redact::register(&value);
    }

    // Directory-level errors (permission denied on a folder) carry a path
    // in their message; keep them as unreadable entries.
    for message in listing.errors {
        scan.unreadable.push(ReadError {
            rel: String::new(),
            message,
            internal: false,
        });
    }
    scan.results.sort_by(|a, b| a.0.cmp(&b.0));
    scan.swept
        .sort_by(|a, b| (&a.0, a.1.line, a.1.column).cmp(&(&b.0, b.1.line, b.1.column)));
    scan.unreadable
        .sort_by(|a, b| (&a.rel, &a.message).cmp(&(&b.rel, &b.message)));
    Ok(scan)
}

/// One listed file: visited by the checks, or swept and counted.
fn process<T, F>(
    settings: &Settings,
    listed: listing::Listed,
    always_listed: &dyn Fn(&str) -> bool,
    visit: &F,
) -> Outcome<T>
where
    F: Fn(&SourceFile) -> T,
{
    if settings.is_excluded(&listed.rel) {
        return Outcome::Skipped(listed.rel, Reason::Excluded, Vec::new());
    }
    let looked = listed.look();
    let size = looked.size;
    match looked.kind {
        listing::FileKind::File => {}
        listing::FileKind::Symlink => {
            return Outcome::Skipped(listed.rel, Reason::Symlink, Vec::new())
        }
        listing::FileKind::Gone => return Outcome::Gone,
    }
    let unreadable = |rel: String, e: std::io::Error| {
        Outcome::Unreadable(ReadError {
            rel,
            message: e.to_string(),
            internal: false,
        })
    };
    // Swept, streamed: the checks will not read it.
    let swept_streamed =
        |listed: listing::Listed, reason: Reason, looked| match listed.sweep(looked) {
            Ok(hits) => Outcome::Skipped(listed.rel, reason, hits),
            Err(e) => unreadable(listed.rel, e),
        };
    if settings.is_vendored(&listed.rel) {
        return swept_streamed(listed, Reason::Vendored, looked);
    }
    let name = crate::paths::file_name(&listed.rel);
    let by_name = Lang::from_file_name(name);
    // Only extension-less files may be scripts with a shebang; anything else
    // in a language we do not lex is only swept.
    if by_name.is_none() && name.contains('.') && !name.starts_with('.') {
        return swept_streamed(listed, Reason::OtherFormat, looked);
    }
    // The listing holds regular files only: no FIFO or device is opened.
    if size > settings.max_file_size {
        // Still listed (with no text) when its existence matters, so a
        // huge migration is not mistaken for a missing one.
        if always_listed(&listed.rel) {
            let lang = by_name.unwrap_or(Lang::Text);
            let file = SourceFile::new(&listed.rel, lang, "", settings);
            let hits = match listed.sweep(looked) {
                Ok(h) => h,
                Err(e) => {
                    drop(file);
                    return unreadable(listed.rel, e);
                }
            };
            let result = guarded(&file, visit);
            drop(file);
            return match result {
                Ok(result) => Outcome::VisitedTooLarge(listed.rel, result, hits),
                Err(e) => Outcome::Unreadable(e),
            };
        }
        return swept_streamed(listed, Reason::TooLarge, looked);
    }
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|buf| {
        let mut buf = buf.borrow_mut();
        if let Err(e) = listed.read_into(looked, &mut buf) {
            return unreadable(listed.rel, e);
        }
        let outcome = judge_text(settings, listed.rel, by_name, &buf, true, visit);
        // A rare huge file does not keep its buffer for the rest of the walk.
        if buf.capacity() > 4 << 20 {
            *buf = Vec::new();
        }
        outcome
    })
}

/// A file the walk visited, read again after it: `visit` sees the text
/// the walk's checks saw, or is not called for a file the walk did not
/// check as text (too large, binary, not a language it lexes, minified).
/// Nothing is swept: the walk swept what it skipped.
pub fn visit_again<T, F>(settings: &Settings, rel: &str, bytes: &[u8], visit: &F) -> Option<T>
where
    F: Fn(&SourceFile) -> T,
{
    let name = crate::paths::file_name(rel);
    let by_name = Lang::from_file_name(name);
    if bytes.len() as u64 > settings.max_file_size
        || (by_name.is_none() && name.contains('.') && !name.starts_with('.'))
    {
        return None;
    }
    match judge_text(settings, rel.to_string(), by_name, bytes, false, visit) {
        Outcome::Visited(_, t) => Some(t),
        _ => None,
    }
}

/// The rest of [`process`] once the file's bytes are read: binary,
/// language, minified, then the checks. A file the checks skip is swept
/// for keys if `sweep_skipped`.
fn judge_text<T, F>(
    settings: &Settings,
    rel: String,
    by_name: Option<Lang>,
    bytes: &[u8],
    sweep_skipped: bool,
    visit: &F,
) -> Outcome<T>
where
    F: Fn(&SourceFile) -> T,
{
    let swept = |rel: String, reason: Reason, bytes: &[u8]| {
        let hits = if sweep_skipped {
            sweep::sweep_bytes(bytes)
        } else {
            Vec::new()
        };
        Outcome::Skipped(rel, reason, hits)
    };
    if is_binary(bytes) {
        return swept(rel, Reason::Binary, bytes);
    }
    let text = decode(bytes);
    let lang = match by_name {
        Some(l) => l,
        None => match Lang::detect(
            Path::new(crate::paths::file_name(&rel)),
            text.lines().next().unwrap_or(""),
        ) {
            Some(l) => l,
            None => return swept(rel, Reason::OtherFormat, text.as_bytes()),
        },
    };
    if lang.is_js_like()
        && settings.minified_line_length > 0
        && has_long_line(&text, settings.minified_line_length)
    {
        return swept(rel, Reason::Minified, text.as_bytes());
    }
    let file = SourceFile::new(&rel, lang, &text, settings);
    let result = guarded(&file, visit);
    drop(file);
    match result {
        Ok(result) => Outcome::Visited(rel, result),
        Err(e) => Outcome::Unreadable(e),
    }
}

/// One file's outcome, counted and kept.
fn absorb<T>(scan: &mut Scan<T>, outcome: Outcome<T>) {
    match outcome {
        Outcome::Visited(rel, t) => {
            scan.files_scanned += 1;
            scan.results.push((rel, t));
        }
        Outcome::VisitedTooLarge(rel, t, hits) => {
            scan.skipped.too_large += 1;
            scan.swept
                .extend(hits.into_iter().map(|h| (rel.clone(), h)));
            scan.results.push((rel, t));
        }
        Outcome::Skipped(rel, reason, hits) => {
            let s = &mut scan.skipped;
            *match reason {
                Reason::TooLarge => &mut s.too_large,
                Reason::Binary => &mut s.binary,
                Reason::Minified => &mut s.minified,
                Reason::Vendored => &mut s.vendored,
                Reason::OtherFormat => &mut s.other_format,
                Reason::Excluded => &mut s.excluded,
                Reason::Symlink => &mut s.symlinks,
            } += 1;
            scan.swept
                .extend(hits.into_iter().map(|h| (rel.clone(), h)));
        }
        Outcome::Unreadable(e) => scan.unreadable.push(e),
        Outcome::Gone => {}
    }
}

/// See the walk's workers in [`scan`]: on a panic, receive until the
/// listing is done.
struct DrainOnPanic<'a, T>(&'a std::sync::Mutex<mpsc::Receiver<T>>);

impl<T> Drop for DrainOnPanic<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let rx = self.0.lock().unwrap_or_else(|e| e.into_inner());
            while rx.recv().is_ok() {}
        }
    }
}

/// A NUL byte in the first 8 KiB (after a UTF-16 BOM, text is UTF-16).
fn is_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
}

/// `visit(file)`, with a panic (a shipcheck bug) confined to this file: it
/// becomes a `scan/unreadable` entry naming the file, and the other files'
/// findings are kept. The panic's message is not kept: it may quote the
/// file's text, which may hold a secret (`main` prints only the location).
fn guarded<T, F>(file: &SourceFile, visit: &F) -> Result<T, ReadError>
where
    F: Fn(&SourceFile) -> T,
{
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        #[cfg(debug_assertions)]
        if std::env::var_os("SHIPCHECK_TEST_PANIC_ON").is_some_and(|p| p == file.rel) {
            panic!(
                "test panic in {}: sk_live_{}",
                file.rel, "FAKEsecret0123456789abcd"
            );
        }
        visit(file)
    }))
    .map_err(|_| ReadError {
        rel: file.rel.to_string(),
        message: "shipcheck failed on this file (an internal error); it was not checked"
            .to_string(),
        internal: true,
    })
}

/// Text from the bytes of a file [`is_binary`] called text: UTF-8 (BOM
/// dropped, invalid sequences replaced), UTF-16 with a BOM.
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes).into();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes).into();
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    // Valid UTF-8 (nearly every file) is borrowed as is, without a copy.
    // Validated first, by a vector search 32 bytes a step (std's goes a
    // word at a time, 2 % of a large app's instructions); the lossy decoder
    // goes byte by byte (5 % of a large scan's time).
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Is any line longer than `max` bytes? Looks for the last newline in each
/// window of that length, so it jumps ~`max` bytes a step instead of stopping
/// at every line.
fn has_long_line(text: &str, max: usize) -> bool {
    let b = text.as_bytes();
    let mut line_start = 0;
    while b.len() - line_start > max {
        let window = &b[line_start..=line_start + max];
        match memchr::memrchr(b'\n', window) {
            Some(i) => line_start += i + 1,
            None => return true,
        }
    }
    false
}

/// Repo-relative path with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    // A path under `root` as the walk joins them (`root/a/b`): its bytes
    // after root's, taken as they are (`strip_prefix` compares the paths
    // component by component, a tenth of the listing thread's time).
    #[cfg(unix)]
    {
        let (p, r) = (
            path.as_os_str().as_encoded_bytes(),
            root.as_os_str().as_encoded_bytes(),
        );
        let rest = p.strip_prefix(r).and_then(|rest| {
            if r.ends_with(b"/") {
                Some(rest)
            } else {
                rest.strip_prefix(b"/")
            }
        });
        if let Some(s) = rest.and_then(|b| std::str::from_utf8(b).ok()) {
            if is_plain(s) {
                return s.to_string();
            }
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    // Already in the form the components give (the walk's paths are):
    // taken as it is, instead of rebuilt part by part.
    #[cfg(unix)]
    if let Some(s) = rel.to_str() {
        if is_plain(s) {
            return s.to_string();
        }
    }
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    out
}

/// A relative path already in the form its components give: names
/// joined by single `/`s, none of them `.`.
#[cfg(unix)]
fn is_plain(s: &str) -> bool {
    !s.is_empty() && s.split('/').all(|part| !part.is_empty() && part != ".")
}

/// Case-insensitive (ASCII) prefix and suffix tests on paths, without a
/// lowercase copy: the file-kind tests run on every path the walk reads.
pub fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

pub fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

#[cfg(test)]
mod drain_tests {
    use super::*;

    /// A worker that dies takes the rest of the listing with it: the sender
    /// of a bounded channel is never left blocked (the walk would hang).
    #[test]
    fn a_panicking_worker_drains_the_bounded_listing() {
        let (tx, rx) = mpsc::sync_channel::<u32>(1);
        let rx = std::sync::Mutex::new(rx);
        let joined = std::thread::scope(|scope| {
            let worker = scope.spawn(|| {
                let _drain = DrainOnPanic(&rx);
                let first = rx.lock().unwrap().recv().unwrap();
                panic!("worker died after item {first}");
            });
            for i in 0..100 {
                tx.send(i).expect("the channel stays open while draining");
            }
            drop(tx);
            worker.join()
        });
        assert!(joined.is_err(), "the panic still reaches the caller");
    }
}

#[cfg(test)]
mod relative_tests {
    use super::*;

    proptest::proptest! {
        /// The shortcuts for paths already in shape (by root's bytes, by
        /// its components) give what the components give, whatever the
        /// path and root: a trailing `/`, `.`, relative, `/` itself, a root
        /// that is a prefix of the path's first name.
        #[test]
        fn relative_paths_are_the_components_joined(
            root in proptest::sample::select(vec![
                "/repo", "/repo/", "repo", ".", "./", "/", "/re", "/repo/./x", "/repo//x",
            ]),
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "b.ts", ".", "..", "", "/", "é", ".env", "po"]),
                0..8,
            ),
        ) {
            let tail = parts.join("/");
            // Joined, and glued on (`/re` + `po/a`: not under `/re`).
            for path in [Path::new(root).join(&tail), std::path::PathBuf::from(format!("{root}{tail}"))] {
                let root = Path::new(root);
                let by_components = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                proptest::prop_assert_eq!(relative(root, &path), by_components);
            }
        }
    }
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    proptest::proptest! {
        /// UTF-8 text (a BOM dropped) is std's lossy reading of it, valid
        /// or not: the vector check accepts exactly what std does, and
        /// borrows only what is valid. Pieces are ASCII runs (past the
        /// vector width), multi-byte characters, and the bytes that break
        /// them (a lone continuation, a cut sequence, an overlong form, a
        /// surrogate).
        #[test]
        fn text_is_the_lossy_utf8_reading(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a".repeat(40).into_bytes(),
                    b"x".to_vec(),
                    "é".as_bytes().to_vec(),
                    "€".as_bytes().to_vec(),
                    "😀".as_bytes().to_vec(),
                    vec![0x80],
                    vec![0xE2, 0x82],
                    vec![0xC0, 0xAF],
                    vec![0xED, 0xA0, 0x80],
                    vec![0xF4, 0x90, 0x80, 0x80],
                    vec![0xFF],
                ]),
                0..40,
            ),
        ) {
            let bytes = pieces.concat();
            proptest::prop_assume!(!bytes.starts_with(&[0xFF, 0xFE]));
            let text = decode(&bytes);
            proptest::prop_assert_eq!(&*text, &*String::from_utf8_lossy(&bytes));
            proptest::prop_assert_eq!(
                matches!(text, std::borrow::Cow::Borrowed(_)),
                std::str::from_utf8(&bytes).is_ok()
            );
        }
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;

    /// Line, column, the line's start and its text, by an index of every
    /// line start, as they were computed before newlines were counted on.
    fn by_index(text: &str, offset: usize) -> (u32, u32, usize, &str) {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let idx = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let end = offset.min(text.len());
        let col = 1 + text[starts[idx]..end].chars().count();
        let line_end = starts.get(idx + 1).copied().unwrap_or(text.len());
        let line = text[starts[idx]..line_end].trim_end_matches(['\n', '\r']);
        (idx as u32 + 1, col as u32, starts[idx], line)
    }

    proptest::proptest! {
        /// Offsets asked in any order, past the end too, give the line,
        /// column and shown line the index gave.
        #[test]
        fn lines_counted_on_match_an_index_of_line_starts(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc ", "\n", "\r\n", "é", "\n\n", "x = 1;"]),
                0..30,
            ),
            offsets in proptest::collection::vec(0usize..80, 1..12),
        ) {
            let text = pieces.concat();
            let settings = crate::config::Settings::defaults();
            let file = SourceFile::new("a.ts", Lang::TypeScript, &text, &settings);
            for o in offsets.into_iter().filter(|&o| o > text.len() || text.is_char_boundary(o)) {
                let (line, col, start, shown) = by_index(&text, o);
                proptest::prop_assert_eq!(file.line_col(o), (line, col), "offset {} in {:?}", o, text);
                proptest::prop_assert_eq!(
                    file.shown_line(o, o + 1),
                    ShownLine::from_bytes(shown, o - start, o + 1 - start),
                    "offset {} in {:?}", o, text
                );
            }
        }
    }
}

#[cfg(test)]
mod in_code_tests {
    use super::*;

    fn in_code(lang: Lang, text: &str, word: &str) -> bool {
        let settings = crate::config::Settings::defaults();
        SourceFile::new("a.ts", lang, text, &settings).code_has(word)
    }

    /// A word in code, and not one only in a comment, a string, a regex
    /// or a template's text; one in a template's substitution is code.
    #[test]
    fn a_word_is_in_code_only_outside_comments_and_strings() {
        let ts = Lang::TypeScript;
        assert!(in_code(ts, "console.log(1)", "console"));
        assert!(in_code(ts, "// console\nconsole", "console"));
        assert!(in_code(ts, "x /* a */console", "console"));
        assert!(in_code(ts, "`${console.log(1)}`", "console"));
        assert!(!in_code(ts, "// console.log(1)", "console"));
        assert!(!in_code(ts, "/* console */ x", "console"));
        assert!(!in_code(ts, "'console.log'", "console"));
        assert!(!in_code(ts, "`console ${x}`", "console"));
        assert!(!in_code(ts, "x = /console/", "console"));
        assert!(!in_code(ts, "x", "console"));
        assert!(in_code(
            Lang::Python,
            "debugger = 1  # debugger",
            "debugger"
        ));
        assert!(!in_code(Lang::Python, "'''debugger'''", "debugger"));
    }

    proptest::proptest! {
        /// The same answer as searching the file with its comments and
        /// strings blanked out, on text of delimiters and the word's
        /// pieces.
        #[test]
        fn in_code_is_a_search_of_the_blanked_code(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "console", "cons", "ole", "'", "\"", "`", "${", "}", "//", "/*", "*/", "/",
                    "\n", " ", "x", "<a>", "{", "é", "#",
                ]),
                0..24,
            ),
        ) {
            let text = pieces.concat();
            let settings = crate::config::Settings::defaults();
            for lang in [Lang::TypeScript, Lang::Python, Lang::Ruby] {
                let file = SourceFile::new("a.ts", lang, &text, &settings);
                proptest::prop_assert_eq!(
                    file.code_has("console"),
                    file.code().contains("console"),
                    "{:?} in {:?}", lang, text
                );
            }
        }
    }
}

#[cfg(test)]
mod visit_again_tests {
    use super::*;

    /// A file read again after the walk is judged as the walk judged it:
    /// the same text and language for a file the walk checked (a BOM
    /// dropped, a shebang's language), and nothing for one the walk did
    /// not check as text (binary, minified, over the size limit, a name
    /// in no language it lexes).
    #[test]
    fn a_second_read_sees_what_the_walk_saw() {
        let mut settings = crate::config::Settings::defaults();
        settings.max_file_size = 64;
        let seen = |rel: &str, bytes: &[u8]| {
            visit_again(&settings, rel, bytes, &|f: &SourceFile| {
                (f.lang, f.text.to_string())
            })
        };
        assert_eq!(
            seen("src/a.ts", b"\xEF\xBB\xBFconst a = 1;\n"),
            Some((Lang::TypeScript, "const a = 1;\n".to_string()))
        );
        assert_eq!(
            seen("bin/serve", b"#!/usr/bin/env node\nx()\n").map(|(l, _)| l),
            Some(Lang::JavaScript)
        );
        assert_eq!(seen("src/b.ts", b"const a\0 = 1;"), None, "binary");
        assert_eq!(seen("src/c.ts", &[b'a'; 65]), None, "over the limit");
        assert_eq!(seen("logo.png", b"PNG"), None, "no language");
        let minified = format!("var a={};\n", "1+".repeat(settings.minified_line_length));
        settings.max_file_size = minified.len() as u64;
        let seen_min = visit_again(
            &settings,
            "dist/app.js",
            minified.as_bytes(),
            &|_: &SourceFile| (),
        );
        assert_eq!(seen_min, None, "minified");
    }
}
