#!/bin/sh
# depends: depends_on conditions order the starts as compose does.
# service_healthy: the dependent starts only after the dependency's first
# passing healthcheck; service_completed_successfully: only after it exited
# 0, and a failing one stops the dependent from starting; service_healthy on
# a service without a healthcheck is an error, as in compose.
. "$TOP_SRCDIR/tests/lib/common.sh"
t_need_engine
. "$TOP_SRCDIR/tests/engine/lifecycle-lib.sh"

# RFC 3339 timestamps to nanoseconds, for ordering
ns() { python3 -c '
import sys, datetime
t = sys.argv[1]
base, frac = (t.rstrip("Z").split(".") + ["0"])[:2]
d = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
print(int(d.replace(tzinfo=datetime.timezone.utc).timestamp()) * 10**9 + int(frac.ljust(9, "0")[:9]))
' "$1"; }
inspect() { docker inspect -f "$2" "$T_PROJECT-$1-1" 2>&1; }
# not created, or created and never started
never_started() {
  if ! docker inspect "$T_PROJECT-$1-1" >/dev/null 2>&1; then
    echo yes
  else
    case $(inspect "$1" '{{.State.StartedAt}}') in 0001-*) echo yes ;; *) echo no ;; esac
  fi
}

cat >compose.yaml <<YAML
services:
  db:
    image: $BB
    command: ["sh", "-c", "sleep 2; touch /ready; exec sleep 300"]
    stop_signal: SIGKILL
    healthcheck:
      test: ["CMD", "test", "-f", "/ready"]
      interval: 1s
      retries: 30
  init:
    image: $BB
    command: ["sh", "-c", "sleep 1; echo migrated"]
  app:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    depends_on:
      db:
        condition: service_healthy
      init:
        condition: service_completed_successfully
YAML

t0=$(date +%s)
out=$(export WCOMPOSE_TRACE=1; W up -d 2>trace.txt)
rc=$?
check_eq "up -d: exit 0" "$rc" 0
[ $rc = 0 ] || { echo "$out"; cat trace.txt; } | sed 's/^/# /'
check_eq "app runs" "$(inspect app '{{.State.Running}}')" true
# released by the engine's health event, not a poll: from db's
# health_status event (the engine's clock) to the run moving on to app
# (the trace's wall clock). The reference, from the same run and the same
# engine: how long db's health checks took (an exec of `test -f` in the
# container, End - Start in its health log). Passing the event on and one
# look at db take less than such an exec; a poll (every 500 ms, or 2 s
# while the events stream is open) comes up to its whole period late.
healthy_ns=$(docker events --since "$t0" --until "$(($(date +%s) + 1))" \
  --filter "label=com.docker.compose.project=$T_PROJECT" \
  --filter event=health_status --format '{{.TimeNano}} {{.Action}}' |
  grep -m1 'health_status: healthy' | cut -d' ' -f1)
moved_ns=$(grep -m1 'svc app: idle' trace.txt | awk '{print $2}' | tr -d .)
# the median of db's health checks so far, in ms
check_ms=$(docker inspect "$T_PROJECT-db-1" 2>/dev/null | python3 -c '
import datetime, json, statistics, sys
def ns(t):
    base, frac = (t.rstrip("Z").split(".") + ["0"])[:2]
    d = datetime.datetime.strptime(base[:19], "%Y-%m-%dT%H:%M:%S")
    s = int(d.replace(tzinfo=datetime.timezone.utc).timestamp())
    return s * 10**9 + int(frac.rstrip("Z")[:9].ljust(9, "0"))
log = json.load(sys.stdin)[0]["State"]["Health"]["Log"]
print(int(statistics.median((ns(e["End"]) - ns(e["Start"])) // 10**6
                            for e in log)))')
if [ -n "$healthy_ns" ] && [ -n "$moved_ns" ] && [ -n "$check_ms" ]; then
  delay=$(((moved_ns - healthy_ns) / 1000000))
  echo "# db healthy -> app goes: $delay ms; db's health check takes $check_ms ms (median)"
  if [ $delay -ge 0 ] && [ $delay -lt $((2 * check_ms)) ]; then
    t_ok "app goes within twice a health check's time of db's health event ($delay ms, $check_ms ms)"
  else
    t_fail "app goes within twice a health check's time of db's health event" \
      "$delay ms, a health check $check_ms ms"
  fi
else
  t_fail "the health event, the trace and the health log tell the times" \
    "event '$healthy_ns', trace '$moved_ns', check '$check_ms'"
fi
# (the engine's event, not the health log: the log keeps the last five
# checks, and on a loaded machine the first passing one may be gone)
app_at=$(inspect app '{{.State.StartedAt}}')
init_done=$(inspect init '{{.State.FinishedAt}}')
if [ -n "$healthy_ns" ] && [ "$(ns "$app_at")" -gt "$healthy_ns" ]; then
  t_ok "app started after db's first passing healthcheck"
else
  t_fail "app started after db's first passing healthcheck" \
    "app started $app_at, db healthy at $healthy_ns ns"
fi
if [ "$(ns "$app_at")" -gt "$(ns "$init_done")" ]; then
  t_ok "app started after init exited"
else
  t_fail "app started after init exited" "app $app_at, init done $init_done"
fi
check_eq "init exited 0" "$(inspect init '{{.State.ExitCode}}')" 0
W down -t 0 >/dev/null 2>&1

# a dependency that fails: the dependent is not started
cat >compose.yaml <<YAML
services:
  init:
    image: $BB
    command: ["sh", "-c", "exit 3"]
  app:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    depends_on:
      init:
        condition: service_completed_successfully
YAML
out=$(W up -d 2>&1)
check_eq "failed dependency: exit 1" "$?" 1
check_match "failed dependency: said so" "$out" "init.*(exit|3)"
check_eq "failed dependency: app never started" "$(never_started app)" yes
W down -t 0 >/dev/null 2>&1

# service_healthy on a service without a healthcheck
cat >compose.yaml <<YAML
services:
  db:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
  app:
    image: $BB
    command: ["sleep", "300"]
    stop_signal: SIGKILL
    depends_on:
      db:
        condition: service_healthy
YAML
out=$(W up -d 2>&1)
check_eq "no healthcheck: exit 1" "$?" 1
check_match "no healthcheck: said so" "$out" \
  "container '$T_PROJECT-db-1' has no healthcheck configured"
check_eq "no healthcheck: app never started" "$(never_started app)" yes
# --wait alone on the same service: running is enough
sed -i '/depends_on:/,$d' compose.yaml
out=$(W up -d --wait 2>&1)
check_eq "--wait without a healthcheck: running is enough" "$?" 0
W down -t 0 >/dev/null 2>&1
check_eq "nothing left" "$(project_leftovers "$T_PROJECT")" ""
