#!/bin/sh
# Docker contexts, made by the real docker CLI (`docker context create` in a
# temp DOCKER_CONFIG): wcompose reads the endpoint docker wrote; up, ps and
# down work through a context that points at the engine, chosen by
# --context, DOCKER_CONTEXT or `docker context use`; DOCKER_HOST wins over
# the current context and --context over DOCKER_HOST, as in the docker CLI;
# the plugin takes docker's --context; an unknown context is named.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

engine=${DOCKER_HOST:-unix:///var/run/docker.sock}
if [ -n "${DOCKER_TLS_VERIFY:-}${DOCKER_TLS:-}" ]; then
  t_ok "# SKIP the engine speaks TLS from the environment (tls.sh covers TLS)"
  exit 0
fi
cfg=$T_TMP/docker-config
mkdir -p "$cfg/cli-plugins"
ln -s "$WCOMPOSE" "$cfg/cli-plugins/docker-compose"
# docker and wcompose on the temp configuration, no engine from the env
D() (
  unset DOCKER_HOST DOCKER_CONTEXT
  DOCKER_CONFIG=$cfg
  export DOCKER_CONFIG
  "$@"
)
ctx=wct-ctx-$$
nowhere=unix://$T_TMP/nothing.sock

D docker context create "$ctx" --docker "host=$engine" >out.txt 2>&1
check_eq "docker context create (the engine)" "$?" 0
D docker context create "$ctx-nowhere" --docker "host=$nowhere" \
  >out.txt 2>&1
check_eq "docker context create (no engine there)" "$?" 0
check_eq "docker wrote the endpoint" \
  "$(D docker context inspect --format '{{.Endpoints.docker.Host}}' \
    "$ctx-nowhere")" "$nowhere"

cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
YAML
D W --context "$ctx-nowhere" ps >out.txt 2>err.txt
check_eq "--context: no engine at the context's endpoint" "$?" 17
check_match "... wcompose read the endpoint docker wrote, and says so" \
  "$(cat err.txt)" \
  "at $nowhere \\(docker context '$ctx-nowhere'\\)"

D W --context "$ctx" up -d >out.txt 2>&1
check_eq "up -d through --context" "$?" 0
check_eq "... the container runs" \
  "$(docker ps -q --filter "label=com.docker.compose.project=$T_PROJECT" \
    --filter status=running | wc -l)" 1
check_eq "ps through -c" "$(D W -c "$ctx" ps --services 2>&1)" "web"
check_eq "ps through DOCKER_CONTEXT" \
  "$(D env DOCKER_CONTEXT="$ctx" "$WCOMPOSE" -p "$T_PROJECT" ps --services \
    2>&1)" "web"

D docker context use "$ctx" >/dev/null 2>&1
check_eq "docker context use" \
  "$(D docker context show 2>&1)" "$ctx"
check_eq "ps through the current context (config.json)" \
  "$(D W ps --services 2>&1)" "web"
D env DOCKER_HOST="$nowhere" "$WCOMPOSE" -p "$T_PROJECT" ps >out.txt 2>err.txt
check_eq "DOCKER_HOST wins over the current context" "$?:$(grep -c \
  nothing.sock err.txt)" "17:1"
check_eq "--context wins over DOCKER_HOST" \
  "$(D env DOCKER_HOST="$nowhere" "$WCOMPOSE" -p "$T_PROJECT" --context \
    "$ctx" ps --services 2>&1)" "web"
check_eq "DOCKER_CONTEXT wins over the current context" \
  "$(D env DOCKER_CONTEXT="$ctx-nowhere" "$WCOMPOSE" -p "$T_PROJECT" ps \
    >/dev/null 2>&1; echo $?)" 17

check_eq "the plugin: docker --context" \
  "$(D docker --context "$ctx" compose -p "$T_PROJECT" ps --services 2>&1)" \
  "web"
D docker --context "$ctx-nowhere" compose -p "$T_PROJECT" ps \
  >out.txt 2>err.txt
check_eq "... which it really uses" "$?:$(grep -c nothing.sock err.txt)" \
  "17:1"
D docker -H "$engine" --context "$ctx" compose -p "$T_PROJECT" ps \
  >out.txt 2>err.txt
check_eq "... and -H with --context is refused" "$?" 1

D W --context nope ps >out.txt 2>err.txt
check_eq "an unknown context fails" "$?" 2
check_match "... named, with where it came from" "$(cat err.txt)" \
  "docker context 'nope' \\(from --context\\) does not exist"

D W --context "$ctx" down -t 0 >out.txt 2>&1
check_eq "down through the context" "$?" 0
check_eq "... nothing left" \
  "$(docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT")" ""
