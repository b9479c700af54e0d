//! Facts across builds: every fact of the last good build under a stable
//! key (its view, its kind and its entity's id, never a position), with its
//! fingerprint; and, for a new build, which facts differ.
//!
//! A build fingerprints every fact of every view (cheap: a hash of what each
//! accessor answers) and compares them with the last good build's, entity
//! by entity. Only the outputs that read a changed fact are rendered again.

use super::reads::{Entity, Fact, FactKind};
use crate::index::Index;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A fact under its stable key: view, kind and entity key number, packed.
pub type FactId = u64;

fn pack(view: u8, kind: FactKind, number: u32) -> FactId {
    (u64::from(view) << 40) | ((kind as u64) << 32) | u64::from(number)
}

/// The facts of the last good build (kept by the build cache as they are).
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct FactTable {
    /// Each kind of entity's keys, numbered in the order first seen (the
    /// numbers only grow: an entity keeps its number while the table lives).
    numbers: [HashMap<Box<str>, u32>; Entity::ALL.len()],
    /// Fingerprints by view and kind, each by entity key number (0: no such
    /// fact).
    prints: HashMap<(u8, FactKind), Vec<u64>>,
}

/// One build's facts, before they replace the last good build's.
pub struct Current {
    /// By view: each entity's key number, by kind of entity and position.
    numbers: HashMap<u8, [Vec<u32>; Entity::ALL.len()]>,
    prints: HashMap<(u8, FactKind), Vec<u64>>,
    /// Facts that differ from the last good build's (new, gone or changed).
    changed: HashSet<FactId>,
}

impl FactTable {
    /// Fingerprints every fact of `views` (view number, index) and finds
    /// those that differ from this table's.
    pub fn scan(&mut self, views: &[(u8, &Index<'_>)]) -> Current {
        let mut numbers = HashMap::default();
        for (view, ix) in views {
            let per_entity = Entity::ALL.map(|e| {
                let table = &mut self.numbers[e as usize];
                (0..e.count(ix) as u32)
                    .map(|n| {
                        let key = e.key(ix, n);
                        match table.get(key) {
                            Some(&k) => k,
                            None => {
                                let k = table.len() as u32;
                                table.insert(key.into(), k);
                                k
                            }
                        }
                    })
                    .collect::<Vec<u32>>()
            });
            numbers.insert(*view, per_entity);
        }
        let work: Vec<(u8, &Index<'_>, FactKind)> = views
            .iter()
            .flat_map(|(view, ix)| FactKind::ALL.iter().map(move |k| (*view, *ix, *k)))
            .collect();
        let prints: HashMap<(u8, FactKind), Vec<u64>> = work
            .into_par_iter()
            .map(|(view, ix, kind)| {
                let entity = kind.entity();
                let by_position = kind.fingerprints(ix);
                let keys = &numbers[&view][entity as usize];
                let mut by_key = vec![0u64; self.numbers[entity as usize].len()];
                for (n, print) in by_position.into_iter().enumerate() {
                    by_key[keys[n] as usize] = print;
                }
                ((view, kind), by_key)
            })
            .collect();
        let mut changed = HashSet::default();
        for (&(view, kind), new) in &prints {
            let old = self
                .prints
                .get(&(view, kind))
                .map_or(&[][..], Vec::as_slice);
            for number in 0..new.len().max(old.len()) {
                if old.get(number).copied().unwrap_or(0) != new.get(number).copied().unwrap_or(0) {
                    changed.insert(pack(view, kind, number as u32));
                }
            }
        }
        // A view that is gone (a language dropped) changed all its facts.
        for (&(view, kind), old) in &self.prints {
            if !prints.contains_key(&(view, kind)) {
                for (number, print) in old.iter().enumerate() {
                    if *print != 0 {
                        changed.insert(pack(view, kind, number as u32));
                    }
                }
            }
        }
        Current {
            numbers,
            prints,
            changed,
        }
    }

    /// Makes `current` the last good build.
    pub fn commit(&mut self, current: Current) {
        self.prints = current.prints;
    }
}

impl Current {
    /// The stable keys of `facts`, recorded in this build.
    pub fn ids(&self, facts: &[Fact]) -> Box<[FactId]> {
        let mut ids: Vec<FactId> = facts
            .iter()
            .map(|f| {
                let numbers = &self.numbers[&f.view][f.kind.entity() as usize];
                pack(f.view, f.kind, numbers[f.n as usize])
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_boxed_slice()
    }

    /// Whether any of `deps` changed since the last good build.
    pub fn touches(&self, deps: &[FactId]) -> bool {
        !self.changed.is_empty() && deps.iter().any(|d| self.changed.contains(d))
    }
}
