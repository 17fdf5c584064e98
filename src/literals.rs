//! A search for a few dozen plain literals, leftmost first: a vector
//! search (aho-corasick's packed Teddy) where the CPU has one, which is
//! built in microseconds, or else an automaton. An `AhoCorasick` with
//! Teddy as its prefilter gives the same matches from the same search but
//! builds its automaton too, which it never steps: tens to hundreds of
//! thousands of instructions each, and a small app's run built several.

use aho_corasick::{packed, AhoCorasick, AhoCorasickKind, Input, Match, MatchKind, Span};

pub enum Literals {
    Vector(packed::Searcher),
    /// A vector search over the literals in the order [`bucket_order`]
    /// deals them into Teddy's buckets, some listed twice: each one's
    /// place in the caller's list.
    Dealt(packed::Searcher, Box<[u32]>),
    Automaton(AhoCorasick),
    /// One to three single bytes, found with `memchr`: an automaton over
    /// them had no prefilter to skip with (Teddy takes no one-byte pattern
    /// among many) and stepped through every byte (taxonomy, whose YAML
    /// files include a 300 KB `pnpm-lock.yaml`: 30.2 M -> 24.4 M
    /// instructions).
    Bytes(Vec<u8>),
}

impl Literals {
    /// The literals, leftmost first (at one place, the first listed).
    /// `None` only if no automaton can be built either (plain literals
    /// always can).
    pub fn new<P: AsRef<[u8]>>(patterns: impl IntoIterator<Item = P> + Clone) -> Option<Self> {
        let mut b = packed::Config::new().builder();
        b.extend(patterns.clone());
        match b.build() {
            Some(s) => Some(Literals::Vector(s)),
            None => Self::automaton(patterns),
        }
    }

    /// [`Literals::new`]'s vector search with the literals dealt into
    /// Teddy's buckets by [`bucket_order`]: the same matches (leftmost
    /// first, numbered as the caller listed them), fewer places to verify.
    /// `None` where the literals cannot be dealt (one begins another,
    /// more than 64) or there is no vector search.
    pub fn dealt<P: AsRef<[u8]>>(patterns: &[P]) -> Option<Self> {
        let (order, fat) = bucket_order(patterns)?;
        let mut config = packed::Config::new();
        config.only_teddy(true).only_teddy_fat(Some(fat));
        let mut b = config.builder();
        b.extend(order.iter().map(|&i| patterns[i].as_ref()));
        let ids = order.iter().map(|&i| i as u32).collect();
        b.build().map(|s| Literals::Dealt(s, ids))
    }

    /// Always the automaton: what [`Literals::new`] falls back to.
    pub fn automaton<P: AsRef<[u8]>>(patterns: impl IntoIterator<Item = P>) -> Option<Self> {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .build(patterns)
            .ok()
            .map(Literals::Automaton)
    }

    /// Single bytes (one to three): [`Literals::Bytes`]. `None` for more,
    /// or for a pattern that is not one byte.
    pub fn bytes<P: AsRef<[u8]>>(patterns: impl IntoIterator<Item = P>) -> Option<Self> {
        let bytes = patterns
            .into_iter()
            .map(|p| match p.as_ref() {
                &[b] => Some(b),
                _ => None,
            })
            .collect::<Option<Vec<u8>>>()?;
        (1..=3)
            .contains(&bytes.len())
            .then_some(Literals::Bytes(bytes))
    }

    /// The leftmost match at or after `from`.
    pub fn find_from(&self, haystack: &[u8], from: usize) -> Option<Match> {
        if from > haystack.len() {
            return None;
        }
        let span = Span::from(from..haystack.len());
        match self {
            Literals::Vector(s) => s.find_in(haystack, span),
            Literals::Dealt(s, ids) => s
                .find_in(haystack, span)
                .map(|m| Match::must(ids[m.pattern().as_usize()] as usize, m.span())),
            Literals::Automaton(ac) => ac.find(Input::new(haystack).span(span)),
            Literals::Bytes(bytes) => {
                let rest = &haystack[from..];
                let at = from
                    + match bytes[..] {
                        [a] => memchr::memchr(a, rest),
                        [a, b] => memchr::memchr2(a, b, rest),
                        [a, b, c] => memchr::memchr3(a, b, c, rest),
                        _ => None,
                    }?;
                // The first listed of equal bytes, as leftmost-first says.
                let pattern = bytes.iter().position(|&b| b == haystack[at])?;
                Some(Match::must(pattern, at..at + 1))
            }
        }
    }

    pub fn is_match(&self, haystack: &[u8]) -> bool {
        self.find_from(haystack, 0).is_some()
    }

    /// Every match, left to right, not overlapping.
    pub fn find_iter<'a>(&'a self, haystack: &'a [u8]) -> impl Iterator<Item = Match> + 'a {
        let mut at = 0;
        std::iter::from_fn(move || {
            let m = self.find_from(haystack, at)?;
            // No pattern is empty; a step past an empty one all the same.
            at = m.end().max(m.start() + 1);
            Some(m)
        })
    }
}

/// Where `words` start in `haystack`, in order: by `search` (built from
/// `words`) in one pass, or by one `memmem` pass a word where it was not
/// built (plain literals always build). One leftmost-first pass finds
/// every place each word alone has when no word holds another or begins
/// with another's end (the callers' words: TODO markers, the
/// development-only conditions' words).
pub fn starts<P: AsRef<[u8]>>(
    search: Option<&Literals>,
    words: &[P],
    haystack: &[u8],
) -> Vec<usize> {
    match search {
        Some(search) => search.find_iter(haystack).map(|m| m.start()).collect(),
        None => {
            let mut all: Vec<usize> = words
                .iter()
                .flat_map(|w| memchr::memmem::find_iter(haystack, w.as_ref()))
                .collect();
            all.sort_unstable();
            all
        }
    }
}

/// How often each byte stands in source code, per 65,536 (every byte at
/// least 1): JS/TS, Python, Ruby, Markdown, YAML, JSON, SQL … of the 13
/// real apps (41 MB; `bench/byte_freq.py`). A bucket's masks let through
/// the bytes whose nibbles they hold; how often text has such a byte is
/// what a place to verify costs.
#[rustfmt::skip]
const BYTE_FREQ: [u16; 256] = [
    16, 1, 1, 1, 1, 1, 1, 1, 1, 328, 1989, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    14098, 36, 732, 26, 37, 36, 48, 358, 539, 539, 63, 26, 661, 562, 937, 478,
    404, 395, 321, 251, 246, 281, 224, 207, 213, 208, 665, 362, 200, 501, 267, 79,
    99, 201, 107, 221, 175, 214, 115, 62, 56, 236, 26, 35, 134, 135, 165, 122,
    187, 23, 186, 254, 235, 96, 60, 61, 29, 37, 32, 90, 12, 90, 8, 266,
    87, 2533, 547, 1442, 1414, 4152, 700, 684, 594, 2261, 70, 270, 1492, 1111, 2320, 2436,
    1138, 69, 2494, 2188, 3156, 1141, 362, 339, 282, 422, 78, 490, 63, 490, 2, 1,
    19, 10, 9, 23, 5, 4, 4, 5, 4, 2, 3, 4, 3, 5, 1, 2,
    5, 3, 2, 3, 19, 8, 2, 4, 4, 4, 3, 3, 5, 3, 3, 5,
    5, 5, 2, 3, 9, 4, 23, 12, 8, 4, 6, 2, 4, 3, 5, 5,
    11, 6, 6, 4, 5, 6, 2, 2, 8, 4, 5, 5, 6, 6, 8, 5,
    1, 1, 1, 12, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 2,
    33, 14, 1, 1, 1, 1, 1, 19, 16, 12, 1, 1, 1, 1, 1, 1,
    49, 22, 17, 10, 1, 4, 3, 2, 1, 1, 1, 3, 5, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
];

/// Bytes Teddy's masks test, at most.
const MASK_MAX: usize = 4;

/// A bucket's nibble masks, one pair per tested byte, and its literals.
#[derive(Clone, Copy, Default)]
struct Masks {
    low: [u16; MASK_MAX],
    high: [u16; MASK_MAX],
    literals: usize,
}

impl Masks {
    fn of<'a>(literals: impl IntoIterator<Item = &'a [u8]>, mask_len: usize) -> Masks {
        let mut m = Masks::default();
        for lit in literals {
            for (j, &b) in lit[..mask_len].iter().enumerate() {
                m.low[j] |= 1 << (b & 15);
                m.high[j] |= 1 << (b >> 4);
            }
            m.literals += 1;
        }
        m
    }

    fn with(&self, other: &Masks) -> Masks {
        let mut m = *self;
        for j in 0..MASK_MAX {
            m.low[j] |= other.low[j];
            m.high[j] |= other.high[j];
        }
        m.literals += other.literals;
        m
    }

    /// Expected places to verify per byte of text (a byte whose nibbles
    /// the masks hold at each tested place), times the literals a place
    /// is checked against.
    fn cost(&self, mask_len: usize) -> f64 {
        if self.literals == 0 {
            return 0.0;
        }
        let mut p = 1.0;
        for j in 0..mask_len {
            let mut sum = 0u32;
            let mut high = self.high[j];
            while high != 0 {
                let h = high.trailing_zeros() as usize;
                high &= high - 1;
                let mut low = self.low[j];
                while low != 0 {
                    sum += u32::from(BYTE_FREQ[h * 16 + low.trailing_zeros() as usize]);
                    low &= low - 1;
                }
            }
            p *= f64::from(sum) / 65536.0;
        }
        p * (4 + self.literals) as f64
    }
}

/// An order of `patterns` (indices into it, some repeated) that deals
/// like literals into one of Teddy's buckets, and whether that is Fat
/// Teddy's sixteen (past 32 literals) or Slim's eight. Teddy tests each
/// position's first bytes (as many as the shortest literal has, up to
/// four) against every bucket's nibble masks, and puts the i-th literal
/// in bucket `B − 1 − i mod B` unless an earlier one has the same low
/// nibbles there (then in that one's bucket). In the order a caller
/// builds, a bucket mixed unlike literals (`onsole`, `ghp_`, `FIXME`:
/// every `ghso`, `Fnp_` … place a candidate). Here each literal goes,
/// commonest first, where it adds least to the expected places to verify
/// (by [`BYTE_FREQ`]), no bucket holding more than one over its share;
/// then each moves once if that lowers it; then the order is built,
/// with a literal already placed repeated where a bucket has nothing
/// left for its turn. The side benchmark (BENCHMARKS.md, twelfth stop):
/// dub's production TypeScript tokens 4.5 → 6.5 GB/s, the stress
/// corpus's 4.0 → 6.3, postiz-app's server package 4.1 → 5.9 and 3.5 →
/// 6.6. `None` if one literal begins another (which one a search
/// reports there would depend on the order) or past 64 literals.
fn bucket_order<P: AsRef<[u8]>>(patterns: &[P]) -> Option<(Vec<usize>, bool)> {
    let n = patterns.len();
    let bytes = |i: usize| patterns[i].as_ref();
    if !(2..=64).contains(&n)
        || (0..n).any(|i| (0..n).any(|j| i != j && bytes(j).starts_with(bytes(i))))
    {
        return None;
    }
    let mask_len = (0..n).map(|i| bytes(i).len()).min()?.min(MASK_MAX);
    let fat = n > 32;
    let buckets = if fat { 16 } else { 8 };
    // Literals with the same low nibbles share a bucket whatever the order.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..n {
        let low = |k: usize| bytes(k)[..mask_len].iter().map(|b| b & 15);
        match groups.iter_mut().find(|g| low(g[0]).eq(low(i))) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    let masks_of = |members: &mut dyn Iterator<Item = &usize>| {
        Masks::of(
            members.flat_map(|&g| groups[g].iter().map(|&i| bytes(i))),
            mask_len,
        )
    };
    let cost = |m: &Masks| m.cost(mask_len);
    let alone: Vec<Masks> = (0..groups.len())
        .map(|g| masks_of(&mut [g].iter()))
        .collect();
    let cap = groups.len().div_ceil(buckets) + 1;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); buckets];
    let mut masks = vec![Masks::default(); buckets];
    let mut by_cost: Vec<usize> = (0..groups.len()).collect();
    by_cost.sort_by(|&a, &b| cost(&alone[b]).total_cmp(&cost(&alone[a])));
    let mut costs = vec![0.0; buckets];
    let mut bucket_of = vec![0; groups.len()];
    for g in by_cost {
        let (best, _) = (0..buckets)
            .filter(|&b| members[b].len() < cap)
            .map(|b| (b, cost(&masks[b].with(&alone[g])) - costs[b]))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        members[best].push(g);
        masks[best] = masks[best].with(&alone[g]);
        costs[best] = cost(&masks[best]);
        bucket_of[g] = best;
    }
    // One pass: more found nothing better on the walk's token lists.
    for g in 0..groups.len() {
        let from = bucket_of[g];
        let rest = masks_of(&mut members[from].iter().filter(|&&x| x != g));
        let rest_cost = cost(&rest);
        let freed = costs[from] - rest_cost;
        let to = (0..buckets)
            .filter(|&b| b != from && members[b].len() < cap)
            .map(|b| (b, cost(&masks[b].with(&alone[g])) - costs[b]))
            .filter(|&(_, added)| added < freed * (1.0 - 1e-9))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((to, _)) = to {
            members[from].retain(|&x| x != g);
            masks[from] = rest;
            costs[from] = rest_cost;
            members[to].push(g);
            masks[to] = masks[to].with(&alone[g]);
            costs[to] = cost(&masks[to]);
            bucket_of[g] = to;
        }
    }
    // Bucket k takes the places k, k + B, k + 2B …: each group's first
    // literal there, the fullest buckets first. A turn with nothing left
    // takes a literal whose group is placed (it joins its own bucket): one
    // of the group's others, else the first literal again of the placed
    // bucket whose masks let through the fewest places (a repeat is
    // checked at each of its bucket's places that match nothing).
    let rate = |b: usize| costs[b] / (4 + masks[b].literals) as f64;
    let mut dealt: Vec<usize> = (0..buckets).collect();
    dealt.sort_by_key(|&b| std::cmp::Reverse(members[b].len()));
    let placed: usize = members.iter().map(Vec::len).sum();
    let mut order = Vec::with_capacity(64);
    let mut joiners: Vec<usize> = Vec::new();
    let mut repeat: Option<(f64, usize)> = None;
    let mut led = 0;
    'deal: for round in 0.. {
        for &b in &dealt {
            if led == placed {
                break 'deal;
            }
            match members[b].get(round) {
                Some(&g) => {
                    order.push(groups[g][0]);
                    joiners.extend(&groups[g][1..]);
                    led += 1;
                    if repeat.is_none_or(|(r, _)| rate(b) < r) {
                        repeat = Some((rate(b), groups[g][0]));
                    }
                }
                None => order.push(joiners.pop().or(repeat.map(|(_, i)| i))?),
            }
        }
    }
    order.extend(joiners);
    (order.len() <= 64).then_some((order, fat))
}

/// Teddy's buckets for `order`, as its builder fills them (see
/// [`bucket_order`]): each bucket's literals. For the tests here and of
/// `provider_keys::STARTS`.
#[cfg(test)]
pub(crate) fn teddy_buckets<'a>(
    patterns: &[&'a str],
    order: &[usize],
    fat: bool,
) -> Vec<Vec<&'a str>> {
    let n = if fat { 16 } else { 8 };
    let mask_len = patterns
        .iter()
        .map(|p| p.len())
        .min()
        .unwrap()
        .min(MASK_MAX);
    let low = |p: &str| p.bytes().take(mask_len).map(|b| b & 15).collect::<Vec<_>>();
    let mut placed: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut buckets = vec![Vec::new(); n];
    for (i, &k) in order.iter().enumerate() {
        let b = match placed.iter().find(|(l, _)| *l == low(patterns[k])) {
            Some(&(_, b)) => b,
            None => {
                placed.push((low(patterns[k]), n - 1 - i % n));
                n - 1 - i % n
            }
        };
        buckets[b].push(patterns[k]);
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every match's span and pattern number.
    fn spans(l: &Literals, haystack: &[u8]) -> Vec<(usize, usize, usize)> {
        l.find_iter(haystack)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }

    proptest! {
        /// The vector search and the automaton find the same matches.
        #[test]
        fn both_searches_agree(
            patterns in prop::collection::vec(
                prop::collection::vec(prop::sample::select(vec!["a", "b", "ab", "SK", "_", "é", "x"]), 1..5),
                1..12,
            ),
            haystack in prop::collection::vec(prop::sample::select(vec!["a", "b", "ab", "SK", "_", "é", "x", "\n", "zzzzzzzzzzzzzzzz"]), 0..40),
        ) {
            let patterns: Vec<String> = patterns.into_iter().map(|p| p.concat()).collect();
            let haystack = haystack.concat();
            let vector = Literals::new(&patterns).expect("built");
            prop_assert!(matches!(vector, Literals::Vector(_)), "no vector search on this CPU");
            let automaton = Literals::automaton(&patterns).expect("built");
            let spans = |l: &Literals| spans(l, haystack.as_bytes());
            prop_assert_eq!(spans(&vector), spans(&automaton));
            prop_assert_eq!(vector.is_match(haystack.as_bytes()), automaton.is_match(haystack.as_bytes()));
        }

        /// One to three single bytes (repeats too) are found with memchr
        /// as the automaton finds them, the first listed winning a tie.
        #[test]
        fn single_bytes_are_found_as_the_automaton_finds_them(
            bytes in prop::collection::vec(prop::sample::select(vec![b'$', b'=', b'a', 0xC3]), 1..=3),
            haystack in prop::collection::vec(prop::sample::select(vec![b'$', b'=', b'a', b'b', 0xC3, 0xA9, b'\n']), 0..60),
        ) {
            let patterns: Vec<[u8; 1]> = bytes.iter().map(|&b| [b]).collect();
            let found = Literals::bytes(&patterns).expect("one to three bytes");
            prop_assert!(matches!(found, Literals::Bytes(_)));
            let automaton = Literals::automaton(&patterns).expect("built");
            let spans = |l: &Literals| spans(l, &haystack);
            prop_assert_eq!(spans(&found), spans(&automaton));
        }
    }

    proptest! {
        /// Dealt into Teddy's buckets, the literals are found as the
        /// automaton finds them, numbered as the caller listed them.
        #[test]
        fn dealt_literals_are_found_as_the_automaton_finds_them(
            patterns in prop::collection::btree_set(
                prop::collection::vec(prop::sample::select(vec![b'a', b'b', b'S', b'K', b'_', b'0', b'q']), 3..6),
                2..50,
            ),
            haystack in prop::collection::vec(prop::sample::select(vec![b'a', b'b', b'S', b'K', b'_', b'0', b'q', b'\n', 0xC3]), 0..300),
        ) {
            let patterns: Vec<Vec<u8>> = patterns.into_iter().collect();
            let prefixed = patterns.iter().any(|p| patterns.iter().any(|q| p != q && q.starts_with(p)));
            prop_assume!(!prefixed);
            let dealt = Literals::dealt(&patterns).expect("dealt");
            prop_assert!(matches!(dealt, Literals::Dealt(..)));
            let automaton = Literals::automaton(&patterns).expect("built");
            let spans = |l: &Literals| spans(l, &haystack);
            prop_assert_eq!(spans(&dealt), spans(&automaton));
        }
    }

    /// The walk's tokens for production TypeScript (the 41 of one part):
    /// dealt, the places to verify the model expects of Teddy's buckets
    /// (as its builder fills them from the order) fall to under half the
    /// given order's, and every literal is in the order.
    #[test]
    fn dealing_puts_like_literals_together() {
        let provider = &crate::provider_keys::TOKENS[..12];
        assert_eq!(provider.last(), Some(&"PRIVATE KEY-----"));
        let tokens: Vec<&str> = [
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
            "sk_test_",
            "rk_test_",
        ]
        .into_iter()
        .chain(provider.iter().copied())
        .chain(crate::checks::app::scan::TOKENS.iter().copied())
        .collect();
        let (order, fat) = bucket_order(&tokens).expect("dealt");
        assert!(fat);
        let mut listed: Vec<usize> = order.clone();
        listed.sort_unstable();
        listed.dedup();
        assert_eq!(listed, (0..tokens.len()).collect::<Vec<_>>());
        let cost = |buckets: Vec<Vec<&str>>| -> f64 {
            buckets
                .iter()
                .map(|b| {
                    let mut unique = b.clone();
                    unique.sort_unstable();
                    unique.dedup();
                    Masks::of(unique.iter().map(|l| l.as_bytes()), 4).cost(4)
                })
                .sum()
        };
        let given = cost(teddy_buckets(
            &tokens,
            &(0..tokens.len()).collect::<Vec<_>>(),
            true,
        ));
        let dealt = cost(teddy_buckets(&tokens, &order, true));
        assert!(dealt < given / 2.0, "dealt {dealt}, given {given}");
    }

    #[test]
    fn literals_that_begin_others_are_not_dealt() {
        assert!(bucket_order(&["abcd", "abcdef", "xyzw"]).is_none());
        assert!(bucket_order(&["abcd"]).is_none());
        assert!(bucket_order(&["abcd", "bcde", "cdef"]).is_some());
    }

    #[test]
    fn only_one_to_three_single_bytes_are_bytes() {
        assert!(Literals::bytes(["$"]).is_some());
        assert!(Literals::bytes(["$", "=", "a"]).is_some());
        assert!(Literals::bytes(["$", "=", "a", "b"]).is_none());
        assert!(Literals::bytes(["$", "=="]).is_none());
        assert!(Literals::bytes(Vec::<&str>::new()).is_none());
    }
}
