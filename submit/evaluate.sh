#!/usr/bin/env bash
# Evaluates the base and the adapted model (title->lead retrieval, alignment/uniformity) on prepared validation data:
# the texts are embedded on GPU executors, the metrics computed on the driver.
# Thin wrapper over spark-submit for 'bg2vec evaluate' with the cluster jar; see --help and
# src/site/markdown/cluster.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/spark-submit-common.sh
. "$HERE/lib/spark-submit-common.sh"

DEFAULT_PROPERTIES="$BG2VEC_HOME/conf/spark-gpu.conf"

usage() {
  cat <<USAGE
Usage: submit/evaluate.sh [wrapper options] [bg2vec evaluate options]

Evaluates the base and the adapted model (title->lead retrieval, alignment/uniformity) on prepared validation
data: the texts are embedded as Spark tasks on GPU executors (one model after the other), the metrics are
computed on the driver.

Examples:
  submit/evaluate.sh --master yarn --spark-conf spark.executor.instances=1 \\
    --model hdfs:///models/BgGPT-7B-Instruct-v0.2 --base-adapter hdfs:///models/bg2vec-mntp \\
    --adapter hdfs:///data/bg2vec/models/20250101-run20250105/adapter \\
    --data hdfs:///data/bg2vec/prepared/20250101-run20250105 \\
    --output hdfs:///data/bg2vec/reports/20250101-run20250105

USAGE
  bg2vec_common_help evaluate "$DEFAULT_PROPERTIES"
}

if bg2vec_wants_help "$@"; then
  usage
  exit 0
fi

bg2vec_submit_main evaluate "$DEFAULT_PROPERTIES" yes "$@"
