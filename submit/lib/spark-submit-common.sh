#!/usr/bin/env bash
# Shared by submit/prepare.sh, train.sh, encode.sh and evaluate.sh: turns wrapper options into a
# spark-submit command for the bg2vec cluster jar. Source it, then call bg2vec_submit_main.
# Running this file directly only prints this note (--help).

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

BG2VEC_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BG2VEC_MAIN_CLASS=org.bg2vec.cli.Main

# True when the arguments before a "--" ask for help (-h/--help).
bg2vec_wants_help() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      -h|--help) return 0 ;;
      --) return 1 ;;
    esac
  done
  return 1
}

bg2vec_die() {
  echo "bg2vec: $*" >&2
  exit 2
}

# Prints the common part of the wrappers' --help. $1 = subcommand, $2 = default properties file or "".
bg2vec_common_help() {
  local sub=$1 default_props=$2
  cat <<EOF
Wrapper options (everything else goes to 'bg2vec $sub' unchanged; after '--' everything does):
  --master URL            spark-submit --master (yarn, k8s://https://host:443, spark://host:7077, local[4])
  --deploy-mode MODE      client (default) or cluster
  --properties-file FILE  Spark properties; 'none' for no file.
                          Default: ${default_props:-none}
                          Spark 3.5 reads spark-defaults.conf only when no properties file is given, so
                          the wrapper prepends \${SPARK_CONF_DIR:-\$SPARK_HOME/conf}/spark-defaults.conf
                          to FILE (FILE wins on duplicate keys) unless --no-site-defaults is given.
  --no-site-defaults      do not merge the site's spark-defaults.conf into the properties file
  --spark-conf K=V        spark-submit --conf K=V (repeatable), e.g. spark.executor.instances=4
  --ship FILE             spark-submit --files FILE (repeatable): lands in the working directory of the
                          driver (cluster mode) and the executors; pass its base name to the subcommand
  --name NAME             application name (default: bg2vec-$sub)
  --dry-run               print the spark-submit command instead of running it
  -h, --help              this help; 'submit/bg2vec $sub --help' lists the subcommand's own options

Environment:
  SPARK_HOME              Spark 3.5.x installation (else spark-submit on PATH)
  BG2VEC_JAR              the cluster jar, a local path or a URL such as hdfs:///apps/bg2vec-cluster.jar
                          (default: the newest target/bg2vec-*-cluster.jar; build it with
                          'mvn -B -DskipTests package')
EOF
}

# Finds spark-submit; with $1 = "dry-run" falls back to the bare name instead of failing.
bg2vec_find_spark_submit() {
  if [ -n "${SPARK_HOME:-}" ]; then
    if [ -x "$SPARK_HOME/bin/spark-submit" ]; then
      echo "$SPARK_HOME/bin/spark-submit"
      return
    fi
    [ "${1:-}" = dry-run ] || bg2vec_die "SPARK_HOME=$SPARK_HOME has no executable bin/spark-submit;" \
      "point SPARK_HOME at a Spark 3.5.x installation"
  fi
  if command -v spark-submit >/dev/null 2>&1; then
    command -v spark-submit
    return
  fi
  [ "${1:-}" = dry-run ] && { echo spark-submit; return; }
  bg2vec_die "spark-submit not found: set SPARK_HOME to a Spark 3.5.x installation or put spark-submit" \
    "on PATH (submit/bg2vec runs bg2vec locally without a Spark installation)"
}

bg2vec_find_jar() {
  if [ -n "${BG2VEC_JAR:-}" ]; then
    case "$BG2VEC_JAR" in
      *://*) ;;
      *) [ -f "$BG2VEC_JAR" ] || bg2vec_die "BG2VEC_JAR=$BG2VEC_JAR does not exist" ;;
    esac
    echo "$BG2VEC_JAR"
    return
  fi
  local jar
  jar=$(find "$BG2VEC_HOME/target" -maxdepth 1 -name 'bg2vec-*-cluster.jar' -printf '%T@ %p\n' 2>/dev/null \
    | sort -rn | head -n1 | cut -d' ' -f2-)
  [ -n "$jar" ] || bg2vec_die "no cluster jar in $BG2VEC_HOME/target: build it with" \
    "'mvn -B -DskipTests package' or set BG2VEC_JAR"
  echo "$jar"
}

# Writes site defaults + FILE into a temporary properties file and prints its path.
bg2vec_merge_properties() {
  local file=$1 site merged
  site="${SPARK_CONF_DIR:-${SPARK_HOME:-/nonexistent}/conf}/spark-defaults.conf"
  if [ ! -f "$site" ]; then
    echo "$file"
    return
  fi
  merged=$(mktemp "${TMPDIR:-/tmp}/bg2vec-spark-XXXXXX.conf")
  {
    echo "# merged by bg2vec: $site, then $file (later keys win)"
    cat "$site"
    echo
    cat "$file"
  } > "$merged"
  echo "bg2vec: properties = $site + $file" >&2
  echo "$merged"
}

# bg2vec_submit_main SUBCOMMAND DEFAULT_PROPERTIES(or "") GPU(yes|no) ARGS...
bg2vec_submit_main() {
  local sub=$1 props=$2 gpu=$3
  shift 3
  local master="" deploy_mode="" name="bg2vec-$sub" dry_run=no site_defaults=yes
  local -a spark_confs=() ships=() app_args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --master) [ $# -ge 2 ] || bg2vec_die "--master needs a value"; master=$2; shift 2 ;;
      --master=*) master=${1#*=}; shift ;;
      --deploy-mode) [ $# -ge 2 ] || bg2vec_die "--deploy-mode needs a value"; deploy_mode=$2; shift 2 ;;
      --deploy-mode=*) deploy_mode=${1#*=}; shift ;;
      --properties-file) [ $# -ge 2 ] || bg2vec_die "--properties-file needs a value"; props=$2; shift 2 ;;
      --properties-file=*) props=${1#*=}; shift ;;
      --no-site-defaults) site_defaults=no; shift ;;
      --spark-conf) [ $# -ge 2 ] || bg2vec_die "--spark-conf needs K=V"; spark_confs+=("$2"); shift 2 ;;
      --spark-conf=*) spark_confs+=("${1#*=}"); shift ;;
      --ship) [ $# -ge 2 ] || bg2vec_die "--ship needs a file"; ships+=("$2"); shift 2 ;;
      --ship=*) ships+=("${1#*=}"); shift ;;
      --name) [ $# -ge 2 ] || bg2vec_die "--name needs a value"; name=$2; shift 2 ;;
      --dry-run) dry_run=yes; shift ;;
      --) shift; app_args+=("$@"); break ;;
      *) app_args+=("$1"); shift ;;
    esac
  done

  case "$deploy_mode" in
    ""|client|cluster) ;;
    *) bg2vec_die "--deploy-mode must be client or cluster, not '$deploy_mode'" ;;
  esac
  local conf
  for conf in "${spark_confs[@]+"${spark_confs[@]}"}"; do
    case "$conf" in
      ?*=*) ;;
      *) bg2vec_die "--spark-conf expects K=V, got '$conf'" ;;
    esac
  done

  local spark_submit jar
  if [ "$dry_run" = yes ]; then
    spark_submit=$(bg2vec_find_spark_submit dry-run)
  else
    spark_submit=$(bg2vec_find_spark_submit)
  fi
  jar=$(bg2vec_find_jar)

  local -a cmd=("$spark_submit")
  [ -n "$master" ] && cmd+=(--master "$master")
  [ -n "$deploy_mode" ] && cmd+=(--deploy-mode "$deploy_mode")
  cmd+=(--name "$name" --class "$BG2VEC_MAIN_CLASS")

  if [ -n "$props" ] && [ "$props" != none ]; then
    [ -f "$props" ] || bg2vec_die "properties file $props does not exist"
    if [ "$site_defaults" = yes ] && [ "$dry_run" = no ]; then
      local merged
      merged=$(bg2vec_merge_properties "$props")
      if [ "$merged" != "$props" ]; then
        BG2VEC_MERGED_PROPERTIES=$merged
        trap 'rm -f "$BG2VEC_MERGED_PROPERTIES"' EXIT
        props=$merged
      fi
    fi
    cmd+=(--properties-file "$props")
  fi

  # On YARN the executors run the GPU discovery script from their working directory
  # (spark.executor.resource.gpu.discoveryScript=./getGpusResources.sh in conf/spark-gpu.conf).
  if [ "$gpu" = yes ] && [[ "$master" == yarn* ]]; then
    ships=("$BG2VEC_HOME/conf/getGpusResources.sh" "${ships[@]+"${ships[@]}"}")
  fi
  local f files=""
  for f in "${ships[@]+"${ships[@]}"}"; do
    case "$f" in
      *://*) ;;
      *) [ -f "$f" ] || bg2vec_die "--ship $f: no such file" ;;
    esac
    files="${files:+$files,}$f"
  done
  [ -n "$files" ] && cmd+=(--files "$files")

  for conf in "${spark_confs[@]+"${spark_confs[@]}"}"; do
    cmd+=(--conf "$conf")
  done
  cmd+=("$jar" "$sub" "${app_args[@]+"${app_args[@]}"}")

  if [ "$dry_run" = yes ]; then
    printf '%q' "${cmd[0]}"
    printf ' %q' "${cmd[@]:1}"
    printf '\n'
    return 0
  fi
  echo "bg2vec: ${cmd[*]}" >&2
  "${cmd[@]}"
}
