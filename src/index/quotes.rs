//! Phase 3: the quotes of published digests, so references can resolve to
//! them.

use super::ids::AllIds;
use super::nodes::{moment, DigestIx, Index, QuoteIx, QuoteNode, Speaker};

/// A node for each quote of a published digest whose id is its own and
/// whose speaker exists: every node has a real speaker. An unknown speaker
/// is reported with its digest ([`super::digests`]).
pub(super) fn add_quotes(index: &mut Index<'_>, all: &AllIds<'_>) {
    let site = index.site;
    let tz = site.config.timezone;
    for n in 0..index.digests.len() {
        let (entry, date) = (index.digests[n].entry, index.digests[n].date);
        let matter = &site.content.digests[entry].matter;
        for (position, q) in matter.quotes.iter().enumerate() {
            if all.quotes.get(q.id.as_str()) != Some(&(entry, position)) {
                continue; // a duplicate, reported
            }
            let speaker = match (
                index.actor_ids.get(q.by.as_str()),
                index.source_ids.get(q.by.as_str()),
            ) {
                (Some(&ax), _) => Speaker::Actor(ax),
                (None, Some(&sx)) => Speaker::Source(sx),
                (None, None) => continue,
            };
            let qx = QuoteIx(index.quotes.len() as u32);
            index.quote_ids.insert(q.id.as_str(), qx);
            index.quotes.push(QuoteNode {
                digest: DigestIx(n as u32),
                position,
                speaker,
                date: q.said.map_or(date, |s| moment(s, tz)),
                citation: q
                    .cite
                    .as_ref()
                    .and_then(|cite| matter.sources.iter().position(|s| s.id == *cite)),
            });
        }
    }
}
