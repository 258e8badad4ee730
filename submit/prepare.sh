#!/usr/bin/env bash
# Prepares a Wikipedia dump (or clean-text Parquet/JSONL) into tokenized Parquet shards on CPU executors.
# Thin wrapper over spark-submit for 'bg2vec prepare' with the cluster jar; see --help and
# src/site/markdown/cluster.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib/spark-submit-common.sh
. "$HERE/lib/spark-submit-common.sh"

DEFAULT_PROPERTIES=""

usage() {
  cat <<USAGE
Usage: submit/prepare.sh [wrapper options] [bg2vec prepare options]

Prepares a Wikipedia dump (or clean-text Parquet/JSONL) into tokenized Parquet shards on CPU executors.

Examples:
  submit/prepare.sh --master yarn --deploy-mode cluster \\
    --input hdfs:///data/bgwiki/20250101/bgwiki-20250101-pages-articles-multistream.xml.bz2 \\
    --index hdfs:///data/bgwiki/20250101/bgwiki-20250101-pages-articles-multistream-index.txt.bz2 \\
    --tokenizer hdfs:///models/BgGPT-7B-Instruct-v0.2/tokenizer.json \\
    --output hdfs:///data/bg2vec/prepared/20250101-run20250105 --shards 64

USAGE
  bg2vec_common_help prepare "$DEFAULT_PROPERTIES"
}

if bg2vec_wants_help "$@"; then
  usage
  exit 0
fi

bg2vec_submit_main prepare "$DEFAULT_PROPERTIES" no "$@"
