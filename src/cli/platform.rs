//! Platform code, in one place, behind `cfg`.
//!
//! A standard output closed by the caller (`icans batch f >&-`) must be an
//! output failure (exit 74): every result would otherwise be lost with exit
//! 0. On Unix the Rust start-up reopens a closed descriptor 0-2 on
//! /dev/null before `main` runs (so that no file opened later lands there),
//! which makes `>&-` look like a `>/dev/null` the caller chose. Only code
//! that runs before that start-up can tell them apart: a constructor (the
//! `ctor` crate), which notes whether descriptor 1 was open. Everywhere else
//! a closed output shows as a failed write, which is exit 74 as well.
//! SIGPIPE needs nothing here: the Rust start-up ignores it, so a closed
//! pipe is a write error (exit 0, quietly: docs/spec.md §10).
//!
//! File identity: an output that is one of the inputs (a hard link, a
//! symbolic link, standard input redirected from it) would be emptied
//! before it is read. On Unix a regular file is known by its device and
//! inode ([`file_id`], [`stdin_id`]); elsewhere by its canonical path.
//!
//! Allocator: glibc gives each thread that allocates its own arena (up to 8
//! per core), and keeps freed memory in each; with `--threads 16` or more
//! `batch` peaked at 60-88 MB for that alone. The arenas are capped at
//! [`MALLOC_ARENAS`] by the first line of `main`, before any thread starts
//! (docs/robustness.md "Memory, measured" has the figures). musl, macOS and
//! Windows allocators need nothing. The closed-output check above is the
//! one piece of code that runs before `main`, and the only `unsafe`
//! besides the arena cap.

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Whether descriptor 1 was closed when the process started.
    static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

    /// Runs before the Rust start-up (docs: module above).
    // SAFETY (of running before main): it touches only an atomic and one
    // system call; no std state that the start-up sets up is used.
    #[ctor::ctor(unsafe)]
    fn note_a_closed_stdout() {
        // SAFETY: fcntl(F_GETFD) only queries descriptor 1's flags; it
        // reads and changes no memory of ours. No safe API can ask before
        // std's start-up has reopened the descriptor.
        let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
        STDOUT_CLOSED.store(closed, Ordering::Relaxed);
    }

    /// Whether standard output was closed by the caller.
    pub fn stdout_closed_at_start() -> bool {
        STDOUT_CLOSED.load(Ordering::Relaxed)
    }
}

/// glibc malloc arenas at most (module docs).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub const MALLOC_ARENAS: libc::c_int = 4;

/// Caps glibc's malloc arenas (module docs); `main` calls it first, before
/// any thread exists (the Rust start-up starts none).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn cap_malloc_arenas() {
    // SAFETY: mallopt only sets a malloc tunable; called before any other
    // thread exists, it races with nothing. No safe API sets it (the
    // MALLOC_ARENA_MAX variable is read only when the process starts).
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
    }
}

/// Other allocators need no cap (module docs).
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn cap_malloc_arenas() {}

#[cfg(not(unix))]
mod imp {
    /// Elsewhere a closed output is seen when a write fails.
    pub fn stdout_closed_at_start() -> bool {
        false
    }
}

pub use imp::stdout_closed_at_start;

/// A regular file's identity (device, inode), following symbolic links;
/// `None` for anything else (a device such as /dev/null, a FIFO, a missing
/// file) or where the platform has no such identity.
#[cfg(unix)]
pub fn file_id(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| (m.dev(), m.ino()))
}

/// The identity of the regular file standard input reads, if it reads one
/// (`icans batch - -o F < F`).
#[cfg(unix)]
pub fn stdin_id() -> Option<(u64, u64)> {
    use std::os::fd::AsFd as _;
    use std::os::unix::fs::MetadataExt as _;
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    std::fs::File::from(fd)
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| (m.dev(), m.ino()))
}

/// Elsewhere files are told apart by their canonical paths.
#[cfg(not(unix))]
pub fn file_id(_path: &std::path::Path) -> Option<(u64, u64)> {
    None
}

/// Elsewhere standard input is not told apart from a file.
#[cfg(not(unix))]
pub fn stdin_id() -> Option<(u64, u64)> {
    None
}

/// The permissions asked for a new output file written beside its name:
/// on Unix 0666, which the process's umask narrows as for any file the
/// shell creates (tempfile's own 0600 would hide the output from the
/// group). Elsewhere, the default.
#[cfg(unix)]
pub fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(std::fs::Permissions::from_mode(0o666))
}

/// See the Unix version: elsewhere, the default.
#[cfg(not(unix))]
pub fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

/// The most of a time zone file read: a TZif file is a few KiB, and TZ may
/// name anything (TZ=/dev/zero).
#[cfg(unix)]
const TZ_FILE_LIMIT: u64 = 1024 * 1024;

/// What is wrong with the TZ variable, if anything, for reading local
/// date-times: unset (the system's zone) or a zone name, a TZif file of at
/// most 1 MiB, or a POSIX TZ string. chrono takes any other value silently
/// as UTC, shifting every local `assessed_at`; and it reads a file named
/// whole.
#[cfg(unix)]
pub fn time_zone_problem() -> Option<String> {
    let value = std::env::var_os("TZ")?;
    let Some(text) = value.to_str() else {
        return Some(tz_refused(&value.to_string_lossy(), "is not UTF-8"));
    };
    let tz = text.strip_prefix(':').unwrap_or(text);
    if tz.is_empty() || matches!(tz, "UTC" | "GMT" | "Z") || posix_tz(tz) {
        return None;
    }
    let file = if tz.starts_with('/') {
        Some(std::path::PathBuf::from(tz))
    } else if tz
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        None
    } else {
        let dirs = std::env::var_os("TZDIR")
            .map(std::path::PathBuf::from)
            .into_iter()
            .chain(
                [
                    "/usr/share/zoneinfo",
                    "/usr/lib/zoneinfo",
                    "/usr/share/lib/zoneinfo",
                ]
                .map(Into::into),
            );
        dirs.map(|d| d.join(tz)).find(|p| p.is_file())
    };
    match file {
        None => Some(tz_refused(
            text,
            "is neither a zone name here nor a POSIX TZ string",
        )),
        Some(path) => tzif_problem(&path).map(|why| tz_refused(text, why)),
    }
}

/// TZ is not used for local time on this platform.
#[cfg(not(unix))]
pub fn time_zone_problem() -> Option<String> {
    None
}

/// The message for a TZ that is no time zone, its value escaped.
#[cfg(unix)]
fn tz_refused(value: &str, why: &str) -> String {
    format!(
        "TZ={}: {why} (allowed: a zone name such as Europe/Paris, a POSIX TZ string such as JST-9, or a TZif file up to 1 MiB; the map's [dates] assessed_at reads local times in it)",
        icans::format::text::clean(value)
    )
}

/// Why a time zone file is no TZif file of at most 1 MiB, if it is not.
#[cfg(unix)]
fn tzif_problem(path: &std::path::Path) -> Option<&'static str> {
    use std::io::Read as _;
    let Ok(meta) = std::fs::metadata(path) else {
        return Some("names no file that can be read");
    };
    if !meta.is_file() {
        return Some("names no regular file");
    }
    if meta.len() > TZ_FILE_LIMIT {
        return Some("names a file over 1 MiB");
    }
    let mut magic = [0u8; 4];
    let read = std::fs::File::open(path).and_then(|f| f.take(4).read_exact(&mut magic));
    match read {
        Ok(()) if &magic == b"TZif" => None,
        Ok(()) => Some("names a file that is no time zone (TZif) file"),
        Err(_) => Some("names a file that cannot be read"),
    }
}

/// Whether `tz` is a POSIX TZ string chrono reads: a zone abbreviation
/// (3 or more letters, or `<...>`) and an offset (`JST-9`,
/// `<+0330>-3:30`), then nothing, or a daylight-saving abbreviation with
/// its rules (`CET-1CEST,M3.5.0,M10.5.0/3`): without rules chrono takes it
/// as UTC.
#[cfg(unix)]
fn posix_tz(tz: &str) -> bool {
    let Some(rest) = zone_abbreviation(tz).and_then(offset) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let Some(rest) = zone_abbreviation(rest) else {
        return false;
    };
    let rest = offset(rest).unwrap_or(rest);
    rest.strip_prefix(',').is_some_and(|rules| !rules.is_empty())
}

/// What follows a POSIX zone abbreviation at the start of `tz`.
#[cfg(unix)]
fn zone_abbreviation(tz: &str) -> Option<&str> {
    if let Some(quoted) = tz.strip_prefix('<') {
        let (name, rest) = quoted.split_once('>')?;
        let fits = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'-';
        return (name.len() >= 3 && name.bytes().all(fits)).then_some(rest);
    }
    let letters = tz.bytes().take_while(u8::is_ascii_alphabetic).count();
    (letters >= 3).then(|| &tz[letters..])
}

/// What follows a POSIX offset (`-9`, `+3:30`, `5`) at the start of `tz`.
#[cfg(unix)]
fn offset(tz: &str) -> Option<&str> {
    let unsigned = tz.strip_prefix(['+', '-']).unwrap_or(tz);
    let len = unsigned
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b':')
        .count();
    unsigned
        .bytes()
        .next()
        .filter(u8::is_ascii_digit)
        .map(|_| &unsigned[len..])
}
