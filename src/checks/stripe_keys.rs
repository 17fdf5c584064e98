//! Stripe keys written into repository files: `stripe/live-key-in-repo`
//! (any file, any region: code, strings, comments, docs) and
//! `stripe/test-key-in-repo` (production source files). Only keys of real
//! shape count: enough random characters after the prefix, so prose such as
//! "keys look like sk_live_..." and placeholders are not keys.

use super::{Context, FileCheck, FileKind, FileOutcome};
use crate::finding::mask_secret;
use crate::lexer::Lang;
use crate::workspace::SourceFile;
use regex::Regex;
use std::sync::LazyLock;

/// Stripe's secret and restricted keys: a prefix and 24–247 alphanumerics
/// (keys can be up to 255 characters in all). No word boundary before the
/// prefix: a key glued to what precedes it (`x_sk_live_…`, `"\nsk_live_…"`
/// in a string, `%3Dsk_live_…` in a URL, `ésk_live_…`) is still a key; the
/// 24 random characters it needs keep identifiers out.
static KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:sk|rk)_(live|test)_)([A-Za-z0-9]{24,247})\b")
        .expect("valid Stripe key pattern")
});

pub struct StripeKeysInRepo;

/// Is `random` (the part after the prefix) plausibly a real key rather than
/// a placeholder such as `xxxxxxxx…` or `0000…`?
pub fn looks_random(random: &str) -> bool {
    crate::secret_strength::weakness(random).is_none()
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
        for caps in KEY.captures_iter(file.text) {
            let (Some(prefix), Some(mode), Some(random)) = (caps.get(1), caps.get(2), caps.get(3))
            else {
                continue;
            };
            let live = mode.as_str() == "live";
            if (!live && !test_keys_count) || !looks_random(random.as_str()) {
                continue;
            }
            let key = &file.text[prefix.start()..random.end()];
            let shown = mask_secret(key, prefix.as_str());
            let kind = if prefix.as_str().starts_with("rk") {
                "restricted"
            } else {
                "secret"
            };
            let (rule, message, help) = if live {
                (
                    "stripe/live-key-in-repo",
                    format!("live Stripe {kind} key {shown} is written in the repository"),
                    "roll the key now in the Stripe dashboard (Developers → API keys → Roll key): anyone with the repository has it; then delete it from the file and read it from the environment".to_string(),
                )
            } else {
                (
                    "stripe/test-key-in-repo",
                    format!("Stripe test {kind} key {shown} is written in a source file"),
                    "move it to the environment (`.env`, not committed) and read it with process.env; roll it in the Stripe dashboard if the repository is shared".to_string(),
                )
            };
            out.findings.extend(ctx.finding(
                rule,
                file,
                prefix.start(),
                random.end(),
                message,
                help,
            ));
        }
    }
}
