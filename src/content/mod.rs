//! Load: the site folder → typed content with source spans.
//!
//! Files are read and parsed in parallel. Each content file keeps its text,
//! so later stages can point at any value or reference in it. Problems local
//! to one file (bad YAML, bad ids, a `cite` naming no citation of the
//! digest) are found here; problems across files are the index's.

pub mod frontmatter;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::entity::EntityKind;
use crate::input::fields::{is_valid_id, suggest_id, Id};
use crate::input::reader::{self, Matter};
use crate::input::SourceFile;
use crate::markdown::{self, BodyRef, LocalLink};
use crate::yaml::Seg;
use frontmatter::{
    ActorMatter, DigestMatter, EditionMatter, Localized, PageMatter, SourceMatter, StoryMatter,
};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// A loaded content file of some kind: its id, text, front matter and body facts.
#[derive(Debug, Clone)]
pub struct Entry<M> {
    /// The id (file stem).
    pub id: Id,
    /// The file; its YAML document is the front matter.
    pub file: SourceFile,
    /// The front matter, as far as it could be read.
    pub matter: M,
    /// The front matter had errors, reported while loading: the values
    /// that failed hold placeholders (an empty id, no date).
    pub damaged: bool,
    /// Byte offset of the body in the file's text.
    pub body_start: usize,
    /// References written in the body.
    pub refs: Vec<BodyRef>,
    /// Links and images in the body to paths of the site (`/chi-siamo/`).
    pub locals: Vec<LocalLink>,
    /// Images in the body without alt text.
    pub without_alt: Vec<LocalLink>,
    /// The body's first paragraph as plain text.
    pub first_paragraph: Option<String>,
    /// Words in the body (code blocks left out).
    pub words: usize,
    /// The entity's text in other languages, from `<id>.<lang>.md` beside
    /// it: the language, and that file (its body and optional front matter).
    pub in_langs: Vec<(String, Box<Entry<EditionMatter>>)>,
}

impl<M> Entry<M> {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }

    /// Where the front-matter value at `path` is.
    pub fn locate(&self, path: &[Seg<'_>]) -> Location {
        self.file.locate_yaml(path)
    }

    /// Where the path of the lead image is: `image:`'s value, or its
    /// `src:` when written in full.
    pub fn locate_image(&self) -> Location {
        let src = [Seg::Key("image"), Seg::Key("src")];
        if self.file.spans().find(&src).is_some() {
            self.locate(&src)
        } else {
            self.locate(&src[..1])
        }
    }

    /// Where a body reference is.
    pub fn ref_location(&self, r: &BodyRef) -> Location {
        self.file.location(self.body_start + r.offset, r.len)
    }

    /// The body edition `lang` shows: its own (`<id>.<lang>.md`), else
    /// this one, marked as in `first` (the site's language) outside it.
    pub fn body_in<'a>(
        &'a self,
        lang: &str,
        first: &'a str,
    ) -> crate::input::texts::Shown<'a, str> {
        use crate::input::texts::Shown;
        match self.in_langs.iter().find(|(l, _)| l == lang) {
            Some((_, e)) => Shown {
                value: e.body(),
                lang: None,
            },
            None => Shown {
                value: self.body(),
                lang: (lang != first).then_some(first),
            },
        }
    }

    /// Where a link to a path of the site is written in the body.
    pub fn local_location(&self, l: &LocalLink) -> Location {
        self.file.location(self.body_start + l.offset, l.dest.len())
    }
}

/// A digest.
pub type Digest = Entry<DigestMatter>;
/// An actor.
pub type Actor = Entry<ActorMatter>;
/// A source.
pub type Source = Entry<SourceMatter>;
/// A story.
pub type Story = Entry<StoryMatter>;
/// A plain page.
pub type Page = Entry<PageMatter>;

/// Everything under `content/`, parsed, in a stable order (by path).
#[derive(Debug, Default)]
pub struct Content {
    /// Digests, drafts included.
    pub digests: Vec<Digest>,
    /// Actors.
    pub actors: Vec<Actor>,
    /// Sources.
    pub sources: Vec<Source>,
    /// Stories.
    pub stories: Vec<Story>,
    /// Plain pages, drafts included.
    pub pages: Vec<Page>,
    /// Files that failed to load, or whose front matter had errors, by kind
    /// and id: references to them, or to what they define (quotes), are
    /// not reported again.
    pub broken: std::collections::HashSet<(EntityKind, String)>,
}

impl Content {
    /// Every loaded file, of every kind.
    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        let c = self;
        (c.digests.iter().map(|e| &e.file))
            .chain(c.actors.iter().map(|e| &e.file))
            .chain(c.sources.iter().map(|e| &e.file))
            .chain(c.stories.iter().map(|e| &e.file))
            .chain(c.pages.iter().map(|e| &e.file))
    }

    /// Whether `id` of `kind` names a file that failed to load (a quote:
    /// whether any digest did, since its quotes are unknown).
    pub fn is_broken(&self, kind: EntityKind, id: &str) -> bool {
        match kind {
            EntityKind::Quote => self.broken.iter().any(|(k, _)| *k == EntityKind::Digest),
            _ => self.broken.contains(&(kind, id.to_string())),
        }
    }
}

/// A loaded site.
#[derive(Debug)]
pub struct Site {
    /// The site root.
    pub root: PathBuf,
    /// `site.yaml`.
    pub config: Config,
    /// The content.
    pub content: Content,
}

/// Finds the content files under `root/content`, sorted by path. Symlinks
/// are followed while they stay inside the site ([`crate::sources`]).
fn discover(root: &Path, diags: &mut Diagnostics) -> Vec<(EntityKind, PathBuf)> {
    let mut found = Vec::new();
    let walk = crate::sources::walk(root, Path::new("content"));
    diags.extend(walk.problems);
    for rel in walk.files {
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_scratch(&name) {
            continue;
        }
        if !name.ends_with(".md") {
            diags.extend(misnamed(root, &rel, &name));
            continue;
        }
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        // parts[0] is "content".
        // Only digests may sit in sub-folders of their folder.
        let kind = EntityKind::FILES.into_iter().find(|k| {
            parts.get(1).map(String::as_str) == k.folder()
                && (parts.len() == 3 || (*k == EntityKind::Digest && parts.len() > 3))
        });
        match kind {
            Some(kind) => found.push((kind, rel)),
            None => {
                let reason = match parts.get(1).map(String::as_str) {
                    _ if parts.len() == 2 => {
                        "Markdown files go in `content/digests/`, `actors/`, `sources/`, `stories/` or `pages/`"
                    }
                    Some("actors" | "sources" | "stories" | "pages") => {
                        "only `content/digests/` may have sub-folders"
                    }
                    _ => "the content folders are `digests/`, `actors/`, `sources/`, `stories/` and `pages/`",
                };
                diags.push(
                    Diagnostic::error(Problem::StrayFile {
                        path: crate::diagnostics::display_path(&rel),
                        reason,
                    })
                    .at(Location::file(&rel)),
                );
            }
        }
    }
    found
}

/// A file of `content/` that is not named `*.md` but is clearly meant as
/// content: a Markdown extension in any case (`Putin.MD`, `x.markdown`),
/// or a text file that starts with front matter (`x.txt`). Anything else
/// is ignored, as the content format says.
fn misnamed(root: &Path, rel: &Path, name: &str) -> Option<Diagnostic> {
    const MARKDOWN: [&str; 6] = ["md", "markdown", "mdown", "mkd", "mkdn", "mdwn"];
    let (stem, extension) = name.rsplit_once('.')?;
    let extension = extension.to_ascii_lowercase();
    let meant = MARKDOWN.contains(&extension.as_str())
        || (matches!(extension.as_str(), "txt" | "text")
            && starts_with_front_matter(&root.join(rel)));
    if !meant {
        return None;
    }
    let slug = suggest_id(stem);
    let renamed = format!("{}.md", if slug.is_empty() { stem } else { &slug });
    let beside = rel.with_file_name(&renamed);
    // Renaming would overwrite a file that is read: say so instead.
    let exists = root.join(&beside).is_file() && !same_file(&root.join(rel), &root.join(&beside));
    let help = if exists {
        format!(
            "`{}` exists already and is read: merge this file into it, or remove this one",
            crate::diagnostics::display_path(&beside)
        )
    } else {
        format!("rename it to `{renamed}`")
    };
    Some(
        Diagnostic::error(Problem::MisnamedFile {
            path: crate::diagnostics::display_path(rel),
        })
        .at(Location::file(rel))
        .help(help),
    )
}

/// Whether two paths are one file (`Putin.MD` and `putin.md` on a file
/// system that ignores case).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether the file's first line is `---` (after a BOM).
fn starts_with_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    let Ok(n) = std::fs::File::open(path).and_then(|f| f.take(8).read(&mut head)) else {
        return false;
    };
    let head = head[..n]
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&head[..n]);
    head.starts_with(b"---\n") || head.starts_with(b"---\r\n")
}

/// Hidden files and what editors leave beside the file being edited: vim's
/// swap (`.x.md.swp`), backup (`x.md~`) and write probe (`4913`), Emacs'
/// lock (`.#x.md`) and autosave (`#x.md#`), temporary files of a
/// write-then-rename save (`x.md.tmp`). The dev server ignores them too.
pub fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

#[derive(Clone)]
enum Parsed {
    Digest(Digest),
    Actor(Actor),
    Source(Source),
    Story(Story),
    Page(Page),
    /// `<id>.<lang>.md`: an entity's text in another language.
    Edition(EntityKind, String, Box<Entry<EditionMatter>>),
}

impl Parsed {
    fn damaged(&self) -> bool {
        match self {
            Parsed::Digest(e) => e.damaged,
            Parsed::Actor(e) => e.damaged,
            Parsed::Source(e) => e.damaged,
            Parsed::Story(e) => e.damaged,
            Parsed::Page(e) => e.damaged,
            Parsed::Edition(_, _, e) => e.damaged,
        }
    }
}

/// Loads the whole site: `site.yaml`, then every content file in parallel.
pub fn load(root: &Path, base_url_override: Option<&str>) -> (Option<Site>, Diagnostics) {
    load_with(root, base_url_override, None)
}

/// What a file loaded into, kept between loads by [`LoadCache`].
#[derive(Clone)]
struct Loaded {
    /// Size and modification time when it was read.
    stamp: Option<(u64, std::time::SystemTime)>,
    /// The language it was read as the text of (`<id>.<lang>.md`).
    edition: Option<String>,
    parsed: Option<Parsed>,
    diags: Vec<Diagnostic>,
}

/// The files of an earlier load, so a reload reads and parses only what
/// changed (the dev server keeps one). A file is read again when the watcher
/// names it ([`LoadCache::forget`]) or its size or modification time moved.
#[derive(Default)]
pub struct LoadCache {
    files: std::collections::HashMap<PathBuf, std::sync::Arc<Loaded>>,
    /// Files read (not reused) by the last load.
    pub last_read: usize,
}

impl LoadCache {
    /// Drops what is known of `rel` (a path relative to the site root, file
    /// or folder), so the next load reads it again.
    pub fn forget(&mut self, rel: &Path) {
        self.files.retain(|path, _| !path.starts_with(rel));
    }
}

fn stamp(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// [`load`], reusing the unchanged files of `cache`.
pub fn load_with(
    root: &Path,
    base_url_override: Option<&str>,
    cache: Option<&mut LoadCache>,
) -> (Option<Site>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let config = match crate::config::load(root, base_url_override) {
        Ok(c) => Some(c),
        Err(errors) => {
            diags.extend(errors);
            None
        }
    };
    let files = discover(root, &mut diags);
    // `<id>.<lang>.md` beside an actor, source, story or page, for each
    // language but the first: that entity's text in the language.
    let editions: Vec<Option<String>> = files
        .iter()
        .map(|(kind, rel)| config.as_ref().and_then(|c| edition_of(*kind, rel, c)))
        .collect();
    let known = cache.as_deref().map(|c| &c.files);
    let read = std::sync::atomic::AtomicUsize::new(0);
    // Shared with the cache: a reused file is copied once, into the content.
    let results: Vec<std::sync::Arc<Loaded>> = files
        .par_iter()
        .zip(&editions)
        .map(|((kind, rel), edition)| {
            let stamp = known.and_then(|_| stamp(&root.join(rel)));
            if let Some(old) = known.and_then(|k| k.get(rel)) {
                if old.stamp.is_some() && old.stamp == stamp && old.edition == *edition {
                    return old.clone();
                }
            }
            read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let (parsed, diags) = load_file(root, *kind, rel, edition.as_deref());
            std::sync::Arc::new(Loaded {
                stamp,
                edition: edition.clone(),
                parsed,
                diags,
            })
        })
        .collect();
    if let Some(cache) = cache {
        cache.last_read = read.into_inner();
        cache.files = files
            .iter()
            .zip(&results)
            .map(|((_, rel), l)| (rel.clone(), l.clone()))
            .collect();
    }
    let mut content = Content::default();
    let mut in_langs = Vec::new();
    for ((kind, rel), loaded) in files.iter().zip(results) {
        // Without a cache nothing else holds it: no copy at all.
        let loaded = std::sync::Arc::try_unwrap(loaded).unwrap_or_else(|shared| (*shared).clone());
        diags.extend(loaded.diags);
        if loaded.parsed.as_ref().is_none_or(Parsed::damaged) {
            if let Some(stem) = rel.file_stem() {
                content
                    .broken
                    .insert((*kind, stem.to_string_lossy().into_owned()));
            }
        }
        match loaded.parsed {
            Some(Parsed::Digest(d)) => content.digests.push(d),
            Some(Parsed::Actor(a)) => content.actors.push(a),
            Some(Parsed::Source(s)) => content.sources.push(s),
            Some(Parsed::Story(s)) => content.stories.push(s),
            Some(Parsed::Page(p)) => content.pages.push(p),
            Some(Parsed::Edition(kind, lang, e)) => in_langs.push((kind, lang, e)),
            None => {}
        }
    }
    if let Some(config) = &config {
        diags.extend(join_editions(&mut content, in_langs, config));
    }
    if let Some(config) = &config {
        diags.extend(unlisted_text_languages(&content, config));
        set_typography(&mut content, &config.language);
    }
    let site = config.map(|config| Site {
        root: root.to_path_buf(),
        config,
        content,
    });
    (site, diags)
}

/// The language `rel` is the text of an entity in, when it is named
/// `<id>.<lang>.md` with `<lang>` one of the site's languages but the first.
fn edition_of(kind: EntityKind, rel: &Path, config: &Config) -> Option<String> {
    if matches!(kind, EntityKind::Digest) {
        return None;
    }
    let stem = rel.file_stem()?.to_str()?;
    let (id, lang) = stem.rsplit_once('.')?;
    let listed = config.languages.iter().skip(1).any(|l| l == lang);
    (listed && is_valid_id(id)).then(|| lang.to_string())
}

/// Gives each entity its texts in other languages (`<id>.<lang>.md`): the
/// body, and the text fields its front matter writes. A file for no entity
/// is an error.
fn join_editions(
    content: &mut Content,
    editions: Vec<(EntityKind, String, Box<Entry<EditionMatter>>)>,
    config: &Config,
) -> Vec<Diagnostic> {
    fn join<M: Localized>(
        entries: &mut [Entry<M>],
        id: &str,
        lang: String,
        e: Box<Entry<EditionMatter>>,
    ) -> Result<(), Box<Entry<EditionMatter>>> {
        let Some(entry) = entries.iter_mut().find(|x| x.id.as_str() == id) else {
            return Err(e);
        };
        entry.matter.set_texts(&lang, &e.matter);
        entry.in_langs.retain(|(l, _)| *l != lang);
        entry.in_langs.push((lang, e));
        Ok(())
    }
    let mut found = Vec::new();
    for (kind, lang, e) in editions {
        let id = e.id.0.clone();
        let c = &mut *content;
        let joined = match kind {
            EntityKind::Actor => join(&mut c.actors, &id, lang.clone(), e),
            EntityKind::Source => join(&mut c.sources, &id, lang.clone(), e),
            EntityKind::Story => join(&mut c.stories, &id, lang.clone(), e),
            EntityKind::Page => join(&mut c.pages, &id, lang.clone(), e),
            _ => Ok(()),
        };
        if let Err(e) = joined {
            if c.is_broken(kind, &id) {
                continue;
            }
            let ids: Vec<&str> = match kind {
                EntityKind::Actor => c.actors.iter().map(|x| x.id.as_str()).collect(),
                EntityKind::Source => c.sources.iter().map(|x| x.id.as_str()).collect(),
                EntityKind::Story => c.stories.iter().map(|x| x.id.as_str()).collect(),
                _ => c.pages.iter().map(|x| x.id.as_str()).collect(),
            };
            let folder = kind.folder().unwrap_or_default();
            let help = crate::suggest::did_you_mean(&id, ids.iter().copied())
                .map(|m| format!("{m} (name the file `<id>.{lang}.md` after the file it translates)"))
                .unwrap_or_else(|| {
                    format!("add `content/{folder}/{id}.md`, in {}, or rename this file after the one it translates", config.language)
                });
            found.push(
                Diagnostic::error(Problem::FrontMatter(format!(
                    "`{}` is the `{lang}` text of {} `{id}`, but there is no `content/{folder}/{id}.md`",
                    crate::diagnostics::display_path(&e.file.path),
                    kind.name(),
                )))
                .at(Location::file(&e.file.path))
                .help(help),
            );
        }
    }
    found
}

fn load_file(
    root: &Path,
    kind: EntityKind,
    rel: &Path,
    edition: Option<&str>,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    match std::fs::read(root.join(rel)) {
        Ok(bytes) => match edition {
            Some(lang) => parse_edition(kind, rel, lang, bytes),
            None => parse_file(kind, rel, bytes),
        },
        Err(e) => {
            let d = Diagnostic::error(Problem::Io {
                action: "read",
                path: crate::diagnostics::display_path(rel),
                reason: e.to_string(),
            });
            (None, vec![d.at(Location::file(rel))])
        }
    }
}

/// Text of entities written for a language the site does not have: found
/// here, where `languages:` is known (files are parsed without it).
fn unlisted_text_languages(content: &Content, config: &Config) -> Vec<Diagnostic> {
    fn each<M: Localized>(entries: &[Entry<M>], config: &Config) -> Vec<Diagnostic> {
        entries
            .iter()
            .flat_map(|e| config.unlisted_text_languages(&e.file, &[], &e.matter.written_langs()))
            .collect()
    }
    let c = content;
    let mut found = each(&c.actors, config);
    found.extend(each(&c.sources, config));
    found.extend(each(&c.stories, config));
    found.extend(each(&c.pages, config));
    found
}

/// Sets the prose of the front matter (titles, summaries, quote texts) and
/// the summaries taken from bodies in the typographic marks of its language
/// ([`crate::typography`]): once, here, so every page, feed and card that
/// shows them agrees. A digest's text is in its `lang:`, anything else in
/// the site's language.
fn set_typography(content: &mut Content, site_lang: &str) {
    use crate::typography::set;
    let opt = |value: &mut Option<String>, lang: &str| {
        if let Some(v) = value {
            set(v, lang);
        }
    };
    for d in &mut content.digests {
        let lang = d.matter.lang.clone();
        let lang = lang.as_deref().unwrap_or(site_lang);
        let m = &mut d.matter;
        set(&mut m.title.0, lang);
        opt(&mut m.summary, lang);
        opt(&mut d.first_paragraph, lang);
        for q in &mut m.quotes {
            set(&mut q.text.0, lang);
            let original = q.original_lang.clone();
            opt(&mut q.original, original.as_deref().unwrap_or(lang));
            opt(&mut q.context, lang);
        }
    }
    // Text written per language in the marks of each.
    let texts = |t: &mut crate::input::texts::Texts<String>| {
        for (lang, v) in t.each_mut(site_lang) {
            set(v, lang);
        }
    };
    for a in &mut content.actors {
        texts(&mut a.matter.role);
        opt(&mut a.first_paragraph, site_lang);
    }
    for s in &mut content.sources {
        opt(&mut s.first_paragraph, site_lang);
    }
    for s in &mut content.stories {
        texts(&mut s.matter.title);
        texts(&mut s.matter.summary);
        opt(&mut s.first_paragraph, site_lang);
    }
    for p in &mut content.pages {
        texts(&mut p.matter.title);
        texts(&mut p.matter.summary);
        opt(&mut p.first_paragraph, site_lang);
    }
}

/// Parses one content file of `kind` from its bytes, as a build does, and
/// returns the problems found in it alone (what a fuzzer needs without a
/// site on disk).
pub fn check_bytes(kind: EntityKind, rel: &Path, bytes: Vec<u8>) -> Vec<Diagnostic> {
    parse_file(kind, rel, bytes).1
}

/// Parses one digest from its bytes, as a build does: the digest, or every
/// problem found in it (`storia new quote` checks its edit with this).
pub fn parse_digest(rel: &Path, bytes: Vec<u8>) -> Result<Digest, Vec<Diagnostic>> {
    match parse_file(EntityKind::Digest, rel, bytes) {
        (Some(Parsed::Digest(d)), diags) if !diags.iter().any(Diagnostic::is_error) => Ok(d),
        (_, diags) => Err(diags),
    }
}

/// Parses `<id>.<lang>.md`, the text of an entity of `kind` in `lang`:
/// its front matter is optional and holds only text fields of the kind.
fn parse_edition(
    kind: EntityKind,
    rel: &Path,
    lang: &str,
    bytes: Vec<u8>,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let id = rel
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.rsplit_once('.'))
        .map(|(id, _)| id.to_string())
        .unwrap_or_default();
    let mut file = match SourceFile::from_bytes(rel, bytes) {
        Ok(f) => f,
        Err(d) => return (None, vec![d]),
    };
    diags.extend(file.control_characters());
    let with_matter = file.text.starts_with("---\n") || file.text.starts_with("---\r\n");
    let body_start = if with_matter {
        let Some((yaml, body_start)) = split_front_matter(&file, &mut diags) else {
            return (None, diags);
        };
        file.set_yaml(yaml, 2);
        body_start
    } else {
        file.set_yaml(0..0, 1);
        0
    };
    let scan = markdown::scan(&file.text[body_start..]);
    for p in &scan.problems {
        diags.push(
            Diagnostic::error(p.problem.clone())
                .at(file.location(body_start + p.offset, p.len))
                .maybe_help(p.help.clone()),
        );
    }
    let parts = Parts {
        id: Id(id),
        file,
        body_start,
        scan,
    };
    let entry: Entry<EditionMatter> = parts.entry(&mut diags);
    for key in entry.matter.keys_outside(kind) {
        diags.push(
            Diagnostic::error(Problem::UnknownKey {
                key: key.to_string(),
                what: "the text of an entity in another language",
            })
            .at(entry.file.locate_key(&[Seg::Key(key)]))
            .help(format!(
                "{} `{}` takes {} here",
                kind.name(),
                entry.id,
                EditionMatter::keys_of(kind).join(", ")
            )),
        );
    }
    (
        Some(Parsed::Edition(kind, lang.to_string(), Box::new(entry))),
        diags,
    )
}

fn parse_file(kind: EntityKind, rel: &Path, bytes: Vec<u8>) -> (Option<Parsed>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !is_valid_id(&stem) {
        let slug = suggest_id(&stem);
        let mut d = Diagnostic::error(Problem::BadFileName {
            name: stem.clone() + ".md",
        })
        .at(Location::file(rel));
        let meant_lang = stem.rsplit_once('.').filter(|(id, lang)| {
            kind != EntityKind::Digest
                && is_valid_id(id)
                && crate::input::fields::check_lang(lang).is_ok()
        });
        if let Some((id, lang)) = meant_lang {
            d = d.help(format!(
                "`<id>.<lang>.md` is the text of `{id}` in a language of `languages:` in site.yaml: add `{lang}` there, or rename it to `{slug}.md`"
            ));
        } else if !slug.is_empty() {
            d = d.help(format!("rename it to `{slug}.md`"));
        }
        diags.push(d);
    }
    let mut file = match SourceFile::from_bytes(rel, bytes) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    diags.extend(file.control_characters());
    let Some((yaml, body_start)) = split_front_matter(&file, &mut diags) else {
        return (None, diags);
    };
    file.set_yaml(yaml, 2);
    // The body is scanned even when the front matter cannot be read.
    let scan = markdown::scan(&file.text[body_start..]);
    for p in &scan.problems {
        diags.push(
            Diagnostic::error(p.problem.clone())
                .at(file.location(body_start + p.offset, p.len))
                .maybe_help(p.help.clone()),
        );
    }
    // The YAML library would only repeat them, less clearly.
    if file
        .yaml()
        .chars()
        .any(crate::input::fields::is_forbidden_char)
    {
        return (None, diags);
    }
    let parts = Parts {
        id: Id(stem),
        file,
        body_start,
        scan,
    };
    let parsed = match kind {
        EntityKind::Digest => {
            let mut digest: Digest = parts.entry(&mut diags);
            // Held for the whole build: without their growth slack.
            digest.matter.quotes.shrink_to_fit();
            digest.matter.sources.shrink_to_fit();
            check_digest(&digest, &mut diags);
            Parsed::Digest(digest)
        }
        EntityKind::Actor => Parsed::Actor(parts.entry(&mut diags)),
        EntityKind::Source => Parsed::Source(parts.entry(&mut diags)),
        EntityKind::Story => Parsed::Story(parts.entry(&mut diags)),
        EntityKind::Page => Parsed::Page(parts.entry(&mut diags)),
        // They live inside digests: no file is one.
        EntityKind::Quote | EntityKind::Citation => return (None, diags),
    };
    if kind != EntityKind::Digest {
        let entry_refs = match &parsed {
            Parsed::Actor(e) => e.refs.iter().map(|r| (r, e.ref_location(r))).collect(),
            Parsed::Source(e) => e.refs.iter().map(|r| (r, e.ref_location(r))).collect(),
            Parsed::Story(e) => e.refs.iter().map(|r| (r, e.ref_location(r))).collect(),
            Parsed::Page(e) => e.refs.iter().map(|r| (r, e.ref_location(r))).collect(),
            Parsed::Digest(_) | Parsed::Edition(..) => Vec::new(),
        };
        for (r, loc) in entry_refs {
            if r.kind == EntityKind::Citation {
                diags.push(
                    Diagnostic::error(Problem::CiteOutsideDigest)
                        .at(loc)
                        .help("link the source instead, with `[name](source:ID)`"),
                );
            }
        }
    }
    (Some(parsed), diags)
}

/// A content file with its front matter found and its body scanned.
struct Parts {
    id: Id,
    file: SourceFile,
    body_start: usize,
    scan: markdown::BodyScan,
}

impl Parts {
    /// The entry, its front matter read field by field: every problem of
    /// it goes to `diags`; YAML that does not parse leaves placeholders.
    fn entry<M: Matter>(self, diags: &mut Vec<Diagnostic>) -> Entry<M> {
        let file = self.file;
        let (matter, problems) = file.read_matter::<M>();
        let damaged = !problems.is_empty();
        diags.extend(problems);
        diags.extend(matter_in_body::<M>(&file, self.body_start));
        let mut refs = self.scan.refs;
        refs.shrink_to_fit();
        Entry {
            id: self.id,
            file,
            matter,
            damaged,
            body_start: self.body_start,
            refs,
            locals: self.scan.locals,
            without_alt: self.scan.without_alt,
            first_paragraph: self.scan.first_paragraph,
            words: self.scan.words,
            in_langs: Vec::new(),
        }
    }
}

/// Front matter written below the closing `---`: a second `---` block (or
/// the closing line put too early) leaves `key: value` lines of the
/// front matter at the top of the body, which Markdown would publish (as a
/// heading, with the `---` under them).
fn matter_in_body<M: Matter>(file: &SourceFile, body_start: usize) -> Option<Diagnostic> {
    let keys = reader::keys::<M>();
    let is_key = |line: &str| line.split_once(':').is_some_and(|(k, _)| keys.contains(&k));
    let body = &file.text[body_start..];
    let mut lines = body.split_inclusive('\n');
    let mut at = body_start;
    let mut first = lines.next()?;
    if first.trim_end() == "---" {
        at += first.len();
        first = lines.next()?;
    }
    if !is_key(first) {
        return None;
    }
    for line in lines {
        if line.trim_end() == "---" {
            let closing = file.text[..body_start].matches('\n').count();
            let key = first.split_once(':').map_or("", |(k, _)| k);
            return Some(
                Diagnostic::error(Problem::FrontMatter(format!(
                    "`{key}:` is below the front matter's closing `---` (line {closing}): a second `---` block is read as the body"
                )))
                .at(file.location(at, key.len()))
                .help("move these lines above the closing `---`, and remove the `---` under them"),
            );
        }
        if !(is_key(line) || line.starts_with([' ', '-'])) {
            return None;
        }
    }
    None
}

/// Finds the front matter between the first two `---` lines: its byte
/// range and where the body starts.
fn split_front_matter(
    file: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<(std::ops::Range<usize>, usize)> {
    let text = &file.text;
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(Problem::EmptyFile)
                .at(Location::file(&file.path))
                .help("start the file with `---`, the front matter, and `---`"),
        );
        return None;
    }
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        diags.push(
            Diagnostic::error(Problem::NoFrontMatter)
                .at(Location::at(&file.path, text, 1, 1, 3))
                .help("add a line `---` before the front matter and another after it"),
        );
        return None;
    }
    let start = (first_end + 1).min(text.len());
    let mut pos = start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "---" {
            let body_start = (end + 1).min(text.len());
            return Some((start..pos, body_start));
        }
        pos = end + 1;
    }
    diags.push(
        Diagnostic::error(Problem::UnclosedFrontMatter)
            .at(Location::at(&file.path, text, 1, 1, 3))
            .help("add a line `---` where the front matter ends"),
    );
    None
}

/// The longest tag slug: it becomes a folder name, and file systems allow 255 bytes.
pub const MAX_SLUG: usize = 200;

/// Checks a digest on its own: citation ids unique, `cite` naming a citation,
/// quote ids unique within it, tags with a slug, `cite:` links in the body.
fn check_digest(d: &Digest, diags: &mut Vec<Diagnostic>) {
    let m = &d.matter;
    for (i, c) in m.sources.iter().enumerate() {
        if c.id.0.is_empty() {
            continue; // an id that failed to read, reported
        }
        if let Some(first) = m.sources[..i].iter().position(|o| o.id == c.id) {
            diags.push(
                Diagnostic::error(Problem::DuplicateId {
                    kind: "citation",
                    id: c.id.0.clone(),
                    other: format!(
                        "{} (citation {} of this digest)",
                        crate::diagnostics::display_path(&d.file.path),
                        first + 1
                    ),
                })
                .at(d.locate(&[Seg::Key("sources"), Seg::Index(i), Seg::Key("id")]))
                .help("citation ids must be unique within their digest"),
            );
        }
    }
    let citation_ids = || m.sources.iter().map(|c| c.id.as_str());
    for (i, q) in m.quotes.iter().enumerate() {
        if let Some(cite) = &q.cite {
            if !citation_ids().any(|c| c == cite.as_str()) {
                diags.push(
                    Diagnostic::error(Problem::UnknownRef {
                        kind: "citation",
                        id: cite.0.clone(),
                    })
                    .at(d.locate(&[Seg::Key("quotes"), Seg::Index(i), Seg::Key("cite")]))
                    .help(
                        crate::suggest::did_you_mean(cite.as_str(), citation_ids()).unwrap_or_else(
                            || {
                                "`cite` names a citation listed under this digest's `sources:`"
                                    .into()
                            },
                        ),
                    ),
                );
            }
        }
    }
    for (i, t) in m.tags.0.iter().enumerate() {
        if t.0.is_empty() {
            continue; // failed to read, reported
        }
        let slug = crate::slug::slugify(&t.0);
        let at = || d.locate(&[Seg::Key("tags"), Seg::Index(i)]);
        if slug.is_empty() {
            diags.push(Diagnostic::error(Problem::EmptyTagSlug { tag: t.0.clone() }).at(at()));
        } else if slug.len() > MAX_SLUG {
            // The slug is a folder name in the output: file systems stop at 255 bytes.
            diags.push(
                Diagnostic::error(Problem::FrontMatter(format!(
                    "tag `{}…` is too long: its URL slug has {} characters, at most {MAX_SLUG} fit",
                    t.0.chars().take(30).collect::<String>(),
                    slug.len()
                )))
                .at(at())
                .help("tags are short words; put longer text in the body"),
            );
        }
    }
    for r in &d.refs {
        if r.kind == EntityKind::Citation && !citation_ids().any(|c| c == r.id) {
            diags.push(
                Diagnostic::error(Problem::UnknownRef {
                    kind: "citation",
                    id: r.id.clone(),
                })
                .at(d.ref_location(r))
                .help(
                    crate::suggest::did_you_mean(&r.id, citation_ids()).unwrap_or_else(|| {
                        "`cite:` names a citation listed under this digest's `sources:`".into()
                    }),
                ),
            );
        }
    }
}
