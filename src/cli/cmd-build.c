/* wcompose build: build the images of services with a build section; and
 * lc_build_one, the build step up and create share (the context is tarred
 * while it is sent; the output streams with the service's name). */
#include "cli/lifecycle.h"
#include "engine/tarball.h"
#include "orchestrate/create.h"
#include "orchestrate/labels.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct build_run {
  struct lc *lc;
  const struct service *s;
  struct tarball *tb;
  int quiet;
  struct buf line;   /* build output not yet ended by a newline */
  struct lc_await a; /* the completion; progress and it share this ctx */
};

static void on_built(void *ctx, struct engine_result *res)
{
  struct build_run *b = ctx;
  lc_await_cb(&b->a, res);
}

static size_t read_context(void *ctx, char *buf, size_t n)
{
  struct build_run *b = ctx;
  ssize_t r = tarball_read(b->tb, buf, n);
  return r < 0 ? HTTP_READ_ERROR : (size_t)r;
}

static int on_progress(void *ctx, const struct stream_progress *p)
{
  struct build_run *b = ctx;
  if (!p->stream || b->quiet)
    return 0;
  buf_addstr(&b->line, p->stream);
  char *nl;
  while (b->line.data && (nl = strchr(b->line.data, '\n'))) {
    size_t n = (size_t)(nl - b->line.data);
    char *text = xasprintf("[%s] %.*s\n", b->s->name, (int)n, b->line.data);
    if (n)
      progress_text(&b->lc->progress, text);
    free(text);
    buf_consume(&b->line, n + 1);
  }
  return 0;
}

static cJSON *kv_object(const struct kvlist *l)
{
  if (!l->n)
    return NULL;
  cJSON *o = cJSON_CreateObject();
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].value)
      labels_set(o, l->v[i].key, l->v[i].value);
  return o;
}

/* The Dockerfile: relative to the context when it is inside, else added
 * to the tar under a generated name (as the docker CLI does). */
static int add_dockerfile(struct build_run *b, const struct build *bd,
                          const char **name, struct err *err)
{
  const char *ctx = bd->context;
  if (bd->dockerfile_inline)
    return tarball_add_dockerfile(b->tb, bd->dockerfile_inline,
                                  strlen(bd->dockerfile_inline), name, err);
  const char *df = bd->dockerfile ? bd->dockerfile : "Dockerfile";
  size_t cl = strlen(ctx);
  if (df[0] != '/') {
    *name = df;
    return 0;
  }
  if (!strncmp(df, ctx, cl) && df[cl] == '/') {
    *name = df + cl + 1;
    return 0;
  }
  struct buf text = BUF_INIT_CAP(16 << 20);
  int rc = buf_read_file(&text, df);
  if (rc) {
    buf_release(&text);
    return err_set(err, rc, "reading Dockerfile '%s': %s", df, err_text(rc));
  }
  rc = tarball_add_dockerfile(b->tb, text.data ? text.data : "", text.len, name,
                              err);
  buf_release(&text);
  return rc;
}

int lc_build_one(struct lc *lc, const struct service *s)
{
  const struct build *bd = s->build;
  struct build_run b = {lc, s, NULL, lc->quiet_build, BUF_INIT_CAP(1 << 20),
                        {0}};
  char *image = create_image_name_new(lc->project, s);
  const char *df = NULL;
  int inside = bd->dockerfile && bd->dockerfile[0] == '/' &&
               !bd->dockerfile_inline &&
               !strncmp(bd->dockerfile, bd->context, strlen(bd->context)) &&
               bd->dockerfile[strlen(bd->context)] == '/';
  const char *rel = bd->dockerfile_inline      ? NULL
                    : !bd->dockerfile          ? "Dockerfile"
                    : bd->dockerfile[0] != '/' ? bd->dockerfile
                    : inside ? bd->dockerfile + strlen(bd->context) + 1
                             : NULL;
  struct err e = ERR_INIT;
  int rc = tarball_new(&b.tb, bd->context, rel, NULL, &e);
  if (!rc)
    rc = add_dockerfile(&b, bd, &df, &e);
  const char **tags = xcalloc(bd->tags.n + 2, sizeof(*tags));
  tags[0] = image;
  for (size_t i = 0; i < bd->tags.n; i++)
    tags[i + 1] = bd->tags.v[i];
  const char **hosts = xcalloc(bd->extra_hosts.n + 1, sizeof(*hosts));
  for (size_t i = 0; i < bd->extra_hosts.n; i++) {
    char *h = xstrdup(bd->extra_hosts.v[i]);
    char *eq = strchr(h, '=');
    if (eq)
      *eq = ':';
    hosts[i] = h;
  }
  cJSON *args = kv_object(&bd->args);
  cJSON *labels = kv_object(&bd->labels);
  struct engine_build_opts o = {
      .tags = tags,
      .dockerfile = df,
      .buildargs = args,
      .labels = labels,
      .target = bd->target,
      .networkmode = bd->network,
      .extrahosts = bd->extra_hosts.n ? hosts : NULL,
      .platform = s->platform,
      .shmsize = bd->shm_size > 0 ? bd->shm_size : 0,
      .nocache = bd->no_cache == TRI_TRUE,
      .pull = bd->pull == TRI_TRUE,
  };
  progress_event(&lc->progress, "Service", s->name, "Building", 0);
  b.a.err = &e;
  if (!rc)
    rc = engine_image_build(lc->engine, &o, read_context, &b, on_progress,
                            on_built, &b, NULL, &e);
  if (!rc)
    rc = lc_await(lc, &b.a);
  if (b.line.len) {
    char *text = xasprintf("[%s] %s\n", s->name, b.line.data);
    progress_text(&lc->progress, text);
    free(text);
  }
  /* a context that could not be read says why, rather than "I/O error" */
  if (rc && b.tb && tarball_error(b.tb)->code) {
    err_reset(&e);
    err_set(&e, rc, "%s", tarball_error(b.tb)->text);
  }
  progress_event(&lc->progress, "Service", s->name, rc ? "Error" : "Built", 1);
  if (rc) {
    const char *t = e.text ? e.text : err_text(rc);
    size_t n = strlen(t);
    while (n && t[n - 1] == '\n')
      n--;
    if (!strncmp(t, "building ", 9))
      err_set(&lc->err, rc, "%.*s", (int)n, t);
    else
      err_set(&lc->err, rc, "building service '%s': %.*s", s->name, (int)n, t);
  }
  err_release(&e);
  lc_await_release(&b.a);
  cJSON_Delete(args);
  cJSON_Delete(labels);
  for (size_t i = 0; i < bd->extra_hosts.n; i++)
    free((char *)hosts[i]);
  free(hosts);
  free(tags);
  free(image);
  buf_release(&b.line);
  if (b.tb)
    tarball_free(b.tb);
  return rc;
}

enum { O_NO_CACHE = 1, O_PULL, O_QUIET };

static const struct cli_option options[] = {
    {O_NO_CACHE, 0, "no-cache", NULL, "Do not use the cache"},
    {O_PULL, 0, "pull", NULL, "Always try to pull newer base images"},
    {O_QUIET, 'q', "quiet", NULL, "Print nothing but errors"},
    {0}};

static int cmd_build(struct cli_global *g, const struct cli_args *args)
{
  int no_cache = cli_flag(args, O_NO_CACHE) > 0,
      pull = cli_flag(args, O_PULL) > 0;
  struct lc lc;
  int rc = lc_load(&lc, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = lc_check_builds(&lc);
  if (!rc)
    rc = lc_engine(&lc);
  for (size_t i = 0; !rc && i < lc.project->nservices; i++) {
    struct service *s = &lc.project->services[i];
    if (!lc.selected[i] || !s->build)
      continue;
    if (no_cache)
      s->build->no_cache = TRI_TRUE;
    if (pull)
      s->build->pull = TRI_TRUE;
    rc = lc_build_one(&lc, s);
  }
  int code = lc_exit(&lc, rc);
  lc_close(&lc);
  return code;
}

const struct cli_command cmd_build_entry = {
    .name = "build",
    .summary = "Build or rebuild service images",
    .usage = "[OPTIONS] [SERVICE...]",
    .description =
        "Build or rebuild the images of services with a build section.\n",
    .options = options,
    .run = cmd_build};
