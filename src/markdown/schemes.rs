//! Links that would ship broken because of their scheme: a reference kind
//! misspelt (`pgae:`, `Actor:`), a web scheme misspelt (`htps://`), a
//! reference written with a space (`[Putin](actor: putin)`, which Markdown
//! does not read as a link at all and publishes as text).

use super::ScanProblem;
use crate::diagnostics::Problem;
use crate::entity::EntityKind;
use crate::suggest::closest_to;

/// Schemes of ordinary links, never taken for a misspelling.
const WEB_SCHEMES: &[&str] = &[
    "http", "https", "mailto", "tel", "ftp", "data", "sms", "geo",
];

/// The web schemes a misspelling is compared with.
const LIKELY_WEB: [&str; 4] = ["https", "http", "mailto", "tel"];

/// The reference schemes a misspelling is compared with: every kind's,
/// `page` included (a slip for it is as broken as for the others).
fn reference_schemes() -> impl Iterator<Item = &'static str> {
    EntityKind::REFERENCES
        .into_iter()
        .chain([EntityKind::Page])
        .map(EntityKind::scheme)
}

/// The problem of a link scheme that is close to one of ours or to a web
/// scheme without being it, and its help; `None` for any other scheme
/// (`irc:`, `webcal:` are links of their own).
pub(super) fn misspelt(scheme: &str) -> Option<(Problem, String)> {
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let lower = scheme.to_ascii_lowercase();
    if WEB_SCHEMES.contains(&lower.as_str()) {
        return None;
    }
    if let Some(kind) = reference_schemes().find(|k| *k == lower) {
        let problem = Problem::UnknownRefKind {
            scheme: scheme.to_string(),
        };
        return Some((
            problem,
            format!("reference kinds are lower case: write `{kind}:`"),
        ));
    }
    let meant = closest_to(scheme, reference_schemes().chain(LIKELY_WEB))?;
    let help = format!("did you mean `{meant}:`?");
    let scheme = scheme.to_string();
    Some(if LIKELY_WEB.contains(&meant) {
        (Problem::UnknownScheme { scheme }, help)
    } else {
        (Problem::UnknownRefKind { scheme }, help)
    })
}

/// Whether `scheme` names a reference kind, in any case or misspelt.
fn is_reference_like(scheme: &str) -> bool {
    let lower = scheme.to_ascii_lowercase();
    reference_schemes().any(|k| k == lower)
        || closest_to(&lower, reference_schemes().chain(LIKELY_WEB))
            .is_some_and(|meant| !LIKELY_WEB.contains(&meant))
}

/// A reference written with a space around its colon (`actor: putin`,
/// `actor :putin`): the problem, and the help that writes it right.
pub(super) fn spaced(written: &str) -> Option<(Problem, String)> {
    let (before, after) = written.trim().split_once(':')?;
    let (scheme, id) = (before.trim(), after.trim());
    let has_space = before.len() != scheme.len() || after.len() != id.len();
    if !has_space
        || id.is_empty()
        || scheme.contains(char::is_whitespace)
        || id.contains(char::is_whitespace)
        || !is_reference_like(scheme)
    {
        return None;
    }
    let problem = Problem::SpacedReference {
        written: written.trim().to_string(),
    };
    let kind = scheme.to_ascii_lowercase();
    Some((problem, format!("write it without spaces: `{kind}:{id}`")))
}

/// A reference with a space in the text after a link's `]` at `at` of
/// `body`: Markdown does not read `[Putin](actor: putin)` as a link, and
/// would publish it as text.
pub(super) fn spaced_reference(body: &str, at: usize) -> Option<ScanProblem> {
    let rest = body.get(at..)?;
    if !body[..at].ends_with(']') || !rest.starts_with('(') {
        return None;
    }
    let inside = &rest[1..];
    let written = &inside[..inside.find([')', '\n'])?];
    let (problem, help) = spaced(written)?;
    let lead = written.len() - written.trim_start().len();
    Some(ScanProblem {
        offset: at + 1 + lead,
        len: written.trim().len(),
        problem,
        help: Some(help),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_schemes_are_named_with_what_was_meant() {
        let help = |s: &str| misspelt(s).map(|(p, h)| (p.to_string(), h));
        assert_eq!(
            help("pgae"),
            Some((
                "unknown reference kind `pgae:`".into(),
                "did you mean `page:`?".into()
            ))
        );
        assert_eq!(
            help("Actor"),
            Some((
                "unknown reference kind `Actor:`".into(),
                "reference kinds are lower case: write `actor:`".into()
            ))
        );
        assert_eq!(help("htps").unwrap().1, "did you mean `https:`?");
        assert!(help("htps")
            .unwrap()
            .0
            .starts_with("unknown link scheme `htps:`"));
        assert_eq!(help("actr").unwrap().1, "did you mean `actor:`?");
        for fine in [
            "https", "HTTP", "mailto", "irc", "webcal", "ssh", "file", "x-y",
        ] {
            assert_eq!(help(fine), None, "{fine}");
        }
    }

    #[test]
    fn a_reference_with_a_space_is_found_after_its_brackets() {
        let body = "Con [Putin](actor: putin) e [Luka](actor :lukashenko) e [x](nota: bene).";
        let p = spaced_reference(body, body.find("(actor:").unwrap()).unwrap();
        assert_eq!(&body[p.offset..p.offset + p.len], "actor: putin");
        assert_eq!(
            p.help.as_deref(),
            Some("write it without spaces: `actor:putin`")
        );
        let p = spaced_reference(body, body.find("(actor :").unwrap()).unwrap();
        assert_eq!(&body[p.offset..p.offset + p.len], "actor :lukashenko");
        assert!(spaced_reference(body, body.find("(nota").unwrap()).is_none());
        assert!(
            spaced_reference("testo (actor: x)", 6).is_none(),
            "no `]` before"
        );
    }
}
