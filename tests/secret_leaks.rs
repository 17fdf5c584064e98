//! Issue 10's promise, tried as an attacker would: distinct secrets planted
//! in every source shipcheck reads (production env files, an unterminated
//! quote, a two-line value, `--env-file` outside the repository,
//! `--env-from-process`, `--database-url`, source code with keys glued to
//! other characters, TODOs quoting a secret, a file named after a key), and
//! every channel out of the process (six formats on stdout, `--output`
//! files, stderr, the fake GitHub's request bodies, the job summary and
//! outputs) searched for any 8-character slice of each secret's private
//! part, raw and as JSON, URL/workflow-command and Markdown would escape it.

#[path = "github_publish/fake.rs"]
#[allow(dead_code, reason = "this file uses the fake's success script only")]
mod fake;
mod support;

use fake::{Fake, Script, TOKEN};
use serde_json::json;
use std::path::Path;
use std::time::Duration;
use support::{random, run, shipcheck, write};

/// A planted secret: where it goes, its value, the public prefix output
/// may keep.
struct Secret {
    what: &'static str,
    value: String,
    prefix: &'static str,
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const PUNCT: &str = "ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz23456789+/_!*.~-";

fn secrets() -> Vec<Secret> {
    let s = |what, value: String, prefix| Secret {
        what,
        value,
        prefix,
    };
    vec![
        s("JWT_SECRET in .env.production", random(1, 64, PUNCT), ""),
        s(
            "database password in .env.production",
            random(2, 20, ALNUM),
            "",
        ),
        s(
            "live key after an unterminated quote",
            format!("sk_live_{}", random(3, 40, ALNUM)),
            "sk_live_",
        ),
        s("first line of a two-line secret", random(4, 24, PUNCT), ""),
        s("second line of a two-line secret", random(5, 24, PUNCT), ""),
        s(
            "API_TOKEN in --env-file outside the repo",
            random(6, 40, PUNCT),
            "",
        ),
        s(
            "WEBHOOK_SIGNING_SECRET from the process",
            random(7, 64, ALNUM),
            "",
        ),
        s(
            "key glued to x_",
            format!("sk_live_{}", random(8, 32, ALNUM)),
            "sk_live_",
        ),
        s(
            "key after \\n in a string",
            format!("sk_live_{}", random(9, 32, ALNUM)),
            "sk_live_",
        ),
        s(
            "key after %3D",
            format!("sk_live_{}", random(10, 32, ALNUM)),
            "sk_live_",
        ),
        s(
            "key after é",
            format!("rk_live_{}", random(11, 32, ALNUM)),
            "rk_live_",
        ),
        s(
            "key in a file name",
            format!("sk_live_{}", random(12, 32, ALNUM)),
            "sk_live_",
        ),
        s(
            "GitHub token glued in a TODO",
            format!("ghp_{}", random(13, 36, ALNUM)),
            "ghp_",
        ),
        s("--database-url password", random(14, 18, ALNUM), ""),
        s(
            "SESSION_SECRET in a staging env file",
            random(15, 48, PUNCT),
            "",
        ),
        s(
            "SendGrid key in source",
            format!("SG.{}.{}", random(16, 22, ALNUM), random(17, 43, ALNUM)),
            "SG.",
        ),
        s(
            "AWS secret access key beside its id",
            random(18, 40, ALNUM),
            "",
        ),
        s(
            "AWS access key id",
            format!("AKIA{}", random(19, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
            "AKIA",
        ),
        // An OpenAI key's two random parts (its `T3BlbkFJ` marker is
        // public: the rule's documentation names it).
        s(
            "OpenAI key in source, before its marker",
            random(20, 20, ALNUM),
            "",
        ),
        s(
            "OpenAI key in source, after its marker",
            random(21, 20, ALNUM),
            "",
        ),
        s(
            "private key body in a one-line string",
            random(22, 64, ALNUM),
            "",
        ),
    ]
}

/// The spellings a slice can take in an output: raw, JSON string, percent
/// (URL and workflow command), Markdown with punctuation escaped.
fn spellings(slice: &str) -> Vec<String> {
    let json = serde_json::to_string(slice).unwrap();
    let mut percent = String::new();
    let mut markdown = String::new();
    for c in slice.chars() {
        if c.is_ascii_alphanumeric() {
            percent.push(c);
        } else {
            for b in c.to_string().bytes() {
                percent.push_str(&format!("%{b:02X}"));
            }
        }
        if c.is_ascii_punctuation() {
            markdown.push('\\');
        }
        markdown.push(c);
    }
    vec![
        slice.to_string(),
        json[1..json.len() - 1].to_string(),
        percent,
        markdown,
        slice.replace('~', "&#126;").replace('*', "&#42;"),
    ]
}

/// Fails naming the secret and the channel (never the slice itself).
fn assert_clean(channel: &str, output: &str, secrets: &[Secret]) {
    for s in secrets {
        let chars: Vec<char> = s.value.chars().collect();
        let private = &chars[s.prefix.chars().count()..chars.len() - 4];
        for w in private.windows(8) {
            let slice: String = w.iter().collect();
            for form in spellings(&slice) {
                assert!(
                    !output.contains(&form),
                    "{channel} shows part of the {} (slice starting {:?})",
                    s.what,
                    &slice[..2]
                );
            }
        }
    }
}

struct Planted {
    dir: tempfile::TempDir,
    secrets: Vec<Secret>,
}

impl Planted {
    fn root(&self) -> std::path::PathBuf {
        self.dir.path().join("repo")
    }
    fn outside_env(&self) -> std::path::PathBuf {
        self.dir.path().join("deploy.env")
    }
}

fn plant() -> Planted {
    let secrets = secrets();
    let v = |i: usize| secrets[i].value.as_str();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(
        &root,
        ".env.example",
        "NODE_ENV=production\nJWT_SECRET=\nDATABASE_URL=\nSTRIPE_SECRET_KEY=\nSESSION_SECRET=\nAPI_TOKEN=\nWEBHOOK_SIGNING_SECRET=\n",
    );
    write(
        &root,
        ".env.production",
        format!(
            "JWT_SECRET={}\nDATABASE_URL=postgres://app:{}@db.internal:5432/app\nSESSION_SECRET=\"{}\n{}\"\nNODE_ENV=\"production\nSTRIPE_SECRET_KEY={}\nOTHER=\"x\"\n",
            v(0),
            v(1),
            v(3),
            v(4),
            v(2)
        ),
    );
    std::fs::write(
        dir.path().join("deploy.env"),
        format!("API_TOKEN={}\n", v(5)),
    )
    .unwrap();
    write(
        &root,
        "deploy/staging.env",
        format!("SESSION_SECRET='{}'\nNODE_ENV=staging\n", v(14)),
    );
    write(
        &root,
        ".shipcheck.yml",
        "env:\n  environments:\n    staging: [deploy/staging.env]\n",
    );
    write(
        &root,
        "src/app.ts",
        format!(
            "// TODO rotate {jwt} before launch\n\
             console.log(\"{jwt}\");\n\
             console.log(\"db {db}\");\n\
             // FIXME {api} and {hook} are both in here\n\
             const a = process.env.JWT_SECRET + process.env.DATABASE_URL + process.env.STRIPE_SECRET_KEY;\n\
             const b = process.env.SESSION_SECRET + process.env.API_TOKEN + process.env.WEBHOOK_SIGNING_SECRET;\n\
             console.log(\"x_{k1}\", \"\\n{k2}\", \"%3D{k3}\", \"é{k4}\");\n\
             // TODO(#12) tok_{gh}\n\
             // TODO a{s1} and {s2}\n\
             // HACK staging uses {st}\n",
            jwt = v(0),
            db = v(1),
            api = v(5),
            hook = v(6),
            k1 = v(7),
            k2 = v(8),
            k3 = v(9),
            k4 = v(10),
            gh = v(12),
            s1 = v(3),
            s2 = v(4),
            st = v(14),
        ),
    );
    write(
        &root,
        "src/keys.ts",
        format!(
            "const mail = \"{sg}\";\n\
             const aws = {{ id: \"{id}\", secret: \"{aws}\" }};\n\
             const ai = \"sk-proj-{ai}T3BlbkFJ{ai2}\";\n\
             const pem = \"-----BEGIN RSA PRIVATE KEY-----\\n{pem}\\n-----END RSA PRIVATE KEY-----\";\n",
            sg = v(15),
            aws = v(16),
            id = v(17),
            ai = v(18),
            ai2 = v(19),
            pem = v(20),
        ),
    );
    write(
        &root,
        &format!("src/{}.js", v(11)),
        "console.log('named');\n",
    );
    // A migration set, so `--database-url` is really connected to.
    write(
        &root,
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
    );
    write(
        &root,
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE t (id int);\n",
    );
    write(
        &root,
        "prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    Planted { dir, secrets }
}

fn github_env<'a>(
    cmd: &'a mut assert_cmd::Command,
    fake: &Fake,
    dir: &Path,
) -> &'a mut assert_cmd::Command {
    let event = dir.join("event.json");
    std::fs::write(
        &event,
        json!({
            "action": "synchronize", "number": 7,
            "pull_request": {"number": 7,
                "head": {"ref": "feature", "sha": "1111111111111111111111111111111111111111"},
                "base": {"ref": "main", "sha": "3333333333333333333333333333333333333333"}},
            "repository": {"full_name": "acme/app", "default_branch": "main"}
        })
        .to_string(),
    )
    .unwrap();
    cmd.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", "acme/app")
        .env("GITHUB_API_URL", &fake.url)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_SHA", "2222222222222222222222222222222222222222")
        .env("GITHUB_RUN_ID", "42")
        .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
        .env("GITHUB_OUTPUT", dir.join("output.txt"))
        .env("SHIPCHECK_GITHUB_BACKOFF_MS", "10")
        .timeout(Duration::from_secs(60))
}

#[test]
fn no_planted_secret_leaves_the_process_through_any_channel() {
    let p = plant();
    let formats = ["text", "json", "sarif", "github", "markdown", "junit"];
    for format in formats {
        let fake = Fake::start(Script::Ok);
        let mut cmd = shipcheck();
        cmd.arg("check")
            .arg(p.root())
            .args(["--branch", "feature", "--format", format])
            .arg("--env-file")
            .arg(p.outside_env())
            .args(["--env-from-process", "--github", "--comment"])
            .env("WEBHOOK_SIGNING_SECRET", &p.secrets[6].value);
        for f in formats {
            cmd.arg("--output").arg(format!(
                "{f}={}",
                p.dir.path().join(format!("out.{f}")).display()
            ));
        }
        github_env(&mut cmd, &fake, p.dir.path());
        let out = run(&mut cmd);
        // The run did its job: it judged the planted repository and blocked.
        assert_eq!(out.code, 1, "{format}: {}\n{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("debug/console"),
            "{format}: {}",
            out.stdout
        );
        assert!(!fake.requests().is_empty(), "{format}: nothing published");
        assert_clean(
            &format!("--format {format} stdout"),
            &out.stdout,
            &p.secrets,
        );
        assert_clean(
            &format!("--format {format} stderr"),
            &out.stderr,
            &p.secrets,
        );
        for f in formats {
            let file = std::fs::read_to_string(p.dir.path().join(format!("out.{f}"))).unwrap();
            assert!(!file.is_empty(), "--output {f}");
            assert_clean(&format!("--output {f}"), &file, &p.secrets);
        }
        for r in fake.requests() {
            assert_clean(&format!("{} {}", r.method, r.path), &r.raw_body, &p.secrets);
        }
        for file in ["summary.md", "output.txt"] {
            let text = std::fs::read_to_string(p.dir.path().join(file)).unwrap();
            assert_clean(file, &text, &p.secrets);
        }
    }
}

#[test]
fn the_planted_secrets_are_really_where_the_checks_look() {
    // Guards the test above against passing because nothing was read:
    // the findings it should produce are there.
    let p = plant();
    let out = run(shipcheck()
        .arg("check")
        .arg(p.root())
        .args(["--branch", "feature", "--format", "json", "--env-file"])
        .arg(p.outside_env()));
    let v = support::json(&out);
    let rules = support::rules(&v);
    for want in [
        "env/syntax",
        "stripe/live-key-in-repo",
        "todo/untracked",
        "debug/console",
    ] {
        assert!(rules.contains(&want), "{want} missing: {rules:?}");
    }
    // The glued keys are found, not only masked: one live-key finding each.
    let live = rules
        .iter()
        .filter(|r| **r == "stripe/live-key-in-repo")
        .count();
    assert!(live >= 4, "{live} live-key findings: {}", out.stdout);
}

#[test]
fn a_mistyped_database_url_is_never_echoed() {
    let p = plant();
    let pw = &p.secrets[13].value;
    for url in [
        format!("postgres:/app:{pw}@db.internal/app"),
        format!("postgresql:app:{pw}@db.internal"),
        format!("postgres//app:{pw}@db.internal"),
        format!("postgres://db.internal/app?%70assword={pw}"),
        format!("mysql://app:{pw}@127.0.0.1:1/app"),
    ] {
        let out = run(shipcheck()
            .arg("check")
            .arg(p.root())
            .args(["--format", "json", "--database-url", &url])
            .timeout(Duration::from_secs(60)));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("shipcheck: error"), "{}", out.stderr);
        assert_clean("--database-url error", &out.stderr, &p.secrets[13..14]);
        assert_clean("--database-url stdout", &out.stdout, &p.secrets[13..14]);
    }
}

#[test]
fn the_baseline_file_holds_no_secret_either() {
    let p = plant();
    let file = p.dir.path().join("baseline.json");
    let out = run(shipcheck()
        .arg("baseline")
        .arg(p.root())
        .arg("--output")
        .arg(&file)
        .arg("--env-file")
        .arg(p.outside_env())
        .args(["--reason", "accepted for the test"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("debug/console"), "{text}");
    assert_clean("the baseline file", &text, &p.secrets);
    assert_clean("baseline stdout", &out.stdout, &p.secrets);
}
