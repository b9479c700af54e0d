//! Write: the rendered files → the output folder, atomically.
//!
//! The new site is built in a folder beside the output. A file whose bytes
//! did not change is hard-linked from the previous output, so it keeps its
//! bytes and modification time (sync tools upload only what changed). Then
//! the two folders are swapped in one step (`renameat2` with
//! `RENAME_EXCHANGE` on Linux), so there is never a moment without a
//! complete output, and a failed or killed build leaves the old one as it was.
//!
//! Before any of that, [`check_output`] decides whether the output may be
//! replaced at all. Dot-entries at the top of the output (`.git`,
//! `.well-known`) are not storia's: each build carries them over. Every
//! output holds [`MARKER`], by which storia knows its own outputs.

mod guard;
pub use guard::check_output;

use crate::diagnostics::{display_path, Diagnostic, Problem};
use crate::render::OutputFile;
use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What a write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files in the new output.
    pub files: usize,
    /// Files whose bytes were written (new or changed).
    pub written: usize,
}

fn io_error(action: &'static str, path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Problem::Io {
        action,
        path: display_path(path),
        reason: e.to_string(),
    })
}

/// The file by which storia knows a folder as one of its outputs: a
/// non-empty folder outside the site without it is refused unless
/// `--force` (see [`check_output`]).
pub const MARKER: &str = ".storia-output";

const MARKER_TEXT: &str = "This folder is the output of `storia build`: the next build replaces\n\
everything in it except the dot-entries at its top (.git, .well-known).\n";

/// The staging folder beside `out`: `.<name>.storia-new`.
fn staging_path(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.storia-{suffix}"))
}

/// A new output being filled beside the old one. Files are put as they are
/// rendered, from any thread, so a build never holds the whole site in
/// memory; [`Staging::finish`] swaps it in. Dropped unfinished (an error, a
/// panic), it removes itself and the old output stays as it was.
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    previous: Option<PathBuf>,
    /// The output is a mount point (a volume, a tmpfs), which cannot be
    /// renamed: the staging folder is inside it and its contents are
    /// replaced entry by entry.
    in_place: bool,
    /// Folders already created in the staging folder.
    dirs: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    written: AtomicUsize,
    finished: bool,
    /// Held from the first file to the swap: another build into the same
    /// output waits (see [`lock`]).
    _lock: rustix::fd::OwnedFd,
}

impl Staging {
    /// Prepares the staging folder for `out`, the real path that
    /// [`check_output`] returned (an output that is a symlink, `public ->
    /// /srv/www`, is updated through it: the swap happens beside the real
    /// folder, and the link stays).
    pub fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        let out = out.to_path_buf();
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
        let lock = lock(parent)?;
        let in_place = out.is_dir() && is_mount_point(&out);
        let (staging, old) = if in_place {
            (out.join(".storia-new"), out.join(".storia-old"))
        } else {
            (staging_path(&out, "new"), staging_path(&out, "old"))
        };
        // A build killed between the two renames of the fallback swap left the
        // previous output only as `old`: put it back before anything else.
        if !out.exists() && old.is_dir() {
            fs::rename(&old, &out).map_err(|e| io_error("restore", &out, e))?;
        }
        // Leftovers of a killed build; one killed right after its swap left
        // the dot-entries of the output in the old tree.
        for leftover in [&staging, &old] {
            if leftover.exists() {
                if !in_place {
                    carry_dot_entries(leftover, &out)?;
                }
                fs::remove_dir_all(leftover).map_err(|e| io_error("remove", leftover, e))?;
            }
        }
        fs::create_dir_all(&staging).map_err(|e| io_error("create", &staging, e))?;
        let staging = Staging {
            previous: out.is_dir().then(|| out.clone()),
            out,
            staging,
            old,
            in_place,
            dirs: Mutex::default(),
            files: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
            finished: false,
            _lock: lock,
        };
        place(
            &staging.staging,
            staging.previous.as_deref(),
            &OutputFile {
                path: MARKER.into(),
                bytes: MARKER_TEXT.as_bytes().to_vec(),
            },
        )?;
        Ok(staging)
    }

    /// Puts one file in.
    pub fn put(&self, f: &OutputFile) -> Result<(), Diagnostic> {
        if let Some(dir) = Path::new(&f.path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            let known = self
                .dirs
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(dir);
            if !known {
                let p = self.staging.join(dir);
                fs::create_dir_all(&p).map_err(|e| io_error("create", &p, e))?;
                self.dirs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(dir.to_path_buf());
            }
        }
        let wrote = place(&self.staging, self.previous.as_deref(), f)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        if wrote {
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Swaps the new output in.
    pub fn finish(mut self) -> Result<WriteStats, Diagnostic> {
        self.finished = true;
        let result = if self.in_place {
            replace_contents(&self.staging, &self.out, &self.old)
        } else {
            swap(&self.staging, &self.out, &self.old)
        };
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.staging);
        }
        result?;
        Ok(WriteStats {
            files: self.files.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Takes the write lock of the outputs in `parent`: an exclusive `flock`
/// on the folder itself, held until the returned descriptor is dropped, so
/// no lock file is ever left beside the output. Two builds into one output
/// would otherwise share one staging folder and undo each other's swap;
/// with the lock the second waits, from its first rendered page, for the
/// first one's swap (the lock goes with the process, so a killed build
/// never leaves it held). The folder is opened without following a
/// symlink: `parent` is a real path already.
fn lock(parent: &Path) -> Result<rustix::fd::OwnedFd, Diagnostic> {
    use rustix::fs::{Mode, OFlags};
    let dir = rustix::fs::open(
        parent,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| io_error("open", parent, e.into()))?;
    rustix::fs::flock(&dir, rustix::fs::FlockOperation::LockExclusive)
        .map_err(|e| io_error("lock", parent, e.into()))?;
    Ok(dir)
}

/// Whether `dir` is a mount point, which `rename` cannot move.
fn is_mount_point(dir: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{AtFlags, StatxAttributes, StatxFlags};
        if let Ok(st) = rustix::fs::statx(
            rustix::fs::CWD,
            dir,
            AtFlags::NO_AUTOMOUNT | AtFlags::SYMLINK_NOFOLLOW,
            StatxFlags::empty(),
        ) {
            if st.stx_attributes_mask.contains(StatxAttributes::MOUNT_ROOT) {
                return st.stx_attributes.contains(StatxAttributes::MOUNT_ROOT);
            }
        }
    }
    use std::os::unix::fs::MetadataExt;
    let dev = |p: &Path| fs::metadata(p).map(|m| m.dev()).ok();
    dev(dir) != dir.parent().and_then(dev)
}

/// Moves the dot-entries at the top of `from` (an old output) that `to`
/// lacks into `to`: they are the editor's (`.git`, `.well-known`), not
/// storia's. Storia's own marker stays behind.
fn carry_dot_entries(from: &Path, to: &Path) -> Result<(), Diagnostic> {
    if !to.is_dir() {
        return Ok(());
    }
    let entries = fs::read_dir(from).map_err(|e| io_error("read", from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error("read", from, e))?;
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with('.') || name == MARKER {
            continue;
        }
        let target = to.join(&name);
        if fs::symlink_metadata(&target).is_err() {
            fs::rename(entry.path(), &target).map_err(|e| io_error("keep", &entry.path(), e))?;
        }
    }
    Ok(())
}

/// Puts one file in the staging folder: a hard link to the previous output's
/// copy when the bytes are the same, else a new file. Returns whether bytes were written.
fn place(staging: &Path, previous: Option<&Path>, f: &OutputFile) -> Result<bool, Diagnostic> {
    let target = staging.join(&f.path);
    if let Some(prev) = previous {
        let old = prev.join(&f.path);
        if let Ok(meta) = fs::symlink_metadata(&old) {
            if meta.is_file()
                && meta.len() == f.bytes.len() as u64
                && fs::read(&old).is_ok_and(|b| b == f.bytes)
                && fs::hard_link(&old, &target).is_ok()
            {
                return Ok(false);
            }
        }
    }
    let mut file = fs::File::create(&target).map_err(|e| io_error("write", &target, e))?;
    file.write_all(&f.bytes)
        .map_err(|e| io_error("write", &target, e))?;
    Ok(true)
}

/// Exchanges `a` and `b` in one step; `false` when the file system cannot.
fn exchange(a: &Path, b: &Path) -> bool {
    rustix::fs::renameat_with(
        rustix::fs::CWD,
        a,
        rustix::fs::CWD,
        b,
        rustix::fs::RenameFlags::EXCHANGE,
    )
    .is_ok()
}

/// Swaps the staging folder into place, carries the old output's
/// dot-entries over and removes the rest of it.
fn swap(staging: &Path, out: &Path, old: &Path) -> Result<(), Diagnostic> {
    if !out.exists() {
        return fs::rename(staging, out).map_err(|e| io_error("create", out, e));
    }
    let previous = if exchange(staging, out) {
        // `staging` now holds the previous output.
        staging
    } else {
        // No atomic exchange on this file system: two renames, a moment apart.
        fs::rename(out, old).map_err(|e| io_error("move", out, e))?;
        fs::rename(staging, out).map_err(|e| io_error("create", out, e))?;
        old
    };
    // Should this fail, the previous output stays where it is, dot-entries and all.
    carry_dot_entries(previous, out)?;
    fs::remove_dir_all(previous).map_err(|e| io_error("remove", previous, e))
}

/// Replaces the contents of `out`, a mount point, with those of `staging`
/// (a folder inside it), entry by entry at its top: each is exchanged in
/// one step where the file system can, else moved aside into `old` first.
/// Dot-entries the new output does not have are left alone. A build killed
/// midway leaves some top entries old and some new; the next build
/// finishes the job.
fn replace_contents(staging: &Path, out: &Path, old: &Path) -> Result<(), Diagnostic> {
    let names = |dir: &Path| -> Result<Vec<std::ffi::OsString>, Diagnostic> {
        let mut names = Vec::new();
        for e in fs::read_dir(dir).map_err(|e| io_error("read", dir, e))? {
            names.push(e.map_err(|e| io_error("read", dir, e))?.file_name());
        }
        Ok(names)
    };
    let remove = |path: &Path| -> Result<(), Diagnostic> {
        let meta = fs::symlink_metadata(path).map_err(|e| io_error("remove", path, e))?;
        if meta.is_dir() {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
        .map_err(|e| io_error("remove", path, e))
    };
    let fresh = names(staging)?;
    fs::create_dir_all(old).map_err(|e| io_error("create", old, e))?;
    for name in &fresh {
        let (new, current) = (staging.join(name), out.join(name));
        if fs::symlink_metadata(&current).is_err() {
            fs::rename(&new, &current).map_err(|e| io_error("create", &current, e))?;
        } else if exchange(&new, &current) {
            remove(&new)?;
        } else {
            let aside = old.join(name);
            fs::rename(&current, &aside).map_err(|e| io_error("move", &current, e))?;
            fs::rename(&new, &current).map_err(|e| io_error("create", &current, e))?;
            remove(&aside)?;
        }
    }
    let ours = |n: &std::ffi::OsStr| Some(n) == staging.file_name() || Some(n) == old.file_name();
    for name in names(out)? {
        let stale = !name.to_string_lossy().starts_with('.') && !fresh.contains(&name);
        if stale && !ours(&name) {
            remove(&out.join(&name))?;
        }
    }
    fs::remove_dir_all(old).map_err(|e| io_error("remove", old, e))?;
    fs::remove_dir_all(staging).map_err(|e| io_error("remove", staging, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn write(out: &Path, files: &[OutputFile]) -> Result<WriteStats, Diagnostic> {
        let staging = Staging::begin(out)?;
        for f in files {
            staging.put(f)?;
        }
        staging.finish()
    }

    fn file(path: &str, bytes: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.as_bytes().to_vec(),
        }
    }

    #[test]
    fn unchanged_files_keep_their_inode_and_stale_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(
            &out,
            &[
                file("a/index.html", "A"),
                file("b.txt", "B"),
                file("stale.txt", "S"),
            ],
        )
        .unwrap();
        let before = fs::metadata(out.join("a/index.html")).unwrap();
        let stats = write(&out, &[file("a/index.html", "A"), file("b.txt", "B2")]).unwrap();
        assert_eq!(
            stats,
            WriteStats {
                files: 2,
                written: 1
            }
        );
        let after = fs::metadata(out.join("a/index.html")).unwrap();
        assert_eq!(before.ino(), after.ino());
        assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "B2");
        assert!(!out.join("stale.txt").exists());
        assert!(!staging_path(&out, "new").exists());
    }

    #[test]
    fn dot_entries_at_the_top_are_kept_and_the_marker_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(&out, &[file("a.txt", "A")]).unwrap();
        fs::create_dir_all(out.join(".git/objects")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref: x").unwrap();
        fs::write(out.join(".nojekyll"), "").unwrap();
        fs::create_dir_all(out.join("sub/.hidden")).unwrap();
        write(&out, &[file("b.txt", "B")]).unwrap();
        assert_eq!(fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref: x");
        assert!(out.join(".nojekyll").is_file());
        assert!(
            !out.join("sub").exists(),
            "only the top's dot-entries are kept"
        );
        assert!(!out.join("a.txt").exists());
        assert_eq!(fs::read_to_string(out.join(MARKER)).unwrap(), MARKER_TEXT);
        let siblings: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(siblings, ["public"], "nothing is left beside the output");
    }

    #[test]
    fn contents_are_replaced_in_place_keeping_dot_entries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("vol");
        for (rel, text) in [
            ("old.txt", "O"),
            ("keep/x", "K"),
            (".well-known/y", "W"),
            ("same.txt", "S"),
        ] {
            fs::create_dir_all(out.join(rel).parent().unwrap()).unwrap();
            fs::write(out.join(rel), text).unwrap();
        }
        let staging = out.join(".storia-new");
        fs::create_dir_all(staging.join("keep")).unwrap();
        fs::write(staging.join("keep/z"), "Z").unwrap();
        fs::write(staging.join("same.txt"), "S2").unwrap();
        replace_contents(&staging, &out, &out.join(".storia-old")).unwrap();
        let mut names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [".well-known", "keep", "same.txt"]);
        assert_eq!(fs::read_to_string(out.join("same.txt")).unwrap(), "S2");
        assert!(out.join("keep/z").is_file() && !out.join("keep/x").exists());
    }
}
