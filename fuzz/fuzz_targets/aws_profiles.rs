//! The AWS shared config/credentials handling: listing profile names from
//! arbitrary config and credentials text never panics, and every name it
//! returns is non-empty and trimmed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgscope::collect::profiles;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // One input holds both files, split at the first NUL.
    let (config, credentials) = text.split_once('\0').unwrap_or((&text, ""));
    for name in profiles::merge(config, credentials) {
        assert!(!name.is_empty() && name.trim() == name, "{name:?}");
    }
});
