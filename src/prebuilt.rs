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
//!
//! Anchored tries can read the same bytes again: `serve({` repeated with
//! no `}` makes each try read to the end, quadratic in the file (a gate
//! that reads untrusted pull requests must not be). So a search counts the
//! bytes its tries read, over a whole iteration; past a few times the
//! bytes it has moved over, it hands the search to the `regex` crate
//! (compiled then, from the same pattern text), which is linear, and an
//! iteration keeps to it.

use crate::literals::Literals;
use regex_automata::dfa::{dense, Automaton};
use regex_automata::{Anchored, Input};
use std::sync::OnceLock;

/// A search reads at most this many bytes more than [`REREAD`] times the
/// bytes it moved over before it hands over to the `regex` crate.
const SLACK: usize = 4096;
const REREAD: usize = 4;

pub mod patterns;

/// Bytes at a `u32` boundary, as a DFA is read from.
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u32; 0],
    bytes: B,
}

/// One prebuilt set: its DFA's bytes and its matches' leading literals.
pub struct Prebuilt {
    name: &'static str,
    bytes: &'static [u8],
    starts: &'static [&'static [u8]],
    alternatives: &'static [&'static str],
    ready: OnceLock<Ready>,
    /// The same set as a `regex` crate regex, one group per alternative:
    /// compiled only when a search hands over (see the module's docs).
    fallback: OnceLock<regex::Regex>,
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
        alternatives: &'static [&'static str],
    ) -> Self {
        Prebuilt {
            name,
            bytes,
            starts,
            alternatives,
            ready: OnceLock::new(),
            fallback: OnceLock::new(),
        }
    }

    fn fallback(&self) -> &regex::Regex {
        self.fallback.get_or_init(|| {
            let groups: Vec<String> = self.alternatives.iter().map(|a| format!("({a})")).collect();
            regex::Regex::new(&groups.join("|")).expect("prebuilt patterns are valid regexes")
        })
    }

    /// The `regex` crate's leftmost match at or after `from`.
    fn fallback_find(&self, haystack: &str, from: usize) -> Option<Match> {
        let c = self.fallback().captures_at(haystack, from)?;
        let m = c.get(0)?;
        let alternative = (1..c.len()).find(|&i| c.get(i).is_some())? - 1;
        Some(Match {
            start: m.start(),
            end: m.end(),
            alternative,
        })
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

    /// The leftmost match at or after `from`, or `Err` when the tries
    /// have read too much again (the caller asks the `regex` crate). The
    /// budget runs over a whole iteration, not one search: a search per
    /// match would let each re-read its few kilobytes.
    fn search(
        &self,
        haystack: &str,
        from: usize,
        earliest: bool,
        budget: &mut Budget,
    ) -> Result<Option<Match>, ()> {
        let ready = self.ready();
        let bytes = haystack.as_bytes();
        let mut at = from;
        while let Some(lit) = ready.starts.find_from(bytes, at) {
            let start = lit.start();
            if let Some((end, alternative)) =
                anchored(&ready.dfa, bytes, start, earliest, &mut budget.read)?
            {
                return Ok(Some(Match {
                    start,
                    end,
                    alternative,
                }));
            }
            if budget.read > REREAD * (start - budget.origin) + SLACK {
                return Err(());
            }
            at = start + 1;
        }
        Ok(None)
    }

    /// The leftmost match at or after `from`.
    pub fn find_at(&self, haystack: &str, from: usize) -> Option<Match> {
        self.search(haystack, from, false, &mut Budget::from(from))
            .unwrap_or_else(|()| self.fallback_find(haystack, from))
    }

    pub fn find(&self, haystack: &str) -> Option<Match> {
        self.find_at(haystack, 0)
    }

    pub fn is_match(&self, haystack: &str) -> bool {
        match self.search(haystack, 0, true, &mut Budget::from(0)) {
            Ok(m) => m.is_some(),
            Err(()) => self.fallback().is_match(haystack),
        }
    }

    /// Every match, left to right, not overlapping (no pattern matches
    /// the empty string). Once a search hands over, the rest is the
    /// `regex` crate's.
    pub fn find_iter<'h>(&'h self, haystack: &'h str) -> impl Iterator<Item = Match> + 'h {
        let mut at = 0;
        let mut handed_over = false;
        let mut budget = Budget::from(0);
        std::iter::from_fn(move || {
            if at > haystack.len() {
                return None;
            }
            let m = if handed_over {
                self.fallback_find(haystack, at)?
            } else {
                match self.search(haystack, at, false, &mut budget) {
                    Ok(m) => m?,
                    Err(()) => {
                        handed_over = true;
                        self.fallback_find(haystack, at)?
                    }
                }
            };
            at = m.end.max(m.start + 1);
            Some(m)
        })
    }
}

/// The bytes a search's tries have read, and where it began.
struct Budget {
    origin: usize,
    read: usize,
}

impl Budget {
    fn from(origin: usize) -> Self {
        Budget { origin, read: 0 }
    }
}

/// The DFA run anchored at `start`: the end and alternative of the
/// leftmost-first match there, counting the bytes read into `read`.
/// `Err` only on a quit byte, which these DFAs do not have (no Unicode
/// `\b`): the caller hands over then too.
fn anchored(
    dfa: &dense::DFA<&'static [u32]>,
    bytes: &[u8],
    start: usize,
    earliest: bool,
    read: &mut usize,
) -> Result<Option<(usize, usize)>, ()> {
    let input = Input::new(bytes).range(start..).anchored(Anchored::Yes);
    let mut state = dfa.start_state_forward(&input).map_err(|_| ())?;
    let mut last = None;
    for (at, &b) in bytes.iter().enumerate().skip(start) {
        *read += 1;
        state = dfa.next_state(state, b);
        if dfa.is_special_state(state) {
            if dfa.is_match_state(state) {
                // A DFA's match is seen one byte late: it ends before `at`.
                last = Some((at, dfa.match_pattern(state, 0).as_usize()));
                if earliest {
                    return Ok(last);
                }
            } else if dfa.is_dead_state(state) {
                return Ok(last);
            } else if dfa.is_quit_state(state) {
                return Err(());
            }
        }
    }
    state = dfa.next_eoi_state(state);
    if dfa.is_match_state(state) {
        last = Some((bytes.len(), dfa.match_pattern(state, 0).as_usize()));
    }
    Ok(last)
}

include!(concat!(env!("OUT_DIR"), "/prebuilt.rs"));

#[cfg(test)]
mod tests;
