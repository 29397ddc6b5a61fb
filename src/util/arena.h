/* A bump allocator: many small allocations freed together in one call.
 * The arena owns every block it hands out; arena_release frees them all. */
#ifndef WCOMPOSE_UTIL_ARENA_H
#define WCOMPOSE_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;
struct arena {
  struct arena_block *head;
  size_t used; /* bytes handed out, for limits and statistics */
};
#define ARENA_INIT                                                             \
  {                                                                            \
    NULL, 0                                                                    \
  }

/* Zeroed memory aligned for any type; aborts when memory runs out (the
 * loader works on bounded inputs, so this is treated like xmalloc). */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Grow an array of pointers by one: returns the new array (old contents
 * copied), for vectors that are built once. */
void **arena_push(struct arena *a, void **arr, size_t n, void *item);
void arena_release(struct arena *a);

#endif
