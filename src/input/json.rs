//! JSON records in (docs/spec.md §1): one record read straight from the
//! bytes into a [`RecordBuilder`] with a serde visitor, with no
//! intermediate `serde_json::Value`, so batch work runs near the speed of
//! the parser itself and every field error keeps its field name.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::grading::{Assessment, Field, RecordBuilder, RecordError, Shape, Value};

use super::options::ReadOptions;
use super::refused::Refused;

/// Reads one record from JSON text. Positions in malformed-input messages
/// count from `first_line` (1 for a whole document, the file line for NDJSON).
pub fn read_record(bytes: &[u8], options: ReadOptions, first_line: usize) -> Result<Assessment, Refused> {
    let mut builder = RecordBuilder::new();
    read_record_into(bytes, options, first_line, &mut builder).map(std::mem::take)
}

/// [`read_record`] into `b`, an empty builder, where the record then stays
/// (batch work reads every record of a chunk into one builder: a record is
/// large, and each move a copy).
pub fn read_record_into<'b>(
    bytes: &[u8],
    options: ReadOptions,
    first_line: usize,
    b: &'b mut RecordBuilder,
) -> Result<&'b mut Assessment, Refused> {
    match fill(bytes, options, first_line, b)? {
        None => super::options::finish_in_place(b),
        Some(layout) => layout.finish(b),
    }
}

/// Hands the record's fields to `b`, and through the map when there is one
/// (then the layout of its keys, which names the export's columns in the
/// record's errors); a refusal when the text is not one JSON object.
fn fill(
    bytes: &[u8],
    options: ReadOptions,
    first_line: usize,
    b: &mut RecordBuilder,
) -> Result<Option<super::layout::Layout>, Refused> {
    // A byte-order mark, as some Windows tools write, is not part of the JSON.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(map) = options.map {
        let zeros = integer_negative_zeros(bytes);
        return fill_mapped(zeros.as_deref().unwrap_or(bytes), options, map, first_line, b).map(Some);
    }
    // A negative zero stops the parse (`NEGATIVE_ZERO`); the record is then
    // read again with its integer `-0` literals written ` 0`. Records
    // without one pay nothing for it.
    // The builder is filled in place (not returned through each layer of
    // the parse: it is large, and each move a copy).
    match parse_bytes(bytes, options, false, b) {
        Err(e) if e.to_string().starts_with(NEGATIVE_ZERO) => {
            b.reset();
            let rewritten = integer_negative_zeros(bytes);
            parse_bytes(rewritten.as_deref().unwrap_or(bytes), options, true, b)
        }
        parsed => parsed,
    }
    .map_err(|e| Refused::bare(json_error(&e, first_line)))?;
    Ok(None)
}

/// What a negative zero says to stop the first parse of a record.
const NEGATIVE_ZERO: &str = "icans: a negative zero";

/// Parses a record's bytes: UTF-8 checked once for the whole record, not
/// string by string (the parse is then the same, faster); a record that is
/// not UTF-8 is parsed from its bytes, so that the message says where it
/// goes wrong.
fn parse_bytes(
    bytes: &[u8],
    options: ReadOptions,
    negative_zero: bool,
    b: &mut RecordBuilder,
) -> serde_json::Result<()> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(
            serde_json::Deserializer::from_str(text),
            options,
            negative_zero,
            b,
        ),
        Err(_) => parse(
            serde_json::Deserializer::from_slice(bytes),
            options,
            negative_zero,
            b,
        ),
    }
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

/// The record's fields into `b`, and nothing after the record.
fn parse<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    options: ReadOptions,
    negative_zero: bool,
    b: &mut RecordBuilder,
) -> serde_json::Result<()> {
    RecordSeed {
        options,
        negative_zero,
        b,
    }
    .deserialize(&mut de)?;
    de.end()
}

/// Reads one record of a site's JSON export through its map: the object's
/// keys are the export's columns and its values the cells (numbers and
/// booleans as text, a list `;`-joined, an object flattened to `key_item`),
/// then the same path as a CSV row.
fn fill_mapped(
    bytes: &[u8],
    options: ReadOptions,
    map: &'static super::map::SiteMap,
    first_line: usize,
    b: &mut RecordBuilder,
) -> Result<super::layout::Layout, Refused> {
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
    layout.fill_cells(b, &cells);
    Ok(layout)
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

/// The record, read into a [`RecordBuilder`]. `negative_zero`: whether a
/// negative zero is read as a number (the second read of a record that has
/// one) or stops the parse ([`NEGATIVE_ZERO`]).
struct RecordSeed<'b> {
    options: ReadOptions,
    negative_zero: bool,
    b: &'b mut RecordBuilder,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(RecordVisitor {
            options: self.options,
            negative_zero: self.negative_zero,
            b: self.b,
        })
    }
}

struct RecordVisitor<'b> {
    options: ReadOptions,
    negative_zero: bool,
    b: &'b mut RecordBuilder,
}

impl<'de> Visitor<'de> for RecordVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (one assessment record)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.b;
        while let Some(Key(key)) = map.next_key()? {
            let Some(field) = Field::from_name(&key) else {
                if !self.options.allow_unknown_fields {
                    b.unknown_field(&key);
                }
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            map.next_value_seed(FieldSeed {
                field,
                b: &mut *b,
                negative_zero: self.negative_zero,
            })?;
        }
        Ok(())
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

/// A field's value, handed to the builder as it is read: a scalar, or one
/// level of object or array (for `ice`, `capd_items` and `other_cause`),
/// item by item with no list in between; anything nested deeper is only
/// noted as [`Value::Object`] or [`Value::Array`].
struct FieldSeed<'b> {
    field: Field,
    b: &'b mut RecordBuilder,
    negative_zero: bool,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// A scalar as the builder takes it; a negative zero stops the first read.
fn scalar<'de, E: de::Error>(v: Scalar<'de>, negative_zero: bool) -> Result<Value<'de>, E> {
    Ok(match v {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(n) => Value::Int(n),
        Scalar::Float(x) if x == 0.0 && x.is_sign_negative() && !negative_zero => {
            return Err(E::custom(NEGATIVE_ZERO));
        }
        Scalar::Float(x) => Value::Float(x),
        Scalar::Str(s) => Value::Str(s),
    })
}

/// A JSON scalar, before it is a [`Value`].
enum Scalar<'de> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(Cow<'de, str>),
}

/// The scalar visits shared by a field and an item: each hands the value to
/// `$then`.
macro_rules! scalar_visits {
    ($then:ident) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            self.$then(Scalar::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            self.$then(Scalar::Null)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            self.$then(Scalar::Bool(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.$then(Scalar::Int(v.into()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.$then(Scalar::Int(v.into()))
        }
        fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
            self.$then(Scalar::Int(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            self.$then(Scalar::Float(v))
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            self.$then(Scalar::Str(Cow::Borrowed(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            self.$then(Scalar::Str(Cow::Owned(v.to_owned())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            self.$then(Scalar::Str(Cow::Owned(v)))
        }
    };
}

impl FieldSeed<'_> {
    fn set<E: de::Error>(self, v: Scalar<'_>) -> Result<(), E> {
        let v = scalar(v, self.negative_zero)?;
        self.b.set(self.field, v);
        Ok(())
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    scalar_visits!(set);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.field.shape() != Shape::Object {
            while map
                .next_entry_seed(PhantomData::<Key<'de>>, ItemSeed(self.negative_zero))?
                .is_some()
            {}
            self.b.set(self.field, Value::Object);
            return Ok(());
        }
        self.b.begin_object(self.field);
        while let Some(Key(k)) = map.next_key()? {
            let v = map.next_value_seed(ItemSeed(self.negative_zero))?;
            self.b.object_item(self.field, &k, v);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.field.shape() != Shape::List {
            while seq.next_element_seed(ItemSeed(self.negative_zero))?.is_some() {}
            self.b.set(self.field, Value::Array);
            return Ok(());
        }
        self.b.begin_other_cause();
        while let Some(v) = seq.next_element_seed(ItemSeed(self.negative_zero))? {
            self.b.other_cause_item(v);
        }
        Ok(())
    }
}

/// An item inside `ice`, `capd_items` or `other_cause`: a scalar, or a
/// nested container noted by kind and skipped.
#[derive(Clone, Copy)]
struct ItemSeed(bool);

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = Value<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl ItemSeed {
    fn set<'de, E: de::Error>(self, v: Scalar<'de>) -> Result<Value<'de>, E> {
        scalar(v, self.0)
    }
}

impl<'de> Visitor<'de> for ItemSeed {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    scalar_visits!(set);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Array)
    }
}
