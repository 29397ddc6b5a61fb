/* A tiny TAP producer for the unit tests (automake's test driver reads the
 * exit status; the TAP lines are for people). */
#ifndef WCOMPOSE_TESTS_TAP_H
#define WCOMPOSE_TESTS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                                          \
  do {                                                                         \
    int tap_c_ = !!(cond);                                                     \
    tap_n++;                                                                   \
    if (!tap_c_)                                                               \
      tap_failed++;                                                            \
    printf("%sok %d - ", tap_c_ ? "" : "not ", tap_n);                         \
    printf(__VA_ARGS__);                                                       \
    printf("\n");                                                              \
    if (!tap_c_)                                                               \
      printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
  } while (0)

#define is_str(got, want, ...)                                                 \
  do {                                                                         \
    const char *tap_g_ = (got), *tap_w_ = (want);                              \
    int tap_e_ =                                                               \
        (tap_g_ && tap_w_) ? !strcmp(tap_g_, tap_w_) : tap_g_ == tap_w_;       \
    ok(tap_e_, __VA_ARGS__);                                                   \
    if (!tap_e_)                                                               \
      printf("#   got:  '%s'\n#   want: '%s'\n", tap_g_ ? tap_g_ : "(null)",   \
             tap_w_ ? tap_w_ : "(null)");                                      \
  } while (0)

#define is_int(got, want, ...)                                                 \
  do {                                                                         \
    long long tap_g_ = (got), tap_w_ = (want);                                 \
    ok(tap_g_ == tap_w_, __VA_ARGS__);                                         \
    if (tap_g_ != tap_w_)                                                      \
      printf("#   got:  %lld\n#   want: %lld\n", tap_g_, tap_w_);              \
  } while (0)

static inline int tap_done(void)
{
  printf("1..%d\n", tap_n);
  if (tap_failed)
    printf("# %d of %d failed\n", tap_failed, tap_n);
  return tap_failed ? 1 : 0;
}

#endif
