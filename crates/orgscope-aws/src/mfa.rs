//! MFA once per run, the way aws-vault does it: when the base profile names
//! an `mfa_serial`, ask the user for one code (through a callback the CLI
//! implements as a TTY prompt and the GUI as a dialog), trade it for a
//! session with `sts:GetSessionToken`, and make that session the base
//! credentials of the whole run, so every `AssumeRole` into a member
//! account is signed by it and the user is never asked twice. The
//! profile's `mfa_serial` is read from the profiles aws-config parses
//! ([`profiles::load_profile_set`]), so we ask for the device the
//! credential chain would see.
//!
//! The code and the session live only in memory: nothing here logs them,
//! and the session replaces the base credentials inside the `SdkConfig`.
//! Profiles that combine `role_arn` with `mfa_serial` are left to the
//! standard chain (aws-config then reports that it cannot prompt).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use aws_config::SdkConfig;
use aws_config::profile::ProfileSet;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

use super::CollectOptions;
use super::auth::Clients;
use super::classify::{Failure, classify};
use super::profiles;

/// What the prompt is told: which device to read the code from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaRequest {
    /// The profile that needs MFA (`None` = the default chain).
    pub profile: Option<String>,
    /// The `mfa_serial` ARN (or hardware serial) of the MFA device.
    pub serial: String,
}

/// The future a prompt returns: the code, or `None` when the user gave up.
pub type MfaFuture = Pin<Box<dyn Future<Output = Option<String>> + Send>>;

/// Asks the user for one MFA code. Cloning shares the same callback.
#[derive(Clone)]
pub struct MfaPrompt(Arc<dyn Fn(MfaRequest) -> MfaFuture + Send + Sync>);

impl MfaPrompt {
    pub fn new<F, Fut>(f: F) -> MfaPrompt
    where
        F: Fn(MfaRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<String>> + Send + 'static,
    {
        MfaPrompt(Arc::new(move |req| Box::pin(f(req))))
    }

    async fn ask(&self, req: MfaRequest) -> Option<String> {
        (self.0)(req).await
    }
}

impl fmt::Debug for MfaPrompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaPrompt(..)")
    }
}

/// MFA settings of a run. The default reads `mfa_serial` from the profile
/// and, having no way to ask, fails clearly if one is set.
#[derive(Debug, Clone, Default)]
pub struct Mfa {
    /// Use this device instead of the profile's `mfa_serial`.
    pub serial: Option<String>,
    pub prompt: Option<MfaPrompt>,
}

#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    #[error(
        "profile {profile} requires MFA (mfa_serial {serial}) and this run has no way to ask for the code; run `orgscope collect` from a terminal"
    )]
    NoPrompt { profile: String, serial: String },
    #[error(
        "no MFA code was entered for {serial} (profile {profile}); the code is asked on a terminal"
    )]
    Cancelled { profile: String, serial: String },
    #[error("an MFA code is 6 digits; got {0} characters")]
    BadCode(usize),
    #[error("sts:GetSessionToken with the MFA code failed: {0}")]
    SessionToken(Failure),
}

/// If the run needs MFA, ask once, get a session token, and return a base
/// config that signs with it; otherwise return `base` unchanged.
pub async fn apply(base: SdkConfig, opts: &CollectOptions) -> Result<SdkConfig, MfaError> {
    let serial = match &opts.mfa.serial {
        Some(serial) => Some(serial.clone()),
        // A base config handed in by a test or an embedder came from no
        // profile, so only an explicit serial applies to it. Files that do
        // not parse were logged; the standard chain fails on them too.
        None if opts.hooks.base_config.is_none() => {
            profiles::load_profile_set().await.ok().and_then(|set| {
                let profile = opts.profile.as_deref().unwrap_or(set.selected_profile());
                mfa_serial(&set, profile)
            })
        }
        None => None,
    };
    let Some(serial) = serial else {
        return Ok(base);
    };
    let Some(prompt) = &opts.mfa.prompt else {
        return Err(MfaError::NoPrompt {
            profile: opts.profile.clone().unwrap_or_else(|| "default".into()),
            serial,
        });
    };
    let code = prompt
        .ask(MfaRequest {
            profile: opts.profile.clone(),
            serial: serial.clone(),
        })
        .await
        .ok_or_else(|| MfaError::Cancelled {
            profile: opts.profile.clone().unwrap_or_else(|| "default".into()),
            serial: serial.clone(),
        })?;
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MfaError::BadCode(code.chars().count()));
    }
    let sts = Clients::new(base.clone(), opts).base_sts();
    let out = sts
        .get_session_token()
        .serial_number(&serial)
        .token_code(code)
        .send()
        .await
        .map_err(|e| MfaError::SessionToken(classify(&e)))?;
    let Some(c) = out.credentials() else {
        return Err(MfaError::SessionToken(Failure::new(
            orgscope_core::model::CoverageStatus::Error,
            "NoCredentials",
            "GetSessionToken answered without credentials",
        )));
    };
    let creds = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        std::time::SystemTime::try_from(*c.expiration()).ok(),
        "orgscope-mfa-session",
    );
    Ok(base
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(creds))
        .build())
}

/// `mfa_serial` of `profile` in the shared files' profiles, as aws-config
/// merged them (a key in `~/.aws/credentials` wins over the same key in
/// `~/.aws/config`; keys are case-insensitive). A profile with `role_arn`
/// is not ours to handle.
pub fn mfa_serial(set: &ProfileSet, profile: &str) -> Option<String> {
    let profile = set.get_profile(profile)?;
    if profile.get("role_arn").is_some() {
        return None;
    }
    profile
        .get("mfa_serial")
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// The CLI's prompt: asks on the terminal (stderr), reads one line from
/// stdin. Without a terminal it gives up rather than block a script.
pub fn tty_prompt() -> MfaPrompt {
    MfaPrompt::new(|req: MfaRequest| async move {
        tokio::task::spawn_blocking(move || {
            use std::io::{BufRead, IsTerminal, Write};
            if !std::io::stdin().is_terminal() {
                return None;
            }
            let mut err = std::io::stderr();
            let _ = write!(err, "MFA code for {}: ", req.serial);
            let _ = err.flush();
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).ok()?;
            let code = line.trim().to_string();
            (!code.is_empty()).then_some(code)
        })
        .await
        .ok()
        .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "[default]\nregion = eu-west-1\n\n[profile mgmt]\nregion=us-east-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n\n[profile admin]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = mgmt\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n# mfa_serial = commented\n[profilemgmt]\nmfa_serial = wrong\n[sso-session mgmt]\nmfa_serial = not-a-profile\n";

    async fn serial(config: &str, credentials: &str, profile: &str) -> Option<String> {
        let set = profiles::parse(config, credentials).await.expect("parses");
        mfa_serial(&set, profile)
    }

    #[tokio::test]
    async fn mfa_serial_is_read_from_the_right_section() {
        assert_eq!(
            serial(CONFIG, "", "mgmt").await.as_deref(),
            Some("arn:aws:iam::123456789012:mfa/alice")
        );
        assert_eq!(serial(CONFIG, "", "default").await, None);
        // role_arn profiles are handled by the standard chain.
        assert_eq!(serial(CONFIG, "", "admin").await, None);
        assert_eq!(serial(CONFIG, "", "nope").await, None);
        // A profile of the credentials file, and one whose serial is in
        // the credentials file while the config file has the rest.
        let creds = "[legacy]\naws_access_key_id=AKIA\nMFA_Serial=GAHT12345678\n\
                     [default]\nmfa_serial = GAHT87654321\n";
        assert_eq!(
            serial("", creds, "legacy").await.as_deref(),
            Some("GAHT12345678")
        );
        assert_eq!(
            serial(CONFIG, creds, "default").await.as_deref(),
            Some("GAHT87654321")
        );
        // The old hand parser read a serial under an unterminated header;
        // aws-config refuses the file instead.
        assert!(
            profiles::parse("[profile x\nmfa_serial=1", "")
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn no_serial_means_base_config_unchanged_and_no_prompt() {
        let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = asked.clone();
        let opts = CollectOptions {
            profile: Some("orgscope-test-profile-that-does-not-exist".into()),
            mfa: Mfa {
                serial: None,
                prompt: Some(MfaPrompt::new(move |_| {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    async { Some("123456".to_string()) }
                })),
            },
            ..CollectOptions::default()
        };
        let base = SdkConfig::builder().build();
        assert!(apply(base, &opts).await.is_ok());
        assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn bad_or_missing_codes_fail_before_any_call() {
        let with = |prompt: Option<MfaPrompt>| CollectOptions {
            mfa: Mfa {
                serial: Some("arn:aws:iam::1:mfa/a".into()),
                prompt,
            },
            ..CollectOptions::default()
        };
        let base = || SdkConfig::builder().build();
        let err = apply(base(), &with(None)).await.expect_err("no prompt");
        assert!(err.to_string().contains("requires MFA"), "{err}");
        let given = |c: Option<&'static str>| {
            Some(MfaPrompt::new(move |_| async move { c.map(String::from) }))
        };
        let err = apply(base(), &with(given(None)))
            .await
            .expect_err("gave up");
        assert!(matches!(err, MfaError::Cancelled { .. }));
        let err = apply(base(), &with(given(Some("12ab56"))))
            .await
            .expect_err("bad");
        assert!(matches!(err, MfaError::BadCode(6)));
    }
}
