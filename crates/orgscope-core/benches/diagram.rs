//! Diagram performance at estate scale: the org tree of 2,000 accounts to
//! SVG (< 300 ms) and PNG (< 3 s), and the network of 20,000 instances,
//! aggregated, to SVG (< 500 ms). Numbers go to docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use orgscope_core::diagram::{self, NetworkOptions, OrgOptions};
use orgscope_core::model::{
    Account, CallerIdentity, Details, Estate, Instance, OrgUnit, Resource, Source, SourceKind,
    Subnet, Tags, Vpc,
};

fn estate() -> Estate {
    let mut e = Estate::new(
        "2026-11-27T12:00:00Z".into(),
        Source {
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
    let push = |e: &mut Estate, account: &str, region: &str, id: String, details: Details| {
        e.resources.push(Resource {
            account_id: account.into(),
            region: region.into(),
            name: Some(format!("name-{id}")),
            id,
            tags: Tags::new(),
            details,
        })
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
                    &acct,
                    region,
                    vpc_id.clone(),
                    Details::Vpc(Vpc {
                        cidr_block: "10.0.0.0/16".into(),
                        cidr_blocks: vec!["10.0.0.0/16".into()],
                        is_default: false,
                        state: "available".into(),
                    }),
                );
                for s in 0..6 {
                    let subnet_id = format!("subnet-{a}-{region}-{v}-{s}");
                    push(
                        &mut e,
                        &acct,
                        region,
                        subnet_id.clone(),
                        Details::Subnet(Subnet {
                            vpc_id: vpc_id.clone(),
                            cidr_block: format!("10.0.{s}.0/24"),
                            availability_zone: format!("{region}{}", ["a", "b", "c"][s % 3]),
                            public: s < 3,
                            default_for_az: false,
                            available_ips: None,
                            state: "available".into(),
                        }),
                    );
                    for i in 0..21 {
                        push(
                            &mut e,
                            &acct,
                            region,
                            format!("i-{a}-{region}-{v}-{s}-{i}"),
                            Details::Instance(Instance {
                                instance_type: ["t3.micro", "m5.large", "c6g.xlarge"][i % 3].into(),
                                state: if i % 7 == 0 { "stopped" } else { "running" }.into(),
                                image_id: None,
                                platform: None,
                                architecture: None,
                                private_ip: None,
                                public_ip: None,
                                vpc_id: Some(vpc_id.clone()),
                                subnet_id: Some(subnet_id.clone()),
                                availability_zone: None,
                                launch_time: None,
                                key_name: None,
                                security_groups: vec![],
                            }),
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
        .filter(|r| matches!(r.details, Details::Instance(_)))
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
