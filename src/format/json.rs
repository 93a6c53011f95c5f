//! JSON out (docs/spec.md §4): results as NDJSON lines (the fast writer,
//! byte for byte what serde writes) or indented, and the error object
//! written in place of a record that could not be graded.

use std::io::{self, Write};

use serde::Serialize;

use crate::grading::{Crs, CrsDomain, Domain, DomainResult, Grading, RecordId, Status};

use super::columns::ResultColumn;
use crate::input::Refused;

/// Writes NDJSON: each result with [`write_result_line`], each error
/// object with serde.
#[derive(Debug, Default)]
pub struct NdjsonWriter {
    buf: Vec<u8>,
}

impl super::writer::ResultWriter for NdjsonWriter {
    fn header(&self) -> Vec<u8> {
        Vec::new()
    }

    fn result(&mut self, _line: usize, _file: Option<&str>, result: &Grading) -> io::Result<()> {
        write_result_line(&mut self.buf, result);
        Ok(())
    }

    fn error(&mut self, error: &Refused) -> io::Result<()> {
        write_line(&mut self.buf, error)
    }

    fn swap(&mut self, mut buf: Vec<u8>, room: usize) -> io::Result<Vec<u8>> {
        buf.clear();
        buf.reserve(room);
        Ok(std::mem::replace(&mut self.buf, buf))
    }
}

/// Writes NDJSON with only the chosen columns of each result (`--fields`),
/// typed, in the order given; a record that could not be graded still gets
/// its whole error object.
#[derive(Debug)]
pub struct FieldsWriter {
    /// Each column with its key (`"name":`, written once here) and how it
    /// is written.
    columns: Vec<(Vec<u8>, Written)>,
    buf: Vec<u8>,
}

/// How a `--fields` column is written: the two that scripts ask for most
/// directly, the rest through their typed value.
#[derive(Debug, Clone, Copy)]
enum Written {
    Grade,
    Id,
    Value(ResultColumn),
}

impl FieldsWriter {
    /// A writer of these columns.
    pub fn new(columns: Vec<ResultColumn>) -> Self {
        let columns = columns
            .into_iter()
            .map(|c| {
                let mut key = Vec::new();
                string(&mut key, &c.name());
                key.push(b':');
                let written = match c.name().as_ref() {
                    "grade" => Written::Grade,
                    "id" => Written::Id,
                    _ => Written::Value(c),
                };
                (key, written)
            })
            .collect();
        FieldsWriter {
            columns,
            buf: Vec::new(),
        }
    }
}

impl super::writer::ResultWriter for FieldsWriter {
    fn header(&self) -> Vec<u8> {
        Vec::new()
    }

    fn result(&mut self, line: usize, file: Option<&str>, result: &Grading) -> io::Result<()> {
        let row = super::columns::Row::Graded { line, file, result };
        self.buf.push(b'{');
        for (i, (key, written)) in self.columns.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.buf.extend_from_slice(key);
            match written {
                Written::Grade => opt_u8(&mut self.buf, result.grade),
                Written::Id => match &result.id {
                    Some(id) => record_id(&mut self.buf, id),
                    None => self.buf.extend_from_slice(b"null"),
                },
                Written::Value(c) => {
                    serde_json::to_writer(&mut self.buf, &c.json(&row)).map_err(io::Error::from)?
                }
            }
        }
        self.buf.extend_from_slice(b"}\n");
        Ok(())
    }

    fn error(&mut self, error: &Refused) -> io::Result<()> {
        write_line(&mut self.buf, error)
    }

    fn swap(&mut self, mut buf: Vec<u8>, room: usize) -> io::Result<Vec<u8>> {
        buf.clear();
        buf.reserve(room / 4);
        Ok(std::mem::replace(&mut self.buf, buf))
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

/// Whether a string can be written between quotes as it is (no `"`, `\`
/// or control characters). Checked 16 bytes at a time, the last few padded
/// with a plain byte, so that every check is of a fixed length and
/// vectorises: the check was 10% of a full batch's instructions when its
/// pieces were of any length (callgrind, 20,000 records: 56 million), and
/// the texts it reads (actions, summaries, warnings) are most of a result.
fn is_plain(s: &str) -> bool {
    #[inline(always)]
    fn any_escape(block: &[u8; 16]) -> bool {
        block
            .iter()
            .fold(false, |bad, &b| bad | (b < 0x20) | (b == b'"') | (b == b'\\'))
    }
    let bytes = s.as_bytes();
    let Some(last_block) = bytes.len().checked_sub(16) else {
        let mut padded = [b' '; 16];
        padded[..bytes.len()].copy_from_slice(bytes);
        return !any_escape(&padded);
    };
    // Whole blocks, then the last 16 bytes (overlapping the blocks before).
    // (Every block is 16 bytes; were one not, the string would be escaped
    // byte by byte, which is right for any string.)
    for block in bytes.chunks_exact(16) {
        match <&[u8; 16]>::try_from(block) {
            Ok(block) if !any_escape(block) => {}
            _ => return false,
        }
    }
    <&[u8; 16]>::try_from(&bytes[last_block..]).is_ok_and(|block| !any_escape(block))
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

/// A record's `id` as JSON: an integer (64-bit when it fits, as nearly
/// every id does: 128-bit digits take several times as long), or a string.
fn record_id(out: &mut Vec<u8>, id: &RecordId) {
    match id {
        RecordId::Int(n) => match i64::try_from(*n) {
            Ok(n) => integer(out, n),
            Err(_) => integer(out, *n),
        },
        RecordId::Text(t) => string(out, t),
    }
}

fn opt_u8(out: &mut Vec<u8>, v: Option<u8>) {
    match v {
        Some(n) => integer(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

/// A list of domain names (ICANS or CRS domains).
fn domains<D: Copy>(out: &mut Vec<u8>, ds: &[D], wire: fn(D) -> &'static str) {
    out.push(b'[');
    for (i, d) in ds.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        name(out, wire(*d));
    }
    out.push(b']');
}

/// One domain's result object, as serde writes [`DomainResult`] (ICANS
/// and CRS domains alike): its status and grade as one fragment rendered
/// once ([`domain_head`]), then the finding.
fn domain_result(out: &mut Vec<u8>, res: &DomainResult) {
    match domain_head(res.status, res.grade) {
        Some(head) => out.extend_from_slice(head),
        None => write_domain_head(out, res.status, res.grade),
    }
    if let Some(f) = &res.finding {
        out.extend_from_slice(b",\"finding\":");
        string(out, f);
    }
    if res.masked {
        out.extend_from_slice(b",\"masked\":true");
    }
    out.push(b'}');
}

/// `{"status":...,"grade":...` of a domain.
fn write_domain_head(out: &mut Vec<u8>, status: Status, grade: Option<u8>) {
    out.extend_from_slice(b"{\"status\":");
    name(out, status.as_str());
    out.extend_from_slice(b",\"grade\":");
    opt_u8(out, grade);
}

/// [`write_domain_head`] of every status with no grade or grade 0-5,
/// written once: eight of these begin every full result.
fn domain_head(status: Status, grade: Option<u8>) -> Option<&'static [u8]> {
    const GRADES: usize = 7;
    static HEADS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    let heads = HEADS.get_or_init(|| {
        Status::ALL
            .iter()
            .flat_map(|s| {
                (0..GRADES).map(|g| {
                    let mut head = Vec::new();
                    write_domain_head(&mut head, *s, g.checked_sub(1).and_then(|g| u8::try_from(g).ok()));
                    head
                })
            })
            .collect()
    });
    let at = match grade {
        None => 0,
        Some(g) if usize::from(g) < GRADES - 1 => usize::from(g) + 1,
        Some(_) => return None,
    };
    let s = Status::ALL.iter().position(|s| *s == status)?;
    heads.get(s * GRADES + at).map(Vec::as_slice)
}

/// The CRS object, as serde writes [`Crs`]: by hand, since the generator's
/// records (and most real ones since 2019) carry CRS findings, and serde's
/// per-key escaping cost 7% of a full batch (callgrind).
fn crs_object(out: &mut Vec<u8>, crs: &Crs) {
    out.extend_from_slice(b"{\"grade\":");
    integer(out, crs.grade);
    out.extend_from_slice(if crs.complete {
        b",\"complete\":true,\"source\":"
    } else {
        b",\"complete\":false,\"source\":"
    });
    name(out, crs.source.as_str());
    if let Some(ds) = &crs.domains {
        out.extend_from_slice(b",\"domains\":{\"fever\":");
        domain_result(out, &ds.fever);
        out.extend_from_slice(b",\"hypotension\":");
        domain_result(out, &ds.hypotension);
        out.extend_from_slice(b",\"hypoxia\":");
        domain_result(out, &ds.hypoxia);
        out.push(b'}');
    }
    out.extend_from_slice(b",\"drivers\":");
    domains(out, &crs.drivers, CrsDomain::as_str);
    out.push(b'}');
}

/// Writes one result as a line of compact JSON: byte for byte what
/// `serde_json::to_writer` writes for [`Grading`] (a test holds the two
/// together), without serde's per-field overhead. Batch output at scale
/// spends most of its time here.
pub fn write_result_line(out: &mut Vec<u8>, r: &Grading) {
    out.push(b'{');
    let echoed = echoed_keys(out, r);
    grade_and_domains(out, r, echoed);
    management(out, r);
    trailing_keys(out, r);
    out.extend_from_slice(b"}\n");
}

/// The echoed `id`, `patient_id`, `day` and `assessed_at` that the record
/// has; whether any was written.
#[inline]
fn echoed_keys(out: &mut Vec<u8>, r: &Grading) -> bool {
    let mut echoed = false;
    if let Some(id) = &r.id {
        out.extend_from_slice(b"\"id\":");
        record_id(out, id);
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
    echoed
}

/// `grade` to `warnings`, after the echoed keys (`echoed`: a comma first).
#[inline]
fn grade_and_domains(out: &mut Vec<u8>, r: &Grading, echoed: bool) {
    out.extend_from_slice(if echoed { b",\"grade\":" } else { b"\"grade\":" });
    opt_u8(out, r.grade);
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
    if let Some((key, n)) = r.total_alone.entry() {
        out.extend_from_slice(b",");
        name(out, key);
        out.push(b':');
        integer(out, n);
    }
    if let Some(b) = r.ice_band {
        out.extend_from_slice(b",\"ice_band\":");
        name(out, b.as_str());
    }
    out.extend_from_slice(b",\"domains\":{");
    for (i, (d, res)) in r.domains.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        name(out, d.as_str());
        out.push(b':');
        domain_result(out, res);
    }
    out.extend_from_slice(b"},\"drivers\":");
    domains(out, &r.drivers, Domain::as_str);
    out.extend_from_slice(b",\"unassessed\":");
    domains(out, &r.unassessed, Domain::as_str);
    out.extend_from_slice(b",\"excluded\":");
    domains(out, &r.excluded, Domain::as_str);
    out.extend_from_slice(b",\"masked\":");
    domains(out, &r.masked, Domain::as_str);
    out.extend_from_slice(b",\"warnings\":[");
    for (i, w) in r.warnings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, w);
    }
}

/// `management` (its object opened, its `reassess_hours` written).
#[inline]
fn management(out: &mut Vec<u8>, r: &Grading) {
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
        if let Some(mg) = a.dose_mg {
            out.extend_from_slice(b",\"dose_mg\":");
            integer(out, mg);
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"reassess_hours\":");
    opt_u8(out, r.management.reassess_hours);
}

/// `criteria` to `protocol`: the management object closed first.
#[inline]
fn trailing_keys(out: &mut Vec<u8>, r: &Grading) {
    out.extend_from_slice(b"},\"criteria\":");
    name(out, r.criteria);
    out.extend_from_slice(b",\"patient_group\":");
    name(out, r.patient_group.as_str());
    out.extend_from_slice(b",\"crs\":");
    match &r.crs {
        None => out.extend_from_slice(b"null"),
        Some(crs) => crs_object(out, crs),
    }
    if let Some(g) = r.recorded_grade {
        out.extend_from_slice(b",\"recorded_grade\":");
        integer(out, g);
    }
    if let Some(s) = &r.recorded_scale {
        out.extend_from_slice(b",\"recorded_scale\":");
        string(out, s);
    }
    if let Some(g) = r.recorded_crs_grade {
        out.extend_from_slice(b",\"recorded_crs_grade\":");
        integer(out, g);
    }
    for (key, value) in [
        (&b",\"recorded_crs_scale\":"[..], &r.recorded_crs_scale),
        (b",\"product\":", &r.product),
        (b",\"site\":", &r.site),
    ] {
        if let Some(s) = value {
            out.extend_from_slice(key);
            string(out, s);
        }
    }
    out.extend_from_slice(b",\"icans_version\":");
    name(out, r.icans_version);
    out.extend_from_slice(b",\"protocol\":");
    string(out, &r.protocol);
}

#[cfg(test)]
mod tests {
    use crate::grading::{
        ActionId, CRITERIA, CrsDomain, CrsSource, Domain, ICANS_VERSION, IceBand, Instrument, PatientGroup,
        Status,
    };

    /// `name` writes its strings unescaped: every one it is given must need
    /// no escape, as serde would write it.
    #[test]
    fn every_name_written_unescaped_needs_no_escape() {
        let names = Domain::ALL
            .iter()
            .map(|d| d.as_str())
            .chain(Status::ALL.iter().map(|s| s.as_str()))
            .chain(ActionId::ALL.iter().map(|a| a.as_str()))
            .chain(Instrument::ALL.iter().map(|i| i.as_str()))
            .chain(IceBand::ALL.iter().map(|b| b.as_str()))
            .chain(CrsSource::ALL.iter().map(|s| s.as_str()))
            .chain(CrsDomain::ALL.iter().map(|d| d.as_str()))
            .chain(PatientGroup::ALL.iter().map(|g| g.as_str()))
            .chain([CRITERIA, ICANS_VERSION]);
        let mut n = 0;
        for s in names {
            let mut mine = Vec::new();
            super::name(&mut mine, s);
            assert_eq!(mine, serde_json::to_vec(s).unwrap(), "{s}");
            n += 1;
        }
        assert!(n > 40, "{n}");
    }

    /// Each domain's status and grade fragment, rendered once, is what the
    /// writer writes without it, for every status and grade (and there is
    /// none past grade 5).
    #[test]
    fn every_domain_head_is_written_as_without_the_table() {
        for s in Status::ALL {
            for g in [None, Some(0), Some(1), Some(2), Some(3), Some(4), Some(5)] {
                let mut direct = Vec::new();
                super::write_domain_head(&mut direct, s, g);
                assert_eq!(super::domain_head(s, g), Some(direct.as_slice()), "{s} {g:?}");
            }
            assert_eq!(super::domain_head(s, Some(6)), None);
        }
    }

    /// The block-wise check finds every byte that needs an escape at every
    /// place of strings of every length around the block size, and passes
    /// every other byte.
    #[test]
    fn is_plain_finds_every_escape_at_every_place() {
        for len in 0..50 {
            let base = "a".repeat(len);
            assert!(super::is_plain(&base), "{len}");
            for at in 0..len {
                for b in 0u8..=0x7F {
                    let mut bytes = base.clone().into_bytes();
                    bytes[at] = b;
                    let s = String::from_utf8(bytes).unwrap();
                    let needs = b < 0x20 || b == b'"' || b == b'\\';
                    assert_eq!(super::is_plain(&s), !needs, "{len} {at} {b}");
                }
            }
        }
        assert!(super::is_plain("é ✓ 𝄞 and a longer tail of plain text"));
    }
}
