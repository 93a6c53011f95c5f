//! The command-line front end: one thin module per command. Each parses its
//! arguments, calls the library, renders and picks the exit code.

/// `eprintln!` that never panics: a message to standard error is written
/// if it can be; a full disk or a closed pipe there must not turn a run
/// into a panic (exit 101) or hide its exit status (docs/robustness.md).
macro_rules! say {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that never panics (see `say!`).
macro_rules! say_inline {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

pub mod assess;
pub mod audit;
pub mod batch;
pub mod completions;
pub mod flags;
pub mod grade;
pub mod map;
pub mod platform;
pub mod plot;
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
    /// A graded record reached `--fail-at-grade` or `--fail-at-crs-grade`.
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
        // Wrapped here, within HELP_WIDTH, under the meaning: clap would
        // wrap a long line back to the margin.
        let mut line = format!("\n  {code:<3}");
        let mut room = HELP_WIDTH - 5;
        for word in meaning.split(' ') {
            if room < HELP_WIDTH - 5 && word.len() + 1 > room {
                out.push_str(&line);
                line = "\n     ".to_string();
                room = HELP_WIDTH - 5;
            } else if room < HELP_WIDTH - 5 {
                line.push(' ');
                room -= 1;
            }
            line.push_str(word);
            room = room.saturating_sub(word.len());
        }
        out.push_str(&line);
    }
    out
}

/// The exit statuses of the commands that write one file (schema,
/// protocol, completions, man).
pub const WRITES_A_FILE: &[(u8, &str)] = &[
    (exit::OK, "written"),
    (exit::USAGE, "usage error"),
    (exit::IO, "the output could not be written"),
];

/// The widest line of an after-help (examples, exit statuses): a terminal
/// of 80 columns shows each whole, so that an example copied from it is
/// the whole command.
pub const HELP_WIDTH: usize = 80;

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
/// which ends the run quietly with exit 0 (docs/spec.md §10, v4: the reader
/// took what it wanted; 3 still outranks it where an alert was reached).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A path as messages name it: control characters escaped, so that a file
/// name never writes to the terminal raw (docs/spec.md §10, v4).
pub fn shown(path: &Path) -> String {
    icans::format::text::clean(&path.display().to_string()).into_owned()
}

/// The most a map or protocol file may hold: its parsed tables take about
/// 30 times its size (a 1 MiB map peaks at 32 MB, an 8 MiB one at 212 MB),
/// so this keeps every command within 64 MiB (docs/robustness.md); a map
/// of 1 MiB holds some 50,000 coded values.
pub const SMALL_FILE_BYTES: u64 = 1 << 20;

/// Reads a `what` file (a map, a protocol) of at most
/// [`SMALL_FILE_BYTES`], never more (`--map /dev/zero` included): one that
/// cannot be read is an input failure (74), a longer one a usage error (2).
pub fn read_small_file(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context as _;
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(SMALL_FILE_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("cannot read {what} {}", shown(path)))?;
    if bytes.len() as u64 > SMALL_FILE_BYTES {
        return Err(UsageError(format!(
            "invalid {what} {}: over the 1 MiB limit (allowed: a TOML file of at most 1 MiB)",
            shown(path)
        ))
        .into());
    }
    Ok(bytes)
}

/// The protocol of `--protocol FILE`, or the built-in one. A file that
/// cannot be read is an input failure (74); one that is not a valid
/// protocol is a usage error (2), with the problem named.
pub fn load_protocol(path: Option<&Path>) -> anyhow::Result<icans::grading::Protocol> {
    let Some(path) = path else {
        return Ok(icans::grading::Protocol::BUILTIN);
    };
    let bytes = read_small_file(path, "protocol")?;
    let text = String::from_utf8(bytes).map_err(|e| {
        UsageError(format!(
            "invalid protocol {}: not UTF-8 at byte {} (allowed: a UTF-8 TOML file)",
            shown(path),
            e.utf8_error().valid_up_to()
        ))
    })?;
    icans::format::protocol::parse(&text)
        .map_err(|e| UsageError(format!("invalid protocol {}: {e}", shown(path))).into())
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
            let file = std::fs::File::open(p).with_context(|| format!("cannot read {}", shown(p)))?;
            let len = file.metadata().ok().map(|m| m.len());
            file.take(most)
                .read_to_end(&mut buf)
                .with_context(|| format!("cannot read {}", shown(p)))?;
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
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return exit::OK;
    }
    say!("icans: cannot write output: {e}");
    exit::IO
}

/// `-o/--output FILE`, on every command that writes results: where they
/// go, standard output by default.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OutputFlag {
    /// Write the output to FILE (created, or replaced) instead of standard
    /// output; `-` is standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// Where a command's output goes: standard output, or the file of `-o`.
pub enum Sink {
    /// Standard output.
    Stdout(std::io::StdoutLock<'static>),
    /// The file of `-o` when it is no regular file (/dev/null, a FIFO, a
    /// terminal), written directly, buffered.
    File(std::io::BufWriter<std::fs::File>),
    /// The file of `-o`, written to a temporary file beside it and renamed
    /// over it when the command ends (docs/spec.md §10, v4): a killed run
    /// leaves the file as it was.
    Replacing(Replacing),
}

/// An output written beside its file and renamed over it at the end.
pub struct Replacing {
    out: Option<std::io::BufWriter<tempfile::NamedTempFile>>,
    /// The file replaced (a symbolic link's target).
    target: std::path::PathBuf,
    /// Every write and flush went through: only then is the file replaced.
    ok: bool,
}

impl Replacing {
    /// A temporary file beside `target`, with its permissions when it
    /// exists.
    fn beside(target: std::path::PathBuf) -> std::io::Result<Replacing> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let existing = std::fs::metadata(&target).ok();
        if existing.is_some() {
            // A file this user may not write is refused, as opening it
            // would be, never replaced.
            std::fs::OpenOptions::new().write(true).open(&target)?;
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(".icans-");
        if let (None, Some(new)) = (&existing, platform::new_file_permissions()) {
            builder.permissions(new);
        }
        let temp = builder.tempfile_in(dir).map_err(without_temporary_name)?;
        if let Some(meta) = existing {
            std::fs::set_permissions(temp.path(), meta.permissions())?;
        }
        Ok(Replacing {
            out: Some(std::io::BufWriter::with_capacity(64 * 1024, temp)),
            target,
            ok: true,
        })
    }

    fn step<T>(
        &mut self,
        f: impl FnOnce(&mut std::io::BufWriter<tempfile::NamedTempFile>) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        let Some(out) = self.out.as_mut() else {
            return Err(std::io::Error::other("output already replaced"));
        };
        let done = f(out);
        self.ok &= done.is_ok();
        done
    }
}

impl Drop for Replacing {
    /// The command ends: the file is replaced by what was written, when
    /// every write went through (a failed output keeps the file as it was).
    fn drop(&mut self) {
        let Some(out) = self.out.take() else { return };
        // A panic unwinding through the command is no end: like a killed
        // run, it leaves the file as it was.
        if !self.ok || std::thread::panicking() {
            return;
        }
        let persisted = out.into_inner().map_err(|e| e.into_error()).and_then(|temp| {
            temp.persist(&self.target)
                .map(drop)
                .map_err(|e| without_temporary_name(e.error))
        });
        if let Err(e) = persisted {
            say!("icans: cannot write {}: {e}", shown(&self.target));
            REPLACE_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// The operating system's error without the temporary file's name that
/// `tempfile` adds: the message names FILE, as the user gave it.
fn without_temporary_name(e: std::io::Error) -> std::io::Error {
    // tempfile wraps the error in its own, whose text ends " at path ..."
    // and which gives no other way to the operating system's words.
    let text = e.to_string();
    match text.rfind(" at path \"") {
        Some(end) => std::io::Error::new(e.kind(), text[..end].to_string()),
        None => e,
    }
}

/// Set when an output could not be renamed over its file at the end: the
/// command's exit status becomes 74 unless an alert (3) outranks it.
static REPLACE_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The command's exit status, given that its outputs have been dropped
/// (renamed over their files): 74 when a rename failed, unless an alert.
pub fn after_outputs(code: u8) -> u8 {
    if code != exit::ALERT && REPLACE_FAILED.load(std::sync::atomic::Ordering::Relaxed) {
        exit::IO
    } else {
        code
    }
}

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(buf),
            Sink::File(out) => out.write(buf),
            Sink::Replacing(r) => r.step(|out| out.write(buf)),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stdout(out) => out.write_all(buf),
            Sink::File(out) => out.write_all(buf),
            Sink::Replacing(r) => r.step(|out| out.write_all(buf)),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::File(out) => out.flush(),
            Sink::Replacing(r) => r.step(|out| out.flush()),
        }
    }
}

/// Whether two paths name one existing file (an output that would replace
/// an input before it is read).
/// The inputs a command reads, as paths: its files, or `-` (standard
/// input) when none is named.
pub fn read_paths(files: &[std::path::PathBuf]) -> Vec<&Path> {
    match files.is_empty() {
        true => vec![Path::new("-")],
        false => files.iter().map(std::path::PathBuf::as_path).collect(),
    }
}

/// Whether two paths name one file: by device and inode where the platform
/// has them (hard links, symbolic links), else by canonical path; `-` is
/// standard input (docs/spec.md §10, v4).
fn same_file(a: &Path, b: &Path) -> bool {
    let id = |p: &Path| match p == Path::new("-") {
        true => platform::stdin_id(),
        false => platform::file_id(p),
    };
    if let (Some(x), Some(y)) = (id(a), id(b)) {
        return x == y;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b && a.is_file(),
        _ => false,
    }
}

impl OutputFlag {
    /// The exit status of a command that graded one record and wrote its
    /// result (`grade`, `assess`): the alert outranks a failed output
    /// (docs/robustness.md), which is still said; otherwise a failed output
    /// is the error it is.
    pub fn exit_after(&self, written: std::io::Result<()>, alert: bool) -> anyhow::Result<u8> {
        match written {
            Err(e) if alert => {
                self.report(&e);
                Ok(exit::ALERT)
            }
            Err(e) => anyhow::Context::with_context(Err(e), || self.cannot_write()),
            Ok(()) if alert => Ok(exit::ALERT),
            Ok(()) => Ok(exit::OK),
        }
    }

    /// The file, when one is named (`-` is standard output).
    pub fn file(&self) -> Option<&Path> {
        self.output.as_deref().filter(|p| *p != Path::new("-"))
    }

    /// What the output is called in messages.
    pub fn name(&self) -> String {
        self.file().map_or_else(
            || "standard output".to_string(),
            |p| icans::format::text::clean(&p.display().to_string()).into_owned(),
        )
    }

    /// The context of a failed write: "cannot write output" (standard
    /// output) or "cannot write FILE".
    pub fn cannot_write(&self) -> String {
        match self.file() {
            None => "cannot write output".to_string(),
            Some(_) => format!("cannot write {}", self.name()),
        }
    }

    /// Refuses an output file that is one of the inputs (it would be
    /// replaced by what is graded from it): a usage error. An input `-` is standard
    /// input, checked too.
    pub fn not_an_input<'a>(&self, inputs: impl IntoIterator<Item = &'a Path>) -> anyhow::Result<()> {
        let Some(out) = self.file() else { return Ok(()) };
        match inputs.into_iter().find(|i| same_file(i, out)) {
            Some(_) => Err(UsageError(format!(
                "-o {}: the output file is also an input (allowed: another file; it would be replaced before it is read)",
                self.name()
            ))
            .into()),
            None => Ok(()),
        }
    }

    /// Opens the output: standard output (checked to be open), or the file,
    /// created or replaced. A failure is an output failure (exit 74).
    pub fn open(&self) -> std::io::Result<Sink> {
        match self.file() {
            None => {
                stdout_open()?;
                Ok(Sink::Stdout(std::io::stdout().lock()))
            }
            // A regular file (or none yet): written beside it and renamed
            // over it at the end; a symbolic link's target is replaced.
            // Anything else (/dev/null, a FIFO) is written directly.
            Some(path) => match std::fs::metadata(path) {
                Ok(meta) if !meta.is_file() => std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map(|f| Sink::File(std::io::BufWriter::with_capacity(64 * 1024, f))),
                Ok(_) => Replacing::beside(std::fs::canonicalize(path)?).map(Sink::Replacing),
                Err(_) => Replacing::beside(path.to_path_buf()).map(Sink::Replacing),
            },
        }
    }

    /// Whether the card may be coloured: only on a terminal that takes
    /// colour, never in a file.
    pub fn colour(&self) -> bool {
        self.file().is_none() && icans::format::text::colour_for(&std::io::stdout())
    }

    /// Opens the output at the start of a command, before its inputs are
    /// read: a file that cannot be written is said before any work. The
    /// file is replaced when the command ends (an empty output too), so a
    /// run that ends without output never leaves an earlier run's output
    /// looking like its own; a killed run leaves it as it was.
    pub fn create(&self) -> anyhow::Result<Sink> {
        use anyhow::Context as _;
        self.open().with_context(|| self.cannot_write())
    }

    /// Runs `write` on an output opened with [`OutputFlag::create`],
    /// checking that every write and the flush went through.
    pub fn finish(
        &self,
        mut out: Sink,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        use anyhow::Context as _;
        use std::io::Write as _;
        write(&mut out)
            .and_then(|()| out.flush())
            .with_context(|| self.cannot_write())
    }

    /// Writes all of `bytes` to the output, checking that the write (and
    /// flush) went through.
    pub fn write(&self, bytes: &[u8]) -> anyhow::Result<()> {
        self.finish(self.create()?, |out| out.write_all(bytes))
    }

    /// Says, once, that the output could not be written; the exit status,
    /// 74 (a closed pipe on standard output: quietly, 0).
    pub fn report(&self, e: &std::io::Error) -> u8 {
        match self.file() {
            Some(_) => {
                say!("icans: {}: {e}", self.cannot_write());
                exit::IO
            }
            None => report_write_error(e),
        }
    }
}

/// Writes all of `bytes` to standard output, checking that it is open and
/// that the write (and flush) went through.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    OutputFlag::default().write(bytes)
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
        say!("icans: {}", item.context("cannot read back a temporary file")?);
    }
    Ok(())
}

/// Says each input that could not be read ("cannot read FILE: why"), the
/// one wording of every command.
pub fn report_failures(failures: &[icans::input::InputFailure]) {
    for f in failures {
        say!(
            "icans: cannot read {}: {}",
            icans::format::text::clean(&f.name),
            f.error
        );
    }
}

/// When every one of `inputs` inputs failed, says so and gives exit 74:
/// a report of nothing read is no report (summary, audit, plot).
pub fn all_inputs_failed(failures: &[icans::input::InputFailure], inputs: usize) -> Option<u8> {
    if failures.is_empty() || failures.len() != inputs {
        return None;
    }
    report_failures(failures);
    Some(exit::IO)
}

/// For a report that lists the records it could not use (summary and audit
/// text): the first of them on standard error, and how many, so that the
/// reason for exit 65 is seen even when the report goes to a file.
pub fn report_first<T: fmt::Display + Clone + serde::de::DeserializeOwned>(
    items: &icans::spill::Listed<T>,
    what: &str,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let Some(first) = items.iter().next() else {
        return Ok(());
    };
    let first = first.context("cannot read back a temporary file")?;
    say!(
        "icans: invalid: {}",
        icans::format::text::clean(&first.to_string())
    );
    let n = items.len();
    let records = if n == 1 { "record" } else { "records" };
    say!("icans: {n} {records} {what}; each is listed in the report");
    Ok(())
}
