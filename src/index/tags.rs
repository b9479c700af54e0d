//! Phase 6: one tag per slug, named by the spelling used most.

use super::nodes::{DigestIx, Index, TagIx, TagNode};
use std::collections::{BTreeMap, HashMap};

/// The tags published digests use, as [`super::digests`] finds them.
pub(super) struct TagUses {
    /// How often each spelling of each slug is used.
    spellings: BTreeMap<String, BTreeMap<String, usize>>,
    /// Each digest's slugs, in front-matter order, each once.
    of_digest: Vec<Vec<String>>,
    /// Slugs keep other scripts ([`crate::slug::tag_slug`]).
    unicode: bool,
}

impl TagUses {
    /// Room for `digests` published digests.
    pub(super) fn new(digests: usize, unicode: bool) -> Self {
        TagUses {
            spellings: BTreeMap::new(),
            of_digest: vec![Vec::new(); digests],
            unicode,
        }
    }

    /// Records the tags of digest `d`; tags without a slug were reported
    /// while loading and are left out.
    pub(super) fn add<'t>(&mut self, d: DigestIx, tags: impl Iterator<Item = &'t str>) {
        let slugs = &mut self.of_digest[d.ix()];
        let mut seen: std::collections::HashSet<String> = slugs.iter().cloned().collect();
        for t in tags {
            let slug = crate::slug::tag_slug(t, self.unicode);
            if slug.is_empty() || !seen.insert(slug.clone()) {
                continue;
            }
            *self
                .spellings
                .entry(slug.clone())
                .or_default()
                .entry(t.to_string())
                .or_default() += 1;
            slugs.push(slug);
        }
    }
}

/// A node per slug (ties between spellings: the lowest in byte order), and
/// each digest's tags.
pub(super) fn add_tags(index: &mut Index<'_>, uses: TagUses) {
    let mut tag_ix = HashMap::new();
    for (slug, spellings) in uses.spellings {
        let name = spellings
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(s, _)| s.clone())
            .unwrap_or_default();
        tag_ix.insert(slug.clone(), TagIx(index.tags.len() as u32));
        index.tags.push(TagNode {
            slug,
            name,
            digests: Vec::new(),
        });
    }
    for (n, slugs) in uses.of_digest.iter().enumerate() {
        for slug in slugs {
            index.digests[n].tags.push(tag_ix[slug]);
        }
    }
}
