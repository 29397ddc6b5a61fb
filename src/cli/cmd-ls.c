/* wcompose ls: the compose projects the engine knows, found by the
 * com.docker.compose.project label of their containers, with a status
 * summary ("running(2), exited(1)") and their config files. */
#include "cli/views.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct proj {
  const char *name, *files;
  struct {
    const char *state;
    int n;
  } st[8];
  int nst, running;
};

static int by_name(const void *a, const void *b)
{
  return strcmp(((const struct proj *)a)->name, ((const struct proj *)b)->name);
}

static char *status_new(const struct proj *p)
{
  char *s = xstrdup("");
  for (int i = 0; i < p->nst; i++) {
    char *t =
        xasprintf("%s%s%s(%d)", s, i ? ", " : "", p->st[i].state, p->st[i].n);
    free(s);
    s = t;
  }
  return s;
}

enum { O_ALL = 1, O_QUIET, O_FORMAT, O_FILTER };

static const struct cli_option options[] = {
    {O_ALL, 'a', "all", NULL, "Show all projects (default: running ones)"},
    {O_QUIET, 'q', "quiet", NULL, "Only display project names"},
    {O_FORMAT, 0, "format", "FORMAT", "table (default) or json", 0,
     "table|json"},
    {O_FILTER, 0, "filter", "name=X", "Only projects whose name contains X"},
    {0}};

static int cmd_ls(struct cli_global *g, const struct cli_args *args)
{
  const char *format = cli_value(args, O_FORMAT);
  const char *filter = cli_value(args, O_FILTER);
  int all = cli_flag(args, O_ALL) > 0, quiet = cli_flag(args, O_QUIET) > 0;
  int json = format && !strcmp(format, "json");
  if (filter && strncmp(filter, "name=", 5)) {
    fprintf(stderr,
            "wcompose ls: --filter: '%s' is not supported (want "
            "name=NAME)\n",
            filter);
    return EXIT_USAGE;
  }
  if (filter)
    filter += 5;
  if (args->pos.n) {
    fprintf(stderr, "wcompose ls: unexpected argument '%s'\n", args->pos.v[0]);
    return EXIT_USAGE;
  }
  /* no compose file: only the engine is opened */
  struct cli_session cs;
  struct session *lc = &cs.s;
  memset(&cs, 0, sizeof(cs));
  cs.g = g;
  struct session_call a = {.err = &lc->err};
  int rc = cli_session_open(&cs);
  cJSON *filters = NULL;
  engine_filter_add(&filters, "label", LABELS_PROJECT);
  if (!rc)
    rc = engine_container_list(lc->engine, filters, 1, session_call_cb, &a,
                               &lc->err);
  cJSON_Delete(filters);
  if (!rc)
    rc = session_call_wait(lc, &a);
  if (!rc) {
    size_t cap = (size_t)cJSON_GetArraySize(a.json) + 1, n = 0;
    struct proj *pv = xcalloc(cap, sizeof(*pv));
    const cJSON *item;
    cJSON_ArrayForEach(item, a.json)
    {
      const cJSON *labels = cJSON_GetObjectItemCaseSensitive(item, "Labels");
      const char *name = views_str(labels, LABELS_PROJECT);
      const char *state = views_str(item, "State");
      if (!*name || (filter && !strstr(name, filter)))
        continue;
      size_t k = 0;
      while (k < n && strcmp(pv[k].name, name))
        k++;
      if (k == n) {
        pv[n].name = name;
        pv[n].files = views_str(labels, LABELS_CONFIG_FILES);
        n++;
      }
      struct proj *p = &pv[k];
      int s = 0;
      while (s < p->nst && strcmp(p->st[s].state, state))
        s++;
      if (s == p->nst && p->nst < 8)
        p->st[p->nst++].state = state;
      if (s < p->nst)
        p->st[s].n++;
      p->running |= !strcmp(state, "running");
    }
    qsort(pv, n, sizeof(*pv), by_name);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      if (all || pv[i].running)
        pv[k++] = pv[i];
    n = k;
    if (quiet) {
      for (size_t i = 0; i < n; i++)
        puts(pv[i].name);
    } else if (json) {
      cJSON *arr = cJSON_CreateArray();
      for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        char *st = status_new(&pv[i]);
        cJSON_AddStringToObject(o, "Name", pv[i].name);
        cJSON_AddStringToObject(o, "Status", st);
        cJSON_AddStringToObject(o, "ConfigFiles", pv[i].files);
        cJSON_AddItemToArray(arr, o);
        free(st);
      }
      char *text = cJSON_PrintUnformatted(arr);
      puts(text);
      free(text);
      cJSON_Delete(arr);
    } else {
      char **cell = xcalloc((n + 1) * 3, sizeof(*cell));
      cell[0] = xstrdup("NAME");
      cell[1] = xstrdup("STATUS");
      cell[2] = xstrdup("CONFIG FILES");
      for (size_t i = 0; i < n; i++) {
        cell[(i + 1) * 3] = xstrdup(pv[i].name);
        cell[(i + 1) * 3 + 1] = status_new(&pv[i]);
        cell[(i + 1) * 3 + 2] = xstrdup(pv[i].files);
      }
      views_table(cell, n + 1, 3);
    }
    free(pv);
  }
  session_call_release(&a);
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_ls_entry = {.name = "ls",
                                         .summary =
                                             "List running compose projects",
                                         .usage = "[OPTIONS]",
                                         .options = options,
                                         .run = cmd_ls};
