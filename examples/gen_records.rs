//! Generates synthetic assessment records as NDJSON, for benchmarks and
//! byte-identity checks.
//!
//! `cargo run --release --example gen_records -- 1000000 > big.ndjson`
//! writes about 260 MB. The records are deterministic (fixed seed), mostly
//! valid, and fill every record field (docs/spec.md §1) in the mix a
//! regrading export has: ICE items or totals, CAPD children (totals or the
//! eight items), weights, times, concurrent CRS given or graded from its
//! findings (masked fevers, exclusions, deaths), trends, recorded grades
//! and a few errors.

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
        if child && rng.below(3) == 0 {
            const WORDS: [&str; 5] = ["never", "rarely", "sometimes", "often", "always"];
            let age = 2 + rng.below(9);
            let w8: Vec<&str> = (0..8).map(|_| WORDS[rng.below(5) as usize]).collect();
            write!(
                w,
                r#","age_years":{age},"capd_items":{{"eye_contact":"{}","purposeful_actions":"{}","aware_of_surroundings":"{}","communicates_needs":"{}","restless":"{}","inconsolable":"{}","underactive":"{}","slow_response":"{}"}}"#,
                w8[0], w8[1], w8[2], w8[3], w8[4], w8[5], w8[6], w8[7]
            )?;
        } else if child {
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
        } else if rng.below(10) < 8 {
            write!(w, r#","ice_total":{}"#, 10 - rng.below(11) * rng.below(2))?;
        } else if rng.below(2) == 0 {
            // Records before 2019, and registry forms (contract v3).
            write!(w, r#","cartox10":{}"#, 10 - rng.below(11) * rng.below(2))?;
        } else {
            let band = rng.pick(&["10", "7-9", "3-6", "0-2", "unable"]);
            write!(w, r#","ice_band":"{band}""#)?;
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
        if rng.below(2) == 0 {
            let kg = if child {
                10 + rng.below(30)
            } else {
                45 + rng.below(75)
            };
            write!(w, r#","weight_kg":{kg}.{}"#, rng.below(10))?;
        }
        if rng.below(10) < 3 {
            write!(
                w,
                r#","assessed_at":"2026-03-{:02}T{:02}:{:02}:00Z""#,
                1 + rng.below(28),
                rng.below(24),
                rng.below(60)
            )?;
        }
        // The concurrent CRS: given, or graded from its findings.
        let findings = match rng.below(3) {
            0 => {
                write!(w, r#","crs_grade":{}"#, rng.below(5))?;
                false
            }
            1 => {
                if rng.below(5) < 4 {
                    write!(w, r#","temperature_c":{}.{}"#, 36 + rng.below(5), rng.below(10))?;
                } else {
                    write!(w, r#","fever":{}"#, rng.below(2) == 0)?;
                }
                if rng.below(10) == 0 {
                    write!(w, r#","fever_masked":true"#)?;
                }
                let h = rng.pick(&["none", "fluids_only", "one_vasopressor", "multiple_vasopressors"]);
                let x = rng.pick(&["none", "low_flow", "high_flow", "positive_pressure"]);
                write!(w, r#","hypotension":"{h}","hypoxia":"{x}""#)?;
                if rng.below(300) == 0 {
                    write!(w, r#","died_of_crs":true"#)?;
                }
                true
            }
            _ => false,
        };
        match rng.below(40) {
            0..=3 => write!(w, r#","other_cause":["consciousness"]"#)?,
            4 => write!(w, r#","other_cause":["seizure","consciousness"]"#)?,
            5 if findings => write!(w, r#","other_cause":["fever"]"#)?,
            6 if findings => write!(w, r#","other_cause":["hypotension","edema"]"#)?,
            _ => {}
        }
        if rng.below(300) == 0 {
            write!(w, r#","died_of_icans":true"#)?;
        }
        if rng.below(5) == 0 {
            if child {
                write!(w, r#","previous_capd":{}"#, rng.below(16))?;
            } else {
                write!(w, r#","previous_ice_total":{}"#, 10 - rng.below(4))?;
            }
        }
        if rng.below(7) == 0 {
            write!(w, r#","hours_since_onset":{}"#, rng.below(72))?;
        }
        if rng.below(10) == 0 {
            write!(w, r#","steroid_refractory":{}"#, rng.below(2) == 0)?;
        }
        if rng.below(10) < 3 {
            let scale = rng.pick(&["ASTCT 2019", "CTCAE v5", "CARTOX-10", "CRES"]);
            write!(
                w,
                r#","recorded_grade":{},"recorded_scale":"{scale}""#,
                rng.below(5)
            )?;
        }
        if rng.below(10) < 2 {
            let scale = rng.pick(&["ASTCT 2019", "Lee 2014", "Penn"]);
            write!(
                w,
                r#","recorded_crs_grade":{},"recorded_crs_scale":"{scale}""#,
                rng.below(5)
            )?;
        }
        if rng.below(2) == 0 {
            let product = rng.pick(&["axi-cel", "tisa-cel", "liso-cel", "brexu-cel"]);
            let site = rng.pick(&["Site A", "Site B", "Site C"]);
            write!(w, r#","product":"{product}","site":"{site}""#)?;
        }
        writeln!(w, "}}")?;
    }
    w.flush()
}
