//! JSON: one assessment record in (contract §1), one result out (§4).
//!
//! The record is read straight from the bytes into a
//! [`RecordBuilder`] with a serde visitor:
//! no intermediate `serde_json::Value`, so batch work runs near the speed
//! of the parser itself, and every field error keeps its field name.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use serde::Serialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::grading::{Assessment, Field, Grading, RecordBuilder, RecordError, RecordId, Shape, Value};

/// How strictly records are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Ignore fields the contract does not know (`--allow-unknown-fields`),
    /// for exports that carry extra columns. Off by default: a misspelt
    /// finding would otherwise read as "not assessed".
    pub allow_unknown_fields: bool,
}

/// A record that could not be graded, with its `id` when that was readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The record's `id`, when it could be read.
    pub id: Option<RecordId>,
    /// What is wrong.
    pub error: RecordError,
}

/// Reads one record from JSON text. Positions in malformed-input messages
/// count from `first_line` (1 for a whole document, the file line for NDJSON).
pub fn read_record(bytes: &[u8], options: ReadOptions, first_line: usize) -> Result<Assessment, Rejected> {
    // A byte-order mark, as some Windows tools write, is not part of the JSON.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let builder = RecordSeed { options }
        .deserialize(&mut de)
        .and_then(|b| de.end().map(|()| b))
        .map_err(|e| Rejected {
            id: None,
            error: json_error(&e, first_line),
        })?;
    let id = builder.id().cloned();
    builder.finish().map_err(|error| Rejected { id, error })
}

/// Turns a serde_json error into a record error that says where.
fn json_error(e: &serde_json::Error, first_line: usize) -> RecordError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let line = first_line + e.line().saturating_sub(1);
    let at = if e.line() == 0 {
        String::new()
    } else {
        format!(" (line {line}, column {})", e.column())
    };
    match e.classify() {
        // A well-formed value of the wrong kind: where it is adds nothing.
        serde_json::error::Category::Data => RecordError::NotARecord(message.to_string()),
        _ => RecordError::Malformed(format!(
            "invalid JSON: {message}{at} (allowed: one JSON object per record, in UTF-8)"
        )),
    }
}

struct RecordSeed {
    options: ReadOptions,
}

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = RecordBuilder;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RecordBuilder, D::Error> {
        d.deserialize_map(RecordVisitor {
            options: self.options,
        })
    }
}

struct RecordVisitor {
    options: ReadOptions,
}

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = RecordBuilder;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (one assessment record)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RecordBuilder, A::Error> {
        let mut b = RecordBuilder::new();
        while let Some(Key(key)) = map.next_key()? {
            let Some(field) = Field::from_name(&key) else {
                if !self.options.allow_unknown_fields {
                    b.unknown_field(&key);
                }
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            match (field.shape(), map.next_value::<Node<'de>>()?) {
                (_, Node::Scalar(v)) => b.set(field, v),
                (Shape::Object, Node::Map(entries)) => {
                    b.begin_ice();
                    for (k, v) in entries {
                        b.ice_item(&k, v);
                    }
                }
                (Shape::List, Node::List(items)) => {
                    b.begin_other_cause();
                    for v in items {
                        b.other_cause_item(v);
                    }
                }
                (_, Node::Map(_)) => b.set(field, Value::Object),
                (_, Node::List(_)) => b.set(field, Value::Array),
            }
        }
        Ok(b)
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A field's value: a scalar, or one level of object or array (for `ice`
/// and `other_cause`); anything nested deeper is only noted as
/// [`Value::Object`] or [`Value::Array`].
enum Node<'de> {
    Scalar(Value<'de>),
    Map(Vec<(Cow<'de, str>, Value<'de>)>),
    List(Vec<Value<'de>>),
}

impl<'de> de::Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor { top: true })
    }
}

/// An item inside `ice` or `other_cause`: a scalar, or a nested container
/// noted by kind and skipped.
struct Item<'de>(Value<'de>);

impl<'de> de::Deserialize<'de> for Item<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor { top: false }).map(|n| match n {
            Node::Scalar(v) => Item(v),
            Node::Map(_) => Item(Value::Object),
            Node::List(_) => Item(Value::Array),
        })
    }
}

struct NodeVisitor {
    top: bool,
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Null))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Int(v.into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Int(v.into())))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Int(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Float(v)))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Str(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Str(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E>(self, v: String) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Value::Str(Cow::Owned(v))))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut entries = Vec::new();
        if self.top {
            while let Some(Key(k)) = map.next_key()? {
                let Item(v) = map.next_value()?;
                entries.push((k, v));
            }
        } else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        }
        Ok(Node::Map(entries))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::new();
        if self.top {
            while let Some(Item(v)) = seq.next_element()? {
                items.push(v);
            }
        } else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        Ok(Node::List(items))
    }
}

/// The object written in place of a result for a record that could not be
/// graded (contract §4): `{"line", "id", "error"}`, plus `file` for a named
/// input file and `field`, the first field the message names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorObject {
    /// The input line where the record starts (batch work).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The input file, when the record came from a named file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The record's id, when readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<RecordId>,
    /// The message: field, value, what is allowed.
    pub error: String,
    /// The first field the message names, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorObject {
    /// The error object of a rejected record.
    pub fn new(line: Option<usize>, file: Option<&str>, rejected: &Rejected) -> Self {
        ErrorObject {
            line,
            file: file.map(String::from),
            id: rejected.id.clone(),
            error: rejected.error.to_string(),
            field: rejected.error.field().map(String::from),
        }
    }
}

impl fmt::Display for ErrorObject {
    /// `file:line: message`, as compilers write it (`line N: message` for
    /// standard input).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: {}", self.error),
            (None, Some(line)) => write!(f, "line {line}: {}", self.error),
            (_, None) => f.write_str(&self.error),
        }
    }
}

/// Splits a JSON array of records into its elements as it streams, so that
/// each element is read (and fails) on its own, with the line it starts on.
/// A file holding a single object is read as one record.
pub struct ArrayScanner<R> {
    reader: R,
    line: usize,
    started: bool,
    done: bool,
}

/// What [`ArrayScanner::next_into`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// An element, appended to the buffer at `range`, starting on `line`.
    Element {
        /// The line the element starts on.
        line: usize,
        /// Where its bytes are in the buffer.
        range: std::ops::Range<usize>,
    },
    /// The array itself is broken at `line`; scanning stops.
    Problem {
        /// Where.
        line: usize,
        /// What is wrong with the array (reported as malformed input).
        message: String,
    },
    /// The array ended.
    End,
}

impl<R: io::BufRead> ArrayScanner<R> {
    /// A scanner over a whole input.
    pub fn new(reader: R) -> Self {
        ArrayScanner {
            reader,
            line: 1,
            started: false,
            done: false,
        }
    }

    fn bump(&mut self, b: u8) {
        if b == b'\n' {
            self.line += 1;
        }
        self.reader.consume(1);
    }

    fn skip_space(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let mut n = 0;
            let mut lines = 0;
            let mut rest = buf;
            if !self.started && rest.starts_with(b"\xEF\xBB\xBF") {
                n = 3;
                rest = &rest[3..];
            }
            for &b in rest {
                match b {
                    b' ' | b'\t' | b'\r' => n += 1,
                    b'\n' => {
                        n += 1;
                        lines += 1;
                    }
                    _ => {
                        self.reader.consume(n);
                        self.line += lines;
                        return Ok(Some(b));
                    }
                }
            }
            self.reader.consume(n);
            self.line += lines;
        }
    }

    /// Appends the next element to `buf` and says where it is.
    pub fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Scanned> {
        if self.done {
            return Ok(Scanned::End);
        }
        let first = self.skip_space()?;
        if !self.started {
            self.started = true;
            match first {
                None => {
                    self.done = true;
                    return Ok(Scanned::End);
                }
                Some(b'[') => self.bump(b'['),
                Some(b'{') => {
                    // A single record object: the whole input is the element.
                    self.done = true;
                    let line = self.line;
                    let start = buf.len();
                    self.reader.read_to_end(buf)?;
                    return Ok(Scanned::Element {
                        line,
                        range: start..buf.len(),
                    });
                }
                Some(_) => {
                    self.done = true;
                    return Ok(Scanned::Problem {
                        line: self.line,
                        message: "expected a JSON array of records (or one record object)".into(),
                    });
                }
            }
            return self.next_into(buf);
        }
        match first {
            None => {
                self.done = true;
                Ok(Scanned::Problem {
                    line: self.line,
                    message: "the JSON array is not closed (missing `]`)".into(),
                })
            }
            Some(b']') => {
                self.bump(b']');
                self.done = true;
                match self.skip_space()? {
                    None => Ok(Scanned::End),
                    Some(_) => Ok(Scanned::Problem {
                        line: self.line,
                        message: "unexpected data after the JSON array".into(),
                    }),
                }
            }
            Some(_) => self.element(buf),
        }
    }

    /// Copies one element up to the `,` or `]` that ends it at depth 0.
    fn element(&mut self, buf: &mut Vec<u8>) -> io::Result<Scanned> {
        let line = self.line;
        let start = buf.len();
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                // The next call reports the missing `]`.
                return Ok(Scanned::Element {
                    line,
                    range: start..buf.len(),
                });
            }
            let mut used = 0;
            let mut lines = 0;
            let mut end = None;
            for &b in chunk {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' if depth > 0 => depth -= 1,
                        b']' => {
                            end = Some(false);
                            break;
                        }
                        b',' if depth == 0 => {
                            end = Some(true);
                            break;
                        }
                        _ => {}
                    }
                }
                if b == b'\n' {
                    lines += 1;
                }
                used += 1;
            }
            buf.extend_from_slice(&chunk[..used]);
            self.reader.consume(used);
            self.line += lines;
            match end {
                // The `,` is consumed; a `]` is left for the next call.
                Some(true) => {
                    self.reader.consume(1);
                    return Ok(Scanned::Element {
                        line,
                        range: start..buf.len(),
                    });
                }
                Some(false) => {
                    return Ok(Scanned::Element {
                        line,
                        range: start..buf.len(),
                    });
                }
                None => {}
            }
        }
    }
}

/// Writes one value as compact JSON followed by a newline (NDJSON).
pub fn write_line<W: Write, T: Serialize>(out: &mut W, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Writes one result as indented JSON followed by a newline.
pub fn write_pretty<W: Write>(out: &mut W, result: &Grading) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, result).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Whether a string can be written between quotes as it is (no `"`, `\` or
/// control characters). Checked 16 bytes at a time so it vectorises.
fn is_plain(s: &str) -> bool {
    s.as_bytes().chunks(16).all(|c| {
        c.iter()
            .fold(true, |ok, &b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'))
    })
}

/// Writes a JSON string exactly as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    if is_plain(s) {
        out.extend_from_slice(s.as_bytes());
    } else {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for &b in s.as_bytes() {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0C => out.extend_from_slice(b"\\f"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                c if c < 0x20 => {
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[usize::from(c >> 4)]);
                    out.push(HEX[usize::from(c & 0xF)]);
                }
                c => out.push(c),
            }
        }
    }
    out.push(b'"');
}

/// Writes a string from the crate's own tables (domain, status, action id,
/// instrument and criteria names), which hold only plain characters (a test
/// checks every one).
fn name(out: &mut Vec<u8>, s: &'static str) {
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

fn integer(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

fn opt_u8(out: &mut Vec<u8>, v: Option<u8>) {
    match v {
        Some(n) => integer(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

fn domains(out: &mut Vec<u8>, ds: &[crate::grading::Domain]) {
    out.push(b'[');
    for (i, d) in ds.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        name(out, d.as_str());
    }
    out.push(b']');
}

/// Writes one result as a line of compact JSON: byte for byte what
/// `serde_json::to_writer` writes for [`Grading`] (a test holds the two
/// together), without serde's per-field overhead. Batch output at scale
/// spends most of its time here.
pub fn write_result_line(out: &mut Vec<u8>, r: &Grading) {
    out.push(b'{');
    let mut echoed = false;
    if let Some(id) = &r.id {
        out.extend_from_slice(b"\"id\":");
        match id {
            RecordId::Int(n) => integer(out, *n),
            RecordId::Text(t) => string(out, t),
        }
        echoed = true;
    }
    if let Some(p) = &r.patient_id {
        out.extend_from_slice(if echoed {
            b",\"patient_id\":"
        } else {
            b"\"patient_id\":"
        });
        string(out, p);
        echoed = true;
    }
    if let Some(d) = r.day {
        out.extend_from_slice(if echoed { b",\"day\":" } else { b"\"day\":" });
        integer(out, d);
        echoed = true;
    }
    if let Some(t) = &r.assessed_at {
        out.extend_from_slice(if echoed {
            b",\"assessed_at\":"
        } else {
            b"\"assessed_at\":"
        });
        string(out, t);
        echoed = true;
    }
    out.extend_from_slice(if echoed { b",\"grade\":" } else { b"\"grade\":" });
    integer(out, r.grade);
    out.extend_from_slice(if r.complete {
        b",\"complete\":true"
    } else {
        b",\"complete\":false"
    });
    out.extend_from_slice(b",\"instrument\":");
    match r.instrument {
        Some(i) => name(out, i.as_str()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"ice_total\":");
    opt_u8(out, r.ice_total);
    out.extend_from_slice(b",\"capd\":");
    opt_u8(out, r.capd);
    out.extend_from_slice(b",\"domains\":{");
    for (i, (d, res)) in r.domains.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        name(out, d.as_str());
        out.extend_from_slice(b":{\"status\":");
        name(out, res.status.as_str());
        out.extend_from_slice(b",\"grade\":");
        opt_u8(out, res.grade);
        if let Some(f) = &res.finding {
            out.extend_from_slice(b",\"finding\":");
            string(out, f);
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"},\"drivers\":");
    domains(out, &r.drivers);
    out.extend_from_slice(b",\"unassessed\":");
    domains(out, &r.unassessed);
    out.extend_from_slice(b",\"excluded\":");
    domains(out, &r.excluded);
    out.extend_from_slice(b",\"warnings\":[");
    for (i, w) in r.warnings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, w);
    }
    out.extend_from_slice(b"],\"management\":{\"summary\":");
    string(out, &r.management.summary);
    out.extend_from_slice(b",\"actions\":[");
    for (i, a) in r.management.actions.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        name(out, a.id.as_str());
        out.extend_from_slice(b",\"text\":");
        string(out, &a.text);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"reassess_hours\":");
    opt_u8(out, r.management.reassess_hours);
    out.extend_from_slice(b"},\"criteria\":");
    name(out, r.criteria);
    out.extend_from_slice(b",\"icans_version\":");
    name(out, r.icans_version);
    out.extend_from_slice(b",\"protocol\":");
    string(out, &r.protocol);
    out.extend_from_slice(b"}\n");
}
