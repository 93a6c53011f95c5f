//! NDJSON input: one record per line, cut into chunks of whole lines.

use std::io::{self, Read};
use std::sync::Arc;

use super::chunk::Chunk;

/// Reads what is there, up to `want` more bytes, into `buf` (one read:
/// a file gives the whole amount, a pipe what has arrived, so records fed
/// one at a time are graded as they come); true at the end of the input.
fn read_some(r: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    let start = buf.len();
    buf.resize(start + want, 0);
    let got = loop {
        match r.read(&mut buf[start..]) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                buf.truncate(start);
                return Err(e);
            }
        }
    };
    buf.truncate(start + got);
    Ok(got == 0)
}

/// Cuts NDJSON into chunks of whole lines. Blank lines are skipped (they
/// hold no record) but counted, so line numbers stay those of the file; a
/// trailing `\r` (CRLF) and a byte-order mark at the start are dropped.
pub(super) fn read(
    r: &mut dyn Read,
    file: &Option<Arc<str>>,
    chunk_bytes: usize,
    emit: &mut dyn FnMut(Chunk) -> bool,
) -> io::Result<()> {
    let mut line = 1usize;
    let mut carry: Vec<u8> = Vec::new();
    let mut at_start = true;
    loop {
        let mut buf = std::mem::take(&mut carry);
        let mut want = chunk_bytes;
        // The carry holds no newline (it is what followed the last one), so
        // read until some line ends, or the input does.
        let eof = loop {
            let from = buf.len();
            if read_some(r, &mut buf, want)? {
                break true;
            }
            if memchr::memchr(b'\n', &buf[from..]).is_some() {
                break false;
            }
            // A line longer than what was read: read more, in growing steps.
            want = buf.len().max(chunk_bytes);
        };
        let cut = if eof {
            buf.len()
        } else {
            memchr::memrchr(b'\n', &buf).map_or(buf.len(), |i| i + 1)
        };
        carry.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);

        let mut items = Vec::new();
        let mut start = 0;
        while start < buf.len() {
            let end = memchr::memchr(b'\n', &buf[start..]).map_or(buf.len(), |i| start + i);
            let mut s = start;
            if at_start {
                at_start = false;
                if buf[s..end].starts_with(b"\xEF\xBB\xBF") {
                    s += 3;
                }
            }
            let mut e = end;
            if e > s && buf[e - 1] == b'\r' {
                e -= 1;
            }
            if !buf[s..e].iter().all(u8::is_ascii_whitespace) {
                items.push((line, s..e));
            }
            line += 1;
            start = end + 1;
        }
        if !items.is_empty()
            && !emit(Chunk::Json {
                file: file.clone(),
                buf,
                items,
            })
        {
            return Ok(());
        }
        if eof {
            return Ok(());
        }
    }
}
