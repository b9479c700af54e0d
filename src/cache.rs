//! Where storia keeps what it can always make again: the build cache
//! (page facts, the previous output generation, resized images).
//!
//! Never in the site (a build must create nothing outside its output) and
//! never in the output: the user's cache folder, as Hugo does,
//! `$XDG_CACHE_HOME/storia/` or else `~/.cache/storia/`, one folder per
//! site named after a hash of the site's real path. `STORIA_CACHE_DIR` or
//! `--cache-dir` put it elsewhere; `--no-cache` builds without one.
//! Deleting it is always safe: the next build is a build from nothing.

pub mod state;

use crate::diagnostics::{display_path, Diagnostic, Problem};
use std::path::{Path, PathBuf};

/// The cache a build may use, as the user chose it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Choice {
    /// The user's cache folder (or `STORIA_CACHE_DIR`).
    #[default]
    Default,
    /// This folder holds the caches of every site (`--cache-dir`).
    At(PathBuf),
    /// No cache: every build is a build from nothing (`--no-cache`).
    Off,
}

impl Choice {
    /// The choice of the command line: `--no-cache` wins over `--cache-dir`.
    pub fn from_flags(dir: Option<PathBuf>, off: bool) -> Choice {
        match (off, dir) {
            (true, _) => Choice::Off,
            (false, Some(dir)) => Choice::At(dir),
            (false, None) => Choice::Default,
        }
    }

    /// The folder holding every site's cache, or `None` when there is none
    /// (`--no-cache`, or no home folder to put it in).
    pub fn base(&self) -> Option<PathBuf> {
        match self {
            Choice::Off => None,
            Choice::At(dir) => Some(dir.clone()),
            Choice::Default => default_base(
                std::env::var_os("STORIA_CACHE_DIR"),
                std::env::var_os("XDG_CACHE_HOME"),
                std::env::var_os("HOME"),
            ),
        }
    }

    /// The cache folder of the site whose real (symlink-resolved) root is
    /// `root`: two paths to one site share it, two sites never do.
    pub fn site_folder(&self, root: &Path) -> Option<PathBuf> {
        self.base().map(|base| base.join(site_key(root)))
    }
}

/// Refuses a cache folder `folder` for the site at `root` (real path)
/// built into `out` (real path) where the cache would be replaced with the
/// output, or would be taken for a source of the site.
pub fn check_location(folder: &Path, root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let real = real_or_nearest(folder);
    let refuse = |what: String| {
        Err(Diagnostic::error(Problem::Config(format!(
            "the build cache folder `{}` is inside {what}",
            display_path(folder)
        )))
        .help("give `--cache-dir` (or `STORIA_CACHE_DIR`) a folder outside the output and the site's sources, or leave it out to use the user's cache folder"))
    };
    if real.starts_with(out) {
        return refuse(format!("the output folder `{}`", display_path(out)));
    }
    for name in crate::sources::SOURCES {
        let source = real_or_nearest(&root.join(name));
        if real.starts_with(&source) {
            return refuse(format!("the site's `{name}`"));
        }
    }
    Ok(())
}

/// `path` with symlinks resolved as far as it exists, the rest as written.
fn real_or_nearest(path: &Path) -> PathBuf {
    let path = &std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    for base in path.ancestors() {
        if let Ok(real) = std::fs::canonicalize(base) {
            let rest = path.strip_prefix(base).unwrap_or(Path::new(""));
            return real.join(rest);
        }
    }
    path.to_path_buf()
}

fn default_base(
    storia: Option<std::ffi::OsString>,
    xdg: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    // Empty variables count as unset, as the XDG specification says.
    let set = |v: Option<std::ffi::OsString>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set(storia) {
        return Some(dir);
    }
    // A relative XDG_CACHE_HOME is invalid by the specification: ignored.
    if let Some(xdg) = set(xdg).filter(|p| p.is_absolute()) {
        return Some(xdg.join("storia"));
    }
    set(home).map(|home| home.join(".cache").join("storia"))
}

/// The folder name of a site's cache: its last path component, for the
/// reader of the cache folder, and a hash of its whole real path.
fn site_key(root: &Path) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(root.as_os_str().as_encoded_bytes());
    let name: String = root
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                .take(32)
                .collect()
        })
        .unwrap_or_default();
    if name.is_empty() {
        format!("{hash:016x}")
    } else {
        format!("{name}-{hash:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_follows_storia_then_xdg_then_home() {
        let os = |s: &str| Some(std::ffi::OsString::from(s));
        assert_eq!(
            default_base(os("/c"), os("/x"), os("/h")),
            Some(PathBuf::from("/c"))
        );
        assert_eq!(
            default_base(None, os("/x"), os("/h")),
            Some(PathBuf::from("/x/storia"))
        );
        assert_eq!(
            default_base(os(""), os("rel"), os("/h")),
            Some(PathBuf::from("/h/.cache/storia"))
        );
        assert_eq!(default_base(None, None, None), None);
    }

    #[test]
    fn each_site_has_its_own_folder() {
        let choice = Choice::At(PathBuf::from("/cache"));
        let a = choice.site_folder(Path::new("/sites/news")).unwrap();
        let b = choice.site_folder(Path::new("/other/news")).unwrap();
        assert_ne!(a, b);
        assert!(
            a.starts_with("/cache")
                && a.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("news-")
        );
        assert_eq!(
            Choice::from_flags(Some("/d".into()), true).site_folder(Path::new("/s")),
            None
        );
    }
}
