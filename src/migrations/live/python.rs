//! The few module-level assignments of Alembic and Django migration files
//! the live status needs: Alembic `down_revision` / `depends_on` (the
//! revision graph) and Django `replaces` (squashed migrations).

use regex::Regex;
use std::sync::LazyLock;

static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"['"]([^'"\n]+)['"]"#).expect("valid pattern"));
static PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\(\s*['"]([^'"\n]+)['"]\s*,\s*['"]([^'"\n]+)['"]\s*,?\s*\)"#)
        .expect("valid pattern")
});

/// The value text of a module-level `name = …` / `name: Type = …`
/// assignment: the rest of the line, or up to the closing bracket when the
/// value opens one.
fn assignment<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let re = Regex::new(&format!(r"(?m)^{name}[ \t]*(?::[^=\n]*)?=[ \t]*")).ok()?;
    let m = re.find(text)?;
    let rest = &text[m.end()..];
    let close = match rest.chars().next() {
        Some('(') => Some(')'),
        Some('[') => Some(']'),
        _ => None,
    };
    Some(match close {
        Some(c) => rest.find(c).map_or(rest, |i| &rest[..=i]),
        None => rest.lines().next().unwrap_or(""),
    })
}

/// The revisions an Alembic revision builds on: `down_revision` (None, a
/// string, or a tuple for a merge point) and `depends_on`.
pub fn alembic_parents(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for name in ["down_revision", "depends_on"] {
        if let Some(value) = assignment(text, name) {
            let value = value.split('#').next().unwrap_or(value);
            out.extend(QUOTED.captures_iter(value).map(|c| c[1].to_string()));
        }
    }
    out
}

/// `replaces = [("app", "0001_initial"), …]` of a Django squashed
/// migration, as `app.name` ids.
pub fn django_replaces(text: &str) -> Vec<String> {
    let Some(start) = Regex::new(r"(?m)^[ \t]+replaces[ \t]*(?::[^=\n]*)?=[ \t]*\[")
        .ok()
        .and_then(|re| re.find(text))
    else {
        return Vec::new();
    };
    let rest = &text[start.end()..];
    let body = rest.find(']').map_or(rest, |i| &rest[..i]);
    PAIR.captures_iter(body)
        .map(|c| format!("{}.{}", &c[1], &c[2]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alembic_down_revision_forms() {
        let plain = "revision = 'b2'\ndown_revision = 'a1'  # the parent\nbranch_labels = None\ndepends_on = None\n";
        assert_eq!(alembic_parents(plain), ["a1"]);
        let typed =
            "revision: str = \"c3\"\ndown_revision: Union[str, Sequence[str], None] = \"b2\"\n";
        assert_eq!(alembic_parents(typed), ["b2"]);
        let merge =
            "revision = 'm9'\ndown_revision = (\n    'b2',\n    'x7',\n)\ndepends_on = ('d4',)\n";
        assert_eq!(alembic_parents(merge), ["b2", "x7", "d4"]);
        assert!(alembic_parents("revision = 'a1'\ndown_revision = None\n").is_empty());
    }

    #[test]
    fn django_squash_replaces() {
        let text = "class Migration(migrations.Migration):\n    replaces = [\n        ('blog', '0001_initial'),\n        (\"blog\", \"0002_post\"),\n    ]\n    dependencies = [('auth', '0012_alter_user')]\n";
        assert_eq!(
            django_replaces(text),
            ["blog.0001_initial", "blog.0002_post"]
        );
        assert!(
            django_replaces("class Migration:\n    dependencies = [('blog', '0001')]\n").is_empty()
        );
    }
}
