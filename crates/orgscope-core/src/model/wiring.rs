//! Facts derived from how the estate is wired, computed once after a
//! collection (and when the demo is generated) and stored as ordinary
//! fields: a subnet's `routing` (`public` when its route table sends the
//! default route to an internet gateway), and an instance's or load
//! balancer's `internet` (`reachable` or `unreachable`) with the path that
//! decided it in `internet_why`.
//!
//! **Not collected is not absent.** Every fact is three-valued: yes, no,
//! or not known because what decides it was not read. A subnet's routing is
//! left empty when its account-region has no `ok` cell for
//! `ec2:DescribeRouteTables` (its explicit table may be the one we did not
//! see, so falling back to the main table would be a guess) or when no
//! table serves it. An instance is `reachable` when either path holds:
//!
//! - **direct**: public subnet AND a public IP (its own or an Elastic IP
//!   attached to it) AND a security group open to `0.0.0.0/0` or `::/0`;
//! - **load balancer**: a registered target of a target group that a
//!   listener of an internet-facing load balancer forwards to;
//!
//! `unreachable` when both are known not to hold, and empty otherwise
//! (Kleene logic: a direct path with no public IP is known closed even
//! when the route tables were not read). `internet_why` is always a line
//! a person reads — the path with the names of what is on it, the reasons
//! it is closed, or what was not collected. Two deliberate additions to
//! the rule: an instance that is stopped or terminated is `unreachable`
//! whatever its wiring (nothing answers there), and a load balancer whose
//! state is `failed` is too.
//!
//! Pure, deterministic (resources are read in estate order, the first of
//! duplicates wins) and idempotent: derived fields are never read, a
//! subnet's routing is recomputed where an instance needs it. One pass
//! builds hash maps of what the rules look up, one pass decides: O(n) in
//! resources, edges and coverage cells. Measured (release build, CPU time
//! per call, a 2-core machine shared with other builds): `demo_estate(1000)`
//! (96,000 resources, before the demo had wiring kinds) ~100 ms; 119,000
//! resources in 7,000 accounts, each with the shape of
//! `tests::many_copies_of_a_network_are_each_decided_alone` (a VPC, three
//! subnets and route tables, two instances, a load balancer with two
//! listeners and a target group) and 126,000 coverage cells, ~130 ms —
//! the order of building a query `Context`, once per collection. The time
//! is memory latency over the resources, not the rules.
//!
//! The load balancer path lives in `lb.rs`.

use std::cell::Cell;
use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use super::{CoverageStatus, Edge, Estate, Kind, Rel, Resource, RulePeer, SgRule, Value, kinds};

/// Fill the derived fields of every resource of `estate` (see the module
/// doc). Idempotent: running it twice gives the same estate.
pub fn derive(estate: &mut Estate) {
    let updates = Wiring::new(estate).decide();
    for (i, slot, value) in updates {
        if let Some(v) = estate
            .resources
            .get_mut(i)
            .and_then(|r| r.fields.get_mut(slot))
        {
            *v = value;
        }
    }
}

/// What a rule knows: yes, no, or not collected.
type Known = Option<bool>;

fn and3(a: Known, b: Known) -> Known {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// `(kind, account, region, id)`: ids are unique per account and region
/// for the kinds read here; the kind keeps a far end of one kind from
/// answering for another.
type Key<'e> = (Kind, &'e str, &'e str, &'e str);

/// The far end of `e` held by `r`, as kind `kind`.
fn far_key<'e>(r: &'e Resource, e: &'e Edge, kind: Kind) -> Key<'e> {
    (
        kind,
        e.account_id.as_deref().unwrap_or(&r.account_id),
        e.region.as_deref().unwrap_or(&r.region),
        &e.to,
    )
}

fn own_key(r: &Resource) -> Key<'_> {
    (r.kind, &r.account_id, &r.region, &r.id)
}

/// A route to the internet: the default route (IPv4 or IPv6) to an
/// internet gateway, not a blackhole (its gateway was deleted).
fn is_internet_route(e: &Edge) -> bool {
    let to_igw = match e.kind {
        Some(k) => k == kinds::INTERNET_GATEWAY,
        // Collectors always type `igw-` targets; a hand-made file may not.
        None => e.to.starts_with("igw-"),
    };
    to_igw
        && e.attrs
            .get("destination")
            .is_some_and(|d| d == "0.0.0.0/0" || d == "::/0")
        && e.attrs.get("state").is_none_or(|s| s != "blackhole")
}

/// How a subnet routes.
#[derive(Clone, Copy)]
enum Routing<'e> {
    /// To the internet, through the internet gateway named so.
    Public(&'e str),
    Private,
    /// The account-region's route tables were not (all) read.
    NotCollected,
    /// Read, but no table serves the subnet (and its VPC has no main one).
    NoTable,
}

/// An instance's subnet, as far as the estate knows it.
enum Subnet<'e> {
    NoEdge,
    /// Named by the edge, not in the estate.
    Missing(&'e str),
    Found(&'e Resource, Routing<'e>),
}

/// Whether one of an instance's security groups lets the internet in.
enum Open<'e> {
    /// The group and its open rule.
    Yes(&'e Resource, &'e SgRule),
    No,
    /// A group the estate does not have (it may be the open one), by id.
    Missing(&'e str),
}

/// One way in through a load balancer: target group, listener, load
/// balancer (indices into the resources).
#[derive(Clone, Copy)]
struct LbPath {
    tg: usize,
    listener: usize,
    lb: usize,
}

/// Bits of the read calls whose coverage decides whether "none" means none.
const ROUTE_TABLES: u8 = 1;
const LOAD_BALANCERS: u8 = 2;
const LISTENERS: u8 = 4;
const TARGET_GROUPS: u8 = 8;
const LB_CALLS: u8 = LOAD_BALANCERS | LISTENERS | TARGET_GROUPS;

fn call_bit(api: &str) -> u8 {
    [
        (kinds::ROUTE_TABLE, ROUTE_TABLES),
        (kinds::LOAD_BALANCER, LOAD_BALANCERS),
        (kinds::LISTENER, LISTENERS),
        (kinds::TARGET_GROUP, TARGET_GROUPS),
    ]
    .into_iter()
    .find(|(k, _)| k.def().api == api)
    .map_or(0, |(_, bit)| bit)
}

/// The fields the rules read, by index in their kind (resolved once:
/// looking a field up by name per resource costs more than the rule).
struct Slots {
    main: Option<usize>,
    instance_state: Option<usize>,
    instance_ip: Option<usize>,
    eip_ip: Option<usize>,
    ingress: Option<usize>,
    group_name: Option<usize>,
    scheme: Option<usize>,
    lb_state: Option<usize>,
    port: Option<usize>,
    protocol: Option<usize>,
}

impl Slots {
    fn new() -> Slots {
        let f = |k: Kind, name: &str| k.def().field_index(name);
        Slots {
            main: f(kinds::ROUTE_TABLE, "main"),
            instance_state: f(kinds::INSTANCE, "state"),
            instance_ip: f(kinds::INSTANCE, "public_ip"),
            eip_ip: f(kinds::ELASTIC_IP, "public_ip"),
            ingress: f(kinds::SECURITY_GROUP, "ingress"),
            group_name: f(kinds::SECURITY_GROUP, "group_name"),
            scheme: f(kinds::LOAD_BALANCER, "scheme"),
            lb_state: f(kinds::LOAD_BALANCER, "state"),
            port: f(kinds::LISTENER, "port"),
            protocol: f(kinds::LISTENER, "protocol"),
        }
    }
}

fn field(r: &Resource, slot: Option<usize>) -> Option<&Value> {
    slot.and_then(|s| r.fields.get(s))
}

fn text(r: &Resource, slot: Option<usize>) -> Option<&str> {
    field(r, slot).and_then(Value::as_str)
}

struct Wiring<'e> {
    res: &'e [Resource],
    slots: Slots,
    /// Resources of the kinds the rules look up, by key.
    by_key: FxHashMap<Key<'e>, usize>,
    /// Subnet key → the route table explicitly associated with it.
    explicit: FxHashMap<Key<'e>, usize>,
    /// VPC key → its main route table.
    main: FxHashMap<Key<'e>, usize>,
    /// Instance key → an Elastic IP attached to it.
    eip: FxHashMap<Key<'e>, usize>,
    /// Instance index → the load balancer paths that reach it.
    lb_paths: FxHashMap<usize, Vec<LbPath>>,
    /// Load balancer index → its listeners.
    listeners: FxHashMap<usize, Vec<usize>>,
    /// `(account, region)` → bits of the calls some cell says `ok` for,
    /// and of those some cell says otherwise for; `account` → the same
    /// for global cells.
    cells: FxHashMap<(&'e str, &'e str), (u8, u8)>,
    global: FxHashMap<&'e str, (u8, u8)>,
    /// The last `collected` answer: resources come in runs of one
    /// account-region.
    last: Cell<Option<(&'e str, &'e str, u8)>>,
}

impl<'e> Wiring<'e> {
    fn new(estate: &'e Estate) -> Wiring<'e> {
        let res = estate.resources.as_slice();
        let looked_up = [
            kinds::SUBNET,
            kinds::INTERNET_GATEWAY,
            kinds::INSTANCE,
            kinds::SECURITY_GROUP,
            kinds::LOAD_BALANCER,
            kinds::TARGET_GROUP,
        ];
        let mut w = Wiring {
            res,
            slots: Slots::new(),
            by_key: FxHashMap::default(),
            explicit: FxHashMap::default(),
            main: FxHashMap::default(),
            eip: FxHashMap::default(),
            lb_paths: FxHashMap::default(),
            listeners: FxHashMap::default(),
            cells: FxHashMap::default(),
            global: FxHashMap::default(),
            last: Cell::new(None),
        };
        for (i, r) in res.iter().enumerate() {
            if looked_up.contains(&r.kind) {
                w.by_key.entry(own_key(r)).or_insert(i);
            }
            if r.kind == kinds::ROUTE_TABLE {
                for e in r.edges(Rel::Serves) {
                    w.explicit.entry(far_key(r, e, kinds::SUBNET)).or_insert(i);
                }
                let is_main = field(r, w.slots.main)
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if is_main && let Some(e) = r.edges(Rel::InVpc).next() {
                    w.main.entry(far_key(r, e, kinds::VPC)).or_insert(i);
                }
            } else if r.kind == kinds::ELASTIC_IP {
                for e in r.edges(Rel::AttachedTo) {
                    if e.kind.is_none_or(|k| k == kinds::INSTANCE) {
                        w.eip.entry(far_key(r, e, kinds::INSTANCE)).or_insert(i);
                    }
                }
            }
        }
        for c in &estate.coverage {
            let bit = call_bit(c.api.as_str());
            if bit == 0 {
                continue;
            }
            let (ok, bad) = if c.region.is_global() {
                w.global.entry(&c.account_id).or_default()
            } else {
                w.cells
                    .entry((&c.account_id, c.region.as_str()))
                    .or_default()
            };
            if c.status == CoverageStatus::Ok {
                *ok |= bit;
            } else {
                *bad |= bit;
            }
        }
        w.index_load_balancers();
        w
    }

    /// The resource `e` (held by `r`) names, when it is of `kind` (or the
    /// edge does not say) and in the estate.
    fn find(&self, r: &'e Resource, e: &'e Edge, kind: Kind) -> Option<usize> {
        if e.kind.is_some_and(|k| k != kind) {
            return None;
        }
        self.by_key.get(&far_key(r, e, kind)).copied()
    }

    /// Bits of the calls that read `account`'s `region` completely: some
    /// cell (regional or global) says `ok` and none says otherwise.
    fn collected(&self, account: &'e str, region: &'e str) -> u8 {
        if let Some((a, r, bits)) = self.last.get()
            && a == account
            && r == region
        {
            return bits;
        }
        let (ok_r, bad_r) = self
            .cells
            .get(&(account, region))
            .copied()
            .unwrap_or_default();
        let (ok_g, bad_g) = self.global.get(account).copied().unwrap_or_default();
        let bits = (ok_r | ok_g) & !(bad_r | bad_g);
        self.last.set(Some((account, region, bits)));
        bits
    }

    fn decide(&self) -> Vec<(usize, usize, Value)> {
        let slot = |k: Kind, f: &str| k.def().field_index(f);
        let routing = slot(kinds::SUBNET, "routing");
        let (inet_i, why_i) = (
            slot(kinds::INSTANCE, "internet"),
            slot(kinds::INSTANCE, "internet_why"),
        );
        let (inet_lb, why_lb) = (
            slot(kinds::LOAD_BALANCER, "internet"),
            slot(kinds::LOAD_BALANCER, "internet_why"),
        );
        let mut out = Vec::new();
        let mut set = |i: usize, s: Option<usize>, v: Value| {
            if let Some(s) = s {
                out.push((i, s, v));
            }
        };
        for (i, r) in self.res.iter().enumerate() {
            if r.kind == kinds::SUBNET {
                let v = match self.routing(i) {
                    Routing::Public(_) => Value::from("public"),
                    Routing::Private => Value::from("private"),
                    Routing::NotCollected | Routing::NoTable => Value::Null,
                };
                set(i, routing, v);
            } else if r.kind == kinds::INSTANCE {
                let (inet, why) = self.instance(i);
                set(i, inet_i, inet.map_or(Value::Null, Value::from));
                set(i, why_i, Value::from(why));
            } else if r.kind == kinds::LOAD_BALANCER {
                let (inet, why) = self.load_balancer(i);
                set(i, inet_lb, inet.map_or(Value::Null, Value::from));
                set(i, why_lb, why.map_or(Value::Null, Value::from));
            }
        }
        out
    }

    /// How subnet `i` routes (see the module doc).
    fn routing(&self, i: usize) -> Routing<'e> {
        let s = &self.res[i];
        if self.collected(&s.account_id, &s.region) & ROUTE_TABLES == 0 {
            return Routing::NotCollected;
        }
        let table = self.explicit.get(&own_key(s)).or_else(|| {
            s.edges(Rel::InVpc)
                .next()
                .and_then(|e| self.main.get(&far_key(s, e, kinds::VPC)))
        });
        let Some(&t) = table else {
            return Routing::NoTable;
        };
        let rt = &self.res[t];
        match rt.edges(Rel::RoutesTo).find(|e| is_internet_route(e)) {
            Some(igw) => Routing::Public(igw.name.as_deref().unwrap_or_else(|| {
                self.find(rt, igw, kinds::INTERNET_GATEWAY)
                    .map_or(igw.to.as_str(), |g| self.res[g].display_name())
            })),
            None => Routing::Private,
        }
    }

    /// `internet` and `internet_why` of instance `i`.
    fn instance(&self, i: usize) -> (Option<&'static str>, String) {
        let r = &self.res[i];
        if let Some(state @ ("stopped" | "stopping" | "terminated" | "shutting-down")) =
            text(r, self.slots.instance_state)
        {
            return (Some("unreachable"), format!("instance {state}"));
        }
        let subnet = match r.edges(Rel::InSubnet).next() {
            None => Subnet::NoEdge,
            Some(e) => match self.find(r, e, kinds::SUBNET) {
                None => Subnet::Missing(&e.to),
                Some(s) => Subnet::Found(&self.res[s], self.routing(s)),
            },
        };
        let ip = text(r, self.slots.instance_ip).or_else(|| {
            self.eip
                .get(&own_key(r))
                .and_then(|&a| text(&self.res[a], self.slots.eip_ip))
        });
        let sg = self.open_group(r);
        let direct = and3(
            and3(
                match subnet {
                    Subnet::Found(_, Routing::Public(_)) => Some(true),
                    Subnet::Found(_, Routing::Private) => Some(false),
                    _ => None,
                },
                Some(ip.is_some()),
            ),
            match sg {
                Open::Yes(..) => Some(true),
                Open::No => Some(false),
                Open::Missing(_) => None,
            },
        );
        let paths = self.lb_paths.get(&i).map_or(&[][..], Vec::as_slice);
        let via_lb: Known = if !paths.is_empty() {
            Some(true)
        } else if self.collected(&r.account_id, &r.region) & LB_CALLS == LB_CALLS {
            Some(false)
        } else {
            None
        };

        let mut why = String::new();
        if direct == Some(true) || via_lb == Some(true) {
            if direct == Some(true) {
                if let Subnet::Found(s, Routing::Public(igw)) = subnet {
                    let _ = write!(why, "public subnet {} (igw {igw}), ", s.display_name());
                }
                let _ = write!(why, "public IP {}", ip.unwrap_or_default());
                if let Open::Yes(g, rule) = sg {
                    let _ = write!(
                        why,
                        ", sg {} allows {}",
                        self.group_name(g),
                        rule_words(rule)
                    );
                }
            }
            if via_lb == Some(true) {
                if !why.is_empty() {
                    why.push_str("; ");
                }
                self.lb_words(paths, &mut why);
            }
            return (Some("reachable"), why);
        }
        // The parts of the direct path known closed, as a list.
        let closed = |why: &mut String| {
            let mut sep = "";
            if let Subnet::Found(s, Routing::Private) = subnet {
                let _ = write!(why, "private subnet {}", s.display_name());
                sep = ", ";
            }
            if ip.is_none() {
                let _ = write!(why, "{sep}no public IP");
                sep = ", ";
            }
            if let Open::No = sg {
                let _ = write!(why, "{sep}no security group open to the internet");
            }
        };
        if direct == Some(false) && via_lb == Some(false) {
            closed(&mut why);
            return (Some("unreachable"), why);
        }
        // Not known: first what was not collected, then what is closed.
        why.push_str("not known: ");
        let mut sep = "";
        match subnet {
            Subnet::NoEdge => {
                why.push_str("no subnet");
                sep = ", ";
            }
            Subnet::Missing(id) => {
                let _ = write!(why, "subnet {id} not collected");
                sep = ", ";
            }
            Subnet::Found(s, Routing::NotCollected) => {
                let _ = write!(why, "route tables not collected in {}", s.region);
                sep = ", ";
            }
            Subnet::Found(s, Routing::NoTable) => {
                let _ = write!(why, "no route table found for {}", s.display_name());
                sep = ", ";
            }
            Subnet::Found(..) => {}
        }
        if let Open::Missing(id) = sg {
            let _ = write!(why, "{sep}security group {id} not collected");
            sep = ", ";
        }
        if via_lb.is_none() {
            let _ = write!(why, "{sep}load balancers not collected in {}", r.region);
        }
        if direct == Some(false) {
            why.push_str("; ");
            closed(&mut why);
        }
        (None, why)
    }

    /// A group's name as a person knows it: its group name, else its
    /// `Name`, else its id.
    fn group_name(&self, g: &'e Resource) -> &'e str {
        text(g, self.slots.group_name)
            .or(g.name.as_deref())
            .unwrap_or(&g.id)
    }

    /// Is one of `r`'s security groups open to the internet?
    fn open_group(&self, r: &'e Resource) -> Open<'e> {
        let mut missing = None;
        for e in r.edges(Rel::MemberOf) {
            let Some(g) = self.find(r, e, kinds::SECURITY_GROUP) else {
                missing.get_or_insert(e.to.as_str());
                continue;
            };
            let g = &self.res[g];
            let rules = field(g, self.slots.ingress).map_or(&[][..], Value::as_rules);
            if let Some(rule) = rules.iter().find(|x| x.is_open_to_world()) {
                return Open::Yes(g, rule);
            }
        }
        match missing {
            Some(id) => Open::Missing(id),
            None => Open::No,
        }
    }
}

/// `0.0.0.0/0 tcp 443`, `::/0 all traffic`.
fn rule_words(rule: &SgRule) -> String {
    let peer = match &rule.peer {
        RulePeer::Cidr(c) | RulePeer::Ipv6Cidr(c) => c.as_str(),
        RulePeer::SecurityGroup(g) | RulePeer::PrefixList(g) => g.as_str(),
    };
    if matches!(rule.protocol.as_str(), "all" | "-1") {
        return format!("{peer} all traffic");
    }
    match (rule.from_port, rule.to_port) {
        (Some(a), Some(b)) if a == b && a >= 0 => format!("{peer} {} {a}", rule.protocol),
        (Some(a), Some(b)) if a >= 0 && b >= 0 => format!("{peer} {} {a}-{b}", rule.protocol),
        _ => format!("{peer} {}", rule.protocol),
    }
}

mod lb;
#[cfg(test)]
mod tests;
