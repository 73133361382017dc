//! Member accounts and their Organizations status. The status is a type,
//! not a string compared with literals: the statuses orgscope acts on
//! (only an active account is assumed into) are variants, and a status
//! some future AWS adds is kept as [`AccountStatus::Other`] — shown as AWS
//! spells it and never mistaken for active. In the file every status is the
//! text AWS gives (`ACTIVE`, `SUSPENDED`, ...), so snapshots do not change.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Tags;

/// A member (or the management) account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub email: String,
    /// As Organizations says: `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    pub status: AccountStatus,
    /// OU names from the root to the account's parent, root excluded.
    pub ou_path: Vec<String>,
    /// Id of the parent (root or OU).
    pub parent_id: String,
    pub tags: Tags,
    /// Names of SCPs attached directly to the account.
    pub scps: Vec<String>,
    /// True for the management account (collected with base credentials).
    pub is_management: bool,
}

impl Account {
    /// Suspended and pending-closure accounts cannot be assumed into, and
    /// neither can one whose status this build does not know.
    pub fn is_active(&self) -> bool {
        self.status == AccountStatus::Active
    }
}

/// An account's status in AWS Organizations.
///
/// Build one from AWS's text with [`AccountStatus::from`] (or `.into()`):
/// known spellings become their variant, so `Other` never holds one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AccountStatus {
    Active,
    Suspended,
    PendingClosure,
    /// A status this build does not know, as AWS spelled it.
    Other(String),
}

impl AccountStatus {
    /// The status as AWS spells it (and the file holds it).
    pub fn as_str(&self) -> &str {
        match self {
            AccountStatus::Active => "ACTIVE",
            AccountStatus::Suspended => "SUSPENDED",
            AccountStatus::PendingClosure => "PENDING_CLOSURE",
            AccountStatus::Other(s) => s,
        }
    }

    fn known(s: &str) -> Option<AccountStatus> {
        match s {
            "ACTIVE" => Some(AccountStatus::Active),
            "SUSPENDED" => Some(AccountStatus::Suspended),
            "PENDING_CLOSURE" => Some(AccountStatus::PendingClosure),
            _ => None,
        }
    }
}

impl From<&str> for AccountStatus {
    fn from(s: &str) -> AccountStatus {
        AccountStatus::known(s).unwrap_or_else(|| AccountStatus::Other(s.to_string()))
    }
}

impl From<String> for AccountStatus {
    fn from(s: String) -> AccountStatus {
        AccountStatus::known(&s).unwrap_or(AccountStatus::Other(s))
    }
}

impl fmt::Display for AccountStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AccountStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AccountStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AccountStatus, D::Error> {
        // Borrowed where the input allows: known statuses then allocate
        // nothing.
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(AccountStatus::from(&*s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(status: AccountStatus) -> Account {
        Account {
            id: "111111111111".into(),
            name: "a".into(),
            email: String::new(),
            status,
            ou_path: Vec::new(),
            parent_id: String::new(),
            tags: Tags::new(),
            scps: Vec::new(),
            is_management: false,
        }
    }

    #[test]
    fn statuses_round_trip_through_json_as_aws_spells_them() {
        for (status, text) in [
            (AccountStatus::Active, "ACTIVE"),
            (AccountStatus::Suspended, "SUSPENDED"),
            (AccountStatus::PendingClosure, "PENDING_CLOSURE"),
        ] {
            let json = serde_json::to_string(&status).expect("serializes");
            assert_eq!(json, format!("\"{text}\""));
            let back: AccountStatus = serde_json::from_str(&json).expect("reads");
            assert_eq!(back, status);
            assert_eq!(AccountStatus::from(text), status);
            assert_eq!(status.to_string(), text);
        }
    }

    #[test]
    fn an_unknown_status_survives_a_round_trip_as_other() {
        let back: AccountStatus = serde_json::from_str("\"PENDING_ACTIVATION\"").expect("reads");
        assert_eq!(back, AccountStatus::Other("PENDING_ACTIVATION".to_string()));
        assert_eq!(
            serde_json::to_string(&back).expect("serializes"),
            "\"PENDING_ACTIVATION\""
        );
        assert_eq!(back.as_str(), "PENDING_ACTIVATION");
        // Case matters, as in AWS: not silently taken for ACTIVE.
        assert_eq!(
            AccountStatus::from("active"),
            AccountStatus::Other("active".into())
        );
    }

    #[test]
    fn only_an_active_account_is_active() {
        assert!(account(AccountStatus::Active).is_active());
        for status in [
            AccountStatus::Suspended,
            AccountStatus::PendingClosure,
            AccountStatus::Other("ACTIVATING".into()),
            AccountStatus::Other(String::new()),
        ] {
            assert!(!account(status.clone()).is_active(), "{status:?}");
        }
    }

    #[test]
    fn an_account_serializes_its_status_as_a_plain_string() {
        let json = serde_json::to_value(account(AccountStatus::Suspended)).expect("serializes");
        assert_eq!(json["status"], "SUSPENDED");
    }
}
