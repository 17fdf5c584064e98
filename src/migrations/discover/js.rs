//! JavaScript migration runners, told apart by file name and content:
//! - Knex: `<YYYYMMDDHHmmss>_<name>.{js,ts,cjs,mjs}` exporting `up` (with a
//!   knexfile in the repository or `knex` in the file); id = file name;
//! - Sequelize: `<YYYYMMDDHHmmss>-<name>.js` using `queryInterface`;
//!   id = file name;
//! - TypeORM: `<13-digit ms>-<Name>.ts` with a class `<Name><13 digits>`
//!   implementing `MigrationInterface`; id = class (or `name`) , ordered
//!   by the 13-digit timestamp.

use super::files::{file_name, parent, Repo};
use super::problems::problem;
use super::text::{line_at, pad20, re, strip_zeros};
use crate::migrations::{Framework, LayoutProblem, Migration, MigrationSet};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A numbered migration script's name, as a regex: what
/// [`numbered_script`] matches by hand (compiling it was 3 % of a small
/// JS app's run, for the first file name it was asked of).
#[cfg(test)]
const SCRIPT: &str = r"^([0-9]+)([-_])(.+)\.(?:js|ts|cjs|mjs|mts|cts)$";

/// `20240101-add-users.js`, `1_init.ts` …: the leading digits and the
/// separator after them, if the name is digits, `-` or `_`, at least one
/// character, and a JS/TS extension (no line break anywhere).
fn numbered_script(name: &str) -> Option<(&str, &str)> {
    const EXTENSIONS: [&str; 6] = ["js", "ts", "cjs", "mjs", "mts", "cts"];
    if name.contains('\n') {
        return None;
    }
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    let sep = name
        .get(digits..digits + 1)
        .filter(|s| digits > 0 && (*s == "-" || *s == "_"))?;
    let rest = &name[digits + 1..];
    EXTENSIONS
        .iter()
        .any(|ext| {
            rest.len() > ext.len() + 1
                && rest.ends_with(ext)
                && rest.as_bytes()[rest.len() - ext.len() - 1] == b'.'
        })
        .then_some((&name[..digits], sep))
}
static KNEX_UP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"exports\.up\b|export\s+(?:async\s+)?function\s+up\b|export\s+const\s+up\b|module\.exports\s*=",
    )
});
static TYPEORM_CLASS: LazyLock<Regex> =
    LazyLock::new(|| re(r"class\s+([A-Za-z_$][A-Za-z0-9_$]*)\s+implements\s+MigrationInterface\b"));
/// Compiled JavaScript: the interface is gone, `queryRunner` stays.
static ANY_CLASS: LazyLock<Regex> = LazyLock::new(|| re(r"class\s+([A-Za-z_$][A-Za-z0-9_$]*)"));
static NAME_PROP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?m)^[ \t]*(?:public[ \t]+|readonly[ \t]+)*name[ \t]*(?::[^=\n]*)?=[ \t]*['"]([^'"\n]+)['"]"#,
    )
});

struct Found {
    framework: Framework,
    dir: String,
    migration: Migration,
    /// TypeORM: the 13-digit timestamp.
    timestamp: Option<String>,
}

pub(super) fn discover(repo: &Repo) -> Vec<MigrationSet> {
    let knexfile = repo
        .all()
        .any(|(p, _)| file_name(p).starts_with("knexfile."));
    let mut found = Vec::new();
    let mut problems: BTreeMap<(Framework, String), Vec<LayoutProblem>> = BTreeMap::new();
    for (path, text) in repo.all() {
        let name = file_name(path);
        if name.ends_with(".d.ts") {
            continue;
        }
        let Some((digits, sep)) = numbered_script(name) else {
            continue;
        };
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        let dir = parent(path).to_string();
        let by_name = |framework| Found {
            framework,
            dir: dir.clone(),
            migration: Migration {
                id: name.to_string(),
                name: stem.to_string(),
                order_key: Some(name.to_string()),
                files: vec![path.to_string()],
            },
            timestamp: None,
        };
        match (digits.len(), sep) {
            (13, "-") => {
                let explicit = TYPEORM_CLASS.captures(text);
                let class = explicit.as_ref().and_then(|c| c.get(1)).or_else(|| {
                    text.contains("queryRunner")
                        .then(|| ANY_CLASS.captures(text).and_then(|c| c.get(1)))
                        .flatten()
                });
                let Some(class) = class else { continue };
                let id = NAME_PROP
                    .captures(text)
                    .and_then(|c| c.get(1))
                    .map_or(class.as_str(), |m| m.as_str());
                let Some(ts) = typeorm_timestamp(id) else {
                    if explicit.is_some() {
                        problems.entry((Framework::TypeOrm, dir.clone())).or_default().push(problem(
                            path,
                            Some(line_at(text, class.start())),
                            format!("TypeORM migration `{id}` does not end with a 13-digit timestamp; TypeORM refuses it (\"migration name is wrong\")"),
                            format!("rename the class to `{id}{}` (the file's timestamp)", digits),
                        ));
                    }
                    continue;
                };
                found.push(Found {
                    framework: Framework::TypeOrm,
                    dir: dir.clone(),
                    migration: Migration {
                        id: id.to_string(),
                        name: stem.to_string(),
                        order_key: Some(pad20(&ts)),
                        files: vec![path.to_string()],
                    },
                    timestamp: Some(ts),
                });
            }
            (14, "-") if text.contains("queryInterface") || text.contains("QueryInterface") => {
                found.push(by_name(Framework::Sequelize));
            }
            (14, "_")
                if KNEX_UP.is_match(text)
                    && (knexfile || text.contains("knex") || text.contains("Knex")) =>
            {
                found.push(by_name(Framework::Knex));
            }
            _ => {}
        }
    }

    let mut groups: BTreeMap<(Framework, String), Vec<Found>> = BTreeMap::new();
    for f in found {
        groups
            .entry((f.framework, f.dir.clone()))
            .or_default()
            .push(f);
    }
    for key in problems.keys() {
        groups.entry(key.clone()).or_default();
    }
    groups
        .into_iter()
        .map(|((framework, dir), mut items)| {
            items.sort_by(|a, b| {
                (&a.migration.order_key, &a.migration.name)
                    .cmp(&(&b.migration.order_key, &b.migration.name))
            });
            let mut probs = problems
                .remove(&(framework, dir.clone()))
                .unwrap_or_default();
            if framework == Framework::TypeOrm {
                probs.extend(typeorm_duplicates(&items));
            }
            MigrationSet {
                framework,
                dir,
                migrations: items.into_iter().map(|f| f.migration).collect(),
                schema_files: Vec::new(),
                problems: probs,
            }
        })
        .collect()
}

/// The timestamp TypeORM reads from a migration name:
/// `parseInt(name.substr(-13))`, which must not be `NaN` or 0.
pub(super) fn typeorm_timestamp(name: &str) -> Option<String> {
    let start = name.char_indices().rev().nth(12).map_or(0, |(i, _)| i);
    let tail = name.get(start..)?.trim_start();
    let tail = tail.strip_prefix('+').unwrap_or(tail);
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty() && digits.bytes().any(|b| b != b'0')).then(|| strip_zeros(&digits))
}

/// Two migrations with one name: TypeORM throws "Duplicate migrations", an
/// error. Two with one timestamp: TypeORM identifies migrations by name, so
/// both run, in an order that rests on load order (a stable sort by
/// timestamp over the order the files were loaded). Legal, so a warning for
/// the branch that adds one, and nothing for a pair already on the base.
fn typeorm_duplicates(items: &[Found]) -> Vec<LayoutProblem> {
    let mut by_name: BTreeMap<&str, &Migration> = BTreeMap::new();
    let mut by_ts: BTreeMap<&str, &Migration> = BTreeMap::new();
    let mut out = Vec::new();
    for f in items {
        let m = &f.migration;
        let path = m.files.first().map_or("", String::as_str);
        if let Some(first) = by_name.get(m.id.as_str()) {
            out.push(problem(
                path,
                None,
                format!("TypeORM migration name `{}` is used by both {} and {} (\"Duplicate migrations\")", m.id, first.name, m.name),
                format!("rename the class in {} (the one not deployed yet) with a new timestamp, e.g. `npx typeorm migration:create` again and move its body over", file_name(path)),
            ));
            continue;
        }
        by_name.insert(&m.id, m);
        let Some(ts) = f.timestamp.as_deref() else {
            continue;
        };
        if let Some(first) = by_ts.get(ts) {
            let mut p = problem(
                path,
                None,
                format!("TypeORM migrations `{}` and `{}` share the timestamp {ts}, so their order rests on load order", first.id, m.id),
                format!("if `{}` has not reached any database, give it a later timestamp in its class name and file name", m.id),
            );
            p.only_when_new = Some(first.files.iter().chain(&m.files).cloned().collect());
            out.push(p);
        } else {
            by_ts.insert(ts, m);
        }
    }
    out
}

#[cfg(test)]
mod numbered_script_tests {
    #[test]
    fn a_line_break_or_nothing_before_the_extension_is_no_script() {
        let re = super::re(super::SCRIPT);
        for name in [
            "1_a\n.js", "1_.js", "1-x.d.ts", "12-a.mts", "a1_x.js", "1__.ts",
        ] {
            let want = re
                .captures(name)
                .map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str()));
            assert_eq!(super::numbered_script(name), want, "{name:?}");
        }
        assert_eq!(super::numbered_script("1_a\n.js"), None);
        assert_eq!(super::numbered_script("12-a.mts"), Some(("12", "-")));
    }

    proptest::proptest! {
        /// The names matched by hand are the regex's, with its digits and
        /// separator.
        #[test]
        fn numbered_scripts_are_the_regexs(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "0", "12", "-", "_", ".", "js", "ts", "cjs", "mts", "a", "init", "é", "\n", ".d",
                ]),
                0..8,
            ),
        ) {
            let name = pieces.concat();
            let re = super::re(super::SCRIPT);
            let want = re.captures(&name).map(|c| {
                (c.get(1).expect("digits").as_str(), c.get(2).expect("separator").as_str())
            });
            proptest::prop_assert_eq!(super::numbered_script(&name), want, "{:?}", name);
        }
    }
}
