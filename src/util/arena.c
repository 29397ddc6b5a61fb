/* Bump allocation in chained blocks, released all at once. */
#include "util/arena.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
  struct arena_block *next;
  size_t size, used;
  max_align_t data[];
};

#define BLOCK_MIN (64 * 1024)

void *arena_alloc(struct arena *a, size_t size)
{
  size_t al = _Alignof(max_align_t);
  size = (size + al - 1) & ~(al - 1);
  if (size == 0)
    size = al;
  struct arena_block *b = a->head;
  if (!b || b->size - b->used < size) {
    size_t bs = size > BLOCK_MIN ? size : BLOCK_MIN;
    b = xmalloc(sizeof(*b) + bs);
    b->size = bs;
    b->used = 0;
    b->next = a->head;
    a->head = b;
  }
  void *p = (char *)b->data + b->used;
  b->used += size;
  a->used += size;
  memset(p, 0, size);
  return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
  return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
  va_list cp;
  va_copy(cp, ap);
  int n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if (n < 0)
    n = 0;
  char *p = arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *p = arena_vprintf(a, fmt, ap);
  va_end(ap);
  return p;
}

void **arena_push(struct arena *a, void **arr, size_t n, void *item)
{
  /* capacities are powers of two: copy only when n reaches one */
  if (n == 0 || (n & (n - 1)) == 0) {
    size_t cap = n ? n * 2 : 4;
    void **na = arena_alloc(a, cap * sizeof(void *));
    if (n)
      memcpy(na, arr, n * sizeof(void *));
    arr = na;
  }
  arr[n] = item;
  return arr;
}

void arena_release(struct arena *a)
{
  struct arena_block *b = a->head;
  while (b) {
    struct arena_block *n = b->next;
    free(b);
    b = n;
  }
  a->head = NULL;
  a->used = 0;
}
