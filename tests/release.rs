//! Installing without Rust: what of the release can run here. The release
//! workflow itself runs only on GitHub; its parts are tested: the archive
//! layout (`scripts/package-release.sh`), the checksums
//! (`scripts/checksums.sh`), and the install script downloading an
//! archive over HTTP, checking it and installing it, or refusing it.

use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TARGET: &str = "x86_64-unknown-linux-musl";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sh(script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new("sh")
        .arg(repo().join("scripts").join(script))
        .args(args)
        .env_remove("STORIA_REPO")
        .env_remove("STORIA_VERSION")
        .env_remove("STORIA_TARGET")
        .env_remove("STORIA_INSTALL_DIR")
        .env_remove("STORIA_DOWNLOAD_URL")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A stand-in program (the real one is hundreds of MB in a debug build):
/// what matters here is where it ends up and that it runs.
fn program(dir: &Path) -> PathBuf {
    let p = dir.join("built-storia");
    std::fs::write(&p, "#!/bin/sh\necho \"storia 9.9.9\"\n").unwrap();
    p
}

/// Packs the stand-in for `TARGET` into `dir/dist` with its SHA256SUMS.
fn release(dir: &Path) -> PathBuf {
    let dist = dir.join("dist");
    let o = sh(
        "package-release.sh",
        &[
            TARGET,
            "v9.9.9",
            program(dir).to_str().unwrap(),
            dist.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let archive = dist.join(format!("storia-{TARGET}.tar.gz"));
    assert_eq!(text(&o.stdout).trim(), archive.to_str().unwrap());
    let o = sh("checksums.sh", &[dist.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    dist
}

/// Serves the files of `dir` over HTTP on a free port (GET only), for as
/// long as the test runs.
fn serve(dir: &Path) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            // Read the headers to their end.
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/");
            let name = path.trim_start_matches('/');
            let mut out = &stream;
            match std::fs::read(dir.join(name))
                .ok()
                .filter(|_| !name.contains(".."))
            {
                Some(body) => {
                    let _ = write!(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = out.write_all(&body);
                }
                None => {
                    let _ = out.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn an_archive_holds_one_folder_with_the_program_and_the_readme() {
    let dir = tempfile::tempdir().unwrap();
    let dist = release(dir.path());
    let archive = dist.join(format!("storia-{TARGET}.tar.gz"));
    let list = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .unwrap();
    let mut names: Vec<String> = text(&list.stdout).lines().map(str::to_string).collect();
    names.sort();
    let folder = format!("storia-9.9.9-{TARGET}");
    assert_eq!(
        names,
        [
            format!("{folder}/"),
            format!("{folder}/README.md"),
            format!("{folder}/storia")
        ]
    );
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    assert!(Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap()
        .success());
    let exe = unpacked.join(&folder).join("storia");
    let o = Command::new(&exe).arg("--version").output().unwrap();
    assert_eq!(
        text(&o.stdout),
        "storia 9.9.9\n",
        "the program is executable"
    );
    assert_eq!(
        std::fs::read(unpacked.join(&folder).join("README.md")).unwrap(),
        std::fs::read(repo().join("README.md")).unwrap()
    );

    // SHA256SUMS: one `HEX  NAME` line per archive, as `sha256sum -c` reads.
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    let hex: String = Sha256::digest(std::fs::read(&archive).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sums, format!("{hex}  storia-{TARGET}.tar.gz\n"));

    // A Windows program is named storia.exe.
    let o = sh(
        "package-release.sh",
        &[
            "x86_64-pc-windows-msvc",
            "9.9.9",
            program(dir.path()).to_str().unwrap(),
            dist.to_str().unwrap(),
        ],
        &[],
    );
    if o.status.success() {
        let zip = dist.join("storia-x86_64-pc-windows-msvc.zip");
        let bytes = std::fs::read(&zip).unwrap();
        let needle = b"storia-9.9.9-x86_64-pc-windows-msvc/storia.exe";
        assert!(bytes.windows(needle.len()).any(|w| w == needle));
    } else {
        // Neither zip nor 7z on this machine: the workflow's Windows runner has 7z.
        assert!(text(&o.stderr).contains("7z"), "{}", text(&o.stderr));
    }
}

#[test]
fn the_install_script_downloads_checks_and_installs() {
    let dir = tempfile::tempdir().unwrap();
    let dist = release(dir.path());
    let url = serve(&dist);
    let bin = dir.path().join("bin");
    let env = [
        ("STORIA_DOWNLOAD_URL", url.as_str()),
        ("PATH", "/usr/bin:/bin"),
    ];
    let o = sh("install.sh", &["--to", bin.to_str().unwrap()], &env);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let installed = bin.join("storia");
    assert_eq!(
        text(&o.stdout),
        format!(
            "installed storia 9.9.9 into {0}\n{1} is not on your PATH: add it (for example, export PATH=\"{1}:$PATH\" in ~/.profile)\n",
            installed.display(),
            bin.display()
        )
    );
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        std::fs::read(program(dir.path())).unwrap()
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&installed).unwrap().permissions().mode() & 0o777,
        0o755
    );

    // Again, over the old program: replaced, nothing left beside it.
    std::fs::write(&installed, "old").unwrap();
    let o = sh("install.sh", &["--to", bin.to_str().unwrap()], &env);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_ne!(std::fs::read(&installed).unwrap(), b"old");
    let names: Vec<_> = std::fs::read_dir(&bin)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["storia"]);
}

#[test]
fn the_install_script_refuses_an_archive_that_does_not_match_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let dist = release(dir.path());
    let archive = dist.join(format!("storia-{TARGET}.tar.gz"));
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&archive, bytes).unwrap();
    let url = serve(&dist);
    let bin = dir.path().join("bin");
    let o = sh(
        "install.sh",
        &["--to", bin.to_str().unwrap()],
        &[("STORIA_DOWNLOAD_URL", &url)],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.starts_with(&format!(
            "storia install: storia-{TARGET}.tar.gz does not match its checksum in SHA256SUMS (expected "
        )) && err.ends_with("): not installed\n"),
        "{err}"
    );
    assert!(!bin.join("storia").exists());

    // A system the release has no program for is named.
    let o = sh(
        "install.sh",
        &[
            "--to",
            bin.to_str().unwrap(),
            "--target",
            "riscv64gc-unknown-linux-gnu",
        ],
        &[("STORIA_DOWNLOAD_URL", &url)],
    );
    assert_eq!(
        text(&o.stderr),
        "storia install: the release has no storia-riscv64gc-unknown-linux-gnu.tar.gz (no prebuilt storia for riscv64gc-unknown-linux-gnu)\n"
    );
    // And a release that cannot be reached.
    let o = sh(
        "install.sh",
        &["--to", bin.to_str().unwrap()],
        &[("STORIA_DOWNLOAD_URL", &format!("{url}/nowhere"))],
    );
    assert!(
        text(&o.stderr).contains("cannot download"),
        "{}",
        text(&o.stderr)
    );
    assert!(!bin.exists());
}

/// `uname` answering as another machine would, first on PATH.
fn fake_uname(dir: &Path, system: &str, machine: &str) -> String {
    let d = dir.join(format!("uname-{system}-{machine}"));
    std::fs::create_dir_all(&d).unwrap();
    let script = d.join("uname");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncase \"$1\" in -s) echo {system} ;; -m) echo {machine} ;; esac\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("{}:/usr/bin:/bin", d.display())
}

#[test]
fn the_install_script_picks_the_archive_of_the_machine_and_the_release() {
    let dir = tempfile::tempdir().unwrap();
    for (system, machine, target) in [
        ("Linux", "x86_64", "x86_64-unknown-linux-musl"),
        ("Linux", "aarch64", "aarch64-unknown-linux-musl"),
        ("Darwin", "arm64", "aarch64-apple-darwin"),
        ("Darwin", "x86_64", "x86_64-apple-darwin"),
    ] {
        let path = fake_uname(dir.path(), system, machine);
        let o = sh(
            "install.sh",
            &[
                "--dry-run",
                "--repo",
                "acme/storia",
                "--version",
                "0.2.0",
                "--to",
                "/opt/bin",
            ],
            &[("PATH", &path)],
        );
        assert_eq!(
            text(&o.stdout),
            format!(
                "would download https://github.com/acme/storia/releases/download/v0.2.0/storia-{target}.tar.gz\n\
                 would check it against https://github.com/acme/storia/releases/download/v0.2.0/SHA256SUMS\n\
                 would install /opt/bin/storia\n"
            ),
            "{system} {machine}"
        );
    }
    // Without a version: the newest release.
    let o = sh(
        "install.sh",
        &["--dry-run", "--to", "/opt/bin"],
        &[
            ("PATH", &fake_uname(dir.path(), "Linux", "x86_64")),
            ("STORIA_REPO", "acme/storia"),
        ],
    );
    assert!(text(&o.stdout).starts_with(
        "would download https://github.com/acme/storia/releases/latest/download/storia-x86_64-unknown-linux-musl.tar.gz\n"
    ));
    for (system, machine, message) in [
        (
            "MINGW64_NT-10.0",
            "x86_64",
            "on Windows, use the Linux program under WSL",
        ),
        ("FreeBSD", "amd64", "no prebuilt storia for FreeBSD"),
        (
            "Linux",
            "riscv64",
            "no prebuilt storia for the processor riscv64",
        ),
    ] {
        let o = sh(
            "install.sh",
            &["--dry-run", "--repo", "acme/storia"],
            &[("PATH", &fake_uname(dir.path(), system, machine))],
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(text(&o.stderr).contains(message), "{}", text(&o.stderr));
    }
    // An unpublished copy of the script needs to be told the repository.
    let o = sh("install.sh", &["--dry-run"], &[]);
    assert_eq!(
        text(&o.stderr),
        "storia install: set STORIA_REPO=OWNER/NAME (or --repo), the GitHub repository storia is released from\n"
    );
}

#[test]
fn the_release_workflow_packs_every_target_the_install_script_asks_for() {
    let workflow: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap(),
    )
    .unwrap();
    let targets: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    let script = std::fs::read_to_string(repo().join("scripts/install.sh")).unwrap();
    for (arch, os) in [
        ("x86_64", "unknown-linux-musl"),
        ("aarch64", "unknown-linux-musl"),
        ("x86_64", "apple-darwin"),
        ("aarch64", "apple-darwin"),
    ] {
        assert!(
            targets.contains(&format!("{arch}-{os}").as_str()),
            "{arch}-{os}"
        );
        assert!(script.contains(&format!("\"$arch-{os}\"")), "{os}");
    }
    assert!(targets.contains(&"x86_64-pc-windows-msvc"));
    // The workflow fills in the script's placeholders when it publishes it.
    let steps = serde_yaml::to_string(&workflow["jobs"]["release"]).unwrap();
    for placeholder in ["@STORIA_REPO@", "@STORIA_VERSION@"] {
        assert!(
            script.contains(placeholder) && steps.contains(placeholder),
            "{placeholder}"
        );
    }
    // The sites' GitHub Pages workflow installs storia from a release.
    let pages: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(repo().join("docs/github-pages.yml")).unwrap(),
    )
    .unwrap();
    let steps = serde_yaml::to_string(&pages["jobs"]["build"]["steps"]).unwrap();
    assert!(
        steps.contains("releases/latest/download/install.sh"),
        "{steps}"
    );
    assert!(!steps.contains("cargo"), "{steps}");
}
