#!/bin/sh
# End-to-end check of the sample with a compose tool that watches
# ($COMPOSE, default wcompose on the PATH; COMPOSE=../../build/wcompose
# for the one built in the repository): setup, up --build --watch, page
# served, an edit shows, a new post is listed and unlisted, Ctrl-C, down -v
# --rmi local leaves nothing. Prints timings; exits non-zero on the first
# failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
COMPOSE=${COMPOSE:-wcompose}
p=blogcheck$$
url=http://localhost:8000
backup=$(mktemp /tmp/blogcheck.XXXXXX)
cp source/welcome.rst "$backup"
status=0

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
fail() { echo "check.sh: FAIL: $*" >&2; status=1; exit 1; }

# wait_for SECONDS PATH TEXT: poll until the page at PATH contains TEXT
wait_for() {
  end=$(($(date +%s) + $1))
  until curl -fsS "$url/$2" 2>/dev/null | grep -qF -- "$3"; do
    [ "$(date +%s)" -ge "$end" ] && return 1
    sleep 0.2
  done
}

# wait_gone SECONDS PATH TEXT: poll until the page no longer contains TEXT
wait_gone() {
  end=$(($(date +%s) + $1))
  while curl -fsS "$url/$2" 2>/dev/null | grep -qF -- "$3"; do
    [ "$(date +%s)" -ge "$end" ] && return 1
    sleep 0.2
  done
}

leftovers() {
  for k in "ps -aq" "network ls -q" "volume ls -q"; do
    docker $k --filter "label=com.docker.compose.project=$p"
  done
  docker image ls -q --filter "reference=${p}_*"
  docker image ls -q --filter "reference=${p}-*"
}

pid=
cleanup() {
  cp "$backup" source/welcome.rst
  rm -f "$backup" source/check-extra.rst
  if [ -n "$pid" ]; then
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  if [ $status -ne 0 ]; then
    $COMPOSE -p "$p" logs --no-color 2>&1 | tail -n 40 >&2
  fi
  $COMPOSE -p "$p" down -v --rmi local >/dev/null 2>&1
  left=$(leftovers)
  if [ -n "$left" ]; then
    echo "check.sh: FAIL: project $p left: $left" >&2
    status=1
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -fs -o /dev/null "$url/" 2>/dev/null; then
  status=1
  echo "check.sh: something already answers on $url" >&2
  trap - EXIT
  rm -f "$backup"
  exit 1
fi

t=$(now)
./setup.sh || fail "setup.sh"
echo "setup: $(since "$t")"

t=$(now)
log=$(mktemp /tmp/blogcheck-up.XXXXXX)
$COMPOSE -p "$p" up --build --watch >"$log" 2>&1 &
pid=$!
end=$(($(date +%s) + 180))
until grep -q "Watch enabled" "$log"; do
  kill -0 $pid 2>/dev/null || { tail -n 30 "$log" >&2; fail "$COMPOSE up --build --watch"; }
  [ "$(date +%s)" -ge "$end" ] && fail "watching never started"
  sleep 0.2
done
echo "up --build --watch: $(since "$t")"
wait_for 120 index.html "Hello from three containers" ||
  fail "index.html never listed the posts"
wait_for 10 welcome.html "Change this paragraph" ||
  fail "welcome.html was not rendered"
echo "page served: $(since "$t")"
code=$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' \
  "$(docker ps -aq --filter "label=com.docker.compose.project=$p" \
    --filter label=com.docker.compose.service=volumes)")
[ "$code" = "exited 0" ] || fail "volumes is '$code', want 'exited 0'"

t=$(now)
token="edited-$p"
printf '\nThis line (%s) was added by check.sh.\n' "$token" >>source/welcome.rst
wait_for 20 welcome.html "$token" || fail "the edit never showed"
echo "edit shown: $(since "$t")"

t=$(now)
printf 'A late post\n###########\n\nWritten by %s.\n' "$p" \
  >source/check-extra.rst
wait_for 20 index.html "A late post" || fail "the new post was not listed"
rm -f source/check-extra.rst
wait_gone 20 index.html "A late post" || fail "the removed post stayed listed"
wait_for 5 index.html "Hello from three containers" || fail "index.html broke"
echo "new post listed: $(since "$t")"

kill -INT $pid
wait $pid
rc=$?
pid=
[ $rc -eq 130 ] || [ $rc -eq 0 ] || fail "Ctrl-C: exit $rc"
rm -f "$log"
t=$(now)
$COMPOSE -p "$p" down -v --rmi local || fail "$COMPOSE down"
echo "down -v --rmi local: $(since "$t")"
left=$(leftovers)
[ -z "$left" ] || fail "left behind: $left"
echo "check.sh: ok ($COMPOSE, project $p)"
