/* sindex: open addressing with linear probing over arena memory, at most
 * three quarters full; a slot compares its stored hash before asking the
 * owner for the key. It grows by doubling, so the memory it leaves behind
 * in the arena is at most what the final table holds. */
#include "compose/sindex.h"

#include <string.h>

void sindex_init(struct sindex *x, struct arena *a, sindex_key_cb key,
                 const void *owner)
{
  memset(x, 0, sizeof(*x));
  x->a = a;
  x->key = key;
  x->owner = owner;
}

uint64_t sindex_hash(const char *s, size_t len)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* The slot (index of its pair) holding key, or the empty one where it
 * would go. */
static size_t slot(const struct sindex *x, const char *key, size_t len,
                   uint32_t h)
{
  size_t mask = x->cap - 1;
  size_t i = h & mask;
  for (;;) {
    const uint32_t *s = &x->slots[2 * i];
    if (!s[0])
      return i;
    if (s[1] == h) {
      size_t klen;
      const char *k = x->key(x->owner, s[0] - 1, &klen);
      if (klen == len && !memcmp(k, key, len))
        return i;
    }
    i = (i + 1) & mask;
  }
}

static void grow(struct sindex *x)
{
  uint32_t *old = x->slots;
  size_t ocap = x->cap;
  x->cap = ocap ? ocap * 2 : 16;
  x->slots = arena_alloc(x->a, 2 * x->cap * sizeof(*x->slots));
  for (size_t i = 0; i < ocap; i++) {
    if (!old[2 * i])
      continue;
    size_t j = old[2 * i + 1] & (x->cap - 1);
    while (x->slots[2 * j])
      j = (j + 1) & (x->cap - 1);
    x->slots[2 * j] = old[2 * i];
    x->slots[2 * j + 1] = old[2 * i + 1];
  }
}

size_t sindex_get(const struct sindex *x, const char *key, size_t len)
{
  if (!x->n)
    return SINDEX_NONE;
  uint32_t h = (uint32_t)sindex_hash(key, len);
  const uint32_t *s = &x->slots[2 * slot(x, key, len, h)];
  return s[0] ? s[0] - 1 : SINDEX_NONE;
}

size_t sindex_add(struct sindex *x, const char *key, size_t len, size_t pos)
{
  if ((x->n + 1) * 4 > x->cap * 3)
    grow(x);
  uint32_t h = (uint32_t)sindex_hash(key, len);
  uint32_t *s = &x->slots[2 * slot(x, key, len, h)];
  if (!s[0]) {
    s[0] = (uint32_t)pos + 1;
    s[1] = h;
    x->n++;
  }
  return s[0] - 1;
}

void sindex_clear(struct sindex *x)
{
  if (x->cap)
    memset(x->slots, 0, 2 * x->cap * sizeof(*x->slots));
  x->n = 0;
}
