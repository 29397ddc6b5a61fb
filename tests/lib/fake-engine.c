/* The scripted engine of the unit tests: an accept thread, one thread per
 * connection, one request per connection (every answer says "Connection:
 * close"), the script and the log under one mutex. */
#define _GNU_SOURCE /* accept4, pipe2, vasprintf */
#include "fake-engine.h"

#include "engine/api.h"
#include "engine/dockerhost.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_LEN 8192
#define HEADERS_MAX ((size_t)64 << 10)

struct rule {
  struct fake_rule r; /* strings and pieces owned */
  int index;
  int used;
  int cleared;
};

struct gate {
  char *name;
  struct gate *next;
};

struct conn {
  struct fake_engine *f;
  int fd;
  pthread_t thread;
  struct conn *next;
  /* input */
  char buf[16384];
  size_t off, len;
};

struct fake_engine {
  char dir[64];
  char sock[108];
  char url[128];
  int listen_fd;
  int stop_pipe[2]; /* written once at stop, never read: wakes every poll */
  pthread_t accept_thread;
  pthread_mutex_t mu;
  pthread_cond_t cond; /* gates opened, or stopping */
  int stopping;
  struct rule **rules;
  size_t nrules, arules;
  int next_index;
  struct fake_request *log;
  size_t nlog, alog;
  unsigned long seq;
  char ping_version[32];
  struct gate *gates;
  struct conn *conns; /* touched by the accept thread, then by stop */
};

/* --- patterns --- */

static int glob_n(const char *p, const char *s, size_t n)
{
  while (*p) {
    if (*p == '*') {
      while (*p == '*')
        p++;
      if (!*p)
        return 1;
      for (size_t k = 0; k <= n; k++)
        if (glob_n(p, s + k, n - k))
          return 1;
      return 0;
    }
    if (!n || *p != *s)
      return 0;
    p++;
    s++;
    n--;
  }
  return n == 0;
}

static const char *strip_version(const char *target)
{
  if (!strncmp(target, "/v1.", 4)) {
    const char *s = strchr(target + 1, '/');
    if (s)
      return s;
  }
  return target;
}

int fake_engine_match(const char *pattern, const char *path)
{
  if (!pattern)
    return 1;
  size_t n = strlen(path);
  if (!strchr(pattern, '?')) {
    const char *q = strchr(path, '?');
    if (q)
      n = (size_t)(q - path);
  }
  return glob_n(pattern, path, n);
}

static int method_match(const char *want, const char *got)
{
  return !want || !strcmp(want, "*") || !strcmp(want, got);
}

static int request_match(const struct fake_request *q, const char *method,
                         const char *pattern)
{
  return method_match(method, q->method) && fake_engine_match(pattern, q->path);
}

/* --- reading a request --- */

/* Wait for fd to be readable; -1 when stopping. */
static int wait_readable(struct fake_engine *f, int fd, int ms)
{
  struct pollfd p[2] = {{fd, POLLIN, 0}, {f->stop_pipe[0], POLLIN, 0}};
  for (;;) {
    int n = poll(p, 2, ms);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 || p[1].revents)
      return -1;
    return n; /* 0: timed out */
  }
}

static int conn_fill(struct conn *c)
{
  if (c->off) {
    memmove(c->buf, c->buf + c->off, c->len - c->off);
    c->len -= c->off;
    c->off = 0;
  }
  if (c->len == sizeof(c->buf))
    return -1;
  if (wait_readable(c->f, c->fd, -1) <= 0)
    return -1;
  ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
  if (n <= 0)
    return -1;
  c->len += (size_t)n;
  return 0;
}

/* The next line without its "\r\n", cut to max - 1. */
static int conn_line(struct conn *c, char *out, size_t max)
{
  for (;;) {
    char *b = c->buf + c->off;
    char *nl = memchr(b, '\n', c->len - c->off);
    if (nl) {
      size_t k = (size_t)(nl - b);
      c->off += k + 1;
      if (k && b[k - 1] == '\r')
        k--;
      if (k >= max)
        k = max - 1;
      memcpy(out, b, k);
      out[k] = '\0';
      return 0;
    }
    if (conn_fill(c))
      return -1;
  }
}

struct body {
  char *data;
  size_t len, kept, alloc;
};

static void body_add(struct body *b, const char *p, size_t n)
{
  b->len += n;
  size_t room = FAKE_BODY_MAX - b->kept;
  if (n > room)
    n = room;
  if (b->kept + n + 1 > b->alloc) {
    b->alloc = (b->kept + n + 1) * 2;
    b->data = xrealloc(b->data, b->alloc);
  }
  memcpy(b->data + b->kept, p, n);
  b->kept += n;
  b->data[b->kept] = '\0';
}

static int conn_take(struct conn *c, size_t n, struct body *b)
{
  while (n) {
    if (c->off == c->len && conn_fill(c))
      return -1;
    size_t k = c->len - c->off;
    if (k > n)
      k = n;
    if (b)
      body_add(b, c->buf + c->off, k);
    c->off += k;
    n -= k;
  }
  return 0;
}

static void add_str(char **s, size_t *len, const char *t)
{
  size_t n = strlen(t);
  if (*len + n + 1 > HEADERS_MAX)
    return;
  *s = xrealloc(*s, *len + n + 1);
  memcpy(*s + *len, t, n + 1);
  *len += n;
}

/* Read one request into q (method, target, headers, body). */
static int read_request(struct conn *c, struct fake_request *q)
{
  char line[LINE_MAX_LEN];
  if (conn_line(c, line, sizeof(line)))
    return -1;
  char *sp = strchr(line, ' ');
  char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
  if (!sp || !sp2)
    return -1;
  *sp = *sp2 = '\0';
  q->method = xstrdup(line);
  q->target = xstrdup(sp + 1);
  q->path = xstrdup(strip_version(q->target));
  size_t hlen = 0;
  q->headers = xstrdup("");
  long clen = 0;
  int chunked = 0;
  for (;;) {
    if (conn_line(c, line, sizeof(line)))
      return -1;
    if (!line[0])
      break;
    add_str(&q->headers, &hlen, line);
    add_str(&q->headers, &hlen, "\r\n");
    if (!strncasecmp(line, "Content-Length:", 15))
      clen = atol(line + 15);
    if (!strncasecmp(line, "Transfer-Encoding:", 18) && strstr(line, "chunked"))
      chunked = 1;
  }
  struct body b = {0};
  body_add(&b, "", 0);
  int rc = 0;
  if (!chunked) {
    rc = conn_take(c, (size_t)(clen > 0 ? clen : 0), &b);
  } else {
    for (;;) {
      if (conn_line(c, line, sizeof(line))) {
        rc = -1;
        break;
      }
      size_t n = (size_t)strtoul(line, NULL, 16);
      if (conn_take(c, n, &b) || conn_take(c, 2, NULL)) {
        rc = -1;
        break;
      }
      if (!n)
        break;
    }
  }
  q->body = b.data;
  q->body_len = b.len;
  return rc;
}

/* --- writing --- */

/* Write all of p; -1 once the client is gone. */
static int say(int fd, const void *p, size_t n)
{
  while (n) {
    /* the client may hang up on purpose (cancel, caps): no SIGPIPE */
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    p = (const char *)p + k;
    n -= (size_t)k;
  }
  return 0;
}

static int sayf(int fd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int sayf(int fd, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  int n = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (n < 0)
    abort();
  int rc = say(fd, s, (size_t)n);
  free(s);
  return rc;
}

static const char *reason(int status)
{
  switch (status) {
  case 200:
    return "OK";
  case 201:
    return "Created";
  case 204:
    return "No Content";
  case 304:
    return "Not Modified";
  case 400:
    return "Bad Request";
  case 404:
    return "Not Found";
  case 409:
    return "Conflict";
  case 500:
    return "Internal Server Error";
  default:
    return "Status";
  }
}

/* Sleep ms, or less when stopping (-1). */
static int pause_ms(struct fake_engine *f, int ms)
{
  if (ms <= 0)
    return 0;
  struct pollfd p = {f->stop_pipe[0], POLLIN, 0};
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    long spent =
        (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
    if (spent >= ms)
      return 0;
    int n = poll(&p, 1, (int)(ms - spent));
    if (n > 0)
      return -1;
  }
}

/* Hold fd until the client hangs up, stop, or FAKE_HOLD_MAX_MS. */
static void hold(struct fake_engine *f, int fd)
{
  char b[256];
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    long spent =
        (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
    if (spent >= FAKE_HOLD_MAX_MS)
      return;
    int n = wait_readable(f, fd, (int)(FAKE_HOLD_MAX_MS - spent));
    if (n < 0)
      return;
    if (n > 0) {
      ssize_t k = read(fd, b, sizeof(b));
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        return;
    }
  }
}

/* A raw stream's clean end: the sending side shut, then what the client
 * still sends (stdin written before it saw the end) read until it hangs up
 * or a second passes. Closing with unread input would send a reset, which
 * the client may read as a broken stream instead of its end. */
static void end_raw(struct fake_engine *f, int fd)
{
  char b[256];
  shutdown(fd, SHUT_WR);
  for (int waited = 0; waited < 1000;) {
    int n = wait_readable(f, fd, 50);
    if (n < 0)
      return;
    if (!n) {
      waited += 50;
      continue;
    }
    ssize_t k = read(fd, b, sizeof(b));
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return;
  }
}

/* --- the log (call with the mutex held) --- */

static struct fake_request *log_find_seq(struct fake_engine *f,
                                         unsigned long seq)
{
  for (size_t i = f->nlog; i-- > 0;)
    if (f->log[i].seq_in == seq)
      return &f->log[i];
  return NULL;
}

static int gate_is_open(struct fake_engine *f, const char *name)
{
  for (struct gate *g = f->gates; g; g = g->next)
    if (!strcmp(g->name, name))
      return 1;
  return 0;
}

static void gate_open_locked(struct fake_engine *f, const char *name)
{
  if (gate_is_open(f, name))
    return;
  struct gate *g = xcalloc(1, sizeof(*g));
  g->name = xstrdup(name);
  g->next = f->gates;
  f->gates = g;
  pthread_cond_broadcast(&f->cond);
}

/* Wait for the gate; 1 when it timed out, -1 when stopping. */
static int gate_wait(struct fake_engine *f, const char *name)
{
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += FAKE_GATE_MAX_MS / 1000;
  until.tv_nsec += (long)(FAKE_GATE_MAX_MS % 1000) * 1000000;
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000;
  }
  int rc = 0;
  pthread_mutex_lock(&f->mu);
  while (!f->stopping && !gate_is_open(f, name)) {
    if (pthread_cond_timedwait(&f->cond, &f->mu, &until) == ETIMEDOUT) {
      rc = 1;
      break;
    }
  }
  if (f->stopping)
    rc = -1;
  pthread_mutex_unlock(&f->mu);
  return rc;
}

/* --- answering --- */

static void answer_rule(struct fake_engine *f, int fd, const struct rule *ru,
                        unsigned long seq)
{
  const struct fake_rule *r = &ru->r;
  if (pause_ms(f, r->delay_ms))
    return;
  if (r->gate) {
    int g = gate_wait(f, r->gate);
    if (g < 0)
      return;
    if (g) {
      pthread_mutex_lock(&f->mu);
      struct fake_request *q = log_find_seq(f, seq);
      if (q)
        q->gate_timeout = 1;
      pthread_mutex_unlock(&f->mu);
    }
  }
  int status = r->status ? r->status : 200;
  const char *type = r->type ? r->type : "application/json";
  const char *extra = r->headers ? r->headers : "";
  if (!r->stream && !r->npieces && r->end == FAKE_END_DONE) {
    const char *body = r->body ? r->body : "";
    if (!sayf(fd,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "%sConnection: close\r\n\r\n",
              status, reason(status), type, strlen(body), extra))
      say(fd, body, strlen(body));
    return;
  }
  if (sayf(fd,
           "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%s%sConnection: close"
           "\r\n\r\n",
           status, reason(status), type,
           r->raw ? "" : "Transfer-Encoding: chunked\r\n", extra))
    return;
  for (size_t i = 0; i < r->npieces; i++) {
    const struct fake_piece *p = &r->pieces[i];
    if (pause_ms(f, p->delay_ms))
      return;
    int rc;
    if (r->raw)
      rc = say(fd, p->data, p->len);
    else if (!p->len)
      rc = 0; /* an empty chunk would end the stream */
    else
      rc = sayf(fd, "%zx\r\n", p->len) || say(fd, p->data, p->len) ||
           say(fd, "\r\n", 2);
    if (rc)
      return;
  }
  if (r->end == FAKE_END_DONE && !r->raw)
    say(fd, "0\r\n\r\n", 5);
  else if (r->end == FAKE_END_DONE)
    end_raw(f, fd);
  else if (r->end == FAKE_END_HOLD)
    hold(f, fd);
}

static void answer_default(struct fake_engine *f, int fd,
                           const struct fake_request *q, const char *ping)
{
  size_t n = strcspn(q->path, "?");
  if (n == 6 && !strncmp(q->path, "/_ping", 6) &&
      (!strcmp(q->method, "GET") || !strcmp(q->method, "HEAD"))) {
    sayf(fd,
         "HTTP/1.1 200 OK\r\n%s%s%sContent-Type: text/plain\r\n"
         "Content-Length: 2\r\nConnection: close\r\n\r\n%s",
         ping[0] ? "Api-Version: " : "", ping, ping[0] ? "\r\n" : "",
         strcmp(q->method, "HEAD") ? "OK" : "");
    return;
  }
  (void)f;
  /* a JSON string: escape what the target could hold */
  char msg[512];
  size_t k = 0;
  for (const char *s = q->target; *s && k + 2 < sizeof(msg); s++) {
    if (*s == '"' || *s == '\\')
      msg[k++] = '\\';
    msg[k++] = *s;
  }
  msg[k] = '\0';
  char *body = xasprintf("{\"message\":\"fake engine: no rule for %s %s\"}",
                         q->method, msg);
  sayf(fd,
       "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
       "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
       strlen(body), body);
  free(body);
}

static void *conn_main(void *arg)
{
  struct conn *c = arg;
  struct fake_engine *f = c->f;
  struct fake_request q = {0};
  if (read_request(c, &q)) {
    fake_request_release(&q);
    close(c->fd);
    c->fd = -1;
    return NULL;
  }
  /* record, match, and take a use of the rule in one step */
  pthread_mutex_lock(&f->mu);
  unsigned long seq = ++f->seq;
  q.seq_in = seq;
  q.rule = -1;
  const struct rule *ru = NULL;
  for (size_t i = 0; i < f->nrules; i++) {
    struct rule *r = f->rules[i];
    if (r->cleared || (r->r.times && r->used >= r->r.times))
      continue;
    if (!method_match(r->r.method, q.method) ||
        !fake_engine_match(r->r.pattern, q.path))
      continue;
    r->used++;
    ru = r;
    q.rule = r->index;
    if (r->r.opens)
      gate_open_locked(f, r->r.opens);
    break;
  }
  char ping[sizeof(f->ping_version)];
  memcpy(ping, f->ping_version, sizeof(ping));
  /* what the default answer needs, as the test may clear the log */
  struct fake_request mine = {.method = xstrdup(q.method),
                              .target = xstrdup(q.target),
                              .path = xstrdup(q.path)};
  if (f->nlog == f->alog) {
    f->alog = f->alog ? f->alog * 2 : 64;
    f->log = xrealloc(f->log, f->alog * sizeof(*f->log));
  }
  f->log[f->nlog++] = q; /* the log owns q's strings now */
  pthread_mutex_unlock(&f->mu);

  /* rules are never freed before stop: ru stays valid unlocked */
  if (ru)
    answer_rule(f, c->fd, ru, seq);
  else
    answer_default(f, c->fd, &mine, ping);
  fake_request_release(&mine);
  pthread_mutex_lock(&f->mu);
  struct fake_request *e = log_find_seq(f, seq);
  if (e)
    e->seq_out = ++f->seq;
  pthread_cond_broadcast(&f->cond); /* for fake_engine_settle */
  pthread_mutex_unlock(&f->mu);
  close(c->fd);
  c->fd = -1;
  return NULL;
}

static void *accept_main(void *arg)
{
  struct fake_engine *f = arg;
  for (;;) {
    if (wait_readable(f, f->listen_fd, -1) < 0)
      return NULL;
    int fd = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED)
        continue;
      return NULL;
    }
    struct conn *c = xcalloc(1, sizeof(*c));
    c->f = f;
    c->fd = fd;
    if (pthread_create(&c->thread, NULL, conn_main, c)) {
      close(fd);
      free(c);
      continue;
    }
    c->next = f->conns;
    f->conns = c;
  }
}

/* --- start, stop --- */

struct fake_engine *fake_engine_start(void)
{
  struct fake_engine *f = xcalloc(1, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/wcompose-fake-XXXXXX");
  if (!mkdtemp(f->dir))
    abort();
  snprintf(f->sock, sizeof(f->sock), "%s/engine.sock", f->dir);
  snprintf(f->url, sizeof(f->url), "unix://%s", f->sock);
  snprintf(f->ping_version, sizeof(f->ping_version), "1.41");
  f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof(a.sun_path), "%s", f->sock);
  if (f->listen_fd < 0 ||
      bind(f->listen_fd, (struct sockaddr *)&a, sizeof(a)) ||
      listen(f->listen_fd, 64) || pipe2(f->stop_pipe, O_CLOEXEC))
    abort();
  pthread_mutex_init(&f->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&f->cond, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&f->accept_thread, NULL, accept_main, f))
    abort();
  return f;
}

static void rule_free(struct rule *ru)
{
  struct fake_rule *r = &ru->r;
  free((char *)r->method);
  free((char *)r->pattern);
  free((char *)r->type);
  free((char *)r->body);
  free((char *)r->headers);
  free((char *)r->gate);
  free((char *)r->opens);
  for (size_t i = 0; i < r->npieces; i++)
    free((char *)r->pieces[i].data);
  free((struct fake_piece *)r->pieces);
  free(ru);
}

void fake_engine_stop(struct fake_engine *f)
{
  if (!f)
    return;
  pthread_mutex_lock(&f->mu);
  f->stopping = 1;
  pthread_cond_broadcast(&f->cond);
  pthread_mutex_unlock(&f->mu);
  if (write(f->stop_pipe[1], "x", 1) != 1)
    abort();
  pthread_join(f->accept_thread, NULL);
  while (f->conns) {
    struct conn *c = f->conns;
    f->conns = c->next;
    pthread_join(c->thread, NULL);
    free(c);
  }
  close(f->listen_fd);
  close(f->stop_pipe[0]);
  close(f->stop_pipe[1]);
  unlink(f->sock);
  rmdir(f->dir);
  for (size_t i = 0; i < f->nrules; i++)
    rule_free(f->rules[i]);
  free(f->rules);
  for (size_t i = 0; i < f->nlog; i++)
    fake_request_release(&f->log[i]);
  free(f->log);
  while (f->gates) {
    struct gate *g = f->gates;
    f->gates = g->next;
    free(g->name);
    free(g);
  }
  pthread_cond_destroy(&f->cond);
  pthread_mutex_destroy(&f->mu);
  free(f);
}

const char *fake_engine_socket(const struct fake_engine *f)
{
  return f->sock;
}

const char *fake_engine_dir(const struct fake_engine *f)
{
  return f->dir;
}

const char *fake_engine_url(const struct fake_engine *f)
{
  return f->url;
}

int fake_engine_client(struct fake_engine *f, uv_loop_t *loop,
                       const char *api_version, struct engine **out,
                       struct err *err)
{
  struct dockerhost h;
  int rc = dockerhost_parse(&h, f->url, 0, 0, NULL, err);
  if (rc)
    return rc;
  if (api_version) {
    free(h.api_version);
    h.api_version = xstrdup(api_version);
  }
  rc = engine_new(loop, &h, out, err);
  dockerhost_release(&h);
  return rc;
}

/* --- the script --- */

static char *dup_or_null(const char *s)
{
  return s ? xstrdup(s) : NULL;
}

void fake_engine_add(struct fake_engine *f, const struct fake_rule *r)
{
  struct rule *ru = xcalloc(1, sizeof(*ru));
  ru->r = *r;
  ru->r.method = dup_or_null(r->method);
  ru->r.pattern = dup_or_null(r->pattern);
  ru->r.type = dup_or_null(r->type);
  ru->r.body = dup_or_null(r->body);
  ru->r.headers = dup_or_null(r->headers);
  ru->r.gate = dup_or_null(r->gate);
  ru->r.opens = dup_or_null(r->opens);
  struct fake_piece *p = xcalloc(r->npieces ? r->npieces : 1, sizeof(*p));
  for (size_t i = 0; i < r->npieces; i++) {
    p[i] = r->pieces[i];
    if (!p[i].len && p[i].data)
      p[i].len = strlen(p[i].data);
    char *d = xmalloc(p[i].len + 1);
    if (p[i].len)
      memcpy(d, r->pieces[i].data, p[i].len);
    d[p[i].len] = '\0';
    p[i].data = d;
  }
  ru->r.pieces = p;
  pthread_mutex_lock(&f->mu);
  ru->index = f->next_index++;
  if (f->nrules == f->arules) {
    f->arules = f->arules ? f->arules * 2 : 16;
    f->rules = xrealloc(f->rules, f->arules * sizeof(*f->rules));
  }
  f->rules[f->nrules++] = ru;
  pthread_mutex_unlock(&f->mu);
}

void fake_engine_reply(struct fake_engine *f, const char *method,
                       const char *pattern, int status, const char *body)
{
  struct fake_rule r = {
      .method = method, .pattern = pattern, .status = status, .body = body};
  fake_engine_add(f, &r);
}

void fake_engine_clear(struct fake_engine *f)
{
  pthread_mutex_lock(&f->mu);
  for (size_t i = 0; i < f->nrules; i++)
    f->rules[i]->cleared = 1;
  pthread_mutex_unlock(&f->mu);
}

void fake_engine_ping_version(struct fake_engine *f, const char *v)
{
  pthread_mutex_lock(&f->mu);
  snprintf(f->ping_version, sizeof(f->ping_version), "%s", v ? v : "1.41");
  pthread_mutex_unlock(&f->mu);
}

void fake_engine_open(struct fake_engine *f, const char *gate)
{
  pthread_mutex_lock(&f->mu);
  gate_open_locked(f, gate);
  pthread_mutex_unlock(&f->mu);
}

/* --- the log --- */

size_t fake_engine_count(struct fake_engine *f, const char *method,
                         const char *pattern)
{
  size_t n = 0;
  pthread_mutex_lock(&f->mu);
  for (size_t i = 0; i < f->nlog; i++)
    n += request_match(&f->log[i], method, pattern);
  pthread_mutex_unlock(&f->mu);
  return n;
}

int fake_engine_settle(struct fake_engine *f, unsigned ms)
{
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += ms / 1000;
  until.tv_nsec += (long)(ms % 1000) * 1000000;
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000;
  }
  int rc = 0;
  pthread_mutex_lock(&f->mu);
  for (;;) {
    size_t open = 0;
    for (size_t i = 0; i < f->nlog; i++)
      if (!f->log[i].seq_out)
        open++;
    if (!open || f->stopping)
      break;
    if (pthread_cond_timedwait(&f->cond, &f->mu, &until) == ETIMEDOUT) {
      rc = 1;
      break;
    }
  }
  pthread_mutex_unlock(&f->mu);
  return rc;
}

long fake_engine_find(struct fake_engine *f, const char *method,
                      const char *pattern, size_t nth)
{
  long at = -1;
  pthread_mutex_lock(&f->mu);
  for (size_t i = 0; i < f->nlog; i++)
    if (request_match(&f->log[i], method, pattern) && !nth--) {
      at = (long)i;
      break;
    }
  pthread_mutex_unlock(&f->mu);
  return at;
}

int fake_engine_get(struct fake_engine *f, long i, struct fake_request *out)
{
  memset(out, 0, sizeof(*out));
  pthread_mutex_lock(&f->mu);
  if (i < 0)
    i += (long)f->nlog;
  int rc = -1;
  if (i >= 0 && (size_t)i < f->nlog) {
    const struct fake_request *q = &f->log[i];
    *out = *q;
    out->method = xstrdup(q->method);
    out->target = xstrdup(q->target);
    out->path = xstrdup(q->path);
    out->headers = xstrdup(q->headers);
    out->body = xmalloc(q->body_len < FAKE_BODY_MAX ? q->body_len + 1
                                                    : FAKE_BODY_MAX + 1);
    size_t kept = q->body_len < FAKE_BODY_MAX ? q->body_len : FAKE_BODY_MAX;
    memcpy(out->body, q->body, kept);
    out->body[kept] = '\0';
    rc = 0;
  }
  pthread_mutex_unlock(&f->mu);
  return rc;
}

void fake_request_release(struct fake_request *r)
{
  free(r->method);
  free(r->target);
  free(r->path);
  free(r->headers);
  free(r->body);
  memset(r, 0, sizeof(*r));
}

char *fake_engine_body(struct fake_engine *f, const char *method,
                       const char *pattern, size_t nth)
{
  long i = fake_engine_find(f, method, pattern, nth);
  if (i < 0)
    return NULL;
  struct fake_request q;
  if (fake_engine_get(f, i, &q))
    return NULL; /* the log was cleared in between */
  char *b = q.body;
  q.body = NULL;
  fake_request_release(&q);
  return b;
}

char *fake_engine_log(struct fake_engine *f, const char *method,
                      const char *pattern)
{
  size_t len = 0;
  char *s = xstrdup("");
  pthread_mutex_lock(&f->mu);
  for (size_t i = 0; i < f->nlog; i++) {
    const struct fake_request *q = &f->log[i];
    if (!request_match(q, method, pattern))
      continue;
    size_t n = strlen(q->method) + strlen(q->path) + 2;
    s = xrealloc(s, len + n + 1);
    snprintf(s + len, n + 1, "%s %s\n", q->method, q->path);
    len += n;
  }
  pthread_mutex_unlock(&f->mu);
  return s;
}

size_t fake_engine_unmatched(struct fake_engine *f)
{
  size_t n = 0;
  pthread_mutex_lock(&f->mu);
  for (size_t i = 0; i < f->nlog; i++) {
    const struct fake_request *q = &f->log[i];
    if (q->rule < 0 && !fake_engine_match("/_ping", q->path))
      n++;
  }
  pthread_mutex_unlock(&f->mu);
  return n;
}

void fake_engine_log_clear(struct fake_engine *f)
{
  pthread_mutex_lock(&f->mu);
  for (size_t i = 0; i < f->nlog; i++)
    fake_request_release(&f->log[i]);
  f->nlog = 0;
  pthread_mutex_unlock(&f->mu);
}
