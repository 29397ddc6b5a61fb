/* The per-service state machine (orchestrate/svc) against the scripted
 * engine of tests/lib/fake-engine.h: which requests a run sends, in which
 * order, what it makes of the engine's errors, slow answers and cut
 * streams, and where each service ends. Projects come from compose YAML
 * through compose_load, as the commands get them. */
#include "tap.h"
#include "../lib/fake-engine.h"
#include "compose/load.h"
#include "engine/api.h"
#include <cjson/cJSON.h>
#include "orchestrate/plan.h"
#include "orchestrate/svc.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <unistd.h>

static uv_loop_t loop;
static struct fake_engine *fe;
static char dir[64];

/* s on one line ("\n" shown as " | "), for a TAP description; static. */
static const char *flat(const char *s)
{
  static char out[1024];
  size_t k = 0;
  for (; s && *s && k + 4 < sizeof(out); s++) {
    if (*s != '\n') {
      out[k++] = *s;
    } else if (s[1]) {
      memcpy(out + k, " | ", 3);
      k += 3;
    }
  }
  out[k] = '\0';
  return out;
}

/* --- projects --- */

static struct project *load(const char *yaml)
{
  static char *noenv[] = {NULL};
  struct strvec files = STRVEC_INIT, none = STRVEC_INIT;
  strvec_push(&files, "-");
  struct load_options o = {.files = &files,
                           .env_files = &none,
                           .profiles = &none,
                           .cwd = dir,
                           .environ = noenv,
                           .project_name = "p",
                           .stdin_text = yaml};
  struct project *p = NULL;
  struct err err = ERR_INIT;
  if (compose_load(&o, &p, NULL, &err)) {
    printf("# compose_load: %s", err.text ? err.text : "?\n");
    abort();
  }
  err_release(&err);
  strvec_clear(&files);
  return p;
}

/* --- one run of the state machine --- */

struct outcome {
  int rc;
  struct err err; /* svc_run_result's */
  char *events;   /* "name status\n" from the progress hook */
  char *started;  /* "name\n" from the started hook */
  char *warned;   /* "text\n" from the warn hook */
  char *log;      /* the requests, "METHOD path\n" */
  int nsvcs;
  enum svc_state state[8];
  char *svc_err[8]; /* each service's own error text, or NULL */
};

struct rec {
  struct buf events;
  struct buf started;
  struct buf warned;
};

/* When the progress hook tells "name status" equal to interrupt_at, the
 * run is interrupted (svc_run_interrupt) from the top of the loop. */
static const char *interrupt_at;
static int interrupt_due;

static void on_progress(void *data, const char *name, const char *status,
                        int done)
{
  struct rec *r = data;
  size_t at = r->events.len;
  buf_addf(&r->events, "%s %s\n", name, status);
  if (interrupt_at &&
      !strncmp(r->events.data + at, interrupt_at, strlen(interrupt_at)))
    interrupt_due = 1;
}

static void on_started(void *data, struct svc *s, struct svc_ctr *c)
{
  struct rec *r = data;
  buf_addf(&r->started, "%s\n", c->name);
}

static void on_warn(void *data, const char *text)
{
  struct rec *r = data;
  buf_addf(&r->warned, "%s\n", text);
}

static const struct svc_hooks hooks = {
    .progress = on_progress, .started = on_started, .warn = on_warn};

static char *take(struct buf *b)
{
  char *s = xstrdup(b->data ? b->data : "");
  buf_release(b);
  return s;
}

/* Run opt over p with the containers in have (all services selected). The
 * plan is the one up would make (want: its replicas, config hash "h"),
 * so for up a container whose hash is "h" is kept and one with another is
 * recreated; other goals act on every container of the plan. */
/* The log without the health events stream, whose place among the
 * other calls is up to the threads. */
static char *drop_events(char *log)
{
  char *w = log;
  for (char *l = log; l && *l;) {
    char *nl = strchr(l, '\n');
    size_t n = nl ? (size_t)(nl - l) + 1 : strlen(l);
    if (strncmp(l, "GET /events", 11)) {
      memmove(w, l, n);
      w += n;
    }
    l += n;
  }
  if (w)
    *w = '\0';
  return log;
}

static void run(const struct project *p, const struct plan_container *have,
                size_t nhave, const struct svc_options *opt, struct outcome *o)
{
  memset(o, 0, sizeof(*o));
  struct plan_want *want = xcalloc(p->nservices, sizeof(*want));
  for (size_t i = 0; i < p->nservices; i++)
    want[i] = (struct plan_want){1, p->services[i].replicas, "h", NULL};
  struct plan plan = PLAN_INIT;
  plan_make(p, want, have, nhave, 0, &plan);
  free(want);

  struct engine *e = NULL;
  if (fake_engine_client(fe, &loop, "1.41", &e, NULL))
    abort();
  struct rec rec = {BUF_INIT, BUF_INIT, BUF_INIT};
  struct svc_run r;
  svc_run_init(&r, &loop, e, p, NULL, &plan, opt, &hooks, &rec);
  svc_run_start(&r);
  while (!svc_run_finished(&r)) {
    if (interrupt_due) {
      interrupt_due = 0;
      interrupt_at = NULL;
      svc_run_interrupt(&r);
      continue;
    }
    if (!uv_run(&loop, UV_RUN_ONCE))
      break;
  }
  o->nsvcs = (int)r.n;
  for (size_t i = 0; i < r.n && i < 8; i++) {
    o->state[i] = r.svcs[i].state;
    if (r.svcs[i].err.text)
      o->svc_err[i] = xstrdup(r.svcs[i].err.text);
  }
  ok(svc_run_finished(&r), "the run finished");
  o->rc = svc_run_result(&r, &o->err);
  svc_run_release(&r);
  plan_release(&plan);
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  o->events = take(&rec.events);
  o->started = take(&rec.started);
  o->warned = take(&rec.warned);
  o->log = drop_events(fake_engine_log(fe, NULL, NULL));
  is_int(fake_engine_unmatched(fe), 0, "no request outside the script");
}

static void outcome_release(struct outcome *o)
{
  err_release(&o->err);
  free(o->events);
  free(o->started);
  free(o->warned);
  free(o->log);
  for (int i = 0; i < 8; i++)
    free(o->svc_err[i]);
}

/* A fresh script and log for the next case. */
static void script_reset(void)
{
  fake_engine_clear(fe);
  fake_engine_log_clear(fe);
  /* the health events stream: open, silent */
  struct fake_rule ev = {
      .method = "GET", .pattern = "/events", .end = FAKE_END_HOLD};
  fake_engine_add(fe, &ev);
}

/* Container p-<svc>-1 is created with id <id> and starts. */
static void script_up(const char *svc, const char *id)
{
  char pat[128], body[128];
  snprintf(pat, sizeof(pat), "/containers/create?name=p-%s-1", svc);
  snprintf(body, sizeof(body), "{\"Id\":\"%s\",\"Warnings\":[]}", id);
  fake_engine_reply(fe, "POST", pat, 201, body);
  snprintf(pat, sizeof(pat), "/containers/p-%s-1/start", svc);
  fake_engine_reply(fe, "POST", pat, 204, NULL);
}

static const char *const AB = "services:\n"
                              "  a:\n"
                              "    image: busybox\n"
                              "  b:\n"
                              "    image: busybox\n"
                              "    depends_on: [a]\n";

/* --- the cases --- */

static void test_up_order(void)
{
  struct project *p = load(AB);
  script_reset();
  script_up("a", "ida");
  script_up("b", "idb");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, 0, "up a, b: success");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/p-a-1/start\n"
         "POST /containers/create?name=p-b-1\n"
         "POST /containers/p-b-1/start\n",
         "a created and started before b's create is sent");
  is_str(o.events,
         "p-a-1 Creating\np-a-1 Created\np-a-1 Starting\np-a-1 Started\n"
         "p-b-1 Creating\np-b-1 Created\np-b-1 Starting\np-b-1 Started\n",
         "progress of each step");
  is_str(o.started, "p-a-1\np-b-1\n", "started hook for each");
  ok(o.state[0] == SVC_DONE && o.state[1] == SVC_DONE, "both done (%s, %s)",
     svc_state_name(o.state[0]), svc_state_name(o.state[1]));

  char *body = fake_engine_body(fe, "POST", "/containers/create?name=p-a-1", 0);
  cJSON *j = cJSON_Parse(body ? body : "");
  const cJSON *labels = cJSON_GetObjectItemCaseSensitive(j, "Labels");
  const cJSON *img = cJSON_GetObjectItemCaseSensitive(j, "Image");
  const cJSON *svc =
      cJSON_GetObjectItemCaseSensitive(labels, "com.docker.compose.service");
  const cJSON *proj =
      cJSON_GetObjectItemCaseSensitive(labels, "com.docker.compose.project");
  ok(cJSON_IsString(img) && !strcmp(img->valuestring, "busybox"),
     "a's create body: its image");
  ok(cJSON_IsString(svc) && !strcmp(svc->valuestring, "a") &&
         cJSON_IsString(proj) && !strcmp(proj->valuestring, "p"),
     "a's create body: compose labels");
  cJSON_Delete(j);
  free(body);
  outcome_release(&o);
  project_free(p);
}

static const char *const CONFLICT =
    "{\"message\":\"Conflict. The container name \\\"/p-a-1\\\" is already "
    "in use by container \\\"c0ffee\\\". You have to remove (or rename) "
    "that container to be able to reuse that name.\"}";

static void test_create_conflict(void)
{
  struct project *p = load(AB);
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=p-a-1", 409, CONFLICT);
  /* the holder cannot be looked at */
  fake_engine_reply(fe, "GET", "/containers/p-a-1/json", 500,
                    "{\"message\":\"engine trouble\"}");
  script_up("b", "idb");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_CONFLICT, "409 on create: ERR_CONFLICT");
  is_int(o.err.code, ERR_CONFLICT, "the report's code");
  is_str(o.err.text,
         "creating container 'p-a-1': Conflict. The container name "
         "\"/p-a-1\" is already in use by container \"c0ffee\". You have to "
         "remove (or rename) that container to be able to reuse that name. "
         "(engine: 409)\n",
         "the engine's message, with what wcompose was doing");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\nGET /containers/p-a-1/json\n",
         "the holder looked at, nothing sent for the dependent");
  ok(o.state[0] == SVC_FAILED && o.state[1] == SVC_FAILED,
     "a failed, b never ran (%s, %s)", svc_state_name(o.state[0]),
     svc_state_name(o.state[1]));
  is_str(o.svc_err[1], "service 'b' was not started: dependency 'a' failed\n",
         "b says why");
  is_str(o.events, "p-a-1 Creating\n", "no progress after the failure");
  is_str(o.started, "", "nothing started");
  outcome_release(&o);
  project_free(p);
}

/* The same with the dependent first in the project's order (services are
 * sorted by name): the report should still hold the cause alone. */
/* A name conflict on create: the holder is this project's replica (made by
 * a killed wcompose whose request the engine finished): adopted and
 * started; a holder of another project: refused, saying whose it is. */
static void test_create_conflict_adopt(void)
{
  struct project *p = load(AB);
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=p-a-1", 409, CONFLICT);
  /* the other create is still under way: the name is held, the container
   * not there yet (twice), then it is */
  struct fake_rule not_yet = {.method = "GET",
                              .pattern = "/containers/p-a-1/json",
                              .times = 2,
                              .status = 404,
                              .body = "{\"message\":\"No such container\"}"};
  fake_engine_add(fe, &not_yet);
  fake_engine_reply(
      fe, "GET", "/containers/p-a-1/json", 200,
      "{\"Id\":\"ida\",\"Name\":\"/p-a-1\",\"State\":{\"Status\":"
      "\"created\"},\"Config\":{\"Labels\":{\"com.docker.compose.project\":"
      "\"p\",\"com.docker.compose.service\":\"a\","
      "\"com.docker.compose.container-number\":\"1\","
      "\"com.docker.compose.oneoff\":\"False\"}}}");
  fake_engine_reply(fe, "POST", "/containers/p-a-1/start", 204, NULL);
  script_up("b", "idb");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, 0, "the replica found under its name is adopted");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\nGET /containers/p-a-1/json\n"
         "GET /containers/p-a-1/json\nGET /containers/p-a-1/json\n"
         "POST /containers/p-a-1/start\nPOST /containers/create?name=p-b-1\n"
         "POST /containers/p-b-1/start\n",
         "looked at until it is there, started, then the dependent");
  ok(o.state[0] == SVC_DONE && o.state[1] == SVC_DONE, "both done");
  outcome_release(&o);

  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=p-a-1", 409, CONFLICT);
  fake_engine_reply(fe, "GET", "/containers/p-a-1/json", 200,
                    "{\"Id\":\"x\",\"Name\":\"/p-a-1\",\"Config\":{\"Labels\":{"
                    "\"com.docker.compose.project\":\"other\","
                    "\"com.docker.compose.service\":\"web\"}}}");
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_CONFLICT, "another project's container is not taken");
  is_str(o.err.text,
         "creating container 'p-a-1': the name is taken by a container of "
         "project 'other' (service 'web'); remove it or set container_name\n",
         "says whose it is");
  is_str(o.started, "", "nothing started");
  outcome_release(&o);

  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=p-a-1", 409, CONFLICT);
  fake_engine_reply(fe, "GET", "/containers/p-a-1/json", 200,
                    "{\"Id\":\"y\",\"Name\":\"/p-a-1\",\"Config\":{}}");
  run(p, NULL, 0, &opt, &o);
  ok(o.err.text && strstr(o.err.text, "compose did not make"),
     "a container compose did not make: said so");
  outcome_release(&o);
  project_free(p);
}

static void test_conflict_report_order(void)
{
  struct project *p = load("services:\n"
                           "  app:\n"
                           "    image: busybox\n"
                           "    depends_on: [db]\n"
                           "  db:\n"
                           "    image: busybox\n");
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=p-db-1", 409,
                    "{\"message\":\"name in use\"}");
  fake_engine_reply(fe, "GET", "/containers/p-db-1/json", 500,
                    "{\"message\":\"engine trouble\"}");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_CONFLICT, "dependent first: the cause's code returned");
  is_str(o.svc_err[0],
         "service 'app' was not started: dependency 'db' failed\n",
         "app was skipped");
  ok(o.err.code == ERR_CONFLICT, "the report's code is the cause's (got %s)",
     err_name(o.err.code));
  ok(o.err.text &&
         !strcmp(o.err.text,
                 "creating container 'p-db-1': name in use (engine: 409)\n"),
     "the report holds the cause alone (got '%s')", flat(o.err.text));
  outcome_release(&o);
  project_free(p);
}

static void test_start_notfound(void)
{
  struct project *p = load(AB);
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=p-a-1", 201,
                    "{\"Id\":\"ida\"}");
  fake_engine_reply(fe, "POST", "/containers/p-a-1/start", 404,
                    "{\"message\":\"No such container: p-a-1\"}");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_NOTFOUND, "404 on start: ERR_NOTFOUND");
  is_str(o.err.text,
         "starting container 'p-a-1': No such container: p-a-1 (engine: "
         "404)\n",
         "start's message");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/p-a-1/start\n",
         "b never created");
  ok(o.state[0] == SVC_FAILED && o.state[1] == SVC_FAILED, "both failed");
  is_str(o.started, "", "nothing started");
  outcome_release(&o);
  project_free(p);
}

/* An observed, stopped container removed by another actor before its
 * start (a killed up's recreate the engine finished): made again, once,
 * and started. */
static void test_start_vanished(void)
{
  struct project *p = load("services:\n  a:\n    image: busybox\n");
  struct plan_container have[] = {
      {"old", "p-a-1", "a", 1, "h", NULL, "exited", 0},
  };
  script_reset();
  struct fake_rule gone = {.method = "POST",
                           .pattern = "/containers/p-a-1/start",
                           .times = 1,
                           .status = 404,
                           .body = "{\"message\":\"No such container\"}"};
  fake_engine_add(fe, &gone);
  script_up("a", "new");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, have, 1, &opt, &o);
  is_int(o.rc, 0, "a vanished container: made again");
  is_str(o.log,
         "POST /containers/p-a-1/start\n"
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/p-a-1/start\n",
         "start, 404, create, start");
  outcome_release(&o);
  project_free(p);
}

/* A start refused because two networks have the name the container asks
 * for (one left by a killed up): the other one is removed, the one this
 * run uses kept, and the start sent again. */
static void test_start_ambiguous(void)
{
  struct project *p = load("services:\n  a:\n    image: busybox\n");
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=p-a-1", 201,
                    "{\"Id\":\"ida\"}");
  struct fake_rule amb = {
      .method = "POST",
      .pattern = "/containers/p-a-1/start",
      .times = 1,
      .status = 400,
      .body = "{\"message\":\"network p_default is ambiguous (2 matches "
              "found based on name)\"}"};
  fake_engine_add(fe, &amb);
  fake_engine_reply(fe, "POST", "/containers/p-a-1/start", 204, NULL);
  fake_engine_reply(fe, "GET", "/networks", 200,
                    "[{\"Id\":\"late\",\"Name\":\"p_default\","
                    "\"Created\":\"2026-01-01T00:00:00Z\"},"
                    "{\"Id\":\"ours\",\"Name\":\"p_default\","
                    "\"Created\":\"2026-01-01T00:00:01Z\"}]");
  fake_engine_reply(fe, "DELETE", "/networks/late", 204, NULL);
  const char *ids[] = {"ours"};
  struct svc_options opt = {
      .goal = SVC_GOAL_UP, .timeout = -1, .network_ids = ids};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, 0, "an ambiguous network on start: started after all");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/p-a-1/start\n"
         "GET /networks?filters=%7B%22name%22%3A%5B%22p_default%22%5D%2C%22"
         "label%22%3A%5B%22com.docker.compose.project%3Dp%22%5D%7D\n"
         "DELETE /networks/late\n"
         "POST /containers/p-a-1/start\n",
         "start, the other (older, but not ours) removed, start");
  outcome_release(&o);
  project_free(p);
}

static void test_create_without_id(void)
{
  struct project *p = load("services:\n  a:\n    image: busybox\n");
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=p-a-1", 201, "{}");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_PROTO, "create answered without Id: ERR_PROTO");
  is_str(o.err.text,
         "creating container 'p-a-1': the engine's answer is malformed: the "
         "create answer has no \"Id\"\n",
         "its message");
  is_str(o.log, "POST /containers/create?name=p-a-1\n", "no start");
  outcome_release(&o);
  project_free(p);
}

static const char *const HEALTHY_DEP = "services:\n"
                                       "  a:\n"
                                       "    image: busybox\n"
                                       "    healthcheck:\n"
                                       "      test: [CMD, 'true']\n"
                                       "      interval: 1s\n"
                                       "  b:\n"
                                       "    image: busybox\n"
                                       "    depends_on:\n"
                                       "      a:\n"
                                       "        condition: service_healthy\n";

#define INSPECT(health)                                                        \
  "{\"Id\":\"ida\",\"State\":{\"Status\":\"running\",\"Running\":true,"        \
  "\"Health\":{\"Status\":\"" health "\"}}}"

/* How long test_health_polled's run took (ms): two waits of the poll (the
 * events stream is open and silent: the 2 s fallback), the reference
 * test_health_event's release is set against. */
static uint64_t polled_ms;

static void test_health_polled(void)
{
  struct project *p = load(HEALTHY_DEP);
  script_reset();
  script_up("a", "ida");
  script_up("b", "idb");
  struct fake_rule starting = {.method = "GET",
                               .pattern = "/containers/ida/json",
                               .times = 2,
                               .body = INSPECT("starting")};
  fake_engine_add(fe, &starting);
  fake_engine_reply(fe, "GET", "/containers/ida/json", 200, INSPECT("healthy"));
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  uint64_t t0 = uv_hrtime();
  run(p, NULL, 0, &opt, &o);
  polled_ms = (uv_hrtime() - t0) / 1000000;
  is_int(o.rc, 0, "healthy at the third look");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/p-a-1/start\n"
         "GET /containers/ida/json\n"
         "GET /containers/ida/json\n"
         "GET /containers/ida/json\n"
         "POST /containers/create?name=p-b-1\n"
         "POST /containers/p-b-1/start\n",
         "polled until healthy, then b");
  is_str(o.events,
         "p-a-1 Creating\np-a-1 Created\np-a-1 Starting\np-a-1 Started\n"
         "p-a-1 Healthy\n"
         "p-b-1 Creating\np-b-1 Created\np-b-1 Starting\np-b-1 Started\n",
         "Healthy reported once");
  ok(o.state[0] == SVC_DONE && o.state[1] == SVC_DONE, "both done");
  outcome_release(&o);
  project_free(p);
}

/* The engine tells of the change: looked at once more at once, well
 * before the fallback poll. */
static const struct fake_piece healthy_event[] = {
    {"{\"Type\":\"container\",\"Action\":\"health_status: healthy\","
     "\"Actor\":{\"ID\":\"ida\",\"Attributes\":{}},\"time\":1}\n",
     0, 300}};

static void test_health_event(void)
{
  struct project *p = load(HEALTHY_DEP);
  fake_engine_clear(fe);
  fake_engine_log_clear(fe);
  struct fake_rule ev = {.method = "GET",
                         .pattern = "/events",
                         .pieces = healthy_event,
                         .npieces = 1,
                         .end = FAKE_END_HOLD};
  fake_engine_add(fe, &ev);
  script_up("a", "ida");
  script_up("b", "idb");
  struct fake_rule starting = {.method = "GET",
                               .pattern = "/containers/ida/json",
                               .times = 1,
                               .body = INSPECT("starting")};
  fake_engine_add(fe, &starting);
  fake_engine_reply(fe, "GET", "/containers/ida/json", 200, INSPECT("healthy"));
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  uint64_t t0 = uv_hrtime();
  run(p, NULL, 0, &opt, &o);
  uint64_t ms = (uv_hrtime() - t0) / 1000000;
  is_int(o.rc, 0, "healthy after the event");
  /* the event comes after 300 ms; the fallback poll would wait 2 s: the
   * release by the event takes less than half of one poll's wait, half a
   * wait being a quarter of test_health_polled's two, timed in this run */
  ok(ms * 4 < polled_ms,
     "released by the event, not the poll (%llu ms; polled twice: %llu ms)",
     (unsigned long long)ms, (unsigned long long)polled_ms);
  is_int(fake_engine_count(fe, "GET", "/containers/ida/json"), 2,
         "one look at the start, one after the event");
  char *evs = fake_engine_log(fe, "GET", "/events");
  ok(evs && strstr(evs, "health_status"),
     "the stream asks for health events (%s)", flat(evs));
  free(evs);
  is_int(fake_engine_count(fe, NULL, "/containers/create?name=p-b-1"), 1,
         "then b");
  outcome_release(&o);
  project_free(p);
}

static void test_unhealthy_dependency(void)
{
  struct project *p = load(HEALTHY_DEP);
  script_reset();
  script_up("a", "ida");
  script_up("b", "idb");
  struct fake_rule starting = {.method = "GET",
                               .pattern = "/containers/ida/json",
                               .times = 1,
                               .body = INSPECT("starting")};
  fake_engine_add(fe, &starting);
  fake_engine_reply(fe, "GET", "/containers/ida/json", 200,
                    INSPECT("unhealthy"));
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_UNHEALTHY, "unhealthy dependency: ERR_UNHEALTHY");
  is_str(o.err.text, "container 'p-a-1' is unhealthy\n", "its message");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/p-a-1/start\n"
         "GET /containers/ida/json\n"
         "GET /containers/ida/json\n",
         "b never created");
  ok(o.state[0] == SVC_FAILED && o.state[1] == SVC_FAILED, "both failed");
  is_str(o.svc_err[1], "service 'b' was not started: dependency 'a' failed\n",
         "b says why");
  is_str(o.started, "p-a-1\n", "only a started");
  outcome_release(&o);
  project_free(p);
}

static void test_healthy_without_healthcheck(void)
{
  struct project *p = load("services:\n"
                           "  a:\n"
                           "    image: busybox\n"
                           "  b:\n"
                           "    image: busybox\n"
                           "    depends_on:\n"
                           "      a:\n"
                           "        condition: service_healthy\n");
  script_reset();
  script_up("a", "ida");
  fake_engine_reply(fe, "GET", "/containers/ida/json", 200,
                    "{\"Id\":\"ida\",\"State\":{\"Status\":\"running\"}}");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_STATE, "service_healthy on a service without check");
  is_str(o.err.text,
         "container 'p-a-1' has no healthcheck configured, but a service "
         "depends on it with condition service_healthy\n",
         "compose's message");
  is_int(fake_engine_count(fe, NULL, "/containers/create?name=p-b-*"), 0,
         "b never created");
  outcome_release(&o);
  project_free(p);
}

/* c depends on b, b on a: stop goes c, b, a; a container that is not
 * running is not asked. */
static void test_stop_reverse(void)
{
  struct project *p = load("services:\n"
                           "  a:\n"
                           "    image: busybox\n"
                           "  b:\n"
                           "    image: busybox\n"
                           "    depends_on: [a]\n"
                           "  c:\n"
                           "    image: busybox\n"
                           "    depends_on: [b]\n"
                           "  d:\n"
                           "    image: busybox\n");
  struct plan_container have[] = {
      {"ida", "p-a-1", "a", 1, "h", NULL, "running", 0},
      {"idb", "p-b-1", "b", 1, "h", NULL, "running", 0},
      {"idc", "p-c-1", "c", 1, "h", NULL, "running", 0},
      {"idd", "p-d-1", "d", 1, "h", NULL, "exited", 0},
  };
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/*/stop", 204, NULL);
  struct svc_options opt = {.goal = SVC_GOAL_STOP, .timeout = 3};
  struct outcome o;
  run(p, have, 4, &opt, &o);
  is_int(o.rc, 0, "stop: success");
  is_str(o.log,
         "POST /containers/p-c-1/stop?t=3\n"
         "POST /containers/p-b-1/stop?t=3\n"
         "POST /containers/p-a-1/stop?t=3\n",
         "dependents first, the stopped one left alone");
  ok(o.state[0] == SVC_DONE && o.state[1] == SVC_DONE &&
         o.state[2] == SVC_DONE && o.state[3] == SVC_DONE,
     "all done");
  outcome_release(&o);
  project_free(p);
}

static void test_down_reverse(void)
{
  struct project *p = load(AB);
  struct plan_container have[] = {
      {"ida", "p-a-1", "a", 1, "h", NULL, "running", 0},
      {"idb", "p-b-1", "b", 1, "h", NULL, "exited", 0},
  };
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/*/stop", 204, NULL);
  /* gone already: as good as removed */
  fake_engine_reply(fe, "DELETE", "/containers/idb", 404,
                    "{\"message\":\"No such container: idb\"}");
  fake_engine_reply(fe, "DELETE", "/containers/*", 204, NULL);
  struct svc_options opt = {
      .goal = SVC_GOAL_DOWN, .timeout = -1, .remove_volumes = 1};
  struct outcome o;
  run(p, have, 2, &opt, &o);
  is_int(o.rc, 0, "down: success (a 404 on removal counts as removed)");
  is_str(o.log,
         "DELETE /containers/idb?force=1&v=1\n"
         "POST /containers/p-a-1/stop\n"
         "DELETE /containers/ida?force=1&v=1\n",
         "b removed (it was not running), then a stopped and removed");
  is_str(o.events,
         "p-b-1 Removing\np-b-1 Removed\n"
         "p-a-1 Stopping\np-a-1 Stopped\np-a-1 Removing\np-a-1 Removed\n",
         "down's progress");
  outcome_release(&o);
  project_free(p);
}

/* The replacement's name held by one a killed up made of the same old
 * container (the engine finished it after the listing): that one goes and
 * ours is made; the old container's removal begun by the killed up is
 * waited for (409 "in progress" until 404). */
static void test_recreate_leftover(void)
{
  struct project *p = load("services:\n  a:\n    image: busybox\n");
  struct plan_container have[] = {
      {"0123456789abcdef", "p-a-1", "a", 1, "changed", NULL, "running", 0},
  };
  script_reset();
  struct fake_rule held = {
      .method = "POST",
      .pattern = "/containers/create?name=0123456789ab_p-a-1",
      .times = 1,
      .status = 409,
      .body = "{\"message\":\"Conflict. The container name is already in "
              "use\"}"};
  fake_engine_add(fe, &held);
  fake_engine_reply(fe, "DELETE", "/containers/0123456789ab_p-a-1", 204, NULL);
  fake_engine_reply(fe, "POST", "/containers/create?name=0123456789ab_p-a-1",
                    201, "{\"Id\":\"new\",\"Warnings\":[]}");
  fake_engine_reply(fe, "POST", "/containers/0123456789abcdef/stop", 204, NULL);
  struct fake_rule busy = {
      .method = "DELETE",
      .pattern = "/containers/0123456789abcdef",
      .times = 1,
      .status = 409,
      .body = "{\"message\":\"removal of container 0123456789abcdef is "
              "already in progress\"}"};
  fake_engine_add(fe, &busy);
  fake_engine_reply(fe, "DELETE", "/containers/0123456789abcdef", 404,
                    "{\"message\":\"No such container\"}");
  fake_engine_reply(fe, "POST", "/containers/new/rename?name=p-a-1", 204, NULL);
  fake_engine_reply(fe, "POST", "/containers/p-a-1/start", 204, NULL);
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, have, 1, &opt, &o);
  is_int(o.rc, 0, "a leftover replacement: recreated all the same");
  is_str(o.log,
         "POST /containers/create?name=0123456789ab_p-a-1\n"
         "DELETE /containers/0123456789ab_p-a-1?force=1\n"
         "POST /containers/create?name=0123456789ab_p-a-1\n"
         "POST /containers/0123456789abcdef/stop\n"
         "DELETE /containers/0123456789abcdef?force=1\n"
         "DELETE /containers/0123456789abcdef?force=1\n"
         "POST /containers/new/rename?name=p-a-1\n"
         "POST /containers/p-a-1/start\n",
         "the leftover removed, ours made; the old's removal waited for");
  outcome_release(&o);
  project_free(p);
}

static void test_recreate(void)
{
  struct project *p = load("services:\n  a:\n    image: busybox\n"
                           "    volumes: [/data, named:/n]\n"
                           "volumes:\n  named: {}\n");
  struct engine_mount mounts[] = {
      {"volume", "anon1", "/var/lib/docker/volumes/anon1/_data", "/data", "",
       1},
      {"volume", "p_named", "/var/lib/docker/volumes/p_named/_data", "/n", "",
       1},
      {"volume", "anon2", "/var/lib/docker/volumes/anon2/_data", "/img", "", 1},
  };
  struct plan_container have[] = {
      {"0123456789abcdef", "p-a-1", "a", 1, "changed", NULL, "running", 0,
       mounts, 3},
  };
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=0123456789ab_p-a-1",
                    201, "{\"Id\":\"new\",\"Warnings\":[]}");
  fake_engine_reply(fe, "POST", "/containers/0123456789abcdef/stop", 204, NULL);
  fake_engine_reply(fe, "DELETE", "/containers/0123456789abcdef", 204, NULL);
  fake_engine_reply(fe, "POST", "/containers/new/rename?name=p-a-1", 204, NULL);
  fake_engine_reply(fe, "POST", "/containers/p-a-1/start", 204, NULL);
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, have, 1, &opt, &o);
  is_int(o.rc, 0, "recreate: success");
  is_str(o.log,
         "POST /containers/create?name=0123456789ab_p-a-1\n"
         "POST /containers/0123456789abcdef/stop\n"
         "DELETE /containers/0123456789abcdef?force=1\n"
         "POST /containers/new/rename?name=p-a-1\n"
         "POST /containers/p-a-1/start\n",
         "create under a temporary name, stop and remove the old by id, "
         "rename, start");
  is_str(o.events,
         "p-a-1 Recreate\np-a-1 Created\np-a-1 Recreated\n"
         "p-a-1 Starting\np-a-1 Started\n",
         "recreate's progress");
  char *body = fake_engine_body(fe, "POST", "/containers/create", 0);
  cJSON *j = cJSON_Parse(body ? body : "");
  cJSON *host = cJSON_GetObjectItemCaseSensitive(j, "HostConfig");
  char *binds =
      cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(host, "Binds"));
  char *mnts =
      cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(host, "Mounts"));
  is_str(binds, "[\"anon2:/img\"]",
         "the image's anonymous volume carried over at its target");
  ok(mnts && strstr(mnts, "\"Source\":\"anon1\",\"Target\":\"/data\""),
     "the declared anonymous volume is the old one: %s", mnts ? mnts : "");
  ok(mnts && strstr(mnts, "\"Source\":\"p_named\",\"Target\":\"/n\""),
     "the named volume stays itself");
  free(binds);
  free(mnts);
  cJSON_Delete(j);
  free(body);
  outcome_release(&o);

  /* -V: fresh volumes, the old ones go with the old container */
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create?name=0123456789ab_p-a-1",
                    201, "{\"Id\":\"new\",\"Warnings\":[]}");
  fake_engine_reply(fe, "POST", "/containers/0123456789abcdef/stop", 204, NULL);
  fake_engine_reply(fe, "DELETE", "/containers/0123456789abcdef", 204, NULL);
  fake_engine_reply(fe, "POST", "/containers/new/rename?name=p-a-1", 204, NULL);
  fake_engine_reply(fe, "POST", "/containers/p-a-1/start", 204, NULL);
  fake_engine_reply(fe, "DELETE", "/volumes/anon*", 204, NULL);
  opt.renew_anon_volumes = 1;
  run(p, have, 1, &opt, &o);
  ok(fake_engine_count(fe, "DELETE", "/volumes/anon1") == 1 &&
         fake_engine_count(fe, "DELETE", "/volumes/anon2") == 1 &&
         fake_engine_count(fe, "DELETE", "/volumes/*") == 2,
     "-V: the old anonymous volumes are removed (not the named one)");
  is_int(o.rc, 0, "recreate -V: success");
  ok(strstr(o.log, "DELETE /containers/0123456789abcdef?force=1&v=1\n") != NULL,
     "-V: the old container is removed with its volumes");
  body = fake_engine_body(fe, "POST", "/containers/create", 0);
  ok(body && !strstr(body, "anon1") && !strstr(body, "anon2"),
     "-V: no old volume in the replacement");
  free(body);
  outcome_release(&o);

  /* the replacement cannot be made: the old container is untouched */
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create", 500,
                    "{\"message\":\"invalid option\"}");
  opt.renew_anon_volumes = 0;
  run(p, have, 1, &opt, &o);
  is_int(o.rc, ERR_ENGINE, "failed create: the run fails");
  is_str(o.log, "POST /containers/create?name=0123456789ab_p-a-1\n",
         "failed create: the old container is neither stopped nor removed");
  outcome_release(&o);

  /* the old one cannot be stopped: the replacement is removed again */
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/create", 201,
                    "{\"Id\":\"new\",\"Warnings\":[]}");
  fake_engine_reply(fe, "POST", "/containers/0123456789abcdef/stop", 500,
                    "{\"message\":\"cannot stop\"}");
  fake_engine_reply(fe, "DELETE", "/containers/new", 204, NULL);
  run(p, have, 1, &opt, &o);
  ok(o.rc != 0, "failed stop: the run fails");
  is_str(o.log,
         "POST /containers/create?name=0123456789ab_p-a-1\n"
         "POST /containers/0123456789abcdef/stop\n"
         "DELETE /containers/new?force=1\n",
         "failed stop: the replacement is removed, the old one kept");
  outcome_release(&o);
  project_free(p);
}

/* What an up killed in the middle of a recreate left: the replacement
 * under its temporary name, alone (b) or beside the old container (a).
 * The next up ends with one container under the canonical name. */
static void test_killed_swap(void)
{
  struct project *p = load("services:\n  a:\n    image: busybox\n");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;

  /* (b) running under the temporary name: renamed, nothing else */
  struct plan_container b[] = {
      {"new", "0123456789ab_p-a-1", "a", 1, "h", NULL, "running", 0},
  };
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/new/rename?name=p-a-1", 204, NULL);
  run(p, b, 1, &opt, &o);
  is_int(o.rc, 0, "(b) running: success");
  is_str(o.log, "POST /containers/new/rename?name=p-a-1\n",
         "(b) running: one rename by id to the canonical name");
  is_str(o.events, "p-a-1 Renamed\n", "(b) running: progress under the name");
  outcome_release(&o);

  /* (b) created, never started: renamed, then started by its new name */
  b[0].state = "created";
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/new/rename?name=p-a-1", 204, NULL);
  fake_engine_reply(fe, "POST", "/containers/p-a-1/start", 204, NULL);
  run(p, b, 1, &opt, &o);
  is_int(o.rc, 0, "(b) created: success");
  is_str(o.log,
         "POST /containers/new/rename?name=p-a-1\n"
         "POST /containers/p-a-1/start\n",
         "(b) created: renamed, then started under the canonical name");
  is_str(o.started, "p-a-1\n", "(b) created: started as p-a-1");
  outcome_release(&o);

  /* (b) the name is held outside the project: the container keeps its
   * temporary name, with a warning, and the service comes up */
  script_reset();
  fake_engine_reply(
      fe, "POST", "/containers/new/rename?name=p-a-1", 409,
      "{\"message\":\"Conflict. The container name \\\"/p-a-1\\\" "
      "is already in use\"}");
  fake_engine_reply(fe, "POST", "/containers/0123456789ab_p-a-1/start", 204,
                    NULL);
  run(p, b, 1, &opt, &o);
  is_int(o.rc, 0, "(b) name held elsewhere: the up still succeeds");
  is_str(o.log,
         "POST /containers/new/rename?name=p-a-1\n"
         "POST /containers/0123456789ab_p-a-1/start\n",
         "(b) name held elsewhere: started under the name it has");
  ok(strstr(o.warned, "'0123456789ab_p-a-1' keeps its name: 'p-a-1' is in "
                      "use") != NULL,
     "(b) name held elsewhere: warned (%s)", flat(o.warned));
  outcome_release(&o);

  /* (b) a rename the engine refuses otherwise fails the service */
  b[0].state = "running";
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/new/rename*", 500,
                    "{\"message\":\"engine broke\"}");
  run(p, b, 1, &opt, &o);
  ok(o.rc != 0, "(b) failed rename: the run fails");
  ok(o.svc_err[0] && strstr(o.svc_err[0], "renaming container "
                                          "'0123456789ab_p-a-1': engine broke"),
     "(b) failed rename: said what was done (%s)",
     o.svc_err[0] ? o.svc_err[0] : "");
  outcome_release(&o);

  /* (a) the old one (old config, running, canonical name) and the
   * replacement (current config, created): the old one stopped and
   * removed first, then the replacement renamed and started */
  struct plan_container a[] = {
      {"new", "0123456789ab_p-a-1", "a", 1, "h", NULL, "created", 0},
      {"0123456789abcdef", "p-a-1", "a", 1, "old", NULL, "running", 0},
  };
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/p-a-1/stop", 204, NULL);
  fake_engine_reply(fe, "DELETE", "/containers/0123456789abcdef", 204, NULL);
  fake_engine_reply(fe, "POST", "/containers/new/rename?name=p-a-1", 204, NULL);
  fake_engine_reply(fe, "POST", "/containers/p-a-1/start", 204, NULL);
  run(p, a, 2, &opt, &o);
  is_int(o.rc, 0, "(a): success");
  is_str(o.log,
         "POST /containers/p-a-1/stop\n"
         "DELETE /containers/0123456789abcdef?force=1\n"
         "POST /containers/new/rename?name=p-a-1\n"
         "POST /containers/p-a-1/start\n",
         "(a): old stopped and removed, then the current one renamed and "
         "started");
  is_int((int)fake_engine_count(fe, "POST", "/containers/create"), 0,
         "(a): nothing created");
  outcome_release(&o);

  /* a converged up sends nothing about names */
  struct plan_container done[] = {
      {"new", "p-a-1", "a", 1, "h", NULL, "running", 0},
  };
  script_reset();
  run(p, done, 1, &opt, &o);
  is_str(o.log, "", "canonical names: no rename");
  outcome_release(&o);
  project_free(p);
}

/* A service in x's network namespace and one with x's volumes are
 * recreated with x; a restart: true dependent is restarted. */
static void test_recreate_dependents(void)
{
  struct project *p = load("services:\n"
                           "  x:\n    image: busybox\n"
                           "  n:\n    image: busybox\n"
                           "    network_mode: service:x\n"
                           "  v:\n    image: busybox\n"
                           "    volumes_from: [x]\n"
                           "  r:\n    image: busybox\n"
                           "    depends_on:\n"
                           "      x: {condition: service_started, "
                           "restart: true}\n");
  struct plan_container have[] = {
      {"oldx", "p-x-1", "x", 1, "changed", NULL, "running", 0, NULL, 0},
      {"oldn", "p-n-1", "n", 1, "h", NULL, "running", 0, NULL, 0},
      {"oldv", "p-v-1", "v", 1, "h", NULL, "running", 0, NULL, 0},
      {"oldr", "p-r-1", "r", 1, "h", NULL, "running", 0, NULL, 0},
  };
  script_reset();
  static const char *const svcs[] = {"x", "n", "v"};
  for (size_t i = 0; i < 3; i++) {
    char pat[128], body[64];
    snprintf(pat, sizeof(pat), "/containers/create?name=old%s_p-%s-1", svcs[i],
             svcs[i]);
    snprintf(body, sizeof(body), "{\"Id\":\"new%s\"}", svcs[i]);
    fake_engine_reply(fe, "POST", pat, 201, body);
    snprintf(pat, sizeof(pat), "/containers/old%s/stop", svcs[i]);
    fake_engine_reply(fe, "POST", pat, 204, NULL);
    snprintf(pat, sizeof(pat), "/containers/old%s", svcs[i]);
    fake_engine_reply(fe, "DELETE", pat, 204, NULL);
    snprintf(pat, sizeof(pat), "/containers/new%s/rename?name=p-%s-1", svcs[i],
             svcs[i]);
    fake_engine_reply(fe, "POST", pat, 204, NULL);
    snprintf(pat, sizeof(pat), "/containers/p-%s-1/start", svcs[i]);
    fake_engine_reply(fe, "POST", pat, 204, NULL);
  }
  fake_engine_reply(fe, "POST", "/containers/oldr/restart", 204, NULL);
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, have, 4, &opt, &o);
  is_int(o.rc, 0, "dependents: success");
  is_int((int)fake_engine_count(fe, "POST", "/containers/create"), 3,
         "x, n and v created again");
  long xs = fake_engine_find(fe, "POST", "/containers/p-x-1/start", 0);
  long nc = fake_engine_find(fe, "POST", "/containers/create?name=oldn_*", 0);
  long vc = fake_engine_find(fe, "POST", "/containers/create?name=oldv_*", 0);
  long rr = fake_engine_find(fe, "POST", "/containers/oldr/restart", 0);
  ok(xs >= 0 && nc > xs && vc > xs && rr > xs,
     "n and v recreated, r restarted, after x started (%ld %ld %ld %ld)", xs,
     nc, vc, rr);
  ok(strstr(o.events, "p-r-1 Restarted\n") != NULL, "r's progress: Restarted");
  outcome_release(&o);
  project_free(p);
}

/* Two networks: created on the primary one, connected to the other before
 * it starts (API 1.41 takes one network at create). */
static void test_extra_network(void)
{
  struct project *p = load("services:\n"
                           "  a:\n"
                           "    image: busybox\n"
                           "    networks: [front, back]\n"
                           "networks:\n"
                           "  front: {}\n"
                           "  back: {}\n");
  script_reset();
  script_up("a", "ida");
  fake_engine_reply(fe, "POST", "/networks/*/connect", 200, NULL);
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, 0, "two networks: success");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /networks/p_front/connect\n"
         "POST /containers/p-a-1/start\n",
         "created on p_back, connected to p_front, then started");
  char *body = fake_engine_body(fe, "POST", "/networks/p_front/connect", 0);
  cJSON *j = cJSON_Parse(body ? body : "");
  const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "Container");
  ok(cJSON_IsString(c) && !strcmp(c->valuestring, "ida"),
     "connect names the new container by id");
  cJSON_Delete(j);
  free(body);
  body = fake_engine_body(fe, "POST", "/containers/create", 0);
  ok(body && strstr(body, "\"p_back\"") && !strstr(body, "\"p_front\""),
     "create carries the primary network only");
  free(body);
  outcome_release(&o);
  project_free(p);
}

/* a's create is held until b has been started: b must not wait for a. */
static void test_slow_answer(void)
{
  struct project *p = load("services:\n"
                           "  a:\n"
                           "    image: busybox\n"
                           "  b:\n"
                           "    image: busybox\n");
  script_reset();
  struct fake_rule slow = {.method = "POST",
                           .pattern = "/containers/create?name=p-a-1",
                           .status = 201,
                           .body = "{\"Id\":\"ida\"}",
                           .gate = "b-started"};
  struct fake_rule bstart = {.method = "POST",
                             .pattern = "/containers/p-b-1/start",
                             .status = 204,
                             .opens = "b-started"};
  fake_engine_add(fe, &slow);
  fake_engine_add(fe, &bstart);
  script_up("a", "ida");
  script_up("b", "idb");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, 0, "both up");
  is_int(fake_engine_settle(fe, 5000), 0, "every answer ended");
  struct fake_request ac, bs;
  fake_engine_get(
      fe, fake_engine_find(fe, "POST", "/containers/create?name=p-a-1", 0),
      &ac);
  fake_engine_get(
      fe, fake_engine_find(fe, "POST", "/containers/p-b-1/start", 0), &bs);
  ok(ac.seq_in && bs.seq_in && bs.seq_in < ac.seq_out,
     "b was started while a's create was still unanswered (in %lu, b start "
     "%lu, out %lu)",
     ac.seq_in, bs.seq_in, ac.seq_out);
  is_int(ac.gate_timeout, 0, "a's answer was released by b's start");
  is_int(fake_engine_count(fe, "POST", "/containers/*/start"), 2,
         "both started");
  /* b's start was sent before a's create answered (its answer and a's
   * may then come in either order) */
  const char *bs_sent = strstr(o.events, "p-b-1 Starting\n");
  const char *ac_done = strstr(o.events, "p-a-1 Created\n");
  ok(bs_sent && ac_done && bs_sent < ac_done,
     "b's start sent before a's create answered");
  fake_request_release(&ac);
  fake_request_release(&bs);
  outcome_release(&o);
  project_free(p);
}

static const char *const COMPLETED = "services:\n"
                                     "  a:\n"
                                     "    image: busybox\n"
                                     "  b:\n"
                                     "    image: busybox\n"
                                     "    depends_on:\n"
                                     "      a:\n"
                                     "        condition: "
                                     "service_completed_successfully\n";

static void test_wait_completed(void)
{
  struct project *p = load(COMPLETED);
  script_reset();
  script_up("a", "ida");
  script_up("b", "idb");
  fake_engine_reply(fe, "POST", "/containers/ida/wait", 200,
                    "{\"StatusCode\":0}");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, 0, "a completed, b up");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/p-a-1/start\n"
         "POST /containers/ida/wait?condition=not-running\n"
         "POST /containers/create?name=p-b-1\n"
         "POST /containers/p-b-1/start\n",
         "b waits for a's exit");
  outcome_release(&o);

  script_reset();
  script_up("a", "ida");
  fake_engine_reply(fe, "POST", "/containers/ida/wait", 200,
                    "{\"StatusCode\":3}");
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_STATE, "a exited 3: ERR_STATE");
  is_str(o.err.text,
         "service 'a' didn't complete successfully: container 'p-a-1' "
         "exited with code 3\n",
         "exit code in the message");
  is_int(fake_engine_count(fe, NULL, "/containers/create?name=p-b-1"), 0,
         "b never created");
  outcome_release(&o);
  project_free(p);
}

static const struct fake_piece half[] = {{"{\"StatusCo"}};

static void test_wait_cut(void)
{
  struct project *p = load(COMPLETED);
  script_reset();
  script_up("a", "ida");
  script_up("b", "idb");
  struct fake_rule cut = {.method = "POST",
                          .pattern = "/containers/ida/wait",
                          .pieces = half,
                          .npieces = 1,
                          .end = FAKE_END_CUT};
  fake_engine_add(fe, &cut);
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_IO, "wait cut mid-way: ERR_IO (%s)", err_name(o.rc));
  char want[256];
  snprintf(want, sizeof(want),
           "the connection to the engine at %s broke mid-answer",
           fake_engine_url(fe));
  ok(o.err.text && strstr(o.err.text, want), "broke mid-answer: %s",
     flat(o.err.text));
  ok(o.err.text && !strncmp(o.err.text, "waiting for container 'p-a-1': ", 31),
     "the message names the container (%s)", flat(o.err.text));
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/p-a-1/start\n"
         "POST /containers/ida/wait?condition=not-running\n",
         "b never created");
  ok(o.state[0] == SVC_FAILED && o.state[1] == SVC_FAILED, "both failed");
  outcome_release(&o);
  project_free(p);
}

static void test_no_start(void)
{
  struct project *p = load(AB);
  script_reset();
  script_up("a", "ida");
  script_up("b", "idb");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1, .no_start = 1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, 0, "create only: success");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/create?name=p-b-1\n",
         "creates in order, no start");
  ok(o.state[0] == SVC_DONE && o.state[1] == SVC_DONE, "both done");
  outcome_release(&o);
  project_free(p);
}

/* kill has no order: every running container gets one call. */
static void test_kill(void)
{
  struct project *p = load(AB);
  struct plan_container have[] = {
      {"ida", "p-a-1", "a", 1, "h", NULL, "running", 0},
      {"idb", "p-b-1", "b", 1, "h", NULL, "exited", 0},
  };
  script_reset();
  fake_engine_reply(fe, "POST", "/containers/*/kill", 204, NULL);
  struct svc_options opt = {
      .goal = SVC_GOAL_KILL, .timeout = -1, .signal = "SIGTERM"};
  struct outcome o;
  run(p, have, 2, &opt, &o);
  is_int(o.rc, 0, "kill: success");
  is_str(o.log, "POST /containers/p-a-1/kill?signal=SIGTERM\n",
         "the running one, with the signal");
  is_str(o.events, "p-a-1 Killed\n", "kill's progress");
  outcome_release(&o);
  project_free(p);
}

/* A container that exits while its health is awaited. */
static void test_health_exited(void)
{
  struct project *p = load(HEALTHY_DEP);
  script_reset();
  script_up("a", "ida");
  fake_engine_reply(fe, "GET", "/containers/ida/json", 200,
                    "{\"Id\":\"ida\",\"State\":{\"Status\":\"exited\","
                    "\"ExitCode\":2,\"Health\":{\"Status\":\"starting\"}}}");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_STATE, "exited before healthy: ERR_STATE");
  is_str(o.err.text, "container 'p-a-1' exited (2)\n", "with its code");
  is_int(fake_engine_count(fe, "GET", "/containers/ida/json"), 1,
         "no more polling");
  outcome_release(&o);
  project_free(p);
}

/* up --wait --wait-timeout 1 on a container that stays "starting". */
static void test_wait_timeout(void)
{
  struct project *p = load(HEALTHY_DEP);
  script_reset();
  script_up("a", "ida");
  fake_engine_reply(fe, "GET", "/containers/ida/json", 200,
                    INSPECT("starting"));
  struct svc_options opt = {
      .goal = SVC_GOAL_UP, .timeout = -1, .wait = 1, .wait_timeout = 1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_TIMEOUT, "never healthy: ERR_TIMEOUT");
  is_str(o.err.text,
         "service 'a': not healthy after 1 seconds (--wait-timeout)\n",
         "its message");
  size_t polls = fake_engine_count(fe, "GET", "/containers/ida/json");
  ok(polls >= 1 && polls <= 3, "polled until the deadline (%zu looks)", polls);
  is_int(fake_engine_count(fe, NULL, "/containers/create?name=p-b-1"), 0,
         "b never created");
  outcome_release(&o);
  project_free(p);
}

/* Interrupted (SIGINT, SIGTERM): a health wait and a wait for completion
 * end at once, and the dependent waiting for them is never made. The
 * guards (a wait timeout, the gate's own limit) only keep a broken
 * interrupt from hanging the test. */
static void test_interrupt(void)
{
  struct project *p = load(HEALTHY_DEP);
  script_reset();
  script_up("a", "ida");
  fake_engine_reply(fe, "GET", "/containers/ida/json", 200,
                    INSPECT("starting"));
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  opt.wait_timeout = 8;
  struct outcome o;
  interrupt_at = "p-a-1 Started";
  uint64_t t0 = uv_hrtime();
  run(p, NULL, 0, &opt, &o);
  uint64_t ms = (uv_hrtime() - t0) / 1000000;
  is_int(o.rc, ERR_CANCELED, "health wait interrupted: ERR_CANCELED");
  ok(o.svc_err[0] && strstr(o.svc_err[0], "interrupted while waiting"),
     "a says why: %s", o.svc_err[0] ? flat(o.svc_err[0]) : "");
  ok(ms < 6000, "ended before the wait's own limit (%llu ms)",
     (unsigned long long)ms);
  is_int(fake_engine_count(fe, NULL, "/containers/create?name=p-b-1"), 0,
         "b never created");
  outcome_release(&o);
  project_free(p);

  p = load(COMPLETED);
  script_reset();
  script_up("a", "ida");
  struct fake_rule held = {.method = "POST",
                           .pattern = "/containers/ida/wait",
                           .gate = "never",
                           .body = "{\"StatusCode\":0}"};
  fake_engine_add(fe, &held);
  struct svc_options up = {.goal = SVC_GOAL_UP, .timeout = -1};
  interrupt_at = "p-a-1 Waiting";
  t0 = uv_hrtime();
  run(p, NULL, 0, &up, &o);
  ms = (uv_hrtime() - t0) / 1000000;
  /* the wait may reach the scripted engine after the client gave it up:
   * let it be read while its rule is there, not in the next test */
  for (int i = 0;
       i < 500 && !fake_engine_count(fe, "POST", "/containers/*/wait"); i++)
    usleep(10000);
  ok(o.rc != 0, "completion wait interrupted: a failure (%d)", o.rc);
  ok(ms < FAKE_GATE_MAX_MS - 2000, "ended before the gate let go (%llu ms)",
     (unsigned long long)ms);
  is_int(fake_engine_count(fe, NULL, "/containers/create?name=p-b-1"), 0,
         "b never created");
  outcome_release(&o);
  project_free(p);
}

/* post_start: an exec per hook after the start, with the
 * hook's user, working_dir, environment and privileged; a non-zero exit
 * fails the service: the hooks after it do not run, its dependents do
 * not start. */
static void test_post_start(void)
{
  struct project *p = load("services:\n"
                           "  a:\n"
                           "    image: busybox\n"
                           "    post_start:\n"
                           "      - command: echo 'one two'\n"
                           "        user: '0'\n"
                           "        privileged: true\n"
                           "        working_dir: /w\n"
                           "        environment: {K: v}\n"
                           "      - command: [sh, -c, 'exit 3']\n"
                           "  b:\n"
                           "    image: busybox\n"
                           "    depends_on: [a]\n");
  script_reset();
  script_up("a", "ida");
  fake_engine_reply(fe, "POST", "/containers/ida/exec", 201,
                    "{\"Id\":\"ex1\"}");
  fake_engine_reply(fe, "POST", "/exec/ex1/start", 200, "");
  fake_engine_reply(fe, "GET", "/exec/ex1/json", 200,
                    "{\"Running\":false,\"ExitCode\":3}");
  struct svc_options opt = {.goal = SVC_GOAL_UP, .timeout = -1};
  struct outcome o;
  run(p, NULL, 0, &opt, &o);
  is_int(o.rc, ERR_STATE, "a hook exiting 3 fails up");
  is_str(o.err.text,
         "service 'a': post_start hook in container 'p-a-1' exited with "
         "status 3\n",
         "and says which hook, where, and its status");
  is_str(o.log,
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/p-a-1/start\n"
         "POST /containers/ida/exec\n"
         "POST /exec/ex1/start\n"
         "GET /exec/ex1/json\n",
         "the hook an exec after the start; the one after it never runs, "
         "b never created");
  char *body = fake_engine_body(fe, "POST", "/containers/ida/exec", 0);
  cJSON *j = cJSON_Parse(body ? body : "");
  char *cmd = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "Cmd"));
  is_str(cmd, "[\"echo\",\"one two\"]", "a string command split as sh does");
  free(cmd);
  cmd = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "Env"));
  is_str(cmd, "[\"K=v\"]", "the hook's environment");
  free(cmd);
  ok(cJSON_IsTrue(cJSON_GetObjectItem(j, "Privileged")), "privileged");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "User")), "0", "user");
  is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "WorkingDir")), "/w",
         "working_dir");
  cJSON_Delete(j);
  free(body);
  ok(o.state[0] == SVC_FAILED && o.state[1] == SVC_FAILED,
     "a failed, b not started");
  outcome_release(&o);
  project_free(p);
}

int main(void)
{
  snprintf(dir, sizeof(dir), "/tmp/wcompose-svc-XXXXXX");
  if (!mkdtemp(dir))
    abort();
  uv_loop_init(&loop);
  fe = fake_engine_start();

  test_up_order();
  test_create_conflict();
  test_create_conflict_adopt();
  test_conflict_report_order();
  test_start_notfound();
  test_start_vanished();
  test_start_ambiguous();
  test_create_without_id();
  test_health_polled();
  test_health_event();
  test_unhealthy_dependency();
  test_healthy_without_healthcheck();
  test_stop_reverse();
  test_down_reverse();
  test_recreate();
  test_recreate_leftover();
  test_recreate_dependents();
  test_killed_swap();
  test_extra_network();
  test_slow_answer();
  test_wait_completed();
  test_wait_cut();
  test_no_start();
  test_kill();
  test_health_exited();
  test_wait_timeout();
  test_interrupt();
  test_post_start();

  fake_engine_stop(fe);
  is_int(uv_loop_close(&loop), 0, "every handle closed");
  rmdir(dir);
  return tap_done();
}
