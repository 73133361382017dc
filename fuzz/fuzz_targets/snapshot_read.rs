//! Any bytes given to the snapshot reader end in an estate or an error,
//! never a panic; what parses must also write back and re-read equal.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use orgscope_core::snapshot;

fuzz_target!(|data: &[u8]| {
    if let Ok(estate) = snapshot::from_slice(data, Path::new("fuzz.json")) {
        let bytes = snapshot::to_vec(&estate).expect("a parsed estate serializes");
        let again = snapshot::from_slice(&bytes, Path::new("fuzz.json"))
            .expect("a written estate reads back");
        assert_eq!(again, estate);
    }
});
