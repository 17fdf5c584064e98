//! A `.env` file parser that keeps positions and never echoes values.
//!
//! Grammar (the common ground of dotenv, dotenvx and docker compose):
//! - A leading UTF-8 BOM is ignored; lines end in LF or CRLF.
//! - Blank lines and lines whose first non-blank char is `#` are comments.
//! - `[export ]KEY = value`; keys match `[A-Za-z_][A-Za-z0-9_.-]*`; blanks
//!   around `=` are allowed.
//! - Unquoted values are trimmed and end at a `#` preceded by a blank.
//! - `'…'` and `` `…` `` are literal, `"…"` understands `\n \r \t \" \\ \$`
//!   (any other backslash is kept); all three may span lines, and a CRLF
//!   inside them becomes LF. After the closing quote only blanks and a
//!   `# comment` may follow.
//! - An unterminated quote is reported at the opening quote; the rest of
//!   that line becomes the value and parsing resumes on the next line.
//!
//! Error messages name the key (when valid) and line numbers, never any text
//! of the file: values are secrets. Never panics; linear time on any input.

use std::collections::HashSet;

#[cfg(test)]
mod tests;

/// How a value was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
    Backtick,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// The value after unquoting and unescaping; `${VAR}` references are NOT expanded.
    pub value: String,
    pub quote: Quote,
    /// `export KEY=...`
    pub exported: bool,
    /// 1-based line/column (columns count chars) of the key's first char.
    pub line: u32,
    pub column: u32,
    /// 1-based line/column of the value's first char (after the opening quote if quoted; for an empty unquoted value, the position right after `=`).
    pub value_line: u32,
    pub value_column: u32,
    /// Names referenced with `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `$NAME` inside unquoted or double-quoted values (not single-quoted), in order, deduplicated.
    pub references: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: u32,
    pub column: u32,
    /// Says what is wrong and how to fix it; never contains any text of a value.
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvFile {
    /// Every assignment in file order, duplicates included (the caller reports duplicates).
    pub entries: Vec<Entry>,
    pub errors: Vec<SyntaxError>,
}

/// Parse the text of a `.env` file.
pub fn parse(text: &str) -> EnvFile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        cur: LinePos(1, 0),
        no_close: [usize::MAX; 4],
        out: EnvFile::default(),
    };
    while p.cur.1 < p.b.len() {
        p.statement();
    }
    p.out
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    /// The line to parse next (its start is the text length at the end).
    cur: LinePos,
    /// Per `Quote as usize`: a search for its closing quote from at or after
    /// this offset is known to fail (keeps unterminated quotes linear).
    no_close: [usize; 4],
    out: EnvFile,
}

/// A 1-based line number and the byte offset where that line starts.
#[derive(Clone, Copy)]
struct LinePos(usize, usize);

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn quote_name(q: Quote) -> &'static str {
    match q {
        Quote::Single => "single quote",
        Quote::Double => "double quote",
        Quote::Backtick | Quote::None => "backtick",
    }
}

/// "the value of KEY" when the key is valid, else "the value".
fn value_of(key: Option<&str>) -> String {
    key.map_or_else(|| "the value".to_string(), |k| format!("the value of {k}"))
}

impl Parser<'_> {
    /// The byte at `i`, or 0 past the end (0 matches nothing structural).
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// End of the line containing `from` (offset of its `\n`, or the text length).
    fn eol(&self, from: usize) -> usize {
        let rest = self.b.get(from..).unwrap_or_default();
        memchr::memchr(b'\n', rest).map_or(self.b.len(), |i| from + i)
    }

    fn skip_blanks(&self, mut i: usize, end: usize) -> usize {
        while i < end && is_blank(self.at(i)) {
            i += 1;
        }
        i
    }

    /// `end` moved back over blanks, but not before `lo`.
    fn trim_back(&self, lo: usize, mut end: usize) -> usize {
        while end > lo && is_blank(self.at(end - 1)) {
            end -= 1;
        }
        end
    }

    /// 1-based char column of byte offset `at` on line `lp`.
    fn column(&self, lp: LinePos, at: usize) -> u32 {
        to_u32(self.text.get(lp.1..at).map_or(0, |s| s.chars().count()) + 1)
    }

    fn error(&mut self, lp: LinePos, at: usize, message: String) {
        let (line, column) = (to_u32(lp.0), self.column(lp, at));
        self.out.errors.push(SyntaxError {
            line,
            column,
            message,
        });
    }

    /// Move to the line after the one ending at `le`.
    fn next_line(&mut self, le: usize) {
        self.cur = if le < self.b.len() {
            LinePos(self.cur.0 + 1, le + 1)
        } else {
            LinePos(self.cur.0, self.b.len())
        };
    }

    /// Parse one comment, blank line or assignment (which may span lines).
    fn statement(&mut self) {
        let (lp, n) = (self.cur, self.cur.0);
        let le = self.eol(lp.1);
        let mut i = self.skip_blanks(lp.1, le);
        if i == le || self.at(i) == b'#' {
            return self.next_line(le);
        }
        let mut exported = false;
        if self.b.get(i..le).is_some_and(|s| s.starts_with(b"export")) && is_blank(self.at(i + 6)) {
            let j = self.skip_blanks(i + 6, le);
            if j < le && self.at(j) != b'=' {
                exported = true;
                i = j;
            }
        }
        let Some(eq) = memchr::memchr(b'=', self.b.get(i..le).unwrap_or_default()).map(|k| i + k)
        else {
            let msg = format!(
                "line {n} has no `=`: expected KEY=value (start the line with `#` to make it a comment)"
            );
            self.error(lp, i, msg);
            return self.next_line(le);
        };
        let raw_key = self.text.get(i..self.trim_back(i, eq)).unwrap_or_default();
        let key = match check_key(raw_key) {
            Ok(()) => Some(raw_key),
            Err((off, problem)) => {
                let msg = if raw_key.is_empty() {
                    format!("line {n} has no key before `=`: expected KEY=value")
                } else {
                    format!("the key at line {n} {problem}")
                };
                self.error(lp, i + off, msg);
                None
            }
        };
        let vstart = self.skip_blanks(eq + 1, le);
        let quote = match self.at(vstart) {
            b'\'' => Quote::Single,
            b'"' => Quote::Double,
            b'`' => Quote::Backtick,
            _ => Quote::None,
        };
        let (value, references, vpos) = if quote == Quote::None {
            self.unquoted(eq, vstart, le)
        } else {
            self.quoted(lp, key, quote, vstart, le)
        };
        if let Some(key) = key {
            self.out.entries.push(Entry {
                key: key.to_string(),
                value,
                quote,
                exported,
                line: to_u32(n),
                column: self.column(lp, i),
                value_line: to_u32(n),
                value_column: self.column(lp, vpos),
                references,
            });
        }
    }

    /// An unquoted value from `vstart` to the end of line `le` or an inline comment.
    fn unquoted(&mut self, eq: usize, vstart: usize, le: usize) -> (String, Vec<String>, usize) {
        let mut end = le;
        let mut k = vstart;
        while let Some(h) = memchr::memchr(b'#', self.b.get(k..le).unwrap_or_default()) {
            // `k + h >= vstart > eq`, so `k + h - 1` does not underflow.
            if is_blank(self.at(k + h - 1)) {
                end = k + h;
                break;
            }
            k += h + 1;
        }
        let raw = self
            .text
            .get(vstart..self.trim_back(vstart, end))
            .unwrap_or_default();
        let vpos = if raw.is_empty() { eq + 1 } else { vstart };
        self.next_line(le);
        (raw.to_string(), references(raw), vpos)
    }

    /// A quoted value whose opening quote is at `open` on the line ending at `le`.
    fn quoted(
        &mut self,
        lp: LinePos,
        key: Option<&str>,
        quote: Quote,
        open: usize,
        le: usize,
    ) -> (String, Vec<String>, usize) {
        let (cs, what, n) = (open + 1, quote_name(quote), lp.0);
        let close = self.find_close(quote, open);
        if let Some(next) = close.and_then(|c| self.assignment_between(le, c)) {
            // `NODE_ENV="production` then `STRIPE_KEY=…` then a later quote:
            // dotenv would take the next lines into the value, python-dotenv
            // rejects the line. Ambiguous either way, so say so, keep only
            // this line's rest as the value and read the next lines as the
            // assignments they look like.
            let msg = format!(
                "the {what} of {} at line {n} is not closed on that line, and line {next} looks \
                 like the next assignment: add the closing {what} at line {n} (loaders disagree \
                 on such a value; the rest of line {n} was taken as the value)",
                value_of(key)
            );
            self.error(lp, open, msg);
            self.next_line(le);
            let end = le - usize::from(le > cs && self.at(le - 1) == b'\r');
            let raw = self.text.get(cs..end).unwrap_or_default();
            return (finish(quote, raw), Vec::new(), cs);
        }
        let end = if let Some(close) = close {
            let inner = self.b.get(open..close).unwrap_or_default();
            let newlines = memchr::memchr_iter(b'\n', inner).count();
            if let Some(last) = memchr::memrchr(b'\n', inner) {
                self.cur = LinePos(self.cur.0 + newlines, open + last + 1);
            }
            let close_le = self.eol(close + 1);
            let after = self.skip_blanks(close + 1, close_le);
            if after < close_le && self.at(after) != b'#' {
                let (of, closed) = (value_of(key), self.cur.0);
                let msg = if newlines == 0 {
                    format!(
                        "unexpected text after the closing {what} of {of} at line {n}: put the \
                         whole value inside the quotes, or start a comment with ` #`"
                    )
                } else {
                    format!(
                        "unexpected text after the closing {what} of {of}, which opens at line \
                         {n} and closes at line {closed}: if it should not span lines, add the \
                         missing closing {what} at line {n}"
                    )
                };
                self.error(self.cur, after, msg);
            }
            self.next_line(close_le);
            close
        } else {
            let msg = format!(
                "unterminated {what} in {} starting at line {n}: add the closing {what} (the \
                 rest of the line was taken as the value)",
                value_of(key)
            );
            self.error(lp, open, msg);
            self.next_line(le);
            le - usize::from(le > cs && self.at(le - 1) == b'\r')
        };
        let raw = self.text.get(cs..end).unwrap_or_default();
        let refs = if quote == Quote::Double {
            references(raw)
        } else {
            Vec::new()
        };
        (finish(quote, raw), refs, cs)
    }

    /// The 1-based number of the first line after the one ending at `le`,
    /// up to the quote at `close`, that starts like an assignment
    /// (`KEY=`, `export KEY=`): a sign the quote opened on that line was
    /// never closed. Keys of mixed case, longer than 64 characters or
    /// followed by `==` are base64 (a PEM key's lines), not assignments.
    fn assignment_between(&self, le: usize, close: usize) -> Option<usize> {
        let mut line_no = self.cur.0;
        let mut start = le + 1;
        while start <= close {
            line_no += 1;
            let end = self.eol(start).min(close);
            if looks_like_assignment(self.b.get(start..end).unwrap_or_default()) {
                return Some(line_no);
            }
            start = self.eol(start) + 1;
        }
        None
    }

    /// Offset of the quote closing the `quote` value opened at `open`.
    fn find_close(&mut self, quote: Quote, open: usize) -> Option<usize> {
        let (q, slot, cs) = (self.at(open), quote as usize, open + 1);
        if self.no_close.get(slot).is_some_and(|&f| cs >= f) {
            return None;
        }
        let mut k = cs;
        let found = loop {
            let rest = self.b.get(k..).unwrap_or_default();
            let hit = if quote == Quote::Double {
                memchr::memchr2(q, b'\\', rest)
            } else {
                memchr::memchr(q, rest)
            };
            let Some(h) = hit else { break None };
            if self.at(k + h) == q {
                break Some(k + h);
            }
            k += h + 2; // skip the backslash and the char it escapes
        };
        if let (None, Some(f)) = (found, self.no_close.get_mut(slot)) {
            *f = (*f).min(cs);
        }
        found
    }
}

/// Does `line` start like `KEY=` or `export KEY=`, with a key of one case
/// (`NODE_ENV`, `port`) no longer than 64 characters, a single `=` and a
/// value (or a `_` in the key)?
fn looks_like_assignment(line: &[u8]) -> bool {
    let mut i = 0;
    let skip = |mut i: usize| {
        while line.get(i).copied().is_some_and(is_blank) {
            i += 1;
        }
        i
    };
    i = skip(i);
    if line[i.min(line.len())..].starts_with(b"export")
        && line.get(i + 6).copied().is_some_and(is_blank)
    {
        i = skip(i + 6);
    }
    let key_start = i;
    if !line
        .get(i)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return false;
    }
    while line
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
    {
        i += 1;
    }
    let key = &line[key_start..i];
    let mixed = key.iter().any(u8::is_ascii_uppercase) && key.iter().any(u8::is_ascii_lowercase);
    i = skip(i);
    // `QUJD=` ends a base64 block; `PORT=` with nothing after it is too
    // thin a sign, `API_KEY=` (a `_` no base64 line has) is not.
    let value_or_underscore = line.get(i + 1).is_some_and(|c| !is_blank(*c))
        || key.iter().any(|c| matches!(c, b'_' | b'.'));
    key.len() <= 64
        && !mixed
        && line.get(i) == Some(&b'=')
        && line.get(i + 1) != Some(&b'=')
        && value_or_underscore
}

/// Check `[A-Za-z_][A-Za-z0-9_.-]*`; on failure the byte offset of the
/// problem and what is wrong (never the key's text).
fn check_key(key: &str) -> Result<(), (usize, &'static str)> {
    let mut chars = key.char_indices();
    if !chars
        .next()
        .is_some_and(|(_, c)| c.is_ascii_alphabetic() || c == '_')
    {
        return Err((0, "does not start with a letter or `_`; rename it"));
    }
    for (i, c) in chars {
        if c.is_whitespace() {
            return Err((
                i,
                "contains whitespace; keys may contain only letters, digits, `_`, `.` and `-`",
            ));
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
            return Err((i, "contains a character that is not allowed; keys may contain only letters, digits, `_`, `.` and `-`"));
        }
    }
    Ok(())
}

/// The value of quoted content `raw`: CRLF becomes LF; double quotes unescape
/// `\n \r \t \" \\ \$` and keep any other backslash.
fn finish(quote: Quote, raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let unescaped = match (c, next) {
            ('\r', Some('\n')) => continue,
            ('\\', Some('n')) => '\n',
            ('\\', Some('r')) => '\r',
            ('\\', Some('t')) => '\t',
            ('\\', Some(e @ ('"' | '\\' | '$'))) => e,
            _ => {
                out.push(c);
                continue;
            }
        };
        if quote == Quote::Double {
            chars.next();
            out.push(unescaped);
        } else {
            out.push(c);
        }
    }
    out
}

/// Names referenced by `$NAME` and `${NAME…}` in raw value text, in order,
/// deduplicated. `\$` and `$$` are escapes, not references; the text of a
/// `${A:-…}` default is scanned too.
fn references(raw: &str) -> Vec<String> {
    let b = raw.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let (mut seen, mut out, mut i) = (HashSet::new(), Vec::new(), 0);
    while let Some(h) = memchr::memchr2(b'$', b'\\', b.get(i..).unwrap_or_default()) {
        let dollar = i + h;
        i = dollar + 2;
        let start = match (at(dollar), at(dollar + 1)) {
            (b'$', b'{') => dollar + 2,
            (b'$', _) => dollar + 1,
            _ => continue,
        };
        if !(at(start).is_ascii_alphabetic() || at(start) == b'_') {
            continue;
        }
        let mut end = start;
        while at(end).is_ascii_alphanumeric() || at(end) == b'_' {
            end += 1;
        }
        i = end;
        let ok = start == dollar + 1
            || match at(end) {
                b'}' | b'-' | b'?' | b'+' | b'=' => true,
                b':' => matches!(at(end + 1), b'-' | b'?' | b'+' | b'='),
                _ => false,
            };
        if let Some(name) = raw.get(start..end).filter(|_| ok) {
            if seen.insert(name) {
                out.push(name.to_string());
            }
        }
    }
    out
}
