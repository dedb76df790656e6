//! The `ec2plan` binary: parse arguments, run, print, map errors to exit codes.

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = ec2plan::cli::Cli::parse();
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
