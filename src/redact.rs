//! The one redactor every string that leaves the process passes.
//!
//! Two kinds of secret are masked, anywhere in a string (no word-boundary
//! assumption: `x_sk_live_…`, `%3Dsk_live_…`, `"\nsk_live_…"` are masked):
//! - **Registered values**, the way CI systems mask registered secrets:
//!   every value shipcheck read from a production source that is a secret
//!   (by its variable's name or by its score) and every password of a URL
//!   it was given is registered with [`register`] before anything is
//!   rendered. A registered value is replaced wherever it appears.
//! - **Secret-shaped tokens**: Stripe keys and webhook secrets, GitHub and
//!   Slack tokens, AWS access key ids, JWTs; and the password of anything
//!   shaped `user:password@` or `?password=…` (percent-encoded keys too),
//!   whatever the scheme looks like.
//!
//! A token keeps its public prefix and last four characters
//! (`sk_live_…9fQa`), a URL password becomes `***`. The report holds
//! redacted text only (see `Report::redact`), and `main.rs`, the GitHub
//! client and the job files pass what they write through [`text`] once
//! more, so a new renderer or message cannot skip it.
//!
//! The registry is process-wide, like a CI runner's: registering only ever
//! hides more. During the walk, what the files register is held back until
//! it ends (see [`holding_back`]): a file's shown lines are masked with the
//! values known before the walk and its own, and everything again after,
//! so what a finding shows never depends on which worker got where first.

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{LazyLock, RwLock};

#[cfg(test)]
mod tests;

/// Shortest value (in characters) worth registering: shorter ones are
/// flags, ports and words, and masking them would mangle the output.
pub const MIN_REGISTERED_CHARS: usize = 8;

#[derive(Default)]
struct Registry {
    values: BTreeSet<String>,
    /// Every [`FRAGMENT`]-character window of the random-looking values:
    /// a part of a secret (the value was `x` + key, the text has the key;
    /// a window cut the value) is a part of a secret.
    fragments: BTreeSet<String>,
    /// Over `values` then `fragments`; pattern ids below `values.len()`
    /// are whole values.
    matcher: Option<AhoCorasick>,
}

/// Characters of a random-looking secret that, found anywhere, are masked
/// as a part of it.
const FRAGMENT: usize = 8;

static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(RwLock::default);

/// Set when [`REGISTRY`] first holds a value (cleared only by the fuzz
/// target's reset): until then a redaction takes no lock. Each line shown
/// took the lock twice, and two workers' atomic updates of it were 2 % of
/// the stress corpus's cycles.
static REGISTERED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Values that are configuration, not secrets, however long: environment
/// names, database and host names, booleans spelled out, common defaults.
const COMMON_WORDS: &[&str] = &[
    "production",
    "development",
    "staging",
    "preview",
    "postgres",
    "postgresql",
    "localhost",
    "password",
    "changeme",
    "disabled",
    "enabled",
    "undefined",
    "required",
    "optional",
    "database",
    "username",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
];

/// Can `value` be a secret worth masking wherever it appears? At least
/// [`MIN_REGISTERED_CHARS`] characters, not a number or a boolean, not a
/// common configuration word.
pub fn is_registrable(value: &str) -> bool {
    let v = value.trim();
    if v.chars().count() < MIN_REGISTERED_CHARS {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off"
    ) || COMMON_WORDS.contains(&lower.as_str())
    {
        return false;
    }
    // Numbers, versions, dates and durations: digits and separators only.
    !v.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | ':' | '_' | ',' | ' '))
}

/// Register a secret value: from now on every string [`text`] redacts has
/// it (and its JSON-escaped and percent-encoded spellings, and each line of
/// a multi-line value) masked. Values that cannot be secrets (see
/// [`is_registrable`]) are ignored. Returns whether anything was added.
pub fn register(value: &str) -> bool {
    let mut forms: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim();
        if is_registrable(s) && !forms.iter().any(|f| f == s) {
            forms.push(s.to_string());
        }
    };
    push(value);
    for line in value.lines() {
        push(line);
    }
    if let Ok(json) = serde_json::to_string(value) {
        push(&json[1..json.len() - 1]);
    }
    push(&percent_encode(value));
    push(&percent_decode(value));
    if forms.is_empty() {
        return false;
    }
    // Random-looking values also register their windows: 8 characters of
    // a random secret occur elsewhere only by astronomically bad luck,
    // while 8 characters of `changeme123` are the word `changeme`.
    let fragments: Vec<String> = forms
        .iter()
        .filter(|f| looks_random(f))
        .flat_map(|f| {
            // Windows of the private part only: `pk_live_` is public.
            let private = &f[public_prefix(f).len()..];
            let chars: Vec<char> = private.chars().collect();
            chars
                .windows(FRAGMENT)
                .map(|w| w.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    let held = WALK.with(|w| {
        let mut w = w.borrow_mut();
        let w = w.as_mut()?;
        w.held.push(value.to_string());
        Some(w.own.add(forms.clone(), fragments.clone()))
    });
    if let Some(added) = held {
        return added;
    }
    let added = REGISTRY
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .add(forms, fragments);
    if added {
        REGISTERED.store(true, std::sync::atomic::Ordering::Release);
    }
    added
}

impl Registry {
    /// Add values and fragments; whether anything was new.
    fn add(&mut self, forms: Vec<String>, fragments: Vec<String>) -> bool {
        let before = (self.values.len(), self.fragments.len());
        self.values.extend(forms);
        self.fragments.extend(fragments);
        if (self.values.len(), self.fragments.len()) == before {
            return false;
        }
        // Built on the next redaction, once for a run's many registrations.
        self.matcher = None;
        true
    }

    /// Build the matcher if registrations changed it.
    fn build_matcher(&mut self) {
        if self.matcher.is_none() && !self.values.is_empty() {
            self.matcher = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(self.values.iter().chain(self.fragments.iter()))
                .ok();
        }
    }

    /// The ranges of `text` its values and fragments cover.
    fn find_in(&self, text: &str, found: &mut Vec<(usize, usize, Kind)>) {
        if let Some(m) = &self.matcher {
            let whole = self.values.len();
            found.extend(m.find_iter(text).map(|m| {
                let kind = if m.pattern().as_usize() < whole {
                    Kind::Token
                } else {
                    Kind::Fragment
                };
                (m.start(), m.end(), kind)
            }));
        }
    }
}

/// What a walk's worker registered: see [`holding_back`].
#[derive(Default)]
struct Held {
    /// The current file's values, which its own findings show masked.
    own: Registry,
    /// Every value registered on this thread, for the end of the walk.
    held: Vec<String>,
}

thread_local! {
    static WALK: std::cell::RefCell<Option<Held>> = const { std::cell::RefCell::new(None) };
}

/// Run `f` (a walk's worker, on its own thread) with the values it
/// registers held back, and return them with `f`'s result: register them
/// once the walk ended. Meanwhile what a file shows is masked with the
/// values registered before the walk and those of the file itself (see
/// [`next_file`]), never with another file's, so a finding's shown line,
/// and so its fingerprint, does not depend on which worker read which
/// file first.
pub fn holding_back<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            WALK.with(|w| w.borrow_mut().take());
        }
    }
    WALK.with(|w| *w.borrow_mut() = Some(Held::default()));
    let _reset = Reset;
    let result = f();
    let held = WALK.with(|w| w.borrow_mut().take().map(|h| h.held).unwrap_or_default());
    (result, held)
}

/// Inside [`holding_back`]: a new file starts, the last one's own values
/// no longer mask what is shown (they are still held).
pub fn next_file() {
    WALK.with(|w| {
        if let Some(w) = w.borrow_mut().as_mut() {
            if !w.own.values.is_empty() {
                w.own = Registry::default();
            }
        }
    });
}

/// No value registered: only the secret shapes and URL passwords mask.
fn registry_is_empty() -> bool {
    let reg = REGISTRY.read().unwrap_or_else(|e| e.into_inner());
    reg.values.is_empty() && reg.fragments.is_empty() && reg.matcher.is_none()
}

/// The ranges of `text` the registered values and fragments cover, the
/// matcher built first if registrations changed it.
fn find_registered(text: &str, found: &mut Vec<(usize, usize, Kind)>) {
    if !REGISTERED.load(std::sync::atomic::Ordering::Acquire) {
        return;
    }
    {
        let reg = REGISTRY.read().unwrap_or_else(|e| e.into_inner());
        if reg.matcher.is_some() || reg.values.is_empty() {
            reg.find_in(text, found);
            return;
        }
    }
    let mut reg = REGISTRY.write().unwrap_or_else(|e| e.into_inner());
    reg.build_matcher();
    reg.find_in(text, found);
}

/// Forget every registered value. Only the redaction fuzz target calls it,
/// between executions, so each one must register its secrets anew.
#[doc(hidden)]
pub fn forget_all_for_fuzzing() {
    let mut reg = REGISTRY.write().unwrap_or_else(|e| e.into_inner());
    *reg = Registry::default();
    REGISTERED.store(false, std::sync::atomic::Ordering::Release);
}

/// Long and random enough to be a key, whatever its name: 16 characters or
/// more, no blank, letters and digits both (a host name such as
/// `learn.example.com` has none; a random 16-character key lacks a digit
/// about once in 20), and no weakness by `secret_strength`.
pub fn looks_random(value: &str) -> bool {
    let v = value.trim();
    v.chars().count() >= 2 * FRAGMENT
        && !v.contains(char::is_whitespace)
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && crate::secret_strength::weakness(v).is_none()
}

/// Register the passwords of every `user:password@` and `?password=` in
/// `text` (a database URL, an env value), raw and percent-decoded, even
/// when the rest of the URL is malformed.
pub fn register_url_credentials(text: &str) {
    for (start, end, kind) in url_spans(text) {
        if kind == Kind::Password {
            let pw = &text[start..end];
            register(pw);
            // `scheme:user:password@`: the span over-masks the user name;
            // the password alone is what may show up elsewhere.
            if let Some((_, after)) = pw.split_once(':') {
                register(after);
            }
        }
    }
}

/// `text` with every registered value, secret-shaped token and URL
/// password masked.
pub fn text(text: &str) -> Cow<'_, str> {
    let spans = spans(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, kind) in spans {
        out.push_str(&text[last..start]);
        out.push_str(&kind.mask(&text[start..end]));
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// A writer that passes everything through [`text`] a line at a time, for
/// output too large to redact whole (a JSON report of a million findings).
/// Equivalent to redacting the whole text for output whose secrets never
/// span a line break — JSON, where a string's newlines are escaped, and the
/// line-oriented formats. Call [`LineRedactor::finish`] for the last line.
pub struct LineRedactor<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
    /// Tests only: take the registry as empty (other tests fill it).
    #[cfg(test)]
    no_values: bool,
}

impl<W: std::io::Write> LineRedactor<W> {
    pub fn new(inner: W) -> Self {
        LineRedactor {
            inner,
            pending: Vec::new(),
            #[cfg(test)]
            no_values: false,
        }
    }

    fn emit(&mut self, line: &[u8]) -> std::io::Result<()> {
        let line = String::from_utf8_lossy(line);
        self.inner.write_all(text(&line).as_bytes())
    }

    /// Whole lines (`block` ends with a newline), each as [`emit`] would
    /// write it. With no value registered, a line [`text`] would give back
    /// unchanged (none of the secret shapes' literals, no `@` or `=` for
    /// a URL's password) is written as it is, found by one search of the
    /// block instead of one per line: a JSON report of 100,000 findings
    /// has two million lines.
    ///
    /// [`emit`]: LineRedactor::emit
    fn emit_lines(&mut self, block: &[u8]) -> std::io::Result<()> {
        #[cfg(test)]
        let no_values = self.no_values || registry_is_empty();
        #[cfg(not(test))]
        let no_values = registry_is_empty();
        if !no_values || std::str::from_utf8(block).is_err() {
            for line in block.split_inclusive(|&b| b == b'\n') {
                self.emit(line)?;
            }
            return Ok(());
        }
        // Where a line may need masking. A literal holds no newline, so a
        // match hiding another (non-overlapping search) lies on its line.
        let mut hits: Vec<usize> = SECRET_SHAPED_LITERALS
            .find_iter(block)
            .map(|m| m.start())
            .chain(memchr::memchr2_iter(b'@', b'=', block))
            .collect();
        hits.sort_unstable();
        // Each hit's line found around it (the block's other lines are not
        // split: a byte-by-byte split was most of the stress corpus's 6.9
        // MB report's pass); a line already written holds no more hits.
        let mut verbatim = 0;
        for h in hits {
            if h < verbatim {
                continue;
            }
            let start =
                memchr::memrchr(b'\n', &block[verbatim..h]).map_or(verbatim, |i| verbatim + i + 1);
            let end = memchr::memchr(b'\n', &block[h..]).map_or(block.len(), |i| h + i + 1);
            self.inner.write_all(&block[verbatim..start])?;
            self.emit(&block[start..end])?;
            verbatim = end;
        }
        self.inner.write_all(&block[verbatim..])
    }

    /// Write what is left after the last newline, and flush.
    pub fn finish(mut self) -> std::io::Result<W> {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.emit(&rest)?;
        }
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: std::io::Write> std::io::Write for LineRedactor<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        if !self.pending.is_empty() {
            let Some(i) = memchr::memchr(b'\n', rest) else {
                self.pending.extend_from_slice(rest);
                return Ok(buf.len());
            };
            let (line, tail) = rest.split_at(i + 1);
            self.pending.extend_from_slice(line);
            let whole = std::mem::take(&mut self.pending);
            self.emit(&whole)?;
            rest = tail;
        }
        if let Some(i) = memchr::memrchr(b'\n', rest) {
            let (lines, tail) = rest.split_at(i + 1);
            self.emit_lines(lines)?;
            rest = tail;
        }
        self.pending.extend_from_slice(rest);
        Ok(buf.len())
    }

    /// Lines are written as they complete; a partial line waits for its
    /// end (or [`LineRedactor::finish`]): a secret is never split.
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Redact `s` in place.
pub fn in_place(s: &mut String) {
    if let Cow::Owned(r) = text(s) {
        *s = r;
    }
}

/// Characters that may belong to one token (an identifier, a number, a
/// base64 or secret-looking run): text shown in part (a long line's window,
/// a TODO's summary) is never cut inside a run of them, so a secret is shown
/// whole (and masked) or not at all.
pub fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '+' | '/' | '=' | '$')
}

/// `text` cut to at most `max` characters for display, never inside a
/// token (a run of letters, digits and `_-+/=.$`): a secret is shown whole
/// (then masked) or not at all, never as a fragment too short for
/// [`text`] to recognise. Returns the cut text and whether it was cut.
pub fn shorten(text: &str, max: usize) -> (&str, bool) {
    let Some((end, _)) = text.char_indices().nth(max) else {
        return (text, false);
    };
    let mut cut = end;
    if text[end..].chars().next().is_some_and(is_token_char) {
        while let Some(c) = text[..cut]
            .chars()
            .next_back()
            .filter(|c| is_token_char(*c))
        {
            cut -= c.len_utf8();
        }
    }
    (text[..cut].trim_end(), true)
}

/// [`text`] for a line shown with a caret: the redacted line and the
/// caret (a character index) moved to the same place in it. Masking
/// shortens what comes before the caret; a caret inside a masked secret
/// goes to its start.
pub fn with_caret(line: &str, caret: u32) -> (String, u32) {
    masked_with_caret(line, caret, spans(line))
}

/// [`with_caret`] in place: a line with nothing to mask (nearly every
/// one) is left as it is, not copied; the caret clamped to its length in
/// characters, as `with_caret` does.
pub fn with_caret_in_place(line: &mut String, caret: &mut u32) {
    let spans = spans(line);
    if spans.is_empty() {
        *caret = (*caret).min(line.chars().count() as u32);
        return;
    }
    (*line, *caret) = masked_with_caret(line, *caret, spans);
}

/// `line` with `spans` masked, and where character `caret` is then.
fn masked_with_caret(line: &str, caret: u32, spans: Vec<(usize, usize, Kind)>) -> (String, u32) {
    let caret_byte = line
        .char_indices()
        .nth(caret as usize)
        .map_or(line.len(), |(b, _)| b);
    let mut out = String::with_capacity(line.len());
    let mut new_caret = None;
    let mut last = 0;
    for (start, end, kind) in spans {
        if new_caret.is_none() && caret_byte < start {
            new_caret = Some(out.chars().count() + line[last..caret_byte].chars().count());
        }
        out.push_str(&line[last..start]);
        if new_caret.is_none() && caret_byte < end {
            new_caret = Some(out.chars().count());
        }
        out.push_str(&kind.mask(&line[start..end]));
        last = end;
    }
    let caret =
        new_caret.unwrap_or_else(|| out.chars().count() + line[last..caret_byte].chars().count());
    out.push_str(&line[last..]);
    (out, caret as u32)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A registered value or a secret-shaped token: prefix and last four.
    Token,
    /// A URL password: `***`.
    Password,
    /// A part of a registered secret, not the whole: `…` alone (its last
    /// four characters are not the secret's last four).
    Fragment,
}

impl Kind {
    fn mask(self, secret: &str) -> String {
        match self {
            Kind::Token => mask_token(secret),
            Kind::Password => "***".to_string(),
            Kind::Fragment => "…".to_string(),
        }
    }
}

/// Every byte range of `text` to mask, sorted, overlaps merged (a merged
/// range masks as a password, else as a fragment, if any part of it is one).
fn spans(text: &str) -> Vec<(usize, usize, Kind)> {
    let mut found: Vec<(usize, usize, Kind)> = Vec::new();
    {
        find_registered(text, &mut found);
        WALK.with(|w| {
            if let Some(w) = w.borrow_mut().as_mut() {
                w.own.build_matcher();
                w.own.find_in(text, &mut found);
            }
        });
    }
    if may_hold_secret_shape(text) {
        // ASCII text, nearly every line: the same shapes compiled ahead of
        // time (`crate::prebuilt::REDACT_SECRET_SHAPED`).
        if text.is_ascii() {
            found.extend(
                crate::prebuilt::REDACT_SECRET_SHAPED
                    .find_iter(text)
                    .map(|m| (m.start, m.end, Kind::Token)),
            );
        } else {
            found.extend(
                SECRET_SHAPED
                    .find_iter(text)
                    .map(|m| (m.start(), m.end(), Kind::Token)),
            );
        }
    }
    found.extend(url_spans(text));
    if found.is_empty() {
        return found;
    }
    found.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut merged: Vec<(usize, usize, Kind)> = Vec::with_capacity(found.len());
    for (s, e, k) in found {
        match merged.last_mut() {
            Some(last) if s <= last.1 => {
                last.1 = last.1.max(e);
                // The most hiding mask wins: a password or a fragment shows
                // nothing of what it covers.
                last.2 = match (last.2, k) {
                    (Kind::Password, _) | (_, Kind::Password) => Kind::Password,
                    (Kind::Fragment, _) | (_, Kind::Fragment) => Kind::Fragment,
                    _ => Kind::Token,
                };
            }
            _ => merged.push((s, e, k)),
        }
    }
    merged
}

/// Tokens that are secrets by their shape, for text beyond ASCII (ASCII
/// text is searched with the same alternatives compiled ahead of time,
/// `crate::prebuilt::REDACT_SECRET_SHAPED`). The first alternative keeps the
/// historical word-bounded form (a body may hold `_` and `-`); the others
/// match anywhere, glued to whatever precedes, with a body only a real key
/// has (long enough, the provider's alphabet), so an identifier such as
/// `desk_test_environment` is not a key.
static SECRET_SHAPED: LazyLock<Regex> = LazyLock::new(|| {
    // One list of alternatives for both: the prebuilt set's, without the
    // ASCII mode they are compiled ahead of time in.
    let alternatives: Vec<&str> = crate::prebuilt::patterns::REDACT_SECRET_SHAPED
        .iter()
        .map(|a| a.strip_prefix("(?-u)").unwrap_or(a))
        .collect();
    Regex::new(&alternatives.join("|")).expect("valid secret pattern")
});

/// Literals one of which every match of [`SECRET_SHAPED`] holds: text
/// with none of them is not searched, and a run whose output has none
/// never compiles that regex (a millisecond, a tenth of a small app's run).
static SECRET_SHAPED_LITERALS: LazyLock<crate::literals::Literals> = LazyLock::new(|| {
    // The provider keys' literals, and the shapes only redaction knows:
    // Stripe (`sk_`/`rk_`/`pk_` live or test), webhook secrets, the other
    // Slack token kinds, JWTs, and `SK` in either case of hex.
    let more = [
        "k_live_", "k_test_", "whsec_", "xoxa-", "xoxr-", "xoxs-", "eyJ", "SK",
    ];
    crate::literals::Literals::new(crate::provider_keys::TOKENS.iter().chain(&more))
        .expect("plain literals")
});

/// Might `text` hold a [`SECRET_SHAPED`] match? Each holds one of
/// [`SECRET_SHAPED_LITERALS`] followed by 8 bytes or more of a key's
/// alphabet, but for a private key's header (blanks may come first). The
/// literals alone are in everyday words (`TASK`, `before_save`, `disk-`):
/// most shown lines would compile and run the pattern for nothing.
fn may_hold_secret_shape(text: &str) -> bool {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(m) = SECRET_SHAPED_LITERALS.find_from(b, from) {
        let body = b[m.end()..]
            .iter()
            .take(8)
            .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'+' | b'/'))
            .count();
        if body == 8 || b[m.start()..].starts_with(b"PRIVATE KEY-----") {
            return true;
        }
        // A literal starting inside this one is looked at too.
        from = m.start() + 1;
    }
    false
}

/// The public prefixes of secret-shaped tokens, in the order
/// [`public_prefix`] tries them: Stripe's, webhook secrets, GitHub's,
/// Slack's, AWS's, JWTs, SendGrid, Resend, Twilio, OpenAI and Anthropic
/// (a longer `sk-…-` before `sk-`), Slack apps, a private key's header.
#[rustfmt::skip]
const PUBLIC_PREFIXES: &[&str] = &[
    "sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_", "whsec_",
    "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
    "xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-", "AKIA", "ASIA", "eyJ", "SG.", "re_", "SK",
    "sk-ant-", "sk-proj-", "sk-svcacct-", "sk-admin-", "sk-", "xapp-", "PRIVATE KEY-----",
];

/// The public prefix a secret-shaped token starts with, or "": the first
/// of [`PUBLIC_PREFIXES`] it starts with, as the pattern
/// `tests::PUBLIC_PREFIX` finds it, without compiling it (0.7 M
/// instructions of a run that masks a token).
fn public_prefix(token: &str) -> &str {
    PUBLIC_PREFIXES
        .iter()
        .find(|p| token.starts_with(*p))
        .map_or("", |p| &token[..p.len()])
}

/// `user:password@` in any scheme's shape (`postgres://u:p@h`,
/// `postgres:/u:p@h`, `postgresql:u:p@h`, `redis://:p@h`). The password may
/// hold `:` (over-masks a user name rather than showing half a password)
/// and an unencoded `@` (up to the last `@` before a blank or a quote) but
/// does not start with `/`, so `https://host/@x` is no credential. The
/// regex [`userinfo_passwords`] matches by hand (compiling it was 5 % of a
/// small app's run: every line shown with an `@`).
#[cfg(test)]
const USERINFO: &str = r#"[^\s:/@'"<>`]*:([^\s@'"<>`/][^\s'"<>`]*)@"#;

/// The passwords of `text`'s userinfo (see [`USERINFO`]), leftmost first
/// and not overlapping, as the regex's group 1 over its matches. A user
/// name holds no blank, quote, `<>`, backtick, `:`, `/` or `@`; the
/// password starts with none of those but `:`, then runs to the last `@`
/// before a blank, a quote, `<>` or a backtick.
fn userinfo_passwords(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    // The character at `i` is none of `extra` and not blank (a blank
    // beyond ASCII too, as the regex's `\s`), and its length.
    let allowed = |i: usize, extra: &[u8]| -> Option<usize> {
        match b.get(i) {
            Some(&c) if c.is_ascii() => {
                (!c.is_ascii_whitespace() && c != 0x0B && !extra.contains(&c)).then_some(1)
            }
            Some(_) => {
                let ch = text[i..].chars().next()?;
                (!ch.is_whitespace()).then_some(ch.len_utf8())
            }
            None => None,
        }
    };
    const QUOTES: &[u8] = b"'\"<>`";
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = memchr::memchr(b':', &b[from..]) {
        let colon = from + k;
        // The password: a first character, then a run; the match ends at
        // the run's last `@` (the first character is never one).
        let Some(first) = allowed(colon + 1, b"@'\"<>`/") else {
            from = colon + 1;
            continue;
        };
        let mut end = colon + 1 + first;
        let mut last_at = None;
        while let Some(n) = allowed(end, QUOTES) {
            if b[end] == b'@' {
                last_at = Some(end);
            }
            end += n;
        }
        match last_at {
            Some(at) => {
                out.push((colon + 1, at));
                from = at + 1;
            }
            None => from = colon + 1,
        }
    }
    out
}

/// Password ranges of `text`: userinfo passwords and the values of
/// password parameters (keys percent-decoded, so `%70assword` is one).
fn url_spans(text: &str) -> Vec<(usize, usize, Kind)> {
    let mut out = Vec::new();
    if text.contains('@') {
        for (start, end) in userinfo_passwords(text) {
            // `http://localhost:3000/@vite/client`: a path, not a password.
            if !text[start..end].ends_with('/') {
                out.push((start, end, Kind::Password));
            }
        }
    }
    if text.contains('=') {
        // `?key=value` (`crate::prebuilt::REDACT_PARAM`): the key holds no `=`.
        for m in crate::prebuilt::REDACT_PARAM.find_iter(text) {
            let param = &text[m.start + 1..m.end];
            if let Some((key, _)) = param.split_once('=') {
                if is_password_param(&percent_decode(key)) {
                    let value = m.start + 1 + key.len() + 1;
                    out.push((value, m.end, Kind::Password));
                }
            }
        }
    }
    out
}

/// A URL or connection-string parameter that holds a password.
pub fn is_password_param(key: &str) -> bool {
    matches!(
        key.to_ascii_lowercase().as_str(),
        "password"
            | "pass"
            | "passwd"
            | "pwd"
            | "sslpassword"
            | "secret"
            | "token"
            | "access_token"
    )
}

/// Percent-decoding, lossy on invalid UTF-8.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding of everything but unreserved characters (RFC 3986).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A secret-shaped token as shown: its public prefix and last four.
pub fn mask_token(token: &str) -> String {
    let prefix = public_prefix(token);
    mask_secret(token, prefix)
}

/// Show a secret the only way shipcheck ever shows one: a known public
/// prefix and the last four characters (`sk_live_…9fQa`). Values too short
/// to keep four characters hidden are shown as `…` alone.
pub fn mask_secret(value: &str, public_prefix: &str) -> String {
    let prefix = if value.starts_with(public_prefix) {
        public_prefix
    } else {
        ""
    };
    let rest = &value[prefix.len()..];
    let chars: Vec<char> = rest.chars().collect();
    if chars.len() < 12 {
        return format!("{prefix}…");
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{prefix}…{tail}")
}
