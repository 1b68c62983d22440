//! Cutting the AMI byte stream into its banner and blocks. Whatever the socket delivers — a
//! block split over many reads, several blocks in one, bare LF line ends, bytes that are not
//! UTF-8, a block that never ends — the framer yields whole frames, reports a block past its
//! size limit once and skips to its end, and never grows without bound.

/// One block: its `Key: Value` lines in order (a line without a colon keeps an empty key).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Block {
    pub fields: Vec<(String, String)>,
}

impl Block {
    /// The first value of `key` (keys compare without case, as Asterisk's do).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key` (`Variable`, `ChanVariable` may repeat).
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// The event's name, for an event.
    pub fn event(&self) -> Option<&str> {
        self.get("Event")
    }

    /// `Success`, `Error`, `Goodbye`…, for a response to an action.
    pub fn response(&self) -> Option<&str> {
        self.get("Response")
    }

    pub fn action_id(&self) -> Option<&str> {
        self.get("ActionID")
    }

    pub(crate) fn parse(bytes: &[u8]) -> Block {
        let text = String::from_utf8_lossy(bytes);
        let fields = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .filter(|l| !l.is_empty())
            .map(|l| match l.split_once(':') {
                Some((k, v)) => (
                    k.trim().to_string(),
                    v.strip_prefix(' ').unwrap_or(v).to_string(),
                ),
                None => (String::new(), l.to_string()),
            })
            .collect();
        Block { fields }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// The first line, e.g. `Asterisk Call Manager/11.0.0`.
    Banner(String),
    Block(Block),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// A banner or block longer than the limit: skipped to its end.
    TooLong { limit: usize },
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::TooLong { limit } => {
                write!(f, "a block longer than {limit} bytes was skipped")
            }
        }
    }
}

#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    /// Bytes of `buf` already searched for an end.
    scanned: usize,
    banner: bool,
    /// Inside a block past the limit: dropping bytes until its end.
    skipping: bool,
    limit: usize,
}

impl Framer {
    /// A framer whose banner and blocks may be at most `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Framer {
            buf: Vec::new(),
            scanned: 0,
            banner: false,
            skipping: false,
            limit: limit.max(16),
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Where the frame at the start of the buffer ends (after its terminator), if it does: the
    /// banner at its first line end, a block at its first empty line.
    fn end(&mut self) -> Option<usize> {
        let start = self.scanned.saturating_sub(2);
        for i in start..self.buf.len() {
            if self.buf[i] != b'\n' {
                continue;
            }
            if !self.banner && !self.skipping {
                return Some(i + 1);
            }
            match self.buf.get(i + 1..) {
                Some([b'\n', ..]) => return Some(i + 2),
                Some([b'\r', b'\n', ..]) => return Some(i + 3),
                _ => {}
            }
        }
        self.scanned = self.buf.len();
        None
    }

    /// The next whole frame, if the bytes pushed so far hold one.
    pub fn next_frame(&mut self) -> Option<Result<Frame, FrameError>> {
        loop {
            let Some(end) = self.end() else {
                if self.buf.len() > self.limit {
                    // Keep the tail, where a terminator may be starting.
                    let keep = self.buf.split_off(self.buf.len() - 2);
                    self.buf = keep;
                    self.scanned = 0;
                    if !self.skipping {
                        self.skipping = true;
                        return Some(Err(FrameError::TooLong { limit: self.limit }));
                    }
                }
                return None;
            };
            let rest = self.buf.split_off(end);
            let frame = std::mem::replace(&mut self.buf, rest);
            self.scanned = 0;
            if self.skipping {
                self.skipping = false;
                self.banner = true;
                continue;
            }
            if !self.banner {
                self.banner = true;
                let line = String::from_utf8_lossy(&frame).trim_end().to_string();
                return Some(Ok(Frame::Banner(line)));
            }
            let block = Block::parse(&frame);
            if block.fields.is_empty() {
                continue; // stray empty lines between blocks
            }
            return Some(Ok(Frame::Block(block)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(f: &mut Framer) -> Vec<Result<Frame, FrameError>> {
        std::iter::from_fn(|| f.next_frame()).collect()
    }

    #[test]
    fn cuts_banner_and_blocks_whatever_the_reads() {
        let wire = b"Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nStatus: Fully Booted\r\n\r\n";
        for chunk in [1, 2, 3, 7, wire.len()] {
            let mut f = Framer::new(1024);
            let mut out = Vec::new();
            for part in wire.chunks(chunk) {
                f.push(part);
                out.extend(frames(&mut f));
            }
            assert_eq!(out.len(), 3, "read {chunk} bytes at a time");
            assert_eq!(
                out[0],
                Ok(Frame::Banner("Asterisk Call Manager/11.0.0".into()))
            );
            let Ok(Frame::Block(b)) = &out[1] else {
                panic!()
            };
            assert_eq!(
                (b.response(), b.action_id(), b.get("message")),
                (Some("Success"), Some("1"), Some("Authentication accepted"))
            );
            let Ok(Frame::Block(b)) = &out[2] else {
                panic!()
            };
            assert_eq!(b.event(), Some("FullyBooted"));
        }
    }

    #[test]
    fn keeps_values_with_colons_and_empty_values() {
        let mut f = Framer::new(1024);
        f.push(
            b"banner\r\nEvent: VarSet\r\nValue: a: b\r\nAccountCode: \r\n--END COMMAND--\r\n\r\n",
        );
        let out = frames(&mut f);
        let Ok(Frame::Block(b)) = &out[1] else {
            panic!()
        };
        assert_eq!(b.get("Value"), Some("a: b"));
        assert_eq!(b.get("AccountCode"), Some(""));
        assert_eq!(
            b.fields.last(),
            Some(&(String::new(), "--END COMMAND--".into()))
        );
    }

    #[test]
    fn a_block_past_the_limit_is_reported_once_and_skipped() {
        let mut f = Framer::new(64);
        f.push(b"banner\r\n");
        assert!(matches!(f.next_frame(), Some(Ok(Frame::Banner(_)))));
        // Ten megabytes of garbage without an empty line, in pieces.
        let mut errors = 0;
        for _ in 0..10_000 {
            f.push(&[b'x'; 1024]);
            f.push(b"\r\n");
            errors += frames(&mut f).len();
            assert!(f.buf.len() <= 64 + 1026, "the buffer stays bounded");
        }
        assert_eq!(errors, 1);
        f.push(b"\r\nEvent: Hangup\r\n\r\n");
        let out = frames(&mut f);
        assert_eq!(out.len(), 1);
        let Ok(Frame::Block(b)) = &out[0] else {
            panic!()
        };
        assert_eq!(b.event(), Some("Hangup"));
    }

    #[test]
    fn bare_line_feeds_and_bad_bytes_still_frame() {
        let mut f = Framer::new(1024);
        f.push(b"banner\nEvent: Newchannel\nCallerIDName: \xff\xfe\n\nEvent: Hangup\n\n");
        let out = frames(&mut f);
        assert_eq!(out.len(), 3);
        let Ok(Frame::Block(b)) = &out[1] else {
            panic!()
        };
        assert_eq!(b.get("CallerIDName"), Some("\u{fffd}\u{fffd}"));
    }
}
