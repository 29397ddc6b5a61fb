/* sindex: a table from strings to positions, for the loader's ordered maps
 * and lists (mapping keys, variables, key/value lists) so that finding a key
 * costs the same among 100,000 keys as among ten. The table holds only
 * positions and hashes (8 bytes a slot); it reads the keys back from their
 * owner through a callback, so it never copies them. It is allocated from
 * the arena given to sindex_init and lives as long as that arena. */
#ifndef WCOMPOSE_COMPOSE_SINDEX_H
#define WCOMPOSE_COMPOSE_SINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

#define SINDEX_NONE ((size_t)-1)

/* The key at position pos of owner (what the table indexes), and its
 * length. Called only for positions already added. */
typedef const char *(*sindex_key_cb)(const void *owner, size_t pos,
                                     size_t *len);

/* Positions are below 4 Gi: the loader's inputs are far smaller (files are
 * capped at 16 MiB). */
struct sindex {
  struct arena *a;
  sindex_key_cb key;
  const void *owner; /* must stay where it is while the table is used */
  uint32_t *slots;   /* pairs: position + 1 (0: empty), hash */
  size_t cap, n;     /* cap is 0 or a power of two, kept above 4n/3 */
};

void sindex_init(struct sindex *x, struct arena *a, sindex_key_cb key,
                 const void *owner);
/* The position recorded for key (len bytes, may hold NUL), or SINDEX_NONE. */
size_t sindex_get(const struct sindex *x, const char *key, size_t len);
/* Record key at pos unless key is there already; returns the position the
 * table holds for key afterwards (the older one when it was there). */
size_t sindex_add(struct sindex *x, const char *key, size_t len, size_t pos);
/* Forget every key, keeping the storage for the next ones. */
void sindex_clear(struct sindex *x);

/* The hash the table uses (FNV-1a), for callers that key other tables. */
uint64_t sindex_hash(const char *s, size_t len);

#endif
