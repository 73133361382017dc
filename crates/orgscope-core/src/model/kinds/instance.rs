//! EC2 instances: the compute the network diagram places in its subnet.

use crate::model::kind::{Counted, Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "instance",
    aliases: &["instances", "ec2"],
    label: "Instances",
    service: "ec2",
    api: "ec2:DescribeInstances",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:instance/{id}",
    // Compared fields are listed in the order a diff reports them.
    fields: &[
        FieldDef::text("instance_type", "Instance type")
            .aliases(&["itype", "instance-type"])
            .column()
            .compared()
            .facet(),
        FieldDef::text("image_id", "AMI").compared(),
        // `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
        FieldDef::text("state", "State").column().compared().facet(),
        // `windows`, or absent for Linux/UNIX, as EC2 reports it.
        FieldDef::text("platform", "Platform").compared(),
        FieldDef::text("architecture", "Architecture"),
        FieldDef::text("private_ip", "Private IP")
            .typed(ValueType::Ip)
            .aliases(&["ip"]),
        FieldDef::text("public_ip", "Public IP").typed(ValueType::Ip),
        FieldDef::text("az", "AZ")
            .key("availability_zone")
            .column()
            .facet(),
        FieldDef::text("launch_time", "Launched").typed(ValueType::Time),
        FieldDef::text("key_name", "Key pair"),
        // Derived (`model::wiring`): `reachable` or `unreachable` from the
        // internet, and why; absent when what decides it was not collected.
        FieldDef::text("internet", "Internet").compared().facet(),
        FieldDef::text("internet_why", "Internet path").aliases(&["why"]),
    ],
    key: KeyDef::Name,
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        RelationDef::to(Rel::MemberOf, &["security_group"]).compared("security_groups"),
    ],
    draw: Draw::Node {
        glyph: "EC2",
        label: "instance_type",
    },
    counted: Some(Counted {
        short: "EC2",
        plural: "",
    }),
};
