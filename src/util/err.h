/* Error codes and error reports.
 * Functions return 0 or a negative ERR_* code. Those that must tell a person
 * what went wrong also take a struct err, which collects one line per problem
 * ("file:line:col: message"); the struct owns its text (err_release frees). */
#ifndef WCOMPOSE_UTIL_ERR_H
#define WCOMPOSE_UTIL_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* name, value, text */
#define ERR_TABLE(X)                                                           \
  X(ERR_NOMEM, -1, "out of memory")                                            \
  X(ERR_IO, -2, "input/output error")                                          \
  X(ERR_YAML, -3, "invalid YAML")                                              \
  X(ERR_SCHEMA, -4, "invalid compose file")                                    \
  X(ERR_INTERP, -5, "invalid interpolation")                                   \
  X(ERR_LIMIT, -6, "limit exceeded")                                           \
  X(ERR_CONFIG, -7, "inconsistent project")                                    \
  X(ERR_USAGE, -8, "usage error")                                              \
  X(ERR_ENGINE, -9, "engine error")                                            \
  X(ERR_CONNECT, -10, "cannot reach the engine")                               \
  X(ERR_NOTFOUND, -11, "not found")                                            \
  X(ERR_CONFLICT, -12, "conflict")                                             \
  X(ERR_BUILD, -13, "build failed")                                            \
  X(ERR_PROTO, -14, "protocol error")                                          \
  X(ERR_CANCELED, -15, "canceled")                                             \
  X(ERR_TIMEOUT, -16, "timed out")                                             \
  X(ERR_STATE, -17, "invalid state")                                           \
  X(ERR_UNHEALTHY, -18, "unhealthy")

enum err_code {
  ERR_OK = 0,
#define ERR_ENUM_(name, value, text) name = value,
  ERR_TABLE(ERR_ENUM_)
#undef ERR_ENUM_
};

/* The name ("ERR_IO") and text ("input/output error") of a code. */
const char *err_name(int code);
const char *err_text(int code);

/* A position in a source file; file may be NULL (then no position). */
struct err_pos {
  const char *file;
  int line;
  int col;
};

/* An error report: the first code set, and one line per problem. */
struct err {
  int code;
  int count;  /* number of lines */
  char *text; /* "file:line:col: message\n" lines, owned */
  size_t len, alloc;
};
#define ERR_INIT                                                               \
  {                                                                            \
    0, 0, NULL, 0, 0                                                           \
  }

/* Append one problem; keeps the first code. Returns code, so callers can
 * write `return err_set(err, ERR_IO, "...")`. err may be NULL. */
int err_set(struct err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int err_at(struct err *err, int code, const struct err_pos *pos,
           const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int err_vat(struct err *err, int code, const struct err_pos *pos,
            const char *fmt, va_list ap);
/* Prefix all current lines with
 * "what: " context, e.g. err_wrap(err, "creating container 'x'"). */
void err_wrap(struct err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_release(struct err *err);
void err_reset(struct err *err);

#define BUG(...) err_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void err_bug(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
