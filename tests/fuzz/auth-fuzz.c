/* libFuzzer target for registry credentials: the first byte picks what the
 * rest is. 0: config.json text, a NUL, an image reference; the header made
 * (if any) must be URL-safe base64 of a JSON object naming the server.
 * 1: bytes that base64 (both alphabets) must give back unchanged. 2: text
 * to decode; what decodes must encode and decode to the same bytes. Run by
 * run.sh. */
/* fuzz-sources: src/engine/auth.c src/util/buf.c src/util/err.c
 * src/util/xalloc.c */
#include "engine/auth.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_header(const char *h)
{
  size_t n = 0;
  if (strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                "0123456789-_=") != strlen(h))
    abort(); /* the engine decodes the URL-safe alphabet */
  unsigned char *json = auth_unbase64_new(h, &n);
  if (!json)
    abort();
  cJSON *o = cJSON_ParseWithOpts((const char *)json, NULL, 1);
  if (!cJSON_IsObject(o) ||
      !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "serveraddress")))
    abort();
  cJSON_Delete(o);
  free(json);
}

static void round_trip(const unsigned char *d, size_t n)
{
  for (int url = 0; url < 2; url++) {
    char *t = auth_base64_new(d, n, url);
    size_t m = 0;
    unsigned char *back = auth_unbase64_new(t, &m);
    if (!back || m != n || (n && memcmp(back, d, n)))
      abort();
    free(back);
    free(t);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  char *text = malloc(size);
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  switch (data[0] % 3) {
  case 0: {
    size_t jl = strlen(text);
    const char *ref = jl + 1 < size ? text + jl + 1 : "";
    char *reg = auth_registry_new(ref);
    if (!reg || !*reg)
      abort();
    free(reg);
    char *h = auth_header_from_config_new(text, ref);
    if (h)
      check_header(h);
    free(h);
    break;
  }
  case 1:
    round_trip(data + 1, size - 1);
    break;
  default: {
    size_t n = 0;
    unsigned char *d = auth_unbase64_new(text, &n);
    if (d)
      round_trip(d, n);
    free(d);
    break;
  }
  }
  free(text);
  return 0;
}
