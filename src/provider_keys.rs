//! Committed keys of providers other than Stripe, told by their exact
//! shapes (and GitHub's checksum): AWS access key pairs, GitHub, Slack,
//! Resend, SendGrid, Twilio, OpenAI and Anthropic keys, private key blocks.
//! No entropy-only rule: a string is a key only if its provider's format
//! says so. Shared by `checks::provider_keys` (files the checks read) and
//! `workspace::sweep` (the others), so both find the same keys.

use std::sync::LazyLock;

/// A provider's key kind: how findings name it and how to rotate it.
#[derive(Debug, PartialEq, Eq)]
pub struct Provider {
    /// "AWS access key", "GitHub token", …
    pub name: &'static str,
    /// How to rotate it.
    pub help: &'static str,
}

macro_rules! provider {
    ($id:ident, $name:expr, $help:expr) => {
        pub static $id: Provider = Provider {
            name: $name,
            help: $help,
        };
    };
}

provider!(AWS, "AWS access key", "deactivate and delete the access key in IAM (Users → Security credentials → Access keys), create a new one for the workload (or better, an IAM role), check CloudTrail for its use; then delete it from the file and read it from the environment");
provider!(GITHUB, "GitHub token", "revoke the token (Settings → Developer settings → Personal access tokens, or the OAuth/GitHub App's settings) and create a new one with the least scopes; then delete it from the file and read it from the environment or the CI's secrets");
provider!(SLACK, "Slack token", "revoke the token (api.slack.com/apps → your app → OAuth & Permissions → Revoke, or Basic Information → App-Level Tokens) and reinstall the app for a new one; then delete it from the file and read it from the environment");
provider!(PRIVATE_KEY, "private key", "treat the key pair as compromised: generate a new pair, replace the public key wherever it is trusted (servers' authorized_keys, TLS certificate, deploy keys, JWT verifiers) and revoke the old one; then delete the file and load the key from a secret store");
provider!(RESEND, "Resend API key", "delete the key in the Resend dashboard (API Keys) and create a new one; then delete it from the file and read it from the environment");
provider!(SENDGRID, "SendGrid API key", "delete the key in SendGrid (Settings → API Keys) and create a new one with the least permissions; then delete it from the file and read it from the environment");
provider!(TWILIO, "Twilio API key", "delete the API key in the Twilio console (Account → API keys & tokens) and create a new one; then delete it from the file and read it from the environment");
provider!(OPENAI, "OpenAI API key", "revoke the key at platform.openai.com (API keys) and create a new one; then delete it from the file and read it from the environment");
provider!(ANTHROPIC, "Anthropic API key", "disable and delete the key in the Anthropic Console (API keys) and create a new one; then delete it from the file and read it from the environment");

/// Literals one of which every key contains: the per-file prefilter's
/// tokens.
pub const TOKENS: &[&str] = &[
    "AKIA",
    "ASIA",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "xapp-",
    "PRIVATE KEY-----",
    "re_",
    "SG.",
    // Twilio: `SK` and a hex digit (a bare `SK` is in TASK, RISK, DESK…).
    "SK0",
    "SK1",
    "SK2",
    "SK3",
    "SK4",
    "SK5",
    "SK6",
    "SK7",
    "SK8",
    "SK9",
    "SKa",
    "SKb",
    "SKc",
    "SKd",
    "SKe",
    "SKf",
    "sk-",
];

/// Every shape, one alternative per kind, as a regex: the reference the
/// hand-written matcher ([`shapes`]) is tested against. Compiling it cost
/// about a millisecond of every run (its counted repetitions make a large
/// automaton), more than matching it by hand costs in a large repository.
#[cfg(test)]
const SHAPES_PATTERN: &str = concat!(
    r"(?-u)",
    r"\b(?P<aws>(?:AKIA|ASIA)[A-Z2-7]{16})\b",
    r"|\b(?P<gh>gh[pousr]_[A-Za-z0-9]{36})\b",
    r"|\b(?P<ghpat>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
    r"|\b(?P<slack>xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}|xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}|xapp-[0-9]-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-f0-9]{64})\b",
    r"|(?P<pem>-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----)(?:\\r|\\n|\s)+(?P<body>[A-Za-z0-9+/]{40})",
    r"|\b(?P<resend>re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24})\b",
    r"|\b(?P<sendgrid>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})",
    r"|\b(?P<twilio>SK[0-9a-f]{32})\b",
    r"|\b(?P<anthropic>sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)",
    r"|\b(?P<openai>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})",
);

/// A key shape's kinds, in the order `SHAPES_PATTERN` tries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Aws,
    Gh,
    GhPat,
    Slack,
    Pem,
    Resend,
    SendGrid,
    Twilio,
    Anthropic,
    OpenAi,
}

/// A key shape matched: the key's bytes (a private key's: its header),
/// where the whole match ends (a private key's: after the first 40
/// characters of its body), and a private key's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    kind: Kind,
    start: usize,
    end: usize,
    whole_end: usize,
    body: Option<(usize, usize)>,
}

/// `\b`'s word characters without Unicode (`(?-u)`).
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// `[A-Za-z0-9_-]`
fn urlsafe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// Bytes of `class` from `at` on.
fn run(t: &[u8], at: usize, class: fn(u8) -> bool) -> usize {
    t.get(at..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| class(b)).count())
}

/// `n` bytes of `class` at `at`: where they end.
fn exactly(t: &[u8], at: usize, n: usize, class: fn(u8) -> bool) -> Option<usize> {
    let end = at.checked_add(n)?;
    t.get(at..end)?.iter().all(|&b| class(b)).then_some(end)
}

fn lit(t: &[u8], at: usize, s: &[u8]) -> Option<usize> {
    t.get(at..)?.starts_with(s).then_some(at + s.len())
}

/// `\b` after a word character at `at - 1`.
fn word_ends(t: &[u8], at: usize) -> Option<usize> {
    t.get(at).is_none_or(|&b| !is_word(b)).then_some(at)
}

/// `[0-9]{lo,hi}` and then `-`: a digit run can only end at the dash.
fn digits_dash(t: &[u8], at: usize, lo: usize, hi: usize) -> Option<usize> {
    let n = run(t, at, |b| b.is_ascii_digit());
    ((lo..=hi).contains(&n)).then_some(())?;
    lit(t, at + n, b"-")
}

/// What an OpenAI key's test needs of the `[A-Za-z0-9_-]` run it stands
/// in, worked out once per run: every `sk-` inside the run (`sk-sk-sk-…`
/// has one every three bytes) ends where it ends, and scanning the run
/// again for each made a crafted megabyte take two minutes.
#[derive(Default)]
struct OpenAiRun {
    /// Where the run starts and ends.
    start: usize,
    end: usize,
    /// The last `T3BlbkFJ` in it with 20 characters after it.
    last_marker: Option<usize>,
}

impl OpenAiRun {
    /// The run `p` stands in (`p` just after an `sk-`).
    fn at(&mut self, t: &[u8], p: usize) -> &Self {
        if !(self.start..=self.end).contains(&p) {
            let end = p + run(t, p, urlsafe);
            let last_marker = end
                .checked_sub(20)
                .filter(|&e| e >= p)
                .and_then(|e| memchr::memmem::rfind(&t[p..e], b"T3BlbkFJ"))
                .map(|k| p + k);
            *self = OpenAiRun {
                start: p,
                end,
                last_marker,
            };
        }
        self
    }
}

/// The shape of `kind` starting at `i`, where a `\b` may stand before it.
fn shape_at(t: &[u8], i: usize, kind: Kind, openai: &mut OpenAiRun) -> Option<Shape> {
    let plain = |end: usize| Shape {
        kind,
        start: i,
        end,
        whole_end: end,
        body: None,
    };
    match kind {
        Kind::Aws => {
            let j = lit(t, i, b"AKIA").or_else(|| lit(t, i, b"ASIA"))?;
            let j = exactly(t, j, 16, |b| {
                b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)
            })?;
            word_ends(t, j).map(plain)
        }
        Kind::Gh => {
            let j = lit(t, i, b"gh")?;
            (b"pousr".contains(t.get(j)?) && *t.get(j + 1)? == b'_').then_some(())?;
            let j = exactly(t, j + 2, 36, alnum)?;
            word_ends(t, j).map(plain)
        }
        Kind::GhPat => {
            let j = lit(t, i, b"github_pat_")?;
            let j = lit(t, exactly(t, j, 22, alnum)?, b"_")?;
            let j = exactly(t, j, 59, alnum)?;
            word_ends(t, j).map(plain)
        }
        Kind::Slack => {
            let j = if let Some(j) = lit(t, i, b"xoxb-") {
                let j = digits_dash(t, digits_dash(t, j, 10, 13)?, 10, 13)?;
                exactly(t, j, 24, alnum)?
            } else if let Some(j) = lit(t, i, b"xoxp-") {
                let j = digits_dash(t, j, 10, 13)?;
                let j = digits_dash(t, digits_dash(t, j, 10, 13)?, 10, 13)?;
                exactly(t, j, 32, lower_hex)?
            } else {
                let j = lit(t, i, b"xapp-")?;
                let j = lit(t, exactly(t, j, 1, |b| b.is_ascii_digit())?, b"-")?;
                let n = run(t, j, |b| b.is_ascii_uppercase() || b.is_ascii_digit());
                (9..=11).contains(&n).then_some(())?;
                let j = digits_dash(t, lit(t, j + n, b"-")?, 10, 13)?;
                exactly(t, j, 64, lower_hex)?
            };
            word_ends(t, j).map(plain)
        }
        Kind::Pem => {
            let mut j = lit(t, i, b"-----BEGIN ")?;
            if let Some(k) = [&b"RSA "[..], b"EC ", b"OPENSSH ", b"DSA "]
                .iter()
                .find_map(|kind| lit(t, j, kind))
            {
                j = k;
            }
            let header_end = lit(t, j, b"PRIVATE KEY-----")?;
            // `(?:\\r|\\n|\s)+`: written and real line breaks, blanks.
            let mut k = header_end;
            loop {
                match t.get(k) {
                    Some(b'\\') if matches!(t.get(k + 1), Some(b'r' | b'n')) => k += 2,
                    Some(b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r') => k += 1,
                    _ => break,
                }
            }
            (k > header_end).then_some(())?;
            let body_end = exactly(t, k, 40, |b| alnum(b) || b == b'+' || b == b'/')?;
            Some(Shape {
                kind,
                start: i,
                end: header_end,
                whole_end: body_end,
                body: Some((k, body_end)),
            })
        }
        Kind::Resend => {
            let j = lit(t, i, b"re_")?;
            let j = lit(t, exactly(t, j, 8, alnum)?, b"_")?;
            word_ends(t, exactly(t, j, 24, alnum)?).map(plain)
        }
        Kind::SendGrid => {
            let j = lit(t, i, b"SG.")?;
            let j = lit(t, exactly(t, j, 22, urlsafe)?, b".")?;
            exactly(t, j, 43, urlsafe).map(plain)
        }
        Kind::Twilio => {
            let j = lit(t, i, b"SK")?;
            word_ends(t, exactly(t, j, 32, lower_hex)?).map(plain)
        }
        Kind::Anthropic => {
            let j = lit(t, i, b"sk-ant-")?;
            let j = lit(t, j, b"api03").or_else(|| lit(t, j, b"admin01"))?;
            let j = exactly(t, lit(t, j, b"-")?, 93, urlsafe)?;
            lit(t, j, b"AA").map(plain)
        }
        Kind::OpenAi => {
            // Everything after `sk-` is `[A-Za-z0-9_-]`, the optional
            // prefix too, and the last repetition is greedy: the match runs
            // to the end of that run, if `T3BlbkFJ` stands in it with 20
            // characters or more on each side.
            let p = lit(t, i, b"sk-")?;
            let run = openai.at(t, p);
            let found = run.end >= p + 48 && run.last_marker.is_some_and(|k| k >= p + 20);
            found.then(|| plain(run.end))
        }
    }
}

/// Where a Stripe live key's `_live_` stands: the sweep
/// (`workspace::sweep`) finds those keys from it, in the same search as
/// the shapes' starts.
pub const LIVE: &[u8] = b"_live_";

/// Where a committed key can start: every shape begins with one of
/// [`TOKENS`] (a private key with `-----BEGIN `), and a Stripe live key
/// has [`LIVE`] two bytes in. Listed in the order that puts like literals
/// in one of Teddy's eight buckets: Teddy (aho-corasick's vector search)
/// tests each position's first three bytes against every bucket's nibble
/// masks, and a bucket mixing unlike literals (`re_` with `SG.`: `re.`,
/// `Se/`, `sG_`) sends every such place in text to be verified. It puts
/// the i-th literal in bucket 7 − i mod 8, unless an earlier one has the
/// same low nibbles in its first three bytes (`SKa` and `SK1`): then in
/// that one's bucket. Chosen by a search over orders on the swept files
/// of four apps: 9.5 → 16.7 GB/s over them, 3.5 → 14.2 GB/s over dub's
/// source and JSON; the buckets are in the test below.
#[rustfmt::skip]
pub(crate) const STARTS: [&str; 32] = [
    "ghr_", "SK8", "SG.", "xoxb-", "xoxp-", "AKIA", "SK6", "sk-",
    "ghs_", "SK7", "SKa", "_live_", "github_pat_", "SKf", "SK3", "-----BEGIN ",
    "ghu_", "SK0", "SK4", "xapp-", "SKd", "re_", "SK5", "SKc",
    "gho_", "ghp_", "SK2", "SKe", "SKb", "ASIA", "SK9", "SK1",
];

/// A vector search for [`STARTS`], as fast over a large swept file as the
/// regex's prefilter was.
static START_SEARCH: LazyLock<Option<crate::literals::Literals>> =
    LazyLock::new(|| crate::literals::Literals::new(STARTS));

/// Whether a key could start in `text`: one of [`STARTS`] is in it. Every
/// key [`find_and_live`] and the sweep report begins with one.
pub fn may_start_key(text: &[u8]) -> bool {
    match START_SEARCH.as_ref() {
        Some(search) => search.find_from(text, 0).is_some(),
        None => STARTS
            .iter()
            .any(|s| memchr::memmem::find(text, s.as_bytes()).is_some()),
    }
}

/// Every key shape in `text`, leftmost first and not overlapping, as the
/// regex alternation `SHAPES_PATTERN` (kept for the tests) finds them.
#[cfg(test)]
fn shapes(t: &[u8]) -> Vec<Shape> {
    shapes_with(t, START_SEARCH.as_ref(), &mut Vec::new())
}

/// [`shapes`], skipping to the next possible start with `search`, or
/// trying every byte without one; and every place [`LIVE`] starts
/// (overlapping ones too), into `live`.
fn shapes_with(
    t: &[u8],
    search: Option<&crate::literals::Literals>,
    live: &mut Vec<usize>,
) -> Vec<Shape> {
    let mut out = Vec::new();
    let mut openai = OpenAiRun::default();
    let mut i = 0;
    while i < t.len() {
        // Next to a place a shape may start. Searching on from one byte
        // after a start that was no shape, not from the token's end,
        // finds starts inside it too (`xoxb-----BEGIN `).
        i = match search {
            Some(search) => match search.find_from(t, i) {
                Some(m) => m.start(),
                None => break,
            },
            None => i,
        };
        let kinds: &[Kind] = match t[i] {
            b'A' => &[Kind::Aws],
            b'g' => &[Kind::Gh, Kind::GhPat],
            b'x' => &[Kind::Slack],
            b'-' => &[Kind::Pem],
            b'r' => &[Kind::Resend],
            b'S' => &[Kind::SendGrid, Kind::Twilio],
            b's' => &[Kind::Anthropic, Kind::OpenAi],
            b'_' => {
                if t[i..].starts_with(LIVE) {
                    live.push(i);
                }
                &[]
            }
            _ => &[],
        };
        let boundary = i == 0 || !is_word(t[i - 1]);
        let found = kinds
            .iter()
            .filter(|&&k| k == Kind::Pem || boundary)
            .find_map(|&k| shape_at(t, i, k, &mut openai));
        match found {
            Some(s) => {
                // The search goes on from the shape's end: a `_live_`
                // starting inside it is found here.
                let inside = &t[..(s.whole_end + LIVE.len() - 1).min(t.len())];
                let mut k = i + 1;
                while let Some(at) = memchr::memmem::find(&inside[k..], LIVE) {
                    live.push(k + at);
                    k += at + 1;
                }
                i = s.whole_end;
                out.push(s);
            }
            None => i += 1,
        }
    }
    out
}

/// Where AWS secret access keys may be: 40 base64 characters standing
/// alone, as `(?-u)(?:^|[^A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`
/// finds them (its group; the tests hold the two equal): a run of exactly
/// 40 not followed by `=`, whose byte before is no earlier than the last
/// match's end (each match takes the byte after its run). By hand: the
/// regex was compiled in every run over a file with an AWS key id.
fn aws_secrets(text: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let is_b64 = |b: &u8| b.is_ascii_alphanumeric() || *b == b'/' || *b == b'+';
    let (mut at, mut taken) = (0, 0);
    std::iter::from_fn(move || {
        while at < text.len() {
            let Some(start) = text[at..].iter().position(is_b64).map(|i| at + i) else {
                at = text.len();
                break;
            };
            let end = start + text[start..].iter().take_while(|b| is_b64(b)).count();
            at = end;
            if end - start == 40 && text.get(end) != Some(&b'=') && (start == 0 || start > taken) {
                taken = (end + 1).min(text.len());
                return Some(start..end);
            }
        }
        None
    })
}

/// A key found: its byte range (a private key: its header), the public
/// prefix output may show, the key masked, and the provider.
#[derive(Debug)]
pub struct KeyMatch {
    pub start: usize,
    pub end: usize,
    pub masked: String,
    pub provider: &'static Provider,
    /// Values output must never show (a paired AWS secret on another
    /// line, or the same one): the caller registers them with the redactor.
    pub also_secret: Vec<String>,
}

/// Every provider key in `text`, in order.
pub fn find(text: &[u8]) -> Vec<KeyMatch> {
    find_and_live(text).0
}

/// [`find`], and every place [`LIVE`] starts in `text`, in order
/// (overlapping ones too), from the same search: one pass over a large
/// swept file, not two.
pub fn find_and_live(text: &[u8]) -> (Vec<KeyMatch>, Vec<usize>) {
    let mut out = Vec::new();
    let mut live = Vec::new();
    let mut aws_secret: Option<Option<String>> = None;
    for shape in shapes_with(text, START_SEARCH.as_ref(), &mut live) {
        let m = &text[shape.start..shape.end];
        // Every alternative matched ASCII only.
        let key = String::from_utf8_lossy(m).into_owned();
        let (provider, prefix, body): (&'static Provider, &str, &str) = match shape.kind {
            Kind::Aws => {
                if key.ends_with("EXAMPLE") {
                    continue;
                }
                let secret = aws_secret.get_or_insert_with(|| aws_secret_in(text));
                let Some(secret) = secret else { continue };
                out.push(KeyMatch {
                    start: shape.start,
                    end: shape.end,
                    masked: crate::redact::mask_secret(&key, &key[..4]),
                    provider: &AWS,
                    also_secret: vec![secret.clone()],
                });
                continue;
            }
            Kind::Gh => {
                if !github_checksum_ok(&key[4..]) {
                    continue;
                }
                (&GITHUB, &key[..4], &key[4..34])
            }
            Kind::GhPat => (&GITHUB, "github_pat_", &key[11..]),
            Kind::Slack => (&SLACK, &key[..5], &key[5..]),
            Kind::Pem => {
                let body = shape.body.map_or(&b""[..], |(s, e)| &text[s..e]);
                if crate::secret_strength::weakness(&String::from_utf8_lossy(body)).is_some() {
                    continue;
                }
                out.push(KeyMatch {
                    start: shape.start,
                    end: shape.end,
                    masked: format!("{key}…"),
                    provider: &PRIVATE_KEY,
                    also_secret: Vec::new(),
                });
                continue;
            }
            Kind::Resend => (&RESEND, "re_", &key[3..]),
            Kind::SendGrid => (&SENDGRID, "SG.", &key[3..]),
            Kind::Twilio => (&TWILIO, "SK", &key[2..]),
            Kind::Anthropic => (&ANTHROPIC, "sk-ant-", &key[7..]),
            Kind::OpenAi => {
                let prefix = ["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"]
                    .into_iter()
                    .find(|p| key.starts_with(p))
                    .unwrap_or("sk-");
                (&OPENAI, prefix, &key[prefix.len()..])
            }
        };
        if crate::secret_strength::weakness(body).is_some() {
            continue;
        }
        out.push(KeyMatch {
            start: shape.start,
            end: shape.end,
            masked: crate::redact::mask_secret(&key, prefix),
            provider,
            also_secret: Vec::new(),
        });
    }
    (out, live)
}

/// The AWS secret access key in `text`, if one is there: 40 characters
/// mixing cases and digits (a hex digest is not one), not AWS's documented
/// example (`…EXAMPLEKEY`) nor a placeholder.
fn aws_secret_in(text: &[u8]) -> Option<String> {
    aws_secrets(text).find_map(|run| {
        let s = String::from_utf8_lossy(&text[run]).into_owned();
        let mixed = s.bytes().any(|b| b.is_ascii_uppercase())
            && s.bytes().any(|b| b.is_ascii_lowercase())
            && s.bytes().any(|b| b.is_ascii_digit());
        (mixed && !s.contains("EXAMPLE") && crate::secret_strength::weakness(&s).is_none())
            .then_some(s)
    })
}

/// GitHub's classic token checksum: the last 6 characters are the CRC32 of
/// the 30 before them, in base62 (`0-9A-Za-z`), zero-padded.
fn github_checksum_ok(random: &str) -> bool {
    let (body, check) = random.split_at(30);
    let mut n: u64 = 0;
    for b in check.bytes() {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return false,
        };
        n = n * 62 + u64::from(d);
    }
    n == u64::from(crc32fast::hash(body.as_bytes()))
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use regex::bytes::Regex;

    /// A GitHub token with a valid checksum (built at run time: no
    /// key-shaped literal in the source).
    pub fn github_token(prefix: &str, body30: &str) -> String {
        let mut n = u64::from(crc32fast::hash(body30.as_bytes()));
        let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut check = [b'0'; 6];
        for slot in check.iter_mut().rev() {
            *slot = digits[(n % 62) as usize];
            n /= 62;
        }
        format!("{prefix}{body30}{}", String::from_utf8_lossy(&check))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// AWS secrets' places found by hand are the pattern's.
        #[test]
        fn aws_secrets_are_the_patterns(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "AbCdEf0123", "/+/+/+/+/+", "zzzzzzzzzz", "a", "1", "+", "/", "=", " ", "\n",
                "-", ":", "\u{e9}", "\u{ff}", "AbCdEf0123AbCdEf0123AbCdEf0123AbCdEf0123",
            ]), 0..14)
        ) {
            let text = pieces.concat();
            let re = Regex::new(r"(?-u)(?:^|[^A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)")
                .unwrap();
            let by_regex: Vec<_> = re
                .captures_iter(text.as_bytes())
                .map(|c| c.get(1).unwrap().range())
                .collect();
            let by_hand: Vec<_> = aws_secrets(text.as_bytes()).collect();
            proptest::prop_assert_eq!(by_hand, by_regex, "{:?}", text);
        }
    }

    #[test]
    fn an_aws_secret_run_needs_a_byte_before_it_the_last_match_left() {
        let run = "AbCdEf0123".repeat(4);
        let spans = |t: &str| aws_secrets(t.as_bytes()).collect::<Vec<_>>();
        // The first match takes the one byte between: the regex skips the second.
        assert_eq!(spans(&format!("{run} {run} ")), vec![(0..40)]);
        assert_eq!(spans(&format!("{run}  {run}")), [0..40, 42..82]);
        assert_eq!(
            spans(&format!("{run}= {run}x")),
            Vec::<std::ops::Range<usize>>::new()
        );
    }

    /// The regex's matches as [`Shape`]s.
    fn by_regex(re: &Regex, t: &[u8]) -> Vec<Shape> {
        re.captures_iter(t)
            .map(|c| {
                let (name, m) = re
                    .capture_names()
                    .flatten()
                    .filter(|n| *n != "body")
                    .find_map(|n| c.name(n).map(|m| (n, m)))
                    .expect("a named shape matched");
                let kind = match name {
                    "aws" => Kind::Aws,
                    "gh" => Kind::Gh,
                    "ghpat" => Kind::GhPat,
                    "slack" => Kind::Slack,
                    "pem" => Kind::Pem,
                    "resend" => Kind::Resend,
                    "sendgrid" => Kind::SendGrid,
                    "twilio" => Kind::Twilio,
                    "anthropic" => Kind::Anthropic,
                    _ => Kind::OpenAi,
                };
                Shape {
                    kind,
                    start: m.start(),
                    end: m.end(),
                    whole_end: c.get(0).expect("whole match").end(),
                    body: c.name("body").map(|b| (b.start(), b.end())),
                }
            })
            .collect()
    }

    /// Pieces of text keys are made of, and the characters around them.
    const PIECES: &[&str] = &[
        "_live_",
        "_live",
        "_live_live_",
        "AKIA",
        "ghp_",
        "github_pat_",
        "xoxb-",
        "-----BEGIN ",
        "-----",
        "RSA ",
        "re_",
        "SG.",
        "SK",
        "sk-",
        "sk-ant-",
        "proj-",
        "T3BlbkFJ",
        "AA",
        "\\n",
        "\\",
        "\n",
        " ",
        "_",
        "-",
        ".",
        "=",
        "\"",
        "é",
        "a",
        "Z",
        "7",
    ];
    const ALNUM: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const CLASSES: &[&str] = &[
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        "0123456789",
        "0123456789abcdef",
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        ALNUM,
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/",
    ];

    /// A text that is nearly a key of some kind, often exactly one: each
    /// part of the shape is sometimes a character longer or shorter, of a
    /// wider class, or another piece altogether; pieces stand around it.
    fn near_key(seed: u64) -> Vec<u8> {
        enum Part {
            Lit(&'static str),
            Run(usize, usize),
        }
        use Part::{Lit, Run};
        let mut x = seed | 1;
        let mut next = move |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let pick = |next: &mut dyn FnMut(usize) -> usize, of: &[&'static str]| of[next(of.len())];
        let parts: Vec<Part> = match next(12) {
            0 => vec![Lit(pick(&mut next, &["AKIA", "ASIA"])), Run(0, 16)],
            1 => vec![
                Lit("gh"),
                Lit(pick(&mut next, &["p", "o", "u", "s", "r", "x"])),
                Lit("_"),
                Run(4, 36),
            ],
            2 => vec![Lit("github_pat_"), Run(4, 22), Lit("_"), Run(4, 59)],
            3 => vec![
                Lit("xoxb-"),
                Run(1, 10 + next(4)),
                Lit("-"),
                Run(1, 10 + next(4)),
                Lit("-"),
                Run(4, 24),
            ],
            4 => vec![
                Lit("xoxp-"),
                Run(1, 10 + next(4)),
                Lit("-"),
                Run(1, 10 + next(4)),
                Lit("-"),
                Run(1, 10 + next(4)),
                Lit("-"),
                Run(2, 32),
            ],
            5 => vec![
                Lit("xapp-"),
                Run(1, 1),
                Lit("-"),
                Run(3, 9 + next(3)),
                Lit("-"),
                Run(1, 10 + next(4)),
                Lit("-"),
                Run(2, 64),
            ],
            6 => {
                let mut v = vec![
                    Lit("-----BEGIN "),
                    Lit(pick(
                        &mut next,
                        &["", "RSA ", "EC ", "OPENSSH ", "DSA ", "DH "],
                    )),
                    Lit("PRIVATE KEY-----"),
                ];
                for _ in 0..next(4) {
                    v.push(Lit(pick(
                        &mut next,
                        &["\\n", "\\r", "\\", " ", "\n", "\r", "\t", "\x0B", "\x0C"],
                    )));
                }
                v.push(Run(6, 40));
                v
            }
            7 => vec![Lit("re_"), Run(4, 8), Lit("_"), Run(4, 24)],
            8 => vec![Lit("SG."), Run(5, 22), Lit("."), Run(5, 43)],
            9 => vec![Lit("SK"), Run(2, 32)],
            10 => vec![
                Lit("sk-ant-"),
                Lit(pick(&mut next, &["api03", "admin01", "api04"])),
                Lit("-"),
                Run(5, 93),
                Lit("AA"),
            ],
            _ => vec![
                Lit("sk-"),
                Lit(pick(&mut next, &["", "proj-", "svcacct-", "admin-"])),
                Run(5, 17 + next(8)),
                Lit("T3BlbkFJ"),
                Run(5, 17 + next(8)),
            ],
        };
        let mut out = Vec::new();
        for _ in 0..next(3) {
            out.extend_from_slice(pick(&mut next, PIECES).as_bytes());
        }
        for part in parts {
            if next(12) == 0 {
                out.extend_from_slice(pick(&mut next, PIECES).as_bytes());
                continue;
            }
            match part {
                Lit(s) => out.extend_from_slice(s.as_bytes()),
                Run(class, n) => {
                    let class = CLASSES[if next(10) == 0 {
                        next(CLASSES.len())
                    } else {
                        class
                    }]
                    .as_bytes();
                    let n = (n + [0, 0, 0, 1, 2][next(5)]).saturating_sub([0, 0, 0, 1, 0][next(5)]);
                    out.extend((0..n).map(|_| class[next(class.len())]));
                }
            }
        }
        for _ in 0..next(3) {
            out.extend_from_slice(pick(&mut next, PIECES).as_bytes());
        }
        out
    }

    fn key_soup() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        prop::collection::vec(any::<u64>(), 1..5)
            .prop_map(|seeds| seeds.into_iter().flat_map(near_key).collect())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The hand-written matcher finds what the regex finds: the same
        /// kinds, spans, whole matches and private key bodies.
        #[test]
        fn shapes_match_the_regex(text in key_soup()) {
            static RE: LazyLock<Regex> =
                LazyLock::new(|| Regex::new(SHAPES_PATTERN).expect("valid pattern"));
            let want = by_regex(&RE, &text);
            proptest::prop_assert_eq!(&shapes(&text), &want);
            let mut live = Vec::new();
            proptest::prop_assert_eq!(&shapes_with(&text, None, &mut live), &want);
            proptest::prop_assert_eq!(find_and_live(&text).1, live);
        }

        /// The one search finds every `_live_`, overlapping ones and
        /// those inside a shape too, as a byte-by-byte search does.
        #[test]
        fn live_is_found_everywhere(text in key_soup()) {
            let want: Vec<usize> = (0..text.len())
                .filter(|&i| text[i..].starts_with(LIVE))
                .collect();
            proptest::prop_assert_eq!(find_and_live(&text).1, want);
        }
    }

    /// The start literals are the tokens (a private key by its
    /// `-----BEGIN `) and `_live_`, each once.
    #[test]
    fn the_starts_are_the_tokens_and_live() {
        let mut want: Vec<&str> = TOKENS
            .iter()
            .copied()
            .filter(|t| !t.starts_with("PRIVATE"))
            .chain(["-----BEGIN ", "_live_"])
            .collect();
        let mut got = STARTS.to_vec();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want);
    }

    /// Teddy's buckets as its builder fills them from [`STARTS`] (see
    /// there): like literals together. Reordering the list without
    /// measuring fails here.
    #[test]
    fn the_starts_fall_in_buckets_of_like_literals() {
        let order: Vec<usize> = (0..STARTS.len()).collect();
        let mut buckets = crate::literals::teddy_buckets(&STARTS, &order, false);
        for b in &mut buckets {
            b.sort_unstable();
        }
        buckets.sort();
        let want: [&[&str]; 8] = [
            &["-----BEGIN ", "sk-"],
            &["AKIA", "ASIA", "re_"],
            &["SG.", "SK1", "SK2", "SK4", "SKa", "SKb", "SKd"],
            &["SK0", "SK7", "SK8", "ghp_"],
            &["SK3", "SK5", "SK6", "SK9", "SKc", "SKe", "SKf"],
            &["_live_", "xapp-", "xoxb-", "xoxp-"],
            &["gho_", "ghr_", "ghs_", "ghu_"],
            &["github_pat_"],
        ];
        assert_eq!(buckets, want);
    }

    /// Text made of `sk-` starts glued into one long run is searched in
    /// one pass over the run, not one per start (the regex it replaced
    /// was linear too): a quadratic search of these 600 KB would not end
    /// for minutes. The key at the end is still found.
    #[test]
    fn many_starts_in_one_run_are_linear() {
        for unit in ["sk-", "a-sk-b-"] {
            let mut text = unit.repeat(600_000 / unit.len()).into_bytes();
            let key = format!(
                "sk-proj-{}T3BlbkFJ{}",
                "Zq8pL2vR9wK4mN7hJ3xB", "6tY1cF5gD0sAe2Wr8pL2"
            );
            text.extend_from_slice(b" ");
            text.extend_from_slice(key.as_bytes());
            let got = shapes(&text);
            assert_eq!(got.len(), 1, "{unit}");
            assert_eq!(&text[got[0].start..got[0].end], key.as_bytes());
        }
    }

    #[test]
    fn every_shape_is_found_whole() {
        let re = Regex::new(SHAPES_PATTERN).expect("valid pattern");
        let rep = |c: &str, n: usize| c.repeat(n);
        let texts = [
            format!("x AKIA{} y", rep("Q", 16)),
            format!("(ghp_{})", rep("a", 36)),
            format!("github_pat_{}_{}", rep("b", 22), rep("c", 59)),
            format!("xoxb-{}-{}-{}", rep("1", 12), rep("2", 10), rep("d", 24)),
            format!(
                "xoxp-{}-{}-{}-{}",
                rep("1", 10),
                rep("2", 13),
                rep("3", 11),
                rep("e", 32)
            ),
            format!("xapp-1-{}-{}-{}", rep("A", 10), rep("4", 13), rep("f", 64)),
            format!("-----BEGIN EC PRIVATE KEY-----\\n \n{}", rep("k", 41)),
            format!("re_{}_{}", rep("g", 8), rep("h", 24)),
            format!("SG.{}.{}", rep("i", 22), rep("-", 44)),
            format!("SK{}", rep("0", 32)),
            format!("sk-ant-admin01-{}AA", rep("j", 93)),
            format!("sk-proj-{}T3BlbkFJ{}-", rep("k", 20), rep("l", 30)),
        ];
        for text in texts {
            let got = shapes(text.as_bytes());
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!(got, by_regex(&re, text.as_bytes()), "{text}");
        }
    }

    fn names(text: &str) -> Vec<(&'static str, String)> {
        find(text.as_bytes())
            .into_iter()
            .map(|k| (k.provider.name, k.masked))
            .collect()
    }

    #[test]
    fn github_tokens_need_their_checksum() {
        let good = github_token("ghp_", "Zq8pL2vR9wK4mN7hJ3xB6tY1cF5gD0");
        let mut bad = good.clone();
        bad.replace_range(10..11, if &good[10..11] == "a" { "b" } else { "a" });
        let text = format!("token = \"{good}\"\nother = \"{bad}\"\n");
        let got = names(&text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "GitHub token");
        assert!(got[0].1.starts_with("ghp_…"));
    }

    #[test]
    fn aws_ids_need_a_secret_and_examples_are_fine() {
        let id = "AKIA".to_string() + "Q3EGRQ7JZ5KX2MLP";
        let secret = "Jx7/qR2mVt9Lp4+Wz8NcK1bYs6Hd3Gf0Ae5UiOkT";
        assert!(names(&format!("id={id}\n")).is_empty());
        let got = names(&format!("id={id}\nsecret={secret}\n"));
        assert_eq!(got, [("AWS access key", format!("AKIA…{}", &id[16..]))]);
        let example = "AKIAIOSFODNN7EXAMPLE\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
        assert!(names(example).is_empty());
        // A hex digest is no secret key.
        let sha = "0123456789abcdef0123456789abcdef01234567";
        assert!(names(&format!("id={id}\nsha={sha}\n")).is_empty());
    }

    #[test]
    fn shapes_and_placeholders() {
        let slack = format!(
            "xoxb-{}-{}-{}",
            "1234567890123", "9876543210987", "Zq8pL2vR9wK4mN7hJ3xB6tY1"
        );
        let sendgrid = format!(
            "SG.{}.{}",
            "Zq8pL2vR9wK4mN7hJ3xB6t", "Yq1cF5gD0sAe2Wr8pL2vR9wK4mN7hJ3xB6tY1cF5gD0"
        );
        let resend = format!("re_{}_{}", "Zq8pL2vR", "9wK4mN7hJ3xB6tY1cF5gD0sA");
        let twilio = format!("SK{}", "9f2c4e6a8b0d1f3e5a7c9b2d4f6e8a0c");
        let openai = format!(
            "sk-proj-{}T3BlbkFJ{}",
            "Zq8pL2vR9wK4mN7hJ3xB", "6tY1cF5gD0sAe2Wr8pL2"
        );
        // Built at run time, like the others: no key-shaped literal here.
        let armor = |edge: &str| format!("-----{edge} RSA PRIVATE KEY-----");
        let pem = format!(
            "{}\nMIIEpAIBAAKCAQEAzq8pL2vR9wK4mN7hJ3xB6tY1cF5gD0sAe2Wr\n{}\n",
            armor("BEGIN"),
            armor("END")
        );
        let text = format!("{slack}\n{sendgrid}\n{resend}\n{twilio}\n{openai}\n{pem}");
        let got: Vec<&str> = names(&text).iter().map(|(n, _)| *n).collect();
        assert_eq!(
            got,
            [
                "Slack token",
                "SendGrid API key",
                "Resend API key",
                "Twilio API key",
                "OpenAI API key",
                "private key"
            ]
        );
        let placeholders = "xoxb-0000000000-0000000000-xxxxxxxxxxxxxxxxxxxxxxxx\n\
            re_xxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxx\n\
            SK00000000000000000000000000000000\n\
            -----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n\
            -----BEGIN PRIVATE KEY-----\nXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n\
            ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx task-assessment-something-long-enough\n";
        assert!(names(placeholders).is_empty(), "{:?}", names(placeholders));
    }
}
