//! Every error message is one whole sentence (issue 21): read from the source, every
//! `#[error("…")]` of a thiserror type and every message template built where an error is
//! made, and checked against the house style; then, through the binary, a corpus of bad
//! inputs, one per kind of error a user can reach, each checked as the user sees it.
//!
//! The house style, which the messages follow: after `error: ` (and the file:line:column or
//! the flag the message names), a message starts with a lowercase letter, a quoted value, a
//! flag, a path or a proper name (AWS, EBS, a column such as `SpotPrice`); it is one line
//! with single spaces; and it ends as a sentence does in this style, with a word, a figure,
//! a closing quote or bracket, or a question mark, never with a full stop (like rustc's and
//! cargo's messages), a comma, a colon or a word that leaves it unfinished.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::{Path, PathBuf};

/// A string literal of the source: where it is and what it says.
#[derive(Debug, Clone)]
struct Literal {
    /// Byte offset of the opening quote.
    start: usize,
    /// Byte offset just past the closing quote.
    end: usize,
    /// The text, with escapes and line continuations applied (`\{` kept as written).
    text: String,
}

/// The string literals of Rust source `code`, skipping comments and char literals.
fn literals(code: &str) -> Vec<Literal> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'\'' => i = skip_char_literal(bytes, i),
            b'r' if is_raw_start(bytes, i) => {
                let start = i;
                i += 1;
                let mut hashes = 0;
                while bytes[i] == b'#' {
                    hashes += 1;
                    i += 1;
                }
                let body = i + 1;
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let end = body
                    + code.as_bytes()[body..]
                        .windows(close.len())
                        .position(|w| w == close.as_slice())
                        .unwrap();
                found.push(Literal {
                    start,
                    end: end + close.len(),
                    text: code[body..end].to_string(),
                });
                i = end + close.len();
            }
            b'"' => {
                let start = i;
                let (text, end) = cooked(code, i + 1);
                found.push(Literal { start, end, text });
                i = end;
            }
            _ => i += 1,
        }
    }
    found
}

/// Whether `r` at `i` opens a raw string (`r"`, `r#"`), not an identifier's last letter.
fn is_raw_start(bytes: &[u8], i: usize) -> bool {
    let before_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    let mut j = i + 1;
    while bytes.get(j) == Some(&b'#') {
        j += 1;
    }
    before_ok && bytes.get(j) == Some(&b'"')
}

/// Past a char literal (`'x'`, `'\n'`, `'"'`), or past a lifetime's quote.
fn skip_char_literal(bytes: &[u8], i: usize) -> usize {
    if bytes.get(i + 1) == Some(&b'\\') {
        let mut j = i + 2;
        while j < bytes.len() && bytes[j] != b'\'' {
            j += 1;
        }
        return j + 1;
    }
    // One character (perhaps several bytes) then a quote: a char literal.
    let mut j = i + 2;
    while j < bytes.len() && (bytes[j] & 0xC0) == 0x80 {
        j += 1;
    }
    if bytes.get(j) == Some(&b'\'') {
        j + 1
    } else {
        i + 1
    }
}

/// A normal string literal's text from `from` (just past its quote); returns it and the
/// offset past the closing quote.
fn cooked(code: &str, from: usize) -> (String, usize) {
    let mut text = String::new();
    let mut chars = code[from..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => return (text, from + offset + 1),
            '\\' => match chars.next() {
                Some((_, '\n')) => {
                    while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                        chars.next();
                    }
                }
                Some((_, 'n')) => text.push('\n'),
                Some((_, 't')) => text.push('\t'),
                Some((_, 'r')) => text.push('\r'),
                Some((_, other)) => text.push(other),
                None => {}
            },
            c => text.push(c),
        }
    }
    (text, code.len())
}

/// The Rust files under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Where an error is made: a statement holding one of these builds a message.
const ERROR_MARKERS: [&str; 10] = [
    "Err(",
    "tail",
    "Error::Usage(",
    "LocatedError::new(",
    ".error(",
    "problem",
    "CatalogError",
    "Error::other(",
    "ok_or_else(",
    "map_err(",
];

/// A message template found in the source, and where.
#[derive(Debug)]
struct Template {
    place: String,
    text: String,
    /// The format arguments after the template, as written.
    args: String,
}

/// Every message template of `src/`: `#[error("…")]` texts, and the first argument of
/// `format!` or a literal turned into a `String`, in a statement that makes an error.
fn templates() -> Vec<Template> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for file in rust_files(&root.join("src")) {
        let whole = std::fs::read_to_string(&file).unwrap();
        // Unit tests are not messages.
        let code = match whole.find("#[cfg(test)]") {
            Some(cut) => &whole[..cut],
            None => &whole[..],
        };
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        let all = literals(code);
        // The code with every literal's inside blanked, to find statement ends and
        // functions without being misled by a `;` in a message.
        let mut masked = code.as_bytes().to_vec();
        for literal in &all {
            masked[literal.start + 1..literal.end - 1].fill(b' ');
        }
        let masked = String::from_utf8_lossy(&masked).into_owned();
        for literal in all {
            let before = &code[..literal.start];
            let statement_start = masked[..literal.start].rfind(';').map_or(0, |i| i + 1);
            let statement = &masked[statement_start..literal.start];
            // A function that makes a problem's words (`name_problem`, `csv_problem`).
            let function = masked[..literal.start].rfind("fn ").map_or("", |i| {
                &masked[i..masked[i..].find('{').map_or(i, |j| i + j)]
            });
            let lead = before.trim_end();
            let after = code[literal.end..].trim_start();
            let attribute = lead.ends_with("#[error(");
            let formatted = lead.ends_with("format!(") && !statement.contains("write!(");
            let stringed = [".into()", ".to_string()", ".to_owned()"]
                .iter()
                .any(|s| after.starts_with(s));
            let argument = lead.ends_with(',') && (after.starts_with(')'));
            let in_error =
                ERROR_MARKERS.iter().any(|m| statement.contains(m)) || function.contains("problem");
            if !(attribute || (in_error && (formatted || stringed || argument))) {
                continue;
            }
            if literal.text == "transparent" {
                continue;
            }
            let line = 1 + code[..literal.start].matches('\n').count();
            found.push(Template {
                place: format!("{name}:{line}"),
                text: literal.text,
                args: format_args_after(&code[literal.end..]),
            });
        }
    }
    found
}

/// The rest of a `format!(` call after its template: up to the parenthesis that closes it.
fn format_args_after(code: &str) -> String {
    let mut depth = 1;
    for (i, c) in code.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return code[..i].to_string();
                }
            }
            _ => {}
        }
    }
    String::new()
}

/// Words a sentence in this style cannot end on.
const DANGLING: [&str; 22] = [
    "a", "an", "the", "of", "to", "and", "or", "for", "with", "in", "on", "at", "by", "is", "are",
    "be", "cannot", "must", "than", "from", "but", "as",
];

/// The template with its placeholders as `X`, to judge its words.
fn words_of(template: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if depth == 0 && chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                out.push('X');
            }
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Capitalised words a message may start with: AWS's words for its offers, and the offer
/// file's and the Spot history's own field names (messages name a field, then its value).
const PROPER_NAMES: [&str; 6] = [
    "Spot",
    "On-Demand",
    "Reserved",
    "Memory",
    "Unit",
    "Timestamp",
];

/// Whether a template that starts a message (rather than continuing one) may start so.
fn starts_well(words: &str) -> bool {
    let first: String = words.split(' ').next().unwrap_or("").to_string();
    let c = first.chars().next().unwrap_or(' ');
    if c.is_lowercase() || c.is_ascii_digit() || "X\"`-$(".contains(c) {
        return true;
    }
    // A proper name: an acronym (AWS, EBS, EC2, JSON), a CamelCase or spaced column name
    // (SpotPrice, Instance Type), a product (Linux/UNIX), or one of AWS's offer words.
    let acronym = first
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_uppercase());
    let camel = first.chars().skip(1).any(|c| c.is_uppercase());
    acronym || camel || first.contains('/') || PROPER_NAMES.contains(&&*first)
}

/// What is wrong with a template, if anything.
fn template_problems(t: &Template) -> Vec<String> {
    let mut problems = Vec::new();
    let words = words_of(&t.text);
    if t.text.contains('\n') || t.text.contains('\t') || t.text.contains('\r') {
        problems.push("holds a line break or a tab (a message is one line)".to_string());
    }
    if words.contains("  ") {
        problems.push("has a doubled space".to_string());
    }
    if words.starts_with(' ') || words.ends_with(' ') {
        problems.push("starts or ends with a space".to_string());
    }
    if words.trim_end().ends_with(['.', ',', ':', ';']) && !words.ends_with("...") {
        problems.push("ends with a full stop, comma, colon or semicolon".to_string());
    }
    let last = words
        .trim_end()
        .rsplit(' ')
        .next()
        .unwrap_or("")
        .to_lowercase();
    if DANGLING.contains(&last.as_str()) && !words.ends_with('X') {
        problems.push(format!("ends on {last:?}, as if cut off"));
    }
    // A message that opens the sentence (not a tail such as "; did you mean …?").
    let opens = !words.starts_with([';', ',', ':', ' ', '(']);
    if opens && !starts_well(&words) {
        problems.push("starts with a capital that is not a proper name".to_string());
    }
    for debug in debug_arguments(&t.text, &t.args) {
        // A user's value is quoted through `excerpt`; `….name()` is a column's or kind's
        // own short name, quoted by Debug on purpose.
        let simple = debug.contains("excerpt(") || debug.trim().ends_with(".name()");
        if !simple {
            problems.push(format!(
                "shows {debug:?} with {{:?}}: quote values through location::excerpt"
            ));
        }
    }
    problems
}

/// The arguments a template shows with `{:?}`: the expression for a positional `{:?}`, the
/// bound expression or the captured name for `{name:?}`.
fn debug_arguments(template: &str, args: &str) -> Vec<String> {
    let positional: Vec<String> = split_args(args);
    let mut shown = Vec::new();
    let mut index = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if rest[open + 1..].starts_with('{') {
            rest = &rest[open + 2..];
            continue;
        }
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inside = &rest[open + 1..open + close];
        let (name, spec) = inside.split_once(':').unwrap_or((inside, ""));
        let expression = if name.is_empty() {
            let e = positional.get(index).cloned().unwrap_or_default();
            index += 1;
            e
        } else if let Ok(n) = name.parse::<usize>() {
            positional.get(n).cloned().unwrap_or_default()
        } else {
            positional
                .iter()
                .find_map(|a| {
                    a.trim()
                        .strip_prefix(name)
                        .and_then(|r| r.trim_start().strip_prefix('='))
                        .map(str::to_string)
                })
                .unwrap_or_else(|| name.to_string())
        };
        if spec.contains('?') {
            shown.push(expression);
        }
        rest = &rest[open + close + 1..];
    }
    shown
}

/// Top-level comma-separated arguments (the text starts after the template).
fn split_args(args: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in args.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                if !current.trim().is_empty() {
                    parts.push(current.trim().to_string());
                }
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        parts.push(current.trim().to_string());
    }
    parts
}

#[test]
fn the_source_finds_the_messages_it_should() {
    let found = templates();
    let texts: Vec<&str> = found.iter().map(|t| t.text.as_str()).collect();
    // One of each way a message is made: an attribute, a format! in Err(…), a located
    // problem, a literal made a String, a literal argument.
    for expected in [
        "this line is longer than 1 MiB (1,048,576 bytes), the longest line ec2plan reads; is the file a CSV text file?",
        "{location}: {problem}",
        "rows must be in time order, but {time} comes before {previous} on line {line}",
        "--trials repeats the advisor model: add --interruptions advisor",
        "the header is not UTF-8 text",
    ] {
        assert!(texts.contains(&expected), "not found: {expected}");
    }
    assert!(found.len() > 150, "only {} templates found", found.len());
}

#[test]
fn every_message_template_in_the_source_is_a_sentence() {
    let mut bad = Vec::new();
    for t in templates() {
        for problem in template_problems(&t) {
            bad.push(format!("{}: {:?} {problem}", t.place, t.text));
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_checks_catch_what_they_should() {
    let template = |text: &str, args: &str| Template {
        place: String::new(),
        text: text.to_string(),
        args: args.to_string(),
    };
    let problems = |text: &str, args: &str| template_problems(&template(text, args));
    assert!(problems("prices cannot be", "").len() == 1);
    assert!(problems("the file is empty.", "").len() == 1);
    assert!(problems("two  spaces here", "").len() == 1);
    assert!(problems("Cannot read it", "").len() == 1);
    assert!(problems("bad value {:?} here", ", spec").len() == 1);
    assert!(problems("bad value {spec:?} here", "").len() == 1);
    assert!(problems("bad value {v:?} here", ", v = excerpt(&text)").is_empty());
    assert!(problems("unknown os {text:?}{hint}", ", text = excerpt(&t)").is_empty());
    assert!(problems("AWS has no price for {x}", ", x").is_empty());
    assert!(problems("Memory {text:?} is not a size", ", text = excerpt(&t)").is_empty());
    assert!(problems("the header has no {:?} column", ", missing.name()").is_empty());
}

// ---------------------------------------------------------------- through the binary

/// One bad input: the command line (`{dir}` is a temporary directory holding `files`), the
/// exit code, and what the message must start with after `error: ` (the file, line and
/// column, or the flag, it names).
struct Case {
    args: &'static str,
    files: &'static [(&'static str, &'static [u8])],
    code: i32,
    names: &'static str,
}

/// One case per kind of error a user can reach.
const CASES: &[Case] = &[
    // Scenario content (exit 3), each at its file, line and column.
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.larg\n")], code: 3, names: "{dir}/s.csv:2:4 (instance_type): unknown instance type" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,region\n2026-03-02T00:00:00Z,a,launch,m5.large,us-east1\n")], code: 3, names: "{dir}/s.csv:2:5 (region): unknown region" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,os\n2026-03-02T00:00:00Z,a,launch,m5.large,windoze\n")], code: 3, names: "{dir}/s.csv:2:5 (os): unknown os" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\nyesterday,a,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:2:1 (time): time \"yesterday\"" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00,a,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:2:1 (time): time" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-02-30T00:00:00Z,a,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:2:1 (time): time" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00.5Z,a,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:2:1 (time): time" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n2026-03-01T00:00:00Z,a,stop,\n")], code: 3, names: "{dir}/s.csv:3:1 (time): rows must be in time order" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,lanch,m5.large\n")], code: 3, names: "{dir}/s.csv:2:3 (action): unknown action" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n2026-03-03T00:00:00Z,a,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:3:3 (action): a is launched twice" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n2026-03-03T00:00:00Z,b,stop,\n")], code: 3, names: "{dir}/s.csv:3:2 (instance): stop of b" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n2026-03-03T00:00:00Z,a,start,\n")], code: 3, names: "{dir}/s.csv:3" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,ebs_gb\n2026-03-02T00:00:00Z,a,launch,m5.large,-5\n")], code: 3, names: "{dir}/s.csv:2:5 (ebs_gb): ebs_gb -5 is negative" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,ebs_gb\n2026-03-02T00:00:00Z,a,launch,m5.large,lots\n")], code: 3, names: "{dir}/s.csv:2:5 (ebs_gb): ebs_gb \"lots\"" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,ebs_gb\n2026-03-02T00:00:00Z,a,launch,m5.large,90000\n")], code: 3, names: "{dir}/s.csv:2:5 (ebs_gb): ebs_gb 90000 is outside" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,ebs_type\n2026-03-02T00:00:00Z,a,launch,m5.large,gp4\n")], code: 3, names: "{dir}/s.csv:2:5 (ebs_type): unknown volume type" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,root\n2026-03-02T00:00:00Z,a,launch,m5.large,nvme\n")], code: 3, names: "{dir}/s.csv:2:5 (root): root \"nvme\"" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,public_ip\n2026-03-02T00:00:00Z,a,launch,m5.large,yes\n")], code: 3, names: "{dir}/s.csv:2:5 (public_ip): public_ip \"yes\"" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,interruptible\n2026-03-02T00:00:00Z,a,launch,m5.large,maybe\n")], code: 3, names: "{dir}/s.csv:2:5 (interruptible): interruptible \"maybe\"" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,root,hibernation\n2026-03-02T00:00:00Z,a,launch,m5.large,instance-store,true\n")], code: 3, names: "{dir}/s.csv:2:6 (hibernation): hibernation needs an EBS root volume" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n2026-03-03T00:00:00Z,a,stop,m5.xlarge\n")], code: 3, names: "{dir}/s.csv:3:4 (instance_type): instance_type can only be set on a launch row" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n2026-03-03T00:00:00Z,a,interrupt,\n")], code: 3, names: "{dir}/s.csv:3:3 (action): interrupt of a" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,action,instance_type\n2026-03-02T00:00:00Z,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:1: the header has no \"instance\" column" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_typ\n2026-03-02T00:00:00Z,a,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:1:4 (instance_typ): unknown column" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large,extra\n")], code: 3, names: "{dir}/s.csv:2: this row has 5 fields but the header has 4" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a\xff,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:2" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n")], code: 3, names: "{dir}/s.csv" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"")], code: 3, names: "{dir}/s.csv" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,\"m5\n")], code: 3, names: "{dir}/s.csv:2: a quoted cell" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,=a,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:2:2 (instance): instance name \"=a\"" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n2046-03-02T00:00:00Z,a,stop,\n")], code: 3, names: "{dir}/s.csv:3: this row is more than 10 years after the first" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type\n10000-03-02T00:00:00Z,a,launch,m5.large\n")], code: 3, names: "{dir}/s.csv:2:1 (time): time" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,instance,action,instance_type,hibernation,ebs_gb\n2026-03-02T00:00:00Z,a,launch,m5.large,true,4\n")], code: 3, names: "{dir}/s.csv:2:6 (ebs_gb): hibernation saves RAM to the root volume" },
    Case { args: "simulate {dir}/s.csv --set scale_in=stop", files: &[("s.csv", b"time,instance,action,instance_type\n2026-03-02T00:00:00Z,a,launch,m5.large\n")], code: 2, names: "--set scale_in=stop sets how a schedule scales in" },
    // Schedules.
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,group,desired,instance_type\n2026-03-02T00:00:00Z,web,1000000,m5.large\n")], code: 3, names: "{dir}/s.csv:2:3 (desired): desired 1000000 is more than" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,group,desired,instance_type\n2026-03-02T00:00:00Z,web,-1,m5.large\n")], code: 3, names: "{dir}/s.csv:2:3 (desired): desired -1 is negative" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,group,desired,instance_type\n2026-03-02T00:00:00Z,web,two,m5.large\n")], code: 3, names: "{dir}/s.csv:2:3 (desired): desired \"two\"" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,group,desired,instance_type,repeat\n2026-03-02T00:00:00Z,web,1,m5.large,hourly\n")], code: 3, names: "{dir}/s.csv:2:5 (repeat): repeat \"hourly\"" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,group,desired,instance_type,scale_in\n2026-03-02T00:00:00Z,web,1,m5.large,explode\n")], code: 3, names: "{dir}/s.csv:2:5 (scale_in): scale_in \"explode\"" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,group,desired\n2026-03-02T00:00:00Z,web,1\n")], code: 3, names: "{dir}/s.csv:2" },
    Case { args: "simulate {dir}/s.csv", files: &[("s.csv", b"time,group,desired,instance_type\n2026-03-02T00:00:00Z,web,1,m5.large\n2026-03-03T00:00:00Z,wbe,0,\n")], code: 3, names: "{dir}/s.csv:3:2 (group): group \"wbe\"" },
    // Catalog files given with --pricing.
    Case { args: "simulate scenarios/web-fleet.csv --pricing {dir}", files: &[("instance_types.csv", b"instance_type,vcpu,memory_gib\nm5.large,two,8\n")], code: 3, names: "{dir}/instance_types.csv:2:2 (vcpu): vcpu \"two\"" },
    Case { args: "simulate scenarios/web-fleet.csv --pricing {dir}", files: &[("instance_types.csv", b"instance_type,cpus,memory_gib\nm5.large,2,8\n")], code: 3, names: "{dir}/instance_types.csv:1: unknown column \"cpus\"" },
    Case { args: "simulate scenarios/web-fleet.csv --pricing {dir}", files: &[("ebs.csv", b"region,volume_type,usd_per_gb_month\nus-east-1,gp3,-0.08\n")], code: 3, names: "{dir}/ebs.csv:2:3 (usd_per_gb_month): usd_per_gb_month -0.08 is negative" },
    Case { args: "simulate scenarios/web-fleet.csv --pricing {dir}", files: &[("prices.csv", b"region\n")], code: 3, names: "{dir}/prices.csv" },
    Case { args: "simulate scenarios/web-fleet.csv --pricing {dir}", files: &[("ebs.csv", b"region,volume_type,usd_per_gb_month\nus-east-1,gp3,0.08\nus-east-1,gp3,0.08\n")], code: 3, names: "{dir}/ebs.csv:3:2 (volume_type): gp3 in us-east-1 is priced twice" },
    Case { args: "simulate scenarios/web-fleet.csv --pricing {dir}", files: &[("ebs.csv", b"region,volume_type,usd_per_gb_month\nus-east-1,gp3,2000000000\n")], code: 3, names: "{dir}/ebs.csv:2:3 (usd_per_gb_month): usd_per_gb_month 2000000000 is more than 1,000,000,000" },
    Case { args: "simulate scenarios/web-fleet.csv --pricing {dir}", files: &[("spot_prices.csv", b"availability_zone,instance_type,product_description,timestamp,usd_per_hour\nus-east-1a,m5.large,Linux/UNIX,2026-03-01T00:00:00Z,0.04\nus-east-1a,m5.large,Linux/UNIX,2026-03-01T00:00:00Z,0.05\n")], code: 3, names: "{dir}/spot_prices.csv:3:5 (usd_per_hour): Linux/UNIX m5.large in us-east-1a" },
    Case { args: "simulate scenarios/web-fleet.csv --pricing {dir}", files: &[("spot_prices.csv", b"availability_zone,instance_type,product_description,timestamp,usd_per_hour\nus-east-1a,m5.large,BeOS,2026-03-01T00:00:00Z,0.04\n")], code: 3, names: "{dir}/spot_prices.csv:2:3 (product_description): product_description \"BeOS\" matches no platform" },
    // Imports.
    Case { args: "pricing import {dir}/d.json --out {dir}/out", files: &[("d.json", b"{\"SpotPriceHistory\": [{\"AvailabilityZone\": 3}]}")], code: 3, names: "{dir}/d.json:1: not a describe-spot-price-history dump" },
    Case { args: "pricing import {dir}/d.json --out {dir}/out", files: &[("d.json", b"{\"SpotPriceHistory\": [{\"AvailabilityZone\": \"us-east-1a\", \"InstanceType\": \"m5.large\", \"ProductDescription\": \"Linux/UNIX\", \"SpotPrice\": \"cheap\", \"Timestamp\": \"2026-03-01T00:00:00Z\"}]}")], code: 3, names: "{dir}/d.json:1: record 1 of SpotPriceHistory: SpotPrice \"cheap\"" },
    Case { args: "pricing import {dir}/d.json --out {dir}/out", files: &[("d.json", b"{\"NextToken\": \"\"}")], code: 3, names: "{dir}/d.json:1: not a describe-spot-price-history dump: missing field `SpotPriceHistory`" },
    Case { args: "pricing import {dir}/o.csv --out {dir}/out", files: &[("o.csv", b"\"FormatVersion\",\"v1.0\"\n\"OfferCode\",\"AmazonS3\"\n")], code: 3, names: "{dir}/o.csv:2: this is the price list of \"AmazonS3\"" },
    Case { args: "pricing import {dir}/o.csv --out {dir}/out", files: &[("o.csv", b"a,b\n1,2\n")], code: 3, names: "{dir}/o.csv: no header row" },
    // Files that cannot be read or written (exit 4).
    Case { args: "simulate {dir}/missing.csv", files: &[], code: 4, names: "cannot read {dir}/missing.csv: " },
    Case { args: "simulate {dir}", files: &[], code: 4, names: "cannot read {dir}: " },
    Case { args: "simulate scenarios/web-fleet.csv --out {dir}/f", files: &[("f", b"a file")], code: 4, names: "cannot write {dir}/f: " },
    Case { args: "simulate scenarios/web-fleet.csv --pricing {dir}/none", files: &[], code: 4, names: "cannot read {dir}/none" },
    // Flags (exit 2), each naming its flag.
    Case { args: "simulate scenarios/web-fleet.csv --region us-east1", files: &[], code: 2, names: "--region \"us-east1\"" },
    Case { args: "simulate scenarios/web-fleet.csv --set instance_typ=m5.large", files: &[], code: 2, names: "--set instance_typ=m5.large: unknown key" },
    Case { args: "simulate scenarios/web-fleet.csv --set nope.instance_type=m5.large", files: &[], code: 2, names: "--set names the group \"nope\"" },
    Case { args: "simulate scenarios/web-fleet.csv --set ebs_gb=-1", files: &[], code: 2, names: "--set ebs_gb=-1: ebs_gb -1 is negative" },
    Case { args: "simulate scenarios/web-fleet.csv --until 2020-01-01T00:00:00Z", files: &[], code: 2, names: "--until 2020-01-01T00:00:00Z is before" },
    Case { args: "simulate scenarios/web-fleet.csv --until tomorrow", files: &[], code: 2, names: "invalid value 'tomorrow' for '--until <TIME>'" },
    Case { args: "simulate scenarios/web-fleet.csv --pending soon", files: &[], code: 2, names: "invalid value 'soon' for '--pending <D>'" },
    Case { args: "simulate scenarios/web-fleet.csv --reserve m5.large", files: &[], code: 2, names: "--reserve \"m5.large\"" },
    Case { args: "simulate scenarios/web-fleet.csv --reserve m5.larg=1", files: &[], code: 2, names: "--reserve \"m5.larg=1\"" },
    Case { args: "simulate scenarios/web-fleet.csv --reserve m5.large=x", files: &[], code: 2, names: "--reserve \"m5.large=x\"" },
    Case { args: "simulate scenarios/web-fleet.csv --strategy on-demand --reserve m5.large=1", files: &[], code: 2, names: "--reserve applies to --strategy reserved or all" },
    Case { args: "simulate scenarios/web-fleet.csv --scale 2", files: &[], code: 2, names: "--scale multiplies" },
    Case { args: "simulate scenarios/web-service-schedule.csv --scale lots", files: &[], code: 2, names: "invalid value 'lots' for '--scale <F>'" },
    Case { args: "simulate scenarios/web-fleet.csv --trials 3", files: &[], code: 2, names: "--trials repeats" },
    Case { args: "simulate scenarios/web-fleet.csv --seed 3", files: &[], code: 2, names: "--seed seeds" },
    Case { args: "simulate scenarios/web-fleet.csv --strategy cheapest", files: &[], code: 2, names: "invalid value 'cheapest' for '--strategy <STRATEGY>'" },
    Case { args: "simulate scenarios/web-fleet.csv --regoin us-east-1", files: &[], code: 2, names: "unexpected argument '--regoin' found" },
    Case { args: "simulate", files: &[], code: 2, names: "the following required arguments were not provided" },
    Case { args: "simulate scenarios/web-fleet.csv --until 2046-03-02T00:00:00Z", files: &[], code: 2, names: "--until 2046-03-02T00:00:00Z is more than 10 years after" },
    Case { args: "generate --days 0", files: &[], code: 2, names: "invalid value '0' for '--days <D>'" },
    Case { args: "compare scenarios/web-fleet.csv --out {dir}/o", files: &[], code: 2, names: "unexpected argument '--out' found" },
    Case { args: "compare scenarios/web-fleet.csv --variant ,", files: &[], code: 2, names: "--variant needs at least one KEY=VALUE" },
    Case { args: "compare scenarios/web-fleet.csv --interruptions advisor", files: &[], code: 2, names: "compare prices interruptions from the scenario" },
    Case { args: "expand scenarios/web-fleet.csv", files: &[], code: 2, names: "scenarios/web-fleet.csv is already an event log" },
    Case { args: "generate --region nowhere", files: &[], code: 2, names: "--region \"nowhere\" is not in the price catalog" },
    Case { args: "generate --start 9999-12-01T00:00:00Z --days 60", files: &[], code: 2, names: "cannot generate: --days 60" },
    Case { args: "pricing show m5.larg", files: &[], code: 2, names: "instance type \"m5.larg\" is not in the price catalog" },
    Case { args: "pricing show m5.large --os windoze", files: &[], code: 2, names: "--os \"windoze\"" },
    Case { args: "simulate scenarios/web-fleet.csv --strategy reserved --term 3yr --payment partial-upfront --offering convertible", files: &[], code: 2, names: "the price catalog has no 3yr convertible partial-upfront reservation" },
];

/// What is wrong with a message as printed (`line`, without `error: `) after the place it
/// names (`names`), if anything.
fn printed_problems(line: &str, names: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !line.starts_with(names) {
        problems.push(format!("does not start with {names:?}"));
    }
    if line.len() + "error: \n".len() > 400 {
        problems.push(format!("is {} bytes", line.len()));
    }
    let template = Template {
        place: String::new(),
        // Braces in a printed message are text, not placeholders.
        text: line.replace('{', "{{").replace('}', "}}"),
        args: String::new(),
    };
    problems.extend(template_problems(&template));
    for structure in [" { ", "Some(", "None", "Kind(", "Error {", "\\\\"] {
        if line.contains(structure) {
            problems.push(format!("shows {structure:?}, a value as Rust debugs it"));
        }
    }
    problems
}

#[test]
fn every_error_a_user_can_reach_is_one_sentence_naming_its_place() {
    let mut bad = Vec::new();
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        let place = dir.path().display().to_string();
        for (name, text) in case.files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let args: Vec<String> = case
            .args
            .split(' ')
            .map(|a| a.replace("{dir}", &place))
            .collect();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ec2plan"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        // Shown with --nocapture, to read them all at once.
        print!("{}", stderr.replace(&place, "DIR"));
        let names = case.names.replace("{dir}", &place);
        let mut problems = Vec::new();
        if out.status.code() != Some(case.code) {
            problems.push(format!("exit {:?}, not {}", out.status.code(), case.code));
        }
        if !out.stdout.is_empty() {
            problems.push("printed to standard output".to_string());
        }
        match stderr
            .strip_prefix("error: ")
            .and_then(|s| s.strip_suffix('\n'))
        {
            Some(line) if !line.contains('\n') => {
                // The message judged without the temporary directory's name.
                let shown = line.replace(&place, "DIR");
                let names = names.replace(&place, "DIR");
                problems.extend(printed_problems(&shown, &names));
            }
            _ => problems.push("is not one line starting with \"error: \"".to_string()),
        }
        if !problems.is_empty() {
            bad.push(format!(
                "ec2plan {}\n  {stderr:?}\n  {}",
                case.args,
                problems.join("; ")
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} cases:\n{}",
        bad.len(),
        CASES.len(),
        bad.join("\n")
    );
    assert!(CASES.len() >= 60);
}

#[test]
#[ignore]
fn dump_templates() {
    for t in templates() {
        println!("{}\t{:?}", t.place, t.text);
    }
}
