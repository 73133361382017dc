//! Fault injection: the proxy itself, driven with the real AWS SDK against
//! moto (each fault must reach the SDK as the error code real AWS sends, so
//! the collector's classification is tested against the real wire shapes),
//! and then the fault matrix of issue 6 against a seeded estate.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_ec2::error::ProvideErrorMetadata;

use crate::support::moto::Moto;
use crate::support::proxy::{Expiry, Fault, FaultProxy, Match, Rate, Rule, Rules};

mod matrix;

const MEMBER_A: &str = "111111111111";
const MEMBER_B: &str = "222222222222";

/// SDK config pointed at the proxy: quick retries so retried faults cost
/// milliseconds, and a short attempt timeout so a hang ends by construction.
async fn sdk_via(proxy: &FaultProxy, max_attempts: u32) -> SdkConfig {
    sdk_via_with_timeout(proxy, max_attempts, Duration::from_secs(30)).await
}

/// As [`sdk_via`] with a chosen per-attempt timeout. moto's first call in
/// an account-region creates its default VPC and can take seconds on a busy
/// machine, so only tests about hangs use a short one.
async fn sdk_via_with_timeout(
    proxy: &FaultProxy,
    max_attempts: u32,
    attempt: Duration,
) -> SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(proxy.endpoint())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::for_tests())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(max_attempts)
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(attempt)
                .build(),
        )
        .load()
        .await
}

/// EC2 client for `account` in `region`, with credentials from AssumeRole
/// through the proxy (so the proxy learns the key's account).
async fn ec2_as(base: &SdkConfig, account: &str, region: &str) -> aws_sdk_ec2::Client {
    let sts = aws_sdk_sts::Client::new(base);
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/orgscope-reader"))
        .role_session_name("faults")
        .send()
        .await
        .expect("assume role through proxy");
    let c = out.credentials().expect("credentials");
    let creds = aws_credential_types::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "test",
    );
    let conf = aws_sdk_ec2::config::Builder::from(base)
        .credentials_provider(creds)
        .region(aws_config::Region::new(region.to_string()))
        .build();
    aws_sdk_ec2::Client::from_conf(conf)
}

fn code<E: ProvideErrorMetadata>(e: &E) -> String {
    e.code().unwrap_or("(no code)").to_string()
}

#[tokio::test]
async fn proxy_forwards_and_attributes_requests_to_the_assumed_account() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    let base = sdk_via(&proxy, 1).await;
    let ec2 = ec2_as(&base, MEMBER_A, "eu-west-1").await;
    let vpcs = ec2.describe_vpcs().send().await.expect("describe vpcs");
    // moto creates the default VPC of an account-region on first touch.
    assert_eq!(vpcs.vpcs().len(), 1);
    assert_eq!(proxy.seen("sts:AssumeRole"), 1);
    assert_eq!(proxy.seen_for(MEMBER_A, "ec2:DescribeVpcs"), 1);
    assert_eq!(proxy.seen_for(MEMBER_A, "sts:AssumeRole"), 1);
    // Base credentials stay the management account.
    let me = aws_sdk_sts::Client::new(&base)
        .get_caller_identity()
        .send()
        .await
        .expect("caller");
    assert_eq!(me.account(), Some("123456789012"));
    assert_eq!(proxy.seen_for("123456789012", "sts:GetCallerIdentity"), 1);
    assert!(proxy.injected().is_empty());
}

#[tokio::test]
async fn proxy_denies_assume_role_for_chosen_accounts_only() {
    let moto = Moto::start();
    let rules = Rules::none().with(Rule::deny_assume_role(MEMBER_B));
    let proxy = FaultProxy::start(&moto.endpoint(), rules)
        .await
        .expect("proxy");
    let base = sdk_via(&proxy, 3).await;
    let sts = aws_sdk_sts::Client::new(&base);
    let denied = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MEMBER_B}:role/r"))
        .role_session_name("s")
        .send()
        .await
        .expect_err("denied");
    assert_eq!(code(&denied), "AccessDenied");
    assert!(
        denied
            .message()
            .is_some_and(|m| m.contains("not authorized")),
        "{denied:?}"
    );
    // AccessDenied is not retryable: exactly one attempt.
    assert_eq!(proxy.seen_for(MEMBER_B, "sts:AssumeRole"), 1);
    let ec2 = ec2_as(&base, MEMBER_A, "us-east-1").await;
    ec2.describe_vpcs()
        .send()
        .await
        .expect("member A still works");
}

#[tokio::test]
async fn proxy_region_faults_reach_the_sdk_as_aws_error_codes() {
    let moto = Moto::start();
    let rules = Rules::none()
        .with(Rule::auth_failure(MEMBER_A, "ap-east-1"))
        .with(Rule::opt_in_required(MEMBER_A, "me-south-1"))
        .with(Rule::unauthorized_region("sa-east-1"));
    let proxy = FaultProxy::start(&moto.endpoint(), rules)
        .await
        .expect("proxy");
    let base = sdk_via(&proxy, 3).await;
    for (region, want) in [
        ("ap-east-1", "AuthFailure"),
        ("me-south-1", "OptInRequired"),
        ("sa-east-1", "UnauthorizedOperation"),
    ] {
        let ec2 = ec2_as(&base, MEMBER_A, region).await;
        let err = ec2
            .describe_instances()
            .max_results(1000)
            .send()
            .await
            .expect_err(region);
        assert_eq!(code(&err), want, "{region}");
        // The same region in another account is untouched, except the
        // SCP-blocked region which is blocked for everyone.
        let other = ec2_as(&base, MEMBER_B, region).await;
        let res = other.describe_instances().max_results(1000).send().await;
        assert_eq!(res.is_err(), region == "sa-east-1", "{region}");
    }
    assert_eq!(proxy.injected().get("AuthFailure"), Some(&1));
    assert_eq!(proxy.injected().get("OptInRequired"), Some(&1));
    assert_eq!(proxy.injected().get("UnauthorizedOperation"), Some(&2));
}

#[tokio::test]
async fn proxy_throttles_each_service_in_its_own_protocol() {
    let moto = Moto::start();
    let rules = Rules::none()
        .with(Rule::throttle(
            Match::any().service("ec2").account(MEMBER_A),
        ))
        .with(Rule::throttle(Match::any().action("sts:GetCallerIdentity")))
        .with(Rule::throttle(Match::any().service("organizations")));
    let proxy = FaultProxy::start(&moto.endpoint(), rules)
        .await
        .expect("proxy");
    let base = sdk_via(&proxy, 3).await;
    let ec2 = ec2_as(&base, MEMBER_A, "us-east-1").await;
    let err = ec2.describe_vpcs().send().await.expect_err("throttled");
    assert_eq!(code(&err), "RequestLimitExceeded");
    // Throttling is retried: all three attempts reached the proxy.
    assert_eq!(proxy.seen_for(MEMBER_A, "ec2:DescribeVpcs"), 3);
    let err = aws_sdk_sts::Client::new(&base)
        .get_caller_identity()
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(code(&err), "Throttling");
    let err = aws_sdk_organizations::Client::new(&base)
        .list_roots()
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(code(&err), "TooManyRequestsException");
    assert_eq!(proxy.seen("organizations:ListRoots"), 3);
    // Another account's EC2 is not throttled.
    let ec2_b = ec2_as(&base, MEMBER_B, "us-east-1").await;
    ec2_b.describe_vpcs().send().await.expect("member B");
}

#[tokio::test]
async fn proxy_throttles_at_a_deterministic_rate_that_retries_absorb() {
    let moto = Moto::start();
    let rules = Rules::none()
        .with(Rule::throttle(Match::any().service("ec2")).rate(Rate { num: 3, den: 10 }));
    let proxy = FaultProxy::start(&moto.endpoint(), rules)
        .await
        .expect("proxy");
    let base = sdk_via(&proxy, 3).await;
    let ec2 = ec2_as(&base, MEMBER_A, "us-east-1").await;
    for _ in 0..20 {
        ec2.describe_vpcs()
            .send()
            .await
            .expect("30% throttling is absorbed by retries");
    }
    let seen = proxy.seen("ec2:DescribeVpcs");
    let throttled = proxy.injected().get("RequestLimitExceeded").copied();
    // 20 successes plus one retry per throttle; 30% of first attempts
    // throttled, and every retry went through.
    assert_eq!(Some(seen - 20), throttled);
    assert_eq!(throttled, Some(20 * 30 / 100));
}

#[tokio::test]
async fn proxy_expires_session_keys_after_n_requests() {
    let moto = Moto::start();
    let rules = Rules::none().expire(Expiry {
        after_requests: Some(2),
        ..Expiry::default()
    });
    let proxy = FaultProxy::start(&moto.endpoint(), rules)
        .await
        .expect("proxy");
    let base = sdk_via(&proxy, 1).await;
    let ec2 = ec2_as(&base, MEMBER_A, "us-east-1").await;
    ec2.describe_vpcs().send().await.expect("first");
    ec2.describe_vpcs().send().await.expect("second");
    let err = ec2.describe_vpcs().send().await.expect_err("expired");
    assert_eq!(code(&err), "RequestExpired");
    // A fresh session works again; the base credentials never expire.
    let fresh = ec2_as(&base, MEMBER_A, "us-east-1").await;
    fresh.describe_vpcs().send().await.expect("fresh key");
    for _ in 0..3 {
        aws_sdk_sts::Client::new(&base)
            .get_caller_identity()
            .send()
            .await
            .expect("base keys do not expire");
    }
}

#[tokio::test]
async fn proxy_hangs_and_drops_end_in_sdk_errors_not_waits() {
    let moto = Moto::start();
    let rules = Rules::none()
        .with(Rule::new(
            Match::any().service("ec2").region("eu-north-1"),
            Fault::Hang,
        ))
        .with(Rule::new(
            Match::any().service("ec2").region("eu-south-1"),
            Fault::Drop,
        ))
        .with(Rule::new(
            Match::any().service("ec2").region("eu-west-3"),
            Fault::Delay(Duration::from_millis(20)),
        ));
    let proxy = FaultProxy::start(&moto.endpoint(), rules)
        .await
        .expect("proxy");
    let base = sdk_via_with_timeout(&proxy, 2, Duration::from_millis(1500)).await;
    // The proxy answers before moto is touched, so 1.5 s is plenty here.
    let hung = ec2_as(&base, MEMBER_A, "eu-north-1").await;
    let err = hung.describe_vpcs().send().await.expect_err("hang");
    // The attempt timeout (1.5 s, set in sdk_via) ended it, once per attempt.
    assert!(
        matches!(err, aws_sdk_ec2::error::SdkError::TimeoutError(_)),
        "{err:?}"
    );
    assert_eq!(proxy.injected().get("hang"), Some(&2));
    let dropped = ec2_as(&base, MEMBER_A, "eu-south-1").await;
    let err = dropped.describe_vpcs().send().await.expect_err("drop");
    assert!(
        matches!(
            err,
            aws_sdk_ec2::error::SdkError::DispatchFailure(_)
                | aws_sdk_ec2::error::SdkError::ResponseError(_)
        ),
        "{err:?}"
    );
    assert_eq!(proxy.injected().get("drop"), Some(&2));
    let patient = sdk_via(&proxy, 1).await;
    let slow = ec2_as(&patient, MEMBER_A, "eu-west-3").await;
    slow.describe_vpcs()
        .send()
        .await
        .expect("delay then forward");
}
