//! What the site's YAML is read from: its text files, decoded, and the
//! checked value types their YAML holds (ids, dates, URLs…).
//!
//! A leaf: `config` (site.yaml) and `content` (front matter) both build on
//! it, and it knows neither of them.

pub mod fields;
pub mod reader;
pub mod texts;

use crate::diagnostics::{Diagnostic, LineIndex, Location, Problem};
use crate::yaml::{self, Pos, Seg, Spans, YamlError, YamlErrorKind};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A text file of the site, decoded: BOM removed, CRLF turned into LF,
/// with the YAML document it holds: all of `site.yaml`, a content file's
/// front matter.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root.
    pub path: PathBuf,
    /// The text.
    pub text: std::sync::Arc<str>,
    /// Byte range of the YAML document in the text.
    yaml: Range<usize>,
    /// The line (1-based) the YAML document starts on.
    yaml_line: usize,
    /// Where each node of the YAML document is: one walk, the first time a
    /// value is pointed at. Shared by clones (the dev server's load cache
    /// and each build's copy), so a file warned about after every save is
    /// walked once, not once per save.
    spans: Arc<OnceLock<Spans>>,
    /// Its lines, indexed the first time a place in it is shown (shared
    /// by clones too).
    lines: Arc<OnceLock<LineIndex>>,
}

impl SourceFile {
    /// Reads `root/rel`, checking UTF-8.
    pub fn read(root: &Path, rel: &Path) -> Result<Self, Diagnostic> {
        let bytes = std::fs::read(root.join(rel)).map_err(|e| {
            Diagnostic::error(Problem::Io {
                action: "read",
                path: crate::diagnostics::display_path(rel),
                reason: e.to_string(),
            })
        })?;
        Self::from_bytes(rel, bytes)
    }

    /// Decodes bytes read from `rel`.
    pub fn from_bytes(rel: &Path, bytes: Vec<u8>) -> Result<Self, Diagnostic> {
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            let mut loc = Location::file(rel);
            loc.line = line;
            loc.column = String::from_utf8_lossy(
                &bytes[bytes[..offset]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1)..offset],
            )
            .chars()
            .count()
                + 1;
            loc.width = 1;
            loc.caret = loc.column;
            loc.line_text = String::from_utf8_lossy(
                bytes[offset - (loc.column - 1).min(offset)..]
                    .split(|&b| b == b'\n')
                    .next()
                    .unwrap_or_default(),
            )
            .into_owned();
            Diagnostic::error(Problem::InvalidUtf8 { offset })
                .at(loc)
                .help("save the file as UTF-8")
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let text = if text.contains('\r') {
            text.replace("\r\n", "\n")
        } else {
            text.to_string()
        };
        Ok(SourceFile {
            path: rel.to_path_buf(),
            yaml: 0..text.len(),
            yaml_line: 1,
            text: text.into(),
            spans: Arc::default(),
            lines: Arc::default(),
        })
    }

    /// Makes `range`, starting on line `first_line`, the file's YAML
    /// document (the whole text until then).
    pub fn set_yaml(&mut self, range: Range<usize>, first_line: usize) {
        self.yaml = range;
        self.yaml_line = first_line;
        self.spans = Arc::default();
    }

    /// The text of the YAML document.
    pub fn yaml(&self) -> &str {
        &self.text[self.yaml.clone()]
    }

    /// Where each node of the YAML document is.
    pub fn spans(&self) -> &Spans {
        self.spans.get_or_init(|| Spans::of(self.yaml()))
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// A place by byte offset and length.
    pub fn location(&self, offset: usize, len: usize) -> Location {
        self.lines().at_offset(&self.path, &self.text, offset, len)
    }

    /// An error for each character of the text that feeds and pages
    /// cannot carry (a C0 control pasted from a word processor), where it
    /// is.
    pub fn control_characters(&self) -> Vec<Diagnostic> {
        self.text
            .char_indices()
            .filter(|(_, c)| fields::is_forbidden_char(*c))
            .map(|(at, c)| {
                Diagnostic::error(Problem::ControlCharacter {
                    name: fields::char_name(c),
                })
                .at(self.location(at, c.len_utf8()))
                .help("delete it: it is invisible, and XML feeds cannot carry it (text pasted from a word processor brings such characters in)")
            })
            .collect()
    }

    /// Where the value at `path` of the YAML document is (its key, when the
    /// value is empty); the document's first line when there is no such value.
    pub fn locate_yaml(&self, path: &[Seg<'_>]) -> Location {
        match self.spans().find(path) {
            Some(found) if found.value_or_key() == found.start => {
                let width = (found.end.line == found.start.line)
                    .then(|| found.end.column - found.start.column);
                self.yaml_place(found.start, width)
            }
            Some(found) => self.yaml_place(found.value_or_key(), None),
            None => self.yaml_start(),
        }
    }

    /// Where the key of the value at `path` is (the value, for an item of
    /// a list); the document's first line when there is no such value.
    pub fn locate_key(&self, path: &[Seg<'_>]) -> Location {
        match self.spans().find(path) {
            Some(found) => self.yaml_place(found.key.unwrap_or(found.start), None),
            None => self.yaml_start(),
        }
    }

    fn yaml_start(&self) -> Location {
        self.lines()
            .at(&self.path, &self.text, self.yaml_line, 1, 3)
    }

    /// The place of `pos` in the YAML document, underlining `width`
    /// characters, or the scalar written there.
    fn yaml_place(&self, pos: Pos, width: Option<usize>) -> Location {
        let line = self.yaml_line + pos.line.max(1) - 1;
        let width = width.unwrap_or_else(|| {
            // The scalar from there, read no further than a window's worth:
            // on a line of a million characters each place costs the same.
            let at = self.lines().offset(&self.text, line, pos.column);
            let rest = &self.text[at..];
            let cut = (0..=rest.len().min(1024))
                .rev()
                .find(|&i| rest.is_char_boundary(i))
                .unwrap_or(0);
            yaml::scalar_width(rest[..cut].split('\n').next().unwrap_or_default(), 1)
        });
        self.lines()
            .at(&self.path, &self.text, line, pos.column, width)
    }

    /// The YAML document read as `M`, field by field, with every problem
    /// found, each placed: values that failed leave placeholders (all of
    /// them when the document is not YAML at all).
    pub fn read_matter<M: reader::Matter>(&self) -> (M, Vec<Diagnostic>) {
        match yaml::parse_value(self.yaml()) {
            Ok((value, repeats)) => {
                let mut diags: Vec<Diagnostic> = repeats
                    .into_iter()
                    .map(|e| self.yaml_error(e, M::WHAT))
                    .collect();
                let (matter, problems) = reader::read::<M>(&value);
                diags.extend(problems.iter().map(|p| self.field_diagnostic(p)));
                (matter, diags)
            }
            Err(e) => (reader::placeholder(), vec![self.yaml_error(e, M::WHAT)]),
        }
    }

    /// A problem of a value read out of the document, placed at the value
    /// (or its key).
    fn field_diagnostic(&self, p: &reader::FieldProblem) -> Diagnostic {
        let path = p.segs();
        let at = if p.at_key {
            self.locate_key(&path)
        } else {
            self.locate_yaml(&path)
        };
        Diagnostic::error(p.problem.clone())
            .at(at)
            .maybe_help(p.help.clone())
    }

    /// A YAML error of the document as a diagnostic; `what` names the
    /// document ("digest front matter").
    pub fn yaml_error(&self, e: YamlError, what: &'static str) -> Diagnostic {
        let location = if e.line == 0 {
            self.yaml_start()
        } else {
            self.yaml_place(
                Pos {
                    line: e.line,
                    column: e.column,
                },
                None,
            )
        };
        let diagnostic = match e.kind {
            YamlErrorKind::Syntax(message) => {
                let help = e.help.or_else(|| {
                    let at = (e.line, e.column);
                    yaml::hints::syntax_help(self.yaml(), self.yaml_line, at, &message)
                });
                Diagnostic::error(Problem::Yaml(message)).maybe_help(help)
            }
            YamlErrorKind::UnknownKey { key, expected } => {
                let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
                let help = unknown_key_help(&key, &expected);
                Diagnostic::error(Problem::UnknownKey { key, what }).help(help)
            }
            YamlErrorKind::MissingKey(key) => Diagnostic::error(Problem::MissingKey { key, what }),
            YamlErrorKind::Invalid(message) => {
                Diagnostic::error(Problem::FrontMatter(message)).maybe_help(e.help)
            }
        };
        diagnostic.at(location)
    }
}

/// What to say about an unknown key: the accepted key it most likely
/// meant, and every accepted key.
pub fn unknown_key_help(key: &str, accepted: &[&str]) -> String {
    match crate::suggest::did_you_mean(key, accepted.iter().copied()) {
        Some(d) => format!("{d} (accepted keys: {})", accepted.join(", ")),
        None if accepted.contains(&"extra") => format!(
            "accepted keys: {}; put your own fields under `extra:`",
            accepted.join(", ")
        ),
        None => format!("accepted keys: {}", accepted.join(", ")),
    }
}
