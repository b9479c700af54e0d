//! Phase 1: every id of each kind, drafts included, and the problems ids
//! have on their own: duplicates, clashes, reserved names.

use super::Resolver;
use crate::diagnostics::{display_path, Location, Problem};
use crate::yaml::Seg;
use std::collections::HashMap;

/// Every id of a kind, drafts included, with the entry that defines it.
pub(super) struct AllIds<'s> {
    pub(super) digests: HashMap<&'s str, usize>,
    pub(super) quotes: HashMap<&'s str, (usize, usize)>,
    /// Plain pages, drafts included.
    pub(super) pages: HashMap<&'s str, usize>,
}

impl<'s> Resolver<'s> {
    /// Duplicate ids of every kind (drafts count), actor/source clashes.
    pub(super) fn check_unique(&mut self) -> AllIds<'s> {
        let c = &self.site.content;
        let mut digests: HashMap<&'s str, usize> = HashMap::new();
        let mut order: Vec<usize> = (0..c.digests.len()).collect();
        order.sort_by(|a, b| c.digests[*a].file.path.cmp(&c.digests[*b].file.path));
        for i in order {
            let d = &c.digests[i];
            if let Some(&first) = digests.get(d.id.as_str()) {
                let other = display_path(&c.digests[first].file.path);
                self.error(
                    Problem::DuplicateId {
                        kind: "digest",
                        id: d.id.0.clone(),
                        other,
                    },
                    Location::file(&d.file.path),
                    Some(
                        "digest ids are unique across all sub-folders: rename one of the files"
                            .into(),
                    ),
                );
            } else {
                digests.insert(d.id.as_str(), i);
            }
        }
        let actors: HashMap<&str, &crate::content::Actor> =
            c.actors.iter().map(|a| (a.id.as_str(), a)).collect();
        for s in &c.sources {
            if let Some(a) = actors.get(s.id.as_str()) {
                self.error(
                    Problem::ActorSourceClash {
                        id: s.id.0.clone(),
                        other: display_path(&a.file.path),
                    },
                    Location::file(&s.file.path),
                    Some("rename one of the two files (and the references to it)".into()),
                );
            }
        }
        let mut quotes: HashMap<&'s str, (usize, usize)> = HashMap::new();
        let mut order: Vec<usize> = (0..c.digests.len()).collect();
        order.sort_by(|a, b| c.digests[*a].file.path.cmp(&c.digests[*b].file.path));
        for i in order {
            let d = &c.digests[i];
            for (position, q) in d.matter.quotes.iter().enumerate() {
                if q.id.0.is_empty() {
                    continue; // an id that failed to read, reported
                }
                if let Some(&(first, _)) = quotes.get(q.id.as_str()) {
                    let other = display_path(&c.digests[first].file.path);
                    self.error(
                        Problem::DuplicateId {
                            kind: "quote",
                            id: q.id.0.clone(),
                            other,
                        },
                        d.locate(&[Seg::Key("quotes"), Seg::Index(position), Seg::Key("id")]),
                        Some("quote ids are unique across the whole site".into()),
                    );
                } else {
                    quotes.insert(q.id.as_str(), (i, position));
                }
            }
        }
        let pages = c
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        AllIds {
            digests,
            quotes,
            pages,
        }
    }

    /// Page ids may not take a section's or the site's own top-level names.
    pub(super) fn check_pages(&mut self) {
        let site = self.site;
        for p in &site.content.pages {
            let id = p.id.as_str();
            if site.config.is_reserved_page_id(id) {
                self.error(
                    Problem::ReservedPageId { id: id.to_string() },
                    Location::file(&p.file.path),
                    Some(format!("rename the file, e.g. `{id}-page.md`")),
                );
            }
        }
    }
}
