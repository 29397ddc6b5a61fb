/* Network, volume and events endpoints of the engine API. */
#include "engine/api-int.h"
#include "util/xalloc.h"

#include <stdlib.h>

static struct engine_call *on_object(struct engine *e, const char *method,
                                     const char *verb, const char *kind,
                                     const char *coll, const char *id,
                                     const char *tail)
{
  char *what = xasprintf("%s %s '%s'", verb, kind, id);
  char *eid = call_escape(id);
  struct engine_call *k = call_new(e, method, what, "/%s/%s%s%s", coll, eid,
                                   *tail ? "/" : "", tail);
  free(eid);
  free(what);
  return k;
}

static const char *body_name(const cJSON *body)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(body, "Name");
  return cJSON_IsString(n) ? n->valuestring : "";
}

/* --- networks --- */

int engine_network_create(struct engine *e, cJSON *body, engine_cb cb,
                          void *ctx, struct err *err)
{
  char *what = xasprintf("creating network '%s'", body_name(body));
  struct engine_call *k = call_new(e, "POST", what, "/networks/create");
  free(what);
  call_body_json(k, body);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_network_inspect(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err)
{
  struct engine_call *k =
      on_object(e, "GET", "inspecting", "network", "networks", id, "");
  return call_start(k, cb, ctx, NULL, err);
}

int engine_network_list(struct engine *e, const cJSON *filters, engine_cb cb,
                        void *ctx, struct err *err)
{
  struct engine_call *k = call_new(e, "GET", "listing networks", "/networks");
  call_query_json(k, "filters", filters);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_network_remove(struct engine *e, const char *id, engine_cb cb,
                          void *ctx, struct err *err)
{
  struct engine_call *k =
      on_object(e, "DELETE", "removing", "network", "networks", id, "");
  return call_start(k, cb, ctx, NULL, err);
}

int engine_network_connect(struct engine *e, const char *id, cJSON *body,
                           engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = on_object(e, "POST", "connecting to", "network",
                                    "networks", id, "connect");
  call_body_json(k, body);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_network_disconnect(struct engine *e, const char *id,
                              const char *container, int force, engine_cb cb,
                              void *ctx, struct err *err)
{
  struct engine_call *k = on_object(e, "POST", "disconnecting from", "network",
                                    "networks", id, "disconnect");
  cJSON *body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Container", container);
  cJSON_AddBoolToObject(body, "Force", force);
  call_body_json(k, body);
  return call_start(k, cb, ctx, NULL, err);
}

/* --- volumes --- */

int engine_volume_create(struct engine *e, cJSON *body, engine_cb cb, void *ctx,
                         struct err *err)
{
  char *what = xasprintf("creating volume '%s'", body_name(body));
  struct engine_call *k = call_new(e, "POST", what, "/volumes/create");
  free(what);
  call_body_json(k, body);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_volume_inspect(struct engine *e, const char *name, engine_cb cb,
                          void *ctx, struct err *err)
{
  struct engine_call *k =
      on_object(e, "GET", "inspecting", "volume", "volumes", name, "");
  return call_start(k, cb, ctx, NULL, err);
}

int engine_volume_list(struct engine *e, const cJSON *filters, engine_cb cb,
                       void *ctx, struct err *err)
{
  struct engine_call *k = call_new(e, "GET", "listing volumes", "/volumes");
  call_query_json(k, "filters", filters);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_volume_remove(struct engine *e, const char *name, int force,
                         engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k =
      on_object(e, "DELETE", "removing", "volume", "volumes", name, "");
  if (force)
    call_query(k, "force", "1");
  return call_start(k, cb, ctx, NULL, err);
}

/* --- events --- */

int engine_events(struct engine *e, const cJSON *filters, const char *since,
                  const char *until, engine_event_cb ev, engine_cb cb,
                  void *ctx, struct engine_call **call, struct err *err)
{
  struct engine_call *k =
      call_new(e, "GET", "reading engine events", "/events");
  call_query_json(k, "filters", filters);
  call_query(k, "since", since);
  call_query(k, "until", until);
  k->ev = ev;
  call_stream(k, DEC_EVENTS);
  return call_start(k, cb, ctx, call, err);
}
