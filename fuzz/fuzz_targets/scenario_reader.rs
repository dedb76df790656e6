#![no_main]
//! Fuzz target `scenario_reader`: see ../harness.rs (shared with tests/fuzz_corpus.rs).

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::scenario_reader(data);
});
