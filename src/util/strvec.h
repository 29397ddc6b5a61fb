/* A NULL-terminated vector of owned strings. */
#ifndef WCOMPOSE_UTIL_STRVEC_H
#define WCOMPOSE_UTIL_STRVEC_H

#include <stddef.h>

struct strvec {
  char **v; /* NULL-terminated, never NULL after the first push */
  size_t n, alloc;
};
#define STRVEC_INIT                                                            \
  {                                                                            \
    NULL, 0, 0                                                                 \
  }

void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Split s on sep (empty fields dropped) and push each. */
void strvec_split(struct strvec *sv, const char *s, char sep);
int strvec_has(const struct strvec *sv, const char *s);
void strvec_clear(struct strvec *sv);

#endif
