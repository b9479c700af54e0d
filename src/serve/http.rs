//! The HTTP side of the dev server: the built site from memory, the reload
//! script, and the channel (Server-Sent Events) that tells open pages to
//! reload, swap stylesheets or show the build's errors.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream, StreamExt};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// What the server shows now.
#[derive(Default)]
pub struct Served {
    /// Output path → bytes, as `storia build` would write them.
    pub files: HashMap<String, Bytes>,
    /// `<server start>.<build number>`: pages compare it to know they are stale.
    pub version: String,
    /// The errors of the last build, when it failed (the files are then the last good ones).
    pub errors: Option<String>,
}

/// A message to every open page.
#[derive(Clone, Debug)]
pub enum Notice {
    /// The site changed: reload, or only swap stylesheets.
    Reload { css: bool, version: String },
    /// The last save broke the build.
    Errors(String),
}

/// Shared by the handlers and the rebuild loop.
pub struct Shared {
    /// The site.
    pub served: RwLock<Served>,
    /// Notices to open pages.
    pub notices: broadcast::Sender<Notice>,
}

const RELOAD_JS: &str = include_str!("reload.js");

/// The routes: our two under `/__storia/`, the site everywhere else.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__storia/events", get(events))
        .route("/__storia/reload.js", get(reload_js))
        .fallback(site)
        .with_state(shared)
}

async fn reload_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        RELOAD_JS,
    )
        .into_response()
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    // Subscribe before reading the state, so no notice falls in between.
    let rx = shared.notices.subscribe();
    let hello = {
        let s = shared.served.read().unwrap_or_else(|p| p.into_inner());
        serde_json::json!({"version": s.version, "errors": s.errors})
    };
    let first = stream::once(async move {
        Ok(SseEvent::default()
            .event("hello")
            .retry(std::time::Duration::from_millis(500))
            .data(hello.to_string()))
    });
    let rest = stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(notice) => return Some((Ok(sse(&notice)), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(first.chain(rest)).keep_alive(KeepAlive::default())
}

fn sse(notice: &Notice) -> SseEvent {
    match notice {
        Notice::Reload { css, version } => SseEvent::default()
            .event("reload")
            .data(serde_json::json!({"css": css, "version": version}).to_string()),
        Notice::Errors(text) => SseEvent::default()
            .event("errors")
            .data(serde_json::json!({ "text": text }).to_string()),
    }
}

/// Where a request path leads in the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// This output file.
    File(String),
    /// A folder asked for without its slash: go to `Location`.
    Redirect(String),
    /// Nothing: the site's 404 page.
    Missing,
    /// A path that tries to leave the site (`..`, encoded or not) or is not text.
    Bad,
}

/// Resolves a raw (still percent-encoded) request path against the site's
/// files. Only names of the built site can ever be answered: the server
/// reads no file from disk, so no path, however crafted, reaches outside.
pub fn resolve(raw: &str, exists: impl Fn(&str) -> bool) -> Found {
    let Ok(path) = percent_encoding::percent_decode_str(raw).decode_utf8() else {
        return Found::Bad;
    };
    if path.contains('\\') || path.contains('\0') {
        return Found::Bad;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == ".." || *s == ".") {
        return Found::Bad;
    }
    let joined = segments.join("/");
    let folder = path.ends_with('/') || joined.is_empty();
    if folder {
        let index = if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        };
        return if exists(&index) {
            Found::File(index)
        } else {
            Found::Missing
        };
    }
    if exists(&joined) {
        Found::File(joined)
    } else if exists(&format!("{joined}/index.html")) {
        Found::Redirect(format!("/{joined}/"))
    } else {
        Found::Missing
    }
}

async fn site(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let s = shared.served.read().unwrap_or_else(|p| p.into_inner());
    let (status, path) = match resolve(uri.path(), |p| s.files.contains_key(p)) {
        Found::File(p) => (StatusCode::OK, p),
        Found::Redirect(to) => {
            let to = match uri.query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response();
        }
        Found::Missing => (StatusCode::NOT_FOUND, "404.html".to_string()),
        Found::Bad => return (StatusCode::BAD_REQUEST, "bad path\n").into_response(),
    };
    let Some(bytes) = s.files.get(&path) else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let mime = if path.ends_with("atom.xml") {
        "application/atom+xml"
            .parse()
            .unwrap_or(mime_guess::mime::TEXT_XML)
    } else {
        mime_guess::from_path(&path).first_or_octet_stream()
    };
    let textual = mime.type_() == "text"
        || matches!(
            mime.subtype().as_str(),
            "json" | "javascript" | "xml" | "svg" | "atom+xml"
        );
    let content_type = if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    let body = if path.ends_with(".html") {
        Bytes::from(inject(bytes, &s.version))
    } else {
        bytes.clone()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The page with the reload script added before `</body>` (at the end when
/// there is none).
pub fn inject(html: &[u8], version: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"/__storia/reload.js\" data-version=\"{}\"></script>",
        crate::markdown::escape_html(version)
    );
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(p: &str) -> bool {
        [
            "index.html",
            "digests/a/index.html",
            "style.css",
            "404.html",
        ]
        .contains(&p)
    }

    #[test]
    fn paths_resolve_inside_the_site_only() {
        assert_eq!(resolve("/", site), Found::File("index.html".into()));
        assert_eq!(
            resolve("/digests/a/", site),
            Found::File("digests/a/index.html".into())
        );
        assert_eq!(
            resolve("/digests/a", site),
            Found::Redirect("/digests/a/".into())
        );
        assert_eq!(resolve("/style.css", site), Found::File("style.css".into()));
        assert_eq!(
            resolve("//style.css", site),
            Found::File("style.css".into())
        );
        assert_eq!(resolve("/nothing/", site), Found::Missing);
        for bad in [
            "/../etc/passwd",
            "/digests/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/digests/..%2f..%2fetc",
            "/./index.html",
            "/..\\etc",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(resolve(bad, site), Found::Bad, "{bad}");
        }
        // Absolute paths are names in the site like any other.
        assert_eq!(resolve("/etc/passwd", site), Found::Missing);
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let out = inject(b"<html><body>x</body></html>", "1.2");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body>x<script src=\"/__storia/reload.js\" data-version=\"1.2\"></script></body></html>"
        );
        assert!(String::from_utf8(inject(b"plain", "1"))
            .unwrap()
            .starts_with("plain<script"));
    }
}
