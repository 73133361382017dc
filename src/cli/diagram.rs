//! `orgscope diagram`: draw the org tree, the network topology, the
//! connectivity or the cross-account access of a snapshot to an SVG, PNG or draw.io file, with the same
//! layout and export code the desktop app uses. The output format follows
//! the file extension; the file is written atomically, so a failed export
//! leaves nothing behind.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use crate::diagram::{self, AccessOptions, ConnectivityOptions, NetworkOptions, OrgOptions};
use crate::snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Root, OUs and accounts.
    Org,
    /// Account → region → VPC → subnet → instances.
    Network,
    /// Accounts and their VPCs in their OUs, joined by peerings and Transit
    /// Gateway spokes.
    Connectivity,
    /// Who can get into which account: arrows from trusted accounts (in
    /// the organization, outside it, anyone) into the accounts whose IAM
    /// roles trust them, red where a role is a finding.
    Access,
}

#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// The estate snapshot to draw.
    pub snapshot: PathBuf,
    /// Which diagram to draw.
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// Only draw resources matching this filter (network, connectivity and
    /// access diagrams), e.g. `env=prod type:instance`, `ou:Prod`.
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Colour account boxes by this account tag, with a legend (org
    /// diagrams), e.g. `env`; or `cost` for a heat scale of each account's
    /// cost (from `collect --cost`). A tag named cost: `tag:cost`.
    #[arg(long, value_name = "TAG|cost")]
    pub color_by: Option<String>,
    /// The month whose costs `--color-by cost` shows, YYYY-MM (default:
    /// the last full month).
    #[arg(long, value_name = "YYYY-MM", requires = "color_by")]
    pub month: Option<String>,
    /// Output file; `.svg`, `.png` or `.drawio` decides the format.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// PNG pixels per diagram unit (1 = screen, 2 = high-DPI/print).
    #[arg(long, default_value_t = 1.0, value_name = "N")]
    pub scale: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Svg,
    Png,
    /// diagrams.net (mxGraph XML), editable.
    Drawio,
}

fn format_of(path: &Path) -> anyhow::Result<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => Ok(Format::Svg),
        Some("png") => Ok(Format::Png),
        Some("drawio") => Ok(Format::Drawio),
        _ => bail!(
            "cannot tell the format of {}: name the output file .svg, .png or .drawio",
            path.display()
        ),
    }
}

pub fn run(args: &DiagramArgs) -> anyhow::Result<super::Outcome> {
    let format = format_of(&args.out)?;
    if format != Format::Png && args.scale != 1.0 {
        bail!("--scale only applies to PNG output; SVG and draw.io are resolution-independent");
    }
    let estate = snapshot::read(&args.snapshot)?;
    let scene = match args.kind {
        Kind::Org => {
            if args.filter.is_some() {
                bail!(
                    "--filter applies to --kind network, connectivity and access; the org diagram always shows the whole tree"
                );
            }
            diagram::org_scene(&estate, &org_options(&estate, args)?)
        }
        Kind::Network | Kind::Connectivity | Kind::Access => {
            if args.color_by.is_some() {
                bail!("--color-by applies to --kind org");
            }
            let indices: Vec<usize> = match &args.filter {
                Some(expr) => filter_indices(&estate, expr)?,
                None => (0..estate.resources.len()).collect(),
            };
            match args.kind {
                Kind::Network => {
                    diagram::network_scene(&estate, &indices, &NetworkOptions::default())
                }
                Kind::Access => diagram::access_scene(&estate, &indices, &AccessOptions::default()),
                _ => {
                    diagram::connectivity_scene(&estate, &indices, &ConnectivityOptions::default())
                }
            }
        }
    };
    let bytes = match format {
        Format::Svg => diagram::to_svg(&scene).into_bytes(),
        Format::Drawio => diagram::to_drawio(&scene).into_bytes(),
        Format::Png => diagram::to_png(&scene, args.scale)
            .with_context(|| format!("cannot export {}", args.out.display()))?,
    };
    snapshot::write_atomic(&args.out, &bytes)?;
    println!(
        "wrote {} ({} × {} diagram units, {} boxes, {} bytes)",
        args.out.display(),
        scene.width,
        scene.height,
        scene.nodes.len(),
        bytes.len()
    );
    Ok(super::Outcome(super::exit::OK))
}

/// `--color-by`: `cost` (checked against the estate, so a missing month
/// or cost data is an error, not a plain diagram), `tag:KEY`, or a tag.
fn org_options(estate: &crate::model::Estate, args: &DiagramArgs) -> anyhow::Result<OrgOptions> {
    let month = args
        .month
        .as_deref()
        .map(crate::cost::Month::parse)
        .transpose()
        .context("invalid --month")?;
    match args.color_by.as_deref() {
        Some("cost") => {
            let costs = estate
                .costs
                .as_ref()
                .ok_or(crate::cost::CostError::NoCosts)
                .with_context(|| format!("cannot colour {} by cost", args.snapshot.display()))?;
            if let Some(m) = month {
                costs.check_month(m)?;
            }
            Ok(OrgOptions {
                color_by: None,
                cost: Some(diagram::CostColours { month }),
            })
        }
        other => {
            if month.is_some() {
                bail!("--month applies to --color-by cost");
            }
            Ok(OrgOptions {
                color_by: other.map(|t| t.strip_prefix("tag:").unwrap_or(t).to_string()),
                cost: None,
            })
        }
    }
}

fn filter_indices(estate: &crate::model::Estate, expr: &str) -> anyhow::Result<Vec<usize>> {
    let query = crate::query::parse(expr)
        .with_context(|| format!("invalid --filter {}", super::quoted_filter(expr)))?;
    let ctx = crate::query::Context::new(estate);
    Ok(crate::query::filter(&ctx, &query, None))
}
