/* Capped growable buffers. */
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int grow(struct buf *b, size_t n)
{
  if (b->cap && b->len + n > b->cap)
    return ERR_LIMIT;
  if (b->len + n + 1 > b->alloc) {
    size_t a = b->alloc ? b->alloc : 64;
    while (a < b->len + n + 1)
      a *= 2;
    b->data = xrealloc(b->data, a);
    b->alloc = a;
  }
  return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
  int r = grow(b, n);
  if (r)
    return r;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int buf_addstr(struct buf *b, const char *s)
{
  return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
  return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
  va_list cp;
  va_copy(cp, ap);
  int n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if (n < 0)
    return ERR_IO;
  int r = grow(b, (size_t)n);
  if (r)
    return r;
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int r = buf_vaddf(b, fmt, ap);
  va_end(ap);
  return r;
}

void buf_consume(struct buf *b, size_t n)
{
  if (n >= b->len) {
    buf_reset(b);
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
  b->data[b->len] = '\0';
}

void buf_reset(struct buf *b)
{
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

char *buf_detach(struct buf *b)
{
  char *p = b->data ? b->data : xstrdup("");
  b->data = NULL;
  b->len = b->alloc = 0;
  return p;
}

void buf_release(struct buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->alloc = 0;
}

int buf_read_file(struct buf *b, const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ERR_IO;
  char tmp[65536];
  for (;;) {
    ssize_t n = read(fd, tmp, sizeof(tmp));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int e = errno;
      close(fd);
      errno = e;
      return ERR_IO;
    }
    if (n == 0)
      break;
    int r = buf_add(b, tmp, (size_t)n);
    if (r) {
      close(fd);
      return r;
    }
  }
  close(fd);
  if (!b->data)
    buf_add(b, "", 0);
  return 0;
}

size_t utf8_invalid_at(const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned c = u[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t w = (c & 0xe0) == 0xc0   ? 2
               : (c & 0xf0) == 0xe0 ? 3
               : (c & 0xf8) == 0xf0 ? 4
                                    : 0;
    if (!w || i + w > n)
      return i;
    unsigned v = c & (0x7f >> w);
    for (size_t k = 1; k < w; k++) {
      if ((u[i + k] & 0xc0) != 0x80)
        return i;
      v = (v << 6) | (u[i + k] & 0x3f);
    }
    static const unsigned least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[w] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
      return i;
    i += w;
  }
  return n;
}
