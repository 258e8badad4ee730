#!/usr/bin/env bash
# Trains the MNTP LoRA (masked next token prediction) as a Spark barrier stage, one worker per GPU executor.
# Thin wrapper over spark-submit for 'bg2vec mntp' with the cluster jar; see --help and
# src/site/markdown/cluster.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/spark-submit-common.sh
. "$HERE/lib/spark-submit-common.sh"

DEFAULT_PROPERTIES="$BG2VEC_HOME/conf/spark-gpu.conf"

usage() {
  cat <<USAGE
Usage: submit/mntp.sh [wrapper options] [bg2vec mntp options]

Trains the MNTP LoRA of the bidirectional model (LLM2Vec step 2) as a Spark barrier stage, one worker per
GPU executor. Its adapter (output_dir/adapter) is train's peft_model_name_or_path.

Examples:
  submit/mntp.sh --master yarn --spark-conf spark.executor.instances=4 \\
    --config conf/bg2vec-mntp.json --workers 4
  submit/mntp.sh --master yarn --deploy-mode cluster --ship conf/bg2vec-mntp.json \\
    --spark-conf spark.executor.instances=4 --config bg2vec-mntp.json --workers 4 --resume

USAGE
  bg2vec_common_help mntp "$DEFAULT_PROPERTIES"
}

if bg2vec_wants_help "$@"; then
  usage
  exit 0
fi

bg2vec_submit_main mntp "$DEFAULT_PROPERTIES" yes "$@"
