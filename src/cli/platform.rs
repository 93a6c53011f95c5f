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
//! pipe is a write error (exit 74, quietly).
//!
//! Allocator: glibc gives each thread that allocates its own arena (up to 8
//! per core), and keeps freed memory in each; with `--threads 16` or more
//! `batch` peaked at 60-88 MB for that alone. The arenas are capped at
//! [`MALLOC_ARENAS`] before any thread starts (docs/robustness.md "Memory,
//! measured" has the figures). musl, macOS and Windows allocators need
//! nothing.

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

/// Caps glibc's malloc arenas before any thread starts (module docs).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
// SAFETY (of running before main): it makes one libc call that touches no
// Rust state.
#[ctor::ctor(unsafe)]
fn cap_malloc_arenas() {
    // SAFETY: mallopt only sets a malloc tunable; called before any other
    // thread exists, it races with nothing. No safe API sets it (the
    // MALLOC_ARENA_MAX variable is read only when the process starts).
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
    }
}

#[cfg(not(unix))]
mod imp {
    /// Elsewhere a closed output is seen when a write fails.
    pub fn stdout_closed_at_start() -> bool {
        false
    }
}

pub use imp::stdout_closed_at_start;
