//! What every framework's discovery shares: the file index, path arithmetic,
//! version keys, small text helpers and the duplicate-version problem.

use crate::migrations::{LayoutProblem, Migration, RepoFile};
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Bound;

/// Compiles one of this module's fixed patterns.
pub(super) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("migration discovery patterns are valid")
}

/// The files handed to discovery, by repo-relative path.
pub(super) struct Repo<'a> {
    files: BTreeMap<&'a str, &'a str>,
}

impl<'a> Repo<'a> {
    pub fn new(files: &'a [RepoFile]) -> Self {
        let files = files
            .iter()
            .filter(|f| !f.rel.is_empty() && !is_excluded(&f.rel))
            .map(|f| (f.rel.as_str(), f.text.as_str()))
            .collect();
        Repo { files }
    }

    pub fn text(&self, path: &str) -> Option<&'a str> {
        self.files.get(path).copied()
    }

    pub fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Every file, sorted by path.
    pub fn all(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.files.iter().map(|(p, t)| (*p, *t))
    }

    /// Every file below `dir` (the whole repository for `""`), sorted.
    pub fn under(&self, dir: &str) -> Vec<(&'a str, &'a str)> {
        let prefix = dir_prefix(dir);
        self.files
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .take_while(|(p, _)| p.starts_with(prefix.as_str()))
            .map(|(p, t)| (*p, *t))
            .collect()
    }

    /// The files directly in `dir`: (file name, path, text).
    pub fn children(&self, dir: &str) -> Vec<(&'a str, &'a str, &'a str)> {
        let n = dir_prefix(dir).len();
        self.under(dir)
            .into_iter()
            .filter_map(|(p, t)| {
                let rest = p.get(n..)?;
                (!rest.contains('/')).then_some((rest, p, t))
            })
            .collect()
    }

    /// The immediate sub-directories of `dir` that hold files, each with the
    /// paths of those files relative to the sub-directory.
    pub fn subdirs(&self, dir: &str) -> BTreeMap<&'a str, Vec<&'a str>> {
        let n = dir_prefix(dir).len();
        let mut out: BTreeMap<&'a str, Vec<&'a str>> = BTreeMap::new();
        for (p, _) in self.under(dir) {
            let Some(rest) = p.get(n..) else { continue };
            if let Some((sub, inner)) = rest.split_once('/') {
                if !sub.is_empty() {
                    out.entry(sub).or_default().push(inner);
                }
            }
        }
        out
    }

    /// The nearest ancestor of `dir` (itself included) holding one of
    /// `markers`: which marker it is.
    pub fn nearest_marker(&self, dir: &str, markers: &[&'static str]) -> Option<&'static str> {
        let mut cur = dir.to_string();
        loop {
            for m in markers {
                if self.exists(&join(&cur, m)) {
                    return Some(m);
                }
            }
            if cur.is_empty() {
                return None;
            }
            cur = parent(&cur).to_string();
        }
    }
}

/// Paths discovery never looks at, whoever passed them in.
pub(super) fn is_excluded(rel: &str) -> bool {
    rel.split('/').any(|c| c == "node_modules" || c == ".git")
}

fn dir_prefix(dir: &str) -> String {
    if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    }
}

pub(super) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

pub(super) fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, n)| n)
}

pub(super) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else if name.is_empty() {
        dir.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// `rel` taken relative to `base`, with `.`/`..` resolved; `None` when it
/// leaves the repository or is absolute.
pub(super) fn resolve(base: &str, rel: &str) -> Option<String> {
    let rel = rel.trim().replace('\\', "/");
    if rel.starts_with('/') || rel.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
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

pub(super) fn problem(
    path: &str,
    line: Option<u32>,
    message: String,
    help: String,
) -> LayoutProblem {
    LayoutProblem {
        path: path.to_string(),
        line,
        message,
        help,
    }
}

/// One problem for every migration whose `key` repeats an earlier one's;
/// `what` names the key ("version", "timestamp"), `help` is the fix.
pub(super) fn duplicates(
    framework: &str,
    migrations: &[Migration],
    key: impl Fn(&Migration) -> Option<String>,
    what: &str,
    help: impl Fn(&Migration, &Migration) -> String,
) -> Vec<LayoutProblem> {
    let mut first: BTreeMap<String, &Migration> = BTreeMap::new();
    let mut out = Vec::new();
    for m in migrations {
        let Some(k) = key(m) else { continue };
        match first.get(&k) {
            Some(earlier) => out.push(problem(
                m.files.first().map_or("", String::as_str),
                None,
                format!(
                    "{framework} {what} {k} is used by both `{}` and `{}`",
                    earlier.name, m.name
                ),
                help(earlier, m),
            )),
            None => {
                first.insert(k, m);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(parent("a/b/c"), "a/b");
        assert_eq!(parent("c"), "");
        assert_eq!(file_name("a/b/c"), "c");
        assert_eq!(join("", "x"), "x");
        assert_eq!(
            resolve("apps/api", "../../prisma/x").as_deref(),
            Some("prisma/x")
        );
        assert_eq!(resolve("apps/api", "../../../x"), None);
        assert_eq!(
            resolve("apps/api", "./prisma/../db/x").as_deref(),
            Some("apps/api/db/x")
        );
        assert_eq!(resolve("", "C:/x"), None);
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
