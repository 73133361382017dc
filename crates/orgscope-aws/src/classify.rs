//! Turning an AWS SDK error into a coverage outcome, once, at the `collect`
//! boundary. Everything downstream sees only [`Failure`]: a
//! [`CoverageStatus`] plus the AWS error code and message, so no SDK error
//! type ever reaches the model, the UI or the CLI.
//!
//! The mapping works from the AWS error *code* (the stable, documented part
//! of an error) and falls back to the HTTP status only when a response had
//! no parseable code, e.g. a proxy answering 429 or 403 with an empty body.

use std::error::Error as StdError;

use aws_config::imds::client::error::ImdsError;
use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use orgscope_core::model::CoverageStatus;

/// A classified failure of one AWS call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: CoverageStatus,
    pub code: Option<String>,
    pub message: Option<String>,
}

impl Failure {
    pub fn new(status: CoverageStatus, code: &str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            code: Some(code.to_string()),
            message: Some(message.into()),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(msg) = &self.message {
            write!(f, ": {msg}")?;
        }
        Ok(())
    }
}

/// Status for an AWS error code. Unknown codes are `error`: we never guess
/// that an unfamiliar failure was benign.
pub fn status_for_code(code: &str) -> CoverageStatus {
    match code {
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "UnauthorizedAccess"
        | "AuthFailure"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "MissingAuthenticationToken"
        | "OperationNotPermitted"
        | "Blocked"
        // IAM Identity Center's portal: a sign-in that expired or was
        // revoked, and a permission set not assigned in that account.
        | "UnauthorizedException"
        | "ForbiddenException" => CoverageStatus::Denied,
        "OptInRequired" | "RegionDisabledException" | "InvalidRegion" | "RegionNotEnabled" => {
            CoverageStatus::RegionDisabled
        }
        "RequestLimitExceeded"
        | "Throttling"
        | "ThrottlingException"
        | "ThrottledException"
        | "TooManyRequestsException"
        | "RequestThrottled"
        | "RequestThrottledException"
        | "SlowDown"
        | "PriorRequestNotComplete"
        | "BandwidthLimitExceeded"
        | "EC2ThrottledException"
        | "ProvisionedThroughputExceededException" => CoverageStatus::Throttled,
        "RequestTimeout" | "RequestTimeoutException" | "RequestExpired" => CoverageStatus::Timeout,
        _ => CoverageStatus::Error,
    }
}

/// Status for a bare HTTP status when the body carried no error code.
pub fn status_for_http(status: u16) -> CoverageStatus {
    match status {
        401 | 403 => CoverageStatus::Denied,
        429 => CoverageStatus::Throttled,
        408 | 504 => CoverageStatus::Timeout,
        _ => CoverageStatus::Error,
    }
}

/// Classify any SDK error of any operation.
pub fn classify<E>(err: &SdkError<E, Response>) -> Failure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    match err {
        SdkError::ServiceError(service) => {
            let source = service.err();
            let http = service.raw().status().as_u16();
            match source.code() {
                Some(code) => Failure {
                    status: status_for_code(code),
                    code: Some(code.to_string()),
                    message: Some(
                        source
                            .message()
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("HTTP {http}")),
                    ),
                },
                None => Failure {
                    status: status_for_http(http),
                    code: Some(format!("HTTP{http}")),
                    message: Some(error_chain(source)),
                },
            }
        }
        SdkError::TimeoutError(_) => Failure::new(
            CoverageStatus::Timeout,
            "OperationTimeout",
            "no answer within the operation timeout",
        ),
        SdkError::DispatchFailure(d) => {
            // Before any request goes out the SDK resolves credentials, and
            // a failure there is also a dispatch failure: tell "no
            // credentials anywhere" and "a provider failed" (an expired SSO
            // session) from the network's failures, so sign-in can say
            // what to do about each.
            let (status, code) = match find_source::<CredentialsError>(err) {
                Some(CredentialsError::CredentialsNotLoaded(_)) => {
                    (CoverageStatus::Denied, "NoCredentials")
                }
                // Instance metadata is the chain's last link: when it is
                // the one that failed (IMDS turned off, or refusing us),
                // nothing before it had credentials either.
                Some(_) if find_source::<ImdsError>(err).is_some() => {
                    (CoverageStatus::Denied, "NoCredentials")
                }
                Some(_) => (CoverageStatus::Denied, "CredentialsError"),
                None if d.is_timeout() => (CoverageStatus::Timeout, "ConnectTimeout"),
                None if d.is_io() => (CoverageStatus::Error, "Unreachable"),
                None => (CoverageStatus::Error, "DispatchFailure"),
            };
            Failure::new(status, code, error_chain(err))
        }
        SdkError::ResponseError(r) => {
            let http = r.raw().status().as_u16();
            Failure::new(status_for_http(http), "ResponseError", error_chain(err))
        }
        _ => Failure::new(CoverageStatus::Error, "ClientError", error_chain(err)),
    }
}

/// The first error of type `T` in `err`'s source chain.
fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        cur = e.source();
    }
    None
}

/// `error: cause: cause`, so a connection refused or a TLS failure shows its
/// real reason instead of the SDK's generic "dispatch failure".
fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if parts.last() != Some(&s) {
            parts.push(s);
        }
        cur = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_statuses() {
        use CoverageStatus::*;
        for (code, want) in [
            ("AccessDenied", Denied),
            ("AccessDeniedException", Denied),
            ("UnauthorizedOperation", Denied),
            ("AuthFailure", Denied),
            ("UnauthorizedException", Denied),
            ("ForbiddenException", Denied),
            ("OptInRequired", RegionDisabled),
            ("RegionDisabledException", RegionDisabled),
            ("RequestLimitExceeded", Throttled),
            ("Throttling", Throttled),
            ("ThrottlingException", Throttled),
            ("TooManyRequestsException", Throttled),
            ("RequestTimeout", Timeout),
            ("InternalError", Error),
            ("SomethingNew", Error),
        ] {
            assert_eq!(status_for_code(code), want, "{code}");
        }
        assert_eq!(status_for_http(429), Throttled);
        assert_eq!(status_for_http(403), Denied);
        assert_eq!(status_for_http(504), Timeout);
        assert_eq!(status_for_http(500), Error);
    }

    #[test]
    fn display_is_one_line() {
        let f = Failure::new(CoverageStatus::Denied, "AccessDenied", "not allowed");
        assert_eq!(f.to_string(), "denied (AccessDenied): not allowed");
    }
}
