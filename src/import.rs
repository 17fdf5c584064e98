//! `--import FILE`: other tools' SARIF results as findings of
//! `import/<tool>/<rule>`, under the same policy and in every format.
//!
//! Findings carry `&'static Rule`, and an imported id is known only once the
//! file is read. Each distinct imported id gets one `Rule` value, interned
//! (leaked once per id per process, so a process that checks many commits
//! does not grow), in the area [`Area::Imported`]. Nothing else in the
//! pipeline learns that a rule is foreign: fingerprints, baselines,
//! suppressions, `--new-only` and the renderers treat it like any other.

pub mod sarif;

use crate::config::Settings;
use crate::finding::{Finding, Level, Span};
use crate::rules::{Area, Judged, Rule};
use sarif::{SarifLevel, SarifResult};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Largest SARIF file read (CodeQL's logs run to tens of MiB).
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The findings of every imported file, in file order. A file that cannot be
/// read or is not valid SARIF 2.1.0 is an error naming it and the JSON path.
pub fn findings(
    files: &[PathBuf],
    root: &Path,
    tree: &crate::workspace::tree::Tree,
    settings: &Settings,
) -> anyhow::Result<Vec<Finding>> {
    let mut out = Vec::new();
    for file in files {
        let what = format!("--import {}", file.display());
        let bytes = crate::input_file::read(file, &what, MAX_BYTES)?;
        let text = String::from_utf8_lossy(&bytes);
        let results =
            sarif::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        for r in results {
            if let Some(f) = finding(r, root, tree, settings) {
                out.push(f);
            }
        }
    }
    Ok(out)
}

/// The native rules whose finding is a committed secret at its place: a
/// secret scanner's result at the same place is the same secret. For other
/// rules two tools at one place may mean two problems (checkov's missing
/// HEALTHCHECK and `docker/root-user` both sit on a Dockerfile's first
/// line), so both are reported.
const SECRET_AT_PLACE: &[&str] = &[
    "stripe/live-key-in-repo",
    "stripe/test-key-in-repo",
    "secret/provider-key-in-repo",
    "env/committed-env-file",
];

/// The imported findings that are not a native finding again: an imported
/// result on the same secret as a native finding (same file, overlapping
/// span — gitleaks and `stripe/live-key-in-repo` on one key) is reported
/// once, as the native finding, whose message names the tool and its rule.
pub fn without_duplicates(native: &mut [Finding], imported: Vec<Finding>) -> Vec<Finding> {
    let mut kept = Vec::new();
    for f in imported {
        let same = f
            .path
            .as_ref()
            .zip(f.span.as_ref())
            .and_then(|(path, span)| {
                native.iter_mut().find(|n| {
                    SECRET_AT_PLACE.contains(&n.rule.id)
                        && n.path.as_ref() == Some(path)
                        && n.span.as_ref().is_some_and(|s| overlap(s, span))
                })
            });
        match same {
            Some(n) => {
                let mut parts = f.rule.id.splitn(3, '/').skip(1);
                let (tool, rule) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                n.message
                    .push_str(&format!(" (also reported by {tool} as `{rule}`)"));
            }
            None => kept.push(f),
        }
    }
    kept
}

/// Do two spans share a character? Lines first, then columns on a shared
/// single line (an end column before the start means "to the start").
fn overlap(a: &crate::finding::Span, b: &crate::finding::Span) -> bool {
    let lines = a.line <= b.end_line.max(b.line) && b.line <= a.end_line.max(a.line);
    if !lines {
        return false;
    }
    let single = a.line == a.end_line && b.line == b.end_line && a.line == b.line;
    if !single {
        return true;
    }
    let (a0, a1) = (a.column, a.end_column.max(a.column));
    let (b0, b1) = (b.column, b.end_column.max(b.column));
    a0 <= b1 && b0 <= a1
}

/// `import/<tool>/<rule>`: the tool lower-cased, each part reduced to the
/// characters rule ids allow (others become `-`), so config and
/// suppressions can name it.
pub fn rule_id(tool: &str, rule: &str) -> String {
    let part = |s: &str, lower: bool| -> String {
        let s = s.trim();
        let s = if lower {
            s.to_lowercase()
        } else {
            s.to_string()
        };
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("import/{}/{}", part(tool, true), part(rule, false))
}

/// The one `Rule` value for an imported id.
fn interned(id: String, tool: &str) -> &'static Rule {
    static RULES: Mutex<BTreeMap<String, &'static Rule>> = Mutex::new(BTreeMap::new());
    let mut rules = RULES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(rule) = rules.get(&id) {
        return rule;
    }
    let summary: &'static str =
        Box::leak(format!("a result of {tool}, read with --import").into_boxed_str());
    // SARIF's rule metadata shows the doc: say where the rule comes from.
    let doc: &'static str = Box::leak(
        format!(
            "## What it flags\n\nWhat {tool} reports as `{id}`, read from its SARIF output with `--import`.\n\n## How to fix\n\nSee {tool}'s documentation for the rule.\n"
        )
        .into_boxed_str(),
    );
    let id_static: &'static str = Box::leak(id.clone().into_boxed_str());
    let rule: &'static Rule = Box::leak(Box::new(Rule {
        id: id_static,
        // Each result carries its own level; this is what SARIF's rule
        // metadata shows.
        default_level: Some(Level::Warning),
        area: Area::Imported,
        summary,
        options: &[],
        judged: Judged::Lines,
        doc,
        module: module_path!(),
    }));
    rules.insert(id, rule);
    rule
}

fn finding(
    r: SarifResult,
    root: &Path,
    tree: &crate::workspace::tree::Tree,
    settings: &Settings,
) -> Option<Finding> {
    let level = match r.level {
        SarifLevel::Error => Level::Error,
        SarifLevel::Warning => Level::Warning,
        SarifLevel::Note => Level::Notice,
        SarifLevel::None => return None,
    };
    let rule = interned(rule_id(&r.tool, &r.rule_id), &r.tool);
    // `rules:` in the config wins: the exact id, else the tool's
    // `import/<tool>/*`, else `import/*`.
    let tool_wildcard = rule
        .id
        .rsplit_once('/')
        .map_or_else(String::new, |(tool, _)| format!("{tool}/*"));
    let configured = [rule.id, tool_wildcard.as_str(), "import/*"]
        .into_iter()
        .find_map(|id| settings.level_override(id));
    let level = match configured {
        Some(level) => level?,
        None => level,
    };
    let help = match &r.rule_help {
        Some(h) => format!(
            "{} (from {}; see its documentation for {})",
            first_line(h),
            r.tool,
            r.rule_id
        ),
        None => format!("see {}'s documentation for {}", r.tool, r.rule_id),
    };
    let place = r.uri.as_deref().map(|uri| relative_path(uri, root));
    let mut message = r.message;
    let path = match place {
        Some(Ok(rel)) => Some(rel),
        Some(Err(outside)) => {
            message = format!("{message} (in {outside}, outside the repository)");
            None
        }
        None => None,
    };
    let mut f = Finding::new(rule, level, message, help);
    match (path, r.region) {
        (Some(path), Some(region)) => {
            let span = Span {
                line: region.start_line,
                column: region.start_column,
                end_line: region.end_line,
                end_column: region.end_column,
            };
            let line = tree
                .read(&path)
                .ok()
                .and_then(|bytes| {
                    String::from_utf8_lossy(&bytes)
                        .lines()
                        .nth(region.start_line as usize - 1)
                        .map(str::to_string)
                })
                .unwrap_or_default();
            f = f.at(&path, span, &line);
            if line.is_empty() {
                f.source_line = None;
            }
        }
        (Some(path), None) => f.path = Some(path),
        _ => {}
    }
    Some(f)
}

fn first_line(s: &str) -> &str {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// The repo-relative `/` path of a result's URI, or the path as given when
/// it lies outside the repository. Relative URIs are taken as relative to
/// the root (where the tool ran, as `%SRCROOT%` means).
fn relative_path(uri: &str, root: &Path) -> Result<String, String> {
    let path = match uri.strip_prefix("file://") {
        // `file:///abs`, `file://localhost/abs`.
        Some(rest) => rest.strip_prefix("localhost").unwrap_or(rest).to_string(),
        None => uri.strip_prefix("file:").unwrap_or(uri).to_string(),
    };
    // `/C:/x` in a Windows file URI.
    let path = match path.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() => path[1..].to_string(),
        _ => path,
    };
    let p = Path::new(&path);
    if !p.is_absolute() {
        if sarif::has_scheme(&path) || path.split('/').any(|s| s == "..") {
            return Err(uri.to_string());
        }
        return Ok(path.trim_start_matches("./").to_string());
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    for base in [&canonical_root, &root.to_path_buf()] {
        for candidate in [&canonical, &p.to_path_buf()] {
            if let Ok(rel) = candidate.strip_prefix(base) {
                return Ok(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Err(path)
}

#[cfg(test)]
mod tests;
