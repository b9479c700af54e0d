//! Robustness: builds killed midway, stale output, hostile text in every
//! field, very large inputs and symlink loops. Sites are generated in
//! temporary folders by the tests themselves.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Helpers

/// Writes `text` to `root/rel`, creating folders.
fn put(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `storia build --root ROOT --output OUT ARGS…`, standard input closed.
fn storia(root: &Path, out: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storia"));
    cmd.args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Runs a build to the end, failing the test after `limit`. Standard error
/// is read while it runs (long diagnostics would fill the pipe).
fn run_with_limit(mut cmd: Command, limit: Duration) -> Output {
    use std::io::Read;
    let mut child = cmd.spawn().unwrap();
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            let stderr = reader.join().unwrap();
            panic!(
                "the build did not finish within {limit:?}; stderr:\n{}",
                shorten(&String::from_utf8_lossy(&stderr))
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: Vec::new(),
        stderr: reader.join().unwrap(),
    }
}

/// Runs a build that must succeed (within 60 s) and returns its stderr.
fn build_ok(root: &Path, out: &Path, args: &[&str]) -> String {
    let output = run_with_limit(storia(root, out, args), Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "build failed ({:?}):\n{}",
        output.status,
        shorten(&stderr)
    );
    assert!(!stderr.contains("panicked"), "{}", shorten(&stderr));
    stderr
}

/// Long diagnostics (they quote whole source lines) cut for test messages.
fn shorten(s: &str) -> String {
    if s.len() <= 4000 {
        return s.to_string();
    }
    let mut end = 4000;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

/// Every file under `out`, relative path → bytes, plus `/`-ended entries
/// for folders; symlinks are recorded by their target.
fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(out).min_depth(1) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let t = e.file_type();
        if t.is_dir() {
            files.insert(format!("{rel}/"), Vec::new());
        } else if t.is_symlink() {
            let target = std::fs::read_link(e.path()).unwrap();
            files.insert(
                format!("{rel} ->"),
                target.to_string_lossy().into_owned().into_bytes(),
            );
        } else {
            files.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    files
}

/// Every file under `out`, relative path → inode and modification time.
fn file_stamps(out: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.path()
                    .strip_prefix(out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                (m.ino(), m.mtime(), m.mtime_nsec()),
            )
        })
        .collect()
}

/// What differs between two snapshots, briefly.
fn diff(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> String {
    let mut lines = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => lines.push(format!("only in first: {k}")),
            Some(w) if w != v => lines.push(format!("differs: {k}")),
            _ => {}
        }
    }
    for k in b.keys() {
        if !a.contains_key(k) {
            lines.push(format!("only in second: {k}"));
        }
    }
    let n = lines.len();
    lines.truncate(10);
    format!("{n} differences, first: {}", lines.join("; "))
}

/// Names beside `out` that belong to storia (`.public.storia-*`): none may
/// stay once a build has ended (the lock is held on the folder itself).
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.storia-")))
        .collect()
}

/// A YAML double-quoted string holding `s`.
fn yq(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A day `i` days into a 336-day-a-year calendar from 2001-01-01 (always real).
fn day(i: usize) -> String {
    format!(
        "{}-{:02}-{:02}",
        2001 + i / 336,
        (i / 28) % 12 + 1,
        i % 28 + 1
    )
}

/// A small valid site: three actors, a source, a story; the caller adds digests.
fn small_site(root: &Path) {
    put(
        root,
        "site.yaml",
        "title: \"Robustness\"\nbase_url: \"https://example.org/\"\n",
    );
    for (id, name) in [("anna", "Anna"), ("boris", "Boris"), ("carla", "Carla")] {
        put(
            root,
            &format!("content/actors/{id}.md"),
            &format!("---\nname: \"{name}\"\n---\n"),
        );
    }
    put(
        root,
        "content/sources/wire.md",
        "---\nname: \"The Wire\"\nkind: agency\nurl: https://wire.example.org\n---\n",
    );
    put(
        root,
        "content/stories/main.md",
        "---\ntitle: \"Main story\"\n---\nThe story.\n",
    );
}

// ---------------------------------------------------------------------------
// 1. A killed build

const ACTORS: usize = 12;

/// A site with `digests` digests, each with citations, quotes, an embed and
/// a few paragraphs; `edition` goes into every digest title, so two editions
/// differ on almost every page.
fn big_site(root: &Path, digests: usize, edition: &str) {
    put(
        root,
        "site.yaml",
        "title: \"Big\"\nbase_url: \"https://example.org/\"\nlanguage: it\nper_page: 20\n",
    );
    for a in 0..ACTORS {
        put(
            root,
            &format!("content/actors/actor-{a}.md"),
            &format!("---\nname: \"Attore {a}\"\nrole: \"Ruolo {a}\"\naliases: [\"Alias {a}\"]\n---\nBiografia dell'attore {a}.\n"),
        );
    }
    for s in 0..3 {
        put(
            root,
            &format!("content/sources/source-{s}.md"),
            &format!(
                "---\nname: \"Fonte {s}\"\nkind: newspaper\nurl: https://s{s}.example.org\n---\n"
            ),
        );
    }
    for s in 0..2 {
        put(
            root,
            &format!("content/stories/story-{s}.md"),
            &format!("---\ntitle: \"Storia {s}\"\nstarted: 2001-01-01\n---\nLa storia {s}.\n"),
        );
    }
    big_site_digests(root, digests, edition);
}

fn big_site_digests(root: &Path, digests: usize, edition: &str) {
    for i in 0..digests {
        let (a, b, c) = (i % ACTORS, (i * 7 + 3) % ACTORS, (i * 5 + 1) % ACTORS);
        let id = format!("{}-d{i:04}", day(i));
        let mut text = format!(
            "---\ntitle: \"Digest {i}, edizione {edition}\"\ndate: {}\nstory: story-{}\nauthors: [\"Redazione\"]\nactors: [actor-{a}]\ntags: [\"tema {}\", \"Tema {}\"]\nsources:\n",
            day(i),
            i % 2,
            i % 17,
            i % 5,
        );
        for k in 0..3 {
            text += &format!(
                "  - id: c{k}\n    source: source-{k}\n    title: \"Articolo {k} del digest {i}\"\n    url: https://s{k}.example.org/{i}/{k}\n    published: {}\n",
                day(i)
            );
        }
        text += "quotes:\n";
        for q in 0..3 {
            let by = [a, b, c][q];
            text += &format!(
                "  - id: q{i}-{q}\n    by: actor-{by}\n    text: \"Parole {q} dell'attore {by} nel digest {i}.\"\n    said: {}\n    context: \"Intervista {q}\"\n    cite: c{q}\n",
                day(i)
            );
        }
        text += "---\n";
        text += &format!(
            "Secondo [la fonte](cite:c0), [l'attore {a}](actor:actor-{a}) e [l'attore {b}](actor:actor-{b}) si sono incontrati.\n\n![](quote:q{i}-0)\n\n## Analisi\n\n"
        );
        for p in 0..6 {
            text += &format!(
                "Paragrafo {p}: *lorem ipsum* dolor sit amet, [consectetur](cite:c1) adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.\n\n"
            );
        }
        if i > 0 {
            text += &format!(
                "Vedi anche [il digest precedente](digest:{}-d{:04}) e [la frase](quote:q{}-1).\n",
                day(i - 1),
                i - 1,
                i - 1
            );
        }
        put(
            root,
            &format!("content/digests/{}/{id}.md", 2001 + i / 336),
            &text,
        );
    }
}

/// The staging folder storia builds beside `out` (see src/output.rs).
fn staging(out: &Path) -> PathBuf {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    out.with_file_name(format!(".{name}.storia-new"))
}

/// When a folder came into being, if the file system records it.
fn born(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).ok()?.created().ok()
}

/// Spawns a build of `root` into `out` and kills it (SIGKILL) `delay` later.
fn kill_after(root: &Path, out: &Path, args: &[&str], delay: Duration) -> std::process::ExitStatus {
    let mut child = storia(root, out, args)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill(); // an error only means it had exited
    child.wait().unwrap()
}

/// Spawns a build of `root` into `out` and kills it (SIGKILL) `delay` after
/// its staging folder appears. The leftover of an earlier kill does not
/// count: a fresh folder is told by its birth time (where the file system
/// records none, the build runs to its end).
fn kill_in_write_stage(
    root: &Path,
    out: &Path,
    args: &[&str],
    delay: Duration,
) -> std::process::ExitStatus {
    let leftover = born(&staging(out));
    let had_leftover = staging(out).exists();
    let spawned = Instant::now();
    let mut child = storia(root, out, args)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while spawned.elapsed() < Duration::from_secs(20) && child.try_wait().unwrap().is_none() {
        if staging(out).exists()
            && (!had_leftover || (leftover.is_some() && born(&staging(out)) != leftover))
        {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().unwrap()
}

/// Where in a build to kill it.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after the start.
    Start(Duration),
    /// This long after this build's staging folder appeared (the write stage).
    Staging(Duration),
}

#[test]
fn a_killed_build_leaves_the_previous_output_complete() {
    killed_builds(false);
}

#[test]
fn a_killed_cached_build_leaves_the_previous_output_complete() {
    killed_builds(true);
}

/// Builds killed at many moments, alternating two editions of a site:
/// the output is always one edition whole. With the build cache, the new
/// output is assembled in the cache's spare tree, not beside the output:
/// the kills are aimed by time alone.
fn killed_builds(cached: bool) {
    const DIGESTS: usize = 250;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("www/public");
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_string_lossy().into_owned();
    let args: &[&str] = if cached {
        &["--cache-dir", &cache_arg]
    } else {
        &["--no-cache"]
    };
    big_site(&root, DIGESTS, "A");
    build_ok(&root, &out, args);
    let a = snapshot(&out);
    // The other edition, built elsewhere: what a finished build must leave.
    big_site_digests(&root, DIGESTS, "B");
    let reference = dir.path().join("reference/public");
    let started = Instant::now();
    build_ok(&root, &reference, &["--no-cache"]);
    let full = started.elapsed();
    let b = snapshot(&reference);
    assert!(a.len() > 400, "only {} entries in the output", a.len());
    assert_ne!(a, b);
    let starts: &[u64] = if cached {
        &[5, 30, 60, 100, 150, 200, 250, 300, 400, 500, 700]
    } else {
        &[5, 50, 200, 500]
    };
    let mut kills: Vec<KillAt> = starts
        .iter()
        .map(|ms| KillAt::Start(Duration::from_millis(*ms)))
        .collect();
    // Nothing is written before the write stage: aim most kills at it.
    if !cached {
        kills.extend(
            [0, 1, 3, 10, 30, 100, 300]
                .into_iter()
                .map(|ms| KillAt::Staging(Duration::from_millis(ms))),
        );
    }
    let mut current = 'A';
    let mut stamps = file_stamps(&out);
    let mut outcomes = Vec::new();
    for kill in kills {
        let target = if current == 'A' { 'B' } else { 'A' };
        big_site_digests(&root, DIGESTS, &target.to_string());
        let spawned = Instant::now();
        let status = match kill {
            KillAt::Start(delay) => kill_after(&root, &out, args, delay),
            KillAt::Staging(delay) => kill_in_write_stage(&root, &out, args, delay),
        };
        assert!(
            out.is_dir(),
            "the output folder is missing after a kill {kill:?}"
        );
        let now = snapshot(&out);
        let state = if now == a {
            'A'
        } else if now == b {
            'B'
        } else {
            panic!(
                "killed {kill:?} ({status}) going from {current} to {target}: the output is neither\nvs {current}: {}\nvs {target}: {}",
                diff(if current == 'A' { &a } else { &b }, &now),
                diff(if current == 'A' { &b } else { &a }, &now),
            );
        };
        if state == current {
            // Untouched, not rewritten with the same bytes.
            assert!(
                file_stamps(&out) == stamps,
                "killed {kill:?}: files of the old output were rewritten"
            );
        } else {
            stamps = file_stamps(&out);
        }
        outcomes.push(format!(
            "{kill:?} after {:?}: {}",
            spawned.elapsed(),
            if state == current { "old" } else { "new" }
        ));
        current = state;
    }
    eprintln!("full build {full:?}; kills:\n  {}", outcomes.join("\n  "));
    // A normal build then leaves the current content, and nothing beside it.
    let target = if current == 'A' { 'B' } else { 'A' };
    big_site_digests(&root, DIGESTS, &target.to_string());
    build_ok(&root, &out, args);
    let want = if target == 'A' { &a } else { &b };
    let now = snapshot(&out);
    assert!(now == *want, "{}", diff(want, &now));
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn concurrent_builds_into_one_output_take_turns() {
    // Builds of two editions racing into one output: each must succeed, and
    // the output must be exactly one edition's, never a mix or a half.
    const DIGESTS: usize = 80;
    let dir = tempfile::tempdir().unwrap();
    let (site_a, site_b) = (dir.path().join("a"), dir.path().join("b"));
    big_site(&site_a, DIGESTS, "A");
    big_site(&site_b, DIGESTS, "B");
    let out = dir.path().join("public");
    let reference = |root: &Path, name: &str| {
        let r = dir.path().join(name).join("public");
        build_ok(root, &r, &[]);
        snapshot(&r)
    };
    let (a, b) = (reference(&site_a, "ref-a"), reference(&site_b, "ref-b"));
    for round in 0..3 {
        let children: Vec<_> = [&site_a, &site_b, &site_a, &site_b]
            .iter()
            .map(|root| storia(root, &out, &[]).spawn().unwrap())
            .collect();
        for child in children {
            let done = child.wait_with_output().unwrap();
            assert!(
                done.status.success(),
                "round {round}: a concurrent build failed:\n{}",
                shorten(&String::from_utf8_lossy(&done.stderr))
            );
        }
        let now = snapshot(&out);
        assert!(
            now == a || now == b,
            "round {round}: the output is neither edition\nvs A: {}\nvs B: {}",
            diff(&a, &now),
            diff(&b, &now)
        );
        assert_eq!(leftovers(&out), Vec::<String>::new());
    }
}

#[test]
fn a_first_build_killed_midway_leaves_no_output_or_a_complete_one() {
    const DIGESTS: usize = 80;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    big_site(&root, DIGESTS, "A");
    let reference = dir.path().join("reference/public");
    build_ok(&root, &reference, &[]);
    let want = snapshot(&reference);
    let out = dir.path().join("www/public");
    for ms in [0, 2, 10] {
        kill_in_write_stage(&root, &out, &["--no-cache"], Duration::from_millis(ms));
        if out.exists() {
            let now = snapshot(&out);
            assert!(
                now == want,
                "killed {ms} ms into the write: {}",
                diff(&want, &now)
            );
            std::fs::remove_dir_all(&out).unwrap();
        }
    }
    build_ok(&root, &out, &[]);
    let now = snapshot(&out);
    assert!(now == want, "{}", diff(&want, &now));
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// 2. Stale files

#[test]
fn a_deleted_digest_or_static_file_leaves_no_trace_in_pages_feeds_sitemap_or_search() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("public");
    small_site(&root);
    put(
        &root,
        "site.yaml",
        "title: \"Robustness\"\nbase_url: \"https://example.org/\"\nper_page: 1\n",
    );
    for (id, date) in [
        ("2020-01-02-keep", "2020-01-02"),
        ("2020-01-03-also", "2020-01-03"),
    ] {
        put(
            &root,
            &format!("content/digests/{id}.md"),
            &format!("---\ntitle: \"Kept {id}\"\ndate: {date}\nstory: main\ntags: [common]\nactors: [anna]\n---\nAbout [Anna](actor:anna).\n"),
        );
    }
    let gone = "content/digests/2020/2020-01-01-vanishing.md";
    put(
        &root,
        gone,
        "---\ntitle: \"Vanishingtitle\"\ndate: 2020-01-01\nstory: main\nsummary: \"Vanishingsummary\"\ntags: [common, Solitarytag]\nauthors: [\"Vanishingauthor\"]\nsources:\n  - id: only\n    source: wire\n    title: \"Vanishingcitation\"\n    url: https://wire.example.org/vanishingurl\nquotes:\n  - id: vanishingquote\n    by: carla\n    text: \"Vanishingwords\"\n    cite: only\n  - id: vanishingwire\n    by: wire\n    text: \"Vanishingwire\"\n---\n[Anna](actor:anna) and [Boris](actor:boris).\n\n![](quote:vanishingquote)\n",
    );
    put(&root, "static/vanishing/notes.txt", "a static file\n");
    build_ok(&root, &out, &[]);
    let before = snapshot(&out);
    assert!(before.contains_key("vanishing/notes.txt"));
    let page = "digests/2020-01-01-vanishing/index.html";
    assert!(before.contains_key(page));
    assert!(before.contains_key("tags/solitarytag/index.html"));
    assert!(before.contains_key("digests/page/3/index.html"));
    let mentions = |files: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        files
            .iter()
            .filter(|(path, bytes)| {
                let text = String::from_utf8_lossy(bytes).to_lowercase();
                path.to_lowercase().contains("vanishing")
                    || path.contains("solitarytag")
                    || text.contains("vanishing")
                    || text.contains("solitarytag")
            })
            .map(|(path, _)| path.clone())
            .collect()
    };
    let found = mentions(&before);
    for file in [
        "atom.xml",
        "sitemap.xml",
        "search/docs/0.json",
        "search/words/v.json",
        "search/postings/va.json",
        "stories/main/atom.xml",
        "actors/carla/index.html",
        "sources/wire/index.html",
        "tags/index.html",
        "digests/page/3/index.html",
    ] {
        assert!(
            found.iter().any(|f| f == file),
            "not in {file} to begin with"
        );
    }
    std::fs::remove_file(root.join(gone)).unwrap();
    std::fs::remove_dir_all(root.join("static/vanishing")).unwrap();
    build_ok(&root, &out, &[]);
    let after = snapshot(&out);
    assert_eq!(mentions(&after), Vec::<String>::new());
    assert!(!after.contains_key("digests/page/3/index.html"));
    assert!(after.contains_key("digests/page/2/index.html"));
    // Nothing else went missing: the same files but the digest's own.
    let removed: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert!(
        removed.iter().all(|k| k.contains("vanishing")
            || k.contains("solitarytag")
            || k.contains("/page/3/")
            || k.starts_with("search/words/")
            || k.starts_with("search/postings/")),
        "{removed:?}"
    );
    assert_eq!(leftovers(&out), Vec::<String>::new());
    // The same as a fresh build of what is left.
    let fresh = dir.path().join("fresh/public");
    build_ok(&root, &fresh, &[]);
    let fresh = snapshot(&fresh);
    assert!(after == fresh, "{}", diff(&fresh, &after));
}

// ---------------------------------------------------------------------------
// 3. Hostile text in every string field

/// Markup that must stay text, an entity that must not be decoded, quotes.
const HOSTILE: &str = "<script>alert(1)</script> \"><img src=x onerror=alert(1)> &amp; ' \"";

/// A minimal XML well-formedness check (elements nest and close, attributes
/// are quoted, `&` starts a known entity, no `<` in text or attributes);
/// returns the decoded text of every element named `name`.
fn xml_texts(xml: &str, name: &str) -> Result<Vec<String>, String> {
    fn decode(s: &str, at: usize) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find(['&', '<']) {
            out.push_str(&rest[..i]);
            if rest[i..].starts_with('<') {
                return Err(format!("`<` in text or attribute near byte {at}"));
            }
            let end = rest[i..]
                .find(';')
                .ok_or_else(|| format!("unterminated entity near byte {at}"))?;
            let entity = &rest[i + 1..i + end];
            let c = match entity {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let n = if let Some(h) = entity.strip_prefix("#x") {
                        u32::from_str_radix(h, 16).ok()
                    } else if let Some(d) = entity.strip_prefix('#') {
                        d.parse().ok()
                    } else {
                        None
                    };
                    n.and_then(char::from_u32)
                        .ok_or_else(|| format!("unknown entity `&{entity};` near byte {at}"))?
                }
            };
            out.push(c);
            rest = &rest[i + end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
    let mut texts = Vec::new();
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut pos = 0;
    let body = xml
        .strip_prefix("<?xml")
        .and_then(|r| r.find("?>").map(|i| &r[i + 2..]))
        .ok_or("no XML declaration")?;
    let base = xml.len() - body.len();
    while pos < body.len() {
        let rest = &body[pos..];
        let Some(lt) = rest.find('<') else {
            if !rest.trim().is_empty() {
                return Err("text after the root element".into());
            }
            break;
        };
        let text = decode(&rest[..lt], base + pos)?;
        if let Some((_, t)) = stack.last_mut() {
            t.push_str(&text);
        } else if !text.trim().is_empty() {
            return Err(format!(
                "text outside the root element near byte {}",
                base + pos
            ));
        }
        let gt = rest[lt..]
            .find('>')
            .ok_or_else(|| format!("unclosed tag near byte {}", base + pos + lt))?
            + lt;
        let tag = &rest[lt + 1..gt];
        pos += gt + 1;
        if let Some(closing) = tag.strip_prefix('/') {
            let (open, text) = stack
                .pop()
                .ok_or_else(|| format!("`</{closing}>` closes nothing"))?;
            if open != closing.trim() {
                return Err(format!("`<{open}>` closed by `</{closing}>`"));
            }
            if open == name {
                texts.push(text);
            }
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (tag_name, mut attrs) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        if tag_name.is_empty()
            || !tag_name
                .chars()
                .all(|c| c.is_alphanumeric() || ":-_.".contains(c))
        {
            return Err(format!("bad tag `<{tag}>`"));
        }
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                break;
            }
            let eq = attrs
                .find('=')
                .ok_or_else(|| format!("bad attributes in `<{tag}>`"))?;
            let quote = attrs[eq + 1..].chars().next();
            if quote != Some('"') && quote != Some('\'') {
                return Err(format!("unquoted attribute in `<{tag}>`"));
            }
            let q = quote.unwrap();
            let value_end = attrs[eq + 2..]
                .find(q)
                .ok_or_else(|| format!("unclosed attribute in `<{tag}>`"))?
                + eq
                + 2;
            decode(&attrs[eq + 2..value_end], base + pos)?;
            attrs = &attrs[value_end + 1..];
        }
        if !empty {
            stack.push((tag_name.to_string(), String::new()));
        }
    }
    if let Some((open, _)) = stack.last() {
        return Err(format!("`<{open}>` never closed"));
    }
    Ok(texts)
}

/// A site with `HOSTILE` in every free-text value its YAML allows (language
/// tags and Wikidata ids are checked values: they get valid ones).
fn hostile_site(root: &Path) {
    let h = yq(HOSTILE);
    // A quote text long enough that truncating filters cut into the markup.
    let long = yq(&format!("{}{HOSTILE}", "x".repeat(130)));
    let extra = format!("extra: {{ note: {h}, nested: {{ list: [{h}] }}, {h}: {h} }}\n");
    let image = yq("/images/\"><img src=x onerror=alert(1)>.jpg");
    // Lead images must exist: this one does, under its hostile name.
    let photo = root.join("static/images/\"><img src=x onerror=alert(1)>.jpg");
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3]))
        .save_with_format(&photo, image::ImageFormat::Jpeg)
        .unwrap();
    let url = yq("https://example.org/?q=\"><script>alert(1)</script>&x='");
    put(
        root,
        "site.yaml",
        &format!("title: {h}\ndescription: {h}\nbase_url: \"https://example.org/\"\nextra: {{ footer: {h}, note: {h} }}\n"),
    );
    put(
        root,
        "content/actors/anna.md",
        &format!("---\nname: {h}\nrole: {h}\naliases: [{h}]\nimage: {image}\nwikidata: Q1\nlinks: {{ {h}: {url} }}\n{extra}---\nAnna.\n"),
    );
    put(
        root,
        "content/actors/boris.md",
        &format!(
            "---\nname: \"Boris {}\"\nkind: organization\n---\n",
            HOSTILE.replace('"', "\\\"")
        ),
    );
    put(
        root,
        "content/sources/wire.md",
        &format!("---\nname: {h}\nkind: agency\nurl: {url}\nlang: en\n{extra}---\nThe wire.\n"),
    );
    put(
        root,
        "content/stories/main.md",
        &format!("---\ntitle: {h}\nsummary: {h}\nstarted: 2020-01-01\nimage: {image}\n{extra}---\nThe story.\n"),
    );
    put(
        root,
        "content/pages/about.md",
        &format!("---\ntitle: {h}\nsummary: {h}\n{extra}---\nAbout [the story](story:main).\n"),
    );
    for (id, date) in [
        ("2020-01-02-one", "2020-01-02"),
        ("2020-01-03-two", "2020-01-03"),
    ] {
        let n = &id[11..];
        put(
            root,
            &format!("content/digests/{id}.md"),
            &format!(
                "---\ntitle: {h}\ndate: {date}\nstory: main\nsummary: {h}\nauthors: [{h}, {h}]\nactors: [anna, boris]\ntags: [{h}, \"plain\"]\nlang: en-GB\nimage: {image}\nsources:\n  - id: c1\n    source: wire\n    title: {h}\n    url: {url}\n    archived: {url}\nquotes:\n  - id: {n}-a\n    by: anna\n    text: {h}\n    original: {h}\n    original_lang: ru\n    context: {h}\n    said: 2020-01-01\n    cite: c1\n  - id: {n}-b\n    by: wire\n    text: {long}\n    context: {h}\n{extra}---\nBody with [Anna](actor:anna), [the wire](source:wire), [a citation](cite:c1).\n\n![](quote:{n}-a)\n"
            ),
        );
    }
}

#[test]
fn hostile_text_in_every_yaml_value_stays_text_in_html_feeds_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("public");
    hostile_site(&root);
    build_ok(&root, &out, &[]);
    let files = snapshot(&out);
    let scripts = scraper::Selector::parse("script").unwrap();
    let all = scraper::Selector::parse("*").unwrap();
    let mut problems = Vec::new();
    let mut pages = 0;
    let mut json_scripts = Vec::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        for s in html.select(&scripts) {
            let text: String = s.text().collect();
            if s.value().attr("type").is_some_and(|t| t.contains("json")) {
                // Data, not code: it must be JSON from start to end (a value
                // that closed the element would cut it short).
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(v) => json_scripts.push(v),
                    Err(e) => problems.push(format!(
                        "{path}: a JSON <script> that is not JSON ({e}): {text}"
                    )),
                }
            } else if text.contains("alert") || s.value().attr("src").is_none() {
                problems.push(format!("{path}: a <script> element: {}", s.html()));
            }
        }
        for e in html.select(&all) {
            for (attr, _) in e.value().attrs() {
                if attr.starts_with("on") {
                    problems.push(format!(
                        "{path}: an `{attr}` attribute on <{}>",
                        e.value().name()
                    ));
                }
            }
            if e.value().name() == "img" && e.value().attr("src") == Some("x") {
                problems.push(format!("{path}: an injected <img>"));
            }
        }
        // Escaped once, not twice: the text never shows entity names.
        let text: String = html.root_element().text().collect();
        if text.contains("&lt;script") || text.contains("&amp;amp;") {
            problems.push(format!("{path}: escaped twice"));
        }
    }
    assert!(pages > 10, "only {pages} pages");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The text itself survives where it is shown: as typed, or with its
    // straight quotes set typographically (titles, summaries, quote texts).
    let smart = storia::typography::smarten(HOSTILE, "en").into_owned();
    let shown = |t: &str| t.contains(HOSTILE) || t.contains(&smart);
    let text_of = |path: &str, selector: &str| -> Vec<String> {
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(&files[path]));
        let sel = scraper::Selector::parse(selector).unwrap();
        html.select(&sel)
            .map(|e| e.text().collect::<String>())
            .collect()
    };
    let attr_of = |path: &str, selector: &str, attr: &str| -> Vec<String> {
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(&files[path]));
        let sel = scraper::Selector::parse(selector).unwrap();
        html.select(&sel)
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    };
    for (page, what) in [
        ("digests/2020-01-02-one/index.html", "digest"),
        ("actors/anna/index.html", "actor"),
        ("sources/wire/index.html", "source"),
        ("stories/main/index.html", "story"),
        ("about/index.html", "page"),
    ] {
        let h1 = text_of(page, "h1").join(" ");
        assert!(shown(&h1), "{what} title lost in its <h1>: {h1:?}");
        let title = text_of(page, "title").join(" ");
        assert!(shown(&title), "{what} title lost in <title>: {title:?}");
    }
    let description = attr_of(
        "digests/2020-01-02-one/index.html",
        "meta[name=description]",
        "content",
    );
    assert!(
        description.iter().any(|d| shown(d)),
        "summary lost in the description: {description:?}"
    );
    // Structured data, if the theme writes any, keeps the text as it is.
    if !json_scripts.is_empty() {
        let all = serde_json::to_string(&json_scripts).unwrap();
        let literal = serde_json::to_string(HOSTILE).unwrap();
        let set = serde_json::to_string(&smart).unwrap();
        assert!(
            all.contains(&literal) || all.contains(&set),
            "the text is lost in the JSON-LD"
        );
    }
    let footer = text_of("index.html", "footer").join(" ");
    assert!(footer.contains(HOSTILE), "extra.footer lost: {footer:?}");
    // Feeds: well-formed XML whose decoded titles are the text.
    for (path, bytes) in &files {
        if !path.ends_with(".xml") {
            continue;
        }
        let xml = String::from_utf8_lossy(bytes);
        assert!(
            !xml.contains("<script") && !xml.contains("<img"),
            "{path}: raw markup"
        );
        let titles = xml_texts(&xml, "title").unwrap_or_else(|e| panic!("{path}: {e}"));
        if path.ends_with("atom.xml") {
            assert!(
                titles.iter().any(|t| shown(t)),
                "{path}: the text is lost: {titles:?}"
            );
        }
    }
    let names = xml_texts(&String::from_utf8_lossy(&files["atom.xml"]), "name").unwrap();
    assert!(names.iter().any(|n| n == HOSTILE), "author lost: {names:?}");
    // The search index is JSON and holds the text as it is.
    let hits = search(&out, "script alert img");
    for kind in ["digest", "actor", "source", "quote"] {
        assert!(
            hits.iter().any(|(k, t, _)| k == kind && shown(t)),
            "no {kind} with the text in the search index: {hits:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// 4. Scale

/// A site of `small_site` plus one digest `content/digests/<rel>`.
fn one_digest_site(rel: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    put(&root, &format!("content/digests/{rel}"), text);
    dir
}

/// Where a scale test builds: `$STORIA_SCALE_DIR/<name>` when set (the
/// site is kept there, to be measured by hand with `/usr/bin/time -v`),
/// else a temporary folder.
fn scale_dir(name: &str) -> (Option<tempfile::TempDir>, PathBuf) {
    match std::env::var_os("STORIA_SCALE_DIR") {
        Some(d) => {
            let path = PathBuf::from(d).join(name);
            let _ = std::fs::remove_dir_all(&path);
            (None, path)
        }
        None => {
            let t = tempfile::tempdir().unwrap();
            let path = t.path().to_path_buf();
            (Some(t), path)
        }
    }
}

/// A digest body of at least `bytes` bytes: `bytes` of paragraphs with
/// references, links and a heading every thousand paragraphs.
fn huge_body_builds(name: &str, bytes: usize) {
    let mut body = String::with_capacity(bytes + 300_000);
    let mut n = 0;
    while body.len() < bytes {
        body += &format!(
            "Paragraph {n} about [Anna](actor:anna), with *emphasis*, `code` and a [link](https://example.org/{n}). Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.\n\n"
        );
        if n % 1000 == 0 {
            body += &format!("## Section {n}\n\n");
        }
        n += 1;
    }
    body += "The last paragraph: fine.\n";
    let (_keep, dir) = scale_dir(name);
    let root = dir.join("site");
    small_site(&root);
    put(
        &root,
        "content/digests/2020-01-01-huge.md",
        &format!("---\ntitle: \"Huge\"\ndate: 2020-01-01\nstory: main\n---\n{body}"),
    );
    let out = dir.join("public");
    let started = Instant::now();
    build_ok(&root, &out, &[]);
    let took = started.elapsed();
    let page = std::fs::read_to_string(out.join("digests/2020-01-01-huge/index.html")).unwrap();
    assert!(page.len() > bytes, "the page has {} bytes", page.len());
    assert!(page.contains("The last paragraph: fine."));
    assert!(page.contains(&format!("Paragraph {} about", n - 1)));
    // The last heading's id (the text says `Section`, the id `section`).
    assert!(page.contains(&format!("section-{}", (n - 1) / 1000 * 1000)));
    eprintln!(
        "a {} byte body ({n} paragraphs) built in {took:?}",
        body.len()
    );
}

#[test]
fn a_digest_with_a_five_megabyte_body_builds() {
    huge_body_builds("body-5mb", 5_000_000);
}

#[test]
#[ignore = "slow in debug: cargo test --release --test robustness -- --ignored"]
fn a_digest_with_a_twenty_megabyte_body_builds() {
    huge_body_builds("body-20mb", 20_000_000);
}

/// A digest with `quotes` quotes by four speakers, a tenth of them embedded:
/// every quote's anchor is on its digest page and its speaker's page, once.
fn many_quotes_have_every_anchor_once(name: &str, quotes: usize) {
    let mut text = String::from("---\ntitle: \"Many quotes\"\ndate: 2020-01-01\nstory: main\nsources:\n  - id: c\n    url: https://example.org/c\nquotes:\n");
    let speakers = ["anna", "boris", "carla", "wire"];
    for i in 0..quotes {
        text += &format!(
            "  - id: q{i}\n    by: {}\n    text: \"Words number {i}.\"\n    said: {}\n    cite: c\n",
            speakers[i % 4],
            day(i % 300)
        );
    }
    text += "---\nSome quotes are embedded, the rest are listed.\n\n";
    for i in (0..quotes).step_by(10) {
        text += &format!("![](quote:q{i})\n\n");
    }
    let (_keep, dir) = scale_dir(name);
    let root = dir.join("site");
    small_site(&root);
    put(&root, "content/digests/2020-01-01-quotes.md", &text);
    let out = dir.join("public");
    let started = Instant::now();
    build_ok(&root, &out, &[]);
    let took = started.elapsed();
    let page = std::fs::read_to_string(out.join("digests/2020-01-01-quotes/index.html")).unwrap();
    let mut speaker_pages: Vec<String> = speakers
        .iter()
        .map(|s| {
            let folder = if *s == "wire" { "sources" } else { "actors" };
            std::fs::read_to_string(out.join(format!("{folder}/{s}/index.html"))).unwrap()
        })
        .collect();
    let ids = |html: &str| -> BTreeMap<String, usize> {
        let html = scraper::Html::parse_document(html);
        let sel = scraper::Selector::parse("[id^=q-]").unwrap();
        let mut ids = BTreeMap::new();
        for e in html.select(&sel) {
            *ids.entry(e.value().attr("id").unwrap().to_string())
                .or_insert(0) += 1;
        }
        ids
    };
    let on_digest = ids(&page);
    let per_speaker: Vec<BTreeMap<String, usize>> =
        speaker_pages.drain(..).map(|p| ids(&p)).collect();
    for i in 0..quotes {
        let id = format!("q-q{i}");
        assert_eq!(on_digest.get(&id), Some(&1), "{id} on the digest page");
        assert_eq!(
            per_speaker[i % 4].get(&id),
            Some(&1),
            "{id} on the page of {}",
            speakers[i % 4]
        );
    }
    assert_eq!(on_digest.len(), quotes);
    eprintln!("{quotes} quotes built in {took:?}");
}

#[test]
fn a_digest_with_two_thousand_quotes_has_every_anchor_once() {
    many_quotes_have_every_anchor_once("quotes-2k", 2000);
}

#[test]
#[ignore = "slow in debug: cargo test --release --test robustness -- --ignored"]
fn a_digest_with_ten_thousand_quotes_has_every_anchor_once() {
    many_quotes_have_every_anchor_once("quotes-10k", 10_000);
}

#[test]
fn a_digest_two_hundred_folders_deep_builds() {
    let folders: Vec<String> = (1..=200).map(|i| format!("l{i}")).collect();
    let dir = one_digest_site(
        &format!("{}/2020-01-01-deep.md", folders.join("/")),
        "---\ntitle: \"Deep\"\ndate: 2020-01-01\nactors: anna\n---\nDeep down with [Anna](actor:anna).\n",
    );
    let out = dir.path().join("public");
    build_ok(&dir.path().join("site"), &out, &[]);
    let page = std::fs::read_to_string(out.join("digests/2020-01-01-deep/index.html")).unwrap();
    assert!(page.contains("Deep down"));
    assert!(std::fs::read_to_string(out.join("actors/anna/index.html"))
        .unwrap()
        .contains("/digests/2020-01-01-deep/"));
}

/// A body line and a summary of `chars` characters each, with references
/// in the middle and at the end of the body line: both become links.
fn long_lines_build(name: &str, chars: usize) {
    let words = |n: usize| -> String {
        let mut s = String::with_capacity(n + 16);
        let (mut i, mut count) = (0, 0);
        while count < n {
            let w = if i % 3 == 0 { "città " } else { "word " };
            s += w;
            count += w.chars().count();
            i += 1;
        }
        s
    };
    let body_line = format!(
        "{}[Anna](actor:anna) {}[Boris](actor:boris)",
        words(chars / 2),
        words(chars / 2)
    );
    let summary = words(chars);
    let (_keep, dir) = scale_dir(name);
    let root = dir.join("site");
    small_site(&root);
    put(
        &root,
        "content/digests/2020-01-01-long.md",
        &format!(
            "---\ntitle: \"Long\"\ndate: 2020-01-01\nsummary: \"{}\"\n---\n{body_line}\n",
            summary.trim()
        ),
    );
    let out = dir.join("public");
    let started = Instant::now();
    build_ok(&root, &out, &[]);
    eprintln!(
        "lines of {chars} characters built in {:?}",
        started.elapsed()
    );
    let page = std::fs::read_to_string(out.join("digests/2020-01-01-long/index.html")).unwrap();
    assert!(page.len() > 2 * chars);
    // Both references on the long line became links.
    let html = scraper::Html::parse_document(&page);
    let body = scraper::Selector::parse("a.ref-actor, .article-body a").unwrap();
    let links: Vec<(String, String)> = html
        .select(&body)
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect();
    for (name, href) in [("Anna", "/actors/anna/"), ("Boris", "/actors/boris/")] {
        assert!(
            links.iter().any(|(t, h)| t == name && h == href),
            "no link `{name}` → {href} in {links:?}"
        );
    }
    assert!(std::fs::read_to_string(out.join("actors/boris/index.html"))
        .unwrap()
        .contains("/digests/2020-01-01-long/"));
}

#[test]
fn lines_of_two_hundred_thousand_characters_build() {
    long_lines_build("lines-200k", 200_000);
}

#[test]
#[ignore = "slow in debug: cargo test --release --test robustness -- --ignored"]
fn lines_of_ten_million_characters_build() {
    long_lines_build("lines-10m", 10_000_000);
}

#[test]
#[ignore = "slow in debug: cargo test --release --test robustness -- --ignored"]
fn a_hundred_thousand_tiny_digests_build() {
    const DIGESTS: usize = 100_000;
    let (_keep, dir) = scale_dir("files-100k");
    let root = dir.join("site");
    small_site(&root);
    for i in 0..DIGESTS {
        let date = day(i % 3000);
        put(
            &root,
            &format!("content/digests/{:03}/{date}-t{i}.md", i / 1000),
            &format!("---\ntitle: \"T{i}\"\ndate: {date}\n---\nx\n"),
        );
    }
    let out = dir.join("public");
    let started = Instant::now();
    let output = run_with_limit(storia(&root, &out, &[]), Duration::from_secs(600));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}", shorten(&stderr));
    eprintln!("{DIGESTS} digests built in {:?}", started.elapsed());
    let folders = std::fs::read_dir(out.join("digests"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_type().unwrap().is_dir())
        .count();
    // Every digest's folder, plus `page/` of the list's pagination.
    assert_eq!(folders, DIGESTS + 1);
}

/// Runs a build that must fail, returning its diagnostics.
fn build_fails(root: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let output = run_with_limit(storia(root, &out, &[]), Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{}", shorten(&stderr));
    assert!(!stderr.contains("panicked"), "{}", shorten(&stderr));
    assert!(!out.exists(), "a failed build wrote output");
    stderr
}

#[test]
fn an_unknown_actor_far_along_a_long_line_is_placed_by_line_and_column() {
    // Multi-byte letters before the reference: columns count characters.
    let before = format!("{} ", "città Путин ".repeat(833));
    let line = format!("{before}[Anna](actor:anna) [Lukas](actor:lukaschenko) the end");
    assert!(line.chars().count() > 10_000);
    let column = before.chars().count() + "[Anna](actor:anna) [Lukas](actor:".chars().count() + 1;
    let dir = one_digest_site(
        "2020-01-01-long.md",
        &format!("---\ntitle: \"Long\"\ndate: 2020-01-01\n---\nFirst paragraph.\n\n{line}\n"),
    );
    let stderr = build_fails(&dir.path().join("site"));
    let place = format!("content/digests/2020-01-01-long.md:7:{column}");
    assert!(
        stderr.contains(&place),
        "no `{place}` in:\n{}",
        shorten(&stderr)
    );
    assert!(stderr.contains("lukaschenko"));
}

#[test]
fn an_unknown_actor_far_along_a_long_front_matter_line_is_placed_by_line_and_column() {
    let known = vec!["anna"; 2000].join(", ");
    let line = format!("actors: [{known}, nobody, boris]");
    let column = "actors: [".len() + known.len() + ", ".len() + 1;
    assert!(column > 10_000);
    let dir = one_digest_site(
        "2020-01-01-long.md",
        &format!("---\ntitle: \"Long\"\ndate: 2020-01-01\n{line}\n---\nText.\n"),
    );
    let stderr = build_fails(&dir.path().join("site"));
    let place = format!("content/digests/2020-01-01-long.md:4:{column}");
    assert!(
        stderr.contains(&place),
        "no `{place}` in:\n{}",
        shorten(&stderr)
    );
    assert!(stderr.contains("nobody"));
}

#[test]
fn a_tag_too_long_for_a_file_name_builds_or_is_reported_at_its_line() {
    let tag = "città ".repeat(60); // slug: 299 bytes
    let dir = one_digest_site(
        "2020-01-01-tag.md",
        &format!(
            "---\ntitle: \"Tag\"\ndate: 2020-01-01\ntags: [short, \"{}\"]\n---\nText.\n",
            tag.trim()
        ),
    );
    let root = dir.path().join("site");
    let out = dir.path().join("public");
    let output = run_with_limit(storia(&root, &out, &[]), Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{}", shorten(&stderr));
    if output.status.success() {
        // Built: the digest links to a tag page that exists.
        let broken = broken_links(&out, "/");
        assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    } else {
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr.contains("content/digests/2020-01-01-tag.md:4:"),
            "the error does not point at the tag:\n{}",
            shorten(&stderr)
        );
    }
}

// ---------------------------------------------------------------------------
// 5. Symlinks

/// Builds `root` within 20 s (failing the test otherwise) and returns the
/// exit code and the diagnostics.
fn build_within_20s(root: &Path, out: &Path) -> (Option<i32>, String) {
    let output = run_with_limit(storia(root, out, &[]), Duration::from_secs(20));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{}", shorten(&stderr));
    (output.status.code(), stderr)
}

#[test]
fn a_symlink_loop_in_the_digests_folder_does_not_hang_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    put(
        &root,
        "content/digests/2020/2020-01-01-one.md",
        "---\ntitle: \"One\"\ndate: 2020-01-01\n---\nText.\n",
    );
    // A folder symlinked to its parent, and one to itself.
    std::os::unix::fs::symlink("..", root.join("content/digests/2020/loop")).unwrap();
    std::os::unix::fs::symlink("self", root.join("content/digests/self")).unwrap();
    let out = dir.path().join("public");
    let (code, stderr) = build_within_20s(&root, &out);
    assert_eq!(code, Some(0), "{}", shorten(&stderr));
    let files = snapshot(&out);
    assert!(files.contains_key("digests/2020-01-01-one/index.html"));
    let digests: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("digests/2020-") && k.ends_with("index.html"))
        .collect();
    assert_eq!(digests.len(), 1, "{digests:?}");
}

#[test]
fn a_symlink_loop_in_static_or_templates_does_not_hang_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    put(&root, "static/css/extra.css", "body {}\n");
    std::os::unix::fs::symlink("..", root.join("static/css/loop")).unwrap();
    std::fs::create_dir_all(root.join("templates/partials")).unwrap();
    std::os::unix::fs::symlink("..", root.join("templates/partials/loop")).unwrap();
    let out = dir.path().join("public");
    let (code, stderr) = build_within_20s(&root, &out);
    assert_eq!(code, Some(0), "{}", shorten(&stderr));
    assert!(out.join("css/extra.css").is_file());
}

#[test]
fn an_output_folder_that_is_a_symlink_is_updated_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    small_site(&root);
    put(
        &root,
        "content/digests/2020-01-01-one.md",
        "---\ntitle: \"One\"\ndate: 2020-01-01\n---\nText.\n",
    );
    // A common deployment: `public` points at the web server's folder.
    let web = dir.path().join("srv/www");
    std::fs::create_dir_all(&web).unwrap();
    let out = dir.path().join("public");
    std::os::unix::fs::symlink(&web, &out).unwrap();
    build_ok(&root, &out, &[]);
    assert!(
        std::fs::symlink_metadata(&out)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the symlink `public` was replaced by a folder"
    );
    assert!(
        web.join("digests/2020-01-01-one/index.html").is_file(),
        "the symlink's target was not updated"
    );
}
