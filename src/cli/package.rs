//! Files a package or a shell needs from the binary itself: shell
//! completions, the man pages, and the icon PNGs. Generating them from the
//! clap definition and the icon SVG keeps them from drifting from the code.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, Outcome, exit};
use crate::{icon, snapshot};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  orgscope completions bash > /etc/bash_completion.d/orgscope\n  orgscope completions zsh > \"${fpath[1]}/_orgscope\"\n  orgscope completions fish > ~/.config/fish/completions/orgscope.fish"
)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct PackageFilesArgs {
    /// Directory to write man pages (man1/), completions/ and icons/ into.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "orgscope", &mut std::io::stdout());
    Ok(Outcome(exit::OK))
}

/// Write man pages, completions and icons for packaging.
pub fn package_files(args: &PackageFilesArgs) -> anyhow::Result<Outcome> {
    let man_dir = args.out.join("man1");
    std::fs::create_dir_all(&man_dir).with_context(|| format!("creating {}", man_dir.display()))?;
    let cmd = Cli::command();
    write_man(&man_dir, &cmd, "orgscope")?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("orgscope-{}", sub.get_name());
        write_man(&man_dir, &sub.clone().name(name.clone()), &name)?;
    }

    let comp_dir = args.out.join("completions");
    std::fs::create_dir_all(&comp_dir)
        .with_context(|| format!("creating {}", comp_dir.display()))?;
    for (shell, file) in [
        (Shell::Bash, "orgscope"),
        (Shell::Zsh, "_orgscope"),
        (Shell::Fish, "orgscope.fish"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "orgscope", &mut buf);
        snapshot::write_atomic(&comp_dir.join(file), &buf)?;
    }

    for size in icon::HICOLOR_SIZES {
        let dir = args.out.join(format!("icons/hicolor/{size}x{size}/apps"));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        snapshot::write_atomic(&dir.join("orgscope.png"), &icon::render_png(size)?)?;
    }
    let scalable = args.out.join("icons/hicolor/scalable/apps");
    std::fs::create_dir_all(&scalable)?;
    snapshot::write_atomic(&scalable.join("orgscope.svg"), icon::ICON_SVG.as_bytes())?;
    Ok(Outcome(exit::OK))
}

fn write_man(dir: &Path, cmd: &clap::Command, name: &str) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    snapshot::write_atomic(&dir.join(format!("{name}.1")), &buf)?;
    Ok(())
}
