/* Image endpoints of the engine API: build, inspect, list, remove, tag,
 * pull, push. */
#include "engine/api-int.h"
#include "util/xalloc.h"

#include <stdlib.h>

/* X-Registry-Auth of anonymous access: base64 of "{}". */
#define AUTH_NONE "e30="

int engine_image_build(struct engine *e, const struct engine_build_opts *o,
                       http_read_cb read, void *read_ctx,
                       engine_progress_cb progress, engine_cb cb, void *ctx,
                       struct engine_call **call, struct err *err)
{
  char *what = o->tags && o->tags[0]
                   ? xasprintf("building image '%s'", o->tags[0])
                   : xstrdup("building an image");
  struct engine_call *k = call_new(e, "POST", what, "/build");
  free(what);
  for (size_t i = 0; o->tags && o->tags[i]; i++)
    call_query(k, "t", o->tags[i]);
  call_query(k, "dockerfile", o->dockerfile);
  if (o->args) {
    cJSON *args = call_kv_object(o->args, o->nargs);
    call_query_json(k, "buildargs", args);
    cJSON_Delete(args);
  } else {
    call_query_json(k, "buildargs", o->buildargs);
  }
  if (o->label_list) {
    cJSON *labels = call_kv_object(o->label_list, o->nlabels);
    call_query_json(k, "labels", labels);
    cJSON_Delete(labels);
  } else {
    call_query_json(k, "labels", o->labels);
  }
  call_query(k, "target", o->target);
  call_query(k, "networkmode", o->networkmode);
  call_query(k, "platform", o->platform);
  if (o->extrahosts && o->extrahosts[0]) {
    struct buf b = BUF_INIT;
    for (size_t i = 0; o->extrahosts[i]; i++)
      buf_addf(&b, "%s%s", i ? "," : "", o->extrahosts[i]);
    call_query(k, "extrahosts", b.data);
    buf_release(&b);
  }
  if (o->shmsize > 0)
    call_query_int(k, "shmsize", o->shmsize);
  if (o->nocache)
    call_query(k, "nocache", "1");
  if (o->pull)
    call_query(k, "pull", "1");
  if (o->quiet)
    call_query(k, "q", "1");
  call_query(k, "rm", "1");
  /* a failed step must not leave its container behind either */
  call_query(k, "forcerm", "1");
  http_req_body_stream(k->req, "application/x-tar", read, read_ctx);
  k->progress = progress;
  k->fail_code = ERR_BUILD;
  call_stream(k, DEC_PROGRESS);
  return call_start(k, cb, ctx, call, err);
}

static struct engine_call *on_image(struct engine *e, const char *method,
                                    const char *verb, const char *name,
                                    const char *tail)
{
  char *what = xasprintf("%s image '%s'", verb, name);
  char *en = call_escape(name);
  struct engine_call *k =
      call_new(e, method, what, "/images/%s%s%s", en, *tail ? "/" : "", tail);
  free(en);
  free(what);
  return k;
}

int engine_image_inspect(struct engine *e, const char *name, engine_cb cb,
                         void *ctx, struct err *err)
{
  struct engine_call *k = on_image(e, "GET", "inspecting", name, "json");
  k->typed = TYPED_IMAGE_INFO;
  return call_start(k, cb, ctx, NULL, err);
}

static struct engine_call *list_call(struct engine *e, int all)
{
  struct engine_call *k = call_new(e, "GET", "listing images", "/images/json");
  if (all)
    call_query(k, "all", "1");
  k->typed = TYPED_IMAGE_LIST;
  return k;
}

int engine_image_list(struct engine *e, const cJSON *filters, int all,
                      engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = list_call(e, all);
  call_query_json(k, "filters", filters);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_image_list_typed(struct engine *e,
                            const struct engine_filters *filters, int all,
                            engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = list_call(e, all);
  call_query_filters(k, "filters", filters);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_image_remove(struct engine *e, const char *name, int force,
                        engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = on_image(e, "DELETE", "removing", name, "");
  if (force)
    call_query(k, "force", "1");
  return call_start(k, cb, ctx, NULL, err);
}

int engine_image_tag(struct engine *e, const char *name, const char *repo,
                     const char *tag, engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = on_image(e, "POST", "tagging", name, "tag");
  call_query(k, "repo", repo);
  call_query(k, "tag", tag);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_image_pull(struct engine *e, const char *image, const char *tag,
                      const char *platform, const char *auth,
                      engine_progress_cb progress, engine_cb cb, void *ctx,
                      struct engine_call **call, struct err *err)
{
  char *what = xasprintf("pulling image '%s%s%s'", image, tag ? ":" : "",
                         tag ? tag : "");
  struct engine_call *k = call_new(e, "POST", what, "/images/create");
  free(what);
  call_query(k, "fromImage", image);
  call_query(k, "tag", tag);
  call_query(k, "platform", platform);
  http_req_header(k->req, "X-Registry-Auth", auth ? auth : AUTH_NONE);
  k->progress = progress;
  k->fail_code = ERR_ENGINE;
  call_stream(k, DEC_PROGRESS);
  return call_start(k, cb, ctx, call, err);
}

int engine_image_push(struct engine *e, const char *name, const char *tag,
                      const char *auth, engine_progress_cb progress,
                      engine_cb cb, void *ctx, struct engine_call **call,
                      struct err *err)
{
  struct engine_call *k = on_image(e, "POST", "pushing", name, "push");
  call_query(k, "tag", tag);
  http_req_header(k->req, "X-Registry-Auth", auth ? auth : AUTH_NONE);
  k->progress = progress;
  k->fail_code = ERR_ENGINE;
  call_stream(k, DEC_PROGRESS);
  return call_start(k, cb, ctx, call, err);
}
