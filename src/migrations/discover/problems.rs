//! Layout problems every framework's discovery reports the same way,
//! duplicate versions first.

use crate::migrations::{LayoutProblem, Migration};
use std::collections::BTreeMap;

pub(super) fn problem(
    path: &str,
    line: Option<u32>,
    message: String,
    help: String,
) -> LayoutProblem {
    LayoutProblem {
        path: path.to_string(),
        line,
        message,
        help,
        only_when_new: None,
    }
}

/// One problem for every migration whose `key` repeats an earlier one's;
/// `what` names the key ("version", "timestamp"), `help` is the fix.
pub(super) fn duplicates(
    framework: &str,
    migrations: &[Migration],
    key: impl Fn(&Migration) -> Option<String>,
    what: &str,
    help: impl Fn(&Migration, &Migration) -> String,
) -> Vec<LayoutProblem> {
    let mut first: BTreeMap<String, &Migration> = BTreeMap::new();
    let mut out = Vec::new();
    for m in migrations {
        let Some(k) = key(m) else { continue };
        match first.get(&k) {
            Some(earlier) => out.push(problem(
                m.files.first().map_or("", String::as_str),
                None,
                format!(
                    "{framework} {what} {k} is used by both `{}` and `{}`",
                    earlier.name, m.name
                ),
                help(earlier, m),
            )),
            None => {
                first.insert(k, m);
            }
        }
    }
    out
}
