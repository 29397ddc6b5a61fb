/* sindex: open addressing with linear probing over arena memory; grows by
 * doubling, so the memory it leaves behind in the arena is at most what the
 * final table holds. */
#include "compose/sindex.h"

#include <string.h>

void sindex_init(struct sindex *x, struct arena *a)
{
  memset(x, 0, sizeof(*x));
  x->a = a;
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

static struct sindex_slot *slot(const struct sindex *x, const char *key,
                                size_t len)
{
  size_t mask = x->cap - 1;
  size_t i = (size_t)sindex_hash(key, len) & mask;
  for (;;) {
    struct sindex_slot *s = &x->slots[i];
    if (!s->key || (s->len == len && !memcmp(s->key, key, len)))
      return s;
    i = (i + 1) & mask;
  }
}

static void grow(struct sindex *x)
{
  struct sindex_slot *old = x->slots;
  size_t ocap = x->cap;
  x->cap = ocap ? ocap * 2 : 16;
  x->slots = arena_alloc(x->a, x->cap * sizeof(*x->slots));
  for (size_t i = 0; i < ocap; i++)
    if (old[i].key)
      *slot(x, old[i].key, old[i].len) = old[i];
}

size_t sindex_get(const struct sindex *x, const char *key, size_t len)
{
  if (!x->n)
    return SINDEX_NONE;
  const struct sindex_slot *s = slot(x, key, len);
  return s->key ? s->pos : SINDEX_NONE;
}

static struct sindex_slot *insert(struct sindex *x, const char *key, size_t len,
                                  int *fresh)
{
  if ((x->n + 1) * 2 > x->cap)
    grow(x);
  struct sindex_slot *s = slot(x, key, len);
  *fresh = !s->key;
  if (*fresh) {
    s->key = key;
    s->len = len;
    x->n++;
  }
  return s;
}

size_t sindex_add(struct sindex *x, const char *key, size_t len, size_t pos)
{
  int fresh;
  struct sindex_slot *s = insert(x, key, len, &fresh);
  if (fresh)
    s->pos = pos;
  return s->pos;
}

void sindex_put(struct sindex *x, const char *key, size_t len, size_t pos)
{
  int fresh;
  insert(x, key, len, &fresh)->pos = pos;
}

void sindex_clear(struct sindex *x)
{
  if (x->cap)
    memset(x->slots, 0, x->cap * sizeof(*x->slots));
  x->n = 0;
}
