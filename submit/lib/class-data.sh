#!/usr/bin/env bash
# Shared by submit/bg2vec: the class-data sharing (CDS) archive of a command's start-up. The first run of the
# command after a build writes the classes it loaded to target/cds/ when its JVM exits; later runs map them instead
# of finding, parsing and verifying them in the jars of target/lib again (prepare: about 3 CPU-seconds less per run).
# Source it, then call bg2vec_cds_archive COMMAND JAVA (prints the archive's path). Running it prints this note.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

# The archive of COMMAND for this java binary (the JVM refuses an archive another JVM build wrote, so the binary's
# path and time are part of the name). It is used when bg2vec_cds_fresh; otherwise the run writes it
# (bg2vec_cds_write). Must be called from the project root.
bg2vec_cds_archive() {
  local command=$1 java=$2 binary id
  binary=$(readlink -f "$(command -v "$java")")
  id=$(printf '%s %s' "$binary" "$(stat -c %Y "$binary")" | cksum | cut -d' ' -f1)
  printf 'target/cds/%s-%s.jsa' "$command" "$id"
}

# Whether ARCHIVE can be used with JAR: it exists, is not empty and is newer than the jar and everything in target/lib.
bg2vec_cds_fresh() {
  local archive=$1 jar=$2
  [ -s "$archive" ] && [ "$archive" -nt "$jar" ] && [ -z "$(find target/lib -newer "$archive" -print -quit)" ]
}

# bg2vec_cds_write ARCHIVE JAVA ARGS...: runs JAVA ARGS... writing the archive at exit to a file of its own, then
# moves it to ARCHIVE when the run succeeded (two first runs at once each write their own and the last rename wins;
# a failed run keeps none, so the next run writes it again). Returns the run's exit code. The JVM's notes on the
# classes it cannot archive (old class file versions, generated classes) are left out of the output. Where target/cds
# cannot be written (a read-only installation), the run goes ahead without an archive.
bg2vec_cds_write() {
  local archive=$1 java=$2 rc=0 dir
  shift 2
  dir=$(dirname "$archive")
  if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
    exec "$java" "$@"
  fi
  local partial="$archive.$$.partial"
  "$java" -XX:ArchiveClassesAtExit="$partial" -Xlog:cds=off -Xlog:cds+dynamic=off "$@" || rc=$?
  if [ $rc -eq 0 ] && [ -s "$partial" ]; then
    mv -f "$partial" "$archive"
  else
    rm -f "$partial"
  fi
  return $rc
}
