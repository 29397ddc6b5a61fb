/* debounce: a set of changed paths (FNV-1a, linear probing) and the clock
 * arithmetic of settle, quiet and the longest wait. */
#include "watch/debounce.h"

#include "util/err.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

void debounce_init(struct debounce *d, const struct debounce_times *times,
                   size_t cap)
{
  static const struct debounce_times defaults = DEBOUNCE_TIMES_INIT;
  memset(d, 0, sizeof(*d));
  d->t = times ? *times : defaults;
  if (d->t.settle_ms > d->t.quiet_ms)
    d->t.quiet_ms = d->t.settle_ms;
  d->cap = cap;
}

static uint64_t hash(const char *s)
{
  uint64_t h = 14695981039346656037ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

static char **slot(char **slots, size_t nslots, const char *path)
{
  size_t i = (size_t)hash(path) & (nslots - 1);
  while (slots[i] && strcmp(slots[i], path))
    i = (i + 1) & (nslots - 1);
  return &slots[i];
}

static void grow(struct debounce *d)
{
  size_t n = d->nslots ? 2 * d->nslots : 64;
  char **v = xcalloc(n, sizeof(*v));
  for (size_t i = 0; i < d->nslots; i++)
    if (d->slots[i])
      *slot(v, n, d->slots[i]) = d->slots[i];
  free(d->slots);
  d->slots = v;
  d->nslots = n;
}

static void touch(struct debounce *d, uint64_t now)
{
  if (!d->n && !d->dropped) {
    d->first = now;
    /* what comes right after a batch is the rest of a burst */
    d->follows = d->taken && now - d->prev < d->t.quiet_ms;
  }
  d->last = now;
}

int debounce_add(struct debounce *d, const char *path, uint64_t now)
{
  if (strlen(path) >= DEBOUNCE_PATH_MAX) {
    touch(d, now);
    d->dropped++;
    return ERR_LIMIT;
  }
  if (2 * (d->n + 1) > d->nslots)
    grow(d);
  char **s = slot(d->slots, d->nslots, path);
  if (*s) {
    touch(d, now);
    return 0;
  }
  if (d->n >= d->cap) {
    touch(d, now);
    d->dropped++;
    return ERR_LIMIT;
  }
  touch(d, now);
  *s = xstrdup(path);
  d->n++;
  return 1;
}

int debounce_settling(const struct debounce *d)
{
  return !d->follows && d->last - d->first < d->t.settle_ms;
}

void debounce_hold(struct debounce *d)
{
  d->follows = 1;
}

int debounce_has(const struct debounce *d, const char *path)
{
  if (!d->nslots)
    return 0;
  return *slot(d->slots, d->nslots, path) != NULL;
}

int debounce_each(const struct debounce *d,
                  int (*fn)(void *arg, const char *path), void *arg)
{
  for (size_t i = 0; i < d->nslots; i++)
    if (d->slots[i]) {
      int r = fn(arg, d->slots[i]);
      if (r)
        return r;
    }
  return 0;
}

uint64_t debounce_wait(const struct debounce *d, uint64_t now)
{
  if (!d->n && !d->dropped)
    return UINT64_MAX;
  int burst = !debounce_settling(d);
  uint64_t quiet = d->last + (burst ? d->t.quiet_ms : d->t.settle_ms);
  uint64_t latest = d->first + d->t.max_wait_ms;
  uint64_t due = quiet < latest ? quiet : latest;
  return now >= due ? 0 : due - now;
}

static int by_bytes(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int debounce_take(struct debounce *d, uint64_t now, struct strvec *out,
                  size_t *dropped)
{
  if (debounce_wait(d, now) != 0)
    return 0;
  char **v = xcalloc(d->n ? d->n : 1, sizeof(*v));
  size_t n = 0;
  for (size_t i = 0; i < d->nslots; i++)
    if (d->slots[i])
      v[n++] = d->slots[i];
  qsort(v, n, sizeof(*v), by_bytes);
  for (size_t i = 0; i < n; i++) {
    strvec_push(out, v[i]);
    free(v[i]);
  }
  free(v);
  if (dropped)
    *dropped = d->dropped;
  d->taken = 1;
  d->prev = d->last;
  free(d->slots);
  d->slots = NULL;
  d->nslots = d->n = d->dropped = 0;
  return 1;
}

void debounce_release(struct debounce *d)
{
  for (size_t i = 0; i < d->nslots; i++)
    free(d->slots[i]);
  free(d->slots);
  d->slots = NULL;
  d->nslots = d->n = d->dropped = 0;
}
