//! Reading SARIF 2.1.0 (OASIS, `reference/schemas/sarif-schema-2.1.0.json`)
//! into plain results. Pure: text in, results or one error naming the JSON
//! path out. Only what a finding needs is read; everything else is ignored.

use serde_json::Value;

/// How a SARIF result's level maps; `none` results are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SarifLevel {
    Error,
    Warning,
    Note,
    None,
}

impl SarifLevel {
    fn parse(s: &str) -> Option<SarifLevel> {
        match s {
            "error" => Some(SarifLevel::Error),
            "warning" => Some(SarifLevel::Warning),
            "note" => Some(SarifLevel::Note),
            "none" => Some(SarifLevel::None),
            _ => None,
        }
    }
}

/// One result, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SarifResult {
    /// `runs[].tool.driver.name`, as written.
    pub tool: String,
    pub rule_id: String,
    pub level: SarifLevel,
    pub message: String,
    /// The rule's `help.text` or `shortDescription.text`, when it has one.
    pub rule_help: Option<String>,
    /// `artifactLocation.uri`, percent-decoded, with its `uriBaseId`'s
    /// base (from `originalUriBaseIds`) joined in front when it has one.
    pub uri: Option<String>,
    pub region: Option<Region>,
}

/// 1-based; `end_*` default as SARIF says (the start line; the start column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// A malformed document: where (`runs[0].results[3].message`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SarifError {
    pub path: String,
    pub problem: String,
}

impl std::fmt::Display for SarifError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

fn err(path: impl Into<String>, problem: impl Into<String>) -> SarifError {
    SarifError {
        path: path.into(),
        problem: problem.into(),
    }
}

/// Every result of every run in `text`, in document order.
pub fn parse(text: &str) -> Result<Vec<SarifResult>, SarifError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| err("", format!("not JSON: {e}")))?;
    let Some(obj) = doc.as_object() else {
        return Err(err(
            "",
            "not a SARIF log: the document is not a JSON object",
        ));
    };
    match obj.get("version") {
        Some(Value::String(v)) if v == "2.1.0" => {}
        Some(v) => return Err(err("version", format!("{v} is not \"2.1.0\""))),
        None => return Err(err("version", "missing")),
    }
    let runs = match obj.get("runs") {
        Some(Value::Array(runs)) => runs,
        Some(_) => return Err(err("runs", "not an array")),
        None => return Err(err("runs", "missing")),
    };
    let mut out = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        read_run(run, &format!("runs[{i}]"), &mut out)?;
    }
    Ok(out)
}

fn read_run(run: &Value, at: &str, out: &mut Vec<SarifResult>) -> Result<(), SarifError> {
    let driver = &run["tool"]["driver"];
    let tool = driver["name"]
        .as_str()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| err(format!("{at}.tool.driver.name"), "missing"))?;
    // Rules of the driver and of any extension (CodeQL packs), by id.
    let mut rules: Vec<&Value> = as_array(&driver["rules"]).iter().collect();
    for ext in as_array(&run["tool"]["extensions"]) {
        rules.extend(as_array(&ext["rules"]));
    }
    let results = match &run["results"] {
        Value::Null => return Ok(()),
        Value::Array(r) => r,
        _ => return Err(err(format!("{at}.results"), "not an array")),
    };
    for (j, result) in results.iter().enumerate() {
        let at = format!("{at}.results[{j}]");
        let rule = rule_of(result, driver, &rules);
        let rule_id = result["ruleId"]
            .as_str()
            .or_else(|| result["rule"]["id"].as_str())
            .or_else(|| rule.and_then(|r| r["id"].as_str()))
            .unwrap_or("unknown")
            .to_string();
        let level = level_of(result, rule, &at)?;
        let message = message_of(result, rule, driver, &at)?;
        let rule_help = rule.and_then(|r| {
            r["help"]["text"]
                .as_str()
                .or_else(|| r["shortDescription"]["text"].as_str())
                .map(str::to_string)
        });
        let location = &result["locations"][0]["physicalLocation"];
        let uri = artifact_uri(&location["artifactLocation"], run);
        let region = region_of(
            &location["region"],
            &format!("{at}.locations[0].physicalLocation.region"),
        )?;
        out.push(SarifResult {
            tool: tool.to_string(),
            rule_id,
            level,
            message,
            rule_help,
            uri,
            region,
        });
    }
    Ok(())
}

fn as_array(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// The result's rule: by `ruleIndex` into the driver's rules, else by id.
fn rule_of<'a>(result: &Value, driver: &'a Value, rules: &[&'a Value]) -> Option<&'a Value> {
    let index = result["ruleIndex"]
        .as_u64()
        .or_else(|| result["rule"]["index"].as_u64());
    if let Some(r) = index.and_then(|i| driver["rules"].get(i as usize)) {
        return Some(r);
    }
    let id = result["ruleId"]
        .as_str()
        .or_else(|| result["rule"]["id"].as_str())?;
    rules.iter().copied().find(|r| r["id"].as_str() == Some(id))
}

/// `level`, else (SARIF §3.27.10) `none` for a `kind` other than `fail`,
/// else the rule's `defaultConfiguration.level`, else `warning`.
fn level_of(result: &Value, rule: Option<&Value>, at: &str) -> Result<SarifLevel, SarifError> {
    if let Some(l) = result.get("level") {
        return l.as_str().and_then(SarifLevel::parse).ok_or_else(|| {
            err(
                format!("{at}.level"),
                format!("{l} is not error, warning, note or none"),
            )
        });
    }
    if result["kind"].as_str().is_some_and(|k| k != "fail") {
        return Ok(SarifLevel::None);
    }
    Ok(rule
        .and_then(|r| r["defaultConfiguration"]["level"].as_str())
        .and_then(SarifLevel::parse)
        .unwrap_or(SarifLevel::Warning))
}

/// `message.text`, else the rule's (or the driver's global) message string
/// `message.id`, with `{0}`… replaced by `message.arguments`.
fn message_of(
    result: &Value,
    rule: Option<&Value>,
    driver: &Value,
    at: &str,
) -> Result<String, SarifError> {
    let message = match result.get("message") {
        Some(m) if m.is_object() => m,
        Some(_) => return Err(err(format!("{at}.message"), "not an object")),
        None => return Err(err(format!("{at}.message"), "missing")),
    };
    let template = match (message["text"].as_str(), message["id"].as_str()) {
        (Some(text), _) => text.to_string(),
        (None, Some(id)) => rule
            .and_then(|r| r["messageStrings"][id]["text"].as_str())
            .or_else(|| driver["globalMessageStrings"][id]["text"].as_str())
            .ok_or_else(|| {
                err(
                    format!("{at}.message.id"),
                    format!("no message string `{id}` in the rule or the driver"),
                )
            })?
            .to_string(),
        (None, None) => return Err(err(format!("{at}.message"), "has neither `text` nor `id`")),
    };
    let mut text = template;
    for (n, arg) in as_array(&message["arguments"]).iter().enumerate() {
        if let Some(arg) = arg.as_str() {
            text = text.replace(&format!("{{{n}}}"), arg);
        }
    }
    Ok(text)
}

/// The artifact's URI, its `uriBaseId` resolved through the run's
/// `originalUriBaseIds` when that names a base; percent-decoded.
fn artifact_uri(artifact: &Value, run: &Value) -> Option<String> {
    let uri = artifact["uri"].as_str()?;
    let base = artifact["uriBaseId"]
        .as_str()
        .and_then(|id| run["originalUriBaseIds"][id]["uri"].as_str());
    let joined = match base {
        Some(base) if !has_scheme(uri) && !uri.starts_with('/') => {
            format!("{}/{uri}", base.trim_end_matches('/'))
        }
        _ => uri.to_string(),
    };
    Some(crate::redact::percent_decode(&joined))
}

/// `file:`, `https:`…, but not a Windows drive letter (`C:`).
pub fn has_scheme(uri: &str) -> bool {
    uri.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

fn region_of(region: &Value, at: &str) -> Result<Option<Region>, SarifError> {
    if region.is_null() {
        return Ok(None);
    }
    let number = |key: &str| -> Result<Option<u32>, SarifError> {
        match &region[key] {
            Value::Null => Ok(None),
            v => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n >= 1)
                .map(Some)
                .ok_or_else(|| {
                    err(
                        format!("{at}.{key}"),
                        format!("{v} is not a positive line or column"),
                    )
                }),
        }
    };
    // A region given by byte offsets only has no line to show.
    let Some(start_line) = number("startLine")? else {
        return Ok(None);
    };
    let start_column = number("startColumn")?.unwrap_or(1);
    let end_line = number("endLine")?.unwrap_or(start_line).max(start_line);
    let end_column = number("endColumn")?.unwrap_or(start_column);
    Ok(Some(Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }))
}
