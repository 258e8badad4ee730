#!/usr/bin/env bash
# bg2vec memory benchmark: peak memory of real training steps at BgGPT-7B's widths beside the memory plan. See --help.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<'TXT'
usage: submit/memory-benchmark.sh [--device cpu|gpu] [--work DIR] [--layers N] [--length L] [--steps N]
                                  [--settings "fp32:1:off fp16:2:on ..."]

Writes once (into --work, default target/memory-bench) a checkpoint with BgGPT-7B's real widths and vocabulary
(hidden 4096, MLP 14336, 32 heads on 8 kv heads, vocab 38000) in --layers layers (default 2), stored as HF
publishes it (bf16, model-0000N-of-0000M.safetensors + index), and an r=16 MNTP adapter on every projection
(bg2vec init-model). Then runs each setting precision:micro-batch:recomputation in a fresh JVM
(org.bg2vec.bench.MemoryBenchmark: the production loader, the MNTP merge, a new LoRA, --steps GradCache steps of
--length tokens, default 128) and prints the measured peak next to the memory plan for the same shapes.
  --device cpu   the process's anonymous resident memory (RssAnon) beyond its baseline, sampled every 2 ms, with
                 the JVM heap pre-touched (-Xms = -Xmx) and glibc returning freed blocks (MALLOC_MMAP_THRESHOLD_)
  --device gpu   GPU memory used (nvidia-smi, every 100 ms) beyond the idle GPU 0, against the GPU plan (CUDA
                 context and allocator reserve included). Needs a CUDA libtorch for DJL, e.g.
                   export PYTORCH_LIBRARY_PATH=/opt/libtorch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128
Default settings: fp32:1:off fp32:2:off fp32:1:on fp32:2:on fp16:1:off fp16:2:off fp16:1:on fp16:2:on
Builds target/ with the test classes when missing (mvn -B -q -DskipTests package). CPU-heavy: on a shared
machine run it alone, e.g. flock /tmp/bg2vec-build.lock submit/memory-benchmark.sh
Results: src/site/markdown/benchmarks-memory.md.
TXT
}

DEVICE=cpu
WORK=target/memory-bench
LAYERS=2
LENGTH=128
STEPS=2
SETTINGS="fp32:1:off fp32:2:off fp32:1:on fp32:2:on fp16:1:off fp16:2:off fp16:1:on fp16:2:on"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --device) DEVICE=${2:?--device needs cpu or gpu}; shift 2 ;;
    --work) WORK=${2:?--work needs a directory}; shift 2 ;;
    --layers) LAYERS=${2:?--layers needs a number}; shift 2 ;;
    --length) LENGTH=${2:?--length needs a number}; shift 2 ;;
    --steps) STEPS=${2:?--steps needs a number}; shift 2 ;;
    --settings) SETTINGS=${2:?--settings needs a list}; shift 2 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$DEVICE" in cpu|gpu) ;; *) echo "--device must be cpu or gpu, got $DEVICE" >&2; exit 2 ;; esac

cd "$HERE"
if [ ! -d target/test-classes ] || [ ! -d target/lib ]; then
  mvn -B -q -DskipTests package
fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
CP="target/classes:target/test-classes:target/lib/*"
JVM=(-Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dai.djl.offline=true
     "-Dai.djl.pytorch.num_threads=${BG2VEC_THREADS:-2}" -Dlog4j2.configurationFile="$HERE/conf/log4j2.properties")
export MALLOC_MMAP_THRESHOLD_=131072 MALLOC_ARENA_MAX=2

MODEL="$WORK/model-${LAYERS}l"
ADAPTER="$WORK/mntp-${LAYERS}l"
if [ ! -f "$MODEL/model.safetensors.index.json" ]; then
  "$JAVA" -Xmx4g -Dai.djl.offline=true -cp "$CP" org.bg2vec.cli.Main init-model --preset mistral-7b \
    --layers "$LAYERS" --vocab-size 38000 --dtype bf16 --max-shard-size 400MB --adapter "$ADAPTER" --adapter-r 16 \
    --tokenizer src/test/resources/tokenizers/llama2/tokenizer.json --output "$MODEL" --force
fi

echo "| precision | micro-batch | recomputation | planned peak (MiB) | measured peak (MiB) | measured / planned |"
echo "| --- | ---: | --- | ---: | ---: | ---: |"
for s in $SETTINGS; do
  IFS=: read -r precision micro recompute <<< "$s"
  args=(model="$MODEL" adapter="$ADAPTER" precision="$precision" micro="$micro" recompute="$recompute"
        length="$LENGTH" steps="$STEPS" device="$DEVICE")
  log="$WORK/$precision-$micro-$recompute-$DEVICE.log"
  if [ "$DEVICE" = cpu ]; then
    "$JAVA" "${JVM[@]}" -cp "$CP" org.bg2vec.bench.MemoryBenchmark "${args[@]}" > "$log" 2>&1
    grep '^ROW ' "$log" | sed 's/^ROW //'
  else
    idle=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0)
    samples="$WORK/$precision-$micro-$recompute.smi"
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 -lms 100 > "$samples" &
    sampler=$!
    "$JAVA" "${JVM[@]}" -cp "$CP" org.bg2vec.bench.MemoryBenchmark "${args[@]}" > "$log" 2>&1 || true
    kill "$sampler"
    peak=$(sort -n "$samples" | tail -1)
    planned=$(sed -n 's/^PLANNED_PEAK_MIB //p' "$log")
    awk -v p="$precision" -v m="$micro" -v r="$recompute" -v plan="$planned" -v used="$((peak - idle))" \
      'BEGIN { printf "| %s | %s | %s | %.1f | %.1f | %.3f |\n", p, m, r, plan, used, used / plan }'
  fi
done
echo "(logs and RESULT lines with every item in $WORK/*.log)"
