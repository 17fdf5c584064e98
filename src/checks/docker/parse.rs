//! A Dockerfile parser, as BuildKit reads one: parser directives
//! (`# syntax=`, `# escape=`) at the top, comments, line continuations
//! (with the escape character, comment and blank lines inside them
//! dropped), heredocs (`RUN <<EOF … EOF`, `COPY <<EOF`), `ARG` before the
//! first `FROM`, stages named `AS name`, `--flag=value` options, and JSON
//! (exec) and shell forms. Only what the docker rules read is kept.

/// One Dockerfile, parsed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    /// `ARG`s declared before the first `FROM` (usable in `FROM` lines).
    pub global_args: Vec<Arg>,
    pub stages: Vec<Stage>,
}

/// A build stage: its `FROM` and what follows until the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The image or stage it starts from, as written (variables unresolved).
    pub base: String,
    /// `AS name`, lowercased as BuildKit compares it.
    pub name: Option<String>,
    pub platform: Option<String>,
    pub line: u32,
    pub instructions: Vec<Instruction>,
}

/// An instruction after the stage's `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-cased (`COPY`).
    pub keyword: String,
    /// `--name=value` options (`--from=build`, `--chown=app`), in order.
    pub flags: Vec<(String, String)>,
    /// The arguments: JSON form decoded, shell form split into words with
    /// quotes kept (see [`Word`]).
    pub words: Vec<Word>,
    /// Arguments came as a JSON array.
    pub json: bool,
    /// The physical line of the keyword (1-based).
    pub line: u32,
    /// Bodies of the heredocs the instruction opened, in order.
    pub heredocs: Vec<String>,
}

/// A shell-form word: its text with quotes and escapes removed, and
/// whether any part of it was a variable (`$X`, `${X}`) outside single
/// quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub has_variable: bool,
}

/// `ARG name[=default]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    pub name: String,
    pub default: Option<Word>,
    pub line: u32,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `ENV`'s `key=value` pairs (or the legacy `ENV key value words`),
    /// `ARG`'s `name[=default]`s.
    pub fn assignments(&self) -> Vec<(String, Option<Word>)> {
        let mut out = Vec::new();
        if self.keyword == "ENV" && self.words.first().is_some_and(|w| !w.text.contains('=')) {
            // Legacy form: the first word is the key, the rest the value.
            let key = self.words[0].text.clone();
            let rest = &self.words[1..];
            let text = rest
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let has_variable = rest.iter().any(|w| w.has_variable);
            out.push((key, Some(Word { text, has_variable })));
            return out;
        }
        for w in &self.words {
            match w.text.split_once('=') {
                Some((k, v)) => out.push((
                    k.to_string(),
                    Some(Word {
                        text: v.to_string(),
                        has_variable: w.has_variable,
                    }),
                )),
                None => out.push((w.text.clone(), None)),
            }
        }
        out
    }
}

/// Parse `text`. Never fails: what is not understood is skipped, as the
/// rules judge only what they can read.
pub fn parse(text: &str) -> Dockerfile {
    let lines: Vec<&str> = text.lines().collect();
    let escape = escape_directive(&lines);
    let mut file = Dockerfile::default();
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i];
        let trimmed = first.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let line_no = (i + 1) as u32;
        // Join continuation lines: comment and blank lines inside are dropped.
        let mut logical = String::new();
        let mut cur = first;
        loop {
            match continued(cur, escape) {
                Some(body) => {
                    logical.push_str(body);
                    i += 1;
                    while i < lines.len() && {
                        let t = lines[i].trim_start();
                        t.starts_with('#') || t.is_empty()
                    } {
                        i += 1;
                    }
                    if i >= lines.len() {
                        break;
                    }
                    cur = lines[i];
                }
                None => {
                    logical.push_str(cur);
                    i += 1;
                    break;
                }
            }
        }
        let (keyword, rest) = split_keyword(logical.trim_start());
        let keyword = keyword.to_ascii_uppercase();
        // Heredoc bodies follow the instruction's line.
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delimiter, strip_tabs) in heredoc_markers(rest) {
                let mut body = String::new();
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let cmp = if strip_tabs {
                        l.trim_start_matches('\t')
                    } else {
                        l
                    };
                    if cmp == delimiter {
                        break;
                    }
                    body.push_str(cmp);
                    body.push('\n');
                }
                heredocs.push(body);
            }
        }
        let (flags, args) = split_flags(rest, escape);
        let (words, json) = match json_array(args) {
            Some(items) => (
                items
                    .into_iter()
                    .map(|text| Word {
                        text,
                        has_variable: false,
                    })
                    .collect(),
                true,
            ),
            None => (shell_words(args, escape), false),
        };
        let instruction = Instruction {
            keyword,
            flags,
            words,
            json,
            line: line_no,
            heredocs,
        };
        match instruction.keyword.as_str() {
            "FROM" => {
                let base = instruction
                    .words
                    .first()
                    .map(|w| w.text.clone())
                    .unwrap_or_default();
                let name = match instruction.words.get(1..3) {
                    Some([as_, name]) if as_.text.eq_ignore_ascii_case("as") => {
                        Some(name.text.to_ascii_lowercase())
                    }
                    _ => None,
                };
                file.stages.push(Stage {
                    base,
                    name,
                    platform: instruction.flag("platform").map(String::from),
                    line: line_no,
                    instructions: Vec::new(),
                });
            }
            "ARG" if file.stages.is_empty() => {
                for (name, default) in instruction.assignments() {
                    file.global_args.push(Arg {
                        name,
                        default,
                        line: line_no,
                    });
                }
            }
            _ => {
                if let Some(stage) = file.stages.last_mut() {
                    stage.instructions.push(instruction);
                }
            }
        }
    }
    file
}

/// The `# escape=` parser directive (`\` unless it says `` ` ``).
/// Directives come first: the first line that is not one ends them.
fn escape_directive(lines: &[&str]) -> char {
    let mut escape = '\\';
    for line in lines {
        let Some(body) = line.trim().strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = body.split_once('=') else {
            break;
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            break;
        }
        if key.eq_ignore_ascii_case("escape") && value.trim() == "`" {
            escape = '`';
        }
    }
    escape
}

/// The line without its continuation mark, when it ends with the escape
/// character (trailing blanks allowed).
fn continued(line: &str, escape: char) -> Option<&str> {
    let t = line.trim_end();
    let body = t.strip_suffix(escape)?;
    // An escaped escape (`\\`) at the end is not a continuation.
    let escapes = body.chars().rev().take_while(|&c| c == escape).count();
    (escapes % 2 == 0).then_some(body)
}

fn split_keyword(s: &str) -> (&str, &str) {
    match s.find(char::is_whitespace) {
        Some(at) => (&s[..at], s[at..].trim_start()),
        None => (s, ""),
    }
}

/// Leading `--name=value` / `--name` options.
fn split_flags(mut s: &str, escape: char) -> (Vec<(String, String)>, &str) {
    let mut flags = Vec::new();
    while let Some(rest) = s.strip_prefix("--") {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let flag = &rest[..end];
        let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
        let value = shell_words(value, escape)
            .into_iter()
            .next()
            .map(|w| w.text)
            .unwrap_or_default();
        flags.push((name.to_ascii_lowercase(), value));
        s = rest[end..].trim_start();
    }
    (flags, s)
}

/// `["a", "b"]`: the exec form, as JSON. Anything else is shell form.
fn json_array(s: &str) -> Option<Vec<String>> {
    let t = s.trim();
    if !t.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(t).ok()
}

/// Heredoc openers in an instruction's arguments: `<<EOF`, `<<-EOF`,
/// `<<"EOF"`, `<<'EOF'`, with whether leading tabs are stripped.
fn heredoc_markers(s: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(at) = rest.find("<<") {
        let mut r = &rest[at + 2..];
        let strip = r.starts_with('-');
        if strip {
            r = &r[1..];
        }
        let quote = r.chars().next().filter(|c| *c == '"' || *c == '\'');
        if let Some(q) = quote {
            r = &r[1..];
            if let Some(end) = r.find(q) {
                let word = &r[..end];
                if !word.is_empty() {
                    out.push((word.to_string(), strip));
                }
                rest = &r[end + 1..];
                continue;
            }
            break;
        }
        let end = r
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(r.len());
        if end > 0 {
            out.push((r[..end].to_string(), strip));
        }
        rest = &r[end..];
    }
    out
}

/// Split shell-form arguments into words as BuildKit's word lexer does:
/// blanks separate, `"…"` and `'…'` group, the escape character escapes
/// (not inside single quotes). Variables are noted, not expanded.
pub fn shell_words(s: &str, escape: char) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has_variable = false;
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    out.push(Word {
                        text: std::mem::take(&mut cur),
                        has_variable,
                    });
                    has_variable = false;
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    cur.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    if c == '"' {
                        break;
                    }
                    if c == escape {
                        if let Some(n) = chars.next() {
                            cur.push(n);
                        }
                        continue;
                    }
                    if c == '$' && chars.peek().is_some_and(|n| is_var_start(*n)) {
                        has_variable = true;
                    }
                    cur.push(c);
                }
            }
            c if c == escape => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '$' => {
                in_word = true;
                if chars.peek().is_some_and(|n| is_var_start(*n)) {
                    has_variable = true;
                }
                cur.push(c);
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(Word {
            text: cur,
            has_variable,
        });
    }
    out
}

fn is_var_start(c: char) -> bool {
    c == '{' || c == '_' || c.is_ascii_alphabetic()
}

/// `text` with `$X`, `${X}`, `${X:-default}`, `${X-default}` and
/// `${X:+alt}` replaced from `vars`; `None` when a variable has no value
/// (the result cannot be known from the file).
pub fn substitute(text: &str, vars: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let r = &rest[at + 1..];
        if let Some(body) = r.strip_prefix('{') {
            let end = body.find('}')?;
            let expr = &body[..end];
            let name_end = expr
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(expr.len());
            let (name, op) = expr.split_at(name_end);
            let value = vars(name).filter(|v| !v.is_empty());
            let set = vars(name);
            let resolved = match op {
                "" => set,
                _ if op.starts_with(":-") => value.or_else(|| Some(op[2..].to_string())),
                _ if op.starts_with('-') => set.or_else(|| Some(op[1..].to_string())),
                _ if op.starts_with(":+") => Some(if value.is_some() {
                    op[2..].to_string()
                } else {
                    String::new()
                }),
                _ if op.starts_with('+') => Some(if set.is_some() {
                    op[1..].to_string()
                } else {
                    String::new()
                }),
                _ => None,
            };
            out.push_str(&resolved?);
            rest = &body[end + 1..];
        } else {
            let end = r
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(r.len());
            if end == 0 {
                out.push('$');
                rest = r;
                continue;
            }
            out.push_str(&vars(&r[..end])?);
            rest = &r[end..];
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(i: &Instruction) -> Vec<&str> {
        i.words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn stages_global_args_and_flags() {
        let f = parse(
            "# syntax=docker/dockerfile:1\nARG NODE=20\nARG REGISTRY\nFROM --platform=$BUILDPLATFORM node:${NODE} AS Build\nRUN npm ci\nfrom build\nCOPY --from=build --chown=app:app /app/dist ./dist\n",
        );
        assert_eq!(f.global_args.len(), 2);
        assert_eq!(f.global_args[0].name, "NODE");
        assert_eq!(f.global_args[0].default.as_ref().unwrap().text, "20");
        assert_eq!(f.global_args[1].default, None);
        assert_eq!(f.stages.len(), 2);
        assert_eq!(f.stages[0].base, "node:${NODE}");
        assert_eq!(f.stages[0].name.as_deref(), Some("build"));
        assert_eq!(f.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
        assert_eq!(f.stages[0].line, 4);
        assert_eq!(f.stages[1].base, "build");
        let copy = &f.stages[1].instructions[0];
        assert_eq!(copy.flag("from"), Some("build"));
        assert_eq!(copy.flag("chown"), Some("app:app"));
        assert_eq!(words(copy), ["/app/dist", "./dist"]);
        assert_eq!(copy.line, 7);
    }

    #[test]
    fn continuations_skip_comments_and_blank_lines() {
        let f = parse(
            "FROM alpine\nENV A=1 \\\n# a comment inside\n\n    B=\"two words\" \\  \n    C=${X}\nUSER app\n",
        );
        let env = &f.stages[0].instructions[0];
        let pairs = env.assignments();
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[1].0, "B");
        assert_eq!(pairs[1].1.as_ref().unwrap().text, "two words");
        assert!(pairs[2].1.as_ref().unwrap().has_variable);
        assert!(!pairs[0].1.as_ref().unwrap().has_variable);
        assert_eq!(f.stages[0].instructions[1].keyword, "USER");
        assert_eq!(f.stages[0].instructions[1].line, 7);
    }

    #[test]
    fn escape_directive_switches_to_backtick() {
        let f = parse(
            "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\nUSER ContainerUser\n",
        );
        let s = &f.stages[0];
        assert_eq!(s.instructions[0].keyword, "RUN");
        assert_eq!(words(&s.instructions[0]), ["dir", "c:\\"]);
        assert_eq!(s.instructions[1].keyword, "USER");
        // A directive after an instruction is a comment.
        let g = parse("FROM a\n# escape=`\nRUN x \\\n y\n");
        assert_eq!(words(&g.stages[0].instructions[0]), ["x", "y"]);
    }

    #[test]
    fn heredoc_bodies_are_not_instructions() {
        let f = parse(
            "FROM alpine\nRUN <<EOF\nUSER root\nENV SECRET=x\nEOF\nCOPY <<-'CONF' /etc/app.conf\n\tFROM nothing\n\tCONF\nUSER app\n",
        );
        let s = &f.stages[0];
        assert_eq!(f.stages.len(), 1);
        let kinds: Vec<&str> = s.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kinds, ["RUN", "COPY", "USER"]);
        assert_eq!(s.instructions[0].heredocs, ["USER root\nENV SECRET=x\n"]);
        assert_eq!(s.instructions[1].heredocs, ["FROM nothing\n"]);
        assert_eq!(s.instructions[2].line, 9);
    }

    #[test]
    fn json_and_shell_forms() {
        let f = parse("FROM a\nCOPY [\"a b.txt\", \"/dst/\"]\nCMD [\"node\", \"server.js\"]\nCOPY 'x y' \"$D\"\n");
        let s = &f.stages[0];
        assert!(s.instructions[0].json);
        assert_eq!(words(&s.instructions[0]), ["a b.txt", "/dst/"]);
        assert_eq!(words(&s.instructions[2]), ["x y", "$D"]);
        assert!(s.instructions[2].words[1].has_variable);
    }

    #[test]
    fn legacy_env_and_single_quotes() {
        let f = parse("FROM a\nENV GREETING hello $NAME\nENV K='$NOT_A_VAR'\n");
        let legacy = f.stages[0].instructions[0].assignments();
        assert_eq!(legacy[0].0, "GREETING");
        let v = legacy[0].1.as_ref().unwrap();
        assert_eq!(v.text, "hello $NAME");
        assert!(v.has_variable);
        let quoted = f.stages[0].instructions[1].assignments();
        assert!(!quoted[0].1.as_ref().unwrap().has_variable);
    }

    #[test]
    fn substitution_with_defaults() {
        let vars = |n: &str| match n {
            "V" => Some("3.12".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        assert_eq!(
            substitute("py:${V}-slim", &vars).as_deref(),
            Some("py:3.12-slim")
        );
        assert_eq!(substitute("py:$V", &vars).as_deref(), Some("py:3.12"));
        assert_eq!(substitute("x:${EMPTY:-1}", &vars).as_deref(), Some("x:1"));
        assert_eq!(substitute("x:${EMPTY-1}", &vars).as_deref(), Some("x:"));
        assert_eq!(
            substitute("x:${NOPE:-lts}", &vars).as_deref(),
            Some("x:lts")
        );
        assert_eq!(substitute("x:${NOPE}", &vars), None);
        assert_eq!(substitute("x:$NOPE", &vars), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]
        #[test]
        fn never_panics(s in "(FROM|ARG|ENV|COPY|RUN|USER|#|\\\\|`|<<-?'?E|\\$\\{|[ a-z=:\"'\n\\[\\]@/.*!-])*") {
            let f = parse(&s);
            for stage in &f.stages {
                for i in &stage.instructions {
                    let _ = i.assignments();
                }
            }
            let _ = substitute(&s, &|_| Some("v".to_string()));
            let _ = super::super::dockerignore::DockerIgnore::parse(&s).excludes("a/b");
        }
    }
}
