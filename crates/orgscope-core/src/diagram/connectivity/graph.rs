//! The connectivity graph read from the model: VPCs and Transit Gateways as
//! nodes, VPC peerings, TGW attachments (VPC spokes) and TGW peerings as
//! links. Both accounts of a cross-account peering or attachment list it
//! under the same id, so links are keyed by that id and drawn once. Far
//! ends come from the edges (`PeersWith`, `AttachedTo`, `InVpc`) with the
//! owner account and region they name, and are looked up in the whole
//! estate, not only in the scope: a VPC in the scope still shows the Transit
//! Gateway it is attached to, and an end nobody collected becomes a stub.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{Estate, Rel, Resource, kinds};

/// Peering and attachment states that carry no traffic and never will
/// again: not drawn, but counted in the subtitle.
const DEAD: [&str; 7] = [
    "deleted",
    "deleting",
    "rejected",
    "failed",
    "failing",
    "expired",
    "rollingBack",
];

/// A VPC the picture names: in the scope, or the far end of a link.
#[derive(Debug, Clone)]
pub(super) struct Vpc<'a> {
    pub account: String,
    pub region: String,
    pub id: String,
    /// The collected VPC, `None` for a far end nobody collected.
    pub record: Option<&'a Resource>,
    /// Short service names of its VPC endpoints in the scope (`s3`).
    pub endpoints: Vec<String>,
}

impl Vpc<'_> {
    pub fn name(&self) -> &str {
        self.record.map_or(self.id.as_str(), Resource::display_name)
    }
    pub fn is_default(&self) -> bool {
        self.record
            .and_then(|r| r.get("is_default"))
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }
    pub fn cidrs(&self) -> String {
        let Some(r) = self.record else {
            return String::new();
        };
        let blocks = r.get("cidr_blocks").map(|v| v.as_list()).unwrap_or(&[]);
        if blocks.is_empty() {
            r.text("cidr").unwrap_or("").to_string()
        } else {
            blocks.join(", ")
        }
    }
}

/// A Transit Gateway: a hub node in its owner's account.
#[derive(Debug, Clone)]
pub(super) struct Hub<'a> {
    pub owner: String,
    pub region: String,
    pub id: String,
    pub record: Option<&'a Resource>,
    /// Attachments that are not drawn as edges (VPN, Direct Connect
    /// gateway, Connect...), counted by type.
    pub others: BTreeMap<String, usize>,
}

impl Hub<'_> {
    pub fn name(&self) -> &str {
        self.record.map_or(self.id.as_str(), Resource::display_name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum LinkKind {
    Peering,
    Attachment,
    HubPeering,
}

/// One connection, keyed by the id both its listings share.
#[derive(Debug, Clone)]
pub(super) struct Link {
    pub id: String,
    pub kind: LinkKind,
    /// Node ids (a VPC id or a TGW id): requester → accepter for a
    /// peering, VPC → TGW for an attachment.
    pub from: String,
    pub to: String,
    pub status: String,
}

#[derive(Debug, Default)]
pub(super) struct Graph<'a> {
    /// By VPC id: ids are unique across accounts and regions.
    pub vpcs: BTreeMap<String, Vpc<'a>>,
    pub hubs: BTreeMap<String, Hub<'a>>,
    /// Sorted by id.
    pub links: Vec<Link>,
    /// Accounts the scope covers: owners of its resources and of every
    /// node drawn.
    pub accounts: BTreeSet<String>,
    /// Links in a dead state, not drawn.
    pub inactive: usize,
    /// Links whose listing names too few ends to draw (a peering with one
    /// `PeersWith` edge): not drawn, counted.
    pub incomplete: usize,
}

impl<'a> Graph<'a> {
    /// Owner account of a node id, when the graph knows the node.
    pub fn owner(&self, id: &str) -> Option<&str> {
        if let Some(v) = self.vpcs.get(id) {
            return Some(&v.account);
        }
        self.hubs.get(id).map(|h| h.owner.as_str())
    }

    /// Read the scope (`indices` into `estate.resources`).
    pub fn read(estate: &'a Estate, indices: &[usize]) -> Graph<'a> {
        let mut vpc_records: HashMap<(&str, &str), &Resource> = HashMap::new();
        let mut vpc_by_id: HashMap<&str, &Resource> = HashMap::new();
        // A shared TGW is listed by its owner and by every account it is
        // shared with: prefer the owner's listing.
        let mut hub_records: HashMap<&str, &Resource> = HashMap::new();
        for r in &estate.resources {
            if r.kind == kinds::VPC {
                vpc_records.insert((r.account_id.as_str(), r.id.as_str()), r);
                vpc_by_id.entry(r.id.as_str()).or_insert(r);
            } else if r.kind == kinds::TRANSIT_GATEWAY {
                let owned = r.text("owner").is_none_or(|o| o == r.account_id);
                match hub_records.get(r.id.as_str()) {
                    Some(_) if !owned => {}
                    _ => {
                        hub_records.insert(r.id.as_str(), r);
                    }
                }
            }
        }
        let vpc_record = |account: &str, id: &str| {
            vpc_records
                .get(&(account, id))
                .or_else(|| vpc_by_id.get(id))
                .copied()
        };

        let mut g = Graph::default();
        let mut links: BTreeMap<String, Link> = BTreeMap::new();
        let mut endpoints: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut others: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut dead: BTreeSet<&str> = BTreeSet::new();
        let mut broken: BTreeSet<&str> = BTreeSet::new();

        for &i in indices {
            let Some(r) = estate.resources.get(i) else {
                continue;
            };
            g.accounts.insert(r.account_id.clone());
            if r.kind == kinds::VPC {
                g.add_vpc(&r.account_id, &r.region, &r.id, Some(r));
            } else if r.kind == kinds::TRANSIT_GATEWAY {
                let owner = r.text("owner").unwrap_or(&r.account_id);
                let record = hub_records.get(r.id.as_str()).copied().or(Some(r));
                g.add_hub(owner, &r.region, &r.id, record);
            } else if r.kind == kinds::VPC_ENDPOINT {
                if let (Some(vpc), Some(service)) = (r.vpc_id(), r.text("service_name")) {
                    endpoints
                        .entry(vpc.to_string())
                        .or_default()
                        .insert(short_service(service).to_string());
                }
            } else if r.kind == kinds::VPC_PEERING_CONNECTION {
                if links.contains_key(&r.id) {
                    continue;
                }
                let status = r.text("status").unwrap_or("").to_string();
                if DEAD.contains(&status.as_str()) {
                    dead.insert(&r.id);
                    continue;
                }
                let ends: Vec<(String, String, &str, Option<&str>)> = r
                    .edges(Rel::PeersWith)
                    .map(|e| {
                        (
                            e.account_id.clone().unwrap_or_else(|| r.account_id.clone()),
                            e.region.clone().unwrap_or_else(|| r.region.clone()),
                            e.to.as_str(),
                            e.attrs.get("side").map(String::as_str),
                        )
                    })
                    .collect();
                let [a, b] = ends.as_slice() else {
                    broken.insert(&r.id);
                    continue;
                };
                // Requester first, whatever order the listing wrote them in.
                let (a, b) = if a.3 == Some("accepter") || b.3 == Some("requester") {
                    (b, a)
                } else {
                    (a, b)
                };
                for (account, region, id, _) in [a, b] {
                    g.add_vpc(account, region, id, vpc_record(account, id));
                }
                links.insert(
                    r.id.clone(),
                    Link {
                        id: r.id.clone(),
                        kind: LinkKind::Peering,
                        from: a.2.to_string(),
                        to: b.2.to_string(),
                        status,
                    },
                );
            } else if r.kind == kinds::TRANSIT_GATEWAY_ATTACHMENT {
                if links.contains_key(&r.id) {
                    continue;
                }
                let status = r.text("state").unwrap_or("").to_string();
                if DEAD.contains(&status.as_str()) {
                    dead.insert(&r.id);
                    continue;
                }
                let Some(tgw) = r.edges(Rel::AttachedTo).next() else {
                    broken.insert(&r.id);
                    continue;
                };
                let hub_owner = tgw
                    .account_id
                    .as_deref()
                    .or(r.text("tgw_owner"))
                    .unwrap_or(&r.account_id)
                    .to_string();
                let hub_region = tgw.region.as_deref().unwrap_or(&r.region).to_string();
                let hub_record = hub_records.get(tgw.to.as_str()).copied();
                let rtype = r.text("resource_type").unwrap_or("");
                let resource_owner = r.text("resource_owner").unwrap_or(&r.account_id);
                let vpc_end = match r.edges(Rel::InVpc).next() {
                    Some(e) => Some((
                        e.account_id.as_deref().unwrap_or(&r.account_id).to_string(),
                        e.region.as_deref().unwrap_or(&r.region).to_string(),
                        e.to.clone(),
                    )),
                    // An attachment listed without its `InVpc` edge still
                    // names its VPC in its fields.
                    None if rtype == "vpc" => r
                        .text("resource_id")
                        .map(|id| (resource_owner.to_string(), r.region.clone(), id.to_string())),
                    None => None,
                };
                let peer_hub = (rtype == "peering")
                    .then(|| r.text("resource_id"))
                    .flatten()
                    .filter(|id| id.starts_with("tgw-") && *id != tgw.to);
                let (from, kind) = if let Some((account, region, id)) = &vpc_end {
                    g.add_vpc(account, region, id, vpc_record(account, id));
                    (id.clone(), LinkKind::Attachment)
                } else if let Some(peer) = peer_hub {
                    let record = hub_records.get(peer).copied();
                    g.add_hub(resource_owner, &r.region, peer, record);
                    (peer.to_string(), LinkKind::HubPeering)
                } else {
                    // VPN, Direct Connect, Connect: counted on the hub.
                    let what = if rtype.is_empty() { "other" } else { rtype };
                    *others
                        .entry(tgw.to.clone())
                        .or_default()
                        .entry(what.to_string())
                        .or_default() += 1;
                    g.add_hub(&hub_owner, &hub_region, &tgw.to, hub_record);
                    links.insert(
                        r.id.clone(),
                        Link {
                            id: r.id.clone(),
                            kind: LinkKind::Attachment,
                            from: String::new(),
                            to: tgw.to.clone(),
                            status,
                        },
                    );
                    continue;
                };
                g.add_hub(&hub_owner, &hub_region, &tgw.to, hub_record);
                links.insert(
                    r.id.clone(),
                    Link {
                        id: r.id.clone(),
                        kind,
                        from,
                        to: tgw.to.clone(),
                        status,
                    },
                );
            }
        }
        // A link dropped as dead in one listing and kept from the other
        // (states can differ between the two sides mid-change) is drawn.
        g.inactive = dead.iter().filter(|id| !links.contains_key(**id)).count();
        g.incomplete = broken.iter().filter(|id| !links.contains_key(**id)).count();
        g.links = links
            .into_values()
            .filter(|l| !l.from.is_empty() && l.from != l.to)
            .collect();
        for (vpc, services) in endpoints {
            if let Some(v) = g.vpcs.get_mut(&vpc) {
                v.endpoints = services.into_iter().collect();
            }
        }
        for (hub, counts) in others {
            if let Some(h) = g.hubs.get_mut(&hub) {
                h.others = counts;
            }
        }
        let owners: Vec<String> = g
            .vpcs
            .values()
            .map(|v| v.account.clone())
            .chain(g.hubs.values().map(|h| h.owner.clone()))
            .collect();
        g.accounts.extend(owners);
        g
    }

    fn add_vpc(&mut self, account: &str, region: &str, id: &str, record: Option<&'a Resource>) {
        let v = self.vpcs.entry(id.to_string()).or_insert_with(|| Vpc {
            account: account.to_string(),
            region: region.to_string(),
            id: id.to_string(),
            record: None,
            endpoints: Vec::new(),
        });
        if v.record.is_none() && record.is_some() {
            v.record = record;
            if let Some(r) = record {
                v.account = r.account_id.clone();
                v.region = r.region.clone();
            }
        }
    }

    fn add_hub(&mut self, owner: &str, region: &str, id: &str, record: Option<&'a Resource>) {
        let h = self.hubs.entry(id.to_string()).or_insert_with(|| Hub {
            owner: owner.to_string(),
            region: region.to_string(),
            id: id.to_string(),
            record: None,
            others: BTreeMap::new(),
        });
        if h.record.is_none() && record.is_some() {
            h.record = record;
        }
    }
}

/// `com.amazonaws.eu-west-1.s3` → `s3`; `com.amazonaws.vpce.eu-west-1.vpce-svc-0a1`
/// → `vpce-svc-0a1`; anything else is kept whole.
pub(super) fn short_service(name: &str) -> &str {
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        ["com", "amazonaws", "vpce", _region, rest @ ..] if !rest.is_empty() => {
            let start = name.len() - rest.iter().map(|p| p.len() + 1).sum::<usize>() + 1;
            &name[start..]
        }
        ["com", "amazonaws", region, rest @ ..] if !rest.is_empty() && region.contains('-') => {
            let start = name.len() - rest.iter().map(|p| p.len() + 1).sum::<usize>() + 1;
            &name[start..]
        }
        _ => name,
    }
}
