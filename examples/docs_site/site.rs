//! The user guide as a storia site. The chapters stay plain Markdown that
//! reads well on a code host (`docs/guide/*.md`, plus `docs/templates.md`
//! and `docs/deploy.md`); this turns each into a page of a site: its `#`
//! heading becomes the front matter's title, links between the files become
//! links between pages, and other files they link to become static files.

use std::path::Path;

/// The chapters, in reading order: `docs/guide/<id>.md`.
pub const CHAPTERS: &[&str] = &[
    "getting-started",
    "install",
    "content",
    "references",
    "images",
    "correcting",
    "editors",
    "cli",
    "themes",
    "search-page",
    "languages",
    "serve",
    "publishing",
    "troubleshooting",
];

/// Reference documents of `docs/` that the chapters link to, published as pages too.
pub const REFERENCES: &[&str] = &["templates", "deploy"];

const SITE_YAML: &str = "title: \"storia user guide\"\nbase_url: \"https://example.org/\"\nlanguage: en\ndescription: \"How to write, check, theme and publish a storia site.\"\n";

/// Writes the guide's site into `out` (created; must not hold another site).
pub fn generate(docs: &Path, out: &Path) -> Result<(), String> {
    let write = |rel: &str, text: &str| {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write("site.yaml", SITE_YAML)?;
    let sources = CHAPTERS
        .iter()
        .map(|id| (*id, docs.join("guide").join(format!("{id}.md"))))
        .chain(
            REFERENCES
                .iter()
                .map(|id| (*id, docs.join(format!("{id}.md")))),
        );
    let mut contents = String::new();
    for (id, path) in sources {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (title, body) = text
            .strip_prefix("# ")
            .and_then(|t| t.split_once('\n'))
            .ok_or_else(|| format!("{}: the first line must be a `# ` heading", path.display()))?;
        let dir = path.parent().unwrap_or(docs);
        let body =
            rewrite_links(body, dir, docs, out).map_err(|e| format!("{}: {e}", path.display()))?;
        let title = serde_json::to_string(title.trim()).unwrap_or_default();
        write(
            &format!("content/pages/{id}.md"),
            &format!("---\ntitle: {title}\n---\n{body}"),
        )?;
        if CHAPTERS.contains(&id) {
            contents.push_str(&format!(
                "<li><a href=\"{id}/\">{}</a></li>",
                title.trim_matches('"')
            ));
        }
    }
    // The home page: the chapters in reading order.
    write(
        "templates/index.html",
        &format!(
            "{{% extends \"base.html\" %}}\n{{% block content %}}\n<article class=\"plain-page\">\n  \
             <header class=\"page-header\"><h1 class=\"page-title\">{{{{ site.title }}}}</h1>\n  \
             <p class=\"dek\">{{{{ site.description }}}}</p></header>\n  \
             <div class=\"prose\"><ol>{contents}</ol></div>\n</article>\n{{% endblock content %}}\n"
        ),
    )?;
    Ok(())
}

/// Rewrites the relative links of a chapter in `dir`: `x.md#a` to the page
/// `../x/#a`, other files of `docs/` to static copies. A link to a Markdown
/// file that is not part of the guide is an error, so none breaks unseen.
/// Code (fenced blocks and inline spans) is left alone.
fn rewrite_links(body: &str, dir: &Path, docs: &Path, out: &Path) -> Result<String, String> {
    let mut result = String::with_capacity(body.len());
    let mut fenced = false;
    for line in body.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || line.trim_start().starts_with("```") {
            result.push_str(line);
            continue;
        }
        // Between backticks is code: odd pieces of the split.
        for (i, piece) in line.split('`').enumerate() {
            if i > 0 {
                result.push('`');
            }
            if i % 2 == 1 {
                result.push_str(piece);
            } else {
                result.push_str(&rewrite_prose(piece, dir, docs, out)?);
            }
        }
    }
    Ok(result)
}

fn rewrite_prose(text: &str, dir: &Path, docs: &Path, out: &Path) -> Result<String, String> {
    let mut result = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        result.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = &rest[..end];
        let (path, fragment) = target
            .split_once('#')
            .map_or((target, None), |(p, f)| (p, Some(f)));
        let relative = !path.is_empty() && !path.contains(':') && !path.starts_with('/');
        if !relative {
            continue;
        }
        let file = dir.join(path);
        let new_target = if let Some(stem) = path.strip_suffix(".md") {
            let id = stem.rsplit('/').next().unwrap_or(stem);
            if !CHAPTERS.contains(&id) && !REFERENCES.contains(&id) {
                return Err(format!(
                    "links to `{target}`, which is not part of the guide"
                ));
            }
            format!("../{id}/")
        } else if file.is_file() && file.starts_with(docs) {
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            std::fs::create_dir_all(out.join("static")).map_err(|e| e.to_string())?;
            std::fs::copy(&file, out.join("static").join(name))
                .map_err(|e| format!("{}: {e}", file.display()))?;
            format!("../{name}")
        } else {
            return Err(format!("links to `{target}`, which does not exist"));
        };
        result.push_str(&new_target);
        if let Some(f) = fragment {
            result.push('#');
            result.push_str(f);
        }
        rest = &rest[end..];
    }
    result.push_str(rest);
    Ok(result)
}
