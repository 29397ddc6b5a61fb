/* libFuzzer target: ydoc_parse then interp_tree on arbitrary bytes, plus
 * the typing helpers and a clone of whatever parsed. Run by run.sh. */
/* fuzz-sources: src/compose/ydoc.c src/compose/interp.c
 * src/compose/dotenv.c src/compose/sindex.c src/compose/problems.c
 * src/util/err.c src/util/arena.c src/util/xalloc.c src/util/buf.c
 * src/util/strvec.c */
/* fuzz-seeds: tests/conformance/good tests/conformance/bad */
#include "compose/interp.h"
#include "compose/ydoc.h"

#include <stdint.h>

static void visit(const struct ynode *n)
{
  if (!n)
    return;
  (void)ydoc_scalar_type(n);
  (void)ydoc_bool(n);
  (void)ydoc_kind_name(n);
  for (size_t i = 0; i < n->n; i++) {
    if (n->keys)
      (void)ydoc_get(n, n->keys[i]->str);
    visit(n->items[i]);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct arena a = ARENA_INIT;
  struct err err = ERR_INIT;
  struct strvec warnings = STRVEC_INIT;
  struct env vars;
  struct ynode *root = NULL;
  /* small limits keep each run fast while still reaching every check */
  struct ydoc_limits lim = {1 << 20, 64, 100000};

  env_init(&vars, &a);
  env_set(&vars, "FOO", "foo");
  env_set(&vars, "EMPTY", "");
  env_set(&vars, "DECLARED", NULL);
  if (ydoc_parse(&a, "fuzz.yml", (const char *)data, size, &lim, &root, &err) ==
          0 &&
      root) {
    struct ynode *copy = ydoc_clone(&a, root);
    (void)interp_tree(&a, root, &vars, &warnings, &err);
    visit(root);
    visit(copy);
  }
  strvec_clear(&warnings);
  err_release(&err);
  arena_release(&a);
  return 0;
}
