//! Write: the rendered files → the output folder, atomically.
//!
//! The new site is built in a folder beside the output. A file whose bytes
//! did not change is hard-linked from the previous output, so it keeps its
//! bytes and modification time (sync tools upload only what changed). Then
//! the two folders are swapped in one step (`renameat2` with
//! `RENAME_EXCHANGE` on Linux), so there is never a moment without a
//! complete output, and a failed or killed build leaves the old one as it was.
//!
//! With a build cache on the output's file system the build does not make
//! the whole tree again: the cache keeps the generation before the current
//! one (the "spare" tree, see [`Spare`]), and a build brings it up to date
//! with only the files that changed since it was the output, writes the
//! files this build changed, and exchanges it with the output. The old
//! output becomes the spare of the next build. See docs/decisions.md.
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
    /// How the staging folder relates to the output.
    mode: Mode,
    /// Paths whose bytes this build wrote, and (updating a spare) removed.
    written_paths: Mutex<Vec<String>>,
    /// Every path of the new output (not when updating a spare, which
    /// holds the whole output already).
    present: Mutex<HashSet<String>>,
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
    /// output waits (see [`lock_folder`]).
    _lock: rustix::fd::OwnedFd,
}

/// How a staging folder is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A new folder beside the output (or inside it, for a mount point):
    /// every file is put or kept, then the old output is removed.
    Fresh,
    /// A new folder at the spare's place in the cache: every file is put or
    /// kept, and the old output becomes the spare.
    FreshSpare,
    /// The spare, which already holds the previous output but for the
    /// files changed since: only this build's changes are made.
    Update,
}

/// The cache's folder for the generation before the output, and what is
/// known of it.
#[derive(Debug, Clone)]
pub struct Spare {
    /// The folder (in the site's cache folder).
    pub dir: PathBuf,
    /// The paths where it differs from the output, when its [`Token`] is
    /// the one the cache noted and the output is as the cache knows it;
    /// `None` when it cannot be trusted (it is then made anew).
    pub behind: Option<Vec<String>>,
}

/// What identifies one output tree on disk, as a build left it: its
/// folder and its marker, written anew by every build. A tree changed or
/// made by anything else (a build with `--no-cache`, `rm -rf public`) has
/// another token, and the cache's knowledge of it is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Token {
    dev: u64,
    dir: u64,
    marker: u64,
    marker_mtime_ns: i64,
}

/// The token of the output tree `dir`, if it has one.
pub fn token(dir: &Path) -> Option<Token> {
    use std::os::unix::fs::MetadataExt;
    let folder = fs::symlink_metadata(dir).ok().filter(|m| m.is_dir())?;
    let marker = fs::symlink_metadata(dir.join(MARKER))
        .ok()
        .filter(|m| m.is_file())?;
    Some(Token {
        dev: folder.dev(),
        dir: folder.ino(),
        marker: marker.ino(),
        marker_mtime_ns: marker.mtime() * 1_000_000_000 + marker.mtime_nsec(),
    })
}

/// A fingerprint of what is storia's in the output tree `dir`: the path,
/// size and modification time of every file and folder in it, the
/// dot-entries at its top aside (they are the editor's). A file added,
/// removed or edited in the output by hand changes it, and the build cache
/// then does not trust its knowledge of the output: the output is replaced
/// as a whole again. Costs a `stat` per entry, no reading.
pub fn fingerprint(dir: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    use std::os::unix::fs::MetadataExt;
    let mut sum: u64 = 0;
    let walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || !e.file_name().to_string_lossy().starts_with('.'));
    for e in walk {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        match e.and_then(|e| Ok((e.metadata()?, e))) {
            Ok((meta, e)) => {
                e.path().hash(&mut h);
                (meta.size(), meta.mtime(), meta.mtime_nsec(), meta.ino()).hash(&mut h);
            }
            Err(_) => 1u8.hash(&mut h),
        }
        // Order-free: the walk's order is the file system's.
        sum = sum.wrapping_add(h.finish());
    }
    sum
}

/// A finished write: what it did, and the spare it left for the next build.
#[derive(Debug)]
pub struct Finished {
    /// Files and bytes written.
    pub stats: WriteStats,
    /// The spare tree after the swap (the old output), when the cache keeps
    /// one, with its token and where it differs from the new output.
    pub spare: Option<(Token, Vec<String>)>,
}

impl Staging {
    /// Prepares the staging folder for `out`, the real path that
    /// [`check_output`] returned (an output that is a symlink, `public ->
    /// /srv/www`, is updated through it: the swap happens beside the real
    /// folder, and the link stays).
    pub fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        Staging::begin_with(out, None, None)
    }

    /// [`Staging::begin`], assembling the new output in `spare` when it is
    /// on the output's file system (and the output is not a mount point):
    /// updated in place when it is trusted, else made anew there. `lock`
    /// is the output's lock when the caller holds it already ([`Lock::take`]).
    pub fn begin_with(
        out: &Path,
        spare: Option<Spare>,
        lock: Option<Lock>,
    ) -> Result<Staging, Diagnostic> {
        let out = out.to_path_buf();
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
        let lock = match lock {
            Some(l) => l.0,
            None => lock_folder(parent)?,
        };
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
        let spare = spare.filter(|s| !in_place && same_file_system(&s.dir, parent));
        if let Some(s) = &spare {
            // A build killed right after its exchange left the output's
            // dot-entries in the spare.
            if s.dir.is_dir() {
                carry_dot_entries(&s.dir, &out)?;
            }
        }
        let (staging, mode) = match spare {
            Some(Spare {
                dir,
                behind: Some(behind),
            }) if dir.is_dir() && out.is_dir() => {
                catch_up(&dir, &out, &behind)?;
                (dir, Mode::Update)
            }
            Some(Spare { dir, .. }) => {
                if fs::symlink_metadata(&dir).is_ok() {
                    remove(&dir)?;
                }
                (dir, Mode::FreshSpare)
            }
            None => (staging, Mode::Fresh),
        };
        fs::create_dir_all(&staging).map_err(|e| io_error("create", &staging, e))?;
        let staging = Staging {
            previous: out.is_dir().then(|| out.clone()),
            mode,
            written_paths: Mutex::default(),
            present: Mutex::default(),
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
        // Written anew each time: its identity is part of the tree's token.
        let marker = staging.staging.join(MARKER);
        clear(&marker)?;
        fs::write(&marker, MARKER_TEXT).map_err(|e| io_error("write", &marker, e))?;
        Ok(staging)
    }

    /// Whether only this build's changes are made (the staging folder holds
    /// the rest already): files neither put nor kept are not dropped.
    pub fn updating(&self) -> bool {
        self.mode == Mode::Update
    }

    /// Puts one file in.
    pub fn put(&self, f: &OutputFile) -> Result<(), Diagnostic> {
        self.make_parent(&f.path)?;
        let wrote = if self.mode == Mode::Update {
            let target = self.staging.join(&f.path);
            clear(&target)?;
            fs::write(&target, &f.bytes).map_err(|e| io_error("write", &target, e))?;
            true
        } else {
            self.note_present(&f.path);
            place(&self.staging, self.previous.as_deref(), f)?
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        if wrote {
            self.written.fetch_add(1, Ordering::Relaxed);
            self.note_written(&f.path);
        }
        Ok(())
    }

    /// The output's file `path` stays as it is in the new output: linked
    /// into the staging folder (nothing to do when updating the spare).
    pub fn keep(&self, path: &str) -> Result<(), Diagnostic> {
        self.files.fetch_add(1, Ordering::Relaxed);
        if self.mode == Mode::Update {
            return Ok(());
        }
        self.note_present(path);
        let Some(prev) = &self.previous else {
            return Err(io_error(
                "keep",
                &self.out.join(path),
                std::io::ErrorKind::NotFound.into(),
            ));
        };
        self.make_parent(path)?;
        let (from, to) = (prev.join(path), self.staging.join(path));
        fs::hard_link(&from, &to).map_err(|e| io_error("keep", &from, e))
    }

    /// `path` is not in the new output: removed from the spare being
    /// updated (a new staging folder never had it).
    pub fn drop_file(&self, path: &str) -> Result<(), Diagnostic> {
        if self.mode == Mode::Update {
            let target = self.staging.join(path);
            clear(&target)?;
            prune_empty(&self.staging, &target);
            self.note_written(path);
        }
        Ok(())
    }

    fn note_written(&self, path: &str) {
        if self.mode != Mode::Fresh {
            let mut w = self.written_paths.lock().unwrap_or_else(|p| p.into_inner());
            w.push(path.to_string());
        }
    }

    fn note_present(&self, path: &str) {
        if self.mode == Mode::FreshSpare {
            let mut p = self.present.lock().unwrap_or_else(|p| p.into_inner());
            p.insert(path.to_string());
        }
    }

    /// Creates the folder `rel` goes in (once per folder), replacing a file
    /// that stands where a folder must be.
    fn make_parent(&self, rel: &str) -> Result<(), Diagnostic> {
        if let Some(dir) = Path::new(rel)
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
                if fs::create_dir_all(&p).is_err() {
                    // A file of the previous output where this build has a folder.
                    let mut at = self.staging.clone();
                    for part in dir.components() {
                        at.push(part);
                        if fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                            clear(&at)?;
                        }
                    }
                    fs::create_dir_all(&p).map_err(|e| io_error("create", &p, e))?;
                }
                self.dirs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(dir.to_path_buf());
            }
        }
        Ok(())
    }

    /// Swaps the new output in.
    pub fn finish(mut self) -> Result<Finished, Diagnostic> {
        self.finished = true;
        let stats = WriteStats {
            files: self.files.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
        };
        let result = if self.in_place {
            replace_contents(&self.staging, &self.out, &self.old).map(|()| None)
        } else if self.mode == Mode::Fresh {
            swap(&self.staging, &self.out, &self.old).map(|()| None)
        } else {
            self.exchange_spare()
        };
        if result.is_err() && self.mode != Mode::Update {
            let _ = fs::remove_dir_all(&self.staging);
        }
        Ok(Finished {
            stats,
            spare: result?,
        })
    }

    /// Gives up a build that failed: the output stays as it was. A spare
    /// being updated stays too, and its token and the paths where it now
    /// differs from the output are returned, for the next build to use it.
    pub fn abandon(mut self) -> Option<(Token, Vec<String>)> {
        if self.mode != Mode::Update {
            return None;
        }
        self.finished = true;
        let mut behind =
            std::mem::take(&mut *self.written_paths.lock().unwrap_or_else(|p| p.into_inner()));
        behind.sort();
        behind.dedup();
        token(&self.staging).map(|t| (t, behind))
    }

    /// Exchanges the staging folder, the cache's spare, with the output:
    /// the old output becomes the spare. Returns its token and the paths
    /// where it differs from the new output.
    fn exchange_spare(&mut self) -> Result<Option<(Token, Vec<String>)>, Diagnostic> {
        let (staging, out) = (&self.staging, &self.out);
        if !out.exists() {
            fs::rename(staging, out).map_err(|e| io_error("create", out, e))?;
            return Ok(None);
        }
        if !exchange(staging, out) {
            // No atomic exchange here: two renames, a moment apart; the
            // next build puts the output back if killed between them.
            let old = &self.old;
            fs::rename(out, old).map_err(|e| io_error("move", out, e))?;
            fs::rename(staging, out).map_err(|e| io_error("create", out, e))?;
            fs::rename(old, staging).map_err(|e| io_error("move", old, e))?;
        }
        carry_dot_entries(staging, out)?;
        let mut behind =
            std::mem::take(&mut *self.written_paths.lock().unwrap_or_else(|p| p.into_inner()));
        if self.mode == Mode::FreshSpare {
            // The old output's files that the new one does not have.
            let present = self.present.lock().unwrap_or_else(|p| p.into_inner());
            for e in walkdir::WalkDir::new(staging).min_depth(1) {
                let e = e.map_err(|e| io_error("read", staging, e.into()))?;
                if e.file_type().is_dir() {
                    continue;
                }
                let rel = e.path().strip_prefix(staging).unwrap_or(e.path());
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel != MARKER && !present.contains(&rel) {
                    behind.push(rel);
                }
            }
        }
        behind.sort();
        behind.dedup();
        Ok(token(staging).map(|t| (t, behind)))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A spare being updated stays: the cache no longer trusts it.
        if !self.finished && self.mode != Mode::Update {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Makes the spare `dir` (the output before last) the same as `out` at
/// the paths `behind`, where they differ: those the output has are linked
/// from it, the others removed.
fn catch_up(dir: &Path, out: &Path, behind: &[String]) -> Result<(), Diagnostic> {
    for rel in behind {
        let (from, to) = (out.join(rel), dir.join(rel));
        clear(&to)?;
        if fs::symlink_metadata(&from).is_ok_and(|m| m.is_file()) {
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
            }
            fs::hard_link(&from, &to).map_err(|e| io_error("keep", &from, e))?;
        } else {
            prune_empty(dir, &to);
        }
    }
    Ok(())
}

/// Removes whatever is at `path` (a file never written in place: a new
/// one replaces it, so a hard-linked twin keeps its bytes).
fn clear(path: &Path) -> Result<(), Diagnostic> {
    match fs::symlink_metadata(path) {
        Ok(_) => remove(path),
        Err(_) => Ok(()),
    }
}

/// Removes the folders between `path` (removed) and `root` that are empty.
fn prune_empty(root: &Path, path: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != root && d.starts_with(root)) {
        if fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Whether `a` and `b` (or their nearest existing ancestors) are on one
/// file system, where a folder can be renamed from one to the other.
fn same_file_system(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let dev = |p: &Path| {
        p.ancestors()
            .find_map(|a| fs::metadata(a).ok())
            .map(|m| m.dev())
    };
    dev(a).is_some() && dev(a) == dev(b)
}

/// Removes a file or a whole folder.
fn remove(path: &Path) -> Result<(), Diagnostic> {
    let meta = fs::symlink_metadata(path).map_err(|e| io_error("remove", path, e))?;
    if meta.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
    .map_err(|e| io_error("remove", path, e))
}

/// The write lock of an output, taken before its build cache is read:
/// the cache describes the output as the last build left it, which
/// another build must not change meanwhile.
pub struct Lock(rustix::fd::OwnedFd);

impl Lock {
    /// Takes the lock of the output `out` (a real path) when its parent
    /// folder exists (else there is no output for the cache to know, and
    /// the staging folder takes the lock when it begins).
    pub fn take(out: &Path) -> Result<Option<Lock>, Diagnostic> {
        match out.parent().filter(|p| p.is_dir()) {
            Some(parent) => Ok(Some(Lock(lock_folder(parent)?))),
            None => Ok(None),
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
fn lock_folder(parent: &Path) -> Result<rustix::fd::OwnedFd, Diagnostic> {
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
        Ok(staging.finish()?.stats)
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

    /// Files under `dir` (the marker aside), by path.
    fn files_of(dir: &Path) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file() && e.file_name() != MARKER)
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
                (rel.into_owned(), fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn the_spare_is_updated_with_the_changes_only_and_exchanged() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let spare = |behind: Option<Vec<String>>| Spare {
            dir: dir.path().join("cache/previous"),
            behind,
        };
        let generation = |spare: Spare, put: &[OutputFile], keep: &[&str], gone: &[&str]| {
            let s = Staging::begin_with(&out, Some(spare), None).unwrap();
            for f in put {
                s.put(f).unwrap();
            }
            for k in keep {
                s.keep(k).unwrap();
            }
            for g in gone {
                s.drop_file(g).unwrap();
            }
            s.finish().unwrap()
        };
        // The first output: the staging folder becomes it, no spare yet.
        let first = [
            file("a/index.html", "A1"),
            file("b.txt", "B1"),
            file("c/d.txt", "C1"),
        ];
        assert!(generation(spare(None), &first, &[], &[]).spare.is_none());
        // Made anew in the cache: the old output becomes the spare.
        let f = generation(
            spare(None),
            &[file("b.txt", "B2")],
            &["a/index.html", "c/d.txt"],
            &[],
        );
        let (_, behind) = f.spare.unwrap();
        assert_eq!(behind, ["b.txt"]);
        let a = fs::metadata(out.join("a/index.html")).unwrap().ino();
        // Updated: b.txt caught up, c/d.txt gone (with its folder), e.txt new.
        let f = generation(
            spare(Some(behind)),
            &[file("e.txt", "E3")],
            &[],
            &["c/d.txt"],
        );
        assert_eq!(
            files_of(&out),
            [
                ("a/index.html".into(), "A1".into()),
                ("b.txt".into(), "B2".into()),
                ("e.txt".into(), "E3".into())
            ]
        );
        assert!(!out.join("c").exists());
        assert_eq!(fs::metadata(out.join("a/index.html")).unwrap().ino(), a);
        let (token_now, behind) = f.spare.unwrap();
        assert_eq!(behind, ["c/d.txt", "e.txt"]);
        assert_eq!(token(&dir.path().join("cache/previous")), Some(token_now));
        // The spare is the output before, byte for byte.
        assert_eq!(
            files_of(&dir.path().join("cache/previous")),
            [
                ("a/index.html".into(), "A1".into()),
                ("b.txt".into(), "B2".into()),
                ("c/d.txt".into(), "C1".into())
            ]
        );
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
