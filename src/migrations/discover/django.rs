//! Django: `<app>/migrations/<name>.py` holding `class Migration(…)`
//! (`__init__.py` and `_`/`~`-prefixed modules excluded). Order is the
//! graph of `dependencies`, `run_before` and squashes' `replaces`; an app
//! with more than one leaf has conflicting migrations.

use super::files::{file_name, join, parent, Repo};
use super::problems::problem;
use super::text::{blanks, bracketed, lines};
use crate::migrations::{Framework, LayoutProblem, Migration, MigrationSet};
use std::collections::{BTreeMap, BTreeSet};

/// Does a line of `text` start `class Migration(` (blanks of the line
/// between the words and before `(`), as `(?m)^class[ \t]+Migration[ \t]*\(`
/// matches (`CLASS` in the tests, which hold the two equal)? By hand: the
/// regex was compiled in every Django app's run.
fn declares_migration(text: &str) -> bool {
    let blanks = |b: &[u8]| b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
    memchr::memmem::find_iter(text.as_bytes(), "class").any(|at| {
        if at > 0 && text.as_bytes()[at - 1] != b'\n' {
            return false;
        }
        let rest = &text.as_bytes()[at + "class".len()..];
        let gap = blanks(rest);
        let Some(after) = rest[gap..].strip_prefix(b"Migration") else {
            return false;
        };
        gap > 0 && after.get(blanks(after)) == Some(&b'(')
    })
}

/// `dependencies = [`, `replaces: list[…] = (`, `run_before = [` at a
/// line's start (after blanks): the word and the offset of its bracket,
/// each line in order. By hand: the pattern this was (`LIST` in the
/// tests, which hold the two equal) compiled in a third of a small Django
/// app's run.
fn lists(text: &str) -> Vec<(&str, usize)> {
    let b = text.as_bytes();
    let blanks = |i: usize| blanks(b, i);
    let mut out = Vec::new();
    for (line, end) in lines(text) {
        let start = blanks(line);
        let word = ["dependencies", "replaces", "run_before"]
            .into_iter()
            .find(|w| b[start..end].starts_with(w.as_bytes()));
        if let Some(word) = word {
            let mut i = blanks(start + word.len());
            // A type annotation runs to the first `=`.
            if b.get(i) == Some(&b':') {
                i = b[i..end]
                    .iter()
                    .position(|&c| c == b'=')
                    .map_or(end, |k| i + k);
            }
            if i < end && b[i] == b'=' {
                let open = blanks(i + 1);
                if open < end && matches!(b[open], b'[' | b'(') {
                    out.push((word, open));
                }
            }
        }
    }
    out
}

/// The `("app", "migration")` pairs of a list's text, in order: a
/// bracket, two quoted names (quotes of either kind) with a comma between,
/// an optional trailing comma, a closing bracket, blanks (Unicode's, as
/// `\s`) around each. By hand, as `PAIR` in the tests matches.
fn pairs(text: &str) -> Vec<(&str, &str)> {
    let blanks = |i: usize| i + (text[i..].len() - text[i..].trim_start().len());
    let b = text.as_bytes();
    let quote = |i: usize| matches!(b.get(i), Some(b'"' | b'\''));
    // A quote, a name of neither quote nor line break, a quote: the name.
    let name = |i: usize| -> Option<(usize, usize)> {
        if !quote(i) {
            return None;
        }
        let len = b[i + 1..]
            .iter()
            .position(|&c| matches!(c, b'"' | b'\'' | b'\n'))?;
        (len > 0 && quote(i + 1 + len)).then_some((i + 1, i + 1 + len))
    };
    // The two names' spans and the end of the pair's bracket.
    type Pair = ((usize, usize), (usize, usize), usize);
    let pair_at = |open: usize| -> Option<Pair> {
        let first = name(blanks(open + 1))?;
        let comma = blanks(first.1 + 1);
        (b.get(comma) == Some(&b',')).then_some(())?;
        let second = name(blanks(comma + 1))?;
        let mut i = blanks(second.1 + 1);
        if b.get(i) == Some(&b',') {
            i = blanks(i + 1);
        }
        matches!(b.get(i), Some(b']' | b')')).then_some((first, second, i + 1))
    };
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(k) = b[at..].iter().position(|&c| matches!(c, b'[' | b'(')) {
        let open = at + k;
        match pair_at(open) {
            Some((f, s, end)) => {
                out.push((&text[f.0..f.1], &text[s.0..s.1]));
                at = end;
            }
            None => at = open + 1,
        }
    }
    out
}

type Key = (String, String);

struct Node<'a> {
    app_dir: &'a str,
    /// The app label: inferred from the app's own dependencies, else the
    /// directory name (Django's default).
    label: String,
    name: &'a str,
    path: &'a str,
    deps: Vec<Key>,
    replaces: Vec<Key>,
    run_before: Vec<Key>,
}

fn parse<'a>(path: &'a str, text: &str) -> Option<Node<'a>> {
    let name = file_name(path).strip_suffix(".py")?;
    let migrations_dir = parent(path);
    if file_name(migrations_dir) != "migrations"
        || name == "__init__"
        || name.starts_with(['_', '~'])
        || !declares_migration(text)
    {
        return None;
    }
    let app_dir = parent(migrations_dir);
    if app_dir.is_empty() {
        return None;
    }
    let mut node = Node {
        app_dir,
        label: file_name(app_dir).to_string(),
        name,
        path,
        deps: Vec::new(),
        replaces: Vec::new(),
        run_before: Vec::new(),
    };
    let mut seen = BTreeSet::new();
    for (kind, open) in lists(text) {
        // One of each per `Migration` class.
        if !seen.insert(kind) {
            continue;
        }
        let pairs = pairs(bracketed(text, open))
            .into_iter()
            .map(|(a, m)| (a.to_string(), m.to_string()));
        match kind {
            "dependencies" => node.deps.extend(pairs),
            "replaces" => node.replaces.extend(pairs),
            _ => node.run_before.extend(pairs),
        }
    }
    Some(node)
}

/// The label an app's migrations use for each other. An `AppConfig` may
/// set a label other than the directory name (Wagtail's `wagtailimages`);
/// dependencies between the app's own migrations reveal it.
fn infer_labels(nodes: &mut [Node]) {
    let mut names: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for n in nodes.iter() {
        names.entry(n.app_dir).or_default().insert(n.name);
    }
    let mut votes: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for n in nodes.iter() {
        let own = names.get(n.app_dir);
        for (l, m) in &n.deps {
            if m != n.name && own.is_some_and(|o| o.contains(m.as_str())) {
                *votes
                    .entry(n.app_dir)
                    .or_default()
                    .entry(l.as_str())
                    .or_default() += 1;
            }
        }
    }
    let mut labels: BTreeMap<&str, String> = BTreeMap::new();
    for (dir, v) in &votes {
        let default = file_name(dir);
        if v.contains_key(default) {
            continue;
        }
        if let Some((label, _)) = v.iter().max_by_key(|(_, n)| **n) {
            labels.insert(dir, label.to_string());
        }
    }
    for n in nodes.iter_mut() {
        if let Some(l) = labels.get(n.app_dir) {
            n.label = l.clone();
        }
    }
}

pub(super) fn discover(repo: &Repo) -> Vec<MigrationSet> {
    let mut nodes: Vec<Node> = repo.all().filter_map(|(p, t)| parse(p, t)).collect();
    if nodes.is_empty() {
        return Vec::new();
    }
    infer_labels(&mut nodes);
    let key = |n: &Node| (n.label.clone(), n.name.to_string());
    let present: BTreeSet<Key> = nodes.iter().map(key).collect();

    // Squashes replace the nodes they list (statically nothing is applied,
    // which is when Django uses the squash): edges to them move to it.
    let mut redirect: BTreeMap<Key, Key> = BTreeMap::new();
    let mut replaced: BTreeSet<&Key> = BTreeSet::new();
    for n in &nodes {
        for r in &n.replaces {
            replaced.insert(r);
            if present.contains(r) && *r != key(n) {
                redirect.insert(r.clone(), key(n));
            }
        }
    }
    // Django's `leaf_nodes()` counts only children in the node's own app: a
    // migration another app depends on (or runs before) is still a leaf of
    // its app, so the conflict stands.
    let mut has_child: BTreeSet<Key> = BTreeSet::new();
    for n in nodes.iter().filter(|n| !redirect.contains_key(&key(n))) {
        for d in &n.deps {
            let parent = redirect.get(d).unwrap_or(d);
            if parent.0 == n.label {
                has_child.insert(parent.clone());
            }
        }
        if n.run_before.iter().any(|(app, _)| *app == n.label) {
            has_child.insert(key(n));
        }
    }

    let mut by_app: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
    for n in &nodes {
        by_app.entry(n.app_dir).or_default().push(n);
    }
    by_app
        .into_iter()
        .map(|(app_dir, app)| {
            // A dependency on a migration of this app that doesn't exist
            // (renamed or deleted): NodeNotFoundError, and the leaf count
            // would be meaningless.
            let mut problems: Vec<_> = app
                .iter()
                .flat_map(|n| n.deps.iter().map(move |d| (n, d)))
                .filter(|(n, d)| {
                    d.0 == n.label
                        && !d.1.starts_with("__")
                        && !present.contains(*d)
                        && !replaced.contains(d)
                })
                .map(|(n, (_, missing))| {
                    problem(
                        n.path,
                        None,
                        format!(
                            "Django migration `{}.{}` depends on `{missing}`, which is not in \
                             {app_dir}/migrations (NodeNotFoundError)",
                            n.label, n.name
                        ),
                        format!(
                            "point the dependency at the migration that exists (was `{missing}` \
                             renamed or deleted?), or restore it"
                        ),
                    )
                })
                .collect();
            let mut leaves: Vec<&&Node> = app
                .iter()
                .filter(|n| !redirect.contains_key(&key(n)) && !has_child.contains(&key(n)))
                .collect();
            leaves.sort_by_key(|n| n.name);
            if let [.., last] = leaves.as_slice() {
                if leaves.len() > 1 && problems.is_empty() {
                    let label = &last.label;
                    let names: Vec<String> =
                        leaves.iter().map(|n| format!("`{}`", n.name)).collect();
                    problems.push(problem(
                        last.path,
                        None,
                        format!(
                            "Django app `{label}` has {} leaf migrations: {} (conflicting \
                             migrations; `manage.py migrate` refuses to run)",
                            leaves.len(),
                            names.join(" and ")
                        ),
                        format!(
                            "run `python manage.py makemigrations --merge {label}` and commit the \
                             merge migration"
                        ),
                    ));
                }
            }
            problems.extend(missing_init(repo, app_dir, &app));
            MigrationSet {
                framework: Framework::Django,
                dir: join(app_dir, "migrations"),
                migrations: ordered(&app),
                schema_files: schema_files(repo, app_dir),
                problems,
            }
        })
        .collect()
}

/// A `migrations` directory with migrations but no `__init__.py`: a
/// namespace package, which Django's loader (`MigrationLoader.load_disk`)
/// takes for an unmigrated app, so none of its migrations ever runs.
/// Only for files that are clearly Django's.
fn missing_init(repo: &Repo, app_dir: &str, app: &[&Node]) -> Option<LayoutProblem> {
    let dir = join(app_dir, "migrations");
    if repo.exists(&join(&dir, "__init__.py")) {
        return None;
    }
    let django = app.iter().any(|n| {
        repo.text(n.path)
            .is_some_and(|t| t.contains("migrations.Migration") || t.contains("django"))
    });
    if !django {
        return None;
    }
    let label = app.first().map_or("", |n| n.label.as_str());
    Some(problem(
        &dir,
        None,
        format!(
            "{dir} has Django migrations but no __init__.py: Django loads it as a namespace \
             package and treats app `{label}` as unmigrated, so none of its migrations runs"
        ),
        format!(
            "add an empty {dir}/__init__.py; if the app's tables were made without its \
             migrations (`migrate --run-syncdb`), run `python manage.py migrate {label} \
             --fake-initial` once"
        ),
    ))
}

/// The app's migrations in dependency order (ties by name).
fn ordered(app: &[&Node]) -> Vec<Migration> {
    let names: BTreeSet<&str> = app.iter().map(|n| n.name).collect();
    let mut pending: BTreeMap<&str, (&Node, BTreeSet<&str>)> = app
        .iter()
        .map(|n| {
            let parents = n
                .deps
                .iter()
                .filter(|(l, m)| *l == n.label && names.contains(m.as_str()) && m != n.name)
                .map(|(_, m)| m.as_str())
                .collect();
            (n.name, (*n, parents))
        })
        .collect();
    let mut out = Vec::new();
    while !pending.is_empty() {
        let next = pending
            .iter()
            .find(|(_, (_, parents))| parents.is_empty())
            .map(|(name, _)| *name)
            .or_else(|| pending.keys().next().copied());
        let Some(name) = next else { break };
        let Some((node, _)) = pending.remove(name) else {
            break;
        };
        for (_, parents) in pending.values_mut() {
            parents.remove(name);
        }
        out.push(Migration {
            id: format!("{}.{}", node.label, node.name),
            name: node.name.to_string(),
            order_key: None,
            files: vec![node.path.to_string()],
        });
    }
    out
}

fn schema_files(repo: &Repo, app_dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let models = join(app_dir, "models.py");
    if repo.exists(&models) {
        out.push(models);
    }
    out.extend(
        repo.children(&join(app_dir, "models"))
            .into_iter()
            .filter(|(n, _, _)| n.ends_with(".py"))
            .map(|(_, p, _)| p.to_string()),
    );
    out
}

#[cfg(test)]
mod hand_tests {
    use regex::Regex;
    use std::sync::LazyLock;

    /// What [`super::lists`] finds, as a pattern.
    static LIST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?m)^[ \t]*(dependencies|replaces|run_before)[ \t]*(?::[^=\n]*)?=[ \t]*([\[(])",
        )
        .expect("valid pattern")
    });
    /// What [`super::pairs`] finds, as a pattern.
    static PAIR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"[\[(]\s*['"]([^'"\n]+)['"]\s*,\s*['"]([^'"\n]+)['"]\s*,?\s*[\])]"#)
            .expect("valid pattern")
    });

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "dependencies",
                "replaces",
                "run_before",
                "dependencies_x",
                " ",
                "\t",
                "\n",
                "\r",
                "\u{a0}",
                "\u{2028}",
                ":",
                "List[str]",
                "=",
                "==",
                "[",
                "]",
                "(",
                ")",
                ",",
                "'",
                "\"",
                "app",
                "0001_initial",
                "é",
                "x",
                "    dependencies = [\n",
                "('a', 'b')",
                "(\"a\", 'b',)",
                "[ 'a' , \"b\" ]",
                "('a',\n'b')",
                "('', 'b')",
            ]),
            0..16,
        )
        .prop_map(|p| p.concat())
    }

    /// What [`super::declares_migration`] finds, as a pattern.
    static CLASS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^class[ \t]+Migration[ \t]*\(").expect("valid pattern"));

    use proptest::prelude::*;
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn migration_classes_are_the_pattern(
            text in proptest::collection::vec(proptest::sample::select(vec![
                "class", "Migration", "Migrations", "(", " ", "\t", "\n", "\r", "\u{a0}", "x",
                "class Migration(", "\nclass\tMigration (", "classMigration(", "migration",
            ]), 0..10).prop_map(|p| p.concat())
        ) {
            prop_assert_eq!(super::declares_migration(&text), CLASS.is_match(&text), "{:?}", text);
        }

        #[test]
        fn lists_are_the_patterns(text in text()) {
            let by_pattern: Vec<(&str, usize)> = LIST
                .captures_iter(&text)
                .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().start()))
                .collect();
            prop_assert_eq!(super::lists(&text), by_pattern, "{:?}", text);
        }

        #[test]
        fn pairs_are_the_patterns(text in text()) {
            let by_pattern: Vec<(&str, &str)> = PAIR
                .captures_iter(&text)
                .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str()))
                .collect();
            prop_assert_eq!(super::pairs(&text), by_pattern, "{:?}", text);
        }
    }
}
