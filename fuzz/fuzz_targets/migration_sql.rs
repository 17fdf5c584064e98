#![no_main]

use libfuzzer_sys::fuzz_target;

// The body lives in the library (`shipcheck::fuzzing`) so that
// `tests/fuzz_corpus.rs` replays the checked-in corpus with it.
fuzz_target!(|data: &[u8]| shipcheck::fuzzing::migration_sql(data));
