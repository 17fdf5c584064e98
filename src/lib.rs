//! shipcheck: a deployment-readiness gate.
pub mod lexer;
