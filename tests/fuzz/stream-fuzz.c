/* libFuzzer target for the stream decoders: the first byte picks the
 * decoder and how the rest is cut into chunks, as a network would. */
/* fuzz-sources: src/engine/stream.c src/util/buf.c src/util/err.c
 * src/util/xalloc.c */
#include "engine/stream.h"
#include "util/err.h"

#include <stdint.h>
#include <string.h>

static size_t total;

static int on_frame(void *ctx, enum stream_kind kind, const char *d, size_t n)
{
  if (kind > STREAM_STDERR || n > STREAM_FRAME_MAX)
    __builtin_trap();
  total += n;
  return 0;
}

static int on_line(void *ctx, const char *line, size_t n)
{
  if (n > 64 || memchr(line, '\n', n))
    __builtin_trap(); /* lines carry no newline and respect the cap */
  return 0;
}

static int on_json(void *ctx, const cJSON *obj)
{
  struct err *err = ctx;
  struct stream_progress p;
  struct stream_event e;
  stream_progress_parse(obj, &p, ERR_BUILD, err);
  if (!stream_event_parse(obj, &e, NULL))
    stream_event_attr(&e, "name");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  unsigned mode = data[0] % 3;
  size_t step = (data[0] >> 2) + 1;
  const char *p = (const char *)data + 1;
  size_t n = size - 1;
  struct err err = ERR_INIT;
  struct stream_mux m;
  struct stream_lines l;
  struct stream_json j;
  stream_mux_init(&m, 4096, on_frame, NULL);
  stream_lines_init(&l, 64, 0, on_line, NULL);
  stream_json_init(&j, 4096, on_json, &err);
  int rc = 0;
  for (size_t off = 0; off < n && !rc; off += step) {
    size_t k = n - off < step ? n - off : step;
    if (mode == 0)
      rc = stream_mux_feed(&m, p + off, k, &err);
    else if (mode == 1)
      rc = stream_lines_feed(&l, p + off, k, &err);
    else
      rc = stream_json_feed(&j, p + off, k, &err);
  }
  if (!rc) {
    if (mode == 0)
      stream_mux_end(&m, &err);
    else if (mode == 1)
      stream_lines_end(&l, &err);
    else
      stream_json_end(&j, &err);
  }
  stream_mux_release(&m);
  stream_lines_release(&l);
  stream_json_release(&j);
  err_release(&err);
  return 0;
}
