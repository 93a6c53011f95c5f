//! Generates synthetic assessment records as NDJSON, for benchmarks.
//!
//! `cargo run --release --example gen_records -- 1000000 > big.ndjson`
//! writes about 190 MB. The records are deterministic (fixed seed), mostly
//! valid, with the mix of findings a regrading export has: ICE items or
//! totals, some CAPD children, concurrent CRS, exclusions and a few errors.

use std::io::{self, BufWriter, Write};

/// SplitMix64: a fixed, dependency-free sequence, so every run writes the
/// same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Mostly the first (normal) value, sometimes any.
    fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        if self.below(10) < 7 {
            values[0]
        } else {
            values[self.below(values.len() as u64) as usize]
        }
    }
}

fn main() -> io::Result<()> {
    let n: u64 = match std::env::args().nth(1).map(|a| a.parse()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("usage: gen_records [COUNT] (COUNT: {e})");
            std::process::exit(2);
        }
    };
    let mut rng = Rng(0x1CA5_2019);
    let out = io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, out.lock());
    for i in 0..n {
        let patient = i / 8;
        write!(
            w,
            r#"{{"id":{i},"patient_id":"P-{patient:06}","day":{}"#,
            i % 8 + rng.below(3)
        )?;
        let child = rng.below(20) == 0;
        if child {
            write!(w, r#","age_years":{},"capd":{}"#, 2 + rng.below(9), rng.below(16))?;
        } else if rng.below(10) < 7 {
            write!(
                w,
                r#","age_years":{},"ice":{{"orientation":{},"naming":{},"writing":{},"attention":{},"commands":{}}}"#,
                18 + rng.below(60),
                4 - rng.below(5) * rng.below(2),
                3 - rng.below(4) * rng.below(2),
                rng.below(8).min(1),
                rng.below(8).min(1),
                rng.below(8).min(1),
            )?;
        } else {
            write!(w, r#","ice_total":{}"#, 10 - rng.below(11) * rng.below(2))?;
        }
        let c = rng.pick(&[
            "alert",
            "awakens_spontaneously",
            "awakens_to_voice",
            "awakens_to_tactile",
            "unarousable",
        ]);
        write!(w, r#","consciousness":"{c}""#)?;
        let s = rng.pick(&["none", "rapidly_resolving", "prolonged_or_repetitive"]);
        let m = rng.pick(&["none", "tremor_or_myoclonus", "deep_focal_weakness"]);
        let e = rng.pick(&["none", "focal", "diffuse"]);
        // A few records leave domains out (incomplete) or misspell one (invalid).
        match rng.below(100) {
            0 => write!(w, r#","siezure":"{s}""#)?,
            1..=5 => {}
            _ => write!(w, r#","seizure":"{s}","motor":"{m}","edema":"{e}""#)?,
        }
        if rng.below(3) == 0 {
            write!(w, r#","crs_grade":{}"#, rng.below(5))?;
        }
        if rng.below(10) == 0 {
            write!(w, r#","other_cause":["consciousness"]"#)?;
        }
        writeln!(w, "}}")?;
    }
    w.flush()
}
