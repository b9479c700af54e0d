//! The command line: parses arguments, runs the library, prints results and
//! diagnostics, and chooses the exit code (0 ok, 1 content, configuration or
//! template errors, 2 usage errors, 3 a file or folder that cannot be read or
//! written, or a server that cannot start). Colours and progress are decided
//! in [`crate::term`].

use crate::build::{build, BuildOptions};
use crate::entity::EntityKind;
use crate::scaffold;
use clap::{CommandFactory, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// storia: a static-site generator for news story digests.
#[derive(Debug, Parser)]
#[command(
    name = "storia",
    version,
    about,
    disable_help_subcommand = true,
    after_help = "Topics: `storia help templates` prints every template's variables and blocks."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of the biggest variant costs nothing.
#[allow(clippy::large_enum_variant)]
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
        /// Publish digests dated in the future too (held back by default).
        #[arg(
            long,
            short = 'F',
            visible_alias = "build-future",
            alias = "buildFuture"
        )]
        future: bool,
        /// Print nothing but diagnostics.
        #[arg(long, short, conflicts_with = "verbose")]
        quiet: bool,
        /// Print more about what was built, and every diagnostic, also when
        /// one kind repeats many times.
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
        /// Replace an output folder outside the site that storia did not
        /// write (its dot-entries, such as `.git`, are kept).
        #[arg(long)]
        force: bool,
        /// Keep the build cache in this folder (default: the user's cache
        /// folder, `~/.cache/storia/`, or `STORIA_CACHE_DIR`).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
        /// Use no build cache: build everything from nothing.
        #[arg(long)]
        no_cache: bool,
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
        /// Check digests dated in the future too, as `build --future` publishes them.
        #[arg(
            long,
            short = 'F',
            visible_alias = "build-future",
            alias = "buildFuture"
        )]
        future: bool,
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
        /// Print nothing but diagnostics.
        #[arg(long, short, conflicts_with = "verbose")]
        quiet: bool,
        /// Print every diagnostic, also when one kind repeats many times.
        #[arg(long, short)]
        verbose: bool,
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
        /// Show drafts and scheduled digests (the default).
        #[arg(long, overrides_with = "no_drafts")]
        drafts: bool,
        /// Hide drafts and digests dated in the future, as the published site will.
        #[arg(long)]
        no_drafts: bool,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
        /// Print how long each stage of every rebuild took.
        #[arg(long)]
        timings: bool,
        /// Keep the build cache in this folder (default: the user's cache
        /// folder, `~/.cache/storia/`, or `STORIA_CACHE_DIR`).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
        /// Use no build cache: build everything from nothing.
        #[arg(long)]
        no_cache: bool,
    },
    /// Create a new site in DIR, ready to build.
    Init {
        /// The folder to create (must be empty or absent).
        dir: PathBuf,
    },
    /// Create a new content file with valid front matter, or add a quote to a digest.
    #[command(after_help = "Examples:\n  \
        storia new digest --title \"Vertice a Minsk\" --story guerra-in-ucraina --actors putin,lukashenko\n  \
        storia new actor peskov --title \"Dmitrij Peskov\" --role \"Portavoce del Cremlino\"\n  \
        storia new actor onu --title \"Nazioni Unite\" --kind organization\n  \
        storia new source isw --title \"Institute for the Study of War\" --kind think-tank --url https://www.understandingwar.org\n  \
        storia new page chi-siamo --title \"Chi siamo\"\n  \
        storia new quote --digest 2022-12-20-minsk --by putin --text \"...\" --said 2022-12-19\n\n\
        The new file's path goes to standard output; the line that links to it (or embeds the quote) to standard error.")]
    New {
        /// What to create.
        #[arg(value_enum)]
        kind: EntityKind,
        /// The id; default: the title, slugged (digests get the date in front: `2022-12-20-minsk`).
        #[arg(required_unless_present_any = ["title", "digest"])]
        id: Option<String>,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The title or name.
        #[arg(long)]
        title: Option<String>,
        /// The date of a digest (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
        /// A digest's stories (ids, comma-separated).
        #[arg(long, value_delimiter = ',')]
        story: Vec<String>,
        /// A digest's actors (ids, comma-separated).
        #[arg(long, value_delimiter = ',')]
        actors: Vec<String>,
        /// actor: person, organization, country or group; source: newspaper, agency, broadcaster, think-tank, government, social or other.
        #[arg(long = "kind", value_name = "KIND")]
        entity_kind: Option<String>,
        /// actor: their role or title ("Secretary-General of the UN").
        #[arg(long)]
        role: Option<String>,
        /// source: the outlet's home page (https://…).
        #[arg(long)]
        url: Option<String>,
        /// quote: the digest to add it to.
        #[arg(long, required_if_eq("kind", "quote"))]
        digest: Option<String>,
        /// quote: the speaker, an actor or source id.
        #[arg(long, required_if_eq("kind", "quote"))]
        by: Option<String>,
        /// quote: the words, as published.
        #[arg(long, required_if_eq("kind", "quote"))]
        text: Option<String>,
        /// quote: when it was said (YYYY-MM-DD).
        #[arg(long)]
        said: Option<String>,
        /// quote: a citation id of the digest.
        #[arg(long)]
        cite: Option<String>,
    },
    /// Work with the site's theme.
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
    /// Work with the theme's labels (the words of its pages) for translation.
    I18n {
        #[command(subcommand)]
        action: I18nAction,
    },
    /// Print the help of a command, or of a topic (`templates`).
    Help {
        /// A command (`build`, `new`…) or a topic: `templates` (the variables and blocks of every template).
        topic: Vec<String>,
    },
    /// Write the JSON Schemas of front matter and site.yaml, listing the site's ids.
    Schema {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The folder to write them to (default: `schemas/` in the root).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Count digests, quotes and citations per story and month; find loose ends.
    Stats {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Count drafts too.
        #[arg(long)]
        drafts: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page, or write one per command into a folder.
    Man {
        /// The folder to write `storia.1` and `storia-COMMAND.1` into.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum I18nAction {
    /// Write `i18n/LANG.yaml` with every label key of the theme (in the site's first language, to translate); never overwrites.
    Export {
        /// The language to write the labels for (`ar`, `pt-BR`).
        lang: String,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ThemeAction {
    /// Copy the built-in theme (templates, static files, labels) into `themes/NAME/`, to adapt it; never overwrites.
    Eject {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The theme's folder name under `themes/`; `default` replaces the built-in theme without changing site.yaml.
        #[arg(long, default_value = "default")]
        name: String,
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
    let colour = crate::term::colour_stderr();
    // Not locked for the whole command: the progress spinner writes to it from its own thread.
    let mut stderr = std::io::stderr();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            future,
            quiet,
            verbose,
            timings,
            deny_warnings,
            minify,
            force,
            cache_dir,
            no_cache,
        } => {
            let started = Instant::now();
            let options = BuildOptions {
                root,
                output,
                base_url,
                drafts,
                future,
                now: crate::build::now(),
                deny_warnings,
                minify,
                force,
                cache: crate::cache::Choice::from_flags(cache_dir, no_cache),
            };
            let progress = crate::term::Progress::start("building", quiet);
            let result = build(&options);
            progress.finish();
            match result {
                Ok(report) => {
                    let warnings = report.diagnostics.warning_count();
                    let _ = write!(
                        stderr,
                        "{}",
                        report.diagnostics.render_all_styled(colour, verbose)
                    );
                    if !quiet {
                        let ms = started.elapsed().as_millis();
                        // With the cache: how many outputs it spared rendering.
                        let rendered = report.cache.map_or(String::new(), |c| {
                            if c.unchanged {
                                ", nothing to do".to_string()
                            } else {
                                format!(
                                    ", {} of {} outputs rendered",
                                    c.rendered,
                                    c.rendered + c.reused
                                )
                            }
                        });
                        let _ = writeln!(
                            stderr,
                            "built {} pages ({} files, {} changed{rendered}) into {} in {ms} ms{}",
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
                    let code = diagnostics.exit_code();
                    let _ = write!(stderr, "{}", diagnostics.render_all_styled(colour, verbose));
                    code
                }
            }
        }
        Command::Check {
            root,
            base_url,
            drafts,
            future,
            external,
            timeout,
            per_host,
            jobs,
            quiet,
            verbose,
        } => {
            let options = crate::check::CheckOptions {
                build: BuildOptions {
                    base_url,
                    drafts,
                    future,
                    cache: crate::cache::Choice::Off,
                    ..BuildOptions::new(root)
                },
                external,
                timeout: std::time::Duration::from_secs(timeout),
                per_host,
                jobs,
            };
            let progress = crate::term::Progress::start(
                if external {
                    "checking links and fetching external URLs"
                } else {
                    "checking links"
                },
                quiet,
            );
            let diagnostics = crate::check::check(&options);
            progress.finish();
            let code = diagnostics.exit_code();
            let _ = write!(stderr, "{}", diagnostics.render_all_styled(colour, verbose));
            if code == 0 && !quiet {
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
            code
        }
        Command::Serve {
            root,
            bind,
            port,
            drafts: _,
            no_drafts,
            open,
            timings,
            cache_dir,
            no_cache,
        } => {
            let options = crate::serve::ServeOptions {
                root,
                bind,
                port,
                timings,
                drafts: !no_drafts,
                open,
                cache: crate::cache::Choice::from_flags(cache_dir, no_cache),
            };
            match crate::serve::serve(&options) {
                Ok(()) => 0,
                Err(d) => fail(&mut stderr, d, colour),
            }
        }
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(()) => {
                let _ = writeln!(
                    stderr,
                    "created a new site in {} (with JSON Schemas in schemas/ and editor settings)\nnext: cd {} && storia build",
                    dir.display(),
                    dir.display()
                );
                0
            }
            Err(d) => fail(&mut stderr, d, colour),
        },
        Command::New {
            kind: EntityKind::Quote,
            root,
            digest,
            by,
            text,
            said,
            cite,
            ..
        } => {
            let quote = scaffold::NewQuote {
                digest: digest.as_deref().unwrap_or_default(),
                by: by.as_deref().unwrap_or_default(),
                text: text.as_deref().unwrap_or_default(),
                said: said.as_deref(),
                cite: cite.as_deref(),
            };
            match scaffold::new_quote(&root, &quote) {
                Ok((path, id)) => {
                    println!("{}", path.display());
                    let _ = writeln!(
                        stderr,
                        "added quote `{id}` to digest `{}`; to embed it in a body, paste:\n\n![](quote:{id})\n",
                        quote.digest
                    );
                    0
                }
                Err(d) => fail(&mut stderr, d, colour),
            }
        }
        Command::New {
            kind,
            id,
            root,
            title,
            date,
            story,
            actors,
            entity_kind,
            role,
            url,
            ..
        } => {
            let file = scaffold::NewFile {
                id: id.as_deref(),
                title: title.as_deref(),
                date: date.as_deref(),
                stories: &story,
                actors: &actors,
                kind: entity_kind.as_deref(),
                role: role.as_deref(),
                url: url.as_deref(),
            };
            match scaffold::new(&root, kind, &file) {
                Ok(created) => {
                    println!("{}", created.path.display());
                    let draft = if kind == EntityKind::Digest {
                        " (a draft: remove `draft: true` to publish it)"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        stderr,
                        "created {} `{}`{draft}; to link to it from a body, paste:\n\n{}\n",
                        created.kind_word, created.id, created.link
                    );
                    0
                }
                Err(d) => fail(&mut stderr, d, colour),
            }
        }
        Command::Theme {
            action: ThemeAction::Eject { root, name },
        } => match crate::theme::eject(&root, &name) {
            Ok(ejected) => {
                println!("{}", ejected.dir.display());
                let uses = crate::config::load(&root, None).is_ok_and(|c| c.theme == name);
                let _ = writeln!(
                    stderr,
                    "wrote the built-in theme ({} files) into {}/\n{}",
                    ejected.files,
                    ejected.dir.display(),
                    if uses {
                        "the site builds with these files now, exactly as before: edit them there"
                            .to_string()
                    } else {
                        format!("to build with it, set `theme: {name}` in site.yaml")
                    }
                );
                0
            }
            Err(d) => fail(&mut stderr, d, colour),
        },
        Command::I18n {
            action: I18nAction::Export { lang, root },
        } => match crate::render::i18n::export(&root, &lang) {
            Ok(rel) => {
                println!("{}", root.join(&rel).display());
                let _ = writeln!(
                    stderr,
                    "wrote the theme's labels into {}: translate its values into `{lang}`",
                    crate::diagnostics::display_path(&rel)
                );
                0
            }
            Err(diags) => {
                let mut code = 0;
                for d in diags {
                    code = code.max(fail(&mut stderr, d, colour));
                }
                code
            }
        },
        Command::Help { topic } => help(&topic, &mut stderr, colour),
        Command::Schema { root, out } => {
            let (site, diags) = crate::content::load(&root, None);
            if site.is_none() {
                // Without site.yaml there are no ids to list: say why, write the rules alone.
                let _ = write!(stderr, "{}", diags.render_all_styled(colour, false));
                let _ = writeln!(stderr, "writing the schemas without the site's ids");
            }
            let dir = out.unwrap_or_else(|| root.join(crate::schema::DEFAULT_DIR));
            match crate::schema::write_schemas(&dir, site.as_ref().map(|s| &s.content)) {
                Ok(written) => {
                    let _ = writeln!(
                        stderr,
                        "{} schema{} written in {}",
                        written.len(),
                        if written.len() == 1 { "" } else { "s" },
                        dir.display()
                    );
                    0
                }
                Err(d) => fail(&mut stderr, d, colour),
            }
        }
        Command::Stats { root, drafts, json } => {
            let (site, diags) = crate::content::load(&root, None);
            let Some(site) = site.filter(|_| !diags.has_errors()) else {
                let code = diags.exit_code();
                let _ = write!(stderr, "{}", diags.render_all_styled(colour, false));
                return code;
            };
            let publish = crate::index::Publish {
                drafts,
                ..crate::index::Publish::at(crate::build::now())
            };
            let (index, resolve_diags) = crate::index::resolve(&site, publish);
            if resolve_diags.has_errors() {
                let _ = write!(stderr, "{}", resolve_diags.render_all_styled(colour, false));
                return 1;
            }
            let stats = crate::stats::compute(&index);
            let text = if json {
                serde_json::to_string_pretty(&stats).unwrap_or_default() + "\n"
            } else {
                stats.to_text()
            };
            write_stdout(text.as_bytes())
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "storia", &mut out);
            write_stdout(&out)
        }
        Command::Man { out: None } => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => write_stdout(&page),
                Err(e) => io_failure(&mut stderr, "write", "the man page", e, colour),
            }
        }
        Command::Man { out: Some(dir) } => {
            let written = std::fs::create_dir_all(&dir)
                .and_then(|()| clap_mangen::generate_to(Cli::command(), &dir));
            match written {
                Ok(()) => {
                    let _ = writeln!(stderr, "man pages written in {}", dir.display());
                    0
                }
                Err(e) => io_failure(&mut stderr, "write", &dir.display().to_string(), e, colour),
            }
        }
    }
}

/// The reference of the template contexts, built into the binary so that
/// users without storia's source have it (`storia help templates`).
const TEMPLATES_HELP: &str = include_str!("../docs/templates.md");

/// `storia help [COMMAND…|TOPIC]`: a command's help as `--help` prints it,
/// or a topic's text.
fn help(topic: &[String], stderr: &mut impl Write, colour: bool) -> i32 {
    let mut command = Cli::command();
    command.build();
    if let [one] = topic {
        if one == "templates" {
            return write_stdout(TEMPLATES_HELP.as_bytes());
        }
    }
    let mut found = &mut command;
    for word in topic {
        let names: Vec<String> = found
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        match found.find_subcommand_mut(word) {
            Some(sub) => found = sub,
            None => {
                let mut known = names.clone();
                if std::ptr::eq(topic.first().unwrap_or(word), word) {
                    known.push("templates".into());
                }
                let problem = crate::diagnostics::Problem::Config(format!(
                    "no command or help topic `{word}`"
                ));
                let help = crate::suggest::did_you_mean(word, known.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("known: {}", known.join(", ")));
                let _ = write!(
                    stderr,
                    "{}",
                    crate::diagnostics::Diagnostic::error(problem)
                        .help(help)
                        .render_styled(colour)
                );
                return 2;
            }
        }
    }
    write_stdout(found.render_long_help().to_string().as_bytes())
}

/// Prints one failure and returns its exit code.
fn fail(stderr: &mut impl Write, d: crate::diagnostics::Diagnostic, colour: bool) -> i32 {
    let _ = write!(stderr, "{}", d.render_styled(colour));
    d.exit_code()
}

fn io_failure(
    stderr: &mut impl Write,
    action: &'static str,
    path: &str,
    e: std::io::Error,
    colour: bool,
) -> i32 {
    let problem = crate::diagnostics::Problem::Io {
        action,
        path: path.to_string(),
        reason: e.to_string(),
    };
    fail(
        stderr,
        crate::diagnostics::Diagnostic::error(problem),
        colour,
    )
}

/// Writes a command's result to standard output; a closed or full output is an I/O failure.
fn write_stdout(bytes: &[u8]) -> i32 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => 0,
        Err(e) => io_failure(
            &mut std::io::stderr(),
            "write",
            "standard output",
            e,
            crate::term::colour_stderr(),
        ),
    }
}
