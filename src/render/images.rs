//! Images the pages show from the site's own files (lead images,
//! portraits, logos, body images), resized at build time into the widths
//! the theme shows them at, as WebP. The originals stay published as they
//! are (social cards take them, and browsers without WebP).
//!
//! Encoding is the slow part of a build with photos, so each variant is
//! kept in the site's cache folder under a key of what decides its bytes
//! (the source's bytes, the width, the quality, the encoder): a rebuild
//! reads the source files and the cached variants and encodes nothing.
//! Without a cache (`--no-cache`) every build encodes in memory. The
//! encoder is deterministic, so the bytes are the same either way.

use super::assets::Assets;
use super::OutputFile;
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::index::{ActorIx, DigestIx, Index, PageIx, SourceIx, StoryIx};
use crate::markdown::{is_root_relative, LocalLink};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::path::Path;

/// Widths of images shown across the text column or a card: lead images
/// of digests and stories, and body images (up to about 48rem, at twice
/// the pixel density).
pub const WIDE: &[u32] = &[320, 640, 960, 1440];
/// Widths of images shown small: portraits and logos (56 px avatars and
/// 144 px profile images, at once and twice the pixel density).
pub const SMALL: &[u32] = &[120, 320];
/// WebP quality, 0–100.
pub const QUALITY: f32 = 80.0;
/// Names what decides the bytes of a variant besides its source, width
/// and quality: a change here (another crate version, another filter)
/// gives new cache keys, so no stale variant is reused.
const ENCODER: &str = "storia-images 1; image 0.25 lanczos3; webp 0.3 (libwebp-sys 0.9)";
/// An original larger than this gets a warning.
pub const OVERSIZED_BYTES: usize = 5 * 1024 * 1024;
/// An original longer than this on a side gets a warning.
pub const OVERSIZED_SIDE: u32 = 4000;

/// A resized copy of an image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// Its path from the site's root (`images/minsk.jpg.640w.webp`).
    pub path: String,
}

/// An image of the site that was resized.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resized {
    /// The original's width, as shown (after its EXIF orientation).
    pub width: u32,
    /// The original's height, as shown.
    pub height: u32,
    /// The copies, narrowest first.
    pub variants: Vec<Variant>,
}

/// Every resized image of a build, by path from the site's root.
#[derive(Debug, Default)]
pub struct Images {
    resized: BTreeMap<String, Resized>,
}

impl Images {
    /// The resized copies of the image written `written` (`/images/x.jpg`),
    /// if it is one of the site's and was resized.
    pub fn get(&self, written: &str) -> Option<&Resized> {
        if !is_root_relative(written) {
            return None;
        }
        self.resized.get(&site_path(written))
    }

    /// A hash of the whole table: pages show widths and heights, so a
    /// changed image re-renders the pages (the dev server's memo).
    pub fn fingerprint(&self) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        self.resized.hash(&mut h);
        h.finish()
    }
}

/// The path from the site's root of `written` (`/images/caf%C3%A9.jpg` →
/// `images/café.jpg`), as the static files are named.
fn site_path(written: &str) -> String {
    LocalLink {
        dest: written.to_string(),
        offset: 0,
        image: true,
    }
    .path()
}

/// Where an image is used: the widths it is needed at, and the first
/// place it is written (for its errors and warnings).
struct Use {
    written: String,
    widths: BTreeSet<u32>,
    at: Location,
}

/// What resizing one image gave.
struct Done {
    path: String,
    resized: Resized,
    files: Vec<OutputFile>,
    warning: Option<Diagnostic>,
}

/// Resizes every image of the site the published pages of `index` show,
/// from the static files of `assets`, keeping variants in `cache` (a
/// folder) when there is one. Gives the table of resized images, the
/// variant files, and the problems found (an image that cannot be read is
/// an error at the place it is written; an oversized one a warning).
pub fn process(
    index: &Index<'_>,
    assets: &Assets,
    cache: Option<&Path>,
) -> (Images, Vec<OutputFile>, Vec<Diagnostic>) {
    let uses = uses(index);
    let files = assets.bytes_by_path();
    let results: Vec<Result<Option<Done>, Diagnostic>> = uses
        .into_par_iter()
        .map(|(path, u)| match files.get(path.as_str()) {
            Some(bytes) => resize(path, &u, bytes, cache),
            // Reported by the check of files named in content.
            None => Ok(None),
        })
        .collect();
    let mut images = Images::default();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(Some(done)) => {
                problems.extend(done.warning);
                out.extend(done.files);
                images.resized.insert(done.path, done.resized);
            }
            Ok(None) => {}
            Err(d) => problems.push(d),
        }
    }
    (images, out, problems)
}

/// Every local image the published pages show, with the widths each is
/// shown at.
fn uses(index: &Index<'_>) -> BTreeMap<String, Use> {
    let mut uses: BTreeMap<String, Use> = BTreeMap::new();
    let mut add = |written: &str, widths: &[u32], at: &dyn Fn() -> Location| {
        if !is_root_relative(written) {
            return;
        }
        let u = uses.entry(site_path(written)).or_insert_with(|| Use {
            written: written.to_string(),
            widths: BTreeSet::new(),
            at: at(),
        });
        u.widths.extend(widths);
    };
    macro_rules! each {
        ($nodes:expr, $ix:ident, $get:ident, $widths:expr) => {
            for n in 0..$nodes.len() {
                let e = index.$get($ix(n as u32));
                if let Some(image) = &e.matter.image {
                    add(&image.src.0, $widths, &|| e.locate_image());
                }
                for l in e.locals.iter().filter(|l| l.image) {
                    add(&l.dest, WIDE, &|| e.local_location(l));
                }
            }
        };
    }
    each!(index.digests, DigestIx, digest, WIDE);
    each!(index.stories, StoryIx, story, WIDE);
    each!(index.actors, ActorIx, actor, SMALL);
    each!(index.sources, SourceIx, source, SMALL);
    for n in 0..index.pages.len() {
        let e = index.page(PageIx(n as u32));
        for l in e.locals.iter().filter(|l| l.image) {
            add(&l.dest, WIDE, &|| e.local_location(l));
        }
    }
    uses
}

/// The formats resized: those browsers show and the decoder reads.
/// Others (SVG, GIF, AVIF) are published as they are.
fn format_of(path: &str) -> Option<ImageFormat> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => Some(ImageFormat::Jpeg),
        "png" => Some(ImageFormat::Png),
        "webp" => Some(ImageFormat::WebP),
        _ => None,
    }
}

/// Resizes one image (or reads its variants from the cache).
fn resize(
    path: String,
    u: &Use,
    bytes: &[u8],
    cache: Option<&Path>,
) -> Result<Option<Done>, Diagnostic> {
    let Some(format) = format_of(&path) else {
        return Ok(None);
    };
    let unreadable = |reason: String| {
        Diagnostic::error(Problem::UnreadableImage {
            written: u.written.clone(),
            reason,
        })
        .at(u.at.clone())
        .help("export it again as JPEG, PNG or WebP, or correct the path")
    };
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| unreadable(e.to_string()))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (w, h) = decoder.dimensions();
    let (width, height) = if turns(orientation) { (h, w) } else { (w, h) };
    if width == 0 || height == 0 {
        return Err(unreadable("it has no pixels".into()));
    }
    let mut over = Vec::new();
    if bytes.len() > OVERSIZED_BYTES {
        over.push(format!("{:.1} MB", bytes.len() as f64 / (1024.0 * 1024.0)));
    }
    if width.max(height) > OVERSIZED_SIDE {
        over.push(format!("{width}×{height} px"));
    }
    let warning = (!over.is_empty()).then(|| {
        Diagnostic::warning(format!(
            "image `{}` is oversized: {}",
            u.written,
            over.join(", ")
        ))
        .at(u.at.clone())
        .help(format!(
            "readers get resized copies, but the original is published as it is (for social cards): keep originals under {} MB and {OVERSIZED_SIDE} px on a side",
            OVERSIZED_BYTES / (1024 * 1024)
        ))
    });
    let source = xxhash_rust::xxh3::xxh3_128(bytes);
    let mut widths: Vec<u32> = u.widths.iter().map(|w| (*w).min(width)).collect();
    widths.dedup();
    // Decoded only when a variant is not in the cache; the largest
    // variant made first, and the smaller ones from it.
    let mut decoder = Some(decoder);
    let mut original: Option<DynamicImage> = None;
    let mut larger: Option<DynamicImage> = None;
    let mut variants = Vec::new();
    let mut files = Vec::new();
    for &vw in widths.iter().rev() {
        let vh = ((u64::from(height) * u64::from(vw) + u64::from(width) / 2) / u64::from(width))
            .max(1) as u32;
        let key = variant_key(source, vw);
        let cached = cache.map(|dir| dir.join(format!("{key:032x}.webp")));
        let bytes = match cached.as_ref().and_then(|c| std::fs::read(c).ok()) {
            Some(b) => b,
            None => {
                if let (None, None, Some(d)) = (&larger, &original, decoder.take()) {
                    let mut img =
                        DynamicImage::from_decoder(d).map_err(|e| unreadable(e.to_string()))?;
                    img.apply_orientation(orientation);
                    original = Some(img);
                }
                let Some(from) = larger.as_ref().or(original.as_ref()) else {
                    return Err(unreadable("it could not be decoded".into()));
                };
                let small = from.resize_exact(vw, vh, image::imageops::FilterType::Lanczos3);
                let encoded = encode(&small).map_err(unreadable)?;
                if let Some(c) = &cached {
                    store(c, &encoded);
                }
                larger = Some(small);
                encoded
            }
        };
        let path = format!("{path}.{vw}w.webp");
        files.push(OutputFile {
            path: path.clone(),
            bytes,
        });
        variants.push(Variant {
            width: vw,
            height: vh,
            path,
        });
    }
    variants.reverse();
    files.reverse();
    Ok(Some(Done {
        path,
        resized: Resized {
            width,
            height,
            variants,
        },
        files,
        warning,
    }))
}

/// Whether `o` turns the image a quarter (its width becomes its height).
fn turns(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
}

/// The cache key of the variant `width` px wide of the source whose bytes
/// hash to `source`.
fn variant_key(source: u128, width: u32) -> u128 {
    let mut key = Vec::with_capacity(64 + ENCODER.len());
    key.extend_from_slice(&source.to_le_bytes());
    key.extend_from_slice(&width.to_le_bytes());
    key.extend_from_slice(&QUALITY.to_le_bytes());
    key.extend_from_slice(ENCODER.as_bytes());
    xxhash_rust::xxh3::xxh3_128(&key)
}

/// Lossy WebP of `img`, with its alpha channel when it has one.
fn encode(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let (w, h) = (img.width(), img.height());
    let encoded = if img.color().has_alpha() {
        let rgba = img.to_rgba8();
        webp::Encoder::from_rgba(&rgba, w, h).encode_simple(false, QUALITY)
    } else {
        let rgb = img.to_rgb8();
        webp::Encoder::from_rgb(&rgb, w, h).encode_simple(false, QUALITY)
    };
    encoded
        .map(|m| m.to_vec())
        .map_err(|e| format!("WebP encoding failed ({e:?})"))
}

/// Keeps `bytes` at `path` in the cache, whole or not at all (written
/// beside it, then renamed). A cache that cannot be written is no error:
/// the next build encodes again.
fn store(path: &Path, bytes: &[u8]) {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("{}-{n}.tmp", std::process::id()));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// What a file name cannot keep as it is in a `srcset` URL: a space or a
/// comma would split the list, and `%`, `?` and `#` would be read as
/// escapes, a query and a fragment.
const URL_UNSAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b',')
    .add(b'"')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'%')
    .add(b'?')
    .add(b'#');

/// The `srcset` of `resized`'s variants, with `root` (the site's root
/// path) in front of each.
pub fn srcset(resized: &Resized, root: &str) -> String {
    resized
        .variants
        .iter()
        .map(|v| {
            let url = percent_encoding::utf8_percent_encode(&v.path, URL_UNSAFE);
            format!("{root}{url} {}w", v.width)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcset_urls_survive_any_file_name() {
        let resized = Resized {
            width: 10,
            height: 10,
            variants: vec![Variant {
                width: 10,
                height: 10,
                path: "img/a b,c%d\"é.jpg.10w.webp".into(),
            }],
        };
        assert_eq!(
            srcset(&resized, "/blog/"),
            "/blog/img/a%20b%2Cc%25d%22%C3%A9.jpg.10w.webp 10w"
        );
    }

    #[test]
    fn keys_change_with_each_input() {
        let a = variant_key(1, 320);
        assert_eq!(a, variant_key(1, 320));
        assert_ne!(a, variant_key(2, 320));
        assert_ne!(a, variant_key(1, 640));
    }

    #[test]
    fn only_formats_the_decoder_reads_are_resized() {
        assert_eq!(format_of("a/b.JPG"), Some(ImageFormat::Jpeg));
        assert_eq!(format_of("b.svg"), None);
        assert_eq!(format_of("noext"), None);
    }

    #[test]
    fn encoding_is_deterministic_and_decodes() {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(40, 30, |x, y| {
            image::Rgb([(x * 6) as u8, (y * 8) as u8, 90])
        }));
        let a = encode(&img).unwrap();
        assert_eq!(a, encode(&img).unwrap());
        let back = image::load_from_memory_with_format(&a, ImageFormat::WebP).unwrap();
        assert_eq!((back.width(), back.height()), (40, 30));
    }
}
