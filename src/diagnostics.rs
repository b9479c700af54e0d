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
    /// An HTML comment in a body that is never closed.
    #[error("unclosed HTML comment: `<!--` without `-->` hides the rest of the page")]
    UnclosedComment,
    /// A control character that XML and HTML cannot carry.
    #[error("control character {name} in the text")]
    ControlCharacter {
        /// `U+0007`, with its escape when it has one.
        name: String,
    },
    /// An internal link or asset that leads nowhere in the built site.
    #[error("broken link `{url}`: {reason}")]
    BrokenLink {
        /// The URL as written in the page.
        url: String,
        /// What is missing.
        reason: String,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build fails.
    Error,
    /// The build goes on.
    Warning,
}

/// A place in a file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, relative to the site root.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// How many characters to underline (at least 1).
    pub width: usize,
    /// The text of the line, without its line ending.
    pub line_text: String,
}

impl Location {
    /// A place given by line and column in `text`, the whole file.
    pub fn at(file: &Path, text: &str, line: usize, column: usize, width: usize) -> Self {
        let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        Location::on_line(file, line, column, width, line_text)
    }

    /// A place on line `line` of `file`, whose text (`line_text`) the
    /// caller has at hand.
    pub fn on_line(file: &Path, line: usize, column: usize, width: usize, line_text: &str) -> Self {
        Location {
            file: file.to_path_buf(),
            line: line.max(1),
            column: column.max(1),
            width: width.max(1),
            line_text: line_text.trim_end_matches('\r').to_string(),
        }
    }

    /// A place given by a byte offset into `text`, the whole file; `len` bytes
    /// from there are underlined.
    pub fn at_offset(file: &Path, text: &str, offset: usize, len: usize) -> Self {
        let offset = floor_char_boundary(text, offset);
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..offset].matches('\n').count() + 1;
        let column = text[line_start..offset].chars().count() + 1;
        let end = floor_char_boundary(text, (offset + len).min(text.len()));
        let width = text[offset..end].chars().take_while(|&c| c != '\n').count();
        Location::at(file, text, line, column, width)
    }

    /// A file as a whole, when no finer place is known.
    pub fn file(file: &Path) -> Self {
        Location {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            width: 0,
            line_text: String::new(),
        }
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
    /// folder could not be read or written or the dev server cannot start,
    /// else 1 (the content, the configuration or a template is wrong).
    pub fn exit_code(&self) -> i32 {
        match self.problem {
            Problem::BadOutput { .. } | Problem::Usage(_) => 2,
            Problem::Io { .. } | Problem::Serve(_) => 3,
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
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}{}",
            paint(accent, label),
            paint(BOLD, &format!(": {}", self.problem))
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
                let shown: String = loc.line_text.replace('\t', " ");
                let _ = writeln!(out, "{} {bar} {shown}", paint(BLUE, &number));
                let caret_pad = " ".repeat(loc.column - 1);
                let carets = paint(accent, &"^".repeat(loc.width));
                let _ = writeln!(out, "{pad} {bar} {caret_pad}{carets}");
            }
        }
        if let Some(help) = &self.help {
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad} {} {help}", paint(CYAN, "= help:"));
        }
        out
    }
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

    /// Turns every warning into an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
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
        self.items.len() - self.error_count()
    }

    /// Everything, sorted by file and place so output is deterministic
    /// whatever order the parallel stages finished in.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (display_path(&l.file), l.line, l.column))
            };
            key(a)
                .cmp(&key(b))
                .then(a.severity.cmp(&b.severity))
                .then_with(|| a.problem.to_string().cmp(&b.problem.to_string()))
        });
        self.items.dedup();
        self.items
    }

    /// Renders all, followed by a count line.
    pub fn render_all(self) -> String {
        self.render_all_styled(false)
    }

    /// [`Diagnostics::render_all`], with colours when `colour` is set.
    pub fn render_all_styled(self, colour: bool) -> String {
        let (errors, warnings) = (self.error_count(), self.warning_count());
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.render_styled(colour));
            out.push('\n');
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
}
