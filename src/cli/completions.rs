//! `icans completions SHELL` and `icans man`: shell completions and man
//! pages, generated from the command-line definition.

use std::path::PathBuf;

use anyhow::Context as _;

/// Print shell completions for bash, zsh, fish or PowerShell.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    "Examples:
  icans completions bash > icans.bash   # then: source icans.bash
  icans completions zsh > _icans        # into a directory on $fpath",
    super::WRITES_A_FILE,
))]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Print a man page (roff): `icans man > icans.1`, `icans man grade >
/// icans-grade.1`, or write them all with `--dir DIR`.
#[derive(Debug, clap::Args)]
#[command(after_help = super::after_help(
    "Examples:
  icans man > icans.1 && man ./icans.1
  icans man map init > icans-map-init.1
  icans man --dir man/       # icans.1, ..., icans-map-check.1, icans-map.5",
    super::WRITES_A_FILE,
))]
pub struct ManArgs {
    /// The subcommand whose page to print (default: the main page):
    /// `grade`, `map init`, ...
    #[arg(num_args = 0..=2)]
    pub command: Vec<String>,

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

/// A command's after-help in parts, by the paragraph that heads each:
/// `Examples:`, `Exit status...:`, and the notes (everything else), each
/// as written for `--help` (see [`super::after_help`]), so that a page
/// says exactly what its `--help` says.
#[derive(Debug, Default, PartialEq, Eq)]
struct AfterHelp {
    notes: Vec<String>,
    examples: Vec<String>,
    exit_status: Vec<String>,
}

fn split_after_help(text: &str) -> AfterHelp {
    let mut parts = AfterHelp::default();
    for paragraph in text.split("\n\n") {
        let mut lines = paragraph.lines();
        let Some(first) = lines.next() else { continue };
        let rest = || lines.clone().map(str::to_string).collect::<Vec<_>>();
        if first == "Examples:" {
            parts.examples.extend(rest());
        } else if first.starts_with("Exit status") {
            parts.exit_status.extend(rest());
        } else {
            parts.notes.push(paragraph.to_string());
        }
    }
    parts
}

/// Roff text: backslashes and hyphens escaped, and a line that would read
/// as a request (a leading `.` or `'`) guarded.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// One page: clap_mangen's sections (title, name, synopsis, description,
/// options, subcommands), then the command's own notes, EXAMPLES and EXIT
/// STATUS from its after-help, then the version.
fn page(command: &clap::Command) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if command.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut out)?;
    }
    let after = command
        .get_after_help()
        .map(ToString::to_string)
        .unwrap_or_default();
    let parts = split_after_help(&after);
    let notes: Vec<String> = parts
        .notes
        .iter()
        .flat_map(|p| [String::from(".PP")].into_iter().chain(p.lines().map(roff_line)))
        .collect();
    if !notes.is_empty() {
        out.extend_from_slice(b".SH NOTES\n");
        for line in &notes {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    let section = |out: &mut Vec<u8>, title: &str, lines: &[String]| {
        if lines.is_empty() {
            return;
        }
        out.extend_from_slice(format!(".SH \"{title}\"\n.nf\n").as_bytes());
        for line in lines {
            out.extend_from_slice(roff_line(line).as_bytes());
            out.push(b'\n');
        }
        out.extend_from_slice(b".fi\n");
    };
    section(&mut out, "EXAMPLES", &parts.examples);
    section(&mut out, "EXIT STATUS", &parts.exit_status);
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// The pages: the main one and one per subcommand at every depth, each
/// named as its parent's page names it in SUBCOMMANDS (`icans-map`,
/// `icans-map-init`).
fn pages(command: &clap::Command) -> Vec<(String, clap::Command)> {
    fn walk(name: &str, cmd: &clap::Command, all: &mut Vec<(String, clap::Command)>) {
        let cmd = cmd
            .clone()
            .name(name.to_string())
            .display_name(name.to_string())
            .version(env!("CARGO_PKG_VERSION"))
            .disable_help_subcommand(true);
        for sub in cmd
            .get_subcommands()
            .filter(|s| s.get_name() != "help" && !s.is_hide_set())
        {
            walk(&format!("{name}-{}", sub.get_name()), sub, all);
        }
        all.push((name.to_string(), cmd));
    }
    let mut all = Vec::new();
    walk("icans", command, &mut all);
    // The main page first, then each page before its own subcommands'.
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

/// The file-format page `icans-map(5)`: the map format, as `icans map
/// --help` prints it (one text: `input::map::FORMAT_HELP`).
fn map_format_page() -> Vec<u8> {
    let mut out = format!(
        ".TH ICANS-MAP 5 \"\" \"icans {}\"\n.SH NAME\nicans\\-map \\- the map file of icans batch \\-\\-map\n.SH DESCRIPTION\n.nf\n",
        env!("CARGO_PKG_VERSION")
    );
    for line in icans::input::map::FORMAT_HELP.lines() {
        out.push_str(&roff_line(line));
        out.push('\n');
    }
    out.push_str(".fi\n.SH \"SEE ALSO\"\nicans\\-map(1), icans\\-map\\-init(1), icans\\-map\\-check(1)\n");
    out.into_bytes()
}

/// Runs `icans man`.
pub fn man(args: &ManArgs, command: clap::Command) -> anyhow::Result<u8> {
    let command = command.version(env!("CARGO_PKG_VERSION"));
    let all = pages(&command);
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", super::shown(dir)))?;
        for (name, cmd) in &all {
            let path = dir.join(format!("{name}.1"));
            let bytes = page(cmd).context("cannot render the man page")?;
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", super::shown(&path)))?;
        }
        let path = dir.join("icans-map.5");
        std::fs::write(&path, map_format_page())
            .with_context(|| format!("cannot write {}", super::shown(&path)))?;
        return Ok(super::exit::OK);
    }
    // `icans man map init` or `icans man map-init`.
    let wanted = match args.command.as_slice() {
        [] => "icans".to_string(),
        words => format!("icans-{}", words.join("-")),
    };
    let Some((_, cmd)) = all.iter().find(|(n, _)| *n == wanted) else {
        let names: Vec<&str> = all.iter().filter_map(|(n, _)| n.strip_prefix("icans-")).collect();
        return Err(super::UsageError(format!(
            "no man page for {:?} (allowed: {})",
            args.command.join(" "),
            names.join(", ")
        ))
        .into());
    };
    let bytes = page(cmd).context("cannot render the man page")?;
    super::write_stdout(&bytes)?;
    Ok(super::exit::OK)
}
