/* The engine client: version negotiation, the call machinery shared by all
 * endpoints (build the request, wait for the version, decode the answer,
 * report once), and the system calls. Endpoints live in api-*.c. */
#include "engine/api.h"
#include "engine/api-int.h"
#include "engine/dockerhost.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct engine {
  uv_loop_t *loop;
  struct http_client *http;
  char version[16];            /* "" until known */
  int negotiating;             /* a version ping is in flight */
  struct engine_call *waiting; /* calls held until the version is known */
  struct engine_call **waiting_tail;
  long timeout_s; /* for answers that are not streams */
  int depth;      /* callbacks running */
  int closing;    /* 1: engine_free called; 2: to free */
};

int engine_version_cmp(const char *a, const char *b)
{
  long am = strtol(a, NULL, 10), bm = strtol(b, NULL, 10);
  const char *ad = strchr(a, '.'), *bd = strchr(b, '.');
  long an = ad ? strtol(ad + 1, NULL, 10) : 0;
  long bn = bd ? strtol(bd + 1, NULL, 10) : 0;
  if (am != bm)
    return am < bm ? -1 : 1;
  return an < bn ? -1 : an > bn;
}

/* --- lifetime --- */

int engine_new(uv_loop_t *loop, const struct dockerhost *host,
               struct engine **out, struct err *err)
{
  struct dockerhost env = DOCKERHOST_INIT;
  if (!host) {
    int rc = dockerhost_from_env(&env, err);
    if (rc)
      return rc;
    host = &env;
  }
  struct engine *e = xcalloc(1, sizeof(*e));
  e->loop = loop;
  const char *t = getenv("WCOMPOSE_ENGINE_TIMEOUT");
  e->timeout_s = t && atol(t) > 0 ? atol(t) : ENGINE_TIMEOUT_DEFAULT;
  e->waiting_tail = &e->waiting;
  int rc = http_client_new(loop, host, &e->http, err);
  if (!rc && host->api_version)
    snprintf(e->version, sizeof(e->version), "%s", host->api_version);
  dockerhost_release(&env);
  if (rc) {
    free(e);
    return rc;
  }
  *out = e;
  return 0;
}

static void depth_end(struct engine *e)
{
  if (--e->depth == 0 && e->closing == 2)
    free(e);
}

void engine_free(struct engine *e)
{
  if (!e || e->closing)
    return;
  e->closing = 1;
  e->depth++;
  /* Sent calls end through their requests; the version ping among them
   * fails the calls that waited for it. */
  http_client_free(e->http);
  while (e->waiting) {
    struct engine_call *k = e->waiting;
    e->waiting = k->next_wait;
    err_set(&k->err, ERR_CANCELED, "%s: canceled", k->what);
    call_finish(k, ERR_CANCELED, NULL);
  }
  e->closing = 2;
  depth_end(e);
}

const char *engine_host(const struct engine *e)
{
  return http_client_host(e->http);
}

const char *engine_api_version(const struct engine *e)
{
  return e->version[0] ? e->version : NULL;
}

struct http_client *engine_http(struct engine *e)
{
  return e->http;
}

uv_loop_t *engine_loop(struct engine *e)
{
  return e->loop;
}

/* --- calls --- */

struct engine_call *call_new(struct engine *e, const char *method,
                             const char *what, const char *pathfmt, ...)
{
  struct engine_call *k = xcalloc(1, sizeof(*k));
  k->e = e;
  k->what = xstrdup(what);
  va_list ap;
  va_start(ap, pathfmt);
  struct buf path = BUF_INIT;
  buf_vaddf(&path, pathfmt, ap);
  va_end(ap);
  k->req = http_req_new(e->http, method, path.data);
  buf_release(&path);
  k->dec = DEC_JSON;
  return k;
}

static void call_free(struct engine_call *k)
{
  http_req_free(k->req);
  if (k->dec == DEC_MUX)
    stream_mux_release(&k->mux);
  if (k->dec == DEC_PROGRESS || k->dec == DEC_EVENTS)
    stream_json_release(&k->json);
  err_release(&k->err);
  free(k->aux_id);
  free(k->what);
  free(k);
}

/* Copy an error report under "what: ", except connection errors, whose
 * text is the whole story ("cannot connect to the Docker engine ..."). */
static void call_take_err(struct engine_call *k, int rc, const struct err *from)
{
  if (k->err.code)
    return;
  const char *text =
      from && from->text && from->len ? from->text : err_text(rc);
  size_t n = strlen(text);
  while (n && text[n - 1] == '\n')
    n--;
  if (rc == ERR_CONNECT)
    err_set(&k->err, rc, "%.*s", (int)n, text);
  else
    err_set(&k->err, rc, "%s: %.*s", k->what, (int)n, text);
}

/* The typed member of res for k's answer. */
static int typed_fill(struct engine_call *k, struct engine_result *res)
{
  const cJSON *j = res->json;
  struct err e = ERR_INIT;
  int rc = 0;
  switch (k->typed) {
  case TYPED_NONE:
    break;
  case TYPED_CREATED:
    rc = types_created_from_json(j, &res->created, &e);
    if (!rc)
      res->id = res->created->id;
    break;
  case TYPED_CONTAINER_LIST:
    rc = types_container_list_from_json(j, &res->containers, &e);
    break;
  case TYPED_CONTAINER_INFO:
    rc = types_container_info_from_json(j, &res->container, &e);
    break;
  case TYPED_IMAGE_INFO:
    rc = types_image_info_from_json(j, &res->image, &e);
    break;
  case TYPED_IMAGE_LIST:
    rc = types_image_list_from_json(j, &res->images, &e);
    break;
  case TYPED_NETWORK_INFO:
    rc = types_network_info_from_json(j, &res->network, &e);
    break;
  case TYPED_NETWORK_LIST:
    rc = types_network_list_from_json(j, &res->networks, &e);
    break;
  case TYPED_VOLUME_INFO:
    rc = types_volume_info_from_json(j, &res->volume, &e);
    break;
  case TYPED_VOLUME_LIST:
    rc = types_volume_list_from_json(j, &res->volumes, &e);
    break;
  case TYPED_TOP:
    rc = types_top_from_json(j, &res->top, &e);
    break;
  case TYPED_EXEC_INFO:
    rc = types_exec_info_from_json(j, &res->exec, &e);
    break;
  case TYPED_WAIT:
    rc = types_wait_from_json(j, &res->wait, &e);
    break;
  case TYPED_STATS:
    rc = types_stats_from_json(j, &res->stats, &e);
    break;
  case TYPED_VERSION:
    rc = types_version_info_from_json(j, &res->version, &e);
    break;
  case TYPED_SWARM_CREATED:
    rc = types_swarm_created_from_json(j, &res->created, &e);
    if (!rc)
      res->id = res->created->id;
    break;
  case TYPED_SWARM_INFO:
    rc = types_swarm_info_from_json(j, &res->swarm, &e);
    break;
  case TYPED_NODE_LIST:
    rc = types_node_list_from_json(j, &res->nodes, &e);
    break;
  case TYPED_SERVICE_LIST:
    rc = types_service_list_from_json(j, &res->services, &e);
    break;
  case TYPED_SERVICE_INFO: {
    cJSON *one = cJSON_CreateArray();
    cJSON_AddItemReferenceToArray(one, (cJSON *)j);
    rc = types_service_list_from_json(one, &res->services, &e);
    cJSON_Delete(one);
    break;
  }
  case TYPED_TASK_LIST:
    rc = types_task_list_from_json(j, &res->tasks, &e);
    break;
  case TYPED_OBJECT_LIST:
    rc = types_swarm_object_list_from_json(j, &res->objects, &e);
    break;
  case TYPED_DISTRIBUTION:
    rc = types_distribution_from_json(j, &res->distribution, &e);
    break;
  }
  if (rc) {
    size_t n = e.len;
    while (n && e.text[n - 1] == '\n')
      n--;
    err_set(&k->err, rc, "%s: the engine's answer is malformed: %.*s", k->what,
            (int)n, e.text ? e.text : "");
  }
  err_release(&e);
  return rc;
}

/* Free what the callback left in res. */
static void typed_release(struct engine_result *res)
{
  engine_created_free(res->created);
  engine_container_list_free(res->containers);
  engine_container_info_free(res->container);
  engine_image_info_free(res->image);
  engine_image_list_free(res->images);
  engine_network_info_free(res->network);
  engine_network_list_free(res->networks);
  engine_volume_info_free(res->volume);
  engine_volume_list_free(res->volumes);
  engine_top_free(res->top);
  engine_exec_info_free(res->exec);
  engine_wait_free(res->wait);
  engine_stats_free(res->stats);
  engine_version_info_free(res->version);
  engine_swarm_info_free(res->swarm);
  engine_node_list_free(res->nodes);
  engine_service_list_free(res->services);
  engine_task_list_free(res->tasks);
  engine_swarm_object_list_free(res->objects);
  engine_distribution_free(res->distribution);
}

void call_finish(struct engine_call *k, int rc, struct http_resp *resp)
{
  struct engine *e = k->e;
  struct engine_result res = {0};
  res.rc = rc;
  res.status = resp ? resp->status : 0;
  res.api_version = e->version[0] ? e->version : NULL;
  res.err = &k->err;
  if (!rc && resp && k->dec == DEC_JSON && resp->body.len) {
    res.json = cJSON_ParseWithLength(resp->body.data, resp->body.len);
    if (!res.json)
      rc = res.rc = err_set(&k->err, ERR_PROTO,
                            "%s: the engine's answer is not JSON: '%.60s'",
                            k->what, resp->body.data);
  }
  if (!rc && res.json && k->typed) {
    rc = res.rc = typed_fill(k, &res);
    if (rc) {
      /* a malformed answer is an error, as one that is not JSON */
      cJSON_Delete(res.json);
      res.json = NULL;
    }
  }
  if (!rc && resp && k->dec == DEC_TEXT)
    res.text = resp->body.data ? resp->body.data : "";
  if (!rc && k->aux_id)
    res.text = k->aux_id;
  if (rc && !k->err.code)
    call_take_err(k, rc, resp ? &resp->err : NULL);
  if (k->handle && *k->handle == k)
    *k->handle = NULL;
  k->handle = NULL;
  e->depth++;
  k->cb(k->ctx, &res);
  cJSON_Delete(res.json);
  typed_release(&res);
  call_free(k);
  depth_end(e);
}

/* Set the version from a ping's answer. */
static int negotiated(struct engine_call *k, struct http_resp *resp)
{
  struct engine *e = k->e;
  if (e->version[0])
    return 0;
  const char *v = http_resp_header(resp, "Api-Version");
  if (!v || !*v)
    v = ENGINE_API_MIN;
  if (engine_version_cmp(v, ENGINE_API_MIN) < 0)
    return err_set(&k->err, ERR_ENGINE,
                   "the engine at %s speaks API %s; wcompose needs %s or "
                   "newer (upgrade the engine)",
                   engine_host(e), v, ENGINE_API_MIN);
  if (engine_version_cmp(v, ENGINE_API_MAX) > 0)
    v = ENGINE_API_MAX;
  snprintf(e->version, sizeof(e->version), "%.15s", v);
  return 0;
}

static void on_http_done(void *ctx, int rc, struct http_resp *resp)
{
  struct engine_call *k = ctx;
  k->sent_req = NULL; /* http frees it after this callback */
  k->cur_err = &resp->err;
  if (!rc && k->dec == DEC_MUX)
    rc = stream_mux_end(&k->mux, &resp->err);
  if (!rc && (k->dec == DEC_PROGRESS || k->dec == DEC_EVENTS))
    rc = stream_json_end(&k->json, &resp->err);
  k->cur_err = NULL;
  if (!rc && k->negotiates)
    rc = negotiated(k, resp);
  call_finish(k, rc, resp);
}

/* --- stream decoding --- */

static int on_frame(void *ctx, enum stream_kind kind, const char *data,
                    size_t n)
{
  struct engine_call *k = ctx;
  return k->out(k->ctx, kind, data, n);
}

static int on_json(void *ctx, const cJSON *obj)
{
  struct engine_call *k = ctx;
  if (k->dec == DEC_EVENTS && k->tev) {
    struct engine_event *ev = NULL;
    if (types_event_from_json(obj, &ev, NULL))
      return 0; /* not an event: skipped, as documented */
    int rc = k->tev(k->ctx, ev);
    engine_event_free(ev);
    return rc;
  }
  if (k->dec == DEC_EVENTS)
    return k->ev(k->ctx, obj);
  struct stream_progress p;
  int rc = stream_progress_parse(obj, &p, k->fail_code, k->cur_err);
  if (rc)
    return rc;
  if (p.aux_id) {
    free(k->aux_id);
    k->aux_id = xstrdup(p.aux_id);
  }
  return k->progress ? k->progress(k->ctx, &p) : 0;
}

static int on_data(void *ctx, const char *data, size_t n, struct err *err)
{
  struct engine_call *k = ctx;
  int rc = 0;
  k->cur_err = err;
  switch (k->dec) {
  case DEC_MUX:
    rc = stream_mux_feed(&k->mux, data, n, err);
    break;
  case DEC_RAW:
    rc = k->out(k->ctx, STREAM_STDOUT, data, n);
    break;
  case DEC_PROGRESS:
  case DEC_EVENTS:
    rc = stream_json_feed(&k->json, data, n, err);
    break;
  default:
    BUG("streaming call without a decoder");
  }
  k->cur_err = NULL;
  return rc;
}

static void on_open(void *ctx)
{
  struct engine_call *k = ctx;
  if (k->open && !k->canceled)
    k->open(k->open_ctx);
}

void call_stream(struct engine_call *k, enum call_decode dec)
{
  k->dec = dec;
  if (dec == DEC_MUX)
    stream_mux_init(&k->mux, 0, on_frame, k);
  if (dec == DEC_PROGRESS || dec == DEC_EVENTS)
    stream_json_init(&k->json, 0, on_json, k);
  http_req_on_data(k->req, on_data, k);
  http_req_on_open(k->req, on_open, k);
}

/* Hand a call whose version is known to http; on error the caller still
 * owns k. */
static int call_send(struct engine_call *k, struct err *err)
{
  struct engine *e = k->e;
  char prefix[24];
  if (!k->no_prefix) {
    snprintf(prefix, sizeof(prefix), "/v%s", e->version);
    http_req_prefix(k->req, prefix);
  }
  struct http_req *r = k->req;
  k->req = NULL;
  /* a socket that takes the request and never answers is not waited for
   * forever; streams may be silent as long as they like */
  if ((k->dec == DEC_JSON || k->dec == DEC_TEXT) && k->timeout_s >= 0)
    http_req_timeout(r, k->timeout_s ? k->timeout_s
                                     : e->timeout_s + k->timeout_extra);
  int rc = http_req_send(r, on_http_done, k, err);
  if (!rc)
    k->sent_req = r;
  return rc;
}

/* The version is known, or the ping failed (res->rc): release the calls
 * that waited. */
static void on_negotiated(void *ctx, struct engine_result *res)
{
  struct engine *e = ctx;
  e->negotiating = 0;
  struct engine_call *list = e->waiting;
  e->waiting = NULL;
  e->waiting_tail = &e->waiting;
  while (list) {
    struct engine_call *k = list;
    list = k->next_wait;
    k->next_wait = NULL;
    if (k->canceled) {
      err_set(&k->err, ERR_CANCELED, "%s: canceled", k->what);
      call_finish(k, ERR_CANCELED, NULL);
    } else if (res->rc) {
      call_take_err(k, res->rc, res->err);
      call_finish(k, res->rc, NULL);
    } else {
      struct err e2 = ERR_INIT;
      int rc = call_send(k, &e2);
      if (rc) {
        /* The call returned 0 to its caller: it must still report. */
        call_take_err(k, rc, &e2);
        call_finish(k, rc, NULL);
      }
      err_release(&e2);
    }
  }
}

int call_start(struct engine_call *k, engine_cb cb, void *ctx,
               struct engine_call **handle, struct err *err)
{
  struct engine *e = k->e;
  k->cb = cb;
  k->ctx = ctx;
  if (e->closing) {
    call_free(k);
    return err_set(err, ERR_STATE, "the engine client is shutting down");
  }
  if (handle) {
    k->handle = handle;
    *handle = k;
  }
  if (e->version[0] || k->no_prefix) {
    int rc = call_send(k, err);
    if (rc) {
      if (handle)
        *handle = NULL;
      call_free(k);
    }
    return rc;
  }
  k->next_wait = NULL;
  *e->waiting_tail = k;
  e->waiting_tail = &k->next_wait;
  if (e->negotiating)
    return 0;
  struct engine_call *p =
      call_new(e, "GET", "asking the engine for its API version", "/_ping");
  p->no_prefix = 1;
  p->negotiates = 1;
  p->dec = DEC_TEXT;
  p->timeout_s = e->timeout_s < 60 ? e->timeout_s : 60;
  e->negotiating = 1;
  int rc = call_start(p, on_negotiated, e, NULL, err);
  if (rc) {
    /* Nothing was sent: take k back out, it never calls back. */
    e->negotiating = 0;
    struct engine_call **pp = &e->waiting;
    while (*pp && *pp != k)
      pp = &(*pp)->next_wait;
    if (*pp)
      *pp = k->next_wait;
    e->waiting_tail = &e->waiting;
    while (*e->waiting_tail)
      e->waiting_tail = &(*e->waiting_tail)->next_wait;
    if (handle)
      *handle = NULL;
    call_free(k);
  }
  return rc;
}

void engine_call_cancel(struct engine_call *k)
{
  if (!k || k->canceled)
    return;
  k->canceled = 1;
  if (k->sent_req)
    http_req_cancel(k->sent_req);
}

void engine_call_on_open(struct engine_call *k, engine_open_cb cb, void *ctx)
{
  if (!k)
    return;
  k->open = cb;
  k->open_ctx = ctx;
}

/* --- query helpers --- */

void call_query(struct engine_call *k, const char *key, const char *value)
{
  if (value)
    http_req_query(k->req, key, value);
}

void call_query_int(struct engine_call *k, const char *key, long long v)
{
  char s[32];
  snprintf(s, sizeof(s), "%lld", v);
  http_req_query(k->req, key, s);
}

void call_query_json(struct engine_call *k, const char *key, const cJSON *v)
{
  if (!v)
    return;
  char *s = cJSON_PrintUnformatted(v);
  if (!s)
    BUG("cJSON_PrintUnformatted failed");
  http_req_query(k->req, key, s);
  cJSON_free(s);
}

cJSON *call_filters_json(const struct engine_filters *filters)
{
  cJSON *o = NULL;
  for (size_t i = 0; filters && i < filters->n; i++)
    engine_filter_add(&o, filters->v[i].key, filters->v[i].value);
  return o;
}

void call_query_filters(struct engine_call *k, const char *key,
                        const struct engine_filters *filters)
{
  cJSON *o = call_filters_json(filters);
  call_query_json(k, key, o);
  cJSON_Delete(o);
}

cJSON *call_kv_object(const struct engine_kv *kv, size_t n)
{
  cJSON *o = cJSON_CreateObject();
  for (size_t i = 0; i < n; i++) {
    if (!kv[i].key || !kv[i].value)
      continue;
    cJSON_DeleteItemFromObjectCaseSensitive(o, kv[i].key);
    cJSON_AddStringToObject(o, kv[i].key, kv[i].value);
  }
  return o;
}

void call_body_json(struct engine_call *k, cJSON *body)
{
  if (body)
    http_req_body_json(k->req, body);
  cJSON_Delete(body);
}

char *call_escape(const char *s)
{
  /* Path segments: ids and names never hold '/', image names may. */
  struct buf b = BUF_INIT;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr("-._~:/@", *p))
      buf_addch(&b, (char)*p);
    else
      buf_addf(&b, "%%%02X", *p);
  }
  return buf_detach(&b);
}

void engine_filter_add(cJSON **filters, const char *key, const char *value)
{
  if (!*filters)
    *filters = cJSON_CreateObject();
  cJSON *arr = cJSON_GetObjectItemCaseSensitive(*filters, key);
  if (!arr) {
    arr = cJSON_CreateArray();
    cJSON_AddItemToObject(*filters, key, arr);
  }
  cJSON_AddItemToArray(arr, cJSON_CreateString(value));
}

void engine_filters_add(struct engine_filters *f, const char *key,
                        const char *value)
{
  if (f->n == f->alloc) {
    f->alloc = f->alloc ? f->alloc * 2 : 4;
    f->v = xrealloc(f->v, f->alloc * sizeof(*f->v));
  }
  f->v[f->n].key = xstrdup(key);
  f->v[f->n].value = xstrdup(value);
  f->n++;
}

void engine_filters_release(struct engine_filters *f)
{
  for (size_t i = 0; i < f->n; i++) {
    free((char *)f->v[i].key);
    free((char *)f->v[i].value);
  }
  free(f->v);
  f->v = NULL;
  f->n = f->alloc = 0;
}

/* --- system --- */

int engine_ping(struct engine *e, engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = call_new(e, "GET", "pinging the engine", "/_ping");
  k->dec = DEC_TEXT;
  k->no_prefix = 1;
  k->negotiates = 1;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_version(struct engine *e, engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k =
      call_new(e, "GET", "asking the engine for its version", "/version");
  k->typed = TYPED_VERSION;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_info(struct engine *e, engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k =
      call_new(e, "GET", "asking the engine for its info", "/info");
  return call_start(k, cb, ctx, NULL, err);
}
