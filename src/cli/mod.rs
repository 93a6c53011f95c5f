//! The command-line front end: one thin module per command. Each parses its
//! arguments, calls the library, renders and picks the exit code.

pub mod assess;
pub mod audit;
pub mod batch;
pub mod completions;
pub mod flags;
pub mod grade;
pub mod map;
pub mod platform;
pub mod protocol;
pub mod schema;
pub mod summary;

use std::fmt;
use std::path::Path;

/// Exit statuses (docs/spec.md §5).
pub mod exit {
    /// All records graded.
    pub const OK: u8 = 0;
    /// Usage error.
    pub const USAGE: u8 = 2;
    /// A graded record reached `--fail-at-grade`.
    pub const ALERT: u8 = 3;
    /// At least one record invalid.
    pub const INVALID: u8 = 65;
    /// An input or output failure.
    pub const IO: u8 = 74;
}

/// A command's after-help: `body` (its examples and notes), then its exit
/// statuses one per line, each code taken from [`exit`] (written there
/// once).
pub fn after_help(body: &str, statuses: &[(u8, &str)]) -> String {
    let mut out = String::from(body.trim_end());
    out.push_str("\n\nExit status:");
    for (code, meaning) in statuses {
        out.push_str(&format!("\n  {code:<3}{meaning}"));
    }
    out
}

/// A usage error found after argument parsing (exit 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// How a finished command's error maps to an exit status: usage errors 2,
/// everything else is an input or output failure, 74.
pub fn exit_code_for(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<UsageError>().is_some() {
        exit::USAGE
    } else {
        exit::IO
    }
}

/// Whether an error is a closed pipe on our output (`icans ... | head`),
/// which ends the run quietly with exit 74 (the output is incomplete).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The protocol of `--protocol FILE`, or the built-in one. A file that
/// cannot be read is an input failure (74); one that is not a valid
/// protocol is a usage error (2), with the problem named.
pub fn load_protocol(path: Option<&Path>) -> anyhow::Result<icans::grading::Protocol> {
    use anyhow::Context as _;
    let Some(path) = path else {
        return Ok(icans::grading::Protocol::BUILTIN);
    };
    let bytes = std::fs::read(path).with_context(|| format!("cannot read protocol {}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        UsageError(format!(
            "invalid protocol {}: not UTF-8 at byte {} (allowed: a UTF-8 TOML file)",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    icans::format::protocol::parse(&text)
        .map_err(|e| UsageError(format!("invalid protocol {}: {e}", path.display())).into())
}

/// Reads one record's input: a file, or standard input for `None` or `-`,
/// at most `limit` bytes. `Ok(Err(len))` when it is longer (its length,
/// when known: standard input is not read past the limit).
pub fn read_input(path: Option<&Path>, limit: usize) -> anyhow::Result<Result<Vec<u8>, Option<u64>>> {
    use anyhow::Context as _;
    use std::io::Read as _;
    let mut buf = Vec::new();
    let most = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    match path {
        Some(p) if p != Path::new("-") => {
            let file = std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
            let len = file.metadata().ok().map(|m| m.len());
            file.take(most)
                .read_to_end(&mut buf)
                .with_context(|| format!("cannot read {}", p.display()))?;
            if buf.len() > limit {
                return Ok(Err(len.filter(|n| *n > limit as u64)));
            }
        }
        _ => {
            std::io::stdin()
                .lock()
                .take(most)
                .read_to_end(&mut buf)
                .context("cannot read standard input")?;
            if buf.len() > limit {
                return Ok(Err(None));
            }
        }
    }
    Ok(Ok(buf))
}

/// Fails when standard output was closed by the caller (`icans ... >&-`):
/// every result would be lost, so the run is an output failure (exit 74).
/// Seen at start-up where the platform lets us (`platform`).
pub fn stdout_open() -> std::io::Result<()> {
    if platform::stdout_closed_at_start() {
        Err(std::io::Error::other("standard output is closed"))
    } else {
        Ok(())
    }
}

/// Reports a failed write of the output: quietly for a closed pipe, with
/// a message otherwise. Returns the exit status (74).
pub fn report_write_error(e: &std::io::Error) -> u8 {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        eprintln!("icans: cannot write output: {e}");
    }
    exit::IO
}

/// Writes all of `bytes` to standard output, checking that it is open and
/// that the write (and flush) went through.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    stream_stdout(|out| out.write_all(bytes))
}

/// Runs `write` on standard output, checking that it is open and that
/// every write (and the flush) went through: for outputs written as they
/// are read back (audit and summary lists kept on disk).
pub fn stream_stdout(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;
    stdout_open().context("cannot write output")?;
    let mut out = std::io::stdout().lock();
    write(&mut out)
        .and_then(|()| out.flush())
        .context("cannot write output")
}

/// What a failure to keep a command's lists on disk says: where they were
/// kept (a full or unwritable temporary directory is the usual cause).
pub fn spill_context(command: &str) -> String {
    format!(
        "cannot keep the {command}'s lists in temporary files in {} (TMPDIR)",
        std::env::temp_dir().display()
    )
}

/// Prints, one per line on standard error, the items of a list kept on
/// disk (invalid records, records not counted).
pub fn report_each<T: fmt::Display + Clone + serde::de::DeserializeOwned>(
    items: &icans::spill::Listed<T>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    for item in items.iter() {
        eprintln!("icans: {}", item.context("cannot read back a temporary file")?);
    }
    Ok(())
}
