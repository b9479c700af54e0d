//! Raw HTML in a body, as a browser reads it: where its comments are, and
//! whether a chunk of it leaves the rest of the page inside a comment, a
//! tag or a `<script>`. A small state machine after the HTML tokenizer's
//! states, enough to tell text from tags, quoted attribute values,
//! comments and raw-text elements; it never rewrites the HTML.

use std::ops::Range;

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: [&str; 10] = [
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// What a chunk of raw HTML can leave open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// `<!--` without `-->`.
    Comment,
    /// `<div title="…` without its `>`.
    Tag,
    /// `<script>` (or another raw-text element) without its end tag.
    Element(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Text,
    /// Inside a start or end tag; `raw` when it starts a raw-text element.
    Tag {
        raw: Option<&'static str>,
    },
    /// Right after `=` in a tag.
    BeforeValue {
        raw: Option<&'static str>,
    },
    Quoted {
        quote: u8,
        raw: Option<&'static str>,
    },
    Unquoted {
        raw: Option<&'static str>,
    },
    /// `<!x`, `<?x`: hidden up to the next `>`.
    Bogus,
    Comment,
    RawText(&'static str),
}

/// Reads raw HTML chunk by chunk, keeping its state between them.
#[derive(Debug, Default)]
pub struct Scanner {
    state: State,
    /// Where the open construct began: (chunk number, byte offset in it).
    opened: (usize, usize),
    chunks: usize,
}

impl Scanner {
    /// Reads `chunk`; returns the byte ranges of the comments in it (a
    /// comment still open at its end runs to the end).
    pub fn feed(&mut self, chunk: &str) -> Vec<Range<usize>> {
        let bytes = chunk.as_bytes();
        let mut comments = Vec::new();
        let mut comment_start = (self.state == State::Comment).then_some(0);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let rest = &bytes[i..];
            match self.state {
                State::Text => {
                    if b == b'<' {
                        if rest.starts_with(b"<!--") {
                            self.open(State::Comment, i);
                            comment_start = Some(i);
                            // `<!-->` and `<!--->` are whole (empty) comments.
                            let after = &rest[4..];
                            let end = if after.starts_with(b">") {
                                Some(5)
                            } else if after.starts_with(b"->") {
                                Some(6)
                            } else {
                                None
                            };
                            if let Some(len) = end {
                                comments.push(i..i + len);
                                comment_start = None;
                                self.state = State::Text;
                                i += len;
                            } else {
                                i += 4;
                            }
                            continue;
                        }
                        match rest.get(1) {
                            Some(c) if c.is_ascii_alphabetic() => {
                                let name = tag_name(&rest[1..]);
                                let raw = RAW_TEXT.iter().find(|r| name.eq_ignore_ascii_case(r));
                                self.open(State::Tag { raw: raw.copied() }, i);
                            }
                            Some(b'/') if rest.get(2).is_some_and(u8::is_ascii_alphabetic) => {
                                self.open(State::Tag { raw: None }, i)
                            }
                            Some(b'!' | b'?') => self.open(State::Bogus, i),
                            _ => {}
                        }
                    }
                }
                State::Tag { raw } => match b {
                    b'>' => self.close_tag(raw),
                    b'=' => self.state = State::BeforeValue { raw },
                    _ => {}
                },
                State::BeforeValue { raw } => match b {
                    b'"' | b'\'' => self.state = State::Quoted { quote: b, raw },
                    b'>' => self.close_tag(raw),
                    c if c.is_ascii_whitespace() => {}
                    _ => self.state = State::Unquoted { raw },
                },
                State::Quoted { quote, raw } => {
                    if b == quote {
                        self.state = State::Tag { raw };
                    }
                }
                State::Unquoted { raw } => match b {
                    b'>' => self.close_tag(raw),
                    c if c.is_ascii_whitespace() => self.state = State::Tag { raw },
                    _ => {}
                },
                State::Bogus => {
                    if b == b'>' {
                        self.state = State::Text;
                    }
                }
                State::Comment => {
                    let len = if rest.starts_with(b"-->") {
                        3
                    } else if rest.starts_with(b"--!>") {
                        4
                    } else {
                        0
                    };
                    if len > 0 {
                        comments.push(comment_start.unwrap_or(0)..i + len);
                        comment_start = None;
                        self.state = State::Text;
                        i += len;
                        continue;
                    }
                }
                State::RawText(name) => {
                    let closes = rest.len() > name.len() + 2
                        && rest.starts_with(b"</")
                        && rest[2..2 + name.len()].eq_ignore_ascii_case(name.as_bytes())
                        && !rest[2 + name.len()].is_ascii_alphanumeric();
                    if closes {
                        self.open(State::Tag { raw: None }, i);
                    }
                }
            }
            i += 1;
        }
        if let Some(start) = comment_start {
            comments.push(start..bytes.len());
        }
        self.chunks += 1;
        comments
    }

    /// What the HTML read so far leaves open, and where it was opened:
    /// the chunk's number (from 0) and the byte offset in it.
    pub fn open_at(&self) -> Option<(Open, usize, usize)> {
        let open = match self.state {
            State::Text | State::Bogus => return None,
            State::Comment => Open::Comment,
            State::RawText(name) => Open::Element(name),
            _ => Open::Tag,
        };
        Some((open, self.opened.0, self.opened.1))
    }

    /// Whether the HTML read so far ends in text (not inside a tag,
    /// comment or raw-text element).
    pub fn in_text(&self) -> bool {
        self.state == State::Text
    }

    fn open(&mut self, state: State, at: usize) {
        self.state = state;
        self.opened = (self.chunks, at);
    }

    fn close_tag(&mut self, raw: Option<&'static str>) {
        self.state = match raw {
            Some(name) => State::RawText(name),
            None => State::Text,
        };
    }
}

/// The tag name at the start of `s` (letters, digits, `-`).
fn tag_name(s: &[u8]) -> &str {
    let end = s
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'-'))
        .unwrap_or(s.len());
    std::str::from_utf8(&s[..end]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(chunks: &[&str]) -> (Vec<String>, Option<Open>) {
        let mut s = Scanner::default();
        let mut found = Vec::new();
        for c in chunks {
            for r in s.feed(c) {
                found.push(c[r].to_string());
            }
        }
        (found, s.open_at().map(|o| o.0))
    }

    #[test]
    fn comments_are_found_where_a_browser_sees_them() {
        assert_eq!(
            comments(&["a <!-- x --> b <!--> c <!---> d"]),
            (
                vec!["<!-- x -->".into(), "<!-->".into(), "<!--->".into()],
                None
            )
        );
        assert_eq!(
            comments(&["<div title=\"<!-- no\">", "<!-- one\n", "two -->"]),
            (vec!["<!-- one\n".into(), "two -->".into()], None)
        );
        assert_eq!(
            comments(&["<script>if (a <!-- b) {}</script> <!-- c --!>"]),
            (vec!["<!-- c --!>".into()], None)
        );
        assert_eq!(comments(&["<p>a <!-- open"]).1, Some(Open::Comment));
        assert_eq!(comments(&["<div title=\"x"]).1, Some(Open::Tag));
        assert_eq!(comments(&["<div a\"b>"]).1, None);
        assert_eq!(comments(&["<SCRIPT>x"]).1, Some(Open::Element("script")));
        assert_eq!(comments(&["a < b, <!DOCTYPE x>, 1<2"]).1, None);
    }
}
