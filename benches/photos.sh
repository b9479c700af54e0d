#!/usr/bin/env bash
# Builds with photos (issue 16): how long resizing takes on a cold build,
# and that a warm rebuild encodes nothing. See benches/README.md.
#
#   benches/photos.sh            # 1000 digests, seed 41
#   benches/photos.sh 200        # another size
#
# Environment:
#   PHOTOS_OUT  work folder: site, cache, output (default /tmp/storia-photos)
#   SEED        corpus seed (default 41)
#   WIDTH, HEIGHT  size of the digests' photos (default 2400×1600; portraits are 800×800)
#   STORIA_BIN  use this storia binary instead of building target/release/storia
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-1000}
OUT=${PHOTOS_OUT:-/tmp/storia-photos}
SEED=${SEED:-41}
WIDTH=${WIDTH:-2400}
HEIGHT=${HEIGHT:-1600}
GEN_PY=${GEN_PY:-$ROOT/../shared/bench/gen_corpus.py}
case $OUT in
  /|"$ROOT"|"$ROOT"/*) echo "photos.sh: PHOTOS_OUT must be outside the repository" >&2; exit 2 ;;
esac

cd "$ROOT"
if [ -z "${STORIA_BIN:-}" ]; then
  cargo build --release --bin storia --example add_photos >&2
  STORIA_BIN=target/release/storia
fi
PHOTOS=$(dirname "$STORIA_BIN")/examples/add_photos
[ -x "$PHOTOS" ] || cargo build --release --example add_photos >&2

rm -rf "$OUT"
mkdir -p "$OUT"
python3 "$GEN_PY" --flavor storia --digests "$N" --seed "$SEED" --out "$OUT/site" >&2
"$PHOTOS" --site "$OUT/site" --width "$WIDTH" --height "$HEIGHT"
echo "photos: $(find "$OUT/site/static/images/photos" -type f | wc -l) files, $(du -sh "$OUT/site/static/images/photos" | cut -f1)"

build() {
  /usr/bin/time -f "%e s wall, %M KB peak RSS" "$STORIA_BIN" build --root "$OUT/site" \
    --output "$OUT/public" --force "$@" 2>&1 >/dev/null | grep -E "s wall|^built"
}
echo "cold (empty cache):"
build --cache-dir "$OUT/cache"
echo "warm (same cache, nothing changed):"
build --cache-dir "$OUT/cache"
echo "cache: $(find "$OUT/cache" -type f -name '*.webp' | wc -l) copies, $(du -sh "$OUT/cache" | cut -f1)"
echo "--no-cache:"
build --no-cache
