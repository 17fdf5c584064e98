//! The Alembic reader: the `op.*` calls of a revision's `upgrade()` →
//! [`Op`]s (`downgrade()` is not what a deploy runs). `batch_alter_table`
//! blocks (SQLite's table rebuilds) and `op.execute` are not read.

use super::code::{block_end, keyword, positional, Call, Source};
use super::ops::{ConstraintKind, Located, Op};
use crate::lexer::Lang;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static CALLS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^\w.])op\.(add_column|drop_column|drop_table|alter_column|rename_table|create_index|create_table|create_foreign_key|create_check_constraint|create_unique_constraint)\b",
    )
    .expect("valid regex")
});
static UPGRADE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^def[ \t]+upgrade[ \t]*\(").expect("valid regex"));

pub(super) fn read(text: &str) -> Vec<Located> {
    let mut src = Source::new(Lang::Python, text);
    let sk = src.skeleton.clone();
    // Everything but the body of `upgrade()` is skipped.
    let mut from = 0;
    for m in UPGRADE.find_iter(&sk) {
        src.skip.push(from..m.start());
        from = block_end(&sk, m.start(), true);
    }
    src.skip.push(from..sk.len());
    src.ops(&CALLS, false, |c| ops(&src, c))
}

fn ops(src: &Source, c: &Call) -> Vec<Op> {
    let name = |key: &str, i: usize| c.arg(key, i).and_then(|r| src.name(r));
    let is_true = |key: &str| c.kw(key).and_then(|r| src.boolean(r)) == Some(true);
    // `op.f('ix_users_email')`: the name in `op.f`.
    let index_name = |r: &Range<usize>| {
        src.name(r).or_else(|| {
            src.inner_call(r)
                .filter(|(callee, _)| callee == "op.f")
                .and_then(|(_, a)| positional(&a, 0).and_then(|r| src.name(r)))
        })
    };
    match c.name.as_str() {
        "create_table" => {
            name("table_name", 0).map_or(vec![], |table| vec![Op::CreateTable { table }])
        }
        "drop_table" => name("table_name", 0).map_or(vec![], |table| vec![Op::DropTable { table }]),
        "rename_table" => match (name("old_table_name", 0), name("new_table_name", 1)) {
            (Some(from), Some(to)) => vec![Op::RenameTable { from, to }],
            _ => vec![],
        },
        "drop_column" => match (name("table_name", 0), name("column_name", 1)) {
            (Some(table), Some(column)) => vec![Op::DropColumn { table, column }],
            _ => vec![],
        },
        "add_column" => {
            let (Some(table), Some((callee, col))) = (
                name("table_name", 0),
                c.arg("column", 1).and_then(|r| src.inner_call(r)),
            ) else {
                return vec![];
            };
            let Some(column) = positional(&col, 0)
                .and_then(|r| src.name(r))
                .filter(|_| callee.ends_with("Column"))
            else {
                return vec![];
            };
            let nullable = keyword(&col, "nullable").map(|r| src.boolean(r));
            let server_default =
                keyword(&col, "server_default").is_some_and(|r| src.raw(r).trim() != "None");
            let generated = col.iter().any(|a| {
                let v = src.raw(&a.value);
                v.contains("Identity(") || v.contains("Computed(")
            });
            vec![Op::AddColumn {
                table,
                column,
                not_null: nullable == Some(Some(false)),
                has_default: server_default || generated,
            }]
        }
        "alter_column" => {
            let (Some(table), Some(column)) = (name("table_name", 0), name("column_name", 1))
            else {
                return vec![];
            };
            let mut ops = Vec::new();
            if c.kw("nullable").and_then(|r| src.boolean(r)) == Some(false) {
                ops.push(Op::SetNotNull {
                    table: table.clone(),
                    column: column.clone(),
                });
            }
            if c.kw("type_").is_some() {
                ops.push(Op::AlterType {
                    table: table.clone(),
                    column: column.clone(),
                });
            }
            if let Some(to) = c.kw("new_column_name").and_then(|r| src.name(r)) {
                ops.push(Op::RenameColumn {
                    table,
                    from: column,
                    to,
                });
            }
            ops
        }
        "create_index" | "create_unique_constraint" => {
            let Some(table) = name("table_name", 1) else {
                return vec![];
            };
            let unique = c.name == "create_unique_constraint" || is_true("unique");
            vec![Op::CreateIndex {
                table,
                name: c
                    .arg(
                        if unique && c.name != "create_index" {
                            "constraint_name"
                        } else {
                            "index_name"
                        },
                        0,
                    )
                    .and_then(index_name),
                unique,
                concurrently: is_true("postgresql_concurrently"),
            }]
        }
        "create_foreign_key" | "create_check_constraint" => {
            let key = if c.name == "create_foreign_key" {
                "source_table"
            } else {
                "table_name"
            };
            let Some(table) = name(key, 1) else {
                return vec![];
            };
            vec![Op::AddConstraint {
                table,
                name: c.arg("constraint_name", 0).and_then(index_name),
                kind: if c.name == "create_foreign_key" {
                    ConstraintKind::ForeignKey
                } else {
                    ConstraintKind::Check
                },
                not_valid: is_true("postgresql_not_valid"),
            }]
        }
        _ => vec![],
    }
}
