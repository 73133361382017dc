//! A member's IAM answered by the fault proxy from recordings of AWS's
//! own answers (the IAM API reference's examples, with this test's
//! names): two pages of `GetAccountAuthorizationDetails`, whose paging
//! moto never does, with documents URL-encoded as AWS sends every one of
//! them, and its user's access key with a last use.

use std::collections::BTreeMap;

use aws_credential_types::Credentials;
use orgscope::model::{Edge, Rel, kinds};

use super::{DETAILS, LOGS, OUTSIDE, V1, V2, collect, json, list, of_kind, options, text, trust};
use crate::support::moto::{self, Moto};
use crate::support::proxy::{Fault, FaultProxy, Match, Rule, Rules};
use crate::support::seed;

/// A document URL-encoded as IAM sends it (RFC 3986: every byte but the
/// unreserved ones as `%XX`).
fn url_encoded(doc: &str) -> String {
    doc.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

const IAM_NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
/// Not AWS's documented example key: moto answers `GetCallerIdentity`
/// with that one as the caller's user id, which a snapshot rightly keeps.
const RECORDED_KEY: &str = "AKIA5RECORDEDKEYQ7Z3";

/// `GetAccountAuthorizationDetails` as AWS answers it (IAM API reference,
/// its example response), in two pages: a role and a user in the first,
/// the user's group and a customer-managed policy in the second.
fn recorded_details(account: &str) -> [String; 2] {
    let trust = url_encoded(&trust(
        serde_json::json!({"AWS": format!("arn:aws:iam::{OUTSIDE}:root")}),
        None,
    ));
    let (logs, v2) = (url_encoded(LOGS), url_encoded(V2));
    let page1 = format!(
        "<GetAccountAuthorizationDetailsResponse xmlns=\"{IAM_NS}\"><GetAccountAuthorizationDetailsResult>\
         <IsTruncated>true</IsTruncated>\
         <Marker>EXAMPLEkakv9BCuUNFDtxWSyfzetYwEx2ADc8dnzfvERF5S6YMvXKx41t6gCl/eeaCX3Jo94/bKqezEAg8TEVS99EKFLxm3jtbpl25FDWEXAMPLE</Marker>\
         <UserDetailList><member><Path>/</Path><UserName>recorded-user</UserName><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>\
         <Arn>arn:aws:iam::{account}:user/recorded-user</Arn><CreateDate>2024-01-10T09:00:00Z</CreateDate>\
         <GroupList><member>recorded-group</member></GroupList><UserPolicyList/><AttachedManagedPolicies/><Tags/></member></UserDetailList>\
         <GroupDetailList/>\
         <RoleDetailList><member><Path>/application_abc/component_xyz/</Path><RoleName>vendor-audit</RoleName>\
         <RoleId>AROA1234567890EXAMPLE</RoleId><Arn>arn:aws:iam::{account}:role/application_abc/component_xyz/vendor-audit</Arn>\
         <CreateDate>2024-01-10T09:00:00Z</CreateDate><AssumeRolePolicyDocument>{trust}</AssumeRolePolicyDocument>\
         <InstanceProfileList/><RolePolicyList><member><PolicyName>logs</PolicyName><PolicyDocument>{logs}</PolicyDocument></member></RolePolicyList>\
         <AttachedManagedPolicies><member><PolicyName>SecurityAudit</PolicyName><PolicyArn>arn:aws:iam::aws:policy/SecurityAudit</PolicyArn></member></AttachedManagedPolicies>\
         <Tags><member><Key>owner</Key><Value>security</Value></member></Tags>\
         <RoleLastUsed><LastUsedDate>2024-02-01T08:00:00Z</LastUsedDate><Region>eu-west-1</Region></RoleLastUsed></member></RoleDetailList>\
         <Policies/></GetAccountAuthorizationDetailsResult>\
         <ResponseMetadata><RequestId>92e79ae7-7399-11e4-8c85-4b53eEXAMPLE</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>"
    );
    let page2 = format!(
        "<GetAccountAuthorizationDetailsResponse xmlns=\"{IAM_NS}\"><GetAccountAuthorizationDetailsResult>\
         <IsTruncated>false</IsTruncated><UserDetailList/>\
         <GroupDetailList><member><Path>/teams/</Path><GroupName>recorded-group</GroupName><GroupId>AGPA1234567890EXAMPLE</GroupId>\
         <Arn>arn:aws:iam::{account}:group/teams/recorded-group</Arn><CreateDate>2024-01-10T09:00:00Z</CreateDate><GroupPolicyList/>\
         <AttachedManagedPolicies><member><PolicyName>deploy</PolicyName><PolicyArn>arn:aws:iam::{account}:policy/team/deploy</PolicyArn></member></AttachedManagedPolicies></member></GroupDetailList>\
         <RoleDetailList/>\
         <Policies><member><PolicyName>deploy</PolicyName><DefaultVersionId>v2</DefaultVersionId><PolicyId>ANPA1234567890EXAMPLE</PolicyId>\
         <Path>/team/</Path><Arn>arn:aws:iam::{account}:policy/team/deploy</Arn><AttachmentCount>1</AttachmentCount>\
         <PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable>\
         <CreateDate>2024-01-10T09:00:00Z</CreateDate><UpdateDate>2024-01-20T09:00:00Z</UpdateDate>\
         <PolicyVersionList><member><Document>{v2}</Document><IsDefaultVersion>true</IsDefaultVersion><VersionId>v2</VersionId><CreateDate>2024-01-20T09:00:00Z</CreateDate></member>\
         <member><Document>{v1}</Document><IsDefaultVersion>false</IsDefaultVersion><VersionId>v1</VersionId><CreateDate>2024-01-10T09:00:00Z</CreateDate></member></PolicyVersionList></member></Policies>\
         </GetAccountAuthorizationDetailsResult>\
         <ResponseMetadata><RequestId>92e79ae7-7399-11e4-8c85-4b53eEXAMPL2</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>",
        v1 = url_encoded(V1),
    );
    [page1, page2]
}

fn recorded_keys() -> [String; 2] {
    [
        format!(
            "<ListAccessKeysResponse xmlns=\"{IAM_NS}\"><ListAccessKeysResult><UserName>recorded-user</UserName>\
             <AccessKeyMetadata><member><UserName>recorded-user</UserName><AccessKeyId>{RECORDED_KEY}</AccessKeyId>\
             <Status>Inactive</Status><CreateDate>2024-01-10T09:00:00Z</CreateDate></member></AccessKeyMetadata>\
             <IsTruncated>false</IsTruncated></ListAccessKeysResult>\
             <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></ListAccessKeysResponse>"
        ),
        format!(
            "<GetAccessKeyLastUsedResponse xmlns=\"{IAM_NS}\"><GetAccessKeyLastUsedResult>\
             <AccessKeyLastUsed><Region>us-west-2</Region><LastUsedDate>2024-02-02T10:00:00Z</LastUsedDate><ServiceName>s3</ServiceName></AccessKeyLastUsed>\
             <UserName>recorded-user</UserName></GetAccessKeyLastUsedResult>\
             <ResponseMetadata><RequestId>510a6abf-d8fc-11e4-9fba-2f4cEXAMPLE</RequestId></ResponseMetadata></GetAccessKeyLastUsedResponse>"
        ),
    ]
}

/// moto never pages `GetAccountAuthorizationDetails`: the proxy answers a
/// member's with two recorded pages (and its user's keys with recorded
/// answers), so the collector follows the marker over the wire, decodes
/// AWS's encoded documents and joins a user to a group listed a page later.
#[test]
fn a_recorded_two_page_answer_is_followed_to_the_end() {
    let rt = crate::support::runtime();
    rt.block_on(async {
        let moto = Moto::start();
        let conf = moto.sdk_config().await;
        let mut org = seed::empty_org(&conf).await;
        let client = aws_sdk_organizations::Client::new(&conf);
        let member =
            seed::create_account(&client, &mut org, "recorded", "Workloads", BTreeMap::new()).await;
        let [page1, page2] = recorded_details(&member);
        let [list_keys, last_used] = recorded_keys();
        let answer = |action: &str, body: &str| {
            Rule::new(
                Match::any().action(action).account(&member),
                Fault::respond(body),
            )
            .limit(1)
        };
        let rules = Rules::none()
            .with(answer(DETAILS, &page1))
            .with(answer(DETAILS, &page2))
            .with(answer("iam:ListAccessKeys", &list_keys))
            .with(answer("iam:GetAccessKeyLastUsed", &last_used));
        let proxy = FaultProxy::start(&moto.endpoint(), rules)
            .await
            .expect("proxy");
        let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(proxy.endpoint())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(Credentials::new(
                moto::ACCESS_KEY,
                moto::ACCESS_KEY,
                None,
                None,
                "test",
            ))
            .load()
            .await;
        let estate = collect(options(base)).await;
        assert!(
            !estate.is_partial(),
            "{:?}",
            estate.failed_cells().collect::<Vec<_>>()
        );
        assert_eq!(proxy.seen_for(&member, DETAILS), 2, "both pages asked");
        assert_eq!(proxy.injected().get("respond"), Some(&4));

        let ids = |kind| {
            of_kind(&estate, &member, kind)
                .keys()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(kinds::IAM_ROLE),
            ["application_abc/component_xyz/vendor-audit"]
        );
        assert_eq!(ids(kinds::IAM_USER), ["recorded-user"]);
        assert_eq!(ids(kinds::IAM_GROUP), ["teams/recorded-group"]);
        assert_eq!(ids(kinds::IAM_POLICY), ["team/deploy"]);

        let roles = of_kind(&estate, &member, kinds::IAM_ROLE);
        let role = roles["application_abc/component_xyz/vendor-audit"];
        assert_eq!(text(role, "role_id"), Some("AROA1234567890EXAMPLE"));
        assert_eq!(text(role, "created"), Some("2024-01-10T09:00:00Z"));
        assert_eq!(text(role, "last_used"), Some("2024-02-01T08:00:00Z"));
        assert_eq!(text(role, "last_used_region"), Some("eu-west-1"));
        let trust_text = text(role, "trust_policy").expect("trust");
        assert_eq!(
            json(trust_text)["Statement"][0]["Principal"]["AWS"],
            format!("arn:aws:iam::{OUTSIDE}:root")
        );
        assert_eq!(
            json(text(role, "inline_policies").expect("inline")),
            serde_json::json!({ "logs": json(LOGS) })
        );
        assert_eq!(role.tags.get("owner").map(String::as_str), Some("security"));
        assert_eq!(
            role.relations,
            [
                Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/SecurityAudit")
                    .named("SecurityAudit")
                    .in_account("aws")
            ]
        );

        let users = of_kind(&estate, &member, kinds::IAM_USER);
        let user = users["recorded-user"];
        assert_eq!(
            user.relations,
            [
                Edge::new(Rel::InGroup, kinds::IAM_GROUP, "group/teams/recorded-group")
                    .named("recorded-group")
            ]
        );
        assert_eq!(
            list(user, "access_keys"),
            Some(vec![
                "Q7Z3 Inactive 2024-01-10T09:00:00Z 2024-02-02T10:00:00Z".to_string()
            ])
        );

        let policies = of_kind(&estate, &member, kinds::IAM_POLICY);
        let policy = policies["team/deploy"];
        assert_eq!(text(policy, "policy_id"), Some("ANPA1234567890EXAMPLE"));
        assert_eq!(text(policy, "document"), Some(V2));
        assert_eq!(text(policy, "updated"), Some("2024-01-20T09:00:00Z"));

        let written = serde_json::to_string(&estate).expect("serialize");
        assert!(!written.contains(RECORDED_KEY));
        assert!(!written.contains(&RECORDED_KEY[..RECORDED_KEY.len() - 4]));
    });
}
