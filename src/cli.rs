//! The command line: parses arguments, runs the library, prints results and
//! diagnostics, and chooses the exit code (0 ok, 1 content, configuration or
//! template errors, 2 usage errors, 3 the server cannot start).

use crate::build::{build, BuildOptions};
use crate::scaffold::{self, NewKind};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// storia: a static-site generator for news story digests.
#[derive(Debug, Parser)]
#[command(name = "storia", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (default `public/`).
    Build {
        /// The site root, holding site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The output folder (default: `public/` in the root).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Override `base_url` of site.yaml (for preview deploys).
        #[arg(long)]
        base_url: Option<String>,
        /// Build drafts too.
        #[arg(long)]
        drafts: bool,
        /// Print nothing but diagnostics.
        #[arg(long, short, conflicts_with = "verbose")]
        quiet: bool,
        /// Print more about what was built.
        #[arg(long, short)]
        verbose: bool,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
        /// Treat warnings (likely mistakes) as errors: for CI.
        #[arg(long)]
        deny_warnings: bool,
        /// Minify the HTML pages.
        #[arg(long)]
        minify: bool,
    },
    /// Build in memory and verify every internal link, anchor and asset.
    Check {
        /// The site root, holding site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Override `base_url` of site.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Check drafts too.
        #[arg(long)]
        drafts: bool,
        /// Also fetch citation, archive, source and actor URLs.
        #[arg(long)]
        external: bool,
        /// Seconds to wait for each external URL.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        /// External requests at once to one host.
        #[arg(long, default_value_t = 2)]
        per_host: usize,
        /// External requests at once in all.
        #[arg(long, default_value_t = 8)]
        jobs: usize,
    },
    /// Serve the site on this machine, rebuilding and reloading the browser on every save.
    Serve {
        /// The site root, holding site.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The address to listen on; anything but loopback shares the site (drafts too) with the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Show drafts (the default).
        #[arg(long, overrides_with = "no_drafts")]
        drafts: bool,
        /// Hide drafts, as the published site will.
        #[arg(long)]
        no_drafts: bool,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
    },
    /// Create a new site in DIR, ready to build.
    Init {
        /// The folder to create (must be empty or absent).
        dir: PathBuf,
    },
    /// Create a new content file with valid front matter.
    New {
        /// What to create.
        #[arg(value_enum)]
        kind: NewKind,
        /// The id (digests get today's date in front: `2022-12-20-minsk`).
        id: String,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The title or name.
        #[arg(long)]
        title: Option<String>,
        /// The date of a digest (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
    },
}

/// Runs the command line and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    run(cli)
}

fn run(cli: Cli) -> i32 {
    let mut stderr = std::io::stderr().lock();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            quiet,
            verbose,
            timings,
            deny_warnings,
            minify,
        } => {
            let started = Instant::now();
            let options = BuildOptions {
                root,
                output,
                base_url,
                drafts,
                deny_warnings,
                minify,
            };
            match build(&options) {
                Ok(report) => {
                    let warnings = report.diagnostics.warning_count();
                    let _ = write!(stderr, "{}", report.diagnostics.render_all());
                    if !quiet {
                        let ms = started.elapsed().as_millis();
                        let _ = writeln!(
                            stderr,
                            "built {} pages ({} files, {} changed) into {} in {ms} ms{}",
                            report.pages,
                            report.files,
                            report.written,
                            crate::build::output_dir(&options).display(),
                            if warnings > 0 {
                                format!(
                                    " with {warnings} warning{}",
                                    if warnings == 1 { "" } else { "s" }
                                )
                            } else {
                                String::new()
                            }
                        );
                    }
                    if timings || verbose {
                        let t = report.timings;
                        let _ = writeln!(
                            stderr,
                            "timings: load {} ms, resolve {} ms, render {} ms, write {} ms",
                            t.load.as_millis(),
                            t.resolve.as_millis(),
                            t.render.as_millis(),
                            t.write.as_millis()
                        );
                    }
                    0
                }
                Err(diagnostics) => {
                    let _ = write!(stderr, "{}", diagnostics.render_all());
                    1
                }
            }
        }
        Command::Check {
            root,
            base_url,
            drafts,
            external,
            timeout,
            per_host,
            jobs,
        } => {
            let options = crate::check::CheckOptions {
                build: BuildOptions {
                    root,
                    output: None,
                    base_url,
                    drafts,
                    deny_warnings: false,
                    minify: false,
                },
                external,
                timeout: std::time::Duration::from_secs(timeout),
                per_host,
                jobs,
            };
            let diagnostics = crate::check::check(&options);
            let failed = diagnostics.has_errors();
            let _ = write!(stderr, "{}", diagnostics.render_all());
            if !failed {
                let _ = writeln!(
                    stderr,
                    "check: every link, anchor and asset resolves{}",
                    if external {
                        ", and every external URL answers"
                    } else {
                        ""
                    }
                );
            }
            i32::from(failed)
        }
        Command::Serve {
            root,
            bind,
            port,
            drafts: _,
            no_drafts,
            open,
        } => {
            let options = crate::serve::ServeOptions {
                root,
                bind,
                port,
                drafts: !no_drafts,
                open,
            };
            // The server's threads print too: the lock must not be held.
            drop(stderr);
            match crate::serve::serve(&options) {
                Ok(()) => 0,
                Err(d) => {
                    eprint!("{}", d.render());
                    3
                }
            }
        }
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(()) => {
                let _ = writeln!(
                    stderr,
                    "created a new site in {}\nnext: cd {} && storia build",
                    dir.display(),
                    dir.display()
                );
                0
            }
            Err(d) => {
                let _ = write!(stderr, "{}", d.render());
                1
            }
        },
        Command::New {
            kind,
            id,
            root,
            title,
            date,
        } => match scaffold::new(&root, kind, &id, title.as_deref(), date.as_deref()) {
            Ok(path) => {
                println!("{}", path.display());
                0
            }
            Err(d) => {
                let _ = write!(stderr, "{}", d.render());
                1
            }
        },
    }
}
