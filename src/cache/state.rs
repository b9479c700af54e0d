//! What `storia build` keeps between builds of one output: the render memo
//! (what each output read, with the facts' fingerprints, and the hash of
//! each output file's bytes), the inputs it was made with, the identity of
//! the output tree it describes, and the spare tree (the generation before
//! the output, see [`crate::output::Spare`]).
//!
//! Two files in the output's folder of the site's cache folder:
//! `state` (the memo and its inputs, a few MB at 10k digests) and `spare`
//! (small: the spare tree's identity and where it lags behind the output).
//! Both are written to a temporary file and renamed over the old one, so
//! a killed build leaves the old file or the new one. `spare` is removed
//! before the spare tree is touched: a build killed while updating it
//! leaves no claim about it, and the next build makes it anew.
//!
//! A file is trusted only whole: it starts with the format's name and
//! storia's version, then a hash of the rest. A file that is truncated,
//! corrupt, of another version or of another site is ignored with one
//! warning; a change of inputs (flags, `site.yaml`, `i18n/`, the theme's
//! files, storia's binary) or of the clock past a held-back digest's date
//! makes a build from nothing without one.
//!
//! The state also keeps the [`stamps`] of every source file as the last
//! build saw them before reading any, and that build's warnings: when the
//! stamps, the inputs and the output tree are all as they were and no
//! held-back digest fell due, the build has nothing to do and reads no
//! source (the no-change shortcut, [`Unchanged`]).

use crate::diagnostics::{display_path, Diagnostic, Diagnostics, Location, Problem, Severity};
use crate::output::Token;
use crate::render::Memo;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The first bytes of every cache file, then storia's version and a newline.
const MAGIC: &str = "storia build cache ";

/// The cache folder of one output of one site.
#[derive(Debug, Clone)]
pub struct Folder {
    dir: PathBuf,
}

/// The memo and what it was made from.
#[derive(Serialize, Deserialize)]
struct State {
    /// The site's real root.
    site: PathBuf,
    /// The output's real path.
    output: PathBuf,
    /// The hash of the inputs that invalidate everything ([`inputs`]).
    inputs: u64,
    /// When the first digest held back is due (Unix seconds), if any.
    held_back_until: Option<i64>,
    /// The output tree the memo describes, and its [`fingerprint`].
    ///
    /// [`fingerprint`]: crate::output::fingerprint
    tree: Token,
    print: u64,
    memo: Memo,
    /// The [`stamps`] of the sources when the build began, if settled.
    stamps: Option<u64>,
    /// The build's warnings and notes, to repeat when nothing changed.
    warnings: Vec<Warning>,
    /// Outputs the memo knows (rendered or reused).
    outputs: usize,
}

/// A warning or note as kept in the cache: what it prints, not its type
/// (a build that succeeded has no errors, and warnings print their message).
#[derive(Serialize, Deserialize)]
struct Warning {
    severity: Severity,
    message: String,
    location: Option<Location>,
    help: Option<String>,
}

impl Warning {
    fn of(d: &Diagnostic) -> Warning {
        Warning {
            severity: d.severity,
            message: d.problem.to_string(),
            location: d.location.as_deref().cloned(),
            help: d.help.clone(),
        }
    }

    fn diagnostic(self) -> Diagnostic {
        Diagnostic {
            severity: self.severity,
            problem: Problem::Warning(self.message),
            location: self.location.map(Box::new),
            help: self.help,
        }
    }
}

/// The previous build, when nothing it was made from changed.
pub struct Unchanged {
    /// Its warnings and notes.
    pub warnings: Diagnostics,
    /// Outputs it rendered or reused.
    pub outputs: usize,
}

/// The spare tree's identity and the paths where it differs from the output.
#[derive(Serialize, Deserialize)]
struct SpareState {
    tree: Token,
    behind: Vec<String>,
}

/// What a build starts from.
pub struct Loaded {
    /// The memo of the output as it is on disk; empty when there is none
    /// to trust (then every output is rendered).
    pub memo: Memo,
    /// Whether `memo` came from the cache.
    pub used: bool,
    /// The spare tree to assemble the new output in.
    pub spare: crate::output::Spare,
    /// A warning about a cache that was ignored.
    pub warning: Option<Diagnostic>,
    /// When the first held-back digest was due, as the cache noted it.
    pub held_back_until: Option<i64>,
    /// The stamps the cache noted, when it was used.
    pub stamps: Option<u64>,
    /// Set when the sources' stamps are those noted: nothing to build.
    pub unchanged: Option<Unchanged>,
}

impl Folder {
    /// The folder for the output `out` of the site whose cache folder is
    /// `site_folder` (both paths real): one per output, so building one
    /// site into two outputs with other flags keeps both caches.
    pub fn new(site_folder: &Path, out: &Path) -> Folder {
        let hash = xxhash_rust::xxh3::xxh3_64(out.as_os_str().as_encoded_bytes());
        Folder {
            dir: site_folder.join(format!("build-{hash:016x}")),
        }
    }

    /// The folder itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join("state")
    }

    fn spare_state_path(&self) -> PathBuf {
        self.dir.join("spare")
    }

    /// Where the spare tree is kept.
    pub fn spare_dir(&self) -> PathBuf {
        self.dir.join("previous")
    }

    /// Reads the cache for a build of `site` (real root) into `out` (real
    /// path) with `inputs` and the sources' `stamps` at `now`. What cannot
    /// be trusted is left out.
    pub fn load(
        &self,
        site: &Path,
        out: &Path,
        inputs: u64,
        stamps: Option<u64>,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Loaded {
        let mut loaded = Loaded {
            memo: Memo::default(),
            used: false,
            spare: crate::output::Spare {
                dir: self.spare_dir(),
                behind: None,
            },
            warning: None,
            held_back_until: None,
            stamps: None,
            unchanged: None,
        };
        let out_token = crate::output::token(out);
        let state: Option<State> = match read(&self.state_path()) {
            Ok(None) => None,
            Ok(Some(bytes)) => match postcard::from_bytes::<State>(&bytes) {
                Ok(s) if s.site != site => {
                    loaded.warning = Some(ignored(
                        &self.state_path(),
                        &format!("it belongs to another site (`{}`)", display_path(&s.site)),
                    ));
                    None
                }
                Ok(s) => Some(s),
                Err(_) => {
                    loaded.warning = Some(ignored(&self.state_path(), "it is corrupt"));
                    None
                }
            },
            Err(why) => {
                loaded.warning = Some(ignored(&self.state_path(), &why));
                None
            }
        };
        // The trees are known only while the output is the one the state describes.
        let Some(state) = state.filter(|s| {
            s.output == out
                && Some(s.tree) == out_token
                && s.print == crate::output::fingerprint(out)
        }) else {
            return loaded;
        };
        if let Ok(Some(bytes)) = read(&self.spare_state_path()) {
            if let Ok(spare) = postcard::from_bytes::<SpareState>(&bytes) {
                if Some(spare.tree) == crate::output::token(&self.spare_dir()) {
                    loaded.spare.behind = Some(spare.behind);
                }
            }
        }
        let due = state.held_back_until.is_some_and(|t| now.timestamp() >= t);
        if state.inputs == inputs && !due {
            loaded.memo = state.memo;
            loaded.used = true;
            loaded.held_back_until = state.held_back_until;
            loaded.stamps = state.stamps;
            if stamps.is_some() && state.stamps == stamps {
                let mut warnings = Diagnostics::default();
                warnings.extend(state.warnings.into_iter().map(Warning::diagnostic));
                loaded.unchanged = Some(Unchanged {
                    warnings,
                    outputs: state.outputs,
                });
            }
        }
        loaded
    }

    /// Forgets the spare tree before it is changed.
    pub fn forget_spare(&self) {
        let _ = std::fs::remove_file(self.spare_state_path());
    }

    /// Keeps `memo` as the memo of the output tree `out` (real path), whose
    /// token is `tree`, with the build's `warnings` and the sources' `stamps`
    /// as it began, and the spare's state. A cache that cannot be written
    /// is only slower next time: the error is returned for a warning.
    #[allow(clippy::too_many_arguments)]
    pub fn save(
        &self,
        site: &Path,
        out: &Path,
        inputs: u64,
        stamps: Option<u64>,
        warnings: &Diagnostics,
        held_back_until: Option<chrono::DateTime<chrono::FixedOffset>>,
        tree: Token,
        memo: Memo,
        spare: Option<(Token, Vec<String>)>,
    ) -> Result<Memo, std::io::Error> {
        std::fs::create_dir_all(&self.dir)?;
        let state = State {
            site: site.to_path_buf(),
            output: out.to_path_buf(),
            inputs,
            held_back_until: held_back_until.map(|d| d.timestamp()),
            tree,
            print: crate::output::fingerprint(out),
            outputs: memo.rendered + memo.reused,
            memo,
            stamps,
            warnings: warnings.iter().map(Warning::of).collect(),
        };
        write(&self.state_path(), &encode(&state))?;
        if let Some(spare) = spare {
            self.save_spare(spare)?;
        }
        Ok(state.memo)
    }

    /// Notes the spare tree's token and where it differs from the output.
    pub fn save_spare(&self, (tree, behind): (Token, Vec<String>)) -> Result<(), std::io::Error> {
        write(
            &self.spare_state_path(),
            &encode(&SpareState { tree, behind }),
        )
    }
}

/// The warning for a cache file that is not used.
fn ignored(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(format!(
        "the build cache `{}` was ignored: {why}",
        display_path(path)
    ))
    .help("this build renders every page and writes a new cache; deleting the cache folder is always safe")
}

/// The bytes of a cache file: the header, a hash of the body, the body.
fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Our own types serialise without error.
    let body = postcard::to_stdvec(value).unwrap_or_default();
    let mut bytes = format!("{MAGIC}{}\n", env!("CARGO_PKG_VERSION")).into_bytes();
    bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(&body).to_le_bytes());
    bytes.extend_from_slice(&body);
    bytes
}

/// The body of the cache file at `path`, checked whole: `Ok(None)` when
/// there is none, `Err` saying why it cannot be trusted.
fn read(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("it cannot be read ({e})")),
    };
    let Some(rest) = bytes.strip_prefix(MAGIC.as_bytes()) else {
        return Err("it is not a storia build cache".into());
    };
    let Some(newline) = rest.iter().position(|b| *b == b'\n') else {
        return Err("it is truncated".into());
    };
    let version = String::from_utf8_lossy(&rest[..newline]);
    if version != env!("CARGO_PKG_VERSION") {
        return Err(format!("it was written by storia {version}"));
    }
    let rest = &rest[newline + 1..];
    if rest.len() < 16 {
        return Err("it is truncated".into());
    }
    let (hash, body) = rest.split_at(16);
    let mut expected = [0u8; 16];
    expected.copy_from_slice(hash);
    if u128::from_le_bytes(expected) != xxhash_rust::xxh3::xxh3_128(body) {
        return Err("it is corrupt or truncated".into());
    }
    Ok(Some(body.to_vec()))
}

/// Writes `bytes` to `path` through a temporary file renamed over it.
fn write(path: &Path, bytes: &[u8]) -> Result<(), std::io::Error> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// A hash of everything that makes a cache useless when it changes:
/// storia's binary (its version, size and time), the build flags, and the
/// files every page depends on that the memo does not follow one by one:
/// `site.yaml`, the label files (`i18n/` of the site and its themes) and
/// the themes' other files. Templates and static files are followed one by
/// one by the memo (an edited partial renders again only the pages that
/// include it).
pub fn inputs(root: &Path, flags: &impl std::hash::Hash) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    flags.hash(&mut h);
    std::fs::read(root.join("site.yaml")).ok().hash(&mut h);
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut add = |dir: PathBuf, skip: &[&str]| {
        for e in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() != 1
                    || !skip
                        .iter()
                        .any(|s| e.file_name() == std::ffi::OsStr::new(s))
            })
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            files.push((e.path().to_path_buf(), bytes));
        }
    };
    add(root.join("i18n"), &[]);
    if let Ok(themes) = std::fs::read_dir(root.join("themes")) {
        let mut themes: Vec<PathBuf> = themes.filter_map(Result::ok).map(|e| e.path()).collect();
        themes.sort();
        for theme in themes {
            add(theme, &["templates", "static"]);
        }
    }
    files.hash(&mut h);
    h.finish()
}

/// How recent a source's time may be for its stamp to be trusted: a file
/// written in the same clock tick as the stamp was taken (or on a file
/// system whose clock runs ahead) could change without changing its stamp.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(1);

/// A hash of what every source file looks like from outside: the files and
/// symlinks the loader's walk ([`crate::sources::walk`]) finds in each source
/// folder, and for each file (and `site.yaml`) its size, modification time
/// in nanoseconds and inode. Stat calls only, no file read. `None` when a
/// file was modified less than [`SETTLE`] ago (or in the future): then
/// nothing is promised and the next build does its work.
pub fn stamps(root: &Path) -> Option<u64> {
    use rayon::prelude::*;
    use std::hash::{Hash, Hasher};
    use std::os::unix::fs::MetadataExt;
    let mut files = vec![PathBuf::from("site.yaml")];
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for dir in &crate::sources::SOURCES[1..] {
        let walk = crate::sources::walk(root, Path::new(dir));
        walk.linked.hash(&mut h);
        // Broken links and loops are warnings the build repeats: a new one
        // (or one gone) is a change.
        for p in &walk.problems {
            p.render().hash(&mut h);
        }
        files.extend(walk.files);
    }
    let stat = |rel: &PathBuf| {
        std::fs::metadata(root.join(rel)).ok().map(|m| {
            (
                m.len(),
                m.mtime() as i128 * 1_000_000_000 + m.mtime_nsec() as i128,
                m.ino(),
            )
        })
    };
    let stats: Vec<Option<(u64, i128, u64)>> = files.par_iter().map(stat).collect();
    let settled = std::time::SystemTime::now()
        .checked_sub(SETTLE)?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos() as i128;
    if stats
        .iter()
        .flatten()
        .any(|(_, mtime, _)| *mtime >= settled)
    {
        return None;
    }
    files.hash(&mut h);
    stats.hash(&mut h);
    Some(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_file_of_this_version_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state");
        assert_eq!(read(&path), Ok(None));
        let bytes = encode(&vec![1u64, 2, 3]);
        write(&path, &bytes).unwrap();
        let body = read(&path).unwrap().unwrap();
        assert_eq!(postcard::from_bytes::<Vec<u64>>(&body).unwrap(), [1, 2, 3]);
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(read(&path), Err("it is corrupt or truncated".into()));
        std::fs::write(&path, b"storia build cache 0.0.1\nxx").unwrap();
        assert_eq!(read(&path), Err("it was written by storia 0.0.1".into()));
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(read(&path), Err("it is not a storia build cache".into()));
    }
}
