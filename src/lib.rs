//! shipcheck: a deployment-readiness gate. The library never prints or
//! exits; `main.rs` and `report/` own the terminal.
pub mod config;
pub mod cli;
pub mod engine;
pub mod init;
pub mod finding;
pub mod git;
pub mod report;
pub mod workspace;
pub mod lexer;
pub mod policy;
pub mod checks;
pub mod rules;
