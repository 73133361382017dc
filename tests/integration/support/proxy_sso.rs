//! An IAM Identity Center portal for the fault proxy: moto has no SSO
//! portal API, so the proxy answers its three read calls itself, in the
//! portal's REST-JSON protocol as AWS documents it (SSO API Reference):
//!
//! - `GET /assignment/accounts?max_result=&next_token=` (ListAccounts):
//!   `{"accountList":[{"accountId","accountName","emailAddress"}],"nextToken"}`
//! - `GET /assignment/roles?account_id=&max_result=&next_token=`
//!   (ListAccountRoles): `{"roleList":[{"roleName","accountId"}],"nextToken"}`
//! - `GET /federation/credentials?account_id=&role_name=`
//!   (GetRoleCredentials): `{"roleCredentials":{"accessKeyId",
//!   "secretAccessKey","sessionToken","expiration"}}`, the expiration in
//!   epoch milliseconds.
//!
//! Every call carries the access token in `x-amz-sso_bearer_token`. Errors
//! are AWS's: 401 `UnauthorizedException` ("Session token not found or
//! invalid") for a token the portal does not know (expired or revoked), 403
//! `ForbiddenException` ("No access") for a permission set not assigned in
//! that account, with the type in `x-amzn-ErrorType` as REST-JSON services
//! send it. The portal pages at its own small page size, so paging is
//! exercised whatever `max_result` asks.
//!
//! Credentials are real moto credentials: the proxy assumes
//! `arn:aws:iam::<account>:role/<permission set>` in moto with the base key
//! (moto routes that key's calls into the account), and learns the key as
//! any other session, so rules and counters see the account.

use bytes::Bytes;

use super::wire::{Request, Response, parse_form, xml_text};

/// One account of the portal, with the permission sets assigned there.
#[derive(Debug, Clone)]
pub struct PortalAccount {
    pub id: String,
    pub name: String,
    pub permission_sets: Vec<String>,
}

/// What the portal knows: the tokens it accepts and the assignments.
#[derive(Debug, Clone)]
pub struct SsoPortal {
    pub tokens: Vec<String>,
    pub accounts: Vec<PortalAccount>,
    /// Entries per page of both listings.
    pub page_size: usize,
}

/// Is this a portal call? (They carry a bearer token, not a signature.)
pub(super) fn is_portal_call(req: &Request) -> bool {
    req.header("x-amz-sso_bearer_token").is_some()
        && (req.target.starts_with("/assignment/") || req.target.starts_with("/federation/"))
}

/// What the portal answers; `Mint` asks the proxy to get moto credentials.
pub(super) enum Answer {
    Respond(Response),
    Mint { account: String, role: String },
}

pub(super) fn answer(portal: &SsoPortal, req: &Request) -> Answer {
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let q = parse_form(query.as_bytes());
    let token = req.header("x-amz-sso_bearer_token").unwrap_or_default();
    if !portal.tokens.iter().any(|t| t == token) {
        return Answer::Respond(error(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        ));
    }
    let page = |from: &str| -> usize { from.parse().unwrap_or(0) };
    match path {
        "/assignment/accounts" => {
            let start = page(q.get("next_token").map(String::as_str).unwrap_or("0"));
            let items: Vec<_> = portal
                .accounts
                .iter()
                .skip(start)
                .take(portal.page_size)
                .map(|a| {
                    serde_json::json!({
                        "accountId": a.id,
                        "accountName": a.name,
                        "emailAddress": format!("{}@example.com", a.name),
                    })
                })
                .collect();
            let next = start + items.len();
            let mut body = serde_json::json!({ "accountList": items });
            if next < portal.accounts.len() {
                body["nextToken"] = next.to_string().into();
            }
            Answer::Respond(json(200, &body))
        }
        "/assignment/roles" => {
            let account = q.get("account_id").cloned().unwrap_or_default();
            let Some(a) = portal.accounts.iter().find(|a| a.id == account) else {
                return Answer::Respond(error(403, "ForbiddenException", "No access"));
            };
            let start = page(q.get("next_token").map(String::as_str).unwrap_or("0"));
            let items: Vec<_> = a
                .permission_sets
                .iter()
                .skip(start)
                .take(portal.page_size)
                .map(|r| serde_json::json!({ "roleName": r, "accountId": a.id }))
                .collect();
            let next = start + items.len();
            let mut body = serde_json::json!({ "roleList": items });
            if next < a.permission_sets.len() {
                body["nextToken"] = next.to_string().into();
            }
            Answer::Respond(json(200, &body))
        }
        "/federation/credentials" => {
            let account = q.get("account_id").cloned().unwrap_or_default();
            let role = q.get("role_name").cloned().unwrap_or_default();
            let assigned = portal
                .accounts
                .iter()
                .any(|a| a.id == account && a.permission_sets.contains(&role));
            if !assigned {
                return Answer::Respond(error(403, "ForbiddenException", "No access"));
            }
            Answer::Mint { account, role }
        }
        _ => Answer::Respond(error(404, "ResourceNotFoundException", "Unknown path")),
    }
}

/// The moto `AssumeRole` request that mints an account's credentials,
/// signed (in name only: moto checks no signature) by the base key.
pub(super) fn mint_request(account: &str, role: &str) -> Request {
    let body = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleSessionName=sso-portal&RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3Arole%2F{role}"
    );
    Request {
        method: "POST".into(),
        target: "/".into(),
        headers: vec![
            (
                "content-type".into(),
                b"application/x-www-form-urlencoded".to_vec(),
            ),
            (
                "authorization".into(),
                b"AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0".to_vec(),
            ),
        ],
        body: Bytes::from(body),
        close: false,
    }
}

/// GetRoleCredentials' answer from moto's AssumeRole answer.
pub(super) fn credentials_answer(assume_role_xml: &str) -> Response {
    let field = |tag: &str| xml_text(assume_role_xml, tag).unwrap_or_default();
    let expiration = time::OffsetDateTime::parse(
        field("Expiration"),
        &time::format_description::well_known::Rfc3339,
    )
    .map(|t| t.unix_timestamp() * 1000)
    .unwrap_or(0);
    json(
        200,
        &serde_json::json!({
            "roleCredentials": {
                "accessKeyId": field("AccessKeyId"),
                "secretAccessKey": field("SecretAccessKey"),
                "sessionToken": field("SessionToken"),
                "expiration": expiration,
            }
        }),
    )
}

fn json(status: u16, body: &serde_json::Value) -> Response {
    Response {
        status,
        headers: vec![("content-type".into(), b"application/json".to_vec())],
        body: Bytes::from(body.to_string()),
    }
}

fn error(status: u16, code: &str, message: &str) -> Response {
    let mut resp = json(status, &serde_json::json!({ "message": message }));
    resp.headers
        .push(("x-amzn-errortype".into(), code.as_bytes().to_vec()));
    resp
}
