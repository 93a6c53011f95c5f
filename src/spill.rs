//! Lists and sorts that move to a temporary file past a memory budget, so
//! that `summary` and `audit` stay within the memory limit whatever the input
//! (docs/spec.md §10, docs/robustness.md): the discordant and invalid records
//! an audit lists, the observations a summary groups by patient, the
//! per-patient and per-scale entries. Below the budget nothing touches the
//! disk. Items are written as JSON lines to an unnamed temporary file (in
//! `TMPDIR`), removed by the system when it is closed.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The memory each list, sort or map may hold before it moves to disk.
pub const BUDGET_BYTES: usize = 4 << 20;

/// The budget in use: [`BUDGET_BYTES`], or the bytes the environment
/// variable `ICANS_SPILL_BYTES` gives (a small one moves every list to
/// disk, which is how the tests check that the disk changes no output).
pub fn budget() -> usize {
    static BUDGET: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *BUDGET.get_or_init(|| {
        std::env::var("ICANS_SPILL_BYTES")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(BUDGET_BYTES)
    })
}

/// How many sorted runs of one level are merged into one (so open files
/// stay few however long the input).
const MAX_RUNS: usize = 32;

/// Bytes an item is counted for beyond its own heap data (its slot, the
/// allocator's share).
const SLOT_BYTES: usize = 32;

/// Makes room for one more item of a list that moves to disk past
/// `budget`: doubling from 64 items up to a quarter of the most items the
/// budget can hold, then at once to all of them (an upper bound: nothing
/// is added past it before the list spills). Doubling all the way left
/// freed blocks of up to half the budget that the allocator kept (0.8 MB of
/// a 1M-record summary's peak RSS, measured); all of it at the first item
/// reserved room that a list of a few items (each group's onset days under
/// `summary --by`, 10,000 groups) never used (+1.8 MB).
fn make_room<T>(memory: &mut Vec<T>, budget: usize) {
    if memory.len() < memory.capacity() {
        return;
    }
    let most = budget / (std::mem::size_of::<T>() + SLOT_BYTES) + 1;
    let next = if memory.capacity() >= most / 4 {
        most
    } else {
        (memory.capacity() * 2).max(64)
    };
    memory.reserve_exact(next.saturating_sub(memory.len()).max(1));
}

fn temp_file() -> io::Result<File> {
    tempfile::tempfile().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot create a temporary file (set TMPDIR to a writable directory): {e}"),
        )
    })
}

fn write_line<T: Serialize>(w: &mut impl Write, item: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *w, item).map_err(io::Error::from)?;
    w.write_all(b"\n")
}

/// Reads a file from a position of its own, so that several readers of one
/// file do not disturb each other.
struct At<F> {
    file: F,
    pos: u64,
}

impl<F: std::borrow::Borrow<File>> Read for At<F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.file.borrow(), buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.file.borrow(), buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// The items of a file of JSON lines, in order.
struct Lines<F, T> {
    reader: BufReader<At<F>>,
    line: String,
    _item: PhantomData<T>,
}

impl<F: std::borrow::Borrow<File>, T> Lines<F, T> {
    fn new(file: F) -> Self {
        Lines {
            reader: BufReader::with_capacity(16 << 10, At { file, pos: 0 }),
            line: String::new(),
            _item: PhantomData,
        }
    }
}

impl<F: std::borrow::Borrow<File>, T: DeserializeOwned> Iterator for Lines<F, T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        self.line.clear();
        match self.reader.read_line(&mut self.line) {
            Ok(0) => None,
            Ok(_) => Some(serde_json::from_str(&self.line).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("temporary file unreadable: {e}"),
                )
            })),
            Err(e) => Some(Err(e)),
        }
    }
}

/// A list in insertion order that moves to disk past its budget; finished
/// into a [`Listed`], which can be read as often as needed.
#[derive(Debug)]
pub struct Lister<T> {
    memory: Vec<T>,
    bytes: usize,
    budget: usize,
    disk: Option<BufWriter<File>>,
    len: u64,
}

impl<T: Serialize> Lister<T> {
    /// An empty list with the [`budget`].
    pub fn new() -> Self {
        Self::with_budget(budget())
    }

    /// An empty list that moves to disk past `budget` bytes.
    pub fn with_budget(budget: usize) -> Self {
        Lister {
            memory: Vec::new(),
            bytes: 0,
            budget,
            disk: None,
            len: 0,
        }
    }

    /// Adds an item holding about `heap_bytes` of its own.
    pub fn push(&mut self, item: T, heap_bytes: usize) -> io::Result<()> {
        self.len += 1;
        if let Some(w) = &mut self.disk {
            return write_line(w, &item);
        }
        make_room(&mut self.memory, self.budget);
        self.memory.push(item);
        self.bytes += heap_bytes + std::mem::size_of::<T>() + SLOT_BYTES;
        if self.bytes > self.budget {
            let mut w = BufWriter::new(temp_file()?);
            for item in self.memory.drain(..) {
                write_line(&mut w, &item)?;
            }
            self.memory = Vec::new();
            self.disk = Some(w);
        }
        Ok(())
    }

    /// Items so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The finished list.
    pub fn finish(self) -> io::Result<Listed<T>> {
        let disk = match self.disk {
            None => None,
            Some(w) => Some(w.into_inner().map_err(io::IntoInnerError::into_error)?),
        };
        Ok(Listed {
            memory: self.memory,
            disk,
            len: self.len,
        })
    }
}

impl<T: Serialize> Default for Lister<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// A finished list, in memory or on disk.
#[derive(Debug)]
pub struct Listed<T> {
    memory: Vec<T>,
    disk: Option<File>,
    len: u64,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Listed {
            memory: Vec::new(),
            disk: None,
            len: 0,
        }
    }
}

impl<T: Clone + DeserializeOwned> Listed<T> {
    /// The items, in the order they were added (read from disk when they
    /// were moved there: each may then be an error).
    pub fn iter(&self) -> Box<dyn Iterator<Item = io::Result<T>> + '_> {
        match &self.disk {
            None => Box::new(self.memory.iter().cloned().map(Ok)),
            Some(file) => Box::new(Lines::new(file)),
        }
    }
}

impl<T> Listed<T> {
    /// How many items.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the list moved to disk.
    pub fn on_disk(&self) -> bool {
        self.disk.is_some()
    }
}

impl<T: Clone + DeserializeOwned> FromIterator<T> for Listed<T> {
    /// A list held in memory (tests, small lists).
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let memory: Vec<T> = items.into_iter().collect();
        Listed {
            len: memory.len() as u64,
            memory,
            disk: None,
        }
    }
}

/// Written as a JSON array, read as it is written.
impl<T: Clone + DeserializeOwned + Serialize> Serialize for Listed<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq as _};
        let mut seq = s.serialize_seq(usize::try_from(self.len).ok())?;
        for item in self.iter() {
            seq.serialize_element(&item.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

/// Items sorted (stably) past the memory budget: sorted runs on disk,
/// merged when read.
#[derive(Debug)]
pub struct Sorter<T> {
    memory: Vec<T>,
    bytes: usize,
    budget: usize,
    /// Sorted runs on disk, oldest first, each with its merge level.
    runs: Vec<(u32, File)>,
    len: u64,
}

impl<T: Ord + Serialize + DeserializeOwned> Sorter<T> {
    /// An empty sort with the [`budget`].
    pub fn new() -> Self {
        Self::with_budget(budget())
    }

    /// An empty sort that writes a run to disk past `budget` bytes.
    pub fn with_budget(budget: usize) -> Self {
        Sorter {
            memory: Vec::new(),
            bytes: 0,
            budget,
            runs: Vec::new(),
            len: 0,
        }
    }

    /// Adds an item holding about `heap_bytes` of its own.
    pub fn push(&mut self, item: T, heap_bytes: usize) -> io::Result<()> {
        self.len += 1;
        make_room(&mut self.memory, self.budget);
        self.memory.push(item);
        self.bytes += heap_bytes + std::mem::size_of::<T>() + SLOT_BYTES;
        if self.bytes > self.budget {
            self.write_run()?;
        }
        Ok(())
    }

    /// Items added.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sorts what memory holds and writes it as a run.
    fn write_run(&mut self) -> io::Result<()> {
        self.memory.sort();
        let mut w = BufWriter::new(temp_file()?);
        for item in self.memory.drain(..) {
            write_line(&mut w, &item)?;
        }
        self.memory = Vec::new();
        self.bytes = 0;
        self.runs
            .push((0, w.into_inner().map_err(io::IntoInnerError::into_error)?));
        // MAX_RUNS runs of one level merge into one run of the next level
        // (each item is rewritten once per level: O(n log n) in all).
        loop {
            let n = self.runs.len();
            let Some(&(level, _)) = self.runs.last() else {
                break;
            };
            if n < MAX_RUNS || self.runs[n - MAX_RUNS..].iter().any(|(l, _)| *l != level) {
                break;
            }
            let runs = self
                .runs
                .split_off(n - MAX_RUNS)
                .into_iter()
                .map(|(_, f)| f)
                .collect();
            let mut w = BufWriter::new(temp_file()?);
            for item in Merge::<T>::new(runs)? {
                write_line(&mut w, &item?)?;
            }
            self.runs
                .push((level + 1, w.into_inner().map_err(io::IntoInnerError::into_error)?));
        }
        Ok(())
    }

    /// The items in order; equal items in the order they were added.
    pub fn finish(mut self) -> io::Result<Sorted<T>> {
        if self.runs.is_empty() {
            self.memory.sort();
            return Ok(Sorted::Memory(self.memory.into_iter()));
        }
        if !self.memory.is_empty() {
            self.write_run()?;
        }
        Ok(Sorted::Merge(Merge::new(
            self.runs.into_iter().map(|(_, f)| f).collect(),
        )?))
    }
}

impl<T: Ord + Serialize + DeserializeOwned> Default for Sorter<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The items of a [`Sorter`] in order.
pub enum Sorted<T> {
    /// Never left memory.
    Memory(std::vec::IntoIter<T>),
    /// Merged from sorted runs on disk.
    Merge(Merge<T>),
}

impl<T: Ord + DeserializeOwned> Iterator for Sorted<T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        match self {
            Sorted::Memory(items) => items.next().map(Ok),
            Sorted::Merge(m) => m.next(),
        }
    }
}

/// A heap entry: the next item of a run, ordered by item, then by run (so
/// equal items keep the order they were added in).
struct Head<T>(T, usize);

impl<T: Ord> PartialEq for Head<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<T: Ord> Eq for Head<T> {}
impl<T: Ord> PartialOrd for Head<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T: Ord> Ord for Head<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

/// The k-way merge of sorted runs.
pub struct Merge<T> {
    runs: Vec<Lines<File, T>>,
    heap: BinaryHeap<Reverse<Head<T>>>,
    failed: Option<io::Error>,
}

impl<T: Ord + DeserializeOwned> Merge<T> {
    fn new(files: Vec<File>) -> io::Result<Self> {
        // Each run is read from its start by position, whatever the file's
        // own offset after writing.
        let mut runs: Vec<Lines<File, T>> = files.into_iter().map(Lines::new).collect();
        let mut heap = BinaryHeap::with_capacity(runs.len());
        for (i, run) in runs.iter_mut().enumerate() {
            if let Some(item) = run.next() {
                heap.push(Reverse(Head(item?, i)));
            }
        }
        Ok(Merge {
            runs,
            heap,
            failed: None,
        })
    }
}

impl<T: Ord + DeserializeOwned> Iterator for Merge<T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        let Reverse(Head(item, run)) = self.heap.pop()?;
        match self.runs[run].next() {
            Some(Ok(next)) => self.heap.push(Reverse(Head(next, run))),
            Some(Err(e)) => self.failed = Some(e),
            None => {}
        }
        Some(Ok(item))
    }
}

/// What entries of a [`SpillMap`] do when one key was written to disk more
/// than once: combine.
pub trait Combine {
    /// Folds `other` (an entry of the same key, from later records) in.
    fn combine(&mut self, other: Self);
}

/// An item ordered by its key only (a map entry on disk, a record by its
/// place in the input).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ByKey<K, V>(pub K, pub V);

impl<K: Ord, V> PartialEq for ByKey<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<K: Ord, V> Eq for ByKey<K, V> {}
impl<K: Ord, V> PartialOrd for ByKey<K, V> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: Ord, V> Ord for ByKey<K, V> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

/// A map entry on disk.
type Keyed<V> = ByKey<String, V>;

/// Entries by key (a patient, a scale) updated record by record; past the
/// budget the entries go to disk as a sorted run and the map starts again;
/// read back in key order with the entries of one key combined.
#[derive(Debug)]
pub struct SpillMap<V> {
    memory: BTreeMap<String, V>,
    bytes: usize,
    budget: usize,
    runs: Sorter<Keyed<V>>,
}

impl<V: Default + Combine + Serialize + DeserializeOwned> SpillMap<V> {
    /// An empty map with the [`budget`].
    pub fn new() -> Self {
        Self::with_budget(budget())
    }

    /// An empty map that goes to disk past `budget` bytes.
    pub fn with_budget(budget: usize) -> Self {
        SpillMap {
            memory: BTreeMap::new(),
            bytes: 0,
            budget,
            runs: Sorter::with_budget(usize::MAX),
        }
    }

    /// Updates the entry of `key`, made (default) the first time: the key
    /// is copied once per entry, not once per record.
    pub fn update(&mut self, key: &str, f: impl FnOnce(&mut V)) -> io::Result<()> {
        if let Some(v) = self.memory.get_mut(key) {
            f(v);
            return Ok(());
        }
        let mut v = V::default();
        f(&mut v);
        self.memory.insert(key.to_string(), v);
        self.bytes += key.len() + std::mem::size_of::<(String, V)>() + SLOT_BYTES;
        if self.bytes > self.budget {
            for (k, v) in std::mem::take(&mut self.memory) {
                self.runs.memory.push(ByKey(k, v));
            }
            self.bytes = 0;
            self.runs.write_run()?;
        }
        Ok(())
    }

    /// Whether no entry was made.
    pub fn is_empty(&self) -> bool {
        self.memory.is_empty() && self.runs.runs.is_empty()
    }

    /// The entries in key order, one per key.
    pub fn finish(mut self) -> io::Result<Entries<V>> {
        if self.runs.runs.is_empty() {
            return Ok(Entries(EntriesFrom::Memory(self.memory.into_iter())));
        }
        for (k, v) in std::mem::take(&mut self.memory) {
            self.runs.memory.push(ByKey(k, v));
        }
        Ok(Entries(EntriesFrom::Merge(self.runs.finish()?, None)))
    }
}

impl<V: Default + Combine + Serialize + DeserializeOwned> Default for SpillMap<V> {
    fn default() -> Self {
        Self::new()
    }
}

/// The entries of a [`SpillMap`], in key order.
pub struct Entries<V>(EntriesFrom<V>);

enum EntriesFrom<V> {
    /// Never left memory.
    Memory(std::collections::btree_map::IntoIter<String, V>),
    /// Merged from disk, a key possibly more than once (combined here), with
    /// the entry read ahead.
    Merge(Sorted<Keyed<V>>, Option<Keyed<V>>),
}

impl<V: Combine + DeserializeOwned> Iterator for Entries<V> {
    type Item = io::Result<(String, V)>;

    fn next(&mut self) -> Option<io::Result<(String, V)>> {
        let (sorted, ahead) = match &mut self.0 {
            EntriesFrom::Memory(entries) => return entries.next().map(Ok),
            EntriesFrom::Merge(sorted, ahead) => (sorted, ahead),
        };
        let ByKey(key, mut value) = match ahead.take().map(Ok).or_else(|| sorted.next())? {
            Ok(entry) => entry,
            Err(e) => return Some(Err(e)),
        };
        loop {
            match sorted.next() {
                Some(Ok(ByKey(next, more))) if next == key => value.combine(more),
                Some(Ok(other)) => {
                    *ahead = Some(other);
                    break;
                }
                Some(Err(e)) => return Some(Err(e)),
                None => break,
            }
        }
        Some(Ok((key, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_past_its_budget_reads_back_in_order_as_often_as_asked() {
        let mut l = Lister::with_budget(200);
        for i in 0..1000u32 {
            l.push(format!("item {i}"), 8).unwrap();
        }
        let l = l.finish().unwrap();
        assert!(l.on_disk());
        assert_eq!(l.len(), 1000);
        for _ in 0..2 {
            let items: Vec<String> = l.iter().map(Result::unwrap).collect();
            assert_eq!(items.len(), 1000);
            assert!(items.iter().enumerate().all(|(i, s)| *s == format!("item {i}")));
        }
        assert_eq!(
            serde_json::to_string(&l).unwrap(),
            serde_json::to_string(&(0..1000).map(|i| format!("item {i}")).collect::<Vec<_>>()).unwrap()
        );
    }

    #[test]
    fn a_sort_past_its_budget_merges_its_runs_stably() {
        // Many runs (past MAX_RUNS, so merged on the way) of keys with ties;
        // the second member tells the order the ties were added in.
        let mut s = Sorter::with_budget(300);
        let mut expected = Vec::new();
        for i in 0..5000u32 {
            let item = ((i * 7919) % 97, i);
            expected.push(item);
            s.push(item, 0).unwrap();
        }
        assert!(s.runs.len() > 1);
        expected.sort_by_key(|&(k, _)| k);
        let got: Vec<(u32, u32)> = s.finish().unwrap().map(Result::unwrap).collect();
        assert_eq!(got, expected);
    }

    #[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
    struct Count(u64);
    impl Combine for Count {
        fn combine(&mut self, other: Self) {
            self.0 += other.0;
        }
    }

    #[test]
    fn a_map_past_its_budget_combines_each_key_once() {
        let mut m: SpillMap<Count> = SpillMap::with_budget(500);
        let mut expected: BTreeMap<String, u64> = BTreeMap::new();
        for i in 0..20_000u64 {
            let key = format!("P{:04}", (i * 31) % 1234);
            m.update(&key, |c| c.0 += i).unwrap();
            *expected.entry(key).or_default() += i;
        }
        let got: Vec<(String, u64)> = m
            .finish()
            .unwrap()
            .map(|e| e.map(|(k, c)| (k, c.0)).unwrap())
            .collect();
        assert_eq!(got, expected.into_iter().collect::<Vec<_>>());
    }
}
