//! What a user whose sign-in failed is told: one line that says what
//! happened and what to do next, instead of the SDK's credential chain
//! dump (3.7 KB of IMDS warnings for a mistyped profile, issue 17).
//!
//! Two checks run before any AWS call: a `--profile` that is in neither
//! shared file is named as such, with the ones that are. After that the
//! advice is chosen from the classified [`Failure`] of
//! `sts:GetCallerIdentity` (its code, set at the classification boundary
//! from the SDK's typed errors), never from the SDK's wording, except the
//! clock-skew case, where AWS's documented message is the only signal.

use super::classify::Failure;

/// A profile the shared config files do not define: aws-config would fall
/// through its whole chain and end on instance metadata, which says nothing
/// about the real mistake.
pub fn unknown_profile(name: &str, known: &[String]) -> Option<String> {
    if known.iter().any(|k| k == name) {
        return None;
    }
    let there = if known.is_empty() {
        "there are none; create it with `aws configure --profile NAME` or \
         `aws configure sso --profile NAME`"
            .replace("NAME", name)
    } else {
        format!("the profiles there are: {}", known.join(", "))
    };
    Some(format!(
        "no AWS profile named {name:?} in ~/.aws/config or ~/.aws/credentials ({there})"
    ))
}

/// What to say about a failed `sts:GetCallerIdentity` of the caller.
pub fn advice(failure: &Failure, profile: Option<&str>) -> String {
    let code = failure.code.as_deref().unwrap_or("");
    let message = failure.message.as_deref().unwrap_or("");
    let login = match profile {
        Some(p) => format!("`aws sso login --profile {p}`"),
        None => "`aws sso login --profile NAME`".to_string(),
    };
    match code {
        "NoCredentials" => format!(
            "no AWS credentials found (orgscope looked in the environment, {}, \
             web identity, the ECS container and instance metadata). Run \
             `aws configure`, or {login} for IAM Identity Center, or try \
             `orgscope --demo` without AWS",
            match profile {
                Some(p) => format!("the profile {p:?} in ~/.aws/config and ~/.aws/credentials"),
                None => "~/.aws/config and ~/.aws/credentials".to_string(),
            }
        ),
        // The provider's own message says which one failed and why (an
        // expired SSO session says to log in again).
        "CredentialsError" => format!(
            "the credentials could not be loaded: {}. If this is an IAM Identity \
             Center profile, run {login}",
            last_cause(message)
        ),
        "SignatureDoesNotMatch" if message.contains("Signature expired") => {
            "this computer's clock is more than 5 minutes off AWS time, so AWS \
             refuses its signatures: set the clock right (e.g. `timedatectl \
             set-ntp true`) and try again"
                .to_string()
        }
        "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException" => {
            format!(
                "AWS rejected the access key ({code}): it is wrong, deleted or \
             deactivated. Check it with `aws sts get-caller-identity`{}",
                profile.map_or(String::new(), |p| format!(" --profile {p}"))
            )
        }
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => format!(
            "the session credentials have expired ({code}): sign in again \
             ({login} for IAM Identity Center, or refresh the keys)"
        ),
        "Unreachable" | "ConnectTimeout" => format!(
            "the AWS endpoint could not be reached ({}): check the network, \
             a proxy (HTTPS_PROXY) or a custom endpoint (AWS_ENDPOINT_URL)",
            last_cause(message)
        ),
        _ => format!("sts:GetCallerIdentity failed: {failure}"),
    }
}

/// What the user can do about a failed sign-in, offered as a button on the
/// welcome screen beside the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// `aws sso login --profile P`: the IAM Identity Center sign-in of the
    /// profile expired, was revoked or never happened.
    SsoLogin { profile: String },
    /// No AWS credentials at all: look around the demo estate instead.
    TryDemo,
    /// A network problem: the same run again may work.
    Retry,
}

/// The next steps for a failed `sts:GetCallerIdentity`, by the same codes
/// [`advice`] reads. An SSO login is offered only with a profile to log in.
pub fn next_steps(failure: &Failure, profile: Option<&str>) -> Vec<NextStep> {
    let code = failure.code.as_deref().unwrap_or("");
    let login = || {
        profile
            .map(|p| NextStep::SsoLogin {
                profile: p.to_string(),
            })
            .into_iter()
            .collect()
    };
    match code {
        "NoCredentials" => vec![NextStep::TryDemo],
        "CredentialsError" | "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => login(),
        "Unreachable" | "ConnectTimeout" => vec![NextStep::Retry],
        _ => Vec::new(),
    }
}

/// The innermost cause of an `a: b: c` error chain, the part that names
/// the actual problem, without its closing full stop (the advice goes on
/// after it).
pub(crate) fn last_cause(chain: &str) -> &str {
    chain
        .rsplit(": ")
        .next()
        .unwrap_or(chain)
        .trim()
        .trim_end_matches('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use orgscope_core::model::CoverageStatus;

    fn failure(code: &str, message: &str) -> Failure {
        Failure::new(CoverageStatus::Error, code, message)
    }

    #[test]
    fn a_profile_not_in_the_files_is_named_with_the_ones_that_are() {
        let known = vec!["default".to_string(), "prod-admin".to_string()];
        assert_eq!(unknown_profile("prod-admin", &known), None);
        let said = unknown_profile("nope", &known).unwrap_or_default();
        assert!(said.contains("no AWS profile named \"nope\""), "{said}");
        assert!(said.contains("default, prod-admin"), "{said}");
        let none = unknown_profile("nope", &[]).unwrap_or_default();
        assert!(none.contains("aws configure --profile nope"), "{none}");
    }

    #[test]
    fn each_sign_in_failure_says_what_to_do() {
        let cases = [
            (
                failure("NoCredentials", "no credentials found in chain"),
                "aws configure",
            ),
            (failure("NoCredentials", "x"), "orgscope --demo"),
            (
                failure(
                    "CredentialsError",
                    "dispatch failure: other: the SSO session has expired",
                ),
                "aws sso login --profile dev",
            ),
            (
                failure(
                    "SignatureDoesNotMatch",
                    "Signature expired: 20261201T000000Z is now earlier than",
                ),
                "clock",
            ),
            (
                failure("InvalidClientTokenId", "The security token is invalid"),
                "access key",
            ),
            (failure("ExpiredToken", "expired"), "have expired"),
            (
                failure("Unreachable", "dispatch failure: io: Connection refused"),
                "Connection refused",
            ),
            (failure("AccessDenied", "not authorized"), "AccessDenied"),
        ];
        for (f, want) in cases {
            let said = advice(&f, Some("dev"));
            assert!(said.contains(want), "{f}: {said}");
            assert!(!said.contains('\n'), "one line: {said}");
        }
    }

    #[test]
    fn each_sign_in_failure_offers_its_next_step() {
        let login = NextStep::SsoLogin {
            profile: "dev".into(),
        };
        for (code, want) in [
            ("NoCredentials", vec![NextStep::TryDemo]),
            ("CredentialsError", vec![login.clone()]),
            ("ExpiredToken", vec![login.clone()]),
            ("Unreachable", vec![NextStep::Retry]),
            ("AccessDenied", vec![]),
        ] {
            assert_eq!(next_steps(&failure(code, "x"), Some("dev")), want, "{code}");
        }
        // No profile, no login to offer.
        assert_eq!(next_steps(&failure("CredentialsError", "x"), None), vec![]);
    }

    #[test]
    fn the_innermost_cause_is_the_one_shown() {
        assert_eq!(
            last_cause("dispatch failure: io: Connection refused"),
            "Connection refused"
        );
        assert_eq!(last_cause("plain"), "plain");
        assert_eq!(last_cause("provider: token expired."), "token expired");
    }
}
