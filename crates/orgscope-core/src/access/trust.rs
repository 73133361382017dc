//! Who may assume a role: a parsed trust policy classified against the
//! organization into [`TrustEntry`]s, one per principal that can get in.
//!
//! The question a reviewer asks is not "what does the JSON say" but "from
//! where": the same account, another account of the organization (named,
//! so `payments-test` and `payments-prod` compare), an account **outside**
//! it (by id), an AWS service, a SAML or OIDC provider, or anyone. Account
//! principals come in every spelling AWS accepts — `123456789012`,
//! `arn:aws:iam::123456789012:root`, a role or user ARN, other partitions
//! (`arn:aws-us-gov:…`) — and all name the account. A wildcard in the
//! account part, `"*"`, `{"AWS": "*"}`, or an `Allow` with `NotPrincipal`
//! (everyone but a few) is anyone.
//!
//! Only statements whose actions can assume the role count: `Action`
//! covering `sts:AssumeRole`, `sts:AssumeRoleWithSAML` or
//! `sts:AssumeRoleWithWebIdentity` (so `*`, `sts:*`, `sts:AssumeRole*`),
//! or a `NotAction` that does not exclude all three. An unconditional
//! `Deny` removes what it denies: its principals' entries (a whole account
//! for an account principal, everything for `*`), or, with `NotPrincipal`,
//! every entry but those. A conditional `Deny` removes nothing: whether it
//! applies depends on the request.
//!
//! The conditions that change the verdict are kept with each entry
//! ([`Guards`]): `sts:ExternalId` (the confused-deputy guard a third party
//! should use), `aws:PrincipalOrgID`/`aws:PrincipalOrgPaths` (only
//! principals of the organization), `aws:PrincipalAccount` (only those of
//! the named accounts), `aws:SourceAccount`/`aws:SourceArn`
//! (which resource a service acts for), MFA, and whether other conditions
//! restrict it further.

use std::collections::HashMap;

use super::policy::{Effect, Policy, Principal, Statement};

/// The accounts of the organization: id → name.
#[derive(Debug, Clone, Default)]
pub struct Org<'e> {
    names: HashMap<&'e str, &'e str>,
}

impl<'e> Org<'e> {
    pub fn new(accounts: impl IntoIterator<Item = (&'e str, &'e str)>) -> Org<'e> {
        Org {
            names: accounts.into_iter().collect(),
        }
    }

    /// The organization of an estate: its accounts.
    pub fn of(estate: &'e crate::model::Estate) -> Org<'e> {
        Org::new(
            estate
                .accounts
                .iter()
                .map(|a| (a.id.as_str(), a.name.as_str())),
        )
    }

    pub fn name(&self, id: &str) -> Option<&'e str> {
        self.names.get(id).copied()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.names.contains_key(id)
    }
}

/// Where a principal that may assume the role comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(tag = "class", rename_all = "kebab-case")]
pub enum Truster {
    /// The role's own account.
    SameAccount { id: String, name: Option<String> },
    /// Another account of the organization.
    Org { id: String, name: String },
    /// An account the organization does not have.
    Outside { id: String },
    /// An AWS service (`ec2.amazonaws.com`).
    Service { name: String },
    /// A SAML or OIDC provider, by its name (`Okta`,
    /// `token.actions.githubusercontent.com`).
    Federated { provider: String },
    /// Anyone: `*`, an ARN with a wildcard account, `Allow` with
    /// `NotPrincipal`.
    Anyone,
    /// A principal that names no account (a deleted principal's unique id
    /// `AROA…`, a canonical user): kept as written.
    Unknown { principal: String },
}

impl Truster {
    /// The class in `trusted_by`.
    pub fn class(&self) -> &'static str {
        match self {
            Truster::SameAccount { .. } => "same-account",
            Truster::Org { .. } => "org",
            Truster::Outside { .. } => "outside",
            Truster::Service { .. } => "service",
            Truster::Federated { .. } => "federated",
            Truster::Anyone => "public",
            Truster::Unknown { .. } => "unknown",
        }
    }

    /// The account id behind it, for account trusters.
    pub fn account_id(&self) -> Option<&str> {
        match self {
            Truster::SameAccount { id, .. } | Truster::Org { id, .. } | Truster::Outside { id } => {
                Some(id)
            }
            _ => None,
        }
    }

    /// `account:NAME`, `outside:ID`, `service:NAME`, `federated:PROVIDER`,
    /// `anyone`, `unknown:PRINCIPAL`.
    pub fn label(&self) -> String {
        match self {
            Truster::SameAccount { id, name } => {
                format!("account:{}", name.as_deref().unwrap_or(id))
            }
            Truster::Org { name, .. } => format!("account:{name}"),
            Truster::Outside { id } => format!("outside:{id}"),
            Truster::Service { name } => format!("service:{name}"),
            Truster::Federated { provider } => format!("federated:{provider}"),
            Truster::Anyone => "anyone".to_string(),
            Truster::Unknown { principal } => format!("unknown:{principal}"),
        }
    }
}

/// The conditions of a trust statement that change what it means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Guards {
    pub external_id: bool,
    /// `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths`.
    pub principal_org: bool,
    /// `aws:PrincipalAccount`: only principals of the named accounts.
    pub principal_account: bool,
    /// `aws:SourceAccount` or `aws:SourceOrgID`.
    pub source_account: bool,
    pub source_arn: bool,
    /// `aws:MultiFactorAuthPresent` required true.
    pub mfa: bool,
    /// Some other condition restricts it (`aws:SourceIp`, a SAML
    /// audience…).
    pub other: bool,
}

impl Guards {
    pub(crate) fn of(s: &Statement) -> Guards {
        let mut g = Guards::default();
        for c in &s.conditions {
            let key = c.key.to_ascii_lowercase();
            match key.as_str() {
                "sts:externalid" => g.external_id = true,
                "aws:principalorgid" | "aws:principalorgpaths" => g.principal_org = true,
                "aws:principalaccount" => g.principal_account = true,
                "aws:sourceaccount" | "aws:sourceorgid" => g.source_account = true,
                "aws:sourcearn" => g.source_arn = true,
                "aws:multifactorauthpresent"
                    if c.operator.to_ascii_lowercase().starts_with("bool")
                        && c.values.iter().any(|v| v.eq_ignore_ascii_case("true")) =>
                {
                    g.mfa = true
                }
                _ => g.other = true,
            }
        }
        g
    }

    /// Is a public trust fenced in to the organization or named accounts?
    pub fn fences_public(&self) -> bool {
        self.principal_org || self.principal_account || self.source_account
    }

    /// The names in brackets after an entry (`ExternalId, MFA`).
    pub(crate) fn names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        for (on, name) in [
            (self.external_id, "ExternalId"),
            (self.principal_org, "PrincipalOrgID"),
            (self.principal_account, "PrincipalAccount"),
            (self.source_account, "SourceAccount"),
            (self.source_arn, "SourceArn"),
            (self.mfa, "MFA"),
            (self.other, "conditions"),
        ] {
            if on {
                v.push(name);
            }
        }
        v
    }
}

/// One way into a role.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct TrustEntry {
    pub truster: Truster,
    pub guards: Guards,
}

impl TrustEntry {
    /// The `trust` field's item: the truster's label, then the guards in
    /// brackets — an outside account without an ExternalId says so
    /// (`outside:999999999999 [no ExternalId]`).
    pub fn label(&self) -> String {
        let mut names = self.guards.names();
        if matches!(self.truster, Truster::Outside { .. }) && !self.guards.external_id {
            names.insert(0, "no ExternalId");
        }
        let mut out = self.truster.label();
        if !names.is_empty() {
            out.push_str(" [");
            out.push_str(&names.join(", "));
            out.push(']');
        }
        out
    }

    /// Outside the organization and not guarded by an ExternalId (nor
    /// fenced by `aws:PrincipalOrgID`, which an outside account cannot
    /// satisfy).
    pub fn external_without_external_id(&self) -> bool {
        matches!(self.truster, Truster::Outside { .. })
            && !self.guards.external_id
            && !self.guards.principal_org
    }

    /// Anyone, not fenced in to the organization or an account.
    pub fn is_public(&self) -> bool {
        self.truster == Truster::Anyone && !self.guards.fences_public()
    }

    /// From an account other than the role's (or anyone).
    pub fn from_other_account(&self) -> bool {
        matches!(
            self.truster,
            Truster::Org { .. } | Truster::Outside { .. } | Truster::Anyone
        )
    }
}

const ASSUME_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];

/// Can the statement's actions assume a role?
fn assumes(s: &Statement) -> bool {
    ASSUME_ACTIONS.iter().any(|a| s.covers_action(a))
}

/// What one principal names, before Allow and Deny are weighed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    Anyone,
    /// An account, with the exact principal (an ARN, or the account's
    /// root when given as an id or `:root`).
    Account {
        id: String,
        exact: Option<String>,
    },
    Service(String),
    Federated(String),
    Unknown(String),
}

/// The account an AWS principal names: `123456789012`, or an ARN
/// `arn:PARTITION:SERVICE::ACCOUNT:…`. `None` for anything else.
fn aws_principal(p: &str) -> Who {
    if p == "*" {
        return Who::Anyone;
    }
    if is_account_id(p) {
        return Who::Account {
            id: p.to_string(),
            exact: None,
        };
    }
    let parts: Vec<&str> = p.splitn(6, ':').collect();
    if parts.len() == 6 && parts[0] == "arn" {
        let account = parts[4];
        if account.contains(['*', '?']) {
            return Who::Anyone;
        }
        if is_account_id(account) {
            let root = parts[5] == "root";
            return Who::Account {
                id: account.to_string(),
                exact: (!root).then(|| format!("{}:{}", parts[2], parts[5])),
            };
        }
    }
    if p.contains(['*', '?']) {
        return Who::Anyone;
    }
    Who::Unknown(p.to_string())
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A federated principal's provider name: the part after
/// `saml-provider/` or `oidc-provider/` of an ARN, else as written
/// (`accounts.google.com`).
fn provider_name(p: &str) -> String {
    for marker in [":saml-provider/", ":oidc-provider/"] {
        if let Some(i) = p.find(marker) {
            return p[i + marker.len()..].to_string();
        }
    }
    p.to_string()
}

fn who(p: &Principal) -> Who {
    match p {
        Principal::Any => Who::Anyone,
        Principal::Aws(v) => aws_principal(v),
        Principal::Service(s) => Who::Service(s.clone()),
        Principal::Federated(f) => Who::Federated(provider_name(f)),
        Principal::CanonicalUser(c) => Who::Unknown(format!("canonical-user:{c}")),
    }
}

/// Does a Deny of `denied` cover the allowed `allowed`? An account denies
/// every principal of it; an exact ARN only itself; anyone everything.
fn denies(denied: &Who, allowed: &Who) -> bool {
    match (denied, allowed) {
        (Who::Anyone, _) => true,
        (Who::Account { id: d, exact: None }, Who::Account { id: a, .. }) => d == a,
        (
            Who::Account {
                id: d,
                exact: Some(de),
            },
            Who::Account {
                id: a,
                exact: Some(ae),
            },
        ) => d == a && de == ae,
        (a, b) => a == b,
    }
}

/// Classify the trust policy of a role in account `own` against `org`.
/// Entries are sorted and unique.
pub fn classify(policy: &Policy, own: &str, org: &Org) -> Vec<TrustEntry> {
    classify_by(policy, own, org, assumes, assumes)
}

/// The principals `policy` lets in, classified as for a trust policy, for
/// any resource policy: `allows` picks the `Allow` statements that grant
/// what matters, `denies_all` the `Deny` statements that take all of it
/// away (a bucket policy denying only `s3:DeleteBucket` to everyone does
/// not unshare the bucket).
pub(crate) fn classify_by(
    policy: &Policy,
    own: &str,
    org: &Org,
    allows: impl Fn(&Statement) -> bool,
    denies_all: impl Fn(&Statement) -> bool,
) -> Vec<TrustEntry> {
    let assume: Vec<&Statement> = policy
        .statements
        .iter()
        .filter(|s| match s.effect {
            Effect::Allow => allows(s),
            Effect::Deny => denies_all(s),
        })
        .collect();
    // Unconditional denies: principal sets, negated or not.
    let denials: Vec<(bool, Vec<Who>)> = assume
        .iter()
        .filter(|s| s.effect == Effect::Deny && s.conditions.is_empty())
        .filter_map(|s| s.principal.as_ref())
        .map(|p| (p.negated, p.items.iter().map(who).collect()))
        .collect();
    let denied = |w: &Who| {
        denials.iter().any(|(negated, list)| {
            let listed = list.iter().any(|d| denies(d, w));
            // NotPrincipal: everyone but the listed is denied. A listed
            // account (as a root or id) spares only itself; anyone we
            // cannot place is denied.
            if *negated { !listed } else { listed }
        })
    };
    let mut out = Vec::new();
    for s in assume.iter().filter(|s| s.effect == Effect::Allow) {
        let Some(p) = &s.principal else { continue };
        let guards = Guards::of(s);
        let mut whos: Vec<Who> = if p.negated {
            vec![Who::Anyone]
        } else {
            p.items.iter().map(who).collect()
        };
        // Anyone, less an unconditional "Deny everyone but these": these.
        if whos.contains(&Who::Anyone)
            && let Some((_, spared)) = denials.iter().find(|(negated, _)| *negated)
        {
            whos.retain(|w| *w != Who::Anyone);
            whos.extend(spared.iter().filter(|w| **w != Who::Anyone).cloned());
        }
        for w in whos {
            if denied(&w) {
                continue;
            }
            let truster = match w {
                Who::Anyone => Truster::Anyone,
                Who::Account { id, .. } if id == own => Truster::SameAccount {
                    name: org.name(&id).map(str::to_string),
                    id,
                },
                Who::Account { id, .. } => match org.name(&id) {
                    Some(name) => Truster::Org {
                        name: name.to_string(),
                        id,
                    },
                    None => Truster::Outside { id },
                },
                Who::Service(name) => Truster::Service { name },
                Who::Federated(provider) => Truster::Federated { provider },
                Who::Unknown(principal) => Truster::Unknown { principal },
            };
            out.push(TrustEntry { truster, guards });
        }
    }
    out.sort();
    out.dedup();
    out
}
