//! Resolve: ids → a cross-link index.
//!
//! Every reference of the loaded content is resolved here, once, into typed
//! indices: who said what, who appears where, what links to what. Later
//! stages hold indices, never strings, so a resolved reference cannot be
//! unresolved. Unknown ids, duplicates and links to drafts are reported all
//! together, each at its place with a "did you mean" when one is close.
//!
//! [`nodes`] holds what the index is made of; [`resolve`] builds it in
//! phases, one file each, in this order:
//!
//! 1. [`ids`]: every id of each kind, drafts included; duplicates, actor and
//!    source clashes, page ids that take a reserved name.
//! 2. [`lists`]: what gets published, sorted (digests newest first, the
//!    rest by id), with the tables that look ids up.
//! 3. [`quotes`]: the quotes of published digests, with their speakers.
//! 4. [`digests`]: each digest's front-matter references (stories, actors,
//!    speakers, outlets) and body references; its tags.
//! 5. [`bodies`]: the body references of actors, sources, stories and
//!    pages; backlinks.
//! 6. [`tags`]: one tag per slug.
//! 7. [`derive`]: the lists that follow (each actor's digests, co-actors,
//!    main actors), with [`related`] digests.
//! 8. [`languages`]: `languages:` and translation groups.
//!
//! [`restrict`] cuts the index to one language; [`warnings`] lists likely
//! mistakes of a resolved index.

mod bodies;
mod derive;
mod digests;
mod ids;
mod languages;
mod lists;
mod nodes;
mod quotes;
mod related;
mod restrict;
mod tags;
mod warnings;

pub use nodes::{
    moment, ActorIx, ActorNode, DigestIx, DigestNode, Index, PageIx, PageNode, PageRef, QuoteIx,
    QuoteNode, SourceIx, SourceNode, Speaker, StoryIx, StoryNode, TagIx, TagNode,
};
pub use warnings::likely_mistakes;

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::entity::EntityKind;
use crate::suggest::Suggester;
use chrono::{DateTime, FixedOffset};
use ids::AllIds;
use std::collections::HashMap;

/// What a build publishes besides what is ready: drafts, and digests dated
/// after the moment the build started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publish {
    /// Draft digests and pages too (`--drafts`).
    pub drafts: bool,
    /// Digests dated after `now` too (`--future`).
    pub future: bool,
    /// The moment the build started: digests dated later are scheduled.
    /// An input of the build like any file, set once by its caller, so a
    /// build is a function of what it is given (tests pick the moment; a
    /// cache sees the clock move).
    pub now: DateTime<FixedOffset>,
}

impl Publish {
    /// What `storia build` publishes at `now`: no drafts, nothing scheduled.
    pub fn at(now: DateTime<FixedOffset>) -> Self {
        Publish {
            drafts: false,
            future: false,
            now,
        }
    }

    /// Whether a digest dated `date` is held back until then.
    pub fn holds_back(&self, date: DateTime<FixedOffset>) -> bool {
        !self.future && date > self.now
    }
}

pub use lists::first_held_back;

/// Builds the index of what `publish` publishes.
pub fn resolve(site: &Site, publish: Publish) -> (Index<'_>, Diagnostics) {
    let drafts = publish.drafts;
    let mut r = Resolver {
        site,
        drafts,
        publish,
        diags: Diagnostics::default(),
        suggesters: HashMap::new(),
    };
    let all = r.check_unique();
    r.check_pages();
    r.diags.extend(crate::menu::check_pages(site, drafts));
    let mut index = lists::published(site, publish, &all);
    r.diags.extend(lists::held_back_note(site, publish));
    quotes::add_quotes(&mut index, &all);
    let tags = r.digests(&mut index, &all);
    r.other_bodies(&mut index, &all);
    tags::add_tags(&mut index, tags);
    derive::derive(&mut index);
    r.check_languages();
    r.translations(&mut index, &all);
    (index, r.diags)
}

/// What every phase that can find a problem shares.
struct Resolver<'s> {
    site: &'s Site,
    drafts: bool,
    publish: Publish,
    diags: Diagnostics,
    /// "Did you mean" for each set of ids, indexed the first time one of
    /// its ids is unknown: a site with many unknown ids and many ids asks
    /// each question in time independent of the site's size.
    suggesters: HashMap<IdSet, Suggester<'s>>,
}

/// A set of ids an unknown id is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum IdSet {
    /// The ids of a kind: digests and quotes drafts included.
    Of(EntityKind),
    /// Actors and sources, who can both be quoted.
    Speakers,
}

impl<'s> Resolver<'s> {
    fn error(&mut self, problem: Problem, at: Location, help: Option<String>) {
        self.diags
            .push(Diagnostic::error(problem).at(at).maybe_help(help));
    }

    /// The help for `id`, unknown in `set`: what it names instead ("`guerra`
    /// is a story: `rule`", with `rule` given that kind), or the closest id
    /// of the set.
    fn unknown_help(
        &mut self,
        set: IdSet,
        id: &str,
        rule: impl FnOnce(EntityKind) -> String,
        (index, all): (&Index<'s>, &AllIds<'s>),
    ) -> Option<String> {
        let elsewhere = [
            (EntityKind::Actor, index.actor_ids.contains_key(id)),
            (EntityKind::Source, index.source_ids.contains_key(id)),
            (EntityKind::Story, index.story_ids.contains_key(id)),
            (EntityKind::Digest, all.digests.contains_key(id)),
            (EntityKind::Quote, all.quotes.contains_key(id)),
            (EntityKind::Page, all.pages.contains_key(id)),
        ]
        .into_iter()
        .find(|(_, named)| *named);
        match elsewhere {
            Some((kind, _)) => {
                let article = if kind == EntityKind::Actor { "an" } else { "a" };
                Some(format!(
                    "`{id}` is {article} {}: {}",
                    kind.name(),
                    rule(kind)
                ))
            }
            None => self.suggest(set, id, index, all),
        }
    }

    /// "did you mean `x`?" for `id`, unknown in `set`.
    fn suggest(
        &mut self,
        set: IdSet,
        id: &str,
        index: &Index<'s>,
        all: &AllIds<'s>,
    ) -> Option<String> {
        self.suggesters
            .entry(set)
            .or_insert_with(|| {
                let ids: Vec<&'s str> = match set {
                    IdSet::Of(EntityKind::Actor) => index.actor_ids.keys().copied().collect(),
                    IdSet::Of(EntityKind::Source) => index.source_ids.keys().copied().collect(),
                    IdSet::Of(EntityKind::Story) => index.story_ids.keys().copied().collect(),
                    IdSet::Of(EntityKind::Digest) => all.digests.keys().copied().collect(),
                    IdSet::Of(EntityKind::Quote) => all.quotes.keys().copied().collect(),
                    IdSet::Speakers => (index.actor_ids.keys())
                        .chain(index.source_ids.keys())
                        .copied()
                        .collect(),
                    IdSet::Of(EntityKind::Page) => all.pages.keys().copied().collect(),
                    IdSet::Of(EntityKind::Citation) => Vec::new(),
                };
                Suggester::new(ids)
            })
            .did_you_mean(id)
    }
}
