#!/usr/bin/env bash
# Trains the SimCSE LoRA as a Spark barrier stage, one worker per GPU executor.
# Thin wrapper over spark-submit for 'bg2vec train' with the cluster jar; see --help and
# src/site/markdown/cluster.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/spark-submit-common.sh
. "$HERE/lib/spark-submit-common.sh"

DEFAULT_PROPERTIES="$BG2VEC_HOME/conf/spark-gpu.conf"

usage() {
  cat <<USAGE
Usage: submit/train.sh [wrapper options] [bg2vec train options]

Trains the SimCSE LoRA as a Spark barrier stage, one worker per GPU executor.

Examples:
  submit/train.sh --master yarn --spark-conf spark.executor.instances=4 \\
    --config conf/bg2vec-simcse.json --workers 4
  submit/train.sh --master yarn --deploy-mode cluster --ship conf/bg2vec-simcse.json \\
    --spark-conf spark.executor.instances=4 --config bg2vec-simcse.json --workers 4 --resume

USAGE
  bg2vec_common_help train "$DEFAULT_PROPERTIES"
}

if bg2vec_wants_help "$@"; then
  usage
  exit 0
fi

bg2vec_submit_main train "$DEFAULT_PROPERTIES" yes "$@"
