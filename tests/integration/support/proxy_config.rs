//! An AWS Config aggregator for the fault proxy: moto implements none of
//! the aggregator's query API, so the proxy answers the two calls the
//! aggregator source makes itself, from fixtures a test sets
//! ([`ConfigAggregator`]), in AWS Config's protocol as its API Reference
//! and botocore's service model (`config` 2014-11-12) define it: AWS JSON
//! 1.1, `POST /`, `X-Amz-Target: StarlingDoveService.<Operation>`.
//!
//! - `DescribeConfigurationAggregatorSourcesStatus`
//!   `{ConfigurationAggregatorName, UpdateStatus?, NextToken?, Limit?}` →
//!   `{AggregatedSourceStatusList: [{SourceId, SourceType, AwsRegion,
//!   LastUpdateStatus, LastUpdateTime, LastErrorCode?, LastErrorMessage?}],
//!   NextToken?}`, the time in epoch seconds (a JSON 1.1 timestamp), paged
//!   at the fixture's own small page size whatever `Limit` asks, so the
//!   collector's paging is exercised.
//! - `SelectAggregateResourceConfig` `{ConfigurationAggregatorName,
//!   Expression, MaxResults?, Limit?, NextToken?}` → `{Results: [JSON text
//!   of one item each], QueryInfo: {SelectFields: [{Name: "*"}]},
//!   NextToken?}`. Only the query the collector makes is understood:
//!   `SELECT * WHERE resourceType = 'AWS::Svc::Type' AND awsRegion =
//!   'region'`; anything else is `InvalidExpressionException`, so a
//!   collector that starts asking something else fails loudly rather than
//!   being answered with what it did not ask for. A page holds `MaxResults`
//!   (or `Limit`) items, at most 100; without either, 25 — AWS's documented
//!   default for a query without `GROUP BY`.
//!
//! Errors are AWS's: status 400 with `{"__type", "message"}`:
//! `NoSuchConfigurationAggregatorException` for another aggregator name,
//! `InvalidLimitException` past 100, `InvalidNextTokenException` for a
//! token this aggregator did not hand out for this very query (tokens are
//! opaque: an offset sealed with a key of the fixture's own), and
//! `InvalidParameterValueException` for an unknown `UpdateStatus`.
//!
//! The proxy classifies these calls like any other (service `config`, the
//! operation from the target header), so its counters and rules —
//! throttling, errors, latency — apply to them before this module answers.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use bytes::Bytes;
use serde_json::{Value as Json, json};

use super::wire::{Request, Response};

/// Items per page when the caller names no page size (AWS's default for a
/// non-aggregating query).
pub const DEFAULT_PAGE: usize = 25;
/// The largest page AWS Config allows (`Limit`: 0..=100).
pub const MAX_PAGE: usize = 100;

/// What one source of the aggregator last reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceStatus {
    /// An account id (or an organization id for `ORGANIZATION`).
    pub source_id: String,
    /// `ACCOUNT` or `ORGANIZATION`.
    pub source_type: String,
    pub aws_region: String,
    /// `SUCCEEDED`, `FAILED` or `OUTDATED`.
    pub last_update_status: String,
    /// Epoch seconds.
    pub last_update_time: i64,
    pub last_error_code: Option<String>,
    pub last_error_message: Option<String>,
}

impl SourceStatus {
    /// An account-region whose data reached the aggregator.
    pub fn succeeded(account: &str, region: &str) -> SourceStatus {
        SourceStatus {
            source_id: account.to_string(),
            source_type: "ACCOUNT".to_string(),
            aws_region: region.to_string(),
            last_update_status: "SUCCEEDED".to_string(),
            // 2026-01-01T00:00:00Z: a fixed time keeps answers reproducible.
            last_update_time: 1_767_225_600,
            last_error_code: None,
            last_error_message: None,
        }
    }

    /// One whose last aggregation failed with this code and message.
    pub fn failed(account: &str, region: &str, code: &str, message: &str) -> SourceStatus {
        SourceStatus {
            last_update_status: "FAILED".to_string(),
            last_error_code: Some(code.to_string()),
            last_error_message: Some(message.to_string()),
            ..SourceStatus::succeeded(account, region)
        }
    }

    /// One that has stopped reporting: what the aggregator holds is old.
    pub fn outdated(account: &str, region: &str) -> SourceStatus {
        SourceStatus {
            last_update_status: "OUTDATED".to_string(),
            ..SourceStatus::succeeded(account, region)
        }
    }

    fn to_json(&self) -> Json {
        let mut v = json!({
            "SourceId": self.source_id,
            "SourceType": self.source_type,
            "AwsRegion": self.aws_region,
            "LastUpdateStatus": self.last_update_status,
            "LastUpdateTime": self.last_update_time,
        });
        if let Some(code) = &self.last_error_code {
            v["LastErrorCode"] = code.clone().into();
        }
        if let Some(message) = &self.last_error_message {
            v["LastErrorMessage"] = message.clone().into();
        }
        v
    }
}

/// What the aggregator holds: its name, its sources' status and every
/// configuration item (each a JSON object as `SELECT *` returns it).
#[derive(Debug, Clone)]
pub struct ConfigAggregator {
    pub name: String,
    pub sources: Vec<SourceStatus>,
    pub items: Vec<Json>,
    /// Entries per page of the sources' status listing.
    pub status_page_size: usize,
    /// Seals next tokens: a fresh random key per fixture, so a token is
    /// good only for the aggregator (and query) that handed it out.
    token_key: RandomState,
}

impl ConfigAggregator {
    /// An aggregator `name` holding `items`, its sources `sources`.
    pub fn new(name: &str, sources: Vec<SourceStatus>, items: Vec<Json>) -> ConfigAggregator {
        ConfigAggregator {
            name: name.to_string(),
            sources,
            items,
            status_page_size: 2,
            token_key: RandomState::new(),
        }
    }

    /// An opaque token for `offset` into the answer to `query`.
    fn token(&self, query: &str, offset: usize) -> String {
        let seal = self.token_key.hash_one((query, offset));
        hex::encode(format!("{offset}.{seal:016x}"))
    }

    /// The offset a token stands for, if this aggregator sealed it for
    /// `query`.
    fn offset(&self, query: &str, token: &str) -> Option<usize> {
        let text = String::from_utf8(hex::decode(token).ok()?).ok()?;
        let (offset, seal) = text.split_once('.')?;
        let offset: usize = offset.parse().ok()?;
        (self.token(query, offset) == token && seal.len() == 16).then_some(offset)
    }
}

/// Is this a call for the Config responder? (Service `config`.)
pub(super) fn is_config_call(service: &str) -> bool {
    service == "config"
}

/// The aggregator's answer to `action` (`config:<Operation>`).
pub(super) fn answer(agg: &ConfigAggregator, action: &str, req: &Request) -> Response {
    let body: Json = match serde_json::from_slice(&req.body) {
        Ok(v @ Json::Object(_)) => v,
        _ => {
            return error(
                "SerializationException",
                "The request body is not a JSON object",
            );
        }
    };
    match body
        .get("ConfigurationAggregatorName")
        .and_then(Json::as_str)
    {
        Some(name) if name == agg.name => {}
        _ => {
            return error(
                "NoSuchConfigurationAggregatorException",
                "The configuration aggregator does not exist. Check the configuration aggregator name and try again.",
            );
        }
    }
    match action {
        "config:DescribeConfigurationAggregatorSourcesStatus" => sources_status(agg, &body),
        "config:SelectAggregateResourceConfig" => select(agg, &body),
        _ => error(
            "UnknownOperationException",
            &format!("The fault proxy's Config responder does not answer {action}"),
        ),
    }
}

fn sources_status(agg: &ConfigAggregator, body: &Json) -> Response {
    let wanted: Option<Vec<&str>> = match body.get("UpdateStatus") {
        None | Some(Json::Null) => None,
        Some(Json::Array(a)) => {
            let mut out = Vec::new();
            for v in a {
                match v.as_str() {
                    Some(s @ ("FAILED" | "SUCCEEDED" | "OUTDATED")) => out.push(s),
                    _ => {
                        return error(
                            "InvalidParameterValueException",
                            "UpdateStatus must be FAILED, SUCCEEDED or OUTDATED",
                        );
                    }
                }
            }
            Some(out)
        }
        Some(_) => {
            return error(
                "InvalidParameterValueException",
                "UpdateStatus is not a list",
            );
        }
    };
    let limit = match page_size(body, "Limit", agg.status_page_size) {
        Ok(n) => n.min(agg.status_page_size),
        Err(resp) => return resp,
    };
    let listed: Vec<&SourceStatus> = agg
        .sources
        .iter()
        .filter(|s| {
            wanted
                .as_ref()
                .is_none_or(|w| w.contains(&s.last_update_status.as_str()))
        })
        .collect();
    // The token seals the filter too: a token of another listing is forged.
    let query = format!("sources:{wanted:?}");
    let start = match start_of(agg, &query, body) {
        Ok(n) => n,
        Err(resp) => return resp,
    };
    let page: Vec<Json> = listed
        .iter()
        .skip(start)
        .take(limit)
        .map(|s| s.to_json())
        .collect();
    let next = start + page.len();
    let mut out = json!({ "AggregatedSourceStatusList": page });
    if next < listed.len() {
        out["NextToken"] = agg.token(&query, next).into();
    }
    ok(&out)
}

fn select(agg: &ConfigAggregator, body: &Json) -> Response {
    let expression = body
        .get("Expression")
        .and_then(Json::as_str)
        .unwrap_or_default();
    let Some((resource_type, region)) = parse_expression(expression) else {
        return error(
            "InvalidExpressionException",
            &format!("The expression is not supported by this responder: {expression}"),
        );
    };
    let limit = match page_size(body, "MaxResults", DEFAULT_PAGE) {
        Ok(n) => n,
        Err(resp) => return resp,
    };
    // The query's own text, normalised: the same query pages on.
    let query = format!("select:{resource_type}:{region}");
    let start = match start_of(agg, &query, body) {
        Ok(n) => n,
        Err(resp) => return resp,
    };
    let matching: Vec<&Json> = agg
        .items
        .iter()
        .filter(|i| {
            i.get("resourceType").and_then(Json::as_str) == Some(resource_type.as_str())
                && i.get("awsRegion").and_then(Json::as_str) == Some(region.as_str())
        })
        .collect();
    let page: Vec<String> = matching
        .iter()
        .skip(start)
        .take(limit)
        .map(|i| i.to_string())
        .collect();
    let next = start + page.len();
    let mut out = json!({
        "Results": page,
        "QueryInfo": { "SelectFields": [{ "Name": "*" }] },
    });
    if next < matching.len() {
        out["NextToken"] = agg.token(&query, next).into();
    }
    ok(&out)
}

/// `(resource type, region)` of `SELECT * WHERE resourceType = 'T' AND
/// awsRegion = 'R'` (keywords in any case, any whitespace), else `None`.
pub fn parse_expression(expression: &str) -> Option<(String, String)> {
    let words: Vec<&str> = expression.split_whitespace().collect();
    let [select, star, where_, rt, eq1, t, and, region_key, eq2, r] = words.as_slice() else {
        return None;
    };
    let keyword = |w: &str, k: &str| w.eq_ignore_ascii_case(k);
    if !(keyword(select, "SELECT")
        && *star == "*"
        && keyword(where_, "WHERE")
        && *rt == "resourceType"
        && *eq1 == "="
        && keyword(and, "AND")
        && *region_key == "awsRegion"
        && *eq2 == "=")
    {
        return None;
    }
    let quoted = |w: &str| -> Option<String> {
        let inner = w.strip_prefix('\'')?.strip_suffix('\'')?;
        let plain = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-');
        plain.then(|| inner.to_string())
    };
    let t = quoted(t)?;
    // `AWS::Service::Type`: three parts, the first `AWS`.
    let parts: Vec<&str> = t.split("::").collect();
    if parts.len() != 3 || parts[0] != "AWS" || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    Some((t, quoted(r)?))
}

/// The page size a request asks for in `key` (or `Limit`): `default` when
/// absent or 0, `InvalidLimitException` past [`MAX_PAGE`].
fn page_size(body: &Json, key: &str, default: usize) -> Result<usize, Response> {
    let asked = body
        .get(key)
        .or_else(|| body.get("Limit"))
        .and_then(Json::as_i64);
    match asked {
        None | Some(0) => Ok(default),
        Some(n) if (1..=MAX_PAGE as i64).contains(&n) => Ok(n as usize),
        Some(n) => Err(error(
            "InvalidLimitException",
            &format!("{n} is not a valid limit: it must be between 0 and {MAX_PAGE}"),
        )),
    }
}

/// Where a page starts: 0, or the offset a genuine `NextToken` holds.
fn start_of(agg: &ConfigAggregator, query: &str, body: &Json) -> Result<usize, Response> {
    match body.get("NextToken").and_then(Json::as_str) {
        None | Some("") => Ok(0),
        Some(token) => agg.offset(query, token).ok_or_else(|| {
            error(
                "InvalidNextTokenException",
                "The specified next token is invalid. Specify the nextToken string that was returned in the previous response to get the next page of results.",
            )
        }),
    }
}

fn ok(body: &Json) -> Response {
    json_response(200, body.to_string())
}

/// AWS JSON 1.1's error: the code in `__type` (and `x-amzn-errortype`).
pub(super) fn error(code: &str, message: &str) -> Response {
    let mut resp = json_response(
        400,
        json!({ "__type": code, "message": message }).to_string(),
    );
    resp.headers
        .push(("x-amzn-errortype".into(), code.as_bytes().to_vec()));
    resp
}

fn json_response(status: u16, body: String) -> Response {
    static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let id = format!(
        "c0f16000-0000-4000-8000-{:012x}",
        NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    Response {
        status,
        headers: vec![
            (
                "content-type".into(),
                b"application/x-amz-json-1.1".to_vec(),
            ),
            ("x-amzn-requestid".into(), id.into_bytes()),
        ],
        body: Bytes::from(body),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    fn item(t: &str, region: &str, id: usize) -> Json {
        json!({"resourceType": t, "awsRegion": region, "resourceId": format!("r-{id}"),
               "accountId": "111111111111"})
    }

    fn request(body: Json) -> Request {
        Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![],
            body: Bytes::from(body.to_string()),
            close: false,
        }
    }

    fn call(agg: &ConfigAggregator, op: &str, body: Json) -> (u16, Json) {
        let r = answer(agg, &format!("config:{op}"), &request(body));
        (
            r.status,
            serde_json::from_slice(&r.body).expect("a JSON answer"),
        )
    }

    const SELECT: &str = "SelectAggregateResourceConfig";

    #[test]
    fn the_collectors_query_is_understood_and_nothing_else() {
        let q = "SELECT * WHERE resourceType = 'AWS::EC2::VPC' AND awsRegion = 'us-east-1'";
        assert_eq!(
            parse_expression(q),
            Some(("AWS::EC2::VPC".into(), "us-east-1".into()))
        );
        for bad in [
            "SELECT resourceId WHERE resourceType = 'AWS::EC2::VPC' AND awsRegion = 'us-east-1'",
            "SELECT * WHERE resourceType = 'AWS::EC2::VPC'",
            "SELECT * WHERE resourceType = 'AWS::EC2::VPC' OR awsRegion = 'us-east-1'",
            "SELECT * WHERE resourceType = 'EC2::VPC' AND awsRegion = 'us-east-1'",
            "SELECT * WHERE resourceType = 'AWS::EC2::VPC' AND awsRegion = 'x' OR '1'='1'",
            "SELECT * WHERE awsRegion = 'us-east-1' AND resourceType = 'AWS::EC2::VPC'",
        ] {
            assert_eq!(parse_expression(bad), None, "{bad}");
        }
    }

    #[test]
    fn results_page_by_max_results_with_opaque_tokens_that_cannot_be_forged() {
        let items: Vec<Json> = (0..7)
            .map(|i| item("AWS::EC2::VPC", "us-east-1", i))
            .chain([item("AWS::EC2::VPC", "eu-west-1", 99)])
            .collect();
        let agg = ConfigAggregator::new("org", vec![], items);
        let expr = "SELECT * WHERE resourceType = 'AWS::EC2::VPC' AND awsRegion = 'us-east-1'";
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut body = json!({"ConfigurationAggregatorName": "org", "Expression": expr,
                                  "MaxResults": 3});
            if let Some(t) = &token {
                body["NextToken"] = t.clone().into();
            }
            let (status, v) = call(&agg, SELECT, body);
            assert_eq!(status, 200, "{v}");
            assert_eq!(v["QueryInfo"], json!({"SelectFields": [{"Name": "*"}]}));
            let results = v["Results"].as_array().expect("Results");
            assert!(results.len() <= 3);
            for r in results {
                let text = r.as_str().expect("each result is JSON text");
                let item: Json = serde_json::from_str(text).expect("JSON text");
                ids.push(item["resourceId"].as_str().expect("id").to_string());
            }
            pages += 1;
            match v.get("NextToken").and_then(Json::as_str) {
                Some(t) => {
                    assert!(
                        t.parse::<usize>().is_err(),
                        "a token is no bare offset: {t}"
                    );
                    token = Some(t.to_string());
                }
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(ids, (0..7).map(|i| format!("r-{i}")).collect::<Vec<_>>());

        // A forged token, and a genuine one replayed on another query.
        let forged = hex::encode("3.0000000000000000");
        let (status, v) = call(
            &agg,
            SELECT,
            json!({"ConfigurationAggregatorName": "org", "Expression": expr, "NextToken": forged}),
        );
        assert_eq!(
            (status, v["__type"].as_str()),
            (400, Some("InvalidNextTokenException"))
        );
        let first = call(
            &agg,
            SELECT,
            json!({"ConfigurationAggregatorName": "org", "Expression": expr, "MaxResults": 1}),
        )
        .1;
        let other = "SELECT * WHERE resourceType = 'AWS::EC2::VPC' AND awsRegion = 'eu-west-1'";
        let (status, v) = call(
            &agg,
            SELECT,
            json!({"ConfigurationAggregatorName": "org", "Expression": other,
                   "NextToken": first["NextToken"]}),
        );
        assert_eq!(
            (status, v["__type"].as_str()),
            (400, Some("InvalidNextTokenException"))
        );
    }

    #[test]
    fn page_sizes_follow_aws_limits() {
        let items: Vec<Json> = (0..130)
            .map(|i| item("AWS::S3::Bucket", "us-east-1", i))
            .collect();
        let agg = ConfigAggregator::new("org", vec![], items);
        let expr = "SELECT * WHERE resourceType = 'AWS::S3::Bucket' AND awsRegion = 'us-east-1'";
        let count = |extra: Json| {
            let mut body = json!({"ConfigurationAggregatorName": "org", "Expression": expr});
            for (k, v) in extra.as_object().expect("object") {
                body[k] = v.clone();
            }
            let (status, v) = call(&agg, SELECT, body);
            (
                status,
                v["Results"].as_array().map(Vec::len),
                v["__type"].clone(),
            )
        };
        assert_eq!(count(json!({})).1, Some(DEFAULT_PAGE));
        assert_eq!(count(json!({"MaxResults": 100})).1, Some(100));
        assert_eq!(count(json!({"Limit": 10})).1, Some(10));
        assert_eq!(count(json!({"MaxResults": 0})).1, Some(DEFAULT_PAGE));
        assert_eq!(
            count(json!({"MaxResults": 101})),
            (400, None, json!("InvalidLimitException"))
        );
    }

    #[test]
    fn unknown_aggregators_and_queries_are_errors_in_json_1_1() {
        let agg = ConfigAggregator::new("org", vec![], vec![]);
        let r = answer(
            &agg,
            "config:SelectAggregateResourceConfig",
            &request(json!({"ConfigurationAggregatorName": "other", "Expression": "SELECT *"})),
        );
        assert_eq!(r.status, 400);
        let v: Json = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(v["__type"], "NoSuchConfigurationAggregatorException");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(
            r.headers
                .iter()
                .any(|(n, v)| n == "content-type" && v.as_slice() == b"application/x-amz-json-1.1")
        );
        let (status, v) = call(
            &agg,
            SELECT,
            json!({"ConfigurationAggregatorName": "org", "Expression": "SELECT * WHERE 1"}),
        );
        assert_eq!(
            (status, v["__type"].as_str()),
            (400, Some("InvalidExpressionException"))
        );
    }

    #[test]
    fn source_status_pages_at_its_own_size_and_filters_by_status() {
        let sources = vec![
            SourceStatus::succeeded("111111111111", "us-east-1"),
            SourceStatus::failed("111111111111", "eu-west-1", "AccessDenied", "no role"),
            SourceStatus::outdated("222222222222", "us-east-1"),
            SourceStatus::succeeded("222222222222", "eu-west-1"),
            SourceStatus::succeeded("333333333333", "us-east-1"),
        ];
        let agg = ConfigAggregator::new("org", sources.clone(), vec![]);
        let op = "DescribeConfigurationAggregatorSourcesStatus";
        let mut seen = Vec::new();
        let mut token = None::<Json>;
        let mut pages = 0;
        loop {
            let mut body = json!({"ConfigurationAggregatorName": "org", "Limit": 100});
            if let Some(t) = &token {
                body["NextToken"] = t.clone();
            }
            let (status, v) = call(&agg, op, body);
            assert_eq!(status, 200, "{v}");
            let list = v["AggregatedSourceStatusList"].as_array().expect("list");
            assert!(list.len() <= agg.status_page_size);
            seen.extend(list.iter().cloned());
            pages += 1;
            match v.get("NextToken") {
                Some(t) => token = Some(t.clone()),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen.len(), 5);
        assert_eq!(seen[1]["LastErrorCode"], "AccessDenied");
        assert_eq!(seen[1]["LastErrorMessage"], "no role");
        assert!(
            seen[1]["LastUpdateTime"].is_i64(),
            "epoch seconds, a number"
        );
        assert!(seen[0].get("LastErrorCode").is_none());
        let (_, v) = call(
            &agg,
            op,
            json!({"ConfigurationAggregatorName": "org", "UpdateStatus": ["FAILED", "OUTDATED"]}),
        );
        let statuses: Vec<&str> = v["AggregatedSourceStatusList"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|s| s["LastUpdateStatus"].as_str())
            .collect();
        assert_eq!(statuses, ["FAILED", "OUTDATED"]);
        let (status, v) = call(
            &agg,
            op,
            json!({"ConfigurationAggregatorName": "org", "UpdateStatus": ["BROKEN"]}),
        );
        assert_eq!(
            (status, v["__type"].as_str()),
            (400, Some("InvalidParameterValueException"))
        );
    }
}
