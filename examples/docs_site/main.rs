//! Builds the user guide in `docs/` into a storia site folder:
//! `cargo run --example docs_site -- OUT`, then `storia build --root OUT`
//! (CI runs `storia check --root OUT`, which must find no broken link).

mod site;

fn main() {
    let Some(out) = std::env::args_os().nth(1) else {
        eprintln!("usage: docs_site OUT");
        std::process::exit(2);
    };
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    if let Err(e) = site::generate(&docs, std::path::Path::new(&out)) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
