/* libFuzzer target: dotenv_parse on arbitrary bytes, with a lookup set.
 * Run by run.sh. */
/* fuzz-sources: src/compose/dotenv.c src/compose/interp.c
 * src/compose/ydoc.c src/compose/sindex.c src/compose/problems.c
 * src/util/err.c src/util/arena.c src/util/xalloc.c src/util/buf.c
 * src/util/strvec.c */
#include "compose/dotenv.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct arena a = ARENA_INIT;
  struct err err = ERR_INIT;
  struct env look, out;

  env_init(&look, &a);
  env_set(&look, "HOME", "/root");
  env_set(&look, "EMPTY", "");
  env_init(&out, &a);
  (void)dotenv_parse(&out, "fuzz.env", (const char *)data, size, &look, &err);
  for (size_t i = 0; i < out.n; i++)
    (void)env_get(&out, out.vars[i].name);
  err_release(&err);
  arena_release(&a);
  return 0;
}
