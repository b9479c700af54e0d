//! Property: any valid site builds, and every internal link of its pages
//! resolves. Sites are generated at random: actors, sources, stories and
//! digests whose front matter and bodies reference each other in every way
//! the content format allows, with text in several scripts and Markdown
//! markup. Few cases, so `cargo test` stays fast; raise them with
//! `PROPTEST_CASES=64 cargo test --release --test properties`.

mod common;
use common::*;

use proptest::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// A reference from a body to something of the site, by index (wrapped
/// around the number of things of its kind).
#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Actor(usize),
    Source(usize),
    Story(usize),
    Digest(usize),
    Quote(usize),
    Cite,
}

#[derive(Debug, Clone)]
struct DigestSpec {
    title: String,
    story: Option<usize>,
    actors: Vec<usize>,
    tags: Vec<String>,
    /// Speaker (actors first, then sources) and words.
    quotes: Vec<(usize, String)>,
    /// Paragraphs of pieces; a paragraph may instead embed one of the
    /// digest's own quotes.
    body: Vec<(Vec<Piece>, Option<usize>)>,
}

#[derive(Debug, Clone)]
struct SiteSpec {
    actors: Vec<String>,
    sources: Vec<String>,
    stories: Vec<String>,
    digests: Vec<DigestSpec>,
}

/// Text with Markdown markup, accents and other scripts (no parentheses or
/// colons, so it never writes a link or an autolink of its own).
fn text() -> impl Strategy<Value = String> {
    "[A-Za-zàèéìòùçßñ][A-Za-z0-9 àèéìòùçßñŁłПутинБеларусь中文日本語ελληνικά*_`~#&<>!?,.;'\"-]{0,40}"
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        3 => text().prop_map(Piece::Text),
        1 => any::<usize>().prop_map(Piece::Actor),
        1 => any::<usize>().prop_map(Piece::Source),
        1 => any::<usize>().prop_map(Piece::Story),
        1 => any::<usize>().prop_map(Piece::Digest),
        1 => any::<usize>().prop_map(Piece::Quote),
        1 => Just(Piece::Cite),
    ]
}

fn digest() -> impl Strategy<Value = DigestSpec> {
    (
        text(),
        proptest::option::of(any::<usize>()),
        prop::collection::vec(any::<usize>(), 0..3),
        prop::collection::vec("[A-Za-zàé][a-zà]{0,8}( [A-Za-z]{1,5})?", 0..3),
        prop::collection::vec((any::<usize>(), text()), 1..4),
        prop::collection::vec(
            (
                prop::collection::vec(piece(), 1..6),
                proptest::option::of(any::<usize>()),
            ),
            1..4,
        ),
    )
        .prop_map(|(title, story, actors, tags, quotes, body)| DigestSpec {
            title,
            story,
            actors,
            tags,
            quotes,
            body,
        })
}

fn site() -> impl Strategy<Value = SiteSpec> {
    (
        prop::collection::vec(text(), 1..5),
        prop::collection::vec(text(), 1..3),
        prop::collection::vec(text(), 1..3),
        prop::collection::vec(digest(), 1..7),
    )
        .prop_map(|(actors, sources, stories, digests)| SiteSpec {
            actors,
            sources,
            stories,
            digests,
        })
}

/// A YAML double-quoted string.
fn yq(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Link text: the pieces' text without Markdown brackets.
fn label(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !"[]`".contains(*c)).collect();
    if clean.trim().is_empty() {
        "link".into()
    } else {
        clean
    }
}

fn write_site(spec: &SiteSpec, root: &Path) {
    let put = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    put(
        "site.yaml",
        "title: \"Proprietà\"\nbase_url: \"https://example.org/\"\nlanguage: it\nper_page: 2\n",
    );
    for (i, name) in spec.actors.iter().enumerate() {
        put(
            &format!("content/actors/a{i}.md"),
            &format!(
                "---\nname: {}\n---\nSee [{}](actor:a{}).\n",
                yq(name),
                label(name),
                (i + 1) % spec.actors.len()
            ),
        );
    }
    for (i, name) in spec.sources.iter().enumerate() {
        put(
            &format!("content/sources/s{i}.md"),
            &format!(
                "---\nname: {}\nurl: https://s{i}.example.org\n---\n",
                yq(name)
            ),
        );
    }
    for (i, title) in spec.stories.iter().enumerate() {
        put(
            &format!("content/stories/st{i}.md"),
            &format!("---\ntitle: {}\n---\n{}\n", yq(title), label(title)),
        );
    }
    let speakers = spec.actors.len() + spec.sources.len();
    let speaker = |n: usize| {
        let n = n % speakers;
        if n < spec.actors.len() {
            format!("a{n}")
        } else {
            format!("s{}", n - spec.actors.len())
        }
    };
    let all_quotes: Vec<String> = spec
        .digests
        .iter()
        .enumerate()
        .flat_map(|(i, d)| (0..d.quotes.len()).map(move |j| format!("q{i}-{j}")))
        .collect();
    for (i, d) in spec.digests.iter().enumerate() {
        let mut fm = format!(
            "title: {}\ndate: 2020-{:02}-{:02}\n",
            yq(&d.title),
            i % 12 + 1,
            i % 28 + 1
        );
        if let Some(s) = d.story {
            let _ = writeln!(fm, "story: st{}", s % spec.stories.len());
        }
        let actors: Vec<String> = d
            .actors
            .iter()
            .map(|a| format!("a{}", a % spec.actors.len()))
            .collect();
        let _ = writeln!(fm, "actors: [{}]", actors.join(", "));
        let tags: Vec<String> = d.tags.iter().map(|t| yq(t)).collect();
        let _ = writeln!(fm, "tags: [{}]", tags.join(", "));
        let _ = writeln!(
            fm,
            "sources:\n  - id: c1\n    source: s0\n    url: https://example.org/{i}"
        );
        fm += "quotes:\n";
        for (j, (by, words)) in d.quotes.iter().enumerate() {
            let _ = writeln!(
                fm,
                "  - id: q{i}-{j}\n    by: {}\n    text: {}\n    cite: c1",
                speaker(*by),
                yq(words)
            );
        }
        let mut body = String::new();
        let mut embedded = std::collections::BTreeSet::new();
        for (pieces, embed) in &d.body {
            for p in pieces {
                let _ = match p {
                    Piece::Text(t) => write!(body, "{t} "),
                    Piece::Actor(n) => write!(body, "[x](actor:a{}) ", n % spec.actors.len()),
                    Piece::Source(n) => write!(body, "[x](source:s{}) ", n % spec.sources.len()),
                    Piece::Story(n) => write!(body, "[x](story:st{}) ", n % spec.stories.len()),
                    Piece::Digest(n) => {
                        let n = n % spec.digests.len();
                        write!(
                            body,
                            "[x](digest:2020-{:02}-{:02}-d{n}) ",
                            n % 12 + 1,
                            n % 28 + 1
                        )
                    }
                    Piece::Quote(n) => {
                        write!(body, "[x](quote:{}) ", all_quotes[n % all_quotes.len()])
                    }
                    Piece::Cite => write!(body, "[x](cite:c1) "),
                };
            }
            body += "\n\n";
            if let Some(q) = embed {
                let q = q % d.quotes.len();
                if embedded.insert(q) {
                    let _ = write!(body, "![](quote:q{i}-{q})\n\n");
                }
            }
        }
        put(
            &format!(
                "content/digests/2020/2020-{:02}-{:02}-d{i}.md",
                i % 12 + 1,
                i % 28 + 1
            ),
            &format!("---\n{fm}---\n{body}"),
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(6),
        max_shrink_iters: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_valid_site_builds_and_every_internal_link_resolves(spec in site()) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        write_site(&spec, &root);
        let b = build_site(&root, &[]);
        prop_assert_eq!(b.code, 0, "build failed:\n{}", b.stderr);
        prop_assert!(!b.stderr.contains("panicked"));
        let broken = broken_links(&b.out, "/");
        prop_assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
        for i in 0..spec.digests.len() {
            let page = format!("digests/2020-{:02}-{:02}-d{i}/index.html", i % 12 + 1, i % 28 + 1);
            prop_assert!(b.exists(&page), "no {}", page);
        }
    }
}

/// An edit an editor makes between two builds.
#[derive(Debug, Clone)]
enum Edit {
    /// Rewrites a digest (title, story, actors, tags, quotes, body).
    Digest(usize, DigestSpec),
    /// Adds a digest.
    Add(DigestSpec),
    /// Removes a digest (the later ones are renamed: their ids shift).
    Remove(usize),
    /// Renames an actor (their pages and every card quoting them change).
    Actor(usize, String),
    /// Retitles a story.
    Story(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), digest()).prop_map(|(i, d)| Edit::Digest(i, d)),
        1 => digest().prop_map(Edit::Add),
        1 => any::<usize>().prop_map(Edit::Remove),
        1 => (any::<usize>(), text()).prop_map(|(i, t)| Edit::Actor(i, t)),
        1 => (any::<usize>(), text()).prop_map(|(i, t)| Edit::Story(i, t)),
    ]
}

impl Edit {
    fn apply(&self, spec: &mut SiteSpec) {
        match self {
            Edit::Digest(i, d) => {
                let n = spec.digests.len();
                spec.digests[i % n] = d.clone();
            }
            Edit::Add(d) => spec.digests.push(d.clone()),
            Edit::Remove(i) if spec.digests.len() > 1 => {
                let n = spec.digests.len();
                spec.digests.remove(i % n);
            }
            Edit::Remove(_) => {}
            Edit::Actor(i, name) => {
                let n = spec.actors.len();
                spec.actors[i % n] = name.clone();
            }
            Edit::Story(i, title) => {
                let n = spec.stories.len();
                spec.stories[i % n] = title.clone();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(4),
        max_shrink_iters: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Builds with the build cache after each of a sequence of edits give,
    /// byte for byte, the tree of a build from nothing.
    #[test]
    fn cached_builds_equal_clean_builds_after_any_edits(
        spec in site(),
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let options = |out: &str, cache: storia::cache::Choice| storia::build::BuildOptions {
            output: Some(dir.path().join(out)),
            cache,
            ..storia::build::BuildOptions::new(&root)
        };
        let cache = storia::cache::Choice::At(dir.path().join("cache"));
        let mut spec = spec;
        write_site(&spec, &root);
        prop_assert!(storia::build::build(&options("public", cache.clone())).is_ok());
        for (step, e) in edits.iter().enumerate() {
            e.apply(&mut spec);
            std::fs::remove_dir_all(root.join("content")).unwrap();
            write_site(&spec, &root);
            let cached = storia::build::build(&options("public", cache.clone()));
            let _ = std::fs::remove_dir_all(dir.path().join("clean"));
            let clean = storia::build::build(&options("clean", storia::cache::Choice::Off));
            match (cached, clean) {
                (Ok(c), Ok(_)) => {
                    prop_assert!(c.cache.is_some_and(|c| c.used), "step {}: the cache was not used", step);
                    let (a, b) = (common::tree(&dir.path().join("public")), common::tree(&dir.path().join("clean")));
                    prop_assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "step {}", step);
                    for (path, bytes) in &a {
                        prop_assert!(*bytes == b[path], "step {} ({:?}): {} differs", step, e, path);
                    }
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.render_all(), b.render_all()),
                (a, b) => prop_assert!(false, "step {}: cached ok {}, clean ok {}", step, a.is_ok(), b.is_ok()),
            }
        }
    }
}
