/* watch session: a state machine per batch of changes (rebuild, recreate,
 * prune, let the owner follow, apply), advanced from the loop's
 * callbacks. */
#include "watch/session.h"
#include "orchestrate/converge.h"
#include "orchestrate/create.h"
#include "orchestrate/images.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"
#include "watch/watch.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum ws_state {
  WS_IDLE,       /* waiting for a batch */
  WS_OLD_IDS,    /* --prune: the images' IDs before the rebuild */
  WS_BUILDING,   /* building the images of the services to rebuild */
  WS_RECREATING, /* converging those services with forced recreation */
  WS_PRUNING,    /* --prune: removing images the rebuild left dangling */
  WS_FOLLOWING,  /* the owner looks at the recreated containers */
  WS_APPLYING    /* sync, restart, exec (actions.h) */
};

/* The engine's container starts, followed while deletes wait for a
 * container to run; it outlives the session when the call is still being
 * cancelled (ws NULL). */
struct ws_events {
  struct watch_session *ws;
  struct engine_call *call;
};

struct watch_session {
  struct session *s;
  unsigned flags;
  const struct watch_session_hooks *h;
  void *data;
  struct watch_rules rules;
  struct watch *w;
  enum ws_state state;
  int quiet; /* quiesced: no new batches */
  struct watch_batch b;
  size_t t;            /* the todo at hand in b */
  char **old, **now;   /* per service: image IDs before and after (prune) */
  unsigned char *mask; /* the services rebuilt */
  char *names;         /* of the services rebuilt, quoted */
  struct plan plan;
  int rebuilt;
  struct watch_apply *apply;
  struct err apply_err;
  struct watch_memo memo; /* deletes kept, containers' users */
  struct ws_events *events;
  int pending_due;            /* a container with deletes waiting has started */
  struct timespec applied_at; /* when the last run began (wall clock) */
  int run_pending;            /* this batch is for those deletes */
};

static int tracing(void)
{
  static int trace = -1;
  if (trace < 0) {
    const char *t = getenv("WCOMPOSE_TRACE");
    trace = t && *t;
  }
  return trace;
}

static void set_state(struct watch_session *ws, enum ws_state to)
{
  static const char *const names[] = {"idle",       "old-ids", "building",
                                      "recreating", "pruning", "following",
                                      "applying"};
  if (tracing())
    fprintf(stderr, "wcompose: watch session: %s -> %s\n", names[ws->state],
            names[to]);
  ws->state = to;
}

/* --- hooks of the watcher and the actions --- */

static void on_note(void *data, const char *text)
{
  struct watch_session *ws = data;
  session_note(ws->s, "%s", text);
}

static void on_warn(void *data, const char *text)
{
  struct watch_session *ws = data;
  session_warn(ws->s, "%s", text);
}

static void on_output(void *data, const char *container, enum stream_kind kind,
                      const char *p, size_t n)
{
  struct watch_session *ws = data;
  (void)container;
  session_output(ws->s, kind, p, n);
}

static void on_progress(void *data, const char *name, const char *status,
                        int done)
{
  struct watch_session *ws = data;
  session_event(ws->s, "Container", name, status, done);
}

static void on_due(void *data);

static const struct watch_hooks hooks = {on_note, on_warn, on_output,
                                         on_progress, on_due};

/* --- one batch --- */

static void warn_err(struct watch_session *ws, const char *what)
{
  struct err *e = &ws->s->err;
  const char *t = e->text ? e->text : err_text(e->code);
  size_t n = strlen(t);
  while (n && t[n - 1] == '\n')
    n--;
  session_warn(ws->s, "%s: %.*s", what, (int)n, t);
  err_reset(e);
}

static void batch_release(struct watch_session *ws)
{
  const struct project *p = ws->s->project;
  for (size_t i = 0; ws->old && i < p->nservices; i++) {
    free(ws->old[i]);
    free(ws->now[i]);
  }
  free(ws->old);
  free(ws->now);
  ws->old = ws->now = NULL;
  free(ws->mask);
  ws->mask = NULL;
  free(ws->names);
  ws->names = NULL;
  plan_release(&ws->plan);
  watch_apply_free(ws->apply);
  ws->apply = NULL;
  err_release(&ws->apply_err);
  watch_batch_release(&ws->b);
}

static void take_next(struct watch_session *ws);

static int on_event(void *ctx, const struct engine_event *ev)
{
  struct ws_events *sub = ctx;
  struct watch_session *ws = sub->ws;
  if (ws && ev->action && !strcmp(ev->action, "start") && ev->id &&
      watch_memo_has_deletes(&ws->memo, ev->id)) {
    ws->pending_due = 1;
    take_next(ws);
  }
  return 0;
}

static void on_events_end(void *ctx, struct engine_result *res)
{
  struct ws_events *sub = ctx;
  struct watch_session *ws = sub->ws;
  if (ws) {
    ws->events = NULL;
    if (res->rc != ERR_CANCELED) {
      const char *t =
          res->err && res->err->text ? res->err->text : err_text(res->rc);
      session_warn(ws->s,
                   "following container starts: %.*s (deletes kept for "
                   "stopped containers now wait for the next change)",
                   (int)strcspn(t, "\n"), t);
    }
  }
  free(sub);
}

/* Deletes wait for stopped containers: be told when one starts. */
static void follow_starts(struct watch_session *ws)
{
  if (ws->events || !ws->memo.n || ws->quiet)
    return;
  struct ws_events *sub = xcalloc(1, sizeof(*sub));
  struct engine_filters f = ENGINE_FILTERS_INIT;
  char *label = xasprintf("%s=%s", LABELS_PROJECT, ws->s->project->name);
  engine_filters_add(&f, "type", "container");
  engine_filters_add(&f, "event", "start");
  engine_filters_add(&f, "label", label);
  free(label);
  struct err e = ERR_INIT;
  sub->ws = ws;
  /* from when the run that kept the deletes began: a start since then
   * (before this call reached the engine) is told too */
  char since[48];
  snprintf(since, sizeof(since), "%lld.%09ld",
           (long long)ws->applied_at.tv_sec - 1, ws->applied_at.tv_nsec);
  if (engine_events_typed(ws->s->engine, &f, since, NULL, on_event,
                          on_events_end, sub, &sub->call, &e)) {
    const char *t = e.text ? e.text : err_text(e.code);
    session_warn(ws->s, "following container starts: %.*s",
                 (int)strcspn(t, "\n"), t);
    free(sub);
  } else {
    ws->events = sub;
  }
  err_release(&e);
  engine_filters_release(&f);
}

static void idle(struct watch_session *ws)
{
  batch_release(ws);
  set_state(ws, WS_IDLE);
  if (ws->h && ws->h->busy)
    ws->h->busy(ws->data, 0);
  /* changes that came to rest meanwhile are due now */
  take_next(ws);
}

static void on_applied(void *arg, int rc)
{
  struct watch_session *ws = arg;
  if (rc) {
    err_reset(&ws->s->err);
    err_set(&ws->s->err, rc, "%s",
            ws->apply_err.text ? ws->apply_err.text : err_text(rc));
    warn_err(ws, "Error handling changed files");
  }
  session_flush(ws->s);
  follow_starts(ws);
  idle(ws);
}

static void apply(struct watch_session *ws)
{
  int rest = ws->run_pending;
  ws->run_pending = 0;
  for (size_t t = 0; t < ws->b.n; t++)
    rest |= ws->b.v[t].nsync || ws->b.v[t].restart || ws->b.v[t].nexecs;
  if (!rest) {
    idle(ws);
    return;
  }
  set_state(ws, WS_APPLYING);
  struct session *s = ws->s;
  clock_gettime(CLOCK_REALTIME, &ws->applied_at);
  watch_apply_start(&s->loop, s->engine, s->project, &ws->rules, &ws->b,
                    &ws->memo, &hooks, ws, &ws->apply_err, on_applied, ws,
                    &ws->apply);
}

static void on_followed(void *arg, int rc)
{
  struct watch_session *ws = arg;
  if (rc)
    warn_err(ws, "Following the recreated containers");
  apply(ws);
}

static void follow(struct watch_session *ws)
{
  set_state(ws, WS_FOLLOWING);
  if (!ws->h || !ws->h->recreated) {
    apply(ws);
    return;
  }
  if (ws->h->recreated(ws->data, on_followed, ws))
    on_followed(ws, ws->s->err.code ? ws->s->err.code : ERR_STATE);
}

static void prune_next(struct watch_session *ws);

static void on_removed(void *ctx, struct engine_result *res)
{
  struct watch_session *ws = ctx;
  (void)res; /* an image still in use stays: nothing to say */
  ws->t++;
  prune_next(ws);
}

static void on_now_id(void *arg, int rc)
{
  struct watch_session *ws = arg;
  size_t i = ws->t;
  (void)rc;
  err_reset(&ws->s->err);
  struct err e = ERR_INIT;
  if (ws->now[i] && strcmp(ws->old[i], ws->now[i]) &&
      !engine_image_remove(ws->s->engine, ws->old[i], 0, on_removed, ws, &e))
    return;
  err_release(&e);
  ws->t++;
  prune_next(ws);
}

/* Per service rebuilt: its image's ID now; the old image goes when it
 * changed. */
static void prune_next(struct watch_session *ws)
{
  const struct project *p = ws->s->project;
  while (ws->t < p->nservices && !(ws->mask[ws->t] && ws->old[ws->t]))
    ws->t++;
  if (ws->t == p->nservices) {
    follow(ws);
    return;
  }
  char *name = create_image_name_new(p, &p->services[ws->t]);
  if (images_id_start(ws->s, name, &ws->now[ws->t], on_now_id, ws))
    on_now_id(ws, ERR_NOTFOUND);
  free(name);
}

static void on_recreated(void *arg, int rc)
{
  struct watch_session *ws = arg;
  session_flush(ws->s);
  if (rc) {
    warn_err(ws, "Failed to recreate services after update. Error");
    idle(ws);
    return;
  }
  if (ws->flags & WATCH_SESSION_PRUNE) {
    set_state(ws, WS_PRUNING);
    ws->t = 0;
    prune_next(ws);
    return;
  }
  follow(ws);
}

static void recreate(struct watch_session *ws)
{
  session_note(ws->s, "service(s) %s successfully built", ws->names);
  set_state(ws, WS_RECREATING);
  struct converge_options co = {
      .plan_flags = PLAN_FORCE_RECREATE, .timeout = -1, .selected = ws->mask};
  int rc = converge_start(ws->s, &co, &ws->plan, on_recreated, ws);
  if (rc)
    on_recreated(ws, rc);
}

static void build_next(struct watch_session *ws);

static void on_built(void *arg, int rc)
{
  struct watch_session *ws = arg;
  if (rc) {
    session_flush(ws->s);
    warn_err(ws, "Build failed. Error");
    idle(ws);
    return;
  }
  ws->t++;
  build_next(ws);
}

static void on_old_id(void *arg, int rc)
{
  struct watch_session *ws = arg;
  (void)rc; /* no image yet: nothing to prune */
  err_reset(&ws->s->err);
  set_state(ws, WS_BUILDING);
  if (images_build_start(ws->s, ws->b.v[ws->t].svc, on_built, ws))
    on_built(ws, ws->s->err.code ? ws->s->err.code : ERR_STATE);
}

/* The next todo that asks for a rebuild: its old image ID (--prune), then
 * its build; after the last, recreate. */
static void build_next(struct watch_session *ws)
{
  while (ws->t < ws->b.n && !ws->b.v[ws->t].rebuild)
    ws->t++;
  if (ws->t == ws->b.n) {
    session_flush(ws->s);
    recreate(ws);
    return;
  }
  const struct watch_todo *d = &ws->b.v[ws->t];
  if (!(ws->flags & WATCH_SESSION_PRUNE)) {
    on_old_id(ws, 0);
    return;
  }
  set_state(ws, WS_OLD_IDS);
  char *name = create_image_name_new(ws->s->project, d->svc);
  if (images_id_start(ws->s, name, &ws->old[d->service], on_old_id, ws))
    on_old_id(ws, ERR_NOTFOUND);
  free(name);
}

static void handle(struct watch_session *ws)
{
  const struct project *p = ws->s->project;
  size_t n = p->nservices ? p->nservices : 1;
  if (ws->h && ws->h->busy)
    ws->h->busy(ws->data, 1);
  ws->rebuilt = 0;
  ws->mask = xcalloc(n, 1);
  ws->old = xcalloc(n, sizeof(*ws->old));
  ws->now = xcalloc(n, sizeof(*ws->now));
  const char **names = xcalloc(ws->b.n ? ws->b.n : 1, sizeof(*names));
  size_t nn = 0;
  for (size_t t = 0; t < ws->b.n; t++)
    if (ws->b.v[t].rebuild) {
      names[nn++] = ws->b.v[t].svc->name;
      ws->mask[ws->b.v[t].service] = 1;
    }
  ws->names = watch_names_quoted(names, nn);
  free(names);
  if (!nn) {
    apply(ws);
    return;
  }
  session_note(ws->s, "Rebuilding service(s) %s after changes were detected...",
               ws->names);
  ws->t = 0;
  build_next(ws);
}

static void take_next(struct watch_session *ws)
{
  if (ws->quiet || ws->state != WS_IDLE || !ws->w)
    return;
  if (watch_take(ws->w, &ws->b)) {
    ws->run_pending = ws->pending_due;
    ws->pending_due = 0;
    handle(ws);
  } else if (ws->pending_due) {
    /* a container with deletes waiting started: an empty batch for them */
    ws->pending_due = 0;
    ws->run_pending = 1;
    memset(&ws->b, 0, sizeof(ws->b));
    handle(ws);
  }
}

static void on_due(void *data)
{
  take_next(data);
}

/* --- the session --- */

#define TIMES_KEY "x-wcompose-watch"
#define TIMES_ENV "WCOMPOSE_WATCH_SETTLE"

/* "30ms", "1.5s", "250" (milliseconds) into *ms; -1 when it is none. */
static int parse_ms(const char *text, uint64_t *ms)
{
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (end == text || errno || !isfinite(v) || v < 0)
    return -1;
  if (!strcmp(end, "s"))
    v *= 1000;
  else if (*end && strcmp(end, "ms"))
    return -1;
  *ms = (uint64_t)(v + 0.5);
  return 0;
}

static int set_time(const char *where, const char *text, uint64_t max,
                    uint64_t *ms, struct err *err)
{
  uint64_t v;
  if (!text || parse_ms(text, &v))
    return err_set(err, ERR_CONFIG,
                   "%s: '%s' is not a duration (want e.g. 30ms, 1.5s, or a "
                   "number of milliseconds)",
                   where, text ? text : "");
  if (v > max)
    return err_set(err, ERR_CONFIG, "%s: '%s' is too long (at most %llu ms)",
                   where, text, (unsigned long long)max);
  *ms = v;
  return 0;
}

static const char *scalar(const struct mval *v)
{
  if (!v)
    return NULL;
  if (v->kind == MVAL_STR || v->kind == MVAL_INT || v->kind == MVAL_FLOAT)
    return v->str;
  return NULL;
}

int watch_session_times(const struct project *p,
                        const char *(*env)(const char *name),
                        struct debounce_times *out, struct err *err)
{
  static const struct debounce_times defaults = DEBOUNCE_TIMES_INIT;
  static const struct {
    const char *key;
    size_t off;
    uint64_t max;
  } keys[] = {
      {"settle", offsetof(struct debounce_times, settle_ms), 60000},
      {"quiet", offsetof(struct debounce_times, quiet_ms), 60000},
      {"max_wait", offsetof(struct debounce_times, max_wait_ms), 600000}};
  *out = defaults;
  const struct mval *x = mval_get(p->extensions, TIMES_KEY);
  if (x && x->kind != MVAL_MAP && x->kind != MVAL_NULL)
    return err_set(err, ERR_CONFIG,
                   TIMES_KEY ": want a map (settle, quiet, max_wait)");
  for (size_t i = 0; x && x->kind == MVAL_MAP && i < x->n; i++) {
    size_t k = 0;
    while (k < sizeof(keys) / sizeof(keys[0]) &&
           strcmp(keys[k].key, x->keys[i]))
      k++;
    char *where = xasprintf(TIMES_KEY ".%s", x->keys[i]);
    int rc = 0;
    if (k == sizeof(keys) / sizeof(keys[0]))
      rc = err_set(err, ERR_CONFIG,
                   "%s: unknown (want settle, quiet or max_wait)", where);
    else
      rc = set_time(where, scalar(x->items[i]), keys[k].max,
                    (uint64_t *)((char *)out + keys[k].off), err);
    free(where);
    if (rc)
      return rc;
  }
  const char *e = env ? env(TIMES_ENV) : getenv(TIMES_ENV);
  if (e && *e && set_time(TIMES_ENV, e, 60000, &out->settle_ms, err))
    return ERR_CONFIG;
  return 0;
}

int watch_session_check(struct session *s, const unsigned char *want)
{
  struct watch_rules r;
  struct debounce_times t;
  struct strvec notes = STRVEC_INIT;
  int rc = watch_session_times(s->project, NULL, &t, &s->err);
  if (!rc)
    rc = watch_rules_init(&r, s->project, want, &notes, &s->err);
  if (!rc)
    watch_rules_release(&r);
  strvec_clear(&notes);
  return rc;
}

int watch_session_start(struct session *s, const unsigned char *want,
                        unsigned flags, const struct watch_session_hooks *h,
                        void *data, struct watch_session **out)
{
  struct debounce_times times;
  *out = NULL;
  if (watch_session_times(s->project, NULL, &times, &s->err))
    return ERR_CONFIG;
  struct watch_session *ws = xcalloc(1, sizeof(*ws));
  struct strvec notes = STRVEC_INIT;
  ws->s = s;
  ws->flags = flags;
  ws->h = h;
  ws->data = data;
  ws->plan = (struct plan)PLAN_INIT;
  *out = NULL;
  int rc = watch_rules_init(&ws->rules, s->project, want, &notes, &s->err);
  for (size_t i = 0; i < notes.n; i++)
    session_note(s, "%s", notes.v[i]);
  strvec_clear(&notes);
  if (rc) {
    free(ws);
    return rc;
  }
  rc = watch_new(&s->loop, &ws->rules, &times, &hooks, ws, &ws->w, &s->err);
  if (rc) {
    watch_rules_release(&ws->rules);
    free(ws);
    return rc;
  }
  session_note(s, "Watch enabled");
  *out = ws;
  /* initial_sync: what the rules take goes over first, as one batch */
  size_t dropped = 0;
  watch_batch_initial(&ws->rules, DEBOUNCE_CAP, &ws->b, &dropped);
  if (dropped)
    session_warn(s, "initial sync: %zu paths were left out (more than %d)",
                 dropped, DEBOUNCE_CAP);
  if (ws->b.n)
    handle(ws);
  else
    watch_batch_release(&ws->b);
  return 0;
}

int watch_session_busy(const struct watch_session *ws)
{
  return ws && ws->state != WS_IDLE;
}

void watch_session_quiesce(struct watch_session *ws)
{
  if (ws)
    ws->quiet = 1;
}

void watch_session_free(struct watch_session *ws)
{
  if (!ws)
    return;
  watch_free(ws->w);
  batch_release(ws);
  if (ws->events) {
    ws->events->ws = NULL;
    engine_call_cancel(ws->events->call);
  }
  watch_memo_release(&ws->memo);
  /* the watcher's handles close on the next turn and borrow the rules:
   * run the loop before the rules go */
  uv_run(&ws->s->loop, UV_RUN_NOWAIT);
  watch_rules_release(&ws->rules);
  free(ws);
}
