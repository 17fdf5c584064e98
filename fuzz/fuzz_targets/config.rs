#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    // Ok or Err, never a panic.
    let _ = shipcheck::config::Settings::parse(&s, "fuzz.yml");
});
