//! A recorded two-page `ListFunctions` replayed by the proxy on the wire:
//! moto ignores Lambda's `MaxItems`, and its Lambda refuses an execution
//! role of another account (`CrossAccountNotAllowed`), which a real
//! answer may name. The collector follows the marker to the end, asks
//! `ListTags` once per function, and keeps the other account's role as
//! the far end of its `RunsAs` edge.

use orgscope::model::{Rel, kinds};

use super::{REGION, of_kind, options, proxied, run};
use crate::support::moto::{MANAGEMENT_ACCOUNT, Moto};
use crate::support::proxy::{Fault, FaultProxy, Match, Rule, Rules};
use crate::support::{runtime, seed};

/// A real answer's shape, two pages of it: the second function runs as a
/// role of another account, which moto's Lambda cannot hold.
fn list_functions_page(account: &str, name: &str, role: &str, marker: Option<&str>) -> String {
    serde_json::json!({
        "Functions": [{
            "FunctionName": name,
            "FunctionArn": format!("arn:aws:lambda:{REGION}:{account}:function:{name}"),
            "Runtime": "python3.12",
            "Role": role,
            "Handler": "app.handler",
            "CodeSize": 1024,
            "Timeout": 10,
            "MemorySize": 256,
            "LastModified": "2026-10-01T08:30:15.123+0000",
            "PackageType": "Zip",
            "Architectures": ["x86_64"],
            "State": "Active"
        }],
        "NextMarker": marker
    })
    .to_string()
}

#[test]
fn a_recorded_two_page_listing_is_followed_and_a_cross_account_role_kept() {
    let rt = runtime();
    rt.block_on(async {
        let moto = Moto::start();
        let conf = moto.sdk_config().await;
        seed::empty_org(&conf).await;
        let acct = MANAGEMENT_ACCOUNT;
        let page1 = list_functions_page(
            acct,
            "first",
            &format!("arn:aws:iam::{acct}:role/first-exec"),
            Some("m1"),
        );
        let page2 = list_functions_page(
            acct,
            "second",
            "arn:aws:iam::210987654321:role/shared/central-exec",
            None,
        );
        let answer = |action: &str, body: &str| {
            Rule::new(
                Match::any().action(action).account(acct),
                Fault::respond(body),
            )
            .limit(1)
        };
        let rules = Rules::none()
            .with(answer("lambda:ListFunctions", &page1))
            .with(answer("lambda:ListFunctions", &page2))
            .with(
                Rule::new(
                    Match::any().action("lambda:ListTags").account(acct),
                    Fault::respond(r#"{"Tags":{"owner":"team-central"}}"#),
                )
                .limit(2),
            );
        let proxy = FaultProxy::start(&moto.endpoint(), rules)
            .await
            .expect("proxy");
        let e = run(options(proxied(&proxy).await, &[REGION])).await;
        assert!(
            !e.is_partial(),
            "{:?}",
            e.failed_cells().collect::<Vec<_>>()
        );
        assert_eq!(
            proxy.seen_for(acct, "lambda:ListFunctions"),
            2,
            "both pages"
        );
        assert_eq!(
            proxy.seen_for(acct, "lambda:ListTags"),
            2,
            "one per function"
        );
        let functions = of_kind(&e, acct, kinds::LAMBDA_FUNCTION);
        let ids: Vec<&str> = functions.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["first", "second"]);
        let second = functions[1];
        assert_eq!(second.text("last_modified"), Some("2026-10-01T08:30:15Z"));
        assert_eq!(
            second.tags.get("owner").map(String::as_str),
            Some("team-central")
        );
        let edge = second.edges(Rel::RunsAs).next().expect("runs as");
        assert_eq!(
            (
                edge.to.as_str(),
                edge.account_id.as_deref(),
                edge.name.as_deref()
            ),
            (
                "role/shared/central-exec",
                Some("210987654321"),
                Some("central-exec")
            )
        );
    });
}
