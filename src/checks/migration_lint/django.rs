//! The Django reader: a migration's operations (`migrations.AddField`,
//! `RemoveField`, `AddIndex`, …) → [`Op`]s. A table is named as Django
//! names it by default, `<app label>_<model>`, the app label being the
//! folder above `migrations/`. Operations inside
//! `SeparateDatabaseAndState(state_operations=[…])` change no table and
//! are not read; `RunSQL` and `RunPython` are not read either, nor
//! `AlterField` (without the field's previous definition a type change
//! cannot be told from a restatement).

use super::code::{closing, keyword, Arg, Call, Source};
use super::ops::{ConstraintKind, Located, Op};
use crate::lexer::Lang;
use regex::Regex;
use std::sync::LazyLock;

static CALLS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^\w])(CreateModel|DeleteModel|RenameModel|AddField|RemoveField|RenameField|AddIndex|AddIndexConcurrently|AddConstraint|AddConstraintNotValid)\b",
    )
    .expect("valid regex")
});
static STATE_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"state_operations[ \t]*=[ \t]*\[").expect("valid regex"));

/// Read the migration at `path` (`<app>/migrations/0002_x.py`).
pub(super) fn read(path: &str, text: &str) -> Vec<Located> {
    let app = path
        .rsplit('/')
        .nth(2)
        .unwrap_or("app")
        .to_ascii_lowercase();
    let mut src = Source::new(Lang::Python, text);
    let sk = src.skeleton.clone();
    for m in STATE_ONLY.find_iter(&sk) {
        src.skip.push(m.start()..closing(&sk, m.end() - 1));
    }
    src.ops(&CALLS, false, |c| ops(&src, &app, c))
}

fn ops(src: &Source, app: &str, c: &Call) -> Vec<Op> {
    let name = |key: &str, i: usize| c.arg(key, i).and_then(|r| src.name(r));
    let table = |model: String| format!("{app}_{}", model.to_ascii_lowercase());
    let column = |field: String| field.to_ascii_lowercase();
    let model = if c.name.ends_with("Model") && c.name != "RenameModel" {
        name("name", 0)
    } else if c.name == "RenameModel" {
        name("old_name", 0)
    } else {
        name("model_name", 0)
    };
    let Some(t) = model.map(table) else {
        return Vec::new();
    };
    match c.name.as_str() {
        "CreateModel" => vec![Op::CreateTable { table: t }],
        "DeleteModel" => vec![Op::DropTable { table: t }],
        "RenameModel" => name("new_name", 1).map_or(vec![], |to| {
            vec![Op::RenameTable {
                from: t,
                to: table(to),
            }]
        }),
        "RemoveField" => name("name", 1).map_or(vec![], |f| {
            vec![Op::DropColumn {
                table: t,
                column: column(f),
            }]
        }),
        "RenameField" => match (name("old_name", 1), name("new_name", 2)) {
            (Some(from), Some(to)) => vec![Op::RenameColumn {
                table: t,
                from: column(from),
                to: column(to),
            }],
            _ => vec![],
        },
        "AddField" => match (
            name("name", 1),
            c.arg("field", 2).and_then(|r| src.inner_call(r)),
        ) {
            (Some(f), Some((callee, args))) => add_field(src, t, column(f), &callee, &args),
            _ => vec![],
        },
        "AddIndex" | "AddIndexConcurrently" => {
            let Some((_, index)) = c.arg("index", 1).and_then(|r| src.inner_call(r)) else {
                return vec![];
            };
            vec![Op::CreateIndex {
                table: t,
                name: keyword(&index, "name").and_then(|r| src.name(r)),
                unique: false,
                concurrently: c.name == "AddIndexConcurrently",
            }]
        }
        "AddConstraint" | "AddConstraintNotValid" => {
            let Some((kind, args)) = c.arg("constraint", 1).and_then(|r| src.inner_call(r)) else {
                return vec![];
            };
            let name = keyword(&args, "name").and_then(|r| src.name(r));
            if kind.ends_with("UniqueConstraint") {
                vec![Op::CreateIndex {
                    table: t,
                    name,
                    unique: true,
                    concurrently: false,
                }]
            } else if kind.ends_with("CheckConstraint") {
                vec![Op::AddConstraint {
                    table: t,
                    name,
                    kind: ConstraintKind::Check,
                    not_valid: c.name == "AddConstraintNotValid",
                }]
            } else {
                vec![]
            }
        }
        _ => vec![],
    }
}

/// `AddField(…, field=models.X(…))`: the column (NOT NULL unless
/// `null=True`: Django's default), and the index and foreign key Django
/// creates with it (`db_index`, `unique`, a `ForeignKey`'s own index and
/// constraint).
fn add_field(src: &Source, table: String, column: String, callee: &str, args: &[Arg]) -> Vec<Op> {
    let kind = callee.rsplit('.').next().unwrap_or(callee);
    if kind == "ManyToManyField" || kind == "GeneratedField" {
        return vec![];
    }
    let flag = |key: &str| keyword(args, key).map(|r| src.boolean(r));
    // A `null=` Django reads at run time: say nothing.
    let Some(null) = flag("null").unwrap_or(Some(false)) else {
        return vec![];
    };
    let default = |key: &str| keyword(args, key).is_some_and(|r| src.raw(r).trim() != "None");
    let relation = matches!(kind, "ForeignKey" | "OneToOneField");
    let column = if relation {
        format!("{column}_id")
    } else {
        column
    };
    let mut ops = vec![Op::AddColumn {
        table: table.clone(),
        column,
        not_null: !null,
        has_default: default("default") || default("db_default") || kind.ends_with("AutoField"),
    }];
    let unique = flag("unique") == Some(Some(true)) || kind == "OneToOneField";
    let indexed = match flag("db_index") {
        Some(Some(v)) => v,
        Some(None) => false,
        None => relation || kind == "SlugField",
    };
    if unique || indexed {
        ops.push(Op::CreateIndex {
            table: table.clone(),
            name: None,
            unique,
            concurrently: false,
        });
    }
    if relation && flag("db_constraint") != Some(Some(false)) {
        ops.push(Op::AddConstraint {
            table,
            name: None,
            kind: ConstraintKind::ForeignKey,
            not_valid: false,
        });
    }
    ops
}
