//! EBS volumes: matched across environments through the instance they are
//! attached to and the device name.

use crate::model::kind::{Counted, Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "volume",
    aliases: &["volumes", "ebs"],
    label: "Volumes",
    service: "ec2",
    api: "ec2:DescribeVolumes",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:volume/{id}",
    fields: &[
        FieldDef::text("size_gib", "Size (GiB)")
            .typed(ValueType::Number)
            .compared(),
        FieldDef::text("volume_type", "Volume type")
            .compared()
            .facet(),
        FieldDef::text("iops", "IOPS")
            .typed(ValueType::Number)
            .compared(),
        FieldDef::text("encrypted", "Encrypted")
            .typed(ValueType::Bool)
            .compared(),
        FieldDef::text("state", "State").column().facet(),
        FieldDef::text("az", "AZ")
            .key("availability_zone")
            .column()
            .facet(),
    ],
    key: KeyDef::Via {
        rel: Rel::AttachedTo,
        attr: "device",
    },
    relations: &[RelationDef::to(Rel::AttachedTo, &["instance"])],
    // Storage, not network topology.
    draw: Draw::Hidden,
    counted: Some(Counted {
        short: "EBS",
        plural: "",
    }),
};
