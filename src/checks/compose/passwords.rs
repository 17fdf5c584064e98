//! `compose/insecure-default`: weak inline defaults and literal passwords,
//! and datastores that accept anyone (Redis without `requirepass`,
//! Postgres with trust auth, MySQL with an empty root password).

use super::{environment, model, Datastore, Judge, INSECURE_DEFAULT};
use crate::finding::Finding;
use model::interpolate;
use serde_yaml_ng::Value;

pub(super) fn insecure_default(j: &Judge, out: &mut Vec<Finding>) {
    let secrets = &j.ctx.settings.secrets;
    let mut problems = Vec::new();
    let env = environment(&j.service.def);
    let mut raw_strings = Vec::new();
    strings(&Value::Mapping(j.service.def.clone()), &mut raw_strings);
    for s in &raw_strings {
        for (var, default) in model::inline_defaults(s) {
            let set = j.vars.get(var).is_some_and(|v| !v.is_empty());
            if secrets.is_secret_name(var)
                && !set
                && crate::secret_strength::weakness(default).is_some()
            {
                problems.push(format!("`{var}` defaults to a weak inline value"));
            }
        }
    }
    for (key, raw) in &env {
        // Interpolated, a URL, a file path or a flag: not a password.
        let flag = matches!(
            raw.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "0" | "1"
        );
        if raw.contains('$') || raw.contains("://") || raw.is_empty() || flag {
            continue;
        }
        if raw.starts_with(['/', '.', '~']) {
            continue;
        }
        if secrets.is_secret_name(key) && crate::secret_strength::weakness(raw).is_some() {
            problems.push(format!("`{key}` is set to a weak literal password"));
        }
    }
    let value = |k: &str| {
        env.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| interpolate(v, j.vars).value)
    };
    let yes = |v: Option<String>| {
        v.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "yes" | "true" | "1"))
    };
    match j.datastore() {
        Some(Datastore::Redis) => {
            let cmd = format!("{} {}", j.words("command"), j.words("entrypoint"));
            let password = cmd.contains("requirepass")
                || cmd.contains(".conf")
                || cmd.contains("--aclfile")
                || env.iter().any(|(k, _)| {
                    matches!(
                        k.as_str(),
                        "REDIS_PASSWORD" | "REDIS_PASSWORD_FILE" | "REDIS_ARGS"
                    )
                });
            if !password || yes(value("ALLOW_EMPTY_PASSWORD")) {
                problems.push("Redis runs without a password (no `requirepass`)".to_string());
            }
        }
        Some(Datastore::Postgres) => {
            if value("POSTGRES_HOST_AUTH_METHOD").is_some_and(|v| v.trim() == "trust") {
                problems.push(
                    "`POSTGRES_HOST_AUTH_METHOD=trust` lets anyone connect without a password"
                        .to_string(),
                );
            }
            if yes(value("ALLOW_EMPTY_PASSWORD")) {
                problems.push(
                    "`ALLOW_EMPTY_PASSWORD` lets anyone connect without a password".to_string(),
                );
            }
        }
        Some(Datastore::Mysql)
            if yes(value("MYSQL_ALLOW_EMPTY_PASSWORD"))
                || yes(value("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD"))
                || yes(value("ALLOW_EMPTY_PASSWORD")) =>
        {
            problems.push("the database root account has an empty password".to_string());
        }
        _ => {}
    }
    problems.dedup();
    if problems.is_empty() {
        return;
    }
    let name = &j.service.name;
    let help = if j.datastore() == Some(Datastore::Redis) {
        format!("start `{name}` with a password from the production environment: `command: [\"redis-server\", \"--requirepass\", \"${{REDIS_PASSWORD:?set REDIS_PASSWORD}}\"]`, and put it in the app's Redis URL")
    } else {
        format!("give `{name}` a strong password from the production environment with no inline default (`${{VAR:?set VAR}}`), and require passwords for every connection")
    };
    j.push(
        out,
        &INSECURE_DEFAULT,
        format!("service `{name}`: {}", problems.join("; ")),
        help,
    );
}

/// Every string in `v`, keys excepted.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Mapping(m) => m.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}
