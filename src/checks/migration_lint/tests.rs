use super::*;
use proptest::prelude::*;

const PG: Option<Dialect> = Some(Dialect::PostgreSql);
const MY: Option<Dialect> = Some(Dialect::MySql);

/// The rule ids and lines `sql` (one new migration) gets.
fn hits(framework: Framework, dialect: Option<Dialect>, sql: &str) -> Vec<(&'static str, u32)> {
    lint_set(framework, dialect, &[("m/1.sql", sql)])
        .verdicts
        .iter()
        .map(|v| (v.rule.id, v.line))
        .collect()
}

fn one(framework: Framework, dialect: Option<Dialect>, sql: &str) -> Verdict {
    let lint = lint_set(framework, dialect, &[("m/1.sql", sql)]);
    assert_eq!(lint.verdicts.len(), 1, "{sql}: {:?}", lint.verdicts);
    lint.verdicts[0].clone()
}

const NN: &str = "migrations/unsafe-not-null";
const IDX: &str = "migrations/blocking-index";
const DES: &str = "migrations/destructive";
const CON: &str = "migrations/unvalidated-constraint";

#[test]
fn each_rule_fires_on_an_existing_table() {
    type Case = (
        Option<Dialect>,
        &'static str,
        &'static [(&'static str, u32)],
    );
    let cases: &[Case] = &[
        (PG, "ALTER TABLE \"User\" ADD COLUMN \"role\" TEXT NOT NULL;", &[(NN, 1)]),
        (PG, "ALTER TABLE users ADD COLUMN id2 INTEGER PRIMARY KEY;", &[(NN, 1)]),
        (MY, "ALTER TABLE `User` ADD COLUMN `role` VARCHAR(191) NOT NULL;", &[(NN, 1)]),
        (None, "ALTER TABLE users ADD COLUMN role text NOT NULL;", &[(NN, 1)]),
        (PG, "\n\nALTER TABLE \"User\" ALTER COLUMN \"email\" SET NOT NULL;", &[(NN, 3)]),
        (PG, "CREATE INDEX \"Post_a_idx\" ON \"Post\"(\"a\");", &[(IDX, 1)]),
        (PG, "CREATE UNIQUE INDEX IF NOT EXISTS p_a ON public.post (a);", &[(IDX, 1)]),
        (PG, "DROP TABLE \"Old\";", &[(DES, 1)]),
        (MY, "DROP TABLE `Old`;", &[(DES, 1)]),
        (PG, "ALTER TABLE \"User\" DROP COLUMN \"name\";", &[(DES, 1)]),
        (PG, "ALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"fullName\";", &[(DES, 1)]),
        (PG, "ALTER TABLE \"User\" RENAME TO \"Account\";", &[(DES, 1)]),
        (MY, "RENAME TABLE `a` TO `b`;", &[(DES, 1)]),
        (MY, "ALTER TABLE `a` CHANGE `x` `y` INT NOT NULL;", &[(DES, 1)]),
        (PG, "ALTER TABLE \"User\" ALTER COLUMN \"age\" SET DATA TYPE BIGINT;", &[(DES, 1)]),
        (PG, "ALTER TABLE \"User\" ALTER COLUMN \"age\" TYPE BIGINT USING age::bigint;", &[(DES, 1)]),
        (PG, "ALTER TABLE \"Post\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"a\") REFERENCES \"User\"(\"id\") ON DELETE CASCADE;", &[(CON, 1)]),
        (PG, "ALTER TABLE t ADD CONSTRAINT c CHECK (n > 0);", &[(CON, 1)]),
        // Only some rows deleted: still an existing table.
        (PG, "DELETE FROM t WHERE a IS NULL;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;", &[(NN, 2)]),
        (
            PG,
            "ALTER TABLE \"T\" ADD COLUMN \"a\" INT NOT NULL,\nADD COLUMN \"b\" INT;\nCREATE INDEX i ON \"T\"(a);",
            &[(NN, 1), (IDX, 3)],
        ),
    ];
    for (dialect, sql, want) in cases {
        assert_eq!(hits(Framework::Prisma, *dialect, sql), *want, "{sql}");
    }
}

#[test]
fn safe_forms_and_decoys_are_quiet() {
    let cases: &[(Option<Dialect>, &str)] = &[
        (PG, "ALTER TABLE \"User\" ADD COLUMN \"role\" TEXT NOT NULL DEFAULT 'user';"),
        (PG, "ALTER TABLE \"User\" ADD COLUMN \"role\" TEXT;"),
        (PG, "ALTER TABLE t ADD COLUMN id BIGSERIAL PRIMARY KEY;"),
        (PG, "ALTER TABLE t ADD COLUMN id INT GENERATED ALWAYS AS IDENTITY NOT NULL;"),
        (MY, "ALTER TABLE `t` ADD COLUMN `id` INT NOT NULL AUTO_INCREMENT;"),
        (PG, "CREATE INDEX CONCURRENTLY \"i\" ON \"Post\"(\"a\");"),
        (PG, "ALTER TABLE \"Post\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"a\") REFERENCES \"User\"(\"id\") NOT VALID;"),
        (PG, "ALTER TABLE t ADD CONSTRAINT c CHECK (n > 0) NOT VALID;"),
        (PG, "ALTER TABLE t VALIDATE CONSTRAINT c;"),
        (MY, "CREATE INDEX `i` ON `Post`(`a`);"),
        (MY, "ALTER TABLE `t` ADD CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `u`(`id`);"),
        // In comments and strings.
        (PG, "-- ALTER TABLE \"User\" DROP COLUMN \"name\";\nSELECT 1;"),
        (PG, "/* DROP TABLE users; */ SELECT 1;"),
        (MY, "-- ALTER TABLE `t` DROP COLUMN `c`;\n# DROP TABLE `t`;\n/* RENAME TABLE a TO b; */\nINSERT INTO `t` VALUES ('ALTER TABLE t ADD c INT NOT NULL', \"DROP TABLE t\");"),
        (MY, "ALTER TABLE `t` ADD COLUMN `c` INT NOT NULL DEFAULT 0;"),
        (PG, "INSERT INTO notes (body) VALUES ('DROP TABLE users; ALTER TABLE t ADD COLUMN c INT NOT NULL');"),
        (PG, "CREATE FUNCTION f() RETURNS void AS $$ BEGIN DROP TABLE users; END $$ LANGUAGE plpgsql;"),
        // Not parsed: skipped, never guessed.
        (PG, "ALTER TABLE users FROBNICATE COLUMN x; DROP TABLE"),
        // An emptied table is as good as new.
        (PG, "DELETE FROM \"Profile\";\nALTER TABLE \"Profile\" ADD COLUMN \"userId\" INT NOT NULL;"),
        (PG, "TRUNCATE TABLE t;\nCREATE INDEX i ON t(a);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;"),
        // Temporary tables and other objects.
        (PG, "DROP VIEW v; DROP INDEX i; DROP TYPE \"Role\";"),
    ];
    for (dialect, sql) in cases {
        assert_eq!(hits(Framework::Prisma, *dialect, sql), vec![], "{sql}");
    }
}

#[test]
fn a_table_the_branch_creates_is_exempt_from_every_rule() {
    let first = "CREATE TABLE \"Tag\" (\"id\" SERIAL PRIMARY KEY);";
    let second = "ALTER TABLE \"Tag\" ADD COLUMN \"n\" TEXT NOT NULL;\n\
        ALTER TABLE \"Tag\" ALTER COLUMN \"n\" SET NOT NULL;\n\
        CREATE INDEX \"Tag_n\" ON \"Tag\"(\"n\");\n\
        ALTER TABLE \"Tag\" ADD CONSTRAINT \"c\" CHECK (length(n) > 0);\n\
        ALTER TABLE \"Tag\" RENAME COLUMN \"n\" TO \"name\";\n\
        ALTER TABLE \"Tag\" ALTER COLUMN \"name\" TYPE VARCHAR(10);\n\
        DROP TABLE \"Tag\";";
    let lint = lint_set(
        Framework::Prisma,
        PG,
        &[("a.sql", first), ("b.sql", second)],
    );
    assert_eq!(lint.verdicts, vec![]);
    // The same statements on a table the branch did not create.
    let lint = lint_set(Framework::Prisma, PG, &[("b.sql", second)]);
    assert_eq!(lint.verdicts.len(), 7, "{:?}", lint.verdicts);
}

#[test]
fn a_table_dropped_then_created_again_is_still_a_drop() {
    let sql = "DROP TABLE \"User\";\nCREATE TABLE \"User\" (\"id\" INT);";
    assert_eq!(hits(Framework::Prisma, PG, sql), vec![(DES, 1)]);
}

#[test]
fn a_rebuilt_table_is_not_dropped() {
    // Prisma's SQLite rebuild of an existing table.
    let sql = "PRAGMA foreign_keys=OFF;\n\
        CREATE TABLE \"new_User\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"name\" TEXT NOT NULL);\n\
        INSERT INTO \"new_User\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"User\";\n\
        DROP TABLE \"User\";\n\
        ALTER TABLE \"new_User\" RENAME TO \"User\";\n\
        CREATE UNIQUE INDEX \"User_name_key\" ON \"User\"(\"name\");";
    for d in [Some(Dialect::Sqlite), PG] {
        assert_eq!(hits(Framework::Prisma, d, sql), vec![], "{d:?}");
    }
}

#[test]
fn messages_differ_per_dialect_and_help_names_the_framework_way() {
    let pg = one(
        Framework::Prisma,
        PG,
        "ALTER TABLE \"User\" ADD COLUMN \"role\" TEXT NOT NULL;",
    );
    assert!(
        pg.message.contains("`role`") && pg.message.contains("`User`"),
        "{}",
        pg.message
    );
    assert!(pg.message.contains("fails"), "{}", pg.message);
    assert!(pg.help.contains("@default"), "{}", pg.help);
    let my = one(
        Framework::Prisma,
        MY,
        "ALTER TABLE `User` ADD COLUMN `role` INT NOT NULL;",
    );
    assert!(
        my.message.contains("'' or 0") && my.message.contains("silently"),
        "{}",
        my.message
    );
    let set = one(
        Framework::Sqlx,
        PG,
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    );
    assert!(
        set.help.contains("NOT VALID") && set.help.contains("VALIDATE CONSTRAINT"),
        "{}",
        set.help
    );
    let idx = one(Framework::Prisma, PG, "CREATE INDEX i ON t(a);");
    assert!(
        idx.help.contains("its own") && idx.help.contains("transaction"),
        "{}",
        idx.help
    );
    let idx = one(Framework::Sqlx, PG, "CREATE INDEX i ON t(a);");
    assert!(idx.help.contains("-- no-transaction"), "{}", idx.help);
    let ren = one(
        Framework::Prisma,
        PG,
        "ALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"full\";",
    );
    assert!(ren.help.contains("@map(\"name\")"), "{}", ren.help);
    let ren = one(
        Framework::Flyway,
        PG,
        "ALTER TABLE users RENAME COLUMN name TO full_name;",
    );
    assert!(ren.help.contains("expand/contract"), "{}", ren.help);
    let fk = one(
        Framework::Prisma,
        PG,
        "ALTER TABLE \"P\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"a\") REFERENCES \"U\"(\"id\");",
    );
    assert!(fk.help.contains("VALIDATE CONSTRAINT \"f\""), "{}", fk.help);
}

#[test]
fn postgres_only_rules_wait_for_the_dialect() {
    // Undecided dialect: no index or constraint finding, the rest holds.
    let sql = "CREATE INDEX i ON t(a);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);\nALTER TABLE t DROP COLUMN b;";
    assert_eq!(hits(Framework::Flyway, None, sql), vec![(DES, 3)]);
    // SQLite: NOT NULL without default fails on every table, locally first.
    let sql = "ALTER TABLE t ADD COLUMN c TEXT NOT NULL;";
    assert_eq!(hits(Framework::Sqlx, Some(Dialect::Sqlite), sql), vec![]);
    // Other databases are not linted at all.
    assert_eq!(
        hits(Framework::Prisma, Some(Dialect::Other), "DROP TABLE t;"),
        vec![]
    );
}

#[test]
fn dialect_from_statements_ignores_comments_and_strings() {
    let prisma_pg = "/*\n  Warnings:\n\n  - Added the required column `role` to the table `User` without a default value.\n*/\n\
        ALTER TABLE \"User\" ADD COLUMN \"role\" TEXT NOT NULL;";
    assert_eq!(dialect::from_statements([prisma_pg]), PG);
    assert_eq!(
        dialect::from_statements(["ALTER TABLE `User` ADD COLUMN `role` INT;"]),
        MY
    );
    assert_eq!(
        dialect::from_statements(["CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);"]),
        Some(Dialect::Sqlite)
    );
    assert_eq!(
        dialect::from_statements(["CREATE TABLE t (id BIGSERIAL, at TIMESTAMPTZ);"]),
        PG
    );
    assert_eq!(
        dialect::from_statements(["-- `x`\nCREATE TABLE t (id int);"]),
        None
    );
    assert_eq!(
        dialect::from_statements(["INSERT INTO t VALUES ('`');"]),
        None
    );
    // With an undecided dialect a Prisma Warnings comment does not make the
    // file MySQL: the PostgreSQL message.
    let v = one(Framework::Prisma, None, prisma_pg);
    assert!(v.message.contains("PostgreSQL fails"), "{}", v.message);
}

#[test]
fn goose_judges_the_up_section_only_and_down_scripts_never() {
    let goose = "-- +goose Up\n-- +goose StatementBegin\nALTER TABLE users DROP COLUMN a;\n-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE users;\n";
    assert_eq!(hits(Framework::Goose, PG, goose), vec![(DES, 3)]);
    let lint = lint_set(
        Framework::GolangMigrate,
        PG,
        &[
            ("m/1_x.down.sql", "DROP TABLE users;"),
            ("m/2_y.up.sql", "SELECT 1;"),
        ],
    );
    assert_eq!(lint.verdicts, vec![]);
    let lint = lint_set(
        Framework::Diesel,
        PG,
        &[("m/2024-01-01-000000_x/down.sql", "DROP TABLE users;")],
    );
    assert_eq!(lint.verdicts, vec![]);
    // Code frameworks are not read here.
    let lint = lint_set(
        Framework::Rails,
        PG,
        &[("db/migrate/1_x.rb", "DROP TABLE users;")],
    );
    assert_eq!(lint.verdicts, vec![]);
}

#[test]
fn drizzle_breakpoints_and_statement_lines() {
    let sql = "ALTER TABLE \"users\" ADD COLUMN \"a\" text NOT NULL;--> statement-breakpoint\nCREATE INDEX \"u_a\" ON \"users\" USING btree (\"a\");";
    assert_eq!(
        hits(Framework::DrizzleJournal, PG, sql),
        vec![(NN, 1), (IDX, 2)]
    );
}

#[test]
fn drizzle_mysql_breakpoints_are_not_read_as_sql() {
    // MySQL only reads `-- ` (with the space) as a comment; drizzle-kit
    // splits on the marker before the database sees it.
    let sql = "CREATE TABLE `keys` (`id` int);\n--> statement-breakpoint\nALTER TABLE `apis` ADD `plan` varchar(20) NOT NULL;";
    let lint = lint_set(Framework::DrizzleJournal, MY, &[("d/0001_x.sql", sql)]);
    assert_eq!(lint.files[0].2, Vec::<u32>::new(), "all parsed");
    assert_eq!(lint.verdicts.len(), 1);
    assert_eq!(lint.verdicts[0].line, 3);
}

#[test]
fn unparsed_statements_are_counted_not_judged() {
    let r = sql::read("SELECT 1;\nALTER TABLE t FROBNICATE;\nDROP TABLE t;", PG);
    assert_eq!(r.statements, 3);
    assert_eq!(r.unparsed, vec![2]);
    assert_eq!(
        r.ops,
        vec![Located {
            line: 3,
            op: Op::DropTable { table: "t".into() }
        }]
    );
    // An unterminated string: the file is one unread statement.
    let r = sql::read("DROP TABLE t; SELECT 'oops", PG);
    assert_eq!((r.statements, r.ops.len()), (1, 0));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Any text, any dialect: no panic.
    #[test]
    fn reading_never_panics(text in "\\PC{0,200}", d in 0..5u8) {
        let dialect = [PG, MY, Some(Dialect::Sqlite), Some(Dialect::Other), None][d as usize];
        let _ = lint_set(Framework::Prisma, dialect, &[("a.sql", &text)]);
        let _ = lint_set(Framework::Goose, dialect, &[("a.sql", &text)]);
    }

    /// SQL-shaped fragments glued together: no panic.
    #[test]
    fn sql_shaped_input_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("ALTER TABLE "), Just("\"t\" "), Just("`t` "), Just("ADD COLUMN "), Just("c INT "),
        Just("NOT NULL "), Just("DEFAULT 0 "), Just("CREATE "), Just("UNIQUE INDEX "), Just("ON "),
        Just("("), Just(")"), Just(";"), Just("DROP "), Just("TABLE "), Just("RENAME "), Just("TO "),
        Just("$$"), Just("'"), Just("--"), Just("/*"), Just("*/"), Just("\n"), Just("CONSTRAINT "),
        Just("FOREIGN KEY "), Just("CHECK "), Just("NOT VALID "), Just("ALTER COLUMN "), Just("SET "),
        Just("TYPE "), Just(","),
    ], 0..40)) {
        let text: String = parts.concat();
        for d in [PG, MY, Some(Dialect::Sqlite), None] {
            let _ = lint_set(Framework::Flyway, d, &[("a.sql", &text)]);
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = format!("SELECT {}1{};", "(".repeat(5000), ")".repeat(5000));
    let r = sql::read(&deep, PG);
    assert_eq!(r.unparsed, vec![1]);
}
