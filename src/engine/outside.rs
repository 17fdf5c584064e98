//! Findings in env files outside the repository, moved to where SARIF and
//! check-run annotations can point.

use crate::checks;
use crate::env::environments;
use crate::finding::Finding;

/// Findings placed in an env file outside the repository (`--env-file
/// ../deploy/prod.env`) move to the template's declaration of the same
/// variable — SARIF and check-run annotations need repository paths — or,
/// with no such declaration, lose their place; the message names the
/// outside file and line either way.
pub(super) fn relocate_outside_env_findings(
    findings: &mut [Finding],
    environments: &[environments::Environment],
    templates: &[checks::env_reads::Template],
) {
    let outside: Vec<&environments::LoadedFile> = environments
        .iter()
        .flat_map(|e| &e.files)
        .filter(|f| f.outside)
        .collect();
    if outside.is_empty() {
        return;
    }
    for f in findings.iter_mut() {
        let Some(file) = outside
            .iter()
            .find(|o| f.path.as_deref() == Some(o.path.as_str()))
        else {
            continue;
        };
        let line = f.span.as_ref().map(|s| s.line);
        let key = line
            .and_then(|l| file.parsed.entries.iter().find(|e| e.line == l))
            .map(|e| e.key.as_str());
        let place = match line {
            Some(l) => format!("{} line {l}", file.path),
            None => file.path.clone(),
        };
        f.message = format!("{} (in {place}, outside the repository)", f.message);
        let declared = key.and_then(|k| {
            templates
                .iter()
                .find_map(|t| t.parsed.entries.iter().find(|e| e.key == k).map(|e| (t, e)))
        });
        match declared {
            Some((t, e)) => {
                let unplaced = Finding::new(
                    f.rule,
                    f.level,
                    std::mem::take(&mut f.message),
                    std::mem::take(&mut f.help),
                );
                *f = checks::repo::placed_at_entry(unplaced, &t.rel, e);
            }
            None => {
                f.path = None;
                f.span = None;
                f.source_line = None;
                f.source_caret = 0;
            }
        }
    }
}
