//! One site kept in memory between edits: rebuilt through the same pipeline
//! as `storia build`, reading only the changed files and rendering only the
//! pages whose inputs changed.

use crate::build::{render_incremental_with, BuildOptions, Caches};
use crate::render::Packed;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The site being served and what the last build kept.
pub struct Session {
    options: BuildOptions,
    caches: Caches,
    /// The diagnostics the last rebuild printed.
    pub last_report: String,
    /// Whether to print stage timings after each rebuild.
    pub timings: bool,
}

/// What one rebuild gave.
pub struct Rebuilt {
    /// Whether the site built (it was shown); otherwise keep serving the
    /// last good one.
    pub built: bool,
    /// How long until the new site was shown.
    pub shown_after: Duration,
    /// The diagnostics as the terminal shows them (errors and warnings).
    pub report: String,
    /// Pages whose templates ran.
    pub rendered: usize,
    /// Pages taken unchanged from the last build.
    pub reused: usize,
    /// Content files read and parsed again.
    pub read: usize,
    /// How long it took.
    pub elapsed: Duration,
    /// How long each stage took.
    pub timings: crate::build::Timings,
    /// Whether no build has succeeded yet (there is no last good site).
    pub never_built: bool,
}

impl Session {
    /// A session for `options` (its output folder is never written).
    pub fn new(options: BuildOptions) -> Self {
        Session {
            options,
            caches: Caches::default(),
            last_report: String::new(),
            timings: false,
        }
    }

    /// Drops what earlier builds kept: the next rebuild reads and renders everything.
    pub fn forget_everything(&mut self) {
        self.caches = Caches::default();
    }

    /// Rebuilds after `changed` (paths relative to the site root) changed,
    /// giving `show` what changed in the site as soon as it is rendered
    /// (not when the build fails); the likely mistakes are looked for after.
    pub fn rebuild(&mut self, changed: &[PathBuf], show: &mut dyn FnMut(Changes)) -> Rebuilt {
        let started = Instant::now();
        for path in changed {
            self.caches.load.forget(path);
        }
        let ids_before = self.caches.ids.clone();
        // Each rebuild is a build of its own moment: with scheduled digests
        // hidden, one whose date has passed appears.
        self.options.now = crate::build::now();
        let whole = self.caches.render.output().is_empty();
        let mut shown_after = None;
        let built = render_incremental_with(&self.options, &mut self.caches, &mut |diags, memo| {
            if diags.has_errors() {
                return;
            }
            show(Changes {
                whole,
                changed: memo
                    .changed
                    .iter()
                    .filter_map(|path| {
                        let bytes = memo.output().get(path)?.bytes.clone()?;
                        Some((path.clone(), bytes))
                    })
                    .collect(),
                removed: memo.removed.clone(),
            });
            shown_after = Some(started.elapsed());
        });
        let mut diagnostics = built.diagnostics;
        // Editors autocomplete ids from the site's schemas: keep them current.
        if self.caches.ids != ids_before {
            if let Err(d) =
                crate::schema::refresh_site_schemas(&self.options.root, &self.caches.ids)
            {
                diagnostics.push(d);
            }
        }
        // Errors come before the site is shown, or it is not.
        let failed = shown_after.is_none();
        Rebuilt {
            built: !failed,
            shown_after: shown_after.unwrap_or_default(),
            report: diagnostics.render_all(),
            rendered: if failed {
                0
            } else {
                self.caches.render.rendered
            },
            reused: if failed { 0 } else { self.caches.render.reused },
            read: self.caches.load.last_read,
            elapsed: started.elapsed(),
            timings: built.timings,
            never_built: self.caches.render.output().is_empty(),
        }
    }
}

/// How the site's files changed.
pub struct Changes {
    /// Whether these are all the files (the site was built from nothing):
    /// files not among them are gone.
    pub whole: bool,
    /// Files added or changed.
    pub changed: Vec<(String, Packed)>,
    /// Files removed.
    pub removed: Vec<String>,
}

/// Whether an edit of `changed` can be shown by swapping stylesheets: every
/// path is a CSS file of the site's or a theme's `static/`.
pub fn css_only(changed: &[PathBuf]) -> bool {
    !changed.is_empty()
        && changed.iter().all(|p| {
            let in_static = p.starts_with("static")
                || (p.starts_with("themes")
                    && p.components()
                        .nth(2)
                        .is_some_and(|c| c.as_os_str() == "static"));
            in_static && p.extension().is_some_and(|e| e == "css")
        })
}

/// The one terminal line a rebuild prints.
pub fn summary(changed: &[PathBuf], r: &Rebuilt) -> String {
    let what = match changed {
        [] => "started".to_string(),
        [one] => format!("{} changed", display(one)),
        [first, rest @ ..] => format!("{} and {} more changed", display(first), rest.len()),
    };
    let ms = r.elapsed.as_millis();
    match r.built {
        true => format!(
            "{what}: {} page{} re-rendered, {} unchanged, {} file{} read, shown in {} ms, done in {ms} ms",
            r.rendered,
            if r.rendered == 1 { "" } else { "s" },
            r.reused,
            r.read,
            if r.read == 1 { "" } else { "s" },
            r.shown_after.as_millis(),
        ),
        false if r.never_built => format!(
            "{what}: the build failed in {ms} ms; every page shows the errors until a save fixes them"
        ),
        false => format!("{what}: the build failed in {ms} ms; still serving the last good site"),
    }
}

fn display(p: &Path) -> String {
    crate::diagnostics::display_path(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stylesheets_of_static_folders_swap_in_place() {
        let p = |s: &str| PathBuf::from(s);
        assert!(css_only(&[p("static/site.css")]));
        assert!(css_only(&[
            p("themes/default/static/style.css"),
            p("static/a/b.css")
        ]));
        assert!(!css_only(&[
            p("static/site.css"),
            p("content/digests/x.md")
        ]));
        assert!(!css_only(&[p("themes/default/templates/x.css")]));
        assert!(!css_only(&[p("static/app.js")]));
        assert!(!css_only(&[]));
    }
}
