//! Reading a large snapshot fast and in little memory: the file is read in
//! blocks, a byte scanner cuts the top-level `resources` array into batches
//! of whole resource objects, and worker threads parse the batches with
//! `serde_json::from_slice` while the scanner reads on. Everything else in
//! the file (accounts, tree, coverage, costs) is copied into a small
//! document with an empty `resources` array and parsed as an [`Estate`].
//!
//! Why: at a million resources the file is ~1 GB. Reading it whole before
//! parsing held the file beside the estate being built (a peak ~1 GB above
//! the estate itself); `serde_json::from_reader` avoids that but parses
//! byte by byte through `Read`, ~1.6× slower than from a slice, and on one
//! core. Here the slice parser runs on every core over bounded batches.
//!
//! The scanner only finds where values end (strings, escapes, nesting); it
//! does not validate. Whatever it cannot follow — a second `resources`
//! key, a top level that is not an object, a batch that fails to parse —
//! returns `None`, and the caller parses the file the plain way, which
//! reports the error with its line and column as before. So this path
//! decides nothing about what a valid snapshot is; `split_tests` checks it
//! gives exactly what the plain parse gives.

use std::io::Read;
use std::sync::mpsc;

use crate::model::{Estate, Resource};

/// Bytes read from the file at a time.
const BLOCK: usize = 8 << 20;
/// Bytes of resource objects per parse batch: large enough that a batch's
/// fixed costs vanish, small enough that a few in flight cost little.
const BATCH: usize = 4 << 20;

/// A file parsed by batches, or `None` when the plain parse must decide.
pub(super) fn read(file: impl Read) -> Option<Estate> {
    read_with(file, BLOCK, BATCH)
}

/// [`read`] with the block and batch sizes chosen (tests make them tiny, so
/// every value straddles blocks and batches hold one or two resources).
pub(super) fn read_with(file: impl Read, block: usize, batch: usize) -> Option<Estate> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
    // Bounded: the scanner waits rather than buffering the whole file when
    // parsing falls behind.
    let (batch_tx, batch_rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(workers * 2);
    let batch_rx = std::sync::Mutex::new(batch_rx);
    std::thread::scope(|s| {
        let (done_tx, done_rx) = mpsc::channel::<(usize, Option<Vec<Resource>>)>();
        for _ in 0..workers {
            let (rx, tx) = (&batch_rx, done_tx.clone());
            s.spawn(move || {
                loop {
                    // The lock is held only to take the next batch.
                    let next = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((n, bytes)) = next else { return };
                    let parsed = serde_json::from_slice::<Vec<Resource>>(&bytes).ok();
                    if tx.send((n, parsed)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        // Batches are appended in file order as they arrive, so each is
        // freed (and its memory reused by the next parse) long before the
        // end, and the estate's one big `Vec` grows by `realloc`, which
        // moves pages rather than copying them.
        let collector = s.spawn(move || {
            let mut resources: Vec<Resource> = Vec::new();
            let mut early: std::collections::BTreeMap<usize, Vec<Resource>> = Default::default();
            let mut next = 0usize;
            for (n, parsed) in done_rx {
                early.insert(n, parsed?);
                while let Some(part) = early.remove(&next) {
                    resources.extend(part);
                    next += 1;
                }
            }
            early.is_empty().then_some((resources, next))
        });
        let scanned =
            Scanner::new(file, block, batch).document(|n, batch| batch_tx.send((n, batch)).is_ok());
        drop(batch_tx);
        let (resources, parsed) = collector.join().ok()??;
        let (header, batches) = scanned?;
        if parsed != batches {
            return None;
        }
        let mut estate: Estate = serde_json::from_slice(&header).ok()?;
        if !estate.resources.is_empty() {
            return None;
        }
        estate.resources = resources;
        estate.resources.shrink_to_fit();
        Some(estate)
    })
}

/// A resumable scan over a file read in blocks.
struct Scanner<R> {
    file: R,
    block: usize,
    batch: usize,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl<R: Read> Scanner<R> {
    fn new(file: R, block: usize, batch: usize) -> Self {
        Scanner {
            file,
            block: block.max(1),
            batch,
            buf: Vec::with_capacity(block),
            pos: 0,
            eof: false,
        }
    }

    /// Read more of the file, keeping the unread part. False at the end or
    /// on a read error (the plain parse will report it).
    fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        self.buf.drain(..self.pos);
        self.pos = 0;
        let len = self.buf.len();
        self.buf.resize(len + self.block, 0);
        match self.file.read(&mut self.buf[len..]) {
            Ok(0) | Err(_) => {
                self.buf.truncate(len);
                self.eof = true;
                false
            }
            Ok(n) => {
                self.buf.truncate(len + n);
                true
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        while self.pos >= self.buf.len() {
            if !self.fill() {
                return None;
            }
        }
        Some(self.buf[self.pos])
    }

    fn skip_ws(&mut self) -> Option<u8> {
        loop {
            let b = self.peek()?;
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                return Some(b);
            }
        }
    }

    fn expect(&mut self, want: u8) -> Option<()> {
        (self.skip_ws()? == want).then(|| self.pos += 1)
    }

    /// The bytes of the value starting at the cursor (after whitespace),
    /// appended to `out`; the cursor moves past it. Scans the buffer in
    /// runs and copies each run at once; inside a string it jumps to the
    /// next quote or backslash.
    fn value_into(&mut self, out: &mut Vec<u8>) -> Option<()> {
        self.skip_ws()?;
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut started = false;
        loop {
            if self.pos >= self.buf.len() && !self.fill() {
                return None;
            }
            let start = self.pos;
            let bytes = &self.buf[start..];
            let mut i = 0;
            let mut done = false;
            while i < bytes.len() {
                if in_string && !escaped {
                    match bytes[i..].iter().position(|&b| b == b'"' || b == b'\\') {
                        Some(k) => i += k,
                        None => {
                            i = bytes.len();
                            break;
                        }
                    }
                }
                let b = bytes[i];
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            i += 1;
                            done = true;
                            break;
                        }
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' if depth == 0 => {
                            // A scalar ended by the end of its container.
                            done = true;
                            break;
                        }
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                done = true;
                                break;
                            }
                        }
                        b',' | b' ' | b'\n' | b'\r' | b'\t' if depth == 0 => {
                            done = true;
                            break;
                        }
                        _ => {}
                    }
                }
                started = true;
                i += 1;
            }
            out.extend_from_slice(&bytes[..i]);
            self.pos = start + i;
            if done {
                return started.then_some(());
            }
        }
    }

    /// The top-level object: every member but `resources` copied into the
    /// header document (with `"resources":[]` in its place), the array's
    /// elements handed to `batch` in numbered batches of whole objects.
    /// Returns the header and the number of batches.
    fn document(
        mut self,
        mut batch: impl FnMut(usize, Vec<u8>) -> bool,
    ) -> Option<(Vec<u8>, usize)> {
        self.expect(b'{')?;
        let mut header = b"{".to_vec();
        let mut batches = 0usize;
        let mut seen_resources = false;
        if self.skip_ws()? == b'}' {
            self.pos += 1;
        } else {
            loop {
                let mut key = Vec::new();
                if self.skip_ws()? != b'"' {
                    return None;
                }
                self.value_into(&mut key)?;
                self.expect(b':')?;
                if header.len() > 1 {
                    header.push(b',');
                }
                header.extend_from_slice(&key);
                header.push(b':');
                if key == b"\"resources\"" {
                    if seen_resources {
                        return None;
                    }
                    seen_resources = true;
                    header.extend_from_slice(b"[]");
                    batches = self.resources(&mut batch)?;
                } else {
                    self.value_into(&mut header)?;
                }
                match self.skip_ws()? {
                    b',' => self.pos += 1,
                    b'}' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        // Only whitespace may follow.
        if self.skip_ws().is_some() {
            return None;
        }
        header.push(b'}');
        Some((header, batches))
    }

    /// The `resources` array, in batches `[obj,obj,...]`; the count of
    /// batches sent.
    fn resources(&mut self, batch: &mut impl FnMut(usize, Vec<u8>) -> bool) -> Option<usize> {
        self.expect(b'[')?;
        let mut sent = 0usize;
        let mut current = b"[".to_vec();
        if self.skip_ws()? == b']' {
            self.pos += 1;
            return Some(0);
        }
        loop {
            if current.len() > 1 {
                current.push(b',');
            }
            self.value_into(&mut current)?;
            let last = match self.skip_ws()? {
                b',' => false,
                b']' => true,
                _ => return None,
            };
            self.pos += 1;
            if last || current.len() >= self.batch {
                current.push(b']');
                let full = std::mem::replace(
                    &mut current,
                    Vec::with_capacity(self.batch + (self.batch >> 3)),
                );
                current.push(b'[');
                if !batch(sent, full) {
                    return None;
                }
                sent += 1;
            }
            if last {
                return Some(sent);
            }
        }
    }
}
