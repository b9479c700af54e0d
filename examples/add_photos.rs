//! Gives a generated site photos, for the image benchmarks (issue 16):
//! every digest a lead image and every actor a portrait, as JPEGs of the
//! size cameras and agencies deliver.
//!
//! ```sh
//! cargo run --release --example add_photos -- --site /tmp/bench/storia-1k --width 2400 --height 1600
//! ```
//!
//! The photos are synthetic (gradients, shapes and grain, so they compress
//! like photographs, not like flat drawings) and deterministic: the same
//! site and sizes give the same bytes. Front matter gets
//! `image: {src, alt, caption, credit}` after its first line.

use image::{Rgb, RgbImage};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// splitmix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A photo-like picture: a sky gradient, hills, a sun and grain.
fn photo(seed: u64, width: u32, height: u32) -> RgbImage {
    let mut rng = Rng(seed);
    let hue = [
        rng.below(120) as f32,
        rng.below(120) as f32,
        80.0 + rng.below(120) as f32,
    ];
    let horizon = height as f32 * (0.45 + rng.below(30) as f32 / 100.0);
    let sun = (rng.below(u64::from(width)) as f32, horizon * 0.4);
    let waves: Vec<(f32, f32)> = (0..3)
        .map(|_| (10.0 + rng.below(60) as f32, 100.0 + rng.below(400) as f32))
        .collect();
    let mut grain = Rng(seed ^ 0x5eed);
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let ground: f32 = horizon + waves.iter().map(|(a, l)| a * (fx / l).sin()).sum::<f32>();
        let mut c = if fy < ground {
            let t = fy / ground;
            [
                hue[0] * (1.0 - t) + 200.0 * t,
                hue[1] * (1.0 - t) + 190.0 * t,
                hue[2] + 60.0 * (1.0 - t),
            ]
        } else {
            let t = (fy - ground) / (height as f32 - ground + 1.0);
            [60.0 + 40.0 * t, 90.0 - 30.0 * t, 40.0]
        };
        let d = ((fx - sun.0).powi(2) + (fy - sun.1).powi(2)).sqrt();
        if d < height as f32 / 12.0 {
            c = [250.0, 230.0, 160.0];
        }
        let n = (grain.below(10) as f32) - 5.0;
        Rgb(c.map(|v| (v + n).clamp(0.0, 255.0) as u8))
    })
}

fn write_jpeg(path: &Path, img: &RgbImage) -> Result<(), String> {
    let file = fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88)
        .encode_image(img)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Inserts `image:` after the front matter's opening `---`, unless it has one.
fn add_image(md: &Path, src: &str, alt: &str) -> Result<(), String> {
    let text = fs::read_to_string(md).map_err(|e| format!("{}: {e}", md.display()))?;
    let Some(rest) = text.strip_prefix("---\n") else {
        return Ok(());
    };
    let matter_end = rest.find("\n---").unwrap_or(0);
    if rest[..matter_end].lines().any(|l| l.starts_with("image:")) {
        return Ok(());
    }
    let line = format!(
        "image: {{src: {src}, alt: \"{alt}\", caption: \"{alt}.\", credit: \"Foto: archivio\"}}\n"
    );
    fs::write(md, format!("---\n{line}{rest}")).map_err(|e| format!("{}: {e}", md.display()))
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(markdown_files(&p));
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn run() -> Result<(), String> {
    let mut site = None;
    let (mut width, mut height) = (2400u32, 1600u32);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--site" => site = Some(PathBuf::from(value()?)),
            "--width" => width = value()?.parse().map_err(|e| format!("--width: {e}"))?,
            "--height" => height = value()?.parse().map_err(|e| format!("--height: {e}"))?,
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    let site = site.ok_or("usage: add_photos --site DIR [--width W] [--height H]")?;
    let images = site.join("static/images/photos");
    fs::create_dir_all(&images).map_err(|e| format!("{}: {e}", images.display()))?;
    let mut count = 0u64;
    let kinds = [("digests", width, height), ("actors", 800, 800)];
    for (kind, w, h) in kinds {
        for md in markdown_files(&site.join("content").join(kind)) {
            let stem = md.file_stem().unwrap_or_default().to_string_lossy();
            let name = format!("{kind}-{stem}.jpg");
            write_jpeg(&images.join(&name), &photo(count, w, h))?;
            add_image(
                &md,
                &format!("/images/photos/{name}"),
                &format!("Foto di {stem}"),
            )?;
            count += 1;
        }
    }
    eprintln!("{{\"photos\": {count}, \"width\": {width}, \"height\": {height}}}");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
