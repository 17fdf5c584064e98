//! The Rails reader: the schema statements of an ActiveRecord migration
//! (`add_column`, `remove_column`, `add_index`, …) → [`Op`]s. What runs
//! going up is read: `change`, `up`, and the class body; `def down`
//! (`def self.down`) and a `reversible` block's `down` part are not.

use super::code::{block_end, closing, Call, Source};
use super::ops::{ConstraintKind, Located, Op};
use crate::lexer::Lang;
use regex::Regex;
use std::sync::LazyLock;

static CALLS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)(?:^|[^\w.:@$])(add_column|add_reference|add_belongs_to|change_column_null|remove_columns?|remove_reference|remove_belongs_to|rename_column|rename_table|drop_table|change_column|add_index|add_foreign_key|add_check_constraint|create_table)\b",
    )
    .expect("valid regex")
});
static DOWN_DEF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*def[ \t]+(?:self\.)?down\b").expect("valid regex"));
static DOWN_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.down[ \t]*(\{|do\b)").expect("valid regex"));

pub(super) fn read(text: &str) -> Vec<Located> {
    let mut src = Source::new(Lang::Ruby, text);
    let sk = src.skeleton.clone();
    for m in DOWN_DEF.find_iter(&sk) {
        src.skip.push(m.start()..block_end(&sk, m.start(), false));
    }
    for c in DOWN_BLOCK.captures_iter(&sk) {
        let (Some(all), Some(open)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let end = if open.as_str() == "{" {
            closing(&sk, open.start())
        } else {
            block_end(&sk, all.start(), false)
        };
        src.skip.push(all.start()..end);
    }
    src.ops(&CALLS, true, |c| ops(&src, c))
}

fn ops(src: &Source, c: &Call) -> Vec<Op> {
    let name = |i: usize| c.pos(i).and_then(|r| src.name(r));
    let is = |key: &str, v: &str| c.kw(key).is_some_and(|r| src.raw(r).trim() == v);
    let Some(table) = name(0) else {
        return Vec::new();
    };
    match c.name.as_str() {
        "create_table" => vec![Op::CreateTable { table }],
        "drop_table" => vec![Op::DropTable { table }],
        "rename_table" => name(1).map_or(vec![], |to| vec![Op::RenameTable { from: table, to }]),
        "add_column" => name(1).map_or(vec![], |column| {
            vec![Op::AddColumn {
                table,
                column,
                not_null: is("null", "false"),
                has_default: c.kw("default").is_some_and(|r| src.raw(r).trim() != "nil")
                    || is("virtual", "true"),
            }]
        }),
        "add_reference" | "add_belongs_to" => {
            name(1).map_or(vec![], |r| reference(src, c, table, r))
        }
        "change_column_null" => match (name(1), c.pos(2).and_then(|r| src.boolean(r))) {
            (Some(column), Some(false)) => vec![Op::SetNotNull { table, column }],
            _ => vec![],
        },
        "remove_column" => name(1).map_or(vec![], |column| vec![Op::DropColumn { table, column }]),
        "remove_columns" => (1..)
            .map_while(|i| c.pos(i))
            .filter_map(|r| src.name(r))
            .map(|column| Op::DropColumn {
                table: table.clone(),
                column,
            })
            .collect(),
        "remove_reference" | "remove_belongs_to" => name(1).map_or(vec![], |r| {
            vec![Op::DropColumn {
                table,
                column: format!("{r}_id"),
            }]
        }),
        "rename_column" => match (name(1), name(2)) {
            (Some(from), Some(to)) => vec![Op::RenameColumn { table, from, to }],
            _ => vec![],
        },
        "change_column" => name(1).map_or(vec![], |column| vec![Op::AlterType { table, column }]),
        "add_index" => vec![Op::CreateIndex {
            table,
            name: c.kw("name").and_then(|r| src.name(r)),
            unique: is("unique", "true"),
            concurrently: is("algorithm", ":concurrently"),
        }],
        "add_foreign_key" | "add_check_constraint" => vec![Op::AddConstraint {
            table,
            name: c.kw("name").and_then(|r| src.name(r)),
            kind: if c.name == "add_foreign_key" {
                ConstraintKind::ForeignKey
            } else {
                ConstraintKind::Check
            },
            not_valid: is("validate", "false"),
        }],
        _ => vec![],
    }
}

/// `add_reference :posts, :user, null: false, foreign_key: true`: the
/// `user_id` column, its index unless `index: false`, and its foreign key
/// when asked for.
fn reference(src: &Source, c: &Call, table: String, r: String) -> Vec<Op> {
    let raw = |key: &str| c.kw(key).map(|v| src.raw(v).trim());
    let mut ops = vec![Op::AddColumn {
        table: table.clone(),
        column: format!("{r}_id"),
        not_null: raw("null") == Some("false"),
        has_default: false,
    }];
    if raw("index") != Some("false") {
        let index = raw("index").unwrap_or("");
        ops.push(Op::CreateIndex {
            table: table.clone(),
            name: None,
            unique: index.contains("unique: true"),
            concurrently: index.contains("algorithm: :concurrently"),
        });
    }
    if let Some(fk) = raw("foreign_key").filter(|v| *v != "false" && *v != "nil") {
        ops.push(Op::AddConstraint {
            table,
            name: None,
            kind: ConstraintKind::ForeignKey,
            not_valid: fk.contains("validate: false"),
        });
    }
    ops
}
