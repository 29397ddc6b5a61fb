#!/bin/sh
# up -d against the real engine: fields reach the engine (docker inspect),
# a second up converges, a change recreates only what changed, down removes
# everything (containers, networks, volumes).
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

mkdir -p site
echo hi >site/index.html
cat >compose.yaml <<YAML
services:
  web:
    image: $BB
    command: ["httpd", "-f", "-p", "8000", "-h", "/site"]
    working_dir: /site
    environment:
      GREETING: hello
    labels:
      tier: front
    ports: ["127.0.0.1:$T_PORT:8000"]
    volumes:
      - ./site:/site:ro
      - data:/data
    networks:
      default:
      back:
        aliases: [api]
    depends_on: [db]
    restart: on-failure:2
    stop_signal: SIGINT
    stop_grace_period: 3s
    extra_hosts: ["db.local=10.1.2.3"]
    cap_add: [NET_ADMIN]
    tmpfs: ["/cache"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
  db:
    image: $BB
    command: ["sleep", "300"]
    hostname: database
    networks: [back]
volumes:
  data: {}
networks:
  back: {}
YAML

out=$(W up -d 2>&1)
check_eq "up -d succeeds" "$?" 0
check_match "progress shows the started container" "$out" \
  "Container $T_PROJECT-web-1  Started"
web=$T_PROJECT-web-1
fmt() { docker inspect --format "$1" "$web" 2>&1; }
check_eq "running" "$(fmt '{{.State.Running}}')" true
check_eq "command" "$(fmt '{{json .Config.Cmd}}')" \
  '["httpd","-f","-p","8000","-h","/site"]'
check_match "environment" "$(fmt '{{json .Config.Env}}')" '"GREETING=hello"'
check_eq "working_dir" "$(fmt '{{.Config.WorkingDir}}')" /site
check_eq "label" "$(fmt '{{index .Config.Labels "tier"}}')" front
check_eq "compose project label" \
  "$(fmt '{{index .Config.Labels "com.docker.compose.project"}}')" \
  "$T_PROJECT"
check_eq "compose service label" \
  "$(fmt '{{index .Config.Labels "com.docker.compose.service"}}')" web
check_match "config hash label" \
  "$(fmt '{{index .Config.Labels "com.docker.compose.config-hash"}}')" \
  '^[0-9a-f]{64}$'
check_eq "port binding" \
  "$(fmt '{{json .HostConfig.PortBindings}}')" \
  "{\"8000/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$T_PORT\"}]}"
check_match "bind mount read-only" "$(fmt '{{json .HostConfig.Binds}}')" \
  "$T_TMP/site:/site:ro"
check_match "named volume" "$(fmt '{{range .Mounts}}{{.Name}} {{end}}')" \
  "${T_PROJECT}_data"
check_eq "restart policy" \
  "$(fmt '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}')" \
  on-failure:2
check_eq "stop signal" "$(fmt '{{.Config.StopSignal}}')" SIGINT
check_eq "stop timeout" "$(fmt '{{.Config.StopTimeout}}')" 3
check_eq "extra hosts" "$(fmt '{{json .HostConfig.ExtraHosts}}')" \
  '["db.local:10.1.2.3"]'
check_eq "cap_add" "$(fmt '{{json .HostConfig.CapAdd}}')" '["NET_ADMIN"]'
check_eq "tmpfs" "$(fmt '{{json .HostConfig.Tmpfs}}')" '{"/cache":""}'
check_match "healthcheck" "$(fmt '{{json .Config.Healthcheck.Test}}')" \
  '\["CMD","true"\]'
check_eq "on two networks" \
  "$(fmt '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}')" \
  "${T_PROJECT}_back ${T_PROJECT}_default "
check_match "alias on the extra network" \
  "$(fmt "{{json (index .NetworkSettings.Networks \"${T_PROJECT}_back\").Aliases}}")" \
  '"web".*"api"|"api".*"web"'
check_eq "db hostname" \
  "$(docker inspect --format '{{.Config.Hostname}}' "$T_PROJECT-db-1")" \
  database
check "served from the bind mount" \
  wait_until 10 wget -q -O- "http://127.0.0.1:$T_PORT/index.html"
check "db resolves web's alias over 'back'" \
  docker exec "$T_PROJECT-db-1" ping -c1 -W2 api

ids() { docker ps -aq --no-trunc --filter "label=com.docker.compose.project=$T_PROJECT" | sort; }
before=$(ids)
out=$(W up -d 2>&1)
check_eq "second up succeeds" "$?" 0
check_eq "second up keeps both containers" "$(ids)" "$before"
check_eq "no duplicates" "$(ids | wc -l)" 2

dbid=$(docker inspect --format '{{.Id}}' "$T_PROJECT-db-1")
sed -i 's/GREETING: hello/GREETING: bonjour/' compose.yaml
out=$(W up -d 2>&1)
check_eq "up after a change succeeds" "$?" 0
check_match "changed service recreated" "$out" "Container $web  Recreate"
check_match "new config reached the engine" \
  "$(fmt '{{json .Config.Env}}')" '"GREETING=bonjour"'
check_eq "unchanged service kept" \
  "$(docker inspect --format '{{.Id}}' "$T_PROJECT-db-1")" "$dbid"

out=$(W up -d --force-recreate db 2>&1)
check_match "--force-recreate db" "$out" "Container $T_PROJECT-db-1  Recreate"

out=$(W stop 2>&1)
check_eq "stop" "$(docker inspect --format '{{.State.Running}}' "$web")" false
out=$(W start 2>&1)
check_eq "start" "$(docker inspect --format '{{.State.Running}}' "$web")" true

# a container of no project on the back network: down -v removes all it
# can, says what keeps that network, and fails for it alone
foreign=wct-foreign-$T_PROJECT
docker run -d --name "$foreign" --network "${T_PROJECT}_back" \
  --stop-signal SIGKILL "$BB" sleep 300 >/dev/null
out=$(W down -v 2>&1)
check_eq "down -v with a network in use: exit 1" "$?" 1
check_match "says which container keeps it" "$out" \
  "network '${T_PROJECT}_back' is still in use by container '$foreign'"
check_eq "the containers are removed all the same" \
  "$(docker ps -aq --filter "label=com.docker.compose.project=$T_PROJECT")" ""
check_eq "the volume too" \
  "$(docker volume ls -q --filter "label=com.docker.compose.project=$T_PROJECT")" ""
check_eq "only the network in use is left" \
  "$(docker network ls --format '{{.Name}}' \
    --filter "label=com.docker.compose.project=$T_PROJECT")" "${T_PROJECT}_back"
docker rm -f "$foreign" >/dev/null

out=$(W down -v 2>&1)
check_eq "down -v succeeds" "$?" 0
check_eq "down removed everything" "$(project_leftovers "$T_PROJECT")" ""
