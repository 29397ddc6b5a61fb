/* Stream decoders on bytes recorded from a real engine (tests/unit/data),
 * fed whole, byte by byte, and split in two at every offset; plus the
 * malformed inputs an engine does not send on demand. */
#include "tap.h"
#include "engine/stream.h"
#include "util/buf.h"
#include "util/err.h"

#include <stdlib.h>

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

/* Feed data split at the given offsets (ascending, ending with len). */
typedef int (*feed_fn)(void *dec, const char *p, size_t n, struct err *err);

static int feed_split(feed_fn feed, void *dec, const char *p, size_t len,
                      size_t cut, struct err *err)
{
  int rc = feed(dec, p, cut, err);
  if (!rc)
    rc = feed(dec, p + cut, len - cut, err);
  return rc;
}

static int feed_bytes(feed_fn feed, void *dec, const char *p, size_t len,
                      struct err *err)
{
  for (size_t i = 0; i < len; i++) {
    int rc = feed(dec, p + i, 1, err);
    if (rc)
      return rc;
  }
  return 0;
}

/* --- multiplexed frames --- */

struct mux_out {
  struct buf out, errs;
  int frames;
};

static int on_frame(void *ctx, enum stream_kind kind, const char *d, size_t n)
{
  struct mux_out *o = ctx;
  o->frames++;
  buf_add(kind == STREAM_STDERR ? &o->errs : &o->out, d, n);
  return 0;
}

static int mux_feed(void *dec, const char *p, size_t n, struct err *err)
{
  return stream_mux_feed(dec, p, n, err);
}

static void mux_release(struct mux_out *o)
{
  buf_release(&o->out);
  buf_release(&o->errs);
}

/* mode 0: whole; 1: byte by byte; 2: split at cut */
static int mux_run(const struct buf *in, int mode, size_t cut,
                   struct mux_out *o, size_t max, struct err *err)
{
  struct stream_mux m;
  memset(o, 0, sizeof(*o));
  stream_mux_init(&m, max, on_frame, o);
  int rc;
  if (mode == 0)
    rc = stream_mux_feed(&m, in->data, in->len, err);
  else if (mode == 1)
    rc = feed_bytes(mux_feed, &m, in->data, in->len, err);
  else
    rc = feed_split(mux_feed, &m, in->data, in->len, cut, err);
  if (!rc)
    rc = stream_mux_end(&m, err);
  stream_mux_release(&m);
  return rc;
}

static void test_mux(void)
{
  struct buf in = load("logs-mux.raw");
  struct mux_out a, b;
  struct err err = ERR_INIT;
  is_int(mux_run(&in, 0, 0, &a, 0, &err), 0, "mux: recorded logs decode");
  is_int(a.errs.len, strlen("err-one\neline 0\neline 1\neline 2\n"),
         "mux: stderr length");
  is_str(a.errs.data, "err-one\neline 0\neline 1\neline 2\n",
         "mux: stderr text");
  ok(!strncmp(a.out.data, "out-one\npartial\nline 0\nline 1\nline 2\n", 38),
     "mux: stdout text");
  is_int(a.out.len, 38 + 70000, "mux: stdout with the 70000-byte line");
  ok(a.out.data[a.out.len - 1] == '\n' && !a.out.data[a.out.len - 2],
     "mux: the long line is whole");
  ok(a.frames > 10, "mux: %d frames (the long line is split by the engine)",
     a.frames);

  is_int(mux_run(&in, 1, 0, &b, 0, &err), 0, "mux: byte by byte");
  ok(b.out.len == a.out.len && !memcmp(b.out.data, a.out.data, a.out.len) &&
         b.errs.len == a.errs.len && b.frames == a.frames,
     "mux: byte by byte gives the same frames");
  mux_release(&b);

  /* Two pieces at every offset of the small frames and around the big
   * ones; the byte-by-byte run above cut everywhere else. */
  int bad = 0;
  for (size_t cut = 0; cut <= in.len;
       cut += cut < 1024 || cut > in.len - 1024 ? 1 : 61) {
    if (mux_run(&in, 2, cut, &b, 0, &err) || b.out.len != a.out.len ||
        memcmp(b.out.data, a.out.data, a.out.len) || b.errs.len != a.errs.len ||
        b.frames != a.frames)
      bad++;
    mux_release(&b);
  }
  is_int(bad, 0, "mux: split in two anywhere gives the same frames");
  mux_release(&a);

  /* A cap below the engine's 16 KiB pieces refuses the stream. */
  err_reset(&err);
  is_int(mux_run(&in, 0, 0, &a, 4096, &err), ERR_LIMIT,
         "mux: frame over the cap");
  ok(err.text && strstr(err.text, "over the limit of 4096 bytes"),
     "mux: cap message: %s", err.text ? err.text : "");
  mux_release(&a);
  buf_release(&in);

  /* Malformed header: unknown stream byte. */
  static const char bad1[] = "\x09\0\0\0\0\0\0\x02hi";
  err_reset(&err);
  struct buf t = BUF_INIT;
  buf_add(&t, bad1, sizeof(bad1) - 1);
  is_int(mux_run(&t, 0, 0, &a, 0, &err), ERR_PROTO, "mux: unknown kind");
  ok(err.text && strstr(err.text, "malformed stream frame header (09 00"),
     "mux: header message: %s", err.text ? err.text : "");
  mux_release(&a);
  /* Non-zero padding. */
  buf_reset(&t);
  buf_add(&t, "\x01\0\x01\0\0\0\0\x01x", 9);
  is_int(mux_run(&t, 1, 0, &a, 0, &err), ERR_PROTO, "mux: padding");
  mux_release(&a);
  /* A huge frame fails from its header, before any payload. */
  buf_reset(&t);
  buf_add(&t, "\x01\0\0\0\x7f\xff\xff\xff", 8);
  err_reset(&err);
  is_int(mux_run(&t, 0, 0, &a, 0, &err), ERR_LIMIT, "mux: 2 GiB frame");
  mux_release(&a);
  /* Cut short: in the header, in the payload. */
  buf_reset(&t);
  buf_add(&t,
          "\x01\0\0\0\0\0\0\x05"
          "abc",
          11);
  err_reset(&err);
  is_int(mux_run(&t, 0, 0, &a, 0, &err), ERR_PROTO, "mux: truncated frame");
  ok(err.text && strstr(err.text, "ended inside a frame (11 of 13 bytes)"),
     "mux: truncated message: %s", err.text ? err.text : "");
  mux_release(&a);
  buf_reset(&t);
  buf_add(&t, "\x02\0\0", 3);
  is_int(mux_run(&t, 0, 0, &a, 0, NULL), ERR_PROTO, "mux: truncated header");
  mux_release(&a);
  /* Empty frames are fine; stdin frames pass. */
  buf_reset(&t);
  buf_add(&t, "\x01\0\0\0\0\0\0\0\x00\0\0\0\0\0\0\x01z", 17);
  is_int(mux_run(&t, 1, 0, &a, 0, NULL), 0, "mux: empty frame");
  is_int(a.frames, 1, "mux: empty frame not delivered");
  is_str(a.out.data, "z", "mux: stdin frame goes to out");
  mux_release(&a);
  buf_release(&t);
  err_release(&err);
}

/* --- TTY lines --- */

static int on_line(void *ctx, const char *line, size_t n)
{
  struct buf *b = ctx;
  buf_add(b, line, n);
  buf_addch(b, '|');
  return 0;
}

static int lines_feed(void *dec, const char *p, size_t n, struct err *err)
{
  return stream_lines_feed(dec, p, n, err);
}

static void test_tty(void)
{
  struct buf in = load("logs-tty.raw");
  int bad = 0;
  for (size_t cut = 0; cut <= in.len; cut++) {
    struct buf got = BUF_INIT;
    struct stream_lines l;
    stream_lines_init(&l, 0, 0, on_line, &got);
    int rc = feed_split(lines_feed, &l, in.data, in.len, cut, NULL);
    if (!rc)
      rc = stream_lines_end(&l, NULL);
    if (rc || strcmp(got.data, "tty-one|tty-err|no newline|")) {
      bad++;
      printf("# cut %zu: %s\n", cut, got.data);
    }
    stream_lines_release(&l);
    buf_release(&got);
  }
  is_int(bad, 0, "tty: lines without \\r, last one at the end, any split");
  buf_release(&in);

  /* A line with no newline longer than the cap flows out in pieces. */
  struct buf got = BUF_INIT;
  struct stream_lines l;
  stream_lines_init(&l, 4, 0, on_line, &got);
  is_int(stream_lines_feed(&l, "abcdefghij\nkl", 13, NULL), 0,
         "tty: long line");
  stream_lines_end(&l, NULL);
  is_str(got.data, "abcd|efgh|ij|kl|", "tty: pieces of the cap");
  stream_lines_release(&l);
  buf_release(&got);
}

/* --- JSON lines: build progress --- */

struct prog {
  struct buf text;
  char aux[128];
  int msgs;
  struct err *err;
};

static int on_progress(void *ctx, const cJSON *obj)
{
  struct prog *p = ctx;
  struct stream_progress sp;
  int rc = stream_progress_parse(obj, &sp, ERR_BUILD, p->err);
  if (rc)
    return rc;
  p->msgs++;
  if (sp.stream)
    buf_addstr(&p->text, sp.stream);
  if (sp.aux_id)
    snprintf(p->aux, sizeof(p->aux), "%s", sp.aux_id);
  return 0;
}

static int json_feed(void *dec, const char *p, size_t n, struct err *err)
{
  return stream_json_feed(dec, p, n, err);
}

static int json_run(const struct buf *in, int mode, size_t cut,
                    stream_json_cb cb, void *ctx, size_t max, struct err *err)
{
  struct stream_json j;
  stream_json_init(&j, max, cb, ctx);
  int rc;
  if (mode == 0)
    rc = stream_json_feed(&j, in->data, in->len, err);
  else if (mode == 1)
    rc = feed_bytes(json_feed, &j, in->data, in->len, err);
  else
    rc = feed_split(json_feed, &j, in->data, in->len, cut, err);
  if (!rc)
    rc = stream_json_end(&j, err);
  stream_json_release(&j);
  return rc;
}

static void test_build(void)
{
  struct buf in = load("build-ok.raw");
  struct err err = ERR_INIT;
  struct prog p = {BUF_INIT, "", 0, &err};
  is_int(json_run(&in, 0, 0, on_progress, &p, 0, &err), 0, "build: decodes");
  is_str(p.aux,
         "sha256:8bfc8bd27a507ba9638419b8d1f4c6e2b533127ae2d6a76dd469413ce34"
         "43476",
         "build: aux.ID");
  ok(strstr(p.text.data, "Step 1/5 : FROM scratch\n") &&
         strstr(p.text.data, "Successfully tagged "),
     "build: stream text");
  int bad = 0;
  for (size_t cut = 0; cut <= in.len; cut++) {
    struct prog q = {BUF_INIT, "", 0, &err};
    if (json_run(&in, 2, cut, on_progress, &q, 0, &err) ||
        strcmp(q.text.data, p.text.data) || strcmp(q.aux, p.aux) ||
        q.msgs != p.msgs)
      bad++;
    buf_release(&q.text);
  }
  is_int(bad, 0, "build: any split gives the same messages");
  buf_release(&p.text);
  buf_release(&in);

  in = load("build-fail.raw");
  const char *want = "The command '/bin/sh -c echo about to fail && false' "
                     "returned a non-zero code: 1\n";
  bad = 0;
  for (size_t cut = 0; cut <= in.len; cut++) {
    struct prog q = {BUF_INIT, "", 0, &err};
    err_reset(&err);
    int rc = json_run(&in, cut ? 2 : 1, cut, on_progress, &q, 0, &err);
    if (rc != ERR_BUILD || !err.text || strcmp(err.text, want) ||
        !strstr(q.text.data, "about to fail\n"))
      bad++;
    buf_release(&q.text);
  }
  is_int(bad, 0,
         "build: the error mid-stream fails with its message, any "
         "split");
  buf_release(&in);

  /* Not JSON, not an object, over the cap. */
  struct buf t = BUF_INIT;
  buf_addstr(&t, "{\"stream\":\"a\"}\nnot json at all\n");
  struct prog q = {BUF_INIT, "", 0, &err};
  err_reset(&err);
  is_int(json_run(&t, 0, 0, on_progress, &q, 0, &err), ERR_PROTO,
         "json: garbage line");
  ok(err.text && strstr(err.text, "'not json at all'"), "json: message: %s",
     err.text ? err.text : "");
  buf_reset(&t);
  buf_addstr(&t, "[1,2]\n");
  is_int(json_run(&t, 0, 0, on_progress, &q, 0, NULL), ERR_PROTO,
         "json: array line");
  buf_reset(&t);
  buf_addstr(&t, "\n  \n{\"status\":\"x\"}");
  is_int(json_run(&t, 1, 0, on_progress, &q, 0, NULL), 0,
         "json: blank lines, no final newline");
  buf_reset(&t);
  buf_addstr(&t, "{\"stream\":\"0123456789012345678901234567890\"}\n");
  err_reset(&err);
  is_int(json_run(&t, 1, 0, on_progress, &q, 16, &err), ERR_LIMIT,
         "json: line over the cap");
  buf_reset(&t);
  buf_addstr(&t, "{\"error\":\"denied\\n\"}\n");
  err_reset(&err);
  is_int(json_run(&t, 0, 0, on_progress, &q, 0, &err), ERR_BUILD,
         "json: error without errorDetail");
  is_str(err.text, "denied\n", "json: its message, one line");
  buf_release(&q.text);
  buf_release(&t);
  err_release(&err);
}

/* --- events --- */

struct evs {
  int n;
  int creates;
  char first[64];
  struct buf ids;
};

static int on_event(void *ctx, const cJSON *obj)
{
  struct evs *e = ctx;
  struct stream_event ev;
  if (stream_event_parse(obj, &ev, NULL))
    return ERR_PROTO;
  if (!e->n)
    snprintf(e->first, sizeof(e->first), "%s %s %s", ev.type, ev.action,
             stream_event_attr(&ev, "wcrec") ? "labelled" : "-");
  e->n++;
  if (!strcmp(ev.action, "create"))
    e->creates++;
  buf_add(&e->ids, ev.id, strlen(ev.id) > 12 ? 12 : strlen(ev.id));
  return 0;
}

static void test_events(void)
{
  struct buf in = load("events.raw");
  struct evs a = {0};
  is_int(json_run(&in, 0, 0, on_event, &a, 0, NULL), 0, "events: decode");
  is_int(a.n, 17, "events: 17 recorded");
  is_str(a.first, "container create labelled", "events: first one");
  ok(a.creates >= 3, "events: %d creates", a.creates);
  int bad = 0;
  for (size_t cut = 0; cut <= in.len; cut++) {
    struct evs b = {0};
    if (json_run(&in, 2, cut, on_event, &b, 0, NULL) || b.n != a.n ||
        strcmp(b.ids.data, a.ids.data))
      bad++;
    buf_release(&b.ids);
  }
  is_int(bad, 0, "events: any split gives the same events");
  buf_release(&a.ids);
  buf_release(&in);

  cJSON *o = cJSON_Parse("{\"time\":1}");
  struct stream_event ev;
  is_int(stream_event_parse(o, &ev, NULL), ERR_PROTO, "events: not one");
  cJSON_Delete(o);
}

int main(void)
{
  test_mux();
  test_tty();
  test_build();
  test_events();
  return tap_done();
}
