//! Conversion, paging and the per-function tag reads against recorded
//! response shapes (the moto test in `tests/integration/compute.rs`
//! covers the wire; moto ignores `MaxItems`, so paging is tested here).

use super::*;
use crate::paging::MAX_PAGES;
use crate::recorded::{block_on, recorded};
use lambda::types::{Architecture, PackageType, Runtime, State, VpcConfigResponse};
use orgscope_core::model::CoverageStatus;
use orgscope_core::model::GLOBAL;

const ACCT: &str = "111111111111";
const REGION: &str = "eu-west-1";

fn function(name: &str) -> FunctionConfiguration {
    FunctionConfiguration::builder()
        .function_name(name)
        .function_arn(format!("arn:aws:lambda:{REGION}:{ACCT}:function:{name}"))
        .role(format!("arn:aws:iam::{ACCT}:role/service-role/{name}-exec"))
        .build()
}

fn page(functions: Vec<FunctionConfiguration>, marker: Option<&str>) -> ListFunctionsOutput {
    ListFunctionsOutput::builder()
        .set_functions(Some(functions))
        .set_next_marker(marker.map(str::to_string))
        .build()
}

fn tags(pairs: &[(&str, &str)]) -> TagRead {
    TagRead::Tags(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn listed(served: Vec<ListFunctionsOutput>) -> Result<Vec<ListFunctionsOutput>, Failure> {
    let asked = std::sync::Mutex::new(Vec::new());
    block_on(pages(
        "ListFunctions",
        |p: &ListFunctionsOutput| p.next_marker(),
        recorded(served, &asked),
    ))
}

#[test]
fn the_one_api_is_the_kinds() {
    assert_eq!(apis().collect::<Vec<_>>(), ["lambda:ListFunctions"]);
    assert!(orgscope_core::model::regional_apis().any(|a| a == "lambda:ListFunctions"));
}

#[test]
fn page_size_is_clamped_to_lambdas_limits() {
    assert_eq!(clamp_page_size(0), 1);
    assert_eq!(clamp_page_size(20), 20);
    // orgscope's default page size is EC2's 1000.
    assert_eq!(clamp_page_size(1000), 50);
}

#[test]
fn paging_follows_markers_to_the_end() {
    let asked = std::sync::Mutex::new(Vec::new());
    let served = vec![
        page(vec![function("a")], Some("m1")),
        page(vec![function("b")], Some("m2")),
        page(vec![function("c")], Some("")),
    ];
    let got = block_on(pages(
        "ListFunctions",
        |p: &ListFunctionsOutput| p.next_marker(),
        recorded(served, &asked),
    ))
    .unwrap();
    assert_eq!(got.len(), 3, "an empty marker ends the listing");
    assert_eq!(
        *asked.lock().unwrap(),
        [None, Some("m1".into()), Some("m2".into())]
    );
    let functions: Vec<&FunctionConfiguration> = got.iter().flat_map(|p| p.functions()).collect();
    let read = vec![tags(&[]), tags(&[]), tags(&[])];
    let names: Vec<String> = convert(ACCT, REGION, &functions, read)
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
}

#[test]
fn a_repeated_marker_too_many_pages_or_a_failed_page_fails_the_cell() {
    let f = listed(vec![page(vec![], Some("a")), page(vec![], Some("a"))]).unwrap_err();
    assert_eq!(f.code.as_deref(), Some("RepeatedPageToken"));
    assert!(f.message.unwrap_or_default().contains("ListFunctions"));
    // The second page never comes: the first page is not passed off as
    // the whole account-region.
    let f = listed(vec![page(vec![function("a")], Some("x"))]).unwrap_err();
    assert_eq!(f.code.as_deref(), Some("NoMorePages"));
    let endless: Vec<_> = (0..=MAX_PAGES)
        .map(|i| page(vec![], Some(&format!("t{i}"))))
        .collect();
    let f = listed(endless).unwrap_err();
    assert_eq!(f.code.as_deref(), Some("TooManyPages"));
}

#[test]
fn conversion_reads_every_field_edge_and_tag() {
    let vpc = VpcConfigResponse::builder()
        .vpc_id("vpc-1")
        .subnet_ids("subnet-a")
        .subnet_ids("subnet-b")
        .security_group_ids("sg-1")
        .build();
    let f = FunctionConfiguration::builder()
        .function_name("payments-prod-api")
        .function_arn("arn:aws:lambda:eu-west-1:111111111111:function:payments-prod-api")
        .runtime(Runtime::Python312)
        .memory_size(1024)
        .timeout(30)
        .architectures(Architecture::Arm64)
        .package_type(PackageType::Zip)
        .handler("app.handler")
        .last_modified("2026-10-01T08:30:15.123+0200")
        .code_size(52_431)
        .state(State::Active)
        .vpc_config(vpc)
        // Another account's role: the edge says whose.
        .role("arn:aws:iam::222222222222:role/shared/payments-exec")
        .build();
    let got = convert(
        ACCT,
        REGION,
        &[&f],
        vec![tags(&[("owner", "team-a"), ("env", "prod")])],
    );
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(
        (r.kind, r.id.as_str(), r.name.as_deref()),
        (
            kinds::LAMBDA_FUNCTION,
            "payments-prod-api",
            Some("payments-prod-api")
        )
    );
    assert_eq!(r.text("runtime"), Some("python3.12"));
    assert_eq!(r.get("memory"), Some(&1024_i64.into()));
    assert_eq!(r.get("timeout"), Some(&30_i64.into()));
    assert_eq!(r.text("architecture"), Some("arm64"));
    assert_eq!(r.text("package_type"), Some("Zip"));
    assert_eq!(r.text("handler"), Some("app.handler"));
    assert_eq!(r.text("last_modified"), Some("2026-10-01T06:30:15Z"));
    assert_eq!(r.get("code_size"), Some(&52_431_i64.into()));
    assert_eq!(r.text("state"), Some("Active"));
    assert_eq!(r.text("note"), None);
    assert_eq!(r.tags.get("owner").map(String::as_str), Some("team-a"));
    assert_eq!(
        r.relations,
        [
            Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-a"),
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-b"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1"),
            Edge::new(Rel::RunsAs, kinds::IAM_ROLE, "role/shared/payments-exec")
                .named("payments-exec")
                .in_region(GLOBAL)
                .in_account("222222222222"),
        ]
    );
    // The ARN rebuilds from the id.
    assert_eq!(
        r.arn(),
        "arn:aws:lambda:eu-west-1:111111111111:function:payments-prod-api"
    );
}

#[test]
fn missing_fields_stay_empty_and_what_cannot_be_read_is_noted() {
    // Outside any VPC (an empty configuration), no runtime (an image), no
    // role, no ARN: nothing is made up.
    let bare = FunctionConfiguration::builder()
        .function_name("bare")
        .vpc_config(VpcConfigResponse::builder().vpc_id("").build())
        .build();
    let odd_role = FunctionConfiguration::builder()
        .function_name("odd")
        .function_arn("arn:aws:lambda:eu-west-1:111111111111:function:odd")
        .role("arn:aws:iam::111111111111:user/not-a-role")
        .build();
    let nameless = FunctionConfiguration::builder().build();
    let gone = function("gone");
    let same_role = function("mine");
    let got = convert(
        ACCT,
        REGION,
        &[&bare, &odd_role, &nameless, &gone, &same_role],
        vec![
            TagRead::NoArn,
            tags(&[]),
            tags(&[]),
            TagRead::Gone,
            tags(&[]),
        ],
    );
    let ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["bare", "odd", "mine"],
        "nameless and gone are left out"
    );
    let bare = &got[0];
    for field in ["runtime", "memory", "timeout", "architecture", "state"] {
        assert_eq!(bare.get(field), Some(&orgscope_core::model::Value::Null));
    }
    assert!(bare.relations.is_empty(), "{:?}", bare.relations);
    let note = bare.text("note").unwrap_or_default();
    assert!(note.contains("tags were not read"), "{note}");
    assert!(note.contains("without an execution role"), "{note}");
    let note = got[1].text("note").unwrap_or_default();
    assert!(note.contains("is not a role ARN"), "{note}");
    // A role of the function's own account: no account on the edge.
    assert_eq!(
        got[2].relations,
        [
            Edge::new(Rel::RunsAs, kinds::IAM_ROLE, "role/service-role/mine-exec")
                .named("mine-exec")
                .in_region(GLOBAL)
        ]
    );
}

#[test]
fn tags_are_read_per_function_and_a_failure_fails_the_cell_naming_it() {
    let (a, b, c) = (function("a"), function("b"), function("c"));
    let no_arn = FunctionConfiguration::builder().function_name("d").build();
    let asked = std::sync::Mutex::new(Vec::new());
    let got = block_on(read_tags(&[&a, &b, &c, &no_arn], |arn: String| {
        asked.lock().unwrap().push(arn.clone());
        let answer = if arn.ends_with(":b") {
            None
        } else {
            Some(Tags::from([("owner".to_string(), arn.clone())]))
        };
        std::future::ready(Ok(answer))
    }))
    .unwrap();
    assert_eq!(asked.lock().unwrap().len(), 3, "no call without an ARN");
    assert_eq!(got[1], TagRead::Gone);
    assert_eq!(got[3], TagRead::NoArn);
    let TagRead::Tags(t) = &got[2] else {
        panic!("{got:?}")
    };
    assert_eq!(
        t.get("owner").map(String::as_str),
        Some("arn:aws:lambda:eu-west-1:111111111111:function:c"),
        "answers stay with their function"
    );

    let f = block_on(read_tags(&[&a, &b], |arn: String| {
        std::future::ready(if arn.ends_with(":b") {
            Err(Failure::new(
                CoverageStatus::Denied,
                "AccessDeniedException",
                "not authorized to perform: lambda:ListTags",
            ))
        } else {
            Ok(Some(Tags::new()))
        })
    }))
    .unwrap_err();
    assert_eq!(f.status, CoverageStatus::Denied);
    assert_eq!(f.code.as_deref(), Some("AccessDeniedException"));
    let msg = f.message.unwrap_or_default();
    assert!(
        msg.contains("function:b") && msg.contains("lambda:ListTags"),
        "{msg}"
    );
}

#[test]
fn a_role_edge_needs_a_role_arn() {
    assert_eq!(
        runs_as(ACCT, "arn:aws:iam::111111111111:role/r").map(|e| e.to),
        Some("role/r".to_string())
    );
    assert_eq!(runs_as(ACCT, "arn:aws:iam::111111111111:user/u"), None);
    assert_eq!(runs_as(ACCT, "arn:aws:sts::111111111111:role/r"), None);
    assert_eq!(runs_as(ACCT, "role/r"), None);
    assert_eq!(runs_as(ACCT, "arn:aws:iam::111111111111:role/"), None);
}

#[test]
fn lambda_times_become_rfc3339_utc_or_stay_as_written() {
    assert_eq!(
        lambda_time("2024-05-01T12:00:00.000+0000"),
        "2024-05-01T12:00:00Z"
    );
    assert_eq!(lambda_time("yesterday"), "yesterday");
}

#[test]
fn describing_an_api_without_a_collector_is_unknown() {
    let conf = lambda::Config::builder()
        .behavior_version(lambda::config::BehaviorVersion::latest())
        .region(lambda::config::Region::new(REGION))
        .build();
    // Never sends a request: the name is refused before any call.
    let r = block_on(describe_one(
        &lambda::Client::from_conf(conf),
        ACCT,
        REGION,
        50,
        "lambda:GetFunction",
    ));
    assert_eq!(
        r.err().map(|f| (f.status, f.code)),
        Some((CoverageStatus::Error, Some("UnknownApi".to_string())))
    );
}
