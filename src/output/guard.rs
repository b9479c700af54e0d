//! The output path rule, applied once, before anything is written: where
//! the output really is (symlinks resolved), and whether replacing it could
//! touch the site's sources or a stranger's files.

use super::MARKER;
use crate::diagnostics::{display_path, Diagnostic, Problem};
use crate::sources::{real_path, SOURCES};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Checks that `out` may be replaced by the build of the site at `root`,
/// and returns its real path. Refused: the site root, a folder holding it,
/// any source (`content/`, `static/`, `templates/`, `themes/`, `i18n/`,
/// `site.yaml`, and what symlinks among them lead to), a folder inside a
/// source, a hidden folder of the site, a folder holding another site, an
/// existing file, and — unless `force` — a folder outside the site that
/// holds files storia did not write (it has no [`MARKER`]).
pub fn check_output(root: &Path, out: &Path, force: bool) -> Result<PathBuf, Diagnostic> {
    let real = real_path(out).map_err(|e| {
        Diagnostic::error(Problem::Io {
            action: "resolve",
            path: display_path(out),
            reason: e.to_string(),
        })
    })?;
    let refuse = |reason: String, help: &str| {
        Err(Diagnostic::error(Problem::BadOutput {
            path: display_path(out),
            reason,
        })
        .help(help.to_string()))
    };
    const OWN_FOLDER: &str = "choose an output folder of its own, such as `public`";
    // Without a site there is nothing to protect, and the build stops at loading it.
    let Ok(site) = std::fs::canonicalize(root) else {
        return Ok(real);
    };
    let out_ids = ids_upwards(&real);
    if real == site || id_of(&real).is_some_and(|id| Some(id) == id_of(&site)) {
        return refuse("it is the site's own folder".into(), OWN_FOLDER);
    }
    if holds(&real, &site) {
        return refuse(
            format!("it holds the site (`{}`)", display_path(&site)),
            OWN_FOLDER,
        );
    }
    for (what, source) in sources(root, &site) {
        let inside =
            real.starts_with(&source) || id_of(&source).is_some_and(|id| out_ids.contains(&id));
        if inside {
            let reason = if real == source {
                format!("it is {what}")
            } else {
                format!("it is inside {what}")
            };
            return refuse(reason, OWN_FOLDER);
        }
        if holds(&real, &source) {
            return refuse(format!("it holds {what}"), OWN_FOLDER);
        }
    }
    if let Ok(rel) = real.strip_prefix(&site) {
        if let Some(hidden) = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .find(|c| c.starts_with('.'))
        {
            return refuse(
                format!("`{hidden}` is a hidden folder of the site, not an output"),
                OWN_FOLDER,
            );
        }
    }
    let Ok(meta) = std::fs::metadata(&real) else {
        return Ok(real);
    };
    if !meta.is_dir() {
        return refuse(
            "it is a file, not a folder".into(),
            "give `--output` a folder: a new one, or one that storia wrote",
        );
    }
    if real.join("site.yaml").exists() || real.join("content").is_dir() {
        return refuse(
            "it holds a site (`site.yaml` or `content/`)".into(),
            OWN_FOLDER,
        );
    }
    if !real.starts_with(&site) && !force && !real.join(MARKER).is_file() {
        let strangers = visible_entries(&real);
        if !strangers.is_empty() {
            let shown: Vec<String> = strangers.iter().take(3).map(|n| format!("`{n}`")).collect();
            let more = if strangers.len() > 3 { ", …" } else { "" };
            return refuse(
                format!(
                    "it is a folder storia did not write (it holds {}{more}), and a build replaces all of it",
                    shown.join(", ")
                ),
                "give `--output` a new or empty folder, or pass `--force` to replace this one (dot-entries such as `.git` are kept)",
            );
        }
    }
    Ok(real)
}

/// The site's sources that exist, each said as a refusal names it, at
/// their real paths; then what the symlinks inside its source folders
/// lead to.
fn sources(root: &Path, site: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for name in SOURCES {
        let path = root.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        let slash = if path.is_dir() { "/" } else { "" };
        if let Ok(real) = real_path(&path) {
            found.push((format!("the site's `{name}{slash}`"), real));
        }
        if path.is_dir() {
            for (link, target) in crate::sources::walk(root, Path::new(name)).linked {
                let shown = display_path(target.strip_prefix(site).unwrap_or(&target));
                let what = format!(
                    "`{shown}`, where the site's `{}` leads",
                    display_path(&link)
                );
                found.push((what, target));
            }
        }
    }
    found
}

/// Whether `dir` holds `path` (is one of its ancestors), as paths or as
/// the same folder on disk (a bind mount, a case-insensitive name).
fn holds(dir: &Path, path: &Path) -> bool {
    if path.starts_with(dir) {
        return true;
    }
    id_of(dir).is_some_and(|id| ids_upwards(path).contains(&id))
}

/// The device and inode of `path`, when it exists.
fn id_of(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// The device and inode of `path` (when it exists) and of each of its
/// existing ancestors, nearest first.
fn ids_upwards(path: &Path) -> Vec<(u64, u64)> {
    path.ancestors().filter_map(id_of).collect()
}

/// The names in `dir` that are not dot-entries (those a build keeps).
fn visible_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content/digests")).unwrap();
        std::fs::write(root.join("site.yaml"), "title: x\n").unwrap();
        (dir, root)
    }

    fn reason(root: &Path, out: &Path, force: bool) -> String {
        match check_output(root, out, force) {
            Ok(p) => format!("ok {}", p.display()),
            Err(d) => d.problem.to_string(),
        }
    }

    #[test]
    fn the_site_and_its_sources_are_never_an_output() {
        let (_dir, root) = site();
        for (out, why) in [
            (root.clone(), "the site's own folder"),
            (root.join(".."), "holds the site"),
            (root.join("content"), "the site's `content/`"),
            (root.join("content/digests"), "inside the site's `content/`"),
            (root.join("site.yaml"), "the site's `site.yaml`"),
            (root.join(".git"), "hidden folder"),
        ] {
            let got = reason(&root, &out, true);
            assert!(got.contains(why), "{}: {got}", out.display());
        }
        assert!(reason(&root, &root.join("public"), false).starts_with("ok "));
    }

    #[test]
    fn a_stranger_folder_needs_force_and_an_own_output_does_not() {
        let (dir, root) = site();
        let out = dir.path().join("elsewhere");
        std::fs::create_dir_all(out.join("docs")).unwrap();
        assert!(reason(&root, &out, false).contains("storia did not write"));
        assert!(reason(&root, &out, true).starts_with("ok "));
        std::fs::write(out.join(MARKER), "").unwrap();
        assert!(reason(&root, &out, false).starts_with("ok "));
        let dots = dir.path().join("dots");
        std::fs::create_dir_all(dots.join(".git")).unwrap();
        assert!(reason(&root, &dots, false).starts_with("ok "));
    }
}
