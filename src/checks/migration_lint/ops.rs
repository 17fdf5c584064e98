//! What a migration does to the schema, whatever it is written in: the SQL
//! reader (`sql.rs`) and the readers of code DSLs (`rails.rs`' `add_column`,
//! `django.rs`' `AddField`, `alembic.rs`' `op.add_column`) produce these,
//! so the rules judge one shape.

/// A table or column name as written, without quotes or schema
/// (`"public"."User"` is `User`).
pub type Name = String;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    CreateTable {
        table: Name,
    },
    /// Every row deleted (`TRUNCATE`, `DELETE` without `WHERE`): from here
    /// on the table is as empty as a new one.
    EmptyTable {
        table: Name,
    },
    AddColumn {
        table: Name,
        column: Name,
        not_null: bool,
        /// A `DEFAULT`, or a value the database fills in itself (serial,
        /// identity, `AUTO_INCREMENT`, generated columns).
        has_default: bool,
    },
    SetNotNull {
        table: Name,
        column: Name,
    },
    CreateIndex {
        table: Name,
        name: Option<Name>,
        unique: bool,
        concurrently: bool,
    },
    DropTable {
        table: Name,
    },
    DropColumn {
        table: Name,
        column: Name,
    },
    RenameTable {
        from: Name,
        to: Name,
    },
    RenameColumn {
        table: Name,
        from: Name,
        to: Name,
    },
    AlterType {
        table: Name,
        column: Name,
    },
    AddConstraint {
        table: Name,
        name: Option<Name>,
        kind: ConstraintKind,
        not_valid: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    ForeignKey,
    Check,
}

impl Op {
    /// The existing table the operation changes (for a rename, the old
    /// name).
    pub fn table(&self) -> &str {
        match self {
            Op::CreateTable { table }
            | Op::EmptyTable { table }
            | Op::AddColumn { table, .. }
            | Op::SetNotNull { table, .. }
            | Op::CreateIndex { table, .. }
            | Op::DropTable { table }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterType { table, .. }
            | Op::AddConstraint { table, .. } => table,
            Op::RenameTable { from, .. } => from,
        }
    }
}

/// An operation and the line its statement starts on (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub line: u32,
    pub op: Op,
}
