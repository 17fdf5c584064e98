//! Alembic: revision graph order, heads, duplicates, branch labels.

use super::{assert_actionable, discover, ids, names, only, repo};
use crate::migrations::Framework;

fn rev(id: &str, down: &str) -> String {
    format!("\"\"\"add things\n\nRevision ID: {id}\n\"\"\"\nfrom alembic import op\n\nrevision = '{id}'\ndown_revision = {down}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n")
}

fn typed(id: &str, down: &str) -> String {
    format!("from typing import Sequence, Union\n\nrevision: str = \"{id}\"\ndown_revision: Union[str, None] = {down}\nbranch_labels: Union[str, Sequence[str], None] = None\n")
}

#[test]
fn linear_history_in_graph_order() {
    let a = rev("1a2b3c4d5e6f", "None");
    let b = rev("bbbbbbbbbbbb", "'1a2b3c4d5e6f'");
    let c = typed("0000000000cc", "\"bbbbbbbbbbbb\"");
    let set = only(&[
        ("alembic.ini", "[alembic]\nscript_location = alembic\n"),
        ("alembic/env.py", "from alembic import context\n"),
        ("alembic/script.py.mako", "revision = ${repr(up_revision)}"),
        ("alembic/versions/0000000000cc_third.py", &c),
        ("alembic/versions/1a2b3c4d5e6f_first.py", &a),
        ("alembic/versions/bbbbbbbbbbbb_second.py", &b),
        ("alembic/versions/__init__.py", ""),
    ]);
    assert_eq!(set.framework, Framework::Alembic);
    assert_eq!(set.dir, "alembic/versions");
    assert_eq!(ids(&set), ["1a2b3c4d5e6f", "bbbbbbbbbbbb", "0000000000cc"]);
    assert_eq!(
        names(&set),
        [
            "1a2b3c4d5e6f_first",
            "bbbbbbbbbbbb_second",
            "0000000000cc_third"
        ]
    );
    assert_eq!(set.migrations[0].order_key, None);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn two_heads_and_their_merge() {
    let base = rev("base", "None");
    let x = rev("xxxx", "'base'");
    let y = rev("yyyy", "'base'");
    let files = vec![
        ("migrations/versions/base_init.py", base.as_str()),
        ("migrations/versions/xxxx_add_x.py", x.as_str()),
        ("migrations/versions/yyyy_add_y.py", y.as_str()),
    ];
    let set = only(&files);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    let p = &set.problems[0];
    assert_eq!(
        (p.path.as_str(), p.line),
        ("migrations/versions/yyyy_add_y.py", Some(7))
    );
    assert!(p.message.contains("`xxxx`") && p.message.contains("`yyyy`"));
    assert!(p.help.contains("alembic merge heads -m \"merge\""));
    assert_actionable(&set);

    let merge = rev("mmmm", "('xxxx',\n    'yyyy')");
    let mut merged = files.clone();
    merged.push(("migrations/versions/mmmm_merge.py", merge.as_str()));
    let set = only(&merged);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    assert_eq!(ids(&set).last(), Some(&"mmmm"));

    // Separate branches declared on purpose.
    let labelled =
        rev("zzzz", "None").replace("branch_labels = None", "branch_labels = ('audit',)");
    let sets = discover(&repo(&[
        ("migrations/versions/base_init.py", base.as_str()),
        ("migrations/versions/zzzz_audit.py", labelled.as_str()),
    ]));
    assert!(sets.iter().all(|s| s.problems.is_empty()), "{sets:#?}");
}

#[test]
fn duplicate_revision_ids() {
    let a = rev("aaaa", "None");
    let a2 = rev("aaaa", "None");
    let set = only(&[
        ("db/versions/aaaa_one.py", &a),
        ("db/versions/aaaa_two.py", &a2),
    ]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    assert_eq!(set.problems[0].path, "db/versions/aaaa_two.py");
    assert!(set.problems[0].message.contains("present more than once"));
}

#[test]
fn down_revision_that_exists_nowhere() {
    let base = rev("base", "None");
    let orphan = rev("cccc", "'gone'");
    let merge = rev("mmmm", "('base', 'lost')");
    let set = only(&[
        ("migrations/versions/base_init.py", base.as_str()),
        ("migrations/versions/cccc_orphan.py", orphan.as_str()),
    ]);
    // Two problems: the missing parent, and two heads (`cccc` roots a
    // second chain).
    let p = set
        .problems
        .iter()
        .find(|p| p.message.contains("`gone`"))
        .expect("missing parent");
    assert_eq!(
        (p.path.as_str(), p.line),
        ("migrations/versions/cccc_orphan.py", Some(8))
    );
    assert!(p.message.contains("KeyError"), "{}", p.message);
    assert_actionable(&set);

    // A merge point's tuple is checked entry by entry.
    let set = only(&[
        ("migrations/versions/base_init.py", base.as_str()),
        ("migrations/versions/mmmm_merge.py", merge.as_str()),
    ]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    assert!(set.problems[0].message.contains("`lost`"));

    // Decoys: the parent in another versions directory; in a file this
    // reading can't parse (`revision = REV`); directories named by
    // `version_locations`, which discovery doesn't see.
    let sets = discover(&repo(&[
        ("a/versions/base_init.py", base.as_str()),
        ("b/versions/cccc_orphan.py", rev("cccc", "'base'").as_str()),
    ]));
    assert!(
        sets.iter()
            .flat_map(|s| &s.problems)
            .all(|p| !p.message.contains("no file")),
        "{sets:#?}"
    );
    let computed = "REV = 'gone'\nrevision = REV\ndown_revision = None\n";
    let set = only(&[
        ("migrations/versions/base_init.py", base.as_str()),
        ("migrations/versions/cccc_orphan.py", orphan.as_str()),
        ("migrations/versions/gone_computed.py", computed),
    ]);
    assert!(
        set.problems.iter().all(|p| !p.message.contains("no file")),
        "{:#?}",
        set.problems
    );
    for (config, text) in [
        (
            "alembic.ini",
            "[alembic]\nversion_locations = %(here)s/more\n",
        ),
        (
            "pyproject.toml",
            "[tool.alembic]\nversion_locations = [\"more\"]\n",
        ),
    ] {
        let set = only(&[
            (config, text),
            ("migrations/versions/base_init.py", base.as_str()),
            ("migrations/versions/mmmm_merge.py", merge.as_str()),
        ]);
        assert!(set.problems.is_empty(), "{:#?}", set.problems);
    }
    // A commented-out setting (the generated alembic.ini has one) is not.
    let set = only(&[
        (
            "alembic.ini",
            "[alembic]\n# version_locations = %(here)s/bar\n",
        ),
        ("migrations/versions/base_init.py", base.as_str()),
        ("migrations/versions/mmmm_merge.py", merge.as_str()),
    ]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
}
