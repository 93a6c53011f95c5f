//! The parse-only floor for `icans batch`: read an NDJSON file and parse
//! every line with serde_json, without grading or writing anything.
//!
//! `cargo run --release --example parse_floor -- big.ndjson` parses each
//! line into a typed struct shaped like the record (the fastest honest
//! parse: UTF-8 checked once per line, as icans does); add `--value` to
//! parse into `serde_json::Value` instead.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::time::Instant;

use serde::Deserialize;

/// The record's shape, for parsing only (no validation).
#[derive(Deserialize)]
#[allow(dead_code)]
struct Record<'a> {
    id: Option<serde_json::Number>,
    #[serde(borrow)]
    patient_id: Option<&'a str>,
    day: Option<u32>,
    assessed_at: Option<&'a str>,
    age_years: Option<f64>,
    ice: Option<Ice>,
    ice_total: Option<u8>,
    capd: Option<u8>,
    consciousness: Option<&'a str>,
    seizure: Option<&'a str>,
    motor: Option<&'a str>,
    edema: Option<&'a str>,
    #[serde(borrow)]
    other_cause: Option<Vec<&'a str>>,
    crs_grade: Option<u8>,
    previous_ice_total: Option<u8>,
    hours_since_onset: Option<f64>,
    steroid_refractory: Option<bool>,
    died_of_icans: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Ice {
    orientation: u8,
    naming: u8,
    writing: u8,
    attention: u8,
    commands: u8,
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let as_value = args.iter().any(|a| a == "--value");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: parse_floor FILE [--value]");
        std::process::exit(2);
    };
    let started = Instant::now();
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path)?);
    let mut line = Vec::new();
    let (mut ok, mut bad) = (0u64, 0u64);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        // As icans reads a record: UTF-8 checked once for the line, then
        // parsed from text (serde_json skips its per-string check).
        let parsed = match (as_value, std::str::from_utf8(&line)) {
            (true, Ok(text)) => serde_json::from_str::<serde_json::Value>(text).is_ok(),
            (false, Ok(text)) => serde_json::from_str::<Record>(text).is_ok(),
            (true, Err(_)) => serde_json::from_slice::<serde_json::Value>(&line).is_ok(),
            (false, Err(_)) => serde_json::from_slice::<Record>(&line).is_ok(),
        };
        if parsed { ok += 1 } else { bad += 1 }
    }
    eprintln!(
        "parsed {ok} records ({bad} not parsed) in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
