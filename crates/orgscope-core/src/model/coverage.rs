//! Coverage: the outcome of every (account, region, api) cell of a
//! collection, and the types that name a cell — where it applies
//! ([`Place`]: the whole account, or one region), which call it is
//! ([`Api`]), and the two together with the account ([`CellKey`]), which
//! is how the collector, the demo, the app and the tests build and compare
//! cells. In the file each is the plain string it always was (`"global"`,
//! `"eu-west-1"`, `"sts:AssumeRole"`), so snapshots do not change.
//!
//! Why `Place` is an enum: a global cell (AssumeRole, Organizations, the
//! cancellation marker) covers every region of its account, and code that
//! reads cells must treat it so (see [`Place::covers`]); a variant makes
//! that case impossible to forget, where a `== "global"` comparison was
//! easy to leave out. A resource's `region` stays a `String`: it is read
//! as `&str` in a hundred places (query columns and interning, the diff's
//! match keys, tables, diagrams) where global or not never matters, and a
//! global kind's resources simply carry `"global"` there; the few places
//! that care ask [`is_global`], the one test of that text.
//!
//! API names are `service:Operation` strings. The calls orgscope makes
//! outside kind descriptors have constants here ([`Api::ASSUME_ROLE`],
//! [`Api::DESCRIBE_REGIONS`], the `organizations:*` calls, and
//! [`Api::COLLECT`], orgscope's own marker for an account a cancellation cut
//! short); a kind's read call is [`Api::of`] its descriptor's `api`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::kind::Kind;

/// The outcome of one (account, region, api) cell of a collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub account_id: String,
    /// A region, or global for account-wide calls (STS, Organizations).
    pub region: Place,
    /// `service:Operation`, e.g. `ec2:DescribeInstances`, `sts:AssumeRole`.
    pub api: Api,
    pub status: CoverageStatus,
    /// The AWS error code, e.g. `AccessDenied`.
    pub code: Option<String>,
    pub message: Option<String>,
    /// Where the cell's outcome came from, when not from orgscope's own
    /// calls in that account: [`CONFIG_SOURCE`] for a cell an AWS Config
    /// aggregator answered (its sources' status, then its query). `None`
    /// is a live read. Written only when set, so live snapshots do not
    /// change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// [`Coverage::source`] of a cell answered by an AWS Config aggregator.
pub const CONFIG_SOURCE: &str = "config-aggregator";

impl Coverage {
    /// The cell `key` with its outcome.
    pub fn new(
        key: CellKey,
        status: CoverageStatus,
        code: Option<String>,
        message: Option<String>,
    ) -> Coverage {
        Coverage {
            account_id: key.account_id,
            region: key.region,
            api: key.api,
            status,
            code,
            message,
            source: None,
        }
    }

    /// The same cell, said to come from `source` (see [`Coverage::source`]).
    pub fn from_source(mut self, source: &str) -> Coverage {
        self.source = Some(source.to_string());
        self
    }

    /// Which cell this is (a copy, for maps and sets of cells).
    pub fn key(&self) -> CellKey {
        CellKey {
            account_id: self.account_id.clone(),
            region: self.region.clone(),
            api: self.api.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    Ok,
    Denied,
    RegionDisabled,
    Suspended,
    Throttled,
    Timeout,
    Error,
    /// Read from an AWS Config aggregator whose source for this account
    /// and region has not reported recently (`OUTDATED`): what it holds is
    /// kept, each resource with its capture time, but may no longer be
    /// there, so the diff calls the cell's kind not collected.
    Outdated,
    /// The source does not record this kind (an AWS Config aggregator
    /// asked for a kind Config has no type for): not collected, and never
    /// read as absent.
    NotRecorded,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Ok => "ok",
            CoverageStatus::Denied => "denied",
            CoverageStatus::RegionDisabled => "region_disabled",
            CoverageStatus::Suspended => "suspended",
            CoverageStatus::Throttled => "throttled",
            CoverageStatus::Timeout => "timeout",
            CoverageStatus::Error => "error",
            CoverageStatus::Outdated => "outdated",
            CoverageStatus::NotRecorded => "not_recorded",
        }
    }

    /// `ok` and `suspended` are complete outcomes; everything else means the
    /// estate is partial (what is missing is unknown, not absent).
    ///
    /// `not_recorded` is complete too: the source did all it can, and a
    /// Config estate would otherwise be partial on every run. The diff
    /// still calls such a kind not collected (only `ok` is read as
    /// collected there).
    pub fn is_complete(self) -> bool {
        matches!(
            self,
            CoverageStatus::Ok | CoverageStatus::Suspended | CoverageStatus::NotRecorded
        )
    }
}

impl fmt::Display for CoverageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The region text of account-wide cells and of global kinds' resources.
pub const GLOBAL: &str = "global";

/// Whether a region string (a resource's, a filter's) is the global one
/// rather than a region.
pub fn is_global(region: &str) -> bool {
    region == GLOBAL
}

/// Where a coverage cell applies: the whole account, or one region.
///
/// Build one from text with [`Place::from`] (or `.into()`), which gives
/// `Global` for `"global"`, so `Region` never holds it. Equality, hashing
/// and order are those of the text: cells sort as they always have in the
/// file (`eu-west-1` < `global` < `us-east-1`).
#[derive(Debug, Clone)]
pub enum Place {
    /// Account-wide: STS, Organizations, enabled regions.
    Global,
    Region(String),
}

impl Place {
    /// `"global"`, or the region's name.
    pub fn as_str(&self) -> &str {
        match self {
            Place::Global => GLOBAL,
            Place::Region(r) => r,
        }
    }

    pub fn is_global(&self) -> bool {
        matches!(self, Place::Global)
    }

    /// Whether the cell says something about `region` (a resource's or a
    /// region being read): a global cell covers every region.
    pub fn covers(&self, region: &str) -> bool {
        match self {
            Place::Global => true,
            Place::Region(r) => r == region,
        }
    }
}

impl From<&str> for Place {
    fn from(s: &str) -> Place {
        if is_global(s) {
            Place::Global
        } else {
            Place::Region(s.to_string())
        }
    }
}

impl From<String> for Place {
    fn from(s: String) -> Place {
        if is_global(&s) {
            Place::Global
        } else {
            Place::Region(s)
        }
    }
}

impl From<&String> for Place {
    fn from(s: &String) -> Place {
        Place::from(s.as_str())
    }
}

impl PartialEq for Place {
    fn eq(&self, other: &Place) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Place {}

impl PartialEq<str> for Place {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Place {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Hash for Place {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h);
    }
}

impl PartialOrd for Place {
    fn partial_cmp(&self, other: &Place) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Place {
    fn cmp(&self, other: &Place) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Place {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Place {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Place, D::Error> {
        Ok(Place::from(String::deserialize(d)?))
    }
}

/// An API call as coverage cells name it: `service:Operation`.
///
/// The names orgscope knows are borrowed, never allocated: the constants
/// below and [`Api::of`] a kind. Equality and order are the text's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Api(Cow<'static, str>);

impl Api {
    /// Into a member account, before anything else is asked of it.
    pub const ASSUME_ROLE: Api = Api::from_static("sts:AssumeRole");
    /// Into a member account through an IAM Identity Center permission set,
    /// in place of [`Api::ASSUME_ROLE`].
    pub const GET_ROLE_CREDENTIALS: Api = Api::from_static("sso:GetRoleCredentials");
    /// An account's enabled regions, when every enabled region is asked.
    pub const DESCRIBE_REGIONS: Api = Api::from_static("ec2:DescribeRegions");
    pub const DESCRIBE_ORGANIZATION: Api = Api::from_static("organizations:DescribeOrganization");
    pub const LIST_ROOTS: Api = Api::from_static("organizations:ListRoots");
    pub const LIST_ORGANIZATIONAL_UNITS_FOR_PARENT: Api =
        Api::from_static("organizations:ListOrganizationalUnitsForParent");
    pub const LIST_ACCOUNTS_FOR_PARENT: Api =
        Api::from_static("organizations:ListAccountsForParent");
    pub const LIST_TAGS_FOR_RESOURCE: Api = Api::from_static("organizations:ListTagsForResource");
    pub const LIST_POLICIES_FOR_TARGET: Api =
        Api::from_static("organizations:ListPoliciesForTarget");
    /// Not an AWS call: orgscope's collection of an account. A cell of it
    /// (global, status `error`, code `Cancelled`) marks an account that a
    /// cancellation cut short, so the estate shows as partial.
    pub const COLLECT: Api = Api::from_static("orgscope:Collect");
    /// Cost Explorer, asked once per run from the caller's account when
    /// costs are collected; its cell is global and says nothing about
    /// resources (see [`Api::is_cost`]).
    pub const GET_COST_AND_USAGE: Api = Api::from_static("ce:GetCostAndUsage");
    /// IAM users' access keys (`ListAccessKeys` and `GetAccessKeyLastUsed`
    /// per user), one global cell per account beside the IAM kinds' own
    /// (`iam:GetAccountAuthorizationDetails`): a role reviewer may be
    /// refused them without losing the roles.
    pub const LIST_ACCESS_KEYS: Api = Api::from_static("iam:ListAccessKeys");
    /// An AWS Config aggregator's view of its sources (one per account and
    /// region): a source that failed or is outdated is a cell of this call
    /// with the aggregator's own code and message.
    pub const AGGREGATOR_SOURCES_STATUS: Api =
        Api::from_static("config:DescribeConfigurationAggregatorSourcesStatus");
    /// An AWS Config aggregator's advanced query, by which every kind is
    /// read from it.
    pub const SELECT_AGGREGATE_RESOURCE_CONFIG: Api =
        Api::from_static("config:SelectAggregateResourceConfig");

    pub const fn from_static(name: &'static str) -> Api {
        Api(Cow::Borrowed(name))
    }

    /// The read call that lists `kind` (its descriptor's `api`).
    pub fn of(kind: Kind) -> Api {
        Api::from_static(kind.def().api)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a Cost Explorer call: its outcome concerns the cost
    /// data only, never whether an account's regions were collected.
    pub fn is_cost(&self) -> bool {
        self.0.starts_with("ce:")
    }

    /// Whether this is a read of the global kinds' service (IAM's
    /// `GetAccountAuthorizationDetails`, and `ListAccessKeys` for the
    /// users' keys): its cell is global, but it says whether the account's
    /// IAM was read, nothing about its regions — a denied IAM must not make
    /// the account's EC2 look uncollected, unlike a refused AssumeRole.
    pub fn is_global_kind(&self) -> bool {
        super::kind::global_apis().any(|a| {
            a == self.as_str()
                || a.split_once(':').map(|(svc, _)| svc)
                    == self.as_str().split_once(':').map(|(svc, _)| svc)
        })
    }

    /// Whether this is the account-wide listing of a kind whose resources
    /// live in regions ([`Scope::Listed`](super::Scope::Listed): S3's
    /// `ListAllMyBuckets`). Its cell is global, but it speaks for that
    /// kind in every region of the account, and for nothing else.
    pub fn is_listed_kind(&self) -> bool {
        super::kind::listed_apis().any(|a| a == self.as_str())
    }

    /// Whether the cell says something about `region` of its account: a
    /// global kind's read covers only `global`, a listed kind's every
    /// region but `global`, Cost Explorer nothing, any other global cell
    /// (AssumeRole, DescribeRegions) every region.
    pub fn covers(&self, place: &Place, region: &str) -> bool {
        if self.is_cost() {
            false
        } else if self.is_listed_kind() {
            !is_global(region)
        } else if self.is_global_kind() {
            is_global(region)
        } else {
            place.covers(region)
        }
    }
}

impl From<&'static str> for Api {
    fn from(name: &'static str) -> Api {
        Api::from_static(name)
    }
}

impl From<String> for Api {
    fn from(name: String) -> Api {
        Api(Cow::Owned(name))
    }
}

impl AsRef<str> for Api {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which cell: (account, place, api). Ordered as the file orders cells.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    pub account_id: String,
    pub region: Place,
    pub api: Api,
}

impl CellKey {
    pub fn new(
        account_id: impl Into<String>,
        region: impl Into<Place>,
        api: impl Into<Api>,
    ) -> CellKey {
        CellKey {
            account_id: account_id.into(),
            region: region.into(),
            api: api.into(),
        }
    }
}

impl fmt::Display for CellKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.account_id, self.region, self.api)
    }
}

#[cfg(test)]
mod tests {
    use super::super::kinds;
    use super::*;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(v: &T) -> (String, T) {
        let json = serde_json::to_string(v).expect("serializes");
        let back = serde_json::from_str(&json).expect("reads");
        (json, back)
    }

    #[test]
    fn places_round_trip_through_json_as_the_same_string() {
        for (place, text) in [
            (Place::Global, "global"),
            (Place::Region("eu-west-1".into()), "eu-west-1"),
        ] {
            let (json, back) = round_trip(&place);
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(back, place);
            assert_eq!(back.is_global(), text == "global");
            assert_eq!(Place::from(text), place);
            assert_eq!(place.to_string(), text);
        }
        // "global" read from a file is the global place, not a region.
        let back: Place = serde_json::from_str("\"global\"").expect("reads");
        assert!(matches!(back, Place::Global));
    }

    #[test]
    fn a_global_place_covers_every_region_and_a_region_only_itself() {
        assert!(Place::Global.covers("eu-west-1"));
        assert!(Place::from("eu-west-1").covers("eu-west-1"));
        assert!(!Place::from("eu-west-1").covers("us-east-1"));
        assert!(is_global("global"));
        assert!(!is_global("eu-west-1"));
    }

    #[test]
    fn places_order_as_their_text() {
        let mut places: Vec<Place> = ["us-east-1", "global", "eu-west-1"]
            .into_iter()
            .map(Place::from)
            .collect();
        places.sort();
        let text: Vec<&str> = places.iter().map(Place::as_str).collect();
        assert_eq!(text, ["eu-west-1", "global", "us-east-1"]);
        // Even a hand-built region named "global" is the global place.
        assert_eq!(Place::Region(GLOBAL.into()), Place::Global);
    }

    #[test]
    fn apis_round_trip_through_json_as_the_same_string() {
        for api in [
            Api::ASSUME_ROLE,
            Api::GET_ROLE_CREDENTIALS,
            Api::DESCRIBE_REGIONS,
            Api::LIST_ACCOUNTS_FOR_PARENT,
            Api::COLLECT,
            Api::of(kinds::INSTANCE),
        ] {
            let (json, back) = round_trip(&api);
            assert_eq!(json, format!("\"{}\"", api.as_str()));
            assert_eq!(back, api);
        }
        assert_eq!(Api::of(kinds::INSTANCE).as_str(), "ec2:DescribeInstances");
        assert_eq!(Api::COLLECT.to_string(), "orgscope:Collect");
        // A name read from a file equals the constant it spells.
        assert_eq!(Api::from("sts:AssumeRole".to_string()), Api::ASSUME_ROLE);
    }

    #[test]
    fn a_cell_is_written_as_before_and_keyed_by_account_place_and_api() {
        let cell = Coverage::new(
            CellKey::new("111111111111", Place::Global, Api::ASSUME_ROLE),
            CoverageStatus::Denied,
            Some("AccessDenied".into()),
            None,
        );
        let (json, back) = round_trip(&cell);
        assert_eq!(
            json,
            r#"{"account_id":"111111111111","region":"global","api":"sts:AssumeRole","status":"denied","code":"AccessDenied","message":null}"#
        );
        assert_eq!(back, cell);
        assert_eq!(
            back.key(),
            CellKey::new("111111111111", "global", "sts:AssumeRole")
        );
        assert_eq!(cell.key().to_string(), "111111111111 global sts:AssumeRole");
    }

    #[test]
    fn cell_keys_order_as_the_file_orders_cells() {
        let mut keys = [
            CellKey::new("2", "eu-west-1", Api::of(kinds::VPC)),
            CellKey::new("1", "us-east-1", Api::of(kinds::VPC)),
            CellKey::new("1", Place::Global, Api::ASSUME_ROLE),
            CellKey::new("1", "eu-west-1", Api::of(kinds::VPC)),
            CellKey::new("1", "eu-west-1", Api::of(kinds::INSTANCE)),
        ];
        keys.sort();
        let text: Vec<String> = keys.iter().map(CellKey::to_string).collect();
        assert_eq!(
            text,
            [
                "1 eu-west-1 ec2:DescribeInstances",
                "1 eu-west-1 ec2:DescribeVpcs",
                "1 global sts:AssumeRole",
                "1 us-east-1 ec2:DescribeVpcs",
                "2 eu-west-1 ec2:DescribeVpcs",
            ]
        );
    }
}
