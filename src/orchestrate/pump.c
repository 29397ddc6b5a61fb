/* pump: stdin into a hijacked stream, with flow control and detach keys
 * (moved out of oneoff.c so run, exec and attach share it). */
#include "orchestrate/pump.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PUMP_CHUNK ((size_t)64 << 10)

enum pump_kind {
  PUMP_NONE,   /* none, closed or unusable: EOF at once */
  PUMP_STREAM, /* a pipe, socket or terminal: read by uv */
  PUMP_FILE    /* a file or device (/dev/null): epoll cannot watch it, so
                  it is read in chunks while the stream has room */
};

struct pump {
  union {
    uv_pipe_t pipe;
    uv_tty_t tty;
  } in;
  uv_loop_t *loop;
  enum pump_kind kind;
  int in_open; /* in is initialized: close it */
  int in_fd;   /* our dup of the input when not in a handle, or -1 */
  int reading; /* uv_read_start is on */
  int eof;     /* the input is over (or detached) */
  struct engine_attach *att;
  unsigned char keys[PUMP_KEYS_MAX];
  size_t nkeys, matched; /* keys[0..matched) typed and held back */
  void (*detached)(void *data);
  void *data;
  char buf[PUMP_CHUNK];
};

int pump_keys_parse(const char *text, unsigned char out[PUMP_KEYS_MAX],
                    size_t *n, struct err *err)
{
  const char *p = text;
  *n = 0;
  while (*p) {
    size_t len = strcspn(p, ",");
    int c = -1;
    if (len == 1) {
      c = (unsigned char)*p;
    } else if (len == 6 && !strncmp(p, "ctrl-", 5)) {
      char k = p[5];
      if (k >= 'a' && k <= 'z')
        c = k - 'a' + 1;
      else if (k == '@' || k == '[' || k == '\\' || k == ']' || k == '^' ||
               k == '_')
        c = k == '@' ? 0 : k - '[' + 27;
    }
    if (c < 0)
      return err_set(err, ERR_USAGE,
                     "invalid detach keys '%s': '%.*s' is not a key (want a "
                     "character or ctrl-<a-z@[\\]^_>, comma-separated)",
                     text, (int)len, p);
    if (*n == PUMP_KEYS_MAX)
      return err_set(err, ERR_USAGE,
                     "invalid detach keys '%s': more than %d keys", text,
                     PUMP_KEYS_MAX);
    out[(*n)++] = (unsigned char)c;
    p += len;
    if (*p == ',' && !*++p)
      return err_set(err, ERR_USAGE, "invalid detach keys '%s': empty key",
                     text);
  }
  if (!*n)
    return err_set(err, ERR_USAGE, "invalid detach keys '': name a key");
  return 0;
}

static void over(struct pump *p)
{
  if (p->eof)
    return;
  p->eof = 1;
  if (p->reading)
    uv_read_stop((uv_stream_t *)&p->in);
  p->reading = 0;
  if (p->att)
    engine_attach_close_stdin(p->att);
}

/* Hand bytes on; 1 when the stream is full enough to stop reading. */
static int give(struct pump *p, const char *b, size_t n)
{
  if (!p->att)
    return 1;
  long r = engine_attach_write(p->att, b, n);
  if (r < 0) {
    over(p); /* cannot happen while we respect the cap */
    return 1;
  }
  return (size_t)r >= HIJACK_PENDING_MAX / 2;
}

/* Forward b[0..n) watching for the detach sequence: 1 to stop reading
 * (full, or detached). */
static int forward(struct pump *p, const char *b, size_t n)
{
  if (!p->nkeys)
    return give(p, b, n);
  size_t from = 0;
  int full = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)b[i];
    if (c == p->keys[p->matched]) {
      /* held back: send what came before it */
      if (i > from)
        full |= give(p, b + from, i - from);
      from = i + 1;
      if (++p->matched == p->nkeys) {
        p->matched = 0;
        p->eof = 1;
        if (p->reading)
          uv_read_stop((uv_stream_t *)&p->in);
        p->reading = 0;
        p->detached(p->data);
        return 1;
      }
      continue;
    }
    if (p->matched) {
      /* no match after all: the held keys go first */
      full |= give(p, (const char *)p->keys, p->matched);
      p->matched = 0;
      if (c == p->keys[0]) {
        from = i + 1;
        p->matched = 1;
        continue;
      }
      from = i;
    }
  }
  if (n > from)
    full |= give(p, b + from, n - from);
  return full;
}

/* A file: read while the stream has room. */
static void pump_file(struct pump *p)
{
  while (!p->eof && p->att) {
    ssize_t n = read(p->in_fd, p->buf, sizeof(p->buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      over(p);
      return;
    }
    if (forward(p, p->buf, (size_t)n))
      return; /* pump_drain comes back */
  }
}

static void on_alloc(uv_handle_t *h, size_t want, uv_buf_t *b)
{
  struct pump *p = h->data;
  (void)want;
  *b = uv_buf_init(p->buf, sizeof(p->buf));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
  struct pump *p = s->data;
  if (n == 0)
    return;
  if (n < 0) {
    over(p);
    return;
  }
  if (forward(p, b->base, (size_t)n) && p->reading) {
    uv_read_stop(s);
    p->reading = 0;
  }
}

struct pump *pump_new(uv_loop_t *loop, int fd, const unsigned char *keys,
                      size_t nkeys, void (*detached)(void *data), void *data)
{
  struct pump *p = xcalloc(1, sizeof(*p));
  p->loop = loop;
  p->in_fd = -1;
  p->detached = detached;
  p->data = data;
  if (keys && detached && nkeys <= PUMP_KEYS_MAX) {
    memcpy(p->keys, keys, nkeys);
    p->nkeys = nkeys;
  }
  uv_handle_type t = fd >= 0 ? uv_guess_handle(fd) : UV_UNKNOWN_HANDLE;
  p->kind = t == UV_FILE                                       ? PUMP_FILE
            : t == UV_TTY || t == UV_NAMED_PIPE || t == UV_TCP ? PUMP_STREAM
                                                               : PUMP_NONE;
  if (p->kind != PUMP_NONE)
    p->in_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (p->in_fd < 0)
    p->kind = PUMP_NONE;
  if (p->kind != PUMP_STREAM)
    return p;
  int rc = t == UV_TTY ? uv_tty_init(loop, &p->in.tty, p->in_fd, 1)
                       : uv_pipe_init(loop, &p->in.pipe, 0);
  if (!rc && t != UV_TTY) {
    p->in_open = 1;
    rc = uv_pipe_open(&p->in.pipe, p->in_fd);
  }
  if (rc && !p->in_open) {
    p->kind = PUMP_FILE; /* read it in chunks then */
    return p;
  }
  p->in_open = 1;
  p->in.pipe.data = p;
  if (rc)
    p->kind = PUMP_NONE;
  else
    p->in_fd = -1; /* the handle owns it */
  return p;
}

void pump_start(struct pump *p, struct engine_attach *a)
{
  p->att = a;
  if (p->eof)
    return;
  if (p->kind == PUMP_NONE)
    over(p);
  else if (p->kind == PUMP_FILE)
    pump_file(p);
  else if (!uv_read_start((uv_stream_t *)&p->in, on_alloc, on_read))
    p->reading = 1;
  else
    over(p);
}

void pump_drain(struct pump *p)
{
  if (p->eof || !p->att)
    return;
  if (p->kind == PUMP_FILE)
    pump_file(p);
  else if (p->kind == PUMP_STREAM && !p->reading &&
           !uv_read_start((uv_stream_t *)&p->in, on_alloc, on_read))
    p->reading = 1;
}

void pump_stop(struct pump *p)
{
  if (!p)
    return;
  if (p->reading)
    uv_read_stop((uv_stream_t *)&p->in);
  p->reading = 0;
  p->att = NULL;
}

static void on_closed(uv_handle_t *h)
{
  free(h->data);
}

void pump_free(struct pump *p)
{
  if (!p)
    return;
  pump_stop(p);
  if (p->in_fd >= 0)
    close(p->in_fd);
  if (!p->in_open) {
    free(p);
    return;
  }
  uv_close((uv_handle_t *)&p->in, on_closed);
}
