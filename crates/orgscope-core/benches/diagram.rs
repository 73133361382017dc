//! Diagram performance at estate scale: the org tree of 2,000 accounts to
//! SVG (< 300 ms) and PNG (< 3 s), and the network of 20,000 instances,
//! aggregated, to SVG (< 500 ms). Numbers go to docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use orgscope_core::diagram::{self, NetworkOptions, OrgOptions};
use orgscope_core::model::{
    Account, CallerIdentity, Edge, Estate, OrgUnit, Rel, Resource, Source, SourceKind, Tags, kinds,
};

fn estate() -> Estate {
    let mut e = Estate::new(
        "2026-11-27T12:00:00Z".into(),
        Source {
            aggregator: None,
            kind: SourceKind::Demo,
            profile: None,
            label: "bench".into(),
        },
        CallerIdentity {
            account_id: "100000000000".into(),
            arn: "arn:aws:iam::100000000000:root".into(),
            user_id: "x".into(),
        },
    );
    e.tree.id = "r-ab12".into();
    e
}

fn unit(id: String, name: String) -> OrgUnit {
    OrgUnit {
        id,
        name,
        scps: vec!["FullAWSAccess".into(), "DenyLeaveOrg".into()],
        accounts: vec![],
        children: vec![],
    }
}

fn account(id: String, name: String, parent: &str, env: &str) -> Account {
    let mut tags = Tags::new();
    tags.insert("env".into(), env.into());
    Account {
        id,
        email: format!("{name}@example.com"),
        name,
        status: "ACTIVE".into(),
        ou_path: vec![],
        parent_id: parent.into(),
        tags,
        scps: vec![],
        is_management: false,
    }
}

/// 5 business units × 4 environments × 100 accounts = 2,000 accounts.
fn org_estate() -> Estate {
    let mut e = estate();
    let envs = ["prod", "test", "dev", "sandbox"];
    let mut n = 0u64;
    for bu in 0..5 {
        let mut top = unit(format!("ou-bu{bu}"), format!("Business unit {bu}"));
        for env in envs {
            let mut ou = unit(format!("ou-bu{bu}-{env}"), env.to_string());
            for a in 0..100 {
                n += 1;
                let id = format!("{:012}", 200_000_000_000 + n);
                ou.accounts.push(id.clone());
                e.accounts
                    .push(account(id, format!("bu{bu}-{env}-app{a:03}"), &ou.id, env));
            }
            top.children.push(ou);
        }
        e.tree.children.push(top);
    }
    e
}

/// 40 accounts × 2 regions × 2 VPCs × 6 subnets × ~21 instances = 20,160.
fn network_estate() -> Estate {
    let mut e = estate();
    let push = |e: &mut Estate, mut r: Resource| {
        r.name = Some(format!("name-{}", r.id));
        e.resources.push(r)
    };
    for a in 0..40 {
        let acct = format!("{:012}", 300_000_000_000u64 + a);
        e.tree.accounts.push(acct.clone());
        e.accounts.push(account(
            acct.clone(),
            format!("workload-{a}"),
            "r-ab12",
            "prod",
        ));
        for region in ["eu-west-1", "us-east-1"] {
            for v in 0..2 {
                let vpc_id = format!("vpc-{a}-{region}-{v}");
                push(
                    &mut e,
                    Resource::new(kinds::VPC, &acct, region, &vpc_id)
                        .with("cidr", "10.0.0.0/16")
                        .with("cidr_blocks", vec!["10.0.0.0/16".to_string()])
                        .with("is_default", false)
                        .with("state", "available"),
                );
                for s in 0..6 {
                    let subnet_id = format!("subnet-{a}-{region}-{v}-{s}");
                    push(
                        &mut e,
                        Resource::new(kinds::SUBNET, &acct, region, &subnet_id)
                            .with_edge(Edge::new(Rel::InVpc, kinds::VPC, &vpc_id))
                            .with("cidr", format!("10.0.{s}.0/24"))
                            .with("az", format!("{region}{}", ["a", "b", "c"][s % 3]))
                            .with("public", s < 3)
                            .with("default_for_az", false)
                            .with("state", "available"),
                    );
                    for i in 0..21 {
                        let id = format!("i-{a}-{region}-{v}-{s}-{i}");
                        push(
                            &mut e,
                            Resource::new(kinds::INSTANCE, &acct, region, id)
                                .with_edge(Edge::new(Rel::InVpc, kinds::VPC, &vpc_id))
                                .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, &subnet_id))
                                .with(
                                    "instance_type",
                                    ["t3.micro", "m5.large", "c6g.xlarge"][i % 3],
                                )
                                .with("state", if i % 7 == 0 { "stopped" } else { "running" }),
                        );
                    }
                }
            }
        }
    }
    e
}

fn benches(c: &mut Criterion) {
    let org = org_estate();
    assert_eq!(org.accounts.len(), 2000);
    let opts = OrgOptions {
        color_by: Some("env".into()),
        ..OrgOptions::default()
    };
    c.bench_function("org 2000 accounts: layout + SVG", |b| {
        b.iter(|| diagram::to_svg(&diagram::org_scene(&org, &opts)))
    });
    let mut slow = c.benchmark_group("png");
    slow.sample_size(10);
    slow.bench_function("org 2000 accounts: layout + PNG 1x", |b| {
        b.iter(|| diagram::to_png(&diagram::org_scene(&org, &opts), 1.0))
    });
    slow.finish();

    let net = network_estate();
    let all: Vec<usize> = (0..net.resources.len()).collect();
    let instances = net
        .resources
        .iter()
        .filter(|r| r.kind == kinds::INSTANCE)
        .count();
    assert!(instances >= 20_000);
    c.bench_function("network 20000 instances aggregated: layout + SVG", |b| {
        b.iter(|| {
            diagram::to_svg(&diagram::network_scene(
                &net,
                &all,
                &NetworkOptions::default(),
            ))
        })
    });
}

criterion_group!(diagram_benches, benches);
criterion_main!(diagram_benches);
