//! The module graph of `src/` has no import circle: every source file's
//! `use` and path references (`super::x`, `crate::x`, a parent naming its
//! child `x::`) point one way along the flow, file to file and module to
//! module (docs/architecture.md); and no function is over 100 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/grading/plan.rs` -> `grading::plan`.
fn module_of(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix("src").expect("under src").with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and without its tests.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paths starting with `crate::`, `super::` or `self::` (braces expanded
/// one level), as lists of segments.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let rest: String = bytes[i..bytes.len().min(i + 7)].iter().collect();
        let boundary =
            i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_' || bytes[i - 1] == ':');
        if boundary
            && (rest.starts_with("crate::") || rest.starts_with("super::") || rest.starts_with("self::"))
        {
            let mut j = i;
            let mut path = String::new();
            while j < bytes.len() && (bytes[j].is_alphanumeric() || bytes[j] == '_' || bytes[j] == ':') {
                path.push(bytes[j]);
                j += 1;
            }
            let stem: Vec<String> = path.trim_end_matches(':').split("::").map(String::from).collect();
            if path.ends_with("::") && j < bytes.len() && bytes[j] == '{' {
                let close = bytes[j..]
                    .iter()
                    .position(|c| *c == '}')
                    .map_or(bytes.len(), |k| j + k);
                let inner: String = bytes[j + 1..close].iter().collect();
                for item in inner.split(',') {
                    let first = item
                        .trim()
                        .split("::")
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    if !first.is_empty() && first != "self" {
                        let mut p = stem.clone();
                        p.push(first);
                        out.push(p);
                    }
                }
                out.push(stem);
                i = close;
            } else {
                out.push(stem);
                i = j;
            }
        }
        i += 1;
    }
    out
}

/// Every file of `src/` (but `main.rs`) and the files it imports.
fn file_edges() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    files.retain(|f| f != Path::new("src/main.rs"));
    let modules: BTreeMap<Vec<String>, PathBuf> = files.iter().map(|f| (module_of(f), f.clone())).collect();
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for file in &files {
        let here = module_of(file);
        let text = code(&std::fs::read_to_string(file).expect("readable"));
        let mut to = BTreeSet::new();
        for p in paths(&text) {
            let mut base = here.clone();
            let mut rest = p.as_slice();
            match rest.first().map(String::as_str) {
                Some("crate") => {
                    base.clear();
                    rest = &rest[1..];
                }
                Some("self") => rest = &rest[1..],
                _ => {
                    while rest.first().map(String::as_str) == Some("super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                }
            }
            let target = (0..=rest.len())
                .filter_map(|n| {
                    let mut m = base.clone();
                    m.extend(rest[..n].iter().cloned());
                    modules.get(&m)
                })
                .next_back();
            if let Some(t) = target.filter(|t| *t != file) {
                to.insert(t.clone());
            }
        }
        // A parent naming a child module in code (`csv::CsvWriter`).
        for (m, child) in &modules {
            if m.len() == here.len() + 1 && m[..here.len()] == here[..] {
                let name = format!("{}::", m[here.len()]);
                let named = text.match_indices(&name).any(|(k, _)| {
                    let before = text[..k].chars().next_back();
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if named && child != file {
                    to.insert(child.clone());
                }
            }
        }
        edges.insert(file.clone(), to);
    }
    edges
}

/// The circles of a graph, each as "a -> b -> a".
fn circles<N: Ord + Clone + std::fmt::Debug>(edges: &BTreeMap<N, BTreeSet<N>>) -> Vec<String> {
    // Depth-first search for a back edge.
    fn visit<N: Ord + Clone + std::fmt::Debug>(
        n: &N,
        edges: &BTreeMap<N, BTreeSet<N>>,
        stack: &mut Vec<N>,
        done: &mut BTreeSet<N>,
        circles: &mut Vec<String>,
    ) {
        if done.contains(n) {
            return;
        }
        if let Some(at) = stack.iter().position(|s| s == n) {
            let circle: Vec<String> = stack[at..].iter().chain([n]).map(|p| format!("{p:?}")).collect();
            circles.push(circle.join(" -> "));
            return;
        }
        stack.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            visit(m, edges, stack, done, circles);
        }
        stack.pop();
        done.insert(n.clone());
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        visit(n, edges, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

#[test]
fn source_files_import_each_other_without_a_circle() {
    let edges = file_edges();
    let circles = circles(&edges);
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
    assert!(edges[&PathBuf::from("src/grading/plan.rs")].contains(&PathBuf::from("src/grading/actions.rs")));
}

/// The module of `src/` a file is part of: its folder or itself
/// (`src/summary/report.rs` -> `summary`, `src/batch.rs` -> `batch`).
fn top_module(file: &Path) -> String {
    module_of(file)
        .first()
        .cloned()
        .unwrap_or_else(|| "lib".to_string())
}

/// No module imports one above it (docs/architecture.md): the modules of
/// `src/` (each folder one, as `farm-studio look` draws them) import each
/// other without a circle, so that they stand on floors, each importing
/// only those below. A report moved into its command's folder while the
/// format folder still imported that command was such a circle (format <->
/// summary).
#[test]
fn modules_import_each_other_without_a_circle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, to) in file_edges() {
        let from = top_module(&file);
        let targets: BTreeSet<String> = to
            .iter()
            .map(|t| top_module(t))
            .filter(|t| *t != from && t != "lib")
            .collect();
        edges.entry(from).or_default().extend(targets);
    }
    let circles = circles(&edges);
    assert!(circles.is_empty(), "module circles:\n{}", circles.join("\n"));
    assert!(edges["summary"].contains("format") && edges["format"].contains("grading"));
}

/// A line's code for brace counting: string and character literals
/// emptied, a `//` comment cut (a gauge, as `fnlen.py` is, not a parser).
fn braces_of(line: &str) -> (usize, usize) {
    let mut code = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            // A character literal ('{', '\'', b'}'), never a lifetime.
            '\'' => {
                let rest: String = chars.clone().take(4).collect();
                let close = if rest.starts_with('\\') {
                    rest[2..].find('\'').map(|i| i + 2)
                } else {
                    rest.find('\'')
                };
                match close {
                    Some(i) if i <= 3 => {
                        for _ in 0..=i {
                            chars.next();
                        }
                    }
                    _ => code.push(c),
                }
            }
            '/' if chars.peek() == Some(&'/') => break,
            c => code.push(c),
        }
    }
    (code.matches('{').count(), code.matches('}').count())
}

/// Every function of `src/` (a line starting `fn`, `pub fn`, `pub(crate)
/// fn`, `const fn`, ...) and its length in lines, to its closing brace.
fn function_lengths(text: &str) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let words: Vec<&str> = lines[i].split_whitespace().collect();
        let at = words.iter().position(|w| *w == "fn").filter(|&k| {
            words[..k]
                .iter()
                .all(|w| w.starts_with("pub") || ["const", "async", "unsafe"].contains(w))
        });
        let Some(k) = at else {
            i += 1;
            continue;
        };
        let name = words
            .get(k + 1)
            .map_or("", |w| w.split(['(', '<']).next().unwrap_or(w))
            .to_string();
        let (mut depth, mut started, mut j) = (0i64, false, i);
        while j < lines.len() {
            let (open, close) = braces_of(lines[j]);
            depth += open as i64 - close as i64;
            started |= open > 0;
            if (started && depth <= 0) || (!started && lines[j].trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        if started {
            out.push((j - i + 1, i + 1, name));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Small pieces (issue 36): no function in `src/` is over 100 lines; a
/// table is a `const`, not a function.
#[test]
fn no_function_in_src_is_over_100_lines() {
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    let mut long = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (len, line, name) in function_lengths(&text) {
            if len > 100 {
                long.push(format!("{}:{line} {name}: {len} lines", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "functions over 100 lines:\n{}", long.join("\n"));
    // The gauge itself: it finds a long function and measures it whole.
    let body = "    let x = '{';\n".repeat(101);
    let probe = format!("pub(crate) fn probe() {{\n{body}    \"}}\";\n}}\n");
    assert_eq!(function_lengths(&probe), [(104, 1, "probe".to_string())]);
}

/// A line of code with its string literals emptied (`"..."` -> `""`).
fn without_strings(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '"' {
            while let Some(d) = chars.next() {
                match d {
                    '\\' => {
                        chars.next();
                    }
                    '"' => {
                        out.push('"');
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// The comparisons of a line with a literal grade 2, 3 or 4 (`>= 2`,
/// `< 3`, `== 4`; not `=> 2`, not `2.5`, not `24`).
fn literal_grade_comparisons(line: &str) -> Vec<String> {
    let code = without_strings(line);
    let b = code.as_bytes();
    let mut found = Vec::new();
    for (at, _) in code.match_indices(['<', '>', '=', '!']) {
        let op_len = match (b[at], b.get(at + 1)) {
            (b'<' | b'>' | b'=' | b'!', Some(b'=')) => 2,
            (b'<' | b'>', _) => 1,
            _ => continue,
        };
        // `=>` (a match arm) and `->` (a return type) are no comparison.
        if b[at] == b'>' && at > 0 && matches!(b[at - 1], b'=' | b'-') {
            continue;
        }
        let rest = code[at + op_len..].trim_start();
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let next = rest[digits.len()..].chars().next();
        if matches!(digits.as_str(), "2" | "3" | "4") && next != Some('.') {
            found.push(format!("{}{}", &code[at..at + op_len], digits));
        }
    }
    // A range from a grade (`(2..=4).contains(&g)`) is a comparison too.
    for (at, _) in code.match_indices("..") {
        let before = code[..at].trim_end();
        let digits: String = before.chars().rev().take_while(char::is_ascii_digit).collect();
        let prev = before[..before.len() - digits.len()].chars().next_back();
        let whole = !matches!(prev, Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if matches!(digits.as_str(), "2" | "3" | "4") && whole {
            found.push(format!("{digits}.."));
        }
    }
    found
}

/// Issue 36: every grade threshold is stated once, by name (`rules.rs`,
/// the criteria's tables): grading code compares grades with those names,
/// never with a literal 2, 3 or 4 that could drift from them. (Grade 0,
/// any grade >= 1 and grade 5, death, are the grades' own meaning.) A
/// gauge, as fnlen.py is: it reads the comparisons, not the types.
#[test]
fn grading_compares_grades_with_named_thresholds() {
    let mut files = Vec::new();
    sources(Path::new("src/grading"), &mut files);
    let mut literal = Vec::new();
    for file in files
        .iter()
        .filter(|f| !f.ends_with("rules.rs") && !f.to_string_lossy().contains("criteria"))
    {
        let text = code(&std::fs::read_to_string(file).expect("readable"));
        for line in text.lines() {
            for found in literal_grade_comparisons(line) {
                literal.push(format!("{}: `{found}` in {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        literal.is_empty(),
        "thresholds restated as literals:\n{}",
        literal.join("\n")
    );
    // The gauge reads what it must, and only that.
    assert_eq!(literal_grade_comparisons("if organ >= 2 {"), [">=2"]);
    assert_eq!(
        literal_grade_comparisons("g < 3 || g == 4 || x != 2"),
        ["<3", "==4", "!=2"]
    );
    assert!(literal_grade_comparisons("A => 2, f() -> 3, x >= 2.5, y > 24, \"a >= 2\"").is_empty());
    assert_eq!(literal_grade_comparisons("(2..=MAX).contains(&g)"), ["2.."]);
    assert!(literal_grade_comparisons("(1..=4).contains(&g), v[..3], x.0..y, for i in 0..3").is_empty());
}
