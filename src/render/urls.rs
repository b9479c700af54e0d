//! The site's URLs: root-relative links that carry the base path, absolute
//! permalinks, and the output file each page URL is written to.

use crate::config::Paths;

/// The site's URLs: root-relative links that carry the base path, and
/// absolute permalinks.
#[derive(Debug, Clone)]
pub struct Urls {
    /// Absolute, ending in `/`.
    pub base_url: String,
    /// `/`, or `/sub/path/` for a site deployed under a path.
    pub base_path: String,
    /// The site's `base_url` and `base_path`: the same but for a language
    /// other than the site's, whose pages live under `<lang>/`.
    root_url: String,
    pub(super) root_path: String,
    paths: Paths,
}

/// An order of the actors list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorSort {
    /// By id (the list's own URL).
    Name,
    /// Most quotes first.
    Quoted,
    /// Newest quote first.
    Recent,
}

impl ActorSort {
    /// Every order, the list's own first.
    pub const ALL: [ActorSort; 3] = [ActorSort::Name, ActorSort::Quoted, ActorSort::Recent];

    /// The order's name in URLs and templates.
    pub fn key(self) -> &'static str {
        match self {
            ActorSort::Name => "name",
            ActorSort::Quoted => "quoted",
            ActorSort::Recent => "recent",
        }
    }
}

impl Urls {
    /// URLs for a site at `base_url`.
    pub fn new(base_url: &str, paths: &Paths) -> Urls {
        let base_path = url::Url::parse(base_url)
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| "/".into());
        let base_path = if base_path.ends_with('/') {
            base_path
        } else {
            format!("{base_path}/")
        };
        Urls {
            base_url: base_url.to_string(),
            root_url: base_url.to_string(),
            root_path: base_path.clone(),
            base_path,
            paths: paths.clone(),
        }
    }
    /// The URLs of a language's pages: under `/<lang>/`, with its section
    /// words `paths`.
    pub fn in_language(&self, lang: &str, paths: &Paths) -> Urls {
        Urls {
            base_url: format!("{}{lang}/", self.base_url),
            base_path: format!("{}{lang}/", self.base_path),
            root_url: self.root_url.clone(),
            root_path: self.root_path.clone(),
            paths: paths.clone(),
        }
    }

    /// Page `url` of these URLs as `other` writes it: under its base path,
    /// with its word for the section (`/akteure/x/` → `/en/actors/x/`).
    pub fn same_page_in(&self, url: &str, other: &Urls) -> String {
        let rel = url.strip_prefix(&self.base_path).unwrap_or(url);
        let (first, rest) = rel.split_once('/').unwrap_or((rel, ""));
        let mine = self.paths.all();
        let theirs = other.paths.all();
        match mine.iter().position(|(_, w)| *w == first) {
            Some(i) if !rest.is_empty() || rel.ends_with('/') => {
                format!("{}{}/{rest}", other.base_path, theirs[i].1)
            }
            _ => format!("{}{rel}", other.base_path),
        }
    }
    /// The section words (`paths:` of site.yaml).
    pub fn paths(&self) -> &Paths {
        &self.paths
    }
    /// The home page.
    pub fn home(&self) -> String {
        self.base_path.clone()
    }
    /// A list page: `/<word>/`.
    pub fn section(&self, word: &str) -> String {
        format!("{}{word}/", self.base_path)
    }
    /// An item page: `/<word>/<id>/`.
    pub fn item(&self, word: &str, id: &str) -> String {
        format!("{}{word}/{id}/", self.base_path)
    }
    /// Page `n` of a paginated list.
    pub fn paginated(list: &str, n: usize) -> String {
        if n <= 1 {
            list.to_string()
        } else {
            format!("{list}page/{n}/")
        }
    }
    /// The absolute URL of a root-relative one.
    pub fn absolute(&self, url: &str) -> String {
        format!(
            "{}{}",
            self.root_url,
            url.strip_prefix(&self.root_path)
                .unwrap_or(url.trim_start_matches('/'))
        )
    }
    /// The actors list in another order: `/<actors>/sort/<key>/`, two
    /// levels deep so no actor id can take its URL.
    pub fn sorted_actors(&self, sort: ActorSort) -> String {
        match sort {
            ActorSort::Name => self.section(&self.paths.actors),
            _ => format!("{}sort/{}/", self.section(&self.paths.actors), sort.key()),
        }
    }
    /// The output file of a page URL.
    pub fn file_of(&self, url: &str) -> String {
        let rel = url
            .strip_prefix(&self.root_path)
            .unwrap_or(url.trim_start_matches('/'));
        // A percent-encoded path names the folder as it reads.
        let decoded;
        let rel = if rel.contains('%') {
            decoded = percent_encoding::percent_decode_str(rel)
                .decode_utf8_lossy()
                .into_owned();
            decoded.as_str()
        } else {
            rel
        };
        if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        }
    }
    /// A digest's page.
    pub fn digest(&self, id: &str) -> String {
        self.item(&self.paths.digests, id)
    }
    /// An actor's page.
    pub fn actor(&self, id: &str) -> String {
        self.item(&self.paths.actors, id)
    }
    /// A source's page.
    pub fn source(&self, id: &str) -> String {
        self.item(&self.paths.sources, id)
    }
    /// A story's page.
    pub fn story(&self, id: &str) -> String {
        self.item(&self.paths.stories, id)
    }
    /// A tag's page.
    pub fn tag(&self, slug: &str) -> String {
        // A slug in another script (multilingual sites) is written as it
        // reads, an IRI: browsers, servers and sitemap readers encode it.
        self.item(&self.paths.tags, slug)
    }
    /// A plain page.
    pub fn page(&self, id: &str) -> String {
        self.section(id)
    }
    /// An image path of the site, with the base path; URLs stay as they are.
    pub fn image(&self, image: &str) -> String {
        match image.strip_prefix('/') {
            Some(rel) => format!("{}{rel}", self.root_path),
            None => image.to_string(),
        }
    }
    /// An image as an absolute URL (for social cards and structured data).
    pub fn absolute_image(&self, image: &str) -> String {
        let image = self.image(image);
        if image.starts_with("http://") || image.starts_with("https://") {
            image
        } else {
            self.absolute(&image)
        }
    }
}
