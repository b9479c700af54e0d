//! The site's source folders on disk (`content/`, `static/`, `templates/`,
//! `themes/`, `i18n/`): which files they hold, walked once, with symlinks
//! followed while they stay inside the site and refused when they lead out
//! of it. Nothing is skipped in silence: a link out of the site is an
//! error, a broken link or a loop a warning.

use crate::diagnostics::{display_path, Diagnostic, Location, Problem};
use std::path::{Component, Path, PathBuf};

/// The folders and files a site is made of: an output may never be one of
/// them, hold one, or lie inside one.
pub const SOURCES: [&str; 6] = [
    "site.yaml",
    "content",
    "static",
    "templates",
    "themes",
    "i18n",
];

/// How many symlinked folders may lead into one another before the walk
/// gives up (the kernel's own limit for one path is 40).
const MAX_LINKED_DEPTH: usize = 32;

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Every file, relative to the site root as it is reached (through
    /// links: `content/digests/a.md` when `content/digests` is a link),
    /// sorted by path within each folder.
    pub files: Vec<PathBuf>,
    /// The symlinks followed (relative to the site root, as reached) and
    /// the real paths they lead to.
    pub linked: Vec<(PathBuf, PathBuf)>,
    /// Links refused, broken links, loops, unreadable folders.
    pub problems: Vec<Diagnostic>,
}

/// Walks `root/dir` (a relative path such as `content` or
/// `themes/x/static`). Hidden names are skipped. A missing folder holds
/// nothing.
pub fn walk(root: &Path, dir: &Path) -> Walk {
    let mut walk = Walk::default();
    let top = root.join(dir);
    if std::fs::symlink_metadata(&top).is_err() {
        return walk;
    }
    let root_real = match std::fs::canonicalize(root) {
        Ok(r) => r,
        Err(e) => {
            walk.problems.push(io_problem(dir, e));
            return walk;
        }
    };
    let walker = Walker { root, root_real };
    // The folder itself may be a link (`static -> ../shared/static`).
    let Some(real) = walker.follow(dir, &mut walk) else {
        return walk;
    };
    if real.is_dir() {
        walker.descend(dir, &mut vec![real], &mut walk);
    }
    walk
}

struct Walker<'a> {
    root: &'a Path,
    root_real: PathBuf,
}

impl Walker<'_> {
    /// Resolves `rel` when it is a symlink: its real target when it stays
    /// inside the site, else `None` with the reason recorded. A path that
    /// is not a link resolves to itself.
    fn follow(&self, rel: &Path, walk: &mut Walk) -> Option<PathBuf> {
        let path = self.root.join(rel);
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        let real = match std::fs::canonicalize(&path) {
            Ok(r) => r,
            Err(e) if is_link => {
                let target = std::fs::read_link(&path).unwrap_or_default();
                walk.problems.push(
                    Diagnostic::warning(format!(
                        "`{}` is a broken symlink (to `{}`: {e}); it is skipped",
                        display_path(rel),
                        display_path(&target)
                    ))
                    .at(Location::file(rel))
                    .help("remove the link, or point it at a file inside the site"),
                );
                return None;
            }
            Err(e) => {
                walk.problems.push(io_problem(rel, e));
                return None;
            }
        };
        if !real.starts_with(&self.root_real) {
            // Name the link itself, which may be a folder on the way (`themes/x`).
            let link = rel
                .ancestors()
                .filter(|a| !a.as_os_str().is_empty())
                .filter(|a| {
                    std::fs::symlink_metadata(self.root.join(a))
                        .is_ok_and(|m| m.file_type().is_symlink())
                })
                .last()
                .unwrap_or(rel);
            let target = std::fs::canonicalize(self.root.join(link)).unwrap_or(real);
            walk.problems.push(
                Diagnostic::error(Problem::LinkOutOfSite {
                    path: display_path(link),
                    target: display_path(&target),
                })
                .at(Location::file(link))
                .help("copy what it points to into the site's folder, or make the link point inside the site"),
            );
            return None;
        }
        if is_link {
            walk.linked.push((rel.to_path_buf(), real.clone()));
        }
        Some(real)
    }

    /// Walks the folder `rel`, whose real path ends `chain` (the real
    /// folders walked into through links so far, the walk's own first).
    fn descend(&self, rel: &Path, chain: &mut Vec<PathBuf>, walk: &mut Walk) {
        let top = self.root.join(rel);
        let entries = walkdir::WalkDir::new(&top)
            .follow_links(false)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let at = e
                        .path()
                        .and_then(|p| p.strip_prefix(self.root).ok())
                        .map_or_else(|| rel.to_path_buf(), Path::to_path_buf);
                    walk.problems.push(io_problem(&at, e.into()));
                    continue;
                }
            };
            let Ok(inner) = entry.path().strip_prefix(&top) else {
                continue;
            };
            let path = rel.join(inner);
            let kind = entry.file_type();
            if kind.is_file() {
                walk.files.push(path);
            } else if kind.is_symlink() {
                let Some(real) = self.follow(&path, walk) else {
                    continue;
                };
                if real.is_file() {
                    walk.files.push(path);
                } else if real.is_dir() {
                    self.linked_folder(&path, real, chain, walk);
                }
            }
        }
    }

    /// Walks into a symlinked folder, unless that would walk in circles.
    fn linked_folder(&self, rel: &Path, real: PathBuf, chain: &mut Vec<PathBuf>, walk: &mut Walk) {
        // A link to a folder that holds the link (or any folder being walked) would repeat forever.
        let parent_real = self
            .root
            .join(rel)
            .parent()
            .and_then(|p| std::fs::canonicalize(p).ok());
        let loops = chain
            .iter()
            .chain(parent_real.as_ref())
            .any(|c| c.starts_with(&real));
        if loops || chain.len() > MAX_LINKED_DEPTH {
            walk.problems.push(
                Diagnostic::warning(format!(
                    "`{}` is a symlink loop (it leads back to `{}`); it is not followed",
                    display_path(rel),
                    display_path(real.strip_prefix(&self.root_real).unwrap_or(&real))
                ))
                .at(Location::file(rel))
                .help("remove the link: a folder cannot hold itself"),
            );
            return;
        }
        chain.push(real);
        self.descend(rel, chain, walk);
        chain.pop();
    }
}

fn io_problem(rel: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Problem::Io {
        action: "read",
        path: display_path(rel),
        reason: e.to_string(),
    })
}

/// The real path of `path`: absolute, with every symlink on the way
/// resolved (dangling ones too, by their target) and `.` and `..` applied
/// as the kernel applies them. The part that does not exist is appended as
/// written, so the path of an output that a build would create is known
/// before it exists.
pub fn real_path(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut real = PathBuf::from("/");
    let mut pending = std::collections::VecDeque::new();
    queue(&absolute, &mut pending, &mut real);
    let (mut links, mut missing) = (0, false);
    while let Some(c) = pending.pop_front() {
        match c {
            Step::Up => {
                real.pop();
            }
            Step::Name(name) if missing => real.push(name),
            Step::Name(name) => {
                let next = real.join(&name);
                match std::fs::symlink_metadata(&next) {
                    Ok(m) if m.file_type().is_symlink() => {
                        links += 1;
                        if links > 40 {
                            return Err(std::io::Error::other("too many levels of symbolic links"));
                        }
                        queue(&std::fs::read_link(&next)?, &mut pending, &mut real);
                    }
                    Ok(_) => real = next,
                    Err(_) => {
                        // Nothing below a missing name can be a link.
                        missing = true;
                        real = next;
                    }
                }
            }
        }
    }
    Ok(real)
}

enum Step {
    Up,
    Name(std::ffi::OsString),
}

/// Puts the steps of `path` in front of `pending`; an absolute path starts
/// again from the root.
fn queue(path: &Path, pending: &mut std::collections::VecDeque<Step>, real: &mut PathBuf) {
    let mut steps = Vec::new();
    for c in path.components() {
        match c {
            Component::RootDir | Component::Prefix(_) => {
                *real = PathBuf::from(c.as_os_str());
                steps.clear();
            }
            Component::CurDir => {}
            Component::ParentDir => steps.push(Step::Up),
            Component::Normal(name) => steps.push(Step::Name(name.to_os_string())),
        }
    }
    for step in steps.into_iter().rev() {
        pending.push_front(step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn real_paths_resolve_links_on_the_way_and_dangling_ones() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(base.join("var/home/site")).unwrap();
        symlink(base.join("var/home"), base.join("home")).unwrap();
        assert_eq!(
            real_path(&base.join("home/site/../site/public")).unwrap(),
            base.join("var/home/site/public")
        );
        symlink("nowhere/www", base.join("var/home/site/out")).unwrap();
        assert_eq!(
            real_path(&base.join("home/site/out/x")).unwrap(),
            base.join("var/home/site/nowhere/www/x")
        );
        symlink("loop", base.join("loop")).unwrap();
        assert!(real_path(&base.join("loop")).is_err());
    }
}
