//! Each framework's migration checksum, recomputed from the file on disk
//! exactly as the framework computes it (reference §2, §4, §8, §14).

use sha2::{Digest, Sha256, Sha384};

/// What a tracking table recorded for an applied migration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// Prisma `checksum`: SHA-256 lowercase hex (legacy rows: unpadded).
    Prisma(String),
    /// sqlx `checksum`: SHA-384 raw bytes, read as hex.
    Sqlx(String),
    /// Flyway `checksum`: CRC32 as a signed 32-bit integer.
    Flyway(i32),
    /// Drizzle `hash`: SHA-256 hex.
    Drizzle(String),
}

impl Stored {
    /// Does the migration script (file bytes) still match?
    pub fn matches(&self, script: &[u8]) -> bool {
        match self {
            Stored::Prisma(c) => prisma_matches(script, c),
            Stored::Sqlx(c) => hex(&Sha384::digest(script)).eq_ignore_ascii_case(c.trim()),
            Stored::Flyway(c) => flyway_crc32(script) == *c,
            Stored::Drizzle(c) => sha256_hex(String::from_utf8_lossy(script).as_bytes())
                .eq_ignore_ascii_case(c.trim()),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 as lowercase hex (Prisma, Drizzle).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Prisma's `script_matches_checksum`: the script as read (UTF-8 text), with
/// `\r\n`→`\n`, or with `\n`→`\r\n`; a stored value that is non-empty and
/// not 64 characters long is a legacy row written without zero padding.
pub fn prisma_matches(script: &[u8], stored: &str) -> bool {
    let text = String::from_utf8_lossy(script);
    let legacy = !stored.is_empty() && stored.len() != 64;
    let render = |s: &str| {
        let digest = Sha256::digest(s.as_bytes());
        if legacy {
            digest.iter().map(|b| format!("{b:x}")).collect::<String>()
        } else {
            hex(&digest)
        }
    };
    render(&text) == stored
        || render(&text.replace("\r\n", "\n")) == stored
        || render(&text.replace('\n', "\r\n")) == stored
}

/// Flyway's `ChecksumCalculator`: CRC32 over the UTF-8 bytes of each line
/// without its terminator (`\n`, `\r` or `\r\n`), BOM dropped from the first
/// line, as a signed 32-bit integer.
pub fn flyway_crc32(script: &[u8]) -> i32 {
    let text = String::from_utf8_lossy(script);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut crc = crc32fast::Hasher::new();
    for line in text.split(['\r', '\n']) {
        crc.update(line.as_bytes());
    }
    i32::from_ne_bytes(crc.finalize().to_ne_bytes())
}

/// sqlx's `[migrate] ignored-chars = ["\r", "\uFEFF"]` (`sqlx.toml`): the
/// characters dropped from a script before it is hashed.
pub fn sqlx_ignored_chars(toml: &str) -> Vec<char> {
    let Some(start) = toml.find("ignored-chars") else {
        return Vec::new();
    };
    let rest = &toml[start..];
    let Some(open) = rest.find('[') else {
        return Vec::new();
    };
    let body = &rest[open + 1..];
    let body = &body[..body.find(']').unwrap_or(body.len())];
    let mut out = Vec::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => out.extend(chars.by_ref().take_while(|c| *c != '\'')),
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            let e = match chars.next() {
                                Some('r') => Some('\r'),
                                Some('n') => Some('\n'),
                                Some('t') => Some('\t'),
                                Some(q @ ('\\' | '"')) => Some(q),
                                Some(u @ ('u' | 'U')) => {
                                    let n = if u == 'u' { 4 } else { 8 };
                                    let hex: String = chars.by_ref().take(n).collect();
                                    u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                                }
                                _ => None,
                            };
                            out.extend(e);
                        }
                        c => out.push(c),
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The script as sqlx hashes it when `ignored-chars` is set.
pub fn without_chars(script: &[u8], ignored: &[char]) -> Vec<u8> {
    if ignored.is_empty() {
        return script.to_vec();
    }
    let text: String = String::from_utf8_lossy(script)
        .chars()
        .filter(|c| !ignored.contains(c))
        .collect();
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors computed independently:
    //   python3 -c "import hashlib; print(hashlib.sha256(b'...').hexdigest())"
    const PRISMA_LF: &[u8] = b"CREATE TABLE \"User\" (\n  \"id\" SERIAL PRIMARY KEY\n);\n";
    // hashlib.sha256(PRISMA_LF).hexdigest()
    const PRISMA_LF_SHA: &str = "5a75bd7b842a9accf0e7614e6cf53fee46d7d23aaacb04e3ea6bfd8c0c1c3fbc";
    // hashlib.sha256(PRISMA_LF.replace(b'\n', b'\r\n')).hexdigest()
    const PRISMA_CRLF_SHA: &str =
        "377cb58c49731429bf11e9431a9ef51e48fe7a5f54fe43081b8daec44e4f259f";
    // ''.join('%x' % b for b in hashlib.sha256(PRISMA_LF).digest())
    const PRISMA_LEGACY: &str = "5a75bd7b842a9accf0e7614e6cf53fee46d7d23aaacb4e3ea6bfd8cc1c3fbc";

    #[test]
    fn prisma_sha256_with_line_ending_tolerance_and_legacy_rows() {
        let crlf = String::from_utf8_lossy(PRISMA_LF).replace('\n', "\r\n");
        assert_eq!(sha256_hex(PRISMA_LF), PRISMA_LF_SHA);
        assert!(prisma_matches(PRISMA_LF, PRISMA_LF_SHA));
        // Applied from a CRLF checkout, compared on an LF one, and back.
        assert!(prisma_matches(PRISMA_LF, PRISMA_CRLF_SHA));
        assert!(prisma_matches(crlf.as_bytes(), PRISMA_LF_SHA));
        assert!(prisma_matches(crlf.as_bytes(), PRISMA_CRLF_SHA));
        assert!(prisma_matches(PRISMA_LF, PRISMA_LEGACY));
        assert!(!prisma_matches(
            b"CREATE TABLE \"User\" (\n  \"id\" BIGSERIAL PRIMARY KEY\n);\n",
            PRISMA_LF_SHA
        ));
        assert!(!prisma_matches(PRISMA_LF, ""));
        assert!(
            !prisma_matches(PRISMA_LF, &PRISMA_LF_SHA.to_uppercase()),
            "Prisma compares the hex text as is"
        );
    }

    #[test]
    fn sqlx_sha384_is_byte_exact() {
        let sql = b"CREATE TABLE users (id BIGINT PRIMARY KEY);\n";
        // hashlib.sha384(sql).hexdigest()
        let stored = "90ac4c5e2fd0332e3ed0171e462b6dd32fdf15942aebad5098f2beaf53d578d90dea1859ef374c5e1f4b17279dbefad0";
        assert!(Stored::Sqlx(stored.to_string()).matches(sql));
        assert!(
            Stored::Sqlx(stored.to_uppercase()).matches(sql),
            "MySQL/SQLite HEX() is upper case"
        );
        assert!(!Stored::Sqlx(stored.to_string())
            .matches(b"CREATE TABLE users (id BIGINT PRIMARY KEY);\r\n"));
    }

    #[test]
    fn sqlx_ignored_chars_from_sqlx_toml() {
        let toml = "[migrate]\n# CRLF checkouts on Windows\nignored-chars = [\"\\r\", '\t', \"\\uFEFF\"]\n";
        assert_eq!(sqlx_ignored_chars(toml), ['\r', '\t', '\u{feff}']);
        assert!(sqlx_ignored_chars("[migrate]\ntable-name = \"x\"\n").is_empty());
        let crlf = b"CREATE TABLE users (id BIGINT PRIMARY KEY);\r\n";
        assert_eq!(
            without_chars(crlf, &['\r']),
            b"CREATE TABLE users (id BIGINT PRIMARY KEY);\n"
        );
    }

    #[test]
    fn flyway_crc32_ignores_line_endings_and_bom() {
        // Same value from python3 zlib.crc32 over the text without \r/\n
        // (as signed i32) and from Java's BufferedReader.readLine + CRC32.
        let lf = b"CREATE TABLE person (id INT);\nINSERT INTO person VALUES (1);\n";
        let crlf = b"CREATE TABLE person (id INT);\r\nINSERT INTO person VALUES (1);\r\n";
        let bom = b"\xef\xbb\xbfCREATE TABLE person (id INT);\nINSERT INTO person VALUES (1);";
        for s in [&lf[..], &crlf[..], &bom[..]] {
            assert_eq!(flyway_crc32(s), -303_764_221);
        }
        assert_eq!(flyway_crc32(b"select 1;\n"), -690_524_359);
        assert!(Stored::Flyway(-690_524_359).matches(b"select 1;\r\n\r\n"));
        assert!(!Stored::Flyway(-690_524_359).matches(b"select 2;\n"));
    }

    #[test]
    fn drizzle_sha256_hex() {
        let sql = b"CREATE TABLE \"users\" (\"id\" serial PRIMARY KEY);\n--> statement-breakpoint\nCREATE INDEX \"i\" ON \"users\" (\"id\");";
        // hashlib.sha256(sql).hexdigest()
        let stored = "62ec42b121994d31685213986f8e231b62376eb199a68a3bde162fd2c767f9fe";
        assert!(Stored::Drizzle(stored.to_string()).matches(sql));
        assert!(!Stored::Drizzle(stored.to_string()).matches(b"CREATE TABLE \"users\" ();"));
    }
}
