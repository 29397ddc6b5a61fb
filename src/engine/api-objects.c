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
  k->typed = TYPED_CREATED;
  return call_start(k, cb, ctx, NULL, err);
}

static cJSON *ipam_pool(const struct engine_ipam_pool *p)
{
  cJSON *c = cJSON_CreateObject();
  if (p->subnet)
    cJSON_AddStringToObject(c, "Subnet", p->subnet);
  if (p->gateway)
    cJSON_AddStringToObject(c, "Gateway", p->gateway);
  if (p->ip_range)
    cJSON_AddStringToObject(c, "IPRange", p->ip_range);
  if (p->naux_addresses)
    cJSON_AddItemToObject(c, "AuxiliaryAddresses",
                          call_kv_object(p->aux_addresses, p->naux_addresses));
  return c;
}

cJSON *call_network_body(const struct engine_network_config *c)
{
  cJSON *body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Name", c->name ? c->name : "");
  cJSON_AddBoolToObject(body, "CheckDuplicate", c->check_duplicate);
  if (c->driver)
    cJSON_AddStringToObject(body, "Driver", c->driver);
  if (c->noptions)
    cJSON_AddItemToObject(body, "Options",
                          call_kv_object(c->options, c->noptions));
  cJSON_AddItemToObject(body, "Labels", call_kv_object(c->labels, c->nlabels));
  if (c->internal)
    cJSON_AddTrueToObject(body, "Internal");
  if (c->attachable)
    cJSON_AddTrueToObject(body, "Attachable");
  if (c->enable_ipv6)
    cJSON_AddTrueToObject(body, "EnableIPv6");
  if (c->ipam_driver || c->npools) {
    cJSON *ipam = cJSON_AddObjectToObject(body, "IPAM");
    if (c->ipam_driver)
      cJSON_AddStringToObject(ipam, "Driver", c->ipam_driver);
    cJSON *cfg = cJSON_AddArrayToObject(ipam, "Config");
    for (size_t i = 0; i < c->npools; i++)
      cJSON_AddItemToArray(cfg, ipam_pool(&c->pools[i]));
  }
  return body;
}

int engine_network_create_typed(struct engine *e,
                                const struct engine_network_config *c,
                                engine_cb cb, void *ctx, struct err *err)
{
  return engine_network_create(e, call_network_body(c), cb, ctx, err);
}

int engine_network_inspect(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err)
{
  struct engine_call *k =
      on_object(e, "GET", "inspecting", "network", "networks", id, "");
  k->typed = TYPED_NETWORK_INFO;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_network_list(struct engine *e, const cJSON *filters, engine_cb cb,
                        void *ctx, struct err *err)
{
  struct engine_call *k = call_new(e, "GET", "listing networks", "/networks");
  k->typed = TYPED_NETWORK_LIST;
  call_query_json(k, "filters", filters);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_network_list_typed(struct engine *e,
                              const struct engine_filters *filters,
                              engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = call_new(e, "GET", "listing networks", "/networks");
  k->typed = TYPED_NETWORK_LIST;
  call_query_filters(k, "filters", filters);
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
  k->typed = TYPED_VOLUME_INFO;
  return call_start(k, cb, ctx, NULL, err);
}

cJSON *call_volume_body(const struct engine_volume_config *c)
{
  cJSON *body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Name", c->name ? c->name : "");
  if (c->driver)
    cJSON_AddStringToObject(body, "Driver", c->driver);
  if (c->ndriver_opts)
    cJSON_AddItemToObject(body, "DriverOpts",
                          call_kv_object(c->driver_opts, c->ndriver_opts));
  cJSON_AddItemToObject(body, "Labels", call_kv_object(c->labels, c->nlabels));
  return body;
}

int engine_volume_create_typed(struct engine *e,
                               const struct engine_volume_config *c,
                               engine_cb cb, void *ctx, struct err *err)
{
  return engine_volume_create(e, call_volume_body(c), cb, ctx, err);
}

int engine_volume_inspect(struct engine *e, const char *name, engine_cb cb,
                          void *ctx, struct err *err)
{
  struct engine_call *k =
      on_object(e, "GET", "inspecting", "volume", "volumes", name, "");
  k->typed = TYPED_VOLUME_INFO;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_volume_list(struct engine *e, const cJSON *filters, engine_cb cb,
                       void *ctx, struct err *err)
{
  struct engine_call *k = call_new(e, "GET", "listing volumes", "/volumes");
  k->typed = TYPED_VOLUME_LIST;
  call_query_json(k, "filters", filters);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_volume_list_typed(struct engine *e,
                             const struct engine_filters *filters, engine_cb cb,
                             void *ctx, struct err *err)
{
  struct engine_call *k = call_new(e, "GET", "listing volumes", "/volumes");
  k->typed = TYPED_VOLUME_LIST;
  call_query_filters(k, "filters", filters);
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

int engine_events_typed(struct engine *e, const struct engine_filters *filters,
                        const char *since, const char *until,
                        engine_event_typed_cb ev, engine_cb cb, void *ctx,
                        struct engine_call **call, struct err *err)
{
  struct engine_call *k =
      call_new(e, "GET", "reading engine events", "/events");
  call_query_filters(k, "filters", filters);
  call_query(k, "since", since);
  call_query(k, "until", until);
  k->tev = ev;
  call_stream(k, DEC_EVENTS);
  return call_start(k, cb, ctx, call, err);
}
