/* libFuzzer target for the head of the engine's answer to a hijacked
 * attach ("HTTP/1.1 101 UPGRADED ..."), fed as a network would: a growing
 * prefix until the head is whole. The bytes come NUL-terminated, as from
 * the struct buf the real caller reads into. A whole head must lie within
 * the bytes, have a 3-digit status, and read the same from any longer
 * prefix. Run by run.sh. */
/* fuzz-sources: src/engine/hijack.c src/engine/api.c
 * src/engine/api-containers.c src/engine/api-images.c
 * src/engine/api-objects.c src/engine/auth.c src/engine/dockerhost.c
 * src/engine/http.c src/engine/ignore.c src/engine/stream.c
 * src/engine/tarball.c src/engine/types.c src/engine/libs.c src/util/arena.c
 * src/util/buf.c src/util/dlib.c src/util/err.c src/util/path.c
 * src/util/sha256.c src/util/similar.c src/util/strvec.c
 * src/util/xalloc.c */
#include "engine/hijack.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t step = data[0] % 32 + 1, n = size - 1;
  char *p = malloc(n + 1);
  memcpy(p, data + 1, n);
  p[n] = '\0';
  struct hijack_head first = {0}, h;
  int whole = 0;
  for (size_t k = step < n ? step : n;; k = k + step < n ? k + step : n) {
    struct err err = ERR_INIT;
    memset(&h, 0, sizeof(h));
    int rc = hijack_head_parse(p, k, &h, &err);
    if (rc < 0 && !err.text)
      abort(); /* an error says why */
    if (rc == 0) {
      if (h.len == 0 || h.len > k || h.status < 100 || h.status > 599 ||
          h.content_len < -1)
        abort();
      if (!whole)
        first = h;
      else if (h.len != first.len || h.status != first.status ||
               h.content_len != first.content_len)
        abort(); /* more bytes after the head change nothing */
      whole = 1;
    } else if (rc == 1 && (whole || k >= HIJACK_HEAD_MAX)) {
      abort();
    }
    err_release(&err);
    if (rc < 0 || k == n)
      break;
  }
  free(p);
  return 0;
}
