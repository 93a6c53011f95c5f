//! Whether the fast NDJSON result writer earns its code: grade the first N
//! records of an NDJSON file once, then write every result with the fast
//! writer and with serde_json, timing only the writing (median of 7 rounds
//! each), and check the two write the same bytes; then the same per
//! million records read (the writing floor of full results).
//!
//! `cargo run --release --example writers -- big.ndjson [N]` (N: 200000)

use std::io::{BufRead, BufReader};
use std::time::Instant;

use icans::format::json::write_result_line;
use icans::grading::grade;
use icans::input::{ReadOptions, read_record};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: writers FILE [N]")?;
    let n: usize = args.next().map_or(Ok(200_000), |s| s.parse())?;
    let reader = BufReader::new(std::fs::File::open(path)?);
    let mut read = 0usize;
    let results: Vec<_> = reader
        .lines()
        .take(n)
        .filter_map(|l| l.ok())
        .inspect(|_| read += 1)
        .filter_map(|l| read_record(l.as_bytes(), ReadOptions::default(), 1).ok())
        .map(|a| grade(&a))
        .collect();
    let mut fast_out = Vec::new();
    let mut serde_out = Vec::new();
    let (mut fast, mut serde) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        fast_out.clear();
        let t = Instant::now();
        for r in &results {
            write_result_line(&mut fast_out, r);
        }
        fast.push(t.elapsed().as_secs_f64());
        serde_out.clear();
        let t = Instant::now();
        for r in &results {
            serde_json::to_writer(&mut serde_out, r)?;
            serde_out.push(b'\n');
        }
        serde.push(t.elapsed().as_secs_f64());
    }
    assert_eq!(fast_out, serde_out, "the two writers must write the same bytes");
    let (f, s) = (median(fast), median(serde));
    println!(
        "{} results, {} MB: fast writer {:.3} s, serde_json {:.3} s, serde / fast = {:.2}x",
        results.len(),
        fast_out.len() / 1_000_000,
        f,
        s,
        s / f
    );
    // The writing floor of full results: what writing the results alone
    // costs per million records read (the invalid ones, which have none,
    // counted as free), to add to the parse floor's time (README,
    // Performance: the equal-work measure for full results).
    let per_million = 1_000_000.0 / read.max(1) as f64;
    println!(
        "per million records read: fast writer {:.3} s, serde_json {:.3} s",
        f * per_million,
        s * per_million
    );
    Ok(())
}
