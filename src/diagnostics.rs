//! Diagnostics: every problem a build finds, typed, placed and rendered in one place.
//!
//! Each stage returns its value plus the diagnostics it collected; the build
//! fails after all of them were gathered, never at the first. The text form
//! (`error: …`, `--> file:line:col`, the source line with a caret, `help: …`)
//! is produced only by [`Diagnostic::render`], so the terminal and the serve
//! overlay say exactly the same thing.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// What went wrong. The `Display` text is the one-line message; the place and
/// the suggestion live beside it in [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// A file or folder could not be read or written.
    #[error("cannot {action} `{path}`: {reason}")]
    Io {
        /// What was attempted ("read", "write", "create").
        action: &'static str,
        /// The path, as the user would type it.
        path: String,
        /// The operating system's explanation.
        reason: String,
    },
    /// The site root has no `site.yaml`.
    #[error("no `site.yaml` in `{root}`: this is not a storia site")]
    MissingSiteConfig {
        /// The folder that was searched.
        root: String,
    },
    /// A text file is not valid UTF-8.
    #[error("the file is not valid UTF-8 (first bad byte at offset {offset})")]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A content file is empty.
    #[error("the file is empty: a content file starts with front matter between two `---` lines")]
    EmptyFile,
    /// A content file does not start with `---`.
    #[error("the file does not start with front matter: its first line must be `---`")]
    NoFrontMatter,
    /// The front matter's closing `---` is missing.
    #[error("the front matter is not closed: no line `---` after the opening one")]
    UnclosedFrontMatter,
    /// YAML that does not parse.
    #[error("invalid YAML: {0}")]
    Yaml(String),
    /// Front matter that parses as YAML but does not fit the format.
    #[error("{0}")]
    FrontMatter(String),
    /// A front-matter key the format does not know.
    #[error("unknown key `{key}` in {what}")]
    UnknownKey {
        /// The key as written.
        key: String,
        /// What was being read ("digest front matter", "a quote", …).
        what: &'static str,
    },
    /// A required key is absent (or empty, `~`, `null`).
    #[error("missing required key `{key}` in {what}")]
    MissingKey {
        /// The key.
        key: String,
        /// What was being read.
        what: &'static str,
    },
    /// A file name that is not a valid id.
    #[error("invalid file name `{name}`: ids use only `a-z`, `0-9` and `-`, starting with a letter or digit")]
    BadFileName {
        /// The file name as found.
        name: String,
    },
    /// A Markdown file where no content kind lives.
    #[error("`{path}` is not in a content folder: {reason}")]
    StrayFile {
        /// The path.
        path: String,
        /// Why it is not accepted.
        reason: &'static str,
    },
    /// A content file whose name does not end in `.md`, which is not read.
    #[error("`{path}` is not read: content files end in `.md`")]
    MisnamedFile {
        /// The path.
        path: String,
    },
    /// Two entities of one kind with the same id.
    #[error("duplicate {kind} id `{id}`: also defined in `{other}`")]
    DuplicateId {
        /// "digest", "actor", "quote", …
        kind: &'static str,
        /// The id.
        id: String,
        /// Where the first one is.
        other: String,
    },
    /// An actor and a source share an id (they share one namespace).
    #[error(
        "`{id}` is both an actor and a source (`{other}`): actors and sources share one namespace"
    )]
    ActorSourceClash {
        /// The id.
        id: String,
        /// The other file.
        other: String,
    },
    /// A reference to an id that does not exist.
    #[error("unknown {kind} `{id}`")]
    UnknownRef {
        /// What the reference names ("actor", "actor or source", "quote", …).
        kind: &'static str,
        /// The id as written.
        id: String,
    },
    /// A published page refers to a draft.
    #[error("`{id}` is a draft {kind}: a published page cannot link to it")]
    RefToDraft {
        /// "digest", "quote" or "citation".
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// A published page refers to a digest (or a quote of one) scheduled
    /// for later.
    #[error("`{id}` is a scheduled {kind}, held back until {until}: a published page cannot link to it yet")]
    RefToScheduled {
        /// "digest" or "quote".
        kind: &'static str,
        /// The id.
        id: String,
        /// When it is published.
        until: String,
    },
    /// A link whose scheme looks like a reference kind, misspelt.
    #[error("unknown reference kind `{scheme}:`")]
    UnknownRefKind {
        /// The scheme as written.
        scheme: String,
    },
    /// A link whose scheme looks like a web scheme, misspelt (`htps:`).
    #[error("unknown link scheme `{scheme}:`: the link would lead nowhere")]
    UnknownScheme {
        /// The scheme as written.
        scheme: String,
    },
    /// A reference written with a space (`actor: putin`).
    #[error("a reference cannot hold spaces: `{written}`")]
    SpacedReference {
        /// The reference as written.
        written: String,
    },
    /// `![](quote:…)` not alone in its paragraph.
    #[error("an embedded quote `![](quote:{id})` must stand alone in its paragraph")]
    EmbedNotAlone {
        /// The quote id.
        id: String,
    },
    /// `![](actor:…)` and friends: only quotes embed.
    #[error("only quotes can be embedded with `![](…)`; `{kind}:` cannot")]
    EmbedNotQuote {
        /// The kind written.
        kind: String,
    },
    /// The same quote embedded twice in one body.
    #[error("quote `{id}` is embedded twice in this body")]
    EmbedTwice {
        /// The quote id.
        id: String,
    },
    /// A digest listed among its own translations.
    #[error("digest `{id}` lists itself among its translations")]
    TranslationOfItself {
        /// The digest's id.
        id: String,
    },
    /// Two translations of one digest in the same language.
    #[error("digests `{id}` and `{other}` are translations of each other but both in `{lang}`")]
    TranslationsSameLanguage {
        /// This digest.
        id: String,
        /// The other one.
        other: String,
        /// Their language.
        lang: String,
    },
    /// A digest in a language the site's `languages:` does not list.
    #[error(
        "digest `{id}` is in `{lang}`, which is not one of the site's languages ({languages})"
    )]
    LanguageNotListed {
        /// The digest's id.
        id: String,
        /// Its language.
        lang: String,
        /// The site's `languages:`, comma-separated.
        languages: String,
    },
    /// Text written for a language the site does not have (`title: {fr: …}`).
    #[error(
        "`{key}` has a text in `{lang}`, which is not one of the site's languages ({languages})"
    )]
    TextLanguageNotListed {
        /// The field.
        key: String,
        /// The language written.
        lang: String,
        /// The site's languages, comma-separated.
        languages: String,
    },
    /// A digest embedding a quote of a digest in another language, on a
    /// site whose languages have their own pages.
    #[error(
        "quote `{id}` is in `{lang}`, another language: it can be linked but not embedded here"
    )]
    EmbedOtherLanguage {
        /// The quote id.
        id: String,
        /// The quote's digest's language.
        lang: String,
    },
    /// `cite:` outside a digest body.
    #[error("`cite:` works only in a digest's body, for that digest's own citations")]
    CiteOutsideDigest,
    /// A page id that would collide with a section or another output name.
    #[error("page id `{id}` is reserved: it would collide with `/{id}/` of the site")]
    ReservedPageId {
        /// The id.
        id: String,
    },
    /// A tag whose slug is empty.
    #[error("tag `{tag}` has an empty slug: it needs at least one letter or digit")]
    EmptyTagSlug {
        /// The tag as written.
        tag: String,
    },
    /// A theme that does not exist.
    #[error("unknown theme `{name}`")]
    UnknownTheme {
        /// The name.
        name: String,
    },
    /// A template that fails to parse or to render.
    #[error("template error: {message}")]
    Template {
        /// Tera's message, without its own source excerpt.
        message: String,
    },
    /// A site.yaml value that is not acceptable.
    #[error("{0}")]
    Config(String),
    /// An `--output` folder that would destroy the site or a stranger's files.
    #[error("refusing to write the output to `{path}`: {reason}")]
    BadOutput {
        /// The folder given.
        path: String,
        /// Why it is refused.
        reason: String,
    },
    /// A file `storia new` would create exists already.
    #[error("refusing to write `{path}`: the file already exists")]
    AlreadyExists {
        /// The file, relative to the site root.
        path: String,
    },
    /// A command-line value that is not acceptable (`--base-url`).
    #[error("{0}")]
    Usage(String),
    /// A symlink in a source folder that leads out of the site.
    #[error("`{path}` is a symlink to `{target}`, outside the site: refusing to read it")]
    LinkOutOfSite {
        /// The link, relative to the site root.
        path: String,
        /// Where it leads.
        target: String,
    },
    /// A Markdown link whose target would run script (`javascript:`).
    #[error("link to a `{scheme}:` URL: it would run code in the reader's browser")]
    UnsafeLink {
        /// The scheme as written, lower-cased.
        scheme: String,
    },
    /// Raw HTML in a body that leaves a comment, a tag or a `<script>`
    /// open: a browser would hide the rest of the page in it.
    #[error("unclosed {what}: it would hide the rest of the page")]
    UnclosedHtml {
        /// "HTML comment `<!--`", "HTML tag `<div`", "`<script>` element".
        what: String,
    },
    /// A control character that XML and HTML cannot carry.
    #[error("control character {name} in the text")]
    ControlCharacter {
        /// `U+0007`, with its escape when it has one.
        name: String,
    },
    /// A site path in content (a lead image, a body image) that names no
    /// file of `static/` or of the theme.
    #[error("`{written}` is not a file of the site: it is neither in `static/` nor in the theme's static files")]
    MissingFile {
        /// The path as written.
        written: String,
    },
    /// A file named as an image that cannot be read as one.
    #[error("`{written}` cannot be read as an image: {reason}")]
    UnreadableImage {
        /// The path as written.
        written: String,
        /// What the decoder said.
        reason: String,
    },
    /// An internal link or asset that leads nowhere in the built site.
    #[error("broken link `{url}`: {reason}")]
    BrokenLink {
        /// The URL as written in the page.
        url: String,
        /// What is missing.
        reason: String,
    },
    /// `storia check --external` on a machine that resolves no host.
    #[error("offline: none of the {hosts} hosts of the external links has an address, so their {urls} URLs were not checked")]
    Offline {
        /// Hosts asked.
        hosts: usize,
        /// URLs not checked.
        urls: usize,
    },
    /// An external URL that did not answer well.
    #[error("dead link `{url}`: {reason}")]
    DeadLink {
        /// The URL.
        url: String,
        /// The status or error.
        reason: String,
    },
    /// The dev server cannot start (its port is taken, its address is not local).
    #[error("{0}")]
    Serve(String),
    /// Front matter or `site.yaml` that breaks its JSON Schema.
    #[error("does not match `{schema}`: {message}")]
    SchemaMismatch {
        /// The schema's file name.
        schema: String,
        /// The validator's message.
        message: String,
    },
    /// A likely mistake that is not an error.
    #[error("{0}")]
    Warning(String),
}

/// How bad a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// The build fails.
    Error,
    /// The build goes on.
    Warning,
    /// Worth knowing, nothing wrong (`--deny-warnings` lets it be).
    Note,
}

/// A place in a file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The file, relative to the site root.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// How many characters to underline (at least 1).
    pub width: usize,
    /// The text shown of the line, without its line ending: the whole
    /// line, or on a long line a window around the column, cut with `…`.
    pub line_text: String,
    /// The 1-based column of `line_text` at which the caret goes.
    pub caret: usize,
}

/// Characters of a long line shown on each side of the place.
const WINDOW: usize = 60;

impl Location {
    /// A place given by line and column in `text`, the whole file.
    pub fn at(file: &Path, text: &str, line: usize, column: usize, width: usize) -> Self {
        LineIndex::new(text).at(file, text, line, column, width)
    }

    /// A place given by a byte offset into `text`, the whole file; `len` bytes
    /// from there are underlined.
    pub fn at_offset(file: &Path, text: &str, offset: usize, len: usize) -> Self {
        LineIndex::new(text).at_offset(file, text, offset, len)
    }

    /// A file as a whole, when no finer place is known.
    pub fn file(file: &Path) -> Self {
        Location {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            width: 0,
            line_text: String::new(),
            caret: 0,
        }
    }

    /// The place at byte `offset` of `line` (its text, whose first
    /// character is at `column` 1), underlining `width` characters: at most
    /// a window of the line is kept, so a diagnostic costs the same on a
    /// line of ten million characters as on a short one.
    fn in_line(
        file: &Path,
        line_no: usize,
        line: &str,
        offset: usize,
        column: usize,
        width: usize,
    ) -> Self {
        let offset = floor_char_boundary(line, offset);
        let (before, after) = line.split_at(offset);
        // Walk out at most a window's worth of characters each way.
        let start = before
            .char_indices()
            .rev()
            .nth(WINDOW - 1)
            .map_or(0, |(i, _)| i);
        let end = after
            .char_indices()
            .nth(width.max(1) + WINDOW)
            .map_or(line.len(), |(i, _)| offset + i);
        let (head, tail) = (
            if start > 0 { "…" } else { "" },
            if end < line.len() { "…" } else { "" },
        );
        let shown_before = line[start..offset].chars().count();
        let width = width.max(1).min(line[offset..end].chars().count().max(1));
        Location {
            file: file.to_path_buf(),
            line: line_no.max(1),
            column: column.max(1),
            width,
            line_text: format!("{head}{}{tail}", &line[start..end]),
            caret: shown_before + head.chars().count() + 1,
        }
    }
}

/// Where the lines of a text start, and how many characters come before
/// every 4 KiB of it: built once per file, it turns a byte offset into a
/// line and column (and back) without reading the file again, so many
/// diagnostics in one file cost time in proportion to their number.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset of each line's start.
    starts: Vec<usize>,
    /// Characters before byte `k * BLOCK`, for each k.
    chars: Vec<usize>,
}

const BLOCK: usize = 4096;

/// Characters in `bytes` (valid UTF-8 cut anywhere): those not continuing one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let starts = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        let mut chars = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut total = 0;
        for block in bytes.chunks(BLOCK) {
            chars.push(total);
            total += count_chars(block);
        }
        chars.push(total);
        LineIndex { starts, chars }
    }

    /// Characters before byte `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let k = offset / BLOCK;
        self.chars.get(k).copied().unwrap_or(0) + count_chars(&text.as_bytes()[k * BLOCK..offset])
    }

    /// The byte range of 0-based line `line`, without its line ending.
    fn line_range(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts.get(line).copied().unwrap_or(text.len());
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        let end = if text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        (start, end.max(start))
    }

    /// The place at byte `offset` of `text`, underlining `len` bytes.
    pub fn at_offset(&self, file: &Path, text: &str, offset: usize, len: usize) -> Location {
        let offset = floor_char_boundary(text, offset);
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let (start, end) = self.line_range(text, line);
        let offset = offset.clamp(start, end);
        let column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        let stop = floor_char_boundary(text, (offset + len).min(end));
        let width = text[offset..stop].chars().count();
        Location::in_line(
            file,
            line + 1,
            &text[start..end],
            offset - start,
            column,
            width,
        )
    }

    /// The place at 1-based `line` and `column` (characters) of `text`,
    /// underlining `width` characters.
    pub fn at(
        &self,
        file: &Path,
        text: &str,
        line: usize,
        column: usize,
        width: usize,
    ) -> Location {
        let (start, end) = self.line_range(text, line.saturating_sub(1));
        let offset = self
            .offset_of_char(text, self.chars_before(text, start) + column.max(1) - 1)
            .clamp(start, end);
        Location::in_line(file, line, &text[start..end], offset - start, column, width)
    }

    /// The byte offset in `text` of line `line`, column `column` (both
    /// 1-based, columns in characters), within that line.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> usize {
        let (start, end) = self.line_range(text, line.saturating_sub(1));
        self.offset_of_char(text, self.chars_before(text, start) + column.max(1) - 1)
            .clamp(start, end)
    }

    /// The byte offset of the `n`th character (0-based) of `text`.
    fn offset_of_char(&self, text: &str, n: usize) -> usize {
        let k = self.chars.partition_point(|&c| c <= n).saturating_sub(1);
        let mut seen = self.chars.get(k).copied().unwrap_or(0);
        let from = (k * BLOCK).min(text.len());
        for (i, &b) in text.as_bytes()[from..].iter().enumerate() {
            if (b as i8) >= -0x40 {
                if seen == n {
                    return from + i;
                }
                seen += 1;
            }
        }
        text.len()
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem, with its place and a suggestion when one is likely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What went wrong.
    pub problem: Problem,
    /// Where, when the problem has a place.
    pub location: Option<Box<Location>>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(problem: Problem) -> Self {
        Diagnostic {
            severity: Severity::Error,
            problem,
            location: None,
            help: None,
        }
    }

    /// A warning: a likely mistake that does not stop the build.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            problem: Problem::Warning(message.into()),
            location: None,
            help: None,
        }
    }

    /// A note: what the build did that the editor may not expect.
    pub fn note(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            problem: Problem::Warning(message.into()),
            location: None,
            help: None,
        }
    }

    /// Places the diagnostic.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    /// Adds a suggestion.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a suggestion if there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// The exit code of this error: 2 for a usage error (an output folder
    /// that may not be replaced, a bad `--base-url`), 3 when a file or
    /// folder could not be read or written, the dev server cannot start or
    /// the network cannot be reached, else 1 (the content, the configuration or a template is wrong).
    pub fn exit_code(&self) -> i32 {
        match self.problem {
            Problem::BadOutput { .. } | Problem::Usage(_) => 2,
            Problem::Io { .. } | Problem::Serve(_) | Problem::Offline { .. } => 3,
            _ => 1,
        }
    }

    /// Whether this diagnostic fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The rustc-style text of this diagnostic, ending in a newline.
    pub fn render(&self) -> String {
        self.render_styled(false)
    }

    /// [`Diagnostic::render`], with ANSI colours when `colour` is set
    /// (the caller decides: see [`crate::term::colour_stderr`]).
    pub fn render_styled(&self, colour: bool) -> String {
        let paint = |style: &str, text: &str| {
            if colour {
                format!("\x1b[{style}m{text}\x1b[0m")
            } else {
                text.to_string()
            }
        };
        let (label, accent) = match self.severity {
            Severity::Error => ("error", RED),
            Severity::Warning => ("warning", YELLOW),
            Severity::Note => ("note", CYAN),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}{}",
            paint(accent, label),
            paint(BOLD, &format!(": {}", visible(&self.problem.to_string())))
        );
        let mut gutter = 1;
        if let Some(loc) = &self.location {
            let path = display_path(&loc.file);
            if loc.line == 0 {
                let _ = writeln!(out, "  {} {path}", paint(BLUE, "-->"));
            } else {
                let number = loc.line.to_string();
                gutter = number.len();
                let pad = " ".repeat(gutter);
                let bar = paint(BLUE, "|");
                let _ = writeln!(
                    out,
                    "{pad}{} {path}:{}:{}",
                    paint(BLUE, "-->"),
                    loc.line,
                    loc.column
                );
                let _ = writeln!(out, "{pad} {bar}");
                let tabless = loc.line_text.replace('\t', " ");
                let shown = visible(&tabless);
                let _ = writeln!(out, "{} {bar} {shown}", paint(BLUE, &number));
                let caret_pad = " ".repeat(loc.caret.saturating_sub(1));
                let carets = paint(accent, &"^".repeat(loc.width));
                let _ = writeln!(out, "{pad} {bar} {caret_pad}{carets}");
            }
        }
        if let Some(help) = &self.help {
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad} {} {}", paint(CYAN, "= help:"), visible(help));
        }
        out
    }
}

/// `text` with its control characters shown as their Unicode pictures
/// (`␛` for escape), so a file's text can neither hide from the reader nor
/// drive the terminal.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .into()
}

// ANSI styles: bold, and bold with a colour.
const BOLD: &str = "1";
const RED: &str = "1;31";
const YELLOW: &str = "1;33";
const BLUE: &str = "1;34";
const CYAN: &str = "1;36";

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Paths in messages always use `/`, whatever the platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The diagnostics of one build, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Records many.
    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(more);
    }

    /// Every diagnostic, in the order recorded.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Turns every warning into an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for d in &mut self.items {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
    }

    /// Whether any diagnostic fails the build.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// The exit code these diagnostics call for: 0 without errors, else the
    /// highest of their errors' codes ([`Diagnostic::exit_code`]).
    pub fn exit_code(&self) -> i32 {
        self.items
            .iter()
            .filter(|d| d.is_error())
            .map(Diagnostic::exit_code)
            .max()
            .unwrap_or(0)
    }

    /// How many errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// How many warnings.
    pub fn warning_count(&self) -> usize {
        let warning = |d: &&Diagnostic| d.severity == Severity::Warning;
        self.items.iter().filter(warning).count()
    }

    /// Everything, sorted by file and place so output is deterministic
    /// whatever order the parallel stages finished in.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_cached_key(|d| {
            let place = d
                .location
                .as_ref()
                .map(|l| (display_path(&l.file), l.line, l.column));
            (place, d.severity, d.problem.to_string())
        });
        self.items.dedup();
        self.items
    }

    /// Renders all, grouped (see [`Diagnostics::render_all_styled`]),
    /// followed by a count line.
    pub fn render_all(self) -> String {
        self.render_all_styled(false, false)
    }

    /// [`Diagnostics::render_all`], with colours when `colour` is set. A
    /// kind of problem found more than [`GROUP_LIMIT`] times shows its
    /// first [`GROUP_SHOWN`] and a count of the rest, unless `every` (the
    /// commands' `--verbose`): a thousand copies of one mistake bury the
    /// other problems and cost time to print.
    pub fn render_all_styled(self, colour: bool, every: bool) -> String {
        let (errors, warnings) = (self.error_count(), self.warning_count());
        let sorted = self.sorted();
        let kinds: Vec<String> = sorted.iter().map(Diagnostic::kind).collect();
        let mut counts: std::collections::HashMap<(Severity, &str), usize> = Default::default();
        for (d, kind) in sorted.iter().zip(&kinds) {
            *counts.entry((d.severity, kind.as_str())).or_default() += 1;
        }
        let mut shown: std::collections::HashMap<(Severity, &str), usize> = Default::default();
        let mut out = String::new();
        for (d, kind) in sorted.iter().zip(&kinds) {
            let key = (d.severity, kind.as_str());
            let n = shown.entry(key).or_default();
            *n += 1;
            if every || counts[&key] <= GROUP_LIMIT || *n <= GROUP_SHOWN {
                out.push_str(&d.render_styled(colour));
                out.push('\n');
            }
        }
        if !every {
            // In the order the kinds first appeared.
            let mut told = std::collections::HashSet::new();
            for (d, kind) in sorted.iter().zip(&kinds) {
                let key = (d.severity, kind.as_str());
                let count = counts[&key];
                if count > GROUP_LIMIT && told.insert(key) {
                    let label = match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Note => "note",
                    };
                    let _ = writeln!(
                        out,
                        "{label}: … and {} more of this kind: {} ({count} in all; `--verbose` shows every one)\n",
                        count - GROUP_SHOWN,
                        visible(kind)
                    );
                }
            }
        }
        if errors > 0 {
            let _ = writeln!(
                out,
                "error: the build failed with {errors} error{}{}",
                plural_s(errors),
                if warnings > 0 {
                    format!(" and {warnings} warning{}", plural_s(warnings))
                } else {
                    String::new()
                }
            );
        }
        out
    }
}

/// More diagnostics of one kind than this are shown in part (see
/// [`Diagnostics::render_all_styled`]).
pub const GROUP_LIMIT: usize = 50;
/// How many of a large group are shown.
pub const GROUP_SHOWN: usize = 10;

impl Diagnostic {
    /// The kind of problem: its message with the quoted values (`` `…` ``)
    /// left out, so "unknown actor `a`" and "unknown actor `b`" are one kind.
    pub fn kind(&self) -> String {
        let message = self.problem.to_string();
        let mut kind = String::with_capacity(message.len());
        for (i, part) in message.split('`').enumerate() {
            if i % 2 == 1 {
                kind.push_str("`…`");
            } else {
                kind.push_str(part);
            }
        }
        kind
    }
}

fn plural_s(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_place_line_caret_and_help() {
        let text = "---\ntitle: x\nby: lukaschenko\n---\n";
        let d = Diagnostic::error(Problem::UnknownRef {
            kind: "actor or source",
            id: "lukaschenko".into(),
        })
        .at(Location::at_offset(
            Path::new("content/digests/a.md"),
            text,
            text.find("luka").unwrap(),
            11,
        ))
        .help("did you mean `lukashenko`?");
        assert_eq!(
            d.render(),
            "error: unknown actor or source `lukaschenko`\n \
             --> content/digests/a.md:3:5\n  |\n3 | by: lukaschenko\n  |     ^^^^^^^^^^^\n  \
             = help: did you mean `lukashenko`?\n"
        );
    }

    #[test]
    fn colour_wraps_the_same_text_in_ansi_styles() {
        let d = Diagnostic::error(Problem::EmptyFile)
            .at(Location::at(Path::new("a.md"), "x", 1, 1, 1))
            .help("h");
        let styled = d.render_styled(true);
        assert!(styled.contains("\x1b[1;31merror\x1b[0m"), "{styled}");
        let plain: String = {
            let mut out = String::new();
            let mut rest = styled.as_str();
            while let Some(i) = rest.find('\x1b') {
                out.push_str(&rest[..i]);
                rest = &rest[i + rest[i..].find('m').unwrap() + 1..];
            }
            out + rest
        };
        assert_eq!(plain, d.render());
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "città: [x](actor:nope)";
        let loc = Location::at_offset(Path::new("f.md"), text, text.find("nope").unwrap(), 4);
        assert_eq!((loc.line, loc.column), (1, 18));
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_place() {
        let line = format!("{}[x](actor:putn) the end", "città Путин ".repeat(50_000));
        let text = format!("---\ntitle: x\n---\n{line}\n");
        let at = text.find("putn").unwrap();
        let index = LineIndex::new(&text);
        let loc = index.at_offset(Path::new("a.md"), &text, at, 4);
        assert_eq!((loc.line, loc.column), (4, 600_000 + 11));
        assert!(
            loc.line_text.chars().count() < 2 * WINDOW + 10,
            "{}",
            loc.line_text
        );
        assert!(loc.line_text.starts_with('…') && loc.line_text.ends_with("the end"));
        let shown: String = loc.line_text.chars().skip(loc.caret - 1).take(4).collect();
        assert_eq!(shown, "putn");
        // And back: line and column give the same place.
        assert_eq!(index.offset(&text, 4, loc.column), at);
        assert_eq!(index.at(Path::new("a.md"), &text, 4, loc.column, 4), loc);
        let rendered = Diagnostic::error(Problem::EmptyFile).at(loc).render();
        assert!(rendered.contains("\n  |"), "{rendered}");
        assert!(rendered.len() < 400, "{rendered}");
    }

    #[test]
    fn many_diagnostics_of_one_kind_are_grouped_unless_all_are_asked_for() {
        let mut diags = Diagnostics::default();
        for i in 0..GROUP_LIMIT + 25 {
            diags.push(
                Diagnostic::error(Problem::UnknownRef {
                    kind: "actor",
                    id: format!("a{i}"),
                })
                .at(Location::at(Path::new("a.md"), "x\n", 1, 1, 1)),
            );
        }
        diags.push(Diagnostic::warning("tag `x` is used once"));
        let grouped = diags.clone().render_all();
        assert_eq!(grouped.matches("error: unknown actor").count(), GROUP_SHOWN);
        let more = GROUP_LIMIT + 25 - GROUP_SHOWN;
        assert!(
            grouped.contains(&format!(
                "error: … and {more} more of this kind: unknown actor `…` ({} in all; `--verbose` shows every one)",
                GROUP_LIMIT + 25
            )),
            "{grouped}"
        );
        assert!(grouped.contains("warning: tag `x` is used once"));
        assert!(grouped.ends_with(&format!(
            "failed with {} errors and 1 warning\n",
            GROUP_LIMIT + 25
        )));
        let every = diags.render_all_styled(false, true);
        assert_eq!(
            every.matches("error: unknown actor").count(),
            GROUP_LIMIT + 25
        );
        assert!(!every.contains("more of this kind"));
    }
}
