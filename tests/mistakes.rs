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
    if args.first() == Some(&"build") {
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
    assert_eq!(
        url.help,
        "did you mean `https://`? Links start with `https://` or `http://`"
    );
    let by = at(&printed, &format!("{file}:12:9"));
    assert_eq!(by.message, "unknown actor or source `lukashenkoo`");
    assert_eq!(by.help, "did you mean `lukashenko`?");
    let link = at(&printed, &format!("{file}:16:54"));
    assert_eq!(link.message, "unknown reference kind `pgae:`");
    assert_eq!(link.help, "did you mean `page:`?");
    assert_eq!(printed.len(), 5, "{printed:#?}");
}

#[test]
fn links_that_would_ship_broken_are_errors_in_build_and_check() {
    let mut files = ACTORS.to_vec();
    files.push((
        "content/digests/a.md",
        "---\ntitle: \"Minsk\"\ndate: 2022-12-20\nactors: [putin]\n---\n\
[Putin](actor: putin) e [Luka](Actor:lukashenko).\n\n\
Fonte: [ISW](htps://www.understandingwar.org/) e [ISW](<source :isw>).\n\n\
Scrivi a [noi](mailto:redazione@example.org), [x](irc:libera) e `[y](actor: z)`.\n",
    ));
    let printed = build(&files);
    let file = "content/digests/a.md";
    let spaced = at(&printed, &format!("{file}:6:9"));
    assert_eq!(
        spaced.message,
        "a reference cannot hold spaces: `actor: putin`"
    );
    assert_eq!(spaced.help, "write it without spaces: `actor:putin`");
    let case = at(&printed, &format!("{file}:6:32"));
    assert_eq!(case.message, "unknown reference kind `Actor:`");
    assert_eq!(case.help, "reference kinds are lower case: write `actor:`");
    let web = at(&printed, &format!("{file}:8:14"));
    assert_eq!(
        web.message,
        "unknown link scheme `htps:`: the link would lead nowhere"
    );
    assert_eq!(web.help, "did you mean `https:`?");
    let angle = at(&printed, &format!("{file}:8:57"));
    assert_eq!(
        angle.message,
        "a reference cannot hold spaces: `source :isw`"
    );
    assert_eq!(
        printed.len(),
        4,
        "mailto:, irc: and code are fine: {printed:#?}"
    );
    let (code, _, checked) = run(&files, &["check"]);
    assert_eq!((code, checked), (1, printed));
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
    // All of them with --verbose (by default a kind found this often shows ten).
    let (code, stderr, printed) = run(&files, &["build", "--verbose"]);
    assert_eq!(code, 1, "{stderr}");
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

/// The one diagnostic of a site made of `ACTORS`, a story and `digest`.
fn only(digest: &str) -> Printed {
    let mut files = ACTORS.to_vec();
    files.push(("content/stories/guerra.md", "---\ntitle: \"Guerra\"\n---\n"));
    files.push(("content/digests/a.md", digest));
    let printed = build(&files);
    assert_eq!(printed.len(), 1, "{printed:#?}");
    printed[0].clone()
}

#[test]
fn hint_a_colon_in_an_unquoted_value_asks_for_quotes() {
    let p = only("---\ntitle: Minsk: il vertice\ndate: 2022-12-20\n---\n");
    assert_eq!(p.place, "content/digests/a.md:2:13");
    assert_eq!(
        p.help,
        "the value holds `: `, which YAML reads as another key: put the value in quotes: `title: \"Minsk: il vertice\"`"
    );
}

#[test]
fn hint_quotes_inside_a_quoted_value() {
    let p = only("---\ntitle: \"Lukashenko: \"no\" alla guerra\"\ndate: 2022-12-20\n---\n");
    assert_eq!(p.place, "content/digests/a.md:2:22");
    assert_eq!(
        p.help,
        "the quotes inside the value end it early: quote the value with `'` instead: `title: 'Lukashenko: \"no\" alla guerra'`"
    );
    let p = only("---\ntitle: 'L'Europa e la guerra'\ndate: 2022-12-20\n---\n");
    assert_eq!(
        p.help,
        "the apostrophe ends the value early: write it twice inside single quotes (`title: 'L''Europa e la guerra'`), or quote the value with `\"`"
    );
}

#[test]
fn hint_commas_instead_of_a_list() {
    let mut files = ACTORS.to_vec();
    files.push((
        "content/digests/a.md",
        "---\ntitle: \"Minsk\"\ndate: 2022-12-20\nactors: putin, lukashenko\ntags: bielorussia, nato\n---\n",
    ));
    let printed = build(&files);
    let actors = at(&printed, "content/digests/a.md:4:9");
    assert_eq!(
        actors.message,
        "`putin, lukashenko` is one value with commas in it, not a list"
    );
    assert_eq!(
        actors.help,
        "write a list: `[putin, lukashenko]` (a value with a comma in it is a list of one: `[\"…, …\"]`)"
    );
    let tags = at(&printed, "content/digests/a.md:5:7");
    assert!(
        tags.help.starts_with("write a list: `[bielorussia, nato]`"),
        "{tags:?}"
    );
    assert_eq!(
        printed.len(),
        2,
        "the ids in it are read as a list: {printed:#?}"
    );
}

#[test]
fn hint_an_id_of_another_kind_says_what_it_is() {
    let mut files = ACTORS.to_vec();
    files.push(("content/stories/guerra.md", "---\ntitle: \"Guerra\"\n---\n"));
    files.push((
        "content/digests/a.md",
        "---\ntitle: \"Minsk\"\ndate: 2022-12-20\nstory: putin\nquotes:\n  - id: q1\n    by: guerra\n    text: \"Sì\"\n---\nVedi [la guerra](actor:guerra).\n",
    ));
    let printed = build(&files);
    let by = at(&printed, "content/digests/a.md:7:9");
    assert_eq!(by.message, "unknown actor or source `guerra`");
    assert_eq!(
        by.help,
        "`guerra` is a story: `by` names who said the words: an actor or a source"
    );
    let story = at(&printed, "content/digests/a.md:4:8");
    assert_eq!(
        story.help,
        "`putin` is an actor: `story` names a story, under `content/stories/`"
    );
    let link = at(&printed, "content/digests/a.md:10:24");
    assert_eq!(
        link.help,
        "`guerra` is a story: link it with `story:guerra`"
    );
}

#[test]
fn hint_content_files_not_named_md_are_errors_that_name_the_right_name() {
    let mut files = ACTORS.to_vec();
    files.extend([
        (
            "content/actors/Zelensky.MD",
            "---\nname: \"Zelensky\"\n---\n",
        ),
        (
            "content/actors/peskov.markdown",
            "---\nname: \"Peskov\"\n---\n",
        ),
        (
            "content/stories/guerra.txt",
            "---\ntitle: \"Guerra\"\n---\n",
        ),
        (
            "content/stories/appunti.txt",
            "idee per la prossima storia\n",
        ),
        ("content/actors/.putin.md.swp", "---\nname: x\n---\n"),
        ("content/actors/putin.md~", "---\nname: x\n---\n"),
        ("content/actors/foto.jpg", "not text"),
    ]);
    let printed = build(&files);
    let expect = [
        ("content/actors/Zelensky.MD", "rename it to `zelensky.md`"),
        ("content/actors/peskov.markdown", "rename it to `peskov.md`"),
        ("content/stories/guerra.txt", "rename it to `guerra.md`"),
    ];
    for (path, help) in expect {
        let p = at(&printed, path);
        assert_eq!(
            p.message,
            format!("`{path}` is not read: content files end in `.md`")
        );
        assert_eq!(p.help, help);
    }
    assert_eq!(
        printed.len(),
        3,
        "notes, leftovers and images are not content: {printed:#?}"
    );
}

#[test]
fn hint_a_misindented_key_of_a_list_item_is_pointed_at() {
    let p = only("---\ntitle: \"Minsk\"\ndate: 2022-12-20\nquotes:\n  - id: q1\n     by: putin\n    text: \"Sì\"\n---\n");
    assert_eq!(p.place, "content/digests/a.md:6:8");
    assert_eq!(p.line, "     by: putin");
    assert_eq!(
        p.help,
        "`by:` on line 6 is indented by 5 spaces, but `id:` on line 5 by 4: keys of one mapping start in the same column"
    );
    let p = only("---\ntitle: \"Minsk\"\ndate: 2022-12-20\nsources:\n  - id: isw-1\n   url: https://isw.example/\n---\n");
    assert_eq!(p.place, "content/digests/a.md:6:4");
    assert_eq!(
        p.help,
        "`url:` on line 6 is indented by 3 spaces, but `id:` on line 5 by 4: keys of one mapping start in the same column"
    );
}

#[test]
fn hint_a_key_of_a_quote_at_the_top_level() {
    let mut files = ACTORS.to_vec();
    files.push((
        "content/digests/a.md",
        "---\ntitle: \"Minsk\"\ndate: 2022-12-20\nquotes:\n  - id: q1\n    text: \"Sì\"\nby: putin\n---\n",
    ));
    let printed = build(&files);
    let by = at(&printed, "content/digests/a.md:7:1");
    assert_eq!(by.message, "unknown key `by` in digest front matter");
    assert_eq!(
        by.help,
        "`by` is a key of each quote: indent it under its item in `quotes:`, in line with the item's other keys"
    );
}

#[test]
fn hint_updated_earlier_than_date() {
    let p =
        only("---\ntitle: \"Minsk\"\ndate: 2022-12-20\nupdated: 2022-12-02\nstory: guerra\n---\n");
    assert_eq!(p.place, "content/digests/a.md:4:10");
    assert_eq!(
        p.message,
        "`updated` (2022-12-02) is earlier than `date` (2022-12-20)"
    );
    assert_eq!(
        p.help,
        "an update comes after publication: check both dates (swapped?)"
    );
}

#[test]
fn hint_a_second_front_matter_block() {
    let mut files = ACTORS.to_vec();
    files.push(("content/stories/guerra.md", "---\ntitle: \"Guerra\"\n---\n"));
    files.push((
        "content/digests/a.md",
        "---\ntitle: \"Minsk\"\n---\ndate: 2022-12-20\nstory: guerra\n---\nIl testo.\n",
    ));
    let printed = build(&files);
    let block = at(&printed, "content/digests/a.md:4:1");
    assert_eq!(
        block.message,
        "`date:` is below the front matter's closing `---` (line 3): a second `---` block is read as the body"
    );
    assert_eq!(
        block.help,
        "move these lines above the closing `---`, and remove the `---` under them"
    );
    assert_eq!(
        at(&printed, "content/digests/a.md:2:1").message,
        "missing required key `date` in digest front matter"
    );
    // A body that only looks like it (a setext heading of words) is fine.
    only("---\ntitle: \"Minsk\"\ndate: 2022-12-20\nupdated: 2022-12-01\n---\nNota: testo\n---\n");
}

#[test]
fn hint_non_breaking_spaces_in_the_indentation() {
    let p = only("---\ntitle: \"Minsk\"\ndate: 2022-12-20\nquotes:\n  - id: q1\n\u{a0}\u{a0}\u{a0}\u{a0}by: putin\n    text: \"Sì\"\n---\n");
    assert_eq!(
        p.help,
        "line 6 is indented with a non-breaking space (U+00A0), which YAML does not read as indentation: retype it with plain spaces"
    );
    let mut files = ACTORS.to_vec();
    files.push((
        "content/digests/a.md",
        "---\ntitle: \"Minsk\"\ndate: 2022-12-20\n\u{a0}\u{a0}story: guerra\n---\n",
    ));
    let printed = build(&files);
    let key = at(&printed, "content/digests/a.md:4:1");
    assert_eq!(
        key.message,
        "the line of `story` is indented with a non-breaking space (U+00A0), which YAML reads as part of the key"
    );
    assert_eq!(key.help, "indent with plain spaces");
}

#[test]
fn hint_did_you_mean_catches_swapped_letters() {
    let mut files = ACTORS.to_vec();
    files.push((
        "content/digests/a.md",
        "---\ntitle: \"Minsk\"\ndate: 2022-12-20\nsources:\n  - id: c1\n    source: iws\n    url: https://isw.example/\nquotes:\n  - id: q1\n    by: ptuin\n    text: \"Sì\"\n    cite: c1\n---\n[Lukashenko](actor:lukahsenko).\n",
    ));
    let printed = build(&files);
    let helps: Vec<&str> = printed.iter().map(|p| p.help.as_str()).collect();
    assert_eq!(
        helps,
        [
            "did you mean `isw`?",
            "did you mean `putin`?",
            "did you mean `lukashenko`?"
        ],
        "{printed:#?}"
    );
}
