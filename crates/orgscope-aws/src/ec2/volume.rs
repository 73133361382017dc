//! EBS volumes: `DescribeVolumes` paged to the end, and the conversion of
//! a volume into a resource attached to its instances (edges carrying the
//! device and the attachment state).

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of, opt};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::VOLUME,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_volumes()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(p.volumes().iter().filter_map(|x| volume(&at, x)))
    })
    .await
}

fn volume(at: &Where<'_>, v: &sdk::Volume) -> Option<Resource> {
    let id = id_of(at, kinds::VOLUME, v.volume_id())?;
    // Sorted by (instance, device, state) so the edges do not depend on the
    // order EC2 listed the attachments. An attachment without an instance
    // id has no far end: no edge.
    let mut attachments: Vec<(String, String, String)> = v
        .attachments()
        .iter()
        .filter_map(|a| {
            Some((
                opt(a.instance_id())?,
                a.device().unwrap_or_default().to_string(),
                a.state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            ))
        })
        .collect();
    attachments.sort();
    let mut r = at
        .resource(kinds::VOLUME, &id, v.tags(), None)
        .with("size_gib", v.size().map(i64::from).unwrap_or(0))
        .with(
            "volume_type",
            v.volume_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
        )
        .with("iops", v.iops().map(i64::from))
        .with("encrypted", v.encrypted().unwrap_or(false))
        .with(
            "state",
            v.state()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        )
        .with("az", v.availability_zone().unwrap_or_default());
    r.relations
        .extend(attachments.into_iter().map(|(instance, device, state)| {
            Edge::new(Rel::AttachedTo, kinds::INSTANCE, instance)
                .attr("device", device)
                .attr("state", state)
        }));
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    #[test]
    fn a_volume_is_attached_to_its_instances_with_device_and_state() {
        let v = sdk::Volume::builder()
            .volume_id("vol-1")
            .size(8)
            .volume_type(sdk::VolumeType::Gp3)
            .state(sdk::VolumeState::InUse)
            .availability_zone("eu-west-1a")
            .encrypted(true)
            .attachments(
                sdk::VolumeAttachment::builder()
                    .instance_id("i-2")
                    .device("/dev/sdf")
                    .state(sdk::VolumeAttachmentState::Attached)
                    .build(),
            )
            .attachments(
                sdk::VolumeAttachment::builder()
                    .instance_id("i-1")
                    .device("/dev/xvda")
                    .state(sdk::VolumeAttachmentState::Attaching)
                    .build(),
            )
            .build();
        let r = volume(&AT, &v).expect("has an id");
        assert_eq!(r.kind, kinds::VOLUME);
        assert_eq!(r.get("size_gib"), Some(&Value::Number(8)));
        assert_eq!(r.text("volume_type"), Some("gp3"));
        assert_eq!(r.get("iops"), Some(&Value::Null));
        assert_eq!(r.get("encrypted"), Some(&Value::Bool(true)));
        assert_eq!(r.text("state"), Some("in-use"));
        assert_eq!(r.text("az"), Some("eu-west-1a"));
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-1")
                    .attr("device", "/dev/xvda")
                    .attr("state", "attaching"),
                Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-2")
                    .attr("device", "/dev/sdf")
                    .attr("state", "attached"),
            ]
        );
    }

    #[test]
    fn a_volume_without_an_id_is_skipped_and_an_attachment_without_one_has_no_edge() {
        assert!(volume(&AT, &sdk::Volume::builder().build()).is_none());
        let v = sdk::Volume::builder()
            .volume_id("vol-2")
            .attachments(sdk::VolumeAttachment::builder().device("/dev/sdf").build())
            .build();
        let r = volume(&AT, &v).expect("has an id");
        assert!(r.relations.is_empty(), "{:?}", r.relations);
    }
}
