//! Accounts start as the page that lists them arrives, not once the whole
//! organization has been walked (issue #17, item 6), against moto.
//!
//! To prove it without timing, the test makes moto answer one account per
//! `ListAccountsForParent` page (an interceptor sets `MaxResults`, which
//! moto honours) and puts a gate in the SDK's HTTP client that holds every
//! later page, and the listing of a deeper OU, until an `AssumeRole` has
//! been sent. A collector that waited for the whole walk would never send
//! one: the gate would give up after [`GIVE_UP`] and the test fail on its
//! log, instead of hanging.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_organizations::operation::list_accounts_for_parent::ListAccountsForParentInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::client::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector as Plain;
use hyper_util::rt::TokioExecutor;
use orgscope::collect::CollectEvent;
use tokio::sync::watch;

use crate::collect::{options, run};
use crate::support::moto::{MANAGEMENT_ACCOUNT, Moto};
use crate::support::seed;

/// How long the gate holds a call before it lets it through anyway (and
/// notes so): well under the SDK's 30 s attempt timeout, so a collector
/// that never opens the gate fails the test rather than retrying.
const GIVE_UP: Duration = Duration::from_secs(20);

/// moto answers one account per `ListAccountsForParent` page.
#[derive(Debug)]
struct OneAccountPerPage;

impl Intercept for OneAccountPerPage {
    fn name(&self) -> &'static str {
        "orgscope-test-one-account-per-page"
    }

    fn modify_before_serialization(
        &self,
        ctx: &mut BeforeSerializationInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(input) = ctx.input_mut().downcast_mut::<ListAccountsForParentInput>() {
            input.max_results = Some(1);
        }
        Ok(())
    }
}

/// Holds the `ListAccountsForParent` calls it is told to until the first
/// `AssumeRole` is sent, and logs what it saw, in order.
#[derive(Debug)]
struct Gate {
    /// Becomes true when an `AssumeRole` is sent.
    open: watch::Sender<bool>,
    /// Listings of this parent are held from their first page.
    held_parent: String,
    /// Accounts whose `AssumeRole` the log names.
    accounts: Vec<String>,
    log: Mutex<Vec<String>>,
}

impl Gate {
    fn note(&self, line: String) {
        if let Ok(mut log) = self.log.lock() {
            log.push(line);
        }
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Whether a `ListAccountsForParent` body is a page to hold: a later
    /// page of any parent (it carries a `NextToken`) or the held parent's.
    fn holds(&self, body: &str) -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(body).ok()?;
        let parent = v["ParentId"].as_str().unwrap_or_default();
        if v.get("NextToken").is_some_and(|t| !t.is_null()) {
            Some(format!("later page of {parent}"))
        } else if parent == self.held_parent {
            Some(format!("first page of {parent}"))
        } else {
            None
        }
    }
}

/// The SDK's HTTP client in this test: plain HTTP to moto (the loaded
/// config has none to wrap; the SDK adds its default per client), with
/// the gate in front.
#[derive(Debug, Clone)]
struct GateConnector {
    http: Client<Plain, Full<Bytes>>,
    gate: Arc<Gate>,
}

impl HttpConnector for GateConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let this = self.clone();
        HttpConnectorFuture::new(async move {
            let request = request
                .try_into_http1x()
                .map_err(|e| ConnectorError::other(e.into(), None))?;
            let (parts, body) = request.into_parts();
            // Every request these tests send has its body in memory.
            let body = Bytes::copy_from_slice(body.bytes().unwrap_or_default());
            this.hold(&parts.headers, &String::from_utf8_lossy(&body))
                .await;
            let response = this
                .http
                .request(http::Request::from_parts(parts, Full::new(body)))
                .await
                .map_err(|e| ConnectorError::io(e.into()))?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| ConnectorError::io(e.into()))?
                .to_bytes();
            HttpResponse::try_from(http::Response::from_parts(parts, SdkBody::from(body)))
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

impl GateConnector {
    /// Note an `AssumeRole` (and open the gate), or hold a listing the gate
    /// holds until it is open.
    async fn hold(&self, headers: &http::HeaderMap, body: &str) {
        let gate = &self.gate;
        let target = headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if body.contains("Action=AssumeRole") {
            let into = gate
                .accounts
                .iter()
                .find(|a| body.contains(a.as_str()))
                .cloned()
                .unwrap_or_default();
            gate.note(format!("AssumeRole {into}"));
            gate.open.send_replace(true);
        } else if target.ends_with(".ListAccountsForParent")
            && let Some(what) = gate.holds(body)
        {
            gate.note(format!("held {what}"));
            let mut open = gate.open.subscribe();
            let opened = tokio::time::timeout(GIVE_UP, open.wait_for(|o| *o))
                .await
                .is_ok_and(|r| r.is_ok());
            if opened {
                gate.note(format!("released {what}"));
            } else {
                gate.note(format!(
                    "gave up waiting for an AssumeRole: released {what}"
                ));
                // Once is enough to fail: let the rest of the run through.
                gate.open.send_replace(true);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_starts_before_the_later_pages_and_deeper_ous_are_listed() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let mut seeded = seed::empty_org(&conf).await;
    let org = aws_sdk_organizations::Client::new(&conf);
    let mut team = Vec::new();
    for name in ["team-a", "team-b", "team-c"] {
        team.push(seed::create_account(&org, &mut seeded, name, "Team", BTreeMap::new()).await);
    }
    let deep = seed::create_account(&org, &mut seeded, "deep", "Team/Deep", BTreeMap::new()).await;

    let (open, _) = watch::channel(false);
    let gate = Arc::new(Gate {
        open,
        held_parent: seeded.ous["Team/Deep"].clone(),
        accounts: seeded.accounts.iter().map(|a| a.id.clone()).collect(),
        log: Mutex::new(Vec::new()),
    });
    let mut opts = options(&moto, &["us-east-1"]).await;
    let connector = GateConnector {
        http: Client::builder(TokioExecutor::new()).build_http(),
        gate: gate.clone(),
    };
    let client = http_client_fn(move |_, _| SharedHttpConnector::new(connector.clone()));
    opts.hooks.base_config = opts.hooks.base_config.map(|c| {
        c.into_builder()
            .http_client(client)
            // A held call sends and receives nothing: not a stall.
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .build()
    });
    opts.hooks.interceptors = vec![SharedInterceptor::new(OneAccountPerPage)];
    let (estate, events) = run(opts).await;

    // The gate opened: an AssumeRole was sent while later pages and the
    // deep OU's listing were held, into the account of Team's first page.
    let log = gate.log();
    assert!(
        !log.iter().any(|l| l.starts_with("gave up")),
        "no account started before the walk ended: {log:#?}"
    );
    let first_assume = log
        .iter()
        .position(|l| l.starts_with("AssumeRole"))
        .unwrap_or_else(|| panic!("no AssumeRole: {log:#?}"));
    assert!(
        log[..first_assume].iter().any(|l| l.starts_with("held")),
        "something was held when the first AssumeRole went out: {log:#?}"
    );
    assert!(
        log[first_assume..]
            .iter()
            .any(|l| l == &format!("released first page of {}", seeded.ous["Team/Deep"])),
        "the deep OU was listed after the first AssumeRole: {log:#?}"
    );
    assert_eq!(log[first_assume], format!("AssumeRole {}", team[0]));

    // In the events: team-a started before the pages listing team-b, team-c
    // and the deep account arrived; each page was its own listing.
    let at = |want: &dyn Fn(&CollectEvent) -> bool| {
        events
            .iter()
            .position(want)
            .unwrap_or_else(|| panic!("event not sent: {events:#?}"))
    };
    let listed = |id: &str| {
        let id = id.to_string();
        move |e: &CollectEvent| {
            matches!(e, CollectEvent::AccountsListed { accounts, .. }
                if accounts.iter().any(|a| a.id == id))
        }
    };
    let started_a =
        at(&|e| matches!(e, CollectEvent::AccountStarted { account_id } if *account_id == team[0]));
    assert!(at(&listed(&team[0])) < started_a);
    for later in [&team[1], &team[2], &deep] {
        assert!(started_a < at(&listed(later)), "{later} listed first");
    }
    let tree_at = at(&|e| matches!(e, CollectEvent::Tree { .. }));
    assert!(started_a < tree_at, "team-a started before the walk ended");
    for e in &events {
        if let CollectEvent::AccountsListed { accounts, .. } = e {
            assert_eq!(accounts.len(), 1, "one account per page");
        }
    }

    // And the estate is whole, as if the walk had come first.
    assert!(
        !estate.is_partial(),
        "{:#?}",
        estate.failed_cells().collect::<Vec<_>>()
    );
    let mut ids: Vec<&str> = estate.accounts.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    let mut want: Vec<&str> = seeded.accounts.iter().map(|a| a.id.as_str()).collect();
    want.sort();
    assert_eq!(ids, want);
    for a in &estate.accounts {
        let s = seeded
            .accounts
            .iter()
            .find(|s| s.id == a.id)
            .unwrap_or_else(|| panic!("{} not seeded", a.id));
        assert_eq!(a.ou_path, s.ou_path, "{}", a.name);
        assert_eq!(a.is_management, a.id == MANAGEMENT_ACCOUNT);
    }
    let team_ou = estate
        .tree
        .find(&seeded.ous["Team"])
        .unwrap_or_else(|| panic!("Team OU: {:#?}", estate.tree));
    assert_eq!(team_ou.accounts, team, "in page order");
    assert_eq!(team_ou.children.len(), 1);
    assert_eq!(team_ou.children[0].accounts, vec![deep.clone()]);
    assert!(
        matches!(&events[tree_at], CollectEvent::Tree { tree, .. } if *tree == estate.tree),
        "the Tree event is the estate's tree"
    );
}
