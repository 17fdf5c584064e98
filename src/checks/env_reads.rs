//! Per-file collection for the environment rules: where code reads
//! variables, and the templates (`.env.example`, …) found in the walk. The
//! rules themselves run once over the whole repository (`checks::env`).

use super::{Context, FileCheck, FileKind, FileOutcome};
use crate::env::dotenv::{self, EnvFile};
use crate::env::references;
use crate::lexer::Lang;
use crate::workspace::SourceFile;

/// A template found in the repository.
#[derive(Debug, Clone)]
pub struct Template {
    pub rel: String,
    /// Its directory, repo-relative (`""` at the root).
    pub dir: String,
    pub parsed: EnvFile,
    /// Raw lines, for `# optional` notes next to a declaration.
    pub lines: Vec<String>,
    /// The names it documents, gathered on the first question (see
    /// [`Template::documents`]).
    pub documented: std::sync::OnceLock<std::collections::HashSet<String>>,
}

impl Template {
    /// Does the template document `name`: an assignment, or one commented
    /// out (`# SENTRY_DSN=`, `#OPTIONAL_X=value`), which is how templates
    /// list optional variables? Asked for every read near it, so its names
    /// are gathered once: going through its lines for each read cost
    /// postiz 6.5 M instructions (579 reads).
    pub fn documents(&self, name: &str) -> bool {
        self.documented
            .get_or_init(|| {
                let assigned = self.parsed.entries.iter().map(|e| e.key.clone());
                let commented = self
                    .lines
                    .iter()
                    .filter_map(|l| commented_key(l))
                    .map(String::from);
                assigned.chain(commented).collect()
            })
            .contains(name)
    }
}

/// The variables a Dockerfile's `ENV` instructions set: `ENV A=1 B=2` and
/// the legacy `ENV A 1`. The image provides them (a build's `ARG` handed on
/// with `ENV X=${X}` too), so no template needs to.
fn image_env(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Instructions continue on the next line after a trailing `\`.
    let mut logical: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let (body, cont) = match line.trim_end().strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        match logical.last_mut() {
            Some(last) if open => {
                last.push(' ');
                last.push_str(body);
            }
            _ => logical.push(body.to_string()),
        }
        open = cont;
    }
    for line in &logical {
        let t = line.trim_start();
        let Some(rest) = t
            .get(..4)
            .filter(|k| k.eq_ignore_ascii_case("ENV "))
            .map(|_| &t[4..])
        else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        let is_name =
            |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if words.first().is_some_and(|w| w.contains('=')) {
            out.extend(
                words
                    .iter()
                    .filter_map(|w| w.split_once('=').map(|(k, _)| k))
                    .filter(|k| is_name(k))
                    .map(String::from),
            );
        } else if let Some(w) = words.first().filter(|w| is_name(w)) {
            out.push(w.to_string());
        }
    }
    out
}

/// `KEY` of a commented-out assignment: `# KEY=`, `#export KEY=v`.
fn commented_key(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("export ").unwrap_or(rest).trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let key = &rest[..end];
    let starts_like_a_name = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    (starts_like_a_name && rest[end..].trim_start().starts_with('=')).then_some(key)
}

pub struct EnvReads;

impl FileCheck for EnvReads {
    fn tokens(&self, ctx: &Context, kind: FileKind) -> Vec<String> {
        if kind.lang == Lang::Env {
            // Templates are parsed whole; `=` is in every useful one.
            return vec!["=".to_string()];
        }
        if kind.lang == Lang::Dockerfile {
            return vec!["ENV".to_string(), "env".to_string()];
        }
        references::tokens(kind.lang, &ctx.settings.env.accessor_names)
    }

    fn check_file(&self, file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
        if file.lang == Lang::Env {
            let name = file.rel.rsplit('/').next().unwrap_or(file.rel);
            if ctx.settings.env.is_template_name(name) {
                out.templates.push(Template {
                    rel: file.rel.to_string(),
                    dir: file.rel.rsplit_once('/').map_or("", |(d, _)| d).to_string(),
                    parsed: dotenv::parse(file.text),
                    lines: file.text.lines().map(String::from).collect(),
                    documented: Default::default(),
                });
            } else {
                out.env_files
                    .push((file.rel.to_string(), dotenv::parse(file.text)));
            }
            return;
        }
        if file.lang == Lang::Dockerfile {
            out.image_env.extend(image_env(file.text));
            return;
        }
        out.env_reads
            .extend(references::reads_in(file, &ctx.settings.env.accessors));
    }
}

#[cfg(test)]
mod tests {
    use super::commented_key;

    #[test]
    fn dockerfile_env_sets_variables() {
        let text = "FROM ruby:3.3\nARG BUILD_COMMIT_SHA\nENV BUILD_COMMIT_SHA=${BUILD_COMMIT_SHA} RAILS_LOG_TO_STDOUT=1\nENV LEGACY_FORM value with spaces\n# ENV COMMENTED=1\nRUN env\nENV RAILS_ENV=\"production\" \\\n    BUNDLE_PATH=\"/usr/local/bundle\" \\\n    GIT_SHA=${GIT_SHA}\n";
        assert_eq!(
            super::image_env(text),
            [
                "BUILD_COMMIT_SHA",
                "RAILS_LOG_TO_STDOUT",
                "LEGACY_FORM",
                "RAILS_ENV",
                "BUNDLE_PATH",
                "GIT_SHA"
            ]
        );
    }

    #[test]
    fn commented_out_assignments_name_their_key() {
        for (line, key) in [
            ("# SENTRY_DSN=", Some("SENTRY_DSN")),
            ("#OPTIONAL_X=value", Some("OPTIONAL_X")),
            ("  # export REDIS_URL = redis://", Some("REDIS_URL")),
            ("# Set SENTRY_DSN to report errors", None),
            ("# ---- Stripe ----", None),
            ("# 1=one", None),
            ("SENTRY_DSN=", None),
        ] {
            assert_eq!(commented_key(line), key, "{line}");
        }
    }
}

#[cfg(test)]
mod template_tests {
    /// Assigned and commented-out names are documented, asked once or again.
    #[test]
    fn a_template_documents_assigned_and_commented_names() {
        let text = "A=1\n# B=\n#export C=x\n  # not a name here\nD\n";
        let t = super::Template {
            rel: ".env.example".into(),
            dir: String::new(),
            parsed: crate::env::dotenv::parse(text),
            lines: text.lines().map(String::from).collect(),
            documented: Default::default(),
        };
        for _ in 0..2 {
            for (name, documented) in [
                ("A", true),
                ("B", true),
                ("C", true),
                ("D", false),
                ("x", false),
            ] {
                assert_eq!(t.documents(name), documented, "{name}");
            }
        }
    }
}
