//! shipcheck: a deployment-readiness gate. The library never prints or
//! exits; `main.rs` and `report/` own the terminal.
pub mod checklist;
pub mod checks;
pub mod cli;
pub mod config;
pub mod cores;
pub mod date;
pub mod engine;
pub mod env;
pub mod finding;
#[doc(hidden)]
pub mod fuzzing;
pub mod git;
pub mod github;
pub mod github_event;
pub mod hook;
pub mod import;
pub mod init;
pub mod input_file;
pub mod lexer;
pub mod literals;
pub mod migrations;
pub mod paths;
pub mod policy;
pub mod prebuilt;
pub mod provider_keys;
pub mod redact;
pub mod registry;
pub mod report;
pub mod rules;
pub mod run_context;
pub mod scan;
pub mod secret_strength;
pub mod workspace;
