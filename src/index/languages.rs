//! Phase 8: the languages digests are written in, and translation groups.

use super::bodies::Linker;
use super::ids::AllIds;
use super::nodes::{digest_lang, DigestIx, Index};
use super::{IdSet, Resolver};
use crate::diagnostics::Problem;
use crate::entity::EntityKind;
use crate::yaml::Seg;
use std::collections::HashMap;

impl<'s> Resolver<'s> {
    /// With `languages:` declared, every digest (drafts included) is in one of them.
    pub(super) fn check_languages(&mut self) {
        let config = &self.site.config;
        if config.languages.is_empty() {
            return;
        }
        for d in &self.site.content.digests {
            let Some(lang) = d.matter.lang.as_deref() else {
                continue; // the site's language, which `languages:` starts with
            };
            if !config.languages.iter().any(|l| l == lang) {
                self.error(
                    Problem::LanguageNotListed {
                        id: d.id.0.clone(),
                        lang: lang.to_string(),
                        languages: config.languages.join(", "),
                    },
                    d.locate(&[Seg::Key("lang")]),
                    Some(format!(
                        "add `{lang}` to `languages:` in site.yaml, or correct the digest's `lang:`"
                    )),
                );
            }
        }
    }

    /// `translations:` of every digest (drafts included): each id must name
    /// another digest; published ones join one group per set of
    /// translations (union–find, so declaring one direction is enough), and
    /// a group holds each language once.
    pub(super) fn translations(&mut self, index: &mut Index<'s>, all: &AllIds<'s>) {
        let c = &self.site.content;
        let n = index.digests.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for d in &c.digests {
            let me = index.digest_id(d.id.as_str());
            for (i, t) in d.matter.translations.0.iter().enumerate() {
                if t.0.is_empty() {
                    continue; // failed to read, reported
                }
                let at = || d.locate(&[Seg::Key("translations"), Seg::Index(i)]);
                if *t == d.id {
                    let help = Some("list the other languages' digests, not this one".to_string());
                    self.error(
                        Problem::TranslationOfItself { id: d.id.0.clone() },
                        at(),
                        help,
                    );
                    continue;
                }
                match (me, index.digest_id(t.as_str()), all.digests.get(t.as_str())) {
                    (Some(a), Some(b), _) => {
                        let (ra, rb) = (root(&mut parent, a.ix()), root(&mut parent, b.ix()));
                        parent[ra.max(rb)] = ra.min(rb);
                    }
                    (_, None, None) if !c.is_broken(EntityKind::Digest, t.as_str()) => {
                        let rule =
                            |_| "`translations` lists the same digest in other languages".into();
                        let set = IdSet::Of(EntityKind::Digest);
                        let help = self.unknown_help(set, t.as_str(), rule, (index, all));
                        self.error(
                            Problem::UnknownRef {
                                kind: "digest",
                                id: t.0.clone(),
                            },
                            at(),
                            help,
                        );
                    }
                    (Some(_), None, Some(&entry)) => {
                        let kind = EntityKind::Digest;
                        let linker = Linker::Published;
                        if let Some((problem, help)) =
                            self.unpublished(kind, entry, kind, t.as_str(), linker)
                        {
                            let help = help.replace("the link", "it from `translations`");
                            self.error(problem, at(), Some(help));
                        }
                    }
                    _ => {} // from a draft left out of this build
                }
            }
        }
        let langs: Vec<&str> = (0..n)
            .map(|x| digest_lang(&c.digests[index.digests[x].entry], self.site))
            .collect();
        let lang_of = |x: usize| langs[x];
        let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
        for x in 0..n {
            let r = root(&mut parent, x);
            groups.entry(r).or_default().push(x);
        }
        let mut roots: Vec<usize> = groups
            .keys()
            .copied()
            .filter(|r| groups[r].len() > 1)
            .collect();
        roots.sort_unstable();
        for r in roots {
            let mut members = groups.remove(&r).unwrap_or_default();
            members.sort_by(|a, b| lang_of(*a).cmp(lang_of(*b)).then(a.cmp(b)));
            for w in members.windows(2) {
                if lang_of(w[0]) == lang_of(w[1]) {
                    let lang = lang_of(w[0]);
                    let (first, second) = (
                        index.digest(DigestIx(w[0] as u32)),
                        index.digest(DigestIx(w[1] as u32)),
                    );
                    let (problem, at, help) = same_language(first, second, lang);
                    self.error(problem, at, Some(help));
                }
            }
            for &m in &members {
                index.digests[m].translations = members
                    .iter()
                    .filter(|&&o| o != m)
                    .map(|&o| DigestIx(o as u32))
                    .collect();
            }
        }
    }
}

/// Two digests of one translation group in the same language `lang`: the
/// problem, placed at the `translations:` item that joins them (else at
/// the later one's `translations:`), with a help that names the cause: a
/// `lang:` left out, so the site's language, or two written alike.
fn same_language(
    a: &crate::content::Digest,
    b: &crate::content::Digest,
    lang: &str,
) -> (Problem, crate::diagnostics::Location, String) {
    let lists = |x: &crate::content::Digest, y: &crate::content::Digest| {
        x.matter.translations.0.iter().position(|t| *t == y.id)
    };
    let (d, other, at) = match (lists(a, b), lists(b, a)) {
        (_, Some(i)) => (b, a, b.locate(&[Seg::Key("translations"), Seg::Index(i)])),
        (Some(i), None) => (a, b, a.locate(&[Seg::Key("translations"), Seg::Index(i)])),
        (None, None) => {
            let (d, other) = if a.id > b.id { (a, b) } else { (b, a) };
            (d, other, d.locate(&[Seg::Key("translations")]))
        }
    };
    let help = match (d.matter.lang.is_none(), other.matter.lang.is_none()) {
        (true, true) => format!(
            "neither has a `lang:`, so both are in the site's language `{lang}`: give the one in another language its `lang:`, or take `{}` out of `translations:`",
            other.id
        ),
        (true, false) => format!(
            "`{}` has no `lang:`, so it is in the site's language `{lang}`: give it its own `lang:`, or take `{}` out of `translations:`",
            d.id, other.id
        ),
        (false, true) => format!(
            "`{}` has no `lang:`, so it is in the site's language `{lang}`: give it its own `lang:`, or take it out of `translations:`",
            other.id
        ),
        (false, false) => format!(
            "a translation group holds one digest per language: take `{}` out of `translations:`, or correct the `lang:` of one of them",
            other.id
        ),
    };
    let problem = Problem::TranslationsSameLanguage {
        id: d.id.0.clone(),
        other: other.id.0.clone(),
        lang: lang.to_string(),
    };
    (problem, at, help)
}
