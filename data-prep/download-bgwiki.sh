#!/usr/bin/env bash
# Downloads one dated Wikipedia multistream dump (pages-articles-multistream.xml.bz2) and its index
# (pages-articles-multistream-index.txt.bz2) from the Wikimedia dumps site and verifies both against the
# sizes and SHA-1 sums published in that dump's dumpstatus.json. Runs at your site (needs internet);
# bg2vec's build never runs it.
#
# Usage: data-prep/download-bgwiki.sh --date YYYYMMDD [--output DIR] [--wiki bgwiki]
#                                     [--mirror https://dumps.wikimedia.org] [--dry-run]
#
#   --date     the dump date, a directory under https://dumps.wikimedia.org/bgwiki/ (e.g. 20250101);
#              only dumps whose articlesmultistreamdump job is "done" can be verified
#   --output   target directory (default: ./bgwiki-YYYYMMDD); files are written as NAME.part and renamed
#              only after their checksum matches, so a complete-looking file is always a verified one
#   --wiki     another wiki's dump (default bgwiki), e.g. mkwiki
#   --mirror   a Wikimedia dumps mirror with the same layout
#   --dry-run  print what would be downloaded and exit
#
# Re-running resumes partial downloads and skips files that are already verified.
# Needs curl (or wget), sha1sum; jq is used when present.
# Then: hdfs dfs -put DIR/* hdfs:///data/bgwiki/YYYYMMDD/ and run submit/prepare.sh on it.
set -euo pipefail

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "download-bgwiki: $*" >&2; exit 1; }

date_arg="" output="" wiki=bgwiki mirror=https://dumps.wikimedia.org dry_run=no
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --date) [ $# -ge 2 ] || die "--date needs YYYYMMDD"; date_arg=$2; shift 2 ;;
    --output) [ $# -ge 2 ] || die "--output needs a directory"; output=$2; shift 2 ;;
    --wiki) [ $# -ge 2 ] || die "--wiki needs a name"; wiki=$2; shift 2 ;;
    --mirror) [ $# -ge 2 ] || die "--mirror needs a URL"; mirror=${2%/}; shift 2 ;;
    --dry-run) dry_run=yes; shift ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$date_arg" =~ ^[0-9]{8}$ ]] || die "--date YYYYMMDD is required (a directory under $mirror/$wiki/)"
[[ "$wiki" =~ ^[a-z_]+wiki$ ]] || die "--wiki must look like bgwiki, not '$wiki'"
output=${output:-./$wiki-$date_arg}

if command -v curl >/dev/null 2>&1; then
  fetch() { curl -fL --retry 5 --retry-delay 10 -sS -C - -o "$2" "$1"; }
  fetch_stdout() { curl -fL --retry 5 --retry-delay 10 -sS "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q -c -O "$2" "$1"; }
  fetch_stdout() { wget -q -O - "$1"; }
else
  die "neither curl nor wget is installed"
fi
command -v sha1sum >/dev/null 2>&1 || die "sha1sum is not installed (coreutils)"

base="$mirror/$wiki/$date_arg"
status_url="$base/dumpstatus.json"
echo "download-bgwiki: reading $status_url" >&2
status=$(fetch_stdout "$status_url") || die "cannot fetch $status_url: is $date_arg a dump date listed at $mirror/$wiki/ ?"

job=articlesmultistreamdump
if command -v jq >/dev/null 2>&1; then
  job_status=$(printf '%s' "$status" | jq -r --arg j "$job" '.jobs[$j].status // "missing"')
  [ "$job_status" = "done" ] || die "the $job job of $wiki $date_arg is '$job_status', not 'done': pick an earlier date"
fi

# Prints "size sha1" of one file from dumpstatus.json. File entries have no nested objects, so the
# plain-text fallback (no jq) can cut out the entry's braces safely.
file_meta() {
  local name=$1 entry size sha1
  if command -v jq >/dev/null 2>&1; then
    printf '%s' "$status" | jq -r --arg j "$job" --arg f "$name" \
      '.jobs[$j].files[$f] | select(. != null) | "\(.size // "") \(.sha1 // "")"'
    return
  fi
  entry=$(printf '%s' "$status" | tr -d '\n' | grep -o "\"$name\": *{[^}]*}" | head -n1 || true)
  size=$(printf '%s' "$entry" | grep -o '"size": *[0-9]*' | grep -o '[0-9]*$' || true)
  sha1=$(printf '%s' "$entry" | grep -o '"sha1": *"[0-9a-f]*"' | grep -o '[0-9a-f]\{40\}' || true)
  if [ -n "$entry" ]; then echo "$size $sha1"; fi
}

files=("$wiki-$date_arg-pages-articles-multistream.xml.bz2" "$wiki-$date_arg-pages-articles-multistream-index.txt.bz2")
declare -A sizes sums
for f in "${files[@]}"; do
  meta=$(file_meta "$f")
  size=${meta%% *}
  sum=${meta#* }
  [[ "$sum" =~ ^[0-9a-f]{40}$ ]] || die "$status_url lists no SHA-1 for $f (dump still running or failed): pick another date"
  sizes[$f]=$size
  sums[$f]=$sum
done

if [ "$dry_run" = yes ]; then
  for f in "${files[@]}"; do
    echo "$base/$f -> $output/$f (${sizes[$f]:-?} bytes, sha1 ${sums[$f]})"
  done
  exit 0
fi

mkdir -p "$output"
for f in "${files[@]}"; do
  target="$output/$f"
  if [ -f "$target" ] && [ "$(sha1sum "$target" | cut -d' ' -f1)" = "${sums[$f]}" ]; then
    echo "download-bgwiki: $target already verified" >&2
    continue
  fi
  echo "download-bgwiki: fetching $base/$f (${sizes[$f]:-?} bytes)" >&2
  fetch "$base/$f" "$target.part" || die "download of $base/$f failed; re-run to resume"
  if [ -n "${sizes[$f]}" ]; then
    actual=$(wc -c < "$target.part" | tr -d ' ')
    [ "$actual" = "${sizes[$f]}" ] || die "$target.part has $actual bytes, dumpstatus.json says ${sizes[$f]}; re-run to resume (or delete it if the mirror changed)"
  fi
  actual_sum=$(sha1sum "$target.part" | cut -d' ' -f1)
  if [ "$actual_sum" != "${sums[$f]}" ]; then
    mv "$target.part" "$target.bad"
    die "SHA-1 mismatch for $f: got $actual_sum, expected ${sums[$f]}; kept as $target.bad, re-run to download again"
  fi
  mv "$target.part" "$target"
  echo "download-bgwiki: $target verified (sha1 $actual_sum)" >&2
done
echo "$output"
