//! Secret strength for `secret/weak`: is a secret's value plausibly random?
//!
//! Structural checks first: known placeholders, one whole keyboard/alphabet
//! run, a repeated chunk, passphrases (accepted), a segmentation into
//! dictionary words, runs and digit groups, few distinct characters. What
//! passes is scored by [`p_random`]. Every test errs towards "random": a
//! generated secret must never be flagged. Only the first [`MAX_CHARS`]
//! characters are read; every pass is linear.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use Weakness::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weakness {
    /// A known placeholder or default: changeme, secret, password, your-…-here, <…>, xxx…,
    /// keyboard cat, supersecret, 123456, test, example, todo, replace_me, …
    Placeholder,
    /// Few distinct characters for its length (e.g. "aaaaaaaabbbbbbbb", "0000…").
    FewDistinct,
    /// Mostly dictionary words / common password fragments, plus digits or separators.
    Words,
    /// Keyboard runs or sequences ("qwertyuiop", "abcdef…", "123456789", "asdf").
    Sequence,
    /// A short chunk repeated ("abcabcabcabc", "secretsecret").
    Repeated,
    /// Passes the checks above but its characters are not plausibly random (low p_random).
    LowRandomness,
}

impl Weakness {
    /// One short phrase for messages. Never contains the value.
    pub fn describe(self) -> &'static str {
        match self {
            Placeholder => "is a known placeholder or default",
            FewDistinct => "uses too few distinct characters",
            Words => "is mostly dictionary words",
            Sequence => "is a keyboard run or character sequence",
            Repeated => "repeats a short pattern",
            LowRandomness => "does not look randomly generated",
        }
    }
}

/// Characters looked at; the rest of a longer value is ignored.
const MAX_CHARS: usize = 4096;
/// Characters the distinct-count test looks at (it saturates long before).
const DISTINCT_WINDOW: usize = 512;
/// Longest sequence run counted (keeps long digit cycles linear).
const MAX_RUN: usize = 64;
/// Characters the bigram test looks at (its exact tail is O(n² · 26²)).
const BIGRAM_WINDOW: usize = 128;
/// `p_random` below this is `LowRandomness`.
const LOW_RANDOMNESS: f64 = 1e-8;
/// Distinct-count probability below this is `FewDistinct`.
const FEW_DISTINCT: f64 = 1e-9;
/// Leet substitutions undone when matching placeholders (p@ssw0rd, s3cr3t).
const LEET: &[u8] = b"0o1i3e4a@a5s$s7t";
/// Runs go along one of these, either way (digits wrap: …8901…).
const SEQUENCES: &str = "abcdefghijklmnopqrstuvwxyz qwertyuiop asdfghjkl zxcvbnm !@#$%^&*() \
    1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p 1q2w3e4r5t6y7u8i9o0p 01234567890";
/// Common English bigrams (lower case); random strings rarely have many.
const BIGRAMS: &str = "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng \
    se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns \
    di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol \
    rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry mp";

type Set = HashSet<&'static str>;

/// The entries of one `[name]` section of `words.txt`.
fn section(name: &str) -> Set {
    let text = include_str!("secret_strength/words.txt");
    let header = format!("[{name}]");
    let mut lines = text.lines().skip_while(|l| l.trim() != header).skip(1);
    let body = lines.by_ref().take_while(|l| !l.starts_with('['));
    let content = body.map(|l| l.split('#').next().unwrap_or(""));
    content.flat_map(str::split_whitespace).collect()
}
static PLACEHOLDERS: LazyLock<Set> = LazyLock::new(|| section("placeholders"));
static PREFIXES: LazyLock<Set> = LazyLock::new(|| section("prefixes"));
static HERE_VERBS: LazyLock<Set> = LazyLock::new(|| section("here-verbs"));
static WORDS: LazyLock<Set> = LazyLock::new(|| section("words"));
/// Every prefix of a dictionary word (flag 1), the words (2) and short words (4).
static LEXICON: LazyLock<HashMap<&str, u8>> = LazyLock::new(|| {
    let mut lexicon = HashMap::default();
    for w in WORDS.iter() {
        for l in 1..w.len() {
            *lexicon.entry(&w[..l]).or_default() |= 1;
        }
        *lexicon.entry(*w).or_default() |= 2;
    }
    for w in section("short-words") {
        *lexicon.entry(w).or_default() |= 4;
    }
    lexicon
});
/// `STEPS[a << 7 | b]`: bit `2k` when `b` follows `a` in the k-th of [`SEQUENCES`],
/// bit `2k + 1` when it precedes it. A run keeps to one sequence and direction.
static STEPS: LazyLock<Vec<u16>> = LazyLock::new(|| {
    let mut steps = vec![0u16; 128 * 128];
    for (k, seq) in SEQUENCES.split(' ').enumerate() {
        for w in seq.as_bytes().windows(2) {
            let (a, b) = (usize::from(w[0]), usize::from(w[1]));
            steps[a << 7 | b] |= 1 << (2 * k);
            steps[b << 7 | a] |= 1 << (2 * k + 1);
        }
    }
    steps
});
/// [`BIGRAMS`] as letter indices, and as a table (1 for a listed pair).
type Bigrams = (Vec<(usize, usize)>, [[usize; 26]; 26]);
static BIGRAM: LazyLock<Bigrams> = LazyLock::new(|| {
    let (letter, mut table) = (|b: u8| usize::from(b - b'a'), [[0; 26]; 26]);
    let pairs = BIGRAMS.split_whitespace().map(str::as_bytes);
    let list: Vec<_> = pairs.map(|b| (letter(b[0]), letter(b[1]))).collect();
    list.iter().for_each(|&(x, y)| table[x][y] = 1);
    (list, table)
});
/// `ln(i!)` for `i` in `0..=MAX_CHARS`.
static LN_FACT: LazyLock<Vec<f64>> = LazyLock::new(|| {
    let mut t = vec![0.0; MAX_CHARS + 1];
    for i in 1..=MAX_CHARS {
        t[i] = t[i - 1] + (i as f64).ln();
    }
    t
});

/// `None` when the value is plausibly random. Never panics; linear time.
pub fn weakness(value: &str) -> Option<Weakness> {
    let full = prepare(value);
    let interpolation = full.starts_with(&['$', '{']) && full.last() == Some(&'}');
    if full.is_empty() || (interpolation && !full[2..full.len() - 1].contains(&'}')) {
        return None;
    }
    let body = body(&full);
    if is_placeholder(&full) || (body.len() < full.len() && is_placeholder(body)) {
        return Some(Placeholder);
    }
    let lower = |s: &[char]| -> Vec<char> { s.iter().map(char::to_ascii_lowercase).collect() };
    let (low, n) = (lower(body), body.len());
    if n >= 3 && seq_run(&low, 0) == n {
        return Some(Sequence);
    }
    // A repeat is evidence once a random string would repeat like that less than
    // once in 1e9 (k^-(n-p)): "6917269172" (ten digits) is not.
    let k = alphabet(body).len() as f64;
    match period(&low) {
        1 if n >= 3 => return Some(FewDistinct),
        p if p > 1 && n >= 2 * p && (n - p) as f64 * k.ln() >= 1e9f64.ln() => {
            let unit = segment(&low[..p]);
            let run = p >= 4 && unit.explained() == p && unit.seq * 2 >= p;
            return Some(if run { Sequence } else { Repeated });
        }
        _ => {}
    }
    if is_passphrase(&full) {
        return None;
    }
    let (seg, n) = (segment(&lower(&full)), full.len());
    if seg.is_weak(n) {
        return Some(if seg.seq > seg.words { Sequence } else { Words });
    }
    let distinct = p_distinct(body);
    if distinct < FEW_DISTINCT {
        return Some(FewDistinct);
    }
    (p_random_with(body, distinct) < LOW_RANDOMNESS).then_some(LowRandomness)
}

/// Probability-style score in [0, 1] that `value` was randomly generated (ripsecrets'
/// `p_random` idea): Fisher's combination of three one-sided tests under a uniform
/// model over the value's own character classes — this few distinct characters,
/// this few digits, this many common English bigrams between letters. Vendor
/// prefixes (`sk_live_`) and JWT header and payload are skipped.
pub fn p_random(value: &str) -> f64 {
    let full = prepare(value);
    p_random_with(body(&full), p_distinct(body(&full)))
}

fn p_random_with(s: &[char], distinct: f64) -> f64 {
    if s.len() < 2 {
        return 1.0;
    }
    fisher(&[distinct, p_digits(s), p_bigrams(s)])
}

/// Fisher's method: P(chi2 with 2m d.f. >= -2 ln x) = x * sum_{i<m} (-ln x)^i / i!.
fn fisher(ps: &[f64]) -> f64 {
    let x: f64 = ps.iter().product();
    if x <= 0.0 {
        return 0.0;
    }
    let (l, mut term, mut sum) = (-x.ln(), 1.0, 0.0);
    for i in 0..ps.len() {
        sum += term;
        term *= l / (i + 1) as f64;
    }
    (x * sum).clamp(0.0, 1.0)
}

/// Trimmed and capped.
fn prepare(value: &str) -> Vec<char> {
    value.trim().chars().take(MAX_CHARS).collect()
}

/// The part that should be random: after `sk_live_`-style prefixes, or a JWT's signature.
fn body(s: &[char]) -> &[char] {
    let jwt_char = |c: &char| c.is_ascii_alphanumeric() || "-_.=".contains(*c);
    let dots = s.iter().filter(|&&c| c == '.').count();
    if s.starts_with(&['e', 'y', 'J']) && dots == 2 && s.iter().all(jwt_char) {
        let sig = s.iter().rposition(|&c| c == '.').map_or(0, |i| i + 1);
        if s.len() - sig >= 16 {
            return &s[sig..];
        }
    }
    let mut b = s;
    for _ in 0..2 {
        let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let sep = matches!(b.get(letters), Some('_' | '-'));
        if (2..=8).contains(&letters) && sep && b.len() - letters > 16 {
            b = &b[letters + 1..];
        }
    }
    b
}

fn is_placeholder(s: &[char]) -> bool {
    // xxxx, ****, XXXX-XXXX; <your-secret>, <JWT_SECRET> (not a random <...>: one case)
    if s.len() >= 3 && s.iter().all(|c| "xX*#?._- ".contains(*c)) {
        return true;
    }
    if s.len() >= 3 && s[0] == '<' && s[s.len() - 1] == '>' {
        let inner = &s[1..s.len() - 1];
        let ok = |c: &char| c.is_ascii_alphanumeric() || " _.-".contains(*c);
        let plain = inner.iter().all(ok);
        let has = |f: fn(&char) -> bool| inner.iter().any(f);
        if plain && !(has(char::is_ascii_lowercase) && has(char::is_ascii_uppercase)) {
            return true;
        }
    }
    let keep = |c: &&char| c.is_alphanumeric() || matches!(c, '@' | '$');
    let norm = String::from_iter(s.iter().filter(keep).map(char::to_ascii_lowercase));
    let unleet = |c| {
        LEET.chunks(2)
            .find(|p| char::from(p[0]) == c)
            .map_or(c, |p| char::from(p[1]))
    };
    let leet = |t: &str| -> String { t.chars().map(unleet).collect() };
    let listed = |c: &str| !c.is_empty() && PLACEHOLDERS.contains(c);
    // Placeholders are short; long values only need the prefix checks.
    let known = norm.len() <= 48 && {
        let stripped = norm.trim_end_matches(|c: char| c.is_ascii_digit());
        [norm.as_str(), stripped]
            .iter()
            .any(|c| listed(c) || listed(&leet(c)))
    };
    let starts = |set: &Set| set.iter().any(|p| norm.starts_with(p));
    if known || starts(&PREFIXES) || (norm.ends_with("here") && starts(&HERE_VERBS)) {
        return true;
    }
    // your_api_key, your-jwt-secret: "your" then words.
    norm.strip_prefix("your").is_some_and(|rest| {
        let rest: Vec<char> = rest.chars().collect();
        let seg = segment(&rest);
        seg.explained() * 5 >= rest.len() * 4 && seg.words * 2 >= rest.len()
    })
}

/// Smallest period of `s` (KMP failure function); `s.len()` when aperiodic.
fn period(s: &[char]) -> usize {
    let (mut fail, mut k) = (vec![0usize; s.len()], 0);
    for i in 1..s.len() {
        while k > 0 && s[i] != s[k] {
            k = fail[k - 1];
        }
        k += usize::from(s[i] == s[k]);
        fail[i] = k;
    }
    s.len() - fail.last().copied().unwrap_or(0)
}

/// Length of the keyboard/alphabet/digit run starting at `i`, at most [`MAX_RUN`].
fn seq_run(s: &[char], i: usize) -> usize {
    let step = |a: char, b: char| match (a as usize, b as usize) {
        (a, b) if a < 128 && b < 128 => STEPS[a << 7 | b],
        _ => 0,
    };
    let (mut len, mut ways) = (usize::from(i < s.len()), u16::MAX);
    while len > 0 && len < MAX_RUN && i + len < s.len() {
        ways &= step(s[i + len - 1], s[i + len]);
        if ways == 0 {
            break;
        }
        len += 1;
    }
    len
}

/// How a value splits into explainable pieces, in characters: dictionary words
/// (3+ letters), runs (3+), and other (separators, short words, digit groups of
/// 2 to 4, digit runs, same-character runs). `weight` sums `len - 2` over words and runs:
/// three-character ones turn up by chance in random strings, longer ones do not.
#[derive(Clone, Copy, Default)]
struct Segmentation {
    words: usize,
    seq: usize,
    other: usize,
    weight: usize,
}

impl Segmentation {
    fn explained(self) -> usize {
        self.words + self.seq + self.other
    }
    fn add(mut self, words: usize, seq: usize, other: usize) -> Self {
        self.words += words;
        self.seq += seq;
        self.other += other;
        self.weight += (words + seq).saturating_sub(2);
        self
    }
    /// Mostly (4/5) explained, with real evidence (weight of 4 and a quarter of `n`).
    fn is_weak(self, n: usize) -> bool {
        self.explained() * 5 >= n * 4 && self.weight >= 4.max(n.div_ceil(4))
    }
}

/// Best segmentation of a lower-case string (dynamic programming, O(n · longest word)).
fn segment(s: &[char]) -> Segmentation {
    let n = s.len();
    let ascii = |&c: &char| if c.is_ascii() { c } else { '\0' };
    let text: String = s.iter().map(ascii).collect();
    let mut best = vec![Segmentation::default(); n + 1];
    let relax = |best: &mut Vec<Segmentation>, to: usize, cand: Segmentation| {
        let key = |g: Segmentation| (g.explained(), g.weight);
        if key(cand) > key(best[to]) {
            best[to] = cand;
        }
    };
    for i in 0..n {
        let (cur, c) = (best[i], s[i]);
        let sep = usize::from(matches!(c, ' ' | '-' | '_' | '.' | ':' | '/' | '+'));
        relax(&mut best, i + 1, cur.add(0, 0, sep));
        // Same-character runs and digit groups, from their first character only.
        let run_of = |f: &dyn Fn(&char) -> bool| match i.checked_sub(1).map(|j| f(&s[j])) {
            Some(true) => 0,
            _ => s[i..].iter().take_while(|d| f(d)).count(),
        };
        let same = run_of(&|d| *d == c);
        if same >= 3 {
            relax(&mut best, i + same, cur.add(0, 0, same));
        }
        let digits = run_of(&char::is_ascii_digit);
        if (2..=4).contains(&digits) {
            relax(&mut best, i + digits, cur.add(0, 0, digits));
        }
        // Runs of digits alone are cheap by chance (ten symbols): explained, no evidence.
        let run = seq_run(s, i);
        let numeric = s[i..i + run]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        for len in (3..=run.min(12)).chain([run]).filter(|&l| l >= 3) {
            let (seq, other) = if len <= numeric { (0, len) } else { (len, 0) };
            relax(&mut best, i + len, cur.add(0, seq, other));
        }
        let found = (1..=n - i).map_while(|l| Some((l, *LEXICON.get(text.get(i..i + l)?)?)));
        for (len, flags) in found.take_while(|_| c.is_ascii_lowercase()) {
            if flags & 2 != 0 {
                relax(&mut best, i + len, cur.add(len, 0, 0));
            } else if flags & 4 != 0 {
                relax(&mut best, i + len, cur.add(0, 0, len));
            }
        }
    }
    best[n]
}

/// Five or more words of which most are not in the dictionary (diceware): strong.
fn is_passphrase(s: &[char]) -> bool {
    let text: String = s.iter().collect();
    let split = text.split([' ', '-', '_', '.', '+']);
    let tokens: Vec<&str> = split.filter(|t| !t.is_empty()).collect();
    let wordy = |t: &&str| t.len() >= 3 && t.chars().all(|c| c.is_ascii_alphabetic());
    if tokens.len() < 5 || !tokens.iter().all(wordy) {
        return false;
    }
    let known = |t: &&&str| {
        let lower = t.to_ascii_lowercase();
        let chars: Vec<char> = lower.chars().collect();
        let listed = WORDS.contains(lower.as_str()) || PLACEHOLDERS.contains(lower.as_str());
        listed || seq_run(&chars, 0) == chars.len()
    };
    tokens.iter().filter(known).count() * 2 < tokens.len()
}

/// Which of lower/upper/digit a piece uses (at least 3 of them to count).
fn classes(s: &[char]) -> [bool; 3] {
    let n = |f: fn(&char) -> bool| s.iter().filter(|c| f(c)).count() >= 3;
    let (lower, upper) = (n(char::is_ascii_lowercase), n(char::is_ascii_uppercase));
    [lower, upper, n(char::is_ascii_digit)]
}

/// The characters a uniform generator of this value could emit. A class seen
/// fewer than 3 times adds only its own characters: never overstate the alphabet.
fn alphabet(s: &[char]) -> Vec<char> {
    let [lower, upper, digit] = classes(s);
    let alnum = || s.iter().filter(|c| c.is_ascii_alphanumeric());
    let hex_lower = alnum().all(|c| matches!(c, '0'..='9' | 'a'..='f'));
    let hex_upper = alnum().all(|c| matches!(c, '0'..='9' | 'A'..='F'));
    let hex = digit && (lower || upper) && (hex_lower || hex_upper);
    let mut a: Vec<char> = Vec::new();
    if hex {
        a.extend(('0'..='9').chain(if hex_lower { 'a'..='f' } else { 'A'..='F' }));
    } else {
        let classes = [(lower, 'a'..='z'), (upper, 'A'..='Z'), (digit, '0'..='9')];
        a.extend(classes.into_iter().filter(|c| c.0).flat_map(|c| c.1));
    }
    let covered = |c: &char| {
        (lower && c.is_ascii_lowercase())
            || (upper && c.is_ascii_uppercase())
            || (digit && c.is_ascii_digit())
    };
    let mut others: Vec<char> = s.iter().copied().filter(|c| !covered(c)).collect();
    others.sort_unstable();
    others.dedup();
    a.extend(others);
    a
}

/// [`distinct_tail`], per alphanumeric piece when the pieces use different
/// classes (`xoxb-<digits>-<digits>-<alnum>`): each piece has its own generator.
fn p_distinct(s: &[char]) -> f64 {
    let w = &s[..s.len().min(DISTINCT_WINDOW)];
    let split = w.split(|c| !c.is_ascii_alphanumeric());
    let pieces: Vec<&[char]> = split.filter(|p| p.len() >= 2).collect();
    if pieces.iter().any(|p| classes(p) != classes(pieces[0])) {
        fisher(&pieces.iter().map(|p| distinct_tail(p)).collect::<Vec<_>>())
    } else {
        distinct_tail(w)
    }
}

/// P(a uniform string over the alphabet has at most this many distinct characters).
fn distinct_tail(w: &[char]) -> f64 {
    let mut seen: Vec<char> = w.to_vec();
    seen.sort_unstable();
    seen.dedup();
    let (n, d, k) = (w.len(), seen.len(), alphabet(w).len() as f64);
    // Mean and variance of the distinct count; within 2 sd of the mean is no evidence.
    let miss = |j: f64| k * (1.0 - j / k).powi(n as i32);
    let mean = k - miss(1.0);
    let var = (k - 1.0) * miss(2.0) + miss(1.0) - miss(1.0) * miss(1.0);
    if n == 0 || d as f64 >= mean - 2.0 * var.max(0.0).sqrt() {
        return 1.0;
    }
    // Occupancy chain: probs[j] = P(j distinct so far); index d+1 means "more than d".
    let mut probs = vec![0.0f64; d + 2];
    probs[0] = 1.0;
    for _ in 0..n {
        probs[d + 1] += probs[d] * (k - d as f64) / k;
        for j in (1..=d).rev() {
            probs[j] = probs[j] * j as f64 / k + probs[j - 1] * (k - (j - 1) as f64) / k;
        }
        probs[0] = 0.0;
    }
    probs[..=d].iter().sum::<f64>().clamp(0.0, 1.0)
}

/// P(this few digits), when both digits and letters are in play.
fn p_digits(s: &[char]) -> f64 {
    let a = alphabet(s);
    let in_a = a.iter().filter(|c| c.is_ascii_digit()).count();
    if in_a == 0 || !a.iter().any(char::is_ascii_alphabetic) {
        return 1.0;
    }
    let x = s.iter().filter(|c| c.is_ascii_digit()).count();
    binomial(s.len(), 0..=x, in_a as f64 / a.len() as f64)
}

/// P(this many common bigrams or more between adjacent letters), case-insensitively,
/// given where the letters are (so it does not echo the digit test). Overlapping
/// pairs are not independent, so a plain binomial tail would understate it. The
/// pairs at even and at odd offsets each are: P(even >= h/2) + P(odd >= h/2) bounds
/// the tail cheaply; below 1e-3 the exact tail (a Markov chain) is worth its cost.
fn p_bigrams(s: &[char]) -> f64 {
    let s = &s[..s.len().min(BIGRAM_WINDOW)];
    let idx = |c: &char| {
        c.is_ascii_alphabetic()
            .then(|| usize::from(c.to_ascii_lowercase() as u8 - b'a'))
    };
    let mut variants = [0usize; 26];
    for i in alphabet(s).iter().filter_map(idx) {
        variants[i] += 1;
    }
    let letters = variants.iter().sum::<usize>().max(1) as f64;
    let (list, table) = &*BIGRAM;
    let pairs: usize = list.iter().map(|&(x, y)| variants[x] * variants[y]).sum();
    let (mut m, mut hits) = ([0, 0], [0, 0]);
    for (i, w) in s.windows(2).enumerate() {
        if let (Some(x), Some(y)) = (idx(&w[0]), idx(&w[1])) {
            m[i % 2] += 1;
            hits[i % 2] += table[x][y];
        }
    }
    let (h, p_hit) = (hits[0] + hits[1], pairs as f64 / (letters * letters));
    let half = |i: usize| binomial(m[i], h.div_ceil(2)..=m[i], p_hit);
    let bound = half(0) + half(1);
    if bound >= 1e-3 || h as f64 <= (m[0] + m[1]) as f64 * p_hit {
        return bound.min(1.0);
    }
    let weight = variants.map(|v| v as f64 / letters);
    let live: Vec<usize> = (0..26).filter(|&y| variants[y] > 0).collect();
    let before: Vec<Vec<usize>> = live
        .iter()
        .map(|&y| live.iter().copied().filter(|&x| table[x][y] == 1).collect())
        .collect();
    // chain[c][x]: P(c hits so far, capped at h, and the last char is letter x);
    // free[c]: the same with a non-letter (or nothing) last.
    let (mut chain, mut free) = (vec![[0.0f64; 26]; h + 1], vec![0.0f64; h + 1]);
    free[0] = 1.0;
    for c in s {
        if idx(c).is_none() {
            for (f, row) in free.iter_mut().zip(&mut chain) {
                *f += row.iter().sum::<f64>();
                *row = [0.0; 26];
            }
            continue;
        }
        let mut next = vec![[0.0f64; 26]; h + 1];
        for hits in 0..=h {
            let total = free[hits] + chain[hits].iter().sum::<f64>();
            for (&y, xs) in live.iter().zip(&before) {
                let hit: f64 = xs.iter().map(|&x| chain[hits][x]).sum();
                next[hits][y] += (total - hit) * weight[y];
                next[(hits + 1).min(h)][y] += hit * weight[y];
            }
        }
        (chain, free) = (next, vec![0.0; h + 1]);
    }
    (free[h] + chain[h].iter().sum::<f64>()).clamp(0.0, 1.0)
}

/// P(X in range) for X ~ Binomial(n, p), summed in log space.
fn binomial(n: usize, range: std::ops::RangeInclusive<usize>, p: f64) -> f64 {
    if p <= 0.0 || p >= 1.0 || n > MAX_CHARS {
        return 1.0;
    }
    let ln_pmf = |i: usize| {
        let ln_choose = LN_FACT[n] - LN_FACT[i] - LN_FACT[n - i];
        ln_choose + i as f64 * p.ln() + (n - i) as f64 * (1.0 - p).ln()
    };
    let terms = range.filter(|&i| i <= n).map(|i| ln_pmf(i).exp());
    terms.sum::<f64>().clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests;
