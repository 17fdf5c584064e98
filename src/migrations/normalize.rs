//! Schema files compared for what reaches the database: comments and
//! formatting never count, and for Prisma neither do `generator` blocks nor
//! attributes the client evaluates (`@updatedAt`, `@default(uuid())`, …).

use crate::lexer::{self, Lang, RegionKind};
use regex::Regex;
use std::sync::LazyLock;

/// `generator` and `datasource` blocks configure the client and the
/// connection (Prisma 7 moves the `url` out of the schema): no table
/// changes, no migration. (A provider change is `migrations/layout`'s
/// P3019.)
static GENERATOR_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)\b(?:generator|datasource)\s+\w+\s*\{[^}]*\}").expect("valid pattern")
});
/// Attributes Prisma Client fills in itself; the column is unchanged.
static CLIENT_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"@updatedAt\b|@default\(\s*(?:cuid|uuid|nanoid|ulid)\s*\([^)]*\)\s*\)")
        .expect("valid pattern")
});

/// `text` without comments, with every run of whitespace as one space.
fn without_comments(lang: Lang, text: &str) -> String {
    let regions = lexer::lex(lang, text);
    let mut out = String::with_capacity(text.len());
    for r in regions.iter().filter(|r| r.kind != RegionKind::Comment) {
        out.push_str(&text[r.start..r.end]);
        out.push(' ');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Prisma schema as the database sees it.
pub fn prisma(text: &str) -> String {
    let code = without_comments(Lang::Prisma, text);
    let code = GENERATOR_BLOCK.replace_all(&code, "");
    let code = CLIENT_ONLY.replace_all(&code, "");
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Any other schema file (Rails `schema.rb`, Drizzle schema modules): code
/// and strings, comments and layout ignored.
pub fn code(lang: Lang, text: &str) -> String {
    without_comments(lang, text)
}

/// Does a changed line of a Django models module touch the database shape
/// (a field, a model class, its `Meta`)? Methods and properties do not.
pub fn django_line_matters(line: &str) -> bool {
    static FIELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:\w+\s*=\s*(?:models\.)?\w*(?:Field|Key|ManyToMany\w*|OneToOne\w*)\s*\(|class\s+\w+\s*\(.*Model.*\)\s*:|class\s+Meta\b|(?:db_table|unique_together|index_together|indexes|constraints|ordering)\s*=)")
            .expect("valid pattern")
    });
    FIELD.is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prisma_comment_format_and_client_only_edits_do_not_count() {
        let base = "generator client {\n  provider = \"prisma-client-js\"\n}\n\nmodel User {\n  id    String @id @default(cuid())\n  email String @unique\n}\n";
        let same = [
            "// the users\ngenerator client {\n  provider = \"prisma-client-js\"\n  previewFeatures = [\"x\"]\n}\nmodel User {\n  /// primary key\n  id String @id @default(uuid())\n  email   String   @unique // login\n}\n",
            "model User {\n  id String @id\n  email String @unique\n}\n",
            // the Prisma 7 upgrade: the datasource loses its url
            "datasource db {\n  provider = \"postgresql\"\n}\nmodel User {\n  id String @id\n  email String @unique\n}\n",
        ];
        for s in same {
            assert_eq!(prisma(base), prisma(s), "{s}");
        }
        let changed = "model User {\n  id String @id @default(cuid())\n  email String @unique\n  name String?\n}\n";
        assert_ne!(prisma(base), prisma(changed));
        let literal = "model User {\n  id String @id @default(\"x\")\n  email String @unique\n}\n";
        assert_ne!(
            prisma(base),
            prisma(literal),
            "a literal default is a database default"
        );
    }

    #[test]
    fn django_field_lines() {
        for yes in [
            "    title = models.CharField(max_length=200)",
            "class Course(models.Model):",
            "    class Meta:",
            "    price = MoneyField(default=0)",
            "        ordering = ['-created']",
        ] {
            assert!(django_line_matters(yes), "{yes}");
        }
        for no in [
            "    def __str__(self):",
            "        return self.title",
            "    @property",
            "# a comment",
        ] {
            assert!(!django_line_matters(no), "{no}");
        }
    }
}
