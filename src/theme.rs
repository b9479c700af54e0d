//! Themes: templates, static files and label files, looked up file by file in
//! the site, then its theme folder, then the `default` theme built into the
//! binary (so `storia init` and a site without `themes/` work anywhere).

use crate::diagnostics::{Diagnostic, Problem};
use crate::suggest::did_you_mean;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The kinds of layered files a theme has.
pub const LAYER_KINDS: [&str; 3] = ["templates", "static", "i18n"];

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
        if !is_theme_name(name) {
            return Err(Diagnostic::error(Problem::Config(format!(
                "`theme: {name}` is not a theme name: a theme is a folder under `themes/`, named without `/`, `\\` or a leading `.`"
            )))
            .at(config.locate("theme"))
            .help("write the name of a folder under `themes/`, or `default` for the built-in theme"));
        }
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

    /// The folders on disk that hold the layers of `kind`, highest first.
    fn dirs(&self, kind: &str) -> [(Layer, PathBuf); 2] {
        [
            (Layer::Site, PathBuf::from(kind)),
            (
                Layer::Theme,
                Path::new("themes").join(&self.name).join(kind),
            ),
        ]
    }

    /// What reading the theme's files on disk would skip or refuse:
    /// symlinks out of the site (errors), broken links and loops
    /// (warnings). The build reports them once, before rendering.
    pub fn problems(&self) -> Vec<crate::diagnostics::Diagnostic> {
        let theme = Path::new("themes").join(&self.name);
        LAYER_KINDS
            .iter()
            .map(PathBuf::from)
            .chain([theme])
            .flat_map(|dir| crate::sources::walk(&self.root, &dir).problems)
            .collect()
    }

    /// The layered files of `kind` (`templates`, `static` or `i18n`).
    /// The site's own folder for it is `kind` at the root.
    pub fn layers(&self, kind: &str) -> Result<Layers, Diagnostic> {
        let mut layers = Layers::default();
        for (layer, dir) in self.dirs(kind) {
            let walk = crate::sources::walk(&self.root, &dir);
            // Reported by `problems`; an error stops here too, should a
            // caller not have asked.
            if let Some(error) = walk.problems.into_iter().find(Diagnostic::is_error) {
                return Err(error);
            }
            for path in walk.files {
                let Ok(rel) = path.strip_prefix(&dir) else {
                    continue;
                };
                let name = crate::diagnostics::display_path(rel);
                let bytes = std::fs::read(self.root.join(&path)).map_err(|e| {
                    Diagnostic::error(Problem::Io {
                        action: "read",
                        path: crate::diagnostics::display_path(&path),
                        reason: e.to_string(),
                    })
                })?;
                layers.files.entry(name).or_default().push((
                    layer,
                    ThemeFile {
                        origin: crate::diagnostics::display_path(&path),
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

/// Whether `name` can only name a folder directly under `themes/`: never a
/// path that leads elsewhere (`../../outside`, `/etc`).
fn is_theme_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

/// What `storia theme eject` wrote.
#[derive(Debug)]
pub struct Ejected {
    /// The theme's folder, relative to the site root (`themes/default`).
    pub dir: PathBuf,
    /// How many files were written.
    pub files: usize,
}

/// Writes the built-in theme (templates, static files, labels) into
/// `themes/<name>/` of the site at `root`, byte for byte, so it can be
/// adapted without storia's source. Nothing is overwritten: when any of its
/// files exists already, nothing at all is written and every one is named.
pub fn eject(root: &Path, name: &str) -> Result<Ejected, Diagnostic> {
    if !root.join("site.yaml").is_file() {
        return Err(Diagnostic::error(Problem::MissingSiteConfig {
            root: root.display().to_string(),
        })
        .help("run it in the site's folder, or pass `--root`"));
    }
    if !crate::input::fields::is_valid_id(name) {
        return Err(Diagnostic::error(Problem::Config(format!(
            "`{name}` cannot name a theme folder"
        )))
        .help("use lower-case letters, digits and `-`, e.g. `--name my-theme`"));
    }
    let rel_dir = Path::new("themes").join(name);
    let mut files = Vec::new();
    let mut stack = vec![&DEFAULT_THEME];
    while let Some(d) = stack.pop() {
        stack.extend(d.dirs());
        files.extend(d.files().map(|f| (rel_dir.join(f.path()), f.contents())));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let taken: Vec<String> = files
        .iter()
        .filter(|(rel, _)| std::fs::symlink_metadata(root.join(rel)).is_ok())
        .map(|(rel, _)| format!("`{}`", crate::diagnostics::display_path(rel)))
        .collect();
    if !taken.is_empty() {
        let shown = taken.len().min(5);
        let more = taken.len() - shown;
        return Err(Diagnostic::error(Problem::Config(format!(
            "refusing to overwrite {}{}",
            taken[..shown].join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )))
        .help(format!(
            "nothing was written; move `{}` aside, or eject under another name with `--name`",
            crate::diagnostics::display_path(&rel_dir)
        )));
    }
    let io = |action: &'static str, rel: &Path, e: std::io::Error| {
        Diagnostic::error(Problem::Io {
            action,
            path: crate::diagnostics::display_path(rel),
            reason: e.to_string(),
        })
    };
    for (rel, bytes) in &files {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("create", rel, e))?;
        }
        // `create_new`: a file that appeared since the check is not overwritten.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io("write", rel, e))?;
        std::io::Write::write_all(&mut file, bytes).map_err(|e| io("write", rel, e))?;
    }
    Ok(Ejected {
        dir: rel_dir,
        files: files.len(),
    })
}
