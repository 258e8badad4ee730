#!/usr/bin/env bash
# Runs every bg2vec benchmark (the *Benchmark classes of src/test/java and the prepare-vs-WikiExtractor script),
# one after the other, and prints each one's headline lines (the ratios) at the end. Logs: target/benchmarks/.
#
#   submit/benchmarks.sh [--quick | --full] [--only NAME,NAME] [--no-build] [--list]
#
#   --quick      small sizes, a few minutes in all (default)
#   --full       the sizes of src/site/markdown/benchmarks-*.md (tens of minutes; prepare builds a 771 MB dump)
#   --only N,N   run only these benchmarks (names from --list)
#   --no-build   use the classes already in target/ (else: mvn -B -q -DskipTests package first)
#   --list       print the benchmarks and their arguments
#
# Each benchmark runs in its own JVM (ended when its main returns; at most 15 min quick, 2 h full); one that fails,
# times out or is skipped (WikiExtractor not installed) is reported and the others still run. Exit code 1 when one failed. No benchmark asserts anything: read the ratios. On a shared
# machine run it under the build lock (flock /tmp/bg2vec-build.lock submit/benchmarks.sh). How to add one:
# src/site/markdown/benchmarks.md.
set -euo pipefail
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

MODE=quick
ONLY=""
BUILD=1
LIST=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --only) ONLY=${2:?--only needs names}; shift ;;
    --no-build) BUILD=0 ;;
    --list) LIST=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done

OUT=target/benchmarks
TOKENIZER=data-prep/tokenizers/llama2/tokenizer.json

# The benchmarks: NAME | main class (or "script:PATH") | quick arguments | full arguments | headline regex.
# {DUMP} is a dump made by data-prep/make-bench-dump.sh (60 copies quick, 560 full); {TOKENIZER} the Llama-2
# tokenizer.json; {BENCHCONF} src/test/resources/bench (training configs without cropping, so every sample keeps its
# length). A new benchmark is one more line here (see src/site/markdown/benchmarks.md).
BENCHMARKS=$(cat <<'EOF'
prepare-vs-wikiextractor|script:data-prep/bench-prepare-vs-wikiextractor.sh|330|3300|^(ratio|wikiextractor|bg2vec)
prepare-stages|org.bg2vec.prepare.PrepareBenchmark|{DUMP} {TOKENIZER}|{DUMP} {TOKENIZER}|^  read
cleaning|org.bg2vec.text.CleaningBenchmark|10 2|50 5|^round
collective|org.bg2vec.collective.CollectiveBenchmark|2 16|2 256|^\| [0-9]+ MB
forward|org.bg2vec.bench.ForwardBenchmark|tiny 8 64 2 2|small 32 128 3 5|^(best|ratio)
training|org.bg2vec.bench.TrainingBenchmark|small 128 3 {BENCHCONF}/train-step.json|small 128 6 {BENCHCONF}/train-step.json|(median step|speed-up|^\| )
training-7b-width|org.bg2vec.bench.TrainingBenchmark|mistral-7b 64 2 {BENCHCONF}/train-step-7b-width.json 2 38000|mistral-7b 128 3 {BENCHCONF}/train-step-7b-width.json 2 38000|(median step|speed-up|^\| )
train-step|org.bg2vec.train.TrainStepBenchmark|32 64 64 2|128 256 256 5|(x plain|optimizer update)
optimizer|org.bg2vec.bench.OptimizerBenchmark|41943040 3|41943040 5|(optimizer step|host path|tensor path)
eval-metrics|org.bg2vec.eval.EvalMetricsBenchmark|500 512|2000 4096|^n=
train-job|org.bg2vec.spark.TrainJobBenchmark|4 8 4 32|8 16 4 64|W=
EOF
)

if [ "$LIST" = 1 ]; then
  printf '%-26s %-40s %-24s %s\n' NAME MAIN QUICK FULL
  while IFS='|' read -r name main quick full _; do
    printf '%-26s %-40s %-24s %s\n' "$name" "$main" "$quick" "$full"
  done <<< "$BENCHMARKS"
  exit 0
fi

mkdir -p "$OUT"
if [ "$BUILD" = 1 ]; then
  echo "== building (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi
CP="target/classes:target/test-classes:target/lib/*"
JAVA_FLAGS=(-Xmx8g -Dai.djl.offline=true -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties"
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-modules=jdk.incubator.vector)

DUMP="$OUT/bench-$([ "$MODE" = quick ] && echo 60 || echo 560).xml"
LIMIT=$([ "$MODE" = quick ] && echo 900 || echo 7200)   # seconds per benchmark
selected() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

declare -a SUMMARY=()
FAILED=0
echo "== bg2vec benchmarks ($MODE) on $(uname -n): $(nproc) cores, $(java -version 2>&1 | sed -n 1p), $(date -u +%FT%TZ)"
while IFS='|' read -r name main quick full headline; do
  selected "$name" || continue
  args=$quick
  [ "$MODE" = full ] && args=$full
  if [[ "$args" == *"{DUMP}"* ]] && [ ! -s "$DUMP" ]; then
    data-prep/make-bench-dump.sh "$([ "$MODE" = quick ] && echo 60 || echo 560)" "$DUMP"
  fi
  args=${args//\{DUMP\}/$DUMP}
  args=${args//\{TOKENIZER\}/$TOKENIZER}
  args=${args//\{BENCHCONF\}/src/test/resources/bench}
  read -r -a argv <<< "$args"
  log="$OUT/$name.log"
  echo "== $name: $main ${argv[*]} (log: $log)"
  start=$(date +%s)
  status=ok
  if [[ "$main" == script:* ]]; then
    BENCH_DIR="$OUT/$name" timeout "$LIMIT" "${main#script:}" "${argv[@]}" < /dev/null > "$log" 2>&1 \
      || status="exit $?"
  else
    timeout "$LIMIT" java "${JAVA_FLAGS[@]}" -cp "$CP" org.bg2vec.bench.RunToExit "$main" "${argv[@]}" \
      < /dev/null > "$log" 2>&1 || status="exit $?"
  fi
  [ "$status" = "exit 124" ] && status="timed out after ${LIMIT}s"
  secs=$(( $(date +%s) - start ))
  if [ "$status" = "exit 3" ] && [[ "$main" == script:* ]]; then
    status="skipped: $(tail -n 1 "$log")"
  elif [ "$status" != ok ]; then
    FAILED=1
  fi
  SUMMARY+=("## $name ($status, ${secs}s)")
  while IFS= read -r line; do
    SUMMARY+=("  $line")
  done < <(grep -E "$headline" "$log" || true)
done <<< "$BENCHMARKS"

echo
echo "== results ($MODE); full logs in $OUT/"
printf '%s\n' "${SUMMARY[@]}"
exit "$FAILED"
