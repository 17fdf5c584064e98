//! Which language a file is written in, from its name or its shebang.

use std::path::Path;

/// Languages shipcheck reads. The lexer family decides how comments and
/// strings are recognised; checks decide which languages they apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    JavaScript,
    TypeScript,
    /// `.vue` single-file components: HTML with `<script>` blocks.
    Vue,
    /// `.svelte` components: HTML with `<script>` blocks.
    Svelte,
    /// Astro components: a TypeScript frontmatter between `---` lines, then
    /// markup with `<script>` blocks.
    Astro,
    Java,
    Kotlin,
    Go,
    Rust,
    C,
    Cpp,
    CSharp,
    Swift,
    Php,
    Python,
    Ruby,
    Shell,
    Yaml,
    Toml,
    Dockerfile,
    Env,
    Sql,
    Html,
    Markdown,
    Xml,
    Prisma,
    /// Text with no comment syntax shipcheck knows (JSON, INI, properties,
    /// Terraform, extension-less files): read whole as code, for the checks
    /// that look at every file (leaked keys).
    Text,
}

impl Lang {
    /// Every language (the lexer's property tests and fuzz target use it;
    /// `all_is_complete` keeps it complete).
    pub const ALL: [Lang; 27] = [
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Vue,
        Lang::Svelte,
        Lang::Astro,
        Lang::Java,
        Lang::Kotlin,
        Lang::Go,
        Lang::Rust,
        Lang::C,
        Lang::Cpp,
        Lang::CSharp,
        Lang::Swift,
        Lang::Php,
        Lang::Python,
        Lang::Ruby,
        Lang::Shell,
        Lang::Yaml,
        Lang::Toml,
        Lang::Dockerfile,
        Lang::Env,
        Lang::Sql,
        Lang::Html,
        Lang::Markdown,
        Lang::Xml,
        Lang::Prisma,
        Lang::Text,
    ];

    #[allow(
        dead_code,
        reason = "exists only so a new Lang variant fails to compile until ALL lists it"
    )]
    fn all_is_complete(l: Lang) -> usize {
        // Adding a variant breaks this match: add it to `ALL` too.
        match l {
            Self::JavaScript
            | Self::TypeScript
            | Self::Vue
            | Self::Svelte
            | Self::Astro
            | Self::Java
            | Self::Kotlin
            | Self::Go
            | Self::Rust
            | Self::C
            | Self::Cpp
            | Self::CSharp
            | Self::Swift
            | Self::Php
            | Self::Python
            | Self::Ruby
            | Self::Shell
            | Self::Yaml
            | Self::Toml
            | Self::Dockerfile
            | Self::Env
            | Self::Sql
            | Self::Html
            | Self::Markdown
            | Self::Xml
            | Self::Prisma
            | Self::Text => Self::ALL.len(),
        }
    }

    /// Language from the file name, falling back to a shebang on the first line.
    pub fn detect(path: &Path, first_line: &str) -> Option<Lang> {
        let name = path.file_name()?.to_str()?;
        if let Some(lang) = Self::from_file_name(name) {
            return Some(lang);
        }
        // Extension-less files are scripts by their shebang, else plain text.
        match Self::from_shebang(first_line) {
            Some(lang) => Some(lang),
            None if !name.trim_start_matches('.').contains('.') => Some(Lang::Text),
            None => None,
        }
    }

    pub fn from_file_name(name: &str) -> Option<Lang> {
        let lower = name.to_ascii_lowercase();
        if lower == "dockerfile"
            || lower.starts_with("dockerfile.")
            || lower.ends_with(".dockerfile")
        {
            return Some(Lang::Dockerfile);
        }
        if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
            return Some(Lang::Env);
        }
        if matches!(
            lower.as_str(),
            "gemfile" | "rakefile" | "guardfile" | "podfile" | "vagrantfile"
        ) {
            return Some(Lang::Ruby);
        }
        if matches!(
            lower.as_str(),
            ".bashrc" | ".zshrc" | ".profile" | "makefile"
        ) {
            return Some(Lang::Shell);
        }
        let ext = lower.rsplit_once('.')?.1;
        Some(match ext {
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "ts" | "tsx" | "mts" | "cts" => Lang::TypeScript,
            "vue" => Lang::Vue,
            "svelte" => Lang::Svelte,
            "astro" => Lang::Astro,
            "java" => Lang::Java,
            "kt" | "kts" => Lang::Kotlin,
            "go" => Lang::Go,
            "rs" => Lang::Rust,
            "c" | "h" => Lang::C,
            "cc" | "cpp" | "cxx" | "hpp" | "hh" | "hxx" => Lang::Cpp,
            "cs" => Lang::CSharp,
            "swift" => Lang::Swift,
            "php" => Lang::Php,
            "py" | "pyw" | "pyi" => Lang::Python,
            "rb" | "rake" | "gemspec" | "ru" => Lang::Ruby,
            "sh" | "bash" | "zsh" | "ksh" => Lang::Shell,
            "yml" | "yaml" => Lang::Yaml,
            "toml" => Lang::Toml,
            "sql" => Lang::Sql,
            "html" | "htm" => Lang::Html,
            "md" | "markdown" | "mdx" => Lang::Markdown,
            "xml" | "svg" | "xsd" | "xsl" | "plist" => Lang::Xml,
            "prisma" => Lang::Prisma,
            "json" | "jsonc" | "json5" | "ini" | "cfg" | "conf" | "properties" | "tf"
            | "tfvars" | "txt" | "gradle" | "npmrc" | "pypirc" | "netrc" | "htpasswd" => Lang::Text,
            _ => return None,
        })
    }

    fn from_shebang(first_line: &str) -> Option<Lang> {
        let rest = first_line.strip_prefix("#!")?;
        let mut words = rest.split_whitespace();
        let mut prog = words.next()?.rsplit('/').next()?;
        if prog == "env" {
            prog = words.find(|w| !w.starts_with('-'))?;
        }
        let prog = prog.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        Some(match prog {
            "node" | "deno" | "bun" => Lang::JavaScript,
            "ts-node" | "tsx" => Lang::TypeScript,
            "python" => Lang::Python,
            "ruby" => Lang::Ruby,
            "sh" | "bash" | "zsh" | "dash" | "ksh" => Lang::Shell,
            "php" => Lang::Php,
            _ => return None,
        })
    }

    /// JavaScript-family languages: where `console.*`, `debugger` and focused
    /// tests live. Vue and Svelte count through their script blocks.
    pub fn is_js_like(self) -> bool {
        matches!(
            self,
            Lang::JavaScript | Lang::TypeScript | Lang::Vue | Lang::Svelte | Lang::Astro
        )
    }

    /// A short stable name used in reports and config.
    pub fn name(self) -> &'static str {
        match self {
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Vue => "vue",
            Lang::Svelte => "svelte",
            Lang::Astro => "astro",
            Lang::Java => "java",
            Lang::Kotlin => "kotlin",
            Lang::Go => "go",
            Lang::Rust => "rust",
            Lang::C => "c",
            Lang::Cpp => "cpp",
            Lang::CSharp => "csharp",
            Lang::Swift => "swift",
            Lang::Php => "php",
            Lang::Python => "python",
            Lang::Ruby => "ruby",
            Lang::Shell => "shell",
            Lang::Yaml => "yaml",
            Lang::Toml => "toml",
            Lang::Dockerfile => "dockerfile",
            Lang::Env => "env",
            Lang::Sql => "sql",
            Lang::Html => "html",
            Lang::Markdown => "markdown",
            Lang::Xml => "xml",
            Lang::Prisma => "prisma",
            Lang::Text => "text",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_name_and_shebang() {
        let cases: &[(&str, &str, Option<Lang>)] = &[
            ("a.tsx", "", Some(Lang::TypeScript)),
            ("a.cjs", "", Some(Lang::JavaScript)),
            ("Dockerfile", "", Some(Lang::Dockerfile)),
            ("Dockerfile.prod", "", Some(Lang::Dockerfile)),
            (".env.production", "", Some(Lang::Env)),
            ("deploy", "#!/usr/bin/env bash", Some(Lang::Shell)),
            (
                "tool",
                "#!/usr/bin/env -S node --no-warnings",
                Some(Lang::JavaScript),
            ),
            ("run", "#!/usr/bin/python3.11", Some(Lang::Python)),
            ("README", "hello", Some(Lang::Text)),
            ("config.json", "", Some(Lang::Text)),
            ("notes.weird", "", None),
            ("image.png", "", None),
        ];
        for (name, first, want) in cases {
            assert_eq!(Lang::detect(Path::new(name), first), *want, "{name}");
        }
    }
}
