/* The head of a hijacked attach's answer, on bytes recorded from a real
 * engine (tests/unit/data/attach-*.raw): whole, cut short at every
 * offset, with stream bytes after it, and malformed. Then the handshake
 * against the scripted engine: a slow 101 holds up nothing else on the
 * loop, and a refusal comes to the done callback. */
#include "tap.h"
#include "../lib/fake-engine.h"
#include "engine/api.h"
#include "engine/hijack.h"
#include "util/buf.h"
#include "util/err.h"

#include <stdlib.h>

static uv_loop_t loop;

struct seen {
  int ready, done, rc;
  int ticks, ticks_at_ready;
  struct buf out;
  char msg[512];
};

static void on_tick(uv_timer_t *t)
{
  struct seen *s = t->data;
  s->ticks++;
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
}

static void on_done(void *ctx, int rc, const struct err *err)
{
  struct seen *s = ctx;
  s->done++;
  s->rc = rc;
  snprintf(s->msg, sizeof(s->msg), "%s", err && err->text ? err->text : "");
}

static uint64_t now_ms(void)
{
  return uv_hrtime() / 1000000;
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
                           .delay_ms = 600,
                           .raw = 1,
                           .pieces = hi,
                           .npieces = 1};
  fake_engine_add(fe, &slow);
  fake_engine_add(fe, &(struct fake_rule){.method = "POST",
                                          .pattern = "/containers/c2/attach",
                                          .status = 404,
                                          .type = "text/plain",
                                          .body = "No such container: c2\n",
                                          .delay_ms = 300});
  struct engine *e = NULL;
  struct err err = ERR_INIT;
  fake_engine_client(fe, &loop, "1.41", &e, &err);

  struct seen s;
  memset(&s, 0, sizeof(s));
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
  ok(took < 300, "slow 101: open returns before the answer (%llu ms)",
     (unsigned long long)took);
  ok(!s.ready && !s.done, "slow 101: nothing called back yet");
  /* stdin before the answer waits in the attach */
  ok(engine_attach_write(a, "x", 1) == 1, "stdin held before the 101");
  while (!s.done)
    uv_run(&loop, UV_RUN_ONCE);
  is_int(s.ready, 1, "slow 101: ready once");
  ok(s.ticks_at_ready >= 10,
     "slow 101: the loop ran other work meanwhile (%d ticks of 20 ms)",
     s.ticks_at_ready);
  is_int(s.done, 1, "slow 101: done once");
  is_int(s.rc, 0, "slow 101: the stream ended cleanly");
  is_str(s.out.data, "hi\n", "slow 101: the output after it");
  engine_attach_free(a);
  buf_release(&s.out);

  memset(&s, 0, sizeof(s));
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
  ok(s.ticks >= 5, "refused: the loop ran meanwhile (%d ticks)", s.ticks);
  engine_attach_free(a);

  /* hanging up before the answer: no callback, nothing leaks */
  memset(&s, 0, sizeof(s));
  tick.data = &s;
  rc = engine_attach_open(e, "c1", 0, on_out, on_ready, on_done, NULL, &s, &a,
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
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}
