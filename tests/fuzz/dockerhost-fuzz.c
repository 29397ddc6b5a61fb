/* libFuzzer target for DOCKER_HOST parsing: the first byte sets TLS and
 * verification, the rest is the value. What parses must be usable: a base
 * URL, a socket path for unix://, TLS only over tcp://. Run by run.sh. */
/* fuzz-sources: src/engine/dockerhost.c src/util/err.c src/util/xalloc.c
 * src/util/buf.c src/util/sha256.c */
#include "engine/dockerhost.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  char *host = malloc(size);
  memcpy(host, data + 1, size - 1);
  host[size - 1] = '\0';
  struct dockerhost h = DOCKERHOST_INIT;
  struct err err = ERR_INIT;
  int rc =
      dockerhost_parse(&h, host, data[0] & 1, (data[0] >> 1) & 1, NULL, &err);
  if (rc == 0) {
    if (!h.base_url || !h.host)
      abort();
    if (h.kind == DOCKERHOST_UNIX && (!h.socket_path || h.tls))
      abort();
    if (h.kind == DOCKERHOST_TCP &&
        strncmp(h.base_url, h.tls ? "https://" : "http://", h.tls ? 8 : 7))
      abort();
    dockerhost_release(&h);
  } else if (!err.text) {
    abort(); /* an error always says why */
  }
  err_release(&err);
  free(host);
  return 0;
}
