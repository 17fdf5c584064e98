//! action.yml itself: the cache wiring, and every input the scripts read
//! passed to them.

use crate::support::manifest;

fn action_yml() -> serde_yaml_ng::Value {
    serde_yaml_ng::from_str(&std::fs::read_to_string(manifest().join("action.yml")).unwrap())
        .unwrap()
}

fn steps(action: &serde_yaml_ng::Value) -> Vec<serde_yaml_ng::Value> {
    action["runs"]["steps"].as_sequence().unwrap().clone()
}

fn step_index(
    steps: &[serde_yaml_ng::Value],
    pred: impl Fn(&serde_yaml_ng::Value) -> bool,
) -> usize {
    steps.iter().position(pred).expect("the step exists")
}

#[test]
fn action_yml_caches_the_source_build_by_the_planned_key_before_the_check_runs() {
    let action = action_yml();
    let steps = steps(&action);
    let uses = |s: &serde_yaml_ng::Value, name: &str| s["uses"].as_str() == Some(name);
    let restore = step_index(&steps, |s| uses(s, "actions/cache/restore@v4"));
    let install = step_index(&steps, |s| s["id"].as_str() == Some("install"));
    let save = step_index(&steps, |s| uses(s, "actions/cache/save@v4"));
    let run = step_index(&steps, |s| s["id"].as_str() == Some("run"));
    // Saved right after the build, before the check: a blocked check (exit 1)
    // cannot skip it.
    assert!(restore < install && install < save && save < run);
    for i in [restore, save] {
        let with = &steps[i]["with"];
        assert_eq!(
            with["key"].as_str(),
            Some("${{ steps.plan.outputs.cache-key }}")
        );
        assert_eq!(
            with["path"].as_str(),
            Some("${{ steps.plan.outputs.cache-path }}")
        );
        // An inexact restore would hand install.sh another source's binary.
        assert!(with.get("restore-keys").is_none());
    }
    assert_eq!(
        action["inputs"]["new-only"]["default"].as_str(),
        Some("auto")
    );
    assert!(action["inputs"]["upload-sarif"]["description"]
        .as_str()
        .unwrap()
        .contains("security-events: write"));
}

/// Every INPUT_* variable a script reads is set, in each step that runs the
/// script, from the input of that name; and every input is used.
#[test]
fn action_yml_passes_every_input_the_scripts_read() {
    let action = action_yml();
    let inputs: Vec<String> = action["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    let input_of = |var: &str| {
        inputs
            .iter()
            .find(|i| format!("INPUT_{}", i.to_uppercase().replace('-', "_")) == var)
            .unwrap_or_else(|| panic!("{var} is read but no input has that name"))
            .clone()
    };
    let reads = regex::Regex::new(r"INPUT_[A-Z_]+").unwrap();
    for script in ["action/install.sh", "action/run.sh"] {
        let text = std::fs::read_to_string(manifest().join(script)).unwrap();
        let runners: Vec<serde_yaml_ng::Value> = steps(&action)
            .into_iter()
            .filter(|s| s["run"].as_str().is_some_and(|r| r.contains(script)))
            .collect();
        assert!(!runners.is_empty(), "no step runs {script}");
        for step in &runners {
            for m in reads.find_iter(&text) {
                assert_eq!(
                    step["env"][m.as_str()].as_str(),
                    Some(format!("${{{{ inputs.{} }}}}", input_of(m.as_str())).as_str()),
                    "the step {:?} runs {script}, which reads {}",
                    step["name"],
                    m.as_str()
                );
            }
        }
    }
    let yml = std::fs::read_to_string(manifest().join("action.yml")).unwrap();
    for input in &inputs {
        assert!(
            yml.contains(&format!("inputs.{input} }}}}")),
            "input {input} is never used"
        );
    }
}

/// action/VERSION is this crate's version: the release itself, or `-dev`
/// of it on a commit that is not a release.
#[test]
fn action_version_is_the_crate_version_or_its_dev() {
    let committed = std::fs::read_to_string(manifest().join("action/VERSION")).unwrap();
    let crate_version = env!("CARGO_PKG_VERSION");
    let committed = committed.trim();
    assert!(
        committed == crate_version || committed == format!("{crate_version}-dev"),
        "action/VERSION says {committed}, Cargo.toml {crate_version}"
    );
}
