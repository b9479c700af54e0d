//! One build finds every mistake: sites written the way a new editor
//! writes them, each with several slips, must report all of them at once,
//! each at its file, line and column, with the offending value and a help.

use std::process::Command;

/// One diagnostic as printed: its message, place, source line and help.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Printed {
    message: String,
    place: String,
    line: String,
    help: String,
}

/// Writes `files` (path, text) into a new site and runs `storia ARGS` in it.
fn run(files: &[(&str, &str)], args: &[&str]) -> (i32, String, Vec<Printed>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let mut all = vec![(
        "site.yaml",
        "title: \"Test\"\nbase_url: \"https://example.org/\"\nlanguage: it\n",
    )];
    all.extend_from_slice(files);
    for (path, text) in all {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_storia"));
    command.args(args).arg("--root").arg(&root);
    if args == ["build"] {
        command.arg("--output").arg(dir.path().join("public"));
    }
    let output = command.stdin(std::process::Stdio::null()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        output.status.code().unwrap_or(-1),
        stderr.clone(),
        parse(&stderr),
    )
}

fn build(files: &[(&str, &str)]) -> Vec<Printed> {
    let (code, stderr, printed) = run(files, &["build"]);
    assert_eq!(code, 1, "{stderr}");
    printed
}

/// Splits rustc-style diagnostics into their parts.
fn parse(stderr: &str) -> Vec<Printed> {
    let mut out = Vec::new();
    for block in stderr.split("\n\n") {
        let mut lines = block.lines();
        let Some(message) = lines.next().and_then(|l| l.strip_prefix("error: ")) else {
            continue;
        };
        let mut p = Printed {
            message: message.to_string(),
            place: String::new(),
            line: String::new(),
            help: String::new(),
        };
        for l in lines {
            let t = l.trim_start();
            if let Some(place) = t.strip_prefix("--> ") {
                p.place = place.to_string();
            } else if let Some(help) = t.strip_prefix("= help: ") {
                p.help = help.to_string();
            } else if let Some((_, text)) = t.split_once(" | ") {
                if p.line.is_empty() && t.starts_with(|c: char| c.is_ascii_digit()) {
                    p.line = text.to_string();
                }
            }
        }
        if !p.place.is_empty() {
            out.push(p);
        }
    }
    out
}

/// The diagnostic at `place`, which must exist.
fn at<'a>(printed: &'a [Printed], place: &str) -> &'a Printed {
    printed
        .iter()
        .find(|p| p.place == place)
        .unwrap_or_else(|| panic!("nothing at {place}: {printed:#?}"))
}

const ACTORS: [(&str, &str); 3] = [
    (
        "content/actors/putin.md",
        "---\nname: \"Vladimir Putin\"\n---\n",
    ),
    (
        "content/actors/lukashenko.md",
        "---\nname: \"Alexander Lukashenko\"\n---\n",
    ),
    (
        "content/sources/isw.md",
        "---\nname: \"Institute for the Study of War\"\nkind: think-tank\n---\n",
    ),
];

const FIVE_MISTAKES: &str = "---
title: \"Perché Lukashenko non aiuterà Putin\"
date: 2022-13-20
autors: [\"Ida Artiaco\"]
actors: [putin, lukashenko]
sources:
  - id: isw-2022-12-20
    source: isw
    url: htps://www.understandingwar.org/backgrounder/december-20
quotes:
  - id: lukashenko-cuneo
    by: lukashenkoo
    text: \"Non ci riuscirà.\"
    cite: isw-2022-12-20
---
[Putin](actor:putin) è arrivato a Minsk ([chi siamo](pgae:chi-siamo)).

![](quote:lukashenko-cuneo)
";

#[test]
fn a_digest_with_five_mistakes_reports_all_five_in_one_build() {
    let mut files = ACTORS.to_vec();
    files.push((
        "content/pages/chi-siamo.md",
        "---\ntitle: \"Chi siamo\"\n---\n",
    ));
    files.push(("content/digests/2022-12-20-minsk.md", FIVE_MISTAKES));
    let printed = build(&files);
    let file = "content/digests/2022-12-20-minsk.md";
    let date = at(&printed, &format!("{file}:3:7"));
    assert_eq!(date.message, "`2022-13-20` is not a real date");
    assert_eq!(date.line, "date: 2022-13-20");
    let key = at(&printed, &format!("{file}:4:1"));
    assert_eq!(key.message, "unknown key `autors` in digest front matter");
    assert!(key.help.starts_with("did you mean `authors`?"), "{key:?}");
    let url = at(&printed, &format!("{file}:9:10"));
    assert!(
        url.message
            .contains("`htps://www.understandingwar.org/backgrounder/december-20`"),
        "{url:?}"
    );
    let by = at(&printed, &format!("{file}:12:9"));
    assert_eq!(by.message, "unknown actor or source `lukashenkoo`");
    assert_eq!(by.help, "did you mean `lukashenko`?");
    assert_eq!(printed.len(), 4, "{printed:#?}");
}

#[test]
fn a_yaml_syntax_error_hides_only_the_front_matter() {
    let mut files = ACTORS.to_vec();
    files.push((
        "content/digests/a.md",
        "---\ntitle: \"Minsk\"\ndate: 2022-12-20\nactors: [putin\n---\nCon [Putin](actor:putn) e [ISW](soruce:isw).\n",
    ));
    let printed = build(&files);
    assert!(
        printed[0].message.starts_with("invalid YAML: "),
        "{printed:#?}"
    );
    let body = at(&printed, "content/digests/a.md:6:19");
    assert_eq!(body.message, "unknown actor `putn`");
    assert_eq!(body.help, "did you mean `putin`?");
    let scheme = at(&printed, "content/digests/a.md:6:33");
    assert_eq!(scheme.message, "unknown reference kind `soruce:`");
    assert_eq!(printed.len(), 3, "{printed:#?}");
}

#[test]
fn every_item_of_every_list_is_checked() {
    let mut files = ACTORS.to_vec();
    files.push((
        "content/digests/a.md",
        "---
title: \"Minsk\"
date: 2022-12-20
actors: [putin, Lukashenko, nobody]
quotes:
  - id: q1
    by: putn
    text: \"Uno\"
    said: 2022-02-30
  - id: Q2
    by: lukashenko
  - id: q3
    by: isw
    text: \"Tre\"
    cite: nowhere
---
Testo.
",
    ));
    let printed = build(&files);
    let file = "content/digests/a.md";
    let expect = [
        (
            "4:17",
            "invalid id `Lukashenko`: ids use only `a-z`, `0-9` and `-`",
        ),
        ("4:29", "unknown actor `nobody`"),
        ("7:9", "unknown actor or source `putn`"),
        ("9:11", "`2022-02-30` is not a real date"),
        ("10:9", "invalid id `Q2`: ids use only `a-z`, `0-9` and `-`"),
        ("10:5", "missing required key `text` in a quote"),
        ("15:11", "unknown citation `nowhere`"),
    ];
    for (place, message) in expect {
        assert_eq!(at(&printed, &format!("{file}:{place}")).message, message);
    }
    assert_eq!(printed.len(), expect.len(), "{printed:#?}");
}

#[test]
fn every_file_reports_its_own_mistakes() {
    let printed = build(&[
        (
            "content/actors/putin.md",
            "---\nname: ~\nkind: persn\nwikidata: q7747\n---\n",
        ),
        (
            "content/sources/isw.md",
            "---\nname: \"ISW\"\nurl: www.understandingwar.org\nlang: english\n---\n",
        ),
        (
            "content/stories/guerra.md",
            "---\ntitel: \"Guerra\"\nstarted: 24/02/2022\n---\n",
        ),
    ]);
    let places: Vec<&str> = printed.iter().map(|p| p.place.as_str()).collect();
    assert_eq!(
        places,
        [
            "content/actors/putin.md:2:7",
            "content/actors/putin.md:3:7",
            "content/actors/putin.md:4:11",
            "content/sources/isw.md:3:6",
            "content/sources/isw.md:4:7",
            "content/stories/guerra.md:2:1",
            "content/stories/guerra.md:3:10",
        ],
        "{printed:#?}"
    );
    assert_eq!(printed[1].help, "did you mean `person`?");
    assert_eq!(printed[4].help, "did you mean `en`?");
}

#[test]
fn locating_many_unknown_ids_in_one_file_is_linear() {
    // 20,000 unknown actors in one list: each is located through one walk
    // of the front matter, not one walk per id (which took minutes).
    let ids: String = (0..20_000).map(|i| format!("  - nobody{i}\n")).collect();
    let digest = format!("---\ntitle: x\ndate: 2022-12-20\nactors:\n{ids}---\n");
    let mut files = ACTORS.to_vec();
    files.push(("content/digests/a.md", &digest));
    let printed = build(&files);
    assert_eq!(printed.len(), 20_000);
    assert_eq!(printed[19_999].place, "content/digests/a.md:20004:5");
    assert_eq!(printed[19_999].line, "  - nobody19999");
}

#[test]
fn check_reports_what_build_reports() {
    let mut files = ACTORS.to_vec();
    files.push((
        "content/pages/chi-siamo.md",
        "---\ntitle: \"Chi siamo\"\n---\n",
    ));
    files.push(("content/digests/2022-12-20-minsk.md", FIVE_MISTAKES));
    let built = build(&files);
    let (code, stderr, checked) = run(&files, &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(checked, built);
}
