//! The config file as written: the serde types `.shipcheck.yml` is read
//! into (unknown keys refused), before [`super::Settings`] resolves them
//! into compiled globs and levels. The JSON Schema is generated from these.

use super::env;
use crate::finding::Level;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawConfig {
    pub(super) fail_on: Option<Threshold>,
    pub(super) release_fail_on: Option<Threshold>,
    pub(super) release_branches: Option<Vec<String>>,
    pub(super) max_file_size: Option<ByteSize>,
    pub(super) minified_line_length: Option<usize>,
    pub(super) paths: Option<RawPaths>,
    pub(super) production_code: Option<RawPaths>,
    pub(super) test_files: Option<Vec<String>>,
    pub(super) env: Option<env::RawEnv>,
    pub(super) secrets: Option<env::RawSecrets>,
    pub(super) migrations: Option<RawMigrations>,
    /// How the compose rules find the production compose file.
    pub(super) compose: Option<RawCompose>,
    /// Inputs a release branch may not pass without.
    pub(super) require: Option<Vec<Requirement>>,
    /// The pre-push hook (`shipcheck install-hook`).
    pub(super) hook: Option<RawHook>,
    /// The deployment checklist the pull request's report is laid out as
    /// (default: the built-in one `shipcheck init` writes).
    pub(super) checklist: Option<RawChecklist>,
    #[serde(default)]
    pub(super) rules: BTreeMap<String, RawRule>,
}

/// `checklist:` — the report's sections and items.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawChecklist {
    /// When the manual items must be ticked in the pull request's
    /// description (`checklist/unticked`): `never` (default), `release`
    /// (a pull request into a release branch) or `always`.
    pub(super) require_on: Option<RawRequireOn>,
    /// The sections, in order; without it, the built-in checklist's.
    pub(super) sections: Option<Vec<RawSection>>,
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) enum RawRequireOn {
    Never,
    Release,
    Always,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawSection {
    /// The section's heading.
    pub(super) section: String,
    pub(super) items: Vec<RawItem>,
}

/// An item: a plain string is a manual item (ticked by a person in the
/// pull request's description); a mapping names what checks it.
#[derive(Debug)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, serde(untagged))]
pub(super) enum RawItem {
    Manual(String),
    Backed(RawBackedItem),
}

/// By hand rather than `untagged`, so a bad mapping is reported by its key
/// (`unknown field `owner``) instead of "matched no variant".
impl<'de> Deserialize<'de> for RawItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ItemVisitor;
        impl<'de> Visitor<'de> for ItemVisitor {
            type Value = RawItem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an item's text (a manual item) or a mapping with `item:`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawItem, E> {
                Ok(RawItem::Manual(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawItem, A::Error> {
                RawBackedItem::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawItem::Backed)
            }
        }
        d.deserialize_any(ItemVisitor)
    }
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawBackedItem {
    /// The item's text, as the report shows it.
    pub(super) item: String,
    /// Backed by an area's status: `debug-code`, `todos`, `environment`,
    /// `secrets`, `stripe`, `migrations`, `security`, `infrastructure`,
    /// `scan`, `imported`.
    pub(super) area: Option<String>,
    /// Backed by these rules' findings (ids or `group/*`).
    pub(super) rules: Option<Vec<String>>,
    /// Backed by the head commit's other check runs whose names match
    /// these globs (case-insensitive), read with `--github`.
    pub(super) ci: Option<Vec<String>>,
    /// `true`: a manual item (the same as writing the item as a string).
    pub(super) manual: Option<bool>,
}

/// `hook:` — what the pre-push hook judges by.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawHook {
    /// The branch whose policy (fail-on, release-fail-on, require) a push
    /// is judged by; default: the remote's default branch, where the work
    /// will merge, so a push and the pull request's check agree.
    pub(super) policy_branch: Option<String>,
}

/// `require:` — an input whose absence blocks a release branch
/// (`scan/not-checked`) instead of leaving its area "not checked".
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub enum Requirement {
    /// A production environment (`.env.production`, `--env-file`,
    /// `--env-from-process`).
    ProductionEnv,
    /// An env template (`.env.example`).
    Template,
    /// `--database-url` for every migration set.
    Database,
}

/// `migrations:` — how each migration set's live status is read.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawMigrations {
    /// Migration set folder → the name of the environment variable holding
    /// its database's URL (a set whose database is not `--database-url`).
    pub(super) database_url_env: Option<BTreeMap<String, String>>,
    /// Migration set folders the live checks leave out.
    pub(super) not_live: Option<Vec<String>>,
}

/// `compose:` — which compose files are production.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawCompose {
    /// Compose files that deploy to production, besides those named
    /// `docker-compose.prod*.yml`/`compose.prod*.yaml` and those a deploy
    /// workflow or script runs with `-f` (each judged on its own).
    pub(super) production: Option<Vec<String>>,
}

/// How the live checks treat the migration sets.
#[derive(Debug, Default, Clone)]
pub struct MigrationSettings {
    /// Set folder → environment variable naming its own database URL.
    pub database_url_env: BTreeMap<String, String>,
    /// Set folders left out of the live checks.
    pub not_live: Vec<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) struct RawPaths {
    pub(super) include: Option<Vec<String>>,
    pub(super) exclude: Option<Vec<String>>,
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) enum Threshold {
    Notice,
    Warning,
    Error,
}

impl From<Threshold> for Level {
    fn from(t: Threshold) -> Level {
        match t {
            Threshold::Notice => Level::Notice,
            Threshold::Warning => Level::Warning,
            Threshold::Error => Level::Error,
        }
    }
}

#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub(super) enum RuleLevel {
    Off,
    Notice,
    Warning,
    Error,
}

impl RuleLevel {
    pub(super) fn resolve(self) -> Option<Level> {
        match self {
            RuleLevel::Off => None,
            RuleLevel::Notice => Some(Level::Notice),
            RuleLevel::Warning => Some(Level::Warning),
            RuleLevel::Error => Some(Level::Error),
        }
    }
}

/// Every per-rule option any rule accepts; [`Rule::options`] says which
/// apply to which rule, checked after parsing.
#[derive(Default, Debug)]
pub(super) struct RawRule {
    pub(super) level: Option<RuleLevel>,
    pub(super) allow: Option<Vec<String>>,
    pub(super) markers: Option<Vec<String>>,
    pub(super) issue_pattern: Option<String>,
}

impl RawRule {
    pub(super) fn options_set(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        if self.allow.is_some() {
            set.push("allow");
        }
        if self.markers.is_some() {
            set.push("markers");
        }
        if self.issue_pattern.is_some() {
            set.push("issue-pattern");
        }
        set
    }
}

/// A rule entry is either a level (`debug/print: warning`) or a map of options.
impl<'de> Deserialize<'de> for RawRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RuleVisitor;
        impl<'de> Visitor<'de> for RuleVisitor {
            type Value = RawRule;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a level (off, notice, warning, error) or a map of rule options")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawRule, E> {
                let level = RuleLevel::deserialize(de::value::StrDeserializer::<E>::new(v))?;
                Ok(RawRule {
                    level: Some(level),
                    ..RawRule::default()
                })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawRule, E> {
                // YAML 1.1 reads a bare `off` as false in some tools; accept it.
                if v {
                    Err(E::invalid_value(de::Unexpected::Bool(v), &self))
                } else {
                    Ok(RawRule {
                        level: Some(RuleLevel::Off),
                        ..RawRule::default()
                    })
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRule, A::Error> {
                RawRuleOptions::deserialize(de::value::MapAccessDeserializer::new(map)).map(|o| o.0)
            }
        }
        d.deserialize_any(RuleVisitor)
    }
}

/// The map form of a rule entry, deserialised with the derived impl.
struct RawRuleOptions(RawRule);
impl<'de> Deserialize<'de> for RawRuleOptions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        struct Options {
            level: Option<RuleLevel>,
            allow: Option<Vec<String>>,
            markers: Option<Vec<String>>,
            issue_pattern: Option<String>,
        }
        let o = Options::deserialize(d)?;
        Ok(RawRuleOptions(RawRule {
            level: o.level,
            allow: o.allow,
            markers: o.markers,
            issue_pattern: o.issue_pattern,
        }))
    }
}

/// `1048576`, `"1MiB"`, `"512KB"`, `"2M"`.
#[derive(Debug, Clone, Copy)]
pub(super) struct ByteSize(pub(super) u64);

#[cfg(test)]
impl schemars::JsonSchema for ByteSize {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ByteSize".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Bytes, or a size such as \"512KB\", \"1MiB\", \"2M\"",
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": "^\\s*[0-9]+\\s*([kKmMgG]?([iI]?[bB])?)?\\s*$"}
            ]
        })
    }
}

#[cfg(test)]
impl schemars::JsonSchema for RawRule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rule".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let level = generator.subschema_for::<RuleLevel>();
        schemars::json_schema!({
            "description": "A level, or a map of the rule's options (which options a rule takes: `shipcheck rules --format json`)",
            "anyOf": [
                level,
                {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "level": level,
                        "allow": {"type": "array", "items": {"type": "string"}, "description": "debug/console: console methods allowed in production"},
                        "markers": {"type": "array", "items": {"type": "string"}, "description": "todo/untracked: the comment markers"},
                        "issue-pattern": {"type": "string", "description": "todo/untracked: an extra regex that counts as an issue reference"}
                    }
                }
            ]
        })
    }
}

/// The JSON Schema of `.shipcheck.yml` (draft-07, as SchemaStore and
/// editors expect), generated from the config types; rule names limited to
/// the registry's ids. Committed as `docs/shipcheck.schema.json`.
#[cfg(test)]
pub(crate) fn json_schema(rule_ids: &[&str]) -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = serde_json::to_value(generator.into_root_schema_for::<RawConfig>())
        .expect("a schema is JSON");
    schema["title"] = "shipcheck configuration (.shipcheck.yml)".into();
    schema["properties"]["rules"]["propertyNames"] = serde_json::json!({"anyOf": [
        {"enum": rule_ids},
        {"pattern": "^import/(?:\\*|[A-Za-z0-9._-]+/(?:\\*|[A-Za-z0-9._-]+))$"},
    ]});
    schema
}
impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(ByteSize(n)),
            Raw::S(s) => parse_size(&s).map(ByteSize).ok_or_else(|| {
                de::Error::custom(format!("max-file-size: cannot read {s:?} as a size (use bytes or e.g. \"1MiB\", \"512KB\")"))
            }),
        }
    }
}

pub(super) fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        _ => return None,
    };
    n.checked_mul(mult)
}
