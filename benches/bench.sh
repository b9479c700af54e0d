#!/usr/bin/env bash
# storia build benchmark (issue 6): see benches/README.md.
#
#   benches/bench.sh                 # sizes 1000 10000 100000
#   benches/bench.sh 1000 10000      # chosen sizes
#
# Environment:
#   BENCH_OUT      work folder for binaries, corpora, outputs, logs (default /tmp/storia-bench)
#   RUNS           timed fresh builds per size (default 3; the median is reported)
#   SEED           corpus seed (default 1)
#   HUGO           1 = time Hugo too when installed, 0 = never (default 1)
#   HUGO_MAX       largest size Hugo is timed at (default 10000: Hugo needs >3 GB at 10k)
#   BENCH_TIMEOUT  seconds one build may take before it is stopped (default 0: no limit)
#   BENCH_MAX_RSS_MB  stop a build whose resident memory passes this (default 0: no limit)
#   STORIA_BIN     use this storia binary instead of building target/release/storia
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_OUT=${BENCH_OUT:-/tmp/storia-bench}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
HUGO=${HUGO:-1}
HUGO_MAX=${HUGO_MAX:-10000}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-0}
BENCH_MAX_RSS_MB=${BENCH_MAX_RSS_MB:-0}
GEN_PY=${GEN_PY:-$ROOT/../shared/bench/gen_corpus.py}
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000 100000); fi

for n in "${SIZES[@]}"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "bench.sh: not a size: $n" >&2; exit 2; }
done
case $BENCH_OUT in
  /|"$ROOT"|"$ROOT"/*) echo "bench.sh: BENCH_OUT must be outside the repository" >&2; exit 2 ;;
esac

log() { printf '%s\n' "$*" >&2; }

# /usr/bin/time (GNU time) gives peak RSS.
if [ ! -x /usr/bin/time ]; then
  log "installing GNU time (/usr/bin/time)"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
  else
    sudo apt-get install -y time >/dev/null
  fi
fi

# Outputs of an earlier run that was stopped; a run removes its own.
rm -rf "$BENCH_OUT/out"
mkdir -p "$BENCH_OUT"/{bin,corpus,out,logs}
BIN=$BENCH_OUT/bin

# Binaries: built once, copied, so edits to the tree during the run change nothing.
(cd "$ROOT" && cargo build --release --quiet --example gen_corpus)
cp "$ROOT/target/release/examples/gen_corpus" "$BIN/gen_corpus"
if [ -n "${STORIA_BIN:-}" ]; then
  cp "$STORIA_BIN" "$BIN/storia"
else
  (cd "$ROOT" && cargo build --release --quiet --bin storia)
  cp "$ROOT/target/release/storia" "$BIN/storia"
fi
REV=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(cd "$ROOT" && git status --porcelain --untracked-files=no -- src Cargo.toml Cargo.lock themes 2>/dev/null)" ]; then
  REV="$REV+dirty"
fi
GEN_SUM=$(sha256sum "$ROOT/examples/gen_corpus.rs" | cut -c1-16)

HAVE_HUGO=0
if [ "$HUGO" = 1 ] && command -v hugo >/dev/null 2>&1 && [ -f "$GEN_PY" ]; then
  HAVE_HUGO=1
fi

# --- helpers -------------------------------------------------------------

# descendants PID: the processes under PID, deepest first.
descendants() {
  local c
  for c in $(pgrep -P "$1" 2>/dev/null); do
    descendants "$c"
    echo "$c"
  done
}

# watchdog PID LOG: kills what runs under PID once its RSS passes BENCH_MAX_RSS_MB.
watchdog() {
  local pid=$1 logf=$2 rss p
  while kill -0 "$pid" 2>/dev/null; do
    rss=0
    for p in $(descendants "$pid"); do
      rss=$((rss + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
    done
    if [ $((rss / 1024)) -gt "$BENCH_MAX_RSS_MB" ]; then
      echo "killed at $((rss / 1024)) MB RSS (BENCH_MAX_RSS_MB=$BENCH_MAX_RSS_MB)" >"$logf.killed"
      for p in $(descendants "$pid"); do kill -KILL "$p" 2>/dev/null || true; done
      return
    fi
    sleep 1
  done
}

# run_timed LOG CMD...: runs CMD under GNU time; LOG.time gets its report, LOG its stderr.
run_timed() {
  local logf=$1
  shift
  local t=()
  [ "$BENCH_TIMEOUT" != 0 ] && t=(timeout --signal=KILL "$BENCH_TIMEOUT")
  local rc=0 pid wpid=
  rm -f "$logf.killed"
  /usr/bin/time -v -o "$logf.time" "${t[@]}" "$@" >"$logf" 2>&1 &
  pid=$!
  if [ "$BENCH_MAX_RSS_MB" != 0 ]; then
    watchdog "$pid" "$logf" &
    wpid=$!
  fi
  wait "$pid" || rc=$?
  if [ -n "$wpid" ]; then kill "$wpid" 2>/dev/null || true; wait "$wpid" 2>/dev/null || true; fi
  [ -f "$logf.killed" ] && cat "$logf.killed" >>"$logf"
  return $rc
}

# time_field FILE NAME: a field of a GNU time -v report.
time_field() {
  case $2 in
    wall) awk -F': ' '/Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + p[i]
            printf "%.2f", s }' "$1" ;;
    cpu) awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$1" ;;
    rss) awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1" ;;
  esac
}

median() { sort -g | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'; }
minimum() { sort -g | head -n1; }

warm() { find "$1" -type f -exec cat {} + >/dev/null 2>&1 || true; }

# files' path, mtime and inode, for the no-change check.
snapshot() { (cd "$1" && find . -type f -printf '%P\t%T@\t%i\n' | LC_ALL=C sort); }

storia_ms() { # storia_ms LOG STAGE
  sed -n 's/.*timings:.* '"$2"' \([0-9]*\) ms.*/\1/p' "$1" | tail -n1
}

# --- the run ---------------------------------------------------------------

FS=$(df --output=fstype "$BENCH_OUT" 2>/dev/null | tail -n1 || echo '?')
log "storia $REV, $(nproc) CPUs, $BENCH_OUT on $FS, load average $(cut -d' ' -f1-3 /proc/loadavg)"

ROWS=()
STAGES=()
HUGO_ROWS=()
for n in "${SIZES[@]}"; do
  corpus=$BENCH_OUT/corpus/storia-$n
  stamp="$n $SEED $GEN_SUM"
  if [ "$(cat "$corpus/.bench-stamp" 2>/dev/null)" != "$stamp" ]; then
    log "[$n] generating corpus"
    "$BIN/gen_corpus" --digests "$n" --seed "$SEED" --out "$corpus" --force 2>"$BENCH_OUT/logs/gen-$n.log"
    echo "$stamp" >"$corpus/.bench-stamp"
  fi
  warm "$corpus"
  walls=() cpus=() rsss=()
  ok=1
  for r in $(seq 1 "$RUNS"); do
    # A folder of its own per run, all removed at the end: on ext4, creating
    # files right after deleting as many costs the kernel seconds (new inodes
    # skip recently deleted ones, `recently_deleted` in fs/ext4/ialloc.c),
    # which would be measured as the build's.
    out=$BENCH_OUT/out/storia-$n-run$r
    logf=$BENCH_OUT/logs/storia-$n-run$r.log
    load=$(cut -d' ' -f1 /proc/loadavg)
    if ! run_timed "$logf" "$BIN/storia" build --root "$corpus" --output "$out" --timings; then
      log "[$n] run $r FAILED (see $logf)"
      tail -n 5 "$logf" >&2
      ok=0
      break
    fi
    if grep -qE 'warning|error' "$logf"; then
      log "[$n] run $r reported diagnostics:"
      grep -E '^(warning|error)' "$logf" | sort | uniq -c | sort -rn | head -n 5 >&2
    fi
    walls+=("$(time_field "$logf.time" wall)")
    cpus+=("$(time_field "$logf.time" cpu)")
    rsss+=("$(time_field "$logf.time" rss)")
    log "[$n] run $r: ${walls[-1]} s wall, ${cpus[-1]} s CPU, ${rsss[-1]} MB peak (load before: $load); $(grep -o 'timings:.*' "$logf")"
  done
  if [ $ok = 0 ]; then
    reason=$(cat "$logf.killed" 2>/dev/null || grep -m1 -E 'Command (terminated|exited)' "$logf.time" 2>/dev/null || tail -n1 "$logf")
    ROWS+=("| $n | stopped after $(time_field "$logf.time" wall) s: $reason | | | | | | | | | | | |")
    continue
  fi
  last=$BENCH_OUT/logs/storia-$n-run$RUNS.log
  pages=$(sed -n 's/^built \([0-9]*\) pages (\([0-9]*\) files.*/\1/p' "$last")
  files=$(sed -n 's/^built \([0-9]*\) pages (\([0-9]*\) files.*/\2/p' "$last")
  wall=$(printf '%s\n' "${walls[@]}" | median)
  wmin=$(printf '%s\n' "${walls[@]}" | minimum)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  rss=$(printf '%s\n' "${rsss[@]}" | median)
  size=$(du -sm "$out" | cut -f1)
  pps=$(awk -v p="$pages" -v w="$wall" 'BEGIN {printf "%.0f", (w > 0) ? p / w : 0}')
  # stage timings: median of the runs, per stage
  stage_cols=""
  for st in load resolve render write; do
    v=$(for r in $(seq 1 "$RUNS"); do storia_ms "$BENCH_OUT/logs/storia-$n-run$r.log" "$st"; done | median)
    stage_cols="$stage_cols | $v"
  done
  STAGES+=("| $n$stage_cols |")

  # No-change rebuild into the existing output.
  before=$BENCH_OUT/logs/snap-$n-before.tsv
  after=$BENCH_OUT/logs/snap-$n-after.tsv
  snapshot "$out" >"$before"
  logf=$BENCH_OUT/logs/storia-$n-rebuild.log
  if run_timed "$logf" "$BIN/storia" build --root "$corpus" --output "$out" --timings; then
    snapshot "$out" >"$after"
    rb_wall=$(time_field "$logf.time" wall)
    rb_rss=$(time_field "$logf.time" rss)
    # files whose mtime or inode changed, plus files that appeared or vanished
    changed=$(LC_ALL=C join -t$'\t' -a1 -a2 -e NONE -o 0,1.2,1.3,2.2,2.3 "$before" "$after" |
      awk -F'\t' '$2 != $4 || $3 != $5' | wc -l)
    reported=$(sed -n 's/.* files, \([0-9]*\) changed).*/\1/p' "$logf")
    log "[$n] no-change rebuild: $rb_wall s, $rb_rss MB; $changed files with a new mtime/inode; storia says $reported changed"
  else
    rb_wall=failed rb_rss=- changed=- reported=-
  fi

  hugo_col="-" ratio_col="-"
  if [ $HAVE_HUGO = 1 ] && [ "$n" -le "$HUGO_MAX" ]; then
    hcorpus=$BENCH_OUT/corpus/hugo-$n
    hstamp="$n $SEED $(sha256sum "$GEN_PY" | cut -c1-16)"
    if [ "$(cat "$hcorpus/.bench-stamp" 2>/dev/null)" != "$hstamp" ]; then
      log "[$n] generating Hugo corpus"
      python3 "$GEN_PY" --flavor hugo --digests "$n" --seed "$SEED" --out "$hcorpus" --force 2>"$BENCH_OUT/logs/gen-hugo-$n.log"
      echo "$hstamp" >"$hcorpus/.bench-stamp"
    fi
    warm "$hcorpus"
    hwalls=() hrss=()
    for r in $(seq 1 "$RUNS"); do
      hout=$BENCH_OUT/out/hugo-$n-run$r
      logf=$BENCH_OUT/logs/hugo-$n-run$r.log
      if ! run_timed "$logf" hugo --quiet --ignoreCache --source "$hcorpus" --destination "$hout"; then
        log "[$n] hugo run $r FAILED (see $logf)"
        hwalls=()
        break
      fi
      hwalls+=("$(time_field "$logf.time" wall)")
      hrss+=("$(time_field "$logf.time" rss)")
      log "[$n] hugo run $r: ${hwalls[-1]} s wall, ${hrss[-1]} MB peak"
    done
    if [ ${#hwalls[@]} -gt 0 ]; then
      hwall=$(printf '%s\n' "${hwalls[@]}" | median)
      hr=$(printf '%s\n' "${hrss[@]}" | median)
      hpages=$(find "$hout" -name '*.html' | wc -l)
      hugo_col="$hwall s, $hr MB"
      ratio_col=$(awk -v h="$hwall" -v s="$wall" 'BEGIN {printf "%.1fx", (s > 0) ? h / s : 0}')
      HUGO_ROWS+=("| $n | $hpages | $hwall | $hr | $ratio_col |")
    fi
  fi

  ROWS+=("| $n | $pages | $files | $size | $wall | $wmin | $cpu | $rss | $pps | $rb_wall | $changed ($reported) | $hugo_col | $ratio_col |")
done

{
  echo
  echo "storia $REV · $(nproc) CPUs · output on $FS ($BENCH_OUT) · $RUNS fresh builds per size, warm cache · load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| digests | HTML pages | files | output MB | wall median (s) | wall min (s) | user+sys (s) | peak RSS (MB) | pages/s | no-change rebuild (s) | files touched by it (storia's count) | Hugo (median) | Hugo / storia |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${ROWS[@]}"
  if [ ${#STAGES[@]} -gt 0 ]; then
    echo
    echo "Stage timings (\`--timings\`, median ms):"
    echo
    echo "| digests | load | resolve | render | write |"
    echo "| ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${STAGES[@]}"
  fi
  if [ ${#HUGO_ROWS[@]} -gt 0 ]; then
    echo
    echo "Hugo $(hugo version 2>/dev/null | awk '{print $2}') on the same-shape corpus of shared/bench/gen_corpus.py --flavor hugo:"
    echo
    echo "| digests | HTML pages | wall median (s) | peak RSS (MB) | Hugo / storia |"
    echo "| ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${HUGO_ROWS[@]}"
  fi
} | tee "$BENCH_OUT/results.md"
rm -rf "$BENCH_OUT/out"
