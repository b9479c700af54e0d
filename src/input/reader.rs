//! YAML documents (front matter, `site.yaml`) read field by field, so that
//! one build reports every mistake of a file: each bad value, unknown key
//! and missing field, each at its place.
//!
//! serde_yaml parses the YAML into a tree of values; each field is then
//! read on its own, by its type's `Deserialize` (the rules live with the
//! types, in `input::fields`). A value that fails is reported and leaves a
//! placeholder (an empty id, an empty list), so the rest of the file, its
//! body included, is still read and resolved; the build fails anyway.

use crate::diagnostics::Problem;
use crate::input::fields::{char_name, forbidden_in, OneOrMany, ValueStep, CONTROL_HELP};
use crate::input::texts::Texts;
use crate::input::unknown_key_help;
use crate::suggest::closest_to;
use crate::yaml::{self, Seg};
use serde::de::value::StrDeserializer;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Deserialize;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;

/// One step of the path to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A key of a mapping.
    Key(String),
    /// An item of a list.
    Index(usize),
}

/// A problem found while reading, placed by the path of its value.
#[derive(Debug, Clone)]
pub struct FieldProblem {
    /// Where the value is.
    pub path: Vec<Step>,
    /// Points at the key rather than the value (an unknown key).
    pub at_key: bool,
    /// What is wrong.
    pub problem: Problem,
    /// A suggestion.
    pub help: Option<String>,
}

impl FieldProblem {
    /// The path as the YAML module takes it.
    pub fn segs(&self) -> Vec<Seg<'_>> {
        self.path
            .iter()
            .map(|s| match s {
                Step::Key(k) => Seg::Key(k),
                Step::Index(i) => Seg::Index(*i),
            })
            .collect()
    }
}

/// Front matter, or a part of it (a quote, a citation), read field by field.
pub trait Matter: Sized {
    /// What it is called in diagnostics ("digest front matter", "a quote").
    const WHAT: &'static str;
    /// Reads every field; values that fail leave placeholders.
    fn read(fields: &mut Fields<'_, '_>) -> Self;

    /// What to say about an unknown key that belongs somewhere else (a
    /// quote's `by:` written at the top level).
    fn misplaced(_key: &str) -> Option<String> {
        None
    }

    /// The accepted key an unknown one stands for, when it is another
    /// word for it rather than a misspelling (`source:` for an image's
    /// `src:`): one slip, reported once, with the key to write.
    fn synonym(_key: &str) -> Option<&'static str> {
        None
    }
}

/// The keys `M` accepts, in order.
pub fn keys<M: Matter>() -> Vec<&'static str> {
    let mut problems = Vec::new();
    let mut fields = Fields::of::<M>(&EMPTY, Vec::new(), &mut problems);
    M::read(&mut fields);
    fields.accepted
}

/// A key that starts with a non-breaking (or other Unicode) space: the line
/// was indented with it, and YAML read it as part of the key.
fn odd_indent(key: &str) -> Option<(Problem, String)> {
    let odd = key
        .chars()
        .next()
        .filter(|c| c.is_whitespace() && *c != ' ')?;
    let problem = Problem::FrontMatter(format!(
        "the line of `{}` is indented with {}, which YAML reads as part of the key",
        key.trim(),
        yaml::hints::space_name(odd)
    ));
    Some((problem, "indent with plain spaces".to_string()))
}

/// Reads `value`, a whole front matter, as `M`, with every problem found.
pub fn read<M: Matter>(value: &Value) -> (M, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let map = match value {
        Value::Mapping(map) => Some(map),
        Value::Null => None,
        other => {
            problems.push(FieldProblem {
                path: Vec::new(),
                at_key: false,
                problem: Problem::FrontMatter(format!(
                    "the front matter must be a mapping of `key: value` lines, but it is {}",
                    kind_of(other)
                )),
                help: None,
            });
            // Nothing can be read: placeholders, with no more problems.
            let matter = M::read(&mut Fields::quiet(&mut Vec::new()));
            return (matter, problems);
        }
    };
    let mut fields = Fields::of::<M>(map.unwrap_or(&EMPTY), Vec::new(), &mut problems);
    let matter = M::read(&mut fields);
    fields.finish();
    one_slip_for_a_misplaced_key(&mut problems);
    (matter, problems)
}

/// A key of a list's items written at the top level (a quote's `by:` out
/// of its item) is one slip: the unknown key says where it belongs, and
/// the item that lacks it is not reported again (the last one that does).
fn one_slip_for_a_misplaced_key(problems: &mut Vec<FieldProblem>) {
    let misplaced: Vec<String> = problems
        .iter()
        .filter(|p| p.path.len() == 1)
        .filter_map(|p| match &p.problem {
            Problem::UnknownKey { key, .. } => Some(key.clone()),
            _ => None,
        })
        .collect();
    for key in misplaced {
        let lacking = problems.iter().rposition(|p| {
            p.path.len() > 1
                && matches!(&p.problem, Problem::MissingKey { key: k, .. } if *k == key)
        });
        if let Some(i) = lacking {
            problems.remove(i);
        }
    }
}

/// Placeholders for a front matter that could not be parsed at all.
pub fn placeholder<M: Matter>() -> M {
    M::read(&mut Fields::quiet(&mut Vec::new()))
}

/// A mapping being read.
pub struct Fields<'v, 'p> {
    map: &'v Mapping,
    /// Where the mapping is.
    path: Vec<Step>,
    what: &'static str,
    /// The keys asked for, in order: those the mapping accepts.
    accepted: Vec<&'static str>,
    /// Required keys that are absent.
    missing: Vec<&'static str>,
    /// The mapping's [`Matter::misplaced`].
    misplaced: fn(&str) -> Option<String>,
    /// The mapping's [`Matter::synonym`].
    synonym: fn(&str) -> Option<&'static str>,
    problems: &'p mut Vec<FieldProblem>,
}

static EMPTY: std::sync::LazyLock<Mapping> = std::sync::LazyLock::new(Mapping::new);

impl<'v, 'p> Fields<'v, 'p> {
    /// A reader of `map`, found at `path`, as `M`.
    fn of<M: Matter>(
        map: &'v Mapping,
        path: Vec<Step>,
        problems: &'p mut Vec<FieldProblem>,
    ) -> Self {
        Fields {
            map,
            path,
            what: M::WHAT,
            accepted: Vec::new(),
            missing: Vec::new(),
            misplaced: M::misplaced,
            synonym: M::synonym,
            problems,
        }
    }

    /// A reader of nothing that reports nothing: every field a placeholder.
    fn quiet(problems: &'p mut Vec<FieldProblem>) -> Self {
        Fields {
            map: &EMPTY,
            path: Vec::new(),
            what: "",
            accepted: Vec::new(),
            missing: Vec::new(),
            misplaced: |_| None,
            synonym: |_| None,
            problems,
        }
    }

    fn is_quiet(&self) -> bool {
        self.what.is_empty()
    }

    fn lookup(&mut self, key: &'static str) -> Option<&'v Value> {
        self.accepted.push(key);
        self.map.get(key)
    }

    fn path_to(&self, steps: &[Step]) -> Vec<Step> {
        self.path.iter().chain(steps).cloned().collect()
    }

    fn report(&mut self, steps: &[Step], problem: Problem, help: Option<String>) {
        self.push_problem(steps, false, problem, help);
    }

    /// Like [`Fields::report`], pointing at the key.
    fn report_key(&mut self, steps: &[Step], problem: Problem, help: String) {
        self.push_problem(steps, true, problem, Some(help));
    }

    fn push_problem(
        &mut self,
        steps: &[Step],
        at_key: bool,
        problem: Problem,
        help: Option<String>,
    ) {
        if self.is_quiet() {
            return;
        }
        let path = self.path_to(steps);
        self.problems.push(FieldProblem {
            path,
            at_key,
            problem,
            help,
        });
    }

    /// Reads `value` (at `steps` below this mapping) with `read`, or reports
    /// why it cannot be.
    fn check<T>(
        &mut self,
        steps: &[Step],
        value: &'v Value,
        read: impl FnOnce(&'v Value) -> Result<T, serde_yaml::Error>,
    ) -> Option<T> {
        match read(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let (message, help) = yaml::value_error(&e);
                self.report(steps, Problem::FrontMatter(message), help);
                None
            }
        }
    }

    /// A required field; when absent or wrong, reported, and a placeholder.
    pub fn required<T: DeserializeOwned + Default>(&mut self, key: &'static str) -> T {
        match self.lookup(key) {
            Some(value) => self
                .check(&[Step::Key(key.into())], value, T::deserialize)
                .unwrap_or_default(),
            None => {
                self.missing.push(key);
                T::default()
            }
        }
    }

    /// An optional field (`~` and `null` count as absent).
    pub fn optional<T: DeserializeOwned>(&mut self, key: &'static str) -> Option<T> {
        match self.lookup(key) {
            None | Some(Value::Null) => None,
            Some(value) => self.check(&[Step::Key(key.into())], value, T::deserialize),
        }
    }

    /// A field with a default when absent.
    pub fn or_default<T: DeserializeOwned + Default>(&mut self, key: &'static str) -> T {
        match self.lookup(key) {
            None => T::default(),
            Some(value) => self
                .check(&[Step::Key(key.into())], value, T::deserialize)
                .unwrap_or_default(),
        }
    }

    /// An optional field read by its own function (`opt_text`…), which
    /// decides what counts as absent.
    pub fn with<T>(
        &mut self,
        key: &'static str,
        read: fn(&'v Value) -> Result<Option<T>, serde_yaml::Error>,
    ) -> Option<T> {
        let value = self.lookup(key)?;
        self.check(&[Step::Key(key.into())], value, read).flatten()
    }

    /// A single value or a list of them, each item read (and reported) on
    /// its own; an item that fails keeps its place as a placeholder, so
    /// later stages still point at the right item.
    pub fn one_or_many<T: DeserializeOwned + Default>(
        &mut self,
        key: &'static str,
    ) -> OneOrMany<T> {
        let value = self.lookup(key);
        self.many_at(&[Step::Key(key.into())], value)
    }

    /// [`Fields::one_or_many`] of `value`, found at `at`.
    fn many_at<T: DeserializeOwned + Default>(
        &mut self,
        at: &[Step],
        value: Option<&'v Value>,
    ) -> OneOrMany<T> {
        let item_at = |i: usize| {
            let mut steps = at.to_vec();
            steps.push(Step::Index(i));
            steps
        };
        let items = match value {
            None | Some(Value::Null) => return OneOrMany::default(),
            Some(Value::Sequence(items)) => items,
            Some(value @ (Value::Mapping(_) | Value::Tagged(_))) => {
                self.report(
                    at,
                    Problem::FrontMatter(format!(
                        "invalid type: {}, expected a value or a list of values",
                        kind_of(value)
                    )),
                    None,
                );
                return OneOrMany::default();
            }
            // `actors: putin, lukashenko` meant a list: say so, and read it as one.
            Some(Value::String(text)) if text.contains(',') => {
                let items: Vec<&str> = text.split(',').map(str::trim).collect();
                self.report(
                    at,
                    Problem::FrontMatter(format!(
                        "`{text}` is one value with commas in it, not a list"
                    )),
                    Some(format!(
                        "write a list: `[{}]` (a value with a comma in it is a list of one: `[\"…, …\"]`)",
                        items.join(", ")
                    )),
                );
                let mut read = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let item = StrDeserializer::<serde_yaml::Error>::new(item);
                    read.push(T::deserialize(item).unwrap_or_else(|e| {
                        let (message, help) = yaml::value_error(&e);
                        self.report(&item_at(i), Problem::FrontMatter(message), help);
                        T::default()
                    }));
                }
                return OneOrMany(read);
            }
            Some(value) => std::slice::from_ref(value),
        };
        let read = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                self.check(&item_at(i), item, T::deserialize)
                    .unwrap_or_default()
            })
            .collect();
        OneOrMany(read)
    }

    /// Text written once for every language, or as a map from language to
    /// text (`title: {de: …, en: …}`), each text read by `read` (which
    /// decides what counts as absent). The map's keys must be language
    /// tags; whether they are the site's is checked where `languages:` is
    /// known. A required field that is absent is reported missing.
    pub fn texts<T>(
        &mut self,
        key: &'static str,
        required: bool,
        read: fn(&'v Value) -> Result<Option<T>, serde_yaml::Error>,
    ) -> Texts<T> {
        match self.lookup(key) {
            None => {
                if required {
                    self.missing.push(key);
                }
                Texts::default()
            }
            Some(Value::Mapping(map)) => {
                self.each_lang(key, map, |f, steps, v| f.check(steps, v, read).flatten())
            }
            Some(value) => {
                let steps = [Step::Key(key.into())];
                match self.check(&steps, value, read).flatten() {
                    Some(text) => Texts::one(text),
                    None => Texts::default(),
                }
            }
        }
    }

    /// A map from language to value under `key`: each language checked
    /// (an unknown one is reported at its key and skipped), each value
    /// read with `read` at its place.
    fn each_lang<T>(
        &mut self,
        key: &'static str,
        map: &'v serde_yaml::Mapping,
        mut read: impl FnMut(&mut Self, &[Step], &'v Value) -> Option<T>,
    ) -> Texts<T> {
        let mut each = Vec::with_capacity(map.len());
        for (k, v) in map {
            let lang = key_text(k);
            let steps = [Step::Key(key.into()), Step::Key(lang.clone())];
            if let Err((message, help)) = crate::input::fields::check_lang(&lang) {
                self.report_key(&steps, Problem::FrontMatter(message), help);
                continue;
            }
            if let Some(value) = read(self, &steps, v) {
                each.push((lang, value));
            }
        }
        Texts::by_lang(each)
    }

    /// A value or list of values ([`Fields::one_or_many`]) written once for
    /// every language, or as a map from language to values (`aliases`).
    pub fn texts_many<T: DeserializeOwned + Default>(
        &mut self,
        key: &'static str,
    ) -> Texts<OneOrMany<T>> {
        match self.lookup(key) {
            Some(Value::Mapping(map)) => {
                self.each_lang(key, map, |f, steps, v| Some(f.many_at(steps, Some(v))))
            }
            value => {
                let many: OneOrMany<T> = self.many_at(&[Step::Key(key.into())], value);
                if many.0.is_empty() {
                    Texts::default()
                } else {
                    Texts::one(many)
                }
            }
        }
    }

    /// A list of mappings, each read field by field; an item that is not a
    /// mapping is reported and left out.
    pub fn list<M: Matter>(&mut self, key: &'static str) -> Vec<M> {
        let items = match self.lookup(key) {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Sequence(items)) => items,
            Some(value) => {
                self.check(
                    &[Step::Key(key.into())],
                    value,
                    Vec::<IgnoredAny>::deserialize,
                );
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let steps = [Step::Key(key.into()), Step::Index(i)];
            let Value::Mapping(map) = item else {
                self.report(
                    &steps,
                    Problem::FrontMatter(format!(
                        "{} must be a mapping of `key: value` lines, but it is {}",
                        M::WHAT,
                        kind_of(item)
                    )),
                    None,
                );
                continue;
            };
            let path = self.path_to(&steps);
            let mut fields = Fields::of::<M>(map, path, &mut *self.problems);
            let matter = M::read(&mut fields);
            fields.finish();
            out.push(matter);
        }
        out
    }

    /// A nested mapping (`paths:` of site.yaml), read field by field;
    /// `None` when absent or not a mapping (reported).
    pub fn mapping<M: Matter>(&mut self, key: &'static str) -> Option<M> {
        let steps = [Step::Key(key.into())];
        match self.lookup(key) {
            None | Some(Value::Null) => None,
            Some(Value::Mapping(map)) => {
                let path = self.path_to(&steps);
                let mut fields = Fields::of::<M>(map, path, &mut *self.problems);
                let matter = M::read(&mut fields);
                fields.finish();
                Some(matter)
            }
            Some(value) => {
                let problem = Problem::FrontMatter(format!(
                    "`{key}` must be a mapping of `key: value` lines, but it is {}",
                    kind_of(value)
                ));
                self.report(&steps, problem, None);
                None
            }
        }
    }

    /// A value written short, as one scalar (`image: /images/x.jpg`), or in
    /// full as a mapping read field by field (`image: {src: …, alt: …}`).
    pub fn short_or_mapping<M: Matter>(
        &mut self,
        key: &'static str,
        short: fn(&'v Value) -> Result<M, serde_yaml::Error>,
    ) -> Option<M> {
        match self.lookup(key) {
            None | Some(Value::Null) => None,
            Some(Value::Mapping(_)) => {
                // `mapping` asks for the key again.
                self.accepted.pop();
                self.mapping(key)
            }
            Some(value) => self.check(&[Step::Key(key.into())], value, short),
        }
    }

    /// A mapping of names to values (`links:`), each value read on its own.
    pub fn map_of<T: DeserializeOwned>(&mut self, key: &'static str) -> BTreeMap<String, T> {
        let entries = match self.lookup(key) {
            None | Some(Value::Null) => return BTreeMap::new(),
            Some(Value::Mapping(entries)) => entries,
            Some(value) => {
                let read = BTreeMap::<String, IgnoredAny>::deserialize;
                self.check(&[Step::Key(key.into())], value, read);
                return BTreeMap::new();
            }
        };
        let mut out = BTreeMap::new();
        for (k, v) in entries {
            let name = key_text(k);
            let steps = [Step::Key(key.into()), Step::Key(name.clone())];
            if let Some(v) = self.check(&steps, v, T::deserialize) {
                out.insert(name, v);
            }
        }
        out
    }

    /// A field kept as written (`extra:`); `~` and `null` count as absent.
    /// Its text is checked for the characters no value may hold.
    pub fn raw(&mut self, key: &'static str) -> Option<Value> {
        let value = self.lookup(key).filter(|v| !v.is_null())?;
        let mut found = Vec::new();
        forbidden_in(value, &mut Vec::new(), &mut |path, c| {
            let steps = std::iter::once(Step::Key(key.into()))
                .chain(path.iter().map(|s| match s {
                    ValueStep::Key(k) => Step::Key(k.clone()),
                    ValueStep::Index(i) => Step::Index(*i),
                }))
                .collect::<Vec<_>>();
            found.push((steps, c));
        });
        for (steps, c) in found {
            let problem = Problem::FrontMatter(format!(
                "the value holds the control character {}",
                char_name(c)
            ));
            self.report(&steps, problem, Some(CONTROL_HELP.into()));
        }
        Some(value.clone())
    }

    /// Reports the keys of the mapping that were never asked for, and the
    /// required keys it lacks, unless a wrong key stands for one (`titel:`
    /// is one slip, reported once).
    fn finish(mut self) {
        if self.is_quiet() {
            return;
        }
        let mut meant = Vec::new();
        for key in self.map.keys() {
            let key = key_text(key);
            if self.accepted.contains(&key.as_str()) {
                continue;
            }
            let mut path = self.path.clone();
            path.push(Step::Key(key.clone()));
            let (problem, help) = match odd_indent(&key) {
                Some(problem) => problem,
                None => {
                    let synonym = (self.synonym)(&key);
                    meant.extend(synonym);
                    meant.extend(closest_to(&key, self.accepted.iter().copied()));
                    let help = (self.misplaced)(&key)
                        .or_else(|| synonym.map(|s| format!("write `{s}:` instead")))
                        .unwrap_or_else(|| unknown_key_help(&key, &self.accepted));
                    let what = self.what;
                    (Problem::UnknownKey { key, what }, help)
                }
            };
            self.problems.push(FieldProblem {
                path,
                at_key: true,
                problem,
                help: Some(help),
            });
        }
        for key in std::mem::take(&mut self.missing) {
            if !meant.contains(&key) {
                let what = self.what;
                self.report(
                    &[],
                    Problem::MissingKey {
                        key: key.into(),
                        what,
                    },
                    None,
                );
            }
        }
    }
}

/// A key as text (YAML allows numbers and booleans as keys).
fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// What a value is, as an editor says it.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Null => "empty",
        Value::Tagged(_) => "a tagged value",
        _ => "a single value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::fields::{DateValue, Id, Text};

    struct Probe {
        title: Text,
        date: DateValue,
        tags: OneOrMany<Id>,
        items: Vec<Item>,
    }

    struct Item {
        id: Id,
    }

    impl Matter for Item {
        const WHAT: &'static str = "an item";
        fn read(f: &mut Fields<'_, '_>) -> Self {
            Item {
                id: f.required("id"),
            }
        }
    }

    impl Matter for Probe {
        const WHAT: &'static str = "a probe";
        fn read(f: &mut Fields<'_, '_>) -> Self {
            Probe {
                title: f.required("title"),
                date: f.required("date"),
                tags: f.one_or_many("tags"),
                items: f.list("items"),
            }
        }
    }

    fn problems(text: &str) -> Vec<(String, String)> {
        let value = yaml::parse_value(text).unwrap().0;
        let (_, problems) = read::<Probe>(&value);
        problems
            .iter()
            .map(|p| (format!("{:?}", p.segs()), p.problem.to_string()))
            .collect()
    }

    #[test]
    fn every_problem_of_a_mapping_is_reported() {
        let found =
            problems("date: 2022-13-20\ntags: [ok, Bad, fine]\nauthor: x\nitems: [{id: A}, 3]\n");
        let messages: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`2022-13-20` is not a real date",
                "invalid id `Bad`: ids use only `a-z`, `0-9` and `-`",
                "invalid id `A`: ids use only `a-z`, `0-9` and `-`",
                "an item must be a mapping of `key: value` lines, but it is a single value",
                "unknown key `author` in a probe",
                "missing required key `title` in a probe",
            ]
        );
        assert_eq!(found[1].0, "[Key(\"tags\"), Index(1)]");
        assert_eq!(found[2].0, "[Key(\"items\"), Index(0), Key(\"id\")]");
    }

    #[test]
    fn a_misspelt_required_key_is_one_mistake() {
        let found = problems("titel: x\ndate: 2022-12-20\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "unknown key `titel` in a probe");
    }

    #[test]
    fn what_reads_is_kept_and_failures_leave_placeholders() {
        let text = "title: x\ndate: nope\ntags: [a, B, c]\nitems: [{id: a}, {id: B}]\n";
        let (p, problems) = read::<Probe>(&yaml::parse_value(text).unwrap().0);
        assert_eq!(problems.len(), 3);
        assert_eq!(p.title.0, "x");
        assert_eq!(p.date, DateValue::default());
        assert_eq!(p.tags.0, [Id("a".into()), Id::default(), Id("c".into())]);
        let ids: Vec<&str> = p.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            ["a", ""],
            "an item keeps its place, its bad id a placeholder"
        );
    }

    #[test]
    fn a_front_matter_that_is_not_a_mapping_says_so_once() {
        assert_eq!(
            problems("- title\n"),
            [(
                "[]".to_string(),
                "the front matter must be a mapping of `key: value` lines, but it is a list"
                    .to_string()
            )]
        );
    }
}
