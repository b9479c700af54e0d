//! The site's languages as pages see them: where each one's pages live,
//! and every digest as a version link, wherever its language puts it.

use super::i18n::{endonym, Labels};
use super::reads::Reader;
use super::urls::Urls;
use crate::index::{DigestIx, PageRef};
use serde_json::{json, Value as Json};

/// Each language with the URLs of its pages, the site's language first;
/// one entry when the site declares no `languages:`.
pub struct Languages {
    /// Language code and the URLs of its pages.
    pub each: Vec<(String, Urls)>,
}

impl Languages {
    /// The URLs of the language digest `d` (of the index `full` reads) is in.
    fn urls_of(&self, full: &Reader<'_, '_>, d: DigestIx) -> &Urls {
        let lang = full.digest_language(d);
        self.each
            .iter()
            .find(|(l, _)| l == lang)
            .map_or(&self.each[0].1, |(_, u)| u)
    }

    /// The URL of digest `d` of `full`, wherever its language puts it.
    pub fn digest_url(&self, full: &Reader<'_, '_>, d: DigestIx) -> String {
        full.digest_exists(d);
        self.urls_of(full, d).digest(full.digest_id(d))
    }

    /// Digest `d` of `full` as a version: `lang`, `name`, `dir`, `title`,
    /// `url`, `permalink`.
    pub fn version(&self, full: &Reader<'_, '_>, d: DigestIx) -> Json {
        let lang = full.digest_language(d);
        let url = self.digest_url(full, d);
        json!({
            "lang": lang,
            "name": endonym(lang),
            "dir": Labels::dir(lang),
            "title": full.digest_title(d),
            "permalink": self.urls_of(full, d).absolute(&url),
            "url": url,
        })
    }

    /// Whether edition `lang` has a page of `p`, read from `full` (the
    /// index of every language): as [`Reader::has_actor_page`] says in
    /// the edition's own view.
    pub fn has_page(&self, full: &Reader<'_, '_>, lang: &str, p: PageRef) -> bool {
        if self.each.first().is_none_or(|(first, _)| first == lang) {
            return true;
        }
        let in_lang = |d: &DigestIx| full.digest_language(*d) == lang;
        match p {
            PageRef::Actor(a) => full.actor_digests(a).iter().any(in_lang),
            PageRef::Source(s) => {
                full.source_digests(s).iter().any(in_lang)
                    || full
                        .source_quotes(s)
                        .iter()
                        .any(|q| in_lang(&full.quote_digest(*q)))
            }
            PageRef::Story(s) => full.story_digests(s).iter().any(in_lang),
            PageRef::Digest(_) | PageRef::Page(_) => true,
        }
    }

    /// The same page (`url`, under `urls`) in every language, as versions;
    /// empty on a site of one language.
    pub fn alternates(&self, urls: &Urls, url: &str) -> Vec<Json> {
        if self.each.len() < 2 {
            return Vec::new();
        }
        self.each
            .iter()
            .map(|(lang, u)| {
                let url = urls.same_page_in(url, u);
                json!({
                    "lang": lang,
                    "name": endonym(lang),
                    "dir": Labels::dir(lang),
                    "permalink": u.absolute(&url),
                    "url": url,
                })
            })
            .collect()
    }
}
