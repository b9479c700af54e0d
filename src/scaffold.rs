//! Scaffolding: `storia init` (a new site that builds anywhere, with the
//! built-in theme) and `storia new` (one content file with valid front matter).

use crate::content::fields::{is_valid_id, DateValue};
use crate::diagnostics::{display_path, Diagnostic, Problem};
use std::path::{Path, PathBuf};

/// The kinds `storia new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    /// A digest, under `content/digests/YYYY/MM/`.
    Digest,
    /// An actor.
    Actor,
    /// A source.
    Source,
    /// A story.
    Story,
}

fn io(action: &'static str, path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Problem::Io {
        action,
        path: display_path(path),
        reason: e.to_string(),
    })
}

const SITE_YAML: &str = "title: \"My news digest\"\nbase_url: \"https://example.org/\"\nlanguage: en\ndescription: \"Curated digests of the stories we follow.\"\ntimezone: UTC\n";

/// Creates a new site in `dir`: `site.yaml` and one example of each kind.
pub fn init(dir: &Path) -> Result<(), Diagnostic> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| io("read", dir, e))?
            .next()
            .is_some()
    {
        return Err(Diagnostic::error(Problem::BadOutput {
            path: display_path(dir),
            reason: "it is not empty",
        })
        .help("give `storia init` a new folder"));
    }
    let files: [(&str, &str); 5] = [
        ("site.yaml", SITE_YAML),
        ("content/stories/example-story.md", "---\ntitle: \"An example story\"\nsummary: \"The story our digests follow.\"\n---\nWhat this story is about.\n"),
        ("content/actors/jane-doe.md", "---\nname: \"Jane Doe\"\nkind: person\nrole: \"Spokesperson\"\n---\nA short biography.\n"),
        ("content/sources/example-news.md", "---\nname: \"Example News\"\nkind: newspaper\nurl: https://example.org/\n---\nAn outlet we cite.\n"),
        (
            "content/digests/2024/01/2024-01-15-first-digest.md",
            "---\ntitle: \"Our first digest\"\ndate: 2024-01-15\nstory: example-story\nactors: [jane-doe]\ntags: [example]\nsources:\n  - id: example-report\n    source: example-news\n    title: \"The report\"\n    url: https://example.org/report\nquotes:\n  - id: jane-doe-first\n    by: jane-doe\n    text: \"This is what was said.\"\n    cite: example-report\n---\n[Jane Doe](actor:jane-doe) spoke today, as [Example News](cite:example-report) reports.\n\n![](quote:jane-doe-first)\n",
        ),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io("write", &path, e))?;
    }
    for d in ["templates", "static"] {
        std::fs::create_dir_all(dir.join(d)).map_err(|e| io("create", &dir.join(d), e))?;
    }
    Ok(())
}

/// Writes a new content file and returns its path; never overwrites.
pub fn new(
    root: &Path,
    kind: NewKind,
    id: &str,
    title: Option<&str>,
    date: Option<&str>,
) -> Result<PathBuf, Diagnostic> {
    if !is_valid_id(id) {
        let slug = crate::slug::slugify(id);
        return Err(Diagnostic::error(Problem::BadFileName {
            name: id.to_string(),
        })
        .maybe_help((!slug.is_empty()).then(|| format!("use `{slug}`"))));
    }
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| id.replace('-', " "));
    let quoted = serde_json::to_string(&title).unwrap_or_default();
    let (rel, text) = match kind {
        NewKind::Digest => {
            let day = match date {
                Some(d) => match DateValue::parse(d) {
                    Ok(DateValue::Day(day)) => day,
                    Ok(DateValue::Moment(m)) => m.date_naive(),
                    Err((message, help)) => {
                        return Err(Diagnostic::error(Problem::Config(message)).help(help))
                    }
                },
                None => chrono::Local::now().date_naive(),
            };
            let ymd = day.format("%Y-%m-%d").to_string();
            let id = if id.starts_with(&ymd) {
                id.to_string()
            } else {
                format!("{ymd}-{id}")
            };
            (
                PathBuf::from(format!("content/digests/{}/{}.md", day.format("%Y/%m"), id)),
                format!(
                    "---\ntitle: {quoted}\ndate: {ymd}\ndraft: true\n---\nWrite the digest here.\n"
                ),
            )
        }
        NewKind::Actor => (
            PathBuf::from(format!("content/actors/{id}.md")),
            format!("---\nname: {quoted}\nkind: person\n---\n"),
        ),
        NewKind::Source => (
            PathBuf::from(format!("content/sources/{id}.md")),
            format!("---\nname: {quoted}\nkind: newspaper\n---\n"),
        ),
        NewKind::Story => (
            PathBuf::from(format!("content/stories/{id}.md")),
            format!("---\ntitle: {quoted}\n---\n"),
        ),
    };
    let path = root.join(&rel);
    if path.exists() {
        return Err(Diagnostic::error(Problem::Io {
            action: "create",
            path: display_path(&rel),
            reason: "the file already exists".into(),
        })
        .help("choose another id, or edit the existing file"));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
    }
    std::fs::write(&path, text).map_err(|e| io("write", &path, e))?;
    Ok(rel)
}
