/* oneoff: the one-off container of `run` (the shape of svc.c: one function
 * per state, one place where the state changes), and the pump that feeds
 * our stdin into its attach with the attach's flow control. */
#include "orchestrate/oneoff.h"
#include "orchestrate/converge.h"
#include "orchestrate/images.h"
#include "orchestrate/resources.h"
#include "orchestrate/session.h"
#include "orchestrate/pump.h"
#include "engine/hijack.h"
#include "util/xalloc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct oneoff {
  uv_loop_t *loop;
  struct engine *engine;
  const struct project *project;
  const struct service *service;
  struct oneoff_options opt;
  struct create_overrides ov; /* opt.set and what the options imply */
  struct create_ctx ctx;
  const struct oneoff_hooks *hooks;
  void *data;
  enum oneoff_state state;
  char *name;
  char *id;     /* NULL until created */
  int pending;  /* tracked engine calls out (create ... remove) */
  int canceled; /* oneoff_kill before the start call */
  char *kill;   /* oneoff_kill during the start call: sent once running */
  int waited;   /* RUNNING: the wait answered */
  int exit_code;
  struct engine_attach *att;
  int attach_done;   /* the output is over (or was never opened) */
  int resizing;      /* resize calls out */
  int input_waits;   /* stdin starts once the first resize is answered */
  int attaching;     /* ATTACHING: the engine has not answered 101 yet */
  struct pump *pump; /* our stdin into the attach */
  int freed;         /* oneoff_free was called: release when nothing is left */
  struct err err;
};

static const char *const state_names[] = {"idle",      "creating", "connecting",
                                          "attaching", "starting", "running",
                                          "removing",  "done",     "failed"};

const char *oneoff_state_name(enum oneoff_state st)
{
  return st <= ONEOFF_FAILED ? state_names[st] : "?";
}

void oneoff_set_state(struct oneoff *o, enum oneoff_state to)
{
  static int trace = -1;
  if (trace < 0) {
    const char *t = getenv("WCOMPOSE_TRACE");
    trace = t && *t;
  }
  if (trace)
    fprintf(stderr, "wcompose: oneoff %s: %s -> %s\n", o->name,
            oneoff_state_name(o->state), oneoff_state_name(to));
  o->state = to;
}

static void release(struct oneoff *o)
{
  if (!o->freed || o->pending)
    return;
  free(o->name);
  free(o->id);
  free(o->kill);
  err_release(&o->err);
  free(o);
}

static void progress(struct oneoff *o, const char *status, int done)
{
  if (o->hooks && o->hooks->progress)
    o->hooks->progress(o->data, o->name, status, done);
}

static void fail(struct oneoff *o, const struct engine_result *res)
{
  const char *t = res->err && res->err->text ? res->err->text : NULL;
  if (t) {
    size_t n = strlen(t);
    while (n && t[n - 1] == '\n')
      n--;
    err_set(&o->err, res->rc, "%.*s", (int)n, t);
  } else {
    err_set(&o->err, res->rc, "running container '%s': %s", o->name,
            err_text(res->rc));
  }
}

static int issue(struct oneoff *o, int rc, struct err *e)
{
  if (rc) {
    err_set(&o->err, rc, "%s", e->text ? e->text : err_text(rc));
    err_release(e);
    return rc;
  }
  o->pending++;
  return 0;
}

/* A tracked call answered: 1 to go on, 0 when o was freed meanwhile (and
 * is released here once nothing is left). */
static int call_back(struct oneoff *o)
{
  o->pending--;
  if (!o->freed)
    return 1;
  release(o);
  return 0;
}

/* For calls whose answer changes nothing (kill, resize). */
static void on_fire(void *ctx, struct engine_result *res)
{
  (void)ctx;
  (void)res;
}

static void on_drain(void *ctx)
{
  struct oneoff *o = ctx;
  pump_drain(o->pump);
}

/* The input closed and the attach hung up (when still open). */
static void io_close(struct oneoff *o)
{
  pump_free(o->pump);
  o->pump = NULL;
  engine_attach_free(o->att);
  o->att = NULL;
  o->attach_done = 1;
}

/* --- the machine --- */

static void step(struct oneoff *o);

static enum oneoff_state next_state(const struct oneoff *o)
{
  if (o->err.code || o->canceled) {
    /* --rm holds on a failure too, once */
    if (o->id && o->opt.rm && o->state != ONEOFF_REMOVING)
      return ONEOFF_REMOVING;
    return ONEOFF_FAILED;
  }
  switch (o->state) {
  case ONEOFF_IDLE:
    return ONEOFF_CREATING;
  case ONEOFF_CREATING:
    return ONEOFF_CONNECTING;
  case ONEOFF_CONNECTING:
    return o->opt.detach ? ONEOFF_STARTING : ONEOFF_ATTACHING;
  case ONEOFF_ATTACHING:
    return ONEOFF_STARTING;
  case ONEOFF_STARTING:
    return o->opt.detach ? ONEOFF_DONE : ONEOFF_RUNNING;
  case ONEOFF_RUNNING:
    return o->opt.rm ? ONEOFF_REMOVING : ONEOFF_DONE;
  case ONEOFF_REMOVING:
  case ONEOFF_DONE:
  case ONEOFF_FAILED:
    break;
  }
  return ONEOFF_DONE;
}

static void advance(struct oneoff *o)
{
  oneoff_set_state(o, next_state(o));
  step(o);
}

/* Move on when the current state has what it waits for: its calls
 * answered and, running, both the exit and the end of the output (a
 * failure does not wait for the output: leaving hangs up). */
static void settle(struct oneoff *o)
{
  if (o->pending)
    return;
  if (o->state == ONEOFF_ATTACHING && o->attaching)
    return;
  if (o->state == ONEOFF_RUNNING && !o->err.code &&
      !(o->waited && o->attach_done))
    return;
  advance(o);
}

/* --- completions: ctx is the oneoff --- */

static void on_created(void *ctx, struct engine_result *res)
{
  struct oneoff *o = ctx;
  if (!call_back(o))
    return;
  const char *id = res->id;
  if (res->rc) {
    fail(o, res);
  } else if (!id) {
    err_set(&o->err, ERR_PROTO, "creating container '%s': no Id in the answer",
            o->name);
  } else {
    o->id = xstrdup(id);
    progress(o, "Created", 1);
  }
  settle(o);
}

static void on_connected(void *ctx, struct engine_result *res)
{
  struct oneoff *o = ctx;
  if (!call_back(o))
    return;
  if (res->rc)
    fail(o, res);
  settle(o);
}

static void on_started(void *ctx, struct engine_result *res)
{
  struct oneoff *o = ctx;
  if (!call_back(o))
    return;
  if (res->rc)
    fail(o, res);
  else
    progress(o, "Started", 1);
  settle(o);
}

static void on_waited(void *ctx, struct engine_result *res)
{
  struct oneoff *o = ctx;
  if (!call_back(o))
    return;
  if (res->rc)
    fail(o, res);
  else if (!res->wait || res->wait->status_code < 0)
    err_set(&o->err, ERR_PROTO,
            "waiting for container '%s': no StatusCode in the answer", o->name);
  else {
    o->exit_code = res->wait->status_code;
    o->waited = 1;
  }
  settle(o);
}

static void on_removed(void *ctx, struct engine_result *res)
{
  struct oneoff *o = ctx;
  if (!call_back(o))
    return;
  if (res->rc && res->rc != ERR_NOTFOUND) {
    if (!o->err.code && !o->canceled)
      fail(o, res); /* else the first failure is the one to tell */
  } else {
    progress(o, "Removed", 1);
  }
  settle(o);
}

static int on_output(void *ctx, enum stream_kind kind, const char *data,
                     size_t n)
{
  struct oneoff *o = ctx;
  if (o->hooks && o->hooks->output)
    return o->hooks->output(o->data, kind, data, n);
  return 0;
}

static void on_attach_done(void *ctx, int rc, const struct err *err)
{
  struct oneoff *o = ctx;
  o->attach_done = 1;
  if (rc && rc != ERR_CANCELED)
    err_set(&o->err, rc, "%s", err && err->text ? err->text : err_text(rc));
  pump_stop(o->pump);
  if (o->state == ONEOFF_ATTACHING && o->attaching) {
    o->attaching = 0; /* the handshake failed */
    settle(o);
  } else if (o->state == ONEOFF_RUNNING) {
    settle(o);
  }
}

/* The engine answered 101: start the container now. */
static void on_attach_ready(void *ctx)
{
  struct oneoff *o = ctx;
  o->attaching = 0;
  if (o->hooks && o->hooks->attached)
    o->hooks->attached(o->data);
  settle(o);
}

/* --- one function per state: issue the calls, or move on at once --- */

static void state_creating(struct oneoff *o)
{
  struct err e = ERR_INIT;
  progress(o, "Creating", 0);
  int rc = create_container(o->engine, &o->ctx, o->name, on_created, o, &e);
  if (rc == ERR_CONFIG) {
    err_set(&o->err, rc, "%.*s", e.text ? (int)e.len - 1 : 0,
            e.text ? e.text : "");
    err_release(&e);
    return;
  }
  issue(o, rc, &e);
}

/* API 1.41 takes one network at create: connect the others now; and
 * use_api_socket's credentials go in. */
static void state_connecting(struct oneoff *o)
{
  const struct service *s = o->service;
  long primary = create_primary_network(s);
  for (size_t i = 0; primary >= 0 && i < s->nnetworks && !o->err.code; i++) {
    if ((long)i == primary)
      continue;
    const struct service_network *n = &s->networks[i];
    struct err e = ERR_INIT;
    issue(o, create_connect(o->engine, &o->ctx, n, o->id, on_connected, o, &e),
          &e);
  }
  /* use_api_socket: the credentials, before the command starts */
  if (!o->err.code && create_uses_api_socket(s)) {
    struct err e = ERR_INIT;
    issue(o,
          create_api_config_put(o->engine, o->id, o->name, on_connected, o, &e),
          &e);
  }
}

/* Before start: the command may print and read at once; the start waits
 * for the engine's 101 (on_attach_ready). */
static void state_attaching(struct oneoff *o)
{
  struct err e = ERR_INIT;
  o->attach_done = 0; /* the output may even end before this returns */
  o->attaching = 1;
  int rc = engine_attach_open(o->engine, o->id, o->opt.tty, on_output,
                              on_attach_ready, on_attach_done, on_drain, o,
                              &o->att, &e);
  if (rc) {
    err_set(&o->err, rc, "%s", e.text ? e.text : err_text(rc));
    err_release(&e);
    o->att = NULL;
    o->attach_done = 1;
    o->attaching = 0;
    return;
  }
  o->pump = pump_new(o->loop, o->opt.stdin_fd, NULL, 0, NULL, NULL);
}

static void state_starting(struct oneoff *o)
{
  struct err e = ERR_INIT;
  progress(o, "Starting", 0);
  issue(o, engine_container_start(o->engine, o->id, on_started, o, &e), &e);
}

static void start_input(struct oneoff *o)
{
  o->input_waits = 0;
  if (!o->attach_done)
    pump_start(o->pump, o->att);
}

/* With a TTY our size is set before input flows (as the docker CLI
 * does): the first keys a shell reads meet our size, not 0x0. */
static void state_running(struct oneoff *o)
{
  o->input_waits = 1;
  if (o->hooks && o->hooks->started)
    o->hooks->started(o->data);
  if (o->kill) {
    oneoff_kill(o, o->kill);
    free(o->kill);
    o->kill = NULL;
  }
  if (!o->resizing)
    start_input(o);
  struct err e = ERR_INIT;
  issue(o, engine_container_wait(o->engine, o->id, NULL, on_waited, o, &e), &e);
}

static void state_removing(struct oneoff *o)
{
  struct err e = ERR_INIT;
  progress(o, "Removing", 0);
  issue(o,
        engine_container_remove(o->engine, o->id,
                                ENGINE_RM_FORCE | ENGINE_RM_VOLUMES, on_removed,
                                o, &e),
        &e);
}

/* Enter the current state: run its function, then move on at once when
 * it issued nothing (or failed to). */
static void step(struct oneoff *o)
{
  switch (o->state) {
  case ONEOFF_CREATING:
    state_creating(o);
    break;
  case ONEOFF_CONNECTING:
    state_connecting(o);
    break;
  case ONEOFF_ATTACHING:
    state_attaching(o);
    break;
  case ONEOFF_STARTING:
    state_starting(o);
    break;
  case ONEOFF_RUNNING:
    state_running(o);
    break;
  case ONEOFF_REMOVING:
    io_close(o);
    state_removing(o);
    break;
  case ONEOFF_DONE:
  case ONEOFF_FAILED:
    io_close(o);
    /* the caller's uv_run turn ends now, even when this came from a timer
     * with nothing else to wake it */
    uv_stop(o->loop);
    return;
  case ONEOFF_IDLE:
    return;
  }
  settle(o);
}

/* --- the API --- */

/* The overrides and create context of a run: what the user set, and
 * what the options imply. */
static void ctx_init(const struct project *p, const struct service *s,
                     const struct oneoff_options *opt,
                     struct create_overrides *ov, struct create_ctx *ctx)
{
  *ov = opt->set;
  ov->tty = opt->tty ? TRI_TRUE : TRI_FALSE;
  /* attached runs forward our stdin, as compose's run does */
  ov->stdin_open = opt->detach ? TRI_FALSE : TRI_TRUE;
  ov->attach = !opt->detach;
  ov->no_service_ports = !opt->service_ports;
  ov->no_restart = 1; /* a one-off does not come back */
  ov->no_aliases = !opt->use_aliases;
  ov->auto_remove = opt->rm && opt->detach;
  *ctx = (struct create_ctx){.project = p,
                             .service = s,
                             .number = 1,
                             .oneoff = 1,
                             .image_id = opt->image_id,
                             .overrides = ov};
}

struct oneoff *oneoff_new(uv_loop_t *loop, struct engine *e,
                          const struct project *p, const struct service *s,
                          const struct oneoff_options *opt,
                          const struct oneoff_hooks *hooks, void *data)
{
  struct oneoff *o = xcalloc(1, sizeof(*o));
  o->loop = loop;
  o->engine = e;
  o->project = p;
  o->service = s;
  o->opt = *opt;
  o->hooks = hooks;
  o->data = data;
  o->attach_done = 1;
  o->exit_code = -1;
  ctx_init(p, s, opt, &o->ov, &o->ctx);
  o->name = create_name_new(&o->ctx);
  return o;
}

int oneoff_check(const struct project *p, const struct service *s,
                 const struct oneoff_options *opt, struct err *err)
{
  struct create_overrides ov;
  struct create_ctx ctx;
  ctx_init(p, s, opt, &ov, &ctx);
  return create_check(&ctx, err);
}

void oneoff_start(struct oneoff *o)
{
  advance(o);
}

int oneoff_finished(const struct oneoff *o)
{
  return o->state == ONEOFF_DONE || o->state == ONEOFF_FAILED;
}

int oneoff_result(const struct oneoff *o, int *exit_code, struct err *err)
{
  if (o->state == ONEOFF_DONE) {
    *exit_code = o->opt.detach ? 0 : o->exit_code;
    return 0;
  }
  if (o->state != ONEOFF_FAILED)
    return err_set(err, ERR_STATE, "running container '%s': unfinished",
                   o->name);
  if (!o->err.code)
    return err_set(err, ERR_CANCELED,
                   "container '%s' was not started: interrupted", o->name);
  const char *t = o->err.text ? o->err.text : err_text(o->err.code);
  size_t n = strlen(t);
  while (n && t[n - 1] == '\n')
    n--;
  return err_set(err, o->err.code, "%.*s", (int)n, t);
}

const char *oneoff_name(const struct oneoff *o)
{
  return o->name;
}

void oneoff_kill(struct oneoff *o, const char *signal)
{
  struct err e = ERR_INIT;
  switch (o->state) {
  case ONEOFF_IDLE:
  case ONEOFF_CREATING:
  case ONEOFF_CONNECTING:
  case ONEOFF_ATTACHING:
    o->canceled = 1;
    break;
  case ONEOFF_STARTING:
    free(o->kill);
    o->kill = xstrdup(signal);
    break;
  case ONEOFF_RUNNING:
    engine_container_kill(o->engine, o->id, signal, on_fire, NULL, &e);
    break;
  case ONEOFF_REMOVING:
  case ONEOFF_DONE:
  case ONEOFF_FAILED:
    break;
  }
  err_release(&e);
}

static void on_resized(void *ctx, struct engine_result *res)
{
  struct oneoff *o = ctx;
  (void)res; /* a refused resize leaves the size as it was */
  if (!call_back(o))
    return;
  o->resizing--;
  if (o->input_waits && !o->resizing)
    start_input(o);
  settle(o);
}

void oneoff_resize(struct oneoff *o, int rows, int cols)
{
  if (o->state != ONEOFF_RUNNING || !o->opt.tty || rows <= 0 || cols <= 0)
    return;
  struct err e = ERR_INIT;
  if (!engine_container_resize(o->engine, o->id, rows, cols, on_resized, o,
                               &e)) {
    o->pending++;
    o->resizing++;
  }
  err_release(&e);
}

static void target_resize(void *obj, int rows, int cols)
{
  oneoff_resize(obj, rows, cols);
}

static void target_signal(void *obj, int signum)
{
  oneoff_kill(obj, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

const struct term_target oneoff_target = {target_resize, target_signal};

void oneoff_free(struct oneoff *o)
{
  if (!o)
    return;
  o->freed = 1;
  io_close(o);
  release(o);
}

/* --- before the one-off --- */

int oneoff_deps(struct session *s, size_t target)
{
  const struct project *p = s->project;
  size_t n = 0;
  for (size_t i = 0; i < p->nservices; i++)
    n += i != target && s->selected[i];
  if (!n)
    return 0;
  s->selected[target] = 0;
  struct converge_options co = {.timeout = -1};
  struct plan plan = PLAN_INIT;
  int rc = converge(s, &co, &plan);
  plan_release(&plan);
  s->selected[target] = 1;
  return rc;
}

int oneoff_prepare(struct session *s, size_t target, char **image_id)
{
  const struct project *p = s->project;
  for (size_t i = 0; i < p->nservices; i++)
    s->selected[i] = i == target;
  *image_id = NULL;
  int rc = resources_ensure(s);
  char **ids = xcalloc(p->nservices ? p->nservices : 1, sizeof(*ids));
  if (!rc)
    rc = images_ensure(s, &(struct images_want){0}, ids);
  *image_id = ids[target];
  for (size_t i = 0; i < p->nservices; i++)
    if (i != target)
      free(ids[i]);
  free(ids);
  return rc;
}

int oneoff_session_run(struct session *s, size_t target,
                       struct oneoff_options *opt,
                       const struct oneoff_hooks *hooks, void *data, void **obj,
                       int *exit_code, char **name)
{
  char *image_id = NULL;
  int rc = oneoff_prepare(s, target, &image_id);
  session_flush(s);
  opt->image_id = image_id;
  if (!rc) {
    struct oneoff *o =
        oneoff_new(&s->loop, s->engine, s->project,
                   &s->project->services[target], opt, hooks, data);
    *obj = o;
    oneoff_start(o);
    while (!oneoff_finished(o))
      if (!uv_run(&s->loop, UV_RUN_ONCE))
        break;
    *obj = NULL;
    rc = oneoff_result(o, exit_code, &s->err);
    *name = xstrdup(o->name);
    oneoff_free(o);
    uv_run(&s->loop, UV_RUN_NOWAIT);
  }
  opt->image_id = NULL;
  free(image_id);
  return rc;
}
