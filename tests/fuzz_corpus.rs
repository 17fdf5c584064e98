//! Replays the checked-in fuzz seeds (`fuzz/seeds/<target>/`, a few dozen
//! inputs per target picked across the minimised corpus) and every crash
//! regression (`fuzz/regressions/<target>/`) through the fuzz targets' bodies
//! (`shipcheck::fuzzing`), so what fuzzing once found stays fixed without
//! libFuzzer or a nightly toolchain.

use std::path::Path;

#[test]
fn fuzz_corpus_and_regressions_replay_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (name, target) in shipcheck::fuzzing::TARGETS {
        let mut replayed = 0;
        for dir in ["seeds", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(
                    outcome.is_ok(),
                    "fuzz target {name} fails on {}",
                    path.display()
                );
                replayed += 1;
            }
        }
        assert!(replayed > 0, "no seeds checked in for fuzz target {name}");
    }
}
