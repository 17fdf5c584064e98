//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it
//! (reference/github.md §4). `rules[]` is the whole rule table, so an alert's
//! rule page exists even for rules that found nothing in this run; results
//! keep the report's order. Plain structs, so the output is byte-identical
//! across runs.

use super::{uri_path, Report};
use crate::finding::{Finding, Level};
use crate::rules::{Area, Rule};
use serde::Serialize;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The project's home, as the README's pre-commit snippet names it.
const INFORMATION_URI: &str = "https://github.com/shipcheck/shipcheck";
/// GitHub rejects `shortDescription`/`fullDescription` texts over this.
const MAX_DESCRIPTION_CHARS: usize = 1024;

/// Where a finding with no path is shown. Code scanning needs a file URI
/// and line on every result, but some findings are about the deployment,
/// not a file: a variable missing from the process environment, a secret
/// that only CI injects, git history the checkout lacks. They are pinned to
/// the file a reader would open to act on them: the env template
/// (`.env.example`, where variables are declared and documented) for the
/// environment, secret and Stripe areas, and the shipcheck config
/// (`.shipcheck.yml`, where levels, paths and the base ref are set) for the
/// rest. Neither has to exist for the upload to be accepted; the alert then
/// shows without a code snippet. Line 1, since no line is known.
fn placeless_uri(area: Area) -> &'static str {
    match area {
        Area::Environment | Area::Secrets | Area::Stripe => ".env.example",
        Area::DebugCode
        | Area::Todos
        | Area::Migrations
        | Area::Security
        | Area::Infrastructure
        | Area::Scan
        | Area::Imported
        | Area::Checklist => ".shipcheck.yml",
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    /// Finding columns count Unicode scalar values, not SARIF's default
    /// UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    /// What the run could not fully look at: files not fully checked by
    /// reason, and checklist areas not checked with why (a SARIF property
    /// bag: viewers ignore it, tools can read it).
    properties: RunProperties,
}

#[derive(Serialize)]
struct RunProperties {
    skipped: std::collections::BTreeMap<&'static str, usize>,
    #[serde(rename = "notChecked")]
    not_checked: std::collections::BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: Properties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties {
    tags: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

/// Our fingerprint under our own key, and as `primaryLocationLineHash`, the
/// one key GitHub reads: it already survives line shifts, and without it
/// `upload-sarif` would hash line 1 of the fallback file for every
/// place-less finding and merge distinct ones into one alert.
#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "primaryLocationLineHash")]
    primary_location_line_hash: &'a str,
    #[serde(rename = "shipcheck/v1")]
    shipcheck_v1: &'a str,
}

/// The rule table, and after it the rules of imported results (built at run
/// time, in no registry), each once, by id: every `ruleId` is in `rules[]`.
fn rules_of(report: &Report) -> Vec<&'static Rule> {
    let mut imported: Vec<&'static Rule> = report
        .findings
        .iter()
        .map(|f| f.rule)
        .filter(|r| r.area == Area::Imported)
        .collect();
    imported.sort_by_key(|r| r.id);
    imported.dedup_by_key(|r| r.id);
    report.rules.iter().copied().chain(imported).collect()
}

pub fn render(report: &Report) -> String {
    let rules = rules_of(report);
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "shipcheck",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().copied().map(rule).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: report.findings.iter().map(|f| result(f, &rules)).collect(),
            properties: RunProperties {
                skipped: report.skipped.counts(),
                not_checked: report
                    .area_states()
                    .into_iter()
                    .filter_map(|a| match a.status {
                        super::AreaStatus::NotChecked(why) => Some((a.area.slug(), why)),
                        _ => None,
                    })
                    .collect(),
            },
        }],
    };
    // Serialising plain structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn rule(r: &'static Rule) -> SarifRule {
    SarifRule {
        id: r.id,
        name: pascal_case(r.id),
        short_description: Text {
            text: clip(r.summary, MAX_DESCRIPTION_CHARS),
        },
        full_description: Text {
            text: clip(
                &plain_section(r.doc, "## What it flags"),
                MAX_DESCRIPTION_CHARS,
            ),
        },
        help: Help {
            text: r.doc,
            markdown: r.doc,
        },
        default_configuration: Configuration {
            level: r.default_level.map_or("none", sarif_level),
        },
        properties: Properties {
            tags: [r.id.split('/').next().unwrap_or(r.id)],
        },
    }
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Notice => "note",
    }
}

fn result<'a>(f: &'a Finding, rules: &[&Rule]) -> SarifResult<'a> {
    let uri = match &f.path {
        Some(path) => uri_path(path),
        None => placeless_uri(super::area_of(f)).to_string(),
    };
    let region = match &f.span {
        Some(s) => Region {
            start_line: s.line.max(1),
            start_column: Some(s.column.max(1)),
            end_line: Some(s.end_line.max(s.line).max(1)),
            end_column: Some(s.end_column.max(1)),
        },
        None => Region {
            start_line: 1,
            start_column: None,
            end_line: None,
            end_column: None,
        },
    };
    SarifResult {
        rule_id: f.rule.id,
        rule_index: rules.iter().position(|r| r.id == f.rule.id),
        level: sarif_level(f.level),
        message: Text { text: message(f) },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region,
            },
        }],
        partial_fingerprints: Fingerprints {
            primary_location_line_hash: &f.fingerprint,
            shipcheck_v1: &f.fingerprint,
        },
    }
}

/// The message, then the finding's own fix as a second sentence.
fn message(f: &Finding) -> String {
    if f.help.is_empty() {
        return f.message.clone();
    }
    let stop = if f.message.ends_with(['.', '!', '?']) {
        ""
    } else {
        "."
    };
    format!("{}{stop} Fix: {}", f.message, f.help)
}

/// `env/committed-env-file` → `EnvCommittedEnvFile`: SARIF's readable rule
/// name, distinct from the id.
fn pascal_case(id: &str) -> String {
    id.split(['/', '-'])
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// A doc section as plain text: hard-wrapped lines joined, list items and
/// paragraphs kept on lines of their own.
fn plain_section(doc: &str, heading: &str) -> String {
    let body = doc
        .split_once(heading)
        .map_or("", |(_, rest)| rest.split("\n## ").next().unwrap_or(""));
    let mut out = String::new();
    let mut blank = false;
    for line in body.lines().map(str::trim) {
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank {
                "\n\n"
            } else if line.starts_with("- ") {
                "\n"
            } else {
                " "
            });
        }
        blank = false;
        out.push_str(line);
    }
    out
}

/// At most `max` characters, cut at a word boundary with `…`.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > 0 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_report::{report, span, two_findings};
    use serde_json::Value;

    #[test]
    fn two_findings_golden() {
        let raw = render(&two_findings());
        assert!(raw.starts_with(&format!(
            "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": {{\n        \"driver\": {{\n          \"name\": \"shipcheck\",\n          \"version\": \"{}\",\n          \"informationUri\": \"{INFORMATION_URI}\",\n          \"rules\": [\n",
            env!("CARGO_PKG_VERSION")
        )), "{raw}");
        let v: Value = serde_json::from_str(&raw).unwrap();
        let run = &v["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        // The results as written (key order is struct order), re-indented
        // from where they sit in the document.
        let (_, results) = raw.split_once("      \"results\": ").unwrap();
        let (results, properties) = results.split_once(",\n      \"properties\": ").unwrap();
        assert!(properties.contains("\"binary\": 1"), "{properties}");
        // A rule's index moves when a rule is added before it: the
        // snapshot keeps the line, the assertion below its value.
        let results = results
            .lines()
            .map(|l| l.strip_prefix("      ").unwrap_or(l))
            .map(|l| match l.split_once("\"ruleIndex\": ") {
                Some((head, _)) => format!("{head}\"ruleIndex\": N,"),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        // Rule indexes point at the rules they name.
        for r in run["results"].as_array().unwrap() {
            let idx = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(crate::registry::all()[idx].id, r["ruleId"]);
        }
        insta::assert_snapshot!("sarif_two_findings_results", results);
        assert!(run["results"][0]["partialFingerprints"]["shipcheck/v1"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
    }

    #[test]
    fn rules_cover_the_whole_table_with_github_required_fields() {
        let v: Value = serde_json::from_str(&render(&two_findings())).unwrap();
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), crate::registry::all().len());
        for (r, table) in rules.iter().zip(crate::registry::all()) {
            assert_eq!(r["id"], table.id);
            assert_ne!(r["name"], table.id);
            for key in ["shortDescription", "fullDescription"] {
                let text = r[key]["text"].as_str().unwrap();
                assert!(
                    !text.is_empty() && text.chars().count() <= MAX_DESCRIPTION_CHARS,
                    "{} {key}",
                    table.id
                );
            }
            assert_eq!(r["shortDescription"]["text"], table.summary);
            assert!(!r["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .contains("##"));
            assert_eq!(r["help"]["text"], table.doc);
            assert_eq!(r["help"]["markdown"], table.doc);
            assert_eq!(
                r["properties"]["tags"][0],
                table.id.split('/').next().unwrap()
            );
        }
        let level = |id: &str| {
            let i = crate::registry::all()
                .iter()
                .position(|r| r.id == id)
                .unwrap();
            rules[i]["defaultConfiguration"]["level"].clone()
        };
        assert_eq!(level("debug/console"), "error");
        assert_eq!(level("todo/untracked"), "warning");
        assert_eq!(level("env/unused"), "note");
        assert_eq!(level("debug/print"), "none");
    }

    #[test]
    fn full_description_is_the_what_it_flags_section() {
        let r = crate::registry::rule("env/missing");
        let text = plain_section(r.doc, "## What it flags");
        assert!(text.starts_with("A variable declared in the template that is absent"));
        assert!(text.ends_with("says `optional`."), "{text}");
        assert!(!text.contains('\n'), "one paragraph, re-flowed: {text:?}");
        let lists = plain_section(
            "# x\n\n## What it flags\nEither:\n- one thing,\n  wrapped;\n- another.\n\nMore.\n\n## Why\nno",
            "## What it flags",
        );
        assert_eq!(lists, "Either:\n- one thing, wrapped;\n- another.\n\nMore.");
    }

    #[test]
    fn clip_cuts_on_a_word_boundary_within_the_limit() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("alpha beta gamma", 12), "alpha beta…");
        let long = "é".repeat(2000);
        let clipped = clip(&long, MAX_DESCRIPTION_CHARS);
        assert_eq!(clipped.chars().count(), MAX_DESCRIPTION_CHARS);
        assert!(clipped.ends_with('…'));
    }

    #[test]
    fn placeless_findings_get_a_file_and_line_one() {
        let pathless_env = Finding::new(
            crate::registry::rule("env/missing"),
            Level::Error,
            "API_URL is not set [production: process environment]",
            "set it in the deploy platform",
        );
        let pathless_scan = Finding::new(
            crate::registry::rule("scan/git-history"),
            Level::Warning,
            "migration checks against the base branch did not run",
            "fetch-depth: 0",
        );
        let mut lineless = Finding::new(
            crate::registry::rule("env/committed-env-file"),
            Level::Error,
            ".env.production is tracked",
            "git rm --cached .env.production",
        );
        lineless.path = Some(".env.production".into());
        let multiline = Finding::new(
            crate::registry::rule("debug/console"),
            Level::Error,
            "m",
            "h",
        )
        .at("my app/[id]/page.tsx", span(4, 3, 6, 2), "console.log(");
        let v: Value = serde_json::from_str(&render(&report(
            vec![pathless_env, pathless_scan, lineless, multiline],
            Level::Error,
            None,
        )))
        .unwrap();
        let got: Vec<(String, Value)> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let loc = &r["locations"][0]["physicalLocation"];
                (
                    loc["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                    loc["region"].clone(),
                )
            })
            .collect();
        let line1 = serde_json::json!({"startLine": 1});
        assert_eq!(
            got,
            [
                (".env.example".to_string(), line1.clone()),
                (".shipcheck.yml".to_string(), line1.clone()),
                (".env.production".to_string(), line1),
                (
                    "my%20app/%5Bid%5D/page.tsx".to_string(),
                    serde_json::json!({"startLine": 4, "startColumn": 3, "endLine": 6, "endColumn": 2})
                ),
            ]
        );
        for r in v["runs"][0]["results"].as_array().unwrap() {
            let fp = r["partialFingerprints"]["primaryLocationLineHash"].as_str();
            assert!(fp.is_some_and(|s| !s.is_empty()), "{r}");
        }
    }

    #[test]
    fn every_area_has_a_fallback_file() {
        for area in crate::report::areas() {
            let uri = placeless_uri(area);
            assert!(!uri.is_empty() && !uri.ends_with('/'), "{area:?}");
        }
    }

    #[test]
    fn names_and_levels() {
        assert_eq!(pascal_case("env/committed-env-file"), "EnvCommittedEnvFile");
        assert_eq!(pascal_case("debug/console"), "DebugConsole");
        assert_eq!(sarif_level(Level::Notice), "note");
    }

    #[test]
    fn output_is_byte_identical_across_runs_and_input_orders() {
        let a = two_findings();
        let mut reversed = two_findings().findings;
        reversed.reverse();
        let b = report(reversed, Level::Error, Some("feature/x"));
        assert_eq!(render(&a), render(&a));
        assert_eq!(render(&a), render(&b));
    }
}
