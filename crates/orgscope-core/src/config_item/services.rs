//! Mappers of the regional services' resource types: ELBv2 load balancers
//! and listeners, RDS instances and clusters, Lambda functions, EKS
//! clusters, S3 buckets and DynamoDB tables, each read into the resource
//! the crawl's converter in `orgscope-aws` makes (`elbv2/`,
//! `rds/convert.rs`, `lambda.rs`, `eks.rs`, `s3.rs`, `dynamodb.rs`): the
//! same id, name, tags, field values and edges in the same order. The
//! shapes differ by type and are AWS's published ones
//! (`awslabs/aws-config-resource-schema`): most are the service's describe
//! output with lower-camel-case keys, and some of those spell acronyms
//! their own way (`dNSName`, `dbclusterIdentifier`, `ssedescription`); the
//! ELBv2 listener and the EKS cluster are CloudFormation-shaped
//! (`ListenerArn`, `ResourcesVpcConfig`); an S3 bucket's settings are in
//! the item's `supplementaryConfiguration`.
//!
//! Config has no `AWS::ElasticLoadBalancingV2::TargetGroup` type (it is in
//! neither the resource schema nor the developer guide's list of
//! supported types), so target groups stay unmapped and a Config-sourced
//! estate marks them not collected. What a type's item does not carry is
//! left null and named in [`NOT_RECORDED`]. Derived fields (a load
//! balancer's `internet`, a bucket's `shared_with`) are not set here: the
//! derivations run over the whole estate afterwards, as after a crawl.

use super::read::Reader;
use super::{ConfigItem, ItemError, Mapper};
use crate::model::arn::Arn;
use crate::model::aws::{lambda_time, replica_source, runs_as};
use crate::model::{Edge, Kind, Rel, Resource, Tags, Value, kinds};

pub(super) const MAPPERS: &[Mapper] = &[
    Mapper {
        resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
        kind: kinds::LOAD_BALANCER,
        map: load_balancer,
    },
    Mapper {
        resource_type: "AWS::ElasticLoadBalancingV2::Listener",
        kind: kinds::LISTENER,
        map: listener,
    },
    Mapper {
        resource_type: "AWS::RDS::DBInstance",
        kind: kinds::DB_INSTANCE,
        map: db_instance,
    },
    Mapper {
        resource_type: "AWS::RDS::DBCluster",
        kind: kinds::DB_CLUSTER,
        map: db_cluster,
    },
    Mapper {
        resource_type: "AWS::Lambda::Function",
        kind: kinds::LAMBDA_FUNCTION,
        map: lambda_function,
    },
    Mapper {
        resource_type: "AWS::EKS::Cluster",
        kind: kinds::EKS_CLUSTER,
        map: eks_cluster,
    },
    Mapper {
        resource_type: "AWS::S3::Bucket",
        kind: kinds::S3_BUCKET,
        map: s3_bucket,
    },
    Mapper {
        resource_type: "AWS::DynamoDB::Table",
        kind: kinds::DYNAMODB_TABLE,
        map: dynamodb_table,
    },
];

/// Fields the crawl fills that these types' items do not carry (kind
/// name, field name): left null, and left out of the differential test.
pub(super) const NOT_RECORDED: &[(&str, &str)] = &[
    // The CloudFormation-shaped EKS item has no `PlatformVersion`.
    ("eks_cluster", "platform_version"),
    // `deletionProtectionEnabled` is not among the table's recorded
    // properties.
    ("dynamodb_table", "deletion_protection"),
];

/// A resource named as ELBv2 and RDS name theirs: the `Name` tag when it
/// is not empty, else `natural` (the name the service shows), with the
/// item's tags.
fn named(item: &ConfigItem, kind: Kind, id: &str, natural: Option<&str>) -> Resource {
    let mut r = Resource::new(kind, &item.account_id, &item.region, id);
    r.name = item
        .tags
        .get("Name")
        .filter(|n| !n.is_empty())
        .cloned()
        .or_else(|| natural.filter(|n| !n.is_empty()).map(str::to_string));
    r.tags = item.tags.clone();
    r
}

/// A resource named by its own name (`id`), whatever its tags say, as
/// the crawl names functions, clusters, buckets and tables.
fn self_named(item: &ConfigItem, kind: Kind, id: &str) -> Resource {
    let mut r = Resource::new(kind, &item.account_id, &item.region, id);
    r.name = Some(id.to_string());
    r.tags = item.tags.clone();
    r
}

/// Ids sorted and each once, so edges do not depend on the order AWS
/// listed them in (as the crawl sorts them).
fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Ids each once in the order listed (the crawl keeps EKS's order).
fn each_once(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The VPC a relationship names (`Is contained in Vpc`), for items whose
/// configuration leaves the VPC out.
fn related_vpc(item: &ConfigItem) -> Option<String> {
    item.relationships
        .iter()
        .find(|r| r.resource_type.as_deref() == Some("AWS::EC2::VPC"))
        .and_then(|r| r.resource_id.clone())
        .filter(|id| !id.is_empty())
}

// ---------------------------------------------------------------- ELBv2

/// An ELBv2 ARN of `resource_type` (`loadbalancer`, `listener`,
/// `targetgroup`), read as the crawl's `elbv2::Arn` reads it: a named
/// region and 12-digit account, and an id (`app/NAME/HEX`) without `:`.
fn elb_arn<'a>(arn: &'a str, resource_type: &str) -> Option<Arn<'a>> {
    Arn::parse(arn).filter(|a| {
        a.service == "elasticloadbalancing"
            && a.resource_type == Some(resource_type)
            && !a.region.is_empty()
            && a.account.len() == 12
            && !a.id.contains(':')
    })
}

/// An edge to the resource an ARN names, in its own account and region
/// when they are not the item's.
fn edge_to(item: &ConfigItem, rel: Rel, kind: Kind, arn: &Arn<'_>) -> Edge {
    let mut e = Edge::new(rel, kind, arn.id);
    if arn.account != item.account_id {
        e = e.in_account(arn.account);
    }
    if arn.region != item.region {
        e = e.in_region(arn.region);
    }
    e
}

fn load_balancer(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let text = match c.text("loadBalancerArn")? {
        Some(a) => a,
        None => item
            .arn
            .clone()
            .ok_or_else(|| c.malformed("loadBalancerArn", "is missing"))?,
    };
    let arn = elb_arn(&text, "loadbalancer")
        .ok_or_else(|| c.malformed("loadBalancerArn", "is not a load balancer ARN"))?;
    let natural = c.text("loadBalancerName")?;
    let mut r = named(item, kinds::LOAD_BALANCER, arn.id, natural.as_deref())
        .with("lb_type", c.text("type")?)
        .with("scheme", c.text("scheme")?)
        .with("state", c.text("state.code")?)
        .with("dns_name", c.text("dNSName")?)
        .with("ip_address_type", c.text("ipAddressType")?);
    if let Some(vpc) = c.text("vpcId")? {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    let mut subnets = Vec::new();
    for z in c.objects("availabilityZones")? {
        subnets.extend(z.text("subnetId")?);
    }
    r.relations.extend(
        sorted(subnets)
            .into_iter()
            .map(|s| Edge::new(Rel::InSubnet, kinds::SUBNET, s)),
    );
    let groups = c.texts("securityGroups")?.unwrap_or_default();
    r.relations.extend(
        sorted(groups)
            .into_iter()
            .map(|g| Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, g)),
    );
    Ok(r)
}

/// A listener: CloudFormation-shaped keys. Untagged, as the crawl makes
/// it (`DescribeListeners` returns no tags and the crawl asks for none).
fn listener(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let text = match c.text("ListenerArn")? {
        Some(a) => a,
        None => item
            .arn
            .clone()
            .ok_or_else(|| c.malformed("ListenerArn", "is missing"))?,
    };
    let arn = elb_arn(&text, "listener")
        .ok_or_else(|| c.malformed("ListenerArn", "is not a listener ARN"))?;
    let protocol = c.text("Protocol")?;
    let port = c.number("Port")?;
    // `HTTPS:443`, as the console names a listener; gateway load
    // balancers' listeners have neither, and no name.
    let name = match (&protocol, port) {
        (Some(p), Some(n)) => Some(format!("{p}:{n}")),
        _ => None,
    };
    let mut bare = Resource::new(kinds::LISTENER, &item.account_id, &item.region, arn.id);
    bare.name = name;
    bare.tags = Tags::new();
    let actions = c.objects("DefaultActions")?;
    // The action that decides where traffic goes: the last by `Order`,
    // the last listed when none has one (the crawl's `terminal_action`).
    let mut ordered = Vec::with_capacity(actions.len());
    for (i, a) in actions.iter().enumerate() {
        ordered.push((a.number("Order")?.unwrap_or(i64::MIN), i));
    }
    let terminal = match ordered.iter().max() {
        Some(&(_, i)) => actions[i].text("Type")?,
        None => None,
    };
    let mut r = bare
        .with("protocol", protocol)
        .with("port", port)
        .with("ssl_policy", c.text("SslPolicy")?)
        .with("action", terminal);
    if let Some(lb) = c.text("LoadBalancerArn")? {
        let lb = elb_arn(&lb, "loadbalancer")
            .ok_or_else(|| c.malformed("LoadBalancerArn", "is not a load balancer ARN"))?;
        let mut e = edge_to(item, Rel::AttachedTo, kinds::LOAD_BALANCER, &lb);
        if let Some(p) = port {
            e = e.attr("port", p.to_string());
        }
        r.relations.push(e);
    }
    // Every group a `forward` names, alone or weighted.
    let mut groups = Vec::new();
    for a in &actions {
        groups.extend(a.text("TargetGroupArn")?);
        if let Some(f) = a.object("ForwardConfig")? {
            for t in f.objects("TargetGroups")? {
                groups.extend(t.text("TargetGroupArn")?);
            }
        }
    }
    // An unusable target group ARN is skipped, as the crawl skips it: the
    // listener is still what it is.
    r.relations.extend(sorted(groups).iter().filter_map(|g| {
        let tg = elb_arn(g, "targetgroup")?;
        Some(edge_to(item, Rel::Targets, kinds::TARGET_GROUP, &tg))
    }));
    Ok(r)
}

// ------------------------------------------------------------------ RDS

/// The `replica_of` edge to a source named by identifier or ARN (kept as
/// written when it is an ARN but not RDS's, as the crawl keeps it).
fn source(item: &ConfigItem, s: &str, kind: Kind) -> Edge {
    replica_source(&item.account_id, &item.region, s, kind).0
}

/// Member of each VPC security group, sorted.
fn rds_groups(c: &Reader<'_>) -> Result<Vec<Edge>, ItemError> {
    let mut ids = Vec::new();
    for g in c.objects("vpcSecurityGroups")? {
        ids.extend(g.text("vpcSecurityGroupId")?);
    }
    Ok(sorted(ids)
        .into_iter()
        .map(|g| Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, g))
        .collect())
}

/// Set the yes/no fields the item has; one it leaves out stays null
/// (unknown), never `false`.
fn flags(r: &mut Resource, c: &Reader<'_>, pairs: &[(&str, &str)]) -> Result<(), ItemError> {
    for (field, key) in pairs {
        if let Some(v) = c.flag(key)? {
            r.set(field, v);
        }
    }
    Ok(())
}

/// The describe output of `DescribeDBInstances`. The item's `resourceId`
/// is the instance's `dbiResourceId` (`db-…`); the id is its identifier.
fn db_instance(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("dBInstanceIdentifier")?;
    let az = c.text("availabilityZone")?;
    let port = match c.number("endpoint.port")? {
        Some(p) => Some(p),
        None => c.number("dbInstancePort")?.filter(|p| *p > 0),
    };
    let mut r = named(item, kinds::DB_INSTANCE, &id, Some(&id))
        .with("engine", c.text("engine")?)
        .with("engine_version", c.text("engineVersion")?)
        .with("instance_class", c.text("dBInstanceClass")?)
        .with("storage_type", c.text("storageType")?)
        .with("allocated_storage", c.number("allocatedStorage")?)
        .with("status", c.text("dBInstanceStatus")?)
        .with("endpoint", c.text("endpoint.address")?)
        .with("port", port)
        .with("az", az.clone())
        .with("backup_retention", c.number("backupRetentionPeriod")?)
        .with("created", c.time("instanceCreateTime")?);
    flags(
        &mut r,
        &c,
        &[
            ("multi_az", "multiAZ"),
            ("storage_encrypted", "storageEncrypted"),
            ("publicly_accessible", "publiclyAccessible"),
            ("deletion_protection", "deletionProtection"),
        ],
    )?;
    if let Some(g) = c.object("dBSubnetGroup")? {
        if let Some(vpc) = g.text("vpcId")? {
            r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
        }
        // Its subnet: the one of its group in its zone when known, else
        // every subnet of the group (the crawl's `instance_subnets`).
        let mut listed = Vec::new();
        for s in g.objects("subnets")? {
            if let Some(id) = s.text("subnetIdentifier")? {
                listed.push((id, s.text("subnetAvailabilityZone.name")?));
            }
        }
        let in_az: Vec<String> = listed
            .iter()
            .filter(|(_, z)| az.is_some() && *z == az)
            .map(|(id, _)| id.clone())
            .collect();
        let subnets = if in_az.is_empty() {
            listed.into_iter().map(|(id, _)| id).collect()
        } else {
            in_az
        };
        r.relations.extend(
            sorted(subnets)
                .into_iter()
                .map(|s| Edge::new(Rel::InSubnet, kinds::SUBNET, s)),
        );
    }
    r.relations.extend(rds_groups(&c)?);
    if let Some(cluster) = c.text("dBClusterIdentifier")? {
        r.relations
            .push(Edge::new(Rel::InCluster, kinds::DB_CLUSTER, cluster));
    }
    if let Some(s) = c.text("readReplicaSourceDBInstanceIdentifier")? {
        r.relations.push(source(item, &s, kinds::DB_INSTANCE));
    }
    // The describe output's key for a replica of a cluster; newer than the
    // published schema, read when the item has it.
    if let Some(s) = c.text("readReplicaSourceDBClusterIdentifier")? {
        r.relations.push(source(item, &s, kinds::DB_CLUSTER));
    }
    Ok(r)
}

/// The describe output of `DescribeDBClusters`, in Config's spelling
/// (`dbclusterIdentifier`, `dbclusterMembers`).
///
/// The crawl reads a cluster's subnets and VPC from a member instance's
/// subnet group, another resource; one item cannot, since the cluster's
/// item names its subnet group only. The cluster then has no subnet or
/// VPC edge and a `note` saying why, as the crawl says when it cannot
/// know them either.
fn db_cluster(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("dbclusterIdentifier")?;
    let members = c.objects("dbclusterMembers")?;
    let mut writer = None;
    for m in &members {
        let is_writer = match m.flag("isClusterWriter")? {
            Some(w) => Some(w),
            None => m.flag("clusterWriter")?,
        };
        if is_writer == Some(true) {
            writer = m.text("dbinstanceIdentifier")?;
            break;
        }
    }
    let mut r = named(item, kinds::DB_CLUSTER, &id, Some(&id))
        .with("engine", c.text("engine")?)
        .with("engine_version", c.text("engineVersion")?)
        .with("engine_mode", c.text("engineMode")?)
        .with("members", members.len() as i64)
        .with("writer", writer)
        .with("status", c.text("status")?)
        .with("endpoint", c.text_or_value("endpoint")?)
        .with("reader_endpoint", c.text_or_value("readerEndpoint")?)
        .with("port", c.number("port")?)
        .with("backup_retention", c.number("backupRetentionPeriod")?)
        .with("created", c.time("clusterCreateTime")?);
    flags(
        &mut r,
        &c,
        &[
            ("multi_az", "multiAZ"),
            ("storage_encrypted", "storageEncrypted"),
            ("deletion_protection", "deletionProtection"),
        ],
    )?;
    r.set(
        "note",
        if members.is_empty() {
            "subnets and VPC unknown: the cluster has no member instances"
        } else {
            super::complete::CLUSTER_NETWORK_UNKNOWN
        },
    );
    r.relations.extend(rds_groups(&c)?);
    if let Some(s) = c.text("replicationSourceIdentifier")? {
        r.relations.push(source(item, &s, kinds::DB_CLUSTER));
    }
    Ok(r)
}

// --------------------------------------------------------------- Lambda

/// `lastModified` in the crawl's form: Lambda's own shape
/// (`…T12:00:00.000+0000`), RFC 3339 or epoch milliseconds, to the second
/// as the crawl keeps it.
fn last_modified(c: &Reader<'_>) -> Result<Option<String>, ItemError> {
    match c.get("lastModified") {
        // Lambda's own shape to the second, else as written: the crawl's
        // `lambda_time` exactly.
        Some(serde_json::Value::String(s)) if !s.is_empty() => {
            Ok(Some(lambda_time(s).unwrap_or_else(|| s.clone())))
        }
        // Epoch milliseconds: to the second, as `lambda_time` reads
        // Lambda's own shape.
        _ => Ok(c.time("lastModified")?.map(|t| match t.find('.') {
            Some(dot) => format!("{}Z", &t[..dot]),
            None => t,
        })),
    }
}

/// The describe output of `GetFunction`'s configuration. Notes as the
/// crawl writes them when the execution role is missing or not a role.
fn lambda_function(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let name = c.required("functionName")?;
    let mut r = self_named(item, kinds::LAMBDA_FUNCTION, &name)
        .with("runtime", c.text("runtime")?)
        .with("memory", c.number("memorySize")?)
        .with("timeout", c.number("timeout")?)
        .with("package_type", c.text("packageType")?)
        .with("handler", c.text("handler")?)
        .with("last_modified", last_modified(&c)?)
        .with("code_size", c.number("codeSize")?)
        .with("state", c.text_or_value("state")?);
    // One architecture per function today; the API returns a list.
    let arch = c.texts("architectures")?.unwrap_or_default();
    if !arch.is_empty() {
        r.set("architecture", arch.join(","));
    }
    if let Some(v) = c.object("vpcConfig")? {
        // `vpcId` is the describe output's (the published schema lists
        // only the subnets and groups); else the item's VPC relationship.
        let vpc = match v.text("vpcId")? {
            Some(id) => Some(id),
            None => related_vpc(item),
        };
        if let Some(id) = vpc {
            r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, id));
        }
        for s in v.texts("subnetIds")?.unwrap_or_default() {
            r.relations.push(Edge::new(Rel::InSubnet, kinds::SUBNET, s));
        }
        for g in v.texts("securityGroupIds")?.unwrap_or_default() {
            r.relations
                .push(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, g));
        }
    }
    let mut notes = Vec::new();
    match c.text("role")? {
        Some(arn) => match runs_as(&item.account_id, &arn) {
            Some(e) => r.relations.push(e),
            None => notes.push(format!("execution role {arn:?} is not a role ARN")),
        },
        None => notes.push("listed without an execution role".to_string()),
    }
    if !notes.is_empty() {
        r.set("note", notes.join("; "));
    }
    Ok(r)
}

// ------------------------------------------------------------------ EKS

/// The CloudFormation-shaped cluster (`Name`, `ResourcesVpcConfig`,
/// `RoleArn`). It has no VPC id and no cluster security group: the VPC
/// comes from the item's relationships when Config lists it there.
fn eks_cluster(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let name = match c.text("Name")? {
        Some(n) => n,
        None => item
            .resource_name
            .clone()
            .ok_or_else(|| c.malformed("Name", "is missing"))?,
    };
    let mut r = self_named(item, kinds::EKS_CLUSTER, &name)
        .with("version", c.text("Version")?)
        .with("status", c.text("ClusterStatus")?)
        .with("endpoint", c.text("Endpoint")?);
    let mut notes = Vec::new();
    match c.object("ResourcesVpcConfig")? {
        Some(v) => {
            if let Some(b) = v.flag("EndpointPublicAccess")? {
                r.set("endpoint_public_access", b);
            }
            if let Some(b) = v.flag("EndpointPrivateAccess")? {
                r.set("endpoint_private_access", b);
            }
            if let Some(cidrs) = v.texts("PublicAccessCidrs")? {
                r.set("public_access_cidrs", cidrs);
            }
            if let Some(vpc) = related_vpc(item) {
                r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
            }
            for s in v.texts("SubnetIds")?.unwrap_or_default() {
                r.relations.push(Edge::new(Rel::InSubnet, kinds::SUBNET, s));
            }
            for g in each_once(v.texts("SecurityGroupIds")?.unwrap_or_default()) {
                r.relations
                    .push(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, g));
            }
        }
        None => notes.push("the item has no VPC configuration".to_string()),
    }
    match c.text("RoleArn")? {
        Some(arn) => match runs_as(&item.account_id, &arn) {
            Some(e) => r.relations.push(e),
            None => notes.push(format!("service role {arn:?} is not a role ARN")),
        },
        None => notes.push("described without a service role".to_string()),
    }
    if !notes.is_empty() {
        r.set("note", notes.join("; "));
    }
    Ok(r)
}

// ------------------------------------------------------------------- S3

/// A bucket: its name and creation in `configuration`, its settings in
/// `supplementaryConfiguration`, each entry an object or (history and
/// snapshot files) JSON text of one. Config writes an entry for each
/// setting the bucket has, so an absent encryption, public access block
/// or policy is the crawl's "not configured" answer (`none`, `false`, no
/// policy), and versioning that never was is `Off`. An item with no
/// supplementary configuration at all says nothing of the settings: they
/// stay unknown, with a note.
fn s3_bucket(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    // The bucket's name is also the item's resource id.
    let name = c.text("name")?.unwrap_or_else(|| item.resource_id.clone());
    let mut r = self_named(item, kinds::S3_BUCKET, &name).with("created", c.time("creationDate")?);
    let s = Reader::supplementary(item);
    let has_settings = item
        .supplementary
        .as_object()
        .is_some_and(|o| !o.is_empty());
    if !has_settings {
        r.set(
            "note",
            "AWS Config's item holds no supplementary configuration: \
             versioning, encryption, public access block and policy unknown",
        );
        return Ok(r);
    }
    let versioning = match s.embedded("BucketVersioningConfiguration")? {
        Some(v) => Some(
            Reader::over(item, &v)
                .text("status")?
                .unwrap_or_else(|| "Off".to_string()),
        ),
        None => Some("Off".to_string()),
    };
    r.set("versioning", versioning);
    let (algorithm, key) = match s.embedded("ServerSideEncryptionConfiguration")? {
        None => ("none".to_string(), None),
        Some(v) => {
            let mut found = None;
            for rule in Reader::over(item, &v).objects("rules")? {
                if let Some(d) = rule.object("applyServerSideEncryptionByDefault")? {
                    let alg = d.required("sseAlgorithm")?;
                    found = Some((alg, d.text("kmsMasterKeyID")?));
                    break;
                }
            }
            found.unwrap_or_else(|| ("none".to_string(), None))
        }
    };
    r.set("encryption", algorithm);
    r.set("kms_key", key);
    let block = match s.embedded("PublicAccessBlockConfiguration")? {
        None => false,
        Some(v) => {
            let p = Reader::over(item, &v);
            let mut all = true;
            for key in [
                "blockPublicAcls",
                "ignorePublicAcls",
                "blockPublicPolicy",
                "restrictPublicBuckets",
            ] {
                all &= p.flag(key)? == Some(true);
            }
            all
        }
    };
    r.set("public_access_block", Value::Bool(block));
    let policy = match s.embedded("BucketPolicy")? {
        None => None,
        Some(v) => Reader::over(item, &v).text("policyText")?,
    };
    r.set("policy", policy);
    Ok(r)
}

// ------------------------------------------------------------- DynamoDB

/// The describe output of `DescribeTable`, in Config's spelling
/// (`ssedescription`), with the crawl's readings of what DynamoDB leaves
/// out: no billing mode summary is a provisioned table, no SSE
/// description an AWS owned key, no stream specification no stream.
fn dynamodb_table(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let name = c.required("tableName")?;
    let billing = match c.text("billingModeSummary.billingMode")? {
        Some(m) => Some(m),
        None if c.get("provisionedThroughput").is_some() => Some("PROVISIONED".to_string()),
        None => None,
    };
    let mut replicas = Vec::new();
    for x in c.objects("replicas")? {
        replicas.extend(x.text("regionName")?.filter(|x| *x != item.region));
    }
    let stream = match c.object("streamSpecification")? {
        Some(s) if s.flag("streamEnabled")? == Some(true) => s
            .text("streamViewType")?
            .unwrap_or_else(|| "on".to_string()),
        _ => "off".to_string(),
    };
    let (encryption, key) = match c.object("ssedescription")? {
        Some(s) if s.text("status")?.is_some_and(|st| st != "DISABLED") => (
            s.text("ssetype")?.unwrap_or_else(|| "KMS".to_string()),
            s.text("kmsmasterKeyArn")?,
        ),
        _ => ("aws-owned".to_string(), None),
    };
    let mut r = self_named(item, kinds::DYNAMODB_TABLE, &name)
        .with("billing_mode", billing)
        .with("status", c.text("tableStatus")?)
        .with("size_bytes", c.number("tableSizeBytes")?)
        .with("item_count", c.number("itemCount")?)
        .with("stream", stream)
        .with("encryption", encryption)
        .with("kms_key", key)
        .with("created", c.time("creationDateTime")?);
    let replicas = sorted(replicas);
    if !replicas.is_empty() {
        r.set("replicas", replicas);
    }
    Ok(r)
}

#[cfg(test)]
#[path = "services_tests.rs"]
mod tests;
