//! What follows from the digests' own lists, once they are resolved.

use super::nodes::{ActorIx, DigestIx, Index, QuoteIx, Speaker};
use super::related::related;
use std::collections::HashMap;

/// What follows from the digests' own lists: each tag's, actor's, source's
/// and story's digests (newest first), who speaks each quote, co-actors,
/// a story's main actors and related digests.
pub(super) fn derive(index: &mut Index<'_>) {
    let mut shared: HashMap<(ActorIx, ActorIx), usize> = HashMap::new();
    for (n, d) in index.digests.iter().enumerate() {
        let dx = DigestIx(n as u32);
        for &tx in &d.tags {
            index.tags[tx.ix()].digests.push(dx);
        }
        for &ax in &d.actors {
            index.actors[ax.ix()].digests.push(dx);
        }
        for &sx in &d.stories {
            index.stories[sx.ix()].digests.push(dx);
        }
        let mut cited: Vec<_> = d.citation_sources.iter().flatten().copied().collect();
        dedup_in_order(&mut cited);
        for sx in cited {
            index.sources[sx.ix()].digests.push(dx);
        }
        for (i, &a) in d.actors.iter().enumerate() {
            for &b in &d.actors[i + 1..] {
                *shared.entry((a.min(b), a.max(b))).or_default() += 1;
            }
        }
    }
    let mut by_date: Vec<QuoteIx> = (0..index.quotes.len() as u32).map(QuoteIx).collect();
    by_date.sort_by(|a, b| {
        let (qa, qb) = (&index.quotes[a.ix()], &index.quotes[b.ix()]);
        qb.date
            .cmp(&qa.date)
            .then_with(|| index.quote(*a).id.cmp(&index.quote(*b).id))
    });
    for qx in by_date {
        match index.quotes[qx.ix()].speaker {
            Speaker::Actor(ax) => index.actors[ax.ix()].quotes.push(qx),
            Speaker::Source(sx) => index.sources[sx.ix()].quotes.push(qx),
        }
    }
    let mut co: Vec<Vec<(ActorIx, usize)>> = vec![Vec::new(); index.actors.len()];
    for (&(a, b), &n) in &shared {
        co[a.ix()].push((b, n));
        co[b.ix()].push((a, n));
    }
    for (a, mut list) in co.into_iter().enumerate() {
        list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        index.actors[a].co_actors = list;
    }
    for s in 0..index.stories.len() {
        let mut counts: HashMap<ActorIx, usize> = HashMap::new();
        for dx in &index.stories[s].digests {
            for &ax in &index.digests[dx.ix()].actors {
                *counts.entry(ax).or_default() += 1;
            }
        }
        let mut list: Vec<_> = counts.into_iter().collect();
        list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        index.stories[s].main_actors = list;
    }
    related(index);
}

/// Keeps the first of each item of `list`, in order, in time linear in
/// its length (a digest may list thousands of actors).
pub(super) fn dedup_in_order<T: Copy + Eq + std::hash::Hash>(list: &mut Vec<T>) {
    let mut seen = std::collections::HashSet::with_capacity(list.len());
    list.retain(|x| seen.insert(*x));
}
