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
}

impl Template {
    /// Does the template document `name`: an assignment, or one commented
    /// out (`# SENTRY_DSN=`, `#OPTIONAL_X=value`), which is how templates
    /// list optional variables?
    pub fn documents(&self, name: &str) -> bool {
        self.parsed.entries.iter().any(|e| e.key == name)
            || self.lines.iter().any(|l| commented_key(l) == Some(name))
    }
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
                });
            } else {
                out.env_files
                    .push((file.rel.to_string(), dotenv::parse(file.text)));
            }
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
