/* HTTP over libcurl multi on a libuv loop. Curl tells us which sockets to
 * watch (on_socket) and when to wake it (on_curl_timer); uv tells curl when
 * a socket is ready (on_poll) or the time has come (on_timeout). Requests
 * are added to curl and canceled from a zero timer (kick), never from
 * inside a curl callback. */
#include "config.h"

#include "engine/http.h"
#include "engine/dockerhost.h"
#include "engine/libs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define HEADERS_MAX 200
#define HEADER_LINE_MAX 8192

enum req_state {
  REQ_NEW,    /* built by the caller, not sent */
  REQ_QUEUED, /* sent, waiting for the kick to hand it to curl */
  REQ_ACTIVE, /* in curl's hands */
  REQ_DONE    /* completion callback running or ran */
};

struct poll_ctx {
  uv_poll_t poll;
  curl_socket_t fd;
  struct http_client *c;
  struct poll_ctx *prev, *next;
};

struct http_client {
  uv_loop_t *loop;
  struct http_conn *conns; /* connections alone, not freed yet */
  CURLM *multi;
  uv_timer_t timer; /* curl's timeout */
  uv_timer_t kick;  /* queued and canceled requests */
  struct dockerhost host;
  struct http_req *reqs;  /* sent and not finished */
  struct poll_ctx *polls; /* open poll handles */
  int open_handles;       /* uv handles not closed yet */
  int dispatching;        /* depth of loop callbacks that run curl */
  int closing;
};

struct http_req {
  struct http_client *c;
  CURL *easy;
  enum req_state state;
  char *method, *path, *prefix;
  struct buf query;
  struct curl_slist *headers;
  char *body;
  size_t body_len;
  int has_body;
  http_read_cb read;
  void *read_ctx;
  http_data_cb data;
  void *data_ctx;
  http_open_cb open;
  void *open_ctx;
  int opened;
  size_t cap;
  long timeout;
  http_done_cb done;
  void *done_ctx;
  struct http_resp resp;
  int status_known;
  int canceled;
  int abort_rc; /* set by a data or read callback that stopped curl */
  char errbuf[CURL_ERROR_SIZE];
  struct http_req *prev, *next;
};

enum conn_state {
  CONN_QUEUED, /* waiting for the kick to hand it to curl */
  CONN_ACTIVE, /* connecting, in curl's hands */
  CONN_OPEN,   /* connected (callback ran with 0); stays in the multi,
                  where curl_easy_send/recv find its connection */
  CONN_FAILED  /* the callback ran with an error; out of the multi */
};

/* A connection alone (CURLOPT_CONNECT_ONLY): connected on the multi like
 * every request, then its socket is the owner's. */
struct http_conn {
  struct http_client *c;
  CURL *easy;
  enum conn_state state;
  int in_multi;
  int gone; /* its owner let it go: the kick (or teardown) frees it */
  curl_socket_t fd;
  http_conn_cb cb;
  void *ctx;
  struct err err;
  char errbuf[CURL_ERROR_SIZE];
  struct http_conn *prev, *next;
};

/* --- client lifetime --- */

static void handle_closed(uv_handle_t *h)
{
  struct http_client *c = h->data;
  if (--c->open_handles == 0) {
    dockerhost_release(&c->host);
    free(c);
  }
}

static void poll_closed(uv_handle_t *h)
{
  struct poll_ctx *p = (struct poll_ctx *)h;
  struct http_client *c = p->c;
  free(p);
  if (--c->open_handles == 0) {
    dockerhost_release(&c->host);
    free(c);
  }
}

static void poll_close(struct poll_ctx *p)
{
  struct http_client *c = p->c;
  uv_poll_stop(&p->poll);
  if (p->prev)
    p->prev->next = p->next;
  else
    c->polls = p->next;
  if (p->next)
    p->next->prev = p->prev;
  uv_close((uv_handle_t *)&p->poll, poll_closed);
}

static void conn_reap(struct http_conn *k);
static void set_transport(const struct http_client *c, CURL *e);

static void teardown(struct http_client *c)
{
  while (c->conns)
    conn_reap(c->conns); /* all let go: only then does teardown come */
  if (c->multi) {
    sym_curl_multi_cleanup(c->multi); /* may call on_socket to remove */
    c->multi = NULL;
  }
  while (c->polls)
    poll_close(c->polls);
  uv_close((uv_handle_t *)&c->timer, handle_closed);
  uv_close((uv_handle_t *)&c->kick, handle_closed);
}

/* A connection its owner still holds keeps the multi (and so the
 * connection itself) alive. */
static int conns_held(const struct http_client *c)
{
  for (const struct http_conn *k = c->conns; k; k = k->next)
    if (!k->gone)
      return 1;
  return 0;
}

static void maybe_teardown(struct http_client *c)
{
  if (c->dispatching == 0 && c->closing == 1 && !conns_held(c)) {
    c->closing = 2;
    teardown(c);
  }
}

static void dispatch_end(struct http_client *c)
{
  c->dispatching--;
  maybe_teardown(c);
}

/* --- requests --- */

static void req_unlink(struct http_req *r)
{
  struct http_client *c = r->c;
  if (r->prev)
    r->prev->next = r->next;
  else if (c->reqs == r)
    c->reqs = r->next;
  if (r->next)
    r->next->prev = r->prev;
  r->prev = r->next = NULL;
}

void http_req_free(struct http_req *r)
{
  if (!r)
    return;
  if (r->easy)
    sym_curl_easy_cleanup(r->easy);
  free(r->method);
  free(r->path);
  free(r->prefix);
  buf_release(&r->query);
  sym_curl_slist_free_all(r->headers);
  free(r->body);
  strvec_clear(&r->resp.headers);
  buf_release(&r->resp.body);
  err_release(&r->resp.err);
  free(r);
}

/* Turn an error answer into a message: the engine's "message" verbatim,
 * else the text it sent. */
static int status_error(struct http_req *r)
{
  long st = r->resp.status;
  int code = st == 404 ? ERR_NOTFOUND : st == 409 ? ERR_CONFLICT : ERR_ENGINE;
  const char *msg = NULL;
  /* Go's TLS server answers a plain request so */
  const char *https = "HTTP request to an HTTPS server";
  if (st == 400 && !r->c->host.tls && r->resp.body.data &&
      strstr(r->resp.body.data, https))
    return err_set(&r->resp.err, ERR_CONNECT,
                   "the engine at %s speaks TLS: set DOCKER_TLS_VERIFY=1 "
                   "and DOCKER_CERT_PATH to the folder with its ca.pem, "
                   "cert.pem and key.pem",
                   r->c->host.host);
  cJSON *j = NULL;
  if (r->resp.body.len) {
    j = cJSON_ParseWithLength(r->resp.body.data, r->resp.body.len);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (cJSON_IsString(m))
      msg = m->valuestring;
  }
  if (msg) {
    err_set(&r->resp.err, code, "%s (engine: %ld)", msg, st);
  } else if (r->resp.body.len) {
    /* Not JSON: quote the text, on one line, trimmed and bounded. */
    struct buf t = BUF_INIT_CAP(512);
    for (size_t i = 0; i < r->resp.body.len; i++) {
      char ch = r->resp.body.data[i];
      if (ch == '\n' || ch == '\r' || ch == '\t')
        ch = ' ';
      if ((unsigned char)ch < 32)
        continue;
      if (buf_addch(&t, ch))
        break;
    }
    while (t.len && t.data[t.len - 1] == ' ')
      t.data[--t.len] = '\0';
    err_set(&r->resp.err, code, "%s (engine: %ld)",
            t.len ? t.data : "no message", st);
    buf_release(&t);
  } else {
    err_set(&r->resp.err, code, "the engine answered %ld with no message", st);
  }
  cJSON_Delete(j);
  return code;
}

/* Why a connection could not be made, and what to look at. A socket's
 * path is looked at, since connect(2) says ENOENT both for a missing file
 * and a missing folder, and ECONNREFUSED for a stale socket file. */
static const char *connect_reason(const struct dockerhost *h, long oserr)
{
  if (h->socket_path) {
    struct stat st;
    if (stat(h->socket_path, &st))
      return errno == ENOENT ? "no such file; is the daemon running?"
             : errno == ENOTDIR
                 ? "a part of the path is not a folder; is the address right?"
                 : "the path cannot be looked at; is the address right?";
    if (!S_ISSOCK(st.st_mode))
      return "that file is not a socket; is the address right?";
    if (oserr == ECONNREFUSED)
      return "nothing listens on the socket (connection refused); is the "
             "daemon running?";
    return "is the daemon running?";
  }
  switch (oserr) {
  case ECONNREFUSED:
    return "connection refused; is the daemon running?";
  case EHOSTUNREACH:
  case ENETUNREACH:
    return "no route to the host; is the address right?";
  case ETIMEDOUT:
    return "the connection timed out; is the daemon running?";
  default:
    return "is the daemon running?";
  }
}

int http_connect_error(const struct dockerhost *h, int code, const char *why,
                       long oserr, int answered, struct err *err)
{
  CURLcode res = (CURLcode)code;
  switch (res) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
    if ((oserr == EACCES || oserr == EPERM) && h->socket_path)
      return err_set(err, ERR_CONNECT,
                     "permission denied on %s: run as root or join the "
                     "docker group",
                     h->socket_path);
    return err_set(err, ERR_CONNECT,
                   "cannot connect to the Docker engine at %s%s%s%s: %s",
                   h->host, h->context ? " (docker context '" : "",
                   h->context ? h->context : "", h->context ? "')" : "",
                   connect_reason(h, oserr));
  case CURLE_PEER_FAILED_VERIFICATION:
    if (strstr(why, "subject name") || strstr(why, "does not match"))
      return err_set(err, ERR_CONNECT,
                     "the certificate of the engine at %s is not for that "
                     "address (%s): it must name the host of DOCKER_HOST",
                     h->host, why);
    if (h->context)
      return err_set(err, ERR_CONNECT,
                     "the certificate of the engine at %s is not signed by "
                     "the CA in '%s' (%s): was docker context '%s' made with "
                     "this engine's CA?",
                     h->host, h->ca ? h->ca : "the system's store", why,
                     h->context);
    return err_set(err, ERR_CONNECT,
                   "the certificate of the engine at %s is not signed by "
                   "the CA in '%s' (%s): is DOCKER_CERT_PATH the folder made "
                   "for this engine?",
                   h->host, h->ca ? h->ca : "the system's store", why);
  case CURLE_SSL_CACERT_BADFILE:
    return err_set(err, ERR_CONNECT, "cannot use '%s' as the CA: %s",
                   h->ca ? h->ca : "the system's store", why);
  case CURLE_SSL_CERTPROBLEM:
    return err_set(err, ERR_CONNECT,
                   "cannot use the client certificate '%s' with key '%s': %s",
                   h->cert ? h->cert : "(none)", h->key ? h->key : "(none)",
                   why);
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
    if (!h->tls || answered)
      return 0;
    if (strstr(why, "wrong version number") ||
        strstr(why, "packet length too long") ||
        strstr(why, "record layer failure"))
      return err_set(err, ERR_CONNECT,
                     "the engine at %s does not speak TLS (%s): unset "
                     "DOCKER_TLS_VERIFY and DOCKER_TLS, or use the engine's "
                     "TLS port",
                     h->host, why);
    if (!h->cert || !h->key)
      return err_set(err, ERR_CONNECT,
                     "the engine at %s ended the TLS connection: it wants a "
                     "client certificate, and '%s/cert.pem' or "
                     "'%s/key.pem' cannot be read (DOCKER_CERT_PATH names the "
                     "folder with ca.pem, cert.pem and key.pem)",
                     h->host, h->cert_dir ? h->cert_dir : "~/.docker",
                     h->cert_dir ? h->cert_dir : "~/.docker");
    if (strstr(why, "alert"))
      return err_set(err, ERR_CONNECT,
                     "the engine at %s refused the client certificate '%s' "
                     "(%s): is it signed by the engine's CA?",
                     h->host, h->cert, why);
    if (res == CURLE_SSL_CONNECT_ERROR)
      return err_set(err, ERR_CONNECT, "TLS with the engine at %s failed: %s",
                     h->host, why);
    return 0;
  default:
    return 0;
  }
}

static int curl_error(struct http_req *r, CURLcode res)
{
  struct http_client *c = r->c;
  const char *why = r->errbuf[0] ? r->errbuf : sym_curl_easy_strerror(res);
  long oserr = 0;
  sym_curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oserr);
  int answered = r->status_known || r->resp.status;
  int rc =
      http_connect_error(&c->host, res, why, oserr, answered, &r->resp.err);
  if (rc)
    return rc;
  switch (res) {
  case CURLE_OPERATION_TIMEDOUT: {
    curl_off_t connected = 0;
    sym_curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME_T, &connected);
    if (!answered && connected > 0 && r->timeout > 0)
      return err_set(&r->resp.err, ERR_CONNECT,
                     "the engine at %s took the connection but sent no "
                     "answer in %ld s (WCOMPOSE_ENGINE_TIMEOUT)",
                     c->host.host, r->timeout);
    if (!answered)
      return err_set(&r->resp.err, ERR_CONNECT,
                     "cannot connect to the Docker engine at %s: %s",
                     c->host.host, why);
    return err_set(&r->resp.err, ERR_TIMEOUT,
                   "the engine at %s did not finish its answer in %ld s "
                   "(WCOMPOSE_ENGINE_TIMEOUT)",
                   c->host.host, r->timeout);
  }
  case CURLE_PARTIAL_FILE:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
    return err_set(&r->resp.err, ERR_IO,
                   "the connection to the engine at %s broke mid-answer: %s",
                   c->host.host, why);
  default:
    return err_set(&r->resp.err, ERR_ENGINE, "talking to the engine at %s: %s",
                   c->host.host, why);
  }
}

/* With WCOMPOSE_TRACE set, one line per request that ended: how many round
 * trips a command makes is visible (and countable by the tests). */
static void trace_req(const struct http_req *r, int rc)
{
  static int trace = -1;
  if (trace < 0) {
    const char *t = getenv("WCOMPOSE_TRACE");
    trace = t && *t;
  }
  if (trace)
    fprintf(stderr, "wcompose: http %s %s%s%s -> %ld%s\n", r->method, r->path,
            r->query.len ? "?" : "", r->query.len ? r->query.data : "",
            r->resp.status, rc ? " (failed)" : "");
}

/* The one place a request ends: the callback runs once, then r is freed. */
static void finish(struct http_req *r, int rc)
{
  struct http_client *c = r->c;
  trace_req(r, rc);
  if (r->state == REQ_ACTIVE && c->multi)
    sym_curl_multi_remove_handle(c->multi, r->easy);
  req_unlink(r);
  r->state = REQ_DONE;
  if (!rc && r->resp.status >= 400)
    rc = status_error(r);
  if (rc && !r->resp.err.code)
    err_set(&r->resp.err, rc, "%s", err_text(rc));
  c->dispatching++;
  r->done(r->done_ctx, rc, &r->resp);
  http_req_free(r);
  dispatch_end(c);
}

static void conn_done(struct http_conn *k, CURLcode res);

static struct http_conn *conn_of(struct http_client *c, CURL *easy)
{
  for (struct http_conn *k = c->conns; k; k = k->next)
    if (k->easy == easy)
      return k;
  return NULL;
}

static void check_done(struct http_client *c)
{
  CURLMsg *msg;
  int left;
  while (c->multi && (msg = sym_curl_multi_info_read(c->multi, &left))) {
    if (msg->msg != CURLMSG_DONE)
      continue;
    struct http_conn *k = conn_of(c, msg->easy_handle);
    if (k) {
      conn_done(k, msg->data.result);
      continue;
    }
    struct http_req *r = NULL;
    CURLcode res = msg->data.result;
    sym_curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
    if (!r->status_known)
      sym_curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->resp.status);
    int rc = 0;
    if (r->canceled)
      rc = err_set(&r->resp.err, ERR_CANCELED, "request canceled");
    else if (r->abort_rc)
      rc = r->abort_rc;
    else if (res != CURLE_OK)
      rc = curl_error(r, res);
    finish(r, rc);
  }
}

/* --- curl callbacks --- */

static size_t on_header(char *p, size_t size, size_t nitems, void *ud)
{
  struct http_req *r = ud;
  size_t n = size * nitems;
  size_t k = n;
  while (k && (p[k - 1] == '\n' || p[k - 1] == '\r'))
    k--;
  if (k >= 5 && !strncmp(p, "HTTP/", 5)) {
    /* A new status line (after 100 Continue, say): start over. */
    strvec_clear(&r->resp.headers);
    return n;
  }
  if (!k && r->open && !r->opened) {
    /* the blank line after the headers: a final answer's is the one
     * with a status of 200 or more */
    long status = 0;
    sym_curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 400) {
      r->opened = 1;
      r->open(r->open_ctx);
    }
    return n;
  }
  if (k && k < HEADER_LINE_MAX && r->resp.headers.n < HEADERS_MAX) {
    char *line = xstrndup(p, k);
    strvec_push(&r->resp.headers, line);
    free(line);
  }
  return n;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
  struct http_req *r = ud;
  size_t n = size * nmemb;
  if (r->canceled)
    return 0;
  if (!r->status_known) {
    sym_curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->resp.status);
    r->status_known = 1;
    r->resp.body.cap =
        r->resp.status >= 400 && r->data ? HTTP_ERROR_BODY_MAX : r->cap;
  }
  if (r->resp.status >= 400 || !r->data) {
    if (!buf_add(&r->resp.body, p, n))
      return n;
    if (r->resp.status >= 400) {
      /* Keep the start of a long error answer; drop the rest. */
      size_t room = r->resp.body.cap - r->resp.body.len;
      buf_add(&r->resp.body, p, room < n ? room : n);
      return n;
    }
    r->abort_rc = err_set(&r->resp.err, ERR_LIMIT,
                          "the engine's answer to %s %s is over the limit "
                          "of %zu bytes",
                          r->method, r->path, r->cap);
    return 0;
  }
  int rc = r->data(r->data_ctx, p, n, &r->resp.err);
  if (rc < 0) {
    r->abort_rc = rc;
    return 0;
  }
  return r->canceled ? 0 : n;
}

static size_t on_read(char *p, size_t size, size_t nitems, void *ud)
{
  struct http_req *r = ud;
  if (r->canceled)
    return CURL_READFUNC_ABORT;
  size_t got = r->read(r->read_ctx, p, size * nitems);
  if (got == HTTP_READ_ERROR) {
    r->abort_rc =
        err_set(&r->resp.err, ERR_IO, "the body of %s %s could not be produced",
                r->method, r->path);
    return CURL_READFUNC_ABORT;
  }
  return got;
}

static void on_poll(uv_poll_t *h, int status, int events)
{
  struct poll_ctx *p = (struct poll_ctx *)h;
  struct http_client *c = p->c;
  int flags = 0;
  if (status < 0)
    flags = CURL_CSELECT_ERR;
  if (events & UV_READABLE)
    flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE)
    flags |= CURL_CSELECT_OUT;
  int running;
  c->dispatching++;
  sym_curl_multi_socket_action(c->multi, p->fd, flags, &running);
  check_done(c);
  dispatch_end(c);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp,
                     void *socketp)
{
  struct http_client *c = userp;
  struct poll_ctx *p = socketp;
  if (what == CURL_POLL_REMOVE) {
    if (p) {
      sym_curl_multi_assign(c->multi, s, NULL);
      poll_close(p);
    }
    return 0;
  }
  if (!p) {
    p = xcalloc(1, sizeof(*p));
    if (uv_poll_init_socket(c->loop, &p->poll, s)) {
      free(p);
      return -1;
    }
    p->fd = s;
    p->c = c;
    p->next = c->polls;
    if (c->polls)
      c->polls->prev = p;
    c->polls = p;
    c->open_handles++;
    sym_curl_multi_assign(c->multi, s, p);
  }
  int ev = 0;
  if (what & CURL_POLL_IN)
    ev |= UV_READABLE;
  if (what & CURL_POLL_OUT)
    ev |= UV_WRITABLE;
  uv_poll_start(&p->poll, ev, on_poll);
  return 0;
}

static void on_timeout(uv_timer_t *t)
{
  struct http_client *c = t->data;
  int running;
  if (!c->multi)
    return;
  c->dispatching++;
  sym_curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(c);
  dispatch_end(c);
}

static int on_curl_timer(CURLM *m, long ms, void *userp)
{
  struct http_client *c = userp;
  if (ms < 0)
    uv_timer_stop(&c->timer);
  else
    uv_timer_start(&c->timer, on_timeout, (uint64_t)ms, 0);
  return 0;
}

/* Hand queued requests to curl; end canceled ones. Callbacks may change the
 * list, so every finish starts the walk again. */
static int conns_kick(struct http_client *c);

static void on_kick(uv_timer_t *t)
{
  struct http_client *c = t->data;
  c->dispatching++;
  while (conns_kick(c))
    ;
again:
  for (struct http_req *r = c->reqs; r; r = r->next) {
    if (r->canceled) {
      err_set(&r->resp.err, ERR_CANCELED, "request canceled");
      finish(r, ERR_CANCELED);
      goto again;
    }
    if (r->state == REQ_QUEUED) {
      CURLMcode mc = sym_curl_multi_add_handle(c->multi, r->easy);
      if (mc != CURLM_OK) {
        finish(r, err_set(&r->resp.err, ERR_ENGINE, "cannot start %s %s: %s",
                          r->method, r->path, sym_curl_multi_strerror(mc)));
        goto again;
      }
      r->state = REQ_ACTIVE;
    }
  }
  dispatch_end(c);
}

/* --- connections alone --- */

static void conn_unlink(struct http_conn *k)
{
  struct http_client *c = k->c;
  if (k->prev)
    k->prev->next = k->next;
  else if (c->conns == k)
    c->conns = k->next;
  if (k->next)
    k->next->prev = k->prev;
  k->prev = k->next = NULL;
}

static void conn_leave_multi(struct http_conn *k)
{
  if (k->in_multi && k->c->multi)
    sym_curl_multi_remove_handle(k->c->multi, k->easy);
  k->in_multi = 0;
}

/* Out of the multi (which closes the connection) and freed. */
static void conn_reap(struct http_conn *k)
{
  conn_leave_multi(k);
  conn_unlink(k);
  sym_curl_easy_cleanup(k->easy);
  err_release(&k->err);
  free(k);
}

static void conn_callback(struct http_conn *k, int rc)
{
  struct http_client *c = k->c;
  c->dispatching++;
  k->cb(k->ctx, rc, &k->err);
  dispatch_end(c);
}

/* The one way a connection fails: out of the multi, then the callback. */
static int conn_fail(struct http_conn *k, int rc)
{
  conn_leave_multi(k);
  k->state = CONN_FAILED;
  conn_callback(k, rc);
  return rc;
}

/* Curl watched the socket while connecting; from now on the owner does,
 * and libuv takes one poll handle per socket. Curl has normally said
 * CURL_POLL_REMOVE already. */
static void conn_unwatch(struct http_client *c, curl_socket_t fd)
{
  for (struct poll_ctx *p = c->polls; p; p = p->next) {
    if (p->fd == fd) {
      sym_curl_multi_assign(c->multi, fd, NULL);
      poll_close(p);
      return;
    }
  }
}

static void conn_done(struct http_conn *k, CURLcode res)
{
  struct http_client *c = k->c;
  if (k->gone || k->state != CONN_ACTIVE)
    return;
  if (res != CURLE_OK) {
    const char *why = k->errbuf[0] ? k->errbuf : sym_curl_easy_strerror(res);
    long oserr = 0;
    sym_curl_easy_getinfo(k->easy, CURLINFO_OS_ERRNO, &oserr);
    if (!http_connect_error(&c->host, res, why, oserr, 0, &k->err))
      err_set(&k->err, ERR_CONNECT,
              "cannot connect to the Docker engine at %s: %s", c->host.host,
              why);
    conn_fail(k, ERR_CONNECT);
    return;
  }
  curl_socket_t fd = CURL_SOCKET_BAD;
  if (sym_curl_easy_getinfo(k->easy, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK ||
      fd == CURL_SOCKET_BAD) {
    conn_fail(k, err_set(&k->err, ERR_CONNECT, "no socket to the engine at %s",
                         c->host.host));
    return;
  }
  conn_unwatch(c, fd);
  k->fd = fd;
  k->state = CONN_OPEN;
  conn_callback(k, 0);
}

/* From the kick: free what was let go, hand what is queued to curl. 1
 * when a callback ran (the list may have changed: walk it again). */
static int conns_kick(struct http_client *c)
{
  for (struct http_conn *k = c->conns; k; k = k->next) {
    if (k->gone) {
      conn_reap(k);
      return 1;
    }
    if (k->state != CONN_QUEUED)
      continue;
    CURLMcode mc = sym_curl_multi_add_handle(c->multi, k->easy);
    if (mc != CURLM_OK) {
      conn_fail(k, err_set(&k->err, ERR_CONNECT,
                           "cannot connect to the Docker engine at %s: %s",
                           c->host.host, sym_curl_multi_strerror(mc)));
      return 1;
    }
    k->in_multi = 1;
    k->state = CONN_ACTIVE;
  }
  return 0;
}

int http_conn_open(struct http_client *c, http_conn_cb cb, void *ctx,
                   struct http_conn **out, struct err *err)
{
  if (c->closing)
    return err_set(err, ERR_STATE, "the engine client is shutting down");
  struct http_conn *k = xcalloc(1, sizeof(*k));
  k->c = c;
  k->cb = cb;
  k->ctx = ctx;
  k->fd = CURL_SOCKET_BAD;
  k->easy = sym_curl_easy_init();
  if (!k->easy)
    BUG("curl_easy_init failed");
  char *url = xasprintf("%s/", c->host.base_url);
  sym_curl_easy_setopt(k->easy, CURLOPT_URL, url);
  free(url);
  sym_curl_easy_setopt(k->easy, CURLOPT_CONNECT_ONLY, 1L);
  sym_curl_easy_setopt(k->easy, CURLOPT_PRIVATE, (char *)k);
  sym_curl_easy_setopt(k->easy, CURLOPT_ERRORBUFFER, k->errbuf);
  set_transport(c, k->easy);
  k->state = CONN_QUEUED;
  k->next = c->conns;
  if (c->conns)
    c->conns->prev = k;
  c->conns = k;
  uv_timer_start(&c->kick, on_kick, 0, 0);
  *out = k;
  return 0;
}

void *http_conn_easy(const struct http_conn *k)
{
  return k->easy;
}

int http_conn_socket(const struct http_conn *k)
{
  return k->fd;
}

void http_conn_free(struct http_conn *k)
{
  if (!k || k->gone)
    return;
  struct http_client *c = k->c;
  k->gone = 1;
  if (c->closing)
    maybe_teardown(c); /* the last one held: the client goes now */
  else
    uv_timer_start(&c->kick, on_kick, 0, 0);
}

/* --- public --- */

int http_client_new(uv_loop_t *loop, const struct dockerhost *host,
                    struct http_client **out, struct err *err)
{
  int rc = engine_libcurl_load(err);
  if (rc)
    return rc;
  struct http_client *c = xcalloc(1, sizeof(*c));
  c->loop = loop;
  c->multi = sym_curl_multi_init();
  if (!c->multi) {
    free(c);
    return err_set(err, ERR_ENGINE, "cannot initialize libcurl multi");
  }
  c->host.kind = host->kind;
  c->host.host = xstrdup(host->host);
  c->host.socket_path = host->socket_path ? xstrdup(host->socket_path) : NULL;
  c->host.base_url = xstrdup(host->base_url);
  c->host.tls = host->tls;
  c->host.tls_verify = host->tls_verify;
  c->host.ca = host->ca ? xstrdup(host->ca) : NULL;
  c->host.cert = host->cert ? xstrdup(host->cert) : NULL;
  c->host.key = host->key ? xstrdup(host->key) : NULL;
  c->host.api_version = host->api_version ? xstrdup(host->api_version) : NULL;
  c->host.cert_dir = host->cert_dir ? xstrdup(host->cert_dir) : NULL;
  c->host.context = host->context ? xstrdup(host->context) : NULL;
  uv_timer_init(loop, &c->timer);
  uv_timer_init(loop, &c->kick);
  c->timer.data = c;
  c->kick.data = c;
  c->open_handles = 2;
  sym_curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  sym_curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
  sym_curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
  sym_curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
  *out = c;
  return 0;
}

void http_client_free(struct http_client *c)
{
  if (!c || c->closing)
    return;
  c->closing = 1;
  c->dispatching++;
  while (c->reqs) {
    struct http_req *r = c->reqs;
    err_set(&r->resp.err, ERR_CANCELED, "request canceled: shutting down");
    finish(r, ERR_CANCELED);
  }
again:
  for (struct http_conn *k = c->conns; k; k = k->next) {
    if (!k->gone && (k->state == CONN_QUEUED || k->state == CONN_ACTIVE)) {
      conn_fail(k, err_set(&k->err, ERR_CANCELED,
                           "connecting canceled: shutting down"));
      goto again;
    }
  }
  dispatch_end(c);
}

const char *http_client_host(const struct http_client *c)
{
  return c->host.host;
}

const struct dockerhost *http_client_dockerhost(const struct http_client *c)
{
  return &c->host;
}

struct http_req *http_req_new(struct http_client *c, const char *method,
                              const char *path)
{
  struct http_req *r = xcalloc(1, sizeof(*r));
  r->c = c;
  r->method = xstrdup(method);
  r->path = xstrdup(path);
  r->cap = HTTP_BODY_MAX;
  r->easy = sym_curl_easy_init();
  if (!r->easy)
    BUG("curl_easy_init failed");
  return r;
}

void http_req_prefix(struct http_req *r, const char *prefix)
{
  free(r->prefix);
  r->prefix = prefix ? xstrdup(prefix) : NULL;
}

void http_req_query(struct http_req *r, const char *key, const char *value)
{
  char *k = sym_curl_easy_escape(r->easy, key, 0);
  char *v = sym_curl_easy_escape(r->easy, value, 0);
  if (!k || !v)
    BUG("curl_easy_escape failed");
  buf_addf(&r->query, "%s%s=%s", r->query.len ? "&" : "", k, v);
  sym_curl_free(k);
  sym_curl_free(v);
}

void http_req_header(struct http_req *r, const char *name, const char *value)
{
  char *line = xasprintf("%s: %s", name, value);
  struct curl_slist *l = sym_curl_slist_append(r->headers, line);
  free(line);
  if (!l)
    BUG("curl_slist_append failed");
  r->headers = l;
}

void http_req_body(struct http_req *r, const char *type, const void *data,
                   size_t n)
{
  free(r->body);
  r->body = xmalloc(n ? n : 1);
  if (n)
    memcpy(r->body, data, n);
  r->body_len = n;
  r->has_body = 1;
  if (type)
    http_req_header(r, "Content-Type", type);
}

void http_req_body_json(struct http_req *r, const cJSON *json)
{
  char *s = cJSON_PrintUnformatted(json);
  if (!s)
    BUG("cJSON_PrintUnformatted failed");
  http_req_body(r, "application/json", s, strlen(s));
  cJSON_free(s);
}

void http_req_body_stream(struct http_req *r, const char *type,
                          http_read_cb read, void *read_ctx)
{
  r->read = read;
  r->read_ctx = read_ctx;
  if (type)
    http_req_header(r, "Content-Type", type);
}

void http_req_on_data(struct http_req *r, http_data_cb cb, void *ctx)
{
  r->data = cb;
  r->data_ctx = ctx;
}

void http_req_on_open(struct http_req *r, http_open_cb cb, void *ctx)
{
  r->open = cb;
  r->open_ctx = ctx;
}

void http_req_cap(struct http_req *r, size_t cap)
{
  r->cap = cap;
}

void http_req_timeout(struct http_req *r, long seconds)
{
  r->timeout = seconds;
}

/* How to reach the engine: its unix socket, or TCP with its TLS. */
static void set_transport(const struct http_client *c, CURL *e)
{
  sym_curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  sym_curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
  if (c->host.socket_path)
    sym_curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, c->host.socket_path);
  if (c->host.tls) {
    sym_curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER,
                         c->host.tls_verify ? 1L : 0L);
    sym_curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST,
                         c->host.tls_verify ? 2L : 0L);
    if (c->host.ca)
      sym_curl_easy_setopt(e, CURLOPT_CAINFO, c->host.ca);
    if (c->host.cert)
      sym_curl_easy_setopt(e, CURLOPT_SSLCERT, c->host.cert);
    if (c->host.key)
      sym_curl_easy_setopt(e, CURLOPT_SSLKEY, c->host.key);
  }
}

static void setup_easy(struct http_req *r)
{
  struct http_client *c = r->c;
  CURL *e = r->easy;
  char *url = xasprintf(
      "%s%s%s%s%s", c->host.base_url, r->prefix ? r->prefix : "", r->path,
      r->query.len ? "?" : "", r->query.len ? r->query.data : "");
  sym_curl_easy_setopt(e, CURLOPT_URL, url);
  free(url);
  sym_curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)r);
  sym_curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
  if (r->timeout > 0)
    sym_curl_easy_setopt(e, CURLOPT_TIMEOUT, r->timeout);
  sym_curl_easy_setopt(e, CURLOPT_USERAGENT, "wcompose/" PACKAGE_VERSION);
  set_transport(c, e);
  sym_curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  sym_curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
  sym_curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
  sym_curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  /* No "Expect: 100-continue" round trip before bodies. */
  struct curl_slist *l = sym_curl_slist_append(r->headers, "Expect:");
  if (!l)
    BUG("curl_slist_append failed");
  r->headers = l;
  if (!strcmp(r->method, "GET")) {
    sym_curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (!strcmp(r->method, "HEAD")) {
    sym_curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else {
    if (r->read) {
      sym_curl_easy_setopt(e, CURLOPT_POST, 1L);
      sym_curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
      sym_curl_easy_setopt(e, CURLOPT_READDATA, r);
      http_req_header(r, "Transfer-Encoding", "chunked");
    } else if (r->has_body) {
      sym_curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                           (curl_off_t)r->body_len);
      sym_curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
    } else if (!strcmp(r->method, "POST") || !strcmp(r->method, "PUT")) {
      sym_curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
      sym_curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
    }
    sym_curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
  }
  sym_curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
}

int http_req_send(struct http_req *r, http_done_cb cb, void *ctx,
                  struct err *err)
{
  struct http_client *c = r->c;
  if (c->closing) {
    http_req_free(r);
    return err_set(err, ERR_STATE, "the engine client is shutting down");
  }
  if (r->state != REQ_NEW)
    BUG("request sent twice");
  r->done = cb;
  r->done_ctx = ctx;
  setup_easy(r);
  r->state = REQ_QUEUED;
  r->next = c->reqs;
  if (c->reqs)
    c->reqs->prev = r;
  c->reqs = r;
  uv_timer_start(&c->kick, on_kick, 0, 0);
  return 0;
}

void http_req_cancel(struct http_req *r)
{
  if (r->state == REQ_DONE || r->canceled)
    return;
  r->canceled = 1;
  uv_timer_start(&r->c->kick, on_kick, 0, 0);
}

const char *http_resp_header(const struct http_resp *resp, const char *name)
{
  size_t n = strlen(name);
  for (size_t i = 0; i < resp->headers.n; i++) {
    const char *h = resp->headers.v[i];
    if (!strncasecmp(h, name, n) && h[n] == ':') {
      h += n + 1;
      while (*h == ' ' || *h == '\t')
        h++;
      return h;
    }
  }
  return NULL;
}
