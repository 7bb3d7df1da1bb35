#![no_main]
//! See keepalign::fuzzing::image for what the input is.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = keepalign::fuzzing::run("image", data) {
        panic!("{e}");
    }
});
