//! The live migration checks of a run: each migration set read from its
//! own database.

use super::CheckOptions;
use crate::config::Settings;
use crate::migrations::live;
use crate::run_context::RunContext;

/// The live migration checks of a run: one database per URL.
pub(super) struct LiveOutcome {
    /// Every live finding, with `labels` naming each set's database.
    pub report: Option<live::LiveReport>,
    /// Set folder → what the live check did with it, for the summary.
    pub per_set: std::collections::BTreeMap<String, String>,
    /// Sets that should have been checked live and could not be, and why.
    pub unchecked: Vec<String>,
}

/// Read each migration set's status from its database: `--database-url`,
/// or the URL in the environment variable `migrations.database-url-env`
/// names for it; sets in `migrations.not-live` are left out.
pub(super) fn live_checks(
    opts: &CheckOptions,
    ctx: &RunContext,
    settings: &Settings,
    sets: &[crate::migrations::MigrationSet],
) -> anyhow::Result<LiveOutcome> {
    let mut out = LiveOutcome {
        report: None,
        per_set: Default::default(),
        unchecked: Vec::new(),
    };
    // URL (None: --database-url) → the sets read from it.
    let mut by_url: Vec<(Option<String>, Vec<crate::migrations::MigrationSet>)> = Vec::new();
    let mut add = |url: Option<String>, set: &crate::migrations::MigrationSet| match by_url
        .iter_mut()
        .find(|(u, _)| *u == url)
    {
        Some((_, v)) => v.push(set.clone()),
        None => by_url.push((url, vec![set.clone()])),
    };
    let m = &settings.migrations;
    for set in sets {
        if m.not_live.contains(&set.dir) {
            out.per_set.insert(
                set.dir.clone(),
                "not checked live (migrations.not-live)".into(),
            );
            continue;
        }
        match m.database_url_env.get(&set.dir) {
            Some(var) => match ctx.var(var) {
                Some(url) => {
                    crate::redact::register_url_credentials(url);
                    add(Some(url.to_string()), set);
                }
                None => {
                    let why = format!(
                        "{}: ${var} (migrations.database-url-env) is not set",
                        set.dir
                    );
                    out.per_set.insert(
                        set.dir.clone(),
                        format!("not checked live: ${var} is not set"),
                    );
                    out.unchecked.push(why);
                }
            },
            None if opts.database_url.is_some() => add(None, set),
            None => {
                out.per_set.insert(
                    set.dir.clone(),
                    "not checked live: no --database-url".into(),
                );
            }
        }
    }
    for (url, group) in by_url {
        let Some(url) = url.or_else(|| opts.database_url.clone()) else {
            continue;
        };
        let live_opts = live::LiveOptions {
            url: url.clone(),
            connect_timeout: std::time::Duration::from_secs(10),
            statement_timeout: std::time::Duration::from_secs(15),
        };
        let r = live::live_status(&opts.tree(), &group, &live_opts)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let label = live::redact_url(&url);
        for (dir, _, table, applied) in &r.checked {
            out.per_set.insert(
                dir.clone(),
                format!("checked live: {applied} applied in {table}"),
            );
        }
        for (dir, table) in &r.missing_tables {
            out.per_set.insert(
                dir.clone(),
                format!("checked live: no {table} table, all pending"),
            );
        }
        let merged = out.report.get_or_insert_with(live::LiveReport::default);
        for set in &group {
            merged.labels.insert(set.dir.clone(), label.clone());
        }
        merged.findings.extend(r.findings);
        merged.checked.extend(r.checked);
        merged.missing_tables.extend(r.missing_tables);
        merged.indexes.extend(r.indexes);
    }
    if let Some(r) = &mut out.report {
        r.findings.sort_by(|a, b| a.set_dir.cmp(&b.set_dir));
    }
    Ok(out)
}
