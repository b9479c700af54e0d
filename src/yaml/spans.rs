//! Where every node of a YAML document is, found in one walk of its events.
//!
//! serde_yaml reads the values but keeps no positions once they have
//! parsed. saphyr-parser's events carry spans, so one walk over them records
//! the place of every node and key; a later stage then points at any value by
//! its path (`quotes[2].by`) in time proportional to the path's length, never
//! reading the text again.

use super::Seg;
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// A place in the document: 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// The line.
    pub line: usize,
    /// The column, in characters.
    pub column: usize,
}

/// A node found at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Where the node starts.
    pub start: Pos,
    /// Where it ends (exclusive).
    pub end: Pos,
    /// Where its key is, when the last step of the path was a key.
    pub key: Option<Pos>,
    /// The node is an empty value (`key:` and nothing after it).
    pub empty: bool,
}

impl Found {
    /// The place to point at for the value: the value itself, or its key
    /// when the value is empty (there is nothing else to underline).
    pub fn value_or_key(&self) -> Pos {
        match self.key {
            Some(key) if self.empty => key,
            _ => self.start,
        }
    }
}

/// The place of every node of a YAML document.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    /// The nodes, the root first.
    nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
struct Node {
    start: Pos,
    end: Pos,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Scalar { empty: bool },
    Seq(Vec<usize>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone)]
struct Entry {
    /// The key's text (empty for a key that is itself a list or mapping).
    key: String,
    at: Pos,
    value: usize,
}

fn pos(span: &Span, end: bool) -> Pos {
    let m = if end { span.end } else { span.start };
    Pos {
        line: m.line(),
        column: m.col() + 1,
    }
}

impl Spans {
    /// Walks the events of `text` once. A document the walk cannot read
    /// (serde_yaml accepted something saphyr-parser does not) keeps the
    /// nodes found up to there: paths beyond are simply not found.
    pub fn of(text: &str) -> Spans {
        let mut nodes: Vec<Node> = Vec::new();
        // Open collections, each with the key its next value belongs to.
        let mut open: Vec<(usize, Option<(String, Pos)>)> = Vec::new();
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let kind = match event {
                Event::Scalar(ref value, style, _, _) => Kind::Scalar {
                    empty: value.is_empty() && style == ScalarStyle::Plain,
                },
                // An alias is pointed at where it is written.
                Event::Alias(_) => Kind::Scalar { empty: false },
                Event::SequenceStart(..) => Kind::Seq(Vec::new()),
                Event::MappingStart(..) => Kind::Map(Vec::new()),
                Event::SequenceEnd | Event::MappingEnd => {
                    if let Some((ix, _)) = open.pop() {
                        nodes[ix].end = pos(&span, true);
                    }
                    continue;
                }
                Event::DocumentEnd => break, // only the first document is read
                _ => continue,
            };
            let ix = nodes.len();
            let key_text = match &event {
                Event::Scalar(value, ..) => value.to_string(),
                _ => String::new(),
            };
            let start = pos(&span, false);
            let is_collection = matches!(kind, Kind::Seq(_) | Kind::Map(_));
            nodes.push(Node {
                start,
                end: pos(&span, true),
                kind,
            });
            if let Some((parent, pending)) = open.last_mut() {
                match &mut nodes[*parent].kind {
                    Kind::Seq(items) => items.push(ix),
                    Kind::Map(entries) => match pending.take() {
                        Some((key, at)) => entries.push(Entry { key, at, value: ix }),
                        None => *pending = Some((key_text, start)),
                    },
                    Kind::Scalar { .. } => {}
                }
            } else if ix > 0 {
                break; // a second root: not one document
            }
            if is_collection {
                open.push((ix, None));
            }
        }
        Spans { nodes }
    }

    /// The node at `path`; a "one or many" field's lone scalar is also
    /// each of its items.
    pub fn find(&self, path: &[Seg<'_>]) -> Option<Found> {
        let mut node = self.nodes.first()?;
        let mut key = None;
        for seg in path {
            match (seg, &node.kind) {
                (Seg::Key(wanted), Kind::Map(entries)) => {
                    let e = entries.iter().find(|e| e.key == *wanted)?;
                    key = Some(e.at);
                    node = &self.nodes[e.value];
                }
                (Seg::Index(i), Kind::Seq(items)) => {
                    node = &self.nodes[*items.get(*i)?];
                    key = None;
                }
                // A lone scalar stands for its items (`actors: a, b`).
                (Seg::Index(_), Kind::Scalar { .. }) => key = None,
                _ => return None,
            }
        }
        Some(Found {
            start: node.start,
            end: node.end,
            key,
            empty: matches!(node.kind, Kind::Scalar { empty: true }),
        })
    }

    /// The first key written a second time in its mapping, in document
    /// order, and where the repetition is.
    pub fn duplicate_key(&self) -> Option<(&str, Pos)> {
        let mut first: Option<(&str, Pos)> = None;
        for node in &self.nodes {
            let Kind::Map(entries) = &node.kind else {
                continue;
            };
            let mut seen = std::collections::HashSet::new();
            for e in entries {
                if !e.key.is_empty() && !seen.insert(e.key.as_str()) {
                    if first.is_none_or(|(_, at)| e.at < at) {
                        first = Some((e.key.as_str(), e.at));
                    }
                    break;
                }
            }
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(spans: &Spans, path: &[Seg<'_>]) -> Option<(usize, usize)> {
        spans.find(path).map(|f| {
            let p = f.value_or_key();
            (p.line, p.column)
        })
    }

    #[test]
    fn finds_nested_values_and_keys() {
        let s = Spans::of(
            "title: x\nquotes:\n  - id: a\n    by: putin\n  - id: b\n    by: lukaschenko\n",
        );
        let path = [Seg::Key("quotes"), Seg::Index(1), Seg::Key("by")];
        assert_eq!(at(&s, &path), Some((6, 9)));
        assert_eq!(s.find(&path).unwrap().key.map(|k| k.line), Some(6));
        assert_eq!(at(&s, &[Seg::Key("nope")]), None);
        assert_eq!(at(&s, &[Seg::Key("quotes"), Seg::Index(2)]), None);
    }

    #[test]
    fn finds_items_of_flow_lists_and_lone_scalars() {
        let s = Spans::of("actors: [putin, lukaschenko]\nstory: guerra\n");
        assert_eq!(at(&s, &[Seg::Key("actors"), Seg::Index(1)]), Some((1, 17)));
        assert_eq!(at(&s, &[Seg::Key("story"), Seg::Index(0)]), Some((2, 8)));
        let f = s.find(&[Seg::Key("actors"), Seg::Index(1)]).unwrap();
        assert_eq!(f.end.column - f.start.column, "lukaschenko".len());
    }

    #[test]
    fn an_empty_value_points_at_its_key() {
        let s = Spans::of("title:\nname: ~\n");
        assert_eq!(at(&s, &[Seg::Key("title")]), Some((1, 1)));
        assert_eq!(at(&s, &[Seg::Key("name")]), Some((2, 7)));
    }

    #[test]
    fn the_first_repeated_key_is_found_where_it_repeats() {
        let s = Spans::of("title: x\nquotes:\n  - id: a\n    id: b\ntitle: y\n");
        assert_eq!(s.duplicate_key(), Some(("id", Pos { line: 4, column: 5 })));
    }

    #[test]
    fn columns_count_characters() {
        let s = Spans::of("titolo: «città»\nby: x\n");
        assert_eq!(at(&s, &[Seg::Key("by")]), Some((2, 5)));
    }

    #[test]
    fn one_walk_for_a_long_list() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("nobody{i}")).collect();
        let text = format!("actors: [{}]\n", ids.join(", "));
        let s = Spans::of(&text);
        let last = at(&s, &[Seg::Key("actors"), Seg::Index(49_999)]).unwrap();
        assert_eq!(last, (1, text.rfind("nobody49999").unwrap() + 1));
    }
}
