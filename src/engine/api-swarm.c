/* Swarm endpoints of the engine API: the swarm, nodes, services, tasks,
 * configs, secrets, and the registry's digest of an image. */
#include "engine/api-int.h"
#include "engine/auth.h"
#include "util/xalloc.h"

#include <stdlib.h>

static struct engine_call *on_id(struct engine *e, const char *method,
                                 const char *verb, const char *kind,
                                 const char *coll, const char *id)
{
  char *what = xasprintf("%s %s '%s'", verb, kind, id);
  char *eid = call_escape(id);
  struct engine_call *k = call_new(e, method, what, "/%s/%s", coll, eid);
  free(eid);
  free(what);
  return k;
}

static int list(struct engine *e, const char *what, const char *path,
                enum call_typed typed, const struct engine_filters *filters,
                engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = call_new(e, "GET", what, "%s", path);
  k->typed = typed;
  call_query_filters(k, "filters", filters);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_swarm_inspect(struct engine *e, engine_cb cb, void *ctx,
                         struct err *err)
{
  return list(e, "inspecting the swarm", "/swarm", TYPED_SWARM_INFO, NULL, cb,
              ctx, err);
}

int engine_node_list(struct engine *e, const struct engine_filters *filters,
                     engine_cb cb, void *ctx, struct err *err)
{
  return list(e, "listing nodes", "/nodes", TYPED_NODE_LIST, filters, cb, ctx,
              err);
}

int engine_service_list(struct engine *e, const struct engine_filters *filters,
                        engine_cb cb, void *ctx, struct err *err)
{
  return list(e, "listing services", "/services", TYPED_SERVICE_LIST, filters,
              cb, ctx, err);
}

int engine_service_inspect(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err)
{
  struct engine_call *k =
      on_id(e, "GET", "inspecting", "service", "services", id);
  k->typed = TYPED_SERVICE_INFO;
  return call_start(k, cb, ctx, NULL, err);
}

static const char *spec_name(const cJSON *spec)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(spec, "Name");
  return cJSON_IsString(n) ? n->valuestring : "";
}

int engine_service_create(struct engine *e, cJSON *spec, const char *auth,
                          engine_cb cb, void *ctx, struct err *err)
{
  char *what = xasprintf("creating service '%s'", spec_name(spec));
  struct engine_call *k = call_new(e, "POST", what, "/services/create");
  free(what);
  if (auth)
    http_req_header(k->req, "X-Registry-Auth", auth);
  call_body_json(k, spec);
  k->typed = TYPED_SWARM_CREATED;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_service_update(struct engine *e, const char *id, long long version,
                          cJSON *spec, const char *auth, engine_cb cb,
                          void *ctx, struct err *err)
{
  char *what = xasprintf("updating service '%s'", spec_name(spec));
  char *eid = call_escape(id);
  struct engine_call *k = call_new(e, "POST", what, "/services/%s/update", eid);
  free(eid);
  free(what);
  call_query_int(k, "version", version);
  if (auth)
    http_req_header(k->req, "X-Registry-Auth", auth);
  call_body_json(k, spec);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_service_remove(struct engine *e, const char *id, engine_cb cb,
                          void *ctx, struct err *err)
{
  struct engine_call *k =
      on_id(e, "DELETE", "removing", "service", "services", id);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_task_list(struct engine *e, const struct engine_filters *filters,
                     engine_cb cb, void *ctx, struct err *err)
{
  return list(e, "listing tasks", "/tasks", TYPED_TASK_LIST, filters, cb, ctx,
              err);
}

static int object_create(struct engine *e, const char *kind, const char *coll,
                         const char *name, const struct engine_kv *labels,
                         size_t nlabels, const void *data, size_t n,
                         engine_cb cb, void *ctx, struct err *err)
{
  char *what = xasprintf("creating %s '%s'", kind, name);
  struct engine_call *k = call_new(e, "POST", what, "/%s/create", coll);
  free(what);
  cJSON *body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Name", name);
  cJSON_AddItemToObject(body, "Labels", call_kv_object(labels, nlabels));
  char *b64 = auth_base64_new(data, n, 0);
  cJSON_AddStringToObject(body, "Data", b64);
  free(b64);
  call_body_json(k, body);
  k->typed = TYPED_SWARM_CREATED;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_config_create(struct engine *e, const char *name,
                         const struct engine_kv *labels, size_t nlabels,
                         const void *data, size_t n, engine_cb cb, void *ctx,
                         struct err *err)
{
  return object_create(e, "config", "configs", name, labels, nlabels, data, n,
                       cb, ctx, err);
}

int engine_secret_create(struct engine *e, const char *name,
                         const struct engine_kv *labels, size_t nlabels,
                         const void *data, size_t n, engine_cb cb, void *ctx,
                         struct err *err)
{
  return object_create(e, "secret", "secrets", name, labels, nlabels, data, n,
                       cb, ctx, err);
}

int engine_config_list(struct engine *e, const struct engine_filters *filters,
                       engine_cb cb, void *ctx, struct err *err)
{
  return list(e, "listing configs", "/configs", TYPED_OBJECT_LIST, filters, cb,
              ctx, err);
}

int engine_secret_list(struct engine *e, const struct engine_filters *filters,
                       engine_cb cb, void *ctx, struct err *err)
{
  return list(e, "listing secrets", "/secrets", TYPED_OBJECT_LIST, filters, cb,
              ctx, err);
}

int engine_config_remove(struct engine *e, const char *id, engine_cb cb,
                         void *ctx, struct err *err)
{
  struct engine_call *k =
      on_id(e, "DELETE", "removing", "config", "configs", id);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_secret_remove(struct engine *e, const char *id, engine_cb cb,
                         void *ctx, struct err *err)
{
  struct engine_call *k =
      on_id(e, "DELETE", "removing", "secret", "secrets", id);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_distribution_inspect(struct engine *e, const char *name,
                                const char *auth, engine_cb cb, void *ctx,
                                struct err *err)
{
  char *what = xasprintf("resolving image '%s' in its registry", name);
  /* the engine's route takes the name's slashes as they are */
  struct engine_call *k =
      call_new(e, "GET", what, "/distribution/%s/json", name);
  free(what);
  if (auth)
    http_req_header(k->req, "X-Registry-Auth", auth);
  k->typed = TYPED_DISTRIBUTION;
  return call_start(k, cb, ctx, NULL, err);
}
