//! The composite action's shell steps, run with the environment GitHub
//! would set (RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH, GITHUB_PATH,
//! GITHUB_OUTPUT, GITHUB_ACTION_PATH, inputs as INPUT_*): install.sh against
//! a fake release served from loopback the way GitHub serves release assets,
//! its source-build fallback with cargo stubbed, the cache key, action.yml's
//! wiring, and run.sh.

#[path = "../support/mod.rs"]
mod support;

mod action_yml;
mod install;
mod release_plan;
mod release_server;
mod run_step;
mod runner;
mod source_build;
