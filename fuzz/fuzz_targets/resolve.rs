//! The reference resolver: the basic fixture site plus a digest `fuzz.md`
//! of arbitrary bytes; load and resolve (with and without drafts) and the
//! rendering of every diagnostic must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let root = storia_fuzz::basic_site();
    std::fs::write(root.join("content/digests/fuzz.md"), data).expect("write");
    let (site, diags) = storia::content::load(root, None);
    for d in diags.sorted() {
        let _ = d.render();
    }
    let Some(site) = site else {
        return;
    };
    for drafts in [false, true] {
        let publish = storia::index::Publish {
            drafts,
            ..storia::index::Publish::at(storia::build::now())
        };
        let (index, diags) = storia::index::resolve(&site, publish);
        let has_errors = diags.has_errors();
        let _ = diags.render_all();
        if !has_errors {
            for d in storia::index::likely_mistakes(&index) {
                let _ = d.render();
            }
        }
    }
});
