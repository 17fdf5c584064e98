//! Patterns compiled ahead of time (`build.rs`, from
//! `prebuilt/patterns.rs`): a run loads each set's DFA (a validation pass
//! over its bytes, microseconds) instead of building a regex (parsing, two
//! NFAs, literal extraction, lazy DFA states: 50 µs to 1 ms each, most of a
//! small app's run; see BENCHMARKS.md). They match as the `regex` crate
//! does (leftmost first), which the tests hold them to.
//!
//! A search finds where a match may begin with a vector search for the
//! literals every match begins with, then runs the DFA anchored there: no
//! match begins anywhere else, so the first position where the DFA matches
//! is the leftmost match, and the DFA's leftmost-first end is the regex's.

use crate::literals::Literals;
use regex_automata::dfa::{dense, Automaton};
use regex_automata::{Anchored, Input};
use std::sync::OnceLock;

#[cfg(test)]
pub mod patterns;

/// Bytes at a `u32` boundary, as a DFA is read from.
#[repr(C)]
pub struct Aligned<B: ?Sized> {
    pub _align: [u32; 0],
    pub bytes: B,
}

/// One prebuilt set: its DFA's bytes and its matches' leading literals.
pub struct Prebuilt {
    name: &'static str,
    bytes: &'static [u8],
    starts: &'static [&'static [u8]],
    ready: OnceLock<Ready>,
}

struct Ready {
    dfa: dense::DFA<&'static [u32]>,
    starts: Literals,
}

/// A match: its span and which alternative of the set it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub alternative: usize,
}

impl Prebuilt {
    pub const fn new(
        name: &'static str,
        bytes: &'static [u8],
        starts: &'static [&'static [u8]],
    ) -> Self {
        Prebuilt {
            name,
            bytes,
            starts,
            ready: OnceLock::new(),
        }
    }

    fn ready(&self) -> &Ready {
        self.ready.get_or_init(|| {
            // build.rs wrote these bytes for this target from a DFA it
            // built; they load unless the build itself is broken.
            let (dfa, _) = dense::DFA::from_bytes(self.bytes)
                .unwrap_or_else(|e| panic!("prebuilt pattern {} does not load: {e}", self.name));
            let starts = Literals::new(self.starts.iter().copied())
                .unwrap_or_else(|| panic!("prebuilt pattern {}: no literal search", self.name));
            Ready { dfa, starts }
        })
    }

    /// Load it now (see `engine::warm_up`).
    pub fn warm(&self) {
        self.ready();
    }

    fn search(&self, haystack: &str, from: usize, earliest: bool) -> Option<Match> {
        let ready = self.ready();
        let bytes = haystack.as_bytes();
        let mut at = from;
        while let Some(lit) = ready.starts.find_from(bytes, at) {
            let start = lit.start();
            let input = Input::new(bytes)
                .range(start..)
                .anchored(Anchored::Yes)
                .earliest(earliest);
            // No quit bytes (no Unicode `\b`): the search cannot fail.
            if let Ok(Some(end)) = ready.dfa.try_search_fwd(&input) {
                return Some(Match {
                    start,
                    end: end.offset(),
                    alternative: end.pattern().as_usize(),
                });
            }
            at = start + 1;
        }
        None
    }

    /// The leftmost match at or after `from`.
    pub fn find_at(&self, haystack: &str, from: usize) -> Option<Match> {
        self.search(haystack, from, false)
    }

    pub fn find(&self, haystack: &str) -> Option<Match> {
        self.find_at(haystack, 0)
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        self.search(haystack, 0, true).is_some()
    }

    /// Every match, left to right, not overlapping (no pattern matches
    /// the empty string).
    pub fn find_iter<'h>(&'h self, haystack: &'h str) -> impl Iterator<Item = Match> + 'h {
        let mut at = 0;
        std::iter::from_fn(move || {
            let m = self.find_at(haystack, at)?;
            at = m.end.max(m.start + 1);
            Some(m)
        })
    }
}

include!(concat!(env!("OUT_DIR"), "/prebuilt.rs"));

#[cfg(test)]
mod tests;
