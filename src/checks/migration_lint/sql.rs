//! The SQL reader: a migration file → the [`Op`]s its statements perform.
//!
//! sqlparser's tokenizer splits the file (it knows `--` and `/* */`
//! comments, quoted strings and names, PostgreSQL's dollar quotes, so a
//! `;` or a `DROP TABLE` inside any of them is not a statement), each
//! statement is parsed on its own, and a statement sqlparser cannot parse
//! is skipped and counted: an unknown statement is never a finding.

use super::ops::{ConstraintKind, Located, Op};
use crate::migrations::dialect::Dialect;
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, Expr, FromTable, Ident,
    ObjectName, ObjectNamePart, ObjectType, Statement, TableConstraint, TableFactor, Value,
};
use sqlparser::dialect::{GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

/// What a file's statements do, and what could not be read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reading {
    pub ops: Vec<Located>,
    /// Statements seen (outside comments).
    pub statements: usize,
    /// The first line of each statement sqlparser could not parse (or of
    /// the whole file when it could not even be tokenized).
    pub unparsed: Vec<u32>,
}

/// Read `text` as `dialect` (`None`: not known, parsed permissively).
pub fn read(text: &str, dialect: Option<Dialect>) -> Reading {
    let mut reading = Reading::default();
    each_statement(text, dialect, |line, parsed| {
        reading.statements += 1;
        match parsed {
            Some(s) => reading
                .ops
                .extend(ops_of(s).into_iter().map(|op| Located { line, op })),
            None => reading.unparsed.push(line),
        }
    });
    reading
}

/// Call `f` with each statement's first line and its parse (`None`: not
/// parsed; the whole file once when it could not be tokenized). Also the
/// walker of `checks::database::sql_keys`, which reads keys, not ops.
pub(crate) fn each_statement(
    text: &str,
    dialect: Option<Dialect>,
    mut f: impl FnMut(u32, Option<&Statement>),
) {
    let (pg, my, lite, generic) = (
        PostgreSqlDialect {},
        MySqlDialect {},
        SQLiteDialect {},
        GenericDialect {},
    );
    let d: &dyn sqlparser::dialect::Dialect = match dialect {
        Some(Dialect::PostgreSql) => &pg,
        Some(Dialect::MySql) => &my,
        Some(Dialect::Sqlite) => &lite,
        Some(Dialect::Other) | None => &generic,
    };
    let Ok(tokens) = Tokenizer::new(d, text)
        .with_unescape(false)
        .tokenize_with_location()
    else {
        f(1, None);
        return;
    };
    for statement in split(tokens) {
        let Some(first) = statement.iter().find(|t| !is_blank(&t.token)) else {
            continue;
        };
        let line = u32::try_from(first.span.start.line).unwrap_or(u32::MAX);
        let mut parser = Parser::new(d).with_tokens_with_locations(statement);
        let parsed = parser
            .parse_statement()
            .ok()
            .filter(|_| parser.peek_token().token == Token::EOF);
        f(line, parsed.as_ref());
    }
}

/// Tokens split at top-level `;` (those inside strings, comments and
/// dollar quotes are part of one token already).
fn split(tokens: Vec<TokenWithSpan>) -> Vec<Vec<TokenWithSpan>> {
    let mut out = vec![Vec::new()];
    for t in tokens {
        if t.token == Token::SemiColon {
            out.push(Vec::new());
        } else if t.token != Token::EOF {
            if let Some(s) = out.last_mut() {
                s.push(t);
            }
        }
    }
    out
}

fn is_blank(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_) | Token::EOF)
}

/// The table or column name without quotes or schema.
pub(crate) fn last(name: &ObjectName) -> String {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(i)) => i.value.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

pub(crate) fn ident(i: &Ident) -> String {
    i.value.clone()
}

fn ops_of(s: &Statement) -> Vec<Op> {
    match s {
        Statement::CreateTable(t) => vec![Op::CreateTable {
            table: last(&t.name),
        }],
        Statement::CreateIndex(i) => vec![Op::CreateIndex {
            table: last(&i.table_name),
            name: i.name.as_ref().map(last),
            unique: i.unique,
            concurrently: i.concurrently,
        }],
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            temporary: false,
            ..
        } => names
            .iter()
            .map(|n| Op::DropTable { table: last(n) })
            .collect(),
        Statement::RenameTable(renames) => renames
            .iter()
            .map(|r| Op::RenameTable {
                from: last(&r.old_name),
                to: last(&r.new_name),
            })
            .collect(),
        Statement::Truncate(t) if t.partitions.is_none() => t
            .table_names
            .iter()
            .map(|t| Op::EmptyTable {
                table: last(&t.name),
            })
            .collect(),
        Statement::Delete(d) => deleted_all(d).into_iter().collect(),
        Statement::AlterTable(a) => {
            let table = last(&a.name);
            a.operations
                .iter()
                .filter_map(|op| alter_op(&table, op))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// `DELETE FROM t` with no condition, join or limit: every row.
fn deleted_all(d: &sqlparser::ast::Delete) -> Option<Op> {
    if d.selection.is_some() || d.using.is_some() || d.limit.is_some() || !d.tables.is_empty() {
        return None;
    }
    let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &d.from;
    let [only] = from.as_slice() else {
        return None;
    };
    match &only.relation {
        TableFactor::Table { name, .. } if only.joins.is_empty() => {
            Some(Op::EmptyTable { table: last(name) })
        }
        _ => None,
    }
}

fn alter_op(table: &str, op: &AlterTableOperation) -> Option<Op> {
    let table = table.to_string();
    Some(match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            let (not_null, has_default) = nullability(column_def);
            Op::AddColumn {
                table,
                column: ident(&column_def.name),
                not_null,
                has_default,
            }
        }
        AlterTableOperation::AlterColumn { column_name, op } => match op {
            AlterColumnOperation::SetNotNull => Op::SetNotNull {
                table,
                column: ident(column_name),
            },
            AlterColumnOperation::SetDataType { .. } => Op::AlterType {
                table,
                column: ident(column_name),
            },
            _ => return None,
        },
        // One operation may drop several columns; the first names them.
        AlterTableOperation::DropColumn { column_names, .. } => Op::DropColumn {
            table,
            column: column_names
                .iter()
                .map(ident)
                .collect::<Vec<_>>()
                .join(", "),
        },
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => Op::RenameColumn {
            table,
            from: ident(old_column_name),
            to: ident(new_column_name),
        },
        // MySQL's `CHANGE old new type`: a rename when the names differ
        // (the type may or may not change; unknown without the old one).
        AlterTableOperation::ChangeColumn {
            old_name, new_name, ..
        } if !old_name.value.eq_ignore_ascii_case(&new_name.value) => Op::RenameColumn {
            table,
            from: ident(old_name),
            to: ident(new_name),
        },
        AlterTableOperation::RenameTable { table_name } => {
            let (sqlparser::ast::RenameTableNameKind::As(n)
            | sqlparser::ast::RenameTableNameKind::To(n)) = table_name;
            Op::RenameTable {
                from: table,
                to: last(n),
            }
        }
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => {
            let (kind, name) = match constraint {
                TableConstraint::ForeignKey(fk) => (ConstraintKind::ForeignKey, fk.name.as_ref()),
                TableConstraint::Check(c) => (ConstraintKind::Check, c.name.as_ref()),
                _ => return None,
            };
            Op::AddConstraint {
                table,
                name: name.map(ident),
                kind,
                not_valid: *not_valid,
            }
        }
        _ => return None,
    })
}

/// (NOT NULL, has a default) for a new column: a primary key is NOT NULL;
/// serial types, identity, `AUTO_INCREMENT` and generated columns are
/// filled by the database; `DEFAULT NULL` is no default.
fn nullability(c: &ColumnDef) -> (bool, bool) {
    let mut not_null = false;
    let mut has_default = c
        .data_type
        .to_string()
        .to_ascii_uppercase()
        .contains("SERIAL");
    for o in &c.options {
        match &o.option {
            ColumnOption::NotNull | ColumnOption::PrimaryKey(_) => not_null = true,
            ColumnOption::Null => not_null = false,
            ColumnOption::Default(Expr::Value(v)) if v.value == Value::Null => {}
            ColumnOption::Default(_) | ColumnOption::Generated { .. } => has_default = true,
            other => {
                let text = other.to_string().to_ascii_uppercase();
                if text.contains("AUTO_INCREMENT")
                    || text.contains("AUTOINCREMENT")
                    || text.contains("IDENTITY")
                {
                    has_default = true;
                }
            }
        }
    }
    (not_null, has_default)
}
