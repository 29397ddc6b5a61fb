/* exits: one engine wait per container, answers counted as they come. */
#include "orchestrate/exits.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void on_waited(void *ctx, struct engine_result *res)
{
  struct exits_one *o = ctx;
  struct exits *x = o->x;
  int code = res->rc || !res->wait ? -1 : res->wait->status_code;
  struct err e = ERR_INIT;
  if (res->rc) {
    const char *t =
        res->err && res->err->text ? res->err->text : err_text(res->rc);
    size_t n = strlen(t);
    while (n && t[n - 1] == '\n')
      n--;
    err_set(&e, res->rc, "%.*s", (int)n, t);
  } else if (res->wait && *res->wait->error)
    err_set(&e, ERR_ENGINE, "waiting for '%s': %s", o->name, res->wait->error);
  else if (code < 0)
    err_set(&e, ERR_PROTO, "waiting for '%s': no exit code", o->name);
  if (e.code) {
    code = -1;
    if (!x->failed && res->rc != ERR_CANCELED)
      err_set(&x->s->err, e.code, "%s", e.text);
    x->failed = 1;
  }
  if (!x->first_done)
    x->first_code = code;
  x->first_done = 1;
  if (++x->answered == x->n)
    x->all_done = 1;
  if (x->cb && res->rc != ERR_CANCELED)
    x->cb(x->data, o->name, o->service, code, e.code ? &e : NULL);
  err_release(&e);
  uv_stop(&x->s->loop); /* the waiting loop sees the change on this turn */
}

int exits_start(struct session *s, struct exits *x, exits_cb cb, void *data)
{
  memset(x, 0, sizeof(*x));
  x->s = s;
  x->cb = cb;
  x->data = data;
  x->first_code = -1;
  int rc = session_observe(s);
  if (rc)
    return rc;
  const struct project *p = s->project;
  x->v = xcalloc(s->nhave ? s->nhave : 1, sizeof(*x->v));
  for (size_t i = 0; i < s->nhave; i++) {
    const struct plan_container *c = &s->have[i];
    if (c->oneoff || !c->service)
      continue;
    for (size_t k = 0; k < p->nservices; k++)
      if (s->selected[k] && !strcmp(p->services[k].name, c->service))
        x->v[x->n++] = (struct exits_one){x, xstrdup(c->id), xstrdup(c->name),
                                          xstrdup(c->service)};
  }
  if (!x->n)
    return err_set(&s->err, ERR_USAGE,
                   "no containers of the services named to wait for (is "
                   "the project up?)");
  for (size_t i = 0; i < x->n; i++) {
    rc = engine_container_wait(s->engine, x->v[i].id, "not-running", on_waited,
                               &x->v[i], &s->err);
    if (rc) {
      /* the ones started answer (canceled) when the engine goes */
      for (size_t k = i; k < x->n; k++)
        x->answered++; /* never started: never answers */
      x->all_done = x->answered == x->n;
      return rc;
    }
  }
  return 0;
}

void exits_release(struct exits *x)
{
  for (size_t i = 0; i < x->n; i++) {
    free(x->v[i].id);
    free(x->v[i].name);
    free(x->v[i].service);
  }
  free(x->v);
  x->v = NULL;
  x->n = 0;
}
