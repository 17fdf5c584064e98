//! Not a test of the suite: the real-app measurement of the migration lint
//! (`bench/migration_lint.py` runs it). Every migration of every raw-SQL set
//! and every Rails, Django and Alembic set
//! in the apps is judged as if it were a branch's only new migration: the
//! tables earlier migrations created exist, its own are new. One JSON line
//! per migration file on stdout.
//!
//! ```sh
//! SHIPCHECK_LINT_APPS=/tmp/shipcheck-apps cargo test --test migration_lint_corpus -- --ignored --nocapture
//! ```
#![allow(
    clippy::print_stdout,
    reason = "a measurement: its JSON lines on stdout are its output"
)]

use shipcheck::checks::migration_lint::{is_code_framework, is_sql_framework, lint_set};
use shipcheck::migrations::dialect::{self, Dialect};
use shipcheck::migrations::{discover, RepoFile};
use std::path::Path;
use std::process::Command;

fn tracked(app: &Path) -> Vec<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(app)
        .args(["ls-files", "-z"])
        .output()
        .expect("git runs");
    String::from_utf8_lossy(&out.stdout)
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

fn dialect_name(d: Option<Dialect>) -> &'static str {
    match d {
        Some(Dialect::PostgreSql) => "postgresql",
        Some(Dialect::MySql) => "mysql",
        Some(Dialect::Sqlite) => "sqlite",
        Some(Dialect::Other) => "other",
        None => "undecided",
    }
}

#[test]
#[ignore = "a measurement over a local corpus of real apps, not a test"]
fn judge_every_migration_of_the_corpus() {
    let Ok(root) = std::env::var("SHIPCHECK_LINT_APPS") else {
        return;
    };
    let mut apps: Vec<_> = std::env::split_paths(&root)
        .flat_map(|dir| std::fs::read_dir(dir).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.join(".git").exists())
        .collect();
    apps.sort();
    for app in apps {
        let name = app.file_name().unwrap().to_string_lossy().into_owned();
        let files: Vec<RepoFile> = tracked(&app)
            .into_iter()
            .filter(|rel| discover::is_relevant(rel))
            .filter_map(|rel| {
                let text = std::fs::read_to_string(app.join(&rel)).ok()?;
                Some(RepoFile { rel, text })
            })
            .collect();
        for set in discover::discover(&files) {
            if !is_sql_framework(set.framework) && !is_code_framework(set.framework) {
                continue;
            }
            let read = |p: &str| std::fs::read_to_string(app.join(p)).ok();
            let declared = dialect::declared(&set, &read);
            for m in &set.migrations {
                let Some(path) = m.files.first() else {
                    continue;
                };
                let Some(text) = read(path) else { continue };
                let lint = lint_set(set.framework, declared, &[(path.as_str(), text.as_str())]);
                let (statements, unparsed) = lint
                    .files
                    .first()
                    .map_or((0, Vec::new()), |(_, s, u)| (*s, u.clone()));
                let findings: Vec<_> = lint
                    .verdicts
                    .iter()
                    .map(|v| {
                        serde_json::json!({
                            "rule": v.rule.id,
                            "line": v.line,
                            "message": v.message,
                        })
                    })
                    .collect();
                let line = serde_json::json!({
                    "app": name,
                    "set": set.dir,
                    "framework": set.framework.name(),
                    "declared": declared.map(|d| dialect_name(Some(d))),
                    "dialect": dialect_name(lint.dialect),
                    "file": path,
                    "statements": statements,
                    "unparsed": unparsed,
                    "findings": findings,
                });
                println!("MLINT {line}");
            }
        }
    }
}
