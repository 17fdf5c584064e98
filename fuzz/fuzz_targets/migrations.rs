#![no_main]

use libfuzzer_sys::fuzz_target;
use shipcheck::migrations::{discover, normalize, RepoFile};

/// Migration-looking paths, one per framework family.
const PATHS: [&str; 12] = [
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

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Chunks separated by NUL; the first byte of each picks its path.
    let mut files = Vec::new();
    for chunk in text.split('\0').take(8) {
        let (pick, body) = match chunk.as_bytes().first() {
            Some(&b) => (usize::from(b), chunk.get(1..).unwrap_or("")),
            None => (files.len(), ""),
        };
        let rel = PATHS[pick % PATHS.len()];
        // A real repository never holds two files at one path.
        if files.iter().any(|f: &RepoFile| f.rel == rel) {
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
});
