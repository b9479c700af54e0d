//! Static assets: the layered static files, and fingerprinted names for the
//! theme's own assets (`style.css` → `style.3f2a9c1b7d.css`) so hosts can
//! cache them forever. Templates reach them through the `asset(path=…)`
//! function. The site's own `static/` files keep their names, and serving
//! turns fingerprints off so a stylesheet can be swapped in place.

use super::OutputFile;
use crate::theme::{Layer, Layers};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The static files of a build and the URL of each.
#[derive(Debug, Default)]
pub struct Assets {
    /// Path as written in templates → path in the output.
    names: BTreeMap<String, String>,
    /// Every file to write: originals, fingerprinted copies, generated assets.
    files: Vec<(OutputFile, Layer)>,
    base_path: String,
}

/// The fingerprinted form of `path` for `bytes`: a content hash before the extension.
fn fingerprinted(path: &str, bytes: &[u8]) -> String {
    let hash: String = Sha256::digest(bytes)
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect();
    let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
    let named = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash}.{ext}"),
        _ => format!("{file}.{hash}"),
    };
    if dir.is_empty() {
        named
    } else {
        format!("{dir}/{named}")
    }
}

impl Assets {
    /// Collects the highest layer of each static file, plus `generated`
    /// assets of the theme (the highlight stylesheet).
    pub fn new(
        statics: Layers,
        generated: Vec<OutputFile>,
        fingerprint: bool,
        base_path: &str,
    ) -> Assets {
        let mut assets = Assets {
            base_path: base_path.to_string(),
            ..Default::default()
        };
        let layered = statics.files.into_iter().filter_map(|(name, list)| {
            list.into_iter()
                .next()
                .map(|(layer, f)| (name, layer, f.bytes))
        });
        let generated = generated
            .into_iter()
            .map(|f| (f.path, Layer::Builtin, f.bytes));
        for (name, layer, bytes) in layered.chain(generated) {
            let output = if fingerprint && layer != Layer::Site {
                let hashed = fingerprinted(&name, &bytes);
                assets.files.push((
                    OutputFile {
                        path: hashed.clone(),
                        bytes: bytes.clone(),
                    },
                    layer,
                ));
                hashed
            } else {
                name.clone()
            };
            assets.names.insert(name.clone(), output);
            assets.files.push((OutputFile { path: name, bytes }, layer));
        }
        assets
    }

    /// Every static file's bytes, by its path in the output.
    pub fn bytes_by_path(&self) -> std::collections::HashMap<&str, &[u8]> {
        self.files
            .iter()
            .map(|(f, _)| (f.path.as_str(), f.bytes.as_slice()))
            .collect()
    }

    /// The URL of a static file as templates name it (`style.css`).
    pub fn url(&self, path: &str) -> Option<String> {
        let path = path.trim_start_matches('/');
        self.names
            .get(path)
            .map(|out| format!("{}{out}", self.base_path))
    }

    /// The output paths of the files of `layer`.
    pub fn paths_of(&self, layer: Layer) -> std::collections::HashSet<String> {
        self.files
            .iter()
            .filter(|(_, l)| *l == layer)
            .map(|(f, _)| f.path.clone())
            .collect()
    }

    /// The files to write, with the layer each came from.
    pub fn into_files(self) -> Vec<(OutputFile, Layer)> {
        self.files
    }

    /// A lookup for the template function.
    pub fn table(&self) -> BTreeMap<String, String> {
        self.names
            .iter()
            .map(|(k, v)| (k.clone(), format!("{}{v}", self.base_path)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fingerprinted;

    #[test]
    fn fingerprints_go_before_the_extension_and_follow_the_bytes() {
        let a = fingerprinted("css/style.css", b"body{}");
        assert!(
            a.starts_with("css/style.")
                && a.ends_with(".css")
                && a.len() == "css/style..css".len() + 10,
            "{a}"
        );
        assert_ne!(a, fingerprinted("css/style.css", b"body{color:red}"));
        assert_eq!(a, fingerprinted("css/style.css", b"body{}"));
    }
}
