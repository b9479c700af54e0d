//! Nothing the editor owns is ever at risk: where the output may go, what a
//! build leaves behind, raw HTML and links that could run script, symlinks
//! out of the site, and characters that break feeds. Each test is named
//! after the rule it guards; sites are made in temporary folders and built
//! with the real binary.

mod common;
use common::build;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Writes `text` to `root/rel`, creating folders.
fn put(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small valid site in `root`: an actor, a source, a story, two digests,
/// a template override, a static file and a label file.
fn site(root: &Path) {
    put(
        root,
        "site.yaml",
        "title: \"Safety\"\nbase_url: \"https://example.org/\"\n",
    );
    put(
        root,
        "content/actors/anna.md",
        "---\nname: \"Anna\"\n---\nAn actor.\n",
    );
    put(
        root,
        "content/sources/ansa.md",
        "---\nname: \"ANSA\"\nurl: https://www.ansa.it/\n---\n",
    );
    put(
        root,
        "content/stories/vertice.md",
        "---\ntitle: \"Vertice\"\n---\nA story.\n",
    );
    for day in ["01", "02"] {
        put(
            root,
            &format!("content/digests/2024/2024-01-{day}-d.md"),
            &format!("---\ntitle: \"Digest {day}\"\ndate: 2024-01-{day}\nstory: vertice\nactors: [anna]\n---\nText of [Anna](actor:anna).\n"),
        );
    }
    put(root, "static/css/extra.css", "body {}\n");
    put(root, "templates/partials/.keep", "");
    put(root, "i18n/README", "labels\n");
}

/// `storia ARGS…` in `dir`, standard input closed: the exit code and
/// standard error.
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (o.status.code().unwrap_or(-1), stderr)
}

/// Every path under `dir` (folders with a trailing `/`), with the bytes of
/// each file: what a build must not have touched.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for e in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
        if e.file_type().is_dir() {
            all.push((rel + "/", Vec::new()));
        } else if e.file_type().is_symlink() {
            let to = std::fs::read_link(e.path()).unwrap();
            all.push((rel + " ->", to.display().to_string().into_bytes()));
        } else {
            all.push((rel, std::fs::read(e.path()).unwrap()));
        }
    }
    all
}

/// The names in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts a refusal: exit code 2, the reason and a help line, and the
/// site (and everything beside it) exactly as it was.
fn assert_refused(dir: &Path, root: &Path, args: &[&str], reason: &str) {
    let before = tree(dir);
    let (code, stderr) = run(root, args);
    assert_eq!(code, 2, "{args:?}: {stderr}");
    assert!(
        stderr.contains("refusing to write the output to") && stderr.contains(reason),
        "{args:?}: no `{reason}` in:\n{stderr}"
    );
    assert!(
        stderr.contains("= help: "),
        "{args:?}: no help line:\n{stderr}"
    );
    let after = tree(dir);
    assert!(before == after, "{args:?} changed files on disk:\n{stderr}");
}

// ---------------------------------------------------------------------------
// The output path

#[test]
fn an_output_that_is_holds_or_lies_inside_the_site_or_a_source_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    for (out, reason) in [
        (".", "the site's own folder"),
        ("..", "it holds the site"),
        ("../..", "it holds the site"),
        ("content", "it is the site's `content/`"),
        ("content/digests", "inside the site's `content/`"),
        ("content/digests/2024/new", "inside the site's `content/`"),
        ("./content/../content", "it is the site's `content/`"),
        ("static", "`static/`"),
        ("templates", "`templates/`"),
        ("templates/partials", "inside the site's `templates/`"),
        ("i18n", "`i18n/`"),
        ("site.yaml", "`site.yaml`"),
        (".git", "hidden folder"),
    ] {
        assert_refused(dir.path(), &root, &["build", "--output", out], reason);
        assert_refused(
            dir.path(),
            &root,
            &["build", "--force", "--output", out],
            reason,
        );
    }
    // `themes/` is a source even when the site has none of its own yet.
    std::fs::create_dir_all(root.join("themes/mine/static")).unwrap();
    assert_refused(
        dir.path(),
        &root,
        &["build", "--output", "themes/mine"],
        "`themes/`",
    );
}

#[test]
fn an_output_reaching_the_site_through_a_symlink_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // `/home -> /var/home`: the site's parent, reached by another name.
    let real_parent = dir.path().join("var/home");
    let root = real_parent.join("site");
    site(&root);
    let alias = dir.path().join("home");
    std::os::unix::fs::symlink(&real_parent, &alias).unwrap();
    let alias_s = alias.display().to_string();
    assert_refused(
        dir.path(),
        &root,
        &["build", "--output", &alias_s],
        "it holds the site",
    );
    let via = format!("{alias_s}/site/content");
    assert_refused(
        dir.path(),
        &root,
        &["build", "--output", &via],
        "`content/`",
    );
    // A link in the site to one of its sources.
    std::os::unix::fs::symlink("content/digests", root.join("notes")).unwrap();
    assert_refused(
        dir.path(),
        &root,
        &["build", "--output", "notes"],
        "inside the site's `content/`",
    );
    // A `public` that is a link to the sources.
    std::os::unix::fs::symlink("templates", root.join("public")).unwrap();
    assert_refused(dir.path(), &root, &["build"], "`templates/`");
    // A source that is itself a link: its target is protected too.
    std::fs::remove_file(root.join("public")).unwrap();
    let shared = dir.path().join("shared-static");
    std::fs::rename(root.join("static"), &shared).unwrap();
    std::os::unix::fs::symlink(&shared, root.join("static")).unwrap();
    let shared_s = shared.display().to_string();
    assert_refused(
        dir.path(),
        &root,
        &["build", "--force", "--output", &shared_s],
        "`static/`",
    );
}

#[test]
fn an_existing_file_or_a_symlink_to_one_is_refused_as_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    put(&root, "notes.txt", "my notes\n");
    assert_refused(
        dir.path(),
        &root,
        &["build", "--output", "notes.txt"],
        "it is a file, not a folder",
    );
    // Through a symlink: a file outside the site is never turned into a folder.
    put(dir.path(), "system.conf", "setting = 1\n");
    std::os::unix::fs::symlink(dir.path().join("system.conf"), root.join("public")).unwrap();
    assert_refused(dir.path(), &root, &["build"], "it is a file, not a folder");
    assert_refused(
        dir.path(),
        &root,
        &["build", "--force"],
        "it is a file, not a folder",
    );
}

#[test]
fn a_folder_storia_did_not_write_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    let x = dir.path().join("x");
    put(&x, "docs/thesis.txt", "years of work\n");
    let out = x.display().to_string();
    assert_refused(
        dir.path(),
        &root,
        &["build", "--output", &out],
        "storia did not write",
    );
    // Forced, it is replaced (its dot-entries kept); from then on it is storia's.
    put(&x, ".git/HEAD", "ref: refs/heads/gh-pages\n");
    let (code, stderr) = run(&root, &["build", "--force", "--output", &out]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!x.join("docs").exists() && x.join("index.html").is_file());
    assert!(x.join(".git/HEAD").is_file());
    let (code, stderr) = run(&root, &["build", "--output", &out]);
    assert_eq!(
        code, 0,
        "an output storia wrote is replaced without --force: {stderr}"
    );
    // An empty folder, or one holding only dot-entries, is fine as it is.
    let fresh = dir.path().join("fresh");
    put(&fresh, ".git/HEAD", "ref: x\n");
    let (code, stderr) = run(&root, &["build", "--output", &fresh.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    // Inside the site, the output is the site's own and replaced as a whole.
    put(&root, "dist/stale.html", "old\n");
    let (code, stderr) = run(&root, &["build", "--output", "dist"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!root.join("dist/stale.html").exists());
}

#[test]
fn dot_entries_at_the_top_of_the_output_survive_every_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    let (code, stderr) = run(&root, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    let public = root.join("public");
    // A gh-pages worktree, a hand-made .well-known, and a CNAME (not a dot-entry).
    put(&public, ".git/HEAD", "ref: refs/heads/gh-pages\n");
    put(&public, ".git/objects/ab/cdef", "unpushed commit\n");
    put(
        &public,
        ".well-known/security.txt",
        "Contact: mailto:x@example.org\n",
    );
    put(&public, "CNAME", "example.org\n");
    put(
        &public,
        "digests/.hidden",
        "deeper dot-entries are not kept\n",
    );
    for _ in 0..2 {
        let (code, stderr) = run(&root, &["build"]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            std::fs::read_to_string(public.join(".git/objects/ab/cdef")).unwrap(),
            "unpushed commit\n"
        );
        assert!(public.join(".git/HEAD").is_file());
        assert!(public.join(".well-known/security.txt").is_file());
        assert!(!public.join("CNAME").exists(), "CNAME belongs in static/");
        assert!(!public.join("digests/.hidden").exists());
    }
}

#[test]
fn a_build_leaves_nothing_beside_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    let before = names(&root);
    for _ in 0..2 {
        let (code, stderr) = run(&root, &["build"]);
        assert_eq!(code, 0, "{stderr}");
    }
    let mut want = before.clone();
    want.push("public".into());
    want.sort();
    assert_eq!(names(&root), want);
    // The same beside an output outside the site, and after a failed build.
    let www = dir.path().join("www");
    std::fs::create_dir_all(&www).unwrap();
    let out = www.join("site").display().to_string();
    let (code, stderr) = run(&root, &["build", "--output", &out]);
    assert_eq!(code, 0, "{stderr}");
    put(
        &root,
        "content/digests/2024/2024-01-03-bad.md",
        "---\ntitle: x\n---\n",
    );
    let (code, _) = run(&root, &["build", "--output", &out]);
    assert_eq!(code, 1);
    assert_eq!(names(&www), ["site"]);
    assert_eq!(names(&root), want);
}

#[test]
fn an_output_that_is_a_mount_point_is_replaced_in_place() {
    // A private mount namespace holds a tmpfs at the output, as a Docker
    // volume would be; without user namespaces there is nothing to test.
    if !Command::new("unshare")
        .args(["-rm", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: `unshare -rm` is not available here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    let out = dir.path().join("volume");
    std::fs::create_dir_all(&out).unwrap();
    let script = r#"
        set -e
        mount -t tmpfs tmpfs "$OUT"
        mkdir "$OUT/.well-known" && echo hi > "$OUT/.well-known/x"
        "$STORIA" build --root "$ROOT" --output "$OUT" --quiet
        echo stale > "$OUT/stale.html"
        "$STORIA" build --root "$ROOT" --output "$OUT" --quiet
        ls -A "$OUT"
        ls -A "$(dirname "$OUT")"
    "#;
    let o = Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .env("OUT", &out)
        .env("ROOT", &root)
        .env("STORIA", env!("CARGO_BIN_EXE_storia"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stdout}\n{stderr}");
    let listed: Vec<&str> = stdout.lines().collect();
    for name in [".well-known", ".storia-output", "index.html", "digests"] {
        assert!(listed.contains(&name), "no {name} in the volume:\n{stdout}");
    }
    assert!(!listed.contains(&"stale.html"), "{stdout}");
    assert!(
        !listed
            .iter()
            .any(|n| n.contains("storia-new") || n.contains("storia-old")),
        "{stdout}"
    );
}

#[test]
fn storia_init_writes_a_gitignore_for_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = run(dir.path(), &["init", "site"]);
    assert_eq!(code, 0, "{stderr}");
    let ignore = std::fs::read_to_string(dir.path().join("site/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/public/"), "{ignore}");
}

// ---------------------------------------------------------------------------
// Paths out of the site

/// Builds `root` into `out` beside it: exit code and diagnostics.
fn build_into(root: &Path, out: &Path) -> (i32, String) {
    run(root, &["build", "--output", &out.display().to_string()])
}

#[test]
fn a_symlink_leading_out_of_the_site_is_refused_in_every_source_folder() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("outside");
    put(&secret, "passwd", "root:x:0:0\n");
    put(
        &secret,
        "2024-02-01-x.md",
        "---\ntitle: \"Secret\"\ndate: 2024-02-01\n---\nroot:x:0:0\n",
    );
    put(&secret, "base.html", "root:x:0:0 {{ page.title }}\n");
    put(&secret, "it.yaml", "quotes: \"root:x:0:0\"\n");
    put(&secret, "dir/passwd", "root:x:0:0\n");
    let cases: [(&str, PathBuf); 9] = [
        ("static/passwd.txt", secret.join("passwd")),
        ("static/etc", secret.join("dir")),
        (
            "content/digests/2024/2024-02-01-x.md",
            secret.join("2024-02-01-x.md"),
        ),
        ("content/pages", secret.join("dir")),
        ("templates/base.html", secret.join("base.html")),
        ("i18n/it.yaml", secret.join("it.yaml")),
        ("themes/mine/static/passwd.txt", secret.join("passwd")),
        ("themes/other", secret.join("dir")),
        ("static", secret.join("dir")),
    ];
    for (link, target) in cases {
        let root = dir.path().join("site");
        let _ = std::fs::remove_dir_all(&root);
        site(&root);
        if link == "static" {
            std::fs::remove_dir_all(root.join("static")).unwrap();
        }
        std::fs::create_dir_all(root.join(link).parent().unwrap()).unwrap();
        symlink(&target, root.join(link)).unwrap();
        if link.starts_with("themes/") {
            let theme = link.split('/').nth(1).unwrap();
            let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
            std::fs::write(root.join("site.yaml"), format!("{yaml}theme: {theme}\n")).unwrap();
        }
        let out = dir.path().join("public");
        let (code, stderr) = build_into(&root, &out);
        assert_eq!(code, 1, "{link}: {stderr}");
        let said = format!("`{link}` is a symlink to `");
        assert!(
            stderr.contains(&said) && stderr.contains("outside the site"),
            "{link}: no refusal in:\n{stderr}"
        );
        assert!(
            stderr.contains(&format!("--> {link}\n")),
            "{link}: not placed:\n{stderr}"
        );
        assert!(!out.exists(), "{link}: a refused build wrote output");
    }
}

#[test]
fn a_symlinked_folder_inside_the_site_is_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    // The digests live elsewhere in the site; content/digests points at them.
    std::fs::rename(root.join("content/digests"), root.join("archive")).unwrap();
    symlink("../archive", root.join("content/digests")).unwrap();
    put(
        &root,
        "assets/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    symlink("../assets", root.join("static/img")).unwrap();
    symlink("../assets/logo.svg", root.join("static/logo.svg")).unwrap();
    let out = dir.path().join("public");
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        out.join("digests/2024-01-01-d/index.html").is_file(),
        "{stderr}"
    );
    assert!(out.join("digests/2024-01-02-d/index.html").is_file());
    assert!(out.join("img/logo.svg").is_file() && out.join("logo.svg").is_file());
}

#[test]
fn broken_symlinks_and_loops_are_reported_never_skipped_in_silence() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    symlink(
        "missing.md",
        root.join("content/digests/2024/2024-01-05-gone.md"),
    )
    .unwrap();
    symlink("..", root.join("static/css/up")).unwrap();
    let out = dir.path().join("public");
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: `content/digests/2024/2024-01-05-gone.md` is a broken symlink"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: `static/css/up` is a symlink loop"),
        "{stderr}"
    );
    let (code, stderr) = run(
        &root,
        &[
            "build",
            "--deny-warnings",
            "--output",
            &out.display().to_string(),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn the_theme_is_a_name_under_themes_never_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    put(dir.path(), "outside/templates/base.html", "stolen\n");
    for theme in [
        "../../outside",
        "../outside",
        "/etc",
        ".hidden",
        "a/b",
        "..\\\\x",
    ] {
        let _ = std::fs::remove_dir_all(&root);
        site(&root);
        let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
        std::fs::write(
            root.join("site.yaml"),
            format!("{yaml}theme: \"{theme}\"\n"),
        )
        .unwrap();
        let out = dir.path().join("public");
        let (code, stderr) = build_into(&root, &out);
        assert_eq!(code, 1, "{theme}: {stderr}");
        assert!(stderr.contains("is not a theme name"), "{theme}: {stderr}");
        assert!(stderr.contains("--> site.yaml:3:8"), "{theme}: {stderr}");
        assert!(!out.exists());
    }
}

// ---------------------------------------------------------------------------
// Script injection

/// Replaces the first digest's body with `body` (its front matter kept).
fn set_body(root: &Path, body: &str) -> String {
    let rel = "content/digests/2024/2024-01-01-d.md";
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let matter_end = text.match_indices("---\n").nth(1).unwrap().0 + 4;
    std::fs::write(root.join(rel), format!("{}{body}", &text[..matter_end])).unwrap();
    rel.to_string()
}

#[test]
fn safe_html_cannot_be_forged_with_the_placeholder_characters() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("{yaml}safe_html: true\n")).unwrap();
    let f = "\u{E000}0\u{E001}";
    set_body(
        &root,
        &format!(
            "Hi {f} [Anna](actor:anna) <a title=\"{f}\" onfocus=\"alert(1)\" autofocus href=\"#\">x</a> {f}1{f} <img src=x onerror=alert(2)>\n\n<p title='{f}'>{f}</p>\n"
        ),
    );
    let out = dir.path().join("public");
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 0, "{stderr}");
    for page in [
        "digests/2024-01-01-d/index.html",
        "atom.xml",
        "actors/anna/atom.xml",
    ] {
        let text = std::fs::read_to_string(out.join(page)).unwrap();
        for bad in ["onfocus", "onerror", "alert(", "autofocus"] {
            assert!(!text.contains(bad), "{page} carries `{bad}`");
        }
    }
    let page = std::fs::read_to_string(out.join("digests/2024-01-01-d/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&page);
    let links = scraper::Selector::parse("article a.ref-actor, main a.ref-actor").unwrap();
    assert_eq!(
        doc.select(&links).count(),
        1,
        "storia's own link is kept once"
    );
}

#[test]
fn comments_are_not_published_and_an_unclosed_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    set_body(
        &root,
        "Pubblico. <!-- nota interna: la fonte anonima è X -->\n\n<!--\nriservato\n-->\n\nFine.\n",
    );
    let out = dir.path().join("public");
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 0, "{stderr}");
    for page in [
        "digests/2024-01-01-d/index.html",
        "atom.xml",
        "search/index.json",
    ] {
        let Ok(text) = std::fs::read_to_string(out.join(page)) else {
            continue;
        };
        assert!(
            !text.contains("nota interna") && !text.contains("riservato"),
            "{page}"
        );
    }
    let page = std::fs::read_to_string(out.join("digests/2024-01-01-d/index.html")).unwrap();
    assert!(page.contains("Fine.") && !page.contains("<!--"));
    // Unclosed, it would hide the rest of the page: an error where it opens.
    let rel = set_body(
        &root,
        "Pubblico.\n\nSecondo paragrafo <span>ok</span>.\n\n<!-- nota\n\nFine.\n",
    );
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error: unclosed HTML comment `<!--`"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("--> {rel}:11:1")), "{stderr}");
}

#[test]
fn links_to_javascript_vbscript_and_data_are_errors_without_safe_html() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    let rel = set_body(
        &root,
        "[uno](javascript:alert(1))\n\n[due](VBScript:x) ![tre](data:image/svg+xml,<svg/onload=alert(1)>)\n\n<javascript:alert(3)>\n",
    );
    let out = dir.path().join("public");
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 1, "{stderr}");
    for (place, scheme) in [
        (":7:7", "javascript"),
        (":9:7", "vbscript"),
        (":9:26", "data"),
        (":11:2", "javascript"),
    ] {
        assert!(
            stderr.contains(&format!("{rel}{place}")),
            "no {place} in:\n{stderr}"
        );
        assert!(
            stderr.contains(&format!("link to a `{scheme}:` URL")),
            "{stderr}"
        );
    }
    assert!(!out.exists());
}

// ---------------------------------------------------------------------------
// Well-formed output

#[test]
fn control_characters_pasted_or_escaped_are_refused_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    let rel = set_body(&root, "Testo incollato\u{b} da Word.\n\nFine\u{1}.\n");
    // serde_yaml stops at a file's first bad value: one per file.
    for (id, yaml) in [
        ("boris", "name: \"Boris\\0\""),
        ("carla", "name: \"Carla\"\nrole: \"Capo\\e[31m\""),
        (
            "dario",
            "name: \"Dario\"\nextra:\n  note: [\"ok\", \"a\\x07\"]",
        ),
    ] {
        put(
            &root,
            &format!("content/actors/{id}.md"),
            &format!("---\n{yaml}\n---\n"),
        );
    }
    let out = dir.path().join("public");
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 1, "{stderr}");
    for (place, name) in [
        (format!("{rel}:7:16"), "U+000B"),
        (format!("{rel}:9:5"), "U+0001"),
        ("content/actors/boris.md:2:7".into(), "U+0000"),
        ("content/actors/carla.md:3:7".into(), "U+001B"),
        ("content/actors/dario.md:4:16".into(), "U+0007"),
    ] {
        assert!(stderr.contains(&place), "no {place} in:\n{stderr}");
        assert!(stderr.contains(name), "no {name} in:\n{stderr}");
    }
    assert!(
        !stderr.contains('\u{1b}'),
        "diagnostics must not carry the raw character"
    );
    assert!(!out.exists());
}

/// Every `.xml` and `.json` file under `out` parses; returns how many.
fn all_parse(out: &Path) -> usize {
    let mut n = 0;
    for e in walkdir::WalkDir::new(out) {
        let e = e.unwrap();
        let path = e.path();
        let text = || std::fs::read_to_string(path).unwrap();
        match path.extension().and_then(|x| x.to_str()) {
            Some("xml") => {
                roxmltree::Document::parse(&text())
                    .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
                n += 1;
            }
            Some("json" | "webmanifest") => {
                serde_json::from_str::<serde_json::Value>(&text())
                    .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
                n += 1;
            }
            _ => {}
        }
    }
    n
}

#[test]
fn every_xml_and_json_file_storia_writes_parses() {
    for name in ["basic", "languages"] {
        let b = build(name, &["--drafts"]).ok();
        assert!(all_parse(&b.out) > 5, "{name}");
    }
    // Text at the edges of what XML allows: U+0085, U+2028, astral letters, `]]>`.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    put(
        &root,
        "content/digests/2024/2024-01-03-edge.md",
        "---\ntitle: \"A\\u0085B\\u2028C 𝔄 ]]> <x> & \\\"q\\\"\"\ndate: 2024-01-03\nactors: [anna]\nstory: vertice\nsummary: \"\\t\\u00a0]]>\"\n---\nBody ]]> with `<code>` and \u{2029} and 🜂.\n",
    );
    let out = dir.path().join("public");
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 0, "{stderr}");
    assert!(all_parse(&out) > 5);
}

#[test]
fn build_and_check_apply_one_url_rule() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    for (url, ok) in [
        ("https://example.org/a", true),
        ("HTTPS://Example.org/a?b=c#d", true),
        ("https://it.wikipedia.org/wiki/Città", true),
        ("http://[::1]:8080/x", true),
        ("https://host/with spaces", false),
        ("https:/host", false),
        ("https:host", false),
        ("https:///path", false),
        ("https://", false),
        ("ftp://example.org/", false),
        ("example.org", false),
        ("https://exa\\tmple.org/", false),
    ] {
        let _ = std::fs::remove_dir_all(&root);
        site(&root);
        put(
            &root,
            "content/sources/ansa.md",
            &format!("---\nname: \"ANSA\"\nurl: \"{url}\"\n---\n"),
        );
        let out = dir.path().join("public");
        let (built, stderr) = build_into(&root, &out);
        assert_eq!(built == 0, ok, "build of {url}: {stderr}");
        let (checked, stderr) = run(&root, &["check", "--quiet"]);
        assert_eq!(checked == 0, ok, "check of {url}: {stderr}");
        if !ok {
            assert!(
                stderr.contains("content/sources/ansa.md:3:"),
                "{url}: {stderr}"
            );
        }
    }
}

#[test]
fn base_urls_refuse_control_characters_queries_and_fragments() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    let out = dir.path().join("public").display().to_string();
    for bad in [
        "https://example.org/\nDisallow: /",
        "https://example.org/\r\nX: y",
        "https://example.org/ x",
        "https://example.org/?preview=1",
        "https://example.org/#top",
        "https:/example.org",
    ] {
        let (code, stderr) = run(&root, &["build", "--output", &out, "--base-url", bad]);
        assert_eq!(code, 2, "--base-url {bad:?}: {stderr}");
        assert!(stderr.contains("invalid `--base-url`"), "{stderr}");
        assert!(stderr.contains("= help: "), "{stderr}");
        assert!(!stderr.contains('\r'), "{stderr:?}");
        let yaml = format!(
            "title: \"Safety\"\nbase_url: \"{}\"\n",
            bad.replace('\n', "\\n").replace('\r', "\\r")
        );
        std::fs::write(root.join("site.yaml"), yaml).unwrap();
        let (code, stderr) = run(&root, &["build", "--output", &out]);
        assert_eq!(code, 1, "base_url {bad:?}: {stderr}");
        assert!(stderr.contains("--> site.yaml:2:11"), "{stderr}");
        site(&root);
    }
    assert!(!Path::new(&out).exists());
}

// ---------------------------------------------------------------------------
// Linear time and memory (the timings are in benches/hostile.sh)

#[test]
fn many_diagnostics_of_one_kind_are_grouped_and_verbose_shows_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    // 300 unknown actors on one long line: a window of the line each, ten shown.
    let rel = set_body(&root, &format!("{}\n", "[x](actor:putn) ".repeat(300)));
    let out = dir.path().join("public");
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.matches("error: unknown actor `putn`").count(),
        10,
        "{stderr}"
    );
    assert!(
        stderr.contains("error: … and 290 more of this kind: unknown actor `…` (300 in all; `--verbose` shows every one)"),
        "{stderr}"
    );
    assert!(stderr.contains("the build failed with 300 errors"));
    assert!(
        stderr.lines().all(|l| l.chars().count() < 200),
        "a whole line quoted"
    );
    assert!(
        !stderr.contains(&format!("{rel}:7:4795")),
        "the last one is counted, not shown"
    );
    let (code, stderr) = run(
        &root,
        &["build", "--verbose", "--output", &out.display().to_string()],
    );
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("error: unknown actor `putn`").count(), 300);
    // Warnings too: 120 quotes without a citation.
    let quotes: String = (0..120)
        .map(|i| format!("  - {{id: q{i}, by: anna, text: \"t\"}}\n"))
        .collect();
    put(
        &root,
        "content/digests/2024/2024-01-01-d.md",
        &format!("---\ntitle: \"Q\"\ndate: 2024-01-01\nstory: vertice\nactors: [anna]\nquotes:\n{quotes}---\nText.\n"),
    );
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("warning: quote `").count(), 10, "{stderr}");
    assert!(
        stderr.contains("warning: … and 110 more of this kind"),
        "{stderr}"
    );
    let (_, stderr) = run(
        &root,
        &["build", "-v", "--output", &out.display().to_string()],
    );
    assert_eq!(stderr.matches("warning: quote `").count(), 120);
    let (_, stderr) = run(&root, &["check", "--verbose"]);
    assert_eq!(stderr.matches("warning: quote `").count(), 120, "{stderr}");
}

#[test]
fn thousands_of_identical_headings_get_distinct_ids_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    set_body(
        &root,
        &format!("## same-2\n\n{}", "## same\n\n".repeat(2000)),
    );
    let out = dir.path().join("public");
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(out.join("digests/2024-01-01-d/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&page);
    let sel = scraper::Selector::parse("h2[id^=same]").unwrap();
    let ids: Vec<&str> = doc
        .select(&sel)
        .filter_map(|h| h.value().attr("id"))
        .collect();
    let mut want = vec!["same-2".to_string(), "same".into(), "same-1".into()];
    want.extend((3..=2000).map(|n| format!("same-{n}")));
    assert_eq!(ids.len(), want.len());
    let differ = ids.iter().zip(&want).position(|(a, b)| a != b);
    assert_eq!(differ, None, "{:?}", differ.map(|i| (ids[i], &want[i])));
}

#[test]
fn structure_nested_past_the_limit_is_an_error_where_it_passes_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site(&root);
    let out = dir.path().join("public");
    for body in ["* ".repeat(50_000) + "x\n", "> ".repeat(50_000) + "x\n"] {
        let rel = set_body(&root, &body);
        let (code, stderr) = build_into(&root, &out);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("nested more than 100 deep"), "{stderr}");
        assert!(stderr.contains(&format!("--> {rel}:7:")), "{stderr}");
    }
    // Within the limit, it builds.
    set_body(&root, &("* ".repeat(40) + "x\n"));
    let (code, stderr) = build_into(&root, &out);
    assert_eq!(code, 0, "{stderr}");
}
