//! Related digests: most shared actors and tags, then nearest in time.

use super::nodes::{DigestIx, Index};

/// How many related digests a digest shows.
pub const RELATED_MAX: usize = 5;
/// Related digests are looked for among this many digests before and as
/// many after each digest in each of its actors' and tags' lists (nearest
/// in time). Scoring every digest of a list instead costs each digest the
/// length of its most popular actor's list: quadratic in the site.
pub const RELATED_WINDOW: usize = 100;

/// Related digests from inverted indexes (actor → digests, tag → digests):
/// scored by shared actors plus shared tags, then nearest date, then id.
pub(super) fn related(index: &mut Index<'_>) {
    use rayon::prelude::*;
    let n = index.digests.len();
    let ix = &*index;
    let id_of = |o: u32| {
        ix.site.content.digests[ix.digests[o as usize].entry]
            .id
            .as_str()
    };
    let related: Vec<Vec<DigestIx>> = (0..n)
        .into_par_iter()
        .with_min_len(64)
        .map_init(
            || (vec![0u32; n], Vec::<u32>::new()),
            |(scores, touched), i| {
                let d = &ix.digests[i];
                let me = i as u32;
                let lists = d
                    .actors
                    .iter()
                    .map(|a| &ix.actors[a.ix()].digests)
                    .chain(d.tags.iter().map(|t| &ix.tags[t.ix()].digests));
                for list in lists {
                    // Lists are in digest (date) order: the nearest ones.
                    let at = list.partition_point(|o| o.0 < me);
                    let near = &list[at.saturating_sub(RELATED_WINDOW)
                        ..(at + RELATED_WINDOW + 1).min(list.len())];
                    for &o in near {
                        if o.0 != me {
                            let s = &mut scores[o.ix()];
                            if *s == 0 {
                                touched.push(o.0);
                            }
                            *s += 1;
                        }
                    }
                }
                let mut best: Vec<(std::cmp::Reverse<u32>, i64, u32)> = touched
                    .iter()
                    .map(|&o| {
                        let od = &ix.digests[o as usize];
                        (
                            std::cmp::Reverse(scores[o as usize]),
                            (od.date - d.date).num_seconds().abs(),
                            o,
                        )
                    })
                    .collect();
                for &o in touched.iter() {
                    scores[o as usize] = 0;
                }
                touched.clear();
                let cmp = |a: &(std::cmp::Reverse<u32>, i64, u32),
                           b: &(std::cmp::Reverse<u32>, i64, u32)| {
                    a.0.cmp(&b.0)
                        .then(a.1.cmp(&b.1))
                        .then_with(|| id_of(a.2).cmp(id_of(b.2)))
                };
                if best.len() > RELATED_MAX {
                    best.select_nth_unstable_by(RELATED_MAX - 1, cmp);
                    best.truncate(RELATED_MAX);
                }
                best.sort_by(cmp);
                best.into_iter().map(|t| DigestIx(t.2)).collect()
            },
        )
        .collect();
    for (d, r) in index.digests.iter_mut().zip(related) {
        d.related = r;
    }
}
