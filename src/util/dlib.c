/* dlopen on first use, as systemd's dlopen_many_sym_or_warn: the library is
 * kept open for the life of the process (never closed), so bound pointers
 * never dangle. RTLD_LAZY: a missing library or symbol of ours still fails
 * here; the functions of its own dependency tree are bound when called, not
 * all at once (libcurl's tree has thousands). */
#include "config.h"

#include "util/dlib.h"

#include <dlfcn.h>

int dlib_load(struct dlib *l, struct err *err)
{
  if (l->rc == 0) {
    void *h = dlopen(l->soname, RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
      const char *why = dlerror();
      l->rc = ERR_NOTFOUND;
      return err_set(err, ERR_NOTFOUND,
                     "cannot load %s (needed for %s): %s; install the "
                     "package that provides it",
                     l->soname, l->purpose, why ? why : "not found");
    }
    for (size_t i = 0; i < l->nsyms; i++) {
      dlerror();
      void *p = dlsym(h, l->syms[i].name);
      if (!p) {
        const char *why = dlerror();
        l->rc = ERR_NOTFOUND;
        return err_set(err, ERR_NOTFOUND,
                       "cannot load %s (needed for %s): symbol '%s' "
                       "missing: %s",
                       l->soname, l->purpose, l->syms[i].name,
                       why ? why : "not found");
      }
      *l->syms[i].fn = p;
    }
    l->rc = 1;
  }
  if (l->rc < 0)
    return err_set(err, l->rc, "cannot load %s (needed for %s)", l->soname,
                   l->purpose);
  return 0;
}
