//! Who we are and how we get into each account: the base `SdkConfig` from
//! the standard aws-config chain, the caller identity, and one session per
//! member account (an STS role, or an IAM Identity Center permission set
//! through `sso.rs`) whose credentials are cached and renewed before they
//! expire, so a long run never dies of `ExpiredToken`.
//!
//! Every client built here goes through [`Clients`], which applies the
//! run's timeouts, retry policy and injected interceptors, and gives each
//! account its own retry partition so throttling in one account does not
//! drain the retry budget of the others.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::imds::region::ImdsRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::region::ProfileFileRegionProvider;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_smithy_runtime::client::defaults::default_http_client_plugin_v2;
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::region::Region;

use super::CollectOptions;
use super::classify::{Failure, classify};
use super::sso::SsoAccess;
use orgscope_core::model::{Api, CallerIdentity, CoverageStatus};

/// Region used for global calls when the chain configured none.
pub const FALLBACK_REGION: &str = "us-east-1";

/// Renew role credentials this long before they expire: comfortably more
/// than one slow, retried describe call.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Load the base configuration: the caller's own profile/env/SSO chain.
pub async fn load_base_config(opts: &CollectOptions) -> SdkConfig {
    if let Some(conf) = &opts.hooks.base_config {
        return conf.clone();
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    // Instance metadata is the last link of both default chains. Off EC2
    // its address does not answer, and the default client waits 1 s per
    // connect, 4 attempts, for credentials and again for the region: the
    // seconds a laptop with a mistyped profile spent before any message.
    // The library's own chains, with a short-fused client for that link:
    // on EC2, IMDS answers in milliseconds.
    let imds = aws_config::imds::Client::builder()
        .connect_timeout(Duration::from_millis(300))
        .read_timeout(Duration::from_secs(1))
        .max_attempts(1)
        .build();
    let mut credentials = DefaultCredentialsChain::builder().imds_client(imds.clone());
    let mut profile_region = ProfileFileRegionProvider::builder();
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
        credentials = credentials.profile_name(profile);
        profile_region = profile_region.profile_name(profile);
    }
    let region = RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
        .or_else(profile_region.build())
        .or_else(ImdsRegionProvider::builder().imds_client(imds).build());
    let conf = loader
        .credentials_provider(credentials.build().await)
        .region(region)
        .load()
        .await;
    // Organizations and STS need some region even when the profile names
    // none; the global endpoints live in us-east-1.
    if conf.region().is_none() {
        return conf
            .into_builder()
            .region(Region::new(FALLBACK_REGION))
            .build();
    }
    conf
}

/// Factory for every SDK client of one run.
#[derive(Clone, Debug)]
pub struct Clients {
    base: SdkConfig,
    interceptors: Vec<SharedInterceptor>,
    timeouts: TimeoutConfig,
    retry: RetryConfig,
    org_retry: RetryConfig,
    elb_retry: RetryConfig,
    /// The region for global calls (STS of the caller, Organizations).
    pub home_region: String,
}

/// One SDK client from the base config: its region, the timeouts, a retry
/// policy in a partition of its own (so one service's throttling never
/// spends another's retries), the interceptors, and for a member account
/// the role session's credentials — with no second cache in front of them:
/// the session caches and renews on its own schedule, and another cache
/// would hide its renewal margin.
macro_rules! client {
    ($sdk:ident, $clients:ident, region: $region:expr, retry: $retry:expr,
     partition: ($service:expr, $key:expr), creds: $creds:expr) => {{
        let mut b = $sdk::config::Builder::from(&$clients.base)
            .region(Region::new($region))
            .timeout_config($clients.timeouts.clone())
            .retry_config($retry.clone())
            .retry_partition(partition_for($service, $key));
        let creds: Option<SharedCredentialsProvider> = $creds;
        if let Some(c) = creds {
            b = b
                .credentials_provider(c)
                .identity_cache(IdentityCache::no_cache());
        }
        for i in &$clients.interceptors {
            b.push_interceptor(i.clone());
        }
        $sdk::Client::from_conf(b.build())
    }};
}

impl Clients {
    pub fn new(base: SdkConfig, opts: &CollectOptions) -> Clients {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(opts.connect_timeout)
            .operation_attempt_timeout(opts.attempt_timeout)
            .operation_timeout(opts.operation_timeout)
            .build();
        let retry = RetryConfig::standard()
            .with_max_attempts(opts.max_attempts.max(1))
            .with_initial_backoff(opts.initial_backoff);
        // Organizations has a low account-wide rate limit shared with every
        // other tool in the org: be patient rather than fail.
        let org_retry = RetryConfig::standard()
            .with_max_attempts(opts.max_attempts.max(1).saturating_mul(2))
            .with_initial_backoff(opts.initial_backoff.saturating_mul(2))
            .with_max_backoff(Duration::from_secs(20));
        // ELBv2's Describe calls share a bucket of 40 tokens refilled at 10
        // a second per account-region, a quarter of EC2's: a region with
        // many load balancers (a call per load balancer and per target
        // group) is throttled by design, so wait longer before giving up.
        let elb_retry = RetryConfig::standard()
            .with_max_attempts(patient(opts.max_attempts))
            .with_initial_backoff(opts.initial_backoff)
            .with_max_backoff(Duration::from_secs(20));
        let home_region = base
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| FALLBACK_REGION.to_string());
        Clients {
            base: with_shared_http_client(base),
            interceptors: opts.hooks.interceptors.clone(),
            timeouts,
            retry,
            org_retry,
            elb_retry,
            home_region,
        }
    }

    /// STS with the base credentials, in the home region (regional STS).
    pub fn base_sts(&self) -> aws_sdk_sts::Client {
        self.sts(None, "base")
    }

    /// STS used to assume roles: base credentials, a partition per account.
    pub fn sts(
        &self,
        creds: Option<SharedCredentialsProvider>,
        partition: &str,
    ) -> aws_sdk_sts::Client {
        let mut b = aws_sdk_sts::config::Builder::from(&self.base)
            .region(Region::new(self.home_region.clone()))
            .timeout_config(self.timeouts.clone())
            .retry_config(self.retry.clone())
            .retry_partition(partition_for("sts", partition));
        if let Some(c) = creds {
            b = b.credentials_provider(c);
        }
        for i in &self.interceptors {
            b.push_interceptor(i.clone());
        }
        aws_sdk_sts::Client::from_conf(b.build())
    }

    /// The IAM Identity Center portal in its own region (`sso_region`).
    /// Its calls carry the access token, not a signature, so no
    /// credentials are involved.
    pub fn sso(&self, region: &str) -> aws_sdk_sso::Client {
        client!(
            aws_sdk_sso,
            self,
            region: region.to_string(),
            retry: self.retry,
            partition: ("sso", "portal"),
            creds: None
        )
    }

    pub fn organizations(&self) -> aws_sdk_organizations::Client {
        client!(
            aws_sdk_organizations,
            self,
            region: self.home_region.clone(),
            retry: self.org_retry,
            partition: ("organizations", "base"),
            creds: None
        )
    }

    /// Cost Explorer of the caller's account. Its endpoint is global, in
    /// us-east-1 (cn-northwest-1 in China), whatever the home region; the
    /// Organizations retries suit its low request rate.
    pub fn cost_explorer(&self) -> aws_sdk_costexplorer::Client {
        let region = if self.home_region.starts_with("cn-") {
            "cn-northwest-1"
        } else {
            "us-east-1"
        };
        client!(
            aws_sdk_costexplorer,
            self,
            region: region,
            retry: self.org_retry,
            partition: ("ce", "base"),
            creds: None
        )
    }

    /// AWS Config of the caller's account in the aggregator's region, with
    /// the base credentials: an aggregator is read from the one account
    /// that holds it. Its query rate is low and shared by everyone who
    /// queries the aggregator, so it gets Organizations' patient retries.
    pub fn config(&self, region: &str) -> aws_sdk_config::Client {
        client!(
            aws_sdk_config,
            self,
            region: region.to_string(),
            retry: self.org_retry,
            partition: ("config", "base"),
            creds: None
        )
    }

    /// IAM of one account. IAM is global: its one endpoint is signed for
    /// us-east-1 (the partition's own region in China and GovCloud),
    /// whatever the home region, and an endpoint set in the base config
    /// (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_IAM`) still wins. Its request
    /// rate is low and account-wide, so it gets ELB's patient retries, in
    /// a partition of its own per account. `creds` as for [`Clients::ec2`].
    pub fn iam(
        &self,
        account_id: &str,
        creds: Option<SharedCredentialsProvider>,
    ) -> aws_sdk_iam::Client {
        let region = if self.home_region.starts_with("cn-") {
            "cn-north-1"
        } else if self.home_region.starts_with("us-gov-") {
            "us-gov-west-1"
        } else {
            "us-east-1"
        };
        client!(
            aws_sdk_iam,
            self,
            region: region,
            retry: self.elb_retry,
            partition: ("iam", account_id),
            creds: creds
        )
    }

    /// EC2 in one account-region. `creds` is `None` for the caller's own
    /// account, which uses the base credentials untouched.
    pub fn ec2(
        &self,
        account_id: &str,
        region: &str,
        creds: Option<SharedCredentialsProvider>,
    ) -> aws_sdk_ec2::Client {
        client!(
            aws_sdk_ec2,
            self,
            region: region.to_string(),
            retry: self.retry,
            partition: ("ec2", account_id),
            creds: creds
        )
    }

    /// Elastic Load Balancing v2 in one account-region, as [`Clients::ec2`]
    /// (same credentials rule) but with ELB's own retry partition and its
    /// more patient retry policy.
    pub fn elbv2(
        &self,
        account_id: &str,
        region: &str,
        creds: Option<SharedCredentialsProvider>,
    ) -> aws_sdk_elasticloadbalancingv2::Client {
        client!(
            aws_sdk_elasticloadbalancingv2,
            self,
            region: region.to_string(),
            retry: self.elb_retry,
            partition: ("elasticloadbalancing", account_id),
            creds: creds
        )
    }
}

impl Clients {
    /// The Resource Groups Tagging API in one account-region, as
    /// [`Clients::ec2`] (same credentials rule), in its own retry
    /// partition so its throttling never spends EC2's retries.
    pub fn tagging(
        &self,
        account_id: &str,
        region: &str,
        creds: Option<SharedCredentialsProvider>,
    ) -> aws_sdk_resourcegroupstagging::Client {
        client!(
            aws_sdk_resourcegroupstagging,
            self,
            region: region.to_string(),
            retry: self.retry,
            partition: ("tagging", account_id),
            creds: creds
        )
    }
}

impl Clients {
    /// S3 of one account, its calls sent to `region`: the listing from the
    /// home region, each bucket's reads to the bucket's own region (S3
    /// answers a bucket's calls elsewhere with a redirect). The SDK's own
    /// addressing: an endpoint from `AWS_ENDPOINT_URL` that is an IP
    /// address (an emulator on loopback) is addressed by path by the
    /// endpoint rules themselves. Its own retry partition per account.
    pub fn s3(
        &self,
        account_id: &str,
        region: &str,
        creds: Option<SharedCredentialsProvider>,
    ) -> aws_sdk_s3::Client {
        client!(
            aws_sdk_s3,
            self,
            region: region.to_string(),
            retry: self.retry,
            partition: ("s3", account_id),
            creds: creds
        )
    }

    /// DynamoDB in one account-region, as [`Clients::ec2`] (same
    /// credentials rule), in its own retry partition.
    pub fn dynamodb(
        &self,
        account_id: &str,
        region: &str,
        creds: Option<SharedCredentialsProvider>,
    ) -> aws_sdk_dynamodb::Client {
        client!(
            aws_sdk_dynamodb,
            self,
            region: region.to_string(),
            retry: self.retry,
            partition: ("dynamodb", account_id),
            creds: creds
        )
    }

    /// RDS in one account-region, as [`Clients::ec2`] (same credentials
    /// rule), in its own retry partition: RDS throttles its describes per
    /// account-region apart from EC2's.
    pub fn rds(
        &self,
        account_id: &str,
        region: &str,
        creds: Option<SharedCredentialsProvider>,
    ) -> aws_sdk_rds::Client {
        client!(
            aws_sdk_rds,
            self,
            region: region.to_string(),
            retry: self.retry,
            partition: ("rds", account_id),
            creds: creds
        )
    }

    /// Lambda in one account-region, as [`Clients::ec2`] (same credentials
    /// rule), in its own retry partition: its control-plane rate limit is
    /// per account and low, and its throttling must not spend EC2's retries.
    pub fn lambda(
        &self,
        account_id: &str,
        region: &str,
        creds: Option<SharedCredentialsProvider>,
    ) -> aws_sdk_lambda::Client {
        client!(
            aws_sdk_lambda,
            self,
            region: region.to_string(),
            retry: self.retry,
            partition: ("lambda", account_id),
            creds: creds
        )
    }

    /// EKS in one account-region, as [`Clients::lambda`].
    pub fn eks(
        &self,
        account_id: &str,
        region: &str,
        creds: Option<SharedCredentialsProvider>,
    ) -> aws_sdk_eks::Client {
        client!(
            aws_sdk_eks,
            self,
            region: region.to_string(),
            retry: self.retry,
            partition: ("eks", account_id),
            creds: creds
        )
    }
}

/// The base config with one HTTP client for every SDK client of the run,
/// unless it already names one (a test's). Measured with callgrind on a
/// 10-account × 4-region replay (`benches/collect`, `docs/performance.md`):
/// a client built without one makes its own default client, and builds its
/// rustls configuration (a root store that parses every system root
/// certificate again, ~0.7 M instructions) twice: once to validate the
/// client at construction, once more on its first request, with a
/// connection pool of its own. A run builds seven clients per
/// account-region (plus S3's per bucket region), each used for a handful
/// of calls: that was a quarter of the run's instructions. This is the
/// very client the SDK would have made (the default plugin of the
/// config's behaviour version), made and validated once ([`Validated`]):
/// its connector is cached per timeout settings, which every client of a
/// run shares, and its pool keeps connections per endpoint, so the calls
/// are the same.
fn with_shared_http_client(base: SdkConfig) -> SdkConfig {
    if base.http_client().is_some() {
        return base;
    }
    let behavior = base
        .behavior_version()
        .unwrap_or_else(BehaviorVersion::latest);
    let Some(plugin) = default_http_client_plugin_v2(behavior) else {
        return base;
    };
    let empty = RuntimeComponentsBuilder::new("orgscope-shared-http-client");
    let Some(http) = plugin.runtime_components(&empty).http_client() else {
        return base;
    };
    // The default client's validation only loads the system's root
    // certificates early and always succeeds; once is enough.
    if let Err(e) = http.validate_base_client_config(&empty, &ConfigBag::base()) {
        tracing::debug!("the shared HTTP client did not validate ({e}); each client makes its own");
        return base;
    }
    base.into_builder().http_client(Validated(http)).build()
}

/// The run's shared HTTP client, validated once when it was made: every
/// SDK client's construction validates its HTTP client, and the default
/// one answers that by building a whole throwaway rustls connector.
#[derive(Debug)]
struct Validated(SharedHttpClient);

impl HttpClient for Validated {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn validate_base_client_config(
        &self,
        _: &RuntimeComponentsBuilder,
        _: &ConfigBag,
    ) -> Result<(), BoxError> {
        Ok(())
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.validate_final_config(components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// Twice the attempts, except that one attempt (no retry, as asked) stays
/// one.
fn patient(max_attempts: u32) -> u32 {
    match max_attempts {
        0 | 1 => 1,
        n => n.saturating_mul(2),
    }
}

fn partition_for(service: &str, key: &str) -> RetryPartition {
    RetryPartition::new(Cow::Owned(format!("orgscope-{service}-{key}")))
}

/// `sts:GetCallerIdentity` with the base credentials.
pub async fn caller_identity(sts: &aws_sdk_sts::Client) -> Result<CallerIdentity, Failure> {
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| classify(&e))?;
    identity_of(out.account(), out.arn(), out.user_id())
}

/// The caller from `GetCallerIdentity`'s answer, which names all three.
/// Each is load-bearing: the account id is the standalone estate's only
/// account and the management account's fallback, the ARN names the
/// sessions in members' CloudTrail. An answer missing one is refused, not
/// filled with "": a run under an empty account id would collect nothing
/// under a name that means nothing.
fn identity_of(
    account: Option<&str>,
    arn: Option<&str>,
    user_id: Option<&str>,
) -> Result<CallerIdentity, Failure> {
    let field = |value: Option<&str>, name: &str| {
        value
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                Failure::new(
                    CoverageStatus::Error,
                    "IncompleteResponse",
                    format!("GetCallerIdentity answered without the caller's {name}"),
                )
            })
    };
    Ok(CallerIdentity {
        account_id: field(account, "account id")?,
        arn: field(arn, "ARN")?,
        user_id: field(user_id, "user id")?,
    })
}

/// `orgscope-<user>`, where user is the last segment of the caller ARN,
/// reduced to the characters STS accepts in a session name (and its 64
/// character limit), so CloudTrail in the member account says who looked.
pub fn session_name(caller_arn: &str) -> String {
    let user = caller_arn.rsplit(['/', ':']).next().unwrap_or_default();
    let clean: String = user
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c))
        .collect();
    let mut name = if clean.is_empty() {
        "orgscope".to_string()
    } else {
        format!("orgscope-{clean}")
    };
    name.truncate(64);
    name
}

/// One account's session: gets in on first use (an STS role, or an IAM
/// Identity Center permission set) and again whenever the cached
/// credentials are within [`REFRESH_MARGIN`] of expiry.
#[derive(Debug)]
pub struct RoleSession {
    how: Entry,
    cached: tokio::sync::Mutex<Option<Credentials>>,
    /// Bumped each time AWS rejects the cached credentials as expired, so
    /// concurrent callers that saw the same rejection drop them only once.
    generation: std::sync::atomic::AtomicU64,
}

/// How a session gets into its account.
#[derive(Debug)]
enum Entry {
    AssumeRole {
        sts: aws_sdk_sts::Client,
        role_arn: String,
        session_name: String,
        external_id: Option<String>,
        duration: Option<Duration>,
    },
    IdentityCenter {
        access: Arc<SsoAccess>,
        account_id: String,
        permission_set: String,
    },
}

impl RoleSession {
    pub fn new(
        sts: aws_sdk_sts::Client,
        role_arn: String,
        session_name: String,
        opts: &CollectOptions,
    ) -> Arc<RoleSession> {
        Self::with(Entry::AssumeRole {
            sts,
            role_arn,
            session_name,
            external_id: opts.external_id.clone(),
            duration: opts.session_duration,
        })
    }

    /// A session of `permission_set` in `account_id`, through the portal.
    pub fn identity_center(
        access: Arc<SsoAccess>,
        account_id: &str,
        permission_set: &str,
    ) -> Arc<RoleSession> {
        Self::with(Entry::IdentityCenter {
            access,
            account_id: account_id.to_string(),
            permission_set: permission_set.to_string(),
        })
    }

    fn with(how: Entry) -> Arc<RoleSession> {
        Arc::new(RoleSession {
            how,
            cached: tokio::sync::Mutex::new(None),
            generation: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The call that gets into the account, as its coverage cell names it.
    pub fn api(&self) -> Api {
        match self.how {
            Entry::AssumeRole { .. } => Api::ASSUME_ROLE,
            Entry::IdentityCenter { .. } => Api::GET_ROLE_CREDENTIALS,
        }
    }

    /// Current credentials, assuming the role again when needed. The lock is
    /// held across the STS call so concurrent regions share one AssumeRole.
    pub async fn credentials(&self) -> Result<Credentials, Failure> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref()
            && still_fresh(c.expiry(), SystemTime::now())
        {
            return Ok(c.clone());
        }
        let fresh = self.assume().await?;
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    /// Read before a batch of calls, handed to [`RoleSession::expired`].
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// AWS said the credentials of `generation` have expired (before their
    /// stated expiry: revoked, clock skew, a shortened session): forget them
    /// so the next call assumes the role again.
    pub async fn expired(&self, generation: u64) {
        let mut cached = self.cached.lock().await;
        if self.generation() == generation {
            *cached = None;
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    async fn assume(&self) -> Result<Credentials, Failure> {
        let (sts, role_arn, session_name, external_id, duration) = match &self.how {
            Entry::AssumeRole {
                sts,
                role_arn,
                session_name,
                external_id,
                duration,
            } => (sts, role_arn, session_name, external_id, duration),
            Entry::IdentityCenter {
                access,
                account_id,
                permission_set,
            } => return access.role_credentials(account_id, permission_set).await,
        };
        let mut req = sts
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session_name);
        if let Some(id) = external_id {
            req = req.external_id(id);
        }
        if let Some(d) = duration {
            req = req.duration_seconds(i32::try_from(d.as_secs()).unwrap_or(i32::MAX));
        }
        let out = req.send().await.map_err(|e| classify(&e))?;
        let Some(c) = out.credentials() else {
            return Err(Failure::new(
                orgscope_core::model::CoverageStatus::Error,
                "NoCredentials",
                "AssumeRole answered without credentials",
            ));
        };
        let expiry = SystemTime::try_from(*c.expiration()).ok();
        Ok(Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_string()),
            expiry,
            "orgscope-assume-role",
        ))
    }

    /// A credentials provider for SDK clients backed by this session.
    pub fn provider(self: &Arc<Self>) -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(SessionProvider(self.clone()))
    }
}

/// Credentials without an expiry never go stale; others are renewed once
/// they are within the margin.
fn still_fresh(expiry: Option<SystemTime>, now: SystemTime) -> bool {
    match expiry {
        None => true,
        Some(t) => t
            .duration_since(now)
            .map(|left| left > REFRESH_MARGIN)
            .unwrap_or(false),
    }
}

#[derive(Debug)]
struct SessionProvider(Arc<RoleSession>);

impl ProvideCredentials for SessionProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.0
                .credentials()
                .await
                .map_err(|f| CredentialsError::provider_error(f.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_identity_missing_a_field_is_refused() {
        let arn = "arn:aws:iam::123456789012:user/alice";
        let me = identity_of(Some("123456789012"), Some(arn), Some("AIDA1")).expect("complete");
        assert_eq!(me.account_id, "123456789012");
        for (account, arn, user, missing) in [
            (None, Some(arn), Some("AIDA1"), "account id"),
            (Some(""), Some(arn), Some("AIDA1"), "account id"),
            (Some("123456789012"), None, Some("AIDA1"), "ARN"),
            (Some("123456789012"), Some(arn), None, "user id"),
        ] {
            let f = identity_of(account, arn, user).expect_err("incomplete");
            assert_eq!(f.code.as_deref(), Some("IncompleteResponse"));
            assert_eq!(
                f.message.as_deref(),
                Some(format!("GetCallerIdentity answered without the caller's {missing}").as_str())
            );
        }
    }

    #[test]
    fn session_name_is_sanitized() {
        assert_eq!(
            session_name("arn:aws:iam::123456789012:user/alice"),
            "orgscope-alice"
        );
        assert_eq!(
            session_name("arn:aws:sts::1:assumed-role/Admin/bob@example.com"),
            "orgscope-bob@example.com"
        );
        assert_eq!(session_name("arn:aws:iam::1:root"), "orgscope-root");
        assert_eq!(session_name("é"), "orgscope");
        assert_eq!(session_name(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn patient_services_retry_twice_as_often_unless_told_not_to_retry() {
        assert_eq!(patient(0), 1);
        assert_eq!(patient(1), 1);
        assert_eq!(patient(5), 10);
    }

    #[test]
    fn credentials_are_renewed_before_expiry() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert!(still_fresh(None, now));
        assert!(still_fresh(Some(now + Duration::from_secs(3600)), now));
        assert!(!still_fresh(Some(now + Duration::from_secs(60)), now));
        assert!(!still_fresh(Some(now - Duration::from_secs(1)), now));
    }
}
