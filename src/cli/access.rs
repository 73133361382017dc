//! `orgscope access`: who can get into which account — the access map of a
//! snapshot's IAM roles (issue #14), as an aligned table, CSV or JSON. The
//! map and its renderers are the engine's (`access::access_map_of`); this
//! module parses arguments, picks the roles with the filter language, and
//! writes. The IAM fields are derived again on reading (idempotent), so a
//! snapshot written by an older build or by hand maps the same.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::{Args, ValueEnum};

use crate::access;
use crate::model::kinds;
use crate::query::{self, Context};
use crate::snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    /// One aligned line per way in: from, into, role, trust, flags.
    Table,
    /// The same lines with the ids, RFC 4180.
    Csv,
    /// The whole map: columns (accounts), rows (trusters) and their cells.
    Json,
}

#[derive(Debug, Args)]
pub struct AccessArgs {
    /// The estate snapshot to read.
    pub snapshot: PathBuf,
    #[arg(long, value_enum, default_value_t = AccessFormat::Table)]
    pub format: AccessFormat,
    /// Only the roles this filter keeps, e.g. 'trusted-by:outside' or
    /// 'account:payments-prod admin:true' (see docs/filter-language.md).
    #[arg(long, short, default_value = "")]
    pub filter: String,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(args: &AccessArgs) -> anyhow::Result<super::Outcome> {
    let q = query::parse(&args.filter).map_err(|e| {
        anyhow!(
            "invalid --filter {}: {e}",
            super::quoted_filter(&args.filter)
        )
    })?;
    let mut estate = snapshot::read(&args.snapshot)?;
    let roles = estate
        .resources
        .iter()
        .filter(|r| r.kind == kinds::IAM_ROLE)
        .count();
    if roles == 0 {
        return Err(anyhow!(
            "{}: the snapshot has no IAM roles; collect it again with this version \
             (IAM is read with iam:GetAccountAuthorizationDetails, see docs/iam/)",
            args.snapshot.display()
        ));
    }
    access::derive(&mut estate);
    let ctx = Context::new(&estate);
    let kept = query::filter(&ctx, &q, None);
    let map = access::access_map_of(&estate, Some(&kept));
    let text = match args.format {
        AccessFormat::Table => {
            let mut t = map.to_table();
            let kept_roles = kept
                .iter()
                .filter(|&&i| {
                    estate
                        .resources
                        .get(i)
                        .is_some_and(|r| r.kind == kinds::IAM_ROLE)
                })
                .count();
            t.push_str(&format!(
                "{} ways in, through {kept_roles} of {roles} roles, into {} accounts\n",
                map.len(),
                map.columns.len()
            ));
            t
        }
        AccessFormat::Csv => map.to_csv(),
        AccessFormat::Json => {
            let mut s = map.to_json();
            s.push('\n');
            s
        }
    };
    super::list::emit(args.out.as_ref(), &text)?;
    Ok(super::Outcome(super::exit::OK))
}

#[cfg(test)]
mod tests {
    use super::{AccessArgs, AccessFormat, run};
    use crate::model::{
        Account, AccountStatus, CallerIdentity, Estate, Resource, Source, SourceKind, kinds,
    };
    use crate::snapshot;

    fn account(id: &str, name: &str) -> Account {
        Account {
            id: id.into(),
            name: name.into(),
            email: String::new(),
            status: AccountStatus::Active,
            ou_path: Vec::new(),
            parent_id: String::new(),
            tags: Default::default(),
            scps: Vec::new(),
            is_management: false,
        }
    }

    /// payments-prod holds a deploy role trusted by tooling and a vendor
    /// role trusted by an outside account without an ExternalId.
    fn estate(with_roles: bool) -> Estate {
        let mut e = Estate::new(
            "2026-06-01T00:00:00Z".into(),
            Source {
                aggregator: None,
                kind: SourceKind::Demo,
                profile: None,
                label: "cli test".into(),
            },
            CallerIdentity {
                account_id: "333333333333".into(),
                arn: String::new(),
                user_id: String::new(),
            },
        );
        e.accounts = vec![
            account("111111111111", "payments-prod"),
            account("333333333333", "tooling"),
        ];
        let trust = |principal: &str| {
            format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
            )
        };
        if with_roles {
            for (id, principal) in [
                ("deploy", "arn:aws:iam::333333333333:role/ci"),
                ("vendor", "999999999999"),
            ] {
                let mut r = Resource::new(kinds::IAM_ROLE, "111111111111", "global", id)
                    .with("trust_policy", trust(principal));
                r.name = Some(id.to_string());
                e.resources.push(r);
            }
        }
        e
    }

    fn args(dir: &tempfile::TempDir, e: &Estate, format: AccessFormat, filter: &str) -> AccessArgs {
        let path = dir.path().join("estate.json");
        snapshot::write(&path, e).expect("snapshot written");
        AccessArgs {
            snapshot: path,
            format,
            filter: filter.to_string(),
            out: Some(dir.path().join("out")),
        }
    }

    #[test]
    fn writes_the_map_as_csv_and_table_with_the_filter_applied() {
        let dir = tempfile::tempdir().expect("temp dir");
        let e = estate(true);
        let a = args(&dir, &e, AccessFormat::Csv, "");
        assert_eq!(run(&a).expect("runs").0, super::super::exit::OK);
        let csv = std::fs::read_to_string(dir.path().join("out")).expect("written");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines,
            vec![
                "from,from_kind,from_id,into,into_id,role,role_id,trust,flags",
                "tooling,account,333333333333,payments-prod,111111111111,deploy,deploy,account:tooling,",
                "outside:999999999999,outside,999999999999,payments-prod,111111111111,vendor,vendor,outside:999999999999 [no ExternalId],external-without-external-id",
            ]
        );

        let a = args(&dir, &e, AccessFormat::Table, "trusted-by:outside");
        run(&a).expect("runs");
        let table = std::fs::read_to_string(dir.path().join("out")).expect("written");
        assert!(table.starts_with("FROM"), "{table}");
        assert!(table.contains("vendor"), "{table}");
        assert!(!table.contains("deploy"), "{table}");
        assert!(
            table.ends_with("1 ways in, through 1 of 2 roles, into 1 accounts\n"),
            "{table}"
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = args(&dir, &estate(true), AccessFormat::Json, "trusted-by:(");
        let e = run(&a).expect_err("bad filter").to_string();
        assert!(e.starts_with("invalid --filter \"trusted-by:(\""), "{e}");
        let a = args(&dir, &estate(false), AccessFormat::Json, "");
        let e = run(&a).expect_err("no roles").to_string();
        assert!(e.contains("the snapshot has no IAM roles"), "{e}");
        assert!(!dir.path().join("out").exists(), "nothing written on error");
    }
}
