#!/usr/bin/env bash
# Spark GPU discovery script for bg2vec executors (spark.executor.resource.gpu.discoveryScript, or
# spark.worker.resource.gpu.discoveryScript on a standalone worker).
#
# Prints Spark's resource JSON for the NVIDIA GPUs that nvidia-smi lists on this host, e.g.
#   {"name": "gpu", "addresses": ["0", "1"]}
# An executor asking for more GPUs than listed fails to start with Spark's message naming both counts.
#
# Exit status: 0 with the JSON (possibly an empty list) when nvidia-smi works; 1 with a message on stderr
# when nvidia-smi is missing, fails, or prints something that is not a GPU index (the executor then fails
# with this message in its log instead of training on the CPU by accident).
#
# Environment: NVIDIA_SMI overrides the nvidia-smi command (default: nvidia-smi on PATH).
set -euo pipefail

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

smi=${NVIDIA_SMI:-nvidia-smi}
host=$(hostname 2>/dev/null || echo unknown-host)

if ! command -v "$smi" >/dev/null 2>&1; then
  echo "getGpusResources.sh: '$smi' not found on PATH on host $host: no NVIDIA driver is visible here." \
    "Run GPU stages only on executors with NVIDIA GPUs (Kubernetes: the NVIDIA device plugin and" \
    "nvidia.com/gpu limits; YARN: GPU scheduling with yarn.io/gpu)." >&2
  exit 1
fi

if ! out=$("$smi" --query-gpu=index --format=csv,noheader 2>&1); then
  echo "getGpusResources.sh: '$smi --query-gpu=index --format=csv,noheader' failed on host $host: $out" >&2
  exit 1
fi

addresses=""
while IFS= read -r line; do
  index=$(printf '%s' "$line" | tr -d '[:space:]')
  [ -z "$index" ] && continue
  case "$index" in
    *[!0-9]*)
      echo "getGpusResources.sh: unexpected line from $smi on host $host (not a GPU index): $line" >&2
      exit 1
      ;;
  esac
  addresses="${addresses:+$addresses, }\"$index\""
done <<< "$out"

printf '{"name": "gpu", "addresses": [%s]}\n' "$addresses"
