//! Facts derived from how the estate is wired, computed once after a
//! collection (and when the demo is generated) and stored as ordinary
//! fields: a subnet's `routing` (`public` when its route table sends the
//! default route to an internet gateway), and an instance's or load
//! balancer's `internet` (`reachable` or `unreachable`) with the path that
//! decided it in `internet_why`.

use super::Estate;

/// Fill the derived fields of every resource of `estate` (see the module
/// doc). Idempotent: running it twice gives the same estate.
pub fn derive(estate: &mut Estate) {
    // Filled in by the wiring work of issue #12.
    let _ = estate;
}
