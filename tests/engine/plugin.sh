#!/bin/sh
# The docker CLI plugin: `make install-plugin` puts wcompose where the docker
# CLI finds plugins (DOCKER_CONFIG here, a temp dir, so nothing is left
# behind); the CLI accepts its metadata and lists it; `docker compose
# version`, `up -d`, `ps` and `down` run wcompose through the real docker
# CLI; docker's -H reaches the engine connection; options wcompose cannot
# honour are refused.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

HOME=$T_TMP/home
DOCKER_CONFIG=$HOME/.docker
export HOME DOCKER_CONFIG
mkdir -p "$HOME"
plugin=$DOCKER_CONFIG/cli-plugins/docker-compose
out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  make -s -C "$TOP_BUILDDIR" install-plugin 2>&1)
check_eq "make install-plugin" "$?:$(test -x "$plugin" && echo x)" "0:x"
[ -n "$out" ] && echo "# $out"

meta=$("$plugin" docker-cli-plugin-metadata)
check_eq "docker-cli-plugin-metadata: JSON with the plugin's fields" \
  "$(printf '%s' "$meta" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["SchemaVersion"], d["Vendor"], bool(d["Version"]), bool(d["ShortDescription"]))')" \
  "0.1.0 wcompose True True"
check_match "the docker CLI lists it" "$(docker --help 2>&1)" \
  '^ *compose\*? +.*wcompose'
check_match "docker compose version" "$(docker compose version 2>&1)" \
  '^wcompose version [0-9]'

cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
YAML
docker compose -p "$T_PROJECT" --progress plain up -d >out.txt 2>&1
check_eq "docker compose up -d" "$?" 0
check_eq "... the container runs, labelled" \
  "$(docker ps -q --filter "label=com.docker.compose.project=$T_PROJECT" \
    --filter status=running | wc -l)" 1
check_eq "docker compose ps --services" \
  "$(docker compose -p "$T_PROJECT" ps --services)" "web"
docker compose -p "$T_PROJECT" --progress plain down -t 0 >out.txt 2>&1
check_eq "docker compose down" "$?" 0
check_eq "... nothing left" \
  "$(docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT")" ""

docker -H "unix://$T_TMP/nothing.sock" compose -p "$T_PROJECT" ps \
  >out.txt 2>err.txt
check_eq "docker -H reaches wcompose: no engine there" "$?" 17
check_match "... named in the error" "$(cat err.txt)" "nothing.sock"
docker --tlsverify compose -p "$T_PROJECT" ps >out.txt 2>err.txt
check_eq "a docker option wcompose cannot honour is refused" "$?" 2
check_match "... saying what to use" "$(cat err.txt)" "DOCKER_CERT_PATH"
"$plugin" -f compose.yaml config --services >out.txt 2>&1
check_eq "docker-compose run by hand is plain wcompose" \
  "$?:$(cat out.txt)" "0:web"

env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
  make -s -C "$TOP_BUILDDIR" uninstall-plugin >/dev/null 2>&1
check_eq "make uninstall-plugin" "$(test -e "$plugin" || echo gone)" "gone"
