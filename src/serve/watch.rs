//! Watching the site's sources: notify's events, debounced, reduced to the
//! paths (relative to the site root) that can change the site.

use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// What a site is made of: edits anywhere else (the output, `target/`) are not ours.
const WATCHED: &[&str] = &[
    "site.yaml",
    "content",
    "templates",
    "themes",
    "static",
    "i18n",
];

/// Short enough to feel instant, long enough to fold one save's burst of
/// events (write, chmod, rename of a temporary file) into one rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(25);

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watching: Vec<PathBuf>,
}

impl Watcher {
    /// Starts watching `root`; each batch of relevant changes is sent to `tx`.
    pub fn start(root: &Path, tx: mpsc::Sender<Vec<PathBuf>>) -> notify::Result<Watcher> {
        let root = root.canonicalize()?;
        let base = root.clone();
        let debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let mut changed: Vec<PathBuf> = events
                .iter()
                .filter(|e| changes_content(&e.event.kind))
                .flat_map(|e| e.event.paths.iter())
                .filter_map(|p| relevant(&base, p))
                .collect();
            changed.sort();
            changed.dedup();
            if !changed.is_empty() {
                let _ = tx.send(changed);
            }
        })?;
        let mut w = Watcher {
            debouncer,
            root,
            watching: Vec::new(),
        };
        // The root itself, not recursively: site.yaml, and folders created later.
        w.debouncer.watch(&w.root, RecursiveMode::NonRecursive)?;
        w.watch_new_folders();
        Ok(w)
    }

    /// Watches the site folders that exist now and were not watched yet
    /// (call after a batch that may have created one).
    pub fn watch_new_folders(&mut self) {
        for name in &WATCHED[1..] {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watching.contains(&dir) {
                if self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watching.push(dir);
                }
            } else if !dir.is_dir() {
                // Deleted: watch it again if it comes back.
                self.watching.retain(|d| d != &dir);
            }
        }
    }
}

/// Reading a file (the rebuild itself does) or touching its metadata changes nothing.
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::event::{EventKind, ModifyKind};
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
    )
}

/// `path` relative to `root` when it can change the site; editors' swap,
/// backup and lock files cannot.
fn relevant(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    if !WATCHED.contains(&first) {
        return None;
    }
    let name = rel.file_name()?.to_string_lossy();
    (!crate::content::is_scratch(&name)).then(|| rel.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_scratch_files_and_other_folders_are_ignored() {
        let root = Path::new("/site");
        let r = |p: &str| relevant(root, Path::new(p));
        assert_eq!(r("/site/site.yaml"), Some(PathBuf::from("site.yaml")));
        assert_eq!(
            r("/site/content/digests/a.md"),
            Some(PathBuf::from("content/digests/a.md"))
        );
        assert_eq!(
            r("/site/content/digests"),
            Some(PathBuf::from("content/digests"))
        );
        for scratch in [
            "/site/content/digests/.a.md.swp",
            "/site/content/digests/a.md~",
            "/site/content/digests/4913",
            "/site/content/digests/#a.md#",
            "/site/content/.#a.md",
            "/site/public/index.html",
            "/site/target/debug/x",
            "/elsewhere/site.yaml",
        ] {
            assert_eq!(r(scratch), None, "{scratch}");
        }
    }
}
