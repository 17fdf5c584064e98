//! The top-level arguments of a call, for the checks that read code calls
//! (`jwt.sign(…)`, Rails' `add_column :t, :c`, Alembic's `op.add_column(…)`).
//! Commas and brackets inside strings count: pass text whose strings are
//! blanked (`lexer::mask`) when that matters.

use std::ops::Range;

/// The arguments of the call whose list starts at `start` (just after its
/// `(`, or after the method name for Ruby's call without parentheses), as
/// trimmed byte ranges of `text`, and where the list ends (its `)`, or the
/// end of the last line). With `paren` the list ends at the `)` that closes
/// it (`None` when none does); without, at the end of a line that does not
/// end in `,` or `\`, at a bracket it did not open, or before a `do` block.
pub fn call_args(text: &str, start: usize, paren: bool) -> Option<(Vec<Range<usize>>, usize)> {
    let b = text.as_bytes();
    let (mut depth, mut from, mut args) = (0i32, start, Vec::new());
    // The last byte before `i` that is not a blank: a line ending in `,`
    // or `\` goes on.
    let mut last = b' ';
    let push = |from: usize, to: usize, args: &mut Vec<Range<usize>>| {
        let s = &text[from..to];
        let lead = s.len() - s.trim_start().len();
        args.push(from + lead..from + lead + s.trim().len());
    };
    for i in start..b.len() {
        let c = b[i];
        if !c.is_ascii_whitespace() {
            last = c;
        }
        match c {
            b'(' | b'{' | b'[' => depth += 1,
            b')' | b'}' | b']' if depth > 0 => depth -= 1,
            b')' if paren => {
                push(from, i, &mut args);
                return Some((args, i));
            }
            // `dir.up { change_column_null :t, :c, false }`
            b')' | b'}' | b']' if !paren => {
                push(from, i, &mut args);
                return Some((args, i));
            }
            b',' if depth == 0 => {
                push(from, i, &mut args);
                from = i + 1;
            }
            b'\n' if !paren && depth == 0 && last != b',' && last != b'\\' => {
                push(from, i, &mut args);
                return Some((args, i));
            }
            b'd' if !paren && depth == 0 && is_do(b, i) => {
                push(from, i, &mut args);
                return Some((args, i));
            }
            _ => {}
        }
    }
    if paren {
        return None;
    }
    push(from, b.len(), &mut args);
    Some((args, b.len()))
}

/// A `do` keyword at `i`: a word of its own after a blank.
fn is_do(b: &[u8], i: usize) -> bool {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    b[i..].starts_with(b"do")
        && i > 0
        && b[i - 1].is_ascii_whitespace()
        && b.get(i + 2).is_none_or(|&c| !word(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str, start: usize, paren: bool) -> Option<Vec<&str>> {
        call_args(text, start, paren).map(|(a, _)| a.into_iter().map(|r| &text[r]).collect())
    }

    #[test]
    fn split_at_the_top_level_only() {
        let text = "jwt.sign({ a: 1, b: [2, 3] }, key, { expiresIn: f(1, 2) }) + x";
        assert_eq!(
            args(text, "jwt.sign(".len(), true).unwrap(),
            ["{ a: 1, b: [2, 3] }", "key", "{ expiresIn: f(1, 2) }"]
        );
        assert!(args("jwt.sign(a, b", 9, true).is_none());
    }

    #[test]
    fn without_parentheses_the_list_ends_with_its_line_or_a_block() {
        let text = "add_column :users, :x,\n  :string, null: false\nremove_column :a, :b";
        assert_eq!(
            args(text, "add_column".len(), false).unwrap(),
            [":users", ":x", ":string", "null: false"]
        );
        let text = "create_table :users, id: :uuid do |t|\n  t.string :name\nend";
        assert_eq!(
            args(text, "create_table".len(), false).unwrap(),
            [":users", "id: :uuid"]
        );
        assert_eq!(args("drop_table :done", 10, false).unwrap(), [":done"]);
    }
}
