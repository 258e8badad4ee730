#!/usr/bin/env bash
# Computes embeddings for a text column, one model instance per GPU executor.
# Thin wrapper over spark-submit for 'bg2vec encode' with the cluster jar; see --help and
# src/site/markdown/cluster.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/spark-submit-common.sh
. "$HERE/lib/spark-submit-common.sh"

DEFAULT_PROPERTIES="$BG2VEC_HOME/conf/spark-gpu.conf"

usage() {
  cat <<USAGE
Usage: submit/encode.sh [wrapper options] [bg2vec encode options]

Computes embeddings for a text column, one model instance per GPU executor.

Examples:
  submit/encode.sh --master yarn --spark-conf spark.executor.instances=4 \\
    --model hdfs:///models/BgGPT-7B-Instruct-v0.2 --base-adapter hdfs:///models/bg2vec-mntp \\
    --adapter hdfs:///data/bg2vec/models/20250101-run20250105/adapter \\
    --input hdfs:///data/docs.parquet --text-column text --output hdfs:///data/docs-embeddings --normalize

USAGE
  bg2vec_common_help encode "$DEFAULT_PROPERTIES"
}

if bg2vec_wants_help "$@"; then
  usage
  exit 0
fi

bg2vec_submit_main encode "$DEFAULT_PROPERTIES" yes "$@"
