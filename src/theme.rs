//! Themes: templates, static files and label files, looked up file by file in
//! the site, then its theme folder, then the `default` theme built into the
//! binary (so `storia init` and a site without `themes/` work anywhere).

use crate::diagnostics::{Diagnostic, Problem};
use crate::suggest::did_you_mean;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default theme, embedded at compile time.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A file of the layered theme: its bytes and where it came from.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Where to report it: a path relative to the site root, or the
    /// built-in theme's path marked as such.
    pub origin: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// The files of one layer kind (`templates`, `static`, `i18n`), by relative
/// path, each from the highest layer that has it.
#[derive(Debug, Default)]
pub struct Layers {
    /// Template name (relative path) → layers from highest to lowest priority.
    pub files: BTreeMap<String, Vec<(Layer, ThemeFile)>>,
}

/// Which layer a file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    /// The site's own folder (`templates/`, `static/`, `i18n/`).
    Site,
    /// `themes/<theme>/…` on disk.
    Theme,
    /// The built-in default theme.
    Builtin,
}

/// The theme of a site.
#[derive(Debug)]
pub struct Theme {
    /// Its name.
    pub name: String,
    root: PathBuf,
}

impl Theme {
    /// Finds the theme `name` for the site at `root`; `default` always exists.
    pub fn find(
        root: &Path,
        name: &str,
        config: &crate::config::Config,
    ) -> Result<Theme, Diagnostic> {
        let dir = root.join("themes").join(name);
        if name != "default" && !dir.is_dir() {
            let mut names: Vec<String> = std::fs::read_dir(root.join("themes"))
                .map(|rd| {
                    rd.filter_map(Result::ok)
                        .filter(|e| e.path().is_dir())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            names.push("default".into());
            names.sort();
            names.dedup();
            let help = did_you_mean(name, names.iter().map(String::as_str))
                .unwrap_or_else(|| format!("available themes: {}", names.join(", ")));
            return Err(
                Diagnostic::error(Problem::UnknownTheme { name: name.into() })
                    .at(config.locate("theme"))
                    .help(help),
            );
        }
        Ok(Theme {
            name: name.to_string(),
            root: root.to_path_buf(),
        })
    }

    /// The default theme for a site at `root` (tests use it without a site.yaml).
    #[cfg(test)]
    pub(crate) fn default_at(root: &Path) -> Theme {
        Theme {
            name: "default".into(),
            root: root.to_path_buf(),
        }
    }

    /// The layered files of `kind` (`templates`, `static` or `i18n`).
    /// The site's own folder for it is `kind` at the root.
    pub fn layers(&self, kind: &str) -> Result<Layers, Diagnostic> {
        let mut layers = Layers::default();
        let site_dir = self.root.join(kind);
        let theme_rel = PathBuf::from("themes").join(&self.name).join(kind);
        for (layer, dir) in [
            (Layer::Site, PathBuf::from(kind)),
            (Layer::Theme, theme_rel.clone()),
        ] {
            let abs = self.root.join(&dir);
            if layer == Layer::Site && !site_dir.is_dir() || !abs.is_dir() {
                continue;
            }
            for entry in walkdir::WalkDir::new(&abs)
                .follow_links(false)
                .sort_by_file_name()
            {
                let entry = entry.map_err(|e| {
                    Diagnostic::error(Problem::Io {
                        action: "read",
                        path: crate::diagnostics::display_path(&dir),
                        reason: e.to_string(),
                    })
                })?;
                let hidden = entry
                    .path()
                    .strip_prefix(&abs)
                    .map(|p| {
                        p.components()
                            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                    })
                    .unwrap_or(true);
                let is_file = entry.file_type().is_file()
                    || (entry.file_type().is_symlink() && entry.path().is_file());
                if hidden || !is_file {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&abs) else {
                    continue;
                };
                let name = crate::diagnostics::display_path(rel);
                let bytes = std::fs::read(entry.path()).map_err(|e| {
                    Diagnostic::error(Problem::Io {
                        action: "read",
                        path: crate::diagnostics::display_path(&dir.join(rel)),
                        reason: e.to_string(),
                    })
                })?;
                layers.files.entry(name.clone()).or_default().push((
                    layer,
                    ThemeFile {
                        origin: crate::diagnostics::display_path(&dir.join(rel)),
                        bytes,
                    },
                ));
            }
        }
        if let Some(dir) = DEFAULT_THEME.get_dir(kind) {
            let mut stack = vec![dir];
            while let Some(d) = stack.pop() {
                stack.extend(d.dirs());
                for f in d.files() {
                    let Ok(rel) = f.path().strip_prefix(kind) else {
                        continue;
                    };
                    let name = crate::diagnostics::display_path(rel);
                    let list = layers.files.entry(name.clone()).or_default();
                    // With the default theme on disk, the disk copy is the theme layer.
                    if self.name == "default" && list.iter().any(|(l, _)| *l == Layer::Theme) {
                        continue;
                    }
                    list.push((
                        Layer::Builtin,
                        ThemeFile {
                            origin: format!("themes/default/{kind}/{name} (built into storia)"),
                            bytes: f.contents().to_vec(),
                        },
                    ));
                }
            }
        }
        Ok(layers)
    }
}

/// Writes the embedded default theme under `dir` (for `storia init`).
pub fn write_default_theme(dir: &Path) -> std::io::Result<()> {
    let mut stack = vec![&DEFAULT_THEME];
    while let Some(d) = stack.pop() {
        for sub in d.dirs() {
            std::fs::create_dir_all(dir.join(sub.path()))?;
            stack.push(sub);
        }
        for f in d.files() {
            std::fs::write(dir.join(f.path()), f.contents())?;
        }
    }
    Ok(())
}
