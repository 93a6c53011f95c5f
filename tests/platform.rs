//! Runs everywhere its users are (docs/robustness.md): help written to a
//! file or a pipe is plain text, and the static musl binary, which `.ci/run`
//! builds where the toolchain has the target, grades with arguments exactly
//! as the glibc build does.

mod common;

use std::process::Command;

/// Every command's help, written to a pipe, carries no escape codes, with
/// or without NO_COLOR.
#[test]
fn help_written_to_a_pipe_is_plain() {
    let bin = assert_cmd::cargo::cargo_bin("icans");
    for args in [
        &["--help"][..],
        &["grade", "--help"],
        &["batch", "--help"],
        &["assess", "--help"],
        &["summary", "--help"],
        &["audit", "--help"],
        &["map", "--help"],
        &["map", "init", "--help"],
        &["map", "check", "--help"],
        &["--version"],
    ] {
        for no_color in [false, true] {
            let mut cmd = Command::new(&bin);
            cmd.args(args).env_remove("CLICOLOR_FORCE");
            if no_color {
                cmd.env("NO_COLOR", "1");
            } else {
                cmd.env_remove("NO_COLOR");
            }
            let out = cmd.output().expect("icans runs");
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            assert!(!out.stdout.is_empty(), "{args:?}");
            assert!(
                !out.stdout.contains(&0x1b),
                "{args:?} (NO_COLOR {no_color}) wrote escape codes"
            );
        }
    }
}

/// The static musl binary (`ICANS_MUSL_BIN`, set by `.ci/run` after
/// `cargo build --release --target x86_64-unknown-linux-musl`) reads its
/// arguments: it grades the README's first example, the cohort and flags
/// exactly as this build does, and a closed standard output is exit 74.
#[test]
#[ignore = "needs the static musl binary: ICANS_MUSL_BIN (.ci/run builds it where the target is installed)"]
fn the_static_musl_binary_grades_with_arguments() {
    let musl = std::env::var_os("ICANS_MUSL_BIN").expect("ICANS_MUSL_BIN names the musl binary");
    let glibc = assert_cmd::cargo::cargo_bin("icans");
    for args in [
        &["--version"][..],
        &["grade", "examples/grade2-adult.json"],
        &[
            "grade",
            "--weight",
            "20",
            "--ice-total",
            "0",
            "--consciousness",
            "unarousable",
            "--format",
            "json",
        ],
        &["batch", "examples/cohort.ndjson"],
        &["summary", "examples/cohort.ndjson"],
    ] {
        let a = Command::new(&musl)
            .args(args)
            .output()
            .expect("the musl binary runs");
        let b = Command::new(&glibc).args(args).output().expect("icans runs");
        assert_eq!(
            a.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&a.stderr)
        );
        assert_eq!(a.stdout, b.stdout, "{args:?}");
    }
    let closed = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' grade examples/grade2-adult.json >&-",
            std::path::Path::new(&musl).display()
        ))
        .output()
        .expect("sh runs");
    assert_eq!(closed.status.code(), Some(74));
}
