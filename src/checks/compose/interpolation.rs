//! Compose's variable interpolation (`${VAR:-default}` and friends), and
//! the inline defaults a file writes.

use super::model::Vars;

/// An interpolated string, and whether a variable's value (rather than a
/// literal or an inline default) went into it.
#[derive(Debug, PartialEq)]
pub struct Interpolated {
    pub value: String,
    pub from_env: bool,
}

/// Compose's interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-d}`,
/// `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`, `${VAR:+a}`, `${VAR+a}`.
pub fn interpolate(s: &str, vars: &Vars) -> Interpolated {
    let mut value = String::new();
    let mut from_env = false;
    let mut rest = s;
    while let Some(at) = rest.find('$') {
        value.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(r) = after.strip_prefix('$') {
            value.push('$');
            rest = r;
        } else if let Some(r) = after.strip_prefix('{') {
            let Some(end) = closing_brace(r) else {
                value.push_str(&rest[at..]);
                rest = "";
                break;
            };
            let (inner, tail) = (&r[..end], &r[end + 1..]);
            let name_end = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let (name, op) = inner.split_at(name_end);
            let set = vars.get(name);
            let nonempty = set.filter(|v| !v.is_empty());
            let (text, env) = if let Some(d) = op.strip_prefix(":-") {
                nonempty.map_or_else(
                    || (interpolate(d, vars).value, false),
                    |v| (v.clone(), true),
                )
            } else if let Some(d) = op.strip_prefix('-') {
                set.map_or_else(
                    || (interpolate(d, vars).value, false),
                    |v| (v.clone(), true),
                )
            } else if let Some(a) = op.strip_prefix(":+") {
                (
                    nonempty.map_or(String::new(), |_| interpolate(a, vars).value),
                    false,
                )
            } else if let Some(a) = op.strip_prefix('+') {
                (
                    set.map_or(String::new(), |_| interpolate(a, vars).value),
                    false,
                )
            } else {
                (set.cloned().unwrap_or_default(), set.is_some())
            };
            value.push_str(&text);
            from_env |= env;
            rest = tail;
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if end == 0 {
                value.push('$');
            } else if let Some(v) = vars.get(&after[..end]) {
                value.push_str(v);
                from_env = true;
            }
            rest = &after[end..];
        }
    }
    value.push_str(rest);
    Interpolated { value, from_env }
}

/// Where the `}` closing a `${` opened before `s` is (nested `${}` in
/// defaults count).
fn closing_brace(s: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Every `${NAME:-default}` / `${NAME-default}` in `s`: (name, default).
pub fn inline_defaults(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(at) = rest.find("${") {
        let r = &rest[at + 2..];
        let Some(end) = closing_brace(r) else { break };
        let inner = &r[..end];
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let (name, op) = inner.split_at(name_end);
        if let Some(d) = op.strip_prefix(":-").or_else(|| op.strip_prefix('-')) {
            out.push((name, d));
        }
        rest = &r[end + 1..];
    }
    out
}
