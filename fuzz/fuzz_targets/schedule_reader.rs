#![no_main]
//! Fuzz target `schedule_reader`: see ../harness.rs (shared with tests/fuzz_corpus.rs).

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::schedule_reader(data);
});
