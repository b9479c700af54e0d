//! `storia check`: build in memory, then verify every internal link, anchor
//! and asset of the result; with `--external`, also fetch every citation,
//! archive, source and actor link, concurrently, with a timeout and a limit
//! per host. Problems point at the content file and line that hold the link
//! when it was written there, else at the page (a template's link). Front
//! matter and `site.yaml` are also validated against the JSON Schemas that
//! `storia schema` ships.

use crate::build::{render_site, BuildOptions};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Problem};
use crate::input::fields::HttpUrl;
use crate::yaml::Seg;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The build to check.
    pub build: BuildOptions,
    /// Fetch external URLs too.
    pub external: bool,
    /// Per request.
    pub timeout: Duration,
    /// Requests at once to one host.
    pub per_host: usize,
    /// Requests at once in all.
    pub jobs: usize,
}

/// Builds in memory and checks the result; returns every problem found.
pub fn check(options: &CheckOptions) -> Diagnostics {
    let mut built = render_site(&options.build);
    let mut diags = std::mem::take(&mut built.diagnostics);
    let Some(site) = built.site.take() else {
        return diags;
    };
    diags.extend(crate::schema::check_site(&site));
    if diags.has_errors() && !built.rendered {
        return diags;
    }
    // Links the build already reported (written from the site's root, to
    // nothing) are not reported again from the pages that show them.
    let reported: HashSet<(PathBuf, String)> = diags
        .iter()
        .filter_map(|d| match (&d.problem, &d.location) {
            (Problem::BrokenLink { url, .. }, Some(at)) => Some((at.file.clone(), url.clone())),
            _ => None,
        })
        .collect();
    let base_path = url::Url::parse(&built.base_url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| "/".into());
    let files: HashMap<&str, &[u8]> = built
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.bytes.as_slice()))
        .collect();
    // Each page is parsed once, in parallel, and only its ids and links are
    // kept: a large site's parsed pages never sit in memory together.
    let id_sel = scraper::Selector::parse("[id], a[name]").expect("valid selector");
    let link_sel = scraper::Selector::parse(
        "a[href], link[href], script[src], img[src], source[src], iframe[src]",
    )
    .expect("valid selector");
    let pages: Vec<(&str, HashSet<String>, Vec<String>)> = built
        .files
        .par_iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| {
            let html = scraper::Html::parse_document(&String::from_utf8_lossy(&f.bytes));
            let ids = html
                .select(&id_sel)
                .filter_map(|e| e.value().attr("id").or(e.value().attr("name")))
                .map(str::to_string)
                .collect();
            let links = html
                .select(&link_sel)
                .filter_map(|e| e.value().attr("href").or(e.value().attr("src")))
                .map(str::to_string)
                .collect();
            (f.path.as_str(), ids, links)
        })
        .collect();
    let ids: HashMap<&str, &HashSet<String>> =
        pages.iter().map(|(path, ids, _)| (*path, ids)).collect();
    let texts: HashMap<&Path, &str> = site
        .content
        .files()
        .map(|f| (f.path.as_path(), &*f.text))
        .collect();
    for (page, _, links) in &pages {
        for url in links {
            if let Some(reason) = internal_problem(url, page, &base_path, &files, &ids) {
                let source = built.sources.get(*page).map(PathBuf::as_path);
                let written = url.strip_prefix(&base_path[..base_path.len() - 1]);
                let seen = |file: &Path| {
                    written.is_some_and(|w| reported.contains(&(file.to_path_buf(), w.to_string())))
                };
                if source.is_some_and(seen) {
                    continue;
                }
                // Written in the body from the site's root, without its path.
                let url_written = written.unwrap_or(url);
                let at = place(
                    source.and_then(|p| Some((p, *texts.get(p)?))),
                    page,
                    url_written,
                );
                diags.push(
                    Diagnostic::error(Problem::BrokenLink {
                        url: url.to_string(),
                        reason,
                    })
                    .at(at),
                );
            }
        }
    }
    if options.external {
        diags.extend(check_external(options, &site));
    }
    diags
}

/// Why an internal URL of `page` leads nowhere, or `None` if it is fine or external.
fn internal_problem(
    url: &str,
    page: &str,
    base_path: &str,
    files: &HashMap<&str, &[u8]>,
    ids: &HashMap<&str, &HashSet<String>>,
) -> Option<String> {
    let is_external = url.contains("://")
        || url.starts_with("//")
        || url
            .split_once(':')
            .is_some_and(|(s, _)| !s.contains('/') && !s.is_empty());
    if is_external || url.is_empty() {
        return None;
    }
    let (path, fragment) = url
        .split_once('#')
        .map_or((url, None), |(p, f)| (p, Some(f)));
    // Browsers and hosts decode `%C3%A9` into the file name `é`; so do we.
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let path = decode(path.split('?').next().unwrap_or_default());
    let fragment = fragment.map(decode);
    let target = if path.is_empty() {
        page.to_string()
    } else if path.starts_with('/') {
        match path.strip_prefix(base_path) {
            Some(rel) => rel.to_string(),
            None => return Some(format!("it is outside the site's base path `{base_path}`")),
        }
    } else {
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        normalize(&format!("{dir}/{path}"))?
    };
    let target = if target.is_empty() || target.ends_with('/') {
        format!("{target}index.html")
    } else {
        target
    };
    let target = if files.contains_key(target.as_str()) {
        target
    } else if files.contains_key(format!("{target}/index.html").as_str()) {
        format!("{target}/index.html")
    } else {
        return Some(format!("no page or file `{target}` in the site"));
    };
    match fragment {
        Some(f) if !f.is_empty() && target.ends_with(".html") => {
            let found = ids.get(target.as_str()).is_some_and(|set| set.contains(&f));
            (!found).then(|| format!("no anchor `#{f}` in `{target}`"))
        }
        _ => None,
    }
}

/// Resolves `.` and `..` in a relative output path; `None` if it climbs out.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let trailing = if path.ends_with('/') { "/" } else { "" };
    Some(parts.join("/") + trailing)
}

/// Where to report a link: the line of the content file (path and text)
/// that holds it, or the page.
fn place(source: Option<(&Path, &str)>, page: &str, url: &str) -> Location {
    if let Some((file, text)) = source {
        if let Some(offset) = text.find(url) {
            return Location::at_offset(file, text, offset, url.len());
        }
    }
    Location::file(Path::new(&format!("(built page) {page}")))
}

/// What to say about a dead link of a citation, which can point at an
/// archived copy instead.
const CITATION_HELP: &str =
    "fix the address, or add an `archived:` copy (https://web.archive.org/)";
/// What to say about any other dead link.
const ADDRESS_HELP: &str = "fix the address";

/// Every external URL of the content, with where it is written and what to
/// say when it is dead (only a citation has an `archived:` to suggest).
fn external_urls(site: &Site, build: &BuildOptions) -> Vec<(String, Location, &'static str)> {
    let c = &site.content;
    let mut out = Vec::new();
    let mut push = |url: &HttpUrl, at: Location, help| out.push((url.0.clone(), at, help));
    for d in c.digests.iter().filter(|d| build.drafts || !d.matter.draft) {
        for (i, cit) in d.matter.sources.iter().enumerate() {
            push(
                &cit.url,
                d.locate(&[Seg::Key("sources"), Seg::Index(i), Seg::Key("url")]),
                CITATION_HELP,
            );
            if let Some(a) = &cit.archived {
                push(
                    a,
                    d.locate(&[Seg::Key("sources"), Seg::Index(i), Seg::Key("archived")]),
                    ADDRESS_HELP,
                );
            }
        }
    }
    for s in &c.sources {
        if let Some(u) = &s.matter.url {
            push(u, s.locate(&[Seg::Key("url")]), ADDRESS_HELP);
        }
    }
    for a in &c.actors {
        for (name, u) in &a.matter.links {
            push(
                u,
                a.locate(&[Seg::Key("links"), Seg::Key(name)]),
                ADDRESS_HELP,
            );
        }
    }
    out
}

/// Whether `host` has an address: a name the resolver knows, or an address.
fn resolves(host: &str) -> bool {
    use std::net::ToSocketAddrs;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (host, 443)
        .to_socket_addrs()
        .is_ok_and(|mut a| a.next().is_some())
}

fn check_external(options: &CheckOptions, site: &Site) -> Vec<Diagnostic> {
    let urls = external_urls(site, &options.build);
    // Each URL is fetched once, however often it is cited.
    let mut by_url: BTreeMap<String, Vec<(Location, &'static str)>> = BTreeMap::new();
    for (url, at, help) in urls {
        by_url.entry(url).or_default().push((at, help));
    }
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for url in by_url.keys() {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        by_host.entry(host).or_default().push(url.clone());
    }
    // Offline, every URL would be reported dead: when not one host has an
    // address, say that once instead.
    let hosts: Vec<&String> = by_host.keys().collect();
    if !hosts.is_empty() && !hosts.par_iter().any(|h| resolves(h)) {
        return vec![Diagnostic::error(Problem::Offline {
            hosts: hosts.len(),
            urls: by_url.len(),
        })
        .help("check again when this machine is online; `storia check` without `--external` checks the rest")];
    }
    // A job is one host's share: at most `per_host` jobs per host run at once.
    let per_host = options.per_host.max(1);
    let jobs: Vec<Vec<String>> = by_host
        .into_values()
        .flat_map(|urls| {
            let mut lanes = vec![Vec::new(); per_host.min(urls.len())];
            for (i, u) in urls.into_iter().enumerate() {
                let n = lanes.len();
                lanes[i % n].push(u);
            }
            lanes
        })
        .collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("storia-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let queue = Mutex::new(jobs);
    let dead = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1) {
            scope.spawn(|| {
                // The guard is dropped inside `map`, so workers never hold the queue while fetching.
                while let Some(job) = queue.lock().map(|mut q| q.pop()).unwrap_or(None) {
                    for url in job {
                        if let Some(reason) = fetch_problem(&agent, &url) {
                            if let Ok(mut d) = dead.lock() {
                                d.push((url, reason));
                            }
                        }
                    }
                }
            });
        }
    });
    let mut out = Vec::new();
    for (url, reason) in dead.into_inner().unwrap_or_default() {
        for (at, help) in by_url.get(&url).into_iter().flatten() {
            out.push(
                Diagnostic::error(Problem::DeadLink {
                    url: url.clone(),
                    reason: reason.clone(),
                })
                .at(at.clone())
                .help(*help),
            );
        }
    }
    out
}

/// Why a URL is dead, or `None` when it answers with a success or a redirect.
fn fetch_problem(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
        r.map(|resp| resp.status().as_u16())
    };
    // Some servers refuse HEAD: ask again with GET before calling a link dead.
    let result = match status(agent.head(url).call()) {
        Ok(code) if code == 405 || code == 403 || code == 501 => status(agent.get(url).call()),
        other => other,
    };
    match result {
        Ok(code) if code < 400 => None,
        Ok(code) => Some(format!("the server answered {code}")),
        Err(e) => Some(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::{internal_problem, normalize};
    use std::collections::{HashMap, HashSet};

    #[test]
    fn relative_paths_cannot_climb_out_of_the_site() {
        assert_eq!(normalize("a/b/../c/").as_deref(), Some("a/c/"));
        assert_eq!(normalize("../x"), None);
    }

    #[test]
    fn percent_encoded_links_find_their_files() {
        let files: HashMap<&str, &[u8]> =
            [("img/café.jpg", &b""[..]), ("a/index.html", &b""[..])].into();
        let anchors = HashSet::from(["città".to_string()]);
        let ids: HashMap<&str, &HashSet<String>> = [("a/index.html", &anchors)].into();
        let check = |url| internal_problem(url, "a/index.html", "/", &files, &ids);
        assert_eq!(check("/img/caf%C3%A9.jpg"), None);
        assert_eq!(check("../img/caf%C3%A9.jpg"), None);
        assert_eq!(check("/a/#citt%C3%A0"), None);
        assert_eq!(
            check("/img/nope.jpg").as_deref(),
            Some("no page or file `img/nope.jpg` in the site")
        );
    }
}
