//! The module graph has no cycle (issue 11): a stage never imports a later
//! one, so the pipeline stays one-way and a leaf (`date`, `redact`,
//! `finding`, `rules`) can be understood on its own. Checked on the
//! top-level modules of `src/`, from their `crate::…` paths outside tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `src/` outside test directories: its path
/// relative to `src/` (with `/`) and its code before a `mod tests` block.
fn library_sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "tests") {
                    stack.push(path);
                }
                continue;
            }
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !rel.ends_with(".rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap()
                .to_string();
            out.push((rel, code));
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let path_re = regex::Regex::new(r"crate::(\w+)").unwrap();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, code) in library_sources() {
        let rel = rel.strip_suffix(".rs").unwrap_or(&rel);
        let module = rel.split('/').next().unwrap().to_string();
        // The binary, the crate root and the fuzzing harness sit above
        // every stage; test-only files are not part of the graph.
        if ["main", "lib", "fuzzing"].contains(&module.as_str())
            || rel.ends_with("tests")
            || rel.contains("test_")
        {
            continue;
        }
        let deps = edges.entry(module.clone()).or_default();
        for c in path_re.captures_iter(&code) {
            if c[1] != module {
                deps.insert(c[1].to_string());
            }
        }
    }
    edges
}

/// Modules reachable from `from`.
fn reach(edges: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for d in edges.get(&m).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let edges = graph();
    assert!(
        edges.len() > 15,
        "only {} modules found: is the scan broken?",
        edges.len()
    );
    let cycles: Vec<String> = edges
        .keys()
        .filter(|m| reach(&edges, m).contains(*m))
        .map(|m| format!("{m} -> {:?}", edges[m]))
        .collect();
    assert!(cycles.is_empty(), "import cycles through: {cycles:#?}");
    // The leaves stay leaves.
    for leaf in ["date", "input_file", "secret_strength"] {
        assert!(
            edges.get(leaf).is_none_or(BTreeSet::is_empty),
            "{leaf} imports {:?}",
            edges[leaf]
        );
    }
}

/// The process environment is read once, in `run_context.rs` (called by
/// `main`), so no stage can see a different environment than another; only
/// the two test knobs are read where they act.
#[test]
fn the_library_reads_the_environment_only_through_the_run_context() {
    let read = regex::Regex::new(r"std::env::(var|var_os|vars|vars_os)\(").unwrap();
    let mut offenders = Vec::new();
    for (rel, code) in library_sources() {
        if ["main.rs", "run_context.rs"].contains(&rel.as_str()) || rel.contains("tests") {
            continue;
        }
        for (n, line) in code.lines().enumerate() {
            let knob = line.contains("SHIPCHECK_TEST_PANIC_ON")
                || line.contains("SHIPCHECK_GITHUB_BACKOFF_MS");
            if read.is_match(line) && !knob {
                offenders.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "read the RunContext instead:\n{}",
        offenders.join("\n")
    );
}
