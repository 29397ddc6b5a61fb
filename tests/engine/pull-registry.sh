#!/bin/sh
# pull-registry: images come from a real registry on loopback (Debian's
# docker-registry, started for this test). `up` pulls a missing image, as
# compose does; pull_policy never refuses to; --pull always pulls a newer
# image under the same tag; `pull` and `push` work against it. A second
# registry wants a password: the credentials `docker login` stored (in
# $DOCKER_CONFIG) reach it, and without them the refusal is shown; so do
# a credential helper's (credHelpers, credsStore), for push and pull.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

if ! command -v docker-registry >/dev/null 2>&1; then
  t_fail "docker-registry is installed (scripts/deps.sh installs it)"
  exit 1
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
REG=127.0.0.1:$PORT
REPO=$REG/$T_PROJECT/bb
cat >registry.yml <<YML
version: 0.1
storage: {filesystem: {rootdirectory: $T_TMP/registry}}
http: {addr: $REG}
YML
docker-registry serve registry.yml >registry.log 2>&1 &
RPID=$!
cleanup() {
  kill $RPID ${APID:-} 2>/dev/null
  for t in v1 v2 pushed; do docker image rm -f "$REPO:$t" >/dev/null 2>&1; done
  [ -n "${AREPO:-}" ] && docker image rm -f "$AREPO:v1" "$AREPO:helper" \
    >/dev/null 2>&1
  t_finish
}
trap cleanup EXIT
if ! wait_until 30 curl -sf "http://$REG/v2/"; then
  t_fail "the registry answers" "$(cat registry.log)"
  exit 1
fi

# v1: the busybox image; v2: one with a marker file
docker tag "$BB" "$REPO:v1"
printf 'FROM %s\nRUN echo two >/version\n' "$BB" >Dockerfile.v2
docker build -q -t "$REPO:v2" -f Dockerfile.v2 . >/dev/null 2>&1
check "images pushed to the registry" sh -c \
  "docker push -q '$REPO:v1' && docker push -q '$REPO:v2'"
docker image rm "$REPO:v1" "$REPO:v2" >/dev/null 2>&1

cat >compose.yaml <<YAML
services:
  app:
    image: $REPO:v1
    command: ["sleep", "300"]
    stop_signal: SIGKILL
YAML
out=$(W up -d 2>&1)
check_eq "up pulls the missing image: exit 0" "$?" 0
check_match "and says so" "$out" "Image $REPO:v1 +Pulled"
check_eq "the container runs from it" \
  "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-app-1" 2>&1)" true
W down -t 0 >/dev/null 2>&1
docker image rm "$REPO:v1" >/dev/null 2>&1

cat >compose.yaml <<YAML
services:
  app:
    image: $REPO:v1
    pull_policy: never
    command: ["sleep", "300"]
YAML
out=$(W up -d 2>&1)
check_eq "pull_policy never: exit 1" "$?" 1
check_match "pull_policy never: said so" "$out" \
  "image '$REPO:v1' not found and its pull policy is 'never'"
check_eq "pull_policy never: nothing created" "$(project_leftovers "$T_PROJECT")" ""

# --pull always replaces a stale local image under the same tag
docker tag "$BB" "$REPO:v2"
cat >compose.yaml <<YAML
services:
  app:
    image: $REPO:v2
    command: ["sleep", "300"]
    stop_signal: SIGKILL
YAML
out=$(W up -d --pull always 2>&1)
check_eq "--pull always: exit 0" "$?" 0
check_eq "--pull always: the registry's image runs" \
  "$(docker exec "$T_PROJECT-app-1" cat /version 2>&1)" two
W down -t 0 >/dev/null 2>&1

# push and pull commands
cat >compose.yaml <<YAML
services:
  app:
    image: $REPO:pushed
YAML
docker tag "$BB" "$REPO:pushed"
out=$(W push 2>&1)
check_eq "push: exit 0" "$?" 0
check "push: the registry has the tag" \
  curl -sf "http://$REG/v2/$T_PROJECT/bb/manifests/pushed" \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'
docker image rm "$REPO:pushed" >/dev/null 2>&1
out=$(W pull 2>&1)
check_eq "pull: exit 0" "$?" 0
check "pull: the image is back" docker image inspect "$REPO:pushed"

# --- a registry that wants a password ---
if command -v htpasswd >/dev/null 2>&1; then
  APORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  AREG=127.0.0.1:$APORT
  AREPO=$AREG/$T_PROJECT/secret
  htpasswd -Bbn tester s3cret:pw >htpasswd
  cat >auth.yml <<YML
version: 0.1
storage: {filesystem: {rootdirectory: $T_TMP/registry-auth}}
http: {addr: $AREG}
auth: {htpasswd: {realm: test, path: $T_TMP/htpasswd}}
YML
  docker-registry serve auth.yml >auth.log 2>&1 &
  APID=$!
  wait_until 30 sh -c "curl -s -o /dev/null -w '%{http_code}' http://$AREG/v2/ | grep -q 401"
  mkdir -p dcfg
  printf 's3cret:pw' | DOCKER_CONFIG=$T_TMP/dcfg docker login -u tester \
    --password-stdin "$AREG" >login.log 2>&1
  check_match "docker login stored the credentials" "$(cat dcfg/config.json)" "$AREG"
  docker tag "$BB" "$AREPO:v1"
  check "pushed with the stored credentials" \
    env DOCKER_CONFIG="$T_TMP/dcfg" docker push -q "$AREPO:v1"
  docker image rm "$AREPO:v1" >/dev/null 2>&1
  cat >compose.yaml <<YAML
services:
  app:
    image: $AREPO:v1
    command: ["sleep", "300"]
    stop_signal: SIGKILL
YAML
  out=$(DOCKER_CONFIG=$T_TMP/empty W up -d 2>&1)
  check_eq "no credentials: exit 1" "$?" 1
  check_match "no credentials: the registry's refusal is shown" "$out" \
    "pulling image '$AREPO.*(unauthorized|no basic auth|authentication required)"
  out=$(DOCKER_CONFIG=$T_TMP/dcfg W up -d 2>&1)
  check_eq "stored credentials: up pulls, exit 0" "$?" 0
  check_eq "stored credentials: the container runs" \
    "$(docker inspect -f '{{.State.Running}}' "$T_PROJECT-app-1" 2>&1)" true
  W down -t 0 >/dev/null 2>&1

  # a credential helper (credHelpers for this registry, credsStore for the
  # rest) instead of stored credentials: it is asked with the registry on
  # stdin, as the docker CLI asks it, for push and pull
  mkdir -p bin hcfg scfg
  cat >bin/docker-credential-wctest <<SH
#!/bin/sh
read -r server
echo "\$1 \$server" >>$T_TMP/helper.log
[ "\$server" = "$AREG" ] || { echo 'credentials not found in native keychain'; exit 1; }
printf '{"ServerURL":"%s","Username":"tester","Secret":"s3cret:pw"}\n' "\$server"
SH
  chmod +x bin/docker-credential-wctest
  printf '{"credsStore": "absent", "credHelpers": {"%s": "wctest"}}\n' \
    "$AREG" >hcfg/config.json
  printf '{"credsStore": "wctest"}\n' >scfg/config.json
  docker tag "$BB" "$AREPO:helper"
  cat >compose.yaml <<YAML
services:
  app:
    image: $AREPO:helper
    command: ["sleep", "300"]
    stop_signal: SIGKILL
YAML
  out=$(DOCKER_CONFIG=$T_TMP/hcfg PATH=$T_TMP/bin:$PATH W push 2>&1)
  rc=$?
  if [ $rc -eq 0 ]; then t_ok "credHelpers: push with the helper's credentials"
  else t_fail "credHelpers: push with the helper's credentials" "$out"; fi
  check "credHelpers: the registry has the pushed tag" sh -c \
    "curl -sf -u 'tester:s3cret:pw' 'http://$AREG/v2/$T_PROJECT/secret/manifests/helper' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' >/dev/null"
  check_eq "credHelpers: the helper was asked about the registry" \
    "$(cat helper.log 2>&1)" "get $AREG"
  docker image rm "$AREPO:helper" >/dev/null 2>&1
  : >helper.log
  out=$(DOCKER_CONFIG=$T_TMP/scfg PATH=$T_TMP/bin:$PATH W up -d 2>&1)
  check_eq "credsStore: up pulls with the helper's credentials, exit 0" \
    "$?" 0
  check_eq "credsStore: the helper was asked" "$(cat helper.log 2>&1)" \
    "get $AREG"
  W down -t 0 >/dev/null 2>&1
  docker image rm "$AREPO:helper" >/dev/null 2>&1
  printf '{"credsStore": "absent"}\n' >scfg/config.json
  out=$(DOCKER_CONFIG=$T_TMP/scfg W pull 2>&1)
  check_eq "a credsStore helper not on PATH: exit 1" "$?" 1
  check_match "a credsStore helper not on PATH: named" "$out" \
    "docker-credential-absent' is not on PATH"
else
  t_fail "htpasswd is installed (scripts/deps.sh installs apache2-utils)"
fi
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
