//! Django: the dependency graph, leaves, squashes and decoys.

use super::{assert_actionable, discover, ids, only, repo};
use crate::migrations::Framework;

fn migration(deps: &str) -> String {
    format!("from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [\n{deps}    ]\n\n    operations = []\n")
}

#[test]
fn linear_app() {
    let m1 = migration("        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n");
    let m2 = migration("        ('blog', '0001_initial'),\n        (\"auth\", \"0012_alter_user_first_name_max_length\"),\n");
    let set = only(&[
        ("blog/__init__.py", ""),
        ("blog/models.py", "class Post: pass"),
        ("blog/migrations/__init__.py", ""),
        ("blog/migrations/0002_post_slug.py", &m2),
        ("blog/migrations/0001_initial.py", &m1),
        (
            "blog/migrations/_helpers.py",
            "class Migration(object): pass",
        ),
    ]);
    assert_eq!(set.framework, Framework::Django);
    assert_eq!(set.dir, "blog/migrations");
    assert_eq!(ids(&set), ["blog.0001_initial", "blog.0002_post_slug"]);
    assert_eq!(set.migrations[0].order_key, None);
    assert_eq!(set.schema_files, ["blog/models.py"]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn two_leaves_conflict() {
    let m1 = migration("");
    let dep = migration("        ('shop', '0001_initial'),\n");
    let set = only(&[
        ("shop/migrations/__init__.py", ""),
        ("shop/migrations/0001_initial.py", &m1),
        ("shop/migrations/0002_add_price.py", &dep),
        ("shop/migrations/0002_add_sku.py", &dep),
        ("shop/models/__init__.py", ""),
        ("shop/models/product.py", "class Product: pass"),
    ]);
    assert_eq!(
        set.schema_files,
        ["shop/models/__init__.py", "shop/models/product.py"]
    );
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    let p = &set.problems[0];
    assert_eq!(p.path, "shop/migrations/0002_add_sku.py");
    assert!(p.message.contains("0002_add_price") && p.message.contains("0002_add_sku"));
    assert!(p.help.contains("python manage.py makemigrations --merge"));
    assert_actionable(&set);
}

#[test]
fn graphs_without_conflicts() {
    let m1 = migration("");
    let dep1 = migration("        ('shop', '0001_initial'),\n");
    let merge =
        migration("        ('shop', '0002_add_price'),\n        ('shop', '0002_add_sku'),\n");
    let squash = "class Migration(migrations.Migration):\n    replaces = [('shop', '0001_initial'), ('shop', '0002_add_price')]\n    dependencies = []\n";
    let after_replaced = migration("        ('shop', '0002_add_price'),\n");
    let run_before = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0001_initial')]\n    run_before = [('shop', '0003_add_sku')]\n";
    let cases: Vec<Vec<(&str, &str)>> = vec![
        // A merge migration joins the branches.
        vec![
            ("shop/migrations/0001_initial.py", &m1),
            ("shop/migrations/0002_add_price.py", &dep1),
            ("shop/migrations/0002_add_sku.py", &dep1),
            ("shop/migrations/0003_merge_20240101_1200.py", &merge),
        ],
        // A squash replaces its nodes; edges to them move to it.
        vec![
            ("shop/migrations/0001_initial.py", &m1),
            ("shop/migrations/0002_add_price.py", &dep1),
            ("shop/migrations/0001_squashed_0002_add_price.py", squash),
            ("shop/migrations/0003_more.py", &after_replaced),
        ],
        // `run_before` a later migration of the same app makes it a child.
        vec![
            ("shop/migrations/0001_initial.py", &m1),
            ("shop/migrations/0002_add_price.py", run_before),
            ("shop/migrations/0003_add_sku.py", &dep1),
        ],
    ];
    for mut files in cases {
        files.push(("shop/migrations/__init__.py", ""));
        let sets = discover(&repo(&files));
        assert!(sets.iter().all(|s| s.problems.is_empty()), "{sets:#?}");
    }
}

#[test]
fn other_apps_do_not_resolve_a_conflict() {
    // Django's `leaf_nodes()` counts only children in the node's own app:
    // `orders` depending on one branch (or `shop` running before `orders`)
    // leaves `shop` with two leaves, and `migrate` refuses.
    let m1 = migration("");
    let dep1 = migration("        ('shop', '0001_initial'),\n");
    let cross = migration("        ('shop', '0002_add_sku'),\n");
    let orders2 =
        migration("        ('orders', '0001_initial'),\n        ('shop', '0002_add_price'),\n");
    let before_orders = "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0001_initial')]\n    run_before = [('orders', '0001_initial')]\n";
    let files = [
        ("shop/migrations/__init__.py", ""),
        ("shop/migrations/0001_initial.py", m1.as_str()),
        ("shop/migrations/0002_add_price.py", dep1.as_str()),
        ("shop/migrations/0002_add_sku.py", before_orders),
        ("orders/migrations/__init__.py", ""),
        ("orders/migrations/0001_initial.py", cross.as_str()),
        ("orders/migrations/0002_x.py", orders2.as_str()),
    ];
    let sets = discover(&repo(&files));
    assert_eq!(sets.len(), 2, "{sets:#?}");
    let shop = sets
        .iter()
        .find(|s| s.dir == "shop/migrations")
        .expect("shop");
    assert_eq!(shop.problems.len(), 1, "{:#?}", shop.problems);
    let p = &shop.problems[0];
    assert_eq!(p.path, "shop/migrations/0002_add_sku.py");
    assert!(p.message.contains("0002_add_price") && p.message.contains("0002_add_sku"));
    let orders = sets
        .iter()
        .find(|s| s.dir == "orders/migrations")
        .expect("orders");
    assert!(orders.problems.is_empty(), "{:#?}", orders.problems);
}

#[test]
fn migrations_package_without_init() {
    // A namespace package: Django's loader calls the app unmigrated and
    // never runs its migrations.
    let m1 = migration("");
    let m2 = migration("        ('blog', '0001_initial'),\n");
    let files = vec![
        ("blog/migrations/0001_initial.py", m1.as_str()),
        ("blog/migrations/0002_post_slug.py", m2.as_str()),
    ];
    let set = only(&files);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    let p = &set.problems[0];
    assert_eq!((p.path.as_str(), p.line), ("blog/migrations", None));
    assert!(p.message.contains("__init__.py") && p.message.contains("unmigrated"));
    assert!(p.help.contains("blog/migrations/__init__.py"));
    assert_actionable(&set);

    // Decoys: the package marker present; a `class Migration(` that isn't
    // Django's (no django import, no `migrations.Migration`).
    let mut with_init = files.clone();
    with_init.push(("blog/migrations/__init__.py", ""));
    assert!(only(&with_init).problems.is_empty());
    let set = only(&[(
        "tool/migrations/0001_first.py",
        "class Migration(Base):\n    steps = []\n",
    )]);
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn not_django() {
    // Flask-Migrate keeps Alembic's env.py in `migrations/`.
    let sets = discover(&repo(&[
        ("migrations/env.py", "from alembic import context\n"),
        ("migrations/alembic.ini", "[alembic]\n"),
        (
            "app/migrations/README",
            "Single-database configuration for Flask.",
        ),
        (
            "app/migrations/notes.py",
            "print('no Migration class here')",
        ),
    ]));
    assert!(sets.is_empty(), "{sets:#?}");
}

#[test]
fn app_label_other_than_the_directory() {
    // wagtail/images has the label `wagtailimages`.
    let m1 = migration("");
    let m2 = migration(
        "        ('wagtailimages', '0001_initial'),\n        ('taggit', '0001_initial'),\n",
    );
    let m3 = migration("        ('wagtailimages', '0002_add_focal_point'),\n");
    let set = only(&[
        ("wagtail/images/migrations/__init__.py", ""),
        ("wagtail/images/migrations/0001_initial.py", &m1),
        ("wagtail/images/migrations/0002_add_focal_point.py", &m2),
        ("wagtail/images/migrations/0003_more.py", &m3),
    ]);
    assert_eq!(
        ids(&set),
        [
            "wagtailimages.0001_initial",
            "wagtailimages.0002_add_focal_point",
            "wagtailimages.0003_more"
        ]
    );
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
}

#[test]
fn dependency_on_a_missing_migration() {
    let m1 = migration("");
    let m3 = migration("        ('blog', '0002_old_name'),\n");
    let m2 = migration("        ('blog', '0001_initial'),\n");
    let set = only(&[
        ("blog/migrations/__init__.py", ""),
        ("blog/migrations/0001_initial.py", &m1),
        ("blog/migrations/0002_new_name.py", &m2),
        ("blog/migrations/0003_more.py", &m3),
    ]);
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    let p = &set.problems[0];
    assert_eq!(p.path, "blog/migrations/0003_more.py");
    assert!(p.message.contains("0002_old_name") && p.message.contains("NodeNotFoundError"));
    assert_actionable(&set);
}
