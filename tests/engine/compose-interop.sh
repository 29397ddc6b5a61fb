#!/bin/sh
# compose-interop: docker compose v2 and wcompose take turns on one
# project. Each computes com.docker.compose.config-hash the same way, so
# `up -d` by one after the other recreates nothing (the container IDs stay)
# in both orders. Runs only when COMPOSE_V2 names a docker compose v2
# binary (e.g. COMPOSE_V2=/usr/libexec/docker/cli-plugins/docker-compose).
. "$TOP_SRCDIR/tests/lib/common.sh"
if [ -z "${COMPOSE_V2:-}" ] || ! "$COMPOSE_V2" version >/dev/null 2>&1; then
  echo "# skipped: set COMPOSE_V2 to a docker compose v2 binary to run it" >&2
  trap - EXIT
  rm -rf "$T_TMP"
  exit 77
fi
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"
V() { "$COMPOSE_V2" -p "$T_PROJECT" --progress plain "$@"; }

printf 'FROM_FILE=1\nSHARED=file\n' >app.env
mkdir data
cat >compose.yaml <<YAML
services:
  app:
    image: $BB
    command: ["sh", "-c", "sleep 1000"]
    env_file: app.env
    environment:
      SHARED: "inline <&> wins"
      EMPTY: ""
    labels:
      org.example.role: app
    volumes:
      - ./data:/data:ro
      - cache:/cache
    networks: [front, back]
    healthcheck:
      test: ["CMD", "true"]
      interval: 5s
    stop_grace_period: 1s
    deploy:
      resources:
        limits:
          memory: 64M
  db:
    image: $BB
    command: sleep 1000
    scale: 2
    depends_on: [app]
    networks:
      back:
        aliases: [database]
    stop_signal: SIGKILL
networks:
  front:
  back:
volumes:
  cache:
YAML

ids() {
  docker ps -aq --no-trunc --filter "label=com.docker.compose.project=$T_PROJECT" |
    sort | tr '\n' ' '
}
hashes() {
  for c in $(docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT"); do
    docker inspect --format '{{.Name}} {{index .Config.Labels "com.docker.compose.config-hash"}}' "$c"
  done | sort
}

V up -d >v2-up.txt 2>&1
check_eq "docker compose v2: up -d" "$?" 0
first=$(ids)
check_eq "three containers" "$(echo $first | wc -w)" 3
v2hashes=$(hashes)
W up -d >w-up.txt 2>&1
check_eq "wcompose: up -d after v2" "$?" 0
check_eq "wcompose recreated nothing (same container IDs)" "$(ids)" "$first"
check_eq "the same hashes" "$(hashes)" "$v2hashes"

W down >/dev/null 2>&1
check_eq "wcompose: down" "$?" 0
W up -d >w-up2.txt 2>&1
check_eq "wcompose: up -d" "$?" 0
second=$(ids)
whashes=$(hashes)
check_eq "the same hashes as v2 wrote" "$whashes" "$(echo "$v2hashes")"
V up -d >v2-up2.txt 2>&1
check_eq "docker compose v2: up -d after wcompose" "$?" 0
check_eq "v2 recreated nothing (same container IDs)" "$(ids)" "$second"
if grep -q Recreate v2-up2.txt; then
  t_fail "v2 printed no Recreate" "$(cat v2-up2.txt)"
else
  t_ok "v2 printed no Recreate"
fi
W down -v >/dev/null 2>&1
check_eq "wcompose: down -v" "$?" 0
