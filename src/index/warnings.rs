//! Warnings: what is probably a mistake, though not an error.

use super::nodes::{ActorIx, DigestIx, Index};
use crate::diagnostics::Diagnostic;
use crate::entity::EntityKind;
use crate::yaml::Seg;

/// Warnings for what is probably a mistake but not an error: an actor no
/// digest involves, a citation nothing cites, a quote with no citation, a
/// digest with no story, a digest published with the placeholder body of
/// `storia new`. Drafts are left alone while they are being written.
pub fn likely_mistakes(index: &Index<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, node) in index.actors.iter().enumerate() {
        if node.digests.is_empty() {
            let a = index.actor(ActorIx(i as u32));
            out.push(
                Diagnostic::warning(format!(
                    "actor `{}` is never mentioned: no digest lists, quotes or links to them",
                    a.id
                ))
                .at(a.locate(&[Seg::Key("name")]))
                .help(format!(
                    "link it from a digest with `[name](actor:{})`, or remove the file",
                    a.id
                )),
            );
        }
    }
    for (i, node) in index.digests.iter().enumerate() {
        let d = index.digest(DigestIx(i as u32));
        if d.matter.draft {
            continue;
        }
        let m = &d.matter;
        if d.body().trim() == crate::scaffold::PLACEHOLDER_BODY {
            let lead = d.body().len() - d.body().trim_start().len();
            let placeholder = crate::scaffold::PLACEHOLDER_BODY.len();
            let at = d.file.location(d.body_start + lead, placeholder);
            out.push(
                Diagnostic::warning(format!(
                    "digest `{}` is published with the placeholder body `storia new` wrote",
                    d.id
                ))
                .at(at)
                .help(
                    "replace it with the digest's text, or mark it `draft: true` until it is ready",
                ),
            );
        }
        if node.stories.is_empty() {
            out.push(
                Diagnostic::warning(format!("digest `{}` belongs to no story", d.id))
                    .at(d.locate(&[Seg::Key("title")]))
                    .help("add `story: ID` so it shows on a story's page and timeline"),
            );
        }
        for (n, c) in m.sources.iter().enumerate() {
            let cited = d
                .refs
                .iter()
                .any(|r| r.kind == EntityKind::Citation && r.id == c.id.as_str())
                || m.quotes.iter().any(|q| q.cite.as_ref() == Some(&c.id));
            if !cited {
                out.push(
                    Diagnostic::warning(format!("citation `{}` is never cited", c.id))
                        .at(d.locate(&[Seg::Key("sources"), Seg::Index(n), Seg::Key("id")]))
                        .help(format!(
                            "cite it in the body with `[text](cite:{})` or from a quote's `cite:`",
                            c.id
                        )),
                );
            }
        }
        for (n, q) in m.quotes.iter().enumerate() {
            if q.cite.is_none() {
                out.push(
                    Diagnostic::warning(format!("quote `{}` has no citation", q.id))
                        .at(d.locate(&[Seg::Key("quotes"), Seg::Index(n), Seg::Key("id")]))
                        .help("add `cite: ID` naming the citation where the words were published"),
                );
            }
        }
    }
    images_without_alt(index, &mut out);
    out
}

/// A body image without alt text: readers who cannot see it learn
/// nothing of it (screen readers read out the file name, or nothing).
fn images_without_alt(index: &Index<'_>, out: &mut Vec<Diagnostic>) {
    use super::nodes::{PageIx, SourceIx, StoryIx};
    let mut warn = |e: &dyn Fn() -> Vec<(String, crate::diagnostics::Location)>| {
        for (dest, at) in e() {
            out.push(
                Diagnostic::warning(format!("image `{dest}` has no alt text"))
                    .at(at)
                    .help(format!(
                        "say what it shows between the brackets, for readers who cannot see it: `![Putin and Lukashenko in Minsk]({dest})`"
                    )),
            );
        }
    };
    macro_rules! each {
        ($nodes:expr, $ix:ident, $get:ident) => {
            for n in 0..$nodes.len() {
                let e = index.$get($ix(n as u32));
                warn(&|| {
                    e.without_alt
                        .iter()
                        .map(|l| (l.dest.clone(), e.local_location(l)))
                        .collect()
                });
            }
        };
    }
    each!(index.digests, DigestIx, digest);
    each!(index.actors, ActorIx, actor);
    each!(index.sources, SourceIx, source);
    each!(index.stories, StoryIx, story);
    each!(index.pages, PageIx, page);
}
