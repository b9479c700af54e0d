//! The editor experience: JSON Schemas that agree with the parser on every
//! fixture, `storia new` files that build, quotes added without touching the
//! rest of a file, completions and man pages, `storia stats` counts checked
//! against the fixtures' own front matter, and exit codes.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use storia::entity::EntityKind;
use storia::schema::{Checker, SchemaKind};

fn storia(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn example_site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every content file of a site with the schema kind it must match.
fn content_files(root: &Path) -> Vec<(SchemaKind, PathBuf)> {
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(root.join("content")).sort_by_file_name() {
        let e = e.unwrap();
        if !e.file_type().is_file() || e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = e.path().strip_prefix(root.join("content")).unwrap();
        let kind = match rel.components().next().unwrap().as_os_str().to_str() {
            Some("digests") => SchemaKind::FrontMatter(EntityKind::Digest),
            Some("actors") => SchemaKind::FrontMatter(EntityKind::Actor),
            Some("sources") => SchemaKind::FrontMatter(EntityKind::Source),
            Some("stories") => SchemaKind::FrontMatter(EntityKind::Story),
            Some("pages") => SchemaKind::FrontMatter(EntityKind::Page),
            other => panic!("unexpected folder {other:?}"),
        };
        files.push((kind, e.path().to_path_buf()));
    }
    files
}

fn front_matter(text: &str) -> &str {
    let rest = text.strip_prefix("---\n").expect("front matter");
    &rest[..rest.find("\n---\n").expect("closed") + 1]
}

fn yaml_of(path: &Path) -> serde_yaml::Value {
    serde_yaml::from_str(front_matter(&std::fs::read_to_string(path).unwrap())).unwrap()
}

#[test]
fn every_fixture_and_example_file_matches_its_schema_and_a_typo_does_not() {
    let mut checked = 0;
    for root in [fixture("basic"), example_site()] {
        let site = Checker::new(SchemaKind::Site);
        let text = std::fs::read_to_string(root.join("site.yaml")).unwrap();
        assert_eq!(site.problems(&text), Vec::new(), "{}", root.display());
        for (kind, path) in content_files(&root) {
            let text = std::fs::read_to_string(&path).unwrap();
            let problems = Checker::new(kind).problems(front_matter(&text));
            assert!(problems.is_empty(), "{}: {problems:?}", path.display());
            checked += 1;
            // The same file with a misspelt key must fail.
            let planted = front_matter(&text).replacen(
                match kind {
                    SchemaKind::FrontMatter(EntityKind::Actor)
                    | SchemaKind::FrontMatter(EntityKind::Source) => "name:",
                    _ => "title:",
                },
                "titel:",
                1,
            );
            let problems = Checker::new(kind).problems(&planted);
            assert!(
                problems.iter().any(|(_, m)| m.contains("titel")),
                "{}: a typo passed: {problems:?}",
                path.display()
            );
        }
    }
    assert!(checked >= 30, "only {checked} files checked");
}

#[test]
fn storia_schema_writes_every_schema_with_the_sites_ids() {
    let out = tempfile::tempdir().unwrap();
    let o = storia(
        &fixture("basic"),
        &["schema", "--out", out.path().to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for kind in SchemaKind::ALL {
        assert!(out.path().join(kind.file_name()).is_file(), "{kind:?}");
    }
    let digest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("digest.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        digest.pointer("/definitions/QuoteMatter/properties/by/enum"),
        Some(&serde_json::json!(["isw", "lukashenko", "peskov", "putin"]))
    );
    assert!(digest.to_string().contains(r#"["guerra"]"#));
    // Rewriting with nothing new changes no file.
    let o = storia(
        &fixture("basic"),
        &["schema", "--out", out.path().to_str().unwrap()],
    );
    assert!(
        stderr(&o).starts_with("0 schemas written"),
        "{}",
        stderr(&o)
    );
}

fn new_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = storia(dir.path(), &["init", "site"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

#[test]
fn init_writes_schemas_and_editor_settings_and_new_files_build() {
    let dir = new_site();
    let site = dir.path().join("site");
    for f in [
        "schemas/digest.schema.json",
        "schemas/site.schema.json",
        ".vscode/settings.json",
        ".remarkrc.mjs",
    ] {
        assert!(site.join(f).is_file(), "{f}");
    }
    let ok = |args: &[&str]| {
        let o = storia(&site, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    ok(&["new", "actor", "--title", "Aljaksandr Lukašenka"]);
    ok(&[
        "new",
        "source",
        "isw",
        "--title",
        "Institute for the Study of War",
    ]);
    ok(&["new", "story", "--title", "Guerra in Ucraina"]);
    let path = ok(&[
        "new",
        "digest",
        "--title",
        "Vertice a Minsk: è finita?",
        "--date",
        "2022-12-20",
        "--story",
        "guerra-in-ucraina",
        "--actors",
        "aljaksandr-lukasenka,jane-doe",
    ]);
    assert_eq!(
        path,
        "content/digests/2022/12/2022-12-20-vertice-a-minsk-e-finita.md"
    );
    let text = std::fs::read_to_string(site.join(&path)).unwrap();
    assert!(
        text.starts_with("---\ntitle: \"Vertice a Minsk: è finita?\"\ndate: 2022-12-20\nstory: guerra-in-ucraina\nactors: [aljaksandr-lukasenka, jane-doe]\n"),
        "{text}"
    );
    // Refuses to overwrite.
    let o = storia(
        &site,
        &[
            "new",
            "digest",
            "--title",
            "Vertice a Minsk: è finita?",
            "--date",
            "2022-12-20",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    // Unknown ids are refused with a suggestion.
    let o = storia(
        &site,
        &["new", "digest", "--title", "x", "--actors", "jane-do"],
    );
    assert!(
        stderr(&o).contains("did you mean `jane-doe`?"),
        "{}",
        stderr(&o)
    );

    let b = build_site(&site, &["--drafts"]).ok();
    assert!(b.exists("digests/2022-12-20-vertice-a-minsk-e-finita/index.html"));
    assert!(b.exists("actors/aljaksandr-lukasenka/index.html"));
    assert!(b.exists("stories/guerra-in-ucraina/index.html"));
}

#[test]
fn new_knows_the_kinds_and_prints_the_line_that_links_to_the_new_file() {
    let dir = new_site();
    let site = dir.path().join("site");
    let run = |args: &[&str]| {
        let o = storia(&site, args);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr(&o),
        )
    };
    let (code, out, err) = run(&[
        "new",
        "actor",
        "onu",
        "--title",
        "Nazioni Unite [ONU]",
        "--kind",
        "organization",
        "--role",
        "Organizzazione internazionale",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "content/actors/onu.md\n");
    assert_eq!(
        err,
        "created actor `onu`; to link to it from a body, paste:\n\n[Nazioni Unite \\[ONU\\]](actor:onu)\n\n"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("content/actors/onu.md")).unwrap(),
        "---\nname: \"Nazioni Unite [ONU]\"\nkind: organization\nrole: \"Organizzazione internazionale\"\n---\n"
    );
    let (code, _, err) = run(&[
        "new",
        "source",
        "isw",
        "--title",
        "Institute for the Study of War",
        "--kind",
        "think-tank",
        "--url",
        "https://www.understandingwar.org",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        std::fs::read_to_string(site.join("content/sources/isw.md")).unwrap(),
        "---\nname: \"Institute for the Study of War\"\nkind: think-tank\nurl: https://www.understandingwar.org\n---\n"
    );
    let (code, out, err) = run(&["new", "page", "--title", "Chi siamo"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "content/pages/chi-siamo.md\n");
    assert!(err.ends_with("\n\n[Chi siamo](/chi-siamo/)\n\n"), "{err}");
    let (code, out, err) = run(&[
        "new",
        "digest",
        "--title",
        "Il vertice",
        "--date",
        "2024-02-01",
        "--actors",
        "onu",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "content/digests/2024/02/2024-02-01-il-vertice.md\n");
    assert_eq!(
        err,
        "created digest `2024-02-01-il-vertice` (a draft: remove `draft: true` to publish it); \
         to link to it from a body, paste:\n\n[Il vertice](digest:2024-02-01-il-vertice)\n\n"
    );
    let (code, _, err) = run(&[
        "new",
        "quote",
        "--digest",
        "2024-01-15-first-digest",
        "--by",
        "onu",
        "--text",
        "Basta guerre.",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err,
        "added quote `onu-basta-guerre` to digest `2024-01-15-first-digest`; to embed it in a body, paste:\n\n![](quote:onu-basta-guerre)\n\n"
    );
    // What was printed works when pasted into bodies.
    let digest = site.join("content/digests/2024/01/2024-01-15-first-digest.md");
    let text = std::fs::read_to_string(&digest).unwrap();
    std::fs::write(
        &digest,
        format!("{text}\n[Nazioni Unite](actor:onu), [ISW](source:isw).\n\n![](quote:onu-basta-guerre)\n"),
    )
    .unwrap();
    let b = build_site(&site, &[]).ok();
    let html = b.read("digests/2024-01-15-first-digest/index.html");
    assert!(html.contains("id=\"q-onu-basta-guerre\""), "{html}");
    assert!(b.exists("chi-siamo/index.html"));

    // Mistakes: exit 1, nothing written, the accepted words listed.
    for (args, message) in [
        (
            &["new", "actor", "a", "--kind", "persn"][..],
            "error: unknown actor kind `persn`\n  = help: did you mean `person`? (actor kinds: person, organization, country, group)\n",
        ),
        (
            &["new", "source", "b", "--kind", "blog"][..],
            "error: unknown source kind `blog`\n  = help: source kinds: newspaper, agency, broadcaster, think-tank, government, social, other\n",
        ),
        (
            &["new", "source", "c", "--url", "www.example.org"][..],
            "error: `--url`: `www.example.org` is not an absolute URL\n  = help: write the whole address, starting with `https://`\n",
        ),
        (
            &["new", "actor", "d", "--url", "https://example.org"][..],
            "error: `--url` does not apply to `new actor`\n  = help: `--url` is for `new source`\n",
        ),
        (
            &["new", "story", "e", "--kind", "person"][..],
            "error: `--kind` does not apply to `new story`\n  = help: `--kind` is for `new actor` and `new source`\n",
        ),
        (
            &["new", "page", "network"][..],
            "error: page id `network` is reserved: it would collide with `/network/` of the site\n  = help: choose another id, e.g. `network-page`\n",
        ),
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, Some(1), "{args:?}");
        assert_eq!(out, "", "{args:?}");
        assert_eq!(err, message, "{args:?}");
    }
    for path in [
        "content/actors/a.md",
        "content/sources/b.md",
        "content/sources/c.md",
        "content/actors/d.md",
        "content/stories/e.md",
        "content/pages/network.md",
    ] {
        assert!(!site.join(path).exists(), "{path}");
    }
}

#[test]
fn new_quote_appends_to_the_list_and_keeps_every_other_byte() {
    let dir = new_site();
    let site = dir.path().join("site");
    let rel = "content/digests/2024/01/2024-01-15-first-digest.md";
    // CRLF and a comment must survive.
    let before = std::fs::read_to_string(site.join(rel))
        .unwrap()
        .replace("tags: [example]\n", "tags: [example]  # keep me\n")
        .replace('\n', "\r\n");
    std::fs::write(site.join(rel), &before).unwrap();
    let add = |text: &str| {
        storia(
            &site,
            &[
                "new",
                "quote",
                "--digest",
                "2024-01-15-first-digest",
                "--by",
                "jane-doe",
                "--text",
                text,
                "--said",
                "2024-01-14",
                "--cite",
                "example-report",
            ],
        )
    };
    let o = add("«Nothing» is decided yet, she said");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), rel);
    assert!(
        stderr(&o).contains("`jane-doe-nothing-is-decided`"),
        "{}",
        stderr(&o)
    );
    let o = add("Nothing is decided.");
    assert!(
        stderr(&o).contains("`jane-doe-nothing-is-decided-2`"),
        "{}",
        stderr(&o)
    );
    let after = std::fs::read_to_string(site.join(rel)).unwrap();
    let added = "    cite: example-report\r\n  - id: jane-doe-nothing-is-decided\r\n    by: jane-doe\r\n    text: \"«Nothing» is decided yet, she said\"\r\n    said: 2024-01-14\r\n    cite: example-report\r\n  - id: jane-doe-nothing-is-decided-2\r\n    by: jane-doe\r\n    text: \"Nothing is decided.\"\r\n    said: 2024-01-14\r\n    cite: example-report\r\n---";
    assert_eq!(
        after,
        before.replacen("    cite: example-report\r\n---", added, 1)
    );
    // Unknown digest and speaker: a clear error with a suggestion.
    let o = storia(
        &site,
        &[
            "new",
            "quote",
            "--digest",
            "2024-01-15-first-digst",
            "--by",
            "jane-doe",
            "--text",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown digest `2024-01-15-first-digst`"));
    assert!(stderr(&o).contains("did you mean `2024-01-15-first-digest`?"));
    let o = storia(
        &site,
        &[
            "new",
            "quote",
            "--digest",
            "2024-01-15-first-digest",
            "--by",
            "jane",
            "--text",
            "x",
        ],
    );
    assert!(
        stderr(&o).contains("unknown actor or source `jane`"),
        "{}",
        stderr(&o)
    );
    // Missing flags are a usage error.
    let o = storia(
        &site,
        &["new", "quote", "--digest", "2024-01-15-first-digest"],
    );
    assert_eq!(o.status.code(), Some(2));
    build_site(&site, &[]).ok();
}

#[test]
fn completions_and_man_pages_are_generated_from_the_cli() {
    let here = example_site();
    for shell in ["bash", "zsh", "fish"] {
        let o = storia(&here, &["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&o.stdout);
        for word in ["build", "check", "stats", "drafts"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let o = storia(&here, &["man"]);
    let page = String::from_utf8_lossy(&o.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH storia"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    let o = storia(&here, &["man", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for page in [
        "storia.1",
        "storia-build.1",
        "storia-new.1",
        "storia-stats.1",
    ] {
        assert!(dir.path().join(page).is_file(), "{page}");
    }
}

#[test]
fn stats_json_matches_counts_taken_from_the_example_files() {
    let root = example_site();
    let o = storia(&root, &["stats", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stats: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();

    let (mut digests, mut quotes, mut citations, mut uncited) = (0, 0, 0, 0);
    let mut per_story: std::collections::BTreeMap<String, u64> = Default::default();
    let mut per_month: std::collections::BTreeMap<String, u64> = Default::default();
    let mut quoted: std::collections::BTreeMap<String, u64> = Default::default();
    for (kind, path) in content_files(&root) {
        let fm = yaml_of(&path);
        if kind != SchemaKind::FrontMatter(EntityKind::Digest)
            || fm["draft"].as_bool() == Some(true)
        {
            continue;
        }
        digests += 1;
        let date = fm["date"].as_str().unwrap();
        *per_month.entry(date[..7].to_string()).or_default() += 1;
        let stories: Vec<String> = match &fm["story"] {
            serde_yaml::Value::String(s) => vec![s.clone()],
            serde_yaml::Value::Sequence(s) => {
                s.iter().map(|v| v.as_str().unwrap().to_string()).collect()
            }
            _ => Vec::new(),
        };
        for s in stories {
            *per_story.entry(s).or_default() += 1;
        }
        let qs = fm["quotes"].as_sequence().cloned().unwrap_or_default();
        quotes += qs.len();
        uncited += qs.iter().filter(|q| q.get("cite").is_none()).count();
        for q in &qs {
            *quoted
                .entry(q["by"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        citations += fm["sources"].as_sequence().map_or(0, |s| s.len());
    }
    let totals = &stats["totals"];
    assert_eq!(totals["digests"], digests);
    assert_eq!(totals["quotes"], quotes);
    assert_eq!(totals["citations"], citations);
    assert_eq!(
        totals["actors"],
        content_files(&root)
            .iter()
            .filter(|(k, _)| *k == SchemaKind::FrontMatter(EntityKind::Actor))
            .count()
    );
    assert_eq!(
        stats["quotes_without_citation"].as_array().unwrap().len(),
        uncited
    );
    for row in stats["per_story"].as_array().unwrap() {
        if let Some(story) = row["key"].as_str() {
            assert_eq!(
                row["digests"],
                per_story.get(story).copied().unwrap_or(0),
                "{story}"
            );
        }
    }
    let months: std::collections::BTreeMap<String, u64> = stats["per_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["digests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(months, per_month);
    let top = &stats["most_quoted"][0];
    let most = quoted.values().max().copied().unwrap();
    assert_eq!(top["quotes"], most);
    assert_eq!(quoted[top["actor"].as_str().unwrap()], most);
    // And the text form says the same totals.
    let o = storia(&root, &["stats"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with(&format!("{digests} digests, ")), "{text}");
}

#[test]
fn io_failures_exit_3_and_output_has_no_colour_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let o = storia(dir.path(), &["build", "--root", "no-such-folder"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot read `no-such-folder`"),
        "{}",
        stderr(&o)
    );
    // An output folder under a regular file cannot be written.
    std::fs::write(dir.path().join("file"), "x").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(["build", "--root"])
        .arg(fixture("basic"))
        .arg("--output")
        .arg(dir.path().join("file/public"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = storia(&fixture("bad/unknown-key"), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains('\x1b'), "colour off a terminal");
}

#[test]
fn check_reports_front_matter_the_schema_rejects_once() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    let o = storia(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let actor = site.path().join("content/actors/putin.md");
    let text = std::fs::read_to_string(&actor).unwrap();
    std::fs::write(&actor, text.replacen("name:", "nome:", 1)).unwrap();
    let o = storia(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).matches("unknown key `nome`").count(),
        1,
        "{}",
        stderr(&o)
    );
}
