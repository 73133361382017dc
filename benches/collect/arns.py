"""Which ARNs from the Resource Groups Tagging API orgscope keeps as
`tagged_resource`s, for the Python peers (botocove_collect.py, and run.py
counting the CLI loop's answers).

`GetResources` also returns the resources orgscope collects as kinds of
their own (EC2, ELBv2, RDS, Lambda, DynamoDB, S3, IAM, ...). orgscope drops
those ARNs, so as not to count a resource twice
(`orgscope_core::model::arn::modelled_kind`); a peer that counted every
ARN would report more resources than orgscope for the same answers. This
is a port of that rule: the ARN's service and resource type, read the way
`Arn::parse` reads them, against the (service, type) pairs of the kinds'
ARN templates in `crates/orgscope-core/src/model/kinds/`.
"""

# (service, resource type) of every kind orgscope models, from the ARN
# templates of crates/orgscope-core/src/model/kinds/ (IAM's type is in the
# id, `role/NAME`, so the kind's name gives it). Keep in step with them.
MODELLED = {
    ("ec2", t)
    for t in (
        "instance",
        "vpc",
        "subnet",
        "security-group",
        "volume",
        "elastic-ip",
        "internet-gateway",
        "egress-only-internet-gateway",
        "natgateway",
        "route-table",
        "vpc-endpoint",
        "vpc-peering-connection",
        "transit-gateway",
        "transit-gateway-attachment",
        "transit-gateway-route-table",
    )
} | {
    ("elasticloadbalancing", "loadbalancer"),
    ("elasticloadbalancing", "listener"),
    ("elasticloadbalancing", "targetgroup"),
    ("rds", "db"),
    ("rds", "cluster"),
    ("lambda", "function"),
    ("eks", "cluster"),
    ("dynamodb", "table"),
    ("s3", "bucket"),
    ("iam", "role"),
    ("iam", "user"),
    ("iam", "group"),
    ("iam", "policy"),
}
# Services whose ARNs name a resource with no type in front.
BARE = {"sqs": "queue", "sns": "topic", "s3": "bucket"}


def service_and_type(arn):
    """(service, resource type or None) of an ARN, or None when orgscope
    cannot read it (it keeps such an ARN, with a note)."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not parts[1] or not parts[2] or not parts[5]:
        return None
    service, resource = parts[2], parts[5]
    if service == "s3":
        return service, ("object" if "/" in resource else "bucket")
    trimmed = resource[1:] if resource.startswith("/") else resource
    cut = min((i for i in (trimmed.find("/"), trimmed.find(":")) if i >= 0), default=-1)
    if cut > 0:
        return service, trimmed[:cut]
    return service, BARE.get(service)


def is_tagged_resource(arn):
    """True when orgscope lists this ARN as a `tagged_resource`, i.e. no
    kind of its own covers it. Classic load balancers share ELBv2's type
    but are not collected: their ids lack ELBv2's `app/`, `net/`, `gwy/`."""
    st = service_and_type(arn)
    if st is None or st not in MODELLED:
        return True
    if st == ("elasticloadbalancing", "loadbalancer"):
        lb_id = arn.split(":", 5)[5].split("/", 1)[-1]
        return not lb_id.startswith(("app/", "net/", "gwy/"))
    return False
