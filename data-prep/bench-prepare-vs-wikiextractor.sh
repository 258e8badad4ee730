#!/usr/bin/env bash
# Side-by-side CPU time of `bg2vec prepare` and WikiExtractor on the same dump, in one run. Builds the dump with
# make-bench-dump.sh (COPIES copies of the bundled sample), then runs
#   submit/bg2vec prepare --input DUMP --tokenizer TOKENIZER --output OUT --overwrite --master local[1]
#   $WIKIEXTRACTOR_PYTHON -m wikiextractor.WikiExtractor --json --no-templates --processes 1 -q -o OUT DUMP
# and prints CPU seconds (user + sys of each command and its children), wall seconds and the ratio. It also runs
# bg2vec on the 50-page bundled sample: that CPU time is its fixed start-up cost (JVM, Spark, JIT, tokenizer).
# With BG2VEC_BASE set to another checkout (built), that build runs on the same dump too. Each launcher first runs
# once on the sample, unmeasured (a build when its jar is stale, prepare's class-data archive on a first run).
#
#   data-prep/bench-prepare-vs-wikiextractor.sh [COPIES]    # 1300 copies ≈ 304 MB (default); 3300 ≈ 771 MB
#
# WikiExtractor is not a dependency; install it offline (src/site/markdown/benchmarks-prepare-job.md).
# Environment: WIKIEXTRACTOR_PYTHON (default python3; WikiExtractor 3.0.x needs Python <= 3.10 or two regexes fixed),
# WIKIEXTRACTOR_PATH (prepended to PYTHONPATH, e.g. an unpacked wikiextractor source), TOKENIZER (default
# data-prep/tokenizers/llama2/tokenizer.json), BENCH_DIR (default target/bench-prepare), BG2VEC_JAVA_OPTS,
# BG2VEC_BASE (a checkout of an earlier commit, built with `mvn package`, measured side by side).
# Exit code 3 when WikiExtractor cannot be run. Run it on an otherwise idle machine, or under the build lock.
set -euo pipefail
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  usage
  exit 0
fi
if [ $# -gt 1 ]; then
  usage >&2
  exit 2
fi
COPIES=${1:-1300}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
WE_PYTHON=${WIKIEXTRACTOR_PYTHON:-python3}
TOKENIZER=${TOKENIZER:-data-prep/tokenizers/llama2/tokenizer.json}
TOKENIZER="$(cd "$(dirname "$TOKENIZER")" && pwd)/$(basename "$TOKENIZER")"
DIR=${BENCH_DIR:-target/bench-prepare}
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
WE_PYTHONPATH="${WIKIEXTRACTOR_PATH:+$WIKIEXTRACTOR_PATH:}${PYTHONPATH:-}"

if ! PYTHONPATH="$WE_PYTHONPATH" "$WE_PYTHON" -c 'import wikiextractor.WikiExtractor' >/dev/null 2>&1; then
  echo "WikiExtractor cannot be run with $WE_PYTHON (set WIKIEXTRACTOR_PYTHON / WIKIEXTRACTOR_PATH; see" \
    "src/site/markdown/benchmarks-prepare-job.md)" >&2
  exit 3
fi

# cpu LABEL CMD...: runs CMD (output to DIR/LABEL.log) and prints "LABEL CPU-s USER-s SYS-s WALL-s"
cpu() {
  python3 - "$DIR" "$@" <<'PY'
import resource, subprocess, sys, time
out, label, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t = time.monotonic()
with open(f"{out}/{label}.log", "w") as log:
    rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
wall = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
if rc != 0:
    sys.exit(f"{label} failed with exit code {rc}: see {out}/{label}.log")
print(f"{label} {r.ru_utime + r.ru_stime:.2f} {r.ru_utime:.2f} {r.ru_stime:.2f} {wall:.2f}")
PY
}

DUMP="$DIR/bench-$COPIES.xml"
if [ ! -s "$DUMP" ]; then
  data-prep/make-bench-dump.sh "$COPIES" "$DUMP"
fi
echo "dump $DUMP: $(stat -L -c %s "$DUMP") bytes, $(grep -c '<page>' "$DUMP") pages; $(nproc) cores, $(uname -m)," \
  "$(java -version 2>&1 | sed -n 1p), $(PYTHONPATH="$WE_PYTHONPATH" "$WE_PYTHON" --version 2>&1), $(date -u +%FT%TZ)"

SAMPLE="$ROOT/data-prep/sample/bgwiki-sample-pages-articles.xml"
# prepare ROOT LABEL INPUT OUT: runs ROOT's launcher (prints like cpu)
prepare() {
  cpu "$2" "$1/submit/bg2vec" prepare --input "$3" --tokenizer "$TOKENIZER" --output "$4" --overwrite \
    --master 'local[1]'
}
# warm-up, not measured: what a launcher does once after a build (the jar when it is stale, prepare's class-data
# archive on its first run: submit/lib/class-data.sh) is not part of the runs compared below
for checkout in ${BG2VEC_BASE:+"$BG2VEC_BASE"} "$ROOT"; do
  prepare "$checkout" warm-up "$SAMPLE" "$DIR/bg-sample" >/dev/null
done
rm -rf "$DIR/we-out"
read -r _ we_cpu we_user we_sys we_wall < <(cpu wikiextractor env PYTHONPATH="$WE_PYTHONPATH" "$WE_PYTHON" \
  -W ignore -m wikiextractor.WikiExtractor --json --no-templates --processes 1 -q -o "$DIR/we-out" "$DUMP")
if [ -n "${BG2VEC_BASE:-}" ]; then
  read -r _ base_cpu base_user base_sys base_wall < <(prepare "$BG2VEC_BASE" bg2vec-base "$DUMP" "$DIR/bg-base-out")
fi
read -r _ bg_cpu bg_user bg_sys bg_wall < <(prepare "$ROOT" bg2vec "$DUMP" "$DIR/bg-out")
read -r _ st_cpu _ _ st_wall < <(prepare "$ROOT" bg2vec-startup "$SAMPLE" "$DIR/bg-sample")

docs=$(cat "$DIR"/we-out/*/* | wc -l)
printf 'wikiextractor  %7.2f CPU-s (user %.2f + sys %.2f), %6.2f s wall, %s documents\n' "$we_cpu" "$we_user" \
  "$we_sys" "$we_wall" "$docs"
if [ -n "${BG2VEC_BASE:-}" ]; then
  printf 'bg2vec base    %7.2f CPU-s (user %.2f + sys %.2f), %6.2f s wall, %s\n' "$base_cpu" "$base_user" \
    "$base_sys" "$base_wall" "$(grep '^prepared' "$DIR/bg2vec-base.log")"
  differing=0
  for f in "$DIR"/bg-out/{train,validation}/*.parquet; do
    g="$DIR/bg-base-out/${f#"$DIR/bg-out/"}"
    size=$(( $(stat -c %s "$f") - $(stat -c %s "$g") ))
    differing=$((differing + $(cmp -l "$f" "$g" 2>/dev/null | wc -l || true) + ${size#-}))
  done
  echo "shards of bg2vec and bg2vec base: $differing bytes differ (a few: footer encoding lists, see benchmarks-prepare-job.md)"
fi
printf 'bg2vec prepare %7.2f CPU-s (user %.2f + sys %.2f), %6.2f s wall, %s\n' "$bg_cpu" "$bg_user" "$bg_sys" \
  "$bg_wall" "$(grep '^prepared' "$DIR/bg2vec.log")"
printf 'bg2vec start-up (50-page sample) %.2f CPU-s, %.2f s wall\n' "$st_cpu" "$st_wall"
python3 - "$we_cpu" "$bg_cpu" "$st_cpu" "${base_cpu:-}" <<'PY'
import sys
we, bg, st = map(float, sys.argv[1:4])
if sys.argv[4]:
    print(f"ratio base: WikiExtractor CPU-s / bg2vec base CPU-s = {we / float(sys.argv[4]):.2f}x")
print(f"ratio: WikiExtractor CPU-s / bg2vec prepare CPU-s = {we / bg:.2f}x (target >= 3)")
print(f"ratio: WikiExtractor CPU-s / (bg2vec - start-up) CPU-s = {we / max(bg - st, 1e-9):.2f}x (per-page work)")
PY
