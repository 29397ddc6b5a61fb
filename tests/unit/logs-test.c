/* The log follower (orchestrate/logs) against the scripted engine of
 * tests/lib/fake-engine.h: framed streams of two containers become
 * prefixed lines, a stream cut mid-frame ends its container with a
 * message while the others go on, a container that restarts is followed
 * again from the last line shown, a container announced by /events is
 * followed, the query reaches the engine, and without waits no exit line
 * is printed. */
#include "tap.h"
#include "../lib/fake-engine.h"
#include "engine/api.h"
#include "orchestrate/labels.h"
#include "orchestrate/logs.h"
#include "util/buf.h"
#include "util/err.h"

#include <stdlib.h>

static uv_loop_t loop;
static struct fake_engine *fe;
static struct engine *engine;

/* --- what the follower reports --- */

struct seen {
  char *text; /* the output so far (open_memstream) */
  size_t len;
  FILE *out;
  int exits;              /* on_exit calls */
  int last_code;          /* code of the last one */
  char exited[256];       /* "name=code " for each */
  int errors;             /* on_error calls */
  char error[1024];       /* the last error's text */
  char err_name[64];      /* the last error's container */
  const char *opens;      /* a gate to open on the first error */
  const char *exit_opens; /* a gate to open on the first exit */
  int want_calls;
};

static void on_exit_cb(void *data, const char *name, const char *service,
                       int code)
{
  struct seen *s = data;
  (void)service;
  s->exits++;
  if (s->exit_opens)
    fake_engine_open(fe, s->exit_opens);
  s->last_code = code;
  size_t n = strlen(s->exited);
  snprintf(s->exited + n, sizeof(s->exited) - n, "%s=%d ", name, code);
}

static void on_error_cb(void *data, const char *name, const struct err *e)
{
  struct seen *s = data;
  s->errors++;
  snprintf(s->error, sizeof(s->error), "%s", e->text ? e->text : "");
  snprintf(s->err_name, sizeof(s->err_name), "%s", name ? name : "(none)");
  if (s->opens)
    fake_engine_open(fe, s->opens);
}

static int want_web(void *data, const char *service, int number)
{
  struct seen *s = data;
  (void)number;
  s->want_calls++;
  return !strcmp(service, "web");
}

static void seen_init(struct seen *s)
{
  memset(s, 0, sizeof(*s));
  s->out = open_memstream(&s->text, &s->len);
  s->last_code = -99;
}

static void seen_release(struct seen *s)
{
  if (s->out)
    fclose(s->out);
  free(s->text);
}

/* The lines of the output that begin with prefix, each without it,
 * joined with '\n' (into a static buffer). */
static const char *lines_of(struct seen *s, const char *prefix)
{
  static char buf[4096];
  fflush(s->out);
  buf[0] = '\0';
  size_t pl = strlen(prefix), n = 0;
  for (const char *p = s->text; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len >= pl && !strncmp(p, prefix, pl))
      n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%.*s", n ? "\n" : "",
                            (int)(len - pl), p + pl);
    p += len + (nl ? 1 : 0);
  }
  return buf;
}

/* --- the script's pieces --- */

/* One multiplexed frame of the logs endpoint (kind 1 stdout, 2 stderr),
 * kept in a pool the pieces point into until the test ends. */
static char pool[16384];
static size_t pool_used;

static struct fake_piece frame(int kind, const char *text, int delay_ms)
{
  size_t n = strlen(text);
  char *p = pool + pool_used;
  p[0] = (char)kind;
  p[1] = p[2] = p[3] = 0;
  p[4] = (char)(n >> 24);
  p[5] = (char)(n >> 16);
  p[6] = (char)(n >> 8);
  p[7] = (char)n;
  memcpy(p + 8, text, n);
  pool_used += 8 + n;
  struct fake_piece pc = {p, 8 + n, delay_ms};
  return pc;
}

static void stream_rule_opens(const char *pattern,
                              const struct fake_piece *pieces, size_t n,
                              enum fake_end end, int times, const char *gate,
                              const char *opens)
{
  struct fake_rule r = {.method = "GET",
                        .pattern = pattern,
                        .times = times,
                        .type = "application/vnd.docker.raw-stream",
                        .stream = 1,
                        .pieces = pieces,
                        .npieces = n,
                        .end = end,
                        .gate = gate,
                        .opens = opens};
  fake_engine_add(fe, &r);
}

static void stream_rule(const char *pattern, const struct fake_piece *pieces,
                        size_t n, enum fake_end end, int times,
                        const char *gate)
{
  stream_rule_opens(pattern, pieces, n, end, times, gate, NULL);
}

/* --- running the loop as a command does, with a bound --- */

static int timed_out;

static void on_deadline(uv_timer_t *t)
{
  (void)t;
  timed_out = 1;
}

/* Run the loop while cond(arg) holds, at most ms. 1 when it stopped
 * holding in time. */
static int run_while(int (*cond)(void *), void *arg, int ms)
{
  uv_timer_t t;
  uv_timer_init(&loop, &t);
  timed_out = 0;
  uv_timer_start(&t, on_deadline, (uint64_t)ms, 0);
  while (cond(arg) && !timed_out)
    uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);
  return !timed_out;
}

static int active(void *arg)
{
  return logs_active(arg) > 0;
}

/* The follower ends as a command ends it: cancel, drain, release. */
static void finish(struct logs *l)
{
  logs_cancel(l);
  run_while(active, l, 5000);
  logs_release(l);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static void begin(void)
{
  pool_used = 0;
  fake_engine_clear(fe);
  fake_engine_log_clear(fe);
  struct err e = ERR_INIT;
  if (fake_engine_client(fe, &loop, "1.41", &engine, &e)) {
    printf("Bail out! no client: %s\n", e.text ? e.text : "");
    exit(1);
  }
}

static void end(void)
{
  engine_free(engine);
  uv_run(&loop, UV_RUN_DEFAULT);
  engine = NULL;
}

#define T(s) "2024-05-01T10:00:0" s "Z "

/* --- the cases --- */

/* up: two containers, their frames (one split over two pieces, one line
 * over two frames, stdout and stderr) into prefixed lines, then the exit
 * lines and codes. */
static void test_fan_in(void)
{
  begin();
  struct fake_piece a[] = {
      frame(1, T("0.1") "web one\n", 0),
      frame(2, T("0.2") "web on stderr\n", 0),
      frame(1, T("0.3") "web two, ", 150),
      frame(1, "in two frames\n", 0),
  };
  /* a frame whose header comes before its payload */
  struct fake_piece whole = frame(1, T("0.4") "web three\n", 0);
  struct fake_piece split[] = {{whole.data, 8, 100},
                               {whole.data + 8, whole.len - 8, 100}};
  struct fake_piece all[6];
  memcpy(all, a, sizeof(a));
  memcpy(all + 4, split, sizeof(split));
  /* each stream's answer waits for the other's request: both are open at
   * once however the machine schedules them */
  stream_rule_opens("/containers/a1/logs", all, 6, FAKE_END_DONE, 1, "b-asked",
                    "a-asked");
  struct fake_piece b[] = {frame(1, T("0.1") "db up\n", 50),
                           frame(1, T("0.5") "db ready\n", 50)};
  stream_rule_opens("/containers/b1/logs", b, 2, FAKE_END_DONE, 1, "a-asked",
                    "b-asked");
  fake_engine_reply(fe, "POST", "/containers/a1/wait", 200,
                    "{\"StatusCode\":0}");
  fake_engine_reply(fe, "POST", "/containers/b1/wait", 200,
                    "{\"StatusCode\":2}");
  fake_engine_reply(
      fe, "GET", "/containers/*/json", 200,
      "{\"Id\":\"c1\",\"State\":{\"Running\":false,\"Restarting\":false}}");

  struct seen s;
  seen_init(&s);
  struct logs l;
  logs_init(&l, &loop, engine, s.out, LOGS_NO_COLOR, on_exit_cb, &s);
  logs_add(&l, "a1", "p-web-1", "web", 1, 0, NULL, NULL);
  logs_add(&l, "b1", "p-db-1", "db", 1, 0, NULL, NULL);
  is_int(logs_active(&l), 2, "two containers followed");
  ok(run_while(active, &l, 10000), "both done");
  is_str(lines_of(&s, "web-1  | "),
         "web one\nweb on stderr\nweb two, in two frames\nweb three",
         "web's lines, prefixed and aligned, timestamps gone, whole");
  is_str(lines_of(&s, "db-1   | "), "db up\ndb ready", "db's lines");
  is_str(lines_of(&s, "web-1 exited"), " with code 0", "web's exit line");
  is_str(lines_of(&s, "db-1 exited"), " with code 2", "db's exit line");
  const char *dbexit = strstr(s.text, "db-1 exited");
  const char *dblast = strstr(s.text, "db ready");
  ok(dbexit && dblast && dbexit > dblast, "an exit line after the output");
  ok(strstr(s.exited, "p-web-1=0 ") && strstr(s.exited, "p-db-1=2 "),
     "on_exit with each code (%s)", s.exited);
  is_int(s.exits, 2, "once each");
  struct fake_request ra, rb;
  fake_engine_get(fe, fake_engine_find(fe, "GET", "/containers/a1/logs", 0),
                  &ra);
  fake_engine_get(fe, fake_engine_find(fe, "GET", "/containers/b1/logs", 0),
                  &rb);
  is_int((int)fake_engine_count(fe, "GET", "/containers/*/logs"), 2,
         "one stream per container");
  ok(strstr(ra.path, "follow=1") && strstr(ra.path, "timestamps=1"),
     "followed, with timestamps (%s)", ra.path);
  fake_request_release(&ra);
  fake_request_release(&rb);
  is_int(fake_engine_count(fe, "POST", "/containers/*/wait"), 2,
         "one wait each");
  is_int(fake_engine_unmatched(fe), 0, "nothing unscripted asked");
  finish(&l);
  seen_release(&s);
  end();
}

/* A stream cut inside a frame: that container ends with a message naming
 * it; the other one, whose answer waits for that error, goes on. */
static void test_cut(void)
{
  begin();
  struct fake_piece good = frame(1, T("0.1") "before the cut\n", 0);
  struct fake_piece half = frame(1, T("0.2") "never whole\n", 0);
  struct fake_piece a[] = {good, {half.data, 12, 0}};
  stream_rule("/containers/a1/logs", a, 2, FAKE_END_DONE, 1, NULL);
  struct fake_piece b[] = {frame(1, T("0.3") "still here\n", 0),
                           frame(1, T("0.4") "and on\n", 0)};
  stream_rule("/containers/b1/logs", b, 2, FAKE_END_DONE, 1, "after-cut");

  struct seen s;
  seen_init(&s);
  s.opens = "after-cut";
  struct logs_options o = {.flags = LOGS_NO_COLOR | LOGS_NO_WAIT,
                           .on_exit = on_exit_cb,
                           .on_error = on_error_cb,
                           .data = &s};
  struct logs l;
  logs_init_opts(&l, &loop, engine, s.out, &o);
  logs_add(&l, "a1", "p-web-1", "web", 1, 0, NULL, NULL);
  logs_add(&l, "b1", "p-db-1", "db", 1, 0, NULL, NULL);
  ok(run_while(active, &l, 10000), "both done");
  is_int(s.errors, 1, "one error");
  is_str(s.err_name, "p-web-1", "about the cut container");
  ok(strstr(s.error, "no more output from 'p-web-1'") &&
         strstr(s.error, "inside a frame"),
     "a clear message: %s", s.error);
  ok(strchr(s.error, '\n') == s.error + strlen(s.error) - 1, "one line");
  is_str(lines_of(&s, "web-1  | "), "before the cut",
         "what came before the cut is shown");
  is_str(lines_of(&s, "db-1   | "), "still here\nand on",
         "the other container goes on after it");
  ok(strstr(s.exited, "p-web-1=-1 ") && strstr(s.exited, "p-db-1=-1 "),
     "both reported done (%s)", s.exited);
  finish(&l);
  seen_release(&s);
  end();
}

/* up: a container its restart policy brings back is followed again, from
 * just after the last line shown; each run's exit is printed. */
static void test_restart(void)
{
  begin();
  struct fake_piece run1[] = {frame(1, T("1.5") "run\n", 0)};
  stream_rule("/containers/r1/logs", run1, 1, FAKE_END_DONE, 1, NULL);
  struct fake_piece run2[] = {frame(1, T("4.5") "run again\n", 0)};
  /* 10:00:01.5 UTC, plus one nanosecond */
  stream_rule("/containers/r1/logs?*since=1714557601.500000001*", run2, 1,
              FAKE_END_DONE, 1, NULL);
  struct fake_rule w = {.method = "POST",
                        .pattern = "/containers/r1/wait",
                        .times = 2,
                        .body = "{\"StatusCode\":1}"};
  fake_engine_add(fe, &w);
  struct fake_rule first_run = {
      .method = "GET",
      .pattern = "/containers/r1/json",
      .times = 1,
      .body = "{\"Id\":\"c1\",\"State\":{\"Running\":true,\"Restarting\":false,"
              "\"StartedAt\":\"2024-05-01T10:00:01Z\"}}"};
  fake_engine_add(fe, &first_run);
  struct fake_rule backoff = {
      .method = "GET",
      .pattern = "/containers/r1/json",
      .times = 1,
      .body = "{\"Id\":\"c1\",\"State\":{\"Running\":true,\"Restarting\":true,"
              "\"StartedAt\":\"2024-05-01T10:00:01Z\","
              "\"FinishedAt\":\"2024-05-01T10:00:02Z\"}}"};
  fake_engine_add(fe, &backoff);
  struct fake_rule again = {
      .method = "GET",
      .pattern = "/containers/r1/json",
      .times = 1,
      .body = "{\"Id\":\"c1\",\"State\":{\"Running\":true,\"Restarting\":false,"
              "\"StartedAt\":\"2024-05-01T10:00:03Z\","
              "\"FinishedAt\":\"2024-05-01T10:00:02Z\"}}"};
  fake_engine_add(fe, &again);
  fake_engine_reply(
      fe, "GET", "/containers/r1/json", 200,
      "{\"Id\":\"c1\",\"State\":{\"Running\":false,\"Restarting\":false,"
      "\"StartedAt\":\"2024-05-01T10:00:03Z\","
      "\"FinishedAt\":\"2024-05-01T10:00:05Z\"}}");

  struct seen s;
  seen_init(&s);
  struct logs l;
  logs_init(&l, &loop, engine, s.out, LOGS_NO_COLOR, on_exit_cb, &s);
  logs_add(&l, "r1", "p-flaky-1", "flaky", 1, 0, NULL, NULL);
  ok(run_while(active, &l, 10000), "done after the second run");
  is_str(lines_of(&s, "flaky-1"),
         "  | run\n exited with code 1\n  | run again\n exited with code 1",
         "each run's output and exit, in order");
  is_int(fake_engine_count(fe, "GET", "/containers/r1/logs"), 2,
         "followed twice");
  is_int(fake_engine_count(fe, "GET", "/containers/r1/logs?*since=*"), 1,
         "the second time from the last line on");
  is_int(fake_engine_count(fe, "GET", "/containers/r1/json"), 4,
         "looked at before, after each exit, and again in the back-off");
  is_int(l.head->restarts, 1, "one restart");
  is_int(s.exits, 1, "done once, at the end");
  is_int(s.last_code, 1, "with the last code");
  is_int(fake_engine_unmatched(fe), 0, "nothing unscripted asked");
  finish(&l);
  seen_release(&s);
  end();
}

/* up: the next run began and ended before the first look after the
 * followed one's exit (FinishedAt is then the later run's): the run is
 * still followed, because the look compares with when the followed run
 * began. */
static void test_run_missed(void)
{
  begin();
  struct fake_rule before = {.method = "GET",
                             .pattern = "/containers/r2/json",
                             .times = 1,
                             .body =
                                 "{\"Id\":\"c1\",\"State\":{\"Running\":true,"
                                 "\"StartedAt\":\"2024-05-01T10:00:01Z\"}}"};
  fake_engine_add(fe, &before);
  fake_engine_reply(
      fe, "GET", "/containers/r2/json", 200,
      "{\"Id\":\"c1\",\"State\":{\"Running\":false,\"Restarting\":false,"
      "\"StartedAt\":\"2024-05-01T10:00:03Z\","
      "\"FinishedAt\":\"2024-05-01T10:00:04Z\"}}");
  struct fake_piece run1[] = {frame(1, T("2") "one\n", 0)};
  stream_rule("/containers/r2/logs", run1, 1, FAKE_END_DONE, 1, NULL);
  struct fake_piece run2[] = {frame(1, T("3.5") "two\n", 0)};
  stream_rule("/containers/r2/logs?*since=1714557602.000000001*", run2, 1,
              FAKE_END_DONE, 1, NULL);
  fake_engine_reply(fe, "POST", "/containers/r2/wait", 200,
                    "{\"StatusCode\":1}");

  struct seen s;
  seen_init(&s);
  struct logs l;
  logs_init(&l, &loop, engine, s.out, LOGS_NO_COLOR, on_exit_cb, &s);
  logs_add(&l, "r2", "p-flaky-1", "flaky", 1, 0, NULL, NULL);
  ok(run_while(active, &l, 10000), "done");
  is_str(lines_of(&s, "flaky-1"),
         "  | one\n exited with code 1\n  | two\n exited with code 1",
         "both runs' output and exits");
  is_int(fake_engine_count(fe, "GET", "/containers/r2/logs"), 2,
         "followed twice");
  is_int(fake_engine_unmatched(fe), 0, "nothing unscripted asked");
  finish(&l);
  seen_release(&s);
  end();
}

/* up: a container the kernel's OOM killer ended (State.OOMKilled, seen
 * by the inspect after its exit) has that said on its exit line. */
static void test_oom(void)
{
  begin();
  struct fake_rule before = {.method = "GET",
                             .pattern = "/containers/m1/json",
                             .times = 1,
                             .body =
                                 "{\"Id\":\"m1\",\"State\":{\"Running\":true,"
                                 "\"StartedAt\":\"2024-05-01T10:00:01Z\"}}"};
  fake_engine_add(fe, &before);
  fake_engine_reply(
      fe, "GET", "/containers/m1/json", 200,
      "{\"Id\":\"m1\",\"State\":{\"Running\":false,\"OOMKilled\":true,"
      "\"ExitCode\":137,\"StartedAt\":\"2024-05-01T10:00:01Z\","
      "\"FinishedAt\":\"2024-05-01T10:00:04Z\"}}");
  struct fake_piece run1[] = {frame(1, T("2") "filling\n", 0)};
  stream_rule("/containers/m1/logs", run1, 1, FAKE_END_DONE, 1, NULL);
  fake_engine_reply(fe, "POST", "/containers/m1/wait", 200,
                    "{\"StatusCode\":137}");
  struct seen s;
  seen_init(&s);
  struct logs l;
  logs_init(&l, &loop, engine, s.out, LOGS_NO_COLOR, on_exit_cb, &s);
  logs_add(&l, "m1", "p-hog-1", "hog", 1, 0, NULL, NULL);
  ok(run_while(active, &l, 10000), "done");
  is_str(lines_of(&s, "hog-1"),
         "  | filling\n exited with code 137 (out of memory)",
         "an OOM kill is named on the exit line");
  is_int(fake_engine_count(fe, "GET", "/containers/m1/json"), 2,
         "inspected before following and after the exit");
  is_int(fake_engine_unmatched(fe), 0, "nothing unscripted asked");
  finish(&l);
  seen_release(&s);
  end();
}

static const char start_event[] =
    "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"%s\","
    "\"Attributes\":{\"name\":\"%s\",\"" LABELS_PROJECT
    "\":\"p\",\"" LABELS_SERVICE "\":\"%s\",\"" LABELS_NUMBER
    "\":\"%d\",\"" LABELS_ONEOFF "\":\"%s\"}},"
    "\"time\":%lld,\"timeNano\":%lld000000000}\n";

static char events_buf[2048];
#define T0 1714557610LL /* 2024-05-01T10:00:10Z */

static const char *awaited; /* the text no_text waits for */

static int no_text(void *arg)
{
  struct seen *s = arg;
  fflush(s->out);
  return !s->text || !strstr(s->text, awaited);
}

/* A container that starts while following: announced by /events, it is
 * inspected and followed; a one-off and an unwanted service are not. */
static void test_follow_new(void)
{
  begin();
  size_t n = 0;
  n += (size_t)snprintf(events_buf + n, sizeof(events_buf) - n, start_event,
                        "o1", "p-web-run-1", "web", 1, "True", T0, T0);
  n += (size_t)snprintf(events_buf + n, sizeof(events_buf) - n, start_event,
                        "d2", "p-db-2", "db", 2, "False", T0, T0);
  n += (size_t)snprintf(events_buf + n, sizeof(events_buf) - n, start_event,
                        "n2", "p-web-2", "web", 2, "False", T0, T0);
  struct fake_piece ev[] = {{events_buf, n, 0}};
  struct fake_rule events = {.method = "GET",
                             .pattern = "/events",
                             .stream = 1,
                             .pieces = ev,
                             .npieces = 1,
                             .end = FAKE_END_HOLD};
  fake_engine_add(fe, &events);
  fake_engine_reply(fe, "GET", "/containers/n2/json", 200,
                    "{\"Id\":\"n2\",\"Config\":{\"Tty\":false}}");
  struct fake_piece out[] = {frame(1, T("9") "hello\n", 0)};
  stream_rule("/containers/n2/logs", out, 1, FAKE_END_HOLD, 1, NULL);

  struct seen s;
  seen_init(&s);
  struct logs_options o = {.flags = LOGS_NO_COLOR | LOGS_NO_WAIT,
                           .on_exit = on_exit_cb,
                           .on_error = on_error_cb,
                           .data = &s};
  struct logs l;
  logs_init_opts(&l, &loop, engine, s.out, &o);
  struct err e = ERR_INIT;
  is_int(logs_follow_new(&l, "p", "1714557600", want_web, &e), 0,
         "following new containers");
  awaited = "web-2  | hello";
  ok(run_while(no_text, &s, 10000), "the new container's line arrives");
  is_str(lines_of(&s, "web-2  | "), "hello", "prefixed with its replica");
  is_int(logs_active(&l), 1, "and it is followed");
  is_int(s.want_calls, 2, "want asked for the two non-one-offs");
  is_int(fake_engine_count(fe, "GET", "/containers/n2/json"), 1,
         "inspected for its TTY");
  is_int(fake_engine_count(fe, "GET", "/containers/o1/*"), 0,
         "the one-off is left alone");
  is_int(fake_engine_count(fe, "GET", "/containers/d2/*"), 0,
         "so is the service not wanted");
  struct fake_request r;
  fake_engine_get(fe, fake_engine_find(fe, "GET", "/events", 0), &r);
  ok(strstr(r.path, "since=1714557600") != NULL, "events since the listing");
  ok(strstr(r.path, "com.docker.compose.project%3Dp") != NULL,
     "filtered by the project's label (%s)", r.path);
  fake_request_release(&r);
  /* released with both streams still open: they end by themselves */
  logs_cancel(&l);
  ok(run_while(active, &l, 5000), "cancel ends the follow");
  is_int(s.errors, 0, "canceling is no error");
  logs_release(&l);
  uv_run(&loop, UV_RUN_DEFAULT);
  seen_release(&s);
  end();
}

/* logs -f: a container followed before, whose stream ended, starts
 * again; its start event brings it back, from the last line shown. A
 * start event older than what was shown (the events stream begins before
 * the listing) changes nothing. */
static void test_restart_event(void)
{
  begin();
  struct fake_piece first[] = {frame(1, T("1") "first run\n", 0)};
  stream_rule("/containers/k1/logs", first, 1, FAKE_END_DONE, 1, NULL);
  struct fake_piece second[] = {frame(1, T("7") "second run\n", 0)};
  stream_rule("/containers/k1/logs?*since=1714557601.000000001*", second, 1,
              FAKE_END_HOLD, 1, NULL);
  long long later = 4102444800LL; /* 2100: after this test runs */
  size_t n = 0;
  n += (size_t)snprintf(events_buf + n, sizeof(events_buf) - n, start_event,
                        "k1", "p-web-1", "web", 1, "False", T0, T0);
  n += (size_t)snprintf(events_buf + n, sizeof(events_buf) - n, start_event,
                        "k1", "p-web-1", "web", 1, "False", later, later);
  struct fake_piece ev[] = {{events_buf, n, 0}};
  /* the events answer waits until the first run is over */
  struct fake_rule events = {.method = "GET",
                             .pattern = "/events",
                             .gate = "k1-done",
                             .stream = 1,
                             .pieces = ev,
                             .npieces = 1,
                             .end = FAKE_END_HOLD};
  fake_engine_add(fe, &events);

  struct seen s;
  seen_init(&s);
  s.exit_opens = "k1-done";
  struct logs_options o = {.flags = LOGS_NO_COLOR | LOGS_NO_WAIT,
                           .on_exit = on_exit_cb,
                           .on_error = on_error_cb,
                           .data = &s};
  struct logs l;
  logs_init_opts(&l, &loop, engine, s.out, &o);
  logs_add(&l, "k1", "p-web-1", "web", 1, 0, NULL, NULL);
  struct err e = ERR_INIT;
  is_int(logs_follow_new(&l, "p", NULL, NULL, &e), 0, "following new ones");
  awaited = "second run";
  ok(run_while(no_text, &s, 10000), "the second run is followed");
  is_str(lines_of(&s, "web-1  | "), "first run\nsecond run",
         "each run once, in order");
  is_int(s.exits, 1, "done once in between");
  is_int(logs_active(&l), 1, "followed again");
  is_int(fake_engine_count(fe, "GET", "/containers/k1/logs"), 2,
         "two streams: the old start event was left alone");
  is_int(l.head->restarts, 1, "one restart");
  finish(&l);
  is_int(s.errors, 0, "no error");
  seen_release(&s);
  end();
}

/* `logs --tail --since --until` without -f: the query reaches the
 * engine, a container of unknown TTY is inspected first, timestamps are
 * shown when asked, and no wait, no exit line. */
static void test_query_no_wait(void)
{
  begin();
  fake_engine_reply(fe, "GET", "/containers/q1/json", 200,
                    "{\"Config\":{\"Tty\":false}}");
  struct fake_piece q[] = {frame(1, T("1") "last line\n", 0)};
  stream_rule("/containers/q1/logs", q, 1, FAKE_END_DONE, 1, NULL);

  struct seen s;
  seen_init(&s);
  struct logs_options o = {.flags = LOGS_NO_COLOR | LOGS_NO_WAIT |
                                    LOGS_NO_FOLLOW | LOGS_TIMESTAMPS,
                           .tail = "5",
                           .since = "42m",
                           .until = "2024-05-01T11:00:00Z",
                           .on_exit = on_exit_cb,
                           .on_error = on_error_cb,
                           .data = &s};
  struct logs l;
  logs_init_opts(&l, &loop, engine, s.out, &o);
  logs_add(&l, "q1", "p-web-1", "web", 1, -1, NULL, NULL);
  ok(run_while(active, &l, 10000), "done when the output ends");
  struct fake_request r;
  fake_engine_get(fe, fake_engine_find(fe, "GET", "/containers/q1/logs", 0),
                  &r);
  ok(r.path && strstr(r.path, "tail=5"), "tail passed (%s)", r.path);
  ok(r.path && strstr(r.path, "since=42m"), "since passed");
  ok(r.path && strstr(r.path, "until=2024-05-01T11%3A00%3A00Z"),
     "until passed");
  ok(r.path && !strstr(r.path, "follow="), "not followed");
  fake_request_release(&r);
  ok(fake_engine_find(fe, "GET", "/containers/q1/json", 0) <
         fake_engine_find(fe, "GET", "/containers/q1/logs", 0),
     "inspected before its stream");
  is_str(s.text, "web-1  | 2024-05-01T10:00:01Z last line\n",
         "the line with its timestamp, and no exit line");
  is_int(fake_engine_count(fe, "POST", "/containers/*/wait"), 0, "no wait");
  is_int(s.last_code, -1, "done with an unknown code");
  finish(&l);
  seen_release(&s);

  /* neither -f nor -t: the stream without timestamps (cheaper for the
   * engine), so a line that begins like one is the container's own */
  fake_engine_log_clear(fe);
  struct fake_piece n[] = {frame(1, "2024-05-01T10:00:02Z is my text\n", 0)};
  stream_rule("/containers/n1/logs", n, 1, FAKE_END_DONE, 1, NULL);
  seen_init(&s);
  o.flags = LOGS_NO_COLOR | LOGS_NO_WAIT | LOGS_NO_FOLLOW;
  o.tail = o.since = o.until = NULL;
  o.data = &s;
  logs_init_opts(&l, &loop, engine, s.out, &o);
  logs_add(&l, "n1", "p-web-1", "web", 1, 0, NULL, NULL);
  ok(run_while(active, &l, 10000), "plain: done when the output ends");
  fake_engine_get(fe, fake_engine_find(fe, "GET", "/containers/n1/logs", 0),
                  &r);
  ok(r.path && !strstr(r.path, "timestamps=1"),
     "plain: no timestamps asked (%s)", r.path);
  fake_request_release(&r);
  is_str(s.text, "web-1  | 2024-05-01T10:00:02Z is my text\n",
         "plain: the line as the container wrote it");
  finish(&l);
  seen_release(&s);

  /* followed without waits: still no exit line when the stream ends */
  fake_engine_log_clear(fe);
  struct fake_piece f[] = {frame(1, T("2") "bye\n", 0)};
  stream_rule("/containers/f1/logs", f, 1, FAKE_END_DONE, 1, NULL);
  seen_init(&s);
  o.flags = LOGS_NO_COLOR | LOGS_NO_WAIT;
  o.tail = o.since = o.until = NULL;
  o.data = &s;
  logs_init_opts(&l, &loop, engine, s.out, &o);
  logs_add(&l, "f1", "p-web-1", "web", 1, 0, NULL, NULL);
  ok(run_while(active, &l, 10000), "-f: done when the stream ends");
  is_str(s.text, "web-1  | bye\n", "-f: no exit line");
  is_int(fake_engine_count(fe, "POST", "/containers/*/wait"), 0, "-f: no wait");
  finish(&l);
  seen_release(&s);
  end();
}

/* logs -f (LOGS_EXIT_LINES): a container seen running whose stream
 * ended is inspected, and its exit line printed (OOM named); one stopped
 * before it was followed gets no exit line. */
static void test_follow_exit_lines(void)
{
  begin();
  struct fake_rule before = {.method = "GET",
                             .pattern = "/containers/x1/json",
                             .times = 1,
                             .body = "{\"Id\":\"x1\",\"State\":{\"Running\":"
                                     "true}}"};
  fake_engine_add(fe, &before);
  fake_engine_reply(fe, "GET", "/containers/x1/json", 200,
                    "{\"Id\":\"x1\",\"State\":{\"Running\":false,"
                    "\"OOMKilled\":true,\"ExitCode\":137}}");
  fake_engine_reply(fe, "GET", "/containers/x2/json", 200,
                    "{\"Id\":\"x2\",\"State\":{\"Running\":false,"
                    "\"ExitCode\":4}}");
  struct fake_piece a[] = {frame(1, T("1") "eating\n", 0)};
  stream_rule("/containers/x1/logs", a, 1, FAKE_END_DONE, 1, NULL);
  struct fake_piece b[] = {frame(1, T("1") "old\n", 0)};
  stream_rule("/containers/x2/logs", b, 1, FAKE_END_DONE, 1, NULL);
  struct seen s;
  seen_init(&s);
  struct logs_options o = {.flags =
                               LOGS_NO_COLOR | LOGS_NO_WAIT | LOGS_EXIT_LINES,
                           .on_exit = on_exit_cb,
                           .data = &s};
  struct logs l;
  logs_init_opts(&l, &loop, engine, s.out, &o);
  logs_add(&l, "x1", "p-hog-1", "hog", 1, -1, NULL, NULL);
  logs_add(&l, "x2", "p-old-1", "old", 1, -1, NULL, NULL);
  ok(run_while(active, &l, 10000), "-f: done when the streams end");
  is_str(lines_of(&s, "hog-1"),
         "  | eating\n exited with code 137 (out of memory)",
         "-f: the exit line of a container that stopped, OOM named");
  is_str(lines_of(&s, "old-1"), "  | old",
         "-f: no exit line for one stopped before");
  is_int(fake_engine_count(fe, "GET", "/containers/x1/json"), 2,
         "-f: inspected before and after");
  is_int(fake_engine_count(fe, "GET", "/containers/x2/json"), 1,
         "-f: the stopped one only before");
  is_int(fake_engine_count(fe, "POST", "/containers/*/wait"), 0, "-f: no wait");
  is_int(fake_engine_unmatched(fe), 0, "nothing unscripted asked");
  finish(&l);
  seen_release(&s);
  end();
}

/* Released in the middle of everything: the calls in flight end after
 * (engine_free cancels them) and free what is left; ASan watches. */
static void test_release_in_flight(void)
{
  begin();
  struct fake_piece h[] = {frame(1, T("1") "held\n", 0)};
  stream_rule("/containers/h1/logs", h, 1, FAKE_END_HOLD, 1, NULL);
  fake_engine_reply(fe, "GET", "/containers/h1/json", 200,
                    "{\"Id\":\"c1\",\"State\":{\"Running\":true}}");
  struct fake_rule w = {.method = "POST",
                        .pattern = "/containers/h1/wait",
                        .end = FAKE_END_HOLD,
                        .stream = 1};
  fake_engine_add(fe, &w);
  struct seen s;
  seen_init(&s);
  struct logs l;
  logs_init(&l, &loop, engine, s.out, LOGS_NO_COLOR, on_exit_cb, &s);
  logs_add(&l, "h1", "p-web-1", "web", 1, 0, NULL, NULL);
  logs_add(&l, "h1", "p-web-1", "web", 1, 0, NULL, NULL);
  is_int(logs_active(&l), 1, "adding a followed container again: no-op");
  awaited = "web-1  | held\n";
  ok(run_while(no_text, &s, 10000), "its line arrives");
  is_int(logs_active(&l), 1, "still followed (stream and wait held)");
  logs_release(&l);
  uv_run(&loop, UV_RUN_NOWAIT);
  end();
  is_int(s.exits, 0, "no exit reported after release");
  seen_release(&s);
}

int main(void)
{
  uv_loop_init(&loop);
  fe = fake_engine_start();
  test_fan_in();
  test_cut();
  test_restart();
  test_run_missed();
  test_oom();
  test_follow_new();
  test_restart_event();
  test_query_no_wait();
  test_follow_exit_lines();
  test_release_in_flight();
  fake_engine_stop(fe);
  uv_loop_close(&loop);
  return tap_done();
}
