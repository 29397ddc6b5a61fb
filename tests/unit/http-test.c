/* The HTTP layer and the API calls against the scripted engine of
 * tests/lib/fake-engine.h: faults the engine does not produce on
 * demand, each of which must end its request with a clear error and exactly
 * one callback; version negotiation; cancellation; DOCKER_HOST parsing. */
#include "tap.h"
#include "../lib/fake-engine.h"
#include "engine/api.h"
#include "engine/dockerhost.h"
#include "engine/http.h"
#include "util/buf.h"
#include "util/err.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- the script of the fake engine --- */

static struct fake_engine *fe;

static const struct fake_piece build_error[] = {
    {"{\"stream\":\"Step 1/2 : FROM scratch\\n\"}\r\n"},
    {"{\"errorDetail\":{\"message\":\"boom: no space left on device\"},"
     "\"error\":\"boom: no space left on device\"}\r\n"}};
static const struct fake_piece drop[] = {
    {"{\"stream\":\"Step 1/2 : FROM scratch\\n\"}\r\n"}};
static const struct fake_piece bad_frame[] = {{"\x01\0\0\0\0\0\0\x03"
                                               "ok\n",
                                               11},
                                              {"\x09\0\0\0\0\0\0\x02hi", 10}};
static const struct fake_piece huge_frame[] = {{"\x01\0\0\0\x7f\xff\xff\xff"
                                                "abc",
                                                11}};
static const struct fake_piece follow[] = {{"\x02\0\0\0\0\0\0\x05"
                                            "hello",
                                            13}};
/* an event split in the middle of an object */
static const struct fake_piece events[] = {
    {"{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":"
     "{\"ID\":\"abc\",\"Attributes\":{\"name\":\"x\"}},"
     "\"time\":1}\n{\"Type\":\"net"},
    {"work\",\"Action\":\"create\",\"Actor\":{\"ID\":\"n1\"}}\n"}};

#define RAW "application/vnd.docker.raw-stream"

/* Each named answer; the name is also the path it answers by default. */
static const struct {
  const char *name;
  struct fake_rule r;
} answers[] = {
    {"/ok-json", {.body = "{\"Version\":\"fake\"}"}},
    {"/version", {.body = "{\"Version\":\"fake\"}"}},
    {"/build-error", {.pieces = build_error, .npieces = 2}},
    {"/drop", {.pieces = drop, .npieces = 1, .end = FAKE_END_CUT}},
    {"/bad-frame", {.type = RAW, .pieces = bad_frame, .npieces = 2}},
    {"/huge-frame",
     {.type = RAW, .pieces = huge_frame, .npieces = 1, .end = FAKE_END_HOLD}},
    {"/text-error",
     {.status = 500,
      .type = "text/plain",
      .body = "internal failure\nin the engine\n"}},
    {"/empty-409", {.status = 409}},
    {"/containers/*",
     {.status = 404, .body = "{\"message\":\"No such container: nope\"}"}},
    {"/follow",
     {.type = RAW, .pieces = follow, .npieces = 1, .end = FAKE_END_HOLD}},
    {"/upload", {.body = "{\"received\":true}"}},
    {"/events", {.pieces = events, .npieces = 2}},
};

/* The script: with a scenario, every request gets that answer; else each
 * path its own. */
static void set_scenario(const char *name)
{
  fake_engine_clear(fe);
  for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
    struct fake_rule r = answers[i].r;
    if (*name && strcmp(answers[i].name + 1, name))
      continue;
    r.pattern = *name ? "*" : answers[i].name;
    fake_engine_add(fe, &r);
  }
}

/* The target of the last request, as sent. */
static void last_is(const char *want, const char *what)
{
  struct fake_request q;
  fake_engine_get(fe, -1, &q);
  is_str(q.target, want, "%s", what);
  fake_request_release(&q);
}

/* --- the client side --- */

static uv_loop_t loop;
static struct http_client *client;

struct outcome {
  int calls;
  int rc;
  long status;
  char msg[1024];
  struct buf body;
  struct buf data;
  struct http_req *req; /* to cancel from the data callback */
  int cancel_after;     /* cancel once this many bytes arrived */
  int data_rc;          /* returned by the data callback */
};

static void on_done(void *ctx, int rc, struct http_resp *resp)
{
  struct outcome *o = ctx;
  o->calls++;
  o->rc = rc;
  o->status = resp->status;
  snprintf(o->msg, sizeof(o->msg), "%s", resp->err.text ? resp->err.text : "");
  size_t n = strlen(o->msg);
  if (n && o->msg[n - 1] == '\n')
    o->msg[n - 1] = '\0';
  if (resp->body.len)
    buf_add(&o->body, resp->body.data, resp->body.len);
}

static int on_data(void *ctx, const char *p, size_t n, struct err *err)
{
  struct outcome *o = ctx;
  buf_add(&o->data, p, n);
  if (o->data_rc)
    return err_set(err, o->data_rc, "the consumer refused the data");
  if (o->cancel_after && o->data.len >= (size_t)o->cancel_after)
    http_req_cancel(o->req);
  return 0;
}

static void outcome_release(struct outcome *o)
{
  buf_release(&o->body);
  buf_release(&o->data);
}

static void get(const char *path, struct outcome *o, int stream)
{
  memset(o, 0, sizeof(*o));
  struct http_req *r = http_req_new(client, "GET", path);
  if (stream)
    http_req_on_data(r, on_data, o);
  o->req = r;
  struct err err = ERR_INIT;
  if (http_req_send(r, on_done, o, &err))
    o->rc = 999;
  err_release(&err);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static void test_http_faults(void)
{
  struct outcome o;

  get("/ok-json", &o, 0);
  ok(o.calls == 1 && o.rc == 0 && o.status == 200, "buffered 200");
  is_str(o.body.data, "{\"Version\":\"fake\"}", "buffered body");
  outcome_release(&o);

  get("/containers/nope/json", &o, 0);
  ok(o.calls == 1 && o.rc == ERR_NOTFOUND && o.status == 404,
     "404 is ERR_NOTFOUND");
  is_str(o.msg, "No such container: nope (engine: 404)",
         "engine message verbatim with the status");
  outcome_release(&o);

  get("/text-error", &o, 0);
  ok(o.calls == 1 && o.rc == ERR_ENGINE && o.status == 500,
     "non-JSON error body: one callback, ERR_ENGINE");
  is_str(o.msg, "internal failure in the engine (engine: 500)",
         "non-JSON error body quoted on one line");
  outcome_release(&o);

  get("/text-error", &o, 1);
  ok(o.calls == 1 && o.rc == ERR_ENGINE && !o.data.len,
     "error body of a stream does not reach the data callback");
  outcome_release(&o);

  get("/empty-409", &o, 0);
  ok(o.calls == 1 && o.rc == ERR_CONFLICT, "409 without body");
  is_str(o.msg, "the engine answered 409 with no message", "its message");
  outcome_release(&o);

  get("/drop", &o, 1);
  ok(o.calls == 1 && o.rc == ERR_IO,
     "dropped connection mid-stream: ERR_IO "
     "(%s)",
     err_name(o.rc));
  ok(strstr(o.msg, "broke mid-answer") != NULL, "drop message: %s", o.msg);
  ok(o.data.len > 0, "data before the drop was delivered");
  outcome_release(&o);

  /* A stream that never ends, canceled from its data callback. */
  memset(&o, 0, sizeof(o));
  o.cancel_after = 1;
  struct http_req *r = http_req_new(client, "GET", "/follow");
  http_req_on_data(r, on_data, &o);
  o.req = r;
  is_int(http_req_send(r, on_done, &o, NULL), 0, "follow sent");
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(o.calls == 1 && o.rc == ERR_CANCELED, "cancel from the data callback: "
                                           "one callback, ERR_CANCELED");
  outcome_release(&o);

  /* Cancel right after sending, before anything happened. */
  memset(&o, 0, sizeof(o));
  r = http_req_new(client, "GET", "/follow");
  http_req_on_data(r, on_data, &o);
  http_req_send(r, on_done, &o, NULL);
  http_req_cancel(r);
  http_req_cancel(r);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(o.calls == 1 && o.rc == ERR_CANCELED, "cancel before start");
  outcome_release(&o);

  /* The data callback refuses: its code ends the request. */
  memset(&o, 0, sizeof(o));
  o.data_rc = ERR_PROTO;
  r = http_req_new(client, "GET", "/follow");
  http_req_on_data(r, on_data, &o);
  http_req_send(r, on_done, &o, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(o.calls == 1 && o.rc == ERR_PROTO, "data callback error ends it");
  is_str(o.msg, "the consumer refused the data", "with its message");
  outcome_release(&o);

  /* A buffered body over its cap. */
  memset(&o, 0, sizeof(o));
  r = http_req_new(client, "GET", "/ok-json");
  http_req_cap(r, 4);
  http_req_send(r, on_done, &o, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(o.calls == 1 && o.rc == ERR_LIMIT, "body over the cap: ERR_LIMIT");
  outcome_release(&o);
}

/* A streamed upload: 300000 bytes in odd-sized pieces, chunked. */
struct producer {
  size_t left;
  int fail_at_end;
};

static size_t produce(void *ctx, char *buf, size_t n)
{
  struct producer *p = ctx;
  if (!p->left)
    return p->fail_at_end ? HTTP_READ_ERROR : 0;
  size_t k = n < 7777 ? n : 7777;
  if (k > p->left)
    k = p->left;
  memset(buf, 'x', k);
  p->left -= k;
  return k;
}

static void test_upload(void)
{
  struct outcome o;
  memset(&o, 0, sizeof(o));
  struct producer p = {300000, 0};
  struct http_req *r = http_req_new(client, "POST", "/upload");
  http_req_query(r, "t", "a b&c");
  http_req_body_stream(r, "application/x-tar", produce, &p);
  http_req_send(r, on_done, &o, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(o.calls == 1 && o.rc == 0, "streamed upload");
  is_str(o.body.data, "{\"received\":true}", "its answer");
  struct fake_request req;
  fake_engine_get(fe, -1, &req);
  is_int(req.body_len, 300000, "server got every byte");
  ok(req.body && strspn(req.body, "x") == 300000, "every byte as sent");
  ok(req.headers && strstr(req.headers, "Transfer-Encoding: chunked\r\n"),
     "sent chunked");
  is_str(req.target, "/upload?t=a%20b%26c", "query escaped");
  fake_request_release(&req);
  outcome_release(&o);

  memset(&o, 0, sizeof(o));
  struct producer q = {1000, 1};
  r = http_req_new(client, "POST", "/upload");
  http_req_body_stream(r, NULL, produce, &q);
  http_req_send(r, on_done, &o, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(o.calls == 1 && o.rc == ERR_IO, "producer failure: ERR_IO");
  outcome_release(&o);
}

static void test_connect_errors(void)
{
  struct dockerhost h;
  struct err err = ERR_INIT;
  char url[200];
  snprintf(url, sizeof(url), "unix://%s/missing.sock", fake_engine_dir(fe));
  dockerhost_parse(&h, url, 0, 0, NULL, &err);
  struct http_client *c2;
  http_client_new(&loop, &h, &c2, &err);
  struct outcome o;
  memset(&o, 0, sizeof(o));
  http_req_send(http_req_new(c2, "GET", "/_ping"), on_done, &o, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  char want[300];
  snprintf(want, sizeof(want),
           "cannot connect to the Docker engine at %s: no such file; is the "
           "daemon running?",
           url);
  ok(o.calls == 1 && o.rc == ERR_CONNECT, "missing socket: ERR_CONNECT");
  is_str(o.msg, want, "missing socket message");
  outcome_release(&o);

  /* A request in flight when the client goes: canceled, once. */
  memset(&o, 0, sizeof(o));
  http_req_send(http_req_new(c2, "GET", "/_ping"), on_done, &o, NULL);
  http_client_free(c2);
  ok(o.calls == 1 && o.rc == ERR_CANCELED, "client freed: ERR_CANCELED");
  struct outcome o2;
  memset(&o2, 0, sizeof(o2));
  is_int(http_req_send(http_req_new(c2, "GET", "/x"), on_done, &o2, &err),
         ERR_STATE, "send after free refused");
  is_int(o2.calls, 0, "refused send never calls back");
  uv_run(&loop, UV_RUN_DEFAULT);
  outcome_release(&o);
  dockerhost_release(&h);
  err_release(&err);
}

/* --- API calls through the scripted server --- */

struct api_out {
  int calls;
  int rc;
  char msg[1024];
  char version[16];
  char text[256];
  int frames;
  struct buf out;
  int events;
  int progress;
};

static void api_done(void *ctx, struct engine_result *res)
{
  struct api_out *a = ctx;
  a->calls++;
  a->rc = res->rc;
  snprintf(a->msg, sizeof(a->msg), "%s",
           res->rc && res->err->text ? res->err->text : "");
  size_t n = strlen(a->msg);
  if (n && a->msg[n - 1] == '\n')
    a->msg[n - 1] = '\0';
  snprintf(a->version, sizeof(a->version), "%s",
           res->api_version ? res->api_version : "");
  snprintf(a->text, sizeof(a->text), "%s", res->text ? res->text : "");
}

static int api_output(void *ctx, enum stream_kind kind, const char *d, size_t n)
{
  struct api_out *a = ctx;
  a->frames++;
  buf_add(&a->out, d, n);
  return 0;
}

static int api_event(void *ctx, const cJSON *ev)
{
  struct api_out *a = ctx;
  a->events++;
  return 0;
}

static int api_progress(void *ctx, const struct stream_progress *p)
{
  struct api_out *a = ctx;
  a->progress++;
  return 0;
}

static struct engine *engine_at(const char *pin)
{
  struct engine *e = NULL;
  fake_engine_client(fe, &loop, pin, &e, NULL);
  return e;
}

static void test_api(void)
{
  struct api_out a, b;

  /* Negotiation: the engine's version, capped at ENGINE_API_MAX. */
  fake_engine_ping_version(fe, "1.50");
  struct engine *e = engine_at(NULL);
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  is_int(engine_version(e, api_done, &a, NULL), 0, "version call");
  is_int(engine_info(e, api_done, &b, NULL), 0, "a second waits too");
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(a.calls == 1 && a.rc == 0 && b.calls == 1, "both answered once");
  is_str(engine_api_version(e), "1.45", "1.50 capped at 1.45");
  is_str(a.version, "1.45", "result carries the version");
  struct fake_request q;
  fake_engine_get(fe, -1, &q);
  ok(q.target && !strncmp(q.target, "/v1.45/", 7),
     "calls use the negotiated prefix "
     "(%s)",
     q.target);
  fake_request_release(&q);

  /* Errors through the API carry what wcompose was doing. */
  memset(&a, 0, sizeof(a));
  engine_container_inspect(e, "nope", api_done, &a, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(a.calls == 1 && a.rc == ERR_NOTFOUND, "inspect missing: ERR_NOTFOUND");
  is_str(a.msg,
         "inspecting container 'nope': No such container: nope (engine: "
         "404)",
         "inspect message");
  struct engine_call *call = NULL;
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);

  /* Version too old; no header means 1.41. */
  fake_engine_ping_version(fe, "1.38");
  e = engine_at(NULL);
  memset(&a, 0, sizeof(a));
  engine_ping(e, api_done, &a, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(a.calls == 1 && a.rc == ERR_ENGINE, "API 1.38 refused");
  ok(strstr(a.msg, "speaks API 1.38; wcompose needs 1.41 or newer") != NULL,
     "old engine message: %s", a.msg);
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);

  fake_engine_ping_version(fe, "");
  e = engine_at(NULL);
  memset(&a, 0, sizeof(a));
  engine_ping(e, api_done, &a, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(a.calls == 1 && a.rc == 0, "ping without Api-Version");
  is_str(a.text, "OK", "ping text");
  is_str(engine_api_version(e), "1.41", "no header: 1.41");

  /* Events split across chunks in the middle of an object. */
  memset(&a, 0, sizeof(a));
  engine_events(e, NULL, NULL, NULL, api_event, api_done, &a, &call, NULL);
  ok(call != NULL, "events gave a handle");
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(a.calls == 1 && a.rc == 0 && a.events == 2, "two events, one end");
  ok(call == NULL, "handle cleared before the callback");
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);

  /* Pinned: no ping at all. */
  fake_engine_ping_version(fe, NULL);
  e = engine_at("1.43");
  memset(&a, 0, sizeof(a));
  engine_version(e, api_done, &a, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  last_is("/v1.43/version", "DOCKER_API_VERSION pins the prefix");

  /* engine_free with calls waiting: each ends once, canceled. */
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  e = engine_at(NULL);
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  engine_version(e, api_done, &a, NULL);
  engine_container_start(e, "c1", api_done, &b, NULL);
  engine_free(e);
  ok(a.calls == 1 && a.rc == ERR_CANCELED && b.calls == 1 &&
         b.rc == ERR_CANCELED,
     "engine_free ends waiting calls once");
  uv_run(&loop, UV_RUN_DEFAULT);
}

/* An answer that is not a stream comes within WCOMPOSE_ENGINE_TIMEOUT (a
 * stop adds its grace time, a wait has no limit): an engine that takes a
 * request and never answers gives a message, not a hang. */
static void test_answer_timeouts(void)
{
  setenv("WCOMPOSE_ENGINE_TIMEOUT", "1", 1);
  struct engine *e = engine_at("1.41");
  unsetenv("WCOMPOSE_ENGINE_TIMEOUT");
  struct fake_rule rules[] = {
      {.method = "GET", .pattern = "/containers/slow/json", .delay_ms = 4000},
      {.method = "POST",
       .pattern = "/containers/slow/wait",
       .delay_ms = 1500,
       .body = "{\"StatusCode\":0}"},
      {.method = "POST", .pattern = "/containers/slow/stop", .delay_ms = 1500}};
  fake_engine_clear(fe);
  for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
    fake_engine_add(fe, &rules[i]);
  struct api_out a, b, c;
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  memset(&c, 0, sizeof(c));
  uint64_t t0 = uv_hrtime();
  engine_container_inspect(e, "slow", api_done, &a, NULL);
  engine_container_wait(e, "slow", "not-running", api_done, &b, NULL);
  engine_container_stop(e, "slow", 4, api_done, &c, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(a.calls == 1 && a.rc == ERR_CONNECT,
     "an inspect unanswered for 1 s ends (rc %d)", a.rc);
  ok(strstr(a.msg, "took the connection but sent no answer in 1 s") != NULL,
     "and says so: %s", a.msg);
  ok(b.calls == 1 && b.rc == 0, "a wait takes as long as it takes (%s)", b.msg);
  ok(c.calls == 1 && c.rc == 0, "a stop has its grace time on top (%s)", c.msg);
  ok(uv_hrtime() - t0 < 3900 * (uint64_t)1000000,
     "nothing waited for the inspect's answer");
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  set_scenario("");
}

static struct engine_call *follow_call;

static int cancel_output(void *ctx, enum stream_kind kind, const char *d,
                         size_t n)
{
  api_output(ctx, kind, d, n);
  engine_call_cancel(follow_call);
  return 0;
}

static void build(struct engine *e, struct api_out *a)
{
  struct producer p = {5000, 0};
  struct engine_build_opts bo = {0};
  const char *tags[] = {"x:1", NULL};
  bo.tags = tags;
  memset(a, 0, sizeof(*a));
  engine_image_build(e, &bo, produce, &p, api_progress, api_done, a, NULL,
                     NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static void logs(struct engine *e, struct api_out *a, engine_output_cb out)
{
  struct engine_logs_opts lo = {0};
  lo.follow = 1;
  memset(a, 0, sizeof(*a));
  engine_container_logs(e, "c1", &lo, out, api_done, a, &follow_call, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
}

/* The faults of the brief, through the API and its decoders: the server
 * answers every request with the scenario set. */
static void test_api_streams(void)
{
  struct engine *e = engine_at("1.41");
  struct api_out a;

  set_scenario("build-error");
  build(e, &a);
  ok(a.calls == 1 && a.rc == ERR_BUILD && a.progress == 1,
     "build error mid-stream: one callback, ERR_BUILD, after one message");
  is_str(a.msg, "building image 'x:1': boom: no space left on device",
         "build error message");

  set_scenario("drop");
  build(e, &a);
  ok(a.calls == 1 && a.rc == ERR_IO, "dropped build stream: ERR_IO");
  ok(strstr(a.msg, "building image 'x:1': the connection to the engine at") &&
         strstr(a.msg, "broke mid-answer"),
     "drop message: %s", a.msg);

  set_scenario("bad-frame");
  logs(e, &a, api_output);
  ok(a.calls == 1 && a.rc == ERR_PROTO && a.frames == 1,
     "malformed frame header: ERR_PROTO after the good frame");
  ok(strstr(a.msg, "reading the logs of container 'c1': malformed stream "
                   "frame header (09 00 00 00 00 00 00 02)") != NULL,
     "frame message: %s", a.msg);
  buf_release(&a.out);

  set_scenario("huge-frame");
  logs(e, &a, api_output);
  ok(a.calls == 1 && a.rc == ERR_LIMIT && !a.frames,
     "huge frame: ERR_LIMIT from its header, at once");
  ok(strstr(a.msg, "stream frame of 2147483647 bytes is over the limit") !=
         NULL,
     "huge frame message: %s", a.msg);

  set_scenario("follow");
  logs(e, &a, cancel_output);
  ok(a.calls == 1 && a.rc == ERR_CANCELED && a.frames == 1,
     "follow canceled from the output callback");
  is_str(a.out.data, "hello", "output before the cancel");
  ok(follow_call == NULL, "handle cleared");
  buf_release(&a.out);

  set_scenario("text-error");
  memset(&a, 0, sizeof(a));
  cJSON *f = NULL;
  engine_filter_add(&f, "label", "com.docker.compose.project=p");
  engine_filter_add(&f, "label", "x=y");
  engine_container_list(e, f, 1, api_done, &a, NULL);
  cJSON_Delete(f);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(a.calls == 1 && a.rc == ERR_ENGINE, "non-JSON error body: ERR_ENGINE");
  is_str(a.msg,
         "listing containers: internal failure in the engine (engine: 500)",
         "non-JSON error message");
  last_is("/v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22com."
          "docker.compose.project%3Dp%22%2C%22x%3Dy%22%5D%7D",
          "filters as JSON in the query");

  set_scenario("");
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static void test_dockerhost(void)
{
  struct dockerhost h;
  struct err err = ERR_INIT;
  is_int(dockerhost_parse(&h, NULL, 0, 0, NULL, &err), 0, "default host");
  is_str(h.socket_path, "/var/run/docker.sock", "default socket");
  is_str(h.base_url, "http://localhost", "unix base url");
  dockerhost_release(&h);
  is_int(dockerhost_parse(&h, "tcp://10.0.0.2:2376", 0, 0, NULL, &err), 0,
         "tcp host");
  is_str(h.base_url, "http://10.0.0.2:2376", "tcp url");
  ok(!h.socket_path && h.kind == DOCKERHOST_TCP, "tcp kind");
  dockerhost_release(&h);
  is_int(dockerhost_parse(&h, "tcp://example.com", 1, 0, NULL, &err), 0,
         "tcp with TLS, no port");
  is_str(h.base_url, "https://example.com:2376", "TLS default port 2376");
  dockerhost_release(&h);
  is_int(dockerhost_parse(&h, "tcp://[::1]:1234", 0, 0, NULL, &err), 0, "IPv6");
  is_str(h.base_url, "http://[::1]:1234", "IPv6 url");
  dockerhost_release(&h);
  is_int(dockerhost_parse(&h, "tcp://h:2375", 0, 1, "/nonexistent", &err),
         ERR_USAGE, "TLS verify without ca.pem");
  is_int(dockerhost_parse(&h, "tcp://h:port", 0, 0, NULL, &err), ERR_USAGE,
         "bad port");
  err_reset(&err);
  is_int(
      dockerhost_parse(&h, "npipe:////./pipe/docker_engine", 0, 0, NULL, &err),
      ERR_USAGE, "npipe refused");
  ok(err.text && strstr(err.text, "Windows named pipe"), "npipe message: %s",
     err.text ? err.text : "");
  is_int(dockerhost_parse(&h, "ssh://u@h", 0, 0, NULL, &err), ERR_USAGE,
         "ssh refused");
  is_int(dockerhost_parse(&h, "http://h", 0, 0, NULL, &err), ERR_USAGE,
         "http:// refused");

  /* From the environment, with certificates in DOCKER_CERT_PATH. */
  char d[64] = "/tmp/wcompose-certs-XXXXXX";
  if (!mkdtemp(d))
    abort();
  char f[128];
  const char *names[] = {"ca.pem", "cert.pem", "key.pem"};
  for (int i = 0; i < 3; i++) {
    snprintf(f, sizeof(f), "%s/%s", d, names[i]);
    FILE *fp = fopen(f, "w");
    fclose(fp);
  }
  setenv("DOCKER_HOST", "tcp://127.0.0.1:2376", 1);
  setenv("DOCKER_TLS_VERIFY", "1", 1);
  setenv("DOCKER_CERT_PATH", d, 1);
  setenv("DOCKER_API_VERSION", "1.43", 1);
  is_int(dockerhost_from_env(&h, &err), 0, "from the environment");
  ok(h.tls && h.tls_verify && h.ca && h.cert && h.key, "TLS files found");
  is_str(h.base_url, "https://127.0.0.1:2376", "https url");
  is_str(h.api_version, "1.43", "pinned version");
  dockerhost_release(&h);
  setenv("DOCKER_API_VERSION", "latest", 1);
  is_int(dockerhost_from_env(&h, &err), ERR_USAGE, "bad API version");
  unsetenv("DOCKER_TLS_VERIFY");
  unsetenv("DOCKER_API_VERSION");
  setenv("DOCKER_TLS", "1", 1);
  is_int(dockerhost_from_env(&h, &err), 0, "DOCKER_TLS without verify");
  ok(h.tls && !h.tls_verify, "TLS, no verify");
  dockerhost_release(&h);
  unsetenv("DOCKER_TLS");
  unsetenv("DOCKER_HOST");
  unsetenv("DOCKER_CERT_PATH");
  for (int i = 0; i < 3; i++) {
    snprintf(f, sizeof(f), "%s/%s", d, names[i]);
    unlink(f);
  }
  rmdir(d);
  err_release(&err);
}

/* What a failed TLS connection says: each cause named, with what to do. */
static void test_tls_messages(void)
{
  struct dockerhost h;
  struct err err = ERR_INIT;
  is_int(dockerhost_parse(&h, "tcp://127.0.0.1:2376", 1, 0, "/nowhere", &err),
         0, "TLS host without files");
  err_reset(&err);
  is_int(http_connect_error(&h, CURLE_SSL_CONNECT_ERROR,
                            "OpenSSL/3.0: error:0A00010B:SSL "
                            "routines::wrong version number",
                            0, 0, &err),
         ERR_CONNECT, "TLS to a plain port: ERR_CONNECT");
  ok(strstr(err.text, "does not speak TLS") != NULL, "TLS to a plain port: %s",
     err.text);
  err_reset(&err);
  is_int(http_connect_error(&h, CURLE_RECV_ERROR, "select/poll returned error",
                            0, 0, &err),
         ERR_CONNECT, "no client certificate: ERR_CONNECT");
  ok(strstr(err.text, "wants a client certificate") &&
         strstr(err.text, "/nowhere/cert.pem"),
     "no client certificate: %s", err.text);
  err_reset(&err);
  is_int(http_connect_error(&h, CURLE_RECV_ERROR, "reset", 0, 1, &err), 0,
         "a break after an answer is not about connecting");
  err_reset(&err);
  is_int(http_connect_error(&h, CURLE_PEER_FAILED_VERIFICATION,
                            "SSL certificate problem: unable to get local "
                            "issuer certificate",
                            0, 0, &err),
         ERR_CONNECT, "another CA: ERR_CONNECT");
  ok(strstr(err.text, "is not signed by the CA") != NULL, "another CA: %s",
     err.text);
  err_reset(&err);
  is_int(http_connect_error(&h, CURLE_PEER_FAILED_VERIFICATION,
                            "SSL: no alternative certificate subject name "
                            "matches target host name '127.0.0.1'",
                            0, 0, &err),
         ERR_CONNECT, "another host: ERR_CONNECT");
  ok(strstr(err.text, "is not for that address") != NULL, "another host: %s",
     err.text);
  dockerhost_release(&h);
  err_release(&err);
}

int main(void)
{
  uv_loop_init(&loop);
  fe = fake_engine_start();
  set_scenario("");
  struct dockerhost h;
  dockerhost_parse(&h, fake_engine_url(fe), 0, 0, NULL, NULL);
  http_client_new(&loop, &h, &client, NULL);
  dockerhost_release(&h);

  test_dockerhost();
  test_tls_messages();
  test_http_faults();
  test_upload();
  test_connect_errors();
  test_api();
  test_answer_timeouts();
  test_api_streams();

  http_client_free(client);
  uv_run(&loop, UV_RUN_DEFAULT);
  fake_engine_stop(fe);
  is_int(uv_loop_close(&loop), 0, "every handle closed");
  return tap_done();
}
