//! One fixture per rule (ruff's convention): `tests/rules/<group>-<name>.txtar`
//! is a small repository in one file, with the places where its rule must
//! fire and the decoys where it must not. Every registered rule has one;
//! every fixture is run through the real binary. Format: `tests/rules/README.md`.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use support::{git, run, shipcheck, write};

fn rules_dir() -> PathBuf {
    support::manifest().join("tests/rules")
}

/// The fixture file of a rule: its id with `-` for `/`, like its doc page.
fn stem(id: &str) -> String {
    id.replace('/', "-")
}

/// A txtar archive: the header (before the first `-- name --` line) and the
/// sections in order.
fn parse_txtar(text: &str) -> (Vec<&str>, Vec<(String, String)>) {
    let mut header = Vec::new();
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(name) = bare.strip_prefix("-- ").and_then(|r| r.strip_suffix(" --")) {
            sections.push((name.trim().to_string(), String::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push_str(line);
        } else {
            header.push(bare);
        }
    }
    (header, sections)
}

/// `path:line`, `path` (a file-level finding) or `-` (no place).
fn place(f: &Value) -> String {
    match (f["path"].as_str(), f["line"].as_u64()) {
        (Some(p), Some(l)) => format!("{p}:{l}"),
        (Some(p), None) => p.to_string(),
        _ => "-".to_string(),
    }
}

/// The places listed in an `expect` or `decoys` section, without `#`
/// comments; duplicates kept (two findings on one line are two entries).
fn places(body: &str) -> Vec<String> {
    body.lines()
        .map(|l| l.split(" #").next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

/// `place level` entries of an `expect` section: the level a finding at
/// that place must have (`error`, `warning`, `notice`), where one is given.
fn levels(body: &str) -> Vec<(String, String)> {
    body.lines()
        .map(|l| l.split(" #").next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?.to_string(), words.next()?.to_string()))
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `{{sha256:path}}` in SQL: the SHA-256 of that fixture file (Prisma's
/// checksum of a migration).
fn substitute(sql: &str, root: &Path) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while let Some(i) = rest.find("{{sha256:") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "{{sha256:".len()..];
        let end = after.find("}}").expect("closing }}");
        let bytes = std::fs::read(root.join(&after[..end])).expect("file to hash");
        out.push_str(&sha256_hex(&bytes));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn create_sqlite(path: &Path, sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let o: sqlx::sqlite::SqliteConnectOptions = format!("sqlite://{}?mode=rwc", path.display())
            .parse()
            .expect("sqlite url");
        let mut c = sqlx::ConnectOptions::connect(&o)
            .await
            .expect("create sqlite");
        sqlx::raw_sql(sql)
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        sqlx::Connection::close(c).await.expect("close");
    });
}

/// What one fixture asks for and what the run gave.
struct Outcome {
    expected: Vec<String>,
    /// (place, level) the expect section pins.
    levels: Vec<(String, String)>,
    /// (place, level) of this rule's findings.
    got_levels: Vec<(String, String)>,
    decoys: Vec<String>,
    got: Vec<String>,
    /// Any finding of any rule (`path:line` → rules), for the messages.
    all: BTreeMap<String, Vec<String>>,
}

/// Build the fixture's repository, run `shipcheck check --format json` on
/// it, and return the places of `rule`'s findings.
fn run_fixture(rule: &str, text: &str) -> Result<Outcome, String> {
    let (header, sections) = parse_txtar(text);
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("repo");
    let aside = tmp.path().join("aside");
    std::fs::create_dir_all(&root).expect("mkdir");
    std::fs::create_dir_all(&aside).expect("mkdir");
    let mut args: Vec<String> = Vec::new();
    let mut env: Vec<(String, String)> = Vec::new();
    let mut use_git = true;
    for line in header {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| format!("header line {line:?}: want `key: value`"))?;
        let value = value
            .trim()
            .replace("{aside}", &aside.display().to_string());
        match key.trim() {
            "args" => args.extend(value.split_whitespace().map(String::from)),
            "env" => {
                let (k, v) = value
                    .split_once('=')
                    .ok_or_else(|| format!("env {value:?}: want KEY=VALUE"))?;
                env.push((k.to_string(), v.to_string()));
            }
            "git" if value == "none" => use_git = false,
            other => return Err(format!("unknown header key {other:?}")),
        }
    }
    if use_git {
        git(&root, &["init", "-q", "-b", "main"]);
    }
    let commit = |message: &str| {
        git(&root, &["add", "-A"]);
        if !git(&root, &["status", "--porcelain"]).is_empty() {
            git(&root, &["commit", "-qm", message, "--allow-empty"]);
        }
    };
    let (mut expected, mut decoys, mut sql, mut pinned) = (None, None, None, Vec::new());
    for (name, body) in &sections {
        match name.split_once(' ').unwrap_or((name, "")) {
            ("expect", _) => {
                expected = Some(places(body));
                pinned = levels(body);
            }
            ("decoys", _) => decoys = Some(places(body)),
            ("@commit", _) => {
                if !use_git {
                    return Err("@commit in a fixture with `git: none`".into());
                }
                commit("base");
                git(&root, &["checkout", "-q", "-b", "feature"]);
            }
            ("@delete", path) => std::fs::remove_file(root.join(path.trim()))
                .map_err(|e| format!("@delete {path}: {e}"))?,
            ("@sqlite", _) => sql = Some(body.clone()),
            ("@event", _) => {
                let path = aside.join("event.json");
                std::fs::write(&path, body).expect("write event");
                env.push(("GITHUB_EVENT_PATH".into(), path.display().to_string()));
                if !env.iter().any(|(k, _)| k == "GITHUB_EVENT_NAME") {
                    env.push(("GITHUB_EVENT_NAME".into(), "pull_request".into()));
                }
            }
            ("@aside", path) => write(&aside, path.trim(), body),
            (path, "") if !path.starts_with('@') => write(&root, path, body),
            _ => return Err(format!("unknown section {name:?}")),
        }
    }
    if use_git {
        commit("change");
    }
    if let Some(sql) = sql {
        let db = aside.join("live.db");
        create_sqlite(&db, &substitute(&sql, &root));
        args.push("--database-url".into());
        args.push(format!("sqlite://{}", db.display()));
    }
    let mut cmd = shipcheck();
    cmd.current_dir(&root)
        .arg("check")
        .arg(".")
        .args(["--format", "json"])
        .args(&args)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_REPOSITORY")
        // Retries against a dead port in milliseconds, not seconds.
        .env("SHIPCHECK_GITHUB_BACKOFF_MS", "1");
    for (k, v) in &env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    if out.code != 0 && out.code != 1 {
        return Err(format!(
            "shipcheck exited {}: {}{}",
            out.code, out.stderr, out.stdout
        ));
    }
    let v: Value = serde_json::from_str(&out.stdout)
        .map_err(|e| format!("not JSON ({e}): {}\n{}", out.stdout, out.stderr))?;
    let findings = v["findings"].as_array().ok_or("no findings array")?;
    let mut all: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut got = Vec::new();
    let mut got_levels = Vec::new();
    for f in findings {
        let id = f["rule"].as_str().unwrap_or("?");
        all.entry(place(f)).or_default().push(id.to_string());
        if id == rule {
            got.push(place(f));
            got_levels.push((place(f), f["level"].as_str().unwrap_or("?").to_string()));
        }
    }
    let expected = expected.ok_or("no `-- expect --` section")?;
    let decoys = decoys.ok_or("no `-- decoys --` section")?;
    // A decoy must name a line that exists, or it tests nothing.
    for d in &decoys {
        let (file, line) = match d.rsplit_once(':') {
            Some((f, l)) => (f, l.parse::<usize>().map_err(|_| format!("decoy {d:?}"))?),
            None => (d.as_str(), 0),
        };
        let text =
            std::fs::read_to_string(root.join(file)).map_err(|e| format!("decoy {d}: {e}"))?;
        if line > text.lines().count() {
            return Err(format!("decoy {d}: the file has no such line"));
        }
    }
    Ok(Outcome {
        expected,
        levels: pinned,
        got_levels,
        decoys,
        got,
        all,
    })
}

#[test]
fn every_rule_fires_on_its_fixture_and_on_no_decoy() {
    // The fixtures run a few at a time: each is mostly waiting on git and
    // the binary.
    let rules = shipcheck::registry::all();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    let outcomes: Vec<(&str, Option<Result<Outcome, String>>)> = std::thread::scope(|s| {
        let handles: Vec<_> = rules
            .chunks(rules.len().div_ceil(workers))
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|rule| {
                            let path = rules_dir().join(format!("{}.txtar", stem(rule.id)));
                            let outcome = std::fs::read_to_string(&path)
                                .ok()
                                .map(|text| run_fixture(rule.id, &text));
                            (rule.id, outcome)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a fixture thread"))
            .collect()
    });
    let mut failures = Vec::new();
    let mut ran = 0;
    for (id, outcome) in outcomes {
        let rule = shipcheck::registry::rule(id);
        let Some(outcome) = outcome else {
            failures.push(format!(
                "{}: no fixture (write tests/rules/{}.txtar)",
                rule.id,
                stem(rule.id)
            ));
            continue;
        };
        let o = match outcome {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{}: {e}", rule.id));
                continue;
            }
        };
        ran += 1;
        if o.expected.is_empty() {
            failures.push(format!("{}: the fixture expects no finding", rule.id));
        }
        if o.decoys.is_empty() {
            failures.push(format!("{}: the fixture has no decoy", rule.id));
        }
        let (mut want, mut got) = (o.expected.clone(), o.got.clone());
        want.sort();
        got.sort();
        if want != got {
            let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
            let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
            failures.push(format!(
                "{}: expected {want:?}, reported {got:?} (missing {missing:?}, extra {extra:?}; every finding: {:?})",
                rule.id, o.all
            ));
        }
        for (at, level) in &o.levels {
            if !o.got_levels.iter().any(|(p, l)| p == at && l == level) {
                failures.push(format!(
                    "{}: {at} should be {level}; reported {:?}",
                    rule.id,
                    o.got_levels
                        .iter()
                        .filter(|(p, _)| p == at)
                        .collect::<Vec<_>>()
                ));
            }
        }
        for d in &o.decoys {
            if o.got.contains(d) {
                failures.push(format!("{}: decoy {d} was reported", rule.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(ran, shipcheck::registry::all().len());
}

#[test]
fn every_fixture_belongs_to_a_rule() {
    for entry in std::fs::read_dir(rules_dir()).expect("tests/rules") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem_) = name.strip_suffix(".txtar") else {
            continue;
        };
        assert!(
            shipcheck::registry::all()
                .iter()
                .any(|r| stem(r.id) == stem_),
            "tests/rules/{name} names no registered rule"
        );
    }
}

#[test]
fn txtar_sections_keep_their_bytes() {
    let (header, sections) =
        parse_txtar("args: --x\n-- a.ts --\nconsole.log(1)\n\n-- expect --\na.ts:1\n");
    assert_eq!(header, ["args: --x"]);
    assert_eq!(sections[0], ("a.ts".into(), "console.log(1)\n\n".into()));
    assert_eq!(places(&sections[1].1), ["a.ts:1"]);
    assert_eq!(places("a.ts:2 warning  # why\n"), ["a.ts:2"]);
    assert_eq!(
        levels("a.ts:2 warning  # why\na.ts:3\n"),
        [("a.ts:2".to_string(), "warning".to_string())]
    );
}
