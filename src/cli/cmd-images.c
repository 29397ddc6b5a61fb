/* wcompose images: the images the project's containers run, one row per
 * container (CONTAINER REPOSITORY TAG IMAGE ID SIZE). */
#include "cli/views.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* docker's HumanSize: decimal units, 3 significant digits. */
static char *size_new(double b)
{
  static const char *const unit[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (b >= 1000 && u < 5) {
    b /= 1000;
    u++;
  }
  return xasprintf("%.3g%s", b, unit[u]);
}

/* "busybox:1.36" from the image's RepoTags (or what the container says). */
static void repo_tag(const cJSON *img, const char *fallback, char **repo,
                     char **tag)
{
  const cJSON *tags = cJSON_GetObjectItemCaseSensitive(img, "RepoTags");
  const cJSON *first = cJSON_GetArrayItem(tags, 0);
  const char *rt = cJSON_IsString(first) ? first->valuestring : fallback;
  const cJSON *t;
  cJSON_ArrayForEach(t, tags)
  {
    /* the name the container was made from, when the image still has it */
    if (cJSON_IsString(t) && !strcmp(t->valuestring, fallback))
      rt = fallback;
  }
  const char *colon = strrchr(rt, ':');
  if (colon && !strchr(colon, '/') && strncmp(rt, "sha256:", 7)) {
    *repo = xasprintf("%.*s", (int)(colon - rt), rt);
    *tag = xstrdup(colon + 1);
  } else {
    *repo = xstrdup(strncmp(rt, "sha256:", 7) ? rt : "<none>");
    *tag = xstrdup(strncmp(rt, "sha256:", 7) ? "latest" : "<none>");
  }
}

enum { O_QUIET = 1, O_FORMAT };

static const struct cli_option options[] = {
    {O_QUIET, 'q', "quiet", NULL, "Only display image IDs"},
    {O_FORMAT, 0, "format", "FORMAT", "table (default) or json", 0,
     "table|json"},
    {0}};

static int cmd_images(struct cli_global *g, const struct cli_args *args)
{
  const char *format = cli_value(args, O_FORMAT);
  int quiet = cli_flag(args, O_QUIET) > 0;
  int json = format && !strcmp(format, "json");
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc = views_open(&cs, g, args->pos.v, (int)args->pos.n);
  if (!rc) {
    struct views_list l;
    views_collect(&cs, 1, &l);
    char **cell = xcalloc((l.n + 1) * 5, sizeof(*cell));
    size_t rows = 1;
    cJSON *arr = cJSON_CreateArray();
    static const char *const head[] = {"CONTAINER", "REPOSITORY", "TAG",
                                       "IMAGE ID", "SIZE"};
    for (int k = 0; k < 5; k++)
      cell[k] = xstrdup(head[k]);
    for (size_t i = 0; i < l.n && !rc; i++) {
      const char *image_id = views_str(l.v[i].j, "ImageID");
      struct session_call a = {.err = &lc->err};
      rc = engine_image_inspect(lc->engine, image_id, session_call_cb, &a,
                                &lc->err);
      if (!rc)
        rc = session_call_wait(lc, &a);
      if (rc == ERR_NOTFOUND) { /* removed since: show what is known */
        err_release(&lc->err);
        rc = 0;
      }
      if (!rc) {
        char *repo, *tag;
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(a.json, "Size");
        double sz = cJSON_IsNumber(size) ? size->valuedouble : 0;
        const char *id =
            !strncmp(image_id, "sha256:", 7) ? image_id + 7 : image_id;
        repo_tag(a.json, views_str(l.v[i].j, "Image"), &repo, &tag);
        if (quiet) {
          int seen = 0;
          for (size_t j = 0; j < i; j++)
            seen |= !strcmp(views_str(l.v[j].j, "ImageID"), image_id);
          if (!seen)
            puts(id);
        } else if (json) {
          cJSON *o = cJSON_CreateObject();
          cJSON_AddStringToObject(o, "ID", image_id);
          cJSON_AddStringToObject(o, "ContainerName", l.v[i].c.name);
          cJSON_AddStringToObject(o, "Repository", repo);
          cJSON_AddStringToObject(o, "Tag", tag);
          cJSON_AddNumberToObject(o, "Size", sz);
          cJSON_AddItemToArray(arr, o);
        }
        cell[rows * 5] = xstrdup(l.v[i].c.name);
        cell[rows * 5 + 1] = repo;
        cell[rows * 5 + 2] = tag;
        cell[rows * 5 + 3] = xasprintf("%.12s", id);
        cell[rows * 5 + 4] = size_new(sz);
        rows++;
      }
      session_call_release(&a);
    }
    if (!rc && json) {
      char *text = cJSON_PrintUnformatted(arr);
      puts(text);
      free(text);
    }
    if (!rc && !quiet && !json) {
      views_table(cell, rows, 5);
    } else {
      for (size_t i = 0; i < rows * 5; i++)
        free(cell[i]);
      free(cell);
    }
    cJSON_Delete(arr);
    free(l.v);
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_images_entry = {
    .name = "images",
    .summary = "List images used by the project's containers",
    .usage = "[OPTIONS] [SERVICE...]",
    .description = "List images used by the created containers.\n",
    .options = options,
    .run = cmd_images};
