//! The fuzz targets' bodies, shared by `fuzz/fuzz_targets/*` (libFuzzer) and
//! `tests/fuzz_corpus.rs`, which replays the checked-in corpus and crash
//! regressions (`fuzz/seeds/`, `fuzz/regressions/`) on every `cargo test`.
//! Each function panics exactly when the property it fuzzes is broken.

use crate::checks::{Context, FileChecker};
use crate::config::Settings;
use crate::lexer::{lex, mask, Lang, RegionKind};
use crate::migrations::{discover, normalize, RepoFile};
use crate::workspace::SourceFile;
use std::path::Path;
use std::sync::LazyLock;

/// `dotenv::parse` never panics, overflows or hangs on any input.
pub fn dotenv(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let _ = crate::env::dotenv::parse(&s);
}

/// Reading a config (parse, then the registry's rule checks) returns `Ok` or
/// `Err`, never panics.
pub fn config(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let _ = crate::registry::parse_settings(&s, "fuzz.yml");
}

/// `lex` in the language the first byte picks keeps its contract: regions
/// contiguous, non-empty, covering the text, on char boundaries; `mask`
/// keeps the length for every kind.
pub fn lexer(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let lang = Lang::ALL[usize::from(first) % Lang::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    let regions = lex(lang, &text);
    let mut pos = 0;
    for r in &regions {
        assert_eq!(r.start, pos, "{lang:?}: gap or overlap at {pos}");
        assert!(r.end > r.start, "{lang:?}: empty region at {pos}");
        assert!(
            text.is_char_boundary(r.end),
            "{lang:?}: {} not a char boundary",
            r.end
        );
        pos = r.end;
    }
    assert_eq!(pos, text.len(), "{lang:?}: regions do not cover the text");
    for keep in [RegionKind::Code, RegionKind::Comment, RegionKind::String] {
        assert_eq!(mask(&text, &regions, keep).len(), text.len());
    }
}

/// Migration-looking paths, one per framework family.
const MIGRATION_PATHS: [&str; 12] = [
    "prisma/migrations/20250101000000_x/migration.sql",
    "prisma/schema.prisma",
    "alembic/versions/a.py",
    "app/migrations/0001_x.py",
    "app/models.py",
    "db/migrate/20240101000000_x.rb",
    "db/schema.rb",
    "drizzle/meta/_journal.json",
    "drizzle/0000_x.sql",
    "migrations/1_x.up.sql",
    "db/migration/V1__x.sql",
    "knexfile.js",
];

/// Migration discovery on up to eight files built from the input (split on
/// NUL; each chunk's first byte picks a migration-looking path), and the
/// Prisma schema normaliser on the whole input: never a panic.
pub fn migrations(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut files: Vec<RepoFile> = Vec::new();
    for chunk in text.split('\0').take(8) {
        let (pick, body) = match chunk.as_bytes().first() {
            Some(&b) => (usize::from(b), chunk.get(1..).unwrap_or("")),
            None => (files.len(), ""),
        };
        let rel = MIGRATION_PATHS[pick % MIGRATION_PATHS.len()];
        // A real repository never holds two files at one path.
        if files.iter().any(|f| f.rel == rel) {
            continue;
        }
        files.push(RepoFile {
            rel: rel.to_string(),
            text: body.to_string(),
        });
    }
    for f in &files {
        assert!(discover::is_relevant(&f.rel), "{}", f.rel);
    }
    let _ = discover::discover(&files);
    let _ = normalize::prisma(&text);
}

/// A path per language family and kind of file; the first byte picks one.
const CHECK_PATHS: [&str; 18] = [
    "src/a.ts",
    "src/a.tsx",
    "src/a.js",
    "src/a.test.ts",
    "src/a.py",
    "src/a.rb",
    "src/main.rs",
    "src/a.go",
    "src/a.php",
    "src/A.java",
    "src/a.kt",
    "src/A.vue",
    "src/A.svelte",
    "deploy.sh",
    "docker-compose.yml",
    ".env.example",
    "prisma/schema.prisma",
    "db/q.sql",
];

/// Every rule on, every file production code and a test file, nothing
/// allowed: the most code paths per input.
static ALL_ON: LazyLock<Settings> = LazyLock::new(|| {
    Settings::parse(
        "production-code:\n  exclude: []\ntest-files: ['**']\nminified-line-length: 0\n\
         rules:\n  debug/print: error\n  debug/console:\n    allow: []\n",
        "fuzz.yml",
    )
    .expect("the fuzz settings parse")
});

/// Every per-file check on one file whose path (and so language) the first
/// byte picks: never a panic, and every finding is placed inside the file
/// with its caret inside the line it shows.
pub fn checks(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let path = CHECK_PATHS[usize::from(first) % CHECK_PATHS.len()];
    let text = String::from_utf8_lossy(rest);
    let Some(lang) = Lang::detect(Path::new(path), text.lines().next().unwrap_or("")) else {
        return;
    };
    let settings = &*ALL_ON;
    let checker = FileChecker::new(Context {
        settings,
        today: (2026, 11, 26),
        online: true,
    });
    let outcome = checker.check(&SourceFile::new(path, lang, &text, settings));
    let lines = text.split('\n').count() as u32;
    for f in &outcome.findings {
        let span = f.span.as_ref().expect("a per-file finding has a place");
        assert!(
            (1..=lines).contains(&span.line) && span.column >= 1,
            "{}: {span:?} outside a {lines}-line file",
            f.rule
        );
        let shown = f.source_line.as_deref().unwrap_or("");
        assert!(
            f.source_caret as usize <= shown.chars().count(),
            "{}: caret {} past {shown:?}",
            f.rule,
            f.source_caret
        );
    }
}

/// The secrets the redaction target plants: the fuzz input's bytes 0x01
/// and 0x02 become these, wherever the fuzzer puts them (inside quotes,
/// glued to other text, across lines, in keys, in comments).
const PLANTED: [&str; 2] = [
    "Zq8pL2vR9wK4mN7hJ3xB6tY1cF5gD0sA",
    // shipcheck-ignore: stripe/live-key-in-repo -- a made-up key the fuzz target checks is never printed
    "sk_live_51HqLyjWDarjtT1zdp7dcXbBnq4hW3T9fQa",
];

/// Split input: env file text, then (after the first 0xFF) source text.
fn planted(data: &[u8]) -> (String, String) {
    let (env, src) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let expand = |b: &[u8]| {
        let mut out = String::new();
        for chunk in String::from_utf8_lossy(b).split_inclusive(['\u{1}', '\u{2}']) {
            match chunk.strip_suffix('\u{1}') {
                Some(head) => {
                    out.push_str(head);
                    out.push_str(PLANTED[0]);
                }
                None => match chunk.strip_suffix('\u{2}') {
                    Some(head) => {
                        out.push_str(head);
                        out.push_str(PLANTED[1]);
                    }
                    None => out.push_str(chunk),
                },
            }
        }
        out
    };
    (expand(env), expand(src))
}

/// The whole pipeline on a repository whose production env file and source
/// file the input writes, with the two planted secrets wherever it puts
/// them: when the env file gives `JWT_SECRET` or `API_TOKEN` a value that
/// holds a planted secret, no 8-character slice of that secret's private
/// part appears in any of the six rendered formats; and the run never
/// fails on the input.
pub fn redaction(data: &[u8]) {
    use crate::engine::{check, CheckOptions};
    use crate::report::{Format, TextOptions};
    crate::redact::forget_all_for_fuzzing();
    // First byte, lowest bit: 0 appends `JWT_SECRET=<S1>` and
    // `API_TOKEN="<S2>"` (the secrets are then always registered whole);
    // 1 leaves the env file as the input wrote it, so what it assigns may
    // be only a part of a planted secret, or more than one.
    let Some((&mode, data)) = data.split_first() else {
        return;
    };
    let (env_text, src_text) = planted(data);
    let env_text = if mode & 1 == 0 {
        format!(
            "{env_text}\nJWT_SECRET={}\nAPI_TOKEN=\"{}\"\n",
            PLANTED[0], PLANTED[1]
        )
    } else {
        env_text
    };
    // One folder per process, rewritten for each input.
    let root =
        std::env::temp_dir().join(format!("shipcheck-fuzz-redaction-{}", std::process::id()));
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("under root")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write(".env.example", "JWT_SECRET=\nAPI_TOKEN=\n");
    write(".env.production", &env_text);
    write("src/app.ts", &src_text);
    let ctx = crate::run_context::RunContext::from_vars(
        Default::default(),
        crate::date::parse_date("2026-11-26").expect("a date"),
    )
    .expect("no SHIPCHECK_TODAY to misread");
    let report = check(
        &CheckOptions {
            root: root.clone(),
            branch: Some("main".into()),
            ..CheckOptions::default()
        },
        &ctx,
    );
    let report = report.expect("the run does its job on any env and source text");
    // Which planted values the env file really assigned to a secret name.
    let parsed = crate::env::dotenv::parse(&env_text);
    for secret in PLANTED {
        let assigned = parsed.entries.iter().any(|e| {
            matches!(e.key.as_str(), "JWT_SECRET" | "API_TOKEN") && e.value.contains(secret)
        });
        if !assigned {
            continue;
        }
        let prefix = if secret.starts_with("sk_live_") { 8 } else { 0 };
        let private = &secret[prefix..secret.len() - 4];
        for format in [
            Format::Text,
            Format::Json,
            Format::Sarif,
            Format::Github,
            Format::Markdown,
            Format::Junit,
        ] {
            let out = String::from_utf8(format.render(&report, TextOptions { color: false }))
                .expect("rendered text is UTF-8");
            for i in 0..=private.len() - 8 {
                let slice = &private[i..i + 8];
                assert!(
                    !out.contains(slice),
                    "{} shows part of a planted secret",
                    format.name()
                );
            }
        }
    }
}

/// The frameworks and declared dialects `migration_sql`'s first byte picks.
const LINT_FRAMEWORKS: [crate::migrations::Framework; 7] = {
    use crate::migrations::Framework::*;
    [
        Prisma,
        DrizzleJournal,
        Goose,
        Sqlx,
        Flyway,
        GolangMigrate,
        Diesel,
    ]
};
const LINT_DIALECTS: [Option<crate::migrations::dialect::Dialect>; 4] = {
    use crate::migrations::dialect::Dialect::*;
    [None, Some(PostgreSql), Some(MySql), Some(Sqlite)]
};

/// The migration lint (`checks::migration_lint`) on one new SQL migration
/// whose framework and declared dialect the first byte picks: never a panic
/// (sqlparser's recursion limit included), and every finding on a line of
/// the file.
pub fn migration_sql(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let framework = LINT_FRAMEWORKS[usize::from(pick) % LINT_FRAMEWORKS.len()];
    let dialect = LINT_DIALECTS[usize::from(pick) / LINT_FRAMEWORKS.len() % LINT_DIALECTS.len()];
    let lint =
        crate::checks::migration_lint::lint_set(framework, dialect, &[("m/1_x.up.sql", &text)]);
    let lines = text.split('\n').count();
    for v in &lint.verdicts {
        assert!(
            v.line >= 1 && v.line as usize <= lines,
            "{} at line {} of {lines}",
            v.rule.id,
            v.line
        );
    }
}

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/` and `fuzz/seeds/` name them.
pub const TARGETS: [(&str, Target); 7] = [
    ("checks", checks),
    ("config", config),
    ("dotenv", dotenv),
    ("lexer", lexer),
    ("migration_sql", migration_sql),
    ("migrations", migrations),
    ("redaction", redaction),
];
