#!/usr/bin/env bash
# Shared by submit/bg2vec and submit/gpu-smoke.sh: finds the thin jar for local runs, building the
# project first when the jar or target/lib is missing or older than the sources.
# Source it, then call bg2vec_local_jar (prints the jar's path). Running it directly prints this note.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

bg2vec_find_thin_jar() {
  local f jar=""
  for f in target/bg2vec-*.jar; do
    case "$f" in
      *-cluster.jar) ;;
      *) [ -f "$f" ] && jar=$f ;;
    esac
  done
  printf '%s' "$jar"
}

# Must be called from the project root.
bg2vec_local_jar() {
  local jar
  jar=$(bg2vec_find_thin_jar)
  # only what goes into the jar counts (docs and tests do not); Maven leaves a jar whose classes did not change
  # untouched, so it is touched after a build: otherwise every later run would build again
  if [ -z "$jar" ] || [ ! -d target/lib ] \
      || [ -n "$(find src/main pom.xml conf -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "bg2vec: building (mvn -B -q -Dmaven.test.skip=true package)..." >&2
    mvn -B -q -Dmaven.test.skip=true package >&2 || { echo "bg2vec: the build failed" >&2; return 1; }
    jar=$(bg2vec_find_thin_jar)
    touch "$jar"
  fi
  printf '%s' "$jar"
}
