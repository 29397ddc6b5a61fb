#!/bin/sh
# Fields of the newer specification at run time: use_api_socket gives the
# container the engine's socket and the person's registry credentials (as
# compose: DOCKER_CONFIG=/run/secrets/docker); gpus reach the engine as a
# device request, whose refusal without a GPU driver is said plainly; a
# field the engine's API version ignores is warned about with its
# position; a provider service is refused before anything is made.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

mkdir dcfg
cat >dcfg/config.json <<'JSON'
{"auths": {"registry.example:5000": {"auth": "dXNlcjpwYXNz"},
           "other.example": {}},
 "credsStore": "desktop", "psFormat": "x"}
JSON
cat >compose.yaml <<YAML
services:
  sock:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    use_api_socket: true
  hc:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    healthcheck:
      test: ["CMD", "true"]
      start_interval: 1s
YAML
DOCKER_CONFIG=$T_TMP/dcfg W up -d >/dev/null 2>err.txt
check_eq "up -d with use_api_socket" "$?" 0
W exec -T sock test -S /var/run/docker.sock
check_eq "the engine's socket is in the container" "$?" 0
check_eq "DOCKER_CONFIG points at the credentials" \
  "$(W exec -T sock sh -c 'echo $DOCKER_CONFIG')" "/run/secrets/docker"
cfg=$(W exec -T sock cat /run/secrets/docker/config.json 2>&1)
check_match "the registry credentials are there" "$cfg" \
  '"registry.example:5000":[[:space:]]*{'
check_match "as they were stored" "$cfg" '"auth":[[:space:]]*"dXNlcjpwYXNz"'
check "and nothing else of the config (no credsStore)" \
  sh -c "! printf '%s' '$cfg' | grep -q -e credsStore -e psFormat -e other.example"

out=$(DOCKER_CONFIG=$T_TMP/dcfg W run --rm sock cat \
  /run/secrets/docker/config.json 2>&1)
check_match "run gives the credentials too" "$out" '"auth":[[:space:]]*"dXNlcjpwYXNz"'

api=$(docker version -f '{{.Server.APIVersion}}' 2>/dev/null)
case $api in
1.4[0-3] | 1.[0-3]*)
  check_match "start_interval: warned with its position and the API it needs" \
    "$(cat err.txt)" \
    "compose.yaml:13:23: services.hc.healthcheck.start_interval needs Engine API 1.44, the engine offers $api"
  ;;
*) t_ok "start_interval: API $api knows it, no warning needed" ;;
esac
W down -t 0 >/dev/null 2>&1

if ! docker info 2>/dev/null | grep -qi nvidia; then
  cat >gpu.yaml <<YAML
services:
  gpu:
    image: $BB
    command: ["true"]
    gpus: all
YAML
  W -f gpu.yaml up -d >/dev/null 2>err.txt
  check_eq "gpus without a GPU driver: up fails" "$?" 1
  check_match "and the engine's refusal is said, with what to do" \
    "$(cat err.txt)" \
    "container '$T_PROJECT-gpu-1': could not select device driver .*: no driver on the engine serves"
  W -f gpu.yaml down -t 0 >/dev/null 2>&1
fi

cat >prov.yaml <<YAML
services:
  db:
    provider:
      type: awesomecloud
      options: {type: mysql}
  app:
    image: $BB
    depends_on: [db]
YAML
W -f prov.yaml up -d >/dev/null 2>err.txt
check_eq "a provider service: up refused (a configuration error)" "$?" 14
check_match "at its position, saying why" "$(cat err.txt)" \
  "prov.yaml:4:7: services.db.provider: provider services \\(type 'awesomecloud'\\) are not supported"
check_eq "nothing was made" "$(project_leftovers "$T_PROJECT")" ""
W -f prov.yaml config >/dev/null 2>&1
check_eq "config still shows it" "$?" 0
