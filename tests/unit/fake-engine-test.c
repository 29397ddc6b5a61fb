/* The scripted engine of tests/lib/fake-engine.h, tested through the HTTP
 * client it stands in front of: matching, use counts, the built-in ping,
 * slow answers and gates, streams (complete, cut, held, raw), the request
 * log, and a stop while a connection is held. */
#include "tap.h"
#include "../lib/fake-engine.h"
#include "engine/api.h"
#include "engine/dockerhost.h"
#include "engine/http.h"
#include "util/buf.h"
#include "util/err.h"

#include <dirent.h>
#include <stdlib.h>
#include <time.h>

static uv_loop_t loop;
static struct fake_engine *fe;
static struct http_client *client;

struct out {
  int calls;
  int rc;
  long status;
  char msg[512];
  struct buf body;
  struct buf data;
  uint64_t at;       /* uv_now when it completed */
  int order;         /* completion order among requests of a test */
  const char *opens; /* open this gate on completion */
};

static int done_order;

static void on_done(void *ctx, int rc, struct http_resp *resp)
{
  struct out *o = ctx;
  o->calls++;
  o->rc = rc;
  o->status = resp->status;
  o->at = uv_now(&loop);
  o->order = ++done_order;
  snprintf(o->msg, sizeof(o->msg), "%s", resp->err.text ? resp->err.text : "");
  if (resp->body.len)
    buf_add(&o->body, resp->body.data, resp->body.len);
  if (o->opens)
    fake_engine_open(fe, o->opens);
}

static int on_data(void *ctx, const char *p, size_t n, struct err *err)
{
  struct out *o = ctx;
  buf_add(&o->data, p, n);
  return 0;
}

static void out_release(struct out *o)
{
  buf_release(&o->body);
  buf_release(&o->data);
}

/* Send one request (not yet run). */
static void send_req(const char *method, const char *path, const char *body,
                     int stream, struct out *o)
{
  struct http_req *r = http_req_new(client, method, path);
  if (body)
    http_req_body(r, "application/json", body, strlen(body));
  if (stream)
    http_req_on_data(r, on_data, o);
  if (http_req_send(r, on_done, o, NULL))
    o->rc = 999;
}

static void one(const char *method, const char *path, const char *body,
                int stream, struct out *o)
{
  memset(o, 0, sizeof(*o));
  send_req(method, path, body, stream, o);
  uv_run(&loop, UV_RUN_DEFAULT);
}

struct res {
  int calls, rc;
  char msg[512];
  struct buf out;
};

static void on_res(void *ctx, struct engine_result *r)
{
  struct res *x = ctx;
  x->calls++;
  x->rc = r->rc;
  snprintf(x->msg, sizeof(x->msg), "%s",
           r->rc && r->err->text ? r->err->text : "");
}

/* Output of a stream call: ctx is its struct res, as for on_res. */
static int collect(void *ctx, enum stream_kind kind, const char *d, size_t n)
{
  struct res *x = ctx;
  buf_add(&x->out, kind == STREAM_STDERR ? "E:" : "O:", 2);
  buf_add(&x->out, d, n);
  return 0;
}

static void test_match(void)
{
  struct out o;
  fake_engine_reply(fe, "GET", "/containers/*/json", 200, "{\"Id\":\"c1\"}");
  fake_engine_reply(fe, "POST", "/containers/create?name=p-a-*", 201,
                    "{\"Id\":\"a\"}");
  fake_engine_reply(fe, "POST", "/containers/create", 201, "{\"Id\":\"b\"}");
  fake_engine_reply(fe, NULL, "/volumes/*", 204, NULL);

  one("GET", "/v1.41/containers/x/json?size=1", NULL, 0, &o);
  ok(o.rc == 0 && o.status == 200, "glob over the path, query ignored");
  is_str(o.body.data, "{\"Id\":\"c1\"}", "its body");
  out_release(&o);

  one("POST", "/v1.45/containers/create?name=p-a-1", "{}", 0, &o);
  is_str(o.body.data, "{\"Id\":\"a\"}", "a pattern with '?' sees the query");
  out_release(&o);
  one("POST", "/containers/create?name=p-b-1", "{}", 0, &o);
  is_str(o.body.data, "{\"Id\":\"b\"}", "another query: the next rule");
  out_release(&o);

  one("DELETE", "/v1.41/volumes/v1", NULL, 0, &o);
  ok(o.rc == 0 && o.status == 204, "any method");
  out_release(&o);

  one("POST", "/containers/x/json", "{}", 0, &o);
  ok(o.rc == ERR_NOTFOUND && o.status == 404, "wrong method: no rule, 404");
  is_str(o.msg,
         "fake engine: no rule for POST /containers/x/json (engine: 404)\n",
         "the 404 names the request");
  out_release(&o);
  is_int(fake_engine_unmatched(fe), 1, "one request unmatched");
  is_int(fake_engine_count(fe, "POST", "/containers/create"), 2,
         "count: both creates");
  is_int(fake_engine_count(fe, NULL, "/containers/*"), 4, "count: any method");
  is_int(fake_engine_find(fe, "POST", "/containers/create", 1), 2,
         "find: the second create is request 2");
  is_int(fake_engine_find(fe, "POST", "/containers/create", 2), -1,
         "find: no third");
  char *b = fake_engine_body(fe, "POST", "/containers/create?name=p-b-*", 0);
  is_str(b, "{}", "body of a request");
  free(b);
  char *log = fake_engine_log(fe, NULL, NULL);
  is_str(log,
         "GET /containers/x/json?size=1\n"
         "POST /containers/create?name=p-a-1\n"
         "POST /containers/create?name=p-b-1\n"
         "DELETE /volumes/v1\n"
         "POST /containers/x/json\n",
         "the log in order, without version prefixes");
  free(log);
  struct fake_request q;
  is_int(fake_engine_settle(fe, 5000), 0, "every answer ended");
  is_int(fake_engine_get(fe, 1, &q), 0, "get request 1");
  is_str(q.target, "/v1.45/containers/create?name=p-a-1", "target as sent");
  is_int(q.rule, 1, "answered by rule 1");
  ok(q.seq_in && q.seq_out > q.seq_in, "read, then answered");
  ok(strstr(q.headers, "Content-Type: application/json\r\n") != NULL,
     "headers recorded");
  fake_request_release(&q);
  is_int(fake_engine_get(fe, 5, &q), -1, "no request 5");
  fake_engine_get(fe, -1, &q);
  is_int(q.rule, -1, "the last one matched no rule");
  fake_request_release(&q);

  fake_engine_clear(fe);
  fake_engine_log_clear(fe);
  one("GET", "/containers/x/json", NULL, 0, &o);
  ok(o.rc == ERR_NOTFOUND, "rules cleared");
  out_release(&o);
  is_int(fake_engine_count(fe, NULL, NULL), 1, "log cleared before it");
  fake_engine_log_clear(fe);
}

static void test_times_and_ping(void)
{
  struct out o;
  struct fake_rule twice = {.method = "GET",
                            .pattern = "/containers/c/json",
                            .times = 2,
                            .body = "{\"State\":\"starting\"}"};
  fake_engine_add(fe, &twice);
  fake_engine_reply(fe, "GET", "/containers/c/json", 200,
                    "{\"State\":\"healthy\"}");
  for (int i = 0; i < 3; i++) {
    one("GET", "/containers/c/json", NULL, 0, &o);
    is_str(o.body.data,
           i < 2 ? "{\"State\":\"starting\"}" : "{\"State\":\"healthy\"}",
           "answer %d: %s", i + 1,
           i < 2 ? "the counted rule" : "falls through");
    out_release(&o);
  }

  /* the built-in ping, through the engine's negotiation */
  struct engine *e = NULL;
  struct res x = {0};
  is_int(fake_engine_client(fe, &loop, NULL, &e, NULL), 0, "client");
  is_int(engine_ping(e, on_res, &x, NULL), 0, "ping sent");
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(x.calls == 1 && x.rc == 0, "ping answered");
  is_str(engine_api_version(e), "1.41", "built-in ping: 1.41");
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);

  fake_engine_ping_version(fe, "1.44");
  fake_engine_client(fe, &loop, NULL, &e, NULL);
  engine_ping(e, on_res, &x, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  is_str(engine_api_version(e), "1.44", "ping version set");
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  fake_engine_ping_version(fe, NULL);
  is_int(fake_engine_count(fe, "GET", "/_ping"), 2, "two pings logged");
  is_int(fake_engine_unmatched(fe), 0, "pings are not unmatched");

  /* a rule overrides the built-in ping */
  struct fake_rule ping = {.method = "GET",
                           .pattern = "/_ping",
                           .type = "text/plain",
                           .headers = "Api-Version: 1.43\r\n",
                           .body = "OK"};
  fake_engine_add(fe, &ping);
  fake_engine_client(fe, &loop, NULL, &e, NULL);
  engine_ping(e, on_res, &x, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  is_str(engine_api_version(e), "1.43", "a scripted ping");
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  fake_engine_clear(fe);
  fake_engine_log_clear(fe);
}

static void test_slow_and_gates(void)
{
  struct out a, b, c, d;
  struct fake_rule slow = {.pattern = "/slow", .delay_ms = 300, .body = "{}"};
  fake_engine_add(fe, &slow);
  uv_update_time(&loop);
  uint64_t t0 = uv_now(&loop);
  one("GET", "/slow", NULL, 0, &a);
  ok(a.rc == 0 && a.at - t0 >= 290, "a slow answer comes late (%llu ms)",
     (unsigned long long)(a.at - t0));
  out_release(&a);

  /* /held waits for gate g, which /opener opens when it is read */
  struct fake_rule held = {.pattern = "/held", .gate = "g", .body = "1"};
  struct fake_rule opener = {.pattern = "/opener", .opens = "g", .body = "2"};
  fake_engine_add(fe, &held);
  fake_engine_add(fe, &opener);
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  done_order = 0;
  send_req("GET", "/held", NULL, 0, &a);
  /* the opener goes once the held request is read (a poll with a
   * deadline): the order the server reads them in is then known */
  uv_update_time(&loop);
  uint64_t until = uv_now(&loop) + 5000;
  while (!fake_engine_count(fe, "GET", "/held") && uv_now(&loop) < until) {
    uv_run(&loop, UV_RUN_NOWAIT);
    nanosleep(&(struct timespec){0, 1000000}, NULL);
    uv_update_time(&loop);
  }
  send_req("GET", "/opener", NULL, 0, &b);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(a.rc == 0 && b.rc == 0, "both answered");
  is_int(fake_engine_settle(fe, 5000), 0, "both answers ended");
  long ih = fake_engine_find(fe, "GET", "/held", 0);
  long io = fake_engine_find(fe, "GET", "/opener", 0);
  struct fake_request qh, qo;
  fake_engine_get(fe, ih, &qh);
  fake_engine_get(fe, io, &qo);
  ok(qo.seq_in < qh.seq_out, "the held answer ended after the opener came");
  is_int(qh.gate_timeout, 0, "the gate opened in time");
  fake_request_release(&qh);
  fake_request_release(&qo);
  out_release(&a);
  out_release(&b);

  /* a gate the test opens from a completion callback */
  struct fake_rule held2 = {.pattern = "/held2", .gate = "h", .body = "3"};
  fake_engine_add(fe, &held2);
  fake_engine_reply(fe, "GET", "/free", 200, "4");
  memset(&c, 0, sizeof(c));
  memset(&d, 0, sizeof(d));
  d.opens = "h";
  done_order = 0;
  send_req("GET", "/held2", NULL, 0, &c);
  send_req("GET", "/free", NULL, 0, &d);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(c.rc == 0 && d.order == 1 && c.order == 2,
     "held until the test opened its gate");
  out_release(&c);
  out_release(&d);
  fake_engine_clear(fe);
  fake_engine_log_clear(fe);
}

static const struct fake_piece pieces[] = {
    {"{\"a\":1}\n"}, {"{\"b\":", 0, 50}, {"2}\n"}};
static const struct fake_piece frames[] = {{"\x01\0\0\0\0\0\0\x03out", 11},
                                           {"\x02\0\0\0\0\0\0\x03"
                                            "err",
                                            11}};

static void test_streams(void)
{
  struct out o;
  struct fake_rule done = {.pattern = "/done", .pieces = pieces, .npieces = 3};
  struct fake_rule cut = {
      .pattern = "/cut", .pieces = pieces, .npieces = 2, .end = FAKE_END_CUT};
  struct fake_rule empty = {.pattern = "/empty", .stream = 1};
  fake_engine_add(fe, &done);
  fake_engine_add(fe, &cut);
  fake_engine_add(fe, &empty);

  one("GET", "/done", NULL, 1, &o);
  ok(o.rc == 0, "a complete stream");
  ok(o.data.len == 16 && !memcmp(o.data.data, "{\"a\":1}\n{\"b\":2}\n", 16),
     "every piece in order");
  out_release(&o);

  one("GET", "/cut", NULL, 1, &o);
  ok(o.rc == ERR_IO, "a stream cut mid-way: ERR_IO (%s)", err_name(o.rc));
  ok(o.data.len == 13 && !memcmp(o.data.data, "{\"a\":1}\n{\"b\":", 13),
     "what came before the cut");
  out_release(&o);

  one("GET", "/empty", NULL, 1, &o);
  ok(o.rc == 0 && !o.data.len, "an empty stream");
  out_release(&o);

  /* a raw attach stream, through the engine's frame decoder */
  struct fake_rule attach = {.method = "POST",
                             .pattern = "/containers/c1/attach",
                             .type = "application/vnd.docker.raw-stream",
                             .raw = 1,
                             .pieces = frames,
                             .npieces = 2};
  fake_engine_add(fe, &attach);
  struct engine *e = NULL;
  fake_engine_client(fe, &loop, "1.41", &e, NULL);
  struct res x;
  memset(&x, 0, sizeof(x));
  is_int(
      engine_container_attach(e, "c1", 0, 1, collect, on_res, &x, NULL, NULL),
      0, "attach sent");
  uv_run(&loop, UV_RUN_DEFAULT);
  is_int(x.rc, 0, "raw stream ended by closing");
  is_str(x.out.data, "O:outE:err", "both frames decoded");
  buf_release(&x.out);

  /* a held stream ends when the client cancels */
  struct fake_rule follow = {.pattern = "/containers/c1/logs",
                             .type = "application/vnd.docker.raw-stream",
                             .pieces = frames,
                             .npieces = 1,
                             .end = FAKE_END_HOLD};
  fake_engine_add(fe, &follow);
  memset(&x, 0, sizeof(x));
  struct engine_call *call = NULL;
  struct engine_logs_opts lo = {.follow = 1};
  engine_container_logs(e, "c1", &lo, collect, on_res, &x, &call, NULL);
  /* the first frame arrives, then nothing more: cancel from the loop */
  while (!x.out.len)
    uv_run(&loop, UV_RUN_ONCE);
  engine_call_cancel(call);
  uv_run(&loop, UV_RUN_DEFAULT);
  is_int(x.rc, ERR_CANCELED, "held stream canceled by the client");
  is_str(x.out.data, "O:out", "its first frame");
  buf_release(&x.out);
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  fake_engine_clear(fe);
  fake_engine_log_clear(fe);
}

/* A second server stopped while it holds a stream open: stop returns, the
 * client sees the cut. */
static struct fake_engine *fe2;

static int stop_on_data(void *ctx, enum stream_kind kind, const char *d,
                        size_t n)
{
  collect(ctx, kind, d, n);
  if (fe2) {
    fake_engine_stop(fe2);
    fe2 = NULL;
  }
  return 0;
}

static void test_stop_while_held(void)
{
  fe2 = fake_engine_start();
  struct fake_rule follow = {.pattern = "/containers/c1/logs",
                             .type = "application/vnd.docker.raw-stream",
                             .pieces = frames,
                             .npieces = 1,
                             .end = FAKE_END_HOLD};
  fake_engine_add(fe2, &follow);
  struct engine *e = NULL;
  fake_engine_client(fe2, &loop, "1.41", &e, NULL);
  struct res x;
  memset(&x, 0, sizeof(x));
  struct engine_logs_opts lo = {.follow = 1};
  engine_container_logs(e, "c1", &lo, stop_on_data, on_res, &x, NULL, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(fe2 == NULL, "stopped from the data callback");
  is_int(x.calls, 1, "one completion");
  is_int(x.rc, ERR_IO, "the stop cut the stream: ERR_IO (%s)", err_name(x.rc));
  buf_release(&x.out);
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
}

/* Entries of a /proc/self directory: open fds, threads. */
static int count_entries(const char *dir)
{
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d)))
    n += de->d_name[0] != '.';
  closedir(d);
  return n - (!strcmp(dir, "/proc/self/fd")); /* opendir's own */
}

int main(void)
{
  uv_loop_init(&loop);
  int fds = count_entries("/proc/self/fd");
  int threads = count_entries("/proc/self/task");
  fe = fake_engine_start();
  struct dockerhost h;
  dockerhost_parse(&h, fake_engine_url(fe), 0, 0, NULL, NULL);
  http_client_new(&loop, &h, &client, NULL);
  dockerhost_release(&h);

  test_match();
  test_times_and_ping();
  test_slow_and_gates();
  test_streams();
  test_stop_while_held();

  http_client_free(client);
  uv_run(&loop, UV_RUN_DEFAULT);
  fake_engine_stop(fe);
  is_int(count_entries("/proc/self/fd"), fds, "no fd left open");
  is_int(count_entries("/proc/self/task"), threads, "no thread left");
  is_int(uv_loop_close(&loop), 0, "every handle closed");
  return tap_done();
}
