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
use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::broadcast;

/// What the server shows now.
#[derive(Default)]
pub struct Served {
    /// Output path → bytes, as `storia build` would write them (packed:
    /// shared with the build's memo, unpacked for each request).
    pub files: HashMap<String, crate::render::Packed>,
    /// `<server start>.<build number>`: pages compare it to know they are stale.
    pub version: String,
    /// The errors of the last build, when it failed (the files are then the last good ones).
    pub errors: Option<String>,
}

/// A message to every open page.
#[derive(Clone, Debug)]
pub enum Notice {
    /// The site changed: update the open pages, or only swap stylesheets.
    Reload {
        css: bool,
        version: String,
        /// The files added, changed or removed, when few enough to list
        /// (pages not among them need nothing); `None`: maybe every file.
        changed: Option<Arc<[String]>>,
    },
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

/// How long a connection may take to send a request's head, and how long
/// it may sit idle between requests.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a response may wait for a client that stopped reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until Ctrl-C: each connection on its own
/// task, closed when its request head takes longer than [`HEAD_TIMEOUT`]
/// (idle keep-alive included) or a write stalls for [`WRITE_TIMEOUT`], and
/// every request checked for a `Host` this server answers to.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    let mut stop = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of descriptors and the like: the next accept may do.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => return Ok(()),
        };
        let Ok(local) = stream.local_addr() else {
            continue;
        };
        let app = app
            .clone()
            .layer(axum::middleware::from_fn(check_host))
            .layer(axum::Extension(Bound(local)));
        tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(WriteTimeout::new(stream, WRITE_TIMEOUT));
            let service = hyper_util::service::TowerToHyperService::new(app);
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .serve_connection(io, service)
                .await;
        });
    }
}

/// The address a connection came in on.
#[derive(Clone, Copy)]
struct Bound(std::net::SocketAddr);

/// Refuses a request whose `Host` is neither a loopback name nor the
/// address the connection came in on. A web page the editor visits could
/// otherwise point a name of its own at 127.0.0.1 (DNS rebinding) and read
/// the drafts this server shows.
async fn check_host(
    axum::Extension(Bound(local)): axum::Extension<Bound>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    if host.is_some_and(|h| host_allowed(h, local)) {
        return next.run(request).await;
    }
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "storia serve answers only to http://localhost:{port}/ or http://{local}/: \
             this request named another host (`{}`), as a page using DNS rebinding to read \
             the site would\n",
            host.unwrap_or("none"),
            port = local.port()
        ),
    )
        .into_response()
}

/// Whether `host` (a `Host` header: a name or address, maybe a port) names
/// this server: `localhost` or a name under it, a loopback address, or the
/// address the connection came in on.
pub fn host_allowed(host: &str, local: std::net::SocketAddr) -> bool {
    let name = match host.strip_prefix('[') {
        // `[::1]:1111`
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == local.ip(),
        Err(_) => false,
    }
}

/// A connection whose writes fail once one has made no progress for a
/// while: a client that stops reading cannot hold a response (or the
/// reload channel) open forever.
struct WriteTimeout {
    stream: tokio::net::TcpStream,
    limit: Duration,
    stalled: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl WriteTimeout {
    fn new(stream: tokio::net::TcpStream, limit: Duration) -> Self {
        WriteTimeout {
            stream,
            limit,
            stalled: None,
        }
    }

    /// Turns a pending write into an error once it has been pending too long.
    fn watch<T>(
        &mut self,
        cx: &mut std::task::Context<'_>,
        poll: std::task::Poll<std::io::Result<T>>,
    ) -> std::task::Poll<std::io::Result<T>> {
        use std::task::Poll;
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let limit = self.limit;
        let sleep = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::ErrorKind::TimedOut.into())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl tokio::io::AsyncRead for WriteTimeout {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for WriteTimeout {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let poll = std::pin::Pin::new(&mut self.stream).poll_write(cx, buf);
        self.watch(cx, poll)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let poll = std::pin::Pin::new(&mut self.stream).poll_flush(cx);
        self.watch(cx, poll)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
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
        Notice::Reload {
            css,
            version,
            changed,
        } => SseEvent::default().event("reload").data(
            serde_json::json!({"css": css, "version": version, "changed": changed.as_deref()})
                .to_string(),
        ),
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

/// The "not found" page for a missing `raw` path: its edition's
/// (`/en/…` → `en/404.html`) when the site has one there, else the site's.
pub fn not_found_page(raw: &str, exists: impl Fn(&str) -> bool) -> String {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let first = decoded
        .split('/')
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    let edition = format!("{first}/404.html");
    if !first.is_empty() && !first.contains("..") && exists(&edition) {
        edition
    } else {
        "404.html".to_string()
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
    if s.files.is_empty() {
        // No build has succeeded yet: every path shows why, and the page
        // reloads itself once a save fixes the site.
        let text = s.errors.as_deref().unwrap_or_default();
        let mut response = Response::new(Body::from(not_built(text, &s.version)));
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        return response;
    }
    let (status, path) = match resolve(uri.path(), |p| s.files.contains_key(p)) {
        Found::File(p) => (StatusCode::OK, p),
        Found::Redirect(to) => {
            let to = match uri.query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response();
        }
        Found::Missing => (
            StatusCode::NOT_FOUND,
            not_found_page(uri.path(), |p| s.files.contains_key(p)),
        ),
        Found::Bad => return (StatusCode::BAD_REQUEST, "bad path\n").into_response(),
    };
    let Some(packed) = s.files.get(&path) else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let bytes = packed.unpack();
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
        Bytes::from(inject(&bytes, &s.version))
    } else {
        Bytes::from(bytes.into_owned())
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

/// The page every path shows while the site has never built: the errors
/// (the reload script lays its overlay over them), and the reload script,
/// which reloads the page once a build succeeds.
pub fn not_built(errors: &str, version: &str) -> Vec<u8> {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\" data-storia-never-built>\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>storia: the site does not build yet</title>\n</head>\n<body>\n<main>\n\
         <h1>The site does not build yet</h1>\n\
         <p>Fix the file the errors point at and save: this page reloads by itself.</p>\n\
         <pre>{}</pre>\n</main>\n</body>\n</html>\n",
        crate::markdown::escape_html(errors)
    );
    inject(page.as_bytes(), version)
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
    fn a_missing_page_gets_its_editions_not_found_page() {
        let exists = |p: &str| ["404.html", "en/404.html"].contains(&p);
        assert_eq!(not_found_page("/en/nope/", exists), "en/404.html");
        assert_eq!(not_found_page("/nope/", exists), "404.html");
        assert_eq!(not_found_page("/ar/nope", exists), "404.html");
        assert_eq!(not_found_page("/", exists), "404.html");
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
    fn only_loopback_names_and_the_bound_address_are_hosts() {
        let local: std::net::SocketAddr = "192.168.1.5:1111".parse().unwrap();
        for ok in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.:1111",
            "app.localhost:1111",
            "127.0.0.1:1111",
            "127.1.2.3",
            "[::1]:1111",
            "192.168.1.5:1111",
        ] {
            assert!(host_allowed(ok, local), "{ok}");
        }
        for bad in [
            "attacker.example:1111",
            "localhost.attacker.example",
            "192.168.1.6:1111",
            "0.0.0.0:1111",
            "[::2]:1111",
            "",
            "127.0.0.1.nip.io",
        ] {
            assert!(!host_allowed(bad, local), "{bad}");
        }
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
