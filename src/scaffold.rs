//! Scaffolding: `storia init` (a new site that builds anywhere, with the
//! built-in theme, its JSON Schemas and editor settings), `storia new` (one
//! content file with valid front matter) and `storia new quote` (one quote
//! added to a digest by editing its text, so the rest of the file keeps its
//! bytes).

use crate::content::Entry;
use crate::diagnostics::{display_path, Diagnostic, Problem};
use crate::entity::EntityKind;
use crate::input::fields::{is_valid_id, DateValue};
use crate::suggest::did_you_mean;
use std::path::{Path, PathBuf};

/// The body `storia new digest` writes, for the editor to replace: a
/// digest published with it is warned about.
pub const PLACEHOLDER_BODY: &str = "Write the digest here.";

fn io(action: &'static str, path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Problem::Io {
        action,
        path: display_path(path),
        reason: e.to_string(),
    })
}

const SITE_YAML: &str = "# yaml-language-server: $schema=schemas/site.schema.json\ntitle: \"My news digest\"\nbase_url: \"https://example.org/\"\nlanguage: en\ndescription: \"Curated digests of the stories we follow.\"\ntimezone: UTC\n";

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
            reason: "it is not empty".into(),
        })
        .help("give `storia init` a new folder"));
    }
    let files: [(&str, &str); 6] = [
        ("site.yaml", SITE_YAML),
        // The output; storia leaves nothing else in the site.
        (".gitignore", "/public/\n"),
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
    let (site, _) = crate::content::load(dir, None);
    crate::schema::write_schemas(
        &dir.join(crate::schema::DEFAULT_DIR),
        site.as_ref().map(|s| &s.content),
    )?;
    for (rel, text) in editor_settings() {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io("write", &path, e))?;
    }
    Ok(())
}

/// Editor settings that use the schemas: VS Code's YAML extension checks
/// `site.yaml`; front matter inside Markdown is checked by remark-lint's
/// front-matter-schema rule (YAML language servers do not read it).
fn editor_settings() -> Vec<(&'static str, String)> {
    use crate::schema::{SchemaKind, DEFAULT_DIR};
    let site = SchemaKind::Site;
    let vscode = serde_json::json!({
        "yaml.schemas": { format!("./{DEFAULT_DIR}/{}", site.file_name()): [site.glob()] },
        "remark.requireConfig": true,
    });
    let extensions = serde_json::json!({
        "recommendations": ["redhat.vscode-yaml", "unifiedjs.vscode-remark"],
    });
    let mut remark = String::from(
        "// Checks the front matter of content files against storia's schemas\n\
         // (`storia schema` rewrites them). Needs, once per site:\n\
         //   npm install --save-dev remark-cli remark-frontmatter remark-lint-frontmatter-schema\n\
         // then the VS Code extension unifiedjs.vscode-remark, or `npx remark content`.\n\
         import remarkFrontmatter from 'remark-frontmatter';\n\
         import remarkLintFrontmatterSchema from 'remark-lint-frontmatter-schema';\n\n\
         export default {\n  plugins: [\n    remarkFrontmatter,\n    [remarkLintFrontmatterSchema, { schemas: {\n",
    );
    for kind in SchemaKind::ALL
        .into_iter()
        .filter(|k| *k != SchemaKind::Site)
    {
        remark.push_str(&format!(
            "      './{DEFAULT_DIR}/{}': ['./{}'],\n",
            kind.file_name(),
            kind.glob()
        ));
    }
    remark.push_str("    } }],\n  ],\n};\n");
    let pretty = |v: serde_json::Value| serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    vec![
        (".vscode/settings.json", pretty(vscode)),
        (".vscode/extensions.json", pretty(extensions)),
        (".remarkrc.mjs", remark),
    ]
}

/// What `storia new` writes (digest, actor, source, story or page).
#[derive(Debug, Clone, Default)]
pub struct NewFile<'a> {
    /// The id; when absent, the title slugged (digests get the date in front).
    pub id: Option<&'a str>,
    /// The title or name.
    pub title: Option<&'a str>,
    /// A digest's date (`YYYY-MM-DD` or RFC 3339; default today).
    pub date: Option<&'a str>,
    /// A digest's stories.
    pub stories: &'a [String],
    /// A digest's actors.
    pub actors: &'a [String],
    /// An actor's or source's kind, one of the content format's words.
    pub kind: Option<&'a str>,
    /// An actor's role.
    pub role: Option<&'a str>,
    /// A source's home page.
    pub url: Option<&'a str>,
}

/// What `storia new` created: the file, relative to the site root, and
/// the line that links to it from a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The new file.
    pub path: PathBuf,
    /// What it is: `digest`, `actor`, `source`, `story` or `page`.
    pub kind_word: &'static str,
    /// Its id.
    pub id: String,
    /// A Markdown link to it (`[Name](actor:id)`), to paste into a body.
    pub link: String,
}

impl NewFile<'_> {
    /// Refuses options that mean nothing for `kind`, rather than ignoring
    /// them: an editor who wrote `--role` on a source expected it written.
    fn check_options(&self, kind: EntityKind) -> Result<(), Diagnostic> {
        let given: [(&str, bool, &[EntityKind]); 6] = [
            ("--date", self.date.is_some(), &[EntityKind::Digest]),
            ("--story", !self.stories.is_empty(), &[EntityKind::Digest]),
            ("--actors", !self.actors.is_empty(), &[EntityKind::Digest]),
            (
                "--kind",
                self.kind.is_some(),
                &[EntityKind::Actor, EntityKind::Source],
            ),
            ("--role", self.role.is_some(), &[EntityKind::Actor]),
            ("--url", self.url.is_some(), &[EntityKind::Source]),
        ];
        for (flag, present, kinds) in given {
            if present && !kinds.contains(&kind) {
                let names: Vec<String> = kinds
                    .iter()
                    .map(|k| format!("`new {}`", k.name()))
                    .collect();
                return Err(usage(
                    format!("`{flag}` does not apply to `new {}`", kind.name()),
                    &format!("`{flag}` is for {}", names.join(" and ")),
                ));
            }
        }
        Ok(())
    }
}

/// The words a field of type `T` accepts, read from its JSON Schema (the
/// schema is derived from the type that parses front matter, so this is
/// the content format's own list).
fn enumeration<T: schemars::JsonSchema>() -> Vec<String> {
    let schema = schemars::SchemaGenerator::default().into_root_schema_for::<T>();
    let value = schema.as_value();
    let words = |v: &serde_json::Value| -> Vec<String> {
        match (v.get("enum"), v.get("const")) {
            (Some(serde_json::Value::Array(list)), _) => list
                .iter()
                .filter_map(|w| w.as_str().map(str::to_string))
                .collect(),
            (_, Some(serde_json::Value::String(w))) => vec![w.clone()],
            _ => Vec::new(),
        }
    };
    let mut out = words(value);
    for key in ["oneOf", "anyOf"] {
        if let Some(serde_json::Value::Array(variants)) = value.get(key) {
            out.extend(variants.iter().flat_map(words));
        }
    }
    out
}

/// Checks `--kind` against the words of `T`.
fn check_kind<T: schemars::JsonSchema>(what: &str, kind: &str) -> Result<String, Diagnostic> {
    let words = enumeration::<T>();
    if words.iter().any(|w| w == kind) {
        return Ok(kind.to_string());
    }
    let list = words.join(", ");
    Err(
        Diagnostic::error(Problem::Config(format!("unknown {what} kind `{kind}`"))).help(
            match did_you_mean(kind, words.iter().map(String::as_str)) {
                Some(guess) => format!("{guess} ({what} kinds: {list})"),
                None => format!("{what} kinds: {list}"),
            },
        ),
    )
}

/// The longest id `storia new` makes from a title, cut at a word.
const MAX_ID: usize = 60;

fn slug_id(text: &str) -> String {
    let slug = crate::slug::slugify(text);
    if slug.len() <= MAX_ID {
        return slug;
    }
    let cut = slug[..MAX_ID].rfind('-').unwrap_or(MAX_ID);
    slug[..cut].to_string()
}

fn usage(message: String, help: &str) -> Diagnostic {
    Diagnostic::error(Problem::Config(message)).help(help.to_string())
}

/// Checks that every id of `wanted` is one of `known`, suggesting the closest.
fn check_known<'a>(
    what: &str,
    wanted: impl IntoIterator<Item = &'a str>,
    known: &[&str],
) -> Result<(), Diagnostic> {
    for id in wanted {
        if !known.contains(&id) {
            let help = did_you_mean(id, known.iter().copied()).unwrap_or_else(|| {
                if known.is_empty() {
                    format!("this site has no {what} yet: create it with `storia new`")
                } else {
                    format!("known: {}", known.join(", "))
                }
            });
            return Err(Diagnostic::error(Problem::UnknownRef {
                kind: match what {
                    "stories" => "story",
                    "digests" => "digest",
                    "actors" => "actor",
                    _ => "actor or source",
                },
                id: id.to_string(),
            })
            .help(help));
        }
    }
    Ok(())
}

fn ids<M>(entries: &[Entry<M>]) -> Vec<&str> {
    entries.iter().map(|e| e.id.as_str()).collect()
}

/// Loads the site to check ids against; a site whose `site.yaml` does
/// not load is not a place to add files to.
fn load_site(root: &Path) -> Result<crate::content::Site, Diagnostic> {
    match crate::content::load(root, None) {
        (Some(site), _) => Ok(site),
        (None, diags) => Err(diags.sorted().into_iter().next().unwrap_or_else(|| {
            Diagnostic::error(Problem::MissingSiteConfig {
                root: root.display().to_string(),
            })
        })),
    }
}

/// A YAML scalar for a value `storia new` writes: JSON's double-quoted
/// strings are valid YAML.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn yaml_list(items: &[String]) -> String {
    match items {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

fn parse_day(date: &str) -> Result<chrono::NaiveDate, Diagnostic> {
    match DateValue::parse(date) {
        Ok(DateValue::Day(day)) => Ok(day),
        Ok(DateValue::Moment(m)) => Ok(m.date_naive()),
        Err((message, help)) => Err(Diagnostic::error(Problem::Config(message)).help(help)),
    }
}

/// Writes a new content file and returns what it created; never
/// overwrites, and checks the ids and words it is given against the site's
/// and the content format's.
pub fn new(root: &Path, kind: EntityKind, file: &NewFile<'_>) -> Result<Created, Diagnostic> {
    file.check_options(kind)?;
    let id = match (file.id, file.title) {
        (Some(id), _) => id.to_string(),
        (None, Some(title)) => slug_id(title),
        (None, None) => {
            return Err(usage(
                "`storia new` needs an id or a `--title`".into(),
                "e.g. `storia new digest --title \"Vertice a Minsk\"`",
            ))
        }
    };
    if !is_valid_id(&id) {
        let slug = slug_id(&id);
        return Err(Diagnostic::error(Problem::BadFileName { name: id.clone() })
            .maybe_help((!slug.is_empty()).then(|| format!("use `{slug}`"))));
    }
    let site = load_site(root)?;
    let content = &site.content;
    let title = file
        .title
        .map(str::to_string)
        .unwrap_or_else(|| id.replace('-', " "));
    let quoted = yaml_string(&title);
    let (rel, text, id) = match kind {
        EntityKind::Digest => {
            let day = match file.date {
                Some(d) => parse_day(d)?,
                None => chrono::Local::now().date_naive(),
            };
            check_known(
                "stories",
                file.stories.iter().map(String::as_str),
                &ids(&content.stories),
            )?;
            check_known(
                "actors",
                file.actors.iter().map(String::as_str),
                &ids(&content.actors),
            )?;
            let ymd = day.format("%Y-%m-%d").to_string();
            let id = if id.starts_with(&ymd) {
                id
            } else {
                format!("{ymd}-{id}")
            };
            if let Some(other) = content.digests.iter().find(|d| d.id.as_str() == id) {
                return Err(exists(&other.file.path));
            }
            let mut text = format!("---\ntitle: {quoted}\ndate: {ymd}\n");
            if !file.stories.is_empty() {
                text.push_str(&format!("story: {}\n", yaml_list(file.stories)));
            }
            if !file.actors.is_empty() {
                text.push_str(&format!("actors: [{}]\n", file.actors.join(", ")));
            }
            text.push_str("draft: true\n---\n");
            text.push_str(PLACEHOLDER_BODY);
            text.push('\n');
            (
                PathBuf::from(format!("content/digests/{}/{}.md", day.format("%Y/%m"), id)),
                text,
                id,
            )
        }
        EntityKind::Actor | EntityKind::Source => {
            // Actors and sources share one namespace.
            let clash = content
                .actors
                .iter()
                .map(|a| &a.file.path)
                .chain(content.sources.iter().map(|s| &s.file.path))
                .find(|p| p.file_stem().is_some_and(|s| s == id.as_str()));
            if let Some(other) = clash {
                return Err(exists(other));
            }
            let mut text = format!("---\nname: {quoted}\n");
            let folder = if kind == EntityKind::Actor {
                let k = match file.kind {
                    Some(k) => check_kind::<crate::content::frontmatter::ActorKind>("actor", k)?,
                    None => "person".into(),
                };
                text.push_str(&format!("kind: {k}\n"));
                if let Some(role) = file.role.filter(|r| !r.trim().is_empty()) {
                    text.push_str(&format!("role: {}\n", yaml_string(role.trim())));
                }
                "actors"
            } else {
                let k = match file.kind {
                    Some(k) => check_kind::<crate::content::frontmatter::SourceKind>("source", k)?,
                    None => "newspaper".into(),
                };
                text.push_str(&format!("kind: {k}\n"));
                if let Some(url) = file.url {
                    let url = url.trim();
                    crate::input::fields::check_http_url(url).map_err(|(message, help)| {
                        Diagnostic::error(Problem::Config(format!("`--url`: {message}"))).help(help)
                    })?;
                    text.push_str(&format!("url: {url}\n"));
                }
                "sources"
            };
            text.push_str("---\n");
            (PathBuf::from(format!("content/{folder}/{id}.md")), text, id)
        }
        EntityKind::Story => (
            PathBuf::from(format!("content/stories/{id}.md")),
            format!("---\ntitle: {quoted}\n---\n"),
            id,
        ),
        EntityKind::Page => {
            if site.config.is_reserved_page_id(&id) {
                return Err(
                    Diagnostic::error(Problem::ReservedPageId { id: id.clone() })
                        .help(format!("choose another id, e.g. `{id}-page`")),
                );
            }
            (
                PathBuf::from(format!("content/pages/{id}.md")),
                format!("---\ntitle: {quoted}\n---\n"),
                id,
            )
        }
        EntityKind::Citation => {
            return Err(usage(
                "`storia new` does not create a citation".into(),
                "add it under `sources:` of the digest",
            ))
        }
        EntityKind::Quote => {
            return Err(usage(
                "quotes are added with `storia new quote --digest ID --by ACTOR --text TEXT`"
                    .into(),
                "see `storia new --help`",
            ))
        }
    };
    let path = root.join(&rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
    }
    // `create_new`: a file that appears meanwhile is never overwritten.
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists(&rel)),
        Err(e) => return Err(io("write", &path, e)),
    };
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| io("write", &path, e))?;
    // Brackets in the text would end the link early.
    let text = title
        .replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]");
    let link = match kind {
        EntityKind::Page => format!("[{text}](/{id}/)"),
        _ => format!("[{text}]({}:{id})", kind.name()),
    };
    Ok(Created {
        path: rel,
        kind_word: kind.name(),
        id,
        link,
    })
}

fn exists(rel: &Path) -> Diagnostic {
    Diagnostic::error(Problem::AlreadyExists {
        path: display_path(rel),
    })
    .help("choose another id, or edit the existing file")
}

/// A quote for `storia new quote`.
#[derive(Debug, Clone)]
pub struct NewQuote<'a> {
    /// The digest's id.
    pub digest: &'a str,
    /// The speaker: an actor or source id.
    pub by: &'a str,
    /// The words, as published.
    pub text: &'a str,
    /// When they were said.
    pub said: Option<&'a str>,
    /// A citation id of the digest.
    pub cite: Option<&'a str>,
}

/// How many words of a quote go into its id.
const ID_WORDS: usize = 3;

/// `<speaker>-<slug of the first words>`, made unique with `-2`, `-3`.
fn quote_id(by: &str, text: &str, taken: &std::collections::HashSet<&str>) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .map(crate::slug::slugify)
        .filter(|w| !w.is_empty())
        .take(ID_WORDS)
        .collect();
    let base = if words.is_empty() {
        by.to_string()
    } else {
        format!("{by}-{}", words.join("-"))
    };
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(id.as_str()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// Adds a quote to a digest's front matter by editing its text: every other
/// byte of the file stays as it was. Returns the file (relative to `root`)
/// and the new quote's id.
pub fn new_quote(root: &Path, quote: &NewQuote<'_>) -> Result<(PathBuf, String), Diagnostic> {
    let content = load_site(root)?.content;
    if content.is_broken(EntityKind::Digest, quote.digest) {
        return Err(usage(
            format!("digest `{}` has errors", quote.digest),
            "fix them (`storia check` lists them), then add the quote",
        ));
    }
    check_known("digests", [quote.digest], &ids(&content.digests))?;
    let Some(digest) = content
        .digests
        .iter()
        .find(|d| d.id.as_str() == quote.digest)
    else {
        return Err(usage(
            format!("unknown digest `{}`", quote.digest),
            "check the id",
        ));
    };
    let speakers: Vec<&str> = ids(&content.actors)
        .into_iter()
        .chain(ids(&content.sources))
        .collect();
    check_known("actors or sources", [quote.by], &speakers)?;
    if let Some(cite) = quote.cite {
        let citations: Vec<&str> = digest
            .matter
            .sources
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        if !citations.contains(&cite) {
            return Err(Diagnostic::error(Problem::UnknownRef {
                kind: "citation",
                id: cite.to_string(),
            })
            .help(
                did_you_mean(cite, citations.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "`--cite` names a citation under `sources:` of `{}`",
                        quote.digest
                    )
                }),
            ));
        }
    }
    if let Some(said) = quote.said {
        DateValue::parse(said)
            .map_err(|(message, help)| Diagnostic::error(Problem::Config(message)).help(help))?;
    }
    if quote.text.trim().is_empty() {
        return Err(usage(
            "the quote's `--text` is empty".into(),
            "give the words as published",
        ));
    }
    let taken: std::collections::HashSet<&str> = content
        .digests
        .iter()
        .flat_map(|d| d.matter.quotes.iter().map(|q| q.id.as_str()))
        .collect();
    let id = quote_id(quote.by, quote.text, &taken);
    let mut fields = vec![
        ("id", id.clone()),
        ("by", quote.by.to_string()),
        ("text", yaml_string(quote.text)),
    ];
    if let Some(said) = quote.said {
        fields.push(("said", said.trim().to_string()));
    }
    if let Some(cite) = quote.cite {
        fields.push(("cite", cite.to_string()));
    }
    let rel = digest.file.path.clone();
    let path = root.join(&rel);
    let original = std::fs::read_to_string(&path).map_err(|e| io("read", &rel, e))?;
    let edited = insert_quote(&original, &fields).map_err(|message| {
        usage(
            message,
            "add the quote by hand, or write `quotes:` as a block list",
        )
    })?;
    // The edit must leave a digest that loads as a build loads it, with the
    // new quote last; otherwise the file is left alone and the build's own
    // error (file, line, what to do) says why.
    let not_safe = || {
        usage(
            format!("could not add the quote to `{}` safely", display_path(&rel)),
            "add it by hand under `quotes:`",
        )
    };
    let digest =
        crate::content::parse_digest(&rel, edited.clone().into_bytes()).map_err(|errors| {
            errors
                .into_iter()
                .find(Diagnostic::is_error)
                .unwrap_or_else(not_safe)
        })?;
    if digest.matter.quotes.last().map(|q| q.id.as_str()) != Some(id.as_str()) {
        return Err(not_safe());
    }
    let tmp = path.with_file_name(format!(
        ".{}.storia-new",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    std::fs::write(&tmp, &edited).map_err(|e| io("write", &tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| io("write", &path, e))?;
    Ok((rel, id))
}

/// Inserts a quote item with `fields` at the end of the front matter's
/// `quotes:` list (creating the key if needed), in the file's own line
/// endings and list indentation.
fn insert_quote(text: &str, fields: &[(&str, String)]) -> Result<String, String> {
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // Lines with their byte offsets; the first is the opening `---`.
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let bare = |line: &str| line.trim_start_matches('\u{feff}').trim_end().to_string();
    let close = lines
        .iter()
        .skip(1)
        .position(|(_, l)| bare(l) == "---")
        .map(|i| i + 1)
        .ok_or("the front matter is not closed")?;
    let item = |indent: &str| {
        let mut out = String::new();
        for (i, (key, value)) in fields.iter().enumerate() {
            let lead = if i == 0 { "- " } else { "  " };
            out.push_str(&format!("{indent}{lead}{key}: {value}{nl}"));
        }
        out
    };
    let key_line = (1..close).find(|&i| {
        let l = lines[i].1;
        l.starts_with("quotes:") && l[7..].starts_with(char::is_whitespace)
    });
    let Some(k) = key_line else {
        // No `quotes:` yet: add it at the end of the front matter.
        let at = lines[close].0;
        return Ok(format!(
            "{}quotes:{nl}{}{}",
            &text[..at],
            item("  "),
            &text[at..]
        ));
    };
    let (key_offset, key_text) = lines[k];
    let value = strip_comment(&key_text[7..]).trim();
    match value {
        "" => {}
        "[]" | "~" | "null" => {
            // An empty list written inline: make it a block list.
            let end = key_offset + key_text.len();
            return Ok(format!(
                "{}quotes:{nl}{}{}",
                &text[..key_offset],
                item("  "),
                &text[end..]
            ));
        }
        _ => {
            return Err("`quotes:` is written as a flow list (`[...]`), which cannot be extended without rewriting it".into())
        }
    }
    // The block runs over indented lines, list items, blank lines and comments.
    let mut last = k;
    let mut indent: Option<String> = None;
    for (i, (_, l)) in lines.iter().enumerate().take(close).skip(k + 1) {
        let trimmed = l.trim_start();
        let belongs = l.starts_with([' ', '\t']) || l.starts_with('-');
        if belongs {
            if indent.is_none() && trimmed.starts_with('-') {
                indent = Some(l[..l.len() - trimmed.len()].to_string());
            }
            if !trimmed.trim().is_empty() {
                last = i;
            }
        } else if !(trimmed.trim().is_empty() || trimmed.starts_with('#')) {
            break;
        }
    }
    let at = lines[last].0 + lines[last].1.len();
    // A last line without its newline (the file ends inside front matter) cannot happen: `---` follows.
    Ok(format!(
        "{}{}{}",
        &text[..at],
        item(indent.as_deref().unwrap_or("  ")),
        &text[at..]
    ))
}

fn strip_comment(value: &str) -> &str {
    match value.find(" #") {
        Some(i) => &value[..i],
        None if value.trim_start().starts_with('#') => "",
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<(&'static str, String)> {
        vec![
            ("id", "p-ciao".into()),
            ("by", "p".into()),
            ("text", "\"Ciao\"".into()),
        ]
    }

    #[test]
    fn a_quote_goes_after_the_last_item_in_its_indentation() {
        let text = "---\ntitle: t\nquotes:\n    - id: a\n      by: p\n      text: |\n        x\n\n# note\ntags: [x]\n---\nbody\n";
        let out = insert_quote(text, &fields()).unwrap();
        assert_eq!(
            out,
            "---\ntitle: t\nquotes:\n    - id: a\n      by: p\n      text: |\n        x\n    - id: p-ciao\n      by: p\n      text: \"Ciao\"\n\n# note\ntags: [x]\n---\nbody\n"
        );
    }

    #[test]
    fn a_missing_or_empty_list_is_created_keeping_crlf() {
        let out = insert_quote("---\r\ntitle: t\r\n---\r\n", &fields()).unwrap();
        assert_eq!(
            out,
            "---\r\ntitle: t\r\nquotes:\r\n  - id: p-ciao\r\n    by: p\r\n    text: \"Ciao\"\r\n---\r\n"
        );
        let out = insert_quote("---\nquotes: []\ntitle: t\n---\n", &fields()).unwrap();
        assert!(out.starts_with("---\nquotes:\n  - id: p-ciao\n"), "{out}");
        assert!(insert_quote("---\nquotes: [{id: a}]\n---\n", &fields()).is_err());
    }

    #[test]
    fn quote_ids_take_the_first_words_and_are_made_unique() {
        let taken = ["putin-non-ci-sara"].into_iter().collect();
        assert_eq!(
            quote_id("putin", "«Non ci sarà» nessuna guerra", &taken),
            "putin-non-ci-sara-2"
        );
        assert_eq!(quote_id("putin", "Sì.", &Default::default()), "putin-si");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let id = slug_id(&"parola ".repeat(20));
        assert!(id.len() <= MAX_ID && !id.ends_with('-'), "{id}");
    }
}
