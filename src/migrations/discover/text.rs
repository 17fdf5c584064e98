//! Text helpers migration discovery shares: its fixed patterns, version
//! keys, line numbers, bracketed and quoted text, and JS config properties.

use regex::Regex;

/// Compiles one of this module's fixed patterns.
pub(super) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("migration discovery patterns are valid")
}

/// A decimal version without its leading zeros (`"0"` for all zeros).
pub(super) fn strip_zeros(digits: &str) -> String {
    let s = digits.trim_start_matches('0');
    if s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A decimal version zero-padded to 20 digits so text order is numeric order.
pub(super) fn pad20(digits: &str) -> String {
    format!("{:0>20}", strip_zeros(digits))
}

/// The lines of `text`: each one's start and end (before its `\n`).
pub(super) fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let mut at = Some(0);
    std::iter::from_fn(move || {
        let start = at?;
        let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |i| start + i);
        at = (end < b.len()).then_some(end + 1);
        Some((start, end))
    })
}

/// The first index at or after `i` that is not a space or a tab.
pub(super) fn blanks(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// 1-based line of a byte offset.
pub(super) fn line_at(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let n = memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// The text between a bracket at `open` (`(`, `[` or `{`) and its match,
/// skipping quoted strings; the rest of the text when unbalanced.
pub(super) fn bracketed(text: &str, open: usize) -> &str {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.get(open) else {
        return "";
    };
    let close = match first {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        _ => return "",
    };
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\\' {
                i += 1;
            } else if b == q {
                quote = None;
            }
        } else if b == b'"' || b == b'\'' || b == b'`' {
            quote = Some(b);
        } else if b == first {
            depth += 1;
        } else if b == close {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return text.get(open + 1..i).unwrap_or("");
            }
        }
        i += 1;
    }
    text.get(open + 1..).unwrap_or("")
}

/// Every quoted string literal ('…', "…" or `…`) in `text`.
pub(super) fn quoted_strings(text: &str) -> Vec<String> {
    static QUOTED: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| re(r#""([^"\n]*)"|'([^'\n]*)'|`([^`\n]*)`"#));
    QUOTED
        .captures_iter(text)
        .filter_map(|c| c.get(1).or(c.get(2)).or(c.get(3)))
        .map(|m| m.as_str().to_string())
        .collect()
}

/// The value of the JS/TS object property `key` in a config file: a string
/// literal, an array of string literals, or `path.join(…)`/`path.resolve(…)`
/// of literals (`__dirname` and `process.cwd()` dropped). `None` when absent
/// or not a literal.
pub(super) fn js_prop(text: &str, key: &str) -> Option<Vec<String>> {
    let mut from = 0;
    while let Some(j) = prop_value_start(text, key, &mut from) {
        if let Some(v) = js_value(text, j) {
            return Some(v);
        }
    }
    None
}

/// The body of the object literal that is the value of property `key`.
pub(super) fn js_object<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let mut from = 0;
    while let Some(j) = prop_value_start(text, key, &mut from) {
        if text.as_bytes().get(j) == Some(&b'{') {
            return Some(bracketed(text, j));
        }
    }
    None
}

/// Finds the next `key:` (bare or quoted) at or after `*from`; returns the
/// offset of its value and advances `*from`.
fn prop_value_start(text: &str, key: &str, from: &mut usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.';
    loop {
        let start = *from + text.get(*from..)?.find(key)?;
        let mut j = start + key.len();
        *from = j;
        if start > 0 && ident(bytes[start - 1]) {
            continue;
        }
        if matches!(bytes.get(j), Some(b'"' | b'\'')) {
            j += 1;
        }
        while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if bytes.get(j) != Some(&b':') {
            continue;
        }
        j += 1;
        while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        return Some(j);
    }
}

fn js_value(text: &str, at: usize) -> Option<Vec<String>> {
    let rest = text.get(at..)?;
    let first = *rest.as_bytes().first()?;
    match first {
        b'"' | b'\'' | b'`' => {
            let end = rest.get(1..)?.find(first as char)?;
            let s = rest.get(1..1 + end)?;
            (!s.contains("${") && !s.contains('\n')).then(|| vec![s.to_string()])
        }
        b'[' => Some(quoted_strings(bracketed(text, at))),
        _ => {
            let open = ["path.join(", "path.resolve(", "join(", "resolve("]
                .iter()
                .find(|p| rest.starts_with(**p))
                .map(|p| at + p.len() - 1)?;
            let mut segs = Vec::new();
            for arg in bracketed(text, open).split(',') {
                let arg = arg.trim();
                match arg.as_bytes().first() {
                    Some(b'"' | b'\'' | b'`') => {
                        segs.push(arg.get(1..arg.len().saturating_sub(1))?)
                    }
                    _ if matches!(
                        arg,
                        "__dirname" | "import.meta.dirname" | "process.cwd()" | ""
                    ) => {}
                    _ => return None,
                }
            }
            Some(vec![segs.join("/")])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_helpers() {
        assert_eq!(pad20("0042"), "00000000000000000042");
        assert_eq!(strip_zeros("000"), "0");
        assert_eq!(line_at("a\nb\nc", 4), 3);
        assert_eq!(bracketed("f(a, \")\", (b)) x", 1), "a, \")\", (b)");
        assert_eq!(bracketed("[1, 2", 0), "1, 2");
        assert_eq!(quoted_strings("(\"a\", 'b', `c`)"), ["a", "b", "c"]);
        let cfg = "export default defineConfig({\n  schema: path.join(__dirname, 'prisma', 'schema.prisma'),\n  migrations: { path: \"db/migrations\" },\n  out: `./x/${y}`,\n  \"list\": ['a', \"b\"],\n});";
        assert_eq!(
            js_prop(cfg, "schema"),
            Some(vec!["prisma/schema.prisma".to_string()])
        );
        assert_eq!(
            js_prop(js_object(cfg, "migrations").unwrap_or(""), "path"),
            Some(vec!["db/migrations".to_string()])
        );
        assert_eq!(js_prop(cfg, "out"), None);
        assert_eq!(
            js_prop(cfg, "list"),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(js_prop("x.schema: 'a'", "schema"), None);
    }
}
