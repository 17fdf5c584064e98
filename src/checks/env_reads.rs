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
            }
            return;
        }
        out.env_reads
            .extend(references::reads_in(file, &ctx.settings.env.accessors));
    }
}
