//! The tag compliance window's derived state, logic-side: the report for
//! the loaded estate and the required keys of the settings, recomputed
//! only when either changed (the estate's identity and size, the keys'
//! text) and only while the window is open. Drawing is
//! `compliance_ui`; the report itself is the engine's (`compliance`).

use super::app::OrgscopeApp;
use crate::compliance::{Report, RequiredTags, compliance};

/// What the window shows: the report, or why the keys do not parse.
#[derive(Debug)]
pub struct ComplianceView {
    /// The estate (address, resources, cells) and keys it was built for.
    built_for: (usize, usize, usize, String),
    pub report: Result<Report, String>,
}

/// Rebuild the report if the window is open and its inputs changed.
pub fn refresh(app: &mut OrgscopeApp) {
    if !app.settings.show_compliance {
        return;
    }
    let Some(loaded) = &app.loaded else {
        app.compliance = None;
        return;
    };
    let e = &loaded.estate;
    // A live run changes the estate in place (same address): its counts
    // change with it.
    let inputs = (
        std::sync::Arc::as_ptr(e) as usize,
        e.resources.len(),
        e.coverage.len(),
        app.settings.required_tags.0.clone(),
    );
    if app
        .compliance
        .as_ref()
        .is_some_and(|v| v.built_for == inputs)
    {
        return;
    }
    let report = RequiredTags::parse(&inputs.3)
        .map(|keys| compliance(e, &keys, 0..e.resources.len()))
        .map_err(|err| err.to_string());
    app.compliance = Some(ComplianceView {
        built_for: inputs,
        report,
    });
}

/// `account:NAME -has:KEY` for a missing cell's click: the account by its
/// name when no other account has that name, else by its id.
pub fn missing_filter(app: &OrgscopeApp, account_id: &str, key: &str) -> String {
    let Some(e) = app.loaded.as_ref().map(|l| &l.estate) else {
        return crate::compliance::missing_filter(account_id, key);
    };
    let name = e.account(account_id).map(|a| a.name.as_str());
    let unique = name.filter(|n| e.accounts.iter().filter(|a| a.name == *n).count() == 1);
    crate::compliance::missing_filter(unique.unwrap_or(account_id), key)
}
