//! Paths of the site named in content: lead images (`image:
//! /images/minsk.jpg`) and body links written from the site's root
//! (`[chi siamo](/chi-siamo/)`, `![](/images/minsk.jpg)`). Each must lead
//! to a file the build publishes; each that does not is one error, at the
//! place it is written, with the closest path of the site when one is near.
//!
//! Files are known before anything is rendered: lead images and body images
//! are checked then, with every other error of the build. Pages are known
//! once rendered: body links to pages are checked against the files the
//! build produced, so a link to any page, list, feed or file of the site is
//! found, whatever made it.

use crate::content::frontmatter::ImageMatter;
use crate::content::{Entry, Site};
use crate::diagnostics::{Diagnostic, Problem};
use crate::index::Index;
use crate::markdown::LocalLink;
use crate::suggest::Suggester;
use crate::theme::Theme;
use std::collections::{BTreeSet, HashSet};

/// The files the site publishes from its static folders: its own
/// `static/` and the theme's (on disk and built in), by path from the
/// site's root (`images/minsk.jpg`).
#[derive(Debug, Default)]
pub struct StaticFiles {
    names: BTreeSet<String>,
}

impl StaticFiles {
    /// The static files of `theme`'s site, listed without being read.
    pub fn of(theme: &Theme) -> Result<StaticFiles, Diagnostic> {
        Ok(StaticFiles {
            names: theme.names("static")?,
        })
    }

    /// Whether `path` (from the site's root, without the leading `/`) is one of them.
    pub fn has(&self, path: &str) -> bool {
        self.names.contains(path)
    }

    /// The one check of a file named in content: `written` is a site path
    /// as written (`/images/minsk.jpg`); an http(s) URL is not the site's
    /// to check. The problem and its help when no static file has that path.
    pub fn check(&self, written: &str) -> Option<(Problem, String)> {
        if !crate::markdown::is_root_relative(written) {
            return None;
        }
        let link = LocalLink {
            dest: written.to_string(),
            offset: 0,
            image: true,
        };
        let path = link.path();
        if self.has(&path) {
            return None;
        }
        let problem = Problem::MissingFile {
            written: written.to_string(),
        };
        let names = self.names.iter().map(String::as_str);
        let help = match crate::suggest::closest_to(&path, names) {
            Some(near) => format!("did you mean `/{near}`?"),
            None => format!("put the file at `static/{path}`, or correct the path"),
        };
        Some((problem, help))
    }
}

/// Every lead image and body image of the content that names no static
/// file, drafts included (their mistakes show while they are written).
pub fn check_files(site: &Site, files: &StaticFiles) -> Vec<Diagnostic> {
    let c = &site.content;
    let mut out = Vec::new();
    let mut lead = |image: Option<&ImageMatter>, at: &dyn Fn() -> crate::diagnostics::Location| {
        if let Some((problem, help)) = image.and_then(|i| files.check(&i.src.0)) {
            out.push(Diagnostic::error(problem).at(at()).help(help));
        }
    };
    for d in &c.digests {
        lead(d.matter.image.as_ref(), &|| d.locate_image());
    }
    for a in &c.actors {
        lead(a.matter.image.as_ref(), &|| a.locate_image());
    }
    for s in &c.sources {
        lead(s.matter.image.as_ref(), &|| s.locate_image());
    }
    for s in &c.stories {
        lead(s.matter.image.as_ref(), &|| s.locate_image());
    }
    let mut body = |e: &dyn BodyLinks| {
        for (l, at) in e.images() {
            if let Some((problem, help)) = files.check(&l.dest) {
                out.push(Diagnostic::error(problem).at(at).help(help));
            }
        }
    };
    c.digests.iter().for_each(|e| body(e));
    c.actors.iter().for_each(|e| body(e));
    c.sources.iter().for_each(|e| body(e));
    c.stories.iter().for_each(|e| body(e));
    c.pages.iter().for_each(|e| body(e));
    out
}

/// The body links of an entry of any kind, with their places.
trait BodyLinks {
    fn links(&self) -> Vec<(&LocalLink, crate::diagnostics::Location)>;
    fn images(&self) -> Vec<(&LocalLink, crate::diagnostics::Location)> {
        self.links().into_iter().filter(|(l, _)| l.image).collect()
    }
}

impl<M> BodyLinks for Entry<M> {
    fn links(&self) -> Vec<(&LocalLink, crate::diagnostics::Location)> {
        self.locals
            .iter()
            .map(|l| (l, self.local_location(l)))
            .collect()
    }
}

/// Every body link of a published page, written from the site's root,
/// that leads to none of the `produced` files (paths from the output's
/// root: `chi-siamo/index.html`). `root` is the site's root path (`/blog/`
/// for a site deployed under a path), which links leave out.
pub fn check_links(index: &Index<'_>, produced: &HashSet<String>, root: &str) -> Vec<Diagnostic> {
    let published: Vec<&dyn BodyLinks> = (0..index.digests.len() as u32)
        .map(|d| index.digest(crate::index::DigestIx(d)) as &dyn BodyLinks)
        .chain((0..index.actors.len() as u32).map(|a| index.actor(crate::index::ActorIx(a)) as _))
        .chain(
            (0..index.sources.len() as u32).map(|s| index.source(crate::index::SourceIx(s)) as _),
        )
        .chain((0..index.stories.len() as u32).map(|s| index.story(crate::index::StoryIx(s)) as _))
        .chain((0..index.pages.len() as u32).map(|p| index.page(crate::index::PageIx(p)) as _))
        .collect();
    let broken: Vec<(&LocalLink, crate::diagnostics::Location)> = published
        .iter()
        .flat_map(|e| e.links())
        // Images were checked before rendering, against the static files.
        .filter(|(l, _)| !l.image && !leads_somewhere(&l.path(), produced))
        .collect();
    if broken.is_empty() {
        return Vec::new();
    }
    let urls: Vec<String> = produced.iter().map(|p| page_url(p)).collect();
    let suggester = Suggester::new(urls.iter().map(String::as_str));
    let mut out = Vec::new();
    for (l, at) in broken {
        let help = base_path_help(&l.dest, root, produced)
            .or_else(|| suggester.did_you_mean(&format!("/{}", l.path())))
            .unwrap_or_else(|| {
                "links written from the site's root name a page (`/chi-siamo/`) or a file of `static/`".into()
            });
        out.push(
            Diagnostic::error(Problem::BrokenLink {
                url: l.dest.clone(),
                reason: format!("no page or file `{}` in the site", l.path()),
            })
            .at(at)
            .help(help),
        );
    }
    out
}

/// Whether `path` (from the site's root) is a produced file, or a folder
/// with its `index.html`.
fn leads_somewhere(path: &str, produced: &HashSet<String>) -> bool {
    let path = path.trim_end_matches('/');
    let index = if path.is_empty() {
        "index.html".to_string()
    } else {
        format!("{path}/index.html")
    };
    produced.contains(path) || produced.contains(&index)
}

/// How a produced file is linked: a page by its folder (`/chi-siamo/`).
fn page_url(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{file}"),
    }
}

/// The help for a link that repeats the site's root path
/// (`/blog/chi-siamo/` on a site at `/blog/`): storia adds it.
fn base_path_help(dest: &str, root: &str, produced: &HashSet<String>) -> Option<String> {
    let rest = dest.strip_prefix(root).filter(|_| root != "/")?;
    let link = LocalLink {
        dest: format!("/{rest}"),
        offset: 0,
        image: false,
    };
    leads_somewhere(&link.path(), produced).then(|| {
        format!(
            "write it from the site's root, `/{rest}`: the site's path `{root}` is added to links when the site is built"
        )
    })
}
