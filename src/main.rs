//! The `ec2plan` binary: parse arguments, run, print, map errors to exit codes.

use clap::error::ErrorKind;
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match ec2plan::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if is_usage_error(&e) => {
            eprintln!("error: {}", one_line(&e.render().to_string()));
            return ExitCode::from(2);
        }
        // Help and version, which clap prints as it does.
        Err(e) => e.exit(),
    };
    match ec2plan::cli::run(cli) {
        Ok(printed) => {
            let code = print_stdout(&printed.stdout);
            for note in &printed.notes {
                eprintln!("note: {note}");
            }
            code
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1))
        }
    }
}

/// Writes the report; a closed pipe (`ec2plan … | head`) is not an error worth a message.
fn print_stdout(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(4)
        }
    }
}

/// A flag clap refused (not a request for help or the version).
fn is_usage_error(error: &clap::Error) -> bool {
    !matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    )
}

/// clap's message as one line, like every other error: its first paragraph (a list of
/// missing arguments joined after its colon) and its tips, without the usage block, which
/// `--help` prints.
fn one_line(rendered: &str) -> String {
    let text = rendered
        .trim()
        .strip_prefix("error: ")
        .unwrap_or(rendered.trim());
    let mut paragraphs = text.split("\n\n");
    let first: Vec<&str> = paragraphs
        .next()
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let mut line = first.join(" ");
    for tip in paragraphs
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| l.starts_with("tip:"))
    {
        line.push_str("; ");
        line.push_str(tip);
    }
    line
}
