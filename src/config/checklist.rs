//! `checklist:` resolved: the built-in checklist when the config has none,
//! each item's backing checked (one of `area`, `rules`, `ci`, manual).

use super::raw::{RawBackedItem, RawChecklist, RawConfig, RawItem, RawRequireOn};
use crate::checklist::{Backing, Checklist, Item, RequireOn, Section, DEFAULT_JSON};
use crate::rules::Area;

pub(super) fn resolve(raw: Option<RawChecklist>) -> Result<Checklist, String> {
    let raw = raw.unwrap_or_default();
    let require_on = match raw.require_on {
        None | Some(RawRequireOn::Never) => RequireOn::Never,
        Some(RawRequireOn::Release) => RequireOn::Release,
        Some(RawRequireOn::Always) => RequireOn::Always,
    };
    // The built-in list has no item twice (its YAML form, resolved as a
    // user's list in the tests, says so): normalising its items to look
    // was 3 % of a small app's run.
    let (sections, given) = match raw.sections {
        Some(s) => (s, true),
        None => (built_in()?, false),
    };
    let mut out = Checklist {
        sections: Vec::new(),
        require_on,
    };
    let mut seen = std::collections::BTreeSet::new();
    for s in sections {
        if s.section.trim().is_empty() {
            return Err("checklist: a section has an empty `section:` name".into());
        }
        let mut items = Vec::new();
        for raw_item in s.items {
            let item =
                item(raw_item).map_err(|e| format!("checklist section {:?}: {e}", s.section))?;
            if given && !seen.insert(crate::checklist::normalise(&item.text)) {
                return Err(format!(
                    "checklist: item {:?} is listed twice; a ticked box could not tell them apart",
                    item.text
                ));
            }
            items.push(item);
        }
        out.sections.push(Section {
            name: s.section,
            items,
        });
    }
    Ok(out)
}

/// The built-in sections (`DEFAULT_YAML`, what `shipcheck init` writes,
/// read from its JSON form `DEFAULT_JSON`).
fn built_in() -> Result<Vec<super::raw::RawSection>, String> {
    let raw: RawConfig =
        serde_json::from_str(DEFAULT_JSON).map_err(|e| format!("the built-in checklist: {e}"))?;
    Ok(raw.checklist.and_then(|c| c.sections).unwrap_or_default())
}

fn item(raw: RawItem) -> Result<Item, String> {
    let b = match raw {
        RawItem::Manual(text) => RawBackedItem {
            item: text,
            area: None,
            rules: None,
            ci: None,
            manual: Some(true),
        },
        RawItem::Backed(b) => b,
    };
    let text = b.item.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err("an item has no text".into());
    }
    let manual = b.manual == Some(true);
    let given = [b.area.is_some(), b.rules.is_some(), b.ci.is_some(), manual]
        .iter()
        .filter(|g| **g)
        .count();
    if given != 1 {
        return Err(format!(
            "item {text:?} needs exactly one of `area:`, `rules:`, `ci:` or `manual: true` (a plain string is a manual item)"
        ));
    }
    let list = |v: Vec<String>, what: &str| {
        if v.is_empty() || v.iter().any(|s| s.trim().is_empty()) {
            Err(format!(
                "item {text:?}: `{what}:` needs at least one non-empty name"
            ))
        } else {
            Ok(v)
        }
    };
    let backing = if let Some(a) = b.area {
        Backing::Area(Area::from_slug(&a).ok_or_else(|| {
            let known: Vec<&str> = Area::ALL.iter().map(|a| a.slug()).collect();
            format!(
                "item {text:?}: unknown area `{a}` (one of {}, imported)",
                known.join(", ")
            )
        })?)
    } else if let Some(r) = b.rules {
        Backing::Rules(list(r, "rules")?)
    } else if let Some(c) = b.ci {
        let c = list(c, "ci")?;
        for p in &c {
            globset::Glob::new(p)
                .map_err(|e| format!("item {text:?}: bad `ci:` pattern {p:?}: {e}"))?;
        }
        Backing::Ci(c)
    } else {
        Backing::Manual
    };
    Ok(Item { text, backing })
}

#[cfg(test)]
mod tests {
    use crate::checklist::{DEFAULT_JSON, DEFAULT_YAML};

    /// The JSON a run reads is the YAML `shipcheck init` writes, and both
    /// resolve to the same checklist.
    #[test]
    fn default_checklist_json_is_the_yaml() {
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(DEFAULT_YAML).unwrap();
        let want = serde_json::to_value(&yaml).unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/checklist/default.json");
        if std::env::var_os("SHIPCHECK_BLESS").is_some() {
            let text = serde_json::to_string_pretty(&want).unwrap() + "\n";
            std::fs::write(path, text).unwrap();
            return;
        }
        let have: serde_json::Value = serde_json::from_str(DEFAULT_JSON).unwrap();
        assert_eq!(
            have, want,
            "src/checklist/default.json differs from default.yml: run `SHIPCHECK_BLESS=1 cargo test --lib default_checklist`"
        );
        // Resolved as a user's list: no item twice.
        let from_yaml: super::RawConfig = serde_yaml_ng::from_str(DEFAULT_YAML).unwrap();
        assert!(from_yaml
            .checklist
            .as_ref()
            .is_some_and(|c| c.sections.is_some()));
        let from_yaml = super::resolve(from_yaml.checklist).unwrap();
        let from_json = super::resolve(None).unwrap();
        assert_eq!(from_json.sections, from_yaml.sections);
        assert!(!from_json.sections.is_empty());
    }
}
