/* Container and exec endpoints of the engine API. */
#include "engine/api-int.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>

/* A call on /containers/{id}/<tail> ("" for the bare path). */
static struct engine_call *on_container(struct engine *e, const char *method,
                                        const char *verb, const char *id,
                                        const char *tail)
{
  char *what = xasprintf("%s container '%s'", verb, id);
  char *eid = call_escape(id);
  struct engine_call *k = call_new(e, method, what, "/containers/%s%s%s", eid,
                                   *tail ? "/" : "", tail);
  free(eid);
  free(what);
  return k;
}

int engine_container_create(struct engine *e, const char *name, cJSON *body,
                            engine_cb cb, void *ctx, struct err *err)
{
  char *what = name ? xasprintf("creating container '%s'", name)
                    : xstrdup("creating a container");
  struct engine_call *k = call_new(e, "POST", what, "/containers/create");
  free(what);
  call_query(k, "name", name);
  call_body_json(k, body);
  k->typed = TYPED_CREATED;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_start(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "starting", id, "start");
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_stop(struct engine *e, const char *id, int t, engine_cb cb,
                          void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "stopping", id, "stop");
  if (t >= 0)
    call_query_int(k, "t", t);
  /* its grace on top; the container's own (t < 0) is not known here */
  if (t >= 0)
    k->timeout_extra = t;
  else
    k->timeout_s = -1;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_restart(struct engine *e, const char *id, int t,
                             engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "restarting", id, "restart");
  if (t >= 0)
    call_query_int(k, "t", t);
  /* its grace on top; the container's own (t < 0) is not known here */
  if (t >= 0)
    k->timeout_extra = t;
  else
    k->timeout_s = -1;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_kill(struct engine *e, const char *id, const char *signal,
                          engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "killing", id, "kill");
  call_query(k, "signal", signal);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_pause(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "pausing", id, "pause");
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_unpause(struct engine *e, const char *id, engine_cb cb,
                             void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "unpausing", id, "unpause");
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_remove(struct engine *e, const char *id, unsigned flags,
                            engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "DELETE", "removing", id, "");
  if (flags & ENGINE_RM_FORCE)
    call_query(k, "force", "1");
  if (flags & ENGINE_RM_VOLUMES)
    call_query(k, "v", "1");
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_rename(struct engine *e, const char *id, const char *name,
                            engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "renaming", id, "rename");
  call_query(k, "name", name);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_inspect(struct engine *e, const char *id, engine_cb cb,
                             void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "GET", "inspecting", id, "json");
  k->typed = TYPED_CONTAINER_INFO;
  return call_start(k, cb, ctx, NULL, err);
}

static struct engine_call *list_call(struct engine *e, int all)
{
  struct engine_call *k =
      call_new(e, "GET", "listing containers", "/containers/json");
  if (all)
    call_query(k, "all", "1");
  k->typed = TYPED_CONTAINER_LIST;
  return k;
}

int engine_container_list(struct engine *e, const cJSON *filters, int all,
                          engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = list_call(e, all);
  call_query_json(k, "filters", filters);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_list_typed(struct engine *e,
                                const struct engine_filters *filters, int all,
                                engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = list_call(e, all);
  call_query_filters(k, "filters", filters);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_wait_call(struct engine *e, const char *id,
                               const char *condition, engine_cb cb, void *ctx,
                               struct engine_call **handle, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "waiting for", id, "wait");
  call_query(k, "condition", condition);
  k->typed = TYPED_WAIT;
  k->timeout_s = -1; /* until the container stops */
  return call_start(k, cb, ctx, handle, err);
}

int engine_container_wait(struct engine *e, const char *id,
                          const char *condition, engine_cb cb, void *ctx,
                          struct err *err)
{
  return engine_container_wait_call(e, id, condition, cb, ctx, NULL, err);
}

int engine_container_top(struct engine *e, const char *id, const char *ps_args,
                         engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k =
      on_container(e, "GET", "listing the processes of", id, "top");
  call_query(k, "ps_args", ps_args);
  k->typed = TYPED_TOP;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_logs(struct engine *e, const char *id,
                          const struct engine_logs_opts *o,
                          engine_output_cb out, engine_cb cb, void *ctx,
                          struct engine_call **call, struct err *err)
{
  struct engine_call *k =
      on_container(e, "GET", "reading the logs of", id, "logs");
  call_query(k, "stdout", o->stdout_off ? "0" : "1");
  call_query(k, "stderr", o->stderr_off ? "0" : "1");
  if (o->follow)
    call_query(k, "follow", "1");
  if (o->timestamps)
    call_query(k, "timestamps", "1");
  call_query(k, "tail", o->tail);
  call_query(k, "since", o->since);
  call_query(k, "until", o->until);
  k->out = out;
  call_stream(k, o->tty ? DEC_RAW : DEC_MUX);
  return call_start(k, cb, ctx, call, err);
}

int engine_container_attach(struct engine *e, const char *id, int tty, int logs,
                            engine_output_cb out, engine_cb cb, void *ctx,
                            struct engine_call **call, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "attaching to", id, "attach");
  call_query(k, "stream", "1");
  call_query(k, "stdout", "1");
  call_query(k, "stderr", "1");
  if (logs)
    call_query(k, "logs", "1");
  k->out = out;
  call_stream(k, tty ? DEC_RAW : DEC_MUX);
  return call_start(k, cb, ctx, call, err);
}

int engine_container_stats(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err)
{
  struct engine_call *k =
      on_container(e, "GET", "reading the stats of", id, "stats");
  call_query(k, "stream", "0");
  k->typed = TYPED_STATS;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_archive_get(struct engine *e, const char *id,
                                 const char *path, engine_output_cb out,
                                 engine_cb cb, void *ctx,
                                 struct engine_call **call, struct err *err)
{
  char *verb = xasprintf("copying '%s' from", path);
  struct engine_call *k = on_container(e, "GET", verb, id, "archive");
  free(verb);
  call_query(k, "path", path);
  k->out = out;
  call_stream(k, DEC_RAW);
  return call_start(k, cb, ctx, call, err);
}

int engine_container_archive_put(struct engine *e, const char *id,
                                 const char *path, http_read_cb read,
                                 void *read_ctx, engine_cb cb, void *ctx,
                                 struct err *err)
{
  return engine_container_archive_put_owners(e, id, path, 0, read, read_ctx, cb,
                                             ctx, err);
}

int engine_container_archive_put_owners(struct engine *e, const char *id,
                                        const char *path, int owners,
                                        http_read_cb read, void *read_ctx,
                                        engine_cb cb, void *ctx,
                                        struct err *err)
{
  char *verb = xasprintf("copying files to '%s' in", path);
  struct engine_call *k = on_container(e, "PUT", verb, id, "archive");
  free(verb);
  call_query(k, "path", path);
  if (owners)
    call_query(k, "copyUIDGID", "true");
  http_req_body_stream(k->req, "application/x-tar", read, read_ctx);
  k->timeout_s = -1; /* as long as the upload takes */
  return call_start(k, cb, ctx, NULL, err);
}

int engine_exec_create(struct engine *e, const char *id, cJSON *body,
                       engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k =
      on_container(e, "POST", "creating an exec in", id, "exec");
  call_body_json(k, body);
  k->typed = TYPED_CREATED;
  return call_start(k, cb, ctx, NULL, err);
}

static cJSON *strings_array(const char *const *v)
{
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; v && v[i]; i++)
    cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
  return a;
}

cJSON *call_exec_body(const struct engine_exec_config *c)
{
  cJSON *body = cJSON_CreateObject();
  cJSON_AddItemToObject(body, "Cmd", strings_array(c->cmd));
  cJSON_AddBoolToObject(body, "AttachStdin", c->attach_stdin);
  cJSON_AddBoolToObject(body, "AttachStdout", c->attach_stdout);
  cJSON_AddBoolToObject(body, "AttachStderr", c->attach_stderr);
  cJSON_AddBoolToObject(body, "Tty", c->tty);
  cJSON_AddBoolToObject(body, "Privileged", c->privileged);
  if (c->env && c->env[0])
    cJSON_AddItemToObject(body, "Env", strings_array(c->env));
  if (c->user)
    cJSON_AddStringToObject(body, "User", c->user);
  if (c->working_dir)
    cJSON_AddStringToObject(body, "WorkingDir", c->working_dir);
  if (c->detach_keys)
    cJSON_AddStringToObject(body, "DetachKeys", c->detach_keys);
  return body;
}

int engine_exec_create_typed(struct engine *e, const char *id,
                             const struct engine_exec_config *c, engine_cb cb,
                             void *ctx, struct err *err)
{
  return engine_exec_create(e, id, call_exec_body(c), cb, ctx, err);
}

int engine_exec_start(struct engine *e, const char *exec_id, int tty,
                      int detach, engine_output_cb out, engine_cb cb, void *ctx,
                      struct engine_call **call, struct err *err)
{
  char *what = xasprintf("starting exec '%.12s'", exec_id);
  char *eid = call_escape(exec_id);
  struct engine_call *k = call_new(e, "POST", what, "/exec/%s/start", eid);
  free(eid);
  free(what);
  cJSON *body = cJSON_CreateObject();
  cJSON_AddBoolToObject(body, "Detach", detach);
  cJSON_AddBoolToObject(body, "Tty", tty);
  call_body_json(k, body);
  if (!detach) {
    k->out = out;
    call_stream(k, tty ? DEC_RAW : DEC_MUX);
  }
  return call_start(k, cb, ctx, call, err);
}

int engine_exec_inspect(struct engine *e, const char *exec_id, engine_cb cb,
                        void *ctx, struct err *err)
{
  char *what = xasprintf("inspecting exec '%.12s'", exec_id);
  char *eid = call_escape(exec_id);
  struct engine_call *k = call_new(e, "GET", what, "/exec/%s/json", eid);
  free(eid);
  free(what);
  k->typed = TYPED_EXEC_INFO;
  return call_start(k, cb, ctx, NULL, err);
}

int engine_exec_resize(struct engine *e, const char *exec_id, int h, int w,
                       engine_cb cb, void *ctx, struct err *err)
{
  char *what = xasprintf("resizing exec '%.12s'", exec_id);
  char *eid = call_escape(exec_id);
  struct engine_call *k = call_new(e, "POST", what, "/exec/%s/resize", eid);
  free(eid);
  free(what);
  call_query_int(k, "h", h);
  call_query_int(k, "w", w);
  return call_start(k, cb, ctx, NULL, err);
}

int engine_container_resize(struct engine *e, const char *id, int h, int w,
                            engine_cb cb, void *ctx, struct err *err)
{
  struct engine_call *k = on_container(e, "POST", "resizing", id, "resize");
  call_query_int(k, "h", h);
  call_query_int(k, "w", w);
  return call_start(k, cb, ctx, NULL, err);
}
