//! `database/connection-pool`'s two questions: is the app deployed as
//! serverless functions (a config file of Vercel, Netlify, the Serverless
//! Framework, SST or AWS SAM), and does a production database URL go
//! through a connection pooler?

use crate::migrations::RepoFile;

/// A deployment config that runs the app as serverless functions, by its
/// file name (an AWS SAM `template.yaml` only with a serverless resource).
/// The walk keeps these files' text for [`serverless_config`].
pub fn is_deploy_config(rel: &str) -> bool {
    let name = crate::paths::file_name(rel);
    matches!(
        name,
        "vercel.json"
            | "netlify.toml"
            | "serverless.yml"
            | "serverless.yaml"
            | "serverless.ts"
            | "serverless.js"
            | "template.yaml"
            | "template.yml"
    ) || name.starts_with("sst.config.")
}

/// The first serverless deployment config among `files` for which
/// `production(path)` holds.
pub fn serverless_config(files: &[RepoFile], production: impl Fn(&str) -> bool) -> Option<&str> {
    files
        .iter()
        .filter(|f| is_deploy_config(&f.rel) && production(&f.rel))
        .find(|f| {
            let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
            !name.starts_with("template.") || f.text.contains("AWS::Serverless")
        })
        .map(|f| f.rel.as_str())
}

/// A variable that holds the app's database URL: `DATABASE_URL`,
/// `APP_DATABASE_URL`; not the direct or migration URL a pooled setup
/// keeps beside it (`DIRECT_DATABASE_URL`, `DATABASE_URL_UNPOOLED`).
pub fn is_app_database_url(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    (n == "DATABASE_URL" || n.ends_with("_DATABASE_URL"))
        && ![
            "DIRECT",
            "MIGRAT",
            "SHADOW",
            "UNPOOLED",
            "NON_POOLING",
            "ADMIN",
        ]
        .iter()
        .any(|w| n.contains(w))
}

/// Does the connection go through a pooler, or is it not a PostgreSQL or
/// MySQL server connection at all (`None`: nothing to say)? `Some(false)`
/// only for a plain connection to a PostgreSQL or MySQL server.
pub fn direct_connection(url: &url::Url) -> Option<bool> {
    let scheme = url.scheme();
    // `prisma://` and `prisma+postgres://` (Accelerate, the Data Proxy)
    // are poolers and fall out here with every other scheme.
    if !matches!(scheme, "postgres" | "postgresql" | "mysql" | "mariadb") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let pooled_param = url.query_pairs().any(|(k, v)| {
        let k = k.to_ascii_lowercase();
        (k == "pgbouncer" && v.eq_ignore_ascii_case("true")) || k == "connection_limit"
    });
    // Neon's `-pooler` endpoints, Supabase's Supavisor (`*.pooler.supabase.com`),
    // a host named for PgBouncer; PlanetScale's MySQL proxy multiplexes itself.
    let pooled_host = host.split('.').any(|label| {
        label.ends_with("-pooler") || label == "pooler" || label.contains("pgbouncer")
    }) || host.ends_with(".psdb.cloud");
    // Supabase's transaction pooler listens on 6543.
    let pooled_port = url.port() == Some(6543);
    Some(!(pooled_param || pooled_host || pooled_port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serverless_configs_by_name_and_sam_by_resource() {
        let any = |_: &str| true;
        for rel in [
            "vercel.json",
            "apps/web/netlify.toml",
            "serverless.yml",
            "serverless.ts",
            "sst.config.ts",
        ] {
            assert_eq!(
                serverless_config(&[RepoFile::new(rel, "{}")], any),
                Some(rel),
                "{rel}"
            );
        }
        let sam = "Resources:\n  Api:\n    Type: AWS::Serverless::Function\n";
        assert_eq!(
            serverless_config(&[RepoFile::new("template.yaml", sam)], any),
            Some("template.yaml")
        );
        let cfn = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
        assert_eq!(
            serverless_config(&[RepoFile::new("template.yaml", cfn)], any),
            None
        );
        assert_eq!(
            serverless_config(&[RepoFile::new("Dockerfile", "FROM node")], any),
            None
        );
        let not_examples = |p: &str| !p.starts_with("examples/");
        assert_eq!(
            serverless_config(&[RepoFile::new("examples/vercel.json", "{}")], not_examples),
            None
        );
    }

    #[test]
    fn database_url_names() {
        for (name, want) in [
            ("DATABASE_URL", true),
            ("APP_DATABASE_URL", true),
            ("DIRECT_DATABASE_URL", false),
            ("DATABASE_URL_UNPOOLED", false),
            ("SHADOW_DATABASE_URL", false),
            ("REDIS_URL", false),
            ("DATABASE_URL_X", false),
        ] {
            assert_eq!(is_app_database_url(name), want, "{name}");
        }
    }

    #[test]
    fn pooled_and_direct_urls() {
        for (url, want) in [
            ("postgresql://app:pw@db.example.com:5432/app", Some(true)),
            ("mysql://app:pw@db.example.com/app", Some(true)),
            (
                "postgresql://app:pw@db.example.com:5432/app?pgbouncer=true",
                Some(false),
            ),
            (
                "postgresql://app:pw@db.example.com:5432/app?pgbouncer=false",
                Some(true),
            ),
            (
                "postgresql://app:pw@db.example.com/app?connection_limit=1",
                Some(false),
            ),
            (
                "postgresql://u:pw@ep-cool-1234-pooler.us-east-2.aws.neon.tech/db?sslmode=require",
                Some(false),
            ),
            (
                "postgresql://u:pw@ep-cool-1234.us-east-2.aws.neon.tech/db?sslmode=require",
                Some(true),
            ),
            (
                "postgresql://u:pw@aws-0-eu-west-1.pooler.supabase.com:5432/postgres",
                Some(false),
            ),
            (
                "postgresql://u:pw@db.abc.supabase.co:6543/postgres",
                Some(false),
            ),
            (
                "postgresql://u:pw@db.abc.supabase.co:5432/postgres",
                Some(true),
            ),
            ("mysql://u:pw@aws.connect.psdb.cloud/db", Some(false)),
            ("prisma://accelerate.prisma-data.net/?api_key=k", None),
            (
                "prisma+postgres://accelerate.prisma-data.net/?api_key=k",
                None,
            ),
            ("mongodb+srv://u:pw@c.mongodb.net/db", None),
            ("file:./dev.db", None),
        ] {
            let parsed = url::Url::parse(url).unwrap();
            assert_eq!(direct_connection(&parsed), want, "{url}");
        }
    }
}
