/* The hijacked attach: libcurl connects (CONNECT_ONLY) on the engine
 * client's multi, the way every other call does, without blocking the
 * loop; then one uv_poll_t on the active socket sends the request, reads
 * the 101 head (both over curl_easy_send/recv, on the loop, with a
 * deadline timer), and from then on moves stdin out and the container's
 * output in. */
#include "config.h"

#include "engine/hijack.h"
#include "engine/api-int.h"
#include "engine/dockerhost.h"
#include "engine/libs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define HANDSHAKE_SECONDS 30
#define RECV_CHUNK ((size_t)64 << 10)

/* Where the connection is: the handshake runs on the loop too. */
enum phase {
  PH_CONNECT, /* the connection being made (conn, in curl's multi) */
  PH_SEND,    /* the request going out (hs holds it) */
  PH_HEAD,    /* reading the answer's head into in */
  PH_BODY,    /* an error answer: reading its body into in */
  PH_STREAM   /* upgraded: stdin out, output in */
};

struct engine_attach {
  uv_poll_t poll;   /* from PH_SEND on */
  uv_timer_t timer; /* the handshake's deadline */
  int handles;      /* uv handles initialized: freed from the last close */
  uv_loop_t *loop;
  struct http_conn *conn;
  CURL *easy; /* conn's, once connected */
  enum phase phase;
  struct buf hs; /* the request, then what is left of it to send */
  struct buf in; /* the answer's head (and an error's body) */
  struct hijack_head head;
  char *what; /* "attaching to container 'x'", for messages */
  engine_attach_ready_cb ready;
  curl_socket_t fd;
  int tty;
  engine_output_cb out;
  engine_attach_done_cb done;
  engine_attach_drain_cb drain;
  void *ctx;
  struct stream_mux mux;
  struct buf pending; /* stdin bytes not sent yet */
  int was_full;       /* pending passed half the cap: drain is due */
  int stdin_closed;   /* no more stdin; shut down once pending is sent */
  int write_shut;     /* the write side is shut (or broken) */
  int ended;          /* the done callback ran */
  struct err err;
};

/* --- the head --- */

int hijack_head_parse(const char *data, size_t n, struct hijack_head *h,
                      struct err *err)
{
  size_t end = 0;
  for (size_t i = 3; i < n; i++) {
    if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' &&
        data[i - 3] == '\r') {
      end = i + 1;
      break;
    }
  }
  size_t seen = end ? end : n;
  if (seen >= 5 && strncmp(data, "HTTP/", 5))
    return err_set(err, ERR_PROTO, "the engine's answer is not HTTP: '%.20s'",
                   data);
  if (!end) {
    if (n >= HIJACK_HEAD_MAX)
      return err_set(err, ERR_LIMIT,
                     "the engine's answer has no end of head in %zu bytes",
                     HIJACK_HEAD_MAX);
    return 1;
  }
  /* "HTTP/1.1 101 UPGRADED" */
  const char *sp = memchr(data, ' ', end);
  if (!sp || strncmp(data, "HTTP/1.", 7) || sp + 4 > data + end ||
      sp[1] < '1' || sp[1] > '5' || sp[2] < '0' || sp[2] > '9' || sp[3] < '0' ||
      sp[3] > '9' || (sp[4] != ' ' && sp[4] != '\r'))
    return err_set(err, ERR_PROTO, "the engine's answer has no status: '%.40s'",
                   data);
  h->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
  h->len = end;
  h->content_len = -1;
  const char *p = memchr(data, '\n', end) + 1;
  while (p < data + end) {
    const char *eol = memchr(p, '\n', (size_t)(data + end - p));
    static const char cl[] = "Content-Length:";
    if ((size_t)(eol - p) > sizeof(cl) - 1 &&
        !strncasecmp(p, cl, sizeof(cl) - 1)) {
      char *stop;
      long long v = strtoll(p + sizeof(cl) - 1, &stop, 10);
      if (v >= 0 && stop != p + sizeof(cl) - 1)
        h->content_len = v;
    }
    p = eol + 1;
  }
  return 0;
}

/* An error answer, whole in in: {"message"} or (attach answers so) plain
 * text, as a message saying what was being done. */
static int answer_error(struct engine_attach *a, struct err *err)
{
  const struct hijack_head *h = &a->head;
  long st = h->status;
  int code = st == 404 ? ERR_NOTFOUND : st == 409 ? ERR_CONFLICT : ERR_ENGINE;
  const char *body = a->in.data + h->len;
  size_t n = a->in.len - h->len;
  cJSON *j = cJSON_ParseWithLength(body, n);
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
  while (n &&
         (body[n - 1] == '\n' || body[n - 1] == '\r' || body[n - 1] == ' '))
    n--;
  if (cJSON_IsString(m))
    err_set(err, code, "%s: %s (engine: %ld)", a->what, m->valuestring, st);
  else if (n && !memchr(body, '\n', n) && n < 500)
    err_set(err, code, "%s: %.*s (engine: %ld)", a->what, (int)n, body, st);
  else
    err_set(err, code, "%s: the engine answered %ld", a->what, st);
  cJSON_Delete(j);
  return code;
}

/* --- the stream --- */

static int on_frame(void *ctx, enum stream_kind kind, const char *data,
                    size_t n)
{
  struct engine_attach *a = ctx;
  return a->out(a->ctx, kind, data, n);
}

static int feed(struct engine_attach *a, const char *data, size_t n)
{
  if (a->tty)
    return a->out(a->ctx, STREAM_STDOUT, data, n);
  return stream_mux_feed(&a->mux, data, n, &a->err);
}

static void finish(struct engine_attach *a, int rc)
{
  if (rc && !a->err.code)
    err_set(&a->err, rc, "%s", err_text(rc));
  a->ended = 1;
  if (a->phase != PH_CONNECT)
    uv_poll_stop(&a->poll);
  uv_timer_stop(&a->timer);
  a->done(a->ctx, rc, &a->err);
}

static void shut_write(struct engine_attach *a)
{
  /* A half-close tells the engine stdin is over. Over TLS the FIN comes
   * without a close_notify; Go's TLS reader takes a FIN at a record
   * boundary as EOF, and only whole records are ever sent here. */
  a->write_shut = 1;
  shutdown(a->fd, SHUT_WR);
}

static void flush(struct engine_attach *a)
{
  while (a->pending.len && !a->write_shut) {
    size_t k = 0;
    CURLcode r =
        sym_curl_easy_send(a->easy, a->pending.data, a->pending.len, &k);
    if (r == CURLE_AGAIN)
      break;
    if (r != CURLE_OK) {
      /* The container stopped reading (it exited, or closed stdin): drop
       * stdin, keep reading its output to the end. */
      a->write_shut = 1;
      buf_reset(&a->pending);
      break;
    }
    buf_consume(&a->pending, k);
  }
  if (a->write_shut)
    buf_reset(&a->pending);
  if (!a->pending.len && a->stdin_closed && !a->write_shut)
    shut_write(a);
}

static void on_poll(uv_poll_t *h, int status, int events);
static void stream_read(struct engine_attach *a);
static void handshake(struct engine_attach *a, int events);

static void start_events(struct engine_attach *a)
{
  if (a->ended || a->phase == PH_CONNECT)
    return;
  int ev = UV_READABLE;
  if (a->phase == PH_SEND ||
      (a->phase == PH_STREAM && a->pending.len && !a->write_shut))
    ev |= UV_WRITABLE;
  uv_poll_start(&a->poll, ev, on_poll);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
  struct engine_attach *a = (struct engine_attach *)h;
  if (status < 0) {
    err_set(&a->err, ERR_IO, "the attach connection broke: %s",
            uv_strerror(status));
    finish(a, ERR_IO);
    return;
  }
  if (a->phase != PH_STREAM) {
    handshake(a, events);
    return;
  }
  if (events & UV_WRITABLE) {
    flush(a);
    if (!a->pending.len && a->was_full) {
      a->was_full = 0;
      if (a->drain)
        a->drain(a->ctx);
    }
  }
  if (events & UV_READABLE)
    stream_read(a);
  else
    start_events(a);
}

/* Read until curl says "again": TLS may hold decrypted bytes that the
 * socket no longer signals. */
static void stream_read(struct engine_attach *a)
{
  for (;;) {
    char tmp[RECV_CHUNK];
    size_t k = 0;
    CURLcode r = sym_curl_easy_recv(a->easy, tmp, sizeof(tmp), &k);
    if (r == CURLE_AGAIN)
      break;
    if (r != CURLE_OK) {
      err_set(&a->err, ERR_IO, "the attach connection broke: %s",
              sym_curl_easy_strerror(r));
      finish(a, ERR_IO);
      return;
    }
    if (!k) {
      int rc = a->tty ? 0 : stream_mux_end(&a->mux, &a->err);
      finish(a, rc);
      return;
    }
    int rc = feed(a, tmp, k);
    if (rc) {
      finish(a, rc);
      return;
    }
  }
  start_events(a);
}

/* --- the handshake, on the loop --- */

static void fail(struct engine_attach *a, int rc)
{
  finish(a, rc);
}

/* The 101 is in: the stream starts, with the bytes that came with it. */
static void upgraded(struct engine_attach *a)
{
  a->phase = PH_STREAM;
  uv_timer_stop(&a->timer);
  buf_release(&a->hs);
  if (a->ready)
    a->ready(a->ctx);
  if (a->ended)
    return;
  /* A decoding error here is reported from the loop: the decoder refuses
   * the next bytes with it. */
  if (a->in.len > a->head.len)
    feed(a, a->in.data + a->head.len, a->in.len - a->head.len);
  buf_release(&a->in);
  if (a->stdin_closed && !a->pending.len && !a->write_shut)
    shut_write(a);
  stream_read(a);
}

static void handshake(struct engine_attach *a, int events)
{
  if (a->phase == PH_SEND && (events & UV_WRITABLE)) {
    while (a->hs.len) {
      size_t k = 0;
      CURLcode r = sym_curl_easy_send(a->easy, a->hs.data, a->hs.len, &k);
      if (r == CURLE_AGAIN)
        break;
      if (r != CURLE_OK) {
        err_set(&a->err, ERR_IO, "%s: cannot send the request: %s", a->what,
                sym_curl_easy_strerror(r));
        fail(a, ERR_IO);
        return;
      }
      buf_consume(&a->hs, k);
    }
    if (!a->hs.len)
      a->phase = PH_HEAD;
  }
  while (a->phase == PH_HEAD || a->phase == PH_BODY) {
    char tmp[4096];
    size_t k = 0;
    CURLcode r = sym_curl_easy_recv(a->easy, tmp, sizeof(tmp), &k);
    if (r == CURLE_AGAIN)
      break;
    int eof = r != CURLE_OK || !k;
    if (!eof && buf_add(&a->in, tmp, k)) {
      err_set(&a->err, ERR_LIMIT, "%s: the engine's answer is over %zu bytes",
              a->what, a->in.cap);
      fail(a, ERR_LIMIT);
      return;
    }
    if (a->phase == PH_HEAD) {
      int rc = hijack_head_parse(a->in.data ? a->in.data : "", a->in.len,
                                 &a->head, &a->err);
      if (rc < 0) {
        err_wrap(&a->err, "%s", a->what);
        fail(a, rc);
        return;
      }
      if (rc == 1 && eof) {
        err_set(&a->err, ERR_IO,
                "%s: the engine closed the connection without an answer",
                a->what);
        fail(a, ERR_IO);
        return;
      }
      if (rc == 1)
        continue;
      if (a->head.status == 101 || a->head.status == 200) {
        upgraded(a);
        return;
      }
      a->phase = PH_BODY;
    }
    /* an error answer: its body to its length, else to the end */
    size_t body = a->in.len - a->head.len;
    if (eof ||
        (a->head.content_len >= 0 && body >= (size_t)a->head.content_len)) {
      fail(a, answer_error(a, &a->err));
      return;
    }
  }
  start_events(a);
}

static void on_deadline(uv_timer_t *t)
{
  struct engine_attach *a = t->data;
  if (a->ended || a->phase == PH_STREAM)
    return;
  err_set(&a->err, ERR_TIMEOUT, "%s: the engine did not answer in %d s",
          a->what, HANDSHAKE_SECONDS);
  fail(a, ERR_TIMEOUT);
}

/* --- public --- */

static void release(struct engine_attach *a)
{
  http_conn_free(a->conn);
  stream_mux_release(&a->mux);
  buf_release(&a->pending);
  buf_release(&a->hs);
  buf_release(&a->in);
  err_release(&a->err);
  free(a->what);
  free(a);
}

static void closed(uv_handle_t *h)
{
  struct engine_attach *a = h->data;
  if (--a->handles == 0)
    release(a);
}

void engine_attach_free(struct engine_attach *a)
{
  if (!a)
    return;
  if (!a->handles) {
    release(a);
    return;
  }
  a->ended = 1; /* no callback after this */
  if (a->phase != PH_CONNECT) {
    uv_poll_stop(&a->poll);
    uv_close((uv_handle_t *)&a->poll, closed);
  }
  uv_close((uv_handle_t *)&a->timer, closed);
  /* the poll is off the socket: curl may close it now */
  http_conn_free(a->conn);
  a->conn = NULL;
  a->easy = NULL;
}

/* Connected (or not): the handshake starts on the loop. */
static void connected(void *ctx, int rc, const struct err *err)
{
  struct engine_attach *a = ctx;
  if (a->ended)
    return;
  if (rc) {
    err_set(&a->err, rc, "%s", err && err->text ? err->text : err_text(rc));
    finish(a, rc);
    return;
  }
  a->easy = http_conn_easy(a->conn);
  a->fd = http_conn_socket(a->conn);
  if (uv_poll_init_socket(a->loop, &a->poll, a->fd)) {
    err_set(&a->err, ERR_IO, "%s: cannot watch the connection", a->what);
    finish(a, ERR_IO);
    return;
  }
  a->poll.data = a;
  a->handles++;
  a->phase = PH_SEND;
  uv_timer_start(&a->timer, on_deadline, (uint64_t)HANDSHAKE_SECONDS * 1000, 0);
  start_events(a);
}

/* Connect, then send "POST path" (and body, JSON, when not NULL) asking
 * for the upgrade; all of it happens on the loop. what names the call in
 * errors. */
static int hijack_open(struct engine *e, const char *what, const char *path,
                       const char *body, int tty, engine_output_cb out,
                       engine_attach_ready_cb ready, engine_attach_done_cb done,
                       engine_attach_drain_cb drain, void *ctx,
                       struct engine_attach **ap, struct err *err)
{
  const struct dockerhost *h = http_client_dockerhost(engine_http(e));
  struct engine_attach *a = xcalloc(1, sizeof(*a));
  a->tty = tty;
  a->out = out;
  a->ready = ready;
  a->done = done;
  a->drain = drain;
  a->ctx = ctx;
  a->what = xstrdup(what);
  a->loop = engine_loop(e);
  a->fd = CURL_SOCKET_BAD;
  a->pending.cap = HIJACK_PENDING_MAX;
  a->in.cap = HIJACK_HEAD_MAX + HTTP_ERROR_BODY_MAX;
  stream_mux_init(&a->mux, 0, on_frame, a);
  a->phase = PH_CONNECT;
  int rc = http_conn_open(engine_http(e), connected, a, &a->conn, err);
  if (rc) {
    release(a);
    return rc;
  }
  uv_timer_init(a->loop, &a->timer);
  a->timer.data = a;
  a->handles = 1;
  /* the Host header: the authority of the base URL */
  const char *host = strstr(h->base_url, "://");
  host = host ? host + 3 : h->base_url;
  size_t hl = strcspn(host, "/");
  const char *v = engine_api_version(e);
  buf_addf(&a->hs,
           "POST /v%s%s HTTP/1.1\r\nHost: %.*s\r\nUser-Agent: "
           "wcompose/" PACKAGE_VERSION "\r\nContent-Type: %s\r\n"
           "Content-Length: %zu\r\nConnection: Upgrade\r\n"
           "Upgrade: tcp\r\n\r\n%s",
           v ? v : ENGINE_API_MIN, path, (int)hl, host,
           body ? "application/json" : "text/plain", body ? strlen(body) : 0,
           body ? body : "");
  *ap = a;
  return 0;
}

int engine_attach_open(struct engine *e, const char *id, int tty,
                       engine_output_cb out, engine_attach_ready_cb ready,
                       engine_attach_done_cb done, engine_attach_drain_cb drain,
                       void *ctx, struct engine_attach **ap, struct err *err)
{
  return engine_attach_open_keys(e, id, tty, 1, NULL, out, ready, done, drain,
                                 ctx, ap, err);
}

int engine_attach_open_keys(struct engine *e, const char *id, int tty,
                            int with_stdin, const char *detach_keys,
                            engine_output_cb out, engine_attach_ready_cb ready,
                            engine_attach_done_cb done,
                            engine_attach_drain_cb drain, void *ctx,
                            struct engine_attach **ap, struct err *err)
{
  char *what = xasprintf("attaching to container '%s'", id);
  char *eid = call_escape(id);
  char *keys = detach_keys ? call_escape(detach_keys) : NULL;
  char *path = xasprintf("/containers/%s/attach?stream=1&stdin=%d&stdout=1&"
                         "stderr=1%s%s",
                         eid, with_stdin ? 1 : 0, keys ? "&detachKeys=" : "",
                         keys ? keys : "");
  int rc = hijack_open(e, what, path, NULL, tty, out, ready, done, drain, ctx,
                       ap, err);
  free(keys);
  free(eid);
  free(path);
  free(what);
  return rc;
}

int engine_exec_attach_open(struct engine *e, const char *exec_id, int tty,
                            engine_output_cb out, engine_attach_ready_cb ready,
                            engine_attach_done_cb done,
                            engine_attach_drain_cb drain, void *ctx,
                            struct engine_attach **ap, struct err *err)
{
  char *what = xasprintf("starting exec '%.12s'", exec_id);
  char *eid = call_escape(exec_id);
  char *path = xasprintf("/exec/%s/start", eid);
  const char *body = tty ? "{\"Detach\":false,\"Tty\":true}"
                         : "{\"Detach\":false,\"Tty\":false}";
  int rc = hijack_open(e, what, path, body, tty, out, ready, done, drain, ctx,
                       ap, err);
  free(eid);
  free(path);
  free(what);
  return rc;
}

long engine_attach_write(struct engine_attach *a, const char *data, size_t n)
{
  if (a->stdin_closed || a->ended)
    return ERR_STATE;
  if (a->write_shut)
    return 0; /* nobody reads stdin any more: drop it */
  if (buf_add(&a->pending, data, n))
    return ERR_LIMIT;
  if (a->pending.len >= HIJACK_PENDING_MAX / 2)
    a->was_full = 1;
  start_events(a);
  return (long)a->pending.len;
}

void engine_attach_close_stdin(struct engine_attach *a)
{
  if (a->stdin_closed)
    return;
  a->stdin_closed = 1;
  if (a->ended || a->write_shut || a->phase != PH_STREAM)
    return; /* before the 101, upgraded() shuts it */
  if (!a->pending.len)
    shut_write(a);
}
