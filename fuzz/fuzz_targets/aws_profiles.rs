//! The AWS shared config/credentials handling: listing profile names and
//! finding a profile's `mfa_serial` in arbitrary config and credentials
//! text never panic, and every name listed is non-empty and trimmed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgscope::collect::{mfa, profiles};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // One input holds both files, split at the first NUL.
    let (config, credentials) = text.split_once('\0').unwrap_or((&text, ""));
    for name in profiles::merge(config, credentials) {
        assert!(!name.is_empty() && name.trim() == name, "{name:?}");
        let _ = mfa::mfa_serial(config, &name, true);
        let _ = mfa::mfa_serial(credentials, &name, false);
    }
});
