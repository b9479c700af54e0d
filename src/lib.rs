//! storia: a static-site generator for curated news story digests.
//!
//! One pipeline, one direction:
//! [`content`] (load files into typed content with source spans) →
//! [`index`] (resolve ids into a cross-link index) →
//! [`render`] (Markdown and Tera, pure functions of the index) →
//! [`output`] (write the output folder atomically).
//! [`input`] (decoded files, checked YAML values) and [`entity`] (the kinds
//! of thing a site is made of) are leaves every stage builds on.
//! [`build`] runs them in order; [`serve`] runs them again on every save; [`diagnostics`] holds and renders every
//! problem they find; [`cli`] is the command line.

pub mod build;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod entity;
pub mod index;
pub mod input;
pub mod local;
pub mod markdown;
pub mod menu;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod slug;
pub mod sources;
pub mod stats;
pub mod suggest;
pub mod term;
pub mod theme;
pub mod typography;
pub mod yaml;
