//! What the site's YAML is read from: its text files, decoded, and the
//! checked value types their YAML holds (ids, dates, URLs…).
//!
//! A leaf: `config` (site.yaml) and `content` (front matter) both build on
//! it, and it knows neither of them.

pub mod fields;

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::yaml::{self, Seg, YamlError, YamlErrorKind};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A text file of the site, decoded: BOM removed, CRLF turned into LF.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root.
    pub path: PathBuf,
    /// The text.
    pub text: String,
}

/// Where a YAML document sits inside its file.
#[derive(Debug, Clone)]
pub struct YamlSpan {
    /// Byte range of the YAML text in the file's text.
    pub range: Range<usize>,
    /// The file line (1-based) the YAML text starts on.
    pub first_line: usize,
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
            text,
        })
    }

    /// The whole file as one YAML document (`site.yaml`).
    pub fn whole(&self) -> YamlSpan {
        YamlSpan {
            range: 0..self.text.len(),
            first_line: 1,
        }
    }

    /// A place by byte offset and length.
    pub fn location(&self, offset: usize, len: usize) -> Location {
        Location::at_offset(&self.path, &self.text, offset, len)
    }

    /// Where the value at `path` of the YAML document `span` is; the file
    /// itself when it cannot be found.
    pub fn locate_yaml(&self, span: &YamlSpan, path: &[Seg<'_>]) -> Location {
        match yaml::locate(&self.text[span.range.clone()], path) {
            Some((line, column)) => self.yaml_place(span, line, column),
            None => Location::at(&self.path, &self.text, span.first_line, 1, 3),
        }
    }

    fn yaml_place(&self, span: &YamlSpan, line: usize, column: usize) -> Location {
        let line = span.first_line + line.max(1) - 1;
        let text_line = self.text.lines().nth(line - 1).unwrap_or("");
        let width = yaml::scalar_width(text_line, column);
        Location::at(&self.path, &self.text, line, column, width)
    }

    /// A YAML error of document `span` as a diagnostic; `what` names the
    /// document ("digest front matter").
    pub fn yaml_error(&self, e: YamlError, span: &YamlSpan, what: &'static str) -> Diagnostic {
        let location = if e.line == 0 {
            Location::at(&self.path, &self.text, span.first_line, 1, 3)
        } else {
            self.yaml_place(span, e.line, e.column)
        };
        let diagnostic = match e.kind {
            YamlErrorKind::Syntax(message) => {
                Diagnostic::error(Problem::Yaml(message)).maybe_help(e.help.or_else(|| {
                    location
                        .line_text
                        .contains('\t')
                        .then(|| "YAML does not allow tabs for indentation: use spaces".into())
                }))
            }
            YamlErrorKind::UnknownKey { key, expected } => {
                let help =
                    crate::diagnostics::did_you_mean(&key, expected.iter().map(String::as_str))
                        .map(|d| format!("{d} (accepted keys: {})", expected.join(", ")))
                        .unwrap_or_else(|| {
                            format!(
                                "accepted keys: {}; put your own fields under `extra:`",
                                expected.join(", ")
                            )
                        });
                // Nested maps have their own keys: name the one the key was found in.
                let what = match expected.first().map(String::as_str) {
                    Some("id") if expected.iter().any(|k| k == "by") => "a quote",
                    Some("id") if expected.iter().any(|k| k == "url") => "a citation",
                    _ => what,
                };
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
