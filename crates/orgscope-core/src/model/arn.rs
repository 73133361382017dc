//! Reading ARNs of any service, for the `tagged_resource` kind: the
//! Resource Groups Tagging API (`GetResources`) names every taggable
//! resource only by its ARN, so the service and the resource type a user
//! filters and groups by come from the ARN's text, parsed here once.
//!
//! ARNs are `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, and the
//! resource part has three shapes: `TYPE/ID` (`instance/i-1`, `key/…`,
//! `loadbalancer/app/web/1` whose id holds more `/`), `TYPE:ID` (`db:x`,
//! `function:f`, `log-group:/aws/x:*` whose id holds more `:`), or a bare
//! name whose type the service implies (an SQS queue, an SNS topic, an S3
//! bucket). Anything else is not an ARN orgscope can read: it is kept as a
//! resource with a note saying so, never dropped and never a panic.
//!
//! Double counting: the Tagging API also returns the EC2 and ELBv2
//! resources that orgscope collects as kinds of their own, with their
//! tags. Listing them again as tagged resources would count each twice in
//! the table, the diff and tag compliance, so [`modelled_kind`] says which
//! kind already covers an ARN — decided from each kind's ARN template in
//! the registry (and, for IAM, whose ids carry their type, its name), so a
//! kind added later is covered without touching this file — and the
//! collector and the demo drop those ARNs (their tags are already on the
//! kind's own resource).

use std::sync::OnceLock;

use super::kind::Kind;
use super::kinds;
use super::{Resource, Tags};

/// The parts of an ARN orgscope keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    /// Empty for global resources (S3 buckets, IAM).
    pub region: &'a str,
    /// Empty for S3 buckets.
    pub account: &'a str,
    /// What the resource is (`instance`, `db`, `queue`), when the ARN or
    /// its service says; `None` for a bare name of a service that does not.
    pub resource_type: Option<&'a str>,
    /// The resource part as written after the account (`db:x`,
    /// `instance/i-1`, `orders`).
    pub resource: &'a str,
    /// The resource's own name or id: the resource part after its type.
    pub id: &'a str,
}

/// Services whose ARNs name a resource by itself, with no type in front:
/// the type the service implies. (S3 object ARNs, `bucket/key`, are
/// never returned by the Tagging API; S3 is handled apart below.)
const BARE: &[(&str, &str)] = &[("sqs", "queue"), ("sns", "topic"), ("s3", "bucket")];

impl<'a> Arn<'a> {
    /// Parse `arn`; `None` when it is not an ARN orgscope can read.
    pub fn parse(arn: &'a str) -> Option<Arn<'a>> {
        // The resource part may hold `:` itself, so six parts at most.
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let (region, account, resource) = (parts.next()?, parts.next()?, parts.next()?);
        let account_ok = account.is_empty()
            || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        if partition.is_empty() || service.is_empty() || resource.is_empty() || !account_ok {
            return None;
        }
        let (resource_type, id) = if service == "s3" {
            // `arn:aws:s3:::bucket`; a `/` would make it an object.
            match resource.split_once('/') {
                None => (Some("bucket"), resource),
                Some((_, key)) => (Some("object"), key),
            }
        } else {
            // API Gateway writes `/restapis/ID`: the type is the first
            // segment either way.
            let trimmed = resource.strip_prefix('/').unwrap_or(resource);
            if trimmed.starts_with(':') {
                return None;
            }
            match trimmed.find(['/', ':']) {
                Some(at) if at > 0 => (Some(&trimmed[..at]), &trimmed[at + 1..]),
                _ => (
                    BARE.iter().find(|(s, _)| *s == service).map(|(_, t)| *t),
                    trimmed,
                ),
            }
        };
        if id.is_empty() {
            return None;
        }
        Some(Arn {
            partition,
            service,
            region,
            account,
            resource_type,
            resource,
            id,
        })
    }

    /// The resource part with the type the service implies written in
    /// front when the ARN leaves it out (`queue/orders`), so that a queue
    /// and a topic of one name differ: the diff pairs unnamed tagged
    /// resources by it.
    pub fn typed_resource(&self) -> String {
        match self.resource_type {
            // The whole resource part is the id: no type was written.
            Some(t) if self.id == self.resource => format!("{t}/{}", self.resource),
            _ => self.resource.to_string(),
        }
    }
}

/// The (service, resource type) each regional or global kind's ARN
/// template names, read from the registry once: the template filled with
/// placeholders parsed like any ARN. A kind whose template leaves its type
/// to the id (IAM's `{id}` is `role/NAME`) is named `SERVICE_TYPE`
/// (`iam_role`), which gives the type; `tagged_resource`'s own template is
/// the ARN itself.
fn modelled() -> &'static [(String, String, Kind)] {
    static MODELLED: OnceLock<Vec<(String, String, Kind)>> = OnceLock::new();
    MODELLED.get_or_init(|| {
        const ID: &str = "orgscope-placeholder";
        Kind::all()
            .filter(|k| *k != kinds::TAGGED_RESOURCE)
            .filter_map(|k| {
                let filled = k
                    .def()
                    .arn
                    .replace("{partition}", "aws")
                    .replace("{region}", "eu-west-1")
                    .replace("{account}", "111111111111")
                    .replace("{id}", ID);
                let arn = Arn::parse(&filled)?;
                let ty = match arn.resource_type {
                    Some(t) if t != ID => t,
                    // The type is in the id: the kind's name says it.
                    _ if arn.resource == ID => k
                        .def()
                        .name
                        .strip_prefix(arn.service)
                        .and_then(|n| n.strip_prefix('_'))?,
                    _ => return None,
                };
                Some((arn.service.to_string(), ty.to_string(), k))
            })
            .collect()
    })
}

/// The kind orgscope models `arn`'s resource as, if any: its own
/// collector lists it with its tags, so it must not be listed again as a
/// tagged resource.
pub fn modelled_kind(arn: &Arn<'_>) -> Option<Kind> {
    let ty = arn.resource_type?;
    let kind = modelled()
        .iter()
        .find(|(s, t, _)| s == arn.service && t == ty)
        .map(|(_, _, k)| *k)?;
    // Classic load balancers share ELBv2's `loadbalancer/` type but are
    // not collected (ELBv2 ids start with the balancer's type): they stay
    // tagged resources.
    if kind == kinds::LOAD_BALANCER
        && !["app/", "net/", "gwy/"]
            .iter()
            .any(|p| arn.id.starts_with(p))
    {
        return None;
    }
    Some(kind)
}

/// What one ARN from `GetResources` becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Tagged {
    /// A resource of the `tagged_resource` kind.
    Resource(Resource),
    /// Already a resource of this kind: not listed again.
    Modelled(Kind),
}

/// The `tagged_resource` for `arn` listed in `account_id`'s `region` with
/// `tags`, or the kind that already models it. An ARN orgscope cannot
/// read is still a resource (counted by tag compliance), with its text as
/// id and a note saying what was wrong.
pub fn tagged_resource(account_id: &str, region: &str, arn: &str, tags: Tags) -> Tagged {
    let mut r = Resource::new(kinds::TAGGED_RESOURCE, account_id, region, arn);
    match Arn::parse(arn) {
        Some(parsed) => {
            if let Some(kind) = modelled_kind(&parsed) {
                return Tagged::Modelled(kind);
            }
            r.set("service", parsed.service);
            if let Some(t) = parsed.resource_type {
                r.set("resource_type", t);
            }
            r.set("resource", parsed.typed_resource());
        }
        None => {
            let shown: String = arn.chars().take(200).collect();
            r.set(
                "note",
                format!(
                    "not an ARN orgscope can read ({shown:?}): expected \
                     arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"
                ),
            );
        }
    }
    r.name = tags.get("Name").filter(|n| !n.is_empty()).cloned();
    r.tags = tags;
    Tagged::Resource(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(arn: &str) -> Option<(&str, Option<&str>, &str)> {
        Arn::parse(arn).map(|a| (a.service, a.resource_type, a.id))
    }

    #[test]
    fn service_and_type_come_from_every_shape_of_resource_part() {
        let cases = [
            (
                "arn:aws:rds:eu-west-1:111111111111:db:x",
                ("rds", Some("db"), "x"),
            ),
            (
                "arn:aws:s3:::my-bucket",
                ("s3", Some("bucket"), "my-bucket"),
            ),
            (
                "arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc",
                ("ec2", Some("instance"), "i-0abc"),
            ),
            (
                "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/f:*",
                ("logs", Some("log-group"), "/aws/lambda/f:*"),
            ),
            (
                "arn:aws:sqs:eu-west-1:111111111111:payments-orders",
                ("sqs", Some("queue"), "payments-orders"),
            ),
            (
                "arn:aws:sns:us-east-1:111111111111:alerts",
                ("sns", Some("topic"), "alerts"),
            ),
            (
                "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab",
                ("kms", Some("key"), "1234abcd-12ab"),
            ),
            (
                "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db/pass-AbCdEf",
                ("secretsmanager", Some("secret"), "db/pass-AbCdEf"),
            ),
            (
                "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3",
                ("apigateway", Some("restapis"), "a1b2c3"),
            ),
            (
                "arn:aws-cn:elasticloadbalancing:cn-north-1:111111111111:loadbalancer/app/web/1",
                ("elasticloadbalancing", Some("loadbalancer"), "app/web/1"),
            ),
            // A bare name of a service with no implied type.
            (
                "arn:aws:cloudfront::111111111111:thing",
                ("cloudfront", None, "thing"),
            ),
        ];
        for (arn, want) in cases {
            assert_eq!(parts(arn), Some(want), "{arn}");
        }
    }

    #[test]
    fn garbage_is_not_an_arn_and_never_panics() {
        for bad in [
            "",
            "arn",
            "arn:",
            "arn:aws",
            "arn:aws:sqs",
            "arn:aws:sqs:eu-west-1:111111111111",
            "arn:aws:sqs:eu-west-1:111111111111:",
            "arn::sqs:eu-west-1:111111111111:q",
            "arn:aws::eu-west-1:111111111111:q",
            "arn:aws:sqs:eu-west-1:12:q",
            "arn:aws:ec2:eu-west-1:111111111111:instance/",
            "urn:aws:sqs:eu-west-1:111111111111:q",
            "arn:aws:ec2:eu-west-1:111111111111:/",
            "arn:aws:ec2:eu-west-1:111111111111:::",
            "ärn:äws:sqs:€:111111111111:q",
        ] {
            assert_eq!(Arn::parse(bad), None, "{bad:?}");
        }
        // Multi-byte text inside a well-formed ARN is fine.
        assert_eq!(
            parts("arn:aws:sqs:eu-west-1:111111111111:café"),
            Some(("sqs", Some("queue"), "café"))
        );
    }

    #[test]
    fn the_typed_resource_names_the_implied_type() {
        let typed = |a: &str| Arn::parse(a).map(|a| a.typed_resource());
        assert_eq!(
            typed("arn:aws:sqs:eu-west-1:111111111111:orders").as_deref(),
            Some("queue/orders")
        );
        assert_eq!(
            typed("arn:aws:sns:eu-west-1:111111111111:orders").as_deref(),
            Some("topic/orders")
        );
        assert_eq!(
            typed("arn:aws:rds:eu-west-1:111111111111:db:x").as_deref(),
            Some("db:x")
        );
        assert_eq!(
            typed("arn:aws:apigateway:eu-west-1::/restapis/a1").as_deref(),
            Some("/restapis/a1")
        );
    }

    #[test]
    fn every_ec2_and_elb_kind_is_modelled_and_others_are_not() {
        let acct = "111111111111";
        for k in Kind::all() {
            let def = k.def();
            if !matches!(def.service, "ec2" | "elasticloadbalancing") {
                continue;
            }
            // The ARN a real resource of the kind has.
            let id = if k == kinds::LOAD_BALANCER {
                "app/web/50dc6c495c0c9188"
            } else {
                "x-0123"
            };
            let arn = Resource::new(k, acct, "eu-west-1", id).arn();
            let parsed = Arn::parse(&arn);
            assert_eq!(parsed.and_then(|a| modelled_kind(&a)), Some(k), "{arn}");
            assert_eq!(
                tagged_resource(acct, "eu-west-1", &arn, Tags::new()),
                Tagged::Modelled(k)
            );
        }
        // IAM's ids carry their type; the kinds' names say which.
        for (arn, kind) in [
            ("arn:aws:iam::111111111111:role/ci-deploy", kinds::IAM_ROLE),
            ("arn:aws:iam::111111111111:user/alice", kinds::IAM_USER),
            ("arn:aws:iam::111111111111:group/admins", kinds::IAM_GROUP),
            ("arn:aws:iam::111111111111:policy/p", kinds::IAM_POLICY),
        ] {
            let parsed = Arn::parse(arn);
            assert_eq!(parsed.and_then(|a| modelled_kind(&a)), Some(kind), "{arn}");
        }
        for other in [
            "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
            "arn:aws:ec2:eu-west-1:111111111111:snapshot/snap-1",
            "arn:aws:ec2:eu-west-1:111111111111:network-interface/eni-1",
            "arn:aws:sqs:eu-west-1:111111111111:orders",
            // RDS DB instances and clusters are modelled (`db_instance`,
            // `db_cluster`); their snapshots are not.
            "arn:aws:rds:eu-west-1:111111111111:snapshot:rds:x-2026-01-01",
            // A classic load balancer is not an ELBv2 one.
            "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/legacy-web",
            "arn:aws:elasticloadbalancing:eu-west-1:111111111111:listener-rule/app/web/1/2/3",
        ] {
            let parsed = Arn::parse(other);
            assert!(parsed.is_some(), "{other}");
            assert_eq!(parsed.and_then(|a| modelled_kind(&a)), None, "{other}");
        }
    }

    #[test]
    fn a_tagged_resource_carries_service_type_name_and_tags() {
        let tags: Tags = [
            ("Name".to_string(), "orders queue".to_string()),
            ("owner".to_string(), "team-payments".to_string()),
        ]
        .into();
        let arn = "arn:aws:sqs:eu-west-1:111111111111:payments-prod-orders";
        let Tagged::Resource(r) = tagged_resource("111111111111", "eu-west-1", arn, tags.clone())
        else {
            panic!("an SQS queue is not modelled");
        };
        assert_eq!(r.kind, kinds::TAGGED_RESOURCE);
        assert_eq!(r.id, arn);
        assert_eq!(r.arn(), arn, "the template gives the ARN back");
        assert_eq!(r.name.as_deref(), Some("orders queue"));
        assert_eq!(r.tags, tags);
        assert_eq!(r.text("service"), Some("sqs"));
        assert_eq!(r.text("resource_type"), Some("queue"));
        assert_eq!(r.text("resource"), Some("queue/payments-prod-orders"));
        assert_eq!(r.text("note"), None);
    }

    #[test]
    fn an_unreadable_arn_is_kept_with_a_note() {
        let Tagged::Resource(r) =
            tagged_resource("111111111111", "eu-west-1", "not-an-arn", Tags::new())
        else {
            panic!("garbage is never modelled");
        };
        assert_eq!(r.id, "not-an-arn");
        assert_eq!(r.text("service"), None);
        let note = r.text("note").unwrap_or_default();
        assert!(note.contains("not an ARN orgscope can read"), "{note}");
        assert!(note.contains("not-an-arn"), "{note}");
    }
}
