//! What a run could not check: the checklist areas it lacked the inputs
//! for (shown as "not checked", never ticked), and the `require:` findings
//! that turn that into a block on release branches.

use crate::config::Settings;
use crate::finding::Finding;

/// `scan/not-checked` for each input `require:` names that the run lacked.
/// Judged on what the run had (`facts`), not on the wording of the areas'
/// reasons; `not_checked` only words the database's.
pub(super) fn required_but_not_checked(
    settings: &Settings,
    facts: &NotCheckedFacts,
    not_checked: &[(crate::rules::Area, String)],
) -> Vec<Finding> {
    use crate::config::Requirement;
    use crate::rules::Area;
    let Some(level) = settings.level(&crate::scan::NOT_CHECKED) else {
        return Vec::new();
    };
    let why = |area: Area| {
        not_checked
            .iter()
            .find(|(a, _)| *a == area)
            .map(|(_, w)| w.as_str())
    };
    let mut out = Vec::new();
    for req in &settings.require {
        let (missing, what, help) = match req {
            Requirement::ProductionEnv => (
                !facts.has_production,
                "a production environment".to_string(),
                "pass the production environment: `--env-file FILE` or `--env-from-process` with the deploy's secrets in the job's env",
            ),
            Requirement::Template => (
                !facts.has_template,
                "an env template (`.env.example`)".to_string(),
                "commit a `.env.example` listing every variable the code reads",
            ),
            Requirement::Database => (
                facts.migration_sets > 0
                    && (!facts.database_checked || !facts.live_unchecked.is_empty()),
                format!(
                    "the database's migration status ({})",
                    why(Area::Migrations).unwrap_or("")
                ),
                "pass `--database-url` (a read-only user is enough) in the deploy job",
            ),
        };
        if missing {
            out.push(Finding::new(
                &crate::scan::NOT_CHECKED,
                level,
                format!("`require:` in the config needs {what}, and this run did not have it, so a release branch cannot pass"),
                help,
            ));
        }
    }
    out
}

/// What decides which checklist areas a run could check.
pub(super) struct NotCheckedFacts {
    pub files_scanned: usize,
    pub has_template: bool,
    pub has_production: bool,
    pub migration_sets: usize,
    pub database_checked: bool,
    /// Sets that should have been checked live and were not, and why.
    pub live_unchecked: Vec<String>,
    /// What the Security and Infrastructure checks judged (see
    /// `checks::repo::Judged`).
    pub judged: Vec<(crate::rules::Area, String)>,
}

/// The areas this run could not check, and why in words a user can act on.
pub(super) fn not_checked(f: &NotCheckedFacts) -> Vec<(crate::rules::Area, String)> {
    use crate::rules::Area;
    let mut out = Vec::new();
    if f.files_scanned == 0 {
        for area in [Area::DebugCode, Area::Todos] {
            out.push((area, "no files were scanned".to_string()));
        }
    }
    const NO_PRODUCTION: &str = "no production environment given";
    if !f.has_production {
        let how = "add `.env.production`, or pass `--env-file FILE` or `--env-from-process`";
        let env = if f.has_template {
            format!("{NO_PRODUCTION}: {how}")
        } else {
            format!("no `.env.example` template and {NO_PRODUCTION}: {how}")
        };
        out.push((Area::Environment, env));
        out.push((Area::Secrets, NO_PRODUCTION.to_string()));
        out.push((
            Area::Stripe,
            format!("{NO_PRODUCTION} (the repository's files were still searched for keys)"),
        ));
    }
    let judged = |area: Area| f.judged.iter().any(|(a, _)| *a == area);
    if !judged(Area::Security) {
        out.push((
            Area::Security,
            "no reverse-proxy config or Node server found: HTTPS, CORS, security headers and rate limits are set there".to_string(),
        ));
    }
    if !judged(Area::Infrastructure) {
        out.push((
            Area::Infrastructure,
            "no Dockerfile, production compose file, reverse-proxy config or Node server found"
                .to_string(),
        ));
    }
    if f.migration_sets == 0 {
        out.push((
            Area::Migrations,
            "no migrations found in the repository".to_string(),
        ));
    } else if !f.database_checked {
        out.push((
            Area::Migrations,
            "no `--database-url` given: what the database has applied, and which indexes it has, were not compared with the repository".to_string(),
        ));
    } else if !f.live_unchecked.is_empty() {
        out.push((
            Area::Migrations,
            format!(
                "not every migration set was compared with its database ({})",
                f.live_unchecked.join("; ")
            ),
        ));
    }
    out
}
