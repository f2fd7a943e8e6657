use std::io::Read;
use std::io::Result as IoResult;
use std::sync::mpsc::channel;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// meguri: what the destructor reads and throws away at most, and for how long; a body
/// left unread beyond this (a client announcing gigabytes the server refused) is not
/// drained: the flag is set and the connection closed instead.
const DRAIN_LIMIT: usize = 4 * 1024 * 1024;
const DRAIN_TIME: Duration = Duration::from_secs(5);

/// A `Reader` that reads exactly the number of bytes from a sub-reader.
///
/// If the limit is reached, it returns EOF. If the limit is not reached
/// when the destructor is called, the remaining bytes will be read and
/// thrown away.
pub struct EqualReader<R>
where
    R: Read,
{
    reader: R,
    size: usize,
    last_read_signal: Sender<IoResult<()>>,
    // meguri: set when the body was left unread past DRAIN_LIMIT
    left_unread: Option<Arc<AtomicBool>>,
}

impl<R> EqualReader<R>
where
    R: Read,
{
    pub fn new(reader: R, size: usize) -> (EqualReader<R>, Receiver<IoResult<()>>) {
        let (tx, rx) = channel();

        let r = EqualReader {
            reader,
            size,
            last_read_signal: tx,
            left_unread: None,
        };

        (r, rx)
    }

    /// meguri: like `new`; `flag` is set if the destructor leaves part of the body unread.
    pub fn with_unread_flag(reader: R, size: usize, flag: Arc<AtomicBool>) -> EqualReader<R> {
        let (mut r, _) = EqualReader::new(reader, size);
        r.left_unread = Some(flag);
        r
    }
}

impl<R> Read for EqualReader<R>
where
    R: Read,
{
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        if self.size == 0 {
            return Ok(0);
        }

        let buf = if buf.len() < self.size {
            buf
        } else {
            &mut buf[..self.size]
        };

        match self.reader.read(buf) {
            Ok(len) => {
                self.size -= len;
                Ok(len)
            }
            err @ Err(_) => err,
        }
    }
}

impl<R> Drop for EqualReader<R>
where
    R: Read,
{
    fn drop(&mut self) {
        // meguri: the rest of an unread body is read and thrown away in small pieces
        // (never one buffer the size the client announced), so that the client, still
        // sending, gets the answer already written and the next request on the
        // connection is found. At most DRAIN_LIMIT bytes and DRAIN_TIME, though: beyond
        // that the connection is given up (the flag closes it) rather than held.
        let started = Instant::now();
        let mut drained = 0usize;
        let mut buf = [0u8; 8 * 1024];

        while self.size > 0 {
            if self.left_unread.is_some()
                && (drained >= DRAIN_LIMIT || started.elapsed() > DRAIN_TIME)
            {
                break;
            }
            let n = self.size.min(buf.len());
            match self.reader.read(&mut buf[..n]) {
                Err(e) => {
                    self.last_read_signal.send(Err(e)).ok();
                    break;
                }
                Ok(0) => {
                    self.last_read_signal.send(Ok(())).ok();
                    break;
                }
                Ok(read) => {
                    self.size -= read;
                    drained += read;
                }
            }
        }
        if self.size > 0 {
            if let Some(flag) = &self.left_unread {
                // The next request cannot be found: the connection closes.
                flag.store(true, Ordering::SeqCst);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EqualReader;
    use std::io::Read;

    #[test]
    fn test_limit() {
        use std::io::Cursor;

        let mut org_reader = Cursor::new("hello world".to_string().into_bytes());

        {
            let (mut equal_reader, _) = EqualReader::new(org_reader.by_ref(), 5);

            let mut string = String::new();
            equal_reader.read_to_string(&mut string).unwrap();
            assert_eq!(string, "hello");
        }

        let mut string = String::new();
        org_reader.read_to_string(&mut string).unwrap();
        assert_eq!(string, " world");
    }

    #[test]
    fn test_not_enough() {
        use std::io::Cursor;

        let mut org_reader = Cursor::new("hello world".to_string().into_bytes());

        {
            let (mut equal_reader, _) = EqualReader::new(org_reader.by_ref(), 5);

            let mut vec = [0];
            equal_reader.read_exact(&mut vec).unwrap();
            assert_eq!(vec[0], b'h');
        }

        let mut string = String::new();
        org_reader.read_to_string(&mut string).unwrap();
        assert_eq!(string, " world");
    }
}
