//! `icans audit` (docs/spec.md §9): recorded grades against the regrade.

use anyhow::Context as _;
use clap::ValueEnum;

use icans::audit::report as render;

use super::exit;
use super::flags::{By, RecordFiles, RecordReading};

/// `--format` values of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Figures and a readable cross-table.
    Text,
    /// One JSON object.
    Json,
    /// One row per compared record.
    Csv,
}

/// Examples and notes of `--help` (the exit statuses follow, from `exit`).
const AUDIT_HELP: &str = "\
Examples:
  icans audit export.csv
  icans audit export.csv --format json
  icans audit export.csv --fail-below-kappa 0.8";

/// Audit recorded grades (`recorded_grade`, any scale) against the ASTCT
/// 2019 regrade: exact agreement, quadratic-weighted kappa with its 95%
/// interval, the cross-table, up- and downgrades, grade-3 crossings and every
/// discordant record; per patient and per recorded scale.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    AUDIT_HELP,
    &[
        (exit::OK, "audited (whatever the agreement)"),
        (exit::ALERT, "kappa below --fail-below-kappa"),
        (exit::INVALID, "a record invalid (reported, the rest audited), or nothing to compare: no record has a recorded grade"),
        (exit::IO, "an input could not be read"),
    ],
))]
pub struct Args {
    #[command(flatten)]
    pub files: RecordFiles,

    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,

    #[command(flatten)]
    pub output: super::OutputFlag,

    #[command(flatten)]
    pub reading: RecordReading,

    /// Exit 3 when the weighted kappa is below K (or undefined).
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    pub fail_below_kappa: Option<f64>,

    /// The figures per group as well, each exactly as the audit of the
    /// group's records alone; records without the field form the group "".
    #[arg(long, value_name = "FIELD", value_parser = By::only(By::AUDIT))]
    pub by: Option<By>,

    /// Longest record in bytes; a longer one is reported, never held.
    #[arg(long, value_name = "BYTES", default_value_t = icans::input::DEFAULT_MAX_RECORD_BYTES)]
    pub max_record_bytes: usize,
}

/// Runs `icans audit`.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    let inputs = args.reading.inputs(&args.files, &args.output)?;
    let mut out = Some(args.output.create()?);
    let read = args.reading.options(args.max_record_bytes)?;
    // The audit compares grades, never a management step: no protocol.
    let protocol = icans::grading::Protocol::BUILTIN;
    // CSV rows are written as the records are read; text and JSON once the
    // figures are known.
    let mut rows = match args.format {
        AuditFormat::Csv => {
            let out = out.take().context("the output, opened once")?;
            Some(
                render::CsvRows::new(std::io::BufWriter::new(out), args.reading.delimiter.output())
                    .with_context(|| args.output.cannot_write())?,
            )
        }
        _ => None,
    };
    // The first write error stops the rows; a closed pipe ends the run
    // quietly (exit 0) as everywhere else.
    let mut written: std::io::Result<()> = Ok(());
    let keep_lists = rows.is_none();
    let by = args.by.map(By::group_by);
    let audit = icans::audit::from_inputs(&inputs, read, &protocol, keep_lists, by, &mut |c, kind, group| {
        if let (Some(r), Ok(())) = (rows.as_mut(), &written) {
            written = r.row(c, kind, group);
        }
    })
    .with_context(|| super::spill_context("audit"))?;
    // Nothing could be read: no figures of nothing (the CSV rows, written
    // as read, end as any output does).
    if let Some(code) = rows
        .is_none()
        .then(|| super::all_inputs_failed(&audit.failures, inputs.len()))
        .flatten()
    {
        return Ok(code);
    }
    let below = args
        .fail_below_kappa
        .is_some_and(|k| audit.figures.kappa.value.is_none_or(|v| v < k));
    let output = match rows {
        Some(r) => written
            .and_then(|()| r.finish())
            .with_context(|| args.output.cannot_write()),
        None => args
            .output
            .finish(out.context("the output, opened once")?, |out| match args.format {
                AuditFormat::Json => render::write_json(out, &audit),
                _ => render::write_text(out, &audit),
            }),
    };
    match output {
        // The alert outranks the failed output (docs/robustness.md).
        Err(e) if below => say!("icans: {e:#}"),
        Err(e) => return Err(e),
        Ok(()) => {}
    }
    if args.format != AuditFormat::Text {
        super::report_each(&audit.invalid)?;
    } else {
        super::report_first(&audit.invalid, "not regraded")?;
    }
    super::report_failures(&audit.failures);
    let nothing = audit.nothing_to_compare();
    if nothing {
        say!("icans: {}", icans::audit::NOTHING_TO_COMPARE);
    }
    Ok(if below {
        exit::ALERT
    } else if !audit.failures.is_empty() {
        exit::IO
    } else if !audit.invalid.is_empty() || nothing {
        exit::INVALID
    } else {
        exit::OK
    })
}
