//! `icans completions SHELL` and `icans man`: shell completions and man
//! pages, generated from the command-line definition.

use std::path::PathBuf;

use anyhow::Context as _;

/// Print shell completions for bash, zsh, fish or PowerShell.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Print a man page (roff): `icans man > icans.1`, `icans man grade >
/// icans-grade.1`, or write them all with `--dir DIR`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (default: the main page).
    pub command: Option<String>,

    /// Write every page (icans.1, icans-grade.1, ...) into this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// Runs `icans completions`. The script is made in memory, then written, so
/// that a failed write is an error rather than a panic.
pub fn run(args: &Args, mut command: clap::Command) -> anyhow::Result<u8> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "icans", &mut script);
    super::write_stdout(&script)?;
    Ok(super::exit::OK)
}

const EXIT_STATUS: &str = "0 all records graded; 2 usage error; 3 a graded record reached the grade given to \
--fail-at-grade (this outranks 74 and 65: an alert is never lost); 65 at least one record invalid (every \
valid record is still written); 74 an input or output failure.";

fn examples(name: &str) -> &'static str {
    match name {
        "grade" => {
            "icans grade examples/grade2-adult.json\nicans grade --ice-total 8 --consciousness alert --no-seizure-motor-edema\necho '{\"ice_total\": 0, \"consciousness\": \"unarousable\"}' | icans grade --format json"
        }
        "batch" => {
            "icans batch examples/records.ndjson > graded.ndjson\nicans batch examples/records.csv --output-format csv > graded.csv\ncat export.ndjson | icans batch --fail-at-grade 3 > graded.ndjson"
        }
        "assess" => {
            "icans assess\nicans assess --age 7 --weight 22 --patient-id P-3 --day 4 --emit-record >> course.ndjson"
        }
        "summary" => "icans summary examples/cohort.ndjson\nicans summary export.csv --format json",
        "schema" => "icans schema record > record.schema.json",
        "protocol" => {
            "icans protocol > centre.toml\nicans grade examples/grade2-adult.json --protocol centre.toml"
        }
        "completions" => "icans completions bash > /etc/bash_completion.d/icans",
        "man" => "icans man > icans.1\nicans man --dir man/",
        _ => "icans grade examples/grade2-adult.json\nicans batch examples/records.ndjson\nicans assess",
    }
}

/// One page: clap_mangen's sections, then EXIT STATUS and EXAMPLES.
fn page(command: &clap::Command, name: &str) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut out)?;
    let escape = |s: &str| s.replace('\\', "\\\\").replace('-', "\\-");
    out.extend_from_slice(format!(".SH \"EXIT STATUS\"\n{}\n.SH EXAMPLES\n", escape(EXIT_STATUS)).as_bytes());
    for line in examples(name).lines() {
        out.extend_from_slice(format!(".PP\n.nf\n{}\n.fi\n", escape(line)).as_bytes());
    }
    Ok(out)
}

/// The pages: the main one and one per subcommand, each named `icans` or
/// `icans-NAME` (as the main page's SEE ALSO names them).
fn pages(command: &clap::Command) -> Vec<(String, clap::Command)> {
    let mut all = vec![("icans".to_string(), command.clone())];
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("icans-{}", sub.get_name());
        all.push((name.clone(), sub.clone().name(name)));
    }
    all
}

/// Runs `icans man`.
pub fn man(args: &ManArgs, command: clap::Command) -> anyhow::Result<u8> {
    let command = command.version(env!("CARGO_PKG_VERSION"));
    let all = pages(&command);
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for (name, cmd) in &all {
            let short = name.strip_prefix("icans-").unwrap_or("");
            let path = dir.join(format!("{name}.1"));
            let bytes = page(cmd, short).context("cannot render the man page")?;
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        }
        return Ok(super::exit::OK);
    }
    let wanted = args
        .command
        .as_deref()
        .map_or("icans".to_string(), |c| format!("icans-{c}"));
    let Some((name, cmd)) = all.iter().find(|(n, _)| *n == wanted) else {
        let names: Vec<&str> = all.iter().filter_map(|(n, _)| n.strip_prefix("icans-")).collect();
        return Err(super::UsageError(format!(
            "no man page for {:?} (allowed: {})",
            args.command.as_deref().unwrap_or_default(),
            names.join(", ")
        ))
        .into());
    };
    let bytes = page(cmd, name.strip_prefix("icans-").unwrap_or("")).context("cannot render the man page")?;
    super::write_stdout(&bytes)?;
    Ok(super::exit::OK)
}
