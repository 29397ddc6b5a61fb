/* Unit tests for util: err, buf, arena, strvec, dlib. */
#include "tap.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/dlib.h"
#include "util/err.h"
#include "util/path.h"
#include "util/strvec.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* Pointers for the dlib tests: one symbol libc has, one no library has. */
static void *sym_present, *sym_absent;

int main(void)
{
  struct err e = ERR_INIT;
  struct err_pos pos = {"compose.yaml", 12, 7};
  is_int(err_at(&e, ERR_SCHEMA, &pos, "services.web: bad '%s'", "x"),
         ERR_SCHEMA, "err_at returns its code");
  err_set(&e, ERR_IO, "second");
  is_int(e.code, ERR_SCHEMA, "first code is kept");
  is_int(e.count, 2, "two lines");
  is_str(e.text, "compose.yaml:12:7: services.web: bad 'x'\nsecond\n",
         "lines carry positions");
  err_wrap(&e, "loading");
  is_str(e.text,
         "loading: compose.yaml:12:7: services.web: bad 'x'\nloading: second\n",
         "err_wrap prefixes every line");
  err_release(&e);
  is_str(err_name(ERR_LIMIT), "ERR_LIMIT", "err_name");

  struct buf b = BUF_INIT_CAP(8);
  is_int(buf_addstr(&b, "12345"), 0, "under cap");
  is_int(buf_addstr(&b, "6789"), ERR_LIMIT, "past cap refused");
  is_str(b.data, "12345", "refused add leaves buffer unchanged");
  buf_consume(&b, 2);
  is_str(b.data, "345", "consume");
  buf_release(&b);

  struct arena a = ARENA_INIT;
  void **v = NULL;
  for (long i = 0; i < 100; i++)
    v = arena_push(&a, v, (size_t)i, (void *)i);
  int good = 1;
  for (long i = 0; i < 100; i++)
    good &= v[i] == (void *)i;
  ok(good, "arena_push keeps 100 items");
  is_str(arena_printf(&a, "%s-%d", "web", 1), "web-1", "arena_printf");
  char *big = arena_alloc(&a, 1 << 20);
  ok(big && big[0] == 0 && big[(1 << 20) - 1] == 0, "large zeroed block");
  arena_release(&a);

  struct strvec sv = STRVEC_INIT;
  strvec_split(&sv, "a::b:c", ':');
  is_int(sv.n, 3, "split drops empty fields");
  ok(strvec_has(&sv, "b") && !strvec_has(&sv, "d"), "strvec_has");
  strvec_clear(&sv);
  is_str(path_below("/src", "/src/a/b"), "a/b", "path_below: inside");
  is_str(path_below("/src", "/src"), "", "path_below: the dir itself");
  ok(path_below("/src", "/srcx/a") == NULL, "path_below: a sibling prefix");
  ok(path_below("/src", "/other") == NULL, "path_below: outside");
  is_str(path_below("/", "/etc"), "etc", "path_below: below the root");

  /* a library missing at run time: an error that names it and the need */
  struct dlib_sym none[] = {{"strlen", &sym_present}};
  struct dlib gone = {"libwcompose-absent.so.9", "testing", none, 1, 0};
  struct err de = ERR_INIT;
  is_int(dlib_load(&gone, &de), ERR_NOTFOUND, "dlib: missing library");
  ok(de.text && strstr(de.text, "cannot load libwcompose-absent.so.9 (needed "
                                "for testing)"),
     "dlib: the error names the library and what it is for: %s", de.text);
  err_reset(&de);
  is_int(dlib_load(&gone, &de), ERR_NOTFOUND, "dlib: the failure sticks");
  err_release(&de);
  struct dlib_sym syms[] = {{"strlen", &sym_present},
                            {"wcompose_no_such_symbol", &sym_absent}};
  struct dlib libc = {"libc.so.6", "testing", syms, 2, 0};
  is_int(dlib_load(&libc, &de), ERR_NOTFOUND, "dlib: missing symbol");
  ok(de.text && strstr(de.text, "'wcompose_no_such_symbol'"),
     "dlib: the error names the symbol");
  err_release(&de);
  struct dlib here = {"libc.so.6", "testing", syms, 1, 0};
  is_int(dlib_load(&here, &de), 0, "dlib: present library and symbol");
  void *libc_h = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
  /* libc's own, not a sanitizer's interceptor of the same name */
  ok(libc_h && sym_present == dlsym(libc_h, "strlen"),
     "dlib: the pointer is the library's function");
  is_int(dlib_load(&here, &de), 0, "dlib: loaded once, then remembered");
  return tap_done();
}
