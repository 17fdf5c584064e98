//! The readers of migrations written as code: hits and decoys per
//! framework, through `lint_set` as a branch's new migrations.

use super::*;
use proptest::prelude::*;

const PG: Option<Dialect> = Some(Dialect::PostgreSql);
const NN: &str = "migrations/unsafe-not-null";
const IDX: &str = "migrations/blocking-index";
const DES: &str = "migrations/destructive";
const CON: &str = "migrations/unvalidated-constraint";

fn hits(framework: Framework, path: &str, text: &str) -> Vec<(&'static str, u32)> {
    lint_set(framework, PG, &[(path, text)])
        .verdicts
        .iter()
        .map(|v| (v.rule.id, v.line))
        .collect()
}

const RAILS: &str = r#"class AddRole < ActiveRecord::Migration[7.1]
  def change
    add_column :users, :role, :string, null: false
    add_column :users, :plan, :string, null: false, default: "free"
    add_column :users, :bio, :text
    # add_column :users, :ghost, :string, null: false
    say "add_column :users, :ghost, :string, null: false"
    change_column_null :users, :email, false
    remove_column :users, :nickname, :string
    rename_column :users, :name, :full_name
    rename_table :posts, :articles
    drop_table :legacy
    change_column :users, :age, :bigint
    add_index :users, :email, unique: true
    add_index :users, :role, algorithm: :concurrently
    add_foreign_key :users, :accounts
    add_foreign_key :users, :teams, validate: false
    create_table :drafts do |t|
      t.string :title, null: false
    end
    add_column :drafts, :body, :text, null: false
    add_index :drafts, :title
    add_column(:users,
      :token, :string, null: false)
    reversible do |dir|
      dir.up { change_column_null :users, :token, false }
      dir.down { remove_column :users, :token }
    end
  end

  def down
    drop_table :users
  end
end
"#;

#[test]
fn rails_calls_in_change_and_up_are_judged() {
    assert_eq!(
        hits(
            Framework::Rails,
            "db/migrate/20240101000000_add_role.rb",
            RAILS
        ),
        [
            (NN, 3),
            (NN, 8),
            (DES, 9),
            (DES, 10),
            (DES, 11),
            (DES, 12),
            (DES, 13),
            (IDX, 14),
            (CON, 16),
            (NN, 23),
            (NN, 26),
        ]
    );
}

const DJANGO: &str = r#"from django.db import migrations, models
from django.contrib.postgres.operations import AddIndexConcurrently


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="status",
            field=models.CharField(max_length=20),
        ),
        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),
        migrations.AddField(model_name="order", name="kind", field=models.CharField(default="a", max_length=1), preserve_default=False),
        # migrations.RemoveField(model_name="order", name="ghost"),
        migrations.RemoveField(model_name="order", name="legacy"),
        migrations.RenameField(model_name="order", old_name="total", new_name="amount"),
        migrations.DeleteModel(name="Coupon"),
        migrations.RenameModel(old_name="Cart", new_name="Basket"),
        migrations.AddIndex(model_name="order", index=models.Index(fields=["status"], name="order_status_idx")),
        AddIndexConcurrently(model_name="order", index=models.Index(fields=["note"], name="order_note_idx")),
        migrations.AddField(model_name="order", name="code", field=models.CharField(max_length=8, null=True, unique=True)),
        migrations.CreateModel(name="Invoice", fields=[("id", models.AutoField(primary_key=True))]),
        migrations.AddField(model_name="invoice", name="number", field=models.IntegerField()),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="order", name="shadow")],
        ),
        migrations.RunSQL("ALTER TABLE shop_order DROP COLUMN x"),
    ]
"#;

#[test]
fn django_operations_are_judged() {
    assert_eq!(
        hits(Framework::Django, "shop/migrations/0002_status.py", DJANGO),
        [
            (NN, 9),
            (DES, 17),
            (DES, 18),
            (DES, 19),
            (DES, 20),
            (IDX, 21),
            (IDX, 23),
        ]
    );
}

const ALEMBIC: &str = r#""""add plan

Revision ID: 2
"""
from alembic import op
import sqlalchemy as sa

revision = "2"
down_revision = "1"


def upgrade():
    op.add_column("users", sa.Column("plan", sa.String(), nullable=False))
    op.add_column("users", sa.Column("tier", sa.String(), nullable=False, server_default="free"))
    op.add_column("users", sa.Column("bio", sa.Text()))
    # op.drop_column("users", "ghost")
    op.drop_column("users", "nickname")
    op.drop_table("legacy")
    op.alter_column("users", "name", new_column_name="full_name")
    op.alter_column("users", "age", type_=sa.BigInteger(), existing_type=sa.Integer())
    op.alter_column("users", "email", existing_type=sa.String(), nullable=False)
    op.create_index(op.f("ix_users_plan"), "users", ["plan"], unique=False)
    op.create_index("ix_users_tier", "users", ["tier"], postgresql_concurrently=True)
    op.create_table("drafts", sa.Column("id", sa.Integer(), primary_key=True))
    op.add_column("drafts", sa.Column("title", sa.String(), nullable=False))


def downgrade():
    op.drop_table("users")
"#;

#[test]
fn alembic_upgrade_is_judged() {
    assert_eq!(
        hits(Framework::Alembic, "alembic/versions/2_plan.py", ALEMBIC),
        [
            (NN, 13),
            (DES, 17),
            (DES, 18),
            (DES, 19),
            (DES, 20),
            (NN, 21),
            (IDX, 22),
        ]
    );
}

#[test]
fn a_table_created_earlier_on_the_branch_is_exempt() {
    let create = "class A < ActiveRecord::Migration[7.1]\n  def change\n    create_table :carts do |t|\n    end\n  end\nend\n";
    let change = "class B < ActiveRecord::Migration[7.1]\n  def change\n    add_column :carts, :total, :integer, null: false\n  end\nend\n";
    let lint = lint_set(
        Framework::Rails,
        PG,
        &[("db/migrate/1_a.rb", create), ("db/migrate/2_b.rb", change)],
    );
    assert!(lint.verdicts.is_empty(), "{:?}", lint.verdicts);
}

#[test]
fn postgresql_only_rules_wait_for_a_postgresql_set() {
    let lint = lint_set(Framework::Rails, None, &[("db/migrate/1_a.rb", RAILS)]);
    assert!(lint
        .verdicts
        .iter()
        .all(|v| v.rule.id != IDX && v.rule.id != CON));
    assert!(lint.verdicts.iter().any(|v| v.rule.id == NN));
}

proptest! {
    /// Any text, in each framework: no panic, and every finding on a line
    /// of the file.
    #[test]
    fn code_shaped_input_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("add_column :t, :c, :s, null: false\n"), Just("def down\n"), Just("end\n"),
                Just("dir.down { "), Just("}"), Just("op.add_column('t', sa.Column('c', nullable=False))\n"),
                Just("def upgrade():\n"), Just("migrations.AddField(model_name='m', name='n', field=models.X("),
                Just(")"), Just("("), Just("\""), Just("'"), Just("#"), Just("<<~SQL\n"), Just("é"),
                Just("state_operations=["), Just("]"), Just(", "), Just("\n"), Just("    "),
            ],
            0..40,
        )
    ) {
        let text: String = parts.concat();
        let lines = u32::try_from(text.lines().count().max(1)).unwrap_or(u32::MAX);
        for (framework, path) in [
            (Framework::Rails, "db/migrate/1_a.rb"),
            (Framework::Django, "app/migrations/0001_a.py"),
            (Framework::Alembic, "alembic/versions/1_a.py"),
        ] {
            for v in lint_set(framework, PG, &[(path, &text)]).verdicts {
                prop_assert!(v.line >= 1 && v.line <= lines, "{v:?} in {text:?}");
            }
        }
    }
}
