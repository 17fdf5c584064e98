//! The image a production Dockerfile builds: `docker/root-user`,
//! `docker/secret-in-image`, `docker/unpinned-base`. Only the final stage
//! (or the one a production compose file's `build.target` names) is
//! judged, with the stages it is built `FROM` (their user, settings and
//! files are the image's too); build stages, dev-named Dockerfiles
//! (`Dockerfile.dev`, `local.Dockerfile`, `.devcontainer/`) and those in
//! non-production folders are not. Docs: `docs/rules/docker-*.md`.

pub(crate) mod builds;
mod dockerignore;
pub mod parse;

use super::repo::{RepoCheck, RepoFacts};
use super::Context;
use crate::finding::{Finding, Span};
use crate::rules::{Area, Judged, Level, Rule};
use dockerignore::DockerIgnore;
use parse::{Dockerfile, Instruction, Stage, Word};

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const ROOT_USER: Rule = Rule {
    id: "docker/root-user",
    default_level: Some(Level::Warning),
    area: Area::Infrastructure,
    judged: Judged::Lines,
    summary: "the final Dockerfile stage runs as root: no `USER`, or `USER root`/`0`",
    options: &[],
    doc: crate::rule_doc!("docker-root-user"),
    module: module_path!(),
};

pub const SECRET_IN_IMAGE: Rule = Rule {
    id: "docker/secret-in-image",
    default_level: Some(Level::Error),
    area: Area::Infrastructure,
    judged: Judged::Lines,
    summary: "a literal secret in the final stage's `ENV`/`ARG`, or an env file `COPY`/`ADD` puts into the image",
    options: &[],
    doc: crate::rule_doc!("docker-secret-in-image"),
    module: module_path!(),
};

pub const UNPINNED_BASE: Rule = Rule {
    id: "docker/unpinned-base",
    default_level: Some(Level::Warning),
    area: Area::Infrastructure,
    judged: Judged::Lines,
    summary: "the final image's base is `:latest` or has no tag",
    options: &[],
    doc: crate::rule_doc!("docker-unpinned-base"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[&ROOT_USER, &SECRET_IN_IMAGE, &UNPINNED_BASE];

/// The final image of a production Dockerfile.
pub struct FinalImage<'a> {
    pub path: &'a str,
    lines: Vec<&'a str>,
    file: Dockerfile,
    /// Stage indexes: the final stage (or the one a production compose
    /// file targets), then the stage it is built `FROM`, …
    chain: Vec<usize>,
    /// The build context, repo-relative: what a compose file says, else
    /// the Dockerfile's folder.
    context: String,
}

/// An `ENV` or `ARG` setting of the final image.
pub struct ImageSetting<'i> {
    pub keyword: &'i str,
    pub key: String,
    pub value: Option<Word>,
    pub line: u32,
    pub column: u32,
}

impl<'a> FinalImage<'a> {
    fn stages(&self) -> impl Iterator<Item = &Stage> {
        self.chain.iter().map(|&i| &self.file.stages[i])
    }

    /// The `ENV` and `ARG` settings of the image's stages, placed on the
    /// line (of a continued instruction) where each key is written.
    pub fn settings(&self) -> Vec<ImageSetting<'_>> {
        let mut out = Vec::new();
        for stage in self.stages() {
            for i in &stage.instructions {
                if i.keyword != "ENV" && i.keyword != "ARG" {
                    continue;
                }
                for (key, value) in i.assignments() {
                    let (line, column) = self.locate(i.line, &key);
                    out.push(ImageSetting {
                        keyword: if i.keyword == "ENV" { "ENV" } else { "ARG" },
                        key,
                        value,
                        line,
                        column,
                    });
                }
            }
        }
        out
    }

    /// Where `word` is written in the instruction starting at `line`:
    /// that line or one it continues onto.
    fn locate(&self, line: u32, word: &str) -> (u32, u32) {
        let start = line.saturating_sub(1) as usize;
        for (n, text) in self.lines.iter().enumerate().skip(start).take(64) {
            let mut from = 0;
            while let Some(at) = text[from..].find(word) {
                let at = from + at;
                let before = text[..at].chars().next_back();
                let after = text[at + word.len()..].chars().next();
                let bounded = before.is_none_or(|c| c.is_whitespace() || c == '"')
                    && after.is_none_or(|c| c == '=' || c.is_whitespace());
                if bounded {
                    return ((n + 1) as u32, text[..at].chars().count() as u32 + 1);
                }
                from = at + word.len();
            }
            if !text.trim_end().ends_with(['\\', '`']) && n > start {
                break;
            }
        }
        (line, 1)
    }

    /// What a finding at `line`, `column` shows: the line up to the end of
    /// the key and its `=`, the value replaced by `…` (never shown).
    pub fn shown_key(&self, line: u32, column: u32, key: &str) -> String {
        let text = self.lines.get(line as usize - 1).copied().unwrap_or("");
        let upto: String = text
            .chars()
            .take(column as usize - 1 + key.chars().count())
            .collect();
        format!("{upto}=…")
    }

    fn finding(
        &self,
        rule: &'static Rule,
        level: Level,
        (line, column, len): (u32, u32, u32),
        shown: &str,
        message: String,
        help: String,
    ) -> Finding {
        let span = Span {
            line,
            column,
            end_line: line,
            end_column: column + len,
        };
        Finding::new(rule, level, message, help).at(self.path, span, shown)
    }

    fn line_text(&self, line: u32) -> &str {
        self.lines.get(line as usize - 1).copied().unwrap_or("")
    }

    /// The build context, repo-relative (`""` at the root).
    pub fn context(&self) -> &str {
        &self.context
    }

    /// The image's `HEALTHCHECK` command, as text, and its line: the last
    /// one of the final stage, else inherited from the stage it is built
    /// `FROM`; `None` without one or with `HEALTHCHECK NONE`.
    pub fn healthcheck(&self) -> Option<(u32, String)> {
        let i = self.stages().find_map(|s| {
            s.instructions
                .iter()
                .rev()
                .find(|i| i.keyword == "HEALTHCHECK")
        })?;
        let words: Vec<&str> = i.words.iter().map(|w| w.text.as_str()).collect();
        match words.split_first() {
            Some((cmd, rest)) if cmd.eq_ignore_ascii_case("CMD") => Some((i.line, rest.join(" "))),
            _ => None,
        }
    }

    /// Does the image run a Node app, and only that: a Node base image or
    /// a Node package manager in its stages, and no web server of its own
    /// (nginx, Caddy) that a probe could be aimed at instead.
    pub fn runs_node_only(&self) -> bool {
        let mut node = false;
        for stage in self.stages() {
            let base = stage.base.to_ascii_lowercase();
            node |= base.contains("node") || base.contains("bun");
            for i in &stage.instructions {
                for w in &i.words {
                    let w = w.text.to_ascii_lowercase();
                    if w.contains("nginx") || w.contains("caddy") || w.contains("supervisor") {
                        return false;
                    }
                    node |= matches!(w.as_str(), "node" | "npm" | "yarn" | "pnpm" | "bun" | "npx");
                }
            }
        }
        node
    }

    /// The image the chain starts from, with the `FROM` line naming it:
    /// `None` when a variable in it has no default.
    fn base_image(&self) -> (Option<String>, &Stage) {
        let root = &self.file.stages[*self.chain.last().unwrap_or(&0)];
        (resolve_base(&self.file, &root.base), root)
    }
}

/// Production Dockerfiles (see the module doc) with a final stage.
pub fn final_images<'a>(facts: &'a RepoFacts, ctx: &Context) -> Vec<FinalImage<'a>> {
    let mut out = Vec::new();
    let builds = facts.shared.docker_builds.get_or_init(|| {
        let production: std::collections::BTreeSet<String> = super::compose::projects(facts, ctx)
            .iter()
            .flat_map(|p| p.files.iter().cloned())
            .collect();
        builds::builds(facts.repo_files, &production)
    });
    for f in facts.repo_files {
        let rel = f.rel.as_str();
        if !super::infra_files::is_dockerfile(rel)
            || !facts.is_production(ctx, rel)
            || is_dev_dockerfile(rel)
        {
            continue;
        }
        let file = parse::parse(&f.text);
        let Some(last) = file.stages.len().checked_sub(1) else {
            continue;
        };
        let build = builds.iter().find(|(d, _)| d == rel).map(|(_, b)| b);
        let last = build
            .and_then(|b| b.target.as_deref())
            .and_then(|t| {
                file.stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(t))
            })
            .unwrap_or(last);
        let mut chain = vec![last];
        let mut current = last;
        loop {
            let stage = &file.stages[current];
            let base = resolve_base(&file, &stage.base)
                .unwrap_or_else(|| stage.base.clone())
                .to_ascii_lowercase();
            match file.stages[..current]
                .iter()
                .rposition(|s| s.name.as_deref() == Some(base.as_str()))
            {
                Some(parent) => {
                    chain.push(parent);
                    current = parent;
                }
                None => break,
            }
        }
        out.push(FinalImage {
            path: rel,
            lines: f.text.lines().collect(),
            file,
            chain,
            context: build.map_or_else(|| dir_of(rel).to_string(), |b| b.context.clone()),
        });
    }
    out
}

/// `Dockerfile.dev`, `dev.Dockerfile`, `api.local.Dockerfile`,
/// `Dockerfile.test`, or one under `.devcontainer/`, `development/`,
/// `dev/`: images for a developer's machine or a test run.
pub fn is_dev_dockerfile(rel: &str) -> bool {
    let mut parts = rel.split('/').rev();
    let name = parts.next().unwrap_or(rel).to_ascii_lowercase();
    const DEV: &[&str] = &[
        "dev",
        "develop",
        "development",
        "local",
        "test",
        "tests",
        "testing",
        "e2e",
        "ci",
        "debug",
        "devcontainer",
    ];
    name.split(['.', '-', '_']).any(|p| DEV.contains(&p))
        || parts.any(|d| {
            matches!(
                d.to_ascii_lowercase().as_str(),
                ".devcontainer" | "development" | "dev" | "local"
            )
        })
}

/// `base` with the global `ARG` defaults substituted.
fn resolve_base(file: &Dockerfile, base: &str) -> Option<String> {
    let vars = |name: &str| {
        let arg = file.global_args.iter().rev().find(|a| a.name == name)?;
        arg.default.as_ref().map(|w| w.text.clone())
    };
    parse::substitute(base, &vars)
}

pub struct DockerRules;

impl RepoCheck for DockerRules {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        let env_files = context_env_files(facts, ctx);
        for image in final_images(facts, ctx) {
            facts
                .judged
                .mark("docker", Area::Infrastructure, image.path);
            if let Some(level) = ctx.settings.level(&ROOT_USER) {
                out.extend(root_user(&image, level));
            }
            if let Some(level) = ctx.settings.level(&UNPINNED_BASE) {
                out.extend(unpinned_base(&image, level));
            }
            if let Some(level) = ctx.settings.level(&SECRET_IN_IMAGE) {
                secret_settings(&image, ctx, level, out);
                let ignore = dockerignore_for(facts, &image);
                env_files_copied(&image, &env_files, &ignore, level, out);
            }
        }
    }
}

fn root_user(image: &FinalImage, level: Level) -> Option<Finding> {
    let last_user = image
        .stages()
        .find_map(|s| s.instructions.iter().rev().find(|i| i.keyword == "USER"));
    let help = "create an unprivileged user in the final stage and switch to it before CMD: `RUN addgroup --system app && adduser --system --ingroup app app` then `USER app` (official Node images ship a `node` user: `USER node`)".to_string();
    match last_user {
        Some(user) => {
            let word = user.words.first()?;
            if word.has_variable {
                return None;
            }
            let name = word.text.split(':').next().unwrap_or("");
            (name == "root" || name == "0").then(|| {
                image.finding(
                    &ROOT_USER,
                    level,
                    (user.line, 1, 4),
                    image.line_text(user.line),
                    format!(
                        "the final image of {} switches to `USER {}`: the app runs as root inside the container",
                        image.path, word.text
                    ),
                    help,
                )
            })
        }
        None => {
            let (base, root) = image.base_image();
            let base = base?;
            if runs_as_root(&base) != Some(true) {
                return None;
            }
            let last = &image.file.stages[image.chain[0]];
            Some(image.finding(
                &ROOT_USER,
                level,
                (last.line, 1, 4),
                image.line_text(last.line),
                format!(
                    "the final image of {} never sets `USER`: the app runs as root, the default of its base image {base}{}",
                    image.path,
                    if root.line == last.line {
                        String::new()
                    } else {
                        format!(" (the stage on line {} starts from it)", root.line)
                    }
                ),
                help,
            ))
        }
    }
}

/// Does the image run as root when no `USER` says otherwise, as far as
/// its documentation says? `Some(false)` for the `nonroot` tags (distroless
/// `:nonroot`, `:debug-nonroot`, and others following that convention);
/// `Some(true)` for Docker Official Images (`node`, `python`, `nginx`, …,
/// which run as root even where they create a user), `oven/bun`, the other
/// distroless tags and `scratch`; `None` for any other image (the project's
/// own, a vendor's), whose `USER` shipcheck cannot see.
fn runs_as_root(image: &str) -> Option<bool> {
    if image.eq_ignore_ascii_case("scratch") {
        return Some(true);
    }
    let tag = tag_of(image);
    if tag.is_some_and(|t| t == "nonroot" || t.ends_with("-nonroot")) {
        return Some(false);
    }
    let name = image.split('@').next().unwrap_or(image);
    let name = match name.rsplit_once('/') {
        Some((path, last)) => format!("{path}/{}", last.split(':').next().unwrap_or(last)),
        None => name.split(':').next().unwrap_or(name).to_string(),
    };
    let name = name.to_ascii_lowercase();
    let official = [
        "docker.io/library/",
        "registry.docker.com/library/",
        "index.docker.io/library/",
        "library/",
        "docker.io/",
        "registry.docker.com/",
    ]
    .iter()
    .find_map(|p| name.strip_prefix(p))
    .unwrap_or(&name);
    let root = !official.contains('/')
        || matches!(official, "oven/bun")
        || name.starts_with("gcr.io/distroless/");
    root.then_some(true)
}

/// The tag of an image reference: after the last `:` of the last path
/// element (`registry:5000/app` has none), before any `@digest`.
fn tag_of(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map(|(_, t)| t)
}

fn unpinned_base(image: &FinalImage, level: Level) -> Option<Finding> {
    let (base, stage) = image.base_image();
    let base = base?;
    if base.eq_ignore_ascii_case("scratch") || base.contains('@') {
        return None;
    }
    let problem = match tag_of(&base) {
        None => "has no tag, so it means `:latest`",
        Some(t) if t.eq_ignore_ascii_case("latest") => "is `:latest`",
        Some(_) => return None,
    };
    let column = image
        .line_text(stage.line)
        .find(stage.base.as_str())
        .map_or(1, |b| {
            image.line_text(stage.line)[..b].chars().count() as u32 + 1
        });
    Some(image.finding(
        &UNPINNED_BASE,
        level,
        (stage.line, column, stage.base.chars().count() as u32),
        image.line_text(stage.line),
        format!(
            "the final image of {} is built on {base}, which {problem}: each build may get a different base, and a rebuild of the same commit can break",
            image.path
        ),
        "pin a version tag (`node:22.11-alpine`); for builds that never change under you, also pin the digest (`docker buildx imagetools inspect` prints it; append it as `@sha256:…`) and let a bot such as Renovate update it".to_string(),
    ))
}

fn secret_settings(image: &FinalImage, ctx: &Context, level: Level, out: &mut Vec<Finding>) {
    for s in image.settings() {
        let Some(value) = &s.value else { continue };
        let v = value.text.trim();
        if value.has_variable
            || !ctx.settings.secrets.is_secret_name(&s.key)
            || super::env::is_public_by_design(&s.key, v)
            || !is_literal_secret(&s.key, v)
        {
            continue;
        }
        let how = if s.keyword == "ENV" {
            "`ENV` stays in the image's configuration: anyone who pulls the image reads it with `docker inspect`"
        } else {
            "an `ARG` default is recorded in the image's history (`docker history`) wherever the build uses it"
        };
        out.push(image.finding(
            &SECRET_IN_IMAGE,
            level,
            (s.line, s.column, s.key.chars().count() as u32),
            &image.shown_key(s.line, s.column, &s.key),
            format!(
                "the final image of {} sets {} to a literal secret ({}) with {}: {how}, and the repository has it too",
                image.path,
                s.key,
                crate::redact::mask_secret(v, ""),
                s.keyword
            ),
            format!(
                "delete the value from the Dockerfile, rotate it, and give {} to the container at run time (`docker run -e`, the platform's secrets); a build step that needs it can use `RUN --mount=type=secret,id=…`",
                s.key
            ),
        ));
    }
}

/// Is `value` of the secret-named `key` a real secret written into the
/// Dockerfile? Literal values there are often build-time dummies
/// (`NEXTAUTH_SECRET=build-placeholder`, `SECRET_KEY=insecure-for-collectstatic`)
/// or settings that mention a secret (`TOKEN_HEADER=Authorization`,
/// `PASSWORD_HASHER=argon2id`): only a long random value counts (the
/// redactor's judgement of a key), never one that says it is a dummy,
/// a path, or a GnuPG key id (`GPG_KEY`, a public fingerprint).
fn is_literal_secret(key: &str, value: &str) -> bool {
    const DUMMY: &[&str] = &[
        "dummy",
        "placeholder",
        "example",
        "fake",
        "insecure",
        "changeme",
        "replace",
        "sample",
        "notsecret",
        "not-a-secret",
        "not_a_secret",
        "build-only",
        "buildtime",
        "build-time",
    ];
    let lower = value.to_ascii_lowercase();
    let upper_key = key.to_ascii_uppercase();
    crate::redact::looks_random(value)
        && !value.starts_with(['/', '.', '~'])
        && !DUMMY.iter().any(|d| lower.contains(d))
        && !upper_key.contains("GPG")
        && !upper_key.contains("PGP")
}

/// An env file the build context may hold: repo-relative path, and the
/// secret-named key with a real-looking value it holds, when it holds one.
struct ContextEnvFile {
    path: String,
    secret_key: Option<String>,
}

/// Env files git tracks, the scanned set holds or the production
/// environment was loaded from (inside the repository); not templates and
/// not test fixtures.
fn context_env_files(facts: &RepoFacts, ctx: &Context) -> Vec<ContextEnvFile> {
    let mut parsed: Vec<(&str, &crate::env::dotenv::EnvFile)> = facts
        .env_files
        .iter()
        .map(|(p, f)| (p.as_str(), f))
        .collect();
    for env in facts.environments.iter().filter(|e| e.is_production) {
        for f in env.files.iter().filter(|f| !f.outside) {
            parsed.push((f.path.as_str(), &f.parsed));
        }
    }
    let mut paths: Vec<&str> = parsed.iter().map(|(p, _)| *p).collect();
    paths.extend(
        facts
            .tracked_env_files
            .unwrap_or(&[])
            .iter()
            .map(String::as_str),
    );
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| {
            let name = p.rsplit('/').next().unwrap_or(p);
            !ctx.settings.env.is_template_name(name) && ctx.settings.is_production(p)
        })
        .map(|p| ContextEnvFile {
            path: p.to_string(),
            secret_key: parsed
                .iter()
                .filter(|(q, _)| *q == p)
                .find_map(|(_, f)| super::env::real_secret(ctx, f))
                .map(|e| e.key.clone()),
        })
        .collect()
}

/// The `.dockerignore` of an image's build context:
/// `<Dockerfile>.dockerignore` beside the Dockerfile first, as BuildKit
/// reads it, else the one at the context's root.
fn dockerignore_for(facts: &RepoFacts, image: &FinalImage) -> DockerIgnore {
    let beside = format!("{}.dockerignore", image.path);
    let in_context = join(&image.context, ".dockerignore");
    let text = facts
        .repo_files
        .iter()
        .find(|f| f.rel == beside)
        .or_else(|| facts.repo_files.iter().find(|f| f.rel == in_context))
        .map_or("", |f| f.text.as_str());
    DockerIgnore::parse(text)
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Is `name` an env file's name (`.env`, `.env.production`, `prod.env`)?
fn is_env_name(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.") || (name.ends_with(".env") && name.len() > 4)
}

/// `COPY`/`ADD` from the build context that put an env file holding a
/// secret — or one named explicitly that the repository does not have,
/// so the deploy writes it — into the final image.
fn env_files_copied(
    image: &FinalImage,
    env_files: &[ContextEnvFile],
    ignore: &DockerIgnore,
    level: Level,
    out: &mut Vec<Finding>,
) {
    let context = image.context.as_str();
    // Env files inside the context, relative to it, not ignored.
    let in_context: Vec<(String, &ContextEnvFile)> = env_files
        .iter()
        .filter_map(|f| {
            let rel = if context.is_empty() {
                Some(f.path.as_str())
            } else {
                f.path
                    .strip_prefix(context)
                    .and_then(|r| r.strip_prefix('/'))
            }?;
            (!ignore.excludes(rel)).then(|| (rel.to_string(), f))
        })
        .collect();
    for stage in image.stages() {
        for i in &stage.instructions {
            if !matches!(i.keyword.as_str(), "COPY" | "ADD") || i.flag("from").is_some() {
                continue;
            }
            let Some((_, sources)) = i.words.split_last() else {
                continue;
            };
            if let Some(f) = copied_env_file(sources, &in_context, ignore) {
                out.push(copy_finding(image, i, &f, level));
            }
        }
    }
}

/// What one `COPY`'s sources bring in: a known env file holding a secret,
/// or an env file named outright that the repository does not have.
fn copied_env_file(
    sources: &[Word],
    in_context: &[(String, &ContextEnvFile)],
    ignore: &DockerIgnore,
) -> Option<String> {
    for src in sources {
        if src.has_variable || src.text.starts_with("<<") || src.text.contains("://") {
            continue;
        }
        let cleaned = clean_source(&src.text);
        let glob = cleaned.contains(['*', '?', '[']);
        let matcher = glob.then(|| DockerIgnore::parse(&cleaned));
        for (rel, f) in in_context {
            let hit = match &matcher {
                Some(m) => m.excludes(rel),
                None => {
                    cleaned.is_empty() || *rel == cleaned || rel.starts_with(&format!("{cleaned}/"))
                }
            };
            if let (true, Some(key)) = (hit, &f.secret_key) {
                return Some(format!("{} (it holds {key})", f.path));
            }
        }
        let name = cleaned.rsplit('/').next().unwrap_or(&cleaned);
        let known = in_context.iter().any(|(rel, _)| *rel == cleaned);
        let template = ["example", "sample", "template", "dist", "tmpl", "tpl"]
            .iter()
            .any(|t| {
                name.split(['.', '-', '_'])
                    .any(|p| p.eq_ignore_ascii_case(t))
            });
        if !glob && is_env_name(name) && !template && !known && !ignore.excludes(&cleaned) {
            return Some(format!(
                "{cleaned} (not in the repository: whatever the deploy writes there)"
            ));
        }
    }
    None
}

/// A `COPY` source as a context path: `./` and `/` dropped, `.` the root.
fn clean_source(s: &str) -> String {
    s.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/")
}

fn copy_finding(image: &FinalImage, i: &Instruction, what: &str, level: Level) -> Finding {
    image.finding(
        &SECRET_IN_IMAGE,
        level,
        (i.line, 1, i.keyword.len() as u32),
        image.line_text(i.line),
        format!(
            "`{}` puts {what} into the final image of {}: anyone who pulls the image can read it",
            i.keyword,
            image.path
        ),
        "add the env file to .dockerignore (`.env*` then `!.env.example`) and give the container its values at run time (`docker run --env-file`, the platform's secrets); rotate the secrets if an image with them was pushed".to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_dockerfiles_by_name_and_folder() {
        for yes in [
            "Dockerfile.dev",
            "dev.Dockerfile",
            "api.dev.Dockerfile",
            "docker/local.Dockerfile",
            "Dockerfile.test",
            ".devcontainer/Dockerfile",
            "docker/development/Dockerfile.gotenberg",
        ] {
            assert!(is_dev_dockerfile(yes), "{yes}");
        }
        for no in [
            "Dockerfile",
            "docker/production.Dockerfile",
            "Dockerfile.prod",
            "apps/devtools-api/Dockerfile",
            "Dockerfile.latest",
        ] {
            assert!(!is_dev_dockerfile(no), "{no}");
        }
    }

    #[test]
    fn tags_and_non_root_bases() {
        assert_eq!(tag_of("node:22-alpine"), Some("22-alpine"));
        assert_eq!(tag_of("registry:5000/app"), None);
        assert_eq!(tag_of("registry:5000/app:1.2"), Some("1.2"));
        assert_eq!(tag_of("node@sha256:abc"), None);
        for (image, root) in [
            ("gcr.io/distroless/nodejs22-debian12:nonroot", Some(false)),
            ("gcr.io/distroless/static:debug-nonroot", Some(false)),
            ("gcr.io/distroless/static", Some(true)),
            ("node:22-alpine", Some(true)),
            ("docker.io/node:lts-alpine", Some(true)),
            ("registry.docker.com/library/ruby:3.4-slim", Some(true)),
            ("oven/bun:1", Some(true)),
            ("scratch", Some(true)),
            ("documenso/documenso:latest", None),
            ("ghcr.io/acme/base:1", None),
            ("registry.example.com:5000/node", None),
        ] {
            assert_eq!(runs_as_root(image), root, "{image}");
        }
    }

    #[test]
    fn literal_secrets_are_random_values_not_build_dummies() {
        for (key, value, secret) in [
            ("RAILS_MASTER_KEY", "8f3e1c0b9a7d4e2f6b5a1c3d9e8f7a6b", true),
            ("DB_PASSWORD", "Tr0ub4dor-horse-9931-battery", true),
            ("NEXTAUTH_SECRET", "build-time-placeholder", false),
            ("AUTH_SECRET", "dummy-secret-0123456789-abcdefgh", false),
            ("SECRET_KEY", "django-insecure-build-only", false),
            ("PASSWORD_STORE", "/var/lib/passwords", false),
            ("GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D", false),
            ("TOKEN_HEADER", "Authorization", false),
            ("PASSWORD_HASHER", "argon2id", false),
        ] {
            assert_eq!(is_literal_secret(key, value), secret, "{key}={value}");
        }
    }

    #[test]
    fn copy_sources_name_env_files() {
        let secret = ContextEnvFile {
            path: ".env".to_string(),
            secret_key: Some("API_SECRET".to_string()),
        };
        let plain = ContextEnvFile {
            path: ".env.production".to_string(),
            secret_key: None,
        };
        let ctx = [
            (".env".to_string(), &secret),
            (".env.production".to_string(), &plain),
        ];
        let none = DockerIgnore::default();
        let w = |s: &str| parse::shell_words(s, '\\');
        assert!(copied_env_file(&w("."), &ctx, &none).is_some());
        assert!(copied_env_file(&w("./"), &ctx, &none).is_some());
        assert!(copied_env_file(&w(".env*"), &ctx, &none).is_some());
        assert!(copied_env_file(&w("src package.json"), &ctx, &none).is_none());
        // A tracked env file with no secret in it is not a leak.
        assert!(copied_env_file(&w(".env.production"), &ctx, &none).is_none());
        // Named outright and not in the repository: the deploy's values.
        assert!(copied_env_file(&w(".env.local"), &ctx, &none).is_some());
        assert!(copied_env_file(&w(".env.example"), &ctx, &none).is_none());
        assert!(copied_env_file(&w("$ENV_FILE"), &ctx, &none).is_none());
    }
}
