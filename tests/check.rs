//! `storia check`: planted broken links are reported at their line; external
//! URLs are fetched (from a local server, never the network).

mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;

fn check(root: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_storia"))
        .arg("check")
        .args(args)
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn site_with_page(body: &str) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    std::fs::write(
        site.path().join("content/pages/chi-siamo.md"),
        format!("---\ntitle: \"Chi siamo\"\n---\n{body}"),
    )
    .unwrap();
    site
}

#[test]
fn check_passes_on_a_sound_site() {
    let (code, stderr) = check(&fixture("basic"), &[]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn check_reports_a_planted_broken_link_and_anchor_with_file_and_line() {
    let site = site_with_page(
        "Intro.\n\nVedi [nessuno](/attori/nessuno/) e [qui](/digests/2022-12-20-minsk/#nope).\n",
    );
    let (code, stderr) = check(site.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    // The build finds the link to no page, at its place, once.
    assert!(
        stderr.contains(
            "error: broken link `/attori/nessuno/`: no page or file `attori/nessuno/` in the site"
        ),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("broken link `/attori/nessuno/`").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("--> content/pages/chi-siamo.md:6:16"),
        "{stderr}"
    );
    assert!(stderr.contains("error: broken link `/digests/2022-12-20-minsk/#nope`: no anchor `#nope` in `digests/2022-12-20-minsk/index.html`"), "{stderr}");
    // check never writes the output folder.
    assert!(!site.path().join("public").exists());
}

/// A tiny HTTP server on loopback: `/ok` answers 200, anything else 404.
fn serve(requests: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .ok();
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
                    break;
                }
            }
            let status = if line.contains(" /ok ") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    port
}

#[test]
fn check_external_reports_dead_citations_where_they_are_cited() {
    let port = serve(20);
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    let digest = site
        .path()
        .join("content/digests/2022/12/2022-12-20-minsk.md");
    let text = std::fs::read_to_string(&digest).unwrap().replace(
        "https://www.understandingwar.org/backgrounder/x",
        &format!("http://127.0.0.1:{port}/dead"),
    );
    std::fs::write(&digest, text).unwrap();
    let isw = site.path().join("content/sources/isw.md");
    std::fs::write(
        &isw,
        format!("---\nname: \"ISW\"\nurl: http://127.0.0.1:{port}/ok\n---\n"),
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/actors/putin.md"),
        "---\nname: \"Vladimir Putin\"\n---\n",
    )
    .unwrap();
    let (code, stderr) = check(site.path(), &["--external", "--timeout", "5"]);
    assert_eq!(code, 1, "{stderr}");
    let dead = format!("error: dead link `http://127.0.0.1:{port}/dead`: the server answered 404");
    assert!(stderr.contains(&dead), "{stderr}");
    assert!(
        stderr.contains("--> content/digests/2022/12/2022-12-20-minsk.md:12:10"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("/ok`"),
        "a live URL is not reported: {stderr}"
    );
    assert!(
        stderr.contains("= help: fix the address, or add an `archived:` copy"),
        "a citation can point at an archived copy: {stderr}"
    );
}

#[test]
fn check_external_suggests_only_keys_the_file_has() {
    let port = serve(20);
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    let dead = format!("http://127.0.0.1:{port}/dead");
    std::fs::write(
        site.path().join("content/sources/isw.md"),
        format!("---\nname: \"ISW\"\nurl: {dead}/isw\n---\n"),
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/actors/putin.md"),
        format!("---\nname: \"Vladimir Putin\"\nlinks: {{ wikipedia: \"{dead}/putin\" }}\n---\n"),
    )
    .unwrap();
    let (code, stderr) = check(site.path(), &["--external", "--timeout", "5"]);
    assert_eq!(code, 1, "{stderr}");
    for (url, place) in [
        ("isw", "--> content/sources/isw.md:3:6"),
        ("putin", "--> content/actors/putin.md:3:21"),
    ] {
        let block = stderr
            .split("\n\n")
            .find(|b| b.contains(&format!("dead link `{dead}/{url}`")))
            .unwrap_or_else(|| panic!("{url}: {stderr}"));
        assert!(block.contains(place), "{block}");
        assert!(block.ends_with("= help: fix the address"), "{block}");
    }
}

#[test]
fn check_external_offline_says_so_once() {
    // `.invalid` never resolves (RFC 2606), online or not: as offline.
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("basic"), site.path());
    std::fs::write(
        site.path().join("content/sources/isw.md"),
        "---\nname: \"ISW\"\nurl: https://isw.invalid/\n---\n",
    )
    .unwrap();
    let digest = site
        .path()
        .join("content/digests/2022/12/2022-12-20-minsk.md");
    let text = std::fs::read_to_string(&digest).unwrap().replace(
        "https://www.understandingwar.org/",
        "https://understandingwar.invalid/",
    );
    std::fs::write(&digest, text).unwrap();
    std::fs::write(
        site.path().join("content/actors/putin.md"),
        "---\nname: \"Vladimir Putin\"\nlinks: { wikipedia: \"https://wikipedia.invalid/putin\" }\n---\n",
    )
    .unwrap();
    let (code, stderr) = check(site.path(), &["--external", "--timeout", "5"]);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(stderr.matches("error: offline").count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: offline: none of the 3 hosts of the external links has an address, so their 3 URLs were not checked\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("dead link"), "{stderr}");
}
