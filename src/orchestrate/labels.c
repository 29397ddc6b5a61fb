/* labels: compose's labels on containers, networks and volumes, and the
 * config hash (SHA-256 of canonical JSON). The SHA-256 is written here
 * because none of the linked libraries exposes one. */
#include "config.h"

#include "orchestrate/labels.h"
#include "compose/emit.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- SHA-256 (FIPS 180-4, section 6.2) --- */

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int n)
{
  return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
           (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
  uint32_t e = h[4], f = h[5], g = h[6], k = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
                  ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 =
        (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += k;
}

void labels_sha256(const void *data, size_t n, unsigned char out[32])
{
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const unsigned char *p = data;
  size_t left = n;
  for (; left >= 64; left -= 64, p += 64)
    sha256_block(h, p);
  /* the tail, the 0x80 marker and the 64-bit bit length: one or two
   * blocks */
  unsigned char tail[128] = {0};
  memcpy(tail, p, left);
  tail[left] = 0x80;
  size_t tlen = left + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = (uint64_t)n * 8;
  for (int i = 0; i < 8; i++)
    tail[tlen - 1 - i] = (unsigned char)(bits >> (8 * i));
  sha256_block(h, tail);
  if (tlen == 128)
    sha256_block(h, tail + 64);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (unsigned char)(h[i] >> 24);
    out[4 * i + 1] = (unsigned char)(h[i] >> 16);
    out[4 * i + 2] = (unsigned char)(h[i] >> 8);
    out[4 * i + 3] = (unsigned char)h[i];
  }
}

void labels_sha256_hex(const void *data, size_t n, char out[65])
{
  static const char hex[] = "0123456789abcdef";
  unsigned char d[32];
  labels_sha256(data, n, d);
  for (int i = 0; i < 32; i++) {
    out[2 * i] = hex[d[i] >> 4];
    out[2 * i + 1] = hex[d[i] & 15];
  }
  out[64] = '\0';
}

/* --- the config hash --- */

void labels_config_hash(const struct project *p, const struct service *s,
                        char out[65])
{
  /* what compose v2's ServiceHash clears before marshalling */
  static const char *const cleared[] = {"build",      "pull_policy", "scale",
                                        "depends_on", "profiles",    NULL};
  cJSON *o = emit_service_go(p, s);
  for (size_t i = 0; cleared[i]; i++)
    cJSON_DeleteItemFromObjectCaseSensitive(o, cleared[i]);
  cJSON_DeleteItemFromObjectCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(o, "deploy"), "replicas");
  struct buf b = BUF_INIT;
  if (emit_json_compact(o, &b))
    BUG("config hash: an uncapped buffer refused");
  labels_sha256_hex(b.data ? b.data : "", b.len, out);
  buf_release(&b);
  cJSON_Delete(o);
}

/* --- labels --- */

void labels_put(struct labels *l, const char *key, const char *value)
{
  char *v = xstrdup(value ? value : "");
  for (size_t i = 0; i < l->n; i++)
    if (!strcmp(l->v[i].key, key)) {
      free((char *)l->v[i].value);
      l->v[i].value = v;
      return;
    }
  if (l->n == l->alloc) {
    l->alloc = l->alloc ? 2 * l->alloc : 16;
    l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
  }
  l->v[l->n++] = (struct engine_kv){xstrdup(key), v};
}

void labels_put_list(struct labels *l, const struct kvlist *from)
{
  for (size_t i = 0; i < from->n; i++)
    labels_put(l, from->v[i].key, from->v[i].value);
}

void labels_release(struct labels *l)
{
  for (size_t i = 0; i < l->n; i++) {
    free((char *)l->v[i].key);
    free((char *)l->v[i].value);
  }
  free(l->v);
  *l = (struct labels)LABELS_INIT;
}

static const char *condition_name(enum dep_condition c)
{
  switch (c) {
  case DEP_HEALTHY:
    return "service_healthy";
  case DEP_COMPLETED:
    return "service_completed_successfully";
  case DEP_STARTED:
    break;
  }
  return "service_started";
}

char *labels_depends_on_new(const struct service *s)
{
  struct buf b = BUF_INIT;
  for (size_t i = 0; i < s->ndepends_on; i++) {
    const struct dependency *d = &s->depends_on[i];
    buf_addf(&b, "%s%s:%s:%s", i ? "," : "", d->service,
             condition_name(d->condition), d->restart ? "true" : "false");
  }
  return buf_detach(&b);
}

static void add_project(struct labels *obj, const struct project *p)
{
  labels_put(obj, LABELS_PROJECT, p->name);
  labels_put(obj, LABELS_VERSION, PACKAGE_VERSION);
}

void labels_add_container(struct labels *obj, const struct project *p,
                          const struct service *s, int number, int oneoff,
                          const char *hash, const char *image_id)
{
  char num[32];
  add_project(obj, p);
  labels_put(obj, LABELS_SERVICE, s->name);
  snprintf(num, sizeof(num), "%d", number);
  labels_put(obj, LABELS_NUMBER, num);
  labels_put(obj, LABELS_ONEOFF, oneoff ? "True" : "False");
  if (p->working_dir)
    labels_put(obj, LABELS_WORKING_DIR, p->working_dir);
  struct buf files = BUF_INIT;
  for (size_t i = 0; i < p->config_files.n; i++)
    buf_addf(&files, "%s%s", i ? "," : "", p->config_files.v[i]);
  char *f = buf_detach(&files);
  labels_put(obj, LABELS_CONFIG_FILES, f);
  free(f);
  char *deps = labels_depends_on_new(s);
  labels_put(obj, LABELS_DEPENDS_ON, deps);
  free(deps);
  if (hash)
    labels_put(obj, LABELS_CONFIG_HASH, hash);
  if (image_id)
    labels_put(obj, LABELS_IMAGE, image_id);
}

void labels_add_network(struct labels *obj, const struct project *p,
                        const char *key)
{
  add_project(obj, p);
  labels_put(obj, LABELS_NETWORK, key);
}

void labels_add_volume(struct labels *obj, const struct project *p,
                       const char *key)
{
  add_project(obj, p);
  labels_put(obj, LABELS_VOLUME, key);
}
