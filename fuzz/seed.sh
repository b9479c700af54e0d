#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/) from tests/fixtures.
# Corpora grow while fuzzing and are never committed.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../tests/fixtures
mkdir -p corpus/front_matter corpus/resolve corpus/site

# front_matter: a byte naming the kind (see fuzz_targets/front_matter.rs), then the file.
kind_byte() {
    case "$1" in
    */digests/*) printf '\0' ;;
    */actors/*) printf '\1' ;;
    */sources/*) printf '\2' ;;
    */stories/*) printf '\3' ;;
    *) printf '\4' ;;
    esac
}
find "$fixtures" -path '*/content/*.md' -print0 | while IFS= read -r -d '' f; do
    name=$(printf '%s' "$f" | sha1sum | cut -c1-16)
    { kind_byte "$f"; cat "$f"; } >"corpus/front_matter/$name"
    case "$f" in */digests/*) cp "$f" "corpus/resolve/$name" ;; esac
done

# site: site.yaml NUL a digest NUL an actor (the largest of each in the fixture).
largest() { { find "$1" -name '*.md' -printf '%s %p\n' 2>/dev/null || true; } | sort -rn | head -1 | cut -d' ' -f2-; }
for site in "$fixtures/basic" "$fixtures"/bad/*; do
    digest=$(largest "$site/content/digests")
    actor=$(largest "$site/content/actors")
    {
        if [ -f "$site/site.yaml" ]; then cat "$site/site.yaml"; fi
        printf '\0'
        if [ -n "$digest" ]; then cat "$digest"; fi
        printf '\0'
        if [ -n "$actor" ]; then cat "$actor"; fi
    } >"corpus/site/$(basename "$site")"
done
for t in front_matter resolve site; do
    echo "corpus/$t: $(find "corpus/$t" -type f | wc -l) inputs"
done
