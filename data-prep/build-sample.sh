#!/usr/bin/env bash
# Builds the bundled Bulgarian sample dump from the page sources in data-prep/sample/pages/.
#
#   data-prep/build-sample.sh
#
# Each page source pages/<id>.wiki starts with header lines, then one empty line, then the wikitext:
#   title: <page title>          (required)
#   ns: <namespace number>       (required)
#   id: <page id>                (required, equal to the file name)
#   redirect: <target title>     (optional: emits <redirect title="..."/>)
#   raw: yes                     (optional: the wikitext is copied WITHOUT XML escaping; used for the
#                                 deliberately malformed page, see sample/README.md)
# Pages are written in file-name order (ids are zero-padded to the same width).
#
# Outputs in data-prep/sample/ (deterministic: same sources give byte-identical files):
#   bgwiki-sample-pages-articles.xml                 the export XML
#   bgwiki-sample-pages-articles.xml.bz2             the same, one bz2 stream
#   bgwiki-sample-pages-articles-multistream.xml.bz2 header stream, streams of PAGES_PER_STREAM pages,
#                                                    closing-tag stream (as Wikimedia does with 100)
#   bgwiki-sample-pages-articles-multistream-index.txt.bz2  lines "byteOffset:pageId:title"
# Needs only bash, coreutils, sed and bzip2.
set -euo pipefail
cd "$(dirname "$0")/sample"

PAGES_PER_STREAM=10
XML=bgwiki-sample-pages-articles.xml
MULTI=bgwiki-sample-pages-articles-multistream.xml.bz2
INDEX=bgwiki-sample-pages-articles-multistream-index.txt
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

escape_text() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }
escape_attr() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }
header_field() { sed -n "1,/^\$/{s/^$1: //p}" "$2" | head -n1; }

cat > "$WORK/header.xml" <<'XML'
<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.11/ http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" xml:lang="bg">
  <siteinfo>
    <sitename>Уикипедия</sitename>
    <dbname>bgwiki</dbname>
    <base>https://bg.wikipedia.org/wiki/%D0%9D%D0%B0%D1%87%D0%B0%D0%BB%D0%BD%D0%B0_%D1%81%D1%82%D1%80%D0%B0%D0%BD%D0%B8%D1%86%D0%B0</base>
    <generator>MediaWiki 1.43.0-wmf.5</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="-2" case="first-letter">Медия</namespace>
      <namespace key="-1" case="first-letter">Специални</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Беседа</namespace>
      <namespace key="2" case="first-letter">Потребител</namespace>
      <namespace key="3" case="first-letter">Потребител беседа</namespace>
      <namespace key="4" case="first-letter">Уикипедия</namespace>
      <namespace key="5" case="first-letter">Уикипедия беседа</namespace>
      <namespace key="6" case="first-letter">Файл</namespace>
      <namespace key="7" case="first-letter">Файл беседа</namespace>
      <namespace key="8" case="first-letter">МедияУики</namespace>
      <namespace key="9" case="first-letter">МедияУики беседа</namespace>
      <namespace key="10" case="first-letter">Шаблон</namespace>
      <namespace key="11" case="first-letter">Шаблон беседа</namespace>
      <namespace key="12" case="first-letter">Помощ</namespace>
      <namespace key="13" case="first-letter">Помощ беседа</namespace>
      <namespace key="14" case="first-letter">Категория</namespace>
      <namespace key="15" case="first-letter">Категория беседа</namespace>
      <namespace key="100" case="first-letter">Портал</namespace>
      <namespace key="101" case="first-letter">Портал беседа</namespace>
      <namespace key="828" case="first-letter">Модул</namespace>
      <namespace key="829" case="first-letter">Модул беседа</namespace>
    </namespaces>
  </siteinfo>
XML
printf '</mediawiki>\n' > "$WORK/footer.xml"

n=0
: > "$WORK/titles.tsv"
for src in pages/*.wiki; do
  title=$(header_field title "$src")
  ns=$(header_field ns "$src")
  id=$(header_field id "$src")
  redirect=$(header_field redirect "$src")
  raw=$(header_field raw "$src")
  if [[ -z "$title" || -z "$ns" || -z "$id" ]]; then
    echo "build-sample: $src lacks a title:, ns: or id: header line" >&2; exit 1
  fi
  if [[ "$(basename "$src" .wiki)" != "$id" ]]; then
    echo "build-sample: $src has id: $id, which differs from its file name" >&2; exit 1
  fi
  body=$(sed '1,/^$/d' "$src")
  bytes=$(printf '%s' "$body" | wc -c)
  page=$(printf '%05d' "$n")
  {
    printf '  <page>\n'
    printf '    <title>%s</title>\n' "$(printf '%s' "$title" | escape_text)"
    printf '    <ns>%s</ns>\n' "$ns"
    printf '    <id>%s</id>\n' "$((10#$id))"
    if [[ -n "$redirect" ]]; then
      printf '    <redirect title="%s" />\n' "$(printf '%s' "$redirect" | escape_attr)"
    fi
    printf '    <revision>\n'
    printf '      <id>%s</id>\n' "$((900000 + 10#$id))"
    printf '      <timestamp>2024-05-01T12:00:00Z</timestamp>\n'
    printf '      <contributor>\n        <username>Примерен автор</username>\n        <id>4242</id>\n      </contributor>\n'
    printf '      <model>wikitext</model>\n'
    printf '      <format>text/x-wiki</format>\n'
    if [[ "$bytes" -eq 0 ]]; then
      printf '      <text bytes="0" xml:space="preserve" />\n'
    elif [[ "$raw" == "yes" ]]; then
      printf '      <text bytes="%s" xml:space="preserve">%s</text>\n' "$bytes" "$body"
    else
      printf '      <text bytes="%s" xml:space="preserve">%s</text>\n' "$bytes" "$(printf '%s' "$body" | escape_text)"
    fi
    printf '    </revision>\n'
    printf '  </page>\n'
  } > "$WORK/page-$page.xml"
  printf '%s\t%s\n' "$((10#$id))" "$title" >> "$WORK/titles.tsv"
  n=$((n + 1))
done
echo "build-sample: $n pages"

cat "$WORK/header.xml" "$WORK"/page-*.xml "$WORK/footer.xml" > "$XML"
bzip2 -9 -c "$XML" > "$XML.bz2"

# multistream: every stream is an independent bz2 stream; the index gives the offset of the stream
# that holds each page
bzip2 -9 -c "$WORK/header.xml" > "$MULTI"
: > "$INDEX"
pages=("$WORK"/page-*.xml)
for ((start = 0; start < ${#pages[@]}; start += PAGES_PER_STREAM)); do
  offset=$(stat -c %s "$MULTI")
  chunk=("${pages[@]:start:PAGES_PER_STREAM}")
  cat "${chunk[@]}" | bzip2 -9 -c >> "$MULTI"
  sed -n "$((start + 1)),$((start + ${#chunk[@]}))p" "$WORK/titles.tsv" |
    while IFS=$'\t' read -r id title; do printf '%s:%s:%s\n' "$offset" "$id" "$title"; done >> "$INDEX"
done
bzip2 -9 -c "$WORK/footer.xml" >> "$MULTI"
bzip2 -9 -c "$INDEX" > "$INDEX.bz2"
rm -f "$INDEX"

# self-check: the multistream file decodes (all streams) to exactly the single-stream XML
if ! cmp -s <(bzip2 -dc "$MULTI") "$XML"; then
  echo "build-sample: multistream copy does not decode to $XML" >&2; exit 1
fi
ls -l "$XML" "$XML.bz2" "$MULTI" "$INDEX.bz2"
