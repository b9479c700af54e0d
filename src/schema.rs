//! JSON Schemas of every front-matter kind and of `site.yaml`, derived from
//! the Rust types that parse them (so they state the same rules), written by
//! `storia schema` and `storia init`, and checked by `storia check`.
//!
//! Written into a site, the schemas also list the site's own ids as `enum`s
//! where a field names an actor, source or story, so editors complete real
//! ids; [`refresh_site_schemas`] rewrites them when ids change (`storia serve`
//! calls it after each rebuild; it writes only files whose bytes changed).

use crate::config::RawConfig;
use crate::content::frontmatter::{
    ActorMatter, CitationMatter, DigestMatter, PageMatter, QuoteMatter, SourceMatter, StoryMatter,
};
use crate::content::{Content, Entry, Site};
use crate::diagnostics::{display_path, Diagnostic, Location, Problem};
use crate::entity::EntityKind;
use crate::input::fields::one_or_many;
use crate::input::reader::Matter;
use crate::input::SourceFile;
use crate::yaml::Seg;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The folder, under the site root, that `storia schema` writes by default.
pub const DEFAULT_DIR: &str = "schemas";

/// What a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// `site.yaml`.
    Site,
    /// The front matter of a kind of content file.
    FrontMatter(EntityKind),
}

impl SchemaKind {
    /// Every kind, in the order files are written.
    pub const ALL: [SchemaKind; 6] = [
        SchemaKind::Site,
        SchemaKind::FrontMatter(EntityKind::Digest),
        SchemaKind::FrontMatter(EntityKind::Actor),
        SchemaKind::FrontMatter(EntityKind::Source),
        SchemaKind::FrontMatter(EntityKind::Story),
        SchemaKind::FrontMatter(EntityKind::Page),
    ];

    /// The schema's file name (`digest.schema.json`).
    pub fn file_name(self) -> String {
        match self {
            SchemaKind::Site => "site.schema.json".into(),
            SchemaKind::FrontMatter(kind) => format!("{}.schema.json", kind.name()),
        }
    }

    /// The files it describes, as a glob relative to the site root.
    pub fn glob(self) -> String {
        match self {
            SchemaKind::Site => "site.yaml".into(),
            SchemaKind::FrontMatter(kind) => kind.glob().unwrap_or_default(),
        }
    }

    /// The generic schema: the rules, without any site's ids.
    pub fn schema(self) -> Value {
        let generator = schemars::generate::SchemaSettings::draft07().into_generator();
        fn of<M: Matter + JsonSchema>(generator: SchemaGenerator) -> (Schema, String) {
            (
                generator.into_root_schema_for::<M>(),
                format!("storia {}", M::WHAT),
            )
        }
        let (schema, title) = match self {
            SchemaKind::Site => (
                generator.into_root_schema_for::<RawConfig>(),
                "site.yaml".to_string(),
            ),
            SchemaKind::FrontMatter(kind) => match kind {
                EntityKind::Digest => of::<DigestMatter>(generator),
                EntityKind::Actor => of::<ActorMatter>(generator),
                EntityKind::Source => of::<SourceMatter>(generator),
                EntityKind::Story => of::<StoryMatter>(generator),
                EntityKind::Page => of::<PageMatter>(generator),
                EntityKind::Quote => of::<QuoteMatter>(generator),
                EntityKind::Citation => of::<CitationMatter>(generator),
            },
        };
        let mut value = schema.to_value();
        if let Some(map) = value.as_object_mut() {
            map.insert("title".into(), Value::String(title));
        }
        value
    }
}

/// The ids of a site that fields may name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SiteIds {
    /// Actor ids, sorted.
    pub actors: Vec<String>,
    /// Source ids, sorted.
    pub sources: Vec<String>,
    /// Story ids, sorted.
    pub stories: Vec<String>,
}

impl SiteIds {
    /// The ids of the loaded content.
    pub fn of(content: &Content) -> Self {
        fn ids<M>(entries: &[Entry<M>]) -> Vec<String> {
            let mut ids: Vec<String> = entries.iter().map(|e| e.id.0.clone()).collect();
            ids.sort();
            ids.dedup();
            ids
        }
        SiteIds {
            actors: ids(&content.actors),
            sources: ids(&content.sources),
            stories: ids(&content.stories),
        }
    }
}

/// The schema of `kind` for a site: the generic one, with the fields that
/// name actors, sources and stories narrowed to the site's ids.
pub fn site_schema(kind: SchemaKind, ids: &SiteIds) -> Value {
    let mut schema = kind.schema();
    if kind != SchemaKind::FrontMatter(EntityKind::Digest) {
        return schema;
    }
    let speakers: Vec<String> = {
        let mut all: Vec<String> = ids.actors.iter().chain(&ids.sources).cloned().collect();
        all.sort();
        all
    };
    let narrow = |schema: &mut Value, pointer: &str, ids: &[String], list: bool| {
        if ids.is_empty() {
            return;
        }
        let Some(slot) = schema.pointer_mut(pointer) else {
            return;
        };
        let description = slot.get("description").cloned();
        let one = json!({ "type": "string", "enum": ids });
        let mut narrowed = if list {
            one_or_many(one).to_value()
        } else {
            json!({ "anyOf": [one, { "type": "null" }] })
        };
        if let (Some(d), Some(map)) = (description, narrowed.as_object_mut()) {
            map.insert("description".into(), d);
        }
        *slot = narrowed;
    };
    narrow(&mut schema, "/properties/story", &ids.stories, true);
    narrow(&mut schema, "/properties/actors", &ids.actors, true);
    narrow(
        &mut schema,
        "/definitions/CitationMatter/properties/source",
        &ids.sources,
        false,
    );
    if !speakers.is_empty() {
        if let Some(by) = schema.pointer_mut("/definitions/QuoteMatter/properties/by") {
            *by = json!({
                "description": "The speaker: an actor or source id.",
                "type": "string",
                "enum": speakers,
            });
        }
    }
    schema
}

/// Writes every schema into `dir` (created if needed), narrowed to the ids
/// of `content` when given. Files whose bytes would not change are left
/// alone; returns the paths of the files written.
pub fn write_schemas(dir: &Path, content: Option<&Content>) -> Result<Vec<PathBuf>, Diagnostic> {
    write_schemas_for(dir, &content.map(SiteIds::of).unwrap_or_default())
}

fn write_schemas_for(dir: &Path, ids: &SiteIds) -> Result<Vec<PathBuf>, Diagnostic> {
    std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
    let mut written = Vec::new();
    for kind in SchemaKind::ALL {
        let path = dir.join(kind.file_name());
        let mut text = serde_json::to_string_pretty(&site_schema(kind, ids))
            .map_err(|e| io_error("write", &path, std::io::Error::other(e)))?;
        text.push('\n');
        if std::fs::read(&path).ok().as_deref() == Some(text.as_bytes()) {
            continue;
        }
        std::fs::write(&path, text).map_err(|e| io_error("write", &path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// Rewrites the schemas of the site at `root` in `root/schemas/` with its
/// current ids, when the site keeps its schemas there: what `storia serve`
/// does after a rebuild that changed the ids. Writes only files that
/// changed, so a watcher does not see its own writes as edits.
pub fn refresh_site_schemas(root: &Path, ids: &SiteIds) -> Result<Vec<PathBuf>, Diagnostic> {
    let dir = root.join(DEFAULT_DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    write_schemas_for(&dir, ids)
}

fn io_error(action: &'static str, path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Problem::Io {
        action,
        path: display_path(path),
        reason: e.to_string(),
    })
}

/// A compiled schema, ready to validate YAML documents.
pub struct Checker {
    kind: SchemaKind,
    validator: jsonschema::Validator,
}

impl Checker {
    /// Compiles the generic schema of `kind` (formats are checked too:
    /// `date`, `date-time`, `uri`).
    pub fn new(kind: SchemaKind) -> Self {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&kind.schema())
            .expect("the derived schemas are valid JSON Schema");
        Checker { kind, validator }
    }

    /// The problems of the YAML document `yaml`, each with the path of the
    /// offending value (keys and list positions) and a message.
    pub fn problems(&self, yaml: &str) -> Vec<(Vec<PathStep>, String)> {
        let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(yaml) else {
            return vec![(Vec::new(), "the YAML does not parse".into())];
        };
        let Ok(json) = serde_json::to_value(value) else {
            return vec![(
                Vec::new(),
                "the YAML has values JSON cannot hold (tags or non-text keys)".into(),
            )];
        };
        // An empty document is an empty mapping to the parser too.
        let json = if json.is_null() { json!({}) } else { json };
        self.validator
            .iter_errors(&json)
            .map(|e| {
                let path = e
                    .instance_path()
                    .iter()
                    .map(|seg| match seg {
                        jsonschema::paths::LocationSegment::Property(p) => {
                            PathStep::Key(p.into_owned())
                        }
                        jsonschema::paths::LocationSegment::Index(i) => PathStep::Index(i),
                    })
                    .collect();
                (path, e.to_string())
            })
            .collect()
    }

    /// The problems of one YAML document of `file`, as diagnostics.
    fn diagnostics(&self, file: &SourceFile) -> Vec<Diagnostic> {
        self.problems(file.yaml())
            .into_iter()
            .map(|(path, message)| {
                let segs: Vec<Seg<'_>> = path
                    .iter()
                    .map(|s| match s {
                        PathStep::Key(k) => Seg::Key(k),
                        PathStep::Index(i) => Seg::Index(*i),
                    })
                    .collect();
                let at: Location = file.locate_yaml(&segs);
                Diagnostic::error(Problem::SchemaMismatch {
                    schema: self.kind.file_name(),
                    message,
                })
                .at(at)
                .help("fix the value; `storia schema` writes the schemas an editor can check as you type")
            })
            .collect()
    }
}

/// One step of the path to a value that breaks a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// A key of a mapping.
    Key(String),
    /// A position in a list.
    Index(usize),
}

/// Validates `site.yaml` and every loaded content file's front matter
/// against the generic schemas. The parser already enforces these rules;
/// this keeps what editors are told and what builds accept from drifting.
pub fn check_site(site: &Site) -> Vec<Diagnostic> {
    fn each<M>(checker: &Checker, entries: &[Entry<M>], out: &mut Vec<Diagnostic>) {
        // Front matter with errors was reported while loading, each once.
        for e in entries.iter().filter(|e| !e.damaged) {
            out.extend(checker.diagnostics(&e.file));
        }
    }
    let c = &site.content;
    let mut out = Checker::new(SchemaKind::Site).diagnostics(&site.config.file);
    each(
        &Checker::new(SchemaKind::FrontMatter(EntityKind::Digest)),
        &c.digests,
        &mut out,
    );
    each(
        &Checker::new(SchemaKind::FrontMatter(EntityKind::Actor)),
        &c.actors,
        &mut out,
    );
    each(
        &Checker::new(SchemaKind::FrontMatter(EntityKind::Source)),
        &c.sources,
        &mut out,
    );
    each(
        &Checker::new(SchemaKind::FrontMatter(EntityKind::Story)),
        &c.stories,
        &mut out,
    );
    each(
        &Checker::new(SchemaKind::FrontMatter(EntityKind::Page)),
        &c.pages,
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_breaks_the_schema_and_is_placed_at_its_key() {
        let checker = Checker::new(SchemaKind::FrontMatter(EntityKind::Digest));
        assert!(checker.problems("title: x\ndate: 2022-12-20\n").is_empty());
        let problems = checker.problems("titel: x\ndate: 2022-12-20\n");
        assert!(
            problems.iter().any(|(_, m)| m.contains("titel")),
            "{problems:?}"
        );
    }

    #[test]
    fn values_break_the_schema_as_they_break_the_parser() {
        let checker = Checker::new(SchemaKind::FrontMatter(EntityKind::Digest));
        for bad in [
            "title: x\ndate: 2022-02-30\n",
            "title: x\ndate: 20-12-2022\n",
            "title: x\ndate: 2022-12-20\nactors: [Putin]\n",
            "title: x\ndate: 2022-12-20\nimage: ../x.jpg\n",
            "title: x\ndate: 2022-12-20\nsources: [{id: a, url: 'javascript:alert(1)'}]\n",
            "title: ''\ndate: 2022-12-20\n",
            "title: x\ndate: 2022-12-20\nimage: {src: /a.jpg, credti: x}\n",
            "title: x\ndate: 2022-12-20\nimage: {alt: x}\n",
            "title: x\ndate: 2022-12-20\ncorrections: [{date: 2022-12-21}]\n",
            "title: x\ndate: 2022-12-20\ncorrections: [{date: 21/12/2022, text: t}]\n",
        ] {
            assert!(!checker.problems(bad).is_empty(), "accepted: {bad}");
        }
        for good in [
            "title: 2022\ndate: 2022-12-20T09:30:00+01:00\nstory: 2022\nactors: putin\n",
            "title: x\ndate: 2022-12-20\nimage: /images/a.jpg\nextra: {anything: [1]}\n",
            "title: x\ndate: 2022-12-20\nsummary: ''\nquotes: [{id: q, by: putin, text: t}]\n",
            "title: x\ndate: 2022-12-20\nimage: {src: /a.jpg, alt: A, caption: C, credit: R}\n",
            "title: x\ndate: 2022-12-20\ncorrections: [{date: 2022-12-21, text: t, was: w}]\n",
        ] {
            assert_eq!(checker.problems(good), Vec::new(), "{good}");
        }
    }

    #[test]
    fn site_ids_become_enums() {
        let ids = SiteIds {
            actors: vec!["putin".into()],
            sources: vec!["isw".into()],
            stories: vec!["guerra".into()],
        };
        let schema = site_schema(SchemaKind::FrontMatter(EntityKind::Digest), &ids);
        let by = schema.pointer("/definitions/QuoteMatter/properties/by/enum");
        assert_eq!(by, Some(&json!(["isw", "putin"])));
        let text = schema.to_string();
        assert!(text.contains("[\"guerra\"]"), "{text}");
        let validator = jsonschema::validator_for(&schema).unwrap();
        assert!(
            validator.is_valid(&json!({"title": "t", "date": "2022-12-20", "actors": ["putin"]}))
        );
        assert!(
            !validator.is_valid(&json!({"title": "t", "date": "2022-12-20", "actors": ["putn"]}))
        );
    }
}
