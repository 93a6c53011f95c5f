//! JSON records in (docs/spec.md §1): one record read straight from the
//! bytes into a [`RecordBuilder`] with a serde visitor, with no
//! intermediate `serde_json::Value`, so batch work runs near the speed of
//! the parser itself and every field error keeps its field name.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::grading::{Assessment, Field, RecordBuilder, RecordError, Shape, Value};

use super::options::ReadOptions;
use super::refused::Refused;

/// Reads one record from JSON text. Positions in malformed-input messages
/// count from `first_line` (1 for a whole document, the file line for NDJSON).
pub fn read_record(bytes: &[u8], options: ReadOptions, first_line: usize) -> Result<Assessment, Refused> {
    // A byte-order mark, as some Windows tools write, is not part of the JSON.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let zeros = integer_negative_zeros(bytes);
    let bytes: &[u8] = match &zeros {
        Some(rewritten) => rewritten,
        None => bytes,
    };
    if let Some(map) = options.map {
        return read_mapped(bytes, options, map, first_line);
    }
    // UTF-8 checked once for the whole record, not string by string (the
    // parse is then the same, faster); a record that is not UTF-8 is parsed
    // from its bytes, so that the message says where it goes wrong.
    let builder = match std::str::from_utf8(bytes) {
        Ok(text) => parse(serde_json::Deserializer::from_str(text), options),
        Err(_) => parse(serde_json::Deserializer::from_slice(bytes), options),
    }
    .map_err(|e| Refused::bare(json_error(&e, first_line)))?;
    super::options::finish(builder)
}

/// The record with each integer literal `-0` written `' 0'` (same length,
/// so positions in messages hold), or `None` when it has none. serde_json
/// reads `-0` and `-0.0` alike, as the float negative zero; this way `-0`
/// is the integer 0 (as in CSV and flags) and `-0.0` a decimal like `0.0`,
/// refused where an integer belongs. Only a record with `-0` in its bytes
/// is scanned (strings skipped).
fn integer_negative_zeros(bytes: &[u8]) -> Option<Vec<u8>> {
    // A literal begins after `:`, `,`, `[` or white space, never after a
    // letter or digit (`"P-0123"`): only such a `-0`, not followed by a
    // fraction, exponent or digit, calls for the scan.
    let literal = |i: usize| {
        (i == 0 || matches!(bytes[i - 1], b':' | b',' | b'[' | b' ' | b'\t' | b'\n' | b'\r'))
            && !matches!(bytes.get(i + 2), Some(b'.' | b'e' | b'E' | b'0'..=b'9'))
    };
    if !memchr::memmem::find_iter(bytes, b"-0").any(literal) {
        return None;
    }
    let mut out: Option<Vec<u8>> = None;
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'-' if bytes.get(i + 1) == Some(&b'0')
                && !matches!(bytes.get(i + 2), Some(b'.' | b'e' | b'E' | b'0'..=b'9')) =>
            {
                out.get_or_insert_with(|| bytes.to_vec())[i] = b' ';
            }
            _ => {}
        }
    }
    out
}

/// The record's fields, and nothing after the record.
fn parse<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    options: ReadOptions,
) -> serde_json::Result<RecordBuilder> {
    let builder = RecordSeed { options }.deserialize(&mut de)?;
    de.end()?;
    Ok(builder)
}

/// Reads one record of a site's JSON export through its map: the object's
/// keys are the export's columns and its values the cells (numbers and
/// booleans as text, a list `;`-joined, an object flattened to `key_item`),
/// then the same path as a CSV row.
fn read_mapped(
    bytes: &[u8],
    options: ReadOptions,
    map: &'static super::map::SiteMap,
    first_line: usize,
) -> Result<Assessment, Refused> {
    let cells = super::map::json_cells(bytes).map_err(|e| Refused::bare(json_error(&e, first_line)))?;
    let Some(cells) = cells else {
        return Err(Refused::bare(RecordError::NotARecord(
            "expected a JSON object (one assessment record)".into(),
        )));
    };
    let (names, cells): (Vec<String>, Vec<String>) = cells.into_iter().unzip();
    let layout = super::layout::Layout::from_names(&names, options.allow_unknown_fields, Some(map));
    if let Some(problem) = layout.header_problem() {
        return Err(Refused::bare(RecordError::Malformed(
            problem.replacen("header", "keys", 1),
        )));
    }
    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
    layout.read_cells(&cells)
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
                    b.begin_object(field);
                    for (k, v) in entries {
                        b.object_item(field, &k, v);
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
        // `ice` has five items, `capd_items` eight.
        let mut entries = Vec::with_capacity(if self.top { 8 } else { 0 });
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
