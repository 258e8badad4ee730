#!/usr/bin/env bash
# bg2vec GPU smoke test: NCCL + CUDA through the JVM on one GPU node. Run it by hand; see --help.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<'TXT'
usage: submit/gpu-smoke.sh [--ranks N] [--device FIRST] [--timeout-s S] [--train-steps K]

Checks, on a GPU node, the parts of bg2vec's GPU path that CPU CI cannot run:
  1. nccl-load        the NCCL/CUDA bindings load (org.bytedeco cuda JNI + the host's libnccl.so.2, libcudart.so.12)
  2. host-allreduce   N ranks as threads (GPU FIRST..FIRST+N-1): NCCL all-reduce of known values (1M floats)
                      checked element by element, all-gather, barrier; every wait has a timeout (ncclCommAbort)
  3. cuda-tensors     DJL tensors on cuda:FIRST: all-gather and all-reduce through the tensor's data_ptr()
                      (needs a CUDA libtorch for DJL; SKIP otherwise)
  4. training-step    in-JVM hook, once wired (-Dbg2vec.smoke.trainingStep=<class>; NOT RUN otherwise)
  5. train            with --train-steps K: the real pipeline on this node: prepare the bundled sample,
                      init-model tiny, then `bg2vec train` for K steps (1 worker, fp16 base); DJL puts the model
                      on cuda:0 when it sees a CUDA libtorch (the log line "model on gpu(0)" tells)
Exit status: 0 passed, 1 a check failed, 2 NCCL/CUDA not loadable.

Before running:
  * NVIDIA driver + CUDA 12 runtime and NCCL 2 libraries on LD_LIBRARY_PATH, e.g.
      export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/usr/local/cuda/lib64:$LD_LIBRARY_PATH
    (Debian/Ubuntu: apt install libnccl2; or the directories nvidia/nccl/lib and nvidia/cuda_runtime/lib of a
    CUDA-enabled PyTorch installation)
  * for step 3, a CUDA build of libtorch 2.7.1 for DJL 0.36, e.g.
      export PYTORCH_LIBRARY_PATH=/opt/libtorch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128
  * JDK 17 and Maven (the script builds target/ if needed: mvn -B -q -DskipTests package)
Examples:
  submit/gpu-smoke.sh                 # 1 rank on GPU 0
  submit/gpu-smoke.sh --ranks 4       # 4 ranks on GPUs 0-3 of this node
  NCCL_DEBUG=INFO submit/gpu-smoke.sh # NCCL's own diagnostics
  submit/gpu-smoke.sh --train-steps 2 # the checks, then 2 real training steps of the tiny model
TXT
}

TRAIN_STEPS=0
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --train-steps) TRAIN_STEPS=${2:?--train-steps needs a number}; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

cd "$HERE"
# shellcheck source=submit/lib/local-jar.sh
. "$HERE/submit/lib/local-jar.sh"
JAR=$(bg2vec_local_jar)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
read -r -a JAVA_OPTS <<< "${BG2VEC_JAVA_OPTS:--Xmx4g}"
rc=0
"$JAVA" "${JAVA_OPTS[@]}" --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  -Dai.djl.offline=true -Dlog4j2.configurationFile="$HERE/conf/log4j2.properties" \
  -cp "$JAR:target/lib/*" org.bg2vec.collective.GpuSmoke ${ARGS[@]+"${ARGS[@]}"} || rc=$?

if [ "$TRAIN_STEPS" -gt 0 ]; then
  W=$(mktemp -d)
  echo "== train: $TRAIN_STEPS step(s) of the tiny model in $W"
  TOK=data-prep/tokenizers/llama2/tokenizer.json
  if submit/bg2vec prepare --input data-prep/sample/bgwiki-sample-pages-articles.xml.bz2 --tokenizer "$TOK" \
       --output "$W/prepared" --sample-mode passage --max-seq-length 64 --master 'local[1]' \
     && submit/bg2vec init-model --preset tiny --tokenizer "$TOK" --output "$W/model" \
     && submit/bg2vec train --config conf/tiny-simcse.json --workers 1 --no-resume \
          --set model_name_or_path="$W/model" --set train_data="$W/prepared" --set output_dir="$W/out" \
          --set checkpoint_dir="$W/out/checkpoints" --set max_steps="$TRAIN_STEPS" \
          --set stop_after_n_steps="$TRAIN_STEPS" --set precision=fp16; then
    echo "PASS train: adapter in $W/out/adapter"
  else
    echo "FAIL train (outputs in $W)"
    rc=1
  fi
fi
exit "$rc"
