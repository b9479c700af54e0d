//! One content file of any kind, from arbitrary bytes: decoding, front
//! matter, YAML, field rules, the body scan, and the rendering of every
//! diagnostic. The first byte picks the kind; no input may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use storia::content::check_bytes;
use storia::entity::EntityKind;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let (kind, path) = match pick % 5 {
        0 => (EntityKind::Digest, "content/digests/2022/fuzz.md"),
        1 => (EntityKind::Actor, "content/actors/fuzz.md"),
        2 => (EntityKind::Source, "content/sources/fuzz.md"),
        3 => (EntityKind::Story, "content/stories/fuzz.md"),
        _ => (EntityKind::Page, "content/pages/fuzz.md"),
    };
    for d in check_bytes(kind, Path::new(path), bytes.to_vec()) {
        let _ = d.render();
    }
});
