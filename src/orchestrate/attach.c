/* attach: the hijacked attach of a running container, awaited at the top
 * of the command; the same pump as run and exec. */
#include "orchestrate/attach.h"
#include "orchestrate/exec.h"
#include "orchestrate/pump.h"
#include "orchestrate/session.h"
#include "engine/hijack.h"

#include <signal.h>
#include <string.h>

#define DEFAULT_DETACH_KEYS "ctrl-p,ctrl-q"

struct attach {
  struct session *s;
  const char *id;
  int tty, sig_proxy;
  const struct attach_hooks *h;
  void *data;
  struct engine_attach *att;
  struct pump *pump;
  int resizing;    /* resize calls out */
  int input_waits; /* stdin starts once the first resize is answered */
  int ended, rc, detached, interrupted;
  struct err err;
};

/* For calls whose answer changes nothing (kill, resize). */
static void on_fire(void *ctx, struct engine_result *res)
{
  (void)ctx;
  (void)res;
}

static void hang_up(struct attach *a)
{
  pump_stop(a->pump);
  engine_attach_free(a->att);
  a->att = NULL;
  a->ended = 1;
  uv_stop(&a->s->loop);
}

static int on_output(void *ctx, enum stream_kind kind, const char *p, size_t n)
{
  struct attach *a = ctx;
  return a->h->output ? a->h->output(a->data, kind, p, n) : 0;
}

static void on_done(void *ctx, int rc, const struct err *err)
{
  struct attach *a = ctx;
  if (rc && !a->interrupted && !a->detached) {
    a->rc = rc;
    err_set(&a->err, rc, "%s", err && err->text ? err->text : err_text(rc));
  }
  hang_up(a);
}

static void start_input(struct attach *a)
{
  a->input_waits = 0;
  if (a->pump && a->att && !a->ended)
    pump_start(a->pump, a->att);
}

/* The engine answered 101: the terminal is the container's now. With a
 * TTY, our size is sent first and keys follow its answer, as the docker
 * CLI resizes before it streams: a shell reading the first keys sees our
 * size, not 0x0. */
static void on_ready(void *ctx)
{
  struct attach *a = ctx;
  if (a->h->attached)
    a->h->attached(a->data);
  a->input_waits = 1;
  if (!a->ended && a->h->started)
    a->h->started(a->data);
  /* input from now on (with a TTY, the end of stdin ends the output) */
  if (!a->resizing)
    start_input(a);
}

static void on_drain(void *ctx)
{
  struct attach *a = ctx;
  pump_drain(a->pump);
}

static void on_detached(void *ctx)
{
  struct attach *a = ctx;
  a->detached = 1;
  hang_up(a);
}

static void on_resized(void *ctx, struct engine_result *res)
{
  struct attach *a = ctx;
  (void)res; /* a refused resize leaves the size as it was: not an error */
  a->resizing--;
  if (a->input_waits && !a->resizing)
    start_input(a);
}

void attach_resize(struct attach *a, int rows, int cols)
{
  struct err e = ERR_INIT;
  if (a->tty && a->att && rows > 0 && cols > 0 &&
      !engine_container_resize(a->s->engine, a->id, rows, cols, on_resized, a,
                               &e))
    a->resizing++;
  err_release(&e);
}

void attach_signal(struct attach *a, int signum)
{
  struct err e = ERR_INIT;
  if (a->tty || !a->sig_proxy)
    attach_interrupt(a);
  else if (a->att)
    engine_container_kill(a->s->engine, a->id,
                          signum == SIGINT ? "SIGINT" : "SIGTERM", on_fire,
                          NULL, &e);
  err_release(&e);
}

void attach_interrupt(struct attach *a)
{
  if (!a->att)
    return;
  a->interrupted = 1;
  hang_up(a);
}

/* The container's TTY and stdin, from its inspect. */
static int inspect(struct session *s, const char *id, int *tty, int *open)
{
  struct session_call c = {.err = &s->err};
  int rc =
      engine_container_inspect(s->engine, id, session_call_cb, &c, &s->err);
  if (!rc)
    rc = session_call_wait(s, &c);
  if (!rc && c.container) {
    *tty = c.container->config.tty;
    *open = c.container->config.open_stdin;
  }
  session_call_release(&c);
  return rc;
}

/* The exit code once the stream ended: the wait answers at once when the
 * container is gone already. */
static int exit_code_of(struct session *s, const char *id, int *code)
{
  struct session_call c = {.err = &s->err};
  int rc =
      engine_container_wait(s->engine, id, NULL, session_call_cb, &c, &s->err);
  if (!rc)
    rc = session_call_wait(s, &c);
  if (!rc && c.wait)
    *code = c.wait->status_code;
  session_call_release(&c);
  return rc;
}

int attach_session_run(struct session *s, const struct service *svc,
                       const struct attach_options *o,
                       const struct attach_hooks *h, void *data, void **obj,
                       int *ttyp, int *exit_code, int *how, const char **name)
{
  const struct plan_container *c = NULL;
  unsigned char keys[PUMP_KEYS_MAX];
  size_t nkeys = 0;
  const char *k = o->detach_keys ? o->detach_keys : DEFAULT_DETACH_KEYS;
  int rc = pump_keys_parse(k, keys, &nkeys, &s->err);
  if (!rc)
    rc = session_observe(s);
  if (!rc)
    rc = exec_find_container(s->have, s->nhave, svc, o->index, &c, &s->err);
  int tty = 0, open = 0;
  if (!rc)
    rc = inspect(s, c->id, &tty, &open);
  if (rc)
    return rc;
  *name = c->name;
  *exit_code = -1;
  struct attach a = {.s = s,
                     .id = c->id,
                     .tty = tty,
                     .sig_proxy = o->sig_proxy,
                     .h = h,
                     .data = data};
  int in = !o->no_stdin && open;
  if (in)
    a.pump =
        pump_new(&s->loop, o->stdin_fd, keys, tty ? nkeys : 0, on_detached, &a);
  *obj = &a;
  *ttyp = tty;
  rc = engine_attach_open_keys(s->engine, c->id, tty, in, tty ? k : NULL,
                               on_output, on_ready, on_done, on_drain, &a,
                               &a.att, &s->err);
  if (!rc) {
    while (!a.ended)
      if (!uv_run(&s->loop, UV_RUN_ONCE))
        break;
  }
  *obj = NULL;
  /* the resize answers name a */
  while (a.resizing)
    if (!uv_run(&s->loop, UV_RUN_ONCE))
      break;
  pump_free(a.pump);
  engine_attach_free(a.att);
  uv_run(&s->loop, UV_RUN_NOWAIT);
  if (!rc && a.rc)
    rc = err_set(&s->err, a.rc, "%s", a.err.text);
  err_release(&a.err);
  *how = a.interrupted ? 1 : a.detached ? 2 : 0;
  if (!rc && !*how)
    rc = exit_code_of(s, c->id, exit_code);
  return rc;
}

static void target_resize(void *obj, int rows, int cols)
{
  attach_resize(obj, rows, cols);
}

static void target_signal(void *obj, int signum)
{
  attach_signal(obj, signum);
}

const struct term_target attach_target = {target_resize, target_signal};
