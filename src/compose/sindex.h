/* sindex: a table from strings to positions, for the loader's ordered maps
 * and lists (mapping keys, variables, key/value lists) so that finding a key
 * costs the same among 100,000 keys as among ten. The table is allocated
 * from the arena given to sindex_init and lives as long as it; the keys are
 * borrowed and must outlive the table. */
#ifndef WCOMPOSE_COMPOSE_SINDEX_H
#define WCOMPOSE_COMPOSE_SINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

#define SINDEX_NONE ((size_t)-1)

struct sindex_slot {
  const char *key; /* NULL: empty */
  size_t len;
  size_t pos;
};

struct sindex {
  struct arena *a;
  struct sindex_slot *slots;
  size_t cap, n; /* cap is 0 or a power of two, kept above 2n */
};

void sindex_init(struct sindex *x, struct arena *a);
/* The position recorded for key (len bytes, may hold NUL), or SINDEX_NONE. */
size_t sindex_get(const struct sindex *x, const char *key, size_t len);
/* Record key at pos unless key is there already; returns the position the
 * table holds for key afterwards (the older one when it was there). */
size_t sindex_add(struct sindex *x, const char *key, size_t len, size_t pos);
/* Record key at pos, replacing any position it had. */
void sindex_put(struct sindex *x, const char *key, size_t len, size_t pos);
/* Forget every key, keeping the storage for the next ones. */
void sindex_clear(struct sindex *x);

/* The hash the table uses (FNV-1a), for callers that key other tables. */
uint64_t sindex_hash(const char *s, size_t len);

#endif
