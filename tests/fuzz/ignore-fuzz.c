/* libFuzzer target for the .dockerignore matcher: the input is the ignore
 * text, a NUL byte, then paths one per line; it checks the tree-walk answer
 * agrees with the full one whenever there is no exception pattern. */
/* fuzz-sources: src/engine/ignore.c src/util/err.c src/util/xalloc.c */
#include "engine/ignore.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Match path the way a walk does, one directory level at a time. */
static int walk(const struct ignore *m, const char *path, size_t len)
{
  size_t n = ignore_count(m);
  unsigned char *parent = NULL, *out = malloc(n ? n : 1);
  char *prefix = malloc(len + 1);
  int excluded = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && path[i] != '/')
      continue;
    memcpy(prefix, path, i);
    prefix[i] = '\0';
    excluded = ignore_match_walk(m, prefix, parent, out);
    if (i < len)
      ignore_skip_dir(m, prefix);
    if (!parent)
      parent = malloc(n ? n : 1);
    memcpy(parent, out, n);
  }
  free(prefix);
  free(parent);
  free(out);
  return excluded;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  const char *nul = memchr(text, '\0', size);
  size_t tlen = nul ? (size_t)(nul - text) : size;
  struct ignore *m;
  struct err err = ERR_INIT;
  if (ignore_parse(&m, text, tlen, "fuzz", &err) < 0) {
    err_release(&err);
    return 0;
  }
  size_t i = nul ? tlen + 1 : size;
  while (i < size) {
    const char *nl = memchr(text + i, '\n', size - i);
    size_t end = nl ? (size_t)(nl - text) : size;
    char *path = malloc(end - i + 1);
    memcpy(path, text + i, end - i);
    path[end - i] = '\0';
    size_t plen = strlen(path); /* stop at an embedded NUL */
    int full = ignore_match(m, path, 0);
    int walked = walk(m, path, plen);
    if (!ignore_has_exceptions(m) && plen && full != walked)
      abort();
    free(path);
    i = end + 1;
  }
  ignore_free(m);
  err_release(&err);
  return 0;
}
