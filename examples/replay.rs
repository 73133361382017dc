//! Record-and-replay AWS responder for the collection benchmark
//! (`benches/collect/`). Real AWS is latency-bound with effectively
//! unlimited capacity; moto answers ~150 requests/s on the bench machines,
//! so a benchmark through moto measures moto. This responder sits in front
//! of moto on 127.0.0.1: in the *record* phase it forwards every request
//! and keeps the answer, keyed by (account, region, service, action,
//! parameters minus volatile ones); in the *replay* phase it answers from
//! memory after a fixed latency, minting fresh credentials for
//! `sts:AssumeRole` and mapping them back to their account.
//!
//! The account of a request is the account its access key was handed out
//! for (by moto while recording, by this responder while replaying); any
//! other key is the caller's base key, i.e. the management account.
//! Region and service come from the SigV4 credential scope. Signatures,
//! dates and session tokens, which differ with every session, are never
//! part of the key.
//!
//! The action and parameters depend on the protocol:
//! - JSON 1.0/1.1 (DynamoDB, the Tagging API, Organizations): the
//!   `X-Amz-Target` header and the body, its keys sorted;
//! - query (EC2, ELBv2, IAM, RDS, STS): the `Action` and every other form
//!   parameter of the body and query string, sorted, minus [`VOLATILE`];
//! - REST (Lambda, EKS, S3): method, host, path, the sorted query
//!   parameters (S3's `?versioning`-style sub-resources are keys without
//!   values) and a hash of the body when there is one. The host is kept
//!   because a virtual-hosted S3 request names its bucket there; with an
//!   IP endpoint, as in the benchmark, the SDKs and botocore address
//!   buckets path-style (`/BUCKET?versioning`), the host is the
//!   responder's own and the bucket is in the path. Counters name a REST
//!   call by method and path with its ids left out ([`rest_label`]).
//!
//! The HTTP/1.1 server side is a small hand-written loop over `httparse`
//! rather than hyper's server: enabling hyper's `server` feature would
//! change hyper's feature set and recompile the whole AWS SDK for every
//! test build of the project. Upstream forwarding uses hyper's client, with
//! exactly the features the SDK already enables.
//!
//! Control endpoints (not counted as calls):
//! - `GET  /__replay/stats`  calls, misses, peak in-flight, calls per action (JSON)
//! - `POST /__replay/reset`  zero the counters
//! - `POST /__replay/replay?latency_ms=N`  switch to the replay phase
//! - `POST /__replay/record` switch (back) to the record phase
//!
//! Usage: `replay serve --listen 127.0.0.1:PORT --upstream http://127.0.0.1:MOTO
//! [--latency-ms 100]`, and `replay load --target 127.0.0.1:PORT
//! [--connections 64] [--seconds 5]` to measure the responder's own capacity.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head and body accepted: AWS describe requests are tiny.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 8 * 1024 * 1024;

/// Query-protocol parameters that differ between runs or clients without
/// changing the answer.
const VOLATILE: [&str; 5] = [
    "Version",
    "RoleSessionName",
    "DurationSeconds",
    "ExternalId",
    "ClientToken",
];

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match args.first().map(String::as_str) {
        Some("serve") => rt.block_on(serve(ServeArgs::parse(&args[1..])?)),
        Some("load") => rt.block_on(load(LoadArgs::parse(&args[1..])?)),
        _ => Err(USAGE.into()),
    }
}

const USAGE: &str = "usage: replay serve --listen ADDR [--upstream URL] [--latency-ms N]\n       \
                     replay load --target ADDR [--connections N] [--seconds N]";

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn parse_or<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, BoxError> {
    match flag(args, name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name}: cannot parse {v:?}\n{USAGE}").into()),
    }
}

struct ServeArgs {
    listen: SocketAddr,
    upstream: Option<String>,
    latency: Duration,
}

impl ServeArgs {
    fn parse(args: &[String]) -> Result<ServeArgs, BoxError> {
        let listen: SocketAddr = parse_or(args, "--listen", "127.0.0.1:0".parse()?)?;
        if !listen.ip().is_loopback() {
            return Err("--listen must be a loopback address".into());
        }
        Ok(ServeArgs {
            listen,
            upstream: flag(args, "--upstream").map(|u| u.trim_end_matches('/').to_string()),
            latency: Duration::from_millis(parse_or(args, "--latency-ms", 100u64)?),
        })
    }
}

/// A recorded answer, replayed byte for byte.
struct Recorded {
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
}

/// One parsed HTTP request.
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Counters {
    calls: AtomicU64,
    misses: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    /// Per `service:Action`: calls, and seconds since the last reset of the
    /// first and last call, which shows when each phase of a run happened.
    by_action: Mutex<BTreeMap<String, (u64, f64, f64)>>,
    since: Mutex<Option<Instant>>,
}

struct State {
    upstream: Option<String>,
    client: Client<HttpConnector, Full<Bytes>>,
    replaying: AtomicBool,
    latency_ms: AtomicU64,
    cache: RwLock<HashMap<String, Arc<Recorded>>>,
    /// Access key → account id, for keys handed out by moto or by us.
    keys: RwLock<HashMap<String, String>>,
    /// Account id → a key moto knows for it, to forward replay misses.
    moto_keys: RwLock<HashMap<String, String>>,
    minted: AtomicU64,
    counters: Counters,
}

async fn serve(args: ServeArgs) -> Result<(), BoxError> {
    let listener = TcpListener::bind(args.listen).await?;
    let state = Arc::new(State {
        upstream: args.upstream,
        client: Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(256)
            .build_http(),
        replaying: AtomicBool::new(false),
        latency_ms: AtomicU64::new(args.latency.as_millis() as u64),
        cache: RwLock::new(HashMap::new()),
        keys: RwLock::new(HashMap::new()),
        moto_keys: RwLock::new(HashMap::new()),
        minted: AtomicU64::new(0),
        counters: Counters::default(),
    });
    // The driver waits for this line to know the port.
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = connection(stream, state).await {
                eprintln!("replay: connection: {e}");
            }
        });
    }
}

/// Serve HTTP/1.1 keep-alive requests on one connection until it closes.
async fn connection(mut stream: TcpStream, state: Arc<State>) -> Result<(), BoxError> {
    stream.set_nodelay(true)?;
    let mut buf = BytesMut::with_capacity(16 * 1024);
    loop {
        let Some((req, close)) = read_request(&mut stream, &mut buf).await? else {
            return Ok(());
        };
        let resp = handle(&state, req).await;
        write_response(&mut stream, &resp, close).await?;
        if close {
            return Ok(());
        }
    }
}

async fn read_request(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
) -> Result<Option<(Request, bool)>, BoxError> {
    let (mut req, len, close, consumed) = loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        if let httparse::Status::Complete(n) = parsed.parse(buf)? {
            let headers: Vec<(String, String)> = parsed
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_ascii_lowercase(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            let get = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            if get("transfer-encoding").is_some() {
                return Err("chunked request bodies are not supported".into());
            }
            let len: usize = match get("content-length") {
                Some(v) => v.trim().parse()?,
                None => 0,
            };
            if len > MAX_BODY {
                return Err("request body too large".into());
            }
            let close = get("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
                || parsed.version == Some(0);
            if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
                stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
            }
            let req = Request {
                method: parsed.method.unwrap_or("GET").to_string(),
                target: parsed.path.unwrap_or("/").to_string(),
                headers,
                body: Bytes::new(),
            };
            break (req, len, close, n);
        }
        if buf.len() > MAX_HEAD {
            return Err("request head too large".into());
        }
        if stream.read_buf(buf).await? == 0 {
            return Ok(None);
        }
    };
    buf.advance(consumed);
    while buf.len() < len {
        if stream.read_buf(buf).await? == 0 {
            return Err("connection closed inside a request body".into());
        }
    }
    req.body = buf.split_to(len).freeze();
    Ok(Some((req, close)))
}

async fn write_response(stream: &mut TcpStream, r: &Recorded, close: bool) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n", r.body.len()));
    if close {
        head.push_str("connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut out = Vec::with_capacity(head.len() + r.body.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(&r.body);
    stream.write_all(&out).await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Status",
    }
}

fn plain(status: u16, text: impl Into<String>) -> Recorded {
    Recorded {
        status,
        headers: vec![("content-type".into(), "text/plain".into())],
        body: Bytes::from(text.into()),
    }
}

async fn handle(state: &State, req: Request) -> Recorded {
    if req.target.starts_with("/__replay/") {
        return control(state, &req);
    }
    let c = &state.counters;
    c.calls.fetch_add(1, Ordering::Relaxed);
    let now = c.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
    c.peak_in_flight.fetch_max(now, Ordering::Relaxed);
    let started = Instant::now();
    let resp = answer(state, &req).await;
    if state.replaying.load(Ordering::Relaxed) {
        let latency = Duration::from_millis(state.latency_ms.load(Ordering::Relaxed));
        if let Some(left) = latency.checked_sub(started.elapsed()) {
            tokio::time::sleep(left).await;
        }
    }
    c.in_flight.fetch_sub(1, Ordering::Relaxed);
    resp
}

/// The SigV4 scope of a request: access key, region, service.
fn credential_scope(req: &Request) -> Option<(String, String, String)> {
    let auth = req.header("authorization")?;
    let cred = auth.split("Credential=").nth(1)?;
    let cred = cred.split([',', ' ']).next()?;
    let mut parts = cred.split('/');
    let key = parts.next()?.to_string();
    let _date = parts.next()?;
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    Some((key, region, service))
}

/// Action and canonical parameters (see the module docs for each
/// protocol), and the form parameters of a query-protocol call.
fn action_and_params(req: &Request, service: &str) -> (String, String, BTreeMap<String, String>) {
    if let Some(target) = req.header("x-amz-target") {
        let action = target.rsplit('.').next().unwrap_or(target).to_string();
        let canonical = serde_json::from_slice::<serde_json::Value>(&req.body)
            .map(|v| canonical_json(&v))
            .unwrap_or_else(|_| String::from_utf8_lossy(&req.body).into_owned());
        return (action, canonical, BTreeMap::new());
    }
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    // Only a form body holds parameters: a REST body (JSON, XML) is data.
    let form_body = req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let body = if form_body {
        std::str::from_utf8(&req.body).unwrap_or("")
    } else {
        ""
    };
    let mut form = BTreeMap::new();
    for pair in query
        .split('&')
        .chain(body.split('&'))
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        form.insert(percent_decode(k), percent_decode(v));
    }
    if let Some(action) = form.get("Action").cloned() {
        let canonical = form
            .iter()
            .filter(|(k, _)| !VOLATILE.contains(&k.as_str()))
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        return (action, canonical, form);
    }
    // REST: the resource is the method, host and path; the query is sorted.
    let sorted = form
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let host = req.header("host").unwrap_or("").to_ascii_lowercase();
    let mut canonical = format!("{} {host}{path}?{sorted}", req.method);
    if !req.body.is_empty() {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        req.body.hash(&mut h);
        canonical.push_str(&format!("#{:016x}", h.finish()));
    }
    let action = rest_label(service, &req.method, path, &form);
    (action, canonical, BTreeMap::new())
}

/// A REST call's name in the counters: its method and path with the
/// resource ids left out, so that every bucket's or function's call of
/// one kind counts together: `GET /2017-03-31/tags/{}`, `GET
/// /clusters/{}`, and for S3 (whose first segment is the bucket)
/// `GET /{}?versioning`, its sub-resources being the query keys without
/// a value.
fn rest_label(service: &str, method: &str, path: &str, query: &BTreeMap<String, String>) -> String {
    let is_date = |seg: &str| {
        seg.len() == 10
            && seg.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut out = Vec::with_capacity(segments.len());
    for (i, seg) in segments.iter().enumerate() {
        // Kept: API words (a service's first segment, the one after an
        // API version date) and dates; S3's segments are all names.
        let keep = seg.is_empty()
            || (service != "s3" && (i == 0 || is_date(seg) || is_date(segments[i - 1])));
        out.push(if keep { *seg } else { "{}" });
    }
    let mut label = format!("{method} /{}", out.join("/"));
    if service == "s3" {
        let sub: Vec<&str> = query
            .iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(k, _)| k.as_str())
            .collect();
        if !sub.is_empty() {
            label.push('?');
            label.push_str(&sub.join("&"));
        }
    }
    label
}

fn canonical_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(map) => {
            let sorted: BTreeMap<_, _> = map.iter().collect();
            let inner: Vec<String> = sorted
                .into_iter()
                .map(|(k, v)| format!("{k:?}:{}", canonical_json(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        serde_json::Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn answer(state: &State, req: &Request) -> Recorded {
    let Some((key, region, service)) = credential_scope(req) else {
        return plain(400, "replay: request is not SigV4-signed");
    };
    let (action, params, form) = action_and_params(req, &service);
    let at = state
        .counters
        .since
        .lock()
        .ok()
        .and_then(|s| s.map(|s| s.elapsed().as_secs_f64()))
        .unwrap_or(0.0);
    if let Ok(mut by) = state.counters.by_action.lock() {
        let e = by
            .entry(format!("{service}:{action}"))
            .or_insert((0, at, at));
        e.0 += 1;
        e.2 = at;
    }
    let account = state
        .keys
        .read()
        .ok()
        .and_then(|k| k.get(&key).cloned())
        .unwrap_or_else(|| "management".to_string());

    if service == "sts" && action == "AssumeRole" {
        let target = form
            .get("RoleArn")
            .and_then(|arn| arn.split(':').nth(4))
            .unwrap_or("")
            .to_string();
        return assume_role(state, req, &target, &form).await;
    }

    let cache_key = format!("{account}|{region}|{service}|{action}|{params}");
    if let Some(hit) = state
        .cache
        .read()
        .ok()
        .and_then(|c| c.get(&cache_key).cloned())
    {
        return Recorded {
            status: hit.status,
            headers: hit.headers.clone(),
            body: hit.body.clone(),
        };
    }
    if state.replaying.load(Ordering::Relaxed) {
        state.counters.misses.fetch_add(1, Ordering::Relaxed);
        eprintln!("replay: miss {cache_key}");
    }
    // A replay key is unknown to moto: forward under a key moto issued
    // for the same account.
    let rewrite = if account == "management" {
        None
    } else {
        match state
            .moto_keys
            .read()
            .ok()
            .and_then(|m| m.get(&account).cloned())
        {
            Some(moto_key) if moto_key != key => Some((key.clone(), moto_key)),
            Some(_) => None,
            None => return plain(502, format!("replay: no moto credentials for {account}")),
        }
    };
    match forward(state, req, rewrite).await {
        Ok(rec) => {
            let rec = Arc::new(rec);
            // Server errors are moto's trouble, not the estate's answer.
            if rec.status < 500
                && let Ok(mut c) = state.cache.write()
            {
                c.insert(cache_key, rec.clone());
            }
            Recorded {
                status: rec.status,
                headers: rec.headers.clone(),
                body: rec.body.clone(),
            }
        }
        Err(e) => plain(502, format!("replay: upstream: {e}")),
    }
}

async fn assume_role(
    state: &State,
    req: &Request,
    account: &str,
    form: &BTreeMap<String, String>,
) -> Recorded {
    if !state.replaying.load(Ordering::Relaxed) {
        // Recording: moto must issue the key, so that later calls made
        // with it reach the right account in moto.
        return match forward(state, req, None).await {
            Ok(rec) => {
                if let Some(key) = xml_text(&rec.body, "AccessKeyId") {
                    if let Ok(mut k) = state.keys.write() {
                        k.insert(key.clone(), account.to_string());
                    }
                    if let Ok(mut m) = state.moto_keys.write() {
                        m.entry(account.to_string()).or_insert(key);
                    }
                }
                rec
            }
            Err(e) => plain(502, format!("replay: upstream: {e}")),
        };
    }
    let n = state.minted.fetch_add(1, Ordering::Relaxed);
    let key = format!("ASIAREPLAY{n:010}");
    if let Ok(mut k) = state.keys.write() {
        k.insert(key.clone(), account.to_string());
    }
    let role_arn = form.get("RoleArn").map(String::as_str).unwrap_or("");
    let role = role_arn.rsplit('/').next().unwrap_or("role");
    let session = form
        .get("RoleSessionName")
        .map(String::as_str)
        .unwrap_or("session");
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    let expires = expires
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let body = format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <AssumeRoleResult><Credentials>\
         <AccessKeyId>{key}</AccessKeyId>\
         <SecretAccessKey>replaysecret{n:030}</SecretAccessKey>\
         <SessionToken>replaytoken{n:020}</SessionToken>\
         <Expiration>{expires}</Expiration>\
         </Credentials><AssumedRoleUser>\
         <AssumedRoleId>AROAREPLAY{n:010}:{session}</AssumedRoleId>\
         <Arn>arn:aws:sts::{account}:assumed-role/{role}/{session}</Arn>\
         </AssumedRoleUser><PackedPolicySize>6</PackedPolicySize>\
         </AssumeRoleResult><ResponseMetadata><RequestId>replay-{n}</RequestId>\
         </ResponseMetadata></AssumeRoleResponse>"
    );
    Recorded {
        status: 200,
        headers: vec![("content-type".into(), "text/xml".into())],
        body: Bytes::from(body),
    }
}

fn xml_text(body: &[u8], tag: &str) -> Option<String> {
    let s = std::str::from_utf8(body).ok()?;
    let open = format!("<{tag}>");
    let start = s.find(&open)? + open.len();
    let end = s[start..].find("</")? + start;
    Some(s[start..end].to_string())
}

async fn forward(
    state: &State,
    req: &Request,
    rewrite: Option<(String, String)>,
) -> Result<Recorded, BoxError> {
    let Some(upstream) = &state.upstream else {
        return Err("no --upstream: cannot record".into());
    };
    let mut b = hyper::Request::builder()
        .method(req.method.as_str())
        .uri(format!("{upstream}{}", req.target));
    for (k, v) in &req.headers {
        if matches!(
            k.as_str(),
            "host" | "connection" | "content-length" | "expect"
        ) {
            continue;
        }
        let v = match (&rewrite, k.as_str()) {
            (Some((from, to)), "authorization") => v.replace(from.as_str(), to),
            _ => v.clone(),
        };
        b = b.header(k.as_str(), v);
    }
    let resp = state
        .client
        .request(b.body(Full::new(req.body.clone()))?)
        .await?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "content-length"
                    | "transfer-encoding"
                    | "connection"
                    | "keep-alive"
                    | "date"
                    | "server"
            )
        })
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok(Recorded {
        status,
        headers,
        body,
    })
}

fn control(state: &State, req: &Request) -> Recorded {
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let c = &state.counters;
    match (req.method.as_str(), path) {
        ("GET", "/__replay/stats") => {
            let by = c.by_action.lock().map(|m| m.clone()).unwrap_or_default();
            let by_action: BTreeMap<&String, u64> = by.iter().map(|(k, v)| (k, v.0)).collect();
            let spans: BTreeMap<&String, [f64; 2]> = by
                .iter()
                .map(|(k, v)| {
                    (
                        k,
                        [
                            (v.1 * 1000.0).round() / 1000.0,
                            (v.2 * 1000.0).round() / 1000.0,
                        ],
                    )
                })
                .collect();
            let body = serde_json::json!({
                "phase": if state.replaying.load(Ordering::Relaxed) { "replay" } else { "record" },
                "latency_ms": state.latency_ms.load(Ordering::Relaxed),
                "calls": c.calls.load(Ordering::Relaxed),
                "misses": c.misses.load(Ordering::Relaxed),
                "peak_in_flight": c.peak_in_flight.load(Ordering::Relaxed),
                "recorded": state.cache.read().map(|m| m.len()).unwrap_or(0),
                "by_action": by_action,
                "spans_s": spans,
            });
            Recorded {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: Bytes::from(body.to_string()),
            }
        }
        ("POST", "/__replay/reset") => {
            c.calls.store(0, Ordering::Relaxed);
            c.misses.store(0, Ordering::Relaxed);
            c.peak_in_flight.store(0, Ordering::Relaxed);
            if let Ok(mut m) = c.by_action.lock() {
                m.clear();
            }
            if let Ok(mut s) = c.since.lock() {
                *s = Some(Instant::now());
            }
            plain(200, "reset\n")
        }
        ("POST", "/__replay/replay") => {
            for pair in query.split('&') {
                if let Some(("latency_ms", v)) = pair.split_once('=') {
                    match v.parse() {
                        Ok(ms) => state.latency_ms.store(ms, Ordering::Relaxed),
                        Err(_) => return plain(400, format!("bad latency_ms {v:?}\n")),
                    }
                }
            }
            state.replaying.store(true, Ordering::Relaxed);
            plain(200, "replaying\n")
        }
        ("POST", "/__replay/record") => {
            state.replaying.store(false, Ordering::Relaxed);
            plain(200, "recording\n")
        }
        _ => plain(404, "unknown control endpoint\n"),
    }
}

struct LoadArgs {
    target: SocketAddr,
    connections: usize,
    seconds: u64,
}

impl LoadArgs {
    fn parse(args: &[String]) -> Result<LoadArgs, BoxError> {
        let target = flag(args, "--target").ok_or(USAGE)?.parse()?;
        Ok(LoadArgs {
            target,
            connections: parse_or(args, "--connections", 64)?,
            seconds: parse_or(args, "--seconds", 5)?,
        })
    }
}

/// Closed-loop load: `connections` keep-alive connections each sending a
/// recorded-shape request back to back for `seconds`; prints requests/s.
/// The request is an EC2 DescribeVpcs of the management account in
/// us-east-1, which the record phase of the benchmark has cached.
async fn load(args: LoadArgs) -> Result<(), BoxError> {
    let body = "Action=DescribeVpcs&Version=2016-11-15&MaxResults=1000";
    let request = format!(
        "POST / HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, \
         SignedHeaders=host, Signature=0\r\ncontent-length: {}\r\n\r\n{body}",
        args.target,
        body.len()
    );
    let request = Arc::new(request.into_bytes());
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for _ in 0..args.connections {
        let request = request.clone();
        let target = args.target;
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(target).await?;
            stream.set_nodelay(true)?;
            let mut buf = BytesMut::with_capacity(64 * 1024);
            let mut done = 0u64;
            let mut statuses_ok = true;
            while Instant::now() < deadline {
                stream.write_all(&request).await?;
                let (status, len, head) = loop {
                    let mut headers = [httparse::EMPTY_HEADER; 32];
                    let mut resp = httparse::Response::new(&mut headers);
                    if let httparse::Status::Complete(n) = resp.parse(&buf)? {
                        let len = resp
                            .headers
                            .iter()
                            .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                            .and_then(|h| std::str::from_utf8(h.value).ok()?.parse().ok())
                            .unwrap_or(0usize);
                        break (resp.code.unwrap_or(0), len, n);
                    }
                    if stream.read_buf(&mut buf).await? == 0 {
                        return Err::<(u64, bool), BoxError>("server closed".into());
                    }
                };
                while buf.len() < head + len {
                    if stream.read_buf(&mut buf).await? == 0 {
                        return Err("server closed".into());
                    }
                }
                buf.advance(head + len);
                statuses_ok &= status == 200;
                done += 1;
            }
            Ok((done, statuses_ok))
        }));
    }
    let started = Instant::now();
    let mut total = 0u64;
    let mut all_ok = true;
    for t in tasks {
        let (n, ok) = t.await??;
        total += n;
        all_ok &= ok;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{{\"requests\": {total}, \"seconds\": {secs:.3}, \"rps\": {:.0}, \"connections\": {}, \"all_200\": {all_ok}}}",
        total as f64 / secs,
        args.connections
    );
    if !all_ok {
        return Err("some responses were not 200 (was the request recorded?)".into());
    }
    Ok(())
}
