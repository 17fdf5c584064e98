//! nginx's configuration grammar: directives (`name args;`), blocks
//! (`name args { … }`), single- and double-quoted strings with `\`
//! escapes, `#` comments, `${var}` inside words, and `include` resolved
//! against the repository's files (globs, relative to the including file
//! or the nginx root; `/etc/nginx/…` taken as the nginx root).

use crate::migrations::RepoFile;
use globset::GlobBuilder;

/// One directive, with its block when it has one.
#[derive(Debug, Clone)]
pub struct Directive {
    pub name: String,
    pub args: Vec<String>,
    /// The file it was written in (after includes are inlined).
    pub file: String,
    pub line: u32,
    pub block: Option<Vec<Directive>>,
    /// An `include` whose files are not in the repository (`mime.types`,
    /// `/etc/letsencrypt/options-ssl-nginx.conf`): what it adds is unknown.
    pub unresolved_include: bool,
}

impl Directive {
    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(String::as_str)
    }

    /// Its block's directives (none for a simple directive).
    pub fn children(&self) -> &[Directive] {
        self.block.as_deref().unwrap_or(&[])
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String, u32),
    Semi,
    Open,
    Close,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1u32;
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            ';' => out.push(Token::Semi),
            '{' => out.push(Token::Open),
            '}' => out.push(Token::Close),
            '"' | '\'' => {
                let start = line;
                let mut word = String::new();
                while let Some(n) = chars.next() {
                    match n {
                        q if q == c => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                if e == '\n' {
                                    line += 1;
                                }
                                // nginx keeps the backslash except before
                                // the quote, `\\` and the usual escapes.
                                if e != c && e != '\\' {
                                    word.push('\\');
                                }
                                word.push(e);
                            }
                        }
                        '\n' => {
                            line += 1;
                            word.push(n);
                        }
                        _ => word.push(n),
                    }
                }
                out.push(Token::Word(word, start));
            }
            _ => {
                let mut word = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || n == ';' || n == '}' {
                        break;
                    }
                    // `${var}` is part of a word; any other `{` opens a block.
                    if n == '{' && !word.ends_with('$') {
                        break;
                    }
                    word.push(n);
                    chars.next();
                    if n == '{' {
                        for m in chars.by_ref() {
                            word.push(m);
                            if m == '}' {
                                break;
                            }
                        }
                    }
                }
                out.push(Token::Word(word, line));
            }
        }
    }
    out
}

/// Parse one file's text. Unbalanced braces end the block or are ignored:
/// a check judges what it can read, it never fails on a config.
pub fn parse(file: &str, text: &str) -> Vec<Directive> {
    let tokens = tokenize(text);
    let mut pos = 0;
    parse_block(file, &tokens, &mut pos)
}

fn parse_block(file: &str, tokens: &[Token], pos: &mut usize) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut words: Vec<(String, u32)> = Vec::new();
    while *pos < tokens.len() {
        let t = &tokens[*pos];
        *pos += 1;
        match t {
            Token::Word(w, line) => words.push((w.clone(), *line)),
            Token::Semi | Token::Open => {
                let block = (*t == Token::Open).then(|| parse_block(file, tokens, pos));
                let mut it = std::mem::take(&mut words).into_iter();
                if let Some((name, line)) = it.next() {
                    out.push(Directive {
                        name,
                        args: it.map(|(w, _)| w).collect(),
                        file: file.to_string(),
                        line,
                        block,
                        unresolved_include: false,
                    });
                }
            }
            Token::Close => return out,
        }
    }
    out
}

/// The directory part of a repository path (`""` at the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, rel: &str) -> String {
    crate::checks::infra_files::normalize(&format!("{dir}/{rel}"))
}

/// The repository files an `include` argument names, seen from `from`
/// (the including file) in a tree whose `nginx.conf` sits in `root_dir`.
pub fn include_targets<'f>(
    pattern: &str,
    from: &str,
    root_dir: &str,
    files: &'f [RepoFile],
) -> Vec<&'f RepoFile> {
    let mut candidates = Vec::new();
    if let Some(abs) = pattern.strip_prefix('/') {
        // `/etc/nginx/conf.d/*.conf`: where the image copies the tree.
        for prefix in [
            "etc/nginx/",
            "usr/local/nginx/conf/",
            "usr/local/etc/nginx/",
        ] {
            if let Some(rest) = abs.strip_prefix(prefix) {
                candidates.push(join(root_dir, rest));
            }
        }
    } else {
        candidates.push(join(dir_of(from), pattern));
        candidates.push(join(root_dir, pattern));
    }
    let mut out: Vec<&RepoFile> = Vec::new();
    for c in candidates {
        let Ok(glob) = GlobBuilder::new(&c).literal_separator(true).build() else {
            continue;
        };
        let m = glob.compile_matcher();
        for f in files {
            if f.rel != from && m.is_match(&f.rel) && !out.iter().any(|o| o.rel == f.rel) {
                out.push(f);
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// `directives` of `file` with every `include` replaced by the parsed
/// directives of the files it names (depth-limited: include cycles end).
/// `included` collects the repository files pulled in.
pub fn expand(
    directives: Vec<Directive>,
    from: &str,
    root_dir: &str,
    files: &[RepoFile],
    included: &mut Vec<String>,
    depth: u32,
) -> Vec<Directive> {
    let mut out = Vec::new();
    for mut d in directives {
        if d.name == "include" && d.block.is_none() {
            let targets = match d.arg(0) {
                Some(p) if depth < 8 => include_targets(p, from, root_dir, files),
                _ => Vec::new(),
            };
            if targets.is_empty() {
                d.unresolved_include = true;
                out.push(d);
                continue;
            }
            for t in targets {
                included.push(t.rel.clone());
                let parsed = parse(&t.rel, &t.text);
                out.extend(expand(parsed, &t.rel, root_dir, files, included, depth + 1));
            }
            continue;
        }
        if let Some(block) = d.block.take() {
            d.block = Some(expand(block, from, root_dir, files, included, depth));
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, text: &str) -> RepoFile {
        RepoFile {
            rel: rel.to_string(),
            text: text.to_string(),
        }
    }

    #[test]
    fn directives_blocks_strings_and_comments() {
        let text = "http {\n  # listen 80;\n  server {\n    listen 443 ssl; # ok\n    add_header X-A \"a; b { c }\" always;\n    set $x \"${host}x\";\n    location ~ \"^/a{2}$\" { return 301 'https://$host$request_uri'; }\n  }\n}\n";
        let d = parse("nginx.conf", text);
        assert_eq!(d.len(), 1);
        let server = &d[0].children()[0];
        assert_eq!(server.name, "server");
        assert_eq!(server.line, 3);
        let listen = &server.children()[0];
        assert_eq!(
            (listen.args.clone(), listen.line),
            (vec!["443".to_string(), "ssl".to_string()], 4)
        );
        assert_eq!(server.children()[1].args, ["X-A", "a; b { c }", "always"]);
        assert_eq!(server.children()[2].args, ["$x", "${host}x"]);
        let loc = &server.children()[3];
        assert_eq!(loc.line, 7);
        assert_eq!(loc.children()[0].args, ["301", "https://$host$request_uri"]);
    }

    #[test]
    fn unbalanced_input_does_not_panic() {
        for text in ["}}}", "server {", "\"unterminated", "a b", "{;", "$"] {
            let _ = parse("x.conf", text);
        }
    }

    #[test]
    fn includes_resolve_against_repo_files_with_globs() {
        let files = vec![
            file("deploy/nginx/nginx.conf", "http { include conf.d/*.conf; include /etc/nginx/snippets/ssl.conf; include mime.types; }"),
            file("deploy/nginx/conf.d/app.conf", "server { listen 80; }"),
            file("deploy/nginx/conf.d/api.conf", "server { listen 81; }"),
            file("deploy/nginx/snippets/ssl.conf", "ssl_protocols TLSv1.2;"),
            file("other/conf.d/x.conf", "server { listen 82; }"),
        ];
        let mut included = Vec::new();
        let d = expand(
            parse(&files[0].rel, &files[0].text),
            &files[0].rel,
            "deploy/nginx",
            &files,
            &mut included,
            0,
        );
        let http = d[0].children();
        let names: Vec<(&str, &str)> = http
            .iter()
            .map(|d| (d.name.as_str(), d.file.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("server", "deploy/nginx/conf.d/api.conf"),
                ("server", "deploy/nginx/conf.d/app.conf"),
                ("ssl_protocols", "deploy/nginx/snippets/ssl.conf"),
                ("include", "deploy/nginx/nginx.conf"),
            ]
        );
        assert!(http[3].unresolved_include);
        assert_eq!(included.len(), 3);
    }

    #[test]
    fn include_cycles_end() {
        let files = vec![
            file("nginx/a.conf", "include b.conf;"),
            file("nginx/b.conf", "include a.conf;"),
        ];
        let mut included = Vec::new();
        let _ = expand(
            parse("nginx/a.conf", &files[0].text),
            "nginx/a.conf",
            "nginx",
            &files,
            &mut included,
            0,
        );
    }
}
