//! Heredocs (shell, Ruby, PHP): bodies that start on the line after the
//! opener and end at a line holding only the label.

use super::scanner::{is_blank, is_ident, line_end};

/// Heredoc body for an opener whose line ends at `eol` (index of its `\n`):
/// from the next line through the first line whose content, with leading
/// whitespace removed when `indented`, starts with `label` and then has no
/// identifier byte. Returns `(body_start, body_end)`, or `None` when no line
/// terminates it.
pub fn heredoc_body(b: &[u8], eol: usize, label: &[u8], indented: bool) -> Option<(usize, usize)> {
    let n = b.len();
    let start = (eol + 1).min(n);
    let mut ls = start;
    while ls < n {
        let le = line_end(b, ls);
        let mut c = ls;
        if indented {
            while c < le && is_blank(b[c]) {
                c += 1;
            }
        }
        if b[c..le].starts_with(label) {
            let after = c + label.len();
            if after >= le || !is_ident(b[after]) {
                return Some((start, after));
            }
        }
        ls = le + 1;
    }
    None
}

/// Heredoc bodies waiting for the end of their opener's line. Openers whose
/// terminator never appears are ignored (they were probably `<<` shifts);
/// after a few such misses heredocs are no longer searched for, so the scan
/// stays linear.
#[derive(Default)]
pub struct Heredocs {
    /// `(body_start, body_end)` of the bodies queued on the current line.
    pub pending: Option<(usize, usize)>,
    misses: u32,
}

impl Heredocs {
    /// Queue the body of an opener ending at `after`.
    pub fn open(&mut self, b: &[u8], after: usize, label: &[u8], indented: bool) {
        if self.misses >= 16 || label.is_empty() {
            return;
        }
        let eol = match self.pending {
            Some((_, be)) => line_end(b, be),
            None => line_end(b, after),
        };
        match heredoc_body(b, eol, label, indented) {
            Some((bs, be)) => {
                let bs = self.pending.map_or(bs, |(s, _)| s);
                self.pending = Some((bs, be));
            }
            None => self.misses += 1,
        }
    }

    /// At scan position `i`: the body to emit if `i` is the newline ending
    /// the opener line. A body overtaken by a multi-line token is dropped.
    pub fn take(&mut self, b: &[u8], i: usize) -> Option<(usize, usize)> {
        let (bs, be) = self.pending?;
        if i + 1 == bs && b.get(i) == Some(&b'\n') {
            self.pending = None;
            return Some((bs, be));
        }
        if i >= bs {
            self.pending = None;
        }
        None
    }
}
