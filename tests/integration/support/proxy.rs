//! The fault-injecting proxy: a small HTTP/1.1 server on loopback that sits
//! between the AWS SDK (pointed at it as its endpoint) and moto, forwards
//! every request, and — by rules — answers some of them itself with the
//! errors real AWS returns, in the right protocol: EC2's
//! `<Response><Errors>` XML, STS's query `<ErrorResponse>` XML, and
//! Organizations' JSON with `__type`. It can also answer with a recorded
//! response (a shape the emulator cannot produce), delay, hang or drop a
//! request, expire session credentials after a number of requests or a
//! time, and add a fixed latency to everything (the collection benchmark
//! reuses it through `examples/faultproxy.rs`). For the services moto does
//! not have, it plays the service itself once a test sets it: the IAM
//! Identity Center portal (`proxy_sso.rs`) and an AWS Config aggregator
//! (`proxy_config.rs`), the latter after the rules, so they apply to it.
//!
//! A request is classified once: the service and region come from the SigV4
//! credential scope, the action from the form body (`Action=`) or the
//! `X-Amz-Target` header, and the account from the access key — the proxy
//! watches `AssumeRole` / `GetSessionToken` responses go by and remembers
//! which account each issued key belongs to. For `sts:AssumeRole` itself the
//! account is the *target* of the role ARN, so "deny AssumeRole into X" is a
//! rule on account X.
//!
//! The server side parses HTTP/1.1 with `httparse` instead of hyper's server
//! because hyper's `server` feature is off in our dependency tree: turning
//! it on from dev-dependencies would change hyper's feature set for test
//! builds and recompile the whole AWS SDK stack a second time. Forwarding
//! uses hyper's client, whose features are already on.

// The integration tests and `examples/faultproxy.rs` include this module and
// each use a different part of its API.
#![allow(dead_code)]

#[path = "proxy_config.rs"]
mod config;
#[path = "proxy_rules.rs"]
mod rules;
#[path = "proxy_sso.rs"]
mod sso;
#[path = "proxy_wire.rs"]
mod wire;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

// The bench's fault proxy (examples/faultproxy.rs) plays no aggregator.
#[allow(unused_imports)]
pub use config::{ConfigAggregator, SourceStatus};
pub use rules::{Classified, Expiry, Fault, MOTO_BASE_ACCOUNT, Match, Rate, Rule, Rules};
// The bench's fault proxy (examples/faultproxy.rs) plays no portal.
#[allow(unused_imports)]
pub use sso::{PortalAccount, SsoPortal};
use wire::{
    Read, Request, Response, canned_response, credential_scope, error_response, parse_form,
    read_request, rest_op, write_response, xml_text,
};

#[derive(Debug)]
struct Session {
    account: String,
    /// The action that issued the key (`sts:AssumeRole`, `sts:GetSessionToken`).
    origin: String,
    issued: Instant,
    uses: u64,
}

#[derive(Debug, Default)]
struct Counters {
    /// Requests seen per `service:Action`.
    seen: BTreeMap<String, u64>,
    /// Requests seen per (account, `service:Action`).
    seen_by_account: BTreeMap<(String, String), u64>,
    /// Answers the proxy made up, per error code (or `hang`, `drop`).
    injected: BTreeMap<String, u64>,
    /// Requests per (origin of the signing key, `service:Action`); the
    /// origin is `base` for keys no STS answer issued.
    seen_by_origin: BTreeMap<(String, String), u64>,
    /// Every secret key and session token STS handed out.
    secrets: Vec<String>,
}

struct Shared {
    upstream: String,
    base_account: String,
    rules: Mutex<Arc<Rules>>,
    sessions: Mutex<HashMap<String, Session>>,
    counters: Mutex<Counters>,
    /// The IAM Identity Center portal the proxy plays, once a test sets it.
    sso: Mutex<Option<Arc<SsoPortal>>>,
    /// The AWS Config aggregator the proxy plays, once a test sets it.
    config: Mutex<Option<Arc<ConfigAggregator>>>,
    client: Client<HttpConnector, Full<Bytes>>,
    shutdown: watch::Receiver<bool>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking test thread must not turn every later request into a panic.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running proxy; stops (and releases hung requests) when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
}

impl fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultProxy")
            .field("addr", &self.addr)
            .field("upstream", &self.shared.upstream)
            .finish()
    }
}

impl FaultProxy {
    /// Listen on a free loopback port and forward to `upstream`
    /// (e.g. `http://127.0.0.1:5000`).
    pub async fn start(upstream: &str, rules: Rules) -> std::io::Result<FaultProxy> {
        Self::start_on(
            "127.0.0.1:0".parse().map_err(std::io::Error::other)?,
            upstream,
            rules,
        )
        .await
    }

    /// Like [`FaultProxy::start`] on a chosen address (the dev tool).
    pub async fn start_on(
        listen: SocketAddr,
        upstream: &str,
        rules: Rules,
    ) -> std::io::Result<FaultProxy> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let (stop, shutdown) = watch::channel(false);
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            base_account: MOTO_BASE_ACCOUNT.to_string(),
            rules: Mutex::new(Arc::new(rules)),
            sessions: Mutex::new(HashMap::new()),
            counters: Mutex::new(Counters::default()),
            sso: Mutex::new(None),
            config: Mutex::new(None),
            client: Client::builder(TokioExecutor::new()).build_http(),
            shutdown,
        });
        let accept_shared = shared.clone();
        tokio::spawn(async move {
            let mut shutdown = accept_shared.shutdown.clone();
            loop {
                tokio::select! {
                    _ = shutdown.changed() => break,
                    conn = listener.accept() => match conn {
                        Ok((stream, _)) => {
                            let _ = stream.set_nodelay(true);
                            tokio::spawn(serve_connection(stream, accept_shared.clone()));
                        }
                        // Out of file descriptors and the like: keep serving.
                        Err(_) => tokio::task::yield_now().await,
                    },
                }
            }
        });
        Ok(FaultProxy { addr, shared, stop })
    }

    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL` or `endpoint_url`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Play an IAM Identity Center portal (see `proxy_sso.rs`).
    pub fn set_sso_portal(&self, portal: SsoPortal) {
        *lock(&self.shared.sso) = Some(Arc::new(portal));
    }

    /// Play an AWS Config aggregator (see `proxy_config.rs`): every call
    /// to service `config` is answered from it, after the rules.
    pub fn set_config_aggregator(&self, aggregator: ConfigAggregator) {
        *lock(&self.shared.config) = Some(Arc::new(aggregator));
    }

    /// Replace the rules (rule counters start again from zero).
    pub fn set_rules(&self, rules: Rules) {
        *lock(&self.shared.rules) = Arc::new(rules);
    }

    /// The rules in force, e.g. to read how often each fired.
    pub fn rules(&self) -> Arc<Rules> {
        lock(&self.shared.rules).clone()
    }

    /// Requests seen for `service:Action` (faulted or forwarded).
    pub fn seen(&self, action: &str) -> u64 {
        lock(&self.shared.counters)
            .seen
            .get(action)
            .copied()
            .unwrap_or(0)
    }

    /// Requests seen per `service:Action`.
    pub fn seen_all(&self) -> BTreeMap<String, u64> {
        lock(&self.shared.counters).seen.clone()
    }

    /// Requests seen for one account and `service:Action`.
    pub fn seen_for(&self, account: &str, action: &str) -> u64 {
        lock(&self.shared.counters)
            .seen_by_account
            .get(&(account.to_string(), action.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Requests for `service:Action` signed by a key that `origin` issued
    /// (`sts:AssumeRole`, `sts:GetSessionToken`, or `base`).
    pub fn seen_signed_by(&self, origin: &str, action: &str) -> u64 {
        lock(&self.shared.counters)
            .seen_by_origin
            .get(&(origin.to_string(), action.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Every secret access key and session token seen in STS answers, for
    /// tests that prove none of them is ever written anywhere.
    pub fn issued_secrets(&self) -> Vec<String> {
        lock(&self.shared.counters).secrets.clone()
    }

    /// Answers made up by the proxy, per error code (`hang`, `drop`,
    /// `respond` too).
    pub fn injected(&self) -> BTreeMap<String, u64> {
        lock(&self.shared.counters).injected.clone()
    }

    /// The account the proxy attributes to an access key.
    pub fn account_of_key(&self, key: &str) -> Option<String> {
        lock(&self.shared.sessions)
            .get(key)
            .map(|s| s.account.clone())
    }

    /// Zero all request counters.
    pub fn reset_counters(&self) {
        *lock(&self.shared.counters) = Counters::default();
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn serve_connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::new();
    let mut shutdown = shared.shutdown.clone();
    loop {
        let req = tokio::select! {
            _ = shutdown.changed() => return,
            r = read_request(&mut stream, &mut buf) => r,
        };
        let req = match req {
            Read::Request(r) => r,
            Read::Closed => return,
            Read::Bad(why) => {
                let resp = Response {
                    status: 400,
                    headers: vec![("content-type".into(), b"text/plain".to_vec())],
                    body: Bytes::from(why),
                };
                let _ = write_response(&mut stream, &resp, true).await;
                return;
            }
        };
        let close = req.close;
        let outcome = tokio::select! {
            _ = shutdown.changed() => return,
            o = handle(&shared, req) => o,
        };
        match outcome {
            Outcome::Respond(resp) => {
                if !write_response(&mut stream, &resp, close).await || close {
                    return;
                }
            }
            Outcome::Drop => return,
            Outcome::Hang => {
                let _ = shutdown.changed().await;
                return;
            }
        }
    }
}

enum Outcome {
    Respond(Response),
    Drop,
    Hang,
}

/// Classify, count, apply rules, forward, learn keys.
async fn handle(shared: &Shared, req: Request) -> Outcome {
    let portal = lock(&shared.sso).clone();
    if let Some(portal) = portal
        && sso::is_portal_call(&req)
    {
        return Outcome::Respond(answer_portal(shared, &portal, &req).await);
    }
    let form = parse_form(&req.body);
    let c = classify(shared, &req, &form);
    let origin = c
        .access_key
        .as_deref()
        .and_then(|k| lock(&shared.sessions).get(k).map(|s| s.origin.clone()))
        .unwrap_or_else(|| "base".to_string());
    {
        let mut counters = lock(&shared.counters);
        *counters
            .seen_by_origin
            .entry((origin, c.action.clone()))
            .or_default() += 1;
        *counters.seen.entry(c.action.clone()).or_default() += 1;
        *counters
            .seen_by_account
            .entry((c.account.clone(), c.action.clone()))
            .or_default() += 1;
    }
    let rules = lock(&shared.rules).clone();
    if !rules.latency.is_zero() {
        tokio::time::sleep(rules.latency).await;
    }
    if let Some(expiry) = &rules.expiry
        && session_expired(shared, expiry, c.access_key.as_deref())
    {
        let (status, code, message) = expired_error(&c.service);
        return respond_injected(shared, &c, status, code, message);
    }
    for rule in &rules.rules {
        if !rule.when.matches(&c) {
            continue;
        }
        if !rule.fires_on(&c) {
            continue;
        }
        match &rule.fault {
            Fault::Delay(d) => tokio::time::sleep(*d).await,
            Fault::Hang => {
                count_injected(shared, "hang");
                return Outcome::Hang;
            }
            Fault::Drop => {
                count_injected(shared, "drop");
                return Outcome::Drop;
            }
            Fault::Throttle => {
                let (status, code) = throttle_error(&c.service);
                return respond_injected(shared, &c, status, code, "Rate exceeded");
            }
            Fault::Error {
                status,
                code,
                message,
            } => return respond_injected(shared, &c, *status, code, message),
            Fault::Respond { status, body } => {
                count_injected(shared, "respond");
                return Outcome::Respond(canned_response(&c.service, *status, body));
            }
        }
    }
    let aggregator = lock(&shared.config).clone();
    if let Some(aggregator) = aggregator
        && config::is_config_call(&c.service)
    {
        return Outcome::Respond(config::answer(&aggregator, &c.action, &req));
    }
    match forward(shared, &req).await {
        Ok(resp) => {
            if resp.status == 200 {
                learn_session(shared, &c, &resp.body);
            }
            Outcome::Respond(resp)
        }
        Err(e) => Outcome::Respond(Response {
            status: 502,
            headers: vec![("content-type".into(), b"text/plain".to_vec())],
            body: Bytes::from(format!("fault proxy: upstream failed: {e}")),
        }),
    }
}

/// A portal call, counted as `sso:<path>`; credentials are minted in moto.
async fn answer_portal(shared: &Shared, portal: &SsoPortal, req: &Request) -> Response {
    let path = req.target.split('?').next().unwrap_or_default();
    *lock(&shared.counters)
        .seen
        .entry(format!("sso:{path}"))
        .or_default() += 1;
    let (account, role) = match sso::answer(portal, req) {
        sso::Answer::Respond(resp) => return resp,
        sso::Answer::Mint { account, role } => (account, role),
    };
    let mint = sso::mint_request(&account, &role);
    let form = parse_form(&mint.body);
    let c = classify(shared, &mint, &form);
    match forward(shared, &mint).await {
        Ok(resp) if resp.status == 200 => {
            learn_session(shared, &c, &resp.body);
            sso::credentials_answer(&String::from_utf8_lossy(&resp.body))
        }
        Ok(resp) => resp,
        Err(e) => Response {
            status: 502,
            headers: vec![("content-type".into(), b"text/plain".to_vec())],
            body: Bytes::from(format!("fault proxy: minting SSO credentials failed: {e}")),
        },
    }
}

fn count_injected(shared: &Shared, code: &str) {
    *lock(&shared.counters)
        .injected
        .entry(code.to_string())
        .or_default() += 1;
}

fn respond_injected(
    shared: &Shared,
    c: &Classified,
    status: u16,
    code: &str,
    message: &str,
) -> Outcome {
    count_injected(shared, code);
    Outcome::Respond(error_response(&c.service, status, code, message))
}

fn throttle_error(service: &str) -> (u16, &'static str) {
    match service {
        "ec2" => (503, "RequestLimitExceeded"),
        "organizations" => (400, "TooManyRequestsException"),
        // AWS Config's JSON 1.1 throttling error.
        "config" => (400, "ThrottlingException"),
        _ => (400, "Throttling"),
    }
}

/// What each protocol says when temporary credentials have expired.
fn expired_error(service: &str) -> (u16, &'static str, &'static str) {
    match service {
        "ec2" => (400, "RequestExpired", "Request has expired."),
        "organizations" => (
            400,
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ),
        _ => (
            400,
            "ExpiredToken",
            "The security token included in the request is expired",
        ),
    }
}

fn session_expired(shared: &Shared, expiry: &Expiry, key: Option<&str>) -> bool {
    let Some(key) = key else { return false };
    let mut sessions = lock(&shared.sessions);
    let Some(s) = sessions.get_mut(key) else {
        return false;
    };
    if expiry.account.as_deref().is_some_and(|a| a != s.account) {
        return false;
    }
    s.uses += 1;
    expiry.after_requests.is_some_and(|n| s.uses > n)
        || expiry.after.is_some_and(|d| s.issued.elapsed() >= d)
}

async fn forward(shared: &Shared, req: &Request) -> Result<Response, String> {
    let uri = format!("{}{}", shared.upstream, req.target);
    let mut builder = http::Request::builder()
        .method(req.method.as_str())
        .uri(uri);
    for (name, value) in &req.headers {
        if matches!(
            name.to_ascii_lowercase().as_str(),
            "connection" | "keep-alive" | "transfer-encoding" | "expect"
        ) {
            continue;
        }
        builder = builder.header(name.as_str(), value.as_slice());
    }
    let upstream_req = builder
        .body(Full::new(req.body.clone()))
        .map_err(|e| e.to_string())?;
    let resp = shared
        .client
        .request(upstream_req)
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
        .collect();
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn classify(shared: &Shared, req: &Request, form: &HashMap<String, String>) -> Classified {
    let (key, region, mut service) = req
        .header("authorization")
        .and_then(credential_scope)
        .map(|(k, r, s)| (Some(k), r, s))
        .unwrap_or((None, "unknown".to_string(), "unknown".to_string()));
    // The Tagging API signs as `tagging`; IAM and coverage cells name its
    // actions `tag:`, and so do rules and counts here.
    if service == "tagging" {
        service = "tag".to_string();
    }
    let op = if let Some(target) = req.header("x-amz-target") {
        // `AWSOrganizationsV20161128.ListAccounts`
        if service == "unknown" && target.starts_with("AWSOrganizations") {
            service = "organizations".to_string();
        }
        target.rsplit('.').next().unwrap_or(target).to_string()
    } else if service == "s3" {
        wire::s3_operation(&req.method, &req.target)
    } else {
        form.get("Action")
            .cloned()
            .or_else(|| rest_op(&service, &req.method, &req.target).map(str::to_string))
            .unwrap_or_else(|| "Unknown".to_string())
    };
    let action = format!("{service}:{op}");
    let account = if action == "sts:AssumeRole" {
        form.get("RoleArn")
            .and_then(|arn| arn.split(':').nth(4))
            .map(str::to_string)
    } else {
        None
    };
    let account = account
        .or_else(|| {
            key.as_deref()
                .and_then(|k| lock(&shared.sessions).get(k).map(|s| s.account.clone()))
        })
        .unwrap_or_else(|| shared.base_account.clone());
    let fingerprint = {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&account, &region, &action, &req.body[..]).hash(&mut h);
        h.finish()
    };
    Classified {
        service,
        action,
        account,
        region,
        access_key: key,
        fingerprint,
    }
}

/// Remember which account a freshly issued access key belongs to.
fn learn_session(shared: &Shared, c: &Classified, body: &[u8]) {
    if c.action != "sts:AssumeRole" && c.action != "sts:GetSessionToken" {
        return;
    }
    let text = String::from_utf8_lossy(body);
    let Some(key) = xml_text(&text, "AccessKeyId") else {
        return;
    };
    {
        let mut counters = lock(&shared.counters);
        for tag in ["SecretAccessKey", "SessionToken"] {
            if let Some(secret) = xml_text(&text, tag) {
                counters.secrets.push(secret.to_string());
            }
        }
    }
    lock(&shared.sessions).insert(
        key.to_string(),
        Session {
            account: c.account.clone(),
            origin: c.action.clone(),
            issued: Instant::now(),
            uses: 0,
        },
    );
}
