//! Write: the rendered files → the output folder, atomically.
//!
//! The new site is built in a folder beside the output. A file whose bytes
//! did not change is hard-linked from the previous output, so it keeps its
//! bytes and modification time (sync tools upload only what changed). Then
//! the two folders are swapped in one step (`renameat2` with
//! `RENAME_EXCHANGE` on Linux), so there is never a moment without a
//! complete output, and a failed or killed build leaves the old one as it was.

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

/// The staging folder beside `out`: `.<name>.storia-new`.
fn staging_path(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.storia-{suffix}"))
}

/// Checks that `out` may be replaced: never the site itself or a folder
/// holding a site.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Normalise `.` and `..` without touching the file system (out may not exist yet).
        let mut norm = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    norm.pop();
                }
                std::path::Component::CurDir => {}
                other => norm.push(other),
            }
        }
        norm
    };
    let (root_abs, out_abs) = (abs(root), abs(out));
    let refuse = |reason| {
        Err(Diagnostic::error(Problem::BadOutput {
            path: display_path(out),
            reason,
        })
        .help("choose an output folder of its own, such as `public`"))
    };
    if out_abs == root_abs {
        return refuse("it is the site root");
    }
    if root_abs.starts_with(&out_abs) {
        return refuse("it contains the site");
    }
    if out_abs.join("site.yaml").exists() || out_abs.join("content").is_dir() {
        return refuse("it holds a site (`site.yaml` or `content/`)");
    }
    Ok(())
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
    /// Folders already created in the staging folder.
    dirs: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    written: AtomicUsize,
    finished: bool,
    /// Held from the first file to the swap: another build into the same
    /// output waits (see [`lock`]).
    _lock: fs::File,
}

impl Staging {
    /// Prepares the staging folder beside `out`.
    pub fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        // An output that is a symlink (public -> /srv/www) is updated through it:
        // the swap happens beside the real folder, and the link stays.
        let out = if fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
            fs::canonicalize(out).map_err(|e| io_error("follow", out, e))?
        } else {
            out.to_path_buf()
        };
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
        let lock = lock(&out)?;
        let staging = staging_path(&out, "new");
        let old = staging_path(&out, "old");
        // A build killed between the two renames of the fallback swap left the
        // previous output only as `old`: put it back before anything else.
        if !out.exists() && old.is_dir() {
            fs::rename(&old, &out).map_err(|e| io_error("restore", &out, e))?;
        }
        // Leftovers of a killed build.
        for leftover in [&staging, &old] {
            if leftover.exists() {
                fs::remove_dir_all(leftover).map_err(|e| io_error("remove", leftover, e))?;
            }
        }
        fs::create_dir_all(&staging).map_err(|e| io_error("create", &staging, e))?;
        Ok(Staging {
            previous: out.is_dir().then(|| out.clone()),
            out,
            staging,
            old,
            dirs: Mutex::default(),
            files: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
            finished: false,
            _lock: lock,
        })
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
        let result = swap(&self.staging, &self.out, &self.old);
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

/// Takes the write lock of `out`: an exclusive `flock` on `.<name>.storia-lock`
/// beside it, held until the returned file is dropped. Two builds into one
/// output would otherwise share one staging folder and undo each other's
/// swap; with the lock the second waits, from its first rendered page, for
/// the first one's swap (the
/// lock goes with the process, so a killed build never leaves it held).
/// The lock file stays: removing it would let a third build lock a new
/// file while the second still holds the old one.
fn lock(out: &Path) -> Result<fs::File, Diagnostic> {
    let path = staging_path(out, "lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io_error("create", &path, e))?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
        .map_err(|e| io_error("lock", &path, e.into()))?;
    Ok(file)
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

/// Swaps the staging folder into place and removes the old output.
fn swap(staging: &Path, out: &Path, old: &Path) -> Result<(), Diagnostic> {
    if !out.exists() {
        return fs::rename(staging, out).map_err(|e| io_error("create", out, e));
    }
    match rustix::fs::renameat_with(
        rustix::fs::CWD,
        staging,
        rustix::fs::CWD,
        out,
        rustix::fs::RenameFlags::EXCHANGE,
    ) {
        Ok(()) => {
            // `staging` now holds the previous output.
            fs::remove_dir_all(staging).map_err(|e| io_error("remove", staging, e))
        }
        Err(_) => {
            // No atomic exchange on this file system: two renames, a moment apart.
            fs::rename(out, old).map_err(|e| io_error("move", out, e))?;
            fs::rename(staging, out).map_err(|e| io_error("create", out, e))?;
            fs::remove_dir_all(old).map_err(|e| io_error("remove", old, e))
        }
    }
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
    fn refuses_to_replace_the_site() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("site.yaml"), "title: x").unwrap();
        assert!(check_output_dir(dir.path(), dir.path()).is_err());
        assert!(check_output_dir(&dir.path().join("sub"), dir.path()).is_err());
        assert!(check_output_dir(dir.path(), &dir.path().join("public")).is_ok());
    }
}
