//! Environment configuration: the dotenv parser, where code reads
//! variables, and the environments a deploy runs with.

pub mod dotenv;
pub mod environments;
pub mod references;
