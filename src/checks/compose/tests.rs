use super::healthcheck::stage_has_healthcheck;
use super::model::*;
use super::{datastore, public_port, Datastore};
use crate::migrations::RepoFile;
use serde_yaml_ng::Value;

fn vars(pairs: &[(&str, &str)]) -> Vars {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn interpolation_follows_compose() {
    let v = vars(&[("SET", "x"), ("EMPTY", "")]);
    for (input, want, from_env) in [
        ("${SET}", "x", true),
        ("$SET/y", "x/y", true),
        ("${UNSET:-d}", "d", false),
        ("${EMPTY:-d}", "d", false),
        ("${EMPTY-d}", "", true),
        ("${UNSET-d}", "d", false),
        ("${SET:-d}", "x", true),
        ("${UNSET:?must be set}", "", false),
        ("${SET:+alt}", "alt", false),
        ("$$HOME", "$HOME", false),
        ("${UNSET:-${SET}}", "x", false),
        ("a${UNSET}b", "ab", false),
    ] {
        let got = interpolate(input, &v);
        assert_eq!(got.value, want, "{input}");
        assert_eq!(got.from_env, from_env, "{input}");
    }
}

#[test]
fn inline_defaults_are_found() {
    assert_eq!(
        inline_defaults("postgres://u:${PW:-postgres}@db/${DB-app}?x=${Y:?e}"),
        vec![("PW", "postgres"), ("DB", "app")]
    );
}

#[test]
fn production_names() {
    for yes in [
        "docker-compose.prod.yml",
        "deploy/docker-compose.production.yaml",
        "compose.prod.yaml",
        "compose.production.yml",
        "docker-compose-prod.yml",
        "docker-compose.prod.aws.yml",
        "docker/production/compose.yml",
    ] {
        assert!(is_production_name(yes), "{yes}");
    }
    for no in [
        "docker-compose.yml",
        "docker-compose.dev.yml",
        "compose.override.yaml",
        "docker-compose.prod-local.yml",
        "docker-compose.prod.test.yml",
        "prod.yml",
        "docker/production/compose.dev.yml",
        "docker/development/compose.yml",
    ] {
        assert!(!is_production_name(no), "{no}");
    }
}

#[test]
fn deploy_commands_name_their_files() {
    let script = "docker compose -f a.yml \\\n  -f b.yml up -d\ndocker-compose --file=c.yml up\ndocker compose up -d && echo ok\n# docker compose -f docker-compose.test.yml up\ndocker compose -f docker-compose.test.yml up\ndocker compose -f a.yml pull\n";
    assert_eq!(
        deploy_commands(script),
        vec![
            vec!["a.yml".to_string(), "b.yml".to_string()],
            vec!["c.yml".to_string()],
            vec![],
        ]
    );
    // The `docker-compose` of a file name is not a command.
    assert_eq!(
        deploy_commands(
            "ssh h \"docker compose -f docker-compose.yml -f docker-compose.prod.yml up\""
        ),
        vec![vec![
            "docker-compose.yml".to_string(),
            "docker-compose.prod.yml".to_string()
        ]]
    );
}

#[test]
fn service_lines_are_the_keys_under_services() {
    let text = "version: '3'\nx-common: &c\n  image: a\nservices:\n  # api\n  api:\n    image: a\n    ports:\n      - \"1:1\"\n\n  \"web\":\n    image: b\nvolumes:\n  data:\n";
    let lines = service_lines(text);
    let at = |l, c, e| Lines {
        line: l,
        column: c,
        end_line: e,
    };
    assert_eq!(lines.get("api"), Some(&at(6, 3, 9)));
    assert_eq!(lines.get("web"), Some(&at(11, 3, 12)));
    assert_eq!(lines.get("data"), None);
}

#[test]
fn ports_on_every_interface() {
    let v = vars(&[("PG_PORT", "6543")]);
    let port = |y: &str| public_port(&serde_yaml_ng::from_str::<Value>(y).unwrap(), &v);
    assert_eq!(port("\"5432:5432\"").as_deref(), Some("5432:5432"));
    assert_eq!(port("\"5432\"").as_deref(), Some("5432"));
    assert_eq!(
        port("\"0.0.0.0:5432:5432/tcp\"").as_deref(),
        Some("5432:5432")
    );
    assert_eq!(port("\"${PG_PORT}:5432\"").as_deref(), Some("6543:5432"));
    assert_eq!(port("\"127.0.0.1:5432:5432\""), None);
    assert_eq!(port("\"[::1]:5432:5432\""), None);
    assert_eq!(port("\"10.0.0.5:5432:5432\""), None);
    assert_eq!(port("\"${UNSET}:5432\""), None);
    assert_eq!(
        port("{target: 5432, published: 5432}").as_deref(),
        Some("5432:5432")
    );
    assert_eq!(
        port("{target: 5432, published: 5432, host_ip: 127.0.0.1}"),
        None
    );
}

#[test]
fn datastores_by_image() {
    for (image, want) in [
        ("postgres:16-alpine", Some(Datastore::Postgres)),
        ("bitnami/postgresql:16", Some(Datastore::Postgres)),
        ("docker.io/library/redis@sha256:abc", Some(Datastore::Redis)),
        (
            "docker.elastic.co/elasticsearch/elasticsearch:8.13.0",
            Some(Datastore::Elasticsearch),
        ),
        ("mariadb:11", Some(Datastore::Mysql)),
        ("bitnami/mongodb", Some(Datastore::Mongo)),
        ("ghcr.io/acme/postgres-backup:1", None),
        ("redis-commander", None),
    ] {
        assert_eq!(datastore(image), want, "{image}");
    }
}

#[test]
fn healthcheck_in_the_final_or_target_stage() {
    let df = "FROM node AS build\nHEALTHCHECK CMD true\nFROM node AS runtime\nCMD x\n";
    assert!(!stage_has_healthcheck(df, None));
    assert!(stage_has_healthcheck(df, Some("build")));
    assert!(stage_has_healthcheck(
        "FROM a\nhealthcheck --interval=5s CMD true\n",
        None
    ));
    assert!(!stage_has_healthcheck("FROM a\nHEALTHCHECK NONE\n", None));
}

fn file(rel: &str, text: &str) -> RepoFile {
    RepoFile {
        rel: rel.to_string(),
        text: text.to_string(),
    }
}

#[test]
fn files_merge_and_extends_resolve() {
    let files = [
        file(
            "docker-compose.yml",
            "services:\n  base:\n    image: a\n    environment:\n      - A=1\n    ports: [\"80:80\"]\n  api:\n    extends: base\n    environment:\n      B: '2'\n",
        ),
        file(
            "docker-compose.prod.yml",
            "services:\n  api:\n    environment:\n      A: '3'\n    ports: [\"443:443\"]\n",
        ),
    ];
    let projects = production_projects(&files, &[], &Vars::new());
    assert_eq!(projects.len(), 1);
    let p = &projects[0];
    assert_eq!(p.files, ["docker-compose.yml", "docker-compose.prod.yml"]);
    let api = p.services.iter().find(|s| s.name == "api").unwrap();
    assert_eq!(
        (api.path.as_str(), api.at.line, api.at.end_line),
        ("docker-compose.prod.yml", 2, 5)
    );
    assert_eq!(api.def.get("image").and_then(Value::as_str), Some("a"));
    let env = super::environment(&api.def);
    assert!(env.contains(&("A".to_string(), "3".to_string())), "{env:?}");
    assert!(env.contains(&("B".to_string(), "2".to_string())), "{env:?}");
    let ports = api.def.get("ports").and_then(Value::as_sequence).unwrap();
    assert_eq!(ports.len(), 2);
}

#[test]
fn a_lone_development_file_is_not_production() {
    let files = [file(
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres\n",
    )];
    assert!(production_projects(&files, &[], &Vars::new()).is_empty());
    let configured = ["./docker-compose.yml".to_string()];
    assert_eq!(
        production_projects(&files, &configured, &Vars::new()).len(),
        1
    );
}
