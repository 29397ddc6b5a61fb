#!/bin/sh
# The blog sample end to end on the real engine, from a copy in $T_TMP:
# setup.sh, up -d --build, the rendered index served, an edit shows on its
# page, down -v --rmi local leaves nothing; then attached up and SIGINT.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine

sample=$TOP_SRCDIR/samples/blog-build-serve
if ! sh "$sample/setup.sh" >"$T_TMP/setup.log" 2>&1; then
  t_fail "setup.sh makes the base images" "$(tail -n 20 "$T_TMP/setup.log")"
  exit 1
fi
t_ok "setup.sh makes the base images"

blog=$T_TMP/blog
mkdir -p "$blog"
cp -R "$sample/." "$blog/"
rm -rf "$blog/site" && mkdir -p "$blog/site"
cd "$blog" || exit 99

# port_busy PORT: something already listens there
port_busy() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
  else
    curl -s -o /dev/null "http://localhost:$1/"
  fi
}
PORT=8000
if port_busy $PORT; then
  PORT=$((20000 + $$ % 20000))
  while port_busy $PORT; do PORT=$((PORT + 1)); done
  sed -i "s/- 8000:8000/- $PORT:8000/" compose.yaml
  echo "# port 8000 is taken: the copy publishes $PORT instead"
fi
url=http://localhost:$PORT

# page_has PATH TEXT: the page at PATH contains TEXT
page_has() {
  curl -fsS "$url/$1" 2>/dev/null | grep -qF -- "$2"
}

W() { "$WCOMPOSE" -p "$T_PROJECT" --progress plain "$@"; }

# Root-owned rendered pages are removed before common.sh's rm -rf; the
# project is torn down first whatever happened.
blog_cleanup() {
  cd "$blog" && W down -v -t 1 --rmi local >/dev/null 2>&1
  rm -rf "$blog/site"
}
trap 'blog_cleanup; t_finish' EXIT

out=$(W up -d --build 2>&1)
rc=$?
check_eq "up -d --build" "$rc" 0
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
check "index lists the posts" \
  wait_until 120 page_has index.html "Hello from three containers"
check "index lists the nested post" \
  wait_until 10 page_has index.html "notes/volumes-from.html"
check "a post's page is rendered" \
  wait_until 10 page_has welcome.html "Change this paragraph"
check_eq "volumes exited 0" \
  "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' \
    "$T_PROJECT-volumes-1" 2>&1)" "exited 0"

token="edited-$T_PROJECT"
printf '\nThis line (%s) was added by the test.\n' "$token" \
  >>source/welcome.rst
check "an edit shows on its page" wait_until 30 page_has welcome.html "$token"

out=$(W down -v --rmi local 2>&1)
check_eq "down -v --rmi local" "$?" 0
check_eq "down left nothing" "$(project_leftovers "$T_PROJECT")" ""
check "built images removed" sh -c \
  "! docker image inspect $T_PROJECT-build >/dev/null 2>&1 &&
   ! docker image inspect $T_PROJECT-serve >/dev/null 2>&1"
check "base images stay" docker image inspect busybox:latest \
  debian:bookworm-slim

# attached: the first SIGINT stops gracefully, exit code 130
"$WCOMPOSE" -p "$T_PROJECT" --progress plain up --build >out.txt 2>err.txt &
pid=$!
check "attached: the page is served" \
  wait_until 120 page_has index.html "Hello from three containers"
check_match "attached: build's output is prefixed" "$(cat out.txt)" \
  '^build-1 +\| '
kill -INT $pid
wait $pid
check_eq "attached: exit code after SIGINT" "$?" 130
check_eq "attached: no container left running" \
  "$(docker ps -q --filter "label=com.docker.compose.project=$T_PROJECT")" ""
check "attached: page no longer served" \
  wait_until 10 sh -c "! curl -fs -o /dev/null $url/"

blog_cleanup
check_eq "nothing left after down" "$(project_leftovers "$T_PROJECT")" ""
cd "$T_TMP" || exit 99
