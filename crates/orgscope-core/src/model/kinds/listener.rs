//! Load balancer listeners: a protocol and port on a load balancer and
//! where its default action sends the traffic. Matched across
//! environments by their load balancer and port.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "listener",
    aliases: &["listeners", "lb_listener"],
    label: "Listeners",
    service: "elasticloadbalancing",
    api: "elasticloadbalancing:DescribeListeners",
    scope: Scope::Regional,
    arn: "arn:{partition}:elasticloadbalancing:{region}:{account}:listener/{id}",
    fields: &[
        FieldDef::text("protocol", "Protocol")
            .column()
            .compared()
            .facet(),
        FieldDef::text("port", "Port")
            .typed(ValueType::Number)
            .column()
            .compared(),
        FieldDef::text("ssl_policy", "SSL policy")
            .compared()
            .facet(),
        // The default action's type: `forward`, `redirect`, `fixed-response`...
        FieldDef::text("action", "Default action")
            .key("default_action")
            .column()
            .compared()
            .facet(),
    ],
    // The load balancer's key and the port (carried on the edge).
    key: KeyDef::Via {
        rel: Rel::AttachedTo,
        attr: "port",
    },
    relations: &[
        RelationDef::to(Rel::AttachedTo, &["load_balancer"]),
        RelationDef::to(Rel::Targets, &["target_group"]).compared("target_groups"),
    ],
    draw: Draw::Hidden,
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::{Rel, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn https_forwards_to_a_group_of_the_same_load_balancer() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:listener");
        let lbs = rows(&ctx, "type:lb");
        let https = rows(&ctx, "type:listener protocol:HTTPS port:443 action:forward");
        let redirects = rows(&ctx, "type:listener protocol:HTTP port:80 action:redirect");
        assert_eq!(https.len(), lbs.len());
        assert_eq!(https.len() + redirects.len(), all.len());
        assert_eq!(rows(&ctx, "type:listener ssl_policy:ELBSecurity*"), https);
        for &i in &https {
            let l = &e.resources[i];
            let lb = l.edges(Rel::AttachedTo).next().expect("on a load balancer");
            assert_eq!(lb.attrs.get("port").map(String::as_str), Some("443"));
            assert_eq!(lb.kind, Some(kinds::LOAD_BALANCER));
            // Its id extends its load balancer's, as the ARNs do.
            assert!(l.id.starts_with(&format!("{}/", lb.to)), "{}", l.id);
            let tg = ctx
                .edges_of(i)
                .find(|x| x.edge.rel == Rel::Targets)
                .and_then(|x| x.far)
                .map(|f| &e.resources[f])
                .expect("forwards to a target group in the estate");
            assert_eq!(tg.first(Rel::AttachedTo), Some(lb.to.as_str()));
        }
        // Only web-facing apps redirect plain HTTP; the redirect has no
        // target group.
        for &i in &redirects {
            assert_eq!(e.resources[i].edges(Rel::Targets).count(), 0);
        }
        assert!(rows(&ctx, "type:listener port:80 attached-to:payments-*").is_empty());
        let l = &e.resources[https[0]];
        assert_eq!(
            l.arn(),
            format!(
                "arn:aws:elasticloadbalancing:{}:{}:listener/{}",
                l.region, l.account_id, l.id
            )
        );
    }

    #[test]
    fn listeners_pair_by_load_balancer_and_port() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:listener"),
            &e,
            &rows(&ctx, "ou:Test type:listener"),
            &DiffOptions {
                include_same: true,
                ..DiffOptions::default()
            },
        );
        let keys: Vec<_> = rep
            .entries
            .iter()
            .filter(|x| x.key.starts_with("orders/"))
            .map(|x| (x.key.as_str(), x.status))
            .collect();
        assert_eq!(
            keys,
            [
                ("orders/us-east-1/orders-alb:443", EntryStatus::Same),
                ("orders/us-east-1/orders-alb:80", EntryStatus::Same)
            ]
        );
    }
}
