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
    patterns: Vec<(Pattern, bool)>,
}

/// One pattern: matched by hand when it has no `[…]` class and fewer
/// than 64 steps (nearly all: compiling a regex a line cost maybe's
/// `.dockerignore` files 3.5 M instructions), else as the regex
/// [`compile`] makes.
#[derive(Debug)]
enum Pattern {
    Glob(Vec<Tok>),
    Regex(Regex),
}

/// A step of a pattern matched by hand, as [`compile`] translates it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    /// The character itself.
    Lit(char),
    /// `?`: `[^/]`.
    Any,
    /// `*`: `[^/]*`.
    Star,
    /// `**` at the end: `.*` (any character but a newline).
    DotStar,
    /// `**` or `**/` before more: `(.*/)?`: go on at the index, or enter
    /// the group (`.*` and `/`) that follows.
    Skip(usize),
}

impl Pattern {
    fn new(p: &str) -> Option<Pattern> {
        if p.contains('[') {
            return compile(p).map(Pattern::Regex);
        }
        let chars: Vec<char> = p.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '*' if chars.get(i + 1) == Some(&'*') => {
                    i += 1;
                    if chars.get(i + 1) == Some(&'/') {
                        i += 1;
                    }
                    if i + 1 >= chars.len() {
                        toks.push(Tok::DotStar);
                    } else {
                        toks.push(Tok::Skip(toks.len() + 3));
                        toks.push(Tok::DotStar);
                        toks.push(Tok::Lit('/'));
                    }
                }
                '*' => toks.push(Tok::Star),
                '?' => toks.push(Tok::Any),
                '\\' => {
                    i += 1;
                    toks.push(Tok::Lit(*chars.get(i)?));
                }
                c => toks.push(Tok::Lit(c)),
            }
            i += 1;
        }
        if toks.len() >= 64 {
            return compile(p).map(Pattern::Regex);
        }
        Some(Pattern::Glob(toks))
    }

    fn is_match(&self, path: &str) -> bool {
        let toks = match self {
            Pattern::Regex(re) => return re.is_match(path),
            Pattern::Glob(toks) => toks,
        };
        // The states reachable after each character, as bits: an index
        // into `toks` (`toks.len()`: the whole pattern matched; a longer
        // pattern than the bits hold is a regex, see `Pattern::new`).
        let close = |mut set: u64| {
            // Moves that read nothing only go forward: one pass closes.
            for (k, tok) in toks.iter().enumerate() {
                if set & (1 << k) == 0 {
                    continue;
                }
                match *tok {
                    Tok::Star | Tok::DotStar => set |= 1 << (k + 1),
                    Tok::Skip(to) => set |= 1 << to | 1 << (k + 1),
                    Tok::Lit(_) | Tok::Any => {}
                }
            }
            set
        };
        let mut now = close(1);
        for c in path.chars() {
            let mut next = 0u64;
            for (k, tok) in toks.iter().enumerate() {
                if now & (1 << k) == 0 {
                    continue;
                }
                match *tok {
                    Tok::Lit(l) if l == c => next |= 1 << (k + 1),
                    Tok::Any if c != '/' => next |= 1 << (k + 1),
                    Tok::Star if c != '/' => next |= 1 << k,
                    Tok::DotStar if c != '\n' => next |= 1 << k,
                    _ => {}
                }
            }
            now = close(next);
            if now == 0 {
                return false;
            }
        }
        now & (1 << toks.len()) != 0
    }
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
            if let Some(pattern) = Pattern::new(&cleaned) {
                patterns.push((pattern, invert));
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
        for (pattern, invert) in &self.patterns {
            let matched = pattern.is_match(path) || parents.iter().any(|p| pattern.is_match(p));
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
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// A pattern matched by hand matches what its regex matches: the
        /// same paths, and no pattern where the regex has none.
        #[test]
        fn hand_matching_is_the_regexs(
            pattern in prop::collection::vec(prop::sample::select(vec![
                "*", "**", "**/", "?", "a", "b", "/", ".", "\\*", "\\", "é", "\n", "+", "(",
            ]), 0..7),
            path in prop::collection::vec(prop::sample::select(vec![
                "a", "b", "/", ".", "é", "\n", "*", "+", "(", "ab/", "a/b",
            ]), 0..9),
        ) {
            let (pattern, path) = (pattern.concat(), path.concat());
            let hand = Pattern::new(&pattern);
            let regex = compile(&pattern);
            prop_assert_eq!(hand.is_some(), regex.is_some(), "{:?}", pattern);
            if let (Some(hand), Some(regex)) = (hand, regex) {
                prop_assert!(matches!(hand, Pattern::Glob(_)));
                prop_assert_eq!(hand.is_match(&path), regex.is_match(&path), "{:?} on {:?}", pattern, path);
            }
        }
    }

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
