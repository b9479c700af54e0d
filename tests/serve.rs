//! `storia serve` as a browser sees it: a real server on an ephemeral port,
//! its reload channel, and edits made to the files on disk.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

struct Server {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
    log: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(fixture: &str, args: &[&str]) -> Server {
        Server::start_after(fixture, args, |_| {})
    }

    /// Starts on the fixture as `prepare` leaves it.
    fn start_after(fixture: &str, args: &[&str], prepare: impl FnOnce(&Path)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&common::fixture(fixture), dir.path());
        prepare(dir.path());
        let mut child = Command::new(env!("CARGO_BIN_EXE_storia"))
            .args(["serve", "--port", "0", "--root"])
            .arg(dir.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, log) = channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            base: String::new(),
            dir,
            log,
        };
        let line = server.wait_log("serving ");
        let at = line.find("http://").expect("an address");
        server.base = line[at..].split_whitespace().next().unwrap().to_string();
        server
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Waits for a terminal line containing `needle`.
    fn wait_log(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line with `{needle}` from the server"),
            }
        }
    }

    fn get(&self, path: &str) -> Response {
        raw_get(&self.base, path)
    }

    fn events(&self) -> Events {
        Events::open(&self.base)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.root().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no `{from}`");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }
}

struct Response {
    status: u16,
    headers: String,
    body: String,
}

/// One request on a fresh connection, the path sent exactly as given (an
/// HTTP library would clean up the `..` this test needs to send).
fn raw_get(base: &str, path: &str) -> Response {
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    raw_request(base, path, &format!("Host: {host}\r\n"))
}

/// `GET path` with the given header lines (`Host: …\r\n`, or none).
fn raw_request(base: &str, path: &str, headers: &str) -> Response {
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// A subscriber to the reload channel, as the injected script is.
struct Events {
    rx: Receiver<(String, String)>,
}

impl Events {
    fn open(base: &str) -> Events {
        let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
        let response = agent.get(&format!("{base}__storia/events")).call().unwrap();
        assert!(response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("text/event-stream")));
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let reader = BufReader::new(response.into_body().into_reader());
            let mut event = String::new();
            for line in reader.lines().map_while(Result::ok) {
                if let Some(e) = line.strip_prefix("event: ") {
                    event = e.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    if tx.send((event.clone(), d.to_string())).is_err() {
                        break;
                    }
                }
            }
        });
        Events { rx }
    }

    /// The next event's name and data.
    fn next(&self) -> (String, serde_json::Value) {
        let (name, data) = self
            .rx
            .recv_timeout(WAIT)
            .expect("an event from the server");
        (name, serde_json::from_str(&data).unwrap())
    }

    fn expect(&self, name: &str) -> serde_json::Value {
        let (got, data) = self.next();
        assert_eq!(got, name, "{data}");
        data
    }
}

const PESKOV: &str = "content/digests/2022/12/2022-12-21-peskov.md";

#[test]
fn pages_are_served_with_the_reload_script_and_the_right_types() {
    let s = Server::start("basic", &[]);
    let page = s.get("/digests/2022-12-21-peskov/");
    assert_eq!(page.status, 200);
    assert!(page
        .headers
        .contains("content-type: text/html; charset=utf-8"));
    assert!(page
        .body
        .contains("<script src=\"/__storia/reload.js\" data-version=\""));
    assert!(page.body.trim_end().ends_with("</html>"));
    // Links point at the server, not at the site's base_url.
    assert!(
        page.body.contains(&format!("href=\"{}atom.xml\"", s.base))
            || page.body.contains("href=\"/atom.xml\"")
    );
    assert!(!page.body.contains("https://example.org/"));
    for (path, kind) in [
        ("/atom.xml", "application/atom+xml"),
        ("/sitemap.xml", "xml"),
        ("/search/index.json", "application/json"),
        ("/__storia/reload.js", "text/javascript"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.headers.contains(kind), "{path}: {}", r.headers);
    }
    let css = s.get("/style.css");
    assert_eq!(css.status, 200, "unfingerprinted while serving");
    assert!(css.headers.contains("text/css"));
    // Drafts are shown while writing.
    assert_eq!(s.get("/digests/2023-01-05-bozza/").status, 200);
    // A folder without its slash is redirected, like static hosts do.
    let r = s.get("/digests/2022-12-21-peskov");
    assert_eq!(r.status, 301);
    assert!(r.headers.contains("location: /digests/2022-12-21-peskov/"));
    // Missing pages get the site's own 404 page.
    let missing = s.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html"));
}

#[test]
fn requests_naming_another_host_are_refused() {
    // DNS rebinding: a page on attacker.example points its name at
    // 127.0.0.1 and reads the drafts; its requests still say its own name.
    let s = Server::start("basic", &[]);
    let port = s.base.rsplit(':').next().unwrap().trim_end_matches('/');
    for host in [
        format!("attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        "127.0.0.1.nip.io".to_string(),
    ] {
        for path in [
            "/digests/2023-01-05-bozza/",
            "/__storia/events",
            "/atom.xml",
        ] {
            let r = raw_request(&s.base, path, &format!("Host: {host}\r\n"));
            assert_eq!(r.status, 403, "{host} {path}: {}", r.body);
            assert!(!r.body.contains("<html") && r.body.contains("storia serve answers only"));
        }
    }
    let r = raw_request(&s.base, "/", "");
    assert_eq!(r.status, 403, "no Host at all");
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("app.localhost:{port}"),
    ] {
        let r = raw_request(
            &s.base,
            "/digests/2023-01-05-bozza/",
            &format!("Host: {host}\r\n"),
        );
        assert_eq!(r.status, 200, "{host}");
    }
}

/// Whether the server closes `stream` (end of file or reset) before
/// `limit`, reading and discarding what it sends.
fn closed_by_server(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

#[test]
fn idle_and_slow_connections_are_closed() {
    let s = Server::start("basic", &[]);
    let addr = s
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    // A connection that never sends a request.
    let mut idle = TcpStream::connect(&addr).unwrap();
    // One that sends its head a byte at a time, never finishing (slowloris).
    let mut slow = TcpStream::connect(&addr).unwrap();
    let dribble = std::thread::spawn({
        let mut slow = slow.try_clone().unwrap();
        move || {
            let head =
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ".to_string() + &"a".repeat(200);
            for b in head.bytes() {
                if slow.write_all(&[b]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        }
    });
    // A keep-alive connection left idle after one request.
    let mut kept = TcpStream::connect(&addr).unwrap();
    write!(kept, "GET /atom.xml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    // Generous bounds (the server closes after 10 s): only "never" fails.
    let limit = Duration::from_secs(60);
    assert!(
        closed_by_server(&mut idle, limit),
        "an idle connection stayed open"
    );
    assert!(
        closed_by_server(&mut slow, limit),
        "a slow request head kept its connection"
    );
    assert!(
        closed_by_server(&mut kept, limit),
        "an idle keep-alive connection stayed open"
    );
    drop(dribble);
    // The server still answers.
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn drafts_can_be_hidden() {
    let s = Server::start("basic", &["--no-drafts"]);
    assert_eq!(s.get("/digests/2023-01-05-bozza/").status, 404);
}

#[test]
fn no_path_leaves_the_site() {
    let s = Server::start("basic", &[]);
    // A symlinked folder in static/ pointing out is not followed.
    std::fs::create_dir_all(s.root().join("static")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", s.root().join("static/etc")).unwrap();
    for bad in [
        "/../../../../etc/passwd",
        "/digests/../../site.yaml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/digests/..%2f..%2fsite.yaml",
        "/..%5c..%5csite.yaml",
        "/%00",
    ] {
        let r = s.get(bad);
        assert!(r.status == 400 || r.status == 404, "{bad}: {}", r.status);
        assert!(!r.body.contains("root:"), "{bad}");
        assert!(!r.body.contains("base_url"), "{bad}");
    }
    for missing in [
        "/etc/passwd",
        "//etc/passwd",
        "/site.yaml",
        "/content/actors/putin.md",
        "/etc/hostname",
    ] {
        assert_eq!(s.get(missing).status, 404, "{missing}");
    }
}

#[test]
fn edits_creations_deletions_and_renames_reach_the_page() {
    let s = Server::start("basic", &[]);
    let events = s.events();
    let hello = events.expect("hello");
    assert!(hello["errors"].is_null());
    let first = hello["version"].as_str().unwrap().to_string();

    s.edit(PESKOV, "ha parlato.", "ha parlato di nuovo.");
    let reload = events.expect("reload");
    assert_eq!(reload["css"], false);
    assert_ne!(reload["version"].as_str().unwrap(), first);
    assert!(s
        .get("/digests/2022-12-21-peskov/")
        .body
        .contains("ha parlato di nuovo."));
    let line = s.wait_log("2022-12-21-peskov.md changed");
    assert!(line.contains("pages re-rendered"), "{line}");
    assert!(line.contains(" ms"), "{line}");

    // Saved by writing a temporary file and renaming it over the original.
    let text = std::fs::read_to_string(s.root().join(PESKOV)).unwrap();
    let tmp = s.root().join("content/digests/2022/12/.peskov.md.tmp");
    std::fs::write(&tmp, text.replace("di nuovo", "ancora")).unwrap();
    std::fs::rename(&tmp, s.root().join(PESKOV)).unwrap();
    events.expect("reload");
    assert!(s
        .get("/digests/2022-12-21-peskov/")
        .body
        .contains("ha parlato ancora."));

    // A new folder and a new digest in it.
    s.write(
        "content/digests/2023/03/2023-03-01-nuovo.md",
        "---\ntitle: Nuovo digest\ndate: 2023-03-01\nstory: guerra\nactors: [putin]\n---\nTesto nuovo.\n",
    );
    events.expect("reload");
    let page = s.get("/digests/2023-03-01-nuovo/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Testo nuovo."));
    assert!(s.get("/attori/putin/").body.contains("Nuovo digest"));

    // Renamed: the old address is gone, the new one is there.
    std::fs::rename(
        s.root().join("content/digests/2023/03/2023-03-01-nuovo.md"),
        s.root()
            .join("content/digests/2023/03/2023-03-01-rinominato.md"),
    )
    .unwrap();
    events.expect("reload");
    // On a busy machine the watcher may see the rename as a removal and a
    // creation in two debounce windows: then a second reload follows.
    if s.get("/digests/2023-03-01-rinominato/").status == 404 {
        events.expect("reload");
    }
    assert_eq!(s.get("/digests/2023-03-01-nuovo/").status, 404);
    assert_eq!(s.get("/digests/2023-03-01-rinominato/").status, 200);

    // Deleted, folder and all.
    std::fs::remove_dir_all(s.root().join("content/digests/2023/03")).unwrap();
    events.expect("reload");
    assert_eq!(s.get("/digests/2023-03-01-rinominato/").status, 404);
    assert!(!s.get("/attori/putin/").body.contains("Nuovo digest"));

    // Editor leftovers change nothing: no rebuild, no event.
    s.write("content/digests/2022/12/.2022-12-21-peskov.md.swp", "vim");
    s.write("content/digests/2022/12/2022-12-21-peskov.md~", "backup");
    s.write("content/digests/2022/12/4913", "");
    // A template: the pages using it change.
    s.write(
        "templates/partials/pagination.html",
        "<nav class=\"pagination\" aria-label=\"pagine\">mia paginazione</nav>\n",
    );
    let (name, _) = events.next();
    assert_eq!(name, "reload", "editor scratch files caused an event");
    assert!(s.get("/digests/").body.contains("mia paginazione"));
}

#[test]
fn a_broken_save_shows_the_errors_and_keeps_the_last_good_site() {
    let s = Server::start("basic", &[]);
    let events = s.events();
    events.expect("hello");
    s.edit(PESKOV, "title:", "titel:");
    let errors = events.expect("errors");
    let text = errors["text"].as_str().unwrap();
    assert!(text.contains("unknown key `titel`"), "{text}");
    assert!(
        text.contains("--> content/digests/2022/12/2022-12-21-peskov.md:2:1"),
        "{text}"
    );
    assert!(text.contains("did you mean `title`"), "{text}");
    // The terminal says the same.
    s.wait_log("the build failed");
    // Still serving the last good site; a page opened now learns of the errors at once.
    assert_eq!(s.get("/digests/2022-12-21-peskov/").status, 200);
    let late = s.events();
    assert_eq!(late.expect("hello")["errors"].as_str().unwrap(), text);

    s.edit(PESKOV, "titel:", "title:");
    events.expect("reload");
    assert!(late.expect("reload")["version"].is_string());
    assert!(s.events().expect("hello")["errors"].is_null());
}

#[test]
fn a_site_that_does_not_build_yet_shows_its_errors_everywhere_until_fixed() {
    let s = Server::start_after("basic", &[], |root| {
        let path = root.join(PESKOV);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, text.replacen("title:", "titel:", 1)).unwrap();
    });
    for path in [
        "/",
        "/digests/2022-12-21-peskov/",
        "/style.css",
        "/no/such/page/",
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 503, "{path}");
        assert!(r.headers.contains("content-type: text/html"), "{path}");
        let html = scraper::Html::parse_document(&r.body);
        let pre = scraper::Selector::parse("main pre").unwrap();
        let shown: String = html.select(&pre).flat_map(|e| e.text()).collect();
        assert!(shown.contains("unknown key `titel`"), "{path}: {shown}");
        assert!(
            shown.contains("--> content/digests/2022/12/2022-12-21-peskov.md:2:1"),
            "{path}: {shown}"
        );
        let script = scraper::Selector::parse(r#"script[src="/__storia/reload.js"]"#).unwrap();
        assert_eq!(html.select(&script).count(), 1, "{path}");
    }
    // The open page learns of the errors on connecting, and of the fix.
    let events = s.events();
    let hello = events.expect("hello");
    assert!(hello["errors"]
        .as_str()
        .unwrap()
        .contains("unknown key `titel`"));
    s.edit(PESKOV, "titel:", "title:");
    let reload = events.expect("reload");
    assert!(reload["version"].as_str().is_some_and(|v| !v.is_empty()));
    let page = s.get("/digests/2022-12-21-peskov/");
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("does not build"));
}

#[test]
fn a_stylesheet_edit_swaps_in_place() {
    let s = Server::start("basic", &[]);
    let events = s.events();
    events.expect("hello");
    // A new static/ folder: a full reload (the watcher learns of the folder).
    s.write("static/extra.css", "body { color: red }\n");
    assert_eq!(events.expect("reload")["css"], false);
    assert_eq!(s.get("/extra.css").body, "body { color: red }\n");
    s.write("static/extra.css", "body { color: blue }\n");
    assert_eq!(events.expect("reload")["css"], true);
    assert_eq!(s.get("/extra.css").body, "body { color: blue }\n");
    let line = s.wait_log("static/extra.css changed");
    assert!(line.contains("0 pages re-rendered"), "{line}");
    // A site.yaml edit is not a stylesheet edit.
    s.edit("site.yaml", "Fixture <Site>", "Fixture nuova");
    assert_eq!(events.expect("reload")["css"], false);
    assert!(s.get("/").body.contains("Fixture nuova"));
}

#[test]
fn a_taken_port_is_explained() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(["serve", "--port", &port, "--root"])
        .arg(common::fixture("basic"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: port {port} on 127.0.0.1 is already in use\n"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "help: stop the other server (another `storia serve`?), or use a free port: `--port "
        ),
        "{stderr}"
    );
}

#[test]
fn binding_beyond_loopback_warns() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixture("basic"), dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_storia"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "0", "--root"])
        .arg(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        first,
        "warning: listening on 0.0.0.0: anyone who can reach this machine can read the site, drafts included"
    );
}

/// Needs Debian's `chromium` and `playwright-core` (installed by
/// `../shared/site-checks/setup.sh`); `.ci/run` runs it with `--ignored`.
#[test]
#[ignore = "needs Chromium and playwright-core: cargo test --test serve -- --ignored"]
fn in_a_real_browser_edits_errors_and_styles_show_without_a_manual_reload() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixture("basic"), dir.path());
    common::browser_script(
        "serve_e2e.mjs",
        &[
            env!("CARGO_BIN_EXE_storia").as_ref(),
            dir.path().as_os_str(),
        ],
        8,
    );
}

#[test]
fn the_editors_schemas_learn_new_ids() {
    let s = Server::start("basic", &[]);
    let events = s.events();
    events.expect("hello");
    // A site without schemas/ gets none; one that keeps them has them refreshed.
    assert!(!s.root().join("schemas").exists());
    std::fs::create_dir(s.root().join("schemas")).unwrap();
    s.write(
        "content/actors/zelensky.md",
        "---\nname: Volodymyr Zelensky\n---\n",
    );
    events.expect("reload");
    // The pages are told as soon as the site is rendered; the schemas are
    // written by the end of the rebuild, which the terminal line marks.
    s.wait_log("zelensky.md changed");
    let schema = std::fs::read_to_string(s.root().join("schemas/digest.schema.json")).unwrap();
    assert!(schema.contains("\"zelensky\""), "{schema}");
}
