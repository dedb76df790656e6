//! `ec2plan completions SHELL` and `ec2plan man`: the shell completion scripts and manual
//! pages, generated from the same clap definitions as the parser, so they cannot drift
//! from the flags the binary accepts.
//!
//! A packager wants files, one page per command as git and cargo ship them, and a user
//! wants to read the manual without installing anything: `ec2plan man` writes ec2plan(1)
//! to standard output (`ec2plan man | man -l -`), and `ec2plan man --out DIR` writes
//! ec2plan.1 and one ec2plan-COMMAND.1 per command (ec2plan-pricing-show.1 for
//! `pricing show`), all or nothing, for `install -m 644 DIR/*.1 …/man/man1/`. Pages carry
//! no date, so the same build writes the same bytes.

use super::Cli;
use crate::error::Error;
use crate::report::OutputDir;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::path::PathBuf;

pub const COMPLETIONS_EXAMPLES: &str = "Examples:
  ec2plan completions bash > ~/.local/share/bash-completion/completions/ec2plan
  ec2plan completions zsh > ~/.zfunc/_ec2plan
  ec2plan completions fish > ~/.config/fish/completions/ec2plan.fish";

pub const MAN_EXAMPLES: &str = "Examples:
  ec2plan man | man -l -
  ec2plan man -o man/";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write ec2plan.1 and one ec2plan-COMMAND.1 per command into DIR (all or nothing)
    /// instead of ec2plan(1) to standard output.
    #[arg(short = 'o', long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The completion script for `args.shell`.
pub fn completions(args: &CompletionsArgs) -> String {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "ec2plan", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

/// ec2plan(1) as roff, or every page written into `--out`; returns what standard output
/// gets.
pub fn man(args: &ManArgs) -> Result<String, Error> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let Some(dir) = &args.out else {
        return Ok(String::from_utf8_lossy(&render(&command)?).into_owned());
    };
    let mut out = OutputDir::create(dir)?;
    let mut pages = Vec::new();
    collect(&command, &mut pages);
    let mut names = Vec::new();
    for page in &pages {
        let name = clap_mangen::Man::new(page.clone()).get_filename();
        out.write(&name, &render(page)?)?;
        names.push(name);
    }
    out.commit()?;
    Ok(format!(
        "wrote {} manual pages to {}: {}\n",
        names.len(),
        dir.display(),
        names.join(", ")
    ))
}

/// `command` and its subcommands, depth first, the command before its subcommands.
fn collect(command: &clap::Command, pages: &mut Vec<clap::Command>) {
    pages.push(command.clone());
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, pages);
    }
}

fn render(command: &clap::Command) -> Result<Vec<u8>, Error> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut roff)
        .map_err(|e| Error::write("standard output", e))?;
    Ok(roff)
}
