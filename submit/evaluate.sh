#!/usr/bin/env bash
# Evaluates the base and the adapted model (title->lead retrieval, alignment/uniformity) on prepared validation data.
# Thin wrapper over spark-submit for 'bg2vec evaluate' with the cluster jar; see --help and
# src/site/markdown/cluster.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/spark-submit-common.sh
. "$HERE/lib/spark-submit-common.sh"

DEFAULT_PROPERTIES=""

usage() {
  cat <<USAGE
Usage: submit/evaluate.sh [wrapper options] [bg2vec evaluate options]

Evaluates the base and the adapted model (title->lead retrieval, alignment/uniformity) on prepared validation data.

Examples:
  submit/evaluate.sh --master yarn --properties-file conf/spark-gpu.conf \\
    --model hdfs:///models/bggpt-7b --adapter hdfs:///models/bg2vec/20250101/adapter \\
    --data hdfs:///data/bg2vec/prepared/20250101 --output hdfs:///reports/bg2vec/20250101

USAGE
  bg2vec_common_help evaluate "$DEFAULT_PROPERTIES"
}

if bg2vec_wants_help "$@"; then
  usage
  exit 0
fi

bg2vec_submit_main evaluate "$DEFAULT_PROPERTIES" no "$@"
