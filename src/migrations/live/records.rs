//! Tracking-table rows normalised into one record per migration: applied
//! (with the checksum the framework stored, if any) or failed. Rows that
//! say "not applied" (Prisma rolled back, goose `is_applied = false`,
//! Flyway DELETE/UNDO) leave no record.

use super::checksum::Stored;
use super::db::Rows;
use crate::migrations::Framework;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Matches `status::key_of` of the migration.
    pub key: String,
    /// Shown for a migration with no file in the repository.
    pub name: String,
    /// `Some(detail)` when the table records a failed / unfinished attempt.
    pub failed: Option<String>,
    pub stored: Option<Stored>,
}

/// What a table says beyond its records.
#[derive(Debug, Default)]
pub struct History {
    pub records: Vec<Record>,
    /// golang-migrate: every version up to this one counts as applied.
    pub high_water: Option<String>,
    /// Flyway: versions up to the baseline count as applied.
    pub baseline: Option<String>,
}

fn cell(row: &[Option<String>], i: usize) -> Option<&str> {
    row.get(i).and_then(|c| c.as_deref())
}

fn text(row: &[Option<String>], i: usize) -> String {
    cell(row, i).unwrap_or_default().to_string()
}

pub fn truthy(v: Option<&str>) -> bool {
    matches!(
        v.map(|s| s.trim().to_ascii_lowercase()).as_deref(),
        Some("1" | "t" | "true" | "y" | "yes" | "on")
    )
}

/// Decimal text without leading zeros (`000042` → `42`); other text as is.
pub fn strip_zeros(s: &str) -> String {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let t = s.trim_start_matches('0');
        if t.is_empty() { "0" } else { t }.to_string()
    } else {
        s.to_string()
    }
}

/// A Drizzle `created_at` (bigint, or SQLite `numeric` that may read back
/// as `1700000000000.0`) as integer text.
fn millis(s: &str) -> String {
    let s = s.trim();
    let int = s.strip_suffix(".0").unwrap_or(s);
    if int.bytes().all(|b| b.is_ascii_digit()) {
        return strip_zeros(int);
    }
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 => format!("{f:.0}"),
        _ => s.to_string(),
    }
}

/// Flyway's version text as integer parts (`1_1` = `01.1` = `1.1.0` = `1.1`).
pub fn flyway_version(v: &str) -> String {
    let mut parts: Vec<String> = v
        .trim()
        .replace('_', ".")
        .split('.')
        .map(strip_zeros)
        .collect();
    while parts.len() > 1 && parts.last().is_some_and(|p| p == "0") {
        parts.pop();
    }
    parts.join(".")
}

/// Sort key for timestamps and numbers read back as text.
pub fn sort_key(s: &str) -> String {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        format!("{s:0>40}")
    } else {
        s.to_string()
    }
}

/// `2026-01-02 10:00` from a timestamp as the server renders it (or epoch
/// seconds / milliseconds, as SQLite may store it).
pub fn minute(raw: &str) -> String {
    let raw = raw.trim();
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = raw.parse().unwrap_or(0);
        let secs = if raw.len() >= 12 { n / 1000 } else { n };
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = crate::date::civil_from_days(days);
        return format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60
        );
    }
    let t = raw.replacen('T', " ", 1);
    t.get(..16).map_or(t.clone(), str::to_string)
}

fn applied(key: String, name: String, stored: Option<Stored>) -> Record {
    Record {
        key,
        name,
        failed: None,
        stored,
    }
}

/// Normalise `rows` (columns as in `tables::select`).
pub fn read(framework: Framework, rows: &Rows) -> History {
    let mut h = History::default();
    match framework {
        Framework::Prisma => h.records = prisma(rows),
        Framework::Sqlx => {
            for r in rows {
                let version = strip_zeros(&text(r, 0));
                let name = format!("{version}_{}", text(r, 1).replace(' ', "_"));
                let failed = (!truthy(cell(r, 2))).then(|| {
                    format!(
                        "recorded as partially applied (success = false) at {}",
                        minute(&text(r, 4))
                    )
                });
                let stored = cell(r, 3).map(|c| Stored::Sqlx(c.to_string()));
                h.records.push(Record {
                    key: version,
                    name,
                    failed,
                    stored,
                });
            }
        }
        Framework::GolangMigrate => {
            for r in rows {
                let version = text(r, 0);
                if version.trim().starts_with('-') {
                    continue; // NilVersion: nothing applied
                }
                let version = strip_zeros(&version);
                let failed = truthy(cell(r, 1)).then(|| {
                    format!("schema_migrations is dirty at version {version}: it failed part-way (fix the schema, then `migrate force`)")
                });
                if h.high_water
                    .as_deref()
                    .is_none_or(|hw| sort_key(hw) < sort_key(&version))
                {
                    h.high_water = Some(version.clone());
                }
                h.records.push(Record {
                    key: version.clone(),
                    name: version,
                    failed,
                    stored: None,
                });
            }
        }
        Framework::Goose => {
            let mut rows: Vec<_> = rows.iter().collect();
            rows.sort_by_key(|r| sort_key(&text(r, 2)));
            let mut latest: BTreeMap<String, bool> = BTreeMap::new();
            for r in rows {
                let version = strip_zeros(&text(r, 0));
                if version != "0" {
                    latest.insert(version, truthy(cell(r, 1)));
                }
            }
            h.records = latest
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(v, _)| applied(v.clone(), v, None))
                .collect();
        }
        Framework::Flyway => flyway(rows, &mut h),
        Framework::Django => {
            h.records = rows
                .iter()
                .map(|r| applied(format!("{}.{}", text(r, 0), text(r, 1)), text(r, 1), None))
                .collect();
        }
        Framework::Rails => {
            h.records = rows
                .iter()
                .map(|r| applied(strip_zeros(&text(r, 0)), text(r, 0), None))
                .collect()
        }
        Framework::Diesel => {
            h.records = rows
                .iter()
                .map(|r| applied(text(r, 0).replace('-', ""), text(r, 0), None))
                .collect()
        }
        Framework::Alembic | Framework::TypeOrm => {
            h.records = rows
                .iter()
                .map(|r| applied(text(r, 0), text(r, 0), None))
                .collect();
        }
        Framework::Knex | Framework::Sequelize => {
            h.records = rows
                .iter()
                .map(|r| applied(script_stem(&text(r, 0)), text(r, 0), None))
                .collect();
        }
        Framework::DrizzleJournal | Framework::DrizzleFolders => {
            for r in rows {
                let when = millis(&text(r, 1));
                let key = cell(r, 2)
                    .filter(|n| !n.is_empty())
                    .map_or(when, str::to_string);
                h.records.push(applied(
                    key.clone(),
                    key,
                    cell(r, 0).map(|c| Stored::Drizzle(c.to_string())),
                ));
            }
        }
    }
    h
}

/// Knex and Sequelize record file names; a TypeScript repo deployed as
/// compiled JavaScript records `.js` names for `.ts` files.
pub fn script_stem(name: &str) -> String {
    for ext in [".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".coffee"] {
        if let Some(stem) = name.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    name.to_string()
}

/// Several rows per name (one per attempt): applied = a finished row not
/// rolled back; failed = an unfinished row not rolled back with no
/// successful attempt started after it.
fn prisma(rows: &Rows) -> Vec<Record> {
    let mut by_name: BTreeMap<String, Vec<&Vec<Option<String>>>> = BTreeMap::new();
    let mut order = Vec::new();
    for r in rows {
        let name = text(r, 0);
        if !by_name.contains_key(&name) {
            order.push(name.clone());
        }
        by_name.entry(name).or_default().push(r);
    }
    let mut out = Vec::new();
    for name in order {
        let attempts = &by_name[&name];
        let started = |r: &Vec<Option<String>>| sort_key(&text(r, 2));
        let live = |r: &&&Vec<Option<String>>| cell(r, 4).is_none();
        let success = attempts
            .iter()
            .filter(live)
            .filter(|r| cell(r, 3).is_some())
            .max_by_key(|r| started(r));
        let failed = attempts
            .iter()
            .filter(live)
            .filter(|r| cell(r, 3).is_none())
            .max_by_key(|r| started(r));
        let record = match (failed, success) {
            (Some(f), s) if s.is_none_or(|s| started(s) <= started(f)) => Record {
                key: name.clone(),
                name: name.clone(),
                failed: Some(format!(
                    "started {} UTC, never finished",
                    minute(&text(f, 2))
                )),
                stored: None,
            },
            (_, Some(s)) => {
                let stored = cell(s, 1)
                    .filter(|c| !c.is_empty())
                    .map(|c| Stored::Prisma(c.to_string()));
                applied(name.clone(), name.clone(), stored)
            }
            _ => continue, // only rolled-back attempts
        };
        out.push(record);
    }
    out
}

/// `installed_rank` order; DELETE and UNDO rows cancel earlier ones; a
/// BASELINE row stands for every version up to it; repeatables are keyed
/// by script, and their latest row counts.
fn flyway(rows: &Rows, h: &mut History) {
    let mut rows: Vec<_> = rows.iter().collect();
    rows.sort_by_key(|r| sort_key(&text(r, 0)));
    let mut by_key: BTreeMap<String, (usize, Record)> = BTreeMap::new();
    for (rank, r) in rows.into_iter().enumerate() {
        let kind = text(r, 3).to_ascii_uppercase();
        let version = cell(r, 1)
            .filter(|v| !v.trim().is_empty())
            .map(flyway_version);
        let key = match &version {
            Some(v) => v.clone(),
            None => text(r, 4),
        };
        match kind.as_str() {
            "SCHEMA" | "TABLE" => continue,
            "BASELINE" => {
                h.baseline = version;
                continue;
            }
            "DELETE" => {
                by_key.remove(&key);
                continue;
            }
            k if k.starts_with("UNDO") => {
                by_key.remove(&key);
                continue;
            }
            _ => {}
        }
        let script = text(r, 4);
        let name = script
            .strip_suffix(".sql")
            .unwrap_or(&script)
            .rsplit('/')
            .next()
            .unwrap_or(&script)
            .to_string();
        let failed = (!truthy(cell(r, 6))).then(|| {
            format!("recorded as failed (success = false) at {}; `flyway repair` after fixing the schema", minute(&text(r, 7)))
        });
        let stored = cell(r, 5)
            .and_then(|c| c.trim().parse::<i32>().ok())
            .map(Stored::Flyway);
        by_key.insert(
            key.clone(),
            (
                rank,
                Record {
                    key,
                    name,
                    failed,
                    stored,
                },
            ),
        );
    }
    let mut records: Vec<_> = by_key.into_values().collect();
    records.sort_by_key(|(rank, _)| *rank);
    h.records = records.into_iter().map(|(_, r)| r).collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_and_number_forms() {
        assert_eq!(minute("2026-01-02 10:00:00.123+00"), "2026-01-02 10:00");
        assert_eq!(minute("2026-01-02T10:00:00Z"), "2026-01-02 10:00");
        assert_eq!(minute("1767348000000"), "2026-01-02 10:00");
        assert_eq!(minute("1767348000"), "2026-01-02 10:00");
        assert_eq!(millis("1700000000000.0"), "1700000000000");
        assert_eq!(millis("1.7e12"), "1700000000000");
        assert_eq!(flyway_version("01_1.0"), "1.1");
        assert_eq!(strip_zeros("000"), "0");
        assert!(
            truthy(Some("true"))
                && truthy(Some("1"))
                && !truthy(Some("false"))
                && !truthy(Some("0"))
                && !truthy(None)
        );
    }
}
