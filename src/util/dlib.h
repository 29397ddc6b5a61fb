/* Optional shared libraries loaded on first use (dlopen), so a command that
 * does not need a library does not pay the dynamic loader for it and its
 * dependencies. A library is described by its soname and a table of the
 * symbols used, each bound to a function pointer; the pointers are owned by
 * the module that declares them and stay valid until the process exits. */
#ifndef WCOMPOSE_UTIL_DLIB_H
#define WCOMPOSE_UTIL_DLIB_H

#include "util/err.h"

#include <stddef.h>

/* Declares or defines the pointer sym_NAME with the type of the library's
 * own declaration of NAME (whose header must be included). */
#define DLIB_PROTOTYPE(name) __typeof__(name) *sym_##name

/* One symbol: its name and where its address goes. */
struct dlib_sym {
  const char *name;
  void **fn;
};
#define DLIB_SYM(name)                                                         \
  {                                                                            \
#name, (void **)&sym_##name                                                \
  }

/* A library: soname, what wcompose needs it for (said in the error), the
 * symbols, and the state of the load (the first outcome sticks). */
struct dlib {
  const char *soname;
  const char *purpose;
  const struct dlib_sym *syms;
  size_t nsyms;
  int rc; /* 0 not tried, 1 loaded, < 0 failed */
};

/* Load l once: open its soname and bind every symbol. Returns 0, or
 * ERR_NOTFOUND with "cannot load libx.so.N (needed for PURPOSE): why" in
 * err; a later call returns the same outcome without trying again. Not
 * thread-safe: call it from the thread that runs the loop. */
int dlib_load(struct dlib *l, struct err *err);

#endif
