//! The README's rule tables are generated from the rule registry: each
//! `<!-- rules-table areas=… [extra=…] -->` block must equal what
//! `shipcheck::registry::markdown_table` makes of it. Refresh them with
//! `SHIPCHECK_BLESS=1 cargo test --test readme` (which also refreshes the
//! rule index, `docs/rules/README.md`).

use shipcheck::registry::{all, markdown_table};
use shipcheck::report::areas;
use shipcheck::rules::Area;

const OPEN: &str = "<!-- rules-table ";
const CLOSE: &str = "<!-- /rules-table -->";

fn area(slug: &str) -> Area {
    areas()
        .into_iter()
        .find(|a| a.slug() == slug)
        .unwrap_or_else(|| panic!("unknown area {slug:?} in a README rules-table marker"))
}

/// The README with every rules-table block regenerated, and the ids listed.
fn regenerate(readme: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut listed = Vec::new();
    let mut rest = readme;
    while let Some(at) = rest.find(OPEN) {
        let spec_end = at + rest[at..].find("-->").expect("marker closes");
        let spec = rest[at + OPEN.len()..spec_end].trim();
        let close = rest[spec_end..].find(CLOSE).expect("a closing marker") + spec_end;
        let (mut want_areas, mut extra) = (Vec::new(), Vec::new());
        for part in spec.split_whitespace() {
            match part.split_once('=') {
                Some(("areas", v)) => want_areas.extend(v.split(',').map(area)),
                Some(("extra", v)) => extra.extend(v.split(',')),
                _ => panic!("bad rules-table marker {spec:?}"),
            }
        }
        let table = markdown_table(&want_areas, &extra);
        listed.extend(
            table
                .lines()
                .filter_map(|l| l.strip_prefix("| `"))
                .filter_map(|l| l.split('`').next())
                .map(String::from),
        );
        out.push_str(&rest[..spec_end + 3]);
        out.push('\n');
        out.push_str(&table);
        rest = &rest[close..];
    }
    out.push_str(rest);
    (out, listed)
}

#[test]
fn readme_rule_tables_are_generated_from_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (fresh, listed) = regenerate(&readme);
    for r in all() {
        assert!(
            listed.iter().any(|l| l == r.id),
            "no README table lists {}",
            r.id
        );
    }
    if fresh != readme {
        if std::env::var_os("SHIPCHECK_BLESS").is_some() {
            std::fs::write(&path, fresh).unwrap();
        } else {
            panic!("README rule tables differ from the registry: run `SHIPCHECK_BLESS=1 cargo test --test readme`");
        }
    }
}

/// `docs/rules/README.md`, the index a newcomer reads to find any rule's
/// code, doc and fixture, is generated from the registry.
#[test]
fn rule_index_is_generated_from_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/README.md");
    let fresh = shipcheck::registry::index_markdown();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if fresh != committed {
        if std::env::var_os("SHIPCHECK_BLESS").is_some() {
            std::fs::write(&path, fresh).unwrap();
        } else {
            panic!("docs/rules/README.md differs from the registry: run `SHIPCHECK_BLESS=1 cargo test --test readme`");
        }
    }
}
