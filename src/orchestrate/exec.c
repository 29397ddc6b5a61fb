/* exec: one function per state (as svc.c), one place where the state
 * changes; the exit code is polled on a timer, never by sleeping. */
#include "orchestrate/exec.h"
#include "orchestrate/create.h"
#include "orchestrate/pump.h"
#include "orchestrate/session.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INSPECT_PAUSE_MS 20
#define INSPECT_TRIES 50
#define RESIZE_PAUSE_MS 10
#define RESIZE_TRIES 20
#define DEFAULT_DETACH_KEYS "ctrl-p,ctrl-q"

struct exec {
  uv_loop_t *loop;
  struct engine *engine;
  const struct project *project;
  const struct exec_spec *spec;
  const struct exec_hooks *hooks;
  void *data;
  enum exec_state state;
  char *id;                  /* the exec's, once created */
  struct engine_call *call;  /* the attached start, while it streams */
  struct engine_attach *att; /* the hijacked start, while it streams */
  struct pump *pump;         /* our input into att */
  int detached;              /* the detach keys were typed */
  int resizing;              /* resize calls out */
  int rows, cols;            /* the size to set; 0: none */
  int resize_tries;
  int resize_due;  /* the timer waits to resize again */
  int input_waits; /* stdin starts once the first size is set (or given up) */
  int pending;     /* tracked engine calls out */
  int interrupted;
  int running; /* INSPECTING: the engine still says it runs */
  int tries;
  int exit_code;
  uv_timer_t timer;
  int timer_init;
  int closing; /* the timer's close callback is due */
  int freed;   /* exec_free was called: release when nothing is left */
  struct err err;
};

static const char *const state_names[] = {"idle",       "creating", "running",
                                          "inspecting", "done",     "failed"};

const char *exec_state_name(enum exec_state st)
{
  return st <= EXEC_FAILED ? state_names[st] : "?";
}

void exec_set_state(struct exec *x, enum exec_state to)
{
  static int trace = -1;
  if (trace < 0) {
    const char *t = getenv("WCOMPOSE_TRACE");
    trace = t && *t;
  }
  if (trace)
    fprintf(stderr, "wcompose: exec in %s: %s -> %s\n", x->spec->container_name,
            exec_state_name(x->state), exec_state_name(to));
  x->state = to;
}

int exec_find_container(const struct plan_container *have, size_t n,
                        const struct service *s, int index,
                        const struct plan_container **out, struct err *err)
{
  int running = 0;
  for (size_t i = 0; i < n; i++) {
    const struct plan_container *c = &have[i];
    if (c->oneoff || !c->service || strcmp(c->service, s->name) || !c->state ||
        strcmp(c->state, "running"))
      continue;
    running++;
    if (c->number == index) {
      *out = c;
      return 0;
    }
  }
  if (!running)
    return err_set(err, ERR_STATE, "service \"%s\" is not running", s->name);
  return err_set(err, ERR_NOTFOUND,
                 "service \"%s\" is not running container #%d", s->name, index);
}

static void release(struct exec *x)
{
  if (!x->freed || x->pending || x->closing || x->resizing)
    return;
  free(x->id);
  err_release(&x->err);
  free(x);
}

static void fail(struct exec *x, const struct engine_result *res)
{
  const char *t = res->err && res->err->text ? res->err->text : NULL;
  if (t) {
    size_t n = strlen(t);
    while (n && t[n - 1] == '\n')
      n--;
    err_set(&x->err, res->rc, "%.*s", (int)n, t);
  } else {
    err_set(&x->err, res->rc, "running a command in '%s': %s",
            x->spec->container_name, err_text(res->rc));
  }
}

static int issue(struct exec *x, int rc, struct err *e)
{
  if (rc) {
    err_set(&x->err, rc, "%s", e->text ? e->text : err_text(rc));
    err_release(e);
    return rc;
  }
  x->pending++;
  return 0;
}

/* A tracked call answered: 1 to go on, 0 when x was freed meanwhile. */
static int call_back(struct exec *x)
{
  x->pending--;
  if (!x->freed)
    return 1;
  release(x);
  return 0;
}

static void step(struct exec *x);

static enum exec_state next_state(const struct exec *x)
{
  if (x->err.code)
    return EXEC_FAILED;
  switch (x->state) {
  case EXEC_IDLE:
    return EXEC_CREATING;
  case EXEC_CREATING:
    return x->interrupted ? EXEC_DONE : EXEC_RUNNING;
  case EXEC_RUNNING:
    return x->spec->detach || x->interrupted || x->detached ? EXEC_DONE
                                                            : EXEC_INSPECTING;
  case EXEC_INSPECTING:
  case EXEC_DONE:
  case EXEC_FAILED:
    break;
  }
  return EXEC_DONE;
}

static void advance(struct exec *x)
{
  exec_set_state(x, next_state(x));
  step(x);
}

static void on_pause(uv_timer_t *t);

/* Move on when the calls of the state answered; inspecting, ask again
 * after a pause while the engine still says the process runs. */
static void settle(struct exec *x)
{
  if (x->pending || x->att)
    return;
  if (x->state == EXEC_INSPECTING && !x->err.code && x->running &&
      !x->interrupted) {
    if (x->tries < INSPECT_TRIES) {
      uv_timer_start(&x->timer, on_pause, INSPECT_PAUSE_MS, 0);
      return;
    }
    err_set(&x->err, ERR_PROTO, "inspecting exec '%.12s': no exit code", x->id);
  }
  advance(x);
}

/* --- completions: ctx is the exec --- */

static void on_created(void *ctx, struct engine_result *res)
{
  struct exec *x = ctx;
  if (!call_back(x))
    return;
  const char *id = res->id;
  if (res->rc)
    fail(x, res);
  else if (!id)
    err_set(&x->err, ERR_PROTO, "creating an exec in '%s': no Id",
            x->spec->container_name);
  else
    x->id = xstrdup(id);
  settle(x);
}

static void on_ended(void *ctx, struct engine_result *res)
{
  struct exec *x = ctx;
  x->call = NULL;
  if (!call_back(x))
    return;
  /* an interrupted stream ends canceled: that is no failure */
  if (res->rc && !(res->rc == ERR_CANCELED && x->interrupted))
    fail(x, res);
  settle(x);
}

static void on_inspected(void *ctx, struct engine_result *res)
{
  struct exec *x = ctx;
  if (!call_back(x))
    return;
  if (res->rc)
    fail(x, res);
  else if (!res->exec || (!res->exec->running && res->exec->exit_code < 0))
    err_set(&x->err, ERR_PROTO, "inspecting exec '%.12s': no exit code", x->id);
  else {
    x->running = res->exec->running;
    x->exit_code = res->exec->exit_code;
  }
  settle(x);
}

static int on_output(void *ctx, enum stream_kind kind, const char *data,
                     size_t n)
{
  struct exec *x = ctx;
  if (x->hooks && x->hooks->output)
    return x->hooks->output(x->data, kind, data, n);
  return 0;
}

/* --- the hijacked start --- */

static void hang_up(struct exec *x)
{
  pump_stop(x->pump);
  engine_attach_free(x->att);
  x->att = NULL;
}

static void on_attach_done(void *ctx, int rc, const struct err *err)
{
  struct exec *x = ctx;
  hang_up(x);
  if (rc && !x->interrupted && !x->detached)
    err_set(&x->err, rc, "%s", err && err->text ? err->text : err_text(rc));
  if (x->state == EXEC_RUNNING)
    settle(x);
}

static void start_input(struct exec *x)
{
  x->input_waits = 0;
  if (x->att)
    pump_start(x->pump, x->att);
}

/* The engine answered 101: the process runs, with our terminal. Input
 * from now on: with a TTY the engine ends the output when stdin ends, so
 * an input already over must not end it before it began; and with a TTY
 * our size is set first (as the docker CLI does), so the first keys a
 * shell reads meet our size, not 0x0. */
static void on_attach_ready(void *ctx)
{
  struct exec *x = ctx;
  if (x->hooks && x->hooks->attached)
    x->hooks->attached(x->data);
  x->input_waits = 1;
  if (x->att && x->hooks && x->hooks->started)
    x->hooks->started(x->data);
  if (!x->resizing && !x->resize_due)
    start_input(x);
}

static void on_drain(void *ctx)
{
  struct exec *x = ctx;
  pump_drain(x->pump);
}

static void on_detached(void *ctx)
{
  struct exec *x = ctx;
  x->detached = 1;
  hang_up(x);
  settle(x);
}

static void ensure_timer(struct exec *x)
{
  if (x->timer_init)
    return;
  uv_timer_init(x->loop, &x->timer);
  x->timer.data = x;
  x->timer_init = 1;
}

static void on_resize_pause(uv_timer_t *t);

static void on_resized(void *ctx, struct engine_result *res)
{
  struct exec *x = ctx;
  x->resizing--;
  if (x->freed) {
    release(x);
    return;
  }
  /* the process may not run yet: try again shortly */
  if (res->rc && x->att && x->resize_tries < RESIZE_TRIES &&
      x->state == EXEC_RUNNING) {
    x->resize_due = 1;
    uv_timer_start(&x->timer, on_resize_pause,
                   (uint64_t)RESIZE_PAUSE_MS * (uint64_t)x->resize_tries, 0);
  } else if (x->input_waits && !x->resizing) {
    start_input(x);
  }
}

static void send_size(struct exec *x)
{
  struct err e = ERR_INIT;
  x->resize_tries++;
  if (!engine_exec_resize(x->engine, x->id, x->rows, x->cols, on_resized, x,
                          &e))
    x->resizing++;
  err_release(&e);
}

static void on_resize_pause(uv_timer_t *t)
{
  struct exec *x = t->data;
  x->resize_due = 0;
  if (x->att && x->state == EXEC_RUNNING)
    send_size(x);
  if (x->input_waits && !x->resizing)
    start_input(x);
}

/* Interactive: the start, hijacked; our input flows once it answered. */
static void start_hijacked(struct exec *x)
{
  const struct exec_spec *sp = x->spec;
  unsigned char keys[PUMP_KEYS_MAX];
  size_t nkeys = 0;
  struct err e = ERR_INIT;
  const char *k = sp->detach_keys ? sp->detach_keys : DEFAULT_DETACH_KEYS;
  if (pump_keys_parse(k, keys, &nkeys, &x->err))
    return;
  ensure_timer(x);
  /* as docker: the keys detach from a TTY only, other input is data */
  x->pump = pump_new(x->loop, sp->stdin_fd, keys, sp->tty ? nkeys : 0,
                     on_detached, x);
  int rc = engine_exec_attach_open(x->engine, x->id, sp->tty, on_output,
                                   on_attach_ready, on_attach_done, on_drain, x,
                                   &x->att, &e);
  if (rc) {
    err_set(&x->err, rc, "%s", e.text ? e.text : err_text(rc));
    err_release(&e);
    x->att = NULL;
    return;
  }
}

/* --- one function per state --- */

static void state_creating(struct exec *x)
{
  const struct exec_spec *sp = x->spec;
  unsigned char keys[PUMP_KEYS_MAX];
  size_t nkeys;
  if (sp->interactive && sp->detach_keys &&
      pump_keys_parse(sp->detach_keys, keys, &nkeys, &x->err))
    return;
  struct strvec env = STRVEC_INIT;
  const char **cmd = xcalloc(sp->command.n + 1, sizeof(*cmd));
  for (size_t i = 0; i < sp->command.n; i++)
    cmd[i] = sp->command.v[i];
  /* a bare KEY takes the project's value, as compose does */
  for (size_t i = 0; i < sp->env.n; i++) {
    char *e = create_env_entry_new(x->project, sp->env.v[i]);
    if (e)
      strvec_push(&env, e);
    free(e);
  }
  struct engine_exec_config c = {
      .cmd = cmd,
      .env = env.n ? (const char *const *)env.v : NULL,
      .user = sp->user,
      .working_dir = sp->working_dir,
      .privileged = sp->privileged,
      .tty = sp->tty,
      .detach_keys = !sp->interactive || !sp->tty ? NULL
                     : sp->detach_keys            ? sp->detach_keys
                                                  : DEFAULT_DETACH_KEYS,
      .attach_stdin = sp->interactive && !sp->detach,
      .attach_stdout = !sp->detach,
      .attach_stderr = !sp->detach};
  struct err e = ERR_INIT;
  issue(x,
        engine_exec_create_typed(x->engine, x->spec->container, &c, on_created,
                                 x, &e),
        &e);
  free(cmd);
  strvec_clear(&env);
}

static void state_running(struct exec *x)
{
  const struct exec_spec *sp = x->spec;
  struct err e = ERR_INIT;
  if (sp->detach)
    issue(
        x,
        engine_exec_start(x->engine, x->id, 0, 1, NULL, on_ended, x, NULL, &e),
        &e);
  else if (sp->interactive)
    start_hijacked(x);
  else
    issue(x,
          engine_exec_start(x->engine, x->id, sp->tty, 0, on_output, on_ended,
                            x, &x->call, &e),
          &e);
}

static void state_inspecting(struct exec *x)
{
  ensure_timer(x);
  uv_timer_stop(&x->timer); /* a resize due is moot now */
  x->tries++;
  struct err e = ERR_INIT;
  issue(x, engine_exec_inspect(x->engine, x->id, on_inspected, x, &e), &e);
}

static void on_pause(uv_timer_t *t)
{
  struct exec *x = t->data;
  state_inspecting(x);
  settle(x);
}

/* Enter the current state: run its function, then move on at once when
 * it issued nothing (or failed to). */
static void step(struct exec *x)
{
  switch (x->state) {
  case EXEC_CREATING:
    state_creating(x);
    break;
  case EXEC_RUNNING:
    state_running(x);
    break;
  case EXEC_INSPECTING:
    state_inspecting(x);
    break;
  case EXEC_DONE:
  case EXEC_FAILED:
    /* the caller's uv_run turn ends now (see oneoff.c) */
    uv_stop(x->loop);
    if (x->hooks && x->hooks->done)
      x->hooks->done(x->data); /* may free x: nothing after */
    return;
  case EXEC_IDLE:
    return;
  }
  settle(x);
}

/* --- the API --- */

struct exec *exec_new(uv_loop_t *loop, struct engine *e,
                      const struct project *p, const struct exec_spec *spec,
                      const struct exec_hooks *hooks, void *data)
{
  struct exec *x = xcalloc(1, sizeof(*x));
  x->loop = loop;
  x->engine = e;
  x->project = p;
  x->spec = spec;
  x->hooks = hooks;
  x->data = data;
  x->exit_code = -1;
  return x;
}

void exec_start(struct exec *x)
{
  advance(x);
}

int exec_finished(const struct exec *x)
{
  return x->state == EXEC_DONE || x->state == EXEC_FAILED;
}

int exec_result(const struct exec *x, int *exit_code, int *interrupted,
                struct err *err)
{
  *interrupted = x->interrupted;
  if (x->state == EXEC_DONE) {
    *exit_code = x->spec->detach ? 0 : x->exit_code;
    return 0;
  }
  if (x->state != EXEC_FAILED)
    return err_set(err, ERR_STATE, "running a command in '%s': unfinished",
                   x->spec->container_name);
  const char *t = x->err.text ? x->err.text : err_text(x->err.code);
  size_t n = strlen(t);
  while (n && t[n - 1] == '\n')
    n--;
  return err_set(err, x->err.code, "%.*s", (int)n, t);
}

int exec_detached(const struct exec *x)
{
  return x->detached;
}

void exec_resize(struct exec *x, int rows, int cols)
{
  if (x->state != EXEC_RUNNING || !x->spec->tty || !x->att || rows <= 0 ||
      cols <= 0)
    return;
  x->rows = rows;
  x->cols = cols;
  x->resize_tries = 0;
  if (x->resize_due) {
    uv_timer_stop(&x->timer);
    x->resize_due = 0;
  }
  send_size(x);
}

void exec_interrupt(struct exec *x)
{
  x->interrupted = 1;
  if (x->call)
    engine_call_cancel(x->call);
  if (x->att) {
    hang_up(x);
    if (x->state == EXEC_RUNNING)
      settle(x);
  }
}

static void target_resize(void *obj, int rows, int cols)
{
  exec_resize(obj, rows, cols);
}

static void target_signal(void *obj, int signum)
{
  (void)signum;
  exec_interrupt(obj);
}

const struct term_target exec_target = {target_resize, target_signal};

static void on_timer_closed(uv_handle_t *h)
{
  struct exec *x = h->data;
  x->closing--;
  release(x);
}

void exec_free(struct exec *x)
{
  if (!x)
    return;
  x->freed = 1;
  if (x->call)
    engine_call_cancel(x->call);
  hang_up(x);
  pump_free(x->pump);
  x->pump = NULL;
  if (x->timer_init) {
    x->closing++;
    uv_close((uv_handle_t *)&x->timer, on_timer_closed);
  }
  release(x);
}

int exec_session_run(struct session *s, const struct service *svc, int index,
                     struct exec_spec *spec, const struct exec_hooks *hooks,
                     void *data, void **obj, int *exit_code, int *how)
{
  const struct plan_container *c = NULL;
  int rc = session_observe(s);
  if (!rc)
    rc = exec_find_container(s->have, s->nhave, svc, index, &c, &s->err);
  if (rc)
    return rc;
  spec->container = c->id;
  spec->container_name = c->name;
  struct exec *x = exec_new(&s->loop, s->engine, s->project, spec, hooks, data);
  *obj = x;
  exec_start(x);
  while (!exec_finished(x))
    if (!uv_run(&s->loop, UV_RUN_ONCE))
      break;
  int interrupted = 0;
  *obj = NULL;
  rc = exec_result(x, exit_code, &interrupted, &s->err);
  *how = interrupted ? 1 : x->detached ? 2 : 0;
  exec_free(x);
  uv_run(&s->loop, UV_RUN_NOWAIT);
  return rc;
}
