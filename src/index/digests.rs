//! Phase 4: every digest's references, drafts included (their mistakes
//! show up while they are written): its stories, actors, speakers and
//! outlets in front matter, the references of its body, and its tags.

use super::bodies::{Linker, Resolved};
use super::derive::dedup_in_order;
use super::ids::AllIds;
use super::nodes::{digest_lang, moment, Index, PageRef, Speaker};
use super::tags::TagUses;
use super::{IdSet, Resolver};
use crate::content::Digest;
use crate::diagnostics::Problem;
use crate::entity::EntityKind;
use crate::yaml::Seg;

impl<'s> Resolver<'s> {
    /// Resolves each digest's references into its node (published ones),
    /// reporting those that do not resolve; returns the tags they use.
    pub(super) fn digests(&mut self, index: &mut Index<'s>, all: &AllIds<'s>) -> TagUses {
        let site = self.site;
        let c = &site.content;
        let multilingual = self.site.config.languages.len() > 1;
        let mut tags = TagUses::new(index.digests.len(), multilingual);
        for (entry, d) in c.digests.iter().enumerate() {
            let node_ix = index
                .digest_ids
                .get(d.id.as_str())
                .copied()
                .filter(|x| index.digests[x.ix()].entry == entry);
            let is_published = node_ix.is_some();
            let m = &d.matter;
            self.check_updated(d);
            self.check_corrections(d);
            let mut stories = Vec::new();
            for (i, s) in m.story.0.iter().enumerate() {
                match index.story_ids.get(s.as_str()) {
                    Some(&sx) => stories.push(sx),
                    None => self.unknown(
                        (d, &[Seg::Key("story"), Seg::Index(i)]),
                        IdSet::Of(EntityKind::Story),
                        s.as_str(),
                        "`story` names a story, under `content/stories/`",
                        (index, all),
                    ),
                }
            }
            let mut actors = Vec::new();
            for (i, a) in m.actors.0.iter().enumerate() {
                match index.actor_ids.get(a.as_str()) {
                    Some(&ax) => actors.push(ax),
                    // Failed to read (reported), or its file did.
                    None if a.0.is_empty() || c.is_broken(EntityKind::Actor, a.as_str()) => {}
                    None => {
                        let rule = |kind| match kind {
                            EntityKind::Source => {
                                "sources are cited under `sources:`, not listed in `actors:`"
                                    .to_string()
                            }
                            _ => "`actors` lists actors, under `content/actors/`".to_string(),
                        };
                        let set = IdSet::Of(EntityKind::Actor);
                        let help = self.unknown_help(set, a.as_str(), rule, (index, all));
                        self.error(
                            Problem::UnknownRef {
                                kind: "actor",
                                id: a.0.clone(),
                            },
                            d.locate(&[Seg::Key("actors"), Seg::Index(i)]),
                            help,
                        );
                    }
                }
            }
            let mut quotes = Vec::new();
            for (i, q) in m.quotes.iter().enumerate() {
                let speaker = if let Some(&ax) = index.actor_ids.get(q.by.as_str()) {
                    actors.push(ax);
                    Some(Speaker::Actor(ax))
                } else if let Some(&sx) = index.source_ids.get(q.by.as_str()) {
                    Some(Speaker::Source(sx))
                } else {
                    self.unknown(
                        (d, &[Seg::Key("quotes"), Seg::Index(i), Seg::Key("by")]),
                        IdSet::Speakers,
                        q.by.as_str(),
                        "`by` names who said the words: an actor or a source",
                        (index, all),
                    );
                    None
                };
                if speaker.is_some() && is_published {
                    if let Some(&qx) = index.quote_ids.get(q.id.as_str()) {
                        quotes.push(qx);
                    }
                }
            }
            let mut citation_sources = Vec::new();
            for (i, cit) in m.sources.iter().enumerate() {
                citation_sources.push(match &cit.source {
                    None => None,
                    Some(s) => match index.source_ids.get(s.as_str()) {
                        Some(&sx) => Some(sx),
                        None if c.is_broken(EntityKind::Source, s.as_str()) => None,
                        None => {
                            let rule = |_| {
                                "a citation's `source` names an outlet under `content/sources/`"
                                    .to_string()
                            };
                            let set = IdSet::Of(EntityKind::Source);
                            let help = self.unknown_help(set, s.as_str(), rule, (index, all));
                            self.error(
                                Problem::UnknownRef {
                                    kind: "source",
                                    id: s.0.clone(),
                                },
                                d.locate(&[Seg::Key("sources"), Seg::Index(i), Seg::Key("source")]),
                                help,
                            );
                            None
                        }
                    },
                });
            }
            let from = node_ix.map(PageRef::Digest);
            let mut embeds = Vec::new();
            for r in &d.refs {
                let linker = match (is_published, m.draft) {
                    (true, _) => Linker::Published,
                    (false, false) => Linker::Scheduled,
                    (false, true) => Linker::Draft,
                };
                let target = self.resolve_ref(index, all, d, r, linker);
                match target {
                    Some(Resolved {
                        page: PageRef::Actor(ax),
                        ..
                    }) if !r.embed => actors.push(ax),
                    Some(Resolved {
                        quote: Some(qx), ..
                    }) if r.embed => {
                        // Each language renders its own digests' quotes only.
                        let entry = index.digests[index.quotes[qx.ix()].digest.ix()].entry;
                        let lang = digest_lang(&c.digests[entry], site);
                        if site.config.languages.len() > 1 && lang != digest_lang(d, site) {
                            self.error(
                                Problem::EmbedOtherLanguage {
                                    id: r.id.clone(),
                                    lang: lang.to_string(),
                                },
                                d.ref_location(r),
                                Some(format!("link it instead: `[…](quote:{})`", r.id)),
                            );
                        } else {
                            embeds.push(qx);
                        }
                    }
                    _ => {}
                }
                if let (Some(from), Some(to)) = (from, target.map(|t| t.page)) {
                    if to != from {
                        // Sorted and deduplicated once all are in (bodies.rs).
                        index.backlinks.entry(to).or_default().push(from);
                    }
                }
            }
            if let Some(dx) = node_ix {
                tags.add(dx, m.tags.0.iter().map(|t| t.0.as_str()));
                dedup_in_order(&mut stories);
                dedup_in_order(&mut actors);
                let node = &mut index.digests[dx.ix()];
                node.stories = stories;
                node.actors = actors;
                node.quotes = quotes;
                node.citation_sources = citation_sources;
                node.embeds = embeds;
            }
        }
        tags
    }

    /// `updated` must not be earlier than `date` (compared as moments, in
    /// the site's time zone): an update comes after publication.
    fn check_updated(&mut self, d: &Digest) {
        let m = &d.matter;
        // A date that failed to read is 1970 and never later than `updated`.
        let Some(updated) = m.updated else {
            return;
        };
        let tz = self.site.config.timezone;
        if moment(updated, tz) >= moment(m.date, tz) {
            return;
        }
        self.error(
            Problem::FrontMatter(format!(
                "`updated` ({updated}) is earlier than `date` ({})",
                m.date
            )),
            d.locate(&[Seg::Key("updated")]),
            Some("an update comes after publication: check both dates (swapped?)".into()),
        );
    }

    /// A correction comes after publication: one dated earlier is a
    /// mistake in its date (an error, as for `updated`).
    fn check_corrections(&mut self, d: &Digest) {
        let m = &d.matter;
        let tz = self.site.config.timezone;
        for (i, c) in m.corrections.iter().enumerate() {
            // A date that failed to read (1970) was reported.
            if c.date == Default::default() || moment(c.date, tz) >= moment(m.date, tz) {
                continue;
            }
            self.error(
                Problem::FrontMatter(format!(
                    "the correction of {} is dated before the digest ({})",
                    c.date, m.date
                )),
                d.locate(&[Seg::Key("corrections"), Seg::Index(i), Seg::Key("date")]),
                Some(
                    "a correction is dated the day it is made, on or after the digest's `date`"
                        .into(),
                ),
            );
        }
    }

    /// Reports an id of a digest's front matter (at `path`) that names
    /// nothing in `set`, unless the file it names failed to load (its own
    /// error was reported).
    fn unknown(
        &mut self,
        (d, path): (&Digest, &[Seg<'_>]),
        set: IdSet,
        id: &str,
        rule: &str,
        (index, all): (&Index<'s>, &AllIds<'s>),
    ) {
        if id.is_empty() {
            return; // an id that failed to read, reported
        }
        let content = &self.site.content;
        let (kind, broken) = match set {
            IdSet::Of(kind) => (kind.name(), content.is_broken(kind, id)),
            IdSet::Speakers => (
                "actor or source",
                content.is_broken(EntityKind::Actor, id)
                    || content.is_broken(EntityKind::Source, id),
            ),
        };
        if broken {
            return;
        }
        let help = self.unknown_help(set, id, |_| rule.to_string(), (index, all));
        self.error(
            Problem::UnknownRef {
                kind,
                id: id.to_string(),
            },
            d.locate(path),
            help,
        );
    }
}
