//! Machine-readable outputs: Atom feeds (site, each actor, each story), the
//! sitemap and robots.txt ([`super::search`] writes the search index). On a
//! site of several languages each language has its own feeds; the sitemap
//! lists the pages of all of them. Drafts never appear in any of them, even
//! when `--drafts` gives them pages.

use super::bodies::Bodies;
use super::i18n::Labels;
use super::reads::{Reader, Whole};
use super::urls::Urls;
use super::OutputFile;
use crate::config::FeedContent;
use crate::index::{ActorIx, DigestIx, StoryIx};
use crate::markdown::escape_html;
use std::fmt::Write as _;

/// Whose feed.
#[derive(Debug, Clone, Copy)]
pub enum Feed {
    /// The site's.
    Site,
    /// An actor's.
    Actor(ActorIx),
    /// A story's.
    Story(StoryIx),
    /// The corrections log's.
    Corrections,
}

/// Every feed of a language.
pub fn all(r: &Reader<'_, '_>) -> Vec<Feed> {
    let mut feeds = vec![Feed::Site];
    let actors = r.all_actors(Whole);
    let stories = r.all_stories(Whole);
    feeds.extend(
        actors
            .iter()
            .filter(|a| r.has_actor_page(*a))
            .map(Feed::Actor),
    );
    feeds.extend(
        stories
            .iter()
            .filter(|s| r.has_story_page(*s))
            .map(Feed::Story),
    );
    feeds.push(Feed::Corrections);
    feeds
}

/// A feed's key among this build's outputs.
pub fn key(r: &Reader<'_, '_>, feed: Feed) -> String {
    match feed {
        Feed::Site => "site".into(),
        Feed::Actor(a) => format!("actor/{}", r.actor_id(a)),
        Feed::Story(s) => format!("story/{}", r.story_id(s)),
        Feed::Corrections => "corrections".into(),
    }
}

/// A feed's digests (newest first, drafts included) and what its entries carry.
fn list<'r>(r: &Reader<'r, '_>, feed: Feed) -> (Vec<DigestIx>, FeedContent) {
    let feeds = r.config().feeds;
    match feed {
        Feed::Site => (r.all_digests(Whole).iter().collect(), feeds.content),
        Feed::Actor(a) => (r.actor_digests(a).to_vec(), feeds.entity_content),
        Feed::Story(s) => (r.story_digests(s).to_vec(), feeds.entity_content),
        // Its entries are corrections, not digests.
        Feed::Corrections => (Vec::new(), FeedContent::Summary),
    }
}

/// The digests of a feed's list it shows: drafts never.
fn published(r: &Reader<'_, '_>, list: Vec<DigestIx>) -> Vec<DigestIx> {
    list.into_iter().filter(|d| !r.digest_draft(*d)).collect()
}

/// Which digests some feed shows in full (by digest index), so their
/// rendered bodies are kept until the feeds are written.
pub fn full_entries(r: &Reader<'_, '_>) -> Vec<bool> {
    let mut keep = vec![false; r.all_digests(Whole).len()];
    for feed in all(r) {
        let (digests, content) = list(r, feed);
        if content == FeedContent::Full {
            for d in published(r, digests)
                .into_iter()
                .take(r.config().feeds.entries)
            {
                keep[d.ix()] = true;
            }
        }
    }
    keep
}

/// One feed of a language (`lang`, pages at `urls`, labelled by `labels`).
pub fn render(
    r: &Reader<'_, '_>,
    urls: &Urls,
    bodies: &Bodies<'_>,
    (lang, labels): (&str, &Labels),
    feed: Feed,
) -> OutputFile {
    let config = r.config();
    let site_title = config.title(lang);
    let entity = |title: &str, url: String| (format!("{title} – {site_title}"), url);
    let (title, url) = match feed {
        Feed::Site => (site_title.to_string(), urls.home()),
        Feed::Actor(a) => entity(&r.actor_name(a), urls.actor(r.actor_id(a))),
        Feed::Story(s) => entity(&r.story_title(s), urls.story(r.story_id(s))),
        Feed::Corrections => {
            let (title, url) = entity(
                &labels.text("corrections", "Corrections"),
                urls.section(&config.paths.corrections),
            );
            return OutputFile {
                path: urls.file_of(&format!("{url}atom.xml")),
                bytes: corrections_atom(r, urls, (lang, labels), &title, &url).into_bytes(),
            };
        }
    };
    let (digests, content) = list(r, feed);
    let digests = published(r, digests);
    OutputFile {
        path: urls.file_of(&format!("{url}atom.xml")),
        bytes: atom(r, urls, bodies, lang, &title, &url, &digests, content).into_bytes(),
    }
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

/// The moment a digest last changed: its update, if later than its date.
fn last_change(r: &Reader<'_, '_>, d: DigestIx) -> chrono::DateTime<chrono::FixedOffset> {
    let date = r.digest_date(d);
    r.digest_updated(d).unwrap_or(date).max(date)
}

#[allow(clippy::too_many_arguments)]
fn atom(
    r: &Reader<'_, '_>,
    urls: &Urls,
    bodies: &Bodies<'_>,
    lang: &str,
    title: &str,
    page_url: &str,
    digests: &[DigestIx],
    content: FeedContent,
) -> String {
    let config = r.config();
    let updated = digests.iter().map(|d| last_change(r, *d)).max();
    let mut x = head(r, urls, lang, title, page_url, updated);
    for &d in digests.iter().take(config.feeds.entries) {
        let permalink = urls.absolute(&urls.digest(r.digest_id(d)));
        let _ = write!(
            x,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{}</published>\n    <updated>{}</updated>\n",
            escape_html(r.digest_title(d)),
            escape_html(&permalink),
            escape_html(&permalink),
            rfc3339(&r.digest_date(d)),
            rfc3339(&last_change(r, d)),
        );
        for a in r.digest_authors(d) {
            let _ = writeln!(x, "    <author><name>{}</name></author>", escape_html(&a.0));
        }
        for t in r.digest_tags(d) {
            let _ = writeln!(
                x,
                "    <category term=\"{}\"/>",
                escape_html(r.tag_name(*t))
            );
        }
        let summary = r.digest_summary(d);
        if !summary.is_empty() {
            let _ = writeln!(x, "    <summary>{}</summary>", escape_html(summary));
        }
        if content == FeedContent::Full {
            let _ = writeln!(
                x,
                "    <content type=\"html\" xml:base=\"{}\">{}</content>",
                escape_html(&permalink),
                escape_html(&bodies.digest(r, d)),
            );
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// A feed's opening, up to its first entry.
fn head(
    r: &Reader<'_, '_>,
    urls: &Urls,
    lang: &str,
    title: &str,
    page_url: &str,
    updated: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> String {
    let feed_url = urls.absolute(&format!("{page_url}atom.xml"));
    let mut x = String::new();
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{}</updated>\n  <author><name>{}</name></author>\n  <generator>storia</generator>\n",
        escape_html(lang),
        escape_html(title),
        escape_html(&feed_url),
        escape_html(&feed_url),
        escape_html(&urls.absolute(page_url)),
        updated.map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |u| rfc3339(&u)),
        escape_html(r.config().title(lang).value),
    );
    x
}

/// The corrections log's feed: one entry per correction, newest first,
/// linked to its notice on its digest's page.
fn corrections_atom(
    r: &Reader<'_, '_>,
    urls: &Urls,
    (lang, labels): (&str, &Labels),
    title: &str,
    page_url: &str,
) -> String {
    let log = super::values::corrections_log(r);
    let mut x = head(r, urls, lang, title, page_url, log.first().map(|c| c.0));
    let correction = labels.text("correction", "Correction");
    let was = labels.text("correction_was", "It said:");
    for (when, d, n) in log.into_iter().take(r.config().feeds.entries) {
        let c = &r.digest_corrections(d)[n];
        let anchor = super::values::correction_anchor(n);
        let permalink = urls.absolute(&format!("{}#{anchor}", urls.digest(r.digest_id(d))));
        let mut html = format!("<p>{}</p>", escape_html(&c.text.0));
        if let Some(w) = &c.was {
            let _ = write!(html, "<p>{} {}</p>", escape_html(&was), escape_html(w));
        }
        let _ = write!(
            x,
            "  <entry>\n    <title>{}: {}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{}</published>\n    <updated>{}</updated>\n    <summary>{}</summary>\n    <content type=\"html\">{}</content>\n  </entry>\n",
            escape_html(&correction),
            escape_html(r.digest_title(d)),
            escape_html(&permalink),
            escape_html(&permalink),
            rfc3339(&when),
            rfc3339(&when),
            escape_html(&c.text.0),
            escape_html(&html),
        );
    }
    x.push_str("</feed>\n");
    x
}

fn rfc3339(d: &chrono::DateTime<chrono::FixedOffset>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A language's sitemap entries: absolute URL, last change.
pub fn sitemap_entries(r: &Reader<'_, '_>, urls: &Urls) -> Vec<(String, Option<String>)> {
    let p = urls.paths();
    let mut entries: Vec<(String, Option<String>)> = [
        urls.home(),
        urls.section(&p.digests),
        urls.section(&p.actors),
        urls.sorted_actors(super::urls::ActorSort::Quoted),
        urls.sorted_actors(super::urls::ActorSort::Recent),
        urls.section(crate::config::NETWORK_WORD),
        urls.section(&p.sources),
        urls.section(&p.stories),
        urls.section(&p.tags),
        urls.section(&p.corrections),
    ]
    .into_iter()
    .map(|u| (u, None))
    .collect();
    for d in r.all_digests(Whole).iter() {
        if r.digest_draft(d) {
            continue;
        }
        let lastmod = rfc3339(&last_change(r, d));
        entries.push((urls.digest(r.digest_id(d)), Some(lastmod)));
    }
    let actors = r
        .all_actors(Whole)
        .iter()
        .filter(|a| r.has_actor_page(*a))
        .map(|a| urls.actor(r.actor_id(a)));
    let sources = r
        .all_sources(Whole)
        .iter()
        .filter(|s| r.has_source_page(*s))
        .map(|s| urls.source(r.source_id(s)));
    let stories = r
        .all_stories(Whole)
        .iter()
        .filter(|s| r.has_story_page(*s))
        .map(|s| urls.story(r.story_id(s)));
    let pages = r.all_pages(Whole).iter().map(|p| urls.page(r.page_id(p)));
    let tags = r.all_tags(Whole).iter().map(|t| urls.tag(r.tag_slug(t)));
    let rest: Vec<String> = actors
        .chain(sources)
        .chain(stories)
        .chain(pages)
        .chain(tags)
        .collect();
    entries.extend(rest.into_iter().map(|u| (u, None)));
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
