//! Machine-readable outputs: Atom feeds (site, each actor, each story), the
//! sitemap and robots.txt ([`super::search`] writes the search index). On a
//! site of several languages each language has its own feeds; the sitemap
//! lists the pages of all of them. Drafts never appear in any of them, even
//! when `--drafts` gives them pages.

use super::context::{PageRenderer, Urls};
use super::values::{summary, text, Values};
use super::OutputFile;
use crate::config::FeedContent;
use crate::index::{DigestIx, Index};
use crate::markdown::escape_html;
use rayon::prelude::*;
use std::fmt::Write as _;

/// A language's feeds (its `index` and `urls`), into `sink`, in parallel.
pub fn feeds(
    index: &Index<'_>,
    values: &Values,
    urls: &Urls,
    renderer: &PageRenderer<'_, '_>,
    lang: &str,
    sink: &(dyn Fn(OutputFile) + Sync),
) {
    let all: Vec<DigestIx> = (0..index.digests.len() as u32).map(DigestIx).collect();
    let config = &index.site.config;
    let feed = Feed {
        index,
        urls,
        renderer,
        lang,
    };
    let entity = |v: &tera::Value| {
        (
            format!("{} – {}", text(v, "title"), config.title),
            text(v, "url").to_string(),
        )
    };
    lists(index, &all)
        .into_par_iter()
        .for_each(|(of, digests, content)| {
            let (title, url) = match of {
                Of::Site => (config.title.clone(), urls.home()),
                Of::Actor(i) => entity(&values.actors[i]),
                Of::Story(i) => entity(&values.stories[i]),
            };
            let digests: Vec<DigestIx> = published(index, digests).collect();
            sink(OutputFile {
                path: urls.file_of(&format!("{url}atom.xml")),
                bytes: feed.atom(&title, &url, &digests, content).into_bytes(),
            });
        });
}

/// Whose feed.
enum Of {
    Site,
    Actor(usize),
    Story(usize),
}

/// Every feed of a language (`all` is every digest): whose, its digests
/// (newest first, drafts included) and what its entries carry.
fn lists<'i>(index: &'i Index<'_>, all: &'i [DigestIx]) -> Vec<(Of, &'i [DigestIx], FeedContent)> {
    let feeds = index.site.config.feeds;
    let mut lists = vec![(Of::Site, all, feeds.content)];
    let actors = index.actors.iter().map(|a| a.digests.as_slice());
    lists.extend(
        actors
            .enumerate()
            .map(|(i, d)| (Of::Actor(i), d, feeds.entity_content)),
    );
    let stories = index.stories.iter().map(|s| s.digests.as_slice());
    lists.extend(
        stories
            .enumerate()
            .map(|(i, d)| (Of::Story(i), d, feeds.entity_content)),
    );
    lists
}

/// The digests of `list` a feed shows: drafts never.
fn published<'l>(
    index: &'l Index<'_>,
    list: &'l [DigestIx],
) -> impl Iterator<Item = DigestIx> + 'l {
    list.iter()
        .copied()
        .filter(|d| !index.digest(*d).matter.draft)
}

/// Which digests some feed shows in full (by digest index), so their
/// rendered bodies are kept until the feeds are written.
pub fn full_entries(index: &Index<'_>) -> Vec<bool> {
    let all: Vec<DigestIx> = (0..index.digests.len() as u32).map(DigestIx).collect();
    let mut keep = vec![false; index.digests.len()];
    for (_, list, content) in lists(index, &all) {
        if content == FeedContent::Full {
            for d in published(index, list).take(index.site.config.feeds.entries) {
                keep[d.ix()] = true;
            }
        }
    }
    keep
}

/// The sitemap of every language's `entries` (absolute URL, last change)
/// and robots.txt, for the site at `urls`.
pub fn site_files(mut entries: Vec<(String, Option<String>)>, urls: &Urls) -> Vec<OutputFile> {
    entries.sort();
    entries.dedup();
    let mut files = sitemap_files(&entries, &urls.absolute(&urls.base_path));
    files.push(OutputFile {
        path: "robots.txt".into(),
        bytes: format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            urls.absolute(&format!("{}sitemap.xml", urls.base_path))
        )
        .into_bytes(),
    });
    files
}

/// What a language's feeds are written from.
struct Feed<'r, 'a, 's> {
    index: &'r Index<'s>,
    urls: &'r Urls,
    renderer: &'r PageRenderer<'a, 's>,
    lang: &'r str,
}

impl Feed<'_, '_, '_> {
    fn atom(
        &self,
        title: &str,
        page_url: &str,
        digests: &[DigestIx],
        content: FeedContent,
    ) -> String {
        let (index, urls, renderer) = (self.index, self.urls, self.renderer);
        let feed_url = urls.absolute(&format!("{page_url}atom.xml"));
        let updated = digests
            .iter()
            .map(|d| {
                let n = &index.digests[d.ix()];
                n.updated.unwrap_or(n.date).max(n.date)
            })
            .max();
        let mut x = String::new();
        let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{}</updated>\n  <author><name>{}</name></author>\n  <generator>storia</generator>\n",
        escape_html(self.lang),
        escape_html(title),
        escape_html(&feed_url),
        escape_html(&feed_url),
        escape_html(&urls.absolute(page_url)),
        updated.map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |u| rfc3339(&u)),
        escape_html(&index.site.config.title),
    );
        let feeds = index.site.config.feeds;
        for &dx in digests.iter().take(feeds.entries) {
            let node = &index.digests[dx.ix()];
            let d = index.digest(dx);
            let permalink =
                urls.absolute(&urls.item(&index.site.config.paths.digests, d.id.as_str()));
            let _ = write!(
            x,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{}</published>\n    <updated>{}</updated>\n",
            escape_html(&d.matter.title.0),
            escape_html(&permalink),
            escape_html(&permalink),
            rfc3339(&node.date),
            rfc3339(&node.updated.unwrap_or(node.date).max(node.date)),
        );
            for a in &d.matter.authors.0 {
                let _ = writeln!(x, "    <author><name>{}</name></author>", escape_html(&a.0));
            }
            for t in &node.tags {
                let _ = writeln!(
                    x,
                    "    <category term=\"{}\"/>",
                    escape_html(&index.tags[t.ix()].name)
                );
            }
            let summary = summary(d);
            if !summary.is_empty() {
                let _ = writeln!(x, "    <summary>{}</summary>", escape_html(&summary));
            }
            if content == FeedContent::Full {
                let _ = writeln!(
                    x,
                    "    <content type=\"html\" xml:base=\"{}\">{}</content>",
                    escape_html(&permalink),
                    escape_html(&renderer.digest_body(dx)),
                );
            }
            x.push_str("  </entry>\n");
        }
        x.push_str("</feed>\n");
        x
    }
}

fn rfc3339(d: &chrono::DateTime<chrono::FixedOffset>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A language's sitemap entries: absolute URL, last change.
pub fn sitemap_entries(
    index: &Index<'_>,
    values: &Values,
    urls: &Urls,
) -> Vec<(String, Option<String>)> {
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    let site = values.site.get("urls").cloned().unwrap_or_default();
    let lists = [
        "home",
        "digests",
        "actors",
        "actors_by_quotes",
        "actors_by_recent",
        "network",
        "sources",
        "stories",
        "tags",
    ];
    for key in lists {
        entries.push((site[key].as_str().unwrap_or_default().to_string(), None));
    }
    for (i, node) in index.digests.iter().enumerate() {
        if index.digest(DigestIx(i as u32)).matter.draft {
            continue;
        }
        let lastmod = rfc3339(&node.updated.unwrap_or(node.date).max(node.date));
        entries.push((
            text(&values.digest_links[i], "url").to_string(),
            Some(lastmod),
        ));
    }
    for list in [
        &values.actors,
        &values.sources,
        &values.stories,
        &values.pages,
    ] {
        for v in list {
            entries.push((text(v, "url").to_string(), None));
        }
    }
    for t in &values.tags {
        entries.push((text(t, "url").to_string(), None));
    }
    entries
        .into_iter()
        .map(|(u, l)| (urls.absolute(&u), l))
        .collect()
}

/// The most URLs one sitemap file may list (sitemaps.org).
const SITEMAP_MAX: usize = 50_000;

/// `sitemap.xml`, or past [`SITEMAP_MAX`] URLs a sitemap index pointing at
/// `sitemap-1.xml`, `sitemap-2.xml`, ….
fn sitemap_files(entries: &[(String, Option<String>)], base_url: &str) -> Vec<OutputFile> {
    let urlset = |chunk: &[(String, Option<String>)]| {
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (url, lastmod) in chunk {
            let _ = write!(x, "  <url><loc>{}</loc>", escape_html(url));
            if let Some(l) = lastmod {
                let _ = write!(x, "<lastmod>{l}</lastmod>");
            }
            x.push_str("</url>\n");
        }
        x.push_str("</urlset>\n");
        x.into_bytes()
    };
    if entries.len() <= SITEMAP_MAX {
        return vec![OutputFile {
            path: "sitemap.xml".into(),
            bytes: urlset(entries),
        }];
    }
    let mut files = Vec::new();
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (n, chunk) in entries.chunks(SITEMAP_MAX).enumerate() {
        let path = format!("sitemap-{}.xml", n + 1);
        let _ = writeln!(
            index,
            "  <sitemap><loc>{}</loc></sitemap>",
            escape_html(&format!("{base_url}{path}"))
        );
        files.push(OutputFile {
            path,
            bytes: urlset(chunk),
        });
    }
    index.push_str("</sitemapindex>\n");
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: index.into_bytes(),
    });
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_fifty_thousand_urls_the_sitemap_becomes_an_index() {
        let entries: Vec<(String, Option<String>)> = (0..120_001)
            .map(|i| (format!("https://e.org/d/{i}/"), None))
            .collect();
        let files = sitemap_files(&entries, "https://e.org/");
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let index = String::from_utf8(files[3].bytes.clone()).unwrap();
        assert!(
            index.contains("<sitemapindex")
                && index.contains("<loc>https://e.org/sitemap-3.xml</loc>")
        );
        assert_eq!(sitemap_files(&entries[..10], "https://e.org/").len(), 1);
    }
}
