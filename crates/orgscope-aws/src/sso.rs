//! IAM Identity Center access: the way most organizations give people into
//! their accounts today. Instead of assuming a role that someone deployed in
//! every account, orgscope uses the user's own SSO sign-in (`aws sso login
//! --profile X`): it lists the accounts and permission sets that sign-in can
//! use (`sso:ListAccounts`, `sso:ListAccountRoles`), and gets each account's
//! credentials for the chosen permission set with `sso:GetRoleCredentials`.
//! No role to deploy; MFA was handled by the browser sign-in.
//!
//! The access token comes from the AWS CLI's cache, read the way the CLI
//! wrote it: profiles with an `sso_session` go through aws-config's own
//! [`SsoTokenProvider`] (which also refreshes the token), legacy profiles
//! (`sso_start_url` on the profile itself) through the cache file named by
//! the SHA-1 of the start URL, which aws-config does not expose. The token
//! lives in memory only; nothing here logs or stores it.
//!
//! Portal errors are AWS's: `UnauthorizedException` (the sign-in expired or
//! was revoked: log in again) and `ForbiddenException` (the permission set
//! is not assigned to the user in that account: a `denied` cell of that
//! account, the rest of the run goes on).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_config::profile::ProfileSet;
use aws_config::sso::SsoTokenProvider;
use aws_credential_types::Credentials;
use aws_credential_types::provider::token::ProvideToken;
use futures::{StreamExt, TryStreamExt, stream};
use sha1::Digest;

use super::classify::{Failure, classify};
use orgscope_core::model::CoverageStatus;
use orgscope_core::snapshot::open_regular;

/// Code of the failure when the cached sign-in is missing or expired.
pub const SESSION_EXPIRED: &str = "SsoSessionExpired";

/// Portal calls in flight at once while listing every account's roles.
const LIST_CONCURRENCY: usize = 8;

/// Where a profile signs in to IAM Identity Center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portal {
    pub start_url: String,
    /// The Identity Center instance's region (`sso_region`).
    pub region: String,
    /// The `sso_session` the profile names; `None` for a legacy profile.
    pub session: Option<String>,
}

/// The portal of `profile`, from its `sso_session` section or, for a legacy
/// profile, its own `sso_start_url` and `sso_region`. The error says what is
/// missing and how to set it up.
pub fn portal_of(set: &ProfileSet, profile: &str) -> Result<Portal, String> {
    let Some(p) = set.get_profile(profile) else {
        return Err(format!(
            "no AWS profile named {profile:?}; create one with `aws configure sso --profile {profile}`"
        ));
    };
    let missing = |what: &str, section: &str| {
        format!(
            "the {section} has no `{what}`: it is not an IAM Identity Center profile \
             (set one up with `aws configure sso --profile {profile}`)"
        )
    };
    if let Some(session) = p.get("sso_session") {
        let section = format!("sso-session {session:?} of profile {profile:?}");
        let Some(s) = set.sso_session(session) else {
            return Err(format!(
                "profile {profile:?} names the sso-session {session:?}, which ~/.aws/config does not define"
            ));
        };
        return Ok(Portal {
            start_url: s
                .get("sso_start_url")
                .ok_or_else(|| missing("sso_start_url", &section))?
                .to_string(),
            region: s
                .get("sso_region")
                .ok_or_else(|| missing("sso_region", &section))?
                .to_string(),
            session: Some(session.to_string()),
        });
    }
    let section = format!("profile {profile:?}");
    Ok(Portal {
        start_url: p
            .get("sso_start_url")
            .ok_or_else(|| missing("sso_start_url", &section))?
            .to_string(),
        region: p
            .get("sso_region")
            .ok_or_else(|| missing("sso_region", &section))?
            .to_string(),
        session: None,
    })
}

/// One account the sign-in can enter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalAccount {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// A permission set and the accounts where the user holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionSet {
    pub name: String,
    pub accounts: Vec<PortalAccount>,
}

enum Token {
    Session(SsoTokenProvider),
    /// A legacy profile's cache file.
    /// A legacy profile's cache file, or why there is none (no home).
    CacheFile(Result<PathBuf, String>),
}

/// A signed-in portal: the SSO client, how to get the access token, and
/// the profile it came from (for the advice in errors).
pub struct SsoAccess {
    client: aws_sdk_sso::Client,
    token: Token,
    profile: String,
}

impl std::fmt::Debug for SsoAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoAccess")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl SsoAccess {
    /// `client` must be an SSO client in the portal's region; `base` is the
    /// run's configuration, which the token provider uses to refresh.
    pub async fn new(
        profile: &str,
        portal: &Portal,
        client: aws_sdk_sso::Client,
        base: &SdkConfig,
    ) -> SsoAccess {
        let token = match &portal.session {
            Some(session) => Token::Session(
                SsoTokenProvider::builder()
                    .configure(base)
                    .start_url(&portal.start_url)
                    .session_name(session)
                    .region(aws_types::region::Region::new(portal.region.clone()))
                    .build()
                    .await,
            ),
            None => Token::CacheFile(
                home()
                    .map(|home| legacy_cache_file(&home, &portal.start_url))
                    .ok_or_else(|| "HOME is not set, so there is no token cache".to_string()),
            ),
        };
        SsoAccess {
            client,
            token,
            profile: profile.to_string(),
        }
    }

    /// The profile whose sign-in this is.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    fn login(&self) -> String {
        format!("run `aws sso login --profile {}`", self.profile)
    }

    /// The access token of the sign-in, or why there is none.
    async fn token(&self) -> Result<String, Failure> {
        let expired = |why: String| {
            Failure::new(
                CoverageStatus::Denied,
                SESSION_EXPIRED,
                format!(
                    "the sign-in of profile {} is missing or has expired ({}): {}",
                    self.profile,
                    super::sign_in::last_cause(&why),
                    self.login()
                ),
            )
        };
        match &self.token {
            Token::Session(provider) => provider
                .provide_token()
                .await
                .map(|t| t.token().to_string())
                .map_err(|e| expired(error_chain(&e))),
            Token::CacheFile(path) => {
                let path = path.as_ref().map_err(|why| expired(why.clone()))?;
                let cached = read_cached_token(path).map_err(expired)?;
                if cached.expires_at <= SystemTime::now() {
                    return Err(expired(format!(
                        "the token in {} has expired",
                        path.display()
                    )));
                }
                Ok(cached.access_token)
            }
        }
    }

    /// Adds what to do to the portal's own terse errors.
    fn explain(&self, mut f: Failure, permission_set: Option<&str>) -> Failure {
        let said = f.message.clone().unwrap_or_default();
        match f.code.as_deref() {
            Some("UnauthorizedException") => {
                f.message = Some(format!(
                    "IAM Identity Center refused the sign-in ({said}): it has expired or \
                     was revoked; {}",
                    self.login()
                ));
            }
            Some("ForbiddenException") => {
                let what = permission_set
                    .map(|p| {
                        format!("the permission set {p} is not assigned to you in this account")
                    })
                    .unwrap_or_else(|| "no access".to_string());
                f.message = Some(format!("{what} ({said})"));
            }
            _ => {}
        }
        f
    }

    /// Credentials for `permission_set` in `account_id`.
    pub async fn role_credentials(
        &self,
        account_id: &str,
        permission_set: &str,
    ) -> Result<Credentials, Failure> {
        let token = self.token().await?;
        let out = self
            .client
            .get_role_credentials()
            .account_id(account_id)
            .role_name(permission_set)
            .access_token(token)
            .send()
            .await
            .map_err(|e| self.explain(classify(&e), Some(permission_set)))?;
        let incomplete = |what: &str| {
            Failure::new(
                CoverageStatus::Error,
                "IncompleteResponse",
                format!("GetRoleCredentials answered without {what}"),
            )
        };
        let c = out
            .role_credentials()
            .ok_or_else(|| incomplete("credentials"))?;
        let key = c
            .access_key_id()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| incomplete("an access key id"))?;
        let secret = c
            .secret_access_key()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| incomplete("a secret access key"))?;
        // Epoch milliseconds; 0 (absent) means AWS gave no expiry, and the
        // session is then used until a call says it expired.
        let expiry = u64::try_from(c.expiration())
            .ok()
            .filter(|ms| *ms > 0)
            .map(|ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
        Ok(Credentials::new(
            key,
            secret,
            c.session_token().map(str::to_string),
            expiry,
            "orgscope-sso",
        ))
    }

    /// Every account the sign-in can enter, all pages. Entries without an
    /// id are skipped with a warning, as in the Organizations crawl.
    pub async fn accounts(&self) -> Result<Vec<PortalAccount>, Failure> {
        let token = self.token().await?;
        let listed: Vec<_> = self
            .client
            .list_accounts()
            .access_token(token)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| self.explain(classify(&e), None))?;
        Ok(listed
            .into_iter()
            .filter_map(|a| {
                let Some(id) = a.account_id().filter(|id| !id.is_empty()) else {
                    tracing::warn!("sso:ListAccounts listed an account without an id; skipped");
                    return None;
                };
                Some(PortalAccount {
                    id: id.to_string(),
                    name: a.account_name().unwrap_or(id).to_string(),
                    email: a.email_address().unwrap_or_default().to_string(),
                })
            })
            .collect())
    }

    /// The permission sets the user holds in `account_id`, all pages.
    pub async fn roles(&self, account_id: &str) -> Result<Vec<String>, Failure> {
        let token = self.token().await?;
        let listed: Vec<_> = self
            .client
            .list_account_roles()
            .access_token(token)
            .account_id(account_id)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| self.explain(classify(&e), None))?;
        Ok(listed
            .into_iter()
            .filter_map(|r| r.role_name().map(str::to_string))
            .filter(|r| !r.is_empty())
            .collect())
    }

    /// Every permission set the user holds anywhere, each with its
    /// accounts, sorted by name (and accounts by name). The first failed
    /// call fails the listing: a partial list would offer a choice that
    /// silently leaves accounts out.
    pub async fn permission_sets(&self) -> Result<Vec<PermissionSet>, Failure> {
        let accounts = self.accounts().await?;
        let roles: Vec<(PortalAccount, Vec<String>)> = stream::iter(accounts)
            .map(|a| async move {
                let roles = self.roles(&a.id).await?;
                Ok::<_, Failure>((a, roles))
            })
            .buffer_unordered(LIST_CONCURRENCY)
            .try_collect()
            .await?;
        let mut by_set: BTreeMap<String, Vec<PortalAccount>> = BTreeMap::new();
        for (account, sets) in roles {
            for set in sets {
                by_set.entry(set).or_default().push(account.clone());
            }
        }
        Ok(by_set
            .into_iter()
            .map(|(name, mut accounts)| {
                accounts.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
                PermissionSet { name, accounts }
            })
            .collect())
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// `~/.aws/sso/cache/<sha1 of the start URL>.json`, where the AWS CLI keeps
/// a legacy profile's token.
fn legacy_cache_file(home: &std::path::Path, start_url: &str) -> PathBuf {
    let name = hex::encode(sha1::Sha1::digest(start_url.as_bytes()));
    home.join(".aws")
        .join("sso")
        .join("cache")
        .join(format!("{name}.json"))
}

#[derive(Debug, PartialEq, Eq)]
struct CachedToken {
    access_token: String,
    expires_at: SystemTime,
}

/// The CLI's token cache file: `accessToken` and `expiresAt` (RFC 3339) are
/// required; a file missing either is an error, never a token that is
/// assumed valid. Read through `open_regular`, so a FIFO there never blocks.
fn read_cached_token(path: &std::path::Path) -> Result<CachedToken, String> {
    let mut text = String::new();
    open_regular(path)
        .map_err(|e| e.to_string())?
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_cached_token(&text).map_err(|why| format!("{}: {why}", path.display()))
}

fn parse_cached_token(text: &str) -> Result<CachedToken, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a token cache file ({e})"))?;
    let field = |name: &str| {
        json.get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("no {name}"))
    };
    let access_token = field("accessToken")?.to_string();
    let expires_at = field("expiresAt")?;
    let expires_at =
        time::OffsetDateTime::parse(expires_at, &time::format_description::well_known::Rfc3339)
            .map_err(|e| format!("expiresAt {expires_at:?} is not a time ({e})"))?;
    Ok(CachedToken {
        access_token,
        expires_at: expires_at.into(),
    })
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.dedup();
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn profiles(config: &str) -> ProfileSet {
        crate::profiles::parse(config, "")
            .await
            .expect("the test config parses")
    }

    #[tokio::test]
    async fn the_portal_comes_from_the_sso_session_or_the_legacy_profile() {
        let set = profiles(
            "[profile corp]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\
             [profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\n\
             [profile keys]\nregion = eu-west-1\n\
             [profile dangling]\nsso_session = gone\n\
             [profile half]\nsso_session = half\n[sso-session half]\nsso_region = eu-west-1\n",
        )
        .await;
        assert_eq!(
            portal_of(&set, "corp"),
            Ok(Portal {
                start_url: "https://corp.awsapps.com/start".into(),
                region: "eu-west-1".into(),
                session: Some("corp".into()),
            })
        );
        assert_eq!(
            portal_of(&set, "old").map(|p| (p.region, p.session)),
            Ok(("us-east-1".to_string(), None))
        );
        let err = |name: &str| portal_of(&set, name).expect_err(name);
        assert!(
            err("keys").contains("not an IAM Identity Center profile"),
            "{}",
            err("keys")
        );
        assert!(err("keys").contains("aws configure sso --profile keys"));
        assert!(
            err("dangling").contains("does not define"),
            "{}",
            err("dangling")
        );
        assert!(
            err("half").contains("no `sso_start_url`"),
            "{}",
            err("half")
        );
        assert!(err("nope").contains("no AWS profile named \"nope\""));
    }

    #[test]
    fn the_legacy_cache_file_is_named_as_the_aws_cli_names_it() {
        // The name computed independently (Python's hashlib.sha1 of the
        // start URL, hex), as the AWS CLI names the file.
        let path = legacy_cache_file(
            std::path::Path::new("/home/u"),
            "https://d-abc123.awsapps.com/start",
        );
        assert_eq!(
            path,
            PathBuf::from("/home/u/.aws/sso/cache/40a89917e3175433e361b710a9d43528d7f1890a.json")
        );
    }

    #[test]
    fn a_cached_token_needs_a_token_and_an_expiry() {
        let ok = parse_cached_token(
            r#"{"startUrl":"https://x","region":"us-east-1","accessToken":"tok","expiresAt":"2030-01-02T03:04:05Z"}"#,
        )
        .expect("complete");
        assert_eq!(ok.access_token, "tok");
        assert_eq!(
            ok.expires_at,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445)
        );
        for (text, why) in [
            ("not json", "not a token cache file"),
            (r#"{"expiresAt":"2030-01-02T03:04:05Z"}"#, "no accessToken"),
            (
                r#"{"accessToken":"","expiresAt":"2030-01-02T03:04:05Z"}"#,
                "no accessToken",
            ),
            (r#"{"accessToken":"t"}"#, "no expiresAt"),
            (r#"{"accessToken":"t","expiresAt":"soon"}"#, "is not a time"),
        ] {
            let e = parse_cached_token(text).expect_err(text);
            assert!(e.contains(why), "{text}: {e}");
        }
    }
}
