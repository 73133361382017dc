//! Diagrams end to end: the SVG of seeded estates with hostile names is
//! parsed as XML and checked for completeness, escaping, overlap,
//! containment and text fit; a small fixed estate is pinned with insta; the
//! PNG is decoded and looked at; the CLI writes both formats.

use std::collections::{BTreeMap, HashMap};

use orgscope::diagram::{self, NetworkOptions, OrgOptions, Rect, text};
use orgscope::model::{
    Account, AccountStatus, Api, CallerIdentity, Coverage, CoverageStatus, Edge, Estate, OrgUnit,
    Rel, Resource, Source, SourceKind, Tags, kinds,
};

/// A tiny deterministic generator (no rand dependency needed for tests).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const HOSTILE: [&str; 8] = [
    "<script>alert(1)</script>",
    "R&D \"core\" 'ops'",
    "café-prod",
    "本番環境-payments",
    "a > b & c < d",
    "Ünïcødé ŝtrîñg",
    "x]]>y",
    "tab\tand  spaces",
];

fn unit(id: &str, name: &str) -> OrgUnit {
    OrgUnit {
        id: id.into(),
        name: name.into(),
        scps: vec!["FullAWSAccess".into()],
        accounts: vec![],
        children: vec![],
    }
}

fn account(id: String, name: String, ou_path: &[&str], parent: &str, env: &str) -> Account {
    let mut tags = Tags::new();
    tags.insert("env".into(), env.into());
    Account {
        id,
        email: format!("{name}@example.com"),
        name,
        status: AccountStatus::Active,
        ou_path: ou_path.iter().map(|s| s.to_string()).collect(),
        parent_id: parent.into(),
        tags,
        scps: vec![],
        is_management: false,
    }
}

fn vpc(account: &str, region: &str, id: &str, name: &str, cidr: &str) -> Resource {
    let mut r = Resource::new(kinds::VPC, account, region, id)
        .with("cidr", cidr)
        .with("cidr_blocks", vec![cidr.to_string()])
        .with("is_default", false)
        .with("state", "available");
    r.name = Some(name.into());
    r
}

fn subnet(account: &str, region: &str, id: &str, vpc_id: &str, az: &str, public: bool) -> Resource {
    let mut r = Resource::new(kinds::SUBNET, account, region, id)
        .with("cidr", "10.0.1.0/24")
        .with("az", az)
        .with("public", public)
        .with("default_for_az", false)
        .with("available_ips", 250i64)
        .with("state", "available")
        .with_edge(Edge::new(Rel::InVpc, kinds::VPC, vpc_id));
    r.name = Some(format!(
        "{} {az}",
        if public { "public" } else { "private" }
    ));
    r
}

#[allow(clippy::too_many_arguments)]
fn instance(
    account: &str,
    region: &str,
    id: &str,
    name: &str,
    vpc_id: &str,
    subnet_id: &str,
    itype: &str,
    state: &str,
) -> Resource {
    let mut r = Resource::new(kinds::INSTANCE, account, region, id)
        .with("instance_type", itype)
        .with("state", state)
        .with("private_ip", "10.0.1.10")
        .with_edge(Edge::new(Rel::InVpc, kinds::VPC, vpc_id))
        .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet_id))
        .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1").named("web <public>"));
    r.name = Some(name.into());
    r
}

fn empty_estate() -> Estate {
    let mut e = Estate::new(
        "2026-11-27T12:00:00Z".into(),
        Source {
            aggregator: None,
            kind: SourceKind::Demo,
            profile: None,
            label: "test estate".into(),
        },
        CallerIdentity {
            account_id: "100000000000".into(),
            arn: "arn:aws:iam::100000000000:root".into(),
            user_id: "x".into(),
        },
    );
    e.tree = unit("r-ab12", "Root");
    e
}

/// An estate shaped like a real one, with hostile names and a random number
/// of accounts per OU (some OUs large enough to force columns and wrapping),
/// a suspended account, a denied cell, and a network per account.
fn seeded_estate(seed: u64) -> Estate {
    let mut rng = Lcg(seed);
    let mut e = empty_estate();
    let ous = [
        ("ou-w", "Workloads", None),
        ("ou-p", "Prod", Some("ou-w")),
        ("ou-t", "Test", Some("ou-w")),
        ("ou-d", "Dev", Some("ou-w")),
        ("ou-s", "Sandbox & <Labs>", None),
        ("ou-sec", "Security", None),
    ];
    let mut units: BTreeMap<&str, OrgUnit> = BTreeMap::new();
    for (id, name, _) in ous {
        units.insert(id, unit(id, name));
    }
    let mut n = 0;
    let mut root_accounts = vec![];
    for (ou_id, ou_name, parent) in ous {
        let count = match rng.below(4) {
            0 => 0,
            1 => 1 + rng.below(4),
            2 => 5 + rng.below(10),
            _ => 20 + rng.below(60),
        };
        let path: Vec<&str> = match parent {
            Some(_) => vec!["Workloads", ou_name],
            None => vec![ou_name],
        };
        for _ in 0..count {
            n += 1;
            let id = format!("{:012}", 200000000000u64 + n);
            let name = format!("{}-{n}", HOSTILE[rng.below(HOSTILE.len())]);
            let env = ["prod", "test", "dev", "<none>"][rng.below(4)];
            let mut a = account(id.clone(), name, &path, ou_id, env);
            if rng.below(15) == 0 {
                a.status = AccountStatus::Suspended;
            }
            if let Some(u) = units.get_mut(ou_id) {
                u.accounts.push(id);
            }
            e.accounts.push(a);
        }
    }
    let mut mgmt = account(
        "100000000000".into(),
        "management & billing".into(),
        &[],
        "r-ab12",
        "prod",
    );
    mgmt.is_management = true;
    root_accounts.push(mgmt.id.clone());
    e.accounts.push(mgmt);
    // Assemble the tree bottom-up.
    let mut w = units
        .remove("ou-w")
        .unwrap_or_else(|| unit("ou-w", "Workloads"));
    for id in ["ou-p", "ou-t", "ou-d"] {
        if let Some(u) = units.remove(id) {
            w.children.push(u);
        }
    }
    e.tree.accounts = root_accounts;
    e.tree.children.push(w);
    e.tree.children.extend(units.into_values());

    // Networks, and one denied cell.
    let ids: Vec<String> = e.accounts.iter().map(|a| a.id.clone()).collect();
    for (i, acct) in ids.iter().enumerate() {
        if i % 3 == 0 {
            e.coverage.push(Coverage {
                account_id: acct.clone(),
                region: "eu-west-1".into(),
                api: Api::of(kinds::INSTANCE),
                status: if i % 9 == 0 {
                    CoverageStatus::Denied
                } else {
                    CoverageStatus::Ok
                },
                code: (i % 9 == 0).then(|| "UnauthorizedOperation".to_string()),
                message: None,
                source: None,
            });
        }
        if i % 4 != 0 {
            continue;
        }
        let region = ["eu-west-1", "us-east-1"][rng.below(2)];
        let v = format!("vpc-{i}");
        e.resources.push(vpc(
            acct,
            region,
            &v,
            HOSTILE[i % HOSTILE.len()],
            "10.0.0.0/16",
        ));
        for (k, (az, public)) in [("a", true), ("b", true), ("a", false), ("b", false)]
            .into_iter()
            .enumerate()
        {
            let s = format!("subnet-{i}-{k}");
            e.resources.push(subnet(
                acct,
                region,
                &s,
                &v,
                &format!("{region}{az}"),
                public,
            ));
            let count = [0, 2, 5, 30][rng.below(4)];
            for j in 0..count {
                e.resources.push(instance(
                    acct,
                    region,
                    &format!("i-{i}-{k}-{j}"),
                    HOSTILE[j % HOSTILE.len()],
                    &v,
                    &s,
                    ["t3.micro", "m5.large", "c6g.xlarge"][j % 3],
                    if j % 5 == 0 { "stopped" } else { "running" },
                ));
            }
        }
    }
    e.canonicalize();
    e
}

/// One `<g class="node ...">` parsed back from the SVG.
#[derive(Debug)]
struct SvgNode {
    key: String,
    kind: String,
    id: String,
    parent: Option<String>,
    rect: Rect,
    title: String,
    texts: Vec<SvgText>,
}

#[derive(Debug)]
struct SvgText {
    text: String,
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
}

fn f(node: roxmltree::Node, name: &str) -> f32 {
    node.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("missing numeric {name} on {node:?}"))
}

fn parse_svg(svg: &str) -> Vec<SvgNode> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    // Standalone: no script, no external reference of any kind.
    for n in doc.descendants().filter(|n| n.is_element()) {
        assert_ne!(n.tag_name().name(), "script");
        assert_ne!(n.tag_name().name(), "image");
        assert_ne!(n.tag_name().name(), "foreignObject");
        for a in n.attributes() {
            assert!(!a.name().contains("href"), "external reference {a:?}");
        }
    }
    root.children()
        .filter(|n| n.is_element() && n.attribute("class").is_some_and(|c| c.starts_with("node ")))
        .map(|g| {
            let rect = g
                .children()
                .find(|c| c.has_tag_name("rect"))
                .expect("every node has a rect");
            let title = g
                .children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .unwrap_or("")
                .to_string();
            let texts = g
                .children()
                .filter(|c| c.has_tag_name("text"))
                .map(|t| SvgText {
                    text: t.text().unwrap_or("").to_string(),
                    x: f(t, "x"),
                    y: f(t, "y"),
                    size: f(t, "font-size"),
                    bold: t.attribute("font-weight") == Some("bold"),
                })
                .collect();
            SvgNode {
                key: g.attribute("id").unwrap_or("").to_string(),
                kind: g
                    .attribute("class")
                    .unwrap_or("")
                    .trim_start_matches("node ")
                    .to_string(),
                id: g.attribute("data-id").unwrap_or("").to_string(),
                parent: g.attribute("data-parent").map(str::to_string),
                rect: Rect::new(
                    f(rect, "x"),
                    f(rect, "y"),
                    f(rect, "width"),
                    f(rect, "height"),
                ),
                title,
                texts,
            }
        })
        .collect()
}

/// Every text line lies inside its box, measured with the bundled font.
fn assert_text_fits(nodes: &[SvgNode]) {
    for n in nodes {
        for t in &n.texts {
            let w = text::text_width(&t.text, t.size, t.bold);
            let r = &n.rect;
            assert!(
                t.x >= r.x && t.x + w <= r.right() + 0.5,
                "text {:?} ({w:.1} px at x {}) overflows {} box {:?}",
                t.text,
                t.x,
                n.kind,
                r
            );
            assert!(
                t.y - t.size * 0.8 >= r.y && t.y + t.size * 0.25 <= r.bottom() + 0.5,
                "text {:?} at baseline {} is outside {} box {:?}",
                t.text,
                t.y,
                n.kind,
                r
            );
        }
    }
}

/// No two boxes overlap, except a container and what it contains.
fn assert_no_overlap(nodes: &[SvgNode]) {
    let by_key: HashMap<&str, &SvgNode> = nodes.iter().map(|n| (n.key.as_str(), n)).collect();
    let ancestors = |n: &SvgNode| {
        let mut out = vec![];
        let mut p = n.parent.as_deref();
        while let Some(k) = p {
            out.push(k.to_string());
            p = by_key.get(k).and_then(|n| n.parent.as_deref());
        }
        out
    };
    let anc: Vec<Vec<String>> = nodes.iter().map(ancestors).collect();
    // Sweep by x so thousands of boxes stay cheap to check.
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|&a, &b| nodes[a].rect.x.total_cmp(&nodes[b].rect.x));
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if nodes[j].rect.x >= nodes[i].rect.right() {
                break;
            }
            let related = anc[i].contains(&nodes[j].key) || anc[j].contains(&nodes[i].key);
            assert!(
                related || !nodes[i].rect.overlaps(&nodes[j].rect),
                "{} {:?} {:?} overlaps {} {:?} {:?}",
                nodes[i].kind,
                nodes[i].id,
                nodes[i].rect,
                nodes[j].kind,
                nodes[j].id,
                nodes[j].rect
            );
        }
    }
}

fn assert_children_inside(nodes: &[SvgNode]) -> usize {
    let by_key: HashMap<&str, &SvgNode> = nodes.iter().map(|n| (n.key.as_str(), n)).collect();
    let mut checked = 0;
    for n in nodes {
        if let Some(p) = &n.parent {
            let parent = by_key
                .get(p.as_str())
                .expect("data-parent names a drawn box");
            if n.kind == "gateway" {
                // A gateway straddles its VPC's top edge by design: its
                // centre on the edge, within the VPC's width.
                assert_eq!(parent.kind, "vpc", "{} is on a VPC", n.id);
                assert!(
                    (n.rect.center().y - parent.rect.y).abs() < 0.6
                        && n.rect.x >= parent.rect.x
                        && n.rect.right() <= parent.rect.right(),
                    "gateway {:?} {:?} does not straddle vpc {:?} {:?}",
                    n.id,
                    n.rect,
                    parent.id,
                    parent.rect
                );
                checked += 1;
                continue;
            }
            assert!(
                parent.rect.contains_rect(&n.rect),
                "{} {:?} {:?} is not inside {} {:?} {:?}",
                n.kind,
                n.id,
                n.rect,
                parent.kind,
                parent.id,
                parent.rect
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn org_svg_of_seeded_hostile_estates_is_complete_escaped_and_tidy() {
    for seed in 0..8 {
        let estate = seeded_estate(seed);
        let opts = OrgOptions {
            color_by: Some("env".into()),
            ..OrgOptions::default()
        };
        let svg = diagram::to_svg(&diagram::org_scene(&estate, &opts));
        assert!(!svg.contains("<script"), "seed {seed}: raw markup leaked");
        let nodes = parse_svg(&svg);
        let accounts: Vec<&SvgNode> = nodes.iter().filter(|n| n.kind == "account").collect();
        assert_eq!(accounts.len(), estate.accounts.len(), "seed {seed}");
        for a in &estate.accounts {
            let drawn: Vec<&&SvgNode> = accounts.iter().filter(|n| n.id == a.id).collect();
            assert_eq!(drawn.len(), 1, "seed {seed}: account {} drawn once", a.id);
            let n = drawn[0];
            // The XML parser un-escapes: equal strings prove the escaping.
            assert_eq!(n.title.lines().next(), Some(a.name.as_str()));
            let shown = &n.texts[0].text;
            assert!(
                shown == &a.name
                    || (shown.ends_with(text::ELLIPSIS)
                        && a.name.starts_with(shown.trim_end_matches(text::ELLIPSIS))),
                "seed {seed}: {shown:?} is not {:?}",
                a.name
            );
            assert!(n.texts.iter().any(|t| t.text == a.id));
        }
        let mut ous = 0;
        estate.tree.walk(&mut |_, _| ous += 1);
        assert_eq!(nodes.len(), estate.accounts.len() + ous, "seed {seed}");
        assert_no_overlap(&nodes);
        assert_text_fits(&nodes);
    }
}

#[test]
fn org_scene_centres_parents_and_marks_suspended_and_partial_accounts() {
    let mut estate = seeded_estate(3);
    estate.accounts[0].status = AccountStatus::Suspended;
    let suspended = estate.accounts[0].id.clone();
    let scene = diagram::org_scene(&estate, &OrgOptions::default());
    let root = scene.find(&estate.tree.id).expect("root drawn");
    let top_children: Vec<&Rect> = estate
        .tree
        .children
        .iter()
        .filter_map(|c| scene.find(&c.id).map(|n| &n.rect))
        .collect();
    // Every child hangs below its parent.
    for c in &top_children {
        assert!(c.y > root.rect.bottom());
    }
    let node = scene.find(&suspended).expect("suspended account drawn");
    assert!(node.style.dashed, "suspended accounts are dashed");
    assert!(node.labels.iter().any(|l| l.text.contains("SUSPENDED")));
    let denied: Vec<&str> = estate
        .failed_cells()
        .map(|c| c.account_id.as_str())
        .collect();
    assert!(!denied.is_empty());
    for id in denied {
        let n = scene.find(id).expect("partial account drawn");
        assert!(
            n.labels.iter().any(|l| l.text.contains("partial")),
            "{id} carries a partial mark"
        );
    }
    // Wide OUs are columnized: the diagram is nowhere near one box per column.
    let accounts = estate.accounts.len() as f32;
    assert!(scene.width < accounts * 200.0 / 2.0, "{} wide", scene.width);
}

#[test]
fn thousands_of_accounts_wrap_into_a_compact_page() {
    let mut estate = empty_estate();
    for o in 0..12 {
        let mut ou = unit(&format!("ou-{o}"), &format!("Business unit {o}"));
        for a in 0..150 {
            let id = format!("{:012}", 300000000000u64 + o * 1000 + a);
            ou.accounts.push(id.clone());
            estate
                .accounts
                .push(account(id, format!("bu{o}-app{a}"), &["x"], &ou.id, "prod"));
        }
        estate.tree.children.push(ou);
    }
    let scene = diagram::org_scene(&estate, &OrgOptions::default());
    let aspect = scene.width / scene.height;
    assert!(
        (0.5..4.0).contains(&aspect),
        "{} × {}",
        scene.width,
        scene.height
    );
    let nodes = parse_svg(&diagram::to_svg(&scene));
    assert_eq!(nodes.len(), 1 + 12 + 1800);
    assert_no_overlap(&nodes);
}

#[test]
fn network_svg_nests_every_box_inside_its_container() {
    for seed in 0..6 {
        let estate = seeded_estate(seed);
        let all: Vec<usize> = (0..estate.resources.len()).collect();
        let scene = diagram::network_scene(&estate, &all, &NetworkOptions::default());
        let nodes = parse_svg(&diagram::to_svg(&scene));
        let nested = assert_children_inside(&nodes);
        assert_eq!(nested, nodes.iter().filter(|n| n.kind != "account").count());
        assert_no_overlap(&nodes);
        assert_text_fits(&nodes);
        // Instances of small subnets are glyphs; big subnets aggregate.
        for r in &estate.resources {
            if r.kind == kinds::SUBNET {
                let n = estate
                    .resources
                    .iter()
                    .filter(|i| {
                        i.kind == kinds::INSTANCE && i.first(Rel::InSubnet) == Some(r.id.as_str())
                    })
                    .count();
                let glyphs = nodes
                    .iter()
                    .filter(|g| {
                        g.kind == "instance"
                            && g.parent.as_deref()
                                == nodes.iter().find(|s| s.id == r.id).map(|s| s.key.as_str())
                    })
                    .count();
                if n > 12 {
                    assert_eq!(glyphs, 0);
                    let s = nodes.iter().find(|s| s.id == r.id).expect("subnet drawn");
                    assert!(
                        s.texts.iter().any(|t| t.text.contains(" × ")),
                        "{:?}",
                        s.texts
                    );
                } else {
                    assert_eq!(glyphs, n, "subnet {}", r.id);
                }
            }
        }
    }
}

#[test]
fn network_scope_limits_what_is_drawn_and_collapses_big_vpcs() {
    let estate = seeded_estate(5);
    let first_instance = estate
        .resources
        .iter()
        .position(|r| r.kind == kinds::INSTANCE)
        .expect("fixture has instances");
    let r = &estate.resources[first_instance];
    let scene = diagram::network_scene(
        &estate,
        &[first_instance, usize::MAX],
        &NetworkOptions::default(),
    );
    let kinds: Vec<&str> = scene.nodes.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(kinds, ["account", "region", "vpc", "subnet", "instance"]);
    assert_eq!(scene.nodes[4].id, r.id);
    assert!(
        scene.nodes[4]
            .details
            .iter()
            .any(|d| d.contains("sg-1 (web <public>)")),
        "security groups are listed in the instance details"
    );

    let vpc_id = r.vpc_id().expect("instance in a VPC").to_string();
    let all: Vec<usize> = (0..estate.resources.len()).collect();
    let opts = NetworkOptions {
        collapsed: [vpc_id.clone()].into(),
        ..NetworkOptions::default()
    };
    let scene = diagram::network_scene(&estate, &all, &opts);
    let vpc_index = scene
        .nodes
        .iter()
        .position(|n| n.id == vpc_id)
        .expect("vpc drawn");
    assert!(scene.nodes[vpc_index].style.dashed);
    assert!(
        scene.nodes[vpc_index]
            .labels
            .iter()
            .any(|l| l.text.starts_with("Summary: 4 subnets"))
    );
    assert!(!scene.nodes.iter().any(|n| n.parent == Some(vpc_index)));
}

#[test]
fn output_is_deterministic() {
    let estate = seeded_estate(1);
    let opts = OrgOptions {
        color_by: Some("env".into()),
        ..OrgOptions::default()
    };
    let a = diagram::to_svg(&diagram::org_scene(&estate, &opts));
    let b = diagram::to_svg(&diagram::org_scene(&estate.clone(), &opts));
    assert_eq!(a, b);
    let all: Vec<usize> = (0..estate.resources.len()).collect();
    let n1 = diagram::to_svg(&diagram::network_scene(
        &estate,
        &all,
        &NetworkOptions::default(),
    ));
    let n2 = diagram::to_svg(&diagram::network_scene(
        &estate,
        &all,
        &NetworkOptions::default(),
    ));
    assert_eq!(n1, n2);
}

/// A small fixed estate for the insta snapshots.
fn small_estate() -> Estate {
    let mut e = empty_estate();
    let mut prod = unit("ou-prod", "Prod");
    let mut sandbox = unit("ou-sbx", "Sandbox");
    sandbox.scps.push("DenyExpensiveInstances".into());
    prod.accounts.push("111111111111".into());
    sandbox.accounts.push("222222222222".into());
    e.tree.accounts.push("100000000000".into());
    e.tree.children = vec![prod, sandbox];
    let mut m = account(
        "100000000000".into(),
        "management".into(),
        &[],
        "r-ab12",
        "prod",
    );
    m.is_management = true;
    let a = account(
        "111111111111".into(),
        "payments & <billing>".into(),
        &["Prod"],
        "ou-prod",
        "prod",
    );
    let mut b = account(
        "222222222222".into(),
        "sandbox-alice".into(),
        &["Sandbox"],
        "ou-sbx",
        "dev",
    );
    b.status = AccountStatus::Suspended;
    e.accounts = vec![m, a, b];
    e.resources = vec![
        vpc(
            "111111111111",
            "eu-west-1",
            "vpc-1",
            "payments",
            "10.1.0.0/16",
        ),
        subnet(
            "111111111111",
            "eu-west-1",
            "subnet-1",
            "vpc-1",
            "eu-west-1a",
            true,
        ),
        subnet(
            "111111111111",
            "eu-west-1",
            "subnet-2",
            "vpc-1",
            "eu-west-1b",
            false,
        ),
        instance(
            "111111111111",
            "eu-west-1",
            "i-1",
            "web-1",
            "vpc-1",
            "subnet-1",
            "t3.micro",
            "running",
        ),
        instance(
            "111111111111",
            "eu-west-1",
            "i-2",
            "db \"primary\"",
            "vpc-1",
            "subnet-2",
            "r6g.large",
            "stopped",
        ),
    ];
    e.coverage.push(Coverage {
        account_id: "111111111111".into(),
        region: "us-east-1".into(),
        api: Api::of(kinds::INSTANCE),
        status: CoverageStatus::Denied,
        code: Some("UnauthorizedOperation".into()),
        message: None,
        source: None,
    });
    e
}

#[test]
fn org_svg_of_a_small_estate_is_pinned() {
    let opts = OrgOptions {
        color_by: Some("env".into()),
        ..OrgOptions::default()
    };
    insta::assert_snapshot!(
        "org_small",
        diagram::to_svg(&diagram::org_scene(&small_estate(), &opts))
    );
}

#[test]
fn network_svg_of_a_small_estate_is_pinned() {
    let e = small_estate();
    let all: Vec<usize> = (0..e.resources.len()).collect();
    insta::assert_snapshot!(
        "network_small",
        diagram::to_svg(&diagram::network_scene(
            &e,
            &all,
            &NetworkOptions::default()
        ))
    );
}

fn decode(png: &[u8]) -> resvg::tiny_skia::Pixmap {
    resvg::tiny_skia::Pixmap::decode_png(png).expect("a valid PNG")
}

#[test]
fn png_has_the_size_for_its_scale_and_is_not_blank() {
    let estate = seeded_estate(2);
    let scene = diagram::org_scene(
        &estate,
        &OrgOptions {
            color_by: Some("env".into()),
            ..OrgOptions::default()
        },
    );
    for scale in [1.0_f32, 2.0] {
        let png = diagram::to_png(&scene, scale).expect("renders");
        let img = decode(&png);
        assert_eq!(img.width(), (scene.width * scale).ceil() as u32);
        assert_eq!(img.height(), (scene.height * scale).ceil() as u32);
        let pixels = img.pixels();
        let non_white = pixels
            .iter()
            .filter(|p| p.red() < 240 || p.green() < 240 || p.blue() < 240)
            .count();
        assert!(
            non_white * 50 > pixels.len(),
            "only {non_white} of {} pixels drawn",
            pixels.len()
        );
        // Text was drawn: the title's row holds dark pixels.
        let title = &scene.texts[0];
        let y = ((title.y - title.size * 0.3) * scale) as u32;
        let dark = (0..img.width())
            .filter_map(|x| img.pixel(x, y))
            .filter(|p| p.red() < 100 && p.green() < 100 && p.blue() < 100)
            .count();
        assert!(dark > 10, "title row has {dark} dark pixels");
        if let Ok(dir) = std::env::var("ORGSCOPE_KEEP_DIAGRAMS") {
            let _ = std::fs::write(format!("{dir}/seeded-org@{scale}x.png"), &png);
        }
    }
    assert!(matches!(
        diagram::to_png(&scene, f32::NAN),
        Err(diagram::DiagramError::InvalidScale(_))
    ));
    assert!(matches!(
        diagram::to_png(&scene, 0.0),
        Err(diagram::DiagramError::InvalidScale(_))
    ));
}

#[test]
fn cli_writes_svg_and_png_and_explains_bad_output_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("estate.json");
    orgscope::snapshot::write(&snap, &small_estate()).expect("write snapshot");
    let bin = env!("CARGO_BIN_EXE_orgscope");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .arg("diagram")
            .arg(&snap)
            .args(args)
            .output()
            .expect("run orgscope")
    };
    let svg = dir.path().join("org.svg");
    let out = run(&[
        "--kind",
        "org",
        "--color-by",
        "env",
        "--out",
        svg.to_str().unwrap_or(""),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).expect("svg written");
    assert_eq!(
        parse_svg(&text)
            .iter()
            .filter(|n| n.kind == "account")
            .count(),
        3
    );

    let png = dir.path().join("net.png");
    let out = run(&[
        "--kind",
        "network",
        "--scale",
        "2",
        "--out",
        png.to_str().unwrap_or(""),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let img = decode(&std::fs::read(&png).expect("png written"));
    assert!(img.width() > 400);

    let filtered = dir.path().join("one.svg");
    let out = run(&[
        "--kind",
        "network",
        "--filter",
        "id:i-1",
        "--out",
        filtered.to_str().unwrap_or(""),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nodes = parse_svg(&std::fs::read_to_string(&filtered).expect("svg written"));
    let instances: Vec<&str> = nodes
        .iter()
        .filter(|n| n.kind == "instance")
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(instances, ["i-1"]);

    let out = run(&[
        "--kind",
        "network",
        "--filter",
        "type:(",
        "--out",
        filtered.to_str().unwrap_or(""),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid --filter"));

    let bad = dir.path().join("org.pdf");
    let out = run(&["--kind", "org", "--out", bad.to_str().unwrap_or("")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".svg, .png or .drawio"));
    assert!(!bad.exists());
}

/// The demo estate, both diagrams, through the same checks; with
/// `ORGSCOPE_KEEP_DIAGRAMS=DIR` the PNGs are kept for a human to look at.
#[test]
fn demo_estate_diagrams_are_tidy() {
    let estate = orgscope::demo::demo_estate(25);
    let org = diagram::org_scene(
        &estate,
        &OrgOptions {
            color_by: Some("env".into()),
            ..OrgOptions::default()
        },
    );
    let nodes = parse_svg(&diagram::to_svg(&org));
    assert_eq!(
        nodes.iter().filter(|n| n.kind == "account").count(),
        estate.accounts.len()
    );
    assert_no_overlap(&nodes);
    assert_text_fits(&nodes);

    let all: Vec<usize> = (0..estate.resources.len()).collect();
    let net = diagram::network_scene(&estate, &all, &NetworkOptions::default());
    let nodes = parse_svg(&diagram::to_svg(&net));
    assert_children_inside(&nodes);
    assert_no_overlap(&nodes);
    assert_text_fits(&nodes);

    if let Ok(dir) = std::env::var("ORGSCOPE_KEEP_DIAGRAMS") {
        for (name, scene) in [("demo-org", &org), ("demo-network", &net)] {
            let png = diagram::to_png(scene, 1.0).expect("renders");
            let _ = std::fs::write(format!("{dir}/{name}.png"), png);
            let _ = std::fs::write(format!("{dir}/{name}.svg"), diagram::to_svg(scene));
        }
    }
}

/// Wire a seeded estate: a Transit Gateway with a hostile name in the
/// management account, every VPC attached to it (listed by the TGW owner,
/// and the first ones again by their own account, under the same id), a
/// peering between consecutive VPCs, and one peering into an account
/// outside the organization.
fn wire(e: &mut Estate) {
    const OWNER: &str = "100000000000";
    let mut tgw = Resource::new(kinds::TRANSIT_GATEWAY, OWNER, "eu-west-1", "tgw-hub")
        .with("owner", OWNER)
        .with("state", "available");
    tgw.name = Some("core <hub> & \"edge\"".into());
    let vpcs: Vec<(String, String)> = e
        .resources
        .iter()
        .filter(|r| r.kind == kinds::VPC)
        .map(|r| (r.account_id.clone(), r.id.clone()))
        .collect();
    let mut added = vec![tgw];
    for (k, (account, vpc)) in vpcs.iter().enumerate() {
        let attach = |holder: &str| {
            let mut to_tgw = Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-hub");
            if holder != OWNER {
                to_tgw = to_tgw.in_account(OWNER);
            }
            let mut to_vpc = Edge::new(Rel::InVpc, kinds::VPC, vpc.as_str());
            if holder != account {
                to_vpc = to_vpc.in_account(account.as_str());
            }
            Resource::new(
                kinds::TRANSIT_GATEWAY_ATTACHMENT,
                holder,
                "eu-west-1",
                format!("tgw-attach-{k}"),
            )
            .with("resource_type", "vpc")
            .with("state", "available")
            .with_edge(to_tgw)
            .with_edge(to_vpc)
        };
        added.push(attach(OWNER));
        if k < 3 {
            added.push(attach(account));
        }
        if let Some((far_account, far)) = vpcs.get(k + 1).filter(|_| k % 2 == 0) {
            let mut to_far =
                Edge::new(Rel::PeersWith, kinds::VPC, far.as_str()).attr("side", "accepter");
            if far_account != account {
                to_far = to_far.in_account(far_account.as_str());
            }
            added.push(
                Resource::new(
                    kinds::VPC_PEERING_CONNECTION,
                    account,
                    "eu-west-1",
                    format!("pcx-{k}"),
                )
                .with("status", "active")
                .with_edge(
                    Edge::new(Rel::PeersWith, kinds::VPC, vpc.as_str()).attr("side", "requester"),
                )
                .with_edge(to_far),
            );
        }
    }
    if let Some((account, vpc)) = vpcs.first() {
        added.push(
            Resource::new(
                kinds::VPC_PEERING_CONNECTION,
                account,
                "eu-west-1",
                "pcx-partner",
            )
            .with("status", "active")
            .with_edge(
                Edge::new(Rel::PeersWith, kinds::VPC, vpc.as_str()).attr("side", "requester"),
            )
            .with_edge(
                Edge::new(Rel::PeersWith, kinds::VPC, "vpc-partner<&>")
                    .attr("side", "accepter")
                    .in_account("999988887777")
                    .in_region("ap-southeast-2"),
            ),
        );
    }
    e.resources.extend(added);
    e.canonicalize();
}

/// A draw.io file parsed back: vertex cells (id → value, parent) and
/// edge cells (source, target).
struct Drawio {
    vertices: HashMap<String, (String, String)>,
    edges: Vec<(Option<String>, Option<String>)>,
}

fn parse_drawio(xml: &str) -> Drawio {
    let doc = roxmltree::Document::parse(xml).expect("the draw.io file is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "mxfile");
    let model_root = root
        .descendants()
        .find(|n| n.has_tag_name("root"))
        .expect("mxGraphModel/root");
    let cells: Vec<roxmltree::Node> = model_root
        .children()
        .filter(|n| n.has_tag_name("mxCell"))
        .collect();
    assert_eq!(cells[0].attribute("id"), Some("0"));
    assert_eq!(cells[1].attribute("parent"), Some("0"));
    let mut vertices = HashMap::new();
    let mut edges = vec![];
    for c in &cells[2..] {
        let id = c.attribute("id").expect("every cell has an id").to_string();
        if c.attribute("vertex") == Some("1") {
            let parent = c.attribute("parent").expect("a parent").to_string();
            assert!(
                parent == "1" || vertices.contains_key(&parent),
                "{id}: parent {parent} comes first"
            );
            let g = c.first_element_child().expect("geometry");
            assert_eq!(g.attribute("as"), Some("geometry"));
            vertices.insert(id, (c.attribute("value").unwrap_or("").to_string(), parent));
        } else {
            assert_eq!(
                c.attribute("edge"),
                Some("1"),
                "{id} is a vertex or an edge"
            );
            edges.push((
                c.attribute("source").map(str::to_string),
                c.attribute("target").map(str::to_string),
            ));
        }
    }
    Drawio { vertices, edges }
}

/// Every box of `scene` is a cell with its text, inside its container's
/// cell; every connector joins the cells of its ends.
fn assert_drawio_matches(scene: &diagram::Scene, file: &Drawio) {
    for (i, n) in scene.nodes.iter().enumerate() {
        let (value, parent) = file
            .vertices
            .get(&format!("n{i}"))
            .unwrap_or_else(|| panic!("box {} has no cell", n.id));
        let lines: Vec<&str> = n.labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(value, &lines.join("\n"), "text of {}", n.id);
        let want = n.parent.map_or("1".to_string(), |p| format!("n{p}"));
        assert_eq!(parent, &want, "container of {}", n.id);
    }
    assert_eq!(file.edges.len(), scene.edges.len());
    let node_of = |cell: &Option<String>| {
        cell.as_ref()
            .and_then(|c| c.strip_prefix('n'))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| scene.nodes.get(i))
            .map(|n| n.id.as_str())
    };
    for (e, (s, t)) in scene.edges.iter().zip(&file.edges) {
        assert_eq!(node_of(s), Some(e.from.as_str()));
        assert_eq!(node_of(t), Some(e.to.as_str()));
    }
}

#[test]
fn connectivity_of_seeded_hostile_estates_is_tidy_and_round_trips_through_drawio() {
    for seed in 0..6 {
        let mut estate = seeded_estate(seed);
        wire(&mut estate);
        let all: Vec<usize> = (0..estate.resources.len()).collect();
        let scene = diagram::connectivity_scene(&estate, &all, &Default::default());
        let nodes = parse_svg(&diagram::to_svg(&scene));
        assert_eq!(nodes.len(), scene.nodes.len());
        assert_children_inside(&nodes);
        assert_no_overlap(&nodes);
        assert_text_fits(&nodes);
        let vpcs = estate
            .resources
            .iter()
            .filter(|r| r.kind == kinds::VPC)
            .count();
        if vpcs > 0 {
            let outside: Vec<&SvgNode> = nodes
                .iter()
                .filter(|n| n.id == "999988887777" || n.id == "vpc-partner<&>")
                .collect();
            assert_eq!(
                outside.len(),
                2,
                "seed {seed}: the partner's account and VPC"
            );
            assert!(
                nodes
                    .iter()
                    .any(|n| n.title.contains("core <hub> & \"edge\""))
            );
        }
        let file = parse_drawio(&diagram::to_drawio(&scene));
        assert_drawio_matches(&scene, &file);
    }
}

#[test]
fn drawio_of_the_org_and_network_diagrams_round_trips() {
    let estate = seeded_estate(3);
    let org = diagram::org_scene(&estate, &OrgOptions::default());
    assert_drawio_matches(&org, &parse_drawio(&diagram::to_drawio(&org)));
    let all: Vec<usize> = (0..estate.resources.len()).collect();
    let net = diagram::network_scene(&estate, &all, &NetworkOptions::default());
    assert_drawio_matches(&net, &parse_drawio(&diagram::to_drawio(&net)));
}

/// The real binary on the demo: `orgscope demo`, then every new diagram
/// and format, each parsed back.
#[test]
fn cli_draws_connectivity_and_writes_drawio_for_every_kind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("demo.json");
    let bin = env!("CARGO_BIN_EXE_orgscope");
    let demo = std::process::Command::new(bin)
        .args(["demo", "--out"])
        .arg(&snap)
        .output()
        .expect("run orgscope demo");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let run = |args: &[&str], out: &std::path::Path| {
        std::process::Command::new(bin)
            .arg("diagram")
            .arg(&snap)
            .args(args)
            .arg("--out")
            .arg(out)
            .output()
            .expect("run orgscope diagram")
    };
    let ok = |o: std::process::Output| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let estate = orgscope::snapshot::read(&snap).expect("demo snapshot");

    let svg = dir.path().join("conn.svg");
    ok(run(&["--kind", "connectivity"], &svg));
    let nodes = parse_svg(&std::fs::read_to_string(&svg).expect("svg written"));
    assert_children_inside(&nodes);
    assert_no_overlap(&nodes);
    assert_text_fits(&nodes);
    assert!(
        nodes.iter().any(|n| n.kind == "root"),
        "the organization region"
    );

    let png = dir.path().join("conn.png");
    ok(run(&["--kind", "connectivity", "--scale", "2"], &png));
    let img = decode(&std::fs::read(&png).expect("png written"));
    assert!(img.width() > 400);

    let all: Vec<usize> = (0..estate.resources.len()).collect();
    for (kind, scene) in [
        (
            "connectivity",
            diagram::connectivity_scene(&estate, &all, &Default::default()),
        ),
        ("org", diagram::org_scene(&estate, &OrgOptions::default())),
        (
            "network",
            diagram::network_scene(&estate, &all, &NetworkOptions::default()),
        ),
    ] {
        let path = dir.path().join(format!("{kind}.drawio"));
        let stdout = ok(run(&["--kind", kind], &path));
        assert!(
            stdout.contains(&format!("{} boxes", scene.nodes.len())),
            "{stdout}"
        );
        let file = parse_drawio(&std::fs::read_to_string(&path).expect("drawio written"));
        // The binary drew the very scene the library lays out.
        assert_drawio_matches(&scene, &file);
    }

    let filtered = dir.path().join("prod.drawio");
    ok(run(
        &["--kind", "connectivity", "--filter", "ou:Prod"],
        &filtered,
    ));
    assert!(
        parse_drawio(&std::fs::read_to_string(&filtered).expect("written"))
            .vertices
            .len()
            > 3
    );

    let bad = dir.path().join("conn.pdf");
    let out = run(&["--kind", "connectivity"], &bad);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".svg, .png or .drawio"), "{err}");
    assert!(!bad.exists());
    let out = run(
        &["--kind", "org", "--scale", "2"],
        &dir.path().join("org.drawio"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--scale only applies to PNG"));
}

/// The app: a pane switches to the connectivity view of its rows, the
/// view draws the hub, and hovering it shows the hub's details.
#[test]
fn the_app_shows_the_connectivity_view_and_its_boxes() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;
    use orgscope::ui::state::{Pane, PaneView};
    use orgscope::ui::{OrgscopeApp, Origin, Settings};

    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("tokio runtime: {e}"),
    };
    let mut estate = seeded_estate(2);
    wire(&mut estate);
    // The app's own text (table, tree) is set in egui's default fonts,
    // which have no CJK glyphs: keep to the rest of the hostile names.
    let latin = |s: &str| s.replace("本番環境", "honban");
    for a in &mut estate.accounts {
        a.name = latin(&a.name);
    }
    for r in &mut estate.resources {
        r.name = r.name.as_deref().map(latin);
    }
    let handle = rt.handle().clone();
    let mut h = egui_kittest::Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(64)
        .build_eframe(move |cc| {
            let mut app = OrgscopeApp::with_settings(&cc.egui_ctx, Settings::default(), handle);
            app.load_estate(estate, Origin::Demo);
            app
        });
    h.run();
    h.get_by_role_and_label(Role::Button, "Connectivity")
        .click();
    h.run();
    let pane = |app: &OrgscopeApp| {
        app.settings()
            .panes
            .values()
            .find_map(|p| match p {
                Pane::Inventory(p) => Some(p.clone()),
                Pane::Compare(_) => None,
            })
            .expect("an inventory pane")
    };
    let p = pane(h.state());
    assert_eq!(p.cfg.view, PaneView::Connectivity);
    let (_, scene) = p
        .derived
        .scene
        .clone()
        .expect("the connectivity scene is built");
    let hub = scene.find("tgw-hub").expect("the hub is drawn");
    let centre = p.derived.diagram.to_screen(hub.rect.center());
    h.hover_at(centre);
    h.run_steps(8);
    assert!(
        h.query_by_label("Transit Gateway core <hub> & \"edge\"")
            .is_some(),
        "hovering the hub box shows its details"
    );
    // Back to the network diagram: another scene, without the hub box.
    h.get_by_role_and_label(Role::Button, "Diagram").click();
    h.run();
    let p = pane(h.state());
    let (_, scene) = p.derived.scene.clone().expect("the network scene is built");
    assert!(
        scene
            .nodes
            .iter()
            .all(|n| n.id != "organization-root" && n.kind.as_str() != "root")
    );
}
