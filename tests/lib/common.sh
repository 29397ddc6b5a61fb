# Helpers for the real-binary scenario tests (sourced by tests/engine/*.sh
# and tests/conformance/*.sh). Each test gets a temp dir and a unique
# project name; the EXIT trap removes everything labelled with that project
# and fails the test if anything is left.

: "${WCOMPOSE:=$(pwd)/wcompose}"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
T_FAILED=0
T_COUNT=0
T_TMP=$(mktemp -d /tmp/wcompose-test.XXXXXX)
T_PROJECT="wct$(date +%s%N | tail -c 9)$$"

t_ok() { # t_ok DESCRIPTION -- runs nothing, records a pass
  T_COUNT=$((T_COUNT + 1))
  echo "ok $T_COUNT - $1"
}

t_fail() {
  T_COUNT=$((T_COUNT + 1))
  T_FAILED=$((T_FAILED + 1))
  echo "not ok $T_COUNT - $1"
  [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
  return 0
}

# check DESCRIPTION COMMAND...: pass when the command succeeds
check() {
  d=$1
  shift
  if out=$("$@" 2>&1); then t_ok "$d"; else t_fail "$d" "$out"; fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
  if [ "$2" = "$3" ]; then t_ok "$1"; else t_fail "$1" "got:  $2
want: $3"; fi
}

# check_match DESCRIPTION TEXT PATTERN (grep -E)
check_match() {
  if printf '%s\n' "$2" | grep -Eq -- "$3"; then t_ok "$1"; else
    t_fail "$1" "no line matches /$3/ in:
$2"
  fi
}

# wait_until SECONDS COMMAND...: poll with a deadline (no fixed sleeps)
wait_until() {
  limit=$1
  shift
  end=$(($(date +%s) + limit))
  while ! "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$end" ] && return 1
    sleep 0.2
  done
  return 0
}

# Everything the engine holds for a project, by compose label.
project_leftovers() {
  p=$1
  docker ps -aq --filter "label=com.docker.compose.project=$p"
  docker network ls -q --filter "label=com.docker.compose.project=$p"
  docker volume ls -q --filter "label=com.docker.compose.project=$p"
  docker image ls -q --filter "label=com.docker.compose.project=$p"
  docker image ls -q --filter "reference=$p-*"
}

project_sweep() {
  p=$1
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$p")
  [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
  ids=$(docker network ls -q --filter "label=com.docker.compose.project=$p")
  [ -n "$ids" ] && docker network rm $ids >/dev/null 2>&1
  ids=$(docker volume ls -q --filter "label=com.docker.compose.project=$p")
  [ -n "$ids" ] && docker volume rm -f $ids >/dev/null 2>&1
  ids=$(docker image ls -q --filter "reference=$p-*")
  [ -n "$ids" ] && docker image rm -f $ids >/dev/null 2>&1
  return 0
}

t_finish() {
  rc=$?
  if [ -n "${T_USES_ENGINE:-}" ]; then
    left=$(project_leftovers "$T_PROJECT" 2>/dev/null)
    project_sweep "$T_PROJECT"
    if [ -n "$left" ]; then
      t_fail "project $T_PROJECT left nothing behind" "$left"
    else
      t_ok "project $T_PROJECT left nothing behind"
    fi
  fi
  rm -rf "$T_TMP"
  echo "1..$T_COUNT"
  if [ "$T_FAILED" -gt 0 ] || [ "$T_COUNT" -eq 0 ]; then
    echo "# $T_FAILED of $T_COUNT failed"
    exit 1
  fi
  exit 0
}
trap t_finish EXIT
trap 'exit 130' INT TERM

# Engine tests call this first: skip (exit 77) only if the runner found no
# engine at all, which scripts/test.sh treats as a failure of its own.
t_need_engine() {
  T_USES_ENGINE=1
  if ! timeout 10 docker version >/dev/null 2>&1; then
    echo "# no engine answers" >&2
    T_USES_ENGINE=
    trap - EXIT
    rm -rf "$T_TMP"
    exit 77
  fi
}
