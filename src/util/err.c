/* Error codes and the error report that collects one line per problem. */
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *err_name(int code)
{
  switch (code) {
  case 0:
    return "OK";
#define ERR_NAME_(name, value, text)                                           \
  case value:                                                                  \
    return #name;
    ERR_TABLE(ERR_NAME_)
#undef ERR_NAME_
  }
  return "ERR_UNKNOWN";
}

const char *err_text(int code)
{
  switch (code) {
  case 0:
    return "success";
#define ERR_TEXT_(name, value, text)                                           \
  case value:                                                                  \
    return text;
    ERR_TABLE(ERR_TEXT_)
#undef ERR_TEXT_
  }
  return "unknown error";
}

static void add(struct err *err, const char *s, size_t n)
{
  if (err->len + n + 1 > err->alloc) {
    size_t a = err->alloc ? err->alloc : 128;
    while (a < err->len + n + 1)
      a *= 2;
    char *p = realloc(err->text, a);
    if (!p)
      return; /* the code still tells the caller what happened */
    err->text = p;
    err->alloc = a;
  }
  memcpy(err->text + err->len, s, n);
  err->len += n;
  err->text[err->len] = '\0';
}

int err_vat(struct err *err, int code, const struct err_pos *pos,
            const char *fmt, va_list ap)
{
  if (!err)
    return code;
  if (!err->code)
    err->code = code;
  char line[4096];
  int n = 0;
  if (pos && pos->file && pos->line > 0)
    n = snprintf(line, sizeof(line), "%s:%d:%d: ", pos->file, pos->line,
                 pos->col);
  else if (pos && pos->file)
    n = snprintf(line, sizeof(line), "%s: ", pos->file);
  if (n < 0 || (size_t)n >= sizeof(line))
    n = 0;
  int m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
  size_t len = m < 0 ? (size_t)n : (size_t)n + (size_t)m;
  if (len >= sizeof(line) - 1)
    len = sizeof(line) - 2;
  line[len++] = '\n';
  add(err, line, len);
  err->count++;
  return code;
}

int err_at(struct err *err, int code, const struct err_pos *pos,
           const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  err_vat(err, code, pos, fmt, ap);
  va_end(ap);
  return code;
}

int err_set(struct err *err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  err_vat(err, code, NULL, fmt, ap);
  va_end(ap);
  return code;
}

void err_wrap(struct err *err, const char *fmt, ...)
{
  if (!err || !err->text)
    return;
  char what[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  char *old = err->text;
  size_t oldlen = err->len;
  err->text = NULL;
  err->len = err->alloc = 0;
  const char *p = old;
  while (p < old + oldlen) {
    const char *nl = memchr(p, '\n', old + oldlen - p);
    size_t n = nl ? (size_t)(nl - p + 1) : (size_t)(old + oldlen - p);
    add(err, what, strlen(what));
    add(err, ": ", 2);
    add(err, p, n);
    p += n;
  }
  free(old);
}

void err_reset(struct err *err)
{
  err->code = 0;
  err->count = 0;
  err->len = 0;
  if (err->text)
    err->text[0] = '\0';
}

void err_release(struct err *err)
{
  free(err->text);
  memset(err, 0, sizeof(*err));
}

void err_bug(const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "BUG: %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}
