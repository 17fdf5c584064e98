//! Stripe keys per environment: `stripe/test-key-in-production`,
//! `stripe/mixed-modes`, `stripe/malformed-key`. Keys are shown only as
//! their public prefix and last four characters. Docs: `docs/rules/stripe-*.md`.

use super::repo::{at_value, RepoCheck, RepoFacts};
use super::Context;
use crate::env::environments::EnvValue;
use crate::finding::{mask_secret, Finding};
use crate::rules::{Area, Judged, Level, Rule};

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const TEST_KEY_IN_PRODUCTION: Rule = Rule {
    id: "stripe/test-key-in-production",
    default_level: Some(Level::Error),
    area: Area::Stripe,
    judged: Judged::State,
    summary: "`sk_test_`, `pk_test_` or `rk_test_` key in a production environment",
    options: &[],
    doc: crate::rule_doc!("stripe-test-key-in-production"),
    module: module_path!(),
};

pub const MIXED_MODES: Rule = Rule {
    id: "stripe/mixed-modes",
    default_level: Some(Level::Error),
    area: Area::Stripe,
    judged: Judged::State,
    summary: "live and test Stripe keys in one environment",
    options: &[],
    doc: crate::rule_doc!("stripe-mixed-modes"),
    module: module_path!(),
};

pub const MALFORMED_KEY: Rule = Rule {
    id: "stripe/malformed-key",
    default_level: Some(Level::Error),
    area: Area::Stripe,
    judged: Judged::State,
    summary: "a Stripe value of the wrong kind: `pk_` as secret key, webhook secret without `whsec_`, bad length",
    options: &[],
    doc: crate::rule_doc!("stripe-malformed-key"),
    module: module_path!(),
};

/// This group's rules, in the order `shipcheck rules` lists them.
pub const RULES: &[&Rule] = &[
    &TEST_KEY_IN_PRODUCTION,
    &super::stripe_keys::LIVE_KEY_IN_REPO,
    &super::stripe_keys::TEST_KEY_IN_REPO,
    &MIXED_MODES,
    &MALFORMED_KEY,
];

pub struct StripeModes;

/// `sk_live_…` → ("sk", "live").
fn key_kind(value: &str) -> Option<(&str, &str)> {
    let (kind, rest) = value.split_once('_')?;
    let (mode, _) = rest.split_once('_')?;
    (matches!(kind, "sk" | "pk" | "rk") && matches!(mode, "live" | "test")).then_some((kind, mode))
}

fn shown(value: &str) -> String {
    let prefix = key_kind(value).map_or(
        if value.starts_with("whsec_") {
            "whsec_"
        } else {
            ""
        },
        |(k, m)| &value[..k.len() + m.len() + 2],
    );
    mask_secret(value, prefix)
}

/// Why a value cannot be what its Stripe variable says, if it cannot.
fn malformed(key: &str, value: &str) -> Option<String> {
    let name = key.to_ascii_uppercase();
    if !name.contains("STRIPE") || value.is_empty() || value.starts_with("${") {
        return None;
    }
    let kind = key_kind(value);
    if name.contains("WEBHOOK") {
        return match value.strip_prefix("whsec_") {
            Some(body) if is_placeholder(body) => Some(placeholder(key, value)),
            Some(_) => None,
            None => Some(format!(
                "{key} should hold a webhook signing secret (whsec_…) but holds {}",
                describe(value)
            )),
        };
    }
    if name.contains("PUBLISHABLE") || name.contains("PUBLIC") {
        return match kind {
            Some(("sk", _)) | Some(("rk", _)) => Some(format!("{key} is a publishable-key variable but holds a secret key {}: it would be sent to browsers", shown(value))),
            _ => shape(key, value),
        };
    }
    if name.contains("SECRET") || name.ends_with("_API_KEY") || name == "STRIPE_KEY" {
        return match kind {
            Some(("pk", _)) => Some(format!(
                "{key} should hold a secret key (sk_…) but holds a publishable key {}",
                shown(value)
            )),
            Some(_) => shape(key, value),
            None => Some(format!(
                "{key} should hold a secret key (sk_… or rk_…) but holds {}",
                describe(value)
            )),
        };
    }
    shape(key, value)
}

/// Stripe keys are a prefix and up to 255 characters of [A-Za-z0-9].
fn shape(key: &str, value: &str) -> Option<String> {
    let (k, m) = key_kind(value)?;
    let body = &value[k.len() + m.len() + 2..];
    let ok =
        value.len() <= 255 && body.len() >= 10 && body.chars().all(|c| c.is_ascii_alphanumeric());
    if !ok {
        return Some(format!(
            "{key} holds {} whose length or characters no Stripe key has",
            shown(value)
        ));
    }
    is_placeholder(body).then(|| placeholder(key, value))
}

/// The body of a key someone typed rather than copied: `xxxx…`, one
/// character repeated, `your…`, `…example…`. Stripe's keys are random.
fn is_placeholder(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    let distinct: std::collections::BTreeSet<char> = lower.chars().collect();
    distinct.len() <= 4
        || [
            "xxxx",
            "your",
            "example",
            "placeholder",
            "changeme",
            "replace",
            "dummy",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

fn placeholder(key: &str, value: &str) -> String {
    format!(
        "{key} holds a placeholder ({}), not a key from Stripe: payments would fail",
        shown(value)
    )
}

fn describe(value: &str) -> String {
    match key_kind(value) {
        Some(_) => shown(value),
        None => format!("a value of {} characters", value.chars().count()),
    }
}

impl RepoCheck for StripeModes {
    fn check_repo(&self, facts: &RepoFacts, ctx: &Context, out: &mut Vec<Finding>) {
        for env in facts.environments {
            let values = facts.judged_values(env);
            let keys: Vec<(&EnvValue, &str)> = values
                .iter()
                .filter_map(|v| key_kind(&v.value).map(|(_, mode)| (*v, mode)))
                .collect();
            if env.is_production {
                for (v, mode) in &keys {
                    if *mode == "test" {
                        let message = format!("{} holds a Stripe test key ({}) in the {}: payments would run in test mode", v.key, shown(&v.value), env.describe());
                        let help = format!("set {} to the live key from the Stripe dashboard (Developers → API keys, live mode)", v.key);
                        out.extend(at_value(
                            ctx,
                            &TEST_KEY_IN_PRODUCTION,
                            v,
                            env,
                            message,
                            help,
                        ));
                    }
                }
            }
            let of_mode = |mode: &str| -> Vec<&EnvValue> {
                keys.iter()
                    .filter(|(_, m)| *m == mode)
                    .map(|(v, _)| *v)
                    .collect()
            };
            let (live, test) = (of_mode("live"), of_mode("test"));
            if !live.is_empty() && !test.is_empty() {
                let names = |vs: &[&EnvValue]| {
                    vs.iter()
                        .map(|v| v.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let message = format!(
                    "the {} environment mixes Stripe modes: {} live, {} test",
                    env.name,
                    names(&live),
                    names(&test)
                );
                let help = "use keys from one mode per environment: all live in production, all test elsewhere".to_string();
                // At the key that is out of place: a test key in
                // production, a live key anywhere else.
                let odd = if env.is_production { &test } else { &live };
                out.extend(at_value(ctx, &MIXED_MODES, odd[0], env, message, help));
            }
            for v in &values {
                if let Some(message) = malformed(&v.key, &v.value) {
                    let help = format!("copy {} again from the Stripe dashboard (Developers → API keys / Webhooks)", v.key);
                    out.extend(at_value(ctx, &MALFORMED_KEY, v, env, message, help));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_not_keys() {
        for (key, value) in [
            ("STRIPE_SECRET_KEY", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"),
            ("STRIPE_SECRET_KEY", "sk_test_YOURKEYHERE0000000000"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_xxxxxxxxxxxxxxxxxxxxxxxx"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_000000000000000000000000"),
            (
                "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY",
                "pk_live_1111111111111111111111",
            ),
        ] {
            let m = malformed(key, value).unwrap_or_else(|| panic!("{key}={value}"));
            assert!(m.contains("placeholder"), "{m}");
        }
        let real = format!(
            "sk_live_51NfAkE{}",
            "8rN0cLbyjkGALzXesZLfBNieCNfSHKr2beWPpHHRsybeOMZb4"
        );
        assert_eq!(malformed("STRIPE_SECRET_KEY", &real), None);
        assert_eq!(
            malformed(
                "STRIPE_WEBHOOK_SECRET",
                "whsec_j4VzTRJCOo6NM77NtnW5oH9TjQ8lR2dt"
            ),
            None
        );
    }

    #[test]
    fn malformed_values() {
        let sk = format!("sk_live_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3");
        let pk = format!("pk_live_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3");
        assert!(malformed("STRIPE_SECRET_KEY", &pk)
            .unwrap()
            .contains("publishable"));
        assert!(malformed("STRIPE_PUBLISHABLE_KEY", &sk)
            .unwrap()
            .contains("secret key"));
        assert!(malformed("STRIPE_WEBHOOK_SECRET", "abc123")
            .unwrap()
            .contains("whsec_"));
        assert!(malformed("STRIPE_SECRET_KEY", "sk_live_short").is_some());
        assert!(malformed("STRIPE_SECRET_KEY", &format!("{sk}!")).is_some());
        assert!(malformed("STRIPE_SECRET_KEY", &sk).is_none());
        assert!(malformed("STRIPE_PUBLISHABLE_KEY", &pk).is_none());
        assert!(malformed("STRIPE_WEBHOOK_SECRET", "whsec_abcdefghijklmnop").is_none());
        assert!(malformed("DATABASE_URL", "pk_live_x").is_none());
        for m in [
            malformed("STRIPE_SECRET_KEY", &pk).unwrap(),
            malformed("STRIPE_PUBLISHABLE_KEY", &sk).unwrap(),
        ] {
            assert!(!m.contains("a1B2c3D4e5F6"), "{m}");
        }
    }
}
