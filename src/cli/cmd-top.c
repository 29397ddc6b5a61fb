/* wcompose top: the processes of each running container of the project,
 * one table per container under its name. */
#include "cli/views.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_top(const char *name, const cJSON *top)
{
  const cJSON *titles = cJSON_GetObjectItemCaseSensitive(top, "Titles");
  const cJSON *procs = cJSON_GetObjectItemCaseSensitive(top, "Processes");
  int ncol = cJSON_GetArraySize(titles);
  size_t rows = (size_t)cJSON_GetArraySize(procs) + 1;
  if (ncol < 1)
    return;
  char **cell = xcalloc(rows * (size_t)ncol, sizeof(*cell));
  const cJSON *t;
  int c = 0;
  cJSON_ArrayForEach(t, titles)
  {
    cell[c++] = xstrdup(cJSON_IsString(t) ? t->valuestring : "");
  }
  size_t r = 1;
  const cJSON *p;
  cJSON_ArrayForEach(p, procs)
  {
    for (c = 0; c < ncol; c++) {
      const cJSON *v = cJSON_GetArrayItem(p, c);
      cell[r * (size_t)ncol + (size_t)c] =
          xstrdup(cJSON_IsString(v) ? v->valuestring : "");
    }
    r++;
  }
  printf("%s\n", name);
  views_table(cell, rows, ncol);
  putchar('\n');
}

static int cmd_top(struct cli_global *g, const struct cli_args *args)
{
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc = views_open(&cs, g, args->pos.v, (int)args->pos.n);
  if (!rc) {
    struct views_list l;
    views_collect(&cs, 0, &l);
    for (size_t i = 0; i < l.n && !rc; i++) {
      struct session_call a = {.err = &lc->err};
      rc = engine_container_top(lc->engine, l.v[i].c.id, NULL, session_call_cb,
                                &a, &lc->err);
      if (!rc)
        rc = session_call_wait(lc, &a);
      if (!rc)
        print_top(l.v[i].c.name, a.json);
      session_call_release(&a);
    }
    free(l.v);
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_top_entry = {.name = "top",
                                          .summary =
                                              "Display the running processes",
                                          .usage = "[SERVICE...]",
                                          .run = cmd_top};
