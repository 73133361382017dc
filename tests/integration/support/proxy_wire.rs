//! The fault proxy's wire format: HTTP/1.1 requests read with `httparse`
//! and responses written back by hand, AWS errors shaped per protocol (EC2
//! `<Response><Errors>`, query `<ErrorResponse>`, JSON `__type`, REST-JSON
//! `x-amzn-errortype`), the operation of a REST call read from its path,
//! and the
//! small parsers that classify a request: the SigV4 credential scope, form
//! bodies and the `AccessKeyId` of an STS answer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Requests larger than this are refused: nothing orgscope sends is close.
const MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

/// One parsed HTTP/1.1 request.
pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) headers: Vec<(String, Vec<u8>)>,
    pub(super) body: Bytes,
    pub(super) close: bool,
}

impl Request {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }
}

/// Outcome of reading from the client.
pub(super) enum Read {
    Request(Request),
    Closed,
    Bad(&'static str),
}

pub(super) async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Read {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 96];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(buf) {
            Ok(httparse::Status::Complete(head_len)) => {
                let method = req.method.unwrap_or("GET").to_string();
                let target = req.path.unwrap_or("/").to_string();
                let version = req.version.unwrap_or(1);
                let headers: Vec<(String, Vec<u8>)> = req
                    .headers
                    .iter()
                    .map(|h| (h.name.to_string(), h.value.to_vec()))
                    .collect();
                let get = |name: &str| {
                    headers
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(_, v)| String::from_utf8_lossy(v).to_ascii_lowercase())
                };
                if get("transfer-encoding").is_some() {
                    return Read::Bad("chunked request bodies are not supported");
                }
                let len = match get("content-length").map(|v| v.trim().parse::<usize>()) {
                    None => 0,
                    Some(Ok(n)) if n <= MAX_REQUEST_BYTES => n,
                    Some(_) => return Read::Bad("bad or oversized content-length"),
                };
                let close = match get("connection").as_deref() {
                    Some("close") => true,
                    Some("keep-alive") => false,
                    _ => version == 0,
                };
                if get("expect").as_deref() == Some("100-continue")
                    && stream
                        .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                        .await
                        .is_err()
                {
                    return Read::Closed;
                }
                while buf.len() < head_len + len {
                    let mut chunk = [0u8; 16 * 1024];
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return Read::Closed,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = Bytes::copy_from_slice(&buf[head_len..head_len + len]);
                buf.drain(..head_len + len);
                return Read::Request(Request {
                    method,
                    target,
                    headers,
                    body,
                    close,
                });
            }
            Ok(httparse::Status::Partial) => {
                if buf.len() > 64 * 1024 {
                    return Read::Bad("request head too large");
                }
                let mut chunk = [0u8; 16 * 1024];
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return Read::Closed,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            Err(_) => return Read::Bad("malformed HTTP request"),
        }
    }
}

/// A response to write back.
pub(super) struct Response {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, Vec<u8>)>,
    pub(super) body: Bytes,
}

pub(super) async fn write_response(stream: &mut TcpStream, resp: &Response, close: bool) -> bool {
    let reason = http::StatusCode::from_u16(resp.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, reason).into_bytes();
    for (name, value) in &resp.headers {
        // We re-frame the body ourselves.
        let lower = name.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "content-length" | "transfer-encoding" | "connection" | "keep-alive"
        ) {
            continue;
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("content-length: {}\r\n", resp.body.len()).as_bytes());
    if close {
        out.extend_from_slice(b"connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&resp.body);
    stream.write_all(&out).await.is_ok() && stream.flush().await.is_ok()
}

/// Build an AWS-shaped error in the service's protocol.
pub(super) fn error_response(service: &str, status: u16, code: &str, message: &str) -> Response {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = format!(
        "fa017000-0000-4000-8000-{:012x}",
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    );
    let (content_type, body) = match service {
        "ec2" => (
            "text/xml;charset=UTF-8",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors><RequestID>{id}</RequestID></Response>",
                xml_escape(code),
                xml_escape(message)
            ),
        ),
        "organizations" | "ce" | "tag" => (
            "application/x-amz-json-1.1",
            serde_json::json!({ "__type": code, "Message": message }).to_string(),
        ),
        // AWS Config (JSON 1.1) writes the message lower-case.
        "config" => (
            "application/x-amz-json-1.1",
            serde_json::json!({ "__type": code, "message": message }).to_string(),
        ),
        // REST-JSON: the code in `x-amzn-errortype` (below) and `__type`,
        // the message lower-case, as Lambda and EKS write them.
        "lambda" | "eks" => (
            "application/json",
            serde_json::json!({ "__type": code, "message": message }).to_string(),
        ),
        // JSON 1.0: DynamoDB names the error's shape the same way.
        "dynamodb" => (
            "application/x-amz-json-1.0",
            serde_json::json!({ "__type": code, "message": message }).to_string(),
        ),
        // REST-XML: a bare `<Error>`.
        "s3" => (
            "application/xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message><RequestId>{id}</RequestId></Error>",
                xml_escape(code),
                xml_escape(message)
            ),
        ),
        _ => (
            "text/xml",
            format!(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{id}</RequestId></ErrorResponse>",
                if status >= 500 { "Receiver" } else { "Sender" },
                xml_escape(code),
                xml_escape(message)
            ),
        ),
    };
    let mut headers = vec![
        ("content-type".to_string(), content_type.as_bytes().to_vec()),
        ("x-amzn-requestid".to_string(), id.into_bytes()),
    ];
    if matches!(
        service,
        "organizations" | "ce" | "tag" | "config" | "lambda" | "eks" | "dynamodb"
    ) {
        headers.push(("x-amzn-errortype".to_string(), code.as_bytes().to_vec()));
    }
    Response {
        status,
        headers,
        body: Bytes::from(body),
    }
}

/// A recorded answer: `body` as is, with the protocol's content type and a
/// request id, as a real answer carries.
pub(super) fn canned_response(service: &str, status: u16, body: &str) -> Response {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = format!(
        "ca77ed00-0000-4000-8000-{:012x}",
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    );
    let content_type = match service {
        "ec2" => "text/xml;charset=UTF-8",
        "organizations" | "ce" | "tag" | "config" => "application/x-amz-json-1.1",
        "lambda" | "eks" => "application/json",
        "dynamodb" => "application/x-amz-json-1.0",
        "s3" => "application/xml",
        _ => "text/xml",
    };
    Response {
        status,
        headers: vec![
            ("content-type".to_string(), content_type.as_bytes().to_vec()),
            ("x-amzn-requestid".to_string(), id.into_bytes()),
        ],
        body: Bytes::from(body.to_string()),
    }
}

/// The IAM action of an S3 REST request (there is no `Action=`): the
/// listing at `/`, else the sub-resource its query names.
pub(super) fn s3_operation(method: &str, target: &str) -> String {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let sub = query
        .split('&')
        .map(|kv| kv.split('=').next().unwrap_or(""))
        .find_map(|k| match k {
            "versioning" => Some("GetBucketVersioning"),
            "encryption" => Some("GetEncryptionConfiguration"),
            "publicAccessBlock" => Some("GetBucketPublicAccessBlock"),
            "policy" => Some("GetBucketPolicy"),
            "tagging" => Some("GetBucketTagging"),
            "location" => Some("GetBucketLocation"),
            _ => None,
        });
    match (method, sub) {
        ("GET", Some(op)) => op.to_string(),
        ("GET", None) if path == "/" => "ListAllMyBuckets".to_string(),
        _ => format!("{method}{path}"),
    }
}

pub(super) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Service, region and access key from `Authorization: AWS4-HMAC-SHA256
/// Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...`.
pub(super) fn credential_scope(auth: &str) -> Option<(String, String, String)> {
    let cred = auth.split("Credential=").nth(1)?;
    let cred = cred.split([',', ' ']).next()?;
    let mut parts = cred.split('/');
    let key = parts.next()?.to_string();
    let _date = parts.next()?;
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    Some((key, region, service))
}

pub(super) fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..start + len].trim())
}

/// `application/x-www-form-urlencoded` → map (last value wins).
pub(super) fn parse_form(body: &[u8]) -> HashMap<String, String> {
    let Ok(text) = std::str::from_utf8(body) else {
        return HashMap::new();
    };
    if text.trim_start().starts_with('{') {
        return HashMap::new();
    }
    text.split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

pub(super) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The operation a REST call names by its method and path, for the
/// services whose requests carry no `Action` or target header (Lambda,
/// EKS): what rules and counts call `lambda:ListFunctions`.
pub(super) fn rest_op(service: &str, method: &str, target: &str) -> Option<&'static str> {
    let path = target.split('?').next().unwrap_or(target);
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match (service, method, parts.as_slice()) {
        ("lambda", "GET", [_, "functions"]) => Some("ListFunctions"),
        ("lambda", "GET", [_, "tags", ..]) => Some("ListTags"),
        ("eks", "GET", ["clusters"]) => Some("ListClusters"),
        ("eks", "GET", ["clusters", _]) => Some("DescribeCluster"),
        _ => None,
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn rest_calls_are_named_by_their_path() {
        let op = |s, m, t| rest_op(s, m, t);
        let tags = "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af";
        assert_eq!(
            op("lambda", "GET", "/2015-03-31/functions/?MaxItems=50"),
            Some("ListFunctions")
        );
        assert_eq!(op("lambda", "GET", tags), Some("ListTags"));
        assert_eq!(
            op("eks", "GET", "/clusters?maxResults=100"),
            Some("ListClusters")
        );
        assert_eq!(
            op("eks", "GET", "/clusters/shop-eks"),
            Some("DescribeCluster")
        );
        assert_eq!(op("eks", "POST", "/clusters"), None);
        assert_eq!(op("ec2", "GET", "/clusters"), None);
    }

    #[test]
    fn credential_scope_gives_key_region_service() {
        let auth = "AWS4-HMAC-SHA256 Credential=ASIAXYZ/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(
            credential_scope(auth),
            Some(("ASIAXYZ".into(), "eu-west-1".into(), "ec2".into()))
        );
        assert_eq!(credential_scope("Bearer x"), None);
    }

    #[test]
    fn form_decoding_handles_escapes_and_rejects_garbage() {
        let f = parse_form(
            b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fr&X=a+b",
        );
        assert_eq!(f["Action"], "AssumeRole");
        assert_eq!(f["RoleArn"], "arn:aws:iam::111111111111:role/r");
        assert_eq!(f["X"], "a b");
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("100%"), Some("100%".into()));
    }

    #[test]
    fn errors_are_shaped_per_protocol() {
        let ec2 = error_response("ec2", 503, "RequestLimitExceeded", "a<b");
        let text = String::from_utf8_lossy(&ec2.body).to_string();
        assert!(text.contains(
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>a&lt;b</Message>"
        ));
        let sts = error_response("sts", 403, "AccessDenied", "no");
        let text = String::from_utf8_lossy(&sts.body).to_string();
        assert!(text.starts_with("<ErrorResponse"), "{text}");
        assert!(text.contains("<Code>AccessDenied</Code>"));
        let org = error_response("organizations", 400, "TooManyRequestsException", "slow");
        let v: serde_json::Value = serde_json::from_slice(&org.body).expect("json");
        assert_eq!(v["__type"], "TooManyRequestsException");
    }

    #[test]
    fn a_canned_answer_is_sent_as_recorded_with_its_protocols_type() {
        let r = canned_response("ec2", 200, "<X>1</X>");
        assert_eq!((r.status, &r.body[..]), (200, &b"<X>1</X>"[..]));
        let ty = |r: &Response| {
            r.headers
                .iter()
                .find(|(n, _)| n == "content-type")
                .map(|(_, v)| String::from_utf8_lossy(v).to_string())
        };
        assert_eq!(ty(&r).as_deref(), Some("text/xml;charset=UTF-8"));
        let j = canned_response("organizations", 200, "{}");
        assert_eq!(ty(&j).as_deref(), Some("application/x-amz-json-1.1"));
    }
}
