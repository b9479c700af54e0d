//! "Did you mean": the known name closest to a mistyped one.
//!
//! Closeness is the Damerau-Levenshtein distance (strsim), ignoring case: a
//! wrong, missing or extra letter, or two neighbours swapped (`iws` → `isw`),
//! is one slip. A name is suggested within one slip for names of up to four
//! characters, two up to eight, three beyond; among equals, the most similar
//! (Jaro-Winkler), then the first in byte order.
//!
//! [`did_you_mean`] compares every candidate; when the same large set is
//! asked again and again (every unknown id of a site against all its ids),
//! a [`Suggester`] keeps each question's cost independent of the set's size.

use std::collections::HashMap;
use std::hash::Hasher;

/// "did you mean `x`?" for the candidate closest to `wanted`, if one is close.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest_to(wanted, candidates).map(say)
}

/// The candidate closest to `wanted`, if one is close.
pub fn closest_to<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest(&Folded::new(wanted), candidates)
}

fn say(candidate: &str) -> String {
    format!("did you mean `{candidate}`?")
}

/// A name compared without case.
struct Folded<'a> {
    text: &'a str,
    lower: String,
}

impl<'a> Folded<'a> {
    fn new(text: &'a str) -> Self {
        Folded {
            text,
            lower: text.to_lowercase(),
        }
    }

    /// How many slips may separate a suggestion from this name.
    fn limit(&self) -> usize {
        match self.lower.chars().count() {
            0..=4 => 1,
            5..=8 => 2,
            _ => 3,
        }
    }
}

/// The closest of `candidates` within `wanted`'s limit.
fn closest<'c>(
    wanted: &Folded<'_>,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = wanted.limit();
    let wanted_len = wanted.lower.chars().count();
    let mut best: Option<(usize, f64, &str)> = None;
    for candidate in candidates {
        if candidate == wanted.text {
            continue; // the name itself is not a suggestion
        }
        // The distance is at least the difference in length.
        if candidate.chars().count().abs_diff(wanted_len) > limit {
            continue;
        }
        let lower = candidate.to_lowercase();
        let distance = strsim::damerau_levenshtein(&wanted.lower, &lower);
        if distance > limit {
            continue;
        }
        let similarity = strsim::jaro_winkler(&wanted.lower, &lower);
        let better = match best {
            None => true,
            Some((d, s, c)) => {
                distance < d
                    || (distance == d && (similarity > s || (similarity == s && candidate < c)))
            }
        };
        if better {
            best = Some((distance, similarity, candidate));
        }
    }
    best.map(|(_, _, c)| c)
}

/// Suggestions out of one fixed set of names.
///
/// Up to [`Suggester::SCAN`] names, each question compares them all, as
/// [`did_you_mean`] does. Beyond, the names are indexed by themselves and by
/// each of their one-letter deletions (lower-cased): two names one slip apart
/// always share such a key, so a question looks up its own keys and
/// compares only the names found there. Its cost then depends on the
/// name's length, never on the size of the set; the price is that in large
/// sets only names one slip away (sometimes two) are suggested.
pub struct Suggester<'a> {
    names: Vec<&'a str>,
    /// Hash of a key → the names that have it.
    keys: Option<HashMap<u64, Vec<u32>>>,
}

impl<'a> Suggester<'a> {
    /// The largest set every question scans whole.
    pub const SCAN: usize = 512;

    /// An index of `names`.
    pub fn new(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut names: Vec<&'a str> = names.into_iter().collect();
        names.sort_unstable();
        names.dedup();
        let keys = (names.len() > Self::SCAN).then(|| {
            let mut keys: HashMap<u64, Vec<u32>> = HashMap::new();
            for (n, name) in names.iter().enumerate() {
                for key in deletion_keys(&name.to_lowercase()) {
                    let list = keys.entry(key).or_default();
                    if list.last() != Some(&(n as u32)) {
                        list.push(n as u32);
                    }
                }
            }
            keys
        });
        Suggester { names, keys }
    }

    /// "did you mean `x`?" for the name closest to `wanted`, if one is close.
    pub fn did_you_mean(&self, wanted: &str) -> Option<String> {
        let wanted = Folded::new(wanted);
        let Some(keys) = &self.keys else {
            return closest(&wanted, self.names.iter().copied()).map(say);
        };
        let mut found: Vec<u32> = deletion_keys(&wanted.lower)
            .filter_map(|key| keys.get(&key))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        closest(&wanted, found.into_iter().map(|n| self.names[n as usize])).map(say)
    }
}

/// The keys of a lower-cased name: the hashes of itself and of each
/// one-letter deletion (hashed as one string, without building it).
fn deletion_keys(name: &str) -> impl Iterator<Item = u64> + '_ {
    let hash = |before: &str, after: &str| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        h.write(before.as_bytes());
        h.write(after.as_bytes());
        h.finish()
    };
    std::iter::once(hash(name, "")).chain(
        name.char_indices()
            .map(move |(i, c)| hash(&name[..i], &name[i + c.len_utf8()..])),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_slip_is_suggested_swaps_included() {
        let ids = ["isw", "nyt", "reuters"];
        assert_eq!(
            did_you_mean("iws", ids).as_deref(),
            Some("did you mean `isw`?")
        );
        assert_eq!(
            did_you_mean("reuter", ids).as_deref(),
            Some("did you mean `reuters`?")
        );
        assert_eq!(
            did_you_mean("Reuters", ids).as_deref(),
            Some("did you mean `reuters`?")
        );
        assert_eq!(did_you_mean("bbc", ids), None);
        assert_eq!(did_you_mean("isw", ids), None, "the name itself");
    }

    #[test]
    fn longer_names_allow_more_slips_and_the_closest_wins() {
        let ids = ["lukashenko", "lukashenkova", "putin"];
        assert_eq!(
            did_you_mean("lukaschenko", ids).as_deref(),
            Some("did you mean `lukashenko`?")
        );
        assert_eq!(
            did_you_mean("lukschenco", ids).as_deref(),
            Some("did you mean `lukashenko`?")
        );
        assert_eq!(
            did_you_mean("putn", ids).as_deref(),
            Some("did you mean `putin`?")
        );
        assert_eq!(did_you_mean("ptn", ids), None, "two slips in a short name");
    }

    #[test]
    fn a_large_set_suggests_what_is_one_slip_away() {
        let names: Vec<String> = (0..50_000).map(|i| format!("nobody{i}")).collect();
        let s = Suggester::new(names.iter().map(String::as_str));
        assert!(s.keys.is_some());
        assert_eq!(
            s.did_you_mean("nobdoy123").as_deref(),
            Some("did you mean `nobody123`?")
        );
        assert_eq!(
            s.did_you_mean("nobody4999x").as_deref(),
            Some("did you mean `nobody4999`?")
        );
        assert_eq!(s.did_you_mean("somebody"), None);
        // Small sets are scanned whole, with the same rules as `did_you_mean`.
        let small = Suggester::new(["isw", "nyt"]);
        assert_eq!(
            small.did_you_mean("iws"),
            did_you_mean("iws", ["isw", "nyt"])
        );
    }
}
