//! `storia serve`: the site rebuilt in memory after every save and served
//! on loopback, with the open pages told to reload, to swap stylesheets, or
//! to show the build's errors.
//!
//! The pieces: [`watch`] turns file-system events into changed paths,
//! [`session`] rebuilds through the same pipeline as `storia build` (reading
//! and rendering only what changed), and [`http`] answers requests from the
//! files in memory. The output folder is never written: serving does not pay
//! for the atomic swap, and a half-finished edit never reaches `public/`.

pub mod http;
pub mod session;
pub mod watch;

use crate::build::BuildOptions;
use crate::diagnostics::{Diagnostic, Problem};
use http::{Notice, Served, Shared};
use session::Session;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{mpsc, Arc, RwLock};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// The address to listen on (loopback unless asked otherwise).
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Show drafts and scheduled digests (the default while writing).
    pub drafts: bool,
    /// Open the site in the default browser.
    pub open: bool,
    /// Print each rebuild's stage timings.
    pub timings: bool,
    /// The build cache, shared with `storia build`.
    pub cache: crate::cache::Choice,
}

/// Serves the site until the process is stopped. Errors only when the
/// server cannot start; a broken site is served as its last good build
/// with the errors shown in the browser.
pub fn serve(options: &ServeOptions) -> Result<(), Diagnostic> {
    if !options.root.join("site.yaml").is_file() {
        return Err(Diagnostic::error(Problem::MissingSiteConfig {
            root: crate::diagnostics::display_path(&options.root),
        })
        .help("run `storia serve` in a site's folder, pass `--root DIR`, or create a site with `storia init DIR`"));
    }
    let listener = bind(options.bind, options.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| serve_error(format!("cannot read the server's address: {e}")))?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read the site, drafts included",
            options.bind
        );
    }
    let url = local_url(addr);
    let mut session = Session::new(BuildOptions {
        cache: options.cache.clone(),
        ..BuildOptions::for_serving(options.root.clone(), url.clone(), options.drafts)
    });
    session.timings = options.timings;
    let epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let shared = Arc::new(Shared {
        served: RwLock::new(Served::default()),
        notices: tokio::sync::broadcast::channel(64).0,
    });
    let mut builds = 0u64;
    publish(&shared, &mut session, &[], epoch, &mut builds);
    eprintln!(
        "serving {} at {url} ({}; Ctrl-C stops)",
        crate::diagnostics::display_path(&options.root),
        if options.drafts {
            "drafts and scheduled digests shown"
        } else {
            "drafts and scheduled digests hidden"
        }
    );

    let (tx, rx) = mpsc::channel();
    let mut watcher = watch::Watcher::start(&options.root, tx)
        .map_err(|e| serve_error(format!("cannot watch the site's files: {e}")))?;
    let rebuilder = Arc::clone(&shared);
    std::thread::spawn(move || {
        while let Ok(mut changed) = rx.recv() {
            // Batches that arrived while the last rebuild ran join this one.
            while let Ok(more) = rx.try_recv() {
                changed.extend(more);
            }
            changed.sort();
            changed.dedup();
            watcher.watch_new_folders();
            let rebuilt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                publish(&rebuilder, &mut session, &changed, epoch, &mut builds)
            }));
            if rebuilt.is_err() {
                // A bug, not the editor's doing: keep serving the last good
                // site, say so, and start the next rebuild from nothing.
                session.forget_everything();
                let text = "error: storia failed while rebuilding (a bug: please report it with the file you saved); the last good site is still served\n";
                eprint!("{text}");
                let _ = rebuilder.notices.send(Notice::Errors(text.into()));
            }
        }
    });

    if options.open {
        open_browser(&url);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| serve_error(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        listener
            .set_nonblocking(true)
            .map_err(|e| serve_error(format!("cannot start the server: {e}")))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| serve_error(format!("cannot start the server: {e}")))?;
        http::serve(listener, http::router(shared))
            .await
            .map_err(|e| serve_error(format!("the server stopped: {e}")))
    })
}

/// Rebuilds, swaps the new site in as soon as it is rendered (or keeps the
/// last good one), tells the open pages and prints one line.
fn publish(
    shared: &Shared,
    session: &mut Session,
    changed: &[PathBuf],
    epoch: u128,
    builds: &mut u64,
) {
    let css = session::css_only(changed);
    let rebuilt = session.rebuild(changed, &mut |changes| {
        show(shared, changes, css, epoch, builds)
    });
    // Errors always; the same warnings again after every save are noise.
    let repeated = rebuilt.built && rebuilt.report == session.last_report;
    if !rebuilt.report.is_empty() && !repeated {
        eprint!("{}", rebuilt.report);
    }
    session.last_report.clone_from(&rebuilt.report);
    eprintln!("{}", session::summary(changed, &rebuilt));
    if session.timings {
        let t = rebuilt.timings;
        eprintln!(
            "timings: load {} ms, resolve {} ms, render {} ms, warnings {} ms",
            t.load.as_millis(),
            t.resolve.as_millis(),
            t.render.as_millis(),
            t.warnings.as_millis()
        );
    }
    if !rebuilt.built {
        shared
            .served
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .errors = Some(rebuilt.report.clone());
        // No page open is not an error.
        let _ = shared.notices.send(Notice::Errors(rebuilt.report));
    }
}

/// Swaps a rendered site's changes in and tells the open pages.
fn show(shared: &Shared, changes: session::Changes, css: bool, epoch: u128, builds: &mut u64) {
    *builds += 1;
    // Each open page learns whether it changed; past a few thousand files,
    // listing them costs more than a fetch.
    let listed = (!changes.whole && changes.changed.len() + changes.removed.len() <= LISTED_MAX)
        .then(|| {
            changes
                .changed
                .iter()
                .map(|(path, _)| path.clone())
                .chain(changes.removed.iter().cloned())
                .collect::<Arc<[String]>>()
        });
    let notice = {
        let mut served = shared.served.write().unwrap_or_else(|p| p.into_inner());
        if changes.whole {
            served.files.clear();
        }
        for path in &changes.removed {
            served.files.remove(path);
        }
        served.files.extend(changes.changed);
        served.version = format!("{epoch}.{builds}");
        served.errors = None;
        Notice::Reload {
            css,
            version: served.version.clone(),
            changed: listed,
        }
    };
    let _ = shared.notices.send(notice);
}

/// The most changed files a reload notice lists.
const LISTED_MAX: usize = 2000;

/// Listens on `ip:port`, or explains why not and which port is free.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, Diagnostic> {
    match TcpListener::bind((ip, port)) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let free = (port.saturating_add(1)..port.saturating_add(50))
                .find(|p| TcpListener::bind((ip, *p)).is_ok());
            let help = match free {
                Some(p) => format!("stop the other server (another `storia serve`?), or use a free port: `--port {p}`"),
                None => "stop the other server, or pick a free port with `--port N`".into(),
            };
            Err(serve_error(format!("port {port} on {ip} is already in use")).help(help))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => Err(serve_error(format!(
            "cannot listen on {ip}: it is not an address of this machine"
        ))
        .help("use `--bind 127.0.0.1` (the default), or one of this machine's addresses")),
        Err(e) => Err(serve_error(format!("cannot listen on {ip}:{port}: {e}"))),
    }
}

fn serve_error(message: String) -> Diagnostic {
    Diagnostic::error(Problem::Serve(message))
}

/// The base URL pages get while served: the address the browser uses.
fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        // Listening everywhere; this machine's browser still comes in by loopback.
        ip if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        ip => ip,
    };
    match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{}/", addr.port()),
        IpAddr::V6(v6) => format!("http://[{v6}]:{}/", addr.port()),
    }
}

/// Opens `url` with the desktop's handler; failing to is only worth a line.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("could not open a browser ({program}: {e}); open {url} yourself");
    }
}
