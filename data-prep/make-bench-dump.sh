#!/usr/bin/env bash
# Builds a large benchmark dump for `bg2vec prepare` from the bundled sample: the sample's pages repeated
# COPIES times with new page ids (id + copy * 1000000), titles suffixed " (copy)" and, in articles whose text
# starts with a bold title, the copy number put into the lead (so exact dedup does not collapse the copies).
# Redirects, other namespaces, the empty and the malformed page are repeated as they are.
#
#   data-prep/make-bench-dump.sh COPIES OUT.xml      # 1300 copies ≈ 304 MB of XML (233.5 KB a copy), 195,000 pages
#
# Needs only bash and awk.
set -euo pipefail
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  usage
  exit 0
fi
if [ $# -ne 2 ]; then
  usage >&2
  exit 2
fi
COPIES=$1
OUT=$2
SRC="$(cd "$(dirname "$0")" && pwd)/sample/bgwiki-sample-pages-articles.xml"
awk -v copies="$COPIES" '
  BEGIN { state = 0; n = 0; h = 0; f = 0 }
  state == 0 && /^[[:space:]]*<page>/ { state = 1 }
  state == 0 { header[h++] = $0; next }
  state == 1 { page[n++] = $0; if ($0 ~ /<\/mediawiki>/) { state = 2; n--; footer[f++] = $0 } ; next }
  END {
    for (i = 0; i < h; i++) print header[i]
    for (k = 0; k < copies; k++) {
      inpage = 0
      for (i = 0; i < n; i++) {
        line = page[i]
        if (line ~ /^[[:space:]]*<page>/) { inpage = 1; idseen = 0 }
        if (inpage && !idseen && line ~ /^[[:space:]]*<id>[0-9]+<\/id>/) {
          match(line, /[0-9]+/); id = substr(line, RSTART, RLENGTH)
          if (length(id) > 6) { print "page id " id " has more than 6 digits" > "/dev/stderr"; exit 1 }
          # id + k * 1000000 written as text: awk prints numbers past 2^31 as 2.148e+09
          if (k > 0) id = k sprintf("%06d", id)
          line = substr(line, 1, RSTART - 1) id substr(line, RSTART + RLENGTH); idseen = 1
        }
        if (k > 0 && line ~ /<title>.*<\/title>/) { sub(/<\/title>/, " (" k ")</title>", line) }
        if (k > 0) { sub(/xml:space="preserve">\x27\x27\x27/, "xml:space=\"preserve\">\x27\x27\x27Вариант " k " на ", line) }
        print line
      }
    }
    for (i = 0; i < f; i++) print footer[i]
  }' "$SRC" > "$OUT"
echo "$OUT: $(stat -c %s "$OUT") bytes, $(grep -c '<page>' "$OUT") pages" >&2
