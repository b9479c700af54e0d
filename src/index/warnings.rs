//! Warnings: what is probably a mistake, though not an error.

use super::nodes::{ActorIx, DigestIx, Index};
use crate::diagnostics::Diagnostic;
use crate::entity::EntityKind;
use crate::yaml::Seg;

/// Warnings for what is probably a mistake but not an error: an actor no
/// digest involves, a citation nothing cites, a quote with no citation, a
/// digest with no story. Drafts are left alone while they are being written.
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
    out
}
