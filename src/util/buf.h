/* A growable byte buffer with a cap: every buffer filled from outside
 * (files, engine streams, the network) is bounded. The buffer owns data;
 * data is always NUL-terminated when non-NULL. */
#ifndef WCOMPOSE_UTIL_BUF_H
#define WCOMPOSE_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
  char *data;
  size_t len;
  size_t alloc;
  size_t cap; /* 0: no cap */
};
#define BUF_INIT                                                               \
  {                                                                            \
    NULL, 0, 0, 0                                                              \
  }
#define BUF_INIT_CAP(c)                                                        \
  {                                                                            \
    NULL, 0, 0, (c)                                                            \
  }

/* Each returns 0, or -ERR_LIMIT (the buffer is unchanged) when the cap
 * would be passed. Allocation failure aborts. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Drop the first n bytes (consumed input). */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
/* Hand the data to the caller (to free) and reset; never NULL. */
char *buf_detach(struct buf *b);
void buf_release(struct buf *b);
/* Read a whole file; -ERR_IO with errno kept, -ERR_LIMIT past the cap. */
int buf_read_file(struct buf *b, const char *path);

/* The offset of the first byte of s[0..n) that does not begin a valid UTF-8
 * sequence (truncated, overlong, a surrogate, past U+10FFFF); n when all of
 * it is valid. YAML and the engine's JSON both need valid UTF-8. */
size_t utf8_invalid_at(const char *s, size_t n);

#endif
