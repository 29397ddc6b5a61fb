/* Vectors of owned strings. */
#include "util/strvec.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void push_owned(struct strvec *sv, char *s)
{
  if (sv->n + 2 > sv->alloc) {
    sv->alloc = sv->alloc ? sv->alloc * 2 : 8;
    sv->v = xrealloc(sv->v, sv->alloc * sizeof(char *));
  }
  sv->v[sv->n++] = s;
  sv->v[sv->n] = NULL;
}

void strvec_push(struct strvec *sv, const char *s)
{
  push_owned(sv, xstrdup(s));
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = xmalloc(n < 0 ? 1 : (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, n < 0 ? 1 : (size_t)n + 1, fmt, ap);
  va_end(ap);
  push_owned(sv, p);
}

void strvec_split(struct strvec *sv, const char *s, char sep)
{
  while (s && *s) {
    const char *e = strchr(s, sep);
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n)
      push_owned(sv, xstrndup(s, n));
    s = e ? e + 1 : NULL;
  }
}

int strvec_has(const struct strvec *sv, const char *s)
{
  for (size_t i = 0; i < sv->n; i++)
    if (!strcmp(sv->v[i], s))
      return 1;
  return 0;
}

void strvec_clear(struct strvec *sv)
{
  for (size_t i = 0; i < sv->n; i++)
    free(sv->v[i]);
  free(sv->v);
  sv->v = NULL;
  sv->n = sv->alloc = 0;
}
