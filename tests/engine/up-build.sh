#!/bin/sh
# Builds during up: a Dockerfile by another name, build args, the image
# named <project>-<service>, volumes_from between services (the blog's
# shape); a second up reuses the image; --build rebuilds; a failing build
# step shows the step's message, fails, and leaves nothing behind.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

mkdir -p app site
cat >app/serve <<DF
FROM $BB
ARG WORD=unset
RUN echo "\$WORD" >/word
CMD ["sh", "-c", "cat /word; ls /site; sleep 300"]
DF
echo page >site/index.html
cat >compose.yaml <<YAML
version: "2"
services:
  volumes:
    image: $BB
    command: ["true"]
    volumes:
      - ./site:/site
  serve:
    build:
      context: ./app
      dockerfile: serve
      args:
        WORD: built-here
    volumes_from: [volumes]
    depends_on: [volumes]
YAML

out=$(W up -d 2>&1)
check_eq "up builds and starts" "$?" 0
check_match "build output carries the service name" "$out" '^\[serve\] '
check "image named <project>-<service>" docker image inspect "$T_PROJECT-serve"
check "build arg reached the build" \
  wait_until 10 sh -c "docker logs $T_PROJECT-serve-1 2>&1 | grep -q built-here"
check "volumes_from gives the site" \
  wait_until 10 sh -c "docker logs $T_PROJECT-serve-1 2>&1 | grep -q index.html"
check_eq "volumes_from reached the engine" \
  "$(docker inspect --format '{{json .HostConfig.VolumesFrom}}' "$T_PROJECT-serve-1")" \
  "[\"$T_PROJECT-volumes-1:rw\"]"
out=$(W up -d 2>&1)
check_eq "second up" "$?" 0
case $out in *Building*) t_fail "second up does not rebuild" "$out" ;;
*) t_ok "second up does not rebuild" ;; esac
out=$(W up -d --build 2>&1)
check_match "--build rebuilds" "$out" "Service serve  Built"

W down -t 0 --rmi local >/dev/null 2>&1
check_eq "down --rmi local removes the built image" \
  "$(project_leftovers "$T_PROJECT")" ""

cat >app/serve <<DF
FROM $BB
RUN echo about to fail && false
DF
out=$(W up -d --build 2>&1)
check_eq "failing build step: exit 1" "$?" 1
check_match "failing build step: the step and the engine's message" "$out" \
  "building image '$T_PROJECT-serve': .*returned a non-zero code: 1"
check_match "failing build step: its output" "$out" '^\[serve\] about to fail'
check_eq "failing build: no container created" \
  "$(docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT")" ""
W down >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
