//! Stripe keys written into repository files: `stripe/live-key-in-repo`
//! (any file, any region: code, strings, comments, docs) and
//! `stripe/test-key-in-repo` (production source files). Only keys of real
//! shape count: enough random characters after the prefix, so prose such as
//! "keys look like sk_live_..." and placeholders are not keys.

use super::{Context, FileCheck, FileKind, FileOutcome};
use crate::finding::mask_secret;
use crate::lexer::Lang;
use crate::rules::{Area, Judged, Level, Rule};
use crate::workspace::SourceFile;
use std::sync::LazyLock;

// This module's rules (gathered by `registry`; see `rules::Rule`).

pub const PROVIDER_KEY_IN_REPO: Rule = Rule {
    id: "secret/provider-key-in-repo",
    default_level: Some(Level::Error),
    area: Area::Secrets,
    judged: Judged::Lines,
    summary: "a secret key of another provider (AWS, GitHub, Slack, OpenAI, Resend, SendGrid, Twilio, Clerk, UploadThing) or a private key written in the repository",
    options: &[],
    doc: crate::rule_doc!("secret-provider-key-in-repo"),
    module: module_path!(),
};

pub const LIVE_KEY_IN_REPO: Rule = Rule {
    id: "stripe/live-key-in-repo",
    default_level: Some(Level::Error),
    area: Area::Stripe,
    judged: Judged::Lines,
    summary: "a real `sk_live_`/`rk_live_` key in any file of the repository",
    options: &[],
    doc: crate::rule_doc!("stripe-live-key-in-repo"),
    module: module_path!(),
};

pub const TEST_KEY_IN_REPO: Rule = Rule {
    id: "stripe/test-key-in-repo",
    default_level: Some(Level::Warning),
    area: Area::Stripe,
    judged: Judged::Lines,
    summary: "a real `sk_test_`/`rk_test_` key in production source",
    options: &[],
    doc: crate::rule_doc!("stripe-test-key-in-repo"),
    module: module_path!(),
};

/// Stripe's secret and restricted keys: a prefix and 24–247 alphanumerics
/// (keys can be up to 255 characters in all). No word boundary before the
/// prefix: a key glued to what precedes it (`x_sk_live_…`, `"\nsk_live_…"`
/// in a string, `%3Dsk_live_…` in a URL, `ésk_live_…`) is still a key; the
/// 24 random characters it needs keep identifiers out. As the regex
/// `tests::KEY` finds them, leftmost first: compiling that counted
/// repetition cost 2.4 M instructions (0.7 ms) of a run whose files hold
/// a Stripe-looking token. Each as its prefix's start, its random part's
/// start and end.
fn stripe_keys(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    static PREFIXES: LazyLock<Option<crate::literals::Literals>> = LazyLock::new(|| {
        crate::literals::Literals::new(["sk_live_", "sk_test_", "rk_live_", "rk_test_"])
    });
    let b = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(m) = PREFIXES.as_ref()?.find_from(b, from) {
            let random = m.end();
            let n = b[random..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            // `\b` after the run: no word character follows (Unicode's,
            // as the regex reads it; a longer run has one).
            let end = random + n;
            let bounded = text[end..]
                .chars()
                .next()
                .is_none_or(|c| !regex_syntax::is_word_character(c));
            if (24..=247).contains(&n) && bounded {
                from = end;
                return Some((m.start(), random, end));
            }
            from = m.start() + 1;
        }
        None
    })
}

pub struct StripeKeysInRepo;

/// Is `random` (the part after the prefix) plausibly a real key rather than
/// a placeholder such as `xxxxxxxx…` or `0000…`?
pub fn looks_random(random: &str) -> bool {
    crate::secret_strength::weakness(random).is_none()
}

/// The message and help of `stripe/live-key-in-repo` for a key with
/// `prefix` shown as `masked`: one wording for the checked files and the
/// sweep of the others.
pub fn live_key_text(prefix: &str, masked: &str) -> (String, String) {
    let kind = if prefix.starts_with("rk") {
        "restricted"
    } else {
        "secret"
    };
    (
        format!("live Stripe {kind} key {masked} is written in the repository"),
        "roll the key now in the Stripe dashboard (Developers → API keys → Roll key): anyone with the repository has it; then delete it from the file and read it from the environment".to_string(),
    )
}

/// `stripe/live-key-in-repo` for the keys the sweep found in files the
/// checks did not read (vendored, minified, binary, large, other formats).
pub struct SweptKeys;

impl super::repo::RepoCheck for SweptKeys {
    fn check_repo(
        &self,
        facts: &super::repo::RepoFacts,
        ctx: &Context,
        out: &mut Vec<crate::finding::Finding>,
    ) {
        for (rel, hit) in facts.swept {
            out.extend(swept_finding(facts, ctx, rel, hit));
        }
    }
}

fn swept_finding(
    facts: &super::repo::RepoFacts,
    ctx: &Context,
    rel: &str,
    hit: &crate::workspace::sweep::SweepHit,
) -> Option<crate::finding::Finding> {
    // The sweep keeps only the masked key: its variable (on the shown
    // line) can still say it is another provider's.
    if let Some(provider) = hit.provider {
        let private = std::ptr::eq(provider, &crate::provider_keys::PRIVATE_KEY);
        if private && !facts.is_production(ctx, rel) {
            return None;
        }
        let level = ctx.settings.level(&PROVIDER_KEY_IN_REPO)?;
        return Some(
            crate::finding::Finding::new(
                &PROVIDER_KEY_IN_REPO,
                level,
                provider_message(provider, &hit.masked),
                provider.help.to_string(),
            )
            .at_shown(rel, span(hit), hit.shown.clone()),
        );
    }
    let vendor = (hit.prefix == "sk_live_")
        .then(|| {
            let upper = hit.shown.text.to_ascii_uppercase();
            OTHER_VENDORS.iter().find(|(n, _, _)| upper.contains(n))
        })
        .flatten();
    let (rule, message, help) = match vendor {
        Some((_, vendor, help)) => (
            &PROVIDER_KEY_IN_REPO,
            format!(
                "live {vendor} secret key {} is written in the repository",
                hit.masked
            ),
            help.to_string(),
        ),
        None => {
            let (message, help) = live_key_text(hit.prefix, &hit.masked);
            (&LIVE_KEY_IN_REPO, message, help)
        }
    };
    let level = ctx.settings.level(rule)?;
    Some(
        crate::finding::Finding::new(rule, level, message, help).at_shown(
            rel,
            span(hit),
            hit.shown.clone(),
        ),
    )
}

fn span(hit: &crate::workspace::sweep::SweepHit) -> crate::finding::Span {
    crate::finding::Span {
        line: hit.line,
        column: hit.column,
        end_line: hit.line,
        end_column: hit.end_column,
    }
}

/// Vendors that reuse Stripe's `sk_live_` prefix, told apart by the
/// variable the key is assigned to on its line, or by the key's shape:
/// (name in the variable, vendor, how to rotate).
const OTHER_VENDORS: &[(&str, &str, &str)] = &[
    (
        "CLERK",
        "Clerk",
        "roll the secret key in the Clerk dashboard (API keys → Secret keys): anyone with the repository has it; then delete it from the file and read it from the environment",
    ),
    (
        "UPLOADTHING",
        "UploadThing",
        "create a new API key in the UploadThing dashboard (API Keys) and delete the leaked one: anyone with the repository has it; then read it from the environment",
    ),
];

/// The other vendor a `sk_live_` key belongs to, if its line or its shape
/// says so: a variable named for the vendor, or UploadThing's 64 lowercase
/// hex characters (Stripe's keys mix cases).
fn other_vendor(line: &str, body: &str) -> Option<(&'static str, &'static str)> {
    let upper = line.to_ascii_uppercase();
    if let Some((_, vendor, help)) = OTHER_VENDORS.iter().find(|(n, _, _)| upper.contains(n)) {
        return Some((vendor, help));
    }
    let hex64 = body.len() == 64
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    hex64.then_some(("UploadThing", OTHER_VENDORS[1].2))
}

/// `secret/provider-key-in-repo` for the shapes of `provider_keys`: in
/// any file, except private keys, judged in production files only (test
/// suites and examples carry generated throwaway keys).
pub struct ProviderKeysInRepo;

impl FileCheck for ProviderKeysInRepo {
    fn tokens(&self, _ctx: &Context, _kind: FileKind) -> Vec<String> {
        crate::provider_keys::TOKENS
            .iter()
            .map(|t| t.to_string())
            .collect()
    }

    fn check_file(&self, file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
        for key in crate::provider_keys::find(file.text.as_bytes()) {
            if std::ptr::eq(key.provider, &crate::provider_keys::PRIVATE_KEY) && !file.is_production
            {
                continue;
            }
            for s in &key.also_secret {
                crate::redact::register(s);
            }
            out.findings.extend(ctx.finding(
                &PROVIDER_KEY_IN_REPO,
                file,
                key.start,
                key.end,
                provider_message(key.provider, &key.masked),
                key.provider.help.to_string(),
            ));
        }
    }
}

/// One wording for the checked files and the sweep.
fn provider_message(provider: &crate::provider_keys::Provider, masked: &str) -> String {
    format!("{} {masked} is written in the repository", provider.name)
}

impl FileCheck for StripeKeysInRepo {
    fn tokens(&self, _ctx: &Context, _kind: FileKind) -> Vec<String> {
        ["sk_live_", "rk_live_", "sk_test_", "rk_test_"]
            .map(String::from)
            .to_vec()
    }

    fn check_file(&self, file: &SourceFile, ctx: &Context, out: &mut FileOutcome) {
        let test_keys_count =
            file.is_production && !matches!(file.lang, Lang::Env | Lang::Markdown);
        for (start, random_start, end) in stripe_keys(file.text) {
            let prefix = &file.text[start..random_start];
            let random = &file.text[random_start..end];
            let live = prefix.ends_with("_live_");
            if (!live && !test_keys_count) || !looks_random(random) {
                continue;
            }
            let key = &file.text[start..end];
            let shown = mask_secret(key, prefix);
            let kind = if prefix.starts_with("rk") {
                "restricted"
            } else {
                "secret"
            };
            let line_start = file.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = file.text[end..]
                .find('\n')
                .map_or(file.text.len(), |i| end + i);
            let vendor = (live && prefix.starts_with("sk"))
                .then(|| other_vendor(&file.text[line_start..line_end], random))
                .flatten();
            let (rule, message, help) = if let Some((vendor, help)) = vendor {
                (
                    &PROVIDER_KEY_IN_REPO,
                    format!("live {vendor} secret key {shown} is written in the repository"),
                    help.to_string(),
                )
            } else if live {
                let (message, help) = live_key_text(prefix, &shown);
                (&LIVE_KEY_IN_REPO, message, help)
            } else {
                (
                    &TEST_KEY_IN_REPO,
                    format!("Stripe test {kind} key {shown} is written in a source file"),
                    "move it to the environment (`.env`, not committed) and read it with process.env; roll it in the Stripe dashboard if the repository is shared".to_string(),
                )
            };
            out.findings
                .extend(ctx.finding(rule, file, start, end, message, help));
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    /// What [`super::stripe_keys`] matches, as the regex it replaced.
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"((?:sk|rk)_(live|test)_)([A-Za-z0-9]{24,247})\b").expect("valid pattern")
    });

    fn by_regex(text: &str) -> Vec<(usize, usize, usize)> {
        KEY.captures_iter(text)
            .map(|c| {
                let (p, r) = (c.get(1).expect("prefix"), c.get(3).expect("random"));
                (p.start(), r.start(), r.end())
            })
            .collect()
    }

    fn by_hand(text: &str) -> Vec<(usize, usize, usize)> {
        super::stripe_keys(text).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The hand-written search finds what the regex finds: prefixes
        /// glued to anything, runs too short or too long, and what follows
        /// a run (`_`, a letter beyond ASCII, a combining mark, a blank).
        #[test]
        fn stripe_keys_are_the_regexs(parts in prop::collection::vec(
            prop_oneof![
                prop::sample::select(vec![
                    "sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "sk_", "_live_",
                    "s", "k", "_", " ", "\n", "é", "\u{301}", "\u{a0}", "-", "x", "ß", "٣", "‿",
                ]).prop_map(String::from),
                (1usize..=260, prop::sample::select(vec!["a", "Z9", "q", "0"]))
                    .prop_map(|(n, unit)| unit.repeat(n)),
            ],
            0..8,
        )) {
            let text = parts.concat();
            prop_assert_eq!(by_hand(&text), by_regex(&text), "{:?}", text);
        }
    }

    /// The lengths at the edges, and what may follow a key.
    #[test]
    fn run_lengths_and_what_follows() {
        let key = |n: usize, after: &str| {
            format!(
                "=sk_live_{}{after}",
                "aB3".repeat(n).chars().take(n).collect::<String>()
            )
        };
        for (n, after, found) in [
            (23, "", false),
            (24, "", true),
            (247, "", true),
            (248, "", false),
            (30, "_", false),
            (30, "é", false),
            (30, "-", true),
            (30, " ", true),
        ] {
            let text = key(n, after);
            assert_eq!(by_hand(&text).len(), usize::from(found), "{n} {after:?}");
            assert_eq!(by_hand(&text), by_regex(&text), "{n} {after:?}");
        }
    }
}
