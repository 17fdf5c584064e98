//! A search for a few dozen plain literals, leftmost first: a vector
//! search (aho-corasick's packed Teddy) where the CPU has one, which is
//! built in microseconds, or else an automaton. An `AhoCorasick` with
//! Teddy as its prefilter gives the same matches from the same search but
//! builds its automaton too, which it never steps: tens to hundreds of
//! thousands of instructions each, and a small app's run built several.

use aho_corasick::{packed, AhoCorasick, AhoCorasickKind, Input, Match, MatchKind, Span};

pub enum Literals {
    Vector(packed::Searcher),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
            let spans = |l: &Literals| {
                l.find_iter(haystack.as_bytes())
                    .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                    .collect::<Vec<_>>()
            };
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
            let spans = |l: &Literals| {
                l.find_iter(&haystack)
                    .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(spans(&found), spans(&automaton));
        }
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
