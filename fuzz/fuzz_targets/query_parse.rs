//! The filter language: any text typed into the filter box parses or gives
//! an error whose column points inside the input (plus one for "at the
//! end"), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgscope::query;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = query::parse(text) {
        assert!(
            e.col >= 1 && e.col <= text.chars().count() + 1,
            "{e:?} for {text:?}"
        );
    }
});
