/* The head of a hijacked attach's answer, on bytes recorded from a real
 * engine (tests/unit/data/attach-*.raw): whole, cut short at every
 * offset, with stream bytes after it, and malformed. Then the handshake
 * against the scripted engine: a slow 101 holds up nothing else on the
 * loop, and a refusal comes to the done callback; a slow connect (TCP
 * whose handshake ends late) does not either. */
#include "tap.h"
#include "../lib/fake-engine.h"
#include "engine/api.h"
#include "engine/hijack.h"
#include "util/buf.h"
#include "engine/dockerhost.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static uv_loop_t loop;

/* The loop's timer lets the slow part go at its GO_TICKth tick (a gate of
 * the scripted engine, or the slow TCP's accept): the answer can come only
 * if the loop ran meanwhile, whatever the machine's load. */
#define GO_TICK 10

struct seen {
  int ready, done, rc;
  int ticks, ticks_at_ready;
  uint64_t ready_at, last_tick, max_gap; /* ms */
  struct fake_engine *fe;                /* open gate at GO_TICK, or */
  const char *gate;
  atomic_int *release; /* set it at GO_TICK */
  struct buf out;
  char msg[512];
};

static uint64_t now_ms(void)
{
  return uv_hrtime() / 1000000;
}

static void on_tick(uv_timer_t *t)
{
  struct seen *s = t->data;
  uint64_t now = now_ms();
  if (s->last_tick && now - s->last_tick > s->max_gap)
    s->max_gap = now - s->last_tick;
  s->last_tick = now;
  s->ticks++;
  if (s->ticks == GO_TICK && s->gate)
    fake_engine_open(s->fe, s->gate);
  if (s->ticks == GO_TICK && s->release)
    atomic_store(s->release, 1);
}

static int on_out(void *ctx, enum stream_kind kind, const char *data, size_t n)
{
  struct seen *s = ctx;
  (void)kind;
  buf_add(&s->out, data, n);
  return 0;
}

static void on_ready(void *ctx)
{
  struct seen *s = ctx;
  s->ready++;
  s->ticks_at_ready = s->ticks;
  s->ready_at = now_ms();
}

static void on_done(void *ctx, int rc, const struct err *err)
{
  struct seen *s = ctx;
  s->done++;
  s->rc = rc;
  snprintf(s->msg, sizeof(s->msg), "%s", err && err->text ? err->text : "");
}

/* Whether the first request for path waited at its gate until the gate
 * gave up (no tick opened it). */
static int gate_timed_out(struct fake_engine *fe, const char *path)
{
  struct fake_request r;
  if (fake_engine_get(fe, fake_engine_find(fe, "POST", path, 0), &r))
    return 1;
  int t = r.gate_timeout;
  fake_request_release(&r);
  return t;
}

static void test_async_handshake(void)
{
  uv_loop_init(&loop);
  struct fake_engine *fe = fake_engine_start();
  static const struct fake_piece hi[] = {{"\1\0\0\0\0\0\0\3hi\n", 11, 0}};
  struct fake_rule slow = {.method = "POST",
                           .pattern = "/containers/c1/attach",
                           .status = 101,
                           .type = "application/vnd.docker.raw-stream",
                           .headers = "Upgrade: tcp\r\n",
                           .gate = "go101",
                           .raw = 1,
                           .pieces = hi,
                           .npieces = 1};
  fake_engine_add(fe, &slow);
  fake_engine_add(fe, &(struct fake_rule){.method = "POST",
                                          .pattern = "/containers/c2/attach",
                                          .status = 404,
                                          .type = "text/plain",
                                          .body = "No such container: c2\n",
                                          .gate = "go404"});
  struct engine *e = NULL;
  struct err err = ERR_INIT;
  fake_engine_client(fe, &loop, "1.41", &e, &err);

  struct seen s;
  memset(&s, 0, sizeof(s));
  s.fe = fe;
  s.gate = "go101";
  uv_timer_t tick;
  uv_timer_init(&loop, &tick);
  tick.data = &s;
  uv_timer_start(&tick, on_tick, 20, 20);
  struct engine_attach *a = NULL;
  uint64_t t0 = now_ms();
  int rc = engine_attach_open(e, "c1", 0, on_out, on_ready, on_done, NULL, &s,
                              &a, &err);
  uint64_t took = now_ms() - t0;
  is_int(rc, 0, "slow 101: open returns 0");
  /* the answer is held until the loop's GO_TICKth tick: an open that
   * waited for it would have waited until the gate gave up */
  ok(!s.ready && !s.done,
     "slow 101: open returns before the answer, nothing called back yet "
     "(%llu ms)",
     (unsigned long long)took);
  /* stdin before the answer waits in the attach */
  ok(engine_attach_write(a, "x", 1) == 1, "stdin held before the 101");
  while (!s.done)
    uv_run(&loop, UV_RUN_ONCE);
  is_int(s.ready, 1, "slow 101: ready once");
  ok(s.ticks_at_ready >= GO_TICK &&
         !gate_timed_out(fe, "/containers/c1/attach"),
     "slow 101: the loop ran other work meanwhile and let the answer go "
     "(%d ticks of 20 ms in %llu ms)",
     s.ticks_at_ready, (unsigned long long)(s.ready_at - t0));
  is_int(s.done, 1, "slow 101: done once");
  is_int(s.rc, 0, "slow 101: the stream ended cleanly");
  is_str(s.out.data, "hi\n", "slow 101: the output after it");
  engine_attach_free(a);
  buf_release(&s.out);

  memset(&s, 0, sizeof(s));
  s.fe = fe;
  s.gate = "go404";
  tick.data = &s;
  rc = engine_attach_open(e, "c2", 0, on_out, on_ready, on_done, NULL, &s, &a,
                          &err);
  is_int(rc, 0, "refused: open returns 0");
  while (!s.done)
    uv_run(&loop, UV_RUN_ONCE);
  is_int(s.ready, 0, "refused: never ready");
  is_int(s.rc, ERR_NOTFOUND, "refused: ERR_NOTFOUND to done");
  is_str(s.msg,
         "attaching to container 'c2': No such container: c2 (engine: 404)\n",
         "refused: the engine's message");
  ok(s.ticks >= GO_TICK && !gate_timed_out(fe, "/containers/c2/attach"),
     "refused: the loop ran meanwhile and let the answer go (%d ticks)",
     s.ticks);
  engine_attach_free(a);

  /* hanging up before the answer: no callback, nothing leaks */
  /* (c3's answer is held by a gate nobody opens) */
  memset(&s, 0, sizeof(s));
  tick.data = &s;
  struct fake_rule held = slow;
  held.pattern = "/containers/c3/attach";
  held.gate = "never";
  fake_engine_add(fe, &held);
  rc = engine_attach_open(e, "c3", 0, on_out, on_ready, on_done, NULL, &s, &a,
                          &err);
  is_int(rc, 0, "hang up early: open returns 0");
  engine_attach_free(a);
  uv_timer_stop(&tick);
  uv_close((uv_handle_t *)&tick, NULL);
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  ok(!s.ready && !s.done, "hang up early: no callback");
  fake_engine_stop(fe);
  uv_loop_close(&loop);
  err_release(&err);
}

/* --- a slow connect: TCP whose handshake finishes late --- */

/* A TCP listener with a backlog of 0, its one place in the accept queue
 * taken by a filler connection: the kernel drops the client's SYN, and the
 * client's TCP sends it again only after its first retransmission timeout
 * (1 s on Linux). Once that SYN was dropped (the kernel's count of listen
 * overflows went up) and the test's loop set release (its GO_TICKth tick;
 * the thread gives up waiting after 10 s), the thread accepts the filler,
 * so the second SYN gets in; then it relays the connection to the
 * scripted engine's unix socket. Connecting takes about a second, in the
 * kernel, and cannot end before the loop ran: code that waits for it
 * without running the loop waits until the thread gives up. */
struct slow_tcp {
  int lfd, filler;
  long overflows; /* TcpExt ListenOverflows before the client came */
  int port;
  const char *unix_path;
  atomic_int release;      /* set by the loop */
  atomic_int filler_taken; /* the client's SYN may get in from then on */
  atomic_int gave_up;      /* taken without release */
  pthread_t thread;
};

static void relay(int a, int b)
{
  int open_a = 1, open_b = 1;
  uint64_t end = now_ms() + 10000;
  while ((open_a || open_b) && now_ms() < end) {
    struct pollfd p[2] = {{a, open_a ? POLLIN : 0, 0},
                          {b, open_b ? POLLIN : 0, 0}};
    if (poll(p, 2, 100) < 0)
      break;
    for (int i = 0; i < 2; i++) {
      if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      char tmp[4096];
      ssize_t k = read(p[i].fd, tmp, sizeof(tmp));
      int to = i ? a : b;
      if (k <= 0) {
        shutdown(to, SHUT_WR);
        if (i)
          open_b = 0;
        else
          open_a = 0;
        continue;
      }
      for (ssize_t off = 0; off < k;) {
        ssize_t w = write(to, tmp + off, (size_t)(k - off));
        if (w <= 0)
          break;
        off += w;
      }
    }
  }
}

/* The network namespace's count of SYNs dropped for a full accept queue,
 * or -1. */
static long listen_overflows(void)
{
  FILE *f = fopen("/proc/net/netstat", "r");
  if (!f)
    return -1;
  static char names[16384], vals[16384];
  long v = -1;
  while (v < 0 && fgets(names, sizeof(names), f) &&
         fgets(vals, sizeof(vals), f)) {
    if (strncmp(names, "TcpExt:", 7))
      continue;
    char *sn, *sv;
    char *n = strtok_r(names, " \n", &sn);
    char *x = strtok_r(vals, " \n", &sv);
    while (n && x && v < 0) {
      n = strtok_r(NULL, " \n", &sn);
      x = strtok_r(NULL, " \n", &sv);
      if (n && x && !strcmp(n, "ListenOverflows"))
        v = atol(x);
    }
  }
  fclose(f);
  return v;
}

static void *slow_tcp_main(void *arg)
{
  struct slow_tcp *st = arg;
  /* the client's first SYN is dropped meanwhile */
  uint64_t end = now_ms() + 10000;
  struct timespec step = {0, 10000000L};
  while ((!atomic_load(&st->release) ||
          (st->overflows >= 0 && listen_overflows() <= st->overflows)) &&
         now_ms() < end)
    nanosleep(&step, NULL);
  atomic_store(&st->gave_up, !atomic_load(&st->release));
  atomic_store(&st->filler_taken, 1);
  int f = accept(st->lfd, NULL, NULL);
  if (f >= 0)
    close(f);
  struct pollfd p = {st->lfd, POLLIN, 0};
  if (poll(&p, 1, 10000) != 1)
    return NULL;
  int c = accept(st->lfd, NULL, NULL);
  if (c < 0)
    return NULL;
  int u = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", st->unix_path);
  if (connect(u, (struct sockaddr *)&sa, sizeof(sa)) == 0)
    relay(c, u);
  close(u);
  close(c);
  return NULL;
}

static void slow_tcp_start(struct slow_tcp *st, const char *unix_path)
{
  memset(st, 0, sizeof(*st));
  st->unix_path = unix_path;
  atomic_init(&st->release, 0);
  atomic_init(&st->filler_taken, 0);
  atomic_init(&st->gave_up, 0);
  st->lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET,
                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t n = sizeof(sa);
  if (bind(st->lfd, (struct sockaddr *)&sa, n) || listen(st->lfd, 0) ||
      getsockname(st->lfd, (struct sockaddr *)&sa, &n)) {
    printf("Bail out! cannot listen on 127.0.0.1\n");
    exit(1);
  }
  st->port = ntohs(sa.sin_port);
  st->filler = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(st->filler, (struct sockaddr *)&sa, n)) {
    printf("Bail out! cannot fill the accept queue\n");
    exit(1);
  }
  st->overflows = listen_overflows();
  pthread_create(&st->thread, NULL, slow_tcp_main, st);
}

static void slow_tcp_stop(struct slow_tcp *st)
{
  pthread_join(st->thread, NULL);
  close(st->filler);
  close(st->lfd);
}

/* The connection itself is slow (not the answer): the open returns at
 * once, the loop runs other work while the kernel connects, and the
 * session then works. */
static void test_slow_connect(void)
{
  uv_loop_init(&loop);
  struct fake_engine *fe = fake_engine_start();
  static const struct fake_piece hi[] = {{"\1\0\0\0\0\0\0\3hi\n", 11, 0}};
  fake_engine_add(fe, &(struct fake_rule){.method = "POST",
                                          .pattern = "/containers/c1/attach",
                                          .status = 101,
                                          .type = "application/vnd.docker.raw-"
                                                  "stream",
                                          .headers = "Upgrade: tcp\r\n",
                                          .raw = 1,
                                          .pieces = hi,
                                          .npieces = 1});
  struct slow_tcp st;
  slow_tcp_start(&st, fake_engine_socket(fe));
  char url[64];
  snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", st.port);
  struct err err = ERR_INIT;
  struct dockerhost h;
  struct engine *e = NULL;
  if (dockerhost_parse(&h, url, 0, 0, NULL, &err)) {
    printf("Bail out! %s\n", err.text);
    exit(1);
  }
  free(h.api_version);
  h.api_version = xstrdup("1.41");
  int rc = engine_new(&loop, &h, &e, &err);
  dockerhost_release(&h);
  is_int(rc, 0, "slow connect: a client for tcp://127.0.0.1");

  struct seen s;
  memset(&s, 0, sizeof(s));
  s.release = &st.release;
  uv_timer_t tick;
  uv_timer_init(&loop, &tick);
  tick.data = &s;
  s.last_tick = now_ms();
  uv_timer_start(&tick, on_tick, 20, 20);
  struct engine_attach *a = NULL;
  uint64_t t0 = now_ms();
  rc = engine_attach_open(e, "c1", 0, on_out, on_ready, on_done, NULL, &s, &a,
                          &err);
  uint64_t took = now_ms() - t0;
  int taken = atomic_load(&st.filler_taken);
  is_int(rc, 0, "slow connect: open returns 0");
  ok(!taken,
     "slow connect: open returns before the connection can be made "
     "(%llu ms)",
     (unsigned long long)took);
  ok(!s.ready && !s.done, "slow connect: nothing called back yet");
  while (!s.done)
    uv_run(&loop, UV_RUN_ONCE);
  uint64_t ready_after = s.ready_at - t0;
  /* the setup is what makes this test: the connect must have been slow */
  ok(ready_after >= 700, "slow connect: connecting took its time (%llu ms)",
     (unsigned long long)ready_after);
  /* the connection could be made only once the loop let it go, and it was
   * then still on its way (the SYN waits for its retransmission) */
  ok(s.ticks_at_ready > GO_TICK && !atomic_load(&st.gave_up),
     "slow connect: the loop ran meanwhile and let the connection go (%d "
     "ticks of 20 ms in %llu ms, longest gap between ticks %llu ms)",
     s.ticks_at_ready, (unsigned long long)ready_after,
     (unsigned long long)s.max_gap);
  is_int(s.ready, 1, "slow connect: ready once");
  is_int(s.rc, 0, "slow connect: the stream ended cleanly");
  is_str(s.out.data, "hi\n", "slow connect: the output came through");
  is_int((long long)fake_engine_count(fe, "POST", "/containers/c1/attach"), 1,
         "slow connect: the engine saw the attach");
  engine_attach_free(a);
  buf_release(&s.out);
  uv_timer_stop(&tick);
  uv_close((uv_handle_t *)&tick, NULL);
  engine_free(e);
  uv_run(&loop, UV_RUN_DEFAULT);
  slow_tcp_stop(&st);
  fake_engine_stop(fe);
  uv_loop_close(&loop);
  err_release(&err);
}

static struct buf load(const char *name)
{
  const char *top = getenv("TOP_SRCDIR");
  char path[4096];
  snprintf(path, sizeof(path), "%s/tests/unit/data/%s", top ? top : ".", name);
  struct buf b = BUF_INIT;
  if (buf_read_file(&b, path)) {
    printf("Bail out! cannot read %s\n", path);
    exit(1);
  }
  return b;
}

int main(void)
{
  struct err err = ERR_INIT;
  struct hijack_head h;

  struct buf up = load("attach-101.raw");
  int rc = hijack_head_parse(up.data, up.len, &h, &err);
  is_int(rc, 0, "101: the head is whole");
  is_int(h.status, 101, "101: status");
  is_int((long long)h.len, (long long)up.len, "101: the head is all of it");
  is_int(h.content_len, -1, "101: no Content-Length");

  int shorts = 0;
  for (size_t i = 0; i < up.len; i++)
    shorts += hijack_head_parse(up.data, i, &h, &err) == 1;
  is_int(shorts, (long long)up.len, "101: every prefix asks for more");

  /* stream bytes in the same read as the head stay out of it */
  struct buf more = BUF_INIT;
  buf_add(&more, up.data, up.len);
  buf_add(&more, "\1\0\0\0\0\0\0\3hi\n", 11);
  rc = hijack_head_parse(more.data, more.len, &h, &err);
  ok(!rc && h.len == up.len, "101 with a frame after: the head ends before it");
  buf_release(&more);

  struct buf nf = load("attach-404.raw");
  rc = hijack_head_parse(nf.data, nf.len, &h, &err);
  is_int(rc, 0, "404: the head is whole");
  is_int(h.status, 404, "404: status");
  ok(h.len < nf.len && !strncmp(nf.data + h.len, "No such container", 17),
     "404: the text follows the head");

  const char *cl = "HTTP/1.1 500 Internal Server Error\r\n"
                   "content-length: 25\r\n\r\n{\"message\":\"went wrong\"}\n";
  rc = hijack_head_parse(cl, strlen(cl), &h, &err);
  ok(!rc && h.status == 500 && h.content_len == 25,
     "Content-Length in any case");

  const char *nothttp = "SSH-2.0-OpenSSH\r\n\r\n";
  rc = hijack_head_parse(nothttp, strlen(nothttp), &h, &err);
  is_int(rc, ERR_PROTO, "not HTTP: ERR_PROTO");
  is_int(hijack_head_parse("SSH-2", 5, &h, &err), ERR_PROTO,
         "not HTTP: known from the first bytes");
  const char *nostatus = "HTTP/1.1 abc\r\n\r\n";
  rc = hijack_head_parse(nostatus, strlen(nostatus), &h, &err);
  is_int(rc, ERR_PROTO, "no status: ERR_PROTO");

  struct buf big = BUF_INIT;
  buf_addstr(&big, "HTTP/1.1 101 UPGRADED\r\n");
  while (big.len < HIJACK_HEAD_MAX)
    buf_addstr(&big, "X-Padding: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n");
  rc = hijack_head_parse(big.data, big.len, &h, &err);
  is_int(rc, ERR_LIMIT, "a head over the cap: ERR_LIMIT");
  buf_release(&big);

  buf_release(&up);
  buf_release(&nf);
  err_release(&err);
  test_async_handshake();
  test_slow_connect();
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}
