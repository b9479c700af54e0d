#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60) and prints, per target,
# the runs, the time and the crashes found. Usage:
#   fuzz/run.sh [SECONDS] [TARGET...]        (targets: front_matter resolve site)
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP=1 lets the
# stable compiler take the nightly flags cargo-fuzz passes. Exits 1 when a
# target crashed; the input is kept in fuzz/artifacts/<target>/.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=${*:-front_matter resolve site}
export RUSTC_BOOTSTRAP=1
[ -d corpus ] || ./seed.sh
cargo fuzz build || exit 1
mkdir -p logs
status=0
rows=()
for t in $targets; do
    mkdir -p "corpus/$t" "artifacts/$t"
    marker=$(mktemp)
    log="logs/$t.log"
    start=$(date +%s)
    cargo fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len=16384 -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1
    took=$(($(date +%s) - start))
    runs=$(grep -o 'number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    crashes=$(find "artifacts/$t" -type f -newer "$marker" | wc -l)
    rm -f "$marker"
    if [ "$crashes" -gt 0 ]; then
        status=1
        echo "$t crashed; see fuzz/$log and fuzz/artifacts/$t/" >&2
    fi
    rows+=("$(printf '%-14s %12s %8s %8s' "$t" "${runs:-?}" "${took}s" "$crashes")")
done
printf '%-14s %12s %8s %8s\n' target runs time crashes
printf '%s\n' "${rows[@]}"
exit $status
