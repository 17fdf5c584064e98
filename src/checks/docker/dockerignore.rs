//! `.dockerignore` as Docker reads it (moby/patternmatcher): one pattern a
//! line, `#` comments, paths cleaned and relative to the build context
//! (a leading `/` dropped), `*` and `?` within one path element, `**` any
//! number of elements, `[…]` classes, `!` re-including; the last pattern
//! that matches a path — or one of its parent folders — decides. Unlike
//! `.gitignore`, a pattern without `/` matches at the context's root only
//! (`.env` is not `app/.env`; `**/.env` is both).

use regex::Regex;

#[derive(Debug, Default)]
pub struct DockerIgnore {
    patterns: Vec<(Regex, bool)>,
}

impl DockerIgnore {
    pub fn parse(text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut p = line.trim();
            if p.is_empty() {
                continue;
            }
            let invert = p.starts_with('!');
            if invert {
                p = p[1..].trim();
            }
            // Go's `filepath.Clean`, without the leading `/`.
            let cleaned = crate::checks::infra_files::normalize(p);
            if cleaned.is_empty() {
                continue;
            }
            if let Some(re) = compile(&cleaned) {
                patterns.push((re, invert));
            }
        }
        DockerIgnore { patterns }
    }

    /// Is `path` (relative to the context, `/`-separated) left out of it?
    pub fn excludes(&self, path: &str) -> bool {
        let parents: Vec<&str> = {
            let mut v = Vec::new();
            let mut at = 0;
            while let Some(i) = path[at..].find('/') {
                v.push(&path[..at + i]);
                at += i + 1;
            }
            v
        };
        let mut excluded = false;
        for (re, invert) in &self.patterns {
            let matched = re.is_match(path) || parents.iter().any(|p| re.is_match(p));
            if matched {
                excluded = !invert;
            }
        }
        excluded
    }
}

/// The pattern as an anchored regex, as moby compiles it.
fn compile(p: &str) -> Option<Regex> {
    let mut re = String::from("^");
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 1;
                if chars.get(i + 1) == Some(&'/') {
                    i += 1;
                }
                if i + 1 >= chars.len() {
                    re.push_str(".*");
                } else {
                    re.push_str("(.*/)?");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                let close = chars[i + 1..].iter().position(|&c| c == ']')?;
                let class: String = chars[i + 1..i + 1 + close].iter().collect();
                let class = class
                    .strip_prefix('^')
                    .map_or(class.clone(), |c| format!("^{c}"));
                re.push('[');
                re.push_str(&class.replace('\\', "\\\\"));
                re.push(']');
                i += close + 1;
            }
            '\\' => {
                i += 1;
                let n = chars.get(i)?;
                re.push_str(&regex::escape(&n.to_string()));
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    Regex::new(&re).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_as_docker_reads_them() {
        let ignore = DockerIgnore::parse(
            "# comment\n.env*\n!.env.example\n/secrets/\n**/*.pem\nnode_modules\napi/.env\n",
        );
        for (path, excluded) in [
            (".env", true),
            (".env.production", true),
            (".env.example", false),
            ("apps/web/.env", false),
            ("api/.env", true),
            ("secrets/prod.env", true),
            ("deep/a/b/key.pem", true),
            ("key.pem", true),
            ("node_modules/x/index.js", true),
            ("src/node_modules", false),
            ("src/app.ts", false),
        ] {
            assert_eq!(ignore.excludes(path), excluded, "{path}");
        }
    }

    #[test]
    fn the_last_matching_pattern_wins() {
        let ignore = DockerIgnore::parse("*\n!src\n!package.json\n");
        assert!(ignore.excludes(".env"));
        assert!(!ignore.excludes("src/index.ts"));
        assert!(!ignore.excludes("package.json"));
        let ignore = DockerIgnore::parse("!.env\n.env\n");
        assert!(ignore.excludes(".env"));
        let ignore = DockerIgnore::parse("**/.env\n");
        assert!(ignore.excludes(".env"));
        assert!(ignore.excludes("a/b/.env"));
        assert!(!ignore.excludes("a/b/.env.local"));
    }
}
