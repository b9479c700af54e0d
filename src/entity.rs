//! The kinds of thing a site is made of, named once: the folders content
//! lives in, the schemes bodies link with, the words diagnostics use and
//! the kinds `storia new` creates all derive from [`EntityKind`].

/// A kind of entity: a file kind (digest, actor, source, story, page) or a
/// part of a digest (quote, citation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum EntityKind {
    /// `content/digests/**/*.md`; linked as `digest:`.
    #[value(help = "A digest, under `content/digests/YYYY/MM/`")]
    Digest,
    /// `content/actors/*.md`; linked as `actor:`.
    #[value(help = "An actor")]
    Actor,
    /// `content/sources/*.md`; linked as `source:`.
    #[value(help = "A source")]
    Source,
    /// `content/stories/*.md`; linked as `story:`.
    #[value(help = "A story")]
    Story,
    /// `content/pages/*.md`; linked as `page:`.
    #[value(help = "A plain page, under `content/pages/`")]
    Page,
    /// A quote of a digest; linked (or embedded) as `quote:`.
    #[value(help = "A quote, added to an existing digest (`--digest`, `--by`, `--text`)")]
    Quote,
    /// A citation of a digest; linked as `cite:` from that digest's body.
    #[value(skip)]
    Citation,
}

impl EntityKind {
    /// The kinds that are files, in the order their folders are listed.
    pub const FILES: [EntityKind; 5] = [
        EntityKind::Digest,
        EntityKind::Actor,
        EntityKind::Source,
        EntityKind::Story,
        EntityKind::Page,
    ];

    /// The kinds a body can link to, in the order editors learn them.
    pub const REFERENCES: [EntityKind; 7] = [
        EntityKind::Actor,
        EntityKind::Source,
        EntityKind::Story,
        EntityKind::Digest,
        EntityKind::Quote,
        EntityKind::Citation,
        EntityKind::Page,
    ];

    /// The word for one of them ("digest", "citation").
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Digest => "digest",
            EntityKind::Actor => "actor",
            EntityKind::Source => "source",
            EntityKind::Story => "story",
            EntityKind::Page => "page",
            EntityKind::Quote => "quote",
            EntityKind::Citation => "citation",
        }
    }

    /// The link scheme naming it (`actor` in `actor:putin`).
    pub fn scheme(self) -> &'static str {
        match self {
            EntityKind::Citation => "cite",
            other => other.name(),
        }
    }

    /// The folder under `content/` holding its files, for file kinds.
    pub fn folder(self) -> Option<&'static str> {
        match self {
            EntityKind::Digest => Some("digests"),
            EntityKind::Actor => Some("actors"),
            EntityKind::Source => Some("sources"),
            EntityKind::Story => Some("stories"),
            EntityKind::Page => Some("pages"),
            EntityKind::Quote | EntityKind::Citation => None,
        }
    }

    /// Its files, as a glob relative to the site root (file kinds only).
    pub fn glob(self) -> Option<String> {
        let files = if self == EntityKind::Digest {
            "**/*.md"
        } else {
            "*.md"
        };
        self.folder().map(|f| format!("content/{f}/{files}"))
    }

    /// Splits a link destination `actor:putin` into the kind and the id.
    pub fn parse_reference(dest: &str) -> Option<(EntityKind, &str)> {
        let (scheme, id) = dest.split_once(':')?;
        Self::REFERENCES
            .into_iter()
            .find(|k| k.scheme() == scheme)
            .map(|k| (k, id))
    }
}
