//! Unit tests of the estate model: tree walking, serialization shape.

use super::*;

fn unit(id: &str, name: &str, accounts: &[&str], children: Vec<OrgUnit>) -> OrgUnit {
    OrgUnit {
        id: id.into(),
        name: name.into(),
        scps: vec![],
        accounts: accounts.iter().map(|s| s.to_string()).collect(),
        children,
    }
}

#[test]
fn walk_gives_paths_without_root() {
    let tree = unit(
        "r-1",
        "Root",
        &["1"],
        vec![unit(
            "ou-a",
            "Workloads",
            &[],
            vec![unit("ou-b", "Prod", &["2", "3"], vec![])],
        )],
    );
    let mut seen = Vec::new();
    tree.walk(&mut |n, path| seen.push((n.id.clone(), path.join("/"))));
    assert_eq!(
        seen,
        vec![
            ("r-1".to_string(), "".to_string()),
            ("ou-a".to_string(), "Workloads".to_string()),
            ("ou-b".to_string(), "Workloads/Prod".to_string()),
        ]
    );
    assert_eq!(tree.account_ids_below(), vec!["1", "2", "3"]);
    assert_eq!(tree.find("ou-b").map(|n| n.name.as_str()), Some("Prod"));
}

#[test]
fn resource_type_serializes_snake_case_with_flat_type() {
    let r = Resource {
        account_id: "111111111111".into(),
        region: "eu-west-1".into(),
        id: "sg-1".into(),
        name: Some("web".into()),
        tags: Tags::new(),
        details: Details::SecurityGroup(SecurityGroup {
            group_name: "web".into(),
            description: "d".into(),
            vpc_id: None,
            ingress: vec![],
            egress: vec![],
        }),
    };
    let v = serde_json::to_value(&r).expect("serialize");
    assert_eq!(v["type"], "security_group");
    assert_eq!(v["group_name"], "web");
    let back: Resource = serde_json::from_value(v).expect("deserialize");
    assert_eq!(back, r);
    assert_eq!(ResourceType::parse("sg"), Some(ResourceType::SecurityGroup));
}
