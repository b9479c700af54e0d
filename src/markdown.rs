//! Markdown: finding the references in a body (load stage) and turning a body
//! into HTML with those references resolved (render stage).
//!
//! Both passes use the same parser options, so what the scan sees is what
//! the renderer renders. Fenced code is highlighted by syntect with CSS
//! classes; its syntaxes are loaded once, on the first code block.

mod raw_html;
mod schemes;

use crate::diagnostics::Problem;
use crate::entity::EntityKind;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::sync::OnceLock;

/// A reference found in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyRef {
    /// What it refers to.
    pub kind: EntityKind,
    /// The id as written.
    pub id: String,
    /// Byte offset of the id in the body.
    pub offset: usize,
    /// Length of the id in bytes.
    pub len: usize,
    /// `![](quote:…)`: the quote is embedded as a card.
    pub embed: bool,
}

/// A link or image to a path of the site itself (`/chi-siamo/`,
/// `/images/minsk.jpg`), written from the site's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalLink {
    /// The destination as written.
    pub dest: String,
    /// Byte offset of it in the body.
    pub offset: usize,
    /// `![…](…)`: an image.
    pub image: bool,
}

impl LocalLink {
    /// The path it names, from the site's root: without `#fragment` or
    /// `?query`, percent-decoded as browsers and hosts do
    /// (`/img/caf%C3%A9.jpg` is the file `img/café.jpg`), without the
    /// leading `/`.
    pub fn path(&self) -> String {
        let end = self.dest.find(['#', '?']).unwrap_or(self.dest.len());
        let path = self.dest[..end].trim_start_matches('/');
        percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned()
    }
}

/// Whether a link destination is a path of the site, written from its root:
/// `/x`, not `//host/x` (a URL of another host, without its scheme).
pub fn is_root_relative(dest: &str) -> bool {
    dest.starts_with('/') && !dest.starts_with("//")
}

/// A problem found while scanning, placed in the body.
#[derive(Debug, Clone)]
pub struct ScanProblem {
    /// Byte offset in the body.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
    /// What.
    pub problem: Problem,
    /// A suggestion.
    pub help: Option<String>,
}

/// What the load stage learns from a body.
#[derive(Debug, Default)]
pub struct BodyScan {
    /// Every reference, in order.
    pub refs: Vec<BodyRef>,
    /// Every link and image to a path of the site, in order.
    pub locals: Vec<LocalLink>,
    /// Every image written without alt text (`![](/images/x.jpg)`), any
    /// address (quote embeds are not images).
    pub without_alt: Vec<LocalLink>,
    /// The first paragraph of text, plain.
    pub first_paragraph: Option<String>,
    /// Words of text, code blocks left out (for reading time).
    pub words: usize,
    /// Misplaced embeds and the like.
    pub problems: Vec<ScanProblem>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// How deep lists, block quotes and inline markup may nest in a body.
/// Browsers stop building the page's tree at a few hundred levels; the
/// limit keeps pathological input (`* * * …` a million times) from costing
/// more than its size to render.
pub const MAX_NESTING: usize = 100;

/// Finds where the id of link destination `dest` is written inside `range` of `body`.
fn id_position(body: &str, range: std::ops::Range<usize>, dest: &str, id: &str) -> (usize, usize) {
    let id_start = dest.len() - id.len();
    let within = &body[range.clone()];
    let found = within
        .rfind(dest)
        .map(|i| range.start + i)
        .or_else(|| body.find(dest));
    match found {
        Some(at) => (at + id_start, id.len()),
        None => (range.start, range.len().min(body.len() - range.start)),
    }
}

/// Scans a body for references, embed placement and its first paragraph.
pub fn scan(body: &str) -> BodyScan {
    let mut out = BodyScan::default();
    let mut embedded = HashSet::new();
    // Per open paragraph: embeds found and whether anything else is in it.
    let mut para: Option<(Vec<usize>, bool, String)> = None;
    let mut image_depth = 0usize;
    // The image being read, and whether its alt text has any text yet.
    let mut open_image: Option<(LocalLink, bool)> = None;
    let mut skip_depth = 0usize; // headings, code, footnote definitions: not summary text
    let mut code_depth = 0usize;
    // Inside a word: text split across events by inline markup (`**a**b`) is one word.
    let mut in_word = false;
    // The raw HTML of the HTML block, and of the paragraph (heading, table
    // cell…), being read, to find what it leaves open.
    let (mut html, mut inline) = (RawHtml::default(), RawHtml::default());
    let mut nesting = 0usize;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if let (Event::Text(_), 0) = (&event, code_depth) {
            out.problems
                .extend(schemes::spaced_reference(body, range.start));
        }
        match &event {
            Event::Start(_) => {
                nesting += 1;
                if nesting == MAX_NESTING + 1 {
                    out.problems.push(ScanProblem {
                        offset: range.start,
                        len: 1,
                        problem: Problem::FrontMatter(format!(
                            "lists, quotes and emphasis are nested more than {MAX_NESTING} deep here"
                        )),
                        help: Some("browsers stop showing structure long before this depth: flatten it".into()),
                    });
                }
            }
            Event::End(_) => nesting = nesting.saturating_sub(1),
            _ => {}
        }
        match &event {
            Event::Html(t) => html.feed(t, range.clone()),
            Event::InlineHtml(t) => inline.feed(t, range.clone()),
            Event::End(TagEnd::HtmlBlock) => {
                std::mem::take(&mut html).check(body, &mut out.problems)
            }
            e if ends_inline_run(e) => std::mem::take(&mut inline).check(body, &mut out.problems),
            _ => {}
        }
        match &event {
            Event::Text(t) | Event::Code(t) if code_depth == 0 => {
                for c in t.chars() {
                    if c.is_whitespace() {
                        in_word = false;
                    } else if !in_word {
                        out.words += 1;
                        in_word = true;
                    }
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => {}
            _ => in_word = false,
        }
        match &event {
            // A tight list item has no paragraph events: its text is one.
            Event::Start(Tag::Paragraph | Tag::Item)
            | Event::End(TagEnd::Paragraph | TagEnd::Item)
            | Event::Start(Tag::List(_)) => {
                if let Some(open) = para.take() {
                    finish_paragraph(open, skip_depth, &mut out);
                }
                if matches!(event, Event::Start(Tag::Paragraph | Tag::Item)) {
                    para = Some((Vec::new(), false, String::new()));
                }
            }
            Event::Start(Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::FootnoteDefinition(_)) => {
                skip_depth += 1
            }
            Event::End(TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::FootnoteDefinition) => {
                skip_depth = skip_depth.saturating_sub(1)
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(p) = para.as_mut() {
                    if image_depth == 0 {
                        p.1 = true;
                    }
                }
                record_link(body, range.clone(), dest_url, false, &mut out);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                image_depth += 1;
                let before = out.refs.len();
                record_link(body, range.clone(), dest_url, true, &mut out);
                if out.refs.len() > before {
                    let i = before;
                    let r = out.refs[i].clone();
                    if r.kind != EntityKind::Quote {
                        out.refs[i].embed = false;
                        out.problems.push(ScanProblem {
                            offset: r.offset - r.kind.scheme().len() - 1,
                            len: r.len + r.kind.scheme().len() + 1,
                            problem: Problem::EmbedNotQuote {
                                kind: r.kind.scheme().into(),
                            },
                            help: Some(format!(
                                "link it instead: `[text]({}:{})`",
                                r.kind.scheme(),
                                r.id
                            )),
                        });
                    } else if !embedded.insert(r.id.clone()) {
                        out.problems.push(ScanProblem {
                            offset: r.offset,
                            len: r.len,
                            problem: Problem::EmbedTwice { id: r.id.clone() },
                            help: Some(format!("link to it instead: `[text](quote:{})`", r.id)),
                        });
                    } else {
                        match para.as_mut() {
                            Some(p) if image_depth == 1 => p.0.push(i),
                            _ => out.problems.push(ScanProblem {
                                offset: r.offset,
                                len: r.len,
                                problem: Problem::EmbedNotAlone { id: r.id.clone() },
                                help: Some("put the embed on its own line, with a blank line before and after".into()),
                            }),
                        }
                    }
                } else {
                    if image_depth == 1 {
                        let (offset, _) = id_position(body, range.clone(), dest_url, dest_url);
                        let link = LocalLink {
                            dest: dest_url.to_string(),
                            offset,
                            image: true,
                        };
                        open_image = Some((link, false));
                    }
                    if let Some(p) = para.as_mut() {
                        p.1 = true;
                    }
                }
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                if image_depth == 0 {
                    if let Some((link, false)) = open_image.take() {
                        out.without_alt.push(link);
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, alt)) = open_image.as_mut() {
                    *alt |= !t.trim().is_empty();
                }
                if let Some(p) = para.as_mut() {
                    if image_depth == 0 {
                        if !t.trim().is_empty() {
                            p.1 = true;
                        }
                        // Only the first paragraph's text can be the summary.
                        // Its quotes stay straight: the summary is set in
                        // its language's marks with the front matter's text.
                        if out.first_paragraph.is_none() {
                            match &body[range.clone()] {
                                quote @ ("\"" | "'") => p.2.push_str(quote),
                                _ => p.2.push_str(t),
                            }
                        }
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(p) = para.as_mut() {
                    p.2.push(' ');
                }
            }
            Event::InlineHtml(_) | Event::InlineMath(_) | Event::FootnoteReference(_) => {
                if let Some(p) = para.as_mut() {
                    p.1 = true;
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether `event` starts or ends a block, which ends the run of inline
/// raw HTML before it (a paragraph's `<span>`…`</span>`).
fn ends_inline_run(event: &Event) -> bool {
    match event {
        Event::Start(tag) => !matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript
        ),
        Event::End(tag) => !matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        ),
        _ => false,
    }
}

/// The raw HTML of one HTML block (or of the inline HTML of one
/// paragraph) and where each of its chunks is in the body.
#[derive(Default)]
struct RawHtml {
    scanner: raw_html::Scanner,
    chunks: Vec<(String, std::ops::Range<usize>)>,
}

impl RawHtml {
    fn feed(&mut self, text: &str, range: std::ops::Range<usize>) {
        self.scanner.feed(text);
        self.chunks.push((text.to_string(), range));
    }

    /// Reports a comment, tag or raw-text element left open at the end.
    fn check(&self, body: &str, problems: &mut Vec<ScanProblem>) {
        let Some((open, chunk, at)) = self.scanner.open_at() else {
            return;
        };
        let Some((text, range)) = self.chunks.get(chunk) else {
            return;
        };
        // Where the chunk's text sits in the body (containers such as `> `
        // may stand between its lines).
        let written = &body[range.clone()];
        let offset = if written.starts_with(text.as_str()) {
            range.start + at
        } else {
            let head: String = text[at..].chars().take(4).collect();
            written.find(&head).map_or(range.start, |i| range.start + i)
        };
        let (what, len, help) = match open {
            raw_html::Open::Comment => (
                "HTML comment `<!--`".to_string(),
                4,
                "close it with `-->` (comments are not published)".to_string(),
            ),
            raw_html::Open::Tag => (
                "HTML tag".to_string(),
                1,
                "close the tag with `>` (and each quoted value with its quote)".to_string(),
            ),
            raw_html::Open::Element(name) => (
                format!("`<{name}>` element"),
                name.len() + 1,
                format!("end it with `</{name}>` in the same HTML block"),
            ),
        };
        problems.push(ScanProblem {
            offset,
            len,
            problem: Problem::UnclosedHtml { what },
            help: Some(help),
        });
    }
}

/// Closes a paragraph: embeds must have been alone in it; its text may be the summary.
fn finish_paragraph(
    (embeds, other, text): (Vec<usize>, bool, String),
    skip_depth: usize,
    out: &mut BodyScan,
) {
    if !embeds.is_empty() && (embeds.len() > 1 || other) {
        for i in embeds {
            let r = &out.refs[i];
            out.problems.push(ScanProblem {
                offset: r.offset,
                len: r.len,
                problem: Problem::EmbedNotAlone { id: r.id.clone() },
                help: Some(
                    "put the embed on its own line, with a blank line before and after".into(),
                ),
            });
        }
    }
    if out.first_paragraph.is_some() || skip_depth > 0 {
        return;
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        out.first_paragraph = Some(text);
    }
}

/// Schemes whose links run code in the reader's browser (or smuggle a
/// document in, `data:`): refused in Markdown links and images whatever
/// `safe_html` says.
const UNSAFE_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// The scheme of `dest` when it is one of [`UNSAFE_SCHEMES`], read as a
/// browser reads it: tabs and line breaks anywhere dropped, leading
/// control characters and spaces ignored, any case.
fn unsafe_scheme(dest: &str) -> Option<String> {
    let cleaned: String = dest
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let scheme = scheme.to_ascii_lowercase();
    UNSAFE_SCHEMES.contains(&scheme.as_str()).then_some(scheme)
}

fn record_link(
    body: &str,
    range: std::ops::Range<usize>,
    dest: &str,
    embed: bool,
    out: &mut BodyScan,
) {
    if let Some(scheme) = unsafe_scheme(dest) {
        let (offset, _) = id_position(body, range, dest, dest);
        let help = if scheme == "data" {
            "put the file in `static/` and link to its path (`/files/report.pdf`)"
        } else {
            "link to an `https://` page; a script belongs in the theme's templates"
        };
        out.problems.push(ScanProblem {
            offset,
            len: dest.len().min(scheme.len() + 1),
            problem: Problem::UnsafeLink { scheme },
            help: Some(help.into()),
        });
        return;
    }
    if let Some((problem, help)) = schemes::spaced(dest) {
        let (offset, _) = id_position(body, range, dest, dest);
        out.problems.push(ScanProblem {
            offset,
            len: dest.len(),
            problem,
            help: Some(help),
        });
    } else if let Some((kind, id)) = EntityKind::parse_reference(dest) {
        let (offset, len) = id_position(body, range, dest, id);
        if id.is_empty() {
            out.problems.push(ScanProblem {
                offset: offset.saturating_sub(kind.scheme().len() + 1),
                len: kind.scheme().len() + 1,
                problem: Problem::FrontMatter(format!(
                    "`{}:` needs an id after the colon",
                    kind.scheme()
                )),
                help: Some(format!("write `{}:ID`", kind.scheme())),
            });
            return;
        }
        out.refs.push(BodyRef {
            kind,
            id: id.to_string(),
            offset,
            len,
            embed,
        });
    } else if is_root_relative(dest) {
        let (offset, _) = id_position(body, range, dest, dest);
        out.locals.push(LocalLink {
            dest: dest.to_string(),
            offset,
            image: embed,
        });
    } else if let Some((problem, help)) = dest
        .split_once(':')
        .and_then(|(scheme, _)| schemes::misspelt(scheme))
    {
        let (offset, _) = id_position(body, range, dest, dest);
        let len = dest.find(':').map_or(dest.len(), |colon| colon + 1);
        out.problems.push(ScanProblem {
            offset,
            len,
            problem,
            help: Some(help),
        });
    }
}

/// What the renderer needs to know about the targets of references.
pub trait Resolver {
    /// The URL of an actor, source, story, digest or quote.
    fn url(&self, kind: EntityKind, id: &str) -> Option<String>;
    /// The number and URL of a citation of the body's digest.
    fn citation(&self, id: &str) -> Option<(usize, String)>;
    /// The HTML card of an embedded quote.
    fn embed(&self, quote_id: &str) -> Option<String>;
    /// The site's root path (`/`, or `/blog/` for a site deployed under a
    /// path), put in front of links written from the root (`/chi-siamo/`).
    fn root(&self) -> &str;
    /// The language the body is written in: its quotation marks are set.
    fn lang(&self) -> &str;
    /// The HTML of the image written `![alt](dest)`, when the theme shows
    /// it otherwise than as a plain `<img>` (an image of the site with
    /// resized copies).
    fn image(&self, _dest: &str, _alt: &str) -> Option<String> {
        None
    }
}

/// Renders a body to HTML. With `sanitize` (`safe_html: true`), raw HTML
/// written in the body goes through a sanitiser; the HTML storia itself
/// generates (reference links, quote cards, highlighted code) is trusted and
/// kept whole.
pub fn render(body: &str, resolver: &dyn Resolver, sanitize: bool) -> String {
    let marks = crate::typography::Marks::of(resolver.lang());
    let events = without_comments(Parser::new_ext(body, options()).into_offset_iter().map(
        |(event, range)| match event {
            // A straight double quote, which smart punctuation set in
            // English marks: the body's language's instead.
            Event::Text(t) if &body[range] == "\"" => Event::Text(match t.as_ref() {
                "“" => marks.opening().into(),
                "”" => marks.closing().into(),
                _ => t,
            }),
            event => event,
        },
    ));
    let mut out = Out {
        events: Vec::with_capacity(events.len()),
        trusted: sanitize.then(Vec::new),
    };
    let mut heading_ids = HashSet::new();
    let mut next_suffix: std::collections::HashMap<String, usize> = Default::default();
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Paragraph) => {
                if let Some((quote, next)) = lone_embed(&events, i) {
                    if let Some(card) = resolver.embed(quote) {
                        out.html(card, true);
                    }
                    i = next;
                    continue;
                }
                out.events.push(events[i].clone());
            }
            Event::Start(Tag::Item) => {
                out.events.push(events[i].clone());
                if let Some((quote, next)) = lone_embed(&events, i) {
                    if let Some(card) = resolver.embed(quote) {
                        out.html(card, true);
                    }
                    out.events.push(Event::End(TagEnd::Item));
                    i = next;
                    continue;
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let end = find_end(&events, i);
                let text: String = events[i + 1..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let base = match id {
                    Some(id) => id.to_string(),
                    None => {
                        let s = crate::slug::slugify(&text);
                        if s.is_empty() {
                            "section".into()
                        } else {
                            s
                        }
                    }
                };
                // The first free `base`, `base-1`, `base-2`…; the search
                // for a base goes on from where it last stopped (the
                // numbers below were taken then and still are), so a
                // thousand equal headings cost a thousand steps.
                let mut unique = base.clone();
                if !heading_ids.insert(unique.clone()) {
                    let n = next_suffix.entry(base.clone()).or_insert(1);
                    loop {
                        unique = format!("{base}-{n}");
                        *n += 1;
                        if heading_ids.insert(unique.clone()) {
                            break;
                        }
                    }
                }
                out.events.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(unique)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let end = find_end(&events, i);
                let code: String = events[i + 1..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                out.html(highlight(&code, lang), true);
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some((kind, target)) = EntityKind::parse_reference(dest_url) {
                    let end = find_end(&events, i);
                    let inner = events[i + 1..end].to_vec();
                    let resolved = match kind {
                        EntityKind::Citation => {
                            resolver.citation(target).map(|(n, url)| (url, Some(n)))
                        }
                        _ => resolver.url(kind, target).map(|u| (u, None)),
                    };
                    match resolved {
                        Some((url, number)) => {
                            let class = format!("ref ref-{}", kind.scheme());
                            out.html(
                                format!(
                                    "<a class=\"{class}\" href=\"{}\"{}>",
                                    escape_html(&url),
                                    if title.is_empty() {
                                        String::new()
                                    } else {
                                        format!(" title=\"{}\"", escape_html(title))
                                    }
                                ),
                                false,
                            );
                            out.events.extend(inner);
                            out.html("</a>".to_string(), false);
                            if let Some(n) = number {
                                out.html(format!(
                                    "<sup class=\"cite-number\"><a href=\"#citation-{n}\">[{n}]</a></sup>"
                                ), false);
                            }
                        }
                        None => out.events.extend(inner),
                    }
                    i = end + 1;
                    continue;
                }
                out.events.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: under_root(dest_url, resolver.root()),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // An image of the site that was resized: the theme's
                // picture, with its copies, size and alt text.
                let end = find_end(&events, i);
                let alt: String = events[i + 1..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                if let Some(html) = resolver.image(dest_url, &alt) {
                    out.html(html, false);
                    i = end + 1;
                    continue;
                }
                out.events.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: under_root(dest_url, resolver.root()),
                    title: title.clone(),
                    id: id.clone(),
                }))
            }
            other => out.events.push(other.clone()),
        }
        i += 1;
    }
    out.finish(body.len())
}

/// `dest` with the site's root path `root` in front, when it is written
/// from the root (`/chi-siamo/` → `/blog/chi-siamo/`); else as it is.
fn under_root<'e>(dest: &CowStr<'e>, root: &str) -> CowStr<'e> {
    match dest.strip_prefix('/') {
        Some(rest) if is_root_relative(dest) && root != "/" => {
            CowStr::from(format!("{root}{rest}"))
        }
        _ => dest.clone(),
    }
}

/// The events of a body without its HTML comments: they are the editor's
/// notes, never published. Raw HTML is read as in [`scan`]: an HTML
/// block's as one, a paragraph's inline HTML as one.
fn without_comments<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let (mut block, mut inline) = (raw_html::Scanner::default(), raw_html::Scanner::default());
    let mut kept = Vec::new();
    for event in events {
        if matches!(event, Event::Start(Tag::HtmlBlock)) {
            block = raw_html::Scanner::default();
        }
        if ends_inline_run(&event) {
            inline = raw_html::Scanner::default();
        }
        let (raw, is_inline) = match &event {
            Event::Html(raw) => (raw, false),
            Event::InlineHtml(raw) => (raw, true),
            _ => {
                kept.push(event);
                continue;
            }
        };
        let comments = if is_inline {
            inline.feed(raw)
        } else {
            block.feed(raw)
        };
        if comments.is_empty() {
            kept.push(event);
            continue;
        }
        let text = CowStr::from(without(raw, &comments));
        if !text.is_empty() {
            kept.push(if is_inline {
                Event::InlineHtml(text)
            } else {
                Event::Html(text)
            });
        }
    }
    kept
}

/// `text` without the byte `ranges` (sorted, apart).
fn without(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut from = 0;
    for r in ranges {
        kept.push_str(&text[from..r.start]);
        from = r.end;
    }
    kept.push_str(&text[from..]);
    kept
}

/// The events of a rendered body, and (when sanitising) the trusted HTML
/// that stands in them as placeholders until the sanitiser has run.
struct Out<'e> {
    events: Vec<Event<'e>>,
    trusted: Option<Vec<String>>,
}

/// Placeholders are private-use characters around a number and a secret
/// drawn afresh by each process: the sanitiser keeps them as text, and an
/// editor who types the same characters cannot know the secret, so only
/// storia's own placeholders are ever replaced. The result does not depend
/// on the secret, so output stays deterministic.
const TRUSTED_OPEN: char = '\u{E000}';
const TRUSTED_CLOSE: char = '\u{E001}';

/// `U+E000`, the process's secret, `-`: how every placeholder starts.
fn placeholder_prefix() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        // std seeds each RandomState from the operating system's randomness.
        let random = || {
            std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish()
        };
        format!("{TRUSTED_OPEN}{:016x}{:016x}-", random(), random())
    })
}

impl Out<'_> {
    /// HTML that storia generated itself.
    fn html(&mut self, html: String, block: bool) {
        match &mut self.trusted {
            Some(trusted) => {
                let placeholder =
                    format!("{}{}{TRUSTED_CLOSE}", placeholder_prefix(), trusted.len());
                trusted.push(html);
                self.events.push(Event::Text(CowStr::from(placeholder)));
            }
            None if block => self.events.push(Event::Html(CowStr::from(html))),
            None => self.events.push(Event::InlineHtml(CowStr::from(html))),
        }
    }

    fn finish(self, size_hint: usize) -> String {
        let mut html = String::with_capacity(size_hint * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        let Some(trusted) = self.trusted else {
            return html;
        };
        let clean = sanitizer().clean(&html).to_string();
        splice(&clean, &trusted)
    }
}

/// Puts storia's own HTML back in place of its placeholders in the
/// sanitised `clean`. Each goes back once, and only where the placeholder
/// stands in text: never inside a tag or an attribute value, where its
/// quotes would end the value early.
fn splice(clean: &str, trusted: &[String]) -> String {
    let prefix = placeholder_prefix();
    let mut out = String::with_capacity(clean.len());
    let mut used = vec![false; trusted.len()];
    let mut context = raw_html::Scanner::default();
    let mut rest = clean;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        context.feed(&rest[..at]);
        let after = &rest[at + prefix.len()..];
        let Some(close) = after.find(TRUSTED_CLOSE) else {
            rest = after;
            continue;
        };
        let piece = after[..close]
            .parse::<usize>()
            .ok()
            .filter(|&n| n < trusted.len());
        if let Some(n) = piece.filter(|&n| context.in_text() && !used[n]) {
            used[n] = true;
            out.push_str(&trusted[n]);
        }
        rest = &after[close + TRUSTED_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The sanitiser for `safe_html: true`: ammonia's safe defaults, plus what
/// Markdown itself produces (heading ids, footnotes, task-list boxes).
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class"])
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .link_rel(None);
        b
    })
}

/// If the paragraph (or tight list item) starting at `start` holds only
/// `![…](quote:ID)`, the id and the index after its end. It stops at the
/// first thing that is not the embed, so a list nested a thousand deep is
/// not walked a thousand times.
fn lone_embed<'a>(events: &'a [Event<'a>], start: usize) -> Option<(&'a str, usize)> {
    let mut quote = None;
    let mut depth = 0usize;
    for (i, e) in events.iter().enumerate().skip(start + 1) {
        match e {
            Event::End(_) if depth == 0 => return quote.map(|q| (q, i + 1)),
            Event::Start(Tag::Image {
                dest_url,
                link_type:
                    LinkType::Inline | LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut,
                ..
            }) if depth == 0 => match EntityKind::parse_reference(dest_url) {
                Some((EntityKind::Quote, id)) if quote.is_none() => {
                    quote = Some(id);
                    depth += 1;
                }
                _ => return None,
            },
            Event::Start(_) if depth == 0 => return None,
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            Event::Text(t) if depth == 0 && !t.trim().is_empty() => return None,
            Event::Text(_) | Event::SoftBreak => {}
            _ if depth > 0 => {}
            _ => return None,
        }
    }
    None
}

/// The index of the `End` matching the `Start` at `start`.
fn find_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// Escapes text for HTML content and double-quoted attribute values (and XML).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

fn syntaxes() -> &'static syntect::parsing::SyntaxSet {
    static SET: OnceLock<syntect::parsing::SyntaxSet> = OnceLock::new();
    SET.get_or_init(syntect::parsing::SyntaxSet::load_defaults_newlines)
}

/// The CSS class prefix of highlighted code, so syntect's scope names never
/// collide with the theme's own classes.
pub const HIGHLIGHT_PREFIX: &str = "hl-";

fn highlight(code: &str, lang: &str) -> String {
    let lang_attr = if lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape_html(lang))
    };
    if !lang.is_empty() {
        let set = syntaxes();
        if let Some(syntax) = set.find_syntax_by_token(lang) {
            let mut gen = syntect::html::ClassedHTMLGenerator::new_with_class_style(
                syntax,
                set,
                syntect::html::ClassStyle::SpacedPrefixed {
                    prefix: HIGHLIGHT_PREFIX,
                },
            );
            let ok = syntect::util::LinesWithEndings::from(code)
                .all(|line| gen.parse_html_for_line_which_includes_newline(line).is_ok());
            if ok {
                return format!(
                    "<pre class=\"code hl-code\" tabindex=\"0\"{lang_attr}><code>{}</code></pre>\n",
                    gen.finalize()
                );
            }
        }
    }
    format!(
        "<pre class=\"code hl-code\" tabindex=\"0\"{lang_attr}><code>{}</code></pre>\n",
        escape_html(code)
    )
}

/// The stylesheet for highlighted code in `theme`, or `None` if syntect has no such theme.
pub fn highlight_css(theme: &str) -> Option<String> {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let theme = themes.themes.get(theme)?;
    syntect::html::css_for_theme_with_class_style(
        theme,
        syntect::html::ClassStyle::SpacedPrefixed {
            prefix: HIGHLIGHT_PREFIX,
        },
    )
    .ok()
}

/// The names of syntect's bundled themes.
pub fn highlight_theme_names() -> Vec<String> {
    let mut names: Vec<String> = syntect::highlighting::ThemeSet::load_defaults()
        .themes
        .into_keys()
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R;
    impl Resolver for R {
        fn url(&self, kind: EntityKind, id: &str) -> Option<String> {
            Some(format!("/{}/{id}/", kind.scheme()))
        }
        fn citation(&self, id: &str) -> Option<(usize, String)> {
            (id == "isw").then(|| (1, "https://isw.example/".into()))
        }
        fn embed(&self, q: &str) -> Option<String> {
            Some(format!("<figure id=\"q-{q}\"></figure>"))
        }
        fn root(&self) -> &str {
            "/blog/"
        }
        fn lang(&self) -> &str {
            "it"
        }
    }

    #[test]
    fn straight_double_quotes_get_the_bodys_language_marks() {
        let html = render("Disse \"no\" e l'ha ripetuto, «già» “così”.\n", &R, false);
        assert_eq!(html, "<p>Disse «no» e l’ha ripetuto, «già» “così”.</p>\n");
    }

    #[test]
    fn links_from_the_root_get_the_root_path_and_others_do_not() {
        let body = "[a](/chi-siamo/) ![i](/img/caf%C3%A9.jpg) [b](//cdn.example/x) [c](https://e.org/) [d](#top) [e](rel/)\n";
        let html = render(body, &R, false);
        assert!(html.contains("href=\"/blog/chi-siamo/\""), "{html}");
        assert!(html.contains("src=\"/blog/img/caf%C3%A9.jpg\""), "{html}");
        assert!(html.contains("href=\"//cdn.example/x\""), "{html}");
        assert!(
            html.contains("href=\"#top\"") && html.contains("href=\"rel/\""),
            "{html}"
        );
        let s = scan(body);
        let found: Vec<(String, bool)> = s.locals.iter().map(|l| (l.path(), l.image)).collect();
        assert_eq!(
            found,
            [
                ("chi-siamo/".to_string(), false),
                ("img/café.jpg".to_string(), true)
            ]
        );
        assert_eq!(&body[s.locals[1].offset..][..4], "/img");
    }

    #[test]
    fn scan_finds_refs_with_the_id_position() {
        let body = "Intro [Putin](actor:putin) and [x](https://e.org).\n\n![](quote:q1)\n";
        let s = scan(body);
        assert_eq!(s.refs.len(), 2);
        assert_eq!(
            &body[s.refs[0].offset..s.refs[0].offset + s.refs[0].len],
            "putin"
        );
        assert!(s.refs[1].embed);
        assert_eq!(s.first_paragraph.as_deref(), Some("Intro Putin and x."));
        assert!(s.problems.is_empty());
    }

    #[test]
    fn embeds_must_stand_alone() {
        let s = scan("Text ![](quote:q1) more\n");
        assert!(matches!(
            s.problems[0].problem,
            Problem::EmbedNotAlone { .. }
        ));
        let s = scan("- ![](quote:q1)\n\n> ![](quote:q2)\n");
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let s = scan("![](quote:q1)\n\n![](quote:q1)\n");
        assert!(matches!(s.problems[0].problem, Problem::EmbedTwice { .. }));
    }

    #[test]
    fn misspelt_kinds_are_caught_and_web_links_are_not() {
        let s = scan("[a](actr:putin) [b](mailto:x@y.z) [c](https://x.y)");
        assert_eq!(s.problems.len(), 1);
        assert!(matches!(
            s.problems[0].problem,
            Problem::UnknownRefKind { .. }
        ));
    }

    #[test]
    fn summary_skips_headings_embeds_and_code() {
        let s = scan("## Title\n\n![](quote:q)\n\n```\ncode\n```\n\nFirst *real* text.\n");
        assert_eq!(s.first_paragraph.as_deref(), Some("First real text."));
        assert_eq!(
            scan("Un **due**tre, [quattro](actor:x)\n\n```\nnot counted\n```\n\n# Cinque").words,
            4
        );
    }

    #[test]
    fn render_resolves_links_cites_embeds_and_heading_ids() {
        let html = render(
            "## Minsk\n\n## Minsk\n\n[P](actor:putin) [ISW](cite:isw)\n\n![](quote:q1)\n",
            &R,
            false,
        );
        assert!(html.contains("<h2 id=\"minsk\">"), "{html}");
        assert!(html.contains("<h2 id=\"minsk-1\">"), "{html}");
        assert!(html.contains("href=\"/actor/putin/\""), "{html}");
        assert!(html.contains("href=\"https://isw.example/\""), "{html}");
        assert!(html.contains("#citation-1"), "{html}");
        assert!(html.contains("<figure id=\"q-q1\">"), "{html}");
        assert!(!html.contains("<p><figure"), "{html}");
    }

    #[test]
    fn safe_html_sanitises_raw_html_and_keeps_our_own() {
        let body = "Hi <script>alert(1)</script><img src=x onerror=alert(1)> [P](actor:putin)\n\n<div onclick=\"x()\">ok</div>\n\n![](quote:q1)\n\n## Head\n";
        let html = render(body, &R, true);
        assert!(
            !html.contains("<script") && !html.contains("onerror") && !html.contains("onclick"),
            "{html}"
        );
        assert!(
            html.contains("<a class=\"ref ref-actor\" href=\"/actor/putin/\">P</a>"),
            "{html}"
        );
        assert!(html.contains("<figure id=\"q-q1\"></figure>"), "{html}");
        assert!(html.contains("<h2 id=\"head\">"), "{html}");
        assert!(
            render(body, &R, false).contains("<script>"),
            "raw HTML is kept by default"
        );
    }

    #[test]
    fn placeholders_typed_by_an_editor_are_only_text() {
        // The editor writes what the old placeholders looked like, in text,
        // in an attribute, and around storia's own link.
        let forged = "\u{E000}0\u{E001}";
        let body = format!(
            "<b title=\"{forged}\">x</b> {forged} [P](actor:putin) <img src=x title=\"{forged}\" onfocus=\"alert(1)\" autofocus> {forged}1{forged}\n"
        );
        let html = render(&body, &R, true);
        assert!(
            !html.contains("onfocus") && !html.contains("alert"),
            "{html}"
        );
        assert_eq!(
            html.matches("<a class=\"ref ref-actor\"").count(),
            1,
            "{html}"
        );
        assert!(!html.contains("title=\"<"), "{html}");
    }

    #[test]
    fn storia_html_never_lands_inside_an_attribute() {
        assert_eq!(
            splice("<p title=\"x\">y</p>", &["<a>".into()]),
            "<p title=\"x\">y</p>"
        );
        let p = format!("{}0{TRUSTED_CLOSE}", placeholder_prefix());
        assert_eq!(
            splice(
                &format!("<p title=\"{p}\">{p}</p>"),
                &["<a href=\"/x\">".into()]
            ),
            "<p title=\"\"><a href=\"/x\"></p>"
        );
    }

    #[test]
    fn comments_are_not_published() {
        for sanitize in [false, true] {
            let html = render(
                "Testo <!-- nota interna: la fonte --> pubblico.\n\n<!--\nblocco\n\nriservato\n-->\n\n<div>a<!-- b -->c</div>\n\nFine.\n",
                &R,
                sanitize,
            );
            assert!(
                !html.contains("<!--") && !html.contains("nota") && !html.contains("riservato"),
                "{html}"
            );
            assert!(
                html.contains("pubblico") && html.contains("Fine.") && html.contains("ac"),
                "{html}"
            );
            let html = render("[P<!-- x -->utin](actor:putin)", &R, sanitize);
            assert!(html.contains(">Putin</a>"), "{html}");
        }
    }

    #[test]
    fn unclosed_comments_tags_and_scripts_are_found_where_they_open() {
        for (body, opened_at) in [
            ("Intro.\n\n<!-- nota\n", "<!-- nota"),
            ("> <!-- in a quote\n\nAfter.\n", "<!-- in a quote"),
            ("<div title=\"x\n\nText.\n", "<div title"),
            ("- <script>x\n\nText.\n", "<script>x"),
        ] {
            let s = scan(body);
            assert_eq!(s.problems.len(), 1, "{body:?}: {:?}", s.problems);
            assert!(matches!(
                s.problems[0].problem,
                Problem::UnclosedHtml { .. }
            ));
            assert_eq!(
                &body[s.problems[0].offset..],
                &body[body.find(opened_at).unwrap()..],
                "{body:?}"
            );
        }
        assert!(scan("<!-- a -->\n\n<div>\n<!-- b\nc -->\n</div>\n")
            .problems
            .is_empty());
        // Inline HTML is read a paragraph at a time: `<script>` … `</script>` is whole.
        assert!(scan("Ciao <script>alert(1)</script> e *<span>a</span>*.\n")
            .problems
            .is_empty());
        assert_eq!(scan("Ciao <script>alert(1)\n\nDopo.\n").problems.len(), 1);
    }

    #[test]
    fn nesting_past_the_limit_is_one_error_where_it_passes_the_limit() {
        let ok = "* ".repeat(MAX_NESTING / 2 - 1) + "x\n";
        assert!(scan(&ok).problems.is_empty());
        for body in ["* ".repeat(100_000) + "x\n", "> ".repeat(100_000) + "x\n"] {
            let s = scan(&body);
            assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
            assert!(s.problems[0].offset < 2 * (MAX_NESTING + 1));
        }
    }

    #[test]
    fn links_that_run_code_are_refused_however_written() {
        for dest in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java&#9;script:alert(1)",
            "&#106;avascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
        ] {
            for body in [
                format!("[x]({dest})"),
                format!("![x]({dest})"),
                format!("[x]\n\n[x]: {dest}"),
            ] {
                let s = scan(&body);
                assert!(
                    s.problems
                        .iter()
                        .any(|p| matches!(p.problem, Problem::UnsafeLink { .. })),
                    "{body}: {:?}",
                    s.problems
                );
            }
        }
        assert!(scan("<javascript:alert(1)>").problems.len() == 1);
        assert!(scan("[a](https://x.org/javascript:) [b](/data:x)")
            .problems
            .is_empty());
    }

    #[test]
    fn fenced_code_is_highlighted_with_classes() {
        let html = render("```rust\nfn main() {}\n```\n", &R, false);
        assert!(html.contains("class=\"hl-"), "{html}");
    }
}
