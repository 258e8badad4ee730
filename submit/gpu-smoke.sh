#!/usr/bin/env bash
# bg2vec GPU smoke test: proves on one GPU node what CPU CI cannot. Run it by hand; see --help.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<'TXT'
usage: submit/gpu-smoke.sh [--ranks N] [--device FIRST] [--timeout-s S] [--train-steps K]

Checks, on a GPU node, the parts of bg2vec's GPU path that CPU CI cannot run. Every check prints
"OK   <check>: ..." or "FAIL <check>: <reason>"; a check that could not run (no GPU, no NCCL, no CUDA
libtorch) is a FAIL with its reason, never a pass or a skip.
  1. gpu-libraries    org.bg2vec.djl.GpuLibraries --nccl: the CUDA libtorch 2.7.1 DJL will load (PYTORCH_*),
                      its JNI, libnccl.so.2 and libcudart.so.12 (what a GPU executor checks before starting)
  2. nccl-load        the NCCL/CUDA bindings load (org.bytedeco cuda + the host's libnccl.so.2, libcudart.so.12)
  3. host-allreduce   N ranks as threads (GPU FIRST..FIRST+N-1): NCCL all-reduce of known values (1M floats)
                      checked element by element, all-gather, barrier; every wait has a timeout (ncclCommAbort)
  4. cuda-tensors     DJL tensors on cuda:FIRST: all-gather and all-reduce through the tensor's data_ptr()
  5. train            K real training steps (default 2) of the tiny model through `bg2vec train --device gpu`
                      with precision fp16 (prepare the bundled sample, init-model tiny, train, 1 worker, local
                      mode, the first GPU CUDA_VISIBLE_DEVICES lets it see): passes only if the worker logged
                      that it trained on a GPU, i.e. the line
                      "bg2vec device: rank 0 trains on gpu(N) [float16]"; a CPU run or an error is a FAIL.
                      --train-steps 0 leaves it out.
Exit status: 0 when every check passed, 1 when any failed or could not run, 2 for bad options.

Before running:
  * NVIDIA driver (R570+ for CUDA 12.8), the CUDA 12 runtime and NCCL 2 on LD_LIBRARY_PATH, e.g.
      export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/usr/local/cuda/lib64:$LD_LIBRARY_PATH
    (Debian/Ubuntu: apt install libnccl2; the nvidia/cuda *-runtime images already hold both; or the
    directories nvidia/nccl/lib and nvidia/cuda_runtime/lib of a CUDA-enabled pip PyTorch)
  * a CUDA build of libtorch 2.7.1 for DJL 0.36:
      export PYTORCH_LIBRARY_PATH=/opt/libtorch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128
  * JDK 17 and Maven (the script builds target/ if needed: mvn -B -q -DskipTests package)
Examples:
  submit/gpu-smoke.sh                  # 1 rank on GPU 0, then 2 training steps
  submit/gpu-smoke.sh --ranks 4        # 4 ranks on GPUs 0-3 of this node
  NCCL_DEBUG=INFO submit/gpu-smoke.sh  # NCCL's own diagnostics
TXT
}

TRAIN_STEPS=2
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --train-steps)
      [ $# -ge 2 ] || { echo "gpu-smoke.sh: --train-steps needs a number" >&2; exit 2; }
      case "$2" in ''|*[!0-9]*) echo "gpu-smoke.sh: --train-steps needs a number, got '$2'" >&2; exit 2 ;; esac
      TRAIN_STEPS=$2; shift 2 ;;
    --ranks|--device|--timeout-s)
      [ $# -ge 2 ] || { echo "gpu-smoke.sh: $1 needs a value" >&2; exit 2; }
      ARGS+=("$1" "$2"); shift 2 ;;
    *) echo "gpu-smoke.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

cd "$HERE" || exit 2
# shellcheck source=submit/lib/local-jar.sh
. "$HERE/submit/lib/local-jar.sh"
JAR=$(bg2vec_local_jar) || { echo "FAIL build: could not build bg2vec (see above)"; exit 1; }
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
read -r -a JAVA_OPTS <<< "${BG2VEC_JAVA_OPTS:--Xmx4g}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bg2vec-gpu-smoke-XXXXXX")
failed=0

java_main() {
  "$JAVA" "${JAVA_OPTS[@]}" --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    -Dai.djl.offline=true -Dlog4j2.configurationFile="$HERE/conf/log4j2.properties" -cp "$JAR:target/lib/*" "$@"
}

echo "== gpu-libraries"
if libs=$(java_main org.bg2vec.djl.GpuLibraries --nccl 2>&1); then
  echo "OK   gpu-libraries: $libs"
else
  echo "FAIL gpu-libraries: $libs"
  failed=1
fi

echo "== nccl-load, host-allreduce, cuda-tensors"
java_main org.bg2vec.ops.GpuSmoke ${ARGS[@]+"${ARGS[@]}"} > "$WORK/collectives.log" 2>&1
smoke=$?
grep -E '^(OK  |FAIL) ' "$WORK/collectives.log"
if [ "$smoke" -ne 0 ]; then
  failed=1
  grep -qE '^FAIL ' "$WORK/collectives.log" \
    || { echo "FAIL collectives: exit status $smoke without a check result:"; tail -n 20 "$WORK/collectives.log"; }
fi

if [ "$TRAIN_STEPS" -gt 0 ]; then
  echo "== train: $TRAIN_STEPS step(s) of the tiny model in fp16 on the GPU (work directory $WORK)"
  TOK=data-prep/tokenizers/llama2/tokenizer.json
  {
    submit/bg2vec prepare --input data-prep/sample/bgwiki-sample-pages-articles.xml.bz2 --tokenizer "$TOK" \
      --output "$WORK/prepared" --sample-mode passage --max-seq-length 64 --master 'local[1]' \
    && submit/bg2vec init-model --preset tiny --tokenizer "$TOK" --output "$WORK/model" \
    && submit/bg2vec train --config conf/tiny-simcse.json --workers 1 --no-resume --device gpu \
         --set model_name_or_path="$WORK/model" --set train_data="$WORK/prepared" --set output_dir="$WORK/out" \
         --set checkpoint_dir="$WORK/out/checkpoints" --set max_steps="$TRAIN_STEPS" \
         --set stop_after_n_steps="$TRAIN_STEPS" --set precision=fp16
  } > "$WORK/train.log" 2>&1
  train=$?
  device=$(grep -oE 'bg2vec device: rank 0 trains on [^ ]+ \[[a-z0-9]+\]' "$WORK/train.log" | head -n1)
  if [ "$train" -eq 0 ] && [[ "$device" =~ trains\ on\ gpu\([0-9]+\)\ \[float16\] ]]; then
    echo "OK   train: $TRAIN_STEPS step(s), ${device#bg2vec device: }; adapter in $WORK/out/adapter"
  elif [ "$train" -eq 0 ]; then
    echo "FAIL train: the steps ran but not on a GPU (${device:-no 'bg2vec device:' line in the log}); log: $WORK/train.log"
    failed=1
  else
    reason=$(grep -m1 -oE '(GpuUnavailableException|GpuLibrariesException): .*' "$WORK/train.log" \
      || grep -m1 -E '^bg2vec [a-z-]+: ' "$WORK/train.log" || grep -m1 -E 'Exception|Error' "$WORK/train.log")
    echo "FAIL train: exit status $train: ${reason:-see the log}; log: $WORK/train.log"
    # the problems listed under the exception, else the end of the log
    grep -A12 -m1 -E '(GpuUnavailableException|GpuLibrariesException): ' "$WORK/train.log" | tail -n +2 \
      | grep -E '^ +- ' || tail -n 5 "$WORK/train.log"
    failed=1
  fi
fi

if [ "$failed" -eq 0 ]; then
  echo "PASSED"
  rm -rf "$WORK"
  exit 0
fi
echo "FAILED (logs in $WORK)"
exit 1
